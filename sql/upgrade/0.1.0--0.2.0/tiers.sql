-- area: tiers, 0.1.0 -> 0.2.0: the tier and regulatory tables follow the config-table
-- recipe: clientele.protect_builtin replaces tier_builtin_guard and its GUC
-- override (clientele.allow_builtin_changes), which any session could set.

DROP TRIGGER tier_scheme_builtin_guard ON clientele.tier_scheme;
DROP TRIGGER tier_version_builtin_guard ON clientele.tier_version;
DROP TRIGGER tier_band_builtin_guard ON clientele.tier_band;
DROP TRIGGER regulatory_threshold_builtin_guard ON clientele.regulatory_threshold;
DROP FUNCTION clientele.tier_builtin_guard();

-- The config-table recipe (sql/common.sql): tier_band validated at commit;
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


-- tier_distribution says unknown schemes and early dates up front and re-raises
-- errors of its report query without the query as context (PARALLEL UNSAFE:
-- it catches them in a subtransaction); tier_of / regulatory_class say when
-- they return NULL.
CREATE OR REPLACE FUNCTION clientele.tier_distribution(
	p_scheme text, p_amounts regclass, p_column name DEFAULT 'amount',
	p_region text DEFAULT NULL, p_as_of date DEFAULT NULL, p_rollup text DEFAULT NULL)
RETURNS TABLE (rank int, label text, lower_bound numeric, upper_bound numeric,
               amount numeric, amount_share numeric, count bigint, count_share numeric, average numeric)
LANGUAGE plpgsql STABLE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
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
		RAISE EXCEPTION 'column "%" of % is of type %, not numeric', p_column, p_amounts, v_type
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
	'Distribution report of the amounts in column p_column of table or view p_amounts over the bands of tier scheme p_scheme: per band (by rank) the amount, amount share, count, count share and average; a row with NULL rank for amounts outside every band. With p_rollup, the bands of p_scheme are rolled up into the bands of scheme p_rollup that contain them (ERROR if a band straddles two). Shares are exact fractions (numeric). Errors about the data (a NaN or infinite amount) name the column and carry no query text. PARALLEL UNSAFE: it catches errors of its report query (a subtransaction).';
COMMENT ON FUNCTION clientele.tier_of(text, numeric, text, date) IS
	'Label of the band of the tier scheme that contains amount, using the scheme version valid on as_of (NULL: current_date) and the bands of region when it has an override; NULL when the amount is NULL or outside every band (the shipped schemes start at 0: a negative amount has no tier; clientele.tier_bands shows the range a scheme covers). Bounds are compared exactly (numeric). NaN / infinite amounts, unknown schemes and dates before the first version: ERROR 22023.';
COMMENT ON FUNCTION clientele.regulatory_class(numeric, numeric, numeric[], numeric[], numeric, date) IS
	'Regulatory customer class (source 003:84): private_banking when net financial assets >= 6,000,000; else high_net_worth when any of: single wealth-product subscription >= 1,000,000, personal or household net financial assets > 1,000,000, personal income > 200,000 in each of the last 3 years, household income > 300,000 in each; else NULL. Thresholds and >=/> are rows of clientele.regulatory_threshold (those valid on as_of, default current_date). NULL inputs are unknown (criterion not met); income arrays hold exactly 3 years. NULL means no class: no criterion is met (negative net financial assets, e.g. -5, meet none).';
