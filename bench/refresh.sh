#!/usr/bin/env bash
# bench/refresh.sh: a full CALL clientele.refresh of a demo bank, total and per
# stage, against one sequential count(*) over its transactions measured in
# the same run (the issue's goal at 1,000,000 customers: <= 4x per stage);
# and the latency (p50 / p99) of customer_scorecard readers in a loop at rest
# and while a refresh runs (goal: p99 within 2x): lookups (by key) and,
# apart, the full-scan reader measured by sessions 7-8 (see reader below).
# Environment (from scripts/bench.sh): PGHOST PGPORT PGUSER BENCH_DB;
# BENCH_SCALE (default 1 = 1,000,000 customers; 0.02 = 20,000),
# BENCH_QUERIES (default 400 reader queries per phase),
# BENCH_REFRESH_PARALLEL (default "shipped"): the settings of
#   clientele.refresh_config.max_parallel_workers_per_gather to measure, in
#   order, e.g. "null 0 1": shipped = the row as installed, null = NULL (the
#   server's max_parallel_workers_per_gather), a number = that cap.  With
#   more than one, each runs on its own copy of the same bank (CREATE
#   DATABASE ... TEMPLATE, taken after the first refresh), so that each
#   timed refresh starts from the same state, and a summary compares them.
set -euo pipefail
BIN=$("${PG_CONFIG:-pg_config}" --bindir)
PSQL=${PSQL:-$BIN/psql}
. "$(dirname "$0")/../scripts/bench_bank.sh"
NQ=${BENCH_QUERIES:-400}
read -r -a SETTINGS <<<"${BENCH_REFRESH_PARALLEL:-shipped}"
CUSTOMERS=$(bench_customers 100 0)
psqld() { local d=$1; shift; "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$d" "$@"; }
ms_now() { date +%s%N | awk '{ printf "%.1f", $1 / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "skipped" || a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
TMPD=$(mktemp -d /tmp/bench_refresh.XXXXXX)
trap 'rm -rf "$TMPD"' EXIT

for s in "${SETTINGS[@]}"; do
	case "$s" in shipped|null|[0-9]|[0-9][0-9]|[0-9][0-9][0-9]|[0-9][0-9][0-9][0-9]) ;;
	*) echo "BENCH_REFRESH_PARALLEL: unknown setting '$s' (shipped, null or a number)" >&2; exit 2;; esac
done

echo "# bench/refresh.sh: BENCH_SCALE=$SCALE ($CUSTOMERS customers), $NQ reader queries per phase, refresh_config.max_parallel_workers_per_gather: ${SETTINGS[*]}"
echo "# load at start: $(uptime | sed 's/.*load average/load average/')"
echo "# server: max_parallel_workers_per_gather = $(psqld "$DB" -c "SHOW max_parallel_workers_per_gather"), max_parallel_workers = $(psqld "$DB" -c "SHOW max_parallel_workers"), $(nproc) CPUs"
# always a new bank (BENCH_KEEP is not honoured): the refreshes below need one without refresh history
BENCH_KEEP=0 bench_bank "$CUSTOMERS"
echo "# transactions: $(psqld "$DB" -c "SELECT count(*) FROM clientele.transaction"), balances: $(psqld "$DB" -c "SELECT count(*) FROM clientele.balance")"
# a first refresh: history for the migration and flow views
psqld "$DB" -c "CALL clientele.refresh('2025-06-30')" >/dev/null 2>&1

# baseline: one sequential count(*) over the transactions (best of 3, serial)
baseline() {
	psqld "$1" <<'SQL'
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE t (ms float8);
DO $$
DECLARE t0 timestamptz; i int;
BEGIN
	FOR i IN 1 .. 3 LOOP
		t0 := clock_timestamp();
		PERFORM count(*) FROM clientele.transaction;
		INSERT INTO t VALUES (extract(epoch FROM clock_timestamp() - t0) * 1000);
	END LOOP;
END $$;
SELECT round(min(ms)::numeric, 1) FROM t;
SQL
}

