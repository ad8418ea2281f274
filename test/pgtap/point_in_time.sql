-- Point in time, input by input (issue 8): for every as-of function of the
-- lifecycle and churn areas (customer_features, lifecycle, churn_signals,
-- churn_scores with each method, the training of a churn model and
-- churn_evaluation, whose label window ends on the date), removing the rows of
-- ONE input dated after the date, or adding such rows of every kind, changes
-- nothing.  The session time zone is not UTC, so that "after the date" is the
-- local midnight that starts the next day.
BEGIN;
SELECT plan(17);
SET LOCAL timezone = 'Asia/Kolkata';
SET LOCAL client_min_messages = warning;

TRUNCATE clientele.customer, clientele.lifecycle_history, clientele.lifecycle_recorded, clientele.churn_model CASCADE;
CREATE TEMP TABLE demo_rows ON COMMIT DROP AS SELECT * FROM clientele.generate_demo_bank(300, 23);
-- a model trained as of 2024-12-31 whose labels are the stages on 2025-06-30
SELECT lives_ok($$SELECT clientele.train_churn_model('pit', '2024-12-31', '6 months', 1)$$, 'a churn model to score with');

-- every result as of 2025-06-30 (and the training and evaluation that end on it), as md5
CREATE FUNCTION pg_temp.results() RETURNS TABLE (what text, h text) LANGUAGE sql AS $$
	SELECT 'customer_features', md5(string_agg(f::text, ';' ORDER BY f.customer_id))
	FROM clientele.customer_features('2025-06-30') f
	UNION ALL
	SELECT 'lifecycle', md5(string_agg(l::text, ';' ORDER BY l.customer_id)) FROM clientele.lifecycle('2025-06-30') l
	UNION ALL
	SELECT 'churn_signals', md5(string_agg(s::text, ';' ORDER BY s.customer_id, s.signal)) FROM clientele.churn_signals('2025-06-30') s
	UNION ALL
	SELECT 'churn_scores ' || m, (SELECT md5(string_agg(c::text, ';' ORDER BY c.customer_id)) FROM clientele.churn_scores('2025-06-30', m) c)
	FROM unnest(ARRAY['scorecard', 'p_alive', 'pit']) m
	UNION ALL
	SELECT 'churn_evaluation', md5(e::text) FROM clientele.churn_evaluation('2024-12-31', '6 months', 'scorecard') e
	UNION ALL
	-- (to 9 decimals: two trainings on the same data may differ in the last bits of their sums)
	SELECT 'train_churn_model', md5(ROW(t.features, t.iterations, t.converged, t.n, t.n_positive, t.n_negative,
	                                    round(t.log_likelihood::numeric, 9), round(t.training_auc::numeric, 9),
	                                    (SELECT array_agg(round(c::numeric, 9) ORDER BY k) FROM unnest(t.coefficients) WITH ORDINALITY u(c, k)),
	                                    (SELECT array_agg(round(c::numeric, 9) ORDER BY k) FROM unnest(t.std_errors) WITH ORDINALITY u(c, k)),
	                                    (SELECT array_agg(round(c::numeric, 9) ORDER BY k) FROM unnest(t.means) WITH ORDINALITY u(c, k)),
	                                    (SELECT array_agg(round(c::numeric, 9) ORDER BY k) FROM unnest(t.scales) WITH ORDINALITY u(c, k)))::text)
	FROM clientele.train_churn_model('pit_check', '2024-12-31', '6 months', 1) t
$$;
CREATE TEMP TABLE base AS SELECT * FROM pg_temp.results();
-- the names of the results that differ from the base (NULL: none)
CREATE FUNCTION pg_temp.changed() RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(b.what, ', ' ORDER BY b.what) FROM base b JOIN pg_temp.results() n USING (what) WHERE n.h IS DISTINCT FROM b.h
$$;
SELECT is((SELECT count(*) FROM base WHERE h IS NOT NULL), 8::bigint, 'eight results to compare');
SELECT is(pg_temp.changed(), NULL, 'the results are reproducible');

