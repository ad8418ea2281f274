/*
 * pareto_nbd.c
 *		Pareto/NBD likelihood with analytic gradient, and its predictions.
 *		See pareto_nbd.h for the formulas and the sources.
 */
#include "pareto_nbd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optim.h"
#include "memo.h"
#include "specfun.h"

/* adaptive Gauss-Kronrod quadrature: cl_gk_integrate of specfun.h */
#define GK_MAXDIM CL_GK_MAXDIM
#define GK_MAXINTERVALS 200	/* subintervals per integral */
typedef ClGkFn GkFn;

static void
gk_integrate(GkFn f, void *ctx, int dim, double a, double b, double reltol, double *out)
{
	cl_gk_integrate(f, ctx, dim, a, b, reltol, 0.0, GK_MAXINTERVALS, out);
}

/* ---- the death-time integral of the likelihood ------------------------------ */

/*
 * I = Integral_{t_x}^{T} (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau.
 * With K = r+s+x, m = alpha (when r+x >= s+1; else m = beta) and
 * u = (m+tau)^-K this is (1/K) Integral h du, where
 * h = ((m+tau)/(o+tau))^e, o the other scale, e the other exponent, a
 * bounded, slowly varying function; u is mapped to y in [0, 1].
 */
typedef struct PnbdIntCtx
{
	double		m,				/* scale of the substituted factor */
				o,				/* the other scale */
				cm,				/* exponent left on (m + tau) in h */
				eo,				/* exponent of (o + tau) in f */
				K,
				lmt,			/* log(m + t_x) */
				lot,			/* log(o + t_x) */
				omq;			/* 1 - ((m+t_x)/(m+T))^K */
	int			m_is_alpha;
	int			dim;			/* 1: value only; 5: with the moments */
} PnbdIntCtx;

static void
pnbd_int_fn(double y, void *vctx, double *out)
{
	PnbdIntCtx *c = (PnbdIntCtx *) vctx;
	double		L = -log1p(-y * c->omq) / c->K;	/* log((m+tau)/(m+t_x)) */
	double		mt = exp(c->lmt + L);	/* m + tau */
	double		ot = (c->o - c->m) + mt;	/* o + tau */
	double		lo = log(ot);
	double		h = exp(c->cm * L - c->eo * (lo - c->lot));
	double		lm = c->lmt + L;

	out[0] = h;
	if (c->dim == 1)
		return;
	if (c->m_is_alpha)
	{
		out[1] = h * lm;
		out[2] = h / mt;
		out[3] = h * lo;
		out[4] = h / ot;
	}
	else
	{
		out[1] = h * lo;
		out[2] = h / ot;
		out[3] = h * lm;
		out[4] = h / mt;
	}
}

/*
 * Gauss-Legendre rules on [0, 1] of 3, 4 and 6 points (nodes x in [-1, 1],
 * symmetric; GL3 has the midpoint).
 */
static const double gl3_x[2] = {0.0, 0.7745966692414834};
static const double gl3_w[2] = {0.8888888888888888, 0.5555555555555556};
static const double gl4_x[2] = {0.3399810435848563, 0.8611363115940526};
static const double gl4_w[2] = {0.6521451548625461, 0.3478548451374538};
static const double gl6_x[3] = {0.2386191860831969, 0.6612093864662645, 0.9324695142031521};
static const double gl6_w[3] = {0.4679139345726910, 0.3607615730481386, 0.1713244923791704};

/*
 * Largest omq (the fraction of u = (m+tau)^-K covered, see PnbdIntCtx) and
 * variation of log h for the 3- and 4-point rules.  The integrand in y is
 * analytic but for its singularity at y = 1/omq; an n-point rule then errs
 * by about (omq/4)^(2n) relative (Bernstein ellipse of parameter ~4/omq):
 * 1e-16 for the 6-point rule at omq = 0.2 (the bound of the short-interval
 * branch).  Measured against the 6-point rule on the gaps of the CDNOW and
 * bench/models.sh likelihoods (all frequencies, every iterate of the fits),
 * the 4-point rule agrees to 2e-15 (CDNOW) and 1.4e-14 (the rounding of
 * the comparison) up to 0.08 and the 3-point rule up to 0.01; the limits
 * below keep a margin.
 */
#define PNBD_GL3_OMQ 0.008
#define PNBD_GL4_OMQ 0.05

/* an interval (t_x, T] is split into at most this many pieces (else GK) */
#define PNBD_MAX_PIECES 32

/*
 * log I; mom (may be NULL) gets the means under the integrand of
 * log(alpha+tau), 1/(alpha+tau), log(beta+tau), 1/(beta+tau).
 * -Inf when T == t_x.  lpre (may be NULL) holds log(alpha + t_x) and
 * log(beta + t_x) when the caller has them.  rel (may be NULL) gets
 * I exp(-L1(t_x)) (see pnbd_rel_integral); the return value is then not
 * computed (0) unless the interval was split.
 *
 * f = (alpha+tau)^-ea (beta+tau)^-eb with ea = r+x, eb = s+1 is written
 * (m+tau)^-(K+1) h with u = (m+tau)^-K substituted: either m carries both
 * exponents (K = ea+eb-1, h = ((m+tau)/(o+tau))^eo: flat when alpha ~ beta)
 * or only its own (K = e_m - 1, h = (o+tau)^-eo: flat when the other factor
 * hardly varies over the interval).  Of the four choices the one whose h
 * varies least over (t_x, T] is used.  Short intervals (the gaps of the
 * grouped likelihood) take one Gauss-Legendre rule; longer ones are cut
 * into at most PNBD_MAX_PIECES pieces of equal ratio (m+tau_j+1)/(m+tau_j)
 * that each qualify, or else integrated by adaptive Gauss-Kronrod.
 */