# reader: in a loop, (1) a scorecard lookup: one random customer by its key
# and the ordinary-tier customers among the first 1,000 ids (two index
# scans), timed as "ms"; then (2) the scan reader of sessions 7-8, timed
# apart as "ms_scan": its customer_id = <expression with random()> is a
# filter evaluated per row (random() is volatile, so it is no index key):
# an index-only scan of the whole scorecard, whose time grows with the
# scorecard's index entries and heap visits (its old rows and new ones
# while the refresh replaces it, the dead ones until a vacuum).
# $1 = database, $2 = output file, $3 = busy (keep reading while a refresh
# holds its lock, at least $NQ queries) or another phase name ($NQ queries).
# Prints p50 p99 n of the first $NQ lookups, then p50 p99 n of every lookup
# (the same at rest), then p50 p99 of the first $NQ scans and of every scan.
reader() {
	psqld "$1" <<SQL >"$2"
\\timing off
CREATE TEMP TABLE lat (i int, at timestamptz, ms float8, ms_scan float8);
DO \$\$
DECLARE t0 timestamptz; t1 timestamptz; i int := 0; id int;
BEGIN
	LOOP
		i := i + 1;
		EXIT WHEN i > $NQ AND ('$3' <> 'busy' OR i > 100000 OR NOT EXISTS (
			SELECT 1 FROM pg_catalog.pg_locks l WHERE l.locktype = 'advisory' AND l.classid = 1668050548 AND l.objid = 1
			  AND l.objsubid = 2 AND l.granted AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())));
		t0 := clock_timestamp();
		id := 1 + (random() * ($CUSTOMERS - 1))::int;
		PERFORM count(*) FROM clientele.customer_scorecard WHERE customer_id = id;
		PERFORM count(*) FROM clientele.customer_scorecard WHERE tier = 'ordinary' AND customer_id < 1000;
		t1 := clock_timestamp();
		PERFORM count(*) FROM clientele.customer_scorecard WHERE customer_id = 1 + (random() * ($CUSTOMERS - 1))::int;
		INSERT INTO lat VALUES (i, t0, extract(epoch FROM t1 - t0) * 1000, extract(epoch FROM clock_timestamp() - t1) * 1000);
		PERFORM pg_sleep(0.005);
	END LOOP;
END \$\$;
SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE i <= $NQ)::numeric, 3) || ' ' ||
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) FILTER (WHERE i <= $NQ)::numeric, 3) || ' ' ||
       count(*) FILTER (WHERE i <= $NQ) || ' ' ||
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 3) || ' ' ||
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 3) || ' ' || count(*) FROM lat;
SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms_scan) FILTER (WHERE i <= $NQ)::numeric, 3) || ' ' ||
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms_scan) FILTER (WHERE i <= $NQ)::numeric, 3) || ' ' ||
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms_scan)::numeric, 3) || ' ' ||
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms_scan)::numeric, 3) FROM lat;
INSERT INTO public.bench_lat SELECT '$3', i, at, ms, ms_scan FROM lat;
SQL
}

