-- No silent drops (issue 12): balance snapshots of unknown accounts and income
-- lines of unknown customers are said by the analyses that read them (WARNING,
-- ERROR 22000 under clientele.strict_inputs), and every refresh stage that
-- leaves input rows out counts them in clientele.refresh_log.drops.
SET client_min_messages = warning;
SET extra_float_digits = 0;
\set VERBOSITY terse
CREATE SCHEMA bank;
CREATE TABLE bank.c (customer_id bigint, customer_type text, opened_on date);
INSERT INTO bank.c VALUES (1, 'individual', '2020-01-01'), (2, 'individual', '2020-01-01');
CREATE TABLE bank.a (account_id bigint, customer_id bigint, product_type text, opened_on date, status text);
INSERT INTO bank.a VALUES (10, 1, 'savings', '2020-01-01', 'active'), (11, 2, 'savings', '2020-01-01', 'active');
CREATE TABLE bank.b (account_id bigint, as_of date, balance numeric);
INSERT INTO bank.b VALUES (10, '2024-06-30', 100), (11, '2024-06-30', 200);
CREATE TABLE bank.t (txn_id bigint, customer_id bigint, ts timestamptz, amount numeric, direction text, channel text,
	kind text, customer_initiated boolean);
INSERT INTO bank.t VALUES (1, 1, '2024-06-01', 5, 'in', 'atm', 'deposit', true), (2, 2, '2024-06-03', 5, 'in', 'mobile', 'deposit', true);
CREATE TABLE bank.i (customer_id bigint, month date, fee_income numeric, cost numeric);
INSERT INTO bank.i VALUES (1, '2024-06-01', 5, 1), (2, '2024-06-01', 7, 2);
SELECT clientele.map_column('income', c, 'constant', NULL, '0') FROM (VALUES ('ftp_income'), ('loan_interest')) v(c);
SELECT count(*) FROM (SELECT clientele.use_source('customer', 'bank.c'), clientele.use_source('account', 'bank.a'),
	clientele.use_source('balance', 'bank.b'), clientele.use_source('transaction', 'bank.t'),
	clientele.use_source('income', 'bank.i')) x;

-- clean inputs: no warning, nothing in the refresh log's drops
SELECT customer_id, aum FROM clientele.aum('2024-06-30') ORDER BY 1;
SELECT customer_id, source, fee_income, cost, contribution FROM clientele.profit_contribution('2024-06-01', '2024-06-30') ORDER BY 1;
CALL clientele.refresh('2024-06-30');
SELECT status, drops FROM clientele.refresh_log ORDER BY refresh_id DESC LIMIT 1;

-- a balance snapshot of an account the account input does not know, and one without an account
INSERT INTO bank.b VALUES (12, '2024-06-30', 5000), (12, '2024-06-29', 4000), (NULL, '2024-06-30', 1);
-- an income line of a customer the customer input does not know, and one without a customer
INSERT INTO bank.i VALUES (55, '2024-06-01', 100, 1), (NULL, '2024-06-01', 1, 1);
-- an account of an unknown product code, a transaction without a customer, one of an unknown customer
INSERT INTO bank.a VALUES (13, 1, 'GOLD', '2020-01-01', 'active');
INSERT INTO bank.t VALUES (3, NULL, '2024-06-05', 5, 'in', 'atm', 'deposit', true), (4, 77, '2024-06-05', 5, 'in', 'atm', 'deposit', true);

-- the analyses say what they leave out (same results for the known rows)
SELECT customer_id, aum FROM clientele.aum('2024-06-30') ORDER BY 1;
SELECT customer_id, source, fee_income, cost, contribution FROM clientele.profit_contribution('2024-06-01', '2024-06-30') ORDER BY 1;
SELECT customer_id, contribution, decile FROM clientele.value_classes('2024-06-01', '2024-06-30') ORDER BY 1;

-- strict: each class is an error 22000
SET clientele.strict_inputs = on;
SELECT count(*) FROM clientele.aum('2024-06-30');
DELETE FROM bank.a WHERE account_id = 13;
SELECT count(*) FROM clientele.aum('2024-06-30');
DELETE FROM bank.t WHERE txn_id IN (3, 4);
SELECT count(*) FROM clientele.profit_contribution('2024-06-01', '2024-06-30');
DELETE FROM bank.b WHERE account_id = 12 OR account_id IS NULL;
SELECT count(*) FROM clientele.aum('2024-06-30');
SELECT count(*) FROM clientele.profit_contribution('2024-06-01', '2024-06-30');
DELETE FROM bank.i WHERE customer_id = 55 OR customer_id IS NULL;
SELECT count(*) FROM clientele.profit_contribution('2024-06-01', '2024-06-30');

-- the refresh: strict fails (logged with the error), then the counts per stage and reason
INSERT INTO bank.b VALUES (12, '2024-06-30', 5000), (12, '2024-06-29', 4000), (NULL, '2024-06-30', 1);
INSERT INTO bank.i VALUES (55, '2024-06-01', 100, 1), (NULL, '2024-06-01', 1, 1);
INSERT INTO bank.a VALUES (13, 1, 'GOLD', '2020-01-01', 'active');
INSERT INTO bank.t VALUES (3, NULL, '2024-06-05', 5, 'in', 'atm', 'deposit', true), (4, 77, '2024-06-05', 5, 'in', 'atm', 'deposit', true),
	(5, 2, '2024-06-06', 5, 'in', 'telegraph', 'deposit', true);
CALL clientele.refresh('2024-06-30');
SELECT status, sqlstate, error, drops FROM clientele.refresh_log ORDER BY refresh_id DESC LIMIT 1;
RESET clientele.strict_inputs;
CALL clientele.refresh('2024-06-30');
SELECT status, customers FROM clientele.refresh_log ORDER BY refresh_id DESC LIMIT 1;
SELECT d->>'stage' AS stage, d->>'input' AS input, (d->>'rows')::bigint AS rows, d->>'reason' AS reason
FROM clientele.refresh_log, jsonb_array_elements(drops) d
WHERE refresh_id = (SELECT max(refresh_id) FROM clientele.refresh_log);
-- the results of the known customers are those of the clean run
SELECT customer_id, aum, fee_income, cost, contribution FROM clientele.customer_result WHERE as_of = '2024-06-30' ORDER BY 1;

-- clean up for the next suites (same database): canonical inputs, no results
SELECT count(*) FROM (SELECT clientele.use_source(i, NULL)
	FROM (VALUES ('customer'), ('account'), ('balance'), ('transaction'), ('income')) v(i)) x;
SELECT count(*) FROM (SELECT clientele.map_column('income', c, NULL) FROM (VALUES ('ftp_income'), ('loan_interest')) v(c)) x;
DROP SCHEMA bank CASCADE;
DELETE FROM clientele.segment_membership;
DELETE FROM clientele.customer_result;
DELETE FROM clientele.kpi_history;
DELETE FROM clientele.refresh_model;
DELETE FROM clientele.refresh_log;
DELETE FROM clientele.lifecycle_history;
DELETE FROM clientele.lifecycle_recorded;
SELECT clientele.refresh_reports();
SELECT (SELECT count(*) FROM clientele.source_config WHERE relation IS NOT NULL) AS mapped, (SELECT count(*) FROM clientele.source_column) AS columns,
       (SELECT count(*) FROM clientele.customer_scorecard) AS scorecard;
