-- churn area: the per-customer pieces with exact outputs (scorecard mapping,
-- score and reasons of a trained model) and their errors; the model table's
-- checks.
SET client_min_messages = warning;
SET extra_float_digits = 0;

-- scorecard: 100 (1 - exp(-points / scale)), 2 decimals
SELECT p, clientele.churn_scorecard_score(p) AS score_50, clientele.churn_scorecard_score(p, 25) AS score_25
FROM unnest(ARRAY[0, 5, 25, 50, 100, 529, 1000]::numeric[]) p;
SELECT clientele.churn_scorecard_score(-1);
SELECT clientele.churn_scorecard_score('NaN');
SELECT clientele.churn_scorecard_score(10, 0);
SELECT clientele.churn_scorecard_score(10, 'Infinity');

-- model score: z = ((14 - 10) / 2, (-0.5 - 0) / 1, (1 - 1) / 0.5) = (2, -0.5, 0);
-- contributions (0.5 * 2, -2 * -0.5, 0.25 * 0) = (1, 1, 0); P = 1 / (1 + e^-(−1 + 2)) = 0.7311
SELECT (s).score, jsonb_pretty((s).reasons)
FROM (SELECT clientele.churn_model_score('{-1, 0.5, -2, 0.25}', '{10, 0, 1}', '{2, 1, 0.5}', '{"tenure", "txn \"3m\"", "aum"}', '{14, -0.5, 1}') AS s) x;
SELECT clientele.churn_model_score('{-1, 0.5}', '{10, 0}', '{2, 1}', '{a, b}', '{1, 2}');
SELECT clientele.churn_model_score('{-1, 0.5, 1}', '{10}', '{2, 1}', '{a, b}', '{1, 2}');
SELECT clientele.churn_model_score('{-1, 0.5, 1}', '{10, 0}', '{2, 0}', '{a, b}', '{1, 2}');
SELECT clientele.churn_model_score('{-1, 0.5, 1}', '{10, 0}', '{2, 1}', '{a, b}', '{1, NaN}');
SELECT clientele.churn_model_score('{-1, 0.5, 1}', '{10, 0}', '{2, 1}', '{a}', '{1, 2}');
SELECT clientele.churn_model_score('{-1, 0.5, 1}', '{10, 0}', '{2, 1}', '{a, NULL}', '{1, 2}');
SELECT clientele.churn_model_score('{-1, 0.5, 1}', '{10, 0}', '{2, 1}', '{a, b}', '{1, NULL}');

-- the model features of a customer and their names
SELECT clientele.churn_model_feature_names();

-- the model table refuses inconsistent rows (terse: the failing row shows trained_at)
\set VERBOSITY terse
INSERT INTO clientele.churn_model (name, version, trained_as_of, horizon, l2, features, means, scales, coefficients,
                                   log_likelihood, iterations, converged, n, n_positive, n_negative)
VALUES ('p_alive', 1, '2025-01-01', '6 months', 0, '{a}', '{0}', '{1}', '{0, 1}', -1, 1, true, 2, 1, 1);
INSERT INTO clientele.churn_model (name, version, trained_as_of, horizon, l2, features, means, scales, coefficients,
                                   log_likelihood, iterations, converged, n, n_positive, n_negative)
VALUES ('m', 1, '2025-01-01', '6 months', 0, '{a}', '{0}', '{0}', '{0, 1}', -1, 1, true, 2, 1, 1);
INSERT INTO clientele.churn_model (name, version, trained_as_of, horizon, l2, features, means, scales, coefficients,
                                   log_likelihood, iterations, converged, n, n_positive, n_negative)
VALUES ('m', 1, '2025-01-01', '6 months', 0, '{a}', '{0}', '{1}', '{0}', -1, 1, true, 2, 1, 1);
INSERT INTO clientele.churn_model (name, version, trained_as_of, horizon, l2, features, means, scales, coefficients,
                                   log_likelihood, iterations, converged, n, n_positive, n_negative)
VALUES ('m', 1, '2025-01-01', '6 months', 0, '{a}', '{0}', '{1}', '{0, NaN}', -1, 1, true, 2, 1, 1);
