-- Demo report, section 35: contractual retention (sBG) of the customer
-- relationship, and a calibration/holdout check of the non-contractual
-- models (Pareto/NBD vs BG/NBD).  See docs/pareto_sbg.md.
--  * sBG: a customer "renews" the relationship every month until the month
--    it is closed (clientele.in_customer.closed_on); months are counted from
--    opened_on to the closing day, or to the last day seen in the data.
--    Customers who left before the data window (first transaction day) are
--    not in the data, so each customer enters the fit at the month the window
--    opened (left truncation: sbg_fit(periods, churned, entered)).
--  * holdout: purchases are the customer-initiated payments of
--    clientele.in_transaction, once per day; the last 26 weeks are held out.
\echo
\echo '== 35. Retention of the relationship (sBG) and a holdout check of the purchase models =='

\set QUIET on
SET client_min_messages = error;
CREATE TEMP TABLE sbg_asof AS
SELECT greatest((SELECT max(opened_on) FROM clientele.in_customer),
                (SELECT max(closed_on) FROM clientele.in_customer),
                (SELECT max(ts)::date FROM clientele.in_transaction)) AS asof,
       (SELECT min(ts)::date FROM clientele.in_transaction) AS window_start;

-- months paid for: completed months while open, plus the month of closing
CREATE TEMP TABLE sbg_people AS
SELECT c.customer_id, coalesce(c.customer_type, 'individual') AS customer_type,
       CASE WHEN c.closed_on IS NOT NULL AND c.closed_on <= a.asof
            THEN (extract(year FROM age(c.closed_on, c.opened_on)) * 12 + extract(month FROM age(c.closed_on, c.opened_on)))::int + 1
            ELSE (extract(year FROM age(a.asof, c.opened_on)) * 12 + extract(month FROM age(a.asof, c.opened_on)))::int
       END AS periods,
       c.closed_on IS NOT NULL AND c.closed_on <= a.asof AS churned,
       CASE WHEN c.opened_on < a.window_start
            THEN (extract(year FROM age(a.window_start, c.opened_on)) * 12 + extract(month FROM age(a.window_start, c.opened_on)))::int
            ELSE 0
       END AS entered
FROM clientele.in_customer c, sbg_asof a
WHERE c.opened_on <= a.asof AND (c.closed_on IS NULL OR c.closed_on >= a.window_start);

CREATE TEMP TABLE sbg_fits AS
SELECT customer_type AS segment, clientele.sbg_fit(periods, churned, least(entered, periods - churned::int)) AS p, count(*) AS customers
FROM sbg_people GROUP BY customer_type
UNION ALL
SELECT 'all customers', clientele.sbg_fit(periods, churned, least(entered, periods - churned::int)), count(*) FROM sbg_people;
RESET client_min_messages;

\pset footer off
\echo
\echo 'Monthly retention of the relationship, sBG fit by customer type (standard errors in parentheses)'
SELECT segment, customers, (p).converged,
       format('%s (%s)', round((p).alpha::numeric, 3), coalesce(round((p).se_alpha::numeric, 3)::text, 'no SE')) AS alpha,
       format('%s (%s)', round((p).beta::numeric, 2), coalesce(round((p).se_beta::numeric, 2)::text, 'no SE')) AS beta,
       round((100 * clientele.sbg_retention_rate(p, 1))::numeric, 2) AS "retention month 1 %",
       round((100 * clientele.sbg_retention_rate(p, 24))::numeric, 2) AS "month 24 %",
       round((100 * clientele.sbg_survival(p, 12))::numeric, 1) AS "still open after 12 m %",
       round((100 * clientele.sbg_survival(p, 60))::numeric, 1) AS "after 60 m %"
FROM sbg_fits WHERE (p).n IS NOT NULL
ORDER BY segment = 'all customers', segment;

SELECT NOT bool_and((p).converged) AS sbg_some_not_converged FROM sbg_fits WHERE (p).n IS NOT NULL \gset
\if :sbg_some_not_converged
\echo 'Note: converged = f means the data do not identify the sBG model, and those parameters are not to be used.'
\echo 'sBG assumes each customer''s monthly churn probability is constant, so that a cohort''s churn rate falls with'
\echo 'tenure; where churn instead rises with tenure (as in the demo bank''s personas) the model is not identified.'
\endif

