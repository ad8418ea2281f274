-- Date arguments and the as-of setting, one wording per kind of error
-- (session 8, the final read-through of session 7):
--   * every public function taking an as-of date or a period bound checks it
--     the same way (clientele.check_date in SQL, cl_check_date_arg in C):
--     NULL -> 22004 "<arg> must not be NULL" (where NULL is not a documented
--     default), +/-infinity -> 22023 "<arg> must be a finite date, got
--     infinity", outside 0001-01-01 .. 9999-12-31 -> 22023 "<arg> must be a
--     date between 0001-01-01 and 9999-12-31, got <d>" (before: raw 22008
--     "timestamp out of range", or silently no rows / a result);
--   * the setting clientele.as_of_max_lag_days has one reader
--     (clientele.as_of_max_lag_days()) for check_as_of and
--     calibration_holdout: same SQLSTATE, message and hint for a malformed,
--     negative or too large value;
--   * calibration_holdout reads its relation once (the guard's newest day
--     comes out of the scan that builds the summary).
-- On main 65c7325, 57 of these 67 tests fail (64: two scans of the relation).
BEGIN;
SELECT plan(67);
SET LOCAL timezone = 'UTC';
SET LOCAL client_min_messages = warning;

\ir include/two_customer_bank.sql

\ir include/err_hint.sql
-- the value of a one-value query as text, or its error as pg_temp.err gives it
CREATE FUNCTION pg_temp.val(p_sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v text;
BEGIN
	EXECUTE p_sql INTO v;
	RETURN v;
EXCEPTION WHEN OTHERS THEN
	RETURN pg_temp.err(p_sql);
END $$;
-- the three kinds of error for an argument named p_arg
CREATE FUNCTION pg_temp.null_err(p_arg text) RETURNS text LANGUAGE sql AS
	$$ SELECT format('22004: %s must not be NULL / <NULL>', p_arg) $$;
CREATE FUNCTION pg_temp.inf_err(p_arg text, p_value text) RETURNS text LANGUAGE sql AS
	$$ SELECT format('22023: %s must be a finite date, got %s / <NULL>', p_arg, p_value) $$;
CREATE FUNCTION pg_temp.range_err(p_arg text, p_value text) RETURNS text LANGUAGE sql AS
	$$ SELECT format('22023: %s must be a date between 0001-01-01 and 9999-12-31, got %s / <NULL>', p_arg, p_value) $$;

-- 1-3 the shared check itself
SELECT is(pg_temp.err($$SELECT clientele.check_date(NULL, 'as_of')$$), pg_temp.null_err('as_of'), 'check_date: NULL');
SELECT is(pg_temp.err($$SELECT clientele.check_date('-infinity', 'as_of')$$), pg_temp.inf_err('as_of', '-infinity'), 'check_date: -infinity');
SELECT is(pg_temp.val($$SELECT array[clientele.check_date('0001-01-01', 'd'), clientele.check_date('9999-12-31', 'd')]$$),
	'{0001-01-01,9999-12-31}', 'check_date: the bounds are allowed');

-- 4-9 kpi_compute: an error, not an empty result
SELECT is(pg_temp.err($$SELECT * FROM clientele.kpi_compute(NULL)$$), pg_temp.null_err('p_as_of'), 'kpi_compute(NULL): 22004');
SELECT is(pg_temp.err($$SELECT * FROM clientele.kpi_compute('infinity')$$), pg_temp.inf_err('p_as_of', 'infinity'), 'kpi_compute(infinity): 22023');
SELECT is(pg_temp.err($$SELECT * FROM clientele.kpi_compute('-infinity')$$), pg_temp.inf_err('p_as_of', '-infinity'), 'kpi_compute(-infinity): 22023');
SELECT is(pg_temp.err($$SELECT * FROM clientele.kpi_compute('10000-01-01')$$), pg_temp.range_err('p_as_of', '10000-01-01'), 'kpi_compute: a date after 9999-12-31');
SELECT is(pg_temp.err($$SELECT * FROM clientele.kpi_compute('0001-12-31 BC')$$), pg_temp.range_err('p_as_of', '0001-12-31 BC'), 'kpi_compute: a date before 0001-01-01');
SELECT is((SELECT count(*) FROM clientele.kpi_compute('2025-12-31')), 0::bigint, 'kpi_compute of a date without refresh results: no rows');

-- 10-19 tiers (NULL as_of = current_date, documented)
SELECT is(pg_temp.err($$SELECT clientele.tier_of('service_tier', 1000, NULL, 'infinity')$$), pg_temp.inf_err('as_of', 'infinity'), 'tier_of(infinity): 22023');
SELECT is(pg_temp.err($$SELECT clientele.tier_of('service_tier', 1000, NULL, '-infinity')$$), pg_temp.inf_err('as_of', '-infinity'), 'tier_of(-infinity): 22023, the same wording');
SELECT is(pg_temp.err($$SELECT clientele.tier_of('service_tier', 1000, NULL, '20000-01-01')$$), pg_temp.range_err('as_of', '20000-01-01'), 'tier_of: out of range');
SELECT is(pg_temp.err($$SELECT clientele.tier_rank('service_tier', 1000, NULL, 'infinity')$$), pg_temp.inf_err('as_of', 'infinity'), 'tier_rank(infinity): 22023');
SELECT is(pg_temp.err($$SELECT clientele.tier_version('service_tier', 'infinity')$$), pg_temp.inf_err('as_of', 'infinity'), 'tier_version(infinity): 22023');
SELECT is(pg_temp.err($$SELECT clientele.tier_version('service_tier', '20000-01-01')$$), pg_temp.range_err('as_of', '20000-01-01'), 'tier_version: out of range');
SELECT is(pg_temp.err($$SELECT * FROM clientele.tier_bands('service_tier', NULL, 'infinity')$$), pg_temp.inf_err('as_of', 'infinity'), 'tier_bands(infinity): 22023');
SELECT is(pg_temp.err($$SELECT * FROM clientele.tier_distribution('service_tier', 'clientele.customer', 'customer_id', NULL, 'infinity')$$),
	pg_temp.inf_err('as_of', 'infinity'), 'tier_distribution(infinity): 22023');
SELECT is(clientele.tier_of('service_tier', 1000, NULL, NULL), clientele.tier_of('service_tier', 1000, NULL, current_date), 'tier_of(NULL as_of) is current_date, as documented');
SELECT is(clientele.tier_of('service_tier', 1000, NULL, '9999-12-31'), clientele.tier_of('service_tier', 1000, NULL, current_date), 'tier_of on 9999-12-31: the last version');

-- 20-23 regulatory_class (NULL as_of = current_date, documented)
SELECT is(pg_temp.err($$SELECT clientele.regulatory_class(0, as_of => 'infinity')$$), pg_temp.inf_err('as_of', 'infinity'), 'regulatory_class(infinity): 22023');
SELECT is(pg_temp.err($$SELECT clientele.regulatory_class(0, as_of => '-infinity')$$), pg_temp.inf_err('as_of', '-infinity'), 'regulatory_class(-infinity): 22023');
SELECT is(pg_temp.err($$SELECT * FROM clientele.regulatory_class_reasons(0, as_of => '0100-01-01 BC')$$), pg_temp.range_err('as_of', '0100-01-01 BC'), 'regulatory_class_reasons: out of range');
SELECT is(pg_temp.err($$SELECT clientele.regulatory_class(0, as_of => NULL)$$), 'ok', 'regulatory_class(NULL as_of): current_date, as documented');

-- 24-27 lifecycle_transitions: each date named
SELECT is(pg_temp.err($$SELECT * FROM clientele.lifecycle_transitions(NULL, '2025-12-31')$$), pg_temp.null_err('from_date'), 'lifecycle_transitions: NULL from_date');
SELECT is(pg_temp.err($$SELECT * FROM clientele.lifecycle_transitions('2025-06-30', NULL)$$), pg_temp.null_err('to_date'), 'lifecycle_transitions: NULL to_date');
SELECT is(pg_temp.err($$SELECT * FROM clientele.lifecycle_transitions('infinity', '2025-12-31')$$), pg_temp.inf_err('from_date', 'infinity'),
	'lifecycle_transitions(infinity): 22023 finite-date wording, not "not recorded on infinity"');
SELECT is(pg_temp.err($$SELECT * FROM clientele.lifecycle_transitions('2025-06-30', '-infinity')$$), pg_temp.inf_err('to_date', '-infinity'), 'lifecycle_transitions(-infinity)');

-- 28-41 the as-of analyses (clientele.check_as_of): out of range is 22023, not a raw 22008
SELECT is(pg_temp.err($$SELECT clientele.check_as_of('4713-01-01 BC')$$), pg_temp.range_err('as_of', '4713-01-01 BC'), 'check_as_of: out of range');
SELECT is(pg_temp.err($$SELECT * FROM clientele.customer_features('4713-01-01 BC')$$), pg_temp.range_err('as_of', '4713-01-01 BC'), 'customer_features: out of range (was 22008)');
SELECT is(pg_temp.err($$SELECT * FROM clientele.lifecycle('4713-01-01 BC')$$), pg_temp.range_err('as_of', '4713-01-01 BC'), 'lifecycle: out of range (was 22008)');
SELECT is(pg_temp.err($$SELECT * FROM clientele.churn_signals('4713-01-01 BC')$$), pg_temp.range_err('as_of', '4713-01-01 BC'), 'churn_signals: out of range (was 22008)');
SELECT is(pg_temp.err($$SELECT * FROM clientele.churn_scores('4713-01-01 BC')$$), pg_temp.range_err('as_of', '4713-01-01 BC'), 'churn_scores: out of range (was 22008)');
SELECT is(pg_temp.err($$SELECT * FROM clientele.churn_evaluation('4713-01-01 BC', '1 month', 'scorecard')$$), pg_temp.range_err('as_of', '4713-01-01 BC'), 'churn_evaluation: out of range (was 22008)');
SELECT is(pg_temp.err($$SELECT clientele.train_churn_model('m', '4713-01-01 BC')$$), pg_temp.range_err('as_of', '4713-01-01 BC'), 'train_churn_model: out of range (was 22008)');
SELECT is(pg_temp.err($$SELECT * FROM clientele.rfm_scores('0500-01-01 BC')$$), pg_temp.range_err('as_of', '0500-01-01 BC'), 'rfm_scores: out of range');
SELECT is(pg_temp.err($$SELECT * FROM clientele.record_lifecycle('0500-01-01 BC')$$), pg_temp.range_err('as_of', '0500-01-01 BC'), 'record_lifecycle: out of range');
SELECT is(pg_temp.err($$CALL clientele.refresh('0500-01-01 BC')$$), pg_temp.range_err('as_of', '0500-01-01 BC'), 'refresh: out of range');
SELECT is(pg_temp.err($$SELECT clientele.refresh_compute(NULL, NULL)$$), pg_temp.null_err('p_as_of'), 'refresh_compute (internal): NULL is 22004, not a NOT NULL violation');
SELECT is(pg_temp.err($$SELECT clientele.refresh_compute('infinity', NULL)$$), pg_temp.inf_err('p_as_of', 'infinity'), 'refresh_compute (internal): infinity is 22023, not "cannot subtract infinite dates"');
SELECT is(pg_temp.err($$SELECT clientele.lifecycle_store(NULL, NULL, 'clientele.customer')$$), pg_temp.null_err('p_as_of'), 'lifecycle_store (internal): NULL date');
SELECT is(pg_temp.err($$SELECT clientele.lifecycle_store('2025-12-31', NULL, NULL)$$), pg_temp.null_err('p_stages'), 'lifecycle_store (internal): NULL relation (was a syntax error)');

-- 42-47 the value analyses: each period bound named, out of range is 22023 (was 22008)
SELECT is(pg_temp.err($$SELECT * FROM clientele.aum(NULL)$$), pg_temp.null_err('p_as_of'), 'aum(NULL): 22004');
SELECT is(pg_temp.err($$SELECT * FROM clientele.aum('infinity')$$), pg_temp.inf_err('p_as_of', 'infinity'), 'aum(infinity): 22023');
SELECT is(pg_temp.err($$SELECT * FROM clientele.profit_contribution('2025-01-01', NULL)$$), pg_temp.null_err('p_to'), 'profit_contribution: NULL end');
SELECT is(pg_temp.err($$SELECT * FROM clientele.value_classes('-infinity', '2025-12-31')$$), pg_temp.inf_err('p_from', '-infinity'), 'value_classes: -infinity start');
SELECT is(pg_temp.err($$SELECT * FROM clientele.profit_deciles('2025-01-01', '294276-12-31')$$), pg_temp.range_err('p_to', '294276-12-31'), 'profit_deciles: out of range end (was 22008)');
SELECT is(pg_temp.err($$SELECT * FROM clientele.value_lines('0001-12-31 BC', '2025-12-31')$$), pg_temp.range_err('p_from', '0001-12-31 BC'), 'value_lines: out of range start');

-- 48-50 calibration_holdout: each date named, the same wording
SELECT is(pg_temp.err($$SELECT * FROM clientele.calibration_holdout('clientele.transaction', '2024-12-31', 'infinity')$$),
	pg_temp.inf_err('holdout_end', 'infinity'), 'calibration_holdout: infinite holdout_end');
SELECT is(pg_temp.err($$SELECT * FROM clientele.calibration_holdout('clientele.transaction', '-infinity', '2025-12-31')$$),
	pg_temp.inf_err('calibration_end', '-infinity'), 'calibration_holdout: infinite calibration_end');
SELECT is(pg_temp.err($$SELECT * FROM clientele.calibration_holdout('clientele.transaction', '2024-12-31', '12000-01-01')$$),
	pg_temp.range_err('holdout_end', '12000-01-01'), 'calibration_holdout: out of range holdout_end');

-- 51-55 the C aggregates' as_of: NULL 22004, out of range 22023 (one wording)
SELECT is(pg_temp.err($$SELECT clientele.rfm_summary(d, 1, NULL::date) FROM (VALUES (date '2025-01-01')) v(d)$$), pg_temp.null_err('as_of'), 'rfm_summary: NULL as_of is 22004 (was 22023)');
SELECT is(pg_temp.err($$SELECT clientele.rfm_summary(d, 1, date '2025-01-01', NULL) FROM (VALUES (date '2025-01-01')) v(d)$$), pg_temp.null_err('unit'), 'rfm_summary: NULL unit is 22004 (was 22023)');
SELECT is(pg_temp.err($$SELECT clientele.rfm_summary(d, 1, date '0100-01-01 BC') FROM (VALUES (date '0200-01-01 BC')) v(d)$$), pg_temp.range_err('as_of', '0100-01-01 BC'), 'rfm_summary: out of range as_of');
SELECT is(pg_temp.err($$SELECT clientele.activity_summary(now(), true, NULL, NULL, NULL, NULL, '4713-01-01 BC')$$), pg_temp.range_err('as_of', '4713-01-01 BC'), 'activity_summary: out of range is 22023 (was 22008, its own wording)');
SELECT is(pg_temp.err($$SELECT clientele.activity_summary(now(), true, NULL, NULL, NULL, NULL, '10000-01-01')$$), pg_temp.range_err('as_of', '10000-01-01'), 'activity_summary: after 9999-12-31');

-- 56-62 the setting: one reader, one wording per kind of error, for check_as_of and calibration_holdout alike
CREATE FUNCTION pg_temp.setting_err(p_value text) RETURNS text LANGUAGE sql AS $$
	SELECT format('22023: setting clientele.as_of_max_lag_days must be a whole number of days between 0 and 999999, got "%s" / '
	              'SET clientele.as_of_max_lag_days = 31 (the default), or RESET it.', p_value)
$$;
SET LOCAL clientele.as_of_max_lag_days = 'soon';
SELECT is(pg_temp.err($$SELECT clientele.check_as_of('2025-12-31')$$), pg_temp.setting_err('soon'), 'a malformed setting: check_as_of');
SELECT is(pg_temp.err($$SELECT * FROM clientele.calibration_holdout('clientele.transaction', '2025-06-30', '2025-12-31')$$), pg_temp.setting_err('soon'),
	'a malformed setting: calibration_holdout, the same 22023 and hint (was 22P02)');
SET LOCAL clientele.as_of_max_lag_days = '-1';
SELECT is(pg_temp.err($$SELECT clientele.check_as_of('2025-12-31')$$), pg_temp.setting_err('-1'), 'a negative setting: check_as_of');
SELECT is(pg_temp.err($$SELECT * FROM clientele.calibration_holdout('clientele.transaction', '2025-06-30', '2025-12-31')$$), pg_temp.setting_err('-1'),
	'a negative setting: calibration_holdout, with the hint (was without)');
SET LOCAL clientele.as_of_max_lag_days = '1000000';
SELECT is(pg_temp.err($$SELECT * FROM clientele.calibration_holdout('clientele.transaction', '2025-06-30', '2025-12-31')$$), pg_temp.setting_err('1000000'),
	'a setting over 999999: refused by calibration_holdout too (was accepted)');
SET LOCAL clientele.as_of_max_lag_days = ' 400 ';
SELECT is(pg_temp.val('SELECT clientele.as_of_max_lag_days()'), '400', 'a whole number with blanks: read');
RESET clientele.as_of_max_lag_days;
SELECT is(pg_temp.val('SELECT clientele.as_of_max_lag_days()'), '31', 'unset: the default 31');

-- 63-67 calibration_holdout reads its relation once, and keeps the guard
SET LOCAL max_parallel_workers_per_gather = 0;
CREATE TABLE public.da_tx (customer_id int, ts date);
INSERT INTO public.da_tx SELECT c, date '2024-01-01' + ((c * 37 + k * 11) % 700) FROM generate_series(1, 60) c, generate_series(1, 1 + c % 5) k;
CREATE FUNCTION pg_temp.scans() RETURNS bigint LANGUAGE sql AS $$ SELECT pg_stat_get_xact_numscans('public.da_tx'::regclass) $$;
CREATE TEMP TABLE da_n AS SELECT pg_temp.scans() AS before;
SELECT ok((SELECT count(*) FROM clientele.calibration_holdout('public.da_tx', '2024-12-31', '2025-12-01', 'bgnbd', '1 day', penalizer => 0.05)) > 0, 'a holdout table');
SELECT is(pg_temp.scans() - (SELECT before FROM da_n), 1::bigint, 'one scan of the relation (was two: max(time), then the summary)');
SELECT is(pg_temp.err($$SELECT * FROM clientele.calibration_holdout('public.da_tx', '2024-12-31', (SELECT max(ts) + 32 FROM public.da_tx))$$),
	(SELECT format('22023: holdout_end %s is 32 days after the newest row of public.da_tx (%s), more than 31 days / '
	               'Load the data up to the date, pick an earlier holdout_end, or raise the setting clientele.as_of_max_lag_days.',
	               max(ts) + 32, max(ts)) FROM public.da_tx),
	'the guard: a holdout end 32 days after the newest row is still an error');
-- the newest row counts even when it is after the holdout end or its customer is NULL
INSERT INTO public.da_tx VALUES (NULL, '2026-03-01');
SELECT is(pg_temp.err($$SELECT * FROM clientele.calibration_holdout('public.da_tx', '2024-12-31', '2026-04-01', 'bgnbd', '1 day', penalizer => 0.05)$$), 'ok',
	'the newest day is that of every row (a row without a customer too)');
DELETE FROM public.da_tx;
SELECT is((SELECT count(*) FROM clientele.calibration_holdout('public.da_tx', '2024-12-31', '2030-01-01', 'bgnbd', '1 day', penalizer => 0.05)), 0::bigint, 'an empty relation: no rows, no error (nothing to compare)');

SELECT * FROM finish();
ROLLBACK;
