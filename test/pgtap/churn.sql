-- churn area: churn_scores (scorecard, p_alive, trained model), train_churn_model,
-- churn_evaluation on a small demo bank: consistency with the signals and the
-- lifecycle, point in time, versioning, every error path, privileges.
BEGIN;
SELECT plan(44);
SET LOCAL client_min_messages = warning;

SELECT lives_ok($$SELECT * FROM clientele.generate_demo_bank(400, 11)$$, 'a demo bank of 400 customers');
CREATE TEMP TABLE sc AS SELECT * FROM clientele.churn_scores('2025-06-30');
CREATE TEMP TABLE st AS SELECT customer_id, stage FROM clientele.lifecycle('2025-06-30');

-- ---- scorecard ---------------------------------------------------------------------
SELECT set_eq($$SELECT customer_id FROM sc$$, $$SELECT customer_id FROM st WHERE stage <> 'churned'$$,
              'scorecard: one row per customer not churned as of the date');
SELECT is((SELECT count(*) FROM sc WHERE score < 0 OR score > 100 OR score IS NULL), 0::bigint, 'scorecard: scores within 0..100');
SELECT is((SELECT count(*) FROM sc s
           LEFT JOIN (SELECT customer_id, sum(points) AS p FROM clientele.churn_signals('2025-06-30') GROUP BY 1) g USING (customer_id)
           WHERE s.score <> clientele.churn_scorecard_score(coalesce(g.p, 0), 50)), 0::bigint,
          'scorecard: score = churn_scorecard_score(sum of the fired signal points)');
SELECT is((SELECT count(*) FROM sc s
           WHERE (SELECT coalesce(sum((r ->> 'points')::numeric), 0) FROM jsonb_array_elements(s.reasons) r)
                 <> coalesce((SELECT sum(points) FROM clientele.churn_signals('2025-06-30') g WHERE g.customer_id = s.customer_id), 0)),
          0::bigint, 'scorecard: the reasons are the fired signals with their points');
SELECT is((SELECT count(*) FROM sc s, LATERAL jsonb_array_elements(s.reasons) WITH ORDINALITY a(r, k)
           JOIN LATERAL jsonb_array_elements(s.reasons) WITH ORDINALITY b(r, k) ON b.k = a.k + 1
           WHERE (a.r ->> 'points')::numeric < (b.r ->> 'points')::numeric), 0::bigint,
          'scorecard: reasons largest first');
SELECT ok((SELECT count(*) FROM sc WHERE score > 0) > 0 AND (SELECT bool_and((score = 0) = (reasons = '[]')) FROM sc),
          'scorecard: some customers score, and a score is 0 exactly when no signal fired');
SELECT ok((SELECT bool_and(r ? 'signal' AND r ? 'points' AND r ? 'evidence') FROM sc, jsonb_array_elements(reasons) r),
          'scorecard: every reason has signal, points and evidence');
SET LOCAL clientele.churn_scorecard_scale = 100;
SELECT is((SELECT count(*) FROM clientele.churn_scores('2025-06-30') n JOIN sc o USING (customer_id)
           WHERE n.score > o.score OR (o.score > 0 AND n.score >= o.score)), 0::bigint,
          'scorecard: a larger scale lowers every positive score');
SET LOCAL clientele.churn_scorecard_scale = 'abc';
SELECT throws_ok($$SELECT * FROM clientele.churn_scores('2025-06-30')$$, '22023',
                 'setting clientele.churn_scorecard_scale must be a number of points above 0 and at most 1000000, got "abc"',
                 'an invalid scorecard scale setting is an error');
RESET clientele.churn_scorecard_scale;

-- ---- p_alive ------------------------------------------------------------------------
CREATE TEMP TABLE pa AS SELECT * FROM clientele.churn_scores('2025-06-30', 'p_alive');
SELECT set_eq($$SELECT customer_id FROM pa$$, $$SELECT customer_id FROM sc$$, 'p_alive: the same customers');
SELECT is((SELECT count(*) FROM pa WHERE score < 0 OR score > 100 OR score IS NULL), 0::bigint, 'p_alive: scores within 0..100');
SELECT is((SELECT count(*) FROM pa WHERE score <> (reasons -> 0 ->> 'points')::numeric
             OR round(100 * (1 - (reasons -> 0 -> 'evidence' ->> 'p_alive')::numeric), 0) <> round(score, 0)), 0::bigint,
          'p_alive: the reason carries P(alive) and the score is 100 (1 - P(alive))');
SELECT ok((SELECT avg(p.score) FROM pa p JOIN st USING (customer_id) WHERE st.stage = 'dormant')
          > (SELECT avg(p.score) FROM pa p JOIN st USING (customer_id) WHERE st.stage = 'mature'),
          'p_alive: dormant customers score higher than mature ones on average');

