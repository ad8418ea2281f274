#!/usr/bin/env bash
# `make test`: install what is missing, build, install, start a throwaway
# cluster (shared_preload_libraries = 'pg_cron'), run every suite and print
# "N passed, N failed".  Exits non-zero on any failure.
#   unit      plain-C TAP tests of src/core (test/unit/test_*.c)
#   regress   pg_regress, exact output (test/sql/*.sql vs expected/*.out)
#   pgtap     pgTAP suites through pg_prove (test/pgtap/*.sql)
#   shell     other end-to-end tests (test/shell/*.sh), each prints TAP
# Set CLIENTELE_TEST_KEEP=1 to leave the cluster running afterwards.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_deps
build_install || die "build failed"

TESTDIR=$ROOT/tmp/test
PORT=${CLIENTELE_TEST_PORT:-54329}
cluster_remove "$TESTDIR"
cluster_start "$TESTDIR" "$PORT" "shared_preload_libraries = 'pg_cron'" "cron.database_name = 'postgres'"
TESTDIR=$CLUSTER_DIR
trap '[ -n "${CLIENTELE_TEST_KEEP:-}" ] || cluster_remove "$TESTDIR"' EXIT
BIN=$(pg_bindir)
export CLIENTELE_DATASETS; CLIENTELE_DATASETS=$(datasets_dir)

pass=0; fail=0; failed_names=(); todo=0; todo_names=()
count_tap() { # reads TAP on stdin, adds to the totals
	local line
	while IFS= read -r line; do
		case "$line" in
			"not ok "*"# TODO"*) todo=$((todo+1)); todo_names+=("$1: ${line#*not ok }");;
			"ok "*|"    ok "*) pass=$((pass+1));;
			"not ok "*|"    not ok "*) fail=$((fail+1)); failed_names+=("$1: ${line#*not ok }");;
		esac
	done
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
else
	log "SKIP: ../shared/datasets/cdnow is absent; dataset-based tests are skipped"
fi

# --- unit tests ----------------------------------------------------------------
log "unit tests (plain C)"
out=$(make -s unitcheck 2>&1); rc=$?
printf '%s\n' "$out" | grep -E '^(ok|not ok|#)' | sed 's/^/  /'
count_tap unit < <(printf '%s\n' "$out")
[ $rc -eq 0 ] || { fail=$((fail+1)); failed_names+=("unit: make unitcheck exited $rc"); printf '%s\n' "$out" | tail -20; }

# --- pg_regress -----------------------------------------------------------------
log "pg_regress"
psqlq -d postgres -c "CREATE DATABASE clientele_regress TEMPLATE clientele_template"
tests=$(cd test/sql && ls *.sql 2>/dev/null | sed 's/\.sql$//' | sort)
rm -rf tmp/regress; mkdir -p tmp/regress
PGXS_DIR=$(dirname "$("$PG_CONFIG" --pgxs)")/../..
out=$("$PGXS_DIR/src/test/regress/pg_regress" --inputdir=test --outputdir=tmp/regress \
	--bindir="$BIN" --use-existing --dbname=clientele_regress $tests 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/  /'
while IFS= read -r line; do
	case "$line" in
		*" ... ok"*|"ok "*) pass=$((pass+1));;
		*" ... FAILED"*|*" ... failed"*|"not ok "*) fail=$((fail+1)); failed_names+=("regress: $line");;
	esac
done <<<"$out"
if [ -f tmp/regress/regression.diffs ] && [ -s tmp/regress/regression.diffs ]; then
	echo "---- regression.diffs ----"; cat tmp/regress/regression.diffs; echo "--------------------------"
fi
[ $rc -eq 0 ] || [ -s tmp/regress/regression.diffs ] || { fail=$((fail+1)); failed_names+=("regress: pg_regress exited $rc"); }

# --- pgTAP ------------------------------------------------------------------------
log "pgTAP (pg_prove)"
psqlq -d postgres -c "CREATE DATABASE clientele_tap TEMPLATE clientele_template"
if ls test/pgtap/*.sql >/dev/null 2>&1; then
	out=$(pg_prove -v -d clientele_tap -h "$PGHOST" -p "$PGPORT" -U postgres test/pgtap/*.sql 2>&1); rc=$?
	printf '%s\n' "$out" | grep -vE '^ok ' | sed 's/^/  /'
	count_tap pgtap < <(printf '%s\n' "$out")
	[ $rc -eq 0 ] || { printf '%s\n' "$out" | grep -q '^not ok' || { fail=$((fail+1)); failed_names+=("pgtap: pg_prove exited $rc"); }; }
fi

# --- shell tests ------------------------------------------------------------------
for t in test/shell/*.sh; do
	[ -f "$t" ] || continue
	log "shell test $t"
	out=$(bash "$t" 2>&1); rc=$?
	printf '%s\n' "$out" | sed 's/^/  /'
	count_tap "$t" < <(printf '%s\n' "$out")
	[ $rc -eq 0 ] || { printf '%s\n' "$out" | grep -q '^not ok' || { fail=$((fail+1)); failed_names+=("$t exited $rc"); }; }
done

# --- Citus (scripts/citus.sh): when Citus is installed or its source is vendored
log "citus (coordinator + 2 workers)"
out=$(bash scripts/citus.sh 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/  /'
count_tap citus < <(printf '%s\n' "$out")
[ $rc -eq 0 ] || { printf '%s\n' "$out" | grep -q '^not ok' || { fail=$((fail+1)); failed_names+=("citus: scripts/citus.sh exited $rc"); }; }

echo
[ $todo -eq 0 ] || { echo "Known failures (TAP TODO):"; printf '  %s\n' "${todo_names[@]}"; }
if [ $fail -gt 0 ]; then
	echo "Failures:"; printf '  %s\n' "${failed_names[@]}"
	echo "server log: $TESTDIR/server.log (kept: CLIENTELE_TEST_KEEP=1)"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
