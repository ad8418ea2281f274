-- refresh area: the summary stage's aggregate clientele.refresh_txn_counts
-- against the thirteen SQL aggregates it replaced (NULLs, odd kinds and
-- channels, -infinity, several session time zones, parallel = serial), its
-- errors, its state's text and binary forms and their checks; and
-- clientele.amount_float8 against the numeric::float8 cast.
BEGIN;
SELECT plan(35);
SET LOCAL timezone = 'UTC';
SET LOCAL client_min_messages = warning;

TRUNCATE clientele.customer CASCADE;
CREATE TEMP TABLE demo_rows ON COMMIT DROP AS SELECT * FROM clientele.generate_demo_bank(300, 11);

-- the demo transactions plus odd ones: NULL initiator, kind or channel, an
-- unknown channel, -infinity, NULL ts, a customer with NULLs only
CREATE TEMP TABLE test_txn ON COMMIT DROP AS
SELECT customer_id, ts, customer_initiated, kind, channel FROM clientele.transaction;
INSERT INTO test_txn
SELECT c, ts, ci, k, ch
FROM (VALUES (900001::bigint, '2025-11-30 10:00+00'::timestamptz, NULL::boolean, 'deposit', 'atm'),
             (900001, '2025-11-29 23:30+00', true, NULL, 'branch'),
             (900001, '2025-08-01 00:30+00', true, 'payment', NULL),
             (900001, '-infinity', true, 'deposit', 'pos'),
             (900001, NULL, true, 'deposit', 'pos'),
             (900002, '2025-12-01 00:00+00', NULL, NULL, NULL),
             (900002, '2025-02-28 23:59:59+00', NULL, 'enquiry', 'phone'),
             (900003, '-infinity', true, 'enquiry', 'online'),
             (900004, '2025-12-31 23:00+00', false, 'withdrawal', 'counter'),
             (900005, NULL, NULL, NULL, NULL)) v(c, ts, ci, k, ch);
ANALYZE test_txn;

-- the reference: the summary stage's SQL before this aggregate (0.2.0,
-- session 7), bounds computed in the session time zone as refresh_compute does
CREATE FUNCTION pg_temp.reference(p_as_of date) RETURNS TABLE (customer_id bigint, c text)
LANGUAGE plpgsql AS $$
DECLARE
	v_zone text := current_setting('TimeZone');
	v_from_ts timestamptz := ((p_as_of - interval '12 months')::date + 1)::timestamptz;
	v_recent_ts timestamptz := ((p_as_of - interval '6 months')::date + 1)::timestamptz;
	v_act_ts timestamptz := (date_trunc('month', p_as_of) - 11 * interval '1 month')::date::timestamptz;
	v_end_month integer := extract(year FROM p_as_of) * 12 + extract(month FROM p_as_of);
	v_act63_ts timestamptz := date_trunc('month', p_as_of::timestamptz) - interval '63 months' + interval '1 month';
BEGIN
	RETURN QUERY
	SELECT t.customer_id,
	       ROW(count(*),
	           count(*) FILTER (WHERE t.customer_initiated AND t.kind <> 'enquiry' AND t.ts >= v_from_ts),
	           max(t.ts) FILTER (WHERE t.customer_initiated),
	           bool_or(t.customer_initiated AND t.kind IN ('enquiry', 'deposit', 'withdrawal', 'transfer') AND t.ts >= v_recent_ts),
	           (bit_count(coalesce(bit_or(1::bigint << (v_end_month - (date_part('year', t.ts AT TIME ZONE v_zone) * 12 + date_part('month', t.ts AT TIME ZONE v_zone))::integer))
	                FILTER (WHERE t.customer_initiated AND t.ts >= v_act_ts AND t.ts >= v_act63_ts), 0)::bit(64))
	            + bit_count(coalesce(bit_or(1::bigint << (v_end_month - 63 - (date_part('year', t.ts AT TIME ZONE v_zone) * 12 + date_part('month', t.ts AT TIME ZONE v_zone))::integer))
	                FILTER (WHERE t.customer_initiated AND t.ts >= v_act_ts AND t.ts < v_act63_ts), 0)::bit(64)))::integer,
	           count(*) FILTER (WHERE t.ts >= v_from_ts AND t.channel = 'counter'),
	           count(*) FILTER (WHERE t.ts >= v_from_ts AND t.channel = 'atm'),
	           count(*) FILTER (WHERE t.ts >= v_from_ts AND t.channel = 'online'),
	           count(*) FILTER (WHERE t.ts >= v_from_ts AND t.channel = 'mobile'),
	           count(*) FILTER (WHERE t.ts >= v_from_ts AND t.channel = 'phone'),
	           count(*) FILTER (WHERE t.ts >= v_from_ts AND t.channel = 'pos'),
	           count(*) FILTER (WHERE t.ts >= v_from_ts AND (t.channel IS NULL OR t.channel NOT IN
	                            ('counter', 'atm', 'online', 'mobile', 'phone', 'pos'))))::text
	FROM test_txn t
	WHERE t.ts < (p_as_of + 1)::timestamptz OR t.ts IS NULL
	GROUP BY t.customer_id;
