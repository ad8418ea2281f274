-- area: tiers, re-runnable part (see sql/tiers.sql): run by a fresh install
-- and by the upgrade from 0.1.0, so every statement here can run again on an
-- existing install (CREATE OR REPLACE, COMMENT ON, idempotent calls).

-- --- C functions ------------------------------------------------------------

CREATE OR REPLACE FUNCTION clientele.tier_of(scheme text, amount numeric, region text DEFAULT NULL, as_of date DEFAULT NULL)
RETURNS text
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_tier_of';
COMMENT ON FUNCTION clientele.tier_of(text, numeric, text, date) IS
	'Label of the band of the tier scheme that contains amount, using the scheme version valid on as_of (NULL: current_date) and the bands of region when it has an override; NULL when the amount is NULL or outside every band (the shipped schemes start at 0: a negative amount has no tier), with a NOTICE naming the scheme, the amount and the range the bands cover, once per call in a query (clientele.tier_bands shows the bands). Bounds are compared exactly (numeric). NaN / infinite amounts, unknown schemes and dates before the first version: ERROR 22023.';

CREATE OR REPLACE FUNCTION clientele.tier_rank(scheme text, amount numeric, region text DEFAULT NULL, as_of date DEFAULT NULL)
RETURNS int
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_tier_rank';
COMMENT ON FUNCTION clientele.tier_rank(text, numeric, text, date) IS
	'Rank of the band that contains amount (as tier_of, but the rank); NULL when outside every band, with the NOTICE of tier_of.';

CREATE OR REPLACE FUNCTION clientele.tier_version(scheme text, as_of date DEFAULT NULL)
RETURNS int
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_tier_version';
COMMENT ON FUNCTION clientele.tier_version(text, date) IS
	'Version of the tier scheme in force on as_of (NULL: current_date); ERROR for an unknown scheme or a date before its first version.';

CREATE OR REPLACE FUNCTION clientele.tier_validate(scheme text, version int)
RETURNS void
LANGUAGE c VOLATILE PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'clientele_tier_validate';
COMMENT ON FUNCTION clientele.tier_validate(text, int) IS
	'Checks every band set of a scheme version: finite bounds, distinct ranks and labels, no empty band (lower above upper), no overlap, no gap, default bands present. ERROR (23514) naming the bands otherwise. Locks the scheme row (FOR NO KEY UPDATE) so that concurrent edits of one scheme are checked one after the other. Run by the deferred constraint trigger of tier_band (a version row alone is not checked, so pg_dump output restores table by table; tier_of reports a version without bands).';

-- --- write-time validation ----------------------------------------------------

CREATE OR REPLACE FUNCTION clientele.tier_check_trigger() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		PERFORM clientele.tier_validate(NEW.scheme, NEW.version);
	END IF;
	IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (OLD.scheme, OLD.version) IS DISTINCT FROM (NEW.scheme, NEW.version)) THEN
		PERFORM clientele.tier_validate(OLD.scheme, OLD.version);
	END IF;
	RETURN NULL;
END $$;
COMMENT ON FUNCTION clientele.tier_check_trigger() IS
	'Constraint trigger function of tier_band: validates the scheme versions a row change touched.';

-- The config-table recipe (sql/replace/common.sql): tier_band validated at commit;
-- shipped rows (builtin) read-only and not dumped, so an edit of one would
-- not silently vanish in a restore: banks add a version, a region override
-- or a scheme of their own instead; every change recompiles the schemes.
SELECT clientele.config_table_register('clientele.tier_scheme',
	'Add a scheme of your own (a copy with builtin = false), or a version or a region override of this one.',
	p_what => 'tier schemes');
SELECT clientele.config_table_register('clientele.tier_version',
	'Add a version with a later valid_from (builtin = false) instead.', p_what => 'tier schemes');
SELECT clientele.config_table_register('clientele.tier_band',
	'Add a version (clientele.tier_version) or a region override with bands of your own (builtin = false) instead.',
	'clientele.tier_check_trigger()', 'tier schemes');
