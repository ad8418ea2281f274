-- area: value, 0.1.0 -> 0.2.0: the value tables follow the config-table recipe
-- (clientele.protect_builtin replaces value_read_only); value_setting() is
-- compiled per backend in C.

DROP TRIGGER value_param_spec_read_only ON clientele.value_param_spec;
DROP TRIGGER value_rate_default_read_only ON clientele.value_rate_default;
DROP FUNCTION clientele.value_read_only();

-- The effective value of a parameter: the bank's value, else the default
-- (compiled per backend, src/value.c).
CREATE OR REPLACE FUNCTION clientele.value_setting(p_name text) RETURNS numeric
LANGUAGE c STABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_value_setting';
COMMENT ON FUNCTION clientele.value_setting(text) IS
	'Effective value of a value parameter: clientele.value_param if set, else the default of clientele.value_param_spec; ERROR 22023 listing the parameters for an unknown name; NULL for NULL. Compiled once per backend and recompiled after a committed change.';

CREATE OR REPLACE FUNCTION clientele.value_param_check_all() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	-- the tables as this statement left them (the cache is recompiled only after it)
	v_high numeric := (SELECT v.value FROM clientele.value_settings v WHERE v.name = 'profit_high_min');
	v_medium numeric := (SELECT v.value FROM clientele.value_settings v WHERE v.name = 'profit_medium_min');
BEGIN
	IF v_high <= v_medium THEN
		RAISE EXCEPTION 'profit_high_min (%) must be greater than profit_medium_min (%)', v_high, v_medium
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF (SELECT sum(v.value) FROM clientele.value_settings v
	    WHERE v.name IN ('loyalty_weight_tenure', 'loyalty_weight_products', 'loyalty_weight_activity')) <= 0 THEN
		RAISE EXCEPTION 'the loyalty weights must not all be 0'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN NULL;
END $$;
COMMENT ON FUNCTION clientele.value_param_check_all() IS 'Trigger function: rejects parameter sets that break a cross-parameter rule (high > medium threshold, some loyalty weight > 0).';
-- The config-table recipe (sql/common.sql): the specification and the
-- default rates ship with the extension and only its scripts write them; the
-- bank's values go to clientele.value_param / clientele.value_product_rate,
-- which pg_dump keeps.  value_setting() caches the parameters per backend; the
-- rates are read by SQL (clientele.value_rates), not cached: no config_changed.
SELECT clientele.config_table_register('clientele.value_param_spec',
	'Set a parameter in clientele.value_param.', p_what => 'value settings', p_rows => 'shipped');
SELECT clientele.config_table_register('clientele.value_param', p_what => 'value settings', p_rows => 'bank');
SELECT clientele.config_table_register('clientele.value_rate_default',
	'Set the rates of a product type in clientele.value_product_rate.', p_what => 'value rates', p_rows => 'shipped',
	p_cached => false);

SELECT clientele.config_table_register('clientele.value_product_rate', p_what => 'value rates', p_rows => 'bank',
	p_cached => false);
