-- area: value, the re-runnable part (see docs/value.md, docs/DEVELOPING.md
-- "Versions and upgrades"): run by the install right after sql/value.sql and
-- by the upgrade right after sql/upgrade/<prev>--<version>/value.sql.  Only
-- CREATE OR REPLACE, COMMENT ON, DROP TRIGGER IF EXISTS + CREATE TRIGGER,
-- idempotent calls and DO blocks guarded by a catalogue check.

-- The aggregate state types are created when missing (a fresh install, an
-- update from 0.1.0, whose aggregates had internal states) and kept as they
-- are when they exist: a shell first, so that their I/O functions can be
-- declared, then the full definition once those exist.
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_type t WHERE t.typname OPERATOR(pg_catalog.=) 'adb_state'
	               AND t.typnamespace OPERATOR(pg_catalog.=) 'clientele'::pg_catalog.regnamespace) THEN
		CREATE TYPE clientele.adb_state;
	END IF;
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_type t WHERE t.typname OPERATOR(pg_catalog.=) 'gini_state'
	               AND t.typnamespace OPERATOR(pg_catalog.=) 'clientele'::pg_catalog.regnamespace) THEN
		CREATE TYPE clientele.gini_state;
	END IF;
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_type t WHERE t.typname OPERATOR(pg_catalog.=) 'top_share_state'
	               AND t.typnamespace OPERATOR(pg_catalog.=) 'clientele'::pg_catalog.regnamespace) THEN
		CREATE TYPE clientele.top_share_state;
	END IF;
END $$;

-- ---------------------------------------------------------------------------
-- avg_daily_balance(day, balance, from, to)
-- State: a real, portable type (little-endian, versioned), so partial states
-- travel between parallel workers and Citus shards (worker_partial_agg).
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION clientele.adb_state_in(cstring) RETURNS clientele.adb_state
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_adb_state_in';
COMMENT ON FUNCTION clientele.adb_state_in(cstring) IS
	'Input function of clientele.adb_state: "cladb1:" and the hex of the binary form, every invariant checked.';
CREATE OR REPLACE FUNCTION clientele.adb_state_out(clientele.adb_state) RETURNS cstring
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_adb_state_out';
COMMENT ON FUNCTION clientele.adb_state_out(clientele.adb_state) IS
	'Output function of clientele.adb_state: "cladb1:" and the hex of the binary form.';
CREATE OR REPLACE FUNCTION clientele.adb_state_recv(internal) RETURNS clientele.adb_state
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_adb_state_recv';
COMMENT ON FUNCTION clientele.adb_state_recv(internal) IS
	'Binary input of clientele.adb_state (little-endian), every invariant checked.';
CREATE OR REPLACE FUNCTION clientele.adb_state_send(clientele.adb_state) RETURNS bytea
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_adb_state_send';
COMMENT ON FUNCTION clientele.adb_state_send(clientele.adb_state) IS
	'Binary output of clientele.adb_state (little-endian; the state''s own bytes).';
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_type t WHERE t.typname OPERATOR(pg_catalog.=) 'adb_state'
	               AND t.typnamespace OPERATOR(pg_catalog.=) 'clientele'::pg_catalog.regnamespace AND t.typisdefined) THEN
		CREATE TYPE clientele.adb_state (
			INPUT = clientele.adb_state_in,
			OUTPUT = clientele.adb_state_out,
			RECEIVE = clientele.adb_state_recv,
			SEND = clientele.adb_state_send,
			INTERNALLENGTH = VARIABLE,
			ALIGNMENT = double,
			STORAGE = extended
		);
	END IF;
END $$;
COMMENT ON TYPE clientele.adb_state IS
	'Partial state of clientele.avg_daily_balance: the window, the latest snapshot before it, and the snapshots in it as sorted runs of consecutive days (first, last, balance sum, last balance: 24 bytes per run, one run per account for daily data); little-endian, versioned; merges exactly.';

CREATE OR REPLACE FUNCTION clientele.adb_trans(clientele.adb_state, date, numeric, date, date) RETURNS clientele.adb_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_adb_state_trans';
COMMENT ON FUNCTION clientele.adb_trans(clientele.adb_state, date, numeric, date, date) IS
	'Transition function of avg_daily_balance (aggregate use only): adds the snapshot to the runs of the window, or keeps it as the carry when it is the latest before the window.';
CREATE OR REPLACE FUNCTION clientele.adb_combine(clientele.adb_state, clientele.adb_state) RETURNS clientele.adb_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_adb_state_combine';
COMMENT ON FUNCTION clientele.adb_combine(clientele.adb_state, clientele.adb_state) IS
	'Combine function of avg_daily_balance (aggregate use only): merges the runs of two partial states in day order, exactly.';
CREATE OR REPLACE FUNCTION clientele.adb_final(clientele.adb_state) RETURNS numeric
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_adb_state_final';
COMMENT ON FUNCTION clientele.adb_final(clientele.adb_state) IS
	'Final function of avg_daily_balance: exact balance-days sum / days, rounded half away from zero to the cent.';

