# Shared shell functions for scripts/test.sh, scripts/demo.sh and scripts/bench.sh.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_MAJOR=${PG_MAJOR:-15}
PG_CONFIG=${PG_CONFIG:-pg_config}
export PG_CONFIG

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Install what the project needs from Debian's packages, only when missing.
ensure_deps() {
	local need=()
	command -v make >/dev/null || need+=(make)
	command -v gcc >/dev/null || need+=(gcc)
	[ -x "/usr/lib/postgresql/$PG_MAJOR/bin/postgres" ] || need+=("postgresql-$PG_MAJOR")
	# what the build needs: the server headers (pgxs.mk alone ships in the client package)
	[ -f "/usr/include/postgresql/$PG_MAJOR/server/postgres.h" ] \
		&& [ -f "/usr/lib/postgresql/$PG_MAJOR/lib/pgxs/src/makefiles/pgxs.mk" ] || need+=("postgresql-server-dev-$PG_MAJOR")
	[ -f "/usr/share/postgresql/$PG_MAJOR/extension/pgtap.control" ] || need+=("postgresql-$PG_MAJOR-pgtap")
	[ -f "/usr/share/postgresql/$PG_MAJOR/extension/pg_cron.control" ] || need+=("postgresql-$PG_MAJOR-cron")
	command -v pg_prove >/dev/null || need+=(libtap-parser-sourcehandler-pgtap-perl)
	# the reference values of the model predictions are checked against mpmath
	python3 -c 'import mpmath' 2>/dev/null || need+=(python3-mpmath)
	[ ${#need[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing packages: ${need[*]} (run as root, or install them)"
	log "installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq "${need[@]}" >/dev/null
}

# PostgreSQL binaries that belong to the pg_config in use.
pg_bindir() { "$PG_CONFIG" --bindir; }

# The OS user that owns throwaway clusters: the server refuses to run as root.
cluster_owner() {
	if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi
}

as_owner() {
	local owner; owner=$(cluster_owner)
	if [ "$(id -un)" = "$owner" ]; then "$@"; else runuser -u "$owner" -- "$@"; fi
}

# cluster_start DIR PORT [extra postgresql.conf lines...]
# Creates (if needed) and starts a cluster in DIR, unix socket in DIR/sock,
# listening on no TCP address.  Exports PGHOST, PGPORT, PGUSER.
cluster_start() {
	local dir=$1 port=$2; shift 2
	local owner bindir; owner=$(cluster_owner); bindir=$(pg_bindir)
	mkdir -p "$dir"
	# the cluster owner must be able to reach DIR; fall back to /tmp when it cannot
	if ! as_owner test -w "$dir" 2>/dev/null; then
		chown "$owner" "$dir" 2>/dev/null || true
	fi
	if ! as_owner test -w "$dir" 2>/dev/null; then
		dir=$(mktemp -d /tmp/clientele-cluster.XXXXXX); chown "$owner" "$dir"
		log "cluster owner $owner cannot write the project folder; using $dir"
	fi
	CLUSTER_DIR=$dir
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
			|| { cat "$dir/initdb.log"; die "initdb failed"; }
		as_owner mkdir -p "$dir/sock"
		{
			echo "listen_addresses = ''"
			echo "port = $port"
			echo "unix_socket_directories = '$dir/sock'"
			echo "fsync = off"
			echo "synchronous_commit = off"
			echo "full_page_writes = off"
			echo "shared_buffers = 1GB"
			echo "work_mem = 64MB"
			echo "maintenance_work_mem = 512MB"
			echo "max_wal_size = 8GB"
			echo "max_parallel_workers_per_gather = 2"
			echo "timezone = 'UTC'"
			for l in "$@"; do echo "$l"; done
		} | as_owner tee -a "$dir/data/postgresql.conf" >/dev/null
	fi
	if ! as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
			|| { tail -20 "$dir/server.log"; die "server did not start"; }
	fi
	export PGHOST="$dir/sock" PGPORT=$port PGUSER=postgres
}

cluster_stop() {
	local dir=$1
	[ -f "$dir/data/PG_VERSION" ] || return 0
	as_owner "$(pg_bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

cluster_remove() {
	cluster_stop "$1"
	rm -rf "$1"
}

build_install() {
	log "building and installing clientele"
	make -C "$ROOT" -s PG_CONFIG="$PG_CONFIG" >/dev/null
	make -C "$ROOT" -s PG_CONFIG="$PG_CONFIG" install >/dev/null
}

# Absolute path of the shared datasets folder, or empty when it is absent.
datasets_dir() {
	local d="$ROOT/../shared/datasets"
	if [ -d "$d" ]; then (cd "$d" && pwd); fi
}
