/*
 * specfun.c
 *		Special functions for the customer-base models; see specfun.h.
 *
 * Plain C99 + libm, no PostgreSQL headers.
 */
#include "specfun.h"

#include <float.h>
#include <math.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ---- gamma family ------------------------------------------------------ */

static inline int
is_nonpos_int(double x)
{
	return x <= 0 && x == floor(x);
}

double
cl_lgamma(double x)
{
	if (isnan(x))
		return x;
	if (is_nonpos_int(x))
		return INFINITY;
	return lgamma(x);
}

double
cl_lgamma_sign(double x, int *sign)
{
	*sign = 1;
	if (isnan(x))
		return x;
	if (is_nonpos_int(x))
		return INFINITY;
	if (x < 0 && fmod(floor(x), 2.0) != 0.0)
		*sign = -1;
	return lgamma(x);
}

double
cl_lbeta(double a, double b)
{
	if (!(a > 0) || !(b > 0))
		return NAN;
	return lgamma(a) + lgamma(b) - lgamma(a + b);
}

double
cl_lpochhammer(double a, double n)
{
	if (!(a > 0) || !(n >= 0))
		return NAN;
	if (n == 0)
		return 0.0;
	return lgamma(a + n) - lgamma(a);
}

double
cl_log1pmx(double x)
{
	if (!(x > -1.0))
		return NAN;
	if (fabs(x) < 0.01)
	{
		/* -x^2/2 + x^3/3 - ... to x^10 (|x|^11 / 11 < 1e-23) */
		double		s = 0.0,
					p = x;

		for (int k = 2; k <= 10; k++)
		{
			p *= -x;
			s += p / k;
		}
		return s;
	}
	return log1p(x) - x;
}

/* Stirling tail S(y) = lgamma(y) - ((y - 1/2) log y - y + log(2 pi)/2), y >= 10 */
static const double stirling_c[7] = {
	1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188,
	-691.0 / 360360, 1.0 / 156
};

double
cl_lgamma_ratio(double x, double h)
{
	double		shift = 0.0,
				u,
				d,
				y;

	if (isnan(x) || isnan(h) || !(x > 0) || !(h >= 0))
		return NAN;
	if (h == 0)
		return 0.0;
	if (isinf(h) || isinf(x))
		return isinf(h) ? INFINITY : NAN;
	/* lgamma(x+h) - lgamma(x) = D(x+1, h) - log((x+h)/x) */
	while (x < 10.0)
	{
		shift -= log1p(h / x);
		x += 1.0;
	}
	y = x + h;
	u = h / x;
	/* (y - 1/2) log y - y - (x - 1/2) log x + x = x log1pmx(u) - log1p(u)/2 + h log y */
	d = x * cl_log1pmx(u) - 0.5 * log1p(u) + h * log(y);
	/* S(y) - S(x) = sum c_k (y^-(2k-1) - x^-(2k-1)) */
	{
		double		l1pu = log1p(u),
					s = 0.0,
					xp = 1.0 / x,
					x2 = 1.0 / (x * x);

		for (int k = 0; k < 7; k++)
		{
			s += stirling_c[k] * xp * expm1(-(2 * k + 1) * l1pu);
			xp *= x2;
		}
		d += s;
	}
	return d + shift;
}

double
cl_lbeta_ratio(double a, double b, double t)
{
	if (!(a > 0) || !(b > 0) || !(t >= 0))
		return NAN;
	if (t == 0)
		return 0.0;
	/*
	 * Small arguments: the plain lgamma values are below 400, so their
	 * difference is within 1e-13 absolute, i.e. the ratio within 1e-13
	 * relative (the common case, kept as fast as four lgamma calls).
	 */
	if (a + b + t <= 100.0)
		return lgamma(b + t) - lgamma(b) - lgamma(a + b + t) + lgamma(a + b);
	/*
	 * lB(a, b+t) - lB(a, b) = [lG(b+t) - lG(b)] - [lG(a+b+t) - lG(a+b)]
	 *                       = [lG(a+b) - lG(b)] - [lG(a+b+t) - lG(b+t)]
	 */
	if (t <= a)
		return cl_lgamma_ratio(b, t) - cl_lgamma_ratio(a + b, t);
	return cl_lgamma_ratio(b, a) - cl_lgamma_ratio(b + t, a);
}

/* cot(pi x) computed after reducing x to [-1/2, 1/2] */
static double
cotpi(double x)
{
	double		r = x - round(x);

	return cos(M_PI * r) / sin(M_PI * r);
}

static double
sinpi(double x)
{
	double		r = x - 2.0 * round(x / 2.0);	/* r in [-1, 1] */

	return sin(M_PI * r);
}

