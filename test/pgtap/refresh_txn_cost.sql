-- refresh area: the summary stage's cost by channel (clientele_rf_txn.txn_cost,
-- the transaction cost of profit contribution) computed in bigint units of the
-- costs' scale and multiplied by that unit once, against the numeric formula
-- sum(count by channel * cost) it replaced: the same numeric, value and
-- display scale (compared as text), for costs of 0, 2, 3 and 12 decimals
-- (beyond 9 the numeric formula itself runs), and for a customer whose
-- transaction count is above the bigint bound of costs near the maximum.
BEGIN;
SELECT plan(7);
SET LOCAL timezone = 'UTC';
SET LOCAL client_min_messages = warning;

TRUNCATE clientele.customer CASCADE;
CREATE TEMP TABLE demo_rows ON COMMIT DROP AS SELECT * FROM clientele.generate_demo_bank(200, 5);
-- one customer with 1,700 transactions in the period, one per channel in turn
INSERT INTO clientele.transaction (txn_id, customer_id, account_id, ts, amount, direction, channel, kind, customer_initiated)
SELECT 900000000 + i, c.customer_id, NULL, timestamptz '2025-03-01 00:00+00' + i * interval '1 hour', 1.00, 'in',
       (ARRAY['counter', 'atm', 'online', 'mobile', 'phone', 'pos'])[1 + i % 6], 'deposit', true
FROM (SELECT min(customer_id) AS customer_id FROM clientele.customer WHERE closed_on IS NULL AND opened_on < '2024-01-01') c,
     generate_series(1, 1700) i;
ANALYZE clientele.transaction;

-- the numeric formula of the stage before (and the ELSE branch now)
CREATE FUNCTION pg_temp.reference(p_as_of date) RETURNS TABLE (customer_id bigint, cost text)
LANGUAGE sql AS $$
	SELECT t.customer_id,
	       (count(*) FILTER (WHERE t.ts >= f.ts AND t.channel = 'counter') * clientele.value_setting('cost_per_txn_counter')
	        + count(*) FILTER (WHERE t.ts >= f.ts AND t.channel = 'atm') * clientele.value_setting('cost_per_txn_atm')
	        + count(*) FILTER (WHERE t.ts >= f.ts AND t.channel = 'online') * clientele.value_setting('cost_per_txn_online')
	        + count(*) FILTER (WHERE t.ts >= f.ts AND t.channel = 'mobile') * clientele.value_setting('cost_per_txn_mobile')
	        + count(*) FILTER (WHERE t.ts >= f.ts AND t.channel = 'phone') * clientele.value_setting('cost_per_txn_phone')
	        + count(*) FILTER (WHERE t.ts >= f.ts AND t.channel = 'pos') * clientele.value_setting('cost_per_txn_pos'))::text
	FROM clientele.in_transaction t, (SELECT ((p_as_of - interval '12 months')::date + 1)::timestamptz AS ts) f
	WHERE t.ts < (p_as_of + 1)::timestamptz
	GROUP BY t.customer_id
$$;
-- customers whose txn_cost differs from the reference (text: value and scale), or is missing
CREATE FUNCTION pg_temp.cost_diff() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
	RETURN (SELECT count(*) FROM pg_temp.reference('2025-12-31') r
	        FULL JOIN (SELECT x.customer_id, x.txn_cost::text AS cost FROM pg_temp.clientele_rf_txn x) x USING (customer_id)
	        WHERE r.cost IS DISTINCT FROM x.cost);
END $$;
CREATE FUNCTION pg_temp.set_costs(c numeric[]) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO clientele.value_param (name, value)
	SELECT n, v FROM unnest(ARRAY['cost_per_txn_counter', 'cost_per_txn_atm', 'cost_per_txn_online', 'cost_per_txn_mobile',
	                              'cost_per_txn_phone', 'cost_per_txn_pos'], c) u(n, v)
	ON CONFLICT (name) DO UPDATE SET value = excluded.value
$$;

-- the refresh's temporary tables live until the end of this transaction
CALL clientele.refresh('2025-12-31');
SELECT is(pg_temp.cost_diff(), 0::bigint, 'the shipped costs (2 decimals): txn_cost is the numeric formula, text for text');
SELECT is((SELECT scale(max(txn_cost)) FROM pg_temp.clientele_rf_txn), 2, 'and has their display scale');

SELECT pg_temp.set_costs('{3, 1, 0, 0, 2, 0}');
CALL clientele.refresh('2025-12-31');
SELECT is(pg_temp.cost_diff(), 0::bigint, 'whole costs: the numeric formula (scale 0)');

SELECT pg_temp.set_costs('{3.125, 0.8, 0.10, 0.05, 1, 0.2}');
CALL clientele.refresh('2025-12-31');
SELECT is(pg_temp.cost_diff(), 0::bigint, 'costs of up to 3 decimals: the numeric formula (scale 3)');

SELECT pg_temp.set_costs('{0.123456789012, 0.8, 0.10, 0.05, 1, 0.2}');
CALL clientele.refresh('2025-12-31');
SELECT is(pg_temp.cost_diff(), 0::bigint, 'a cost of 12 decimals (the numeric formula runs): the same');

-- costs near the maximum with 9 decimals: units of 1e-9, bigint safe for at
-- most 9223372036854775807 / (6 * 999999999999999) = 1537 rows per customer
SELECT pg_temp.set_costs('{999999.999999999, 999999.999999999, 999999.999999999, 999999.999999999, 999999.999999999, 999999.999999999}');
CALL clientele.refresh('2025-12-31');
SELECT cmp_ok((SELECT max(n_all) FROM pg_temp.clientele_rf_txn), '>', 1537::bigint, 'a customer has more rows than the bigint bound');
SELECT is(pg_temp.cost_diff(), 0::bigint, 'costs near the maximum: the numeric formula for every customer, above the bound too');

SELECT * FROM finish();
ROLLBACK;
