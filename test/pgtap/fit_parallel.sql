-- Fit aggregates in parallel plans (issue 11): the planner keeps a small fit
-- serial (planner costs of the transition and combine functions), a forced
-- parallel plan gives exactly the serial state and fit, and the combine
-- function (called on NULL input since 0.2.0) merges states exactly, in
-- place or into a new table.
BEGIN;
SELECT plan(10);
-- the synthetic data has no dropout structure: the fit may not converge (a WARNING)
SET LOCAL client_min_messages = error;

SELECT setseed(0.11);
-- 60,000 customers, about 20,000 distinct (frequency, recency, T) rows
CREATE TABLE public.fp_summary AS
SELECT x::float8 AS frequency, CASE WHEN x = 0 THEN 0 ELSE floor(t * random()) / 7 END AS recency, t / 7 AS t
FROM (SELECT floor(-ln(random()) * 2)::int AS x, (1 + floor(random() * 300))::float8 AS t
      FROM generate_series(1, 60000)) s;
ANALYZE public.fp_summary;

CREATE FUNCTION pg_temp.plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r record; t text := '';
BEGIN
	FOR r IN EXECUTE 'EXPLAIN ' || q LOOP
		t := t || r."QUERY PLAN" || E'\n';
	END LOOP;
	RETURN t;
END $$;

SELECT is((SELECT p.procost FROM pg_proc p WHERE p.oid = 'clientele.fit_state_combine(clientele.fit_state, clientele.fit_state)'::regprocedure),
	10000000::real, 'fit_state_combine has its planner cost');
SELECT is((SELECT p.proisstrict FROM pg_proc p WHERE p.oid = 'clientele.fit_state_combine(clientele.fit_state, clientele.fit_state)'::regprocedure),
	false, 'fit_state_combine is called on NULL input');

-- parallel workers free of setup and tuple costs: the combine's cost alone
-- keeps the aggregation of a 60,000-row fit serial (with cost 1 it is
-- parallel, below)
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SELECT unalike(pg_temp.plan_of('SELECT clientele.bgnbd_fit(frequency, recency, t) FROM public.fp_summary'),
	'%Partial Aggregate%', 'the planner keeps the aggregation of a 60,000-row BG/NBD fit serial');

CREATE AGGREGATE pg_temp.bg_state(float8, float8, float8) (SFUNC = clientele.bgnbd_fit_trans, STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine, PARALLEL = SAFE);
CREATE AGGREGATE pg_temp.merge_states(clientele.fit_state) (SFUNC = clientele.fit_state_combine, STYPE = clientele.fit_state);

SET LOCAL max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE fp_serial AS
SELECT (SELECT pg_temp.bg_state(frequency, recency, t) FROM public.fp_summary)::text AS st,
       (SELECT clientele.bgnbd_fit(frequency, recency, t) FROM public.fp_summary) AS bg;

-- forced parallel plan (the combine's cost lowered in this transaction only)
ALTER FUNCTION clientele.fit_state_combine(clientele.fit_state, clientele.fit_state) COST 1;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_leader_participation = off;
SELECT alike(pg_temp.plan_of('SELECT clientele.bgnbd_fit(frequency, recency, t) FROM public.fp_summary'),
	'%Partial Aggregate%', 'forced: the BG/NBD fit runs as a parallel partial aggregate');
SELECT is((SELECT pg_temp.bg_state(frequency, recency, t)::text FROM public.fp_summary), (SELECT st FROM fp_serial),
	'parallel state = serial state (the same distinct rows and counts)');
SELECT is((SELECT clientele.bgnbd_fit(frequency, recency, t)::text FROM public.fp_summary), (SELECT bg::text FROM fp_serial),
	'parallel BG/NBD fit = serial fit, bit for bit');
SET LOCAL max_parallel_workers_per_gather = 0;

-- the combine function as a transition function: NULLs, in-place and new tables
CREATE TEMP TABLE fp_parts AS
SELECT k, pg_temp.bg_state(frequency, recency, t) AS s
FROM (SELECT *, row_number() OVER () % 3 AS k FROM public.fp_summary) q GROUP BY k;
SELECT is((SELECT pg_temp.merge_states(s ORDER BY k)::text FROM fp_parts), (SELECT st FROM fp_serial),
	'merging three partial states gives the state of all rows');
SELECT is((SELECT pg_temp.merge_states(s ORDER BY k)::text
           FROM (SELECT k, s FROM fp_parts UNION ALL SELECT 10 + k, NULL FROM fp_parts) u), (SELECT st FROM fp_serial),
	'NULL states are skipped');
SELECT is((SELECT pg_temp.merge_states(s::text::clientele.fit_state ORDER BY k)::text FROM fp_parts), (SELECT st FROM fp_serial),
	'compact states (read from text) merge to the same state');
SELECT is((SELECT pg_temp.merge_states(s)::text FROM (SELECT s FROM fp_parts UNION ALL SELECT s FROM fp_parts) u),
	(SELECT pg_temp.merge_states(s)::text FROM (SELECT pg_temp.merge_states(s) AS s FROM fp_parts UNION ALL SELECT pg_temp.merge_states(s) FROM fp_parts) v),
	'merging is associative (the same state twice)');

SELECT * FROM finish();
ROLLBACK;
