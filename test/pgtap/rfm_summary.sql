-- rfm_summary: reference data (CDNOW), exactness in every plan, agreement
-- with a plain-SQL reference, time zones, growth of the state.
BEGIN;
SELECT plan(28);
SET LOCAL client_min_messages = warning;
SET LOCAL TimeZone = 'UTC';

-- ---------------------------------------------------------------- CDNOW
CREATE TEMP TABLE cdnow_ours AS
SELECT customer_id AS id, clientele.rfm_summary(purchased_on, amount::float8, '1997-09-30'::date, '7 days') AS s
FROM test_data.cdnow_transactions GROUP BY customer_id;

SELECT CASE WHEN NOT test_data.available('cdnow') THEN
	skip('CDNOW dataset absent (../shared/datasets/cdnow): reference comparison skipped', 3)
ELSE collect_tap(
	is((SELECT count(*) FROM test_data.cdnow_summary c LEFT JOIN cdnow_ours o USING (id)
	    WHERE NOT ((o.s).frequency = c.x
	           AND round((o.s).recency::numeric, 2) = round(c.t_x::numeric, 2)
	           AND round((o.s).t::numeric, 2) = round(c.t::numeric, 2)
	           AND round((o.s).monetary::numeric, 2) = round(c.zbar::numeric, 2))
	       OR o.s IS NULL),
	   0::bigint, 'CDNOW: every customer''s (x, t_x, T, zbar) matches the published summary to 2 decimals'),
	is((SELECT sum((s).frequency) FROM cdnow_ours), 2457::bigint, 'CDNOW: sum of x is 2457'),
	is((SELECT count(*) FROM cdnow_ours WHERE (s).frequency > 0), 946::bigint, 'CDNOW: 946 repeat buyers'))
END;

-- ---------------------------------------------------------------- test data
-- 150k rows, 1500 customers, several rows per day, refunds, rows after as_of,
-- NULL timestamps; a regular table so parallel workers can scan it
CREATE TABLE public.rfm_tap_tx AS
SELECT (i % 1500)::bigint AS c,
       CASE WHEN i % 997 = 0 THEN NULL
            ELSE timestamptz '2020-01-01' + ((i::bigint * 7919) % 900) * interval '1 day' + (i % 23) * interval '1 hour' END AS ts,
       CASE WHEN i % 11 = 0 THEN -((i % 50) / 3.0) ELSE ((i::bigint * 31) % 10007) / 7.0 + 0.01 END AS a
FROM generate_series(1, 150000) i;
ANALYZE public.rfm_tap_tx;

CREATE FUNCTION pg_temp.summary_md5() RETURNS text LANGUAGE sql AS $$
	SELECT md5(string_agg(x::text, ',' ORDER BY c))
	FROM (SELECT c, clientele.rfm_summary(ts, a, timestamptz '2022-03-31 18:00+00', '7 days') x
	      FROM public.rfm_tap_tx GROUP BY c) q $$;
CREATE FUNCTION pg_temp.plan_text() RETURNS text LANGUAGE plpgsql AS $$
DECLARE l text; r text := '';
BEGIN
	FOR l IN EXPLAIN (COSTS OFF) SELECT c, clientele.rfm_summary(ts, a, timestamptz '2022-03-31 18:00+00', '7 days')
	         FROM public.rfm_tap_tx GROUP BY c LOOP
		r := r || l || E'\n';
	END LOOP;
	RETURN r;
END $$;

SET LOCAL max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE md5s AS SELECT 'serial'::text AS how, pg_temp.summary_md5() AS md5;
SELECT doesnt_match(pg_temp.plan_text(), 'Partial', 'serial plan has no partial aggregate');

SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL parallel_leader_participation = off;
SET LOCAL enable_sort = off;
SELECT matches(pg_temp.plan_text(), 'Partial HashAggregate', 'forced parallel plan shows a Partial HashAggregate');
INSERT INTO md5s SELECT 'parallel hash', pg_temp.summary_md5();
RESET enable_sort;
SET LOCAL enable_hashagg = off;
SELECT matches(pg_temp.plan_text(), 'Partial GroupAggregate', 'forced parallel sorted plan shows a Partial GroupAggregate');
INSERT INTO md5s SELECT 'parallel sort', pg_temp.summary_md5();
RESET enable_hashagg;
SET LOCAL max_parallel_workers_per_gather = 0;
SET LOCAL work_mem = '64kB';
INSERT INTO md5s SELECT 'serial hash, spilling', pg_temp.summary_md5();
RESET work_mem;
INSERT INTO md5s SELECT 'random row order',
	(SELECT md5(string_agg(x::text, ',' ORDER BY c))
	 FROM (SELECT c, clientele.rfm_summary(ts, a, timestamptz '2022-03-31 18:00+00', '7 days') x
	       FROM (SELECT * FROM public.rfm_tap_tx ORDER BY md5(c::text || a::text || coalesce(ts::text, ''))) r GROUP BY c) q);

