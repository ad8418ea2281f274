-- Issue 15 audit, from a bank's point of view: segment predicates as an
-- analyst writes them (IN lists, NOT (...), parenthesised AND / OR), a
-- refresh run again for the same date (nothing changes) and run before the
-- day's load then again after it (the figures and the lifecycle stage follow
-- the loaded rows, the stage history is recorded again), point in time for
-- every input (later interactions, income lines, customers, accounts), and
-- PUBLIC on every type; every sequence of a dumped table is dumped; every
-- column has a COMMENT.
BEGIN;
SELECT plan(27);

\ir include/err.sql
CREATE FUNCTION pg_temp.state_md5() RETURNS text
LANGUAGE sql AS $$
	SELECT md5(concat_ws('/',
		(SELECT string_agg(r::text, '|' ORDER BY as_of, customer_id) FROM clientele.customer_result r),
		(SELECT string_agg(m::text, '|' ORDER BY as_of, customer_id, segment) FROM clientele.segment_membership m),
		(SELECT string_agg(k::text, '|' ORDER BY as_of, level, group_value) FROM clientele.kpi_history k),
		(SELECT string_agg(h::text, '|' ORDER BY customer_id, valid_from) FROM clientele.lifecycle_history h),
		(SELECT string_agg(l.as_of || ' ' || l.rules || ' ' || l.customers, '|' ORDER BY as_of) FROM clientele.lifecycle_recorded l),
		(SELECT string_agg(s::text, '|' ORDER BY customer_id) FROM clientele.customer_scorecard s)))
$$;

SET client_min_messages = warning;

-- --- segment predicates -------------------------------------------------------
SELECT is(pg_temp.err($$SELECT clientele.segment_predicate_check('rfm_segment IN (''champions'', ''loyal'')')$$), 'ok',
	'a predicate with an IN list is accepted');
SELECT is(pg_temp.err($$SELECT clientele.segment_predicate_check('rfm_segment NOT IN (''lost'')')$$), 'ok', 'and with NOT IN');
SELECT is(pg_temp.err($$SELECT clientele.segment_predicate_check('NOT (aum > 0)')$$), 'ok', 'NOT (...) is accepted');
SELECT is(pg_temp.err($$SELECT clientele.segment_predicate_check('active AND (aum > 100000 OR loans > 0)')$$), 'ok',
	'a AND (b OR c) is accepted');
SELECT is(pg_temp.err($$SELECT clientele.segment_predicate_check('(aum > 0) OR (loans > 0)')$$), 'ok', '(a) OR (b) is accepted');
SELECT is(pg_temp.err($$SELECT clientele.segment_predicate_check('aum BETWEEN (1000) AND (2000 * 10)')$$), 'ok',
	'BETWEEN (...) AND (...) is accepted');
SELECT is(pg_temp.err($$SELECT clientele.segment_predicate_check('like(region, ''n%'')')$$),
	'22023: function "like" is not allowed in a segment predicate', 'like(...) as a function call is still refused');
SELECT is(pg_temp.err($$SELECT clientele.segment_predicate_check('is(aum)')$$),
	'22023: function "is" is not allowed in a segment predicate', 'so is is(...)');
SELECT is(pg_temp.err($$SELECT clientele.segment_predicate_check('aum IN (SELECT 1)')$$),
	'22023: unknown column or keyword "SELECT" in segment predicate', 'a sub-query after IN is still refused');

DO $$ BEGIN PERFORM clientele.generate_demo_bank(500, 7); END $$;
SELECT is(pg_temp.err($$INSERT INTO clientele.segment_definition (segment, description, predicate)
	VALUES ('audit_vip', 'Champions or loyal with AUM or loans', 'rfm_segment IN (''Champions'', ''Loyal Customers'') AND (aum > 10000 OR loans > 0)')$$),
	'ok', 'a segment definition with an IN list and a parenthesised OR is stored');

