-- clientele.period_summary (BG/BB input from transactions) and its state
-- type clientele.period_state: values, point in time, errors, text and
-- binary I/O with invariant checks, parallel = serial, and the pipeline
-- transactions -> period_summary -> bgbb_fit.
BEGIN;
SELECT plan(27);

CREATE TEMP TABLE tx (customer int, period int);
INSERT INTO tx VALUES (1, 0), (1, 1), (1, 3), (1, 3), (1, 5), (2, 0), (3, 0), (3, 6), (4, 2);
CREATE AGGREGATE pg_temp.ps_state(integer, integer) (SFUNC = clientele.period_summary_trans, STYPE = clientele.period_state);

SELECT is((SELECT clientele.period_summary(period, 6) FROM tx WHERE customer = 1), ROW(3, 5, 6, 5::bigint)::clientele.period_summary,
	'periods 0, 1, 3, 3, 5 of 6: frequency 3, recency 5, 5 transactions');
SELECT is((SELECT clientele.period_summary(period, 6) FROM tx WHERE customer = 2), ROW(0, 0, 6, 1::bigint)::clientele.period_summary,
	'only the first period: frequency 0, recency 0');
SELECT is((SELECT clientele.period_summary(period, 6) FROM tx WHERE customer = 3), ROW(1, 6, 6, 2::bigint)::clientele.period_summary,
	'a transaction at the last opportunity');
SELECT is((SELECT clientele.period_summary(period, 6) FROM tx WHERE customer = 4), ROW(1, 2, 6, 1::bigint)::clientele.period_summary,
	'no transaction in period 0 is accepted (the cohort is the caller''s choice)');
SELECT is((SELECT clientele.period_summary(period, 6) FROM (SELECT period FROM tx WHERE customer = 1 UNION ALL VALUES (7), (9), (NULL)) q),
	ROW(3, 5, 6, 5::bigint)::clientele.period_summary, 'rows after the window and NULL rows change nothing (point in time)');
SELECT is((SELECT clientele.period_summary(period, 6) FROM (VALUES (7), (8)) v(period)), NULL, 'only rows after the window: NULL');
SELECT is((SELECT clientele.period_summary(period, 6) FROM tx WHERE false), NULL, 'empty input: NULL');
SELECT is((SELECT clientele.period_summary(period, 3) FROM tx WHERE customer = 1), ROW(2, 3, 3, 4::bigint)::clientele.period_summary,
	'a shorter window (3 periods) of the same transactions');

SELECT throws_ok($$SELECT clientele.period_summary(-1, 6)$$, '22023', 'period must not be negative, got -1', 'a negative period');
SELECT throws_ok($$SELECT clientele.period_summary(1, n) FROM (VALUES (6), (7)) v(n)$$, '22023',
	'periods must be the same on every row of a customer', 'periods varying between rows');
SELECT throws_ok($$SELECT clientele.period_summary(1, 100001)$$, '22023', NULL, 'too many periods');
SELECT throws_ok($$SELECT clientele.period_summary(1, -1)$$, '22023', NULL, 'negative periods');

-- text form: version 1, 3 zero bytes, periods, transactions, rows ignored (little-endian), bitmap
SELECT is((SELECT pg_temp.ps_state(period, 6)::text FROM (VALUES (0), (1), (3), (9)) v(period)),
	'clps1:0100000006000000030000000000000001000000000000000b',
	'text form: little-endian header and the bitmap of periods 0, 1, 3');
SELECT is(('clps1:0100000006000000030000000000000001000000000000000b')::clientele.period_state::text,
	'clps1:0100000006000000030000000000000001000000000000000b', 'text input round trip');
SELECT is(clientele.period_summary_final('clps1:0100000006000000030000000000000001000000000000000b'),
	ROW(2, 3, 6, 3::bigint)::clientele.period_summary, 'a typed-in state gives its summary');
SELECT throws_ok($$SELECT 'clps1:0200000006000000030000000000000001000000000000000b'::clientele.period_state$$, '22P02',
	'invalid period_state: unsupported version', 'input: bad version');
SELECT throws_ok($$SELECT 'clps1:0100010006000000030000000000000001000000000000000b'::clientele.period_state$$, '22P02',
	'invalid period_state: reserved bytes are not zero', 'input: reserved bytes');