double
cl_digamma(double x)
{
	double		res = 0.0;
	double		f;

	if (isnan(x) || is_nonpos_int(x))
		return NAN;
	if (isinf(x))
		return x > 0 ? INFINITY : NAN;
	if (x < 0)
		return cl_digamma(1.0 - x) - M_PI * cotpi(x);
	while (x < 10.0)
	{
		res -= 1.0 / x;
		x += 1.0;
	}
	f = 1.0 / (x * x);
	res += log(x) - 0.5 / x
		- f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240
											- f * (1.0 / 132 - f * (691.0 / 32760))))));
	return res;
}

double
cl_trigamma(double x)
{
	double		res = 0.0;
	double		f,
				ix;

	if (isnan(x) || is_nonpos_int(x))
		return NAN;
	if (isinf(x))
		return x > 0 ? 0.0 : NAN;
	if (x < 0)
	{
		double		s = sinpi(x);

		return -cl_trigamma(1.0 - x) + M_PI * M_PI / (s * s);
	}
	while (x < 10.0)
	{
		res += 1.0 / (x * x);
		x += 1.0;
	}
	ix = 1.0 / x;
	f = ix * ix;
	/* 1/x + 1/2x^2 + sum_k B_2k / x^(2k+1), k = 1..7 */
	res += ix + 0.5 * f
		+ ix * f * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f * (1.0 / 30 - f * (5.0 / 66 - f * (691.0 / 2730 - f * (7.0 / 6)))))));
	return res;
}

/* ---- log-space arithmetic ---------------------------------------------- */

double
cl_logsumexp2(double a, double b)
{
	double		m;

	if (isnan(a) || isnan(b))
		return NAN;
	if (a == -INFINITY)
		return b;
	if (b == -INFINITY)
		return a;
	m = a > b ? a : b;
	if (isinf(m))
		return m;
	return m + log1p(exp(-fabs(a - b)));
}

/* the largest of x[0..n-1]; NaN if any is NaN, -inf for n <= 0 */
static double
lse_max(const double *x, int n)
{
	double		m = -INFINITY;

	for (int i = 0; i < n; i++)
	{
		if (isnan(x[i]))
			return NAN;
		if (x[i] > m)
			m = x[i];
	}
	return m;
}

double
cl_logsumexp(const double *x, int n)
{
	double		m = lse_max(x, n);
	double		s = 0.0;
	int			i;

	if (isnan(m))
		return NAN;
	if (n <= 0 || m == -INFINITY)
		return -INFINITY;
	if (isinf(m))
		return m;
	for (i = 0; i < n; i++)
		s += exp(x[i] - m);
	return m + log(s);
}

double
cl_logsumexp_signed(const double *x, const int *s, int n, int *sign)
{
	double		m = lse_max(x, n);
	double		sum = 0.0;
	int			i;

	*sign = 0;
	if (isnan(m))
		return NAN;
	if (n <= 0 || m == -INFINITY)
		return -INFINITY;
	if (isinf(m))
		return NAN;				/* inf - inf is undefined, +inf alone ambiguous */
	for (i = 0; i < n; i++)
		sum += (s[i] < 0 ? -1.0 : 1.0) * exp(x[i] - m);
	if (sum == 0.0)
		return -INFINITY;
	*sign = sum > 0 ? 1 : -1;
	return m + log(fabs(sum));
}

double
cl_log1mexp(double x)
{
	if (isnan(x) || x > 0)
		return NAN;
	if (x > -M_LN2)
		return log(-expm1(x));
	return log1p(-exp(x));
}

double
cl_log1pexp(double x)
{
	if (x <= -37.0)
		return exp(x);
	if (x <= 18.0)
		return log1p(exp(x));
	if (x <= 33.3)
		return x + exp(-x);
	return x;
}

double
cl_logdiffexp(double a, double b)
{
	if (isnan(a) || isnan(b) || a < b)
		return NAN;
	if (a == b)
		return -INFINITY;
	if (b == -INFINITY)
		return a;
	return a + cl_log1mexp(b - a);
}

/* ---- Gauss hypergeometric function ------------------------------------- */

#define HYP_MAXIT 500000
#define HYP_NEAR1 0.9			/* above: transformation to 1 - z */
#define HYP_INTEGER_EPS 1e-3	/* c - a - b this close to an integer */
#define HYP_DIRECT_MAX 0.99		/* direct series up to here when |c-a-b| > 1 */
#define HYP_SCALE_EXP 200		/* rescale the running sum by 1e-200 */

/*
 * The defining series, in scaled form: returns 1 on success with log|F| and
 * its sign, 0 on failure (c a non-positive integer reached, or no
 * convergence).
 */
