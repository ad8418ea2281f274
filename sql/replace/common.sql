-- area: common, re-runnable part (see sql/common.sql): run by a fresh install
-- and by the upgrade from 0.1.0, so every statement here can run again on an
-- existing install (CREATE OR REPLACE, COMMENT ON, REVOKE, guarded DO).

CREATE OR REPLACE FUNCTION clientele.version() RETURNS text
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_version';
COMMENT ON FUNCTION clientele.version() IS 'Version of the loaded clientele shared library.';

CREATE OR REPLACE FUNCTION clientele.config_changed() RETURNS trigger
LANGUAGE c AS 'MODULE_PATHNAME', 'clientele_config_changed';
COMMENT ON FUNCTION clientele.config_changed() IS
	'Statement trigger of every configuration table: tells all backends to recompile their cached copy at commit.';

-- ---------------------------------------------------------------------------
-- Argument checks shared by the SQL functions (one wording per kind of error)
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION clientele.check_date(d date, what text) RETURNS date
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_check_date';
COMMENT ON FUNCTION clientele.check_date(date, text) IS
	'Internal: the checks of a date argument named what (an as-of date, a period bound), the same as the C functions'' (cl_check_date_arg): ERROR 22004 "<what> must not be NULL", 22023 "<what> must be a finite date, got infinity", 22023 "<what> must be a date between 0001-01-01 and 9999-12-31, got <d>" (so that every window and horizon around it stays within the range of timestamps). Returns d.';

CREATE OR REPLACE FUNCTION clientele.as_of_max_lag_days() RETURNS integer
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_setting text := pg_catalog.current_setting('clientele.as_of_max_lag_days', true);
BEGIN
	IF v_setting IS NULL OR v_setting OPERATOR(pg_catalog.=) '' THEN
		RETURN 31;
	END IF;
	IF v_setting OPERATOR(pg_catalog.!~) '^\s*[0-9]{1,6}\s*$' THEN
		RAISE EXCEPTION 'setting clientele.as_of_max_lag_days must be a whole number of days between 0 and 999999, got "%"', v_setting
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'SET clientele.as_of_max_lag_days = 31 (the default), or RESET it.';
	END IF;
	RETURN v_setting::integer;
END $$;
COMMENT ON FUNCTION clientele.as_of_max_lag_days() IS
	'Internal: the setting clientele.as_of_max_lag_days (a custom GUC: how many days an as-of date may lie after the newest input row; default 31 when unset or empty), validated for every reader (clientele.check_as_of, clientele.calibration_holdout): anything but a whole number 0..999999 is ERROR 22023 with a hint.';

-- ===========================================================================
-- The config-table recipe (docs/DEVELOPING.md, "Configuration tables"):
--   * a table in schema clientele with a column builtin boolean NOT NULL
--     DEFAULT false (shipped rows: true; a table without it is entirely shipped);
--   * validated on write by a deferred constraint trigger of the area that
--     names the offending rows;
--   * SELECT clientele.config_table_register('clientele.t', ...) installs the
--     rest: protect_builtin triggers (shipped rows are written only by the
--     extension's scripts), the config_changed statement trigger (per-backend
--     caches, src/common/config_cache.h) and pg_extension_config_dump
--     (WHERE NOT builtin), so a dump keeps exactly the bank's rows.
-- ===========================================================================

CREATE OR REPLACE FUNCTION clientele.protect_builtin() RETURNS trigger
LANGUAGE c AS 'MODULE_PATHNAME', 'clientele_protect_builtin';
COMMENT ON FUNCTION clientele.protect_builtin() IS
	'Trigger of every configuration table: rows with builtin = true (or every row of a table without a builtin column) ship with the extension and only its scripts may insert, update, delete or truncate them; pg_dump keeps the other rows only. The trigger argument is the hint shown (what to do instead, e.g. copy the row with builtin = false).';

CREATE OR REPLACE FUNCTION clientele.config_table_register(p_table regclass, p_hint text DEFAULT NULL,
	p_validate regprocedure DEFAULT NULL, p_what text DEFAULT NULL, p_rows text DEFAULT 'mixed',
	p_cached boolean DEFAULT true)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_name name;
	v_nsp name;
	v_has_builtin boolean;
	v_what text := coalesce(p_what, 'configuration');
