-- features area: the activity_summary aggregate (one pass over the
-- transactions) against the SQL it replaced, NULL / empty input, errors,
-- parallel = serial, combine order, state text round trip, corrupt states
-- rejected; churn_scorecard_of against the signals it sums.
BEGIN;
SELECT plan(43);
SET LOCAL timezone = 'UTC';
SET LOCAL client_min_messages = warning;

TRUNCATE clientele.customer CASCADE;
CREATE TEMP TABLE demo_rows ON COMMIT DROP AS SELECT * FROM clientele.generate_demo_bank(300, 11);

-- the demo transactions plus odd ones: NULL initiator, NULL amount, more decimals, integers, other banks
CREATE TEMP TABLE test_act ON COMMIT DROP AS
SELECT customer_id, ts, customer_initiated, kind, direction, counterparty_bank, amount::numeric AS amount FROM clientele.transaction;
INSERT INTO test_act
SELECT c, ts, ci, 'transfer', 'out', bank, amt
FROM (VALUES (900001::bigint, '2025-11-30 10:00+00'::timestamptz, true, NULL::text, 12.345::numeric),
             (900001, '2025-11-29 10:00+00', true, 'BANK', 7),
             (900001, '2025-08-29 10:00+00', NULL, 'BANK', 1.5),
             (900001, '2025-08-28 10:00+00', true, NULL, NULL),
             (900001, '2023-01-01 10:00+00', true, NULL, 3),
             (900002, '2025-12-01 00:00+00', false, 'X', 100.10),
             (900002, '2025-12-02 00:00+00', false, NULL, 5)) v(c, ts, ci, bank, amt);
ANALYZE test_act;

-- the reference: the eleven FILTER aggregates and the bitmap of 0.2.0's first cut
CREATE FUNCTION pg_temp.reference(p_as_of date) RETURNS TABLE (customer_id bigint, s clientele.activity_summary)
LANGUAGE sql AS $$
	WITH b AS (
		SELECT (p_as_of - interval '3 months')::date AS d3, (p_as_of - interval '6 months')::date AS d6,
		       (p_as_of - interval '12 months')::date AS d12
	), x AS (
		SELECT t.customer_id,
		       max(t.ts) FILTER (WHERE t.customer_initiated) AS last_ts,
		       count(*) FILTER (WHERE t.customer_initiated AND t.ts >= (b.d3 + 1)::timestamptz)::integer AS n_3m,
		       count(*) FILTER (WHERE t.customer_initiated AND t.ts >= (b.d6 + 1)::timestamptz AND t.ts < (b.d3 + 1)::timestamptz)::integer AS n_prev_3m,
		       count(*) FILTER (WHERE t.customer_initiated AND t.ts >= (b.d6 + 1)::timestamptz)::integer AS n_6m,
		       count(*) FILTER (WHERE t.customer_initiated AND t.ts >= (b.d12 + 1)::timestamptz AND t.ts < (b.d6 + 1)::timestamptz)::integer AS n_prev_6m,
		       max(t.ts) FILTER (WHERE t.customer_initiated AND t.ts < (b.d12 + 1)::timestamptz) AS before_ts,
		       bit_or(set_bit(repeat('0', p_as_of - b.d12)::varbit, t.ts::date - (b.d12 + 1), 1))
		           FILTER (WHERE t.customer_initiated AND t.ts >= (b.d12 + 1)::timestamptz) AS days,
		       sum(t.amount) FILTER (WHERE t.customer_initiated AND t.kind = 'transfer' AND t.direction = 'out' AND t.ts >= (b.d3 + 1)::timestamptz) AS tr_3m,
		       sum(t.amount) FILTER (WHERE t.customer_initiated AND t.kind = 'transfer' AND t.direction = 'out'
		                           AND t.ts >= (b.d6 + 1)::timestamptz AND t.ts < (b.d3 + 1)::timestamptz) AS tr_prev_3m,
		       sum(t.amount) FILTER (WHERE t.counterparty_bank IS NOT NULL AND t.kind = 'transfer' AND t.direction = 'out'
		                           AND t.ts >= (b.d3 + 1)::timestamptz) AS ob_3m,
		       min(b.d12) AS d12
		FROM test_act t CROSS JOIN b
		WHERE t.ts < (p_as_of + 1)::timestamptz
		GROUP BY t.customer_id
	), gp AS (
		-- every gap of 28 days or more ended in the 12 months, from the activity days and lag()
		SELECT y.customer_id, array_agg(daterange(y.prev + 1, y.d) ORDER BY y.d) AS gaps
		FROM (SELECT z.customer_id, z.d, lag(z.d) OVER (PARTITION BY z.customer_id ORDER BY z.d) AS prev
		      FROM (SELECT DISTINCT t.customer_id, t.ts::date AS d FROM test_act t
		            WHERE t.customer_initiated AND t.ts < (p_as_of + 1)::timestamptz) z) y CROSS JOIN b
		WHERE y.d >= b.d12 + 1 AND y.d - y.prev >= 28
		GROUP BY y.customer_id
	)
	SELECT x.customer_id, ROW(x.last_ts::date, x.n_3m, x.n_prev_3m, x.n_6m, x.n_prev_6m, g.gap_days, g.gap_started_on,
	                          g.gap_ended_on, x.tr_3m, x.tr_prev_3m, x.ob_3m, gp.gaps)::clientele.activity_summary
	FROM x LEFT JOIN gp ON gp.customer_id = x.customer_id
	CROSS JOIN LATERAL clientele.activity_gap(x.days, x.d12 + 1, x.before_ts::date) g