END $$;
CREATE FUNCTION pg_temp.counts(p_as_of date, p_from text DEFAULT 'test_txn') RETURNS TABLE (customer_id bigint, c text)
LANGUAGE plpgsql AS $$
DECLARE
	v_zone text := current_setting('TimeZone');
BEGIN
	RETURN QUERY EXECUTE format($q$
	SELECT t.customer_id,
	       clientele.refresh_txn_counts(t.ts, t.customer_initiated, t.kind, t.channel, $1,
	           (($1 - interval '12 months')::date + 1)::timestamptz, (($1 - interval '6 months')::date + 1)::timestamptz,
	           (date_trunc('month', $1) - 11 * interval '1 month')::date::timestamptz, $2)::text
	FROM %s t
	WHERE t.ts < ($1 + 1)::timestamptz OR t.ts IS NULL
	GROUP BY t.customer_id$q$, p_from) USING p_as_of, v_zone;
END $$;

SELECT set_eq('SELECT * FROM pg_temp.counts(''2025-12-31'')', 'SELECT * FROM pg_temp.reference(''2025-12-31'')',
	'UTC: every count equals the SQL aggregates it replaced');
SET LOCAL timezone = 'Asia/Kolkata';
SELECT set_eq('SELECT * FROM pg_temp.counts(''2025-12-31'')', 'SELECT * FROM pg_temp.reference(''2025-12-31'')',
	'Asia/Kolkata (fixed +05:30): the same');
SET LOCAL timezone = 'America/New_York';
SELECT set_eq('SELECT * FROM pg_temp.counts(''2025-11-30'')', 'SELECT * FROM pg_temp.reference(''2025-11-30'')',
	'America/New_York (daylight saving time), as_of 2025-11-30: the same');
SET LOCAL timezone = 'CET';
SELECT set_eq('SELECT * FROM pg_temp.counts(''2025-06-30'')', 'SELECT * FROM pg_temp.reference(''2025-06-30'')',
	'CET (read as the fixed abbreviation by AT TIME ZONE, as a zone with summer time by the session): the same');
SET LOCAL timezone = 'UTC';
SELECT is((SELECT c FROM pg_temp.counts('2025-12-31') WHERE customer_id = 900001),
	'(5,1,"2025-11-29 23:30:00+00",f,2,0,1,0,0,0,0,2)', 'odd rows: NULL ts and -infinity counted in n_all only, NULL initiator or kind in no filter');
SELECT is((SELECT c FROM pg_temp.counts('2025-12-31') WHERE customer_id = 900005), '(1,0,,,0,0,0,0,0,0,0,0)',
	'a row of NULLs: counted, no latest transaction, activity NULL (bool_or of NULL)');
SELECT is((SELECT clientele.refresh_txn_counts(ts, customer_initiated, kind, channel, '2025-12-31', '2025-01-01', '2025-07-01', '2025-01-01', 'UTC')
	FROM test_txn WHERE false), NULL, 'empty input gives NULL');

-- parallel = serial (partial aggregates combined)
CREATE TEMP TABLE serial_result ON COMMIT DROP AS SELECT * FROM pg_temp.counts('2025-12-31');
\ir include/parallel_plans.sql
-- parallel workers do not read temporary tables
CREATE TABLE public.txn_counts_par WITH (parallel_workers = 2) AS SELECT * FROM test_txn;
ANALYZE public.txn_counts_par;
SELECT ok(pg_temp.plan_of($$SELECT clientele.refresh_txn_counts(ts, customer_initiated, kind, channel, '2025-12-31', '2025-01-01', '2025-07-01', '2025-01-01', 'UTC') FROM public.txn_counts_par$$) ~ 'Partial Aggregate',
	'the plan aggregates in parallel workers');
SELECT is((SELECT clientele.refresh_txn_counts(ts, customer_initiated, kind, channel, '2025-12-31', '2025-01-01', '2025-07-01', '2025-01-01', 'UTC') FROM public.txn_counts_par),
	(SELECT clientele.refresh_txn_counts(ts, customer_initiated, kind, channel, '2025-12-31', '2025-01-01', '2025-07-01', '2025-01-01', 'UTC') FROM (SELECT * FROM test_txn OFFSET 0) t),
	'parallel = serial for one big group');
