-- area: sbg
-- Shifted-beta-geometric model of contractual retention (Fader & Hardie 2007,
-- 2010): fit on a cohort's survivor curve or on individuals, survival,
-- retention, churn probability and discounted expected residual lifetime.

CREATE TYPE clientele.sbg_params AS (
	alpha           float8,
	beta            float8,
	log_likelihood  float8,
	n               bigint,
	converged       boolean,
	iterations      integer,
	se_alpha        float8,
	se_beta         float8
);
COMMENT ON TYPE clientele.sbg_params IS
	'An sBG fit: per-period churn probability theta ~ Beta(alpha, beta); log-likelihood, customers, convergence, iterations and standard errors.';
COMMENT ON COLUMN clientele.sbg_params.alpha IS 'First shape of the beta distribution of churn probabilities.';
COMMENT ON COLUMN clientele.sbg_params.beta IS 'Second shape of the beta distribution of churn probabilities.';
COMMENT ON COLUMN clientele.sbg_params.log_likelihood IS 'Log-likelihood at the estimate (without the penalty).';
COMMENT ON COLUMN clientele.sbg_params.n IS 'Customers in the fit.';
COMMENT ON COLUMN clientele.sbg_params.converged IS 'Whether the fit reached an identified interior maximum (false also raises a WARNING).';
COMMENT ON COLUMN clientele.sbg_params.iterations IS 'Optimiser iterations.';
COMMENT ON COLUMN clientele.sbg_params.se_alpha IS 'Standard error of alpha (inverse Hessian, delta method); NULL when not available.';
COMMENT ON COLUMN clientele.sbg_params.se_beta IS 'Standard error of beta.';

CREATE FUNCTION clientele.sbg_fit(survivors bigint[], penalizer float8 DEFAULT 0)
RETURNS clientele.sbg_params
AS 'MODULE_PATHNAME', 'clientele_sbg_fit_survivors'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_fit(bigint[], float8) IS
	'Maximum-likelihood sBG fit on a cohort''s survivor curve: survivors[1] = cohort size, survivors[k+1] = still active after k periods (non-increasing). NULL with a NOTICE for fewer than 2 customers or values.';

CREATE FUNCTION clientele.sbg_fit_trans(clientele.fit_state, integer, boolean)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_sbg_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_fit_trans(clientele.fit_state, integer, boolean) IS 'Transition function of the clientele.sbg_fit aggregate: one customer as the row (periods, churned, 0) of the shared fit state (aggregate use only).';

CREATE FUNCTION clientele.sbg_fit_trans(clientele.fit_state, integer, boolean, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_sbg_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_fit_trans(clientele.fit_state, integer, boolean, float8) IS 'Transition function of the clientele.sbg_fit aggregate with a penalizer (aggregate use only).';

CREATE FUNCTION clientele.sbg_fit_final(clientele.fit_state) RETURNS clientele.sbg_params
AS 'MODULE_PATHNAME', 'clientele_sbg_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_fit_final(clientele.fit_state) IS 'Final function of the clientele.sbg_fit aggregate: maximum-likelihood fit over the distinct (periods, churned) rows.';

CREATE AGGREGATE clientele.sbg_fit(periods integer, churned boolean) (
	SFUNC = clientele.sbg_fit_trans,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.sbg_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.sbg_fit(integer, boolean) IS
	'Maximum-likelihood sBG fit over individuals: periods = periods paid for, churned = whether the customer left at the end of the last one (false: still active, right-censored). NULL with a NOTICE for fewer than 2 customers.';

CREATE AGGREGATE clientele.sbg_fit(periods integer, churned boolean, penalizer float8) (
	SFUNC = clientele.sbg_fit_trans,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.sbg_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.sbg_fit(integer, boolean, float8) IS
	'sbg_fit over individuals with an L2 penalty penalizer * sum(log(param)^2) on the mean negative log-likelihood (same value on every row).';

CREATE FUNCTION clientele.sbg_fit_trans_entered(clientele.fit_state, integer, boolean, integer)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_sbg_fit_trans_entered'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_fit_trans_entered(clientele.fit_state, integer, boolean, integer) IS 'Transition function of the left-truncated clientele.sbg_fit aggregate: one customer as the row (periods, churned, entered) of the shared fit state (aggregate use only).';

CREATE FUNCTION clientele.sbg_fit_trans_entered(clientele.fit_state, integer, boolean, integer, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_sbg_fit_trans_entered'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_fit_trans_entered(clientele.fit_state, integer, boolean, integer, float8) IS 'Transition function of the left-truncated clientele.sbg_fit aggregate with a penalizer (aggregate use only).';

-- Planner costs: a transition step is a hash-table insert (about 10
-- operators); see fit_state_combine's cost.
ALTER FUNCTION clientele.sbg_fit_trans(clientele.fit_state, integer, boolean) COST 10;
ALTER FUNCTION clientele.sbg_fit_trans(clientele.fit_state, integer, boolean, float8) COST 10;
ALTER FUNCTION clientele.sbg_fit_trans_entered(clientele.fit_state, integer, boolean, integer) COST 10;
ALTER FUNCTION clientele.sbg_fit_trans_entered(clientele.fit_state, integer, boolean, integer, float8) COST 10;

CREATE AGGREGATE clientele.sbg_fit(periods integer, churned boolean, entered integer) (
	SFUNC = clientele.sbg_fit_trans_entered,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.sbg_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.sbg_fit(integer, boolean, integer) IS
	'sbg_fit over individuals observed from a later start (left truncation): entered = periods the customer had already stayed when observation began (0 = observed from the start); each contribution is divided by S(entered). Use it when customers who left before the data window are absent from the data.';

CREATE AGGREGATE clientele.sbg_fit(periods integer, churned boolean, entered integer, penalizer float8) (
	SFUNC = clientele.sbg_fit_trans_entered,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.sbg_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.sbg_fit(integer, boolean, integer, float8) IS
	'Left-truncated sbg_fit over individuals with an L2 penalty on the log-parameters (same value on every row).';

CREATE FUNCTION clientele.sbg_survival(params clientele.sbg_params, t integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_sbg_survival'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_survival(clientele.sbg_params, integer) IS
	'S(t) = B(alpha, beta + t) / B(alpha, beta): share of a new cohort still active after t periods.';

CREATE FUNCTION clientele.sbg_retention_rate(params clientele.sbg_params, t integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_sbg_retention_rate'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_retention_rate(clientele.sbg_params, integer) IS
	'r(t) = S(t) / S(t-1) = (beta + t - 1) / (alpha + beta + t - 1), t >= 1: the cohort''s retention rate in period t (rises with t: sorting).';

CREATE FUNCTION clientele.sbg_churn_probability(params clientele.sbg_params, t integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_sbg_churn_probability'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_churn_probability(clientele.sbg_params, integer) IS
	'P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta), t >= 1: probability that a new customer churns at the end of period t.';

CREATE FUNCTION clientele.sbg_derl(params clientele.sbg_params, discount_rate float8, renewals integer DEFAULT 0)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_sbg_derl'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_derl(clientele.sbg_params, float8, integer) IS
	'Discounted expected residual lifetime (Fader & Hardie 2010, eq. 6) of a customer who has made "renewals" renewals, just before the next renewal decision: sum over k >= 0 of S(renewals+1+k)/S(renewals)/(1+d)^k. Times the margin per period = residual value.';
