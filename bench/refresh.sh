#!/usr/bin/env bash
# bench/refresh.sh: a full CALL clientele.refresh of a demo bank, total and per
# stage, against one sequential count(*) over its transactions measured in
# the same run (the issue's goal at 1,000,000 customers: <= 4x per stage);
# and the latency (p50 / p99) of a customer_scorecard query in a loop at rest
# and while a refresh runs (goal: p99 within 2x).
# Environment (from scripts/bench.sh): PGHOST PGPORT PGUSER BENCH_DB;
# BENCH_SCALE (default 1 = 1,000,000 customers; 0.02 = 20,000),
# BENCH_QUERIES (default 400 reader queries per phase).
set -euo pipefail
BIN=$("${PG_CONFIG:-pg_config}" --bindir)
DB=${BENCH_DB:?BENCH_DB must name a database with clientele installed}
SCALE=${BENCH_SCALE:-1}
NQ=${BENCH_QUERIES:-400}
CUSTOMERS=$(awk -v s="$SCALE" 'BEGIN { n = int(1000000 * s); if (n < 100) n = 100; print n }')
psql() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
ms_now() { date +%s%N | awk '{ printf "%.1f", $1 / 1e6 }'; }

echo "# bench/refresh.sh: BENCH_SCALE=$SCALE ($CUSTOMERS customers), $NQ reader queries per phase"
echo "# load at start: $(uptime | sed 's/.*load average/load average/')"
psql -c "SELECT count(*) FROM clientele.generate_demo_bank($CUSTOMERS, 42)" >/dev/null
psql -c "VACUUM ANALYZE" >/dev/null
echo "# transactions: $(psql -c "SELECT count(*) FROM clientele.transaction"), balances: $(psql -c "SELECT count(*) FROM clientele.balance")"

# baseline: one sequential count(*) over the transactions (best of 3, serial)
base=$(psql <<'SQL'
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
)
echo "# baseline: count(*) over the transactions, serial, best of 3: $base ms"

# a first refresh (history for the migration and flow views), then the timed one
psql -c "CALL clientele.refresh('2025-06-30')" >/dev/null 2>&1
t0=$(ms_now)
psql -c "CALL clientele.refresh('2025-12-31')" >/dev/null 2>&1
t1=$(ms_now)
total=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
printf '# %-28s %12s %8s\n' "stage" "ms" "x count(*)"
psql -F ' ' <<SQL | while read -r stage ms; do printf '  %-28s %12s %8s\n' "$stage" "$ms" "$(awk -v a="$ms" -v b="$base" 'BEGIN { if (a == "skipped") print "-"; else printf "%.2f", a / b }')"; done
SELECT s->>'stage', coalesce(s->>'ms', 'skipped')
FROM clientele.refresh_log, jsonb_array_elements(stages) s
WHERE refresh_id = (SELECT max(refresh_id) FROM clientele.refresh_log);
SQL
printf '  %-28s %12s %8s\n' "total (CALL, client side)" "$total" "$(awk -v a="$total" -v b="$base" 'BEGIN { printf "%.2f", a / b }')"

# reader latency: a scorecard lookup of a random customer, at rest and during a refresh
reader() { # $1 = output file; runs $NQ queries in one session, prints per-query ms
	psql <<SQL >"$1"
\\timing off
CREATE TEMP TABLE lat (ms float8);
DO \$\$
DECLARE t0 timestamptz; i int; n int;
BEGIN
	FOR i IN 1 .. $NQ LOOP
		t0 := clock_timestamp();
		PERFORM count(*) FROM clientele.customer_scorecard WHERE customer_id = 1 + (random() * ($CUSTOMERS - 1))::int;
		PERFORM count(*) FROM clientele.customer_scorecard WHERE tier = 'ordinary' AND customer_id < 1000;
		INSERT INTO lat VALUES (extract(epoch FROM clock_timestamp() - t0) * 1000);
		PERFORM pg_sleep(0.005);
	END LOOP;
END \$\$;
SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 3) || ' ' ||
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 3) || ' ' || count(*) FROM lat;
SQL
}
reader /tmp/bench_refresh_rest.$$	# warm-up
reader /tmp/bench_refresh_rest.$$
read -r p50r p99r nr < /tmp/bench_refresh_rest.$$
psql -c "CALL clientele.refresh('2025-12-31')" >/dev/null 2>&1 &
refresher=$!
sleep 0.5
reader /tmp/bench_refresh_busy.$$
still=$(kill -0 $refresher 2>/dev/null && echo yes || echo no)
wait $refresher
read -r p50b p99b nb < /tmp/bench_refresh_busy.$$
rm -f /tmp/bench_refresh_rest.$$ /tmp/bench_refresh_busy.$$
printf '# reader: customer_scorecard lookups (%s queries per phase)   p50 ms   p99 ms\n' "$NQ"
printf '  at rest                                              %8s %8s\n' "$p50r" "$p99r"
printf '  during a refresh (still running at the end: %-3s)     %8s %8s\n' "$still" "$p50b" "$p99b"
printf '  ratio during / at rest                               %8s %8s\n' \
	"$(awk -v a="$p50b" -v b="$p50r" 'BEGIN { printf "%.2f", a / b }')" "$(awk -v a="$p99b" -v b="$p99r" 'BEGIN { printf "%.2f", a / b }')"
echo "# load at end: $(uptime | sed 's/.*load average/load average/')"
echo "# goals: each stage <= 4x count(*) at 1,000,000 customers; reader p99 during a refresh <= 2x at rest"