static double
pnbd_log_integral_x(double r, double alpha, double s, double beta, double x,
					double t_x, double T, double *mom, const double *lpre,
					int may_split, double *rel)
{
	PnbdIntCtx c;
	double		res[5],
				ea = r + x,
				eb = s + 1,
				Da,
				Db,
				D,
				best = INFINITY;

	if (!(T > t_x))
	{
		if (mom != NULL)
		{
			mom[0] = log(alpha + T);
			mom[1] = 1.0 / (alpha + T);
			mom[2] = log(beta + T);
			mom[3] = 1.0 / (beta + T);
		}
		if (rel != NULL)
			*rel = 0.0;
		return -INFINITY;
	}
	Da = log1p((T - t_x) / (alpha + t_x));	/* log((alpha+T)/(alpha+t_x)) */
	Db = log1p((T - t_x) / (beta + t_x));
	/* default: alpha carries both exponents (K = r+s+x > 0 always) */
	c.m_is_alpha = 1;
	c.K = ea + eb - 1;
	c.cm = eb;
	c.eo = eb;
	for (int option = 0; option < 4; option++)
	{
		int			m_alpha = option % 2 == 0;
		int			both = option < 2;
		double		em = m_alpha ? ea : eb,
					eo = m_alpha ? eb : ea,
					Dm = m_alpha ? Da : Db,
					Do = m_alpha ? Db : Da,
					K = both ? em + eo - 1 : em - 1,
					cm = K + 1 - em,
					v;

		if (!(K > 0.25))
			continue;
		/* variation of log h over the interval (log h is monotone in tau) */
		v = fabs(cm * Dm - eo * Do);
		if (v < best)
		{
			best = v;
			c.m_is_alpha = m_alpha;
			c.K = K;
			c.cm = cm;
			c.eo = eo;
		}
	}
	c.m = c.m_is_alpha ? alpha : beta;
	c.o = c.m_is_alpha ? beta : alpha;
	if (lpre != NULL)
	{
		c.lmt = lpre[c.m_is_alpha ? 0 : 1];
		c.lot = lpre[c.m_is_alpha ? 1 : 0];
	}
	else
	{
		c.lmt = log(c.m + t_x);
		c.lot = log(c.o + t_x);
	}
	D = c.m_is_alpha ? Da : Db;
	c.omq = -expm1(-c.K * D);

	c.dim = mom != NULL ? 5 : 1;
	if (c.omq < 0.2 && best < 0.2)
	{
		/*
		 * A short interval: the integrand is nearly constant and its nearest
		 * singularity (y = 1/omq) is far, so a Gauss-Legendre rule of 3, 4
		 * or 6 points is exact to ~1e-15.
		 */
		const double *gx = gl6_x,
				   *gw = gl6_w;
		int			npair = 3;
		double		v1[GK_MAXDIM],
					v2[GK_MAXDIM];

		if (c.omq < PNBD_GL3_OMQ && best < PNBD_GL3_OMQ)
			gx = gl3_x, gw = gl3_w, npair = 2;
		else if (c.omq < PNBD_GL4_OMQ && best < PNBD_GL4_OMQ)
			gx = gl4_x, gw = gl4_w, npair = 2;
		for (int d = 0; d < c.dim; d++)
			res[d] = 0.0;
		for (int i = 0; i < npair; i++)
		{
			pnbd_int_fn(0.5 - 0.5 * gx[i], &c, v1);
			if (gx[i] == 0.0)
			{
				for (int d = 0; d < c.dim; d++)
					res[d] += 0.5 * gw[i] * v1[d];
				continue;
			}
			pnbd_int_fn(0.5 + 0.5 * gx[i], &c, v2);
			for (int d = 0; d < c.dim; d++)
				res[d] += 0.5 * gw[i] * (v1[d] + v2[d]);
		}
	}
	else
	{
		double		npieces = ceil(fmax(c.K * D, best) / 0.15);

		/* compared as a double: an infinite or huge count must not be cast */
		int			pieces = (npieces >= 2.0 && npieces <= PNBD_MAX_PIECES) ? (int) npieces : 0;

		if (may_split && pieces >= 2 && pieces <= PNBD_MAX_PIECES)
		{
			/* pieces of equal log-ratio (m+tau_j+1)/(m+tau_j) */
			double		lI = -INFINITY,
						acc[4] = {0.0, 0.0, 0.0, 0.0},
						lo = t_x;

			for (int j = 1; j <= pieces; j++)
			{
				double		hi = j == pieces ? T : (c.m + t_x) * exp(D * j / pieces) - c.m,
							pm[4],
							lp;

				if (!(hi > lo))
					continue;
				lp = pnbd_log_integral_x(r, alpha, s, beta, x, lo, hi,
										 mom != NULL ? pm : NULL, NULL, 0, NULL);
				if (mom != NULL)
				{
					double		lnew = cl_logsumexp2(lI, lp),
								w_old = exp(lI - lnew),
								w_new = exp(lp - lnew);

					for (int k = 0; k < 4; k++)
						acc[k] = w_old * acc[k] + w_new * pm[k];
					lI = lnew;
				}
				else
					lI = cl_logsumexp2(lI, lp);
				lo = hi;
			}
			if (mom != NULL)
				memcpy(mom, acc, sizeof(acc));
			if (rel != NULL)
				*rel = exp(lI + ea * (c.m_is_alpha ? c.lmt : c.lot)
						   + (eb - 1) * (c.m_is_alpha ? c.lot : c.lmt));
			return lI;
		}
		gk_integrate(pnbd_int_fn, &c, c.dim, 0.0, 1.0, 1e-13, res);
	}
	if (mom != NULL)
	{
		mom[0] = res[1] / res[0];
		mom[1] = res[2] / res[0];
		mom[2] = res[3] / res[0];
		mom[3] = res[4] / res[0];
	}
	if (rel != NULL)
	{
		/* the caller wants only the ratio: no logs */
		*rel = (c.m + t_x) / (beta + t_x) * c.omq / c.K * res[0];
		return 0.0;
	}
	/* I = u(t_x) (1 - q) / K * h(t_x) * Integral (h / h(t_x)) dy */
	return -c.K * c.lmt + cl_log1mexp(-c.K * D) - log(c.K)
		+ c.cm * c.lmt - c.eo * c.lot + log(res[0]);
}

