-- Issue 8: churn_scores(as_of, 'p_alive') and the refresh fit one BG/NBD
-- model: purchases are the customer-initiated, non-enquiry transactions, the
-- fit runs over the customers open on as_of with purchases, with
-- refresh_config.model_penalizer.  Both give the same P(alive) and scores.
-- Tests 3-9 fail on main e589c7e (end of session 6), whose churn_scores
-- counted enquiries as purchases, fitted closed customers too and did not
-- penalise.
BEGIN;
SELECT plan(12);
SET LOCAL timezone = 'UTC';
SET LOCAL client_min_messages = warning;

TRUNCATE clientele.customer, clientele.lifecycle_history, clientele.lifecycle_recorded CASCADE;

-- 24 customers since 2023-01-01, one current account each (1,000):
--   1-20   a purchase every 3 + c days from 2023-01-02; the odd ones stop
--          after 2023-06-01 + 20 c days (they lapse), the even ones buy on
--   1-5    also an enquiry every 5 days to the end (not purchases)
--   21     enquiries only
--   22     purchases every 4 days, customer closed on 2025-03-01
--   23     no transaction
--   24     purchases every 9 days, every account closed on 2025-05-01
INSERT INTO clientele.customer (customer_id, opened_on, closed_on)
SELECT c, '2023-01-01', CASE WHEN c = 22 THEN date '2025-03-01' END FROM generate_series(1, 24) c;
INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on, closed_on, status)
SELECT 10 * c, c, 'current', '2023-01-01', CASE WHEN c IN (22, 24) THEN date '2025-03-01' + (c - 22) * 30 END,
       CASE WHEN c IN (22, 24) THEN 'closed' ELSE 'active' END
FROM generate_series(1, 24) c;
INSERT INTO clientele.balance (account_id, as_of, balance)
SELECT 10 * c, '2023-01-01', 1000 FROM generate_series(1, 24) c;
INSERT INTO clientele.balance (account_id, as_of, balance)
SELECT 10 * c, '2025-06-30', 1000 FROM generate_series(1, 21) c;
CREATE TEMP SEQUENCE txn_id;
INSERT INTO clientele.transaction (txn_id, customer_id, account_id, ts, amount, direction, channel, kind)
SELECT nextval('txn_id'), c, 10 * c, d + time '10:00', 20 + c, 'in', 'mobile', 'deposit'
FROM generate_series(1, 20) c,
     LATERAL generate_series(date '2023-01-02', CASE WHEN c % 2 = 1 THEN date '2023-06-01' + 20 * c ELSE date '2025-06-30' END,
                             (3 + c) * interval '1 day') d
UNION ALL
SELECT nextval('txn_id'), c, 10 * c, d + time '11:00', 30, 'in', 'mobile', 'deposit'
FROM (VALUES (22, 4), (24, 9)) v(c, k),
     LATERAL generate_series(date '2023-01-05', date '2025-02-28', k * interval '1 day') d;
INSERT INTO clientele.transaction (txn_id, customer_id, account_id, ts, amount, direction, channel, kind)
SELECT nextval('txn_id'), c, 10 * c, d + time '09:00', 0, 'none', 'online', 'enquiry'
FROM (SELECT generate_series(1, 5) UNION ALL SELECT 21) v(c),
     LATERAL generate_series(date '2023-01-03', date '2025-06-30', interval '5 days') d;

CALL clientele.refresh('2025-06-30');
CREATE TEMP TABLE scores AS SELECT * FROM clientele.churn_scores('2025-06-30', 'p_alive');
CREATE TEMP TABLE res AS SELECT * FROM clientele.customer_result WHERE as_of = '2025-06-30';

-- 1-2
SELECT ok((SELECT (bgnbd).converged FROM clientele.refresh_model WHERE as_of = '2025-06-30'), 'the refresh''s fit converged');
SELECT is((SELECT count(*) FROM scores), 21::bigint,
	'churn_scores scores the 21 customers not churned (not 22, customer closed; 23, no activity for 24 months; 24, every account closed)');
-- 3-4: the same P(alive), the same score
SELECT is((SELECT count(*) FROM scores s JOIN res r USING (customer_id)
           WHERE (s.reasons -> 0 -> 'evidence' ->> 'p_alive')::numeric = round(r.p_alive::numeric, 4)), 21::bigint,
	'churn_scores'' P(alive) = the refresh''s customer_result.p_alive (4 decimals), every customer');