-- ---- trained model -----------------------------------------------------------------
CREATE TEMP TABLE m1 AS SELECT * FROM clientele.train_churn_model('tap_model', '2024-12-31', '6 months', 1);
SELECT is((SELECT version FROM m1), 1, 'train_churn_model: first version is 1');
SELECT ok((SELECT n = n_positive + n_negative AND n_positive > 0 AND n_negative > 0 AND converged
                  AND training_auc BETWEEN 0.5 AND 1 AND cardinality(coefficients) = 13 AND cardinality(means) = 12
                  AND features = clientele.churn_model_feature_names() FROM m1),
          'train_churn_model: counts, convergence, training AUC and shapes');
SELECT is((SELECT n FROM m1), (SELECT count(*) FROM clientele.lifecycle('2024-12-31') WHERE stage <> 'churned'),
          'train_churn_model: trained on every customer not churned as of the date');
SELECT is((SELECT n_positive FROM m1),
          (SELECT count(*) FROM clientele.lifecycle('2024-12-31') a JOIN clientele.lifecycle('2025-06-30') b USING (customer_id)
           WHERE a.stage <> 'churned' AND b.stage IN ('churned', 'dormant')),
          'train_churn_model: label = churned or dormant at the end of the horizon');
CREATE TEMP TABLE m2 AS SELECT * FROM clientele.train_churn_model('tap_model', '2024-12-31', '6 months', 10);
SELECT is((SELECT version FROM m2), 2, 'train_churn_model: the next training is version 2');
CREATE TEMP TABLE ms AS SELECT * FROM clientele.churn_scores('2025-06-30', 'tap_model');
SELECT set_eq($$SELECT customer_id FROM ms$$, $$SELECT customer_id FROM sc$$, 'model: the same customers');
SELECT is((SELECT count(*) FROM ms s, m2, clientele.customer_features('2025-06-30') f
           WHERE f.customer_id = s.customer_id
             AND s.score <> round((100 * clientele.logistic_predict(m2.coefficients,
                     ARRAY(SELECT ((clientele.churn_model_features(f))[i] - m2.means[i]) / m2.scales[i]
                           FROM generate_series(1, 12) i ORDER BY i)))::numeric, 2)), 0::bigint,
          'model: scores use the latest version and equal 100 x its predicted probability');
SELECT is((SELECT count(*) FROM ms s, m2
           WHERE abs((SELECT sum((r ->> 'points')::numeric) FROM jsonb_array_elements(s.reasons) r) + m2.coefficients[1]
                     - ln((s.score / 100 + 1e-300) / (1 - s.score / 100 + 1e-300))) > 0.01
             AND s.score BETWEEN 1 AND 99), 0::bigint,
          'model: intercept + contributions = logit of the score');
SELECT ok((SELECT bool_and(jsonb_array_length(reasons) = 12) FROM ms), 'model: one reason per feature');
SELECT is((SELECT count(*) FROM ms s, LATERAL jsonb_array_elements(s.reasons) WITH ORDINALITY a(r, k)
           JOIN LATERAL jsonb_array_elements(s.reasons) WITH ORDINALITY b(r, k) ON b.k = a.k + 1
           WHERE (a.r ->> 'points')::numeric < (b.r ->> 'points')::numeric), 0::bigint, 'model: reasons largest first');

-- ---- evaluation ----------------------------------------------------------------------
CREATE TEMP TABLE ev AS SELECT * FROM clientele.churn_evaluation('2025-06-30', '6 months', 'p_alive');
SELECT is((SELECT auc FROM ev),
          (SELECT clientele.auc(p.score::float8, l.stage IN ('churned', 'dormant')) FROM pa p
           JOIN clientele.lifecycle('2025-12-30') l USING (customer_id)),
          'churn_evaluation: auc of the scores against the stage at the end of the horizon');
SELECT ok((SELECT customers = (SELECT count(*) FROM pa) AND churned > 0 AND ks BETWEEN 0 AND 1 AND lift_10 >= 0
                  AND jsonb_array_length(calibration) = 10
                  AND (SELECT sum((d ->> 'customers')::bigint) FROM jsonb_array_elements(calibration) d) = customers FROM ev),
          'churn_evaluation: counts, ks, lift and 10 calibration deciles covering every customer');
SELECT lives_ok($$SELECT * FROM clientele.churn_evaluation('2025-06-30', '6 months', 'tap_model')$$, 'churn_evaluation of a trained model');

-- ---- point in time: rows dated after as_of change nothing ------------------------------
CREATE TEMP TABLE before AS
SELECT 'scorecard' AS m, md5(string_agg(customer_id || ':' || score || ':' || reasons::text, ',' ORDER BY customer_id)) AS h FROM clientele.churn_scores('2025-03-31')
UNION ALL SELECT 'p_alive', md5(string_agg(customer_id || ':' || score || ':' || reasons::text, ',' ORDER BY customer_id)) FROM clientele.churn_scores('2025-03-31', 'p_alive')
UNION ALL SELECT 'tap_model', md5(string_agg(customer_id || ':' || score || ':' || reasons::text, ',' ORDER BY customer_id)) FROM clientele.churn_scores('2025-03-31', 'tap_model');
INSERT INTO clientele.transaction (txn_id, customer_id, account_id, ts, amount, direction, channel, kind, counterparty_bank, customer_initiated)
SELECT 900000000 + customer_id, customer_id, customer_id * 16, timestamptz '2025-04-02 10:00+00', 5000, 'out', 'mobile', 'transfer', 'other bank', true
FROM clientele.customer WHERE customer_id <= 100;
INSERT INTO clientele.interaction (interaction_id, customer_id, ts, kind)
SELECT 900000000 + customer_id, customer_id, timestamptz '2025-04-03 10:00+00', 'complaint'
FROM clientele.customer WHERE customer_id <= 100;
SELECT is((SELECT md5(string_agg(customer_id || ':' || score || ':' || reasons::text, ',' ORDER BY customer_id)) FROM clientele.churn_scores('2025-03-31', m)),
          h, 'point in time: ' || m || ' as of 2025-03-31 unchanged by rows dated later')
