-- Forces parallel plans for the rest of the transaction (SET LOCAL: every
-- parallel cost 0, 2 workers a gather) and defines pg_temp.plan_of(query),
-- its EXPLAIN (COSTS OFF) as one text.  Included by pgTAP files
-- (`\ir include/parallel_plans.sql`), not a test itself: scripts/test.sh runs
-- test/pgtap/*.sql, not this folder.
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r record; s text := '';
BEGIN
	FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP s := s || r."QUERY PLAN" || E'\n'; END LOOP;
	RETURN s;
END $$;