static double
pnbd_log_integral(double r, double alpha, double s, double beta, double x,
				  double t_x, double T, double *mom, const double *lpre)
{
	return pnbd_log_integral_x(r, alpha, s, beta, x, t_x, T, mom, lpre, 1, NULL);
}

/*
 * The same integral as I / (f(t_x) (beta + t_x)) = I exp(-L1(t_x)), f the
 * integrand (L1 of pnbd_row at T = t_x): a ratio of moderate size, found
 * without the logs of the short-interval branch.  lpre as above (required).
 */
static double
pnbd_rel_integral(double r, double alpha, double s, double beta, double x,
				  double t_x, double T, double *mom, const double *lpre)
{
	double		rel;

	(void) pnbd_log_integral_x(r, alpha, s, beta, x, t_x, T, mom, lpre, 1, &rel);
	return rel;
}

/*
 * What one customer's likelihood needs besides log I: terms that depend only
 * on x (shared by every customer of that frequency) and only on T.
 */
typedef struct PnbdTerms
{
	double		lalpha;			/* log(alpha), log(beta), log(s) */
	double		lbeta;
	double		ls;
	double		lg_rx;			/* lgamma(r + x) - lgamma(r) */
	double		dg_rx;			/* digamma(r + x) - digamma(r) */
	double		la_T;			/* log(alpha + T) */
	double		lb_T;			/* log(beta + T) */
} PnbdTerms;

/*
 * One customer's log-likelihood from log I (I the death-time integral over
 * (t_x, T]) and, for the gradient, the means under the integrand of
 * log(alpha+tau), 1/(alpha+tau), log(beta+tau), 1/(beta+tau).
 */
static double
pnbd_row(const double p[4], double x, double T, const PnbdTerms *tm, double logI,
		 const double *mom, double *grad, double *p_alive)
{
	double		r = p[0],
				alpha = p[1],
				s = p[2],
				beta = p[3];
	double		common,
				L1,
				LA,
				tail,
				p1,
				p2;

	double		e;

	common = tm->lg_rx + r * tm->lalpha + s * tm->lbeta;
	L1 = -(r + x) * tm->la_T - s * tm->lb_T;
	LA = tm->ls + logI;
	/* log(exp(L1) + exp(LA)) and P(alive) = exp(L1) / (exp(L1) + exp(LA)) */
	if (LA <= L1)
	{
		e = exp(LA - L1);
		tail = L1 + log1p(e);
		p1 = 1.0 / (1.0 + e);
		p2 = e * p1;
	}
	else
	{
		e = exp(L1 - LA);
		tail = LA + log1p(e);
		p2 = 1.0 / (1.0 + e);
		p1 = e * p2;
	}
	if (p_alive != NULL)
		*p_alive = p1;
	if (grad != NULL)
	{
		grad[0] = tm->dg_rx + tm->lalpha - p1 * tm->la_T - (p2 > 0 ? p2 * mom[0] : 0.0);
		grad[1] = r / alpha - p1 * (r + x) / (alpha + T) - (p2 > 0 ? p2 * (r + x) * mom[1] : 0.0);
		grad[2] = tm->lbeta - p1 * tm->lb_T + (p2 > 0 ? p2 * (1.0 / s - mom[2]) : 0.0);
		grad[3] = s / beta - p1 * s / (beta + T) - (p2 > 0 ? p2 * (s + 1) * mom[3] : 0.0);
	}
	return common + tail;
}

double
cl_pnbd_loglik_one(const double p[4], double x, double t_x, double T,
				   double *grad, double *p_alive)
{
	double		mom[4] = {0.0, 0.0, 0.0, 0.0};
	double		logI = pnbd_log_integral(p[0], p[1], p[2], p[3], x, t_x, T,
										 grad != NULL ? mom : NULL, NULL);
	PnbdTerms	tm;

	tm.lalpha = log(p[1]);
	tm.lbeta = log(p[3]);
	tm.ls = log(p[2]);
	tm.lg_rx = cl_lgamma(p[0] + x) - cl_lgamma(p[0]);
	tm.dg_rx = grad != NULL ? cl_digamma(p[0] + x) - cl_digamma(p[0]) : 0.0;
	tm.la_T = log(p[1] + T);
	tm.lb_T = log(p[3] + T);
	return pnbd_row(p, x, T, &tm, logI, mom, grad, p_alive);
}

