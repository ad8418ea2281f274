-- area: reporting
-- ===========================================================================
-- Materialized views for reporting tools, over the results of the latest
-- refreshes.  Each has a unique index; clientele.refresh replaces their rows
-- under REFRESH ... CONCURRENTLY's lock (clientele.matview_replace): readers
-- keep answering from the previous contents until it commits.  The KPI
-- table is filled per refresh date (clientele.kpi_compute) so that the KPI
-- view does not recompute the whole history.  See docs/reporting.md.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- KPIs of the domain notes section 5, per refresh date and per region,
-- branch and relationship manager
-- ---------------------------------------------------------------------------
CREATE TABLE clientele.kpi_history (
	as_of                  date NOT NULL,
	level                  text NOT NULL
		CONSTRAINT kpi_history_level_valid CHECK (level IN ('bank', 'region', 'branch', 'relationship_manager')),
	group_value            text NOT NULL,
	customers              bigint NOT NULL,
	active_share           numeric,
	previous_as_of         date,
	customers_at_previous  bigint,
	churned                bigint,
	churn_rate             numeric,
	retention_rate         numeric,
	high_value_share       numeric,
	products_per_customer  numeric,
	avg_daily_deposit      numeric,
	aum                    numeric NOT NULL,
	aum_by_tier            jsonb NOT NULL,
	complaint_rate         numeric,
	contribution           numeric NOT NULL,
	clv                    numeric,
	CONSTRAINT kpi_history_pkey PRIMARY KEY (as_of, level, group_value)
);
COMMENT ON TABLE clientele.kpi_history IS
	'KPIs per refresh date and per group (written by clientele.refresh; read through the view clientele.kpi_summary). Row-level security: a relationship manager sees only the rows of their own portfolio.';
