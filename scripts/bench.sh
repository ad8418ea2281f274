#!/usr/bin/env bash
# `make bench`: benchmarks, not part of CI.  Starts a throwaway cluster under
# tmp/bench (port CLIENTELE_BENCH_PORT, default 54321), and for each
# bench/*.sh (or only bench/$1.sh) creates a fresh database with the
# extension, exports PGHOST/PGPORT/PGUSER and BENCH_DB, and runs it.  Each
# script prints ratios against a baseline measured in the same run; pass
# BENCH_SCALE (e.g. 0.02) for a quick run at a fraction of the full size.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_deps
build_install || die "build failed"
BENCH_DIR=$ROOT/tmp/bench
PORT=${CLIENTELE_BENCH_PORT:-54321}
cluster_remove "$BENCH_DIR"
cluster_start "$BENCH_DIR" "$PORT" "shared_preload_libraries = 'pg_cron'" "cron.database_name = 'postgres'"
BENCH_DIR=$CLUSTER_DIR
trap 'cluster_remove "$BENCH_DIR"' EXIT
BIN=$(pg_bindir)
export BENCH_DB=clientele_bench BENCH_SCALE=${BENCH_SCALE:-1} PGOPTIONS="-c client_min_messages=warning"

if [ $# -gt 0 ]; then
	scripts=()
	for name in "$@"; do
		f=bench/${name%.sh}.sh
		[ -f "$f" ] || die "no benchmark $f"
		scripts+=("$f")
	done
else
	scripts=(bench/*.sh)
fi

rc=0
for b in "${scripts[@]}"; do
	[ -f "$b" ] || continue
	log "benchmark $b (BENCH_SCALE=$BENCH_SCALE)"
	"$BIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres \
		-c "DROP DATABASE IF EXISTS $BENCH_DB" -c "CREATE DATABASE $BENCH_DB" || die "createdb failed"
	"$BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$BENCH_DB" -c "CREATE EXTENSION clientele" || die "CREATE EXTENSION failed"
	PATH="$BIN:$PATH" bash "$b" || { echo "benchmark $b failed"; rc=1; }
done
exit $rc
