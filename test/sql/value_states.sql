-- value area: the portable state types of avg_daily_balance (clientele.adb_state),
-- gini (clientele.gini_state) and top_share (clientele.top_share_state): text and
-- binary round trips (COPY BINARY included), combine in any order, and every
-- invariant of the input checked (byte k of the binary form is at position
-- 2k + 1 + length(prefix) of the text form).
SET client_min_messages = warning;
SET extra_float_digits = 0;

-- aggregates without a final function show the states; merge aggregates combine them
CREATE AGGREGATE pg_temp.adb_state_of(date, numeric, date, date) (SFUNC = clientele.adb_trans,
	STYPE = clientele.adb_state, COMBINEFUNC = clientele.adb_combine, PARALLEL = SAFE);
CREATE AGGREGATE pg_temp.adb_merge(clientele.adb_state) (SFUNC = clientele.adb_combine,
	STYPE = clientele.adb_state, FINALFUNC = clientele.adb_final);
CREATE AGGREGATE pg_temp.adb_merge_state(clientele.adb_state) (SFUNC = clientele.adb_combine,
	STYPE = clientele.adb_state);
CREATE AGGREGATE pg_temp.gini_state_of(float8) (SFUNC = clientele.gini_trans,
	STYPE = clientele.gini_state, COMBINEFUNC = clientele.gini_combine, PARALLEL = SAFE);
CREATE AGGREGATE pg_temp.gini_merge_state(clientele.gini_state) (SFUNC = clientele.gini_combine,
	STYPE = clientele.gini_state);
CREATE AGGREGATE pg_temp.top_state_of(float8, float8) (SFUNC = clientele.top_share_trans,
	STYPE = clientele.top_share_state, COMBINEFUNC = clientele.top_share_combine, PARALLEL = SAFE);
CREATE AGGREGATE pg_temp.top_merge_state(clientele.top_share_state) (SFUNC = clientele.top_share_combine,
	STYPE = clientele.top_share_state);

-- ---- adb_state -------------------------------------------------------------------
-- window 2024-01-01 .. 01-10; carry 5.00 (2023-12-30, the latest before the window);
-- 10.00 on 01-03 and 7.00 on 01-04 (one run, sum 1700 cents), 20.555 -> 20.56 on 01-07;
-- rows out of order; 01-12 is after the window.  ADB = (2*5 + 10 + 7 + 2*7 + 4*20.56) / 10 = 12.324
CREATE TEMP TABLE adb_rows (grp int, day date, balance numeric);
INSERT INTO adb_rows VALUES (1, '2024-01-07', 20.555), (2, '2024-01-03', 10), (1, '2023-12-30', 5),
	(2, '2023-11-30', 3), (1, '2024-01-12', 99), (2, '2024-01-04', 7);
CREATE TEMP TABLE adb AS
SELECT pg_temp.adb_state_of(day, balance, '2024-01-01', '2024-01-10')::text AS t FROM adb_rows;
SELECT t FROM adb;
SELECT clientele.avg_daily_balance(day, balance, '2024-01-01', '2024-01-10') AS adb,
       (SELECT clientele.adb_final(t::clientele.adb_state) FROM adb) AS adb_of_text_state FROM adb_rows;
SELECT t::clientele.adb_state::text = t AS text_round_trip,
       clientele.adb_state_send(t::clientele.adb_state) = decode(substr(t, 8), 'hex') AS binary_is_text_bytes FROM adb;
-- partial states of two groups combined in either order: the same state and average
CREATE TEMP TABLE adb_parts AS
SELECT grp, pg_temp.adb_state_of(day, balance, '2024-01-01', '2024-01-10') AS s FROM adb_rows GROUP BY grp;
SELECT (SELECT pg_temp.adb_merge_state(s ORDER BY grp) FROM adb_parts)::text = t AS merged_1_2,
       (SELECT pg_temp.adb_merge_state(s ORDER BY grp DESC) FROM adb_parts)::text = t AS merged_2_1,
       (SELECT pg_temp.adb_merge(s ORDER BY grp DESC) FROM adb_parts) AS adb FROM adb;
-- daily data in any order is one run
SELECT length(pg_temp.adb_state_of(d, 1, '2024-01-01', '2024-12-31')::text) AS one_run_text_length
FROM (SELECT d::date FROM generate_series(date '2024-01-01', '2024-12-31', interval '1 day') d
      ORDER BY hashint4(d::date - date '2024-01-01')) v;
-- an empty window state (rows after the window only) and a carry-only state
SELECT pg_temp.adb_state_of(day, balance, '2024-01-01', '2024-01-02')::text AS empty_state,
       clientele.adb_final(pg_temp.adb_state_of(day, balance, '2024-01-01', '2024-01-02')) AS adb
FROM (VALUES ('2024-02-01'::date, 1::numeric)) v(day, balance);
SELECT clientele.adb_final(t::clientele.adb_state) AS carry_only
FROM (SELECT pg_temp.adb_state_of(day, balance, '2024-01-01', '2024-01-02')::text AS t
      FROM (VALUES ('2023-06-01'::date, 4.5::numeric)) v(day, balance)) s;

