-- clientele.customer_features_from (issue 8/15 performance): the refresh's
-- lifecycle stage reads the transaction and balance passes of
-- customer_features from the temporary tables of its summary and value stages
-- (clientele_rf_txn.activity, clientele_rf_bal.adb_split); the features it
-- gets that way must be customer_features(as_of) exactly, row for row and
-- text for text, also with closed accounts without their zero snapshot.
BEGIN;
SELECT plan(14);

CREATE FUNCTION pg_temp.err(p_sql text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE p_sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE;
END $$;
-- rows of customer_features_from(as_of, txn, bal) not in customer_features(as_of), and the other way round
CREATE FUNCTION pg_temp.diff(d date, txn regclass, bal regclass, acct regclass DEFAULT NULL) RETURNS bigint
LANGUAGE sql AS $$
	SELECT count(*) FROM (
		(SELECT f::text FROM clientele.customer_features_from(d, txn, bal, acct) f
		 EXCEPT ALL SELECT f::text FROM clientele.customer_features(d) f)
		UNION ALL
		(SELECT f::text FROM clientele.customer_features(d) f
		 EXCEPT ALL SELECT f::text FROM clientele.customer_features_from(d, txn, bal, acct) f)) x
$$;
-- the refresh's own features (clientele_rf_feat) not in customer_features(as_of), and the other way round
CREATE FUNCTION pg_temp.diff_feat(d date) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
	RETURN (SELECT count(*) FROM (
		(SELECT l.f::text FROM pg_temp.clientele_rf_feat l EXCEPT ALL SELECT f::text FROM clientele.customer_features(d) f)
		UNION ALL
		(SELECT f::text FROM clientele.customer_features(d) f EXCEPT ALL SELECT l.f::text FROM pg_temp.clientele_rf_feat l)) x);
END $$;

SET client_min_messages = warning;
DO $$ BEGIN PERFORM clientele.generate_demo_bank(400, 11); END $$;
-- some closed accounts lose their closing zero snapshot (bank extracts often lack it)
DELETE FROM clientele.balance b USING clientele.account a
WHERE a.account_id = b.account_id AND a.closed_on IS NOT NULL AND b.as_of = a.closed_on AND a.account_id % 2 = 0;

SELECT cmp_ok((SELECT count(*) FROM clientele.account a WHERE a.closed_on <= '2025-12-31'
	AND NOT EXISTS (SELECT 1 FROM clientele.balance b WHERE b.account_id = a.account_id AND b.as_of = a.closed_on)), '>', 0::bigint,
	'the bank has closed accounts without a zero snapshot');

-- the refresh's temporary tables live until the end of this transaction
CALL clientele.refresh('2025-12-31');
SELECT is(pg_temp.diff('2025-12-31', 'pg_temp.clientele_rf_txn', 'pg_temp.clientele_rf_bal'), 0::bigint,
	'customer_features_from over the refresh''s summary and value relations = customer_features (2025-12-31)');
SELECT is((SELECT count(*) FROM clientele.customer_features_from('2025-12-31', 'pg_temp.clientele_rf_txn', 'pg_temp.clientele_rf_bal')),
	(SELECT count(*) FROM clientele.customer_features('2025-12-31')), '... the same number of customers');
SELECT is(pg_temp.diff('2025-12-31', 'pg_temp.clientele_rf_txn', NULL), 0::bigint,
	'... with only the transaction pass given');
SELECT is(pg_temp.diff('2025-12-31', NULL, 'pg_temp.clientele_rf_bal'), 0::bigint,
	'... with only the balance pass given');
SELECT is(pg_temp.diff('2025-12-31', NULL, NULL), 0::bigint, '... and with neither (customer_features itself)');
SELECT is(pg_temp.diff('2025-12-31', 'pg_temp.clientele_rf_txn', 'pg_temp.clientele_rf_bal', 'pg_temp.clientele_rf_acct'), 0::bigint,
	'... and with the account roll-up of the value stage (account counts, products, AUM)');
SELECT is(pg_temp.diff_feat('2025-12-31'), 0::bigint, 'the refresh''s lifecycle features = customer_features (2025-12-31)');

-- an earlier date (refreshed, not recorded: a later one is): its own windows
CALL clientele.refresh('2025-08-31');
SELECT is(pg_temp.diff('2025-08-31', 'pg_temp.clientele_rf_txn', 'pg_temp.clientele_rf_bal'), 0::bigint,
	'customer_features_from over the refresh''s relations = customer_features (2025-08-31, windows over a month end)');
SELECT is(pg_temp.diff('2025-08-31', 'pg_temp.clientele_rf_txn', 'pg_temp.clientele_rf_bal', 'pg_temp.clientele_rf_acct'), 0::bigint,
	'... with the account roll-up too (2025-08-31)');

-- an account whose product type is not in clientele.product_type: the value
-- stage leaves it out of its roll-up, the features count it (accounts_ever,
-- products), so the refresh counts the accounts in customer_features_from
SET LOCAL client_min_messages = error;  -- the source checks' and the refresh's warnings about that account
CREATE SCHEMA bank;
CREATE TABLE bank.acct AS SELECT * FROM clientele.account;
UPDATE bank.acct SET product_type = 'SAV'
WHERE account_id = (SELECT min(account_id) FROM clientele.account WHERE opened_on <= '2025-06-30' AND customer_id IS NOT NULL);
SELECT clientele.use_source('account', 'bank.acct');
CALL clientele.refresh('2025-08-31');
SELECT cmp_ok(pg_temp.diff('2025-08-31', 'pg_temp.clientele_rf_txn', 'pg_temp.clientele_rf_bal', 'pg_temp.clientele_rf_acct'), '>', 0::bigint,
	'with an unknown product type the account roll-up misses an account of the features');
SELECT is(pg_temp.diff_feat('2025-08-31'), 0::bigint,
	'... and the refresh''s lifecycle features are still customer_features (2025-08-31)');
SELECT clientele.use_source('account', NULL);
SET LOCAL client_min_messages = warning;

-- a relation without the expected columns is an error, not a silent NULL
SELECT is(pg_temp.err($$SELECT count(*) FROM clientele.customer_features_from('2025-12-31', 'clientele.customer', NULL)$$),
	'42703', 'an activity relation without the columns customer_id and activity: ERROR 42703');

-- customer_features is inlined: the caller scans customer_features_from directly (one materialisation)
CREATE FUNCTION pg_temp.plan_of(p_sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	r text;
	v text := '';
BEGIN
	FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || p_sql LOOP
		v := v || r || ' ';
	END LOOP;
	RETURN v;
END $$;
SELECT ok(pg_temp.plan_of($$SELECT * FROM clientele.customer_features('2025-12-31')$$) ~ 'Function Scan on customer_features_from',
	'customer_features is inlined into its caller''s plan');

SELECT * FROM finish();
ROLLBACK;
