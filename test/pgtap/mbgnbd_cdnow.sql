-- MBG/NBD acceptance on the CDNOW summary: the reference implementation's
-- estimates (lifetimes' ModifiedBetaGeoFitter: r 0.525, alpha 6.183,
-- a 0.891, b 1.614), parallel = serial, penalizer, clv() and
-- calibration_holdout with MBG/NBD, prediction invariants on the fitted
-- customers.  Skipped when the dataset is absent.
BEGIN;
SELECT plan(19);

CREATE FUNCTION pg_temp.mbgnbd_tests() RETURNS SETOF text
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
	f clientele.mbgnbd_params;
	fp clientele.mbgnbd_params;
	fpen clientele.mbgnbd_params;
	plan text;
	n_bad bigint;
BEGIN
	IF NOT test_data.available('cdnow') THEN
		RETURN NEXT skip('CDNOW dataset absent (../shared/datasets/cdnow): MBG/NBD acceptance tests skipped', 19);
		RETURN;
	END IF;
	f := (SELECT clientele.mbgnbd_fit(c.x, c.t_x, c.t) FROM test_data.cdnow_summary c);
	RETURN NEXT is(f.n, 2357::bigint, 'MBG/NBD fit on 2357 customers');
	RETURN NEXT ok(f.converged, format('MBG/NBD fit converged (%s iterations)', f.iterations));
	RETURN NEXT ok(abs(f.r - 0.525) < 5e-4, format('r = %s (lifetimes 0.525)', round(f.r::numeric, 4)));
	RETURN NEXT ok(abs(f.alpha - 6.183) < 5e-4, format('alpha = %s (lifetimes 6.183)', round(f.alpha::numeric, 4)));
	RETURN NEXT ok(abs(f.a - 0.891) < 5e-4, format('a = %s (lifetimes 0.891)', round(f.a::numeric, 4)));
	RETURN NEXT ok(abs(f.b - 1.614) < 5e-4, format('b = %s (lifetimes 1.614)', round(f.b::numeric, 4)));
	RETURN NEXT ok(abs(f.log_likelihood - (-9582.133)) < 1e-3, format('log-likelihood %s', round(f.log_likelihood::numeric, 3)));
	RETURN NEXT ok(f.se_r > 0 AND f.se_alpha > 0 AND f.se_a > 0 AND f.se_b > 0, 'standard errors');

	-- parallel: partial aggregates combined give the same fit
	ALTER FUNCTION clientele.fit_state_combine(clientele.fit_state, clientele.fit_state) COST 1;  -- forced parallel plan: its planner cost keeps small fits serial (rolled back)
	SET LOCAL max_parallel_workers_per_gather = 2;
	SET LOCAL parallel_setup_cost = 0;
	SET LOCAL parallel_tuple_cost = 0;
	SET LOCAL min_parallel_table_scan_size = 0;
	SET LOCAL parallel_leader_participation = off;
	EXECUTE 'EXPLAIN SELECT clientele.mbgnbd_fit(x, t_x, t) FROM test_data.cdnow_summary' INTO plan;
	FOR plan IN EXECUTE 'EXPLAIN SELECT clientele.mbgnbd_fit(x, t_x, t) FROM test_data.cdnow_summary' LOOP
		EXIT WHEN plan LIKE '%Partial Aggregate%';
	END LOOP;
	RETURN NEXT ok(plan LIKE '%Partial Aggregate%', 'the fit runs as a parallel partial aggregate');
	fp := (SELECT clientele.mbgnbd_fit(c.x, c.t_x, c.t) FROM test_data.cdnow_summary c);
	RETURN NEXT ok(fp.r = f.r AND fp.alpha = f.alpha AND fp.a = f.a AND fp.b = f.b AND fp.n = f.n,
		'parallel fit = serial fit');
	RESET max_parallel_workers_per_gather;
	RESET parallel_setup_cost;
	RESET parallel_tuple_cost;
	RESET min_parallel_table_scan_size;
	RESET parallel_leader_participation;

	fpen := (SELECT clientele.mbgnbd_fit(c.x, c.t_x, c.t, 0.01) FROM test_data.cdnow_summary c);
	RETURN NEXT ok(fpen.converged AND fpen.log_likelihood < f.log_likelihood,
		'a penalised fit converges below the maximum likelihood');

	-- invariants on every CDNOW customer
	SELECT count(*) INTO n_bad FROM test_data.cdnow_summary c
	WHERE NOT (clientele.mbgnbd_p_alive(f, c.x, c.t_x, c.t) BETWEEN 0 AND 1);
	RETURN NEXT is(n_bad, 0::bigint, 'P(alive) in [0, 1] for every customer');
	SELECT count(*) INTO n_bad FROM test_data.cdnow_summary c
	WHERE NOT (clientele.mbgnbd_expected_purchases(f, 39, c.x, c.t_x, c.t) >= 0
	           AND clientele.mbgnbd_expected_purchases(f, 52, c.x, c.t_x, c.t)
	               >= clientele.mbgnbd_expected_purchases(f, 39, c.x, c.t_x, c.t));
	RETURN NEXT is(n_bad, 0::bigint, 'expected purchases >= 0 and non-decreasing in the horizon for every customer');
	RETURN NEXT ok(abs((SELECT sum(clientele.mbgnbd_purchase_pmf(f, 39, k)) FROM generate_series(0, 200) k) - 1) < 1e-12,
		'the purchase pmf sums to 1');
	-- a one-off buyer is less likely alive than in BG/NBD (who cannot drop out before a repeat)
	RETURN NEXT ok(clientele.mbgnbd_p_alive(f, 0, 0, 38.86) < 1, 'P(alive) of a one-off buyer is below 1');

	-- clv with MBG/NBD: without discount it is spend * E[X(12 months)]
	RETURN NEXT ok(abs(clientele.clv(f, (SELECT clientele.gamma_gamma_fit(c.x, c.zbar) FROM test_data.cdnow_summary c),
	                                 2, 30.43, 38.86, 22.35, 12, 0, 4.345)
	               / (clientele.gamma_gamma_expected_spend((SELECT clientele.gamma_gamma_fit(c.x, c.zbar) FROM test_data.cdnow_summary c), 2, 22.35)
	                  * clientele.mbgnbd_expected_purchases(f, 12 * 4.345, 2, 30.43, 38.86)) - 1) < 1e-12,
		'clv(mbgnbd_params, ...) without discount = expected spend * expected purchases');
	RETURN NEXT ok(clientele.clv(f, (SELECT clientele.gamma_gamma_fit(c.x, c.zbar) FROM test_data.cdnow_summary c),
	                             2, 30.43, 38.86, 22.35, 12, 0.01, 4.345)
	               < clientele.clv(f, (SELECT clientele.gamma_gamma_fit(c.x, c.zbar) FROM test_data.cdnow_summary c),
	                               2, 30.43, 38.86, 22.35, 12, 0, 4.345),
		'discounting lowers the MBG/NBD clv');

	-- calibration/holdout with MBG/NBD
	RETURN NEXT is((SELECT sum(customers) FROM clientele.calibration_holdout('test_data.cdnow_transactions',
	                '1997-09-30', '1998-06-30', 'mbgnbd', time_column => 'purchased_on')), 2357::numeric,
		'calibration_holdout(..., ''mbgnbd'') covers the 2357 customers');
	RETURN NEXT ok((SELECT bool_and(predicted_mean >= 0 AND converged) FROM clientele.calibration_holdout('test_data.cdnow_transactions',
	                '1997-09-30', '1998-06-30', 'mbgnbd', time_column => 'purchased_on')),
		'calibration_holdout with MBG/NBD converges and predicts >= 0');
END $$;

SELECT * FROM pg_temp.mbgnbd_tests();
SELECT * FROM finish();
ROLLBACK;
