#!/usr/bin/env bash
# bench/sources.sh: what a mapped input costs.  rfm_summary per customer of
# the customer-initiated, non-enquiry transactions, read (a) straight from the
# canonical table clientele.transaction (baseline), (b) through
# clientele.in_transaction over it (the inlined canonical input function), and
# (c) through clientele.in_transaction mapped to a core-banking table with its
# own column names, channel and kind codes (code map CASE) and a signed amount
# (abs + sign_direction), goal <= 1.15x (a); (d) as (c) with the timestamp
# read from local time (clientele.local_time: the zone resolved once, its UTC
# offset reused between DST transitions).  Ratios of elapsed time and of the
# backend's CPU time (less sensitive to a shared machine's load).
# Run by scripts/bench.sh (`bash scripts/bench.sh sources`); 20 million
# transactions of 400,000 customers at BENCH_SCALE=1, BENCH_SCALE=0.01 for a
# quick run.  Serial plans (max_parallel_workers_per_gather = 0); each ratio is the
# best of BENCH_REPEAT (default 3) runs alternating with the baseline in one session.
set -euo pipefail
SCALE=${BENCH_SCALE:-1}
DB=${BENCH_DB:?BENCH_DB must name a database with clientele installed}
REPEAT=${BENCH_REPEAT:-3}
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -d "$DB")
NTX=$(awk -v s="$SCALE" 'BEGIN { printf "%d", 20000000 * s }')
NCUST=$(awk -v s="$SCALE" 'BEGIN { n = 400000 * s; if (n < 10) n = 10; printf "%d", n }')
echo "# sources bench: $NTX transactions of $NCUST customers (BENCH_SCALE=$SCALE), serial, best of $REPEAT alternating runs"

"${PSQL[@]}" >/dev/null <<SQL
SET client_min_messages = warning;
INSERT INTO clientele.customer (customer_id, opened_on) SELECT i, '2020-01-01' FROM generate_series(1, $NCUST) i;
INSERT INTO clientele.transaction (txn_id, customer_id, ts, amount, direction, channel, kind, customer_initiated)
SELECT i, 1 + (i * 2654435761) % $NCUST, timestamptz '2023-01-01 00:00+00' + (i::float8 / $NTX * 730) * interval '1 day',
       CASE WHEN i % 5 = 4 THEN 0 ELSE (i * 7919) % 100000 / 100.0 + 0.01 END,
       CASE WHEN i % 5 = 4 THEN 'none' WHEN i % 3 = 0 THEN 'out' ELSE 'in' END,
       (ARRAY['counter', 'atm', 'online', 'mobile'])[1 + i % 4], (ARRAY['deposit', 'withdrawal', 'payment', 'payment', 'enquiry'])[1 + i % 5], true
FROM generate_series(1::bigint, $NTX) i;
CREATE SCHEMA core;
CREATE TABLE core.txn_journal AS
SELECT txn_id AS jrnl_no, customer_id AS cif_no, ts AS txn_ts, (ts AT TIME ZONE 'Asia/Shanghai') AS txn_tm,
       CASE direction WHEN 'out' THEN -amount ELSE amount END AS txn_amt,
       CASE channel WHEN 'counter' THEN 'BR' WHEN 'atm' THEN 'ATM' WHEN 'online' THEN 'IB' ELSE 'MB' END AS chnl_cd,
       CASE kind WHEN 'deposit' THEN 'DEP' WHEN 'withdrawal' THEN 'WDL' WHEN 'payment' THEN 'PAY' ELSE 'INQ' END AS txn_cd
FROM clientele.transaction;
VACUUM ANALYZE clientele.transaction;
VACUUM ANALYZE core.txn_journal;
SELECT clientele.map_code('transaction', 'channel', s, c)
FROM (VALUES ('BR', 'counter'), ('ATM', 'atm'), ('MB', 'mobile'), ('IB', 'online')) v(s, c);
SELECT clientele.map_code('transaction', 'kind', s, c)
FROM (VALUES ('DEP', 'deposit'), ('WDL', 'withdrawal'), ('TRF', 'transfer'), ('PAY', 'payment'), ('INQ', 'enquiry')) v(s, c);
SELECT clientele.map_column('transaction', c, s, src, arg) FROM (VALUES
	('txn_id', 'column', 'jrnl_no', NULL), ('customer_id', 'column', 'cif_no', NULL),
	('ts', 'column', 'txn_ts', NULL), ('amount', 'abs', 'txn_amt', NULL),
	('direction', 'sign_direction', 'txn_amt', NULL), ('channel', 'column', 'chnl_cd', NULL),
	('kind', 'column', 'txn_cd', NULL), ('customer_initiated', 'constant', NULL, 'true')) v(c, s, src, arg);
