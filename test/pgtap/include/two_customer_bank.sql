-- A hand-built bank of two customers whose newest input row is 2025-12-31
-- (replaces every customer in the transaction: TRUNCATE ... CASCADE).
-- Included by pgTAP files (`\ir include/two_customer_bank.sql`), not a test
-- itself: scripts/test.sh runs test/pgtap/*.sql, not this folder.
TRUNCATE clientele.customer, clientele.lifecycle_history, clientele.lifecycle_recorded CASCADE;
INSERT INTO clientele.customer (customer_id, opened_on) VALUES (1, '2024-01-01'), (2, '2024-01-01');
INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on, status) VALUES
	(10, 1, 'savings', '2024-01-01', 'active'), (20, 2, 'current', '2024-01-01', 'active');
INSERT INTO clientele.balance (account_id, as_of, balance) VALUES
	(10, '2024-01-01', 5000), (10, '2025-12-31', 6000), (20, '2024-01-01', 100), (20, '2025-12-31', 100);
INSERT INTO clientele.transaction (txn_id, customer_id, account_id, ts, amount, direction, channel, kind) VALUES
	(1, 1, 10, '2025-06-01 10:00', 100, 'in', 'mobile', 'deposit'),
	(2, 1, 10, '2025-12-01 10:00', 100, 'in', 'mobile', 'deposit'),
	(3, 2, 20, '2025-11-01 10:00', 50, 'out', 'atm', 'withdrawal');