CREATE OR REPLACE AGGREGATE clientele.avg_daily_balance(day date, balance numeric, window_from date, window_to date) (
	SFUNC = clientele.adb_trans,
	STYPE = clientele.adb_state,
	SSPACE = 64,
	FINALFUNC = clientele.adb_final,
	COMBINEFUNC = clientele.adb_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.avg_daily_balance(date, numeric, date, date) IS
	'Time-weighted average daily balance (日均余额) of one account over the inclusive window [window_from, window_to] from sparse end-of-day snapshots: a balance holds until the next snapshot, the last snapshot before window_from carries into the window, days before the first known snapshot count as 0. Balances are taken to the cent (half away from zero); the balance-days sum is exact; the result is rounded half away from zero to the cent. One snapshot per day per group (else ERROR 22023); NULL day or balance rows are ignored; empty input gives NULL. Source: domain notes section 1 (001:273, 004).';

-- ---------------------------------------------------------------------------
-- gini(value), top_share(value, fraction)
-- States: the distinct values with their counts (exact), portable types.
-- ---------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION clientele.gini_state_in(cstring) RETURNS clientele.gini_state
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_gini_state_in';
COMMENT ON FUNCTION clientele.gini_state_in(cstring) IS
	'Input function of clientele.gini_state: "clgini1:" and the hex of the binary form, every invariant checked.';
CREATE OR REPLACE FUNCTION clientele.gini_state_out(clientele.gini_state) RETURNS cstring
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_gini_state_out';
COMMENT ON FUNCTION clientele.gini_state_out(clientele.gini_state) IS
	'Output function of clientele.gini_state: "clgini1:" and the hex of the binary form (values sorted, repeats counted).';
CREATE OR REPLACE FUNCTION clientele.gini_state_recv(internal) RETURNS clientele.gini_state
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_gini_state_recv';
COMMENT ON FUNCTION clientele.gini_state_recv(internal) IS
	'Binary input of clientele.gini_state (little-endian), every invariant checked.';
CREATE OR REPLACE FUNCTION clientele.gini_state_send(clientele.gini_state) RETURNS bytea
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_gini_state_send';
COMMENT ON FUNCTION clientele.gini_state_send(clientele.gini_state) IS
	'Binary output of clientele.gini_state (little-endian, values sorted, repeats counted).';
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_type t WHERE t.typname OPERATOR(pg_catalog.=) 'gini_state'
	               AND t.typnamespace OPERATOR(pg_catalog.=) 'clientele'::pg_catalog.regnamespace AND t.typisdefined) THEN
		CREATE TYPE clientele.gini_state (
			INPUT = clientele.gini_state_in,
			OUTPUT = clientele.gini_state_out,
			RECEIVE = clientele.gini_state_recv,
			SEND = clientele.gini_state_send,
			INTERNALLENGTH = VARIABLE,
			ALIGNMENT = double,
			STORAGE = extended
		);
	END IF;
END $$;
COMMENT ON TYPE clientele.gini_state IS
	'Partial state of clientele.gini: the distinct values with their counts (16 bytes per distinct value); little-endian, versioned; merges exactly.';


CREATE OR REPLACE FUNCTION clientele.top_share_state_in(cstring) RETURNS clientele.top_share_state
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_top_share_state_in';
COMMENT ON FUNCTION clientele.top_share_state_in(cstring) IS
	'Input function of clientele.top_share_state: "cltop1:" and the hex of the binary form, every invariant checked.';
CREATE OR REPLACE FUNCTION clientele.top_share_state_out(clientele.top_share_state) RETURNS cstring
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_top_share_state_out';
COMMENT ON FUNCTION clientele.top_share_state_out(clientele.top_share_state) IS
	'Output function of clientele.top_share_state: "cltop1:" and the hex of the binary form (values sorted, repeats counted).';
CREATE OR REPLACE FUNCTION clientele.top_share_state_recv(internal) RETURNS clientele.top_share_state
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_top_share_state_recv';
COMMENT ON FUNCTION clientele.top_share_state_recv(internal) IS
	'Binary input of clientele.top_share_state (little-endian), every invariant checked.';
CREATE OR REPLACE FUNCTION clientele.top_share_state_send(clientele.top_share_state) RETURNS bytea
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_top_share_state_send';
COMMENT ON FUNCTION clientele.top_share_state_send(clientele.top_share_state) IS
	'Binary output of clientele.top_share_state (little-endian, values sorted, repeats counted).';
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_type t WHERE t.typname OPERATOR(pg_catalog.=) 'top_share_state'
	               AND t.typnamespace OPERATOR(pg_catalog.=) 'clientele'::pg_catalog.regnamespace AND t.typisdefined) THEN
		CREATE TYPE clientele.top_share_state (
			INPUT = clientele.top_share_state_in,
			OUTPUT = clientele.top_share_state_out,
			RECEIVE = clientele.top_share_state_recv,
			SEND = clientele.top_share_state_send,
			INTERNALLENGTH = VARIABLE,
			ALIGNMENT = double,
			STORAGE = extended
		);
	END IF;
END $$;
COMMENT ON TYPE clientele.top_share_state IS
	'Partial state of clientele.top_share: the fraction and the distinct values with their counts (16 bytes per distinct value); little-endian, versioned; merges exactly.';

CREATE OR REPLACE FUNCTION clientele.gini_trans(clientele.gini_state, float8) RETURNS clientele.gini_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_gini_state_trans';
COMMENT ON FUNCTION clientele.gini_trans(clientele.gini_state, float8) IS
	'Transition function of gini (aggregate use only): counts the value.';
CREATE OR REPLACE FUNCTION clientele.gini_combine(clientele.gini_state, clientele.gini_state) RETURNS clientele.gini_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_conc_state_combine';
COMMENT ON FUNCTION clientele.gini_combine(clientele.gini_state, clientele.gini_state) IS
	'Combine function of gini (aggregate use only): union of the values, counts added (exact).';
CREATE OR REPLACE FUNCTION clientele.gini_final(clientele.gini_state) RETURNS float8
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_gini_state_final';
COMMENT ON FUNCTION clientele.gini_final(clientele.gini_state) IS 'Final function of gini.';

CREATE OR REPLACE FUNCTION clientele.top_share_trans(clientele.top_share_state, float8, float8) RETURNS clientele.top_share_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_top_share_state_trans';
COMMENT ON FUNCTION clientele.top_share_trans(clientele.top_share_state, float8, float8) IS
	'Transition function of top_share (aggregate use only): counts the value and keeps the fraction.';
CREATE OR REPLACE FUNCTION clientele.top_share_combine(clientele.top_share_state, clientele.top_share_state) RETURNS clientele.top_share_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_conc_state_combine';
COMMENT ON FUNCTION clientele.top_share_combine(clientele.top_share_state, clientele.top_share_state) IS
	'Combine function of top_share (aggregate use only): union of the values, counts added (exact).';
CREATE OR REPLACE FUNCTION clientele.top_share_final(clientele.top_share_state) RETURNS float8
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_top_share_state_final';
COMMENT ON FUNCTION clientele.top_share_final(clientele.top_share_state) IS 'Final function of top_share.';

