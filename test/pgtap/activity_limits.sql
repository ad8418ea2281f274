-- features area: activity_summary at the count limits.  A state typed in by
-- hand may hold counts whose total is 2^63 - 1 (the input accepts it); one
-- more transaction (transition) or a combine whose counts each fit but whose
-- total does not is ERROR 22003, never a state the input would refuse.
BEGIN;
SELECT plan(6);
SET LOCAL timezone = 'UTC';

-- as_of 2025-12-31, the latest transaction 2025-12-30 12:00 UTC, one activity
-- day (2025-01-01); counts (last 3 months, the 3 before, the 6 before)
CREATE FUNCTION pg_temp.st(n3 bigint, p3 bigint, p6 bigint) RETURNS text LANGUAGE sql AS $$
	SELECT 'act1:' || '01' || '01' || '00002518' || '0002ea28de255000' || repeat('00', 8)
		|| lpad(to_hex(n3), 16, '0') || lpad(to_hex(p3), 16, '0') || lpad(to_hex(p6), 16, '0')
		|| repeat('00', 96) || '80' || repeat('00', 47)
$$;
SELECT lives_ok(format('SELECT %L::clientele.activity_state', pg_temp.st(0, 0, 9223372036854775807)),
	'a state whose counts total 2^63 - 1 is accepted');
SELECT throws_ok(format('SELECT %L::clientele.activity_state', pg_temp.st(1, 0, 9223372036854775807)), '22P03',
	'invalid clientele.activity_state value', 'a state whose counts total 2^63 is refused: 22P03');

SELECT format($f$CREATE AGGREGATE pg_temp.act_more(timestamptz, boolean, text, text, text, numeric, date) (
	SFUNC = clientele.activity_trans, STYPE = clientele.activity_state, INITCOND = %L)$f$,
	pg_temp.st(0, 0, 9223372036854775807)) \gexec
SELECT throws_ok($$SELECT pg_temp.act_more(timestamptz '2025-12-30 10:00', true, NULL, NULL, NULL, NULL, '2025-12-31')$$,
	'22003', 'too many transactions in one activity_summary group',
	'one more transaction than a total of 2^63 - 1: 22003');
SELECT lives_ok($$SELECT pg_temp.act_more(timestamptz '2025-12-30 10:00', false, NULL, NULL, NULL, NULL, '2025-12-31')$$,
	'a transaction that is not customer-initiated is not counted');

CREATE AGGREGATE pg_temp.act_merge(clientele.activity_state) (
	SFUNC = clientele.activity_combine, STYPE = clientele.activity_state);
-- each count 3 * 2^60: merged, each count fits (3 * 2^61), their total (3 * 2^62) does not
SELECT throws_ok(format($$SELECT pg_temp.act_merge(st::clientele.activity_state) FROM (VALUES (%1$L), (%1$L)) v(st)$$,
	pg_temp.st(0, 3458764513820540928, 3458764513820540928)),
	'22003', 'too many transactions in one activity_summary group',
	'a combine whose counts fit but whose total overflows: 22003');
SELECT is((SELECT pg_temp.act_merge(st::clientele.activity_state)::text FROM (VALUES (pg_temp.st(0, 1, 1)), (pg_temp.st(0, 1, 1))) v(st)),
	pg_temp.st(0, 2, 2), 'a combine within the limits adds the counts');

SELECT * FROM finish();
ROLLBACK;
