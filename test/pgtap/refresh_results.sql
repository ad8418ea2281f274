-- clientele.refresh inside a transaction (atomic mode): the figures agree
-- with the area functions they replace (single pass), point-in-time
-- correctness, closed customers, views, segments and their validation, errors.
BEGIN;
SELECT plan(63);

\ir include/err.sql
CREATE FUNCTION pg_temp.results_md5(d date) RETURNS text
LANGUAGE sql AS $$
	SELECT md5(string_agg(r::text, '|' ORDER BY customer_id)) FROM clientele.customer_result r WHERE as_of = d
$$;

SET client_min_messages = warning;
SELECT is(pg_temp.err($$CALL clientele.refresh('2025-12-31')$$),
	'P0002: there is no data to refresh: the input views are empty', 'a refresh without any data is an error');
DO $$ BEGIN PERFORM clientele.generate_demo_bank(500, 7); END $$;
CALL clientele.refresh('2025-06-30');
CALL clientele.refresh('2025-12-31');

-- single pass = the 0.1.0 functions
SELECT is((SELECT count(*) FROM (SELECT * FROM clientele.customer_result WHERE as_of = '2025-12-31') r
	FULL JOIN clientele.profit_contribution('2025-01-01', '2025-12-31') p USING (customer_id)
	WHERE (r.contribution, r.ftp_income, r.fee_income, r.loan_interest, r.expected_loss, r.cost, r.contribution_source)
	      IS DISTINCT FROM (p.contribution, p.ftp_income, p.fee_income, p.loan_interest, p.expected_loss, p.cost, p.source)),
	0::bigint, 'contribution and its lines equal clientele.profit_contribution over the 12 months ending on as_of, customer by customer');
SELECT is((SELECT count(*) FROM clientele.customer_result r
	JOIN clientele.value_classes('2025-01-01', '2025-12-31') v USING (customer_id)
	WHERE r.as_of = '2025-12-31'
	  AND ((r.decile, r.profit_class, r.quadrant, r.annualised, r.products_held, r.tenure_days)
	       IS DISTINCT FROM (v.decile, v.profit_class, v.quadrant, v.annualised, v.products_held, v.tenure_days)
	       OR abs(r.value_index - v.value_index) > 1e-12 OR abs(r.loyalty_index - v.loyalty_index) > 1e-12)),
	0::bigint, 'deciles, profit classes, indices and quadrants equal clientele.value_classes');
SELECT is((SELECT count(*) FROM clientele.customer_result WHERE as_of = '2025-12-31'),
	(SELECT count(*) FROM clientele.value_classes('2025-01-01', '2025-12-31')), 'the same customers as clientele.value_classes');
SELECT is((SELECT count(*) FROM clientele.customer_result r
	JOIN clientele.aum('2025-12-31') a USING (customer_id)
	WHERE r.as_of = '2025-12-31' AND (r.aum, r.deposits, r.investments, r.insurance) IS DISTINCT FROM (a.aum, a.deposits, a.investments, a.insurance)),
	0::bigint, 'AUM and its parts equal clientele.aum');
SELECT is((SELECT count(*) FROM clientele.customer_result r WHERE r.as_of = '2025-12-31' AND NOT r.is_closed
	AND NOT EXISTS (SELECT 1 FROM clientele.aum('2025-12-31') a WHERE a.customer_id = r.customer_id)),
	0::bigint, 'every open customer has its AUM');
SELECT is((SELECT count(*) FROM clientele.customer_result r
	LEFT JOIN clientele.rfm_scores('2025-12-31') s USING (customer_id)
	WHERE r.as_of = '2025-12-31' AND (r.rfm_r, r.rfm_f, r.rfm_m, r.rfm_segment) IS DISTINCT FROM (s.r, s.f, s.m, s.segment)),
	0::bigint, 'RFM scores and segments equal clientele.rfm_scores');
SELECT is((SELECT count(*) FROM clientele.customer_result r JOIN clientele.customer c USING (customer_id)
	WHERE r.as_of = '2025-12-31' AND r.tier IS DISTINCT FROM clientele.tier_of('service_tier', r.aum, c.region, '2025-12-31')),
	0::bigint, 'tier = tier_of(service_tier, aum, region)');
