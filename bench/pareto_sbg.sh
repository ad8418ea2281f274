#!/usr/bin/env bash
# bench/pareto_sbg.sh: Pareto/NBD and sBG fit and prediction performance
# (issue 4).  Run by `make bench` (scripts/bench.sh sets PGHOST, PGPORT,
# PGUSER and BENCH_DB with the extension installed) or by hand:
#   BENCH_DB=mydb BENCH_SCALE=0.1 bash bench/pareto_sbg.sh
# BENCH_SCALE scales the 1,000,000 customers of the issue (default 1).
#
# Prints, in one run:
#   1. fit time of pareto_nbd_fit over the customer summary vs the GROUP BY
#      scan of the transactions that produced that summary (rfm_summary is
#      another area; this baseline is the equivalent plain SQL GROUP BY) -
#      goal <= 0.5x; sbg_fit over individuals vs a plain aggregate scan of them;
#   2. prediction throughput (rows/s) of the Pareto/NBD and sBG predictions
#      vs a plain arithmetic expression over the same rows;
#   3. the size of the fit states (distinct rows) vs the input rows.
set -euo pipefail
. "$(dirname "$0")/../scripts/bench_models_lib.sh"

echo "# bench/pareto_sbg.sh: $N customers (BENCH_SCALE=$SCALE), database $DB, ${BENCH_PARALLEL:+parallel}${BENCH_PARALLEL:-serial} plans"
echo "# generating Pareto/NBD transactions (purchase days over 78 weeks) and sBG individuals..."
"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_pnbd_txn, bench_pnbd_summary, bench_pnbd_params, bench_sbg_people;
SELECT setseed(0.42);
-- customer i: first purchase day in 0..272 (39 weeks); purchase rate
-- lambda ~ Gamma(1, 20 weeks); dropout rate mu ~ Gamma(1, 12 weeks), lifetime
-- ~ Exp(mu); repeat purchases at exponential gaps until day 546 or death
-- (at most 25: P(lambda * 78 weeks > 25) = 0.2 %, a negligible truncation)
CREATE UNLOGGED TABLE bench_pnbd_txn AS
WITH c AS (
	SELECT i AS customer_id, floor(random() * 273)::int AS first_day,
	       (-ln(random()) / 20 / 7)::float8 AS lambda_per_day,
	       (7 * -ln(random()) / (-ln(random()) / 12))::float8 AS life_days
	FROM generate_series(1, $N) i
)
SELECT customer_id, first_day AS day FROM c
UNION ALL
SELECT customer_id, d::int FROM (
	SELECT customer_id, first_day, life_days,
	       first_day + ceil(sum(-ln(random()) / greatest(lambda_per_day, 1e-6)) OVER (PARTITION BY customer_id ORDER BY k)) AS d
	FROM c, generate_series(1, 25) k
) s
WHERE d <= least(546, first_day + life_days);
ANALYZE bench_pnbd_txn;
-- sBG individuals: churn probability theta = U^2 ~ Beta(0.5, 1), observed
-- for 1..24 periods
CREATE UNLOGGED TABLE bench_sbg_people AS
SELECT least(w, churn_at) AS periods, churn_at <= w AS churned
FROM (SELECT 1 + floor(random() * 24)::int AS w,
             1 + least(1000000, floor(ln(random()) / ln(1 - least(0.999999, greatest(1e-9, random() ^ 2)))))::int AS churn_at
      FROM generate_series(1, $N)) s;
ANALYZE bench_sbg_people;
SQL
ROWS=$("${PSQL[@]}" -c "SELECT count(*) FROM bench_pnbd_txn")
echo "# $ROWS transactions"

# the (frequency, recency, T) summary the fit needs, in weeks, as
# clientele.rfm_summary produces it (day 0 = 2020-01-01, end = day 546)
RFT_SQL="SELECT customer_id, (s).frequency::float8 AS frequency, (s).recency, (s).t
FROM (SELECT customer_id, clientele.rfm_summary(date '2020-01-01' + day::int, 0::float8, date '2020-01-01' + 546, '7 days') AS s
      FROM bench_pnbd_txn GROUP BY customer_id) q"
"${PSQL[@]}" -c "CREATE UNLOGGED TABLE bench_pnbd_summary AS $RFT_SQL" -c "ANALYZE bench_pnbd_summary"

echo
echo "## 1. fit time vs the scan that produced its input"
# (sum over every output column: the planner drops unused subquery columns)
t_scan=$(timeit "SELECT sum(frequency + recency + t) FROM ($RFT_SQL) s")
t_fit=$(timeit "SELECT (clientele.pareto_nbd_fit(frequency, recency, t)).converged FROM bench_pnbd_summary")
echo "rfm_summary GROUP BY scan ($ROWS transactions): ${t_scan} s"
echo "pareto_nbd_fit over $N customers:          ${t_fit} s   ratio fit/scan = $(ratio "$t_fit" "$t_scan") (goal <= 0.5)"
"${PSQL[@]}" -c "SELECT 'pareto_nbd (truth 1, 20, 1, 12): ' || round(r::numeric, 4) || ' ' || round(alpha::numeric, 3) || ' ' || round(s::numeric, 4) || ' ' || round(beta::numeric, 3)
	|| ' LL ' || round(log_likelihood::numeric, 1) || ' converged ' || converged || ' iterations ' || iterations
	FROM (SELECT (clientele.pareto_nbd_fit(frequency, recency, t)).* FROM bench_pnbd_summary) f"
