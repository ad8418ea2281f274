-- logistic_step (one Newton pass, fixed-size portable state) and
-- logistic_fit_passes (passes to the optimum): the same fit as logistic_fit
-- within the documented tolerance (1e-8 relative to 1 + |value|), the state's
-- text and binary forms and checks, every error path; churn_standardise and
-- the 22008 path of the zone conversion (cl_local_time).
BEGIN;
SELECT plan(52);
SET LOCAL client_min_messages = warning;

CREATE TEMP TABLE spector (gpa float8, tuce float8, psi float8, grade int);
INSERT INTO spector VALUES
	(2.66, 20, 0, 0), (2.89, 22, 0, 0), (3.28, 24, 0, 0), (2.92, 12, 0, 0), (4.00, 21, 0, 1),
	(2.86, 17, 0, 0), (2.76, 17, 0, 0), (2.87, 21, 0, 0), (3.03, 25, 0, 0), (3.92, 29, 0, 1),
	(2.63, 20, 0, 0), (3.32, 23, 0, 0), (3.57, 23, 0, 0), (3.26, 25, 0, 1), (3.53, 26, 0, 0),
	(2.74, 19, 0, 0), (2.75, 25, 0, 0), (2.83, 19, 0, 0), (3.12, 23, 1, 0), (3.16, 25, 1, 1),
	(2.06, 22, 1, 0), (3.62, 28, 1, 1), (2.89, 14, 1, 0), (3.51, 26, 1, 0), (3.54, 24, 1, 1),
	(2.83, 27, 1, 1), (3.39, 17, 1, 1), (2.67, 24, 1, 0), (3.65, 21, 1, 1), (4.00, 23, 1, 1),
	(3.10, 21, 1, 0), (2.39, 19, 1, 1);
CREATE TEMP TABLE sp AS SELECT grade = 1 AS y, ARRAY[gpa, tuce, psi] AS x FROM spector;
-- 3,000 rows, a feature of mean 1,000 (badly scaled), NULL rows skipped
CREATE TEMP TABLE big AS
	SELECT CASE WHEN g % 97 = 0 THEN NULL ELSE (hashint4(g) % 1000) / 1000.0 + 0.5 < 0.4 + 0.3 * sin(g / 50.0) END AS y,
	       CASE WHEN g % 89 = 0 THEN NULL ELSE ARRAY[g / 1000.0, (g % 7)::float8, 1000 + (g % 13) * 3.5, cos(g)]::float8[] END AS x
	FROM generate_series(1, 3000) g;

-- within(a, b): every element of b within 1e-8 (1 + |b|) of a
CREATE FUNCTION pg_temp.within(a float8[], b float8[]) RETURNS boolean LANGUAGE sql AS $$
	SELECT cardinality(a) = cardinality(b) AND bool_and(abs(a[i] - b[i]) <= 1e-8 * (1 + abs(b[i])))
	FROM generate_series(1, cardinality(b)) i
$$;

CREATE TEMP TABLE fits AS
	SELECT 'spector' AS d, 0::float8 AS l2, (SELECT clientele.logistic_fit(y, x) FROM sp) AS f, clientele.logistic_fit_passes('sp', 'y', 'x') AS p
	UNION ALL SELECT 'spector', 0.5, (SELECT clientele.logistic_fit(y, x, 0.5) FROM sp), clientele.logistic_fit_passes('sp', 'y', 'x', 0.5)
	UNION ALL SELECT 'big', 0, (SELECT clientele.logistic_fit(y, x) FROM big), clientele.logistic_fit_passes('big', 'y', 'x')
	UNION ALL SELECT 'big', 2, (SELECT clientele.logistic_fit(y, x, 2) FROM big), clientele.logistic_fit_passes('big', 'y', 'x', 2);
SELECT ok((SELECT bool_and(pg_temp.within((p).coefficients, (f).coefficients)) FROM fits),
	'logistic_fit_passes = logistic_fit: coefficients within 1e-8 (Spector, ridge, 3,000 badly scaled rows, ridge)');
SELECT ok((SELECT bool_and(pg_temp.within((p).std_errors, (f).std_errors)) FROM fits), '... standard errors within 1e-8');
SELECT ok((SELECT bool_and(abs((p).log_likelihood - (f).log_likelihood) <= 1e-8 * (1 + abs((f).log_likelihood))) FROM fits),
	'... log-likelihood within 1e-8');
