#!/usr/bin/env bash
# Every model fit can be cancelled, including the first thing a session runs:
# the core's interrupt and allocator hooks are installed when the library is
# loaded (_PG_init), not by the first BG/NBD / Pareto/NBD fit of a session.
# A large sBG fit (about 10 s) in a fresh session under statement_timeout
# must stop with 57014 within the timeout.  And (fit(...)).* versus the
# sub-select form of the docs.  Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
q() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1; }

db=fit_cancel_sh
q postgres "DROP DATABASE IF EXISTS $db" >/dev/null
q postgres "CREATE DATABASE $db TEMPLATE clientele_template" >/dev/null
# the survivor curve is built first, so the timeout can only hit the fit itself
q "$db" "CREATE TABLE curve AS SELECT array_agg(1000000000 - i ORDER BY i) AS survivors FROM generate_series(0, 100000) i" >/dev/null

# a fresh session whose first statement is an sBG fit
start=$(date +%s%N)
out=$("$BIN/psql" -X -q -At -d "$db" -v VERBOSITY=terse \
	-c "SET statement_timeout = '150ms'" \
	-c "SELECT (clientele.sbg_fit(survivors)).alpha FROM curve" 2>&1)
ms=$(( ($(date +%s%N) - start) / 1000000 ))
ok "$out" "ERROR:  canceling statement due to statement timeout" "sbg_fit as the first fit of a session is cancelled by statement_timeout"
ok "$([ "$ms" -lt 2500 ] && echo fast || echo "slow: $ms ms")" "fast" "... promptly (the fit polls for interrupts)"

# a fit that is not cancelled still works in a fresh session
ok "$(q "$db" "SELECT round((clientele.sbg_fit('{1000,631,468,382,326,289,262,241}'::bigint[])).alpha::numeric, 3)")" "0.704" \
	"an sBG fit in a fresh session gives the published estimate"

# (sbg_fit(...)).* runs the function once per result column (8); the forms of
# the docs (FROM-clause call, sub-select) once.  The warning of a fit that
# does not converge (here: nobody churns) says so and shows the fix.
per_column=$("$BIN/psql" -X -q -At -d "$db" -c "SELECT (clientele.sbg_fit('{100,100,100,100}'::bigint[])).*" 2>&1 >/dev/null)
ok "$(grep -c '^WARNING:  sbg_fit did not converge' <<<"$per_column")" "8" "(sbg_fit(...)).* fits once per result column (8 warnings)"
ok "$(grep -c '^HINT:.*fit once in a sub-select, SELECT (f).\* FROM (SELECT sbg_fit(...) AS f FROM ...) s, not (sbg_fit(...)).\*.$' <<<"$per_column")" "8" \
	"the warning's hint says how to fit once"
once=$("$BIN/psql" -X -q -At -d "$db" -c "SELECT (f).* FROM clientele.sbg_fit('{100,100,100,100}'::bigint[]) f" 2>&1 >/dev/null)
ok "$(grep -c '^WARNING:  sbg_fit did not converge' <<<"$once")" "1" "the FROM-clause form of the docs fits once"
once=$("$BIN/psql" -X -q -At -d "$db" -c "SELECT (f).* FROM (SELECT clientele.bgnbd_fit(0, 0, 10 + i % 30) AS f FROM generate_series(1, 200) i) s" 2>&1 >/dev/null)
ok "$(grep -c '^WARNING:  bgnbd_fit did not converge' <<<"$once")" "1" "the sub-select form of the docs fits once"

q postgres "DROP DATABASE IF EXISTS $db" >/dev/null
echo "1..$n"
exit $failed
