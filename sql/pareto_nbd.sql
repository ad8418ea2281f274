-- area: pareto_nbd
-- Pareto/NBD model of non-contractual repeat buying (Schmittlein, Morrison &
-- Colombo 1987; Fader & Hardie 2005): parameters type and predictions.  The
-- fit aggregate clientele.pareto_nbd_fit is defined below.

CREATE TYPE clientele.pareto_nbd_params AS (
	r               float8,
	alpha           float8,
	s               float8,
	beta            float8,
	log_likelihood  float8,
	n               bigint,
	converged       boolean,
	iterations      integer,
	se_r            float8,
	se_alpha        float8,
	se_s            float8,
	se_beta         float8
);
COMMENT ON TYPE clientele.pareto_nbd_params IS
	'Fitted Pareto/NBD model: purchase rate ~ Gamma(r, alpha), dropout rate ~ Gamma(s, beta) (alpha, beta in the time unit of the data); log-likelihood, customers, convergence and standard errors (inverse Hessian, delta method).';

CREATE FUNCTION clientele.pareto_nbd_p_alive(params clientele.pareto_nbd_params,
	frequency float8, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_pareto_nbd_p_alive'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.pareto_nbd_p_alive(clientele.pareto_nbd_params, float8, float8, float8) IS
	'P(alive at t | frequency, recency, t) under the Pareto/NBD model (frequency = repeat purchases, recency = time of the last one after the first, t = time since the first purchase).';

CREATE FUNCTION clientele.pareto_nbd_expected_purchases(params clientele.pareto_nbd_params,
	horizon float8, frequency float8, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_pareto_nbd_expected_purchases'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.pareto_nbd_expected_purchases(clientele.pareto_nbd_params, float8, float8, float8, float8) IS
	'Conditional expected number of purchases in the next "horizon" time units of a customer with (frequency, recency, t).';

CREATE FUNCTION clientele.pareto_nbd_expected_purchases_new(params clientele.pareto_nbd_params, horizon float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_pareto_nbd_expected_purchases_new'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.pareto_nbd_expected_purchases_new(clientele.pareto_nbd_params, float8) IS
	'Unconditional E[X(horizon)]: expected purchases of a new customer in "horizon" time units = r beta / (alpha (s-1)) (1 - (beta/(beta+horizon))^(s-1)).';

CREATE FUNCTION clientele.pareto_nbd_purchase_pmf(params clientele.pareto_nbd_params, horizon float8, n integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_pareto_nbd_purchase_pmf'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.pareto_nbd_purchase_pmf(clientele.pareto_nbd_params, float8, integer) IS
	'P(X(horizon) = n): probability that a new customer makes n purchases in "horizon" time units (Fader & Hardie 2006; computed by quadrature over the death time).';
