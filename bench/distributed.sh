#!/usr/bin/env bash
# Citus: a coordinator and two workers (scripts/citus.sh, kept running) against
# one node (database "single" on the coordinator's server), same demo bank.
# Times (BENCH_REPS runs, default 3: min..max) per-customer rfm_summary, the
# global fits over it, gini / top_share / avg_daily_balance, profit_contribution
# and customer_features, and the bytes the workers send to the coordinator.  Needs Citus
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
REPS=${BENCH_REPS:-3}
times_ms() { # db query -> the REPS wall times in ms, space-separated
	local db=$1 q=$2 i t out=
	for i in $(seq "$REPS"); do
		t=$("$BIN/psql" -X -q -At -h 127.0.0.1 -p "$PORT" -U postgres -d "$db" -c '\timing on' -c "$q" 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1)
		out="$out ${t:-NaN}"
	done
	echo "$out"
}
RFM="SELECT customer_id, clientele.rfm_summary(ts, amount::float8, '2025-12-31'::timestamptz, '7 days') AS s
	FROM clientele.in_transaction WHERE customer_initiated AND kind = 'payment' GROUP BY customer_id"
Q_RFM_CUST="SELECT count(*) FROM ($RFM) q"
Q_FIT="SELECT clientele.bgnbd_fit((s).frequency, (s).recency, (s).t) FROM ($RFM) q"
Q_PARETO="SELECT clientele.pareto_nbd_fit((s).frequency, (s).recency, (s).t) FROM ($RFM) q"
Q_GG="SELECT clientele.gamma_gamma_fit((s).frequency, (s).monetary) FROM ($RFM) q WHERE (s).frequency > 0"
Q_GINI_CUST="SELECT clientele.gini(total) FROM (SELECT customer_id, sum(amount)::float8 AS total FROM clientele.in_transaction WHERE direction = 'in' GROUP BY customer_id) c"
Q_GINI_RAW="SELECT clientele.gini(amount::float8) FROM clientele.transaction"
Q_TOP_RAW="SELECT clientele.top_share(amount::float8, 0.1) FROM clientele.transaction"
Q_ADB="SELECT count(*) FROM (SELECT account_id, clientele.avg_daily_balance(as_of, balance, '2025-01-01', '2025-12-31') FROM clientele.balance GROUP BY account_id) q"
Q_BOTH="SELECT clientele.gini(amount::float8), clientele.rfm_summary(ts, amount::float8, '2025-12-31'::timestamptz) FROM clientele.transaction"
Q_RFM_ONLY="SELECT clientele.rfm_summary(ts, amount::float8, '2025-12-31'::timestamptz) FROM clientele.transaction"
Q_PROFIT="SELECT count(*), sum(contribution) FROM clientele.profit_contribution('2025-01-01', '2025-12-31')"
Q_FEATURES="SELECT count(*) FROM clientele.customer_features('2025-12-31')"
ntx=$("$BIN/psql" -X -At -h 127.0.0.1 -p "$PORT" -U postgres -d dist -c "SELECT count(*) FROM clientele.transaction")
echo "customers=$CUST transactions=$ntx shards=32 (coordinator + 2 workers, one machine, loopback); $REPS runs each (one node first, then Citus)"
echo "load before: $(uptime)"
printf '%-12s %-24s %-24s %s\n' query "1 node ms (min..max)" "Citus ms (min..max)" "ratio Citus/1 node (of min, range)"
for name in Q_RFM_CUST Q_FIT Q_PARETO Q_GG Q_GINI_CUST Q_GINI_RAW Q_TOP_RAW Q_ADB Q_RFM_ONLY Q_BOTH Q_PROFIT Q_FEATURES; do
	a=$(times_ms single "${!name}"); b=$(times_ms dist "${!name}")
	awk -v n="$name" -v a="$a" -v b="$b" 'BEGIN {
		na = split(a, x, " "); nb = split(b, y, " ");
		amin = amax = x[1]; for (i = 2; i <= na; i++) { if (x[i] < amin) amin = x[i]; if (x[i] > amax) amax = x[i] }
		bmin = bmax = y[1]; for (i = 2; i <= nb; i++) { if (y[i] < bmin) bmin = y[i]; if (y[i] > bmax) bmax = y[i] }
		printf "%-12s %-24s %-24s %.2f (%.2f..%.2f)\n", n, sprintf("%.0f (%.0f..%.0f)", amin, amin, amax), sprintf("%.0f (%.0f..%.0f)", bmin, bmin, bmax),
			bmin / amin, bmin / amax, bmax / amin }'
done
echo "load after: $(uptime)"
echo "bytes received by the coordinator (EXPLAIN ANALYZE 'Tuple data received from nodes'; fails with citus#4043 when the plan has worker_partial_agg):"
for name in Q_GINI_CUST Q_GINI_RAW Q_TOP_RAW Q_BOTH Q_RFM_ONLY Q_FIT; do
	r=$("$BIN/psql" -X -At -h 127.0.0.1 -p "$PORT" -U postgres -d dist -c "EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF) ${!name}" 2>&1 \
		| grep -m1 -E 'Tuple data received from nodes|ERROR' | sed 's/^ *//')
	printf '  %-14s %s\n' "$name" "$r"
done
echo "size of the worker_partial_agg states of Q_FIT (text form, all 32 shards):"
"$BIN/psql" -X -At -h 127.0.0.1 -p "$PORT" -U postgres -d dist -c "SELECT sum(length(result)) || ' characters, ' || count(*) || ' shards' FROM run_command_on_shards('clientele.transaction',
	\$\$SELECT pg_catalog.worker_partial_agg('clientele.bgnbd_fit(double precision,double precision,double precision)'::regprocedure, ROW((s).frequency::float8, (s).recency::float8, (s).t::float8))::text
	FROM (SELECT customer_id, clientele.rfm_summary(ts, amount::float8, '2025-12-31'::timestamptz, '7 days') AS s FROM %s WHERE customer_initiated AND kind = 'payment' GROUP BY customer_id) q\$\$)"