-- a helper of this script only (dropped below): a temporary function would do,
-- but Citus refuses to PREPARE a transaction that touched temporary objects
CREATE FUNCTION clientele.kpi_comments_tmp(p_rel text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	c record;
BEGIN
	FOR c IN SELECT * FROM (VALUES
		('as_of', 'Refresh date.'),
		('level', 'Grouping: bank (everyone), region, branch or relationship_manager.'),
		('group_value', 'The region, branch or relationship manager; (all) for the bank; (unknown) when not recorded.'),
		('customers', 'Customers with an open relationship on as_of.'),
		('active_share', 'Share of those customers who are active (customer-initiated enquiry, deposit, withdrawal or transfer in the past 6 months, source 000:917).'),
		('previous_as_of', 'The previous refresh date (the churn and retention rates compare with it); NULL for the first refresh.'),
		('customers_at_previous', 'Customers open and not churned at the previous refresh (grouped by their group then).'),
		('churned', 'Of those, customers closed, churned (lifecycle stage) or gone by as_of.'),
		('churn_rate', 'churned / customers_at_previous (4 decimals).'),
		('retention_rate', '1 - churn_rate.'),
		('high_value_share', 'Share of open customers in the high profit class (annualised contribution >= profit_high_min).'),
		('products_per_customer', 'Mean number of distinct product types held by open customers (cross-sell).'),
		('avg_daily_deposit', 'Mean average daily deposit balance (日均余额) per open customer over the value period.'),
		('aum', 'Total AUM of open customers.'),
		('aum_by_tier', 'AUM per tier of refresh_config.tier_scheme, as a JSON object {tier: aum}.'),
		('complaint_rate', 'Share of open customers with a complaint or service failure in the past 6 months.'),
		('contribution', 'Total profit contribution over the value period.'),
		('clv', 'Total CLV (expected future profit contribution) of open customers.')) v(col, txt)
	LOOP
		EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', p_rel, c.col, c.txt);
	END LOOP;
END $$;
SELECT clientele.kpi_comments_tmp('clientele.kpi_history');
SELECT pg_catalog.pg_extension_config_dump('clientele.kpi_history', '');

CREATE FUNCTION clientele.kpi_compute(p_as_of date)
RETURNS SETOF clientele.kpi_history
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp SET enable_nestloop = off
SET enable_seqscan = off AS $$
BEGIN
	-- a NULL, infinite or out-of-range date is an error, not an empty result
	PERFORM clientele.check_date(p_as_of, 'p_as_of');
	-- enable_nestloop = off: the refresh calls it right after writing the
	-- date's rows, which the table's statistics do not know yet (estimated
	-- at a row or so, a nested loop over them would be quadratic).
	-- enable_seqscan = off: the two dates' rows are read through the
	-- primary key (as_of leads; a date's rows are written together, so
	-- they lie together), not by scans of the whole result history, which
	-- the plans chose on the statistics' few dates (at 50,000 customers
	-- and two dates a quarter faster; more with a longer history).
	-- One read of the date's rows (cur, narrow) and one of the previous
	-- date's; the date's open customers are first summed per (region,
	-- branch, relationship manager, tier) and the grouping sets (the bank,
	-- each region, branch and relationship manager) run over those few
	-- rows: sums and counts of sums and counts, then the same divisions as
	-- avg() (exact: the numbers are those of one aggregation over every
	-- row).  The group columns are never NULL in cur, so the set a row
	-- belongs to is the one whose column is not NULL
	RETURN QUERY
	WITH prev AS (
		SELECT max(r.as_of) AS d FROM clientele.customer_result r WHERE r.as_of < p_as_of
	), cur AS MATERIALIZED (
		SELECT r.customer_id, r.is_closed, r.lifecycle_stage,
		       coalesce(r.region, '(unknown)') AS region, coalesce(r.branch, '(unknown)') AS branch,
		       coalesce(r.relationship_manager, '(unknown)') AS rm, coalesce(r.tier, '(none)') AS tier,
		       r.active, r.profit_class, r.products_held, r.avg_daily_deposit, r.aum,
		       r.complaints, r.contribution, r.clv
		FROM clientele.customer_result r
		WHERE r.as_of = p_as_of
	), g AS MATERIALIZED (
		SELECT c.region, c.branch, c.rm, c.tier, count(*) AS n,
		       count(*) FILTER (WHERE c.active) AS n_active,
		       count(*) FILTER (WHERE c.profit_class = 'high') AS n_high,
		       sum(c.products_held) AS products,
		       sum(c.avg_daily_deposit) AS add,
		       sum(c.aum) AS aum,
		       count(*) FILTER (WHERE c.complaints > 0) AS n_complaint,
		       sum(c.contribution) AS contribution,
		       sum(c.clv) AS clv
		FROM cur c WHERE NOT c.is_closed
		GROUP BY c.region, c.branch, c.rm, c.tier
	), base AS (
		SELECT CASE WHEN g.region IS NOT NULL THEN 'region' WHEN g.branch IS NOT NULL THEN 'branch'
		            WHEN g.rm IS NOT NULL THEN 'relationship_manager' ELSE 'bank' END AS level,
		       coalesce(g.region, g.branch, g.rm, '(all)') AS group_value, sum(g.n)::bigint AS n,
		       round(sum(g.n_active)::numeric / sum(g.n)::numeric, 4) AS active_share,
		       round(sum(g.n_high)::numeric / sum(g.n)::numeric, 4) AS high_share,
		       round(sum(g.products)::numeric / sum(g.n)::numeric, 3) AS products,
		       round(sum(g.add) / sum(g.n)::numeric, 2) AS add,
		       sum(g.aum) AS aum,
		       round(sum(g.n_complaint)::numeric / sum(g.n)::numeric, 4) AS complaint_rate,
		       sum(g.contribution) AS contribution,
		       sum(g.clv) AS clv
		FROM g GROUP BY GROUPING SETS ((), (g.region), (g.branch), (g.rm))
	), tiers AS (
		SELECT t.level, t.group_value, jsonb_object_agg(t.tier, t.aum) AS by_tier
		FROM (SELECT CASE WHEN g.region IS NOT NULL THEN 'region' WHEN g.branch IS NOT NULL THEN 'branch'
		                  WHEN g.rm IS NOT NULL THEN 'relationship_manager' ELSE 'bank' END AS level,
		             coalesce(g.region, g.branch, g.rm, '(all)') AS group_value, g.tier, sum(g.aum) AS aum
		      FROM g GROUP BY GROUPING SETS ((g.tier), (g.region, g.tier), (g.branch, g.tier), (g.rm, g.tier))) t
		GROUP BY t.level, t.group_value
	), pg AS (
		-- the previous date's open, not churned customers per (region, branch,
		-- relationship manager) then, and how many of them churned since
		SELECT x.region, x.branch, x.rm, count(*) AS n, count(*) FILTER (WHERE x.churned) AS churned
		FROM (SELECT coalesce(p.region, '(unknown)') AS region, coalesce(p.branch, '(unknown)') AS branch,
		             coalesce(p.relationship_manager, '(unknown)') AS rm,
		             (c.customer_id IS NULL OR c.is_closed OR c.lifecycle_stage = 'churned') AS churned
		      FROM clientele.customer_result p
		      LEFT JOIN cur c ON c.customer_id = p.customer_id
		      WHERE p.as_of = (SELECT d FROM prev)
		        AND NOT p.is_closed AND p.lifecycle_stage IS DISTINCT FROM 'churned') x
		GROUP BY x.region, x.branch, x.rm
	), churn AS (
		SELECT CASE WHEN x.region IS NOT NULL THEN 'region' WHEN x.branch IS NOT NULL THEN 'branch'
		            WHEN x.rm IS NOT NULL THEN 'relationship_manager' ELSE 'bank' END AS level,
		       coalesce(x.region, x.branch, x.rm, '(all)') AS group_value, sum(x.n)::bigint AS n,
		       sum(x.churned)::bigint AS churned
		FROM pg x
		GROUP BY GROUPING SETS ((), (x.region), (x.branch), (x.rm))
		-- no row without a previous refresh (the aggregate over () would give one)
		HAVING sum(x.n) > 0
	)
	SELECT p_as_of, b.level, b.group_value, b.n, b.active_share, (SELECT d FROM prev),
	       coalesce(ch.n, CASE WHEN (SELECT d FROM prev) IS NOT NULL THEN 0 END), ch.churned,
	       round(ch.churned::numeric / nullif(ch.n, 0), 4),
	       1 - round(ch.churned::numeric / nullif(ch.n, 0), 4),
	       b.high_share, b.products, b.add, b.aum, coalesce(t.by_tier, '{}'), b.complaint_rate, b.contribution, b.clv
	FROM base b
	LEFT JOIN tiers t USING (level, group_value)
	LEFT JOIN churn ch USING (level, group_value)
	-- no bank row when nobody is open (the aggregate over () would give one)
	WHERE b.n > 0;
