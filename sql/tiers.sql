-- area: tiers (see docs/tiers.md)
-- ===========================================================================
-- Tier schemes as data: clientele.tier_scheme (what is classified, where the
-- thresholds come from), tier_version (valid-from dates), tier_band (labels,
-- ranks, bounds with their inclusiveness, per-region overrides).  Validated
-- at write time (deferred constraint triggers, so a scheme may be edited over
-- several statements of one transaction), compiled per backend in C
-- (src/tiers.c) and recompiled after every committed change.
-- ===========================================================================

CREATE TABLE clientele.tier_scheme (
	scheme       text PRIMARY KEY
		CONSTRAINT tier_scheme_name_valid CHECK (scheme ~ '^[a-z][a-z0-9_]*$'),
	basis        text NOT NULL
		CONSTRAINT tier_scheme_basis_valid CHECK (basis IN ('balance', 'aum', 'contribution', 'numeric')),
	unit         text NOT NULL DEFAULT 'CNY',
	description  text NOT NULL,
	source       text NOT NULL,
	builtin      boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE clientele.tier_scheme IS
	'Tier schemes: named classifications of an amount into labelled bands (bands in clientele.tier_band, versions in clientele.tier_version). Shipped (builtin) schemes and their sources: suzhou_deposit_bands_2012 (0-1万, 1万-5万, 5万-20万, 20万-100万, 100万以上; source document 004, Suzhou postal savings deposit structure at the end of February 2012), deposit_class_abc (C < 1万, B 1万-20万, A >= 20万; source 004, roll-up of the same table), service_tier (ordinary / mid-tier / high-end with sub-bands and service levels; source 004); see the domain notes section 2. Each row cites its source in column source.';
COMMENT ON COLUMN clientele.tier_scheme.scheme IS 'Scheme name (lower case, e.g. suzhou_deposit_bands_2012), the first argument of clientele.tier_of.';
COMMENT ON COLUMN clientele.tier_scheme.basis IS 'What the amount is: balance (deposit balance), aum (total relationship balance), contribution (profit) or numeric (anything else). Documents intent; tier_of classifies the amount it is given.';
COMMENT ON COLUMN clientele.tier_scheme.unit IS 'Unit of the bounds (currency code, or a unit such as points).';
COMMENT ON COLUMN clientele.tier_scheme.description IS 'What the scheme is for.';
COMMENT ON COLUMN clientele.tier_scheme.source IS 'Where the thresholds come from (document and line, policy, committee decision).';
COMMENT ON COLUMN clientele.tier_scheme.builtin IS 'True for schemes shipped with the extension (read-only, not dumped by pg_dump).';

CREATE TABLE clientele.tier_version (
	scheme      text NOT NULL
		CONSTRAINT tier_version_scheme_fkey REFERENCES clientele.tier_scheme (scheme)
		ON UPDATE CASCADE ON DELETE CASCADE,
	version     int NOT NULL
		CONSTRAINT tier_version_positive CHECK (version > 0),
	valid_from  date NOT NULL
		CONSTRAINT tier_version_valid_from_finite CHECK (valid_from > '-infinity' AND valid_from < 'infinity'),
	note        text,
	builtin     boolean NOT NULL DEFAULT false,
	CONSTRAINT tier_version_pkey PRIMARY KEY (scheme, version),
	CONSTRAINT tier_version_valid_from_key UNIQUE (scheme, valid_from)
);
COMMENT ON TABLE clientele.tier_version IS
	'Versions of a tier scheme: a version is in force from valid_from until the next version''s valid_from.';
COMMENT ON COLUMN clientele.tier_version.scheme IS 'Tier scheme.';
COMMENT ON COLUMN clientele.tier_version.version IS 'Version number (positive).';
COMMENT ON COLUMN clientele.tier_version.valid_from IS 'First day on which this version applies (tier_of picks the latest version with valid_from <= as_of).';
COMMENT ON COLUMN clientele.tier_version.note IS 'What changed in this version.';
COMMENT ON COLUMN clientele.tier_version.builtin IS 'True for versions shipped with the extension (read-only, not dumped).';

CREATE TABLE clientele.tier_band (
	scheme           text NOT NULL,
	version          int NOT NULL,
	region           text
		CONSTRAINT tier_band_region_not_empty CHECK (region <> ''),
	rank             int NOT NULL,
	label            text NOT NULL
		CONSTRAINT tier_band_label_not_empty CHECK (label <> ''),
	lower_bound      numeric
		CONSTRAINT tier_band_lower_finite CHECK (lower_bound::text NOT IN ('NaN', 'Infinity', '-Infinity')),
	lower_inclusive  boolean NOT NULL DEFAULT true,
	upper_bound      numeric
		CONSTRAINT tier_band_upper_finite CHECK (upper_bound::text NOT IN ('NaN', 'Infinity', '-Infinity')),
	upper_inclusive  boolean NOT NULL DEFAULT false,
	tier             text,
	service_level    text,
	builtin          boolean NOT NULL DEFAULT false,
	CONSTRAINT tier_band_version_fkey FOREIGN KEY (scheme, version)
		REFERENCES clientele.tier_version (scheme, version) ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX tier_band_scheme_version_idx ON clientele.tier_band (scheme, version);
COMMENT ON TABLE clientele.tier_band IS
	'Bands of a tier scheme version. The default bands (region NULL) must cover their range without gaps or overlaps; bands of a region replace the default bands for that region. Checked when the transaction commits (clientele.tier_validate).';
COMMENT ON COLUMN clientele.tier_band.scheme IS 'Tier scheme.';
COMMENT ON COLUMN clientele.tier_band.version IS 'Scheme version.';
COMMENT ON COLUMN clientele.tier_band.region IS 'NULL for the default bands; a region (as in clientele.customer.region) for an override.';
COMMENT ON COLUMN clientele.tier_band.rank IS 'Order of the band within its set (distinct; shipped schemes rank 1 = lowest amounts); tier_rank returns it.';
COMMENT ON COLUMN clientele.tier_band.label IS 'Band label returned by tier_of (distinct within its set).';
COMMENT ON COLUMN clientele.tier_band.lower_bound IS 'Lower bound; NULL = unbounded below.';
COMMENT ON COLUMN clientele.tier_band.lower_inclusive IS 'Whether the lower bound belongs to the band (ignored when unbounded).';
COMMENT ON COLUMN clientele.tier_band.upper_bound IS 'Upper bound; NULL = unbounded above.';
COMMENT ON COLUMN clientele.tier_band.upper_inclusive IS 'Whether the upper bound belongs to the band (ignored when unbounded).';
COMMENT ON COLUMN clientele.tier_band.tier IS 'Coarser tier the band belongs to when bands are sub-bands (e.g. mid-tier); NULL = the label itself.';
COMMENT ON COLUMN clientele.tier_band.service_level IS 'What customers of this band receive (service model, KPI), as data.';
COMMENT ON COLUMN clientele.tier_band.builtin IS 'True for bands shipped with the extension (read-only, not dumped; their source: clientele.tier_scheme.source, document 004).';

-- --- C functions ------------------------------------------------------------

CREATE FUNCTION clientele.tier_of(scheme text, amount numeric, region text DEFAULT NULL, as_of date DEFAULT NULL)
RETURNS text
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_tier_of';
COMMENT ON FUNCTION clientele.tier_of(text, numeric, text, date) IS
	'Label of the band of the tier scheme that contains amount, using the scheme version valid on as_of (NULL: current_date) and the bands of region when it has an override; NULL when the amount is NULL or outside every band (the shipped schemes start at 0: a negative amount has no tier; clientele.tier_bands shows the range a scheme covers). Bounds are compared exactly (numeric). NaN / infinite amounts, unknown schemes and dates before the first version: ERROR 22023.';

CREATE FUNCTION clientele.tier_rank(scheme text, amount numeric, region text DEFAULT NULL, as_of date DEFAULT NULL)
RETURNS int
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_tier_rank';
COMMENT ON FUNCTION clientele.tier_rank(text, numeric, text, date) IS
	'Rank of the band that contains amount (as tier_of, but the rank); NULL when outside every band.';

CREATE FUNCTION clientele.tier_version(scheme text, as_of date DEFAULT NULL)
RETURNS int
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_tier_version';
COMMENT ON FUNCTION clientele.tier_version(text, date) IS
	'Version of the tier scheme in force on as_of (NULL: current_date); ERROR for an unknown scheme or a date before its first version.';

CREATE FUNCTION clientele.tier_validate(scheme text, version int)
RETURNS void
LANGUAGE c VOLATILE PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'clientele_tier_validate';
COMMENT ON FUNCTION clientele.tier_validate(text, int) IS
	'Checks every band set of a scheme version: finite bounds, distinct ranks and labels, no empty band (lower above upper), no overlap, no gap, default bands present. ERROR (23514) naming the bands otherwise. Locks the scheme row (FOR NO KEY UPDATE) so that concurrent edits of one scheme are checked one after the other. Run by the deferred constraint trigger of tier_band (a version row alone is not checked, so pg_dump output restores table by table; tier_of reports a version without bands).';

-- --- write-time validation ----------------------------------------------------

CREATE FUNCTION clientele.tier_check_trigger() RETURNS trigger
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

-- --- shipped schemes ---------------------------------------------------------
-- Source document 004 (Suzhou postal savings, deposit structure at the end of
-- February 2012; domain notes section 2).  Amounts in CNY; the document
-- writes the bands in 万元 (CNY 10,000) with the upper bound excluded (不含).

INSERT INTO clientele.tier_scheme (scheme, basis, unit, description, source, builtin) VALUES
	('suzhou_deposit_bands_2012', 'balance', 'CNY',
	 'Deposit balance bands of the Suzhou postal-savings customer analysis: 0-1万, 1万-5万, 5万-20万, 20万-100万, 100万以上 (upper bound excluded).',
	 'Source document 004 (Suzhou postal savings deposit structure, end of February 2012); domain notes section 2.', true),
	('deposit_class_abc', 'balance', 'CNY',
	 'A/B/C customer classes by deposit balance: C below 1万, B 1万 to 20万, A 20万 and above.',
	 'Source document 004 (roll-up of the Suzhou deposit bands into classes A, B, C); domain notes section 2.', true),
	('service_tier', 'balance', 'CNY',
	 'Service tiers with sub-bands: ordinary below 1万; mid-tier 1万-20万 (1万-5万, 5万-20万); high-end 20万 and above (with a 50万+ sub-band). The service model of each tier is in tier_band.service_level.',
	 'Source document 004 (service tiers and tier KPIs); domain notes section 2.', true);

INSERT INTO clientele.tier_version (scheme, version, valid_from, note, builtin) VALUES
	('suzhou_deposit_bands_2012', 1, '2012-02-29', 'As published for the end of February 2012.', true),
	('deposit_class_abc', 1, '2012-02-29', 'As published for the end of February 2012.', true),
	('service_tier', 1, '2012-02-29', 'As published with the February 2012 analysis.', true);

INSERT INTO clientele.tier_band (scheme, version, rank, label, lower_bound, lower_inclusive, upper_bound, upper_inclusive, tier, service_level, builtin) VALUES
	('suzhou_deposit_bands_2012', 1, 1, '0-1万',      0,       true, 10000,   false, NULL, NULL, true),
	('suzhou_deposit_bands_2012', 1, 2, '1万-5万',    10000,   true, 50000,   false, NULL, NULL, true),
	('suzhou_deposit_bands_2012', 1, 3, '5万-20万',   50000,   true, 200000,  false, NULL, NULL, true),
	('suzhou_deposit_bands_2012', 1, 4, '20万-100万', 200000,  true, 1000000, false, NULL, NULL, true),
	('suzhou_deposit_bands_2012', 1, 5, '100万以上',  1000000, true, NULL,    false, NULL, NULL, true),
	('deposit_class_abc', 1, 1, 'C', 0,      true, 10000,  false, NULL, NULL, true),
	('deposit_class_abc', 1, 2, 'B', 10000,  true, 200000, false, NULL, NULL, true),
	('deposit_class_abc', 1, 3, 'A', 200000, true, NULL,   false, NULL, NULL, true),
	('service_tier', 1, 1, 'ordinary',          0,      true, 10000,  false, 'ordinary',
	 'Fast self-service channels; tier KPI: waiting time.', true),
	('service_tier', 1, 2, 'mid-tier 1万-5万',  10000,  true, 50000,  false, 'mid-tier',
	 'Product bundles and wealth salons; tier KPI: cross-sell rate.', true),
	('service_tier', 1, 3, 'mid-tier 5万-20万', 50000,  true, 200000, false, 'mid-tier',
	 'Product bundles and wealth salons; tier KPI: cross-sell rate.', true),
	('service_tier', 1, 4, 'high-end 20万-50万', 200000, true, 500000, false, 'high-end',
	 'Dedicated relationship manager, regular contact, comprehensive financial plan; tier KPIs: AUM and stickiness.', true),
	('service_tier', 1, 5, 'high-end 50万+',    500000, true, NULL,   false, 'high-end',
	 'Dedicated relationship manager, regular contact, comprehensive financial plan; tier KPIs: AUM and stickiness.', true);

-- --- bands in force, band details, distribution report -------------------------

CREATE FUNCTION clientele.tier_bands(p_scheme text, p_region text DEFAULT NULL, p_as_of date DEFAULT NULL)
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

CREATE FUNCTION clientele.tier_band_within(
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

CREATE FUNCTION clientele.tier_distribution(
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

-- --- regulatory high-net-worth and private-banking classes ----------------------
-- Source 003:84 (domain notes section 2): private banking = net financial
-- assets >= CNY 6,000,000; high net worth = any of: single wealth-product
-- subscription >= 1,000,000; personal or household net financial assets
-- > 1,000,000; personal income > 200,000 in each of the last 3 years or
-- household income > 300,000 in each.  >= and > exactly as written.

CREATE TABLE clientele.regulatory_threshold (
	criterion    text NOT NULL
		CONSTRAINT regulatory_threshold_criterion_valid CHECK (criterion IN (
			'private_banking_net_financial_assets', 'hnw_single_subscription', 'hnw_net_financial_assets',
			'hnw_personal_income', 'hnw_household_income')),
	valid_from   date NOT NULL
		CONSTRAINT regulatory_threshold_valid_from_not_infinity CHECK (valid_from < 'infinity'),
	threshold    numeric NOT NULL
		CONSTRAINT regulatory_threshold_finite CHECK (threshold::text NOT IN ('NaN', 'Infinity', '-Infinity')),
	inclusive    boolean NOT NULL,
	description  text NOT NULL,
	source       text NOT NULL,
	builtin      boolean NOT NULL DEFAULT false,
	CONSTRAINT regulatory_threshold_pkey PRIMARY KEY (criterion, valid_from)
);
COMMENT ON TABLE clientele.regulatory_threshold IS
	'Thresholds of the regulatory private-banking and high-net-worth classes (clientele.regulatory_class), source 003:84: per criterion, the row with the latest valid_from on or before the date asked applies; inclusive true means >=, false means >. The shipped rows (valid from -infinity) are read-only: a change of regulation is a new row with a later valid_from.';
COMMENT ON COLUMN clientele.regulatory_threshold.criterion IS 'Which criterion (fixed list).';
COMMENT ON COLUMN clientele.regulatory_threshold.valid_from IS 'First day the row applies (-infinity for the shipped rows).';
COMMENT ON COLUMN clientele.regulatory_threshold.threshold IS 'Threshold in CNY.';
COMMENT ON COLUMN clientele.regulatory_threshold.inclusive IS 'true: met at amount >= threshold; false: met only at amount > threshold.';
COMMENT ON COLUMN clientele.regulatory_threshold.description IS 'The criterion in words.';
COMMENT ON COLUMN clientele.regulatory_threshold.source IS 'Where it comes from.';
COMMENT ON COLUMN clientele.regulatory_threshold.builtin IS 'True for the rows shipped with the extension (read-only, not dumped).';

INSERT INTO clientele.regulatory_threshold (criterion, valid_from, threshold, inclusive, description, source, builtin)
SELECT criterion, '-infinity', threshold, inclusive, description, source, builtin FROM (VALUES
	('private_banking_net_financial_assets', 6000000, true,
	 'Private banking customer: personal net financial assets >= CNY 6,000,000.', 'Source 003:84; domain notes section 2.', true),
	('hnw_single_subscription', 1000000, true,
	 'High net worth: a single wealth-product subscription >= CNY 1,000,000.', 'Source 003:84; domain notes section 2.', true),
	('hnw_net_financial_assets', 1000000, false,
	 'High net worth: personal or household net financial assets > CNY 1,000,000.', 'Source 003:84; domain notes section 2.', true),
	('hnw_personal_income', 200000, false,
	 'High net worth: personal annual income > CNY 200,000 in each of the last 3 years.', 'Source 003:84; domain notes section 2.', true),
	('hnw_household_income', 300000, false,
	 'High net worth: household annual income > CNY 300,000 in each of the last 3 years.', 'Source 003:84; domain notes section 2.', true)
) AS t(criterion, threshold, inclusive, description, source, builtin);
SELECT clientele.config_table_register('clientele.regulatory_threshold',
	'Add a row for the criterion with a later valid_from (builtin = false).', p_what => 'regulatory thresholds',
	p_cached => false);

CREATE FUNCTION clientele.regulatory_class(
	net_financial_assets numeric,
	max_single_subscription numeric DEFAULT NULL,
	income_3y numeric[] DEFAULT NULL,
	household_income_3y numeric[] DEFAULT NULL,
	household_net_financial_assets numeric DEFAULT NULL,
	as_of date DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	t record;
	v numeric;
	v_name text;
	v_arr numeric[];
	i int;
BEGIN
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
		max(threshold) FILTER (WHERE criterion = 'private_banking_net_financial_assets') AS pb,
		bool_or(inclusive) FILTER (WHERE criterion = 'private_banking_net_financial_assets') AS pb_incl,
		max(threshold) FILTER (WHERE criterion = 'hnw_single_subscription') AS sub,
		bool_or(inclusive) FILTER (WHERE criterion = 'hnw_single_subscription') AS sub_incl,
		max(threshold) FILTER (WHERE criterion = 'hnw_net_financial_assets') AS nfa,
		bool_or(inclusive) FILTER (WHERE criterion = 'hnw_net_financial_assets') AS nfa_incl,
		max(threshold) FILTER (WHERE criterion = 'hnw_personal_income') AS inc,
		bool_or(inclusive) FILTER (WHERE criterion = 'hnw_personal_income') AS inc_incl,
		max(threshold) FILTER (WHERE criterion = 'hnw_household_income') AS hh,
		bool_or(inclusive) FILTER (WHERE criterion = 'hnw_household_income') AS hh_incl
	INTO t
	FROM (SELECT DISTINCT ON (r.criterion) r.criterion, r.threshold, r.inclusive
	      FROM clientele.regulatory_threshold r
	      WHERE r.valid_from <= coalesce(as_of, current_date)
	      ORDER BY r.criterion, r.valid_from DESC) AS current_rows;
	IF t.pb IS NULL OR t.sub IS NULL OR t.nfa IS NULL OR t.inc IS NULL OR t.hh IS NULL THEN
		RAISE EXCEPTION 'clientele.regulatory_threshold has no row for some criterion on %', coalesce(as_of, current_date)
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'It needs one row for each criterion: private_banking_net_financial_assets, hnw_single_subscription, hnw_net_financial_assets, hnw_personal_income, hnw_household_income.';
	END IF;

	-- the CASEs in parentheses: PL/pgSQL would end an IF condition at the CASE's THEN
	IF (CASE WHEN t.pb_incl THEN net_financial_assets >= t.pb ELSE net_financial_assets > t.pb END) THEN
		RETURN 'private_banking';
	END IF;
	IF (CASE WHEN t.sub_incl THEN max_single_subscription >= t.sub ELSE max_single_subscription > t.sub END)
	   OR (CASE WHEN t.nfa_incl THEN net_financial_assets >= t.nfa ELSE net_financial_assets > t.nfa END)
	   OR (CASE WHEN t.nfa_incl THEN household_net_financial_assets >= t.nfa ELSE household_net_financial_assets > t.nfa END)
	   OR (SELECT count(x) = 3 AND bool_and(CASE WHEN t.inc_incl THEN x >= t.inc ELSE x > t.inc END)
	       FROM unnest(income_3y) AS x)
	   OR (SELECT count(x) = 3 AND bool_and(CASE WHEN t.hh_incl THEN x >= t.hh ELSE x > t.hh END)
	       FROM unnest(household_income_3y) AS x)
	THEN
		RETURN 'high_net_worth';
	END IF;
	RETURN NULL;
END $$;
COMMENT ON FUNCTION clientele.regulatory_class(numeric, numeric, numeric[], numeric[], numeric, date) IS
	'Regulatory customer class (source 003:84): private_banking when net financial assets >= 6,000,000; else high_net_worth when any of: single wealth-product subscription >= 1,000,000, personal or household net financial assets > 1,000,000, personal income > 200,000 in each of the last 3 years, household income > 300,000 in each; else NULL. Thresholds and >=/> are rows of clientele.regulatory_threshold (those valid on as_of, default current_date). NULL inputs are unknown (criterion not met); income arrays hold exactly 3 years. NULL means no class: no criterion is met (negative net financial assets, e.g. -5, meet none).';
