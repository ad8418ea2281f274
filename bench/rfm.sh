#!/usr/bin/env bash
# bench/rfm.sh: rfm_summary against count(*) GROUP BY customer_id (issue 11),
# at 1, 3, 50 and 100 transactions per customer, serial and parallel, plus the
# idiomatic pure-SQL summary and the segment lookup.
# Run by scripts/bench.sh (`make bench`), which exports PGHOST/PGPORT/PGUSER and
# BENCH_DB (a database with clientele installed), or by hand:
#   BENCH_DB=mydb BENCH_SCALE=0.1 bash bench/rfm.sh
# Each layout has 3,000,000 transactions at BENCH_SCALE=1 (default 0.1:
# 300,000), time-ordered like a transaction log (customers interleave), over
# two years, amounts with cents.  Every query runs BENCH_REPEAT times (default
# 3), the queries of one repetition one after the other; the ratios are taken
# within each repetition and reported as min..max over the repetitions, with
# the load average (`uptime`) before and after: on a shared machine only
# ratios within one run count.
set -euo pipefail
SCALE=${BENCH_SCALE:-0.1}
DB=${BENCH_DB:?BENCH_DB must name a database with clientele installed}
REPEAT=${BENCH_REPEAT:-3}
PSQL=(psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB")
NTX=$(awk -v s="$SCALE" 'BEGIN { n = int(3000000 * s); if (n < 1000) n = 1000; print n }')
ASOF="timestamptz '2024-12-31 00:00+00'"

echo "# rfm bench: $NTX transactions per layout (BENCH_SCALE=$SCALE), $REPEAT repetitions; load: $(uptime | sed 's/.*load average: //')"

SERIAL="SET max_parallel_workers_per_gather = 0; SET work_mem = '1GB';"
PARALLEL="SET max_parallel_workers_per_gather = 2; SET work_mem = '1GB'; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;"
MS_FN="CREATE FUNCTION pg_temp.ms(q text) RETURNS float8 LANGUAGE plpgsql AS \$f\$ DECLARE t0 timestamptz; x text; BEGIN t0 := clock_timestamp(); EXECUTE q INTO x; RETURN extract(epoch FROM clock_timestamp() - t0) * 1000; END \$f\$"

# milliseconds of one run of a query under given settings (own session)
ms() { # settings query
	"${PSQL[@]}" -c "SET client_min_messages = warning; $1" -c "$MS_FN" -c "SELECT round(pg_temp.ms(\$q\$$2\$q\$)::numeric, 1)"
}
# min..max of a list of numbers
range() { tr ' ' '\n' | awk 'NF { if (n == 0 || $1 < lo) lo = $1; if (n == 0 || $1 > hi) hi = $1; n++ } END { printf "%.2f..%.2f", lo, hi }'; }
rng_ms() { tr ' ' '\n' | awk 'NF { if (n == 0 || $1 < lo) lo = $1; if (n == 0 || $1 > hi) hi = $1; n++ } END { printf "%.0f..%.0f ms", lo, hi }'; }

mem=""; sqlline=""; memline=""
printf "%-9s %-8s %-22s %-22s %-13s %-22s %-13s %s\n" "tx/cust" "groups" "count(*) serial" "rfm_summary serial" "ratio" "rfm_summary parallel" "par. ratio" "serial/parallel"
for K in 1 3 50 100; do
	NCUST=$((NTX / K))
	"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS public.rfm_bench_tx;
CREATE UNLOGGED TABLE public.rfm_bench_tx AS
SELECT ((i * 2654435761) % $NCUST)::bigint AS customer_id,
       timestamptz '2023-01-01 00:00+00' + (i::float8 / $NTX * 730) * interval '1 day' AS ts,
       ((i * 7919) % 100000)::float8 / 100 + 0.01 AS amount
FROM generate_series(1::bigint, $NTX) i;
VACUUM ANALYZE public.rfm_bench_tx;
SQL
	Q_COUNT="SELECT sum(n) FROM (SELECT customer_id, count(*) AS n FROM public.rfm_bench_tx GROUP BY customer_id) q"
	Q_RFM="SELECT sum((s).frequency) FROM (SELECT customer_id, clientele.rfm_summary(ts, amount, $ASOF) AS s FROM public.rfm_bench_tx GROUP BY customer_id) q"
	cs=""; rs=""; cp=""; rp=""; ratio=""; pratio=""; speed=""
	for ((r = 0; r < REPEAT; r++)); do
		a=$(ms "$SERIAL" "$Q_COUNT"); b=$(ms "$SERIAL" "$Q_RFM")
		c=$(ms "$PARALLEL" "$Q_COUNT"); d=$(ms "$PARALLEL" "$Q_RFM")
		cs+=" $a"; rs+=" $b"; cp+=" $c"; rp+=" $d"
		ratio+=" $(awk -v x="$b" -v y="$a" 'BEGIN { print x / y }')"
		pratio+=" $(awk -v x="$d" -v y="$c" 'BEGIN { print x / y }')"
		speed+=" $(awk -v x="$b" -v y="$d" 'BEGIN { print x / y }')"
	done
	printf "%-9s %-8s %-22s %-22s %-13s %-22s %-13s %s\n" "$K" "$NCUST" "$(rng_ms <<<"$cs")" "$(rng_ms <<<"$rs")" "$(range <<<"$ratio")x" \
		"$(rng_ms <<<"$rp")" "$(range <<<"$pratio")x" "$(range <<<"$speed")x"
	if [ "$K" = 3 ]; then
		# peak memory of the hash aggregates (no spill: work_mem 1GB), per customer
		for q in "$Q_COUNT" "$Q_RFM"; do
			m=$("${PSQL[@]}" -c "$SERIAL" -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) $q" | sed -n 's/.*Memory Usage: \([0-9]*\)kB.*/\1/p' | head -1)
			mem+=" $m"
		done
		# the idiomatic SQL: purchase days first, then per customer
		Q_SQL="SELECT sum(frequency) FROM (
  SELECT customer_id, count(*) - 1 AS frequency, max(day) - min(day) AS recency, ($ASOF)::date - min(day) AS t,
         CASE WHEN count(*) > 1 THEN (sum(amt) - (array_agg(amt ORDER BY day))[1]) / (count(*) - 1) ELSE 0 END AS monetary,
         ($ASOF)::date - max(day) AS days_since_last, sum(amt) AS total
  FROM (SELECT customer_id, ts::date AS day, sum(amount) AS amt FROM public.rfm_bench_tx
        WHERE ts::date <= ($ASOF)::date GROUP BY customer_id, ts::date) d
  GROUP BY customer_id) q"
		t_sql=$(ms "$SERIAL" "$Q_SQL"); t_rfm=$(ms "$SERIAL" "$Q_RFM")
		sqlline=$(awk -v s="$t_sql" -v r="$t_rfm" 'BEGIN { printf "idiomatic SQL summary (3 tx/customer), serial: %.0f ms; rfm_summary %.0f ms is %.2fx faster", s, r, s / r }')
		# shellcheck disable=SC2086
		memline=$(echo $mem $NCUST | awk '{ printf "hash aggregate peak memory (3 tx/customer): count(*) %d kB (%.0f B/customer), rfm_summary %d kB (%.0f B/customer)", $1, $1 * 1024 / $3, $2, $2 * 1024 / $3 }')
	fi
