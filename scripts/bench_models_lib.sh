# Shared setup of the model benchmarks (bench/models.sh, bench/pareto_sbg.sh),
# sourced, not run: DB, SCALE, N (1,000,000 customers x BENCH_SCALE), PSQL, and
# timeit / ratio / rate.
# shellcheck shell=bash
DB=${BENCH_DB:?BENCH_DB must name a database with the clientele extension}
SCALE=${BENCH_SCALE:-1}
N=$(awk -v s="$SCALE" 'BEGIN { n = int(1000000 * s); if (n < 1000) n = 1000; print n }')
PSQL=(psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB")
# serial plans for both sides of every ratio (set BENCH_PARALLEL=1 to let the
# planner choose): parallel timings on a small shared machine are noise
[ -n "${BENCH_PARALLEL:-}" ] || export PGOPTIONS="${PGOPTIONS:-} -c max_parallel_workers_per_gather=0"
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"

now() { date +%s.%N; }
# run SQL, print elapsed seconds (best of $2 runs, default 3)
timeit() {
	local best="" i t0 t1 e
	for ((i = 0; i < ${2:-3}; i++)); do
		t0=$(now); "${PSQL[@]}" -c "$1" >/dev/null; t1=$(now)
		e=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
		if [ -z "$best" ] || awk -v e="$e" -v b="$best" 'BEGIN { exit !(e < b) }'; then best=$e; fi
	done
	echo "$best"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
