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
	# logistic_fit is checked against statsmodels' Logit (test/shell/logistic_statsmodels.sh)
	python3 -c 'import statsmodels' 2>/dev/null || /usr/bin/python3 -c 'import statsmodels' 2>/dev/null \
		|| need+=(python3-statsmodels)
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
# The server is started with the environment assignments in CLUSTER_ENV
# (an array, e.g. the sanitizer runtime of a SANITIZE=1 build).
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
			# pg_cron (when preloaded) reaches the server through the socket
			echo "cron.host = '$dir/sock'"
			for l in "$@"; do echo "$l"; done
		} | as_owner tee -a "$dir/data/postgresql.conf" >/dev/null
	fi
	if ! as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		as_owner env ${CLUSTER_ENV[@]+"${CLUSTER_ENV[@]}"} "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
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

# Absolute path of the shared datasets folder, or empty when it is absent
# (CLIENTELE_DATASETS_DIR overrides ../shared/datasets, e.g. to test without).
datasets_dir() {
	local d="${CLIENTELE_DATASETS_DIR:-$ROOT/../shared/datasets}"
	if [ -d "$d" ]; then (cd "$d" && pwd); fi
}

# Running under CI (CI=true, as CI services set it)?
is_ci() { case "${CI:-}" in ""|false|0|no) return 1;; *) return 0;; esac; }

# SANITIZE=1: the sanitizer runtimes of the compiler the extension is built
# with (gcc: libasan, libubsan, shipped with libgcc-<n>-dev) must exist; the
# server preloads them.  Sets CLUSTER_ENV for cluster_start.
sanitizer_env() {
	local cc asan ubsan
	cc=$("$PG_CONFIG" --cc | awk '{print $1}')
	asan=$("$cc" -print-file-name=libasan.so 2>/dev/null)
	ubsan=$("$cc" -print-file-name=libubsan.so 2>/dev/null)
	if [ ! -f "$asan" ] || [ ! -f "$ubsan" ]; then
		[ "$(id -u)" -eq 0 ] || die "SANITIZE=1 needs the sanitizer runtimes of $cc (libasan, libubsan)"
		log "installing the sanitizer runtimes"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >/dev/null
		apt-get install -y -qq "libgcc-$("$cc" -dumpversion | cut -d. -f1)-dev" >/dev/null
		asan=$("$cc" -print-file-name=libasan.so); ubsan=$("$cc" -print-file-name=libubsan.so)
		[ -f "$asan" ] && [ -f "$ubsan" ] || die "no libasan/libubsan for $cc"
	fi
	asan=$(readlink -f "$asan"); ubsan=$(readlink -f "$ubsan")
	# initialises ASan before the first bindtextdomain() (see the file)
	mkdir -p "$ROOT/tmp"
	"$cc" -shared -fPIC -O2 -Wall -Werror -o "$ROOT/tmp/asan_early_init.so" "$ROOT/test/sanitize/asan_early_init.c" -ldl \
		|| die "building test/sanitize/asan_early_init.c failed"
	chmod 755 "$ROOT/tmp/asan_early_init.so"
	# postgres leaks by design (memory contexts, exit-time frees skipped): no leak check.
	# abort_on_error: a report kills the backend (the log names it, the test fails).
	CLUSTER_ENV=("LD_PRELOAD=$asan $ROOT/tmp/asan_early_init.so $ubsan"
		"ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:print_stacktrace=1:detect_stack_use_after_return=0:handle_segv=1:allow_user_segv_handler=1"
		"UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
}

# The fuzz targets need clang with libFuzzer and the sanitizer runtimes
# (Debian: clang and libclang-rt-<version>-dev); installed when missing.
fuzz_ready() {
	printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void) d; (void) n; return 0; }\n' \
		| clang -x c -fsanitize=fuzzer,address,undefined -o /dev/null - >/dev/null 2>&1
}
ensure_fuzz_deps() {
	command -v clang >/dev/null && fuzz_ready && return 0
	[ "$(id -u)" -eq 0 ] || die "the fuzz targets need clang with libFuzzer (apt-get install clang libclang-rt-dev)"
	log "installing clang and its libFuzzer runtime"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq clang >/dev/null
	local v; v=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -1)
	apt-get install -y -qq "libclang-rt-$v-dev" >/dev/null 2>&1 || apt-get install -y -qq libclang-rt-dev >/dev/null
	fuzz_ready || die "clang cannot build libFuzzer targets"
}
