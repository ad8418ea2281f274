#!/usr/bin/env bash
# bench/sources.sh: what a mapped input costs.  rfm_summary per customer of
# the customer-initiated, non-enquiry transactions, read (a) straight from the
# canonical table clientele.transaction (baseline), (b) through
# clientele.in_transaction over it (the unmapped input view), and (c) through
# clientele.in_transaction mapped to a core-banking table with its own column
# names, channel and kind codes (code map: clientele.recode) and a signed
# amount (abs + sign_direction), goal <= 1.15x (a); (d) as (c) with the
# timestamp read from local time (clientele.local_time: the zone resolved
# once, its UTC offset reused between DST transitions).
# Two measures, both robust to a shared machine's load: the backend's CPU time
# (/proc/self/schedstat; BENCH_REPEAT runs, default 7, alternating with the
# baseline in one session, serial plans: the ratio of the best runs, and the
# median of the ratios of the alternating pairs), and, where valgrind is
# installed (BENCH_INSTR=0 skips it), the instructions the executor runs for
# one query (callgrind on a single-user backend, counting inside
# standard_ExecutorRun: the server is stopped for it and started again).
# The goal is judged on the instructions, which a loaded machine does not
# change (the CPU time of a backend still varies by +-10 % at a load of 5 on
# 2 cores: caches and cores shared with other processes); elapsed times are
# printed too.  Both source tables are vacuumed until every
# page is all-visible (a concurrent autovacuum's snapshot can keep VACUUM from
# marking the freshly written copy, which would then pay a visibility check
# per row that the canonical table does not).
# Run by scripts/bench.sh (`bash scripts/bench.sh sources`); 20 million
# transactions of 400,000 customers at BENCH_SCALE=1, BENCH_SCALE=0.01 for a
# quick run.
set -euo pipefail
SCALE=${BENCH_SCALE:-1}
DB=${BENCH_DB:?BENCH_DB must name a database with clientele installed}
REPEAT=${BENCH_REPEAT:-7}
INSTR=${BENCH_INSTR:-1}
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
ANALYZE clientele.transaction;
ANALYZE core.txn_journal;
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

# VACUUM until both tables are all-visible (see above), at most 30 tries
for try in $(seq 30); do
	"${PSQL[@]}" -c "VACUUM clientele.transaction" -c "VACUUM core.txn_journal"
	[ "$("${PSQL[@]}" -At -c "SELECT bool_and(relallvisible >= relpages) FROM pg_class WHERE oid IN ('clientele.transaction'::regclass, 'core.txn_journal'::regclass)")" = t ] && break
	[ "$try" -lt 30 ] || echo "# warning: the tables are not all-visible after 30 VACUUMs"
	sleep 2
done

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
		-c "SELECT min(a.ms) || ' ' || min(x.ms) || ' ' || max(a.res) || ' ' || max(x.res) || ' ' || coalesce(min(a.cpu)::text, '-') || ' ' || coalesce(min(x.cpu)::text, '-') || ' ' || coalesce(round(percentile_cont(0.5) WITHIN GROUP (ORDER BY (x.cpu / nullif(a.cpu, 0))::float8)::numeric, 3)::text, '-')
		    FROM generate_series(1, $REPEAT) i, LATERAL pg_temp.ms(\$q\$$1\$q\$ || repeat(' ', i)) a, LATERAL pg_temp.ms(\$q\$$2\$q\$ || repeat(' ', i)) x"
}
QA=$(q clientele.transaction); QX=$(q clientele.in_transaction)
read -r Ab B Ar Br cAb cB mB <<<"$(pair "$QA" "$QX")"
"${PSQL[@]}" -c "SET client_min_messages = error" -c "SELECT clientele.use_source('transaction', 'core.txn_journal')" >/dev/null
read -r Ac C Ar2 Cr cAc cC mC <<<"$(pair "$QA" "$QX")"
"${PSQL[@]}" -c "SET client_min_messages = error" -c "SELECT clientele.map_column('transaction', 'ts', 'local_time', 'txn_tm', 'Asia/Shanghai')" \
	-c "SELECT clientele.use_source('transaction', 'core.txn_journal')" >/dev/null
read -r Ad D Ar3 Dr cAd cD mD <<<"$(pair "$QA" "$QX")"
for x in "$Br" "$Cr" "$Dr" "$Ar2" "$Ar3"; do
	[ "$Ar" = "$x" ] || { echo "results differ: canonical '$Ar', other '$x'"; exit 1; }
done

