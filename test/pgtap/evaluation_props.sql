-- evaluation area: properties of auc / ks / lift and logistic_fit.
-- Exact agreement with brute-force definitions, parallel == serial, combine
-- order invariance, state round trips (text and binary), optimality of the
-- logistic fit (zero gradient), and the non-aggregate-context errors.
BEGIN;
SELECT plan(29);
SET LOCAL extra_float_digits = 3;

-- 6000 rows, scores rounded to 2 decimals (many ties), labels correlated with the score
CREATE TABLE public.ev_tap AS
SELECT i, round(((hashint4(i) & 65535) / 65536.0)::numeric, 2)::float8 AS score,
       ((hashint4(i * 7 + 1) & 65535) / 65536.0) < 0.15 + 0.5 * round(((hashint4(i) & 65535) / 65536.0)::numeric, 2)::float8 AS label
FROM generate_series(1, 6000) i;
ANALYZE public.ev_tap;

-- brute force on a 600-row subset
CREATE TEMP TABLE ev_small AS SELECT * FROM public.ev_tap WHERE i <= 600;
SELECT is((SELECT clientele.auc(score, label) FROM ev_small),
          (SELECT (sum(CASE WHEN p.score > n.score THEN 1.0 WHEN p.score = n.score THEN 0.5 ELSE 0 END)
                   / count(*))::float8
           FROM ev_small p, ev_small n WHERE p.label AND NOT n.label),
          'auc equals the pairwise Mann-Whitney count');
SELECT is((SELECT clientele.ks(score, label) FROM ev_small),
          (SELECT max(abs(fp - fn)) FROM (
               SELECT (SELECT count(*) FILTER (WHERE label AND score <= t.s)::numeric / count(*) FILTER (WHERE label) FROM ev_small) AS fp,
                      (SELECT count(*) FILTER (WHERE NOT label AND score <= t.s)::numeric / count(*) FILTER (WHERE NOT label) FROM ev_small) AS fn
               FROM (SELECT DISTINCT score AS s FROM ev_small) t) x)::float8,
          'ks equals the largest CDF gap over all thresholds');
-- a cut between distinct scores: the top k rows exactly
SELECT is((SELECT round(clientele.lift(score, label, k::float8 / 600)::numeric, 12) FROM ev_small,
                  (SELECT count(*) AS k FROM ev_small WHERE score >= 0.9) kk GROUP BY k),
          (SELECT round(((count(*) FILTER (WHERE label AND score >= 0.9))::numeric / count(*) FILTER (WHERE score >= 0.9))
                  / ((SELECT count(*) FILTER (WHERE label) FROM ev_small)::numeric / 600), 12) FROM ev_small),
          'lift at a cut between scores is the top-rows rate over the base rate');
