-- value area: the compact dense form of adb_state / adb_split_state (int32 balances
-- per day, in memory only) that random day order uses: its growth from runs, its move
-- to the dense form when a balance does not fit in an int32 (first or last row, the
-- boundaries +-21474836.47, -21474836.48), and combine of states in every pair of
-- forms (runs, compact dense, dense), duplicates included.  Every average must equal
-- the one of the same rows in account order (one run, never dense).
BEGIN;
SELECT plan(15);

-- 6 accounts, daily over 2024 (366 days), in random order; then one more row each,
-- appended last (heap order = scan order in a serial plan)
CREATE TABLE d32 AS
SELECT a AS account_id, d::date AS day,
       round(((hashint4(a * 1000 + (d::date - date '2024-01-01')) % 1000000) / 7.0)::numeric, 2) AS balance
FROM generate_series(date '2024-01-01', date '2024-12-30', interval '1 day') d, generate_series(1, 6) a
ORDER BY hashint4(a * 7919 + (d::date - date '2024-01-01'));
-- account 1: a balance over 2^31 - 1 cents as the last row (compact dense -> dense)
-- account 2: -21474836.48 (-2^31 cents, the absent mark) last; account 3: +-21474836.47 last (fit)
-- account 4: a large balance first (runs that never fit -> dense); 5, 6: only ordinary balances
INSERT INTO d32 VALUES (1, '2024-12-31', 30000000.00), (2, '2024-12-31', -21474836.48),
	(3, '2024-12-31', 21474836.47), (5, '2024-12-31', 12.34), (6, '2024-12-31', -21474836.47);
UPDATE d32 SET balance = 99999999.99 WHERE account_id = 4 AND day = date '2024-03-03';
INSERT INTO d32 VALUES (4, '2024-12-31', 1);
CREATE TABLE d32_first AS SELECT * FROM d32 WHERE account_id = 4 AND day = date '2024-03-03';
INSERT INTO d32_first SELECT * FROM d32 WHERE NOT (account_id = 4 AND day = date '2024-03-03');
CREATE TABLE d32_acct AS SELECT * FROM d32 ORDER BY account_id, day;
ANALYZE d32; ANALYZE d32_first; ANALYZE d32_acct;

