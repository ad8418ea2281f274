-- Sources (issue 12): a mapping never endangers the extension, only trusted
-- owners, the querying role's privileges and row-level policies hold, code maps,
-- column shapes, the key map, and a report line for every check class.
BEGIN;
SELECT plan(98);
SET LOCAL client_min_messages = error;

CREATE FUNCTION pg_temp.err(p_sql text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE p_sql;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
CREATE FUNCTION pg_temp.as_role(p_role text, p_sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v text;
BEGIN
	EXECUTE format('SET LOCAL ROLE %I', p_role);
	EXECUTE p_sql INTO v;
	RESET ROLE;
	RETURN v;
EXCEPTION WHEN OTHERS THEN
	RESET ROLE;
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
CREATE FUNCTION pg_temp.plan(q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	r text;
	o text := '';
BEGIN
	FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
		o := o || r || E'\n';
	END LOOP;
	RETURN o;
END $$;
-- one report line of check_sources as text
CREATE FUNCTION pg_temp.line(p_input text, p_check text) RETURNS text
LANGUAGE sql AS $$
	SELECT string_agg(concat_ws(' | ', status, rows, examples), '; ')
	FROM clientele.check_sources(NULL, p_input) WHERE check_name = p_check
$$;

-- ---------------------------------------------------------------- 1. safety
CREATE SCHEMA core;
CREATE TABLE core.t (txn_id bigint, customer_id bigint, ts timestamptz, amount numeric, direction text,
	channel text, kind text, customer_initiated boolean);
INSERT INTO core.t VALUES (1, 1, '2024-01-01 10:00+00', 5, 'in', 'atm', 'deposit', true);
SELECT clientele.use_source('transaction', 'core.t');
SELECT is((SELECT count(*) FROM clientele.in_transaction), 1::bigint, 'the input view reads the mapped table');
SELECT is((SELECT count(*) FROM pg_depend d WHERE d.refobjid = 'core.t'::regclass AND d.classid = 'pg_rewrite'::regclass), 0::bigint,
	'no view depends on the mapped table');
SELECT is(pg_temp.err('DROP TABLE core.t CASCADE'), 'no error', 'DROP TABLE ... CASCADE of a mapped source succeeds');
SELECT is((SELECT count(*) FROM pg_extension WHERE extname = 'clientele'), 1::bigint, '... and the extension is still there');
SELECT is(pg_temp.err('SELECT count(*) FROM clientele.in_transaction'),
	'42P01: input "transaction" reads relation core.t, which does not exist', 'a dropped source: the error names the input and the relation');
SELECT is(pg_temp.line('transaction', 'source'), 'error | core.t', 'check_sources reports the missing source');
CREATE TABLE core.t (txn_id bigint, customer_id bigint, ts timestamptz, amount integer, direction text,
	channel text, kind text, customer_initiated boolean);
INSERT INTO core.t VALUES (1, 1, '2024-01-01 10:00+00', 5, 'in', 'atm', 'deposit', true), (2, 1, '2024-01-02 10:00+00', 7, 'in', 'atm', 'deposit', true);
SELECT is(pg_temp.err($$SELECT clientele.use_source('transaction', 'core.t')$$), 'no error', 'use_source can be re-run after the source is re-created');
SELECT is((SELECT sum(amount) FROM clientele.in_transaction), 12::numeric, 'the re-created source is read');
ALTER TABLE core.t ALTER COLUMN amount TYPE numeric(12, 3);
SELECT is((SELECT sum(amount) FROM clientele.in_transaction), 12.000::numeric, 'a source''s column type can change without re-mapping');
ALTER TABLE core.t RENAME TO t_old;
SELECT is(pg_temp.err('SELECT count(*) FROM clientele.in_transaction'),
	'42P01: input "transaction" reads relation core.t, which does not exist', 'a renamed source: the error names the input and the relation');
ALTER TABLE core.t_old RENAME TO t;
SELECT clientele.use_source('transaction', 'core.t');
CREATE VIEW core.v AS SELECT * FROM core.t;
SELECT clientele.use_source('transaction', 'core.v');
SELECT is(pg_temp.err('DROP VIEW core.v'), 'no error', 'a mapped view can be dropped without CASCADE');
SELECT is(pg_temp.err('DROP SCHEMA core CASCADE'), 'no error', 'DROP SCHEMA ... CASCADE of the sources succeeds');
SELECT is((SELECT count(*) FROM pg_extension WHERE extname = 'clientele'), 1::bigint, '... and the extension is still there');
SELECT clientele.use_source('transaction', NULL);
SELECT is((SELECT count(*) FROM clientele.source_config), 0::bigint, 'use_source(input, NULL) restores the canonical table');
SELECT is(pg_temp.err($$SELECT clientele.use_source('transaction', 'clientele.customer')$$),
	'22023: relation clientele.customer of the extension cannot be a source', 'an extension table is not a source');
CREATE TEMP TABLE tmp_t AS SELECT * FROM clientele.transaction;
SELECT is(pg_temp.err($$SELECT clientele.use_source('transaction', 'tmp_t')$$),
	'22023: temporary relation tmp_t cannot be a source', 'a temporary table is not a source');
CREATE SEQUENCE pg_temp.s;
SELECT is(pg_temp.err($$SELECT clientele.use_source('transaction', 'pg_temp.s')$$),
	'42809: s is not a table, view, materialized view or foreign table', 'a sequence is not a source');

-- ---------------------------------------------------------------- 2. trust and privileges
CREATE SCHEMA bank;
CREATE ROLE clientele_test_etl NOLOGIN;
CREATE ROLE clientele_test_admin NOLOGIN IN ROLE clientele_admin;
CREATE ROLE clientele_test_lim NOLOGIN;
CREATE ROLE clientele_test_none NOLOGIN;
GRANT USAGE, CREATE ON SCHEMA bank TO clientele_test_etl, clientele_test_admin;
CREATE TABLE bank.cust (customer_id bigint, customer_type text, opened_on date, branch text);
INSERT INTO bank.cust SELECT i, 'individual', '2020-01-01', CASE WHEN i <= 3 THEN 'b1' ELSE 'b2' END FROM generate_series(1, 50) i;
CREATE VIEW bank.cust_etl AS SELECT * FROM bank.cust;
ALTER VIEW bank.cust_etl OWNER TO clientele_test_etl;
SELECT is(pg_temp.err($$SELECT clientele.use_source('customer', 'bank.cust_etl')$$),
	'42501: source bank.cust_etl of input "customer" is owned by role clientele_test_etl, which is not trusted',
	'a source owned by an untrusted role is refused');
SELECT is(pg_temp.err($$INSERT INTO clientele.source_config (input, relation) VALUES ('customer', 'bank.cust_etl')$$),
	'42501: source bank.cust_etl of input "customer" is owned by role clientele_test_etl, which is not trusted',
	'... also when written into source_config directly');
CREATE VIEW bank.cust_adm AS SELECT * FROM bank.cust;
ALTER VIEW bank.cust_adm OWNER TO clientele_test_admin;
GRANT SELECT ON bank.cust TO clientele_test_admin;
SELECT is(pg_temp.err($$SELECT clientele.use_source('customer', 'bank.cust_adm')$$), 'no error', 'a member of clientele_admin is trusted');
ALTER VIEW bank.cust_adm OWNER TO clientele_test_etl;
SELECT is(pg_temp.line('customer', 'source'), 'error | bank.cust_adm', 'check_sources reports a source whose owner became untrusted');
SELECT clientele.use_source('customer', 'bank.cust');
ALTER TABLE bank.cust ENABLE ROW LEVEL SECURITY;
CREATE POLICY branch_b1 ON bank.cust FOR SELECT TO clientele_test_lim USING (branch = 'b1');
GRANT USAGE ON SCHEMA bank, clientele TO clientele_test_lim, clientele_test_none;
GRANT SELECT ON bank.cust TO clientele_test_lim;
GRANT SELECT ON clientele.in_customer TO clientele_test_lim, clientele_test_none;
-- PUBLIC may execute nothing (area access): the readers of in_customer get its function
GRANT EXECUTE ON FUNCTION clientele.source_customer() TO clientele_test_lim, clientele_test_none;
SELECT is((SELECT count(*) FROM clientele.in_customer), 50::bigint, 'the owner reads every row');
SELECT is(pg_temp.as_role('clientele_test_lim', 'SELECT count(*) FROM clientele.in_customer'), '3',
	'a policy-limited role reads only its 3 rows through the input view (security_invoker)');
SELECT is(pg_temp.as_role('clientele_test_none', 'SELECT count(*) FROM clientele.in_customer'), '42501: permission denied for table cust',
	'a role without SELECT on the source is refused through the input view');
SELECT is((SELECT reloptions FROM pg_class WHERE oid = 'clientele.in_transaction'::regclass), '{security_invoker=true}'::text[],
	'input views are security_invoker');
SELECT clientele.use_source('customer', NULL);

-- ---------------------------------------------------------------- 3. codes and shapes
CREATE TABLE bank.txn (id bigint, cust_no text, acct_no text, booked timestamp, amt numeric, chan text, typ text);
INSERT INTO bank.txn VALUES
	(1, '000123', 'A1', '2024-01-01 10:00', -50.25, 'BR', 'WD'),
	(2, '000124', 'A2', '2024-02-01 10:00', 100, 'MOB', 'DP'),
	(3, '000123', 'A1', '2024-02-03 08:00', 0, 'MOB', 'ENQ');
SELECT clientele.map_column('transaction', 'txn_id', 'column', 'id');
SELECT clientele.map_column('transaction', 'customer_id', 'key', 'cust_no');
SELECT clientele.map_column('transaction', 'account_id', 'key', 'acct_no');
SELECT clientele.map_column('transaction', 'ts', 'local_time', 'booked', 'Asia/Shanghai');
SELECT clientele.map_column('transaction', 'amount', 'abs', 'amt');
SELECT clientele.map_column('transaction', 'direction', 'sign_direction', 'amt');
SELECT clientele.map_column('transaction', 'channel', 'column', 'chan');
SELECT clientele.map_column('transaction', 'kind', 'column', 'typ');
SELECT clientele.map_column('transaction', 'customer_initiated', 'constant', NULL, 'true');
SELECT clientele.map_code('transaction', 'channel', 'BR', 'counter');
SELECT clientele.map_code('transaction', 'channel', 'MOB', 'mobile');
SELECT clientele.map_code('transaction', 'kind', 'WD', 'withdrawal');
SELECT clientele.map_code('transaction', 'kind', 'DP', 'deposit');
SELECT clientele.map_code('transaction', 'kind', 'ENQ', 'enquiry');
SELECT clientele.use_source('transaction', 'bank.txn');
SELECT results_eq($$SELECT txn_id, clientele.bank_key('customer', customer_id), clientele.bank_key('account', account_id),
	ts, amount, direction, channel, kind, customer_initiated FROM clientele.in_transaction ORDER BY txn_id$$,
	$$VALUES (1::bigint, '000123', 'A1', timestamptz '2024-01-01 02:00+00', 50.25::numeric, 'out', 'counter', 'withdrawal', true),
	         (2, '000124', 'A2', '2024-02-01 02:00+00', 100, 'in', 'mobile', 'deposit', true),
	         (3, '000123', 'A1', '2024-02-03 00:00+00', 0, 'none', 'mobile', 'enquiry', true)$$,
	'signed amount -> amount + direction, local time, text keys through the key map, codes translated');
SELECT is((SELECT count(*) FROM clientele.in_transaction WHERE customer_id IS NULL), 0::bigint, 'every bank key is mapped');
CREATE TEMP TABLE ids AS SELECT kind, bank_key, id FROM clientele.key_map;
INSERT INTO bank.txn VALUES (4, '000001', 'A0', '2024-03-01 10:00', 10, 'BR', 'DP');
SELECT is((SELECT count(*) FROM clientele.in_transaction WHERE customer_id IS NULL), 1::bigint, 'a new bank key reads as NULL until synced');
SELECT is(clientele.sync_keys(), 2::bigint, 'sync_keys adds the new customer and account keys');
SELECT is((SELECT count(*) FROM ids JOIN clientele.key_map k USING (kind, bank_key) WHERE k.id <> ids.id), 0::bigint,
	'sync_keys never renumbers a known key');
SELECT is((SELECT clientele.bank_key('customer', customer_id) FROM clientele.in_transaction WHERE txn_id = 4), '000001',
	'results report the bank''s own key (leading zeros kept)');
SELECT is(clientele.bank_key('customer', 987654), '987654', 'bank_key of an id not in the key map is the id');
SELECT ok(pg_temp.plan('SELECT * FROM clientele.in_transaction') NOT LIKE '%Function Scan%',
	'the input function is inlined by the planner (no function scan)');
SELECT is(pg_temp.err($$SELECT clientele.map_code('transaction', 'channel', 'TEL', 'telegraph')$$),
	'23514: code map transaction.channel: "TEL" -> "telegraph" is not in the vocabulary', 'a code outside the vocabulary is refused');
SELECT is(pg_temp.err($$SELECT clientele.map_code('account', 'product_type', 'GOLD', 'gold')$$),
	'23503: code map account.product_type: "GOLD" -> "gold" names an unknown product type', 'a product code must be in the catalogue');
SELECT is(pg_temp.err($$SELECT clientele.map_code('customer', 'branch', 'X', 'y')$$),
	'23514: input column customer.branch has no vocabulary to map codes into', 'a column without vocabulary takes no code map');
SELECT is(pg_temp.err($$SELECT clientele.map_column('transaction', 'ts', 'local_time', 'booked', 'Mars/Olympus')$$),
	'22023: unknown time zone "Mars/Olympus"', 'an unknown time zone is refused');
-- local_time: the input view converts with clientele.local_time, which must equal
-- AT TIME ZONE everywhere, DST transitions included (a repeated local time is the
-- later instant, a skipped one reads with the offset before the change), in any row order
SELECT ok(pg_get_functiondef('clientele.source_transaction()'::regprocedure) LIKE '%clientele.local_time(s.booked, ''Asia/Shanghai'')%',
	'shape local_time compiles to clientele.local_time (no per-row zone lookup)');
SELECT is((SELECT count(*) FILTER (WHERE clientele.local_time(l, z) IS DISTINCT FROM (l AT TIME ZONE z)) || '/' || count(*)
           FROM (SELECT z, l FROM unnest(ARRAY['America/New_York', 'Australia/Lord_Howe', 'Europe/Moscow', 'Asia/Shanghai', 'CET']) z,
                 generate_series(timestamp '2010-01-01', '2015-12-31', interval '97 minutes 13.5 seconds') l ORDER BY random()) q),
	'0/162185', 'local_time = AT TIME ZONE over 6 years of 5 zones (an abbreviation too), rows in random order');
SELECT is((SELECT count(*) FILTER (WHERE clientele.local_time(l, 'America/New_York') IS DISTINCT FROM (l AT TIME ZONE 'America/New_York')) || '/' || count(*)
           FROM (SELECT l FROM (SELECT generate_series(timestamp '2024-03-10 01:00', '2024-03-10 04:00', interval '1 second')
                                UNION ALL SELECT generate_series(timestamp '2024-11-03 00:00', '2024-11-03 03:00', interval '0.5 second')
                                UNION ALL SELECT generate_series(timestamp '2024-03-01', '2024-11-10', interval '1 hour')) u(l) ORDER BY random()) q),
	'0/38499', 'local_time = AT TIME ZONE second by second across both 2024 New York transitions');
SELECT is(clientele.local_time('2024-11-03 01:30', 'America/New_York') || ' ' || clientele.local_time('2024-03-10 02:30', 'America/New_York')
	|| ' ' || clientele.local_time('infinity', 'Asia/Shanghai'),
	'2024-11-03 06:30:00+00 2024-03-10 07:30:00+00 infinity', 'a repeated and a skipped local time, infinity');
SELECT is(clientele.local_time(date '2024-01-01', 'Asia/Shanghai'), timestamptz '2023-12-31 16:00+00',
	'a date converts as its local midnight (AT TIME ZONE on a date read it as a UTC instant)');
SELECT is(pg_temp.err($$SELECT clientele.local_time('2024-01-01', 'Mars/Olympus')$$),
	'22023: time zone "Mars/Olympus" not recognized', 'local_time: an unknown zone is the error of AT TIME ZONE');
SELECT is(pg_temp.err($$SELECT clientele.map_column('transaction', 'ts', 'rot13', 'booked')$$),
	'22023: unknown column shape "rot13"', 'an unknown shape is refused');
SELECT is(pg_temp.err($$SELECT clientele.map_column('transaction', 'colour', 'column', 'booked')$$),
	'42703: input "transaction" has no column "colour"', 'an unknown input column is refused');
SELECT is(pg_temp.err($$SELECT clientele.map_column('transaction', 'kind', 'column', 'nope')$$ || $$; SELECT clientele.use_source('transaction', 'bank.txn')$$),
	'42703: relation bank.txn has no column "nope" required by input "transaction"', 'use_source validates mapped source columns');
SELECT clientele.map_column('transaction', 'kind', 'column', 'typ');
SELECT is(pg_temp.err($$SELECT clientele.map_column('transaction', 'customer_initiated', 'constant', NULL, 'maybe'); SELECT clientele.use_source('transaction', 'bank.txn')$$),
	'22P02: constant ''maybe'' of column "customer_initiated" of input "transaction" is not a valid boolean', 'use_source validates constants');
SELECT clientele.map_column('transaction', 'customer_initiated', 'constant', NULL, 'true');
SELECT is(pg_temp.err($$SELECT clientele.map_column('transaction', 'amount', 'abs', 'chan'); SELECT clientele.use_source('transaction', 'bank.txn')$$),
	'42804: column "chan" of relation bank.txn has type text, but shape abs needs a number', 'abs needs a number');
SELECT clientele.map_column('transaction', 'amount', 'abs', 'amt');

SELECT is(pg_temp.err($$SELECT clientele.map_code('transaction', 'channel', NULL, 'atm')$$),
	'22023: source code must not be NULL', 'a NULL source code is refused');
SELECT clientele.map_code('transaction', 'channel', 'TEL', 'phone');
SELECT clientele.map_code('transaction', 'channel', 'TEL', NULL);
SELECT is((SELECT count(*) FROM clientele.code_map WHERE source_code = 'TEL'), 0::bigint, 'map_code with a NULL code removes the translation');
SELECT clientele.map_column('transaction', 'counterparty_bank', 'constant', NULL, 'x');
SELECT clientele.map_column('transaction', 'counterparty_bank', NULL);
SELECT is((SELECT count(*) FROM clientele.source_column WHERE column_name = 'counterparty_bank'), 0::bigint, 'map_column with a NULL shape removes the column map');
SELECT is(pg_temp.err($$SELECT clientele.sync_keys('ledger')$$), '22023: unknown input "ledger"', 'sync_keys checks the input name');
SELECT is(pg_temp.err($$SELECT count(*) FROM clientele.use_schema('no_such_schema')$$), '3F000: schema "no_such_schema" does not exist',
	'use_schema: an unknown schema');

-- ---------------------------------------------------------------- 4. every check class has a report line
SELECT is(pg_temp.line('transaction', 'mixed_sources'), NULL, 'no mixed_sources line while the canonical tables are empty');
INSERT INTO clientele.customer (customer_id, opened_on) VALUES (777, '2020-01-01');
SELECT is(pg_temp.line('customer', 'mixed_sources'), 'warning | 1 | clientele.customer', 'mixed_sources: a canonical table with rows while another input is mapped');
DELETE FROM clientele.customer;
CREATE TABLE bank.cust2 (customer_id bigint, customer_type text, opened_on date, closed_on date);
INSERT INTO bank.cust2 VALUES (1, 'P', '2020-01-01', NULL), (1, 'P', '2020-01-01', NULL), (NULL, 'X', '2020-01-01', NULL),
	(2, 'P', current_date + 5, NULL), (3, 'ZZ', '2020-01-01', NULL);
SELECT clientele.map_code('customer', 'customer_type', 'P', 'individual');
SELECT clientele.use_source('customer', 'bank.cust2');
SELECT is(pg_temp.line('customer', 'rows'), 'ok | 5 | bank.cust2', 'rows: the count and the source');
SELECT is(pg_temp.line('customer', 'unknown_code:customer_type'), 'error | 2 | X (1), ZZ (1)', 'unknown codes with the top values');
SELECT is(pg_temp.line('customer', 'null_key'), 'error | 1 | ?', 'NULL keys');
SELECT is(pg_temp.line('customer', 'duplicate_key'), 'error | 2 | 1', 'duplicate keys with the key');
SELECT is(pg_temp.line('customer', 'future_date'), 'warning | 1 | 2', 'dates after today');
CREATE TABLE bank.acct (account_id bigint, customer_id bigint, product_type text, opened_on date, status text);
INSERT INTO bank.acct VALUES (10, 1, 'SAV', '2020-01-01', 'A'), (11, 99, 'savings', '2020-01-01', 'active');
SELECT clientele.use_source('account', 'bank.acct');
SELECT is(pg_temp.line('account', 'unknown_code:product_type'), 'error | 1 | SAV (1)', 'unknown product type');
SELECT is(pg_temp.line('account', 'unknown_code:status'), 'error | 1 | A (1)', 'unknown account status');
SELECT is(pg_temp.line('account', 'orphan_customer'), 'error | 1 | 11', 'accounts of unknown customers');
CREATE TABLE bank.bal (account_id bigint, as_of date, balance numeric);
INSERT INTO bank.bal VALUES (10, '2024-01-31', 'NaN'), (12, '2024-01-31', 5), (10, '2024-01-31', 6);
SELECT clientele.use_source('balance', 'bank.bal');
SELECT is(pg_temp.line('balance', 'unknown_account'), 'error | 1 | 12', 'balance snapshots of unknown accounts');
SELECT is(pg_temp.line('balance', 'non_finite'), 'error | 1 | 10@2024-01-31', 'non-finite balances');
SELECT is(pg_temp.line('balance', 'duplicate_key'), 'error | 2 | 10@2024-01-31', 'two snapshots of one account and day');
CREATE TABLE bank.txn2 (txn_id bigint, customer_id bigint, account_id bigint, ts timestamptz, amount numeric,
	direction text, channel text, kind text, customer_initiated boolean);
INSERT INTO bank.txn2 VALUES (1, 1, 10, '2024-01-01', -5, 'out', 'atm', 'withdrawal', true),
	(2, 42, 77, now() + interval '1 day', 'Infinity', 'in', 'atm', 'deposit', true);
DELETE FROM clientele.source_column WHERE input = 'transaction';
SELECT clientele.use_source('transaction', 'bank.txn2');
SELECT is(pg_temp.line('transaction', 'negative_amount'), 'error | 1 | 1', 'negative amounts');
SELECT is(pg_temp.line('transaction', 'non_finite'), 'error | 1 | 2', 'non-finite amounts');
SELECT is(pg_temp.line('transaction', 'orphan_customer') || ' / ' || pg_temp.line('transaction', 'orphan_account'),
	'error | 1 | 2 / warning | 1 | 2', 'transactions of unknown customers and accounts');
SELECT is(pg_temp.line('transaction', 'future_date'), 'warning | 1 | 2', 'transactions in the future');
CREATE TABLE bank.inc (customer_id bigint, month date, fee_income numeric, cost numeric);
INSERT INTO bank.inc VALUES (1, '2024-01-01', 5, 1), (55, '2024-01-01', 5, -1);
SELECT clientele.map_column('income', c, 'constant', NULL, '0') FROM (VALUES ('ftp_income'), ('loan_interest')) v(c);
SELECT clientele.use_source('income', 'bank.inc');
SELECT is(pg_temp.line('income', 'unknown_customer'), 'error | 1 | 55', 'income for unknown customers');
SELECT is(pg_temp.line('income', 'negative_amount'), 'error | 1 | 55@2024-01-01', 'negative costs');
SELECT is(clientele.check_sources_status(), 2, 'check_sources_status: 2 when a check fails with an error');
SELECT is((SELECT count(*) FROM clientele.check_sources(1) WHERE check_name IN ('duplicate_key', 'orphan_customer')), 0::bigint,
	'a sampled check skips the checks that need the whole input');
SELECT is(pg_temp.err('SELECT count(*) FROM clientele.check_sources(0)'), '22023: sample size must be greater than zero, got 0', 'sample size checked');
SELECT is(pg_temp.err($$SELECT count(*) FROM clientele.check_sources(NULL, 'ledger')$$), '22023: unknown input "ledger"', 'input name checked');
SELECT clientele.use_source(i, NULL) FROM (VALUES ('customer'), ('account'), ('balance'), ('transaction'), ('income')) v(i);
SELECT is(clientele.check_sources_status(), 0, 'check_sources_status: 0 on the empty canonical tables');

-- ---------------------------------------------------------------- 5. no silent drops
CREATE TABLE bank.c5 (customer_id bigint, customer_type text, opened_on date);
INSERT INTO bank.c5 VALUES (1, 'individual', '2020-01-01'), (2, 'individual', '2020-01-01');
CREATE TABLE bank.a5 (account_id bigint, customer_id bigint, product_type text, opened_on date, status text);
INSERT INTO bank.a5 VALUES (10, 1, 'SAV', '2020-01-01', 'active'), (11, 2, 'savings', '2020-01-01', 'active');
CREATE TABLE bank.b5 (account_id bigint, as_of date, balance numeric);
INSERT INTO bank.b5 VALUES (10, '2024-01-01', 100), (11, '2024-01-01', 200);
CREATE TABLE bank.t5 (txn_id bigint, customer_id bigint, ts timestamptz, amount numeric, direction text, channel text,
	kind text, customer_initiated boolean);
INSERT INTO bank.t5 VALUES (1, 1, '2024-01-01', 5, 'in', 'atm', 'deposit', true), (2, NULL, '2024-01-02', 5, 'in', 'atm', 'deposit', true),
	(3, 2, '2024-01-03', 5, 'in', 'BR', 'payment', true);
SELECT clientele.use_source('customer', 'bank.c5'), clientele.use_source('account', 'bank.a5'),
	clientele.use_source('balance', 'bank.b5'), clientele.use_source('transaction', 'bank.t5');
SELECT is((SELECT string_agg(customer_id::text, ',' ORDER BY customer_id) FROM clientele.rfm_scores('2024-01-31')), '1,2',
	'rfm_scores leaves out transactions without a customer (no "customer NULL" row)');
SET LOCAL clientele.strict_inputs = on;
SELECT is(pg_temp.err($$SELECT count(*) FROM clientele.rfm_scores('2024-01-31')$$),
	'22000: rfm_scores: 1 rows of input "transaction" cannot be used: a NULL customer_id', 'strict_inputs: rfm_scores fails on a NULL customer');
SELECT is(pg_temp.err($$SELECT count(*) FROM clientele.aum('2024-01-31')$$),
	'22000: aum: 1 rows of input "account" cannot be used: product type not in clientele.product_type (SAV)', 'strict_inputs: aum fails on an unknown product type');
SELECT clientele.map_code('account', 'product_type', 'SAV', 'savings');
SELECT is(pg_temp.err($$SELECT count(*) FROM clientele.profit_contribution('2024-01-01', '2024-01-31')$$),
	'22000: profit_contribution: 1 rows of input "transaction" cannot be used: a NULL customer_id, or a channel outside counter, atm, online, mobile, phone, pos (not costed)',
	'strict_inputs: profit_contribution fails on transactions it cannot cost');
SELECT clientele.map_code('transaction', 'channel', 'BR', 'counter');
DELETE FROM bank.t5 WHERE customer_id IS NULL;
SELECT is(pg_temp.err($$SELECT count(*) FROM clientele.profit_contribution('2024-01-01', '2024-01-31')$$), 'no error',
	'strict_inputs: clean inputs pass');
SET LOCAL clientele.strict_inputs = off;
SELECT is((SELECT aum FROM clientele.aum('2024-01-31') WHERE customer_id = 1), 100.00::numeric, 'the translated product code counts in AUM');

-- ---------------------------------------------------------------- use_schema
CREATE SCHEMA core2;
CREATE TABLE core2.cl_customer AS SELECT * FROM clientele.customer;
CREATE TABLE core2.cl_account AS SELECT * FROM clientele.account;
CREATE TABLE core2.cl_balance AS SELECT * FROM clientele.balance;
CREATE TABLE core2.cl_transaction AS SELECT * FROM clientele.transaction;
SELECT is(pg_temp.err($$SELECT count(*) FROM clientele.use_schema('core2', 'cl_')$$),
	'42P01: schema "core2" has no relation for inputs income, interaction', 'use_schema names the missing relations and changes nothing');
CREATE TABLE core2.cl_interaction AS SELECT customer_id, ts, kind, detail FROM clientele.interaction;
CREATE TABLE core2.cl_income AS SELECT * FROM clientele.income;
SELECT is((SELECT string_agg(input || '=' || relation, ',') FROM clientele.use_schema('core2', 'cl_')),
	'account=core2.cl_account,balance=core2.cl_balance,customer=core2.cl_customer,income=core2.cl_income,interaction=core2.cl_interaction,transaction=core2.cl_transaction',
	'use_schema points every input at the schema by naming convention');

-- ---------------------------------------------------------------- code map (clientele.recode): bytewise, most frequent code first
CREATE TABLE core2.kinds AS SELECT i AS txn_id, 1 AS customer_id, timestamptz '2024-01-01 00:00+00' + i * interval '1 hour' AS ts,
	1::numeric AS amount, 'in' AS direction, 'atm' AS channel, (ARRAY['ZZ', 'ZZ', 'ZZ', 'PP', 'PP', 'aa'])[1 + i % 6] AS k, true AS customer_initiated
FROM generate_series(1, 600) i;
SELECT clientele.map_code('transaction', 'kind', s, c) FROM (VALUES ('aa', 'deposit'), ('PP', 'payment'), ('ZZ', 'transfer'), ('AA', 'enquiry')) v(s, c);
SELECT clientele.map_column('transaction', 'kind', 'column', 'k');
SELECT clientele.use_source('transaction', 'core2.kinds');
SELECT ok(pg_get_functiondef('clientele.source_transaction()'::regprocedure)
	LIKE '%clientele.recode((s.k)::text, ''{AA,DP,ENQ,PP,WD,ZZ,aa}''::text[], ''{enquiry,deposit,enquiry,payment,withdrawal,transfer,deposit}''::text[])%',
	'without statistics the code map lists the codes in bytewise order, one clientele.recode call (no CASE chain)');
ANALYZE core2.kinds;
SELECT clientele.use_source('transaction', 'core2.kinds');
SELECT ok(pg_get_functiondef('clientele.source_transaction()'::regprocedure)
	LIKE '%clientele.recode((s.k)::text, ''{ZZ,PP,aa,AA,DP,ENQ,WD}''::text[], ''{transfer,payment,deposit,enquiry,deposit,enquiry,withdrawal}''::text[])%',
	'after ANALYZE the most frequent code comes first (fewest comparisons per row)');
SELECT is((SELECT string_agg(kind || ':' || n, ',' ORDER BY kind) FROM (SELECT kind, count(*) AS n FROM clientele.in_transaction GROUP BY kind) q),
	'deposit:100,payment:200,transfer:300', 'the order does not change what the codes mean; case matters (aa is not AA)');
SELECT ok(pg_temp.plan('SELECT kind FROM clientele.in_transaction') NOT LIKE '%Function Scan%',
	'a mapped input with a code map is inlined (a scan of the source, no function scan)');
-- codes the map does not know pass through; NULL stays NULL; quoting survives the compiled literal
CREATE TABLE core2.odd AS SELECT i AS txn_id, 1 AS customer_id, timestamptz '2024-01-01 00:00+00' AS ts, 1::numeric AS amount,
	'in' AS direction, 'atm' AS channel, (ARRAY['ZZ', 'zz', NULL, '', 'a,"b"}', 'NULL', 'ZZ '])[i] AS k, true AS customer_initiated
FROM generate_series(1, 7) i;
SELECT clientele.map_code('transaction', 'kind', s, c) FROM (VALUES ('a,"b"}', 'payment'), ('NULL', 'deposit'), ('', 'withdrawal')) v(s, c);
SELECT clientele.use_source('transaction', 'core2.odd');
SELECT is((SELECT string_agg(coalesce(kind, '<null>'), '|' ORDER BY txn_id) FROM clientele.in_transaction),
	'transfer|zz|<null>|withdrawal|payment|deposit|ZZ ', 'unmapped codes pass through unchanged, NULL stays NULL, quotes, commas, the empty string and NULL as a code map');

-- clientele.recode = CASE code COLLATE "C" WHEN ... ELSE code END: first match, bytewise
CREATE TEMP TABLE rc_maps (m int, src text[], dst text[]);
INSERT INTO rc_maps VALUES
	(1, '{}', '{}'),
	(2, '{A}', '{one}'),
	(3, '{PAY,WDL,DEP,INQ,TRF}', '{payment,withdrawal,deposit,enquiry,transfer}'),
	(4, '{x,X,x,é,e}', '{lower,upper,again,accent,plain}'),
	(5, ARRAY['ACCOUNT_SAVINGS', 'ACCOUNT_SAVINGZ', 'ACCOUNT_', 'ACCOUNT', 'ACCOUNTS', ''], ARRAY['s1', 's2', 's3', 's4', 's5', 'empty']),
	(6, (SELECT array_agg('C' || i ORDER BY i) FROM generate_series(1, 200) i) || '{C1,ACCOUNT_SAVINGS}'::text[],
	    (SELECT array_agg('code' || i ORDER BY i) FROM generate_series(1, 200) i) || '{dup,long}'::text[]);
CREATE TEMP TABLE rc_codes AS SELECT unnest(ARRAY['A', 'a', 'PAY', 'PAY ', 'INQ', 'TRF', 'x', 'X', 'é', 'e', 'E',
	'ACCOUNT_SAVINGS', 'ACCOUNT_SAVINGZ', 'ACCOUNT_SAVING', 'ACCOUNT_', 'ACCOUNT', 'ACCOUNTS', '', 'C1', 'C17', 'C200', 'C201', 'c5', NULL]) AS code;
CREATE TEMP VIEW rc_ref AS
SELECT m.m, c.code, coalesce((SELECT u.d FROM unnest(m.src, m.dst) WITH ORDINALITY u(s, d, o)
                              WHERE u.s = c.code COLLATE "C" ORDER BY u.o LIMIT 1), c.code) AS want
FROM rc_maps m, rc_codes c;
SELECT is((SELECT count(*) FILTER (WHERE clientele.recode(r.code, m.src, m.dst) IS DISTINCT FROM r.want) || '/' || count(*)
           FROM rc_ref r JOIN rc_maps m USING (m)),
	'0/144', 'recode = the first bytewise match, else the code, NULL for NULL (linear and hashed maps, long codes, case, accents, duplicates), arrays per row');
SELECT is((SELECT string_agg(coalesce(clientele.recode(c.code, '{PAY,WDL,DEP,INQ,TRF}', '{payment,withdrawal,deposit,enquiry,transfer}'), '<null>'), ',')
           FROM rc_codes c WHERE c.code IN ('PAY', 'PAY ', 'INQ', 'x') OR c.code IS NULL),
	'payment,PAY ,enquiry,x,<null>', 'recode with constant arrays (the map kept for the call site)');
SELECT is((SELECT count(*) FILTER (WHERE clientele.recode(r.code, (SELECT array_agg('C' || i ORDER BY i) FROM generate_series(1, 200) i) || '{C1,ACCOUNT_SAVINGS}'::text[],
                                                                (SELECT array_agg('code' || i ORDER BY i) FROM generate_series(1, 200) i) || '{dup,long}'::text[])
                                       IS DISTINCT FROM r.want) || '/' || count(*)
           FROM rc_ref r WHERE r.m = 6),
	'0/24', 'recode with a hashed map kept for the call site');
SELECT is(pg_temp.err($$SELECT clientele.recode('A', '{A,B}', '{one}')$$),
	'22023: source codes and codes must have the same number of elements, got 2 and 1', 'recode: arrays of different lengths');
SELECT is(pg_temp.err($$SELECT clientele.recode('A', '{A,NULL}', '{one,two}')$$),
	'22004: source codes must not contain NULL (element 2)', 'recode: a NULL source code');
SELECT is(pg_temp.err($$SELECT clientele.recode('A', '{A}', '{NULL}')$$),
	'22004: codes must not contain NULL (element 1)', 'recode: a NULL code');
SELECT is(pg_temp.err($$SELECT clientele.recode('A', '{{A},{B}}', '{{one},{two}}')$$),
	'22023: source codes and codes must be one-dimensional arrays', 'recode: a two-dimensional map');
SELECT is(clientele.recode(NULL, '{A}', '{one}') IS NULL AND clientele.recode('A', NULL, '{one}') IS NULL, true, 'recode is strict');

SELECT * FROM finish();
ROLLBACK;