-- --- the same date again: nothing changes -------------------------------------
CALL clientele.refresh('2025-12-31');
CALL clientele.refresh('2026-01-01');
SELECT pg_temp.state_md5() AS before \gset
CALL clientele.refresh('2026-01-01');
SELECT is(pg_temp.state_md5(), :'before',
	'refreshing the newest date again leaves results, memberships, KPIs, the stage history and the scorecard unchanged');
CALL clientele.refresh('2025-12-31');
SELECT is(pg_temp.state_md5(), :'before', 'and so does refreshing an earlier date again');
SELECT ok((SELECT count(*) FROM clientele.segment_membership WHERE as_of = '2026-01-01' AND segment = 'audit_vip') > 0,
	'the IN-list segment has members');
SELECT is((SELECT count(*) FROM clientele.segment_membership WHERE as_of = '2026-01-01' AND segment = 'audit_vip'),
	(SELECT count(*) FROM clientele.customer_result WHERE as_of = '2026-01-01'
	 AND rfm_segment IN ('Champions', 'Loyal Customers') AND (aum > 10000 OR loans > 0)),
	'its members are the customers its predicate holds for');

-- --- refresh before the day's load, then again after it ---------------------
SELECT string_agg(customer_id || ':' || lifecycle_stage, ',' ORDER BY customer_id) AS day1_before
FROM clientele.customer_result WHERE as_of = '2025-12-31' \gset
CREATE TEMP TABLE quiet AS
SELECT r.customer_id, (SELECT a.account_id FROM clientele.account a
                       WHERE a.customer_id = r.customer_id AND a.closed_on IS NULL ORDER BY a.account_id LIMIT 1) AS account_id
FROM clientele.customer_result r WHERE r.as_of = '2026-01-01' AND NOT r.is_closed AND NOT r.active;
DELETE FROM quiet WHERE account_id IS NULL;
SELECT ok((SELECT count(*) FROM quiet) > 0, 'the demo bank has open customers inactive on 2026-01-01');
-- the day's load: each of them makes three deposits on the refresh date
INSERT INTO clientele.transaction (txn_id, customer_id, account_id, ts, amount, direction, channel, kind, customer_initiated)
SELECT 910000000 + q.customer_id * 10 + g, q.customer_id, q.account_id, '2026-01-01 10:00+00'::timestamptz + g * interval '1 hour',
       500, 'in', 'mobile', 'deposit', true
FROM quiet q, generate_series(1, 3) g;
CALL clientele.refresh('2026-01-01');
SELECT is((SELECT count(*) FROM clientele.customer_result r JOIN quiet q USING (customer_id)
           WHERE r.as_of = '2026-01-01' AND r.active AND r.last_activity = '2026-01-01'),
	(SELECT count(*) FROM quiet), 'after the load, the refresh of the same date sees the day''s transactions');
SELECT is((SELECT count(*) FROM clientele.customer_result r
           JOIN clientele.lifecycle('2026-01-01') l USING (customer_id)
           WHERE r.as_of = '2026-01-01' AND r.lifecycle_stage IS DISTINCT FROM l.stage::text), 0::bigint,
	'and every lifecycle stage is the one of the loaded data (clientele.lifecycle), not the one recorded before the load');
SELECT ok((SELECT count(*) FROM clientele.customer_result r JOIN quiet q USING (customer_id)
           JOIN clientele.customer_result p ON p.customer_id = r.customer_id AND p.as_of = '2025-12-31'
           WHERE r.as_of = '2026-01-01' AND r.lifecycle_stage IS DISTINCT FROM p.lifecycle_stage) > 0,
	'(some of those customers changed stage with the load)');
SELECT is((SELECT count(*) FROM clientele.lifecycle_history h
           JOIN clientele.customer_result r ON r.customer_id = h.customer_id AND r.as_of = '2026-01-01'
           WHERE h.valid_from <= '2026-01-01' AND (h.valid_to IS NULL OR h.valid_to > '2026-01-01')
             AND h.stage::text IS DISTINCT FROM r.lifecycle_stage), 0::bigint,
	'the stage history holds the stages of the refresh, recorded again');