SELECT is((SELECT count(*) FROM clientele.customer_result r
	FULL JOIN (SELECT * FROM clientele.churn_scores('2025-12-31', 'scorecard')) s USING (customer_id)
	WHERE r.as_of = '2025-12-31' AND NOT r.is_closed AND (r.churn_score, r.churn_reasons) IS DISTINCT FROM (s.score, s.reasons)),
	0::bigint, 'churn scores and reasons (one features pass) equal clientele.churn_scores, customer by customer');
SELECT is((SELECT count(*) FROM clientele.customer_result r
	WHERE r.as_of = '2025-12-31' AND NOT r.is_closed AND r.churn_score IS NOT NULL
	  AND NOT EXISTS (SELECT 1 FROM clientele.churn_scores('2025-12-31', 'scorecard') s WHERE s.customer_id = r.customer_id)),
	0::bigint, 'and only the customers clientele.churn_scores scores (not churned)');
SELECT is((SELECT count(*) FROM clientele.customer_result r
	FULL JOIN clientele.lifecycle('2025-12-31') l USING (customer_id)
	WHERE r.as_of = '2025-12-31' AND r.customer_id IS NOT NULL AND r.lifecycle_stage IS DISTINCT FROM l.stage::text),
	0::bigint, 'lifecycle stages (one features pass, recorded) equal clientele.lifecycle');

-- closed customers, models
SELECT ok((SELECT count(*) FROM clientele.customer_result WHERE as_of = '2025-12-31' AND is_closed) > 0, 'the demo bank has closed customers in the results');
SELECT is((SELECT count(*) FROM clientele.customer_result WHERE is_closed AND (p_alive <> 0 OR clv <> 0 OR churn_score IS NOT NULL)),
	0::bigint, 'a closed customer has P(alive) 0, CLV 0 and no churn score');
SELECT is((SELECT count(*) FROM clientele.customer_result WHERE as_of = '2025-12-31' AND NOT is_closed
	AND (p_alive IS NULL OR p_alive < 0 OR p_alive > 1)), 0::bigint, 'P(alive) is in [0, 1] for every open customer');
SELECT is((SELECT count(*) FROM clientele.customer_result r, clientele.refresh_config c
	WHERE as_of = '2025-12-31' AND NOT is_closed
	  AND abs(r.clv - round(r.annualised / 12 * r.p_alive::numeric
	          * (SELECT sum(power(1 + c.discount_rate_monthly, -i))::numeric FROM generate_series(1, c.clv_months) i), 2)) > 0.01),
	0::bigint, 'CLV = expected future profit contribution: annualised / 12 x P(alive), discounted monthly over clv_months');
SELECT ok((SELECT (bgnbd).converged FROM clientele.refresh_model WHERE as_of = '2025-12-31'), 'the BG/NBD fit of the refresh converged');
SELECT ok((SELECT count(*) FROM clientele.customer_result WHERE as_of = '2025-12-31' AND clv < 0) > 0,
	'loss-making customers have a negative CLV (value to the bank, not purchase amounts)');

-- point in time: later rows change nothing
SELECT pg_temp.results_md5('2025-06-30') AS before \gset
INSERT INTO clientele.transaction (txn_id, customer_id, account_id, ts, amount, direction, channel, kind)
SELECT 900000000 + customer_id, customer_id, NULL, '2025-07-02 10:00+00', 123.45, 'in', 'counter', 'deposit'
FROM clientele.customer WHERE opened_on <= '2025-06-30' AND closed_on IS NULL LIMIT 50;
INSERT INTO clientele.balance (account_id, as_of, balance)
SELECT account_id, '2025-07-01', 1000000 FROM clientele.account WHERE product_type = 'savings' AND opened_on <= '2025-06-30'
ON CONFLICT DO NOTHING;
UPDATE clientele.customer SET closed_on = '2025-08-01' WHERE customer_id IN (
	SELECT customer_id FROM clientele.customer WHERE closed_on IS NULL AND opened_on <= '2025-06-30' LIMIT 5);
