-- The demo bank generator: exact rows of a small bank (platform determinism)
-- and the messages of bad input.  Everything is rolled back.
SET client_min_messages = warning;
\set SHOW_CONTEXT never
-- bad input: SQLSTATE 22023 saying what is allowed (22004 for NULL)
SELECT * FROM clientele.generate_demo_bank(0, 1);
SELECT * FROM clientele.generate_demo_bank(20000000, 1);
SELECT * FROM clientele.generate_demo_bank(10, NULL);
SELECT * FROM clientele.generate_demo_bank(10, 1, 'infinity');
SELECT * FROM clientele.demo_accounts(1, -3, 10, '2025-12-31');
BEGIN;
SELECT * FROM clientele.generate_demo_bank(30, 1);
SELECT persona, count(*) FROM clientele.demo_truth GROUP BY persona ORDER BY persona;
SELECT * FROM clientele.customer ORDER BY customer_id LIMIT 4;
SELECT * FROM clientele.account WHERE customer_id <= 3 ORDER BY account_id;
SELECT b.* FROM clientele.balance b WHERE account_id = 32 ORDER BY as_of LIMIT 6;
SELECT txn_id, account_id, ts, amount, direction, channel, kind, counterparty_bank, customer_initiated
FROM clientele.transaction WHERE customer_id = 2 ORDER BY txn_id LIMIT 6;
SELECT customer_id, persona, drift_started_on, trigger_kind, trigger_on, churned_on, dormant_since, td_not_rolled_on, wealth
FROM clientele.demo_truth WHERE persona <> 'mature' ORDER BY customer_id LIMIT 6;
SELECT * FROM clientele.income WHERE customer_id = 2 ORDER BY month LIMIT 3;
-- a second load is refused unless replace => true
SELECT * FROM clientele.generate_demo_bank(30, 1);
ROLLBACK;
SELECT count(*) AS customers_after_rollback FROM clientele.customer;