END $$;
COMMENT ON FUNCTION clientele.kpi_compute(date) IS
	'Internal: the KPI rows of one refresh date (bank, and per region, branch and relationship manager) from clientele.customer_result; churn and retention against the previous refresh date. No rows for a date without refresh results; ERROR 22004 for a NULL date, 22023 for an infinite one or one outside 0001-01-01 .. 9999-12-31 (clientele.check_date).';

-- ---------------------------------------------------------------------------
-- The materialized views
-- ---------------------------------------------------------------------------
-- fillfactor = 50: each refresh updates every row in place
-- (clientele.matview_replace): the new version of a row then fits on its
-- page, a HOT update with no new index entries (a row is about 600 bytes)
CREATE MATERIALIZED VIEW clientele.customer_scorecard WITH (fillfactor = 50) AS
-- the latest date is an InitPlan parameter: index range scans of that date's
-- rows of the results and memberships, not a join with their whole history
SELECT r.*, coalesce(seg.segments, '{}') AS segments
FROM clientele.customer_result r
LEFT JOIN (SELECT m.customer_id, array_agg(m.segment ORDER BY m.segment) AS segments
           FROM clientele.segment_membership m
           WHERE m.as_of = (SELECT max(x.as_of) FROM clientele.customer_result x)
           GROUP BY m.customer_id) seg ON seg.customer_id = r.customer_id
WHERE r.as_of = (SELECT max(x.as_of) FROM clientele.customer_result x);
CREATE UNIQUE INDEX customer_scorecard_customer_idx ON clientele.customer_scorecard (customer_id);
CREATE INDEX customer_scorecard_rm_idx ON clientele.customer_scorecard (relationship_manager);
COMMENT ON MATERIALIZED VIEW clientele.customer_scorecard IS
	'One row per customer: every figure of the latest refresh (clientele.customer_result) and the user-defined segments the customer belongs to. Relationship managers read it through clientele.my_customer_scorecard.';
DO $$
DECLARE
	c record;
BEGIN
	FOR c IN SELECT a.attname, d.description FROM pg_attribute a
	         JOIN pg_description d ON d.objoid = a.attrelid AND d.objsubid = a.attnum AND d.classoid = 'pg_class'::regclass
	         WHERE a.attrelid = 'clientele.customer_result'::regclass AND a.attnum > 0 LOOP
		EXECUTE format('COMMENT ON COLUMN clientele.customer_scorecard.%I IS %L', c.attname, c.description);
	END LOOP;
END $$;
COMMENT ON COLUMN clientele.customer_scorecard.segments IS 'Active user-defined segments (clientele.segment_definition) the customer belongs to, by name.';

CREATE MATERIALIZED VIEW clientele.tier_distribution AS
WITH r AS (
	-- the latest refresh's rows are the scorecard (refreshed first): no
	-- scan of the result history
	SELECT * FROM clientele.customer_scorecard WHERE NOT is_closed
)
SELECT max(r.as_of) AS as_of, coalesce(r.tier, '(outside every band)') AS tier, r.tier_rank,
       count(*) AS customers,
       round(count(*)::numeric / sum(count(*)) OVER (), 4) AS customer_share,
       sum(r.aum) AS aum,
       round(sum(r.aum) / nullif(sum(sum(r.aum)) OVER (), 0), 4) AS aum_share,
       round(avg(r.aum), 2) AS avg_aum,
       sum(r.contribution) AS contribution,
       round(avg(r.clv), 2) AS avg_clv
