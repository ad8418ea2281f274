-- ===========================================================================
-- Input views and clientele.use_source(): every analysis reads the views
-- clientele.in_<input>; by default they select from the canonical tables,
-- and a DBA can point each one at an existing table or view instead.
-- ===========================================================================

CREATE TABLE clientele.input_column (
	input        text NOT NULL,
	ordinal      int NOT NULL,
	column_name  name NOT NULL,
	type_name    regtype NOT NULL,
	required     boolean NOT NULL,
	CONSTRAINT input_column_pkey PRIMARY KEY (input, ordinal),
	CONSTRAINT input_column_name_key UNIQUE (input, column_name)
);
COMMENT ON TABLE clientele.input_column IS 'The columns each input view exposes (read-only specification; optional columns may be absent from a source and read as NULL).';
COMMENT ON COLUMN clientele.input_column.input IS 'Input name (customer, account, balance, transaction, interaction, income).';
COMMENT ON COLUMN clientele.input_column.ordinal IS 'Column position in the input view.';
COMMENT ON COLUMN clientele.input_column.column_name IS 'Column name a source must provide.';
COMMENT ON COLUMN clientele.input_column.type_name IS 'Type of the column in the input view; a source column is cast to it.';
COMMENT ON COLUMN clientele.input_column.required IS 'Whether a source must have the column (false: absent means NULL).';

INSERT INTO clientele.input_column (input, ordinal, column_name, type_name, required)
SELECT t.input, a.attnum, a.attname, a.atttypid::regtype,
       a.attnotnull OR a.attname = 'customer_id'
FROM (VALUES ('customer'), ('account'), ('balance'), ('transaction'), ('interaction'), ('income')) AS t(input)
JOIN pg_catalog.pg_attribute a ON a.attrelid = ('clientele.' || t.input)::regclass
WHERE a.attnum > 0 AND NOT a.attisdropped AND NOT (t.input = 'interaction' AND a.attname = 'interaction_id');

CREATE TABLE clientele.source_config (
	input      text PRIMARY KEY,
	relation   text NOT NULL,
	set_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
	set_by     name NOT NULL DEFAULT CURRENT_USER
);
COMMENT ON TABLE clientele.source_config IS 'Which relation each input view reads when it is not the canonical table (written by clientele.use_source).';
COMMENT ON COLUMN clientele.source_config.input IS 'Input name.';
COMMENT ON COLUMN clientele.source_config.relation IS 'Qualified name of the source table or view.';
COMMENT ON COLUMN clientele.source_config.set_at IS 'When it was set.';
COMMENT ON COLUMN clientele.source_config.set_by IS 'Who set it.';
SELECT pg_catalog.pg_extension_config_dump('clientele.source_config', '');

-- Builds the SELECT list of an input view over a relation, checking each column.
CREATE FUNCTION clientele.source_select_list(p_input text, p_relation regclass) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	c record;
	v_att record;
	v_items text[] := '{}';
BEGIN
	IF NOT EXISTS (SELECT 1 FROM clientele.input_column WHERE input = p_input) THEN
		RAISE EXCEPTION 'unknown input "%"', p_input
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Inputs are: ' || (SELECT string_agg(DISTINCT input, ', ') FROM clientele.input_column) || '.';
	END IF;
	FOR c IN SELECT * FROM clientele.input_column WHERE input = p_input ORDER BY ordinal LOOP
		SELECT a.attname, a.atttypid, t.typcategory
		INTO v_att
		FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
		WHERE a.attrelid = p_relation AND a.attname = c.column_name AND a.attnum > 0 AND NOT a.attisdropped;
		IF NOT FOUND THEN
			IF c.required THEN
				RAISE EXCEPTION 'relation % has no column "%" required by input "%"', p_relation, c.column_name, p_input
					USING ERRCODE = 'undefined_column',
					      DETAIL = format('Input "%s" needs columns %s.', p_input,
					          (SELECT string_agg(format('%s %s', column_name, type_name), ', ' ORDER BY ordinal)
					           FROM clientele.input_column WHERE input = p_input AND required)),
					      HINT = 'Rename the column in a view over the relation, or add it.';
			END IF;
			v_items := v_items || format('NULL::%s AS %I', c.type_name, c.column_name);
			CONTINUE;
		END IF;
		IF v_att.atttypid <> c.type_name
		   AND v_att.typcategory IS DISTINCT FROM (SELECT typcategory FROM pg_type WHERE oid = c.type_name)
		   AND NOT EXISTS (SELECT 1 FROM pg_cast WHERE castsource = v_att.atttypid AND casttarget = c.type_name
		                   AND castcontext IN ('i', 'a')) THEN
			RAISE EXCEPTION 'column "%" of relation % has type %, but input "%" needs %',
				c.column_name, p_relation, v_att.atttypid::regtype, p_input, c.type_name
				USING ERRCODE = 'datatype_mismatch',
				      HINT = 'Cast the column in a view over the relation.';
		END IF;
		v_items := v_items || format('%I::%s AS %I', c.column_name, c.type_name, c.column_name);
	END LOOP;
	RETURN array_to_string(v_items, ', ');
