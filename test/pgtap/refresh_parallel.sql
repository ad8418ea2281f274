-- clientele.refresh_config.max_parallel_workers_per_gather: validated on
-- write; the refresh's own statements run with the smaller of it and the
-- session's max_parallel_workers_per_gather (never more than the session's),
-- and the session's setting is back after the refresh, whether it succeeded
-- or failed.  What the refresh's statements see is read by a statement
-- trigger on clientele.customer_result (fired by the store stage).
BEGIN;
SELECT plan(21);
SET LOCAL client_min_messages = warning;
\ir include/err.sql

-- the setting
SELECT col_type_is('clientele', 'refresh_config', 'max_parallel_workers_per_gather', 'integer',
	'refresh_config.max_parallel_workers_per_gather is an integer');
SELECT col_default_is('clientele', 'refresh_config', 'max_parallel_workers_per_gather', '1',
	'its default is 1 (a leader and one worker)');
SELECT is((SELECT max_parallel_workers_per_gather FROM clientele.refresh_config), 1,
	'the shipped row caps the refresh at one worker');
SELECT isnt(col_description('clientele.refresh_config'::regclass,
	(SELECT attnum FROM pg_attribute WHERE attrelid = 'clientele.refresh_config'::regclass
	 AND attname = 'max_parallel_workers_per_gather')), NULL, 'the column is commented');

-- validated on write: the range of the server setting
SELECT is(pg_temp.err($$UPDATE clientele.refresh_config SET max_parallel_workers_per_gather = -1$$),
	'23514: new row for relation "refresh_config" violates check constraint "refresh_config_parallel_valid"',
	'a negative number of workers is refused (refresh_config_parallel_valid)');
SELECT is(pg_temp.err($$UPDATE clientele.refresh_config SET max_parallel_workers_per_gather = 1025$$),
	'23514: new row for relation "refresh_config" violates check constraint "refresh_config_parallel_valid"',
	'more than 1024 (the server setting''s maximum) is refused');
SELECT is(pg_temp.err($$UPDATE clientele.refresh_config SET max_parallel_workers_per_gather = 0$$) || ', '
	|| pg_temp.err($$UPDATE clientele.refresh_config SET max_parallel_workers_per_gather = 1024$$) || ', '
	|| pg_temp.err($$UPDATE clientele.refresh_config SET max_parallel_workers_per_gather = NULL$$),
	'ok, ok, ok', '0, 1024 and NULL are accepted');
-- a restored dump's row (an INSERT onto the row of CREATE EXTENSION) keeps it
INSERT INTO clientele.refresh_config (max_parallel_workers_per_gather) VALUES (3);
SELECT is((SELECT max_parallel_workers_per_gather || ' ' || count(*) OVER () FROM clientele.refresh_config), '3 1',
	'a restored dump''s row brings its setting (still one row)');

-- what the refresh's statements see
DO $$ BEGIN PERFORM clientele.generate_demo_bank(300, 11); END $$;
CREATE TEMP TABLE seen (setting text, work_mem text);
CREATE FUNCTION pg_temp.record_setting() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO pg_temp.seen VALUES (pg_catalog.current_setting('max_parallel_workers_per_gather'),
	                                 pg_catalog.current_setting('work_mem'));
	RETURN NULL;
END $$;
CREATE TRIGGER zz_record_setting AFTER INSERT ON clientele.customer_result
	FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.record_setting();