BEGIN
	SELECT c.relname, n.nspname INTO v_name, v_nsp
	FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
	WHERE c.oid OPERATOR(pg_catalog.=) p_table;
	IF v_nsp IS DISTINCT FROM 'clientele' THEN
		RAISE EXCEPTION 'configuration table % is not in schema clientele', p_table
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT a.atttypid OPERATOR(pg_catalog.=) 'pg_catalog.bool'::pg_catalog.regtype AND a.attnotnull INTO v_has_builtin
	FROM pg_catalog.pg_attribute a
	WHERE a.attrelid OPERATOR(pg_catalog.=) p_table AND a.attname OPERATOR(pg_catalog.=) 'builtin' AND NOT a.attisdropped;
	IF p_rows IS NULL OR p_rows NOT IN ('mixed', 'shipped', 'bank') THEN
		RAISE EXCEPTION 'p_rows must be mixed, shipped or bank, got %', coalesce(p_rows, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF (p_rows OPERATOR(pg_catalog.=) 'mixed') IS DISTINCT FROM coalesce(v_has_builtin, false) THEN
		RAISE EXCEPTION 'configuration table % needs a column builtin boolean NOT NULL exactly when its rows are mixed', p_table
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'p_rows: mixed (shipped rows have builtin = true), shipped (every row ships with the extension), bank (every row is the bank''s).';
	END IF;
	v_has_builtin := coalesce(v_has_builtin, false);

	-- DROP + CREATE rather than CREATE OR REPLACE TRIGGER (PostgreSQL 14+): idempotent everywhere
	EXECUTE pg_catalog.format('DROP TRIGGER IF EXISTS %I ON %s', v_name OPERATOR(pg_catalog.||) '_protect_builtin', p_table);
	EXECUTE pg_catalog.format('DROP TRIGGER IF EXISTS %I ON %s', v_name OPERATOR(pg_catalog.||) '_protect_builtin_truncate', p_table);
	EXECUTE pg_catalog.format('DROP TRIGGER IF EXISTS %I ON %s', v_name OPERATOR(pg_catalog.||) '_config_changed', p_table);
	IF p_rows OPERATOR(pg_catalog.<>) 'bank' THEN
		EXECUTE pg_catalog.format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE OR DELETE ON %s '
			'FOR EACH ROW EXECUTE FUNCTION clientele.protect_builtin(%L)',
			v_name OPERATOR(pg_catalog.||) '_protect_builtin', p_table,
			coalesce(p_hint, 'Copy the row with builtin = false and change the copy.'));
		EXECUTE pg_catalog.format('COMMENT ON TRIGGER %I ON %s IS %L',
			v_name OPERATOR(pg_catalog.||) '_protect_builtin', p_table,
			CASE WHEN v_has_builtin THEN 'Rows shipped with the extension (builtin) are written only by its scripts; pg_dump keeps the other rows.'
			     ELSE 'The table ships with the extension: its rows are written only by the extension''s scripts.' END);
		EXECUTE pg_catalog.format('CREATE TRIGGER %I BEFORE TRUNCATE ON %s '
			'FOR EACH STATEMENT EXECUTE FUNCTION clientele.protect_builtin(%L)',
			v_name OPERATOR(pg_catalog.||) '_protect_builtin_truncate', p_table,
			coalesce(p_hint, 'Copy the row with builtin = false and change the copy.'));
		EXECUTE pg_catalog.format('COMMENT ON TRIGGER %I ON %s IS %L',
			v_name OPERATOR(pg_catalog.||) '_protect_builtin_truncate', p_table,
			'TRUNCATE would remove rows shipped with the extension: refused when there are any.');
	END IF;
	IF p_cached THEN
		EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %s '
			'FOR EACH STATEMENT EXECUTE FUNCTION clientele.config_changed()',
			v_name OPERATOR(pg_catalog.||) '_config_changed', p_table);
		EXECUTE pg_catalog.format('COMMENT ON TRIGGER %I ON %s IS %L',
			v_name OPERATOR(pg_catalog.||) '_config_changed', p_table,
			'Tells every backend to recompile its cached copy of the ' OPERATOR(pg_catalog.||) v_what OPERATOR(pg_catalog.||) ' after a change.');
	END IF;
	IF p_validate IS NOT NULL THEN
		EXECUTE pg_catalog.format('DROP TRIGGER IF EXISTS %I ON %s', v_name OPERATOR(pg_catalog.||) '_valid', p_table);
		EXECUTE pg_catalog.format('CREATE CONSTRAINT TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %s '
			'DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION %s()',
			v_name OPERATOR(pg_catalog.||) '_valid', p_table,
			pg_catalog.format('%I.%I', (SELECT n.nspname FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace WHERE p.oid OPERATOR(pg_catalog.=) p_validate),
			                  (SELECT p.proname FROM pg_catalog.pg_proc p WHERE p.oid OPERATOR(pg_catalog.=) p_validate)));
		EXECUTE pg_catalog.format('COMMENT ON TRIGGER %I ON %s IS %L',
			v_name OPERATOR(pg_catalog.||) '_valid', p_table,
			'Validates the ' OPERATOR(pg_catalog.||) v_what OPERATOR(pg_catalog.||) ' when the transaction commits (SET CONSTRAINTS clientele.'
			OPERATOR(pg_catalog.||) v_name OPERATOR(pg_catalog.||) '_valid IMMEDIATE to check after each statement); the error names the offending rows.');
	END IF;
	IF p_rows OPERATOR(pg_catalog.=) 'mixed' THEN
		PERFORM pg_catalog.pg_extension_config_dump(p_table, 'WHERE NOT builtin');
	ELSIF p_rows OPERATOR(pg_catalog.=) 'bank' THEN
		PERFORM pg_catalog.pg_extension_config_dump(p_table, '');
	END IF;