SELECT clientele.config_table_register('clientele.regulatory_threshold',
	'Add a row for the criterion with a later valid_from (builtin = false).', p_what => 'regulatory thresholds',
	p_cached => false);

-- the shipped schemes are valid (their rows were loaded before the
-- validation trigger above existed)
SELECT clientele.tier_validate(v.scheme, v.version) FROM clientele.tier_version v WHERE v.builtin;

-- --- bands in force, band details, distribution report -------------------------

CREATE OR REPLACE FUNCTION clientele.tier_bands(p_scheme text, p_region text DEFAULT NULL, p_as_of date DEFAULT NULL)
RETURNS TABLE (scheme text, version int, region text, rank int, label text,
               lower_bound numeric, lower_inclusive boolean, upper_bound numeric, upper_inclusive boolean,
               tier text, service_level text)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
	WITH v AS (SELECT clientele.tier_version(p_scheme, p_as_of) AS version),
	r AS (
		SELECT CASE WHEN EXISTS (SELECT 1 FROM clientele.tier_band b, v
		                         WHERE b.scheme = p_scheme AND b.version = v.version AND b.region = p_region)
		            THEN p_region END AS region
	)
	SELECT b.scheme, b.version, b.region, b.rank, b.label, b.lower_bound, b.lower_inclusive,
	       b.upper_bound, b.upper_inclusive, coalesce(b.tier, b.label), b.service_level
	FROM clientele.tier_band b, v, r
	WHERE b.scheme = p_scheme AND b.version = v.version AND b.region IS NOT DISTINCT FROM r.region
	ORDER BY b.rank
$$;
COMMENT ON FUNCTION clientele.tier_bands(text, text, date) IS
	'The bands of a tier scheme in force on p_as_of (NULL: current_date) for p_region (its override if it has one, else the default bands), ordered by rank; tier is the coarser tier (the label when not a sub-band).';

CREATE OR REPLACE FUNCTION clientele.tier_band_within(
	lower_bound numeric, lower_inclusive boolean, upper_bound numeric, upper_inclusive boolean,
	outer_lower numeric, outer_lower_inclusive boolean, outer_upper numeric, outer_upper_inclusive boolean)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT (outer_lower IS NULL OR (lower_bound IS NOT NULL AND (lower_bound > outer_lower
	            OR (lower_bound = outer_lower AND (outer_lower_inclusive OR NOT lower_inclusive)))))
	   AND (outer_upper IS NULL OR (upper_bound IS NOT NULL AND (upper_bound < outer_upper
	            OR (upper_bound = outer_upper AND (outer_upper_inclusive OR NOT upper_inclusive)))))
$$;
COMMENT ON FUNCTION clientele.tier_band_within(numeric, boolean, numeric, boolean, numeric, boolean, numeric, boolean) IS
	'Whether the band (lower_bound, upper_bound) lies entirely within the outer band, inclusivity honoured; NULL bounds are unbounded. The roll-up rule of tier_distribution.';

CREATE OR REPLACE FUNCTION clientele.tier_distribution(
	p_scheme text, p_amounts regclass, p_column name DEFAULT 'amount',
	p_region text DEFAULT NULL, p_as_of date DEFAULT NULL, p_rollup text DEFAULT NULL)
RETURNS TABLE (rank int, label text, lower_bound numeric, upper_bound numeric,
               amount numeric, amount_share numeric, count bigint, count_share numeric, average numeric)
LANGUAGE plpgsql STABLE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp
-- the report has a row for amounts outside every band: no NOTICE of tier_rank about them
SET client_min_messages = warning AS $$
DECLARE
	v_type regtype;
	v_bad text;
	v_state text;
	v_msg text;
	v_detail text;
	v_hint text;
