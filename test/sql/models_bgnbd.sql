-- BG/NBD, Gamma-Gamma and CLV: fits on data simulated (deterministically,
-- with md5 as the uniform generator) from known parameters, and
-- predictions on a grid.  Values are rounded so the output is exact.
SET extra_float_digits = 0;

-- uniform (0, 1) from (customer, draw): 48 bits of md5, the same everywhere
CREATE FUNCTION pg_temp.u(i bigint, k bigint) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
	SELECT (('x' || substr(md5(i || ':' || k), 1, 12))::bit(48)::bigint + 0.5) / 281474976710656.0
$$;

-- BG/NBD with r = 1, alpha = 10 (lambda ~ Exponential(10)), a = 1, b = 3
-- (p = 1 - (1 - u)^(1/3) ~ Beta(1, 3)); T = 26..39; dropout after each
-- repeat purchase with probability p.
CREATE TEMP TABLE sim AS
WITH RECURSIVE c AS (
	SELECT i AS id, -ln(pg_temp.u(i, 1)) / 10.0 AS lambda,
	       1 - power(1 - pg_temp.u(i, 2), 1.0 / 3) AS p, (26 + i % 14)::float8 AS t
	FROM generate_series(1, 4000) i
), walk AS (
	SELECT id, lambda, p, t, 0 AS x, 0.0::float8 AS tx, 0.0::float8 AS now, true AS alive, 3 AS k FROM c
	UNION ALL
	SELECT id, lambda, p, t,
	       x + 1, now - ln(pg_temp.u(id, k)) / lambda, now - ln(pg_temp.u(id, k)) / lambda,
	       pg_temp.u(id, k + 1) >= p, k + 2
	FROM walk
	WHERE alive AND now - ln(pg_temp.u(id, k)) / lambda <= t AND x < 1000
)
SELECT DISTINCT ON (id) id, x, round(tx::numeric, 2)::float8 AS tx, t,
       -- spend: Gamma-Gamma with p = 1, q = 3, v = 20: nu ~ Gamma(3, 20), values ~ Exponential(nu)
       -ln(pg_temp.u(id, 9001) * pg_temp.u(id, 9002) * pg_temp.u(id, 9003)) / 20.0 AS nu
FROM walk ORDER BY id, x DESC;

CREATE TEMP TABLE sim_spend AS
SELECT id, x, CASE WHEN x = 0 THEN 0 ELSE
	(SELECT avg(-ln(pg_temp.u(id, 20000 + j)) / nu) FROM generate_series(1, x) j) END AS m
FROM sim;

SELECT count(*) AS customers, sum(x) AS repeat_purchases, count(*) FILTER (WHERE x > 0) AS repeat_buyers FROM sim;

CREATE TEMP TABLE fits AS
SELECT (SELECT clientele.bgnbd_fit(x, tx, t) FROM sim) AS bg,
       (SELECT clientele.gamma_gamma_fit(x, m) FROM sim_spend) AS gg;

-- estimates, and whether each is within 3 standard errors of the truth
SELECT round((bg).r::numeric, 2) AS r, round((bg).alpha::numeric, 1) AS alpha,
       round((bg).a::numeric, 2) AS a, round((bg).b::numeric, 1) AS b,
       (bg).n, (bg).converged,
       abs((bg).r - 1) < 3 * (bg).se_r AS r_ok, abs((bg).alpha - 10) < 3 * (bg).se_alpha AS alpha_ok,
       abs((bg).a - 1) < 3 * (bg).se_a AS a_ok, abs((bg).b - 3) < 3 * (bg).se_b AS b_ok
FROM fits;
SELECT round((gg).p::numeric, 2) AS p, round((gg).q::numeric, 2) AS q, round((gg).v::numeric, 1) AS v,
       (gg).n, (gg).converged,
       abs((gg).p - 1) < 3 * (gg).se_p AS p_ok, abs((gg).q - 3) < 3 * (gg).se_q AS q_ok,
       abs((gg).v - 20) < 3 * (gg).se_v AS v_ok
