-- area: pareto_nbd, 0.1.0 -> 0.2.0

-- C entry points prefixed clientele_ (src/common/entry_points.c; the 0.1.0
-- symbols stay exported for a 0.1.0 install loading this library).
CREATE OR REPLACE FUNCTION clientele.pareto_nbd_expected_purchases(params clientele.pareto_nbd_params,
	horizon float8, frequency float8, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_pareto_nbd_expected_purchases'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.pareto_nbd_expected_purchases_new(params clientele.pareto_nbd_params, horizon float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_pareto_nbd_expected_purchases_new'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.pareto_nbd_fit_final(clientele.fit_state) RETURNS clientele.pareto_nbd_params
AS 'MODULE_PATHNAME', 'clientele_pareto_nbd_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.pareto_nbd_fit_trans(clientele.fit_state, float8, float8, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_pareto_nbd_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.pareto_nbd_p_alive(params clientele.pareto_nbd_params,
	frequency float8, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_pareto_nbd_p_alive'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.pareto_nbd_purchase_pmf(params clientele.pareto_nbd_params, horizon float8, n integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_pareto_nbd_purchase_pmf'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.pareto_nbd_fit_trans(clientele.fit_state, float8, float8, float8, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_pareto_nbd_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- 0.2.0: planner costs of the fit aggregates (parallel plans only where they pay)
-- Planner costs: a transition step is a hash-table insert (about 10
-- operators); see fit_state_combine's cost.
ALTER FUNCTION clientele.pareto_nbd_fit_trans(clientele.fit_state, float8, float8, float8) COST 10;
ALTER FUNCTION clientele.pareto_nbd_fit_trans(clientele.fit_state, float8, float8, float8, float8) COST 10;
