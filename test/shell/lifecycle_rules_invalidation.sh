#!/usr/bin/env bash
# lifecycle rules and signal settings: an edit committed in one session is
# seen by the next statement of another, already running session (whose
# compiled copy of clientele.lifecycle_rules is cached); an uncommitted or
# rejected edit is not.  Session B is a dblink connection that stays open
# while this psql session (A) edits.  Then the bank's rule sets, settings and
# stage history survive pg_dump / restore without duplicating shipped rows.
# Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
q() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1; }

db=lifecycle_sh
for d in $db ${db}_restored; do q postgres "DROP DATABASE IF EXISTS $d" >/dev/null; done
q postgres "CREATE DATABASE $db TEMPLATE clientele_template" >/dev/null
# one customer whose last activity was four months before 2025-06-30
q "$db" "SET timezone = 'UTC';
	INSERT INTO clientele.customer (customer_id, opened_on) VALUES (1, '2020-01-01');
	INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on) VALUES (1, 1, 'savings', '2020-01-01');
	INSERT INTO clientele.balance VALUES (1, '2025-06-30', 100);
	INSERT INTO clientele.transaction (txn_id, customer_id, ts, amount, direction, channel, kind)
	VALUES (1, 1, '2025-02-28 12:00', 10, 'in', 'mobile', 'deposit');
	INSERT INTO clientele.lifecycle_rules (rules, description, dormant_inactive_months, reactivation_recent_months)
	VALUES ('bank', 'test', 6, 3);" >/dev/null

stage="SELECT stage || ' / ' || rule FROM clientele.lifecycle('2025-06-30', 'bank')"
inuse="SELECT stage::text FROM clientele.lifecycle('2025-06-30')"
sig="SELECT count(*)::text FROM clientele.churn_signals('2025-06-30') WHERE signal = 'single_product'"
score="SELECT score::text FROM clientele.churn_scores('2025-06-30')"
out=$("$BIN/psql" -X -q -At -F '|' -d "$db" 2>&1 <<SQL
\set VERBOSITY terse
\o /dev/null
SELECT dblink_connect('b', 'host=$PGHOST port=$PGPORT user=${PGUSER:-postgres} dbname=$db');
SELECT dblink_exec('b', \$b\$CREATE FUNCTION pg_temp.try(p_sql text) RETURNS text LANGUAGE plpgsql AS \$f\$
	DECLARE r text;
	BEGIN EXECUTE p_sql INTO r; RETURN coalesce(r, 'NULL');
	EXCEPTION WHEN OTHERS THEN RETURN 'ERROR: ' || SQLERRM; END \$f\$\$b\$);
SELECT dblink_exec('b', 'SET timezone = ''UTC''');
\o
CREATE FUNCTION pg_temp.b(p_sql text) RETURNS text LANGUAGE sql AS
	\$\$ SELECT r FROM dblink('b', format('SELECT pg_temp.try(%L)', p_sql)) AS t(r text) \$\$;
SELECT 'warm', pg_temp.b(\$\$$stage\$\$), 'mature / none of the other rules';
SELECT 'pid', pg_temp.b('SELECT pg_backend_pid()::text') <> pg_backend_pid()::text, 't';
UPDATE clientele.lifecycle_rules SET dormant_inactive_months = 3, reactivation_recent_months = 2 WHERE rules = 'bank';
SELECT 'committed', pg_temp.b(\$\$$stage\$\$), 'dormant / no activity for 3 months';
BEGIN;
UPDATE clientele.lifecycle_rules SET dormant_inactive_months = 5 WHERE rules = 'bank';
SELECT 'own_uncommitted', (SELECT stage || ' / ' || rule FROM clientele.lifecycle('2025-06-30', 'bank')), 'mature / none of the other rules';
SELECT 'other_uncommitted', pg_temp.b(\$\$$stage\$\$), 'dormant / no activity for 3 months';
ROLLBACK;
SELECT 'rolled_back', pg_temp.b(\$\$$stage\$\$), 'dormant / no activity for 3 months';
SELECT 'in_use_before', pg_temp.b(\$\$$inuse\$\$), 'mature';
UPDATE clientele.lifecycle_rules SET in_use = true WHERE rules = 'bank';
SELECT 'in_use_after', pg_temp.b(\$\$$inuse\$\$), 'dormant';
UPDATE clientele.lifecycle_rules SET churn_inactive_months = 3 WHERE rules = 'bank';
SELECT 'rejected_not_seen', pg_temp.b(\$\$$stage\$\$), 'dormant / no activity for 3 months';
DELETE FROM clientele.lifecycle_rules WHERE rules = 'bank';
SELECT 'deleted', pg_temp.b(\$\$$inuse\$\$), 'mature';
SELECT 'deleted_named', pg_temp.b(\$\$$stage\$\$), 'ERROR: unknown lifecycle rule set "bank"';
SELECT 'signal_before', pg_temp.b(\$\$$sig\$\$), '1';
INSERT INTO clientele.churn_signal_setting (code, enabled) VALUES ('single_product', false);
SELECT 'signal_disabled', pg_temp.b(\$\$$sig\$\$), '0';
SELECT 'score_before', pg_temp.b(\$\$$score\$\$), '0.00';
UPDATE clientele.churn_signal_setting SET enabled = NULL, points = 40 WHERE code = 'single_product';
SELECT 'signal_points', pg_temp.b(\$\$$score\$\$), '55.07';
SQL
)
while IFS='|' read -r name got want; do
	[ -n "$name" ] || continue
	case "$name" in ERROR:*) continue;; esac
	ok "$got" "$want" "two sessions: $name"
