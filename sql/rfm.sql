-- area: rfm (see docs/rfm.md)
-- ===========================================================================
-- Transaction summaries (clientele.rfm_summary aggregate, lifetimes /
-- pymc-marketing conventions) and RFM scores and named segments.
-- ===========================================================================

-- This file holds what only a fresh install creates: the types, the segment
-- tables and their shipped rows.  The aggregates and every function of the
-- area are in sql/replace/rfm.sql, which the install and the upgrade both run
-- right after this file (or the upgrade fragment).

-- ---------------------------------------------------------------------------
-- State type of the aggregate: a real base type (not internal), so partial
-- states can travel between parallel workers and Citus shards.
-- ---------------------------------------------------------------------------
-- (a shell here; defined in sql/replace/rfm.sql once its I/O functions exist)
CREATE TYPE clientele.rfm_state;

-- ---------------------------------------------------------------------------
-- The summary row
-- ---------------------------------------------------------------------------
CREATE TYPE clientele.rfm_summary AS (
	frequency        integer,
	recency          double precision,
	t                double precision,
	monetary         double precision,
	first_at         date,
	last_at          date,
	periods          integer,
	total_amount     double precision,
	days_since_last  double precision,
	transactions     bigint,
	as_of            date
);
COMMENT ON TYPE clientele.rfm_summary IS
	'Per-customer transaction summary (lifetimes / pymc-marketing conventions): frequency = purchase days - 1, recency = last - first purchase, t = as_of - first purchase (in units), monetary = mean amount of the repeat purchase days.';
COMMENT ON COLUMN clientele.rfm_summary.frequency IS 'Repeat purchases: number of distinct purchase days minus one (lifetimes "frequency", x).';
COMMENT ON COLUMN clientele.rfm_summary.recency IS 'Time from the first to the last purchase day, in units (lifetimes "recency", t_x).';
COMMENT ON COLUMN clientele.rfm_summary.t IS 'Time from the first purchase day to the as_of day, in units (lifetimes "T").';
COMMENT ON COLUMN clientele.rfm_summary.monetary IS 'Mean amount per repeat purchase day (first day excluded); 0 when frequency = 0 (lifetimes "monetary_value", zbar).';
COMMENT ON COLUMN clientele.rfm_summary.first_at IS 'Calendar day of the first purchase.';
COMMENT ON COLUMN clientele.rfm_summary.last_at IS 'Calendar day of the last purchase on or before as_of.';
COMMENT ON COLUMN clientele.rfm_summary.periods IS 'Number of distinct purchase days (frequency + 1): the marketing-RFM frequency.';
COMMENT ON COLUMN clientele.rfm_summary.total_amount IS 'Sum of all amounts on or before the as_of day, first day included (marketing-RFM monetary).';
COMMENT ON COLUMN clientele.rfm_summary.days_since_last IS 'Days from the last purchase day to the as_of day (marketing-RFM recency), always in days.';
COMMENT ON COLUMN clientele.rfm_summary.transactions IS 'Number of transactions (rows) counted, same-day ones included.';
COMMENT ON COLUMN clientele.rfm_summary.as_of IS 'Calendar day of as_of: the end of the observation period (inclusive).';

-- ---------------------------------------------------------------------------
-- Segment schemes and rules (configuration, validated on write)
-- ---------------------------------------------------------------------------
CREATE TABLE clientele.rfm_segment_scheme (
	scheme       text PRIMARY KEY
		CONSTRAINT rfm_segment_scheme_name_valid CHECK (scheme ~ '^[a-z][a-z0-9_]*$'),
	ntiles       integer NOT NULL DEFAULT 5
		CONSTRAINT rfm_segment_scheme_ntiles_valid CHECK (ntiles BETWEEN 2 AND 10),
	fallback     text,
	builtin      boolean NOT NULL DEFAULT false,
	description  text NOT NULL,
	source       text
);
COMMENT ON TABLE clientele.rfm_segment_scheme IS 'RFM segment schemes: each names a set of first-match rules over r, f, m scores 1..ntiles. Banks add their own; builtin rows ship with the extension.';
COMMENT ON COLUMN clientele.rfm_segment_scheme.scheme IS 'Scheme name (lower case).';
COMMENT ON COLUMN clientele.rfm_segment_scheme.ntiles IS 'Scores run from 1 to ntiles (2..10).';
COMMENT ON COLUMN clientele.rfm_segment_scheme.fallback IS 'Segment of a score no rule matches (NULL: the segment is NULL).';
COMMENT ON COLUMN clientele.rfm_segment_scheme.builtin IS 'True for the schemes shipped with the extension (read-only, not dumped by pg_dump).';
COMMENT ON COLUMN clientele.rfm_segment_scheme.description IS 'What the scheme is for.';
COMMENT ON COLUMN clientele.rfm_segment_scheme.source IS 'Where the rules come from.';

