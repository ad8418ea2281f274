-- Demo report, section: customer value (clientele value area, docs/value.md).
-- Reads the demo bank through the clientele.in_* input views.  The period is the
-- last 90 days up to the latest balance snapshot.
\pset footer off
\echo
\echo '== Customer value =='
SELECT coalesce(max(as_of), current_date) AS value_to,
       coalesce(max(as_of), current_date) - 89 AS value_from
FROM clientele.in_balance \gset
\echo 'Period' :value_from '..' :value_to '(both inclusive); rates and costs: clientele.value_rates, clientele.value_settings'

CREATE TEMP TABLE report_value_pc AS
SELECT * FROM clientele.profit_contribution(:'value_from', :'value_to');

\echo
\echo 'Profit contribution (sum over customers, by source):'
SELECT source, count(*) AS customers, sum(ftp_income) AS ftp_income, sum(fee_income) AS fee_income,
       sum(loan_interest) AS loan_interest, sum(expected_loss) AS expected_loss, sum(cost) AS cost,
       sum(contribution) AS contribution,
       count(*) FILTER (WHERE contribution < 0) AS negative_customers
FROM report_value_pc GROUP BY source ORDER BY source;

\echo
\echo 'Concentration (the 80/20 check):'
SELECT round(clientele.gini(contribution)::numeric, 3) AS gini_contribution,
       round(clientele.top_share(contribution, 0.2)::numeric, 3) AS top_20pct_share_of_contribution,
       round(clientele.gini(avg_balance)::numeric, 3) AS gini_avg_balance,
       round(clientele.top_share(avg_balance, 0.2)::numeric, 3) AS top_20pct_share_of_balance
FROM report_value_pc;

\echo
\echo 'Profitability deciles (1 = most profitable tenth):'
-- as clientele.profit_deciles(), from the contribution computed above
WITH v AS (
	SELECT ntile(10) OVER (ORDER BY contribution DESC, customer_id) AS decile, contribution FROM report_value_pc
), g AS (
	SELECT decile, count(*) AS customers, sum(contribution) AS contribution FROM v GROUP BY decile
)
SELECT decile, customers, contribution,
       round(contribution / nullif(sum(contribution) OVER (), 0), 3) AS share,
       round(sum(contribution) OVER (ORDER BY decile) / nullif(sum(contribution) OVER (), 0), 3) AS cumulative_share
FROM g ORDER BY decile;

\echo
\echo 'Profit classes and the loyalty x value quadrant (A best, D worst):'
SELECT quadrant, count(*) AS customers,
       count(*) FILTER (WHERE profit_class = 'high') AS high,
       count(*) FILTER (WHERE profit_class = 'medium') AS medium,
       count(*) FILTER (WHERE profit_class = 'low') AS low,
       count(*) FILTER (WHERE profit_class = 'negative') AS negative,
       round(avg(annualised), 2) AS avg_annualised_contribution
FROM clientele.value_classes(:'value_from', :'value_to')
GROUP BY quadrant ORDER BY quadrant;

\echo
\echo 'AUM / total relationship balance at the period end:'
SELECT count(*) AS customers, sum(aum) AS aum, sum(deposits) AS deposits, sum(investments) AS investments,
       sum(insurance) AS insurance, round(avg(aum), 2) AS avg_aum
FROM clientele.aum(:'value_to');
DROP TABLE report_value_pc;
