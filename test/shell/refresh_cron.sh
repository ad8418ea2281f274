#!/usr/bin/env bash
# Scheduling through a real pg_cron (the test cluster preloads it with
# cron.database_name = 'postgres'): a job every 2 seconds runs the refresh
# and leaves a refresh_log row; scheduling is idempotent; unscheduling
# removes the job; without pg_cron in the database, a clear error with a hint.
# Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
q() { PGOPTIONS="-c client_min_messages=warning" "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -d "$1" -c "$2" 2>&1; }
cleanup() {
	q postgres "SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname LIKE 'clientele_refresh_%'" >/dev/null 2>&1
	q postgres "DROP EXTENSION IF EXISTS clientele CASCADE" >/dev/null 2>&1
	q postgres "DROP EXTENSION IF EXISTS pg_cron" >/dev/null 2>&1
	q postgres "DROP DATABASE IF EXISTS refresh_nocron" >/dev/null 2>&1
}
trap cleanup EXIT

cron_db=$(q postgres "SHOW cron.database_name")
if [ "$cron_db" != postgres ]; then
	echo "ok 1 # SKIP pg_cron is not preloaded with cron.database_name = postgres in this cluster"; echo "1..1"; exit 0
fi

# another database: pg_cron lives in "postgres"
q postgres "DROP DATABASE IF EXISTS refresh_nocron" >/dev/null; q postgres "CREATE DATABASE refresh_nocron" >/dev/null
q refresh_nocron "CREATE EXTENSION clientele" >/dev/null
out=$(q refresh_nocron "SELECT clientele.schedule_refresh()")
like "$out" "ERROR:  55000: pg_cron is not installed in database \"refresh_nocron\"" "without pg_cron in the database: SQLSTATE 55000"
like "$out" "HINT:  In database 'postgres' run: SELECT cron.schedule_in_database('clientele_refresh_refresh_nocron'" "the hint gives the command to run there"
like "$(q refresh_nocron "SELECT clientele.unschedule_refresh()")" "ERROR:  55000" "unschedule_refresh says the same"

# the cron database itself
q postgres "CREATE EXTENSION IF NOT EXISTS pg_cron" >/dev/null
q postgres "CREATE EXTENSION clientele" >/dev/null
q postgres "SELECT count(*) FROM clientele.generate_demo_bank(300, 5)" >/dev/null
like "$(q postgres "SELECT clientele.schedule_refresh('')")" "ERROR:  22023: schedule must not be empty" "an empty schedule is rejected"
like "$(q postgres "SELECT clientele.schedule_refresh('2 seconds', '2030-01-01')")" "ERROR:  22023: as_of 2030-01-01" "a fixed as_of beyond the data is rejected when scheduling"
like "$(q postgres "SELECT clientele.schedule_refresh('0 2 * * *', days_back => -1)")" \
	"ERROR:  22023: days_back must be between 0 and 366, got -1" "a negative days_back is rejected"
like "$(q postgres "SELECT clientele.schedule_refresh('0 2 * * *', days_back => NULL)")" \
	"ERROR:  22023: days_back must be between 0 and 366, got NULL" "a NULL days_back is rejected"
ok "$(q postgres "SELECT count(*) FROM cron.job")" "0" "a rejected call schedules nothing"
# the default job refreshes the day that has just closed (a job after midnight)
job=$(q postgres "SELECT clientele.schedule_refresh()")
ok "$(q postgres "SELECT schedule || ' | ' || command FROM cron.job WHERE jobid = $job")" \
	"0 2 * * * | CALL clientele.refresh(current_date - 1)" "by default the nightly job refreshes as of the day before its run"
# the job's command, run as pg_cron runs it: as of yesterday (the demo data end in 2025, so the refresh
# stops at its as-of check, which names the date the expression gave)
like "$(q postgres "$(q postgres "SELECT command FROM cron.job WHERE jobid = $job")")" \
	"ERROR:  22023: as_of $(q postgres "SELECT current_date - 1")" "the command refreshes as of the day before the run date"
q postgres "SELECT clientele.schedule_refresh('45 23 * * *', days_back => 0)" >/dev/null
ok "$(q postgres "SELECT count(*) || ' | ' || min(schedule) || ' | ' || min(command) FROM cron.job")" \
	"1 | 45 23 * * * | CALL clientele.refresh()" "days_back => 0: as of the run date (the same job, updated)"
q postgres "SELECT clientele.schedule_refresh(days_back => 7)" >/dev/null
ok "$(q postgres "SELECT min(command) FROM cron.job")" "CALL clientele.refresh(current_date - 7)" "days_back => 7"
ok "$(q postgres "SELECT clientele.unschedule_refresh()")" "t" "unscheduled again"
# pg_cron >= 1.5 runs '[1-59] seconds' schedules; 1.4 (Debian 12) has minutes only
every='2 seconds'; wait_s=30
job=$(q postgres "SELECT clientele.schedule_refresh('$every', '2025-12-31')")
case "$job" in *"invalid schedule"*) every='* * * * *'; wait_s=75
	job=$(q postgres "SELECT clientele.schedule_refresh('$every', '2025-12-31')");; esac
echo "# pg_cron $(q postgres "SELECT extversion FROM pg_extension WHERE extname = 'pg_cron'"), schedule '$every'"
ok "$(q postgres "SELECT jobname || ' | ' || schedule || ' | ' || command || ' | ' || database FROM cron.job WHERE jobid = $job")" \
	"clientele_refresh_postgres | $every | CALL clientele.refresh('2025-12-31'::date) | postgres" "schedule_refresh creates a named pg_cron job"
job2=$(q postgres "SELECT clientele.schedule_refresh('0 2 * * *', '2025-12-31')")
ok "$job2" "$job" "scheduling again updates the same job (idempotent)"
ok "$(q postgres "SELECT count(*) || ' ' || min(schedule) FROM cron.job WHERE jobname = 'clientele_refresh_postgres'")" "1 0 2 * * *" "one job, new schedule"
q postgres "SELECT clientele.schedule_refresh('$every', '2025-12-31')" >/dev/null
found=
for i in $(seq 1 $wait_s); do
	if [ "$(q postgres "SELECT EXISTS (SELECT 1 FROM clientele.refresh_log WHERE status = 'ok')")" = t ]; then found=t; break; fi
	sleep 1
done
ok "$found" "t" "the job ran a refresh that left a refresh_log row with status ok"
[ -n "$found" ] || q postgres "SELECT status, return_message FROM cron.job_run_details ORDER BY runid DESC LIMIT 3" | sed 's/^/#   /'
ok "$(q postgres "SELECT count(*) > 0 FROM clientele.customer_scorecard")" "t" "and filled the scorecard"
ok "$(q postgres "SELECT clientele.unschedule_refresh()")" "t" "unschedule_refresh removes the job"
ok "$(q postgres "SELECT count(*) FROM cron.job WHERE jobname = 'clientele_refresh_postgres'")" "0" "the job is gone"
ok "$(q postgres "SELECT clientele.unschedule_refresh()")" "f" "unscheduling again is harmless (false)"

echo "1..$n"
exit $failed
