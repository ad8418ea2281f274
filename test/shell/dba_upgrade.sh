#!/usr/bin/env bash
# ALTER EXTENSION clientele UPDATE as a bank's DBA meets it: under 0.1.0 the
# bank built its own reporting views over the released API (the aggregates
# gini, top_share, avg_daily_balance, the input views).  The update must not
# need them dropped (it fails on "cannot drop function ... because other
# objects depend on it", and DROP ... CASCADE would lose them), they keep
# working with the same answers, 0.1.0's internal support functions are
# gone, and dropping the bank's views never takes the extension.  Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
DB=dba_upgrade
export PGOPTIONS="-c client_min_messages=warning"
q() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -d $DB -c "$1" 2>&1; }
cleanup() { "$BIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1; }
trap cleanup EXIT
cleanup
"$BIN/psql" -X -q -d postgres -c "CREATE DATABASE $DB" >/dev/null
ok "$(q "CREATE EXTENSION clientele VERSION '0.1.0'")" "" "0.1.0 installs"
q "CREATE SCHEMA bi;
	CREATE VIEW bi.concentration AS
		SELECT round(clientele.gini(x::float8)::numeric, 6) AS gini, round(clientele.top_share(x::float8, 0.2)::numeric, 6) AS top20
		FROM generate_series(1, 50) x;
	CREATE VIEW bi.daily_balance AS
		SELECT clientele.avg_daily_balance(d::date, (100 + extract(day FROM d))::numeric, '2025-01-01'::date, '2025-01-31'::date) AS adb
		FROM generate_series('2025-01-01'::date, '2025-01-20'::date, '1 day') d;
	CREATE VIEW bi.customers AS SELECT customer_id, region FROM clientele.in_customer;
	CREATE FUNCTION bi.share_of_top(f float8) RETURNS float8 LANGUAGE sql STABLE
		BEGIN ATOMIC SELECT clientele.top_share(x::float8, f) FROM generate_series(1, 50) x; END" >/dev/null
before=$(q "SELECT (SELECT gini || ' ' || top20 FROM bi.concentration) || ' ' || (SELECT adb FROM bi.daily_balance) || ' ' || round(bi.share_of_top(0.1)::numeric, 6)")
out=$(q "ALTER EXTENSION clientele UPDATE")
ok "$out" "" "ALTER EXTENSION clientele UPDATE succeeds with the bank's views and functions over the 0.1.0 aggregates"
ok "$(q "SELECT extversion FROM pg_extension WHERE extname = 'clientele'")" "$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$(dirname "$0")/../../clientele.control")" \
	"the extension is at the current version"
ok "$(q "SELECT (SELECT gini || ' ' || top20 FROM bi.concentration) || ' ' || (SELECT adb FROM bi.daily_balance) || ' ' || round(bi.share_of_top(0.1)::numeric, 6)")" "$before" \
	"the bank's views and function give the same answers after the update"
ok "$(q "SELECT string_agg(format_type(a.aggtranstype, NULL), ',' ORDER BY p.proname) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
	WHERE p.pronamespace = 'clientele'::regnamespace AND p.proname IN ('avg_daily_balance', 'gini', 'top_share')")" \
	"clientele.adb_state,clientele.gini_state,clientele.top_share_state" "the aggregates now have their portable state types"
ok "$(q "SELECT count(*) FROM pg_proc p WHERE p.pronamespace = 'clientele'::regnamespace AND 'internal'::regtype = ANY (p.proargtypes)
	AND p.proname IN ('adb_trans', 'adb_combine', 'adb_serial', 'adb_deserial', 'adb_final', 'gini_trans', 'top_share_trans',
	                  'conc_combine', 'conc_serial', 'conc_deserial', 'gini_final', 'top_share_final')")" "0" \
	"0.1.0's internal-state support functions are gone"
ok "$(q "SELECT count(*) > 0 FROM bi.customers")$(q "SELECT count(*) FROM clientele.generate_demo_bank(50, 3)" >/dev/null; q "SELECT count(*) FROM bi.customers")" "f50" \
	"a view over an input view keeps reading it"
ok "$(q "DROP SCHEMA bi CASCADE")$(q "SELECT count(*) FROM pg_extension WHERE extname = 'clientele'")" "1" \
	"DROP SCHEMA ... CASCADE of the bank's views leaves the extension"
echo "1..$n"
exit $failed