done
echo "$sqlline"
echo "$memline"

# segment lookup: the compiled C lookup vs a first-match subquery on the rule table
NSEG=$((NTX / 3))
Q_SEG_C="SELECT count(clientele.rfm_segment('rfm_package', 1 + i % 5, 1 + (i / 5) % 5, 1 + (i / 25) % 5)) FROM generate_series(1, $NSEG) i"
Q_SEG_SQL="SELECT count((SELECT x.segment FROM clientele.rfm_segment_rule x WHERE x.scheme = 'rfm_package'
   AND 1 + i % 5 BETWEEN x.r_min AND x.r_max AND 1 + (i / 5) % 5 BETWEEN x.f_min AND x.f_max
   AND 1 + (i / 25) % 5 BETWEEN x.m_min AND x.m_max ORDER BY x.priority LIMIT 1)) FROM generate_series(1, $NSEG) i"
t_seg_c=$(ms "$SERIAL" "$Q_SEG_C"); t_seg_sql=$(ms "$SERIAL" "$Q_SEG_SQL")
awk -v n="$NSEG" -v c="$t_seg_c" -v s="$t_seg_sql" 'BEGIN { printf "rfm_segment (C lookup), %d calls: %.0f ms, %.2fx faster than the SQL first-match subquery (%.0f ms)\n", n, c, s / c, s }'
echo "# load after: $(uptime | sed 's/.*load average: //')"
"${PSQL[@]}" -c "DROP TABLE public.rfm_bench_tx"
