-- clientele.balance_input (internal view, session 7): the balance input of
-- customer_features, value_lines and the refresh.  Properties checked on a
-- hand-built bank (rows by hand) and on a demo bank (against an independent
-- definition): the snapshots dated before their account's closed_on, every
-- snapshot of an account without one, and one zero row at closed_on per
-- closed account; read as its readers read it (the rows on or before an
-- as_of, per account the latest, accounts with a snapshot only), a closed
-- account's balance is 0 from closed_on on.  Privileges: the admin and the
-- analyst read it, a relationship manager and PUBLIC do not (security
-- invoker: no way around the input views' own checks).
BEGIN;
SELECT plan(22);
SET LOCAL timezone = 'UTC';
SET LOCAL client_min_messages = warning;

CREATE FUNCTION pg_temp.as_role(p_role text, p_sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v text;
BEGIN
	EXECUTE format('SET LOCAL ROLE %I', p_role);
	EXECUTE p_sql INTO v;
	RESET ROLE;
	RETURN coalesce(v, 'ok');
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE;
END $$;

TRUNCATE clientele.customer, clientele.lifecycle_history, clientele.lifecycle_recorded CASCADE;
--   10 open, three snapshots                        -> the three, no zero row
--   11 closed 2025-11-01: snapshots before, on and after closed_on (stale)
--                                                   -> the two before + (2025-11-01, 0)
--   12 closed 2025-06-01 with a closing zero snapshot on closed_on
--                                                   -> the one before + (2025-06-01, 0): one zero row, not two
--   13 closed 2025-03-01, no snapshot at all        -> only (2025-03-01, 0)
--   14 closed 2025-09-01, its only snapshot after closed_on -> only (2025-09-01, 0)
INSERT INTO clientele.customer (customer_id, opened_on) VALUES (1, '2020-01-01'), (2, '2020-01-01');
INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on, closed_on, status) VALUES
	(10, 1, 'savings', '2020-01-01', NULL, 'active'),
	(11, 1, 'savings', '2020-01-01', '2025-11-01', 'closed'),
	(12, 2, 'savings', '2020-01-01', '2025-06-01', 'closed'),
	(13, 2, 'current', '2020-01-01', '2025-03-01', 'closed'),
	(14, 2, 'current', '2020-01-01', '2025-09-01', 'closed');
INSERT INTO clientele.balance (account_id, as_of, balance) VALUES
	(10, '2025-01-01', 100), (10, '2025-10-31', 150), (10, '2025-12-31', 200),
	(11, '2025-01-01', 3000), (11, '2025-10-31', 3100), (11, '2025-11-01', 3100), (11, '2025-12-15', 3100),
	(12, '2025-01-01', 700), (12, '2025-06-01', 0),
	(14, '2025-10-01', 900);

-- 1-3 the rows, by hand
SELECT results_eq($$SELECT account_id, as_of, balance, snapshot FROM clientele.balance_input ORDER BY account_id, as_of, snapshot$$,
	$$VALUES (10::bigint, '2025-01-01'::date, 100::numeric, true), (10, '2025-10-31', 150, true), (10, '2025-12-31', 200, true),
	         (11, '2025-01-01', 3000, true), (11, '2025-10-31', 3100, true), (11, '2025-11-01', 0, false),
	         (12, '2025-01-01', 700, true), (12, '2025-06-01', 0, false),
	         (13, '2025-03-01', 0, false),
	         (14, '2025-09-01', 0, false)$$,
	'snapshots before closed_on, every snapshot of an open account, one zero row at closed_on per closed account');
SELECT is((SELECT count(*) FROM clientele.balance_input WHERE NOT snapshot AND balance <> 0), 0::bigint, 'zero rows are 0');
SELECT is((SELECT count(*) FROM clientele.balance_input i JOIN clientele.account a USING (account_id)
           WHERE i.snapshot AND a.closed_on IS NOT NULL AND i.as_of >= a.closed_on), 0::bigint,
	'no snapshot on or after its account''s closed_on (a closing zero snapshot or a stale row)');

-- 4-7 as its readers read it: the latest row on or before as_of per account, accounts with a snapshot only
CREATE FUNCTION pg_temp.balances(p_as_of date) RETURNS TABLE (account_id bigint, balance numeric)
LANGUAGE sql AS $$
	SELECT b.account_id, (array_agg(b.balance ORDER BY b.as_of DESC, b.snapshot))[1]
	FROM clientele.balance_input b WHERE b.as_of <= p_as_of
	GROUP BY b.account_id HAVING bool_or(b.snapshot) ORDER BY 1
$$;
SELECT results_eq($$SELECT * FROM pg_temp.balances('2025-10-31')$$,
	$$VALUES (10::bigint, 150::numeric), (11, 3100), (12, 0)$$,
	'as of 2025-10-31: open balances, 12 at 0 since its closing; 13 (never a snapshot) and 14 (none before closing) have no balance');
SELECT results_eq($$SELECT * FROM pg_temp.balances('2025-11-01')$$,
	$$VALUES (10::bigint, 150::numeric), (11, 0), (12, 0)$$,
	'as of closed_on: 0 that day included, without a closing zero snapshot (the stale 3,100 on that day is not read)');
SELECT results_eq($$SELECT * FROM pg_temp.balances('2025-12-31')$$,
	$$VALUES (10::bigint, 200::numeric), (11, 0), (12, 0)$$,
	'after closed_on: still 0 (the stale 2025-12-15 row is not read)');
SELECT results_eq($$SELECT * FROM pg_temp.balances('2025-05-31')$$,
	$$VALUES (10::bigint, 100::numeric), (11, 3000), (12, 700)$$,
	'point in time: a closing after as_of is not known yet');
-- 8 the readers agree with it: aum as of closed_on counts 11 as 0 (savings counts in AUM)
SELECT results_eq($$SELECT customer_id, aum FROM clientele.aum('2025-11-01') ORDER BY 1$$,
	$$VALUES (1::bigint, 150::numeric), (2, 0)$$, 'clientele.aum on closed_on agrees');

-- 9-13 a demo bank against an independent definition
TRUNCATE clientele.customer CASCADE;
DO $$ BEGIN PERFORM clientele.generate_demo_bank(200, 7, replace => true); END $$;
SELECT ok((SELECT count(*) FROM clientele.account WHERE closed_on IS NOT NULL) > 0
          AND (SELECT count(*) FROM clientele.balance b JOIN clientele.account a USING (account_id) WHERE b.as_of >= a.closed_on) > 0,
	'the demo bank has closed accounts with snapshots on or after closing');
SELECT bag_eq($$SELECT account_id, as_of, balance, snapshot FROM clientele.balance_input$$,
	$$SELECT b.account_id, b.as_of, b.balance, true FROM clientele.balance b JOIN clientele.account a USING (account_id)
	  WHERE a.closed_on IS NULL OR b.as_of < a.closed_on
	  UNION ALL
	  SELECT a.account_id, a.closed_on, 0::numeric, false FROM clientele.account a WHERE a.closed_on IS NOT NULL$$,
	'demo bank: the rows are the snapshots before closing plus one zero row per closed account');
SELECT is((SELECT count(*) FROM (SELECT account_id FROM clientele.balance_input WHERE NOT snapshot GROUP BY account_id HAVING count(*) > 1) x),
	0::bigint, 'demo bank: at most one zero row per account');
SELECT is((SELECT count(*) FROM clientele.balance_input i JOIN clientele.account a USING (account_id)
           WHERE NOT i.snapshot AND (a.closed_on IS NULL OR i.as_of <> a.closed_on)), 0::bigint,
	'demo bank: zero rows only for closed accounts, on closed_on');
SELECT is((SELECT count(*) FROM clientele.balance_input i LEFT JOIN clientele.account a USING (account_id)
           WHERE a.account_id IS NULL), 0::bigint, 'demo bank: every row is an account of the account input');

-- 14-16 the view itself: internal, security invoker, commented
SELECT ok((SELECT 'security_invoker=true' = ANY (c.reloptions) FROM pg_class c WHERE c.oid = 'clientele.balance_input'::regclass),
	'security_invoker: read with the caller''s rights on the input views');
SELECT ok(obj_description('clientele.balance_input'::regclass, 'pg_class') LIKE 'Internal: %', 'commented as internal');
SELECT is((SELECT count(*) FROM pg_attribute a WHERE a.attrelid = 'clientele.balance_input'::regclass AND a.attnum > 0
           AND col_description(a.attrelid, a.attnum) IS NULL), 0::bigint, 'every column commented');

-- 17-22 privileges
CREATE ROLE cl_test_bi_analyst LOGIN IN ROLE clientele_analyst;
CREATE ROLE cl_test_bi_admin LOGIN IN ROLE clientele_admin;
CREATE ROLE cl_test_bi_rm LOGIN IN ROLE clientele_rm;
CREATE ROLE cl_test_bi_nobody LOGIN;
SELECT is(pg_temp.as_role('cl_test_bi_admin', 'SELECT count(*) FROM clientele.balance_input'),
	(SELECT count(*)::text FROM clientele.balance_input), 'the admin reads every row');
SELECT is(pg_temp.as_role('cl_test_bi_analyst', 'SELECT count(*) FROM clientele.balance_input'),
	(SELECT count(*)::text FROM clientele.balance_input), 'the analyst reads every row');
SELECT ok(NOT has_table_privilege('clientele_analyst', 'clientele.balance_input', 'INSERT, UPDATE, DELETE, TRUNCATE')
          AND NOT has_table_privilege('clientele_rm', 'clientele.balance_input', 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE'),
	'no write privilege for the analyst, no privilege at all for the relationship manager role');
SELECT is(pg_temp.as_role('cl_test_bi_rm', 'SELECT count(*) FROM clientele.balance_input'), '42501',
	'a relationship manager cannot read it (other managers'' customers'' balances)');
SELECT is(pg_temp.as_role('cl_test_bi_nobody', 'SELECT count(*) FROM clientele.balance_input'), '42501', 'a role without a clientele role cannot');
SELECT ok(NOT has_table_privilege('public', 'clientele.balance_input', 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER'),
	'PUBLIC has no privilege on it');

SELECT * FROM finish();
ROLLBACK;
