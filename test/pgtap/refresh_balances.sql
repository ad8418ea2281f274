-- refresh area: the value stage's balance pass in one aggregate,
-- clientele.refresh_balances, against the query it replaced (two
-- avg_daily_balance_split and a count over clientele.balance_input): on the
-- demo bank with odd closed accounts, at several dates and period lengths;
-- on rows the tables refuse (NULL and NaN balances, NULL days and
-- accounts); its errors; parallel = serial (partial states combined,
-- serialized and deserialized).
BEGIN;
SELECT plan(33);
SET LOCAL timezone = 'UTC';
SET LOCAL client_min_messages = warning;

TRUNCATE clientele.customer CASCADE;
CREATE TEMP TABLE demo_rows ON COMMIT DROP AS SELECT * FROM clientele.generate_demo_bank(300, 23);

-- odd accounts of one demo customer: closed on the first day of the period
-- with daily snapshots across closed_on (one on it, some after), closed on
-- the last day with a snapshot on it, closed long before both windows with
-- snapshots after it, closed with snapshots only on and after closed_on,
-- closed on the split day and the day after, closed after as_of with rows
-- after it, open with snapshots only before both windows
INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on, closed_on, status)
SELECT 900000 + i, (SELECT min(customer_id) FROM clientele.customer),
       (SELECT min(product_type) FROM clientele.product_type),
       '2023-01-01', c, CASE WHEN c IS NULL THEN 'active' ELSE 'closed' END
FROM (VALUES (1, '2025-01-01'::date), (2, '2025-12-31'), (3, '2024-03-10'), (4, '2025-05-05'),
             (5, '2025-09-30'), (6, '2025-10-01'), (7, '2026-01-03'), (8, NULL), (9, '2025-06-30')) v(i, c);
INSERT INTO clientele.balance
SELECT 900001, d::date, 100 + extract(doy FROM d)::int FROM generate_series('2024-12-20'::date, '2025-01-10', '1 day') d
UNION ALL SELECT 900002, d::date, 7.5 * extract(day FROM d)::int FROM generate_series('2025-12-01'::date, '2025-12-31', '1 day') d
UNION ALL SELECT 900003, d::date, 55.55 FROM generate_series('2024-01-05'::date, '2025-11-05', '1 month') d
UNION ALL SELECT 900004, d::date, 9 FROM generate_series('2025-05-05'::date, '2025-05-09', '1 day') d
UNION ALL SELECT 900005, d::date, 1000 + extract(doy FROM d)::int FROM generate_series('2025-09-25'::date, '2025-10-06', '1 day') d
UNION ALL SELECT 900006, d::date, 3.333 FROM generate_series('2025-09-25'::date, '2025-10-06', '1 day') d
UNION ALL SELECT 900007, d::date, 12 FROM generate_series('2025-12-29'::date, '2026-01-05', '1 day') d
UNION ALL SELECT 900008, d::date, 42.42 FROM generate_series('2023-02-01'::date, '2023-06-01', '1 month') d
UNION ALL SELECT 900009, d::date, 0.005 * extract(doy FROM d)::int FROM generate_series('2025-06-01'::date, '2025-07-31', '1 day') d;

-- the reference: the value stage's balance pass before this aggregate
CREATE FUNCTION pg_temp.old_bal(p_as_of date, p_months int)
RETURNS TABLE (account_id bigint, adb numeric, latest numeric, n bigint, adb_split clientele.adb_split)
LANGUAGE plpgsql AS $$
DECLARE
	v_from date := (p_as_of - make_interval(months => p_months))::date + 1;
	v_f6 date := (p_as_of - interval '6 months')::date;
	v_f3 date := (p_as_of - interval '3 months')::date;
BEGIN
	RETURN QUERY
	SELECT x.account_id, (x.s).before_split, (x.s).on_split, x.n, x.adb_split
	FROM (SELECT b.account_id,
	             clientele.avg_daily_balance_split(b.as_of, b.balance, v_from, p_as_of, p_as_of + 1) AS s,
	             count(*) FILTER (WHERE b.snapshot) AS n,
	             clientele.avg_daily_balance_split(b.as_of, b.balance, v_f6 + 1, v_f3, p_as_of) AS adb_split
	      FROM clientele.balance_input b
	      WHERE b.as_of <= p_as_of
	      GROUP BY b.account_id
	      HAVING count(*) FILTER (WHERE b.snapshot) > 0) x;
