-- features area: avg_daily_balance_split (the three balance windows of
-- customer_features in one aggregate) against the three avg_daily_balance it
-- replaced, errors, parallel = serial, partial states (text round trip,
-- combine order), corrupt states rejected; and customer_features against the
-- 0.2.0 query it replaced (three avg_daily_balance per account), on the demo
-- bank at several dates, row for row.
BEGIN;
SELECT plan(42);
SET LOCAL timezone = 'UTC';
SET LOCAL client_min_messages = warning;

TRUNCATE clientele.customer CASCADE;
CREATE TEMP TABLE demo_rows ON COMMIT DROP AS SELECT * FROM clientele.generate_demo_bank(300, 17);

-- the demo balances plus odd accounts: daily across the split, random order,
-- a carry only, rows only after the split or after the window, a snapshot on
-- the split day / the day after / the first day, negative and sub-cent balances
CREATE TEMP TABLE test_bal ON COMMIT DROP AS
SELECT account_id, as_of AS day, balance::numeric AS balance FROM clientele.balance;
INSERT INTO test_bal
SELECT 900001, d::date, (extract(doy FROM d) * 10.5)::numeric FROM generate_series('2025-05-01'::date, '2025-12-31', '1 day') d;
INSERT INTO test_bal
SELECT 900002, d::date, ((extract(doy FROM d)::int * 7919) % 1000 - 300)::numeric / 3
FROM generate_series('2025-06-25'::date, '2025-10-05', '1 day') d ORDER BY md5(d::text);
INSERT INTO test_bal VALUES (900003, '2024-02-29', 1234.565), (900003, '2023-01-01', 5);
INSERT INTO test_bal VALUES (900004, '2025-10-01', 77.77), (900004, '2025-12-31', 1);
INSERT INTO test_bal VALUES (900005, '2026-01-05', 99);
INSERT INTO test_bal VALUES (900006, '2025-09-30', 10), (900006, '2025-10-01', 20), (900006, '2025-07-01', -5.005), (900006, '2025-06-30', 3);
INSERT INTO test_bal VALUES (900007, '2025-09-29', 10), (900007, '2025-10-02', 20), (900007, '2025-07-02', 0.004);
INSERT INTO test_bal VALUES (900008, '2025-09-30', NULL), (900008, NULL, 4), (900008, '2025-08-01', 8);
ANALYZE test_bal;

CREATE FUNCTION pg_temp.three(p_from date, p_split date, p_to date) RETURNS TABLE (account_id bigint, r clientele.adb_split)
LANGUAGE sql AS $$
	SELECT b.account_id, ROW(clientele.avg_daily_balance(b.day, b.balance, p_from, p_split),
	                         clientele.avg_daily_balance(b.day, b.balance, p_split + 1, p_to),
	                         clientele.avg_daily_balance(b.day, b.balance, p_split, p_split))::clientele.adb_split
	FROM test_bal b GROUP BY b.account_id
$$;
CREATE FUNCTION pg_temp.split(p_from date, p_split date, p_to date) RETURNS TABLE (account_id bigint, r clientele.adb_split)
LANGUAGE sql AS $$
	SELECT b.account_id, clientele.avg_daily_balance_split(b.day, b.balance, p_from, p_split, p_to)
	FROM test_bal b GROUP BY b.account_id
$$;
-- compared as text: the same numbers with the same decimals
CREATE FUNCTION pg_temp.same(p_from date, p_split date, p_to date) RETURNS text
LANGUAGE sql AS $$
	SELECT coalesce(string_agg(coalesce(o.account_id, n.account_id)::text, ', '), 'same')
	FROM pg_temp.three(p_from, p_split, p_to) o FULL JOIN pg_temp.split(p_from, p_split, p_to) n USING (account_id)
	WHERE o.r::text IS DISTINCT FROM n.r::text
