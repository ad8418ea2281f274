-- rfm: transaction summaries (lifetimes conventions) and RFM segments
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET extra_float_digits = 0;

-- the reference example: end 2015-02-07; customer 1 buys on 02-01 and 02-06,
-- customer 2 once on 01-01, customer 3 on 01-01, 01-02, 01-05 (twice on 01-05)
CREATE TEMP TABLE ex (c int, d date, amount float8);
INSERT INTO ex VALUES (1, '2015-02-01', 10), (1, '2015-02-06', 20),
	(2, '2015-01-01', 5),
	(3, '2015-01-05', 7), (3, '2015-01-01', 1), (3, '2015-01-02', 5), (3, '2015-01-05', 1),
	(3, '2015-03-01', 99);  -- after the end: ignored
SELECT c, (clientele.rfm_summary(d, amount, '2015-02-07'::date)).*
FROM ex GROUP BY c ORDER BY c;

-- weeks: unit '7 days'; the timestamptz form gives the same on whole days
SELECT c, (s).frequency, round((s).recency::numeric, 4) AS recency_weeks, round((s).t::numeric, 4) AS t_weeks
FROM (SELECT c, clientele.rfm_summary(d::timestamptz, amount, '2015-02-07'::timestamptz, '7 days') s
      FROM ex GROUP BY c) q ORDER BY c;

-- same calendar day is one purchase; the day is the session TimeZone's
CREATE TEMP TABLE tz (ts timestamptz, amount float8);
INSERT INTO tz VALUES ('2020-03-01 10:00+00', 1), ('2020-03-01 20:00+00', 2), ('2020-03-02 01:00+00', 4);
SELECT (s).frequency, (s).first_at, (s).last_at, (s).monetary
FROM (SELECT clientele.rfm_summary(ts, amount, '2020-03-10 00:00+00') s FROM tz) q;
SET TimeZone = 'Asia/Tokyo';  -- UTC+9: 20:00 UTC is already March 2nd
SELECT (s).frequency, (s).first_at, (s).last_at, (s).monetary
FROM (SELECT clientele.rfm_summary(ts, amount, '2020-03-10 00:00+00') s FROM tz) q;
SET TimeZone = 'UTC';

-- a purchase on the as_of day counts, whatever its time
SELECT (clientele.rfm_summary(ts, 1, '2020-03-02 00:00+00')).periods FROM tz;

-- refunds (negative amounts) are allowed and simply add up
SELECT (s).frequency, (s).monetary, (s).total_amount
FROM (SELECT clientele.rfm_summary(d, a, '2020-12-31'::date) s
      FROM (VALUES ('2020-01-01'::date, 100::float8), ('2020-02-01', 50), ('2020-02-01', -20), ('2020-03-01', -10)) v(d, a)) q;

-- NULL ts rows are skipped, a NULL amount adds nothing; no purchase gives NULL
SELECT (s).frequency, (s).transactions, (s).total_amount
FROM (SELECT clientele.rfm_summary(d, a, '2020-12-31'::date) s
      FROM (VALUES ('2020-01-01'::date, 1::float8), (NULL, 5), ('2020-01-02', NULL)) v(d, a)) q;
SELECT clientele.rfm_summary(d, a, '2020-12-31'::date) IS NULL AS empty_is_null
FROM (VALUES ('2020-01-01'::date, 1::float8)) v(d, a) WHERE false;
SELECT clientele.rfm_summary(d, a, '2019-12-31'::date) IS NULL AS all_after_as_of_is_null
FROM (VALUES ('2020-01-01'::date, 1::float8)) v(d, a);
SELECT clientele.rfm_summary(NULL::date, a, '2019-12-31'::date) IS NULL AS all_null_ts_is_null
FROM (VALUES (1::float8)) v(a);

