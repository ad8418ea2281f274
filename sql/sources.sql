-- ===========================================================================
-- Input views and clientele.use_source(): every analysis reads the views
-- clientele.in_<input>; by default they select from the canonical tables,
-- and a DBA can point each one at an existing table or view instead.
--
-- Safety design (issue 12):
--   * clientele.in_<input> is an extension-owned, security_invoker view over
--     the extension-owned SQL function clientele.source_<input>().  The
--     function's body names the source relation as text, so no extension
--     object ever depends on a user relation: DROP ... CASCADE of a source
--     can never reach the extension.  The planner inlines the function, so
--     the view reads as fast as the relation itself.  While an input is not
--     mapped, the view selects from the canonical table (an extension table)
--     straight, so planner hooks such as Citus's see the table.
--   * The body is compiled by clientele.source_compile() from the
--     configuration tables (source_config, source_column, code_map), every
--     name quoted with %I / parse_ident and every code with %L, and
--     recompiled by statement triggers when they change (so a pg_dump
--     restore re-creates the mapping when it loads their rows) and by an
--     sql_drop event trigger when a source is dropped (the body then raises
--     an error naming the input and the missing relation).
--   * Only relations owned by a trusted role (superuser, the extension
--     owner, a member of clientele_admin) are accepted.
-- This file holds what only a fresh install creates (the tables and their
-- shipped rows); the functions, the triggers, the input views and the
-- function comments are in sql/replace/sources.sql, run after it by the
-- install and by the upgrade from 0.1.0 (Makefile, SQL_PARTS).
-- ===========================================================================

CREATE TABLE clientele.input_column (
	input        text NOT NULL,
	ordinal      int NOT NULL,
	column_name  name NOT NULL,
	type_name    regtype NOT NULL,
	required     boolean NOT NULL,
	CONSTRAINT input_column_pkey PRIMARY KEY (input, ordinal),
	CONSTRAINT input_column_name_key UNIQUE (input, column_name)
);
COMMENT ON TABLE clientele.input_column IS 'The columns each input view exposes (read-only specification; optional columns may be absent from a source and read as NULL).';
COMMENT ON COLUMN clientele.input_column.input IS 'Input name (customer, account, balance, transaction, interaction, income).';
COMMENT ON COLUMN clientele.input_column.ordinal IS 'Column position in the input view.';
COMMENT ON COLUMN clientele.input_column.column_name IS 'Column name a source must provide.';
COMMENT ON COLUMN clientele.input_column.type_name IS 'Type of the column in the input view; a source column is cast to it.';
COMMENT ON COLUMN clientele.input_column.required IS 'Whether a source must have the column (false: absent means NULL).';

INSERT INTO clientele.input_column (input, ordinal, column_name, type_name, required)
SELECT t.input, a.attnum, a.attname, a.atttypid::regtype,
       a.attnotnull OR a.attname = 'customer_id'
FROM (VALUES ('customer'), ('account'), ('balance'), ('transaction'), ('interaction'), ('income')) AS t(input)
JOIN pg_catalog.pg_attribute a ON a.attrelid = ('clientele.' || t.input)::regclass
WHERE a.attnum > 0 AND NOT a.attisdropped AND NOT (t.input = 'interaction' AND a.attname = 'interaction_id');

CREATE TABLE clientele.source_config (
	input      text PRIMARY KEY,
	relation   text NOT NULL,
	set_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
	set_by     name NOT NULL DEFAULT CURRENT_USER
);
COMMENT ON TABLE clientele.source_config IS 'Which relation each input view reads when it is not the canonical table (written by clientele.use_source).';
COMMENT ON COLUMN clientele.source_config.input IS 'Input name.';
COMMENT ON COLUMN clientele.source_config.relation IS 'Qualified name of the source table or view.';
COMMENT ON COLUMN clientele.source_config.set_at IS 'When it was set.';
COMMENT ON COLUMN clientele.source_config.set_by IS 'Who set it.';
SELECT pg_catalog.pg_extension_config_dump('clientele.source_config', '');

-- ---------------------------------------------------------------------------
-- Vocabularies, code maps, column shapes, key map
-- ---------------------------------------------------------------------------
CREATE TABLE clientele.input_vocabulary (
	input        text NOT NULL,
	column_name  name NOT NULL,
	code         text NOT NULL,
	CONSTRAINT input_vocabulary_pkey PRIMARY KEY (input, column_name, code),
	CONSTRAINT input_vocabulary_column_fkey FOREIGN KEY (input, column_name)
		REFERENCES clientele.input_column (input, column_name)
);
COMMENT ON TABLE clientele.input_vocabulary IS
	'The codes an input column with a vocabulary accepts (read-only; account.product_type takes its codes from clientele.product_type).';