# Instructions of the executor per query: callgrind on a single-user backend
# (one run each: the count hardly varies), the server stopped meanwhile.
# Configurations in the order (d) (as left above), (c), (b).
IA=- IB=- IC=- ID=-
if [ "$INSTR" != 0 ] && command -v valgrind >/dev/null && command -v pg_ctl >/dev/null; then
	DATA=$("${PSQL[@]}" -At -c "SHOW data_directory")
	OWNER=$(stat -c %U "$DATA")
	[ "$(id -un)" = "$OWNER" ] || [ "$(id -u)" -eq 0 ] || { echo "# instructions not counted: the server's data belong to $OWNER"; INSTR=0; }
fi
if [ "$INSTR" != 0 ] && command -v valgrind >/dev/null && command -v pg_ctl >/dev/null; then
	BIN=$(dirname "$(command -v pg_ctl)")
	own() { if [ "$(id -un)" = "$OWNER" ]; then "$@"; else runuser -u "$OWNER" -- "$@"; fi; }
	TMPI=$(mktemp -d); chown "$OWNER" "$TMPI"
	single() { own "$BIN/postgres" --single -D "$DATA" -c shared_preload_libraries= -c client_min_messages=error "$DB" >/dev/null 2>&1; }
	# instr QUERY: the instructions of the query inside standard_ExecutorRun ("-" if it failed or
	# gave another result than the baseline)
	instr() {
		local f; f=$TMPI/cg.$RANDOM
		printf '%s\n' "SET max_parallel_workers_per_gather = 0" "SET work_mem = '512MB'" "$1" |
			own valgrind --tool=callgrind --callgrind-out-file="$f.out" --collect-atstart=no \
				--toggle-collect=standard_ExecutorRun "$BIN/postgres" --single -D "$DATA" \
				-c shared_preload_libraries= "$DB" >"$f.log" 2>&1
		if grep -q "sum = \"${Ar%%|*}\"" "$f.log"; then
			sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$f.log"
		else
			echo -
		fi
	}
	own "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
	ID=$(instr "$QX")
	IA=$(instr "$QA")
	printf '%s\n' "SELECT clientele.map_column('transaction', 'ts', 'column', 'txn_ts')" \
		"SELECT clientele.use_source('transaction', 'core.txn_journal')" | single
	IC=$(instr "$QX")
	printf '%s\n' "SELECT clientele.use_source('transaction', NULL)" | single
	IB=$(instr "$QX")
	rm -rf "$TMPI"
	own "$BIN/pg_ctl" -D "$DATA" -l "$DATA/../server.log" -w -t 60 start >/dev/null
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.3f", a / b }'; }
goal() { awk -v r="$1" 'BEGIN { if (r == "-") print "n/a"; else if (r <= 1.15) print "met"; else print "NOT MET" }'; }
instrs() { awk -v a="$1" 'BEGIN { if (a == "-") print "-"; else printf "%.0fM", a / 1e6 }'; }
printf '%-58s %22s %32s %16s\n' "" "elapsed ms (ratio)" "CPU ms (ratio; median of pairs)" "instr (ratio)"
printf '%-58s %22s %32s %16s\n' "(a) clientele.transaction, canonical table (baseline)" "$Ab / $Ac / $Ad" "$cAb / $cAc / $cAd" "$(instrs "$IA")"
printf '%-58s %22s %32s %16s\n' "(b) in_transaction over the canonical table" "$B ($(ratio "$B" "$Ab")x)" "$cB ($(ratio "$cB" "$cAb")x; ${mB}x)" "$(instrs "$IB") ($(ratio "$IB" "$IA")x)"
printf '%-58s %22s %32s %16s\n' "(c) in_transaction mapped: renames, codes, signed amount" "$C ($(ratio "$C" "$Ac")x)" "$cC ($(ratio "$cC" "$cAc")x; ${mC}x)" "$(instrs "$IC") ($(ratio "$IC" "$IA")x)"
printf '%-58s %22s %32s %16s\n' "(d) as (c), and ts from local time (clientele.local_time)" "$D ($(ratio "$D" "$Ad")x)" "$cD ($(ratio "$cD" "$cAd")x; ${mD}x)" "$(instrs "$ID") ($(ratio "$ID" "$IA")x)"
echo "# goal (c) <= 1.15x the canonical table: instructions $(goal "$(ratio "$IC" "$IA")"); CPU time: best runs $(goal "$(ratio "$cC" "$cAc")"), median of pairs $(goal "$mC")"
echo "# same result through every path (frequency sum): $Ar"
