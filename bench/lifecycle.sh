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
# runs, baseline and candidate alternating.  Also prints the input sizes.
set -euo pipefail
SCALE=${BENCH_SCALE:-1}
REPS=${BENCH_REPS:-3}
DB=${BENCH_DB:?BENCH_DB must name a database with the clientele extension}
PSQL=${PSQL:-psql}
q() { "$PSQL" -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

CUSTOMERS=$(awk -v s="$SCALE" 'BEGIN { n = int(1000000 * s + 0.5); if (n < 100) n = 100; print n }')
echo "# bench/lifecycle.sh: BENCH_SCALE=$SCALE, $CUSTOMERS demo customers, as of 2025-12-31, best of $REPS"
q -c "SELECT count(*) FROM clientele.generate_demo_bank($CUSTOMERS, 42, replace => true)" >/dev/null
q -c "VACUUM ANALYZE clientele.customer, clientele.account, clientele.balance, clientele.transaction, clientele.interaction" >/dev/null
q -F ' ' -c "SELECT '# rows:', (SELECT count(*) FROM clientele.transaction) || ' transactions,',
	(SELECT count(*) FROM clientele.balance) || ' balance snapshots,', (SELECT count(*) FROM clientele.account) || ' accounts,',
	(SELECT count(*) FROM clientele.interaction) || ' interactions'"

bench_sql() {
	cat <<SQL
CREATE OR REPLACE FUNCTION pg_temp.pair_ms(p_base text, p_cand text, p_reps int, OUT base numeric, OUT cand numeric)
LANGUAGE plpgsql AS \$f\$
DECLARE t0 timestamptz; ms numeric;
BEGIN
	FOR i IN 1 .. p_reps LOOP
		t0 := clock_timestamp();
		EXECUTE p_base;
		ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
		base := least(coalesce(base, ms), ms);
		t0 := clock_timestamp();
		EXECUTE p_cand;
		ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
		cand := least(coalesce(cand, ms), ms);
	END LOOP;
	base := round(base, 1);
	cand := round(cand, 1);
END \$f\$;
SET work_mem = '256MB';
SELECT 'reference: count(*) GROUP BY customer_id vs count(*)', b, c, round(c / b, 2)
FROM (SELECT base AS b, cand AS c FROM pg_temp.pair_ms('SELECT count(*) FROM clientele.in_transaction',
             'SELECT count(*) FROM (SELECT customer_id, count(*) FROM clientele.in_transaction GROUP BY customer_id) s', $REPS)) t;
SELECT 'customer_features(as_of) vs count(*) of in_transaction', b, c, round(c / b, 2)
FROM (SELECT base AS b, cand AS c FROM pg_temp.pair_ms('SELECT count(*) FROM clientele.in_transaction',
             'SELECT count(*) FROM clientele.customer_features(''2025-12-31'')', $REPS)) t;
SELECT 'lifecycle(as_of) vs count(*) of in_transaction', b, c, round(c / b, 2)
FROM (SELECT base AS b, cand AS c FROM pg_temp.pair_ms('SELECT count(*) FROM clientele.in_transaction',
             'SELECT count(*) FROM clientele.lifecycle(''2025-12-31'')', $REPS)) t;
SELECT 'churn_signals(as_of) vs count(*) of in_transaction', b, c, round(c / b, 2)
FROM (SELECT base AS b, cand AS c FROM pg_temp.pair_ms('SELECT count(*) FROM clientele.in_transaction',
             'SELECT count(*) FROM clientele.churn_signals(''2025-12-31'')', $REPS)) t;
SQL
}

printf '%-60s %12s %12s %7s\n' "# measure" "baseline ms" "lifecycle ms" "ratio"
bench_sql | q -F '|' | while IFS='|' read -r label b c r; do
	printf '%-60s %12s %12s %7s\n' "$label" "$b" "$c" "$r"
done
echo "# goal: lifecycle(as_of) <= 2x one scan of the transactions (issue 8)"