COMMENT ON COLUMN clientele.input_vocabulary.input IS 'Input name.';
COMMENT ON COLUMN clientele.input_vocabulary.column_name IS 'Input column.';
COMMENT ON COLUMN clientele.input_vocabulary.code IS 'An accepted code.';
INSERT INTO clientele.input_vocabulary (input, column_name, code)
SELECT v.input, v.col, c
FROM (VALUES ('customer', 'customer_type', ARRAY['individual', 'corporate', 'government']),
             ('account', 'status', ARRAY['active', 'dormant', 'frozen', 'closed']),
             ('transaction', 'direction', ARRAY['in', 'out', 'none']),
             ('transaction', 'channel', ARRAY['counter', 'atm', 'online', 'mobile', 'phone', 'pos']),
             ('transaction', 'kind', ARRAY['enquiry', 'deposit', 'withdrawal', 'transfer', 'payment']),
             ('interaction', 'kind', ARRAY['complaint', 'address_change', 'rm_contact', 'referral',
                                           'campaign_response', 'service_request', 'service_failure',
                                           'satisfaction_survey'])) v(input, col, codes),
     unnest(v.codes) c;

CREATE TABLE clientele.code_map (
	input        text NOT NULL,
	column_name  name NOT NULL,
	source_code  text NOT NULL,
	code         text NOT NULL,
	CONSTRAINT code_map_pkey PRIMARY KEY (input, column_name, source_code),
	CONSTRAINT code_map_column_fkey FOREIGN KEY (input, column_name)
		REFERENCES clientele.input_column (input, column_name)
);
COMMENT ON TABLE clientele.code_map IS
	'Translation of a source''s codes into the vocabulary of an input column (applied by the input view through clientele.recode, bytewise; codes without a row pass through unchanged and are reported by clientele.check_sources).';
COMMENT ON COLUMN clientele.code_map.input IS 'Input name.';
COMMENT ON COLUMN clientele.code_map.column_name IS 'Input column with a vocabulary (product_type, status, customer_type, direction, channel, kind).';
COMMENT ON COLUMN clientele.code_map.source_code IS 'The code as the source stores it (compared as text, case-sensitive).';
COMMENT ON COLUMN clientele.code_map.code IS 'The clientele code it means (checked against the vocabulary).';
SELECT pg_catalog.pg_extension_config_dump('clientele.code_map', '');

CREATE TABLE clientele.source_column (
	input          text NOT NULL,
	column_name    name NOT NULL,
	shape          text NOT NULL DEFAULT 'column'
		CONSTRAINT source_column_shape_valid
		CHECK (shape IN ('column', 'constant', 'abs', 'sign_direction', 'local_time', 'key')),
	source_column  name,
	argument       text,
	CONSTRAINT source_column_pkey PRIMARY KEY (input, column_name),
	CONSTRAINT source_column_input_fkey FOREIGN KEY (input, column_name)
		REFERENCES clientele.input_column (input, column_name),
	CONSTRAINT source_column_needs_source CHECK ((shape = 'constant') = (source_column IS NULL)),
	CONSTRAINT source_column_needs_argument CHECK (shape NOT IN ('constant', 'local_time') OR argument IS NOT NULL),
	CONSTRAINT source_column_key_kind CHECK (shape <> 'key' OR (argument IN ('customer', 'account')
		AND column_name IN ('customer_id', 'referrer_id', 'account_id')))
);
COMMENT ON TABLE clientele.source_column IS
	'How an input column is computed from a mapped source when the source has no column of the same name and type (written by clientele.map_column).';
COMMENT ON COLUMN clientele.source_column.input IS 'Input name.';
COMMENT ON COLUMN clientele.source_column.column_name IS 'Input column.';
COMMENT ON COLUMN clientele.source_column.shape IS
	'column: the source column as is (a rename); constant: the argument as a literal; abs: abs(source column) (a signed amount); sign_direction: in / out / none from the sign of the source column; local_time: a timestamp without time zone read in the time zone named by argument; key: a text or numeric bank number translated to a stable bigint through clientele.key_map (argument customer or account).';
COMMENT ON COLUMN clientele.source_column.source_column IS 'Column of the source relation (NULL for constant).';
COMMENT ON COLUMN clientele.source_column.argument IS 'Literal (constant), time zone name (local_time), key kind (key).';
SELECT pg_catalog.pg_extension_config_dump('clientele.source_column', '');

