-- Timing helpers of the benchmarks (bench/lifecycle.sh, bench/churn.sh),
-- fed to psql before their measurements:
--   pg_temp.pair_ms(baseline, candidate, reps): best of reps runs of each
--     (alternating), in milliseconds;
--   pg_temp.row_of(label, baseline, candidate, reps): pair_ms once serial (no
--     parallel workers for either query) and once parallel (the server's
--     settings), with the ratio candidate / baseline.
CREATE OR REPLACE FUNCTION pg_temp.pair_ms(p_base text, p_cand text, p_reps int, OUT base numeric, OUT cand numeric)
LANGUAGE plpgsql AS $f$
DECLARE t0 timestamptz; ms numeric;
BEGIN
	FOR i IN 1 .. p_reps LOOP
		t0 := clock_timestamp();
		EXECUTE p_base;
		ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
		base := least(coalesce(base, ms), ms);
		t0 := clock_timestamp();
		EXECUTE p_cand;
		ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
		cand := least(coalesce(cand, ms), ms);
	END LOOP;
	base := round(base, 1);
	cand := round(cand, 1);
END $f$;
CREATE OR REPLACE FUNCTION pg_temp.row_of(p_label text, p_base text, p_cand text, p_reps int) RETURNS TABLE (label text, b numeric, c numeric, r numeric)
LANGUAGE plpgsql AS $f$
BEGIN
	FOR i IN 0 .. 1 LOOP
		-- serial first: no parallel workers for the baseline nor the candidate
		IF i = 0 THEN SET LOCAL max_parallel_workers_per_gather = 0; ELSE RESET max_parallel_workers_per_gather; END IF;
		SELECT p_label || CASE WHEN i = 0 THEN ', serial' ELSE ', parallel' END, t.base, t.cand, round(t.cand / t.base, 2)
		INTO label, b, c, r FROM pg_temp.pair_ms(p_base, p_cand, p_reps) t;
		RETURN NEXT;
	END LOOP;
END $f$;
