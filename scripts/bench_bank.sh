# Shared set-up of the benchmarks that run on a demo bank (bench/churn.sh,
# bench/floor.sh, bench/lifecycle.sh, bench/refresh.sh), sourced, not run (it
# lives here because scripts/bench.sh runs every bench/*.sh):
#   DB     BENCH_DB (required)        SCALE  BENCH_SCALE (default 1)
#   REPS   BENCH_REPS (default 3)     PSQL   the psql to use (default: psql on PATH)
#   q ARGS...            psql -X -q -At -v ON_ERROR_STOP=1 on DB
#   bench_customers MIN [HALF]
#                        prints 1,000,000 x SCALE customers, at least MIN,
#                        rounded to the nearest (HALF 0.5, the default) or
#                        truncated (HALF 0)
#   bench_bank N [TABLE...]
#                        puts the demo bank of N customers (seed 42, as of
#                        2025-12-31) into DB: generate_demo_bank(N, 42,
#                        replace => true), then VACUUM ANALYZE of the named
#                        clientele tables (none: the whole database).  With
#                        BENCH_KEEP=1 a bank that already has N customers is
#                        kept as it is (no generation, no vacuum).
# shellcheck shell=bash
DB=${BENCH_DB:?BENCH_DB must name a database with the clientele extension}
SCALE=${BENCH_SCALE:-1}
REPS=${BENCH_REPS:-3}
PSQL=${PSQL:-psql}
q() { "$PSQL" -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

bench_customers() {
	awk -v s="$SCALE" -v min="$1" -v half="${2:-0.5}" 'BEGIN { n = int(1000000 * s + half); if (n < min) n = min; print n }'
}

bench_bank() {
	local n=$1 t tables=""; shift
	if [ "${BENCH_KEEP:-0}" = 1 ] && [ "$(q -c "SELECT count(*) FROM clientele.customer")" = "$n" ]; then
		return 0
	fi
	for t in "$@"; do tables="${tables:+$tables, }clientele.$t"; done
	q -c "SET client_min_messages = warning" \
		-c "SELECT count(*) FROM clientele.generate_demo_bank($n, 42, replace => true)" >/dev/null
	q -c "VACUUM ANALYZE $tables" >/dev/null
}