BEGIN
	IF p_scheme IS NULL OR p_amounts IS NULL OR p_column IS NULL THEN
		RAISE EXCEPTION '% must not be NULL',
			CASE WHEN p_scheme IS NULL THEN 'p_scheme' WHEN p_amounts IS NULL THEN 'p_amounts' ELSE 'p_column' END
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT a.atttypid::regtype INTO v_type FROM pg_catalog.pg_attribute a
	WHERE a.attrelid = p_amounts AND a.attname = p_column AND a.attnum > 0 AND NOT a.attisdropped;
	IF v_type IS NULL THEN
		RAISE EXCEPTION 'relation % has no column "%"', p_amounts, p_column
			USING ERRCODE = 'undefined_column';
	END IF;
	IF v_type NOT IN ('numeric'::regtype, 'int2'::regtype, 'int4'::regtype, 'int8'::regtype) THEN
		RAISE EXCEPTION 'column "%" of relation % has type %, but a number is needed', p_column, p_amounts, v_type
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Cast it in a view, e.g. CREATE VIEW v AS SELECT x::numeric AS amount FROM t.';
	END IF;
	-- unknown schemes, a date before the first version: said here, not from inside the report query
	PERFORM clientele.tier_version(p_scheme, p_as_of);
	IF p_rollup IS NOT NULL THEN
		PERFORM clientele.tier_version(p_rollup, p_as_of);
	END IF;
	-- bands of the roll-up scheme that contain each band of p_scheme
	IF p_rollup IS NOT NULL THEN
		SELECT string_agg(format('"%s"', f.label), ', ' ORDER BY f.rank) INTO v_bad
		FROM clientele.tier_bands(p_scheme, p_region, p_as_of) f
		WHERE (SELECT count(*) FROM clientele.tier_bands(p_rollup, p_region, p_as_of) c
		       WHERE clientele.tier_band_within(f.lower_bound, f.lower_inclusive, f.upper_bound, f.upper_inclusive,
		                                        c.lower_bound, c.lower_inclusive, c.upper_bound, c.upper_inclusive)) <> 1;
		IF v_bad IS NOT NULL THEN
			RAISE EXCEPTION 'tier scheme "%" does not roll up into "%"', p_scheme, p_rollup
				USING ERRCODE = 'invalid_parameter_value',
				      DETAIL = format('Bands %s of "%s" lie in no single band of "%s".', v_bad, p_scheme, p_rollup);
		END IF;
	END IF;
	BEGIN
	RETURN QUERY EXECUTE format($q$
		WITH per_band AS (
			SELECT clientele.tier_rank($1, %1$I::numeric, $2, $3) AS rank,
			       sum(%1$I::numeric) AS amount, count(*) AS n
			FROM %2$s WHERE %1$I IS NOT NULL GROUP BY 1
		),
		fine AS (
			SELECT f.rank, f.label, f.lower_bound, f.lower_inclusive, f.upper_bound, f.upper_inclusive
			FROM clientele.tier_bands($1, $2, $3) f
		),
		mapped AS (   -- each band of the scheme, or of its roll-up
			SELECT f.rank AS fine_rank, coalesce(c.rank, f.rank) AS rank, coalesce(c.label, f.label) AS label,
			       CASE WHEN $4 IS NULL THEN f.lower_bound ELSE c.lower_bound END AS lower_bound,
			       CASE WHEN $4 IS NULL THEN f.upper_bound ELSE c.upper_bound END AS upper_bound
			FROM fine f
			LEFT JOIN clientele.tier_bands($4, $2, $3) c ON $4 IS NOT NULL
			     AND clientele.tier_band_within(f.lower_bound, f.lower_inclusive, f.upper_bound, f.upper_inclusive,
			                                    c.lower_bound, c.lower_inclusive, c.upper_bound, c.upper_inclusive)
			WHERE $4 IS NULL OR c.rank IS NOT NULL
		),
		bands AS (
			SELECT DISTINCT m.rank, m.label, m.lower_bound, m.upper_bound FROM mapped m
		),
		totals AS (SELECT sum(p.amount) AS amount, sum(p.n) AS n FROM per_band p),
		agg AS (
			SELECT b.rank, b.label, b.lower_bound, b.upper_bound,
			       coalesce(sum(p.amount), 0) AS amount, coalesce(sum(p.n), 0)::bigint AS n
			FROM bands b
			LEFT JOIN mapped m ON m.rank = b.rank
			LEFT JOIN per_band p ON p.rank = m.fine_rank
			GROUP BY b.rank, b.label, b.lower_bound, b.upper_bound
			UNION ALL   -- amounts outside every band, if any
			SELECT NULL, NULL, NULL, NULL, p.amount, p.n FROM per_band p WHERE p.rank IS NULL
		)
		SELECT a.rank, a.label, a.lower_bound, a.upper_bound, a.amount,
		       a.amount / nullif(t.amount, 0), a.n, a.n / nullif(t.n, 0)::numeric,
		       a.amount / nullif(a.n, 0)
		FROM agg a, totals t
		ORDER BY a.rank NULLS LAST
	$q$, p_column, p_amounts) USING p_scheme, p_region, p_as_of, p_rollup;
	EXCEPTION WHEN OTHERS THEN
		-- e.g. a NaN amount: re-raised without the 40-line report query as CONTEXT
		GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT,
			v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
		v_msg := format('%s (column "%s" of %s)', v_msg, p_column, p_amounts);
		IF v_detail <> '' AND v_hint <> '' THEN
			RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = v_msg, DETAIL = v_detail, HINT = v_hint;
		ELSIF v_detail <> '' THEN
			RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = v_msg, DETAIL = v_detail;
		ELSIF v_hint <> '' THEN
			RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = v_msg, HINT = v_hint;
		ELSE
			RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = v_msg;
		END IF;
	END;