double
cl_pnbd_loglik_2f1(const double p[4], double x, double t_x, double T)
{
	double		r = p[0],
				alpha = p[1],
				s = p[2],
				beta = p[3];
	double		rsx = r + s + x;
	double		mx = alpha >= beta ? alpha : beta;
	double		b = alpha >= beta ? s + 1 : r + x;
	double		d = fabs(alpha - beta);
	int			sg1,
				sg2;
	double		l1 = cl_log_hyp2f1(rsx, b, rsx + 1, d / (mx + t_x), &sg1) - rsx * log(mx + t_x);
	double		l2 = cl_log_hyp2f1(rsx, b, rsx + 1, d / (mx + T), &sg2) - rsx * log(mx + T);
	double		lA0 = cl_logdiffexp(l1, l2);
	double		common = cl_lgamma(r + x) - cl_lgamma(r) + r * log(alpha) + s * log(beta);
	double		L1 = -(r + x) * log(alpha + T) - s * log(beta + T);

	return common + cl_logsumexp2(L1, log(s) - log(rsx) + lA0);
}

/*
 * The likelihood of many customers shares work: for one frequency x the
 * integrand does not depend on the customer, so with the distinct t_x and T
 * values of that x as points p_0 > p_1 > ... (p_0 the largest), the tail
 * integrals G(p_i) = Integral_{p_i}^{p_0} (and the moments) are cumulated
 * gap by gap, and I = G(t_x) - G(T).  The difference cannot lose precision
 * where it matters: the integrand decreases, so G(T) <= f(T) (p_0 - T) =
 * term1 (p_0 - T) / (beta + T), small against the other term of the
 * likelihood.  Cost per evaluation: one short quadrature per distinct point
 * instead of one per customer.  Everything is kept in logs and means so
 * that large x cannot overflow.
 */
typedef struct PnbdGroup
{
	double		x;
	double		count;			/* sum of the counts of its rows */
	size_t		first;			/* first point in pts[] */
	size_t		npts;
} PnbdGroup;

struct ClPnbdData
{
	const ClFitRow *cells;
	size_t		ncells;
	size_t		ngroups;
	PnbdGroup *groups;
	size_t	   *row_group;		/* group of each row */
	size_t	   *row_tx;			/* point index of each row's t_x and T */
	size_t	   *row_T;
	double	   *pts;			/* per group, descending distinct points */
	double	   *lg;				/* work: log G at each point */
	double	   *mean;			/* work: 4 means per point */
	double	   *lat;			/* work: log(alpha + point) */
	double	   *lbt;			/* work: log(beta + point) */
	double	   *lgx;			/* work: per group lgamma(r+x) - lgamma(r) */
	double	   *dgx;			/* work: per group digamma(r+x) - digamma(r) */
	/* the linear form (see cl_pnbd_loglik_data) */
	double	   *scale;			/* work: per group S, NaN: use the log form */
	double	   *e1;				/* work: per point exp(L1(x, point) - S) */
	double	   *sg;				/* work: per point s G exp(-S) */
	double	   *sm;				/* work: 4 per point: sg times the means */
	double	   *iat;			/* work: 1 / (alpha + point) */
	double	   *ibt;			/* work: 1 / (beta + point) */
};

static int
cmp_desc(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x < y) - (x > y);
}

