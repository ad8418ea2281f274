-- clientele.refresh_config.churn_method is validated on write: an unknown
-- method is refused when it is set, not at the churn stage of the next refresh.
BEGIN;
SELECT plan(12);
SET LOCAL client_min_messages = warning;
\ir include/err.sql

SELECT is(pg_temp.err($$UPDATE clientele.refresh_config SET churn_method = 'nope'$$),
	'22023: unknown churn scoring method "nope" in clientele.refresh_config.churn_method',
	'an unknown churn method is refused on write, naming it');
SELECT throws_ok($$UPDATE clientele.refresh_config SET churn_method = 'nope'$$, '22023', NULL,
	'(22023)');
SELECT is(pg_temp.err($$UPDATE clientele.refresh_config SET churn_method = 'Score card!'$$),
	'23514: new row for relation "refresh_config" violates check constraint "refresh_config_churn_method_valid"',
	'a method that is not a lower-case name violates refresh_config_churn_method_valid');
SELECT is(pg_temp.err($$UPDATE clientele.refresh_config SET churn_method = 'p_alive'$$) || ', '
	|| pg_temp.err($$UPDATE clientele.refresh_config SET churn_method = 'scorecard'$$), 'ok, ok',
	'p_alive and scorecard are accepted');
INSERT INTO clientele.churn_model (name, version, trained_as_of, horizon, l2, features, means, scales, coefficients,
	log_likelihood, iterations, converged, n, n_positive, n_negative)
VALUES ('retail_v1', 1, '2025-06-30', '6 months', 0, ARRAY['x'], ARRAY[0::float8], ARRAY[1::float8], ARRAY[0::float8, 0],
	-1, 1, true, 10, 5, 5);
SELECT is(pg_temp.err($$UPDATE clientele.refresh_config SET churn_method = 'retail_v1'$$), 'ok',
	'a trained model''s name is accepted');
SELECT throws_like($$UPDATE clientele.refresh_config SET churn_method = 'retail_v2'$$,
	'unknown churn scoring method "retail_v2"%', 'another name is not');
-- the hint lists the methods
CREATE FUNCTION pg_temp.hint(p_sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	h text;
BEGIN
	EXECUTE p_sql;
	RETURN NULL;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS h = PG_EXCEPTION_HINT;
	RETURN h;
END $$;
SELECT is(pg_temp.hint($$UPDATE clientele.refresh_config SET churn_method = 'retail_v2'$$),
	'Methods are: scorecard, p_alive, retail_v1 (trained models: clientele.train_churn_model).',
	'the hint lists the known methods');
-- editing another setting while the named model is gone still works (checked when it changes)
DELETE FROM clientele.churn_model WHERE name = 'retail_v1';
SELECT is(pg_temp.err($$UPDATE clientele.refresh_config SET clv_months = 24$$), 'ok',
	'another setting can be edited after the model was deleted');
-- a restored dump (an INSERT) is checked for the form only: its models may come later
SELECT is(pg_temp.err($$INSERT INTO clientele.refresh_config (churn_method) VALUES ('restored_model')$$), 'ok',
	'a restored row may name a model restored after it');
SELECT is((SELECT churn_method FROM clientele.refresh_config), 'restored_model', '(the row holds it)');
SELECT is(pg_temp.err($$INSERT INTO clientele.refresh_config (churn_method) VALUES ('Bad Name')$$),
	'23514: new row for relation "refresh_config" violates check constraint "refresh_config_churn_method_valid"',
	'but its form is checked');
SELECT is(pg_temp.err($$UPDATE clientele.refresh_config SET churn_method = 'other_model'$$),
	'22023: unknown churn scoring method "other_model" in clientele.refresh_config.churn_method',
	'after a restore, writes are checked again');

SELECT * FROM finish();
ROLLBACK;
