-- Pareto/NBD: every bad input is ERROR 22023 (or 22004 for NULL) with the
-- offending values; too few customers give NULL; a non-identified fit is
-- converged = false; parallel aggregation on simulated-like data = serial.
BEGIN;
SELECT plan(28);

CREATE TEMP TABLE pp AS SELECT (0.55, 10.58, 0.61, 11.67, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.pareto_nbd_params AS p;

-- fit input
SELECT throws_ok($$SELECT clientele.pareto_nbd_fit(x, tx, t) FROM (VALUES (1, 5, 4)) v(x, tx, t)$$, '22023',
	'recency must not exceed t', 'recency > t');
SELECT throws_ok($$SELECT clientele.pareto_nbd_fit(x, tx, t) FROM (VALUES (-1, 0, 4)) v(x, tx, t)$$, '22023',
	'frequency must not be negative, got -1', 'negative frequency');
SELECT throws_ok($$SELECT clientele.pareto_nbd_fit(x, tx, t) FROM (VALUES (1.5, 1, 4)) v(x, tx, t)$$, '22023',
	'frequency must be a whole number of repeat purchases, got 1.5', 'non-integer frequency');
SELECT throws_ok($$SELECT clientele.pareto_nbd_fit(x, tx, t) FROM (VALUES (1, -1, 4)) v(x, tx, t)$$, '22023',
	'recency must not be negative, got -1', 'negative recency');
SELECT throws_ok($$SELECT clientele.pareto_nbd_fit(x, tx, t) FROM (VALUES (1, 1, 'NaN'::float8)) v(x, tx, t)$$, '22023',
	't must be a finite number, got NaN', 'NaN t');
SELECT throws_ok($$SELECT clientele.pareto_nbd_fit(x, tx, t, -0.5) FROM (VALUES (1, 1, 4)) v(x, tx, t)$$, '22023',
	'penalizer must not be negative, got -0.5', 'negative penalizer');
SELECT throws_ok($$SELECT clientele.pareto_nbd_fit(x, tx, t, pen) FROM (VALUES (1, 1, 4, 0.1), (2, 1, 4, 0.2)) v(x, tx, t, pen)$$, '22023',
	'the penalizer of pareto_nbd_fit must be the same for every row', 'penalizer changes between rows');
SELECT throws_ok($$SELECT clientele.pareto_nbd_fit(x, tx, t, NULL) FROM (VALUES (1, 1, 4)) v(x, tx, t)$$, '22004',
	'penalizer must not be NULL', 'NULL penalizer');
SELECT throws_ok($$SELECT clientele.pareto_nbd_fit_final(clientele.bgnbd_fit_trans(NULL, 1, 1, 4))$$, '0A000',
	NULL, 'transition functions refuse to run outside an aggregate');

SELECT throws_ok($$SELECT clientele.pareto_nbd_fit_final('clfs1:0000000053464c43010000000300000002000000020000000100000000000000000000000000000000000000000000400000000000000000000000000000f03f000000000000f03f0000000000000000000000000000f03f000000000000084000000000000000000000000000000000000000000000f03f'::clientele.fit_state)$$, '22P02',
	'invalid fit_state: a row does not have 0 <= recency <= T', 'a hand-made state with recency > t is refused');

-- predictions
SELECT throws_ok($$SELECT clientele.pareto_nbd_p_alive(p, 2, 40, 38.86) FROM pp$$, '22023',
	'recency must not exceed t', 'p_alive: recency > t');
SELECT throws_ok($$SELECT clientele.pareto_nbd_p_alive(p, 2.5, 30, 38.86) FROM pp$$, '22023',
	'frequency must be a whole number of repeat purchases, got 2.5', 'p_alive: non-integer frequency');
SELECT throws_ok($$SELECT clientele.pareto_nbd_expected_purchases(p, -1, 2, 30, 38.86) FROM pp$$, '22023',
	'horizon must not be negative, got -1', 'expected_purchases: negative horizon');
SELECT throws_ok($$SELECT clientele.pareto_nbd_expected_purchases(p, 39, 2, 30, 'Infinity') FROM pp$$, '22023',
	't must be a finite number, got Infinity', 'expected_purchases: infinite t');
SELECT throws_ok($$SELECT clientele.pareto_nbd_expected_purchases_new(p, 'NaN') FROM pp$$, '22023',
	'horizon must be a finite number, got NaN', 'expected_purchases_new: NaN horizon');
SELECT throws_ok($$SELECT clientele.pareto_nbd_purchase_pmf(p, 39, -1) FROM pp$$, '22023',
	'n must not be negative, got -1', 'purchase_pmf: negative n');
SELECT throws_ok($$SELECT clientele.pareto_nbd_p_alive((0.55, 0, 0.61, 11.67, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.pareto_nbd_params, 1, 1, 2)$$,
	'22023', 'Pareto/NBD parameter alpha must be a positive finite number, got 0', 'alpha = 0');
SELECT throws_ok($$SELECT clientele.pareto_nbd_p_alive((0.55, 10, -0.61, 11.67, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.pareto_nbd_params, 1, 1, 2)$$,
	'22023', 'Pareto/NBD parameter s must be a positive finite number, got -0.61', 's < 0');
SELECT throws_ok($$SELECT clientele.pareto_nbd_purchase_pmf((0.55, 10, 0.61, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.pareto_nbd_params, 1, 1)$$,
	'22023', 'Pareto/NBD parameter beta must not be NULL', 'beta NULL');

-- too few customers: NULL (with a NOTICE); empty input: NULL
SELECT is((SELECT clientele.pareto_nbd_fit(x, tx, t) FROM (VALUES (1, 1, 4), (0, 0, 3), (2, 3, 3)) v(x, tx, t)), NULL,
	'3 customers for 4 parameters: NULL');
SELECT is((SELECT clientele.pareto_nbd_fit(x, tx, t) FROM (VALUES (1, 1, 4)) v(x, tx, t) WHERE false), NULL,
	'no rows: NULL');
-- NULL rows are skipped
SELECT is((SELECT (clientele.pareto_nbd_fit(x, tx, t)).n FROM (VALUES (1, 1, 4), (NULL, 1, 4), (0, 0, 3), (2, 3, 3), (5, 3.5, 4), (0, 0, 2)) v(x, tx, t)),
	5::bigint, 'rows with a NULL are skipped');
-- nobody ever buys again: no identified maximum, converged = false (and a WARNING)
SELECT ok(NOT (SELECT (clientele.pareto_nbd_fit(0, 0, t)).converged FROM generate_series(1, 10) t),
	'no repeat purchases at all: converged = false');

-- customers simulated from the model with r = 1, alpha = 10, s = 1, beta = 12:
-- mu ~ Exp(12), death ~ Exp(mu), exposure e = min(death, t); with r = 1 the
-- repeat purchases in e are geometric with p = alpha / (alpha + e) (the NBD
-- marginal), and the last of x uniform purchase times is e U^(1/x)
SELECT setseed(0.17);
CREATE TABLE public.pnbd_syn AS
SELECT x, CASE WHEN x = 0 THEN 0 ELSE round((e * random() ^ (1.0 / greatest(x, 1)))::numeric, 1)::float8 END AS tx, t
FROM (SELECT floor(ln(random()) / ln(e / (10 + e)))::float8 AS x, e, t
      FROM (SELECT least(t, -ln(random()) / (-ln(random()) / 12)) AS e, t
            FROM (SELECT (26 + floor(random() * 27))::float8 AS t FROM generate_series(1, 12000)) a) b) c;
ANALYZE public.pnbd_syn;
CREATE TEMP TABLE pnbd_serial AS SELECT clientele.pareto_nbd_fit(x, tx, t) AS f FROM public.pnbd_syn;
SELECT is((SELECT (f).n FROM pnbd_serial), 12000::bigint, 'every simulated customer counted');
SELECT ok((SELECT (f).converged FROM pnbd_serial), 'the simulated fit converges');
SELECT ok((SELECT abs((f).r - 1) < 3 * (f).se_r AND abs((f).alpha - 10) < 3 * (f).se_alpha
              AND abs((f).s - 1) < 3 * (f).se_s AND abs((f).beta - 12) < 3 * (f).se_beta FROM pnbd_serial),
	(SELECT format('simulated: r, alpha, s, beta = %s, %s, %s, %s within 3 standard errors of 1, 10, 1, 12',
	               round((f).r::numeric, 3), round((f).alpha::numeric, 2), round((f).s::numeric, 3), round((f).beta::numeric, 2))
	 FROM pnbd_serial));
ALTER FUNCTION clientele.fit_state_combine(clientele.fit_state, clientele.fit_state) COST 1;  -- forced parallel plan: its planner cost keeps small fits serial (rolled back)
\ir include/parallel_plans.sql
SELECT ok(pg_temp.plan_of('SELECT clientele.pareto_nbd_fit(x, tx, t) FROM public.pnbd_syn') LIKE '%Partial Aggregate%',
	'the planner uses a partial (parallel) aggregate');
SELECT ok((SELECT (p.f).n = (s.f).n AND abs((p.f).r - (s.f).r) < 1e-12 AND abs((p.f).beta - (s.f).beta) < 1e-12
           FROM (SELECT clientele.pareto_nbd_fit(x, tx, t) AS f FROM public.pnbd_syn) p, pnbd_serial s),
	'parallel fit = serial fit');

SELECT * FROM finish();
ROLLBACK;
