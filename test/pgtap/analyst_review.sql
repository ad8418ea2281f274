-- A bank analyst's review of 0.2.0: defects found on small hand-built banks
-- whose answers are known by hand (each test fails without its fix).
BEGIN;
SELECT plan(27);
SET LOCAL timezone = 'UTC';
SET LOCAL client_min_messages = warning;
\ir include/err.sql
-- a count, or NULL when the query fails (the test fails instead of the file)
CREATE FUNCTION pg_temp.cnt(p_sql text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
BEGIN
	EXECUTE p_sql INTO n;
	RETURN n;
EXCEPTION WHEN OTHERS THEN
	RETURN NULL;
END $$;

TRUNCATE clientele.customer, clientele.lifecycle_history, clientele.lifecycle_recorded CASCADE;

-- --- rfm_scores checks its arguments before reading a row: a bad one is an
-- error on an empty bank too, and never NULL scores or segments
SELECT throws_ok($$SELECT * FROM clientele.rfm_scores(NULL)$$, '22004', 'as_of must not be NULL',
	'rfm_scores: NULL as_of on an empty bank is an error, not an empty answer');
SELECT throws_ok($$SELECT * FROM clientele.rfm_scores('infinity')$$, '22023', 'as_of must be a finite date, got infinity',
	'rfm_scores: infinite as_of');
SELECT throws_ok($$SELECT * FROM clientele.rfm_scores('2025-12-31', NULL)$$, '22004', 'ntiles must not be NULL',
	'rfm_scores: NULL ntiles');
SELECT throws_ok($$SELECT * FROM clientele.rfm_scores('2025-12-31', 0)$$, '22023', 'ntiles must be between 1 and 100, got 0',
	'rfm_scores: ntiles 0 on an empty bank');
SELECT throws_ok($$SELECT * FROM clientele.rfm_scores('2025-12-31', 5, NULL)$$, '22004', 'scheme must not be NULL',
	'rfm_scores: NULL scheme');
SELECT throws_ok($$SELECT * FROM clientele.rfm_scores('2025-12-31', 5, 'nope')$$, '22023', 'unknown RFM segment scheme "nope"',
	'rfm_scores: unknown scheme on an empty bank');

-- --- a hand-built bank: four customers with one savings account each
--   1 east: 1,000 until 2025-06-30, then 20,000 (ordinary -> 10k-50k band)
--   2 west: the same amounts
--   3 west: 500 throughout
--   4 west: closed on 2025-10-01 (in the value period of 2025-12-31)
INSERT INTO clientele.customer (customer_id, region, opened_on, closed_on) VALUES
	(1, 'east', '2020-01-01', NULL), (2, 'west', '2020-01-01', NULL), (3, 'west', '2020-01-01', NULL),
	(4, 'west', '2020-01-01', '2025-10-01');
INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on, closed_on, status) VALUES
	(10, 1, 'savings', '2020-01-01', NULL, 'active'), (20, 2, 'savings', '2020-01-01', NULL, 'active'),
	(30, 3, 'savings', '2020-01-01', NULL, 'active'), (40, 4, 'savings', '2020-01-01', '2025-10-01', 'closed');
INSERT INTO clientele.balance (account_id, as_of, balance) VALUES
	(10, '2024-01-01', 1000), (10, '2025-07-01', 20000), (10, '2025-12-31', 20000),
	(20, '2024-01-01', 1000), (20, '2025-07-01', 20000), (20, '2025-12-31', 20000),
	(30, '2024-01-01', 500), (30, '2025-12-31', 500),
	(40, '2024-01-01', 700), (40, '2025-10-01', 0);
INSERT INTO clientele.transaction (txn_id, customer_id, account_id, ts, amount, direction, channel, kind)
SELECT 100 * c + m, c, 10 * c, make_date(2025, m, 15), 50, 'in', 'mobile', 'deposit'
FROM generate_series(1, 3) c, generate_series(1, 12) m;

-- region east has a band of its own below 10,000, so the label of the
-- 10,000-50,000 band has rank 3 there and rank 2 in the default bands
INSERT INTO clientele.tier_band (scheme, version, region, rank, label, lower_bound, upper_bound, tier) VALUES
	('service_tier', 1, 'east', 1, 'ordinary', 0, 5000, 'ordinary'),
	('service_tier', 1, 'east', 2, 'ordinary plus', 5000, 10000, 'ordinary'),
	('service_tier', 1, 'east', 3, 'mid-tier 1万-5万', 10000, NULL, 'mid-tier');
SET CONSTRAINTS ALL IMMEDIATE;
SELECT is(clientele.tier_rank('service_tier', 20000, 'east'), 3, 'east ranks 20,000 in its own third band');
SELECT is(clientele.tier_rank('service_tier', 20000, 'west'), 2, 'the default bands rank it second, same label');

SELECT is(pg_temp.err($$CALL clientele.refresh('2025-06-30')$$) || ', ' || pg_temp.err($$CALL clientele.refresh('2025-12-31')$$),
	'ok, ok', 'refreshes succeed when a region''s own bands give a label another rank');
SELECT results_eq($$SELECT tier, tier_rank, customers FROM clientele.tier_distribution ORDER BY tier_rank, tier$$,
	$$VALUES ('ordinary'::text, 1, 1::bigint), ('mid-tier 1万-5万', 2, 1), ('mid-tier 1万-5万', 3, 1)$$,
	'tier_distribution: one row per label and rank, every open customer counted');
SELECT results_eq($$SELECT from_tier, from_rank, to_tier, to_rank, direction, customers FROM clientele.tier_migration ORDER BY to_rank$$,
	$$VALUES ('ordinary'::text, 1, 'mid-tier 1万-5万'::text, 2, 'upgrade'::text, 1::bigint),
	         ('ordinary', 1, 'mid-tier 1万-5万', 3, 'upgrade', 1)$$,
	'tier_migration: both upgrades, each with its ranks');

