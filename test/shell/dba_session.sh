#!/usr/bin/env bash
# clientele as a bank's DBA runs it, with real login roles (not SET ROLE):
#   - CALL clientele.refresh(...) in a query string with several statements
#     (psql -c "SET ...; CALL ...": PostgreSQL's implicit transaction block,
#     where a procedure may not COMMIT) works and leaves no lock behind;
#   - a refresh that fails where it holds its session-level lock outside
#     refresh_compute (log insert, final log update) gives the lock back, and
#     a lock left over in a session is dropped by that session's next refresh;
#   - a refresh inside BEGIN ... ROLLBACK leaves nothing;
#   - a clientele_admin login (not a superuser) schedules and unschedules the
#     refresh through pg_cron once granted pg_cron's rights, and gets a clear
#     42501 / 55000 otherwise;
#   - relationship managers, an analyst and a role without clientele role,
#     each logged in, see what docs/reporting.md says and nothing more.
# Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
DB=dba_session
export PGOPTIONS="-c client_min_messages=warning"
# q [-U role] [-d db] SQL...: one session, each SQL one -c
q() {
	local u=${PGUSER:-postgres} d=$DB
	while :; do case "$1" in -U) u=$2; shift 2;; -d) d=$2; shift 2;; *) break;; esac; done
	local args=(); for s in "$@"; do args+=(-c "$s"); done
	"$BIN/psql" -X -q -At -v VERBOSITY=verbose -U "$u" -d "$d" "${args[@]}" 2>&1
}
ROLES="qa6_adm qa6_rm1 qa6_rm2 qa6_ana qa6_nobody"
cleanup() {
	q -d postgres "SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname LIKE 'clientele_refresh_%'" >/dev/null 2>&1
	q -d postgres "DROP EXTENSION IF EXISTS clientele CASCADE" >/dev/null 2>&1
	q -d postgres "DROP EXTENSION IF EXISTS pg_cron" >/dev/null 2>&1
	q -d postgres "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
	for r in $ROLES; do q -d postgres "DROP ROLE IF EXISTS $r" >/dev/null 2>&1; done
}
trap cleanup EXIT
cleanup
q -d postgres "CREATE DATABASE $DB" >/dev/null
q "CREATE EXTENSION clientele" >/dev/null
q "SELECT count(*) FROM clientele.generate_demo_bank(240, 4)" >/dev/null
q "CREATE ROLE qa6_adm LOGIN IN ROLE clientele_admin" "CREATE ROLE qa6_ana LOGIN IN ROLE clientele_analyst" \
	"CREATE ROLE qa6_rm1 LOGIN IN ROLE clientele_rm" "CREATE ROLE qa6_rm2 LOGIN IN ROLE clientele_rm" "CREATE ROLE qa6_nobody LOGIN" >/dev/null
q "UPDATE clientele.customer SET relationship_manager = CASE customer_id % 3 WHEN 0 THEN 'qa6_rm1' WHEN 1 THEN 'qa6_rm2' ELSE relationship_manager END" >/dev/null
held="SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND classid = 1668050548 AND objid = 1"

# --- refresh in a multi-statement query string ---------------------------------
out=$("$BIN/psql" -X -q -At -v VERBOSITY=verbose -U qa6_adm -d $DB -c "SET work_mem = '32MB'; CALL clientele.refresh('2025-06-30')" -c "$held" 2>&1)
ok "$out" "0" "CALL refresh in a query string with several statements succeeds (no 2D000) and holds no lock after"
ok "$(q "SELECT status || ' ' || as_of FROM clientele.refresh_log ORDER BY refresh_id DESC LIMIT 1")" "ok 2025-06-30" "its log row says ok"
ok "$(q -U qa6_adm "CALL clientele.refresh('2025-12-31')")" "" "another session refreshes right after"
before=$(q "SELECT md5(string_agg(r::text, '|' ORDER BY as_of, customer_id)) FROM clientele.customer_result r")

# --- in the caller's transaction --------------------------------------------------
ok "$(q -U qa6_adm "BEGIN" "CALL clientele.refresh('2025-11-30')" "ROLLBACK" "$held")" "0" \
	"BEGIN; CALL refresh; ROLLBACK leaves no lock"
ok "$(q "SELECT count(*) FROM clientele.customer_result WHERE as_of = '2025-11-30'")/$(q "SELECT count(*) FROM clientele.refresh_log WHERE as_of = '2025-11-30'")" "0/0" \
	"and no results nor log row"

