-- area: mbgnbd (see docs/mbgnbd_bgbb.md)
-- ===========================================================================
-- MBG/NBD (Batislam, Denizel & Filiztekin 2007; Wagner & Hoppe 2008): BG/NBD
-- in which a customer may also drop out right after the first purchase.
-- Same input summary, fit state, optimiser and conventions as BG/NBD.
-- C functions resolve no names at run time, so they carry no SET search_path
-- (a SET clause would cost a configuration save/restore on every call).
-- ===========================================================================

CREATE TYPE clientele.mbgnbd_params AS (
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
COMMENT ON TYPE clientele.mbgnbd_params IS 'An MBG/NBD fit: parameters r, alpha (purchase rate ~ Gamma(r, alpha)), a, b (dropout probability at time 0 and after each purchase ~ Beta(a, b)), log-likelihood, customers, convergence, iterations and standard errors.';
COMMENT ON COLUMN clientele.mbgnbd_params.r IS 'Shape of the gamma distribution of purchase rates.';
COMMENT ON COLUMN clientele.mbgnbd_params.alpha IS 'Scale (rate parameter) of the gamma distribution of purchase rates, in the time unit of the fit.';
COMMENT ON COLUMN clientele.mbgnbd_params.a IS 'First shape of the beta distribution of dropout probabilities.';
COMMENT ON COLUMN clientele.mbgnbd_params.b IS 'Second shape of the beta distribution of dropout probabilities.';
COMMENT ON COLUMN clientele.mbgnbd_params.log_likelihood IS 'Log-likelihood at the estimate (without the penalty).';
COMMENT ON COLUMN clientele.mbgnbd_params.n IS 'Customers (input rows) in the fit.';
COMMENT ON COLUMN clientele.mbgnbd_params.converged IS 'Whether the optimiser met its gradient test, the Hessian is positive definite and the parameters are inside [1e-8, 1e8] (false also raises a WARNING).';
COMMENT ON COLUMN clientele.mbgnbd_params.iterations IS 'Optimiser iterations.';
COMMENT ON COLUMN clientele.mbgnbd_params.se_r IS 'Standard error of r (inverse Hessian, delta method); NULL when not available.';
COMMENT ON COLUMN clientele.mbgnbd_params.se_alpha IS 'Standard error of alpha.';
COMMENT ON COLUMN clientele.mbgnbd_params.se_a IS 'Standard error of a.';
COMMENT ON COLUMN clientele.mbgnbd_params.se_b IS 'Standard error of b.';

CREATE FUNCTION clientele.mbgnbd_fit_trans(clientele.fit_state, float8, float8, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_mbgnbd_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.mbgnbd_fit_trans(clientele.fit_state, float8, float8, float8) IS 'Transition function of clientele.mbgnbd_fit (aggregate use only).';

CREATE FUNCTION clientele.mbgnbd_fit_trans(clientele.fit_state, float8, float8, float8, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_mbgnbd_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.mbgnbd_fit_trans(clientele.fit_state, float8, float8, float8, float8) IS 'Transition function of clientele.mbgnbd_fit with a penalizer (aggregate use only).';

CREATE FUNCTION clientele.mbgnbd_fit_final(clientele.fit_state) RETURNS clientele.mbgnbd_params
AS 'MODULE_PATHNAME', 'clientele_mbgnbd_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.mbgnbd_fit_final(clientele.fit_state) IS 'Final function of clientele.mbgnbd_fit: maximum-likelihood fit over the distinct rows.';

-- Planner costs: a transition step is a hash-table insert (about 10
-- operators); see fit_state_combine's cost.
ALTER FUNCTION clientele.mbgnbd_fit_trans(clientele.fit_state, float8, float8, float8) COST 10;
ALTER FUNCTION clientele.mbgnbd_fit_trans(clientele.fit_state, float8, float8, float8, float8) COST 10;

CREATE AGGREGATE clientele.mbgnbd_fit(frequency float8, recency float8, t float8) (
	SFUNC = clientele.mbgnbd_fit_trans,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.mbgnbd_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.mbgnbd_fit(float8, float8, float8) IS 'Maximum-likelihood MBG/NBD fit (Batislam, Denizel & Filiztekin 2007) over customers'' (frequency = repeat purchases, recency = time of the last purchase, t = age), all in one time unit; NULL for fewer than 4 customers.';

CREATE AGGREGATE clientele.mbgnbd_fit(frequency float8, recency float8, t float8, penalizer float8) (
	SFUNC = clientele.mbgnbd_fit_trans,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.mbgnbd_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.mbgnbd_fit(float8, float8, float8, float8) IS 'MBG/NBD fit maximising LL/n - penalizer * sum(log(param)^2) (the penalizer must be the same on every row).';

CREATE FUNCTION clientele.mbgnbd_p_alive(params clientele.mbgnbd_params, frequency float8, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_mbgnbd_p_alive'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.mbgnbd_p_alive(clientele.mbgnbd_params, float8, float8, float8) IS 'MBG/NBD probability that a customer with this (frequency, recency, t) is still active: 1 / (1 + a/(b+x) ((alpha+t)/(alpha+recency))^(r+x)); below 1 also for frequency 0.';

CREATE FUNCTION clientele.mbgnbd_expected_purchases(params clientele.mbgnbd_params, horizon float8, frequency float8, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_mbgnbd_expected_purchases'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.mbgnbd_expected_purchases(clientele.mbgnbd_params, float8, float8, float8, float8) IS 'MBG/NBD expected purchases in the next horizon time units of a customer with this (frequency, recency, t).';

CREATE FUNCTION clientele.mbgnbd_expected_purchases_new(params clientele.mbgnbd_params, horizon float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_mbgnbd_expected_purchases_new'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.mbgnbd_expected_purchases_new(clientele.mbgnbd_params, float8) IS 'MBG/NBD expected repeat purchases E[X(horizon)] of a new customer in the first horizon time units.';

CREATE FUNCTION clientele.mbgnbd_purchase_pmf(params clientele.mbgnbd_params, horizon float8, n integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_mbgnbd_purchase_pmf'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.mbgnbd_purchase_pmf(clientele.mbgnbd_params, float8, integer) IS 'MBG/NBD probability P(X(horizon) = n) that a new customer makes n repeat purchases in the first horizon time units (0 <= n <= 10,000,000).';

CREATE FUNCTION clientele.clv(
	mbgnbd clientele.mbgnbd_params,
	gamma_gamma clientele.gamma_gamma_params,
	frequency float8,
	recency float8,
	t float8,
	monetary float8,
	months integer,
	discount_rate float8,
	units_per_month float8 DEFAULT 30)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_mbgnbd_clv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.clv(clientele.mbgnbd_params, clientele.gamma_gamma_params, float8, float8, float8, float8, integer, float8, float8) IS 'Customer lifetime value over the next months with MBG/NBD: sum over months i = 1..months of MBG/NBD expected purchases between months i-1 and i times the Gamma-Gamma expected spend, divided by (1 + monthly discount_rate)^i; units_per_month = time units of the MBG/NBD fit per month (30 for days, 4.345 for weeks).';

-- privileges: analysts (and administrators) run the model; PUBLIC nothing
REVOKE ALL ON FUNCTION clientele.mbgnbd_fit_trans(clientele.fit_state, float8, float8, float8) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.mbgnbd_fit_trans(clientele.fit_state, float8, float8, float8, float8) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.mbgnbd_fit_final(clientele.fit_state) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.mbgnbd_fit(float8, float8, float8) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.mbgnbd_fit(float8, float8, float8, float8) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.mbgnbd_p_alive(clientele.mbgnbd_params, float8, float8, float8) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.mbgnbd_expected_purchases(clientele.mbgnbd_params, float8, float8, float8, float8) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.mbgnbd_expected_purchases_new(clientele.mbgnbd_params, float8) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.mbgnbd_purchase_pmf(clientele.mbgnbd_params, float8, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.clv(clientele.mbgnbd_params, clientele.gamma_gamma_params, float8, float8, float8, float8, integer, float8, float8) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele.mbgnbd_fit(float8, float8, float8) TO clientele_analyst, clientele_admin;
GRANT EXECUTE ON FUNCTION clientele.mbgnbd_fit(float8, float8, float8, float8) TO clientele_analyst, clientele_admin;
GRANT EXECUTE ON FUNCTION clientele.mbgnbd_p_alive(clientele.mbgnbd_params, float8, float8, float8) TO clientele_analyst, clientele_admin;
GRANT EXECUTE ON FUNCTION clientele.mbgnbd_expected_purchases(clientele.mbgnbd_params, float8, float8, float8, float8) TO clientele_analyst, clientele_admin;
GRANT EXECUTE ON FUNCTION clientele.mbgnbd_expected_purchases_new(clientele.mbgnbd_params, float8) TO clientele_analyst, clientele_admin;
GRANT EXECUTE ON FUNCTION clientele.mbgnbd_purchase_pmf(clientele.mbgnbd_params, float8, integer) TO clientele_analyst, clientele_admin;
GRANT EXECUTE ON FUNCTION clientele.clv(clientele.mbgnbd_params, clientele.gamma_gamma_params, float8, float8, float8, float8, integer, float8, float8) TO clientele_analyst, clientele_admin;