\echo
\echo 'Check: of the customers open when the data window began, the share still open 12 months later, observed vs the model'
SELECT round((100 * avg((NOT churned OR periods > entered + 12)::int))::numeric, 1) AS "observed %",
       round((100 * avg(clientele.sbg_survival(f.p, entered + 12) / clientele.sbg_survival(f.p, entered)))::numeric, 1) AS "sBG %",
       count(*) AS customers
FROM sbg_people, (SELECT p FROM sbg_fits WHERE segment = 'all customers') f, sbg_asof a
WHERE entered > 0 AND a.window_start + 365 <= a.asof;

\echo
SELECT coalesce((SELECT (p).converged FROM sbg_fits WHERE segment = 'all customers'), false) AS sbg_all_converged \gset
\if :sbg_all_converged
\echo 'Discounted expected remaining months of an open relationship (1% per month), by months already kept'
SELECT m AS "months kept",
       round(clientele.sbg_derl(p, 0.01, m)::numeric, 1) AS "expected remaining months (discounted)",
       round((100 * clientele.sbg_retention_rate(p, m + 1))::numeric, 2) AS "renewal probability next month %"
FROM sbg_fits, (VALUES (0), (6), (12), (24), (60)) AS v(m)
WHERE segment = 'all customers' AND (p).converged
ORDER BY m;
\else
\echo 'Discounted expected remaining months (sbg_derl): not shown, the sBG fit over all customers did not converge.'
\endif

-- ---- calibration / holdout of the purchase models ----------------------------------
CREATE TEMP VIEW report_payments AS
SELECT customer_id, ts FROM clientele.in_transaction
WHERE customer_initiated AND kind = 'payment' AND amount > 0;
CREATE TEMP TABLE holdout_window AS
SELECT (max(ts)::date - 182) AS calibration_end, max(ts)::date AS holdout_end FROM report_payments;
CREATE TEMP TABLE holdout_table (frequency int, frequency_label text, customers bigint,
	actual_mean float8, pareto_nbd float8, bgnbd float8, pareto_converged boolean, bgnbd_converged boolean);
SELECT count(*) > 0 AS report_has_payments FROM holdout_window WHERE calibration_end IS NOT NULL \gset

\if :report_has_payments
SET client_min_messages = error;
INSERT INTO holdout_table
SELECT p.frequency, p.frequency_label, p.customers, p.actual_mean, p.predicted_mean, b.predicted_mean, p.converged, b.converged
FROM (SELECT h.* FROM holdout_window w,
             LATERAL clientele.calibration_holdout('pg_temp.report_payments', w.calibration_end, w.holdout_end, 'pareto_nbd') h) p
JOIN (SELECT h.* FROM holdout_window w,
             LATERAL clientele.calibration_holdout('pg_temp.report_payments', w.calibration_end, w.holdout_end, 'bgnbd') h) b
  USING (frequency);
RESET client_min_messages;

\echo
SELECT format('Payment days in the 26 holdout weeks after %s, by payment days in the calibration period: actual vs predicted', calibration_end)
FROM holdout_window \gset report_
\echo :report_format
SELECT frequency_label AS "calibration repeat days", customers,
       round(actual_mean::numeric, 2) AS actual, round(pareto_nbd::numeric, 2) AS "Pareto/NBD", round(bgnbd::numeric, 2) AS "BG/NBD"
FROM holdout_table ORDER BY frequency;
SELECT round(sum(customers * actual_mean)) AS "total actual", round(sum(customers * pareto_nbd)::numeric) AS "Pareto/NBD",
       round(sum(customers * bgnbd)::numeric) AS "BG/NBD",
       bool_and(pareto_converged) AS "Pareto/NBD converged", bool_and(bgnbd_converged) AS "BG/NBD converged"
FROM holdout_table;
\else
\echo 'No customer-initiated payments: the holdout check is skipped.'
\endif

DROP VIEW report_payments;
DROP TABLE sbg_asof, sbg_people, sbg_fits, holdout_window, holdout_table;
\set QUIET off
