-- rfm_summary's per-row fast path (issue 11): a row on the day appended last,
-- or on a later day with room left in the state, is added without the
-- general path's set-up; anything else (a new group, an earlier day, a full
-- day array, a NULL argument, a sum near the limit, another as_of, a day
-- outside the state's span, an infinite date) goes the general way.  Every
-- summary equals a plain-SQL reference and the one computed row by row in
-- another order, serial and parallel, and the errors are the general path's.
BEGIN;
SELECT plan(16);
SET LOCAL client_min_messages = warning;
SET LOCAL TimeZone = 'UTC';

-- 30 customers, 1 to 120 purchase days each (more than a first day array
-- of 24 holds), several rows per day, amounts on a 1/4 grid (exact sums in
-- float8 too), and rows in three orders: time order, reverse, shuffled
CREATE TEMP TABLE tx AS
SELECT c, timestamptz '2023-01-01 00:00+00' + ((d * 7 + c) % 400) * interval '1 day' + (k * 5) * interval '1 hour' AS ts,
       ((c * 13 + d * 7 + k * 3) % 97)::float8 / 4 AS amount, d, k
FROM generate_series(1, 30) c, generate_series(0, 119) d, generate_series(0, 2) k
WHERE d < 1 + (c * c) % 121 AND (c + d + k) % 4 <> 0;
CREATE TEMP TABLE ref AS
SELECT c, count(DISTINCT ts::date) - 1 AS frequency, min(ts::date) AS first_at, max(ts::date) AS last_at,
       count(*) AS transactions, sum(amount) AS total
FROM tx WHERE ts::date <= date '2024-01-15' GROUP BY c;

CREATE TEMP TABLE fwd AS
SELECT c, clientele.rfm_summary(ts, amount, timestamptz '2024-01-15 12:00+00') AS s
FROM (SELECT * FROM tx ORDER BY ts, c) t GROUP BY c;
CREATE TEMP TABLE rev AS
SELECT c, clientele.rfm_summary(ts, amount, timestamptz '2024-01-15 12:00+00') AS s
FROM (SELECT * FROM tx ORDER BY ts DESC, c) t GROUP BY c;
CREATE TEMP TABLE shuf AS
SELECT c, clientele.rfm_summary(ts, amount, timestamptz '2024-01-15 12:00+00') AS s
FROM (SELECT * FROM tx ORDER BY md5(c || ':' || d || ':' || k)) t GROUP BY c;

SELECT is((SELECT count(*) FROM ref r JOIN fwd o USING (c)
           WHERE (o.s).frequency = r.frequency AND (o.s).first_at = r.first_at AND (o.s).last_at = r.last_at
             AND (o.s).transactions = r.transactions AND (o.s).total_amount = r.total),
	(SELECT count(*) FROM ref), 'time order: frequency, first and last day, rows and total match the plain-SQL reference');
SELECT is((SELECT count(*) FROM fwd f JOIN rev r USING (c) WHERE f.s = r.s), (SELECT count(*) FROM fwd),
	'reverse time order (every row on an earlier day) gives the same summaries');
SELECT is((SELECT count(*) FROM fwd f JOIN shuf r USING (c) WHERE f.s = r.s), (SELECT count(*) FROM fwd),
	'shuffled rows give the same summaries');
SELECT is((SELECT count(*) FROM ref WHERE frequency >= 24), 20::bigint,
	'20 of the 30 customers have more purchase days than the first day array holds');

-- monetary: the first day's amounts left out, exactly
SELECT is((SELECT count(*) FROM fwd f JOIN (
	SELECT c, sum(amount) FILTER (WHERE ts::date > first_at) / nullif(count(DISTINCT ts::date) - 1, 0) AS m
	FROM tx JOIN ref USING (c) WHERE ts::date <= date '2024-01-15' GROUP BY c) m USING (c)
	WHERE (f.s).monetary = coalesce(m.m, 0)), (SELECT count(*) FROM fwd), 'monetary leaves the first day out');

-- the date form, and a NULL amount (counted, adds nothing) in the middle of a day
SELECT is((SELECT count(*) FROM fwd f JOIN (
	SELECT c, clientele.rfm_summary(ts::date, amount, date '2024-01-15') AS s FROM (SELECT * FROM tx ORDER BY ts, c) t GROUP BY c) d USING (c)
	WHERE f.s = d.s), (SELECT count(*) FROM fwd), 'the date form gives the same summaries');
SELECT is((SELECT clientele.rfm_summary(ts, a, timestamptz '2024-01-15 00:00+00')
           FROM (VALUES (timestamptz '2024-01-02 10:00+00', 1.5::float8), ('2024-01-02 11:00+00', NULL),
                        ('2024-01-02 12:00+00', 2.0), ('2024-01-03 12:00+00', 4.0)) v(ts, a)),
	ROW(1, 1.0, 13.0, 4.0, date '2024-01-02', date '2024-01-03', 2, 7.5, 12.0, 4::bigint, date '2024-01-15')::clientele.rfm_summary,
	'a NULL amount is counted and adds nothing');

