/*
 * bgnbd.c
 *		BG/NBD likelihood, fit and predictions; see bgnbd.h.
 *
 * Likelihood (Fader, Hardie & Lee 2005, eq. 6), in logs:
 *   log L = lnG(r+x) - lnG(r) + r ln(alpha)
 *         + lnG(a+b) + lnG(b+x) - lnG(b) - lnG(a+b+x)
 *         + log( (alpha+T)^-(r+x) + [x>0] a/(b+x-1) (alpha+tx)^-(r+x) )
 * The first two lines depend on x only: they (and their digamma
 * derivatives) are computed once per distinct x of the sorted rows.
 */
#include "bgnbd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optim.h"
#include "specfun.h"

double
cl_bgnbd_loglik(const double *p, double x, double tx, double T, double w,
				double *grad)
{
	cl_fitrow	row;

	row.x = x;
	row.tx = tx;
	row.T = T;
	row.count = w;
	return cl_bgnbd_loglik_rows(p, &row, 1, grad);
}

double
cl_bgnbd_loglik_rows(const double *p, const cl_fitrow *rows, uint32_t nrows,
					 double *grad)
{
	const double r = p[0],
				alpha = p[1],
				a = p[2],
				b = p[3];
	const double lga_r = lgamma(r),
				lga_b = lgamma(b),
				lga_ab = lgamma(a + b),
				ln_alpha = log(alpha),
				ln_a = log(a);
	double		psi_r = 0,
				psi_b = 0,
				psi_ab = 0;
	double		ll = 0.0;
	double		g[4] = {0, 0, 0, 0};
	double		cur_x = -1.0;
	double		cx = 0,
				gx[4] = {0, 0, 0, 0};
	uint32_t	i;

	if (grad)
	{
		psi_r = cl_digamma(r);
		psi_b = cl_digamma(b);
		psi_ab = cl_digamma(a + b);
	}
	for (i = 0; i < nrows; i++)
	{
		const cl_fitrow *row = &rows[i];
		double		x = row->x,
					w = row->count;
		double		rx = r + x;
		double		la3,
					la4,
					lse,
					w3,
					w4;
		double		ln_aT = log(alpha + row->T);

		if (x != cur_x)
		{
			/* terms that depend on x only */
			cur_x = x;
			cx = lgamma(rx) - lga_r + r * ln_alpha
				+ lga_ab + lgamma(b + x) - lga_b - lgamma(a + b + x);
			if (grad)
			{
				double		psi_abx = cl_digamma(a + b + x);

				gx[0] = cl_digamma(rx) - psi_r + ln_alpha;
				gx[1] = r / alpha;
				gx[2] = psi_ab - psi_abx;
				gx[3] = psi_ab + cl_digamma(b + x) - psi_b - psi_abx;
			}
		}
		la3 = -rx * ln_aT;
		if (x > 0)
		{
			double		ln_atx = log(alpha + row->tx);

			la4 = ln_a - log(b + x - 1.0) - rx * ln_atx;
			lse = cl_logsumexp2(la3, la4);
			w4 = exp(la4 - lse);
			w3 = exp(la3 - lse);
			ll += w * (cx + lse);
			if (grad)
			{
				g[0] += w * (gx[0] - w3 * ln_aT - w4 * ln_atx);
				g[1] += w * (gx[1] - rx * (w3 / (alpha + row->T) + w4 / (alpha + row->tx)));
				g[2] += w * (gx[2] + w4 / a);
				g[3] += w * (gx[3] - w4 / (b + x - 1.0));
			}
		}
		else
		{
			ll += w * (cx + la3);
			if (grad)
			{
				g[0] += w * (gx[0] - ln_aT);
				g[1] += w * (gx[1] - rx / (alpha + row->T));
				g[2] += w * gx[2];
				g[3] += w * gx[3];
			}
		}
	}
	if (grad)
	{
		/* d/d(log p) = p d/dp */
		grad[0] += g[0] * r;
		grad[1] += g[1] * alpha;
		grad[2] += g[2] * a;
		grad[3] += g[3] * b;
	}
	return ll;
}

