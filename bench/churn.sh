#!/usr/bin/env bash
# bench/churn.sh: performance of the churn area against baselines measured in
# the same run (run by `make bench` through scripts/bench.sh, or by hand with
# PGHOST/PGPORT/PGUSER and BENCH_DB set).
#   1. churn_scores(as_of, method) for every customer of a demo bank
#      (features + lifecycle stage + signals + score + reasons) vs one scan of
#      the transactions feeding it (SELECT count(*) FROM clientele.in_transaction);
#      goal <= 3x for the scorecard;
#   2. logistic_fit on N rows x 12 features vs count(*) over the same rows, and
#      the passes over the stored rows the fit needed.
# BENCH_SCALE (default 1: 1,000,000 customers and rows) scales both, e.g.
# BENCH_SCALE=0.02 for a quick run; BENCH_FIT_ROWS sets the logistic_fit rows
# apart (default: as many as customers).  Timings are the best of BENCH_REPS
# (3) runs, baseline and candidate alternating, once serial (no parallel
# workers for either) and once parallel.  BENCH_KEEP=1 reuses the bank and
# the rows already in BENCH_DB when they have the sizes asked for.
set -euo pipefail
. "$(dirname "$0")/../scripts/bench_bank.sh"

N=$(bench_customers 1000)
FIT_ROWS=${BENCH_FIT_ROWS:-$N}
echo "# bench/churn.sh: BENCH_SCALE=$SCALE, demo bank of $N customers (as of 2025-12-31, scored as of 2025-06-30), logistic_fit on $FIT_ROWS rows x 12 features, best of $REPS"

bench_bank "$N"
if [ "${BENCH_KEEP:-0}" != 1 ] || [ "$(q -c "SELECT count(*) FROM pg_class WHERE relname = 'bench_churn_rows'")" != 1 ] \
	|| [ "$(q -c "SELECT count(*) FROM bench_churn_rows")" != "$FIT_ROWS" ]; then
	q <<SQL >/dev/null
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_churn_rows;
CREATE UNLOGGED TABLE bench_churn_rows AS
SELECT ((hashint4(i * 13 + 1) & 65535) / 65536.0) < 1 / (1 + exp(-(-1 + f[1] - 0.5 * f[2] + 0.25 * f[3]))) AS y, f
FROM (SELECT i, ARRAY(SELECT ((hashint4(i * 16 + j) & 65535) / 32768.0 - 1)::float8 FROM generate_series(1, 12) j) AS f
      FROM generate_series(1, $FIT_ROWS) i) s;
VACUUM ANALYZE bench_churn_rows;
SQL
fi
q -c "SET client_min_messages = warning" -c "DELETE FROM clientele.churn_model WHERE name = 'bench'" \
	-c "SELECT clientele.train_churn_model('bench', '2024-12-31', l2 => 1)" >/dev/null

bench_sql() {
	cat "$(dirname "$0")/../scripts/bench_pairs.sql"
	cat <<SQL
SET client_min_messages = warning;
SET work_mem = '256MB';
SELECT * FROM pg_temp.row_of('churn_scores scorecard vs count(*) of the transactions', 'SELECT count(*) FROM clientele.in_transaction',
	'SELECT count(*) FROM clientele.churn_scores(''2025-06-30'')', $REPS);
SELECT * FROM pg_temp.row_of('churn_scores p_alive vs count(*) of the transactions', 'SELECT count(*) FROM clientele.in_transaction',
	'SELECT count(*) FROM clientele.churn_scores(''2025-06-30'', ''p_alive'')', $REPS);
SELECT * FROM pg_temp.row_of('churn_scores trained model vs count(*) of the transactions', 'SELECT count(*) FROM clientele.in_transaction',
	'SELECT count(*) FROM clientele.churn_scores(''2025-06-30'', ''bench'')', $REPS);
SELECT * FROM pg_temp.row_of('customer_features alone vs count(*) of the transactions', 'SELECT count(*) FROM clientele.in_transaction',
	'SELECT count(*) FROM clientele.customer_features(''2025-06-30'')', $REPS);
SELECT * FROM pg_temp.cpu_row('churn_scores scorecard vs count(*) of the transactions', 'SELECT count(*) FROM clientele.in_transaction',
	'SELECT count(*) FROM clientele.churn_scores(''2025-06-30'')', $REPS);
SELECT * FROM pg_temp.cpu_row('logistic_fit $FIT_ROWS x 12 features vs count(*) of the same rows', 'SELECT count(*) FROM bench_churn_rows',
	'SELECT clientele.logistic_fit(y, f) FROM bench_churn_rows', $REPS);
SELECT * FROM pg_temp.row_of('logistic_fit $FIT_ROWS x 12 features vs count(*) of the same rows', 'SELECT count(*) FROM bench_churn_rows',
	'SELECT clientele.logistic_fit(y, f) FROM bench_churn_rows', $REPS);
SELECT 'logistic_fit: Newton iterations / passes over the stored rows', (f).iterations, (f).passes, ''
FROM (SELECT clientele.logistic_fit(y, f) AS f FROM bench_churn_rows) s;
SQL
}

echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-72s %12s %12s %7s\n' "# measure" "baseline ms" "candidate ms" "ratio"
bench_sql | q -F '|' | while IFS='|' read -r label b c r; do
	printf '%-72s %12s %12s %7s\n' "$label" "$b" "$c" "$r"
done
[ "${BENCH_KEEP:-0}" = 1 ] || q -c "DROP TABLE bench_churn_rows"
q -c "DELETE FROM clientele.churn_model WHERE name = 'bench'"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# goals: churn_scores (scorecard) <= 3x one scan of the transactions; logistic_fit reported against count(*) with its passes"
