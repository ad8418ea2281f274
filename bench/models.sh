#!/usr/bin/env bash
# bench/models.sh: BG/NBD + Gamma-Gamma fit and prediction performance
# (issue 4).  Run by `make bench` (scripts/bench.sh sets PGHOST, PGPORT,
# PGUSER and BENCH_DB with the extension installed) or by hand:
#   BENCH_DB=mydb BENCH_SCALE=0.1 bash bench/models.sh
# BENCH_SCALE scales the 1,000,000 customers of the issue (default 1).
#
# Prints, in one run:
#   1. fit time of bgnbd_fit (and gamma_gamma_fit) over the customer summary
#      vs the rfm_summary GROUP BY scan of the transactions that produced
#      that summary - goal <= 0.5x (the equivalent plain-SQL GROUP BY is
#      timed too, for reference);
#   2. prediction throughput (rows/s) of p_alive, expected_purchases and clv
#      vs a plain arithmetic expression over the same rows;
#   3. the size of the fit state (distinct rows) vs the input rows;
#   4. each fit serial vs forced-parallel (2 workers: the scanned rows
#      gathered, and the partial states combined) and the plan the
#      planner picks by default, and pareto_nbd_fit vs its summary scan
#      (goal <= 0.5; elapsed and backend CPU time), BENCH_REPEAT (3)
#      repetitions, ranges of the ratios.
set -euo pipefail
. "$(dirname "$0")/../scripts/bench_models_lib.sh"

echo "# bench/models.sh: $N customers (BENCH_SCALE=$SCALE), database $DB, $(if [ -n "${BENCH_PARALLEL:-}" ]; then echo parallel; else echo serial; fi) plans"
echo "# generating transactions (purchase days over 78 weeks, BG/NBD-like)..."
"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_models_txn, bench_models_summary;
SELECT setseed(0.42);
-- customer i: first purchase day f in 0..272 (39 weeks), rate lambda ~ Gamma(0.5, 10 weeks) approx.
-- (exponential of exponential mixture), purchases on random days until day 546 or dropout
CREATE UNLOGGED TABLE bench_models_txn AS
WITH c AS (
	SELECT i AS customer_id, floor(random() * 273)::int AS first_day,
	       (-ln(random()) * -ln(random()) * 0.05 / 7)::float8 AS lambda_per_day,
	       random() * 0.5 AS p_drop,
	       (-ln(random()) * -ln(random()) * 40 + 5)::float8 AS spend
	FROM generate_series(1, $N) i
)
SELECT customer_id, first_day AS day, (spend * 0.25 * -ln(random() * random() * random() * random()))::numeric(10, 2) AS amount FROM c
UNION ALL
SELECT customer_id, d, (spend * 0.25 * -ln(random() * random() * random() * random()))::numeric(10, 2)
FROM c, LATERAL (
	SELECT first_day + ceil(sum(-ln(random()) / greatest(lambda_per_day, 1e-6)) OVER (ORDER BY k))::int AS d, k
	FROM generate_series(1, least(30, 1 + floor(-ln(random()) / greatest(p_drop, 0.02) ))::int) k
) s
WHERE d <= 546;
ANALYZE bench_models_txn;
SQL
ROWS=$("${PSQL[@]}" -c "SELECT count(*) FROM bench_models_txn")
echo "# $ROWS transactions"

# the (frequency, recency, T, monetary) summary the fits need, in weeks,
# as clientele.rfm_summary produces it (day 0 = 2020-01-01, end = day 546)
RFT_SQL="SELECT customer_id, (s).frequency::float8 AS frequency, (s).recency, (s).t, (s).monetary
FROM (SELECT customer_id, clientele.rfm_summary(date '2020-01-01' + day, amount::float8, date '2020-01-01' + 546, '7 days') AS s
      FROM bench_models_txn GROUP BY customer_id) q"
# the same summary in plain SQL (reference only; monetary here is the mean of all lines)
PLAIN_SQL="SELECT customer_id, (count(DISTINCT day) - 1)::float8 AS frequency,
	((max(day) - min(day)) / 7.0)::float8 AS recency, ((546 - min(day)) / 7.0)::float8 AS t,
	avg(amount)::float8 AS monetary
FROM bench_models_txn GROUP BY customer_id"
"${PSQL[@]}" -c "CREATE UNLOGGED TABLE bench_models_summary AS $RFT_SQL" -c "ANALYZE bench_models_summary"

