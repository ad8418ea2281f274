-- tiers: tier_of / tier_rank properties, bounds compared exactly, versions,
-- region overrides, write-time validation and every error message.
BEGIN;
SELECT plan(144);
SET client_min_messages = warning;
-- check every edit at the end of its statement (the default is at commit)
SET CONSTRAINTS clientele.tier_band_valid IMMEDIATE;

-- the whole error of a statement: SQLSTATE, message, detail
CREATE FUNCTION pg_temp.error_of(p_sql text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE v_state text; v_msg text; v_detail text;
BEGIN
	EXECUTE p_sql;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
	RETURN v_state || ': ' || v_msg || coalesce(' / ' || nullif(v_detail, ''), '');
END $f$;

-- ---- exact bounds: [0,1万) [1万,5万) ... with numeric amounts --------------------
SELECT is(clientele.tier_of('suzhou_deposit_bands_2012', 0), '0-1万', '0 is in [0, 1万): inclusive lower bound');
SELECT is(clientele.tier_of('suzhou_deposit_bands_2012', 9999.99), '0-1万', '9999.99 < 1万');
SELECT is(clientele.tier_of('suzhou_deposit_bands_2012', 9999.995), '0-1万', '9999.995 is not rounded up to 1万');
SELECT is(clientele.tier_of('suzhou_deposit_bands_2012', 9999.99999999999999999999999), '0-1万',
	'10000 - 1e-23 (equal to 10000 as a double) stays below 1万');
SELECT is(clientele.tier_of('suzhou_deposit_bands_2012', 10000), '1万-5万', '10000 opens [1万, 5万): exclusive upper of the band below');
SELECT is(clientele.tier_of('suzhou_deposit_bands_2012', 10000.00000000000000000001), '1万-5万', '10000 + 1e-20 is in [1万, 5万)');
SELECT is(clientele.tier_of('suzhou_deposit_bands_2012', 10000::bigint), '1万-5万', 'integer amounts are accepted');
SELECT is(clientele.tier_of('suzhou_deposit_bands_2012', 49999.99), '1万-5万', '49999.99 < 5万');
SELECT is(clientele.tier_of('suzhou_deposit_bands_2012', 50000.00), '5万-20万', '50000.00 opens [5万, 20万)');
SELECT is(clientele.tier_of('suzhou_deposit_bands_2012', 999999.999), '20万-100万', '999999.999 < 100万');
SELECT is(clientele.tier_of('suzhou_deposit_bands_2012', 1000000), '100万以上', '100万 is in [100万, ∞)');
SELECT is(clientele.tier_of('suzhou_deposit_bands_2012', 1e40), '100万以上', 'the top band is unbounded');
SELECT is(clientele.tier_of('suzhou_deposit_bands_2012', -0.01), NULL, 'an amount below every band gives NULL');
SELECT is(clientele.tier_of('suzhou_deposit_bands_2012', NULL), NULL, 'a NULL amount gives NULL');
SELECT is(clientele.tier_rank('suzhou_deposit_bands_2012', 60000), 3, 'tier_rank gives the rank of the band');
SELECT is(clientele.tier_rank('suzhou_deposit_bands_2012', -5), NULL, 'tier_rank is NULL outside every band');
SELECT is(clientele.tier_of('deposit_class_abc', 199999.99), 'B', 'class B ends below 20万');
SELECT is(clientele.tier_of('deposit_class_abc', 200000), 'A', 'class A starts at 20万');
SELECT is(clientele.tier_of('service_tier', 499999.99), 'high-end 20万-50万', 'service tier: high-end below 50万');
SELECT is(clientele.tier_of('service_tier', 500000), 'high-end 50万+', 'service tier: the 50万+ sub-band');
SELECT is((SELECT tier FROM clientele.tier_bands('service_tier') WHERE label = clientele.tier_of('service_tier', 30000)),
	'mid-tier', 'sub-band 1万-5万 belongs to the mid-tier');
SELECT ok((SELECT bool_and(service_level IS NOT NULL) FROM clientele.tier_bands('service_tier')),
	'every service tier band carries its service level');

-- the same answers with many amounts in one statement (the call-site cache and hint)
SELECT is((SELECT count(*) FROM generate_series(0, 300000, 7) g
           WHERE clientele.tier_of('suzhou_deposit_bands_2012', g::numeric / 3) IS DISTINCT FROM
                 CASE WHEN g::numeric / 3 < 10000 THEN '0-1万' WHEN g::numeric / 3 < 50000 THEN '1万-5万'
                      ELSE '5万-20万' END),
	0::bigint, 'tier_of agrees with a CASE ladder on 42,858 amounts');

-- the scheme may change from row to row
SELECT is((SELECT string_agg(clientele.tier_of(s, 15000), ',' ORDER BY o)
           FROM (VALUES (1, 'deposit_class_abc'), (2, 'suzhou_deposit_bands_2012'), (3, 'deposit_class_abc'), (4, 'service_tier')) v(o, s)),
	'B,1万-5万,B,mid-tier 1万-5万', 'a different scheme on each row');
-- in a parallel worker (the worker compiles its own copy of the tables)
SELECT set_config(CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'debug_parallel_query'
                       ELSE 'force_parallel_mode' END, 'on', true) IS NOT NULL AS parallel_forced \gset
SELECT is((SELECT count(*) FROM generate_series(0, 30000) g
           WHERE clientele.tier_of('deposit_class_abc', g * 10) = 'B'), 19000::bigint,
	'tier_of in a forced parallel plan: 10000 <= 10 g < 200000 for 19000 values of g');
SELECT set_config(CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'debug_parallel_query'
                       ELSE 'force_parallel_mode' END, 'off', true) IS NOT NULL AS parallel_unforced \gset

-- ---- bad input ----------------------------------------------------------------------------
SELECT throws_ok($$SELECT clientele.tier_of('suzhou_deposit_bands_2012', 'NaN')$$,
	'22023', 'amount must be a finite number, got NaN', 'NaN amount: 22023');
SELECT throws_ok($$SELECT clientele.tier_of('suzhou_deposit_bands_2012', 'Infinity')$$,
	'22023', 'amount must be a finite number, got Infinity', 'Infinity amount: 22023');
SELECT throws_ok($$SELECT clientele.tier_rank('suzhou_deposit_bands_2012', '-Infinity')$$,
	'22023', 'amount must be a finite number, got -Infinity', '-Infinity amount: 22023');
SELECT throws_ok($$SELECT clientele.tier_of('no_such_scheme', 1)$$,
	'22023', 'unknown tier scheme "no_such_scheme"', 'unknown scheme: 22023 naming it');
SELECT is(pg_temp.error_of($$SELECT clientele.tier_of('no_such_scheme', 1)$$),
	'22023: unknown tier scheme "no_such_scheme" / Known tier schemes: deposit_class_abc, service_tier, suzhou_deposit_bands_2012.',
	'the unknown-scheme error lists the schemes that exist');
SELECT throws_ok($$SELECT clientele.tier_of(NULL, 1)$$, '22004', 'scheme must not be NULL', 'NULL scheme: 22004');
SELECT is(pg_temp.error_of($$SELECT clientele.tier_of('suzhou_deposit_bands_2012', 5, NULL, '2012-02-28')$$),
	'22023: tier scheme "suzhou_deposit_bands_2012" has no version valid on 2012-02-28 / Its versions are valid from 2012-02-29 onwards.',
	'no version valid at as_of: the error gives the valid range');
SELECT is(clientele.tier_of('suzhou_deposit_bands_2012', 5, NULL, '2012-02-29'), '0-1万', 'valid from its valid_from day');
SELECT is(pg_temp.error_of($$SELECT clientele.tier_version('nope')$$),
	'22023: unknown tier scheme "nope" / Known tier schemes: deposit_class_abc, service_tier, suzhou_deposit_bands_2012.',
	'tier_version: unknown scheme');

-- ---- versions and region overrides -------------------------------------------------------
WITH s AS (
	INSERT INTO clientele.tier_scheme (scheme, basis, description, source)
	VALUES ('test_value', 'contribution', 'test scheme', 'pgTAP')
), v AS (
	INSERT INTO clientele.tier_version (scheme, version, valid_from) VALUES ('test_value', 1, '2020-01-01'), ('test_value', 2, '2024-01-01')
)
INSERT INTO clientele.tier_band (scheme, version, region, rank, label, lower_bound, lower_inclusive, upper_bound, upper_inclusive) VALUES
	('test_value', 1, NULL, 1, 'negative', NULL, true, 0, false),
	('test_value', 1, NULL, 2, 'low', 0, true, 100, true),
	('test_value', 1, NULL, 3, 'high', 100, false, NULL, false),
	('test_value', 2, NULL, 1, 'negative', NULL, true, 0, false),
	('test_value', 2, NULL, 2, 'zero', 0, true, 0, true),
	('test_value', 2, NULL, 3, 'low', 0, false, 500, false),
	('test_value', 2, NULL, 4, 'high', 500, true, NULL, false),
	('test_value', 2, 'north', 1, 'low', NULL, true, 1000, false),
	('test_value', 2, 'north', 2, 'high', 1000, true, NULL, false);
SELECT is(clientele.tier_of('test_value', -1e9, NULL, '2021-06-30'), 'negative', 'unbounded below: negative contribution');
SELECT is(clientele.tier_of('test_value', 100, NULL, '2021-06-30'), 'low', 'version 1: 100 is in [0, 100]');
SELECT is(clientele.tier_of('test_value', 100.0001, NULL, '2021-06-30'), 'high', 'version 1: 100.0001 is in (100, ∞)');
SELECT is(clientele.tier_of('test_value', 100, NULL, '2023-12-31'), 'low', 'version 1 holds until the day before version 2');
SELECT is(clientele.tier_of('test_value', 100, NULL, '2024-01-01'), 'low', 'version 2 from its valid_from: 100 in (0, 500)');
SELECT is(clientele.tier_of('test_value', 0, NULL, '2024-01-01'), 'zero', 'version 2: the single-point band [0, 0]');
SELECT is(clientele.tier_of('test_value', 600), 'high', 'as_of defaults to current_date (version 2)');
SELECT is(clientele.tier_version('test_value', '2022-01-01'), 1, 'tier_version picks the version valid at as_of');
SELECT is(clientele.tier_of('test_value', 600, 'north', '2024-01-01'), 'low', 'region north overrides the default bands');
SELECT is(clientele.tier_of('test_value', 600, 'south', '2024-01-01'), 'high', 'a region without override uses the default bands');
SELECT is(clientele.tier_of('test_value', 600, 'north', '2021-01-01'), 'high', 'version 1 has no north override');
SELECT is((SELECT string_agg(label, ',' ORDER BY rank) FROM clientele.tier_bands('test_value', 'north', '2024-06-01')),
	'low,high', 'tier_bands shows the override in force');

-- property: tier_of agrees with a SQL reference on every bound, just around it and between
WITH s AS (
	INSERT INTO clientele.tier_scheme (scheme, basis, description, source) VALUES ('prop', 'numeric', 'property test', 'pgTAP')
), v AS (
	INSERT INTO clientele.tier_version (scheme, version, valid_from) VALUES ('prop', 1, '2000-01-01')
)
INSERT INTO clientele.tier_band (scheme, version, rank, label, lower_bound, lower_inclusive, upper_bound, upper_inclusive) VALUES
	('prop', 1, 1, 'p1', NULL, true, -1000.5, false),
	('prop', 1, 2, 'p2', -1000.5, true, 0, true),
	('prop', 1, 3, 'p3', 0, false, 0.000001, false),
	('prop', 1, 4, 'p4', 0.000001, true, 0.000001, true),
	('prop', 1, 5, 'p5', 0.000001, false, 12345.6789, true),
	('prop', 1, 6, 'p6', 12345.6789, false, 1e18, false),
	('prop', 1, 7, 'p7', 1e18, true, 1e18 + 0.01, true),
	('prop', 1, 8, 'p8', 1e18 + 0.01, false, NULL, false);
SELECT is((SELECT count(*) FROM (
	SELECT x, clientele.tier_of('prop', x) AS got,
	       (SELECT b.label FROM clientele.tier_bands('prop') b
	        WHERE (b.lower_bound IS NULL OR x > b.lower_bound OR (x = b.lower_bound AND b.lower_inclusive))
	          AND (b.upper_bound IS NULL OR x < b.upper_bound OR (x = b.upper_bound AND b.upper_inclusive))) AS want
	FROM (SELECT bound + d AS x
	      FROM unnest(ARRAY[-1000.5, 0, 0.000001, 12345.6789, 1e18, 1e18 + 0.01]::numeric[]) AS bound,
	           unnest(ARRAY[0, 1e-30, -1e-30, 0.0000005, -0.0000005, 0.01, -0.01, 7, -7, 1e6, -1e6]::numeric[]) AS d
	      UNION ALL
	      SELECT (random() * 2e6 - 1e6)::numeric FROM generate_series(1, 3000)) a) t
	WHERE got IS DISTINCT FROM want), 0::bigint,
	'tier_of agrees with the SQL definition of inclusive / exclusive / unbounded bands (3066 amounts at, around and between bounds)');
SELECT is((SELECT count(DISTINCT clientele.tier_of('prop', x)) FROM unnest(ARRAY[-5000, -1000.5, 0, 0.0000005, 0.000001, 1, 12346, 1e18, 1e18 + 0.01, 1e19]::numeric[]) x),
	8::bigint, 'each band of the property scheme is hit');
DELETE FROM clientele.tier_scheme WHERE scheme = 'prop';

-- an edit is seen by the next statement of this session
UPDATE clientele.tier_band SET upper_bound = CASE label WHEN 'low' THEN 700 ELSE upper_bound END,
                              lower_bound = CASE label WHEN 'high' THEN 700 ELSE lower_bound END
WHERE scheme = 'test_value' AND version = 2 AND region IS NULL AND label IN ('low', 'high');
SELECT is(clientele.tier_of('test_value', 600), 'low', 'an edited bound takes effect in the next statement');
-- (inside a rolled-back savepoint, results go to psql variables: pgTAP's own records would roll back too)
SAVEPOINT relabel;
UPDATE clientele.tier_band SET label = 'LOW' WHERE scheme = 'test_value' AND version = 2 AND region IS NULL AND label = 'low';
SELECT clientele.tier_of('test_value', 600) AS relabelled \gset
ROLLBACK TO SAVEPOINT relabel;
SELECT is(:'relabelled'::text, 'LOW', 'a relabel takes effect in the next statement');
SELECT is(clientele.tier_of('test_value', 600), 'low', 'a rolled-back edit is undone for the next statement');

-- deferred by default: a scheme may be inconsistent between statements of one transaction
SET CONSTRAINTS clientele.tier_band_valid DEFERRED;
UPDATE clientele.tier_band SET upper_bound = 800 WHERE scheme = 'test_value' AND version = 2 AND region IS NULL AND label = 'low';
UPDATE clientele.tier_band SET lower_bound = 800 WHERE scheme = 'test_value' AND version = 2 AND region IS NULL AND label = 'high';
SELECT lives_ok($$SET CONSTRAINTS clientele.tier_band_valid IMMEDIATE$$, 'a bound moved in two statements is valid at the check');
SAVEPOINT deferred_bad;
SET CONSTRAINTS clientele.tier_band_valid DEFERRED;
UPDATE clientele.tier_band SET upper_bound = 900 WHERE scheme = 'test_value' AND version = 2 AND region IS NULL AND label = 'low';
SELECT pg_temp.error_of($$SET CONSTRAINTS clientele.tier_band_valid IMMEDIATE$$) AS half_done_error \gset
ROLLBACK TO SAVEPOINT deferred_bad;
SELECT is(:'half_done_error'::text,
	'23514: tier bands "low" (0, 900) and "high" [800, infinity) of scheme "test_value" version 2 overlap',
	'a half-done edit is rejected when checked (at commit by default)');
SET CONSTRAINTS clientele.tier_band_valid IMMEDIATE;

-- ---- write-time validation: the error names the bands -------------------------------------
-- on a bank-owned copy of deposit_class_abc (shipped rows are read-only)
WITH s AS (
	INSERT INTO clientele.tier_scheme (scheme, basis, unit, description, source)
	SELECT 'abc', basis, unit, description, 'pgTAP copy of deposit_class_abc' FROM clientele.tier_scheme WHERE scheme = 'deposit_class_abc'
), v AS (
	INSERT INTO clientele.tier_version (scheme, version, valid_from) VALUES ('abc', 1, '2012-02-29')
)
INSERT INTO clientele.tier_band (scheme, version, rank, label, lower_bound, lower_inclusive, upper_bound, upper_inclusive)
SELECT 'abc', 1, rank, label, lower_bound, lower_inclusive, upper_bound, upper_inclusive
FROM clientele.tier_band WHERE scheme = 'deposit_class_abc';
SELECT is(pg_temp.error_of($$INSERT INTO clientele.tier_band (scheme, version, rank, label, lower_bound, upper_bound)
	VALUES ('abc', 1, 4, 'X', 5000, 20000)$$),
	'23514: tier bands "C" [0, 10000) and "X" [5000, 20000) of scheme "abc" version 1 overlap',
	'overlapping bands are rejected, naming both');
SELECT is(pg_temp.error_of($$UPDATE clientele.tier_band SET upper_inclusive = true
	WHERE scheme = 'abc' AND label = 'C'$$),
	'23514: tier bands "C" [0, 10000] and "B" [10000, 200000) of scheme "abc" version 1 overlap',
	'two bands both including 10000 overlap');
SELECT is(pg_temp.error_of($$UPDATE clientele.tier_band SET upper_bound = 9000
	WHERE scheme = 'abc' AND label = 'C'$$),
	'23514: tier bands "C" [0, 9000) and "B" [10000, 200000) of scheme "abc" version 1 leave a gap between them',
	'a gap inside the covered range is rejected, naming the bands around it');
SELECT is(pg_temp.error_of($$UPDATE clientele.tier_band SET lower_inclusive = false
	WHERE scheme = 'abc' AND label = 'B'$$),
	'23514: tier bands "C" [0, 10000) and "B" (10000, 200000) of scheme "abc" version 1 leave a gap between them',
	'leaving out the single point 10000 is a gap');
SELECT is(pg_temp.error_of($$UPDATE clientele.tier_band SET lower_bound = 300000, upper_bound = 250000
	WHERE scheme = 'abc' AND label = 'A'$$),
	'23514: tier band "A" [300000, 250000) of scheme "abc" version 1 is empty: its lower bound is above its upper bound',
	'lower > upper is rejected, naming the band');
SELECT is(pg_temp.error_of($$UPDATE clientele.tier_band SET upper_bound = 0
	WHERE scheme = 'abc' AND label = 'C'$$),
	'23514: tier band "C" [0, 0) of scheme "abc" version 1 is empty: its lower bound is above its upper bound',
	'a band [x, x) is empty');
SELECT is(pg_temp.error_of($$UPDATE clientele.tier_band SET rank = 1
	WHERE scheme = 'abc' AND label = 'A'$$),
	'23514: tier bands "C" and "A" of scheme "abc" version 1 have the same rank 1',
	'duplicate ranks are rejected, naming the bands');
SELECT is(pg_temp.error_of($$UPDATE clientele.tier_band SET label = 'B'
	WHERE scheme = 'abc' AND label = 'A'$$),
	'23514: two tier bands of scheme "abc" version 1 are labelled "B"',
	'duplicate labels are rejected');
SELECT is(pg_temp.error_of($$UPDATE clientele.tier_band SET upper_bound = NULL
	WHERE scheme = 'abc' AND label = 'B'$$),
	'23514: tier bands "B" [10000, infinity) and "A" [200000, infinity) of scheme "abc" version 1 overlap',
	'an unbounded band followed by another overlaps it');
SELECT is(pg_temp.error_of($$INSERT INTO clientele.tier_band (scheme, version, region, rank, label, lower_bound, upper_bound)
	VALUES ('abc', 1, 'east', 1, 'C', 0, 10000), ('abc', 1, 'east', 2, 'A', 20000, NULL)$$),
	'23514: tier bands "C" [0, 10000) and "A" [20000, infinity) of scheme "abc" version 1 (region "east") leave a gap between them',
	'region overrides are validated too, and the error names the region');
SELECT is(pg_temp.error_of($$DELETE FROM clientele.tier_band WHERE scheme = 'abc' AND region IS NULL$$),
	'23514: tier scheme "abc" version 1 has no default bands',
	'deleting every default band of a version is rejected');
INSERT INTO clientele.tier_version (scheme, version, valid_from) VALUES ('abc', 2, '2030-01-01');
SELECT is(pg_temp.error_of($$SELECT clientele.tier_of('abc', 1, NULL, '2030-01-01')$$),
	'22023: tier scheme "abc" version 2 has no default bands',
	'a version whose bands are not there yet is an error when used');
DELETE FROM clientele.tier_version WHERE scheme = 'abc' AND version = 2;
SELECT alike(pg_temp.error_of($$INSERT INTO clientele.tier_band (scheme, version, rank, label, lower_bound, upper_bound)
	VALUES ('abc', 1, 9, 'N', 'NaN', NULL)$$),
	'23514: new row for relation "tier_band" violates check constraint "tier_band_lower_finite" / %', 'a NaN bound is rejected');
SELECT alike(pg_temp.error_of($$INSERT INTO clientele.tier_band (scheme, version, rank, label, lower_bound, upper_bound)
	VALUES ('abc', 1, 9, 'N', 0, 'Infinity')$$),
	'23514: new row for relation "tier_band" violates check constraint "tier_band_upper_finite" / %', 'an infinite bound is rejected (use NULL)');
SELECT alike(pg_temp.error_of($$INSERT INTO clientele.tier_scheme (scheme, basis, description, source) VALUES ('x', 'shoe size', 'd', 's')$$),
	'23514: new row for relation "tier_scheme" violates check constraint "tier_scheme_basis_valid" / %', 'an unknown basis is rejected');
SELECT alike(pg_temp.error_of($$INSERT INTO clientele.tier_scheme (scheme, basis, description, source) VALUES ('Bad Name', 'numeric', 'd', 's')$$),
	'23514: new row for relation "tier_scheme" violates check constraint "tier_scheme_name_valid" / %', 'a scheme name must be lower-case identifier-like');
SELECT alike(pg_temp.error_of($$INSERT INTO clientele.tier_version (scheme, version, valid_from) VALUES ('abc', 5, 'infinity')$$),
	'23514: new row for relation "tier_version" violates check constraint "tier_version_valid_from_finite" / %', 'valid_from must be a finite date');
SELECT alike(pg_temp.error_of($$INSERT INTO clientele.tier_version (scheme, version, valid_from) VALUES ('no_such', 1, '2020-01-01')$$),
	'23503: insert or update on table "tier_version" violates foreign key constraint "tier_version_scheme_fkey" / %',
	'a version of an unknown scheme is rejected');
SELECT alike(pg_temp.error_of($$INSERT INTO clientele.tier_band (scheme, version, rank, label, lower_bound, upper_bound)
	VALUES ('abc', 7, 1, 'x', 0, NULL)$$),
	'23503: insert or update on table "tier_band" violates foreign key constraint "tier_band_version_fkey" / %',
	'a band of an unknown version is rejected');
SELECT is(clientele.tier_of('abc', 15000), 'B', 'the rejected edits left the scheme unchanged');
INSERT INTO clientele.tier_scheme (scheme, basis, description, source) VALUES ('empty_scheme', 'numeric', 'no versions yet', 'pgTAP');
SELECT is(pg_temp.error_of($$SELECT clientele.tier_of('empty_scheme', 1)$$),
	'22023: tier scheme "empty_scheme" has no version', 'a scheme without any version');
DELETE FROM clientele.tier_scheme WHERE scheme = 'empty_scheme';
SELECT throws_ok($$SELECT clientele.tier_version(NULL)$$, '22004', 'scheme must not be NULL', 'tier_version: NULL scheme');
SELECT throws_ok($$SELECT clientele.tier_validate('abc', NULL)$$, '22004', 'version must not be NULL', 'tier_validate: NULL version');
SELECT lives_ok($$SELECT clientele.tier_validate('abc', 99)$$, 'tier_validate of a version that does not exist (deleted) passes');
DELETE FROM clientele.tier_scheme WHERE scheme = 'abc';

-- ---- shipped rows are read-only (pg_dump keeps only a bank's rows) -------------------------
SELECT is(pg_temp.error_of($$UPDATE clientele.tier_band SET upper_bound = 20000 WHERE scheme = 'deposit_class_abc' AND label = 'C'$$),
	'42501: cannot update a row of clientele.tier_band shipped with the extension / Row (deposit_class_abc,1,,1,C,0,t,10000,f,,,t) is builtin: pg_dump keeps only rows with builtin = false, so the change would be lost in a restore.',
	'a shipped band cannot be edited');
SELECT throws_ok($$DELETE FROM clientele.tier_scheme WHERE scheme = 'service_tier'$$, '42501',
	'cannot delete a row of clientele.tier_scheme shipped with the extension', 'a shipped scheme cannot be deleted');
SELECT throws_ok($$UPDATE clientele.tier_version SET valid_from = '2000-01-01' WHERE scheme = 'service_tier'$$, '42501',
	'cannot update a row of clientele.tier_version shipped with the extension', 'a shipped version cannot be edited');
SELECT throws_ok($$UPDATE clientele.regulatory_threshold SET threshold = 1 WHERE criterion = 'hnw_personal_income'$$, '42501',
	'cannot update a row of clientele.regulatory_threshold shipped with the extension', 'a shipped threshold cannot be edited');
SELECT throws_ok($$INSERT INTO clientele.tier_scheme (scheme, basis, description, source, builtin) VALUES ('mine', 'balance', 'x', 'y', true)$$,
	'42501', 'only the extension can mark rows of clientele.tier_scheme builtin', 'a bank row cannot be marked builtin (pg_dump would drop it)');
SELECT throws_ok($$TRUNCATE clientele.tier_band$$, '42501',
	'cannot truncate clientele.tier_band: it holds rows shipped with the extension', 'TRUNCATE of a table with shipped rows is refused');
SAVEPOINT old_escape_hatch;
SET LOCAL clientele.allow_builtin_changes = on;
SELECT throws_ok($$UPDATE clientele.tier_band SET label = 'C*' WHERE scheme = 'deposit_class_abc' AND label = 'C'$$, '42501', NULL,
	'no setting opens shipped rows to a session (the 0.1.0 clientele.allow_builtin_changes is gone): only extension scripts write them');
ROLLBACK TO SAVEPOINT old_escape_hatch;

SELECT lives_ok($$DELETE FROM clientele.tier_scheme WHERE scheme = 'test_value'$$, 'deleting a scheme deletes its versions and bands');
SELECT is(pg_temp.error_of($$SELECT clientele.tier_of('test_value', 1)$$),
	'22023: unknown tier scheme "test_value" / Known tier schemes: deposit_class_abc, service_tier, suzhou_deposit_bands_2012.',
	'a deleted scheme is unknown in the next statement');

SAVEPOINT no_schemes;
SET LOCAL session_replication_role = replica;   -- a test-only bypass of the shipped-row triggers
TRUNCATE clientele.tier_scheme CASCADE;
SET LOCAL session_replication_role = origin;
SELECT pg_temp.error_of($$SELECT clientele.tier_of('deposit_class_abc', 1)$$) AS no_scheme_error \gset
ROLLBACK TO SAVEPOINT no_schemes;
SELECT is(:'no_scheme_error'::text,
	'22023: unknown tier scheme "deposit_class_abc" / No tier scheme is defined.', 'with no scheme at all, the error says so');

-- ---- distribution report --------------------------------------------------------------------
CREATE TEMP TABLE amounts (amount numeric, other text);
INSERT INTO amounts VALUES (0), (9999.995), (10000), (50000), (250000), (2000000), (-3), (NULL);
SELECT results_eq(
	$$SELECT rank, label, amount, count FROM clientele.tier_distribution('deposit_class_abc', 'amounts')$$,
	$$VALUES (1, 'C', 9999.995, 2::bigint), (2, 'B', 60000, 2), (3, 'A', 2250000, 2), (NULL, NULL, -3, 1)$$,
	'distribution: per band amount and count, a NULL-rank row for amounts outside every band, NULLs ignored');
SELECT is((SELECT round(sum(amount_share), 15) FROM clientele.tier_distribution('suzhou_deposit_bands_2012', 'amounts')), 1::numeric,
	'amount shares add up to 1 (to 15 decimals)');
SELECT is((SELECT round(sum(count_share), 15) FROM clientele.tier_distribution('suzhou_deposit_bands_2012', 'amounts')), 1::numeric,
	'count shares add up to 1 (to 15 decimals)');
SELECT results_eq(
	$$SELECT label, amount, count FROM clientele.tier_distribution('service_tier', 'amounts', p_rollup => 'deposit_class_abc') WHERE rank IS NOT NULL$$,
	$$SELECT label, amount, count FROM clientele.tier_distribution('deposit_class_abc', 'amounts') WHERE rank IS NOT NULL$$,
	'rolling service tiers up into A/B/C equals classifying by A/B/C directly');
SELECT ok(clientele.tier_band_within(10000, true, 50000, false, 10000, true, 200000, false)
	AND clientele.tier_band_within(0, true, NULL, false, NULL, false, NULL, false)
	AND NOT clientele.tier_band_within(10000, true, 50000, false, 10000, false, 200000, false)
	AND NOT clientele.tier_band_within(10000, true, 50000, true, 0, true, 50000, false)
	AND NOT clientele.tier_band_within(0, true, NULL, false, 0, true, 1e30, true)
	AND clientele.tier_band_within(10000, false, 50000, true, 10000, false, 50000, true),
	'tier_band_within honours inclusive and unbounded ends');
SELECT is(pg_temp.error_of($$SELECT * FROM clientele.tier_distribution('deposit_class_abc', 'amounts', p_rollup => 'suzhou_deposit_bands_2012')$$),
	'22023: tier scheme "deposit_class_abc" does not roll up into "suzhou_deposit_bands_2012" / Bands "B", "A" of "deposit_class_abc" lie in no single band of "suzhou_deposit_bands_2012".',
	'a roll-up into a finer scheme is rejected, naming the bands');
SELECT is(pg_temp.error_of($$SELECT * FROM clientele.tier_distribution('deposit_class_abc', 'amounts', 'balance')$$),
	'42703: relation amounts has no column "balance"', 'distribution: unknown column');
SELECT is(pg_temp.error_of($$SELECT * FROM clientele.tier_distribution('deposit_class_abc', 'amounts', 'other')$$),
	'22023: column "other" of relation amounts has type text, but a number is needed', 'distribution: a column that is not numeric');
CREATE FUNCTION pg_temp.context_lines_of(p_sql text) RETURNS int LANGUAGE plpgsql AS $f$
DECLARE v_context text;
BEGIN
	EXECUTE p_sql;
	RETURN -1;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS v_context = PG_EXCEPTION_CONTEXT;
	RETURN coalesce(array_length(string_to_array(v_context, E'\n'), 1), 0);
END $f$;
INSERT INTO amounts VALUES ('NaN');
SELECT is(pg_temp.error_of($$SELECT * FROM clientele.tier_distribution('deposit_class_abc', 'amounts')$$),
	'22023: amount must be a finite number, got NaN (column "amount" of amounts)',
	'distribution: a NaN amount is an error naming the column');
SELECT cmp_ok(pg_temp.context_lines_of($$SELECT * FROM clientele.tier_distribution('deposit_class_abc', 'amounts')$$), '<=', 4,
	'distribution: the error about the data carries no 40-line report query as context (<= 4 lines, 2 of them this test''s EXECUTE)');
DELETE FROM amounts WHERE amount = 'NaN';
SELECT is(pg_temp.error_of($$SELECT * FROM clientele.tier_distribution('no_such', 'amounts')$$),
	'22023: unknown tier scheme "no_such" / Known tier schemes: deposit_class_abc, service_tier, suzhou_deposit_bands_2012.',
	'distribution: an unknown scheme lists the known ones');
SELECT cmp_ok(pg_temp.context_lines_of($$SELECT * FROM clientele.tier_distribution('no_such', 'amounts')$$), '<=', 4,
	'distribution: ... with a short context');
SELECT cmp_ok(pg_temp.context_lines_of($$SELECT * FROM clientele.tier_distribution('deposit_class_abc', 'amounts', p_rollup => 'no_such')$$), '<=', 4,
	'distribution: an unknown roll-up scheme, with a short context');
SELECT is(pg_temp.error_of($$SELECT * FROM clientele.tier_distribution('deposit_class_abc', 'amounts', p_as_of => '2000-01-01')$$),
	'22023: tier scheme "deposit_class_abc" has no version valid on 2000-01-01 / Its versions are valid from 2012-02-29 onwards.',
	'distribution: a date before the first version is said up front');
SELECT is(clientele.tier_of('suzhou_deposit_bands_2012', -500), NULL,
	'tier_of: a negative amount is below every shipped band (they start at 0): NULL, as documented');
SELECT is((SELECT min(lower_bound) FROM clientele.tier_bands('suzhou_deposit_bands_2012')), 0::numeric,
	'tier_bands shows why: the lowest shipped band starts at 0');
SELECT is(clientele.regulatory_class(-5), NULL, 'regulatory_class: negative net financial assets meet no criterion: NULL, as documented');
SELECT ok(obj_description('clientele.tier_of(text, numeric, text, date)'::regprocedure, 'pg_proc') ~ 'negative amount has no tier'
	AND obj_description('clientele.regulatory_class(numeric, numeric, numeric[], numeric[], numeric, date)'::regprocedure, 'pg_proc') ~ 'negative net financial assets',
	'the comments of tier_of and regulatory_class say when and why they return NULL');
SELECT ok(obj_description('clientele.tier_of(text, numeric, text, date)'::regprocedure, 'pg_proc') ~ 'with a NOTICE naming the scheme, the amount and the range'
	AND obj_description('clientele.tier_rank(text, numeric, text, date)'::regprocedure, 'pg_proc') ~ 'NOTICE',
	'the comments of tier_of and tier_rank announce the NOTICE (its text: test/sql/tiers_messages.sql)');
SELECT lives_ok($$SELECT clientele.tier_of('deposit_class_abc', a) FROM generate_series(-3, 3) a$$,
	'tier_of over amounts some of which are outside every band: NULL and a NOTICE, never an error');
SELECT is((SELECT array_to_string(proconfig, ',') FROM pg_proc WHERE oid = 'clientele.tier_distribution(text, regclass, name, text, date, text)'::regprocedure),
	'search_path=pg_catalog, pg_temp,client_min_messages=warning',
	'tier_distribution shows out-of-band amounts as its NULL-rank row, without the NOTICE of tier_rank');
SELECT is((SELECT count(*) FILTER (WHERE met) || '/' || count(*) FROM clientele.regulatory_class_reasons(-5)), '0/6',
	'regulatory_class_reasons(-5): six criteria and inputs, none met');
SELECT is((SELECT reason FROM clientele.regulatory_class_reasons(-5) WHERE criterion = 'private_banking_net_financial_assets'),
	'-5 is negative (liabilities above assets), not >= 6000000: not met', 'regulatory_class_reasons says why -5 has no class');
SELECT is((SELECT string_agg(criterion || ':' || input, ',' ORDER BY criterion, input) FROM clientele.regulatory_class_reasons(0, 1000000, ARRAY[1, 2, 3])
           WHERE met), 'hnw_single_subscription:max_single_subscription', 'regulatory_class_reasons: the criterion met is marked');
SELECT is((SELECT reason FROM clientele.regulatory_class_reasons(0, 0, ARRAY[250000, NULL, 150000]) WHERE criterion = 'hnw_personal_income'),
	'not every year > 200000 (year 2: unknown, year 3: 150000): not met', 'regulatory_class_reasons names the years that fail');
SELECT is(pg_temp.error_of($$SELECT * FROM clientele.regulatory_class_reasons('NaN')$$),
	'22023: net_financial_assets must be a finite number, got NaN', 'regulatory_class_reasons: NaN assets: 22023');
SELECT is(pg_temp.error_of($$SELECT * FROM clientele.regulatory_class_reasons(0, -1)$$),
	'22023: max_single_subscription must not be negative, got -1', 'regulatory_class_reasons: negative subscription: 22023');
SELECT is(pg_temp.error_of($$SELECT * FROM clientele.regulatory_class_reasons(0, 0, ARRAY[1, 2]::numeric[])$$),
	'22023: income_3y must hold the incomes of the last 3 years, got 2 values', 'regulatory_class_reasons: income arrays hold 3 years');
SELECT is(pg_temp.error_of($$SELECT * FROM clientele.regulatory_class_reasons(0, 0, NULL, ARRAY[1, 'Infinity', 3]::numeric[])$$),
	'22023: household_income_3y must hold finite numbers, got {1,Infinity,3}', 'regulatory_class_reasons: infinite income: 22023');
SELECT throws_ok($$SELECT * FROM clientele.tier_distribution(NULL, 'amounts')$$, '22004', 'p_scheme must not be NULL',
	'distribution: NULL scheme');
SELECT throws_ok($$SELECT * FROM clientele.tier_distribution('deposit_class_abc', NULL)$$, '22004', 'p_amounts must not be NULL',
	'distribution: NULL relation');
SELECT throws_ok($$SELECT * FROM clientele.tier_distribution('deposit_class_abc', 'amounts', NULL)$$, '22004', 'p_column must not be NULL',
	'distribution: NULL column');
SELECT throws_ok($$SELECT * FROM clientele.tier_distribution('deposit_class_abc', 'no_such_table')$$, '42P01', NULL,
	'distribution: a relation that does not exist');
SELECT is(pg_temp.error_of($$SELECT * FROM clientele.tier_distribution('nope', 'amounts')$$),
	'22023: unknown tier scheme "nope" / Known tier schemes: deposit_class_abc, service_tier, suzhou_deposit_bands_2012.',
	'distribution: unknown scheme');

-- ---- regulatory classes: every boundary, >= and > as written ------------------------------
SELECT is(clientele.regulatory_class(6000000), 'private_banking', 'net financial assets = 6,000,000: private banking (>=)');
SELECT is(clientele.regulatory_class(5999999.99), 'high_net_worth', 'just below 6,000,000: high net worth (> 1,000,000)');
SELECT is(clientele.regulatory_class(1000000), NULL, 'net financial assets = 1,000,000: not high net worth (>)');
SELECT is(clientele.regulatory_class(1000000.01), 'high_net_worth', 'net financial assets 1,000,000.01: high net worth');
SELECT is(clientele.regulatory_class(0, household_net_financial_assets => 1000000), NULL, 'household assets = 1,000,000: no (>)');
SELECT is(clientele.regulatory_class(0, household_net_financial_assets => 1000000.01), 'high_net_worth', 'household assets above 1,000,000');
SELECT is(clientele.regulatory_class(0, 1000000), 'high_net_worth', 'single subscription = 1,000,000: high net worth (>=)');
SELECT is(clientele.regulatory_class(0, 999999.99), NULL, 'single subscription 999,999.99: no');
SELECT is(clientele.regulatory_class(0, 0, ARRAY[200000.01, 250000, 900000]), 'high_net_worth', 'personal income > 200,000 in each of 3 years');
SELECT is(clientele.regulatory_class(0, 0, ARRAY[200000.01, 200000, 900000]), NULL, 'personal income = 200,000 in one year: no (>)');
SELECT is(clientele.regulatory_class(0, 0, ARRAY[900000, NULL, 900000]), NULL, 'an unknown year does not count as met');
SELECT is(clientele.regulatory_class(0, 0, NULL, ARRAY[300000.01, 300000.01, 300000.01]), 'high_net_worth', 'household income > 300,000 in each year');
SELECT is(clientele.regulatory_class(0, 0, NULL, ARRAY[300000, 400000, 400000]), NULL, 'household income = 300,000 in one year: no (>)');
SELECT is(clientele.regulatory_class(NULL), NULL, 'nothing known: no class');
SELECT is(pg_temp.error_of($$SELECT clientele.regulatory_class(0, 0, ARRAY[1, 2]::numeric[])$$),
	'22023: income_3y must hold the incomes of the last 3 years, got 2 values', 'income arrays hold exactly 3 years');
SELECT is(pg_temp.error_of($$SELECT clientele.regulatory_class('NaN')$$),
	'22023: net_financial_assets must be a finite number, got NaN', 'NaN assets: 22023');
SELECT is(pg_temp.error_of($$SELECT clientele.regulatory_class(0, 'Infinity')$$),
	'22023: max_single_subscription must be a finite number, got Infinity', 'infinite subscription: 22023');
SELECT is(pg_temp.error_of($$SELECT clientele.regulatory_class(0, -1)$$),
	'22023: max_single_subscription must not be negative, got -1', 'negative subscription: 22023');
SELECT is(pg_temp.error_of($$SELECT clientele.regulatory_class(0, 0, NULL, ARRAY[1, 'NaN', 3]::numeric[])$$),
	'22023: household_income_3y must hold finite numbers, got {1,NaN,3}', 'NaN income: 22023');
INSERT INTO clientele.regulatory_threshold (criterion, valid_from, threshold, inclusive, description, source)
VALUES ('hnw_net_financial_assets', '2030-01-01', 1000000, true, 'test: >= from 2030', 'pgTAP');
SELECT is(clientele.regulatory_class(1000000, as_of => '2030-01-01'), 'high_net_worth',
	'thresholds are data: a row with a later valid_from (>= instead of >) applies from that day');
SELECT is(clientele.regulatory_class(1000000, as_of => '2029-12-31'), NULL, '... and not before');
SELECT is(clientele.regulatory_class(1000000), NULL, 'as_of defaults to current_date');
SAVEPOINT no_thresholds;
SET LOCAL session_replication_role = replica;   -- a test-only bypass of the shipped-row triggers
TRUNCATE clientele.regulatory_threshold;
SET LOCAL session_replication_role = origin;
SELECT pg_temp.error_of($$SELECT clientele.regulatory_class(1, as_of => '2024-01-01')$$) AS no_threshold_error \gset
ROLLBACK TO SAVEPOINT no_thresholds;
SELECT is(:'no_threshold_error'::text,
	'22023: clientele.regulatory_threshold has no row for some criterion on 2024-01-01', 'a missing threshold is an error, not a silent NULL');

SELECT * FROM finish();
ROLLBACK;