typedef struct bgnbd_ctx
{
	const cl_fitrow *rows;
	uint32_t	nrows;
	double		n;
	double		penalizer;
} bgnbd_ctx;

/* -LL/n + penalizer * |log p|^2 over log parameters */
static double
bgnbd_objective(const double *lp, double *grad, void *vctx)
{
	bgnbd_ctx  *ctx = vctx;
	double		p[4],
				g[4] = {0, 0, 0, 0},
				ll,
				f;
	int			i;

	for (i = 0; i < 4; i++)
	{
		if (!(fabs(lp[i]) <= CL_FIT_LOG_BOUND))
			return NAN;
		p[i] = exp(lp[i]);
	}
	ll = cl_bgnbd_loglik_rows(p, ctx->rows, ctx->nrows, grad ? g : NULL);
	f = -ll / ctx->n;
	for (i = 0; i < 4; i++)
		f += ctx->penalizer * lp[i] * lp[i];
	if (grad)
		for (i = 0; i < 4; i++)
			grad[i] = -g[i] / ctx->n + 2.0 * ctx->penalizer * lp[i];
	return f;
}

int
cl_bgnbd_fit(const cl_fitrow *rows, uint32_t nrows, double penalizer,
			 cl_model_fit *fit)
{
	bgnbd_ctx	ctx;
	cl_optim_result res;
	double		lp[4];
	double		sx = 0,
				sT = 0,
				n = 0,
				se[4];
	uint32_t	i;
	int			k;

	memset(fit, 0, sizeof(*fit));
	for (i = 0; i < nrows; i++)
	{
		n += rows[i].count;
		sx += rows[i].count * rows[i].x;
		sT += rows[i].count * rows[i].T;
	}
	ctx.rows = rows;
	ctx.nrows = nrows;
	ctx.n = n;
	ctx.penalizer = penalizer;
	fit->n = n;

	/* start: r = 1, alpha = 1 / (mean rate), a = b = 1 */
	lp[0] = 0.0;
	lp[1] = log((sT > 0 ? sT : n) / (sx > 0.1 * n ? sx : 0.1 * n));
	lp[2] = 0.0;
	lp[3] = 0.0;

	cl_optim_minimize(bgnbd_objective, &ctx, 4, lp, NULL, &res);
	for (k = 0; k < 4; k++)
		fit->p[k] = exp(lp[k]);
	fit->converged = res.converged;
	fit->iterations = res.iterations;
	fit->log_likelihood = cl_bgnbd_loglik_rows(fit->p, rows, nrows, NULL);
	fit->se_ok = cl_optim_log_se(bgnbd_objective, &ctx, 4, lp, se);
	for (k = 0; k < 4; k++)
		fit->se[k] = se[k] / sqrt(n);	/* Hessian of the sum, not the mean */
	return cl_model_fit_check(fit, 4);
}

double
cl_bgnbd_p_alive(const double *p, double x, double tx, double T)
{
	const double r = p[0],
				alpha = p[1],
				a = p[2],
				b = p[3];
	double		lodds;

	if (x == 0)
		return 1.0;
	/* odds of having dropped out: a/(b+x-1) ((alpha+T)/(alpha+tx))^(r+x) */
	lodds = log(a) - log(b + x - 1.0) + (r + x) * log1p((T - tx) / (alpha + tx));
	return exp(-cl_log1pexp(lodds));
}

/*
 * c/(a-1) * (1 - (A/(A+t))^rr 2F1(rr, bb; c; t/(A+t))), the common form of
 * eqs. 7 and 10; NaN when a == 1 (the caller interpolates).
 */
static double
bgnbd_bracket(double a, double rr, double bb, double c, double A, double t)
{
	int			sign;
	double		lf = cl_log_hyp2f1(rr, bb, c, t / (A + t), &sign);
	double		L,
				br;

	if (isnan(lf))
		return NAN;
	if (sign == 0)
		return c / (a - 1.0);
	L = -rr * log1p(t / A) + lf;
	br = sign > 0 ? -expm1(L) : 1.0 + exp(L);
	return c / (a - 1.0) * br;
}

