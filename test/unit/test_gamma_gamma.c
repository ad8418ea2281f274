/*
 * test_gamma_gamma.c - unit tests of the Gamma-Gamma spend model
 * (src/core/gamma_gamma.c): analytic gradient, the published CDNOW fit
 * (946 repeat buyers: p = 6.25, q = 3.74, gamma = 15.44), expected spend,
 * and recovery of known parameters from simulated data.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "gamma_gamma.h"
#include "optim.h"
#include "models_sim.h"
#include "tap.h"

static const double PUB[3] = {6.25, 3.74, 15.44};

static double
ll_obj(const double *lp, double *g, void *ctx)
{
	double		p[3];
	int			i;

	for (i = 0; i < 3; i++)
		p[i] = exp(lp[i]);
	if (g)
		for (i = 0; i < 3; i++)
			g[i] = 0;
	return cl_gg_loglik_rows(p, (const ClFitRow *) ctx, 3, g);
}

static int
cmp_rows(const void *a, const void *b)
{
	const ClFitRow *x = a,
			   *y = b;

	if (x->x != y->x)
		return x->x < y->x ? -1 : 1;
	return (x->tx > y->tx) - (x->tx < y->tx);
}

int
main(void)
{
	CdnowRow  *cd = NULL;
	int			ncd = cdnow_read(&cd);
	int			i;

	{
		ClFitRow	rows[3] = {{1, 20.5, 0, 2}, {2, 35.1, 0, 1}, {7, 12.5, 0, 3}};
		double		lp[3] = {log(5.0), log(3.0), log(12.0)};
		double		g[3],
					gn[3];

		ll_obj(lp, g, rows);
		cl_optim_numgrad(ll_obj, rows, 3, lp, 1e-6, gn);
		for (i = 0; i < 3; i++)
			near(g[i], gn[i], 1e-6 * (1 + fabs(gn[i])), "Gamma-Gamma analytic gradient");
	}
	/* the fit's evaluation = the reference */
	{
		ClFitRow	rows[5] = {{1, 20.5, 0, 2}, {1, 31.0, 0, 1}, {2, 35.1, 0, 1}, {7, 12.5, 0, 3}, {7, 14.0, 0, 1}};
		double		g1[3] = {0, 0, 0},
					g2[3];
		double		l1 = cl_gg_loglik_rows(PUB, rows, 5, g1),
					l2 = cl_gg_loglik_fast(PUB, rows, 5, g2);

		rel_near(l2, l1, 1e-13, "Gamma-Gamma fast log-likelihood = reference");
		for (i = 0; i < 3; i++)
			rel_near(g2[i], g1[i], 1e-12, "Gamma-Gamma fast gradient = reference");
	}
	/* E[M | x, m] = p (v + x m) / (p x + q - 1) */
	near(cl_gg_expected_spend(PUB, 2, 22.35), 6.25 * (15.44 + 2 * 22.35) / (6.25 * 2 + 3.74 - 1), 1e-12,
		 "expected spend formula");
	near(cl_gg_expected_spend(PUB, 0, 0), 6.25 * 15.44 / 2.74, 1e-12,
		 "x = 0: the population mean p v / (q - 1)");
	{
		double		q[3] = {2.0, 0.8, 10.0};

		ok(isnan(cl_gg_expected_spend(q, 0, 0)), "infinite population mean (q <= 1) is NaN");
		ok(isfinite(cl_gg_expected_spend(q, 1, 5)), "but finite for a repeat customer");
	}
	/* the expected spend is a weighted mean of the population mean and m */
	{
		double		popm = cl_gg_expected_spend(PUB, 0, 0);
		double		e = cl_gg_expected_spend(PUB, 10, 50.0);

		ok(e > popm && e < 50.0, "shrinks m = 50 towards the population mean %g (got %g)", popm, e);
	}

	if (ncd == 0)
		ok(1, "# SKIP CDNOW dataset absent (../shared/datasets/cdnow)");
	else
	{
		ClFitRow  *rows = malloc(ncd * sizeof(ClFitRow));
		int			n = 0;
		ClModelFit fit;

		for (i = 0; i < ncd; i++)
			if (cd[i].x > 0)
			{
				rows[n].x = cd[i].x;
				rows[n].tx = cd[i].m;
				rows[n].T = 0;
				rows[n].count = 1;
				n++;
			}
		qsort(rows, n, sizeof(ClFitRow), cmp_rows);
		ok(n == 946, "946 repeat buyers");
		cl_gg_fit(rows, n, 0.0, &fit);
		ok(fit.converged, "CDNOW Gamma-Gamma fit converged (%d iterations)", fit.iterations);
		for (i = 0; i < 3; i++)
			rel_near(fit.p[i], PUB[i], 0.01, "CDNOW Gamma-Gamma parameter within 1% of the published value");
		printf("# CDNOW Gamma-Gamma: p %.5f q %.5f v %.5f LL %.4f se %.4f %.4f %.4f\n",
			   fit.p[0], fit.p[1], fit.p[2], fit.log_likelihood, fit.se[0], fit.se[1], fit.se[2]);
		free(rows);
	}

	{
		const double truth[3] = {4.0, 3.0, 20.0};
		int			n = 10000;
		ClFitRow  *rows = malloc(n * sizeof(ClFitRow));
		ClModelFit fit;

		sim_seed(4242);
		for (i = 0; i < n; i++)
		{
			int			x = 1 + (int) floor(sim_unif() * 8),
						j;
			double		nu = sim_gamma(truth[1], truth[2]),
						s = 0;

			for (j = 0; j < x; j++)
				s += sim_gamma(truth[0], nu);
			rows[i].x = x;
			rows[i].tx = s / x;
			rows[i].T = 0;
			rows[i].count = 1;
		}
		qsort(rows, n, sizeof(ClFitRow), cmp_rows);
		cl_gg_fit(rows, n, 0.0, &fit);
		ok(fit.converged, "simulated Gamma-Gamma fit converged");
		for (i = 0; i < 3; i++)
			ok(fabs(fit.p[i] - truth[i]) <= 3 * fit.se[i],
			   "simulated: parameter %d = %.4f within 3 se (%.4f) of %g", i, fit.p[i], fit.se[i], truth[i]);
		free(rows);
	}
	free(cd);
	return tap_done();
}
