-- evaluation area: auc / ks / lift against hand computations (ties included),
-- logistic_fit against an independent 60-digit Newton solution
-- (test/reference/logistic_mpmath.py) on the Spector & Mazzeo (1980) data,
-- state text forms, and every error path.
SET client_min_messages = warning;
SET extra_float_digits = 0;

-- ---- ranking metrics ---------------------------------------------------------
-- scores 0.1(-) 0.4(+) 0.35(-) 0.8(+) 0.35(+) 0.1(+), npos 4, nneg 2.
-- AUC: pairs won by positives: 0.1+ ties 0.1- (1/2), loses to 0.35-; 0.35+ beats 0.1-,
--   ties 0.35- (1/2); 0.4+ and 0.8+ beat both: U = 1/2 + 3/2 + 2 + 2 = 6, AUC = 6/8.
-- KS: CDFs at 0.1: 1/4 vs 1/2; at 0.35: 2/4 vs 1; at 0.4: 3/4 vs 1: KS = 1/2.
-- lift 1/3: top 2 rows both positive: 1 / (4/6) = 1.5.
-- lift 1/2: top 3 rows = 0.8+, 0.4+ and half of the tie {0.35+, 0.35-}: (2.5/3) / (4/6) = 1.25.
CREATE TEMP TABLE ev (g int, score float8, label boolean);
INSERT INTO ev VALUES (1, 0.1, false), (1, 0.4, true), (1, 0.35, false), (1, 0.8, true), (1, 0.35, true), (1, 0.1, true),
	-- rows with a NULL score or label are skipped
	(1, NULL, true), (1, 0.9, NULL),
	-- group 2: one class only
	(2, 0.5, true), (2, 0.7, true),
	-- group 3: perfect ranking
	(3, 0.0, false), (3, 0.0, false), (3, 1.0, true),
	-- group 4: everything tied
	(4, 0.3, true), (4, 0.3, false), (4, 0.3, false);
SELECT g, clientele.auc(score, label) AS auc, clientele.ks(score, label) AS ks,
       clientele.lift(score, label, 1.0 / 3) AS lift_third, clientele.lift(score, label, 0.5) AS lift_half,
       clientele.lift(score, label, 1) AS lift_all
FROM ev GROUP BY g ORDER BY g;
-- empty input: NULL
SELECT clientele.auc(score, label) IS NULL AS auc_null, clientele.ks(score, label) IS NULL AS ks_null,
       clientele.lift(score, label, 0.1) IS NULL AS lift_null FROM ev WHERE false;
-- -0 ties with 0
SELECT clientele.auc(s, l) FROM (VALUES (0.0::float8, true), ('-0'::float8, false)) v(s, l);
-- lift with no negative row is 1
SELECT clientele.lift(score, label, 0.5) FROM ev WHERE g = 2;

-- states: aggregates without a final function show them
CREATE AGGREGATE pg_temp.rank_state_of(float8, boolean) (SFUNC = clientele.rank_trans,
	STYPE = clientele.rank_state, COMBINEFUNC = clientele.rank_combine, PARALLEL = SAFE);
CREATE AGGREGATE pg_temp.logistic_state_of(boolean, float8[]) (SFUNC = clientele.logistic_trans,
	STYPE = clientele.logistic_state, COMBINEFUNC = clientele.logistic_combine, PARALLEL = SAFE);
-- text form: little-endian; scores sorted, tied scores merged: 1.0 {0+, 1-}, 2.0 {1+, 1-}
CREATE TEMP TABLE rs AS
SELECT pg_temp.rank_state_of(s, l)::text AS t FROM (VALUES (2.0::float8, true), (1, false), (2, false)) v(s, l);
SELECT t FROM rs;
SELECT t::clientele.rank_state::text = t AS text_round_trip,
       clientele.rank_state_send(t::clientele.rank_state) = decode(substr(t, 7), 'hex') AS binary_is_text_bytes,
       clientele.auc_final(t::clientele.rank_state) AS auc FROM rs;
CREATE TEMP TABLE ls AS
SELECT pg_temp.logistic_state_of(l, f)::text AS t FROM (VALUES (true, '{1.5}'::float8[]), (false, '{2}')) v(l, f);
SELECT t FROM ls;
SELECT t::clientele.logistic_state::text = t AS text_round_trip,
       clientele.logistic_state_send(t::clientele.logistic_state) = decode(substr(t, 7), 'hex') AS binary_is_text_bytes
FROM ls;

