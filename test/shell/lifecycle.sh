#!/usr/bin/env bash
# Extension lifecycle, as a DBA meets it (the update from the previous release
# is tested by upgrade.sh): pg_dump/restore keeps bank data and configuration
# (config tables registered with pg_extension_config_dump) without duplicating
# shipped rows, and DROP EXTENSION leaves nothing behind.  Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
q() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1; }

for db in lc_src lc_dst; do q postgres "DROP DATABASE IF EXISTS $db" >/dev/null; done
q postgres "CREATE DATABASE lc_src" >/dev/null
q lc_src "CREATE EXTENSION clientele" >/dev/null

default=$(q lc_src "SELECT default_version FROM pg_available_extensions WHERE name = 'clientele'")
ok "$(q lc_src "SELECT extversion FROM pg_extension WHERE extname = 'clientele'")" "$default" "CREATE EXTENSION installs the default version"

# bank data and configuration survive pg_dump / restore
q lc_src "INSERT INTO clientele.product_type (product_type, category, description) VALUES ('gold_account', 'investment', 'Precious-metal account');
	INSERT INTO clientele.customer (customer_id, opened_on) VALUES (1, '2020-01-01');
	INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on) VALUES (10, 1, 'gold_account', '2020-02-01');
	INSERT INTO clientele.balance VALUES (10, '2020-02-29', 1234.56);
	CREATE SCHEMA core;
	CREATE TABLE core.cust AS SELECT * FROM clientele.customer;
	SELECT clientele.use_source('customer', 'core.cust');" >/dev/null
q postgres "CREATE DATABASE lc_dst" >/dev/null
"$BIN/pg_dump" -d lc_src 2>/dev/null | "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -d lc_dst >/dev/null 2>/tmp/lifecycle_restore.$$
ok "$?" "0" "a pg_dump of a database using clientele restores without error"
sed 's/^/#   /' /tmp/lifecycle_restore.$$ | head -5; rm -f /tmp/lifecycle_restore.$$
ok "$(q lc_dst "SELECT count(*) FROM clientele.product_type")" "$(q lc_src "SELECT count(*) FROM clientele.product_type")" \
	"product catalogue restored: bank rows once, shipped rows not duplicated"
ok "$(q lc_dst "SELECT balance FROM clientele.balance WHERE account_id = 10")" "1234.56" "balances restored"
ok "$(q lc_dst "SELECT relation FROM clientele.source_config WHERE input = 'customer'")" "core.cust" "source configuration restored"
ok "$(q lc_dst "SELECT clientele.reapply_sources()")" "1" "reapply_sources() re-points the input views after a restore"
ok "$(q lc_dst "SELECT count(*) FROM clientele.in_customer")" "1" "input view reads the configured source"

# DROP EXTENSION removes every object it created
q lc_src "DROP EXTENSION clientele CASCADE" >/dev/null 2>&1
ok "$(q lc_src "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'clientele')
	+ (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'clientele')
	+ (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'clientele')")" "0" \
	"DROP EXTENSION leaves no relation, function or type behind"
q lc_src "CREATE EXTENSION clientele" >/dev/null
ok "$(q lc_src "SELECT count(*) FROM clientele.customer")" "0" "re-created extension starts empty"

for db in lc_src lc_dst; do q postgres "DROP DATABASE IF EXISTS $db" >/dev/null; done
echo "1..$n"
exit $failed