END $$;
-- the new pass, as clientele.refresh_compute runs it (over relation p_rel)
CREATE FUNCTION pg_temp.new_bal(p_as_of date, p_months int, p_rel regclass DEFAULT 'clientele.in_balance')
RETURNS TABLE (account_id bigint, adb numeric, latest numeric, n bigint, adb_split clientele.adb_split)
LANGUAGE plpgsql AS $$
DECLARE
	v_from date := (p_as_of - make_interval(months => p_months))::date + 1;
	v_f6 date := (p_as_of - interval '6 months')::date;
	v_f3 date := (p_as_of - interval '3 months')::date;
	v_ids bigint[];
	v_ons date[];
BEGIN
	SELECT coalesce(array_agg(k.account_id ORDER BY k.account_id), '{}'), coalesce(array_agg(k.closed_on ORDER BY k.account_id), '{}')
	INTO v_ids, v_ons
	FROM (SELECT a.account_id, min(a.closed_on) AS closed_on FROM clientele.in_account a
	      WHERE a.closed_on <= p_as_of AND a.account_id IS NOT NULL GROUP BY a.account_id) k;
	RETURN QUERY EXECUTE format($q$
	SELECT x.account_id, (x.r).adb, (x.r).latest, (x.r).snapshots,
	       ROW((x.r).before_split, (x.r).after_split, (x.r).on_split)::clientele.adb_split
	FROM (SELECT b.account_id,
	             clientele.refresh_balances(b.account_id, b.as_of, b.balance, $1, $2, $3, $4 + 1, $5, $6) AS r
	      FROM %s b
	      WHERE b.as_of <= $6
	      GROUP BY b.account_id) x
	WHERE (x.r).snapshots > 0 $q$, p_rel) USING v_ids, v_ons, v_from, v_f6, v_f3, p_as_of;
END $$;

SELECT set_eq($$SELECT * FROM pg_temp.new_bal('2025-12-31', 12)$$, $$SELECT * FROM pg_temp.old_bal('2025-12-31', 12)$$,
	'demo bank and odd closed accounts, 2025-12-31, 12 months: same rows as balance_input and two avg_daily_balance_split');
SELECT set_eq($$SELECT * FROM pg_temp.new_bal('2025-06-30', 12)$$, $$SELECT * FROM pg_temp.old_bal('2025-06-30', 12)$$,
	'2025-06-30, 12 months');
SELECT set_eq($$SELECT * FROM pg_temp.new_bal('2025-12-31', 3)$$, $$SELECT * FROM pg_temp.old_bal('2025-12-31', 3)$$,
	'2025-12-31, 3 months (period start = split + 1)');
SELECT set_eq($$SELECT * FROM pg_temp.new_bal('2025-12-31', 6)$$, $$SELECT * FROM pg_temp.old_bal('2025-12-31', 6)$$,
	'2025-12-31, 6 months (period start = window start)');
SELECT set_eq($$SELECT * FROM pg_temp.new_bal('2025-10-01', 1)$$, $$SELECT * FROM pg_temp.old_bal('2025-10-01', 1)$$,
	'2025-10-01, 1 month (closed on as_of, on the day after the split)');
SELECT set_eq($$SELECT * FROM pg_temp.new_bal('2025-01-01', 120)$$, $$SELECT * FROM pg_temp.old_bal('2025-01-01', 120)$$,
	'2025-01-01, 120 months (closed on as_of = the first day of a daily run)');
SELECT set_eq($$SELECT * FROM pg_temp.new_bal('2025-09-30', 24)$$, $$SELECT * FROM pg_temp.old_bal('2025-09-30', 24)$$,
	'2025-09-30, 24 months (closed on as_of with a run across it)');
SELECT is((SELECT count(*) FROM pg_temp.new_bal('2025-12-31', 12) WHERE account_id BETWEEN 900001 AND 900009), 8::bigint,
	'the account closed with snapshots only on and after closed_on has no balance');
