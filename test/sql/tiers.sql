-- tiers: the shipped schemes, and the Suzhou distribution table of the
-- source document (004, end of February 2012; domain notes section 2)
-- reproduced from 7,439,432 synthetic balances.
SET client_min_messages = warning;

-- the shipped schemes and their sources
SELECT s.scheme, s.basis, s.unit, b.rank, b.label, b.lower_bound, b.lower_inclusive, b.upper_bound, b.upper_inclusive, b.tier
FROM clientele.tier_scheme s, LATERAL clientele.tier_bands(s.scheme, NULL, '2012-02-29') b
ORDER BY s.scheme, b.rank;
SELECT scheme, source FROM clientele.tier_scheme ORDER BY scheme;
SELECT criterion, threshold, CASE WHEN inclusive THEN '>=' ELSE '>' END AS op FROM clientele.regulatory_threshold ORDER BY criterion;

-- 7,439,432 balances in CNY whose per-band counts and sums (in cents) are
-- the document's: each band gets sum / count, the remainder spread one cent
-- at a time, and pairs of offsets +d / -d (d up to 999 steps) that cancel.
CREATE TEMP VIEW suzhou_balances AS
SELECT ((s.base + (s.g <= s.rem)::int
         + CASE WHEN s.g <= 2 * (s.n / 2)
                THEN (1 - 2 * (s.g % 2 = 0)::int) * (((s.g + 1) / 2) % 1000) * s.step ELSE 0 END
        ) / 100.0)::numeric(18, 2) AS balance
FROM (SELECT b.n, b.cents / b.n AS base, b.cents % b.n AS rem, b.step, generate_series(1, b.n) AS g
      FROM (VALUES (6519865::bigint, 322918321840::bigint, 49::bigint),   -- 322918.32184 万元
                   (774321, 1469737411000, 890),                           -- 1469737.411 万元
                   (136773, 1018357867000, 2400),                          -- 1018357.867 万元
                   (8201, 239506000900, 9200),                             -- 239506.0009 万元
                   (272, 56763298080, 108600)) AS b(n, cents, step)) s;    -- 56763.29808 万元

-- the table of the document: amount (万元), amount share %, accounts, account share %
CREATE TEMP TABLE suzhou_report AS
SELECT * FROM clientele.tier_distribution('suzhou_deposit_bands_2012', 'suzhou_balances', 'balance', NULL, '2012-02-29');
SELECT rank, label, trim_scale(amount / 10000) AS amount_wan, round(100 * amount_share, 3) AS amount_pct,
       count, round(100 * count_share, 3) AS count_pct, round(average, 2) AS average
FROM suzhou_report ORDER BY rank NULLS LAST;
-- the document's total row: 3107282.899 万元, 7439432 accounts
SELECT round(sum(amount) / 10000, 3) AS total_wan, sum(count) AS total_count FROM suzhou_report;

-- checked against the document's table (amounts to the document's decimals)
SELECT r.label, round(r.amount / 10000, scale(d.amount_wan)) = d.amount_wan AS amount_ok,
       round(100 * r.amount_share, 3) = d.amount_pct AS amount_share_ok,
       r.count = d.accounts AS count_ok, round(100 * r.count_share, 3) = d.count_pct AS count_share_ok
FROM suzhou_report r
FULL JOIN (VALUES ('0-1万', 322918.32184, 10.392, 6519865, 87.639),
                  ('1万-5万', 1469737.411, 47.300, 774321, 10.408),
                  ('5万-20万', 1018357.867, 32.773, 136773, 1.838),
                  ('20万-100万', 239506.0009, 7.708, 8201, 0.110),
                  ('100万以上', 56763.29808, 1.827, 272, 0.004)) AS d(label, amount_wan, amount_pct, accounts, count_pct)
     USING (label)
ORDER BY r.rank;

-- the A/B/C roll-up of the same table (A >= 20万, B 1万-20万, C < 1万)
CREATE TEMP TABLE suzhou_abc AS
SELECT * FROM clientele.tier_distribution('suzhou_deposit_bands_2012', 'suzhou_balances', 'balance', NULL, '2012-02-29',
                                          p_rollup => 'deposit_class_abc');
SELECT rank, label, lower_bound, upper_bound, round(amount / 10000, 4) AS amount_wan, round(100 * amount_share, 3) AS amount_pct,
       count, round(100 * count_share, 3) AS count_pct
FROM suzhou_abc ORDER BY rank;
SELECT r.label, round(r.amount / 10000, scale(d.amount_wan)) = d.amount_wan AS amount_ok,
       round(100 * r.amount_share, 3) = d.amount_pct AS amount_share_ok,
       r.count = d.accounts AS count_ok, round(100 * r.count_share, 3) = d.count_pct AS count_share_ok
FROM suzhou_abc r
FULL JOIN (VALUES ('A', 296269.299, 9.535, 8473, 0.114),
                  ('B', 2488095.278, 80.073, 911094, 12.247),
                  ('C', 322918.3218, 10.392, 6519865, 87.639)) AS d(label, amount_wan, amount_pct, accounts, count_pct)
     USING (label)
ORDER BY r.rank;
-- (classifying by deposit_class_abc directly gives the same roll-up: test/pgtap/tiers.sql)
