-- sBG: errors (SQLSTATE and message), parallel aggregation = serial,
-- properties of the predictions.
BEGIN;
SELECT plan(31);

-- ---- bad input ---------------------------------------------------------------
SELECT throws_ok($$SELECT clientele.sbg_fit('{1000,631,700}'::bigint[])$$, '22023',
	'survivors must not increase, got 700 at position 3 after 631', 'increasing survivors');
SELECT throws_ok($$SELECT clientele.sbg_fit('{1000,-5}'::bigint[])$$, '22023',
	'survivors must not be negative, got -5 at position 2', 'negative survivors');
SELECT throws_ok($$SELECT clientele.sbg_fit('{1000,NULL,3}'::bigint[])$$, '22023',
	'survivors must not contain NULL, got NULL at position 2', 'NULL survivor');
SELECT throws_ok($$SELECT clientele.sbg_fit('{{1,2},{3,4}}'::bigint[])$$, '22023',
	'survivors must be a one-dimensional array, got 2 dimensions', '2-D survivors');
SELECT throws_ok($$SELECT clientele.sbg_fit('{10,5}'::bigint[], 'NaN')$$, '22023',
	'penalizer must be a finite number, got NaN', 'NaN penalizer');
SELECT throws_ok($$SELECT clientele.sbg_fit(p, c) FROM (VALUES (0, true)) v(p, c)$$, '22023',
	'a customer who churned must have periods >= 1, got 0', 'churned in period 0');
SELECT throws_ok($$SELECT clientele.sbg_fit(p, c, 0.1) FROM (VALUES (-1, false)) v(p, c)$$, '22023',
	'periods must not be negative, got -1', 'negative period');
SELECT throws_ok($$SELECT clientele.sbg_fit(p, c, pen) FROM (VALUES (1, false, 0.1), (2, true, 0.2)) v(p, c, pen)$$, '22023',
	'the penalizer of sbg_fit must be the same for every row', 'penalizer changes between rows');
SELECT throws_ok($$SELECT clientele.sbg_fit(p, c, NULL) FROM (VALUES (1, false)) v(p, c)$$, '22004',
	'penalizer must not be NULL', 'NULL penalizer in the aggregate');
SELECT throws_ok($$SELECT clientele.sbg_fit(p, c, e) FROM (VALUES (5, false, -1)) v(p, c, e)$$, '22023',
	'entered must not be negative, got -1', 'negative entered');
SELECT throws_ok($$SELECT clientele.sbg_fit(p, c, e) FROM (VALUES (5, false, 6)) v(p, c, e)$$, '22023',
	'entered (6) must be at most periods (5)', 'entered after the last period');
SELECT throws_ok($$SELECT clientele.sbg_fit(p, c, e) FROM (VALUES (5, true, 5)) v(p, c, e)$$, '22023',
	'entered (5) must be less than periods (5)', 'churned customer entered in the churn period');