SELECT is((SELECT row(adb, latest, n, adb_split)::text FROM pg_temp.new_bal('2025-12-31', 12) WHERE account_id = 900003),
	'(0.00,0.00,3,"(0.00,0.00,0.00)")', 'closed before both windows: zeros, the snapshots before closed_on counted');
SELECT is((SELECT latest FROM pg_temp.new_bal('2025-12-31', 12) WHERE account_id = 900002), 0.00,
	'closed on as_of with a snapshot on it: the latest balance is 0');
SELECT is((SELECT latest FROM pg_temp.new_bal('2026-01-02', 12) WHERE account_id = 900007), 12.00,
	'closed after as_of: the snapshot on as_of counts');

-- rows the tables refuse: NULL days, balances and accounts, NaN, one
-- account repeated in the account input with two closed_on
CREATE TEMP TABLE tb (account_id bigint, as_of date, balance numeric) ON COMMIT DROP;
CREATE TEMP TABLE ta (account_id bigint, closed_on date) ON COMMIT DROP;
INSERT INTO tb VALUES (1, '2025-03-01', 10), (1, '2025-03-02', NULL), (1, NULL, 5), (1, '2025-11-01', 20),
	(2, '2025-04-01', 30), (2, '2025-08-01', 'NaN'), (2, '2025-09-01', 'NaN'),
	(NULL, '2025-05-01', 40), (NULL, '2025-06-01', 50),
	(3, '2025-02-01', 60), (3, '2025-12-01', 'NaN'),
	(4, '2025-01-15', NULL), (4, '2026-02-01', 'NaN'),
	(5, '2024-12-31', 8);
INSERT INTO ta VALUES (2, '2025-08-01'), (2, '2025-10-01'), (3, '2026-01-15'), (NULL, '2025-05-15'), (5, '2025-01-01');
-- balance_input over tb and ta, and the two passes over them
CREATE FUNCTION pg_temp.old_tb(p_as_of date) RETURNS TABLE (account_id bigint, r text) LANGUAGE sql AS $$
	SELECT x.account_id, row((x.s).before_split, (x.s).on_split, x.n, (x.t).before_split, (x.t).after_split, (x.t).on_split)::text
	FROM (SELECT b.account_id,
	             clientele.avg_daily_balance_split(b.as_of, b.balance, '2025-01-01', p_as_of, p_as_of + 1) AS s,
	             count(*) FILTER (WHERE b.snapshot) AS n,
	             clientele.avg_daily_balance_split(b.as_of, b.balance, '2025-07-01', '2025-09-30', p_as_of) AS t
	      FROM (SELECT b.account_id, b.as_of, b.balance, true AS snapshot
	            FROM tb b LEFT JOIN (SELECT a.account_id, min(a.closed_on) AS closed_on FROM ta a
	                                 WHERE a.closed_on IS NOT NULL AND a.account_id IS NOT NULL GROUP BY a.account_id) k
	                 ON k.account_id = b.account_id
	            WHERE k.closed_on IS NULL OR b.as_of < k.closed_on
	            UNION ALL
	            SELECT a.account_id, min(a.closed_on), 0, false FROM ta a
	            WHERE a.closed_on IS NOT NULL AND a.account_id IS NOT NULL GROUP BY a.account_id) b
	      WHERE b.as_of <= p_as_of
	      GROUP BY b.account_id
	      HAVING count(*) FILTER (WHERE b.snapshot) > 0) x $$;
CREATE FUNCTION pg_temp.new_tb(p_as_of date) RETURNS TABLE (account_id bigint, r text) LANGUAGE sql AS $$
	SELECT x.account_id, row((x.r).adb, (x.r).latest, (x.r).snapshots, (x.r).before_split, (x.r).after_split, (x.r).on_split)::text
	FROM (SELECT b.account_id,
	             clientele.refresh_balances(b.account_id, b.as_of, b.balance,
	                 (SELECT coalesce(array_agg(k.account_id ORDER BY k.account_id), '{}') FROM (SELECT a.account_id, min(a.closed_on) AS c FROM ta a WHERE a.closed_on <= p_as_of AND a.account_id IS NOT NULL GROUP BY 1) k),
	                 (SELECT coalesce(array_agg(k.c ORDER BY k.account_id), '{}') FROM (SELECT a.account_id, min(a.closed_on) AS c FROM ta a WHERE a.closed_on <= p_as_of AND a.account_id IS NOT NULL GROUP BY 1) k),
	                 '2025-01-01', '2025-07-01', '2025-09-30', p_as_of) AS r
	      FROM tb b
	      WHERE b.as_of <= p_as_of
	      GROUP BY b.account_id) x
	WHERE (x.r).snapshots > 0 $$;
