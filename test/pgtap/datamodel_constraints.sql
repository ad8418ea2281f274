-- The canonical data model rejects impossible rows, naming the constraint.
BEGIN;
SELECT plan(53);

-- Runs a statement in a subtransaction and returns "SQLSTATE constraint: message".
CREATE FUNCTION pg_temp.violation(p_sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v_state text;
	v_constraint text;
	v_message text;
BEGIN
	EXECUTE p_sql;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_constraint = CONSTRAINT_NAME, v_message = MESSAGE_TEXT;
	RETURN format('%s %s: %s', v_state, coalesce(nullif(v_constraint, ''), '-'), v_message);
END $$;

INSERT INTO clientele.customer (customer_id, opened_on, birth_date) VALUES (1, '2020-01-01', '1980-05-05');
INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on) VALUES
	(10, 1, 'current', '2020-01-01'), (11, 1, 'time_deposit', '2020-01-01'), (12, 1, 'loan', '2020-02-01');

-- product_type
SELECT is(pg_temp.violation($$INSERT INTO clientele.product_type VALUES ('Gold Card', 'credit', false, false, false, 'x')$$),
	'23514 product_type_name_valid: new row for relation "product_type" violates check constraint "product_type_name_valid"',
	'product_type: codes are lower-case identifiers');
SELECT is(pg_temp.violation($$INSERT INTO clientele.product_type VALUES ('gold', 'crypto', false, false, false, 'x')$$),
	'23514 product_type_category_valid: new row for relation "product_type" violates check constraint "product_type_category_valid"',
	'product_type: category is deposit, investment, insurance or credit');
SELECT is(pg_temp.violation($$INSERT INTO clientele.product_type (product_type, category) VALUES ('gold', 'credit')$$),
	'23502 -: null value in column "description" of relation "product_type" violates not-null constraint',
	'product_type: a description is required');
SELECT is(pg_temp.violation($$INSERT INTO clientele.product_type VALUES ('current', 'deposit', true, true, false, 'again')$$),
	'23505 product_type_pkey: duplicate key value violates unique constraint "product_type_pkey"',
	'product_type: codes are unique');

-- customer
SELECT is(pg_temp.violation($$INSERT INTO clientele.customer (customer_id, opened_on, closed_on) VALUES (2, '2020-01-01', '2019-12-31')$$),
	'23514 customer_closed_after_opened: new row for relation "customer" violates check constraint "customer_closed_after_opened"',
	'customer: closed before opened');
SELECT is(pg_temp.violation($$INSERT INTO clientele.customer (customer_id, opened_on, birth_date) VALUES (2, '2020-01-01', '2021-01-01')$$),
	'23514 customer_born_before_opened: new row for relation "customer" violates check constraint "customer_born_before_opened"',
	'customer: born after becoming a customer');
SELECT is(pg_temp.violation($$INSERT INTO clientele.customer (customer_id, customer_type, opened_on) VALUES (2, 'alien', '2020-01-01')$$),
	'23514 customer_type_valid: new row for relation "customer" violates check constraint "customer_type_valid"',
	'customer: unknown customer type');
SELECT is(pg_temp.violation($$INSERT INTO clientele.customer (customer_id, opened_on, referrer_id) VALUES (2, '2020-01-01', 2)$$),
	'23514 customer_not_own_referrer: new row for relation "customer" violates check constraint "customer_not_own_referrer"',
	'customer: a customer does not refer itself');
SELECT is(pg_temp.violation($$INSERT INTO clientele.customer (customer_id, opened_on, referrer_id) VALUES (2, '2020-01-01', 999)$$),
	'23503 customer_referrer_fkey: insert or update on table "customer" violates foreign key constraint "customer_referrer_fkey"',
	'customer: the referrer must be a customer');
SELECT is(pg_temp.violation($$INSERT INTO clientele.customer (customer_id, opened_on) VALUES (1, '2020-01-01')$$),
	'23505 customer_pkey: duplicate key value violates unique constraint "customer_pkey"',
	'customer: ids are unique');
SELECT is(pg_temp.violation($$INSERT INTO clientele.customer (customer_id) VALUES (2)$$),
	'23502 -: null value in column "opened_on" of relation "customer" violates not-null constraint',
	'customer: opened_on is required');
