#!/usr/bin/env bash
# pg_dump / pg_restore round trip of a database that has refreshed: the
# configuration (refresh settings, bank and edited shipped segment
# definitions) and the results (customer_result, segment_membership,
# kpi_history, refresh_model, refresh_log) come back; the reporting views are
# rebuilt by clientele.refresh_reports(); the next refresh works; the
# interactions' identity goes on after the restored rows.  Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
q() { PGOPTIONS="-c client_min_messages=warning" "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1; }
DUMP=$(mktemp /tmp/refresh_dump.XXXXXX)
cleanup() { rm -f "$DUMP"; for db in rd_src rd_dst; do q postgres "DROP DATABASE IF EXISTS $db" >/dev/null; done; }
trap cleanup EXIT
for db in rd_src rd_dst; do q postgres "DROP DATABASE IF EXISTS $db" >/dev/null; done
q postgres "CREATE DATABASE rd_src" >/dev/null
q rd_src "CREATE EXTENSION clientele" >/dev/null
q rd_src "SELECT count(*) FROM clientele.generate_demo_bank(300, 9)" >/dev/null
q rd_src "UPDATE clientele.refresh_config SET clv_months = 24, retention_days = NULL, max_parallel_workers_per_gather = 0, summary_memory_mb = 256;
	INSERT INTO clientele.segment_definition (segment, family, description, predicate) VALUES ('wealthy', 'bank', 'AUM of 50k or more', 'aum >= 50000');
	UPDATE clientele.segment_definition SET predicate = 'contribution_top_share <= 0.05', description = 'Top 5 %' WHERE segment = 'key';
	UPDATE clientele.segment_definition SET active = false WHERE segment = 'balanced'" >/dev/null
q rd_src "CALL clientele.refresh('2025-06-30')" >/dev/null
q rd_src "CALL clientele.refresh('2025-12-31')" >/dev/null

digest() { q "$1" "SELECT md5(string_agg(x, '|')) FROM (
	SELECT (SELECT md5(string_agg(r::text, '|' ORDER BY as_of, customer_id)) FROM clientele.customer_result r) AS x
	UNION ALL SELECT (SELECT md5(string_agg(r::text, '|' ORDER BY as_of, segment, customer_id)) FROM clientele.segment_membership r)
	UNION ALL SELECT (SELECT md5(string_agg(r::text, '|' ORDER BY as_of, level, group_value)) FROM clientele.kpi_history r)
	UNION ALL SELECT (SELECT md5(string_agg(r::text, '|' ORDER BY as_of)) FROM clientele.refresh_model r)
	UNION ALL SELECT (SELECT md5(string_agg(r::text, '|' ORDER BY refresh_id)) FROM clientele.refresh_log r)
	UNION ALL SELECT (SELECT md5(string_agg(r::text, '|' ORDER BY segment)) FROM clientele.segment_definition r)
	UNION ALL SELECT (SELECT md5(r::text) FROM clientele.refresh_config r)) s"; }

"$BIN/pg_dump" -Fc -d rd_src -f "$DUMP" 2>/dev/null
ok "$?" "0" "pg_dump -Fc of a refreshed database"
q postgres "CREATE DATABASE rd_dst" >/dev/null
"$BIN/pg_restore" -d rd_dst "$DUMP" 2>/tmp/refresh_dump_err.$$
ok "$?" "0" "pg_restore restores it without error"
sed 's/^/#   /' /tmp/refresh_dump_err.$$ | head -5; rm -f /tmp/refresh_dump_err.$$
ok "$(digest rd_dst)" "$(digest rd_src)" "configuration and results are identical after the round trip"
ok "$(q rd_dst "SELECT count(*) FROM clientele.segment_definition WHERE segment = 'key'")" "1" "an edited shipped segment is restored once, with its edit"
ok "$(q rd_dst "SELECT clv_months || ' ' || max_parallel_workers_per_gather || ' ' || summary_memory_mb FROM clientele.refresh_config")" "24 0 256" "refresh settings restored"
ok "$(q rd_dst "SELECT count(*) FROM clientele.customer_scorecard")" "0" "the materialized views come back empty"
ok "$(q rd_dst "SELECT array_to_string(reloptions, ',') FROM pg_class WHERE oid = 'clientele.customer_scorecard'::regclass")" "fillfactor=50" \
	"the scorecard keeps its fillfactor (room for its rows' updates in place)"
q rd_dst "SELECT clientele.refresh_reports()" >/dev/null
ok "$(q rd_dst "SELECT md5(string_agg(s::text, '|' ORDER BY customer_id)) FROM clientele.customer_scorecard s")" \
	"$(q rd_src "SELECT md5(string_agg(s::text, '|' ORDER BY customer_id)) FROM clientele.customer_scorecard s")" \
	"clientele.refresh_reports() rebuilds them from the restored results"
ok "$(q rd_dst "CALL clientele.refresh('2025-12-31')")" "" "the restored database refreshes"
ok "$(q rd_dst "SELECT count(*) FROM clientele.refresh_log")" "3" "its log continues the restored one (identity restored)"
ok "$(q rd_dst "SELECT relrowsecurity FROM pg_class WHERE oid = 'clientele.customer_result'::regclass")" "t" "row-level security is still on"
seq="SELECT last_value || ' ' || is_called FROM clientele.interaction_interaction_id_seq"
ok "$(q rd_dst "$seq")" "$(q rd_src "$seq")" "the identity of the interactions is restored"
ok "$(q rd_dst "INSERT INTO clientele.interaction (customer_id, ts, kind)
	SELECT customer_id, '2025-12-31 12:00+00', 'rm_contact' FROM clientele.customer, generate_series(1, 2)")" "" \
	"the bank's loader adds interactions to the restored database (new ids after the restored ones)"
echo "1..$n"
exit $failed
