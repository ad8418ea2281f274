#!/usr/bin/env bash
# Upgrade path 0.1.0 -> current version, as a bank meets it: 0.1.0 installed,
# data loaded and configuration edited (a product type, a tier scheme, an RFM
# segment scheme, a use_source mapping), then ALTER EXTENSION clientele UPDATE.
# The updated database must have exactly the objects of a fresh install of the
# current version given the same data and edits, and keep the data:
#   - the extension's member list, ACLs, comments, pg_init_privs, config-dump
#     registrations (pg_extension.extconfig / extcondition);
#   - pg_dump --schema-only of throwaway copies of both databases in which the
#     extension's membership ('e' rows of pg_depend, 'e' rows of pg_init_privs)
#     was deleted, so that pg_dump dumps every member object (it skips members);
#   - a plain pg_dump of both databases (the data a restore would carry);
#   - the edits still work through the API after the update.
# A difference prints as a unified diff (old: updated 0.1.0, new: fresh).
# Run alone: `make test T=upgrade` (builds, installs, throwaway cluster, this
# test only), or against a running server: PGHOST=... PGPORT=... bash test/shell/upgrade.sh
# Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PREV=0.1.0
q() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1; }
tmp=$(mktemp -d /tmp/clientele-upgrade.XXXXXX)
dbs="up_old up_new up_old_flat up_new_flat up_nan"
cleanup() { for d in $dbs; do q postgres "DROP DATABASE IF EXISTS $d" >/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
# same_text NAME FILE_OLD FILE_NEW DESCRIPTION: passes when the files are equal, else prints the diff
same_text() {
	n=$((n+1))
	local f
	for f in "$2" "$3"; do	# drop pg_dump's per-run random key; sort the rows of COPY blocks (physical order is no contract)
		awk '/^\\(un)?restrict / { next }
			copy && /^\\\.$/ { close("LC_ALL=C sort"); copy = 0 }
			copy { print | "LC_ALL=C sort"; next }
			{ print; fflush() }
			/^COPY / { copy = 1 }' "$f" >"$f.norm" && mv "$f.norm" "$f"
	done
	if diff -q "$2" "$3" >/dev/null; then
		echo "ok $n - $4"
	else
		failed=1
		echo "not ok $n - $4"
		echo "#   --- $1 after ALTER EXTENSION UPDATE from $PREV / +++ $1 of a fresh install ($(wc -l <"$2") / $(wc -l <"$3") lines):"
		diff -u "$2" "$3" | tail -n +3 | head -200 | sed 's/^/#   /'
	fi
}
for d in $dbs; do q postgres "DROP DATABASE IF EXISTS $d" >/dev/null; done

# --- the released script is frozen -------------------------------------------
ok "$(sha256sum "$ROOT/sql/clientele--$PREV.sql" | cut -d' ' -f1)" \
	"134fae9feaaf8c1945f473d6551e2781ffedb658ff545a581aa9eb0992478be8" \
	"sql/clientele--$PREV.sql is the script released as $PREV (unchanged)"

# --- install 0.1.0, load data, edit configuration ------------------------------
q postgres "CREATE DATABASE up_old" >/dev/null
q postgres "CREATE DATABASE up_new" >/dev/null
out=$(q up_old "CREATE EXTENSION clientele VERSION '$PREV'")
ok "$?" "0" "CREATE EXTENSION clientele VERSION '$PREV' succeeds with the current library"
[ -z "$out" ] || echo "$out" | sed 's/^/#   /'
out=$(q up_new "CREATE EXTENSION clientele")
ok "$?" "0" "CREATE EXTENSION clientele (fresh install of the default version)"
[ -z "$out" ] || echo "$out" | sed 's/^/#   /'
default=$(q up_old "SELECT default_version FROM pg_available_extensions WHERE name = 'clientele'")
ok "$(q up_old "SELECT count(*) FROM pg_extension_update_paths('clientele') WHERE source = '$PREV' AND target = '$default' AND path = '$PREV--$default'")" \
	"1" "$PREV updates to $default in one step"
ok "$(q up_old "SELECT count(*) FROM pg_available_extension_versions WHERE name = 'clientele' AND version <> '$default'
	AND NOT EXISTS (SELECT 1 FROM pg_extension_update_paths('clientele') p WHERE p.source = version AND p.target = '$default' AND p.path IS NOT NULL)")" \
	"0" "every packaged version has an update path to $default"

# The same statements are run on the 0.1.0 database before its update and on a
# fresh install, so that both must end up equal.  They use the 0.1.0 API only.
edits="
BEGIN;
INSERT INTO clientele.product_type (product_type, category, description) VALUES ('gold_account', 'investment', 'Precious-metal account');
INSERT INTO clientele.customer (customer_id, opened_on) VALUES (1, '2020-01-01'), (2, '2020-03-01');
INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on) VALUES (10, 1, 'gold_account', '2020-02-01'), (20, 2, 'savings', '2020-03-01');
INSERT INTO clientele.balance VALUES (10, '2020-02-29', 1234.56), (20, '2020-03-31', 250000);
INSERT INTO clientele.tier_scheme (scheme, basis, description, source) VALUES ('bank_abc', 'balance', 'copy of deposit_class_abc', 'upgrade test');
INSERT INTO clientele.tier_version (scheme, version, valid_from) VALUES ('bank_abc', 1, '2012-02-29');
INSERT INTO clientele.tier_band (scheme, version, rank, label, lower_bound, lower_inclusive, upper_bound, upper_inclusive)
	SELECT 'bank_abc', 1, rank, label || '-bank', lower_bound, lower_inclusive, upper_bound, upper_inclusive
	FROM clientele.tier_band WHERE scheme = 'deposit_class_abc';