# one setting on database $1: the timed refresh per stage, then the readers
run_setting() {
	local db=$1 s=$2 base t0 t1 total out
	case "$s" in
	shipped) ;;
	null) psqld "$db" -c "UPDATE clientele.refresh_config SET max_parallel_workers_per_gather = NULL" >/dev/null ;;
	*) psqld "$db" -c "UPDATE clientele.refresh_config SET max_parallel_workers_per_gather = $s" >/dev/null ;;
	esac
	echo "## refresh_config.max_parallel_workers_per_gather = $(psqld "$db" -c "SELECT coalesce(max_parallel_workers_per_gather::text, 'NULL') FROM clientele.refresh_config") ($s); load: $(uptime | sed 's/.*load average: //')"
	base=$(baseline "$db")
	echo "# baseline: count(*) over the transactions, serial, best of 3: $base ms"
	t0=$(ms_now)
	psqld "$db" -c "CALL clientele.refresh('2025-12-31')" >/dev/null 2>&1
	t1=$(ms_now)
	total=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	printf '# %-28s %12s %8s\n' "stage" "ms" "x count(*)"
	out="$s $base"
	while read -r stage ms; do
		printf '  %-28s %12s %8s\n' "$stage" "$ms" "$(ratio "$ms" "$base")"
		out="$out $stage=$(ratio "$ms" "$base")"
	done < <(psqld "$db" -F ' ' -c "SELECT s->>'stage', coalesce(s->>'ms', 'skipped')
		FROM clientele.refresh_log, jsonb_array_elements(stages) s
		WHERE refresh_id = (SELECT max(refresh_id) FROM clientele.refresh_log)")
	printf '  %-28s %12s %8s\n' "total (CALL, client side)" "$total" "$(ratio "$total" "$base")"
	out="$out total=$(ratio "$total" "$base")"

	psqld "$db" -c "DROP TABLE IF EXISTS public.bench_lat" -c "CREATE UNLOGGED TABLE public.bench_lat (phase text, i int, at timestamptz, ms float8, ms_scan float8)"
	reader "$db" "$TMPD/rest" warm-up
	reader "$db" "$TMPD/rest" rest
	local d p50r p99r nr a b c p50b p99b nb p50a p99a na tb0 tb1 p50r1 p99r1 p50r2 p99r2
	read -r p50r1 p99r1 nr a b c < "$TMPD/rest"
	tb0=$(ms_now)
	psqld "$db" -c "CALL clientele.refresh('2025-12-31')" >/dev/null 2>&1 &
	local refresher=$!
	sleep 0.5
	reader "$db" "$TMPD/busy" busy
	wait $refresher
	tb1=$(ms_now)
	# at rest again: the machine's load (other work) moves between phases;
	# the at-rest figures pool the queries before and after the refresh
	reader "$db" "$TMPD/rest2" rest
	read -r p50r2 p99r2 a b c d < "$TMPD/rest2"
	read -r p50r p99r nr < <(psqld "$db" -F ' ' -c "SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 3),
		round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 3), count(*) FROM public.bench_lat WHERE phase = 'rest'")
	read -r p50b p99b nb p50a p99a na < "$TMPD/busy"
	# the scan reader (second line of each file; rest pooled from the table)
	local s50r s99r s50b s99b s50a s99a
	read -r s50r s99r < <(psqld "$db" -F ' ' -c "SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms_scan)::numeric, 3),
		round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms_scan)::numeric, 3) FROM public.bench_lat WHERE phase = 'rest'")
	read -r s50b s99b s50a s99a < <(sed -n 2p "$TMPD/busy")
	# the busy readers' latency per stage of the refresh they overlapped
	# (stage windows from its refresh_log row: started_at + the stages' ms)
	local perstage
	perstage=$(psqld "$db" -F ' ' -c "
		WITH g AS (SELECT started_at, stages FROM clientele.refresh_log ORDER BY refresh_id DESC LIMIT 1),
		st AS (SELECT s.ord, s.e->>'stage' AS stage,
		              g.started_at + coalesce(sum((s.e->>'ms')::float8) OVER (ORDER BY s.ord ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) * interval '1 ms' AS t0,
		              g.started_at + sum((s.e->>'ms')::float8) OVER (ORDER BY s.ord) * interval '1 ms' AS t1
		       FROM g, jsonb_array_elements(g.stages) WITH ORDINALITY s(e, ord))
		SELECT st.stage || ':' || count(l.ms) || ':' || coalesce(round(percentile_cont(0.5) WITHIN GROUP (ORDER BY l.ms)::numeric, 1)::text, '-')
		       || '/' || coalesce(round(percentile_cont(0.99) WITHIN GROUP (ORDER BY l.ms)::numeric, 1)::text, '-')
		       || ':scan:' || coalesce(round(percentile_cont(0.5) WITHIN GROUP (ORDER BY l.ms_scan)::numeric, 1)::text, '-')
		       || '/' || coalesce(round(percentile_cont(0.99) WITHIN GROUP (ORDER BY l.ms_scan)::numeric, 1)::text, '-')
		FROM st LEFT JOIN public.bench_lat l ON l.phase = 'busy' AND l.at >= st.t0 AND l.at < st.t1
		GROUP BY st.ord, st.stage ORDER BY st.ord" | tr '\n' ' ')
	printf '# reader: customer_scorecard lookups                              p50 ms   p99 ms  queries\n'
	printf '  at rest, before the refresh                                  %8s %8s %8s\n' "$p50r1" "$p99r1" "$NQ"
	printf '  at rest, after the refresh                                   %8s %8s %8s\n' "$p50r2" "$p99r2" "$NQ"
	printf '  at rest, both (the ratios below)                             %8s %8s %8s\n' "$p50r" "$p99r" "$nr"
	printf '  during a refresh, first %-5s queries                         %8s %8s %8s\n' "$NQ" "$p50b" "$p99b" "$nb"
	printf '  during a refresh, every query until it ended (%6.1f s)       %8s %8s %8s\n' \
		"$(awk -v a="$tb0" -v b="$tb1" 'BEGIN { print (b - a) / 1000 }')" "$p50a" "$p99a" "$na"
	printf '  ratio during / at rest, first %-5s queries                   %8s %8s\n' "$NQ" "$(ratio "$p50b" "$p50r")" "$(ratio "$p99b" "$p99r")"
	printf '  ratio during / at rest, whole refresh                         %8s %8s\n' "$(ratio "$p50a" "$p50r")" "$(ratio "$p99a" "$p99r")"
	printf '# scan reader (sessions 7-8 figure: a full index-only scan)     p50 ms   p99 ms\n'
	printf '  at rest, both                                                %8s %8s\n' "$s50r" "$s99r"
	printf '  during a refresh, first %-5s queries                         %8s %8s\n' "$NQ" "$s50b" "$s99b"
	printf '  during a refresh, every query                                %8s %8s\n' "$s50a" "$s99a"
	printf '  ratio during / at rest, first %-5s queries                   %8s %8s\n' "$NQ" "$(ratio "$s50b" "$s50r")" "$(ratio "$s99b" "$s99r")"
	printf '  ratio during / at rest, whole refresh                         %8s %8s\n' "$(ratio "$s50a" "$s50r")" "$(ratio "$s99a" "$s99r")"
	echo "# reader during the refresh, per stage (stage:queries:lookup p50/p99 ms:scan:scan p50/p99 ms): $perstage"
	echo "$out | per stage: $perstage" >>"$TMPD/stages"
	echo "$out | lookup p50/p99 ms: rest $p50r/$p99r, first $NQ $p50b/$p99b ($(ratio "$p50b" "$p50r")/$(ratio "$p99b" "$p99r")x), whole $p50a/$p99a ($(ratio "$p50a" "$p50r")/$(ratio "$p99a" "$p99r")x, $na queries) | scan p50/p99 ms: rest $s50r/$s99r, first $NQ $s50b/$s99b ($(ratio "$s50b" "$s50r")/$(ratio "$s99b" "$s99r")x), whole $s50a/$s99a ($(ratio "$s50a" "$s50r")/$(ratio "$s99a" "$s99r")x)" >>"$TMPD/summary"
}

if [ ${#SETTINGS[@]} -eq 1 ]; then
	run_setting "$DB" "${SETTINGS[0]}"
else
	psqld "$DB" -c "CHECKPOINT" >/dev/null
	for s in "${SETTINGS[@]}"; do
		copy="${DB}_p$s"
		psqld postgres -c "DROP DATABASE IF EXISTS $copy" -c "CREATE DATABASE $copy TEMPLATE $DB STRATEGY FILE_COPY" >/dev/null
		run_setting "$copy" "$s"
		psqld postgres -c "DROP DATABASE $copy" >/dev/null
	done
fi
echo "# summary: setting, baseline ms, x count(*) per stage; reader (lookup, scan) p50/p99 at rest, during the first $NQ queries of a refresh and during the whole refresh (ratio to rest)"
sed 's/^/  /' "$TMPD/summary"
echo "# reader p50/p99 ms during the refresh, per stage it overlapped (stage:queries:p50/p99)"
sed 's/^\([^ ]*\) .*| per stage: /  \1: /' "$TMPD/stages"
echo "# load at end: $(uptime | sed 's/.*load average/load average/')"
echo "# goals: each stage <= 4x count(*) at 1,000,000 customers; reader p99 during a refresh <= 2x at rest"
