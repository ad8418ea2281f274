-- MBG/NBD and BG/BB: every error path (22023 for bad arguments, 22003 where
-- a count would overflow), NULL/empty input, states of another model, and
-- the fits' NULL/NOTICE rules.
BEGIN;
SELECT plan(44);

CREATE TEMP TABLE mp AS SELECT ROW(0.525, 6.183, 0.891, 1.614, 0, 1, true, 0, NULL, NULL, NULL, NULL)::clientele.mbgnbd_params AS p;
CREATE TEMP TABLE bp AS SELECT ROW(1.204, 0.750, 0.657, 2.783, 0, 1, true, 0, NULL, NULL, NULL, NULL)::clientele.bgbb_params AS p;
CREATE TEMP TABLE gp AS SELECT ROW(6.25, 3.74, 15.44, 0, 1, true, 0, NULL, NULL, NULL, 0)::clientele.gamma_gamma_params AS p;

-- ---- MBG/NBD ----------------------------------------------------------------
SELECT throws_ok($$SELECT clientele.mbgnbd_p_alive(ROW(-1, 6, 0.9, 1.6, 0, 1, true, 0, NULL, NULL, NULL, NULL)::clientele.mbgnbd_params, 1, 1, 2)$$,
	'22023', 'MBG/NBD parameter r must be a positive finite number, got -1', 'a negative parameter');
SELECT throws_ok($$SELECT clientele.mbgnbd_p_alive(ROW(0.5, 'NaN', 0.9, 1.6, 0, 1, true, 0, NULL, NULL, NULL, NULL)::clientele.mbgnbd_params, 1, 1, 2)$$,
	'22023', NULL, 'a NaN parameter');
SELECT throws_ok($$SELECT clientele.mbgnbd_p_alive(ROW(0.5, 6, NULL, 1.6, 0, 1, true, 0, NULL, NULL, NULL, NULL)::clientele.mbgnbd_params, 1, 1, 2)$$,
	'22023', 'MBG/NBD parameter a must not be NULL', 'a NULL parameter');
SELECT throws_ok($$SELECT clientele.mbgnbd_p_alive(p, 1.5, 1, 2) FROM mp$$, '22023', NULL, 'a fractional frequency');
SELECT throws_ok($$SELECT clientele.mbgnbd_p_alive(p, 1, 3, 2) FROM mp$$, '22023', 'recency must not exceed t', 'recency > t');
SELECT throws_ok($$SELECT clientele.mbgnbd_p_alive(p, -1, 0, 2) FROM mp$$, '22023', NULL, 'a negative frequency');
SELECT throws_ok($$SELECT clientele.mbgnbd_p_alive(p, 1, 1, 'Infinity') FROM mp$$, '22023', NULL, 'an infinite t');
SELECT throws_ok($$SELECT clientele.mbgnbd_expected_purchases(p, -1, 1, 1, 2) FROM mp$$, '22023', NULL, 'a negative horizon');
SELECT throws_ok($$SELECT clientele.mbgnbd_expected_purchases_new(p, 'NaN') FROM mp$$, '22023', NULL, 'a NaN horizon');
SELECT throws_ok($$SELECT clientele.mbgnbd_purchase_pmf(p, 39, -1) FROM mp$$, '22023', NULL, 'a negative n');
SELECT throws_ok($$SELECT clientele.mbgnbd_purchase_pmf(p, 39, 10000001) FROM mp$$, '22023', NULL, 'n too large');
SELECT throws_ok($$SELECT clientele.clv(mp.p, gp.p, 1, 1, 2, -5, 12, 0.01) FROM mp, gp$$, '22023', NULL, 'clv: negative monetary');
SELECT throws_ok($$SELECT clientele.clv(mp.p, gp.p, 1, 1, 2, 5, 1201, 0.01) FROM mp, gp$$, '22023', NULL, 'clv: months out of range');
SELECT throws_ok($$SELECT clientele.clv(mp.p, gp.p, 1, 1, 2, 5, 12, -0.01) FROM mp, gp$$, '22023', NULL, 'clv: negative discount');
SELECT throws_ok($$SELECT clientele.clv(mp.p, gp.p, 1, 1, 2, 5, 12, 0.01, 0) FROM mp, gp$$, '22023', NULL, 'clv: units_per_month 0');
SELECT throws_ok($$SELECT clientele.clv(mp.p, ROW(0.1, 0.5, 15, 0, 1, true, 0, NULL, NULL, NULL, 0)::clientele.gamma_gamma_params, 1, 1, 2, 5, 12, 0.01) FROM mp$$,
	'22023', NULL, 'clv: infinite Gamma-Gamma spend');
SELECT throws_ok($$SELECT clientele.mbgnbd_fit(x, x, 10) FROM (VALUES (1.5::float8)) v(x)$$, '22023', NULL, 'fit: a fractional frequency');
SELECT throws_like($$SELECT clientele.mbgnbd_fit(1, 1, 2, pen) FROM (VALUES (0.1::float8), (0.2)) v(pen)$$,
	'%penalizer%must be the same for every row%', 'fit: a varying penalizer');
