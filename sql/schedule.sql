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
	v_cron_db text := current_setting('cron.database_name', true);
BEGIN
	IF v_cron_db IS NULL OR NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_cron') THEN
		RAISE EXCEPTION 'pg_cron is not loaded in this server'
			USING ERRCODE = 'object_not_in_prerequisite_state',
			      HINT = format('Install pg_cron (e.g. apt-get install postgresql-%s-cron), add it to shared_preload_libraries, set cron.database_name = %L in postgresql.conf, restart the server and run CREATE EXTENSION pg_cron in that database.',
			                    current_setting('server_version_num')::int / 10000, current_database());
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
		RAISE EXCEPTION 'pg_cron is not installed in database "%"', current_database()
			USING ERRCODE = 'object_not_in_prerequisite_state',
			      DETAIL = format('pg_cron keeps its jobs in database %L (cron.database_name).', v_cron_db),
			      HINT = CASE WHEN v_cron_db = current_database() THEN 'Run CREATE EXTENSION pg_cron.'
			             ELSE format('In database %L run: SELECT cron.schedule_in_database(%L, %L, %L, %L); or set cron.database_name = %L.',
			                         v_cron_db, clientele.refresh_job_name(), '0 2 * * *', 'CALL clientele.refresh()',
			                         current_database(), current_database()) END;
	END IF;
END $$;
COMMENT ON FUNCTION clientele.cron_check() IS
	'Internal: ERROR 55000 with a hint saying how to enable pg_cron when it is not loaded or not installed in this database.';

CREATE FUNCTION clientele.schedule_refresh(schedule text DEFAULT '0 2 * * *', as_of date DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_command text;
	v_job bigint;
BEGIN
	IF schedule IS NULL OR btrim(schedule) = '' THEN
		RAISE EXCEPTION 'schedule must not be empty' USING ERRCODE = 'invalid_parameter_value',
			HINT = 'A cron expression such as ''0 2 * * *'' (02:00 every day) or ''30 seconds''.';
	END IF;
	IF as_of IS NOT NULL THEN
		PERFORM clientele.refresh_check_as_of(as_of);
	END IF;
	PERFORM clientele.cron_check();
	v_command := CASE WHEN as_of IS NULL THEN 'CALL clientele.refresh()'
	                  ELSE format('CALL clientele.refresh(%L::date)', as_of) END;
	EXECUTE 'SELECT cron.schedule_in_database($1, $2, $3, $4)'
		INTO v_job USING clientele.refresh_job_name(), schedule, v_command, current_database();
	RETURN v_job;
END $$;
COMMENT ON FUNCTION clientele.schedule_refresh(text, date) IS
	'Schedules CALL clientele.refresh() (as of the run date, or of the fixed as_of) with pg_cron under the job name clientele.refresh_job_name(); calling it again updates the job (idempotent). Returns the pg_cron job id. Needs pg_cron installed in this database and EXECUTE on cron.schedule_in_database; otherwise ERROR 55000 with a hint.';

CREATE FUNCTION clientele.unschedule_refresh() RETURNS boolean
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_found boolean;
BEGIN
	PERFORM clientele.cron_check();
	EXECUTE 'SELECT EXISTS (SELECT 1 FROM cron.job WHERE jobname OPERATOR(pg_catalog.=) $1)' INTO v_found
		USING clientele.refresh_job_name();
	IF v_found THEN
		EXECUTE 'SELECT cron.unschedule($1)' USING clientele.refresh_job_name();
	END IF;
	RETURN v_found;
END $$;
COMMENT ON FUNCTION clientele.unschedule_refresh() IS
	'Removes the pg_cron job of this database''s refresh; true when there was one, false otherwise (idempotent).';