SELECT is((SELECT count(*) FROM scores s JOIN res r USING (customer_id)
           WHERE s.score = round((100 * (1 - r.p_alive))::numeric, 2)), 21::bigint,
	'churn_scores'' score = 100 (1 - customer_result.p_alive) to the cent, every customer');
-- 5: enquiries are not purchases
SELECT is((SELECT s.score || ' ' || (s.reasons -> 0 -> 'evidence')::text || ' ' || coalesce(r.frequency::text, 'NULL') || ' ' || r.p_alive
           FROM scores s JOIN res r USING (customer_id) WHERE customer_id = 21),
	'0.00 {"p_alive": 1.0000, "transactions": 0} NULL 1',
	'a customer with enquiries only has no purchase in either (P(alive) 1)');
SELECT is((SELECT (s.reasons -> 0 -> 'evidence' ->> 'repeat_days')::integer FROM scores s WHERE customer_id = 2),
	(SELECT count(*)::integer - 1 FROM clientele.transaction WHERE customer_id = 2 AND kind <> 'enquiry'),
	'repeat purchase days count no enquiry');
-- 7: the refresh with churn_method p_alive stores the same scores
UPDATE clientele.refresh_config SET churn_method = 'p_alive';
SET LOCAL track_functions = 'all';
CREATE TEMP TABLE calls_before AS
SELECT coalesce(sum(calls), 0) AS n FROM pg_stat_xact_user_functions WHERE funcid = 'clientele.churn_scores(date, text)'::regprocedure;
CALL clientele.refresh('2025-06-30');
SELECT is((SELECT count(*) FROM clientele.customer_result r JOIN scores s USING (customer_id)
           WHERE r.as_of = '2025-06-30' AND r.churn_score = s.score AND r.churn_reasons = s.reasons
             AND r.churn_score = round((100 * (1 - r.p_alive))::numeric, 2)), 21::bigint,
	'refresh with churn_method p_alive: churn_score = 100 (1 - p_alive) = churn_scores, every customer');
SELECT is((SELECT coalesce(sum(calls), 0) FROM pg_stat_xact_user_functions WHERE funcid = 'clientele.churn_scores(date, text)'::regprocedure)
          - (SELECT n FROM calls_before), 0::numeric,
	'without calling churn_scores (no second features pass and fit: the models stage''s P(alive) and summary)');
-- 8-9: the penalizer is the refresh's
UPDATE clientele.refresh_config SET model_penalizer = 0.5;
CALL clientele.refresh('2025-06-30');
SELECT is((SELECT count(*) FROM clientele.customer_result r JOIN clientele.churn_scores('2025-06-30', 'p_alive') s USING (customer_id)
           WHERE r.as_of = '2025-06-30' AND s.score = round((100 * (1 - r.p_alive))::numeric, 2)
             AND r.churn_score = s.score AND r.churn_reasons = s.reasons), 21::bigint,
	'model_penalizer 0.5: still the same scores in both (and the same stored scores and reasons)');
SELECT isnt((SELECT sum(score) FROM clientele.churn_scores('2025-06-30', 'p_alive')), (SELECT sum(score) FROM scores),
	'and they differ from those under the default penalizer');

-- 11-12: the reasons, written once (clientele.churn_p_alive_reasons) for both
SELECT is(clientele.churn_p_alive_reasons(0.123456, NULL, NULL, NULL, NULL),
          '[{"signal": "p_alive", "points": 87.65, "evidence": {"p_alive": 0.1235, "transactions": 0}}]'::jsonb,
	'p_alive reasons without a purchase: points 100 (1 - p), p to 4 decimals, 0 transactions');
SELECT is(clientele.churn_p_alive_reasons(0.5, 3, 10.123, 52.5, '2025-05-01'),
          '[{"signal": "p_alive", "points": 50.00, "evidence": {"p_alive": 0.5000, "repeat_days": 3, "weeks_first_to_last": 10.12, "weeks_observed": 52.50, "last_txn_on": "2025-05-01"}}]'::jsonb,
	'p_alive reasons with purchases: repeat days, weeks (2 decimals) and the last purchase day');

SELECT * FROM finish();
ROLLBACK;
