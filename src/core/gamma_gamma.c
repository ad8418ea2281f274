/*
 * gamma_gamma.c
 *		Gamma-Gamma spend model: likelihood, fit, expected spend; see
 *		gamma_gamma.h.
 */
#include "gamma_gamma.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "memo.h"
#include "optim.h"
#include "specfun.h"

double
cl_gg_loglik_rows(const double *pp, const ClFitRow *rows, uint32_t nrows,
				  double *grad)
{
	const double p = pp[0],
				q = pp[1],
				v = pp[2];
	const double lgq = lgamma(q),
				lnv = log(v);
	double		psiq = grad ? cl_digamma(q) : 0.0;
	double		ll = 0.0,
				g[3] = {0, 0, 0};
	double		cur_x = -1.0,
				cx = 0.0,
				psi_pxq = 0.0,
				psi_px = 0.0,
				lnx = 0.0;
	uint32_t	i;

	for (i = 0; i < nrows; i++)
	{
		const double x = rows[i].x,
					m = rows[i].tx,
					w = rows[i].count;
		double		px = p * x,
					lnm = log(m),
					lnxmv = log(x * m + v);

		if (x != cur_x)
		{
			cur_x = x;
			lnx = log(x);
			cx = lgamma(px + q) - lgamma(px) - lgq + q * lnv + px * lnx;
			if (grad)
			{
				psi_pxq = cl_digamma(px + q);
				psi_px = cl_digamma(px);
			}
		}
		ll += w * (cx + (px - 1.0) * lnm - (px + q) * lnxmv);
		if (grad)
		{
			g[0] += w * x * (psi_pxq - psi_px + lnm + lnx - lnxmv);
			g[1] += w * (psi_pxq - psiq + lnv - lnxmv);
			g[2] += w * (q / v - (px + q) / (x * m + v));
		}
	}
	if (grad)
	{
		grad[0] += g[0] * p;
		grad[1] += g[1] * q;
		grad[2] += g[2] * v;
	}
	return ll;
}

typedef struct GgCtx
{
	const ClFitRow *rows;
	uint32_t	nrows;
	double		n;
	double		penalizer;
	double	   *lnm;			/* log(m) of each row, computed once */
} GgCtx;

/*
 * cl_gg_loglik_rows for the fit: log(m) precomputed, x-only terms once per
 * group of equal x (rows sorted by x), one log per row and evaluation.
 */
static double
gg_eval(const GgCtx *ctx, const double *pp, double *grad)
{
	const double p = pp[0],
				q = pp[1],
				v = pp[2];
	const double lgq = lgamma(q),
				lnv = log(v);
	double		psiq = grad ? cl_digamma(q) : 0.0;
	double		ll = 0.0,
				g[3] = {0, 0, 0};
	uint32_t	i = 0;

	while (i < ctx->nrows)
	{
		double		x = ctx->rows[i].x,
					px = p * x,
					lnx = log(x);
		double		W = 0,
					SM = 0,
					SL = 0,
					SI = 0;

		for (; i < ctx->nrows && ctx->rows[i].x == x; i++)
		{
			double		w = ctx->rows[i].count,
						u = x * ctx->rows[i].tx + v;

			W += w;
			SM += w * ctx->lnm[i];
			SL += w * log(u);
			if (grad)
				SI += w / u;
		}
		ll += W * (lgamma(px + q) - lgamma(px) - lgq + q * lnv + px * lnx)
			+ (px - 1.0) * SM - (px + q) * SL;
		if (grad)
		{
			double		psi_pxq = cl_digamma(px + q);

			g[0] += x * (W * (psi_pxq - cl_digamma(px) + lnx) + SM - SL);
			g[1] += W * (psi_pxq - psiq + lnv) - SL;
			g[2] += W * q / v - (px + q) * SI;
		}
	}
	if (grad)
	{
		grad[0] = g[0] * p;
		grad[1] = g[1] * q;
		grad[2] = g[2] * v;
	}
	return ll;
}

double
cl_gg_loglik_fast(const double *p, const ClFitRow *rows, uint32_t nrows,
				  double *grad)
{
	GgCtx		ctx;
	double		ll;
	uint32_t	i;

	ctx.rows = rows;
	ctx.nrows = nrows;
	ctx.lnm = cl_core_alloc((nrows ? nrows : 1) * sizeof(double));
	if (ctx.lnm == NULL)
		return NAN;
	for (i = 0; i < nrows; i++)
		ctx.lnm[i] = log(rows[i].tx);
	ll = gg_eval(&ctx, p, grad);
	cl_core_free(ctx.lnm);
	return ll;
}

