-- area: sources, re-runnable part (see sql/sources.sql): run by a fresh
-- install and by the upgrade from 0.1.0, so every statement here can run
-- again on an existing install (CREATE OR REPLACE, COMMENT ON, DROP IF
-- EXISTS + CREATE for triggers, guarded DO, idempotent calls).

-- ---------------------------------------------------------------------------
-- Internal helpers
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION clientele.source_check_input(p_input text) RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF p_input IS NULL OR NOT EXISTS (SELECT 1 FROM clientele.input_column WHERE input OPERATOR(pg_catalog.=) p_input) THEN
		RAISE EXCEPTION 'unknown input "%"', p_input
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Inputs are: customer, account, balance, transaction, interaction, income.';
	END IF;
END $$;
COMMENT ON FUNCTION clientele.source_check_input(text) IS 'Internal: raises 22023 unless the input name is known.';

-- Quotes a relation name stored as text without needing the relation to exist.
CREATE OR REPLACE FUNCTION clientele.source_quote(p_relation text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
	SELECT string_agg(quote_ident(p), '.' ORDER BY o) FROM unnest(parse_ident(p_relation)) WITH ORDINALITY u(p, o)
$$;
COMMENT ON FUNCTION clientele.source_quote(text) IS 'Internal: the quoted form of a (possibly qualified) relation name, from parse_ident (a malformed name is an error).';

CREATE OR REPLACE FUNCTION clientele.source_trusted(p_owner oid) RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
	SELECT EXISTS (SELECT 1 FROM pg_roles r WHERE r.oid OPERATOR(pg_catalog.=) p_owner AND r.rolsuper)
	    OR p_owner OPERATOR(pg_catalog.=) (SELECT e.extowner FROM pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'clientele')
	    OR (EXISTS (SELECT 1 FROM pg_roles WHERE rolname OPERATOR(pg_catalog.=) 'clientele_admin')
	        AND pg_has_role(p_owner, 'clientele_admin', 'MEMBER'))
$$;
COMMENT ON FUNCTION clientele.source_trusted(oid) IS
	'Internal: whether a role may own a source relation (a superuser, the extension owner or a member of clientele_admin): anything else could run its own code with the rights of whoever queries an input view.';

CREATE OR REPLACE FUNCTION clientele.source_check_owner(p_input text, p_relation regclass) RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_owner oid := (SELECT relowner FROM pg_class WHERE oid OPERATOR(pg_catalog.=) p_relation);
BEGIN
	IF NOT clientele.source_trusted(v_owner) THEN
		RAISE EXCEPTION 'source % of input "%" is owned by role %, which is not trusted', p_relation, p_input, v_owner::regrole
			USING ERRCODE = 'insufficient_privilege',
			      DETAIL = 'Functions in a view run with the rights of whoever queries it; only relations owned by a superuser, the extension owner or a member of clientele_admin are accepted.',
			      HINT = 'Have a trusted role own the relation (ALTER TABLE/VIEW ... OWNER TO), or create a view over it owned by one.';
	END IF;
END $$;
COMMENT ON FUNCTION clientele.source_check_owner(text, regclass) IS 'Internal: raises 42501 naming the owner unless clientele.source_trusted accepts the owner of the relation.';

-- Shape local_time: "local AT TIME ZONE zone", with the zone resolved once per
-- call site and the UTC offset reused while it holds (src/sources.c).
CREATE OR REPLACE FUNCTION clientele.local_time(local timestamp, zone text) RETURNS timestamptz
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_local_time';
COMMENT ON FUNCTION clientele.local_time(timestamp, text) IS
	'The instant at which the clocks of time zone zone showed local: the same as local AT TIME ZONE zone (timezone(text, timestamp)), also across daylight-saving transitions (a repeated local time is the later instant, a skipped one is read with the offset before the change), but cheaper per row: the zone is resolved once per call site and its UTC offset reused between transitions. A date converts as its midnight. Used by the input views for the local_time column shape.';

-- Code maps: the code_map rows of an input column as two constant arrays,
-- looked up bytewise per row (src/sources.c: the map built once per call site).
CREATE OR REPLACE FUNCTION clientele.recode(code text, source_codes text[], codes text[]) RETURNS text
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_recode';
COMMENT ON FUNCTION clientele.recode(text, text[], text[]) IS
	'codes[i] for the first source_codes[i] equal to code byte for byte (as = under COLLATE "C": case-sensitive), code itself when none is, NULL for NULL: the same as CASE code COLLATE "C" WHEN source_codes[1] THEN codes[1] ... ELSE code END, but one call per row (the map is built once per call site, a hash table past 8 codes). Used by the input views for the code_map rows of a column. Arrays of different lengths or with NULL elements are errors (22023, 22004).';

-- The body of clientele.source_<input>(): the SELECT over the source.
CREATE OR REPLACE FUNCTION clientele.source_body(p_input text) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_relation text;
	v_reg regclass;
	c record;
	sc record;
	v_att record;
	v_expr text;
	v_items text[] := '{}';
	v_joins text := '';
	v_src_codes text[];
	v_codes text[];
	v_src_col name;
	v_nsp name;
	v_rel name;
BEGIN
	PERFORM clientele.source_check_input(p_input);
	SELECT relation INTO v_relation FROM clientele.source_config WHERE input OPERATOR(pg_catalog.=) p_input;
	IF NOT FOUND THEN
		-- the canonical table
		SELECT string_agg(format('s.%I::%s', column_name, type_name), ', ' ORDER BY ordinal) INTO v_expr
		FROM clientele.input_column WHERE input OPERATOR(pg_catalog.=) p_input;
		RETURN format('SELECT %s FROM clientele.%I s', v_expr, p_input);
	END IF;
	v_reg := to_regclass(clientele.source_quote(v_relation));
	IF v_reg IS NULL THEN
		-- the source is gone: every query of the input fails, naming it
		-- (columns computed from the function's output, so that no constant-folded qual can skip the call)
		SELECT string_agg(format('(NULLIF(m.m, m.m))::text::%s', type_name), ', ' ORDER BY ordinal) INTO v_expr
		FROM clientele.input_column WHERE input OPERATOR(pg_catalog.=) p_input;
		RETURN format('SELECT %s FROM clientele.source_missing(%L, %L) m', v_expr, p_input, v_relation);
	END IF;
	PERFORM clientele.source_check_owner(p_input, v_reg);
	SELECT n.nspname, r.relname INTO v_nsp, v_rel
	FROM pg_class r JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) r.relnamespace WHERE r.oid OPERATOR(pg_catalog.=) v_reg;
	FOR c IN SELECT * FROM clientele.input_column WHERE input OPERATOR(pg_catalog.=) p_input ORDER BY ordinal LOOP
		SELECT * INTO sc FROM clientele.source_column
		WHERE input OPERATOR(pg_catalog.=) p_input AND column_name OPERATOR(pg_catalog.=) c.column_name;
		IF NOT FOUND THEN
			SELECT a.attname INTO v_att FROM pg_attribute a
			WHERE a.attrelid OPERATOR(pg_catalog.=) v_reg AND a.attname OPERATOR(pg_catalog.=) c.column_name
			  AND a.attnum > 0 AND NOT a.attisdropped;
			v_expr := CASE WHEN FOUND THEN format('s.%I', c.column_name) ELSE 'NULL' END;
			v_src_col := CASE WHEN FOUND THEN c.column_name END;
		ELSE
			v_src_col := CASE WHEN sc.shape = 'column' THEN sc.source_column END;
			v_expr := CASE sc.shape
				WHEN 'column' THEN format('s.%I', sc.source_column)
				WHEN 'constant' THEN format('%L', sc.argument)
				WHEN 'abs' THEN format('abs(s.%I)', sc.source_column)
				WHEN 'sign_direction' THEN format('CASE WHEN s.%1$I < 0 THEN %2$L WHEN s.%1$I > 0 THEN %3$L ELSE %4$L END',
				                                  sc.source_column, 'out', 'in', 'none')
				WHEN 'local_time' THEN format('clientele.local_time(s.%I, %L)', sc.source_column, sc.argument)
				WHEN 'key' THEN format('k%s.id', c.ordinal)
			END;
			IF sc.shape = 'key' THEN
				v_joins := v_joins || format(' LEFT JOIN clientele.key_map k%1$s ON k%1$s.kind OPERATOR(pg_catalog.=) %2$L AND k%1$s.bank_key OPERATOR(pg_catalog.=) (s.%3$I)::text',
				                             c.ordinal, sc.argument, sc.source_column);
			END IF;
		END IF;
		-- the code map through clientele.recode: codes compared bytewise (as
		-- COLLATE "C", as code_map documents), searched most frequent first
		-- (the source column's most common values as ANALYZE last saw them;
		-- else by code), so that a row costs the fewest comparisons
		SELECT array_agg(m.source_code ORDER BY f.freq DESC NULLS LAST, m.source_code COLLATE pg_catalog."C"),
		       array_agg(m.code ORDER BY f.freq DESC NULLS LAST, m.source_code COLLATE pg_catalog."C")
		INTO v_src_codes, v_codes
		FROM clientele.code_map m
		LEFT JOIN LATERAL (
			SELECT max(u.freq) AS freq
			FROM pg_stats st, unnest(st.most_common_vals::text::text[], st.most_common_freqs) AS u(val, freq)
			WHERE v_src_col IS NOT NULL AND st.schemaname OPERATOR(pg_catalog.=) v_nsp AND st.tablename OPERATOR(pg_catalog.=) v_rel
			  AND st.attname OPERATOR(pg_catalog.=) v_src_col AND u.val OPERATOR(pg_catalog.=) m.source_code) f ON true
		WHERE m.input OPERATOR(pg_catalog.=) p_input AND m.column_name OPERATOR(pg_catalog.=) c.column_name;
		IF v_src_codes IS NOT NULL AND v_expr <> 'NULL' THEN
			v_expr := format('clientele.recode((%s)::text, %L::text[], %L::text[])', v_expr, v_src_codes, v_codes);
		END IF;
		v_items := v_items || format('(%s)::%s', v_expr, c.type_name);
	END LOOP;
	RETURN format('SELECT %s FROM %s s%s', array_to_string(v_items, ', '), v_reg, v_joins);
END $$;
COMMENT ON FUNCTION clientele.source_body(text) IS
	'Internal: the SELECT of clientele.source_<input>() from the configuration (canonical table; or the mapped relation with column shapes, key map joins and code maps (clientele.recode); or, when the relation is gone, a call of clientele.source_missing). Refuses a relation owned by an untrusted role.';

CREATE OR REPLACE FUNCTION clientele.source_missing(p_input text, p_relation text) RETURNS SETOF integer
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	RAISE EXCEPTION 'input "%" reads relation %, which does not exist', p_input, p_relation
		USING ERRCODE = 'undefined_table',
		      HINT = format('Create it again and run SELECT clientele.use_source(%L, %L), or go back to the canonical table with SELECT clientele.use_source(%L, NULL).',
		                    p_input, p_relation, p_input);
END $$;
COMMENT ON FUNCTION clientele.source_missing(text, text) IS
	'Internal: the body of an input whose source relation was dropped; raises 42P01 naming the input and the relation.';

CREATE OR REPLACE FUNCTION clientele.source_compile(p_input text) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp SET check_function_bodies = off AS $$
DECLARE
	v_cols text;
	v_body text := clientele.source_body(p_input);
	v_mapped boolean := EXISTS (SELECT 1 FROM clientele.source_config WHERE input OPERATOR(pg_catalog.=) p_input);
	v_distributed boolean := false;
BEGIN
	-- on Citus a mapped input would read its relation through the function,
	-- which Citus plans as a local query: a distributed relation reads as empty
	IF v_mapped AND pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL THEN
		EXECUTE 'SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition WHERE logicalrelid OPERATOR(pg_catalog.=) ''clientele.customer''::regclass)'
			INTO v_distributed;
		IF v_distributed THEN
			RAISE EXCEPTION 'input "%" cannot read another relation: the clientele tables are distributed by Citus', p_input
				USING ERRCODE = 'feature_not_supported',
				      DETAIL = 'A mapped input reads its relation through an inlined function, which Citus plans as a local query.',
				      HINT = 'Load the bank''s data into the clientele tables (docs/distributed.md).';
		END IF;
	END IF;
	SELECT string_agg(format('%I %s', column_name, type_name), ', ' ORDER BY ordinal) INTO v_cols
	FROM clientele.input_column WHERE input OPERATOR(pg_catalog.=) p_input;
	EXECUTE format('CREATE OR REPLACE FUNCTION clientele.%I() RETURNS TABLE (%s) LANGUAGE sql STABLE PARALLEL SAFE AS %L',
	               'source_' || p_input, v_cols, v_body);
	-- the input view: straight over the canonical table while the input is
	-- not mapped (an extension table: no dependency on a user relation, and
	-- a planner hook such as Citus's sees the table), else through the
	-- function, whose body names the source as text
	EXECUTE format('CREATE OR REPLACE VIEW clientele.%I WITH (security_invoker = true) AS %s', 'in_' || p_input,
	               CASE WHEN v_mapped THEN format('SELECT * FROM clientele.%I()', 'source_' || p_input)
	                    ELSE v_body END);
END $$;
COMMENT ON FUNCTION clientele.source_compile(text) IS
	'Internal: (re)creates clientele.source_<input>(), the inlined SQL function over the input''s source, from the configuration, and the security_invoker input view clientele.in_<input>: the same SELECT straight over the canonical table while the input is not mapped (so Citus and other planner hooks see the table), a SELECT from the function when it is. Refuses a mapped input once the clientele tables are distributed by Citus (0A000).';

CREATE OR REPLACE FUNCTION clientele.sources_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	i text;
BEGIN
	-- one compilation at a time (a parallel pg_restore loads the configuration tables concurrently)
	PERFORM pg_advisory_xact_lock(7164040592227803136);
	FOR i IN SELECT DISTINCT input FROM clientele.input_column ORDER BY 1 LOOP
		PERFORM clientele.source_compile(i);
	END LOOP;
	RETURN NULL;
END $$;
COMMENT ON FUNCTION clientele.sources_changed() IS
	'Statement trigger of source_config, source_column and code_map: recompiles the input functions (also when pg_restore loads the rows, so a restore re-creates the mapping).';
DROP TRIGGER IF EXISTS source_config_changed ON clientele.source_config;
CREATE TRIGGER source_config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clientele.source_config
	FOR EACH STATEMENT EXECUTE FUNCTION clientele.sources_changed();
COMMENT ON TRIGGER source_config_changed ON clientele.source_config IS 'Recompiles the input functions.';
DROP TRIGGER IF EXISTS source_column_changed ON clientele.source_column;
CREATE TRIGGER source_column_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clientele.source_column
	FOR EACH STATEMENT EXECUTE FUNCTION clientele.sources_changed();
COMMENT ON TRIGGER source_column_changed ON clientele.source_column IS 'Recompiles the input functions.';
DROP TRIGGER IF EXISTS code_map_changed ON clientele.code_map;
CREATE TRIGGER code_map_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clientele.code_map
	FOR EACH STATEMENT EXECUTE FUNCTION clientele.sources_changed();
COMMENT ON TRIGGER code_map_changed ON clientele.code_map IS 'Recompiles the input functions.';

CREATE OR REPLACE FUNCTION clientele.code_map_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF NEW.input = 'account' AND NEW.column_name = 'product_type' THEN
		IF NOT EXISTS (SELECT 1 FROM clientele.product_type WHERE product_type OPERATOR(pg_catalog.=) NEW.code) THEN
			RAISE EXCEPTION 'code map %.%: "%" -> "%" names an unknown product type', NEW.input, NEW.column_name, NEW.source_code, NEW.code
				USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'code_map_code_valid',
				      HINT = 'Add the product type to clientele.product_type first.';
		END IF;
	ELSIF NOT EXISTS (SELECT 1 FROM clientele.input_vocabulary v WHERE v.input OPERATOR(pg_catalog.=) NEW.input
	                  AND v.column_name OPERATOR(pg_catalog.=) NEW.column_name) THEN
		RAISE EXCEPTION 'input column %.% has no vocabulary to map codes into', NEW.input, NEW.column_name
			USING ERRCODE = 'check_violation', CONSTRAINT = 'code_map_code_valid',
			      HINT = 'Columns with codes: account.product_type, ' || (SELECT string_agg(DISTINCT input || '.' || column_name, ', ') FROM clientele.input_vocabulary) || '.';
	ELSIF NOT EXISTS (SELECT 1 FROM clientele.input_vocabulary v WHERE v.input OPERATOR(pg_catalog.=) NEW.input
	                  AND v.column_name OPERATOR(pg_catalog.=) NEW.column_name AND v.code OPERATOR(pg_catalog.=) NEW.code) THEN
		RAISE EXCEPTION 'code map %.%: "%" -> "%" is not in the vocabulary', NEW.input, NEW.column_name, NEW.source_code, NEW.code
			USING ERRCODE = 'check_violation', CONSTRAINT = 'code_map_code_valid',
			      HINT = 'Codes: ' || (SELECT string_agg(code, ', ' ORDER BY code) FROM clientele.input_vocabulary v
			                           WHERE v.input OPERATOR(pg_catalog.=) NEW.input AND v.column_name OPERATOR(pg_catalog.=) NEW.column_name) || '.';
	END IF;
	RETURN NEW;
END $$;
COMMENT ON FUNCTION clientele.code_map_check() IS 'Trigger function: a code map row must map into the vocabulary of its column (constraint code_map_code_valid).';
DROP TRIGGER IF EXISTS code_map_code_valid ON clientele.code_map;
CREATE TRIGGER code_map_code_valid BEFORE INSERT OR UPDATE ON clientele.code_map
	FOR EACH ROW EXECUTE FUNCTION clientele.code_map_check();
COMMENT ON TRIGGER code_map_code_valid ON clientele.code_map IS 'Checks the target code against the vocabulary.';

-- ---------------------------------------------------------------------------
-- The input functions and views (canonical at install)
-- ---------------------------------------------------------------------------
SELECT clientele.source_compile(i) FROM (VALUES ('customer'), ('account'), ('balance'), ('transaction'), ('interaction'), ('income')) v(i);
-- the input views' columns mean what the canonical tables' columns mean
-- (CREATE OR REPLACE VIEW of a later clientele.use_source keeps them)
DO $comments$
DECLARE
	c record;
BEGIN
	FOR c IN SELECT i.input, i.column_name,
	                coalesce(pg_catalog.col_description(('clientele.' OPERATOR(pg_catalog.||) i.input)::regclass, a.attnum),
	                         'Column ' OPERATOR(pg_catalog.||) i.column_name OPERATOR(pg_catalog.||) ' of the input.') AS txt
	         FROM clientele.input_column i
	         LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) ('clientele.' OPERATOR(pg_catalog.||) i.input)::regclass
	              AND a.attname OPERATOR(pg_catalog.=) i.column_name AND NOT a.attisdropped LOOP
		EXECUTE pg_catalog.format('COMMENT ON COLUMN clientele.%I.%I IS %L', 'in_' OPERATOR(pg_catalog.||) c.input, c.column_name,
		                          c.txt OPERATOR(pg_catalog.||) ' (Input view: the bank''s source after clientele.use_source.)');
	END LOOP;
END
$comments$;
COMMENT ON FUNCTION clientele.source_customer() IS 'Internal, inlined by the planner: the rows of input customer (compiled by clientele.source_compile).';
COMMENT ON FUNCTION clientele.source_account() IS 'Internal, inlined by the planner: the rows of input account (compiled by clientele.source_compile).';
COMMENT ON FUNCTION clientele.source_balance() IS 'Internal, inlined by the planner: the rows of input balance (compiled by clientele.source_compile).';
COMMENT ON FUNCTION clientele.source_transaction() IS 'Internal, inlined by the planner: the rows of input transaction (compiled by clientele.source_compile).';
COMMENT ON FUNCTION clientele.source_interaction() IS 'Internal, inlined by the planner: the rows of input interaction (compiled by clientele.source_compile).';
COMMENT ON FUNCTION clientele.source_income() IS 'Internal, inlined by the planner: the rows of input income (compiled by clientele.source_compile).';

COMMENT ON VIEW clientele.in_customer IS 'Input view: customers (clientele.customer unless clientele.use_source says otherwise).';
COMMENT ON VIEW clientele.in_account IS 'Input view: accounts (clientele.account unless clientele.use_source says otherwise).';
COMMENT ON VIEW clientele.in_balance IS 'Input view: end-of-day balances (clientele.balance unless clientele.use_source says otherwise).';
COMMENT ON VIEW clientele.in_transaction IS 'Input view: transactions (clientele.transaction unless clientele.use_source says otherwise).';
COMMENT ON VIEW clientele.in_interaction IS 'Input view: interactions (clientele.interaction unless clientele.use_source says otherwise).';
COMMENT ON VIEW clientele.in_income IS 'Input view: monthly income lines (clientele.income unless clientele.use_source says otherwise).';

-- ---------------------------------------------------------------------------
-- Mapping functions
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION clientele.sync_keys(p_input text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	r record;
	n bigint;
	v_total bigint := 0;
BEGIN
	IF p_input IS NOT NULL THEN
		PERFORM clientele.source_check_input(p_input);
	END IF;
	FOR r IN SELECT sc.input, sc.argument, sc.source_column, cfg.relation
	         FROM clientele.source_column sc JOIN clientele.source_config cfg USING (input)
	         WHERE sc.shape OPERATOR(pg_catalog.=) 'key' AND (p_input IS NULL OR sc.input OPERATOR(pg_catalog.=) p_input)
	         ORDER BY sc.input, sc.column_name LOOP
		IF to_regclass(clientele.source_quote(r.relation)) IS NULL THEN
			CONTINUE;
		END IF;
		EXECUTE format('INSERT INTO clientele.key_map (kind, bank_key)
		                SELECT %L, k FROM (SELECT DISTINCT (s.%I)::text AS k FROM %s s WHERE s.%I IS NOT NULL) d
		                ORDER BY k ON CONFLICT DO NOTHING',
		               r.argument, r.source_column, to_regclass(clientele.source_quote(r.relation)), r.source_column);
		GET DIAGNOSTICS n = ROW_COUNT;
		v_total := v_total + n;
	END LOOP;
	RETURN v_total;
END $$;
COMMENT ON FUNCTION clientele.sync_keys(text) IS
	'Adds the bank numbers of key-shaped source columns (clientele.source_column shape key) that clientele.key_map does not know yet, in sorted order; existing ids never change. Returns how many were added. Run it after loading new customers or accounts into a mapped source (use_source runs it).';

CREATE OR REPLACE FUNCTION clientele.bank_key(p_kind text, p_id bigint) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
	SELECT coalesce((SELECT k.bank_key FROM clientele.key_map k
	                 WHERE k.kind OPERATOR(pg_catalog.=) p_kind AND k.id OPERATOR(pg_catalog.=) p_id),
	                p_id::text)
$$;
COMMENT ON FUNCTION clientele.bank_key(text, bigint) IS
	'The bank''s own number of a customer or account id (kind customer or account) as clientele.key_map records it, or the id itself as text when the source uses numeric ids.';

CREATE OR REPLACE FUNCTION clientele.map_column(p_input text, p_column name, p_shape text, p_source name DEFAULT NULL,
                                     p_argument text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	PERFORM clientele.source_check_input(p_input);
	IF NOT EXISTS (SELECT 1 FROM clientele.input_column WHERE input OPERATOR(pg_catalog.=) p_input AND column_name OPERATOR(pg_catalog.=) p_column) THEN
		RAISE EXCEPTION 'input "%" has no column "%"', p_input, p_column
			USING ERRCODE = 'undefined_column',
			      HINT = 'Columns: ' || (SELECT string_agg(column_name, ', ' ORDER BY ordinal) FROM clientele.input_column WHERE input OPERATOR(pg_catalog.=) p_input) || '.';
	END IF;
	IF p_shape IS NULL THEN
		DELETE FROM clientele.source_column WHERE input OPERATOR(pg_catalog.=) p_input AND column_name OPERATOR(pg_catalog.=) p_column;
		RETURN;
	END IF;
	IF p_shape NOT IN ('column', 'constant', 'abs', 'sign_direction', 'local_time', 'key') THEN
		RAISE EXCEPTION 'unknown column shape "%"', p_shape
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Shapes: column, constant, abs, sign_direction, local_time, key.';
	END IF;
	IF p_shape = 'local_time' AND NOT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name OPERATOR(pg_catalog.=) p_argument) THEN
		RAISE EXCEPTION 'unknown time zone "%"', p_argument
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Use a name from pg_timezone_names, e.g. Asia/Shanghai.';
	END IF;
	IF p_shape = 'key' THEN
		p_argument := coalesce(p_argument, CASE WHEN p_column = 'account_id' THEN 'account' ELSE 'customer' END);
	END IF;
	INSERT INTO clientele.source_column (input, column_name, shape, source_column, argument)
	VALUES (p_input, p_column, p_shape, p_source, p_argument)
	ON CONFLICT (input, column_name) DO UPDATE
		SET shape = EXCLUDED.shape, source_column = EXCLUDED.source_column, argument = EXCLUDED.argument;
END $$;
COMMENT ON FUNCTION clientele.map_column(text, name, text, name, text) IS
	'Says how input column p_column is computed from the mapped source (shapes: column = rename, constant = p_argument, abs = abs(p_source), sign_direction = in/out/none from the sign of p_source, local_time = p_source read in time zone p_argument, key = p_source through clientele.key_map); NULL shape removes it. Takes effect at once; run use_source again to validate.';

CREATE OR REPLACE FUNCTION clientele.map_code(p_input text, p_column name, p_source_code text, p_code text) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	PERFORM clientele.source_check_input(p_input);
	IF p_source_code IS NULL THEN
		RAISE EXCEPTION 'source code must not be NULL' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF p_code IS NULL THEN
		DELETE FROM clientele.code_map WHERE input OPERATOR(pg_catalog.=) p_input AND column_name OPERATOR(pg_catalog.=) p_column
		  AND source_code OPERATOR(pg_catalog.=) p_source_code;
		RETURN;
	END IF;
	INSERT INTO clientele.code_map (input, column_name, source_code, code) VALUES (p_input, p_column, p_source_code, p_code)
	ON CONFLICT (input, column_name, source_code) DO UPDATE SET code = EXCLUDED.code;
END $$;
COMMENT ON FUNCTION clientele.map_code(text, name, text, text) IS
	'Translates source code p_source_code of input column p_column into clientele code p_code (checked against the vocabulary); NULL p_code removes the translation.';

CREATE OR REPLACE FUNCTION clientele.use_source(p_input text, p_relation regclass) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	c record;
	sc record;
	v_att record;
	v_rel record;
	v_src name;
	r record;
	v_canonical text;
BEGIN
	PERFORM clientele.source_check_input(p_input);
	IF p_relation IS NULL OR p_relation = ('clientele.' || quote_ident(p_input))::regclass THEN
		DELETE FROM clientele.source_config WHERE input = p_input;
		RETURN;
	END IF;
	SELECT c0.relkind, c0.relpersistence, c0.relowner, n.nspname INTO v_rel
	FROM pg_class c0 JOIN pg_namespace n ON n.oid = c0.relnamespace WHERE c0.oid = p_relation;
	IF v_rel.relkind NOT IN ('r', 'v', 'm', 'f', 'p') THEN
		RAISE EXCEPTION '% is not a table, view, materialized view or foreign table', p_relation
			USING ERRCODE = 'wrong_object_type';
	END IF;
	IF v_rel.relpersistence = 't' THEN
		RAISE EXCEPTION 'temporary relation % cannot be a source', p_relation
			USING ERRCODE = 'invalid_parameter_value', DETAIL = 'It disappears at the end of the session.';
	END IF;
	IF v_rel.nspname = 'clientele' THEN
		RAISE EXCEPTION 'relation % of the extension cannot be a source', p_relation
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Keep sources in a schema of their own.';
	END IF;
	PERFORM clientele.source_check_owner(p_input, p_relation);
	-- every input column: from a same-named source column, a mapped shape, or absent (optional only)
	FOR c IN SELECT * FROM clientele.input_column WHERE input = p_input ORDER BY ordinal LOOP
		SELECT * INTO sc FROM clientele.source_column WHERE input = p_input AND column_name = c.column_name;
		IF FOUND AND sc.shape = 'constant' THEN
			BEGIN
				EXECUTE format('SELECT %L::%s', sc.argument, c.type_name);
			EXCEPTION WHEN OTHERS THEN
				RAISE EXCEPTION 'constant % of column "%" of input "%" is not a valid %', quote_literal(sc.argument), c.column_name, p_input, c.type_name
					USING ERRCODE = 'invalid_text_representation';
			END;
			CONTINUE;
		END IF;
		v_src := CASE WHEN FOUND THEN sc.source_column ELSE c.column_name END;
		SELECT a.attname, a.atttypid, t.typcategory INTO v_att
		FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
		WHERE a.attrelid = p_relation AND a.attname = v_src AND a.attnum > 0 AND NOT a.attisdropped;
		IF NOT FOUND THEN
			IF sc IS NOT NULL OR c.required THEN
				RAISE EXCEPTION 'relation % has no column "%" required by input "%"', p_relation, v_src, p_input
					USING ERRCODE = 'undefined_column',
					      DETAIL = format('Input "%s" needs columns %s.', p_input,
					          (SELECT string_agg(format('%s %s', column_name, type_name), ', ' ORDER BY ordinal)
					           FROM clientele.input_column WHERE input = p_input AND required)),
					      HINT = 'Map the column with clientele.map_column, rename it in a view over the relation, or add it.';
			END IF;
			CONTINUE;
		END IF;
		IF sc IS NULL OR sc.shape = 'column' THEN
			IF v_att.atttypid <> c.type_name
			   AND v_att.typcategory IS DISTINCT FROM (SELECT typcategory FROM pg_type WHERE oid = c.type_name)
			   AND NOT EXISTS (SELECT 1 FROM pg_cast WHERE castsource = v_att.atttypid AND casttarget = c.type_name
			                   AND castcontext IN ('i', 'a')) THEN
				RAISE EXCEPTION 'column "%" of relation % has type %, but input "%" needs %',
					v_src, p_relation, v_att.atttypid::regtype, p_input, c.type_name
					USING ERRCODE = 'datatype_mismatch',
					      HINT = 'Cast the column in a view over the relation, or map it with clientele.map_column.';
			END IF;
		ELSIF sc.shape IN ('abs', 'sign_direction') AND v_att.typcategory <> 'N' THEN
			RAISE EXCEPTION 'column "%" of relation % has type %, but shape % needs a number', v_src, p_relation, v_att.atttypid::regtype, sc.shape
				USING ERRCODE = 'datatype_mismatch';
		ELSIF sc.shape = 'local_time' AND v_att.atttypid NOT IN ('timestamp'::regtype, 'date'::regtype) THEN
			RAISE EXCEPTION 'column "%" of relation % has type %, but shape local_time needs timestamp without time zone',
				v_src, p_relation, v_att.atttypid::regtype
				USING ERRCODE = 'datatype_mismatch';
		END IF;
	END LOOP;
	INSERT INTO clientele.source_config (input, relation) VALUES (p_input, p_relation::text)
	ON CONFLICT (input) DO UPDATE SET relation = EXCLUDED.relation, set_at = EXCLUDED.set_at, set_by = EXCLUDED.set_by;
	PERFORM clientele.sync_keys(p_input);
	-- cheap checks on a sample
	BEGIN
		FOR r IN SELECT * FROM clientele.check_sources(10000, p_input) WHERE status <> 'ok' LOOP
			RAISE WARNING 'input "%": % % (in a sample of 10000 rows)%', p_input, r.rows, r.detail,
				CASE WHEN r.examples IS NOT NULL THEN ', e.g. ' || r.examples ELSE '' END
				USING HINT = 'Run SELECT * FROM clientele.check_sources() for the full report.';
		END LOOP;
	EXCEPTION WHEN OTHERS THEN
		RAISE WARNING 'input "%": could not check a sample of %: %', p_input, p_relation, SQLERRM;
	END;
	-- consistent source sets
	SELECT string_agg(format('%s (%s rows)', i.input, i.n), ', ' ORDER BY i.input) INTO v_canonical
	FROM (SELECT x.input, clientele.source_canonical_rows(x.input) AS n
	      FROM (SELECT DISTINCT input FROM clientele.input_column) x
	      WHERE NOT EXISTS (SELECT 1 FROM clientele.source_config s WHERE s.input = x.input)) i
	WHERE i.n > 0;
	IF v_canonical IS NOT NULL THEN
		RAISE WARNING 'inputs % still read the canonical tables, which hold rows, while input "%" reads %', v_canonical, p_input, p_relation
			USING DETAIL = 'Analyses that combine inputs would mix the bank''s data with the rows of the canonical tables.',
			      HINT = 'Point those inputs at the bank''s relations too (clientele.use_schema), or empty the canonical tables.';
	END IF;
END $$;
COMMENT ON FUNCTION clientele.use_source(text, regclass) IS
	'Points input view clientele.in_<input> at an existing table or view (validated first: an error names a missing or mistyped column, an untrusted owner, a temporary relation); column shapes (clientele.map_column) and code maps (clientele.map_code) apply. Warns about problems found in a sample and about inputs left on non-empty canonical tables. NULL restores the canonical table. May be re-run at any time (after the source was dropped and re-created, or its column types changed).';

CREATE OR REPLACE FUNCTION clientele.source_canonical_rows(p_input text) RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_n bigint;
BEGIN
	PERFORM clientele.source_check_input(p_input);
	EXECUTE format('SELECT count(*) FROM (SELECT 1 FROM clientele.%I LIMIT 1000000) s', p_input) INTO v_n;
	RETURN v_n;
END $$;
COMMENT ON FUNCTION clientele.source_canonical_rows(text) IS 'Internal: rows of the canonical table of an input (counted up to 1,000,000).';

CREATE OR REPLACE FUNCTION clientele.use_schema(p_schema name, p_prefix text DEFAULT '', p_suffix text DEFAULT '')
RETURNS TABLE (input text, relation text)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	i text;
	v_rel regclass;
	v_missing text;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = p_schema) THEN
		RAISE EXCEPTION 'schema "%" does not exist', p_schema USING ERRCODE = 'invalid_schema_name';
	END IF;
	SELECT string_agg(x.i, ', ' ORDER BY x.i) INTO v_missing
	FROM (SELECT DISTINCT ic.input AS i FROM clientele.input_column ic) x
	WHERE to_regclass(format('%I.%I', p_schema, coalesce(p_prefix, '') || x.i || coalesce(p_suffix, ''))) IS NULL;
	IF v_missing IS NOT NULL THEN
		RAISE EXCEPTION 'schema "%" has no relation for inputs %', p_schema, v_missing
			USING ERRCODE = 'undefined_table',
			      HINT = format('use_schema expects %I.%s<input>%s for every input (customer, account, balance, transaction, interaction, income); create an empty view for an input the bank lacks.',
			                    p_schema, coalesce(p_prefix, ''), coalesce(p_suffix, ''));
	END IF;
	-- point every input first, then warn: no mixed-set warnings along the way
	SET LOCAL client_min_messages = error;
	FOR i IN SELECT DISTINCT ic.input FROM clientele.input_column ic ORDER BY 1 LOOP
		v_rel := format('%I.%I', p_schema, coalesce(p_prefix, '') || i || coalesce(p_suffix, ''))::regclass;
		PERFORM clientele.use_source(i, v_rel);
	END LOOP;
	RESET client_min_messages;
	RETURN QUERY SELECT s.input, s.relation FROM clientele.source_config s ORDER BY s.input;
END $$;
COMMENT ON FUNCTION clientele.use_schema(name, text, text) IS
	'Points every input at p_schema.<p_prefix><input><p_suffix> in one call (all must exist and pass use_source''s checks, else nothing changes); returns the mapping. Run clientele.check_sources() afterwards.';

CREATE OR REPLACE FUNCTION clientele.reapply_sources() RETURNS integer
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	r record;
	n int := 0;
	v_level text;
BEGIN
	FOR r IN SELECT input, relation FROM clientele.source_config ORDER BY input LOOP
		IF to_regclass(clientele.source_quote(r.relation)) IS NULL THEN
			RAISE WARNING 'input "%" reads relation %, which does not exist', r.input, r.relation;
		ELSE
			-- a re-application: the sample and mixed-set warnings were given when the mapping was made
			v_level := current_setting('client_min_messages');
			PERFORM set_config('client_min_messages', 'error', true);
			PERFORM clientele.use_source(r.input, to_regclass(clientele.source_quote(r.relation)));
			PERFORM set_config('client_min_messages', v_level, true);
			n := n + 1;
		END IF;
	END LOOP;
	RETURN n;
END $$;
COMMENT ON FUNCTION clientele.reapply_sources() IS
	'Re-validates and re-applies every mapping of clientele.source_config (after a data-only restore with triggers disabled, or after source columns changed); returns how many inputs point at an existing relation.';

-- A dropped source: recompile so that queries name the input and the relation.
CREATE OR REPLACE FUNCTION clientele.sources_on_drop() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT s.input, s.relation
	         FROM pg_event_trigger_dropped_objects() d
	         JOIN clientele.source_config s ON clientele.source_quote(s.relation) = d.object_identity
	         WHERE d.object_type IN ('table', 'view', 'materialized view', 'foreign table')
	         ORDER BY s.input LOOP
		PERFORM clientele.source_compile(r.input);
		RAISE WARNING 'input "%" read relation %, which was dropped: analyses reading clientele.in_% fail until clientele.use_source(''%'', ...) is run again',
			r.input, r.relation, r.input, r.input;
	END LOOP;
EXCEPTION WHEN OTHERS THEN
	RAISE WARNING 'clientele could not check the dropped objects against its sources: %', SQLERRM;
END $$;
COMMENT ON FUNCTION clientele.sources_on_drop() IS
	'sql_drop event trigger function: when a mapped source is dropped, recompiles its input so queries fail with an error naming the input and the relation, and warns. Never makes a DROP fail.';
-- A renamed or moved source: the same, at the end of the ALTER.
CREATE OR REPLACE FUNCTION clientele.sources_on_alter() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT s.input, s.relation FROM clientele.source_config s
	         WHERE to_regclass(clientele.source_quote(s.relation)) IS NULL
	           AND pg_get_functiondef(to_regprocedure(format('clientele.%I()', 'source_' || s.input))) NOT LIKE '%clientele.source_missing(%'
	         ORDER BY s.input LOOP
		PERFORM clientele.source_compile(r.input);
		RAISE WARNING 'input "%" read relation %, which is no longer there (renamed or moved): analyses reading clientele.in_% fail until clientele.use_source(''%'', ...) is run again',
			r.input, r.relation, r.input, r.input;
	END LOOP;
EXCEPTION WHEN OTHERS THEN
	RAISE WARNING 'clientele could not check its sources after this command: %', SQLERRM;
END $$;
COMMENT ON FUNCTION clientele.sources_on_alter() IS
	'ddl_command_end event trigger function (ALTER TABLE / VIEW / MATERIALIZED VIEW / FOREIGN TABLE / SCHEMA): when a mapped source was renamed, moved to another schema or its schema renamed, recompiles its input so queries fail with an error naming the input and the relation, and warns. Never makes a command fail.';
DO $$
BEGIN
	IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) CURRENT_USER)
	   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger WHERE evtname OPERATOR(pg_catalog.=) 'clientele_sources_on_drop') THEN
		CREATE EVENT TRIGGER clientele_sources_on_drop ON sql_drop EXECUTE FUNCTION clientele.sources_on_drop();
		COMMENT ON EVENT TRIGGER clientele_sources_on_drop IS 'Recompiles an input whose source relation was dropped (clientele.sources_on_drop).';
		CREATE EVENT TRIGGER clientele_sources_on_alter ON ddl_command_end
			WHEN TAG IN ('ALTER TABLE', 'ALTER VIEW', 'ALTER MATERIALIZED VIEW', 'ALTER FOREIGN TABLE', 'ALTER SCHEMA')
			EXECUTE FUNCTION clientele.sources_on_alter();
		COMMENT ON EVENT TRIGGER clientele_sources_on_alter IS 'Recompiles an input whose source relation was renamed or moved, or whose schema was renamed (clientele.sources_on_alter).';
	END IF;