SQL

ASOF="timestamptz '2024-12-31 00:00+00'"
q() { echo "SELECT sum((s).frequency), sum((s).total_amount) FROM (SELECT t.customer_id, clientele.rfm_summary(t.ts, t.amount::float8, $ASOF) AS s FROM $1 t WHERE t.customer_initiated AND t.kind <> 'enquiry' GROUP BY t.customer_id) q"; }
# pair QA QX: REPEAT alternating runs of both in one session (the shared machine's load hits both
# alike); prints "bestA bestX resultA resultX cpuA cpuX": best elapsed ms, and best CPU ms of the
# backend (/proc/self/schedstat, Linux; "-" elsewhere), which waiting for a busy machine's cores
# does not inflate
pair() {
	"${PSQL[@]}" -At -c "SET max_parallel_workers_per_gather = 0" -c "SET work_mem = '512MB'" \
		-c "CREATE FUNCTION pg_temp.cpu() RETURNS numeric LANGUAGE plpgsql AS \$f\$ BEGIN RETURN split_part(pg_read_file('/proc/self/schedstat'), ' ', 1)::numeric / 1e6; EXCEPTION WHEN OTHERS THEN RETURN NULL; END \$f\$" \
		-c "CREATE FUNCTION pg_temp.ms(q text, OUT ms numeric, OUT res text, OUT cpu numeric) LANGUAGE plpgsql AS \$f\$ DECLARE t0 timestamptz; c0 numeric; BEGIN c0 := pg_temp.cpu(); t0 := clock_timestamp(); EXECUTE q INTO res; ms := round((extract(epoch FROM clock_timestamp() - t0) * 1000)::numeric, 1); cpu := round(pg_temp.cpu() - c0, 1); END \$f\$" \
		-c "SELECT min(a.ms) || ' ' || min(x.ms) || ' ' || max(a.res) || ' ' || max(x.res) || ' ' || coalesce(min(a.cpu)::text, '-') || ' ' || coalesce(min(x.cpu)::text, '-')
		    FROM generate_series(1, $REPEAT) i, LATERAL pg_temp.ms(\$q\$$1\$q\$ || repeat(' ', i)) a, LATERAL pg_temp.ms(\$q\$$2\$q\$ || repeat(' ', i)) x"
}
QA=$(q clientele.transaction); QX=$(q clientele.in_transaction)
read -r Ab B Ar Br cAb cB <<<"$(pair "$QA" "$QX")"
"${PSQL[@]}" -c "SET client_min_messages = error" -c "SELECT clientele.use_source('transaction', 'core.txn_journal')" >/dev/null
read -r Ac C Ar2 Cr cAc cC <<<"$(pair "$QA" "$QX")"
"${PSQL[@]}" -c "SET client_min_messages = error" -c "SELECT clientele.map_column('transaction', 'ts', 'local_time', 'txn_tm', 'Asia/Shanghai')" \
	-c "SELECT clientele.use_source('transaction', 'core.txn_journal')" >/dev/null
read -r Ad D Ar3 Dr cAd cD <<<"$(pair "$QA" "$QX")"
for x in "$Br" "$Cr" "$Dr" "$Ar2" "$Ar3"; do
	[ "$Ar" = "$x" ] || { echo "results differ: canonical '$Ar', other '$x'"; exit 1; }
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-") print "-"; else printf "%.2f", a / b }'; }
printf '%-60s %9s ms   CPU %s ms\n' "(a) clientele.transaction, canonical table (baseline)" "$Ab / $Ac / $Ad" "$cAb / $cAc / $cAd"
printf '%-60s %9s ms  %sx   CPU %sx\n' "(b) in_transaction over the canonical table" "$B" "$(ratio "$B" "$Ab")" "$(ratio "$cB" "$cAb")"
printf '%-60s %9s ms  %sx   CPU %sx  (goal <= 1.15x)\n' "(c) in_transaction mapped: renames, codes, signed amount" "$C" "$(ratio "$C" "$Ac")" "$(ratio "$cC" "$cAc")"
printf '%-60s %9s ms  %sx   CPU %sx\n' "(d) as (c), and ts from local time (clientele.local_time)" "$D" "$(ratio "$D" "$Ad")" "$(ratio "$cD" "$cAd")"
echo "# same result through every path (frequency sum): $Ar"
