#!/usr/bin/env bash
# bench/tiers.sh: clientele.tier_of over 7,439,432 balances distributed as the
# Suzhou table (source 004) against a hand-written CASE ladder, measured in the
# same run (goal: tier_of <= 1.2x the CASE ladder).  Also the GROUP BY report
# form and clientele.tier_distribution against hand-written SQL.
# Environment (from scripts/bench.sh): PGHOST PGPORT PGUSER BENCH_DB;
# BENCH_SCALE (default 1 = 7,439,432 rows; e.g. 0.02), BENCH_REPS (default 5:
# each query runs that many times, interleaved, and the fastest run counts).
# Runs serially (max_parallel_workers_per_gather = 0) so that timings compare.
set -euo pipefail
BIN=$("${PG_CONFIG:-pg_config}" --bindir)
DB=${BENCH_DB:?BENCH_DB must name a database with clientele installed}
SCALE=${BENCH_SCALE:-1}
REPS=${BENCH_REPS:-5}
psql() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

echo "# bench/tiers.sh: BENCH_SCALE=$SCALE BENCH_REPS=$REPS"
psql -v scale="$SCALE" <<'SQL'
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS bench_tiers CASCADE;
CREATE SCHEMA bench_tiers;
-- per band of the Suzhou table: the count and sum (cents) scaled; amounts
-- spread around the band mean by cancelling offsets, stored in random order
CREATE TABLE bench_tiers.balance AS
SELECT ((s.base + (s.g <= s.rem)::int
         + CASE WHEN s.g <= 2 * (s.n / 2)
                THEN (1 - 2 * (s.g % 2 = 0)::int) * (((s.g + 1) / 2) % 1000) * s.step ELSE 0 END
        ) / 100.0)::numeric(18, 2) AS balance
FROM (SELECT b.n, b.cents / b.n AS base, b.cents % b.n AS rem, b.step, generate_series(1, b.n) AS g
      FROM (SELECT greatest(1, round(n * :scale))::bigint AS n,
                   round(cents * greatest(1, round(n * :scale)) / n)::bigint AS cents, step
            FROM (VALUES (6519865::bigint, 322918321840::bigint, 49::bigint), (774321, 1469737411000, 890),
                         (136773, 1018357867000, 2400), (8201, 239506000900, 9200),
                         (272, 56763298080, 108600)) AS v(n, cents, step)) b) s
ORDER BY random();
VACUUM ANALYZE bench_tiers.balance;
SQL
rows=$(psql -c "SELECT count(*) FROM bench_tiers.balance")
echo "# rows: $rows"

PGOPTIONS="-c bench.reps=$REPS" psql <<'SQL'
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE q (name text PRIMARY KEY, ord int, sql text, best float8);
INSERT INTO q VALUES
('scan', 0, $$SELECT count(balance) FROM bench_tiers.balance$$, NULL),
('case_ladder', 1, $$SELECT count(CASE WHEN balance < 0 THEN NULL WHEN balance < 10000 THEN '0-1万'
	WHEN balance < 50000 THEN '1万-5万' WHEN balance < 200000 THEN '5万-20万'
	WHEN balance < 1000000 THEN '20万-100万' ELSE '100万以上' END) FROM bench_tiers.balance$$, NULL),
('tier_of', 2, $$SELECT count(clientele.tier_of('suzhou_deposit_bands_2012', balance)) FROM bench_tiers.balance$$, NULL),
('case_group_by', 3, $$SELECT lbl, count(*), sum(balance) FROM (SELECT CASE WHEN balance < 0 THEN NULL
	WHEN balance < 10000 THEN '0-1万' WHEN balance < 50000 THEN '1万-5万' WHEN balance < 200000 THEN '5万-20万'
	WHEN balance < 1000000 THEN '20万-100万' ELSE '100万以上' END AS lbl, balance FROM bench_tiers.balance) x GROUP BY lbl$$, NULL),
('tier_of_group_by', 4, $$SELECT clientele.tier_of('suzhou_deposit_bands_2012', balance), count(*), sum(balance)
	FROM bench_tiers.balance GROUP BY 1$$, NULL),
('tier_distribution', 5, $$SELECT * FROM clientele.tier_distribution('suzhou_deposit_bands_2012', 'bench_tiers.balance', 'balance')$$, NULL);
DO $$
DECLARE r record; t0 timestamptz; ms float8; i int;
BEGIN
	FOR i IN 1 .. current_setting('bench.reps')::int LOOP
		FOR r IN SELECT * FROM q ORDER BY ord LOOP
			t0 := clock_timestamp();
			EXECUTE r.sql;
			ms := 1000 * extract(epoch FROM clock_timestamp() - t0);
			UPDATE q SET best = least(coalesce(best, ms), ms) WHERE name = r.name;
		END LOOP;
	END LOOP;
END $$;
\pset format aligned
\pset footer off
\pset tuples_only off
SELECT name AS query, round(best::numeric, 1) AS best_ms FROM q ORDER BY ord;
SELECT 'tier_of / case_ladder' AS ratio, round((t.best / c.best)::numeric, 3) AS value, '<= 1.2 (goal)' AS note
	FROM q t, q c WHERE t.name = 'tier_of' AND c.name = 'case_ladder'
UNION ALL
SELECT 'classification cost only: (tier_of - scan) / (case_ladder - scan)', round(((t.best - s.best) / nullif(c.best - s.best, 0))::numeric, 3), 'per-row work beyond the scan'
	FROM q t, q c, q s WHERE t.name = 'tier_of' AND c.name = 'case_ladder' AND s.name = 'scan'
UNION ALL
SELECT 'tier_of_group_by / case_group_by', round((t.best / c.best)::numeric, 3), 'the report query'
	FROM q t, q c WHERE t.name = 'tier_of_group_by' AND c.name = 'case_group_by'
UNION ALL
SELECT 'tier_distribution / case_group_by', round((t.best / c.best)::numeric, 3), 'adds shares, averages, empty bands'
	FROM q t, q c WHERE t.name = 'tier_distribution' AND c.name = 'case_group_by';
SQL
psql -c "DROP SCHEMA bench_tiers CASCADE"
