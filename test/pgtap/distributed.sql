-- Pieces of the Citus support that run on one node (scripts/citus.sh checks
-- them on a cluster): rfm_summary with a named time zone, the input views
-- over the canonical tables, clientele.citus_coordinator(), distribute()
-- without Citus.
BEGIN;
SELECT plan(16);

CREATE TEMP TABLE tz_txn (customer_id int, ts timestamptz, amount float8);
-- purchases near midnight UTC: their calendar day depends on the zone
INSERT INTO tz_txn VALUES
	(1, '2025-03-01 23:30+00', 10), (1, '2025-03-02 00:30+00', 20), (1, '2025-03-10 15:00+00', 5),
	(2, '2025-03-05 16:10+00', 7), (2, '2025-03-05 15:50+00', 8), (2, '2025-04-01 12:00+00', 9);

SET LOCAL TimeZone = 'Asia/Shanghai';
CREATE TEMP TABLE tz_session AS
	SELECT customer_id, clientele.rfm_summary(ts, amount, '2025-06-30 12:00+00', '1 day')::text AS s FROM tz_txn GROUP BY 1;
SET LOCAL TimeZone = 'America/New_York';
SELECT is((SELECT string_agg(customer_id || ':' || s, ' ' ORDER BY customer_id) FROM (
	SELECT customer_id, clientele.rfm_summary(ts, amount, '2025-06-30 12:00+00', '1 day', 'Asia/Shanghai')::text AS s FROM tz_txn GROUP BY 1) q),
	(SELECT string_agg(customer_id || ':' || s, ' ' ORDER BY customer_id) FROM tz_session),
	'rfm_summary(..., time_zone) in another session TimeZone equals the session form in that zone');
SELECT isnt((SELECT string_agg(customer_id || ':' || s, ' ' ORDER BY customer_id) FROM (
	SELECT customer_id, clientele.rfm_summary(ts, amount, '2025-06-30 12:00+00', '1 day')::text AS s FROM tz_txn GROUP BY 1) q),
	(SELECT string_agg(customer_id || ':' || s, ' ' ORDER BY customer_id) FROM tz_session),
	'... and the data is one whose days differ between the two zones (the check above can fail)');
RESET TimeZone;

SELECT throws_ok($$SELECT clientele.rfm_summary(ts, amount, now(), '1 day', 'Mars/Olympus') FROM tz_txn$$,
	'22023', 'time zone "Mars/Olympus" not recognized', 'rfm_summary(..., time_zone): unknown zone');
SELECT throws_ok($$SELECT clientele.rfm_summary(ts, amount, now(), '1 day', NULL) FROM tz_txn$$,
	'22023', 'time_zone must not be NULL', 'rfm_summary(..., time_zone): NULL zone');

-- activity_summary(..., time_zone): transactions near midnight UTC and near
-- the window boundaries of as_of 2025-06-30 (2025-03-31, 2024-12-31, 2024-06-30)
CREATE TEMP TABLE tz_act (customer_id int, ts timestamptz, ci boolean, kind text, direction text, bank text, amount numeric);
INSERT INTO tz_act VALUES
	(1, '2025-06-30 20:00+00', true, 'transfer', 'out', 'B', 10), (1, '2025-03-31 17:00+00', true, 'transfer', 'out', NULL, 2.5),
	(1, '2024-12-31 18:00+00', true, 'payment', 'out', NULL, 3), (1, '2024-06-30 19:00+00', true, 'payment', 'out', NULL, 4),
	(1, '2024-05-01 02:00+00', true, 'payment', 'out', NULL, 4), (1, '2025-01-15 23:59+00', true, 'payment', 'in', NULL, 1),
	(2, '2025-05-05 16:10+00', true, 'transfer', 'out', NULL, 7), (2, '2025-05-04 03:50+00', true, 'transfer', 'out', NULL, 8),
	(2, '2025-06-30 15:59+00', false, 'transfer', 'out', 'C', 9), (2, '2025-06-30 16:01+00', true, 'transfer', 'out', 'C', 9);