# --- called from a function (atomic: no COMMIT) or a DO block (may commit) ----------
q "CREATE FUNCTION public.qa6_wrap(d date) RETURNS bigint LANGUAGE plpgsql AS \$\$ BEGIN CALL clientele.refresh(d); RETURN (SELECT count(*) FROM clientele.customer_result WHERE as_of = d); END \$\$" >/dev/null
out=$(q -U qa6_adm "SELECT public.qa6_wrap('2025-12-31') > 0" "$held")
ok "$out" "t
0" "CALL refresh from a function works in the caller's transaction and holds no lock after"
out=$(q -U qa6_adm "DO \$\$ BEGIN CALL clientele.refresh('2025-12-31'); END \$\$" "$held")
ok "$out" "0" "CALL refresh from a DO block works and holds no lock after"
q "DROP FUNCTION public.qa6_wrap(date)" >/dev/null

# --- a failure outside refresh_compute gives the lock back -------------------------
q "CREATE FUNCTION public.qa6_fail() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN RAISE EXCEPTION 'qa6 log failure' USING ERRCODE = 'P0001'; END \$\$" >/dev/null
q "CREATE TRIGGER qa6_fail BEFORE INSERT ON clientele.refresh_log FOR EACH ROW EXECUTE FUNCTION public.qa6_fail()" >/dev/null
out=$(q -U qa6_adm "CALL clientele.refresh('2025-12-31')" "$held")
like "$out" "ERROR:  P0001: qa6 log failure" "a refresh whose log row cannot be written fails with that error"
ok "$(echo "$out" | tail -1)" "0" "and does not keep the refresh lock in its session"
q "DROP TRIGGER qa6_fail ON clientele.refresh_log" >/dev/null
q "CREATE TRIGGER qa6_fail BEFORE UPDATE ON clientele.refresh_log FOR EACH ROW WHEN (NEW.status = 'ok') EXECUTE FUNCTION public.qa6_fail()" >/dev/null
out=$(q -U qa6_adm "CALL clientele.refresh('2025-12-31')" "$held")
like "$out" "ERROR:  P0001: qa6 log failure" "a refresh failing at its final log update fails with that error"
ok "$(echo "$out" | tail -1)" "0" "and does not keep the refresh lock in its session"
ok "$(q "SELECT status || ' ' || sqlstate || ' ' || error FROM clientele.refresh_log ORDER BY refresh_id DESC LIMIT 1")" "failed P0001 qa6 log failure" \
	"and is logged as failed"
q "DROP TRIGGER qa6_fail ON clientele.refresh_log" "DROP FUNCTION public.qa6_fail()" >/dev/null
ok "$(q "SELECT md5(string_agg(r::text, '|' ORDER BY as_of, customer_id)) FROM clientele.customer_result r")" "$before" \
	"the failed refreshes left the previous results"
ok "$(q -U qa6_adm "CALL clientele.refresh('2025-12-31')")" "" "another session refreshes right after"
out=$(q -U qa6_adm "SELECT pg_advisory_lock(1668050548, 1)" "CALL clientele.refresh('2025-12-31')" "$held")
ok "$(echo "$out" | tail -1)" "0" "a session-level refresh lock left over in a session is dropped by its next refresh"
# The refresh is slowed down deterministically (a statement trigger sleeping while the
# refresh stores its results, lock held): a bare short timeout raced a small, fast refresh.
q "CREATE FUNCTION public.qa6_slow() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN PERFORM pg_sleep(30); RETURN NULL; END \$\$" \
	"CREATE TRIGGER qa6_slow BEFORE INSERT ON clientele.customer_result FOR EACH STATEMENT EXECUTE FUNCTION public.qa6_slow()" >/dev/null
out=$(q -U qa6_adm "SET statement_timeout = '300ms'" "CALL clientele.refresh('2025-12-31')" "RESET statement_timeout" "$held")
q "DROP TRIGGER qa6_slow ON clientele.customer_result" "DROP FUNCTION public.qa6_slow()" >/dev/null
like "$out" "57014" "a refresh cancelled by statement_timeout fails with 57014"
ok "$(echo "$out" | tail -1)" "0" "and leaves no lock in its session"
ok "$(q "SELECT md5(string_agg(r::text, '|' ORDER BY as_of, customer_id)) FROM clientele.customer_result r")" "$before" \
	"and the previous results"