$$;
CREATE FUNCTION pg_temp.summary(p_as_of date) RETURNS TABLE (customer_id bigint, s clientele.activity_summary)
LANGUAGE sql AS $$
	SELECT t.customer_id, clientele.activity_summary(t.ts, t.customer_initiated, t.kind, t.direction, t.counterparty_bank, t.amount, p_as_of)
	FROM test_act t WHERE t.ts < (p_as_of + 1)::timestamptz GROUP BY t.customer_id
$$;

SELECT set_eq('SELECT * FROM pg_temp.summary(''2025-12-31'')', 'SELECT * FROM pg_temp.reference(''2025-12-31'')',
	'activity_summary = the FILTER aggregates and bitmap it replaced, as of 2025-12-31');
SELECT set_eq('SELECT * FROM pg_temp.summary(''2025-06-30'')', 'SELECT * FROM pg_temp.reference(''2025-06-30'')',
	'... as of 2025-06-30');
SELECT set_eq('SELECT * FROM pg_temp.summary(''2024-02-29'')', 'SELECT * FROM pg_temp.reference(''2024-02-29'')',
	'... as of a leap day (366-day window)');
SET LOCAL timezone = 'America/New_York';
SELECT set_eq('SELECT * FROM pg_temp.summary(''2025-11-02'')', 'SELECT * FROM pg_temp.reference(''2025-11-02'')',
	'... in a time zone with daylight saving (days in the session time zone)');
SET LOCAL timezone = 'UTC';
SELECT is((SELECT s FROM pg_temp.summary('2025-12-31') WHERE customer_id = 900001),
	ROW('2025-11-30', 2, 1, 3, 0, 970, '2023-01-01', '2025-08-28', 19.345, NULL, 7,
	    '{"[2023-01-02,2025-08-28)","[2025-08-29,2025-11-29)"}')::clientele.activity_summary,
	'hand-checked customer: counts, last day, the gap from before the 12 months, exact sums with 3 decimals, every gap of 28 days or more');
SELECT is((SELECT s FROM pg_temp.summary('2025-12-31') WHERE customer_id = 900002),
	ROW(NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, 100.10, NULL)::clientele.activity_summary,
	'no customer-initiated transaction: zero counts, NULL dates; the other-bank outflow still counts');
SELECT is((SELECT (s).other_bank_out_3m::text FROM pg_temp.summary('2025-12-31') WHERE customer_id = 900002), '100.10',
	'a sum keeps the decimals of its amounts (as sum(numeric))');