CALL clientele.refresh('2025-06-30');
SELECT is(pg_temp.results_md5('2025-06-30'), :'before', 'rows dated after as_of (transactions, balances, closings) do not change a refresh');

-- views
SELECT is((SELECT count(*) FROM clientele.customer_scorecard), (SELECT count(*) FROM clientele.customer_result WHERE as_of = '2025-12-31'),
	'customer_scorecard: one row per customer of the latest refresh date (a later refresh of an earlier date does not replace it)');
SELECT is((SELECT sum(customers)::bigint FROM clientele.tier_distribution),
	(SELECT count(*) FROM clientele.customer_result WHERE as_of = '2025-12-31' AND NOT is_closed), 'tier_distribution counts every open customer');
SELECT is((SELECT sum(aum_share) FROM clientele.tier_distribution)::numeric(6, 2), 1.00::numeric(6, 2), 'its AUM shares add up to 1');
SELECT is((SELECT count(*) FROM clientele.value_concentration), 10::bigint, 'value_concentration: ten deciles');
SELECT is((SELECT lorenz_contribution_share FROM clientele.value_concentration WHERE decile = 1), 1.0000, 'the Lorenz curve ends at 1');
SELECT is((SELECT gini FROM clientele.value_concentration LIMIT 1),
	(SELECT round(clientele.gini(contribution::float8)::numeric, 4) FROM clientele.customer_result WHERE as_of = '2025-12-31'), 'Gini of contribution');
SELECT is((SELECT sum(customers)::bigint FROM clientele.lifecycle_flow),
	(SELECT count(DISTINCT customer_id) FROM clientele.customer_result WHERE as_of IN ('2025-06-30', '2025-12-31')),
	'lifecycle_flow counts each customer of the last two dates once');
SELECT is((SELECT count(*) FROM clientele.tier_migration WHERE from_as_of <> '2025-06-30' OR to_as_of <> '2025-12-31'), 0::bigint,
	'tier_migration compares the last two refresh dates');
SELECT is((SELECT sum(customers)::bigint FROM clientele.tier_migration),
	(SELECT count(*) FROM clientele.customer_result p JOIN clientele.customer_result c USING (customer_id)
	 WHERE p.as_of = '2025-06-30' AND c.as_of = '2025-12-31' AND p.tier IS DISTINCT FROM c.tier AND NOT c.is_closed),
	'tier_migration counts every customer whose tier changed');
SELECT is((SELECT count(*) FROM clientele.tier_migration WHERE (direction = 'upgrade') <> (to_rank > from_rank)), 0::bigint,
	'upgrades are moves to a higher rank');
SELECT is((SELECT watch_rank FROM clientele.churn_watchlist ORDER BY value_at_risk DESC, churn_score DESC, customer_id LIMIT 1), 1::bigint,
	'churn_watchlist ranks by risk x value');
SELECT is((SELECT customers FROM clientele.kpi_summary WHERE as_of = '2025-12-31' AND level = 'bank'),
	(SELECT count(*) FROM clientele.customer_result WHERE as_of = '2025-12-31' AND NOT is_closed), 'kpi_summary: open customers of the bank');
SELECT is((SELECT sum(customers)::bigint FROM clientele.kpi_summary WHERE as_of = '2025-12-31' AND level = 'region'),
	(SELECT customers FROM clientele.kpi_summary WHERE as_of = '2025-12-31' AND level = 'bank'), 'the regions add up to the bank');
SELECT is((SELECT churn_rate + retention_rate FROM clientele.kpi_summary WHERE as_of = '2025-12-31' AND level = 'bank'), 1.0000,
	'retention = 1 - churn');
SELECT is((SELECT active_share FROM clientele.kpi_summary WHERE as_of = '2025-12-31' AND level = 'bank'),
	(SELECT round(avg(active::int), 4) FROM clientele.customer_result WHERE as_of = '2025-12-31' AND NOT is_closed), 'active share');
