-- area: bgnbd
-- ===========================================================================
-- BG/NBD (Fader, Hardie & Lee 2005)
-- ===========================================================================

CREATE TYPE clientele.bgnbd_params AS (
	r              float8,
	alpha          float8,
	a              float8,
	b              float8,
	log_likelihood float8,
	n              bigint,
	converged      boolean,
	iterations     integer,
	se_r           float8,
	se_alpha       float8,
	se_a           float8,
	se_b           float8
);
COMMENT ON TYPE clientele.bgnbd_params IS 'A BG/NBD fit: parameters r, alpha (purchase rate ~ Gamma(r, alpha)), a, b (dropout probability ~ Beta(a, b)), log-likelihood, customers, convergence, iterations and standard errors.';
COMMENT ON COLUMN clientele.bgnbd_params.r IS 'Shape of the gamma distribution of purchase rates.';
COMMENT ON COLUMN clientele.bgnbd_params.alpha IS 'Scale (rate parameter) of the gamma distribution of purchase rates, in the time unit of the fit.';
COMMENT ON COLUMN clientele.bgnbd_params.a IS 'First shape of the beta distribution of dropout probabilities.';
COMMENT ON COLUMN clientele.bgnbd_params.b IS 'Second shape of the beta distribution of dropout probabilities.';
COMMENT ON COLUMN clientele.bgnbd_params.log_likelihood IS 'Log-likelihood at the estimate (without the penalty).';
COMMENT ON COLUMN clientele.bgnbd_params.n IS 'Customers (input rows) in the fit.';
COMMENT ON COLUMN clientele.bgnbd_params.converged IS 'Whether the optimiser met its gradient test (false also raises a WARNING).';
COMMENT ON COLUMN clientele.bgnbd_params.iterations IS 'Optimiser iterations.';
COMMENT ON COLUMN clientele.bgnbd_params.se_r IS 'Standard error of r (inverse Hessian, delta method); NULL when not available.';
COMMENT ON COLUMN clientele.bgnbd_params.se_alpha IS 'Standard error of alpha.';
COMMENT ON COLUMN clientele.bgnbd_params.se_a IS 'Standard error of a.';
COMMENT ON COLUMN clientele.bgnbd_params.se_b IS 'Standard error of b.';

CREATE FUNCTION clientele.bgnbd_fit_trans(clientele.fit_state, float8, float8, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_bgnbd_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.bgnbd_fit_trans(clientele.fit_state, float8, float8, float8) IS 'Transition function of clientele.bgnbd_fit (aggregate use only).';

CREATE FUNCTION clientele.bgnbd_fit_trans(clientele.fit_state, float8, float8, float8, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_bgnbd_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.bgnbd_fit_trans(clientele.fit_state, float8, float8, float8, float8) IS 'Transition function of clientele.bgnbd_fit with a penalizer (aggregate use only).';

CREATE FUNCTION clientele.bgnbd_fit_final(clientele.fit_state) RETURNS clientele.bgnbd_params
AS 'MODULE_PATHNAME', 'clientele_bgnbd_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.bgnbd_fit_final(clientele.fit_state) IS 'Final function of clientele.bgnbd_fit: maximum-likelihood fit over the distinct rows.';

-- The combine function merges whole partial states (up to hundreds of
-- thousands of distinct rows, copied between processes): its cost is of the
-- order of scanning a few million rows, so the planner picks a parallel plan
-- only where splitting the scan pays for it (bench/models.sh).  Called on
-- NULL input: the first partial state is copied into a table with room for
-- the next ones, which then merge in place.
ALTER FUNCTION clientele.fit_state_combine(clientele.fit_state, clientele.fit_state) CALLED ON NULL INPUT COST 10000000;
-- Planner costs: a transition step is a hash-table insert (about 10
-- operators); see fit_state_combine's cost.
ALTER FUNCTION clientele.bgnbd_fit_trans(clientele.fit_state, float8, float8, float8) COST 10;
ALTER FUNCTION clientele.bgnbd_fit_trans(clientele.fit_state, float8, float8, float8, float8) COST 10;

CREATE AGGREGATE clientele.bgnbd_fit(frequency float8, recency float8, t float8) (
	SFUNC = clientele.bgnbd_fit_trans,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.bgnbd_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.bgnbd_fit(float8, float8, float8) IS 'Maximum-likelihood BG/NBD fit (Fader, Hardie & Lee 2005) over customers'' (frequency = repeat purchases, recency = time of the last purchase, t = age), all in one time unit; NULL for fewer than 4 customers.';

CREATE AGGREGATE clientele.bgnbd_fit(frequency float8, recency float8, t float8, penalizer float8) (
	SFUNC = clientele.bgnbd_fit_trans,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.bgnbd_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.bgnbd_fit(float8, float8, float8, float8) IS 'BG/NBD fit maximising LL/n - penalizer * sum(log(param)^2) (the penalizer must be the same on every row).';

CREATE FUNCTION clientele.bgnbd_p_alive(params clientele.bgnbd_params, frequency float8, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_bgnbd_p_alive'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.bgnbd_p_alive(clientele.bgnbd_params, float8, float8, float8) IS 'BG/NBD probability that a customer with this (frequency, recency, t) is still active.';

CREATE FUNCTION clientele.bgnbd_expected_purchases(params clientele.bgnbd_params, horizon float8, frequency float8, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_bgnbd_expected_purchases'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.bgnbd_expected_purchases(clientele.bgnbd_params, float8, float8, float8, float8) IS 'BG/NBD expected purchases in the next horizon time units of a customer with this (frequency, recency, t) (FHL 2005 eq. 10).';

CREATE FUNCTION clientele.bgnbd_expected_purchases_new(params clientele.bgnbd_params, horizon float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_bgnbd_expected_purchases_new'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.bgnbd_expected_purchases_new(clientele.bgnbd_params, float8) IS 'BG/NBD expected repeat purchases E[X(horizon)] of a new customer in the first horizon time units (FHL 2005 eq. 7).';

CREATE FUNCTION clientele.bgnbd_purchase_pmf(params clientele.bgnbd_params, horizon float8, n integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_bgnbd_purchase_pmf'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.bgnbd_purchase_pmf(clientele.bgnbd_params, float8, integer) IS 'BG/NBD probability P(X(horizon) = n) that a new customer makes n repeat purchases in the first horizon time units (FHL 2005 eq. 8).';
