/*
 * test_optim.c - unit tests of src/core/optim.c: BFGS on classic test
 * functions, Nelder-Mead, infeasible regions, Hessian, inverse, delta-method
 * standard errors.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "optim.h"
#include "tap.h"

/* Rosenbrock in n dimensions, minimum 0 at (1, ..., 1) */
static double
rosen(const double *x, double *g, void *ctx)
{
	int			n = *(int *) ctx;
	double		f = 0.0;
	int			i;

	if (g)
		memset(g, 0, n * sizeof(double));
	for (i = 0; i < n - 1; i++)
	{
		double		t = x[i + 1] - x[i] * x[i];

		f += 100.0 * t * t + (1.0 - x[i]) * (1.0 - x[i]);
		if (g)
		{
			g[i] += -400.0 * x[i] * t - 2.0 * (1.0 - x[i]);
			g[i + 1] += 200.0 * t;
		}
	}
	return f;
}

/* f = 0.5 (x-m)' A (x-m) with A = [[4,1],[1,3]], scaled to mimic a likelihood */
static double
quad(const double *x, double *g, void *ctx)
{
	double		d0 = x[0] - log(2.0),
				d1 = x[1] - log(0.5);

	(void) ctx;
	if (g)
	{
		g[0] = 4.0 * d0 + 1.0 * d1;
		g[1] = 1.0 * d0 + 3.0 * d1;
	}
	return 1000.0 + 0.5 * (4.0 * d0 * d0 + 2.0 * d0 * d1 + 3.0 * d1 * d1);
}

/* defined only for x0 > 0: -log(x0) + x0 + (x1 - 3)^2, minimum at (1, 3) */
static double
partial(const double *x, double *g, void *ctx)
{
	(void) ctx;
	if (!(x[0] > 0))
		return NAN;
	if (g)
	{
		g[0] = -1.0 / x[0] + 1.0;
		g[1] = 2.0 * (x[1] - 3.0);
	}
	return -log(x[0]) + x[0] + (x[1] - 3.0) * (x[1] - 3.0);
}

/* a wrong gradient: BFGS cannot converge, so the result must say so */
static double
liar(const double *x, double *g, void *ctx)
{
	(void) ctx;
	if (g)
	{
		g[0] = 1.0;				/* true gradient is 2 x0 */
		g[1] = 2.0 * x[1];
	}
	return x[0] * x[0] + x[1] * x[1];
}

/* infimum at x0 -> infinity: 1e6 + exp(-x0) + x1^2 */
static double
runaway(const double *x, double *g, void *ctx)
{
	(void) ctx;
	if (g)
	{
		g[0] = -exp(-x[0]);
		g[1] = 2.0 * x[1];
	}
	return 1e6 + exp(-x[0]) + x[1] * x[1];
}

