-- Issue 9: every case of the issue, with its now-correct value (mpmath,
-- test/reference/gen_reference.py) or its error; state types that cannot
-- lie (hand-typed rfm_state / fit_state values are checked, combines do not
-- wrap); one zero-spend repeat buyer does not sink a Gamma-Gamma fit.
BEGIN;
SELECT plan(56);

-- relative error of got against want
CREATE FUNCTION pg_temp.rel(got float8, want float8) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$ SELECT abs(got - want) / abs(want) $$;

-- ---- sBG DERL (was -1.76e11 at 500 renewals, 2.5e32 at 1000, +-1e202 for beta = 10,000) ----
SELECT ok(pg_temp.rel(clientele.sbg_derl(ROW(0.704, 1.182, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params, 0.1, 500),
	10.835735464175901) < 1e-12, 'sbg_derl(0.704, 1.182; d 0.1, 500 renewals) = 10.8357354641759 (mpmath)');
SELECT ok(pg_temp.rel(clientele.sbg_derl(ROW(0.704, 1.182, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params, 0.1, 1000),
	10.916383447387373) < 1e-12, 'sbg_derl at 1000 renewals = 10.9163834473874');
SELECT ok(pg_temp.rel(clientele.sbg_derl(ROW(0.704, 10000, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params, 0.1, 0),
	10.991496672427228) < 1e-12, 'sbg_derl with beta = 10,000 = 10.9914966724272');
SELECT ok(pg_temp.rel(clientele.sbg_derl(ROW(0.704, 10000, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params, 0.1, 1000),
	10.992268459742421) < 1e-12, 'sbg_derl with beta = 10,000 at 1000 renewals');
SELECT ok(d BETWEEN 10.8 AND 10.9, 'sbg_derl of the fitted regular cohort at 500 renewals is about 10.84 (got ' || round(d::numeric, 4) || ')')
FROM (SELECT clientele.sbg_derl(clientele.sbg_fit(ARRAY[1000,631,468,382,326,289,262,241]::bigint[]), 0.1, 500) AS d) s;
SELECT is(count(*), 0::bigint, 'sbg_derl in [0, (1 + d)/d] on a grid of alpha, beta 0.01 .. 10,000, renewals 0 .. 10,000, d 0.001 .. 10')
FROM (VALUES (0.01), (1), (100), (10000)) a(a), (VALUES (0.01), (1), (100), (10000)) b(b),
	(VALUES (0), (10), (500), (10000)) r(r), (VALUES (0.001), (0.1), (10)) d(d),
	LATERAL (SELECT clientele.sbg_derl(ROW(a, b, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params, d, r) AS v) x
WHERE NOT (v >= 0 AND v <= (1 + d) / d);

-- ---- sBG survival and churn (were 1.0000002 at beta 1e8, 54.6 at 1e15, churn 1490) ----
SELECT ok(pg_temp.rel(clientele.sbg_survival(ROW(0.704, 1e8, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params, 1),
	0.9999999929600001) < 1e-14, 'sbg_survival(beta = 1e8, 1) = 0.99999999296');
SELECT ok(pg_temp.rel(clientele.sbg_survival(ROW(0.704, 1e15, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params, 100),
	0.9999999999999296) < 1e-14, 'sbg_survival(beta = 1e15, 100) = 0.9999999999999296 (was 54.6)');
SELECT ok(pg_temp.rel(clientele.sbg_churn_probability(ROW(0.704, 1e15, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params, 1),
	7.039999999999995e-16) < 1e-12, 'sbg_churn_probability(beta = 1e15, 1) = 7.04e-16');
SELECT ok(pg_temp.rel(clientele.sbg_churn_probability(ROW(0.704, 1e8, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params, 3),
	7.039999710515209e-09) < 1e-12, 'sbg_churn_probability(beta = 1e8, 3) = 7.04e-9');
SELECT is(count(*), 0::bigint, 'sbg survival, churn probability and retention in [0, 1] for alpha, beta 1e-2 .. 1e15, t 1 .. 1e6')
FROM (VALUES (0.01), (0.704), (100), (1e8)) a(a), (VALUES (0.01), (1.182), (1e4), (1e8), (1e15)) b(b),
	(VALUES (1), (2), (100), (1000000)) t(t),
	LATERAL (SELECT clientele.sbg_survival(p, t) AS s, clientele.sbg_churn_probability(p, t) AS c, clientele.sbg_retention_rate(p, t) AS r
	         FROM (SELECT ROW(a, b, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params AS p) q) x
WHERE NOT (s BETWEEN 0 AND 1 AND c BETWEEN 0 AND 1 AND r BETWEEN 0 AND 1);

-- ---- BG/NBD (expected_purchases_new was -1.37e11; negative expectations; pmf outside [0, 1]) ----
SELECT ok(pg_temp.rel(clientele.bgnbd_expected_purchases_new(ROW(0.5,5,2,500,0,1,true,1,NULL,NULL,NULL,NULL)::clientele.bgnbd_params, 52),
	5.0462061901210776) < 1e-12, 'bgnbd_expected_purchases_new(0.5, 5, 2, 500; 52) = 5.04620619012108 (was -1.37e11)');
SELECT ok(pg_temp.rel(clientele.bgnbd_expected_purchases_new(ROW(0.2426,4.4135,0.7929,100,0,1,true,1,NULL,NULL,NULL,NULL)::clientele.bgnbd_params, 52),
	2.7143126004049787) < 1e-12, 'bgnbd_expected_purchases_new at b = 100 = 2.71431260040498 (was off in the 5th digit)');
SELECT ok(pg_temp.rel(clientele.bgnbd_expected_purchases(ROW(0.5,5,2,500,0,1,true,1,NULL,NULL,NULL,NULL)::clientele.bgnbd_params, 52, 3, 20, 30),
	5.06670894578479) < 1e-12, 'bgnbd_expected_purchases(0.5, 5, 2, 500; 52 | 3, 20, 30) = 5.06670894578479');
SELECT is(count(*), 0::bigint, 'bgnbd expected purchases >= 0 and non-decreasing in the horizon on a grid of shapes 0.01 .. 10,000')
FROM (VALUES (0.01), (1), (10000)) r(r), (VALUES (0.01), (10), (10000)) al(al), (VALUES (0.01), (1), (2), (10000)) a(a),
	(VALUES (0.01), (5), (500), (10000)) b(b),
	LATERAL (SELECT clientele.bgnbd_expected_purchases(p, 10, 3, 20, 30) AS e1, clientele.bgnbd_expected_purchases(p, 1000, 3, 20, 30) AS e2,
	                clientele.bgnbd_expected_purchases_new(p, 10) AS n1, clientele.bgnbd_expected_purchases_new(p, 1000) AS n2
	         FROM (SELECT ROW(r, al, a, b, 0, 1, true, 1, NULL, NULL, NULL, NULL)::clientele.bgnbd_params AS p) q) x
WHERE NOT (e1 >= 0 AND e2 >= e1 * (1 - 1e-10) AND n1 >= 0 AND n2 >= n1 * (1 - 1e-10));
SELECT is(count(*), 0::bigint, 'bgnbd_purchase_pmf in [0, 1] and summing to at most 1 on a grid of shapes 0.01 .. 10,000')
FROM (VALUES (0.01), (1), (10000)) r(r), (VALUES (0.01), (10), (10000)) al(al), (VALUES (0.01), (2), (10000)) a(a),
	(VALUES (0.01), (5), (10000)) b(b), (VALUES (1), (52), (10000)) h(h),
	LATERAL (SELECT min(v) AS lo, max(v) AS hi, sum(v) AS s
	         FROM generate_series(0, 20) n,
	              LATERAL (SELECT clientele.bgnbd_purchase_pmf(ROW(r, al, a, b, 0, 1, true, 1, NULL, NULL, NULL, NULL)::clientele.bgnbd_params, h, n) AS v) y) x
WHERE NOT (lo >= 0 AND hi <= 1 AND s <= 1 + 1e-10);

-- ---- Pareto/NBD pmf (was 1.0000002) ----
SELECT is(count(*), 0::bigint, 'pareto_nbd_purchase_pmf in [0, 1] on a grid of shapes 0.01 .. 10,000')
FROM (VALUES (0.01), (1), (10000)) r(r), (VALUES (0.01), (10), (10000)) al(al), (VALUES (0.01), (1), (10000)) s(s),
	(VALUES (0.01), (10), (10000)) b(b), (VALUES (1), (52)) h(h), (VALUES (0), (1), (5)) n(n),
	LATERAL (SELECT clientele.pareto_nbd_purchase_pmf(ROW(r, al, s, b, 0, 1, true, 1, NULL, NULL, NULL, NULL)::clientele.pareto_nbd_params, h, n) AS v) x
WHERE NOT (v BETWEEN 0 AND 1);

-- ---- sbg_fit counts beyond 2^53 (n was -9223372036854775808) ----
SELECT throws_ok($$SELECT clientele.sbg_fit('{9223372036854775807,1}'::bigint[])$$, '22003',
	'survivors must be at most 2^53 (9007199254740992), got 9223372036854775807 at position 1', 'sbg_fit with INT64_MAX survivors is an error');
SELECT is((clientele.sbg_fit('{9007199254740992,4503599627370496}'::bigint[])).n, 9007199254740992::bigint,
	'sbg_fit with 2^53 survivors counts them exactly');

-- ---- fit_state: portable text form, checked input ----------------------------
CREATE AGGREGATE pg_temp.bg_state(float8, float8, float8) (SFUNC = clientele.bgnbd_fit_trans, STYPE = clientele.fit_state);
SELECT is((SELECT pg_temp.bg_state(x, tx, t) FROM (VALUES (0, 0, 10), (2, 5, 10), (0, 0, 10)) v(x, tx, t))::text,
	'clfs2:02010000020000000000000000000000000000000000084000000000000000000000000000000000000000000000000000000000000024400000000000000040000000000000004000000000000014400000000000002440000000000000f03f',
	'fit_state text form: "clfs2:" and the little-endian serial form');
SELECT is('clfs2:02010000020000000000000000000000000000000000084000000000000000000000000000000000000000000000000000000000000024400000000000000040000000000000004000000000000014400000000000002440000000000000f03f'::clientele.fit_state::text,
	'clfs2:02010000020000000000000000000000000000000000084000000000000000000000000000000000000000000000000000000000000024400000000000000040000000000000004000000000000014400000000000002440000000000000f03f',
	'fit_state text form reads back');
SELECT is(encode(clientele.fit_state_send(pg_temp.bg_state(x, tx, t)), 'hex'),
	'02010000020000000000000000000000000000000000084000000000000000000000000000000000000000000000000000000000000024400000000000000040000000000000004000000000000014400000000000002440000000000000f03f',
	'fit_state binary form = the serial form') FROM (VALUES (0, 0, 10), (2, 5, 10), (0, 0, 10)) v(x, tx, t);
SELECT is('clfs1:0000000053464c430100000001000000020000000200000001000000000000000000000000000000000000000000084000000000000000000000000000000000000000000000000000000000000024400000000000000040000000000000004000000000000014400000000000002440000000000000f03f'::clientele.fit_state::text,
	'clfs2:02010000020000000000000000000000000000000000084000000000000000000000000000000000000000000000000000000000000024400000000000000040000000000000004000000000000014400000000000002440000000000000f03f',
	'the 0.1.0 text form "clfs1:" is still read');
SELECT throws_ok($$SELECT 'clfs1:0000000053464c430100000001000000020000000200000001000000000000000000000000000000000000000000084000000000000000000000000000000000000000000000000000000000000024400000000000000040000000000000004000000000000026400000000000002440000000000000f03f'::clientele.fit_state$$,
	'22P02', 'invalid fit_state: a row does not have 0 <= recency <= T', 'a 0.1.0 state with recency > T is refused');
SELECT throws_ok($$SELECT 'clfs2:02010000020000000000000000000000000000000000e0430000000000000000000000000000000000000000000000000000000000002440000000000000e043000000000000004000000000000014400000000000002440000000000000f03f'::clientele.fit_state$$,
	'22P02', 'invalid fit_state: the row count is not a whole number <= 2^53', 'a count of 2^63 is refused (n was -9223372036854775808)');
SELECT throws_ok($$SELECT 'clfs2:02010000020000000000000000000000000000000000084000000000000000000000000000000000000000000000000000000000000024400000000000000040000000000000004000000000000026400000000000002440000000000000f03f'::clientele.fit_state$$,
	'22P02', 'invalid fit_state: a row does not have 0 <= recency <= T', 'recency > T');
SELECT throws_ok($$SELECT 'clfs2:02010000020000000000000000000000000000000000084000000000000000000000000000000000000000000000084000000000000024400000000000000040000000000000004000000000000014400000000000002440000000000000f03f'::clientele.fit_state$$,
	'22P02', 'invalid fit_state: a row with frequency 0 has a recency (the aggregate stores 0)', 'recency with frequency 0');
SELECT throws_ok($$SELECT 'clfs2:02010000020000000000000000000000000000000000084000000000000000000000000000000000000000000000000000000000000024400000000000000040000000000000044000000000000014400000000000002440000000000000f03f'::clientele.fit_state$$,
	'22P02', 'invalid fit_state: a frequency is not a whole number >= 0', 'fractional frequency');
SELECT throws_ok($$SELECT 'clfs2:03010000020000000000000000000000000000000000084000000000000000000000000000000000000000000000000000000000000024400000000000000040000000000000004000000000000014400000000000002440000000000000f03f'::clientele.fit_state$$,
	'22P02', 'invalid fit_state: unsupported version', 'unknown version');
SELECT throws_ok($$SELECT 'clfs2:02010000020000000000000000000000000000000000104000000000000000000000000000000000000000000000000000000000000024400000000000000040000000000000004000000000000014400000000000002440000000000000f03f'::clientele.fit_state$$,
	'22P02', 'invalid fit_state: row count does not match the entries', 'total that is not the sum of the counts');
SELECT throws_ok($$SELECT 'clfs2:020100000200000000000000000000000000000000000840000000000000f03f0000000000000000000000000000000000000000000024400000000000000040000000000000004000000000000014400000000000002440000000000000f03f'::clientele.fit_state$$,
	'22P02', 'invalid fit_state: only a Gamma-Gamma state ignores rows', 'ignored rows in a BG/NBD state');
SELECT throws_ok($$SELECT 'clfs2:0201000002000000000000000000000000000000000008400000000000000000000000000000004000000000000014400000000000002440000000000000f03f0000000000000000000000000000000000000000000024400000000000000040'::clientele.fit_state$$,
	'22P02', 'invalid fit_state: compact entries are not sorted and distinct', 'unsorted rows');
SELECT throws_ok($$SELECT 'clfs2:02040000010000000000000000000000000000000000084000000000000000000000000000000840000000000000f03f00000000000008400000000000000840'::clientele.fit_state$$,
	'22P02', 'invalid fit_state: a churned row has entered = periods', 'sBG row that churned when it entered');
SELECT throws_ok($$SELECT 'clfs2:02010000020000000000000000000000000000000000084000000000000000000000000000000000000000000000008000000000000024400000000000000040000000000000004000000000000014400000000000002440000000000000f03f'::clientele.fit_state$$,
	'22P02', 'invalid fit_state: a value is negative zero', 'negative zero (the aggregate stores one zero)');
SELECT throws_ok($$SELECT 'clfs2:02010000020000000000000000000000000000000000084000000000000000000000000000000000000000000000000000000000000024400000000000000040000000000000004000000000000014400000000000002440000000000000f0'::clientele.fit_state$$,
	'22P02', 'invalid fit_state: the length does not match the number of rows', 'truncated state');

-- ---- Gamma-Gamma: a zero-spend repeat buyer is left out, not fatal -----------
SELECT is((s.g).excluded, 1::bigint, 'gamma_gamma_fit leaves out the repeat buyer with zero average spend and counts it')
FROM (SELECT clientele.gamma_gamma_fit(x, m) AS g FROM (SELECT (i % 5) + 1, 10 + (i * 37 % 23) FROM generate_series(1, 60) i
	UNION ALL VALUES (3, 0)) v(x, m)) s;
SELECT is((s.g).n, 60::bigint, 'the other 60 repeat customers are fitted')
FROM (SELECT clientele.gamma_gamma_fit(x, m) AS g FROM (SELECT (i % 5) + 1, 10 + (i * 37 % 23) FROM generate_series(1, 60) i
	UNION ALL VALUES (3, 0)) v(x, m)) s;
SELECT is((clientele.gamma_gamma_fit(x, m)).excluded, 0::bigint, 'excluded is 0 without zero-spend buyers')
FROM (SELECT (i % 5) + 1, 10 + (i * 37 % 23) FROM generate_series(1, 60) i) v(x, m);
SELECT is(clientele.gamma_gamma_expected_spend(ROW(6.25, 3.74, 15.44, 0, 1, true, 1, NULL, NULL, NULL, 0)::clientele.gamma_gamma_params, 2, 0),
	NULL, 'gamma_gamma_expected_spend of a repeat buyer with zero spend is NULL');
SELECT is(clientele.clv(ROW(0.2426,4.4135,0.7929,2.4258,0,1,true,1,NULL,NULL,NULL,NULL)::clientele.bgnbd_params,
	ROW(6.25, 3.74, 15.44, 0, 1, true, 1, NULL, NULL, NULL, 0)::clientele.gamma_gamma_params, 2, 30.43, 38.86, 0, 12, 0.01, 4.345),
	NULL, 'clv of a repeat buyer with zero spend is NULL');
SELECT ok(clientele.clv(ROW(0.2426,4.4135,0.7929,2.4258,0,1,true,1,NULL,NULL,NULL,NULL)::clientele.bgnbd_params,
	ROW(6.25, 3.74, 15.44, 0, 1, true, 1, NULL, NULL, NULL, 0)::clientele.gamma_gamma_params, 0, 0, 38.86, 0, 12, 0.01, 4.345) > 0,
	'clv of a one-time buyer (frequency 0, monetary 0) is a value');
SELECT throws_ok($$SELECT clientele.gamma_gamma_expected_spend(ROW(6.25, 3.74, 15.44, 0, 1, true, 1, NULL, NULL, NULL, 0)::clientele.gamma_gamma_params, 2, -1)$$,
	'22023', 'monetary must not be negative, got -1', 'negative monetary is still an error');

-- ---- rfm_state: hand-typed states are checked ---------------------------------
-- the binary form (big-endian, as pq_send*) in hex, from its fields
CREATE FUNCTION pg_temp.rfm(kind int, as_of_raw bigint, unit float8, nrows bigint, total_lo bigint, total_hi bigint,
	first_lo bigint, first_hi bigint, as_of_day int, first_day int, last_day int, days int[])
RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT 'rfm1:01' || lpad(to_hex(kind), 2, '0') || encode(int8send(as_of_raw), 'hex') || encode(float8send(unit), 'hex')
		|| encode(int8send(nrows), 'hex') || encode(int8send(total_lo), 'hex') || encode(int8send(total_hi), 'hex')
		|| encode(int8send(first_lo), 'hex') || encode(int8send(first_hi), 'hex')
		|| encode(int4send(as_of_day), 'hex') || encode(int4send(first_day), 'hex') || encode(int4send(last_day), 'hex')
		|| encode(int4send(cardinality(days)), 'hex')
		|| coalesce((SELECT string_agg(encode(int4send(d), 'hex'), '' ORDER BY o) FROM unnest(days) WITH ORDINALITY u(d, o)), '')
$$;
-- 2024-06-30 is day 8947; amounts in 2^-60 units: 1.0 = 1152921504606846976, 3.0 = 3458764513820540928
SELECT is((clientele.rfm_summary_final(pg_temp.rfm(1, 8947, 1, 3, 3458764513820540928, 0, 1152921504606846976, 0, 8947, 8900, 8947, '{8900,8947}')::clientele.rfm_state)).monetary,
	2.0::float8, 'a valid hand-typed rfm_state is read (monetary 2)');
SELECT throws_ok(format('SELECT %L::clientele.rfm_state', pg_temp.rfm(1, 8947, 1, 3, 3458764513820540928, 0, 1152921504606846976, 0, 2147483000, 8900, 8947, '{8900,8947}')),
	'22P03', 'invalid clientele.rfm_state value', 'an as_of day beyond the date range (printed as 5881608-10-02) is refused');
SELECT throws_ok(format('SELECT %L::clientele.rfm_state', pg_temp.rfm(1, 8946, 1, 3, 3458764513820540928, 0, 1152921504606846976, 0, 8947, 8900, 8947, '{8900,8947}')),
	'22P03', 'invalid clientele.rfm_state value', 'an as_of date that is not its day is refused');
SELECT throws_ok(format('SELECT %L::clientele.rfm_state', pg_temp.rfm(1, 8947, 1, 0, 0, 0, 0, 0, 8947, -2147483648, 0, '{}')),
	'22P03', 'invalid clientele.rfm_state value', 'a first purchase at -infinity without days is refused');
SELECT throws_ok(format('SELECT %L::clientele.rfm_state', pg_temp.rfm(1, 8947, 1e-300, 3, 3458764513820540928, 0, 1152921504606846976, 0, 8947, 8900, 8947, '{8900,8947}')),
	'22P03', 'invalid clientele.rfm_state value', 'a unit below 1 microsecond (recency = Infinity) is refused');
SELECT throws_ok(format('SELECT %L::clientele.rfm_state', pg_temp.rfm(1, 8947, 1, 1, 3458764513820540928, 0, 1152921504606846976, 0, 8947, 8947, 8947, '{8947}')),
	'22P03', 'invalid clientele.rfm_state value', 'one purchase day whose first-day sum is not the total is refused');
SELECT throws_ok(format('SELECT %L::clientele.rfm_state', pg_temp.rfm(1, 8947, 1, 3, 0, 0, 0, 4611686018427387904, 8947, 8900, 8947, '{8900,8947}')),
	'22P03', 'invalid clientele.rfm_state value', 'a first-day sum beyond the fixed-point range (monetary -7.4e19) is refused');
SELECT throws_ok(format('SELECT %L::clientele.rfm_state', pg_temp.rfm(1, 8947, 1, 1, 0, 0, 0, 0, 8947, 8900, 8900, '{8900,8947}')),
	'22P03', 'invalid clientele.rfm_state value', 'fewer rows than purchase days is refused');
SELECT throws_ok(format('SELECT %L::clientele.rfm_state', pg_temp.rfm(2, 8947::bigint * 86400000000 + 3600000000, 1, 3, 3458764513820540928, 0, 1152921504606846976, 0, 8950, 8900, 8947, '{8900,8947}')),
	'22P03', 'invalid clientele.rfm_state value', 'a timestamptz as_of three days from its day is refused');
SELECT lives_ok(format('SELECT %L::clientele.rfm_state', pg_temp.rfm(2, 8947::bigint * 86400000000 + 3600000000, 1, 3, 3458764513820540928, 0, 1152921504606846976, 0, 8947, 8900, 8947, '{8900,8947}')),
	'a timestamptz state on its day is read');
-- combine: counts add with an overflow check (INT64_MAX used to wrap to -2 transactions)
CREATE AGGREGATE pg_temp.rfm_comb(clientele.rfm_state) (SFUNC = clientele.rfm_summary_combine, STYPE = clientele.rfm_state);
SELECT throws_ok(format($$SELECT pg_temp.rfm_comb(s::clientele.rfm_state) FROM (VALUES (%L), (%L)) v(s)$$,
	pg_temp.rfm(1, 8947, 1, 9223372036854775807, 1152921504606846976, 0, 1152921504606846976, 0, 8947, 8900, 8900, '{8900}'),
	pg_temp.rfm(1, 8947, 1, 1, 1152921504606846976, 0, 1152921504606846976, 0, 8947, 8947, 8947, '{8947}')),
	'22003', 'rfm_summary transaction count is out of range', 'a combine whose count would pass INT64_MAX is an error, not a wrap');
SELECT is((clientele.rfm_summary_final(pg_temp.rfm_comb(s::clientele.rfm_state))).transactions, 3::bigint, 'a combine of valid states adds the counts')
FROM (VALUES (pg_temp.rfm(1, 8947, 1, 2, 1152921504606846976, 0, 1152921504606846976, 0, 8947, 8900, 8900, '{8900}')),
	(pg_temp.rfm(1, 8947, 1, 1, 1152921504606846976, 0, 1152921504606846976, 0, 8947, 8947, 8947, '{8947}'))) v(s);

-- ---- fit_state combine overflow ---------------------------------------------------
CREATE AGGREGATE pg_temp.fs_comb(clientele.fit_state) (SFUNC = clientele.fit_state_combine, STYPE = clientele.fit_state);
SELECT throws_ok($$SELECT pg_temp.fs_comb(s::clientele.fit_state) FROM (VALUES ('clfs2:02010000010000000000000000000000000000000000404300000000000000000000000000000000000000000000000000000000000024400000000000004043'), ('clfs2:02010000010000000000000000000000000000000000404300000000000000000000000000000000000000000000000000000000000024400000000000004043')) v(s)$$,
	'22003', 'more than 2^53 input rows for fit_state_combine', 'a fit_state combine beyond 2^53 rows is an error, not a wrap');
SELECT is((SELECT pg_temp.fs_comb(s::clientele.fit_state) FROM (VALUES ('clfs2:02010000010000000000000000000000000000000000f03f0000000000000000000000000000004000000000000014400000000000002440000000000000f03f'), ('clfs2:02010000010000000000000000000000000000000000f03f0000000000000000000000000000004000000000000014400000000000002440000000000000f03f'), ('clfs2:02010000010000000000000000000000000000000000f03f0000000000000000000000000000004000000000000014400000000000002440000000000000f03f')) v(s))::text,
	'clfs2:02010000010000000000000000000000000000000000084000000000000000000000000000000040000000000000144000000000000024400000000000000840', 'combined hand-typed states add their counts');

SELECT * FROM finish();
ROLLBACK;
