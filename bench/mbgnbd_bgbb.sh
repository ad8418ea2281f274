#!/usr/bin/env bash
# bench/mbgnbd_bgbb.sh: MBG/NBD and BG/BB fit and prediction performance
# (issue 14).  Run by `bash scripts/bench.sh mbgnbd_bgbb` (which sets PGHOST,
# PGPORT, PGUSER and BENCH_DB with the extension installed) or by hand:
#   BENCH_DB=mydb BENCH_SCALE=0.1 bash bench/mbgnbd_bgbb.sh
# BENCH_SCALE scales 1,000,000 customers (default 1).
#
# Prints, in one run:
#   1. MBG/NBD: mbgnbd_fit over the (frequency, recency, T) summary vs the
#      rfm_summary GROUP BY scan of the transactions that produced it (goal
#      <= 0.5x);
#   2. BG/BB: bgbb_fit over the per-customer period summary vs the
#      period_summary GROUP BY scan that produced it (goal <= 0.5x);
#   3. prediction throughput vs plain arithmetic over the same rows (goal
#      <= 1.5x the time), and vs the same P(alive) formula written as SQL
#      arithmetic.  The fitted parameters are passed as a scalar subquery
#      (evaluated once), as a report would.
set -euo pipefail
. "$(dirname "$0")/../scripts/bench_models_lib.sh"

echo "# bench/mbgnbd_bgbb.sh: $N customers (BENCH_SCALE=$SCALE), database $DB, $(if [ -n "${BENCH_PARALLEL:-}" ]; then echo parallel; else echo serial; fi) plans"
echo "# generating transactions..."
"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_mbg_txn, bench_mbg_summary, bench_bgbb_txn, bench_bgbb_summary;
SELECT setseed(0.14);
-- MBG/NBD-like purchase days over 78 weeks: first day in the first 39 weeks,
-- a coin before the first repeat and after each purchase decides dropout
CREATE UNLOGGED TABLE bench_mbg_txn AS
WITH c AS (
	SELECT i AS customer_id, floor(random() * 273)::int AS first_day,
	       (-ln(random()) * 0.6 / 7)::float8 AS rate_per_day,
	       random() * 0.6 AS q
	FROM generate_series(1, $N) i
)
SELECT customer_id, first_day AS day FROM c
UNION ALL
SELECT customer_id, d FROM c, LATERAL (
	SELECT first_day + ceil(sum(-ln(random()) / greatest(rate_per_day, 1e-6)) OVER (ORDER BY k))::int AS d
	FROM generate_series(1, floor(ln(1 - random()) / ln(1 - greatest(q, 0.01)))::int) k
) s
WHERE d <= 546;
ANALYZE bench_mbg_txn;
-- BG/BB: monthly opportunities 1..24 after the first (period 0); the
-- customer transacts with probability p in each period while alive and
-- dies before each opportunity with probability theta
CREATE UNLOGGED TABLE bench_bgbb_txn AS
WITH c AS (
	SELECT i AS customer_id, random() AS p, random() * random() * 0.5 AS theta FROM generate_series(1, $N) i
), d AS (
	SELECT customer_id, p, floor(ln(1 - random()) / ln(1 - greatest(theta, 1e-3)))::int + 1 AS death FROM c
)
SELECT customer_id, 0 AS period FROM d
UNION ALL
SELECT customer_id, k FROM d, generate_series(1, 24) k WHERE k < death AND random() < p;
ANALYZE bench_bgbb_txn;
SQL
ROWS_MBG=$("${PSQL[@]}" -c "SELECT count(*) FROM bench_mbg_txn")
ROWS_BGBB=$("${PSQL[@]}" -c "SELECT count(*) FROM bench_bgbb_txn")
echo "# MBG/NBD: $ROWS_MBG purchase days; BG/BB: $ROWS_BGBB transactions in 25 monthly periods"

MBG_SCAN="SELECT customer_id, (s).frequency::float8 AS frequency, (s).recency, (s).t
FROM (SELECT customer_id, clientele.rfm_summary(date '2020-01-01' + day, 1.0, date '2020-01-01' + 546, '7 days') AS s
      FROM bench_mbg_txn GROUP BY customer_id) q"
BGBB_SCAN="SELECT customer_id, (s).frequency, (s).recency, (s).periods
FROM (SELECT customer_id, clientele.period_summary(period, 24) AS s FROM bench_bgbb_txn GROUP BY customer_id) q"
"${PSQL[@]}" -c "CREATE UNLOGGED TABLE bench_mbg_summary AS $MBG_SCAN" -c "ANALYZE bench_mbg_summary" \
	-c "CREATE UNLOGGED TABLE bench_bgbb_summary AS $BGBB_SCAN" -c "ANALYZE bench_bgbb_summary"

echo
echo "## 1. MBG/NBD fit vs the summary scan that produced its input"
t_scan=$(timeit "SELECT sum(frequency + recency + t) FROM ($MBG_SCAN) s")
t_fit=$(timeit "SELECT (clientele.mbgnbd_fit(frequency, recency, t)).converged FROM bench_mbg_summary")
echo "rfm_summary GROUP BY scan ($ROWS_MBG purchase days): ${t_scan} s"
echo "mbgnbd_fit over $N customers:              ${t_fit} s   ratio fit/scan = $(ratio "$t_fit" "$t_scan") (goal <= 0.5)"
"${PSQL[@]}" -c "SELECT 'mbgnbd: r ' || round(r::numeric, 4) || ' alpha ' || round(alpha::numeric, 3) || ' a ' || round(a::numeric, 4) || ' b ' || round(b::numeric, 4)
	|| ' converged ' || converged || ' iterations ' || iterations
	FROM (SELECT (clientele.mbgnbd_fit(frequency, recency, t)).* FROM bench_mbg_summary) f"