END $$;
COMMENT ON FUNCTION clientele.source_select_list(text, regclass) IS
	'Internal: validates that a relation provides the columns of an input and returns the SELECT list of its input view.';

CREATE FUNCTION clientele.use_source(p_input text, p_relation regclass) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_relation regclass := coalesce(p_relation, ('clientele.' || quote_ident(p_input))::regclass);
	v_list text;
BEGIN
	IF p_input IS NULL THEN
		RAISE EXCEPTION 'input must not be NULL' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	v_list := clientele.source_select_list(p_input, v_relation);
	EXECUTE format('CREATE OR REPLACE VIEW clientele.%I AS SELECT %s FROM %s', 'in_' || p_input, v_list, v_relation);
	IF p_relation IS NULL THEN
		DELETE FROM clientele.source_config WHERE input = p_input;
	ELSE
		INSERT INTO clientele.source_config (input, relation) VALUES (p_input, p_relation::text)
		ON CONFLICT (input) DO UPDATE SET relation = EXCLUDED.relation, set_at = EXCLUDED.set_at, set_by = EXCLUDED.set_by;
	END IF;
END $$;
COMMENT ON FUNCTION clientele.use_source(text, regclass) IS
	'Points input view clientele.in_<input> at an existing table or view with the same columns (validated first: an error names a missing or mistyped column). NULL restores the canonical table.';

CREATE FUNCTION clientele.reapply_sources() RETURNS integer
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	r record;
	n int := 0;
BEGIN
	FOR r IN SELECT input, relation FROM clientele.source_config ORDER BY input LOOP
		PERFORM clientele.use_source(r.input, r.relation::regclass);
		n := n + 1;
	END LOOP;
	RETURN n;
END $$;
COMMENT ON FUNCTION clientele.reapply_sources() IS
	'Re-creates the input views from clientele.source_config (run after restoring a dump); returns how many inputs point elsewhere.';

-- the default input views over the canonical tables
SELECT clientele.use_source(i, NULL) FROM (VALUES ('customer'), ('account'), ('balance'), ('transaction'), ('interaction'), ('income')) v(i);
COMMENT ON VIEW clientele.in_customer IS 'Input view: customers (clientele.customer unless clientele.use_source says otherwise).';
COMMENT ON VIEW clientele.in_account IS 'Input view: accounts (clientele.account unless clientele.use_source says otherwise).';
COMMENT ON VIEW clientele.in_balance IS 'Input view: end-of-day balances (clientele.balance unless clientele.use_source says otherwise).';
COMMENT ON VIEW clientele.in_transaction IS 'Input view: transactions (clientele.transaction unless clientele.use_source says otherwise).';
COMMENT ON VIEW clientele.in_interaction IS 'Input view: interactions (clientele.interaction unless clientele.use_source says otherwise).';
COMMENT ON VIEW clientele.in_income IS 'Input view: monthly income lines (clientele.income unless clientele.use_source says otherwise).';
