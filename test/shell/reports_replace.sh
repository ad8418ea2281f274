#!/usr/bin/env bash
# clientele.matview_replace, the way clientele.refresh_reports refreshes the
# reporting views: the same contents as a REFRESH, readers never blocked and
# seeing the previous contents until commit, an error leaving the previous
# contents, and its error paths.  Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
DB=reports_replace
q() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d $DB -c "$1" 2>&1; }
qv() { PGOPTIONS="-c client_min_messages=warning" "$BIN/psql" -X -q -At -v VERBOSITY=verbose -d $DB -c "$1" 2>&1; }
bg_pids=()
cleanup() { for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null
	"$BIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "DROP ROLE IF EXISTS reports_replace_other" >/dev/null 2>&1; }
trap cleanup EXIT
wait_for() { # SQL returning t; up to 30 s
	local i; for i in $(seq 1 150); do [ "$(q "$1")" = t ] && return 0; sleep 0.2; done; return 1; }
VIEWS="customer_scorecard tier_distribution segment_summary lifecycle_flow churn_watchlist value_concentration tier_migration kpi_summary"
view_md5() { q "SELECT count(*) || ' ' || md5(coalesce(string_agg(v::text, '|' ORDER BY v::text), '')) FROM clientele.$1 v"; }

"$BIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
q "CREATE EXTENSION clientele" >/dev/null
q "SELECT count(*) FROM clientele.generate_demo_bank(600, 5)" >/dev/null
export PGOPTIONS="-c client_min_messages=warning"
q "CALL clientele.refresh('2025-06-30')" >/dev/null
q "CALL clientele.refresh('2025-12-31')" >/dev/null

# --- the same contents as REFRESH -----------------------------------------------
for v in $VIEWS; do
	mine=$(view_md5 "$v")
	theirs=$(q "BEGIN; REFRESH MATERIALIZED VIEW clientele.$v;
	            SELECT count(*) || ' ' || md5(coalesce(string_agg(v::text, '|' ORDER BY v::text), '')) FROM clientele.$v v; ROLLBACK")
	ok "$mine" "$theirs" "refresh put into $v the rows of REFRESH MATERIALIZED VIEW"
done
ok "$(q "SELECT count(*) > 0 FROM clientele.customer_scorecard") $(q "SELECT count(*) > 0 FROM clientele.tier_migration")" "t t" \
	"(the scorecard and the tier migrations are not empty)"
sc=$(view_md5 customer_scorecard)
ok "$(q "SELECT clientele.matview_replace('clientele.customer_scorecard')")" "${sc%% *}" "matview_replace returns the rows it inserted"
ok "$(view_md5 customer_scorecard)" "$sc" "and replacing again gives the same contents"
ok "$(q "BEGIN; SELECT clientele.matview_replace('clientele.customer_scorecard'); SELECT clientele.matview_replace('clientele.customer_scorecard');
         SELECT count(*) || ' ' || count(DISTINCT customer_id) FROM clientele.customer_scorecard; COMMIT" | tail -1)" \
	"${sc%% *} ${sc%% *}" "twice in one transaction: the second also replaces the rows the first inserted"
ok "$(q "SELECT clientele.matview_replace(NULL)")" "" "NULL in, NULL out (strict)"

# --- readers during a replace ----------------------------------------------------
# the holder replaces the scorecard with the previous date's rows and sleeps
# before rolling back; a reader sees the current contents meanwhile, at once
"$BIN/psql" -X -q -d $DB -c "BEGIN" \
	-c "DELETE FROM clientele.customer_result WHERE as_of = '2025-12-31'" \
	-c "SELECT clientele.matview_replace('clientele.customer_scorecard')" \
	-c "SELECT pg_sleep(4)" -c "ROLLBACK" >/dev/null 2>&1 &
bg_pids+=($!)
wait_for "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = '$DB' AND query = 'SELECT pg_sleep(4)')" || echo "# the holder did not start"
# (its AccessShareLock is the view's own rule, read to plan its query)
ok "$(q "SELECT string_agg(DISTINCT l.mode, ',' ORDER BY l.mode) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE a.query = 'SELECT pg_sleep(4)' AND l.relation = 'clientele.customer_scorecard'::regclass")" "AccessShareLock,ExclusiveLock" \
	"the replace holds REFRESH ... CONCURRENTLY's lock (ExclusiveLock), not ACCESS EXCLUSIVE"
ok "$(q "SET statement_timeout = '2s'; SELECT count(*) || ' ' || max(as_of) FROM clientele.customer_scorecard")" "${sc%% *} 2025-12-31" \
	"a reader is not blocked by an uncommitted replace and sees the previous contents"
ok "$(q "SET statement_timeout = '2s'; SET enable_seqscan = off; SELECT max(as_of) FROM clientele.customer_scorecard WHERE customer_id = (SELECT min(customer_id) FROM clientele.customer_scorecard)")" \
	"2025-12-31" "(also through the unique index)"
like "$(qv "SET lock_timeout = '300ms'; SELECT clientele.matview_replace('clientele.customer_scorecard')")" "ERROR:  55P03" \
	"a second replace of the same view waits for the first (lock timeout)"
wait "${bg_pids[@]}" 2>/dev/null; bg_pids=()
ok "$(view_md5 customer_scorecard)" "$sc" "a rolled-back replace leaves the previous contents"

# --- an error mid-way ------------------------------------------------------------
q "CREATE SCHEMA rr; CREATE TABLE rr.t (k int, v int); INSERT INTO rr.t SELECT g, g * 10 FROM generate_series(1, 1000) g;
   CREATE MATERIALIZED VIEW rr.mv AS SELECT k, v FROM rr.t; CREATE UNIQUE INDEX ON rr.mv (k);
   CREATE MATERIALIZED VIEW rr.plain AS SELECT k FROM rr.t WHERE k <= 10;
   CREATE MATERIALIZED VIEW rr.empty AS SELECT 1 AS x WITH NO DATA" >/dev/null
before=$(q "SELECT md5(string_agg(m::text, ',' ORDER BY k)) FROM rr.mv")
q "UPDATE rr.t SET v = -v; INSERT INTO rr.t VALUES (999, 1)" >/dev/null
like "$(qv "SELECT clientele.matview_replace('rr.mv')")" "ERROR:  23505: duplicate key value violates unique constraint" \
	"a duplicate key in the new rows is an error (23505) of the unique index"
ok "$(q "SELECT md5(string_agg(m::text, ',' ORDER BY k)) FROM rr.mv")" "$before" "and leaves the previous contents (no row deleted)"
q "DELETE FROM rr.t WHERE k = 999 AND v = 1" >/dev/null
ok "$(q "SELECT clientele.matview_replace('rr.mv')") $(q "SELECT sum(v) FROM rr.mv")" "1000 -5005000" "without the duplicate it replaces the rows"
ok "$(q "SELECT clientele.matview_replace('rr.plain')") $(q "SELECT count(*) FROM rr.plain")" "10 10" "a view without indexes"

# --- in place by key: a view with a fillfactor below 100 ------------------------
# xs VIEW: replace it and print its writes in that transaction: inserted,
# updated, of which HOT, deleted
xs() { q "BEGIN; SELECT clientele.matview_replace('$1');
          SELECT n_tup_ins || ' ' || n_tup_upd || ' ' || n_tup_hot_upd || ' ' || n_tup_del
          FROM pg_stat_xact_user_tables WHERE relid = '$1'::regclass; COMMIT" | tail -1; }
ff_md5() { q "SELECT md5(string_agg(m::text, ',' ORDER BY k, v)) FROM rr.ff m"; }
ff_refresh_md5() { q "BEGIN; REFRESH MATERIALIZED VIEW rr.ff; SELECT md5(string_agg(m::text, ',' ORDER BY k, v)) FROM rr.ff m; ROLLBACK"; }
q "CREATE MATERIALIZED VIEW rr.ff WITH (fillfactor = 50) AS SELECT k, v, k % 7 AS g FROM rr.t;
   CREATE UNIQUE INDEX ON rr.ff (k); CREATE INDEX ON rr.ff (g)" >/dev/null
ok "$(xs rr.ff)" "0 0 0 0" "in place: unchanged rows are left as they are (no write at all)"
q "UPDATE rr.t SET v = v + 1 WHERE k <= 100; DELETE FROM rr.t WHERE k > 990; INSERT INTO rr.t VALUES (1001, 5), (1002, 6);
   UPDATE rr.t SET k = k + 2000 WHERE k IN (501, 502); INSERT INTO rr.t VALUES (NULL, 7)" >/dev/null
ok "$(xs rr.ff)" "5 100 100 12" \
	"in place: changed rows updated (HOT: no indexed column changed), new keys and a NULL key inserted, keys gone deleted"
ok "$(ff_md5)" "$(ff_refresh_md5)" "in place: the same contents as REFRESH MATERIALIZED VIEW"
ok "$(xs rr.ff)" "1 0 0 1" "in place: a NULL key is never matched (NULLs are distinct): its row is inserted again, the old one deleted"
q "UPDATE rr.t SET k = 3000 WHERE k = 100" >/dev/null
ok "$(xs rr.ff) $(ff_md5)" "2 0 0 2 $(ff_refresh_md5)" "in place: a key moved to a free value is a delete and an insert (and the NULL key's)"
before=$(ff_md5)
q "INSERT INTO rr.t VALUES (5, 123)" >/dev/null
like "$(qv "SELECT clientele.matview_replace('rr.ff')")" "ERROR:  23505: duplicate key value violates unique constraint" \
	"in place: a second row of a key already replaced is an error (23505) of the unique index"
ok "$(ff_md5)" "$before" "and leaves the previous contents"
q "DELETE FROM rr.t WHERE k = 5 AND v = 123" >/dev/null
ok "$(xs rr.ff) $(ff_md5)" "1 0 0 1 $before" "and once the duplicate is gone it replaces the rows"
ok "$(q "SELECT array_to_string(reloptions, ',') FROM pg_class WHERE oid = 'clientele.customer_scorecard'::regclass")" "fillfactor=50" \
	"the scorecard leaves room for in-place updates (fillfactor 50)"
ok "$(q "BEGIN; CALL clientele.refresh('2025-12-31');
         SELECT n_tup_ins || ' ' || n_tup_upd || ' ' || n_tup_del FROM pg_stat_xact_user_tables
         WHERE relid = 'clientele.customer_scorecard'::regclass; ROLLBACK" | tail -1)" "0 0 0" \
	"a refresh of the same date again writes no scorecard row (every row unchanged)"
# (whether the updates are HOT depends on the pruning of the previous
# versions, which an older snapshot of any session holds back: not asserted)
want=$(q "SELECT (SELECT count(*) FROM clientele.customer_result p WHERE p.as_of = '2025-06-30'
                  AND NOT EXISTS (SELECT 1 FROM clientele.customer_scorecard s WHERE s.customer_id = p.customer_id))
          || ' ' || (SELECT count(*) FROM clientele.customer_result p JOIN clientele.customer_scorecard s USING (customer_id)
                     WHERE p.as_of = '2025-06-30')
          || ' ' || (SELECT count(*) FROM clientele.customer_scorecard s WHERE NOT EXISTS (SELECT 1 FROM clientele.customer_result p
                     WHERE p.as_of = '2025-06-30' AND p.customer_id = s.customer_id))")
ok "$(q "BEGIN; DELETE FROM clientele.customer_result WHERE as_of = '2025-12-31';
         SELECT clientele.matview_replace('clientele.customer_scorecard');
         SELECT n_tup_ins || ' ' || n_tup_upd || ' ' || n_tup_del
         FROM pg_stat_xact_user_tables WHERE relid = 'clientele.customer_scorecard'::regclass; ROLLBACK" | tail -1)" "$want" \
	"the scorecard of another date: each customer of both dates updated in place, the others inserted or deleted"

# --- bad calls -------------------------------------------------------------------
like "$(qv "SELECT clientele.matview_replace('clientele.customer_result')")" \
	'ERROR:  42809: "customer_result" is not a materialized view' "a table is refused (42809)"
like "$(qv "SELECT clientele.matview_replace('clientele.my_customer_scorecard')")" \
	'ERROR:  42809: "my_customer_scorecard" is not a materialized view' "a view is refused (42809)"
like "$(qv "SELECT clientele.matview_replace(0)")" "ERROR:  42P01: relation with OID 0 does not exist" "an unknown OID (42P01)"
out=$(qv "SELECT clientele.matview_replace('rr.empty')")
like "$out" 'ERROR:  55000: materialized view "empty" has not been populated' "a view never populated is refused (55000)"
like "$out" "HINT:  Use REFRESH MATERIALIZED VIEW once first." "with a hint"
like "$(qv "BEGIN READ ONLY; SELECT clientele.matview_replace('rr.mv')")" \
	"ERROR:  25006: cannot execute clientele.matview_replace() in a read-only transaction" "it writes: refused in a read-only transaction (25006), as REFRESH"
like "$(qv "BEGIN; DECLARE c CURSOR FOR SELECT * FROM rr.mv; FETCH 1 FROM c; SELECT clientele.matview_replace('rr.mv')")" \
	'ERROR:  55006: cannot REFRESH MATERIALIZED VIEW "mv" because it is being used by active queries in this session' \
	"a view an open cursor of the session reads is refused (55006)"
q "CREATE ROLE reports_replace_other; GRANT USAGE ON SCHEMA rr, clientele TO reports_replace_other;
   GRANT SELECT ON rr.mv TO reports_replace_other;
   GRANT EXECUTE ON FUNCTION clientele.matview_replace(regclass) TO reports_replace_other" >/dev/null 2>&1
like "$(qv "SET ROLE reports_replace_other; SELECT clientele.matview_replace('rr.mv')")" \
	'ERROR:  42501: must be owner of materialized view mv' "only the owner may replace (as REFRESH), even with EXECUTE"
q "REVOKE EXECUTE ON FUNCTION clientele.matview_replace(regclass) FROM reports_replace_other" >/dev/null
ok "$(q "SELECT string_agg(r || '=' || has_function_privilege(r, 'clientele.matview_replace(regclass)', 'EXECUTE'), ' ' ORDER BY r)
         FROM unnest(ARRAY['clientele_admin', 'clientele_analyst', 'clientele_rm', 'reports_replace_other']) r")" \
	"clientele_admin=false clientele_analyst=false clientele_rm=false reports_replace_other=false" \
	"no role and not PUBLIC may execute it (refresh_reports runs it as the owner)"
ok "$(q "SELECT clientele.refresh_reports()")" "" "refresh_reports still runs after all that"
tm=$(view_md5 tier_migration)
q "REFRESH MATERIALIZED VIEW clientele.tier_migration WITH NO DATA" >/dev/null
ok "$(q "SELECT clientele.refresh_reports()") $(view_md5 tier_migration)" " $tm" \
	"a view left unpopulated (WITH NO DATA) is populated again by refresh_reports (plain REFRESH)"
ok "$(view_md5 customer_scorecard)" "$sc" "(same scorecard)"

echo "1..$n"
exit $failed
