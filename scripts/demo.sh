#!/usr/bin/env bash
# `make demo`: install what is missing (apt), build, install, start a
# throwaway cluster under tmp/demo (owned by a non-root user), create the
# extension, generate a 100,000-customer demo bank, print the report
# (scripts/report/*.sql in name order) and how to connect with psql.
# `make demo-stop` (scripts/demo.sh stop) removes the cluster.
#
# Variables: CLIENTELE_DEMO_PORT (54320), CLIENTELE_DEMO_CUSTOMERS (100000),
# CLIENTELE_DEMO_SEED (42), CLIENTELE_DEMO_AS_OF (2025-12-31).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

DEMO_DIR=$ROOT/tmp/demo
DEMO_PORT=${CLIENTELE_DEMO_PORT:-54320}
DEMO_DB=clientele_demo
CUSTOMERS=${CLIENTELE_DEMO_CUSTOMERS:-100000}
SEED=${CLIENTELE_DEMO_SEED:-42}
AS_OF=${CLIENTELE_DEMO_AS_OF:-2025-12-31}
LOCATION_FILE=$ROOT/tmp/demo.location	# where the cluster really is (see cluster_start)

if [ "${1:-}" = stop ]; then
	dir=$DEMO_DIR
	[ -f "$LOCATION_FILE" ] && dir=$(cat "$LOCATION_FILE")
	cluster_remove "$dir"
	rm -f "$LOCATION_FILE"
	log "demo cluster removed"
	exit 0
fi
case "$CUSTOMERS" in ''|*[!0-9]*) die "CLIENTELE_DEMO_CUSTOMERS must be a positive integer";; esac
case "$SEED" in ''|*[!0-9-]*) die "CLIENTELE_DEMO_SEED must be an integer";; esac

ensure_deps
build_install || die "build failed"
mkdir -p "$ROOT/tmp"
cluster_start "$DEMO_DIR" "$DEMO_PORT" "shared_preload_libraries = 'pg_cron'" "cron.database_name = 'postgres'"
echo "$CLUSTER_DIR" >"$LOCATION_FILE"
BIN=$(pg_bindir)
export PGOPTIONS="-c client_min_messages=warning"
psqlq() { "$BIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

log "creating database $DEMO_DB with the clientele extension"
psqlq -d postgres -c "DROP DATABASE IF EXISTS $DEMO_DB" -c "CREATE DATABASE $DEMO_DB"
psqlq -d "$DEMO_DB" -c "CREATE EXTENSION clientele"

log "generating a demo bank of $CUSTOMERS customers (seed $SEED, as of $AS_OF)"
start=$(date +%s%N)
psqlq -d "$DEMO_DB" -v customers="$CUSTOMERS" -v seed="$SEED" -v as_of="$AS_OF" <<'SQL'
\pset footer off
SELECT table_name AS "table", to_char(row_count, 'FM999,999,999,999') AS "rows"
FROM clientele.generate_demo_bank(:customers, :seed, :'as_of');
SQL
ms=$(( ($(date +%s%N) - start) / 1000000 ))
log "generated in $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s"

log "refreshing the results as of $AS_OF and six months before (CALL clientele.refresh)"
start=$(date +%s%N)
for d in "$(date -d "$AS_OF -6 months" +%F)" "$AS_OF"; do
	PGOPTIONS="-c client_min_messages=notice" psqlq -d "$DEMO_DB" -c "CALL clientele.refresh('$d')" 2>&1 | sed -n 's/^NOTICE:  /  /p'
done
ms=$(( ($(date +%s%N) - start) / 1000000 ))
log "refreshed in $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s"

echo
echo "================================================================================"
echo " clientele $(psqlq -d "$DEMO_DB" -At -c "SELECT clientele.version()") demo report: $CUSTOMERS customers, seed $SEED, as of $AS_OF"
echo "================================================================================"
for f in scripts/report/*.sql; do
	[ -f "$f" ] || continue
	if ! "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -P footer=off -d "$DEMO_DB" -f "$f"; then
		echo "(section $(basename "$f") failed; see the error above)"
	fi
done

cat <<MSG

The demo bank is running. Connect with:

  psql -h $PGHOST -p $PGPORT -U postgres $DEMO_DB

e.g.  SELECT * FROM clientele.demo_truth LIMIT 5;
Stop and remove it with:  make demo-stop
MSG
