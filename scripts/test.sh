#!/usr/bin/env bash
# `make test`: install what is missing, build, install, start a throwaway
# cluster (shared_preload_libraries = 'pg_cron'), run every suite and print
# "N passed, N failed, N skipped".  Exits non-zero on any failure.
#   unit      plain-C TAP tests of src/core (test/unit/test_*.c)
#   regress   pg_regress through `make installcheck` (test/sql/*.sql vs expected/*.out)
#   pgtap     pgTAP suites through pg_prove (test/pgtap/*.sql)
#   fuzz      libFuzzer targets of test/fuzz/ (CLIENTELE_FUZZ_SECONDS each, default 20)
#   shell     other end-to-end tests (test/shell/*.sh), each prints TAP
# Set CLIENTELE_TEST_KEEP=1 to leave the cluster running afterwards.
# Arguments (or `make test T="..."`) select what runs: suite names (unit,
# regress, pgtap, fuzz, shell) and/or shell test names (e.g. `upgrade` for
# test/shell/upgrade.sh); none = everything.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
ONLY=" $* "
want() { # want SUITE [SHELL_TEST]: is this suite (or shell test) selected?
	[ "$ONLY" = "  " ] && return 0
	case "$ONLY" in *" $1 "*) return 0;; esac
	[ -n "${2:-}" ] && case "$ONLY" in *" $2 "*) return 0;; esac
	return 1
}

ensure_deps
export SANITIZE=${SANITIZE:-}
CLUSTER_ENV=()
if [ -n "$SANITIZE" ]; then
	sanitizer_env
	log "SANITIZE=1: AddressSanitizer + UBSan build; server started with ${CLUSTER_ENV[*]}"
fi
build_install || die "build failed"

TESTDIR=$ROOT/tmp/test
PORT=${CLIENTELE_TEST_PORT:-54329}
cluster_remove "$TESTDIR"
cluster_start "$TESTDIR" "$PORT" "shared_preload_libraries = 'pg_cron'" "cron.database_name = 'postgres'"
TESTDIR=$CLUSTER_DIR
trap '[ -n "${CLIENTELE_TEST_KEEP:-}" ] || cluster_remove "$TESTDIR"' EXIT
BIN=$(pg_bindir)
export CLIENTELE_DATASETS; CLIENTELE_DATASETS=$(datasets_dir)

