-- area: gamma_gamma
-- ===========================================================================
-- Gamma-Gamma spend model (Fader, Hardie & Lee 2005, JMR; Fader & Hardie,
-- note 025).  Uses clientele.fit_state and fit_state_combine (sql/bgnbd.sql).
-- ===========================================================================

CREATE TYPE clientele.gamma_gamma_params AS (
	p              float8,
	q              float8,
	v              float8,
	log_likelihood float8,
	n              bigint,
	converged      boolean,
	iterations     integer,
	se_p           float8,
	se_q           float8,
	se_v           float8,
	excluded       bigint
);
COMMENT ON TYPE clientele.gamma_gamma_params IS 'A Gamma-Gamma fit: transaction values ~ Gamma(p, nu), nu ~ Gamma(q, v); log-likelihood, repeat customers, convergence, iterations and standard errors.';
COMMENT ON COLUMN clientele.gamma_gamma_params.p IS 'Shape of the gamma distribution of a customer''s transaction values.';
COMMENT ON COLUMN clientele.gamma_gamma_params.q IS 'Shape of the gamma distribution of the customers'' scale parameters nu.';
COMMENT ON COLUMN clientele.gamma_gamma_params.v IS 'Rate of the gamma distribution of nu (gamma in Fader & Hardie), in money units.';
COMMENT ON COLUMN clientele.gamma_gamma_params.log_likelihood IS 'Log-likelihood at the estimate (lifetimes'' form, without the penalty).';
COMMENT ON COLUMN clientele.gamma_gamma_params.n IS 'Repeat customers (frequency > 0) in the fit.';
COMMENT ON COLUMN clientele.gamma_gamma_params.converged IS 'Whether the optimiser met its gradient test (false also raises a WARNING).';
COMMENT ON COLUMN clientele.gamma_gamma_params.iterations IS 'Optimiser iterations.';
COMMENT ON COLUMN clientele.gamma_gamma_params.se_p IS 'Standard error of p (inverse Hessian, delta method); NULL when not available.';
COMMENT ON COLUMN clientele.gamma_gamma_params.se_q IS 'Standard error of q.';
COMMENT ON COLUMN clientele.gamma_gamma_params.se_v IS 'Standard error of v.';
COMMENT ON COLUMN clientele.gamma_gamma_params.excluded IS 'Repeat customers left out of the fit because their average spend is 0 (outside the model; a NOTICE says so); their expected spend and CLV are NULL.';

CREATE FUNCTION clientele.gamma_gamma_fit_trans(clientele.fit_state, float8, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_gamma_gamma_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.gamma_gamma_fit_trans(clientele.fit_state, float8, float8) IS 'Transition function of clientele.gamma_gamma_fit (aggregate use only).';

CREATE FUNCTION clientele.gamma_gamma_fit_trans(clientele.fit_state, float8, float8, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_gamma_gamma_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.gamma_gamma_fit_trans(clientele.fit_state, float8, float8, float8) IS 'Transition function of clientele.gamma_gamma_fit with a penalizer (aggregate use only).';

CREATE FUNCTION clientele.gamma_gamma_fit_final(clientele.fit_state) RETURNS clientele.gamma_gamma_params
AS 'MODULE_PATHNAME', 'clientele_gamma_gamma_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.gamma_gamma_fit_final(clientele.fit_state) IS 'Final function of clientele.gamma_gamma_fit: maximum-likelihood fit over the distinct rows.';

-- Planner costs: a transition step is a hash-table insert (about 10
-- operators); see fit_state_combine's cost.
ALTER FUNCTION clientele.gamma_gamma_fit_trans(clientele.fit_state, float8, float8) COST 10;
ALTER FUNCTION clientele.gamma_gamma_fit_trans(clientele.fit_state, float8, float8, float8) COST 10;

CREATE AGGREGATE clientele.gamma_gamma_fit(frequency float8, monetary float8) (
	SFUNC = clientele.gamma_gamma_fit_trans,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.gamma_gamma_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.gamma_gamma_fit(float8, float8) IS 'Maximum-likelihood Gamma-Gamma spend model over repeat customers (frequency > 0; rows with frequency 0 are ignored), monetary = mean value of the repeat purchases; NULL for fewer than 3 repeat customers.';

CREATE AGGREGATE clientele.gamma_gamma_fit(frequency float8, monetary float8, penalizer float8) (
	SFUNC = clientele.gamma_gamma_fit_trans,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.gamma_gamma_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.gamma_gamma_fit(float8, float8, float8) IS 'Gamma-Gamma fit maximising LL/n - penalizer * sum(log(param)^2) (the penalizer must be the same on every row).';

CREATE FUNCTION clientele.gamma_gamma_expected_spend(params clientele.gamma_gamma_params, frequency float8, monetary float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_gamma_gamma_expected_spend'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.gamma_gamma_expected_spend(clientele.gamma_gamma_params, float8, float8) IS 'Gamma-Gamma expected mean transaction value p (v + frequency * monetary) / (p * frequency + q - 1) of a customer; for frequency 0 the population mean p v / (q - 1).';