END $$;

-- ---------------------------------------------------------------------------
-- Input checks
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION clientele.check_sources(p_sample bigint DEFAULT NULL, p_input text DEFAULT NULL)
RETURNS TABLE (input text, check_name text, status text, rows bigint, examples text, detail text)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	i text;
	k record;
	v_rel text;
	v_src text;
	v_n bigint;
	v_ex text;
	v_known text;
	v_mapped boolean := EXISTS (SELECT 1 FROM clientele.source_config);
BEGIN
	IF p_input IS NOT NULL THEN
		PERFORM clientele.source_check_input(p_input);
	END IF;
	IF p_sample IS NOT NULL AND p_sample < 1 THEN
		RAISE EXCEPTION 'sample size must be greater than zero, got %', p_sample USING ERRCODE = 'invalid_parameter_value';
	END IF;
	FOR i IN SELECT DISTINCT ic.input FROM clientele.input_column ic WHERE p_input IS NULL OR ic.input = p_input ORDER BY 1 LOOP
		SELECT s.relation INTO v_rel FROM clientele.source_config s WHERE s.input = i;
		-- the source itself
		IF v_rel IS NOT NULL AND to_regclass(clientele.source_quote(v_rel)) IS NULL THEN
			RETURN QUERY SELECT i, 'source'::text, 'error'::text, NULL::bigint, v_rel, format('relation %s does not exist', v_rel);
			CONTINUE;
		ELSIF v_rel IS NOT NULL AND NOT clientele.source_trusted((SELECT relowner FROM pg_class WHERE oid = to_regclass(clientele.source_quote(v_rel)))) THEN
			RETURN QUERY SELECT i, 'source'::text, 'error'::text, NULL::bigint, v_rel,
				format('relation %s is owned by untrusted role %s', v_rel, (SELECT relowner::regrole FROM pg_class WHERE oid = to_regclass(clientele.source_quote(v_rel))));
			CONTINUE;
		END IF;
		v_src := CASE WHEN p_sample IS NULL THEN format('clientele.%I x', 'in_' || i)
		              ELSE format('(SELECT * FROM clientele.%I LIMIT %s) x', 'in_' || i, p_sample) END;
		EXECUTE format('SELECT count(*) FROM %s', v_src) INTO v_n;
		RETURN QUERY SELECT i, 'rows'::text, 'ok'::text, v_n, coalesce(v_rel, 'clientele.' || i),
			CASE WHEN v_rel IS NULL THEN 'rows in the canonical table' ELSE 'rows in the source' END;
		IF v_rel IS NULL AND v_mapped AND v_n > 0 THEN
			RETURN QUERY SELECT i, 'mixed_sources'::text, 'warning'::text, v_n, 'clientele.' || i,
				'rows of the canonical table read while other inputs read the bank''s relations'::text;
		END IF;
		-- codes outside the vocabulary
		FOR k IN SELECT DISTINCT v.column_name FROM clientele.input_vocabulary v WHERE v.input = i
		         UNION SELECT 'product_type'::name WHERE i = 'account' ORDER BY 1 LOOP
			v_known := CASE WHEN i = 'account' AND k.column_name = 'product_type'
			                THEN 'SELECT 1 FROM clientele.product_type p WHERE p.product_type OPERATOR(pg_catalog.=) x.product_type'
			                ELSE format('SELECT 1 FROM clientele.input_vocabulary v WHERE v.input OPERATOR(pg_catalog.=) %L AND v.column_name OPERATOR(pg_catalog.=) %L AND v.code OPERATOR(pg_catalog.=) x.%I::text',
			                            i, k.column_name, k.column_name) END;
			EXECUTE format('SELECT count(*), string_agg(format(''%%s (%%s)'', v, n), '', '' ORDER BY n DESC, v) FILTER (WHERE r <= 5)
			                FROM (SELECT x.%1$I::text AS v, count(*) AS n, row_number() OVER (ORDER BY count(*) DESC, x.%1$I::text) AS r
			                      FROM %2$s WHERE x.%1$I IS NOT NULL AND NOT EXISTS (%3$s) GROUP BY 1) u',
			               k.column_name, v_src, v_known)
			INTO v_n, v_ex;
			-- v_n counted distinct codes: count the rows
			IF v_n > 0 THEN
				EXECUTE format('SELECT count(*) FROM %s WHERE x.%I IS NOT NULL AND NOT EXISTS (%s)', v_src, k.column_name, v_known)
				INTO v_n;
			END IF;
			RETURN QUERY SELECT i, 'unknown_code:' || k.column_name, CASE WHEN v_n > 0 THEN 'error' ELSE 'ok' END, v_n, v_ex,
				format('%s values not in the vocabulary (map them with clientele.map_code)', k.column_name);
		END LOOP;
		-- row checks
		FOR k IN SELECT * FROM clientele.source_check c WHERE c.input = i AND (p_sample IS NULL OR NOT c.full_only)
		         ORDER BY c.check_name LOOP
			EXECUTE format('SELECT count(*) FROM %s WHERE %s', v_src, k.condition) INTO v_n;
			v_ex := NULL;
			IF v_n > 0 THEN
				EXECUTE format('SELECT string_agg(e, '', '') FROM (SELECT DISTINCT (%s)::text AS e FROM %s WHERE %s ORDER BY 1 LIMIT 5) q',
				               k.example, v_src, k.condition) INTO v_ex;
			END IF;
			RETURN QUERY SELECT i, k.check_name, CASE WHEN v_n > 0 THEN k.severity ELSE 'ok' END, v_n, v_ex, k.detail;
		END LOOP;
	END LOOP;
