-- Prediction functions under their per-call-site caches (issue 11): the
-- decoded parameters are cached by the composite's bytes and sub-results
-- memoised per call site; a parameter set that changes between rows of one
-- query (alternating, in blocks, the same values in another datum form) gives
-- exactly the values of a query with that parameter set alone; NULL and
-- invalid parameters are refused even right after a valid set; parallel plans
-- give the serial results.
BEGIN;
SELECT plan(26);

-- customers: x 0..8, ages 10..46, recency a fraction of the age, spend
CREATE TABLE pc_sum AS
SELECT i AS id, (i % 9)::float8 AS x,
       CASE WHEN i % 9 = 0 THEN 0 ELSE (10 + i % 37) * ((i * 7) % 10) / 10.0 END::float8 AS tx,
       (10 + i % 37)::float8 AS t,
       CASE WHEN i % 9 = 0 THEN 0 ELSE 10 + i % 13 END::float8 AS m,
       (i % 7) AS bx, CASE WHEN i % 7 = 0 THEN 0 ELSE LEAST(i % 7 + i % 3, 8) END AS brec, 8 AS bn
FROM generate_series(1, 400) i;

-- two parameter sets of every model (k = 0, 1)
CREATE TABLE pc_fit AS
SELECT k,
       CASE k WHEN 0 THEN ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.bgnbd_params
              ELSE ROW(1.7, 12.0, 0.3, 9.0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.bgnbd_params END AS bg,
       CASE k WHEN 0 THEN ROW(6.25, 3.74, 15.44, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.gamma_gamma_params
              ELSE ROW(4.0, 2.2, 4.5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.gamma_gamma_params END AS gg,
       CASE k WHEN 0 THEN ROW(0.525, 6.183, 0.891, 1.614, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.mbgnbd_params
              ELSE ROW(2.0, 30.0, 3.0, 0.5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.mbgnbd_params END AS mb,
       CASE k WHEN 0 THEN ROW(0.553, 10.58, 0.606, 11.67, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.pareto_nbd_params
              ELSE ROW(1.2, 5.0, 2.0, 40.0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.pareto_nbd_params END AS pn,
       CASE k WHEN 0 THEN ROW(1.204, 0.750, 0.657, 2.783, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.bgbb_params
              ELSE ROW(0.5, 2.0, 3.0, 1.0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.bgbb_params END AS bb,
       CASE k WHEN 0 THEN ROW(0.668, 3.806, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params
              ELSE ROW(3.0, 1.2, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params END AS sb
FROM generate_series(0, 1) k;

-- every prediction of a customer s under fit f, as one row of text (float8
-- text output is exact: equal text = equal bits)
CREATE FUNCTION pg_temp.pc_preds_sql(fit_from text) RETURNS text LANGUAGE sql AS $$
SELECT format($q$SELECT s.id, f.k, concat_ws(' ',
	clientele.bgnbd_p_alive(f.bg, s.x, s.tx, s.t),
	clientele.bgnbd_expected_purchases(f.bg, 26, s.x, s.tx, s.t),
	clientele.bgnbd_expected_purchases_new(f.bg, 26),
	clientele.clv(f.bg, f.gg, s.x, s.tx, s.t, s.m, 12, 0.01, 4.345),
	clientele.gamma_gamma_expected_spend(f.gg, s.x, s.m),
	clientele.mbgnbd_p_alive(f.mb, s.x, s.tx, s.t),
	clientele.mbgnbd_expected_purchases(f.mb, 26, s.x, s.tx, s.t),
	clientele.clv(f.mb, f.gg, s.x, s.tx, s.t, s.m, 12, 0.01, 4.345),
	clientele.pareto_nbd_p_alive(f.pn, s.x, s.tx, s.t),
	clientele.pareto_nbd_expected_purchases(f.pn, 26, s.x, s.tx, s.t),
	clientele.bgbb_p_alive(f.bb, s.bx, s.brec, s.bn),
	clientele.bgbb_expected_transactions(f.bb, 5, s.bx, s.brec, s.bn),
	clientele.sbg_survival(f.sb, s.bx),
	clientele.sbg_retention_rate(f.sb, s.bx + 1)) AS v
FROM %s$q$, fit_from)
$$;

-- reference: one statement per parameter set (constant within the statement)
CREATE TEMP TABLE pc_ref (id integer, k integer, v text);
DO $$
BEGIN
	EXECUTE 'INSERT INTO pc_ref ' || pg_temp.pc_preds_sql('pc_sum s, (SELECT * FROM pc_fit WHERE k = 0) f');
	EXECUTE 'INSERT INTO pc_ref ' || pg_temp.pc_preds_sql('pc_sum s, (SELECT * FROM pc_fit WHERE k = 1) f');
END $$;
SELECT is((SELECT count(*) FROM pc_ref WHERE v IS NOT NULL AND v <> ''), 800::bigint, 'reference: 400 customers x 2 parameter sets');
SELECT is((SELECT count(DISTINCT v) FROM pc_ref GROUP BY id ORDER BY 1 LIMIT 1), 2::bigint,
	'the two parameter sets give different predictions for every customer');

-- a statement per customer and set (a fresh call site: nothing cached) agrees
CREATE FUNCTION pg_temp.pc_fresh_mismatches() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	r record;
	v text;
	bad integer := 0;
BEGIN
	FOR r IN SELECT id, k, pc_ref.v FROM pc_ref WHERE id % 37 = 1 LOOP
		EXECUTE pg_temp.pc_preds_sql(format('(SELECT * FROM pc_sum WHERE id = %s) s, (SELECT * FROM pc_fit WHERE k = %s) f', r.id, r.k))
			INTO STRICT r.id, r.k, v;
		IF v IS DISTINCT FROM r.v THEN
			bad := bad + 1;
		END IF;
	END LOOP;
	RETURN bad;
END $$;
SELECT is(pg_temp.pc_fresh_mismatches(), 0, 'each customer alone in its own statement gives the cached statement''s values');

-- the parameter set changes on every row: FROM fits f JOIN summary s ON ...
CREATE FUNCTION pg_temp.pc_mismatches(fit_from text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
BEGIN
	EXECUTE 'SELECT count(*) FROM (' || pg_temp.pc_preds_sql(fit_from) || ') q
		FULL JOIN pc_ref r ON r.id = q.id AND r.k = q.k WHERE q.v IS DISTINCT FROM r.v' INTO n;
	RETURN n;
END $$;
SELECT is(pg_temp.pc_mismatches('pc_sum s JOIN pc_fit f ON f.k = s.id % 2 UNION ALL SELECT NULL, NULL, NULL WHERE false'),
	400::bigint, 'control: half the customers under each set leaves the other 400 reference rows unmatched');
SELECT is(pg_temp.pc_mismatches('pc_sum s JOIN pc_fit f ON f.k = s.id % 2 UNION ALL ' ||
	pg_temp.pc_preds_sql('pc_sum s JOIN pc_fit f ON f.k = 1 - s.id % 2')), 0::bigint,
	'parameter set alternating on every row (two joins, both halves): every prediction equals the reference');
SELECT is(pg_temp.pc_mismatches('pc_sum s JOIN pc_fit f ON f.k = (s.id > 200)::int UNION ALL ' ||
	pg_temp.pc_preds_sql('pc_sum s JOIN pc_fit f ON f.k = (s.id <= 200)::int')), 0::bigint,
	'parameter set changing once in the middle (blocks): every prediction equals the reference');
SELECT is(pg_temp.pc_mismatches('pc_sum s, pc_fit f'), 0::bigint,
	'cross join of the customers with both sets: every prediction equals the reference');

-- the Gamma-Gamma set (second composite of clv) alone alternates
CREATE TEMP TABLE pc_ref_gg AS
SELECT s.id, 0 AS k, clientele.clv(f0.bg, g.gg, s.x, s.tx, s.t, s.m, 12, 0.01, 4.345) AS v
FROM pc_sum s, (SELECT bg FROM pc_fit WHERE k = 0) f0, (SELECT gg FROM pc_fit WHERE k = 0) g;
INSERT INTO pc_ref_gg
SELECT s.id, 1, clientele.clv(f0.bg, g.gg, s.x, s.tx, s.t, s.m, 12, 0.01, 4.345)
FROM pc_sum s, (SELECT bg FROM pc_fit WHERE k = 0) f0, (SELECT gg FROM pc_fit WHERE k = 1) g;
SELECT is((SELECT count(*) FROM pc_ref_gg a JOIN pc_ref_gg b ON a.id = b.id AND a.k = 0 AND b.k = 1
	WHERE a.v IS NOT DISTINCT FROM b.v AND a.v <> 0), 0::bigint,
	'the two Gamma-Gamma sets give different CLV for every customer with a value');
SELECT is((SELECT count(*) FROM pc_sum s
	JOIN pc_fit f0 ON f0.k = 0
	JOIN pc_fit fg ON fg.k = s.id % 2
	FULL JOIN pc_ref_gg r ON r.id = s.id AND r.k = fg.k
	WHERE r.k = s.id % 2 AND clientele.clv(f0.bg, fg.gg, s.x, s.tx, s.t, s.m, 12, 0.01, 4.345) IS DISTINCT FROM r.v),
	0::bigint, 'clv with the Gamma-Gamma set alternating and the BG/NBD set fixed: the values of each set alone');

-- the same values in another datum form (a composite built by ROW() next to
-- the table column's short-header datum)
SELECT is((SELECT count(*) FROM pc_sum s JOIN pc_fit f ON f.k = 0 JOIN pc_ref r ON r.id = s.id AND r.k = 0
	WHERE split_part(r.v, ' ', 1)::float8 IS DISTINCT FROM clientele.bgnbd_p_alive(
		CASE WHEN s.id % 2 = 0 THEN f.bg ELSE ROW((f.bg).r, (f.bg).alpha, (f.bg).a, (f.bg).b, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.bgnbd_params END,
		s.x, s.tx, s.t)), 0::bigint, 'the same parameters as a table column and as a ROW() alternating: the reference values');

-- NULL and invalid parameters, also right after a valid set in one statement
SELECT throws_ok($$SELECT clientele.bgnbd_p_alive(ROW(NULL, 4.4, 0.8, 2.4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.bgnbd_params, 1, 2, 3)$$,
	'22023', 'BG/NBD parameter r must not be NULL', 'NULL parameter');
SELECT throws_ok($$SELECT clientele.bgnbd_p_alive(ROW(0.2, 0, 0.8, 2.4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.bgnbd_params, 1, 2, 3)$$,
	'22023', 'BG/NBD parameter alpha must be a positive finite number, got 0', 'zero parameter');
SELECT throws_ok($$SELECT clientele.bgnbd_expected_purchases(ROW(0.2, 4.4, 'NaN', 2.4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.bgnbd_params, 5, 1, 2, 3)$$,
	'22023', 'BG/NBD parameter a must be a positive finite number, got NaN', 'NaN parameter');
SELECT throws_ok($$SELECT clientele.pareto_nbd_p_alive(ROW(0.5, 10, 0.6, '-Infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.pareto_nbd_params, 1, 2, 3)$$,
	'22023', 'Pareto/NBD parameter beta must be a positive finite number, got -Infinity', 'infinite parameter');
SELECT throws_ok($$SELECT clientele.bgnbd_p_alive(CASE WHEN i = 1 THEN f.bg ELSE ROW((f.bg).r, -1, (f.bg).a, (f.bg).b, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.bgnbd_params END, 1, 2, 3)
	FROM pc_fit f, generate_series(1, 3) i WHERE f.k = 0$$,
	'22023', 'BG/NBD parameter alpha must be a positive finite number, got -1', 'invalid set after a valid one in the same statement');
SELECT throws_ok($$SELECT clientele.clv(f.bg, CASE WHEN i = 1 THEN f.gg ELSE ROW(NULL, 3.74, 15.44, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.gamma_gamma_params END, 1, 2, 3, 20, 12, 0.01, 4.345)
	FROM pc_fit f, generate_series(1, 3) i WHERE f.k = 0$$,
	'22023', 'Gamma-Gamma parameter p must not be NULL', 'clv: invalid Gamma-Gamma set after a valid one');
SELECT throws_ok($$SELECT clientele.mbgnbd_expected_purchases(CASE WHEN i < 3 THEN f.mb ELSE ROW((f.mb).r, (f.mb).alpha, 0, (f.mb).b, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.mbgnbd_params END, 26, 1, 2, 3)
	FROM pc_fit f, generate_series(1, 3) i WHERE f.k = 0$$,
	'22023', 'MBG/NBD parameter a must be a positive finite number, got 0', 'MBG/NBD: invalid set after a memoised valid one');
-- a refused set is not remembered: the valid set after it is decoded again
SELECT is((SELECT clientele.bgnbd_p_alive(f.bg, 1, 2, 3) FROM pc_fit f WHERE k = 0),
	clientele.bgnbd_p_alive(ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.bgnbd_params, 1, 2, 3),
	'a valid set after an error gives its value');
-- NULL composite: STRICT functions return NULL
SELECT ok(clientele.bgnbd_p_alive(NULL::clientele.bgnbd_params, 1, 2, 3) IS NULL
	AND clientele.clv(NULL::clientele.bgnbd_params, (SELECT gg FROM pc_fit WHERE k = 0), 1, 2, 3, 20, 12, 0.01, 4.345) IS NULL,
	'a NULL parameter composite gives NULL');

-- parallel plans give the serial results (the join form and the recommended
-- scalar sub-select form)
CREATE FUNCTION pg_temp.pc_digest(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	d text;
BEGIN
	EXECUTE 'SELECT md5(string_agg(v, '','' ORDER BY id, k)) FROM (' || q || ') q' INTO d;
	RETURN d;
END $$;
CREATE FUNCTION pg_temp.pc_plan(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	l text;
	p text := '';
BEGIN
	FOR l IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
		p := p || l || E'\n';
	END LOOP;
	RETURN p;
END $$;
CREATE TEMP TABLE pc_serial AS
SELECT pg_temp.pc_digest(pg_temp.pc_preds_sql('pc_sum s JOIN pc_fit f ON f.k = s.id % 2')) AS join_form,
       pg_temp.pc_digest($$SELECT id, 0 AS k, concat_ws(' ',
	       clientele.bgnbd_p_alive((SELECT bg FROM pc_fit WHERE k = 0), x, tx, t),
	       clientele.bgnbd_expected_purchases((SELECT bg FROM pc_fit WHERE k = 0), 26, x, tx, t),
	       clientele.clv((SELECT bg FROM pc_fit WHERE k = 0), (SELECT gg FROM pc_fit WHERE k = 0), x, tx, t, m, 12, 0.01, 4.345),
	       clientele.pareto_nbd_p_alive((SELECT pn FROM pc_fit WHERE k = 0), x, tx, t)) AS v FROM pc_sum$$) AS scalar_form;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL force_parallel_mode = on;
SELECT matches(pg_temp.pc_plan(pg_temp.pc_preds_sql('pc_sum s JOIN pc_fit f ON f.k = s.id % 2')), 'Gather',
	'the join form runs under a Gather (parallel plan)');
SELECT is(pg_temp.pc_digest(pg_temp.pc_preds_sql('pc_sum s JOIN pc_fit f ON f.k = s.id % 2')),
	(SELECT join_form FROM pc_serial), 'join form, two parameter sets alternating: parallel = serial');
SELECT matches(pg_temp.pc_plan($$SELECT clientele.bgnbd_p_alive((SELECT bg FROM pc_fit WHERE k = 0), x, tx, t) FROM pc_sum$$), 'Gather',
	'the scalar sub-select form runs under a Gather (parallel plan)');
SELECT is(pg_temp.pc_digest($$SELECT id, 0 AS k, concat_ws(' ',
	       clientele.bgnbd_p_alive((SELECT bg FROM pc_fit WHERE k = 0), x, tx, t),
	       clientele.bgnbd_expected_purchases((SELECT bg FROM pc_fit WHERE k = 0), 26, x, tx, t),
	       clientele.clv((SELECT bg FROM pc_fit WHERE k = 0), (SELECT gg FROM pc_fit WHERE k = 0), x, tx, t, m, 12, 0.01, 4.345),
	       clientele.pareto_nbd_p_alive((SELECT pn FROM pc_fit WHERE k = 0), x, tx, t)) AS v FROM pc_sum$$),
	(SELECT scalar_form FROM pc_serial), 'scalar sub-select form: parallel = serial');
SET LOCAL force_parallel_mode = off;
SET LOCAL max_parallel_workers_per_gather = 0;

-- the scalar sub-select is evaluated once (an InitPlan), not per customer
SELECT matches(pg_temp.pc_plan($$SELECT clientele.bgnbd_p_alive((SELECT bg FROM pc_fit WHERE k = 0), x, tx, t) FROM pc_sum$$),
	'InitPlan 1', 'the recommended form reads the fit once (InitPlan)');
SELECT doesnt_match(pg_temp.pc_plan($$SELECT clientele.bgnbd_p_alive((SELECT bg FROM pc_fit WHERE k = 0), x, tx, t) FROM pc_sum$$),
	'SubPlan', 'the recommended form has no per-row SubPlan');

-- memo sizes: more distinct (x, T, horizon) than the memo's slots still give
-- the values of a statement per customer
CREATE TEMP TABLE pc_wide AS
SELECT i AS id, (i % 50)::float8 AS x, (i % 50 + 1 + i / 7.0)::float8 AS t FROM generate_series(1, 8000) i;
SELECT is((SELECT count(*) FROM (SELECT w.id, clientele.bgnbd_expected_purchases(f.bg, h, w.x, w.x / 2, w.t) AS v, h
		FROM pc_wide w, pc_fit f, (VALUES (5.0), (26.0), (52.0)) hh(h) WHERE f.k = 0) q
	WHERE q.id % 101 = 0 AND q.v IS DISTINCT FROM (SELECT clientele.bgnbd_expected_purchases(f.bg, q.h, w.x, w.x / 2, w.t)
		FROM pc_wide w, pc_fit f WHERE f.k = 0 AND w.id = q.id OFFSET 0)), 0::bigint,
	'E[X] of 24,000 distinct (frequency, age, horizon), more than the memo holds: sampled values equal those of another call site');

SELECT * FROM finish();
ROLLBACK;
