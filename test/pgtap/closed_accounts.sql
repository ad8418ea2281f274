-- A closed account without a closing zero snapshot (real extracts often lack
-- it): every balance-based figure counts its balance as 0 from closed_on on,
-- that day included, as aum() does.  Hand-built bank, answers by hand.
BEGIN;
SELECT plan(16);
SET LOCAL timezone = 'UTC';
SET LOCAL client_min_messages = warning;
\ir include/err.sql

TRUNCATE clientele.customer, clientele.lifecycle_history, clientele.lifecycle_recorded CASCADE;
--   customer 1: 10 savings 1,000 open; 11 savings 3,000 closed on 2025-11-01
--               with no zero snapshot, and a stale 3,000 row after closing
--   customer 2: the same, but 21 has the closing zero snapshot
--   customer 3: 30 savings 500 open; 31 savings 2,000 closed on 2025-06-01
--               (before the quarter) with no zero snapshot
INSERT INTO clientele.customer (customer_id, region, opened_on) VALUES
	(1, 'east', '2020-01-01'), (2, 'east', '2020-01-01'), (3, 'east', '2020-01-01');
INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on, closed_on, status) VALUES
	(10, 1, 'savings', '2020-01-01', NULL, 'active'), (11, 1, 'savings', '2020-01-01', '2025-11-01', 'closed'),
	(20, 2, 'savings', '2020-01-01', NULL, 'active'), (21, 2, 'savings', '2020-01-01', '2025-11-01', 'closed'),
	(30, 3, 'savings', '2020-01-01', NULL, 'active'), (31, 3, 'savings', '2020-01-01', '2025-06-01', 'closed');
INSERT INTO clientele.balance (account_id, as_of, balance) VALUES
	(10, '2024-01-01', 1000), (11, '2024-01-01', 3000), (11, '2025-12-15', 3000),
	(20, '2024-01-01', 1000), (21, '2024-01-01', 3000), (21, '2025-11-01', 0),
	(30, '2024-01-01', 500), (31, '2024-01-01', 2000);
INSERT INTO clientele.transaction (txn_id, customer_id, account_id, ts, amount, direction, channel, kind)
SELECT 100 * c + m, c, 10 * c, make_date(2025, m, 15), 50, 'in', 'mobile', 'deposit'
FROM generate_series(1, 3) c, generate_series(1, 12) m;

-- the quarter 2025-10-01..12-31 (92 days): 3,000 x 31 / 92 = 1,010.87
SELECT results_eq($$SELECT customer_id, avg_balance FROM clientele.profit_contribution('2025-10-01', '2025-12-31') ORDER BY 1$$,
	$$VALUES (1::bigint, 2010.87::numeric), (2, 2010.87), (3, 500.00)$$,
	'profit_contribution: a closed account counts 0 from closed_on, closing snapshot or not');
-- the year (365 days): 3,000 x 304 / 365 = 2,498.63; 2,000 x 151 / 365 = 827.40
SELECT results_eq($$SELECT customer_id, avg_balance FROM clientele.profit_contribution('2025-01-01', '2025-12-31') ORDER BY 1$$,
	$$VALUES (1::bigint, 3498.63::numeric), (2, 3498.63), (3, 1327.40)$$,
	'profit_contribution over the year: closed part-way through');
SELECT is((SELECT ftp_income FROM clientele.profit_contribution('2025-10-01', '2025-12-31') WHERE customer_id = 1),
	(SELECT ftp_income FROM clientele.profit_contribution('2025-10-01', '2025-12-31') WHERE customer_id = 2),
	'the contribution does not depend on the closing zero snapshot');
-- aum() and a one-day ADB agree on the day before closing, the closing day and later
SELECT results_eq($$SELECT d, p.customer_id, p.avg_balance FROM unnest(ARRAY['2025-05-31', '2025-06-01', '2025-10-31', '2025-11-01', '2025-12-31']::date[]) d,
		clientele.profit_contribution(d, d) p ORDER BY 1, 2$$,
	$$SELECT d, a.customer_id, a.aum FROM unnest(ARRAY['2025-05-31', '2025-06-01', '2025-10-31', '2025-11-01', '2025-12-31']::date[]) d,
		clientele.aum(d) a ORDER BY 1, 2$$,
	'a one-day ADB equals aum() on the day before closing, the closing day (0) and after');
