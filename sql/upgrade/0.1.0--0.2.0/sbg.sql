-- area: sbg, 0.1.0 -> 0.2.0

-- C entry points prefixed clientele_ (src/common/entry_points.c; the 0.1.0
-- symbols stay exported for a 0.1.0 install loading this library).
CREATE OR REPLACE FUNCTION clientele.sbg_churn_probability(params clientele.sbg_params, t integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_sbg_churn_probability'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.sbg_derl(params clientele.sbg_params, discount_rate float8, renewals integer DEFAULT 0)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_sbg_derl'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.sbg_fit_final(clientele.fit_state) RETURNS clientele.sbg_params
AS 'MODULE_PATHNAME', 'clientele_sbg_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.sbg_fit(survivors bigint[], penalizer float8 DEFAULT 0)
RETURNS clientele.sbg_params
AS 'MODULE_PATHNAME', 'clientele_sbg_fit_survivors'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.sbg_fit_trans(clientele.fit_state, integer, boolean)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_sbg_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.sbg_fit_trans_entered(clientele.fit_state, integer, boolean, integer)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_sbg_fit_trans_entered'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.sbg_retention_rate(params clientele.sbg_params, t integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_sbg_retention_rate'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.sbg_survival(params clientele.sbg_params, t integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_sbg_survival'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.sbg_fit_trans(clientele.fit_state, integer, boolean, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_sbg_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.sbg_fit_trans_entered(clientele.fit_state, integer, boolean, integer, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_sbg_fit_trans_entered'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- 0.2.0: planner costs of the fit aggregates (parallel plans only where they pay)
-- Planner costs: a transition step is a hash-table insert (about 10
-- operators); see fit_state_combine's cost.
ALTER FUNCTION clientele.sbg_fit_trans(clientele.fit_state, integer, boolean) COST 10;
ALTER FUNCTION clientele.sbg_fit_trans(clientele.fit_state, integer, boolean, float8) COST 10;
ALTER FUNCTION clientele.sbg_fit_trans_entered(clientele.fit_state, integer, boolean, integer) COST 10;
ALTER FUNCTION clientele.sbg_fit_trans_entered(clientele.fit_state, integer, boolean, integer, float8) COST 10;
