-- area: pareto_nbd
-- Pareto/NBD model of non-contractual repeat buying (Schmittlein, Morrison &
-- Colombo 1987; Fader & Hardie 2005): the fit aggregate over the shared
-- compressed fit state (clientele.fit_state, sql/bgnbd.sql) and predictions.

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
	'A Pareto/NBD fit: purchase rate ~ Gamma(r, alpha), dropout rate ~ Gamma(s, beta) (alpha, beta in the time unit of the data); log-likelihood, customers, convergence, iterations and standard errors.';
COMMENT ON COLUMN clientele.pareto_nbd_params.r IS 'Shape of the gamma distribution of purchase rates.';
COMMENT ON COLUMN clientele.pareto_nbd_params.alpha IS 'Scale (rate parameter) of the gamma distribution of purchase rates, in the time unit of the fit.';
COMMENT ON COLUMN clientele.pareto_nbd_params.s IS 'Shape of the gamma distribution of dropout rates.';
COMMENT ON COLUMN clientele.pareto_nbd_params.beta IS 'Scale (rate parameter) of the gamma distribution of dropout rates, in the time unit of the fit.';
COMMENT ON COLUMN clientele.pareto_nbd_params.log_likelihood IS 'Log-likelihood at the estimate (without the penalty).';
COMMENT ON COLUMN clientele.pareto_nbd_params.n IS 'Customers (input rows) in the fit.';
COMMENT ON COLUMN clientele.pareto_nbd_params.converged IS 'Whether the fit reached an identified interior maximum: gradient test met and every standard error of a log-parameter below 10 (false also raises a WARNING).';
COMMENT ON COLUMN clientele.pareto_nbd_params.iterations IS 'Optimiser iterations.';
COMMENT ON COLUMN clientele.pareto_nbd_params.se_r IS 'Standard error of r (inverse Hessian, delta method); NULL when not available.';
COMMENT ON COLUMN clientele.pareto_nbd_params.se_alpha IS 'Standard error of alpha.';
COMMENT ON COLUMN clientele.pareto_nbd_params.se_s IS 'Standard error of s.';
COMMENT ON COLUMN clientele.pareto_nbd_params.se_beta IS 'Standard error of beta.';

CREATE FUNCTION clientele.pareto_nbd_fit_trans(clientele.fit_state, float8, float8, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_pareto_nbd_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.pareto_nbd_fit_trans(clientele.fit_state, float8, float8, float8) IS 'Transition function of clientele.pareto_nbd_fit (aggregate use only).';

CREATE FUNCTION clientele.pareto_nbd_fit_trans(clientele.fit_state, float8, float8, float8, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_pareto_nbd_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.pareto_nbd_fit_trans(clientele.fit_state, float8, float8, float8, float8) IS 'Transition function of clientele.pareto_nbd_fit with a penalizer (aggregate use only).';

CREATE FUNCTION clientele.pareto_nbd_fit_final(clientele.fit_state) RETURNS clientele.pareto_nbd_params
AS 'MODULE_PATHNAME', 'clientele_pareto_nbd_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.pareto_nbd_fit_final(clientele.fit_state) IS 'Final function of clientele.pareto_nbd_fit: maximum-likelihood fit over the distinct rows.';

-- Planner costs: a transition step is a hash-table insert (about 10
-- operators); see fit_state_combine's cost.
ALTER FUNCTION clientele.pareto_nbd_fit_trans(clientele.fit_state, float8, float8, float8) COST 10;
ALTER FUNCTION clientele.pareto_nbd_fit_trans(clientele.fit_state, float8, float8, float8, float8) COST 10;

CREATE AGGREGATE clientele.pareto_nbd_fit(frequency float8, recency float8, t float8) (
	SFUNC = clientele.pareto_nbd_fit_trans,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.pareto_nbd_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.pareto_nbd_fit(float8, float8, float8) IS
	'Maximum-likelihood Pareto/NBD fit over customers'' (frequency = repeat purchases, recency = time of the last after the first, t = time since the first purchase), all in one time unit. Identical rows cost once. NULL with a NOTICE for fewer than 4 customers; converged = false with a WARNING when no identified maximum is found.';

CREATE AGGREGATE clientele.pareto_nbd_fit(frequency float8, recency float8, t float8, penalizer float8) (
	SFUNC = clientele.pareto_nbd_fit_trans,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.pareto_nbd_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.pareto_nbd_fit(float8, float8, float8, float8) IS
	'pareto_nbd_fit with an L2 penalty penalizer * sum(log(param)^2) added to the mean negative log-likelihood (lifetimes'' convention; same value on every row).';

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
