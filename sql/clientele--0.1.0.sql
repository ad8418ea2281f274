-- clientele 0.1.0 install script, frozen as released (commit e95e105): never edit; changes ship in upgrade scripts
\echo Use "CREATE EXTENSION clientele" to load this file. \quit

-- ==== sql/datamodel.sql ====
-- ===========================================================================
-- The canonical bank data model: the inputs every analysis reads.
-- Analyses never read these tables directly: they read the input views
-- clientele.in_<name> (sql/sources.sql), which by default select from these
-- tables and which clientele.use_source() can point at a bank's own tables.
-- ===========================================================================

-- Product catalogue: which product types exist and how each one counts.
CREATE TABLE clientele.product_type (
	product_type     text PRIMARY KEY
		CONSTRAINT product_type_name_valid CHECK (product_type ~ '^[a-z][a-z0-9_]*$'),
	category         text NOT NULL
		CONSTRAINT product_type_category_valid
		CHECK (category IN ('deposit', 'investment', 'insurance', 'credit')),
	may_go_negative  boolean NOT NULL DEFAULT false,
	counts_in_aum    boolean NOT NULL DEFAULT false,
	builtin          boolean NOT NULL DEFAULT false,
	description      text NOT NULL
);
COMMENT ON TABLE clientele.product_type IS
	'Product catalogue: every account''s product_type must be listed here. Banks add their own rows; builtin rows ship with the extension.';
COMMENT ON COLUMN clientele.product_type.product_type IS 'Product type code (lower case, e.g. time_deposit).';
COMMENT ON COLUMN clientele.product_type.category IS 'deposit, investment, insurance or credit (loans and cards: the balance is the amount owed).';
COMMENT ON COLUMN clientele.product_type.may_go_negative IS 'Whether a balance of this product may be negative (an overdrawn current account); all others are rejected below zero.';
COMMENT ON COLUMN clientele.product_type.counts_in_aum IS 'Default for whether the balance counts in assets under management / total relationship balance (source 003:194).';
COMMENT ON COLUMN clientele.product_type.builtin IS 'True for the rows shipped with the extension (not dumped by pg_dump); false for rows a bank added.';
COMMENT ON COLUMN clientele.product_type.description IS 'What the product is.';

INSERT INTO clientele.product_type (product_type, category, may_go_negative, counts_in_aum, builtin, description) VALUES
	('current',      'deposit',    true,  true,  true, 'Current / demand deposit account (活期); may be overdrawn'),
	('savings',      'deposit',    false, true,  true, 'Savings deposit account'),
	('time_deposit', 'deposit',    false, true,  true, 'Time deposit (定期) with a maturity date; may or may not be rolled over'),
	('wealth',       'investment', false, true,  true, 'Wealth-management product (理财)'),
	('fund',         'investment', false, true,  true, 'Mutual fund holding sold through the bank'),
	('insurance',    'insurance',  false, true,  true, 'Insurance policy sold through the bank (cash value)'),
	('loan',         'credit',     false, false, true, 'Loan; balance is the outstanding principal'),
	('mortgage',     'credit',     false, false, true, 'Mortgage loan; balance is the outstanding principal'),
	('credit_card',  'credit',     false, false, true, 'Credit card; balance is the amount owed');

CREATE TABLE clientele.customer (
	customer_id          bigint PRIMARY KEY,
	customer_type        text NOT NULL DEFAULT 'individual'
		CONSTRAINT customer_type_valid CHECK (customer_type IN ('individual', 'corporate', 'government')),
	branch               text,
	region               text,
	relationship_manager text,
	acquisition_channel  text,
	referrer_id          bigint
		CONSTRAINT customer_referrer_fkey REFERENCES clientele.customer (customer_id),
	birth_date           date,
	occupation           text,
	opened_on            date NOT NULL,
	closed_on            date,
	CONSTRAINT customer_closed_after_opened CHECK (closed_on IS NULL OR closed_on >= opened_on),
	CONSTRAINT customer_born_before_opened CHECK (birth_date IS NULL OR birth_date <= opened_on),
	CONSTRAINT customer_not_own_referrer CHECK (referrer_id IS NULL OR referrer_id <> customer_id)
);
CREATE INDEX customer_region_branch_idx ON clientele.customer (region, branch);
CREATE INDEX customer_rm_idx ON clientele.customer (relationship_manager);
COMMENT ON TABLE clientele.customer IS 'Bank customers (source: domain notes section 6).';
COMMENT ON COLUMN clientele.customer.customer_id IS 'Customer number.';
COMMENT ON COLUMN clientele.customer.customer_type IS 'individual, corporate or government (source 002:59).';
COMMENT ON COLUMN clientele.customer.branch IS 'Home branch.';
COMMENT ON COLUMN clientele.customer.region IS 'Region; tier schemes may override bands per region.';
COMMENT ON COLUMN clientele.customer.relationship_manager IS 'Role name of the relationship manager (客户经理) who owns the customer.';
COMMENT ON COLUMN clientele.customer.acquisition_channel IS 'How the customer was acquired (branch, online, referral, campaign, payroll ...).';
COMMENT ON COLUMN clientele.customer.referrer_id IS 'The customer who referred this one, if any.';
COMMENT ON COLUMN clientele.customer.birth_date IS 'Birth date (individuals); drives life-stage segments.';
COMMENT ON COLUMN clientele.customer.occupation IS 'Occupation (individuals) or industry (corporates).';
COMMENT ON COLUMN clientele.customer.opened_on IS 'Date the relationship began.';
COMMENT ON COLUMN clientele.customer.closed_on IS 'Date the relationship ended (NULL while a customer).';

CREATE TABLE clientele.account (
	account_id     bigint PRIMARY KEY,
	customer_id    bigint NOT NULL
		CONSTRAINT account_customer_fkey REFERENCES clientele.customer (customer_id),
	product_type   text NOT NULL
		CONSTRAINT account_product_type_fkey REFERENCES clientele.product_type (product_type),
	opened_on      date NOT NULL,
	maturity_date  date,
	closed_on      date,
	status         text NOT NULL DEFAULT 'active'
		CONSTRAINT account_status_valid CHECK (status IN ('active', 'dormant', 'frozen', 'closed')),
	CONSTRAINT account_closed_after_opened CHECK (closed_on IS NULL OR closed_on >= opened_on),
	CONSTRAINT account_matures_after_opened CHECK (maturity_date IS NULL OR maturity_date >= opened_on),
	CONSTRAINT account_closed_status CHECK ((status = 'closed') = (closed_on IS NOT NULL))
);
CREATE INDEX account_customer_idx ON clientele.account (customer_id);
CREATE INDEX account_maturity_idx ON clientele.account (maturity_date) WHERE maturity_date IS NOT NULL;
COMMENT ON TABLE clientele.account IS 'Accounts (contracts) held by customers, one product each.';
COMMENT ON COLUMN clientele.account.account_id IS 'Account number.';
COMMENT ON COLUMN clientele.account.customer_id IS 'Owning customer.';
COMMENT ON COLUMN clientele.account.product_type IS 'Product type, from clientele.product_type.';
COMMENT ON COLUMN clientele.account.opened_on IS 'Date opened.';
COMMENT ON COLUMN clientele.account.maturity_date IS 'Maturity date (time deposits, wealth products, loans).';
COMMENT ON COLUMN clientele.account.closed_on IS 'Date closed; set exactly when status = closed.';
COMMENT ON COLUMN clientele.account.status IS 'active, dormant, frozen or closed.';

CREATE TABLE clientele.balance (
	account_id  bigint NOT NULL
		CONSTRAINT balance_account_fkey REFERENCES clientele.account (account_id),
	as_of       date NOT NULL,
	balance     numeric(18, 2) NOT NULL,
	CONSTRAINT balance_pkey PRIMARY KEY (account_id, as_of)
);
CREATE INDEX balance_as_of_idx ON clientele.balance (as_of);
COMMENT ON TABLE clientele.balance IS
	'End-of-day balance snapshots, possibly sparse: a missing day means the last known balance still holds.';
COMMENT ON COLUMN clientele.balance.account_id IS 'Account.';
COMMENT ON COLUMN clientele.balance.as_of IS 'Business day of the end-of-day snapshot.';
COMMENT ON COLUMN clientele.balance.balance IS
	'End-of-day balance in the account currency: held amount for deposits and investments, amount owed for credit products. Negative only where product_type.may_go_negative.';

-- A negative balance is checked against the product catalogue; the WHEN
-- clause keeps the trigger off the path of every non-negative row.
CREATE FUNCTION clientele.balance_sign_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_product text;
BEGIN
	SELECT a.product_type INTO v_product
	FROM clientele.account a JOIN clientele.product_type p USING (product_type)
	WHERE a.account_id = NEW.account_id AND NOT p.may_go_negative;
	IF FOUND THEN
		RAISE EXCEPTION 'negative balance % for account % of product type "%"', NEW.balance, NEW.account_id, v_product
			USING ERRCODE = 'check_violation', CONSTRAINT = 'balance_sign_allowed', TABLE = 'balance', SCHEMA = 'clientele',
			      HINT = 'Only product types with may_go_negative (such as current) may hold a negative balance; credit products store the amount owed as a positive number.';
	END IF;
	RETURN NEW;
END $$;
COMMENT ON FUNCTION clientele.balance_sign_check() IS
	'Trigger function: rejects a negative balance on a product type that cannot go negative (constraint balance_sign_allowed).';
CREATE TRIGGER balance_sign_allowed BEFORE INSERT OR UPDATE OF balance, account_id ON clientele.balance
	FOR EACH ROW WHEN (NEW.balance < 0) EXECUTE FUNCTION clientele.balance_sign_check();
COMMENT ON TRIGGER balance_sign_allowed ON clientele.balance IS 'Rejects negative balances on products that cannot go negative.';

CREATE TABLE clientele.transaction (
	txn_id             bigint PRIMARY KEY,
	customer_id        bigint NOT NULL
		CONSTRAINT transaction_customer_fkey REFERENCES clientele.customer (customer_id),
	account_id         bigint
		CONSTRAINT transaction_account_fkey REFERENCES clientele.account (account_id),
	ts                 timestamptz NOT NULL,
	amount             numeric(18, 2) NOT NULL
		CONSTRAINT transaction_amount_not_negative CHECK (amount >= 0),
	direction          text NOT NULL
		CONSTRAINT transaction_direction_valid CHECK (direction IN ('in', 'out', 'none')),
	channel            text NOT NULL
		CONSTRAINT transaction_channel_valid CHECK (channel IN ('counter', 'atm', 'online', 'mobile', 'phone', 'pos')),
	kind               text NOT NULL
		CONSTRAINT transaction_kind_valid CHECK (kind IN ('enquiry', 'deposit', 'withdrawal', 'transfer', 'payment')),
	counterparty_bank  text,
	customer_initiated boolean NOT NULL DEFAULT true,
	CONSTRAINT transaction_enquiry_no_amount CHECK (kind <> 'enquiry' OR (amount = 0 AND direction = 'none'))
);
CREATE INDEX transaction_customer_ts_idx ON clientele.transaction (customer_id, ts);
CREATE INDEX transaction_account_idx ON clientele.transaction (account_id);
CREATE INDEX transaction_ts_brin ON clientele.transaction USING brin (ts);
COMMENT ON TABLE clientele.transaction IS 'Customer transactions and enquiries on every channel.';
COMMENT ON COLUMN clientele.transaction.txn_id IS 'Transaction id.';
COMMENT ON COLUMN clientele.transaction.customer_id IS 'Customer.';
COMMENT ON COLUMN clientele.transaction.account_id IS 'Account touched (NULL for enquiries that touch none).';
COMMENT ON COLUMN clientele.transaction.ts IS 'When it happened.';
COMMENT ON COLUMN clientele.transaction.amount IS 'Amount, never negative: direction says which way money moved.';
COMMENT ON COLUMN clientele.transaction.direction IS 'in (to the customer''s account), out, or none (enquiries).';
COMMENT ON COLUMN clientele.transaction.channel IS 'counter, atm, online, mobile, phone or pos.';
COMMENT ON COLUMN clientele.transaction.kind IS 'enquiry, deposit, withdrawal, transfer or payment.';
COMMENT ON COLUMN clientele.transaction.counterparty_bank IS 'Other bank of a transfer (NULL when within this bank); large outflows to other banks are a churn signal.';
COMMENT ON COLUMN clientele.transaction.customer_initiated IS 'Whether the customer initiated it (activity definition, source 000:917, counts only these).';

CREATE TABLE clientele.interaction (
	interaction_id  bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	customer_id     bigint NOT NULL
		CONSTRAINT interaction_customer_fkey REFERENCES clientele.customer (customer_id),
	ts              timestamptz NOT NULL,
	kind            text NOT NULL
		CONSTRAINT interaction_kind_valid CHECK (kind IN ('complaint', 'address_change', 'rm_contact', 'referral',
			'campaign_response', 'service_request', 'service_failure', 'satisfaction_survey')),
	detail          text
);
CREATE INDEX interaction_customer_ts_idx ON clientele.interaction (customer_id, ts);
COMMENT ON TABLE clientele.interaction IS 'Non-financial contacts: complaints, address changes, RM contacts, referrals, campaign responses.';
COMMENT ON COLUMN clientele.interaction.interaction_id IS 'Interaction id.';
COMMENT ON COLUMN clientele.interaction.customer_id IS 'Customer.';
COMMENT ON COLUMN clientele.interaction.ts IS 'When it happened.';
COMMENT ON COLUMN clientele.interaction.kind IS 'complaint, address_change, rm_contact, referral, campaign_response, service_request, service_failure or satisfaction_survey.';
COMMENT ON SEQUENCE clientele.interaction_interaction_id_seq IS 'Identity of clientele.interaction.interaction_id.';
COMMENT ON COLUMN clientele.interaction.detail IS 'Free text (e.g. survey score, complaint subject).';

CREATE TABLE clientele.income (
	customer_id    bigint NOT NULL
		CONSTRAINT income_customer_fkey REFERENCES clientele.customer (customer_id),
	month          date NOT NULL
		CONSTRAINT income_month_first_day CHECK (month = date_trunc('month', month)::date),
	ftp_income     numeric(18, 2) NOT NULL DEFAULT 0,
	fee_income     numeric(18, 2) NOT NULL DEFAULT 0,
	loan_interest  numeric(18, 2) NOT NULL DEFAULT 0,
	cost           numeric(18, 2) NOT NULL DEFAULT 0
		CONSTRAINT income_cost_not_negative CHECK (cost >= 0),
	CONSTRAINT income_pkey PRIMARY KEY (customer_id, month)
);
COMMENT ON TABLE clientele.income IS 'Monthly profitability lines per customer, where the bank''s management accounting supplies them (source 000:909).';
COMMENT ON COLUMN clientele.income.customer_id IS 'Customer.';
COMMENT ON COLUMN clientele.income.month IS 'First day of the month.';
COMMENT ON COLUMN clientele.income.ftp_income IS 'Funds-transfer-pricing spread income on the customer''s balances (may be negative).';
COMMENT ON COLUMN clientele.income.fee_income IS 'Fee / intermediate business income (中间业务收入).';
COMMENT ON COLUMN clientele.income.loan_interest IS 'Loan interest income net of funding (before expected loss).';
COMMENT ON COLUMN clientele.income.cost IS 'Direct and allocated cost of serving the customer.';