pass=0; fail=0; skip=0; todo=0; failed_names=(); skip_reasons=(); todo_names=()
# count_tap NAME: reads TAP on stdin and adds to the totals.  "ok ... # SKIP"
# is a skip, not a pass; the results must add up to the plans ("1..N", summed
# over the plans in the stream), else the stream died early or lied.
count_tap() {
	local line planned=0 seen=0 plans=0 reason
	local skip_re='^ok [0-9]+[^#]*#[[:space:]]*[Ss][Kk][Ii][Pp]([[:space:]:]+(.*))?$'
	while IFS= read -r line; do
		if [[ $line =~ $skip_re ]]; then
			skip=$((skip+1)); seen=$((seen+1))
			reason="$1: ${BASH_REMATCH[2]:-no reason given}"
			case " ${skip_reasons[*]+${skip_reasons[*]}} " in *"$reason"*) ;; *) skip_reasons+=("$reason");; esac
		elif [[ $line =~ ^ok\ [0-9] ]]; then
			pass=$((pass+1)); seen=$((seen+1))
		elif [[ $line =~ ^not\ ok\ [0-9][^#]*#[[:space:]]*TODO ]]; then
			todo=$((todo+1)); seen=$((seen+1)); todo_names+=("$1: ${line#not ok }")
		elif [[ $line =~ ^not\ ok\ [0-9] ]]; then
			fail=$((fail+1)); seen=$((seen+1)); failed_names+=("$1: ${line#not ok }")
		elif [[ $line =~ ^1\.\.([0-9]+) ]]; then
			planned=$((planned+BASH_REMATCH[1])); plans=$((plans+1))
		fi
	done
	if [ $plans -eq 0 ] || [ $planned -ne $seen ]; then
		fail=$((fail+1)); failed_names+=("$1: planned $planned tests ($plans plans), reported $seen")
	fi
}
psqlq() { "$BIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

# --- template database: pgtap, clientele, test datasets ---------------------
log "preparing template database"
psqlq -d postgres -c "CREATE DATABASE clientele_template" || die "createdb failed"
psqlq -d clientele_template -c "CREATE EXTENSION pgtap" -c "CREATE EXTENSION dblink" -c "CREATE EXTENSION clientele" \
	|| die "CREATE EXTENSION failed"
psqlq -d clientele_template -f test/fixtures/datasets.sql || die "test dataset tables failed"
if [ -n "$CLIENTELE_DATASETS" ] && [ -d "$CLIENTELE_DATASETS/cdnow" ]; then
	psqlq -d clientele_template \
		-c "\\copy test_data.cdnow_raw FROM '$CLIENTELE_DATASETS/cdnow/CDNOW_sample.txt'" \
		-c "\\copy test_data.cdnow_summary FROM '$CLIENTELE_DATASETS/cdnow/cdnow_customers_summary_with_transactions.csv' WITH (FORMAT csv, HEADER true)" \
		-f test/fixtures/datasets_parse.sql || die "loading the CDNOW dataset failed"
elif is_ci; then
	log "CI: ../shared/datasets/cdnow is missing"
	fail=$((fail+1)); failed_names+=("CI=$CI but ../shared/datasets/cdnow is missing: the dataset-based tests would only be skipped")
else
	log "SKIP: ../shared/datasets/cdnow is absent; dataset-based tests are skipped (reported as skipped)"
fi

# --- unit tests ----------------------------------------------------------------
if want unit; then
log "unit tests (plain C)"
out=$(make -s unitcheck 2>&1); rc=$?
printf '%s\n' "$out" | grep -E '^(ok|not ok|#)' | sed 's/^/  /'
count_tap unit < <(printf '%s\n' "$out")
[ $rc -eq 0 ] || { fail=$((fail+1)); failed_names+=("unit: make unitcheck exited $rc"); printf '%s\n' "$out" | tail -20; }
fi

# --- fuzz targets ----------------------------------------------------------------
if want fuzz; then
log "fuzz targets (libFuzzer, ${CLIENTELE_FUZZ_SECONDS:-20} s each)"
ensure_fuzz_deps
if out=$(make -s --no-print-directory fuzz-build 2>&1); then
	out=$(bash scripts/fuzz.sh "${CLIENTELE_FUZZ_SECONDS:-20}" 2>&1); rc=$?
	printf '%s\n' "$out" | sed 's/^/  /'
	count_tap fuzz < <(printf '%s\n' "$out")
	[ $rc -eq 0 ] || printf '%s\n' "$out" | grep -q '^not ok' || { fail=$((fail+1)); failed_names+=("fuzz: scripts/fuzz.sh exited $rc"); }
else
	printf '%s\n' "$out" | tail -20 | sed 's/^/  /'
	fail=$((fail+1)); failed_names+=("fuzz: building the fuzz targets failed")
fi
fi

# --- pg_regress -----------------------------------------------------------------
if want regress; then
log "pg_regress (make installcheck)"
rm -rf test/results test/regression.diffs test/regression.out
out=$(make -s --no-print-directory installcheck PG_CONFIG="$PG_CONFIG" 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/  /'
while IFS= read -r line; do
	case "$line" in
		*" ... ok"*) pass=$((pass+1));;
		*" ... FAILED"*|*" ... failed"*) fail=$((fail+1)); failed_names+=("regress: $line");;
	esac
done <<<"$out"
if [ -s test/regression.diffs ]; then
	echo "---- test/regression.diffs ----"; cat test/regression.diffs; echo "-------------------------------"
fi
[ $rc -eq 0 ] || [ -s test/regression.diffs ] || { fail=$((fail+1)); failed_names+=("regress: make installcheck exited $rc"); }
fi

# --- pgTAP ------------------------------------------------------------------------
if want pgtap; then
log "pgTAP (pg_prove)"
psqlq -d postgres -c "CREATE DATABASE clientele_tap TEMPLATE clientele_template"
if ls test/pgtap/*.sql >/dev/null 2>&1; then
	out=$(pg_prove -v -d clientele_tap -h "$PGHOST" -p "$PGPORT" -U postgres test/pgtap/*.sql 2>&1); rc=$?
	printf '%s\n' "$out" | grep -vE '^ok ' | sed 's/^/  /'
	count_tap pgtap < <(printf '%s\n' "$out")
	[ $rc -eq 0 ] || { printf '%s\n' "$out" | grep -q '^not ok' || { fail=$((fail+1)); failed_names+=("pgtap: pg_prove exited $rc"); }; }
fi
fi

# --- shell tests ------------------------------------------------------------------
for t in test/shell/*.sh; do
	[ -f "$t" ] || continue
	want shell "$(basename "$t" .sh)" || continue
	log "shell test $t"
	out=$(bash "$t" 2>&1); rc=$?
	printf '%s\n' "$out" | sed 's/^/  /'
	count_tap "$t" < <(printf '%s\n' "$out")
	[ $rc -eq 0 ] || { printf '%s\n' "$out" | grep -q '^not ok' || { fail=$((fail+1)); failed_names+=("$t exited $rc"); }; }
done

# --- Citus (scripts/citus.sh): when Citus is installed or its source is vendored
log "citus (coordinator + 2 workers)"
if [ -n "$SANITIZE" ]; then
	# the Citus clusters do not preload the sanitizer runtime the installed library needs
	out=$(printf '1..1\nok 1 # SKIP the Citus suite does not run under SANITIZE=1\n'); rc=0
else
	out=$(bash scripts/citus.sh 2>&1); rc=$?
fi
printf '%s\n' "$out" | sed 's/^/  /'
count_tap citus < <(printf '%s\n' "$out")
[ $rc -eq 0 ] || { printf '%s\n' "$out" | grep -q '^not ok' || { fail=$((fail+1)); failed_names+=("citus: scripts/citus.sh exited $rc"); }; }

# --- sanitizer reports -------------------------------------------------------------
if [ -n "$SANITIZE" ]; then
	log "sanitizer reports in the server log"
	# the check must be able to fail: a backend that loaded clientele runs with ASan
	active=$(psqlq -At -d postgres -c "LOAD 'clientele'" -c "SELECT pg_read_file('/proc/self/maps') ~ 'libasan' AND pg_read_file('/proc/self/maps') ~ 'clientele\.so'" 2>&1 | tail -1)
	if [ "$active" = t ]; then
		pass=$((pass+1)); echo "  ok - backends run the instrumented clientele.so with the ASan runtime"
	else
		fail=$((fail+1)); failed_names+=("sanitizer: the server does not run with ASan ($active)")
		echo "  not ok - the server does not run with ASan: $active"
	fi
	reports=$(grep -cE 'ERROR: AddressSanitizer|runtime error: ' "$TESTDIR/server.log")
	if [ "$reports" -eq 0 ]; then
		pass=$((pass+1)); echo "  ok - no AddressSanitizer / UBSan report in the server log"
	else
		fail=$((fail+reports)); failed_names+=("sanitizer: $reports report(s) in $TESTDIR/server.log")
		echo "  not ok - $reports sanitizer report(s) in the server log:"
		grep -E -A30 'ERROR: AddressSanitizer|runtime error: ' "$TESTDIR/server.log" | head -150 | sed 's/^/    /'
		mkdir -p "$ROOT/tmp" && cp "$TESTDIR/server.log" "$ROOT/tmp/sanitize-server.log" \
			&& echo "  (server log kept in tmp/sanitize-server.log)"
	fi
fi

echo
if [ ${#skip_reasons[@]} -gt 0 ]; then
	echo "Skipped:"; printf '  %s\n' "${skip_reasons[@]}"
fi
if [ $todo -gt 0 ]; then
	echo "Known failures (TAP TODO, $todo):"; printf '  %s\n' "${todo_names[@]}"
fi
if [ $fail -gt 0 ]; then
	echo "Failures:"; printf '  %s\n' "${failed_names[@]}"
	echo "server log: $TESTDIR/server.log (kept: CLIENTELE_TEST_KEEP=1)"
fi
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