FROM r GROUP BY coalesce(r.tier, '(outside every band)'), r.tier_rank;
-- (tier, tier_rank): a region's own bands may give a label another rank
CREATE UNIQUE INDEX tier_distribution_tier_idx ON clientele.tier_distribution (tier, tier_rank);
COMMENT ON MATERIALIZED VIEW clientele.tier_distribution IS 'Open customers per tier of refresh_config.tier_scheme (AUM, customer''s region) at the latest refresh.';
COMMENT ON COLUMN clientele.tier_distribution.as_of IS 'Refresh date.';
COMMENT ON COLUMN clientele.tier_distribution.tier IS 'Tier (band label); (outside every band) for amounts no band covers.';
COMMENT ON COLUMN clientele.tier_distribution.tier_rank IS 'Band rank (1 = lowest).';
COMMENT ON COLUMN clientele.tier_distribution.customers IS 'Open customers in the tier.';
COMMENT ON COLUMN clientele.tier_distribution.customer_share IS 'Share of all open customers.';
COMMENT ON COLUMN clientele.tier_distribution.aum IS 'AUM of the tier (AUM per tier KPI).';
COMMENT ON COLUMN clientele.tier_distribution.aum_share IS 'Share of the total AUM.';
COMMENT ON COLUMN clientele.tier_distribution.avg_aum IS 'Mean AUM per customer.';
COMMENT ON COLUMN clientele.tier_distribution.contribution IS 'Profit contribution of the tier over the value period.';
COMMENT ON COLUMN clientele.tier_distribution.avg_clv IS 'Mean CLV per customer.';

CREATE MATERIALIZED VIEW clientele.segment_summary AS
-- one scan of the latest refresh's rows (the scorecard), summed first per
-- combination of (defined segments, RFM segment, quadrant): a few thousand
-- combinations, each then giving a row per defined segment, its RFM segment
-- and its quadrant.  Exact: sums of numeric are exact, and an average is
-- that sum / that count, as avg computes it.
WITH g AS (
	SELECT r.segments, r.rfm_segment, r.quadrant, max(r.as_of) AS as_of, count(*) AS n,
	       sum(r.aum) AS aum, sum(r.contribution) AS contribution,
	       sum(r.clv) AS clv, count(r.clv) AS n_clv,
	       sum(r.churn_score) AS churn_score, count(r.churn_score) AS n_churn_score,
	       sum(r.active::int) AS active, count(r.active) AS n_active
	FROM clientele.customer_scorecard r
	GROUP BY r.segments, r.rfm_segment, r.quadrant
)
SELECT max(s.as_of) AS as_of, s.kind, s.family, s.segment,
       sum(s.n)::bigint AS customers,
       -- members are every customer of the latest date (closed ones included,
       -- as in the quadrants and deciles), so the share is of those too: the
       -- shares of a partition (quadrants, RFM segments) add up to 1
       round(sum(s.n) / nullif((SELECT sum(o.n) FROM g o), 0), 4) AS customer_share,
       sum(s.aum) AS aum,
       sum(s.contribution) AS contribution,
       round(sum(s.clv) / sum(s.n_clv), 2) AS avg_clv,
       round(sum(s.churn_score) / sum(s.n_churn_score), 2) AS avg_churn_score,
       round(sum(s.active) / sum(s.n_active), 4) AS active_share
FROM (SELECT x.kind, coalesce(d.family, '') AS family, x.segment, g.*
      FROM g
      CROSS JOIN LATERAL (SELECT 'defined'::text, m.segment FROM unnest(g.segments) AS m(segment)
                          UNION ALL SELECT 'rfm', g.rfm_segment WHERE g.rfm_segment IS NOT NULL
                          UNION ALL SELECT 'quadrant', g.quadrant) x(kind, segment)
      LEFT JOIN clientele.segment_definition d ON x.kind = 'defined' AND d.segment = x.segment) s
