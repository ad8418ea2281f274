-- area: datamodel, 0.1.0 -> 0.2.0: the product catalogue follows the config-table recipe
-- (shipped rows read-only).

COMMENT ON COLUMN clientele.product_type.builtin IS 'True for the rows shipped with the extension (read-only, not dumped by pg_dump); false for rows a bank added.';
-- The catalogue is a configuration table (sql/common.sql): shipped rows read-only.
SELECT clientele.config_table_register('clientele.product_type',
	'Add a product type of your own (builtin = false), e.g. a copy under another code with the settings you need.',
	p_what => 'product catalogue', p_cached => false);

-- NaN amounts are rejected (numeric accepts NaN, and NaN >= 0 holds; numeric(18,2)
-- cannot hold an infinity).  A database that already holds NaN gets an error
-- naming the table, the count and an example row: the update is one
-- transaction, so it stays at 0.1.0 until the rows are fixed.  (NOT VALID +
-- VALIDATE would not shorten the lock: ALTER EXTENSION holds every lock to the
-- end of its transaction; the check below reads each table once more, and the
-- constraints then scan it once while they are added.)
DO $$
DECLARE
	v_n bigint;
	v_example text;
BEGIN
	SELECT count(*), min(b.account_id || ' on ' || b.as_of) INTO v_n, v_example
	FROM clientele.balance b WHERE b.balance OPERATOR(pg_catalog.=) 'NaN';
	IF v_n > 0 THEN
		RAISE EXCEPTION 'clientele.balance holds % balance(s) that are NaN (e.g. account %)', v_n, v_example
			USING ERRCODE = 'check_violation', CONSTRAINT = 'balance_not_nan', TABLE = 'balance', SCHEMA = 'clientele',
			      HINT = 'Correct or delete those snapshots, then run ALTER EXTENSION clientele UPDATE again (0.2.0 rejects NaN amounts).';
	END IF;
	SELECT count(*), min(t.txn_id)::text INTO v_n, v_example
	FROM clientele.transaction t WHERE t.amount OPERATOR(pg_catalog.=) 'NaN';
	IF v_n > 0 THEN
		RAISE EXCEPTION 'clientele.transaction holds % amount(s) that are NaN (e.g. txn_id %)', v_n, v_example
			USING ERRCODE = 'check_violation', CONSTRAINT = 'transaction_amount_not_nan', TABLE = 'transaction', SCHEMA = 'clientele',
			      HINT = 'Correct or delete those transactions, then run ALTER EXTENSION clientele UPDATE again (0.2.0 rejects NaN amounts).';
	END IF;
	SELECT count(*), min(i.customer_id || ' of ' || i.month) INTO v_n, v_example
	FROM clientele.income i
	WHERE i.ftp_income OPERATOR(pg_catalog.=) 'NaN' OR i.fee_income OPERATOR(pg_catalog.=) 'NaN'
	   OR i.loan_interest OPERATOR(pg_catalog.=) 'NaN' OR i.cost OPERATOR(pg_catalog.=) 'NaN';
	IF v_n > 0 THEN
		RAISE EXCEPTION 'clientele.income holds % line(s) with a NaN amount (e.g. customer %)', v_n, v_example
			USING ERRCODE = 'check_violation', TABLE = 'income', SCHEMA = 'clientele',
			      HINT = 'Correct or delete those lines, then run ALTER EXTENSION clientele UPDATE again (0.2.0 rejects NaN amounts).';
	END IF;
END $$;
ALTER TABLE clientele.balance ADD CONSTRAINT balance_not_nan CHECK (balance <> 'NaN');
ALTER TABLE clientele.transaction ADD CONSTRAINT transaction_amount_not_nan CHECK (amount <> 'NaN');
ALTER TABLE clientele.income
	ADD CONSTRAINT income_ftp_income_not_nan CHECK (ftp_income <> 'NaN'),
	ADD CONSTRAINT income_fee_income_not_nan CHECK (fee_income <> 'NaN'),
	ADD CONSTRAINT income_loan_interest_not_nan CHECK (loan_interest <> 'NaN'),
	ADD CONSTRAINT income_cost_not_nan CHECK (cost <> 'NaN');
COMMENT ON TABLE clientele.balance IS
	'End-of-day balance snapshots, possibly sparse: a missing day means the last known balance still holds (until the account''s closed_on, from which it is 0). NaN is rejected (balance_not_nan; numeric(18,2) cannot hold an infinity).';

-- The identity of clientele.interaction was not registered in 0.1.0: a
-- restored database numbered new interactions from 1 again (duplicate keys).
SELECT pg_catalog.pg_extension_config_dump('clientele.interaction_interaction_id_seq', '');
