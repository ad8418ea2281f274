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
COMMENT ON COLUMN clientele.product_type.builtin IS 'True for the rows shipped with the extension (read-only, not dumped by pg_dump); false for rows a bank added.';
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
	balance     numeric(18, 2) NOT NULL
		CONSTRAINT balance_not_nan CHECK (balance <> 'NaN'),
	CONSTRAINT balance_pkey PRIMARY KEY (account_id, as_of)
);
CREATE INDEX balance_as_of_idx ON clientele.balance (as_of);
COMMENT ON TABLE clientele.balance IS
	'End-of-day balance snapshots, possibly sparse: a missing day means the last known balance still holds (until the account''s closed_on, from which it is 0). NaN is rejected (balance_not_nan; numeric(18,2) cannot hold an infinity).';
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
		CONSTRAINT transaction_amount_not_negative CHECK (amount >= 0)
		CONSTRAINT transaction_amount_not_nan CHECK (amount <> 'NaN'),
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
	ftp_income     numeric(18, 2) NOT NULL DEFAULT 0
		CONSTRAINT income_ftp_income_not_nan CHECK (ftp_income <> 'NaN'),
	fee_income     numeric(18, 2) NOT NULL DEFAULT 0
		CONSTRAINT income_fee_income_not_nan CHECK (fee_income <> 'NaN'),
	loan_interest  numeric(18, 2) NOT NULL DEFAULT 0
		CONSTRAINT income_loan_interest_not_nan CHECK (loan_interest <> 'NaN'),
	cost           numeric(18, 2) NOT NULL DEFAULT 0
		CONSTRAINT income_cost_not_negative CHECK (cost >= 0)
		CONSTRAINT income_cost_not_nan CHECK (cost <> 'NaN'),
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
-- The catalogue is a configuration table (sql/common.sql): shipped rows read-only.
SELECT clientele.config_table_register('clientele.product_type',
	'Add a product type of your own (builtin = false), e.g. a copy under another code with the settings you need.',
	p_what => 'product catalogue', p_cached => false);
SELECT pg_catalog.pg_extension_config_dump('clientele.customer', '');
SELECT pg_catalog.pg_extension_config_dump('clientele.account', '');
SELECT pg_catalog.pg_extension_config_dump('clientele.balance', '');
SELECT pg_catalog.pg_extension_config_dump('clientele.transaction', '');
SELECT pg_catalog.pg_extension_config_dump('clientele.interaction', '');
-- and its identity: a restored database numbers new interactions after the
-- restored ones (otherwise the sequence starts again at 1: duplicate keys)
SELECT pg_catalog.pg_extension_config_dump('clientele.interaction_interaction_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('clientele.income', '');