SELECT is(md5, (SELECT md5 FROM md5s WHERE how = 'serial'), 'same md5 of all summaries: ' || how)
FROM md5s WHERE how <> 'serial' ORDER BY how;

-- ---------------------------------------------------------------- SQL reference
-- lifetimes' definition written out in SQL: purchase days <= as_of day,
-- amounts summed per day, repeat days = all but the first
CREATE TEMP TABLE ref AS
WITH d AS (
	SELECT c, ts::date AS day, sum(a) AS amt
	FROM public.rfm_tap_tx WHERE ts IS NOT NULL AND ts::date <= date '2022-03-31'
	GROUP BY c, ts::date
), f AS (
	SELECT c, min(day) AS first_day, max(day) AS last_day, count(*) AS days, sum(amt) AS total
	FROM d GROUP BY c
)
SELECT f.c, (f.days - 1)::int AS frequency, (f.last_day - f.first_day) / 7.0 AS recency,
       (date '2022-03-31' - f.first_day) / 7.0 AS t,
       CASE WHEN f.days > 1 THEN (f.total - (SELECT amt FROM d WHERE d.c = f.c AND d.day = f.first_day)) / (f.days - 1) ELSE 0 END AS monetary,
       f.total, f.days, (date '2022-03-31' - f.last_day) AS since_last, f.first_day, f.last_day
FROM f;
CREATE TEMP TABLE ours AS
SELECT c, clientele.rfm_summary(ts, a, timestamptz '2022-03-31 18:00+00', '7 days') AS s FROM public.rfm_tap_tx GROUP BY c;

SELECT is((SELECT count(*) FROM ref r JOIN ours o USING (c)
           WHERE (o.s).frequency = r.frequency AND (o.s).periods = r.days
             AND (o.s).first_at = r.first_day AND (o.s).last_at = r.last_day
             AND abs((o.s).recency - r.recency) < 1e-12 AND abs((o.s).t - r.t) < 1e-12
             AND (o.s).days_since_last = r.since_last),
          (SELECT count(*) FROM ref), 'frequency, recency, T, periods, first/last day agree with the SQL reference');
SELECT is((SELECT count(*) FROM ref r JOIN ours o USING (c)
           WHERE abs((o.s).monetary - r.monetary) <= 1e-9 * greatest(1, abs(r.monetary))
             AND abs((o.s).total_amount - r.total) <= 1e-9 * greatest(1, abs(r.total))),
          (SELECT count(*) FROM ref), 'monetary (repeat-day mean) and total amount agree with the SQL reference');
SELECT is((SELECT count(*) FROM ours), 1500::bigint, 'one summary per customer');
SELECT is((SELECT sum((s).transactions)::bigint FROM ours),
          (SELECT count(*) FROM public.rfm_tap_tx WHERE ts IS NOT NULL AND ts::date <= date '2022-03-31'),
          'transactions counts the rows on or before the as_of day, NULL timestamps skipped');

-- ---------------------------------------------------------------- time zones
SET LOCAL TimeZone = 'America/New_York';
SELECT is((SELECT count(*) FROM (
	SELECT c, clientele.rfm_summary(ts, a, timestamptz '2021-06-30 23:30-04') x,
	          clientele.rfm_summary(ts::date, a, (timestamptz '2021-06-30 23:30-04')::date) y
	FROM public.rfm_tap_tx WHERE c < 300 GROUP BY c) q WHERE x IS DISTINCT FROM y),
	0::bigint, 'timestamptz form equals the date form over ts::date in a zone with DST');
SET LOCAL TimeZone = 'Etc/GMT-8';
SELECT is((SELECT count(*) FROM (
	SELECT c, clientele.rfm_summary(ts, a, timestamptz '2021-06-30 20:00+00') x,
	          clientele.rfm_summary(ts::date, a, (timestamptz '2021-06-30 20:00+00')::date) y
	FROM public.rfm_tap_tx WHERE c < 300 GROUP BY c) q WHERE x IS DISTINCT FROM y),
	0::bigint, 'timestamptz form equals the date form over ts::date in a fixed-offset zone (UTC+8)');