-- bad input
SELECT clientele.rfm_summary(d, 'NaN', '2020-12-31'::date) FROM (VALUES ('2020-01-01'::date)) v(d);
SELECT clientele.rfm_summary(d, 'Infinity', '2020-12-31'::date) FROM (VALUES ('2020-01-01'::date)) v(d);
SELECT clientele.rfm_summary(d, '-Infinity', '2020-12-31'::date) FROM (VALUES ('2020-01-01'::date)) v(d);
SELECT clientele.rfm_summary(d, 1e300, '2020-12-31'::date) FROM (VALUES ('2020-01-01'::date)) v(d);
SELECT clientele.rfm_summary(d, 1, NULL::date) FROM (VALUES ('2020-01-01'::date)) v(d);
SELECT clientele.rfm_summary(d, 1, e) FROM (VALUES ('2020-01-01'::date, '2020-12-31'::date), ('2020-01-02', '2020-12-30')) v(d, e);
SELECT clientele.rfm_summary(d::timestamptz, 1, e) FROM (VALUES ('2020-01-01'::date, '2020-12-31 00:00+00'::timestamptz), ('2020-01-02', '2020-12-31 00:00:01+00')) v(d, e);
SELECT clientele.rfm_summary(d, 1, '2020-12-31'::date, '0 days') FROM (VALUES ('2020-01-01'::date)) v(d);
SELECT clientele.rfm_summary(d, 1, '2020-12-31'::date, '-7 days') FROM (VALUES ('2020-01-01'::date)) v(d);
SELECT clientele.rfm_summary(d, 1, '2020-12-31'::date, NULL) FROM (VALUES ('2020-01-01'::date)) v(d);
SELECT clientele.rfm_summary(d, 1, '2020-12-31'::date, u) FROM (VALUES ('2020-01-01'::date, '1 day'::interval), ('2020-01-02', '7 days')) v(d, u);
SELECT clientele.rfm_summary(d, 1, '2020-12-31'::date) FROM (VALUES ('infinity'::date)) v(d);
SELECT clientele.rfm_summary(d, 1, 'infinity'::date) FROM (VALUES ('2020-01-01'::date)) v(d);
SELECT clientele.rfm_summary(ts, 1, '2020-12-31 00:00+00') FROM (VALUES ('-infinity'::timestamptz)) v(ts);

-- the state type: text form round-trips; partial states merge exactly
CREATE AGGREGATE pg_temp.rfm_partial(date, float8, date) (
	SFUNC = clientele.rfm_summary_trans, STYPE = clientele.rfm_state);
CREATE AGGREGATE pg_temp.rfm_merge(clientele.rfm_state) (
	SFUNC = clientele.rfm_summary_combine, STYPE = clientele.rfm_state,
	FINALFUNC = clientele.rfm_summary_final);
SELECT pg_temp.rfm_partial(d, amount, '2015-02-07') FROM ex WHERE c = 3;
SELECT clientele.rfm_summary_final(pg_temp.rfm_partial(d, amount, '2015-02-07')::text::clientele.rfm_state)
FROM ex WHERE c = 3;
-- split customer 3 into shards by row: the merge equals the direct summary
WITH shards AS (SELECT c, ctid, row_number() OVER (ORDER BY ctid) % 3 AS shard, d, amount FROM ex WHERE c = 3)
SELECT pg_temp.rfm_merge(p) = (SELECT clientele.rfm_summary(d, amount, '2015-02-07'::date) FROM ex WHERE c = 3) AS merged_equals_direct
FROM (SELECT shard, pg_temp.rfm_partial(d, amount, '2015-02-07') p FROM shards GROUP BY shard) q;
SELECT length(clientele.rfm_state_send(pg_temp.rfm_partial(d, amount, '2015-02-07'))) AS send_bytes FROM ex WHERE c = 3;
-- corrupt text forms are rejected
SELECT 'hello'::clientele.rfm_state;
SELECT 'rfm1:zz'::clientele.rfm_state;
SELECT 'rfm1:0102'::clientele.rfm_state;
SELECT ('rfm1:02' || substr(pg_temp.rfm_partial(d, amount, '2015-02-07')::text, 8))::clientele.rfm_state FROM ex WHERE c = 3;
SELECT (pg_temp.rfm_partial(d, amount, '2015-02-07')::text || '00000001')::clientele.rfm_state FROM ex WHERE c = 3;
-- every consistency check of the input function (bytes patched into a valid value)
CREATE TEMP TABLE st AS SELECT pg_temp.rfm_partial(d, amount, '2015-02-07')::text AS v FROM ex WHERE c = 3;
SELECT overlay(v placing '07' from 8 for 2)::clientele.rfm_state FROM st;                -- kind
SELECT overlay(v placing '0000000000000000' from 26 for 16)::clientele.rfm_state FROM st; -- unit 0
SELECT overlay(v placing '0000000000000001' from 42 for 16)::clientele.rfm_state FROM st; -- 1 row, 3 days
SELECT overlay(v placing '00001568' from 130 for 8)::clientele.rfm_state FROM st;        -- first day
SELECT overlay(v placing substr(v, 154, 8) from 162 for 8)::clientele.rfm_state FROM st; -- repeated day
SELECT overlay(pg_temp.rfm_partial(d, 1, '2000-01-01')::text placing '0000000000000001' from 42 for 16)::clientele.rfm_state
FROM (VALUES ('2020-01-01'::date)) v(d);                                                  -- rows, no days
SELECT clientele.rfm_summary_final(v::clientele.rfm_state) = (SELECT clientele.rfm_summary(d, amount, '2015-02-07'::date) FROM ex WHERE c = 3) AS unpatched_round_trip FROM st;
-- states of date and timestamptz inputs do not mix
CREATE AGGREGATE pg_temp.rfm_partial_tz(timestamptz, float8, timestamptz) (
	SFUNC = clientele.rfm_summary_trans, STYPE = clientele.rfm_state);
