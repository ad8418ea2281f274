/*
 * test_fit_objective.c - the one penalised objective (cl_fit_objective) and
 * the one meaning of converged (cl_model_fit_check) shared by every model fit.
 */
#include <math.h>
#include <string.h>

#include "tap.h"
#include "fitstate.h"

static ClModelFit
good_fit(void)
{
	ClModelFit f;

	memset(&f, 0, sizeof(f));
	f.p[0] = 0.24;
	f.p[1] = 4.4;
	f.se[0] = 0.0126;
	f.se[1] = 0.378;
	f.log_likelihood = -9582.4;
	f.n = 2357;
	f.converged = 1;
	f.se_ok = 1;
	return f;
}

int
main(void)
{
	double		lp[3] = {0.5, -1.0, 2.0};
	double		g_ll[3] = {10.0, -20.0, 30.0};
	double		g[3];
	double		f;
	ClModelFit fit;

	/* -ll/n + pen * sum(lp^2), gradient -g/n + 2 pen lp */
	f = cl_fit_objective(-100.0, g_ll, lp, 3, 50.0, 0.1, g);
	near(f, 2.0 + 0.1 * (0.25 + 1.0 + 4.0), 1e-15, "objective: mean negative log-likelihood plus the L2 penalty on log-parameters");
	near(g[0], -10.0 / 50.0 + 2 * 0.1 * 0.5, 1e-15, "objective gradient, first component");
	near(g[2], -30.0 / 50.0 + 2 * 0.1 * 2.0, 1e-15, "objective gradient, last component");
	near(cl_fit_objective(-100.0, NULL, lp, 3, 50.0, 0.0, NULL), 2.0, 1e-15, "no penalizer: -ll/n; no gradient asked");
	memcpy(g, g_ll, sizeof(g));
	cl_fit_objective(-100.0, g, lp, 3, 50.0, 0.1, g);
	near(g[1], 20.0 / 50.0 + 2 * 0.1 * -1.0, 1e-15, "the gradient may be computed in place");

	fit = good_fit();
	ok(cl_model_fit_check(&fit, 2) == 1 && fit.converged == 1, "converged: a well identified interior maximum");
	fit = good_fit();
	fit.se[1] = 10.0 * fit.p[1];
	ok(cl_model_fit_check(&fit, 2) == 0, "not converged: a standard error of a log-parameter >= CL_FIT_MAX_LOG_SE (flat ridge), for every model");
	fit = good_fit();
	fit.se[0] = NAN;
	ok(cl_model_fit_check(&fit, 2) == 0, "not converged: a NaN standard error");
	fit = good_fit();
	fit.se_ok = 0;
	ok(cl_model_fit_check(&fit, 2) == 0, "not converged: Hessian not positive definite");
	fit = good_fit();
	fit.p[1] = 1e9;
	fit.se[1] = 1.0;
	ok(cl_model_fit_check(&fit, 2) == 0, "not converged: a parameter at the edge (above 1e8)");
	fit = good_fit();
	fit.log_likelihood = -INFINITY;
	ok(cl_model_fit_check(&fit, 2) == 0, "not converged: infinite log-likelihood");
	fit = good_fit();
	fit.converged = 0;
	ok(cl_model_fit_check(&fit, 2) == 0, "not converged: the optimiser's own test failed");
	return tap_done();
}