SELECT set_eq($$SELECT * FROM pg_temp.new_tb('2025-11-30')$$, $$SELECT * FROM pg_temp.old_tb('2025-11-30')$$,
	'NULL days, balances and accounts, NaN on and after closed_on, repeated accounts, closed on period_from: as balance_input (2025-11-30)');
SELECT set_eq($$SELECT * FROM pg_temp.new_tb('2025-10-15')$$, $$SELECT * FROM pg_temp.old_tb('2025-10-15')$$,
	'... and at 2025-10-15');
SELECT is((SELECT r FROM pg_temp.new_tb('2025-11-30') WHERE account_id = 4), '(0.00,0.00,1,0.00,0.00,0.00)',
	'an account with only a NULL balance: counted, all zeros');
SELECT throws_ok($$SELECT * FROM pg_temp.new_tb('2025-12-31')$$, '22023', 'balance must be a finite number, got NaN',
	'a NaN balance before closed_on and on or before as_of: 22023');
SELECT is((SELECT clientele.refresh_balances(account_id, as_of, balance, '{}', '{}', '2025-01-01', '2025-07-01', '2025-09-30', '2025-12-31') FROM tb WHERE false),
	NULL, 'empty input gives NULL');

-- errors
SELECT throws_ok($$SELECT clientele.refresh_balances(1, '2025-05-01', 1, '{2,1}', '{2025-01-01,2025-01-02}', '2025-01-01', '2025-07-01', '2025-09-30', '2025-12-31')$$,
	'22023', 'refresh_balances closed_accounts must be strictly increasing', 'unsorted closed_accounts: 22023');
SELECT throws_ok($$SELECT clientele.refresh_balances(1, '2025-05-01', 1, '{1,2}', '{2025-01-01}', '2025-01-01', '2025-07-01', '2025-09-30', '2025-12-31')$$,
	'22023', 'refresh_balances closed_accounts and closed_on must be one-dimensional arrays of the same length', 'arrays of different lengths: 22023');
SELECT throws_ok($$SELECT clientele.refresh_balances(1, '2025-05-01', 1, '{1,NULL}', '{2025-01-01,2025-01-02}', '2025-01-01', '2025-07-01', '2025-09-30', '2025-12-31')$$,
	'22004', 'refresh_balances closed_accounts and closed_on must not contain NULLs', 'a NULL closed account: 22004');
SELECT throws_ok($$SELECT clientele.refresh_balances(1, '2025-05-01', 1, NULL, '{}', '2025-01-01', '2025-07-01', '2025-09-30', '2025-12-31')$$,
	'22004', NULL, 'NULL closed_accounts: 22004');
SELECT throws_ok($$SELECT clientele.refresh_balances(1, '2025-05-01', 1, '{1}', '{-infinity}', '2025-01-01', '2025-07-01', '2025-09-30', '2025-12-31')$$,
	'22023', NULL, 'an infinite closed_on: 22023');
SELECT throws_ok($$SELECT clientele.refresh_balances(1, '2025-05-01', 1, '{}', '{}', '2026-01-01', '2025-07-01', '2025-09-30', '2025-12-31')$$,
	'22023', 'refresh_balances period_from 2026-01-01 is after as_of 2025-12-31', 'period_from after as_of: 22023');
SELECT throws_ok($$SELECT clientele.refresh_balances(1, '2025-05-01', 1, '{}', '{}', '2025-01-01', '2025-07-01', '2025-12-31', '2025-12-31')$$,
	'22023', NULL, 'split on as_of: 22023');
SELECT throws_ok($$SELECT clientele.refresh_balances(1, '2025-05-01', 1, '{}', '{}', '2025-01-01', '2025-10-01', '2025-09-30', '2025-12-31')$$,
	'22023', NULL, 'split before window_from: 22023');
