-- area: clv
-- ===========================================================================
-- Customer lifetime value from BG/NBD + Gamma-Gamma (lifetimes' convention).
-- ===========================================================================

CREATE FUNCTION clientele.clv(
	bgnbd clientele.bgnbd_params,
	gamma_gamma clientele.gamma_gamma_params,
	frequency float8,
	recency float8,
	t float8,
	monetary float8,
	months integer,
	discount_rate float8,
	units_per_month float8 DEFAULT 30)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_clv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.clv(clientele.bgnbd_params, clientele.gamma_gamma_params, float8, float8, float8, float8, integer, float8, float8) IS 'Customer lifetime value over the next months: sum over months i = 1..months of BG/NBD expected purchases between months i-1 and i times the Gamma-Gamma expected spend, divided by (1 + monthly discount_rate)^i; units_per_month = time units of the BG/NBD fit per month (30 for days, 4.345 for weeks).';
