-- sBG contractual retention: the survivor curves of Fader & Hardie (2007),
-- fitted on years 0..7, with the projection of years 8..12 next to actuals.
CREATE TEMP TABLE sbg_curve (segment text PRIMARY KEY, survivors bigint[]);
INSERT INTO sbg_curve VALUES
	('regular',  '{1000,631,468,382,326,289,262,241,223,207,194,183,173}'),
	('high end', '{1000,869,743,653,593,551,517,491,468,445,427,409,394}');
CREATE TEMP TABLE sbg_model AS
SELECT segment, clientele.sbg_fit(survivors[1:8]) AS p FROM sbg_curve;

-- parameters (paper: regular alpha 0.704 beta 1.182; high end alpha 0.668 beta 3.806)
SELECT segment, round((p).alpha::numeric, 3) AS alpha, round((p).beta::numeric, 3) AS beta,
       round((p).log_likelihood::numeric, 2) AS log_likelihood, (p).n, (p).converged,
       round((p).se_alpha::numeric, 3) AS se_alpha, round((p).se_beta::numeric, 3) AS se_beta
FROM sbg_model ORDER BY segment DESC;

-- projected survivors of years 8..12 next to the actual values
SELECT m.segment, y AS year, c.survivors[y + 1] AS actual,
       round(1000 * clientele.sbg_survival(m.p, y))::int AS projected,
       round((100 * (1000 * clientele.sbg_survival(m.p, y) - c.survivors[y + 1]) / c.survivors[y + 1])::numeric, 1) AS pct_error
FROM sbg_model m JOIN sbg_curve c USING (segment), generate_series(8, 12) AS y
ORDER BY m.segment DESC, y;

-- retention rates rise with tenure; churn probabilities; DERL at 10 %
SELECT m.segment, t,
       round(clientele.sbg_retention_rate(m.p, t)::numeric, 4) AS retention,
       round(clientele.sbg_churn_probability(m.p, t)::numeric, 4) AS p_churn_at_t,
       round(clientele.sbg_derl(m.p, 0.10, t - 1)::numeric, 3) AS derl_after_renewals
FROM sbg_model m, generate_series(1, 5) AS t
ORDER BY m.segment DESC, t;

-- the aggregate over individuals (periods paid, churned) gives the same fit
WITH people AS (
	SELECT c.segment, t AS periods, true AS churned
	FROM sbg_curve c, generate_series(1, 7) AS t, generate_series(1, (c.survivors[t] - c.survivors[t + 1])::int)
	UNION ALL
	SELECT c.segment, 7, false FROM sbg_curve c, generate_series(1, c.survivors[8]::int)
)
SELECT p.segment, abs((f).alpha - (m.p).alpha) < 1e-6 AS same_alpha,
       abs((f).beta - (m.p).beta) < 1e-6 AS same_beta, (f).n
FROM (SELECT segment, clientele.sbg_fit(periods, churned) AS f FROM people GROUP BY segment) p
JOIN sbg_model m USING (segment) ORDER BY p.segment DESC;

-- too little data: NULL with a NOTICE
SELECT clientele.sbg_fit('{1}'::bigint[]) IS NULL AS no_period;
SELECT clientele.sbg_fit('{1,0}'::bigint[]) IS NULL AS one_customer;
SELECT clientele.sbg_fit(periods, churned) IS NULL AS empty FROM (SELECT 1, true WHERE false) AS e(periods, churned);

-- no churn at all: alpha runs off to 0, so converged = false with a WARNING
-- (shown by its SQLSTATE 01000: the message counts optimiser iterations)
\set VERBOSITY sqlstate
SELECT p.converged, p.n FROM clientele.sbg_fit('{100,100,100}'::bigint[]) AS p;
\set VERBOSITY terse
-- a penalizer keeps it finite
SELECT p.converged, round(p.alpha::numeric, 3) AS alpha, round(p.beta::numeric, 3) AS beta
FROM clientele.sbg_fit('{100,100,100}'::bigint[], 0.1) AS p;

-- bad input: ERROR 22023 with the offending values
\set VERBOSITY default
SELECT clientele.sbg_fit('{1000,631,700}'::bigint[]);
SELECT clientele.sbg_fit('{1000,-1}'::bigint[]);
SELECT clientele.sbg_fit('{1000,NULL}'::bigint[]);
SELECT clientele.sbg_fit('{{1000,631},{468,382}}'::bigint[]);
SELECT clientele.sbg_fit('{1000,631}'::bigint[], -1);
SELECT clientele.sbg_fit(periods, churned) FROM (VALUES (0, true)) AS v(periods, churned);
SELECT clientele.sbg_fit(periods, churned) FROM (VALUES (-2, false)) AS v(periods, churned);
SELECT clientele.sbg_fit(periods, churned, pen) FROM (VALUES (1, true, 0.1), (2, false, 0.2)) AS v(periods, churned, pen);
SELECT clientele.sbg_survival((-1, 1, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params, 3);
SELECT clientele.sbg_survival(('NaN', 1, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params, 3);
SELECT clientele.sbg_survival((NULL, 1, NULL, NULL, NULL, NULL, NULL, NULL)::clientele.sbg_params, 3);
SELECT clientele.sbg_survival(p, -1) FROM sbg_model WHERE segment = 'regular';
SELECT clientele.sbg_retention_rate(p, 0) FROM sbg_model WHERE segment = 'regular';
SELECT clientele.sbg_churn_probability(p, 0) FROM sbg_model WHERE segment = 'regular';
SELECT clientele.sbg_derl(p, 0) FROM sbg_model WHERE segment = 'regular';
SELECT clientele.sbg_derl(p, 0.1, -1) FROM sbg_model WHERE segment = 'regular';