SELECT set_eq('SELECT * FROM pg_temp.counts(''2025-12-31'', ''public.txn_counts_par'')', 'SELECT * FROM serial_result',
	'parallel = serial per customer');
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size; RESET max_parallel_workers_per_gather;

-- errors
SELECT throws_ok($$SELECT clientele.refresh_txn_counts(ts, true, 'deposit', 'atm', NULL, '2025-01-01', '2025-07-01', '2025-01-01', 'UTC') FROM test_txn$$,
	'22004', 'as_of must not be NULL', 'NULL as_of: 22004');
SELECT throws_ok($$SELECT clientele.refresh_txn_counts(ts, true, 'deposit', 'atm', '2025-12-31', NULL, '2025-07-01', '2025-01-01', 'UTC') FROM test_txn$$,
	'22004', 'period_from must not be NULL', 'NULL period_from: 22004');
SELECT throws_ok($$SELECT clientele.refresh_txn_counts(ts, true, 'deposit', 'atm', '2025-12-31', '2025-01-01', '2025-07-01', '2025-01-01', NULL) FROM test_txn$$,
	'22004', 'time_zone must not be NULL', 'NULL time_zone: 22004');
SELECT throws_ok($$SELECT clientele.refresh_txn_counts(ts, true, 'deposit', 'atm', 'infinity', '2025-01-01', '2025-07-01', '2025-01-01', 'UTC') FROM test_txn$$,
	'22023', 'as_of must be a finite date, got infinity', 'infinite as_of: 22023');
SELECT throws_ok($$SELECT clientele.refresh_txn_counts(ts, true, 'deposit', 'atm', '2025-12-31', '2025-01-01', '-infinity', '2025-01-01', 'UTC') FROM test_txn$$,
	'22023', 'recent_from must be a finite timestamp', 'infinite recent_from: 22023');
SELECT throws_ok($$SELECT clientele.refresh_txn_counts(ts, true, 'deposit', 'atm', '2025-12-31', '2025-01-01', '2025-07-01', '2015-01-01', 'UTC') FROM test_txn$$,
	'22023', 'months_from must be within 128 months before the month of as_of', 'months_from 132 months back: 22023');
SELECT lives_ok($$SELECT clientele.refresh_txn_counts(ts, true, 'deposit', 'atm', '2025-12-31', '2025-01-01', '2025-07-01', '2015-05-01', 'UTC') FROM test_txn$$,
	'months_from 127 months back: accepted');
SELECT throws_ok($$SELECT clientele.refresh_txn_counts(ts, true, 'deposit', 'atm', '2025-12-31', '2025-01-01', '2025-07-01', '2025-01-01', 'Mars/Olympus') FROM test_txn$$,
	'22023', 'time zone "Mars/Olympus" not recognized', 'unknown time zone: 22023');
SELECT throws_ok($$SELECT clientele.refresh_txn_counts(ts, true, 'deposit', 'atm', ts::date + 400, '2025-01-01', '2025-07-01', '2025-01-01', 'UTC') FROM test_txn WHERE customer_id = 900001 AND ts > '2000-01-01'$$,
	'22023', NULL, 'as_of differing within a group: 22023');
SELECT throws_ok($$SELECT clientele.refresh_txn_trans(NULL, now(), true, 'deposit', 'atm', '2025-12-31', '2025-01-01', '2025-07-01', '2025-01-01', 'UTC')$$,
	'0A000', NULL, 'the transition function outside an aggregate: 0A000');

-- partial states: text and binary forms, combine
CREATE AGGREGATE pg_temp.txc_state(timestamptz, boolean, text, text, date, timestamptz, timestamptz, timestamptz, text) (
	SFUNC = clientele.refresh_txn_trans, STYPE = clientele.refresh_txn_state);
CREATE AGGREGATE pg_temp.txc_merge(clientele.refresh_txn_state) (
	SFUNC = clientele.refresh_txn_combine, STYPE = clientele.refresh_txn_state, FINALFUNC = clientele.refresh_txn_final);
CREATE TEMP TABLE part_states ON COMMIT DROP AS
SELECT customer_id, hashtext(coalesce(ts::text, '')) & 3 AS part,
       pg_temp.txc_state(ts, customer_initiated, kind, channel, '2025-12-31', '2025-01-01', '2025-07-01', '2025-01-01', 'UTC') AS st
FROM test_txn WHERE ts < '2026-01-01' OR ts IS NULL GROUP BY 1, 2;
SELECT is((SELECT count(*) FROM part_states WHERE st::text::clientele.refresh_txn_state::text <> st::text), 0::bigint,
	'every state survives its text form');
