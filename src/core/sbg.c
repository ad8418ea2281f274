/*
 * sbg.c
 *		Shifted-beta-geometric model: likelihood with analytic gradient,
 *		survival, retention, DERL and the maximum-likelihood fit.  See sbg.h.
 */
#include "sbg.h"

#include <math.h>

#include "fitstate.h"
#include "optim.h"
#include "specfun.h"

double
cl_sbg_log_survival(double alpha, double beta, double t)
{
	if (t <= 0)
		return 0.0;
	return cl_lbeta(alpha, beta + t) - cl_lbeta(alpha, beta);
}

double
cl_sbg_log_churn_pmf(double alpha, double beta, double t)
{
	/* P(T = t) = S(t - 1) * alpha / (alpha + beta + t - 1) */
	return cl_sbg_log_survival(alpha, beta, t - 1) + log(alpha) - log(alpha + beta + t - 1);
}

double
cl_sbg_retention_rate(double alpha, double beta, double t)
{
	return (beta + t - 1) / (alpha + beta + t - 1);
}

/*
 * The defining series of DERL, sum over k >= 0 of S(n + k) / S(n - 1) /
 * (1 + d)^k, whose terms are products of retention rates r(n) .. r(n + k):
 * the fallback where the 2F1 form cannot be evaluated (very large alpha and
 * beta, i.e. almost no heterogeneity, where the series is nearly geometric).
 * Terms fall at least as fast as 1 / (1 + d), so the loop ends.
 */
static double
sbg_derl_series(double alpha, double beta, double discount, double n)
{
	double		sum = 0.0,
				term = 1.0,
				v = 1.0 / (1.0 + discount);

	for (long k = 0; k < 100000000L; k++)
	{
		term *= cl_sbg_retention_rate(alpha, beta, n + k);
		sum += term;
		if (term < 1e-17 * sum)
			break;
		term *= v;
	}
	return sum;
}

double
cl_sbg_derl(double alpha, double beta, double discount, double renewals)
{
	double		n = renewals + 1;
	double		f = cl_hyp2f1(1.0, beta + n, alpha + beta + n, 1.0 / (1.0 + discount));
	double		v = (beta + n - 1) / (alpha + beta + n - 1) * f;

	if (!isfinite(v) && discount > 0)
		v = sbg_derl_series(alpha, beta, discount, n);
	return v;
}

double
cl_sbg_loglik(double alpha, double beta, const cl_sbg_cell *cells, size_t ncells,
		   double *grad)
{
	double		ll = 0.0,
				ga = 0.0,
				gb = 0.0;
	double		lb0 = cl_lbeta(alpha, beta);
	double		psi_ab = cl_digamma(alpha + beta);
	double		psi_b = cl_digamma(beta);

	for (size_t i = 0; i < ncells; i++)
	{
		double		t = (double) cells[i].period;
		double		psi_abt = 0.0;

		if (grad != NULL && t > 0)
			psi_abt = cl_digamma(alpha + beta + t);

		if (cells[i].churned > 0)
		{
			/* log P(T = t) = lB(alpha + 1, beta + t - 1) - lB(alpha, beta) */
			ll += cells[i].churned * (cl_lbeta(alpha + 1, beta + t - 1) - lb0);
			if (grad != NULL)
			{
				ga += cells[i].churned * (1.0 / alpha + psi_ab - psi_abt);
				gb += cells[i].churned * (cl_digamma(beta + t - 1) - psi_abt - psi_b + psi_ab);
			}
		}
		if (cells[i].alive > 0 && t > 0)
		{
			/* log S(t) = lB(alpha, beta + t) - lB(alpha, beta) */
			ll += cells[i].alive * (cl_lbeta(alpha, beta + t) - lb0);
			if (grad != NULL)
			{
				ga += cells[i].alive * (psi_ab - psi_abt);
				gb += cells[i].alive * (cl_digamma(beta + t) - psi_abt - psi_b + psi_ab);
			}
		}
		if (cells[i].entered > 0)
		{
			/* left truncation: divide by S(entered) */
			double		t0 = (double) cells[i].entered,
						w = cells[i].churned + cells[i].alive;

			ll -= w * (cl_lbeta(alpha, beta + t0) - lb0);
			if (grad != NULL)
			{
				double		psi_abt0 = cl_digamma(alpha + beta + t0);

				ga -= w * (psi_ab - psi_abt0);
				gb -= w * (cl_digamma(beta + t0) - psi_abt0 - psi_b + psi_ab);
			}
		}
	}
	if (grad != NULL)
	{
		/* chain rule to log-parameters */
		grad[0] = ga * alpha;
		grad[1] = gb * beta;
	}
	return ll;
}

double
cl_sbg_customers(const cl_sbg_cell *cells, size_t ncells)
{
	double		n = 0.0;

	for (size_t i = 0; i < ncells; i++)
		n += cells[i].churned + cells[i].alive;
	return n;
}

/* ---- maximum-likelihood fit ---------------------------------------------- */

typedef struct sbg_obj_ctx
{
	const cl_sbg_cell *cells;
	size_t		ncells;
	double		ncust;
	double		penalizer;
} sbg_obj_ctx;

/*
 * The shared penalised objective (cl_fit_objective) in the log-parameters,
 * NaN beyond CL_FIT_LOG_BOUND (the convention of cl_model_optimize).
 */
static double
sbg_objective(const double *x, double *grad, void *vctx)
{
	sbg_obj_ctx *c = (sbg_obj_ctx *) vctx;
	double		ll;

	if (!(fabs(x[0]) <= CL_FIT_LOG_BOUND && fabs(x[1]) <= CL_FIT_LOG_BOUND))
		return NAN;
	ll = cl_sbg_loglik(exp(x[0]), exp(x[1]), c->cells, c->ncells, grad);
	return cl_fit_objective(ll, grad, x, 2, c->ncust, c->penalizer, grad);
}

int
cl_sbg_fit(const cl_sbg_cell *cells, size_t ncells, double penalizer, cl_model_fit *fit)
{
	sbg_obj_ctx ctx = {cells, ncells, 0.0, penalizer};
	double		x[2] = {0.0, 0.0};	/* alpha = beta = 1 */

	ctx.ncust = cl_sbg_customers(cells, ncells);
	if (!(ctx.ncust > 0))
		return -1;
	cl_model_optimize(sbg_objective, &ctx, 2, x, ctx.ncust, fit);
	fit->p[2] = fit->p[3] = fit->se[2] = fit->se[3] = NAN;
	fit->log_likelihood = cl_sbg_loglik(fit->p[0], fit->p[1], cells, ncells, NULL);
	/* converged only at an identified maximum: one period of data fixes only alpha / (alpha + beta) */
	cl_model_fit_check(fit, 2);
	return 0;
}
