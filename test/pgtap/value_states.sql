-- value area: the portable states of avg_daily_balance, gini and top_share under
-- parallel plans and in any row order (the dense form of adb_state), and the
-- SQLSTATEs of a corrupt, truncated or wrong-version state.
BEGIN;
SELECT plan(14);

-- daily snapshots of 40 accounts over 2 years, stored in three orders
CREATE TABLE st_day AS
SELECT a AS account_id, d::date AS day,
       round(((hashint4(a * 1000 + (d::date - date '2023-01-01')) % 1000000) / 7.0)::numeric, 2) AS balance
FROM generate_series(date '2023-01-01', date '2024-12-31', interval '1 day') d, generate_series(1, 40) a
ORDER BY d, a;
CREATE TABLE st_acct AS SELECT * FROM st_day ORDER BY account_id, day;
CREATE TABLE st_rand AS SELECT * FROM st_day ORDER BY hashint4(account_id * 7919 + (day - date '2023-01-01'));
-- every 5th day missing for odd accounts (gaps in the dense form)
DELETE FROM st_rand WHERE account_id % 2 = 1 AND (day - date '2023-01-01') % 5 = 0;
DELETE FROM st_day WHERE account_id % 2 = 1 AND (day - date '2023-01-01') % 5 = 0;
DELETE FROM st_acct WHERE account_id % 2 = 1 AND (day - date '2023-01-01') % 5 = 0;
CREATE INDEX ON st_acct (account_id, day);
ANALYZE st_day; ANALYZE st_acct; ANALYZE st_rand;

CREATE FUNCTION pg_temp.adb_of(p_table regclass) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
	EXECUTE format($q$SELECT md5(string_agg(account_id || ':' || adb, ',' ORDER BY account_id)) FROM (
		SELECT account_id, clientele.avg_daily_balance(day, balance, '2023-03-01', '2024-10-31') AS adb
		FROM %s GROUP BY account_id) s$q$, p_table) INTO r;
	RETURN r;
END $$;
CREATE TEMP TABLE serial_md5 AS SELECT pg_temp.adb_of('st_acct') AS acct, pg_temp.adb_of('st_day') AS day, pg_temp.adb_of('st_rand') AS rand;

SELECT is((SELECT day FROM serial_md5), (SELECT acct FROM serial_md5), 'serial: day-major = account-major');
SELECT is((SELECT rand FROM serial_md5), (SELECT acct FROM serial_md5), 'serial: random order (the dense form) = account-major');
-- reference: day by day, latest snapshot on or before each day, carry from before the window
SELECT is((SELECT acct FROM serial_md5),
          (SELECT md5(string_agg(account_id || ':' || adb, ',' ORDER BY account_id)) FROM (
              SELECT a.account_id, round(sum((SELECT s.balance FROM st_acct s WHERE s.account_id = a.account_id AND s.day <= g.day
                                              ORDER BY s.day DESC LIMIT 1)) / 611, 2) AS adb
              FROM (SELECT DISTINCT account_id FROM st_acct) a,
                   LATERAL (SELECT d::date AS day FROM generate_series(date '2023-03-01', date '2024-10-31', interval '1 day') d) g
              GROUP BY a.account_id) r),
          'avg_daily_balance equals the day-by-day reference (gaps filled by the previous balance)');

SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_leader_participation = off;
SELECT is(pg_temp.adb_of('st_day'), (SELECT acct FROM serial_md5), 'parallel, day-major: = serial');
SELECT is(pg_temp.adb_of('st_rand'), (SELECT acct FROM serial_md5), 'parallel, random order: = serial (dense and run states combined)');
SELECT is((SELECT clientele.avg_daily_balance(day, balance, '2023-01-01', '2024-12-31') FROM st_rand WHERE account_id = 2),
          (SELECT round(avg(balance), 2) FROM st_rand WHERE account_id = 2),
          'one complete history in random order across workers = round(avg, 2)');
SELECT is((SELECT clientele.gini(balance::float8) FROM st_rand), (SELECT clientele.gini(balance::float8) FROM st_acct),
          'gini over repeated amounts: parallel, any order = same, bit for bit');
SELECT is((SELECT clientele.top_share(round(balance / 1000)::float8, 0.1) FROM st_rand),
          (SELECT clientele.top_share(v, 0.1) FROM (SELECT round(balance / 1000)::float8 AS v FROM st_acct ORDER BY 1 DESC) s),
          'top_share over few distinct values: parallel = serial sorted input');
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET parallel_leader_participation;

-- a partial state in dense form is written out as runs, and reads back the same
CREATE AGGREGATE pg_temp.adb_state_of(date, numeric, date, date) (SFUNC = clientele.adb_trans, STYPE = clientele.adb_state);
SELECT is((SELECT clientele.adb_final(pg_temp.adb_state_of(day, balance, '2023-03-01', '2024-10-31')::text::clientele.adb_state)
           FROM st_rand WHERE account_id = 3),
          (SELECT clientele.avg_daily_balance(day, balance, '2023-03-01', '2024-10-31') FROM st_acct WHERE account_id = 3),
          'a dense state through its text form gives the same average');
SELECT ok((SELECT pg_temp.adb_state_of(day, balance, '2023-03-01', '2024-10-31')::text FROM st_rand WHERE account_id = 2)
          = (SELECT pg_temp.adb_state_of(day, balance, '2023-03-01', '2024-10-31')::text FROM st_acct WHERE account_id = 2),
          'the text form does not depend on the row order (one run per account)');

-- SQLSTATEs
SELECT throws_ok($$SELECT 'cladb1:02'::clientele.adb_state$$, '22P02', 'invalid clientele.adb_state value',
                 'a truncated adb_state text form: 22P02');
SELECT throws_ok($$SELECT ('cladb1:02' || repeat('00', 35))::clientele.adb_state$$, '22P02', 'invalid clientele.adb_state value',
                 'an adb_state of version 2: 22P02');
SELECT throws_ok($$SELECT 'clgini1:0g'::clientele.gini_state$$, '22P02', NULL, 'a bad hex digit: 22P02');
SELECT throws_ok($$SELECT clientele.gini(v) FROM (VALUES (1::float8), ('NaN')) x(v)$$, '22023',
                 'value must be a finite number, got NaN', 'gini refuses NaN: 22023');

SELECT * FROM finish();
ROLLBACK;