INSERT INTO clientele.rfm_segment_scheme (scheme, ntiles, fallback, description) VALUES ('bank_rfm', 3, 'Other', 'bank scheme');
INSERT INTO clientele.rfm_segment_rule (scheme, priority, segment, r_min, r_max, f_min, f_max, m_min, m_max) VALUES
	('bank_rfm', 1, 'Best', 3, 3, 3, 3, 3, 3), ('bank_rfm', 2, 'Lapsed', 1, 1, 1, 3, 1, 3);
CREATE SCHEMA core;
CREATE TABLE core.cust AS SELECT * FROM clientele.customer;
SELECT clientele.use_source('customer', 'core.cust');
UPDATE clientele.source_config SET set_at = '2020-01-01 00:00+00';
COMMIT;"
q up_old "$edits" >"$tmp/edits_old.out"; rc_old=$?
q up_new "$edits" >"$tmp/edits_new.out"; rc_new=$?
ok "$rc_old/$rc_new" "0/0" "data and configuration edits apply to $PREV and to $default"
cat "$tmp/edits_old.out" "$tmp/edits_new.out" | grep -v '^$' | sed 's/^/#   /'

# --- ALTER EXTENSION UPDATE ----------------------------------------------------
out=$(q up_old "ALTER EXTENSION clientele UPDATE"); rc=$?
ok "$rc" "0" "ALTER EXTENSION clientele UPDATE succeeds"
[ -z "$out" ] || echo "$out" | sed 's/^/#   /'
ok "$(q up_old "SELECT extversion FROM pg_extension WHERE extname = 'clientele'")" "$default" "the extension is at $default after the update"
ok "$(q up_old "SELECT array_to_string(reloptions, ',') FROM pg_class WHERE oid = 'clientele.customer_scorecard'::regclass")" "fillfactor=50" \
	"the updated scorecard has the fillfactor of a fresh install (room for its rows' updates in place)"

# --- catalogue comparisons -----------------------------------------------------
# every member object, with its ACL, comment and initial privileges
members="WITH m AS (
	SELECT d.classid, d.objid, d.objsubid FROM pg_depend d
	WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
	  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'clientele'))"
