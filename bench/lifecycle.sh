#!/usr/bin/env bash
# bench/lifecycle.sh: lifecycle(as_of), churn_signals(as_of) and the shared
# customer_features(as_of) on the demo bank, against one plain scan of the
# transactions that feed them (SELECT count(*) FROM clientele.in_transaction),
# measured in the same run (run by `make bench` through scripts/bench.sh, or
# by hand with PGHOST/PGPORT/PGUSER and BENCH_DB set).
#   goal (issue 8): lifecycle for 1 million customers <= 2x that scan.
# For reference it also times the cheapest per-customer pass over the same
# rows (count(*) GROUP BY customer_id) against that scan.
# BENCH_SCALE (default 1 = 1,000,000 demo customers) scales the bank, e.g.
# BENCH_SCALE=0.02 for 20,000.  Each timing is the best of BENCH_REPS (3)
# runs, baseline and candidate alternating, once serial (no parallel workers
# for either) and once parallel (the server's settings).  Also prints the
# input sizes and the load average.  BENCH_KEEP=1 reuses the bank already in
# BENCH_DB when it has that many customers.
set -euo pipefail
. "$(dirname "$0")/../scripts/bench_bank.sh"

CUSTOMERS=$(bench_customers 100)
echo "# bench/lifecycle.sh: BENCH_SCALE=$SCALE, $CUSTOMERS demo customers, as of 2025-12-31, best of $REPS"
bench_bank "$CUSTOMERS" customer account balance transaction interaction
q -F ' ' -c "SELECT '# rows:', (SELECT count(*) FROM clientele.transaction) || ' transactions,',
	(SELECT count(*) FROM clientele.balance) || ' balance snapshots,', (SELECT count(*) FROM clientele.account) || ' accounts,',
	(SELECT count(*) FROM clientele.interaction) || ' interactions'"

bench_sql() {
	cat "$(dirname "$0")/../scripts/bench_pairs.sql"
	cat <<SQL
SET work_mem = '256MB';
SELECT * FROM pg_temp.row_of('reference: count(*) GROUP BY customer_id', 'SELECT count(*) FROM clientele.in_transaction',
             'SELECT count(*) FROM (SELECT customer_id, count(*) FROM clientele.in_transaction GROUP BY customer_id) s', $REPS);
SELECT * FROM pg_temp.row_of('customer_features(as_of)', 'SELECT count(*) FROM clientele.in_transaction',
             'SELECT count(*) FROM clientele.customer_features(''2025-12-31'')', $REPS);
SELECT * FROM pg_temp.row_of('lifecycle(as_of)', 'SELECT count(*) FROM clientele.in_transaction',
             'SELECT count(*) FROM clientele.lifecycle(''2025-12-31'')', $REPS);
SELECT * FROM pg_temp.row_of('churn_signals(as_of)', 'SELECT count(*) FROM clientele.in_transaction',
             'SELECT count(*) FROM clientele.churn_signals(''2025-12-31'')', $REPS);
SELECT * FROM pg_temp.cpu_row('customer_features(as_of)', 'SELECT count(*) FROM clientele.in_transaction',
             'SELECT count(*) FROM clientele.customer_features(''2025-12-31'')', $REPS);
SELECT * FROM pg_temp.cpu_row('lifecycle(as_of)', 'SELECT count(*) FROM clientele.in_transaction',
             'SELECT count(*) FROM clientele.lifecycle(''2025-12-31'')', $REPS);
SQL
}

echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-60s %12s %12s %7s\n' "# measure (vs one count(*) scan of the transactions)" "baseline ms" "candidate ms" "ratio"
bench_sql | q -F '|' | while IFS='|' read -r label b c r; do
	printf '%-60s %12s %12s %7s\n' "$label" "$b" "$c" "$r"
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# goal: lifecycle(as_of) <= 2x one scan of the transactions (issue 8)"