echo
echo "## 2. BG/BB fit vs the period summary scan that produced its input"
t_pscan=$(timeit "SELECT sum(frequency + recency + periods) FROM ($BGBB_SCAN) s")
t_bfit=$(timeit "SELECT (clientele.bgbb_fit(frequency, recency, periods)).converged FROM bench_bgbb_summary")
echo "period_summary GROUP BY scan ($ROWS_BGBB transactions): ${t_pscan} s"
echo "bgbb_fit over $N customers:                 ${t_bfit} s   ratio fit/scan = $(ratio "$t_bfit" "$t_pscan") (goal <= 0.5)"
"${PSQL[@]}" -c "SELECT 'bgbb: alpha ' || round(alpha::numeric, 4) || ' beta ' || round(beta::numeric, 4) || ' gamma ' || round(gamma::numeric, 4)
	|| ' delta ' || round(delta::numeric, 4) || ' converged ' || converged || ' iterations ' || iterations
	FROM (SELECT (clientele.bgbb_fit(frequency, recency, periods)).* FROM bench_bgbb_summary) f"

echo
echo "## 3. prediction throughput vs plain arithmetic over the same rows"
"${PSQL[@]}" -c "DROP TABLE IF EXISTS bench_mbg_params" \
	-c "CREATE UNLOGGED TABLE bench_mbg_params AS SELECT (SELECT clientele.mbgnbd_fit(frequency, recency, t) FROM bench_mbg_summary) AS mbg,
	    (SELECT clientele.bgbb_fit(frequency, recency, periods) FROM bench_bgbb_summary) AS bb"
M="(SELECT mbg FROM bench_mbg_params)"
B="(SELECT bb FROM bench_mbg_params)"
t_arith=$(timeit "SELECT sum(frequency * 0.5 + recency / (t + 1.0)) FROM bench_mbg_summary")
t_sqlf=$(timeit "SELECT sum(1.0 / (1.0 + (p).a / ((p).b + frequency) * power(((p).alpha + t) / ((p).alpha + recency), (p).r + frequency)))
	FROM bench_mbg_summary, (SELECT $M AS p) q")
t_alive=$(timeit "SELECT sum(clientele.mbgnbd_p_alive($M, frequency, recency, t)) FROM bench_mbg_summary")
t_exp=$(timeit "SELECT sum(clientele.mbgnbd_expected_purchases($M, 39, frequency, recency, t)) FROM bench_mbg_summary")
t_new=$(timeit "SELECT sum(clientele.mbgnbd_expected_purchases_new($M, t)) FROM bench_mbg_summary")
t_barith=$(timeit "SELECT sum(frequency::float8 * 0.5 + recency::float8 / (periods + 1)::float8) FROM bench_bgbb_summary")
t_balive=$(timeit "SELECT sum(clientele.bgbb_p_alive($B, frequency, recency, periods)) FROM bench_bgbb_summary")
t_bexp=$(timeit "SELECT sum(clientele.bgbb_expected_transactions($B, 12, frequency, recency, periods)) FROM bench_bgbb_summary")
t_bdert=$(timeit "SELECT sum(clientele.bgbb_dert($B, 0.01, frequency, recency, periods)) FROM bench_bgbb_summary")
echo "MBG/NBD summary, plain arithmetic:      $(rate "$N" "$t_arith") rows/s"
echo "  P(alive) formula as SQL arithmetic:   $(rate "$N" "$t_sqlf") rows/s   ratio time/arithmetic = $(ratio "$t_sqlf" "$t_arith")"
echo "  mbgnbd_p_alive:                       $(rate "$N" "$t_alive") rows/s   ratio time/arithmetic = $(ratio "$t_alive" "$t_arith"), time/SQL formula = $(ratio "$t_alive" "$t_sqlf")"
echo "  mbgnbd_expected_purchases (39):       $(rate "$N" "$t_exp") rows/s   ratio time/arithmetic = $(ratio "$t_exp" "$t_arith")"
echo "  mbgnbd_expected_purchases_new (t):    $(rate "$N" "$t_new") rows/s   ratio time/arithmetic = $(ratio "$t_new" "$t_arith")"
echo "BG/BB summary, plain arithmetic:        $(rate "$N" "$t_barith") rows/s"
echo "  bgbb_p_alive:                         $(rate "$N" "$t_balive") rows/s   ratio time/arithmetic = $(ratio "$t_balive" "$t_barith")"
echo "  bgbb_expected_transactions (12):      $(rate "$N" "$t_bexp") rows/s   ratio time/arithmetic = $(ratio "$t_bexp" "$t_barith")"
echo "  bgbb_dert (1% per period):            $(rate "$N" "$t_bdert") rows/s   ratio time/arithmetic = $(ratio "$t_bdert" "$t_barith")"
[ -n "${BENCH_KEEP:-}" ] || "${PSQL[@]}" -c "DROP TABLE bench_mbg_txn, bench_mbg_summary, bench_bgbb_txn, bench_bgbb_summary, bench_mbg_params"
