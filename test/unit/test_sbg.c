/*
 * test_sbg.c - unit tests of src/core/sbg.c: survival identities, analytic
 * gradient, the published fits of Fader & Hardie (2007), DERL against a
 * direct sum, and recovery of known parameters from simulated cohorts.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sbg.h"
/* the shared helpers also hold a CDNOW reader this test does not use */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "models_sim.h"
#include "tap.h"

static const long regular[13] = {1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173};
static const long highend[13] = {1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394};

/* cells of years 0..k of a survivor curve */
static size_t
curve_cells(const long *surv, int k, ClSbgCell *cells)
{
	size_t		n = 0;

	for (int t = 1; t <= k; t++)
	{
		cells[n].period = t;
		cells[n].churned = (double) (surv[t - 1] - surv[t]);
		cells[n].alive = 0;
		cells[n].entered = 0;
		n++;
	}
	cells[n].period = k;
	cells[n].churned = 0;
	cells[n].alive = (double) surv[k];
	cells[n].entered = 0;
	return n + 1;
}

static void
test_identities(void)
{
	double		a = 0.704,
				b = 1.182,
				total = 0.0,
				prod = 1.0;
	int			ok_rec = 1;

	near(cl_sbg_log_survival(a, b, 0), 0.0, 0.0, "S(0) = 1");
	for (int t = 1; t <= 40; t++)
	{
		total += exp(cl_sbg_log_churn_pmf(a, b, t));
		prod *= cl_sbg_retention_rate(a, b, t);
		if (fabs(prod - exp(cl_sbg_log_survival(a, b, t))) > 1e-13)
			ok_rec = 0;
	}
	ok(ok_rec, "S(t) = product of retention rates r(1..t), t <= 40");
	near(total + exp(cl_sbg_log_survival(a, b, 40)), 1.0, 1e-13, "sum P(T = 1..40) + S(40) = 1");
	near(exp(cl_sbg_log_churn_pmf(a, b, 1)), a / (a + b), 1e-15, "P(T = 1) = alpha / (alpha + beta)");
	ok(cl_sbg_retention_rate(a, b, 2) > cl_sbg_retention_rate(a, b, 1), "retention rises with tenure (sorting)");
}

static void
test_gradient(void)
{
	ClSbgCell	cells[16];
	size_t		n = curve_cells(regular, 7, cells);
	double		x[2] = {log(0.5), log(2.0)},
				g[2];
	int			good = 1;

	/* add individual-style cells with other periods */
	cells[n].period = 3;
	cells[n].churned = 5;
	cells[n].alive = 7;
	cells[n].entered = 0;
	n++;
	/* and left-truncated ones */
	cells[n].period = 9;
	cells[n].churned = 4;
	cells[n].alive = 6;
	cells[n].entered = 4;
	n++;
	cl_sbg_loglik(exp(x[0]), exp(x[1]), cells, n, g);
	for (int k = 0; k < 2; k++)
	{
		double		h = 1e-6,
					xp[2] = {x[0], x[1]},
					xm[2] = {x[0], x[1]},
					fd;

		xp[k] += h;
		xm[k] -= h;
		fd = (cl_sbg_loglik(exp(xp[0]), exp(xp[1]), cells, n, NULL)
			  - cl_sbg_loglik(exp(xm[0]), exp(xm[1]), cells, n, NULL)) / (2 * h);
		if (fabs(fd - g[k]) > 1e-5 * fmax(1.0, fabs(fd)))
		{
			good = 0;
			printf("#   d/dlog p%d: analytic %.10g, numeric %.10g\n", k, g[k], fd);
		}
	}
	ok(good, "analytic gradient matches central differences");
}

