-- Demo report, section 30: customer-base models (BG/NBD, Gamma-Gamma, CLV).
-- "Purchases" are the customer-initiated payments of clientele.in_transaction,
-- counted once per day (the repeat-purchase convention of the BG/NBD
-- literature); time unit: weeks; the calibration period ends at the last
-- transaction day.  See docs/models.md.
\echo
\echo '== 30. Customer-base models: who is still active, what will they buy, what are they worth =='

\set QUIET on
CREATE TEMP TABLE models_days AS
SELECT customer_id, ts::date AS day, sum(amount)::float8 AS amount
FROM clientele.in_transaction
WHERE customer_initiated AND kind = 'payment' AND amount > 0
GROUP BY 1, 2;

CREATE TEMP TABLE models_summary AS
WITH f AS (
	SELECT customer_id, min(day) AS first_day, max(day) AS last_day, count(*) AS days, sum(amount) AS total
	FROM models_days GROUP BY 1
), first_amount AS (
	SELECT d.customer_id, d.amount FROM models_days d JOIN f USING (customer_id) WHERE d.day = f.first_day
)
SELECT f.customer_id,
       (f.days - 1)::float8 AS frequency,
       ((f.last_day - f.first_day) / 7.0)::float8 AS recency,
       ((e.end_day - f.first_day) / 7.0)::float8 AS t,
       CASE WHEN f.days > 1 THEN (f.total - fa.amount) / (f.days - 1) ELSE 0 END AS monetary
FROM f JOIN first_amount fa USING (customer_id), (SELECT max(day) AS end_day FROM models_days) e;

SELECT count(*) >= 10 AS models_have_data FROM models_summary \gset
\if :models_have_data
-- Gamma-Gamma needs spend that varies between customers more than within;
-- when the plain fit has no maximum (converged = false), use a lightly
-- penalised one (L2 on the log-parameters) and say so.
SET client_min_messages = error;
CREATE TEMP TABLE models_fit AS
WITH f AS (
	SELECT (SELECT clientele.bgnbd_fit(frequency, recency, t) FROM models_summary) AS bg,
	       (SELECT clientele.gamma_gamma_fit(frequency, monetary) FROM models_summary) AS gg
)
SELECT bg, CASE WHEN (gg).converged THEN gg
                ELSE (SELECT clientele.gamma_gamma_fit(frequency, monetary, 0.001) FROM models_summary) END AS gg,
       NOT coalesce((gg).converged, false) AS gg_penalized
FROM f;
RESET client_min_messages;

\pset footer off
\echo
\echo 'Fitted models (maximum likelihood; standard errors in parentheses)'
SELECT 'BG/NBD' AS model, (bg).n AS customers,
       format('r %s (%s), alpha %s (%s) weeks, a %s (%s), b %s (%s)',
              round((bg).r::numeric, 3), round((bg).se_r::numeric, 3),
              round((bg).alpha::numeric, 2), round((bg).se_alpha::numeric, 2),
              round((bg).a::numeric, 3), round((bg).se_a::numeric, 3),
              round((bg).b::numeric, 3), round((bg).se_b::numeric, 3)) AS parameters,
       round((bg).log_likelihood::numeric, 1) AS log_likelihood, (bg).converged
FROM models_fit
UNION ALL
SELECT CASE WHEN gg_penalized THEN 'Gamma-Gamma (penalizer 0.001)' ELSE 'Gamma-Gamma' END, (gg).n,
       format('p %s (%s), q %s (%s), v %s (%s)',
              round((gg).p::numeric, 3), round((gg).se_p::numeric, 3),
              round((gg).q::numeric, 3), round((gg).se_q::numeric, 3),
              round((gg).v::numeric, 2), round((gg).se_v::numeric, 2)),
       round((gg).log_likelihood::numeric, 1), (gg).converged
FROM models_fit;

\echo
\echo 'Check: expected vs observed repeat purchases over each customer''s own history'
SELECT round(sum(frequency)) AS observed,
       round(sum(clientele.bgnbd_expected_purchases_new(bg, t))::numeric) AS expected_by_bgnbd
FROM models_summary, models_fit
WHERE (bg).converged;

CREATE TEMP TABLE models_scores AS
SELECT customer_id, frequency, recency, t, monetary,
       clientele.bgnbd_p_alive(bg, frequency, recency, t) AS p_alive,
       clientele.bgnbd_expected_purchases(bg, 52, frequency, recency, t) AS next52,
       clientele.gamma_gamma_expected_spend(gg, frequency, monetary) AS expected_payment,
       clientele.clv(bg, gg, frequency, recency, t, monetary, 12, 0.01, 4.345) AS clv12
FROM models_summary, models_fit
WHERE (bg).converged AND (gg).converged AND (gg).q > 1;

\echo
\echo 'Customers by probability of being still active: expected payment days in the next 52 weeks, 12-month CLV'
SELECT CASE WHEN p_alive >= 0.9 THEN '1. P(alive) >= 0.9'
            WHEN p_alive >= 0.5 THEN '2. 0.5 - 0.9'
            WHEN p_alive >= 0.2 THEN '3. 0.2 - 0.5'
            ELSE '4. < 0.2' END AS status,
       count(*) AS customers,
       round(avg(frequency)::numeric, 2) AS avg_past_repeat_days,
       round(avg(next52)::numeric, 2) AS avg_expected_next_52w,
       round(avg(clv12)::numeric, 2) AS avg_clv_12m,
       round(sum(clv12)::numeric, 0) AS total_clv_12m
FROM models_scores
GROUP BY 1 ORDER BY 1;

\echo
\echo 'Top 10 customers by 12-month CLV (monthly discount 1%)'
SELECT customer_id, frequency::int AS repeat_days, round(recency::numeric, 1) AS recency_w, round(t::numeric, 1) AS age_w,
       round(monetary::numeric, 2) AS avg_payment, round(p_alive::numeric, 3) AS p_alive,
       round(expected_payment::numeric, 2) AS expected_payment, round(clv12::numeric, 2) AS clv_12m
FROM models_scores
ORDER BY clv12 DESC, customer_id
LIMIT 10;

DROP TABLE models_fit, models_scores;
\else
\echo '(fewer than 10 customers with customer-initiated payments in clientele.in_transaction: section skipped)'
\endif
DROP TABLE models_days, models_summary;
