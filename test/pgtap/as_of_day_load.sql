-- Issue 8, bad input: an as_of more than clientele.as_of_max_lag_days (default
-- 31) days after the newest input row is an error with a hint, for every as-of
-- function of the lifecycle and churn areas, while a run before the day's load
-- (as_of = the day after the newest row: today, with the inputs loaded up to
-- yesterday), and up to the limit, works, the refresh included.
BEGIN;
SELECT plan(11);
SET LOCAL timezone = 'UTC';
SET LOCAL client_min_messages = warning;
TRUNCATE clientele.customer, clientele.lifecycle_history, clientele.lifecycle_recorded, clientele.churn_model CASCADE;
CREATE TEMP TABLE demo_rows AS SELECT * FROM clientele.generate_demo_bank(300, 5);   -- newest row 2025-12-31

CREATE FUNCTION pg_temp.err(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	s text; m text; h text;
BEGIN
	EXECUTE p_sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE, m = MESSAGE_TEXT, h = PG_EXCEPTION_HINT;
	RETURN s || ': ' || m || coalesce(' / ' || h, '');
END $$;
-- every as-of function of the areas, as of one date
CREATE FUNCTION pg_temp.all_of(d date) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(w || ' ' || pg_temp.err(q), '; ' ORDER BY w)
	FROM (VALUES ('customer_features', format('SELECT count(*) FROM clientele.customer_features(%L)', d)),
	             ('lifecycle', format('SELECT count(*) FROM clientele.lifecycle(%L)', d)),
	             ('churn_signals', format('SELECT count(*) FROM clientele.churn_signals(%L)', d)),
	             ('churn_scores', format('SELECT count(*) FROM clientele.churn_scores(%L)', d)),
	             ('p_alive', format('SELECT count(*) FROM clientele.churn_scores(%L, ''p_alive'')', d))) v(w, q)
$$;
SELECT is(pg_temp.all_of('2026-01-01'),
          'churn_scores ok; churn_signals ok; customer_features ok; lifecycle ok; p_alive ok',
          'the day after the newest row (a run before the day''s load): every function works');
SELECT is(pg_temp.all_of('2026-01-31'),
          'churn_scores ok; churn_signals ok; customer_features ok; lifecycle ok; p_alive ok',
          '31 days after: every function works');
SELECT is(pg_temp.all_of('2026-02-01'),
          (SELECT string_agg(w || ' 22023: as_of 2026-02-01 is 32 days after the newest input row (2025-12-31), more than 31 days / '
                             || 'Load the inputs up to the date, pick an earlier as_of, or raise the setting clientele.as_of_max_lag_days.', '; ' ORDER BY w)
           FROM unnest(ARRAY['churn_scores', 'churn_signals', 'customer_features', 'lifecycle', 'p_alive']) w),
          '32 days after: every function fails with the error and its hint');
SELECT is((SELECT count(*) FROM clientele.lifecycle('2026-01-01')), (SELECT count(*) FROM clientele.customer),
          'a run before the day''s load classifies every customer');
SELECT is(pg_temp.err($$SELECT clientele.record_lifecycle('2026-01-01')$$), 'ok', 'record_lifecycle the day after the newest row');
SELECT is(pg_temp.err($$SELECT clientele.record_lifecycle('2026-02-01')$$),
          '22023: as_of 2026-02-01 is 32 days after the newest input row (2025-12-31), more than 31 days / '
          || 'Load the inputs up to the date, pick an earlier as_of, or raise the setting clientele.as_of_max_lag_days.',
          'record_lifecycle 32 days after: the error');
SELECT is(pg_temp.err($$CALL clientele.refresh('2026-01-02')$$), 'ok', 'a refresh before the day''s load works');
SELECT is((SELECT count(*) FROM clientele.customer_result WHERE as_of = '2026-01-02') > 0, true, 'and stores its results');
SELECT is(pg_temp.err($$SELECT * FROM clientele.churn_evaluation('2025-07-31', '6 months')$$), 'ok',
          'churn_evaluation whose horizon ends 31 days after the newest row');
SELECT is(pg_temp.err($$SELECT * FROM clientele.churn_evaluation('2025-08-01', '6 months')$$),
          '22023: the horizon ends on 2026-02-01, after the inputs end / Pick an earlier as_of or a shorter horizon.',
          'churn_evaluation whose horizon ends 32 days after: the error and its hint');
SET LOCAL clientele.as_of_max_lag_days = 0;
SELECT is(pg_temp.all_of('2026-01-01'),
          (SELECT string_agg(w || ' 22023: as_of 2026-01-01 is 1 days after the newest input row (2025-12-31), more than 0 days / '
                             || 'Load the inputs up to the date, pick an earlier as_of, or raise the setting clientele.as_of_max_lag_days.', '; ' ORDER BY w)
           FROM unnest(ARRAY['churn_scores', 'churn_signals', 'customer_features', 'lifecycle', 'p_alive']) w),
          'the setting moves the limit of every function');

SELECT * FROM finish();
ROLLBACK;
