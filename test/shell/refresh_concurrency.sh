#!/usr/bin/env bash
# clientele.refresh as operations meet it: one at a time (55P03 naming the
# holder, or wait => true), readers never blocked, and an error, a cancel or
# a terminated session mid-way leaves the previous results complete and the
# next refresh succeeds.  Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
DB=refresh_conc
q() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d $DB -c "$1" 2>&1; }
qv() { PGOPTIONS="-c client_min_messages=warning" "$BIN/psql" -X -q -At -v VERBOSITY=verbose -d $DB -c "$1" 2>&1; }
bg_pids=()
cleanup() { for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; "$BIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1; }
trap cleanup EXIT
wait_for() { # SQL returning t; up to 30 s
	local i; for i in $(seq 1 150); do [ "$(q "$1")" = t ] && return 0; sleep 0.2; done; return 1; }
results_md5() { q "SELECT md5(string_agg(r::text, '|' ORDER BY as_of, customer_id)) FROM clientele.customer_result r"; }

"$BIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
q "CREATE EXTENSION clientele" >/dev/null
q "SELECT count(*) FROM clientele.generate_demo_bank(600, 3)" >/dev/null
export PGOPTIONS="-c client_min_messages=warning"
ok "$(q "CALL clientele.refresh('2025-06-30')")" "" "a top-level CALL refresh succeeds"
ok "$(q "SELECT status || ' ' || (customers > 0) || ' ' || jsonb_array_length(stages) FROM clientele.refresh_log ORDER BY refresh_id DESC LIMIT 1")" \
	"ok true 11" "refresh_log: status ok, customers, one entry per stage"
ok "$(PGOPTIONS= "$BIN/psql" -X -q -At -d $DB -c "CALL clientele.refresh('2025-06-30')" 2>&1 | grep -c '^NOTICE:  refresh stage .*: [0-9]* rows in [0-9.]* ms$')" "11" \
	"a NOTICE per stage with rows and elapsed time"
before=$(results_md5)
scorecard=$(q "SELECT count(*) FROM clientele.customer_scorecard")

# --- one at a time ---------------------------------------------------------
"$BIN/psql" -X -q -d $DB -c "BEGIN" -c "CALL clientele.refresh('2025-12-31')" -c "SELECT pg_sleep(4)" -c "COMMIT" >/dev/null 2>&1 &
bg_pids+=($!)
wait_for "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = '$DB' AND query = 'SELECT pg_sleep(4)')" || echo "# the holder did not start"
holder=$(q "SELECT pid FROM pg_stat_activity WHERE datname = '$DB' AND query = 'SELECT pg_sleep(4)'")
out=$(qv "CALL clientele.refresh('2025-12-31')")
like "$out" "ERROR:  55P03: another clientele refresh is running in database \"$DB\"" "a second refresh fails at once with SQLSTATE 55P03"
like "$out" "DETAIL:  Session pid $holder (user postgres) holds the refresh lock" "the error names the holder's pid and user"
like "$out" "wait => true" "and hints at wait => true"
t0=$(date +%s%N)
ok "$(q "SET statement_timeout = '2s'; SELECT count(*) FROM clientele.customer_scorecard")" "$scorecard" \
	"a reader is not blocked by the running refresh and sees the previous results"
ok "$(q "SELECT count(*) FROM clientele.customer_scorecard WHERE as_of = '2025-06-30'")" "$scorecard" "(the previous date's)"
ok "$(qv "CALL clientele.refresh('2025-12-31', wait => true)")" "" "wait => true queues behind the holder and succeeds"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
ok "$([ $ms -ge 1000 ] && echo waited)" "waited" "it waited for the holder (${ms} ms)"
wait "${bg_pids[@]}" 2>/dev/null; bg_pids=()
ok "$(q "SELECT count(*) FROM clientele.refresh_log WHERE as_of = '2025-12-31' AND status = 'ok'")" "2" \
	"both are logged (the holder's row committed with its transaction)"
q "CALL clientele.refresh('2025-06-30')" >/dev/null
ok "$(q "SELECT max(as_of) FROM clientele.customer_scorecard")" "2025-12-31" "the scorecard shows the latest date after a refresh of an earlier one"
before=$(results_md5)

# --- an error mid-way ------------------------------------------------------
q "INSERT INTO clientele.segment_definition (segment, description, predicate) VALUES ('broken', 'fails at run time', 'aum / (accounts - accounts) > 0')" >/dev/null
out=$(qv "CALL clientele.refresh('2025-12-31')")
like "$out" "ERROR:  22012: division by zero" "an error in a stage fails the refresh with its SQLSTATE"
ok "$(results_md5)" "$before" "the previous results are complete and unchanged"
ok "$(q "SELECT status || ' ' || sqlstate || ' ' || error FROM clientele.refresh_log ORDER BY refresh_id DESC LIMIT 1")" \
	"failed 22012 division by zero" "refresh_log records the failure and its error"
q "UPDATE clientele.segment_definition SET active = false WHERE segment = 'broken'" >/dev/null
ok "$(q "CALL clientele.refresh('2025-12-31')")" "" "the next refresh succeeds"
before=$(results_md5)

# --- cancel and terminate mid-way (the store stage waits on a lock) ---------
block_store() {
	"$BIN/psql" -X -q -d $DB -c "BEGIN" -c "LOCK TABLE clientele.segment_membership IN ACCESS EXCLUSIVE MODE" -c "SELECT pg_sleep(60)" >/dev/null 2>&1 &
	blocker=$!; bg_pids+=($blocker)
	wait_for "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = '$DB' AND query = 'SELECT pg_sleep(60)')" || echo "# blocker did not start"
	"$BIN/psql" -X -q -d $DB -c "CALL clientele.refresh('2025-12-31')" >/tmp/refresh_conc_out.$$ 2>&1 &
	refresher=$!; bg_pids+=($refresher)
	wait_for "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = '$DB' AND wait_event_type = 'Lock' AND query LIKE 'CALL clientele.refresh%')" \
		|| echo "# the refresh did not reach the store stage"
	rpid=$(q "SELECT pid FROM pg_stat_activity WHERE datname = '$DB' AND query LIKE 'CALL clientele.refresh%'")
}
unblock() { q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$DB' AND query = 'SELECT pg_sleep(60)'" >/dev/null; wait "${bg_pids[@]}" 2>/dev/null; bg_pids=(); }

block_store
q "SELECT pg_cancel_backend($rpid)" >/dev/null
wait $refresher 2>/dev/null
like "$(cat /tmp/refresh_conc_out.$$)" "canceling statement due to user request" "a cancelled refresh stops"
unblock
ok "$(results_md5)" "$before" "a cancel mid-way leaves the previous results"
ok "$(q "SELECT status || ' ' || sqlstate FROM clientele.refresh_log ORDER BY refresh_id DESC LIMIT 1")" "failed 57014" "and is logged as failed (57014)"

block_store
q "SELECT pg_terminate_backend($rpid)" >/dev/null
wait $refresher 2>/dev/null
unblock
ok "$(results_md5)" "$before" "a terminated refresh leaves the previous results"
ok "$(q "SELECT status FROM clientele.refresh_log ORDER BY refresh_id DESC LIMIT 1")" "running" "(its log row still says running)"
ok "$(q "CALL clientele.refresh('2025-12-31')")" "" "the next refresh succeeds (the lock died with the session)"
ok "$(q "SELECT string_agg(status, ',' ORDER BY refresh_id) FROM (SELECT * FROM clientele.refresh_log ORDER BY refresh_id DESC LIMIT 2) l")" \
	"aborted,ok" "and marks the terminated refresh as aborted"
rm -f /tmp/refresh_conc_out.$$

# --- bad calls --------------------------------------------------------------
like "$(qv "CALL clientele.refresh('2027-01-01')")" "ERROR:  22023: as_of 2027-01-01 is 366 days after the newest input row (2025-12-31), more than 31 days" "an as_of beyond the data is an error"
like "$(qv "CALL clientele.refresh('2027-01-01')")" "HINT:  Load the inputs up to the date, pick an earlier as_of" "with a hint"
like "$(qv "CALL clientele.refresh(NULL)")" "ERROR:  22004: as_of must not be NULL" "NULL as_of"
like "$(qv "CALL clientele.refresh('infinity')")" "ERROR:  22023: as_of must be a finite date" "infinite as_of"
like "$(qv "CALL clientele.refresh('2025-12-31', NULL)")" "ERROR:  22004: wait must not be NULL" "NULL wait"
like "$(qv "SELECT clientele.purge_history(0)")" "ERROR:  22023: retention_days must be at least 1" "purge_history checks its argument"
q "UPDATE clientele.refresh_config SET retention_days = 100" >/dev/null
ok "$(q "SELECT clientele.purge_history() > 0")" "t" "purge_history removes history older than the retention"
ok "$(q "SELECT string_agg(DISTINCT as_of::text, ',') FROM clientele.customer_result")" "2025-12-31" "keeping the newest date"
ok "$(q "SELECT string_agg(as_of::text, ',') FROM clientele.lifecycle_recorded")" "2025-12-31" "and the stage history's recorded dates before the cutoff (purge_lifecycle_history)"
ok "$(q "SELECT count(*) FILTER (WHERE valid_from < '2025-12-31') || ',' || (count(*) FILTER (WHERE valid_to IS NULL) = (SELECT customers FROM clientele.lifecycle_recorded)) FROM clientele.lifecycle_history")" "0,true" \
	"whose periods still held on the kept date start on it: every customer classified then keeps one open period"

echo "1..$n"
exit $failed