CREATE OR REPLACE AGGREGATE clientele.gini(value float8) (
	SFUNC = clientele.gini_trans,
	STYPE = clientele.gini_state,
	FINALFUNC = clientele.gini_final,
	COMBINEFUNC = clientele.gini_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.gini(float8) IS
	'Gini coefficient G = sum_i (2i - n - 1) x_(i) / (n sum x), x_(i) the i-th smallest value (0 = equal, (n-1)/n = one holder). Negative values are used as they are (G may exceed 1); all zeros give 0; a total <= 0 otherwise, or no rows, gives NULL; NULL values are ignored; NaN/Infinity: ERROR 22023.';

CREATE OR REPLACE AGGREGATE clientele.top_share(value float8, fraction float8) (
	SFUNC = clientele.top_share_trans,
	STYPE = clientele.top_share_state,
	FINALFUNC = clientele.top_share_final,
	COMBINEFUNC = clientele.top_share_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.top_share(float8, float8) IS
	'Share of the total held by the top fraction (0..1, same for every row) of the values, read off the Lorenz curve with linear interpolation (k = fraction * n: the floor(k) largest plus the fractional part of the next). top_share(profit, 0.2) is the 80/20 check (source 001:283). All zeros give the fraction; a total <= 0 otherwise, or no rows, gives NULL.';

-- An update from 0.1.0 replaced the aggregates above in place (the bank's
-- views over them stay): their internal-state support functions of 0.1.0
-- are no longer used.  Nothing to do on a fresh install.
DO $$
DECLARE
	f text;
BEGIN
	FOREACH f IN ARRAY ARRAY['clientele.adb_trans(internal, date, numeric, date, date)', 'clientele.adb_combine(internal, internal)',
		'clientele.adb_serial(internal)', 'clientele.adb_deserial(bytea, internal)', 'clientele.adb_final(internal)',
		'clientele.gini_trans(internal, float8)', 'clientele.top_share_trans(internal, float8, float8)',
		'clientele.conc_combine(internal, internal)', 'clientele.conc_serial(internal)', 'clientele.conc_deserial(bytea, internal)',
		'clientele.gini_final(internal)', 'clientele.top_share_final(internal)'] LOOP
		IF pg_catalog.to_regprocedure(f) IS NOT NULL THEN
			EXECUTE pg_catalog.format('DROP FUNCTION %s', f);
		END IF;
	END LOOP;
END $$;

-- ---------------------------------------------------------------------------
-- Configuration: parameters (defaults shipped read-only, overrides by the bank)
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION clientele.value_param_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	s clientele.value_param_spec;
BEGIN
	SELECT * INTO s FROM clientele.value_param_spec WHERE name = NEW.name;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'unknown value parameter "%"', NEW.name
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Parameters are: ' || (SELECT string_agg(name, ', ' ORDER BY name) FROM clientele.value_param_spec) || '.';
	END IF;
	IF NEW.value IS NULL OR NEW.value = 'NaN'::numeric OR NEW.value < s.min_value OR NEW.value > s.max_value THEN
		RAISE EXCEPTION 'value parameter "%" must lie between % and %, got %', NEW.name, s.min_value, s.max_value, NEW.value
			USING ERRCODE = 'invalid_parameter_value', DETAIL = s.description;
	END IF;
	IF s.integral AND NEW.value <> trunc(NEW.value) THEN
		RAISE EXCEPTION 'value parameter "%" must be a whole number, got %', NEW.name, NEW.value
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN NEW;
END $$;
COMMENT ON FUNCTION clientele.value_param_check() IS 'Trigger function: rejects an unknown value parameter or a value outside its range before it is stored.';
DROP TRIGGER IF EXISTS value_param_check ON clientele.value_param;
CREATE TRIGGER value_param_check BEFORE INSERT OR UPDATE ON clientele.value_param
	FOR EACH ROW EXECUTE FUNCTION clientele.value_param_check();
COMMENT ON TRIGGER value_param_check ON clientele.value_param IS 'Validates each parameter value on write.';

-- The effective value of a parameter: the bank's value, else the default
-- (compiled per backend, src/value.c).
CREATE OR REPLACE FUNCTION clientele.value_setting(p_name text) RETURNS numeric
LANGUAGE c STABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_value_setting';
COMMENT ON FUNCTION clientele.value_setting(text) IS
	'Effective value of a value parameter: clientele.value_param if set, else the default of clientele.value_param_spec; ERROR 22023 listing the parameters for an unknown name; NULL for NULL. Compiled once per backend and recompiled after a committed change.';

-- Cross-parameter rules, checked once per statement.
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
DROP TRIGGER IF EXISTS value_param_check_all ON clientele.value_param;
CREATE TRIGGER value_param_check_all AFTER INSERT OR UPDATE OR DELETE ON clientele.value_param
	FOR EACH STATEMENT EXECUTE FUNCTION clientele.value_param_check_all();
COMMENT ON TRIGGER value_param_check_all ON clientele.value_param IS 'Validates the cross-parameter rules after each statement.';

CREATE OR REPLACE VIEW clientele.value_settings AS
SELECT s.name, coalesce(p.value, s.default_value) AS value, p.name IS NOT NULL AS set_by_bank,
       s.default_value, s.min_value, s.max_value, s.description, p.note
FROM clientele.value_param_spec s LEFT JOIN clientele.value_param p USING (name);
COMMENT ON VIEW clientele.value_settings IS 'Every value parameter with its effective value, whether the bank set it, its default and range.';
COMMENT ON COLUMN clientele.value_settings.name IS 'Parameter name (clientele.value_param_spec).';
COMMENT ON COLUMN clientele.value_settings.value IS 'Effective value: the bank''s (clientele.value_param), else the default.';
COMMENT ON COLUMN clientele.value_settings.set_by_bank IS 'Whether the bank set the parameter in clientele.value_param.';
COMMENT ON COLUMN clientele.value_settings.default_value IS 'Shipped default.';
COMMENT ON COLUMN clientele.value_settings.min_value IS 'Smallest allowed value.';
COMMENT ON COLUMN clientele.value_settings.max_value IS 'Largest allowed value.';
COMMENT ON COLUMN clientele.value_settings.description IS 'What the parameter means.';
COMMENT ON COLUMN clientele.value_settings.note IS 'Why / source of the bank''s value (clientele.value_param.note).';

-- ---------------------------------------------------------------------------
-- Configuration: rates per product type (FTP spread, fee rate, PD, LGD)
-- ---------------------------------------------------------------------------
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

CREATE OR REPLACE FUNCTION clientele.value_product_rate_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_category text;
BEGIN
	SELECT category INTO v_category FROM clientele.product_type WHERE product_type = NEW.product_type;
	IF FOUND AND v_category <> 'credit' AND (NEW.pd <> 0 OR NEW.lgd <> 0) THEN
		RAISE EXCEPTION 'product type "%" is not a credit product: its pd and lgd must be 0', NEW.product_type
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Expected credit loss applies to credit products (loans, mortgages, cards); deposits carry no credit risk for the bank.';
	END IF;
	RETURN NEW;
END $$;
COMMENT ON FUNCTION clientele.value_product_rate_check() IS 'Trigger function: rejects PD/LGD on a product type that is not a credit product.';
DROP TRIGGER IF EXISTS value_product_rate_check ON clientele.value_product_rate;
CREATE TRIGGER value_product_rate_check BEFORE INSERT OR UPDATE ON clientele.value_product_rate
	FOR EACH ROW EXECUTE FUNCTION clientele.value_product_rate_check();
COMMENT ON TRIGGER value_product_rate_check ON clientele.value_product_rate IS 'Validates each rate row on write.';
SELECT clientele.config_table_register('clientele.value_product_rate', p_what => 'value rates', p_rows => 'bank',
	p_cached => false);

CREATE OR REPLACE VIEW clientele.value_rates AS
SELECT t.product_type, t.category,
       coalesce(r.ftp_spread, d.ftp_spread, 0) AS ftp_spread,
       coalesce(r.fee_rate, d.fee_rate, 0) AS fee_rate,
       coalesce(r.pd, d.pd, 0) AS pd,
       coalesce(r.lgd, d.lgd, 0) AS lgd,
       CASE WHEN r.product_type IS NOT NULL THEN 'bank' WHEN d.product_type IS NOT NULL THEN 'default' ELSE 'none' END AS rate_source
FROM clientele.product_type t
LEFT JOIN clientele.value_product_rate r USING (product_type)
LEFT JOIN clientele.value_rate_default d USING (product_type);
COMMENT ON VIEW clientele.value_rates IS
	'Effective rates per product type: the bank''s row of clientele.value_product_rate, else the illustrative default, else 0 (rate_source says which).';
COMMENT ON COLUMN clientele.value_rates.product_type IS 'Product type (clientele.product_type).';
COMMENT ON COLUMN clientele.value_rates.category IS 'Its category: deposit, investment, insurance or credit.';
COMMENT ON COLUMN clientele.value_rates.ftp_spread IS 'Effective annual FTP spread (deposits, investments) or net interest margin (credit products) on the average daily balance.';
COMMENT ON COLUMN clientele.value_rates.fee_rate IS 'Effective annual fee income as a rate on the average daily balance.';
COMMENT ON COLUMN clientele.value_rates.pd IS 'Effective probability of default (credit products; 0 otherwise).';
COMMENT ON COLUMN clientele.value_rates.lgd IS 'Effective loss given default (credit products; 0 otherwise).';
COMMENT ON COLUMN clientele.value_rates.rate_source IS 'bank (clientele.value_product_rate), default (the illustrative default) or none (0).';

-- ---------------------------------------------------------------------------
-- Shared argument checks
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION clientele.value_check_period(p_from date, p_to date) RETURNS integer
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	PERFORM clientele.check_date(p_from, 'p_from');
	PERFORM clientele.check_date(p_to, 'p_to');
	IF p_from > p_to THEN
		RAISE EXCEPTION 'period start % is after its end %', p_from, p_to
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN p_to - p_from + 1;
END $$;
COMMENT ON FUNCTION clientele.value_check_period(date, date) IS
	'Internal: checks an inclusive period (each bound passes clientele.check_date: ERROR 22004 "p_from must not be NULL", 22023 for an infinite bound or one outside 0001-01-01 .. 9999-12-31; then start <= end) and returns its number of days.';

-- ---------------------------------------------------------------------------
-- AUM / total relationship balance as of a date
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION clientele.aum(p_as_of date, p_product_types text[] DEFAULT NULL)
RETURNS TABLE (customer_id bigint, aum numeric, deposits numeric, investments numeric, insurance numeric,
               accounts integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_unknown text;
BEGIN
	PERFORM clientele.check_date(p_as_of, 'p_as_of');
	IF p_product_types IS NOT NULL THEN
		IF cardinality(p_product_types) = 0 OR array_position(p_product_types, NULL) IS NOT NULL THEN
			RAISE EXCEPTION 'product type list must be NULL (the catalogue''s counts_in_aum) or non-empty without NULLs'
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		SELECT string_agg(format('"%s"', u), ', ') INTO v_unknown
		FROM unnest(p_product_types) u
		WHERE NOT EXISTS (SELECT 1 FROM clientele.product_type t WHERE t.product_type = u);
		IF v_unknown IS NOT NULL THEN
			RAISE EXCEPTION 'unknown product type %', v_unknown
				USING ERRCODE = 'invalid_parameter_value',
				      HINT = 'Product types are: ' || (SELECT string_agg(product_type, ', ' ORDER BY product_type) FROM clientele.product_type) || '.';
		END IF;
	END IF;
	-- as of a date the inputs have not reached: an error with a hint, not a silent extrapolation
	PERFORM clientele.check_as_of(p_as_of);
	PERFORM clientele.report_account_drops('aum');
	RETURN QUERY
	WITH counting AS (
		SELECT t.product_type, t.category
		FROM clientele.product_type t
		WHERE CASE WHEN p_product_types IS NULL THEN t.counts_in_aum ELSE t.product_type = ANY (p_product_types) END
	), open_accounts AS (
		SELECT a.account_id, a.customer_id, c.category
		FROM clientele.in_account a JOIN counting c USING (product_type)
		WHERE a.opened_on <= p_as_of AND (a.closed_on IS NULL OR a.closed_on > p_as_of)
	), latest AS (
		-- a one-day window: the latest snapshot on or before the date (hash-aggregatable, parallel safe)
		SELECT b.account_id, clientele.avg_daily_balance(b.as_of, b.balance, p_as_of, p_as_of) AS balance,
		       count(*) AS n
		FROM clientele.in_balance b
		WHERE b.as_of <= p_as_of
		GROUP BY b.account_id
	), per_customer AS (
		SELECT o.customer_id,
		       sum(greatest(l.balance, 0)) FILTER (WHERE o.category = 'deposit') AS dep,
		       sum(greatest(l.balance, 0)) FILTER (WHERE o.category IN ('investment', 'credit')) AS inv,
		       sum(greatest(l.balance, 0)) FILTER (WHERE o.category = 'insurance') AS ins,
		       count(*)::integer AS n
		FROM open_accounts o LEFT JOIN latest l USING (account_id)
		GROUP BY o.customer_id
	), dropped AS (
		-- snapshots of accounts the bank's account input does not know are said, not silently left out
		SELECT clientele.report_dropped('aum', 'balance', 'a NULL account_id, or an account_id not in input account',
		           sum(l.n) FILTER (WHERE a.account_id IS NULL)::bigint) AS reported
		FROM latest l
		LEFT JOIN (SELECT DISTINCT a0.account_id FROM clientele.in_account a0) a ON a.account_id = l.account_id
	)
	SELECT c.customer_id,
	       coalesce(p.dep, 0) + coalesce(p.inv, 0) + coalesce(p.ins, 0),
	       coalesce(p.dep, 0), coalesce(p.inv, 0), coalesce(p.ins, 0), coalesce(p.n, 0)
	FROM clientele.in_customer c LEFT JOIN per_customer p USING (customer_id) CROSS JOIN dropped d
	WHERE c.opened_on <= p_as_of AND (c.closed_on IS NULL OR c.closed_on > p_as_of) AND d.reported
	ORDER BY c.customer_id;
END $$;
COMMENT ON FUNCTION clientele.aum(date, text[]) IS
	'Assets under management / total relationship balance (全面理财总值, source 003:194) per customer as of a date: the latest end-of-day balance on or before the date of every account open on that date whose product type counts (clientele.product_type.counts_in_aum, or the explicit list), negative balances (overdrafts) counted as 0. Every customer open on the date appears (0 when nothing counts). Credit products in an explicit list are added to investments. Accounts it cannot use (NULL keys, product types outside the catalogue) and balance snapshots of accounts not in the account input (or without an account_id) are reported by a WARNING with the count (an ERROR under clientele.strict_inputs = on). Runs clientele.check_as_of(p_as_of) first: ERROR 22023 with a hint when the date is more than clientele.as_of_max_lag_days (a setting, default 31) days after the newest row of the inputs, instead of a silent extrapolation.';

-- An income line that is not a finite number (NaN, or an infinity from a
-- mapped source) would make a contribution NaN, which sorts above every number:
-- the most profitable decile, class high.  An error naming the customer instead.
CREATE OR REPLACE FUNCTION clientele.value_income_finite(p_analysis text, p_customer bigint) RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF p_customer IS NOT NULL THEN
		RAISE EXCEPTION '%: an income line of customer % in the period is not a finite number', p_analysis, p_customer
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'ftp_income, fee_income, loan_interest and cost of clientele.in_income must be finite amounts (not NaN or infinite).',
			      HINT = 'Fix the line in the income input (or its source), then run the analysis again.';
	END IF;
	RETURN true;
END $$;
COMMENT ON FUNCTION clientele.value_income_finite(text, bigint) IS
	'Internal: ERROR 22023 naming the customer when p_customer is not NULL (a customer whose income lines of the period sum to NaN or an infinity); true otherwise, usable in a query. Used by clientele.value_lines and clientele.refresh.';

-- ---------------------------------------------------------------------------
-- The one pass behind profit_contribution and value_classes: each input read
-- once (balances, accounts, transactions, income, customers), hash joins.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION clientele.value_lines(p_from date, p_to date)
RETURNS TABLE (customer_id bigint, source text, active_days integer, avg_balance numeric,
               ftp_income numeric, fee_income numeric, loan_interest numeric,
               expected_loss numeric, cost numeric, contribution numeric,
               tenure_days integer, products_held integer, months_active integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_days integer := clientele.value_check_period(p_from, p_to);
	v_basis numeric := clientele.value_setting('day_count_basis');
	v_fixed numeric := clientele.value_setting('fixed_cost_per_customer_month');
	v_counter numeric := clientele.value_setting('cost_per_txn_counter');
	v_atm numeric := clientele.value_setting('cost_per_txn_atm');
	v_online numeric := clientele.value_setting('cost_per_txn_online');
	v_mobile numeric := clientele.value_setting('cost_per_txn_mobile');
	v_phone numeric := clientele.value_setting('cost_per_txn_phone');
	v_pos numeric := clientele.value_setting('cost_per_txn_pos');
	v_months integer := clientele.value_setting('activity_months');
	-- the bounds as timestamptz once (a date cast in the query is converted for every row)
	v_from_ts timestamptz := p_from::timestamptz;
	v_end_ts timestamptz := (p_to + 1)::timestamptz;
	-- activity: the last v_months calendar months ending with the month of
	-- p_to, as bits (bit i = i months before that month; v_months <= 120)
	v_act_ts timestamptz := (date_trunc('month', p_to) - (v_months - 1) * interval '1 month')::date::timestamptz;
	v_act63_ts timestamptz := (date_trunc('month', p_to) - interval '62 months')::date::timestamptz;
	v_end_month integer := extract(year FROM p_to) * 12 + extract(month FROM p_to);
	-- months of the coordinator's session zone on every node (Citus does not pass TimeZone on)
	v_zone text := pg_catalog.current_setting('TimeZone');
BEGIN
	-- as of a date the inputs have not reached: an error with a hint, not a silent extrapolation
	PERFORM clientele.check_as_of(p_to);
	PERFORM clientele.report_account_drops('profit_contribution');
	RETURN QUERY
	WITH accounts AS MATERIALIZED (
		SELECT a.account_id, a.customer_id, a.product_type, a.opened_on, a.closed_on FROM clientele.in_account a
	), cust AS MATERIALIZED (
		SELECT c.customer_id, c.opened_on, c.closed_on FROM clientele.in_customer c
	), acct AS (
		-- the balance input read once (a closed account's balance is 0 from
		-- closed_on on, that day included, as aum(), closing snapshot or not)
		SELECT b.account_id, clientele.avg_daily_balance(b.as_of, b.balance, p_from, p_to) AS adb,
		       count(*) FILTER (WHERE b.snapshot) AS n
		FROM clientele.balance_input b
		WHERE b.as_of <= p_to
		GROUP BY b.account_id
		HAVING count(*) FILTER (WHERE b.snapshot) > 0
	), acct_value AS (
		SELECT a.customer_id, x.adb, r.category, r.ftp_spread, r.fee_rate, r.pd, r.lgd
		FROM acct x
		JOIN accounts a USING (account_id)
		JOIN clientele.value_rates r USING (product_type)
	), computed AS (
		SELECT v.customer_id,
		       sum(v.adb) FILTER (WHERE v.category <> 'credit') AS avg_balance,
		       sum(v.adb * v.ftp_spread) FILTER (WHERE v.category <> 'credit') * v_days / v_basis AS ftp,
		       sum(v.adb * v.fee_rate) * v_days / v_basis AS fee,
		       sum(v.adb * v.ftp_spread) FILTER (WHERE v.category = 'credit') * v_days / v_basis AS loan,
		       sum(v.adb * v.pd * v.lgd) FILTER (WHERE v.category = 'credit') * v_days / v_basis AS ecl
		FROM acct_value v
		GROUP BY v.customer_id
	), dropped_bal AS (
		-- snapshots of accounts the account input does not know
		SELECT clientele.report_dropped('profit_contribution', 'balance', 'a NULL account_id, or an account_id not in input account',
		           sum(x.n) FILTER (WHERE a.account_id IS NULL)::bigint) AS reported
		FROM acct x
		LEFT JOIN (SELECT DISTINCT a0.account_id FROM accounts a0) a ON a.account_id = x.account_id
	), held AS (
		SELECT a.customer_id, count(DISTINCT a.product_type)::integer AS n
		FROM accounts a
		WHERE a.opened_on <= p_to AND (a.closed_on IS NULL OR a.closed_on > p_to)
		GROUP BY a.customer_id
	), txn AS (
		-- one scan of the transactions: counts per channel in the period
		-- (cost), and the months with a customer-initiated transaction
		SELECT t.customer_id,
		       count(*) FILTER (WHERE t.ts >= v_from_ts AND t.channel = 'counter') AS n_counter,
		       count(*) FILTER (WHERE t.ts >= v_from_ts AND t.channel = 'atm') AS n_atm,
		       count(*) FILTER (WHERE t.ts >= v_from_ts AND t.channel = 'online') AS n_online,
		       count(*) FILTER (WHERE t.ts >= v_from_ts AND t.channel = 'mobile') AS n_mobile,
		       count(*) FILTER (WHERE t.ts >= v_from_ts AND t.channel = 'phone') AS n_phone,
		       count(*) FILTER (WHERE t.ts >= v_from_ts AND t.channel = 'pos') AS n_pos,
		       count(*) FILTER (WHERE t.ts >= v_from_ts) AS n_period,
		       count(*) FILTER (WHERE t.ts >= v_from_ts AND (t.channel IS NULL OR t.channel NOT IN
		                        ('counter', 'atm', 'online', 'mobile', 'phone', 'pos'))) AS n_other,
		       bit_or(1::bigint << (v_end_month - (date_part('year', t.ts AT TIME ZONE v_zone) * 12 + date_part('month', t.ts AT TIME ZONE v_zone))::integer))
		           FILTER (WHERE t.customer_initiated AND t.ts >= v_act_ts AND t.ts >= v_act63_ts) AS m_lo,
		       bit_or(1::bigint << (v_end_month - 63 - (date_part('year', t.ts AT TIME ZONE v_zone) * 12 + date_part('month', t.ts AT TIME ZONE v_zone))::integer))
		           FILTER (WHERE t.customer_initiated AND t.ts >= v_act_ts AND t.ts < v_act63_ts) AS m_hi
		FROM clientele.in_transaction t
		WHERE t.ts >= least(v_from_ts, v_act_ts) AND t.ts < v_end_ts
		GROUP BY t.customer_id
	), txn_cost AS (
		SELECT x.customer_id,
		       CASE WHEN x.n_period > 0
		            THEN x.n_counter * v_counter + x.n_atm * v_atm + x.n_online * v_online
		                 + x.n_mobile * v_mobile + x.n_phone * v_phone + x.n_pos * v_pos END AS c,
		       (bit_count(coalesce(x.m_lo, 0)::bit(64)) + bit_count(coalesce(x.m_hi, 0)::bit(64)))::integer AS months
		FROM txn x
		WHERE x.customer_id IS NOT NULL
	), dropped AS (
		-- transactions that cannot be costed are said, not silently costed 0
		SELECT clientele.report_dropped('profit_contribution', 'transaction',
		           'a NULL customer_id, or a channel outside counter, atm, online, mobile, phone, pos (not costed)',
		           (coalesce(sum(x.n_period) FILTER (WHERE x.customer_id IS NULL), 0)
		            + coalesce(sum(x.n_other) FILTER (WHERE x.customer_id IS NOT NULL), 0))::bigint) AS reported
		FROM txn x
	), known AS (
		SELECT DISTINCT c.customer_id FROM cust c WHERE c.customer_id IS NOT NULL
	), supplied_all AS (
		-- bank-supplied monthly lines, prorated by the days of each month inside the period
		SELECT i.customer_id, count(*) AS n,
		       sum(i.ftp_income * f.share) AS ftp, sum(i.fee_income * f.share) AS fee,
		       sum(i.loan_interest * f.share) AS loan, sum(i.cost * f.share) AS cost
		FROM clientele.in_income i
		CROSS JOIN LATERAL (
			SELECT ((least(p_to, (i.month + interval '1 month')::date - 1) - greatest(p_from, i.month) + 1)::numeric
			        / ((i.month + interval '1 month')::date - i.month)) AS share) f
		WHERE i.month <= p_to AND (i.month + interval '1 month')::date > p_from
		GROUP BY i.customer_id
	), income_finite AS (
		-- a NaN or infinite line is an error naming the customer, not a NaN contribution
		SELECT clientele.value_income_finite('profit_contribution', min(s.customer_id) FILTER (WHERE
		           NOT (s.ftp > '-Infinity' AND s.ftp < 'Infinity') OR NOT (s.fee > '-Infinity' AND s.fee < 'Infinity')
		           OR NOT (s.loan > '-Infinity' AND s.loan < 'Infinity') OR NOT (s.cost > '-Infinity' AND s.cost < 'Infinity'))) AS ok
		FROM supplied_all s
	), supplied AS (
		-- lines of customers the customer input does not know are left out (and said)
		SELECT s.* FROM supplied_all s WHERE s.customer_id IN (SELECT k.customer_id FROM known k)
	), dropped_inc AS (
		SELECT clientele.report_dropped('profit_contribution', 'income', 'a NULL customer_id, or a customer_id not in input customer',
		           sum(s.n) FILTER (WHERE k.customer_id IS NULL)::bigint) AS reported
		FROM supplied_all s LEFT JOIN known k ON k.customer_id = s.customer_id
	), customers AS (
		SELECT c.customer_id,
		       greatest(0, least(p_to, coalesce(c.closed_on, p_to)) - greatest(p_from, c.opened_on) + 1) AS days
		FROM cust c
		WHERE c.opened_on <= p_to AND (c.closed_on IS NULL OR c.closed_on >= p_from)
		UNION
		-- an anti-join, not a correlated NOT EXISTS: Citus plans it over distributed tables
		SELECT s.customer_id, 0 FROM supplied s
		LEFT JOIN cust c ON c.customer_id = s.customer_id
		      AND c.opened_on <= p_to AND (c.closed_on IS NULL OR c.closed_on >= p_from)
		WHERE c.customer_id IS NULL
	), lines AS (
		SELECT k.customer_id,
		       CASE WHEN s.customer_id IS NOT NULL THEN 'income' ELSE 'computed' END AS src,
		       k.days,
		       coalesce(m.avg_balance, 0) AS avg_balance,
		       round(coalesce(CASE WHEN s.customer_id IS NOT NULL THEN s.ftp ELSE m.ftp END, 0), 2) AS ftp,
		       round(coalesce(CASE WHEN s.customer_id IS NOT NULL THEN s.fee ELSE m.fee END, 0), 2) AS fee,
		       round(coalesce(CASE WHEN s.customer_id IS NOT NULL THEN s.loan ELSE m.loan END, 0), 2) AS loan,
		       round(coalesce(m.ecl, 0), 2) AS ecl,
		       round(CASE WHEN s.customer_id IS NOT NULL THEN s.cost
		                  ELSE v_fixed * 12 * k.days / v_basis + coalesce(tc.c, 0) END, 2) AS cost,
		       coalesce(h.n, 0) AS held,
		       coalesce(tc.months, 0) AS months
		FROM customers k
		LEFT JOIN supplied s USING (customer_id)
		LEFT JOIN computed m USING (customer_id)
		LEFT JOIN txn_cost tc USING (customer_id)
		LEFT JOIN held h USING (customer_id)
	)
	SELECT l.customer_id, l.src, l.days, l.avg_balance, l.ftp, l.fee, l.loan, l.ecl, l.cost,
	       l.ftp + l.fee + l.loan - l.ecl - l.cost,
	       greatest(0, least(p_to, coalesce(c.closed_on, p_to)) - c.opened_on),
	       l.held, l.months
	FROM lines l
	LEFT JOIN cust c USING (customer_id)
	-- the reports in this order (transactions, balances, income, then the
	-- finite check), whatever the join order the planner picks: one-row
	-- uncorrelated subqueries, evaluated left to right once
	WHERE (SELECT d.reported FROM dropped d) AND (SELECT db.reported FROM dropped_bal db)
	  AND (SELECT di.reported FROM dropped_inc di) AND (SELECT fi.ok FROM income_finite fi)
	ORDER BY l.customer_id;
END $$;
COMMENT ON FUNCTION clientele.value_lines(date, date) IS
	'Internal: the one pass behind clientele.profit_contribution and clientele.value_classes over the inclusive period: each input read once (balances, accounts, transactions, income, customers; hash joins): the contribution lines of profit_contribution, plus tenure_days (opening to the period end or closing), products_held (distinct product types open at the period end) and months_active (of the last activity_months calendar months ending with the month of p_to, those with a customer-initiated transaction). Reports the rows it leaves out as profit_contribution does. Runs clientele.check_as_of(p_to) first: ERROR 22023 with a hint when the period end is more than clientele.as_of_max_lag_days (a setting, default 31) days after the newest row of the inputs, instead of a silent extrapolation.';

-- ---------------------------------------------------------------------------
-- Profit contribution per customer and period
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION clientele.profit_contribution(p_from date, p_to date)
RETURNS TABLE (customer_id bigint, source text, active_days integer, avg_balance numeric,
               ftp_income numeric, fee_income numeric, loan_interest numeric,
               expected_loss numeric, cost numeric, contribution numeric)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_days integer := clientele.value_check_period(p_from, p_to);
BEGIN
	-- the one pass of clientele.value_lines (each input read once)
	RETURN QUERY
	SELECT v.customer_id, v.source, v.active_days, v.avg_balance, v.ftp_income, v.fee_income, v.loan_interest,
	       v.expected_loss, v.cost, v.contribution
	FROM clientele.value_lines(p_from, p_to) v
	ORDER BY v.customer_id;
END $$;
COMMENT ON FUNCTION clientele.profit_contribution(date, date) IS
	'Profit contribution (贡献度) per customer over the inclusive period: ftp_income + fee_income + loan_interest - expected_loss - cost, each rounded to the cent; negative contribution is reported as such. source = income: the bank''s monthly lines from clientele.in_income (prorated by the days of each month inside the period) when the customer has any for the period; source = computed otherwise: account average daily balance x FTP spread (deposits, investments) / net interest margin (credit) / fee rate x days / day_count_basis, cost = fixed cost per customer-month x active months + per-transaction cost by channel. expected_loss = ADB x PD x LGD x days / basis on credit products in both cases (income lines are before expected loss). Rates: clientele.value_rates; parameters: clientele.value_settings. avg_balance is the summed ADB of non-credit accounts. A closed account''s balance is 0 from its closed_on on (that day included, as clientele.aum), with or without a closing zero snapshot; snapshots dated on or after closed_on are ignored. Accounts it cannot use (NULL keys, unknown product types), balance snapshots of accounts not in the account input, income lines of customers not in the customer input (or without a customer_id: left out) and transactions it cannot cost (NULL customer, channel outside the vocabulary) are reported by a WARNING with the count (an ERROR under clientele.strict_inputs = on). The period end must pass clientele.check_as_of (through clientele.value_lines): ERROR 22023 with a hint when it is more than clientele.as_of_max_lag_days (default 31) days after the newest row of the inputs.';

-- ---------------------------------------------------------------------------
-- Value classes: deciles, profit classes, loyalty x value quadrant
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION clientele.value_classes(p_from date, p_to date)
RETURNS TABLE (customer_id bigint, contribution numeric, annualised numeric, decile integer, profit_class text,
               value_index float8, tenure_days integer, products_held integer, activity_regularity float8,
               loyalty_index float8, quadrant text)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_days integer := clientele.value_check_period(p_from, p_to);
	v_basis numeric := clientele.value_setting('day_count_basis');
	v_high numeric := clientele.value_setting('profit_high_min');
	v_medium numeric := clientele.value_setting('profit_medium_min');
	v_vcut float8 := clientele.value_setting('value_index_cut');
	v_lcut float8 := clientele.value_setting('loyalty_index_cut');
	v_wt float8 := clientele.value_setting('loyalty_weight_tenure');
	v_wp float8 := clientele.value_setting('loyalty_weight_products');
	v_wa float8 := clientele.value_setting('loyalty_weight_activity');
	v_months integer := clientele.value_setting('activity_months');
BEGIN
	RETURN QUERY
	WITH base AS (
		-- the one pass of clientele.value_lines: contribution, tenure,
		-- products held and active months without another scan
		SELECT v.customer_id, v.contribution,
		       round(v.contribution * v_basis / v_days, 2) AS annualised,
		       v.tenure_days AS tenure,
		       v.products_held AS held_n,
		       v.months_active::float8 / v_months AS act
		FROM clientele.value_lines(p_from, p_to) v
	), ranked AS (
		SELECT b.*,
		       ntile(10) OVER (ORDER BY b.contribution DESC, b.customer_id) AS dec,
		       percent_rank() OVER (ORDER BY b.contribution) AS vi,
		       (v_wt * percent_rank() OVER (ORDER BY b.tenure)
		        + v_wp * percent_rank() OVER (ORDER BY b.held_n)
		        + v_wa * percent_rank() OVER (ORDER BY b.act)) / (v_wt + v_wp + v_wa) AS li
		FROM base b
	)
	SELECT r.customer_id, r.contribution, r.annualised, r.dec,
	       CASE WHEN r.annualised < 0 THEN 'negative'
	            WHEN r.annualised >= v_high THEN 'high'
	            WHEN r.annualised >= v_medium THEN 'medium'
	            ELSE 'low' END,
	       r.vi, r.tenure, r.held_n, r.act, r.li,
	       CASE WHEN r.vi >= v_vcut AND r.li >= v_lcut THEN 'A'
	            WHEN r.vi >= v_vcut THEN 'B'
	            WHEN r.li >= v_lcut THEN 'C'
	            ELSE 'D' END
	FROM ranked r
	ORDER BY r.customer_id;
END $$;
COMMENT ON FUNCTION clientele.value_classes(date, date) IS
	'Per customer over the period: contribution (clientele.profit_contribution), annualised contribution (x day_count_basis / days), profitability decile (1 = most profitable tenth, source 000:255), profit class high / medium / low / negative (annualised against profit_high_min and profit_medium_min, source 000:263, 003:226-230), value index = percentile rank of contribution (0..1), loyalty index = weighted mean of the percentile ranks of tenure (days from opening to the period end or closing), products held (distinct product types open at the period end) and activity regularity (share of the last activity_months calendar months with a customer-initiated transaction), and the loyalty x value quadrant (source 000:377-395): A high loyalty & high value, B low loyalty & high value, C high loyalty & low value, D low & low (cuts value_index_cut, loyalty_index_cut). The period end must pass clientele.check_as_of (ERROR 22023 with a hint beyond the data, as clientele.profit_contribution).';

CREATE OR REPLACE FUNCTION clientele.profit_deciles(p_from date, p_to date)
RETURNS TABLE (decile integer, customers bigint, contribution numeric, contribution_share numeric,
               cumulative_share numeric, min_contribution numeric, max_contribution numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	WITH v AS (
		SELECT ntile(10) OVER (ORDER BY p.contribution DESC, p.customer_id) AS d, p.contribution
		FROM clientele.profit_contribution(p_from, p_to) p
	), g AS (
		SELECT v.d, count(*) AS n, sum(v.contribution) AS s, min(v.contribution) AS lo, max(v.contribution) AS hi
		FROM v GROUP BY v.d
	)
	SELECT g.d, g.n, g.s,
	       round(g.s / nullif(sum(g.s) OVER (), 0), 3),
	       round(sum(g.s) OVER (ORDER BY g.d) / nullif(sum(g.s) OVER (), 0), 3),
	       g.lo, g.hi
	FROM g ORDER BY g.d;
$$;
COMMENT ON FUNCTION clientele.profit_deciles(date, date) IS
	'Profitability deciles (source 000:255) of clientele.profit_contribution over the period: customers, total contribution, share of the total and cumulative share (3 decimals; NULL when the total is 0), range. Decile 1 is the most profitable tenth; with negative contributions the cumulative share can exceed 1 before falling back to 1. The period end must pass clientele.check_as_of (ERROR 22023 with a hint beyond the data, as clientele.profit_contribution).';
