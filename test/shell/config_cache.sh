#!/usr/bin/env bash
# config cache (src/common/config_cache.c): an invalidation that arrives while
# a backend is compiling a configuration table must not be lost.  Session B
# starts compiling the tier schemes and blocks on a lock that session A holds
# on clientele.tier_band; A commits an edit and releases the lock, so B
# receives A's invalidation in the middle of its build.  B's next statement
# must see A's edit (before the fix B kept the copy it was building, marked
# valid, until some other change).  Sessions A and B are dblink connections
# driven from one psql session.  Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
q() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1; }

db=config_cache_sh
q postgres "DROP DATABASE IF EXISTS $db" >/dev/null
q postgres "CREATE DATABASE $db TEMPLATE clientele_template" >/dev/null
q "$db" "BEGIN;
	INSERT INTO clientele.tier_scheme (scheme, basis, description, source) VALUES ('cc', 'balance', 'copy of deposit_class_abc', 'test');
	INSERT INTO clientele.tier_version (scheme, version, valid_from) VALUES ('cc', 1, '2012-02-29');
	INSERT INTO clientele.tier_band (scheme, version, rank, label, lower_bound, lower_inclusive, upper_bound, upper_inclusive)
	SELECT 'cc', 1, rank, label, lower_bound, lower_inclusive, upper_bound, upper_inclusive
	FROM clientele.tier_band WHERE scheme = 'deposit_class_abc';
	COMMIT;" >/dev/null

conn="host=$PGHOST port=$PGPORT user=${PGUSER:-postgres} dbname=$db"
out=$("$BIN/psql" -X -q -At -F '|' -v ON_ERROR_STOP=1 -d "$db" 2>&1 <<SQL
\o /dev/null
SELECT dblink_connect('a', '$conn'), dblink_connect('b', '$conn');
\o
SELECT 'b_warm', (SELECT r FROM dblink('b', \$\$SELECT clientele.tier_of('cc', 15000)\$\$) AS t(r text)), 'B';
SELECT pid AS b_pid FROM dblink('b', 'SELECT pg_backend_pid()') AS t(pid int) \gset
\o /dev/null
SELECT set_config('cc.b_pid', :'b_pid', false);
\o
-- A commits a first edit: B's compiled copy is now out of date and B rebuilds it in its next statement
SELECT 'a_edit_1', dblink_exec('a', \$\$UPDATE clientele.tier_band SET label = 'B1' WHERE scheme = 'cc' AND label = 'B'\$\$), 'UPDATE 1';
-- A locks tier_band; B's rebuild blocks on that lock in the middle of reading the tier tables
SELECT 'a_lock', dblink_exec('a', 'BEGIN; LOCK TABLE clientele.tier_band IN ACCESS EXCLUSIVE MODE'), 'LOCK TABLE';
SELECT 'b_sent', dblink_send_query('b', \$\$SELECT clientele.tier_of('cc', 15000)\$\$), '1';
DO \$\$
BEGIN
	FOR i IN 1 .. 600 LOOP
		PERFORM pg_stat_clear_snapshot();
		IF EXISTS (SELECT FROM pg_stat_activity WHERE pid = current_setting('cc.b_pid')::int AND wait_event_type = 'Lock') THEN
			RETURN;
		END IF;
		PERFORM pg_sleep(0.05);
	END LOOP;
	RAISE EXCEPTION 'session B never waited for the lock on tier_band';
END \$\$;
SELECT 'b_waits_in_build', (SELECT wait_event_type FROM pg_stat_activity WHERE pid = :b_pid), 'Lock';
-- A's second edit commits while B is building: its invalidation reaches B when B gets the lock
SELECT 'a_edit_2', dblink_exec('a', \$\$UPDATE clientele.tier_band SET label = 'B2' WHERE scheme = 'cc' AND label = 'B1'\$\$), 'UPDATE 1';
SELECT 'a_commit', dblink_exec('a', 'COMMIT'), 'COMMIT';
SELECT 'b_during_build', (SELECT r FROM dblink_get_result('b') AS t(r text)), 'B1';
SELECT 'b_drained', (SELECT count(*) FROM dblink_get_result('b') AS t(r text)), '0';
SELECT 'b_next_statement', (SELECT r FROM dblink('b', \$\$SELECT clientele.tier_of('cc', 15000)\$\$) AS t(r text)), 'B2';
SELECT 'b_stays_current', (SELECT r FROM dblink('b', \$\$SELECT clientele.tier_of('cc', 15000)\$\$) AS t(r text)), 'B2';
-- the same for the RFM segment rules and the value settings (one cache each)
SELECT 'b_rfm_warm', (SELECT r FROM dblink('b', \$\$SELECT clientele.rfm_segment('rf_grid', 5, 5, 5)\$\$) AS t(r text)), 'Champions';
SELECT 'b_value_warm', (SELECT r FROM dblink('b', \$\$SELECT clientele.value_setting('day_count_basis')::text\$\$) AS t(r text)), '365';
SELECT 'a_value_edit', dblink_exec('a', \$\$INSERT INTO clientele.value_param (name, value) VALUES ('day_count_basis', 360)\$\$), 'INSERT 0 1';
SELECT 'b_value_next_statement', (SELECT r FROM dblink('b', \$\$SELECT clientele.value_setting('day_count_basis')::text\$\$) AS t(r text)), '360';
SQL
)
rc=$?
while IFS= read -r line; do
	[ -n "$line" ] || continue
	case "$line" in
		[a-z]*'|'*'|'*) IFS='|' read -r name got want <<<"$line"; ok "$got" "$want" "two sessions: $name";;
		*) ok "$line" "" "no other output";;
	esac
done <<<"$out"
ok "$rc" "0" "the two-session script ran to the end"

q postgres "DROP DATABASE IF EXISTS $db" >/dev/null
echo "1..$n"
exit $failed