-- COPY BINARY round trip (the send / recv functions)
CREATE TEMP TABLE state_copy (a clientele.adb_state, g clientele.gini_state, s clientele.top_share_state);
CREATE TEMP TABLE state_back (LIKE state_copy);
CREATE TEMP TABLE bad_copy (b bytea);
CREATE TEMP TABLE bad_state (a clientele.adb_state);
-- through a file of the server (removed as it is read back)
CREATE FUNCTION pg_temp.copy_binary(p_from text, p_to text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE f text := '/tmp/clientele_value_states_' || pg_backend_pid() || '.bin';
BEGIN
	EXECUTE format('COPY %s TO %L (FORMAT binary)', p_from, f);
	EXECUTE format('COPY %s FROM PROGRAM %L (FORMAT binary)', p_to, format('cat %s && rm -f %s', f, f));
END $$;

-- ---- gini_state / top_share_state ----------------------------------------------------
-- 3, 1, 3, -0, 0, 2, 3 -> values 0 (x2), 1, 2, 3 (x3); NULLs skipped
CREATE TEMP TABLE conc_rows (grp int, v float8);
INSERT INTO conc_rows VALUES (1, 3), (2, 1), (1, 3), (2, '-0'), (1, 0), (2, 2), (1, 3), (2, NULL);
CREATE TEMP TABLE conc AS
SELECT pg_temp.gini_state_of(v)::text AS g, pg_temp.top_state_of(v, 0.25)::text AS s FROM conc_rows;
SELECT g, s FROM conc;
SELECT clientele.gini(v) AS gini, (SELECT clientele.gini_final(g::clientele.gini_state) FROM conc) AS gini_of_text_state,
       clientele.top_share(v, 0.25) AS top_share, (SELECT clientele.top_share_final(s::clientele.top_share_state) FROM conc) AS top_share_of_text_state
FROM conc_rows;
SELECT g::clientele.gini_state::text = g AS gini_text_round_trip,
       clientele.gini_state_send(g::clientele.gini_state) = decode(substr(g, 9), 'hex') AS gini_binary_is_text_bytes,
       s::clientele.top_share_state::text = s AS top_text_round_trip,
       clientele.top_share_state_send(s::clientele.top_share_state) = decode(substr(s, 8), 'hex') AS top_binary_is_text_bytes
FROM conc;
CREATE TEMP TABLE conc_parts AS
SELECT grp, pg_temp.gini_state_of(v) AS g, pg_temp.top_state_of(v, 0.25) AS s FROM conc_rows GROUP BY grp;
SELECT (SELECT pg_temp.gini_merge_state(g ORDER BY grp) FROM conc_parts)::text = g AS gini_merged_1_2,
       (SELECT pg_temp.gini_merge_state(g ORDER BY grp DESC) FROM conc_parts)::text = g AS gini_merged_2_1,
       (SELECT pg_temp.top_merge_state(s ORDER BY grp) FROM conc_parts)::text = s AS top_merged_1_2,
       (SELECT pg_temp.top_merge_state(s ORDER BY grp DESC) FROM conc_parts)::text = s AS top_merged_2_1
FROM conc;
-- many repeats compress: 100000 rows of 7 values
SELECT length(pg_temp.gini_state_of((x % 7)::float8)::text) AS text_length_7_values FROM generate_series(1, 100000) x;
-- a state of NULL values only: no values, the aggregate gives NULL
SELECT pg_temp.gini_state_of(v)::text AS nulls_only, clientele.gini(v) IS NULL AS gini_null FROM (VALUES (NULL::float8)) x(v);

INSERT INTO state_copy SELECT a.t::clientele.adb_state, c.g::clientele.gini_state, c.s::clientele.top_share_state FROM adb a, conc c;
SELECT pg_temp.copy_binary('state_copy', 'state_back');
SELECT b.a::text = a.t AS adb_copy_binary, b.g::text = c.g AS gini_copy_binary, b.s::text = c.s AS top_copy_binary
FROM state_back b, adb a, conc c;

-- ---- invalid input: text (22P02) and binary (22P03) ---------------------------------------
SELECT 'cladb1:zz'::clientele.adb_state;
SELECT 'xx'::clientele.adb_state;
SELECT 'cladb1:01'::clientele.adb_state;
SELECT overlay(t placing '02' from 8 for 2)::clientele.adb_state FROM adb;			-- version 2
SELECT overlay(t placing '03' from 10 for 2)::clientele.adb_state FROM adb;			-- unknown flag
SELECT overlay(t placing '01' from 12 for 2)::clientele.adb_state FROM adb;			-- reserved byte
SELECT overlay(t placing '00000000' from 24 for 8)::clientele.adb_state FROM adb;	-- to before from
SELECT overlay(t placing 'ffffff7f' from 16 for 8)::clientele.adb_state FROM adb;	-- from not a date
SELECT left(t, -2)::clientele.adb_state FROM adb;									-- truncated
SELECT (t || '000000000000000000000000000000000000000000000000')::clientele.adb_state FROM adb;	-- a run more than announced
SELECT overlay(t placing '03' from 48 for 2)::clientele.adb_state FROM adb;			-- capacity 3 for 2 runs
SELECT overlay(t placing '01' from 40 for 2)::clientele.adb_state FROM adb;			-- 1 run announced, 2 present
SELECT overlay(t placing '00' from 10 for 2)::clientele.adb_state FROM adb;			-- carry day without the flag
SELECT overlay(t placing '3e220000' from 32 for 8)::clientele.adb_state FROM adb;	-- carry day in the window
SELECT overlay(t placing '0000000000000080' from 64 for 16)::clientele.adb_state FROM adb;	-- carry balance -2^63
SELECT overlay(t placing '0c220000' from 80 for 8)::clientele.adb_state FROM adb;	-- a run before the window
SELECT overlay(t placing '48220000' from 136 for 8)::clientele.adb_state FROM adb;	-- a run ending after the window
SELECT overlay(t placing '41220000' from 128 for 8)::clientele.adb_state FROM adb;	-- runs overlap
-- runs that meet but are apart mean the same (joined unless the sum would overflow): accepted
SELECT clientele.adb_final(overlay(overlay(t placing '42220000' from 128 for 8) placing '42220000' from 136 for 8)::clientele.adb_state) AS runs_that_meet FROM adb;
SELECT overlay(t placing '0000000000000000' from 144 for 16)::clientele.adb_state FROM adb;	-- one-day run: sum is not the balance
SELECT overlay(t placing '0100000000000080' from 96 for 16)::clientele.adb_state FROM adb;	-- sum out of range for 2 days
SELECT 'clgini1:zz'::clientele.gini_state;
SELECT overlay(g placing '02' from 9 for 2)::clientele.gini_state FROM conc;			-- version 2
SELECT overlay(g placing '01' from 11 for 2)::clientele.gini_state FROM conc;			-- a fraction flag in a gini state
SELECT overlay(g placing '01' from 13 for 2)::clientele.gini_state FROM conc;			-- reserved byte
SELECT left(g, -2)::clientele.gini_state FROM conc;										-- truncated
SELECT overlay(g placing '05' from 33 for 2)::clientele.gini_state FROM conc;			-- capacity 5 for 4 values
SELECT overlay(g placing '03' from 49 for 2)::clientele.gini_state FROM conc;			-- sorted count 3 for 4 values
SELECT overlay(g placing '06' from 65 for 2)::clientele.gini_state FROM conc;			-- rows do not match the counts
SELECT overlay(g placing '0000000000000080' from 97 for 16)::clientele.gini_state FROM conc;	-- -0
SELECT overlay(g placing '000000000000f87f' from 97 for 16)::clientele.gini_state FROM conc;	-- NaN
SELECT overlay(g placing '0000000000000840' from 97 for 16)::clientele.gini_state FROM conc;	-- values not increasing
SELECT overlay(g placing '00' from 113 for 2)::clientele.gini_state FROM conc;			-- a value counted 0 times
SELECT overlay(s placing '00' from 10 for 2)::clientele.top_share_state FROM conc;		-- no fraction in a top_share state
SELECT clientele.top_share_final(overlay(s placing '000000000000f03f' from 80 for 16)::clientele.top_share_state) AS fraction_one FROM conc;
SELECT overlay(s placing '0000000000000040' from 80 for 16)::clientele.top_share_state FROM conc;	-- fraction 2
SELECT s::clientele.gini_state FROM conc;											-- a top_share state is not a gini state
-- binary input goes through the same checks
\set SHOW_CONTEXT never
INSERT INTO bad_copy SELECT decode(substr(overlay(t placing '02' from 8 for 2), 8), 'hex') FROM adb;
SELECT pg_temp.copy_binary('bad_copy', 'bad_state');
DELETE FROM bad_copy;
INSERT INTO bad_copy SELECT decode(substr(left(t, -2), 8), 'hex') FROM adb;
SELECT pg_temp.copy_binary('bad_copy', 'bad_state');
\set SHOW_CONTEXT errors

-- ---- aggregate errors --------------------------------------------------------------------
SELECT clientele.adb_trans(NULL, '2024-01-01', 1, '2024-01-01', '2024-01-02');
SELECT clientele.gini_combine(NULL, NULL);
SELECT clientele.top_share_final(NULL) IS NULL AS final_of_null;
-- two states of different windows / fractions cannot combine
SELECT pg_temp.adb_merge(s) FROM (SELECT pg_temp.adb_state_of(d, 1, d, d) AS s
	FROM (VALUES ('2024-01-01'::date), ('2024-01-02')) v(d) GROUP BY d) x;
SELECT pg_temp.top_merge_state(s) FROM (SELECT pg_temp.top_state_of(1, f) AS s
	FROM (VALUES (0.1::float8), (0.2)) v(f) GROUP BY f) x;
-- the same day in two partial states
SELECT pg_temp.adb_merge(s) FROM (SELECT pg_temp.adb_state_of('2024-01-05', b, '2024-01-01', '2024-01-10') AS s
	FROM (VALUES (1::numeric), (2)) v(b) GROUP BY b) x;