SELECT pg_temp.rfm_merge(p) FROM (
	SELECT pg_temp.rfm_partial(d, 1, '2020-02-01') p FROM (VALUES ('2020-01-01'::date)) v(d)
	UNION ALL
	SELECT pg_temp.rfm_partial_tz(d, 1, '2020-02-01') FROM (VALUES ('2020-01-01'::timestamptz)) v(d)) q;
-- support functions outside an aggregate
SELECT clientele.rfm_summary_trans(NULL, now(), 1, now());
SELECT clientele.rfm_summary_combine(NULL, NULL);
-- sums beyond 2^66
SELECT clientele.rfm_summary(d, 5e19, '2020-12-31'::date) FROM (VALUES ('2020-01-01'::date), ('2020-01-02')) v(d);
SELECT clientele.rfm_summary(ts, 1, 'infinity'::timestamptz) FROM (VALUES ('2020-01-01'::timestamptz)) v(ts);

-- different as_of in two partial states
SELECT pg_temp.rfm_merge(p) FROM (SELECT pg_temp.rfm_partial(d, amount, e) p
	FROM (VALUES ('2020-01-01'::date, 1::float8, '2020-02-01'::date), ('2020-01-01', 1, '2020-02-02')) v(d, amount, e) GROUP BY e) q;

-- segments: the R x F grid, all 25 cells (rows r = 5..1, columns f = 1..5)
SELECT r, string_agg(clientele.rfm_segment('rf_grid', r, f, 3), ' | ' ORDER BY f) AS f_1_to_5
FROM generate_series(1, 5) r, generate_series(1, 5) f GROUP BY r ORDER BY r DESC;
-- the R rfm package rules, first match
SELECT clientele.rfm_segment('rfm_package', 5, 5, 5) AS r5f5m5, clientele.rfm_segment('rfm_package', 3, 4, 3) AS r3f4m3,
       clientele.rfm_segment('rfm_package', 5, 1, 1) AS r5f1m1, clientele.rfm_segment('rfm_package', 1, 1, 1) AS r1f1m1,
       clientele.rfm_segment('rfm_package', 1, 5, 1) AS r1f5m1, clientele.rfm_segment('rfm_package', 2, 1, 3) AS r2f1m3;
SELECT clientele.rfm_segment('nope', 1, 1, 1);
SELECT clientele.rfm_segment('rf_grid', 6, 1, 1);
SELECT clientele.rfm_segment('rf_grid', 1, 0, 1);
SELECT clientele.rfm_segment('rf_grid', 1, 1, -1);
SELECT clientele.rfm_segment('rf_grid', NULL, 1, 1) IS NULL AS null_in_null_out;