GROUP BY s.kind, s.family, s.segment;
CREATE UNIQUE INDEX segment_summary_segment_idx ON clientele.segment_summary (kind, segment);
COMMENT ON MATERIALIZED VIEW clientele.segment_summary IS 'Customers and value per segment at the latest refresh: user-defined segments (kind defined), RFM segments (rfm) and loyalty x value quadrants (quadrant).';
COMMENT ON COLUMN clientele.segment_summary.as_of IS 'Refresh date.';
COMMENT ON COLUMN clientele.segment_summary.kind IS 'defined (clientele.segment_definition), rfm (refresh_config.rfm_scheme) or quadrant (A/B/C/D).';
COMMENT ON COLUMN clientele.segment_summary.family IS 'Family of a defined segment (empty otherwise).';
COMMENT ON COLUMN clientele.segment_summary.segment IS 'Segment name.';
COMMENT ON COLUMN clientele.segment_summary.customers IS 'Members.';
COMMENT ON COLUMN clientele.segment_summary.customer_share IS 'Members / customers of the latest refresh date (the shares of the quadrants, and of the RFM segments over the customers with a transaction, add up to 1; a customer may be in several defined segments).';
COMMENT ON COLUMN clientele.segment_summary.aum IS 'AUM of the members.';
COMMENT ON COLUMN clientele.segment_summary.contribution IS 'Profit contribution of the members over the value period.';
COMMENT ON COLUMN clientele.segment_summary.avg_clv IS 'Mean CLV.';
COMMENT ON COLUMN clientele.segment_summary.avg_churn_score IS 'Mean churn score.';
COMMENT ON COLUMN clientele.segment_summary.active_share IS 'Share of active members.';

CREATE MATERIALIZED VIEW clientele.lifecycle_flow AS
-- the two dates are InitPlan parameters: index scans of their rows only,
-- not a join of the dates with the whole result history
WITH d AS (
	SELECT max(as_of) AS cur, (SELECT max(as_of) FROM clientele.customer_result
	                           WHERE as_of < (SELECT max(as_of) FROM clientele.customer_result)) AS prev
	FROM clientele.customer_result
), p AS (
	SELECT r.customer_id, coalesce(r.lifecycle_stage, '(unknown)') AS stage
	FROM clientele.customer_result r WHERE r.as_of = (SELECT prev FROM d)
), c AS (
	-- the latest date's rows are the scorecard (refreshed first): one scan
	-- of the result history fewer
	SELECT r.customer_id, coalesce(r.lifecycle_stage, '(unknown)') AS stage
	FROM clientele.customer_scorecard r
)
SELECT (SELECT prev FROM d) AS from_as_of, (SELECT cur FROM d) AS to_as_of,
       coalesce(p.stage, '(absent)') AS from_stage, coalesce(c.stage, '(absent)') AS to_stage,
       count(*) AS customers
FROM p FULL JOIN c USING (customer_id)
GROUP BY 3, 4;
CREATE UNIQUE INDEX lifecycle_flow_idx ON clientele.lifecycle_flow (from_stage, to_stage);
COMMENT ON MATERIALIZED VIEW clientele.lifecycle_flow IS 'Lifecycle stage transitions between the last two refresh dates, each customer counted once; (absent) = not in the results of that date, (unknown) = no stage computed (lifecycle area not installed).';
COMMENT ON COLUMN clientele.lifecycle_flow.from_as_of IS 'Previous refresh date (NULL after the first refresh).';
COMMENT ON COLUMN clientele.lifecycle_flow.to_as_of IS 'Latest refresh date.';
COMMENT ON COLUMN clientele.lifecycle_flow.from_stage IS 'Stage on from_as_of.';
COMMENT ON COLUMN clientele.lifecycle_flow.to_stage IS 'Stage on to_as_of.';
COMMENT ON COLUMN clientele.lifecycle_flow.customers IS 'Customers making that transition.';

CREATE MATERIALIZED VIEW clientele.churn_watchlist AS
SELECT r.as_of, r.customer_id, r.relationship_manager, r.region, r.branch, r.tier, r.lifecycle_stage,
       r.churn_score, r.clv, r.aum, r.contribution,
       round(r.churn_score / 100 * greatest(r.clv, 0), 2) AS value_at_risk,
       row_number() OVER (ORDER BY r.churn_score / 100 * greatest(r.clv, 0) DESC, r.churn_score DESC, r.customer_id) AS watch_rank,
       r.churn_reasons AS reasons
