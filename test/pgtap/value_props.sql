-- value area: properties of avg_daily_balance, gini and top_share; exactness under
-- forced parallel plans; a running (window) aggregate; CDNOW concentration.
BEGIN;
SELECT plan(18);
SET LOCAL extra_float_digits = 3;

-- sparse snapshots of 300 accounts over 2023-2024, balances with up to 4 decimals
CREATE TABLE value_snap AS
SELECT a AS account_id, d::date AS day,
       round(((hashint4(a * 1000 + (d::date - date '2023-01-01')) % 1000000) / 7.0)::numeric, 4) AS balance
FROM generate_series(1, 300) a,
     generate_series(date '2023-01-01', date '2024-12-31', interval '1 day') d
WHERE hashint4(a * 7919 + (d::date - date '2023-01-01')) % 9 = 0;
-- one long history in a single group (split across workers): every 3rd day over 20 years
CREATE TABLE value_long AS
SELECT d::date AS day, ((hashint4(d::date - date '2000-01-01') % 100000) / 100.0)::numeric AS balance
FROM generate_series(date '2000-01-01', date '2019-12-31', interval '3 day') d;
-- one daily history of 30 years (every day present): runs split by the workers must join again
CREATE TABLE value_daily AS
SELECT d::date AS day, ((hashint4(d::date - date '1990-01-01') % 1000000) / 100.0)::numeric(18, 2) AS balance
FROM generate_series(date '1990-01-01', date '2019-12-31', interval '1 day') d;
CREATE TABLE value_vals AS
SELECT ((hashint4(i) % 100000)::float8 / 10.0) ^ 2 / 1000.0 AS v FROM generate_series(1, 50000) i;
CREATE INDEX ON value_snap (account_id, day);
CREATE TABLE value_daily_dup AS
SELECT * FROM value_daily UNION ALL SELECT date '2005-06-15', 1.00;
ANALYZE value_snap; ANALYZE value_long; ANALYZE value_vals; ANALYZE value_daily; ANALYZE value_daily_dup;

-- reference ADB: expand to days, the latest snapshot on or before each day (0 when none)
CREATE FUNCTION pg_temp.ref_adb(p_from date, p_to date) RETURNS TABLE (account_id int, adb numeric) LANGUAGE sql AS $$
	SELECT a.account_id,
	       round(sum(coalesce((SELECT round(s.balance, 2) FROM value_snap s
	                           WHERE s.account_id = a.account_id AND s.day <= g.day
	                           ORDER BY s.day DESC LIMIT 1), 0)) / (p_to - p_from + 1), 2)
	FROM (SELECT DISTINCT account_id FROM value_snap) a,
	     LATERAL (SELECT d::date AS day FROM generate_series(p_from, p_to, interval '1 day') d) g
	GROUP BY a.account_id
$$;
CREATE TEMP TABLE adb_serial AS
SELECT account_id, clientele.avg_daily_balance(day, balance, '2023-07-15', '2024-03-31') AS adb
FROM value_snap WHERE account_id <= 300 GROUP BY account_id;

SELECT is((SELECT count(*) FROM (SELECT * FROM adb_serial EXCEPT SELECT * FROM pg_temp.ref_adb('2023-07-15', '2024-03-31')) x),
          0::bigint, 'avg_daily_balance equals the day-by-day reference for 300 sparse accounts, to the cent');
SELECT is((SELECT count(*) FROM adb_serial), 300::bigint, 'one average per account');

CREATE FUNCTION pg_temp.plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text; o text := '';
BEGIN
	FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP o := o || r || E'\n'; END LOOP;
	RETURN o;
END $$;

-- serial answers of the whole-table aggregates
CREATE TEMP TABLE serial_once AS
SELECT (SELECT clientele.avg_daily_balance(day, balance, '2005-02-03', '2016-11-30') FROM value_long) AS long_adb,
       (SELECT clientele.gini(v) FROM value_vals) AS g,
       (SELECT clientele.top_share(v, 0.2) FROM value_vals) AS ts;

SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_leader_participation = off;

SELECT matches(pg_temp.plan_of($$SELECT account_id, clientele.avg_daily_balance(day, balance, '2023-07-15', '2024-03-31') FROM value_snap GROUP BY account_id$$),
               'Partial (Hash|Group)?Aggregate', 'grouped avg_daily_balance gets a partial (parallel) aggregate');
SELECT is((SELECT count(*) FROM (
	SELECT account_id, clientele.avg_daily_balance(day, balance, '2023-07-15', '2024-03-31') FROM value_snap GROUP BY account_id
	EXCEPT SELECT * FROM adb_serial) x), 0::bigint, 'grouped avg_daily_balance: parallel result = serial result');