# --- scheduling as a clientele_admin login ----------------------------------------
cron_db=$(q -d postgres "SHOW cron.database_name")
if [ "$cron_db" != postgres ]; then
	for i in 1 2 3 4 5 6 7 8; do n=$((n+1)); echo "ok $n # SKIP pg_cron is not preloaded with cron.database_name = postgres"; done
else
	like "$(q -U qa6_adm "SELECT clientele.schedule_refresh()")" "ERROR:  55000: pg_cron is not installed in database \"$DB\"" \
		"admin login, pg_cron elsewhere: 55000 (not a 42501 about reading cron.database_name)"
	q -d postgres "CREATE EXTENSION IF NOT EXISTS pg_cron" "CREATE EXTENSION clientele" >/dev/null
	q -d postgres "SELECT count(*) FROM clientele.generate_demo_bank(100, 4)" >/dev/null
	q -d postgres "REVOKE ALL ON SCHEMA cron FROM clientele_admin" >/dev/null
	out=$(q -U qa6_adm -d postgres "SELECT clientele.schedule_refresh('0 3 * * *')")
	like "$out" "ERROR:  42501: permission denied to schedule the refresh with pg_cron" "admin login without pg_cron's grants: 42501"
	like "$out" "HINT:  As a superuser: GRANT USAGE ON SCHEMA cron TO clientele_admin;" "with the GRANTs as hint"
	q -d postgres "GRANT USAGE ON SCHEMA cron TO clientele_admin" \
		"GRANT EXECUTE ON FUNCTION cron.schedule_in_database(text, text, text, text, text, boolean) TO clientele_admin" >/dev/null
	job=$(q -U qa6_adm -d postgres "SELECT clientele.schedule_refresh('0 3 * * *')")
	ok "$(q -d postgres "SELECT username || ' ' || schedule || ' ' || command FROM cron.job WHERE jobid = '$job'")" \
		"qa6_adm 0 3 * * * CALL clientele.refresh(current_date - 1)" "an admin login schedules the refresh (the job runs as that login)"
	ok "$(q -U qa6_adm -d postgres "SELECT clientele.schedule_refresh('0 4 * * *')")" "$job" "rescheduling updates the same job"
	ok "$(q -U qa6_adm -d postgres "SELECT clientele.unschedule_refresh()")/$(q -d postgres "SELECT count(*) FROM cron.job")" "t/0" \
		"and unschedules it"
	job=$(q -U qa6_adm -d postgres "SELECT clientele.schedule_refresh('0 3 * * *')")
	ok "$(q -d postgres "SELECT clientele.schedule_refresh('0 6 * * *')")/$(q -d postgres "SELECT count(*) || ' ' || min(schedule) || ' ' || min(username) FROM cron.job")" \
		"$job/1 0 6 * * * qa6_adm" "a superuser rescheduling updates the admin's job (no second job)"
	ok "$(q -d postgres "SELECT clientele.unschedule_refresh()")/$(q -d postgres "SELECT count(*) FROM cron.job")" "t/0" \
		"a superuser unschedules the job an admin login scheduled (no pg_cron XX000)"
	q -d postgres "REVOKE ALL ON SCHEMA cron FROM clientele_admin" \
		"REVOKE ALL ON FUNCTION cron.schedule_in_database(text, text, text, text, text, boolean) FROM clientele_admin" >/dev/null
	q -d postgres "DROP EXTENSION clientele CASCADE" "DROP EXTENSION pg_cron" >/dev/null
fi

