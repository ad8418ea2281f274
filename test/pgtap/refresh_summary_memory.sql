-- clientele.refresh_config.summary_memory_mb: validated on write, brought
-- by a restored dump's row; the summary stage's statement (the hash
-- aggregate over the transactions) runs with hash_mem_multiplier =
-- summary_memory_mb / work_mem in 1..1000, every other statement of the
-- refresh and the session after it with the session's setting (NULL: the
-- session's setting throughout); the results do not depend on it (a
-- setting that makes the aggregate spill gives the same rows).  What the
-- summary statement sees is recorded by the input view it reads
-- (clientele.in_transaction, replaced inside this rolled-back transaction),
-- what the store stage sees by a statement trigger on customer_result.
BEGIN;
SELECT plan(20);
SET LOCAL client_min_messages = warning;
\ir include/err.sql

-- the setting
SELECT col_type_is('clientele', 'refresh_config', 'summary_memory_mb', 'integer',
	'refresh_config.summary_memory_mb is an integer');
SELECT col_default_is('clientele', 'refresh_config', 'summary_memory_mb', '1024',
	'its default is 1024 (1 GB)');
SELECT is((SELECT summary_memory_mb FROM clientele.refresh_config), 1024,
	'the shipped row gives the summary stage 1 GB');
SELECT isnt(col_description('clientele.refresh_config'::regclass,
	(SELECT attnum FROM pg_attribute WHERE attrelid = 'clientele.refresh_config'::regclass
	 AND attname = 'summary_memory_mb')), NULL, 'the column is commented');

-- validated on write
SELECT is(pg_temp.err($$UPDATE clientele.refresh_config SET summary_memory_mb = 0$$),
	'23514: new row for relation "refresh_config" violates check constraint "refresh_config_summary_memory_valid"',
	'0 MB is refused (refresh_config_summary_memory_valid)');
SELECT is(pg_temp.err($$UPDATE clientele.refresh_config SET summary_memory_mb = -64$$),
	'23514: new row for relation "refresh_config" violates check constraint "refresh_config_summary_memory_valid"',
	'a negative size is refused');
SELECT is(pg_temp.err($$UPDATE clientele.refresh_config SET summary_memory_mb = 1048577$$),
	'23514: new row for relation "refresh_config" violates check constraint "refresh_config_summary_memory_valid"',
	'more than 1 TB is refused');
SELECT is(pg_temp.err($$UPDATE clientele.refresh_config SET summary_memory_mb = 1$$) || ', '
	|| pg_temp.err($$UPDATE clientele.refresh_config SET summary_memory_mb = 1048576$$) || ', '
	|| pg_temp.err($$UPDATE clientele.refresh_config SET summary_memory_mb = NULL$$),
	'ok, ok, ok', '1, 1048576 and NULL are accepted');
-- a restored dump's row (an INSERT onto the row of CREATE EXTENSION) keeps it
INSERT INTO clientele.refresh_config (summary_memory_mb) VALUES (333);
SELECT is((SELECT summary_memory_mb || ' ' || count(*) OVER () FROM clientele.refresh_config), '333 1',
	'a restored dump''s row brings its setting (still one row)');

-- what the refresh's statements see
DO $$ BEGIN PERFORM clientele.generate_demo_bank(300, 11); END $$;
CREATE TEMP TABLE seen (stage text, hash_mem text, work_mem text);
CREATE FUNCTION public.zz_summary_sees() RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_temp.seen WHERE stage = 'summary') THEN
		INSERT INTO pg_temp.seen VALUES ('summary', pg_catalog.current_setting('hash_mem_multiplier'),
		                                 pg_catalog.current_setting('work_mem'));
	END IF;
	RETURN true;
END $$;
DO $$
BEGIN
	EXECUTE 'CREATE OR REPLACE VIEW clientele.in_transaction AS SELECT v.* FROM ('
		|| rtrim(pg_catalog.pg_get_viewdef('clientele.in_transaction'::regclass), '; ')
		|| ') v WHERE public.zz_summary_sees()';
END $$;
CREATE FUNCTION pg_temp.record_store() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO pg_temp.seen VALUES ('store', pg_catalog.current_setting('hash_mem_multiplier'),
	                                 pg_catalog.current_setting('work_mem'));
	RETURN NULL;
END $$;
CREATE TRIGGER zz_record_store AFTER INSERT ON clientele.customer_result
	FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.record_store();
