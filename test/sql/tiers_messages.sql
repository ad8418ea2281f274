-- tiers_messages: what tier_of, tier_rank and regulatory_class say when they
-- return NULL (issue 13).  An amount outside every band of a tier scheme gets
-- NULL and a NOTICE naming the scheme, the amount and the range the bands
-- cover, once per call in a query (a report over every customer must not fail
-- because some have an overdraft, nor print a line per customer).
BEGIN;

SELECT clientele.tier_of('suzhou_deposit_bands_2012', -500);

-- one NOTICE per call in the query, not one per row: the first amount outside
SELECT a, clientele.tier_of('deposit_class_abc', a) AS tier
FROM (VALUES (-1), (5000), (-2), (300000), (-3)) AS v(a);

-- two calls in one query: one NOTICE each
SELECT clientele.tier_of('service_tier', a) AS tier, clientele.tier_rank('service_tier', a) AS rank
FROM (VALUES (-0.01), (-7)) AS v(a);

-- NULL amounts are unknown, not outside: no NOTICE
SELECT clientele.tier_of('service_tier', NULL) AS tier;

-- a bank scheme bounded above, with a region override that reaches below 0
SET CONSTRAINTS clientele.tier_band_valid IMMEDIATE;
INSERT INTO clientele.tier_scheme (scheme, basis, description, source)
VALUES ('bank_points', 'numeric', 'loyalty points', 'regression test');
INSERT INTO clientele.tier_version (scheme, version, valid_from) VALUES ('bank_points', 1, '2020-01-01');
INSERT INTO clientele.tier_band (scheme, version, region, rank, label, lower_bound, lower_inclusive, upper_bound, upper_inclusive) VALUES
	('bank_points', 1, NULL, 1, 'basic', 0, true, 100, false),
	('bank_points', 1, NULL, 2, 'gold', 100, true, 1000, true),
	('bank_points', 1, 'north', 1, 'debt', -1000, false, 0, false),
	('bank_points', 1, 'north', 2, 'any', 0, true, NULL, false);
SELECT clientele.tier_of('bank_points', 1000) AS top_included;
SELECT clientele.tier_of('bank_points', 1000.01) AS above_the_top;
SELECT clientele.tier_of('bank_points', -1000, 'north') AS lower_bound_excluded;

-- the distribution report shows amounts outside every band as its NULL-rank row: no NOTICE
CREATE TEMP TABLE amounts AS SELECT a::numeric AS amount FROM (VALUES (-500), (20), (500), (2000)) AS v(a);
SELECT rank, label, amount, count FROM clientele.tier_distribution('bank_points', 'amounts') ORDER BY rank NULLS LAST;

-- regulatory_class: NULL is "no class" (negative net financial assets meet no
-- criterion); regulatory_class_reasons says why, criterion by criterion
SELECT clientele.regulatory_class(-5) AS class;
SELECT class, criterion, input, value, comparison, threshold, met, reason FROM clientele.regulatory_class_reasons(-5);
SELECT clientele.regulatory_class(0, 0, ARRAY[250000, NULL, 250000], household_net_financial_assets => 1000000.01) AS class;
SELECT criterion, input, met, reason
FROM clientele.regulatory_class_reasons(0, 0, ARRAY[250000, NULL, 250000], household_net_financial_assets => 1000000.01);

ROLLBACK;