-- the unit forms: recency and T in weeks, everything else as in days
SELECT is((SELECT count(*) FROM fwd f JOIN (
	SELECT c, clientele.rfm_summary(ts, amount, timestamptz '2024-01-15 12:00+00', '7 days') AS s FROM (SELECT * FROM tx ORDER BY ts, c) t GROUP BY c) w USING (c)
	WHERE (w.s).recency = (f.s).recency / 7 AND (w.s).t = (f.s).t / 7 AND (w.s).monetary = (f.s).monetary
	  AND (w.s).total_amount = (f.s).total_amount AND (w.s).transactions = (f.s).transactions AND (w.s).frequency = (f.s).frequency),
	(SELECT count(*) FROM fwd), 'the unit form (7 days) gives recency and T in weeks, the rest unchanged');
SELECT throws_ok($$SELECT clientele.rfm_summary(d, 1, date '2024-01-15', u) FROM (VALUES (date '2024-01-02', interval '7 days'),
	('2024-01-03', '7 days'), ('2024-01-03', '1 day')) v(d, u)$$,
	'22023', 'unit must be the same for every row of a group', 'another unit on a same-day row is refused');

-- parallel plans give the same summaries as the serial one
CREATE TEMP TABLE big AS SELECT (i % 500) AS c, timestamptz '2023-01-01 00:00+00' + (i * interval '37 minutes') AS ts,
	((i * 7919) % 10000)::float8 / 100 AS amount FROM generate_series(1, 60000) i;
ANALYZE big;
CREATE TEMP TABLE ser AS SELECT c, clientele.rfm_summary(ts, amount, timestamptz '2025-06-30 00:00+00') AS s FROM big GROUP BY c;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SELECT is((SELECT count(*) FROM ser s JOIN (SELECT c, clientele.rfm_summary(ts, amount, timestamptz '2025-06-30 00:00+00') AS s FROM big GROUP BY c) p USING (c)
           WHERE s.s = p.s), 500::bigint, 'parallel per-customer summaries equal the serial ones');
SELECT is((SELECT clientele.rfm_summary(ts, amount, timestamptz '2025-06-30 00:00+00') FROM big),
	(SELECT clientele.rfm_summary(ts, amount, timestamptz '2025-06-30 00:00+00') FROM (SELECT * FROM big ORDER BY ts) t),
	'a parallel global summary equals the serial one');
RESET max_parallel_workers_per_gather;

-- errors raised on rows the fast path hands back
SELECT throws_ok($$SELECT clientele.rfm_summary(ts, 3e19, timestamptz '2024-01-15 00:00+00')
	FROM (VALUES (timestamptz '2024-01-02 10:00+00'), ('2024-01-02 11:00+00'), ('2024-01-02 12:00+00'), ('2024-01-03 10:00+00'), ('2024-01-03 11:00+00')) v(ts)$$,
	'22003', 'rfm_summary amount total is out of range', 'a total over the limit on a same-day row is refused');
SELECT lives_ok($$SELECT clientele.rfm_summary(ts, 3e19, timestamptz '2024-01-15 00:00+00')
	FROM (VALUES (timestamptz '2024-01-02 10:00+00'), ('2024-01-02 11:00+00')) v(ts)$$,
	'a total just inside the limit is accepted');
SELECT throws_ok($$SELECT clientele.rfm_summary(ts, 1, e) FROM (VALUES (timestamptz '2024-01-02 10:00+00', timestamptz '2024-01-15 00:00+00'),
	('2024-01-02 11:00+00', '2024-01-16 00:00+00')) v(ts, e)$$,
	'22023', 'as_of must be the same for every row of a group', 'another as_of on a same-day row is refused');
SELECT throws_ok($$SELECT clientele.rfm_summary(d, 1, date '2024-01-15') FROM (VALUES (date '2024-01-02'), (date '2024-01-03'), ('infinity')) v(d)$$,
	'22023', 'ts must be a finite date, got infinity', 'an infinite date after a fast row is refused');
SELECT is((SELECT (clientele.rfm_summary(ts, 1, timestamptz '2024-01-15 00:00+00')).transactions
           FROM (VALUES (timestamptz '2024-01-02 10:00+00'), ('2024-01-03 10:00+00'), ('2024-01-20 10:00+00'), ('2024-01-03 11:00+00')) v(ts)),
	3::bigint, 'rows after the as_of day are left out');

SELECT * FROM finish();
ROLLBACK;