-- zone NULL: the 7-argument form (days in the session TimeZone)
CREATE FUNCTION pg_temp.act(zone text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	IF zone IS NULL THEN
		RETURN (SELECT string_agg(customer_id || ':' || s, ' ' ORDER BY customer_id) FROM (
			SELECT customer_id, clientele.activity_summary(ts, ci, kind, direction, bank, amount, '2025-06-30')::text AS s
			FROM tz_act GROUP BY 1) q);
	END IF;
	RETURN (SELECT string_agg(customer_id || ':' || s, ' ' ORDER BY customer_id) FROM (
		SELECT customer_id, clientele.activity_summary(ts, ci, kind, direction, bank, amount, '2025-06-30', zone)::text AS s
		FROM tz_act GROUP BY 1) q);
END $$;
SET LOCAL TimeZone = 'Asia/Shanghai';
CREATE TEMP TABLE tz_act_sh AS SELECT pg_temp.act(NULL) AS s;
SELECT is(pg_temp.act(current_setting('TimeZone')), (SELECT s FROM tz_act_sh),
	'activity_summary(..., time_zone) with the session zone equals the 7-argument form (Asia/Shanghai)');
SET LOCAL TimeZone = 'America/New_York';
CREATE TEMP TABLE tz_act_ny AS SELECT pg_temp.act(NULL) AS s;
SELECT is(pg_temp.act(current_setting('TimeZone')), (SELECT s FROM tz_act_ny),
	'... and in America/New_York (daylight saving time)');
SELECT is(pg_temp.act('Asia/Shanghai'), (SELECT s FROM tz_act_sh),
	'activity_summary(..., ''Asia/Shanghai'') in session TimeZone America/New_York equals the session form in Asia/Shanghai');
SELECT isnt((SELECT s FROM tz_act_ny), (SELECT s FROM tz_act_sh),
	'... and the data is one whose windows and days differ between the two zones (the check above can fail)');
RESET TimeZone;
SELECT is(pg_temp.act('America/New_York'), (SELECT s FROM tz_act_ny),
	'activity_summary(..., ''America/New_York'') in session TimeZone UTC equals the session form in America/New_York');
SELECT throws_ok($$SELECT clientele.activity_summary(ts, ci, kind, direction, bank, amount, '2025-06-30', 'Mars/Olympus') FROM tz_act$$,
	'22023', 'time zone "Mars/Olympus" not recognized', 'activity_summary(..., time_zone): unknown zone');
SELECT throws_ok($$SELECT clientele.activity_summary(ts, ci, kind, direction, bank, amount, '2025-06-30', NULL) FROM tz_act$$,
	'22023', 'time_zone must not be NULL', 'activity_summary(..., time_zone): NULL zone');

SELECT ok(clientele.citus_coordinator(), 'citus_coordinator() is true where Citus is not installed');
SELECT throws_ok($$SELECT * FROM clientele.distribute()$$, '0A000',
	'clientele.distribute() needs the citus extension in this database', 'distribute() without Citus says what is missing');

-- an unmapped input view reads its canonical table straight (Citus sees the table)
SELECT ok(EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_rewrite'::regclass
	AND d.objid = (SELECT oid FROM pg_rewrite WHERE ev_class = 'clientele.in_transaction'::regclass)
	AND d.refobjid = 'clientele.transaction'::regclass),
	'clientele.in_transaction selects from clientele.transaction straight while the input is not mapped');
SELECT is((SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_depend d
	JOIN pg_rewrite r ON r.oid = d.objid AND d.classid = 'pg_rewrite'::regclass
	JOIN pg_class v ON v.oid = r.ev_class AND v.relnamespace = 'clientele'::regnamespace AND v.relname LIKE 'in\_%'
	JOIN pg_class c ON c.oid = d.refobjid AND d.refclassid = 'pg_class'::regclass AND c.oid <> v.oid
	WHERE c.relnamespace <> 'clientele'::regnamespace),
	NULL, 'no input view depends on a relation outside the extension''s schema');
SELECT is((SELECT array_agg(v.relname ORDER BY v.relname) FROM pg_class v
	WHERE v.relnamespace = 'clientele'::regnamespace AND v.relkind = 'v' AND v.relname LIKE 'in\_%'
	  AND NOT coalesce(v.reloptions @> ARRAY['security_invoker=true'], false)),
	NULL::name[], 'every input view is security_invoker');

SELECT * FROM finish();
ROLLBACK;