CREATE TABLE clientele.key_map (
	kind      text NOT NULL CONSTRAINT key_map_kind_valid CHECK (kind IN ('customer', 'account')),
	bank_key  text NOT NULL,
	id        bigint GENERATED BY DEFAULT AS IDENTITY,
	CONSTRAINT key_map_pkey PRIMARY KEY (kind, bank_key),
	CONSTRAINT key_map_id_key UNIQUE (kind, id)
);
COMMENT ON TABLE clientele.key_map IS
	'Stable translation of the bank''s own customer / account numbers (text, leading zeros kept) into the bigint ids the analyses use; filled by clientele.sync_keys, never renumbered.';
COMMENT ON COLUMN clientele.key_map.kind IS 'customer or account.';
COMMENT ON COLUMN clientele.key_map.bank_key IS 'The bank''s own number, as text.';
COMMENT ON COLUMN clientele.key_map.id IS 'The id the input views show (customer_id, account_id, referrer_id).';
COMMENT ON SEQUENCE clientele.key_map_id_seq IS 'Identity of clientele.key_map.id.';
SELECT pg_catalog.pg_extension_config_dump('clientele.key_map', '');
SELECT pg_catalog.pg_extension_config_dump('clientele.key_map_id_seq', '');

-- ---------------------------------------------------------------------------
-- Input checks (clientele.check_sources, sql/replace/sources.sql)
-- ---------------------------------------------------------------------------
-- One row per check: {src} is the input view (or a sample of it), aliased x.
CREATE TABLE clientele.source_check (
	input       text NOT NULL,
	check_name  text NOT NULL,
	severity    text NOT NULL CONSTRAINT source_check_severity_valid CHECK (severity IN ('warning', 'error')),
	condition   text NOT NULL,
	example     text NOT NULL,
	detail      text NOT NULL,
	full_only   boolean NOT NULL DEFAULT false,
	CONSTRAINT source_check_pkey PRIMARY KEY (input, check_name)
);
COMMENT ON TABLE clientele.source_check IS
	'The row checks clientele.check_sources runs per input (read-only specification): a condition over the input view row x, the key shown as an example, and whether it needs the whole input (orphans, duplicates: not run on use_source''s sample).';