-- the demo bank has later rows of every kind
SELECT ok((SELECT count(*) FROM clientele.transaction WHERE ts >= '2025-07-01') > 0
          AND (SELECT count(*) FROM clientele.balance WHERE as_of > '2025-06-30') > 0
          AND (SELECT count(*) FROM clientele.account WHERE opened_on > '2025-06-30') > 0
          AND (SELECT count(*) FROM clientele.account WHERE closed_on > '2025-06-30') > 0
          AND (SELECT count(*) FROM clientele.customer WHERE opened_on > '2025-06-30') > 0
          AND (SELECT count(*) FROM clientele.customer WHERE closed_on > '2025-06-30') > 0
          AND (SELECT count(*) FROM clientele.interaction WHERE ts >= '2025-07-01') > 0
          AND (SELECT count(*) FROM clientele.income WHERE month > '2025-06-30') > 0,
          'the demo bank has rows of every input dated after 2025-06-30');

-- ---- removing the later rows of one input ---------------------------------------------------
SAVEPOINT s;
DELETE FROM clientele.transaction WHERE ts >= '2025-07-01';
SELECT is(pg_temp.changed(), NULL, 'in_transaction: removing the transactions after the date changes nothing');
ROLLBACK TO SAVEPOINT s;
DELETE FROM clientele.balance WHERE as_of > '2025-06-30';
SELECT is(pg_temp.changed(), NULL, 'in_balance: removing the snapshots after the date changes nothing');
ROLLBACK TO SAVEPOINT s;
UPDATE clientele.account SET closed_on = NULL, status = 'active' WHERE closed_on > '2025-06-30';
SELECT is(pg_temp.changed(), NULL, 'in_account: forgetting the closings after the date changes nothing');
ROLLBACK TO SAVEPOINT s;
DELETE FROM clientele.transaction t USING clientele.account a WHERE a.account_id = t.account_id AND a.opened_on > '2025-06-30';
DELETE FROM clientele.balance b USING clientele.account a WHERE a.account_id = b.account_id AND a.opened_on > '2025-06-30';
DELETE FROM clientele.account WHERE opened_on > '2025-06-30';
SELECT is(pg_temp.changed(), NULL, 'in_account: removing the accounts opened after the date (with their rows) changes nothing');
ROLLBACK TO SAVEPOINT s;
UPDATE clientele.customer SET closed_on = NULL WHERE closed_on > '2025-06-30';
SELECT is(pg_temp.changed(), NULL, 'in_customer: forgetting the closings after the date changes nothing');
ROLLBACK TO SAVEPOINT s;
DELETE FROM clientele.demo_truth t USING clientele.customer c WHERE c.customer_id = t.customer_id AND c.opened_on > '2025-06-30';
DELETE FROM clientele.income i USING clientele.customer c WHERE c.customer_id = i.customer_id AND c.opened_on > '2025-06-30';
DELETE FROM clientele.interaction i USING clientele.customer c WHERE c.customer_id = i.customer_id AND c.opened_on > '2025-06-30';
DELETE FROM clientele.transaction t USING clientele.customer c WHERE c.customer_id = t.customer_id AND c.opened_on > '2025-06-30';
DELETE FROM clientele.balance b USING clientele.account a, clientele.customer c
WHERE a.account_id = b.account_id AND c.customer_id = a.customer_id AND c.opened_on > '2025-06-30';
DELETE FROM clientele.account a USING clientele.customer c WHERE c.customer_id = a.customer_id AND c.opened_on > '2025-06-30';
UPDATE clientele.customer SET referrer_id = NULL
WHERE referrer_id IN (SELECT customer_id FROM clientele.customer WHERE opened_on > '2025-06-30');
DELETE FROM clientele.customer WHERE opened_on > '2025-06-30';
SELECT is(pg_temp.changed(), NULL, 'in_customer: removing the customers opened after the date (with their rows) changes nothing');
ROLLBACK TO SAVEPOINT s;
DELETE FROM clientele.interaction WHERE ts >= '2025-07-01';
SELECT is(pg_temp.changed(), NULL, 'in_interaction: removing the interactions after the date changes nothing');
ROLLBACK TO SAVEPOINT s;
DELETE FROM clientele.income WHERE month > '2025-06-30';
SELECT is(pg_temp.changed(), NULL, 'in_income: removing the income lines after the date changes nothing');
ROLLBACK TO SAVEPOINT s;