END $$;
COMMENT ON FUNCTION clientele.tier_distribution(text, regclass, name, text, date, text) IS
	'Distribution report of the amounts in column p_column of table or view p_amounts over the bands of tier scheme p_scheme: per band (by rank) the amount, amount share, count, count share and average; a row with NULL rank for amounts outside every band. With p_rollup, the bands of p_scheme are rolled up into the bands of scheme p_rollup that contain them (ERROR if a band straddles two). Shares are exact fractions (numeric). Errors about the data (a NaN or infinite amount) name the column and carry no query text; runs with client_min_messages = warning (amounts outside every band are its NULL-rank row, not a notice). PARALLEL UNSAFE: it catches errors of its report query (a subtransaction).';

CREATE OR REPLACE FUNCTION clientele.regulatory_class_reasons(
	net_financial_assets numeric,
	max_single_subscription numeric DEFAULT NULL,
	income_3y numeric[] DEFAULT NULL,
	household_income_3y numeric[] DEFAULT NULL,
	household_net_financial_assets numeric DEFAULT NULL,
	as_of date DEFAULT NULL)
RETURNS TABLE (class text, criterion text, input text, value text, comparison text, threshold numeric, met boolean, reason text)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	t record;
	v numeric;
	v_name text;
	v_arr numeric[];
	v_op text;
	i int;
