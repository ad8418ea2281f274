#!/usr/bin/env bash
# pg_dump / pg_restore of a bank's database as its DBA makes it: the refresh
# settings name the bank's own tier and RFM schemes (pg_dump loads the data
# of configuration tables in the order of their foreign keys: the schemes
# must come back before the settings that name them), the customer input is
# mapped to a table of the bank's, relationship managers log in.  Restored
# sequentially and with --single-transaction: no error, settings, schemes,
# mapping and results back, shipped rows not duplicated, managers still see
# only their customers, an admin login refreshes.  Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
export PGOPTIONS="-c client_min_messages=warning"
q() { local u=${PGUSER:-postgres}; if [ "$1" = -U ]; then u=$2; shift 2; fi
	"$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -U "$u" -d "$1" -c "$2" 2>&1; }
DUMP=$(mktemp /tmp/dba_dump.XXXXXX)
cleanup() { rm -f "$DUMP" "$DUMP.err"; for db in dd_src dd_dst dd_dst1; do q postgres "DROP DATABASE IF EXISTS $db" >/dev/null; done
	for r in qa6d_adm qa6d_rm; do q postgres "DROP ROLE IF EXISTS $r" >/dev/null; done; }
trap cleanup EXIT
cleanup
q postgres "CREATE ROLE qa6d_adm LOGIN IN ROLE clientele_admin" >/dev/null
q postgres "CREATE ROLE qa6d_rm LOGIN IN ROLE clientele_rm" >/dev/null
q postgres "CREATE DATABASE dd_src" >/dev/null
q dd_src "CREATE EXTENSION clientele" >/dev/null
q dd_src "SELECT count(*) FROM clientele.generate_demo_bank(200, 6)" >/dev/null
q dd_src "UPDATE clientele.customer SET relationship_manager = 'qa6d_rm' WHERE customer_id % 4 = 0" >/dev/null
# the bank's schemes: copies of shipped ones (builtin = false), named by the settings
q dd_src "BEGIN;
	INSERT INTO clientele.tier_scheme SELECT 'bank_tiers', basis, unit, 'Our tiers', 'bank', false FROM clientele.tier_scheme WHERE scheme = 'service_tier';
	INSERT INTO clientele.tier_version SELECT (jsonb_populate_record(NULL::clientele.tier_version, to_jsonb(v) || '{\"scheme\": \"bank_tiers\", \"builtin\": false}')).*
	FROM clientele.tier_version v WHERE scheme = 'service_tier';
	INSERT INTO clientele.tier_band SELECT (jsonb_populate_record(NULL::clientele.tier_band, to_jsonb(b) || '{\"scheme\": \"bank_tiers\", \"builtin\": false}')).*
	FROM clientele.tier_band b WHERE scheme = 'service_tier';
	INSERT INTO clientele.rfm_segment_scheme SELECT (jsonb_populate_record(NULL::clientele.rfm_segment_scheme, to_jsonb(s) || '{\"scheme\": \"bank_rfm\", \"builtin\": false}')).*
	FROM clientele.rfm_segment_scheme s WHERE scheme = 'rf_grid';
	INSERT INTO clientele.rfm_segment_rule SELECT (jsonb_populate_record(NULL::clientele.rfm_segment_rule, to_jsonb(r) || '{\"scheme\": \"bank_rfm\", \"builtin\": false}')).*
	FROM clientele.rfm_segment_rule r WHERE scheme = 'rf_grid';
	COMMIT" >/dev/null
q dd_src "UPDATE clientele.refresh_config SET tier_scheme = 'bank_tiers', deposit_class_scheme = 'bank_tiers', rfm_scheme = 'bank_rfm', clv_months = 24" >/dev/null
q dd_src "CREATE SCHEMA core; CREATE TABLE core.clients AS SELECT * FROM clientele.customer; ALTER TABLE core.clients ADD PRIMARY KEY (customer_id);
	GRANT USAGE ON SCHEMA core TO clientele_admin, clientele_analyst; GRANT SELECT ON core.clients TO clientele_admin, clientele_analyst" >/dev/null
q dd_src "SELECT clientele.use_source('customer', 'core.clients')" >/dev/null
ok "$(q -U qa6d_adm dd_src "CALL clientele.refresh('2025-12-31')")" "" "an admin login refreshes with the bank's schemes and mapping"
like "$(q dd_src "DELETE FROM clientele.tier_scheme WHERE scheme = 'bank_tiers'")" \
	"ERROR:  23503: update or delete on table \"tier_scheme\" violates foreign key constraint \"refresh_config_tier_scheme_fkey\" on table \"refresh_config\"" \
	"a tier scheme the settings name cannot be deleted (23503)"
like "$(q dd_src "DELETE FROM clientele.rfm_segment_scheme WHERE scheme = 'bank_rfm'")" "ERROR:  23503:" "nor an RFM scheme they name"
ok "$(q dd_src "UPDATE clientele.tier_scheme SET scheme = 'our_tiers' WHERE scheme = 'bank_tiers'; SELECT tier_scheme || ' ' || deposit_class_scheme FROM clientele.refresh_config")" \
	"our_tiers our_tiers" "renaming a scheme the settings name carries the settings along"

state() { q "$1" "SELECT concat_ws(' | ',
	(SELECT tier_scheme || ',' || deposit_class_scheme || ',' || rfm_scheme || ',' || clv_months FROM clientele.refresh_config),
	(SELECT count(*) FROM clientele.tier_band WHERE scheme = 'our_tiers'),
	(SELECT count(*) FROM clientele.rfm_segment_rule WHERE scheme = 'bank_rfm'),
	(SELECT count(*) FROM clientele.tier_scheme WHERE builtin) || ',' || (SELECT count(*) FROM clientele.rfm_segment_rule WHERE builtin)
	  || ',' || (SELECT count(*) FROM clientele.segment_definition WHERE shipped),
	(SELECT relation FROM clientele.source_config WHERE input = 'customer'),
	(SELECT md5(string_agg(r::text, '|' ORDER BY as_of, customer_id)) FROM clientele.customer_result r))"; }
want=$(state dd_src)
"$BIN/pg_dump" -Fc -d dd_src -f "$DUMP" 2>/dev/null
ok "$?" "0" "pg_dump -Fc"
for mode in sequential single; do
	db=dd_dst; opt=(); [ $mode = single ] && { db=dd_dst1; opt=(--single-transaction); }
	q postgres "CREATE DATABASE $db" >/dev/null
	"$BIN/pg_restore" "${opt[@]}" -d $db "$DUMP" 2>"$DUMP.err"
	ok "$?/$(grep -c 'ERROR' "$DUMP.err")" "0/0" "pg_restore ($mode) without error"
	sed 's/^/#   /' "$DUMP.err" | head -4
	ok "$(state $db)" "$want" "($mode) settings naming the bank's schemes, the schemes, shipped rows once, the mapping and the results are back"
done
q dd_dst "SELECT clientele.refresh_reports()" >/dev/null
ok "$(q -U qa6d_rm dd_dst "SELECT count(*) || ' ' || count(*) FILTER (WHERE relationship_manager <> current_user) FROM clientele.my_customer_scorecard")" \
	"$(q dd_src "SELECT count(*) FROM clientele.customer_scorecard WHERE relationship_manager = 'qa6d_rm'") 0" \
	"after refresh_reports() a manager login sees exactly their customers in the restored scorecard"
ok "$(q -U qa6d_rm dd_dst "SELECT count(*) FROM clientele.customer_result WHERE relationship_manager IS DISTINCT FROM current_user")" "0" \
	"and only theirs in the restored results (row-level security)"
ok "$(q -U qa6d_adm dd_dst "CALL clientele.refresh('2025-12-31')")" "" "an admin login refreshes the restored database"
ok "$(q dd_dst "SELECT md5(string_agg(r::text, '|' ORDER BY as_of, customer_id)) FROM clientele.customer_result r")" "${want##* | }" \
	"to the same results"

# --- the schema of a mapped source renamed: the same clear error as a renamed table
out=$(q dd_src "ALTER SCHEMA core RENAME TO core_old")
like "$out" "WARNING:  01000: input \"customer\" read relation core.clients, which is no longer there" \
	"renaming the schema of a mapped source warns at once"
like "$(q dd_src "SELECT count(*) FROM clientele.in_customer")" "ERROR:  42P01: input \"customer\" reads relation core.clients, which does not exist" \
	"and the input then fails naming itself and the relation"
like "$(q -U qa6d_adm dd_src "CALL clientele.refresh('2025-12-31')")" "ERROR:  42P01: input \"customer\" reads relation core.clients, which does not exist" \
	"so does a refresh"
ok "$(q dd_src "SELECT md5(string_agg(r::text, '|' ORDER BY as_of, customer_id)) FROM clientele.customer_result r")" "${want##* | }" \
	"leaving the previous results"
q dd_src "ALTER SCHEMA core_old RENAME TO core" >/dev/null
q dd_src "SELECT clientele.use_source('customer', 'core.clients')" >/dev/null
ok "$(q -U qa6d_adm dd_src "CALL clientele.refresh('2025-12-31')")" "" "renamed back and mapped again, the refresh works"

echo "1..$n"
exit $failed