SELECT is((SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
	WHERE c.relnamespace = 'clientele'::regnamespace AND c.relkind IN ('m', 'v', 'r') AND a.attnum > 0 AND NOT a.attisdropped
	  AND c.relname IN ('customer_scorecard', 'tier_distribution', 'segment_summary', 'lifecycle_flow', 'churn_watchlist',
	                    'value_concentration', 'tier_migration', 'kpi_summary', 'customer_result', 'kpi_history', 'refresh_log',
	                    'my_customer_scorecard', 'my_churn_watchlist', 'my_kpi_summary', 'segment_definition', 'segment_membership')
	  AND col_description(c.oid, a.attnum) IS NULL), 0::bigint, 'every column of the result tables and views has a comment');
SELECT is((SELECT count(*) FROM pg_class c WHERE c.relnamespace = 'clientele'::regnamespace AND c.relkind = 'm'
	AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisunique AND i.indpred IS NULL)), 0::bigint,
	'every materialized view has a unique index (refreshed concurrently)');

-- segments
SELECT is((SELECT sum(customers)::bigint FROM clientele.segment_summary WHERE kind = 'quadrant'),
	(SELECT count(*) FROM clientele.customer_result WHERE as_of = '2025-12-31'), 'segment_summary: the quadrants count every customer of the latest date');
SELECT is((SELECT customers FROM clientele.segment_summary WHERE kind = 'defined' AND segment = 'active'),
	(SELECT count(*) FROM clientele.customer_result WHERE as_of = '2025-12-31' AND active), 'segment_summary: members of a defined segment');
SELECT is((SELECT count(*) FROM clientele.segment_membership m JOIN clientele.customer_result r USING (as_of, customer_id)
	WHERE m.segment = 'key' AND r.contribution_top_share > 0.1), 0::bigint, 'segment "key" = top 10 % by contribution');
SELECT is((SELECT count(*) FROM clientele.segment_membership WHERE as_of = '2025-12-31' AND segment IN ('key', 'ordinary', 'possible')),
	(SELECT count(*) FROM clientele.customer_result WHERE as_of = '2025-12-31'), 'key / ordinary / possible partition the customers');
SELECT is(pg_temp.err($$INSERT INTO clientele.segment_definition (segment, description, predicate) VALUES ('bad', 'x', 'aum > 0; DROP TABLE clientele.customer')$$),
	'22023: segment "bad": segment predicate contains a character that is not allowed: ";"', 'a statement separator is rejected');
SELECT is(pg_temp.err($$INSERT INTO clientele.segment_definition (segment, description, predicate) VALUES ('bad', 'x', 'aum > (SELECT 1)')$$),
	'22023: segment "bad": unknown column or keyword "SELECT" in segment predicate', 'a sub-query is rejected');
SELECT is(pg_temp.err($$INSERT INTO clientele.segment_definition (segment, description, predicate) VALUES ('bad', 'x', 'pg_sleep(1) IS NULL')$$),
	'22023: segment "bad": function "pg_sleep" is not allowed in a segment predicate', 'a function outside the allow-list is rejected');
SELECT is(pg_temp.err($$INSERT INTO clientele.segment_definition (segment, description, predicate) VALUES ('bad', 'x', 'aum + 1')$$),
	'22023: segment "bad": segment predicate must be a boolean expression, got type numeric', 'a non-boolean expression is rejected');
SELECT is(pg_temp.err($$INSERT INTO clientele.segment_definition (segment, description, predicate) VALUES ('bad', 'x', 'aum::text = ''1''')$$),
	'22023: segment "bad": segment predicate contains a character that is not allowed: ":"', 'a cast is rejected');
SELECT is(pg_temp.err($$INSERT INTO clientele.segment_definition (segment, description, predicate) VALUES ('bad', 'x', 'aum > 0 -- x')$$),
	'22023: segment "bad": a segment predicate must not contain comments', 'a comment is rejected');
SELECT is(pg_temp.err($$INSERT INTO clientele.segment_definition (segment, description, predicate) VALUES ('north_rich', 'x', 'lower(region) = ''north'' AND aum BETWEEN 10000 AND 1e9')$$),
	'ok', 'a valid predicate with an allowed function is stored');
SELECT is(pg_temp.err($$DELETE FROM clientele.segment_definition WHERE segment = 'key'$$),
	'42501: cannot delete a row of clientele.segment_definition shipped with the extension', 'a shipped segment cannot be deleted');
