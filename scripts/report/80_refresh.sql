-- Demo report, section 80: what a reporting tool reads after CALL clientele.refresh
-- (the materialized views of docs/reporting.md).
\echo
\echo '== 80. The refreshed results: what a BI tool reads (materialized views, docs/reporting.md) =='
\pset footer off
\echo
\echo 'Last refreshes (clientele.refresh_log)'
SELECT refresh_id, as_of, status, customers,
       round(extract(epoch FROM finished_at - started_at)::numeric, 1) AS seconds,
       (SELECT string_agg(format('%s %s', s->>'stage', coalesce(s->>'ms', 'skipped')), ', ')
        FROM jsonb_array_elements(stages) s) AS "stage ms"
FROM clientele.refresh_log ORDER BY refresh_id DESC LIMIT 3;

\echo
\echo 'KPIs of the bank (clientele.kpi_summary, domain notes section 5)'
SELECT as_of, customers, active_share, churn_rate, retention_rate, high_value_share, products_per_customer,
       avg_daily_deposit, round(aum) AS aum, complaint_rate
FROM clientele.kpi_summary WHERE level = 'bank' ORDER BY as_of;

\echo
\echo 'KPIs per region at the latest refresh'
SELECT group_value AS region, customers, active_share, churn_rate, high_value_share, products_per_customer,
       avg_daily_deposit, round(aum) AS aum
FROM clientele.kpi_summary
WHERE level = 'region' AND as_of = (SELECT max(as_of) FROM clientele.kpi_summary) ORDER BY aum DESC;

\echo
\echo 'Tiers (clientele.tier_distribution)'
SELECT tier, customers, customer_share, round(aum) AS aum, aum_share, avg_aum, round(contribution) AS contribution
FROM clientele.tier_distribution ORDER BY tier_rank NULLS LAST;

\echo
\echo 'Tier migration since the previous refresh (clientele.tier_migration)'
SELECT from_tier, to_tier, direction, customers, round(aum_before) AS aum_before, round(aum_after) AS aum_after
FROM clientele.tier_migration ORDER BY customers DESC LIMIT 8;

\echo
\echo 'Profit concentration (clientele.value_concentration)'
SELECT decile, customers, round(contribution) AS contribution, contribution_share, cumulative_share,
       lorenz_population_share AS lorenz_x, lorenz_contribution_share AS lorenz_y
FROM clientele.value_concentration ORDER BY decile;
SELECT top20_share AS "top 20 % share", gini FROM clientele.value_concentration LIMIT 1;

\echo
\echo 'User-defined segments (clientele.segment_definition -> clientele.segment_summary)'
SELECT family, segment, customers, customer_share, round(aum) AS aum, round(contribution) AS contribution, avg_clv
FROM clientele.segment_summary WHERE kind = 'defined' ORDER BY family, segment;

\echo
\echo 'Lifecycle flow between the last two refreshes (clientele.lifecycle_flow)'
SELECT from_stage, to_stage, customers FROM clientele.lifecycle_flow ORDER BY customers DESC LIMIT 10;

\echo
\echo 'Churn watch list: highest risk x value first (clientele.churn_watchlist)'
SELECT watch_rank, customer_id, relationship_manager, tier, churn_score, clv, value_at_risk,
       (SELECT string_agg(r->>'signal', ', ') FROM jsonb_array_elements(reasons) r) AS reasons
FROM clientele.churn_watchlist ORDER BY watch_rank LIMIT 10;
