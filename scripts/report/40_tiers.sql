-- Demo report, section: tiers (docs/tiers.md).  Each customer's deposit
-- balance and AUM on the latest snapshot day (the last snapshot of every open
-- account; read through the clientele.in_* input views), classified by the
-- shipped tier schemes; the regulatory classes from AUM net of credit balances.
\pset footer off
SELECT coalesce(max(as_of), current_date) AS tiers_as_of FROM clientele.in_balance \gset
\o /dev/null
CREATE TEMP TABLE report_tiers_customer AS
WITH last AS (
	SELECT DISTINCT ON (b.account_id) b.account_id, b.balance
	FROM clientele.in_balance b
	WHERE b.as_of <= :'tiers_as_of'
	ORDER BY b.account_id, b.as_of DESC
)
SELECT a.customer_id,
       coalesce(sum(l.balance) FILTER (WHERE p.category = 'deposit'), 0) AS deposits,
       coalesce(sum(l.balance) FILTER (WHERE p.counts_in_aum), 0) AS aum,
       coalesce(sum(l.balance) FILTER (WHERE p.category = 'credit'), 0) AS credit
FROM last l
JOIN clientele.in_account a USING (account_id)
JOIN clientele.product_type p USING (product_type)
WHERE a.closed_on IS NULL OR a.closed_on > :'tiers_as_of'
GROUP BY a.customer_id;
\o

\echo
\echo '== Tiers: customers by deposit balance (Suzhou 2012 bands, amounts in 万元 = CNY 10,000) as of' :tiers_as_of '=='
SELECT label AS band, round(amount / 10000, 1) AS "amount (万元)", round(100 * amount_share, 3) AS "% amount",
       count AS customers, round(100 * count_share, 3) AS "% customers", round(average, 2) AS "average (CNY)"
FROM clientele.tier_distribution('suzhou_deposit_bands_2012', 'report_tiers_customer', 'deposits', NULL, :'tiers_as_of')
ORDER BY rank NULLS LAST;
\echo
\echo 'Rolled up into classes A (>= 20万), B (1万-20万), C (< 1万):'
SELECT label AS class, round(amount / 10000, 1) AS "amount (万元)", round(100 * amount_share, 3) AS "% amount",
       count AS customers, round(100 * count_share, 3) AS "% customers"
FROM clientele.tier_distribution('suzhou_deposit_bands_2012', 'report_tiers_customer', 'deposits', NULL, :'tiers_as_of',
                                 p_rollup => 'deposit_class_abc')
ORDER BY rank DESC NULLS LAST;

\echo
\echo 'Service tiers by AUM (deposits + investments + insurance), with the service each tier receives:'
SELECT b.tier, d.label AS band, d.count AS customers, round(100 * d.count_share, 2) AS "% customers",
       round(d.amount / 10000, 1) AS "AUM (万元)", round(100 * d.amount_share, 2) AS "% AUM", b.service_level
FROM clientele.tier_distribution('service_tier', 'report_tiers_customer', 'aum', NULL, :'tiers_as_of') d
LEFT JOIN clientele.tier_bands('service_tier', NULL, :'tiers_as_of') b USING (rank)
ORDER BY d.rank DESC NULLS LAST;

\echo
\echo 'Regulatory classes (source 003:84) from net financial assets = AUM - credit balances (no income or subscription data):'
SELECT coalesce(clientele.regulatory_class(aum - credit), '(none)') AS class, count(*) AS customers,
       round(min(aum - credit) / 10000, 1) AS "min NFA (万元)", round(sum(aum - credit) / 10000, 1) AS "NFA (万元)"
FROM report_tiers_customer
GROUP BY 1 ORDER BY min(aum - credit) DESC;
\o /dev/null
DROP TABLE report_tiers_customer;
\o