static int
hyp_series(double a, double b, double c, double z, double *lg, int *sign)
{
	double		term = 1.0,
				sum = 1.0,
				lscale = 0.0;
	const double big = pow(10.0, HYP_SCALE_EXP);
	int			small = 0;
	double		lim = 0.0;
	long		n;

	if (-a > lim)
		lim = -a;
	if (-b > lim)
		lim = -b;
	if (-c > lim)
		lim = -c;

	for (n = 0; n < HYP_MAXIT; n++)
	{
		double		num = (a + n) * (b + n);
		double		den = (c + n) * (n + 1.0);
		double		ratio;

		if (num == 0.0 || z == 0.0)
			break;				/* the series terminates */
		if (den == 0.0)
			return 0;			/* c is a non-positive integer */
		ratio = num / den * z;
		term *= ratio;
		sum += term;
		if (fabs(sum) > big || fabs(term) > big)
		{
			sum /= big;
			term /= big;
			lscale += HYP_SCALE_EXP * M_LN10;
		}
		if (!isfinite(sum))
			return 0;
		if (n + 1.0 > lim && fabs(ratio) < 1.0 &&
			fabs(term) <= 1e-17 * fabs(sum))
		{
			if (++small >= 2)
				break;
		}
		else
			small = 0;
	}
	if (n >= HYP_MAXIT)
		return 0;
	if (sum == 0.0)
	{
		*sign = 0;
		*lg = -INFINITY;
		return 1;
	}
	*sign = sum > 0 ? 1 : -1;
	*lg = log(fabs(sum)) + lscale;
	return 1;
}

/*
 * Abramowitz & Stegun 15.3.6, valid when c - a - b is not an integer:
 * F(a,b;c;z) = G(c)G(c-a-b)/(G(c-a)G(c-b)) F(a,b;a+b-c+1;1-z)
 *   + (1-z)^(c-a-b) G(c)G(a+b-c)/(G(a)G(b)) F(c-a,c-b;c-a-b+1;1-z)
 */
static int
hyp_near1_raw(double a, double b, double c, double z, double *lg, int *sign)
{
	double		w = 1.0 - z;
	double		d = c - a - b;
	double		x[2];
	int			s[2];
	int			sg,
				sf;
	double		lgc,
				lf;

	lgc = cl_lgamma_sign(c, &sg);
	if (isinf(lgc))
		return 0;

	/* first term */
	{
		int			s1,
					s2,
					s3;
		double		g1 = cl_lgamma_sign(d, &s1);
		double		g2 = cl_lgamma_sign(c - a, &s2);
		double		g3 = cl_lgamma_sign(c - b, &s3);

		if (isinf(g2) || isinf(g3))
		{
			x[0] = -INFINITY;	/* 1/Gamma at a pole is zero */
			s[0] = 1;
		}
		else
		{
			if (!hyp_series(a, b, 1.0 - d, w, &lf, &sf))
				return 0;
			x[0] = lgc + g1 - g2 - g3 + lf;
			s[0] = sg * s1 * s2 * s3 * sf;
			if (sf == 0)
			{
				x[0] = -INFINITY;
				s[0] = 1;
			}
		}
	}
	/* second term */
	{
		int			s1,
					s2,
					s3;
		double		g1 = cl_lgamma_sign(-d, &s1);
		double		g2 = cl_lgamma_sign(a, &s2);
		double		g3 = cl_lgamma_sign(b, &s3);

		if (isinf(g2) || isinf(g3))
		{
			x[1] = -INFINITY;
			s[1] = 1;
		}
		else
		{
			if (!hyp_series(c - a, c - b, d + 1.0, w, &lf, &sf))
				return 0;
			x[1] = d * log(w) + lgc + g1 - g2 - g3 + lf;
			s[1] = sg * s1 * s2 * s3 * sf;
			if (sf == 0)
			{
				x[1] = -INFINITY;
				s[1] = 1;
			}
		}
	}
	*lg = cl_logsumexp_signed(x, s, 2, sign);
	return !isnan(*lg);
}

static int
hyp_near1(double a, double b, double c, double z, double *lg, int *sign)
{
	double		d = c - a - b;
	double		m = round(d);

	if (fabs(d - m) < HYP_INTEGER_EPS)
	{
		/*
		 * 15.3.6 degenerates: F is analytic in c, so interpolate it by the
		 * cubic through c0 + {-2h, -h, h, 2h}, c0 = a + b + m.
		 */
		const double h = HYP_INTEGER_EPS;
		const double off[4] = {-2.0, -1.0, 1.0, 2.0};
		double		l[4],
					L = -INFINITY,
					v = 0.0,
					t = (d - m) / h;
		int			s[4],
					i,
					j;

		for (i = 0; i < 4; i++)
		{
			if (!hyp_near1_raw(a, b, a + b + m + off[i] * h, z, &l[i], &s[i]))
				return 0;
			if (l[i] > L)
				L = l[i];
		}
		if (L == -INFINITY)
		{
			*lg = -INFINITY;
			*sign = 0;
			return 1;
		}
		for (i = 0; i < 4; i++)
		{
			double		w = 1.0;

			for (j = 0; j < 4; j++)
				if (j != i)
					w *= (t - off[j]) / (off[i] - off[j]);
			v += w * s[i] * exp(l[i] - L);
		}
		if (v == 0.0)
		{
			*lg = -INFINITY;
			*sign = 0;
			return 1;
		}
		*sign = v > 0 ? 1 : -1;
		*lg = L + log(fabs(v));
		return 1;
	}
	return hyp_near1_raw(a, b, c, z, lg, sign);
}

