/*
 * pareto_nbd.c
 *		Pareto/NBD likelihood with analytic gradient, and its predictions.
 *		See pareto_nbd.h for the formulas and the sources.
 */
#include "pareto_nbd.h"

#include <math.h>

#include "optim.h"
#include "specfun.h"

/* ---- adaptive Gauss-Kronrod (7, 15) quadrature of a vector integrand -------- */

#define GK_MAXDIM 5
#define GK_MAXDEPTH 40
#define GK_MAXINTERVALS 200	/* subintervals per integral */

typedef void (*gk_fn) (double y, void *ctx, double *out);

static const double gk_x[8] = {
	0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
	0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
	0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
	0.207784955007898467600689403773245, 0.0
};
static const double gk_wk[8] = {
	0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
	0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
	0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
	0.204432940075298892414161999234649, 0.209482141084727828012999174891714
};
/* 7-point Gauss weights at gk_x[1], [3], [5], [7] */
static const double gk_wg[4] = {
	0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
	0.381830050505118944950369775488975, 0.417959183673469387755102040816327
};

/*
 * Adds the integral of f over [a, b] to out[0..dim-1]; the error test uses
 * component 0 (relative to "scale", the magnitude of the whole integral).
 * *budget counts the subintervals still allowed: when it runs out the
 * current estimates are accepted, so extreme parameters (met by the
 * optimiser far from the optimum) cannot make the recursion explode.
 */
static void
gk_adapt(gk_fn f, void *ctx, int dim, double a, double b, double reltol,
		 double scale, int depth, int *budget, double *out)
{
	double		c = 0.5 * (a + b),
				h = 0.5 * (b - a);
	double		k[GK_MAXDIM] = {0},
				g[GK_MAXDIM] = {0},
				v1[GK_MAXDIM],
				v2[GK_MAXDIM];
	double		err;

	for (int i = 0; i < 8; i++)
	{
		if (i == 7)
		{
			f(c, ctx, v1);
			for (int d = 0; d < dim; d++)
			{
				k[d] += gk_wk[7] * v1[d];
				g[d] += gk_wg[3] * v1[d];
			}
			continue;
		}
		f(c - h * gk_x[i], ctx, v1);
		f(c + h * gk_x[i], ctx, v2);
		for (int d = 0; d < dim; d++)
		{
			k[d] += gk_wk[i] * (v1[d] + v2[d]);
			if (i % 2 == 1)
				g[d] += gk_wg[i / 2] * (v1[d] + v2[d]);
		}
	}
	err = fabs(h * (k[0] - g[0]));
	if (scale <= 0 || !isfinite(scale))
		scale = fabs(h * k[0]);
	if (err <= reltol * scale || depth >= GK_MAXDEPTH || *budget < 2 || !isfinite(err))
	{
		for (int d = 0; d < dim; d++)
			out[d] += h * k[d];
		return;
	}
	*budget -= 2;
	gk_adapt(f, ctx, dim, a, c, reltol, scale, depth + 1, budget, out);
	gk_adapt(f, ctx, dim, c, b, reltol, scale, depth + 1, budget, out);
}

/* integral over [a, b]; the whole-interval estimate sets the error scale */
static void
gk_integrate(gk_fn f, void *ctx, int dim, double a, double b, double reltol, double *out)
{
	int			budget = GK_MAXINTERVALS;

	for (int d = 0; d < dim; d++)
		out[d] = 0.0;
	gk_adapt(f, ctx, dim, a, b, reltol, 0.0, 0, &budget, out);
}

/* ---- the death-time integral of the likelihood ------------------------------ */

/*
 * I = Integral_{t_x}^{T} (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau.
 * With K = r+s+x, m = alpha (when r+x >= s+1; else m = beta) and
 * u = (m+tau)^-K this is (1/K) Integral h du, where
 * h = ((m+tau)/(o+tau))^e, o the other scale, e the other exponent, a
 * bounded, slowly varying function; u is mapped to y in [0, 1].
 */
