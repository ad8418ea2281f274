-- clientele.generate_demo_bank: determinism, shape, bad input, atomic load.
BEGIN;
SELECT plan(51);

-- md5 of every loaded table, in key order
CREATE FUNCTION pg_temp.bank_md5() RETURNS TABLE (table_name text, digest text)
LANGUAGE sql AS $$
	SELECT 'customer', md5(string_agg(t::text, '|' ORDER BY customer_id)) FROM clientele.customer t
	UNION ALL SELECT 'demo_truth', md5(string_agg(t::text, '|' ORDER BY customer_id)) FROM clientele.demo_truth t
	UNION ALL SELECT 'account', md5(string_agg(t::text, '|' ORDER BY account_id)) FROM clientele.account t
	UNION ALL SELECT 'balance', md5(string_agg(t::text, '|' ORDER BY account_id, as_of)) FROM clientele.balance t
	UNION ALL SELECT 'transaction', md5(string_agg(t::text, '|' ORDER BY txn_id)) FROM clientele.transaction t
	UNION ALL SELECT 'interaction', md5(string_agg(t::text, '|' ORDER BY interaction_id)) FROM clientele.interaction t
	UNION ALL SELECT 'income', md5(string_agg(t::text, '|' ORDER BY customer_id, month)) FROM clientele.income t