$$;
SELECT is(pg_temp.same('2025-07-01', '2025-09-30', '2025-12-31'), 'same', 'the windows of customer_features as of 2025-12-31: equal to three avg_daily_balance');
SELECT is(pg_temp.same('2025-04-01', '2025-06-30', '2025-09-30'), 'same', 'as of 2025-09-30');
SELECT is(pg_temp.same('2024-09-01', '2024-11-30', '2025-02-28'), 'same', 'as of 2025-02-28');
SELECT is(pg_temp.same('2025-09-30', '2025-09-30', '2025-10-01'), 'same', 'one-day windows (split = window_from, window_to = split + 1)');
SELECT is(pg_temp.same('2020-01-01', '2025-09-29', '2026-12-31'), 'same', 'long windows, rows after the data');
SELECT is((SELECT count(*) FROM pg_temp.split('2025-07-01', '2025-09-30', '2025-12-31')), (SELECT count(DISTINCT account_id) FROM test_bal),
	'one row per account');
SELECT is((SELECT r::text FROM pg_temp.split('2025-07-01', '2025-09-30', '2025-12-31') WHERE account_id = 900005), '(0.00,0.00,0.00)',
	'rows only after the window: zeros');
SELECT is((SELECT r::text FROM pg_temp.split('2025-07-01', '2025-09-30', '2025-12-31') WHERE account_id = 900003), '(1234.57,1234.57,1234.57)',
	'a carry only: it holds through both windows, taken to the cent');
SELECT is((SELECT r::text FROM pg_temp.split('2025-07-01', '2025-09-30', '2025-12-31') WHERE account_id = 900006), '(-4.85,20.00,10.00)',
	'snapshots on window_from, the split day and the day after');
SELECT is((SELECT clientele.avg_daily_balance_split(day, balance, '2025-07-01', '2025-09-30', '2025-12-31') FROM test_bal WHERE false), NULL,
	'empty input: NULL');
SELECT is((SELECT clientele.avg_daily_balance_split(NULL::date, NULL::numeric, '2025-07-01', '2025-09-30', '2025-12-31'))::text, '(0.00,0.00,0.00)',
	'only NULL rows: zeros, as avg_daily_balance');

-- errors
SELECT throws_ok($$SELECT clientele.avg_daily_balance_split('2025-08-01', 1, '2025-07-01', '2025-06-30', '2025-12-31')$$, '22023',
	'avg_daily_balance_split split 2025-06-30 must lie in [window_from, window_to - 1] = [2025-07-01, 2025-12-30]', 'split before window_from: 22023');
SELECT throws_ok($$SELECT clientele.avg_daily_balance_split('2025-08-01', 1, '2025-07-01', '2025-12-31', '2025-12-31')$$, '22023',
	NULL, 'split = window_to: 22023');
SELECT throws_ok($$SELECT clientele.avg_daily_balance_split('2025-08-01', 1, '2025-07-01', '2025-09-30', NULL)$$, '22004',
	NULL, 'NULL window_to: 22004');
SELECT throws_ok($$SELECT clientele.avg_daily_balance_split('2025-08-01', 1, '2025-07-01', NULL, '2025-12-31')$$, '22004',
	NULL, 'NULL split: 22004');
SELECT throws_ok($$SELECT clientele.avg_daily_balance_split('2025-08-01', 1, '-infinity', '2025-09-30', '2025-12-31')$$, '22023',
	NULL, 'infinite window_from: 22023');
SELECT throws_ok($$SELECT clientele.avg_daily_balance_split('2025-08-01', 1, '2025-07-01', '2025-09-30', '5874897-12-31')$$, '22023',
	NULL, 'window_to on the last valid date: 22023');
SELECT throws_ok($$SELECT clientele.avg_daily_balance_split(d, 1, '2025-07-01', d, '2025-12-31') FROM (VALUES ('2025-08-01'::date), ('2025-08-02')) v(d)$$,
	'22023', NULL, 'a window that changes within a group: 22023');
SELECT throws_ok($$SELECT clientele.avg_daily_balance_split('2025-08-01', 'NaN', '2025-07-01', '2025-09-30', '2025-12-31')$$, '22023',
	'balance must be a finite number, got NaN', 'NaN balance: 22023');
SELECT throws_ok($$SELECT clientele.avg_daily_balance_split(d, 1, '2025-07-01', '2025-09-30', '2025-12-31') FROM (VALUES ('2025-10-01'::date), ('2025-10-01')) v(d)$$,
	'22023', 'avg_daily_balance got two balance snapshots for day 2025-10-01', 'two snapshots on one day after the split: 22023 naming that day');