SELECT throws_ok($$SELECT clientele.sbg_survival((0, 1, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params, 1)$$,
	'22023', 'sBG parameter alpha must be a positive finite number, got 0', 'alpha = 0');
SELECT throws_ok($$SELECT clientele.sbg_retention_rate((1, '-Infinity', NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params, 1)$$,
	'22023', 'sBG parameter beta must be a positive finite number, got -Infinity', 'beta = -Infinity');
SELECT throws_ok($$SELECT clientele.sbg_derl((1, 1, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params, 'Infinity')$$,
	'22023', 'discount rate must be a finite number, got Infinity', 'infinite discount rate');

-- a state typed in as text is checked row by row
SELECT throws_ok($$SELECT clientele.sbg_fit_final('clfs1:0000000053464c43010000000400000002000000020000000100000000000000000000000000000000000000000000400000000000000000000000000000f03f000000000000e03f0000000000000000000000000000f03f000000000000084000000000000000000000000000000000000000000000f03f'::clientele.fit_state)$$, '22P02',
	'invalid fit_state: churned is not 0 or 1', 'a hand-made state with churned = 0.5 is refused');

-- ---- parallel aggregation gives the serial result ------------------------------
-- two latent classes of churn probability, staggered observation windows
SELECT setseed(0.42);
CREATE TABLE public.sbg_people AS
SELECT least(w, churn_at) AS periods, churn_at <= w AS churned
FROM (SELECT 1 + floor(random() * 12)::int AS w,
             1 + floor(ln(random()) / ln(1 - CASE WHEN random() < 0.4 THEN 0.35 ELSE 0.08 END))::int AS churn_at
      FROM generate_series(1, 60000)) s;
ANALYZE sbg_people;
CREATE TEMP TABLE sbg_serial AS SELECT clientele.sbg_fit(periods, churned) AS f FROM sbg_people;
ALTER FUNCTION clientele.fit_state_combine(clientele.fit_state, clientele.fit_state) COST 1;  -- forced parallel plan: its planner cost keeps small fits serial (rolled back)
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SELECT ok(EXISTS (SELECT 1 FROM (SELECT clientele.sbg_fit(periods, churned) FROM sbg_people) x),
	'aggregate runs');
CREATE TEMP TABLE sbg_plan (line text);
DO $$
DECLARE r record;
BEGIN
	FOR r IN EXPLAIN SELECT clientele.sbg_fit(periods, churned) FROM sbg_people LOOP
		INSERT INTO sbg_plan VALUES (r."QUERY PLAN");
	END LOOP;
END $$;
SELECT ok(EXISTS (SELECT 1 FROM sbg_plan WHERE line LIKE '%Partial Aggregate%'),
	'the planner uses a partial (parallel) aggregate');
SELECT is((SELECT (clientele.sbg_fit(periods, churned)).n FROM sbg_people), 60000::bigint,
	'parallel fit counts every customer');
SELECT ok((SELECT abs((p.f).alpha - (s.f).alpha) < 1e-9 AND abs((p.f).beta - (s.f).beta) < 1e-9
           FROM (SELECT clientele.sbg_fit(periods, churned) AS f FROM sbg_people) p, sbg_serial s),
	'parallel fit = serial fit');
SELECT ok((SELECT (f).converged FROM sbg_serial), 'the simulated fit converges');
-- a two-class mixture is heterogeneous: retention must rise with tenure
SELECT ok((SELECT clientele.sbg_retention_rate(f, 10) > clientele.sbg_retention_rate(f, 1) FROM sbg_serial),
	'retention rises with tenure on heterogeneous data');
-- the fitted model reproduces the observed share still active after 1 period
SELECT ok((SELECT abs(clientele.sbg_survival(s.f, 1) - 
                      (SELECT 1 - avg((churned AND periods = 1)::int) FROM sbg_people)) < 0.01
           FROM sbg_serial s),
	'S(1) matches the observed first-period survival within 0.01');

-- ---- prediction identities ------------------------------------------------------
SELECT is(clientele.sbg_survival((0.704, 1.182, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params, 0), 1::float8,
	'S(0) = 1');
SELECT ok(abs(clientele.sbg_survival(p, 3) - clientele.sbg_retention_rate(p, 1) * clientele.sbg_retention_rate(p, 2)
              * clientele.sbg_retention_rate(p, 3)) < 1e-14, 'S(3) = r(1) r(2) r(3)')
FROM (SELECT (0.704, 1.182, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params AS p) x;
SELECT ok(abs(clientele.sbg_survival(p, 2) - clientele.sbg_survival(p, 3) - clientele.sbg_churn_probability(p, 3)) < 1e-14,
	'P(T = 3) = S(2) - S(3)')
FROM (SELECT (0.704, 1.182, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params AS p) x;
-- DERL = the discounted sum of conditional survival, summed here in SQL
SELECT ok(abs(clientele.sbg_derl(p, 0.1, 2)
              - (SELECT sum(clientele.sbg_survival(p, 3 + k) / clientele.sbg_survival(p, 2) / 1.1 ^ k) FROM generate_series(0, 600) k)) < 1e-9,
	'DERL(renewals = 2) = sum of S(3+k)/S(2)/1.1^k')
FROM (SELECT (0.668, 3.806, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params AS p) x;
SELECT ok(clientele.sbg_derl(p, 0.1, 5) > clientele.sbg_derl(p, 0.1, 0),
	'DERL grows with tenure (sorting)')
FROM (SELECT (0.704, 1.182, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params AS p) x;

-- ---- left truncation --------------------------------------------------------------
-- entered = 0 everywhere is the plain fit
SELECT is((SELECT round(((clientele.sbg_fit(p, c, 0)).alpha)::numeric, 10) FROM (VALUES (1, true), (3, false), (2, true), (5, false), (4, true), (6, false)) v(p, c)),
	(SELECT round(((clientele.sbg_fit(p, c)).alpha)::numeric, 10) FROM (VALUES (1, true), (3, false), (2, true), (5, false), (4, true), (6, false)) v(p, c)),
	'sbg_fit(periods, churned, 0) equals sbg_fit(periods, churned)');
-- customers joined up to 36 periods before a 24-period window; those who
-- left before the window are never seen (md5-driven, deterministic)
CREATE TEMP TABLE sbg_trunc AS
SELECT entered::int AS entered, least(t, entered + 24)::int AS periods, t <= entered + 24 AS churned
FROM (SELECT entered,
             -- geometric churn time with theta = u1^(1/0.8) mixed: theta ~ Beta(alpha=0.8, beta=1) via inverse CDF
             1 + floor(ln(u2) / ln(1 - least(0.999999, greatest(1e-9, power(u1, 1 / 0.8)))))::int AS t
      FROM (SELECT ((hashint4(i)::bigint & 2147483647) % 36) AS entered,
                   ((hashint4(i + 1000000)::bigint & 2147483647) + 1) / 2147483650.0 AS u1,
                   ((hashint4(i + 2000000)::bigint & 2147483647) + 1) / 2147483650.0 AS u2
            FROM generate_series(1, 40000) i) r) s
WHERE t > entered;
SELECT ok((SELECT (f).converged AND abs((f).alpha - 0.8) < 3 * (f).se_alpha AND abs((f).beta - 1) < 3 * (f).se_beta
           FROM (SELECT clientele.sbg_fit(periods, churned, entered) AS f FROM sbg_trunc) q),
	'left-truncated fit recovers Beta(0.8, 1) within 3 standard errors');
SELECT ok((SELECT NOT (f).converged OR abs((f).beta - 1) > 3 * (f).se_beta OR abs((f).alpha - 0.8) > 3 * (f).se_alpha
           FROM (SELECT clientele.sbg_fit(periods, churned) AS f FROM sbg_trunc) q),
	'the same data fitted without the truncation miss the parameters');

SELECT * FROM finish();
ROLLBACK;
