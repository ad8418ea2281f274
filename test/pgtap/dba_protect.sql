-- Shipped segment definitions as a bank's DBA meets them: no setting opens
-- them (0.1.0's clientele.allow_builtin_changes is gone everywhere, also for
-- segment_definition, whose shipped rows are editable but not deletable and
-- whose shipped flag pg_dump's filter relies on); the messages follow the
-- wording of the other configuration tables.
BEGIN;
SELECT plan(12);

CREATE FUNCTION pg_temp.detail_hint(p_sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	d text; h text;
BEGIN
	EXECUTE p_sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
	RETURN d || ' | ' || h;
END $$;

INSERT INTO clientele.segment_definition (segment, description, predicate) VALUES ('mine', 'mine', 'aum > 0');

-- the 0.1.0 setting opens nothing
SET LOCAL clientele.allow_builtin_changes = on;
SELECT throws_ok($$DELETE FROM clientele.segment_definition WHERE segment = 'key'$$, '42501',
	'cannot delete a row of clientele.segment_definition shipped with the extension',
	'clientele.allow_builtin_changes = on does not allow deleting a shipped segment');
SELECT throws_ok($$UPDATE clientele.segment_definition SET shipped = true WHERE segment = 'mine'$$, '42501',
	'only the extension can mark rows of clientele.segment_definition shipped',
	'nor marking a bank segment shipped (pg_dump would leave it out)');
SELECT throws_ok($$INSERT INTO clientele.segment_definition (segment, description, predicate, shipped) VALUES ('mine2', 'x', 'aum > 0', true)$$, '42501',
	'only the extension can mark rows of clientele.segment_definition shipped',
	'nor inserting a row marked shipped');
SELECT throws_ok($$UPDATE clientele.segment_definition SET shipped = false WHERE segment = 'active'$$, '42501',
	'cannot unmark a row of clientele.segment_definition shipped with the extension',
	'nor un-marking a shipped one');
SELECT throws_ok($$UPDATE clientele.segment_definition SET segment = 'busy' WHERE segment = 'active'$$, '42501',
	'cannot rename a row of clientele.segment_definition shipped with the extension',
	'nor renaming a shipped one');
SELECT is((SELECT count(*) FROM clientele.segment_definition WHERE shipped)::int, 14, 'the 14 shipped segments are all there');
SELECT is((SELECT shipped FROM clientele.segment_definition WHERE segment = 'mine'), false, 'the bank segment is still not shipped');
RESET clientele.allow_builtin_changes;

-- details and hints name the row and say what to do
SELECT is(pg_temp.detail_hint($$DELETE FROM clientele.segment_definition WHERE segment = 'key'$$),
	'Row (segment)=(key) is shipped: a restore would bring it back. | Deactivate it instead: UPDATE clientele.segment_definition SET active = false WHERE segment = ''key''.',
	'deleting a shipped segment: the detail names the row, the hint says how to deactivate it');
SELECT is(pg_temp.detail_hint($$UPDATE clientele.segment_definition SET shipped = true WHERE segment = 'mine'$$),
	'Row (segment)=(mine): pg_dump keeps only the bank''s rows and edited shipped rows, so a row marked shipped would be lost in a restore. | Keep shipped = false.',
	'marking a row shipped: detail and hint');
-- the same wording as the builtin recipe of the other configuration tables
SELECT throws_ok($$DELETE FROM clientele.tier_scheme WHERE builtin$$, '42501',
	'cannot delete a row of clientele.tier_scheme shipped with the extension', 'tier_scheme says it the same way');
SELECT is(clientele.in_extension_script(), false, 'in_extension_script() is false outside the extension''s scripts');
-- shipped rows stay editable (and are then marked edited, which pg_dump keeps)
UPDATE clientele.segment_definition SET predicate = 'contribution_top_share <= 0.05' WHERE segment = 'key';
SELECT is((SELECT edited FROM clientele.segment_definition WHERE segment = 'key'), true, 'a shipped segment stays editable (marked edited)');

SELECT * FROM finish();
ROLLBACK;