SELECT ok((SELECT bool_and(st::text = 'txc1:' || encode(clientele.refresh_txn_state_send(st), 'hex')) FROM part_states),
	'text form: txc1: and the hex of the binary form');
SELECT set_eq('SELECT customer_id, pg_temp.txc_merge(st ORDER BY part)::text FROM part_states GROUP BY 1',
	'SELECT * FROM serial_result', 'partial states combined = the whole');
SELECT set_eq('SELECT customer_id, pg_temp.txc_merge(st::text::clientele.refresh_txn_state ORDER BY part DESC)::text FROM part_states GROUP BY 1',
	'SELECT * FROM serial_result', 'states read back from text, combined in another order = the whole');
SELECT throws_ok($$SELECT pg_temp.txc_merge(st) FROM (SELECT pg_temp.txc_state(now(), true, NULL, NULL, '2025-12-31', '2025-01-01', '2025-07-01', '2025-01-01', 'UTC')
	UNION ALL SELECT pg_temp.txc_state(now(), true, NULL, NULL, '2025-12-31', '2025-02-01', '2025-07-01', '2025-01-01', 'UTC')) v(st)$$, '22023', NULL,
	'states of two period starts do not combine');

-- corrupt states are rejected (byte offsets of the binary form: version 0,
-- flags 1, as_of 2, period_from 6, recent_from 14, months_from 22, last_ts 30,
-- n_all 38, n_period 46, n_uncosted 54, channels 62, months 110; little-endian)
CREATE TEMP TABLE good ON COMMIT DROP AS
SELECT st::text AS t FROM part_states WHERE customer_id = 900001 ORDER BY part LIMIT 1;
CREATE FUNCTION pg_temp.patch(p_text text, p_byte int, p_hex text) RETURNS text LANGUAGE sql AS $$
	SELECT overlay(p_text placing p_hex from 6 + 2 * p_byte for length(p_hex))
$$;
SELECT throws_ok($$SELECT 'txc1:00'::clientele.refresh_txn_state$$, '22P03', NULL, 'too short: 22P03');
SELECT throws_ok($$SELECT 'act1:00'::clientele.refresh_txn_state$$, '22P02', NULL, 'wrong prefix: 22P02');
SELECT throws_ok(format('SELECT %L::clientele.refresh_txn_state', pg_temp.patch((SELECT t FROM good), 0, '02')), '22P03',
	'invalid clientele.refresh_txn_state value', 'unknown version: 22P03');
SELECT throws_ok(format('SELECT %L::clientele.refresh_txn_state', pg_temp.patch((SELECT t FROM good), 1, '08')), '22P03',
	'invalid clientele.refresh_txn_state value', 'unknown flag: 22P03');
SELECT throws_ok(format('SELECT %L::clientele.refresh_txn_state', pg_temp.patch((SELECT t FROM good), 45, 'ff')), '22P03',
	'invalid clientele.refresh_txn_state value', 'negative row count: 22P03');
SELECT throws_ok(format('SELECT %L::clientele.refresh_txn_state', pg_temp.patch((SELECT t FROM good), 62, 'ff')), '22P03',
	'invalid clientele.refresh_txn_state value', 'more transactions by channel than rows: 22P03');
SELECT throws_ok(format('SELECT %L::clientele.refresh_txn_state', (SELECT t FROM good) || '00'), '22P03',
	'invalid clientele.refresh_txn_state value', 'trailing byte: 22P03');

-- amount_float8: the same double as the cast, bit for bit
SELECT is((SELECT count(*) FROM clientele.transaction
           WHERE float8send(clientele.amount_float8(amount)) <> float8send(amount::float8)), 0::bigint,
	'amount_float8 = amount::float8 on every demo amount (bit for bit)');
SELECT is((SELECT count(*) FROM (VALUES (0::numeric), (0.00), (0.01), (-0.01), (-12.34), (12.3), (12.345), (5), (1e20), (1.5e-10),
                                        (90071992547409.91), (90071992547409.92), (90071992547409.93), (-90071992547409.93),
                                        (123456789012345678901234567890.12), ('NaN'), ('Infinity'), ('-Infinity')) v(a)
           WHERE float8send(clientele.amount_float8(a)) IS DISTINCT FROM float8send(a::float8)), 0::bigint,
	'amount_float8 = ::float8 at the edges (2^53 cents, more decimals, huge, NaN, infinities)');
SELECT is(clientele.amount_float8(NULL), NULL, 'amount_float8(NULL) is NULL');

SELECT * FROM finish();
ROLLBACK;