-- cuts through groups of tied scores: a straddling group counts its positives pro rata
SELECT is((SELECT count(*) FROM unnest(ARRAY[0.01, 0.1, 0.123, 0.25, 1.0 / 3, 0.5, 0.77, 0.999, 1]) f
           WHERE abs((SELECT clientele.lift(score, label, f) FROM ev_small)
                     - (WITH g AS (SELECT score, count(*) AS n, count(*) FILTER (WHERE label) AS p FROM ev_small GROUP BY score),
                             c AS (SELECT n, p, coalesce(sum(n) OVER (ORDER BY score DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS above
                                   FROM g)
                        SELECT (sum(CASE WHEN above + n <= f * 600 THEN p WHEN above < f * 600 THEN p * (f * 600 - above) / n ELSE 0 END)
                                / (f * 600)) / ((SELECT count(*) FILTER (WHERE label) FROM ev_small) / 600.0)
                        FROM c)::float8) > 1e-12),
          0::bigint, 'lift equals the brute-force top-fraction rate with tied groups pro rata, at nine fractions');
SELECT is((SELECT clientele.auc(-score, NOT label) FROM ev_small), (SELECT clientele.auc(score, label) FROM ev_small),
          'auc is symmetric under reversing score and label');
SELECT is((SELECT round((clientele.auc(score, label) + clientele.auc(-score, label))::numeric, 12) FROM ev_small), 1.0::numeric,
          'auc(score) + auc(-score) = 1');

-- serial vs forced parallel
CREATE TEMP TABLE ev_results (how text, auc float8, ks float8, lift float8);
SET LOCAL max_parallel_workers_per_gather = 0;
INSERT INTO ev_results SELECT 'serial', clientele.auc(score, label), clientele.ks(score, label), clientele.lift(score, label, 0.1) FROM public.ev_tap;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL parallel_leader_participation = off;
CREATE FUNCTION pg_temp.plan_text(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text; t text := '';
BEGIN
	FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP t := t || r || E'\n'; END LOOP;
	RETURN t;
END $$;
SELECT matches(pg_temp.plan_text('SELECT clientele.auc(score, label) FROM public.ev_tap'), 'Partial Aggregate',
               'forced parallel plan of auc has a Partial Aggregate');
INSERT INTO ev_results SELECT 'parallel', clientele.auc(score, label), clientele.ks(score, label), clientele.lift(score, label, 0.1) FROM public.ev_tap;
SELECT is(p.auc, s.auc, 'auc: parallel = serial, exactly') FROM ev_results p, ev_results s WHERE p.how = 'parallel' AND s.how = 'serial';
SELECT is(p.ks, s.ks, 'ks: parallel = serial, exactly') FROM ev_results p, ev_results s WHERE p.how = 'parallel' AND s.how = 'serial';
SELECT is(p.lift, s.lift, 'lift: parallel = serial, exactly') FROM ev_results p, ev_results s WHERE p.how = 'parallel' AND s.how = 'serial';

-- logistic fit, serial vs parallel (row order differs: same optimum to 1e-9)
CREATE TABLE public.lg_tap AS
SELECT i, x1, x2, x3,
       ((hashint4(i * 31 + 7) & 65535) / 65536.0) < 1 / (1 + exp(-(-0.5 + 1.2 * x1 - 0.8 * x2 + 0.3 * x3))) AS y
FROM (SELECT i, ((hashint4(i * 3) & 65535) / 32768.0 - 1) AS x1,
             ((hashint4(i * 5 + 1) & 65535) / 16384.0) AS x2,
             (hashint4(i * 11 + 2) & 1)::float8 AS x3
      FROM generate_series(1, 8000) i) s;
ANALYZE public.lg_tap;
SELECT matches(pg_temp.plan_text('SELECT clientele.logistic_fit(y, ARRAY[x1, x2, x3]) FROM public.lg_tap'), 'Partial Aggregate',
               'forced parallel plan of logistic_fit has a Partial Aggregate');
CREATE TEMP TABLE lg_results AS SELECT 'parallel'::text AS how, clientele.logistic_fit(y, ARRAY[x1, x2, x3]) AS f FROM public.lg_tap;
SET LOCAL max_parallel_workers_per_gather = 0;
INSERT INTO lg_results SELECT 'serial', clientele.logistic_fit(y, ARRAY[x1, x2, x3]) FROM public.lg_tap;
INSERT INTO lg_results SELECT 'shuffled', clientele.logistic_fit(y, ARRAY[x1, x2, x3])
FROM (SELECT * FROM public.lg_tap ORDER BY md5(i::text)) r;
SELECT ok((SELECT max(abs(a - b)) FROM unnest((p.f).coefficients, (s.f).coefficients) u(a, b)) < 1e-9,
          'logistic_fit: ' || p.how || ' = serial coefficients to 1e-9')
FROM lg_results p, lg_results s WHERE p.how <> 'serial' AND s.how = 'serial' ORDER BY p.how;
SELECT ok(abs((p.f).log_likelihood - (s.f).log_likelihood) < 1e-9 AND (p.f).n = (s.f).n AND (p.f).converged,
          'logistic_fit: parallel = serial log-likelihood and counts')
FROM lg_results p, lg_results s WHERE p.how = 'parallel' AND s.how = 'serial';
-- optimality: the score equations sum (y - p) x_j = 0 hold at the estimate
SELECT ok((SELECT max(abs(g)) FROM (
              SELECT sum(((y::int) - clientele.logistic_predict((r.f).coefficients, ARRAY[x1, x2, x3])) * v) AS g
              FROM public.lg_tap, LATERAL unnest(ARRAY[1, x1, x2, x3]) WITH ORDINALITY u(v, j)
              GROUP BY j) q) < 1e-7,
          'logistic_fit: the gradient of the log-likelihood is zero at the estimate')
FROM lg_results r WHERE how = 'serial';
SELECT ok(((f).coefficients)[2] BETWEEN 0.9 AND 1.5 AND ((f).coefficients)[3] BETWEEN -1.0 AND -0.6,
          'logistic_fit recovers the simulated coefficients roughly')
FROM lg_results WHERE how = 'serial';
-- ridge: a larger l2 shrinks the slopes
SELECT ok((SELECT sqrt(sum(b * b)) FROM unnest(((SELECT clientele.logistic_fit(y, ARRAY[x1, x2, x3], 100) FROM public.lg_tap).coefficients)[2:4]) b)
          < (SELECT sqrt(sum(b * b)) FROM unnest(((f).coefficients)[2:4]) b),
          'logistic_fit: l2 shrinks the slopes')
FROM lg_results WHERE how = 'serial';

-- combine order invariance: states of three slices merged in every order
CREATE AGGREGATE pg_temp.rank_state_of(float8, boolean) (SFUNC = clientele.rank_trans,
	STYPE = clientele.rank_state, COMBINEFUNC = clientele.rank_combine);
CREATE AGGREGATE pg_temp.rank_merge(clientele.rank_state) (SFUNC = clientele.rank_combine, STYPE = clientele.rank_state);
CREATE AGGREGATE pg_temp.logistic_state_of(boolean, float8[]) (SFUNC = clientele.logistic_trans,
	STYPE = clientele.logistic_state, COMBINEFUNC = clientele.logistic_combine);
CREATE AGGREGATE pg_temp.logistic_merge(clientele.logistic_state) (SFUNC = clientele.logistic_combine, STYPE = clientele.logistic_state);
CREATE TEMP TABLE slices AS
SELECT i % 3 AS k, pg_temp.rank_state_of(score, label) AS rs FROM public.ev_tap GROUP BY i % 3;
SELECT is(count(DISTINCT m::text), 1::bigint, 'rank states merged in all 6 orders give the same state')
FROM (SELECT pg_temp.rank_merge(rs ORDER BY (k + o) % 3 * (CASE WHEN o > 2 THEN -1 ELSE 1 END)) AS m
      FROM slices, generate_series(0, 5) o GROUP BY o) x;
SELECT is((SELECT clientele.auc_final(pg_temp.rank_merge(rs)) FROM slices),
          (SELECT clientele.auc(score, label) FROM public.ev_tap), 'merged slices give the auc of the whole');
SELECT is((SELECT pg_temp.rank_merge(rs ORDER BY k)::text FROM slices),
          (SELECT pg_temp.rank_state_of(score, label)::text FROM public.ev_tap), 'merged slices give the state of the whole');
CREATE TEMP TABLE lslices AS
SELECT i % 3 AS k, pg_temp.logistic_state_of(y, ARRAY[x1, x2, x3]) AS ls FROM public.lg_tap GROUP BY i % 3;
SELECT ok((SELECT max(abs(a - b)) FROM unnest((clientele.logistic_final(x.m)).coefficients, (s.f).coefficients) u(a, b)) < 1e-9,
          'logistic states merged in order ' || x.o || ' give the serial fit')
FROM (SELECT o, pg_temp.logistic_merge(ls ORDER BY (k + o) % 3) AS m FROM lslices, generate_series(0, 1) o GROUP BY o) x,
     lg_results s WHERE s.how = 'serial' ORDER BY x.o;

-- binary round trip through COPY (FORMAT binary): recv checks and rebuilds the same state
CREATE TEMP TABLE st_out (rs clientele.rank_state, ls clientele.logistic_state);
INSERT INTO st_out SELECT (SELECT pg_temp.rank_merge(rs) FROM slices), (SELECT pg_temp.logistic_merge(ls) FROM lslices);
CREATE TEMP TABLE st_in (LIKE st_out);
DO $$
DECLARE f text := '/tmp/clientele_evaluation_' || pg_backend_pid() || '.bin';
BEGIN
	EXECUTE format('COPY st_out TO %L (FORMAT binary)', f);
	EXECUTE format('COPY st_in FROM PROGRAM %L (FORMAT binary)', 'cat ' || f || ' && rm -f ' || f);
END $$;
SELECT is((SELECT rs::text FROM st_in), (SELECT rs::text FROM st_out), 'rank_state: binary round trip');
SELECT is((SELECT ls::text FROM st_in), (SELECT ls::text FROM st_out), 'logistic_state: binary round trip');

-- large states (expanded in memory) in a window and in many groups
SET LOCAL max_parallel_workers_per_gather = 0;
SELECT is((SELECT a FROM (SELECT i, clientele.auc(score + i * 1e-7, label) OVER (ORDER BY i) AS a FROM public.ev_tap) w WHERE i = 4000),
          (SELECT clientele.auc(score + i * 1e-7, label) FROM public.ev_tap WHERE i <= 4000),
          'a running (window) auc over 4000 distinct scores equals the aggregate over the prefix');
CREATE TEMP TABLE lg_groups AS SELECT i % 7 AS g, clientele.logistic_fit(y, ARRAY[x1, x2, x3]) AS f FROM public.lg_tap GROUP BY i % 7;
SET LOCAL enable_hashagg = off;
SELECT is((SELECT count(*) FROM lg_groups h JOIN (SELECT i % 7 AS g, clientele.logistic_fit(y, ARRAY[x1, x2, x3]) AS f FROM public.lg_tap GROUP BY i % 7) s USING (g)
           WHERE (h.f).n = (s.f).n
             AND (SELECT max(abs(a - b)) FROM unnest((h.f).coefficients, (s.f).coefficients) u(a, b)) < 1e-9), 7::bigint,
          'logistic_fit per group: hashed and sorted grouping agree (row order differs: to 1e-9)');
RESET enable_hashagg;
SELECT is((SELECT sum((f).n) FROM lg_groups), 8000::numeric, 'logistic_fit per group: every row in one group');

-- support functions outside an aggregate
SELECT throws_ok($$SELECT clientele.logistic_trans(NULL, true, '{1}')$$, '0A000',
                 'function logistic_trans can only be called as part of an aggregate', 'logistic_trans refuses a direct call');
SELECT throws_ok($$SELECT clientele.rank_trans(NULL, 1, true)$$, '0A000',
                 'function rank_trans can only be called as part of an aggregate', 'rank_trans refuses a direct call');

SELECT * FROM finish();
ROLLBACK;
