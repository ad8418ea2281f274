-- Issue 8, bad input of the learned model from a bank's point of view: a bank
-- with fewer customers than the model has parameters (12 features plus the
-- intercept) gets 22023 with the counts, whatever the penalty; an unknown
-- model in churn_evaluation is named, with the known methods listed.
-- Six hand-built customers: three active to the end, three whose last
-- customer-initiated transaction is on 2025-06-15 (dormant on 2025-12-30).
BEGIN;
SELECT plan(5);
SET LOCAL timezone = 'UTC';
SET LOCAL client_min_messages = warning;
TRUNCATE clientele.customer, clientele.lifecycle_history, clientele.lifecycle_recorded, clientele.churn_model CASCADE;

INSERT INTO clientele.customer (customer_id, opened_on) SELECT c, '2020-01-01' FROM generate_series(1, 6) c;
INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on) SELECT c, c, 'savings', '2020-01-01' FROM generate_series(1, 6) c;
INSERT INTO clientele.balance (account_id, as_of, balance) SELECT c, '2025-12-31', 1000 * c FROM generate_series(1, 6) c;
INSERT INTO clientele.transaction (txn_id, customer_id, account_id, ts, amount, direction, channel, kind)
SELECT 1000 * c + k, c, c, d + time '12:00', 10, 'in', 'mobile', 'deposit'
FROM generate_series(1, 6) c,
     LATERAL (SELECT row_number() OVER () AS k, d::date AS d
              FROM generate_series('2024-01-15'::date, CASE WHEN c <= 3 THEN '2025-12-15'::date ELSE '2025-06-15' END, '1 month') d) m;

SELECT is((SELECT string_agg(customer_id || ':' || stage, ',' ORDER BY customer_id) FROM clientele.lifecycle('2025-12-30')),
          '1:mature,2:mature,3:mature,4:dormant,5:dormant,6:dormant', 'three customers dormant at the end of the horizon, three not');
CREATE FUNCTION pg_temp.err(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	s text; m text; d text; h text;
BEGIN
	EXECUTE p_sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE, m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
	RETURN s || ': ' || m || coalesce(' / ' || nullif(d, ''), '') || coalesce(' / ' || nullif(h, ''), '');
END $$;
SELECT is(pg_temp.err($$SELECT * FROM clientele.train_churn_model('small', '2025-06-30', '6 months')$$),
          '22023: the training data as of 2025-06-30 has fewer customers than parameters / '
          || '6 customers (3 churned or dormant on 2025-12-30, 3 not) for 12 features plus the intercept.',
          'fewer customers than parameters: 22023 with the counts');
SELECT is(pg_temp.err($$SELECT * FROM clientele.train_churn_model('small', '2025-06-30', '6 months', 10)$$),
          pg_temp.err($$SELECT * FROM clientele.train_churn_model('small', '2025-06-30', '6 months')$$),
          'the same with a penalty');
SELECT is((SELECT count(*) FROM clientele.churn_model) + (SELECT count(*) FROM clientele.churn_training), 0::bigint,
          'nothing stored, the work table left empty');
SELECT is(pg_temp.err($$SELECT * FROM clientele.churn_evaluation('2025-06-30', '6 months', 'retail')$$),
          '22023: unknown churn scoring method "retail" / Methods are: scorecard, p_alive (trained models: clientele.train_churn_model).',
          'churn_evaluation of an unknown model names it and lists the known methods');

SELECT * FROM finish();
ROLLBACK;