SELECT throws_ok($$SELECT 'clps1:010000000600000003000000000000000100000000000000ff'::clientele.period_state$$, '22P02',
	'invalid period_state: a period above periods is marked', 'input: a bit above periods');
SELECT throws_ok($$SELECT 'clps1:0100000006000000020000000000000001000000000000000b'::clientele.period_state$$, '22P02',
	'invalid period_state: fewer transactions than periods with a transaction', 'input: fewer transactions than marked periods');
SELECT throws_ok($$SELECT 'clps1:0100000006000000030000000000000001000000000000000b00'::clientele.period_state$$, '22P02',
	'invalid period_state: size does not match periods', 'input: wrong size');
SELECT throws_ok($$SELECT 'clps1:0100000006000000030000000000008001000000000000000b'::clientele.period_state$$, '22P02',
	'invalid period_state: negative count', 'input: a negative count');
SELECT throws_ok($$SELECT 'clps1:01000000a1860100030000000000000001000000000000000b'::clientele.period_state$$, '22P02',
	'invalid period_state: periods out of range', 'input: periods beyond the limit');

-- binary form = the same little-endian bytes; COPY BINARY round trip
SELECT is(clientele.period_state_send('clps1:0100000006000000030000000000000001000000000000000b'),
	'\x0100000006000000030000000000000001000000000000000b'::bytea, 'send writes the little-endian form');
CREATE TEMP TABLE st (s clientele.period_state);
INSERT INTO st VALUES ('clps1:0100000006000000030000000000000001000000000000000b');
CREATE TEMP TABLE st2 (s clientele.period_state);
CREATE FUNCTION pg_temp.copy_roundtrip() RETURNS void LANGUAGE plpgsql AS $$
DECLARE f text := '/tmp/clientele_period_state_' || pg_backend_pid() || '.bin';
BEGIN
	EXECUTE format('COPY st TO %L (FORMAT binary)', f);
	EXECUTE format('COPY st2 FROM %L (FORMAT binary)', f);
END $$;
SELECT lives_ok($$SELECT pg_temp.copy_roundtrip()$$, 'COPY BINARY out and in');
SELECT is((SELECT s::text FROM st2), (SELECT s::text FROM st), 'binary round trip keeps the state');

-- parallel partial aggregates (combine) = serial
CREATE TEMP TABLE big AS
SELECT c AS customer, k AS period
FROM generate_series(1, 3000) c, generate_series(0, 12) k
WHERE k = 0 OR ('x' || substr(md5(c || ':' || k), 1, 6))::bit(24)::int % 3 = 0;
CREATE FUNCTION pg_temp.par() RETURNS text LANGUAGE plpgsql AS $$
DECLARE h text;
BEGIN
	SET LOCAL max_parallel_workers_per_gather = 2;
	SET LOCAL parallel_setup_cost = 0;
	SET LOCAL parallel_tuple_cost = 0;
	SET LOCAL min_parallel_table_scan_size = 0;
	SET LOCAL parallel_leader_participation = off;
	SELECT md5(string_agg(s::text, ',' ORDER BY s::text)) INTO h
	FROM (SELECT clientele.period_summary(period, 10) s FROM big GROUP BY customer) q;
	RETURN h;
END $$;
SELECT is(pg_temp.par(), (SELECT md5(string_agg(s::text, ',' ORDER BY s::text))
                          FROM (SELECT clientele.period_summary(period, 10) s FROM big GROUP BY customer) q),
	'parallel = serial');

-- pipeline: the fit over per-customer summaries = the fit over the compressed form
SELECT is((SELECT (clientele.bgbb_fit((s).frequency, (s).recency, (s).periods))::text
           FROM (SELECT clientele.period_summary(period, 10) s FROM big GROUP BY customer) q),
          (SELECT (clientele.bgbb_fit(f, r, n, c))::text FROM (
              SELECT (s).frequency f, (s).recency r, (s).periods n, count(*) c
              FROM (SELECT clientele.period_summary(period, 10) s FROM big GROUP BY customer) q GROUP BY 1, 2, 3) z),
	'bgbb_fit over period_summary rows = bgbb_fit over (frequency, recency, periods, count)');

SELECT * FROM finish();
ROLLBACK;
