-- BG/NBD, Gamma-Gamma and CLV: every error path with its message, NULL and
-- NOTICE/WARNING outcomes of degenerate fits.
BEGIN;
SELECT plan(61);

CREATE TEMP TABLE p AS
SELECT ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.bgnbd_params AS bg,
       ROW(6.25, 3.74, 15.44, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.gamma_gamma_params AS gg;

-- fit input checks
SELECT throws_ok($$SELECT clientele.bgnbd_fit(x, tx, t) FROM (VALUES (2, 40.0, 38.0)) v(x, tx, t)$$,
	'22023', 'recency must not exceed t', 'bgnbd_fit: recency > t');
SELECT throws_ok($$SELECT clientele.bgnbd_fit(x, tx, t) FROM (VALUES (-1, 0.0, 38.0)) v(x, tx, t)$$,
	'22023', 'frequency must not be negative, got -1', 'bgnbd_fit: negative frequency');
SELECT throws_ok($$SELECT clientele.bgnbd_fit(x, tx, t) FROM (VALUES (1.5, 3.0, 38.0)) v(x, tx, t)$$,
	'22023', 'frequency must be a whole number of repeat purchases, got 1.5', 'bgnbd_fit: non-integer frequency');
SELECT throws_ok($$SELECT clientele.bgnbd_fit(x, tx, t) FROM (VALUES (1, -3.0, 38.0)) v(x, tx, t)$$,
	'22023', 'recency must not be negative, got -3', 'bgnbd_fit: negative recency');
SELECT throws_ok($$SELECT clientele.bgnbd_fit(x, tx, t) FROM (VALUES (1, 3.0, 'NaN'::float8)) v(x, tx, t)$$,
	'22023', 't must be a finite number, got NaN', 'bgnbd_fit: NaN t');
SELECT throws_ok($$SELECT clientele.bgnbd_fit(x, tx, t) FROM (VALUES ('Infinity'::float8, 3.0, 38.0)) v(x, tx, t)$$,
	'22023', 'frequency must be a finite number, got Infinity', 'bgnbd_fit: infinite frequency');
SELECT throws_ok($$SELECT clientele.bgnbd_fit(x, tx, t, -0.5) FROM (VALUES (1, 3.0, 38.0)) v(x, tx, t)$$,
	'22023', 'penalizer must not be negative, got -0.5', 'bgnbd_fit: negative penalizer');
SELECT throws_ok($$SELECT clientele.bgnbd_fit(x, tx, t, NULL) FROM (VALUES (1, 3.0, 38.0)) v(x, tx, t)$$,
	'22004', 'penalizer must not be NULL', 'bgnbd_fit: NULL penalizer');
SELECT throws_ok($$SELECT clientele.bgnbd_fit(x, tx, t, pen) FROM (VALUES (1, 3.0, 38.0, 0.1), (2, 5.0, 38.0, 0.2)) v(x, tx, t, pen)$$,
	'22023', 'the penalizer of bgnbd_fit must be the same for every row', 'bgnbd_fit: varying penalizer');
SELECT throws_ok($$SELECT clientele.bgnbd_fit_trans(NULL, 1, 2, 3)$$,
	'0A000', 'function bgnbd_fit_trans can only be called as part of an aggregate', 'transition function outside an aggregate');
SELECT throws_ok($$SELECT clientele.fit_state_combine('clfs1:00', 'clfs1:00')$$,
	'22P02', 'invalid fit_state: 1 bytes', 'fit_state input: too short');
SELECT throws_ok($$SELECT clientele.fit_state_combine('clfs2:00', 'clfs2:00')$$,
	'22P02', 'invalid fit_state: the value is too short', 'fit_state input: too short (clfs2)');
SELECT throws_ok($$SELECT 'nonsense'::clientele.fit_state$$,
	'22P02', 'invalid input syntax for type fit_state: "nonsense"', 'fit_state input: bad syntax');
SELECT throws_ok($$SELECT ('clfs1:' || repeat('zz', 60))::clientele.fit_state$$,
	'22P02', 'invalid input syntax for type fit_state: "zz" is not a hex byte', 'fit_state input: bad hex');
SELECT throws_ok($$SELECT ('clfs1:' || repeat('00', 60))::clientele.fit_state$$,
	'22P02', 'invalid fit_state: bad magic number', 'fit_state input: bad magic number');

-- fewer customers than parameters: NULL (with a NOTICE); empty: NULL
SELECT is((SELECT clientele.bgnbd_fit(x, tx, t) FROM (VALUES (1, 3.0, 38.0), (0, 0.0, 30.0)) v(x, tx, t)), NULL,
	'bgnbd_fit of 2 customers is NULL');
SELECT is((SELECT clientele.bgnbd_fit(x, tx, t) FROM (VALUES (1, 3.0, 38.0)) v(x, tx, t) WHERE false), NULL,
	'bgnbd_fit of no rows is NULL');
SELECT is((SELECT (clientele.bgnbd_fit(x, tx, t)).n FROM (VALUES (1, 3.0, 38.0), (NULL, 1.0, 2.0), (0, 0.0, 5.0), (2, 1.0, 4.0), (3, 2.0, 9.0)) v(x, tx, t)), 4::bigint,
	'rows with a NULL are skipped');
-- no repeat purchase at all: the likelihood has no maximum, converged = false (with a WARNING)
SELECT is((SELECT (clientele.bgnbd_fit(0, 0, 10 + i % 30)).converged FROM generate_series(1, 200) i), false,
	'a fit without a maximum says converged = false');

-- prediction argument checks
SELECT throws_ok($$SELECT clientele.bgnbd_p_alive(ROW(0, 4.4, 0.8, 2.4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.bgnbd_params, 1, 2, 3)$$,
	'22023', 'BG/NBD parameter r must be a positive finite number, got 0', 'p_alive: r = 0');
SELECT throws_ok($$SELECT clientele.bgnbd_p_alive(ROW(0.2, -4.4, 0.8, 2.4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.bgnbd_params, 1, 2, 3)$$,
	'22023', 'BG/NBD parameter alpha must be a positive finite number, got -4.4', 'p_alive: alpha < 0');
SELECT throws_ok($$SELECT clientele.bgnbd_expected_purchases_new(ROW(0.2, 4.4, 'NaN', 2.4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.bgnbd_params, 10)$$,
	'22023', 'BG/NBD parameter a must be a positive finite number, got NaN', 'expected_purchases_new: a NaN');
SELECT throws_ok($$SELECT clientele.bgnbd_purchase_pmf(ROW(0.2, 4.4, 0.8, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.bgnbd_params, 10, 1)$$,
	'22023', 'BG/NBD parameter b must not be NULL', 'purchase_pmf: b NULL');
SELECT throws_ok($$SELECT clientele.bgnbd_p_alive(bg, 2, 40, 38) FROM p$$,
	'22023', 'recency must not exceed t', 'p_alive: recency > t');
SELECT throws_ok($$SELECT clientele.bgnbd_expected_purchases(bg, -1, 2, 30, 38) FROM p$$,
	'22023', 'horizon must not be negative, got -1', 'expected_purchases: negative horizon');
SELECT throws_ok($$SELECT clientele.bgnbd_expected_purchases(bg, 10, 2.5, 30, 38) FROM p$$,
	'22023', 'frequency must be a whole number of repeat purchases, got 2.5', 'expected_purchases: non-integer frequency');
SELECT throws_ok($$SELECT clientele.bgnbd_expected_purchases_new(bg, 'Infinity') FROM p$$,
	'22023', 'horizon must be a finite number, got Infinity', 'expected_purchases_new: infinite horizon');
SELECT throws_ok($$SELECT clientele.bgnbd_purchase_pmf(bg, 10, -1) FROM p$$,
	'22023', 'n must be between 0 and 10000000, got -1', 'purchase_pmf: negative n');
SELECT throws_ok($$SELECT clientele.bgnbd_purchase_pmf(bg, 10, 10000001) FROM p$$,
	'22023', 'n must be between 0 and 10000000, got 10000001', 'purchase_pmf: n too large');
SELECT is((SELECT clientele.bgnbd_p_alive(bg, NULL, 1, 2) FROM p), NULL, 'predictions are STRICT');

-- Gamma-Gamma
SELECT is((SELECT clientele.gamma_gamma_fit(x, m) FROM (VALUES (2, 0.0)) v(x, m)), NULL,
	'gamma_gamma_fit: a repeat customer with monetary 0 is left out (NULL: no customer left)');
SELECT throws_ok($$SELECT clientele.gamma_gamma_fit(x, m) FROM (VALUES (2, -5.0)) v(x, m)$$,
	'22023', 'monetary must not be negative, got -5', 'gamma_gamma_fit: negative monetary');
SELECT throws_ok($$SELECT clientele.gamma_gamma_fit(x, m) FROM (VALUES (0, 'NaN'::float8)) v(x, m)$$,
	'22023', 'monetary must be a finite number, got NaN', 'gamma_gamma_fit: NaN monetary of a one-time customer');
SELECT throws_ok($$SELECT clientele.clv(bg, gg, 0, 0, 38, -1, 12, 0.01, 4.345) FROM p$$,
	'22023', 'monetary must not be negative, got -1', 'clv: negative monetary of a one-time customer');
SELECT throws_ok($$SELECT clientele.gamma_gamma_fit(x, m) FROM (VALUES (-2, 5.0)) v(x, m)$$,
	'22023', 'frequency must not be negative, got -2', 'gamma_gamma_fit: negative frequency');
SELECT throws_ok($$SELECT clientele.gamma_gamma_fit(x, m) FROM (VALUES (0.5, 5.0)) v(x, m)$$,
	'22023', 'frequency must be a whole number of repeat purchases, got 0.5', 'gamma_gamma_fit: non-integer frequency');
SELECT is((SELECT clientele.gamma_gamma_fit(x, m) FROM (VALUES (0, 0.0), (0, 0.0), (0, 0.0), (1, 5.0)) v(x, m)), NULL,
	'gamma_gamma_fit: one repeat customer (zeros ignored) is NULL');
SELECT throws_ok($$SELECT clientele.gamma_gamma_expected_spend(ROW(6.25, 0.9, 15.44, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.gamma_gamma_params, 0, 0)$$,
	'22023', 'the expected spend is infinite when p * frequency + q <= 1', 'expected_spend: infinite population mean');
SELECT throws_ok($$SELECT clientele.gamma_gamma_expected_spend(ROW(6.25, -3, 15.44, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.gamma_gamma_params, 1, 10)$$,
	'22023', 'Gamma-Gamma parameter q must be a positive finite number, got -3', 'expected_spend: q < 0');
SELECT is((SELECT clientele.gamma_gamma_expected_spend(gg, 3, 0) FROM p), NULL,
	'expected_spend: monetary 0 of a repeat customer gives NULL (outside the model)');
SELECT is((SELECT round(clientele.gamma_gamma_expected_spend(gg, 0, 0)::numeric, 6) FROM p),
	round((6.25 * 15.44 / 2.74)::numeric, 6), 'expected_spend of frequency 0 is the population mean');

-- CLV
SELECT throws_ok($$SELECT clientele.clv(bg, gg, 2, 30, 38, 20, -1, 0.01, 4.345) FROM p$$,
	'22023', 'months must be between 0 and 1200, got -1', 'clv: negative months');
SELECT throws_ok($$SELECT clientele.clv(bg, gg, 2, 30, 38, 20, 12, -0.01, 4.345) FROM p$$,
	'22023', 'discount_rate must not be negative, got -0.01', 'clv: negative discount');
SELECT throws_ok($$SELECT clientele.clv(bg, gg, 2, 30, 38, 20, 12, 0.01, 0) FROM p$$,
	'22023', 'units_per_month must be greater than zero, got 0', 'clv: units_per_month 0');
SELECT is((SELECT clientele.clv(bg, gg, 2, 30, 38, 0, 12, 0.01, 4.345) FROM p), NULL,
	'clv: monetary 0 of a repeat customer gives NULL (outside the model)');
SELECT throws_ok($$SELECT clientele.clv(bg, gg, 2, 40, 38, 20, 12, 0.01, 4.345) FROM p$$,
	'22023', 'recency must not exceed t', 'clv: recency > t');
SELECT throws_ok($$SELECT clientele.clv(bg, ROW(6.25, 0.5, 15.44, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.gamma_gamma_params, 0, 0, 38, 0, 12, 0.01, 4.345) FROM p$$,
	'22023', 'the customer lifetime value cannot be evaluated for these parameters', 'clv: infinite expected spend');
SELECT throws_ok($$SELECT clientele.clv(ROW(0.2, 4.4, 0.8, -1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.bgnbd_params, gg, 2, 30, 38, 20, 12, 0.01, 4.345) FROM p$$,
	'22023', 'BG/NBD parameter b must be a positive finite number, got -1', 'clv: bad BG/NBD parameter');
SELECT throws_ok($$SELECT clientele.clv(bg, ROW(6.25, 3.74, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.gamma_gamma_params, 2, 30, 38, 20, 12, 0.01, 4.345) FROM p$$,
	'22023', 'Gamma-Gamma parameter v must be a positive finite number, got 0', 'clv: bad Gamma-Gamma parameter');
SELECT is((SELECT clientele.clv(bg, gg, 2, 30, 38, 20, 0, 0.01, 4.345) FROM p), 0::float8, 'clv over 0 months is 0');
SELECT throws_ok($$SELECT clientele.gamma_gamma_fit(x, m) FROM (VALUES (2, 'NaN'::float8)) v(x, m)$$,
	'22023', 'monetary must be a finite number, got NaN', 'gamma_gamma_fit: NaN monetary');

-- the state itself, through test aggregates without a final function
CREATE AGGREGATE pg_temp.bg_state(float8, float8, float8) (SFUNC = clientele.bgnbd_fit_trans, STYPE = clientele.fit_state);
CREATE AGGREGATE pg_temp.gg_state(float8, float8) (SFUNC = clientele.gamma_gamma_fit_trans, STYPE = clientele.fit_state);
CREATE AGGREGATE pg_temp.merge_states(clientele.fit_state) (SFUNC = clientele.fit_state_combine, STYPE = clientele.fit_state);
CREATE TEMP TABLE st AS
SELECT (SELECT pg_temp.bg_state(x, tx, t) FROM (VALUES (1, 3.0, 38.0), (2, 5.0, 30.0), (1, 3.0, 38.0)) v(x, tx, t)) AS bg,
       (SELECT pg_temp.gg_state(x, m) FROM (VALUES (1, 3.0), (2, 5.0)) v(x, m)) AS gg;
SELECT throws_ok($$SELECT clientele.fit_state_combine(bg, bg) FROM st$$,
	'0A000', 'function fit_state_combine can only be called as part of an aggregate', 'combine outside an aggregate');
SELECT throws_ok($$SELECT pg_temp.merge_states(s) FROM (SELECT bg FROM st UNION ALL SELECT gg FROM st) u(s)$$,
	'22023', 'cannot combine fit states of different models or penalizers', 'combine of two models');
SELECT is((SELECT bg::text::clientele.fit_state::text FROM st), (SELECT bg::text FROM st), 'fit_state text round trip');
-- identical rows cost once: 10,000 rows of 50 distinct triples keep 50 rows
-- (text form: "clfs2:" + hex of a 32-byte header and 32 bytes per distinct row)
SELECT is((SELECT length(pg_temp.bg_state(1 + i % 5, (i % 10) * 0.5, 40)::text) FROM generate_series(1, 10000) i),
	6 + 2 * (32 + 10 * 32), '10,000 rows of 10 distinct (x, tx, T) are stored as 10 rows');
SELECT is((SELECT length(pg_temp.bg_state(i % 50, 1, 40 + i % 7)::text) FROM generate_series(1, 10000) i),
	6 + 2 * (32 + 350 * 32), '... and of 350 distinct as 350 rows');
SELECT throws_ok($$SELECT clientele.bgnbd_fit_final(gg) IS NULL FROM st$$,
	'22023', 'the state given to bgnbd_fit was made by the gamma_gamma fit', 'final function refuses a state of another model');
DO $$ BEGIN
	EXECUTE format('CREATE AGGREGATE pg_temp.bg_from_gg(float8, float8, float8) (SFUNC = clientele.bgnbd_fit_trans, STYPE = clientele.fit_state, INITCOND = %L)',
		(SELECT gg::text FROM st));
END $$;
SELECT throws_ok($$SELECT pg_temp.bg_from_gg(1, 2, 3)$$,
	'22023', 'the state given to bgnbd_fit was made by the gamma_gamma fit', 'transition function refuses a state of another model');
SELECT throws_ok($$SELECT regexp_replace(bg::text, '^(.{6})..', '\1ff')::clientele.fit_state FROM st$$,
	'22P02', 'invalid fit_state: unsupported version', 'fit_state input: damaged version');
-- the 0.1.0 form "clfs1:" (in-memory layout) with its compact flag cleared
SELECT throws_ok($$SELECT regexp_replace('clfs1:0000000053464c430100000001000000020000000200000001000000000000000000000000000000000000000000084000000000000000000000000000000000000000000000000000000000000024400000000000000040000000000000004000000000000014400000000000002440000000000000f03f', '^(.{54})..', '\100')::clientele.fit_state$$,
	'22P02', 'invalid fit_state: only the compact form is accepted', 'fit_state input: hashed form (0.1.0 text form)');
-- a + b = 1 puts 2F1(r, b; a + b - 1; z) at c = 0, where eq. 7 is not defined, but
-- E[X(t)] = E_p[(1 - (1 + p t/alpha)^-r) / p] is (the integral over p; mpmath value)
SELECT ok(abs(clientele.bgnbd_expected_purchases_new(ROW(0.2, 4, 0.5, 0.5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.bgnbd_params, 10)
	/ 0.328130003292181 - 1) < 1e-12, 'expected_purchases_new: a + b = 1 (eq. 7 undefined) is the integral over p');

SELECT * FROM finish();
ROLLBACK;