SELECT throws_ok($$SELECT clientele.avg_daily_balance_split(d, 1, '2025-07-01', '2025-09-30', '2025-12-31') FROM (VALUES ('2025-09-30'::date), ('2025-09-30')) v(d)$$,
	'22023', 'avg_daily_balance got two balance snapshots for day 2025-09-30', 'two snapshots on the split day: 22023');
SELECT throws_ok($$SELECT clientele.avg_daily_balance_split(d, 1, '2025-07-01', '2025-09-30', '2025-12-31')
	FROM (SELECT u.d FROM (SELECT d::date FROM generate_series('2025-07-01'::date, '2025-12-31', '1 day') d UNION ALL SELECT '2025-11-15') u
	      ORDER BY md5(u.d::text)) v$$,
	'22023', 'avg_daily_balance got two balance snapshots for day 2025-11-15', 'a duplicate day among daily rows in random order (dense form) is named as such');
SELECT throws_ok($$SELECT clientele.adb_split_trans(NULL, '2025-08-01', 1, '2025-07-01', '2025-09-30', '2025-12-31')$$, '0A000',
	NULL, 'the transition function refuses to run outside an aggregate');

-- parallel = serial (partial aggregates combined)
\ir include/parallel_plans.sql
-- parallel workers do not read temporary tables
CREATE TABLE public.features_balance_par WITH (parallel_workers = 2) AS SELECT * FROM test_bal;
ANALYZE public.features_balance_par;
SELECT ok(pg_temp.plan_of($$SELECT b.account_id, clientele.avg_daily_balance_split(b.day, b.balance, '2025-07-01', '2025-09-30', '2025-12-31') FROM public.features_balance_par b GROUP BY 1$$) ~ 'Partial (Hash)?Aggregate',
	'the plan aggregates in parallel workers');
SELECT set_eq($$SELECT b.account_id, clientele.avg_daily_balance_split(b.day, b.balance, '2025-07-01', '2025-09-30', '2025-12-31')::text FROM public.features_balance_par b GROUP BY 1$$,
	$$SELECT account_id, r::text FROM pg_temp.split('2025-07-01', '2025-09-30', '2025-12-31')$$, 'parallel = serial');
SELECT is((SELECT clientele.avg_daily_balance_split(b.day, b.balance, '2025-07-01', '2025-09-30', '2025-12-31') FROM public.features_balance_par b WHERE b.account_id = 900001)::text,
	(SELECT r::text FROM pg_temp.three('2025-07-01', '2025-09-30', '2025-12-31') WHERE account_id = 900001),
	'parallel = serial for daily data of one account');
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;

-- partial states: text round trip, combine in any order
CREATE AGGREGATE pg_temp.adbs_state(date, numeric, date, date, date) (
	SFUNC = clientele.adb_split_trans, STYPE = clientele.adb_split_state);
CREATE AGGREGATE pg_temp.adbs_merge(clientele.adb_split_state) (
	SFUNC = clientele.adb_split_combine, STYPE = clientele.adb_split_state, FINALFUNC = clientele.adb_split_final);
CREATE TEMP TABLE part_states ON COMMIT DROP AS
SELECT account_id, part, pg_temp.adbs_state(day, balance, '2025-07-01', '2025-09-30', '2025-12-31') AS st
FROM (SELECT b.*, (row_number() OVER (PARTITION BY b.account_id ORDER BY md5(b.day::text || b.balance::text))) % 3 AS part FROM test_bal b) p
GROUP BY 1, 2;
SELECT is((SELECT count(*) FROM part_states WHERE st::text::clientele.adb_split_state::text <> st::text), 0::bigint,
	'every state survives its text form');
SELECT ok((SELECT bool_and(st::text ~ '^cladbs1:[0-9a-f]+$') FROM part_states), 'text form: cladbs1: and hex');
SELECT set_eq('SELECT account_id, pg_temp.adbs_merge(st ORDER BY part)::text FROM part_states GROUP BY 1',
	$$SELECT account_id, r::text FROM pg_temp.split('2025-07-01', '2025-09-30', '2025-12-31')$$, 'partial states combined = the whole');