SELECT is(pg_temp.violation($$DELETE FROM clientele.customer WHERE customer_id = 1$$),
	'23503 account_customer_fkey: update or delete on table "customer" violates foreign key constraint "account_customer_fkey" on table "account"',
	'customer: cannot be deleted while it has accounts');

-- account
SELECT is(pg_temp.violation($$INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on) VALUES (20, 1, 'bitcoin', '2020-01-01')$$),
	'23503 account_product_type_fkey: insert or update on table "account" violates foreign key constraint "account_product_type_fkey"',
	'account: unknown product type');
SELECT is(pg_temp.violation($$INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on) VALUES (20, 99, 'current', '2020-01-01')$$),
	'23503 account_customer_fkey: insert or update on table "account" violates foreign key constraint "account_customer_fkey"',
	'account: unknown customer');
SELECT is(pg_temp.violation($$INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on, closed_on, status) VALUES (20, 1, 'current', '2020-01-01', '2019-01-01', 'closed')$$),
	'23514 account_closed_after_opened: new row for relation "account" violates check constraint "account_closed_after_opened"',
	'account: closed before opened');
SELECT is(pg_temp.violation($$INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on, maturity_date) VALUES (20, 1, 'time_deposit', '2020-01-01', '2019-01-01')$$),
	'23514 account_matures_after_opened: new row for relation "account" violates check constraint "account_matures_after_opened"',
	'account: matures before opened');
SELECT is(pg_temp.violation($$INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on, status) VALUES (20, 1, 'current', '2020-01-01', 'closed')$$),
	'23514 account_closed_status: new row for relation "account" violates check constraint "account_closed_status"',
	'account: status closed needs a closing date');
SELECT is(pg_temp.violation($$INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on, closed_on) VALUES (20, 1, 'current', '2020-01-01', '2021-01-01')$$),
	'23514 account_closed_status: new row for relation "account" violates check constraint "account_closed_status"',
	'account: a closing date needs status closed');
SELECT is(pg_temp.violation($$INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on, status) VALUES (20, 1, 'current', '2020-01-01', 'asleep')$$),
	'23514 account_status_valid: new row for relation "account" violates check constraint "account_status_valid"',
	'account: unknown status');
SELECT is(pg_temp.violation($$INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on) VALUES (10, 1, 'current', '2020-01-01')$$),
	'23505 account_pkey: duplicate key value violates unique constraint "account_pkey"',
	'account: ids are unique');

-- balance
SELECT is(pg_temp.violation($$INSERT INTO clientele.balance VALUES (11, '2020-01-31', -1)$$),
	'23514 balance_sign_allowed: negative balance -1.00 for account 11 of product type "time_deposit"',
	'balance: a time deposit cannot go negative');
SELECT is(pg_temp.violation($$INSERT INTO clientele.balance VALUES (12, '2020-02-29', -5000)$$),
	'23514 balance_sign_allowed: negative balance -5000.00 for account 12 of product type "loan"',
	'balance: credit products store the amount owed as a positive number');
SELECT is(pg_temp.violation($$INSERT INTO clientele.balance VALUES (10, '2020-01-31', -120.50)$$), 'no error',
	'balance: an overdrawn current account is allowed');
SELECT is(pg_temp.violation($$UPDATE clientele.balance SET account_id = 11 WHERE account_id = 10$$),
	'23514 balance_sign_allowed: negative balance -120.50 for account 11 of product type "time_deposit"',
	'balance: the sign rule also holds on update');
INSERT INTO clientele.product_type VALUES ('overdraft_line', 'credit', true, false, false, 'A bank''s own product that may go negative');
INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on) VALUES (13, 1, 'overdraft_line', '2020-01-01');
SELECT is(pg_temp.violation($$INSERT INTO clientele.balance VALUES (13, '2020-01-31', -10)$$), 'no error',
	'balance: a bank''s own product type with may_go_negative may be negative');
SELECT is(pg_temp.violation($$INSERT INTO clientele.balance VALUES (10, '2020-01-31', 5)$$),
	'23505 balance_pkey: duplicate key value violates unique constraint "balance_pkey"',
	'balance: one snapshot per account and day');
SELECT is(pg_temp.violation($$INSERT INTO clientele.balance VALUES (99, '2020-01-31', 5)$$),
	'23503 balance_account_fkey: insert or update on table "balance" violates foreign key constraint "balance_account_fkey"',
	'balance: unknown account');
