-- MBG/NBD and BG/BB: fits on data simulated (deterministically, md5 as the
-- uniform generator) from known parameters, the transactions -> period
-- summary -> fit pipeline, and predictions on a grid.  Values are rounded
-- so the output is exact.
SET extra_float_digits = 0;

CREATE FUNCTION pg_temp.u(i bigint, k bigint) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
	SELECT (('x' || substr(md5(i || ':' || k), 1, 12))::bit(48)::bigint + 0.5) / 281474976710656.0
$$;

-- ---- BG/BB: alpha = 1, beta = 2 (p = 1 - (1-u)^(1/2)), gamma = 1, delta = 3
-- (theta = 1 - (1-u)^(1/3)); 10 opportunities after the first transaction.
-- Death before opportunity D = the first period whose coin falls below theta.
CREATE TEMP TABLE bb_cust AS
SELECT i AS id, 1 - sqrt(1 - pg_temp.u(i, 1)) AS p, 1 - power(1 - pg_temp.u(i, 2), 1.0 / 3) AS theta
FROM generate_series(1, 3000) i;
CREATE TEMP TABLE bb_txn AS
SELECT id, 0 AS period FROM bb_cust
UNION ALL
SELECT id, k FROM bb_cust, generate_series(1, 10) k
WHERE NOT EXISTS (SELECT 1 FROM generate_series(1, k) j WHERE pg_temp.u(id, 100 + j) < theta)
  AND pg_temp.u(id, 200 + k) < p;
-- a second transaction in some periods, and rows after the window: no effect
INSERT INTO bb_txn SELECT id, period FROM bb_txn WHERE period > 0 AND id % 4 = 0;
INSERT INTO bb_txn SELECT id, 11 + id % 3 FROM bb_cust WHERE id % 5 = 0;

CREATE TEMP TABLE bb_sum AS
SELECT id, (clientele.period_summary(period, 10)).* FROM bb_txn GROUP BY id;
SELECT count(*) AS customers, sum(frequency) AS transactions_after_first, sum(transactions) AS rows_counted,
       count(*) FILTER (WHERE frequency = 0) AS no_repeat
FROM bb_sum;
SELECT frequency, count(*) FROM bb_sum GROUP BY 1 ORDER BY 1;

CREATE TEMP TABLE bb_fit AS SELECT clientele.bgbb_fit(frequency, recency, periods) AS f FROM bb_sum;
SELECT round((f).alpha::numeric, 2) AS alpha, round((f).beta::numeric, 2) AS beta,
       round((f).gamma::numeric, 2) AS gamma, round((f).delta::numeric, 2) AS delta,
       (f).n, (f).converged,
       abs((f).alpha - 1) < 3 * (f).se_alpha AS alpha_ok, abs((f).beta - 2) < 3 * (f).se_beta AS beta_ok,
       abs((f).gamma - 1) < 3 * (f).se_gamma AS gamma_ok, abs((f).delta - 3) < 3 * (f).se_delta AS delta_ok
FROM bb_fit;
-- the compressed form gives the same fit
SELECT (SELECT f FROM bb_fit)::text = (SELECT clientele.bgbb_fit(frequency, recency, periods, c)::text
       FROM (SELECT frequency, recency, periods, count(*) AS c FROM bb_sum GROUP BY 1, 2, 3) g) AS compressed_same;

-- predictions at the published donation estimates (FHS 2010)
CREATE TEMP TABLE bp AS SELECT ROW(1.204, 0.750, 0.657, 2.783, 0, 1, true, 0, NULL, NULL, NULL, NULL)::clientele.bgbb_params AS p;
SELECT x, tx,
       round(clientele.bgbb_p_alive(p, x, tx, 6)::numeric, 6) AS p_alive,
       round(clientele.bgbb_p_alive(p, x, tx, 6, 5)::numeric, 6) AS p_alive_in_5,
       round(clientele.bgbb_expected_transactions(p, 5, x, tx, 6)::numeric, 6) AS next_5,
       round(clientele.bgbb_dert(p, 0.1, x, tx, 6)::numeric, 6) AS dert_10pct
FROM bp, (VALUES (0, 0), (1, 1), (1, 6), (3, 4), (3, 6), (6, 6)) v(x, tx)
ORDER BY x, tx;
SELECT x, round(clientele.bgbb_transaction_pmf(p, 6, x)::numeric, 6) AS pmf FROM bp, generate_series(0, 7) x;
SELECT round(sum(clientele.bgbb_transaction_pmf(p, 6, x))::numeric, 12) AS pmf_sum,
       round(sum(x * clientele.bgbb_transaction_pmf(p, 6, x))::numeric, 9) AS pmf_mean,
       round((SELECT clientele.bgbb_expected_transactions(p, 6, 0, 0, 0) FROM bp)::numeric, 9) AS new_customer_6
