-- The config-table recipe (sql/common.sql, docs/DEVELOPING.md): every configuration table is
-- protected, watched and dumped the same way; shipped rows are written only by extension scripts.
BEGIN;
SELECT plan(36);

CREATE FUNCTION pg_temp.error_of(p_sql text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE v_state text; v_msg text; v_hint text;
BEGIN
	EXECUTE p_sql;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_hint = PG_EXCEPTION_HINT;
	RETURN v_state || ': ' || v_msg || coalesce(' / ' || nullif(v_hint, ''), '');
END $f$;

-- ---- one recipe for every table with shipped rows ------------------------------------------
-- (a new area's table with a builtin column that skipped config_table_register fails here)
CREATE TEMP VIEW config_tables AS
SELECT c.oid::regclass AS tab, c.relname,
       EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'builtin' AND NOT a.attisdropped) AS mixed
FROM pg_class c
WHERE c.relnamespace = 'clientele'::regnamespace AND c.relkind = 'r'
  AND EXISTS (SELECT FROM pg_trigger t WHERE t.tgrelid = c.oid
              AND t.tgname IN (c.relname || '_config_changed', c.relname || '_protect_builtin'));
SELECT ok((SELECT count(*) FROM config_tables) >= 10, 'at least the 10 configuration tables of 0.2.0 with shipped rows or a C cache are registered');
SELECT is((SELECT string_agg(c.relname, ', ') FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'builtin'
           WHERE c.relnamespace = 'clientele'::regnamespace AND c.relkind = 'r'
             AND c.oid NOT IN (SELECT tab FROM config_tables)), NULL,
	'every table with a builtin column is a registered configuration table');
SELECT is((SELECT string_agg(t.relname, ', ') FROM config_tables t
           WHERE (SELECT count(*) FROM pg_trigger g WHERE g.tgrelid = t.tab
                  AND g.tgname IN (t.relname || '_protect_builtin', t.relname || '_protect_builtin_truncate')
                  AND g.tgfoid = 'clientele.protect_builtin'::regproc) <> 2
             AND t.relname NOT IN ('value_param', 'value_product_rate', 'churn_signal_setting')), NULL,
	'every configuration table with shipped rows carries both protect_builtin triggers');
SELECT is((SELECT string_agg(t.relname, ', ') FROM config_tables t
           WHERE t.mixed AND NOT EXISTS (
               SELECT FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x(o, cond)
               WHERE e.extname = 'clientele' AND x.o = t.tab AND x.cond = 'WHERE NOT builtin')), NULL,
	'pg_dump keeps exactly the bank''s rows of every table with shipped rows (WHERE NOT builtin)');
SELECT is((SELECT string_agg(t.relname, ', ' ORDER BY t.relname) FROM config_tables t WHERE NOT t.mixed),
	'churn_signal, churn_signal_setting, value_param, value_param_spec, value_rate_default',
	'the tables without a builtin column are the value and signal tables (entirely shipped or entirely the bank''s)');
SELECT is((SELECT string_agg(t.relname, ', ' ORDER BY t.relname) FROM config_tables t
           WHERE EXISTS (SELECT FROM pg_trigger g WHERE g.tgrelid = t.tab AND g.tgname ~ '(guard|read_only)$')), NULL,
	'no table keeps a 0.1.0 guard or read-only trigger');
SELECT is((SELECT x.cond FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x(o, cond)
           WHERE e.extname = 'clientele' AND x.o = 'clientele.value_product_rate'::regclass), '',
	'a bank table (value_product_rate, every row the bank''s) is dumped whole');
SELECT is((SELECT count(*) FROM pg_proc WHERE proname IN ('tier_builtin_guard', 'value_read_only')
           AND pronamespace = 'clientele'::regnamespace), 0::bigint, 'the 0.1.0 guard functions are gone');

-- ---- RFM segment rules: an edited shipped rule used to vanish in a dump / restore ------------
SELECT is(pg_temp.error_of($$UPDATE clientele.rfm_segment_rule SET r_min = 4 WHERE scheme = 'rf_grid' AND segment = 'Champions'$$),
	'42501: cannot update a row of clientele.rfm_segment_rule shipped with the extension / Copy the scheme under a name of your own (builtin = false) with its rules, and change the copy.',
	'a shipped RFM rule cannot be edited in place; the hint says to copy the scheme');
SELECT throws_ok($$DELETE FROM clientele.rfm_segment_scheme WHERE scheme = 'rfm_package'$$, '42501',
	'cannot delete a row of clientele.rfm_segment_scheme shipped with the extension', 'a shipped RFM scheme cannot be deleted');
SELECT throws_ok($$UPDATE clientele.rfm_segment_rule SET builtin = false WHERE scheme = 'rf_grid'$$, '42501',
	'cannot update a row of clientele.rfm_segment_rule shipped with the extension', 'a shipped rule cannot be un-marked either');
SELECT throws_ok($$TRUNCATE clientele.rfm_segment_rule$$, '42501',
	'cannot truncate clientele.rfm_segment_rule: it holds rows shipped with the extension', 'TRUNCATE of shipped RFM rules is refused');
SELECT lives_ok($$SELECT clientele.rfm_segment_validate(s.scheme) FROM clientele.rfm_segment_scheme s WHERE s.builtin$$,
	'every shipped RFM segment scheme passes the rule validation (the install inserts the rows before the validation triggers exist)');
SELECT lives_ok($$
	INSERT INTO clientele.rfm_segment_scheme (scheme, ntiles, fallback, description, source)
	SELECT 'my_grid', ntiles, fallback, 'copy of rf_grid', 'test' FROM clientele.rfm_segment_scheme WHERE scheme = 'rf_grid';
	INSERT INTO clientele.rfm_segment_rule (scheme, priority, segment, r_min, r_max, f_min, f_max, m_min, m_max)
	SELECT 'my_grid', priority, segment, r_min, r_max, f_min, f_max, m_min, m_max FROM clientele.rfm_segment_rule WHERE scheme = 'rf_grid';
	UPDATE clientele.rfm_segment_rule SET segment = 'Stars' WHERE scheme = 'my_grid' AND segment = 'Champions'$$,
	'a bank copies a shipped scheme (builtin defaults to false) and edits the copy');
SELECT is(clientele.rfm_segment('my_grid', 5, 5, 1) || ' / ' || clientele.rfm_segment('rf_grid', 5, 5, 1), 'Stars / Champions',
	'the edited copy is used at once; the shipped scheme is unchanged');
SELECT throws_ok($$INSERT INTO clientele.rfm_segment_rule (scheme, priority, segment, r_min, r_max, f_min, f_max, m_min, m_max, builtin)
	VALUES ('my_grid', 9, 'x', 1, 1, 1, 1, 1, 1, true)$$, '42501',
	'only the extension can mark rows of clientele.rfm_segment_rule builtin', 'a bank rule cannot be marked builtin');

-- validated at commit: a scheme may pass through an invalid state inside one transaction
SAVEPOINT multi_statement;
UPDATE clientele.rfm_segment_scheme SET ntiles = 3 WHERE scheme = 'my_grid';   -- rules up to 5: invalid for now
DELETE FROM clientele.rfm_segment_rule WHERE scheme = 'my_grid';
INSERT INTO clientele.rfm_segment_rule (scheme, priority, segment, r_min, r_max, f_min, f_max, m_min, m_max)
VALUES ('my_grid', 1, 'all', 1, 3, 1, 3, 1, 3);
SELECT lives_ok($$SET CONSTRAINTS clientele.rfm_segment_rule_valid, clientele.rfm_segment_scheme_valid IMMEDIATE$$,
	'an RFM scheme edited over several statements is checked at the end, when it is valid again');
ROLLBACK TO SAVEPOINT multi_statement;
SET CONSTRAINTS ALL DEFERRED;   -- SET CONSTRAINTS outlives a rolled-back savepoint
SAVEPOINT multi_statement;
UPDATE clientele.rfm_segment_scheme SET ntiles = 4 WHERE scheme = 'my_grid';
SELECT is(pg_temp.error_of($$SET CONSTRAINTS clientele.rfm_segment_scheme_valid IMMEDIATE$$),
	'23514: RFM segment scheme "my_grid" has rules with an empty or out-of-range score range: "About To Sleep" (priority 1), "At Risk" (priority 1), "Can''t Lose Them" (priority 1), "Hibernating" (priority 1), "Loyal Customers" (priority 1), "Need Attention" (priority 1), "New Customers" (priority 1), "Potential Loyalists" (priority 1), "Promising" (priority 1), "Stars" (priority 1) / Each range needs 1 <= min <= max <= ntiles.',
	'lowering ntiles below the rules is rejected at commit, naming every offending rule');
ROLLBACK TO SAVEPOINT multi_statement;
SET CONSTRAINTS ALL DEFERRED;

-- ---- product catalogue ---------------------------------------------------------------------
SELECT throws_ok($$UPDATE clientele.product_type SET counts_in_aum = false WHERE product_type = 'insurance'$$, '42501',
	'cannot update a row of clientele.product_type shipped with the extension', 'a shipped product type cannot be edited');
CREATE FUNCTION pg_temp.detail_of(p_sql text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE v_detail text;
BEGIN
	EXECUTE p_sql;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL;
	RETURN v_detail;
END $f$;
SELECT is(pg_temp.detail_of($$DELETE FROM clientele.product_type WHERE product_type = 'insurance'$$),
	'Row (product_type)=(insurance) is builtin: pg_dump keeps only rows with builtin = false, so the change would be lost in a restore.',
	'the error names the shipped row by its primary key');
SELECT is(pg_temp.detail_of($$DELETE FROM clientele.rfm_segment_rule WHERE scheme = 'rfm_package' AND priority = 10$$),
	'Row (scheme, priority, r_min, f_min, m_min)=(rfm_package, 10, 1, 1, 1) is builtin: pg_dump keeps only rows with builtin = false, so the change would be lost in a restore.',
	'... a composite primary key too');
SELECT lives_ok($$INSERT INTO clientele.product_type (product_type, category, may_go_negative, counts_in_aum, description)
	VALUES ('bank_insurance', 'insurance', false, false, 'insurance outside AUM');
	UPDATE clientele.product_type SET description = 'edited' WHERE product_type = 'bank_insurance';
	DELETE FROM clientele.product_type WHERE product_type = 'bank_insurance'$$,
	'a bank''s own product type can be added, edited and deleted');

-- ---- value tables: shipped specification, the bank's values cached per backend -----------------
SELECT is(pg_temp.error_of($$INSERT INTO clientele.value_param_spec (name, default_value, min_value, max_value, description) VALUES ('x', 1, 0, 2, 'x')$$),
	'42501: table clientele.value_param_spec ships with the extension and is read-only / Set a parameter in clientele.value_param.',
	'the parameter specification is read-only, the hint says where values go');
SELECT throws_ok($$TRUNCATE clientele.value_rate_default$$, '42501',
	'table clientele.value_rate_default ships with the extension and is read-only', 'TRUNCATE of the default rates is refused');
SELECT is(clientele.value_setting('day_count_basis'), 365::numeric, 'value_setting: the default (compiled)');
INSERT INTO clientele.value_param (name, value) VALUES ('day_count_basis', 360);
SELECT is(clientele.value_setting('day_count_basis'), 360::numeric, 'value_setting sees the change in the next statement of the same transaction');
UPDATE clientele.value_param SET value = 366 WHERE name = 'day_count_basis';
SELECT is(clientele.value_setting('day_count_basis'), 366::numeric, '... and after an update');
DELETE FROM clientele.value_param WHERE name = 'day_count_basis';
SELECT is(clientele.value_setting('day_count_basis'), 365::numeric, '... and back to the default after a delete');
SAVEPOINT rolled_back;
INSERT INTO clientele.value_param (name, value) VALUES ('activity_months', 6);
SELECT is(clientele.value_setting('activity_months'), 6::numeric, 'a value set in a savepoint is seen');
ROLLBACK TO SAVEPOINT rolled_back;
SELECT is(clientele.value_setting('activity_months'), 12::numeric, 'a rolled-back value is not seen afterwards');

-- ---- the helper itself ---------------------------------------------------------------------
CREATE TEMP TABLE not_ours (x int);
SELECT throws_ok($$SELECT clientele.config_table_register('not_ours')$$, '22023',
	'configuration table not_ours is not in schema clientele', 'register: only tables of schema clientele');
SELECT throws_ok($$SELECT clientele.config_table_register('clientele.value_param', p_rows => 'mixed')$$, '22023',
	'configuration table clientele.value_param needs a column builtin boolean NOT NULL exactly when its rows are mixed',
	'register: mixed rows need a builtin column');
SELECT throws_ok($$SELECT clientele.config_table_register('clientele.tier_scheme', p_rows => 'bank')$$, '22023',
	'configuration table clientele.tier_scheme needs a column builtin boolean NOT NULL exactly when its rows are mixed',
	'register: a table with a builtin column has mixed rows');
SELECT throws_ok($$SELECT clientele.config_table_register('clientele.tier_scheme', p_rows => 'some')$$, '22023',
	'p_rows must be mixed, shipped or bank, got some', 'register: p_rows is checked');
SELECT is(has_function_privilege('public', 'clientele.config_table_register(regclass, text, regprocedure, text, text, boolean)', 'EXECUTE'), false,
	'register is not executable by PUBLIC');
SELECT is((SELECT string_agg(c.relname, ', ' ORDER BY c.relname) FROM pg_class c
           WHERE c.relnamespace = 'clientele'::regnamespace
             AND c.relname ~ '^(value_|tier_|rfm_segment_|product_type$|regulatory_threshold$)'
             AND EXISTS (SELECT FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgfoid = 'clientele.config_changed'::regproc)),
	'rfm_segment_rule, rfm_segment_scheme, tier_band, tier_scheme, tier_version, value_param, value_param_spec',
	'config_changed fires only on tables a C cache reads (tier schemes, RFM rules, value settings), not on those read by SQL (rates, product catalogue, regulatory thresholds)');

SELECT * FROM finish();
ROLLBACK;
