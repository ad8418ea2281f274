-- Lifecycle stages and churn warning signals on hand-built customers, as of
-- 2025-06-30: one customer per rule (and per boundary), one per signal.
-- Windows: last 3 months 2025-03-31..2025-06-30, 3 before 2024-12-31..2025-03-30,
-- last 6 months 2024-12-31..2025-06-30, 6 before 2024-07-01..2024-12-30.
\set VERBOSITY terse
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
BEGIN;
TRUNCATE clientele.customer, clientele.lifecycle_history, clientele.lifecycle_recorded CASCADE;
CREATE SEQUENCE pg_temp.txn_ids;
CREATE FUNCTION pg_temp.txn(p_customer bigint, p_day date, p_kind text DEFAULT 'deposit', p_dir text DEFAULT 'in',
	p_amount numeric DEFAULT 10, p_bank text DEFAULT NULL, p_ci boolean DEFAULT true) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO clientele.transaction (txn_id, customer_id, ts, amount, direction, channel, kind, counterparty_bank, customer_initiated)
	VALUES (nextval('pg_temp.txn_ids'), p_customer, p_day + time '12:00', p_amount, p_dir, 'mobile', p_kind, p_bank, p_ci);
$$;
CREATE FUNCTION pg_temp.cust(p_id bigint, p_opened date, p_closed date DEFAULT NULL, p_rm text DEFAULT NULL) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO clientele.customer (customer_id, opened_on, closed_on, relationship_manager) VALUES (p_id, p_opened, p_closed, p_rm);
$$;
CREATE FUNCTION pg_temp.acct(p_id bigint, p_customer bigint, p_product text, p_opened date, p_closed date DEFAULT NULL,
	p_maturity date DEFAULT NULL) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on, closed_on, maturity_date, status)
	VALUES (p_id, p_customer, p_product, p_opened, p_closed, p_maturity, CASE WHEN p_closed IS NULL THEN 'active' ELSE 'closed' END);
$$;
\o /dev/null
-- lifecycle rules
SELECT pg_temp.cust(101, '2025-01-01');                                   -- prospect: no account
SELECT pg_temp.cust(102, '2020-01-01', '2025-05-01'), pg_temp.acct(1020, 102, 'savings', '2020-01-01', '2025-05-01'),
       pg_temp.txn(102, '2025-04-01');                                    -- churned: customer closed
SELECT pg_temp.cust(103, '2020-01-01'), pg_temp.acct(1030, 103, 'savings', '2020-01-01', '2025-02-01'),
       pg_temp.txn(103, '2025-01-15');                                    -- churned: every account closed
SELECT pg_temp.cust(104, '2020-01-01'), pg_temp.acct(1040, 104, 'savings', '2020-01-01'),
       pg_temp.txn(104, '2023-06-30');                                    -- churned: exactly 24 months
SELECT pg_temp.cust(105, '2020-01-01'), pg_temp.acct(1050, 105, 'savings', '2020-01-01'),
       pg_temp.txn(105, '2023-07-01');                                    -- dormant: one day short of 24 months
SELECT pg_temp.cust(106, '2020-01-01'), pg_temp.acct(1060, 106, 'savings', '2020-01-01'),
       pg_temp.txn(106, '2024-12-30');                                    -- dormant: exactly 6 months
SELECT pg_temp.cust(107, '2020-01-01'), pg_temp.acct(1070, 107, 'savings', '2020-01-01'),
       pg_temp.txn(107, '2024-12-31');                                    -- one day short of 6 months: mature
SELECT pg_temp.cust(108, '2020-01-01'), pg_temp.acct(1080, 108, 'savings', '2020-01-01'),
       pg_temp.txn(108, '2024-05-01'), pg_temp.txn(108, '2024-11-15'), pg_temp.txn(108, '2025-05-01'); -- reactivated: 198-day gap
SELECT pg_temp.cust(109, '2020-01-01'), pg_temp.acct(1090, 109, 'savings', '2020-01-01'),
       pg_temp.txn(109, '2024-07-01'), pg_temp.txn(109, '2024-11-30'), pg_temp.txn(109, '2025-05-01'); -- gaps under 6 months
SELECT pg_temp.cust(110, '2025-05-01'), pg_temp.acct(1100, 110, 'savings', '2025-05-01'),
       pg_temp.txn(110, '2025-05-02');                                    -- new: tenure 60 days