SELECT set_eq('SELECT account_id, pg_temp.adbs_merge(st ORDER BY part DESC)::text FROM part_states GROUP BY 1',
	'SELECT account_id, pg_temp.adbs_merge(st::text::clientele.adb_split_state ORDER BY (part + 1) % 3)::text FROM part_states GROUP BY 1',
	'combine order does not matter, states read back from text combine the same');
SELECT throws_ok($$SELECT pg_temp.adbs_merge(st) FROM (SELECT pg_temp.adbs_state('2025-08-01', 1, '2025-07-01', '2025-09-30', '2025-12-31')
	UNION ALL SELECT pg_temp.adbs_state('2025-08-01', 1, '2025-07-01', '2025-09-29', '2025-12-31')) v(st)$$, '22023', NULL,
	'states of different windows do not combine: 22023');
SELECT throws_ok($$SELECT pg_temp.adbs_merge(st) FROM (SELECT pg_temp.adbs_state('2025-10-01', 1, '2025-07-01', '2025-09-30', '2025-12-31')
	UNION ALL SELECT pg_temp.adbs_state('2025-10-01', 2, '2025-07-01', '2025-09-30', '2025-12-31')) v(st)$$, '22023',
	'avg_daily_balance got two balance snapshots for day 2025-10-01', 'the same day after the split in two partial states: 22023 naming that day');
-- a state written by hand: carry 100.00 on 2025-06-18, 200.00 on the split day 2025-09-30, 300.00 on 2025-10-01 (stored a day later)
SELECT is(clientele.adb_split_final('cladbs1:010100006124000019250000542400000200000002000000bc2400001027000000000000bc240000bc240000204e000000000000204e000000000000be240000be24000030750000000000003075000000000000')::text,
	(SELECT clientele.avg_daily_balance_split(d, v, '2025-07-01', '2025-09-30', '2025-12-31') FROM (VALUES ('2025-06-18'::date, 100), ('2025-09-30', 200), ('2025-10-01', 300)) x(d, v))::text,
	'a state written by hand (binary layout of docs/lifecycle.md) gives what the aggregate gives');
SELECT is(clientele.adb_split_final('cladbs1:010100006124000019250000542400000200000002000000bc2400001027000000000000bc240000bc240000204e000000000000204e000000000000be240000be24000030750000000000003075000000000000')::text,
	'(101.09,300.00,200.00)', 'its values');
SELECT throws_ok($$SELECT 'cladbs1:010100006124000019250000542400000100000001000000bc2400001027000000000000bc240000bd240000409c000000000000204e000000000000'::clientele.adb_split_state$$,
	'22P02', NULL, 'a run over the day after the split: 22P02');
SELECT throws_ok($$SELECT 'cladbs1:010100006124000019250000542400000100000001000000602400001027000000000000bc240000bc240000204e000000000000204e000000000000'::clientele.adb_split_state$$,
	'22P02', NULL, 'a split day before the window: 22P02');
SELECT throws_ok($$SELECT 'cladbs1:010100006124000019250000542400000100000001000000182500001027000000000000bc240000bc240000204e000000000000204e000000000000'::clientele.adb_split_state$$,
	'22P02', NULL, 'a split day without a day after it in the window: 22P02');
SELECT throws_ok($$SELECT 'cladb1:010000006124000019250000000000000000000000000000bc2400000000000000000000'::clientele.adb_split_state$$,
	'22P02', NULL, 'wrong prefix: 22P02');
SELECT throws_ok($$SELECT 'cladbs1:010000006124000019250000000000000000000000000000bc24000000000000000000'::clientele.adb_split_state$$,
	'22P02', NULL, 'too short: 22P02');
SELECT is(clientele.adb_split_final('cladbs1:010000006124000019250000000000000000000000000000bc2400000000000000000000')::text, '(0.00,0.00,0.00)',
	'an empty state: zeros');