int
main(void)
{
	ClOptimResult res;
	ClOptimOptions opt;
	int			n;

	for (n = 2; n <= 6; n += 2)
	{
		double		x[CL_OPTIM_MAXN];
		char		name[100];
		int			i,
					good = 1;

		for (i = 0; i < n; i++)
			x[i] = (i % 2) ? 1.0 : -1.2;
		cl_optim_minimize(rosen, &n, n, x, NULL, &res);
		for (i = 0; i < n; i++)
			if (fabs(x[i] - 1.0) > 1e-5)
				good = 0;
		snprintf(name, sizeof(name), "BFGS converges on Rosenbrock n = %d", n);
		ok(res.converged && good, "%s (f = %g, iterations %d)", name, res.f, res.iterations);
	}
	{
		/*
		 * opt.hinv: from the exact inverse Hessian of the quadratic BFGS
		 * takes the Newton step (one iteration) and hands back its last
		 * approximation; a non-finite hinv is the identity start (the same
		 * iterations as without).
		 */
		double		x[2] = {0.0, 0.0},
					hi[4] = {3.0 / 11.0, -1.0 / 11.0, -1.0 / 11.0, 4.0 / 11.0},
					nan4[4] = {NAN, NAN, NAN, NAN};
		ClOptimResult r0;

		cl_optim_defaults(&opt);
		opt.hinv = hi;
		cl_optim_minimize(quad, NULL, 2, x, &opt, &res);
		ok(res.converged && res.iterations == 1 && fabs(x[0] - log(2.0)) < 1e-9,
		   "BFGS from the exact inverse Hessian: one iteration (got %d)", res.iterations);
		ok(fabs(hi[0] - 3.0 / 11.0) < 1e-9 && fabs(hi[1] + 1.0 / 11.0) < 1e-9 && isfinite(hi[3]),
		   "... and hinv holds the last approximation (%g %g %g %g)", hi[0], hi[1], hi[2], hi[3]);
		x[0] = x[1] = 0.0;
		cl_optim_minimize(quad, NULL, 2, x, NULL, &r0);
		x[0] = x[1] = 0.0;
		opt.hinv = nan4;
		cl_optim_minimize(quad, NULL, 2, x, &opt, &res);
		ok(res.iterations == r0.iterations && res.evaluations == r0.evaluations && res.converged,
		   "a non-finite hinv starts from the identity (%d iterations, as without)", res.iterations);
	}
	{
		double		x[2] = {0.0, 0.0};
		double		H[4],
					Hi[4],
					se[2];

		cl_optim_minimize(quad, NULL, 2, x, NULL, &res);
		ok(res.converged, "quadratic converges");
		near(x[0], log(2.0), 1e-6, "quadratic optimum x0 (gradient test is relative to |f| = 1000)");
		near(x[1], log(0.5), 1e-6, "quadratic optimum x1");
		near(res.f, 1000.0, 1e-10, "quadratic minimum value");
		ok(cl_optim_hessian(quad, NULL, 2, x, 1e-5, H), "hessian computed");
		near(H[0], 4.0, 1e-6, "hessian [0,0]");
		near(H[1], 1.0, 1e-6, "hessian [0,1]");
		near(H[2], 1.0, 1e-6, "hessian [1,0] symmetric");
		near(H[3], 3.0, 1e-6, "hessian [1,1]");
		ok(cl_optim_invert_spd(2, H, Hi), "hessian inverted");
		near(Hi[0], 3.0 / 11.0, 1e-6, "inverse [0,0]");
		near(Hi[1], -1.0 / 11.0, 1e-6, "inverse [0,1]");
		near(Hi[3], 4.0 / 11.0, 1e-6, "inverse [1,1]");
		ok(cl_optim_log_se(quad, NULL, 2, x, se), "standard errors computed");
		near(se[0], 2.0 * sqrt(3.0 / 11.0), 1e-6, "delta-method se of theta0 = 2");
		near(se[1], 0.5 * sqrt(4.0 / 11.0), 1e-6, "delta-method se of theta1 = 0.5");
	}
	{
		double		H[4] = {1.0, 2.0, 2.0, 1.0},
					Hi[4];

		ok(!cl_optim_invert_spd(2, H, Hi), "indefinite matrix is refused");
	}
	{
		double		x[2] = {5.0, -2.0};

		cl_optim_minimize(partial, NULL, 2, x, NULL, &res);
		ok(res.converged, "converges with an infeasible region on the way");
		near(x[0], 1.0, 1e-7, "partial optimum x0");
		near(x[1], 3.0, 1e-7, "partial optimum x1");
	}
	{
		double		x[2] = {-1.0, 0.0};

		cl_optim_minimize(partial, NULL, 2, x, NULL, &res);
		ok(!res.converged && isnan(res.f), "infeasible start point: not converged, f = NaN");
		ok(x[0] == -1.0 && x[1] == 0.0, "infeasible start point: x unchanged");
	}
	{
		double		x[2] = {3.0, 4.0};

		cl_optim_defaults(&opt);
		cl_optim_minimize(liar, NULL, 2, x, &opt, &res);
		ok(!res.converged, "a wrong gradient is reported as not converged");
		ok(res.used_fallback, "fallback was tried");
		opt.fallback = 0;
		x[0] = 3.0;
		x[1] = 4.0;
		cl_optim_minimize(liar, NULL, 2, x, &opt, &res);
		ok(!res.converged && !res.used_fallback, "no fallback when disabled");
	}
	{
		double		x[2] = {0.0, 1.0};

		cl_optim_defaults(&opt);
		opt.fallback = 0;
		opt.gtol = 0;
		opt.gtol_abs = 0;
		opt.xbound = 10.0;
		cl_optim_minimize(runaway, NULL, 2, x, &opt, &res);
		ok(!res.converged && x[0] > 10.0 && res.iterations < 100,
		   "xbound stops a parameter running away (x0 = %g after %d iterations)", x[0], res.iterations);
		x[0] = 0.0;
		x[1] = 1.0;
		opt.xbound = 0;
		opt.stall_iter = 20;
		cl_optim_minimize(runaway, NULL, 2, x, &opt, &res);
		ok(!res.converged && res.iterations < opt.max_iter,
		   "stall_iter stops a search that no longer decreases f (%d iterations)", res.iterations);
	}
	{
		double		x[3] = {-1.2, 1.0, -1.2};
		double		fbest;
		int			n3 = 3;

		cl_optim_nelder_mead(rosen, &n3, 3, x, 0.5, 1e-15, 20000, &fbest);
		ok(fbest < 1e-8, "Nelder-Mead on Rosenbrock n = 3 (f = %g)", fbest);
	}
	{
		double		x[2] = {0.3, -0.7},
					g[2],
					gn[2];

		n = 2;
		rosen(x, g, &n);
		cl_optim_numgrad(rosen, &n, 2, x, 1e-6, gn);
		near(gn[0], g[0], 1e-6, "numerical gradient [0]");
		near(gn[1], g[1], 1e-6, "numerical gradient [1]");
	}
	{
		double		x[1] = {0};

		ok(!cl_optim_minimize(quad, NULL, 0, x, NULL, &res), "n = 0 is refused");
		ok(!cl_optim_minimize(quad, NULL, CL_OPTIM_MAXN + 1, x, NULL, &res), "n > MAXN is refused");
	}
	return tap_done();
}
