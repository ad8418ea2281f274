#!/usr/bin/env bash
# bench/floor.sh: the floor under the performance goals of issues 8 and 15.
# Each goal is a ratio against one serial count(*) over the transactions.
# This script times, in the same run and against that count(*), the cheapest
# plain-SQL pass over each input that the measured function must read, and
# the cheapest write of its result:
#   - transactions grouped by customer (count(*), max(ts)): every analysis
#     that decides per customer from the transactions does at least this;
#   - balance snapshots grouped by account (sum(balance)): average daily
#     balances, AUM;
#   - the transactions of the last 18 months only, grouped by customer (the
#     lifecycle rules look back 24 months for churn, which one index probe
#     per customer could answer, and 18 months for a reactivation: a gap of
#     6 months that ended within the last 12);
#   - the balances of the last 6 months only (lifecycle and churn compare
#     the last 3 months of AUM with the 3 months before);
#   - income grouped by customer (contribution);
#   - one 15-column row per customer written into a fresh table with a
#     primary key (the result history of a refresh writes at least this).
# It then prints each floor (the sum of the passes the function cannot avoid)
# next to the goal, and the function itself:
#   - lifecycle(as_of), goal <= 2x (issue 8): the transactions of the last
#     18 months by customer + the balances of the last 6 months by account;
#   - churn_scores(as_of), goal <= 3x (issue 8): the same inputs;
#   - a full refresh, goal <= 4x (issue 15): transactions + balances +
#     income + the result write (bench/refresh.sh times the refresh itself).
# Plain SQL, serial (max_parallel_workers_per_gather = 0), best of
# BENCH_REPS (3) alternating runs.  BENCH_SCALE (default 1 = 1,000,000 demo
# customers).  BENCH_KEEP=1 reuses the bank in BENCH_DB when it has that many
# customers.
set -euo pipefail
. "$(dirname "$0")/../scripts/bench_bank.sh"

CUSTOMERS=$(bench_customers 100)
echo "# bench/floor.sh: BENCH_SCALE=$SCALE, $CUSTOMERS demo customers, as of 2025-12-31, serial, best of $REPS"
bench_bank "$CUSTOMERS" customer account balance transaction income interaction
q -F ' ' -c "SELECT '# rows:', (SELECT count(*) FROM clientele.transaction) || ' transactions,',
	(SELECT count(*) FROM clientele.balance) || ' balance snapshots,', (SELECT count(*) FROM clientele.income) || ' income lines'"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

q -F '|' <<SQL | while IFS='|' read -r label ms x goal; do printf '%-70s %10s %8s %s\n' "$label" "$ms" "$x" "$goal"; done
SET max_parallel_workers_per_gather = 0;
SET work_mem = '256MB';
CREATE TEMP TABLE floor_ms (k text, ms float8);
CREATE TEMP TABLE floor_result (customer_id bigint, as_of date, c1 float8, c2 float8, c3 float8, c4 float8,
	c5 float8, c6 float8, c7 float8, c8 float8, c9 float8, c10 float8, t1 text, t2 text, t3 text,
	PRIMARY KEY (customer_id, as_of));
CREATE FUNCTION pg_temp.timed(p_key text, p_sql text) RETURNS void LANGUAGE plpgsql AS \$f\$
DECLARE t0 timestamptz;
BEGIN
	t0 := clock_timestamp();
	EXECUTE p_sql;
	INSERT INTO floor_ms VALUES (p_key, extract(epoch FROM clock_timestamp() - t0) * 1000);
END \$f\$;
DO \$\$
BEGIN
	FOR i IN 1 .. $REPS LOOP
		PERFORM pg_temp.timed('scan', 'SELECT count(*) FROM clientele.in_transaction');
		PERFORM pg_temp.timed('txn', 'SELECT count(*) FROM (SELECT customer_id, count(*), max(ts) FROM clientele.in_transaction GROUP BY customer_id) s');
		PERFORM pg_temp.timed('bal', 'SELECT count(*) FROM (SELECT account_id, sum(balance) FROM clientele.in_balance GROUP BY account_id) s');
		PERFORM pg_temp.timed('txn18', 'SELECT count(*) FROM (SELECT customer_id, count(*), max(ts) FROM clientele.in_transaction WHERE ts >= timestamptz ''2024-07-01'' GROUP BY customer_id) s');
		PERFORM pg_temp.timed('bal6', 'SELECT count(*) FROM (SELECT account_id, sum(balance) FROM clientele.in_balance WHERE as_of > date ''2025-06-30'' GROUP BY account_id) s');
		PERFORM pg_temp.timed('inc', 'SELECT count(*) FROM (SELECT customer_id, sum(fee_income) FROM clientele.in_income GROUP BY customer_id) s');
		TRUNCATE floor_result;
		PERFORM pg_temp.timed('write', 'INSERT INTO floor_result SELECT customer_id, date ''2025-12-31'', 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ''a'', ''b'', ''c'' FROM clientele.in_customer');
		PERFORM pg_temp.timed('lifecycle', 'SELECT count(*) FROM clientele.lifecycle(''2025-12-31'')');
		PERFORM pg_temp.timed('churn', 'SELECT count(*) FROM clientele.churn_scores(''2025-12-31'', ''scorecard'')');
	END LOOP;
END \$\$;
WITH b AS (SELECT k, min(ms) AS ms FROM floor_ms GROUP BY k),
s AS (SELECT b.ms FROM b WHERE b.k = 'scan'),
v(ord, label, ms, goal) AS (
	SELECT 0, 'count(*) over the transactions (the baseline)', (SELECT ms FROM b WHERE k = 'scan'), ''
	UNION ALL SELECT 1, 'transactions GROUP BY customer_id', (SELECT ms FROM b WHERE k = 'txn'), ''
	UNION ALL SELECT 2, 'transactions of the last 18 months GROUP BY customer_id', (SELECT ms FROM b WHERE k = 'txn18'), ''
	UNION ALL SELECT 3, 'balance snapshots GROUP BY account_id', (SELECT ms FROM b WHERE k = 'bal'), ''
	UNION ALL SELECT 4, 'balance snapshots of the last 6 months GROUP BY account_id', (SELECT ms FROM b WHERE k = 'bal6'), ''
	UNION ALL SELECT 5, 'income GROUP BY customer_id', (SELECT ms FROM b WHERE k = 'inc'), ''
	UNION ALL SELECT 6, 'write one 15-column row per customer (primary key)', (SELECT ms FROM b WHERE k = 'write'), ''
	UNION ALL SELECT 7, 'floor of lifecycle / churn_scores (18 + 6 months)', (SELECT sum(ms) FROM b WHERE k IN ('txn18', 'bal6')), 'goals: lifecycle <= 2x, churn_scores <= 3x'
	UNION ALL SELECT 8, 'lifecycle(as_of)', (SELECT ms FROM b WHERE k = 'lifecycle'), 'goal <= 2x'
	UNION ALL SELECT 9, 'churn_scores(as_of, scorecard)', (SELECT ms FROM b WHERE k = 'churn'), 'goal <= 3x'
	UNION ALL SELECT 10, 'floor of a full refresh (all transactions, balances, income, write)', (SELECT sum(ms) FROM b WHERE k IN ('txn', 'bal', 'inc', 'write')), 'goal <= 4x (bench/refresh.sh)')
SELECT v.label, round(v.ms::numeric, 1), round((v.ms / s.ms)::numeric, 2) || 'x', goal FROM v, s ORDER BY ord;
SQL
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
