/*
 * test_pareto_nbd.c - unit tests of src/core/pareto_nbd.c: the quadrature
 * likelihood against the 2F1 form of Fader & Hardie (2005), the analytic
 * gradient, predictions (P(alive), conditional and unconditional
 * expectations, the purchase pmf against its 2F1 closed form), the CDNOW fit
 * (skipped when $CLIENTELE_DATASETS/cdnow is absent) and recovery of known
 * parameters from simulated customers.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pareto_nbd.h"
#include "models_sim.h"
#include "tap.h"

/* lifetimes' documented estimates on CDNOW (weeks) */
static const double P_CDNOW[4] = {0.55, 10.58, 0.61, 11.67};

static const double cases[][3] = {
	{0, 0, 38.86}, {2, 30.43, 38.86}, {1, 1, 1}, {10, 35, 38}, {30, 37, 38.86},
	{5, 20, 20.01}, {0, 0, 0.5}, {3, 10, 78}, {7, 38.86, 38.86}, {100, 50, 200}
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void
test_likelihood_forms(void)
{
	static const double params[][4] = {
		{0.5533, 10.5776, 0.6061, 11.6679},	/* alpha < beta */
		{0.243, 4.414, 0.793, 2.426},	/* alpha > beta */
		{2.0, 1.0, 5.0, 30.0},	/* s + 1 > r + x for small x */
		{0.8, 7.0, 1.0, 7.0}	/* alpha = beta, s = 1 */
	};

	for (size_t k = 0; k < 4; k++)
	{
		int			good = 1;

		for (size_t i = 0; i < NCASES; i++)
		{
			double		a = cl_pnbd_loglik_one(params[k], cases[i][0], cases[i][1], cases[i][2], NULL, NULL),
						b = cl_pnbd_loglik_2f1(params[k], cases[i][0], cases[i][1], cases[i][2]);

			if (!(fabs(a - b) <= 1e-9 * fmax(1.0, fabs(b))))
			{
				good = 0;
				printf("#   params %zu case %zu: quadrature %.15g, 2F1 %.15g\n", k, i, a, b);
			}
		}
		ok(good, "likelihood: quadrature form = 2F1 form (parameter set %zu, %zu customers)", k, NCASES);
	}
}

static void
test_gradient(void)
{
	int			good = 1;

	for (size_t i = 0; i < NCASES; i++)
	{
		double		g[4];

		cl_pnbd_loglik_one(P_CDNOW, cases[i][0], cases[i][1], cases[i][2], g, NULL);
		for (int k = 0; k < 4; k++)
		{
			double		p[4],
						h = 1e-6 * P_CDNOW[k],
						fp,
						fm,
						fd;

			memcpy(p, P_CDNOW, sizeof(p));
			p[k] += h;
			fp = cl_pnbd_loglik_one(p, cases[i][0], cases[i][1], cases[i][2], NULL, NULL);
			p[k] -= 2 * h;
			fm = cl_pnbd_loglik_one(p, cases[i][0], cases[i][1], cases[i][2], NULL, NULL);
			fd = (fp - fm) / (2 * h);
			if (fabs(fd - g[k]) > 1e-6 * fmax(1.0, fabs(fd)))
			{
				good = 0;
				printf("#   case %zu d/dp%d: analytic %.10g, numeric %.10g\n", i, k, g[k], fd);
			}
		}
	}
	ok(good, "analytic gradient matches central differences on %zu customers", NCASES);
}

/* the grouped (cumulated) likelihood of many rows = the sum of single rows */
static void
test_grouped(void)
{
	ClFitRow	rows[NCASES + 6];
	size_t		n = 0;
	double		g[4],
				gsum[4] = {0, 0, 0, 0},
				llsum = 0.0,
				ll;
	int			good = 1;

	for (size_t i = 0; i < NCASES; i++, n++)
	{
		rows[n].x = cases[i][0];
		rows[n].tx = cases[i][1];
		rows[n].T = cases[i][2];
		rows[n].count = 1 + (double) (i % 3);
	}
	/* same x as other rows, shared and nested points */
	rows[n++] = (ClFitRow) {2, 10.0, 38.86, 4};
	rows[n++] = (ClFitRow) {2, 30.43, 31.0, 1};
	rows[n++] = (ClFitRow) {2, 38.86, 38.86, 2};
	rows[n++] = (ClFitRow) {0, 0, 38.86, 7};
	rows[n++] = (ClFitRow) {10, 0.5, 35, 1};
	rows[n++] = (ClFitRow) {10, 20, 78, 1};
	for (size_t i = 0; i < n; i++)
	{
		llsum += rows[i].count * cl_pnbd_loglik_one(P_CDNOW, rows[i].x, rows[i].tx, rows[i].T, g, NULL);
		for (int k = 0; k < 4; k++)
			gsum[k] += rows[i].count * g[k] * P_CDNOW[k];
	}
	ll = cl_pnbd_loglik(P_CDNOW, rows, n, g);
	rel_near(ll, llsum, 1e-11, "grouped likelihood of 16 rows = sum of single-row likelihoods");
	for (int k = 0; k < 4; k++)
		if (fabs(g[k] - gsum[k]) > 1e-8 * fmax(1.0, fabs(gsum[k])))
		{
			good = 0;
			printf("#   d/dlog p%d: grouped %.12g, rows %.12g\n", k, g[k], gsum[k]);
		}
	ok(good, "grouped gradient = sum of single-row gradients");
}

/*
 * Both forms of the grouped likelihood (cl_pnbd_loglik_data): frequencies
 * whose terms span more than the linear form allows (x = 400 over a long
 * period: the log form) next to ordinary ones, with gaps of every length
 * (3-, 4- and 6-point rules, split and adaptive intervals), against the sum
 * of single rows; and a parameter set with alpha > beta.
 */
static void
test_grouped_forms(void)
{
	static const double params[][4] = {
		{0.5533, 10.5776, 0.6061, 11.6679},
		{1.03, 24.7, 17.7, 1281.5},
		{0.243, 4.414, 0.793, 2.426}
	};
	ClFitRow	rows[200];
	size_t		n = 0;

	for (int i = 0; i < 40; i++)
	{
		double		T = 2.0 + i * i * 0.25,
					f = (double) (i % 7) / 7.0;

		rows[n++] = (ClFitRow) {0, 0, T, 1 + i % 3};
		rows[n++] = (ClFitRow) {1 + i % 4, f * T, T, 1};
		rows[n++] = (ClFitRow) {30, T * (0.5 + f / 2), T, 2};
		rows[n++] = (ClFitRow) {400, f * T, T, 1};
		rows[n++] = (ClFitRow) {400, T - 1.0 / 7.0, T, 1};
	}
	for (size_t k = 0; k < 3; k++)
	{
		double		g[4],
					gsum[4] = {0, 0, 0, 0},
					llsum = 0.0,
					ll;
		int			good = 1;
		char		name[128];

		for (size_t i = 0; i < n; i++)
		{
			llsum += rows[i].count * cl_pnbd_loglik_one(params[k], rows[i].x, rows[i].tx, rows[i].T, g, NULL);
			for (int j = 0; j < 4; j++)
				gsum[j] += rows[i].count * g[j] * params[k][j];
		}
		ll = cl_pnbd_loglik(params[k], rows, n, g);
		snprintf(name, sizeof(name), "linear and log forms: grouped likelihood of %zu rows = sum of single rows (set %zu)", n, k);
		rel_near(ll, llsum, 1e-11, name);
		for (int j = 0; j < 4; j++)
			if (fabs(g[j] - gsum[j]) > 1e-8 * fmax(1.0, fabs(gsum[j])))
			{
				good = 0;
				printf("#   set %zu d/dlog p%d: grouped %.12g, rows %.12g\n", k, j, g[j], gsum[j]);
			}
		ok(good, "linear and log forms: grouped gradient = sum of single-row gradients (set %zu)", k);
	}
}

static void
test_predictions(void)
{
	double		p2[4] = {0.8, 5.0, 3.0, 11.0};
	double		s = 0.0,
				m = 0.0;
	int			good = 1;

	/* P(alive) limits */
	near(cl_pnbd_p_alive(P_CDNOW, 5, 30, 30), 1.0, 1e-15, "P(alive) = 1 when the last purchase is at T");
	ok(cl_pnbd_p_alive(P_CDNOW, 5, 10, 38) < cl_pnbd_p_alive(P_CDNOW, 5, 30, 38),
	   "P(alive) rises with recency");
	/* E[X(t)] for a new customer: closed form limits */
	near(cl_pnbd_expected_purchases_new(P_CDNOW, 0), 0.0, 0.0, "E[X(0)] = 0");
	rel_near(cl_pnbd_expected_purchases_new(P_CDNOW, 1e-6) / 1e-6, P_CDNOW[0] / P_CDNOW[1], 1e-5,
			 "E[X(t)] ~ t r / alpha for small t");
	/* s = 1 branch (limit of (1 - (b/(b+t))^(s-1)) / (s-1) = log((b+t)/b)) */
	{
		double		q[4] = {0.5, 10.0, 1.0, 12.0},
					q1[4] = {0.5, 10.0, 1.0 + 1e-7, 12.0};

		rel_near(cl_pnbd_expected_purchases_new(q, 39), 0.5 / 10.0 * 12.0 * log(51.0 / 12.0), 1e-12,
				 "E[X(t)] at s = 1 is r beta / alpha log((beta+t)/beta)");
		rel_near(cl_pnbd_expected_purchases_new(q1, 39), cl_pnbd_expected_purchases_new(q, 39), 1e-6,
				 "E[X(t)] is continuous at s = 1");
	}
	/* conditional expectation of a just-arrived customer = unconditional */
	rel_near(cl_pnbd_expected_purchases(P_CDNOW, 39, 0, 0, 0), cl_pnbd_expected_purchases_new(P_CDNOW, 39), 1e-12,
			 "E[X | x = 0, t_x = 0, T = 0] = E[X(t)] of a new customer");

	/* pmf: closed form, normalisation and mean */
	for (int n = 0; n <= 6; n++)
	{
		double		a = cl_pnbd_purchase_pmf(P_CDNOW, 39, n),
					b = cl_pnbd_purchase_pmf_2f1(P_CDNOW, 39, n),
					c = cl_pnbd_purchase_pmf(p2, 20, n),
					d = cl_pnbd_purchase_pmf_2f1(p2, 20, n);

		if (fabs(a - b) > 1e-10 || fabs(c - d) > 1e-10)
		{
			good = 0;
			printf("#   n = %d: quadrature %.15g / %.15g, 2F1 %.15g / %.15g\n", n, a, c, b, d);
		}
	}
	ok(good, "pmf: quadrature = closed 2F1 form of Fader & Hardie (2006), n = 0..6, alpha < beta and alpha > beta");
	for (int n = 0; n < 400; n++)
	{
		double		v = cl_pnbd_purchase_pmf(P_CDNOW, 39, n);

		s += v;
		m += n * v;
	}
	near(s, 1.0, 1e-9, "pmf sums to 1");
	rel_near(m, cl_pnbd_expected_purchases_new(P_CDNOW, 39), 1e-8, "pmf mean = E[X(t)]");
}

static void
test_cdnow(void)
{
	CdnowRow  *rows = NULL;
	int			n = cdnow_read(&rows);
	ClFitRow  *cells = malloc(sizeof(ClFitRow) * (n > 0 ? n : 1));
	ClModelFit r;
	int			rc;
	static const char *const names[4] = {"r", "alpha", "s", "beta"};

	if (n != 2357)
	{
		for (int k = 0; k < 6; k++)
			ok(1, "# SKIP CDNOW summary not found ($CLIENTELE_DATASETS/cdnow)");
		free(rows);
		free(cells);
		return;
	}
	for (int i = 0; i < n; i++)
	{
		cells[i].x = rows[i].x;
		cells[i].tx = rows[i].tx;
		cells[i].T = rows[i].T;
		cells[i].count = 1;
	}
	rc = cl_pnbd_fit(cells, n, 0.0, &r);
	ok(rc == 0 && r.converged, "CDNOW: fit converged in %d iterations", r.iterations);
	for (int k = 0; k < 4; k++)
	{
		char		buf[128];

		snprintf(buf, sizeof(buf), "CDNOW: %s within 1%% of lifetimes' %g", names[k], P_CDNOW[k]);
		rel_near(r.p[k], P_CDNOW[k], 0.01, buf);
	}
	near(r.log_likelihood, -9594.97, 0.05, "CDNOW: log-likelihood -9594.97 (lifetimes: about -9595)");
	free(rows);
	free(cells);
}

/*
 * n simulated Pareto/NBD customers with parameters truth (T uniform over
 * 52..104 weeks: whole weeks and t_x rounded to days when round_days, else
 * continuous)
 */
static void
sim_pnbd(ClFitRow *cells, int n, const double truth[4], int round_days)
{
	for (int i = 0; i < n; i++)
	{
		double		lambda = sim_gamma(truth[0], truth[1]),
					mu = sim_gamma(truth[2], truth[3]),
					T = round_days ? 52.0 + floor(sim_unif() * 53.0) : 52.0 + sim_unif() * 52.0,
					end = fmin(sim_exp(mu), T),
					t = 0.0,
					x = 0,
					tx = 0.0;

		for (;;)
		{
			t += sim_exp(lambda);
			if (t > end)
				break;
			x++;
			tx = t;
		}
		cells[i] = (ClFitRow) {x, round_days ? round(tx * 7.0) / 7.0 : tx, T, 1};
	}
}

/* simulated customers with known parameters */
static void
test_recovery(void)
{
	const double truth[4] = {0.8, 8.0, 0.9, 12.0};
	const int	ncust = 6000;
	ClFitRow  *cells = malloc(sizeof(ClFitRow) * ncust);
	ClModelFit r;
	int			within = 1;

	sim_seed(7919);
	sim_pnbd(cells, ncust, truth, 1);
	ok(cl_pnbd_fit(cells, ncust, 0.0, &r) == 0 && r.converged, "simulated: fit converged");
	for (int k = 0; k < 4; k++)
		if (!(fabs(r.p[k] - truth[k]) < 3 * r.se[k]))
		{
			within = 0;
			printf("#   param %d: %.4f, se %.4f, truth %g\n", k, r.p[k], r.se[k], truth[k]);
		}
	ok(within, "simulated: r, alpha, s, beta = %.3f %.3f %.3f %.3f within 3 SE of %g %g %g %g",
	   r.p[0], r.p[1], r.p[2], r.p[3], truth[0], truth[1], truth[2], truth[3]);
	free(cells);
}

/*
 * A large fit (30,000 distinct rows: t_x and T not rounded) takes the
 * warm start of cl_pnbd_fit (a rough fit on a sample): it must still end
 * at a maximum of the full likelihood (gradient of the mean log-likelihood
 * in the log-parameters below 1e-6, likelihood above the truth's) and
 * recover the parameters.
 */
static void
test_warm_start(void)
{
	const double truth[4] = {0.8, 8.0, 0.9, 12.0};
	const int	ncust = 30000;
	ClFitRow   *cells = malloc(sizeof(ClFitRow) * ncust);
	ClModelFit	r;
	double		g[4],
				gmax = 0.0,
				ll_truth;
	int			within = 1;

	sim_seed(104729);
	sim_pnbd(cells, ncust, truth, 0);
	ok(cl_pnbd_fit(cells, ncust, 0.0, &r) == 0 && r.converged, "warm start (30,000 distinct rows): fit converged");
	(void) cl_pnbd_loglik(r.p, cells, ncust, g);
	for (int k = 0; k < 4; k++)
		gmax = fmax(gmax, fabs(g[k]) / ncust);
	ll_truth = cl_pnbd_loglik(truth, cells, ncust, NULL);
	ok(gmax < 1e-6 && r.log_likelihood >= ll_truth,
	   "warm start: the estimate is a maximum of the full likelihood (max |gradient| / n = %.2g, LL %.3f >= %.3f at the truth)",
	   gmax, r.log_likelihood, ll_truth);
	for (int k = 0; k < 4; k++)
		if (!(fabs(r.p[k] - truth[k]) < 3 * r.se[k]))
		{
			within = 0;
			printf("#   param %d: %.4f, se %.4f, truth %g\n", k, r.p[k], r.se[k], truth[k]);
		}
	ok(within, "warm start: r, alpha, s, beta = %.3f %.3f %.3f %.3f within 3 SE of %g %g %g %g",
	   r.p[0], r.p[1], r.p[2], r.p[3], truth[0], truth[1], truth[2], truth[3]);
	free(cells);
}

int
main(void)
{
	test_likelihood_forms();
	test_gradient();
	test_grouped();
	test_grouped_forms();
	test_predictions();
	test_cdnow();
	test_warm_start();
	test_recovery();
	return tap_done();
}