/* a == 1 is a removable singularity: interpolate across it */
#define A_ONE_EPS 1e-4

static double
bgnbd_cond_raw(const double *p, double t, double x, double tx, double T)
{
	const double r = p[0],
				alpha = p[1],
				a = p[2],
				b = p[3];
	double		num = bgnbd_bracket(a, r + x, b + x, a + b + x - 1.0, alpha + T, t);

	return num * cl_bgnbd_p_alive(p, x, tx, T);
}

double
cl_bgnbd_expected_cond(const double *p, double t, double x, double tx, double T)
{
	if (t == 0)
		return 0.0;
	if (fabs(p[2] - 1.0) < A_ONE_EPS)
	{
		double		q[4];
		double		lo,
					hi,
					u = (p[2] - (1.0 - A_ONE_EPS)) / (2 * A_ONE_EPS);

		memcpy(q, p, sizeof(q));
		q[2] = 1.0 - A_ONE_EPS;
		lo = bgnbd_cond_raw(q, t, x, tx, T);
		q[2] = 1.0 + A_ONE_EPS;
		hi = bgnbd_cond_raw(q, t, x, tx, T);
		return (1.0 - u) * lo + u * hi;
	}
	return bgnbd_cond_raw(p, t, x, tx, T);
}

double
cl_bgnbd_expected_new(const double *p, double t)
{
	const double r = p[0],
				alpha = p[1],
				a = p[2],
				b = p[3];

	if (t == 0)
		return 0.0;
	if (fabs(a - 1.0) < A_ONE_EPS)
	{
		double		u = (a - (1.0 - A_ONE_EPS)) / (2 * A_ONE_EPS);
		double		a1 = 1.0 - A_ONE_EPS,
					a2 = 1.0 + A_ONE_EPS;

		return (1.0 - u) * bgnbd_bracket(a1, r, b, a1 + b - 1.0, alpha, t)
			+ u * bgnbd_bracket(a2, r, b, a2 + b - 1.0, alpha, t);
	}
	return bgnbd_bracket(a, r, b, a + b - 1.0, alpha, t);
}

double
cl_bgnbd_pmf(const double *p, double t, double n)
{
	const double r = p[0],
				alpha = p[1],
				a = p[2],
				b = p[3];
	double		lq,
				l1q,
				lbab,
				first,
				tail;

	if (t == 0)
		return n == 0 ? 1.0 : 0.0;
	lq = -log1p(t / alpha);		/* log(alpha / (alpha + t)) */
	l1q = -log1p(alpha / t);	/* log(t / (alpha + t)) */
	lbab = cl_lbeta(a, b);
	first = exp(cl_lbeta(a, b + n) - lbab + lgamma(r + n) - lgamma(r)
				- lgamma(n + 1.0) + r * lq + n * l1q);
	if (n == 0)
		return first;

	/*
	 * tail = P(NBD(r, alpha; t) >= n) = 1 - sum_{j<n} pmf_j; summed from
	 * below while that is accurate, else directly from n upwards.
	 */
	{
		double		lpmf = r * lq;	/* log pmf_0 */
		double		s = 0.0;
		double		j;

		for (j = 0; j < n; j++)
		{
			s += exp(lpmf);
			lpmf += log(r + j) - log(j + 1.0) + l1q;
		}
		if (s <= 0.5)
			tail = 1.0 - s;
		else
		{
			/* lpmf is now log pmf_n */
			double		term,
						sum = 0.0;

			for (j = n;; j++)
			{
				term = exp(lpmf);
				sum += term;
				if (term <= 1e-17 * sum && (r + j) * exp(l1q) < j + 1.0)
					break;
				if (j > n + 1e7)
					break;
				lpmf += log(r + j) - log(j + 1.0) + l1q;
			}
			tail = sum;
		}
	}
	return first + exp(cl_lbeta(a + 1.0, b + n - 1.0) - lbab) * tail;
}