SELECT pg_temp.cust(111, '2020-01-01'), pg_temp.acct(1110, 111, 'savings', '2020-01-01'),
       pg_temp.txn(111, '2025-01-15'), pg_temp.txn(111, '2025-05-15');   -- declining: AUM -40 %
INSERT INTO clientele.balance VALUES (1110, '2024-06-01', 1000), (1110, '2025-03-31', 600);
SELECT pg_temp.cust(112, '2020-01-01'), pg_temp.acct(1120, 112, 'savings', '2020-01-01');
SELECT pg_temp.txn(112, d) FROM unnest('{2025-01-10,2025-01-20,2025-01-30,2025-02-10,2025-04-10,2025-05-10}'::date[]) d; -- declining: 2 vs 4
SELECT pg_temp.cust(113, '2020-01-01'), pg_temp.acct(1130, 113, 'savings', '2020-01-01'),
       pg_temp.txn(113, '2025-01-15'), pg_temp.txn(113, '2025-05-15');   -- growing: AUM +30 %
INSERT INTO clientele.balance VALUES (1130, '2024-06-01', 1000), (1130, '2025-03-31', 1300);
SELECT pg_temp.cust(114, '2024-10-01'), pg_temp.acct(1140, 114, 'savings', '2024-10-01'),
       pg_temp.txn(114, '2025-01-15'), pg_temp.txn(114, '2025-05-15');   -- growing: tenure 272 days
INSERT INTO clientele.balance VALUES (1140, '2024-10-01', 500);
SELECT pg_temp.cust(115, '2020-01-01'), pg_temp.acct(1150, 115, 'savings', '2020-01-01'),
       pg_temp.txn(115, '2025-01-15'), pg_temp.txn(115, '2025-05-15');   -- mature
INSERT INTO clientele.balance VALUES (1150, '2024-01-01', 800), (1150, '2025-06-30', 800);
-- signals
SELECT pg_temp.cust(120, '2020-01-01', NULL, 'rm_anna'), pg_temp.acct(1200, 120, 'savings', '2020-01-01'),
       pg_temp.acct(1201, 120, 'current', '2020-01-01'), pg_temp.txn(120, '2025-01-15'), pg_temp.txn(120, '2025-05-15');
INSERT INTO clientele.interaction (customer_id, ts, kind) VALUES
	(120, '2025-06-01 09:00', 'address_change'), (120, '2025-02-01 09:00', 'complaint'),
	(120, '2024-12-01 09:00', 'rm_contact'), (120, '2025-03-30 09:00', 'address_change');
SELECT pg_temp.cust(121, '2020-01-01', NULL, 'rm_anna'), pg_temp.acct(1210, 121, 'savings', '2020-01-01'),
       pg_temp.acct(1211, 121, 'current', '2020-01-01'), pg_temp.txn(121, '2025-01-15'), pg_temp.txn(121, '2025-05-15');
INSERT INTO clientele.interaction (customer_id, ts, kind) VALUES (121, '2025-03-01 09:00', 'rm_contact'),
	(121, '2025-01-10 09:00', 'service_failure'), (121, '2024-12-30 09:00', 'complaint');
SELECT pg_temp.cust(122, '2020-01-01'), pg_temp.acct(1220, 122, 'savings', '2020-01-01'), pg_temp.acct(1221, 122, 'loan', '2020-01-01'),
       pg_temp.txn(122, '2025-01-15'), pg_temp.txn(122, '2025-05-01', 'transfer', 'out', 2500, 'other bank'); -- 25 % out
INSERT INTO clientele.balance VALUES (1220, '2024-01-01', 10000), (1221, '2024-01-01', 50000);
SELECT pg_temp.cust(123, '2020-01-01'), pg_temp.acct(1230, 123, 'savings', '2020-01-01'),
       pg_temp.acct(1231, 123, 'time_deposit', '2024-05-15', '2025-05-15', '2025-05-15'),
       pg_temp.txn(123, '2025-01-15'), pg_temp.txn(123, '2025-05-15');   -- deposit paid out, not rolled
