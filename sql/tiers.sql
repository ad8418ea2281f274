-- area: tiers (see docs/tiers.md)
-- ===========================================================================
-- Tier schemes as data: clientele.tier_scheme (what is classified, where the
-- thresholds come from), tier_version (valid-from dates), tier_band (labels,
-- ranks, bounds with their inclusiveness, per-region overrides).  Validated
-- at write time (deferred constraint triggers, so a scheme may be edited over
-- several statements of one transaction), compiled per backend in C
-- (src/tiers.c) and recompiled after every committed change.
-- This file holds what only a fresh install creates (tables, shipped rows);
-- the functions, the configuration triggers and the function comments are
-- in sql/replace/tiers.sql, run after it by the install and by the upgrade
-- from 0.1.0 (Makefile, SQL_PARTS).
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
