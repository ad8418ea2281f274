-- clientele.purge_lifecycle_history(cutoff), the retention of the stage
-- history (called by purge_history at the end of every refresh): the
-- recorded dates before the cutoff go, with the periods that ended by the
-- first date kept; a period still held on that date starts on it, so every
-- kept date's stages and flows are unchanged. Hand-built stage tables through
-- lifecycle_store, the recording step of record_lifecycle and the refresh.
BEGIN;
SELECT plan(16);
SET LOCAL client_min_messages = warning;

TRUNCATE clientele.lifecycle_history, clientele.lifecycle_recorded CASCADE;
CREATE TEMP TABLE st (customer_id bigint, stage clientele.lifecycle_stage, rule text) ON COMMIT DROP;
-- the stage of every customer on every recorded date, as the history says
CREATE TEMP VIEW stage_on AS
	SELECT r.as_of, h.customer_id, h.stage::text, h.rule
	FROM clientele.lifecycle_recorded r
	JOIN clientele.lifecycle_history h ON h.valid_from <= r.as_of AND (h.valid_to IS NULL OR h.valid_to > r.as_of);

-- four dates: 1 stays new then grows; 2 changes every date; 3 leaves after the
-- first date; 4 arrives on the third; 5 is mature throughout
INSERT INTO st VALUES (1, 'new', 'a'), (2, 'new', 'a'), (3, 'growing', 'a'), (5, 'mature', 'm');
SELECT clientele.lifecycle_store('2025-01-31', 'standard', 'pg_temp.st');
TRUNCATE st; INSERT INTO st VALUES (1, 'new', 'b'), (2, 'growing', 'b'), (5, 'mature', 'm');
SELECT clientele.lifecycle_store('2025-02-28', 'standard', 'pg_temp.st');
TRUNCATE st; INSERT INTO st VALUES (1, 'growing', 'c'), (2, 'declining', 'c'), (4, 'new', 'c'), (5, 'mature', 'm');
SELECT clientele.lifecycle_store('2025-03-31', 'standard', 'pg_temp.st');
TRUNCATE st; INSERT INTO st VALUES (1, 'growing', 'd'), (2, 'dormant', 'd'), (4, 'new', 'd'), (5, 'mature', 'm');
SELECT clientele.lifecycle_store('2025-04-30', 'standard', 'pg_temp.st');

CREATE TEMP TABLE before_stages AS SELECT * FROM stage_on WHERE as_of >= '2025-03-01';
CREATE TEMP TABLE before_flow AS SELECT * FROM clientele.lifecycle_transitions('2025-03-31', '2025-04-30');

-- cutoff 2025-03-01: 01-31 and 02-28 go, 03-31 is the first date kept
-- ended by 03-31: 1 new, 2 new and growing, 3 growing; and two dates
SELECT is(clientele.purge_lifecycle_history('2025-03-01'), 6::bigint, 'returns the periods and dates deleted');
SELECT results_eq($$SELECT as_of FROM clientele.lifecycle_recorded ORDER BY 1$$,
	$$VALUES ('2025-03-31'::date), ('2025-04-30')$$, 'the recorded dates before the cutoff are gone');
SELECT is((SELECT count(*) FROM clientele.lifecycle_history WHERE valid_from < '2025-03-31'), 0::bigint,
	'no period starts before the first date kept');
SELECT set_eq($$SELECT * FROM stage_on$$, $$SELECT * FROM before_stages$$,
	'every customer''s stage and rule on every kept date is unchanged');
SELECT set_eq($$SELECT * FROM clientele.lifecycle_transitions('2025-03-31', '2025-04-30')$$,
	$$SELECT * FROM before_flow$$, 'the flows between kept dates are unchanged');
SELECT results_eq($$SELECT customer_id, stage::text, valid_from, valid_to, rule FROM clientele.lifecycle_history
	WHERE customer_id IN (1, 5) ORDER BY customer_id, valid_from$$,
	$$VALUES (1::bigint, 'growing', '2025-03-31'::date, NULL::date, 'c'), (5, 'mature', '2025-03-31', NULL, 'm')$$,
	'a period still held on the first date kept starts on it and keeps its rule');
SELECT is((SELECT count(*) FROM clientele.lifecycle_history WHERE customer_id = 3), 0::bigint,
	'a customer whose periods all ended before it has no history left');
SELECT throws_ok($$SELECT * FROM clientele.lifecycle_transitions('2025-02-28', '2025-04-30')$$, '22023',
	NULL, 'a purged date is no longer recorded');
SELECT is(clientele.purge_lifecycle_history('2025-03-01'), 0::bigint, 'a second purge with the same cutoff deletes nothing');
SELECT is(clientele.purge_lifecycle_history('2025-03-31'), 0::bigint, 'nor one whose cutoff is the first date kept');

-- recording goes on after a purge
TRUNCATE st; INSERT INTO st VALUES (1, 'mature', 'e'), (2, 'dormant', 'd'), (4, 'growing', 'e'), (5, 'mature', 'm');
SELECT is(clientele.lifecycle_store('2025-05-31', 'standard', 'pg_temp.st'), 2::bigint,
	'a later date records as before (two stages changed)');

-- a cutoff after every recorded date: nothing is kept
CREATE TEMP TABLE all_rows AS
	SELECT (SELECT count(*) FROM clientele.lifecycle_history) + (SELECT count(*) FROM clientele.lifecycle_recorded) AS n;
SELECT is(clientele.purge_lifecycle_history('2025-06-01'), (SELECT n FROM all_rows),
	'a cutoff after every date deletes every period and date');
SELECT is((SELECT count(*) FROM clientele.lifecycle_history) + (SELECT count(*) FROM clientele.lifecycle_recorded),
	0::bigint, 'the history is empty');

SELECT throws_ok($$SELECT clientele.purge_lifecycle_history(NULL)$$, '22004', NULL, 'NULL cutoff: 22004');
SELECT throws_ok($$SELECT clientele.purge_lifecycle_history('infinity')$$, '22023', NULL, 'infinite cutoff: 22023');

SET LOCAL ROLE clientele_analyst;
SELECT throws_ok($$SELECT clientele.purge_lifecycle_history('2025-01-01')$$, '42501', NULL,
	'an analyst may not purge');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
