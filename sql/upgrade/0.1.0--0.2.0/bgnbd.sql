-- area: bgnbd, 0.1.0 -> 0.2.0

-- C entry points prefixed clientele_ (src/common/entry_points.c; the 0.1.0
-- symbols stay exported for a 0.1.0 install loading this library).
CREATE OR REPLACE FUNCTION clientele.bgnbd_expected_purchases(params clientele.bgnbd_params, horizon float8, frequency float8, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_bgnbd_expected_purchases'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.bgnbd_expected_purchases_new(params clientele.bgnbd_params, horizon float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_bgnbd_expected_purchases_new'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.bgnbd_fit_final(clientele.fit_state) RETURNS clientele.bgnbd_params
AS 'MODULE_PATHNAME', 'clientele_bgnbd_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.bgnbd_fit_trans(clientele.fit_state, float8, float8, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_bgnbd_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.bgnbd_p_alive(params clientele.bgnbd_params, frequency float8, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_bgnbd_p_alive'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.bgnbd_purchase_pmf(params clientele.bgnbd_params, horizon float8, n integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_bgnbd_purchase_pmf'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION clientele.bgnbd_fit_trans(clientele.fit_state, float8, float8, float8, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_bgnbd_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- 0.2.0: planner costs of the fit aggregates (parallel plans only where they pay)
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
