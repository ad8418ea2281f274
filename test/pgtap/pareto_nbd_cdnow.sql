-- Pareto/NBD acceptance on the CDNOW sample: lifetimes' documented estimates
-- (r = 0.55, alpha = 10.58, s = 0.61, beta = 11.67, log-likelihood about
-- -9595), prediction identities, compression and parallel aggregation.
-- The fits on the data are skipped when the dataset is absent; the
-- prediction identities at the documented estimates are not.
BEGIN;
SELECT plan(22);

CREATE FUNCTION pg_temp.pnbd_cdnow_tests() RETURNS SETOF text
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
	f clientele.pareto_nbd_params;
	f3 clientele.pareto_nbd_params;
	fp clientele.pareto_nbd_params;
	pub clientele.pareto_nbd_params := ROW(0.55, 10.58, 0.61, 11.67, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	plan text;
BEGIN
	-- identities of the predictions at the documented estimates need no data
	RETURN NEXT ok(clientele.pareto_nbd_p_alive(pub, 2, 38.86, 38.86) = 1, 'P(alive) = 1 when the last purchase is at t (documented estimates)');
	RETURN NEXT ok(clientele.pareto_nbd_p_alive(pub, 2, 10, 38.86) < clientele.pareto_nbd_p_alive(pub, 2, 30, 38.86),
		'P(alive) rises with recency');
	RETURN NEXT ok(abs((SELECT sum(clientele.pareto_nbd_purchase_pmf(pub, 39, n)) FROM generate_series(0, 200) n) - 1) < 1e-9,
		'P(X(39) = n) sums to 1');
	RETURN NEXT ok(abs((SELECT sum(n * clientele.pareto_nbd_purchase_pmf(pub, 39, n)) FROM generate_series(0, 400) n)
	                   - clientele.pareto_nbd_expected_purchases_new(pub, 39)) < 1e-8,
		'the mean of P(X(39) = n) is E[X(39)]');
	IF NOT test_data.available('cdnow') THEN
		RETURN NEXT skip('CDNOW dataset absent (../shared/datasets/cdnow): Pareto/NBD fits on the data skipped', 18);
		RETURN;
	END IF;
	f := (SELECT clientele.pareto_nbd_fit(c.x, c.t_x, c.t) FROM test_data.cdnow_summary c);
	RETURN NEXT is(f.n, 2357::bigint, 'Pareto/NBD fit on 2357 customers');
	RETURN NEXT ok(f.converged, format('Pareto/NBD fit converged (%s iterations)', f.iterations));
	RETURN NEXT ok(abs(f.r / 0.55 - 1) <= 0.01, format('r = %s within 1%% of 0.55', round(f.r::numeric, 4)));
	RETURN NEXT ok(abs(f.alpha / 10.58 - 1) <= 0.01, format('alpha = %s within 1%% of 10.58', round(f.alpha::numeric, 4)));
	RETURN NEXT ok(abs(f.s / 0.61 - 1) <= 0.01, format('s = %s within 1%% of 0.61', round(f.s::numeric, 4)));
	RETURN NEXT ok(abs(f.beta / 11.67 - 1) <= 0.01, format('beta = %s within 1%% of 11.67', round(f.beta::numeric, 4)));
	RETURN NEXT ok(abs(f.log_likelihood + 9595) <= 0.5, format('log-likelihood %s = -9595 +- 0.5', round(f.log_likelihood::numeric, 3)));
	RETURN NEXT ok(f.se_r > 0 AND f.se_alpha > 0 AND f.se_s > 0 AND f.se_beta > 0, 'standard errors are present');
	-- s and beta are weakly identified on CDNOW; r and alpha are sharp
	RETURN NEXT ok(f.se_r < 0.1 * f.r AND f.se_alpha < 0.1 * f.alpha, 'r and alpha have standard errors below 10%');

	-- predictions
	RETURN NEXT ok(clientele.pareto_nbd_p_alive(f, 2, 30.43, 38.86) BETWEEN 0.5 AND 1,
		format('P(alive | 2, 30.43, 38.86) = %s', round(clientele.pareto_nbd_p_alive(f, 2, 30.43, 38.86)::numeric, 4)));
	RETURN NEXT ok(abs((SELECT sum(clientele.pareto_nbd_expected_purchases_new(f, c.t)) FROM test_data.cdnow_summary c) / 2457 - 1) < 0.05,
		format('sum over customers of E[X(T)] = %s is within 5%% of the 2457 observed repeat purchases',
			round((SELECT sum(clientele.pareto_nbd_expected_purchases_new(f, c.t)) FROM test_data.cdnow_summary c)::numeric, 1)));
	-- the model reproduces the calibration frequency distribution (zeros)
	RETURN NEXT ok(abs((SELECT avg(clientele.pareto_nbd_purchase_pmf(f, c.t, 0)) FROM test_data.cdnow_summary c) - 1411.0 / 2357) < 0.02,
		'expected share of customers without a repeat purchase is within 0.02 of the observed 1411/2357');

	-- compression: tripling every customer changes n and LL only
	f3 := (SELECT clientele.pareto_nbd_fit(c.x, c.t_x, c.t) FROM test_data.cdnow_summary c, generate_series(1, 3));
	RETURN NEXT is(f3.n, 3 * 2357::bigint, 'tripled data: n = 7071');
	RETURN NEXT ok(abs(f3.r / f.r - 1) < 1e-5 AND abs(f3.beta / f.beta - 1) < 1e-4, 'tripled data: same estimates');
	RETURN NEXT ok(abs(f3.log_likelihood / f.log_likelihood - 3) < 1e-8, 'tripled data: 3 x the log-likelihood');

	-- parallel: partial aggregates combined give the same fit
	ALTER FUNCTION clientele.fit_state_combine(clientele.fit_state, clientele.fit_state) COST 1;  -- forced parallel plan: its planner cost keeps small fits serial (rolled back)
	SET LOCAL max_parallel_workers_per_gather = 2;
	SET LOCAL parallel_setup_cost = 0;
	SET LOCAL parallel_tuple_cost = 0;
	SET LOCAL min_parallel_table_scan_size = 0;
	CREATE TABLE public.pnbd_big AS SELECT c.x, c.t_x, c.t FROM test_data.cdnow_summary c, generate_series(1, 3);
	ANALYZE public.pnbd_big;
	SELECT string_agg(l, E'\n') INTO plan FROM (SELECT * FROM pg_temp.explain_lines('SELECT clientele.pareto_nbd_fit(x, t_x, t) FROM public.pnbd_big')) e(l);
	RETURN NEXT ok(plan LIKE '%Partial Aggregate%', 'the planner uses a partial (parallel) aggregate');
	fp := (SELECT clientele.pareto_nbd_fit(x, t_x, t) FROM public.pnbd_big);
	RETURN NEXT ok(fp.n = f3.n AND abs(fp.r / f3.r - 1) < 1e-9 AND abs(fp.beta / f3.beta - 1) < 1e-9,
		'parallel fit = serial fit');
	RETURN NEXT ok(abs(fp.log_likelihood - f3.log_likelihood) < 1e-6, 'parallel log-likelihood = serial');
END $$;

CREATE FUNCTION pg_temp.explain_lines(q text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
	FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
		RETURN NEXT r."QUERY PLAN";
	END LOOP;
END $$;

SELECT * FROM pg_temp.pnbd_cdnow_tests();

SELECT * FROM finish();
ROLLBACK;