catalog_query() { # name -> query
	case $1 in
		members) echo "$members SELECT pg_describe_object(classid, objid, objsubid) FROM m ORDER BY 1";;
		acls) echo "$members SELECT pg_describe_object(classid, objid, objsubid) || ': ' || coalesce(acl, '(default)') FROM (
			SELECT m.*, (SELECT relacl::text FROM pg_class WHERE oid = m.objid AND m.classid = 'pg_class'::regclass)
			       || coalesce(' columns ' || (SELECT string_agg(attname || '=' || attacl::text, ' ' ORDER BY attnum) FROM pg_attribute
			           WHERE attrelid = m.objid AND m.classid = 'pg_class'::regclass AND attacl IS NOT NULL), '') AS acl FROM m WHERE classid = 'pg_class'::regclass
			UNION ALL SELECT m.*, (SELECT proacl::text FROM pg_proc WHERE oid = m.objid) FROM m WHERE classid = 'pg_proc'::regclass
			UNION ALL SELECT m.*, (SELECT typacl::text FROM pg_type WHERE oid = m.objid) FROM m WHERE classid = 'pg_type'::regclass
			UNION ALL SELECT m.*, (SELECT nspacl::text FROM pg_namespace WHERE oid = m.objid) FROM m WHERE classid = 'pg_namespace'::regclass
			) a ORDER BY 1";;
		comments) echo "$members SELECT pg_describe_object(d.classoid, d.objoid, d.objsubid) || ': ' || d.description
			FROM pg_description d JOIN m ON d.classoid = m.classid AND d.objoid = m.objid
			   OR (d.classoid = 'pg_trigger'::regclass AND m.classid = 'pg_class'::regclass AND d.objoid IN (SELECT oid FROM pg_trigger WHERE tgrelid = m.objid))
			   OR (d.classoid = 'pg_constraint'::regclass AND m.classid IN ('pg_class'::regclass, 'pg_type'::regclass)
			       AND d.objoid IN (SELECT oid FROM pg_constraint WHERE conrelid = m.objid OR contypid = m.objid))
			GROUP BY d.classoid, d.objoid, d.objsubid, d.description ORDER BY 1";;
		init_privs) echo "SELECT pg_describe_object(classoid, objoid, objsubid) || ': ' || privtype::text || ' ' || initprivs::text
			FROM pg_init_privs WHERE privtype = 'e' ORDER BY 1";;
		extconfig) echo "SELECT c.cfg::regclass::text || ' ' || coalesce(quote_literal(c.cond), 'NULL')
			FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS c(cfg, cond) WHERE e.extname = 'clientele' ORDER BY 1";;
		roles) echo "SELECT r.rolname || ' ' || r.rolcanlogin || ' member of ' || coalesce(string_agg(g.rolname, ',' ORDER BY g.rolname), '-')
			FROM pg_roles r LEFT JOIN pg_auth_members am ON am.member = r.oid LEFT JOIN pg_roles g ON g.oid = am.roleid
			WHERE r.rolname LIKE 'clientele%' GROUP BY r.rolname, r.rolcanlogin ORDER BY 1";;
	esac
}
for what in members acls comments init_privs extconfig; do
	q up_old "$(catalog_query $what)" >"$tmp/$what.old"
	q up_new "$(catalog_query $what)" >"$tmp/$what.new"
done
same_text "member list" "$tmp/members.old" "$tmp/members.new" "same extension members ($(wc -l <"$tmp/members.new") objects)"
same_text "member ACLs" "$tmp/acls.old" "$tmp/acls.new" "same privileges on every member"
same_text "comments" "$tmp/comments.old" "$tmp/comments.new" "same comments on members, their columns, constraints and triggers ($(wc -l <"$tmp/comments.new"))"
same_text "pg_init_privs" "$tmp/init_privs.old" "$tmp/init_privs.new" "same initial privileges (pg_init_privs)"
same_text "config tables" "$tmp/extconfig.old" "$tmp/extconfig.new" "same tables registered with pg_extension_config_dump, same conditions"
ok "$(q up_old "SELECT count(*) FROM pg_roles WHERE rolname IN ('clientele_admin', 'clientele_analyst', 'clientele_rm')")" "3" \
	"the update creates the extension roles"

# --- full schema of every member object ----------------------------------------
# Throwaway copies with the membership removed: pg_dump then dumps each object
# (with its comment, ACL, owner) as if the bank had created it, and every row
# of every table (no config-dump filter).
flatten="DELETE FROM pg_depend WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
	AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'clientele');
DELETE FROM pg_init_privs WHERE privtype = 'e';
UPDATE pg_extension SET extconfig = NULL, extcondition = NULL WHERE extname = 'clientele';"
for v in old new; do
	q postgres "CREATE DATABASE up_${v}_flat TEMPLATE up_$v" >/dev/null
	q "up_${v}_flat" "$flatten" >/dev/null
	"$BIN/pg_dump" --schema-only -d "up_${v}_flat" 2>"$tmp/dump_$v.err" >"$tmp/schema.$v"
	ok "$?" "0" "pg_dump --schema-only of the ${v/old/updated} database (membership removed)"
	sed 's/^/#   /' "$tmp/dump_$v.err" | head -5
done
ok "$(grep -c '^CREATE FUNCTION clientele\.' "$tmp/schema.new" | awk '$1 > 50 {print "many"}')" "many" \
	"the membership-free dump shows the extension's functions"
same_text "pg_dump --schema-only" "$tmp/schema.old" "$tmp/schema.new" "same schema: every member object, column order, constraint, trigger, comment and grant"

# --- data ------------------------------------------------------------------------
for v in old new; do
	"$BIN/pg_dump" --data-only -d "up_$v" 2>"$tmp/ddump_$v.err" >"$tmp/data.$v"
done
same_text "pg_dump --data-only" "$tmp/data.old" "$tmp/data.new" "a dump of the updated database carries the same data as one of a fresh install ($(grep -c '^COPY' "$tmp/data.new") tables)"
for v in old new; do
	"$BIN/pg_dump" --data-only -d "up_${v}_flat" 2>>"$tmp/ddump_$v.err" >"$tmp/alldata.$v"