typedef struct pnbd_int_ctx
{
	double		alpha,
				beta,
				m,
				o,
				e,
				K,
				t_x,
				lmt,			/* log(m + t_x) */
				lot,			/* log(o + t_x) */
				omq;			/* 1 - ((m+t_x)/(m+T))^K */
	int			m_is_alpha;
	int			dim;			/* 1: value only; 5: with the moments */
} pnbd_int_ctx;

static void
pnbd_int_fn(double y, void *vctx, double *out)
{
	pnbd_int_ctx *c = (pnbd_int_ctx *) vctx;
	double		L = -log1p(-y * c->omq) / c->K;	/* log((m+tau)/(m+t_x)) */
	double		mt = exp(c->lmt + L);	/* m + tau */
	double		ot = (c->o - c->m) + mt;	/* o + tau */
	double		lo = log(ot);
	double		h = exp(c->e * (L - (lo - c->lot)));
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
 * log I; mom (may be NULL) gets the means under the integrand of
 * log(alpha+tau), 1/(alpha+tau), log(beta+tau), 1/(beta+tau).
 * -Inf when T == t_x.
 */
static double
pnbd_log_integral(double r, double alpha, double s, double beta, double x,
				  double t_x, double T, double *mom)
{
	pnbd_int_ctx c;
	double		D,
				res[5];

	if (!(T > t_x))
	{
		if (mom != NULL)
		{
			mom[0] = log(alpha + T);
			mom[1] = 1.0 / (alpha + T);
			mom[2] = log(beta + T);
			mom[3] = 1.0 / (beta + T);
		}
		return -INFINITY;
	}
	c.alpha = alpha;
	c.beta = beta;
	c.t_x = t_x;
	c.K = r + s + x;
	c.m_is_alpha = (r + x >= s + 1);
	c.m = c.m_is_alpha ? alpha : beta;
	c.o = c.m_is_alpha ? beta : alpha;
	c.e = c.m_is_alpha ? s + 1 : r + x;
	c.lmt = log(c.m + t_x);
	c.lot = log(c.o + t_x);
	D = log1p((T - t_x) / (c.m + t_x));
	c.omq = -expm1(-c.K * D);

	c.dim = mom != NULL ? 5 : 1;
	gk_integrate(pnbd_int_fn, &c, c.dim, 0.0, 1.0, 1e-13, res);

	if (mom != NULL)
	{
		mom[0] = res[1] / res[0];
		mom[1] = res[2] / res[0];
		mom[2] = res[3] / res[0];
		mom[3] = res[4] / res[0];
	}
	/* I = u(t_x) (1 - q) / K * h(t_x) * Integral (h / h(t_x)) dy */
	return -c.K * c.lmt + cl_log1mexp(-c.K * D) - log(c.K)
		+ c.e * (c.lmt - c.lot) + log(res[0]);
}

double
cl_pnbd_loglik_one(const double p[4], double x, double t_x, double T,
				double *grad, double *p_alive)
{
	double		r = p[0],
				alpha = p[1],
				s = p[2],
				beta = p[3];
	double		mom[4];
	double		common,
				L1,
				LA,
				tail,
				p1,
				p2;

	common = cl_lgamma(r + x) - cl_lgamma(r) + r * log(alpha) + s * log(beta);
	L1 = -(r + x) * log(alpha + T) - s * log(beta + T);
	LA = log(s) + pnbd_log_integral(r, alpha, s, beta, x, t_x, T,
									grad != NULL ? mom : NULL);
	tail = cl_logsumexp2(L1, LA);
	p1 = 1.0 / (1.0 + exp(LA - L1));	/* P(alive at T) */
	p2 = 1.0 - p1;
	if (p_alive != NULL)
		*p_alive = p1;
	if (grad != NULL)
	{
		grad[0] = cl_digamma(r + x) - cl_digamma(r) + log(alpha)
			- p1 * log(alpha + T) - p2 * mom[0];
		grad[1] = r / alpha - p1 * (r + x) / (alpha + T) - p2 * (r + x) * mom[1];
		grad[2] = log(beta) - p1 * log(beta + T) + p2 * (1.0 / s - mom[2]);
		grad[3] = s / beta - p1 * s / (beta + T) - p2 * (s + 1) * mom[3];
	}
	return common + tail;
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

double
cl_pnbd_loglik(const double p[4], const cl_fitrow *cells, size_t ncells, double *grad)
{
	double		ll = 0.0;
	double		g[4];

	if (grad != NULL)
		grad[0] = grad[1] = grad[2] = grad[3] = 0.0;
	for (size_t i = 0; i < ncells; i++)
	{
		ll += cells[i].count * cl_pnbd_loglik_one(p, cells[i].x, cells[i].tx, cells[i].T,
											   grad != NULL ? g : NULL, NULL);
		if (grad != NULL)
			for (int k = 0; k < 4; k++)
				grad[k] += cells[i].count * g[k];
	}
	if (grad != NULL)
		for (int k = 0; k < 4; k++)
			grad[k] *= p[k];	/* chain rule to log-parameters */
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
	double		l = cl_lgamma(r + n) - cl_lgamma(r) - cl_lgamma(n + 1)
		- r * log1p(tau / alpha);

	if (n > 0)
		l += n * (log(tau) - log(alpha + tau));
	return l;
}

typedef struct pmf_ctx
{
	double		r,
				alpha,
				s,
				beta,
				n;
} pmf_ctx;

/* density of death at tau times P(n purchases in (0, tau]) */
static void
pmf_fn(double tau, void *vctx, double *out)
{
	pmf_ctx    *c = (pmf_ctx *) vctx;

	out[0] = exp(log(c->s) + c->s * log(c->beta) - (c->s + 1) * log(c->beta + tau)
				 + nbd_log_pmf(c->r, c->alpha, c->n, tau));
}

double
cl_pnbd_purchase_pmf(const double p[4], double t, double n)
{
	pmf_ctx		c = {p[0], p[1], p[2], p[3], n};
	double		alive = exp(nbd_log_pmf(p[0], p[1], n, t) - p[2] * log1p(t / p[3]));
	double		dead = 0.0;

	if (t > 0)
		gk_integrate(pmf_fn, &c, 1, 0.0, t, 1e-12, &dead);
	return alive + dead;
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

typedef struct pnbd_obj_ctx
{
	const cl_fitrow *cells;
	size_t		ncells;
	double		ncust;
	double		penalizer;
} pnbd_obj_ctx;

/*
 * Mean negative log-likelihood (+ L2 penalty) in the log-parameters, NaN
 * beyond CL_FIT_LOG_BOUND (the shared convention of cl_model_optimize).
 */
static double
pnbd_objective(const double *x, double *grad, void *vctx)
{
	pnbd_obj_ctx *c = (pnbd_obj_ctx *) vctx;
	double		p[4],
				ll,
				pen = 0.0;

	for (int k = 0; k < 4; k++)
	{
		if (!(fabs(x[k]) <= CL_FIT_LOG_BOUND))
			return NAN;
		p[k] = exp(x[k]);
		pen += x[k] * x[k];
	}
	ll = cl_pnbd_loglik(p, c->cells, c->ncells, grad);
	if (grad != NULL)
		for (int k = 0; k < 4; k++)
			grad[k] = -grad[k] / c->ncust + 2.0 * c->penalizer * x[k];
	return -ll / c->ncust + c->penalizer * pen;
}

int
cl_pnbd_fit(const cl_fitrow *cells, size_t ncells, double penalizer, cl_model_fit *fit)
{
	pnbd_obj_ctx ctx = {cells, ncells, 0.0, penalizer};
	double		x[4] = {0.0, 0.0, 0.0, 0.0};

	for (size_t i = 0; i < ncells; i++)
		ctx.ncust += cells[i].count;
	if (!(ctx.ncust > 0))
		return -1;
	cl_model_optimize(pnbd_objective, &ctx, 4, x, ctx.ncust, fit);
	fit->log_likelihood = cl_pnbd_loglik(fit->p, cells, ncells, NULL);
	cl_model_fit_check(fit, 4);
	/* also an identified maximum: see MODEL_MAX_LOG_SE */
	for (int k = 0; k < 4; k++)
		if (!(fit->se[k] / fit->p[k] < MODEL_MAX_LOG_SE))
			fit->converged = 0;
	return 0;
}
