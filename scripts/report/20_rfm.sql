-- Demo report section: RFM segments of the demo bank (clientele.rfm_scores
-- over clientele.in_transaction, as of the last transaction day).
\pset footer off
SELECT max(ts)::date AS rfm_as_of FROM clientele.in_transaction \gset
\echo
\echo '== RFM segments (R x F grid, quintiles) as of' :rfm_as_of '=='
SELECT segment,
       count(*) AS customers,
       round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS "% customers",
       round(avg((summary).days_since_last)) AS "avg days since last",
       round(avg((summary).periods), 1) AS "avg purchase days",
       round(sum((summary).total_amount)::numeric / 1e6, 2) AS "amount (millions)",
       round((100.0 * sum((summary).total_amount) / sum(sum((summary).total_amount)) OVER ())::numeric, 1) AS "% amount"
FROM clientele.rfm_scores(:'rfm_as_of'::date)
GROUP BY segment
ORDER BY min(r) DESC, min(f) DESC;
\echo
\echo '== Repeat-purchase summary (lifetimes conventions, weeks) =='
SELECT count(*) AS customers,
       count(*) FILTER (WHERE (s).frequency > 0) AS repeat_customers,
       round(avg((s).frequency), 2) AS "mean x",
       round(avg((s).recency)::numeric, 2) AS "mean t_x (weeks)",
       round(avg((s).t)::numeric, 2) AS "mean T (weeks)",
       round(avg((s).monetary) FILTER (WHERE (s).frequency > 0)::numeric, 2) AS "mean zbar (repeat buyers)"
FROM (SELECT clientele.rfm_summary(ts, amount::float8, :'rfm_as_of'::timestamptz, '7 days') AS s
      FROM clientele.in_transaction
      WHERE customer_initiated AND kind <> 'enquiry'
      GROUP BY customer_id) q;
