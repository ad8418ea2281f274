/*
 * test_bgbb.c - unit tests of the BG/BB model (src/core/bgbb.c): gradient,
 * the donation data of Fader, Hardie & Shang (2010) (read at test time from
 * the lifetimes tarball in ../shared/vendor, skipped when absent; the data
 * is never copied into the repository), and the identities of the
 * predictions (pmf normalisation and mean, DERT as a discounted sum, the
 * closed form of the expectation against the direct sum, invariants).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgbb.h"
#include "fitstate.h"
#include "optim.h"
#include "models_check.h"
#include "tap.h"

static const ClFitRow grows[5] = {{0, 0, 6, 10}, {1, 3, 6, 4}, {3, 5, 9, 2}, {6, 6, 6, 7}, {2, 2, 12, 1}};

static double
ll_obj(const double *lp, double *g, void *ctx)
{
	double		p[4];
	int			i;

	(void) ctx;
	for (i = 0; i < 4; i++)
		p[i] = exp(lp[i]);
	return cl_bgbb_loglik_rows(p, grows, 5, g);
}

/* the donations rows from the lifetimes tarball, or 0 when absent */
static int
read_donations(ClFitRow *rows, int max)
{
	const char *dir = getenv("CLIENTELE_VENDOR");
	char		cmd[1200],
				line[256];
	FILE	   *f;
	int			n = 0;

	snprintf(cmd, sizeof(cmd),
			 "tar -xzOf '%s/lifetimes-4f2833f.tar.gz' --wildcards '*/lifetimes/datasets/donations.csv' 2>/dev/null",
			 dir && *dir ? dir : "../shared/vendor");
	f = popen(cmd, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
	{
		double		x,
					tx,
					T,
					w;

		if (sscanf(line, "%lf,%lf,%lf,%lf", &x, &tx, &T, &w) == 4 && n < max)
		{
			rows[n].x = x;
			rows[n].tx = tx;
			rows[n].T = T;
			rows[n].count = w;
			n++;
		}
	}
	pclose(f);
	return n;
}

int
main(void)
{
	const double P[4] = {1.204, 0.750, 0.657, 2.783};
	ClFitRow	don[64];
	int			ndon = read_donations(don, 64);
	int			i;

	/* row checks */
	ok(cl_bgbb_check_row(2, 5, 6) == NULL && cl_bgbb_check_row(0, 0, 0) == NULL, "valid rows pass");
	ok(cl_bgbb_check_row(3, 2, 6) && cl_bgbb_check_row(1, 7, 6) && cl_bgbb_check_row(0, 2, 6) &&
	   cl_bgbb_check_row(1.5, 2, 6) && cl_bgbb_check_row(-1, 0, 6) && cl_bgbb_check_row(0, 0, 1e6),
	   "x > tx, tx > n, tx != 0 for x = 0, fractions, negatives, n too large are refused");

	/* gradient */
	{
		double		lp[4] = {log(1.3), log(0.7), log(0.6), log(2.5)},
					err = grad_check4(ll_obj, lp);

		ok(err < 1e-6, "BG/BB analytic gradient matches central differences (max rel err %.2g)", err);
	}

	/* the likelihood sums to 1 over every (x, tx) for one n (a distribution) */
	{
		double		s = 0;
		int			x,
					tx;

		for (x = 0; x <= 7; x++)
			for (tx = x; tx <= 7; tx++)
				if (x == 0 ? tx == 0 : tx >= 1)
				{
					/* number of patterns with x transactions, the last in tx */
					double		c = x == 0 ? 1 : exp(lgamma(tx) - lgamma(x) - lgamma(tx - x + 1));

					s += c * exp(cl_bgbb_loglik(P, x, tx, 7, 0, NULL));
				}
		near(s, 1.0, 1e-13, "the likelihood of every purchase pattern over 7 opportunities sums to 1");
	}

	if (ndon == 0)
		ok(1, "# SKIP lifetimes tarball absent (../shared/vendor/lifetimes-4f2833f.tar.gz)");
	else
	{
		ClModelFit f;
		int			conv = cl_bgbb_fit(don, ndon, 0, &f);

		ok(ndon == 22 && f.n == 11104, "donations: 22 patterns of 11,104 donors");
		ok(conv, "donations fit converged (%d iterations)", f.iterations);
		near(f.p[0], 1.204, 5e-4, "alpha = 1.204 (FHS 2010)");
		near(f.p[1], 0.750, 5e-4, "beta = 0.750");
		near(f.p[2], 0.657, 5e-4, "gamma = 0.657");
		near(f.p[3], 2.783, 5e-4, "delta = 2.783");
		near(f.log_likelihood, -33225.6, 0.1, "log-likelihood -33,225.6");
		printf("# %.6f %.6f %.6f %.6f LL %.4f\n", f.p[0], f.p[1], f.p[2], f.p[3], f.log_likelihood);
	}

	/* predictions */
	{
		double		s = 0,
					mean = 0,
					prev,
					dsum = 0;
		int			x,
					k,
					mono = 1,
					inrange = 1;

		for (x = 0; x <= 11; x++)
		{
			double		v = cl_bgbb_pmf(P, 11, x);

			s += v;
			mean += x * v;
			if (!(v >= 0 && v <= 1))
				inrange = 0;
		}
		near(s, 1.0, 1e-13, "pmf over x = 0..n sums to 1");
		rel_near(mean, cl_bgbb_expected_cond(P, 11, 0, 0, 0), 1e-12,
				 "pmf mean = expected transactions of a new customer");
		ok(inrange && cl_bgbb_pmf(P, 11, 12) == 0, "pmf in [0, 1], 0 above n");
		prev = 0;
		for (k = 1; k <= 3000; k++)
		{
			double		v = cl_bgbb_expected_cond(P, k, 3, 5, 6);

			if (!(v >= prev))
				mono = 0;
			if (k <= 2000)
				dsum += (v - prev) / pow(1.1, k);
			prev = v;
		}
		ok(mono, "expected transactions non-decreasing in the horizon (1..3000)");
		rel_near(dsum, cl_bgbb_dert(P, 0.1, 3, 5, 6), 1e-12, "DERT = discounted sum of expected transactions");
		rel_near(cl_bgbb_dert(P, 0.999999e-3, 3, 5, 6), cl_bgbb_dert(P, 1e-3, 3, 5, 6), 1e-5,
				 "DERT near d = 1e-3: the 2F1 form joins the series");
		{
			/* closed form (m > 2000) against the direct sum just below */
			double		a = cl_bgbb_expected_cond(P, 2000, 3, 5, 6),
						b = cl_bgbb_expected_cond(P, 2001, 3, 5, 6);

			ok(b > a && b - a < 1e-3 * a, "closed form continues the direct sum (%.12g, %.12g)", a, b);
		}
		{
			double		q[4] = {1.2, 0.75, 1.0, 2.8},
						q1[4] = {1.2, 0.75, 1.0 - 1e-5, 2.8};

			rel_near(cl_bgbb_expected_cond(q, 5000, 2, 4, 6), cl_bgbb_expected_cond(q1, 5000, 2, 4, 6), 1e-4,
					 "expectation continuous at gamma = 1");
		}
		prev = 2;
		mono = 1;
		for (k = 0; k <= 50; k++)
		{
			double		v = cl_bgbb_p_alive(P, k, 3, 5, 6);

			if (!(v >= 0 && v <= 1 && v <= prev))
				mono = 0;
			prev = v;
		}
		ok(mono, "P(alive at n + m) in [0, 1], non-increasing in m");
		near(cl_bgbb_p_alive(P, 0, 6, 6, 6), 1.0, 0, "a transaction at the last opportunity: alive");
		/* the memo returns exactly what was computed, whatever the order */
		{
			double		v1 = cl_bgbb_expected_cond(P, 5, 3, 5, 6),
						v2 = cl_bgbb_dert(P, 0.1, 2, 4, 9),
						v3 = cl_bgbb_p_alive(P, 2, 1, 1, 6);
			int			same = 1;

			for (k = 0; k < 5000; k++)
			{
				double		q[4] = {P[0], P[1], P[2], P[3] + k * 1e-3};

				(void) cl_bgbb_expected_cond(q, 1 + k % 7, k % 5, k % 5 + 1, 8);
				if (cl_bgbb_expected_cond(P, 5, 3, 5, 6) != v1 || cl_bgbb_dert(P, 0.1, 2, 4, 9) != v2 ||
					cl_bgbb_p_alive(P, 2, 1, 1, 6) != v3)
					same = 0;
			}
			ok(same, "memoised predictions are identical to the first evaluation amid 5000 other keys");
		}
	}
	/* invariants on a random sample of the domain */
	{
		int			bad_p = 0,
					bad_e = 0,
					bad_d = 0,
					bad_pmf = 0;

		for (i = 0; i < 1000; i++)
		{
			double		q[4] = {sweep_lu(1e-2, 1e4), sweep_lu(1e-2, 1e4), sweep_lu(1e-2, 1e4), sweep_lu(1e-2, 1e4)};
			int			n = (int) sweep_lu(1, 1e3),
						x = (int) (sweep_u() * (n + 1)),
						tx = x ? x + (int) (sweep_u() * (n - x + 1)) : 0;
			double		pa = cl_bgbb_p_alive(q, floor(sweep_lu(1, 100)) - 1, x, tx, n),
						pm = cl_bgbb_pmf(q, n, (int) (sweep_u() * (n + 1))),
						dd = cl_bgbb_dert(q, sweep_lu(1e-3, 1), x, tx, n),
						prev = 0;

			if (!(pa >= 0 && pa <= 1))
				bad_p++;
			if (!(pm >= 0 && pm <= 1))
				bad_pmf++;
			if (!(isfinite(dd) && dd >= 0))
				bad_d++;
			for (int k = 0; k <= 4; k++)
			{
				double		e = cl_bgbb_expected_cond(q, pow(10, k), x, tx, n);

				if (!(isfinite(e) && e >= prev * (1 - SWEEP_MONO_TOL)))
					bad_e++;
				prev = e;
			}
		}
		ok(bad_p == 0 && bad_pmf == 0, "sweep: P(alive) and pmf in [0, 1] (1000 random points; %d, %d outside)", bad_p, bad_pmf);
		ok(bad_e == 0 && bad_d == 0, "sweep: expectations and DERT finite, >= 0, expectations non-decreasing over 1..1e4 opportunities (%d, %d failures)", bad_e, bad_d);
	}
	return tap_done();
}