-- customer_features = the 0.2.0 query (three avg_daily_balance per account), row for row
CREATE FUNCTION pg_temp.features_0_2_0(as_of date) RETURNS SETOF clientele.customer_features
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 100000 SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_variable
DECLARE
	d3 date;      -- as_of - 3 months: last day of the window before the last 3 months
	d6 date;
	d12 date;
	ts_end timestamptz;   -- start of the day after as_of
	t3 timestamptz;       -- start of the last 3 months
	t6 timestamptz;       -- start of the last 6 months
BEGIN
	PERFORM clientele.check_as_of(as_of);
	d3 := (as_of - interval '3 months')::date;
	d6 := (as_of - interval '6 months')::date;
	d12 := (as_of - interval '12 months')::date;
	ts_end := (as_of + 1)::timestamptz;
	t3 := (d3 + 1)::timestamptz;
	t6 := (d6 + 1)::timestamptz;
	RETURN QUERY
	WITH cust AS (
		SELECT c.customer_id, c.relationship_manager, c.region, c.branch, c.opened_on,
		       CASE WHEN c.closed_on <= as_of THEN c.closed_on END AS closed_on
		FROM clientele.in_customer c
		WHERE c.opened_on <= as_of
	), acct AS (
		-- per customer and product type first, so that counting products needs no per-group sort
		SELECT k.customer_id,
		       min(k.first_opened) AS first_opened,
		       sum(k.n_ever)::integer AS n_ever,
		       sum(k.n_open)::integer AS n_open,
		       sum(k.n_open_6m)::integer AS n_open_6m,
		       count(*) FILTER (WHERE k.n_open > 0)::integer AS p_open,
		       count(*) FILTER (WHERE k.n_open_6m > 0)::integer AS p_open_6m
		FROM (
			SELECT a.customer_id, a.product_type,
			       min(a.opened_on) AS first_opened,
			       count(*) AS n_ever,
			       count(*) FILTER (WHERE a.closed_on IS NULL OR a.closed_on > as_of) AS n_open,
			       count(*) FILTER (WHERE a.opened_on <= d6 AND (a.closed_on IS NULL OR a.closed_on > d6)) AS n_open_6m
			FROM clientele.in_account a
			WHERE a.opened_on <= as_of
			GROUP BY a.customer_id, a.product_type) k
		GROUP BY k.customer_id
	), td AS (
		-- time deposits that matured in the last 3 months and were paid out
		SELECT m.customer_id,
		       count(*)::integer AS matured,
		       count(*) FILTER (WHERE NOT m.rolled)::integer AS not_rolled,
		       max(m.maturity_date) FILTER (WHERE NOT m.rolled) AS not_rolled_on
		FROM (
			SELECT a.customer_id, a.maturity_date,
			       EXISTS (SELECT FROM clientele.in_account r
			               WHERE r.customer_id = a.customer_id
			                 AND r.product_type = 'time_deposit'
			                 AND r.account_id <> a.account_id
			                 AND r.opened_on <= as_of
			                 AND r.opened_on >= a.maturity_date - 14
			                 AND r.opened_on <= a.maturity_date + 14) AS rolled
			FROM clientele.in_account a
			WHERE a.product_type = 'time_deposit'
			  AND a.maturity_date > d3 AND a.maturity_date <= as_of
			  AND a.closed_on <= as_of
			  AND a.opened_on <= as_of) m
		GROUP BY m.customer_id
	), bal AS (
		-- one pass over the balances: three windows per account (aggregated before
		-- the join, which then touches one row per account)
		SELECT b.account_id,
		       clientele.avg_daily_balance(b.as_of, b.balance, d3 + 1, as_of) AS adb_3m,
		       clientele.avg_daily_balance(b.as_of, b.balance, d6 + 1, d3) AS adb_prev_3m,
		       clientele.avg_daily_balance(b.as_of, b.balance, d3, d3) AS bal_3m_ago
		FROM clientele.in_balance b
		WHERE b.as_of <= as_of
		GROUP BY b.account_id
	), aum AS (
		-- the accounts whose product type counts in AUM
		SELECT a.customer_id,
		       sum(greatest(x.adb_3m, 0)) AS aum_3m,
		       sum(greatest(x.adb_prev_3m, 0)) AS aum_prev_3m,
		       sum(greatest(x.bal_3m_ago, 0)) FILTER (WHERE a.opened_on <= d3
		           AND (a.closed_on IS NULL OR a.closed_on > d3)) AS aum_3m_ago
		FROM bal x
		JOIN clientele.in_account a ON a.account_id = x.account_id
		JOIN clientele.product_type p ON p.product_type = a.product_type
		WHERE p.counts_in_aum AND a.opened_on <= as_of
		GROUP BY a.customer_id
	), txn AS (
		-- one pass over the transactions
		SELECT t.customer_id,
		       -- counts, last transaction, activity gap and transfer sums in one C aggregate (parallel, exact combine)
		       clientele.activity_summary(t.ts, t.customer_initiated, t.kind, t.direction, t.counterparty_bank,
		                                  t.amount, as_of) AS act
		FROM clientele.in_transaction t
		WHERE t.ts < ts_end
		GROUP BY t.customer_id
	), inter AS (
		SELECT i.customer_id,
		       count(*) FILTER (WHERE i.kind = 'address_change'
		                        AND i.ts >= t3)::integer AS addr_3m,
		       count(*) FILTER (WHERE i.kind IN ('complaint', 'service_failure'))::integer AS compl_6m,
		       count(*) FILTER (WHERE i.kind = 'rm_contact')::integer AS rm_6m
		FROM clientele.in_interaction i
		WHERE i.ts < ts_end AND i.ts >= t6
		GROUP BY i.customer_id
	)
	SELECT c.customer_id, as_of, c.relationship_manager, c.region, c.branch, c.opened_on,
	       c.closed_on IS NOT NULL, c.closed_on,
	       a.first_opened, as_of - a.first_opened,
	       coalesce(a.n_ever, 0), coalesce(a.n_open, 0), coalesce(a.n_open_6m, 0),
	       coalesce(a.p_open, 0), coalesce(a.p_open_6m, 0),
	       (x.act).last_txn_on,
	       coalesce((x.act).txn_3m, 0), coalesce((x.act).txn_prev_3m, 0), coalesce((x.act).txn_6m, 0),
	       coalesce((x.act).txn_prev_6m, 0),
	       (x.act).gap_days, (x.act).gap_started_on, (x.act).gap_ended_on,
	       coalesce(m.aum_3m, 0), coalesce(m.aum_prev_3m, 0), coalesce(m.aum_3m_ago, 0),
	       coalesce((x.act).transfer_out_3m, 0), coalesce((x.act).transfer_out_prev_3m, 0),
	       coalesce((x.act).other_bank_out_3m, 0),
	       coalesce(i.addr_3m, 0), coalesce(i.compl_6m, 0), coalesce(i.rm_6m, 0),
	       c.relationship_manager IS NOT NULL,
	       coalesce(d.matured, 0), coalesce(d.not_rolled, 0), d.not_rolled_on,
	       (x.act).gaps
	FROM cust c
	LEFT JOIN acct a ON a.customer_id = c.customer_id
	LEFT JOIN txn x ON x.customer_id = c.customer_id
	LEFT JOIN aum m ON m.customer_id = c.customer_id
	LEFT JOIN inter i ON i.customer_id = c.customer_id
	LEFT JOIN td d ON d.customer_id = c.customer_id;
END $$;
SELECT bag_eq($$SELECT v.d, f::text FROM (VALUES ('2025-12-31'::date), ('2025-10-15'), ('2025-06-30'), ('2025-02-28'), ('2024-08-31')) v(d)
	               CROSS JOIN LATERAL clientele.customer_features(v.d) f$$,
	$$SELECT v.d, f::text FROM (VALUES ('2025-12-31'::date), ('2025-10-15'), ('2025-06-30'), ('2025-02-28'), ('2024-08-31')) v(d)
	  CROSS JOIN LATERAL pg_temp.features_0_2_0(v.d) f$$,
	'customer_features = the 0.2.0 query on the demo bank as of five dates, column for column as text');
SELECT isnt((SELECT count(*) FROM clientele.customer_features('2025-12-31') WHERE aum_3m > 0 AND aum_prev_3m > 0 AND aum_3m_ago > 0), 0::bigint,
	'the comparison covers customers with balances in every window');

SELECT * FROM finish();
ROLLBACK;