FROM fits;

-- degenerate inputs: NULL with a NOTICE, converged = false with a WARNING
\set VERBOSITY terse
SELECT clientele.bgnbd_fit(x, tx, t) IS NULL AS too_few FROM (VALUES (1, 3.0, 38.0), (0, 0.0, 30.0)) v(x, tx, t);
SELECT (clientele.bgnbd_fit(0, 0, 10 + i % 30)).converged AS no_repeat_purchases FROM generate_series(1, 200) i;
SELECT (clientele.gamma_gamma_fit(1 + i % 3, 10.0)).converged AS constant_spend FROM generate_series(1, 200) i;
\set VERBOSITY default

-- the aggregate per group (hash and sorted grouping) and as a window function
SELECT id % 2 AS half, (clientele.bgnbd_fit(x, tx, t)).n, (clientele.bgnbd_fit(x, tx, t)).converged
FROM sim GROUP BY 1 ORDER BY 1;
CREATE TEMP TABLE halves AS SELECT id % 2 AS half, clientele.bgnbd_fit(x, tx, t) AS f FROM sim GROUP BY 1;
SET enable_hashagg = off;
SELECT bool_and(h.f = s.f) AS sorted_grouping_same_fits
FROM halves h JOIN (SELECT id % 2 AS half, clientele.bgnbd_fit(x, tx, t) AS f FROM sim GROUP BY 1) s USING (half);
RESET enable_hashagg;
SELECT bool_and(w.f = h.f) AS window_same_fits, count(*) AS rows
FROM (SELECT id % 2 AS half, clientele.bgnbd_fit(x, tx, t) OVER (PARTITION BY id % 2) AS f FROM sim) w
JOIN halves h USING (half);

-- predictions with the published CDNOW parameters (weeks)
CREATE TEMP TABLE pub AS
SELECT ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.bgnbd_params AS bg,
       ROW(6.25, 3.74, 15.44, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.gamma_gamma_params AS gg;

SELECT x AS frequency, tx AS recency, t,
       round(clientele.bgnbd_p_alive(bg, x, tx, t)::numeric, 4) AS p_alive,
       round(clientele.bgnbd_expected_purchases(bg, 39, x, tx, t)::numeric, 4) AS next_39_weeks,
       round(clientele.gamma_gamma_expected_spend(gg, x, m)::numeric, 2) AS expected_spend,
       round(clientele.clv(bg, gg, x, tx, t, m, 12, 0.01, 4.345)::numeric, 2) AS clv_12_months
FROM pub, (VALUES (0, 0.0, 38.86, 0.0), (1, 1.71, 38.86, 11.77), (2, 30.43, 38.86, 22.35),
                  (5, 35.0, 38.86, 40.0), (5, 10.0, 38.86, 40.0), (20, 38.0, 38.86, 15.0)) v(x, tx, t, m)
ORDER BY x, tx;

SELECT h AS horizon_weeks,
       round(clientele.bgnbd_expected_purchases_new(bg, h)::numeric, 4) AS expected_new,
       round(clientele.bgnbd_purchase_pmf(bg, h, 0)::numeric, 4) AS p0,
       round(clientele.bgnbd_purchase_pmf(bg, h, 1)::numeric, 4) AS p1,
       round(clientele.bgnbd_purchase_pmf(bg, h, 2)::numeric, 4) AS p2,
       round(clientele.bgnbd_purchase_pmf(bg, h, 10)::numeric, 6) AS p10
FROM pub, (VALUES (0.0), (1.0), (13.0), (39.0), (78.0), (520.0)) v(h)
ORDER BY h;

-- CLV grows with the horizon and falls with the discount rate
SELECT months, discount,
       round(clientele.clv(bg, gg, 2, 30.43, 38.86, 22.35, months, discount, 4.345)::numeric, 2) AS clv
FROM pub, (VALUES (1), (12), (60)) m(months), (VALUES (0.0), (0.01), (0.05)) d(discount)
ORDER BY months, discount;