CREATE TABLE clientele.rfm_segment_rule (
	scheme    text NOT NULL
		CONSTRAINT rfm_segment_rule_scheme_fkey REFERENCES clientele.rfm_segment_scheme (scheme)
		ON UPDATE CASCADE ON DELETE CASCADE,
	priority  integer NOT NULL,
	segment   text NOT NULL
		CONSTRAINT rfm_segment_rule_segment_valid CHECK (segment <> ''),
	r_min     smallint NOT NULL,
	r_max     smallint NOT NULL,
	f_min     smallint NOT NULL,
	f_max     smallint NOT NULL,
	m_min     smallint NOT NULL,
	m_max     smallint NOT NULL,
	builtin   boolean NOT NULL DEFAULT false,
	CONSTRAINT rfm_segment_rule_pkey PRIMARY KEY (scheme, priority, r_min, f_min, m_min)
);
COMMENT ON TABLE clientele.rfm_segment_rule IS
	'Rules of the RFM segment schemes: a score (r, f, m) gets the segment of the first rule (lowest priority number) whose ranges contain it. Rules of equal priority must not overlap; empty and out-of-range ranges are rejected.';
COMMENT ON COLUMN clientele.rfm_segment_rule.scheme IS 'Scheme.';
COMMENT ON COLUMN clientele.rfm_segment_rule.priority IS 'Evaluation order: lower first. Several rows of one priority (non-overlapping) may form one segment.';
COMMENT ON COLUMN clientele.rfm_segment_rule.segment IS 'Segment name given by the rule.';
COMMENT ON COLUMN clientele.rfm_segment_rule.r_min IS 'Lowest recency score matched (5 = most recent when ntiles = 5).';
COMMENT ON COLUMN clientele.rfm_segment_rule.r_max IS 'Highest recency score matched.';
COMMENT ON COLUMN clientele.rfm_segment_rule.f_min IS 'Lowest frequency score matched.';
COMMENT ON COLUMN clientele.rfm_segment_rule.f_max IS 'Highest frequency score matched.';
COMMENT ON COLUMN clientele.rfm_segment_rule.m_min IS 'Lowest monetary score matched.';
COMMENT ON COLUMN clientele.rfm_segment_rule.m_max IS 'Highest monetary score matched.';
COMMENT ON COLUMN clientele.rfm_segment_rule.builtin IS 'True for the rules shipped with the extension (read-only, not dumped by pg_dump).';

INSERT INTO clientele.rfm_segment_scheme (scheme, ntiles, fallback, builtin, description, source) VALUES
	('rf_grid', 5, NULL, true,
	 'The widely used recency x frequency grid: 10 segments covering all 25 (R, F) cells; the monetary score is ignored.',
	 'The R-F "seg_map" (regular expressions over the two-digit RF score) reproduced in many public RFM tutorials and notebooks: [1-2][1-2] hibernating, [1-2][3-4] at risk, [1-2]5 can''t lose them, 3[1-2] about to sleep, 33 need attention, [3-4][4-5] loyal customers, 41 promising, 51 new customers, [4-5][2-3] potential loyalists, 5[4-5] champions.'),
	('rfm_package', 5, 'Others', true,
	 'The ten segments of the R package rfm (version 0.3.0, rfm_segment() example / vignette), evaluated first match in the listed order; scores no rule matches are "Others".',
	 'R package rfm 0.3.0 (Aravind Hebbali, rsquaredacademy), rfm_segment() documentation example: segment_names, recency/frequency/monetary lower and upper bounds.');

INSERT INTO clientele.rfm_segment_rule (scheme, priority, segment, r_min, r_max, f_min, f_max, m_min, m_max, builtin) VALUES
	('rf_grid', 1, 'Champions',           5, 5, 4, 5, 1, 5, true),
	('rf_grid', 1, 'Loyal Customers',     3, 4, 4, 5, 1, 5, true),
	('rf_grid', 1, 'Potential Loyalists', 4, 5, 2, 3, 1, 5, true),
	('rf_grid', 1, 'New Customers',       5, 5, 1, 1, 1, 5, true),
	('rf_grid', 1, 'Promising',           4, 4, 1, 1, 1, 5, true),
	('rf_grid', 1, 'Need Attention',      3, 3, 3, 3, 1, 5, true),
	('rf_grid', 1, 'About To Sleep',      3, 3, 1, 2, 1, 5, true),
	('rf_grid', 1, 'At Risk',             1, 2, 3, 4, 1, 5, true),
	('rf_grid', 1, 'Can''t Lose Them',    1, 2, 5, 5, 1, 5, true),
	('rf_grid', 1, 'Hibernating',         1, 2, 1, 2, 1, 5, true),
	('rfm_package',  1, 'Champions',          4, 5, 4, 5, 4, 5, true),
	('rfm_package',  2, 'Loyal Customers',    2, 5, 3, 5, 3, 5, true),
	('rfm_package',  3, 'Potential Loyalist', 3, 5, 1, 3, 1, 3, true),
	('rfm_package',  4, 'New Customers',      4, 5, 1, 1, 1, 1, true),
	('rfm_package',  5, 'Promising',          3, 4, 1, 1, 1, 1, true),
	('rfm_package',  6, 'Need Attention',     2, 3, 2, 3, 2, 3, true),
	('rfm_package',  7, 'About To Sleep',     2, 3, 1, 2, 1, 2, true),
	('rfm_package',  8, 'At Risk',            1, 2, 2, 5, 2, 5, true),
	('rfm_package',  9, 'Can''t Lose Them',   1, 1, 4, 5, 4, 5, true),
	('rfm_package', 10, 'Lost',               1, 2, 1, 2, 1, 2, true);
