-- BG/NBD and Gamma-Gamma acceptance on the CDNOW sample (Fader, Hardie & Lee
-- 2005): published parameters, log-likelihood and predictions; parallel and
-- compressed fits give the same answer.  The fits on the data are skipped when
-- the dataset is absent; the checks of the published predictions are not.
BEGIN;
SELECT plan(32);

CREATE FUNCTION pg_temp.cdnow_tests() RETURNS SETOF text
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
	f clientele.bgnbd_params;
	g clientele.gamma_gamma_params;
	fp clientele.bgnbd_params;
	f3 clientele.bgnbd_params;
	pub clientele.bgnbd_params := ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	plan text;
	ts float8[] := '{0.1429, 1, 3, 31.8571, 32, 78}';
	e float8[] := '{0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576}';
	i int;
BEGIN
	-- the published predictions need the published parameters only, not the data
	RETURN NEXT ok(abs(clientele.bgnbd_expected_purchases(pub, 39, 2, 30.43, 38.86) - 1.226) <= 0.001,
		'E[X(39) | x=2, tx=30.43, T=38.86] = 1.226 with the published parameters');
	RETURN NEXT ok(abs(clientele.bgnbd_p_alive(pub, 2, 30.43, 38.86) - 0.7266) <= 0.001,
		'P(alive | x=2, tx=30.43, T=38.86) = 0.7266 with the published parameters');
	IF NOT test_data.available('cdnow') THEN
		RETURN NEXT skip('CDNOW dataset absent (../shared/datasets/cdnow): BG/NBD and Gamma-Gamma fits on the data skipped', 30);
		RETURN;
	END IF;
	f := (SELECT clientele.bgnbd_fit(c.x, c.t_x, c.t) FROM test_data.cdnow_summary c);
	RETURN NEXT is(f.n, 2357::bigint, 'BG/NBD fit on 2357 customers');
	RETURN NEXT ok(f.converged, format('BG/NBD fit converged (%s iterations)', f.iterations));
	RETURN NEXT ok(abs(f.r / 0.243 - 1) <= 0.01, format('r = %s within 1%% of 0.243', round(f.r::numeric, 4)));
	RETURN NEXT ok(abs(f.alpha / 4.414 - 1) <= 0.01, format('alpha = %s within 1%% of 4.414', round(f.alpha::numeric, 4)));
	RETURN NEXT ok(abs(f.a / 0.793 - 1) <= 0.01, format('a = %s within 1%% of 0.793', round(f.a::numeric, 4)));
	RETURN NEXT ok(abs(f.b / 2.426 - 1) <= 0.01, format('b = %s within 1%% of 2.426', round(f.b::numeric, 4)));
	RETURN NEXT ok(abs(f.log_likelihood + 9582.4) <= 0.1, format('log-likelihood %s = -9582.4 +- 0.1', round(f.log_likelihood::numeric, 3)));
	RETURN NEXT ok(f.se_r > 0 AND f.se_alpha > 0 AND f.se_a > 0 AND f.se_b > 0, 'standard errors are present');
	RETURN NEXT ok(f.se_r < f.r AND f.se_alpha < f.alpha, 'standard errors are smaller than the estimates');

	RETURN NEXT ok(abs(clientele.bgnbd_expected_purchases(f, 39, 2, 30.43, 38.86) - 1.226) <= 0.001,
		'... and 1.226 with the fitted ones');
	FOR i IN 1..6 LOOP
		RETURN NEXT ok(abs(clientele.bgnbd_expected_purchases_new(f, ts[i]) - e[i]) <= 0.001,
			format('E[X(%s)] = %s (got %s)', ts[i], e[i], round(clientele.bgnbd_expected_purchases_new(f, ts[i])::numeric, 4)));
	END LOOP;
	-- the model's expected repeat purchases over the calibration period match the data
	RETURN NEXT ok(abs((SELECT sum(clientele.bgnbd_expected_purchases_new(f, c.t)) FROM test_data.cdnow_summary c) / 2457 - 1) < 0.02,
		'sum over customers of E[X(T)] is within 2% of the 2457 observed repeat purchases');
	RETURN NEXT ok(abs((SELECT sum(clientele.bgnbd_purchase_pmf(f, 39, n)) FROM generate_series(0, 200) n) - 1) < 1e-9,
		'P(X(39) = n) sums to 1');

	-- compression: duplicating every customer 3 times changes n and LL only
	f3 := (SELECT clientele.bgnbd_fit(c.x, c.t_x, c.t) FROM test_data.cdnow_summary c, generate_series(1, 3));
	RETURN NEXT is(f3.n, 3 * 2357::bigint, 'tripled data: n = 7071');
	RETURN NEXT ok(abs(f3.r / f.r - 1) < 1e-6 AND abs(f3.b / f.b - 1) < 1e-5, 'tripled data: same estimates');
	RETURN NEXT ok(abs(f3.log_likelihood / f.log_likelihood - 3) < 1e-8, 'tripled data: 3 x the log-likelihood');
	RETURN NEXT ok(abs(f3.se_r * sqrt(3) / f.se_r - 1) < 1e-3, 'tripled data: standard errors / sqrt(3)');

	-- parallel: partial aggregates combined give the same fit
	ALTER FUNCTION clientele.fit_state_combine(clientele.fit_state, clientele.fit_state) COST 1;  -- forced parallel plan: its planner cost keeps small fits serial (rolled back)
	SET LOCAL max_parallel_workers_per_gather = 2;
	SET LOCAL parallel_setup_cost = 0;
	SET LOCAL parallel_tuple_cost = 0;
	SET LOCAL min_parallel_table_scan_size = 0;
	SET LOCAL parallel_leader_participation = off;
	SELECT string_agg(l, E'\n') INTO plan FROM (SELECT * FROM pg_temp.explain_lines()) s(l);
	RETURN NEXT ok(plan LIKE '%Partial Aggregate%', 'the fit runs as a parallel partial aggregate');
	fp := (SELECT clientele.bgnbd_fit(c.x, c.t_x, c.t) FROM test_data.cdnow_summary c);
	RETURN NEXT ok(fp.r = f.r AND fp.alpha = f.alpha AND fp.a = f.a AND fp.b = f.b AND fp.n = f.n,
		'parallel fit = serial fit');
	RESET max_parallel_workers_per_gather;
	RESET parallel_setup_cost;
	RESET parallel_tuple_cost;
	RESET min_parallel_table_scan_size;
	RESET parallel_leader_participation;

	-- Gamma-Gamma on the 946 repeat buyers
	g := (SELECT clientele.gamma_gamma_fit(c.x, c.zbar) FROM test_data.cdnow_summary c);
	RETURN NEXT is(g.n, 946::bigint, 'Gamma-Gamma fit on the 946 repeat buyers');
	RETURN NEXT ok(g.converged, 'Gamma-Gamma fit converged');
	RETURN NEXT ok(abs(g.p / 6.25 - 1) <= 0.01, format('p = %s within 1%% of 6.25', round(g.p::numeric, 4)));
	RETURN NEXT ok(abs(g.q / 3.74 - 1) <= 0.01, format('q = %s within 1%% of 3.74', round(g.q::numeric, 4)));
	RETURN NEXT ok(abs(g.v / 15.44 - 1) <= 0.01, format('v (gamma) = %s within 1%% of 15.44', round(g.v::numeric, 4)));
	RETURN NEXT ok(g.se_p > 0 AND g.se_q > 0 AND g.se_v > 0, 'Gamma-Gamma standard errors are present');
END $$;

-- EXPLAIN output as rows (EXECUTE ... INTO keeps only the first line)
CREATE FUNCTION pg_temp.explain_lines() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE l text;
BEGIN
	FOR l IN EXECUTE 'EXPLAIN (COSTS OFF) SELECT clientele.bgnbd_fit(x, t_x, t) FROM test_data.cdnow_summary' LOOP
		RETURN NEXT l;
	END LOOP;
END $$;

SELECT * FROM pg_temp.cdnow_tests();

SELECT * FROM finish();
ROLLBACK;