END $$;
REVOKE ALL ON FUNCTION clientele.config_table_register(regclass, text, regprocedure, text, text, boolean) FROM PUBLIC;
COMMENT ON FUNCTION clientele.config_table_register(regclass, text, regprocedure, text, text, boolean) IS
	'For the extension''s own scripts: makes p_table a configuration table of the one recipe. p_rows: mixed (the table has a column builtin boolean NOT NULL DEFAULT false, true on shipped rows), shipped (every row ships with the extension) or bank (every row is the bank''s). Installs the <table>_protect_builtin (row) and <table>_protect_builtin_truncate triggers (clientele.protect_builtin, hint p_hint; not for bank tables), the <table>_config_changed statement trigger (clientele.config_changed) unless p_cached is false (no C code caches the table), with p_validate the deferred constraint trigger <table>_valid, and registers the table with pg_extension_config_dump (WHERE NOT builtin for mixed rows, every row for bank tables, none for shipped tables). p_what names the configuration in trigger comments. Idempotent (upgrade scripts call it again).';


CREATE OR REPLACE FUNCTION clientele.fit_state_in(cstring) RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_fit_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.fit_state_in(cstring) IS 'Input function of clientele.fit_state: "clfs2:" followed by the hex of the portable serial form (also the 0.1.0 form "clfs1:"); every invariant of the aggregates is checked on the way in.';

CREATE OR REPLACE FUNCTION clientele.fit_state_out(clientele.fit_state) RETURNS cstring
AS 'MODULE_PATHNAME', 'clientele_fit_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.fit_state_out(clientele.fit_state) IS 'Output function of clientele.fit_state: "clfs2:" followed by the hex of the portable serial form (little-endian, versioned; sorted distinct rows).';

CREATE OR REPLACE FUNCTION clientele.fit_state_send(clientele.fit_state) RETURNS bytea
AS 'MODULE_PATHNAME', 'clientele_fit_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.fit_state_send(clientele.fit_state) IS 'Binary output function of clientele.fit_state: the portable serial form (little-endian, versioned; sorted distinct rows).';

CREATE OR REPLACE FUNCTION clientele.fit_state_recv(internal) RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_fit_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.fit_state_recv(internal) IS 'Binary input function of clientele.fit_state: the portable serial form, with every invariant of the aggregates checked.';

-- A fresh install defines the shell type of sql/common.sql here; an upgrade
-- finds it defined.  Binary I/O (new in 0.2.0) is set in both cases.
DO $$
BEGIN
	IF NOT (SELECT t.typisdefined FROM pg_catalog.pg_type t WHERE t.typname OPERATOR(pg_catalog.=) 'fit_state'
	         AND t.typnamespace OPERATOR(pg_catalog.=) 'clientele'::pg_catalog.regnamespace) THEN
		CREATE TYPE clientele.fit_state (
			INPUT = clientele.fit_state_in,
			OUTPUT = clientele.fit_state_out,
			INTERNALLENGTH = VARIABLE,
			ALIGNMENT = double,
			STORAGE = extended
		);
	END IF;
END $$;
ALTER TYPE clientele.fit_state SET (SEND = clientele.fit_state_send, RECEIVE = clientele.fit_state_recv);
COMMENT ON TYPE clientele.fit_state IS 'Transition state of the model fit aggregates: the distinct (x, tx, T) input rows with their counts, so a fit costs the number of distinct rows.';

CREATE OR REPLACE FUNCTION clientele.fit_state_combine(clientele.fit_state, clientele.fit_state)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_fit_state_combine'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.fit_state_combine(clientele.fit_state, clientele.fit_state) IS 'Combine function of the model fit aggregates: adds the row counts of the second state to the first (aggregate use only).';
