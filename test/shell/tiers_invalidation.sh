#!/usr/bin/env bash
# tiers: a scheme edit committed in one session takes effect in the next
# statement of another, already running session (whose compiled copy of the
# tier tables is cached); an uncommitted or rejected edit does not.  Session
# B is a dblink connection that stays open while this psql session (A)
# edits.  Then a bank-defined scheme survives pg_dump / restore.  Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
q() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1; }

db=tiers_sh
for d in $db ${db}_restored; do q postgres "DROP DATABASE IF EXISTS $d" >/dev/null; done
q postgres "CREATE DATABASE $db TEMPLATE clientele_template" >/dev/null
# a bank-owned copy of deposit_class_abc to edit (shipped rows are read-only)
q "$db" "BEGIN;
	INSERT INTO clientele.tier_scheme (scheme, basis, description, source) VALUES ('bank_abc', 'balance', 'copy of deposit_class_abc', 'test');
	INSERT INTO clientele.tier_version (scheme, version, valid_from) VALUES ('bank_abc', 1, '2012-02-29');
	INSERT INTO clientele.tier_band (scheme, version, rank, label, lower_bound, lower_inclusive, upper_bound, upper_inclusive)
	SELECT 'bank_abc', 1, rank, label, lower_bound, lower_inclusive, upper_bound, upper_inclusive
	FROM clientele.tier_band WHERE scheme = 'deposit_class_abc';
	COMMIT;" >/dev/null

# one psql session (A) drives; every "B:" line is a statement of session B
out=$("$BIN/psql" -X -q -At -F '|' -d "$db" 2>&1 <<SQL
\set VERBOSITY terse
\o /dev/null
SELECT dblink_connect('b', 'host=$PGHOST port=$PGPORT user=${PGUSER:-postgres} dbname=$db');
-- in B: run a statement, returning its value or its error message
SELECT dblink_exec('b', \$b\$CREATE FUNCTION pg_temp.try(p_sql text) RETURNS text LANGUAGE plpgsql AS \$f\$
	DECLARE r text;
	BEGIN EXECUTE p_sql INTO r; RETURN coalesce(r, 'NULL');
	EXCEPTION WHEN OTHERS THEN RETURN 'ERROR: ' || SQLERRM; END \$f\$\$b\$);
\o
-- commit B's open transaction: 'COMMIT' or B's error
CREATE FUNCTION pg_temp.b_commit() RETURNS text LANGUAGE plpgsql AS \$\$
BEGIN
	RETURN dblink_exec('b', 'COMMIT');
EXCEPTION WHEN OTHERS THEN
	PERFORM dblink_exec('b', 'ROLLBACK');
	RETURN 'ERROR: ' || SQLERRM;
END \$\$;
CREATE FUNCTION pg_temp.b(p_sql text) RETURNS text LANGUAGE sql AS
	\$\$ SELECT r FROM dblink('b', format('SELECT pg_temp.try(%L)', p_sql)) AS t(r text) \$\$;
SELECT 'warm', pg_temp.b(\$\$SELECT clientele.tier_of('bank_abc', 15000)\$\$), 'B';
SELECT 'pid', pg_temp.b('SELECT pg_backend_pid()::text') <> pg_backend_pid()::text, 't';
UPDATE clientele.tier_band SET label = 'B-mid' WHERE scheme = 'bank_abc' AND label = 'B';
SELECT 'committed', pg_temp.b(\$\$SELECT clientele.tier_of('bank_abc', 15000)\$\$), 'B-mid';
BEGIN;
UPDATE clientele.tier_band SET label = 'B2' WHERE scheme = 'bank_abc' AND label = 'B-mid';
SELECT 'own_uncommitted', clientele.tier_of('bank_abc', 15000), 'B2';
SELECT 'other_uncommitted', pg_temp.b(\$\$SELECT clientele.tier_of('bank_abc', 15000)\$\$), 'B-mid';
COMMIT;
SELECT 'after_commit', pg_temp.b(\$\$SELECT clientele.tier_of('bank_abc', 15000)\$\$), 'B2';
UPDATE clientele.tier_band SET upper_bound = 300000 WHERE scheme = 'bank_abc' AND label = 'B2';
SELECT 'rejected_edit_not_seen', pg_temp.b(\$\$SELECT clientele.tier_of('bank_abc', 250000)\$\$), 'A';
SELECT 'rejected_not_stored', (SELECT upper_bound FROM clientele.tier_band WHERE scheme = 'bank_abc' AND label = 'B2'), '200000';
BEGIN;
UPDATE clientele.tier_band SET upper_bound = 300000 WHERE scheme = 'bank_abc' AND label = 'B2';
UPDATE clientele.tier_band SET lower_bound = 300000 WHERE scheme = 'bank_abc' AND label = 'A';
COMMIT;
SELECT 'moved_bound', pg_temp.b(\$\$SELECT clientele.tier_of('bank_abc', 250000)\$\$), 'B2';
INSERT INTO clientele.tier_band (scheme, version, region, rank, label, lower_bound, upper_bound) VALUES
	('deposit_class_abc', 1, 'shanghai', 1, 'C', 0, 50000), ('deposit_class_abc', 1, 'shanghai', 2, 'B2', 50000, 500000),
	('deposit_class_abc', 1, 'shanghai', 3, 'A', 500000, NULL);
SELECT 'region_added', pg_temp.b(\$\$SELECT clientele.tier_of('deposit_class_abc', 20000, 'shanghai')\$\$), 'C';
-- two transactions that each leave bank_abc valid but together delete all its default bands
SELECT 'b_deletes_c', dblink_exec('b', 'BEGIN; DELETE FROM clientele.tier_band WHERE scheme = ''bank_abc'' AND label = ''C''') , 'DELETE 1';
BEGIN;
DELETE FROM clientele.tier_band WHERE scheme = 'bank_abc' AND label IN ('B2', 'A');
COMMIT;
SELECT 'b_commit_rejected', pg_temp.b_commit(), 'ERROR: tier scheme "bank_abc" version 1 has no default bands';
SELECT 'a_deleted_b2_and_a', pg_temp.b(\$\$SELECT string_agg(label, ',') FROM clientele.tier_band WHERE scheme = 'bank_abc'\$\$), 'C';
INSERT INTO clientele.tier_scheme (scheme, basis, description, source) VALUES ('bank_points', 'numeric', 'loyalty points', 'test');
SELECT 'scheme_added', pg_temp.b(\$\$SELECT clientele.tier_version('bank_points')::text\$\$), 'ERROR: tier scheme "bank_points" has no version';
DELETE FROM clientele.tier_scheme WHERE scheme = 'bank_points';
SELECT 'scheme_deleted', pg_temp.b(\$\$SELECT clientele.tier_version('bank_points')::text\$\$), 'ERROR: unknown tier scheme "bank_points"';
INSERT INTO clientele.tier_scheme (scheme, basis, description, source) VALUES ('bank_points', 'numeric', 'loyalty points', 'test');
SQL
)
# lines "name|got|want"; the one ERROR line is the rejected commit of session A
while IFS='|' read -r name got want; do
	[ -n "$name" ] || continue
	case "$name" in ERROR:*) continue;; esac
	ok "$got" "$want" "two sessions: $name"