done <<<"$out"
ok "$(printf '%s\n' "$out" | grep '^ERROR:')" \
	'ERROR:  rule set "bank": the dormancy window (3 months) must be shorter than the churn window (3 months)' \
	"session A: the contradictory edit is rejected, naming the rule set (and nothing else fails)"

# the bank's configuration and history survive pg_dump / restore
q "$db" "INSERT INTO clientele.lifecycle_rules (rules, description, new_days, in_use) VALUES ('bank2', 'test', 60, true);
	UPDATE clientele.lifecycle_rules SET dormant_inactive_months = 3, reactivation_recent_months = 2 WHERE rules = 'bank2';
	SELECT clientele.record_lifecycle('2025-04-30'); SELECT clientele.record_lifecycle('2025-06-30');" >/dev/null
q postgres "CREATE DATABASE ${db}_restored" >/dev/null
"$BIN/pg_dump" -d "$db" 2>/dev/null | "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "${db}_restored" >/dev/null 2>/tmp/lifecycle_restore.$$
ok "$?" "0" "pg_dump output with bank rule sets, settings and history restores without error"
sed 's/^/#   /' /tmp/lifecycle_restore.$$ | head -5; rm -f /tmp/lifecycle_restore.$$
ok "$(q "${db}_restored" "SELECT string_agg(rules || ':' || in_use || ':' || builtin, ',' ORDER BY rules) FROM clientele.lifecycle_rules")" \
	"bank2:true:false,standard:false:true" "rule sets restored once each, the bank's still in use"
ok "$(q "${db}_restored" "SELECT count(*) FROM clientele.churn_signal")" "11" "signal definitions not duplicated"
ok "$(q "${db}_restored" "SELECT code || ':' || coalesce(enabled::text, 'default') || ':' || points FROM clientele.churn_signal_setting")" "single_product:default:40" "signal settings restored"
ok "$(q "${db}_restored" "SELECT string_agg(from_stage || '>' || to_stage || ':' || customers, ',') FROM clientele.lifecycle_transitions('2025-04-30', '2025-06-30')")" \
	"mature>dormant:1" "stage history restored (transitions between the recorded dates)"

for d in $db ${db}_restored; do q postgres "DROP DATABASE IF EXISTS $d" >/dev/null; done
echo "1..$n"
exit $failed
