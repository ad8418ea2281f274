-- Issue 8: an as-of date far beyond the data is an error with a hint in the
-- value and RFM analyses too (clientele.check_as_of, the guard of the
-- lifecycle functions and the refresh: setting clientele.as_of_max_lag_days,
-- default 31), never a silent extrapolation.  The newest input row here is
-- 2025-12-31.  Tests 2, 4, 6, 8, 10, 12, 14 and 17 fail on main e589c7e (end
-- of session 6), which extrapolated.
BEGIN;
SELECT plan(21);
SET LOCAL timezone = 'UTC';
SET LOCAL client_min_messages = warning;

\ir include/two_customer_bank.sql

\ir include/err_hint.sql
CREATE FUNCTION pg_temp.beyond(p_as_of date, p_days integer) RETURNS text
LANGUAGE sql AS $$
	SELECT format('22023: as_of %s is %s days after the newest input row (2025-12-31), more than %s days / '
	              'Load the inputs up to the date, pick an earlier as_of, or raise the setting clientele.as_of_max_lag_days.',
	              p_as_of, p_as_of - date '2025-12-31', p_days)
$$;

-- 1-2 aum
SELECT is(pg_temp.err($$SELECT * FROM clientele.aum('2026-01-31')$$), 'ok', 'aum 31 days after the data: allowed (a run before the day''s load)');
SELECT is(pg_temp.err($$SELECT * FROM clientele.aum('2026-02-01')$$), pg_temp.beyond('2026-02-01', 31), 'aum 32 days after: the error of the lifecycle functions');
-- 3-10 the analyses over value_lines, by their period end
SELECT is(pg_temp.err($$SELECT * FROM clientele.profit_contribution('2025-02-01', '2026-01-31')$$), 'ok', 'profit_contribution ending 31 days after: allowed');
SELECT is(pg_temp.err($$SELECT * FROM clientele.profit_contribution('2025-02-01', '2026-02-01')$$), pg_temp.beyond('2026-02-01', 31), 'profit_contribution ending 32 days after: error');
SELECT is(pg_temp.err($$SELECT * FROM clientele.value_classes('2025-02-01', '2026-01-31')$$), 'ok', 'value_classes: allowed');
SELECT is(pg_temp.err($$SELECT * FROM clientele.value_classes('2025-02-01', '2026-02-01')$$), pg_temp.beyond('2026-02-01', 31), 'value_classes: error');
SELECT is(pg_temp.err($$SELECT * FROM clientele.profit_deciles('2025-02-01', '2026-01-31')$$), 'ok', 'profit_deciles: allowed');
SELECT is(pg_temp.err($$SELECT * FROM clientele.profit_deciles('2026-06-01', '2026-06-30')$$), pg_temp.beyond('2026-06-30', 31), 'profit_deciles of a period after the data: error');
SELECT is(pg_temp.err($$SELECT * FROM clientele.value_lines('2025-02-01', '2026-01-31')$$), 'ok', 'value_lines: allowed');
SELECT is(pg_temp.err($$SELECT * FROM clientele.value_lines('2025-02-01', '2030-12-31')$$), pg_temp.beyond('2030-12-31', 31), 'value_lines: error');
-- 11-12 rfm_scores
SELECT is(pg_temp.err($$SELECT * FROM clientele.rfm_scores('2026-01-31')$$), 'ok', 'rfm_scores 31 days after: allowed');
SELECT is(pg_temp.err($$SELECT * FROM clientele.rfm_scores('2026-02-01')$$), pg_temp.beyond('2026-02-01', 31), 'rfm_scores 32 days after: error');
-- 13-15 the same setting moves every guard
SET LOCAL clientele.as_of_max_lag_days = 0;
SELECT is(pg_temp.err($$SELECT * FROM clientele.aum('2025-12-31')$$), 'ok', 'lag 0: the newest day itself is allowed');
SELECT is(pg_temp.err($$SELECT * FROM clientele.aum('2026-01-01')$$) || ' | ' || pg_temp.err($$SELECT * FROM clientele.profit_contribution('2025-01-01', '2026-01-01')$$),
	pg_temp.beyond('2026-01-01', 0) || ' | ' || pg_temp.beyond('2026-01-01', 0), 'lag 0: the day after is an error for aum and profit_contribution');
SET LOCAL clientele.as_of_max_lag_days = 400;
SELECT is(pg_temp.err($$SELECT * FROM clientele.aum('2026-12-31')$$) || ' ' || pg_temp.err($$SELECT * FROM clientele.rfm_scores('2026-12-31')$$),
	'ok ok', 'lag 400: a year later is allowed');
RESET clientele.as_of_max_lag_days;
-- 16-17 the answers within the margin are those of the newest day carried on
SELECT is((SELECT string_agg(customer_id || ':' || aum, ',' ORDER BY customer_id) FROM clientele.aum('2026-01-31')),
	'1:6000.00,2:100.00', 'aum within the margin: the latest balances');
SELECT is(pg_temp.err($$SELECT * FROM clientele.aum('2026-02-01', '{savings}')$$), pg_temp.beyond('2026-02-01', 31),
	'aum with a product list: the same guard');
-- 18-21 argument checks come first (NULL, infinite, reversed periods), also on an empty bank
SELECT is(pg_temp.err($$SELECT * FROM clientele.aum('infinity')$$), '22023: p_as_of must be a finite date, got infinity / <NULL>', 'aum infinity: 22023');
SELECT is(pg_temp.err($$SELECT * FROM clientele.profit_contribution('2026-03-01', '2026-02-01')$$),
	'22023: period start 2026-03-01 is after its end 2026-02-01 / <NULL>', 'a reversed period: its own error first');
TRUNCATE clientele.customer CASCADE;
SELECT is(pg_temp.err($$SELECT * FROM clientele.aum('2030-01-01')$$), 'ok', 'an empty bank: nothing to extrapolate, no error');
SELECT is(pg_temp.err($$SELECT * FROM clientele.rfm_scores(NULL)$$), '22004: as_of must not be NULL / <NULL>', 'rfm_scores NULL: 22004 on an empty bank');

SELECT * FROM finish();
ROLLBACK;