SELECT matches(pg_temp.plan_of($$SELECT clientele.avg_daily_balance(day, balance, '2005-02-03', '2016-11-30') FROM value_long$$),
               'Partial Aggregate', 'one long history: partial aggregate');
SELECT is((SELECT clientele.avg_daily_balance(day, balance, '2005-02-03', '2016-11-30') FROM value_long),
          (SELECT long_adb FROM serial_once), 'one history split across workers: parallel = serial (carry and points merged exactly)');
SELECT matches(pg_temp.plan_of($$SELECT clientele.avg_daily_balance(day, balance, '1990-01-01', '2019-12-31') FROM value_daily$$),
               'Partial Aggregate', 'daily history: partial aggregate');
SELECT is((SELECT clientele.avg_daily_balance(day, balance, '1990-01-01', '2019-12-31') FROM value_daily),
          (SELECT round(avg(balance), 2) FROM value_daily),
          'daily history split across workers: equals round(avg(balance), 2) over the complete days');
SELECT throws_ok($$SELECT clientele.avg_daily_balance(day, balance, '1990-01-01', '2019-12-31') FROM value_daily_dup$$,
                 '22023', 'avg_daily_balance got two balance snapshots for day 2005-06-15',
                 'a duplicate day is caught when the two snapshots reach different workers');
SELECT matches(pg_temp.plan_of($$SELECT clientele.gini(v), clientele.top_share(v, 0.2) FROM value_vals$$),
               'Partial Aggregate', 'gini/top_share get a partial aggregate');
SELECT is((SELECT clientele.gini(v) FROM value_vals), (SELECT g FROM serial_once), 'gini: parallel = serial, bit for bit');
SELECT is((SELECT clientele.top_share(v, 0.2) FROM value_vals), (SELECT ts FROM serial_once), 'top_share: parallel = serial, bit for bit');
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET parallel_leader_participation;

-- reference Gini by the sort-based formula in SQL, and the top fifth by sorting
SELECT ok(abs((SELECT g FROM serial_once) -
              (SELECT sum((2 * i - n - 1) * v) / (n * sum(v))
               FROM (SELECT v, row_number() OVER (ORDER BY v) AS i, count(*) OVER () AS n FROM value_vals) s
               GROUP BY n)) < 1e-12, 'gini matches the sort-based SQL formula');
SELECT ok(abs((SELECT ts FROM serial_once) -
              (SELECT sum(v) FILTER (WHERE r <= 10000) / sum(v)
               FROM (SELECT v, row_number() OVER (ORDER BY v DESC) AS r FROM value_vals) s)) < 1e-12,
          'top_share(0.2) of 50000 values = share of the 10000 largest');
SELECT ok(abs((SELECT clientele.top_share(v, 1) FROM value_vals) - 1) < 1e-12
          AND (SELECT clientele.top_share(v, 0) FROM value_vals) = 0, 'top_share is 0 at 0 and 1 at 1');

-- the final function sorts in place: a running (window) gini stays right
SELECT is((SELECT count(*) FROM (
	SELECT i, clientele.gini(v) OVER (ORDER BY i) AS running
	FROM (SELECT i, ((hashint4(i) % 1000) + 1000)::float8 AS v FROM generate_series(1, 200) i) s) w
	WHERE abs(running - (SELECT clientele.gini(((hashint4(j) % 1000) + 1000)::float8) FROM generate_series(1, w.i) j)) > 1e-12),
	0::bigint, 'running gini over a window equals gini of each prefix');

-- scale invariance: Gini of 10x the values is the same
SELECT ok(abs((SELECT clientele.gini(v * 10) FROM value_vals) - (SELECT g FROM serial_once)) < 1e-12, 'gini is scale invariant');

-- CDNOW: concentration of customer spend
SELECT CASE WHEN test_data.available('cdnow') THEN
	ok((SELECT abs(clientele.gini(s) - (SELECT sum((2 * i - n - 1) * s2) / (n * sum(s2))
	                                    FROM (SELECT s2, row_number() OVER (ORDER BY s2) i, count(*) OVER () n
	                                          FROM (SELECT sum(amount)::float8 s2 FROM test_data.cdnow_transactions GROUP BY customer_id) q) r
	                                    GROUP BY n)) < 1e-9
	    FROM (SELECT sum(amount)::float8 s FROM test_data.cdnow_transactions GROUP BY customer_id) t),
	   'CDNOW: gini of customer spend matches the SQL formula')
ELSE skip('CDNOW dataset absent (../shared/datasets/cdnow): concentration check skipped', 1) END;

SELECT * FROM finish();
ROLLBACK;