FROM bp, generate_series(0, 6) x;

-- ---- MBG/NBD: r = 1, alpha = 10 (lambda ~ Exponential(10)), a = 1, b = 3
-- (q = 1 - (1-u)^(1/3)); a coin at time 0 and after each purchase; T = 26..39
CREATE TEMP TABLE mbg AS
WITH RECURSIVE c AS (
	SELECT i AS id, -ln(pg_temp.u(i, 1)) / 10.0 AS lambda,
	       1 - power(1 - pg_temp.u(i, 2), 1.0 / 3) AS q, (26 + i % 14)::float8 AS t
	FROM generate_series(1, 4000) i
), walk AS (
	SELECT id, lambda, q, t, 0 AS x, 0.0::float8 AS tx, 0.0::float8 AS now, pg_temp.u(id, 3) >= q AS alive, 4 AS k FROM c
	UNION ALL
	SELECT id, lambda, q, t,
	       x + 1, now - ln(pg_temp.u(id, k)) / lambda, now - ln(pg_temp.u(id, k)) / lambda,
	       pg_temp.u(id, k + 1) >= q, k + 2
	FROM walk
	WHERE alive AND now - ln(pg_temp.u(id, k)) / lambda <= t AND x < 1000
)
SELECT DISTINCT ON (id) id, x, round(tx::numeric, 2)::float8 AS tx, t FROM walk ORDER BY id, x DESC;
SELECT count(*) AS customers, sum(x) AS repeat_purchases, count(*) FILTER (WHERE x > 0) AS repeat_buyers FROM mbg;

CREATE TEMP TABLE mbg_fit AS SELECT clientele.mbgnbd_fit(x, tx, t) AS f FROM mbg;
SELECT round((f).r::numeric, 2) AS r, round((f).alpha::numeric, 1) AS alpha,
       round((f).a::numeric, 2) AS a, round((f).b::numeric, 1) AS b, (f).n, (f).converged,
       abs((f).r - 1) < 3 * (f).se_r AS r_ok, abs((f).alpha - 10) < 3 * (f).se_alpha AS alpha_ok,
       abs((f).a - 1) < 3 * (f).se_a AS a_ok, abs((f).b - 3) < 3 * (f).se_b AS b_ok
FROM mbg_fit;

-- predictions at the lifetimes CDNOW estimates
CREATE TEMP TABLE mp AS SELECT ROW(0.525, 6.183, 0.891, 1.614, 0, 1, true, 0, NULL, NULL, NULL, NULL)::clientele.mbgnbd_params AS p;
SELECT x, tx, t,
       round(clientele.mbgnbd_p_alive(p, x, tx, t)::numeric, 6) AS p_alive,
       round(clientele.mbgnbd_expected_purchases(p, 39, x, tx, t)::numeric, 6) AS next_39,
       round(clientele.mbgnbd_expected_purchases(p, 1e-6, x, tx, t)::numeric, 12) AS next_1e_6
FROM mp, (VALUES (0, 0, 38.86), (0, 5.0, 38.86), (1, 5.0, 30.0), (2, 30.43, 38.86), (10, 60.0, 70.0)) v(x, tx, t);
SELECT h, round(clientele.mbgnbd_expected_purchases_new(p, h)::numeric, 6) AS new_customer,
       round(clientele.mbgnbd_purchase_pmf(p, h, 0)::numeric, 6) AS pmf_0,
       round(clientele.mbgnbd_purchase_pmf(p, h, 3)::numeric, 6) AS pmf_3
FROM mp, (VALUES (0.0), (1.0), (39.0), (78.0)) v(h);
-- a = 1 (removable singularity): continuous
SELECT round(clientele.mbgnbd_expected_purchases_new(ROW(0.5, 6, a, 1.6, 0, 1, true, 0, NULL, NULL, NULL, NULL)::clientele.mbgnbd_params, 39)::numeric, 6) AS e
FROM (VALUES (0.9999), (1.0), (1.0001)) v(a);

-- errors (every path is in test/pgtap/mbgnbd_bgbb_errors.sql)
\set VERBOSITY terse
SELECT clientele.bgbb_p_alive(p, 4, 3, 6) FROM bp;
SELECT clientele.mbgnbd_p_alive(p, 1, 40, 38.86) FROM mp;
SELECT clientele.period_summary(period, 6) FROM (VALUES (0), (-2)) v(period);
SELECT 'clps1:0100000006000000010000000000000000000000000000000b'::clientele.period_state;