-- Bank data lives in extension-owned tables: make pg_dump keep it.
SELECT pg_catalog.pg_extension_config_dump('clientele.product_type', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('clientele.customer', '');
SELECT pg_catalog.pg_extension_config_dump('clientele.account', '');
SELECT pg_catalog.pg_extension_config_dump('clientele.balance', '');
SELECT pg_catalog.pg_extension_config_dump('clientele.transaction', '');
SELECT pg_catalog.pg_extension_config_dump('clientele.interaction', '');
SELECT pg_catalog.pg_extension_config_dump('clientele.income', '');

CREATE FUNCTION clientele.version() RETURNS text
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_version';
COMMENT ON FUNCTION clientele.version() IS 'Version of the loaded clientele shared library.';

CREATE FUNCTION clientele.config_changed() RETURNS trigger
LANGUAGE c AS 'MODULE_PATHNAME', 'clientele_config_changed';
COMMENT ON FUNCTION clientele.config_changed() IS
	'Statement trigger of every configuration table: tells all backends to recompile their cached copy at commit.';

-- ==== sql/sources.sql ====
-- ===========================================================================
-- Input views and clientele.use_source(): every analysis reads the views
-- clientele.in_<input>; by default they select from the canonical tables,
-- and a DBA can point each one at an existing table or view instead.
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

-- Builds the SELECT list of an input view over a relation, checking each column.
CREATE FUNCTION clientele.source_select_list(p_input text, p_relation regclass) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	c record;
	v_att record;
	v_items text[] := '{}';
BEGIN
	IF NOT EXISTS (SELECT 1 FROM clientele.input_column WHERE input = p_input) THEN
		RAISE EXCEPTION 'unknown input "%"', p_input
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Inputs are: ' || (SELECT string_agg(DISTINCT input, ', ') FROM clientele.input_column) || '.';
	END IF;
	FOR c IN SELECT * FROM clientele.input_column WHERE input = p_input ORDER BY ordinal LOOP
		SELECT a.attname, a.atttypid, t.typcategory
		INTO v_att
		FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
		WHERE a.attrelid = p_relation AND a.attname = c.column_name AND a.attnum > 0 AND NOT a.attisdropped;
		IF NOT FOUND THEN
			IF c.required THEN
				RAISE EXCEPTION 'relation % has no column "%" required by input "%"', p_relation, c.column_name, p_input
					USING ERRCODE = 'undefined_column',
					      DETAIL = format('Input "%s" needs columns %s.', p_input,
					          (SELECT string_agg(format('%s %s', column_name, type_name), ', ' ORDER BY ordinal)
					           FROM clientele.input_column WHERE input = p_input AND required)),
					      HINT = 'Rename the column in a view over the relation, or add it.';
			END IF;
			v_items := v_items || format('NULL::%s AS %I', c.type_name, c.column_name);
			CONTINUE;
		END IF;
		IF v_att.atttypid <> c.type_name
		   AND v_att.typcategory IS DISTINCT FROM (SELECT typcategory FROM pg_type WHERE oid = c.type_name)
		   AND NOT EXISTS (SELECT 1 FROM pg_cast WHERE castsource = v_att.atttypid AND casttarget = c.type_name
		                   AND castcontext IN ('i', 'a')) THEN
			RAISE EXCEPTION 'column "%" of relation % has type %, but input "%" needs %',
				c.column_name, p_relation, v_att.atttypid::regtype, p_input, c.type_name
				USING ERRCODE = 'datatype_mismatch',
				      HINT = 'Cast the column in a view over the relation.';
		END IF;
		v_items := v_items || format('%I::%s AS %I', c.column_name, c.type_name, c.column_name);
	END LOOP;
	RETURN array_to_string(v_items, ', ');
END $$;
COMMENT ON FUNCTION clientele.source_select_list(text, regclass) IS
	'Internal: validates that a relation provides the columns of an input and returns the SELECT list of its input view.';

CREATE FUNCTION clientele.use_source(p_input text, p_relation regclass) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_relation regclass := coalesce(p_relation, ('clientele.' || quote_ident(p_input))::regclass);
	v_list text;
BEGIN
	IF p_input IS NULL THEN
		RAISE EXCEPTION 'input must not be NULL' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	v_list := clientele.source_select_list(p_input, v_relation);
	EXECUTE format('CREATE OR REPLACE VIEW clientele.%I AS SELECT %s FROM %s', 'in_' || p_input, v_list, v_relation);
	IF p_relation IS NULL THEN
		DELETE FROM clientele.source_config WHERE input = p_input;
	ELSE
		INSERT INTO clientele.source_config (input, relation) VALUES (p_input, p_relation::text)
		ON CONFLICT (input) DO UPDATE SET relation = EXCLUDED.relation, set_at = EXCLUDED.set_at, set_by = EXCLUDED.set_by;
	END IF;
END $$;
COMMENT ON FUNCTION clientele.use_source(text, regclass) IS
	'Points input view clientele.in_<input> at an existing table or view with the same columns (validated first: an error names a missing or mistyped column). NULL restores the canonical table.';

CREATE FUNCTION clientele.reapply_sources() RETURNS integer
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	r record;
	n int := 0;
BEGIN
	FOR r IN SELECT input, relation FROM clientele.source_config ORDER BY input LOOP
		PERFORM clientele.use_source(r.input, r.relation::regclass);
		n := n + 1;
	END LOOP;
	RETURN n;
END $$;
COMMENT ON FUNCTION clientele.reapply_sources() IS
	'Re-creates the input views from clientele.source_config (run after restoring a dump); returns how many inputs point elsewhere.';

-- the default input views over the canonical tables
SELECT clientele.use_source(i, NULL) FROM (VALUES ('customer'), ('account'), ('balance'), ('transaction'), ('interaction'), ('income')) v(i);
COMMENT ON VIEW clientele.in_customer IS 'Input view: customers (clientele.customer unless clientele.use_source says otherwise).';
COMMENT ON VIEW clientele.in_account IS 'Input view: accounts (clientele.account unless clientele.use_source says otherwise).';
COMMENT ON VIEW clientele.in_balance IS 'Input view: end-of-day balances (clientele.balance unless clientele.use_source says otherwise).';
COMMENT ON VIEW clientele.in_transaction IS 'Input view: transactions (clientele.transaction unless clientele.use_source says otherwise).';
COMMENT ON VIEW clientele.in_interaction IS 'Input view: interactions (clientele.interaction unless clientele.use_source says otherwise).';
COMMENT ON VIEW clientele.in_income IS 'Input view: monthly income lines (clientele.income unless clientele.use_source says otherwise).';

-- ==== sql/demo.sql ====
-- area: demo (see docs/demo.md)
-- ===========================================================================
-- The demo bank generator: clientele.generate_demo_bank(customers, seed) fills
-- the canonical tables with a deterministic, realistic bank and keeps the
-- ground truth it planted in clientele.demo_truth.
-- ===========================================================================

CREATE TABLE clientele.demo_truth (
	customer_id       bigint PRIMARY KEY
		CONSTRAINT demo_truth_customer_fkey REFERENCES clientele.customer (customer_id),
	persona           text NOT NULL
		CONSTRAINT demo_truth_persona_valid
		CHECK (persona IN ('new', 'growing', 'mature', 'drifting', 'churned', 'dormant')),
	drift_started_on  date,
	trigger_kind      text,
	trigger_on        date,
	churned_on        date,
	dormant_since     date,
	td_not_rolled_on  date,
	wealth            numeric(18, 2) NOT NULL,
	txn_rate          double precision NOT NULL
);
COMMENT ON TABLE clientele.demo_truth IS
	'Ground truth planted by clientele.generate_demo_bank: each demo customer''s persona and the dates of its drift, churn or dormancy, to evaluate churn and lifecycle models against.';
COMMENT ON COLUMN clientele.demo_truth.customer_id IS 'Demo customer.';
COMMENT ON COLUMN clientele.demo_truth.persona IS
	'new (opened < 180 days before as_of), growing (balances and activity rise), mature (stable), drifting (activity falls and balances drain from drift_started_on, still a customer), churned (drifted, then left on churned_on), dormant (no customer-initiated activity since dormant_since).';
COMMENT ON COLUMN clientele.demo_truth.drift_started_on IS 'Drifting and churned: the day activity started to fall and balances to drain.';
COMMENT ON COLUMN clientele.demo_truth.trigger_kind IS 'Drifting and churned: the interaction that came first (complaint, address_change or service_failure).';
COMMENT ON COLUMN clientele.demo_truth.trigger_on IS 'Day of that interaction (0 to 60 days before drift_started_on).';
COMMENT ON COLUMN clientele.demo_truth.churned_on IS 'Churned: the day the customer left (customer.closed_on; every account closed).';
COMMENT ON COLUMN clientele.demo_truth.dormant_since IS 'Dormant: last day of customer-initiated activity (accounts are dormant when it is a year or more before as_of).';
COMMENT ON COLUMN clientele.demo_truth.td_not_rolled_on IS 'The last day a time deposit of the customer matured and was not rolled over (a churn signal), if any.';
COMMENT ON COLUMN clientele.demo_truth.wealth IS 'The reference deposit balance drawn for the customer (band shares of the Suzhou table, docs/demo.md); balances follow it times the persona''s level.';
COMMENT ON COLUMN clientele.demo_truth.txn_rate IS 'Customer-initiated transactions per month at full activity (heterogeneous across customers).';
SELECT pg_catalog.pg_extension_config_dump('clientele.demo_truth', '');

-- ---------------------------------------------------------------------------
-- One generator per table: the rows of customers first_id..last_id.  They are
-- pure functions of their arguments (a customer's rows depend only on seed,
-- as_of and customer_id), so they are IMMUTABLE.
-- ---------------------------------------------------------------------------
CREATE FUNCTION clientele.demo_customers(seed bigint, first_id bigint, last_id bigint, as_of date)
RETURNS TABLE (customer_id bigint, customer_type text, branch text, region text, relationship_manager text,
	acquisition_channel text, referrer_id bigint, birth_date date, occupation text, opened_on date, closed_on date)
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE ROWS 1000 AS 'MODULE_PATHNAME', 'clientele_demo_customers';
COMMENT ON FUNCTION clientele.demo_customers(bigint, bigint, bigint, date) IS
	'Demo generator: the clientele.customer rows of customers first_id..last_id for a seed and as_of (used by generate_demo_bank).';

CREATE FUNCTION clientele.demo_truth_rows(seed bigint, first_id bigint, last_id bigint, as_of date)
RETURNS TABLE (customer_id bigint, persona text, drift_started_on date, trigger_kind text, trigger_on date,
	churned_on date, dormant_since date, td_not_rolled_on date, wealth numeric, txn_rate double precision)
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE ROWS 1000 AS 'MODULE_PATHNAME', 'clientele_demo_truth';
COMMENT ON FUNCTION clientele.demo_truth_rows(bigint, bigint, bigint, date) IS
	'Demo generator: the clientele.demo_truth rows (planted persona and dates) of customers first_id..last_id.';

CREATE FUNCTION clientele.demo_accounts(seed bigint, first_id bigint, last_id bigint, as_of date)
RETURNS TABLE (account_id bigint, customer_id bigint, product_type text, opened_on date, maturity_date date,
	closed_on date, status text)
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE ROWS 2000 AS 'MODULE_PATHNAME', 'clientele_demo_accounts';
COMMENT ON FUNCTION clientele.demo_accounts(bigint, bigint, bigint, date) IS
	'Demo generator: the clientele.account rows of customers first_id..last_id (account_id = customer_id * 16 + k).';

CREATE FUNCTION clientele.demo_balances(seed bigint, first_id bigint, last_id bigint, as_of date)
RETURNS TABLE (account_id bigint, as_of date, balance numeric)
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE ROWS 20000 AS 'MODULE_PATHNAME', 'clientele_demo_balances';
COMMENT ON FUNCTION clientele.demo_balances(bigint, bigint, bigint, date) IS
	'Demo generator: sparse end-of-day balances (first day of the 24-month history, month ends and closing day, only when changed) of customers first_id..last_id.';

CREATE FUNCTION clientele.demo_transactions(seed bigint, first_id bigint, last_id bigint, as_of date)
RETURNS TABLE (txn_id bigint, customer_id bigint, account_id bigint, ts timestamptz, amount numeric,
	direction text, channel text, kind text, counterparty_bank text, customer_initiated boolean)
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE ROWS 30000 AS 'MODULE_PATHNAME', 'clientele_demo_transactions';
COMMENT ON FUNCTION clientele.demo_transactions(bigint, bigint, bigint, date) IS
	'Demo generator: the transactions of the 24 months up to as_of of customers first_id..last_id (txn_id = customer_id * 10000 + k, in time order).';

CREATE FUNCTION clientele.demo_interactions(seed bigint, first_id bigint, last_id bigint, as_of date)
RETURNS TABLE (interaction_id bigint, customer_id bigint, ts timestamptz, kind text, detail text)
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE ROWS 1000 AS 'MODULE_PATHNAME', 'clientele_demo_interactions';
COMMENT ON FUNCTION clientele.demo_interactions(bigint, bigint, bigint, date) IS
	'Demo generator: the interactions (routine contacts, and the complaint or address change before a drift) of customers first_id..last_id.';

CREATE FUNCTION clientele.demo_income(seed bigint, first_id bigint, last_id bigint, as_of date)
RETURNS TABLE (customer_id bigint, month date, ftp_income numeric, fee_income numeric, loan_interest numeric,
	cost numeric)
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE ROWS 12000 AS 'MODULE_PATHNAME', 'clientele_demo_income';
COMMENT ON FUNCTION clientele.demo_income(bigint, bigint, bigint, date) IS
	'Demo generator: the monthly income lines of the 12 months up to as_of of customers first_id..last_id.';

-- ---------------------------------------------------------------------------
-- The driver
-- ---------------------------------------------------------------------------
CREATE FUNCTION clientele.generate_demo_bank(customers integer, seed integer,
	as_of date DEFAULT '2025-12-31', replace boolean DEFAULT false)
RETURNS TABLE (table_name text, row_count bigint)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	c_max_customers constant integer := 10000000;
	c_batch constant integer := 25000;
	c_tables constant text[] := ARRAY['customer', 'demo_truth', 'account', 'balance', 'transaction',
		'interaction', 'income'];
	v_relids regclass[];
	v_nonempty text[] := '{}';
	v_fast boolean;
	v_fk_rel text[] := '{}';
	v_fk_name text[] := '{}';
	v_fk_def text[] := '{}';
	v_key_rel text[] := '{}';
	v_key_name text[] := '{}';
	v_key_def text[] := '{}';
	v_idx_name text[] := '{}';
	v_idx_def text[] := '{}';
	v_counts bigint[] := ARRAY[0, 0, 0, 0, 0, 0, 0]::bigint[];
	v_n bigint;
	v_first bigint;
	v_last bigint;
	v_seed bigint := seed;
	v_as_of date := as_of;
	v_t0 timestamptz := clock_timestamp();
	v_seq text;
	t text;
	i int;
BEGIN
	IF customers IS NULL OR customers < 1 OR customers > c_max_customers THEN
		RAISE EXCEPTION 'customers must be between 1 and %, got %', c_max_customers, coalesce(customers::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'A 100,000-customer bank takes well under a minute; 1,000,000 a few minutes.';
	END IF;
	IF seed IS NULL THEN
		RAISE EXCEPTION 'seed must not be NULL'
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Any integer: the same seed (and as_of) gives the same bank.';
	END IF;
	IF as_of IS NULL OR NOT isfinite(as_of) OR as_of < date '1950-01-01' OR as_of > date '2200-12-31' THEN
		RAISE EXCEPTION 'as_of must be a date between 1950-01-01 and 2200-12-31, got %', coalesce(as_of::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'The default is 2025-12-31, so that a seed gives the same bank on any day.';
	END IF;
	IF replace IS NULL THEN
		RAISE EXCEPTION 'replace must be true or false, got NULL'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;

	SELECT array_agg(('clientele.' || quote_ident(x))::regclass ORDER BY o) INTO v_relids
	FROM unnest(c_tables) WITH ORDINALITY AS u(x, o);
	FOREACH t IN ARRAY c_tables LOOP
		EXECUTE format('SELECT EXISTS (SELECT 1 FROM clientele.%I)', t) INTO v_fast;
		IF v_fast THEN
			v_nonempty := v_nonempty || t;
		END IF;
	END LOOP;
	IF cardinality(v_nonempty) > 0 THEN
		IF NOT replace THEN
			RAISE EXCEPTION 'the bank tables are not empty: %', array_to_string(v_nonempty, ', ')
				USING ERRCODE = 'object_not_in_prerequisite_state',
				      HINT = 'Call clientele.generate_demo_bank(..., replace => true) to empty them first.';
		END IF;
		TRUNCATE clientele.customer, clientele.demo_truth, clientele.account, clientele.balance,
			clientele.transaction, clientele.interaction, clientele.income;
	END IF;

	-- Bulk-load path: the foreign keys among the loaded tables are dropped
	-- and re-created after the load, so each is validated by one join
	-- instead of a trigger call per row.  Only for the tables' owner; all
	-- in the caller's transaction, so an error anywhere restores them.
	v_fast := NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = ANY (v_relids)
	                      AND NOT pg_has_role(current_user, relowner, 'USAGE'));
	IF v_fast THEN
		SELECT coalesce(array_agg(conrelid::regclass::text ORDER BY conrelid, conname), '{}'),
		       coalesce(array_agg(conname::text ORDER BY conrelid, conname), '{}'),
		       coalesce(array_agg(pg_get_constraintdef(oid) ORDER BY conrelid, conname), '{}')
		INTO v_fk_rel, v_fk_name, v_fk_def
		FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY (v_relids);
		FOR i IN 1 .. cardinality(v_fk_rel) LOOP
			EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', v_fk_rel[i], v_fk_name[i]);
		END LOOP;
		-- plain indexes, and keys no remaining foreign key depends on, are
		-- built once after the load (a sort) instead of row by row
		SELECT coalesce(array_agg(c.conrelid::regclass::text ORDER BY c.conrelid, c.conname), '{}'),
		       coalesce(array_agg(c.conname::text ORDER BY c.conrelid, c.conname), '{}'),
		       coalesce(array_agg(pg_get_constraintdef(c.oid) ORDER BY c.conrelid, c.conname), '{}')
		INTO v_key_rel, v_key_name, v_key_def
		FROM pg_constraint c
		WHERE c.contype IN ('p', 'u') AND c.conrelid = ANY (v_relids)
		  -- the keys of customer and account stay: triggers look rows up by them
		  AND c.conrelid NOT IN ('clientele.customer'::regclass, 'clientele.account'::regclass)
		  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.refobjid = c.conindid
		                  AND d.refclassid = 'pg_class'::regclass AND d.classid = 'pg_constraint'::regclass);
		SELECT coalesce(array_agg(i.indexrelid::regclass::text ORDER BY i.indexrelid), '{}'),
		       coalesce(array_agg(pg_get_indexdef(i.indexrelid) ORDER BY i.indexrelid), '{}')
		INTO v_idx_name, v_idx_def
		FROM pg_index i
		WHERE i.indrelid = ANY (v_relids)
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'));
		FOR i IN 1 .. cardinality(v_idx_name) LOOP
			EXECUTE format('DROP INDEX %s', v_idx_name[i]);
		END LOOP;
		FOR i IN 1 .. cardinality(v_key_rel) LOOP
			EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', v_key_rel[i], v_key_name[i]);
		END LOOP;
	END IF;

	RAISE DEBUG 'generate_demo_bank: tables ready after %', clock_timestamp() - v_t0;
	v_first := 1;
	WHILE v_first <= customers LOOP
		v_last := least(customers::bigint, v_first + c_batch - 1);
		INSERT INTO clientele.customer (customer_id, customer_type, branch, region, relationship_manager,
			acquisition_channel, referrer_id, birth_date, occupation, opened_on, closed_on)
		SELECT * FROM clientele.demo_customers(v_seed, v_first, v_last, v_as_of);
		GET DIAGNOSTICS v_n = ROW_COUNT; v_counts[1] := v_counts[1] + v_n;
		INSERT INTO clientele.demo_truth (customer_id, persona, drift_started_on, trigger_kind, trigger_on,
			churned_on, dormant_since, td_not_rolled_on, wealth, txn_rate)
		SELECT * FROM clientele.demo_truth_rows(v_seed, v_first, v_last, v_as_of);
		GET DIAGNOSTICS v_n = ROW_COUNT; v_counts[2] := v_counts[2] + v_n;
		INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on, maturity_date,
			closed_on, status)
		SELECT * FROM clientele.demo_accounts(v_seed, v_first, v_last, v_as_of);
		GET DIAGNOSTICS v_n = ROW_COUNT; v_counts[3] := v_counts[3] + v_n;
		INSERT INTO clientele.balance (account_id, as_of, balance)
		SELECT * FROM clientele.demo_balances(v_seed, v_first, v_last, v_as_of);
		GET DIAGNOSTICS v_n = ROW_COUNT; v_counts[4] := v_counts[4] + v_n;
		INSERT INTO clientele.transaction (txn_id, customer_id, account_id, ts, amount, direction, channel,
			kind, counterparty_bank, customer_initiated)
		SELECT * FROM clientele.demo_transactions(v_seed, v_first, v_last, v_as_of);
		GET DIAGNOSTICS v_n = ROW_COUNT; v_counts[5] := v_counts[5] + v_n;
		INSERT INTO clientele.interaction (interaction_id, customer_id, ts, kind, detail)
		SELECT * FROM clientele.demo_interactions(v_seed, v_first, v_last, v_as_of);
		GET DIAGNOSTICS v_n = ROW_COUNT; v_counts[6] := v_counts[6] + v_n;
		INSERT INTO clientele.income (customer_id, month, ftp_income, fee_income, loan_interest, cost)
		SELECT * FROM clientele.demo_income(v_seed, v_first, v_last, v_as_of);
		GET DIAGNOSTICS v_n = ROW_COUNT; v_counts[7] := v_counts[7] + v_n;
		v_first := v_last + 1;
	END LOOP;

	RAISE DEBUG 'generate_demo_bank: rows loaded after %', clock_timestamp() - v_t0;
	IF v_fast THEN
		FOR i IN 1 .. cardinality(v_key_rel) LOOP
			EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', v_key_rel[i], v_key_name[i], v_key_def[i]);
		END LOOP;
		FOR i IN 1 .. cardinality(v_idx_def) LOOP
			EXECUTE v_idx_def[i];
		END LOOP;
		FOR i IN 1 .. cardinality(v_fk_rel) LOOP
			EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', v_fk_rel[i], v_fk_name[i], v_fk_def[i]);
		END LOOP;
	END IF;
	RAISE DEBUG 'generate_demo_bank: keys, indexes and foreign keys rebuilt after %', clock_timestamp() - v_t0;
	-- identity of interaction: continue after the generated ids
	v_seq := pg_catalog.pg_get_serial_sequence('clientele.interaction', 'interaction_id');
	IF v_seq IS NOT NULL AND pg_catalog.has_sequence_privilege(v_seq, 'UPDATE') THEN
		PERFORM pg_catalog.setval(v_seq, coalesce((SELECT max(interaction_id) FROM clientele.interaction), 0) + 1, false);
	END IF;
	-- fresh statistics for whatever runs next (only the owner may analyze)
	IF v_fast THEN
		FOREACH t IN ARRAY c_tables LOOP
			EXECUTE format('ANALYZE clientele.%I', t);
		END LOOP;
	END IF;

	RAISE DEBUG 'generate_demo_bank: analyzed after %', clock_timestamp() - v_t0;
	FOR i IN 1 .. cardinality(c_tables) LOOP
		table_name := c_tables[i];
		row_count := v_counts[i];
		RETURN NEXT;
	END LOOP;
END $$;
COMMENT ON FUNCTION clientele.generate_demo_bank(integer, integer, date, boolean) IS
	'Fills the canonical tables with a deterministic demo bank of 1..10,000,000 customers (same seed and as_of, same bank) and its planted ground truth in clientele.demo_truth; refuses non-empty tables unless replace => true (then empties them first, in the same transaction). Returns the rows per table.';

-- ==== sql/rfm.sql ====
-- area: rfm (see docs/rfm.md)
-- ===========================================================================
-- Transaction summaries (clientele.rfm_summary aggregate, lifetimes /
-- pymc-marketing conventions) and RFM scores and named segments.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- State type of the aggregate: a real base type (not internal), so partial
-- states can travel between parallel workers and Citus shards.
-- ---------------------------------------------------------------------------
CREATE TYPE clientele.rfm_state;

CREATE FUNCTION clientele.rfm_state_in(cstring) RETURNS clientele.rfm_state
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_state_in';
COMMENT ON FUNCTION clientele.rfm_state_in(cstring) IS
	'Input function of clientele.rfm_state: "rfm1:" and the hex of the binary form, validated.';

CREATE FUNCTION clientele.rfm_state_out(clientele.rfm_state) RETURNS cstring
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_state_out';
COMMENT ON FUNCTION clientele.rfm_state_out(clientele.rfm_state) IS
	'Output function of clientele.rfm_state: "rfm1:" and the hex of the binary form (days sorted and de-duplicated).';

CREATE FUNCTION clientele.rfm_state_recv(internal) RETURNS clientele.rfm_state
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_state_recv';
COMMENT ON FUNCTION clientele.rfm_state_recv(internal) IS
	'Binary input of clientele.rfm_state (network byte order), with size and consistency checks.';

CREATE FUNCTION clientele.rfm_state_send(clientele.rfm_state) RETURNS bytea
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_state_send';
COMMENT ON FUNCTION clientele.rfm_state_send(clientele.rfm_state) IS
	'Binary output of clientele.rfm_state (network byte order).';

