#!/usr/bin/env bash
# Benchmark of clientele.generate_demo_bank (run by scripts/bench.sh, which
# sets PGHOST/PGPORT/PGUSER and BENCH_DB).  Sizes: 100,000 and 1,000,000
# customers times BENCH_SCALE (default 1).  For each size it prints the
# generator's time, the rows and size of every table, and the ratio to a
# baseline measured in the same run: INSERT ... SELECT of the same total
# number of rows from generate_series into a plain table of the width of
# clientele.transaction (no indexes, no constraints).
set -euo pipefail
: "${BENCH_DB:?run through scripts/bench.sh (make bench)}"
SCALE=${BENCH_SCALE:-1}
psqlb() { psql -X -q -v ON_ERROR_STOP=1 -d "$BENCH_DB" "$@"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

for base in 100000 1000000; do
	n=$(awk -v b="$base" -v s="$SCALE" 'BEGIN { n = int(b * s + 0.5); if (n < 100) n = 100; print n }')
	t0=$(now_ms)
	rows=$(psqlb -At -c "SELECT sum(row_count) FROM clientele.generate_demo_bank($n, 42, replace => true)")
	t1=$(now_ms)
	gen_ms=$((t1 - t0))

	psqlb -c "DROP TABLE IF EXISTS bench_baseline" \
		-c "CREATE TABLE bench_baseline (txn_id bigint, customer_id bigint, account_id bigint, ts timestamptz,
			amount numeric(18,2), direction text, channel text, kind text, counterparty_bank text, customer_initiated boolean)"
	t0=$(now_ms)
	psqlb -c "INSERT INTO bench_baseline SELECT g, g / 35, g / 18, timestamptz '2024-01-01' + g * interval '1 second',
		(g % 100000) / 100.0, 'out', 'mobile', 'payment', NULL, true FROM generate_series(1, $rows) g"
	t1=$(now_ms)
	base_ms=$((t1 - t0))
	base_size=$(psqlb -At -c "SELECT pg_size_pretty(pg_total_relation_size('bench_baseline'))")
	psqlb -c "DROP TABLE bench_baseline"

	echo "demo_bank customers=$n rows=$rows generator_s=$(awk -v m=$gen_ms 'BEGIN{printf "%.2f", m/1000}')" \
		"baseline_insert_s=$(awk -v m=$base_ms 'BEGIN{printf "%.2f", m/1000}')" \
		"ratio=$(awk -v a=$gen_ms -v b=$base_ms 'BEGIN{printf "%.2f", a/(b>0?b:1)}')" \
		"rows_per_s=$(awk -v r=$rows -v m=$gen_ms 'BEGIN{printf "%.0f", r/(m>0?m:1)*1000}')" \
		"baseline_size=$base_size"
	psqlb -P footer=off -c "
		SELECT c.relname AS table_name, to_char(c.reltuples, 'FM999,999,999,999') AS rows_estimated,
		       pg_size_pretty(pg_relation_size(c.oid)) AS heap,
		       pg_size_pretty(pg_total_relation_size(c.oid)) AS total
		FROM pg_class c
		WHERE c.relnamespace = 'clientele'::regnamespace AND c.relkind = 'r'
		  AND c.relname IN ('customer', 'demo_truth', 'account', 'balance', 'transaction', 'interaction', 'income')
		ORDER BY pg_total_relation_size(c.oid) DESC"
	psqlb -At -c "SELECT 'demo_bank customers=$n total_size=' || pg_size_pretty(sum(pg_total_relation_size(c.oid)))
		FROM pg_class c WHERE c.relnamespace = 'clientele'::regnamespace AND c.relkind = 'r'"
done
