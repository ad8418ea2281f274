#!/usr/bin/env bash
# Citus: a coordinator and two workers (scripts/citus.sh, kept running) against
# one node (database "single" on the coordinator's server), same demo bank.
# Times (best of 3) a global bgnbd_fit over per-customer rfm_summary and a
# global gini, and the bytes the workers send to the coordinator.  Needs Citus
# (installed, or ../shared/vendor/citus-*.tar.gz).  Full size: 20,000 customers,
# 32 shards; BENCH_SCALE scales the customers.  Does not use BENCH_DB.
set -uo pipefail
. "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"
CUST=$(awk -v s="${BENCH_SCALE:-1}" 'BEGIN { n = int(20000 * s); if (n < 200) n = 200; print n }')
PORT=${CLIENTELE_CITUS_BENCH_PORT:-54361}
DIR=$ROOT/tmp/bench-citus
export CLIENTELE_CITUS_KEEP=1 CLIENTELE_CITUS_CUSTOMERS=$CUST CLIENTELE_CITUS_SHARDS=32 CLIENTELE_CITUS_PORT=$PORT CLIENTELE_CITUS_DIR=$DIR
trap 'for i in 0 1 2; do cluster_remove "$DIR/n$i"; done' EXIT
bash scripts/citus.sh > "$ROOT/tmp/bench-citus.tap" 2>&1
if grep -q '^1\.\.0 # SKIP' "$ROOT/tmp/bench-citus.tap"; then echo "SKIP: $(cat "$ROOT/tmp/bench-citus.tap")"; exit 0; fi
grep -q '^ok 5 ' "$ROOT/tmp/bench-citus.tap" || { cat "$ROOT/tmp/bench-citus.tap"; die "cluster setup failed"; }
BIN=$(pg_bindir)
best_ms() { # db query -> best of 3 wall times in ms
	local db=$1 q=$2 i t best=
	for i in 1 2 3; do
		t=$("$BIN/psql" -X -q -At -h 127.0.0.1 -p "$PORT" -U postgres -d "$db" -c '\timing on' -c "$q" 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1)
		best=$(awk -v a="${best:-$t}" -v b="$t" 'BEGIN { print (b < a ? b : a) }')
	done
	echo "$best"
}
RFM="SELECT customer_id, clientele.rfm_summary(ts, amount::float8, '2025-12-31'::timestamptz, '7 days') AS s
	FROM clientele.in_transaction WHERE customer_initiated AND kind = 'payment' GROUP BY customer_id"
Q_FIT="SELECT clientele.bgnbd_fit((s).frequency, (s).recency, (s).t) FROM ($RFM) q"
Q_GINI_CUST="SELECT clientele.gini(total) FROM (SELECT customer_id, sum(amount)::float8 AS total FROM clientele.in_transaction WHERE direction = 'in' GROUP BY customer_id) c"
Q_GINI_RAW="SELECT clientele.gini(amount::float8) FROM clientele.transaction"
Q_BOTH="SELECT clientele.gini(amount::float8), clientele.rfm_summary(ts, amount::float8, '2025-12-31'::timestamptz) FROM clientele.transaction"
Q_RFM_ONLY="SELECT clientele.rfm_summary(ts, amount::float8, '2025-12-31'::timestamptz) FROM clientele.transaction"
ntx=$("$BIN/psql" -X -At -h 127.0.0.1 -p "$PORT" -U postgres -d dist -c "SELECT count(*) FROM clientele.transaction")
echo "customers=$CUST transactions=$ntx shards=32 (coordinator + 2 workers, one machine, loopback)"
printf '%-58s %10s %10s %7s\n' query "1 node ms" "Citus ms" ratio
for name in Q_FIT Q_GINI_CUST Q_GINI_RAW Q_RFM_ONLY Q_BOTH; do
	a=$(best_ms single "${!name}"); b=$(best_ms dist "${!name}")
	printf '%-58s %10s %10s %7s\n' "$name" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { if (a > 0) printf "%.2f", b / a }')"
done
echo "bytes received by the coordinator (EXPLAIN ANALYZE 'Tuple data received from nodes'):"
for name in Q_GINI_CUST Q_GINI_RAW Q_BOTH Q_RFM_ONLY Q_FIT; do
	r=$("$BIN/psql" -X -At -h 127.0.0.1 -p "$PORT" -U postgres -d dist -c "EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF) ${!name}" 2>&1 \
		| grep -m1 -E 'Tuple data received from nodes|ERROR' | sed 's/^ *//')
	printf '  %-14s %s\n' "$name" "$r"
done
echo "size of the worker_partial_agg states of Q_FIT (text form, all 32 shards):"
"$BIN/psql" -X -At -h 127.0.0.1 -p "$PORT" -U postgres -d dist -c "SELECT sum(length(result)) || ' characters, ' || count(*) || ' shards' FROM run_command_on_shards('clientele.transaction',
	\$\$SELECT pg_catalog.worker_partial_agg('clientele.bgnbd_fit(double precision,double precision,double precision)'::regprocedure, ROW((s).frequency::float8, (s).recency::float8, (s).t::float8))::text
	FROM (SELECT customer_id, clientele.rfm_summary(ts, amount::float8, '2025-12-31'::timestamptz, '7 days') AS s FROM %s WHERE customer_initiated AND kind = 'payment' GROUP BY customer_id) q\$\$)"