static double
gg_objective(const double *lp, double *grad, void *vctx)
{
	GgCtx	   *ctx = vctx;
	double		p[3],
				g[3] = {0, 0, 0},
				ll,
				f;
	int			i;

	for (i = 0; i < 3; i++)
	{
		if (!(fabs(lp[i]) <= CL_FIT_LOG_BOUND))
			return NAN;
		p[i] = exp(lp[i]);
	}
	ll = gg_eval(ctx, p, grad ? g : NULL);
	f = cl_fit_objective(ll, g, lp, 3, ctx->n, ctx->penalizer, grad);
	return f;
}

int
cl_gg_fit(const ClFitRow *rows, uint32_t nrows, double penalizer,
		  ClModelFit *fit)
{
	GgCtx		ctx;
	double		lp[3];
	double		n = 0,
				sm = 0;
	uint32_t	i;

	memset(fit, 0, sizeof(*fit));
	for (i = 0; i < nrows; i++)
	{
		n += rows[i].count;
		sm += rows[i].count * rows[i].tx;
	}
	ctx.rows = rows;
	ctx.nrows = nrows;
	ctx.n = n;
	ctx.penalizer = penalizer;
	ctx.lnm = cl_core_alloc((nrows ? nrows : 1) * sizeof(double));
	fit->n = n;
	if (ctx.lnm == NULL)
	{
		fit->p[0] = fit->p[1] = fit->p[2] = fit->p[3] = NAN;
		fit->log_likelihood = NAN;
		return 0;
	}
	for (i = 0; i < nrows; i++)
		ctx.lnm[i] = log(rows[i].tx);

	/* start: p = 1, q = 1, v = mean spend (the scale of the data) */
	lp[0] = 0.0;
	lp[1] = 0.0;
	lp[2] = log(sm / n);
	cl_model_optimize(gg_objective, &ctx, 3, lp, n, fit);
	fit->p[3] = NAN;
	fit->se[3] = NAN;
	fit->log_likelihood = gg_eval(&ctx, fit->p, NULL);
	cl_core_free(ctx.lnm);
	return cl_model_fit_check(fit, 3);
}

double
cl_gg_expected_spend(const double *pp, double x, double m)
{
	const double p = pp[0],
				q = pp[1],
				v = pp[2];
	double		den = p * x + q - 1.0;

	if (!(den > 0))
		return NAN;
	return p * (v + x * m) / den;
}

double
cl_clv(const double *bg, const double *gg, double x, double tx, double T,
	   double m, int months, double discount, double units_per_month)
{
	double		spend = cl_gg_expected_spend(gg, x, m);
	double		prev = 0.0,
				clv = 0.0;
	int			i;

	if (isnan(spend))
		return NAN;
	for (i = 1; i <= months; i++)
	{
		double		cum = cl_bgnbd_expected_cond(bg, i * units_per_month, x, tx, T);

		/* E[X(.)] is non-decreasing: a negative step is rounding */
		if (cum > prev)
		{
			clv += spend * (cum - prev) / pow(1.0 + discount, i);
			prev = cum;
		}
	}
	return clv;
}

double
cl_clv_pre(ClBgnbdPre *pre, ClGenMemo *memo, const double *gg, double x,
		   double tx, double T, double m, int months, double discount,
		   double units_per_month)
{
	double		spend = cl_gg_expected_spend(gg, x, m);
	double		prev = 0.0,
				clv = 0.0,
				alive;
	int			i;

	if (isnan(spend))
		return NAN;
	/* cl_bgnbd_expected_cond = bracket(x, T, t) * P(alive), P(alive) once */
	alive = cl_bgnbd_p_alive_pre(pre, x, tx, T);
	for (i = 1; i <= months; i++)
	{
		double		t = i * units_per_month,
					cum = t == 0 ? 0.0 : cl_bgnbd_bracket_pre(pre, memo, t, x, T) * alive;

		if (cum > prev)
		{
			clv += spend * (cum - prev) / pow(1.0 + discount, i);
			prev = cum;
		}
	}
	return clv;
}