t_sscan=$(timeit "SELECT count(*), sum(periods), sum(churned::int) FROM bench_sbg_people")
t_sfit=$(timeit "SELECT (clientele.sbg_fit(periods, churned)).converged FROM bench_sbg_people")
echo "plain aggregate scan of $N sBG individuals: ${t_sscan} s"
echo "sbg_fit over $N individuals:               ${t_sfit} s   ratio fit/scan = $(ratio "$t_sfit" "$t_sscan")"
"${PSQL[@]}" -c "SELECT 'sbg (truth 0.5, 1): ' || round(alpha::numeric, 4) || ' ' || round(beta::numeric, 4) || ' converged ' || converged
	FROM (SELECT (clientele.sbg_fit(periods, churned)).* FROM bench_sbg_people) f"

echo
echo "## 2. prediction throughput vs plain arithmetic over the same rows"
"${PSQL[@]}" -c "CREATE UNLOGGED TABLE bench_pnbd_params AS SELECT (SELECT clientele.pareto_nbd_fit(frequency, recency, t) FROM bench_pnbd_summary) AS pn, (SELECT clientele.sbg_fit(periods, churned) FROM bench_sbg_people) AS sb"
t_arith=$(timeit "SELECT sum(frequency * 0.5 + recency / (t + 1.0)) FROM bench_pnbd_summary")
t_alive=$(timeit "SELECT sum(clientele.pareto_nbd_p_alive(p.pn, frequency, recency, t)) FROM bench_pnbd_summary, bench_pnbd_params p")
t_exp=$(timeit "SELECT sum(clientele.pareto_nbd_expected_purchases(p.pn, 39, frequency, recency, t)) FROM bench_pnbd_summary, bench_pnbd_params p")
echo "plain arithmetic:                 $(rate "$N" "$t_arith") rows/s"
echo "pareto_nbd_p_alive:               $(rate "$N" "$t_alive") rows/s   ratio time/arithmetic = $(ratio "$t_alive" "$t_arith")"
echo "pareto_nbd_expected_purchases:    $(rate "$N" "$t_exp") rows/s   ratio time/arithmetic = $(ratio "$t_exp" "$t_arith")"
t_sarith=$(timeit "SELECT sum(periods * 0.5 + 1.0 / (periods + 1.0)) FROM bench_sbg_people")
t_surv=$(timeit "SELECT sum(clientele.sbg_survival(p.sb, periods)) FROM bench_sbg_people, bench_pnbd_params p")
t_derl=$(timeit "SELECT sum(clientele.sbg_derl(p.sb, 0.01, periods)) FROM bench_sbg_people, bench_pnbd_params p" 1)
echo "plain arithmetic (sBG rows):      $(rate "$N" "$t_sarith") rows/s"
echo "sbg_survival:                     $(rate "$N" "$t_surv") rows/s   ratio time/arithmetic = $(ratio "$t_surv" "$t_sarith")"
echo "sbg_derl (d = 1 %):               $(rate "$N" "$t_derl") rows/s   ratio time/arithmetic = $(ratio "$t_derl" "$t_sarith")"

echo
echo "## 3. memory of the fit states"
"${PSQL[@]}" <<'SQL'
CREATE AGGREGATE pg_temp.pn_state(float8, float8, float8) (SFUNC = clientele.pareto_nbd_fit_trans, STYPE = clientele.fit_state);
CREATE AGGREGATE pg_temp.sb_state(integer, boolean) (SFUNC = clientele.sbg_fit_trans, STYPE = clientele.fit_state);
SELECT format('pareto_nbd_fit: input rows %s, distinct (frequency, recency, T) rows %s, fit state %s (%s bytes per input row)',
	n, d, pg_size_pretty(sz::bigint), round(sz::numeric / n, 2))
FROM (SELECT count(*) AS n,
             (SELECT count(*) FROM (SELECT DISTINCT frequency, recency, t FROM bench_pnbd_summary) s) AS d,
             pg_column_size(pg_temp.pn_state(frequency, recency, t)) AS sz
      FROM bench_pnbd_summary) s;
SELECT format('sbg_fit: input rows %s, distinct (periods, churned) rows %s, fit state %s (%s bytes per input row)',
	n, d, pg_size_pretty(sz::bigint), round(sz::numeric / n, 4))
FROM (SELECT count(*) AS n,
             (SELECT count(*) FROM (SELECT DISTINCT periods, churned FROM bench_sbg_people) s) AS d,
             pg_column_size(pg_temp.sb_state(periods, churned)) AS sz
      FROM bench_sbg_people) s;
SQL
[ -n "${BENCH_KEEP:-}" ] || "${PSQL[@]}" -c "DROP TABLE bench_pnbd_txn, bench_pnbd_summary, bench_pnbd_params, bench_sbg_people"