CREATE TYPE clientele.rfm_state (
	INPUT = clientele.rfm_state_in,
	OUTPUT = clientele.rfm_state_out,
	RECEIVE = clientele.rfm_state_recv,
	SEND = clientele.rfm_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE clientele.rfm_state IS
	'Partial state of clientele.rfm_summary: as_of, unit, exact 128-bit fixed-point amount sums and the set of purchase days; merges exactly.';

-- ---------------------------------------------------------------------------
-- The summary row
-- ---------------------------------------------------------------------------
CREATE TYPE clientele.rfm_summary AS (
	frequency        integer,
	recency          double precision,
	t                double precision,
	monetary         double precision,
	first_at         date,
	last_at          date,
	periods          integer,
	total_amount     double precision,
	days_since_last  double precision,
	transactions     bigint,
	as_of            date
);
COMMENT ON TYPE clientele.rfm_summary IS
	'Per-customer transaction summary (lifetimes / pymc-marketing conventions): frequency = purchase days - 1, recency = last - first purchase, t = as_of - first purchase (in units), monetary = mean amount of the repeat purchase days.';
COMMENT ON COLUMN clientele.rfm_summary.frequency IS 'Repeat purchases: number of distinct purchase days minus one (lifetimes "frequency", x).';
COMMENT ON COLUMN clientele.rfm_summary.recency IS 'Time from the first to the last purchase day, in units (lifetimes "recency", t_x).';
COMMENT ON COLUMN clientele.rfm_summary.t IS 'Time from the first purchase day to the as_of day, in units (lifetimes "T").';
COMMENT ON COLUMN clientele.rfm_summary.monetary IS 'Mean amount per repeat purchase day (first day excluded); 0 when frequency = 0 (lifetimes "monetary_value", zbar).';
COMMENT ON COLUMN clientele.rfm_summary.first_at IS 'Calendar day of the first purchase.';
COMMENT ON COLUMN clientele.rfm_summary.last_at IS 'Calendar day of the last purchase on or before as_of.';
COMMENT ON COLUMN clientele.rfm_summary.periods IS 'Number of distinct purchase days (frequency + 1): the marketing-RFM frequency.';
COMMENT ON COLUMN clientele.rfm_summary.total_amount IS 'Sum of all amounts on or before the as_of day, first day included (marketing-RFM monetary).';
COMMENT ON COLUMN clientele.rfm_summary.days_since_last IS 'Days from the last purchase day to the as_of day (marketing-RFM recency), always in days.';
COMMENT ON COLUMN clientele.rfm_summary.transactions IS 'Number of transactions (rows) counted, same-day ones included.';
COMMENT ON COLUMN clientele.rfm_summary.as_of IS 'Calendar day of as_of: the end of the observation period (inclusive).';

-- ---------------------------------------------------------------------------
-- Support functions and the aggregates
-- ---------------------------------------------------------------------------
CREATE FUNCTION clientele.rfm_summary_trans(clientele.rfm_state, timestamptz, double precision, timestamptz)
RETURNS clientele.rfm_state
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_trans_tstz';
COMMENT ON FUNCTION clientele.rfm_summary_trans(clientele.rfm_state, timestamptz, double precision, timestamptz) IS
	'Transition function of rfm_summary(timestamptz, float8, timestamptz): STABLE because the calendar day of a timestamptz depends on the session TimeZone.';

CREATE FUNCTION clientele.rfm_summary_trans(clientele.rfm_state, timestamptz, double precision, timestamptz, interval)
RETURNS clientele.rfm_state
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_trans_tstz';
COMMENT ON FUNCTION clientele.rfm_summary_trans(clientele.rfm_state, timestamptz, double precision, timestamptz, interval) IS
	'Transition function of rfm_summary(timestamptz, float8, timestamptz, interval): STABLE (session TimeZone).';

CREATE FUNCTION clientele.rfm_summary_trans(clientele.rfm_state, date, double precision, date)
RETURNS clientele.rfm_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_trans_date';
COMMENT ON FUNCTION clientele.rfm_summary_trans(clientele.rfm_state, date, double precision, date) IS
	'Transition function of rfm_summary(date, float8, date).';

CREATE FUNCTION clientele.rfm_summary_trans(clientele.rfm_state, date, double precision, date, interval)
RETURNS clientele.rfm_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_trans_date';
COMMENT ON FUNCTION clientele.rfm_summary_trans(clientele.rfm_state, date, double precision, date, interval) IS
	'Transition function of rfm_summary(date, float8, date, interval).';

CREATE FUNCTION clientele.rfm_summary_combine(clientele.rfm_state, clientele.rfm_state)
RETURNS clientele.rfm_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_combine';
COMMENT ON FUNCTION clientele.rfm_summary_combine(clientele.rfm_state, clientele.rfm_state) IS
	'Combine function of rfm_summary: exact union of purchase days and integer sums of amounts.';

CREATE FUNCTION clientele.rfm_summary_final(clientele.rfm_state)
RETURNS clientele.rfm_summary
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_final';
COMMENT ON FUNCTION clientele.rfm_summary_final(clientele.rfm_state) IS
	'Final function of rfm_summary: the summary row, NULL without a purchase on or before as_of.';

CREATE AGGREGATE clientele.rfm_summary(ts timestamptz, amount double precision, as_of timestamptz) (
	SFUNC = clientele.rfm_summary_trans,
	STYPE = clientele.rfm_state,
	SSPACE = 256,
	COMBINEFUNC = clientele.rfm_summary_combine,
	FINALFUNC = clientele.rfm_summary_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.rfm_summary(timestamptz, double precision, timestamptz) IS
	'Per-customer summary (frequency, recency, T in days, monetary ...) of the transactions on or before the calendar day of as_of, calendar days taken in the session TimeZone (result depends on TimeZone: stable). Conventions of lifetimes summary_data_from_transaction_data.';

CREATE AGGREGATE clientele.rfm_summary(ts timestamptz, amount double precision, as_of timestamptz, unit interval) (
	SFUNC = clientele.rfm_summary_trans,
	STYPE = clientele.rfm_state,
	SSPACE = 256,
	COMBINEFUNC = clientele.rfm_summary_combine,
	FINALFUNC = clientele.rfm_summary_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.rfm_summary(timestamptz, double precision, timestamptz, interval) IS
	'rfm_summary with recency and T in units of unit (''7 days'' gives weeks; months count 30 days); stable (session TimeZone).';

CREATE AGGREGATE clientele.rfm_summary(ts date, amount double precision, as_of date) (
	SFUNC = clientele.rfm_summary_trans,
	STYPE = clientele.rfm_state,
	SSPACE = 256,
	COMBINEFUNC = clientele.rfm_summary_combine,
	FINALFUNC = clientele.rfm_summary_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.rfm_summary(date, double precision, date) IS
	'rfm_summary over purchase dates (immutable: no time zone involved); recency and T in days.';

CREATE AGGREGATE clientele.rfm_summary(ts date, amount double precision, as_of date, unit interval) (
	SFUNC = clientele.rfm_summary_trans,
	STYPE = clientele.rfm_state,
	SSPACE = 256,
	COMBINEFUNC = clientele.rfm_summary_combine,
	FINALFUNC = clientele.rfm_summary_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.rfm_summary(date, double precision, date, interval) IS
	'rfm_summary over purchase dates with recency and T in units of unit (immutable).';

-- ---------------------------------------------------------------------------
-- n-tile scores
-- ---------------------------------------------------------------------------
CREATE FUNCTION clientele.rfm_ntile_score(n_below bigint, n_total bigint, ntiles integer) RETURNS integer
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_ntile_score';
COMMENT ON FUNCTION clientele.rfm_ntile_score(bigint, bigint, integer) IS
	'n-tile score 1 + floor(ntiles * n_below / n_total) of a value with n_below population values strictly worse: ties share the score of their lowest position, so scores do not depend on row order.';

-- ---------------------------------------------------------------------------
-- Segment schemes and rules (configuration, validated on write)
-- ---------------------------------------------------------------------------
CREATE TABLE clientele.rfm_segment_scheme (
	scheme       text PRIMARY KEY
		CONSTRAINT rfm_segment_scheme_name_valid CHECK (scheme ~ '^[a-z][a-z0-9_]*$'),
	ntiles       integer NOT NULL DEFAULT 5
		CONSTRAINT rfm_segment_scheme_ntiles_valid CHECK (ntiles BETWEEN 2 AND 10),
	fallback     text,
	builtin      boolean NOT NULL DEFAULT false,
	description  text NOT NULL,
	source       text
);
COMMENT ON TABLE clientele.rfm_segment_scheme IS 'RFM segment schemes: each names a set of first-match rules over r, f, m scores 1..ntiles. Banks add their own; builtin rows ship with the extension.';
COMMENT ON COLUMN clientele.rfm_segment_scheme.scheme IS 'Scheme name (lower case).';
COMMENT ON COLUMN clientele.rfm_segment_scheme.ntiles IS 'Scores run from 1 to ntiles (2..10).';
COMMENT ON COLUMN clientele.rfm_segment_scheme.fallback IS 'Segment of a score no rule matches (NULL: the segment is NULL).';
COMMENT ON COLUMN clientele.rfm_segment_scheme.builtin IS 'True for the schemes shipped with the extension (not dumped by pg_dump).';
COMMENT ON COLUMN clientele.rfm_segment_scheme.description IS 'What the scheme is for.';
COMMENT ON COLUMN clientele.rfm_segment_scheme.source IS 'Where the rules come from.';

CREATE TABLE clientele.rfm_segment_rule (
	scheme    text NOT NULL
		CONSTRAINT rfm_segment_rule_scheme_fkey REFERENCES clientele.rfm_segment_scheme (scheme)
		ON UPDATE CASCADE ON DELETE CASCADE,
	priority  integer NOT NULL,
	segment   text NOT NULL
		CONSTRAINT rfm_segment_rule_segment_valid CHECK (segment <> ''),
	r_min     smallint NOT NULL,
	r_max     smallint NOT NULL,
	f_min     smallint NOT NULL,
	f_max     smallint NOT NULL,
	m_min     smallint NOT NULL,
	m_max     smallint NOT NULL,
	builtin   boolean NOT NULL DEFAULT false,
	CONSTRAINT rfm_segment_rule_pkey PRIMARY KEY (scheme, priority, r_min, f_min, m_min)
);
COMMENT ON TABLE clientele.rfm_segment_rule IS
	'Rules of the RFM segment schemes: a score (r, f, m) gets the segment of the first rule (lowest priority number) whose ranges contain it. Rules of equal priority must not overlap; empty and out-of-range ranges are rejected.';
COMMENT ON COLUMN clientele.rfm_segment_rule.scheme IS 'Scheme.';
COMMENT ON COLUMN clientele.rfm_segment_rule.priority IS 'Evaluation order: lower first. Several rows of one priority (non-overlapping) may form one segment.';
COMMENT ON COLUMN clientele.rfm_segment_rule.segment IS 'Segment name given by the rule.';
COMMENT ON COLUMN clientele.rfm_segment_rule.r_min IS 'Lowest recency score matched (5 = most recent when ntiles = 5).';
COMMENT ON COLUMN clientele.rfm_segment_rule.r_max IS 'Highest recency score matched.';
COMMENT ON COLUMN clientele.rfm_segment_rule.f_min IS 'Lowest frequency score matched.';
COMMENT ON COLUMN clientele.rfm_segment_rule.f_max IS 'Highest frequency score matched.';
COMMENT ON COLUMN clientele.rfm_segment_rule.m_min IS 'Lowest monetary score matched.';
COMMENT ON COLUMN clientele.rfm_segment_rule.m_max IS 'Highest monetary score matched.';
COMMENT ON COLUMN clientele.rfm_segment_rule.builtin IS 'True for the rules shipped with the extension (not dumped by pg_dump).';

-- Statement-level validation of both tables (they are small).
CREATE FUNCTION clientele.rfm_segment_rule_validate() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v record;
BEGIN
	-- empty ranges and ranges outside 1..ntiles
	SELECT r.*, s.ntiles INTO v
	FROM clientele.rfm_segment_rule r JOIN clientele.rfm_segment_scheme s USING (scheme)
	WHERE NOT (r.r_min BETWEEN 1 AND r.r_max AND r.r_max <= s.ntiles
	       AND r.f_min BETWEEN 1 AND r.f_max AND r.f_max <= s.ntiles
	       AND r.m_min BETWEEN 1 AND r.m_max AND r.m_max <= s.ntiles)
	ORDER BY r.scheme, r.priority LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'RFM segment rule "%" (scheme "%", priority %) has an empty or out-of-range score range',
			v.segment, v.scheme, v.priority
			USING ERRCODE = 'check_violation', TABLE = 'rfm_segment_rule', SCHEMA = 'clientele',
			      DETAIL = format('r %s..%s, f %s..%s, m %s..%s; scores of scheme "%s" run from 1 to %s.',
			                      v.r_min, v.r_max, v.f_min, v.f_max, v.m_min, v.m_max, v.scheme, v.ntiles),
			      HINT = 'Each range needs 1 <= min <= max <= ntiles.';
	END IF;

	-- rules of the same priority that overlap (their order would be undefined)
	SELECT a.scheme, a.priority, a.segment AS seg_a, b.segment AS seg_b INTO v
	FROM clientele.rfm_segment_rule a JOIN clientele.rfm_segment_rule b
	  ON a.scheme = b.scheme AND a.priority = b.priority
	 AND (a.r_min, a.f_min, a.m_min) < (b.r_min, b.f_min, b.m_min)
	WHERE a.r_min <= b.r_max AND b.r_min <= a.r_max
	  AND a.f_min <= b.f_max AND b.f_min <= a.f_max
	  AND a.m_min <= b.m_max AND b.m_min <= a.m_max
	ORDER BY 1, 2 LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'RFM segment rules "%" and "%" of scheme "%" overlap at the same priority %',
			v.seg_a, v.seg_b, v.scheme, v.priority
			USING ERRCODE = 'check_violation', TABLE = 'rfm_segment_rule', SCHEMA = 'clientele',
			      HINT = 'Give overlapping rules different priorities (the lower one wins) or make their ranges disjoint.';
	END IF;

	RETURN NULL;
END $$;
COMMENT ON FUNCTION clientele.rfm_segment_rule_validate() IS
	'Trigger function: rejects RFM segment rules with empty or out-of-range score ranges and rules overlapping at the same priority.';

CREATE TRIGGER rfm_segment_rule_valid AFTER INSERT OR UPDATE ON clientele.rfm_segment_rule
	FOR EACH STATEMENT EXECUTE FUNCTION clientele.rfm_segment_rule_validate();
COMMENT ON TRIGGER rfm_segment_rule_valid ON clientele.rfm_segment_rule IS 'Validates the segment rules after every change.';
CREATE TRIGGER rfm_segment_scheme_valid AFTER UPDATE OF ntiles ON clientele.rfm_segment_scheme
	FOR EACH STATEMENT EXECUTE FUNCTION clientele.rfm_segment_rule_validate();
COMMENT ON TRIGGER rfm_segment_scheme_valid ON clientele.rfm_segment_scheme IS 'Re-validates the rules when a scheme''s ntiles changes.';
CREATE TRIGGER rfm_segment_rule_config_changed
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clientele.rfm_segment_rule
	FOR EACH STATEMENT EXECUTE FUNCTION clientele.config_changed();
COMMENT ON TRIGGER rfm_segment_rule_config_changed ON clientele.rfm_segment_rule IS 'Tells every backend to recompile the segment rules.';
CREATE TRIGGER rfm_segment_scheme_config_changed
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clientele.rfm_segment_scheme
	FOR EACH STATEMENT EXECUTE FUNCTION clientele.config_changed();
COMMENT ON TRIGGER rfm_segment_scheme_config_changed ON clientele.rfm_segment_scheme IS 'Tells every backend to recompile the segment rules.';

INSERT INTO clientele.rfm_segment_scheme (scheme, ntiles, fallback, builtin, description, source) VALUES
	('rf_grid', 5, NULL, true,
	 'The widely used recency x frequency grid: 10 segments covering all 25 (R, F) cells; the monetary score is ignored.',
	 'The R-F "seg_map" (regular expressions over the two-digit RF score) reproduced in many public RFM tutorials and notebooks: [1-2][1-2] hibernating, [1-2][3-4] at risk, [1-2]5 can''t lose them, 3[1-2] about to sleep, 33 need attention, [3-4][4-5] loyal customers, 41 promising, 51 new customers, [4-5][2-3] potential loyalists, 5[4-5] champions.'),
	('rfm_package', 5, 'Others', true,
	 'The ten segments of the R package rfm (version 0.3.0, rfm_segment() example / vignette), evaluated first match in the listed order; scores no rule matches are "Others".',
	 'R package rfm 0.3.0 (Aravind Hebbali, rsquaredacademy), rfm_segment() documentation example: segment_names, recency/frequency/monetary lower and upper bounds.');

INSERT INTO clientele.rfm_segment_rule (scheme, priority, segment, r_min, r_max, f_min, f_max, m_min, m_max, builtin) VALUES
	('rf_grid', 1, 'Champions',           5, 5, 4, 5, 1, 5, true),
	('rf_grid', 1, 'Loyal Customers',     3, 4, 4, 5, 1, 5, true),
	('rf_grid', 1, 'Potential Loyalists', 4, 5, 2, 3, 1, 5, true),
	('rf_grid', 1, 'New Customers',       5, 5, 1, 1, 1, 5, true),
	('rf_grid', 1, 'Promising',           4, 4, 1, 1, 1, 5, true),
	('rf_grid', 1, 'Need Attention',      3, 3, 3, 3, 1, 5, true),
	('rf_grid', 1, 'About To Sleep',      3, 3, 1, 2, 1, 5, true),
	('rf_grid', 1, 'At Risk',             1, 2, 3, 4, 1, 5, true),
	('rf_grid', 1, 'Can''t Lose Them',    1, 2, 5, 5, 1, 5, true),
	('rf_grid', 1, 'Hibernating',         1, 2, 1, 2, 1, 5, true),
	('rfm_package',  1, 'Champions',          4, 5, 4, 5, 4, 5, true),
	('rfm_package',  2, 'Loyal Customers',    2, 5, 3, 5, 3, 5, true),
	('rfm_package',  3, 'Potential Loyalist', 3, 5, 1, 3, 1, 3, true),
	('rfm_package',  4, 'New Customers',      4, 5, 1, 1, 1, 1, true),
	('rfm_package',  5, 'Promising',          3, 4, 1, 1, 1, 1, true),
	('rfm_package',  6, 'Need Attention',     2, 3, 2, 3, 2, 3, true),
	('rfm_package',  7, 'About To Sleep',     2, 3, 1, 2, 1, 2, true),
	('rfm_package',  8, 'At Risk',            1, 2, 2, 5, 2, 5, true),
	('rfm_package',  9, 'Can''t Lose Them',   1, 1, 4, 5, 4, 5, true),
	('rfm_package', 10, 'Lost',               1, 2, 1, 2, 1, 2, true);

SELECT pg_catalog.pg_extension_config_dump('clientele.rfm_segment_scheme', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('clientele.rfm_segment_rule', 'WHERE NOT builtin');

CREATE FUNCTION clientele.rfm_segment(scheme text, r integer, f integer, m integer) RETURNS text
LANGUAGE c STABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_segment';
COMMENT ON FUNCTION clientele.rfm_segment(text, integer, integer, integer) IS
	'Segment of the scores (r, f, m) under a scheme of clientele.rfm_segment_rule: the first rule by priority whose ranges contain them, else the scheme''s fallback. Compiled per backend and recompiled when the rules change.';

-- ---------------------------------------------------------------------------
-- Scores and segments of the whole customer base
-- ---------------------------------------------------------------------------
CREATE FUNCTION clientele.rfm_scores(p_as_of date, p_ntiles integer DEFAULT 5, p_scheme text DEFAULT 'rf_grid')
RETURNS TABLE (customer_id bigint, summary clientele.rfm_summary, r integer, f integer, m integer, segment text)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
	WITH s AS (
		SELECT t.customer_id,
		       clientele.rfm_summary(t.ts, t.amount::double precision, p_as_of::timestamptz) AS x
		FROM clientele.in_transaction t
		WHERE t.customer_initiated AND t.kind <> 'enquiry'
		GROUP BY t.customer_id
	), ranked AS (
		SELECT s.customer_id, s.x,
		       count(*) OVER () AS n,
		       rank() OVER (ORDER BY (s.x).days_since_last DESC) - 1 AS r_below,
		       rank() OVER (ORDER BY (s.x).periods) - 1 AS f_below,
		       rank() OVER (ORDER BY (s.x).total_amount) - 1 AS m_below
		FROM s WHERE s.x IS NOT NULL
	), scored AS (
		SELECT ranked.customer_id, ranked.x,
		       clientele.rfm_ntile_score(r_below, n, p_ntiles) AS r,
		       clientele.rfm_ntile_score(f_below, n, p_ntiles) AS f,
		       clientele.rfm_ntile_score(m_below, n, p_ntiles) AS m
		FROM ranked
	)
	SELECT scored.customer_id, scored.x, scored.r, scored.f, scored.m,
	       clientele.rfm_segment(p_scheme, scored.r, scored.f, scored.m)
	FROM scored
	ORDER BY scored.customer_id
$$;
COMMENT ON FUNCTION clientele.rfm_scores(date, integer, text) IS
	'RFM scores and segment of every customer with a customer-initiated, non-enquiry transaction on or before p_as_of (read from clientele.in_transaction): r scores days_since_last reversed (most recent = p_ntiles), f scores periods (purchase days), m scores total_amount; score = 1 + floor(p_ntiles * (customers strictly worse) / customers), so ties share a score.';

-- ==== sql/bgnbd.sql ====
-- area: bgnbd
-- ===========================================================================
-- Shared by the model fit aggregates (BG/NBD, Pareto/NBD, Gamma-Gamma):
-- clientele.fit_state, the compressed set of distinct (x, tx, T) input rows
-- with their counts (src/core/fitstate.h, src/fit_common.c).
-- ===========================================================================

CREATE TYPE clientele.fit_state;

CREATE FUNCTION clientele.fit_state_in(cstring) RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'fit_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.fit_state_in(cstring) IS 'Input function of clientele.fit_state: "clfs1:" followed by the hex of a compact state (as written by the output function; checked on the way in).';

CREATE FUNCTION clientele.fit_state_out(clientele.fit_state) RETURNS cstring
AS 'MODULE_PATHNAME', 'fit_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.fit_state_out(clientele.fit_state) IS 'Output function of clientele.fit_state: "clfs1:" followed by the hex of the compact (sorted, distinct rows) state; native byte order.';

CREATE TYPE clientele.fit_state (
	INPUT = clientele.fit_state_in,
	OUTPUT = clientele.fit_state_out,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE clientele.fit_state IS 'Transition state of the model fit aggregates: the distinct (x, tx, T) input rows with their counts, so a fit costs the number of distinct rows.';

CREATE FUNCTION clientele.fit_state_combine(clientele.fit_state, clientele.fit_state)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'fit_state_combine'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.fit_state_combine(clientele.fit_state, clientele.fit_state) IS 'Combine function of the model fit aggregates: adds the row counts of the second state to the first (aggregate use only).';

-- ===========================================================================
-- BG/NBD (Fader, Hardie & Lee 2005)
-- ===========================================================================

CREATE TYPE clientele.bgnbd_params AS (
	r              float8,
	alpha          float8,
	a              float8,
	b              float8,
	log_likelihood float8,
	n              bigint,
	converged      boolean,
	iterations     integer,
	se_r           float8,
	se_alpha       float8,
	se_a           float8,
	se_b           float8
);
COMMENT ON TYPE clientele.bgnbd_params IS 'A BG/NBD fit: parameters r, alpha (purchase rate ~ Gamma(r, alpha)), a, b (dropout probability ~ Beta(a, b)), log-likelihood, customers, convergence, iterations and standard errors.';
COMMENT ON COLUMN clientele.bgnbd_params.r IS 'Shape of the gamma distribution of purchase rates.';
COMMENT ON COLUMN clientele.bgnbd_params.alpha IS 'Scale (rate parameter) of the gamma distribution of purchase rates, in the time unit of the fit.';
COMMENT ON COLUMN clientele.bgnbd_params.a IS 'First shape of the beta distribution of dropout probabilities.';
COMMENT ON COLUMN clientele.bgnbd_params.b IS 'Second shape of the beta distribution of dropout probabilities.';
COMMENT ON COLUMN clientele.bgnbd_params.log_likelihood IS 'Log-likelihood at the estimate (without the penalty).';
COMMENT ON COLUMN clientele.bgnbd_params.n IS 'Customers (input rows) in the fit.';
COMMENT ON COLUMN clientele.bgnbd_params.converged IS 'Whether the optimiser met its gradient test (false also raises a WARNING).';
COMMENT ON COLUMN clientele.bgnbd_params.iterations IS 'Optimiser iterations.';
COMMENT ON COLUMN clientele.bgnbd_params.se_r IS 'Standard error of r (inverse Hessian, delta method); NULL when not available.';
COMMENT ON COLUMN clientele.bgnbd_params.se_alpha IS 'Standard error of alpha.';
COMMENT ON COLUMN clientele.bgnbd_params.se_a IS 'Standard error of a.';
COMMENT ON COLUMN clientele.bgnbd_params.se_b IS 'Standard error of b.';

CREATE FUNCTION clientele.bgnbd_fit_trans(clientele.fit_state, float8, float8, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'bgnbd_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.bgnbd_fit_trans(clientele.fit_state, float8, float8, float8) IS 'Transition function of clientele.bgnbd_fit (aggregate use only).';

CREATE FUNCTION clientele.bgnbd_fit_trans(clientele.fit_state, float8, float8, float8, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'bgnbd_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.bgnbd_fit_trans(clientele.fit_state, float8, float8, float8, float8) IS 'Transition function of clientele.bgnbd_fit with a penalizer (aggregate use only).';

CREATE FUNCTION clientele.bgnbd_fit_final(clientele.fit_state) RETURNS clientele.bgnbd_params
AS 'MODULE_PATHNAME', 'bgnbd_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.bgnbd_fit_final(clientele.fit_state) IS 'Final function of clientele.bgnbd_fit: maximum-likelihood fit over the distinct rows.';

CREATE AGGREGATE clientele.bgnbd_fit(frequency float8, recency float8, t float8) (
	SFUNC = clientele.bgnbd_fit_trans,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.bgnbd_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.bgnbd_fit(float8, float8, float8) IS 'Maximum-likelihood BG/NBD fit (Fader, Hardie & Lee 2005) over customers'' (frequency = repeat purchases, recency = time of the last purchase, t = age), all in one time unit; NULL for fewer than 4 customers.';

CREATE AGGREGATE clientele.bgnbd_fit(frequency float8, recency float8, t float8, penalizer float8) (
	SFUNC = clientele.bgnbd_fit_trans,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.bgnbd_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.bgnbd_fit(float8, float8, float8, float8) IS 'BG/NBD fit maximising LL/n - penalizer * sum(log(param)^2) (the penalizer must be the same on every row).';

CREATE FUNCTION clientele.bgnbd_p_alive(params clientele.bgnbd_params, frequency float8, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'bgnbd_p_alive'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.bgnbd_p_alive(clientele.bgnbd_params, float8, float8, float8) IS 'BG/NBD probability that a customer with this (frequency, recency, t) is still active.';

CREATE FUNCTION clientele.bgnbd_expected_purchases(params clientele.bgnbd_params, horizon float8, frequency float8, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.bgnbd_expected_purchases(clientele.bgnbd_params, float8, float8, float8, float8) IS 'BG/NBD expected purchases in the next horizon time units of a customer with this (frequency, recency, t) (FHL 2005 eq. 10).';

CREATE FUNCTION clientele.bgnbd_expected_purchases_new(params clientele.bgnbd_params, horizon float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases_new'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.bgnbd_expected_purchases_new(clientele.bgnbd_params, float8) IS 'BG/NBD expected repeat purchases E[X(horizon)] of a new customer in the first horizon time units (FHL 2005 eq. 7).';

CREATE FUNCTION clientele.bgnbd_purchase_pmf(params clientele.bgnbd_params, horizon float8, n integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'bgnbd_purchase_pmf'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.bgnbd_purchase_pmf(clientele.bgnbd_params, float8, integer) IS 'BG/NBD probability P(X(horizon) = n) that a new customer makes n repeat purchases in the first horizon time units (FHL 2005 eq. 8).';

-- ==== sql/pareto_nbd.sql ====
-- area: pareto_nbd
-- Pareto/NBD model of non-contractual repeat buying (Schmittlein, Morrison &
-- Colombo 1987; Fader & Hardie 2005): the fit aggregate over the shared
-- compressed fit state (clientele.fit_state, sql/bgnbd.sql) and predictions.

CREATE TYPE clientele.pareto_nbd_params AS (
	r               float8,
	alpha           float8,
	s               float8,
	beta            float8,
	log_likelihood  float8,
	n               bigint,
	converged       boolean,
	iterations      integer,
	se_r            float8,
	se_alpha        float8,
	se_s            float8,
	se_beta         float8
);
COMMENT ON TYPE clientele.pareto_nbd_params IS
	'A Pareto/NBD fit: purchase rate ~ Gamma(r, alpha), dropout rate ~ Gamma(s, beta) (alpha, beta in the time unit of the data); log-likelihood, customers, convergence, iterations and standard errors.';
COMMENT ON COLUMN clientele.pareto_nbd_params.r IS 'Shape of the gamma distribution of purchase rates.';
COMMENT ON COLUMN clientele.pareto_nbd_params.alpha IS 'Scale (rate parameter) of the gamma distribution of purchase rates, in the time unit of the fit.';
COMMENT ON COLUMN clientele.pareto_nbd_params.s IS 'Shape of the gamma distribution of dropout rates.';
COMMENT ON COLUMN clientele.pareto_nbd_params.beta IS 'Scale (rate parameter) of the gamma distribution of dropout rates, in the time unit of the fit.';
COMMENT ON COLUMN clientele.pareto_nbd_params.log_likelihood IS 'Log-likelihood at the estimate (without the penalty).';
COMMENT ON COLUMN clientele.pareto_nbd_params.n IS 'Customers (input rows) in the fit.';
COMMENT ON COLUMN clientele.pareto_nbd_params.converged IS 'Whether the fit reached an identified interior maximum: gradient test met and every standard error of a log-parameter below 10 (false also raises a WARNING).';
COMMENT ON COLUMN clientele.pareto_nbd_params.iterations IS 'Optimiser iterations.';
COMMENT ON COLUMN clientele.pareto_nbd_params.se_r IS 'Standard error of r (inverse Hessian, delta method); NULL when not available.';
COMMENT ON COLUMN clientele.pareto_nbd_params.se_alpha IS 'Standard error of alpha.';
COMMENT ON COLUMN clientele.pareto_nbd_params.se_s IS 'Standard error of s.';
COMMENT ON COLUMN clientele.pareto_nbd_params.se_beta IS 'Standard error of beta.';

CREATE FUNCTION clientele.pareto_nbd_fit_trans(clientele.fit_state, float8, float8, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'pareto_nbd_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.pareto_nbd_fit_trans(clientele.fit_state, float8, float8, float8) IS 'Transition function of clientele.pareto_nbd_fit (aggregate use only).';

CREATE FUNCTION clientele.pareto_nbd_fit_trans(clientele.fit_state, float8, float8, float8, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'pareto_nbd_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.pareto_nbd_fit_trans(clientele.fit_state, float8, float8, float8, float8) IS 'Transition function of clientele.pareto_nbd_fit with a penalizer (aggregate use only).';

CREATE FUNCTION clientele.pareto_nbd_fit_final(clientele.fit_state) RETURNS clientele.pareto_nbd_params
AS 'MODULE_PATHNAME', 'pareto_nbd_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.pareto_nbd_fit_final(clientele.fit_state) IS 'Final function of clientele.pareto_nbd_fit: maximum-likelihood fit over the distinct rows.';

CREATE AGGREGATE clientele.pareto_nbd_fit(frequency float8, recency float8, t float8) (
	SFUNC = clientele.pareto_nbd_fit_trans,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.pareto_nbd_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.pareto_nbd_fit(float8, float8, float8) IS
	'Maximum-likelihood Pareto/NBD fit over customers'' (frequency = repeat purchases, recency = time of the last after the first, t = time since the first purchase), all in one time unit. Identical rows cost once. NULL with a NOTICE for fewer than 4 customers; converged = false with a WARNING when no identified maximum is found.';

CREATE AGGREGATE clientele.pareto_nbd_fit(frequency float8, recency float8, t float8, penalizer float8) (
	SFUNC = clientele.pareto_nbd_fit_trans,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.pareto_nbd_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.pareto_nbd_fit(float8, float8, float8, float8) IS
	'pareto_nbd_fit with an L2 penalty penalizer * sum(log(param)^2) added to the mean negative log-likelihood (lifetimes'' convention; same value on every row).';

CREATE FUNCTION clientele.pareto_nbd_p_alive(params clientele.pareto_nbd_params,
	frequency float8, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'pareto_nbd_p_alive'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.pareto_nbd_p_alive(clientele.pareto_nbd_params, float8, float8, float8) IS
	'P(alive at t | frequency, recency, t) under the Pareto/NBD model (frequency = repeat purchases, recency = time of the last one after the first, t = time since the first purchase).';

CREATE FUNCTION clientele.pareto_nbd_expected_purchases(params clientele.pareto_nbd_params,
	horizon float8, frequency float8, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'pareto_nbd_expected_purchases'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.pareto_nbd_expected_purchases(clientele.pareto_nbd_params, float8, float8, float8, float8) IS
	'Conditional expected number of purchases in the next "horizon" time units of a customer with (frequency, recency, t).';

CREATE FUNCTION clientele.pareto_nbd_expected_purchases_new(params clientele.pareto_nbd_params, horizon float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'pareto_nbd_expected_purchases_new'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.pareto_nbd_expected_purchases_new(clientele.pareto_nbd_params, float8) IS
	'Unconditional E[X(horizon)]: expected purchases of a new customer in "horizon" time units = r beta / (alpha (s-1)) (1 - (beta/(beta+horizon))^(s-1)).';

CREATE FUNCTION clientele.pareto_nbd_purchase_pmf(params clientele.pareto_nbd_params, horizon float8, n integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'pareto_nbd_purchase_pmf'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.pareto_nbd_purchase_pmf(clientele.pareto_nbd_params, float8, integer) IS
	'P(X(horizon) = n): probability that a new customer makes n purchases in "horizon" time units (Fader & Hardie 2006; computed by quadrature over the death time).';

-- ==== sql/gamma_gamma.sql ====
-- area: gamma_gamma
-- ===========================================================================
-- Gamma-Gamma spend model (Fader, Hardie & Lee 2005, JMR; Fader & Hardie,
-- note 025).  Uses clientele.fit_state and fit_state_combine (sql/bgnbd.sql).
-- ===========================================================================

CREATE TYPE clientele.gamma_gamma_params AS (
	p              float8,
	q              float8,
	v              float8,
	log_likelihood float8,
	n              bigint,
	converged      boolean,
	iterations     integer,
	se_p           float8,
	se_q           float8,
	se_v           float8
);
COMMENT ON TYPE clientele.gamma_gamma_params IS 'A Gamma-Gamma fit: transaction values ~ Gamma(p, nu), nu ~ Gamma(q, v); log-likelihood, repeat customers, convergence, iterations and standard errors.';
COMMENT ON COLUMN clientele.gamma_gamma_params.p IS 'Shape of the gamma distribution of a customer''s transaction values.';
COMMENT ON COLUMN clientele.gamma_gamma_params.q IS 'Shape of the gamma distribution of the customers'' scale parameters nu.';
COMMENT ON COLUMN clientele.gamma_gamma_params.v IS 'Rate of the gamma distribution of nu (gamma in Fader & Hardie), in money units.';
COMMENT ON COLUMN clientele.gamma_gamma_params.log_likelihood IS 'Log-likelihood at the estimate (lifetimes'' form, without the penalty).';
COMMENT ON COLUMN clientele.gamma_gamma_params.n IS 'Repeat customers (frequency > 0) in the fit.';
COMMENT ON COLUMN clientele.gamma_gamma_params.converged IS 'Whether the optimiser met its gradient test (false also raises a WARNING).';
COMMENT ON COLUMN clientele.gamma_gamma_params.iterations IS 'Optimiser iterations.';
COMMENT ON COLUMN clientele.gamma_gamma_params.se_p IS 'Standard error of p (inverse Hessian, delta method); NULL when not available.';
COMMENT ON COLUMN clientele.gamma_gamma_params.se_q IS 'Standard error of q.';
COMMENT ON COLUMN clientele.gamma_gamma_params.se_v IS 'Standard error of v.';

CREATE FUNCTION clientele.gamma_gamma_fit_trans(clientele.fit_state, float8, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'gamma_gamma_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.gamma_gamma_fit_trans(clientele.fit_state, float8, float8) IS 'Transition function of clientele.gamma_gamma_fit (aggregate use only).';

CREATE FUNCTION clientele.gamma_gamma_fit_trans(clientele.fit_state, float8, float8, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'gamma_gamma_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.gamma_gamma_fit_trans(clientele.fit_state, float8, float8, float8) IS 'Transition function of clientele.gamma_gamma_fit with a penalizer (aggregate use only).';

CREATE FUNCTION clientele.gamma_gamma_fit_final(clientele.fit_state) RETURNS clientele.gamma_gamma_params
AS 'MODULE_PATHNAME', 'gamma_gamma_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.gamma_gamma_fit_final(clientele.fit_state) IS 'Final function of clientele.gamma_gamma_fit: maximum-likelihood fit over the distinct rows.';

CREATE AGGREGATE clientele.gamma_gamma_fit(frequency float8, monetary float8) (
	SFUNC = clientele.gamma_gamma_fit_trans,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.gamma_gamma_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.gamma_gamma_fit(float8, float8) IS 'Maximum-likelihood Gamma-Gamma spend model over repeat customers (frequency > 0; rows with frequency 0 are ignored), monetary = mean value of the repeat purchases; NULL for fewer than 3 repeat customers.';

CREATE AGGREGATE clientele.gamma_gamma_fit(frequency float8, monetary float8, penalizer float8) (
	SFUNC = clientele.gamma_gamma_fit_trans,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.gamma_gamma_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.gamma_gamma_fit(float8, float8, float8) IS 'Gamma-Gamma fit maximising LL/n - penalizer * sum(log(param)^2) (the penalizer must be the same on every row).';

CREATE FUNCTION clientele.gamma_gamma_expected_spend(params clientele.gamma_gamma_params, frequency float8, monetary float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'gamma_gamma_expected_spend'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.gamma_gamma_expected_spend(clientele.gamma_gamma_params, float8, float8) IS 'Gamma-Gamma expected mean transaction value p (v + frequency * monetary) / (p * frequency + q - 1) of a customer; for frequency 0 the population mean p v / (q - 1).';

-- ==== sql/sbg.sql ====
-- area: sbg
-- Shifted-beta-geometric model of contractual retention (Fader & Hardie 2007,
-- 2010): fit on a cohort's survivor curve or on individuals, survival,
-- retention, churn probability and discounted expected residual lifetime.

CREATE TYPE clientele.sbg_params AS (
	alpha           float8,
	beta            float8,
	log_likelihood  float8,
	n               bigint,
	converged       boolean,
	iterations      integer,
	se_alpha        float8,
	se_beta         float8
);
COMMENT ON TYPE clientele.sbg_params IS
	'An sBG fit: per-period churn probability theta ~ Beta(alpha, beta); log-likelihood, customers, convergence, iterations and standard errors.';
COMMENT ON COLUMN clientele.sbg_params.alpha IS 'First shape of the beta distribution of churn probabilities.';
COMMENT ON COLUMN clientele.sbg_params.beta IS 'Second shape of the beta distribution of churn probabilities.';
COMMENT ON COLUMN clientele.sbg_params.log_likelihood IS 'Log-likelihood at the estimate (without the penalty).';
COMMENT ON COLUMN clientele.sbg_params.n IS 'Customers in the fit.';
COMMENT ON COLUMN clientele.sbg_params.converged IS 'Whether the fit reached an identified interior maximum (false also raises a WARNING).';
COMMENT ON COLUMN clientele.sbg_params.iterations IS 'Optimiser iterations.';
COMMENT ON COLUMN clientele.sbg_params.se_alpha IS 'Standard error of alpha (inverse Hessian, delta method); NULL when not available.';
COMMENT ON COLUMN clientele.sbg_params.se_beta IS 'Standard error of beta.';

CREATE FUNCTION clientele.sbg_fit(survivors bigint[], penalizer float8 DEFAULT 0)
RETURNS clientele.sbg_params
AS 'MODULE_PATHNAME', 'sbg_fit_survivors'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_fit(bigint[], float8) IS
	'Maximum-likelihood sBG fit on a cohort''s survivor curve: survivors[1] = cohort size, survivors[k+1] = still active after k periods (non-increasing). NULL with a NOTICE for fewer than 2 customers or values.';

CREATE FUNCTION clientele.sbg_fit_trans(clientele.fit_state, integer, boolean)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'sbg_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_fit_trans(clientele.fit_state, integer, boolean) IS 'Transition function of the clientele.sbg_fit aggregate: one customer as the row (periods, churned, 0) of the shared fit state (aggregate use only).';

CREATE FUNCTION clientele.sbg_fit_trans(clientele.fit_state, integer, boolean, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'sbg_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_fit_trans(clientele.fit_state, integer, boolean, float8) IS 'Transition function of the clientele.sbg_fit aggregate with a penalizer (aggregate use only).';

CREATE FUNCTION clientele.sbg_fit_final(clientele.fit_state) RETURNS clientele.sbg_params
AS 'MODULE_PATHNAME', 'sbg_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_fit_final(clientele.fit_state) IS 'Final function of the clientele.sbg_fit aggregate: maximum-likelihood fit over the distinct (periods, churned) rows.';

CREATE AGGREGATE clientele.sbg_fit(periods integer, churned boolean) (
	SFUNC = clientele.sbg_fit_trans,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.sbg_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.sbg_fit(integer, boolean) IS
	'Maximum-likelihood sBG fit over individuals: periods = periods paid for, churned = whether the customer left at the end of the last one (false: still active, right-censored). NULL with a NOTICE for fewer than 2 customers.';

CREATE AGGREGATE clientele.sbg_fit(periods integer, churned boolean, penalizer float8) (
	SFUNC = clientele.sbg_fit_trans,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.sbg_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.sbg_fit(integer, boolean, float8) IS
	'sbg_fit over individuals with an L2 penalty penalizer * sum(log(param)^2) on the mean negative log-likelihood (same value on every row).';

CREATE FUNCTION clientele.sbg_fit_trans_entered(clientele.fit_state, integer, boolean, integer)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'sbg_fit_trans_entered'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_fit_trans_entered(clientele.fit_state, integer, boolean, integer) IS 'Transition function of the left-truncated clientele.sbg_fit aggregate: one customer as the row (periods, churned, entered) of the shared fit state (aggregate use only).';

CREATE FUNCTION clientele.sbg_fit_trans_entered(clientele.fit_state, integer, boolean, integer, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'sbg_fit_trans_entered'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_fit_trans_entered(clientele.fit_state, integer, boolean, integer, float8) IS 'Transition function of the left-truncated clientele.sbg_fit aggregate with a penalizer (aggregate use only).';

CREATE AGGREGATE clientele.sbg_fit(periods integer, churned boolean, entered integer) (
	SFUNC = clientele.sbg_fit_trans_entered,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.sbg_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.sbg_fit(integer, boolean, integer) IS
	'sbg_fit over individuals observed from a later start (left truncation): entered = periods the customer had already stayed when observation began (0 = observed from the start); each contribution is divided by S(entered). Use it when customers who left before the data window are absent from the data.';

CREATE AGGREGATE clientele.sbg_fit(periods integer, churned boolean, entered integer, penalizer float8) (
	SFUNC = clientele.sbg_fit_trans_entered,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.sbg_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.sbg_fit(integer, boolean, integer, float8) IS
	'Left-truncated sbg_fit over individuals with an L2 penalty on the log-parameters (same value on every row).';

CREATE FUNCTION clientele.sbg_survival(params clientele.sbg_params, t integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'sbg_survival'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_survival(clientele.sbg_params, integer) IS
	'S(t) = B(alpha, beta + t) / B(alpha, beta): share of a new cohort still active after t periods.';

CREATE FUNCTION clientele.sbg_retention_rate(params clientele.sbg_params, t integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'sbg_retention_rate'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_retention_rate(clientele.sbg_params, integer) IS
	'r(t) = S(t) / S(t-1) = (beta + t - 1) / (alpha + beta + t - 1), t >= 1: the cohort''s retention rate in period t (rises with t: sorting).';

CREATE FUNCTION clientele.sbg_churn_probability(params clientele.sbg_params, t integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'sbg_churn_probability'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_churn_probability(clientele.sbg_params, integer) IS
	'P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta), t >= 1: probability that a new customer churns at the end of period t.';

CREATE FUNCTION clientele.sbg_derl(params clientele.sbg_params, discount_rate float8, renewals integer DEFAULT 0)
RETURNS float8
AS 'MODULE_PATHNAME', 'sbg_derl'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.sbg_derl(clientele.sbg_params, float8, integer) IS
	'Discounted expected residual lifetime (Fader & Hardie 2010, eq. 6) of a customer who has made "renewals" renewals, just before the next renewal decision: sum over k >= 0 of S(renewals+1+k)/S(renewals)/(1+d)^k. Times the margin per period = residual value.';

-- ==== sql/clv.sql ====
-- area: clv
-- ===========================================================================
-- Customer lifetime value from BG/NBD + Gamma-Gamma (lifetimes' convention).
-- ===========================================================================

CREATE FUNCTION clientele.clv(
	bgnbd clientele.bgnbd_params,
	gamma_gamma clientele.gamma_gamma_params,
	frequency float8,
	recency float8,
	t float8,
	monetary float8,
	months integer,
	discount_rate float8,
	units_per_month float8 DEFAULT 30)
RETURNS float8
AS 'MODULE_PATHNAME', 'clv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.clv(clientele.bgnbd_params, clientele.gamma_gamma_params, float8, float8, float8, float8, integer, float8, float8) IS 'Customer lifetime value over the next months: sum over months i = 1..months of BG/NBD expected purchases between months i-1 and i times the Gamma-Gamma expected spend, divided by (1 + monthly discount_rate)^i; units_per_month = time units of the BG/NBD fit per month (30 for days, 4.345 for weeks).';

-- ==== sql/holdout.sql ====
-- area: holdout
-- Calibration/holdout validation of the non-contractual models (the table of
-- Fader, Hardie & Lee 2005, figure 4 / table 2): fit on a calibration
-- period, compare the conditional expectation of holdout repeat purchases
-- with the actual ones, by calibration frequency.

CREATE FUNCTION clientele.calibration_holdout(
	transactions     regclass,
	calibration_end  date,
	holdout_end      date,
	model            text DEFAULT 'pareto_nbd',
	time_unit        interval DEFAULT '7 days',
	customer_column  name DEFAULT 'customer_id',
	time_column      name DEFAULT 'ts',
	max_frequency    integer DEFAULT 7,
	penalizer        float8 DEFAULT 0)
RETURNS TABLE (
	frequency        integer,
	frequency_label  text,
	customers        bigint,
	actual_mean      float8,
	predicted_mean   float8,
	converged        boolean)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_unit   float8;
	v_fit    text;
	v_pred   text;
	v_type   oid;
	v_src    text;
	c        name;
BEGIN
	IF transactions IS NULL OR calibration_end IS NULL OR holdout_end IS NULL OR model IS NULL
	   OR time_unit IS NULL OR customer_column IS NULL OR time_column IS NULL
	   OR max_frequency IS NULL OR penalizer IS NULL THEN
		RAISE EXCEPTION 'calibration_holdout arguments must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF holdout_end <= calibration_end THEN
		RAISE EXCEPTION 'holdout_end must be after calibration_end, got % and %', holdout_end, calibration_end
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	v_unit := extract(epoch FROM time_unit) / 86400.0;
	IF NOT v_unit > 0 THEN
		RAISE EXCEPTION 'time_unit must be a positive interval, got %', time_unit
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF max_frequency < 1 THEN
		RAISE EXCEPTION 'max_frequency must be at least 1, got %', max_frequency
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF NOT (penalizer >= 0 AND penalizer < 'Infinity'::float8) THEN
		RAISE EXCEPTION 'penalizer must be a finite number >= 0, got %', penalizer
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- the model picks fixed function names (never user text in the query)
	CASE model
		WHEN 'pareto_nbd' THEN
			v_fit := 'clientele.pareto_nbd_fit';
			v_pred := 'clientele.pareto_nbd_expected_purchases';
		WHEN 'bgnbd' THEN
			v_fit := 'clientele.bgnbd_fit';
			v_pred := 'clientele.bgnbd_expected_purchases';
		ELSE
			RAISE EXCEPTION 'unknown model "%"', model
				USING ERRCODE = 'invalid_parameter_value',
				      HINT = 'Models are: pareto_nbd, bgnbd.';
	END CASE;
	FOREACH c IN ARRAY ARRAY[customer_column, time_column] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_attribute
		               WHERE attrelid = transactions AND attname = c AND attnum > 0 AND NOT attisdropped) THEN
			RAISE EXCEPTION 'relation % has no column "%"', transactions, c
				USING ERRCODE = 'undefined_column',
				      HINT = 'Name the customer and time columns with customer_column and time_column.';
		END IF;
	END LOOP;
	SELECT atttypid INTO v_type FROM pg_attribute WHERE attrelid = transactions AND attname = time_column;
	IF v_type NOT IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype) THEN
		RAISE EXCEPTION 'column "%" of relation % has type %, but a date or timestamp is needed',
			time_column, transactions, v_type::regtype
			USING ERRCODE = 'datatype_mismatch';
	END IF;

	v_src := format('SELECT %I AS cust, (%I)::date AS day FROM %s', customer_column, time_column, transactions);
	-- purchase days (same-day purchases are one), calibration summary of the
	-- customers whose first purchase is in the calibration period, holdout
	-- repeat purchases, the fit and the conditional expectation
	RETURN QUERY EXECUTE format($q$
		WITH days AS (
			SELECT DISTINCT cust, day FROM (%1$s) s
			WHERE cust IS NOT NULL AND day IS NOT NULL AND day <= $2
		), summary AS (
			SELECT cust,
			       (count(*) FILTER (WHERE day <= $1) - 1)::float8 AS x,
			       (max(day) FILTER (WHERE day <= $1) - min(day))::float8 / $3 AS t_x,
			       ($1 - min(day))::float8 / $3 AS t_cal,
			       count(*) FILTER (WHERE day > $1)::float8 AS holdout
			FROM days GROUP BY cust
			HAVING min(day) <= $1
		), fit AS (
			SELECT %2$s(x, t_x, t_cal, $5) AS p FROM summary
		)
		SELECT least(s.x, $4)::integer,
		       CASE WHEN s.x >= $4 THEN $4 || '+' ELSE s.x::integer::text END,
		       count(*),
		       avg(s.holdout),
		       avg(%3$s(f.p, ($2 - $1)::float8 / $3, s.x, s.t_x, s.t_cal)),
		       bool_and((f.p).converged)
		FROM summary s CROSS JOIN fit f
		GROUP BY 1, 2 ORDER BY 1
	$q$, v_src, v_fit, v_pred)
	USING calibration_end, holdout_end, v_unit, max_frequency, penalizer;
END $$;
COMMENT ON FUNCTION clientele.calibration_holdout(regclass, date, date, text, interval, name, name, integer, float8) IS
	'Calibration/holdout check of a non-contractual model (''pareto_nbd'' or ''bgnbd''): from the (customer, time) rows of a relation, fits the model on the customers whose first purchase is on or before calibration_end (repeat purchase days up to calibration_end, in units of time_unit), and returns per calibration frequency (0 .. max_frequency-1, then max_frequency+) the customers, the actual mean number of repeat purchase days in (calibration_end, holdout_end], the model''s conditional expectation, and whether the fit converged.';

-- ==== sql/tiers.sql ====
-- area: tiers (see docs/tiers.md)
-- ===========================================================================
-- Tier schemes as data: clientele.tier_scheme (what is classified, where the
-- thresholds come from), tier_version (valid-from dates), tier_band (labels,
-- ranks, bounds with their inclusiveness, per-region overrides).  Validated
-- at write time (deferred constraint triggers, so a scheme may be edited over
-- several statements of one transaction), compiled per backend in C
-- (src/tiers.c) and recompiled after every committed change.
-- ===========================================================================

CREATE TABLE clientele.tier_scheme (
	scheme       text PRIMARY KEY
		CONSTRAINT tier_scheme_name_valid CHECK (scheme ~ '^[a-z][a-z0-9_]*$'),
	basis        text NOT NULL
		CONSTRAINT tier_scheme_basis_valid CHECK (basis IN ('balance', 'aum', 'contribution', 'numeric')),
	unit         text NOT NULL DEFAULT 'CNY',
	description  text NOT NULL,
	source       text NOT NULL,
	builtin      boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE clientele.tier_scheme IS
	'Tier schemes: named classifications of an amount into labelled bands (bands in clientele.tier_band, versions in clientele.tier_version). Shipped (builtin) schemes and their sources: suzhou_deposit_bands_2012 (0-1万, 1万-5万, 5万-20万, 20万-100万, 100万以上; source document 004, Suzhou postal savings deposit structure at the end of February 2012), deposit_class_abc (C < 1万, B 1万-20万, A >= 20万; source 004, roll-up of the same table), service_tier (ordinary / mid-tier / high-end with sub-bands and service levels; source 004); see the domain notes section 2. Each row cites its source in column source.';
COMMENT ON COLUMN clientele.tier_scheme.scheme IS 'Scheme name (lower case, e.g. suzhou_deposit_bands_2012), the first argument of clientele.tier_of.';
COMMENT ON COLUMN clientele.tier_scheme.basis IS 'What the amount is: balance (deposit balance), aum (total relationship balance), contribution (profit) or numeric (anything else). Documents intent; tier_of classifies the amount it is given.';
COMMENT ON COLUMN clientele.tier_scheme.unit IS 'Unit of the bounds (currency code, or a unit such as points).';
COMMENT ON COLUMN clientele.tier_scheme.description IS 'What the scheme is for.';
COMMENT ON COLUMN clientele.tier_scheme.source IS 'Where the thresholds come from (document and line, policy, committee decision).';
COMMENT ON COLUMN clientele.tier_scheme.builtin IS 'True for schemes shipped with the extension (read-only, not dumped by pg_dump).';

CREATE TABLE clientele.tier_version (
	scheme      text NOT NULL
		CONSTRAINT tier_version_scheme_fkey REFERENCES clientele.tier_scheme (scheme)
		ON UPDATE CASCADE ON DELETE CASCADE,
	version     int NOT NULL
		CONSTRAINT tier_version_positive CHECK (version > 0),
	valid_from  date NOT NULL
		CONSTRAINT tier_version_valid_from_finite CHECK (valid_from > '-infinity' AND valid_from < 'infinity'),
	note        text,
	builtin     boolean NOT NULL DEFAULT false,
	CONSTRAINT tier_version_pkey PRIMARY KEY (scheme, version),
	CONSTRAINT tier_version_valid_from_key UNIQUE (scheme, valid_from)
);
COMMENT ON TABLE clientele.tier_version IS
	'Versions of a tier scheme: a version is in force from valid_from until the next version''s valid_from.';
COMMENT ON COLUMN clientele.tier_version.scheme IS 'Tier scheme.';
COMMENT ON COLUMN clientele.tier_version.version IS 'Version number (positive).';
COMMENT ON COLUMN clientele.tier_version.valid_from IS 'First day on which this version applies (tier_of picks the latest version with valid_from <= as_of).';
COMMENT ON COLUMN clientele.tier_version.note IS 'What changed in this version.';
COMMENT ON COLUMN clientele.tier_version.builtin IS 'True for versions shipped with the extension (read-only, not dumped).';

CREATE TABLE clientele.tier_band (
	scheme           text NOT NULL,
	version          int NOT NULL,
	region           text
		CONSTRAINT tier_band_region_not_empty CHECK (region <> ''),
	rank             int NOT NULL,
	label            text NOT NULL
		CONSTRAINT tier_band_label_not_empty CHECK (label <> ''),
	lower_bound      numeric
		CONSTRAINT tier_band_lower_finite CHECK (lower_bound::text NOT IN ('NaN', 'Infinity', '-Infinity')),
	lower_inclusive  boolean NOT NULL DEFAULT true,
	upper_bound      numeric
		CONSTRAINT tier_band_upper_finite CHECK (upper_bound::text NOT IN ('NaN', 'Infinity', '-Infinity')),
	upper_inclusive  boolean NOT NULL DEFAULT false,
	tier             text,
	service_level    text,
	builtin          boolean NOT NULL DEFAULT false,
	CONSTRAINT tier_band_version_fkey FOREIGN KEY (scheme, version)
		REFERENCES clientele.tier_version (scheme, version) ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX tier_band_scheme_version_idx ON clientele.tier_band (scheme, version);
COMMENT ON TABLE clientele.tier_band IS
	'Bands of a tier scheme version. The default bands (region NULL) must cover their range without gaps or overlaps; bands of a region replace the default bands for that region. Checked when the transaction commits (clientele.tier_validate).';
COMMENT ON COLUMN clientele.tier_band.scheme IS 'Tier scheme.';
COMMENT ON COLUMN clientele.tier_band.version IS 'Scheme version.';
COMMENT ON COLUMN clientele.tier_band.region IS 'NULL for the default bands; a region (as in clientele.customer.region) for an override.';
COMMENT ON COLUMN clientele.tier_band.rank IS 'Order of the band within its set (distinct; shipped schemes rank 1 = lowest amounts); tier_rank returns it.';
COMMENT ON COLUMN clientele.tier_band.label IS 'Band label returned by tier_of (distinct within its set).';
COMMENT ON COLUMN clientele.tier_band.lower_bound IS 'Lower bound; NULL = unbounded below.';
COMMENT ON COLUMN clientele.tier_band.lower_inclusive IS 'Whether the lower bound belongs to the band (ignored when unbounded).';
COMMENT ON COLUMN clientele.tier_band.upper_bound IS 'Upper bound; NULL = unbounded above.';
COMMENT ON COLUMN clientele.tier_band.upper_inclusive IS 'Whether the upper bound belongs to the band (ignored when unbounded).';
COMMENT ON COLUMN clientele.tier_band.tier IS 'Coarser tier the band belongs to when bands are sub-bands (e.g. mid-tier); NULL = the label itself.';
COMMENT ON COLUMN clientele.tier_band.service_level IS 'What customers of this band receive (service model, KPI), as data.';
COMMENT ON COLUMN clientele.tier_band.builtin IS 'True for bands shipped with the extension (read-only, not dumped; their source: clientele.tier_scheme.source, document 004).';

SELECT pg_catalog.pg_extension_config_dump('clientele.tier_scheme', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('clientele.tier_version', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('clientele.tier_band', 'WHERE NOT builtin');

-- --- C functions ------------------------------------------------------------

CREATE FUNCTION clientele.tier_of(scheme text, amount numeric, region text DEFAULT NULL, as_of date DEFAULT NULL)
RETURNS text
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_tier_of';
COMMENT ON FUNCTION clientele.tier_of(text, numeric, text, date) IS
	'Label of the band of the tier scheme that contains amount, using the scheme version valid on as_of (NULL: current_date) and the bands of region when it has an override; NULL when the amount is NULL or outside every band. Bounds are compared exactly (numeric).';

CREATE FUNCTION clientele.tier_rank(scheme text, amount numeric, region text DEFAULT NULL, as_of date DEFAULT NULL)
RETURNS int
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_tier_rank';
COMMENT ON FUNCTION clientele.tier_rank(text, numeric, text, date) IS
	'Rank of the band that contains amount (as tier_of, but the rank); NULL when outside every band.';

CREATE FUNCTION clientele.tier_version(scheme text, as_of date DEFAULT NULL)
RETURNS int
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_tier_version';
COMMENT ON FUNCTION clientele.tier_version(text, date) IS
	'Version of the tier scheme in force on as_of (NULL: current_date); ERROR for an unknown scheme or a date before its first version.';

CREATE FUNCTION clientele.tier_validate(scheme text, version int)
RETURNS void
LANGUAGE c VOLATILE PARALLEL UNSAFE AS 'MODULE_PATHNAME', 'clientele_tier_validate';
COMMENT ON FUNCTION clientele.tier_validate(text, int) IS
	'Checks every band set of a scheme version: finite bounds, distinct ranks and labels, no empty band (lower above upper), no overlap, no gap, default bands present. ERROR (23514) naming the bands otherwise. Locks the scheme row (FOR NO KEY UPDATE) so that concurrent edits of one scheme are checked one after the other. Run by the deferred constraint trigger of tier_band (a version row alone is not checked, so pg_dump output restores table by table; tier_of reports a version without bands).';

-- --- write-time validation ----------------------------------------------------

CREATE FUNCTION clientele.tier_check_trigger() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		PERFORM clientele.tier_validate(NEW.scheme, NEW.version);
	END IF;
	IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (OLD.scheme, OLD.version) IS DISTINCT FROM (NEW.scheme, NEW.version)) THEN
		PERFORM clientele.tier_validate(OLD.scheme, OLD.version);
	END IF;
	RETURN NULL;
END $$;
COMMENT ON FUNCTION clientele.tier_check_trigger() IS
	'Constraint trigger function of tier_band: validates the scheme versions a row change touched.';

CREATE CONSTRAINT TRIGGER tier_band_valid
	AFTER INSERT OR UPDATE OR DELETE ON clientele.tier_band
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION clientele.tier_check_trigger();
COMMENT ON TRIGGER tier_band_valid ON clientele.tier_band IS
	'Validates the edited scheme versions at commit (SET CONSTRAINTS clientele.tier_band_valid IMMEDIATE to check after each statement).';
CREATE TRIGGER tier_scheme_config_changed
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clientele.tier_scheme
	FOR EACH STATEMENT EXECUTE FUNCTION clientele.config_changed();
COMMENT ON TRIGGER tier_scheme_config_changed ON clientele.tier_scheme IS 'Recompile the tier schemes in every backend after a change.';
CREATE TRIGGER tier_version_config_changed
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clientele.tier_version
	FOR EACH STATEMENT EXECUTE FUNCTION clientele.config_changed();
COMMENT ON TRIGGER tier_version_config_changed ON clientele.tier_version IS 'Recompile the tier schemes in every backend after a change.';
CREATE TRIGGER tier_band_config_changed
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clientele.tier_band
	FOR EACH STATEMENT EXECUTE FUNCTION clientele.config_changed();
COMMENT ON TRIGGER tier_band_config_changed ON clientele.tier_band IS 'Recompile the tier schemes in every backend after a change.';

-- Shipped rows are read-only: pg_dump keeps only a bank's own rows (builtin =
-- false), so an edit of a shipped row would silently vanish in a restore.
-- Banks add a version, a region override or their own scheme instead.
-- Upgrade scripts may SET LOCAL clientele.allow_builtin_changes = on.
CREATE FUNCTION clientele.tier_builtin_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF coalesce(current_setting('clientele.allow_builtin_changes', true), '') = 'on' THEN
		RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
	END IF;
	RAISE EXCEPTION 'shipped rows of clientele.% cannot be changed or deleted', TG_TABLE_NAME
		USING ERRCODE = 'insufficient_privilege',
		      DETAIL = format('The row %s ships with the extension (builtin); pg_dump keeps only rows a bank added.', OLD),
		      HINT = CASE WHEN TG_TABLE_NAME = 'regulatory_threshold'
		                  THEN 'Add a row for the criterion with a later valid_from.'
		                  ELSE 'Add a version (clientele.tier_version), a region override or a scheme of your own.' END;
END $$;
COMMENT ON FUNCTION clientele.tier_builtin_guard() IS
	'Trigger function: rejects UPDATE and DELETE of shipped (builtin) rows of the tier and regulatory tables, which pg_dump would not keep.';
CREATE TRIGGER tier_scheme_builtin_guard BEFORE UPDATE OR DELETE ON clientele.tier_scheme
	FOR EACH ROW WHEN (OLD.builtin) EXECUTE FUNCTION clientele.tier_builtin_guard();
COMMENT ON TRIGGER tier_scheme_builtin_guard ON clientele.tier_scheme IS 'Shipped schemes are read-only.';
CREATE TRIGGER tier_version_builtin_guard BEFORE UPDATE OR DELETE ON clientele.tier_version
	FOR EACH ROW WHEN (OLD.builtin) EXECUTE FUNCTION clientele.tier_builtin_guard();
COMMENT ON TRIGGER tier_version_builtin_guard ON clientele.tier_version IS 'Shipped versions are read-only.';
CREATE TRIGGER tier_band_builtin_guard BEFORE UPDATE OR DELETE ON clientele.tier_band
	FOR EACH ROW WHEN (OLD.builtin) EXECUTE FUNCTION clientele.tier_builtin_guard();
COMMENT ON TRIGGER tier_band_builtin_guard ON clientele.tier_band IS 'Shipped bands are read-only.';

-- --- shipped schemes ---------------------------------------------------------
-- Source document 004 (Suzhou postal savings, deposit structure at the end of
-- February 2012; domain notes section 2).  Amounts in CNY; the document
-- writes the bands in 万元 (CNY 10,000) with the upper bound excluded (不含).

INSERT INTO clientele.tier_scheme (scheme, basis, unit, description, source, builtin) VALUES
	('suzhou_deposit_bands_2012', 'balance', 'CNY',
	 'Deposit balance bands of the Suzhou postal-savings customer analysis: 0-1万, 1万-5万, 5万-20万, 20万-100万, 100万以上 (upper bound excluded).',
	 'Source document 004 (Suzhou postal savings deposit structure, end of February 2012); domain notes section 2.', true),
	('deposit_class_abc', 'balance', 'CNY',
	 'A/B/C customer classes by deposit balance: C below 1万, B 1万 to 20万, A 20万 and above.',
	 'Source document 004 (roll-up of the Suzhou deposit bands into classes A, B, C); domain notes section 2.', true),
	('service_tier', 'balance', 'CNY',
	 'Service tiers with sub-bands: ordinary below 1万; mid-tier 1万-20万 (1万-5万, 5万-20万); high-end 20万 and above (with a 50万+ sub-band). The service model of each tier is in tier_band.service_level.',
	 'Source document 004 (service tiers and tier KPIs); domain notes section 2.', true);

INSERT INTO clientele.tier_version (scheme, version, valid_from, note, builtin) VALUES
	('suzhou_deposit_bands_2012', 1, '2012-02-29', 'As published for the end of February 2012.', true),
	('deposit_class_abc', 1, '2012-02-29', 'As published for the end of February 2012.', true),
	('service_tier', 1, '2012-02-29', 'As published with the February 2012 analysis.', true);

INSERT INTO clientele.tier_band (scheme, version, rank, label, lower_bound, lower_inclusive, upper_bound, upper_inclusive, tier, service_level, builtin) VALUES
	('suzhou_deposit_bands_2012', 1, 1, '0-1万',      0,       true, 10000,   false, NULL, NULL, true),
	('suzhou_deposit_bands_2012', 1, 2, '1万-5万',    10000,   true, 50000,   false, NULL, NULL, true),
	('suzhou_deposit_bands_2012', 1, 3, '5万-20万',   50000,   true, 200000,  false, NULL, NULL, true),
	('suzhou_deposit_bands_2012', 1, 4, '20万-100万', 200000,  true, 1000000, false, NULL, NULL, true),
	('suzhou_deposit_bands_2012', 1, 5, '100万以上',  1000000, true, NULL,    false, NULL, NULL, true),
	('deposit_class_abc', 1, 1, 'C', 0,      true, 10000,  false, NULL, NULL, true),
	('deposit_class_abc', 1, 2, 'B', 10000,  true, 200000, false, NULL, NULL, true),
	('deposit_class_abc', 1, 3, 'A', 200000, true, NULL,   false, NULL, NULL, true),
	('service_tier', 1, 1, 'ordinary',          0,      true, 10000,  false, 'ordinary',
	 'Fast self-service channels; tier KPI: waiting time.', true),
	('service_tier', 1, 2, 'mid-tier 1万-5万',  10000,  true, 50000,  false, 'mid-tier',
	 'Product bundles and wealth salons; tier KPI: cross-sell rate.', true),
	('service_tier', 1, 3, 'mid-tier 5万-20万', 50000,  true, 200000, false, 'mid-tier',
	 'Product bundles and wealth salons; tier KPI: cross-sell rate.', true),
	('service_tier', 1, 4, 'high-end 20万-50万', 200000, true, 500000, false, 'high-end',
	 'Dedicated relationship manager, regular contact, comprehensive financial plan; tier KPIs: AUM and stickiness.', true),
	('service_tier', 1, 5, 'high-end 50万+',    500000, true, NULL,   false, 'high-end',
	 'Dedicated relationship manager, regular contact, comprehensive financial plan; tier KPIs: AUM and stickiness.', true);

-- --- bands in force, band details, distribution report -------------------------

CREATE FUNCTION clientele.tier_bands(p_scheme text, p_region text DEFAULT NULL, p_as_of date DEFAULT NULL)
RETURNS TABLE (scheme text, version int, region text, rank int, label text,
               lower_bound numeric, lower_inclusive boolean, upper_bound numeric, upper_inclusive boolean,
               tier text, service_level text)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
	WITH v AS (SELECT clientele.tier_version(p_scheme, p_as_of) AS version),
	r AS (
		SELECT CASE WHEN EXISTS (SELECT 1 FROM clientele.tier_band b, v
		                         WHERE b.scheme = p_scheme AND b.version = v.version AND b.region = p_region)
		            THEN p_region END AS region
	)
	SELECT b.scheme, b.version, b.region, b.rank, b.label, b.lower_bound, b.lower_inclusive,
	       b.upper_bound, b.upper_inclusive, coalesce(b.tier, b.label), b.service_level
	FROM clientele.tier_band b, v, r
	WHERE b.scheme = p_scheme AND b.version = v.version AND b.region IS NOT DISTINCT FROM r.region
	ORDER BY b.rank
$$;
COMMENT ON FUNCTION clientele.tier_bands(text, text, date) IS
	'The bands of a tier scheme in force on p_as_of (NULL: current_date) for p_region (its override if it has one, else the default bands), ordered by rank; tier is the coarser tier (the label when not a sub-band).';

CREATE FUNCTION clientele.tier_band_within(
	lower_bound numeric, lower_inclusive boolean, upper_bound numeric, upper_inclusive boolean,
	outer_lower numeric, outer_lower_inclusive boolean, outer_upper numeric, outer_upper_inclusive boolean)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT (outer_lower IS NULL OR (lower_bound IS NOT NULL AND (lower_bound > outer_lower
	            OR (lower_bound = outer_lower AND (outer_lower_inclusive OR NOT lower_inclusive)))))
	   AND (outer_upper IS NULL OR (upper_bound IS NOT NULL AND (upper_bound < outer_upper
	            OR (upper_bound = outer_upper AND (outer_upper_inclusive OR NOT upper_inclusive)))))
$$;
COMMENT ON FUNCTION clientele.tier_band_within(numeric, boolean, numeric, boolean, numeric, boolean, numeric, boolean) IS
	'Whether the band (lower_bound, upper_bound) lies entirely within the outer band, inclusivity honoured; NULL bounds are unbounded. The roll-up rule of tier_distribution.';

CREATE FUNCTION clientele.tier_distribution(
	p_scheme text, p_amounts regclass, p_column name DEFAULT 'amount',
	p_region text DEFAULT NULL, p_as_of date DEFAULT NULL, p_rollup text DEFAULT NULL)
RETURNS TABLE (rank int, label text, lower_bound numeric, upper_bound numeric,
               amount numeric, amount_share numeric, count bigint, count_share numeric, average numeric)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_type regtype;
	v_bad text;
BEGIN
	IF p_scheme IS NULL OR p_amounts IS NULL OR p_column IS NULL THEN
		RAISE EXCEPTION '% must not be NULL',
			CASE WHEN p_scheme IS NULL THEN 'p_scheme' WHEN p_amounts IS NULL THEN 'p_amounts' ELSE 'p_column' END
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT a.atttypid::regtype INTO v_type FROM pg_catalog.pg_attribute a
	WHERE a.attrelid = p_amounts AND a.attname = p_column AND a.attnum > 0 AND NOT a.attisdropped;
	IF v_type IS NULL THEN
		RAISE EXCEPTION 'relation % has no column "%"', p_amounts, p_column
			USING ERRCODE = 'undefined_column';
	END IF;
	IF v_type NOT IN ('numeric'::regtype, 'int2'::regtype, 'int4'::regtype, 'int8'::regtype) THEN
		RAISE EXCEPTION 'column "%" of % is of type %, not numeric', p_column, p_amounts, v_type
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Cast it in a view, e.g. CREATE VIEW v AS SELECT x::numeric AS amount FROM t.';
	END IF;
	-- bands of the roll-up scheme that contain each band of p_scheme
	IF p_rollup IS NOT NULL THEN
		SELECT string_agg(format('"%s"', f.label), ', ' ORDER BY f.rank) INTO v_bad
		FROM clientele.tier_bands(p_scheme, p_region, p_as_of) f
		WHERE (SELECT count(*) FROM clientele.tier_bands(p_rollup, p_region, p_as_of) c
		       WHERE clientele.tier_band_within(f.lower_bound, f.lower_inclusive, f.upper_bound, f.upper_inclusive,
		                                        c.lower_bound, c.lower_inclusive, c.upper_bound, c.upper_inclusive)) <> 1;
		IF v_bad IS NOT NULL THEN
			RAISE EXCEPTION 'tier scheme "%" does not roll up into "%"', p_scheme, p_rollup
				USING ERRCODE = 'invalid_parameter_value',
				      DETAIL = format('Bands %s of "%s" lie in no single band of "%s".', v_bad, p_scheme, p_rollup);
		END IF;
	END IF;
	RETURN QUERY EXECUTE format($q$
		WITH per_band AS (
			SELECT clientele.tier_rank($1, %1$I::numeric, $2, $3) AS rank,
			       sum(%1$I::numeric) AS amount, count(*) AS n
			FROM %2$s WHERE %1$I IS NOT NULL GROUP BY 1
		),
		fine AS (
			SELECT f.rank, f.label, f.lower_bound, f.lower_inclusive, f.upper_bound, f.upper_inclusive
			FROM clientele.tier_bands($1, $2, $3) f
		),
		mapped AS (   -- each band of the scheme, or of its roll-up
			SELECT f.rank AS fine_rank, coalesce(c.rank, f.rank) AS rank, coalesce(c.label, f.label) AS label,
			       CASE WHEN $4 IS NULL THEN f.lower_bound ELSE c.lower_bound END AS lower_bound,
			       CASE WHEN $4 IS NULL THEN f.upper_bound ELSE c.upper_bound END AS upper_bound
			FROM fine f
			LEFT JOIN clientele.tier_bands($4, $2, $3) c ON $4 IS NOT NULL
			     AND clientele.tier_band_within(f.lower_bound, f.lower_inclusive, f.upper_bound, f.upper_inclusive,
			                                    c.lower_bound, c.lower_inclusive, c.upper_bound, c.upper_inclusive)
			WHERE $4 IS NULL OR c.rank IS NOT NULL
		),
		bands AS (
			SELECT DISTINCT m.rank, m.label, m.lower_bound, m.upper_bound FROM mapped m
		),
		totals AS (SELECT sum(p.amount) AS amount, sum(p.n) AS n FROM per_band p),
		agg AS (
			SELECT b.rank, b.label, b.lower_bound, b.upper_bound,
			       coalesce(sum(p.amount), 0) AS amount, coalesce(sum(p.n), 0)::bigint AS n
			FROM bands b
			LEFT JOIN mapped m ON m.rank = b.rank
			LEFT JOIN per_band p ON p.rank = m.fine_rank
			GROUP BY b.rank, b.label, b.lower_bound, b.upper_bound
			UNION ALL   -- amounts outside every band, if any
			SELECT NULL, NULL, NULL, NULL, p.amount, p.n FROM per_band p WHERE p.rank IS NULL
		)
		SELECT a.rank, a.label, a.lower_bound, a.upper_bound, a.amount,
		       a.amount / nullif(t.amount, 0), a.n, a.n / nullif(t.n, 0)::numeric,
		       a.amount / nullif(a.n, 0)
		FROM agg a, totals t
		ORDER BY a.rank NULLS LAST
	$q$, p_column, p_amounts) USING p_scheme, p_region, p_as_of, p_rollup;
END $$;
COMMENT ON FUNCTION clientele.tier_distribution(text, regclass, name, text, date, text) IS
	'Distribution report of the amounts in column p_column of table or view p_amounts over the bands of tier scheme p_scheme: per band (by rank) the amount, amount share, count, count share and average; a row with NULL rank for amounts outside every band. With p_rollup, the bands of p_scheme are rolled up into the bands of scheme p_rollup that contain them (ERROR if a band straddles two). Shares are exact fractions (numeric).';

-- --- regulatory high-net-worth and private-banking classes ----------------------
-- Source 003:84 (domain notes section 2): private banking = net financial
-- assets >= CNY 6,000,000; high net worth = any of: single wealth-product
-- subscription >= 1,000,000; personal or household net financial assets
-- > 1,000,000; personal income > 200,000 in each of the last 3 years or
-- household income > 300,000 in each.  >= and > exactly as written.

CREATE TABLE clientele.regulatory_threshold (
	criterion    text NOT NULL
		CONSTRAINT regulatory_threshold_criterion_valid CHECK (criterion IN (
			'private_banking_net_financial_assets', 'hnw_single_subscription', 'hnw_net_financial_assets',
			'hnw_personal_income', 'hnw_household_income')),
	valid_from   date NOT NULL
		CONSTRAINT regulatory_threshold_valid_from_not_infinity CHECK (valid_from < 'infinity'),
	threshold    numeric NOT NULL
		CONSTRAINT regulatory_threshold_finite CHECK (threshold::text NOT IN ('NaN', 'Infinity', '-Infinity')),
	inclusive    boolean NOT NULL,
	description  text NOT NULL,
	source       text NOT NULL,
	builtin      boolean NOT NULL DEFAULT false,
	CONSTRAINT regulatory_threshold_pkey PRIMARY KEY (criterion, valid_from)
);
COMMENT ON TABLE clientele.regulatory_threshold IS
	'Thresholds of the regulatory private-banking and high-net-worth classes (clientele.regulatory_class), source 003:84: per criterion, the row with the latest valid_from on or before the date asked applies; inclusive true means >=, false means >. The shipped rows (valid from -infinity) are read-only: a change of regulation is a new row with a later valid_from.';
COMMENT ON COLUMN clientele.regulatory_threshold.criterion IS 'Which criterion (fixed list).';
COMMENT ON COLUMN clientele.regulatory_threshold.valid_from IS 'First day the row applies (-infinity for the shipped rows).';
COMMENT ON COLUMN clientele.regulatory_threshold.threshold IS 'Threshold in CNY.';
COMMENT ON COLUMN clientele.regulatory_threshold.inclusive IS 'true: met at amount >= threshold; false: met only at amount > threshold.';
COMMENT ON COLUMN clientele.regulatory_threshold.description IS 'The criterion in words.';
COMMENT ON COLUMN clientele.regulatory_threshold.source IS 'Where it comes from.';
COMMENT ON COLUMN clientele.regulatory_threshold.builtin IS 'True for the rows shipped with the extension (read-only, not dumped).';
SELECT pg_catalog.pg_extension_config_dump('clientele.regulatory_threshold', 'WHERE NOT builtin');

INSERT INTO clientele.regulatory_threshold (criterion, valid_from, threshold, inclusive, description, source, builtin)
SELECT criterion, '-infinity', threshold, inclusive, description, source, builtin FROM (VALUES
	('private_banking_net_financial_assets', 6000000, true,
	 'Private banking customer: personal net financial assets >= CNY 6,000,000.', 'Source 003:84; domain notes section 2.', true),
	('hnw_single_subscription', 1000000, true,
	 'High net worth: a single wealth-product subscription >= CNY 1,000,000.', 'Source 003:84; domain notes section 2.', true),
	('hnw_net_financial_assets', 1000000, false,
	 'High net worth: personal or household net financial assets > CNY 1,000,000.', 'Source 003:84; domain notes section 2.', true),
	('hnw_personal_income', 200000, false,
	 'High net worth: personal annual income > CNY 200,000 in each of the last 3 years.', 'Source 003:84; domain notes section 2.', true),
	('hnw_household_income', 300000, false,
	 'High net worth: household annual income > CNY 300,000 in each of the last 3 years.', 'Source 003:84; domain notes section 2.', true)
) AS t(criterion, threshold, inclusive, description, source, builtin);
CREATE TRIGGER regulatory_threshold_builtin_guard BEFORE UPDATE OR DELETE ON clientele.regulatory_threshold
	FOR EACH ROW WHEN (OLD.builtin) EXECUTE FUNCTION clientele.tier_builtin_guard();
COMMENT ON TRIGGER regulatory_threshold_builtin_guard ON clientele.regulatory_threshold IS 'Shipped thresholds are read-only.';

CREATE FUNCTION clientele.regulatory_class(
	net_financial_assets numeric,
	max_single_subscription numeric DEFAULT NULL,
	income_3y numeric[] DEFAULT NULL,
	household_income_3y numeric[] DEFAULT NULL,
	household_net_financial_assets numeric DEFAULT NULL,
	as_of date DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	t record;
	v numeric;
	v_name text;
	v_arr numeric[];
	i int;
BEGIN
	-- every amount must be a finite number (NULL = unknown: that criterion is not met)
	FOREACH v_name IN ARRAY ARRAY['net_financial_assets', 'max_single_subscription', 'household_net_financial_assets'] LOOP
		v := CASE v_name WHEN 'net_financial_assets' THEN net_financial_assets
		                 WHEN 'max_single_subscription' THEN max_single_subscription
		                 ELSE household_net_financial_assets END;
		IF v::text IN ('NaN', 'Infinity', '-Infinity') THEN
			RAISE EXCEPTION '% must be a finite number, got %', v_name, v USING ERRCODE = 'invalid_parameter_value';
		END IF;
	END LOOP;
	IF max_single_subscription < 0 THEN
		RAISE EXCEPTION 'max_single_subscription must not be negative, got %', max_single_subscription
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	FOREACH v_name IN ARRAY ARRAY['income_3y', 'household_income_3y'] LOOP
		v_arr := CASE v_name WHEN 'income_3y' THEN income_3y ELSE household_income_3y END;
		IF v_arr IS NOT NULL THEN
			IF array_ndims(v_arr) IS DISTINCT FROM 1 OR cardinality(v_arr) <> 3 THEN
				RAISE EXCEPTION '% must hold the incomes of the last 3 years, got % values', v_name, cardinality(v_arr)
					USING ERRCODE = 'invalid_parameter_value', HINT = 'Pass ARRAY[y1, y2, y3]; NULL for an unknown year.';
			END IF;
			FOR i IN 1 .. 3 LOOP
				IF v_arr[array_lower(v_arr, 1) + i - 1]::text IN ('NaN', 'Infinity', '-Infinity') THEN
					RAISE EXCEPTION '% must hold finite numbers, got %', v_name, v_arr USING ERRCODE = 'invalid_parameter_value';
				END IF;
			END LOOP;
		END IF;
	END LOOP;

	SELECT
		max(threshold) FILTER (WHERE criterion = 'private_banking_net_financial_assets') AS pb,
		bool_or(inclusive) FILTER (WHERE criterion = 'private_banking_net_financial_assets') AS pb_incl,
		max(threshold) FILTER (WHERE criterion = 'hnw_single_subscription') AS sub,
		bool_or(inclusive) FILTER (WHERE criterion = 'hnw_single_subscription') AS sub_incl,
		max(threshold) FILTER (WHERE criterion = 'hnw_net_financial_assets') AS nfa,
		bool_or(inclusive) FILTER (WHERE criterion = 'hnw_net_financial_assets') AS nfa_incl,
		max(threshold) FILTER (WHERE criterion = 'hnw_personal_income') AS inc,
		bool_or(inclusive) FILTER (WHERE criterion = 'hnw_personal_income') AS inc_incl,
		max(threshold) FILTER (WHERE criterion = 'hnw_household_income') AS hh,
		bool_or(inclusive) FILTER (WHERE criterion = 'hnw_household_income') AS hh_incl
	INTO t
	FROM (SELECT DISTINCT ON (r.criterion) r.criterion, r.threshold, r.inclusive
	      FROM clientele.regulatory_threshold r
	      WHERE r.valid_from <= coalesce(as_of, current_date)
	      ORDER BY r.criterion, r.valid_from DESC) AS current_rows;
	IF t.pb IS NULL OR t.sub IS NULL OR t.nfa IS NULL OR t.inc IS NULL OR t.hh IS NULL THEN
		RAISE EXCEPTION 'clientele.regulatory_threshold has no row for some criterion on %', coalesce(as_of, current_date)
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'It needs one row for each criterion: private_banking_net_financial_assets, hnw_single_subscription, hnw_net_financial_assets, hnw_personal_income, hnw_household_income.';
	END IF;

	-- the CASEs in parentheses: PL/pgSQL would end an IF condition at the CASE's THEN
	IF (CASE WHEN t.pb_incl THEN net_financial_assets >= t.pb ELSE net_financial_assets > t.pb END) THEN
		RETURN 'private_banking';
	END IF;
	IF (CASE WHEN t.sub_incl THEN max_single_subscription >= t.sub ELSE max_single_subscription > t.sub END)
	   OR (CASE WHEN t.nfa_incl THEN net_financial_assets >= t.nfa ELSE net_financial_assets > t.nfa END)
	   OR (CASE WHEN t.nfa_incl THEN household_net_financial_assets >= t.nfa ELSE household_net_financial_assets > t.nfa END)
	   OR (SELECT count(x) = 3 AND bool_and(CASE WHEN t.inc_incl THEN x >= t.inc ELSE x > t.inc END)
	       FROM unnest(income_3y) AS x)
	   OR (SELECT count(x) = 3 AND bool_and(CASE WHEN t.hh_incl THEN x >= t.hh ELSE x > t.hh END)
	       FROM unnest(household_income_3y) AS x)
	THEN
		RETURN 'high_net_worth';
	END IF;
	RETURN NULL;
END $$;
COMMENT ON FUNCTION clientele.regulatory_class(numeric, numeric, numeric[], numeric[], numeric, date) IS
	'Regulatory customer class (source 003:84): private_banking when net financial assets >= 6,000,000; else high_net_worth when any of: single wealth-product subscription >= 1,000,000, personal or household net financial assets > 1,000,000, personal income > 200,000 in each of the last 3 years, household income > 300,000 in each; else NULL. Thresholds and >=/> are rows of clientele.regulatory_threshold (those valid on as_of, default current_date). NULL inputs are unknown (criterion not met); income arrays hold exactly 3 years.';

-- ==== sql/value.sql ====
-- area: value (see docs/value.md)
-- ===========================================================================
-- Customer value: time-weighted average daily balance, AUM, profit
-- contribution, concentration (Gini, top share), profitability deciles and
-- classes, and the loyalty x value quadrant.  Domain notes section 1.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- avg_daily_balance(day, balance, from, to)
-- ---------------------------------------------------------------------------
CREATE FUNCTION clientele.adb_trans(internal, date, numeric, date, date) RETURNS internal
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_adb_trans';
COMMENT ON FUNCTION clientele.adb_trans(internal, date, numeric, date, date) IS
	'Internal: transition function of avg_daily_balance (keeps the snapshots in the window as runs of consecutive days, and the latest one before it).';
CREATE FUNCTION clientele.adb_combine(internal, internal) RETURNS internal
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_adb_combine';
COMMENT ON FUNCTION clientele.adb_combine(internal, internal) IS
	'Internal: exact combine function of avg_daily_balance (concatenates the runs of two partial states).';
CREATE FUNCTION clientele.adb_serial(internal) RETURNS bytea
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_adb_serial';
COMMENT ON FUNCTION clientele.adb_serial(internal) IS 'Internal: serialises an avg_daily_balance state for parallel workers.';
CREATE FUNCTION clientele.adb_deserial(bytea, internal) RETURNS internal
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_adb_deserial';
COMMENT ON FUNCTION clientele.adb_deserial(bytea, internal) IS 'Internal: deserialises an avg_daily_balance state (sizes checked).';
CREATE FUNCTION clientele.adb_final(internal) RETURNS numeric
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_adb_final';
COMMENT ON FUNCTION clientele.adb_final(internal) IS 'Internal: final function of avg_daily_balance (exact balance-days sum / days, rounded half away from zero to the cent).';

CREATE AGGREGATE clientele.avg_daily_balance(day date, balance numeric, window_from date, window_to date) (
	SFUNC = clientele.adb_trans,
	STYPE = internal,
	SSPACE = 256,
	FINALFUNC = clientele.adb_final,
	COMBINEFUNC = clientele.adb_combine,
	SERIALFUNC = clientele.adb_serial,
	DESERIALFUNC = clientele.adb_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.avg_daily_balance(date, numeric, date, date) IS
	'Time-weighted average daily balance (日均余额) of one account over the inclusive window [window_from, window_to] from sparse end-of-day snapshots: a balance holds until the next snapshot, the last snapshot before window_from carries into the window, days before the first known snapshot count as 0. Balances are taken to the cent (half away from zero); the balance-days sum is exact; the result is rounded half away from zero to the cent. One snapshot per day per group (else ERROR 22023); NULL day or balance rows are ignored; empty input gives NULL. Source: domain notes section 1 (001:273, 004).';

-- ---------------------------------------------------------------------------
-- gini(value), top_share(value, fraction)
-- ---------------------------------------------------------------------------
CREATE FUNCTION clientele.gini_trans(internal, float8) RETURNS internal
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_gini_trans';
COMMENT ON FUNCTION clientele.gini_trans(internal, float8) IS 'Internal: transition function of gini (stores the values).';
CREATE FUNCTION clientele.top_share_trans(internal, float8, float8) RETURNS internal
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_top_share_trans';
COMMENT ON FUNCTION clientele.top_share_trans(internal, float8, float8) IS 'Internal: transition function of top_share (stores the values and the fraction).';
CREATE FUNCTION clientele.conc_combine(internal, internal) RETURNS internal
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_conc_combine';
COMMENT ON FUNCTION clientele.conc_combine(internal, internal) IS 'Internal: exact combine function of gini and top_share (concatenates the values).';
CREATE FUNCTION clientele.conc_serial(internal) RETURNS bytea
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_conc_serial';
COMMENT ON FUNCTION clientele.conc_serial(internal) IS 'Internal: serialises a gini/top_share state for parallel workers.';
CREATE FUNCTION clientele.conc_deserial(bytea, internal) RETURNS internal
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_conc_deserial';
COMMENT ON FUNCTION clientele.conc_deserial(bytea, internal) IS 'Internal: deserialises a gini/top_share state (sizes checked).';
CREATE FUNCTION clientele.gini_final(internal) RETURNS float8
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_gini_final';
COMMENT ON FUNCTION clientele.gini_final(internal) IS 'Internal: final function of gini.';
CREATE FUNCTION clientele.top_share_final(internal) RETURNS float8
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_top_share_final';
COMMENT ON FUNCTION clientele.top_share_final(internal) IS 'Internal: final function of top_share.';

CREATE AGGREGATE clientele.gini(value float8) (
	SFUNC = clientele.gini_trans,
	STYPE = internal,
	FINALFUNC = clientele.gini_final,
	COMBINEFUNC = clientele.conc_combine,
	SERIALFUNC = clientele.conc_serial,
	DESERIALFUNC = clientele.conc_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.gini(float8) IS
	'Gini coefficient G = sum_i (2i - n - 1) x_(i) / (n sum x), x_(i) the i-th smallest value (0 = equal, (n-1)/n = one holder). Negative values are used as they are (G may exceed 1); all zeros give 0; a total <= 0 otherwise, or no rows, gives NULL; NULL values are ignored; NaN/Infinity: ERROR 22023.';

CREATE AGGREGATE clientele.top_share(value float8, fraction float8) (
	SFUNC = clientele.top_share_trans,
	STYPE = internal,
	FINALFUNC = clientele.top_share_final,
	COMBINEFUNC = clientele.conc_combine,
	SERIALFUNC = clientele.conc_serial,
	DESERIALFUNC = clientele.conc_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.top_share(float8, float8) IS
	'Share of the total held by the top fraction (0..1, same for every row) of the values, read off the Lorenz curve with linear interpolation (k = fraction * n: the floor(k) largest plus the fractional part of the next). top_share(profit, 0.2) is the 80/20 check (source 001:283). All zeros give the fraction; a total <= 0 otherwise, or no rows, gives NULL.';

-- ---------------------------------------------------------------------------
-- Configuration: parameters (defaults shipped read-only, overrides by the bank)
-- ---------------------------------------------------------------------------
CREATE TABLE clientele.value_param_spec (
	name           text PRIMARY KEY,
	default_value  numeric NOT NULL,
	min_value      numeric NOT NULL,
	max_value      numeric NOT NULL,
	integral       boolean NOT NULL DEFAULT false,
	description    text NOT NULL
);
COMMENT ON TABLE clientele.value_param_spec IS
	'Read-only specification of the value parameters: default and allowed range. The sources give no numbers: every default is an illustrative assumption, to be set by the bank in clientele.value_param.';
COMMENT ON COLUMN clientele.value_param_spec.name IS 'Parameter name.';
COMMENT ON COLUMN clientele.value_param_spec.default_value IS 'Value used when clientele.value_param has no row for the name.';
COMMENT ON COLUMN clientele.value_param_spec.min_value IS 'Smallest allowed value (inclusive).';
COMMENT ON COLUMN clientele.value_param_spec.max_value IS 'Largest allowed value (inclusive).';
COMMENT ON COLUMN clientele.value_param_spec.integral IS 'Whether the value must be a whole number.';
COMMENT ON COLUMN clientele.value_param_spec.description IS 'Meaning and unit.';

INSERT INTO clientele.value_param_spec (name, default_value, min_value, max_value, integral, description) VALUES
	('day_count_basis',               365,  360,   366,   true,  'Days per year of the accrual convention: income = ADB x annual rate x days / basis (ACT/365 by default; 360 for ACT/360).'),
	('fixed_cost_per_customer_month', 5.00, 0,     1e9,   false, 'Fixed cost of serving one customer for one month, in currency units (prorated by the days the relationship is open: months = days x 12 / basis).'),
	('cost_per_txn_counter',          3.00, 0,     1e6,   false, 'Cost of one counter (teller) transaction.'),
	('cost_per_txn_atm',              0.80, 0,     1e6,   false, 'Cost of one ATM transaction.'),
	('cost_per_txn_online',           0.10, 0,     1e6,   false, 'Cost of one online-banking transaction.'),
	('cost_per_txn_mobile',           0.05, 0,     1e6,   false, 'Cost of one mobile-banking transaction.'),
	('cost_per_txn_phone',            1.00, 0,     1e6,   false, 'Cost of one phone-banking transaction.'),
	('cost_per_txn_pos',              0.20, 0,     1e6,   false, 'Cost of one point-of-sale transaction.'),
	('profit_high_min',               1000, -1e12, 1e12,  false, 'Annualised contribution at or above which a customer is "high" profit.'),
	('profit_medium_min',             100,  0,     1e12,  false, 'Annualised contribution at or above which a customer is "medium" profit (below: "low"; below 0: "negative").'),
	('value_index_cut',               0.5,  0,     1,     false, 'Value index (contribution percentile) at or above which value is "high" in the loyalty x value quadrant.'),
	('loyalty_index_cut',             0.5,  0,     1,     false, 'Loyalty index at or above which loyalty is "high" in the loyalty x value quadrant.'),
	('loyalty_weight_tenure',         1,    0,     1000,  false, 'Weight of the tenure percentile in the loyalty index.'),
	('loyalty_weight_products',       1,    0,     1000,  false, 'Weight of the products-held percentile in the loyalty index.'),
	('loyalty_weight_activity',       1,    0,     1000,  false, 'Weight of the activity-regularity percentile in the loyalty index.'),
	('activity_months',               12,   1,     120,   true,  'Months (ending with the month of the period end) over which activity regularity is measured: the share of months with a customer-initiated transaction.');

CREATE TABLE clientele.value_param (
	name   text PRIMARY KEY
		CONSTRAINT value_param_name_fkey REFERENCES clientele.value_param_spec (name),
	value  numeric NOT NULL,
	note   text
);
COMMENT ON TABLE clientele.value_param IS
	'The bank''s values of the value parameters (overrides of clientele.value_param_spec.default_value); validated on write.';
COMMENT ON COLUMN clientele.value_param.name IS 'Parameter name, from clientele.value_param_spec.';
COMMENT ON COLUMN clientele.value_param.value IS 'Value, within the range of the specification.';
COMMENT ON COLUMN clientele.value_param.note IS 'Why / source of the value.';
SELECT pg_catalog.pg_extension_config_dump('clientele.value_param', '');

CREATE FUNCTION clientele.value_param_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	s clientele.value_param_spec;
BEGIN
	SELECT * INTO s FROM clientele.value_param_spec WHERE name = NEW.name;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'unknown value parameter "%"', NEW.name
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Parameters are: ' || (SELECT string_agg(name, ', ' ORDER BY name) FROM clientele.value_param_spec) || '.';
	END IF;
	IF NEW.value IS NULL OR NEW.value = 'NaN'::numeric OR NEW.value < s.min_value OR NEW.value > s.max_value THEN
		RAISE EXCEPTION 'value parameter "%" must lie between % and %, got %', NEW.name, s.min_value, s.max_value, NEW.value
			USING ERRCODE = 'invalid_parameter_value', DETAIL = s.description;
	END IF;
	IF s.integral AND NEW.value <> trunc(NEW.value) THEN
		RAISE EXCEPTION 'value parameter "%" must be a whole number, got %', NEW.name, NEW.value
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN NEW;
END $$;
COMMENT ON FUNCTION clientele.value_param_check() IS 'Trigger function: rejects an unknown value parameter or a value outside its range before it is stored.';
CREATE TRIGGER value_param_check BEFORE INSERT OR UPDATE ON clientele.value_param
	FOR EACH ROW EXECUTE FUNCTION clientele.value_param_check();
COMMENT ON TRIGGER value_param_check ON clientele.value_param IS 'Validates each parameter value on write.';

-- The effective value of a parameter: the bank's value, else the default.
CREATE FUNCTION clientele.value_setting(p_name text) RETURNS numeric
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v numeric;
BEGIN
	SELECT coalesce(p.value, s.default_value) INTO v
	FROM clientele.value_param_spec s LEFT JOIN clientele.value_param p USING (name)
	WHERE s.name = p_name;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'unknown value parameter "%"', p_name
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Parameters are: ' || (SELECT string_agg(name, ', ' ORDER BY name) FROM clientele.value_param_spec) || '.';
	END IF;
	RETURN v;
END $$;
COMMENT ON FUNCTION clientele.value_setting(text) IS
	'Effective value of a value parameter: clientele.value_param if set, else the default of clientele.value_param_spec; ERROR 22023 listing the parameters for an unknown name; NULL for NULL.';

-- Cross-parameter rules, checked once per statement.
CREATE FUNCTION clientele.value_param_check_all() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_high numeric := clientele.value_setting('profit_high_min');
	v_medium numeric := clientele.value_setting('profit_medium_min');
BEGIN
	IF v_high <= v_medium THEN
		RAISE EXCEPTION 'profit_high_min (%) must be greater than profit_medium_min (%)', v_high, v_medium
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF clientele.value_setting('loyalty_weight_tenure') + clientele.value_setting('loyalty_weight_products')
	   + clientele.value_setting('loyalty_weight_activity') <= 0 THEN
		RAISE EXCEPTION 'the loyalty weights must not all be 0'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN NULL;
END $$;
COMMENT ON FUNCTION clientele.value_param_check_all() IS 'Trigger function: rejects parameter sets that break a cross-parameter rule (high > medium threshold, some loyalty weight > 0).';
CREATE TRIGGER value_param_check_all AFTER INSERT OR UPDATE OR DELETE ON clientele.value_param
	FOR EACH STATEMENT EXECUTE FUNCTION clientele.value_param_check_all();
COMMENT ON TRIGGER value_param_check_all ON clientele.value_param IS 'Validates the cross-parameter rules after each statement.';
CREATE TRIGGER value_param_config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clientele.value_param
	FOR EACH STATEMENT EXECUTE FUNCTION clientele.config_changed();
COMMENT ON TRIGGER value_param_config_changed ON clientele.value_param IS 'Tells every backend to recompile a cached copy.';

CREATE VIEW clientele.value_settings AS
SELECT s.name, coalesce(p.value, s.default_value) AS value, p.name IS NOT NULL AS set_by_bank,
       s.default_value, s.min_value, s.max_value, s.description, p.note
FROM clientele.value_param_spec s LEFT JOIN clientele.value_param p USING (name);
COMMENT ON VIEW clientele.value_settings IS 'Every value parameter with its effective value, whether the bank set it, its default and range.';

-- ---------------------------------------------------------------------------
-- Configuration: rates per product type (FTP spread, fee rate, PD, LGD)
-- ---------------------------------------------------------------------------
CREATE TABLE clientele.value_rate_default (
	product_type  text PRIMARY KEY,
	ftp_spread    numeric NOT NULL,
	fee_rate      numeric NOT NULL,
	pd            numeric NOT NULL,
	lgd           numeric NOT NULL
);
COMMENT ON TABLE clientele.value_rate_default IS
	'Read-only illustrative default rates for the built-in product types (the sources give no numbers): used when clientele.value_product_rate has no row for a product type.';
COMMENT ON COLUMN clientele.value_rate_default.product_type IS 'Built-in product type.';
COMMENT ON COLUMN clientele.value_rate_default.ftp_spread IS 'Annual FTP spread (deposits, investments) or net interest margin (credit products) on the average daily balance.';
COMMENT ON COLUMN clientele.value_rate_default.fee_rate IS 'Annual fee income (中间业务收入) as a rate on the average daily balance.';
COMMENT ON COLUMN clientele.value_rate_default.pd IS 'Annual probability of default (credit products).';
COMMENT ON COLUMN clientele.value_rate_default.lgd IS 'Loss given default (credit products).';
INSERT INTO clientele.value_rate_default (product_type, ftp_spread, fee_rate, pd, lgd) VALUES
	('current',      0.0200, 0,      0,     0),
	('savings',      0.0150, 0,      0,     0),
	('time_deposit', 0.0080, 0,      0,     0),
	('wealth',       0,      0.0060, 0,     0),
	('fund',         0,      0.0100, 0,     0),
	('insurance',    0,      0.0080, 0,     0),
	('loan',         0.0250, 0,      0.020, 0.45),
	('mortgage',     0.0120, 0,      0.005, 0.25),
	('credit_card',  0.0900, 0.0100, 0.040, 0.80);

-- The shipped specification and defaults are read-only (an upgrade script
-- changes them with ALTER TABLE ... DISABLE TRIGGER): the bank's values go
-- to clientele.value_param / clientele.value_product_rate, which pg_dump keeps.
CREATE FUNCTION clientele.value_read_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	RAISE EXCEPTION 'clientele.% is read-only', TG_TABLE_NAME
		USING ERRCODE = 'insufficient_privilege',
		      HINT = CASE TG_TABLE_NAME
		                 WHEN 'value_param_spec' THEN 'Set a parameter in clientele.value_param.'
		                 ELSE 'Set the rates of a product type in clientele.value_product_rate.' END;
END $$;
COMMENT ON FUNCTION clientele.value_read_only() IS 'Trigger function: rejects writes to the shipped value specification and default tables.';
CREATE TRIGGER value_param_spec_read_only BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON clientele.value_param_spec
	FOR EACH STATEMENT EXECUTE FUNCTION clientele.value_read_only();
COMMENT ON TRIGGER value_param_spec_read_only ON clientele.value_param_spec IS 'The parameter specification ships with the extension and is read-only.';
CREATE TRIGGER value_rate_default_read_only BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON clientele.value_rate_default
	FOR EACH STATEMENT EXECUTE FUNCTION clientele.value_read_only();
COMMENT ON TRIGGER value_rate_default_read_only ON clientele.value_rate_default IS 'The default rates ship with the extension and are read-only.';

CREATE TABLE clientele.value_product_rate (
	product_type  text PRIMARY KEY
		CONSTRAINT value_product_rate_product_type_fkey REFERENCES clientele.product_type (product_type),
	ftp_spread    numeric NOT NULL DEFAULT 0
		CONSTRAINT value_product_rate_ftp_spread_range CHECK (ftp_spread BETWEEN -1 AND 1),
	fee_rate      numeric NOT NULL DEFAULT 0
		CONSTRAINT value_product_rate_fee_rate_range CHECK (fee_rate BETWEEN 0 AND 1),
	pd            numeric NOT NULL DEFAULT 0
		CONSTRAINT value_product_rate_pd_range CHECK (pd BETWEEN 0 AND 1),
	lgd           numeric NOT NULL DEFAULT 0
		CONSTRAINT value_product_rate_lgd_range CHECK (lgd BETWEEN 0 AND 1),
	note          text
);
COMMENT ON TABLE clientele.value_product_rate IS
	'The bank''s rates per product type for computed profit contribution; a row replaces the default of clientele.value_rate_default for its product type. Validated on write (ranges; PD and LGD only on credit products).';
COMMENT ON COLUMN clientele.value_product_rate.product_type IS 'Product type, from clientele.product_type.';
COMMENT ON COLUMN clientele.value_product_rate.ftp_spread IS 'Annual FTP spread (deposits, investments; may be negative) or net interest margin (credit products), -1..1.';
COMMENT ON COLUMN clientele.value_product_rate.fee_rate IS 'Annual fee income as a rate on the average daily balance, 0..1.';
COMMENT ON COLUMN clientele.value_product_rate.pd IS 'Annual probability of default, 0..1 (credit products only).';
COMMENT ON COLUMN clientele.value_product_rate.lgd IS 'Loss given default, 0..1 (credit products only).';
COMMENT ON COLUMN clientele.value_product_rate.note IS 'Why / source of the rates.';
SELECT pg_catalog.pg_extension_config_dump('clientele.value_product_rate', '');

CREATE FUNCTION clientele.value_product_rate_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_category text;
BEGIN
	SELECT category INTO v_category FROM clientele.product_type WHERE product_type = NEW.product_type;
	IF FOUND AND v_category <> 'credit' AND (NEW.pd <> 0 OR NEW.lgd <> 0) THEN
		RAISE EXCEPTION 'product type "%" is not a credit product: its pd and lgd must be 0', NEW.product_type
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Expected credit loss applies to credit products (loans, mortgages, cards); deposits carry no credit risk for the bank.';
	END IF;
	RETURN NEW;
END $$;
COMMENT ON FUNCTION clientele.value_product_rate_check() IS 'Trigger function: rejects PD/LGD on a product type that is not a credit product.';
CREATE TRIGGER value_product_rate_check BEFORE INSERT OR UPDATE ON clientele.value_product_rate
	FOR EACH ROW EXECUTE FUNCTION clientele.value_product_rate_check();
COMMENT ON TRIGGER value_product_rate_check ON clientele.value_product_rate IS 'Validates each rate row on write.';
CREATE TRIGGER value_product_rate_config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clientele.value_product_rate
	FOR EACH STATEMENT EXECUTE FUNCTION clientele.config_changed();
COMMENT ON TRIGGER value_product_rate_config_changed ON clientele.value_product_rate IS 'Tells every backend to recompile a cached copy.';

CREATE VIEW clientele.value_rates AS
SELECT t.product_type, t.category,
       coalesce(r.ftp_spread, d.ftp_spread, 0) AS ftp_spread,
       coalesce(r.fee_rate, d.fee_rate, 0) AS fee_rate,
       coalesce(r.pd, d.pd, 0) AS pd,
       coalesce(r.lgd, d.lgd, 0) AS lgd,
       CASE WHEN r.product_type IS NOT NULL THEN 'bank' WHEN d.product_type IS NOT NULL THEN 'default' ELSE 'none' END AS rate_source
FROM clientele.product_type t
LEFT JOIN clientele.value_product_rate r USING (product_type)
LEFT JOIN clientele.value_rate_default d USING (product_type);
COMMENT ON VIEW clientele.value_rates IS
	'Effective rates per product type: the bank''s row of clientele.value_product_rate, else the illustrative default, else 0 (rate_source says which).';

-- ---------------------------------------------------------------------------
-- Shared argument checks
-- ---------------------------------------------------------------------------
CREATE FUNCTION clientele.value_check_period(p_from date, p_to date) RETURNS integer
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF p_from IS NULL OR p_to IS NULL THEN
		RAISE EXCEPTION 'period bounds must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT isfinite(p_from) OR NOT isfinite(p_to) THEN
		RAISE EXCEPTION 'period bounds must be finite dates, got % .. %', p_from, p_to
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF p_from > p_to THEN
		RAISE EXCEPTION 'period start % is after its end %', p_from, p_to
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN p_to - p_from + 1;
END $$;
COMMENT ON FUNCTION clientele.value_check_period(date, date) IS
	'Internal: checks an inclusive period (not NULL, finite, start <= end) and returns its number of days.';

-- ---------------------------------------------------------------------------
-- AUM / total relationship balance as of a date
-- ---------------------------------------------------------------------------
CREATE FUNCTION clientele.aum(p_as_of date, p_product_types text[] DEFAULT NULL)
RETURNS TABLE (customer_id bigint, aum numeric, deposits numeric, investments numeric, insurance numeric,
               accounts integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_unknown text;
BEGIN
	PERFORM clientele.value_check_period(p_as_of, p_as_of);
	IF p_product_types IS NOT NULL THEN
		IF cardinality(p_product_types) = 0 OR array_position(p_product_types, NULL) IS NOT NULL THEN
			RAISE EXCEPTION 'product type list must be NULL (the catalogue''s counts_in_aum) or non-empty without NULLs'
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		SELECT string_agg(format('"%s"', u), ', ') INTO v_unknown
		FROM unnest(p_product_types) u
		WHERE NOT EXISTS (SELECT 1 FROM clientele.product_type t WHERE t.product_type = u);
		IF v_unknown IS NOT NULL THEN
			RAISE EXCEPTION 'unknown product type %', v_unknown
				USING ERRCODE = 'invalid_parameter_value',
				      HINT = 'Product types are: ' || (SELECT string_agg(product_type, ', ' ORDER BY product_type) FROM clientele.product_type) || '.';
		END IF;
	END IF;
	RETURN QUERY
	WITH counting AS (
		SELECT t.product_type, t.category
		FROM clientele.product_type t
		WHERE CASE WHEN p_product_types IS NULL THEN t.counts_in_aum ELSE t.product_type = ANY (p_product_types) END
	), open_accounts AS (
		SELECT a.account_id, a.customer_id, c.category
		FROM clientele.in_account a JOIN counting c USING (product_type)
		WHERE a.opened_on <= p_as_of AND (a.closed_on IS NULL OR a.closed_on > p_as_of)
	), latest AS (
		-- a one-day window: the latest snapshot on or before the date (hash-aggregatable, parallel safe)
		SELECT b.account_id, clientele.avg_daily_balance(b.as_of, b.balance, p_as_of, p_as_of) AS balance
		FROM clientele.in_balance b
		WHERE b.as_of <= p_as_of
		GROUP BY b.account_id
	), per_customer AS (
		SELECT o.customer_id,
		       sum(greatest(l.balance, 0)) FILTER (WHERE o.category = 'deposit') AS dep,
		       sum(greatest(l.balance, 0)) FILTER (WHERE o.category IN ('investment', 'credit')) AS inv,
		       sum(greatest(l.balance, 0)) FILTER (WHERE o.category = 'insurance') AS ins,
		       count(*)::integer AS n
		FROM open_accounts o LEFT JOIN latest l USING (account_id)
		GROUP BY o.customer_id
	)
	SELECT c.customer_id,
	       coalesce(p.dep, 0) + coalesce(p.inv, 0) + coalesce(p.ins, 0),
	       coalesce(p.dep, 0), coalesce(p.inv, 0), coalesce(p.ins, 0), coalesce(p.n, 0)
	FROM clientele.in_customer c LEFT JOIN per_customer p USING (customer_id)
	WHERE c.opened_on <= p_as_of AND (c.closed_on IS NULL OR c.closed_on > p_as_of)
	ORDER BY c.customer_id;
END $$;
COMMENT ON FUNCTION clientele.aum(date, text[]) IS
	'Assets under management / total relationship balance (全面理财总值, source 003:194) per customer as of a date: the latest end-of-day balance on or before the date of every account open on that date whose product type counts (clientele.product_type.counts_in_aum, or the explicit list), negative balances (overdrafts) counted as 0. Every customer open on the date appears (0 when nothing counts). Credit products in an explicit list are added to investments.';

-- ---------------------------------------------------------------------------
-- Profit contribution per customer and period
-- ---------------------------------------------------------------------------
CREATE FUNCTION clientele.profit_contribution(p_from date, p_to date)
RETURNS TABLE (customer_id bigint, source text, active_days integer, avg_balance numeric,
               ftp_income numeric, fee_income numeric, loan_interest numeric,
               expected_loss numeric, cost numeric, contribution numeric)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_days integer := clientele.value_check_period(p_from, p_to);
	v_basis numeric := clientele.value_setting('day_count_basis');
	v_fixed numeric := clientele.value_setting('fixed_cost_per_customer_month');
	v_counter numeric := clientele.value_setting('cost_per_txn_counter');
	v_atm numeric := clientele.value_setting('cost_per_txn_atm');
	v_online numeric := clientele.value_setting('cost_per_txn_online');
	v_mobile numeric := clientele.value_setting('cost_per_txn_mobile');
	v_phone numeric := clientele.value_setting('cost_per_txn_phone');
	v_pos numeric := clientele.value_setting('cost_per_txn_pos');
BEGIN
	RETURN QUERY
	WITH acct AS (
		SELECT b.account_id, clientele.avg_daily_balance(b.as_of, b.balance, p_from, p_to) AS adb
		FROM clientele.in_balance b
		WHERE b.as_of <= p_to
		GROUP BY b.account_id
	), acct_value AS (
		SELECT a.customer_id, x.adb, r.category, r.ftp_spread, r.fee_rate, r.pd, r.lgd
		FROM acct x
		JOIN clientele.in_account a USING (account_id)
		JOIN clientele.value_rates r USING (product_type)
	), computed AS (
		SELECT v.customer_id,
		       sum(v.adb) FILTER (WHERE v.category <> 'credit') AS avg_balance,
		       sum(v.adb * v.ftp_spread) FILTER (WHERE v.category <> 'credit') * v_days / v_basis AS ftp,
		       sum(v.adb * v.fee_rate) * v_days / v_basis AS fee,
		       sum(v.adb * v.ftp_spread) FILTER (WHERE v.category = 'credit') * v_days / v_basis AS loan,
		       sum(v.adb * v.pd * v.lgd) FILTER (WHERE v.category = 'credit') * v_days / v_basis AS ecl
		FROM acct_value v
		GROUP BY v.customer_id
	), txn_cost AS (
		SELECT t0.customer_id,
		       sum(t0.n * CASE t0.channel
		                      WHEN 'counter' THEN v_counter WHEN 'atm' THEN v_atm
		                      WHEN 'online' THEN v_online WHEN 'mobile' THEN v_mobile
		                      WHEN 'phone' THEN v_phone WHEN 'pos' THEN v_pos
		                      ELSE 0 END) AS c
		FROM (SELECT t.customer_id, t.channel, count(*) AS n
		      FROM clientele.in_transaction t
		      WHERE t.ts >= p_from::timestamptz AND t.ts < (p_to + 1)::timestamptz
		      GROUP BY 1, 2) t0
		GROUP BY t0.customer_id
	), supplied AS (
		-- bank-supplied monthly lines, prorated by the days of each month inside the period
		SELECT i.customer_id,
		       sum(i.ftp_income * f.share) AS ftp, sum(i.fee_income * f.share) AS fee,
		       sum(i.loan_interest * f.share) AS loan, sum(i.cost * f.share) AS cost
		FROM clientele.in_income i
		CROSS JOIN LATERAL (
			SELECT ((least(p_to, (i.month + interval '1 month')::date - 1) - greatest(p_from, i.month) + 1)::numeric
			        / ((i.month + interval '1 month')::date - i.month)) AS share) f
		WHERE i.month <= p_to AND (i.month + interval '1 month')::date > p_from
		GROUP BY i.customer_id
	), customers AS (
		SELECT c.customer_id,
		       greatest(0, least(p_to, coalesce(c.closed_on, p_to)) - greatest(p_from, c.opened_on) + 1) AS days
		FROM clientele.in_customer c
		WHERE c.opened_on <= p_to AND (c.closed_on IS NULL OR c.closed_on >= p_from)
		UNION
		SELECT s.customer_id, 0 FROM supplied s
		WHERE NOT EXISTS (SELECT 1 FROM clientele.in_customer c WHERE c.customer_id = s.customer_id
		                  AND c.opened_on <= p_to AND (c.closed_on IS NULL OR c.closed_on >= p_from))
	), lines AS (
		SELECT k.customer_id,
		       CASE WHEN s.customer_id IS NOT NULL THEN 'income' ELSE 'computed' END AS src,
		       k.days,
		       coalesce(m.avg_balance, 0) AS avg_balance,
		       round(coalesce(CASE WHEN s.customer_id IS NOT NULL THEN s.ftp ELSE m.ftp END, 0), 2) AS ftp,
		       round(coalesce(CASE WHEN s.customer_id IS NOT NULL THEN s.fee ELSE m.fee END, 0), 2) AS fee,
		       round(coalesce(CASE WHEN s.customer_id IS NOT NULL THEN s.loan ELSE m.loan END, 0), 2) AS loan,
		       round(coalesce(m.ecl, 0), 2) AS ecl,
		       round(CASE WHEN s.customer_id IS NOT NULL THEN s.cost
		                  ELSE v_fixed * 12 * k.days / v_basis + coalesce(tc.c, 0) END, 2) AS cost
		FROM customers k
		LEFT JOIN supplied s USING (customer_id)
		LEFT JOIN computed m USING (customer_id)
		LEFT JOIN txn_cost tc USING (customer_id)
	)
	SELECT l.customer_id, l.src, l.days, l.avg_balance, l.ftp, l.fee, l.loan, l.ecl, l.cost,
	       l.ftp + l.fee + l.loan - l.ecl - l.cost
	FROM lines l
	ORDER BY l.customer_id;
END $$;
COMMENT ON FUNCTION clientele.profit_contribution(date, date) IS
	'Profit contribution (贡献度) per customer over the inclusive period: ftp_income + fee_income + loan_interest - expected_loss - cost, each rounded to the cent; negative contribution is reported as such. source = income: the bank''s monthly lines from clientele.in_income (prorated by the days of each month inside the period) when the customer has any for the period; source = computed otherwise: account average daily balance x FTP spread (deposits, investments) / net interest margin (credit) / fee rate x days / day_count_basis, cost = fixed cost per customer-month x active months + per-transaction cost by channel. expected_loss = ADB x PD x LGD x days / basis on credit products in both cases (income lines are before expected loss). Rates: clientele.value_rates; parameters: clientele.value_settings. avg_balance is the summed ADB of non-credit accounts.';

-- ---------------------------------------------------------------------------
-- Value classes: deciles, profit classes, loyalty x value quadrant
-- ---------------------------------------------------------------------------
CREATE FUNCTION clientele.value_classes(p_from date, p_to date)
RETURNS TABLE (customer_id bigint, contribution numeric, annualised numeric, decile integer, profit_class text,
               value_index float8, tenure_days integer, products_held integer, activity_regularity float8,
               loyalty_index float8, quadrant text)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_days integer := clientele.value_check_period(p_from, p_to);
	v_basis numeric := clientele.value_setting('day_count_basis');
	v_high numeric := clientele.value_setting('profit_high_min');
	v_medium numeric := clientele.value_setting('profit_medium_min');
	v_vcut float8 := clientele.value_setting('value_index_cut');
	v_lcut float8 := clientele.value_setting('loyalty_index_cut');
	v_wt float8 := clientele.value_setting('loyalty_weight_tenure');
	v_wp float8 := clientele.value_setting('loyalty_weight_products');
	v_wa float8 := clientele.value_setting('loyalty_weight_activity');
	v_months integer := clientele.value_setting('activity_months');
	v_act_from date := (date_trunc('month', p_to) - (v_months - 1) * interval '1 month')::date;
BEGIN
	RETURN QUERY
	WITH pc AS (
		SELECT p.customer_id, p.contribution FROM clientele.profit_contribution(p_from, p_to) p
	), held AS (
		SELECT a.customer_id, count(DISTINCT a.product_type)::integer AS n
		FROM clientele.in_account a
		WHERE a.opened_on <= p_to AND (a.closed_on IS NULL OR a.closed_on > p_to)
		GROUP BY a.customer_id
	), active AS (
		SELECT m.customer_id, count(*)::float8 / v_months AS r
		FROM (SELECT DISTINCT t.customer_id, date_trunc('month', t.ts) AS month
		      FROM clientele.in_transaction t
		      WHERE t.customer_initiated AND t.ts >= v_act_from::timestamptz AND t.ts < (p_to + 1)::timestamptz) m
		GROUP BY m.customer_id
	), base AS (
		SELECT pc.customer_id, pc.contribution,
		       round(pc.contribution * v_basis / v_days, 2) AS annualised,
		       greatest(0, least(p_to, coalesce(c.closed_on, p_to)) - c.opened_on) AS tenure,
		       coalesce(h.n, 0) AS held_n,
		       coalesce(x.r, 0) AS act
		FROM pc
		LEFT JOIN clientele.in_customer c USING (customer_id)
		LEFT JOIN held h USING (customer_id)
		LEFT JOIN active x USING (customer_id)
	), ranked AS (
		SELECT b.*,
		       ntile(10) OVER (ORDER BY b.contribution DESC, b.customer_id) AS dec,
		       percent_rank() OVER (ORDER BY b.contribution) AS vi,
		       (v_wt * percent_rank() OVER (ORDER BY b.tenure)
		        + v_wp * percent_rank() OVER (ORDER BY b.held_n)
		        + v_wa * percent_rank() OVER (ORDER BY b.act)) / (v_wt + v_wp + v_wa) AS li
		FROM base b
	)
	SELECT r.customer_id, r.contribution, r.annualised, r.dec,
	       CASE WHEN r.annualised < 0 THEN 'negative'
	            WHEN r.annualised >= v_high THEN 'high'
	            WHEN r.annualised >= v_medium THEN 'medium'
	            ELSE 'low' END,
	       r.vi, r.tenure, r.held_n, r.act, r.li,
	       CASE WHEN r.vi >= v_vcut AND r.li >= v_lcut THEN 'A'
	            WHEN r.vi >= v_vcut THEN 'B'
	            WHEN r.li >= v_lcut THEN 'C'
	            ELSE 'D' END
	FROM ranked r
	ORDER BY r.customer_id;
END $$;
COMMENT ON FUNCTION clientele.value_classes(date, date) IS
	'Per customer over the period: contribution (clientele.profit_contribution), annualised contribution (x day_count_basis / days), profitability decile (1 = most profitable tenth, source 000:255), profit class high / medium / low / negative (annualised against profit_high_min and profit_medium_min, source 000:263, 003:226-230), value index = percentile rank of contribution (0..1), loyalty index = weighted mean of the percentile ranks of tenure (days from opening to the period end or closing), products held (distinct product types open at the period end) and activity regularity (share of the last activity_months calendar months with a customer-initiated transaction), and the loyalty x value quadrant (source 000:377-395): A high loyalty & high value, B low loyalty & high value, C high loyalty & low value, D low & low (cuts value_index_cut, loyalty_index_cut).';

CREATE FUNCTION clientele.profit_deciles(p_from date, p_to date)
RETURNS TABLE (decile integer, customers bigint, contribution numeric, contribution_share numeric,
               cumulative_share numeric, min_contribution numeric, max_contribution numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	WITH v AS (
		SELECT ntile(10) OVER (ORDER BY p.contribution DESC, p.customer_id) AS d, p.contribution
		FROM clientele.profit_contribution(p_from, p_to) p
	), g AS (
		SELECT v.d, count(*) AS n, sum(v.contribution) AS s, min(v.contribution) AS lo, max(v.contribution) AS hi
		FROM v GROUP BY v.d
	)
	SELECT g.d, g.n, g.s,
	       round(g.s / nullif(sum(g.s) OVER (), 0), 3),
	       round(sum(g.s) OVER (ORDER BY g.d) / nullif(sum(g.s) OVER (), 0), 3),
	       g.lo, g.hi
	FROM g ORDER BY g.d;
$$;
COMMENT ON FUNCTION clientele.profit_deciles(date, date) IS
	'Profitability deciles (source 000:255) of clientele.profit_contribution over the period: customers, total contribution, share of the total and cumulative share (3 decimals; NULL when the total is 0), range. Decile 1 is the most profitable tenth; with negative contributions the cumulative share can exceed 1 before falling back to 1.';
