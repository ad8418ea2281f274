/*
 * test_mbgnbd.c - unit tests of the MBG/NBD model (src/core/mbgnbd.c and
 * the MBG/NBD variant of the BG/NBD fit in src/core/bgnbd.c): the fast
 * likelihood against the direct one, its gradient, the CDNOW fit of the
 * reference implementation (lifetimes' ModifiedBetaGeoFitter: r 0.525,
 * alpha 6.183, a 0.891, b 1.614), and the identities of the predictions.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bgnbd.h"
#include "fitstate.h"
#include "mbgnbd.h"
#include "optim.h"
#include "models_sim.h"
#include "models_check.h"
#include "tap.h"

static ClFitRow grows[4] = {{0, 0, 38.86, 3}, {2, 30.43, 38.86, 1}, {7, 12.5, 20.0, 2}, {7, 20.0, 20.0, 1}};

static double
ll_obj(const double *lp, double *g, void *ctx)
{
	double		p[4];
	int			i;

	(void) ctx;
	for (i = 0; i < 4; i++)
		p[i] = exp(lp[i]);
	return cl_bgnbd_loglik_fast_variant(p, grows, 4, g, 1);
}

int
main(void)
{
	CdnowRow  *cd = NULL;
	int			ncd = cdnow_read(&cd);
	const double P[4] = {0.525, 6.183, 0.891, 1.614};
	int			i;

	/* fast grouped likelihood = sum of direct per-row likelihoods */
	{
		double		direct = 0,
					fast = cl_bgnbd_loglik_fast_variant(P, grows, 4, NULL, 1);

		for (i = 0; i < 4; i++)
			direct += grows[i].count * cl_mbgnbd_loglik(P, grows[i].x, grows[i].tx, grows[i].T);
		rel_near(fast, direct, 1e-13, "MBG/NBD grouped likelihood equals the direct sum");
	}
	/* analytic gradient against central differences */
	{
		double		lp[4] = {log(0.3), log(4.0), log(0.8), log(2.5)},
					err = grad_check4(ll_obj, lp);

		ok(err < 1e-6, "MBG/NBD analytic gradient matches central differences (max rel err %.2g)", err);
	}

	/* CDNOW acceptance */
	if (ncd == 0)
		ok(1, "# SKIP CDNOW dataset absent (../shared/datasets/cdnow)");
	else
	{
		uint32_t	cap = 8192,
					nr;
		ClFitState *st = malloc(cl_fitstate_size(cap));
		ClFitRow  *rows = malloc(sizeof(ClFitRow) * ncd);
		ClModelFit f;
		int			conv;

		cl_fitstate_init(st, CL_MODEL_MBGNBD, cap, 0);
		for (i = 0; i < ncd; i++)
			cl_fitstate_add(st, cd[i].x, cd[i].x == 0 ? 0 : cd[i].tx, cd[i].T, 1);
		nr = cl_fitstate_rows(st, rows);
		conv = cl_mbgnbd_fit(rows, nr, 0, &f);

		ok(conv, "MBG/NBD CDNOW fit converged (%d iterations)", f.iterations);
		printf("# r %.6f alpha %.6f a %.6f b %.6f LL %.4f\n", f.p[0], f.p[1], f.p[2], f.p[3], f.log_likelihood);
		near(f.p[0], 0.525, 5e-4, "CDNOW r = 0.525 (lifetimes)");
		near(f.p[1], 6.183, 5e-4, "CDNOW alpha = 6.183");
		near(f.p[2], 0.891, 5e-4, "CDNOW a = 0.891");
		near(f.p[3], 1.614, 5e-4, "CDNOW b = 1.614");
		ok(f.n == 2357 && f.se_ok, "n = 2357 and standard errors");
		free(st);
		free(rows);
	}

	/* predictions: identities and invariants */
	{
		double		s = 0,
					mean = 0,
					prev = 0,
					pmin = 1,
					pmax = 0;
		int			mono = 1;

		for (i = 0; i < 400; i++)
		{
			double		v = cl_mbgnbd_pmf(P, 39, i);

			s += v;
			mean += i * v;
			pmin = fmin(pmin, v);
			pmax = fmax(pmax, v);
		}
		near(s, 1.0, 1e-12, "pmf sums to 1 over n");
		rel_near(mean, cl_mbgnbd_expected_new(P, 39), 1e-10, "pmf mean = E[X(39)] of a new customer");
		ok(pmin >= 0 && pmax <= 1, "pmf in [0, 1]");
		for (i = 1; i <= 200; i++)
		{
			double		v = cl_mbgnbd_expected_cond(P, i * 0.5, 2, 30.43, 38.86);

			if (!(v >= prev))
				mono = 0;
			prev = v;
		}
		ok(mono, "conditional expectation non-decreasing in the horizon");
		ok(cl_mbgnbd_p_alive(P, 0, 0, 38.86) < 1 && cl_mbgnbd_p_alive(P, 0, 0, 38.86) > 0,
		   "P(alive) of a one-off buyer is below 1 (they may drop out at time 0)");
		rel_near(cl_mbgnbd_p_alive(P, 0, 0, 0), P[3] / (P[2] + P[3]), 1e-15,
				 "P(alive) at T = 0 = b/(a+b)");
		/* a = 1 is removable: continuity across it */
		{
			double		q[4] = {0.5, 6, 1.0, 1.6},
						q1[4] = {0.5, 6, 1.0 - 2e-4, 1.6},
						q2[4] = {0.5, 6, 1.0 + 2e-4, 1.6};
			double		v = cl_mbgnbd_expected_new(q, 39),
						v1 = cl_mbgnbd_expected_new(q1, 39),
						v2 = cl_mbgnbd_expected_new(q2, 39);

			ok(isfinite(v) && fabs(v - 0.5 * (v1 + v2)) < 1e-6 * v, "E[X(t)] continuous at a = 1 (%.10g)", v);
		}
		/* the integral form of the bracket agrees with the 2F1 form */
		{
			const double g[][5] = {{0.89, 2.6, 0.52, 6.2, 39}, {0.5, 3.0, 2.0, 10, 1}, {3.0, 8.0, 0.1, 50, 200},
			{1.5, 30.0, 5.0, 60, 10}, {0.2, 0.7, 12.0, 80, 78}, {20.0, 5.0, 0.3, 4, 500}};
			double		err = 0;

			for (i = 0; i < 6; i++)
			{
				double		v2 = cl_bgnbd_bracket(g[i][0], g[i][2], g[i][1], g[i][3], g[i][4]),
							vi = cl_mbgnbd_bracket_integral(g[i][0], g[i][1], g[i][2], g[i][3], g[i][4]);

				err = fmax(err, fabs(vi - v2) / v2);
			}
			ok(err < 1e-11, "bracket: integral = 2F1 form on 6 ordinary points (max rel err %.2g)", err);
		}
		/* where the 2F1 form fails: positive, monotone in the horizon, bounded */
		{
			const double bad[][4] = {{0.148637, 333.453, 1.72122, 3237.3}, {0.0286865, 36.9933, 0.0465884, 4232.55},
			{0.0305044, 0.452078, 1.02206, 8541.45}, {5679.73, 70.1934, 3.6504, 0.0502736}};
			int			good = 1;

			for (i = 0; i < 4; i++)
			{
				double		prev = 0;

				for (int k = 0; k <= 5; k++)
				{
					double		h = pow(10, k),
								e = cl_mbgnbd_expected_new(bad[i], h),
								c = cl_mbgnbd_expected_cond(bad[i], h, 3, 20, 40);

					if (!(e >= prev && isfinite(e) && c >= 0 && isfinite(c) &&
						  e <= bad[i][3] / (bad[i][2] + bad[i][3]) * bad[i][0] * h / bad[i][1] * (1 + 1e-12)))
						good = 0;
					prev = e;
				}
			}
			ok(good, "expectations stay finite, >= 0, monotone and below r t/alpha where the 2F1 form fails");
		}
		/* incomplete beta: I_z(1, b) = 1 - (1-z)^b, I_{1/2}(a, a) = 1/2 */
		rel_near(cl_mbgnbd_betainc(1, 3.5, 0.3), 1 - pow(0.7, 3.5), 1e-14, "I_z(1, b)");
		rel_near(cl_mbgnbd_betainc(7.5, 7.5, 0.5), 0.5, 1e-14, "I_1/2(a, a) = 1/2");
		/* pmf of n = 0 at t = 0, and NB tail via the pmf at a huge t */
		near(cl_mbgnbd_pmf(P, 0, 0), 1.0, 0, "P(X(0) = 0) = 1");
		/* CLV with a flat discount equals spend * E[X(months u)] */
		{
			double		gg[3] = {6.25, 3.74, 15.44};
			double		spend = 6.25 * (15.44 + 2 * 22.35) / (6.25 * 2 + 3.74 - 1);

			rel_near(cl_mbgnbd_clv(P, gg, 2, 30.43, 38.86, 22.35, 12, 0, 4.345),
					 spend * cl_mbgnbd_expected_cond(P, 12 * 4.345, 2, 30.43, 38.86), 1e-12,
					 "CLV without discount = spend * E[X(12 months)]");
		}
	}
	/* invariants on a random sample of the domain */
	{
		int			bad_p = 0,
					bad_e = 0,
					bad_n = 0,
					bad_pmf = 0;

		for (i = 0; i < 1000; i++)
		{
			double		q[4] = {sweep_lu(1e-2, 1e4), sweep_lu(1e-2, 1e4), sweep_lu(1e-2, 1e4), sweep_lu(1e-2, 1e4)};
			double		T = sweep_lu(1, 1e3),
						x = floor(sweep_lu(1, 1e3)) - 1,
						tx = x > 0 ? T * sweep_u() : 0,
						pa = cl_mbgnbd_p_alive(q, x, tx, T),
						pm = cl_mbgnbd_pmf(q, sweep_lu(0.1, 1e3), floor(sweep_lu(1, 100)) - 1),
						pc = 0,
						pn = 0;

			if (!(pa >= 0 && pa <= 1))
				bad_p++;
			if (!(pm >= 0 && pm <= 1))
				bad_pmf++;
			for (int k = 0; k <= 4; k++)
			{
				double		h = pow(10, k),
							ec = cl_mbgnbd_expected_cond(q, h, x, tx, T),
							en = cl_mbgnbd_expected_new(q, h);

				if (!(isfinite(ec) && ec >= pc * (1 - SWEEP_MONO_TOL)))
					bad_e++;
				if (!(isfinite(en) && en >= pn * (1 - SWEEP_MONO_TOL)))
					bad_n++;
				pc = ec;
				pn = en;
			}
		}
		ok(bad_p == 0 && bad_pmf == 0, "sweep: P(alive) and pmf in [0, 1] (1000 random points; %d, %d outside)", bad_p, bad_pmf);
		ok(bad_e == 0 && bad_n == 0, "sweep: expectations finite, >= 0, non-decreasing over horizons 1..1e4 (%d, %d failures)", bad_e, bad_n);
	}
	free(cd);
	return tap_done();
}