FROM clientele.customer_scorecard r
WHERE NOT r.is_closed AND r.churn_score > 0;
CREATE UNIQUE INDEX churn_watchlist_customer_idx ON clientele.churn_watchlist (customer_id);
CREATE INDEX churn_watchlist_rank_idx ON clientele.churn_watchlist (watch_rank);
COMMENT ON MATERIALIZED VIEW clientele.churn_watchlist IS 'Open customers at risk at the latest refresh, highest risk x value first (watch_rank), with the reasons. Relationship managers read it through clientele.my_churn_watchlist.';
COMMENT ON COLUMN clientele.churn_watchlist.as_of IS 'Refresh date.';
COMMENT ON COLUMN clientele.churn_watchlist.customer_id IS 'Customer.';
COMMENT ON COLUMN clientele.churn_watchlist.relationship_manager IS 'Relationship manager.';
COMMENT ON COLUMN clientele.churn_watchlist.region IS 'Region.';
COMMENT ON COLUMN clientele.churn_watchlist.branch IS 'Branch.';
COMMENT ON COLUMN clientele.churn_watchlist.tier IS 'Tier.';
COMMENT ON COLUMN clientele.churn_watchlist.lifecycle_stage IS 'Lifecycle stage.';
COMMENT ON COLUMN clientele.churn_watchlist.churn_score IS 'Churn score 0..100.';
COMMENT ON COLUMN clientele.churn_watchlist.clv IS 'CLV (expected future profit contribution).';
COMMENT ON COLUMN clientele.churn_watchlist.aum IS 'AUM.';
COMMENT ON COLUMN clientele.churn_watchlist.contribution IS 'Profit contribution over the value period.';
COMMENT ON COLUMN clientele.churn_watchlist.value_at_risk IS 'churn_score / 100 x max(CLV, 0): the value the bank may lose.';
COMMENT ON COLUMN clientele.churn_watchlist.watch_rank IS '1 = first to call: by value_at_risk, then churn_score, then customer_id.';
COMMENT ON COLUMN clientele.churn_watchlist.reasons IS 'JSON array of {"signal", "points", "evidence"}, largest first.';

CREATE MATERIALIZED VIEW clientele.value_concentration AS
-- one scan of the scorecard (its date taken with the totals)
WITH r AS (
	SELECT as_of, contribution, decile FROM clientele.customer_scorecard
), tot AS (
	SELECT max(as_of) AS as_of, sum(contribution) AS s, clientele.gini(contribution::float8) AS gini,
	       clientele.top_share(contribution::float8, 0.2) AS top20 FROM r
), d AS (
	SELECT decile, count(*) AS customers, sum(contribution) AS contribution,
	       min(contribution) AS min_contribution, max(contribution) AS max_contribution
	FROM r GROUP BY decile
)
SELECT tot.as_of,
       d.decile, d.customers, d.contribution,
       round(d.contribution / nullif(tot.s, 0), 4) AS contribution_share,
       round(sum(d.contribution) OVER (ORDER BY d.decile) / nullif(tot.s, 0), 4) AS cumulative_share,
       round(sum(d.customers) OVER (ORDER BY d.decile DESC)::numeric / sum(d.customers) OVER (), 4) AS lorenz_population_share,
       round(sum(d.contribution) OVER (ORDER BY d.decile DESC) / nullif(tot.s, 0), 4) AS lorenz_contribution_share,
       d.min_contribution, d.max_contribution,
       round(tot.top20::numeric, 4) AS top20_share,
       round(tot.gini::numeric, 4) AS gini
FROM d, tot;
CREATE UNIQUE INDEX value_concentration_decile_idx ON clientele.value_concentration (decile);
COMMENT ON MATERIALIZED VIEW clientele.value_concentration IS 'Profit concentration at the latest refresh: profitability deciles (1 = most profitable), Lorenz points (poorest first), share of the top 20 % and Gini (sources 001:283, 000:255).';
COMMENT ON COLUMN clientele.value_concentration.as_of IS 'Refresh date.';
COMMENT ON COLUMN clientele.value_concentration.decile IS 'Profitability decile, 1 = most profitable tenth.';
COMMENT ON COLUMN clientele.value_concentration.customers IS 'Customers in the decile.';
COMMENT ON COLUMN clientele.value_concentration.contribution IS 'Their profit contribution.';
COMMENT ON COLUMN clientele.value_concentration.contribution_share IS 'Share of the total contribution (NULL when the total is 0).';
COMMENT ON COLUMN clientele.value_concentration.cumulative_share IS 'Share of deciles 1..decile (the concentration curve, richest first).';
COMMENT ON COLUMN clientele.value_concentration.lorenz_population_share IS 'Lorenz curve x: share of customers in deciles decile..10 (poorest first).';
COMMENT ON COLUMN clientele.value_concentration.lorenz_contribution_share IS 'Lorenz curve y: their share of the total contribution.';
COMMENT ON COLUMN clientele.value_concentration.min_contribution IS 'Smallest contribution in the decile.';
COMMENT ON COLUMN clientele.value_concentration.max_contribution IS 'Largest contribution in the decile.';
COMMENT ON COLUMN clientele.value_concentration.top20_share IS 'Share of the total contribution held by the top 20 % of customers (clientele.top_share; same on every row).';
COMMENT ON COLUMN clientele.value_concentration.gini IS 'Gini coefficient of contribution (clientele.gini; NULL when the total is <= 0; same on every row).';