$$;
-- indexes, keys and foreign keys of the loaded tables (the bulk load drops and rebuilds them)
CREATE FUNCTION pg_temp.schema_of_tables() RETURNS text
LANGUAGE sql AS $$
	SELECT string_agg(x, E'\n' ORDER BY x) FROM (
		SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS x
		FROM pg_constraint WHERE connamespace = 'clientele'::regnamespace
		UNION ALL
		SELECT pg_get_indexdef(indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
		WHERE c.relnamespace = 'clientele'::regnamespace) s
$$;
CREATE TEMP TABLE schema_before AS SELECT pg_temp.schema_of_tables() AS s;

-- --- bad input: SQLSTATE 22023 and what is allowed -------------------------
SELECT throws_ok($$SELECT clientele.generate_demo_bank(0, 1)$$, '22023',
	'customers must be between 1 and 10000000, got 0', 'customers = 0 is refused');
SELECT throws_ok($$SELECT clientele.generate_demo_bank(-5, 1)$$, '22023',
	'customers must be between 1 and 10000000, got -5', 'negative customers are refused');
SELECT throws_ok($$SELECT clientele.generate_demo_bank(10000001, 1)$$, '22023',
	'customers must be between 1 and 10000000, got 10000001', 'absurdly many customers are refused');
SELECT throws_ok($$SELECT clientele.generate_demo_bank(NULL, 1)$$, '22004',
	'customers must not be NULL', 'NULL customers is refused');
SELECT throws_ok($$SELECT clientele.generate_demo_bank(10, NULL)$$, '22004',
	'seed must not be NULL', 'NULL seed is refused');
SELECT throws_ok($$SELECT clientele.generate_demo_bank(10, 1, NULL)$$, '22004',
	'as_of must not be NULL', 'NULL as_of is refused (22004, as every date argument)');
SELECT throws_ok($$SELECT clientele.generate_demo_bank(10, 1, 'infinity')$$, '22023',
	'as_of must be a finite date, got infinity', 'infinite as_of is refused (the wording of every date argument)');
SELECT throws_ok($$SELECT clientele.generate_demo_bank(10, 1, '1900-06-30')$$, '22023',
	'as_of must be a date between 1950-01-01 and 2200-12-31, got 1900-06-30', 'as_of out of range is refused');
SELECT throws_ok($$SELECT clientele.generate_demo_bank(10, 1, replace => NULL)$$, '22004',
	'replace must not be NULL', 'NULL replace is refused');
SELECT throws_ok($$SELECT * FROM clientele.demo_customers(1, 0, 10, '2025-12-31')$$, '22023',
	'customer ids must be between 1 and 100000000, got 0 to 10', 'generator functions refuse id 0');
SELECT throws_ok($$SELECT * FROM clientele.demo_transactions(1, 1, 100000001, '2025-12-31')$$, '22023',
	'customer ids must be between 1 and 100000000, got 1 to 100000001', 'generator functions refuse huge ids');
SELECT throws_ok($$SELECT * FROM clientele.demo_balances(1, 1, 10, '-infinity')$$, '22023',
	'as_of must be a finite date, got -infinity', 'generator functions refuse an infinite as_of');
SELECT throws_ok($$SELECT * FROM clientele.demo_income(1, 1, 10, '1949-12-31')$$, '22023',
	'as_of must be a date between 1950-01-01 and 2200-12-31, got 1949-12-31', 'generator functions refuse an early as_of');
SELECT is((SELECT count(*) FROM clientele.customer), 0::bigint, 'bad input loaded nothing');

-- --- a bank of 2,000 customers -------------------------------------------------
CREATE TEMP TABLE load1 AS SELECT * FROM clientele.generate_demo_bank(2000, 7);
SELECT results_eq($$SELECT table_name FROM load1$$,
	ARRAY['customer', 'demo_truth', 'account', 'balance', 'transaction', 'interaction', 'income'],
	'the summary lists every table');
SELECT results_eq($$SELECT row_count FROM load1 ORDER BY table_name$$,
	$$SELECT count(*) FROM clientele.account UNION ALL SELECT count(*) FROM clientele.balance
	  UNION ALL SELECT count(*) FROM clientele.customer UNION ALL SELECT count(*) FROM clientele.demo_truth
	  UNION ALL SELECT count(*) FROM clientele.income UNION ALL SELECT count(*) FROM clientele.interaction
	  UNION ALL SELECT count(*) FROM clientele.transaction$$,
	'the summary counts the rows loaded');
SELECT is(pg_temp.schema_of_tables(), (SELECT s FROM schema_before),
	'keys, indexes and foreign keys are all back after the bulk load');
CREATE TEMP TABLE md5_1 AS SELECT * FROM pg_temp.bank_md5();

-- refuses to load over a bank
SELECT throws_ok($$SELECT clientele.generate_demo_bank(10, 7)$$, '55000',
	'the bank tables are not empty: customer, demo_truth, account, balance, transaction, interaction, income',
	'a second load without replace is refused');

-- --- shape, with stated ranges -------------------------------------------------
-- deposit balance at as_of of open customers, in the Suzhou bands (target 87.6 / 10.4 / 2.0 %)
CREATE TEMP TABLE dep AS
SELECT a.customer_id, sum(b.balance) AS bal
FROM clientele.account a
JOIN clientele.product_type p USING (product_type)
JOIN LATERAL (SELECT balance FROM clientele.balance b WHERE b.account_id = a.account_id ORDER BY as_of DESC LIMIT 1) b ON true
WHERE p.category = 'deposit' AND a.closed_on IS NULL
GROUP BY a.customer_id;
SELECT ok((SELECT avg((bal < 10000)::int) FROM dep) BETWEEN 0.83 AND 0.93,
	'share of customers under 1万 in [83 %, 93 %] (Suzhou 87.6 %)');
SELECT ok((SELECT avg((bal >= 10000 AND bal < 50000)::int) FROM dep) BETWEEN 0.06 AND 0.14,
	'share in [1万, 5万) in [6 %, 14 %] (Suzhou 10.4 %)');
SELECT ok((SELECT avg((bal >= 50000)::int) FROM dep) BETWEEN 0.008 AND 0.035,
	'share at 5万 or more in [0.8 %, 3.5 %] (Suzhou 1.95 %)');
SELECT ok((SELECT sum(bal) FILTER (WHERE bal >= 10000) / sum(bal) FROM dep) > 0.7,
	'customers at 1万 or more hold over 70 % of deposits (Suzhou 89.6 %)');
-- personas
SELECT ok((SELECT avg((persona = 'churned')::int) FROM clientele.demo_truth) BETWEEN 0.09 AND 0.15,
	'share of churners in [9 %, 15 %] (planted 12 %)');
SELECT ok((SELECT avg((persona = 'drifting')::int) FROM clientele.demo_truth) BETWEEN 0.07 AND 0.13,
	'share of drifters in [7 %, 13 %] (planted 10 %)');
SELECT is((SELECT count(DISTINCT persona) FROM clientele.demo_truth), 6::bigint, 'all six personas occur');
SELECT is((SELECT count(*) FROM clientele.customer c JOIN clientele.demo_truth t USING (customer_id)
           WHERE (t.persona = 'churned') <> (c.closed_on IS NOT NULL) OR c.closed_on <> t.churned_on),
	0::bigint, 'exactly the churners are closed, on their churn day');
SELECT is((SELECT count(*) FROM clientele.account a JOIN clientele.demo_truth t USING (customer_id)
           WHERE t.persona = 'churned' AND a.status <> 'closed'), 0::bigint, 'churners have no open account');
SELECT is((SELECT count(*) FROM clientele.transaction x JOIN clientele.demo_truth t USING (customer_id)
           WHERE x.customer_initiated AND (x.ts::date > t.churned_on OR x.ts::date > t.dormant_since)),
	0::bigint, 'no customer-initiated transaction after churn or dormancy');
SELECT ok((SELECT count(*) FILTER (WHERE x.ts >= t.drift_started_on + 60 AND x.ts < t.drift_started_on + 120)::float
           / nullif(count(*) FILTER (WHERE x.ts >= t.drift_started_on - 60 AND x.ts < t.drift_started_on), 0)
           FROM clientele.transaction x JOIN clientele.demo_truth t USING (customer_id)
           WHERE t.persona IN ('drifting', 'churned') AND x.customer_initiated AND t.drift_started_on + 120 <= '2025-12-31'
             AND t.drift_started_on - 60 >= '2024-01-01') < 0.5,
	'drifters transact less than half as often 2-4 months into the drift as in the 2 months before');
SELECT ok((SELECT avg((i.customer_id IS NOT NULL)::int) FROM clientele.demo_truth t
           LEFT JOIN clientele.interaction i ON i.customer_id = t.customer_id AND i.ts::date = t.trigger_on AND i.kind = t.trigger_kind
           WHERE t.persona IN ('drifting', 'churned') AND t.trigger_on >= '2024-01-01') = 1,
	'every drift in the history starts with its planted complaint, address change or service failure');
SELECT ok((SELECT count(*) FROM clientele.transaction x JOIN clientele.demo_truth t USING (customer_id)
           WHERE t.persona = 'churned' AND x.ts::date = t.churned_on AND x.direction = 'out' AND x.counterparty_bank IS NOT NULL)
          >= (SELECT count(*) FROM clientele.demo_truth WHERE persona = 'churned'),
	'every churner moves money out to another bank on the churn day');
-- products and accounts
SELECT ok((SELECT avg(n) FROM (SELECT count(*) AS n FROM clientele.account GROUP BY customer_id) s) BETWEEN 1.6 AND 2.3,
	'products per customer on average in [1.6, 2.3]');
SELECT ok((SELECT avg((n >= 2)::int) FROM (SELECT count(*) AS n FROM clientele.account GROUP BY customer_id) s) BETWEEN 0.45 AND 0.8,
	'share of customers with two or more products in [45 %, 80 %]');
SELECT is((SELECT count(DISTINCT product_type) FROM clientele.account), 9::bigint, 'every builtin product type occurs');
SELECT ok((SELECT count(*) FROM clientele.account WHERE product_type = 'time_deposit' AND status = 'closed' AND closed_on = maturity_date) > 0
          AND (SELECT count(*) FROM clientele.account WHERE product_type = 'time_deposit' AND closed_on IS NULL AND maturity_date > '2025-12-31') > 0,
	'time deposits both mature unrenewed and run past as_of');
SELECT ok((SELECT count(*) FROM clientele.account WHERE status = 'dormant') > 0, 'there are dormant accounts');
SELECT is((SELECT count(*) FROM clientele.balance b JOIN clientele.account a USING (account_id)
           WHERE b.balance < 0 AND a.product_type <> 'current'), 0::bigint, 'only current accounts are ever negative');
-- transactions
SELECT ok((SELECT avg(n) FROM (SELECT count(*) AS n FROM clientele.transaction GROUP BY customer_id) s) BETWEEN 20 AND 60,
	'transactions per customer on average in [20, 60]');
SELECT is((SELECT count(DISTINCT channel) FROM clientele.transaction), 6::bigint, 'all six channels occur');
SELECT ok((SELECT avg((channel IN ('online', 'mobile'))::int) FROM clientele.transaction) BETWEEN 0.3 AND 0.8,
	'online and mobile carry 30-80 % of transactions');
SELECT ok((SELECT stddev(n) / avg(n) FROM (SELECT count(*) AS n FROM clientele.transaction GROUP BY customer_id) s) > 0.6,
	'transaction counts are heterogeneous (coefficient of variation above 0.6)');
SELECT is((SELECT count(*) FROM clientele.income WHERE month > '2025-12-31' OR month < '2025-01-01'), 0::bigint,
	'income lines cover the 12 months up to as_of');

-- --- determinism -----------------------------------------------------------------
DO $$ BEGIN PERFORM clientele.generate_demo_bank(2000, 7, replace => true); END $$;
SELECT set_eq($$SELECT * FROM pg_temp.bank_md5()$$, $$SELECT * FROM md5_1$$,
	'the same seed gives the same md5 of every table');
DO $$ BEGIN PERFORM clientele.generate_demo_bank(2000, 8, replace => true); END $$;
SELECT is((SELECT count(*) FROM pg_temp.bank_md5() b JOIN md5_1 m USING (table_name) WHERE b.digest = m.digest), 0::bigint,
	'another seed changes every table');
SELECT is((SELECT md5(string_agg(t::text, '|')) FROM (
		SELECT * FROM clientele.demo_transactions(8, 1, 700, '2025-12-31')
		UNION ALL SELECT * FROM clientele.demo_transactions(8, 701, 2000, '2025-12-31')) t),
	(SELECT md5(string_agg(t::text, '|' ORDER BY txn_id)) FROM clientele.transaction t),
	'batches give the same rows as one range');
SELECT isnt((SELECT md5(string_agg(t::text, '|')) FROM clientele.demo_customers(8, 1, 100, '2024-06-30') t),
	(SELECT md5(string_agg(t::text, '|' ORDER BY customer_id)) FROM clientele.customer t WHERE customer_id <= 100),
	'another as_of gives another bank');

-- --- a failed load changes nothing --------------------------------------------
CREATE TEMP TABLE md5_8 AS SELECT * FROM pg_temp.bank_md5();
ALTER TABLE clientele.account ADD CONSTRAINT test_no_new_loans CHECK (product_type <> 'loan') NOT VALID;
SELECT throws_ok($$SELECT clientele.generate_demo_bank(3000, 9, replace => true)$$, '23514',
	'new row for relation "account" violates check constraint "test_no_new_loans"',
	'a load that breaks a constraint fails, naming it');
SELECT set_eq($$SELECT * FROM pg_temp.bank_md5()$$, $$SELECT * FROM md5_8$$,
	'after the failed load every table is as before');
ALTER TABLE clientele.account DROP CONSTRAINT test_no_new_loans;
SELECT is(pg_temp.schema_of_tables(), (SELECT s FROM schema_before),
	'after the failed load the keys, indexes and foreign keys are as before');
SELECT lives_ok($$SELECT clientele.generate_demo_bank(50, 9, '2020-06-30', replace => true)$$,
	'replace => true loads over an existing bank');
SELECT is((SELECT max(as_of) FROM clientele.balance), '2020-06-30'::date, 'as_of sets the end of the history');

SELECT * FROM finish();
ROLLBACK;