# --- what each login sees -------------------------------------------------------------
rm_sees() { # role -> "rows in customer_result/my_customer_scorecard/my_churn_watchlist/segment_membership that are not theirs"
	q -U "$1" "SELECT (SELECT count(*) FROM clientele.customer_result WHERE relationship_manager IS DISTINCT FROM current_user)
	  || '/' || (SELECT count(*) FROM clientele.my_customer_scorecard WHERE relationship_manager IS DISTINCT FROM current_user)
	  || '/' || (SELECT count(*) FROM clientele.my_churn_watchlist WHERE relationship_manager IS DISTINCT FROM current_user)
	  || '/' || (SELECT count(*) FROM clientele.segment_membership m WHERE NOT EXISTS (SELECT 1 FROM clientele.customer_result r
	             WHERE r.as_of = m.as_of AND r.customer_id = m.customer_id))
	  || '/' || (SELECT count(*) FROM clientele.my_kpi_summary WHERE group_value <> current_user)"; }
own() { q "SELECT (SELECT count(*) FROM clientele.customer_result WHERE relationship_manager = '$1') || '/' ||
	(SELECT count(*) FROM clientele.customer_scorecard WHERE relationship_manager = '$1')"; }
for r in qa6_rm1 qa6_rm2; do
	ok "$(rm_sees $r)" "0/0/0/0/0" "$r (login) sees no other manager's customer in results, scorecard, watch list, memberships, KPIs"
	ok "$(q -U $r "SELECT count(*) FROM clientele.customer_result")/$(q -U $r "SELECT count(*) FROM clientele.my_customer_scorecard")" "$(own $r)" \
		"$r sees every one of their own customers"
done
for rel in customer_scorecard churn_watchlist lifecycle_history in_customer customer transaction; do
	like "$(q -U qa6_rm1 "SELECT count(*) FROM clientele.$rel")" "ERROR:  42501: permission denied for" "a manager cannot read clientele.$rel"
done
like "$(q -U qa6_rm1 "SELECT count(*) FROM clientele.rfm_scores('2025-12-31')")" "ERROR:  42501: permission denied for function" \
	"a manager cannot run analyses over every customer"
like "$(q -U qa6_ana "CALL clientele.refresh('2025-12-31')")" "ERROR:  42501: permission denied for procedure refresh" "an analyst cannot refresh"
like "$(q -U qa6_ana "UPDATE clientele.refresh_config SET clv_months = 6")" "ERROR:  42501: permission denied for table refresh_config" \
	"an analyst cannot write configuration"
ok "$(q -U qa6_adm "INSERT INTO clientele.segment_definition (segment, description, predicate) VALUES ('qa6_rich', 'x', 'aum > 100000')")" "" \
	"an admin login writes configuration (a segment definition)"
like "$(q -U qa6_ana "DELETE FROM clientele.segment_definition WHERE segment = 'qa6_rich'")" "ERROR:  42501: permission denied for table segment_definition" \
	"an analyst login cannot"
like "$(q -U qa6_rm1 "UPDATE clientele.customer_result SET relationship_manager = 'qa6_rm1'")" "ERROR:  42501: permission denied for table customer_result" \
	"a manager login cannot write results"
ok "$(q "SELECT count(*) FROM pg_class c, unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) p
	WHERE c.relnamespace = 'clientele'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
	  AND (has_table_privilege('qa6_ana', c.oid, p) OR has_table_privilege('qa6_rm1', c.oid, p) OR has_table_privilege('qa6_nobody', c.oid, p))")" "0" \
	"no analyst, manager or PUBLIC write privilege on any clientele relation"
ok "$(q "SELECT count(*) FROM pg_extension e, unnest(e.extconfig) x(oid) JOIN pg_class c ON c.oid = x.oid
	WHERE e.extname = 'clientele' AND c.relkind IN ('r', 'p') AND c.relname NOT IN ('customer', 'account', 'balance', 'transaction', 'interaction', 'income', 'demo_truth')
	  AND NOT (has_table_privilege('qa6_adm', c.oid, 'INSERT') AND has_table_privilege('qa6_adm', c.oid, 'UPDATE')
	           AND has_table_privilege('qa6_adm', c.oid, 'DELETE'))")" "0" \
	"an admin login may write every configuration and result table pg_dump keeps"
ok "$(q -U qa6_ana "SELECT count(*) = (SELECT count(*) FROM clientele.customer_scorecard) FROM clientele.customer_result WHERE as_of = '2025-12-31'")" "t" \
	"an analyst reads every result"
like "$(q -U qa6_nobody "SELECT count(*) FROM clientele.segment_definition")" "ERROR:  42501: permission denied for schema clientele" \
	"a login without a clientele role gets nothing (PUBLIC)"
ok "$(q "SELECT count(*) FROM pg_proc p WHERE p.pronamespace = 'clientele'::regnamespace
	AND (has_function_privilege('qa6_nobody', p.oid, 'EXECUTE') OR has_function_privilege('qa6_rm1', p.oid, 'EXECUTE'))")" "0" \
	"PUBLIC and managers may execute no clientele routine"
ok "$(q "SELECT count(*) FROM pg_proc p WHERE p.pronamespace = 'clientele'::regnamespace AND p.prosecdef
	AND NOT coalesce(p.proconfig::text LIKE '%search_path=pg_catalog, pg_temp%', false)")" "0" \
	"every SECURITY DEFINER routine has a fixed search_path"

echo "1..$n"
exit $failed
