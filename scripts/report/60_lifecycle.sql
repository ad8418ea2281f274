-- Demo report, section: lifecycle stages and churn warning signals (docs/lifecycle.md).
-- As of the latest balance snapshot; the stage mix is shown against the
-- personas the demo generator planted (clientele.demo_truth).
\pset footer off
\echo
\echo '== Lifecycle and churn warning signals =='
SELECT coalesce(max(as_of), current_date) AS lc_as_of FROM clientele.in_balance \gset
\echo 'As of' :lc_as_of '(rule set in use, else standard; clientele.lifecycle_rules)'

CREATE TEMP TABLE report_lifecycle AS SELECT * FROM clientele.lifecycle(:'lc_as_of');

\echo
\echo 'Stage mix:'
SELECT stage, count(*) AS customers, round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct
FROM report_lifecycle GROUP BY stage ORDER BY stage;

\echo
\echo 'Stages against the planted personas (rows: persona, columns: stage):'
SELECT t.persona,
       count(*) FILTER (WHERE l.stage = 'new') AS new,
       count(*) FILTER (WHERE l.stage = 'growing') AS growing,
       count(*) FILTER (WHERE l.stage = 'mature') AS mature,
       count(*) FILTER (WHERE l.stage = 'declining') AS declining,
       count(*) FILTER (WHERE l.stage = 'dormant') AS dormant,
       count(*) FILTER (WHERE l.stage = 'churned') AS churned,
       count(*) FILTER (WHERE l.stage = 'reactivated') AS reactivated
FROM report_lifecycle l JOIN clientele.demo_truth t USING (customer_id)
GROUP BY t.persona ORDER BY t.persona;

\echo
\echo 'Warning signals fired (customers still open), and the mean points per persona:'
CREATE TEMP TABLE report_signals AS SELECT * FROM clientele.churn_signals(:'lc_as_of');
SELECT signal, count(*) AS customers, sum(points) AS points FROM report_signals GROUP BY signal ORDER BY customers DESC, signal;
SELECT t.persona, count(*) AS not_churned, round(avg(coalesce(s.points, 0)), 1) AS mean_points
FROM clientele.demo_truth t
JOIN report_lifecycle l USING (customer_id)
LEFT JOIN (SELECT customer_id, sum(points) AS points FROM report_signals GROUP BY customer_id) s USING (customer_id)
WHERE l.stage <> 'churned'
GROUP BY t.persona ORDER BY mean_points DESC;
DROP TABLE report_lifecycle, report_signals;