FROM before ORDER BY m;

-- ---- errors ------------------------------------------------------------------------------
SELECT throws_ok($$SELECT * FROM clientele.churn_scores('2025-06-30', 'nope')$$, '22023',
                 'unknown churn scoring method "nope"', 'an unknown method is an error');
DO $$ BEGIN
	PERFORM * FROM clientele.churn_scores('2025-06-30', 'nope');
EXCEPTION WHEN invalid_parameter_value THEN
	DECLARE h text; BEGIN
		GET STACKED DIAGNOSTICS h = PG_EXCEPTION_HINT;
		CREATE TEMP TABLE hint AS SELECT h;
	END;
END $$;
SELECT is((SELECT h FROM hint), 'Methods are: scorecard, p_alive, tap_model (trained models: clientele.train_churn_model).',
          'the hint lists the known methods and models');
SELECT throws_ok($$SELECT * FROM clientele.churn_scores('2025-06-30', NULL)$$, '22004', 'method must not be NULL', 'a NULL method is an error');
SELECT throws_ok($$SELECT * FROM clientele.churn_scores('2030-01-01')$$, '22023', NULL, 'an as_of far after the data is an error');
SELECT throws_ok($$SELECT * FROM clientele.train_churn_model('scorecard', '2024-12-31')$$, '22023',
                 'invalid churn model name "scorecard"', 'a model cannot take a method''s name');
SELECT throws_ok($$SELECT * FROM clientele.train_churn_model('Bad Name', '2024-12-31')$$, '22023',
                 'invalid churn model name "Bad Name"', 'a model name must be lower case');
SELECT throws_ok($$SELECT * FROM clientele.train_churn_model('m', '2024-12-31', '6 months', -1)$$, '22023',
                 'l2 must be a finite number >= 0, got -1', 'a negative l2 is an error');
SELECT throws_ok($$SELECT * FROM clientele.train_churn_model('m', '2024-12-31', '-1 day')$$, '22023',
                 'horizon must be a positive interval of at most 10 years, got -1 days', 'a negative horizon is an error');
SELECT throws_ok($$SELECT * FROM clientele.train_churn_model('m', '2025-10-31')$$, '22023',
                 'the horizon ends on 2026-04-30, after the inputs end', 'a horizon the data does not reach is an error');
SELECT throws_ok($$SELECT * FROM clientele.churn_evaluation('2025-10-31', '6 months', 'scorecard')$$, '22023',
                 'the horizon ends on 2026-04-30, after the inputs end', 'churn_evaluation checks the horizon too');

-- a bank of 3 customers: one class only
SELECT lives_ok($$SELECT * FROM clientele.generate_demo_bank(3, 1, replace => true)$$, 'a demo bank of 3 customers');
SELECT throws_ok($$SELECT * FROM clientele.train_churn_model('m', '2025-06-30', '1 month')$$, '22023',
                 'the training data as of 2025-06-30 has one class only', 'one class only is an error');
DO $$ BEGIN
	PERFORM * FROM clientele.train_churn_model('m', '2025-06-30', '1 month');
EXCEPTION WHEN invalid_parameter_value THEN
	DECLARE d text; BEGIN
		GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
		CREATE TEMP TABLE detail AS SELECT d;
	END;
END $$;
SELECT is((SELECT d FROM detail), '2 customers: 0 churned or dormant on 2025-07-30, 2 not.', 'the error gives the counts');

-- ---- privileges ------------------------------------------------------------------------
SELECT ok(has_function_privilege('clientele_analyst', 'clientele.churn_scores(date, text)', 'EXECUTE')
          AND has_function_privilege('clientele_analyst', 'clientele.churn_evaluation(date, interval, text)', 'EXECUTE')
          AND NOT has_function_privilege('clientele_analyst', 'clientele.train_churn_model(text, date, interval, double precision)', 'EXECUTE')
          AND has_function_privilege('clientele_admin', 'clientele.train_churn_model(text, date, interval, double precision)', 'EXECUTE')
          AND NOT has_function_privilege('public', 'clientele.churn_scores(date, text)', 'EXECUTE')
          AND has_table_privilege('clientele_analyst', 'clientele.churn_model', 'SELECT')
          AND NOT has_table_privilege('clientele_analyst', 'clientele.churn_model', 'INSERT'),
          'analysts score and evaluate, admins train, PUBLIC gets nothing');

SELECT * FROM finish();
ROLLBACK;