UPDATE clientele.segment_definition SET predicate = 'contribution_top_share <= 0.05' WHERE segment = 'key';
SELECT ok((SELECT edited FROM clientele.segment_definition WHERE segment = 'key'), 'an edited shipped segment is marked (and dumped)');

-- errors
SELECT is(pg_temp.err($$INSERT INTO clientele.segment_definition (segment, description, predicate, shipped) VALUES ('mine', 'x', 'aum > 0', true)$$),
	'42501: only the extension can mark rows of clientele.segment_definition shipped', 'a user cannot mark a segment as shipped');
SELECT is(pg_temp.err($$UPDATE clientele.segment_definition SET shipped = false WHERE segment = 'active'$$),
	'42501: cannot unmark a row of clientele.segment_definition shipped with the extension', 'nor un-mark a shipped one');
SELECT is(pg_temp.err($$UPDATE clientele.segment_definition SET segment = 'busy' WHERE segment = 'active'$$),
	'42501: cannot rename a row of clientele.segment_definition shipped with the extension', 'nor rename a shipped one');
SELECT is(pg_temp.err($$INSERT INTO clientele.segment_definition (segment, description, predicate) VALUES ('bad', 'x', '(aum > 0')$$),
	'22023: segment "bad": segment predicate has an unmatched "("', 'an unmatched parenthesis is rejected');
SELECT is(pg_temp.err($$INSERT INTO clientele.segment_definition (segment, description, predicate) VALUES ('bad', 'x', 'aum > 0)')$$),
	'22023: segment "bad": segment predicate has an unmatched ")"', 'and the other one');
SELECT is(pg_temp.err($$INSERT INTO clientele.segment_definition (segment, description, predicate) VALUES ('bad', 'x', ' ')$$),
	'22023: segment "bad": a segment predicate must not be empty', 'an empty predicate is rejected');
SELECT is(pg_temp.err($$INSERT INTO clientele.segment_definition (segment, description, predicate) VALUES ('bad', 'x', 'wealth > 0')$$),
	'22023: segment "bad": unknown column or keyword "wealth" in segment predicate', 'an unknown column is rejected');
SELECT is(pg_temp.err($$INSERT INTO clientele.segment_definition (segment, description, predicate) VALUES ('bad', 'x', 'aum > > 0')$$),
	'22023: segment "bad": segment predicate is not a valid expression: syntax error at or near ">"', 'a syntax error is rejected');
SELECT is(pg_temp.err($$INSERT INTO clientele.segment_definition (segment, description, predicate) VALUES ('bad', 'x', repeat('aum > 0 AND ', 400) || 'true')$$),
	'22023: segment "bad": a segment predicate must not exceed 4000 characters, got 4804', 'an overlong predicate is rejected');
SELECT is(pg_temp.err($$UPDATE clientele.refresh_config SET tier_scheme = 'nope'$$),
	'22023: unknown tier scheme "nope" in clientele.refresh_config.tier_scheme', 'refresh settings are validated on write');
SELECT is(pg_temp.err($$UPDATE clientele.refresh_config SET rfm_scheme = 'nope'$$),
	'22023: unknown RFM segment scheme "nope" in clientele.refresh_config.rfm_scheme', 'including the RFM scheme');
SELECT is(pg_temp.err($$UPDATE clientele.refresh_config SET clv_months = 0$$),
	'23514: new row for relation "refresh_config" violates check constraint "refresh_config_clv_months_valid"', 'and the ranges');
SELECT is(pg_temp.err($$UPDATE clientele.refresh_config SET model_penalizer = 'NaN'$$),
	'23514: new row for relation "refresh_config" violates check constraint "refresh_config_penalizer_valid"', 'the model penalizer is finite and not negative');
SELECT is(pg_temp.err($$DELETE FROM clientele.refresh_config$$),
	'42501: clientele.refresh_config must keep its row', 'the settings row cannot be deleted');
SELECT is(pg_temp.err($$CALL clientele.refresh('2026-06-30')$$), '22023: as_of 2026-06-30 is 181 days after the newest input row (2025-12-31), more than 31 days',
	'an as_of beyond the data is an error');

SELECT * FROM finish();
ROLLBACK;