double
cl_log_hyp2f1(double a, double b, double c, double z, int *sign)
{
	double		lg;

	*sign = 0;
	if (isnan(a) || isnan(b) || isnan(c) || isnan(z) ||
		isinf(a) || isinf(b) || isinf(c) || isinf(z) || z > 1.0)
		return NAN;
	if (z == 0.0 || a == 0.0 || b == 0.0)
	{
		*sign = 1;
		return 0.0;
	}
	if (z == 1.0)
	{
		/* Gauss: G(c)G(c-a-b)/(G(c-a)G(c-b)) when c - a - b > 0 */
		int			s0,
					s1,
					s2,
					s3;
		double		g0,
					g1,
					g2,
					g3;

		if (!(c - a - b > 0))
			return NAN;
		g0 = cl_lgamma_sign(c, &s0);
		g1 = cl_lgamma_sign(c - a - b, &s1);
		g2 = cl_lgamma_sign(c - a, &s2);
		g3 = cl_lgamma_sign(c - b, &s3);
		if (isinf(g0))
			return NAN;
		if (isinf(g2) || isinf(g3))
			return -INFINITY;
		*sign = s0 * s1 * s2 * s3;
		return g0 + g1 - g2 - g3;
	}
	if (z < 0.0)
	{
		/* Pfaff: F(a,b;c;z) = (1-z)^-a F(a, c-b; c; z/(z-1)), z/(z-1) in (0,1) */
		double		w = z / (z - 1.0);

		lg = cl_log_hyp2f1(a, c - b, c, w, sign);
		if (isnan(lg) || *sign == 0)
			return lg;
		return lg - a * log1p(-z);
	}
	/* 0 < z < 1 */
	if (z <= HYP_NEAR1 || is_nonpos_int(a) || is_nonpos_int(b) ||
		(z <= HYP_DIRECT_MAX && fabs(c - a - b) > 1.0))
	{
		/*
		 * The series converges fast enough (or is a polynomial); near 1 it is
		 * also preferred when |c-a-b| > 1, where one series of 15.3.6 has a
		 * negative third parameter and alternates with cancellation.
		 */
		if (!hyp_series(a, b, c, z, &lg, sign))
		{
			*sign = 0;
			return NAN;
		}
		return lg;
	}
	if (is_nonpos_int(c - a) || is_nonpos_int(c - b))
	{
		/* Euler: F = (1-z)^(c-a-b) F(c-a, c-b; c; z), a polynomial */
		if (!hyp_series(c - a, c - b, c, z, &lg, sign))
		{
			*sign = 0;
			return NAN;
		}
		return lg + (c - a - b) * log1p(-z);
	}
	if (!hyp_near1(a, b, c, z, &lg, sign))
	{
		*sign = 0;
		return NAN;
	}
	return lg;
}

double
cl_hyp2f1(double a, double b, double c, double z)
{
	int			sign;
	double		lg = cl_log_hyp2f1(a, b, c, z, &sign);

	if (isnan(lg))
		return NAN;
	if (sign == 0)
		return 0.0;
	return sign * exp(lg);
}

/* ---- adaptive Gauss-Kronrod (7, 15) quadrature of a vector integrand ---- */

#define GK_MAXDEPTH 40


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
gk_adapt(ClGkFn f, void *ctx, int dim, double a, double b, double reltol,
		 double scale, int depth, int *budget, double *out)
{
	double		c = 0.5 * (a + b),
				h = 0.5 * (b - a);
	double		k[CL_GK_MAXDIM] = {0},
				g[CL_GK_MAXDIM] = {0},
				v1[CL_GK_MAXDIM],
				v2[CL_GK_MAXDIM];
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

void
cl_gk_integrate(ClGkFn f, void *ctx, int dim, double a, double b, double reltol,
				double scale, int maxintervals, double *out)
{
	int			budget = maxintervals;

	for (int d = 0; d < dim; d++)
		out[d] = 0.0;
	gk_adapt(f, ctx, dim, a, b, reltol, scale, 0, &budget, out);
}