CREATE FUNCTION pg_temp.refresh_sees(p_mb integer, p_work_mem text, p_session text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v text;
BEGIN
	UPDATE clientele.refresh_config SET summary_memory_mb = p_mb;
	PERFORM pg_catalog.set_config('work_mem', p_work_mem, true);
	PERFORM pg_catalog.set_config('hash_mem_multiplier', p_session, true);
	TRUNCATE pg_temp.seen;
	CALL clientele.refresh('2025-06-30');
	SELECT string_agg(s.stage || ' ' || s.hash_mem || ' x ' || s.work_mem, ', ' ORDER BY s.stage DESC) INTO v FROM pg_temp.seen s;
	RETURN v || ' / after: ' || pg_catalog.current_setting('hash_mem_multiplier');
END $$;
SELECT is(pg_temp.refresh_sees(1024, '4MB', '2'), 'summary 16 x 64MB, store 2 x 64MB / after: 2',
	'1024 MB at the refresh''s work_mem (64MB): the summary statement runs with 16, the store stage with the session''s 2');
SELECT is(pg_temp.refresh_sees(1000, '100MB', '1.5'), 'summary 10 x 100MB, store 1.5 x 100MB / after: 1.5',
	'1000 MB at a session work_mem of 100MB: 10');
SELECT is(pg_temp.refresh_sees(100, '64MB', '2'), 'summary 1.5625 x 64MB, store 2 x 64MB / after: 2',
	'a setting below the session''s hash memory lowers it (100 MB: 1.5625 x 64MB)');
SELECT is(pg_temp.refresh_sees(1, '64MB', '2'), 'summary 1 x 64MB, store 2 x 64MB / after: 2',
	'at least 1 (the hash table gets work_mem)');
SELECT is(pg_temp.refresh_sees(1048576, '64MB', '2'), 'summary 1000 x 64MB, store 2 x 64MB / after: 2',
	'at most 1000 (the server setting''s maximum)');
SELECT is(pg_temp.refresh_sees(NULL, '64MB', '3'), 'summary 3 x 64MB, store 3 x 64MB / after: 3',
	'NULL: the session''s setting throughout');
SELECT is((SELECT count(*)::integer FROM clientele.refresh_log WHERE status <> 'ok'), 0, 'those refreshes succeeded');

-- a failed refresh (after the summary stage): the session's setting is back
CREATE FUNCTION pg_temp.fail_with_setting() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the store stage sees hash_mem_multiplier = %', pg_catalog.current_setting('hash_mem_multiplier')
		USING ERRCODE = 'raise_exception';
END $$;
CREATE TRIGGER zz_fail_with_setting AFTER INSERT ON clientele.customer_result
	FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.fail_with_setting();
UPDATE clientele.refresh_config SET summary_memory_mb = 1024;
SET LOCAL work_mem = '64MB';
SET LOCAL hash_mem_multiplier = 2.5;
SELECT is(pg_temp.err($$CALL clientele.refresh('2025-12-31')$$) || ' / after: ' || current_setting('hash_mem_multiplier'),
	'P0001: the store stage sees hash_mem_multiplier = 2.5 / after: 2.5',
	'a failed refresh: the session''s setting after the summary stage and after the error');
DROP TRIGGER zz_fail_with_setting ON clientele.customer_result;
DROP TRIGGER zz_record_store ON clientele.customer_result;

-- the setting does not change the results: NULL and the default, and the
-- summary statement's aggregates when the hash table spills (64kB) against
-- in memory
UPDATE clientele.refresh_config SET summary_memory_mb = NULL;
CALL clientele.refresh('2025-12-31');
CREATE TEMP TABLE r_unset AS SELECT * FROM clientele.customer_result WHERE as_of = '2025-12-31';
UPDATE clientele.refresh_config SET summary_memory_mb = DEFAULT;
CALL clientele.refresh('2025-12-31');
SELECT is((SELECT md5(string_agg(r::text, '|' ORDER BY customer_id)) FROM clientele.customer_result r WHERE as_of = '2025-12-31'),
	(SELECT md5(string_agg(r::text, '|' ORDER BY customer_id)) FROM pg_temp.r_unset r),
	'the results of the default setting are those of NULL');
CREATE FUNCTION pg_temp.summary(p_work_mem text) RETURNS TABLE (customer_id bigint, r text, batches integer)
LANGUAGE plpgsql AS $$
DECLARE
	q text := $q$SELECT t.customer_id,
		       (clientele.rfm_summary(t.ts, clientele.amount_float8(t.amount), '2025-12-31'::timestamptz, interval '1 day', 'UTC')
		           FILTER (WHERE t.customer_initiated AND t.kind <> 'enquiry'),
		        clientele.refresh_txn_counts(t.ts, t.customer_initiated, t.kind, t.channel, '2025-12-31'::date,
		                                     '2025-01-01'::timestamptz, '2025-07-01'::timestamptz, '2024-07-01'::timestamptz, 'UTC'),
		        clientele.activity_summary(t.ts, t.customer_initiated, t.kind, t.direction, t.counterparty_bank,
		                                   t.amount, '2025-12-31'::date, 'UTC'))::text AS r
		FROM clientele.transaction t WHERE t.ts < '2026-01-01'::timestamptz GROUP BY t.customer_id$q$;
	v_plan json;
BEGIN
	PERFORM pg_catalog.set_config('work_mem', p_work_mem, true);
	PERFORM pg_catalog.set_config('hash_mem_multiplier', '1', true);
	PERFORM pg_catalog.set_config('max_parallel_workers_per_gather', '0', true);
	-- a hash aggregate (not a sort, nor the customer order of an index)
	PERFORM pg_catalog.set_config('enable_sort', 'off', true);
	PERFORM pg_catalog.set_config('enable_indexscan', 'off', true);
	PERFORM pg_catalog.set_config('enable_indexonlyscan', 'off', true);
	PERFORM pg_catalog.set_config('enable_bitmapscan', 'off', true);
	EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, FORMAT JSON) ' || q INTO v_plan;
	IF v_plan -> 0 -> 'Plan' ->> 'Strategy' = 'Hashed' THEN
		batches := (v_plan -> 0 -> 'Plan' ->> 'HashAgg Batches')::integer;
	END IF;
	RETURN QUERY EXECUTE 'SELECT x.customer_id, x.r, $1 FROM (' || q || ') x' USING batches;
END $$;
CREATE TEMP TABLE s_spilled AS SELECT * FROM pg_temp.summary('64kB');
CREATE TEMP TABLE s_memory AS SELECT * FROM pg_temp.summary('64MB');
SELECT ok((SELECT min(batches) FROM s_spilled) > 1 AND (SELECT max(batches) FROM s_memory) = 1,
	'the summary aggregate spills at 64kB, not at 64MB');
SELECT is((SELECT md5(string_agg(customer_id || ' ' || r, '|' ORDER BY customer_id)) FROM s_spilled),
	(SELECT md5(string_agg(customer_id || ' ' || r, '|' ORDER BY customer_id)) FROM s_memory),
	'and gives the same summaries');

SELECT * FROM finish();
ROLLBACK;
