-- Issue 8, the default lifecycle rules at their boundaries, end to end: hand-built
-- customers (accounts, balance snapshots, transactions) through
-- clientele.lifecycle('2025-06-30'), not through hand-made feature rows.
-- Windows: last 3 months 2025-03-31..2025-06-30, 3 before 2024-12-31..2025-03-30.
-- Also: who is classified (opened on or before as_of), the enum order, and
-- that only customer-initiated transactions are activity for every rule.
BEGIN;
SELECT plan(33);
SET LOCAL timezone = 'UTC';
SET LOCAL client_min_messages = warning;
TRUNCATE clientele.customer, clientele.lifecycle_history, clientele.lifecycle_recorded CASCADE;

CREATE SEQUENCE pg_temp.ids;
-- a customer with one savings account opened on p_opened, a flat balance from then on
-- (p_bal_before until 2025-03-30, p_bal_after from 2025-03-31), customer-initiated
-- deposits on p_days and other transactions (interest, salary: not customer-initiated) on p_other
CREATE FUNCTION pg_temp.cust(p_id bigint, p_opened date, p_days date[], p_bal_before numeric DEFAULT 1000,
	p_bal_after numeric DEFAULT 1000, p_other date[] DEFAULT '{}') RETURNS void LANGUAGE sql AS $$
	INSERT INTO clientele.customer (customer_id, opened_on) VALUES (p_id, p_opened);
	INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on) VALUES (p_id, p_id, 'savings', p_opened);
	INSERT INTO clientele.balance (account_id, as_of, balance) VALUES (p_id, p_opened, p_bal_before);
	INSERT INTO clientele.balance (account_id, as_of, balance) SELECT p_id, '2025-03-31', p_bal_after WHERE p_opened < '2025-03-31';
	INSERT INTO clientele.transaction (txn_id, customer_id, account_id, ts, amount, direction, channel, kind, customer_initiated)
	SELECT nextval('pg_temp.ids'), p_id, p_id, d + time '12:00', 10, 'in', 'mobile', 'deposit', true FROM unnest(p_days) d;
	INSERT INTO clientele.transaction (txn_id, customer_id, account_id, ts, amount, direction, channel, kind, customer_initiated)
	SELECT nextval('pg_temp.ids'), p_id, p_id, d + time '12:00', 10, 'in', 'counter', 'deposit', false FROM unnest(p_other) d;
$$;
CREATE FUNCTION pg_temp.st(p_id bigint) RETURNS text LANGUAGE sql AS $$
	SELECT stage || ': ' || rule FROM clientele.lifecycle('2025-06-30') WHERE customer_id = p_id
$$;
-- steady activity: one customer-initiated transaction in each window (no fall)
CREATE FUNCTION pg_temp.steady() RETURNS date[] LANGUAGE sql AS $$ SELECT '{2025-01-15,2025-05-15}'::date[] $$;
-- every month of the last 2 years, not customer-initiated
CREATE FUNCTION pg_temp.monthly() RETURNS date[] LANGUAGE sql AS $$
	SELECT array_agg(d::date) FROM generate_series('2023-07-05'::date, '2025-06-25', '1 month') d
$$;