SELECT is(pg_temp.violation($$INSERT INTO clientele.balance VALUES (10, '2020-03-31', 'NaN')$$),
	'23514 balance_not_nan: new row for relation "balance" violates check constraint "balance_not_nan"',
	'balance: NaN is rejected (numeric accepts it)');
SELECT is(pg_temp.violation($$UPDATE clientele.balance SET balance = 'NaN' WHERE account_id = 10$$),
	'23514 balance_not_nan: new row for relation "balance" violates check constraint "balance_not_nan"',
	'balance: NaN is rejected on update too');
SELECT is(pg_temp.violation($$INSERT INTO clientele.balance VALUES (10, '2020-03-31', 'Infinity')$$),
	'22003 -: numeric field overflow', 'balance: an infinity does not fit numeric(18,2)');

-- transaction
SELECT is(pg_temp.violation($$INSERT INTO clientele.transaction (txn_id, customer_id, ts, amount, direction, channel, kind) VALUES (1, 1, '2020-02-01 10:00+00', 'NaN', 'out', 'atm', 'withdrawal')$$),
	'23514 transaction_amount_not_nan: new row for relation "transaction" violates check constraint "transaction_amount_not_nan"',
	'transaction: NaN amount (NaN >= 0 holds, so amount_not_negative lets it through)');
SELECT is(pg_temp.violation($$INSERT INTO clientele.transaction (txn_id, customer_id, ts, amount, direction, channel, kind) VALUES (1, 1, '2020-02-01 10:00+00', -5, 'out', 'atm', 'withdrawal')$$),
	'23514 transaction_amount_not_negative: new row for relation "transaction" violates check constraint "transaction_amount_not_negative"',
	'transaction: negative amount');
SELECT is(pg_temp.violation($$INSERT INTO clientele.transaction (txn_id, customer_id, ts, amount, direction, channel, kind) VALUES (1, 1, '2020-02-01 10:00+00', 5, 'sideways', 'atm', 'withdrawal')$$),
	'23514 transaction_direction_valid: new row for relation "transaction" violates check constraint "transaction_direction_valid"',
	'transaction: unknown direction');
SELECT is(pg_temp.violation($$INSERT INTO clientele.transaction (txn_id, customer_id, ts, amount, direction, channel, kind) VALUES (1, 1, '2020-02-01 10:00+00', 5, 'out', 'carrier_pigeon', 'withdrawal')$$),
	'23514 transaction_channel_valid: new row for relation "transaction" violates check constraint "transaction_channel_valid"',
	'transaction: unknown channel');
SELECT is(pg_temp.violation($$INSERT INTO clientele.transaction (txn_id, customer_id, ts, amount, direction, channel, kind) VALUES (1, 1, '2020-02-01 10:00+00', 5, 'out', 'atm', 'theft')$$),
	'23514 transaction_kind_valid: new row for relation "transaction" violates check constraint "transaction_kind_valid"',
	'transaction: unknown kind');
SELECT is(pg_temp.violation($$INSERT INTO clientele.transaction (txn_id, customer_id, ts, amount, direction, channel, kind) VALUES (1, 1, '2020-02-01 10:00+00', 5, 'none', 'atm', 'enquiry')$$),
	'23514 transaction_enquiry_no_amount: new row for relation "transaction" violates check constraint "transaction_enquiry_no_amount"',
	'transaction: an enquiry moves no money');
SELECT is(pg_temp.violation($$INSERT INTO clientele.transaction (txn_id, customer_id, ts, amount, direction, channel, kind) VALUES (1, 99, '2020-02-01 10:00+00', 5, 'out', 'atm', 'withdrawal')$$),
	'23503 transaction_customer_fkey: insert or update on table "transaction" violates foreign key constraint "transaction_customer_fkey"',
	'transaction: unknown customer');
SELECT is(pg_temp.violation($$INSERT INTO clientele.transaction (txn_id, customer_id, account_id, ts, amount, direction, channel, kind) VALUES (1, 1, 99, '2020-02-01 10:00+00', 5, 'out', 'atm', 'withdrawal')$$),
	'23503 transaction_account_fkey: insert or update on table "transaction" violates foreign key constraint "transaction_account_fkey"',
	'transaction: unknown account');
SELECT is(pg_temp.violation($$INSERT INTO clientele.transaction (txn_id, customer_id, ts, amount, direction, channel, kind) VALUES (1, 1, '2020-02-01 10:00+00', 0, 'none', 'mobile', 'enquiry')$$),
	'no error', 'transaction: a valid enquiry is accepted');

