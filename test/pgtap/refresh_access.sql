-- Access control of the results: two relationship managers, an analyst, an
-- admin and a role without any clientele role log in (SET ROLE to LOGIN
-- roles created here) and each sees exactly what they should, through the
-- tables, the views and the functions.
BEGIN;
SELECT plan(40);

CREATE FUNCTION pg_temp.as_role(p_role text, p_sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v text;
BEGIN
	EXECUTE format('SET LOCAL ROLE %I', p_role);
	IF p_sql ~* '^\s*CALL' THEN
		EXECUTE p_sql;
	ELSE
		EXECUTE p_sql INTO v;
	END IF;
	RESET ROLE;
	RETURN coalesce(v, 'ok');
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE;
END $$;

SET client_min_messages = warning;
DO $$ BEGIN PERFORM clientele.generate_demo_bank(400, 11); END $$;
UPDATE clientele.customer SET relationship_manager = CASE customer_id % 3 WHEN 0 THEN 'cl_test_rm_alice'
	WHEN 1 THEN 'cl_test_rm_bob' ELSE 'someone_else' END;
CREATE ROLE cl_test_rm_alice LOGIN IN ROLE clientele_rm;
CREATE ROLE cl_test_rm_bob LOGIN IN ROLE clientele_rm;
CREATE ROLE cl_test_analyst LOGIN IN ROLE clientele_analyst;
CREATE ROLE cl_test_admin LOGIN IN ROLE clientele_admin;
CREATE ROLE cl_test_nobody LOGIN;

-- the admin refreshes (twice: history)
SELECT is(pg_temp.as_role('cl_test_admin', $$CALL clientele.refresh('2025-06-30')$$), 'ok', 'clientele_admin can refresh');
SELECT is(pg_temp.as_role('cl_test_admin', $$CALL clientele.refresh('2025-12-31')$$), 'ok', 'clientele_admin can refresh a second date');
SELECT is((SELECT count(DISTINCT as_of) FROM clientele.customer_result), 2::bigint, 'results keep one set per refresh date');

CREATE TEMP TABLE expect AS
SELECT relationship_manager AS rm, count(*) AS n FROM clientele.customer_result
WHERE as_of = '2025-12-31' GROUP BY 1;

-- managers: their customers only, through every path
SELECT is(pg_temp.as_role('cl_test_rm_alice', 'SELECT count(*) FROM clientele.my_customer_scorecard'),
	(SELECT n::text FROM expect WHERE rm = 'cl_test_rm_alice'), 'alice sees her customers in my_customer_scorecard');
SELECT is(pg_temp.as_role('cl_test_rm_alice', $$SELECT count(*) FROM clientele.my_customer_scorecard WHERE relationship_manager <> 'cl_test_rm_alice'$$),
	'0', 'and no one else''s');
SELECT is(pg_temp.as_role('cl_test_rm_bob', 'SELECT count(*) FROM clientele.my_customer_scorecard'),
	(SELECT n::text FROM expect WHERE rm = 'cl_test_rm_bob'), 'bob sees his customers in my_customer_scorecard');
SELECT is(pg_temp.as_role('cl_test_rm_alice', $$SELECT count(*) FROM clientele.customer_result WHERE as_of = '2025-12-31'$$),
	(SELECT n::text FROM expect WHERE rm = 'cl_test_rm_alice'), 'alice: row-level security on customer_result');
SELECT is(pg_temp.as_role('cl_test_rm_bob', $$SELECT count(*) FROM clientele.customer_result WHERE relationship_manager <> 'cl_test_rm_bob'$$),
	'0', 'bob: no other manager''s rows in customer_result (any date)');
SELECT is(pg_temp.as_role('cl_test_rm_alice', $$SELECT count(*) FROM clientele.segment_membership m WHERE m.customer_id % 3 <> 0$$),
	'0', 'alice: segment_membership holds only her customers');
SELECT ok(pg_temp.as_role('cl_test_rm_alice', 'SELECT count(*) FROM clientele.segment_membership')::int > 0,
	'alice sees her customers'' segment memberships');
SELECT is(pg_temp.as_role('cl_test_rm_alice', $$SELECT string_agg(DISTINCT level || ':' || group_value, ',') FROM clientele.kpi_history$$),
	'relationship_manager:cl_test_rm_alice', 'alice: KPI rows of her own portfolio only');
SELECT is(pg_temp.as_role('cl_test_rm_bob', $$SELECT count(*) FROM clientele.my_kpi_summary$$), '2', 'bob: his KPI row per refresh date');
SELECT is(pg_temp.as_role('cl_test_rm_alice', $$SELECT count(*) FROM clientele.my_churn_watchlist WHERE relationship_manager <> 'cl_test_rm_alice'$$),
	'0', 'alice: her watch list only');
SELECT is(pg_temp.as_role('cl_test_rm_alice', 'SELECT count(*) FROM clientele.customer_scorecard'), '42501',
	'alice cannot read the materialized view itself');
SELECT is(pg_temp.as_role('cl_test_rm_alice', 'SELECT count(*) FROM clientele.churn_watchlist'), '42501', 'nor the watch list view');
SELECT is(pg_temp.as_role('cl_test_rm_alice', 'SELECT count(*) FROM clientele.customer'), '42501', 'nor the bank tables');
SELECT is(pg_temp.as_role('cl_test_rm_alice', 'SELECT count(*) FROM clientele.in_customer'), '42501', 'nor the input views');
SELECT is(pg_temp.as_role('cl_test_rm_alice', $$SELECT count(*) FROM clientele.aum('2025-12-31')$$), '42501', 'nor run clientele.aum');
SELECT is(pg_temp.as_role('cl_test_rm_alice', $$SELECT count(*) FROM clientele.value_classes('2025-01-01', '2025-12-31')$$), '42501', 'nor clientele.value_classes');
SELECT is(pg_temp.as_role('cl_test_rm_alice', $$SELECT count(*) FROM clientele.kpi_compute('2025-12-31')$$), '42501', 'nor clientele.kpi_compute');
SELECT is(pg_temp.as_role('cl_test_rm_alice', $$CALL clientele.refresh('2025-12-31')$$), '42501', 'nor refresh');
SELECT is((SELECT count(*) FROM pg_proc WHERE pronamespace = 'clientele'::regnamespace
	AND has_function_privilege('clientele_rm', oid, 'EXECUTE')), 0::bigint, 'clientele_rm may execute no clientele function');

-- analyst: everything, read only
SELECT is(pg_temp.as_role('cl_test_analyst', 'SELECT count(*) FROM clientele.customer_scorecard'),
	(SELECT sum(n)::text FROM expect), 'the analyst reads the whole scorecard');
SELECT is(pg_temp.as_role('cl_test_analyst', 'SELECT count(*) FROM clientele.customer_result'),
	(SELECT count(*)::text FROM clientele.customer_result), 'and every row of customer_result');
SELECT is(pg_temp.as_role('cl_test_analyst', 'SELECT count(*) FROM clientele.my_customer_scorecard'), '0',
	'my_customer_scorecard is empty for a non-manager');
SELECT ok(pg_temp.as_role('cl_test_analyst', $$SELECT count(*) FROM clientele.aum('2025-12-31')$$)::int > 0, 'the analyst runs analyses');
SELECT is(pg_temp.as_role('cl_test_analyst', $$CALL clientele.refresh('2025-12-31')$$), '42501', 'the analyst cannot refresh');
SELECT is(pg_temp.as_role('cl_test_analyst', $$INSERT INTO clientele.segment_definition (segment, description, predicate) VALUES ('x', 'x', 'aum > 0') RETURNING 1$$),
	'42501', 'nor write a segment definition');
SELECT is(pg_temp.as_role('cl_test_analyst', $$DELETE FROM clientele.customer_result RETURNING 1$$), '42501', 'nor change results');

-- admin: configuration
SELECT is(pg_temp.as_role('cl_test_admin', $$INSERT INTO clientele.segment_definition (segment, description, predicate) VALUES ('rich', 'AUM over 100k', 'aum > 100000') RETURNING 1$$),
	'1', 'the admin writes segment definitions');
SELECT is(pg_temp.as_role('cl_test_admin', $$UPDATE clientele.refresh_config SET retention_days = 400 RETURNING 1$$), '1', 'and the refresh settings');
SELECT is(pg_temp.as_role('cl_test_admin', $$INSERT INTO clientele.customer (customer_id, opened_on) VALUES (999999, '2020-01-01') RETURNING 1$$),
	'42501', 'but not the bank data');

-- PUBLIC: nothing
SELECT is(pg_temp.as_role('cl_test_nobody', 'SELECT count(*) FROM clientele.customer_scorecard'), '42501', 'a role without a clientele role reads nothing');
SELECT is(pg_temp.as_role('cl_test_nobody', 'SELECT clientele.version()'), '42501', 'and runs nothing');
SELECT is((SELECT count(*) FROM pg_proc p WHERE p.pronamespace = 'clientele'::regnamespace
	AND (p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0))), 0::bigint,
	'no clientele routine is executable by PUBLIC');
