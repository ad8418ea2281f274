-- rfm_summary's per-call-site caches (issue 11): the day of the last ts (a
-- fixed-offset time zone), the day of as_of (which may differ from group to
-- group), and the result row copied from a template: every summary equals
-- the one computed for its group alone and a plain-SQL reference.
BEGIN;
SELECT plan(8);
SET LOCAL client_min_messages = warning;
SET LOCAL TimeZone = 'Etc/GMT-5';	-- UTC+5, a fixed offset

-- 40 customers, rows interleaved in time order around local midnights
-- (23:59:59.999999 and 00:00:00 local), before and after 2000-01-01 (the
-- epoch of timestamps: negative values), each customer with its own as_of
CREATE TEMP TABLE tx AS
SELECT c, timestamptz '1999-12-25 00:00+05' + d * interval '1 day' + CASE WHEN k = 0 THEN interval '-1 microsecond' ELSE interval '0' END AS ts,
       (c * 7 + d * 3 + k)::float8 / 4 AS amount
FROM generate_series(0, 15) d, generate_series(0, 1) k, generate_series(1, 40) c
WHERE (c + d + k) % 3 <> 0
ORDER BY d, k, c;
CREATE TEMP TABLE asof AS
SELECT c, timestamptz '1999-12-28 12:00+05' + (c % 9) * interval '1 day' AS as_of FROM generate_series(1, 40) c;

CREATE TEMP TABLE ours AS
SELECT t.c, clientele.rfm_summary(t.ts, t.amount, a.as_of) AS s
FROM tx t JOIN asof a USING (c) GROUP BY t.c;

-- the same, one customer at a time (a new call site each: no cache carried over)
CREATE TEMP TABLE alone (c int, s clientele.rfm_summary);
DO $$
BEGIN
	FOR i IN 1 .. 40 LOOP
		INSERT INTO alone SELECT i, clientele.rfm_summary(t.ts, t.amount, a.as_of)
		FROM tx t JOIN asof a USING (c) WHERE t.c = i;
	END LOOP;
END $$;

SELECT is((SELECT count(*) FROM ours), 40::bigint, 'one summary per customer');
SELECT is((SELECT count(*) FROM ours o JOIN alone a USING (c) WHERE o.s IS DISTINCT FROM a.s), 0::bigint,
	'every summary (per-customer as_of, fixed-offset zone) equals the one computed for that customer alone');

-- plain-SQL reference: local calendar days in UTC+5
CREATE TEMP TABLE ref AS
SELECT t.c, count(DISTINCT (t.ts AT TIME ZONE 'Etc/GMT-5')::date) - 1 AS frequency,
       min((t.ts AT TIME ZONE 'Etc/GMT-5')::date) AS first_at, max((t.ts AT TIME ZONE 'Etc/GMT-5')::date) AS last_at,
       count(*) AS transactions, sum(t.amount) AS total, (a.as_of AT TIME ZONE 'Etc/GMT-5')::date AS as_of
FROM tx t JOIN asof a USING (c)
WHERE (t.ts AT TIME ZONE 'Etc/GMT-5')::date <= (a.as_of AT TIME ZONE 'Etc/GMT-5')::date
GROUP BY t.c, a.as_of;
SELECT is((SELECT count(*) FROM ref r JOIN ours o USING (c)
           WHERE (o.s).frequency = r.frequency AND (o.s).first_at = r.first_at AND (o.s).last_at = r.last_at
             AND (o.s).transactions = r.transactions AND (o.s).total_amount = r.total AND (o.s).as_of = r.as_of
             AND (o.s).t = (r.as_of - r.first_at) AND (o.s).recency = (r.last_at - r.first_at)),
	40::bigint, 'frequency, first and last day, rows, total and as_of match the plain-SQL reference (local days, UTC+5)');
SELECT ok((SELECT count(DISTINCT (s).as_of) FROM ours) = 9, 'the as_of day differs between groups (9 distinct)');

-- the result row: every field readable, the row equal to the one rebuilt
-- from its fields, and unchanged through a table and its text form
SELECT is((SELECT count(*) FROM ours
           WHERE s = ROW((s).frequency, (s).recency, (s).t, (s).monetary, (s).first_at, (s).last_at,
                         (s).periods, (s).total_amount, (s).days_since_last, (s).transactions, (s).as_of)::clientele.rfm_summary),
	40::bigint, 'each result row equals the row rebuilt from its fields');
CREATE TEMP TABLE stored AS SELECT c, s, s::text AS txt FROM ours;
SELECT is((SELECT count(*) FROM stored st JOIN ours o USING (c) WHERE st.s = o.s AND st.txt::clientele.rfm_summary = o.s),
	40::bigint, 'result rows survive a table and their text form');

-- the date form shares the as_of cache
SELECT is((SELECT count(*) FROM (
	SELECT t.c, clientele.rfm_summary((t.ts AT TIME ZONE 'Etc/GMT-5')::date, t.amount, (a.as_of AT TIME ZONE 'Etc/GMT-5')::date) AS s
	FROM tx t JOIN asof a USING (c) GROUP BY t.c) d JOIN ours o USING (c)
	WHERE (d.s).frequency = (o.s).frequency AND (d.s).first_at = (o.s).first_at AND (d.s).as_of = (o.s).as_of),
	40::bigint, 'date inputs with per-customer as_of give the same days');

-- a zone with daylight saving time (no day cache) gives the reference too
SET LOCAL TimeZone = 'America/New_York';
SELECT is((SELECT count(*) FROM (
	SELECT t.c, clientele.rfm_summary(t.ts, t.amount, timestamptz '2000-01-20 00:00+00') AS s FROM tx t GROUP BY t.c) o
	JOIN (SELECT c, count(DISTINCT (ts AT TIME ZONE 'America/New_York')::date) - 1 AS f FROM tx GROUP BY c) r USING (c)
	WHERE (o.s).frequency = r.f), 40::bigint, 'America/New_York: frequencies match the local-day reference');

SELECT * FROM finish();
ROLLBACK;
