-- Timing helpers of the benchmarks (bench/lifecycle.sh, bench/churn.sh,
-- bench/models.sh, bench/value.sh),
-- fed to psql before their measurements (elapsed times, best of reps):
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
--   pg_temp.cpu_row(label, baseline, candidate, reps): serial, the CPU time
--     the backend spent per run (user + system, from /proc/self/stat, 10 ms
--     ticks; the baseline repeated until it has used 1 s), which a loaded
--     machine disturbs far less than the elapsed time; a row of NULLs where
--     /proc/self/stat cannot be read (not Linux, or not a superuser).
CREATE OR REPLACE FUNCTION pg_temp.cpu_ms() RETURNS numeric LANGUAGE plpgsql AS $f$
BEGIN
	RETURN (SELECT (split_part(x, ' ', 14)::numeric + split_part(x, ' ', 15)::numeric) * 10
	        FROM pg_read_file('/proc/self/stat') x);
EXCEPTION WHEN OTHERS THEN
	RETURN NULL;
END $f$;
CREATE OR REPLACE FUNCTION pg_temp.cpu_row(p_label text, p_base text, p_cand text, p_reps int) RETURNS TABLE (label text, b numeric, c numeric, r numeric)
LANGUAGE plpgsql AS $f$
DECLARE c0 numeric; n int := 0;
BEGIN
	SET LOCAL max_parallel_workers_per_gather = 0;
	label := p_label || ', serial, CPU ms per run';
	c0 := pg_temp.cpu_ms();
	IF c0 IS NULL THEN
		RETURN NEXT;
		RETURN;
	END IF;
	LOOP
		EXECUTE p_base;
		n := n + 1;
		EXIT WHEN pg_temp.cpu_ms() - c0 >= 1000 OR n >= 1000;
	END LOOP;
	b := round((pg_temp.cpu_ms() - c0) / n, 1);
	c0 := pg_temp.cpu_ms();
	FOR i IN 1 .. p_reps LOOP
		EXECUTE p_cand;
	END LOOP;
	c := round((pg_temp.cpu_ms() - c0) / p_reps, 1);
	r := round(c / nullif(b, 0), 2);
	RETURN NEXT;
END $f$;
