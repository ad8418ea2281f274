-- area: clv, 0.1.0 -> 0.2.0

-- C entry points prefixed clientele_ (src/common/entry_points.c; the 0.1.0
-- symbols stay exported for a 0.1.0 install loading this library).
CREATE OR REPLACE FUNCTION clientele.clv(
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
