/*
 * test_bgnbd.c - unit tests of the BG/NBD model (src/core/bgnbd.c):
 * analytic gradient, the published CDNOW fit and predictions (Fader, Hardie
 * & Lee 2005), probability identities, and recovery of known parameters
 * from simulated data.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bgnbd.h"
#include "fitstate.h"
#include "optim.h"
#include "models_sim.h"
#include "tap.h"

static const double FHL[4] = {0.243, 4.414, 0.793, 2.426};

/*
 * The unrounded maximum-likelihood estimates on CDNOW (this fit; lifetimes
 * reports the same to 4 digits): FHL 2005's E[X(t)] figures are computed
 * from these, the rounded ones above move E[X(78)] by 0.15 %.
 */
static const double MLE[4] = {0.2425929, 4.4135316, 0.7928861, 2.4257531};

/* build the compressed state from rows, then the sorted distinct rows */
static ClFitRow *
compress(const double (*xyz)[3], int n, uint32_t *nrows)
{
	uint32_t	cap = 64;
	ClFitState *st = malloc(cl_fitstate_size(cap));
	ClFitRow  *out;
	int			i;

	cl_fitstate_init(st, CL_MODEL_BGNBD, cap, 0);
	for (i = 0; i < n; i++)
	{
		if (cl_fitstate_needs_grow(st))
		{
			ClFitState *ns = malloc(cl_fitstate_size(cap * 2));

			cl_fitstate_init(ns, CL_MODEL_BGNBD, cap * 2, 0);
			cl_fitstate_merge(ns, st);
			free(st);
			st = ns;
			cap *= 2;
		}
		cl_fitstate_add(st, xyz[i][0], xyz[i][1], xyz[i][2], 1);
	}
	out = malloc((st->nentries + 1) * sizeof(ClFitRow));
	*nrows = cl_fitstate_rows(st, out);
	free(st);
	return out;
}

static double
ll_obj(const double *lp, double *g, void *ctx)
{
	double		p[4];
	int			i;

	for (i = 0; i < 4; i++)
		p[i] = exp(lp[i]);
	if (g)
		for (i = 0; i < 4; i++)
			g[i] = 0;
	return cl_bgnbd_loglik_rows(p, (const ClFitRow *) ctx, 3, g);
}

