-- area: segments
-- ===========================================================================
-- User-defined segments: a boolean predicate over the columns of
-- clientele.customer_result, validated when stored (restricted grammar:
-- column names, literals, operators, an allow-list of functions), evaluated
-- by every refresh as the refreshing role.  A customer may be in several.
-- ===========================================================================

CREATE TABLE clientele.segment_definition (
	segment      text PRIMARY KEY
		CONSTRAINT segment_definition_name_valid CHECK (segment ~ '^[a-z][a-z0-9_]{0,62}$'),
	family       text,
	description  text NOT NULL,
	predicate    text NOT NULL,
	priority     integer NOT NULL DEFAULT 100,
	active       boolean NOT NULL DEFAULT true,
	shipped      boolean NOT NULL DEFAULT false,
	edited       boolean NOT NULL DEFAULT false,
	source       text
);
COMMENT ON TABLE clientele.segment_definition IS
	'User-defined segments: membership = the predicate over the columns of clientele.customer_result, computed by every refresh into clientele.segment_membership. Only clientele_admin writes. Shipped rows (shipped) may be edited, unlike the builtin rows of the other configuration tables (segment definitions are meant to be tuned), but not deleted (set active = false); pg_dump keeps the bank''s rows and the edited shipped rows.';
COMMENT ON COLUMN clientele.segment_definition.segment IS 'Segment name (lower case letters, digits, underscores).';
COMMENT ON COLUMN clientele.segment_definition.family IS 'Segmentation the segment belongs to (e.g. product_preference, life_stage), for reports.';
COMMENT ON COLUMN clientele.segment_definition.description IS 'What the segment means.';
COMMENT ON COLUMN clientele.segment_definition.predicate IS 'One boolean expression over the columns of clientele.customer_result: column names, numbers, quoted strings, comparison / arithmetic / AND / OR / NOT / IS [NOT] NULL / IN / BETWEEN / LIKE / CASE, and the functions of clientele.segment_function. No sub-queries, statement separators, casts or comments.';
COMMENT ON COLUMN clientele.segment_definition.priority IS 'Display order (lower first); membership does not depend on it.';
COMMENT ON COLUMN clientele.segment_definition.active IS 'Whether refreshes compute the segment.';
COMMENT ON COLUMN clientele.segment_definition.shipped IS 'Shipped with the extension (cannot be set by users; a shipped row cannot be deleted).';
COMMENT ON COLUMN clientele.segment_definition.edited IS 'A shipped row changed by the bank (set automatically; such rows are dumped by pg_dump).';
COMMENT ON COLUMN clientele.segment_definition.source IS 'Where the definition comes from.';

CREATE TABLE clientele.segment_function (
	name text PRIMARY KEY
);
COMMENT ON TABLE clientele.segment_function IS 'Read-only: the functions a segment predicate may call (immutable built-ins).';
COMMENT ON COLUMN clientele.segment_function.name IS 'Function name (pg_catalog).';
INSERT INTO clientele.segment_function (name) VALUES
	('abs'), ('round'), ('floor'), ('ceil'), ('coalesce'), ('nullif'), ('greatest'), ('least'),
	('lower'), ('upper'), ('length'), ('substr'), ('starts_with');

-- Validates a predicate and returns it (ERROR 22023 naming what is wrong).
CREATE FUNCTION clientele.segment_predicate_check(p_predicate text) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	c_keywords constant text[] := ARRAY['and', 'or', 'not', 'is', 'null', 'true', 'false', 'unknown', 'in', 'between',
		'symmetric', 'like', 'ilike', 'distinct', 'from', 'case', 'when', 'then', 'else', 'end'];
	v_tokens text[];
	v_tok text;
	v_next text;
	v_low text;
	v_depth integer := 0;
	v_type text;
	i integer;