SELECT ok((SELECT bool_and((p).converged AND (f).converged AND (p).n = (f).n AND (p).n_positive = (f).n_positive
	AND (p).n_negative = (f).n_negative AND (p).l2 = (f).l2 AND (p).iterations = (f).iterations) FROM fits),
	'... converged, the same counts, l2 and Newton iterations');
SELECT is((SELECT (p).n FROM fits WHERE d = 'big' AND l2 = 0), (SELECT count(*) FROM big WHERE y IS NOT NULL AND x IS NOT NULL),
	'... rows with a NULL label or features skipped');
SELECT ok((SELECT bool_and((p).passes = (f).passes) FROM fits),
	'passes (queries) = the passes of logistic_fit: moments, start, one per Newton step or halving tried');
SELECT ok((SELECT pg_temp.within((p).coefficients, ARRAY[-13.0213468581157, 2.82611259488932, 0.0951576613179093, 2.37868765509335])
	FROM fits WHERE d = 'spector' AND l2 = 0), 'Spector: the 60-digit reference coefficients');

-- one pass at the optimum: gradient ~ 0, standard errors of the fit, Newton step ~ 0
CREATE TEMP TABLE st AS SELECT clientele.logistic_step(y, x, (SELECT (p).coefficients FROM fits WHERE d = 'spector' AND l2 = 0.5), 0.5) AS s FROM sp;
SELECT ok((SELECT bool_and(abs(g) < 1e-9) FROM st, unnest((s).gradient) g), 'logistic_step at the optimum: gradient below 1e-9');
SELECT ok((SELECT pg_temp.within((s).std_errors, (SELECT (f).std_errors FROM fits WHERE d = 'spector' AND l2 = 0.5)) FROM st),
	'... its std_errors are those of the fit');
SELECT ok((SELECT bool_and(abs(d) < 1e-9) FROM st, unnest((s).newton_step) d), '... and its Newton step vanishes');
SELECT is((SELECT (s).n || '/' || (s).n_positive || '/' || (s).l2 || '/' || array_dims((s).information) || '/' || ((s).singular_at IS NULL) FROM st),
	'32/11/0.5/[1:4][1:4]/true', '... rows, positives, l2, a 4 x 4 information, not singular');
SELECT ok((SELECT abs((s).objective - ((s).log_likelihood - 0.25 * (SELECT sum(c * c) FROM unnest((s).coefficients[2:4]) c))) < 1e-12 FROM st),
	'... objective = log-likelihood - l2/2 sum of the squared slopes');
SELECT ok((SELECT bool_and((s).information[i][j] = (s).information[j][i]) FROM st, generate_series(1, 4) i, generate_series(1, 4) j),
	'... information symmetric');
SELECT is((SELECT clientele.logistic_step(y, x, '{0,0,0,0}', 0) FROM sp WHERE false), NULL, 'logistic_step: no rows give NULL');
SELECT is((SELECT (clientele.logistic_step(y, x, '{0,0}', 0)).singular_at FROM (VALUES (true, '{1}'::float8[]), (false, '{1}')) v(y, x)), 2,
	'a constant feature: not positive definite at parameter 2, newton_step NULL');
SELECT is(clientele.logistic_fit_passes('sp', 'y', 'x') IS NULL, false, 'logistic_fit_passes over rows gives a model');
CREATE TEMP TABLE empty_sp (LIKE sp);
SELECT is(clientele.logistic_fit_passes('empty_sp', 'y', 'x'), NULL, 'logistic_fit_passes over no rows gives NULL');

-- the state: parallel-safe aggregate with a combine, portable text and binary forms
SELECT is((SELECT string_agg(p.proname || ':' || p.proparallel::text, ',' ORDER BY p.proname) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
	WHERE p.proname = 'logistic_step' AND a.aggcombinefn <> 0), 'logistic_step:s', 'logistic_step: parallel safe, with a combine function');
CREATE AGGREGATE pg_temp.lstep_state(boolean, float8[], float8[], float8) (SFUNC = clientele.logistic_step_trans,
	STYPE = clientele.logistic_step_state, COMBINEFUNC = clientele.logistic_step_combine);