SELECT is((SELECT count(*) FROM (SELECT customer_id FROM clientele.lifecycle_history WHERE valid_to IS NULL
                                 GROUP BY customer_id HAVING count(*) > 1) x), 0::bigint,
	'with one open period per customer');
SELECT is((SELECT count(*) FROM clientele.lifecycle_recorded WHERE as_of = '2026-01-01'), 1::bigint, 'and the date recorded once');
SELECT is((SELECT string_agg(customer_id || ':' || lifecycle_stage, ',' ORDER BY customer_id)
           FROM clientele.customer_result WHERE as_of = '2025-12-31'), :'day1_before',
	'the previous date keeps its stages');
SELECT is((SELECT count(*) FROM clientele.my_customer_scorecard), 0::bigint, '(a superuser is nobody''s manager)');

-- --- point in time: rows dated after as_of, of every input ----------------------
CALL clientele.refresh('2025-06-30');
SELECT md5(string_agg(r::text, '|' ORDER BY customer_id)) AS pit_before
FROM clientele.customer_result r WHERE as_of = '2025-06-30' \gset
SAVEPOINT later_rows;
-- complaints and address changes, income lines of a later month, a customer
-- and accounts opened later with large balances
INSERT INTO clientele.interaction (customer_id, ts, kind)
SELECT customer_id, '2025-07-01 09:00+00', k FROM clientele.customer, unnest(ARRAY['complaint', 'address_change', 'rm_contact']) k
WHERE opened_on <= '2025-06-30';
INSERT INTO clientele.income (customer_id, month, ftp_income, fee_income, loan_interest, cost)
SELECT customer_id, '2025-07-01', 1000, 1000, 1000, 1 FROM clientele.customer WHERE opened_on <= '2025-06-30'
ON CONFLICT DO NOTHING;
INSERT INTO clientele.customer (customer_id, customer_type, branch, region, relationship_manager, opened_on)
SELECT 987654, 'individual', branch, region, relationship_manager, '2025-07-05' FROM clientele.customer ORDER BY customer_id LIMIT 1;
INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on)
SELECT 98765400, 987654, 'savings', '2025-07-05'::date
UNION ALL SELECT 98765401, min(customer_id), 'savings', '2025-07-05'::date FROM clientele.customer WHERE opened_on <= '2025-06-30' AND closed_on IS NULL;
INSERT INTO clientele.balance (account_id, as_of, balance) VALUES (98765400, '2025-07-05', 5000000), (98765401, '2025-07-05', 5000000);
CALL clientele.refresh('2025-06-30');
SELECT is((SELECT md5(string_agg(r::text, '|' ORDER BY customer_id)) FROM clientele.customer_result r WHERE as_of = '2025-06-30'),
	:'pit_before', 'interactions, income lines, customers and accounts dated after as_of change nothing');
ROLLBACK TO SAVEPOINT later_rows;

-- --- PUBLIC and the dumps ------------------------------------------------------
CREATE ROLE cl_audit_nobody LOGIN;
SELECT is((SELECT count(*) FROM pg_type t WHERE t.typnamespace = 'clientele'::regnamespace
           AND has_type_privilege('cl_audit_nobody', t.oid, 'USAGE')), 0::bigint,
	'no type of the extension (row types of tables and views included) is usable by a role without a clientele role');
SELECT is((SELECT count(*) FROM pg_depend d
           JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
           JOIN pg_extension e ON e.extname = 'clientele' AND d.refobjid = ANY (e.extconfig)
           WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
             AND NOT (s.oid = ANY (e.extconfig))), 0::bigint,
	'every sequence of a table pg_dump keeps is kept too (pg_extension_config_dump)');

SELECT is((SELECT string_agg(c.relname || '.' || a.attname, ', ' ORDER BY c.relname, a.attnum)
           FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
           WHERE c.relnamespace = 'clientele'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'c')
             AND col_description(c.oid, a.attnum) IS NULL), NULL,
	'every column of every table, view, materialized view and composite type of the extension has a COMMENT');

SELECT * FROM finish();
ROLLBACK;