SET LOCAL TimeZone = 'UTC';

-- ---------------------------------------------------------------- state growth
-- one customer with 4000 distinct days arriving in scrambled order, each day twice
SELECT is((SELECT (clientele.rfm_summary(d, 1, date '2040-01-01')).periods
           FROM (SELECT date '2000-01-01' + ((i * 7919) % 4000) AS d FROM generate_series(1, 8000) i) q),
          4000, 'scrambled input: 4000 distinct days counted exactly through compaction and growth');
SELECT is((SELECT (clientele.rfm_summary(d, 1, date '2040-01-01')).frequency
           FROM (SELECT date '2000-01-01' + (i / 3) AS d FROM generate_series(0, 29999) i) q),
          9999, 'sorted input with three rows a day: 10000 purchase days');
SELECT is((SELECT row((s).frequency, (s).recency, (s).first_at, (s).last_at)::text
           FROM (SELECT clientele.rfm_summary(d, 1, date '2200-01-01') s
                 FROM (SELECT date '2200-01-01' - 65535 + ((i * 7919) % 65536) AS d FROM generate_series(0, 65535) i) q) r),
          '(65535,65535,2020-07-28,2200-01-01)', 'all 65536 days of the supported span, scrambled: counted exactly');

-- ---------------------------------------------------------------- errors (SQLSTATE)
SELECT throws_ok($$SELECT clientele.rfm_summary(d, 1, date '2200-01-01') FROM (VALUES (date '2100-01-01'), (date '2020-01-01')) v(d)$$,
	'22023', 'purchase day 2020-01-01 is more than 65535 days before as_of', 'a purchase more than 65535 days before as_of: 22023');
SELECT throws_ok($$SELECT clientele.rfm_summary(ts, 'NaN', now()) FROM (VALUES (now())) v(ts)$$,
	'22023', 'amount must be a finite number, got NaN', 'NaN amount: 22023');
SELECT throws_ok($$SELECT clientele.rfm_summary(ts, 1, NULL::timestamptz) FROM (VALUES (now())) v(ts)$$,
	'22004', 'as_of must not be NULL', 'NULL as_of: 22004');
SELECT throws_ok($$SELECT clientele.rfm_summary(ts, 1, now(), '-1 day') FROM (VALUES (now())) v(ts)$$,
	'22023', NULL, 'negative unit: 22023');
SELECT throws_ok($$SELECT clientele.rfm_summary(ts, 1, e) FROM (VALUES (now(), now()), (now(), now() + interval '1 s')) v(ts, e)$$,
	'22023', 'as_of must be the same for every row of a group', 'changing as_of: 22023');

-- ---------------------------------------------------------------- segments
-- the C lookup equals a first-match evaluation of the rule table in SQL, every cell
SELECT is((SELECT count(*)
           FROM clientele.rfm_segment_scheme s, generate_series(1, s.ntiles) r, generate_series(1, s.ntiles) f, generate_series(1, s.ntiles) m
           WHERE clientele.rfm_segment(s.scheme, r, f, m) IS DISTINCT FROM coalesce(
                 (SELECT x.segment FROM clientele.rfm_segment_rule x
                  WHERE x.scheme = s.scheme AND r BETWEEN x.r_min AND x.r_max AND f BETWEEN x.f_min AND x.f_max
                    AND m BETWEEN x.m_min AND x.m_max ORDER BY x.priority LIMIT 1), s.fallback)),
          0::bigint, 'rfm_segment equals the first matching rule for all cells of all schemes');
SELECT is((SELECT count(DISTINCT clientele.rfm_segment('rf_grid', r, f, 1)) FROM generate_series(1, 5) r, generate_series(1, 5) f),
          10::bigint, 'the R x F grid names 10 segments');
SELECT is((SELECT count(*) FROM generate_series(1, 5) r, generate_series(1, 5) f, generate_series(1, 5) m
           WHERE clientele.rfm_segment('rf_grid', r, f, m) IS NULL), 0::bigint, 'the R x F grid covers every cell');
SELECT is((SELECT count(*) FROM clientele.rfm_segment_rule WHERE scheme = 'rfm_package'), 10::bigint,
          'the rfm package scheme has its 10 rules');

DROP TABLE public.rfm_tap_tx;
SELECT * FROM finish();
ROLLBACK;
