-- value area: average daily balance, concentration, AUM, profit contribution, value classes.
SET client_min_messages = warning;
SET extra_float_digits = 0;

-- ---- avg_daily_balance: semantics --------------------------------------------
-- window 2024-01-01 .. 2024-01-10 (10 days, both ends included)
CREATE TEMP TABLE snap (acct int, day date, bal numeric);
INSERT INTO snap VALUES
	-- a: nothing known before 01-03 (0), 100 from 01-03, 200 from 01-08: (5*100 + 3*200) / 10
	(1, '2024-01-08', 200), (1, '2024-01-03', 100),
	-- b: 50 carried from December (the older 999 is superseded), 100 from 01-06; 7 after the window ignored
	(2, '2023-12-08', 50), (2, '2023-12-01', 999), (2, '2024-01-06', 100), (2, '2024-02-01', 7),
	-- c: only after the window: every day before the first snapshot counts as 0
	(3, '2024-03-01', 500),
	-- d: one snapshot on the last day: 1/10 of it
	(4, '2024-01-10', 1000),
	-- e: cents: 0.01 on 5 of 10 days = 0.005, half away from zero -> 0.01; -0.01 -> -0.01
	(5, '2024-01-06', 0.01), (6, '2024-01-06', -0.01),
	-- f: balances are taken to the cent first: 1.004 -> 1.00, 1.005 -> 1.01
	(7, '2024-01-01', 1.004), (8, '2024-01-01', 1.005),
	-- g: NULL rows are ignored
	(9, '2024-01-01', 10), (9, NULL, 99), (9, '2024-01-05', NULL);
SELECT acct, clientele.avg_daily_balance(day, bal, '2024-01-01', '2024-01-10') AS adb
FROM snap GROUP BY acct ORDER BY acct;
-- one-day window, first day = last day
SELECT clientele.avg_daily_balance(day, bal, '2024-01-08', '2024-01-08') FROM snap WHERE acct = 1;
-- empty input: NULL
SELECT clientele.avg_daily_balance(day, bal, '2024-01-01', '2024-01-10') IS NULL AS empty_is_null FROM snap WHERE false;
-- same as the plain average when every day has a snapshot
SELECT clientele.avg_daily_balance(d::date, (x * 7 % 101)::numeric, '2024-01-01', '2024-12-31') AS adb,
       round(avg((x * 7 % 101)::numeric), 2) AS plain_avg
FROM generate_series(0, 365) x, LATERAL (SELECT date '2024-01-01' + x) g(d);

-- ---- avg_daily_balance: bad input -------------------------------------------
SELECT clientele.avg_daily_balance('2024-01-02', 'NaN', '2024-01-01', '2024-01-10');
SELECT clientele.avg_daily_balance('2024-01-02', 'Infinity', '2024-01-01', '2024-01-10');
SELECT clientele.avg_daily_balance('2024-01-02', '-Infinity', '2024-01-01', '2024-01-10');
SELECT clientele.avg_daily_balance('2024-01-02', 1e17, '2024-01-01', '2024-01-10');
SELECT clientele.avg_daily_balance('infinity', 1, '2024-01-01', '2024-01-10');
SELECT clientele.avg_daily_balance('2024-01-02', 1, '2024-01-11', '2024-01-10');
SELECT clientele.avg_daily_balance('2024-01-02', 1, NULL, '2024-01-10');
SELECT clientele.avg_daily_balance('2024-01-02', 1, '2024-01-01', NULL);
SELECT clientele.avg_daily_balance('2024-01-02', 1, '-infinity', '2024-01-10');
SELECT clientele.avg_daily_balance('2024-01-02', 1, '2024-01-01', 'infinity');
SELECT clientele.avg_daily_balance(day, 1, '2024-01-01', '2024-01-10')
FROM (VALUES (date '2024-01-02'), ('2024-01-02')) v(day);
SELECT clientele.avg_daily_balance(day, 1, '2024-01-01', '2024-01-10')
FROM (VALUES (date '2023-01-02'), ('2023-01-02')) v(day);
SELECT clientele.avg_daily_balance(day, 1, day, '2024-01-10')
FROM (VALUES (date '2024-01-02'), ('2024-01-03')) v(day);

-- ---- gini and top_share ---------------------------------------------------------
SELECT clientele.gini(x) AS gini_1_to_5, clientele.top_share(x, 0.2) AS top_fifth,
       clientele.top_share(x, 0.5) AS top_half_interpolated