-- tenure
SELECT pg_temp.cust(1, '2025-04-01', '{2025-04-01}');              -- exactly 90 days
SELECT pg_temp.cust(2, '2025-04-02', '{2025-04-02}');              -- 89 days
SELECT pg_temp.cust(3, '2024-06-30', pg_temp.steady());             -- exactly 365 days
SELECT pg_temp.cust(4, '2024-07-01', pg_temp.steady());             -- 364 days
-- AUM: average daily balance of the last 3 months against the 3 before
SELECT pg_temp.cust(5, '2020-01-01', pg_temp.steady(), 1000, 700);  -- exactly -30 %
SELECT pg_temp.cust(6, '2020-01-01', pg_temp.steady(), 1000, 701);  -- -29.9 %
SELECT pg_temp.cust(7, '2020-01-01', pg_temp.steady(), 1000, 1200); -- exactly +20 %
SELECT pg_temp.cust(8, '2020-01-01', pg_temp.steady(), 1000, 1199); -- +19.9 %
SELECT pg_temp.cust(9, '2020-01-01', '{2025-01-15,2025-05-15,2025-05-16}', 1000, 1200); -- +20 %, more transactions
SELECT pg_temp.cust(10, '2020-01-01', '{2025-01-15,2025-01-16,2025-05-15}', 1000, 1200); -- +20 % but transactions fell
-- customer-initiated transactions: last 3 months against the 3 before
SELECT pg_temp.cust(11, '2020-01-01', '{2025-01-10,2025-02-10,2025-03-10,2025-04-10}');            -- 1 vs 3
SELECT pg_temp.cust(12, '2020-01-01', '{2025-01-10,2025-02-10,2025-03-10,2025-04-10,2025-05-10}');  -- 2 vs 3 (-33 %)
SELECT pg_temp.cust(13, '2020-01-01', '{2025-01-10,2025-03-10}');                                    -- 0 vs 2: fewer than 3 before
SELECT pg_temp.cust(14, '2020-01-01', '{2025-01-10,2025-01-20,2025-02-10,2025-03-10,2025-04-10,2025-05-10}'); -- 2 vs 4 (-50 %)
-- only customer-initiated transactions are activity
SELECT pg_temp.cust(15, '2020-01-01', '{2024-12-01}', 1000, 1000, pg_temp.monthly());   -- none for 7 months, salary every month
SELECT pg_temp.cust(16, '2020-01-01', '{2023-06-01}', 1000, 1000, pg_temp.monthly());   -- none for 25 months
SELECT pg_temp.cust(17, '2020-01-01', '{2024-06-01,2025-05-01}', 1000, 1000, pg_temp.monthly()); -- 11-month gap, salary in it
SELECT pg_temp.cust(18, '2020-01-01', '{2024-12-31,2025-05-01}', 1000, 1000, pg_temp.monthly()); -- 4-month gap
SELECT pg_temp.cust(19, '2025-05-01', '{}', 1000, 1000, '{2025-05-02,2025-06-02}');     -- new, never active
SELECT pg_temp.cust(20, '2024-11-30', '{}', 1000, 1000, '{2025-05-02,2025-06-02}');     -- never active, opened 7 months ago
-- reactivation: the gap of at least 6 months ended within the last 12, a transaction in the last 3
SELECT pg_temp.cust(21, '2020-01-01', '{2023-12-30,2024-06-30,2024-09-30,2024-12-30,2025-03-30,2025-06-01}'); -- a 6-month gap ended exactly 12 months ago
SELECT pg_temp.cust(22, '2020-01-01', '{2023-12-31,2024-07-01,2024-09-30,2024-12-30,2025-03-30,2025-06-01}'); -- ... 12 months less a day ago
SELECT pg_temp.cust(23, '2020-01-01', '{2024-08-01,2025-03-31}');              -- ended a 6-month gap on the first day of the last 3 months
SELECT pg_temp.cust(24, '2020-01-01', '{2024-08-01,2025-03-30}');              -- ... on the last day before them
-- who is classified
SELECT pg_temp.cust(25, '2025-06-30', '{2025-06-30}');                         -- opened on as_of
SELECT pg_temp.cust(26, '2025-07-01', '{2025-07-01}');                         -- opened the day after
SELECT pg_temp.cust(27, '2020-01-01', pg_temp.steady());                       -- closed on as_of
UPDATE clientele.customer SET closed_on = '2025-06-30' WHERE customer_id = 27;
SELECT pg_temp.cust(28, '2020-01-01', pg_temp.steady());                       -- closed the day after
UPDATE clientele.customer SET closed_on = '2025-07-01' WHERE customer_id = 28;
SELECT pg_temp.cust(29, '2020-01-01', pg_temp.steady());                       -- its account closed on as_of
UPDATE clientele.account SET closed_on = '2025-06-30', status = 'closed' WHERE account_id = 29;
INSERT INTO clientele.customer (customer_id, opened_on) VALUES (30, '2024-01-01');   -- an account opened only after as_of
INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on) VALUES (30, 30, 'savings', '2025-07-01');

SELECT is(enum_range(NULL::clientele.lifecycle_stage)::text, '{prospect,new,growing,mature,declining,dormant,churned,reactivated}',
          'the stages in the order of the issue');