CREATE FUNCTION pg_temp.adb_of(p_table regclass, p_from date, p_to date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
	EXECUTE format($q$SELECT string_agg(account_id || ':' || adb, ',' ORDER BY account_id) FROM (
		SELECT account_id, clientele.avg_daily_balance(day, balance, %L, %L) AS adb
		FROM %s GROUP BY account_id) s$q$, p_from, p_to, p_table) INTO r;
	RETURN r;
END $$;
CREATE FUNCTION pg_temp.adbs_of(p_table regclass) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
	EXECUTE format($q$SELECT string_agg(account_id || ':' || s::text, ',' ORDER BY account_id) FROM (
		SELECT account_id, clientele.avg_daily_balance_split(day, balance, '2024-02-01', '2024-07-15', '2024-12-31') AS s
		FROM %s GROUP BY account_id) s$q$, p_table) INTO r;
	RETURN r;
END $$;
CREATE TEMP TABLE ref AS SELECT pg_temp.adb_of('d32_acct', '2024-01-01', '2024-12-31') AS adb,
	pg_temp.adb_of('d32_acct', '2024-02-10', '2024-11-30') AS adb_part, pg_temp.adbs_of('d32_acct') AS adbs;

SET LOCAL enable_sort = off;	-- a hash aggregate: every account's state grows at once
SELECT is(pg_temp.adb_of('d32', '2024-01-01', '2024-12-31'), (SELECT adb FROM ref),
          'random order, balances that fit, then one that does not (compact dense -> dense): = account order');
SELECT is(pg_temp.adb_of('d32_first', '2024-01-01', '2024-12-31'), (SELECT adb FROM ref),
          'random order, a balance that does not fit first (runs -> dense): = account order');
SELECT is(pg_temp.adb_of('d32', '2024-02-10', '2024-11-30'), (SELECT adb_part FROM ref),
          'random order, a window inside the rows (carry, rows after the window): = account order');
SELECT is(pg_temp.adbs_of('d32'), (SELECT adbs FROM ref), 'avg_daily_balance_split in random order: = account order');
SELECT is(pg_temp.adbs_of('d32_first'), (SELECT adbs FROM ref),
          'avg_daily_balance_split, a balance that does not fit first: = account order');
SELECT is((SELECT clientele.avg_daily_balance(day, balance, '2024-01-01', '2024-12-31') FROM d32 WHERE account_id = 5),
          (SELECT round(avg(balance), 2) FROM d32 WHERE account_id = 5),
          'a complete year in random order through the compact dense form = round(avg, 2)');

SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_leader_participation = off;
SELECT is(pg_temp.adb_of('d32', '2024-01-01', '2024-12-31'), (SELECT adb FROM ref),
          'parallel, random order: partial states in every form combined = account order');
SELECT is(pg_temp.adbs_of('d32'), (SELECT adbs FROM ref), 'parallel avg_daily_balance_split, random order: = account order');
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET parallel_leader_participation;

-- combine of the three forms, in both orders: states of account 1 over halves of its rows
CREATE AGGREGATE pg_temp.adb_state_of(date, numeric, date, date) (SFUNC = clientele.adb_trans,
	STYPE = clientele.adb_state);
CREATE AGGREGATE pg_temp.adb_merge(clientele.adb_state) (SFUNC = clientele.adb_combine,
	STYPE = clientele.adb_state, FINALFUNC = clientele.adb_final);
CREATE TEMP TABLE parts AS
SELECT 'runs_a' AS form, pg_temp.adb_state_of(day, balance, '2024-01-01', '2024-12-31') AS s
	FROM (SELECT * FROM d32_acct WHERE account_id = 1 AND day < '2024-07-01' ORDER BY day) x
UNION ALL
SELECT 'c32_a', pg_temp.adb_state_of(day, balance, '2024-01-01', '2024-12-31')
	FROM (SELECT * FROM d32 WHERE account_id = 1 AND day < '2024-07-01') x
UNION ALL
SELECT 'c32_b', pg_temp.adb_state_of(day, balance, '2024-01-01', '2024-12-31')
	FROM (SELECT * FROM d32 WHERE account_id = 1 AND day >= '2024-07-01' AND day < '2024-12-31') x
UNION ALL	-- the second half with the balance that does not fit: dense
SELECT 'd64_b', pg_temp.adb_state_of(day, balance, '2024-01-01', '2024-12-31')
	FROM (SELECT * FROM d32 WHERE account_id = 1 AND day >= '2024-07-01') x
UNION ALL
SELECT 'runs_b', pg_temp.adb_state_of(day, balance, '2024-01-01', '2024-12-31')
	FROM (SELECT * FROM d32_acct WHERE account_id = 1 AND day >= '2024-07-01' AND day < '2024-12-31' ORDER BY day) x;
-- the forms reached, by their in-memory size: runs (64 bytes: one run), compact dense
-- (40 + 4 x 366), dense (40 + 48 + 8 x 366)
SELECT is(ARRAY[(SELECT pg_column_size(pg_temp.adb_state_of(day, balance, '2024-01-01', '2024-12-31'))
                 FROM (SELECT * FROM d32_acct WHERE account_id = 1 AND day < '2024-07-01' ORDER BY day) x),
                (SELECT pg_column_size(pg_temp.adb_state_of(day, balance, '2024-01-01', '2024-12-31'))
                 FROM (SELECT * FROM d32 WHERE account_id = 1 AND day < '2024-07-01') x),
                (SELECT pg_column_size(pg_temp.adb_state_of(day, balance, '2024-01-01', '2024-12-31'))
                 FROM (SELECT * FROM d32 WHERE account_id = 1 AND day >= '2024-07-01') x)],
          ARRAY[64, 1504, 3016], 'the states are in the runs, compact dense and dense forms');
CREATE TEMP TABLE want AS
SELECT clientele.avg_daily_balance(day, balance, '2024-01-01', '2024-12-31') AS all_rows,
       clientele.avg_daily_balance(day, balance, '2024-01-01', '2024-12-31') FILTER (WHERE day < '2024-12-31') AS fit_rows
FROM d32_acct WHERE account_id = 1;
SELECT is(ARRAY(SELECT pg_temp.adb_merge(s ORDER BY o) FROM
             (VALUES (1, 'c32_a', 'c32_b'), (2, 'c32_b', 'c32_a'), (3, 'c32_a', 'runs_b'), (4, 'runs_b', 'c32_a'),
                     (5, 'runs_a', 'c32_b'), (6, 'c32_b', 'runs_a')) p(k, x, y),
             LATERAL (SELECT s, 1 AS o FROM parts WHERE form = p.x UNION ALL SELECT s, 2 FROM parts WHERE form = p.y) q
           GROUP BY p.k ORDER BY p.k),
          array_fill((SELECT fit_rows FROM want), ARRAY[6]),
          'combine compact dense + compact dense, + runs, in both orders: = account order');
SELECT is(ARRAY(SELECT pg_temp.adb_merge(s ORDER BY o) FROM
             (VALUES (1, 'c32_a', 'd64_b'), (2, 'd64_b', 'c32_a'), (3, 'runs_a', 'd64_b'), (4, 'd64_b', 'runs_a')) p(k, x, y),
             LATERAL (SELECT s, 1 AS o FROM parts WHERE form = p.x UNION ALL SELECT s, 2 FROM parts WHERE form = p.y) q
           GROUP BY p.k ORDER BY p.k),
          array_fill((SELECT all_rows FROM want), ARRAY[4]),
          'combine compact dense + dense, runs + dense, in both orders: = account order');
-- the binary form of a combined compact state is the one of the same rows in day order
CREATE AGGREGATE pg_temp.adb_merge_state(clientele.adb_state) (SFUNC = clientele.adb_combine,
	STYPE = clientele.adb_state);
SELECT is((SELECT pg_temp.adb_merge_state(s ORDER BY form)::text FROM parts WHERE form IN ('c32_a', 'c32_b')),
          (SELECT pg_temp.adb_state_of(day, balance, '2024-01-01', '2024-12-31')::text
           FROM (SELECT * FROM d32_acct WHERE account_id = 1 AND day < '2024-12-31' ORDER BY day) x),
          'two compact dense states combined: the text form of the same rows in day order (one run)');
SELECT is((SELECT s::text FROM parts WHERE form = 'c32_a'), (SELECT s::text FROM parts WHERE form = 'runs_a'),
          'a compact dense state is written out as the runs of the same rows in day order');

-- duplicates
SELECT throws_ok($$SELECT pg_temp.adb_merge(s) FROM parts WHERE form IN ('c32_a', 'runs_a')$$, '22023',
                 'avg_daily_balance got two balance snapshots for day 2024-01-01',
                 'combine: a day in both a compact dense state and a runs state is a duplicate (the first such day)');
SELECT throws_ok($$SELECT clientele.avg_daily_balance(day, balance, '2024-01-01', '2024-12-31')
                   FROM (SELECT * FROM d32 WHERE account_id = 5 UNION ALL SELECT 5, date '2024-06-30', 1) x$$, '22023',
                 'avg_daily_balance got two balance snapshots for day 2024-06-30',
                 'a duplicate day after the state went compact dense is named');

SELECT * FROM finish();
ROLLBACK;