-- admins add schemes; bad rules are rejected (checked at commit: here after each statement)
BEGIN;
SET CONSTRAINTS clientele.rfm_segment_rule_valid, clientele.rfm_segment_scheme_valid IMMEDIATE;
INSERT INTO clientele.rfm_segment_scheme (scheme, ntiles, fallback, description) VALUES ('vip', 3, 'rest', 'test scheme');
INSERT INTO clientele.rfm_segment_rule (scheme, priority, segment, r_min, r_max, f_min, f_max, m_min, m_max)
VALUES ('vip', 1, 'top', 3, 3, 3, 3, 3, 3), ('vip', 2, 'good', 2, 3, 2, 3, 1, 3);
SELECT clientele.rfm_segment('vip', 3, 3, 3) AS top, clientele.rfm_segment('vip', 3, 3, 1) AS good,
       clientele.rfm_segment('vip', 1, 3, 3) AS rest;
SAVEPOINT s;
INSERT INTO clientele.rfm_segment_rule (scheme, priority, segment, r_min, r_max, f_min, f_max, m_min, m_max)
VALUES ('vip', 3, 'empty', 2, 1, 1, 3, 1, 3);
ROLLBACK TO s;
INSERT INTO clientele.rfm_segment_rule (scheme, priority, segment, r_min, r_max, f_min, f_max, m_min, m_max)
VALUES ('vip', 3, 'too_high', 1, 4, 1, 3, 1, 3);
ROLLBACK TO s;
INSERT INTO clientele.rfm_segment_rule (scheme, priority, segment, r_min, r_max, f_min, f_max, m_min, m_max)
VALUES ('vip', 3, 'zero', 0, 1, 1, 3, 1, 3);
ROLLBACK TO s;
INSERT INTO clientele.rfm_segment_rule (scheme, priority, segment, r_min, r_max, f_min, f_max, m_min, m_max)
VALUES ('vip', 2, 'clash', 1, 2, 1, 2, 1, 3);
ROLLBACK TO s;
UPDATE clientele.rfm_segment_scheme SET ntiles = 2 WHERE scheme = 'vip';
ROLLBACK TO s;
-- a rule change is seen at once
UPDATE clientele.rfm_segment_rule SET segment = 'best' WHERE scheme = 'vip' AND priority = 1;
SELECT clientele.rfm_segment('vip', 3, 3, 3) AS renamed;
DELETE FROM clientele.rfm_segment_scheme WHERE scheme = 'vip';
SELECT clientele.rfm_segment('vip', 3, 3, 3);
ROLLBACK;

-- n-tile scores: ties share the score of their lowest position
SELECT v, clientele.rfm_ntile_score(rank() OVER (ORDER BY v) - 1, count(*) OVER (), 5) AS score
FROM (VALUES (1), (1), (1), (2), (3), (4), (4), (5), (6), (7)) t(v) ORDER BY v;
SELECT clientele.rfm_ntile_score(0, 10, 0);
SELECT clientele.rfm_ntile_score(0, 0, 5);
SELECT clientele.rfm_ntile_score(10, 10, 5);

-- scores and segments of the customer base (read through clientele.in_transaction)
BEGIN;
INSERT INTO clientele.customer (customer_id, opened_on)
SELECT i, '2019-01-01' FROM generate_series(1, 10) i;
INSERT INTO clientele.transaction (txn_id, customer_id, ts, amount, direction, channel, kind)
SELECT row_number() OVER (), c, '2020-12-31 12:00+00'::timestamptz - (c * 17 + k * 29) % 360 * interval '1 day', 10 * c + k, 'out', 'mobile', 'payment'
FROM generate_series(1, 10) c, generate_series(1, 11 - c) k;
-- an enquiry is not a purchase
INSERT INTO clientele.transaction (txn_id, customer_id, ts, amount, direction, channel, kind)
VALUES (1000, 10, '2020-12-30 09:00+00', 0, 'none', 'mobile', 'enquiry');
SELECT customer_id, (summary).days_since_last, (summary).periods, (summary).total_amount, r, f, m, segment
FROM clientele.rfm_scores('2020-12-31');
SELECT segment, count(*) FROM clientele.rfm_scores('2020-12-31', 5, 'rfm_package') GROUP BY 1 ORDER BY 1;
ROLLBACK;