CREATE MATERIALIZED VIEW clientele.tier_migration AS
-- the two dates are also InitPlan parameters (index scans of their rows
-- only); the latest date's rows are the scorecard (refreshed first)
WITH d AS (
	SELECT max(as_of) AS cur, (SELECT max(as_of) FROM clientele.customer_result
	                           WHERE as_of < (SELECT max(as_of) FROM clientele.customer_result)) AS prev
	FROM clientele.customer_result
)
SELECT d.prev AS from_as_of, d.cur AS to_as_of,
       coalesce(p.tier, '(none)') AS from_tier, p.tier_rank AS from_rank,
       coalesce(c.tier, '(none)') AS to_tier, c.tier_rank AS to_rank,
       CASE WHEN c.tier_rank > p.tier_rank THEN 'upgrade'
            WHEN c.tier_rank < p.tier_rank THEN 'downgrade'
            ELSE 'moved' END AS direction,
       count(*) AS customers, sum(p.aum) AS aum_before, sum(c.aum) AS aum_after
FROM d
JOIN clientele.customer_result p ON p.as_of = d.prev
JOIN clientele.customer_scorecard c ON c.customer_id = p.customer_id
WHERE p.as_of = (SELECT prev FROM d)
  AND p.tier IS DISTINCT FROM c.tier AND NOT c.is_closed
GROUP BY d.prev, d.cur, coalesce(p.tier, '(none)'), p.tier_rank, coalesce(c.tier, '(none)'), c.tier_rank;
-- the ranks too: a region's own bands may give a label another rank
CREATE UNIQUE INDEX tier_migration_idx ON clientele.tier_migration (from_tier, from_rank, to_tier, to_rank);
COMMENT ON MATERIALIZED VIEW clientele.tier_migration IS 'Open customers whose tier changed between the last two refresh dates, per (from, to) pair: upgrades and downgrades.';
COMMENT ON COLUMN clientele.tier_migration.from_as_of IS 'Previous refresh date.';
COMMENT ON COLUMN clientele.tier_migration.to_as_of IS 'Latest refresh date.';
COMMENT ON COLUMN clientele.tier_migration.from_tier IS 'Tier on from_as_of ((none): outside every band).';
COMMENT ON COLUMN clientele.tier_migration.from_rank IS 'Its rank.';
COMMENT ON COLUMN clientele.tier_migration.to_tier IS 'Tier on to_as_of.';
COMMENT ON COLUMN clientele.tier_migration.to_rank IS 'Its rank.';
COMMENT ON COLUMN clientele.tier_migration.direction IS 'upgrade (higher rank), downgrade (lower rank) or moved (a rank unknown).';
COMMENT ON COLUMN clientele.tier_migration.customers IS 'Customers moving.';
COMMENT ON COLUMN clientele.tier_migration.aum_before IS 'Their AUM on from_as_of.';
COMMENT ON COLUMN clientele.tier_migration.aum_after IS 'Their AUM on to_as_of.';

CREATE MATERIALIZED VIEW clientele.kpi_summary AS
SELECT * FROM clientele.kpi_history;
CREATE UNIQUE INDEX kpi_summary_idx ON clientele.kpi_summary (as_of, level, group_value);
COMMENT ON MATERIALIZED VIEW clientele.kpi_summary IS
	'KPIs of the domain notes section 5 per refresh date, for the bank and per region, branch and relationship manager: customers, active share, churn and retention rates, share of high-value customers, products per customer, average daily deposit, AUM (and per tier), complaint rate.';
SELECT clientele.kpi_comments_tmp('clientele.kpi_summary');
DROP FUNCTION clientele.kpi_comments_tmp(text);

