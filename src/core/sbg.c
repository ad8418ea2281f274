/*
 * sbg.c
 *		Shifted-beta-geometric model: likelihood with analytic gradient,
 *		survival, retention, DERL and the maximum-likelihood fit.  See sbg.h.
 */
#include "sbg.h"

#include <math.h>

#include "optim.h"
#include "specfun.h"

double
sbg_log_survival(double alpha, double beta, double t)
{
	if (t <= 0)
		return 0.0;
	return cl_lbeta(alpha, beta + t) - cl_lbeta(alpha, beta);
}

double
sbg_log_churn_pmf(double alpha, double beta, double t)
{
	/* P(T = t) = S(t - 1) * alpha / (alpha + beta + t - 1) */
	return sbg_log_survival(alpha, beta, t - 1) + log(alpha) - log(alpha + beta + t - 1);
}

double
sbg_retention_rate(double alpha, double beta, double t)
{
	return (beta + t - 1) / (alpha + beta + t - 1);
}

double
sbg_derl(double alpha, double beta, double discount, double renewals)
{
	double		n = renewals + 1;
	double		f = cl_hyp2f1(1.0, beta + n, alpha + beta + n, 1.0 / (1.0 + discount));

	return (beta + n - 1) / (alpha + beta + n - 1) * f;
}

double
sbg_loglik(double alpha, double beta, const sbg_cell *cells, size_t ncells,
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
sbg_customers(const sbg_cell *cells, size_t ncells)
{
	double		n = 0.0;

	for (size_t i = 0; i < ncells; i++)
		n += cells[i].churned + cells[i].alive;
	return n;
}

/* ---- maximum-likelihood fit ---------------------------------------------- */

typedef struct sbg_obj_ctx
{
	const sbg_cell *cells;
	size_t		ncells;
	double		penalty;		/* penalizer * number of customers */
} sbg_obj_ctx;

/* negative log-likelihood (+ L2 penalty) in the log-parameters */
static double
sbg_objective(const double *x, double *grad, void *vctx)
{
	sbg_obj_ctx *c = (sbg_obj_ctx *) vctx;
	double		ll;

	if (!(fabs(x[0]) < 700.0 && fabs(x[1]) < 700.0))
		return NAN;				/* the line search backs off */
	ll = sbg_loglik(exp(x[0]), exp(x[1]), c->cells, c->ncells, grad);

	if (grad != NULL)
		for (int k = 0; k < 2; k++)
			grad[k] = -grad[k] + 2.0 * c->penalty * x[k];
	return -ll + c->penalty * (x[0] * x[0] + x[1] * x[1]);
}

int
sbg_fit(const sbg_cell *cells, size_t ncells, double penalizer, sbg_fit_result *res)
{
	sbg_obj_ctx ctx = {cells, ncells, 0.0};
	double		x[2] = {0.0, 0.0};	/* alpha = beta = 1 */
	double		se[2];
	cl_optim_result ores;
	double		n = sbg_customers(cells, ncells);

	if (!(n > 0))
		return -1;
	ctx.penalty = penalizer * n;
	cl_optim_minimize(sbg_objective, &ctx, 2, x, NULL, &ores);
	res->alpha = exp(x[0]);
	res->beta = exp(x[1]);
	res->log_likelihood = sbg_loglik(res->alpha, res->beta, cells, ncells, NULL);
	res->iterations = ores.iterations;
	if (cl_optim_log_se(sbg_objective, &ctx, 2, x, se))
	{
		res->se_alpha = se[0];
		res->se_beta = se[1];
	}
	else
		res->se_alpha = res->se_beta = NAN;
	/*
	 * Converged means an interior, identified maximum: the optimiser's
	 * gradient test passed, and the Hessian is positive definite with
	 * standard errors of the log-parameters below MODEL_MAX_LOG_SE (a
	 * parameter running off to 0 or infinity, e.g. no churn at all, also
	 * flattens the gradient).
	 */
	res->converged = ores.converged && isfinite(res->log_likelihood)
		&& se[0] / res->alpha < MODEL_MAX_LOG_SE && se[1] / res->beta < MODEL_MAX_LOG_SE;
	return 0;
}