/* index of v in the descending array a[0..n) (v is present) */
static size_t
find_desc(const double *a, size_t n, double v)
{
	size_t		lo = 0,
				hi = n;

	while (hi - lo > 1)
	{
		size_t		mid = (lo + hi) / 2;

		if (a[mid] >= v)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static int
cmp_x(const void *a, const void *b)
{
	const ClFitRow *const *x = a;
	const ClFitRow *const *y = b;

	return ((*x)->x > (*y)->x) - ((*x)->x < (*y)->x);
}

ClPnbdData *
cl_pnbd_prepare(const ClFitRow *cells, size_t ncells)
{
	ClPnbdData *d = cl_core_alloc(sizeof(ClPnbdData));
	const ClFitRow **order = cl_core_alloc(sizeof(ClFitRow *) * (ncells ? ncells : 1));
	size_t		i,
				npts = 0;

	if (d == NULL || order == NULL)
		goto fail;
	memset(d, 0, sizeof(ClPnbdData));
	d->cells = cells;
	d->ncells = ncells;
	d->groups = cl_core_alloc(sizeof(PnbdGroup) * (ncells ? ncells : 1));
	d->row_group = cl_core_alloc(sizeof(size_t) * (ncells ? ncells : 1));
	d->row_tx = cl_core_alloc(sizeof(size_t) * (ncells ? ncells : 1));
	d->row_T = cl_core_alloc(sizeof(size_t) * (ncells ? ncells : 1));
	d->pts = cl_core_alloc(sizeof(double) * (2 * ncells + 1));
	if (!d->groups || !d->row_group || !d->row_tx || !d->row_T || !d->pts)
		goto fail;
	for (i = 0; i < ncells; i++)
	{
		order[i] = &cells[i];
		if (i > 0 && cells[i].x < cells[i - 1].x)
			npts = 1;			/* not sorted by x (the fit state's rows are) */
	}
	if (npts)
		qsort(order, ncells, sizeof(ClFitRow *), cmp_x);
	npts = 0;
	for (i = 0; i < ncells;)
	{
		size_t		j = i,
					k,
					first = npts,
					n;
		PnbdGroup *g = &d->groups[d->ngroups];

		while (j < ncells && order[j]->x == order[i]->x)
		{
			d->pts[npts++] = order[j]->tx;
			d->pts[npts++] = order[j]->T;
			j++;
		}
		qsort(d->pts + first, npts - first, sizeof(double), cmp_desc);
		n = 1;
		for (k = first + 1; k < npts; k++)
			if (d->pts[k] != d->pts[first + n - 1])
				d->pts[first + n++] = d->pts[k];
		npts = first + n;
		g->x = order[i]->x;
		g->count = 0.0;
		g->first = first;
		g->npts = n;
		for (k = i; k < j; k++)
		{
			size_t		row = (size_t) (order[k] - cells);

			g->count += order[k]->count;

			d->row_group[row] = d->ngroups;
			d->row_tx[row] = first + find_desc(d->pts + first, n, order[k]->tx);
			d->row_T[row] = first + find_desc(d->pts + first, n, order[k]->T);
		}
		d->ngroups++;
		i = j;
	}
	d->lg = cl_core_alloc(sizeof(double) * (npts ? npts : 1));
	d->mean = cl_core_alloc(sizeof(double) * 4 * (npts ? npts : 1));
	d->lat = cl_core_alloc(sizeof(double) * (npts ? npts : 1));
	d->lbt = cl_core_alloc(sizeof(double) * (npts ? npts : 1));
	d->lgx = cl_core_alloc(sizeof(double) * (d->ngroups ? d->ngroups : 1));
	d->dgx = cl_core_alloc(sizeof(double) * (d->ngroups ? d->ngroups : 1));
	d->scale = cl_core_alloc(sizeof(double) * (d->ngroups ? d->ngroups : 1));
	d->e1 = cl_core_alloc(sizeof(double) * (npts ? npts : 1));
	d->sg = cl_core_alloc(sizeof(double) * (npts ? npts : 1));
	d->sm = cl_core_alloc(sizeof(double) * 4 * (npts ? npts : 1));
	d->iat = cl_core_alloc(sizeof(double) * (npts ? npts : 1));
	d->ibt = cl_core_alloc(sizeof(double) * (npts ? npts : 1));
	if (!d->lg || !d->mean || !d->lat || !d->lbt || !d->lgx || !d->dgx ||
		!d->scale || !d->e1 || !d->sg || !d->sm || !d->iat || !d->ibt)
		goto fail;
	cl_core_free(order);
	return d;
fail:
	cl_core_free(order);
	cl_pnbd_free(d);
	return NULL;
}

void
cl_pnbd_free(ClPnbdData *d)
{
	if (d == NULL)
		return;
	cl_core_free(d->groups);
	cl_core_free(d->row_group);
	cl_core_free(d->row_tx);
	cl_core_free(d->row_T);
	cl_core_free(d->pts);
	cl_core_free(d->lg);
	cl_core_free(d->mean);
	cl_core_free(d->lat);
	cl_core_free(d->lbt);
	cl_core_free(d->lgx);
	cl_core_free(d->dgx);
	cl_core_free(d->scale);
	cl_core_free(d->e1);
	cl_core_free(d->sg);
	cl_core_free(d->sm);
	cl_core_free(d->iat);
	cl_core_free(d->ibt);
	cl_core_free(d);
}

/*
 * Largest spread (in logs) of a frequency's terms for the linear form: the
 * smallest exp(L1 - S) stays above 1e-260, far from underflow.
 */
#define PNBD_LIN_SPREAD 600.0

/*
 * Sum of count * log-likelihood over the prepared rows (gradient in the
 * log-parameters when grad != NULL).
 *
 * Per row the likelihood is common(x) + log(exp(L1(x, T)) + s I), with
 * I = G(t_x) - G(T).  For each frequency the terms exp(L1) and s G of all its
 * points are brought to a common scale S (their largest log) when they span
 * less than PNBD_LIN_SPREAD in logs (always, but for frequencies in the
 * hundreds over long periods): a row then costs one log and one division
 * (D = e1(T) + sg(t_x) - sg(T), P(alive) = e1(T) / D, and the gradient's
 * moments are differences of sg times the means over D).  Otherwise the row
 * is computed in logs (pnbd_row).  Both forms are the same sum.
 */
double
cl_pnbd_loglik_data(const double p[4], ClPnbdData *d, double *grad)
{
	double		ll = 0.0,
				g[4],
				acc[4] = {0.0, 0.0, 0.0, 0.0},
				lsum = 0.0,
				r = p[0],
				alpha = p[1],
				s = p[2],
				beta = p[3],
				lalpha = log(p[1]),
				lbeta = log(p[3]),
				ls = log(p[2]);
	int			want = grad != NULL;

	/* cumulated tail integrals per frequency */
	for (size_t gi = 0; gi < d->ngroups; gi++)
	{
		const PnbdGroup *grp = &d->groups[gi];
		size_t		f0 = grp->first;
		double	   *pts = d->pts + f0;
		double	   *lg = d->lg + f0;
		double	   *mean = d->mean + 4 * f0;
		double	   *e1 = d->e1 + f0;
		double	   *sg = d->sg + f0;
		double	   *sm = d->sm + 4 * f0;
		double		rx = r + grp->x,
					S1 = -INFINITY,
					lo = INFINITY;

		d->lgx[gi] = cl_lgamma(r + grp->x) - cl_lgamma(r);
		d->dgx[gi] = want ? cl_digamma(r + grp->x) - cl_digamma(r) : 0.0;
		for (size_t i = 0; i < grp->npts; i++)
		{
			double		l1;

			d->lat[f0 + i] = log(alpha + pts[i]);
			d->lbt[f0 + i] = log(beta + pts[i]);
			l1 = -rx * d->lat[f0 + i] - s * d->lbt[f0 + i];
			e1[i] = l1;			/* log for now */
			S1 = fmax(S1, l1);
			lo = fmin(lo, l1);
			if (want)
			{
				d->iat[f0 + i] = 1.0 / (alpha + pts[i]);
				d->ibt[f0 + i] = 1.0 / (beta + pts[i]);
			}
		}
		d->scale[gi] = NAN;
		if (isfinite(S1) && isfinite(lo) && S1 - lo < PNBD_LIN_SPREAD)
		{
			/*
			 * The linear form: G and the moment integrals cumulated on the
			 * scale exp(S1), then everything brought to S.
			 */
			double		G = 0.0,
						M[4] = {0.0, 0.0, 0.0, 0.0},
						S,
						f;

			for (size_t i = 0; i < grp->npts; i++)
				e1[i] = exp(e1[i] - S1);
			sg[0] = 0.0;
			sm[0] = sm[1] = sm[2] = sm[3] = 0.0;
			for (size_t i = 1; i < grp->npts; i++)
			{
				double		gm[4],
							lpre[2] = {d->lat[f0 + i], d->lbt[f0 + i]};
				double		gap = e1[i] * pnbd_rel_integral(r, alpha, s, beta, grp->x,
															pts[i], pts[i - 1], want ? gm : NULL, lpre);

				G += gap;
				sg[i] = G;
				if (want)
					for (int k = 0; k < 4; k++)
					{
						M[k] += gap * gm[k];
						sm[4 * i + k] = M[k];
					}
			}
			S = G > 0 ? fmax(S1, ls + S1 + log(G)) : S1;
			if (isfinite(S) && isfinite(G) && S - lo < PNBD_LIN_SPREAD)
			{
				double		fe = exp(S1 - S);

				f = exp(ls + S1 - S);
				d->scale[gi] = S;
				for (size_t i = 0; i < grp->npts; i++)
				{
					e1[i] *= fe;
					sg[i] *= f;
				}
				if (want)
					for (size_t i = 0; i < 4 * grp->npts; i++)
						sm[i] *= f;
			}
		}
		if (!isnan(d->scale[gi]))
			continue;

		/* the log form */
		lg[0] = -INFINITY;
		mean[0] = mean[1] = mean[2] = mean[3] = 0.0;
		for (size_t i = 1; i < grp->npts; i++)
		{
			double		gm[4],
						lpre[2] = {d->lat[f0 + i], d->lbt[f0 + i]};
			double		lgap = pnbd_log_integral(r, alpha, s, beta, grp->x,
												 pts[i], pts[i - 1], want ? gm : NULL, lpre);

			lg[i] = cl_logsumexp2(lg[i - 1], lgap);
			if (want)
			{
				double		w_old = exp(lg[i - 1] - lg[i]),
							w_gap = exp(lgap - lg[i]);

				for (int k = 0; k < 4; k++)
					mean[4 * i + k] = w_old * mean[4 * (i - 1) + k] + w_gap * gm[k];
			}
		}
	}
	if (want)
		grad[0] = grad[1] = grad[2] = grad[3] = 0.0;
	for (size_t row = 0; row < d->ncells; row++)
	{
		const ClFitRow *c = &d->cells[row];
		size_t		gi = d->row_group[row],
					a = d->row_tx[row],
					b = d->row_T[row];
		double		logI,
					mom[4] = {0.0, 0.0, 0.0, 0.0};
		PnbdTerms	tm;

		if (!isnan(d->scale[gi]))
		{
			/*
			 * The linear form (sg and sm are 0 at the first point and a ==
			 * b gives gap 0); the terms common to the group are added below.
			 */
			double		cnt = c->count,
						gap = d->sg[a] - d->sg[b],
						D = d->e1[b] + gap;

			lsum += cnt * log(D);
			if (want)
			{
				double		w = cnt / D,
							q1 = w * d->e1[b];
				const double *ma = d->sm + 4 * a,
						   *mb = d->sm + 4 * b;

				acc[0] += q1 * d->lat[b] + w * (ma[0] - mb[0]);
				acc[1] += (c->x + r) * (q1 * d->iat[b] + w * (ma[1] - mb[1]));
				acc[2] += q1 * d->lbt[b] + w * (ma[2] - mb[2] - gap / s);
				acc[3] += q1 * d->ibt[b] + w * (ma[3] - mb[3]) * (s + 1) / s;
			}
			continue;
		}
		tm.lalpha = lalpha;
		tm.lbeta = lbeta;
		tm.ls = ls;
		tm.lg_rx = d->lgx[gi];
		tm.dg_rx = d->dgx[gi];
		tm.la_T = d->lat[b];
		tm.lb_T = d->lbt[b];
		if (a == b)
			logI = -INFINITY;
		else
		{
			/* I = G(t_x) - G(T), w = G(T) / G(t_x) */
			double		lw = d->lg[b] - d->lg[a];
			double		omw = -expm1(lw);	/* 1 - w */

			logI = d->lg[a] + log(omw);
			if (want)
				for (int k = 0; k < 4; k++)
					mom[k] = (d->mean[4 * a + k] - (omw < 1.0 ? (1.0 - omw) * d->mean[4 * b + k] : 0.0)) / omw;
		}
		ll += c->count * pnbd_row(p, c->x, c->T, &tm, logI, mom, want ? g : NULL, NULL);
		if (want)
			for (int k = 0; k < 4; k++)
				grad[k] += c->count * g[k];
	}
	/* the terms of the linear form common to the rows of each group */
	{
		double		n = 0.0,
					cg = 0.0,
					dg = 0.0;

		for (size_t gi = 0; gi < d->ngroups; gi++)
			if (!isnan(d->scale[gi]))
			{
				double		cnt = d->groups[gi].count;

				n += cnt;
				cg += cnt * (d->lgx[gi] + d->scale[gi]);
				dg += cnt * d->dgx[gi];
			}
		ll += lsum + cg + n * (r * lalpha + s * lbeta);
		if (want)
		{
			grad[0] += dg + n * lalpha - acc[0];
			grad[1] += n * r / alpha - acc[1];
			grad[2] += n * lbeta - acc[2];
			grad[3] += n * s / beta - s * acc[3];
		}
	}
	if (want)
		for (int k = 0; k < 4; k++)
			grad[k] *= p[k];	/* chain rule to log-parameters */
	return ll;
}

double
cl_pnbd_loglik(const double p[4], const ClFitRow *cells, size_t ncells, double *grad)
{
	ClPnbdData *d = cl_pnbd_prepare(cells, ncells);
	double		ll;

	if (d == NULL)
		return NAN;
	ll = cl_pnbd_loglik_data(p, d, grad);
	cl_pnbd_free(d);
	return ll;
}

/* ---- predictions --------------------------------------------------------- */

double
cl_pnbd_p_alive(const double p[4], double x, double t_x, double T)
{
	double		pa;

	(void) cl_pnbd_loglik_one(p, x, t_x, T, NULL, &pa);
	return pa;
}

/* (1 - exp(-a L)) / a, with its limit L at a = 0 */
static double
one_minus_exp_over(double a, double L)
{
	if (fabs(a * L) < 1e-8)
		return L * (1.0 - 0.5 * a * L);
	return -expm1(-a * L) / a;
}

double
cl_pnbd_expected_purchases(const double p[4], double t, double x, double t_x, double T)
{
	double		r = p[0],
				alpha = p[1],
				s = p[2],
				beta = p[3];

	return cl_pnbd_p_alive(p, x, t_x, T) * (r + x) / (alpha + T) * (beta + T)
		* one_minus_exp_over(s - 1, log1p(t / (beta + T)));
}

double
cl_pnbd_p_alive_memo(const double p[4], ClGenMemo *memo, double x, double t_x, double T)
{
	double		key[3] = {x, t_x, T},
				pa;

	if (memo != NULL && cl_genmemo_get(memo, key, 3, &pa))
		return pa;
	pa = cl_pnbd_p_alive(p, x, t_x, T);
	if (memo != NULL)
		cl_genmemo_put(memo, key, 3, pa);
	return pa;
}

double
cl_pnbd_expected_purchases_memo(const double p[4], ClGenMemo *memo, double t,
								double x, double t_x, double T)
{
	double		r = p[0],
				alpha = p[1],
				s = p[2],
				beta = p[3];

	return cl_pnbd_p_alive_memo(p, memo, x, t_x, T) * (r + x) / (alpha + T) * (beta + T)
		* one_minus_exp_over(s - 1, log1p(t / (beta + T)));
}

double
cl_pnbd_expected_purchases_new(const double p[4], double t)
{
	double		r = p[0],
				alpha = p[1],
				s = p[2],
				beta = p[3];

	return r / alpha * beta * one_minus_exp_over(s - 1, log1p(t / beta));
}

/* log of the NBD probability of n purchases in time tau */
static double
nbd_log_pmf(double r, double alpha, double n, double tau)
{
	double		l = cl_lgamma_ratio(r, n) - cl_lgamma_ratio(1.0, n)
		- r * log1p(tau / alpha);

	if (n > 0)
		l += n * (log(tau) - log(alpha + tau));
	return l;
}

typedef struct PmfCtx
{
	double		r,
				alpha,
				s,
				beta,
				n;
} PmfCtx;

/* density of death at tau times P(n purchases in (0, tau]) */
static void
pmf_fn(double tau, void *vctx, double *out)
{
	PmfCtx    *c = (PmfCtx *) vctx;

	out[0] = exp(log(c->s) + c->s * log(c->beta) - (c->s + 1) * log(c->beta + tau)
				 + nbd_log_pmf(c->r, c->alpha, c->n, tau));
}

double
cl_pnbd_purchase_pmf(const double p[4], double t, double n)
{
	PmfCtx		c = {p[0], p[1], p[2], p[3], n};
	double		alive = exp(nbd_log_pmf(p[0], p[1], n, t) - p[2] * log1p(t / p[3]));
	double		dead = 0.0,
				v;

	if (t > 0)
	{
		/*
		 * The integrand can live on a tiny part of (0, t) (death within
		 * beta / (s + 1), purchases on the scale alpha / (r + n)): pieces
		 * cut geometrically from the smallest of those scales, each
		 * integrated to its own relative accuracy (all are positive).
		 */
		double		lo = 0.0,
					hi = fmin(fmin(p[3] / (p[2] + 1.0), p[1] / (p[0] + n + 1.0)), t) / 16.0;

		for (int k = 0; k < 200 && lo < t; k++)
		{
			if (hi > t || k == 199)
				hi = t;
			gk_integrate(pmf_fn, &c, 1, lo, hi, 1e-13, &v);
			dead += v;
			lo = hi;
			hi *= 2.0;
		}
	}
	v = alive + dead;
	return v > 1.0 ? 1.0 : v;
}

double
cl_pnbd_purchase_pmf_2f1(const double p[4], double t, double n)
{
	double		r = p[0],
				alpha = p[1],
				s = p[2],
				beta = p[3];
	double		mx = alpha >= beta ? alpha : beta;
	double		b = alpha >= beta ? s + 1 : r + n;
	double		d = fabs(alpha - beta);
	double		c = r + s + n + 1;
	double		first = exp(nbd_log_pmf(r, alpha, n, t) - s * log1p(t / beta));
	double		lcoef = r * log(alpha) + s * log(beta) + cl_lbeta(r + n, s + 1) - cl_lbeta(r, s);
	double		B1 = cl_hyp2f1(r + s, b, c, d / mx) * exp(-(r + s) * log(mx));
	double		sum = 0.0;

	for (int j = 0; j <= (int) n; j++)
	{
		double		lterm = cl_lpochhammer(r + s, j) - cl_lgamma(j + 1.0)
			+ (j > 0 ? j * log(t) : 0.0) - (r + s + j) * log(mx + t);

		sum += exp(lterm) * cl_hyp2f1(r + s + j, b, c, d / (mx + t));
	}
	return first + exp(lcoef) * (B1 - sum);
}

/* ---- maximum-likelihood fit ---------------------------------------------- */

typedef struct PnbdObjCtx
{
	ClPnbdData *data;
	double		ncust;
	double		penalizer;
} PnbdObjCtx;

/*
 * The shared penalised objective (cl_fit_objective) in the log-parameters,
 * NaN beyond CL_FIT_LOG_BOUND (the convention of cl_model_optimize).
 */
static double
pnbd_objective(const double *x, double *grad, void *vctx)
{
	PnbdObjCtx *c = (PnbdObjCtx *) vctx;
	double		p[4],
				ll;

	for (int k = 0; k < 4; k++)
	{
		if (!(fabs(x[k]) <= CL_FIT_LOG_BOUND))
			return NAN;
		p[k] = exp(x[k]);
	}
	ll = cl_pnbd_loglik_data(p, c->data, grad);
	return cl_fit_objective(ll, grad, x, 4, c->ncust, c->penalizer, grad);
}

/*
 * Start point of large fits: a rough fit (gradient test 1e-6) on a sample of
 * the distinct rows (every k-th of the sorted rows, about
 * PNBD_WARM_ROWS of them, counts kept) with t_x and T rounded to a grid of
 * 1/64 of the longest T, which has far fewer distinct points.  The fit
 * proper then starts near its optimum and needs fewer iterations.  x is left
 * unchanged when the rough fit fails.
 */
#define PNBD_WARM_MIN_ROWS 20000
#define PNBD_WARM_ROWS 2000

static void
pnbd_warm_start(const ClFitRow *cells, size_t ncells, double penalizer, double *x,
				double *hinv)
{
	size_t		k = ncells / PNBD_WARM_ROWS,
				n = 0;
	double		maxT = 0.0,
				h,
				xs[4],
				H[16];
	ClFitRow   *rows;
	PnbdObjCtx	c = {NULL, 0.0, penalizer};
	ClOptimOptions opt;
	ClOptimResult res;

	for (size_t i = 0; i < ncells; i++)
		maxT = fmax(maxT, cells[i].T);
	if (!(maxT > 0) || k < 2)
		return;
	h = maxT / 64.0;
	rows = cl_core_alloc(sizeof(ClFitRow) * (ncells / k + 1));
	if (rows == NULL)
		return;
	for (size_t i = k / 2; i < ncells; i += k)
	{
		ClFitRow	r = cells[i];

		r.T = round(r.T / h) * h;
		r.tx = fmin(round(r.tx / h) * h, r.T);
		rows[n++] = r;
		c.ncust += r.count;
	}
	if (n > 0 && (c.data = cl_pnbd_prepare(rows, n)) != NULL)
	{
		memcpy(xs, x, sizeof(xs));
		cl_optim_defaults(&opt);
		opt.fallback = 0;
		opt.max_iter = 200;
		opt.gtol = 1e-6;
		opt.gtol_abs = 1e-6;
		opt.xbound = CL_FIT_LOG_EDGE - 2.0;
		opt.stall_iter = 30;
		opt.hinv = H;
		for (int j = 0; j < 16; j++)
			H[j] = NAN;
		cl_optim_minimize(pnbd_objective, &c, 4, xs, &opt, &res);
		if (isfinite(res.f))
		{
			int			inside = 1;

			for (int j = 0; j < 4; j++)
				if (!(fabs(xs[j]) <= CL_FIT_LOG_EDGE - 2.0))
					inside = 0;
			if (inside)
			{
				memcpy(x, xs, sizeof(xs));
				memcpy(hinv, H, sizeof(H));
			}
		}
		cl_pnbd_free(c.data);
	}
	cl_core_free(rows);
}

int
cl_pnbd_fit(const ClFitRow *cells, size_t ncells, double penalizer, ClModelFit *fit)
{
	PnbdObjCtx ctx = {NULL, 0.0, penalizer};
	double		x[4] = {0.0, 0.0, 0.0, 0.0},
				hinv[16];

	for (int k = 0; k < 16; k++)
		hinv[k] = NAN;
	for (size_t i = 0; i < ncells; i++)
		ctx.ncust += cells[i].count;
	if (!(ctx.ncust > 0))
		return -1;
	if ((ctx.data = cl_pnbd_prepare(cells, ncells)) == NULL)
		return -2;
	if (ncells >= PNBD_WARM_MIN_ROWS)
		pnbd_warm_start(cells, ncells, penalizer, x, hinv);
	cl_model_optimize_from(pnbd_objective, &ctx, 4, x, hinv, ctx.ncust, fit);
	fit->log_likelihood = cl_pnbd_loglik_data(fit->p, ctx.data, NULL);
	cl_pnbd_free(ctx.data);
	cl_model_fit_check(fit, 4);
	return 0;
}