SELECT pg_temp.cust(124, '2020-01-01'), pg_temp.acct(1240, 124, 'savings', '2020-01-01'),
       pg_temp.acct(1241, 124, 'time_deposit', '2024-05-15', '2025-05-15', '2025-05-15'),
       pg_temp.acct(1242, 124, 'time_deposit', '2025-05-20', NULL, '2026-05-20'),
       pg_temp.txn(124, '2025-01-15'), pg_temp.txn(124, '2025-05-15');   -- rolled into a new deposit 5 days later
SELECT pg_temp.cust(125, '2020-01-01'), pg_temp.acct(1250, 125, 'savings', '2020-01-01'), pg_temp.acct(1251, 125, 'current', '2020-01-01'),
       pg_temp.txn(125, '2025-02-01', 'transfer', 'out', 1000), pg_temp.txn(125, '2025-05-01', 'transfer', 'out', 400),
       pg_temp.txn(125, '2025-05-02', 'transfer', 'out', 5000, NULL, false);  -- standing order: not customer-initiated
-- rows after as_of are never seen
SELECT pg_temp.txn(c, '2025-07-01') FROM generate_series(104, 106) c;
INSERT INTO clientele.interaction (customer_id, ts, kind) VALUES (121, '2025-07-01 00:00', 'complaint');
INSERT INTO clientele.balance VALUES (1110, '2025-07-01', 5000);
SELECT pg_temp.cust(126, '2025-07-01');
\o

SELECT customer_id, stage, rule, tenure_days, last_txn_on, txn_3m, txn_prev_3m, aum_3m, aum_prev_3m, products_open
FROM clientele.lifecycle('2025-06-30') ORDER BY customer_id;

SELECT customer_id, signal, points, evidence FROM clientele.churn_signals('2025-06-30');

SELECT customer_id, accounts_open, accounts_open_6m_ago, products_open, products_open_6m_ago, txn_6m, txn_prev_6m,
       gap_days, gap_started_on, gap_ended_on, aum_3m_ago, transfer_out_3m, transfer_out_prev_3m, other_bank_out_3m,
       address_changes_3m, complaints_6m, rm_contacts_6m, has_rm, td_matured_3m, td_not_rolled_3m, td_not_rolled_on
FROM clientele.customer_features('2025-06-30') WHERE customer_id >= 120 OR customer_id IN (106, 108) ORDER BY customer_id;

-- a bank rule set: dormancy after 3 months, in use
INSERT INTO clientele.lifecycle_rules (rules, description, dormant_inactive_months, reactivation_recent_months, in_use)
VALUES ('bank', 'dormant after 3 months', 3, 2, true);
SELECT customer_id, stage, rule FROM clientele.lifecycle('2025-06-30') WHERE customer_id IN (107, 109, 115) ORDER BY 1;
SELECT customer_id, stage, rule FROM clientele.lifecycle('2025-06-30', 'standard') WHERE customer_id IN (107, 109, 115) ORDER BY 1;

-- a bank's signal settings: balance_down at 50 %, single_product off
INSERT INTO clientele.churn_signal_setting (code, threshold) VALUES ('balance_down', 0.5);
INSERT INTO clientele.churn_signal_setting (code, enabled, note) VALUES ('single_product', false, 'not for us');
SELECT signal, count(*) FROM clientele.churn_signals('2025-06-30') GROUP BY 1 ORDER BY 1;
UPDATE clientele.churn_signal_setting SET threshold = 0.4 WHERE code = 'balance_down';
SELECT customer_id, signal, evidence FROM clientele.churn_signals('2025-06-30') WHERE signal = 'balance_down';

-- history and transitions
UPDATE clientele.lifecycle_rules SET in_use = false WHERE rules = 'bank';
SELECT clientele.record_lifecycle('2025-03-31');
SELECT clientele.record_lifecycle('2025-06-30');
SELECT clientele.record_lifecycle('2025-06-30');
SELECT as_of, rules, customers FROM clientele.lifecycle_recorded ORDER BY as_of;
SELECT customer_id, stage, valid_from, valid_to, rule FROM clientele.lifecycle_history
WHERE customer_id IN (106, 110, 111, 115) ORDER BY customer_id, valid_from;
SELECT * FROM clientele.lifecycle_transitions('2025-03-31', '2025-06-30');
SELECT * FROM clientele.lifecycle_transitions('2025-06-30', '2025-03-31') WHERE from_stage IS NULL OR to_stage IS NULL;
ROLLBACK;