BEGIN
	-- as_of: NULL is current_date; otherwise the checks of a date argument
	IF as_of IS NOT NULL THEN
		PERFORM clientele.check_date(as_of, 'as_of');
	END IF;
	-- every amount must be a finite number (NULL = unknown: that criterion is not met)
	FOREACH v_name IN ARRAY ARRAY['net_financial_assets', 'max_single_subscription', 'household_net_financial_assets'] LOOP
		v := CASE v_name WHEN 'net_financial_assets' THEN net_financial_assets
		                 WHEN 'max_single_subscription' THEN max_single_subscription
		                 ELSE household_net_financial_assets END;
		IF v::text IN ('NaN', 'Infinity', '-Infinity') THEN
			RAISE EXCEPTION '% must be a finite number, got %', v_name, v USING ERRCODE = 'invalid_parameter_value';
		END IF;
	END LOOP;
	IF max_single_subscription < 0 THEN
		RAISE EXCEPTION 'max_single_subscription must not be negative, got %', max_single_subscription
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	FOREACH v_name IN ARRAY ARRAY['income_3y', 'household_income_3y'] LOOP
		v_arr := CASE v_name WHEN 'income_3y' THEN income_3y ELSE household_income_3y END;
		IF v_arr IS NOT NULL THEN
			IF array_ndims(v_arr) IS DISTINCT FROM 1 OR cardinality(v_arr) <> 3 THEN
				RAISE EXCEPTION '% must hold the incomes of the last 3 years, got % values', v_name, cardinality(v_arr)
					USING ERRCODE = 'invalid_parameter_value', HINT = 'Pass ARRAY[y1, y2, y3]; NULL for an unknown year.';
			END IF;
			FOR i IN 1 .. 3 LOOP
				IF v_arr[array_lower(v_arr, 1) + i - 1]::text IN ('NaN', 'Infinity', '-Infinity') THEN
					RAISE EXCEPTION '% must hold finite numbers, got %', v_name, v_arr USING ERRCODE = 'invalid_parameter_value';
				END IF;
			END LOOP;
		END IF;
	END LOOP;

	SELECT
		max(r.threshold) FILTER (WHERE r.criterion = 'private_banking_net_financial_assets') AS pb,
		bool_or(r.inclusive) FILTER (WHERE r.criterion = 'private_banking_net_financial_assets') AS pb_incl,
		max(r.threshold) FILTER (WHERE r.criterion = 'hnw_single_subscription') AS sub,
		bool_or(r.inclusive) FILTER (WHERE r.criterion = 'hnw_single_subscription') AS sub_incl,
		max(r.threshold) FILTER (WHERE r.criterion = 'hnw_net_financial_assets') AS nfa,
		bool_or(r.inclusive) FILTER (WHERE r.criterion = 'hnw_net_financial_assets') AS nfa_incl,
		max(r.threshold) FILTER (WHERE r.criterion = 'hnw_personal_income') AS inc,
		bool_or(r.inclusive) FILTER (WHERE r.criterion = 'hnw_personal_income') AS inc_incl,
		max(r.threshold) FILTER (WHERE r.criterion = 'hnw_household_income') AS hh,
		bool_or(r.inclusive) FILTER (WHERE r.criterion = 'hnw_household_income') AS hh_incl
	INTO t
	FROM (SELECT DISTINCT ON (r.criterion) r.criterion, r.threshold, r.inclusive
	      FROM clientele.regulatory_threshold r
	      WHERE r.valid_from <= coalesce(as_of, current_date)
	      ORDER BY r.criterion, r.valid_from DESC) AS r;
	IF t.pb IS NULL OR t.sub IS NULL OR t.nfa IS NULL OR t.inc IS NULL OR t.hh IS NULL THEN
		RAISE EXCEPTION 'clientele.regulatory_threshold has no row for some criterion on %', coalesce(as_of, current_date)
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'It needs one row for each criterion: private_banking_net_financial_assets, hnw_single_subscription, hnw_net_financial_assets, hnw_personal_income, hnw_household_income.';
	END IF;

	-- one row per criterion and input: an amount against its threshold
	FOR class, criterion, input, v, threshold, v_op IN
		SELECT * FROM (VALUES
			('private_banking', 'private_banking_net_financial_assets', 'net_financial_assets', net_financial_assets, t.pb, CASE WHEN t.pb_incl THEN '>=' ELSE '>' END),
			('high_net_worth', 'hnw_single_subscription', 'max_single_subscription', max_single_subscription, t.sub, CASE WHEN t.sub_incl THEN '>=' ELSE '>' END),
			('high_net_worth', 'hnw_net_financial_assets', 'net_financial_assets', net_financial_assets, t.nfa, CASE WHEN t.nfa_incl THEN '>=' ELSE '>' END),
			('high_net_worth', 'hnw_net_financial_assets', 'household_net_financial_assets', household_net_financial_assets, t.nfa, CASE WHEN t.nfa_incl THEN '>=' ELSE '>' END)
		) AS c
	LOOP
		value := v::text;
		comparison := v_op;
		met := coalesce(CASE WHEN v_op = '>=' THEN v >= threshold ELSE v > threshold END, false);
		reason := CASE
			WHEN v IS NULL THEN format('%s not given (unknown): not met', input)
			WHEN met THEN format('%s %s %s: met', v, v_op, threshold)
			WHEN v < 0 THEN format('%s is negative (liabilities above assets), not %s %s: not met', v, v_op, threshold)
			ELSE format('%s is not %s %s: not met', v, v_op, threshold) END;
		RETURN NEXT;
	END LOOP;
	-- income in each of the last 3 years above the threshold
	FOR class, criterion, input, v_arr, threshold, v_op IN
		SELECT * FROM (VALUES
			('high_net_worth', 'hnw_personal_income', 'income_3y', income_3y, t.inc, CASE WHEN t.inc_incl THEN '>=' ELSE '>' END),
			('high_net_worth', 'hnw_household_income', 'household_income_3y', household_income_3y, t.hh, CASE WHEN t.hh_incl THEN '>=' ELSE '>' END)
		) AS c
	LOOP
		value := v_arr::text;
		comparison := v_op;
		SELECT count(x) = 3 AND coalesce(bool_and(CASE WHEN v_op = '>=' THEN x >= threshold ELSE x > threshold END), false),
		       string_agg(format('year %s: %s', o, coalesce(x::text, 'unknown')), ', ' ORDER BY o)
		           FILTER (WHERE x IS NULL OR NOT CASE WHEN v_op = '>=' THEN x >= threshold ELSE x > threshold END)
		INTO met, reason
		FROM unnest(v_arr) WITH ORDINALITY AS u(x, o);
		met := coalesce(met, false);
		reason := CASE
			WHEN v_arr IS NULL THEN format('%s not given (unknown): not met', input)
			WHEN met THEN format('every year %s %s: met', v_op, threshold)
			ELSE format('not every year %s %s (%s): not met', v_op, threshold, reason) END;
		RETURN NEXT;
	END LOOP;