SELECT throws_ok($$SELECT clientele.refresh_balances(1, '2025-05-01', 1, '{}', '{}', '2025-01-01', '2025-07-01', '2025-09-30', NULL)$$,
	'22004', NULL, 'NULL as_of: 22004');
SELECT throws_ok($$SELECT clientele.refresh_balances(1, '2025-05-01', 1, '{}', '{}', '2025-01-01', '2025-07-01', '2025-09-30', 'infinity')$$,
	'22023', NULL, 'infinite as_of: 22023');
SELECT throws_ok($$SELECT clientele.refresh_balances(a, '2025-05-01', 1, '{}', '{}', '2025-01-01', '2025-07-01', '2025-09-30', '2025-12-31') FROM (VALUES (1), (2)) v(a)$$,
	'22023', NULL, 'two accounts in one group: 22023');
SELECT throws_ok($$SELECT clientele.refresh_balances(1, d, 1, '{}', '{}', '2025-01-01', '2025-07-01', '2025-09-30', '2025-12-31') FROM (VALUES ('2025-05-01'::date), ('2025-05-01')) v(d)$$,
	'22023', 'avg_daily_balance got two balance snapshots for day 2025-05-01', 'two snapshots on one day: 22023');
SELECT lives_ok($$SELECT clientele.refresh_balances(1, d, 1, '{1}', '{2025-05-01}', '2025-01-01', '2025-07-01', '2025-09-30', '2025-12-31') FROM (VALUES ('2025-05-01'::date), ('2025-05-01')) v(d)$$,
	'two snapshots on closed_on: left out, no error (as balance_input)');

-- parallel = serial: partial states combined (runs of one account split
-- across workers, merged back in day order), serialized and deserialized
\ir include/parallel_plans.sql
SET LOCAL enable_hashagg = off;
CREATE TABLE public.rfb_par WITH (parallel_workers = 2) AS
SELECT account_id, as_of, balance FROM clientele.in_balance
UNION ALL SELECT 800001, d::date, (extract(doy FROM d)::int * 7919 % 1000)::numeric / 7
FROM generate_series('2023-06-01'::date, '2026-02-01', '1 day') d
ORDER BY 1, 2;
-- the daily account's rows spread over the table (a worker's share of them
-- is a set of runs)
UPDATE public.rfb_par SET balance = balance WHERE account_id = 800001 AND extract(day FROM as_of)::int % 3 = 0;
ANALYZE public.rfb_par;
CREATE FUNCTION pg_temp.q() RETURNS text LANGUAGE sql AS $$
	SELECT $q$SELECT account_id, clientele.refresh_balances(account_id, as_of, balance, '{800001}', '{2025-11-15}', '2025-01-01', '2025-07-01', '2025-09-30', '2025-12-31')::text AS r
	FROM public.rfb_par WHERE as_of <= '2025-12-31' GROUP BY account_id$q$ $$;
SELECT ok(pg_temp.plan_of(pg_temp.q()) ~ 'Partial', 'the plan aggregates in parallel workers');
SELECT lives_ok('CREATE TEMP TABLE par_result ON COMMIT DROP AS ' || pg_temp.q(), 'the parallel run');
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size; RESET max_parallel_workers_per_gather;
SET LOCAL max_parallel_workers_per_gather = 0;
SELECT set_eq('SELECT * FROM par_result', pg_temp.q(), 'parallel = serial per account');
SELECT is((SELECT r FROM par_result WHERE account_id = 800001),
	(SELECT row((s).before_split, (s).on_split, n, (t).before_split, (t).after_split, (t).on_split)::text
	 FROM (SELECT clientele.avg_daily_balance_split(day, bal, '2025-01-01', '2025-12-31', '2026-01-01') AS s,
	              count(*) FILTER (WHERE snap) AS n,
	              clientele.avg_daily_balance_split(day, bal, '2025-07-01', '2025-09-30', '2025-12-31') AS t
	       FROM (SELECT as_of AS day, balance AS bal, true AS snap FROM public.rfb_par WHERE account_id = 800001 AND as_of < '2025-11-15'
	             UNION ALL SELECT '2025-11-15', 0, false) q) q),
	'the daily account closed on 2025-11-15, its runs across workers: as avg_daily_balance_split over balance_input');

SELECT * FROM finish();
ROLLBACK;
