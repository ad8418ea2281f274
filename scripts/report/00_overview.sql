-- Demo report, section 00: the bank's size and shape.
-- Reads the input views clientele.in_* (and clientele.demo_truth for the
-- planted personas); run by scripts/demo.sh with psql.
\pset footer off
SELECT max(as_of) AS bank_as_of FROM clientele.in_balance \gset

\echo
\echo '## 1. The bank as of' :bank_as_of
SELECT to_char(count(*), 'FM999,999,999') AS customers,
       to_char(count(*) FILTER (WHERE closed_on IS NULL), 'FM999,999,999') AS open,
       to_char(count(*) FILTER (WHERE closed_on IS NOT NULL), 'FM999,999,999') AS closed,
       (SELECT to_char(count(*), 'FM999,999,999') FROM clientele.in_account) AS accounts,
       (SELECT to_char(count(*), 'FM999,999,999,999') FROM clientele.in_transaction) AS transactions,
       (SELECT min(ts)::date || ' .. ' || max(ts)::date FROM clientele.in_transaction) AS history
FROM clientele.in_customer;

\echo
\echo '## 2. Open customers by region and type'
SELECT coalesce(region, '(none)') AS region,
       to_char(count(*) FILTER (WHERE customer_type = 'individual'), 'FM999,999,999') AS individual,
       to_char(count(*) FILTER (WHERE customer_type = 'corporate'), 'FM999,999,999') AS corporate,
       to_char(count(*) FILTER (WHERE customer_type = 'government'), 'FM999,999,999') AS government,
       to_char(100.0 * count(*) / sum(count(*)) OVER (), 'FM990.0') || ' %' AS share
FROM clientele.in_customer
WHERE closed_on IS NULL
GROUP BY region
ORDER BY count(*) DESC;

\echo
\echo '## 3. Products per open customer (open accounts)'
WITH n AS (
	SELECT c.customer_id, count(a.account_id) AS products
	FROM clientele.in_customer c
	LEFT JOIN clientele.in_account a ON a.customer_id = c.customer_id AND a.closed_on IS NULL
	WHERE c.closed_on IS NULL
	GROUP BY c.customer_id)
SELECT CASE WHEN products >= 4 THEN '4+' ELSE products::text END AS products,
       to_char(count(*), 'FM999,999,999') AS customers,
       to_char(100.0 * count(*) / sum(count(*)) OVER (), 'FM990.0') || ' %' AS share
FROM n GROUP BY 1 ORDER BY 1;

\echo
\echo '## 4. Deposit balance bands of open customers vs the Suzhou postal-savings table (Feb 2012)'
-- latest snapshot of each open deposit account (a missing day means the last balance holds)
WITH dep AS (
	SELECT a.customer_id, sum(b.balance) AS balance
	FROM clientele.in_account a
	JOIN clientele.product_type p ON p.product_type = a.product_type AND p.category = 'deposit'
	CROSS JOIN LATERAL (SELECT x.balance FROM clientele.in_balance x
	                    WHERE x.account_id = a.account_id ORDER BY x.as_of DESC LIMIT 1) b
	WHERE a.closed_on IS NULL
	GROUP BY a.customer_id),
band(lo, hi, label, suzhou_customers, suzhou_amount) AS (VALUES
	(-1e18, 1e4, '[0, 1万)', 87.639, 10.392),
	(1e4, 5e4, '[1万, 5万)', 10.408, 47.300),
	(5e4, 2e5, '[5万, 20万)', 1.838, 32.773),
	(2e5, 1e6, '[20万, 100万)', 0.110, 7.708),
	(1e6, 1e18, '[100万, ∞)', 0.004, 1.827))
SELECT b.label AS band,
       to_char(count(d.customer_id), 'FM999,999,999') AS customers,
       to_char(100.0 * count(d.customer_id) / sum(count(d.customer_id)) OVER (), 'FM990.000') || ' %' AS share,
       to_char(b.suzhou_customers, 'FM990.000') || ' %' AS suzhou_share,
       to_char(100.0 * coalesce(sum(d.balance), 0) / sum(sum(d.balance)) OVER (), 'FM990.0') || ' %' AS amount_share,
       to_char(b.suzhou_amount, 'FM990.0') || ' %' AS suzhou_amount_share
FROM band b
LEFT JOIN dep d ON d.balance >= b.lo AND d.balance < b.hi
GROUP BY b.lo, b.label, b.suzhou_customers, b.suzhou_amount
ORDER BY b.lo;

\echo
\echo '## 5. Channel mix of customer-initiated transactions, last 12 months'
SELECT channel,
       to_char(count(*), 'FM999,999,999') AS transactions,
       to_char(100.0 * count(*) / sum(count(*)) OVER (), 'FM990.0') || ' %' AS share,
       to_char(count(*) FILTER (WHERE kind = 'enquiry'), 'FM999,999,999') AS enquiries
FROM clientele.in_transaction
WHERE customer_initiated AND ts > (:'bank_as_of'::date - interval '12 months')
GROUP BY channel
ORDER BY count(*) DESC;

\echo
\echo '## 6. Planted ground truth (clientele.demo_truth): personas and their activity'
WITH act AS (
	SELECT customer_id,
	       count(*) FILTER (WHERE ts > :'bank_as_of'::date - interval '6 months') AS last_6m,
	       count(*) FILTER (WHERE ts <= :'bank_as_of'::date - interval '6 months'
	                          AND ts > :'bank_as_of'::date - interval '12 months') AS prior_6m
	FROM clientele.in_transaction
	WHERE customer_initiated
	GROUP BY customer_id)
SELECT t.persona,
       to_char(count(*), 'FM999,999,999') AS customers,
       to_char(100.0 * count(*) / sum(count(*)) OVER (), 'FM990.0') || ' %' AS share,
       to_char(avg(coalesce(a.prior_6m, 0)), 'FM990.0') AS txns_6_to_12_months_ago,
       to_char(avg(coalesce(a.last_6m, 0)), 'FM990.0') AS txns_last_6_months,
       count(*) FILTER (WHERE t.churned_on > :'bank_as_of'::date - 365) AS left_in_last_12_months
FROM clientele.demo_truth t
LEFT JOIN act a USING (customer_id)
GROUP BY t.persona
ORDER BY count(*) DESC;