CREATE AGGREGATE pg_temp.lstep_merge(clientele.logistic_step_state) (SFUNC = clientele.logistic_step_combine, STYPE = clientele.logistic_step_state);
CREATE TEMP TABLE ss AS SELECT pg_temp.lstep_state(y, x, '{-9,1.6,0.1,1.5}', 0.5)::text AS t FROM sp;
SELECT is((SELECT length(t) FROM ss), 6 + 2 * (44 + 8 * (4 + 4 + 10)), 'text form: "clls1:" and the hex of 188 bytes (3 features)');
SELECT is((SELECT t::clientele.logistic_step_state::text FROM ss), (SELECT t FROM ss), 'text round trip');
SELECT ok((SELECT clientele.logistic_step_state_send(t::clientele.logistic_step_state) = decode(substr(t, 7), 'hex') FROM ss),
	'binary form = the bytes of the text form');
SELECT is((SELECT clientele.logistic_step_final(t::clientele.logistic_step_state)::text FROM ss),
	(SELECT clientele.logistic_step(y, x, '{-9,1.6,0.1,1.5}', 0.5)::text FROM sp), 'final of the state = the aggregate');
CREATE TEMP TABLE parts AS SELECT k, pg_temp.lstep_state(y, x, '{-9,1.6,0.1,1.5}', 0.5) AS s FROM (SELECT *, row_number() OVER () % 3 AS k FROM sp) q GROUP BY k;
SELECT ok((SELECT pg_temp.within((clientele.logistic_step_final(pg_temp.lstep_merge(s))).gradient,
	(SELECT (clientele.logistic_step(y, x, '{-9,1.6,0.1,1.5}', 0.5)).gradient FROM sp)) FROM parts),
	'three partial states combined = the serial state (gradient)');
SELECT is((SELECT (clientele.logistic_step_final(pg_temp.lstep_merge(s))).n FROM parts), 32::bigint, '... rows add up');
CREATE TEMP TABLE bin_out (s clientele.logistic_step_state);
INSERT INTO bin_out SELECT t::clientele.logistic_step_state FROM ss;
CREATE TEMP TABLE bin_in (LIKE bin_out);
DO $$
DECLARE f text := '/tmp/clientele_lstep_' || pg_backend_pid() || '.bin';
BEGIN
	EXECUTE format('COPY bin_out TO %L (FORMAT binary)', f);
	EXECUTE format('COPY bin_in FROM PROGRAM %L (FORMAT binary)', 'cat ' || f || ' && rm -f ' || f);
END $$;
SELECT is((SELECT s::text FROM bin_in), (SELECT t FROM ss), 'binary round trip (COPY binary: send, recv)');

-- invalid states (22P02 for the text, 22P03 for the bytes)
SELECT throws_ok($$SELECT 'clls1:zz'::clientele.logistic_step_state$$, '22P02', NULL, 'text form: not hex');
SELECT throws_ok($$SELECT overlay(t placing '02' from 7 for 2)::clientele.logistic_step_state FROM ss$$, '22P03',
	'invalid clientele.logistic_step_state value', 'unknown version');
SELECT throws_ok($$SELECT left(t, -16)::clientele.logistic_step_state FROM ss$$, '22P03', NULL, 'truncated');
SELECT throws_ok($$SELECT overlay(t placing '00' from 31 for 2)::clientele.logistic_step_state FROM ss$$, '22P03', NULL, 'no rows');
SELECT throws_ok($$SELECT overlay(t placing 'ff' from 47 for 2)::clientele.logistic_step_state FROM ss$$, '22P03', NULL, 'more positives than rows');
SELECT throws_ok($$SELECT overlay(t placing '000000000000f07f' from 79 for 16)::clientele.logistic_step_state FROM ss$$, '22P03', NULL,
	'an infinite log-likelihood');

-- errors of the aggregate and the driver
SELECT throws_ok($$SELECT clientele.logistic_step(y, x, '{0,0,0}', 0) FROM sp$$, '22023',
	'coefficients must have one element more than features (the intercept)', 'coefficients of the wrong length');
SELECT throws_ok($$SELECT clientele.logistic_step(y, x, ARRAY[0, 0, 0, y::int]::float8[], 0) FROM sp$$, '22023',
	'coefficients must be the same for every row of a group', 'coefficients that change within a group');
SELECT throws_ok($$SELECT clientele.logistic_step(y, x, '{0,0,0,NaN}', 0) FROM sp$$, '22023', 'coefficients[4] must be a finite number, got NaN',
	'a NaN coefficient');