-- ---- ranking metric errors ---------------------------------------------------
SELECT clientele.auc(s, true) FROM (VALUES ('NaN'::float8)) v(s);
SELECT clientele.ks(s, true) FROM (VALUES ('Infinity'::float8)) v(s);
SELECT clientele.lift(0.5, true, f) FROM (VALUES (0::float8)) v(f);
SELECT clientele.lift(0.5, true, f) FROM (VALUES (1.5::float8)) v(f);
SELECT clientele.lift(0.5, true, f) FROM (VALUES ('NaN'::float8)) v(f);
SELECT clientele.lift(0.5, true, f) FROM (VALUES (NULL::float8)) v(f);
SELECT clientele.lift(0.5, true, f) FROM (VALUES (0.1::float8), (0.2)) v(f);
SELECT clientele.rank_combine(NULL, NULL);
-- invalid text forms (byte k of the binary form is at position 7 + 2k of the text)
SELECT 'clrk1:zz'::clientele.rank_state;
SELECT 'xx'::clientele.rank_state;
SELECT 'clrk1:01'::clientele.rank_state;
SELECT overlay(t placing '02' from 7 for 2)::clientele.rank_state FROM rs;	-- version 2
SELECT overlay(t placing '00' from 9 for 2)::clientele.rank_state FROM rs;	-- not marked compact
SELECT overlay(t placing '05' from 9 for 2)::clientele.rank_state FROM rs;	-- unknown flag
SELECT overlay(t placing '01' from 11 for 2)::clientele.rank_state FROM rs;	-- reserved byte
SELECT left(t, -2)::clientele.rank_state FROM rs;							-- truncated
SELECT overlay(t placing '03' from 31 for 2)::clientele.rank_state FROM rs;	-- capacity 3 for 2 points
SELECT overlay(t placing '000000000000f03f' from 79 for 16)::clientele.rank_state FROM rs;	-- fraction without the flag
SELECT overlay(t placing '000000000000f87f' from 95 for 16)::clientele.rank_state FROM rs;	-- NaN score
SELECT overlay(t placing '000000000000f03f' from 143 for 16)::clientele.rank_state FROM rs;	-- scores not increasing
SELECT overlay(t placing '00' from 127 for 2)::clientele.rank_state FROM rs;	-- a point with no row
SELECT overlay(t placing 'ff' from 125 for 2)::clientele.rank_state FROM rs;	-- negative count
SELECT overlay(t placing '03' from 47 for 2)::clientele.rank_state FROM rs;	-- positives do not match

-- ---- logistic_fit --------------------------------------------------------------
CREATE TEMP TABLE spector (gpa float8, tuce float8, psi float8, grade int);
INSERT INTO spector VALUES
	(2.66, 20, 0, 0), (2.89, 22, 0, 0), (3.28, 24, 0, 0), (2.92, 12, 0, 0), (4.00, 21, 0, 1),
	(2.86, 17, 0, 0), (2.76, 17, 0, 0), (2.87, 21, 0, 0), (3.03, 25, 0, 0), (3.92, 29, 0, 1),
	(2.63, 20, 0, 0), (3.32, 23, 0, 0), (3.57, 23, 0, 0), (3.26, 25, 0, 1), (3.53, 26, 0, 0),
	(2.74, 19, 0, 0), (2.75, 25, 0, 0), (2.83, 19, 0, 0), (3.12, 23, 1, 0), (3.16, 25, 1, 1),
	(2.06, 22, 1, 0), (3.62, 28, 1, 1), (2.89, 14, 1, 0), (3.51, 26, 1, 0), (3.54, 24, 1, 1),
	(2.83, 27, 1, 1), (3.39, 17, 1, 1), (2.67, 24, 1, 0), (3.65, 21, 1, 1), (4.00, 23, 1, 1),
	(3.10, 21, 1, 0), (2.39, 19, 1, 1);
-- reference (60 digits): b = -13.0213468581157 2.82611259488932 0.0951576613179093 2.37868765509335,
-- se = 4.93132421360276 1.26294107562909 0.141554205673695 1.06456425449713, LL = -12.8896342221314
-- (statsmodels Logit reports -13.0213, 2.8261, 0.0952, 2.3787; se 4.931, 1.263, 0.142, 1.065; LL -12.890)
SELECT (SELECT array_agg(round(c::numeric, 9)) FROM unnest((f).coefficients) c) AS coefficients,
       (SELECT array_agg(round(c::numeric, 9)) FROM unnest((f).std_errors) c) AS std_errors,
       round((f).log_likelihood::numeric, 10) AS log_likelihood, (f).converged, (f).n, (f).n_positive, (f).n_negative, (f).l2
FROM (SELECT clientele.logistic_fit(grade = 1, ARRAY[gpa, tuce, psi]) AS f FROM spector) s;
-- ridge, l2 = 0.5 (reference b = -9.18957970946626 1.62863581193684 0.117857012669492 1.49974041389536,
-- LL -13.6299402498667)
SELECT (SELECT array_agg(round(c::numeric, 9)) FROM unnest((f).coefficients) c) AS coefficients,
       round((f).log_likelihood::numeric, 10) AS log_likelihood, (f).converged, (f).l2