SELECT is(pg_temp.st(1), 'growing: AUM up from 0', 'tenure exactly 90 days: not new');
SELECT is(pg_temp.st(2), 'new: tenure 89 < 90 days', 'tenure 89 days: new');
SELECT is(pg_temp.st(3), 'mature: none of the other rules', 'tenure exactly one year: not growing by tenure');
SELECT is(pg_temp.st(4), 'growing: tenure 364 < 365 days', 'tenure 364 days: growing');
SELECT is(pg_temp.st(5), 'declining: AUM -30% (3 months vs 3 before)', 'average daily balance exactly -30 %: declining');
SELECT is(pg_temp.st(6), 'mature: none of the other rules', 'average daily balance -29.9 %: not declining');
SELECT is(pg_temp.st(7), 'growing: AUM +20% (3 months vs 3 before)', 'average daily balance exactly +20 %: growing');
SELECT is(pg_temp.st(8), 'mature: none of the other rules', 'average daily balance +19.9 %: not growing');
SELECT is(pg_temp.st(9), 'growing: AUM +20% (3 months vs 3 before)', '+20 % with more transactions: growing');
SELECT is(pg_temp.st(10), 'mature: none of the other rules', '+20 % while transactions fell: not growing');
SELECT is(pg_temp.st(11), 'declining: transactions -67% (1 vs 3)', 'transactions 1 vs 3: declining');
SELECT is(pg_temp.st(12), 'mature: none of the other rules', 'transactions 2 vs 3 (-33 %): not declining');
SELECT is(pg_temp.st(13), 'mature: none of the other rules', 'transactions 0 vs 2: fewer than 3 before, not declining');
SELECT is(pg_temp.st(14), 'declining: transactions -50% (2 vs 4)', 'transactions 2 vs 4 (exactly -50 %): declining');
SELECT is(pg_temp.st(15), 'dormant: no activity for 6 months', 'salary credits are not activity: dormant');
SELECT is(pg_temp.st(16), 'churned: no activity for 24 months', 'salary credits are not activity: churned after 24 months');
SELECT is(pg_temp.st(17), 'reactivated: active again after a 334-day gap', 'salary credits do not end a gap: reactivated');
SELECT is(pg_temp.st(18), 'mature: none of the other rules', 'a gap under 6 months: not reactivated');
SELECT is((SELECT (txn_3m, txn_prev_3m, last_txn_on)::text FROM clientele.lifecycle('2025-06-30') WHERE customer_id = 17),
          '(1,0,2025-05-01)', 'the features count customer-initiated transactions only');
SELECT is(pg_temp.st(19), 'new: tenure 60 < 90 days', 'never active, opened 2 months ago: new');
SELECT is(pg_temp.st(20), 'dormant: no activity for 6 months', 'never active since the account opened 7 months ago: dormant');
SELECT is(pg_temp.st(21), 'mature: none of the other rules', 'a gap that ended exactly 12 months ago: outside the window');
SELECT is(pg_temp.st(22), 'reactivated: active again after a 183-day gap', 'a gap that ended 12 months less a day ago: reactivated');
SELECT is(pg_temp.st(23), 'reactivated: active again after a 242-day gap', 'ended on the first day of the last 3 months: reactivated');
SELECT is(pg_temp.st(24), 'mature: none of the other rules', 'no transaction in the last 3 months: not reactivated');
SELECT is(pg_temp.st(25), 'new: tenure 0 < 90 days', 'a customer opened on as_of is classified');
SELECT is(pg_temp.st(26), NULL, 'a customer opened after as_of is not');
SELECT is(pg_temp.st(27), 'churned: customer closed', 'closed on as_of: churned');
SELECT is(pg_temp.st(28), 'mature: none of the other rules', 'closed the day after: not known yet');
SELECT is(pg_temp.st(29), 'churned: every account closed', 'the only account closed on as_of: churned');
SELECT is(pg_temp.st(30), 'prospect: no account opened', 'an account opened only after as_of: prospect');
SELECT is((SELECT count(*) FROM clientele.lifecycle('2025-06-30')), 29::bigint, 'every customer opened on or before as_of, once');

SELECT * FROM finish();
ROLLBACK;
