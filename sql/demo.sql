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

-- The driver, clientele.generate_demo_bank: sql/replace/demo.sql (run by the
-- install and by the upgrade).
