-- area: value (see docs/value.md)
-- ===========================================================================
-- Customer value: time-weighted average daily balance, AUM, profit
-- contribution, concentration (Gini, top share), profitability deciles and
-- classes, and the loyalty x value quadrant.  Domain notes section 1.
-- ===========================================================================

-- This file holds what only a fresh install creates: the configuration tables
-- and their shipped rows.  The state types, the aggregates and every function,
-- trigger and view of the area are in sql/replace/value.sql, which the install
-- and the upgrade both run right after this file (or the upgrade fragment).

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
