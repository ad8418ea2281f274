-- lifecycle, signals and features: point in time, demo-bank sanity, config
-- validation, every error path, privileges.
BEGIN;
SELECT plan(72);
SET LOCAL timezone = 'UTC';
SET LOCAL client_min_messages = warning;

TRUNCATE clientele.customer, clientele.lifecycle_history, clientele.lifecycle_recorded CASCADE;
CREATE TEMP TABLE demo_rows ON COMMIT DROP AS SELECT * FROM clientele.generate_demo_bank(300, 11);

-- --- point in time: results as of 2025-09-30 with the rows dated after it and without them
CREATE TEMP TABLE pit_customer_features AS SELECT * FROM clientele.customer_features('2025-09-30');
CREATE TEMP TABLE pit_lifecycle AS SELECT * FROM clientele.lifecycle('2025-09-30');
CREATE TEMP TABLE pit_churn_signals AS SELECT * FROM clientele.churn_signals('2025-09-30');
SELECT cmp_ok((SELECT count(*) FROM clientele.transaction WHERE ts >= '2025-10-01'), '>', 0::bigint, 'the demo bank has transactions after 2025-09-30');
SELECT cmp_ok((SELECT count(*) FROM clientele.customer WHERE closed_on > '2025-09-30'), '>', 0::bigint, 'and customers closed after it');
-- the data as it was known on 2025-09-30
DELETE FROM clientele.transaction WHERE ts >= '2025-10-01';
DELETE FROM clientele.interaction WHERE ts >= '2025-10-01';
DELETE FROM clientele.balance WHERE as_of > '2025-09-30';
DELETE FROM clientele.transaction t USING clientele.account a WHERE a.account_id = t.account_id AND a.opened_on > '2025-09-30';
DELETE FROM clientele.balance b USING clientele.account a WHERE a.account_id = b.account_id AND a.opened_on > '2025-09-30';
DELETE FROM clientele.account WHERE opened_on > '2025-09-30';
UPDATE clientele.account SET closed_on = NULL, status = 'active' WHERE closed_on > '2025-09-30';
DELETE FROM clientele.demo_truth t USING clientele.customer c WHERE c.customer_id = t.customer_id AND c.opened_on > '2025-09-30';
DELETE FROM clientele.income i USING clientele.customer c WHERE c.customer_id = i.customer_id AND c.opened_on > '2025-09-30';
UPDATE clientele.customer SET referrer_id = NULL
WHERE referrer_id IN (SELECT customer_id FROM clientele.customer WHERE opened_on > '2025-09-30');
DELETE FROM clientele.customer WHERE opened_on > '2025-09-30';
UPDATE clientele.customer SET closed_on = NULL WHERE closed_on > '2025-09-30';
-- the three results as of 2025-09-30 against the ones taken with the full data
CREATE FUNCTION pg_temp.same_as_of_2025_09_30(p_what text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	f text;
BEGIN
	FOREACH f IN ARRAY ARRAY['customer_features', 'lifecycle', 'churn_signals'] LOOP
		RETURN NEXT set_eq(format('SELECT * FROM clientele.%I(''2025-09-30'')', f), format('SELECT * FROM pit_%s', f),
			f || ': ' || p_what);
	END LOOP;
END $$;
SELECT * FROM pg_temp.same_as_of_2025_09_30('rows dated after as_of change nothing');
-- later rows of every kind added again
INSERT INTO clientele.customer (customer_id, opened_on) VALUES (900001, '2025-10-05');
INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on) VALUES (900001, 900001, 'savings', '2025-10-05');
INSERT INTO clientele.transaction (txn_id, customer_id, ts, amount, direction, channel, kind)
SELECT 900000000 + customer_id, customer_id, '2025-10-02 10:00', 99999, 'out', 'online', 'transfer' FROM clientele.customer;
INSERT INTO clientele.interaction (customer_id, ts, kind) SELECT customer_id, '2025-10-03', 'complaint' FROM clientele.customer;
INSERT INTO clientele.balance (account_id, as_of, balance)
SELECT account_id, '2025-10-04', 1 FROM clientele.account WHERE account_id <> 900001;
UPDATE clientele.customer SET closed_on = '2025-10-06' WHERE customer_id % 3 = 0 AND closed_on IS NULL;
SELECT * FROM pg_temp.same_as_of_2025_09_30('added later rows change nothing');