FROM (SELECT clientele.logistic_fit(grade = 1, ARRAY[gpa, tuce, psi], 0.5) AS f FROM spector) s;
-- intercept only: logit(11/32)
SELECT round(((f).coefficients)[1]::numeric, 12) AS b0, round(ln(11.0 / 21.0), 12) AS logit_rate
FROM (SELECT clientele.logistic_fit(grade = 1, '{}'::float8[]) AS f FROM spector) s;
-- NULL rows are skipped; empty input gives NULL
SELECT (clientele.logistic_fit(l, f)).n FROM (VALUES (true, '{1}'::float8[]), (false, '{2}'), (NULL, '{3}'), (true, NULL), (false, '{0}')) v(l, f);
SELECT clientele.logistic_fit(grade = 1, ARRAY[gpa]) IS NULL AS empty_is_null FROM spector WHERE false;
-- prediction
SELECT round(clientele.logistic_predict('{-13.0213468581157,2.82611259488932,0.0951576613179093,2.37868765509335}', ARRAY[3.0, 20, 1])::numeric, 9) AS p;
-- separation: a warning, converged false
SET client_min_messages = warning;
SELECT (clientele.logistic_fit(x > 3, ARRAY[x])).converged FROM generate_series(1, 6) x;
-- ---- logistic_fit errors ---------------------------------------------------------
SELECT clientele.logistic_fit(true, ARRAY[x]) FROM (VALUES (1::float8), (2)) v(x);
SELECT clientele.logistic_fit(x > 1, ARRAY[x, x * x]) FROM (VALUES (1::float8), (2)) v(x);
SELECT clientele.logistic_fit(x > 1, ARRAY[x]) FROM (VALUES (1::float8), (2), ('NaN')) v(x);
SELECT clientele.logistic_fit(x > 1, ARRAY[x]) FROM (VALUES (1::float8), (2), ('-Infinity')) v(x);
SELECT clientele.logistic_fit(x > 1, f) FROM (VALUES (1::float8, '{1}'::float8[]), (2, '{1,2}')) v(x, f);
SELECT clientele.logistic_fit(true, '{1,NULL}'::float8[]);
SELECT clientele.logistic_fit(true, '{{1},{2}}'::float8[]);
SELECT clientele.logistic_fit(x > 1, ARRAY[x], l) FROM (VALUES (1::float8, 0.1::float8), (2, 0.2)) v(x, l);
SELECT clientele.logistic_fit(true, '{1}', -1);
SELECT clientele.logistic_fit(true, '{1}', NULL);
SELECT clientele.logistic_fit(x > 2, ARRAY[x, 2 * x]) FROM generate_series(1, 5) x;
SELECT clientele.logistic_fit(x > 2, ARRAY[x, 7]) FROM generate_series(1, 5) x;
SELECT clientele.logistic_predict('{1,2}', '{1,2}');
SELECT clientele.logistic_predict('{1,2}', '{NaN}');
SELECT clientele.logistic_predict('{1,NULL}', '{1}');
-- invalid text forms
SELECT 'cllg1:02'::clientele.logistic_state;
SELECT overlay(t placing '02' from 7 for 2)::clientele.logistic_state FROM ls;	-- version 2
SELECT overlay(t placing '04' from 9 for 2)::clientele.logistic_state FROM ls;	-- unknown flag
SELECT overlay(t placing '01' from 23 for 2)::clientele.logistic_state FROM ls;	-- reserved byte
SELECT overlay(t placing 'e9030000' from 15 for 8)::clientele.logistic_state FROM ls;	-- 1001 features
SELECT left(t, -16)::clientele.logistic_state FROM ls;						-- truncated
SELECT overlay(t placing '03' from 47 for 2)::clientele.logistic_state FROM ls;	-- capacity 3 for 2 rows
SELECT overlay(t placing '000000000000f03f' from 79 for 16)::clientele.logistic_state FROM ls;	-- l2 without the flag
SELECT overlay(overlay(t placing '01' from 9 for 2) placing '000000000000f0bf' from 79 for 16)::clientele.logistic_state FROM ls;	-- l2 -1
SELECT overlay(t placing '0000000000000040' from 95 for 16)::clientele.logistic_state FROM ls;	-- a label of 2
SELECT overlay(t placing '000000000000f87f' from 111 for 16)::clientele.logistic_state FROM ls;	-- a NaN feature
SELECT overlay(t placing '02' from 63 for 2)::clientele.logistic_state FROM ls;	-- positives do not match the labels