done <<<"$out"
ok "$(printf '%s\n' "$out" | grep '^ERROR:')" \
	'ERROR:  tier bands "B2" [10000, 300000) and "A" [200000, infinity) of scheme "bank_abc" version 1 overlap' \
	"session A: the overlapping edit is rejected at commit, naming the bands (and nothing else fails)"

# a bank-defined scheme and a region override of a shipped one survive pg_dump / restore
q "$db" "BEGIN;
	INSERT INTO clientele.tier_version (scheme, version, valid_from) VALUES ('bank_points', 1, '2020-01-01');
	INSERT INTO clientele.tier_band (scheme, version, rank, label, lower_bound, upper_bound) VALUES
		('bank_points', 1, 1, 'bronze', 0, 1000), ('bank_points', 1, 2, 'silver', 1000, 5000), ('bank_points', 1, 3, 'gold', 5000, NULL);
	INSERT INTO clientele.regulatory_threshold (criterion, valid_from, threshold, inclusive, description, source)
	VALUES ('private_banking_net_financial_assets', '2025-01-01', 8000000, true, 'bank test', 'test');
	COMMIT;" >/dev/null
q postgres "CREATE DATABASE ${db}_restored" >/dev/null
"$BIN/pg_dump" -d "$db" 2>/dev/null | "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "${db}_restored" >/dev/null 2>/tmp/tiers_restore.$$
ok "$?" "0" "pg_dump output of a database with bank tier schemes restores without error"
sed 's/^/#   /' /tmp/tiers_restore.$$ | head -5; rm -f /tmp/tiers_restore.$$
ok "$(q "${db}_restored" "SELECT clientele.tier_of('bank_points', 1000)")" "silver" "a bank scheme works after restore"
ok "$(q "${db}_restored" "SELECT clientele.tier_of('deposit_class_abc', 20000, 'shanghai')")" "C" "a region override of a shipped scheme survives restore"
ok "$(q "${db}_restored" "SET client_min_messages = warning; SELECT coalesce(clientele.tier_of('bank_abc', 250000), 'none') || ',' || clientele.tier_of('bank_abc', 5)")" "none,C" \
	"a bank scheme's committed edits survive restore"
ok "$(q "${db}_restored" "SELECT clientele.tier_of('bank_abc', 250000)" | head -2 | tr '\n' '|')" \
	'NOTICE:  amount 250000 is outside every band of tier scheme "bank_abc"|DETAIL:  Its tier is NULL: the bands of version 1 cover [0, 10000). Further amounts outside them are not reported for this call in the query.|' \
	"the restored edit's NOTICE names the amount, the scheme and the range its bands now cover"
ok "$(q "${db}_restored" "SELECT clientele.regulatory_class(7000000, as_of => '2025-06-30') || ',' || clientele.regulatory_class(7000000, as_of => '2024-06-30')")" \
	"high_net_worth,private_banking" "a bank's threshold row (valid from 2025) survives restore; the shipped ones still apply before"
ok "$(q "${db}_restored" "SELECT count(*) FROM clientele.tier_band WHERE scheme = 'suzhou_deposit_bands_2012'")" "5" \
	"shipped bands are not duplicated by the restore"

for d in $db ${db}_restored; do q postgres "DROP DATABASE IF EXISTS $d" >/dev/null; done
echo "1..$n"
exit $failed