echo
echo "## 1. fit time vs the summary scan that produced its input"
# consume every column: with count(*) the planner would drop the unused aggregates
t_scan=$(timeit "SELECT sum(frequency + recency + t + monetary) FROM ($RFT_SQL) s")
t_plain=$(timeit "SELECT sum(frequency + recency + t + monetary) FROM ($PLAIN_SQL) s")
t_fit=$(timeit "SELECT (clientele.bgnbd_fit(frequency, recency, t)).converged FROM bench_models_summary")
t_gg=$(timeit "SELECT (clientele.gamma_gamma_fit(frequency, monetary)).converged FROM bench_models_summary")
echo "rfm_summary GROUP BY scan ($ROWS transactions): ${t_scan} s (plain-SQL summary: ${t_plain} s)"
echo "bgnbd_fit over $N customers:               ${t_fit} s   ratio fit/scan = $(ratio "$t_fit" "$t_scan") (goal <= 0.5)"
echo "gamma_gamma_fit over $N customers:         ${t_gg} s   ratio fit/scan = $(ratio "$t_gg" "$t_scan")"
"${PSQL[@]}" -c "SELECT 'bgnbd: ' || round(r::numeric, 4) || ' ' || round(alpha::numeric, 3) || ' ' || round(a::numeric, 4) || ' ' || round(b::numeric, 4)
	|| ' LL ' || round(log_likelihood::numeric, 1) || ' converged ' || converged || ' iterations ' || iterations
	FROM (SELECT (clientele.bgnbd_fit(frequency, recency, t)).* FROM bench_models_summary) f"

echo
echo "## 2. prediction throughput vs plain arithmetic over the same rows"
"${PSQL[@]}" -c "DROP TABLE IF EXISTS bench_models_params" \
	-c "CREATE UNLOGGED TABLE bench_models_params AS SELECT (SELECT clientele.bgnbd_fit(frequency, recency, t) FROM bench_models_summary) AS bg, (SELECT clientele.gamma_gamma_fit(frequency, monetary) FROM bench_models_summary) AS gg"
t_arith=$(timeit "SELECT sum(frequency * 0.5 + recency / (t + 1.0)) FROM bench_models_summary")
# the recommended form: the fit as a scalar sub-select, read once (docs/models.md)
BG="(SELECT bg FROM bench_models_params)"
GG="(SELECT gg FROM bench_models_params)"
t_alive=$(timeit "SELECT sum(clientele.bgnbd_p_alive($BG, frequency, recency, t)) FROM bench_models_summary")
t_exp=$(timeit "SELECT sum(clientele.bgnbd_expected_purchases($BG, 39, frequency, recency, t)) FROM bench_models_summary")
t_clv=$(timeit "SELECT sum(clientele.clv($BG, $GG, frequency, recency, t, monetary, 12, 0.01, 4.345)) FROM bench_models_summary")
echo "plain arithmetic:           $(rate "$N" "$t_arith") rows/s"
echo "bgnbd_p_alive:              $(rate "$N" "$t_alive") rows/s   ratio time/arithmetic = $(ratio "$t_alive" "$t_arith")"
echo "bgnbd_expected_purchases:   $(rate "$N" "$t_exp") rows/s   ratio time/arithmetic = $(ratio "$t_exp" "$t_arith")"
echo "clv (12 months):            $(rate "$N" "$t_clv") rows/s   ratio time/arithmetic = $(ratio "$t_clv" "$t_arith")"

echo
echo "## 3. memory of the fit state"
"${PSQL[@]}" <<'SQL'
CREATE AGGREGATE pg_temp.bg_state(float8, float8, float8) (SFUNC = clientele.bgnbd_fit_trans, STYPE = clientele.fit_state);
SELECT format('input rows %s, distinct (frequency, recency, T) rows %s, fit state %s (%s bytes per input row)',
	n, d, pg_size_pretty(sz::bigint), round(sz::numeric / n, 2))
FROM (SELECT count(*) AS n,
             (SELECT count(*) FROM (SELECT DISTINCT frequency, recency, t FROM bench_models_summary) s) AS d,
             pg_column_size(pg_temp.bg_state(frequency, recency, t)) AS sz
      FROM bench_models_summary) s;
