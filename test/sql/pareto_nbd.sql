-- Pareto/NBD predictions at lifetimes' documented CDNOW estimates (weeks):
-- r = 0.55, alpha = 10.58, s = 0.61, beta = 11.67.
CREATE TEMP TABLE pnbd_p AS
SELECT (0.55, 10.58, 0.61, 11.67, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.pareto_nbd_params AS p;

-- P(alive) and the next 39 weeks for a few customers (frequency, recency, t)
SELECT x AS frequency, tx AS recency, t,
       round(clientele.pareto_nbd_p_alive(p, x, tx, t)::numeric, 4) AS p_alive,
       round(clientele.pareto_nbd_expected_purchases(p, 39, x, tx, t)::numeric, 4) AS next_39_weeks
FROM pnbd_p, (VALUES (0, 0, 38.86), (0, 0, 10), (1, 1.71, 38.86), (2, 30.43, 38.86), (2, 5, 38.86),
                     (7, 29.43, 35.0), (7, 35.0, 35.0), (20, 38.0, 38.86)) AS c(x, tx, t)
ORDER BY x, tx, t;

-- recency is ignored (taken as 0) when frequency is 0
SELECT clientele.pareto_nbd_p_alive(p, 0, 5, 38.86) = clientele.pareto_nbd_p_alive(p, 0, 0, 38.86) AS recency_ignored_without_repeats
FROM pnbd_p;

-- a new customer: E[X(t)] and P(X(t) = n)
SELECT t, round(clientele.pareto_nbd_expected_purchases_new(p, t)::numeric, 4) AS expected,
       round(clientele.pareto_nbd_purchase_pmf(p, t, 0)::numeric, 4) AS p0,
       round(clientele.pareto_nbd_purchase_pmf(p, t, 1)::numeric, 4) AS p1,
       round(clientele.pareto_nbd_purchase_pmf(p, t, 2)::numeric, 4) AS p2,
       round(clientele.pareto_nbd_purchase_pmf(p, t, 5)::numeric, 5) AS p5
FROM pnbd_p, (VALUES (0), (1), (13), (39), (78), (520)) AS v(t)
ORDER BY t;

-- too few customers: NULL with a NOTICE
SELECT clientele.pareto_nbd_fit(x, tx, t) IS NULL AS too_few FROM (VALUES (1, 1, 4), (0, 0, 3)) AS v(x, tx, t);

-- bad input: ERROR 22023 with the offending values
\set VERBOSITY default
SELECT clientele.pareto_nbd_p_alive(p, 2, 40, 38.86) FROM pnbd_p;
SELECT clientele.pareto_nbd_p_alive(p, -2, 1, 38.86) FROM pnbd_p;
SELECT clientele.pareto_nbd_p_alive(p, 2.5, 1, 38.86) FROM pnbd_p;
SELECT clientele.pareto_nbd_expected_purchases(p, 'NaN', 2, 1, 38.86) FROM pnbd_p;
SELECT clientele.pareto_nbd_expected_purchases_new(p, -39) FROM pnbd_p;
SELECT clientele.pareto_nbd_purchase_pmf(p, 39, -1) FROM pnbd_p;
SELECT clientele.pareto_nbd_p_alive((0.55, 10.58, 0, 11.67, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.pareto_nbd_params, 1, 1, 2);
SELECT clientele.pareto_nbd_fit(x, tx, t) FROM (VALUES (1, 5, 4)) AS v(x, tx, t);
SELECT clientele.pareto_nbd_fit(x, tx, t, -1) FROM (VALUES (1, 1, 4)) AS v(x, tx, t);
