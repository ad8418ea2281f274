#!/usr/bin/env bash
# The shared library exports only clientele_-prefixed symbols, plus what
# PostgreSQL itself looks up (_PG_init, Pg_magic_func) and the fmgr symbols
# the frozen 0.1.0 install script names (a 0.1.0 install loads this library
# before ALTER EXTENSION clientele UPDATE).  The 0.2.0 SQL names prefixed
# symbols only, and every symbol either script names is exported.  Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
LIB=$("${PG_CONFIG:-pg_config}" --pkglibdir)/clientele.so

if ! command -v nm >/dev/null; then
	echo "ok 1 # SKIP nm (binutils) is not installed: the exported symbols cannot be listed"
	echo "1..1"; exit 0
fi
exported=$(nm -D --defined-only "$LIB" | awk '{print $3}' | sort -u)
legacy=$(grep -o "'MODULE_PATHNAME', '[A-Za-z_0-9]*'" sql/clientele--0.1.0.sql | grep -o "'[A-Za-z_0-9]*'$" | tr -d "'" | sort -u)
named=$("$BIN/psql" -X -q -At -d clientele_template -c "SELECT DISTINCT prosrc FROM pg_proc WHERE probin = '\$libdir/clientele' ORDER BY 1")

ok "$([ -n "$exported" ] && [ -n "$legacy" ] && [ -n "$named" ] && echo listed)" "listed" "the library's exports, the 0.1.0 symbols and the 0.2.0 symbols are listed"
allowed=$( { printf '%s\n' _PG_init Pg_magic_func; printf '%s\n' $legacy; printf 'pg_finfo_%s\n' $legacy; } | sort -u)
stray=$(comm -23 <(printf '%s\n' "$exported" | grep -v '^clientele_' | grep -v '^pg_finfo_clientele_') <(printf '%s\n' "$allowed") | tr '\n' ' ')
ok "$stray" "" "every exported symbol is prefixed clientele_ (or _PG_init, Pg_magic_func, a 0.1.0 fmgr symbol)"
ok "$(printf '%s\n' "$exported" | grep -c '^cl_')" "0" "internal helpers (cl_*) are not exported"
ok "$(printf '%s\n' "$named" | grep -v '^clientele_' | tr '\n' ' ')" "" "the 0.2.0 SQL names clientele_ symbols only"
missing=$(for s in $legacy $named; do printf '%s\npg_finfo_%s\n' "$s" "$s"; done | sort -u | comm -23 - <(printf '%s\n' "$exported") | tr '\n' ' ')
ok "$missing" "" "every symbol the 0.1.0 or 0.2.0 SQL names is exported, with its info function"
echo "1..$n"
exit $failed