static void
test_published(const long *surv, double alpha, double beta, const char *name)
{
	ClSbgCell	cells[16];
	size_t		n = curve_cells(surv, 7, cells);
	ClModelFit r;
	char		buf[128];

	ok(cl_sbg_fit(cells, n, 0.0, &r) == 0 && r.converged, "%s: fit converged", name);
	snprintf(buf, sizeof(buf), "%s: alpha within 0.5%% of %g (Fader & Hardie 2007)", name, alpha);
	rel_near(r.p[0], alpha, 0.005, buf);
	snprintf(buf, sizeof(buf), "%s: beta within 0.5%% of %g (Fader & Hardie 2007)", name, beta);
	rel_near(r.p[1], beta, 0.005, buf);
	ok(r.se[0] > 0 && r.se[1] > 0, "%s: standard errors are positive (%g, %g)", name, r.se[0], r.se[1]);
	/* projection error of years 8..12 stays small (the paper's figure) */
	{
		double		worst = 0.0;

		for (int t = 8; t <= 12; t++)
			worst = fmax(worst, fabs(1000.0 * exp(cl_sbg_log_survival(r.p[0], r.p[1], t)) - surv[t]) / surv[t]);
		ok(worst < 0.05, "%s: projected survivors of years 8..12 within 5%% of actual (worst %.3f)", name, worst);
	}
}

static double
derl_direct(double a, double b, double d, int renewals)
{
	double		s = 0.0,
				l0 = cl_sbg_log_survival(a, b, renewals);

	for (int k = 0; k < 200000; k++)
	{
		double		term = exp(cl_sbg_log_survival(a, b, renewals + 1 + k) - l0 - k * log1p(d));

		s += term;
		if (term < 1e-18 * s)
			break;
	}
	return s;
}

static void
test_derl(void)
{
	static const double cases[][4] = {
		{0.704, 1.182, 0.10, 0}, {0.704, 1.182, 0.10, 4}, {0.668, 3.806, 0.10, 0},
		{0.668, 3.806, 0.01, 10}, {2.5, 0.5, 0.05, 1}, {1.0, 1.0, 0.2, 0}, {0.3, 5.0, 0.02, 3}
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		char		buf[128];

		snprintf(buf, sizeof(buf), "DERL(alpha %g, beta %g, d %g, renewals %g) = direct sum",
				 cases[i][0], cases[i][1], cases[i][2], cases[i][3]);
		rel_near(cl_sbg_derl(cases[i][0], cases[i][1], cases[i][2], cases[i][3]),
				 derl_direct(cases[i][0], cases[i][1], cases[i][2], (int) cases[i][3]), 1e-10, buf);
	}
	/* geometric (homogeneous) limit: alpha, beta large with theta = 0.2 */
	{
		/* nearly no heterogeneity: the geometric limit rho / (1 - rho / (1 + d)) */
		double		rho = 2.61948e7 / (1.58e5 + 2.61948e7);

		rel_near(cl_sbg_derl(1.58e5, 2.61948e7, 0.01, 0), rho / (1 - rho / 1.01), 1e-4,
				 "DERL at alpha = 1.6e5, beta = 2.6e7 (2F1 out of reach): the geometric limit");
	}
	rel_near(cl_sbg_derl(2e5, 8e5, 0.1, 0), 0.8 / (1 - 0.8 / 1.1), 1e-4,
			 "DERL of a homogeneous cohort (theta = 0.2) = (1-theta)/(1-(1-theta)/(1+d))");
}

/* simulated individuals with staggered observation windows */
static void
test_recovery(void)
{
	const double alpha = 0.8,
				beta = 2.5;
	const int	ncust = 20000;
	static ClSbgCell cells[64];
	ClModelFit r;
	size_t		n = 0;

	sim_seed(20070101);
	for (int t = 0; t <= 24; t++)
	{
		cells[t].period = t;
		cells[t].churned = cells[t].alive = 0;
	}
	n = 25;
	for (int i = 0; i < ncust; i++)
	{
		double		theta = sim_beta(alpha, beta);
		int			window = 1 + (int) (sim_unif() * 24);	/* 1..24 periods observed */
		int			t;

		for (t = 1; t <= window; t++)
			if (sim_unif() < theta)
				break;
		if (t <= window)
			cells[t].churned += 1;
		else
			cells[window].alive += 1;
	}
	ok(cl_sbg_fit(cells, n, 0.0, &r) == 0 && r.converged, "simulated cohort: fit converged");
	ok(fabs(r.p[0] - alpha) < 3 * r.se[0],
	   "simulated cohort: alpha %.4f within 3 SE (%.4f) of %g", r.p[0], r.se[0], alpha);
	ok(fabs(r.p[1] - beta) < 3 * r.se[1],
	   "simulated cohort: beta %.4f within 3 SE (%.4f) of %g", r.p[1], r.se[1], beta);
	ok(r.se[0] < 0.1 * alpha && r.se[1] < 0.1 * beta,
	   "simulated cohort: standard errors are informative (< 10%%)");
}