END $$;
COMMENT ON FUNCTION clientele.check_sources(bigint, text) IS
	'Checks what the input views read, one row per input and check: source (missing relation, untrusted owner), rows, mixed_sources, unknown_code:<column> (with the top 5 unknown values and their counts), and the checks of clientele.source_check (NULL keys, duplicate keys, orphans, unknown accounts and customers, negative or non-finite amounts, dates after today) with up to 5 example keys. status is ok, warning or error. p_sample reads only the first p_sample rows of each input and skips the checks that need the whole input; p_input limits the report to one input.';

CREATE OR REPLACE FUNCTION clientele.check_sources_status(p_sample bigint DEFAULT NULL) RETURNS integer
LANGUAGE sql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
	SELECT coalesce(max(CASE c.status WHEN 'error' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END), 0)
	FROM clientele.check_sources(p_sample) c
$$;
COMMENT ON FUNCTION clientele.check_sources_status(bigint) IS
	'Summary of clientele.check_sources for scripts: 0 when every check passes, 1 when the worst is a warning, 2 when any is an error (psql -Atc ''SELECT clientele.check_sources_status()'' as an exit code).';

REVOKE ALL ON FUNCTION clientele.source_compile(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.sources_changed() FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.sources_on_drop() FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.sources_on_alter() FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- No silent drops: analyses that cannot use some input rows say so
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION clientele.report_dropped(p_analysis text, p_input text, p_reason text, p_rows bigint) RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF coalesce(p_rows, 0) = 0 THEN
		RETURN true;
	END IF;
	IF coalesce(current_setting('clientele.strict_inputs', true), '') IN ('on', 'true', '1', 'yes') THEN
		RAISE EXCEPTION '%: % rows of input "%" cannot be used: %', p_analysis, p_rows, p_input, p_reason
			USING ERRCODE = 'data_exception',
			      HINT = 'Fix the source or its mapping (SELECT * FROM clientele.check_sources()), or SET clientele.strict_inputs = off to go on without them.';
	END IF;
	RAISE WARNING '%: % rows of input "%" left out: %', p_analysis, p_rows, p_input, p_reason
		USING HINT = 'SELECT * FROM clientele.check_sources() lists them; SET clientele.strict_inputs = on makes this an error.';
	RETURN true;
END $$;
COMMENT ON FUNCTION clientele.report_dropped(text, text, text, bigint) IS
	'Says that an analysis left input rows out: a WARNING with the count, or, when the setting clientele.strict_inputs is on, an ERROR (22000). Returns true (usable in a query).';

CREATE OR REPLACE FUNCTION clientele.report_account_drops(p_analysis text) RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_null bigint;
	v_unknown bigint;
	v_codes text;
BEGIN
	SELECT count(*) FILTER (WHERE a.account_id IS NULL OR a.customer_id IS NULL),
	       count(*) FILTER (WHERE a.account_id IS NOT NULL AND a.customer_id IS NOT NULL AND p.product_type IS NULL),
	       string_agg(DISTINCT a.product_type, ', ') FILTER (WHERE p.product_type IS NULL)
	INTO v_null, v_unknown, v_codes
	FROM clientele.in_account a LEFT JOIN clientele.product_type p ON p.product_type OPERATOR(pg_catalog.=) a.product_type;
	PERFORM clientele.report_dropped(p_analysis, 'account', 'a NULL account_id or customer_id', v_null);
	PERFORM clientele.report_dropped(p_analysis, 'account', format('product type not in clientele.product_type (%s)', left(coalesce(v_codes, 'NULL'), 200)), v_unknown);
END $$;
COMMENT ON FUNCTION clientele.report_account_drops(text) IS
	'Internal: reports (clientele.report_dropped) the accounts an account-based analysis (aum, profit_contribution) cannot use: NULL keys, product types outside the catalogue.';
