-- area: schedule
-- ===========================================================================
-- Nightly refreshes through pg_cron: one named job per database
-- ("clientele_refresh_<database>"), created or updated idempotently.
-- ===========================================================================

CREATE FUNCTION clientele.refresh_job_name() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
	SELECT 'clientele_refresh_' || current_database()
$$;
COMMENT ON FUNCTION clientele.refresh_job_name() IS 'Name of the pg_cron job of this database''s refresh: clientele_refresh_<database>.';

CREATE FUNCTION clientele.cron_check() RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_cron_db text;
	v_readable boolean := true;
BEGIN
	-- cron.database_name is readable by superusers and pg_read_all_settings
	-- only: for the others (clientele_admin, who schedules) pg_cron
	-- installed in this database is the sign it is there, since pg_cron can
	-- only be created, with its library loaded, in the database that setting names
	BEGIN
		v_cron_db := current_setting('cron.database_name', true);
	EXCEPTION WHEN insufficient_privilege THEN
		v_readable := false;
	END;
	IF v_readable AND (v_cron_db IS NULL OR NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_cron')) THEN
		RAISE EXCEPTION 'pg_cron is not loaded in this server'
			USING ERRCODE = 'object_not_in_prerequisite_state',
			      HINT = format('Install pg_cron (e.g. apt-get install postgresql-%s-cron), add it to shared_preload_libraries, set cron.database_name = %L in postgresql.conf, restart the server and run CREATE EXTENSION pg_cron in that database.',
			                    current_setting('server_version_num')::int / 10000, current_database());
	END IF;
	IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
		RETURN;
	END IF;
	RAISE EXCEPTION 'pg_cron is not installed in database "%"', current_database()
		USING ERRCODE = 'object_not_in_prerequisite_state',
		      DETAIL = CASE WHEN v_readable THEN format('pg_cron keeps its jobs in database %L (cron.database_name).', v_cron_db)
		               ELSE 'pg_cron keeps its jobs in the database named by the setting cron.database_name (readable by superusers and members of pg_read_all_settings).' END,
		      HINT = CASE WHEN v_cron_db = current_database() THEN 'Run CREATE EXTENSION pg_cron.'
		             WHEN v_readable THEN format('In database %L run: SELECT cron.schedule_in_database(%L, %L, %L, %L); or set cron.database_name = %L.',
		                         v_cron_db, clientele.refresh_job_name(), '0 2 * * *', 'CALL clientele.refresh(current_date - 1)',
		                         current_database(), current_database())
		             ELSE 'Ask a superuser to load pg_cron (shared_preload_libraries, cron.database_name) and run CREATE EXTENSION pg_cron in the database where it keeps its jobs.' END;
END $$;
COMMENT ON FUNCTION clientele.cron_check() IS
	'Internal: ERROR 55000 with a hint saying how to enable pg_cron when it is not loaded or not installed in this database.';

-- days_back: the nightly job refreshes the day that has just closed (a job at
-- 02:00 on day D computes as of D - 1, whose rows the bank's overnight load
-- has completed), not the few hours of the day it runs in
CREATE FUNCTION clientele.schedule_refresh(schedule text DEFAULT '0 2 * * *', as_of date DEFAULT NULL,
                                           days_back integer DEFAULT 1) RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_command text;
	v_job bigint;
BEGIN
	IF schedule IS NULL OR btrim(schedule) = '' THEN
		RAISE EXCEPTION 'schedule must not be empty' USING ERRCODE = 'invalid_parameter_value',
			HINT = 'A cron expression such as ''0 2 * * *'' (02:00 every day) or ''30 seconds''.';
	END IF;
	IF days_back IS NULL OR days_back < 0 OR days_back > 366 THEN
		RAISE EXCEPTION 'days_back must be between 0 and 366, got %', coalesce(days_back::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'The job refreshes as of its run date minus days_back: 1 (the default) for a job after midnight, 0 for a job late on the day itself.';
	END IF;
	IF as_of IS NOT NULL THEN
		PERFORM clientele.refresh_check_as_of(as_of);
	END IF;
	PERFORM clientele.cron_check();
	-- pg_cron grants nothing to PUBLIC: say what is missing, and how to grant it
	IF NOT has_schema_privilege('cron', 'USAGE')
	   OR NOT EXISTS (SELECT 1 FROM pg_proc p WHERE p.pronamespace OPERATOR(pg_catalog.=) 'cron'::regnamespace
	                  AND p.proname OPERATOR(pg_catalog.=) 'schedule_in_database' AND has_function_privilege(p.oid, 'EXECUTE')) THEN
		RAISE EXCEPTION 'permission denied to schedule the refresh with pg_cron'
			USING ERRCODE = 'insufficient_privilege',
			      DETAIL = format('Role %I needs USAGE on schema cron and EXECUTE on cron.schedule_in_database, which pg_cron does not grant to PUBLIC.', current_user),
			      HINT = 'As a superuser: GRANT USAGE ON SCHEMA cron TO clientele_admin; GRANT EXECUTE ON FUNCTION cron.schedule_in_database(text, text, text, text, text, boolean) TO clientele_admin;';
	END IF;
	v_command := CASE WHEN as_of IS NOT NULL THEN format('CALL clientele.refresh(%L::date)', as_of)
	                  WHEN days_back = 0 THEN 'CALL clientele.refresh()'
	                  ELSE format('CALL clientele.refresh(current_date - %s)', days_back) END;
	-- one job per database: a job of that name scheduled by another role (which
	-- only a superuser sees: pg_cron shows each role its own jobs) is updated,
	-- not doubled (pg_cron names jobs per role)
	EXECUTE 'SELECT jobid FROM cron.job WHERE jobname OPERATOR(pg_catalog.=) $1 AND username OPERATOR(pg_catalog.<>) $2 ORDER BY jobid LIMIT 1'
		INTO v_job USING clientele.refresh_job_name(), current_user::text;
	IF v_job IS NOT NULL THEN
		EXECUTE 'SELECT cron.alter_job($1, $2, $3, $4)' USING v_job, schedule, v_command, current_database();
		RETURN v_job;
	END IF;
	EXECUTE 'SELECT cron.schedule_in_database($1, $2, $3, $4)'
		INTO v_job USING clientele.refresh_job_name(), schedule, v_command, current_database();
	RETURN v_job;
END $$;
COMMENT ON FUNCTION clientele.schedule_refresh(text, date, integer) IS
	'Schedules CALL clientele.refresh() as of the run date minus days_back (default 1: a nightly job refreshes the day that has just closed; 0: the run date itself), or as of the fixed as_of, with pg_cron under the job name clientele.refresh_job_name(); calling it again updates the job (idempotent; a superuser updates the job an admin role scheduled instead of adding a second one). Returns the pg_cron job id. Needs pg_cron installed in this database and EXECUTE on cron.schedule_in_database; otherwise ERROR 55000 with a hint.';

CREATE FUNCTION clientele.unschedule_refresh() RETURNS boolean
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_found boolean;
BEGIN
	PERFORM clientele.cron_check();
	IF NOT has_schema_privilege('cron', 'USAGE') THEN
		RAISE EXCEPTION 'permission denied to unschedule the refresh with pg_cron'
			USING ERRCODE = 'insufficient_privilege',
			      DETAIL = format('Role %I needs USAGE on schema cron, which pg_cron does not grant to PUBLIC.', current_user),
			      HINT = 'As a superuser: GRANT USAGE ON SCHEMA cron TO clientele_admin;';
	END IF;
	-- by job id: pg_cron's unschedule by name finds the caller's own job only,
	-- while a superuser also sees (and may remove) one scheduled by an admin role
	EXECUTE 'SELECT count(cron.unschedule(j.jobid)) > 0 FROM (SELECT jobid FROM cron.job WHERE jobname OPERATOR(pg_catalog.=) $1 ORDER BY jobid) j'
		INTO v_found USING clientele.refresh_job_name();
	RETURN v_found;
END $$;
COMMENT ON FUNCTION clientele.unschedule_refresh() IS
	'Removes the pg_cron job of this database''s refresh (a superuser also the one an admin role scheduled); true when there was one, false otherwise (idempotent).';