/*
 * Left truncation: customers who joined long before observation began are
 * seen only if they survived to it.  Simulate joins spread over 36 periods
 * before a 24-period window; the truncated fit recovers the parameters, the
 * naive fit (tenure counted from joining, truncation ignored) does not.
 */
static void
test_truncation(void)
{
	const double alpha = 0.8,
				beta = 2.5;
	static ClSbgCell cells[4096];
	ClModelFit r,
				naive;
	size_t		n = 0;
	int			kept = 0;
	double		direct;

	sim_seed(20240101);
	for (int i = 0; i < 60000 && n < 4096; i++)
	{
		double		theta = sim_beta(alpha, beta);
		int			entered = (int) (sim_unif() * 36);	/* periods done before the window */
		int			end = entered + 24;
		int			t;

		for (t = 1; t <= end; t++)
			if (sim_unif() < theta)
				break;
		if (t <= entered)
			continue;			/* left before the window: never seen */
		cells[n].entered = entered;
		cells[n].period = t <= end ? t : end;
		cells[n].churned = t <= end ? 1 : 0;
		cells[n].alive = t <= end ? 0 : 1;
		n++;
		kept++;
	}
	ok(cl_sbg_fit(cells, n, 0.0, &r) == 0 && r.converged, "left-truncated sample (%d seen): fit converged", kept);
	ok(fabs(r.p[0] - alpha) < 3 * r.se[0] && fabs(r.p[1] - beta) < 3 * r.se[1],
	   "left truncation: alpha %.3f (SE %.3f), beta %.3f (SE %.3f) within 3 SE of %g, %g",
	   r.p[0], r.se[0], r.p[1], r.se[1], alpha, beta);
	for (size_t i = 0; i < n; i++)
		cells[i].entered = 0;
	cl_sbg_fit(cells, n, 0.0, &naive);
	ok(!naive.converged || fabs(naive.p[1] - beta) > 3 * naive.se[1] || fabs(naive.p[0] - alpha) > 3 * naive.se[0],
	   "ignoring the truncation misses the parameters (naive alpha %.3f, beta %.3f)", naive.p[0], naive.p[1]);

	/* the conditioning term is exactly -w log S(entered) */
	cells[0].period = 7;
	cells[0].churned = 2;
	cells[0].alive = 3;
	cells[0].entered = 0;
	direct = cl_sbg_loglik(0.9, 1.7, cells, 1, NULL);
	cells[0].entered = 5;
	near(cl_sbg_loglik(0.9, 1.7, cells, 1, NULL), direct - 5 * cl_sbg_log_survival(0.9, 1.7, 5), 1e-12,
		 "truncated log-likelihood = plain - (churned + alive) log S(entered)");
}

static void
test_penalizer_and_empty(void)
{
	ClSbgCell	cells[16];
	size_t		n = curve_cells(highend, 7, cells);
	ClModelFit r0,
				r1;

	cl_sbg_fit(cells, n, 0.0, &r0);
	cl_sbg_fit(cells, n, 0.1, &r1);
	ok(fabs(log(r1.p[0])) + fabs(log(r1.p[1])) < fabs(log(r0.p[0])) + fabs(log(r0.p[1])),
	   "penalizer shrinks the log-parameters towards 0");
	ok(r1.log_likelihood < r0.log_likelihood, "penalized fit has a lower likelihood");
	ok(cl_sbg_fit(cells, 0, 0.0, &r0) == -1, "no customers: -1");
}

int
main(void)
{
	test_identities();
	test_gradient();
	test_published(regular, 0.704, 1.182, "regular");
	test_published(highend, 0.668, 3.806, "high end");
	test_derl();
	test_recovery();
	test_truncation();
	test_penalizer_and_empty();
	return tap_done();
}
