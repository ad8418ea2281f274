#!/usr/bin/env bash
# Recording lifecycle stages (clientele.record_lifecycle and the refresh's
# lifecycle stage) stays linear in the number of customers: the statements of
# clientele.lifecycle_store that read clientele.lifecycle_history never plan a
# nested loop, even on a history whose statistics are stale.  The case met:
# a database-wide VACUUM ANALYZE before the first refresh records the empty
# history as analysed with 0 rows; the planner then trusts 0 rows and the
# INSERT that anti-joined the history it wrote to ran as a nested loop whose
# inner seq scan re-read every row inserted so far (quadratic: the first
# refresh of a 1-million-customer bank was still in that INSERT after 45
# minutes).  Plans are read with auto_explain (nested statements), so the
# test sees the plans the function really runs.  Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
DB=lc_store_plan
q() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d $DB -c "$1" 2>&1; }
cleanup() { "$BIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1; }
trap cleanup EXIT

"$BIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
q "CREATE EXTENSION clientele" >/dev/null
q "SELECT count(*) FROM clientele.generate_demo_bank(400, 5)" >/dev/null
q "VACUUM ANALYZE clientele.customer, clientele.account, clientele.transaction, clientele.balance" >/dev/null

# $1 = as_of; prints the auto_explain plans of the recording (LOG lines to the client)
plans() {
	PGOPTIONS="-c client_min_messages=log" "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d $DB 2>&1 <<SQL
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_level = log;
SELECT clientele.record_lifecycle('$1');
SQL
}
# plans of statements that mention lifecycle_history and contain a nested loop
nested() { awk '/LOG:  duration:/ { if (blk ~ /lifecycle_history/ && blk ~ /Nested Loop/) c++; blk = "" } { blk = blk "\n" $0 } END { if (blk ~ /lifecycle_history/ && blk ~ /Nested Loop/) c++; print c + 0 }'; }
count_hist() { awk '/LOG:  duration:/ { if (blk ~ /lifecycle_history/) c++; blk = "" } { blk = blk "\n" $0 } END { if (blk ~ /lifecycle_history/) c++; print c + 0 }'; }

# first recording: the history is empty and was analysed so (reltuples 0)
q "VACUUM ANALYZE clientele.lifecycle_history" >/dev/null
# (no autovacuum on it in this throwaway database: the statistics stay as stale as they are)
q "ALTER TABLE clientele.lifecycle_history SET (autovacuum_enabled = off)" >/dev/null
ok "$(q "SELECT c.reltuples FROM pg_class c WHERE c.oid = 'clientele.lifecycle_history'::regclass")" "0" \
	"the empty history is analysed with 0 rows (as a database-wide VACUUM ANALYZE leaves it)"
out=$(plans 2025-03-31)
ok "$(echo "$out" | grep -c 'ERROR')" "0" "first recording runs without error"
ok "$( [ "$(echo "$out" | count_hist)" -ge 3 ] && echo yes)" "yes" "auto_explain shows the recording's statements on lifecycle_history"
ok "$(echo "$out" | nested)" "0" "first recording: no nested loop over lifecycle_history"

# a later recording right after the first (statistics still say: empty)
ok "$(q "SELECT c.reltuples = 0 AND EXISTS (SELECT 1 FROM clientele.lifecycle_history) FROM pg_class c WHERE c.oid = 'clientele.lifecycle_history'::regclass")" "t" \
	"the history's statistics are stale (0 rows) although it holds rows"
out=$(plans 2025-06-30)
ok "$(echo "$out" | nested)" "0" "second recording on stale statistics: no nested loop over lifecycle_history"
# the open periods are read twice, not three times: once joined with the new
# stages (the periods to end and the stages to open in one full join), once
# by the UPDATE that ends periods (scan nodes on the table itself, not on
# its indexes)
ok "$(echo "$out" | grep -cE 'Scan (using [^ ]+ )?on lifecycle_history( |$)')" "2" \
	"second recording: two scans of lifecycle_history (the full join, the UPDATE)"

# and the history is what it should be: one open period per classified customer
ok "$(q "SELECT count(*) FROM clientele.lifecycle_history WHERE valid_to IS NULL")" \
	"$(q "SELECT count(*) FROM clientele.lifecycle('2025-06-30')")" \
	"one open period per customer classified on the last recorded date"
ok "$(q "SELECT count(*) FROM clientele.lifecycle_history h JOIN clientele.lifecycle('2025-06-30') l USING (customer_id)
	WHERE h.valid_to IS NULL AND h.stage <> l.stage")" "0" "each open period holds the customer's stage of that date"
ok "$(q "SELECT count(*) FROM clientele.lifecycle_history h JOIN clientele.lifecycle('2025-03-31') l USING (customer_id)
	WHERE h.valid_from = '2025-03-31' AND h.stage <> l.stage")" "0" "periods opened on the first date hold that date's stages"

echo "1..$n"
exit $failed