done
same_text "every row of every table (shipped rows included)" "$tmp/alldata.old" "$tmp/alldata.new" \
	"every table holds the same rows as in a fresh install, shipped rows included ($(grep -c '^COPY' "$tmp/alldata.new") tables)"
ok "$(q up_old "SELECT description FROM clientele.product_type WHERE product_type = 'gold_account'")" "Precious-metal account" \
	"the bank's product type survives"
ok "$(q up_old "SELECT balance FROM clientele.balance WHERE account_id = 10")" "1234.56" "balances survive"
ok "$(q up_old "SELECT clientele.tier_of('bank_abc', 250000, NULL, '2020-01-01')")" "A-bank" "the bank's tier scheme survives and classifies"
ok "$(q up_old "SELECT clientele.rfm_segment('bank_rfm', 3, 3, 3) || ',' || clientele.rfm_segment('bank_rfm', 2, 2, 2)")" "Best,Other" \
	"the bank's RFM segment scheme survives and segments"
ok "$(q up_old "SELECT relation FROM clientele.source_config WHERE input = 'customer'")" "core.cust" "the use_source mapping survives"
ok "$(q up_old "SELECT count(*) FROM clientele.in_customer") $(q up_old "SELECT pg_get_functiondef('clientele.source_customer()'::regprocedure) LIKE '%core.cust%'")" "2 t" \
	"the input view still reads the bank's source after the update"
ok "$(q up_old "SELECT clientele.tier_of('deposit_class_abc', 250000, NULL, '2020-01-01')")" \
	"$(q up_new "SELECT clientele.tier_of('deposit_class_abc', 250000, NULL, '2020-01-01')")" "shipped schemes classify as in a fresh install"

# --- a 0.1.0 database holding NaN amounts (0.2.0 rejects them) ----------------------
# the update stops with an error naming the table, the count and an example
# (one transaction: the database stays at 0.1.0), and succeeds once they are fixed
q postgres "CREATE DATABASE up_nan" >/dev/null
q up_nan "CREATE EXTENSION clientele VERSION '$PREV'" >/dev/null
q up_nan "INSERT INTO clientele.customer (customer_id, opened_on) VALUES (1, '2020-01-01');
	INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on) VALUES (10, 1, 'savings', '2020-01-01');
	INSERT INTO clientele.balance VALUES (10, '2020-01-31', 'NaN'), (10, '2020-02-29', 5);
	INSERT INTO clientele.transaction (txn_id, customer_id, ts, amount, direction, channel, kind) VALUES (7, 1, '2020-02-01', 'NaN', 'in', 'atm', 'deposit');
	INSERT INTO clientele.income (customer_id, month, cost) VALUES (1, '2020-02-01', 'NaN')" >/dev/null
ok "$(q up_nan "ALTER EXTENSION clientele UPDATE" | head -1)" \
	"ERROR:  clientele.balance holds 1 balance(s) that are NaN (e.g. account 10 on 2020-01-31)" \
	"updating a database with a NaN balance stops with an error naming the table, the count and the row"
ok "$(q up_nan "SELECT extversion FROM pg_extension WHERE extname = 'clientele'")" "$PREV" "the failed update leaves $PREV in place"
q up_nan "UPDATE clientele.balance SET balance = 0 WHERE balance = 'NaN'" >/dev/null
ok "$(q up_nan "ALTER EXTENSION clientele UPDATE" | head -1)" \
	"ERROR:  clientele.transaction holds 1 amount(s) that are NaN (e.g. txn_id 7)" "a NaN transaction amount: the same"
q up_nan "DELETE FROM clientele.transaction WHERE amount = 'NaN'" >/dev/null
ok "$(q up_nan "ALTER EXTENSION clientele UPDATE" | head -1)" \
	"ERROR:  clientele.income holds 1 line(s) with a NaN amount (e.g. customer 1 of 2020-02-01)" "a NaN income amount: the same"
q up_nan "UPDATE clientele.income SET cost = 0" >/dev/null
out=$(q up_nan "ALTER EXTENSION clientele UPDATE"); rc=$?
ok "$rc $(q up_nan "SELECT extversion FROM pg_extension WHERE extname = 'clientele'")" "0 $default" "once fixed, the update succeeds"
[ -z "$out" ] || echo "$out" | sed 's/^/#   /'
ok "$(q up_nan "INSERT INTO clientele.balance VALUES (10, '2020-03-31', 'NaN')" | head -1)" \
	'ERROR:  new row for relation "balance" violates check constraint "balance_not_nan"' "and the updated database rejects NaN"

echo "1..$n"
exit $failed