SELECT is((SELECT aum FROM clientele.aum('2025-11-01') WHERE customer_id = 1), 1000::numeric,
	'aum(): the closing day counts 0');
SELECT is((SELECT avg_balance FROM clientele.profit_contribution('2025-11-01', '2025-11-01') WHERE customer_id = 1), 1000.00,
	'profit_contribution: the closing day counts 0 too');
SELECT is((SELECT avg_balance FROM clientele.profit_contribution('2025-10-31', '2025-10-31') WHERE customer_id = 1), 4000.00,
	'the day before closing counts the balance');

-- customer_features: the last 3 months 2025-10-01..12-31, the 3 before 07-01..09-30
SELECT results_eq($$SELECT customer_id, aum_3m, aum_prev_3m, aum_3m_ago FROM clientele.customer_features('2025-12-31') ORDER BY 1$$,
	$$VALUES (1::bigint, 2010.87::numeric, 4000.00::numeric, 4000.00::numeric), (2, 2010.87, 4000.00, 4000.00), (3, 500.00, 500.00, 500.00)$$,
	'customer_features: aum_3m and aum_prev_3m count a closed account 0 from closed_on');
-- point in time: as of 2025-10-31 the closing is in the future and changes nothing
SELECT results_eq($$SELECT customer_id, aum_3m FROM clientele.customer_features('2025-10-31') ORDER BY 1$$,
	$$VALUES (1::bigint, 4000.00::numeric), (2, 4000.00), (3, 500.00)$$,
	'customer_features as of the day before closing: the account still counts');
SELECT results_eq($$SELECT customer_id, avg_balance FROM clientele.profit_contribution('2025-08-01', '2025-10-31') ORDER BY 1$$,
	$$VALUES (1::bigint, 4000.00::numeric), (2, 4000.00), (3, 500.00)$$,
	'profit_contribution ending the day before closing: the account counts throughout');
-- a later closing zero (a row after as_of) does not change an earlier answer
INSERT INTO clientele.balance (account_id, as_of, balance) VALUES (10, '2026-01-05', 0);
SELECT results_eq($$SELECT customer_id, aum_3m FROM clientele.customer_features('2025-12-31') ORDER BY 1$$,
	$$VALUES (1::bigint, 2010.87::numeric), (2, 2010.87), (3, 500.00)$$,
	'customer_features: rows after as_of change nothing');

-- refresh: the value period is the 12 months to as_of
SELECT is(pg_temp.err($$CALL clientele.refresh('2025-12-31')$$), 'ok', 'refresh succeeds');
SELECT results_eq($$SELECT customer_id, avg_daily_deposit, aum FROM clientele.customer_result WHERE as_of = '2025-12-31' ORDER BY 1$$,
	$$VALUES (1::bigint, 3498.63::numeric, 1000.00::numeric), (2, 3498.63, 1000.00), (3, 1327.40, 500.00)$$,
	'refresh: avg_daily_deposit counts a closed account 0 from closed_on');
SELECT results_eq($$SELECT customer_id, contribution FROM clientele.customer_result WHERE as_of = '2025-12-31' ORDER BY 1$$,
	$$SELECT customer_id, contribution FROM clientele.profit_contribution('2025-01-01', '2025-12-31') ORDER BY 1$$,
	'refresh: the same contributions as profit_contribution');
SELECT is((SELECT contribution FROM clientele.customer_result WHERE as_of = '2025-12-31' AND customer_id = 1),
	(SELECT contribution FROM clientele.customer_result WHERE as_of = '2025-12-31' AND customer_id = 2),
	'refresh: the contribution does not depend on the closing zero snapshot');
-- a closed account whose only snapshots come after closing counts 0 throughout
INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on, closed_on, status) VALUES
	(32, 3, 'savings', '2020-01-01', '2025-03-01', 'closed');
INSERT INTO clientele.balance (account_id, as_of, balance) VALUES (32, '2025-04-01', 9000);
SELECT is((SELECT avg_balance FROM clientele.profit_contribution('2025-01-01', '2025-12-31') WHERE customer_id = 3), 1327.40,
	'a snapshot dated after closing is ignored');

SELECT * FROM finish();
ROLLBACK;