END $$;
COMMENT ON FUNCTION clientele.regulatory_class_reasons(numeric, numeric, numeric[], numeric[], numeric, date) IS
	'Why clientele.regulatory_class returns what it returns for the same arguments: one row per criterion and input (class it leads to, criterion of clientele.regulatory_threshold, argument name, the value given, the comparison >= or >, the threshold valid on as_of, met, and the reason in words, e.g. "-5 is negative (liabilities above assets), not >= 6000000: not met"). regulatory_class is private_banking when a private_banking row is met, else high_net_worth when a high_net_worth row is met, else NULL. Same errors as regulatory_class.';

CREATE OR REPLACE FUNCTION clientele.regulatory_class(
	net_financial_assets numeric,
	max_single_subscription numeric DEFAULT NULL,
	income_3y numeric[] DEFAULT NULL,
	household_income_3y numeric[] DEFAULT NULL,
	household_net_financial_assets numeric DEFAULT NULL,
	as_of date DEFAULT NULL)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
	SELECT CASE WHEN bool_or(r.met) FILTER (WHERE r.class OPERATOR(pg_catalog.=) 'private_banking') THEN 'private_banking'
	            WHEN bool_or(r.met) FILTER (WHERE r.class OPERATOR(pg_catalog.=) 'high_net_worth') THEN 'high_net_worth' END
	FROM clientele.regulatory_class_reasons(net_financial_assets, max_single_subscription, income_3y,
	                                        household_income_3y, household_net_financial_assets, as_of) AS r
$$;
COMMENT ON FUNCTION clientele.regulatory_class(numeric, numeric, numeric[], numeric[], numeric, date) IS
	'Regulatory customer class (source 003:84): private_banking when net financial assets >= 6,000,000; else high_net_worth when any of: single wealth-product subscription >= 1,000,000, personal or household net financial assets > 1,000,000, personal income > 200,000 in each of the last 3 years, household income > 300,000 in each; else NULL. Thresholds and >=/> are rows of clientele.regulatory_threshold (those valid on as_of, default current_date). NULL inputs are unknown (criterion not met); income arrays hold exactly 3 years. NULL means no class: no criterion is met (negative net financial assets, e.g. -5, meet none); clientele.regulatory_class_reasons (same arguments) says criterion by criterion why.';
