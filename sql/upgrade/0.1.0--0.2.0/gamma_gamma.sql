-- area: gamma_gamma, 0.1.0 -> 0.2.0

-- C entry points prefixed clientele_ (src/common/entry_points.c; the 0.1.0
-- symbols stay exported for a 0.1.0 install loading this library).
CREATE OR REPLACE FUNCTION clientele.gamma_gamma_expected_spend(params clientele.gamma_gamma_params, frequency float8, monetary float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_gamma_gamma_expected_spend'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.gamma_gamma_fit_final(clientele.fit_state) RETURNS clientele.gamma_gamma_params
AS 'MODULE_PATHNAME', 'clientele_gamma_gamma_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.gamma_gamma_fit_trans(clientele.fit_state, float8, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_gamma_gamma_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.gamma_gamma_fit_trans(clientele.fit_state, float8, float8, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_gamma_gamma_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- area gamma_gamma, 0.1.0 -> 0.2.0 (issue 9): repeat customers with zero
-- average spend are left out of the fit and counted in a new last column.
-- CASCADE: typed tables of the type (if a user made one) get the column too;
-- stored values of the type read the new attribute as NULL.
ALTER TYPE clientele.gamma_gamma_params ADD ATTRIBUTE excluded bigint CASCADE;
COMMENT ON COLUMN clientele.gamma_gamma_params.excluded IS 'Repeat customers left out of the fit because their average spend is 0 (outside the model; a NOTICE says so); their expected spend and CLV are NULL.';

-- 0.2.0: planner costs of the fit aggregates (parallel plans only where they pay)
-- Planner costs: a transition step is a hash-table insert (about 10
-- operators); see fit_state_combine's cost.
ALTER FUNCTION clientele.gamma_gamma_fit_trans(clientele.fit_state, float8, float8) COST 10;
ALTER FUNCTION clientele.gamma_gamma_fit_trans(clientele.fit_state, float8, float8, float8) COST 10;