SELECT throws_ok($$SELECT clientele.mbgnbd_fit(1, 1, 2, -1)$$, '22023', NULL, 'fit: a negative penalizer');
SELECT is((SELECT clientele.mbgnbd_fit(x, x, x) FROM (SELECT 1::float8 WHERE false) v(x)), NULL, 'fit: empty input gives NULL');
SELECT is((SELECT clientele.mbgnbd_fit(1, 1, 2)), NULL, 'fit: fewer customers than parameters give NULL');
SELECT throws_ok($$SELECT clientele.mbgnbd_fit_final(clientele.bgnbd_fit_trans(NULL, 1, 1, 2))$$, '0A000', NULL,
	'transition functions only run inside an aggregate');

-- ---- BG/BB ---------------------------------------------------------------------
SELECT throws_ok($$SELECT clientele.bgbb_p_alive(p, 3, 2, 6) FROM bp$$, '22023', 'invalid BG/BB summary: frequency must not exceed recency (the last of the frequency periods with a transaction)', 'frequency > recency');
SELECT throws_ok($$SELECT clientele.bgbb_p_alive(p, 1, 7, 6) FROM bp$$, '22023', 'invalid BG/BB summary: recency must not exceed periods', 'recency > periods');
SELECT throws_ok($$SELECT clientele.bgbb_p_alive(p, 0, 2, 6) FROM bp$$, '22023', 'invalid BG/BB summary: recency must be 0 when frequency is 0', 'recency without a transaction');
SELECT throws_ok($$SELECT clientele.bgbb_p_alive(p, -1, 0, 6) FROM bp$$, '22023', NULL, 'a negative frequency');
SELECT throws_ok($$SELECT clientele.bgbb_p_alive(p, 1, 1, 100001) FROM bp$$, '22023', 'invalid BG/BB summary: periods is larger than 100000', 'too many periods');
SELECT throws_ok($$SELECT clientele.bgbb_p_alive(p, 1, 1, 6, -1) FROM bp$$, '22023', NULL, 'a negative future');
SELECT throws_ok($$SELECT clientele.bgbb_p_alive(ROW(1, 0, 1, 1, 0, 1, true, 0, NULL, NULL, NULL, NULL)::clientele.bgbb_params, 1, 1, 6)$$,
	'22023', 'BG/BB parameter beta must be a positive finite number, got 0', 'a zero parameter');
SELECT throws_ok($$SELECT clientele.bgbb_expected_transactions(p, -2, 1, 1, 6) FROM bp$$, '22023', NULL, 'a negative horizon');
SELECT throws_ok($$SELECT clientele.bgbb_expected_transactions(p, 10000001, 1, 1, 6) FROM bp$$, '22023', NULL, 'a horizon too large');
SELECT throws_ok($$SELECT clientele.bgbb_dert(p, 0, 1, 1, 6) FROM bp$$, '22023', 'discount_rate must be greater than zero, got 0', 'DERT: discount 0');
SELECT throws_ok($$SELECT clientele.bgbb_dert(p, 'NaN', 1, 1, 6) FROM bp$$, '22023', NULL, 'DERT: NaN discount');
SELECT throws_ok($$SELECT clientele.bgbb_transaction_pmf(p, -1, 0) FROM bp$$, '22023', NULL, 'pmf: negative periods');
SELECT throws_ok($$SELECT clientele.bgbb_transaction_pmf(p, 6, -1) FROM bp$$, '22023', NULL, 'pmf: negative frequency');
SELECT is((SELECT clientele.bgbb_transaction_pmf(p, 6, 7) FROM bp), 0::float8, 'pmf: 0 above periods');
SELECT throws_ok($$SELECT clientele.bgbb_fit(x, tx, 6) FROM (VALUES (3, 2)) v(x, tx)$$, '22023', NULL, 'fit: frequency > recency');
SELECT throws_ok($$SELECT clientele.bgbb_fit(1, 1, 6, w) FROM (VALUES (-1::bigint)) v(w)$$, '22023', 'weight must not be negative, got -1', 'fit: a negative weight');
SELECT throws_ok($$SELECT clientele.bgbb_fit(1, 1, 6, 9007199254740993)$$, '22003', NULL, 'fit: a weight beyond 2^53');
SELECT throws_ok($$SELECT clientele.bgbb_fit(1, 1, 6, w) FROM (VALUES (9007199254740990::bigint), (9)) v(w)$$, '22003', NULL,
	'fit: total weight beyond 2^53 is an error, not a wrap');
SELECT throws_ok($$SELECT clientele.bgbb_fit(1, 1, 6, 1, pen) FROM (VALUES (0.1::float8), (0.2)) v(pen)$$, '22023', NULL, 'fit: a varying penalizer');
SELECT is((SELECT clientele.bgbb_fit(x, tx, n, w) FROM (VALUES (1, 1, 6, 0::bigint), (NULL, 1, 6, 5)) v(x, tx, n, w)), NULL,
	'fit: weight-0 and NULL rows are skipped (empty: NULL)');
CREATE AGGREGATE pg_temp.bgnbd_state(float8, float8, float8) (SFUNC = clientele.bgnbd_fit_trans, STYPE = clientele.fit_state);
SELECT throws_like($$SELECT clientele.bgbb_fit_final(pg_temp.bgnbd_state(1, 1, 2))$$,
	'%state%bgbb_fit%bgnbd fit%', 'a state of another model is refused');
SELECT throws_ok($$SELECT clientele.bgbb_fit_final(s) FROM (SELECT clientele.mbgnbd_fit_trans(NULL, 1, 1, 2) s) q$$, '0A000', NULL,
	'a transition function outside an aggregate');

SELECT * FROM finish();
ROLLBACK;
