-- The canonical data model: constraints name themselves in their errors.
SELECT clientele.version() = extversion AS library_matches_sql FROM pg_extension WHERE extname = 'clientele';
SET client_min_messages = warning;
BEGIN;
INSERT INTO clientele.customer (customer_id, opened_on) VALUES (1, '2020-01-01');
-- closed before opened
INSERT INTO clientele.customer (customer_id, opened_on, closed_on) VALUES (2, '2020-01-01', '2019-12-31');
ROLLBACK;
BEGIN;
INSERT INTO clientele.customer (customer_id, customer_type, opened_on) VALUES (3, 'alien', '2020-01-01');
ROLLBACK;
BEGIN;
INSERT INTO clientele.customer (customer_id, opened_on) VALUES (1, '2020-01-01');
-- unknown product type
INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on) VALUES (10, 1, 'bitcoin', '2020-01-01');
ROLLBACK;
BEGIN;
INSERT INTO clientele.customer (customer_id, opened_on) VALUES (1, '2020-01-01');
INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on) VALUES
	(10, 1, 'current', '2020-01-01'), (11, 1, 'time_deposit', '2020-01-01');
-- an overdrawn current account is fine
INSERT INTO clientele.balance VALUES (10, '2020-01-31', -120.50);
-- a negative time deposit is not
INSERT INTO clientele.balance VALUES (11, '2020-01-31', -1);
ROLLBACK;
BEGIN;
INSERT INTO clientele.customer (customer_id, opened_on) VALUES (1, '2020-01-01');
INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on, closed_on, status)
VALUES (12, 1, 'savings', '2020-01-01', NULL, 'closed');
ROLLBACK;
BEGIN;
INSERT INTO clientele.customer (customer_id, opened_on) VALUES (1, '2020-01-01');
INSERT INTO clientele.transaction (txn_id, customer_id, ts, amount, direction, channel, kind)
VALUES (1, 1, '2020-02-01 10:00+00', -5, 'out', 'atm', 'withdrawal');
ROLLBACK;
BEGIN;
INSERT INTO clientele.customer (customer_id, opened_on) VALUES (1, '2020-01-01');
INSERT INTO clientele.transaction (txn_id, customer_id, ts, amount, direction, channel, kind)
VALUES (2, 1, '2020-02-01 10:00+00', 5, 'out', 'carrier_pigeon', 'withdrawal');
ROLLBACK;
BEGIN;
INSERT INTO clientele.customer (customer_id, opened_on) VALUES (1, '2020-01-01');
INSERT INTO clientele.income (customer_id, month, fee_income) VALUES (1, '2020-02-15', 10);
ROLLBACK;
-- input views: point an input at a bank's own relation
CREATE SCHEMA core;
CREATE TABLE core.txn (txn_id bigint, customer_id bigint, account_id bigint, ts timestamptz, amount numeric,
	direction text, channel text, kind text, customer_initiated boolean);
CREATE TABLE core.txn_bad (txn_id bigint, customer_id bigint, ts timestamptz, amount text,
	direction text, channel text, kind text, customer_initiated boolean);
CREATE TABLE core.txn_missing (txn_id bigint, customer_id bigint, ts timestamptz,
	direction text, channel text, kind text, customer_initiated boolean);
SELECT clientele.use_source('transaction', 'core.txn');
INSERT INTO core.txn VALUES (1, 7, NULL, '2021-03-04 05:06+00', 12.5, 'in', 'mobile', 'deposit', true);
SELECT txn_id, customer_id, amount, counterparty_bank FROM clientele.in_transaction;
SELECT input, relation FROM clientele.source_config;
SELECT clientele.use_source('transaction', 'core.txn_missing');
SELECT clientele.use_source('transaction', 'core.txn_bad');
SELECT clientele.use_source('ledger', 'core.txn');
SELECT clientele.use_source('transaction', NULL);
SELECT count(*) AS canonical_rows FROM clientele.in_transaction;
SELECT count(*) AS configured FROM clientele.source_config;
DROP SCHEMA core CASCADE;
