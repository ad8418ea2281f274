#!/usr/bin/env bash
# bench/value.sh: performance of the value aggregates against baselines measured
# in the same run (run by `make bench` through scripts/bench.sh, or by hand with
# PGHOST/PGPORT/PGUSER and BENCH_DB set).
#   1. avg_daily_balance over one year of daily snapshots of 100k accounts
#      (36.5M rows) vs plain avg(balance), both GROUP BY account (goal <= 1.5x),
#      with the table loaded day by day (day-major), clustered by account
#      (account-major) and in random order, serial and parallel (2 workers)
#      plans;
#   2. gini() vs the sort-based SQL Gini (row_number window) and vs
#      percentile_cont(0.5) (another sort-based aggregate), over 1M values.
# BENCH_SCALE (default 1) scales the number of accounts and values, e.g.
# BENCH_SCALE=0.02 for a quick run.  Each timing is the best of BENCH_REPS (5)
# runs, baseline and candidate alternating.
set -euo pipefail
SCALE=${BENCH_SCALE:-1}
REPS=${BENCH_REPS:-5}
DB=${BENCH_DB:?BENCH_DB must name a database with the clientele extension}
PSQL=${PSQL:-psql}
q() { "$PSQL" -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

ACCOUNTS=$(awk -v s="$SCALE" 'BEGIN { n = int(100000 * s + 0.5); if (n < 10) n = 10; print n }')
VALUES_N=$(awk -v s="$SCALE" 'BEGIN { n = int(1000000 * s + 0.5); if (n < 1000) n = 1000; print n }')
echo "# bench/value.sh: load $(cut -d' ' -f1-3 /proc/loadavg); BENCH_SCALE=$SCALE, $ACCOUNTS accounts x 366 days, $VALUES_N values, best of $REPS"

q <<SQL
DROP TABLE IF EXISTS bench_value_snap, bench_value_snap_acct, bench_value_snap_rand, bench_value_vals;
CREATE UNLOGGED TABLE bench_value_snap AS
SELECT a AS account_id, date '2024-01-01' + d AS as_of,
       round(((hashint4(a * 367 + d) & 1048575) / 10.0)::numeric, 2)::numeric(18, 2) AS balance
FROM generate_series(0, 365) d, generate_series(1, $ACCOUNTS) a
ORDER BY d, a;  -- loaded day by day, as a bank's daily snapshot job would
CREATE UNLOGGED TABLE bench_value_snap_acct AS SELECT * FROM bench_value_snap ORDER BY account_id, as_of;
CREATE UNLOGGED TABLE bench_value_snap_rand AS SELECT * FROM bench_value_snap ORDER BY hashint4(account_id * 367 + (as_of - date '2024-01-01') + 7);
CREATE UNLOGGED TABLE bench_value_vals AS
SELECT ((hashint4(i) & 1048575)::float8 / 100.0) ^ 2 AS v FROM generate_series(1, $VALUES_N) i;
VACUUM ANALYZE bench_value_snap;
VACUUM ANALYZE bench_value_vals;
VACUUM ANALYZE bench_value_snap_acct;
VACUUM ANALYZE bench_value_snap_rand;
SQL

bench_sql() {
	cat "$(dirname "$0")/../scripts/bench_pairs.sql"
	cat <<SQL
SET work_mem = '256MB';
SQL
	for layout in "day-major:bench_value_snap" "account-major:bench_value_snap_acct" "random-order:bench_value_snap_rand"; do
		for plan in "serial:0" "parallel:2"; do
			cat <<SQL
SET max_parallel_workers_per_gather = ${plan#*:};
SELECT 'avg_daily_balance vs avg(balance), ${layout%%:*} table, ${plan%%:*}', b, c, round(c / b, 2)
FROM (SELECT base AS b, cand AS c FROM pg_temp.pair_ms('SELECT count(x) FROM (SELECT account_id, avg(balance) AS x FROM ${layout#*:} GROUP BY account_id) s',
             'SELECT count(x) FROM (SELECT account_id, clientele.avg_daily_balance(as_of, balance, ''2024-01-01'', ''2024-12-31'') AS x FROM ${layout#*:} GROUP BY account_id) s', $REPS)) t;
SQL
		done
	done
	cat <<SQL
RESET max_parallel_workers_per_gather;
SELECT 'gini vs sort-based SQL Gini', b, c, round(c / b, 2)
FROM (SELECT base AS b, cand AS c FROM pg_temp.pair_ms('SELECT sum((2 * i - n - 1) * v) / (n * sum(v)) FROM (SELECT v, row_number() OVER (ORDER BY v) AS i, count(*) OVER () AS n FROM bench_value_vals) s GROUP BY n',
             'SELECT clientele.gini(v) FROM bench_value_vals', $REPS)) t;
SELECT 'gini vs percentile_cont(0.5)', b, c, round(c / b, 2)
FROM (SELECT base AS b, cand AS c FROM pg_temp.pair_ms('SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v) FROM bench_value_vals',
             'SELECT clientele.gini(v) FROM bench_value_vals', $REPS)) t;
SELECT 'top_share(v, 0.2) vs percentile_cont(0.8)', b, c, round(c / b, 2)
FROM (SELECT base AS b, cand AS c FROM pg_temp.pair_ms('SELECT percentile_cont(0.8) WITHIN GROUP (ORDER BY v) FROM bench_value_vals',
             'SELECT clientele.top_share(v, 0.2) FROM bench_value_vals', $REPS)) t;
SQL
}

printf '%-72s %12s %12s %7s\n' "# measure" "baseline ms" "value ms" "ratio"
bench_sql | q -F '|' | while IFS='|' read -r label b c r; do
	printf '%-72s %12s %12s %7s\n' "$label" "$b" "$c" "$r"
done
q -c "DROP TABLE bench_value_snap, bench_value_snap_acct, bench_value_snap_rand, bench_value_vals"
echo "# goals: avg_daily_balance <= 1.5x avg(balance); gini reported against sort-based baselines"