SELECT throws_ok($$SELECT clientele.logistic_step(y, x, NULL, 0) FROM sp$$, '22004', 'coefficients must not be NULL', 'NULL coefficients');
SELECT throws_ok($$SELECT clientele.logistic_step(y, x, '{0,0,0,0}', -1) FROM sp$$, '22023', 'l2 must not be negative, got -1', 'a negative l2');
SELECT throws_ok($$SELECT clientele.logistic_step(y, x, '{0,0,0,0}', NULL) FROM sp$$, '22004', 'l2 must not be NULL', 'a NULL l2');
SELECT throws_ok($$SELECT clientele.logistic_step(true, '{1,NaN}', '{0,0,0}', 0)$$, '22023', 'features[2] must be a finite number, got NaN',
	'a NaN feature');
SELECT throws_ok($$SELECT clientele.logistic_step(true, '{1,NULL}', '{0,0,0}', 0)$$, '22023', 'features[2] must not be NULL', 'a NULL feature');
SELECT throws_ok($$SELECT clientele.logistic_step(true, '{1e300}', '{0,1e10}', 0)$$, '22003', 'logistic_step overflows at these coefficients',
	'an overflowing linear predictor');
SELECT throws_ok($$SELECT clientele.logistic_fit_passes('sp', 'y', 'x', 'NaN')$$, '22023', 'l2 must be a finite number >= 0, got NaN',
	'logistic_fit_passes: l2 NaN');
SELECT throws_ok($$SELECT clientele.logistic_fit_passes('sp', NULL, 'x')$$, '22004', NULL, 'logistic_fit_passes: a NULL column');
SELECT throws_ok($$SELECT clientele.logistic_fit_passes('sp', 'y', 'nope')$$, '42703', NULL, 'logistic_fit_passes: an unknown column');
SELECT throws_ok($$SELECT clientele.logistic_fit_passes('sp', 'y', 'x', 0, 0)$$, '22023', 'max_iterations must be between 1 and 1000, got 0',
	'logistic_fit_passes: max_iterations out of range');
CREATE TEMP TABLE one_class AS SELECT true AS y, x FROM sp;
SELECT throws_ok($$SELECT clientele.logistic_fit_passes('one_class', 'y', 'x')$$, '22023', 'logistic_fit needs rows of both classes',
	'logistic_fit_passes: one class (the error of logistic_fit)');
CREATE TEMP TABLE collinear AS SELECT y, x || (2 * x[1]) AS x FROM sp;
SELECT throws_ok($$SELECT clientele.logistic_fit_passes('collinear', 'y', 'x')$$, '22023', 'the features of logistic_fit are collinear',
	'logistic_fit_passes: collinear features (the error of logistic_fit)');
SELECT throws_ok($$SELECT clientele.logistic_fit_passes('sp', 'y', 'x; DROP TABLE sp')$$, '42703', NULL,
	'logistic_fit_passes: a column name is an identifier (format %I), never SQL');

-- churn_standardise
SELECT is(clientele.churn_standardise('{1,4}', '{1,2}', '{2,4}'), '{0,0.5}'::float8[], 'churn_standardise: (x - mean) / scale');
SELECT throws_ok($$SELECT clientele.churn_standardise('{1,4}', '{1}', '{2,4}')$$, '22023', 'x, means and scales must have the same length',
	'churn_standardise: lengths differ');
SELECT throws_ok($$SELECT clientele.churn_standardise('{1}', '{1}', '{0}')$$, '22023', 'scales[1] must be a finite number greater than zero, got 0',
	'churn_standardise: a zero scale');

-- the wall clock of a zone leaves the timestamp range: 22008 (cl_local_time)
SELECT throws_ok($$SELECT clientele.activity_summary('294276-12-31 23:00:00+00', true, NULL, NULL, NULL, NULL, '2025-12-31', 'Asia/Shanghai')$$,
	'22008', 'timestamp out of range', 'activity_summary(..., time_zone): a time whose wall clock in the zone is after the range');
SELECT throws_ok($$SELECT clientele.activity_summary('4714-11-24 00:30:00+00 BC', true, NULL, NULL, NULL, NULL, '2025-12-31', 'America/New_York')$$,
	'22008', 'timestamp out of range', '... and before it');

SELECT * FROM finish();
ROLLBACK;