-- ---- adding later rows of every kind, on the first day after the date -------------------------
-- transactions at the local midnight that starts 2025-07-01: every kind, customer-initiated or not,
-- large outgoing transfers to another bank
INSERT INTO clientele.transaction (txn_id, customer_id, account_id, ts, amount, direction, channel, kind, counterparty_bank, customer_initiated)
SELECT 800000000 + 10 * a.account_id + k, a.customer_id, a.account_id, timestamptz '2025-07-01 00:00',
       CASE k WHEN 0 THEN 0 ELSE 987654.32 END,
       CASE k WHEN 0 THEN 'none' WHEN 2 THEN 'in' ELSE 'out' END, 'mobile',
       (ARRAY['enquiry', 'transfer', 'deposit', 'withdrawal', 'payment'])[k + 1],
       CASE WHEN k = 1 THEN 'other bank' END, k <> 4
FROM clientele.account a, generate_series(0, 4) k
WHERE a.opened_on <= '2025-06-30';
SELECT is(pg_temp.changed(), NULL, 'in_transaction: transactions of every kind at the first instant after the date change nothing');
-- balance snapshots the next day (and a year later), large and zero
INSERT INTO clientele.balance (account_id, as_of, balance)
SELECT a.account_id, d, CASE WHEN a.account_id % 2 = 0 THEN 0 ELSE 5000000 END
FROM clientele.account a, (VALUES (date '2025-07-01'), (date '2026-06-30')) v(d)
WHERE a.opened_on <= '2025-06-30' AND (a.closed_on IS NULL OR a.closed_on > d)
ON CONFLICT (account_id, as_of) DO UPDATE SET balance = excluded.balance;
SELECT is(pg_temp.changed(), NULL, 'in_balance: snapshots after the date change nothing');
-- accounts: every open account closed the next day; a new time deposit and a new savings account
-- (with a snapshot) opened the next day for every customer, so that no deposit looks rolled over
UPDATE clientele.account SET closed_on = '2025-07-01', status = 'closed' WHERE closed_on IS NULL AND opened_on <= '2025-06-30';
INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on, maturity_date)
SELECT 900000000 + 2 * c.customer_id + k, c.customer_id, CASE k WHEN 0 THEN 'time_deposit' ELSE 'savings' END, '2025-07-01',
       CASE k WHEN 0 THEN date '2026-07-01' END
FROM clientele.customer c, generate_series(0, 1) k WHERE c.opened_on <= '2025-06-30';
INSERT INTO clientele.balance (account_id, as_of, balance)
SELECT account_id, '2025-07-01', 250000 FROM clientele.account WHERE account_id >= 900000000;
SELECT is(pg_temp.changed(), NULL, 'in_account: accounts closed, opened and a time deposit placed the next day change nothing');
-- customers: every one closed the next day, and a new customer with an account, balance and transactions
UPDATE clientele.customer SET closed_on = '2025-07-01' WHERE closed_on IS NULL AND opened_on <= '2025-06-30';
INSERT INTO clientele.customer (customer_id, opened_on, relationship_manager) VALUES (990001, '2025-07-01', 'rm_late');
INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on) VALUES (990001, 990001, 'current', '2025-07-01');
INSERT INTO clientele.balance (account_id, as_of, balance) VALUES (990001, '2025-07-01', 1000);
INSERT INTO clientele.transaction (txn_id, customer_id, account_id, ts, amount, direction, channel, kind)
VALUES (9900000001, 990001, 990001, '2025-07-01 00:00', 10, 'out', 'pos', 'payment');
SELECT is(pg_temp.changed(), NULL, 'in_customer: customers closed and a customer opened the next day change nothing');
-- interactions of every kind at the first instant of the next day, and income of the next month
INSERT INTO clientele.interaction (customer_id, ts, kind)
SELECT c.customer_id, timestamptz '2025-07-01 00:00', k
FROM clientele.customer c, unnest(ARRAY['complaint', 'address_change', 'rm_contact', 'referral', 'campaign_response',
                                         'service_request', 'service_failure', 'satisfaction_survey']) k;
INSERT INTO clientele.income (customer_id, month, ftp_income, fee_income, loan_interest, cost)
SELECT customer_id, '2025-07-01', 12345, 678, 90, 1 FROM clientele.customer
ON CONFLICT (customer_id, month) DO UPDATE SET ftp_income = excluded.ftp_income;
SELECT is(pg_temp.changed(), NULL, 'in_interaction, in_income: interactions of every kind and income lines after the date change nothing');

SELECT * FROM finish();
ROLLBACK;
