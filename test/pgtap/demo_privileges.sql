-- generate_demo_bank for a role that does not own the tables: the row-by-row
-- path (no DDL) gives the same bank as the owner's bulk-load path.
BEGIN;
SELECT plan(5);

CREATE FUNCTION pg_temp.as_role(p_role text, p_sql text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('SET LOCAL ROLE %I', p_role);
	EXECUTE p_sql;
	RESET ROLE;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
CREATE FUNCTION pg_temp.bank_md5() RETURNS text
LANGUAGE sql AS $$
	SELECT md5(string_agg(d, '|' ORDER BY k)) FROM (
		SELECT 1 AS k, md5(string_agg(t::text, '|' ORDER BY customer_id)) AS d FROM clientele.customer t
		UNION ALL SELECT 2, md5(string_agg(t::text, '|' ORDER BY customer_id)) FROM clientele.demo_truth t
		UNION ALL SELECT 3, md5(string_agg(t::text, '|' ORDER BY account_id)) FROM clientele.account t
		UNION ALL SELECT 4, md5(string_agg(t::text, '|' ORDER BY account_id, as_of)) FROM clientele.balance t
		UNION ALL SELECT 5, md5(string_agg(t::text, '|' ORDER BY txn_id)) FROM clientele.transaction t
		UNION ALL SELECT 6, md5(string_agg(t::text, '|' ORDER BY interaction_id)) FROM clientele.interaction t
		UNION ALL SELECT 7, md5(string_agg(t::text, '|' ORDER BY customer_id, month)) FROM clientele.income t) s
$$;
CREATE FUNCTION pg_temp.fk_count() RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM pg_constraint WHERE connamespace = 'clientele'::regnamespace AND contype IN ('f', 'p') $$;

CREATE ROLE clientele_demo_loader_test NOLOGIN;
GRANT USAGE ON SCHEMA clientele TO clientele_demo_loader_test;
-- PUBLIC may execute nothing (area access): the loader gets what it runs
GRANT EXECUTE ON FUNCTION clientele.generate_demo_bank(integer, integer, date, boolean) TO clientele_demo_loader_test;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA clientele TO clientele_demo_loader_test;
GRANT SELECT, INSERT, TRUNCATE ON clientele.customer, clientele.demo_truth, clientele.account, clientele.balance,
	clientele.transaction, clientele.interaction, clientele.income TO clientele_demo_loader_test;
-- the balance sign trigger reads the catalogue as the inserting role
GRANT SELECT ON clientele.product_type TO clientele_demo_loader_test;

DO $$ BEGIN PERFORM clientele.generate_demo_bank(300, 5); END $$;
CREATE TEMP TABLE owner_md5 AS SELECT pg_temp.bank_md5() AS d, pg_temp.fk_count() AS fks;

SELECT is(pg_temp.as_role('clientele_demo_loader_test', $$SELECT clientele.generate_demo_bank(300, 5, replace => true)$$),
	'ok', 'a role with INSERT and TRUNCATE privileges (not the owner) can load the bank');
SELECT is(pg_temp.bank_md5(), (SELECT d FROM owner_md5), 'the row-by-row path gives the same bank as the bulk-load path');
SELECT is(pg_temp.fk_count(), (SELECT fks FROM owner_md5), 'the keys and foreign keys were not touched');

REVOKE TRUNCATE ON clientele.customer FROM clientele_demo_loader_test;
SELECT is(pg_temp.as_role('clientele_demo_loader_test', $$SELECT clientele.generate_demo_bank(300, 6, replace => true)$$),
	'42501: permission denied for table customer', 'without TRUNCATE privilege, replace is refused');
SELECT is(pg_temp.bank_md5(), (SELECT d FROM owner_md5), 'and the bank is unchanged');

SELECT * FROM finish();
ROLLBACK;