FROM generate_series(1, 5) x;
SELECT clientele.gini(x) AS one_holder FROM unnest('{0,0,0,100}'::float8[]) x;
SELECT clientele.gini(x) AS all_zero, clientele.top_share(x, 0.3) AS all_zero_share FROM unnest('{0,0}'::float8[]) x;
SELECT clientele.gini(x) AS with_negative FROM unnest('{-1,3}'::float8[]) x;
SELECT clientele.gini(x) IS NULL AS nonpositive_total_is_null FROM unnest('{-5,2}'::float8[]) x;
SELECT clientele.gini(x) IS NULL AS empty_is_null, clientele.top_share(x, 0.2) IS NULL AS empty_share_is_null
FROM unnest('{}'::float8[]) x;
SELECT clientele.gini(x), clientele.top_share(x, 0.25) FROM unnest('{10,NULL,20,30,40}'::float8[]) x;
-- numeric input goes through the implicit cast to float8
SELECT clientele.gini(x::numeric) FROM generate_series(1, 5) x;
SELECT clientele.gini(x) FROM unnest('{1,NaN}'::float8[]) x;
SELECT clientele.gini(x) FROM unnest('{1,Infinity}'::float8[]) x;
SELECT clientele.top_share(x, 1.5) FROM generate_series(1, 3) x;
SELECT clientele.top_share(x, -0.1) FROM generate_series(1, 3) x;
SELECT clientele.top_share(x, 'NaN') FROM generate_series(1, 3) x;
SELECT clientele.top_share(x, NULL) FROM generate_series(1, 3) x;
SELECT clientele.top_share(x, x / 10.0) FROM generate_series(1, 3) x;

-- ---- configuration: validated before it is stored -----------------------------------
SELECT name, value, set_by_bank FROM clientele.value_settings WHERE name LIKE 'profit%' ORDER BY name;
INSERT INTO clientele.value_param (name, value) VALUES ('profit_hihg_min', 5);
INSERT INTO clientele.value_param (name, value) VALUES ('day_count_basis', 400);
INSERT INTO clientele.value_param (name, value) VALUES ('activity_months', 2.5);
INSERT INTO clientele.value_param (name, value) VALUES ('cost_per_txn_atm', 'NaN');
INSERT INTO clientele.value_param (name, value) VALUES ('profit_medium_min', 5000);
INSERT INTO clientele.value_param (name, value) VALUES
	('loyalty_weight_tenure', 0), ('loyalty_weight_products', 0), ('loyalty_weight_activity', 0);
SELECT clientele.value_setting('no_such_thing');
INSERT INTO clientele.value_product_rate (product_type, pd, lgd) VALUES ('savings', 0.01, 0.5);
INSERT INTO clientele.value_product_rate (product_type, ftp_spread) VALUES ('savings', 1.5);
INSERT INTO clientele.value_product_rate (product_type, ftp_spread) VALUES ('savings', 'NaN');
INSERT INTO clientele.value_product_rate (product_type, pd) VALUES ('loan', 2);
INSERT INTO clientele.value_product_rate (product_type) VALUES ('bitcoin');
UPDATE clientele.value_param_spec SET default_value = 0 WHERE name = 'day_count_basis';
DELETE FROM clientele.value_rate_default;
SELECT clientele.value_setting(NULL) IS NULL AS null_name_gives_null;
SELECT count(*) AS stored_after_rejections FROM clientele.value_param;
-- a valid change takes effect
INSERT INTO clientele.value_param (name, value, note) VALUES ('fixed_cost_per_customer_month', 3.65, 'test');
SELECT clientele.value_setting('fixed_cost_per_customer_month');
SELECT product_type, ftp_spread, fee_rate, pd, lgd, rate_source FROM clientele.value_rates ORDER BY product_type;

-- ---- a small bank ---------------------------------------------------------------------
INSERT INTO clientele.customer (customer_id, opened_on, closed_on) VALUES
	(1, '2015-03-01', NULL), (2, '2023-06-01', NULL), (3, '2019-01-01', NULL), (4, '2022-01-01', '2024-01-10'),
	(5, '2024-02-01', NULL);
INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on, closed_on, status) VALUES
	(101, 1, 'current', '2015-03-01', NULL, 'active'),
	(102, 1, 'time_deposit', '2023-12-31', NULL, 'active'),
	(103, 1, 'loan', '2023-06-01', NULL, 'active'),
	(201, 2, 'savings', '2023-06-01', NULL, 'active'),
	(202, 2, 'wealth', '2024-01-16', NULL, 'active'),
	(301, 3, 'current', '2019-01-01', NULL, 'active'),
	(401, 4, 'current', '2022-01-01', '2024-01-10', 'closed'),
	(501, 5, 'savings', '2024-02-01', NULL, 'active');
INSERT INTO clientele.balance (account_id, as_of, balance) VALUES
	(101, '2023-12-15', 1000.00), (101, '2024-01-11', 3000.00),
	(102, '2024-01-01', 50000.00),
	(103, '2023-06-01', 20000.00),
	(201, '2024-01-01', 500.00),
	(202, '2024-01-16', 100000.00),
	(301, '2024-01-01', 800.00),
	(401, '2024-01-01', -200.00), (401, '2024-01-10', 0),
	(501, '2024-02-01', 7000.00);
INSERT INTO clientele.transaction (txn_id, customer_id, account_id, ts, amount, direction, channel, kind)
SELECT 1000 + g, 1, 101, '2024-01-05 10:00+00'::timestamptz + g * interval '1 hour', 10, 'out',
       CASE WHEN g <= 2 THEN 'counter' ELSE 'mobile' END, 'payment'
FROM generate_series(1, 12) g;
INSERT INTO clientele.transaction (txn_id, customer_id, account_id, ts, amount, direction, channel, kind)
SELECT 2000 + g, 2, 201, '2023-03-01 10:00+00'::timestamptz + g * interval '1 month', 10, 'out', 'atm', 'withdrawal'
FROM generate_series(1, 11) g;
INSERT INTO clientele.transaction (txn_id, customer_id, account_id, ts, amount, direction, channel, kind)
VALUES (4001, 4, 401, '2024-01-05 09:00+00', 0, 'none', 'counter', 'enquiry');
-- customer 3: the bank supplies monthly profitability lines
INSERT INTO clientele.income (customer_id, month, ftp_income, fee_income, loan_interest, cost) VALUES
	(3, '2024-01-01', 31.00, 6.20, 0, 9.30), (3, '2024-02-01', 29.00, 0, 0, 2.90);

-- AUM as of 2024-01-20: the catalogue's counts_in_aum (loans excluded, overdraft counted as 0)
SELECT * FROM clientele.aum('2024-01-20');
-- explicit list
SELECT customer_id, aum, deposits, investments, accounts FROM clientele.aum('2024-01-20', '{time_deposit,loan}');
-- before account 202 opened; customer 4 closed
SELECT customer_id, aum FROM clientele.aum('2024-01-12');
SELECT * FROM clientele.aum('2024-01-20', '{savings,bitcoin,gold}');
SELECT * FROM clientele.aum('2024-01-20', '{}');
SELECT * FROM clientele.aum('2024-01-20', '{savings,NULL}');
SELECT * FROM clientele.aum(NULL);
SELECT * FROM clientele.aum('infinity');

-- profit contribution for January 2024 (31 days), fixed cost 3.65 a month
SELECT * FROM clientele.profit_contribution('2024-01-01', '2024-01-31');
-- the same period split across months: customer 3's lines are prorated by day (15 of 31 + 14 of 29)
SELECT customer_id, source, ftp_income, fee_income, cost, contribution
FROM clientele.profit_contribution('2024-01-17', '2024-02-14') WHERE customer_id = 3;
SELECT * FROM clientele.profit_contribution('2024-02-01', '2024-01-31');
SELECT * FROM clientele.profit_contribution('2024-01-01', NULL);

-- value classes and deciles
SELECT customer_id, contribution, annualised, decile, profit_class, round(value_index::numeric, 3) AS value_index,
       tenure_days, products_held, round(activity_regularity::numeric, 3) AS activity_regularity,
       round(loyalty_index::numeric, 3) AS loyalty_index, quadrant
FROM clientele.value_classes('2024-01-01', '2024-01-31');
SELECT * FROM clientele.profit_deciles('2024-01-01', '2024-01-31');
SELECT clientele.gini(contribution) > 0.5 AS concentrated, round(clientele.top_share(contribution, 0.2)::numeric, 3) AS top_fifth
FROM clientele.profit_contribution('2024-01-01', '2024-01-31');