-- ---------------------------------------------------------------------------
-- Refreshing the views (the owner's right; clientele_admin may call it)
-- ---------------------------------------------------------------------------
-- clientele.matview_replace (C, src/refresh.c): the contents of a populated
-- materialized view replaced by its query's rows under REFRESH ... CONCURRENTLY's
-- lock (ExclusiveLock: readers go on and see the previous contents until
-- commit), without CONCURRENTLY's copy, duplicate check and full-row diff
-- (every scorecard row changes at each refresh: as_of is a column).  A view
-- with a fillfactor below 100 (the scorecard) has its rows replaced in place
-- by key: an unchanged row is left as it is, a changed one updated (HOT when
-- its indexed columns are unchanged), a new key inserted, an old key gone
-- deleted; the others have every row deleted and the new ones inserted.
CREATE FUNCTION clientele.matview_replace(view regclass) RETURNS bigint
LANGUAGE c VOLATILE STRICT PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'clientele_matview_replace';
COMMENT ON FUNCTION clientele.matview_replace(regclass) IS
	'Internal: replaces the rows of a populated materialized view by the rows of its query in the current transaction, under the lock of REFRESH ... CONCURRENTLY: readers are not blocked and see the previous contents until commit; with a fillfactor below 100 and one unique btree index on columns, each row is replaced in place by its key (an unchanged row left as it is, a changed one updated, a new key inserted, the old keys gone deleted), otherwise every current row is deleted and the new ones inserted with their index entries; the unique index rejects duplicate keys (23505). Owner only, as REFRESH; returns the number of rows of the query (the new contents). ERROR 42809 for another kind of relation, 55000 when the view has not been populated, 25006 in a read-only transaction.';

-- default_statistics_target = 10: the views' statistics are taken with a
-- sample of 3,000 rows, enough for readers' plans; jit = off: compiling the
-- expressions of these one-off queries costs more than it saves.
CREATE FUNCTION clientele.refresh_reports() RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET default_statistics_target = 10 SET jit = off AS $$
DECLARE
	v regclass;
BEGIN
	-- in dependency order (the scorecard first: the next four read it)
	FOREACH v IN ARRAY ARRAY['clientele.customer_scorecard', 'clientele.tier_distribution', 'clientele.segment_summary',
	                         'clientele.lifecycle_flow', 'clientele.churn_watchlist', 'clientele.value_concentration',
	                         'clientele.tier_migration', 'clientele.kpi_summary']::regclass[] LOOP
		IF (SELECT c.relispopulated FROM pg_class c WHERE c.oid OPERATOR(pg_catalog.=) v) THEN
			PERFORM clientele.matview_replace(v);
		ELSE
			-- never populated (nobody can read it yet): the plain refresh
			EXECUTE format('REFRESH MATERIALIZED VIEW %s', v);
		END IF;
	END LOOP;
	-- fresh statistics for the readers' plans (the per-customer views)
	ANALYZE clientele.customer_scorecard;
	ANALYZE clientele.churn_watchlist;
END $$;
COMMENT ON FUNCTION clientele.refresh_reports() IS
	'Refreshes the reporting materialized views without blocking readers (clientele.matview_replace: readers keep the previous contents until commit) and analyses the per-customer ones. SECURITY DEFINER (refreshing needs the owner; fixed search_path); run by clientele.refresh, or after a restore.';

-- ---------------------------------------------------------------------------
-- Row-filtered paths for relationship managers (RLS does not apply to
-- materialized views): security-barrier views on relationship_manager
-- ---------------------------------------------------------------------------
CREATE VIEW clientele.my_customer_scorecard WITH (security_barrier) AS
SELECT * FROM clientele.customer_scorecard WHERE relationship_manager OPERATOR(pg_catalog.=) CURRENT_USER;
COMMENT ON VIEW clientele.my_customer_scorecard IS 'The scorecard rows of the customers whose relationship manager is the current user (security barrier).';
CREATE VIEW clientele.my_churn_watchlist WITH (security_barrier) AS
SELECT * FROM clientele.churn_watchlist WHERE relationship_manager OPERATOR(pg_catalog.=) CURRENT_USER;
COMMENT ON VIEW clientele.my_churn_watchlist IS 'The watch-list rows of the current user''s customers (security barrier).';
CREATE VIEW clientele.my_kpi_summary WITH (security_barrier) AS
SELECT * FROM clientele.kpi_summary
WHERE level OPERATOR(pg_catalog.=) 'relationship_manager' AND group_value OPERATOR(pg_catalog.=) CURRENT_USER;
COMMENT ON VIEW clientele.my_kpi_summary IS 'The KPI rows of the current user''s portfolio (security barrier).';
DO $$
DECLARE
	c record;
BEGIN
	FOR c IN SELECT v.relname AS view, a.attname, d.description
	         FROM (VALUES ('my_customer_scorecard', 'customer_scorecard'), ('my_churn_watchlist', 'churn_watchlist'),
	                      ('my_kpi_summary', 'kpi_summary')) v(relname, src)
	         JOIN pg_attribute a ON a.attrelid = ('clientele.' || v.src)::regclass AND a.attnum > 0
	         JOIN pg_description d ON d.objoid = a.attrelid AND d.objsubid = a.attnum AND d.classoid = 'pg_class'::regclass LOOP
		EXECUTE format('COMMENT ON COLUMN clientele.%I.%I IS %L', c.view, c.attname, c.description);
	END LOOP;
END $$;
