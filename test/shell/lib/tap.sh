# TAP helpers of the shell tests (test/shell/*.sh), sourced, not run
# (scripts/test.sh runs test/shell/*.sh, not this folder):
#   BIN        the bindir of PG_CONFIG (default: the pg_config on PATH)
#   n, failed  tests so far, and 1 once one failed (end a test with `exit $failed`)
#   ok GOT WANT DESCRIPTION        passes when GOT = WANT
#   like GOT PATTERN DESCRIPTION   passes when GOT contains PATTERN (a glob)
# shellcheck shell=bash
BIN=$("${PG_CONFIG:-pg_config}" --bindir)
n=0; failed=0
ok() { n=$((n+1)); if [ "$1" = "$2" ]; then echo "ok $n - $3"; else failed=1; echo "not ok $n - $3"; echo "#   got '$1', want '$2'"; fi; }
like() { n=$((n+1)); case "$1" in *$2*) echo "ok $n - $3";; *) failed=1; echo "not ok $n - $3"; echo "#   got '$1', want *$2*";; esac; }