-- segment_summary: members are every customer of the latest date (the closed
-- customer 4 included, as in the scorecard), and so is the share's base
SELECT is((SELECT count(*) FILTER (WHERE is_closed) FROM clientele.customer_scorecard), 1::bigint,
	'the scorecard holds the customer closed in the value period');
SELECT is((SELECT sum(customers) FROM clientele.segment_summary WHERE kind = 'quadrant'), 4::numeric,
	'segment_summary: the quadrants count every customer of the latest date');
SELECT is((SELECT sum(customer_share) FROM clientele.segment_summary WHERE kind = 'quadrant'), 1.0000,
	'segment_summary: the quadrant shares add up to 1');
SELECT is((SELECT customer_share FROM clientele.segment_summary WHERE kind = 'quadrant'
	ORDER BY customers DESC, segment LIMIT 1),
	(SELECT round(max(n)::numeric / 4, 4) FROM (SELECT count(*) AS n FROM clientele.customer_scorecard GROUP BY quadrant) q),
	'segment_summary: share = members / customers of the latest date');
SELECT is((SELECT sum(customer_share) FROM clientele.segment_summary WHERE kind = 'rfm'),
	(SELECT round(count(*) FILTER (WHERE rfm_segment IS NOT NULL)::numeric / count(*), 4) FROM clientele.customer_scorecard),
	'segment_summary: the RFM segments cover the customers with a transaction');
SELECT is((SELECT customers FROM clientele.kpi_summary WHERE as_of = '2025-12-31' AND level = 'bank'), 3::bigint,
	'kpi_summary: three open customers on 2025-12-31');

-- --- train_churn_model on a small bank without time deposits: the feature
-- td_not_rolled_3m is 0 for everyone; it is left out of the fit (coefficient
-- 0) instead of making the fit singular at the default l2 = 0
TRUNCATE clientele.customer, clientele.lifecycle_history, clientele.lifecycle_recorded CASCADE;
DO $$ BEGIN PERFORM clientele.generate_demo_bank(40, 3); END $$;
DELETE FROM clientele.balance b USING clientele.account a WHERE a.account_id = b.account_id AND a.product_type = 'time_deposit';
DELETE FROM clientele.transaction t USING clientele.account a WHERE a.account_id = t.account_id AND a.product_type = 'time_deposit';
DELETE FROM clientele.account WHERE product_type = 'time_deposit';
SELECT is((SELECT count(DISTINCT f.td_not_rolled_3m) FROM clientele.customer_features('2025-03-31') f), 1::bigint,
	'no time deposits: td_not_rolled_3m is the same for every customer');
SET LOCAL client_min_messages = error;   -- the fit may warn that it did not converge (separation)
SELECT is(pg_temp.err($$SELECT clientele.train_churn_model('small', '2025-03-31')$$), 'ok',
	'train_churn_model at l2 = 0 with a constant feature trains (no collinearity error)');
SET LOCAL client_min_messages = warning;
SELECT is((SELECT (coefficients[13], std_errors[13] IS NULL) FROM clientele.churn_model WHERE name = 'small'), (0::float8, true),
	'the constant feature gets coefficient 0 and no standard error');
SELECT is((SELECT count(*) FROM clientele.churn_model WHERE name = 'small'
	AND coefficients[2:12] <> array_fill(0::float8, ARRAY[11]) AND cardinality(coefficients) = 13), 1::bigint,
	'the other features are fitted');
SELECT is(pg_temp.cnt($$SELECT count(*) FROM clientele.churn_scores('2025-06-30', 'small') WHERE score < 0 OR score > 100$$),
	0::bigint, 'the model scores 0..100');

-- --- a NaN income line (numeric accepts NaN, and NaN >= 0 holds) is an error
-- naming the customer, not a NaN contribution ranked the most profitable.
-- clientele.income rejects NaN (income_ftp_income_not_nan): the line comes
-- from a bank's own income table mapped with use_source
CREATE SCHEMA bank_ar;
CREATE TABLE bank_ar.income AS SELECT * FROM clientele.income;
INSERT INTO bank_ar.income (customer_id, month, ftp_income, fee_income, loan_interest, cost)
SELECT min(customer_id), '2025-05-01', 'NaN', 0, 0, 0 FROM clientele.customer WHERE closed_on IS NULL;
SELECT lives_ok($$SELECT clientele.use_source('income', 'bank_ar.income')$$, 'a bank''s income table with a NaN line is mapped');
SELECT is((SELECT concat_ws(' | ', status, rows, examples) FROM clientele.check_sources(NULL, 'income') WHERE check_name = 'non_finite'),
	(SELECT 'error | 1 | ' || min(customer_id) || '@2025-05-01' FROM clientele.customer WHERE closed_on IS NULL),
	'check_sources reports the NaN line of the mapped source as an input check failure');
SELECT throws_ok($$SELECT * FROM clientele.profit_contribution('2025-01-01', '2025-06-30')$$, '22023', NULL,
	'profit_contribution: a NaN income line is an error');
SELECT throws_like($$SELECT * FROM clientele.value_classes('2025-01-01', '2025-06-30')$$,
	'%an income line of customer % in the period is not a finite number',
	'value_classes: the error names the customer (no NaN in decile 1, class high)');
SELECT is(pg_temp.err($$CALL clientele.refresh('2025-06-30')$$) LIKE '22023: refresh: an income line of customer %', true,
	'refresh: the same error');

SELECT * FROM finish();
ROLLBACK;
