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
	'Fitted sBG model: churn probability theta ~ Beta(alpha, beta); log-likelihood, customers, convergence and standard errors (inverse Hessian, delta method).';

CREATE FUNCTION clientele.sbg_fit(survivors bigint[], penalizer float8 DEFAULT 0)
RETURNS clientele.sbg_params
AS 'MODULE_PATHNAME', 'clientele_sbg_fit_survivors'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_fit(bigint[], float8) IS
	'Maximum-likelihood sBG fit on a cohort''s survivor curve: survivors[1] = cohort size, survivors[k+1] = still active after k periods (non-increasing). NULL with a NOTICE for fewer than 2 customers or values.';

CREATE FUNCTION clientele.sbg_accum(internal, integer, boolean)
RETURNS internal
AS 'MODULE_PATHNAME', 'clientele_sbg_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_accum(internal, integer, boolean) IS
	'Internal: transition function of the sbg_fit aggregate (counts by period).';

CREATE FUNCTION clientele.sbg_accum(internal, integer, boolean, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'clientele_sbg_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_accum(internal, integer, boolean, float8) IS
	'Internal: transition function of the sbg_fit aggregate with a penalizer.';

CREATE FUNCTION clientele.sbg_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'clientele_sbg_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_combine(internal, internal) IS
	'Internal: combine function of the sbg_fit aggregate (adds counts).';

CREATE FUNCTION clientele.sbg_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'clientele_sbg_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_serialize(internal) IS
	'Internal: serializes the sbg_fit aggregate state.';

CREATE FUNCTION clientele.sbg_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'clientele_sbg_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_deserialize(bytea, internal) IS
	'Internal: deserializes the sbg_fit aggregate state (checks its size).';

CREATE FUNCTION clientele.sbg_final(internal)
RETURNS clientele.sbg_params
AS 'MODULE_PATHNAME', 'clientele_sbg_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_final(internal) IS
	'Internal: final function of the sbg_fit aggregate (runs the fit).';

CREATE AGGREGATE clientele.sbg_fit(periods integer, churned boolean) (
	SFUNC = clientele.sbg_accum,
	STYPE = internal,
	FINALFUNC = clientele.sbg_final,
	COMBINEFUNC = clientele.sbg_combine,
	SERIALFUNC = clientele.sbg_serialize,
	DESERIALFUNC = clientele.sbg_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.sbg_fit(integer, boolean) IS
	'Maximum-likelihood sBG fit over individuals: periods = periods paid for, churned = whether the customer left at the end of the last one (false: still active, right-censored).';

CREATE AGGREGATE clientele.sbg_fit(periods integer, churned boolean, penalizer float8) (
	SFUNC = clientele.sbg_accum,
	STYPE = internal,
	FINALFUNC = clientele.sbg_final,
	COMBINEFUNC = clientele.sbg_combine,
	SERIALFUNC = clientele.sbg_serialize,
	DESERIALFUNC = clientele.sbg_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.sbg_fit(integer, boolean, float8) IS
	'sbg_fit over individuals with an L2 penalizer on the log-parameters (same value on every row).';

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