int
main(void)
{
	CdnowRow  *cd = NULL;
	int			ncd = cdnow_read(&cd);
	int			i;

	/* gradient of the log-likelihood against central differences */
	{
		ClFitRow	rows[3] = {{0, 0, 38.86, 2}, {2, 30.43, 38.86, 1}, {7, 12.5, 20.0, 3}};
		double		lp[4] = {log(0.3), log(4.0), log(0.8), log(2.5)};
		double		g[4],
					gn[4];

		ll_obj(lp, g, rows);
		cl_optim_numgrad(ll_obj, rows, 4, lp, 1e-6, gn);
		for (i = 0; i < 4; i++)
			near(g[i], gn[i], 1e-6 * (1 + fabs(gn[i])), "BG/NBD analytic gradient");
	}
	/* the fit's fast evaluation (distinct T/tx tables, x groups) = the reference */
	{
		ClFitRow	rows[7] = {{0, 0, 20.0, 3}, {0, 0, 38.86, 2}, {1, 5.0, 38.86, 1}, {2, 5.0, 20.0, 4},
		{2, 30.43, 38.86, 1}, {7, 12.5, 20.0, 3}, {7, 20.0, 38.86, 1}};
		double		g1[4] = {0, 0, 0, 0},
					g2[4];
		double		l1 = cl_bgnbd_loglik_rows(FHL, rows, 7, g1);
		double		l2 = cl_bgnbd_loglik_fast(FHL, rows, 7, g2);

		rel_near(l2, l1, 1e-13, "fast log-likelihood = reference");
		for (i = 0; i < 4; i++)
			rel_near(g2[i], g1[i], 1e-12, "fast gradient = reference");
	}
	/* ... also on groups large enough for the per-x exponential tables */
	{
		ClFitRow	rows[400];
		double		g1[4] = {0, 0, 0, 0},
					g2[4],
					l1,
					l2;
		int			n = 0,
					x,
					k;

		for (x = 0; x < 8; x++)
			for (k = 0; k < 50; k++)
			{
				rows[n].x = x;
				rows[n].T = 20.0 + (k % 3) * 9.5;
				rows[n].tx = x == 0 ? 0.0 : rows[n].T * (k % 10 + 1) / 11.0;
				rows[n].count = 1 + k % 4;
				n++;
			}
		l1 = cl_bgnbd_loglik_rows(FHL, rows, n, g1);
		l2 = cl_bgnbd_loglik_fast(FHL, rows, n, g2);
		rel_near(l2, l1, 1e-13, "fast log-likelihood (tables) = reference");
		for (i = 0; i < 4; i++)
			rel_near(g2[i], g1[i], 1e-12, "fast gradient (tables) = reference");
	}
	/* with the published parameters (FHL 2005, and lifetimes' test values) */
	near(cl_bgnbd_expected_cond(FHL, 39, 2, 30.43, 38.86), 1.226, 0.001,
		 "E[X(39) | x=2, tx=30.43, T=38.86] = 1.226");
	near(cl_bgnbd_p_alive(FHL, 2, 30.43, 38.86), 0.7266, 0.001, "P(alive) = 0.7266");
	{
		const double t[6] = {0.1429, 1, 3, 31.8571, 32, 78};
		const double want[6] = {0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576};

		for (i = 0; i < 6; i++)
		{
			char		name[64];

			snprintf(name, sizeof(name), "E[X(%g)] = %g (published, +- 0.001)", t[i], want[i]);
			near(cl_bgnbd_expected_new(MLE, t[i]), want[i], 0.001, name);
		}
		/* the same from mpmath (30 digits) with the same parameters */
		rel_near(cl_bgnbd_expected_new(MLE, 78), 1.85797169665867505090, 1e-10, "E[X(78)] vs mpmath");
		rel_near(cl_bgnbd_expected_new(MLE, 3), 0.150631923879503651464, 1e-10, "E[X(3)] vs mpmath");
		rel_near(cl_bgnbd_expected_new(MLE, 1e-6), 5.4965708546738454e-8, 1e-12,
				 "E[X(1e-6)] vs mpmath (short-horizon series, no cancellation)");
		rel_near(cl_bgnbd_expected_cond(MLE, 0.001, 5, 30, 38.86), 8.5915438039484851e-5, 1e-12,
				 "E[X(0.001) | x=5, tx=30, T=38.86] vs mpmath");
		{
			/* the short-horizon series and the 2F1 form meet continuously */
			double		tt = 0.5 * MLE[1] / (MLE[0] + 1.0);

			rel_near(cl_bgnbd_expected_new(MLE, tt * (1 - 1e-12)), cl_bgnbd_expected_new(MLE, tt * (1 + 1e-12)),
					 1e-10, "E[X(t)] continuous where the method changes");
		}
	}
	ok(cl_bgnbd_p_alive(FHL, 0, 0, 38.86) == 1.0, "P(alive) with no repeat purchase is 1");
	near(cl_bgnbd_expected_cond(FHL, 0, 2, 30.43, 38.86), 0.0, 0, "E[X(0)] = 0");
	/* the pmf sums to 1 and its mean is E[X(t)] */
	{
		double		s = 0,
					m = 0;
		int			n;

		for (n = 0; n < 400; n++)
		{
			double		pn = cl_bgnbd_pmf(FHL, 52, n);

			s += pn;
			m += n * pn;
		}
		near(s, 1.0, 1e-9, "sum of P(X(52) = n) is 1");
		near(m, cl_bgnbd_expected_new(FHL, 52), 1e-7, "mean of the pmf is E[X(52)]");
		near(cl_bgnbd_pmf(FHL, 0, 0), 1.0, 0, "P(X(0) = 0) = 1");
	}
	/* E[X(t)|x=0, T=0] is the unconditional E[X(t)] */
	near(cl_bgnbd_expected_cond(FHL, 20, 0, 0, 0), cl_bgnbd_expected_new(FHL, 20), 1e-12,
		 "conditional expectation at T = 0 is the unconditional one");
	/* a = 1 is a removable singularity: continuous across it */
	{
		double		q[4] = {0.3, 5, 1.0, 2.0},
					lo,
					hi,
					mid;

		mid = cl_bgnbd_expected_new(q, 30);
		q[2] = 1.0 - 2e-4;
		lo = cl_bgnbd_expected_new(q, 30);
		q[2] = 1.0 + 2e-4;
		hi = cl_bgnbd_expected_new(q, 30);
		ok(isfinite(mid) && fabs(mid - (lo + hi) / 2) < 1e-6, "E[X(t)] is continuous at a = 1 (%g)", mid);
		q[2] = 1.0;
		mid = cl_bgnbd_expected_cond(q, 30, 3, 20, 30);
		q[2] = 1.0 - 2e-4;
		lo = cl_bgnbd_expected_cond(q, 30, 3, 20, 30);
		q[2] = 1.0 + 2e-4;
		hi = cl_bgnbd_expected_cond(q, 30, 3, 20, 30);
		ok(isfinite(mid) && fabs(mid - (lo + hi) / 2) < 1e-6, "conditional E is continuous at a = 1 (%g)", mid);
	}

	/* the CDNOW fit */
	if (ncd == 0)
		ok(1, "# SKIP CDNOW dataset absent (../shared/datasets/cdnow)");
	else
	{
		double		(*xyz)[3] = malloc(ncd * sizeof(*xyz));
		uint32_t	nr;
		ClFitRow  *rows;
		ClModelFit fit;

		for (i = 0; i < ncd; i++)
		{
			xyz[i][0] = cd[i].x;
			xyz[i][1] = cd[i].tx;
			xyz[i][2] = cd[i].T;
		}
		rows = compress((const double (*)[3]) xyz, ncd, &nr);
		ok(ncd == 2357, "CDNOW has 2357 customers");
		ok(nr < (uint32_t) ncd, "compression: %u distinct rows of %d", nr, ncd);
		cl_bgnbd_fit(rows, nr, 0.0, &fit);
		ok(fit.converged, "CDNOW fit converged in %d iterations", fit.iterations);
		for (i = 0; i < 4; i++)
			rel_near(fit.p[i], FHL[i], 0.01, "CDNOW parameter within 1% of the published value");
		near(fit.log_likelihood, -9582.4, 0.1, "CDNOW log-likelihood -9582.4");
		ok(fit.se_ok && fit.se[0] > 0 && fit.se[0] < 0.1, "standard errors computed (se r = %g)", fit.se[0]);
		printf("# CDNOW: r %.7f alpha %.7f a %.7f b %.7f LL %.5f; se %.4f %.4f %.4f %.4f\n",
			   fit.p[0], fit.p[1], fit.p[2], fit.p[3], fit.log_likelihood,
			   fit.se[0], fit.se[1], fit.se[2], fit.se[3]);
		/* the penalizer shrinks log-parameters towards 0 */
		{
			ClModelFit pf;
			double		s0 = 0,
						s1 = 0;

			cl_bgnbd_fit(rows, nr, 0.1, &pf);
			for (i = 0; i < 4; i++)
			{
				s0 += log(fit.p[i]) * log(fit.p[i]);
				s1 += log(pf.p[i]) * log(pf.p[i]);
			}
			ok(pf.converged && s1 < s0, "penalizer shrinks |log p| (%g < %g)", s1, s0);
		}
		free(rows);
		free(xyz);
	}

	/* recover known parameters from simulated data */
	{
		const double truth[4] = {0.5, 6.0, 0.7, 2.5};
		int			n = 20000;
		double		(*xyz)[3] = malloc(n * sizeof(*xyz));
		uint32_t	nr;
		ClFitRow  *rows;
		ClModelFit fit;

		sim_seed(20260101);
		for (i = 0; i < n; i++)
		{
			double		lambda = sim_gamma(truth[0], truth[1]);
			double		p = sim_beta(truth[2], truth[3]);
			double		T = 26.0 + floor(sim_unif() * 14.0);
			double		t = 0,
						tx = 0,
						x = 0;

			for (;;)
			{
				t += sim_exp(lambda);
				if (t > T)
					break;
				x += 1;
				tx = t;
				if (sim_unif() < p)
					break;
			}
			/* the summary is rounded to 2 decimals, like the CDNOW one */
			xyz[i][0] = x;
			xyz[i][1] = round(tx * 100) / 100;
			xyz[i][2] = T;
		}
		rows = compress((const double (*)[3]) xyz, n, &nr);
		cl_bgnbd_fit(rows, nr, 0.0, &fit);
		ok(fit.converged, "simulated BG/NBD fit converged");
		for (i = 0; i < 4; i++)
		{
			ok(fabs(fit.p[i] - truth[i]) <= 3 * fit.se[i],
			   "simulated: parameter %d = %.4f within 3 se (%.4f) of %g", i, fit.p[i], fit.se[i], truth[i]);
		}
		free(rows);
		free(xyz);
	}
	free(cd);
	return tap_done();
}