COMMENT ON COLUMN clientele.source_check.input IS 'Input name.';
COMMENT ON COLUMN clientele.source_check.check_name IS 'Check name as check_sources reports it.';
COMMENT ON COLUMN clientele.source_check.severity IS 'error (analyses drop or mis-count these rows) or warning.';
COMMENT ON COLUMN clientele.source_check.condition IS 'SQL condition over x, the input view row.';
COMMENT ON COLUMN clientele.source_check.example IS 'SQL expression of the example key shown for a failing row.';
COMMENT ON COLUMN clientele.source_check.detail IS 'What a failing row means.';
COMMENT ON COLUMN clientele.source_check.full_only IS 'True for checks that read other inputs or the whole input.';
INSERT INTO clientele.source_check (input, check_name, severity, condition, example, detail, full_only) VALUES
	('customer', 'null_key', 'error', 'x.customer_id IS NULL', 'coalesce(x.branch, ''?'')', 'rows with a NULL customer_id (dropped by analyses)', false),
	('customer', 'duplicate_key', 'error', 'x.customer_id IN (SELECT y.customer_id FROM clientele.in_customer y GROUP BY 1 HAVING count(*) > 1)', 'x.customer_id::text', 'rows whose customer_id is not unique', true),
	('customer', 'future_date', 'warning', 'x.opened_on > current_date OR x.closed_on > current_date', 'x.customer_id::text', 'customers opened or closed after today', false),
	('account', 'null_key', 'error', 'x.account_id IS NULL OR x.customer_id IS NULL OR x.product_type IS NULL', 'coalesce(x.account_id::text, ''NULL'')', 'accounts with a NULL account_id, customer_id or product_type (dropped by analyses)', false),
	('account', 'duplicate_key', 'error', 'x.account_id IN (SELECT y.account_id FROM clientele.in_account y GROUP BY 1 HAVING count(*) > 1)', 'x.account_id::text', 'rows whose account_id is not unique', true),
	('account', 'orphan_customer', 'error', 'x.customer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM clientele.in_customer c WHERE c.customer_id OPERATOR(pg_catalog.=) x.customer_id)', 'x.account_id::text', 'accounts of customers not in input customer', true),
	('account', 'future_date', 'warning', 'x.opened_on > current_date', 'x.account_id::text', 'accounts opened after today', false),
	('balance', 'null_key', 'error', 'x.account_id IS NULL OR x.as_of IS NULL OR x.balance IS NULL', 'coalesce(x.account_id::text, ''NULL'')', 'snapshots with a NULL account_id, as_of or balance', false),
	('balance', 'duplicate_key', 'error', '(x.account_id, x.as_of) IN (SELECT y.account_id, y.as_of FROM clientele.in_balance y GROUP BY 1, 2 HAVING count(*) > 1)', 'x.account_id || ''@'' || x.as_of', 'several snapshots of one account on one day', true),
	('balance', 'unknown_account', 'error', 'x.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM clientele.in_account a WHERE a.account_id OPERATOR(pg_catalog.=) x.account_id)', 'x.account_id::text', 'balance snapshots of accounts not in input account (dropped by analyses)', true),
	('balance', 'non_finite', 'error', 'x.balance IN (''NaN'', ''Infinity'', ''-Infinity'')', 'x.account_id || ''@'' || x.as_of', 'balances that are NaN or infinite', false),
	('balance', 'future_date', 'warning', 'x.as_of > current_date', 'x.account_id || ''@'' || x.as_of', 'snapshots dated after today', false),
	('transaction', 'null_key', 'error', 'x.txn_id IS NULL OR x.customer_id IS NULL OR x.ts IS NULL OR x.amount IS NULL', 'coalesce(x.txn_id::text, ''NULL'')', 'transactions with a NULL txn_id, customer_id, ts or amount (dropped by analyses)', false),
	('transaction', 'duplicate_key', 'error', 'x.txn_id IN (SELECT y.txn_id FROM clientele.in_transaction y GROUP BY 1 HAVING count(*) > 1)', 'x.txn_id::text', 'rows whose txn_id is not unique', true),
	('transaction', 'orphan_customer', 'error', 'x.customer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM clientele.in_customer c WHERE c.customer_id OPERATOR(pg_catalog.=) x.customer_id)', 'x.txn_id::text', 'transactions of customers not in input customer', true),
	('transaction', 'orphan_account', 'warning', 'x.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM clientele.in_account a WHERE a.account_id OPERATOR(pg_catalog.=) x.account_id)', 'x.txn_id::text', 'transactions on accounts not in input account', true),
	('transaction', 'negative_amount', 'error', 'x.amount < 0', 'x.txn_id::text', 'negative amounts (amount must not be negative: map a signed amount with shapes abs + sign_direction)', false),
	('transaction', 'non_finite', 'error', 'x.amount IN (''NaN'', ''Infinity'', ''-Infinity'')', 'x.txn_id::text', 'amounts that are NaN or infinite', false),
	('transaction', 'future_date', 'warning', 'x.ts > now()', 'x.txn_id::text', 'transactions dated after now', false),
	('interaction', 'null_key', 'error', 'x.customer_id IS NULL OR x.ts IS NULL OR x.kind IS NULL', 'coalesce(x.customer_id::text, ''NULL'')', 'interactions with a NULL customer_id, ts or kind', false),
	('interaction', 'orphan_customer', 'error', 'x.customer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM clientele.in_customer c WHERE c.customer_id OPERATOR(pg_catalog.=) x.customer_id)', 'x.customer_id::text', 'interactions of customers not in input customer', true),
	('interaction', 'future_date', 'warning', 'x.ts > now()', 'x.customer_id::text', 'interactions dated after now', false),
	('income', 'null_key', 'error', 'x.customer_id IS NULL OR x.month IS NULL', 'coalesce(x.customer_id::text, ''NULL'')', 'income lines with a NULL customer_id or month', false),
	('income', 'duplicate_key', 'error', '(x.customer_id, x.month) IN (SELECT y.customer_id, y.month FROM clientele.in_income y GROUP BY 1, 2 HAVING count(*) > 1)', 'x.customer_id || ''@'' || x.month', 'several lines of one customer and month', true),
	('income', 'unknown_customer', 'error', 'x.customer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM clientele.in_customer c WHERE c.customer_id OPERATOR(pg_catalog.=) x.customer_id)', 'x.customer_id::text', 'income lines of customers not in input customer', true),
	('income', 'non_finite', 'error', 'x.ftp_income IN (''NaN'', ''Infinity'', ''-Infinity'') OR x.fee_income IN (''NaN'', ''Infinity'', ''-Infinity'') OR x.loan_interest IN (''NaN'', ''Infinity'', ''-Infinity'') OR x.cost IN (''NaN'', ''Infinity'', ''-Infinity'')', 'x.customer_id || ''@'' || x.month', 'income amounts that are NaN or infinite', false),
	('income', 'negative_amount', 'error', 'x.cost < 0', 'x.customer_id || ''@'' || x.month', 'negative costs', false),
	('income', 'future_date', 'warning', 'x.month > current_date', 'x.customer_id || ''@'' || x.month', 'months after today', false);