SELECT is((SELECT count(*) FROM pg_class c WHERE c.relnamespace = 'clientele'::regnamespace
	AND EXISTS (SELECT 1 FROM aclexplode(c.relacl) a WHERE a.grantee = 0)), 0::bigint,
	'no clientele relation is readable by PUBLIC');
SELECT ok(NOT has_schema_privilege('cl_test_nobody', 'clientele', 'USAGE'), 'PUBLIC has no USAGE on the schema');
SELECT is((SELECT count(*) FROM pg_proc WHERE pronamespace = 'clientele'::regnamespace AND prosecdef
	AND NOT EXISTS (SELECT 1 FROM unnest(proconfig) c WHERE c LIKE 'search_path=%')), 0::bigint,
	'every SECURITY DEFINER function has a fixed search_path');
SELECT is((SELECT count(*) FROM pg_class WHERE relnamespace = 'clientele'::regnamespace
	AND relname IN ('customer_result', 'segment_membership', 'kpi_history') AND relrowsecurity), 3::bigint,
	'row-level security is on for the result tables');
SELECT is((SELECT count(*) FROM pg_class c WHERE c.relnamespace = 'clientele'::regnamespace AND c.relkind = 'v'
	AND c.relname LIKE 'my\_%' AND NOT ('security_barrier=true' = ANY (coalesce(c.reloptions, '{}')))), 0::bigint,
	'the managers'' views are security barriers');

SELECT * FROM finish();
ROLLBACK;