CREATE FUNCTION pg_temp.refresh_sees(p_cap integer, p_session text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v text;
BEGIN
	UPDATE clientele.refresh_config SET max_parallel_workers_per_gather = p_cap;
	PERFORM pg_catalog.set_config('max_parallel_workers_per_gather', p_session, true);
	TRUNCATE pg_temp.seen;
	CALL clientele.refresh('2025-06-30');
	SELECT string_agg(s.setting, ',') INTO v FROM pg_temp.seen s;
	RETURN v || ' / after: ' || pg_catalog.current_setting('max_parallel_workers_per_gather');
END $$;
SELECT is(pg_temp.refresh_sees(1, '2'), '1 / after: 2', 'a cap of 1 under a session setting of 2: the refresh runs with 1, the session has 2 again after it');
SELECT is(pg_temp.refresh_sees(0, '2'), '0 / after: 2', 'a cap of 0: serial plans inside the refresh only');
SELECT is(pg_temp.refresh_sees(4, '1'), '1 / after: 1', 'a cap above the session''s setting does not raise it');
SELECT is(pg_temp.refresh_sees(2, '2'), '2 / after: 2', 'a cap equal to the session''s setting');
SELECT is(pg_temp.refresh_sees(NULL, '3'), '3 / after: 3', 'NULL: the session''s setting');
SELECT is(pg_temp.refresh_sees(0, '0'), '0 / after: 0', 'a session setting of 0 stays 0');
SELECT is((SELECT status FROM clientele.refresh_log ORDER BY refresh_id DESC LIMIT 1), 'ok', 'those refreshes succeeded');
-- work_mem: at least 64MB inside, the session's after (as the cap, it was
-- set for the rest of the caller's transaction before)
SET LOCAL work_mem = '4MB';
CALL clientele.refresh('2025-06-30');
SELECT is((SELECT work_mem FROM pg_temp.seen ORDER BY ctid DESC LIMIT 1) || ' / after: ' || current_setting('work_mem'),
	'64MB / after: 4MB', 'work_mem is raised to 64MB inside the refresh only');
SET LOCAL work_mem = '100MB';
CALL clientele.refresh('2025-06-30');
SELECT is((SELECT work_mem FROM pg_temp.seen ORDER BY ctid DESC LIMIT 1) || ' / after: ' || current_setting('work_mem'),
	'100MB / after: 100MB', 'a larger work_mem is kept');

-- a failed refresh: the error is raised where the setting applies (the
-- store stage) and the session's setting is back after it
CREATE FUNCTION pg_temp.fail_with_setting() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'refresh sees max_parallel_workers_per_gather = %', pg_catalog.current_setting('max_parallel_workers_per_gather')
		USING ERRCODE = 'raise_exception';
END $$;
CREATE TRIGGER zz_fail_with_setting AFTER INSERT ON clientele.customer_result
	FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.fail_with_setting();
UPDATE clientele.refresh_config SET max_parallel_workers_per_gather = 1;
SET LOCAL max_parallel_workers_per_gather = 2;
SELECT is(pg_temp.err($$CALL clientele.refresh('2025-12-31')$$),
	'P0001: refresh sees max_parallel_workers_per_gather = 1', 'a failed refresh ran with the cap');
SELECT is(current_setting('max_parallel_workers_per_gather'), '2', 'and the session has its setting back after the error');
-- the same when the refresh is called inside a function that catches the error
CREATE FUNCTION pg_temp.refresh_caught() RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_catalog.set_config('max_parallel_workers_per_gather', '3', true);
	BEGIN
		CALL clientele.refresh('2025-12-31');
	EXCEPTION WHEN raise_exception THEN
		RETURN SQLERRM || ' / after: ' || pg_catalog.current_setting('max_parallel_workers_per_gather');
	END;
	RETURN 'no error';
END $$;
SELECT is(pg_temp.refresh_caught(), 'refresh sees max_parallel_workers_per_gather = 1 / after: 3',
	'caught in the caller: the cap applied inside, the caller''s setting is back');
DROP TRIGGER zz_fail_with_setting ON clientele.customer_result;

-- the setting does not change the results
UPDATE clientele.refresh_config SET max_parallel_workers_per_gather = NULL;
CALL clientele.refresh('2025-12-31');
CREATE TEMP TABLE r_unset AS SELECT * FROM clientele.customer_result WHERE as_of = '2025-12-31';
UPDATE clientele.refresh_config SET max_parallel_workers_per_gather = 0;
CALL clientele.refresh('2025-12-31');
SELECT is((SELECT md5(string_agg(r::text, '|' ORDER BY customer_id)) FROM clientele.customer_result r WHERE as_of = '2025-12-31'),
	(SELECT md5(string_agg(r::text, '|' ORDER BY customer_id)) FROM r_unset r),
	'the results with a cap of 0 are those with the server''s setting');

SELECT * FROM finish();
ROLLBACK;