-- --- demo bank sanity: planted personas against the stages (as of the demo's end)
TRUNCATE clientele.customer CASCADE;
DROP TABLE demo_rows;
CREATE TEMP TABLE demo_rows AS SELECT * FROM clientele.generate_demo_bank(300, 11);
CREATE TEMP TABLE demo_stage AS
SELECT t.persona, l.stage FROM clientele.lifecycle('2025-12-31') l JOIN clientele.demo_truth t USING (customer_id);
SELECT is((SELECT count(*) FROM demo_stage), 300::bigint, 'one stage per demo customer');
SELECT is((SELECT count(*) FILTER (WHERE stage <> 'churned') FROM demo_stage WHERE persona = 'churned'), 0::bigint,
	'every churned persona is churned');
SELECT is((SELECT count(*) FILTER (WHERE stage NOT IN ('dormant', 'churned')) FROM demo_stage WHERE persona = 'dormant'), 0::bigint,
	'every dormant persona is dormant or churned');
SELECT cmp_ok((SELECT avg((stage IN ('new', 'growing'))::int) FROM demo_stage WHERE persona = 'new'), '>=', 0.9,
	'new personas are new or growing (>= 90 %)');
SELECT cmp_ok((SELECT avg((stage = 'mature')::int) FROM demo_stage WHERE persona = 'mature'), '>=', 0.5,
	'most mature personas are mature');
SELECT cmp_ok((SELECT avg(coalesce(p, 0)) FROM clientele.demo_truth t
               LEFT JOIN (SELECT customer_id, sum(points) AS p FROM clientele.churn_signals('2025-12-31') GROUP BY 1) s USING (customer_id)
               WHERE t.persona = 'drifting'),
	'>', 2 * (SELECT avg(coalesce(p, 0)) FROM clientele.demo_truth t
	          LEFT JOIN (SELECT customer_id, sum(points) AS p FROM clientele.churn_signals('2025-12-31') GROUP BY 1) s USING (customer_id)
	          WHERE t.persona = 'mature'),
	'drifting personas collect more than twice the signal points of mature ones');
SELECT is((SELECT count(*) FROM clientele.churn_signals('2025-12-31') s JOIN clientele.customer c USING (customer_id)
           WHERE c.closed_on IS NOT NULL), 0::bigint, 'closed customers get no signals');
SELECT is((SELECT count(DISTINCT signal) FROM clientele.churn_signals('2025-12-31')
           WHERE signal NOT IN (SELECT code FROM clientele.churn_signal)), 0::bigint, 'only known signal codes');

-- --- the as-of guard
SELECT throws_ok($$SELECT clientele.check_as_of(NULL)$$, '22004', 'as_of must not be NULL', 'check_as_of: NULL');
SELECT throws_ok($$SELECT clientele.check_as_of('infinity')$$, '22023', 'as_of must be a finite date, got infinity', 'check_as_of: infinity');
SELECT throws_ok($$SELECT clientele.check_as_of('-infinity')$$, '22023', 'as_of must be a finite date, got -infinity', 'check_as_of: -infinity');
SELECT is(clientele.check_as_of('2026-01-31'), '2025-12-31'::date, 'check_as_of: 31 days after the newest row is accepted');
SELECT throws_ok($$SELECT clientele.check_as_of('2026-02-01')$$, '22023',
	'as_of 2026-02-01 is 32 days after the newest input row (2025-12-31), more than 31 days', 'check_as_of: 32 days is rejected');
SELECT throws_ok($$SELECT * FROM clientele.lifecycle('2026-06-30')$$, '22023', NULL, 'lifecycle runs the guard');
SELECT throws_ok($$SELECT * FROM clientele.churn_signals('2026-06-30')$$, '22023', NULL, 'churn_signals runs the guard');
SELECT throws_ok($$SELECT * FROM clientele.lifecycle(NULL)$$, '22004', NULL, 'lifecycle: NULL as_of');
SET LOCAL clientele.as_of_max_lag_days = '200';
SELECT lives_ok($$SELECT clientele.check_as_of('2026-06-30')$$, 'the setting raises the limit');
SET LOCAL clientele.as_of_max_lag_days = 'soon';
SELECT throws_ok($$SELECT clientele.check_as_of('2025-12-31')$$, '22023', NULL, 'an invalid setting is an error');
RESET clientele.as_of_max_lag_days;

-- --- rule sets: validation and protection
SELECT throws_ok($$INSERT INTO clientele.lifecycle_rules (rules, description, dormant_inactive_months, churn_inactive_months)
	VALUES ('x', 'x', 24, 12)$$, '22023',
	'rule set "x": the dormancy window (24 months) must be shorter than the churn window (12 months)', 'dormancy window longer than churn window');
SELECT throws_ok($$INSERT INTO clientele.lifecycle_rules (rules, description, dormant_inactive_months, churn_inactive_months)
	VALUES ('x', 'x', 12, 12)$$, '22023', NULL, 'dormancy window equal to the churn window');
SELECT throws_ok($$INSERT INTO clientele.lifecycle_rules (rules, description, new_days, growing_tenure_days) VALUES ('x', 'x', 400, 365)$$,
	'22023', 'rule set "x": new_days (400) must not exceed growing_tenure_days (365)', 'new_days above growing_tenure_days');
SELECT throws_ok($$INSERT INTO clientele.lifecycle_rules (rules, description, dormant_inactive_months, reactivation_recent_months)
	VALUES ('x', 'x', 3, 4)$$, '22023', NULL, 'recent window longer than the dormancy window');
SELECT throws_ok($$INSERT INTO clientele.lifecycle_rules (rules, description, reactivation_window_months, reactivation_recent_months, dormant_inactive_months)
	VALUES ('x', 'x', 2, 3, 6)$$, '22023', NULL, 'recent window longer than the reactivation window');
SELECT throws_ok($$INSERT INTO clientele.lifecycle_rules (rules, description, decline_aum_drop) VALUES ('x', 'x', 0)$$,
	'23514', NULL, 'a threshold out of range');
SELECT throws_ok($$INSERT INTO clientele.lifecycle_rules (rules, description, decline_aum_drop) VALUES ('x', 'x', 'NaN')$$,
	'23514', NULL, 'a NaN threshold');
SELECT throws_ok($$INSERT INTO clientele.lifecycle_rules (rules, description, reactivation_window_months) VALUES ('x', 'x', 13)$$,
	'23514', NULL, 'a reactivation window beyond the 12 months of the features');
SELECT throws_ok($$INSERT INTO clientele.lifecycle_rules (rules, description, builtin) VALUES ('x', 'x', true)$$,
	'42501', 'only the extension can mark rows of clientele.lifecycle_rules builtin', 'a bank''s rule set cannot claim to be builtin');
SELECT throws_ok($$UPDATE clientele.lifecycle_rules SET new_days = 30 WHERE rules = 'standard'$$,
	'42501', 'cannot update a row of clientele.lifecycle_rules shipped with the extension', 'the shipped rule set cannot be changed');
SELECT throws_ok($$DELETE FROM clientele.lifecycle_rules WHERE rules = 'standard'$$, '42501',
	'cannot delete a row of clientele.lifecycle_rules shipped with the extension', 'nor deleted');
SELECT throws_ok($$UPDATE clientele.lifecycle_rules SET in_use = true WHERE rules = 'standard'$$, '42501', NULL, 'nor marked in use');
INSERT INTO clientele.lifecycle_rules (rules, description, in_use) VALUES ('a', 'a', true);
SELECT throws_ok($$INSERT INTO clientele.lifecycle_rules (rules, description, in_use) VALUES ('b', 'b', true)$$,
	'23505', NULL, 'at most one rule set in use');
SELECT throws_ok($$SELECT * FROM clientele.lifecycle('2025-12-31', 'nope')$$, '22023', 'unknown lifecycle rule set "nope"', 'lifecycle: unknown rule set');
SELECT throws_ok($$SELECT clientele.lifecycle_classify(f, 'nope') FROM clientele.customer_features('2025-12-31') f LIMIT 1$$,
	'22023', 'unknown lifecycle rule set "nope"', 'lifecycle_classify: unknown rule set');

-- --- the classifier's own checks
SELECT is(clientele.lifecycle_classify(NULL), NULL, 'lifecycle_classify: NULL features give NULL');
SELECT throws_ok($$SELECT clientele.lifecycle_classify(ROW(1, '2025-01-01', NULL, NULL, NULL, '2020-01-01', false, NULL, '2020-01-01', 1827,
	1, 1, 1, 1, 1, '2025-02-01', 1, 1, 2, 2, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0, 0, NULL, NULL)::clientele.customer_features)$$,
	'22023', 'features dated after their as_of', 'lifecycle_classify: a transaction after as_of');
SELECT throws_ok($$SELECT clientele.lifecycle_classify(ROW(1, '2025-01-01', NULL, NULL, NULL, '2020-01-01', false, NULL, '2020-01-01', 1827,
	1, -1, 1, 1, 1, '2024-12-01', 1, 1, 2, 2, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0, 0, NULL, NULL)::clientele.customer_features)$$,
	'22023', 'feature accounts_open must not be negative, got -1', 'lifecycle_classify: a negative count');
SELECT throws_ok($$SELECT clientele.lifecycle_classify(ROW(1, '2025-01-01', NULL, NULL, NULL, '2020-01-01', false, NULL, '2020-01-01', 1827,
	1, 1, 1, 1, 1, '2024-12-01', 1, 1, 2, 2, NULL, NULL, NULL, 'NaN', 0, 0, 0, 0, 0, 0, 0, 0, false, 0, 0, NULL, NULL)::clientele.customer_features)$$,
	'22023', 'aum_3m must be a finite number, got NaN', 'lifecycle_classify: NaN AUM');
SELECT throws_ok($$SELECT clientele.lifecycle_classify(ROW(1, NULL, NULL, NULL, NULL, '2020-01-01', false, NULL, '2020-01-01', 1827,
	1, 1, 1, 1, 1, '2024-12-01', 1, 1, 2, 2, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0, 0, NULL, NULL)::clientele.customer_features)$$,
	'22004', 'feature as_of must not be NULL', 'lifecycle_classify: NULL as_of');
SELECT is((clientele.activity_gap(set_bit(set_bit(repeat('0', 90)::varbit, 59, 1), 0, 1), '2025-01-01', '2024-06-01')).gap_days, 214,
	'activity_gap: the first gap runs from last_before');
SELECT is(clientele.activity_gap(set_bit(set_bit(set_bit(repeat('0', 90)::varbit, 0, 1), 30, 1), 60, 1), '2025-01-01', NULL),
	ROW(30, '2025-01-31'::date, '2025-03-02'::date), 'activity_gap: the latest of equal gaps');
SELECT is(clientele.activity_gap(set_bit(repeat('0', 90)::varbit, 5, 1), '2025-01-01', NULL), ROW(NULL::int, NULL::date, NULL::date),
	'activity_gap: no predecessor');
SELECT throws_ok($$SELECT clientele.activity_gap(B'1', 'infinity', NULL)$$, '22023', 'first_day must be a finite date, got infinity', 'activity_gap: infinite first_day');
SELECT throws_ok($$SELECT clientele.activity_gap(B'1', '2025-01-01', '2025-01-01')$$, '22023', 'last_before must be before first_day', 'activity_gap: last_before inside the window');

-- --- the per-customer signals
SELECT is((SELECT count(*) FROM clientele.churn_signals_of(NULL)), 0::bigint, 'churn_signals_of: NULL features fire nothing');
SELECT set_eq($$SELECT f.customer_id, s.* FROM clientele.customer_features('2025-12-31') f, clientele.churn_signals_of(f) s$$,
	$$SELECT * FROM clientele.churn_signals('2025-12-31')$$, 'churn_signals is churn_signals_of over the features');
SELECT is((SELECT count(*) FROM clientele.churn_signals_of(ROW(1, '2025-01-01', NULL, NULL, NULL, '2020-01-01', true, '2024-01-01', '2020-01-01', 1827,
	1, 0, 1, 1, 2, '2024-12-01', 0, 0, 0, 9, NULL, NULL, NULL, 0, 100, 0, 0, 0, 0, 5, 5, 0, true, 0, 0, NULL, NULL)::clientele.customer_features)),
	0::bigint, 'churn_signals_of: a closed customer fires nothing');
SELECT throws_ok($$SELECT * FROM clientele.churn_signals_of(ROW(1, '2025-01-01', NULL, NULL, NULL, '2020-01-01', false, NULL, '2020-01-01', 1827,
	1, 1, 1, 1, 1, '2024-12-01', 1, 1, 2, 2, NULL, NULL, NULL, 'NaN', 0, 0, 0, 0, 0, 0, 0, 0, false, 0, 0, NULL, NULL)::clientele.customer_features)$$,
	'22023', 'feature aum_3m must be a finite number >= 0, got NaN', 'churn_signals_of: NaN AUM');
SELECT throws_ok($$SELECT * FROM clientele.churn_signals_of(ROW(1, '2025-01-01', NULL, NULL, NULL, '2020-01-01', false, NULL, '2020-01-01', 1827,
	1, 1, 1, 1, 1, '2024-12-01', 1, -4, 2, 2, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0, 0, NULL, NULL)::clientele.customer_features)$$,
	'22023', 'feature txn_prev_3m must not be negative, got -4', 'churn_signals_of: a negative count');

-- --- signal settings: validation and protection
SELECT throws_ok($$INSERT INTO clientele.churn_signal_setting (code, points) VALUES ('nope', 1)$$, '22023', 'unknown churn signal "nope"', 'unknown signal');
SELECT throws_ok($$INSERT INTO clientele.churn_signal_setting (code, points) VALUES ('complaint', -1)$$, '22023', NULL, 'negative points');
SELECT throws_ok($$INSERT INTO clientele.churn_signal_setting (code, points) VALUES ('complaint', 'NaN')$$, '22023', NULL, 'NaN points');
SELECT throws_ok($$INSERT INTO clientele.churn_signal_setting (code, threshold) VALUES ('balance_down', 1.5)$$, '22023',
	'threshold of churn signal "balance_down" must lie between 0.01 and 1, got 1.5', 'threshold out of range');
SELECT throws_ok($$INSERT INTO clientele.churn_signal_setting (code, threshold) VALUES ('complaint', 1.5)$$, '22023', NULL, 'fractional count');
SELECT throws_ok($$INSERT INTO clientele.churn_signal_setting (code, min_base) VALUES ('frequency_down', -3)$$, '22023', NULL, 'negative min_base');
SELECT throws_ok($$UPDATE clientele.churn_signal SET points = 99 WHERE code = 'complaint'$$, '42501',
	'table clientele.churn_signal ships with the extension and is read-only', 'signal definitions are read-only');
SELECT throws_ok($$TRUNCATE clientele.churn_signal CASCADE$$, '42501', NULL, 'and cannot be truncated');

-- --- history
SELECT is(clientele.record_lifecycle('2025-12-31', 'standard') > 0, true, 'record_lifecycle stores a date');
SELECT throws_ok($$SELECT clientele.record_lifecycle('2025-06-30')$$, '22023', 'as_of 2025-06-30 is before the latest recorded date 2025-12-31',
	'record_lifecycle: dates in order');
SELECT throws_ok($$SELECT * FROM clientele.lifecycle_transitions('2025-06-30', '2025-12-31')$$, '22023',
	'lifecycle stages were not recorded on 2025-06-30', 'transitions: an unrecorded date');
SELECT throws_ok($$SELECT * FROM clientele.lifecycle_transitions(NULL, '2025-12-31')$$, '22004', NULL, 'transitions: NULL date');

-- --- privileges
SELECT ok(NOT has_function_privilege('clientele_rm', 'clientele.lifecycle(date, text)', 'EXECUTE')
	AND NOT has_function_privilege('clientele_rm', 'clientele.churn_signals(date)', 'EXECUTE')
	AND NOT has_function_privilege('clientele_rm', 'clientele.customer_features(date)', 'EXECUTE'),
	'relationship managers do not run the bank-wide analyses');
SELECT ok(has_function_privilege('clientele_analyst', 'clientele.lifecycle(date, text)', 'EXECUTE')
	AND has_function_privilege('clientele_analyst', 'clientele.churn_signals(date)', 'EXECUTE')
	AND NOT has_function_privilege('clientele_analyst', 'clientele.record_lifecycle(date, text)', 'EXECUTE')
	AND NOT has_table_privilege('clientele_analyst', 'clientele.lifecycle_rules', 'INSERT')
	AND NOT has_table_privilege('clientele_analyst', 'clientele.churn_signal_setting', 'UPDATE'),
	'analysts read, but neither record nor configure');
SELECT ok(has_function_privilege('clientele_admin', 'clientele.record_lifecycle(date, text)', 'EXECUTE')
	AND has_table_privilege('clientele_admin', 'clientele.lifecycle_rules', 'INSERT')
	AND has_table_privilege('clientele_admin', 'clientele.churn_signal_setting', 'UPDATE')
	AND NOT has_table_privilege('clientele_admin', 'clientele.churn_signal', 'UPDATE'),
	'admins record and configure');
CREATE ROLE lc_nobody NOLOGIN;
SELECT ok(NOT has_function_privilege('lc_nobody', 'clientele.lifecycle(date, text)', 'EXECUTE')
	AND NOT has_function_privilege('lc_nobody', 'clientele.check_as_of(date)', 'EXECUTE')
	AND NOT has_table_privilege('lc_nobody', 'clientele.lifecycle_history', 'SELECT'),
	'PUBLIC gets nothing');

SELECT * FROM finish();
ROLLBACK;