-- interaction
SELECT is(pg_temp.violation($$INSERT INTO clientele.interaction (customer_id, ts, kind) VALUES (1, '2020-03-01', 'gossip')$$),
	'23514 interaction_kind_valid: new row for relation "interaction" violates check constraint "interaction_kind_valid"',
	'interaction: unknown kind');
SELECT is(pg_temp.violation($$INSERT INTO clientele.interaction (customer_id, ts, kind) VALUES (99, '2020-03-01', 'complaint')$$),
	'23503 interaction_customer_fkey: insert or update on table "interaction" violates foreign key constraint "interaction_customer_fkey"',
	'interaction: unknown customer');

-- income
SELECT is(pg_temp.violation($$INSERT INTO clientele.income (customer_id, month, fee_income) VALUES (1, '2020-02-15', 10)$$),
	'23514 income_month_first_day: new row for relation "income" violates check constraint "income_month_first_day"',
	'income: month is the first day of a month');
SELECT is(pg_temp.violation($$INSERT INTO clientele.income (customer_id, month, cost) VALUES (1, '2020-02-01', -1)$$),
	'23514 income_cost_not_negative: new row for relation "income" violates check constraint "income_cost_not_negative"',
	'income: negative cost');
SELECT is(pg_temp.violation($$INSERT INTO clientele.income (customer_id, month) VALUES (99, '2020-02-01')$$),
	'23503 income_customer_fkey: insert or update on table "income" violates foreign key constraint "income_customer_fkey"',
	'income: unknown customer');
SELECT is(pg_temp.violation($$INSERT INTO clientele.income (customer_id, month, ftp_income) VALUES (1, '2020-02-01', 'NaN')$$),
	'23514 income_ftp_income_not_nan: new row for relation "income" violates check constraint "income_ftp_income_not_nan"',
	'income: NaN ftp_income');
SELECT is(pg_temp.violation($$INSERT INTO clientele.income (customer_id, month, fee_income) VALUES (1, '2020-02-01', 'NaN')$$),
	'23514 income_fee_income_not_nan: new row for relation "income" violates check constraint "income_fee_income_not_nan"',
	'income: NaN fee_income');
SELECT is(pg_temp.violation($$INSERT INTO clientele.income (customer_id, month, loan_interest) VALUES (1, '2020-02-01', 'NaN')$$),
	'23514 income_loan_interest_not_nan: new row for relation "income" violates check constraint "income_loan_interest_not_nan"',
	'income: NaN loan_interest');
SELECT is(pg_temp.violation($$INSERT INTO clientele.income (customer_id, month, cost) VALUES (1, '2020-02-01', 'NaN')$$),
	'23514 income_cost_not_nan: new row for relation "income" violates check constraint "income_cost_not_nan"',
	'income: NaN cost (NaN >= 0 holds, so cost_not_negative lets it through)');
INSERT INTO clientele.income (customer_id, month, ftp_income) VALUES (1, '2020-02-01', -3);
SELECT is(pg_temp.violation($$INSERT INTO clientele.income (customer_id, month) VALUES (1, '2020-02-01')$$),
	'23505 income_pkey: duplicate key value violates unique constraint "income_pkey"',
	'income: one line per customer and month');

-- demo_truth
SELECT is(pg_temp.violation($$INSERT INTO clientele.demo_truth (customer_id, persona, wealth, txn_rate) VALUES (1, 'zombie', 0, 0)$$),
	'23514 demo_truth_persona_valid: new row for relation "demo_truth" violates check constraint "demo_truth_persona_valid"',
	'demo_truth: unknown persona');
SELECT is(pg_temp.violation($$INSERT INTO clientele.demo_truth (customer_id, persona, wealth, txn_rate) VALUES (99, 'mature', 0, 0)$$),
	'23503 demo_truth_customer_fkey: insert or update on table "demo_truth" violates foreign key constraint "demo_truth_customer_fkey"',
	'demo_truth: unknown customer');

-- the input views read what the tables hold
SELECT is((SELECT count(*) FROM clientele.in_account), 4::bigint, 'in_account reads clientele.account');
SELECT is((SELECT sum(balance) FROM clientele.in_balance), -130.50::numeric, 'in_balance reads clientele.balance');

SELECT * FROM finish();
ROLLBACK;
