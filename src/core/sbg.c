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
	/* lB(alpha, beta + t) - lB(alpha, beta), exact also for beta = 1e15 */
	return cl_lbeta_ratio(alpha, beta, t);
}

double
cl_sbg_log_churn_pmf(double alpha, double beta, double t)
{
	/* P(T = t) = S(t - 1) * alpha / (alpha + beta + t - 1) */
	return cl_sbg_log_survival(alpha, beta, t - 1) + log(alpha / (alpha + beta + t - 1));
}

double
cl_sbg_retention_rate(double alpha, double beta, double t)
{
	return (beta + t - 1) / (alpha + beta + t - 1);
}

/*
 * DERL of a customer who has made n - 1 = "renewals" renewals: with
 * theta ~ Beta(alpha, b), b = beta + renewals (the posterior of the churn
 * probability given survival so far),
 *
 *	DERL = sum_{k >= 0} v^k S(n + k) / S(n - 1)		v = 1 / (1 + d)
 *	     = sum_k v^k R_k,  R_k = prod_{j=0..k} (b + j) / (alpha + b + j)
 *	     = (1 + d) E[(1 - theta) / (d + theta)]
 *	     = b / (alpha + b) 2F1(1, b + 1; alpha + b + 1; v),
 *
 * always in [0, (1 + d) / d].  Three evaluations, each used where it keeps
 * full precision at bounded cost:
 *
 * (a) theta small against d (alpha / (alpha + b) << d): the moments of theta,
 *     (1 - theta) / (d + theta) = (1 - (1 + d) theta / (d + theta)) / d and
 *     theta / (d + theta) = sum_{j >= 1} (-1)^(j-1) (theta / d)^j, whose
 *     remainder after J terms is at most E[(theta / d)^(J+1)], the next
 *     term: every term is a ratio of Pochhammer symbols (no cancellation,
 *     the sum is at most its first term).
 * (b) the defining series summed directly: its terms fall at least like
 *     v^k, so the remainder after term K is at most term_K v / (1 - v);
 *     used when that needs few terms (d not small).
 * (c) the 2F1 (cl_hyp2f1, transformation to 1 - v) when (b + 1) d / (1 + d)
 *     is small, where its two terms do not cancel; otherwise (b) again,
 *     with up to DERL_MAX_TERMS terms.
 */
#define DERL_MAX_TERMS 50000000L

static double
sbg_derl_moments(double alpha, double b, double d, int *ok)
{
	double		m = 1.0,		/* E[(theta / d)^j] */
				sum = 0.0;

	*ok = 0;
	for (int j = 1; j <= 400; j++)
	{
		double		q = (alpha + j - 1) / ((alpha + b + j - 1) * d);

		if (q >= 0.9)
			return NAN;
		m *= q;
		sum += (j % 2 == 1) ? m : -m;
		/* remainder <= the next term < m */
		if (m * (alpha + j) / ((alpha + b + j) * d) <= 1e-17 * sum)
		{
			*ok = 1;
			return (1.0 + d) * (1.0 - (1.0 + d) * sum) / d;
		}
	}
	return NAN;
}

static double
sbg_derl_series(double alpha, double b, double d, long max_terms)
{
	double		v = 1.0 / (1.0 + d),
				sum = 0.0,
				term = b / (alpha + b);

	for (long k = 0; k < max_terms; k++)
	{
		sum += term;
		/* remainder <= term v / (1 - v) = term / d */
		if (term <= 1e-17 * sum * d || term == 0.0)
			return sum;
		term *= v * (b + k + 1) / (alpha + b + k + 1);
	}
	return NAN;
}

double
cl_sbg_derl(double alpha, double beta, double discount, double renewals)
{
	double		d = discount,
				b = beta + renewals,
				w = d / (1.0 + d),
				val;
	int			ok;

	if (!(alpha > 0) || !(beta > 0) || !(d > 0) || !(renewals >= 0) ||
		!isfinite(alpha) || !isfinite(b) || !isfinite(d))
		return NAN;
	val = sbg_derl_moments(alpha, b, d, &ok);
	if (!ok)
	{
		if (d >= 0.05)
			val = sbg_derl_series(alpha, b, d, DERL_MAX_TERMS);
		else if ((b + 1.0) * w <= 2.0)
			val = b / (alpha + b) * cl_hyp2f1(1.0, b + 1.0, alpha + b + 1.0, 1.0 / (1.0 + d));
		else
			val = sbg_derl_series(alpha, b, d, DERL_MAX_TERMS);
	}
	if (!isfinite(val))
		return NAN;
	/* rounding only: the value lies in [0, (1 + d) / d] */
	if (val < 0)
		val = 0;
	if (val > (1.0 + d) / d)
		val = (1.0 + d) / d;
	return val;
}

double
cl_sbg_loglik(double alpha, double beta, const ClSbgCell *cells, size_t ncells,
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
cl_sbg_customers(const ClSbgCell *cells, size_t ncells)
{
	double		n = 0.0;

	for (size_t i = 0; i < ncells; i++)
		n += cells[i].churned + cells[i].alive;
	return n;
}

/* ---- maximum-likelihood fit ---------------------------------------------- */

typedef struct SbgObjCtx
{
	const ClSbgCell *cells;
	size_t		ncells;
	double		ncust;
	double		penalizer;
} SbgObjCtx;

/*
 * The shared penalised objective (cl_fit_objective) in the log-parameters,
 * NaN beyond CL_FIT_LOG_BOUND (the convention of cl_model_optimize).
 */
static double
sbg_objective(const double *x, double *grad, void *vctx)
{
	SbgObjCtx *c = (SbgObjCtx *) vctx;
	double		ll;

	if (!(fabs(x[0]) <= CL_FIT_LOG_BOUND && fabs(x[1]) <= CL_FIT_LOG_BOUND))
		return NAN;
	ll = cl_sbg_loglik(exp(x[0]), exp(x[1]), c->cells, c->ncells, grad);
	return cl_fit_objective(ll, grad, x, 2, c->ncust, c->penalizer, grad);
}

int
cl_sbg_fit(const ClSbgCell *cells, size_t ncells, double penalizer, ClModelFit *fit)
{
	SbgObjCtx ctx = {cells, ncells, 0.0, penalizer};
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
