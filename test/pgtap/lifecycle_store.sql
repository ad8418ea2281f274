-- clientele.lifecycle_store, the recording step of record_lifecycle and of the
-- refresh, on hand-built stage tables: which periods end, which open, the
-- count returned, nothing changed when nothing changed, and a history edited
-- by hand (a customer with two open periods) handled as before the one-read
-- rewrite (every open period of the customer ends; the matching stage opens
-- again).
BEGIN;
SELECT plan(16);
SET LOCAL client_min_messages = warning;

TRUNCATE clientele.lifecycle_history, clientele.lifecycle_recorded CASCADE;
CREATE TEMP TABLE st (customer_id bigint, stage clientele.lifecycle_stage, rule text) ON COMMIT DROP;
CREATE TEMP VIEW hist AS
	SELECT customer_id, stage::text, valid_from, valid_to, rule FROM clientele.lifecycle_history;

-- first date: everyone opens a period
INSERT INTO st VALUES (1, 'new', 'r1'), (2, 'new', 'r1'), (3, 'growing', 'r2');
SELECT is(clientele.lifecycle_store('2025-01-31', 'standard', 'pg_temp.st'), 3::bigint, 'first date: 3 periods opened');
SELECT results_eq($$SELECT * FROM hist ORDER BY customer_id, valid_from$$,
	$$VALUES (1::bigint, 'new', '2025-01-31'::date, NULL::date, 'r1'), (2, 'new', '2025-01-31', NULL, 'r1'),
	         (3, 'growing', '2025-01-31', NULL, 'r2')$$,
	'first date: one open period per customer');
SELECT results_eq($$SELECT as_of, rules, customers FROM clientele.lifecycle_recorded$$,
	$$VALUES ('2025-01-31'::date, 'standard', 3::bigint)$$, 'first date recorded with its customers');

-- second date: 1 unchanged, 2 changes stage, 3 is no longer classified, 4 is new
TRUNCATE st;
INSERT INTO st VALUES (1, 'new', 'r9'), (2, 'growing', 'r2'), (4, 'new', 'r1');
SELECT is(clientele.lifecycle_store('2025-02-28', 'standard', 'pg_temp.st'), 2::bigint, 'second date: 2 periods opened');
SELECT results_eq($$SELECT * FROM hist ORDER BY customer_id, valid_from$$,
	$$VALUES (1::bigint, 'new', '2025-01-31'::date, NULL::date, 'r1'),
	         (2, 'new', '2025-01-31', '2025-02-28', 'r1'), (2, 'growing', '2025-02-28', NULL, 'r2'),
	         (3, 'growing', '2025-01-31', '2025-02-28', 'r2'),
	         (4, 'new', '2025-02-28', NULL, 'r1')$$,
	'second date: changed and unclassified periods end on it, new ones start on it, an unchanged one stays open (with its first rule)');

-- third date: nothing changed
SELECT is(clientele.lifecycle_store('2025-03-31', 'standard', 'pg_temp.st'), 0::bigint, 'nothing changed: 0 periods opened');
SELECT is((SELECT count(*) FROM clientele.lifecycle_history WHERE valid_to = '2025-03-31' OR valid_from = '2025-03-31'),
	0::bigint, 'nothing changed: no period ends or starts on the date');

-- a history edited by hand: customer 1 gets a second open period
INSERT INTO clientele.lifecycle_history (customer_id, stage, valid_from, valid_to, rule)
VALUES (1, 'mature', '2025-03-31', NULL, 'by hand');
SELECT is(clientele.lifecycle_store('2025-04-30', 'standard', 'pg_temp.st'), 1::bigint,
	'two open periods, one matching: 1 period opened');
SELECT results_eq($$SELECT * FROM hist WHERE customer_id = 1 ORDER BY valid_from$$,
	$$VALUES (1::bigint, 'new', '2025-01-31'::date, '2025-04-30'::date, 'r1'),
	         (1, 'mature', '2025-03-31', '2025-04-30', 'by hand'),
	         (1, 'new', '2025-04-30', NULL, 'r9')$$,
	'two open periods: both end, the matching stage opens again');
SELECT results_eq($$SELECT * FROM hist WHERE customer_id <> 1 AND valid_to IS NULL ORDER BY customer_id$$,
	$$VALUES (2::bigint, 'growing', '2025-02-28'::date, NULL::date, 'r2'), (4, 'new', '2025-02-28', NULL, 'r1')$$,
	'the other customers'' open periods are untouched');

-- two open periods, neither matching; and a customer dropped
INSERT INTO clientele.lifecycle_history (customer_id, stage, valid_from, valid_to, rule)
VALUES (2, 'dormant', '2025-04-30', NULL, 'by hand');
TRUNCATE st;
INSERT INTO st VALUES (1, 'new', 'r9'), (2, 'churned', 'r5');
SELECT is(clientele.lifecycle_store('2025-05-31', 'standard', 'pg_temp.st'), 1::bigint,
	'two open periods, none matching: 1 period opened');
SELECT results_eq($$SELECT * FROM hist WHERE customer_id IN (2, 4) AND (valid_to IS NULL OR valid_to = '2025-05-31') ORDER BY customer_id, valid_from$$,
	$$VALUES (2::bigint, 'growing', '2025-02-28'::date, '2025-05-31'::date, 'r2'),
	         (2, 'dormant', '2025-04-30', '2025-05-31', 'by hand'),
	         (2, 'churned', '2025-05-31', NULL, 'r5'),
	         (4, 'new', '2025-02-28', '2025-05-31', 'r1')$$,
	'both end, the new stage opens; the dropped customer''s period ends');
SELECT is((SELECT count(*) FROM clientele.lifecycle_history WHERE valid_to IS NULL), 2::bigint,
	'one open period per classified customer');

-- empty stages: every open period ends
TRUNCATE st;
SELECT is(clientele.lifecycle_store('2025-06-30', 'standard', 'pg_temp.st'), 0::bigint, 'no stages: 0 periods opened');
SELECT is((SELECT count(*) FROM clientele.lifecycle_history WHERE valid_to IS NULL), 0::bigint, 'no stages: every open period ends');
SELECT results_eq($$SELECT as_of, customers FROM clientele.lifecycle_recorded ORDER BY as_of$$,
	$$VALUES ('2025-01-31'::date, 3::bigint), ('2025-02-28', 3), ('2025-03-31', 3), ('2025-04-30', 3), ('2025-05-31', 2), ('2025-06-30', 0)$$,
	'every date recorded with its number of customers');

SELECT * FROM finish();
ROLLBACK;