BEGIN
	IF p_predicate IS NULL OR btrim(p_predicate) = '' THEN
		RAISE EXCEPTION 'a segment predicate must not be empty' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF length(p_predicate) > 4000 THEN
		RAISE EXCEPTION 'a segment predicate must not exceed 4000 characters, got %', length(p_predicate)
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF strpos(p_predicate, '--') > 0 OR strpos(p_predicate, '/*') > 0 OR strpos(p_predicate, '*/') > 0 THEN
		RAISE EXCEPTION 'a segment predicate must not contain comments' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT array_agg(m[1] ORDER BY o) INTO v_tokens
	FROM regexp_matches(p_predicate,
		'(\s+|''(?:[^'']|'''')*''|[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?|[A-Za-z_][A-Za-z0-9_]*|<>|!=|<=|>=|[-=<>+*/%(),])',
		'g') WITH ORDINALITY AS x(m, o);
	IF coalesce(length(array_to_string(v_tokens, '')), 0) <> length(p_predicate) THEN
		RAISE EXCEPTION 'segment predicate contains a character that is not allowed: "%"',
			(SELECT substr(p_predicate, k, 1) FROM generate_series(1, length(p_predicate)) k
			 WHERE substr(p_predicate, k, 1) !~ '[A-Za-z0-9_\s''.<>!=+*/%(),-]' LIMIT 1)
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'Allowed: column names, numbers, ''quoted strings'', operators = <> != < <= > >= + - * / %, parentheses, commas.',
			      HINT = 'Statement separators (;), casts (::), quoted identifiers, parameters and sub-queries are not allowed.';
	END IF;
	v_tokens := array(SELECT t FROM unnest(v_tokens) t WHERE t !~ '^\s+$');
	FOR i IN 1 .. cardinality(v_tokens) LOOP
		v_tok := v_tokens[i];
		v_next := v_tokens[i + 1];
		IF v_tok = '(' THEN
			v_depth := v_depth + 1;
		ELSIF v_tok = ')' THEN
			v_depth := v_depth - 1;
			IF v_depth < 0 THEN
				RAISE EXCEPTION 'segment predicate has an unmatched ")"' USING ERRCODE = 'invalid_parameter_value';
			END IF;
		ELSIF v_tok ~ '^[A-Za-z_]' THEN
			v_low := lower(v_tok);
			-- a keyword before "(" is the keyword (x IN (...), NOT (...),
			-- a AND (b OR c)), except is, like and ilike, which SQL also
			-- reads as function names there
			IF v_next = '(' AND NOT (v_low = ANY (c_keywords) AND v_low NOT IN ('is', 'like', 'ilike')) THEN
				IF NOT EXISTS (SELECT 1 FROM clientele.segment_function f WHERE f.name = v_low) THEN
					RAISE EXCEPTION 'function "%" is not allowed in a segment predicate', v_tok
						USING ERRCODE = 'invalid_parameter_value',
						      HINT = 'Allowed functions: ' || (SELECT string_agg(name, ', ' ORDER BY name) FROM clientele.segment_function) || '.';
				END IF;
			ELSIF v_low = ANY (c_keywords) THEN
				NULL;
			ELSIF NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = 'clientele.customer_result'::regclass
			                  AND a.attnum > 0 AND NOT a.attisdropped AND a.attname = v_low) THEN
				RAISE EXCEPTION 'unknown column or keyword "%" in segment predicate', v_tok
					USING ERRCODE = 'invalid_parameter_value',
					      HINT = 'Columns: ' || (SELECT string_agg(attname, ', ' ORDER BY attnum) FROM pg_attribute
					                             WHERE attrelid = 'clientele.customer_result'::regclass AND attnum > 0 AND NOT attisdropped) || '.';
			END IF;
		END IF;
	END LOOP;
	IF v_depth <> 0 THEN
		RAISE EXCEPTION 'segment predicate has an unmatched "("' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	BEGIN
		EXECUTE format('SELECT pg_catalog.pg_typeof((%s))::text FROM (SELECT (NULL::clientele.customer_result).*) s', p_predicate)
			INTO v_type;
	EXCEPTION WHEN OTHERS THEN
		RAISE EXCEPTION 'segment predicate is not a valid expression: %', SQLERRM
			USING ERRCODE = 'invalid_parameter_value', DETAIL = format('Predicate: %s', p_predicate);
	END;
	IF v_type <> 'boolean' THEN
		RAISE EXCEPTION 'segment predicate must be a boolean expression, got type %', v_type
			USING ERRCODE = 'invalid_parameter_value', DETAIL = format('Predicate: %s', p_predicate);
	END IF;
	RETURN p_predicate;
END $$;
COMMENT ON FUNCTION clientele.segment_predicate_check(text) IS
	'Validates a segment predicate: tokens limited to column names of clientele.customer_result, keywords, numbers, quoted strings, operators, parentheses and the functions of clientele.segment_function; one expression of type boolean. Returns it; ERROR 22023 otherwise.';

-- Whether the running statement is this extension's own script (CREATE
-- EXTENSION / ALTER EXTENSION UPDATE), checked in C: no setting or role can
-- fake it (src/common/config_cache.c).
CREATE FUNCTION clientele.in_extension_script() RETURNS boolean
LANGUAGE c VOLATILE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'clientele_in_extension_script';
COMMENT ON FUNCTION clientele.in_extension_script() IS
	'Internal: true while a script of the extension runs (CREATE EXTENSION clientele, ALTER EXTENSION clientele UPDATE), the only writer allowed to delete or mark shipped rows; no setting or role can fake it.';

CREATE FUNCTION clientele.segment_definition_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	-- only the extension's scripts touch the shipped flag or delete shipped
	-- rows (0.1.0's setting clientele.allow_builtin_changes opens nothing)
	v_allowed boolean := clientele.in_extension_script();
	v_old clientele.segment_definition;
BEGIN
	IF TG_OP = 'DELETE' THEN
		IF OLD.shipped AND NOT v_allowed THEN
			RAISE EXCEPTION 'cannot delete a row of clientele.segment_definition shipped with the extension'
				USING ERRCODE = 'insufficient_privilege',
				      DETAIL = format('Row (segment)=(%s) is shipped: a restore would bring it back.', OLD.segment),
				      HINT = format('Deactivate it instead: UPDATE clientele.segment_definition SET active = false WHERE segment = %L.', OLD.segment);
		END IF;
		RETURN OLD;
	END IF;
	IF TG_OP = 'INSERT' AND NEW.shipped AND NOT v_allowed THEN
		SELECT * INTO v_old FROM clientele.segment_definition WHERE segment = NEW.segment AND shipped;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'only the extension can mark rows of clientele.segment_definition shipped'
				USING ERRCODE = 'insufficient_privilege',
				      DETAIL = format('Row (segment)=(%s): pg_dump keeps only the bank''s rows and edited shipped rows, so a row marked shipped would be lost in a restore.', NEW.segment),
				      HINT = 'Store the row with shipped = false.';
		END IF;
		-- restoring a dump: an edited shipped row replaces the shipped one
		PERFORM clientele.segment_predicate_check(NEW.predicate);
		UPDATE clientele.segment_definition
		SET family = NEW.family, description = NEW.description, predicate = NEW.predicate,
		    priority = NEW.priority, active = NEW.active, source = NEW.source
		WHERE segment = NEW.segment;
		RETURN NULL;
	END IF;
	IF TG_OP = 'UPDATE' AND NOT v_allowed THEN
		IF NEW.shipped AND NOT OLD.shipped THEN
			RAISE EXCEPTION 'only the extension can mark rows of clientele.segment_definition shipped'
				USING ERRCODE = 'insufficient_privilege',
				      DETAIL = format('Row (segment)=(%s): pg_dump keeps only the bank''s rows and edited shipped rows, so a row marked shipped would be lost in a restore.', OLD.segment),
				      HINT = 'Keep shipped = false.';
		END IF;
		IF OLD.shipped AND NOT coalesce(NEW.shipped, false) THEN
			RAISE EXCEPTION 'cannot unmark a row of clientele.segment_definition shipped with the extension'
				USING ERRCODE = 'insufficient_privilege',
				      DETAIL = format('Row (segment)=(%s) is shipped: a restore would bring it back beside your copy.', OLD.segment),
				      HINT = 'Deactivate it (active = false) and insert a copy of your own.';
		END IF;
		IF OLD.shipped AND NEW.segment <> OLD.segment THEN
			RAISE EXCEPTION 'cannot rename a row of clientele.segment_definition shipped with the extension'
				USING ERRCODE = 'insufficient_privilege',
				      DETAIL = format('Row (segment)=(%s) is shipped: a restore would bring it back under its name.', OLD.segment),
				      HINT = 'Deactivate it and insert a copy under the new name.';
		END IF;
		IF OLD.shipped THEN
			NEW.edited := true;
		END IF;
	END IF;
	IF TG_OP = 'INSERT' AND NOT v_allowed THEN
		NEW.edited := false;
	END IF;
	BEGIN
		PERFORM clientele.segment_predicate_check(NEW.predicate);
	EXCEPTION WHEN invalid_parameter_value THEN
		RAISE EXCEPTION 'segment "%": %', NEW.segment, SQLERRM USING ERRCODE = 'invalid_parameter_value';
	END;
	RETURN NEW;
END $$;
COMMENT ON FUNCTION clientele.segment_definition_check() IS
	'Trigger function: validates a segment definition on write (clientele.segment_predicate_check, the message names the segment), protects the shipped flag, marks edited shipped rows, refuses to delete a shipped row, and merges an edited shipped row on restore.';

INSERT INTO clientele.segment_definition (segment, family, description, predicate, priority, shipped, source) VALUES
	('deposit_heavy', 'product_preference', 'Deposit-heavy: FTP income of deposits and investments is at least 60 % of gross revenue (illustrative cut; the source gives none).',
		'deposit_revenue_share >= 0.6', 10, true, 'source 002:635 (domain notes section 2)'),
	('loan_heavy', 'product_preference', 'Loan-heavy: net loan interest is at least 60 % of gross revenue (illustrative cut).',
		'loan_revenue_share >= 0.6', 11, true, 'source 002:635'),
	('fee_heavy', 'product_preference', 'Fee-business-heavy: fee income is at least 60 % of gross revenue (illustrative cut).',
		'fee_revenue_share >= 0.6', 12, true, 'source 002:635'),
	('balanced', 'product_preference', 'Balanced: positive gross revenue and no line reaches 60 % of it.',
		'deposit_revenue_share < 0.6 AND loan_revenue_share < 0.6 AND fee_revenue_share < 0.6', 13, true, 'source 002:635'),
	('age_under_18', 'life_stage', 'Life stage: under 18.', 'age < 18', 20, true, 'RBC, source 000:275-283'),
	('age_18_35', 'life_stage', 'Life stage: 18 to under 35.', 'age >= 18 AND age < 35', 21, true, 'source 000:275-283'),
	('age_35_50', 'life_stage', 'Life stage: 35 to under 50.', 'age >= 35 AND age < 50', 22, true, 'source 000:275-283'),
	('age_50_60', 'life_stage', 'Life stage: 50 to 60.', 'age BETWEEN 50 AND 60', 23, true, 'source 000:275-283'),
	('age_over_60', 'life_stage', 'Life stage: over 60.', 'age > 60', 24, true, 'source 000:275-283'),
	('key', 'contribution_rank', 'Key customers: the top 10 % by profit contribution.', 'contribution_top_share <= 0.1', 30, true, 'source 003:90'),
	('ordinary', 'contribution_rank', 'Ordinary customers: the next 30 % by profit contribution.', 'contribution_top_share > 0.1 AND contribution_top_share <= 0.4', 31, true, 'source 003:90'),
	('possible', 'contribution_rank', 'Possible customers: the remaining 60 % by profit contribution.', 'contribution_top_share > 0.4', 32, true, 'source 003:90'),
	('active', 'activity', 'Active: a customer-initiated enquiry, deposit, withdrawal or transfer on any channel in the past 6 months (refresh_config.activity_months).', 'active', 40, true, 'source 000:917'),
	('inactive', 'activity', 'Inactive: open relationship without such a transaction in the past 6 months.', 'NOT active AND NOT is_closed', 41, true, 'source 000:917');

CREATE TRIGGER segment_definition_check BEFORE INSERT OR UPDATE OR DELETE ON clientele.segment_definition
	FOR EACH ROW EXECUTE FUNCTION clientele.segment_definition_check();
COMMENT ON TRIGGER segment_definition_check ON clientele.segment_definition IS 'Validates definitions on write and protects shipped rows.';
SELECT pg_catalog.pg_extension_config_dump('clientele.segment_definition', 'WHERE NOT shipped OR edited');

CREATE TABLE clientele.segment_membership (
	as_of        date NOT NULL,
	segment      text NOT NULL,
	customer_id  bigint NOT NULL,
	-- (as_of, customer_id, segment): a refresh writes a date's rows in
	-- customer order, so the key grows at the right edge of the index (no
	-- descent per row); a customer's segments on a date are one index range.
	-- No second index: maintained row by row, it cost as much as the rows.
	CONSTRAINT segment_membership_pkey PRIMARY KEY (as_of, customer_id, segment)
);
COMMENT ON TABLE clientele.segment_membership IS
	'Members of each active user-defined segment per refresh date (computed by clientele.refresh). Row-level security: a relationship manager sees only the rows of their customers.';
COMMENT ON COLUMN clientele.segment_membership.as_of IS 'Refresh date.';
COMMENT ON COLUMN clientele.segment_membership.segment IS 'Segment (clientele.segment_definition.segment at refresh time).';
COMMENT ON COLUMN clientele.segment_membership.customer_id IS 'Member customer.';
SELECT pg_catalog.pg_extension_config_dump('clientele.segment_membership', '');
