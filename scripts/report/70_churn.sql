-- Demo report, section: churn scores (clientele churn and evaluation areas,
-- docs/churn.md).  Scores every customer as of six months before the end of
-- the demo bank with each method, and scores them against what followed: the
-- planted ground truth (clientele.demo_truth) and the lifecycle stage at the
-- end.  The trained model is fitted six months earlier still (its labels are
-- the six months up to the scoring date), inside a transaction that is rolled
-- back, so the demo database is left as it was.
\pset footer off
\echo
\echo '== Churn scores =='
SELECT max(as_of) AS churn_end, (max(as_of) - interval '6 months')::date AS churn_as_of,
       (max(as_of) - interval '12 months')::date AS churn_train_as_of
FROM clientele.in_balance \gset
\echo 'Scored as of' :churn_as_of '; outcome: what happened up to' :churn_end '; model trained as of' :churn_train_as_of '(labels up to' :churn_as_of ')'
BEGIN;
SET LOCAL client_min_messages = warning;
SELECT name, version, n AS customers, n_positive AS churned_or_dormant, converged, iterations,
       round(training_auc::numeric, 3) AS training_auc
FROM clientele.train_churn_model('demo_report', :'churn_train_as_of', '6 months', 1);

CREATE TEMP TABLE report_churn_scores AS
SELECT 'scorecard'::text AS method, customer_id, score, reasons FROM clientele.churn_scores(:'churn_as_of', 'scorecard')
UNION ALL SELECT 'p_alive', customer_id, score, reasons FROM clientele.churn_scores(:'churn_as_of', 'p_alive')
UNION ALL SELECT 'model (demo_report)', customer_id, score, reasons FROM clientele.churn_scores(:'churn_as_of', 'demo_report');

-- outcomes: the planted truth (left, or went dormant: 6 months without activity, within the window)
-- and the lifecycle stage at the end (churned or dormant)
CREATE TEMP TABLE report_churn_outcome AS
SELECT t.customer_id,
       (t.persona = 'churned' AND t.churned_on > :'churn_as_of'::date AND t.churned_on <= :'churn_end'::date)
       OR (t.persona = 'dormant' AND t.dormant_since + interval '6 months' > :'churn_as_of'::date
           AND t.dormant_since + interval '6 months' <= :'churn_end'::date) AS truth,
       l.stage IN ('churned', 'dormant') AS stage_at_end
FROM clientele.demo_truth t
LEFT JOIN clientele.lifecycle(:'churn_end') l USING (customer_id);

\echo
\echo 'Discrimination (AUC: 0.5 = chance, 1 = perfect; KS; lift = churn rate in the top 10 % over the base rate):'
SELECT s.method, count(*) AS customers,
       count(*) FILTER (WHERE o.truth) AS churned_truth,
       round(clientele.auc(s.score::float8, o.truth)::numeric, 3) AS auc_truth,
       round(clientele.ks(s.score::float8, o.truth)::numeric, 3) AS ks_truth,
       round(clientele.lift(s.score::float8, o.truth, 0.1)::numeric, 2) AS lift10_truth,
       count(*) FILTER (WHERE o.stage_at_end) AS churned_or_dormant_at_end,
       round(clientele.auc(s.score::float8, o.stage_at_end)::numeric, 3) AS auc_stage,
       round(clientele.ks(s.score::float8, o.stage_at_end)::numeric, 3) AS ks_stage,
       round(clientele.lift(s.score::float8, o.stage_at_end, 0.1)::numeric, 2) AS lift10_stage
FROM report_churn_scores s JOIN report_churn_outcome o USING (customer_id)
GROUP BY s.method ORDER BY s.method;

\echo
\echo 'Calibration of the trained model by score decile (10 = highest scores), against the stage at the end:'
SELECT decile, count(*) AS customers, round(avg(score), 2) AS mean_score,
       round(100.0 * count(*) FILTER (WHERE stage_at_end) / count(*), 2) AS observed_pct,
       round(100.0 * count(*) FILTER (WHERE truth) / count(*), 2) AS truth_pct
FROM (SELECT s.score, o.stage_at_end, o.truth, ntile(10) OVER (ORDER BY s.score, s.customer_id) AS decile
      FROM report_churn_scores s JOIN report_churn_outcome o USING (customer_id)
      WHERE s.method = 'model (demo_report)') d
GROUP BY decile ORDER BY decile;

\echo
\echo 'Highest scorecard scores, with their reasons (first three signals):'
SELECT s.customer_id, s.score,
       (SELECT string_agg((r ->> 'signal') || ' ' || (r ->> 'points'), ', ' ORDER BY k)
        FROM jsonb_array_elements(s.reasons) WITH ORDINALITY a(r, k) WHERE k <= 3) AS reasons,
       t.persona AS planted_persona
FROM report_churn_scores s JOIN clientele.demo_truth t USING (customer_id)
WHERE s.method = 'scorecard'
ORDER BY s.score DESC, s.customer_id LIMIT 8;

\echo
\echo 'Trained model: the largest reasons of its five highest scores:'
SELECT s.customer_id, s.score,
       (SELECT string_agg((r ->> 'signal') || ' ' || (r ->> 'points'), ', ' ORDER BY k)
        FROM jsonb_array_elements(s.reasons) WITH ORDINALITY a(r, k) WHERE k <= 3) AS reasons,
       t.persona AS planted_persona
FROM report_churn_scores s JOIN clientele.demo_truth t USING (customer_id)
WHERE s.method = 'model (demo_report)'
ORDER BY s.score DESC, s.customer_id LIMIT 5;
ROLLBACK;