-- NULL and empty input
SELECT is((SELECT clientele.activity_summary(ts, true, 'x', 'y', NULL, 1, '2025-12-31') FROM test_act WHERE false), NULL,
	'empty input gives NULL');
SELECT is((SELECT clientele.activity_summary(NULL, true, NULL, NULL, NULL, NULL, '2025-12-31')),
	ROW(NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.activity_summary, 'a NULL ts is ignored');
SELECT is((SELECT clientele.activity_summary('2026-01-01 00:00+00', true, 'transfer', 'out', 'B', 1, '2025-12-31')),
	ROW(NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.activity_summary, 'a transaction after as_of is ignored');
SELECT throws_ok($$SELECT clientele.activity_summary('-infinity', true, NULL, NULL, NULL, NULL, '2025-12-31')$$, '22023',
	'the transaction before the 12 months must be a finite date, got -infinity', 'a -infinity transaction: 22023 (as activity_gap)');

-- errors
SELECT throws_ok($$SELECT clientele.activity_summary(ts, true, NULL, NULL, NULL, NULL, NULL) FROM test_act$$, '22004',
	'as_of must not be NULL', 'NULL as_of: 22004');
SELECT throws_ok($$SELECT clientele.activity_summary(ts, true, NULL, NULL, NULL, NULL, 'infinity') FROM test_act$$, '22023',
	'as_of must be a finite date, got infinity', 'infinite as_of: 22023');
SELECT throws_ok($$SELECT clientele.activity_summary(now(), true, NULL, NULL, NULL, NULL, '4713-01-01 BC')$$, '22023',
	'as_of must be a date between 0001-01-01 and 9999-12-31, got 4713-01-01 BC', 'as_of out of range (the dates of an argument): 22023');
SELECT throws_ok($$SELECT clientele.activity_summary(ts, true, NULL, NULL, NULL, NULL, ts::date) FROM test_act WHERE customer_id = 900001$$,
	'22023', NULL, 'as_of changing within a group: 22023');
SELECT throws_ok($$SELECT clientele.activity_summary('2025-12-01', true, 'transfer', 'out', NULL, 1.0000000000000000001, '2025-12-31')$$,
	'22003', NULL, 'an amount with more than 18 decimals: 22003');
SELECT throws_ok($$SELECT clientele.activity_summary('2025-12-01', true, 'transfer', 'out', NULL, 1e30, '2025-12-31')$$,
	'22003', NULL, 'an amount beyond the exact range: 22003');
SELECT is((SELECT clientele.activity_summary('2025-12-01', true, 'transfer', 'out', NULL, a, '2025-12-31')
           FROM unnest(ARRAY['NaN', 1]::numeric[]) a).transfer_out_3m, 'NaN'::numeric, 'NaN amounts give NaN (as sum)');
SELECT is((SELECT clientele.activity_summary('2025-12-01', true, 'transfer', 'out', NULL, a, '2025-12-31')
           FROM unnest(ARRAY['Infinity', '-Infinity']::numeric[]) a).transfer_out_3m, 'NaN'::numeric, '+Infinity and -Infinity give NaN');
SELECT is((SELECT clientele.activity_summary('2025-12-01', true, 'transfer', 'out', NULL, a, '2025-12-31')
           FROM unnest(ARRAY['Infinity', 5]::numeric[]) a).transfer_out_3m, 'Infinity'::numeric, 'Infinity dominates finite amounts');

-- parallel = serial (partial aggregates combined)
CREATE TEMP TABLE serial_result ON COMMIT DROP AS SELECT * FROM pg_temp.summary('2025-12-31');
\ir include/parallel_plans.sql
-- parallel workers do not read temporary tables
CREATE TABLE public.features_agg_par WITH (parallel_workers = 2) AS SELECT * FROM test_act;
ANALYZE public.features_agg_par;
SELECT ok(pg_temp.plan_of($$SELECT t.customer_id, clientele.activity_summary(t.ts, t.customer_initiated, t.kind, t.direction, t.counterparty_bank, t.amount, '2025-12-31') FROM public.features_agg_par t GROUP BY 1$$) ~ 'Partial (Hash)?Aggregate',
	'the plan aggregates in parallel workers');
SELECT set_eq('SELECT t.customer_id, clientele.activity_summary(t.ts, t.customer_initiated, t.kind, t.direction, t.counterparty_bank, t.amount, ''2025-12-31'') FROM public.features_agg_par t WHERE t.ts < ''2026-01-01'' GROUP BY 1',
	'SELECT * FROM serial_result', 'parallel = serial');
SELECT is((SELECT clientele.activity_summary(t.ts, t.customer_initiated, t.kind, t.direction, t.counterparty_bank, t.amount, '2025-12-31') FROM public.features_agg_par t),
	(SELECT clientele.activity_summary(t.ts, t.customer_initiated, t.kind, t.direction, t.counterparty_bank, t.amount, '2025-12-31') FROM (SELECT * FROM test_act OFFSET 0) t),
	'parallel = serial for one big group');
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;

-- partial states: text round trip, combine in any order
CREATE AGGREGATE pg_temp.act_state(timestamptz, boolean, text, text, text, numeric, date) (
	SFUNC = clientele.activity_trans, STYPE = clientele.activity_state);
CREATE AGGREGATE pg_temp.act_merge(clientele.activity_state) (
	SFUNC = clientele.activity_combine, STYPE = clientele.activity_state, FINALFUNC = clientele.activity_final);
CREATE TEMP TABLE parts ON COMMIT DROP AS
SELECT t.customer_id, (row_number() OVER (PARTITION BY t.customer_id ORDER BY t.ts, t.amount)) % 3 AS part,
       t.ts, t.customer_initiated, t.kind, t.direction, t.counterparty_bank, t.amount
FROM test_act t;
CREATE TEMP TABLE part_states ON COMMIT DROP AS
SELECT customer_id, part, pg_temp.act_state(ts, customer_initiated, kind, direction, counterparty_bank, amount, '2025-12-31') AS st
FROM parts GROUP BY 1, 2;
SELECT is((SELECT count(*) FROM part_states WHERE st::text::clientele.activity_state::text <> st::text), 0::bigint,
	'every state survives its text form');
SELECT ok((SELECT bool_and(st::text ~ '^act1:[0-9a-f]+$') FROM part_states), 'text form: act1: and hex');
SELECT set_eq('SELECT customer_id, pg_temp.act_merge(st ORDER BY part) FROM part_states GROUP BY 1',
	'SELECT * FROM serial_result WHERE customer_id IN (SELECT customer_id FROM test_act WHERE ts < ''2026-01-01'')',
	'partial states combined = the whole');
SELECT set_eq('SELECT customer_id, pg_temp.act_merge(st ORDER BY part DESC) FROM part_states GROUP BY 1',
	'SELECT customer_id, pg_temp.act_merge(st ORDER BY (part + 1) % 3) FROM part_states GROUP BY 1',
	'combine order does not matter');
SELECT set_eq('SELECT customer_id, pg_temp.act_merge(st::text::clientele.activity_state) FROM part_states GROUP BY 1',
	'SELECT customer_id, pg_temp.act_merge(st) FROM part_states GROUP BY 1', 'states read back from text combine the same');
SELECT throws_ok($$SELECT pg_temp.act_merge(st) FROM (SELECT pg_temp.act_state(now(), true, NULL, NULL, NULL, NULL, '2025-12-31')
	UNION ALL SELECT pg_temp.act_state(now(), true, NULL, NULL, NULL, NULL, '2025-06-30')) v(st)$$, '22023', NULL,
	'states of two as_of dates do not combine');

-- corrupt states are rejected
CREATE TEMP TABLE good ON COMMIT DROP AS
SELECT st::text AS t FROM part_states WHERE customer_id = 900001 AND part = 1;
CREATE FUNCTION pg_temp.patch(p_text text, p_byte int, p_hex text) RETURNS text LANGUAGE sql AS $$
	SELECT overlay(p_text placing p_hex from 6 + 2 * p_byte for length(p_hex))
$$;
SELECT throws_ok($$SELECT 'act1:00'::clientele.activity_state$$, '22P03', NULL, 'too short: 22P03');
SELECT throws_ok($$SELECT 'rfm1:00'::clientele.activity_state$$, '22P02', NULL, 'wrong prefix: 22P02');
SELECT throws_ok(format('SELECT %L::clientele.activity_state', pg_temp.patch((SELECT t FROM good), 0, '02')), '22P03',
	'invalid clientele.activity_state value', 'unknown version: 22P03');
SELECT throws_ok(format('SELECT %L::clientele.activity_state', pg_temp.patch((SELECT t FROM good), 1, '08')), '22P03',
	'invalid clientele.activity_state value', 'unknown flag: 22P03');
SELECT throws_ok(format('SELECT %L::clientele.activity_state', pg_temp.patch((SELECT t FROM good), 22, 'ff')), '22P03',
	'invalid clientele.activity_state value', 'negative count: 22P03');
SELECT throws_ok(format('SELECT %L::clientele.activity_state', (SELECT t FROM good) || '00'), '22P03',
	'invalid clientele.activity_state value', 'trailing byte: 22P03');
SELECT throws_ok(format('SELECT %L::clientele.activity_state', pg_temp.patch((SELECT t FROM good), 1 + 1 + 4 + 8 + 8 + 24 + 96 + 47, '01')), '22P03',
	'invalid clientele.activity_state value', 'an activity day after as_of: 22P03');
SELECT throws_ok(format('SELECT %L::clientele.activity_state', pg_temp.patch((SELECT t FROM good), 1 + 1 + 4 + 8 + 8 + 24 + 96, 'ff')), '22P03',
	'invalid clientele.activity_state value', 'activity days without transactions: 22P03');
SELECT throws_ok(format('SELECT %L::clientele.activity_state', pg_temp.patch((SELECT t FROM good), 1 + 1 + 4 + 8 + 8 + 24 + 16, '000000ff')), '22P03',
	'invalid clientele.activity_state value', 'a sum with an impossible number of decimals: 22P03');

-- churn_scorecard_of: the signals it sums, in the order churn_scores documents
CREATE TEMP TABLE f ON COMMIT DROP AS SELECT x AS f FROM clientele.customer_features('2025-06-30') x;
SELECT set_eq($$SELECT (f).customer_id, (clientele.churn_scorecard_of(f)).* FROM f$$,
	$$SELECT (f).customer_id, clientele.churn_scorecard_score(coalesce(g.total, 0), 50), coalesce(g.reasons, '[]'::jsonb)
	  FROM f LEFT JOIN LATERAL (
		SELECT sum(s.points) AS total,
		       jsonb_agg(jsonb_build_object('signal', s.signal, 'points', s.points, 'evidence', s.evidence) ORDER BY s.points DESC, s.signal) AS reasons
		FROM clientele.churn_signals_of(f) s) g ON true$$,
	'churn_scorecard_of = the sum of churn_signals_of, mapped, with its reasons largest first');
SELECT ok((SELECT count(*) FROM f WHERE jsonb_array_length((clientele.churn_scorecard_of(f)).reasons) > 1) > 0,
	'some customers fire several signals (the order is exercised)');
SET LOCAL clientele.churn_scorecard_scale = '25';
SELECT is((SELECT count(*) FROM f WHERE (clientele.churn_scorecard_of(f)).score <>
	clientele.churn_scorecard_score(coalesce((SELECT sum(points) FROM clientele.churn_signals_of(f)), 0), 25)), 0::bigint,
	'the scale setting is used');
SET LOCAL clientele.churn_scorecard_scale = 'abc';
SELECT throws_ok($$SELECT clientele.churn_scorecard_of(f) FROM f$$, '22023',
	'setting clientele.churn_scorecard_scale must be a number of points above 0 and at most 1000000, got "abc"', 'invalid scale: 22023');
RESET clientele.churn_scorecard_scale;
SELECT is(clientele.churn_scorecard_of(NULL), NULL, 'NULL features give NULL');

SELECT * FROM finish();
ROLLBACK;