SQL
echo
echo "## 4. parallel plans and the Pareto/NBD fit (issue 11), ${BENCH_REPEAT:-3} repetitions, ratios within each"
echo "# load before: $(uptime | sed 's/.*load average: //')"
REP=${BENCH_REPEAT:-3}
SER="SET max_parallel_workers_per_gather = 0;"
PAR="SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;"
# seconds of one run (own session, settings first)
once() { # settings query
	local t0 t1
	t0=$(now); "${PSQL[@]}" -c "SET client_min_messages = error; $1" -c "$2" >/dev/null; t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }'
}
span() { tr ' ' '\n' | awk 'NF { if (n == 0 || $1 < lo) lo = $1; if (n == 0 || $1 > hi) hi = $1; n++ } END { printf "%.3f..%.3f", lo, hi }'; }
# the plan the planner picks by default (server settings, the fit's costs)
plan_of() { "${PSQL[@]}" -c "EXPLAIN $1" | grep -q Gather && echo parallel || echo serial; }
FITS=("bgnbd_fit:SELECT (f).converged FROM (SELECT clientele.bgnbd_fit(frequency, recency, t) AS f FROM bench_models_summary) s"
	"pareto_nbd_fit:SELECT (f).converged FROM (SELECT clientele.pareto_nbd_fit(frequency, recency, t) AS f FROM bench_models_summary) s"
	"mbgnbd_fit:SELECT (f).converged FROM (SELECT clientele.mbgnbd_fit(frequency, recency, t) AS f FROM bench_models_summary) s"
	"gamma_gamma_fit:SELECT (f).converged FROM (SELECT clientele.gamma_gamma_fit(frequency, monetary) AS f FROM bench_models_summary WHERE monetary > 0 OR frequency = 0) s"
	"sbg_fit:SELECT (f).converged FROM (SELECT clientele.sbg_fit(1 + floor(t / 4)::int, t - recency > 26) AS f FROM bench_models_summary) s")
# With the shipped costs (fit_state_combine COST 10000000) the settings of
# PAR give a Gather of the scanned rows under a serial Aggregate ("rows
# gathered"); the partial aggregation (each worker builds a state, the
# leader combines them) is forced by lowering the combine's cost inside a
# transaction that is rolled back ("partial states").
PARTIAL_BEGIN="BEGIN; ALTER FUNCTION clientele.fit_state_combine(clientele.fit_state, clientele.fit_state) COST 1;"
printf "%-16s %-14s %-14s %-14s %-16s %-16s %s\n" "fit" "serial (s)" "rows gath. (s)" "partial (s)" "gathered/serial" "partial/serial" "default plan (PGOPTIONS off)"
for f in "${FITS[@]}"; do
	name=${f%%:*}; q=${f#*:}
	ts=""; tp=""; tq=""; rr=""; rq=""
	for ((r = 0; r < REP; r++)); do
		a=$(once "$SER" "$q"); b=$(once "$PAR" "$q"); c=$(once "$PAR" "$PARTIAL_BEGIN $q; ROLLBACK")
		ts+=" $a"; tp+=" $b"; tq+=" $c"
		rr+=" $(awk -v x="$b" -v y="$a" 'BEGIN { print x / y }')"; rq+=" $(awk -v x="$c" -v y="$a" 'BEGIN { print x / y }')"
	done
	printf "%-16s %-14s %-14s %-14s %-16s %-16s %s\n" "$name" "$(span <<<"$ts")" "$(span <<<"$tp")" "$(span <<<"$tq")" \
		"$(span <<<"$rr")x" "$(span <<<"$rq")x" "$(PGOPTIONS="-c client_min_messages=warning" plan_of "$q")"
done
# Pareto/NBD fit against the rfm_summary scan that produced its input (goal <= 0.5)
Q_SCAN="SELECT sum(frequency + recency + t + monetary) FROM ($RFT_SQL) s"
Q_PNBD="SELECT (f).converged FROM (SELECT clientele.pareto_nbd_fit(frequency, recency, t) AS f FROM bench_models_summary) s"
rr=""; ts=""; tf=""
for ((r = 0; r < REP; r++)); do
	a=$(once "$SER" "$Q_SCAN"); b=$(once "$SER" "$Q_PNBD")
	ts+=" $a"; tf+=" $b"; rr+=" $(awk -v x="$b" -v y="$a" 'BEGIN { print x / y }')"
done
echo "pareto_nbd_fit $(span <<<"$tf") s vs rfm_summary scan ($ROWS transactions) $(span <<<"$ts") s: fit/scan $(span <<<"$rr") (goal <= 0.5)"
# the same ratio in backend CPU time (scripts/bench_pairs.sql, cpu_row: the
# scan repeated until it has used 1 s, the fit $REP times), which the load of
# a shared machine disturbs far less; $REP measurements
rr=""
for ((r = 0; r < REP; r++)); do
	rr+=" $("${PSQL[@]}" <<SQL | tail -1
SET client_min_messages = warning;
$(cat "$(dirname "$0")/../scripts/bench_pairs.sql")
SELECT coalesce(r::text, 'n/a') FROM pg_temp.cpu_row('pareto_nbd_fit', \$q\$$Q_SCAN\$q\$, \$q\$$Q_PNBD\$q\$, 3);
SQL
)"
done
echo "pareto_nbd_fit / rfm_summary scan in backend CPU time (serial): $(span <<<"$rr") (goal <= 0.5)"
echo "# load after: $(uptime | sed 's/.*load average: //')"
[ -n "${BENCH_KEEP:-}" ] || "${PSQL[@]}" -c "DROP TABLE bench_models_txn, bench_models_summary, bench_models_params"
