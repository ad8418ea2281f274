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

#include "memo.h"
#include "optim.h"
#include "specfun.h"

double
cl_bgnbd_loglik(const double *p, double x, double tx, double T, double w,
				double *grad)
{
	ClFitRow	row;

	row.x = x;
	row.tx = tx;
	row.T = T;
	row.count = w;
	return cl_bgnbd_loglik_rows(p, &row, 1, grad);
}

double
cl_bgnbd_loglik_rows(const double *p, const ClFitRow *rows, uint32_t nrows,
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
		const ClFitRow *row = &rows[i];
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

/*
 * The fit evaluates the likelihood many times over the same rows, so it
 * first builds a "design": the distinct values of T and of tx (a summary has
 * few: ages and recencies are whole days or weeks), each row's index into
 * them, and the groups of rows sharing x.  Per evaluation, log(alpha + T)
 * and log(alpha + tx) are then computed once per distinct value, the
 * x-only terms once per group, and each row costs one exp and one log1p.
 */
typedef struct BgnbdDesign
{
	const ClFitRow *rows;
	uint32_t	nrows;
	uint32_t	nT,
				ntx,
				ngroups;
	double	   *Tv,
			   *txv;			/* distinct values */
	uint32_t   *iT,
			   *itx;			/* per row */
	uint32_t   *gstart;			/* group g = rows [gstart[g], gstart[g+1]) */
	double	   *LT,
			   *IT,
			   *LTX,
			   *ITX;			/* scratch: log(alpha+v), 1/(alpha+v) */
	double	   *E3,
			   *E4;				/* scratch: per-group scaled exponentials */
	double		n;
	double		penalizer;
	int			shift;			/* 1: MBG/NBD (dropout also at time 0) */
} BgnbdDesign;

static int
dcmp(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

/*
 * Distinct values of one column of the rows (col 1 = tx, 2 = T) into
 * vals[] (sorted) and each row's index into them in idx[].  A small
 * open-addressing hash of the values (they are few in a summary: whole days
 * or weeks) keeps this linear; only the distinct values are sorted.
 * Returns the number of distinct values, 0 when out of memory.
 */
typedef struct VSlot
{
	double		v;
	uint32_t	rank;			/* UINT32_MAX: empty */
} VSlot;

static inline uint64_t
vhash(double v)
{
	uint64_t	u;

	if (v == 0)
		v = 0.0;
	memcpy(&u, &v, sizeof(u));
	u ^= u >> 33;
	u *= 0xff51afd7ed558ccdULL;
	u ^= u >> 33;
	return u;
}

static VSlot *
vinsert(VSlot *tab, uint32_t *cap, uint32_t *k, double v, int *oom)
{
	uint32_t	mask = *cap - 1,
				i = (uint32_t) vhash(v) & mask;

	while (tab[i].rank != UINT32_MAX)
	{
		if (tab[i].v == v)
			return tab;
		i = (i + 1) & mask;
	}
	tab[i].v = v;
	tab[i].rank = 0;
	if (++(*k) * 2 > *cap)
	{
		uint32_t	nc = *cap * 2,
					j;
		VSlot	   *nt = cl_core_alloc((size_t) nc * sizeof(VSlot));

		if (!nt)
		{
			*oom = 1;
			return tab;
		}
		for (j = 0; j < nc; j++)
			nt[j].rank = UINT32_MAX;
		for (j = 0; j < *cap; j++)
			if (tab[j].rank != UINT32_MAX)
			{
				uint32_t	p = (uint32_t) vhash(tab[j].v) & (nc - 1);

				while (nt[p].rank != UINT32_MAX)
					p = (p + 1) & (nc - 1);
				nt[p] = tab[j];
			}
		cl_core_free(tab);
		*cap = nc;
		return nt;
	}
	return tab;
}

static uint32_t
distinct_index(const ClFitRow *rows, uint32_t n, int col, double *vals, uint32_t *idx)
{
	uint32_t	cap = 1024,
				k = 0,
				i,
				j;
	int			oom = 0;
	VSlot	   *tab = cl_core_alloc((size_t) cap * sizeof(VSlot));

	if (!tab)
		return 0;
	for (i = 0; i < cap; i++)
		tab[i].rank = UINT32_MAX;
	for (i = 0; i < n && !oom; i++)
		tab = vinsert(tab, &cap, &k, col == 1 ? rows[i].tx : rows[i].T, &oom);
	if (oom)
	{
		cl_core_free(tab);
		return 0;
	}
	for (i = 0, j = 0; i < cap; i++)
		if (tab[i].rank != UINT32_MAX)
			vals[j++] = tab[i].v;
	qsort(vals, k, sizeof(double), dcmp);
	/* rank of each value: binary search once per distinct value */
	for (i = 0; i < cap; i++)
		if (tab[i].rank != UINT32_MAX)
		{
			uint32_t	lo = 0,
						hi = k;

			while (hi - lo > 1)
			{
				uint32_t	mid = (lo + hi) / 2;

				if (vals[mid] <= tab[i].v)
					lo = mid;
				else
					hi = mid;
			}
			tab[i].rank = lo;
		}
	for (i = 0; i < n; i++)
	{
		double		v = col == 1 ? rows[i].tx : rows[i].T;
		uint32_t	p = (uint32_t) vhash(v) & (cap - 1);

		while (tab[p].v != v)
			p = (p + 1) & (cap - 1);
		idx[i] = tab[p].rank;
	}
	cl_core_free(tab);
	return k;
}

static int
design_build(BgnbdDesign *d, const ClFitRow *rows, uint32_t nrows)
{
	uint32_t	i,
				g = 0;
	size_t		nb = nrows ? nrows : 1;

	memset(d, 0, sizeof(*d));
	d->rows = rows;
	d->nrows = nrows;
	d->Tv = cl_core_alloc(nb * sizeof(double));
	d->txv = cl_core_alloc(nb * sizeof(double));
	d->iT = cl_core_alloc(nb * sizeof(uint32_t));
	d->itx = cl_core_alloc(nb * sizeof(uint32_t));
	d->gstart = cl_core_alloc((nb + 1) * sizeof(uint32_t));
	d->LT = cl_core_alloc(nb * sizeof(double));
	d->IT = cl_core_alloc(nb * sizeof(double));
	d->LTX = cl_core_alloc(nb * sizeof(double));
	d->ITX = cl_core_alloc(nb * sizeof(double));
	d->E3 = cl_core_alloc(nb * sizeof(double));
	d->E4 = cl_core_alloc(nb * sizeof(double));
	if (!d->Tv || !d->txv || !d->iT || !d->itx || !d->gstart ||
		!d->LT || !d->IT || !d->LTX || !d->ITX || !d->E3 || !d->E4)
		return 0;
	for (i = 0; i < nrows; i++)
	{
		d->n += rows[i].count;
		if (i == 0 || rows[i].x != rows[i - 1].x)
			d->gstart[g++] = i;
	}
	d->nT = distinct_index(rows, nrows, 2, d->Tv, d->iT);
	d->ntx = distinct_index(rows, nrows, 1, d->txv, d->itx);
	if (nrows > 0 && (d->nT == 0 || d->ntx == 0))
		return 0;
	d->gstart[g] = nrows;
	d->ngroups = g;
	return 1;
}

static void
design_free(BgnbdDesign *d)
{
	cl_core_free(d->Tv);
	cl_core_free(d->txv);
	cl_core_free(d->iT);
	cl_core_free(d->itx);
	cl_core_free(d->gstart);
	cl_core_free(d->LT);
	cl_core_free(d->IT);
	cl_core_free(d->LTX);
	cl_core_free(d->ITX);
	cl_core_free(d->E3);
	cl_core_free(d->E4);
}

/* log-likelihood and its log-parameter gradient over a design */
static double
design_loglik(BgnbdDesign *d, const double *p, double *grad)
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
	double		ll = 0.0,
				g[4] = {0, 0, 0, 0};
	uint32_t	i,
				k;

	if (grad)
	{
		psi_r = cl_digamma(r);
		psi_b = cl_digamma(b);
		psi_ab = cl_digamma(a + b);
	}
	for (i = 0; i < d->nT; i++)
	{
		d->LT[i] = log(alpha + d->Tv[i]);
		d->IT[i] = 1.0 / (alpha + d->Tv[i]);
	}
	for (i = 0; i < d->ntx; i++)
	{
		d->LTX[i] = log(alpha + d->txv[i]);
		d->ITX[i] = 1.0 / (alpha + d->txv[i]);
	}
	for (k = 0; k < d->ngroups; k++)
	{
		uint32_t	lo = d->gstart[k],
					hi = d->gstart[k + 1];
		double		x = d->rows[lo].x,
					rx = r + x,
					xs = x + d->shift;
		double		cx = lgamma(rx) - lga_r + r * ln_alpha
			+ lga_ab + lgamma(b + xs) - lga_b - lgamma(a + b + xs);
		double		W = 0,
					S = 0,
					A = 0,
					B = 0,
					C = 0;

		if (xs == 0)
		{
			for (i = lo; i < hi; i++)
			{
				double		w = d->rows[i].count;
				uint32_t	j = d->iT[i];

				W += w;
				S += w * d->LT[j];
				B += w * d->IT[j];
			}
			ll += W * cx - rx * S;
			A = S;
		}
		else
		{
			double		bx1 = b + xs - 1.0;
			double		cx4 = ln_a - log(bx1);
			/* exponents a3 = -rx LT, a4 = cx4 - rx LTX; LT, LTX ascending */
			double		hi3 = -rx * d->LT[0],
						hi4 = cx4 - rx * d->LTX[0],
						lo3 = -rx * d->LT[d->nT - 1],
						lo4 = cx4 - rx * d->LTX[d->ntx - 1];
			double		off = hi3 > hi4 ? hi3 : hi4;
			double		emin = lo3 < lo4 ? lo3 : lo4;

			if (off - emin < 600.0 && d->nT + d->ntx <= 2 * (hi - lo))
			{
				/*
				 * Tables of exp(a3 - off), exp(a4 - off) for this x: each row
				 * then costs one log (no underflow: exponents span < 600).
				 */
				for (i = 0; i < d->nT; i++)
					d->E3[i] = exp(-rx * d->LT[i] - off);
				for (i = 0; i < d->ntx; i++)
					d->E4[i] = exp(cx4 - rx * d->LTX[i] - off);
				for (i = lo; i < hi; i++)
				{
					double		w = d->rows[i].count;
					uint32_t	j = d->iT[i],
								m = d->itx[i];
					double		e3 = d->E3[j],
								e4 = d->E4[m],
								sum = e3 + e4,
								inv = 1.0 / sum,
								w3 = e3 * inv,
								w4 = e4 * inv;

					S += w * log(sum);
					W += w;
					A += w * (w3 * d->LT[j] + w4 * d->LTX[m]);
					B += w * (w3 * d->IT[j] + w4 * d->ITX[m]);
					C += w * w4;
				}
				S += W * off;
			}
			else
			{
				for (i = lo; i < hi; i++)
				{
					double		w = d->rows[i].count;
					uint32_t	j = d->iT[i],
								m = d->itx[i];
					double		a3 = -rx * d->LT[j],
								a4 = cx4 - rx * d->LTX[m];
					double		dd = a3 - a4;
					double		e = exp(-fabs(dd));
					double		w3,
								w4;

					if (dd >= 0)
					{
						w3 = 1.0 / (1.0 + e);
						w4 = e * w3;
						S += w * (a3 + log1p(e));
					}
					else
					{
						w4 = 1.0 / (1.0 + e);
						w3 = e * w4;
						S += w * (a4 + log1p(e));
					}
					W += w;
					A += w * (w3 * d->LT[j] + w4 * d->LTX[m]);
					B += w * (w3 * d->IT[j] + w4 * d->ITX[m]);
					C += w * w4;
				}
			}
			ll += W * cx + S;
			if (grad)
			{
				g[2] += C / a;
				g[3] -= C / bx1;
			}
		}
		if (grad)
		{
			double		psi_abx = cl_digamma(a + b + xs);

			g[0] += W * (cl_digamma(rx) - psi_r + ln_alpha) - A;
			g[1] += W * (r / alpha) - rx * B;
			g[2] += W * (psi_ab - psi_abx);
			g[3] += W * (psi_ab + cl_digamma(b + xs) - psi_b - psi_abx);
		}
	}
	if (grad)
	{
		grad[0] = g[0] * r;
		grad[1] = g[1] * alpha;
		grad[2] = g[2] * a;
		grad[3] = g[3] * b;
	}
	return ll;
}

/* the shared penalised objective (cl_fit_objective) over log parameters */
static double
bgnbd_objective(const double *lp, double *grad, void *vctx)
{
	BgnbdDesign *d = vctx;
	double		p[4],
				g[4],
				ll,
				f;
	int			i;

	for (i = 0; i < 4; i++)
	{
		if (!(fabs(lp[i]) <= CL_FIT_LOG_BOUND))
			return NAN;
		p[i] = exp(lp[i]);
	}
	ll = design_loglik(d, p, grad ? g : NULL);
	f = cl_fit_objective(ll, g, lp, 4, d->n, d->penalizer, grad);
	return f;
}

double
cl_bgnbd_loglik_fast(const double *p, const ClFitRow *rows, uint32_t nrows,
					 double *grad)
{
	return cl_bgnbd_loglik_fast_variant(p, rows, nrows, grad, 0);
}

double
cl_bgnbd_loglik_fast_variant(const double *p, const ClFitRow *rows,
							 uint32_t nrows, double *grad, int modified)
{
	BgnbdDesign d;
	double		ll;

	if (!design_build(&d, rows, nrows))
	{
		design_free(&d);
		return NAN;
	}
	d.shift = modified ? 1 : 0;
	ll = design_loglik(&d, p, grad);
	design_free(&d);
	return ll;
}

int
cl_bgnbd_fit(const ClFitRow *rows, uint32_t nrows, double penalizer,
			 ClModelFit *fit)
{
	return cl_bgnbd_fit_variant(rows, nrows, penalizer, fit, 0);
}

int
cl_bgnbd_fit_variant(const ClFitRow *rows, uint32_t nrows, double penalizer,
					 ClModelFit *fit, int modified)
{
	BgnbdDesign d;
	double		lp[4];
	double		sx = 0,
				sT = 0,
				n = 0;
	uint32_t	i;
	int			k;

	memset(fit, 0, sizeof(*fit));
	for (i = 0; i < nrows; i++)
	{
		n += rows[i].count;
		sx += rows[i].count * rows[i].x;
		sT += rows[i].count * rows[i].T;
	}
	fit->n = n;
	if (!design_build(&d, rows, nrows))
	{
		design_free(&d);
		for (k = 0; k < 4; k++)
			fit->p[k] = fit->se[k] = NAN;
		fit->log_likelihood = NAN;
		return 0;
	}
	d.penalizer = penalizer;
	d.shift = modified ? 1 : 0;

	/* start: r = 1, alpha = 1 / (mean rate), a = b = 1 */
	lp[0] = 0.0;
	lp[1] = log((sT > 0 ? sT : n) / (sx > 0.1 * n ? sx : 0.1 * n));
	lp[2] = 0.0;
	lp[3] = 0.0;

	cl_model_optimize(bgnbd_objective, &d, 4, lp, n, fit);
	fit->log_likelihood = design_loglik(&d, fit->p, NULL);
	design_free(&d);
	return cl_model_fit_check(fit, 4);
}

static double bg_bracket(double a, double rr, double bb, double A, double t);

double
cl_bgnbd_bracket(double a, double rr, double bb, double A, double t)
{
	return bg_bracket(a, rr, bb, A, t);
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
 * The expected number of purchases in a horizon t of a customer who is alive
 * now, with purchase rate lambda ~ Gamma(rr, A) and dropout probability
 * p ~ Beta(a, bb) (rr = r + x, A = alpha + T, bb = b + x given the history;
 * r, alpha, b for a new customer): E[(1 - e^(-lambda p t)) / p] =
 *
 *	g = E_p[(1 - (1 + p y)^-rr) / p],  y = t / A,
 *	  = c/(a-1) (1 - (1+y)^-rr 2F1(rr, bb; c; y/(1+y))),  c = a + bb - 1
 *
 * (FHL 2005a eqs. 7 and 10).  The closed form cancels badly in three places
 * (t small, a near 1, and (1+y)^-rr 2F1 near 1, e.g. a large bb), so it is
 * evaluated by whichever of three methods keeps full precision:
 *
 * (1) y < 1: Pfaff's transformation, g = -c sum_{n>=1} (rr)_n (a)_(n-1) /
 *     ((c)_n n!) (-y)^n (no singularity at a = 1); accepted when the
 *     largest term is within 1e4 of the sum (at most 4 digits lost);
 * (2) y/(1+y) <= 0.95: the positive series of 2F1(rr, bb; c; z) in logs,
 *     then 1 - (1+y)^-rr F by expm1; accepted when the rounding error of
 *     the log, carried through expm1 and c/(a-1), stays below 1e-10;
 * (3) otherwise, g as the integral over p, in the logit s = log(p/(1-p)),
 *     where the Beta density is log-concave and smooth for every a, bb:
 *     adaptive Gauss-Kronrod over pieces cut at the mode +- 2^k standard
 *     widths out to where the density has fallen by e^-46.
 * Returns NaN when none succeeds (the caller raises 22003).
 */
#define BG_EPS 2.220446049250313e-16

static double
bg_bracket_pfaff(double a, double rr, double c, double y)
{
	double		w = -y,
				term = rr / c * w,
				sum = term,
				big = fabs(term);

	for (int n = 1; n < 2000; n++)
	{
		term *= (rr + n) * (a + n - 1.0) / ((c + n) * (n + 1.0)) * w;
		sum += term;
		if (fabs(term) > big)
			big = fabs(term);
		if (fabs(term) <= 1e-17 * fabs(sum) &&
			fabs((rr + n + 1) * (a + n) / ((c + n + 1) * (n + 2.0)) * w) < 1.0)
		{
			if (!(big <= 1e4 * fabs(sum)))
				return NAN;
			return -c * sum;
		}
	}
	return NAN;
}

static double
bg_bracket_series(double a, double rr, double bb, double c, double y)
{
	double		z = y / (1.0 + y),
				term = 1.0,
				sum = 1.0,
				lscale = 0.0,
				lf,
				L,
				br,
				err;
	int			n;

	for (n = 0; n < 100000; n++)
	{
		double		ratio = (rr + n) * (bb + n) / ((c + n) * (n + 1.0)) * z;

		term *= ratio;
		sum += term;
		if (sum > 1e250)
		{
			sum *= 1e-250;
			term *= 1e-250;
			lscale += 250.0 * M_LN10;
		}
		if (term <= 1e-17 * sum && ratio < 1.0)
			break;
	}
	if (n >= 100000)
		return NAN;
	lf = log(sum) + lscale;
	L = lf - rr * log1p(y);
	br = -expm1(L);
	/* rounding error of L (n positive terms, two logs) carried through expm1 */
	err = 4.0 * BG_EPS * (n + 2.0 + fabs(lf) + fabs(rr * log1p(y)));
	if (!(br != 0.0 && err * exp(L) <= 1e-10 * fabs(br)))
		return NAN;
	if (fabs(a - 1.0) < 1e-300)
		return NAN;
	return c / (a - 1.0) * br;
}

typedef struct BgQuadCtx
{
	double		a,
				apb,			/* a + bb */
				rr,
				y,
				lnorm;			/* log B(a, bb) */
} BgQuadCtx;

/* log of the Beta(a, bb) density of p in the logit s, with dp/ds */
static inline double
bg_logit_logdens(const BgQuadCtx *c, double s)
{
	return c->a * s - c->apb * cl_log1pexp(s) - c->lnorm;
}

/* density times (1 - (1 + p y)^-rr) / p */
static void
bg_quad_fn(double s, void *vctx, double *out)
{
	BgQuadCtx *c = (BgQuadCtx *) vctx;
	double		lp = -cl_log1pexp(-s),	/* log p */
				p = exp(lp),
				h;

	if (lp + log(c->rr * c->y) < -18.4)
	{
		/* rr p y < 1e-8: 1 - (1+u)^-rr = rr u (1 - (rr+1) u / 2 + O(u^2)) */
		double		u = p * c->y;

		h = c->rr * c->y * (1.0 - 0.5 * (c->rr + 1.0) * u);
	}
	else
		h = -expm1(-c->rr * log1p(p * c->y)) / p;
	out[0] = exp(bg_logit_logdens(c, s)) * h;
}

static double
bg_bracket_quad(double a, double rr, double bb, double y)
{
	BgQuadCtx c = {a, a + bb, rr, y, cl_lbeta(a, bb)};
	double		mode = log(a / bb),
				sd = sqrt(1.0 / a + 1.0 / bb),
				lpeak = bg_logit_logdens(&c, mode),
				pts[200],
				scale = 0.0,
				total = 0.0;
	int			np = 0,
				k;
	double		left[100],
				right[100];
	int			nl = 0,
				nr = 0;

	/* cut points: mode -+ sd 2^k until the density is e^-46 below its peak */
	for (k = 0; k < 100; k++)
	{
		double		s = mode - sd * ldexp(1.0, k - 2);

		left[nl++] = s;
		if (bg_logit_logdens(&c, s) < lpeak - 46.0)
			break;
	}
	for (k = 0; k < 100; k++)
	{
		double		s = mode + sd * ldexp(1.0, k - 2);

		right[nr++] = s;
		if (bg_logit_logdens(&c, s) < lpeak - 46.0)
			break;
	}
	for (k = nl - 1; k >= 0; k--)
		pts[np++] = left[k];
	pts[np++] = mode;
	for (k = 0; k < nr; k++)
		pts[np++] = right[k];
	/* the scale of the integral: a trapezoid over the cut points */
	for (k = 0; k + 1 < np; k++)
	{
		double		f0,
					f1;

		bg_quad_fn(pts[k], &c, &f0);
		bg_quad_fn(pts[k + 1], &c, &f1);
		scale += 0.5 * (f0 + f1) * (pts[k + 1] - pts[k]);
	}
	if (!(scale > 0) || !isfinite(scale))
		return NAN;
	for (k = 0; k + 1 < np; k++)
	{
		double		v;

		cl_gk_integrate(bg_quad_fn, &c, 1, pts[k], pts[k + 1], 1e-14, scale, 400, &v);
		total += v;
	}
	return total;
}

static double
bg_bracket(double a, double rr, double bb, double A, double t)
{
	double		c = a + bb - 1.0,
				y = t / A,
				v = NAN;

	if (t == 0)
		return 0.0;
	if (!isfinite(y))
		return NAN;
	if (c > 0.5 && y < 1.0)
		v = bg_bracket_pfaff(a, rr, c, y);
	if (isnan(v) && c > 0.5 && y / (1.0 + y) <= 0.95)
		v = bg_bracket_series(a, rr, bb, c, y);
	if (isnan(v))
		v = bg_bracket_quad(a, rr, bb, y);
	/* g lies between 0 and rr y (h(p) <= h(0) = rr y) */
	if (v < 0)
		v = 0;
	if (v > rr * y)
		v = rr * y;
	return v;
}

double
cl_bgnbd_expected_cond(const double *p, double t, double x, double tx, double T)
{
	const double r = p[0],
				alpha = p[1],
				a = p[2],
				b = p[3];

	if (t == 0)
		return 0.0;
	return bg_bracket(a, r + x, b + x, alpha + T, t) * cl_bgnbd_p_alive(p, x, tx, T);
}

void
cl_bgnbd_pre_init(ClBgnbdPre *pre, const double *p)
{
	memcpy(pre->p, p, sizeof(pre->p));
	pre->la = log(p[2]);
	pre->have = 0;
}

/* cl_bgnbd_p_alive with log(a) and log(b + x - 1) from pre */
double
cl_bgnbd_p_alive_pre(ClBgnbdPre *pre, double x, double tx, double T)
{
	const double r = pre->p[0],
				alpha = pre->p[1],
				b = pre->p[3];
	double		lbx,
				lodds;

	if (x == 0)
		return 1.0;
	if (x >= 1 && x <= CL_BGNBD_PRE_NX)
	{
		int			i = (int) x - 1;

		if (!(pre->have & ((uint64_t) 1 << i)))
		{
			pre->lbx[i] = log(b + x - 1.0);
			pre->have |= (uint64_t) 1 << i;
		}
		lbx = pre->lbx[i];
	}
	else
		lbx = log(b + x - 1.0);
	lodds = pre->la - lbx + (r + x) * log1p((T - tx) / (alpha + tx));
	return exp(-cl_log1pexp(lodds));
}

double
cl_bgnbd_bracket_pre(const ClBgnbdPre *pre, ClGenMemo *memo, double t, double x,
					 double T)
{
	const double r = pre->p[0],
				alpha = pre->p[1],
				a = pre->p[2],
				b = pre->p[3];
	double		key[3] = {x, T, t},
				br;

	if (memo != NULL && cl_genmemo_get(memo, key, 3, &br))
		return br;
	br = bg_bracket(a, r + x, b + x, alpha + T, t);
	if (memo != NULL)
		cl_genmemo_put(memo, key, 3, br);
	return br;
}

double
cl_bgnbd_expected_cond_pre(ClBgnbdPre *pre, ClGenMemo *memo, double t, double x,
						   double tx, double T)
{
	if (t == 0)
		return 0.0;
	return cl_bgnbd_bracket_pre(pre, memo, t, x, T) * cl_bgnbd_p_alive_pre(pre, x, tx, T);
}

double
cl_bgnbd_expected_new(const double *p, double t)
{
	return bg_bracket(p[2], p[0], p[3], p[1], t);
}

/* log P(NBD(r, alpha; t) = j) = lnG(r+j) - lnG(r) - ln j! + r lq + j l1q */
static inline double
nbd_lpmf(double r, double j, double lq, double l1q)
{
	return cl_lgamma_ratio(r, j) - cl_lgamma_ratio(1.0, j) + r * lq + (j > 0 ? j * l1q : 0.0);
}

/*
 * P(X(t) = n) = B(a, b+n)/B(a, b) NBD_n + [n > 0] B(a+1, b+n-1)/B(a, b)
 * P(NBD >= n) (FHL 2005a eq. 8).  The beta ratios and the NBD terms are
 * ratios of gamma functions taken with cl_lgamma_ratio / cl_lbeta_ratio
 * (no cancellation of large lgamma values); the tail is 1 minus the terms
 * below n while those sum to at most 1/2, else the terms from n upwards,
 * with the running log term recomputed exactly every 256 steps.
 */
double
cl_bgnbd_pmf(const double *p, double t, double n)
{
	const double r = p[0],
				alpha = p[1],
				a = p[2],
				b = p[3];
	double		lq,
				l1q,
				first,
				tail,
				v;

	if (t == 0)
		return n == 0 ? 1.0 : 0.0;
	lq = -log1p(t / alpha);		/* log(alpha / (alpha + t)) */
	l1q = -log1p(alpha / t);	/* log(t / (alpha + t)) */
	first = exp(cl_lbeta_ratio(a, b, n) + nbd_lpmf(r, n, lq, l1q));
	if (n == 0)
		return first;

	{
		double		lpmf = r * lq;	/* log pmf_0 */
		double		s = 0.0;
		double		j;

		for (j = 0; j < n; j++)
		{
			s += exp(lpmf);
			if (((long) j & 255) == 255)
				lpmf = nbd_lpmf(r, j + 1, lq, l1q);
			else
				lpmf += log((r + j) / (j + 1.0)) + l1q;
		}
		if (s <= 0.5)
			tail = 1.0 - s;
		else
		{
			double		term,
						sum = 0.0;

			lpmf = nbd_lpmf(r, n, lq, l1q);
			for (j = n;; j++)
			{
				term = exp(lpmf);
				sum += term;
				if (term <= 1e-17 * sum && (r + j) * exp(l1q) < j + 1.0)
					break;
				if (j > n + 1e8)
					return NAN;
				if (((long) (j - n) & 255) == 255)
					lpmf = nbd_lpmf(r, j + 1, lq, l1q);
				else
					lpmf += log((r + j) / (j + 1.0)) + l1q;
			}
			tail = sum;
		}
	}
	/* B(a+1, b+n-1)/B(a, b) = a/(a+b+n-1) B(a, b+n-1)/B(a, b) */
	v = first + exp(log(a / (a + b + n - 1.0)) + cl_lbeta_ratio(a, b, n - 1.0)) * tail;
	return v > 1.0 ? 1.0 : v;
}
