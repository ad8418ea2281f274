/*
 * mbgnbd.c
 *		MBG/NBD likelihood (direct form), fit and predictions; see mbgnbd.h.
 */
#include "mbgnbd.h"

#include <math.h>
#include <string.h>

#include "bgnbd.h"
#include "gamma_gamma.h"
#include "memo.h"
#include "specfun.h"

double
cl_mbgnbd_loglik(const double *p, double x, double tx, double T)
{
	const double r = p[0],
				alpha = p[1],
				a = p[2],
				b = p[3];
	double		rx = r + x;
	double		c = lgamma(rx) - lgamma(r) + r * log(alpha)
		+ cl_lbeta(a, b + x + 1.0) - cl_lbeta(a, b);

	return c + cl_logsumexp2(-rx * log(alpha + T),
							 log(a) - log(b + x) - rx * log(alpha + tx));
}

int
cl_mbgnbd_fit(const ClFitRow *rows, uint32_t nrows, double penalizer,
			  ClModelFit *fit)
{
	return cl_bgnbd_fit_variant(rows, nrows, penalizer, fit, 1);
}

double
cl_mbgnbd_p_alive(const double *p, double x, double tx, double T)
{
	const double r = p[0],
				alpha = p[1],
				a = p[2],
				b = p[3];
	/*
	 * odds of having dropped out: a/(b+x) ((alpha+T)/(alpha+tx))^(r+x);
	 * 1/(1 + odds) keeps full relative precision (odds = Inf gives 0)
	 */
	double		odds = a / (b + x) * exp((r + x) * log1p((T - tx) / (alpha + tx)));

	return 1.0 / (1.0 + odds);
}

/* a == 1 is a removable singularity of the 2F1 form: interpolate across it */
#define A_ONE_EPS 1e-4

static double mbg_bracket_raw(double a, double b, double rr, double x, double A, double t);
static double mbg_bracket_2f1(double a, double b, double rr, double x, double A, double t);

/*
 * Memo of the bracket: it depends on (a, b, r, x, alpha + T, t) only, which
 * repeat across the customers of a base (few distinct ages and frequencies).
 */
#define MBG_MEMO 4096
static ClMemoEntry memo_bracket[MBG_MEMO];

/* (a+b+x)/(a-1) [1 - ...]: cl_bgnbd_bracket with bb = b + x + 1 */
static double
mbg_bracket(double a, double b, double rr, double x, double A, double t)
{
	double		key[6] = {a, b, rr, x, A, t},
				v;

	if (cl_memo_get(memo_bracket, MBG_MEMO, key, 6, &v))
		return v;
	v = mbg_bracket_raw(a, b, rr, x, A, t);
	cl_memo_put(memo_bracket, MBG_MEMO, key, 6, v);
	return v;
}

/*
 * The same bracket as a positive integral over the dropout probability q:
 * given lambda ~ Gamma(rr, A) and q ~ Beta(a, bb), an active customer makes
 * (1/q)(1 - exp(-lambda q t)) purchases in t on average, so
 *   J = E_q[ (1/q) (1 - (A/(A + q t))^rr) ],  q ~ Beta(a, bb),
 * which equals c/(a-1) [1 - (A/(A+t))^rr 2F1(rr, bb; c; t/(A+t))].  The
 * integrand is positive, bounded by rr t/A and increasing in t, so J is
 * accurate and monotone wherever the 2F1 form is not.  Computed by the
 * tanh-sinh rule in the logit of q, centred at the mode logit(a/bb) and
 * scaled by the spread sqrt(1/a + 1/bb) of the beta in that scale:
 *   q = sigmoid(s), s = s0 + c pi sinh(tau),
 *   dq q^(a-1) (1-q)^(bb-1) = q^a (1-q)^bb c pi cosh(tau) dtau,
 * halving the step until two levels agree to 1e-14.
 */
double
cl_mbgnbd_bracket_integral(double a, double bb, double rr, double A, double t)
{
	const double s0 = log(a / bb),
				c = sqrt(1.0 / a + 1.0 / bb),
				lb = cl_lbeta(a, bb),
				tA = t / A,
				rta = rr * t / A;
	double		tmax = asinh(60.0 / (fmin(a, bb) * c * M_PI)) + 0.5,
				h = 0.5,
				sum = 0.0,
				prev = NAN;
	int			level;

	if (tmax < 3.0)
		tmax = 3.0;
	for (level = 0; level < 14; level++)
	{
		/* level 0: the nodes k h; then the new nodes, odd multiples of h */
		double		step = level == 0 ? h : 2.0 * h,
					tau0 = level == 0 ? 0.0 : h,
					est;

		for (double tau = tau0; tau <= tmax; tau += step)
		{
			for (int sgn = -1; sgn <= 1; sgn += 2)
			{
				double		tt = sgn * tau,
							et = exp(tt),
							sv = s0 + c * M_PI * 0.5 * (et - 1.0 / et),
							e = exp(-fabs(sv)),
							l1pe = log1p(e),
							lq = sv >= 0 ? -l1pe : sv - l1pe,	/* log q */
							l1q = sv >= 0 ? -sv - l1pe : -l1pe,	/* log (1 - q) */
							lw = a * lq + bb * l1q - lb,
							q,
							u,
							hq;

				if (tau == 0 && sgn > 0)
					continue;	/* the node 0 once */
				if (lw < -745.0)
					continue;	/* the weight underflows */
				q = exp(lq);
				u = q * tA;		/* q t / A */
				/* (1 - (1+u)^-rr) / q; its series where u is tiny (or q underflows) */
				if (rr * u < 1e-8)
					hq = rta * (1.0 - 0.5 * (rr + 1.0) * u);
				else
					hq = -expm1(-rr * log1p(u)) / q;
				sum += exp(lw) * c * M_PI * 0.5 * (et + 1.0 / et) * hq;
			}
		}
		est = h * sum;
		/*
		 * the error of the rule roughly squares with each halving: levels
		 * agreeing to 1e-10 leave about 1e-20
		 */
		if (level >= 3 && fabs(est - prev) <= 1e-10 * est)
			return est;
		prev = est;
		h /= 2.0;
	}
	return prev;
}

static double
mbg_bracket_raw(double a, double b, double rr, double x, double A, double t)
{
	double		bb = b + x + 1.0,
				v;

	/*
	 * The 2F1 form loses digits for large shapes (from relative errors of
	 * 1e-9 near 50 to no digit at all in the thousands) and for a small a
	 * with a long horizon: there, the integral
	 */
	if (a >= 50.0 || bb >= 50.0 || rr >= 50.0 || a < 0.1)
		return cl_mbgnbd_bracket_integral(a, bb, rr, A, t);
	v = mbg_bracket_2f1(a, b, rr, x, A, t);

	/*
	 * 0 < J <= rr t / A, and J <= E[1/q] = (a+bb-1)/(a-1) when a > 1: a
	 * value outside (a 2F1 form that cancelled or failed) is recomputed as
	 * the integral
	 */
	if (!(v > 0) || !(v <= rr * t / A * (1.0 + 1e-9)) ||
		(a > 1.0 && !(v <= (a + bb - 1.0) / (a - 1.0) * (1.0 + 1e-9))))
		v = cl_mbgnbd_bracket_integral(a, bb, rr, A, t);
	return v;
}

static double
mbg_bracket_2f1(double a, double b, double rr, double x, double A, double t)
{
	if (fabs(a - 1.0) < A_ONE_EPS)
	{
		double		u = (a - (1.0 - A_ONE_EPS)) / (2 * A_ONE_EPS),
					a1 = 1.0 - A_ONE_EPS,
					a2 = 1.0 + A_ONE_EPS;

		return (1.0 - u) * cl_bgnbd_bracket(a1, rr, b + x + 1.0, A, t)
			+ u * cl_bgnbd_bracket(a2, rr, b + x + 1.0, A, t);
	}
	return cl_bgnbd_bracket(a, rr, b + x + 1.0, A, t);
}

double
cl_mbgnbd_expected_cond(const double *p, double t, double x, double tx, double T)
{
	if (t == 0)
		return 0.0;
	return mbg_bracket(p[2], p[3], p[0] + x, x, p[1] + T, t)
		* cl_mbgnbd_p_alive(p, x, tx, T);
}

/* the bracket of a customer (x, T), horizon t: memo keyed (x, T, t) first */
static double
mbg_bracket_memo(const double *p, ClGenMemo *memo, double t, double x, double T)
{
	double		key[3] = {x, T, t},
				v;

	if (memo != NULL && cl_genmemo_get(memo, key, 3, &v))
		return v;
	v = mbg_bracket(p[2], p[3], p[0] + x, x, p[1] + T, t);
	if (memo != NULL)
		cl_genmemo_put(memo, key, 3, v);
	return v;
}

double
cl_mbgnbd_expected_cond_memo(const double *p, ClGenMemo *memo, double t,
							 double x, double tx, double T)
{
	if (t == 0)
		return 0.0;
	return mbg_bracket_memo(p, memo, t, x, T) * cl_mbgnbd_p_alive(p, x, tx, T);
}

double
cl_mbgnbd_clv_memo(const double *p, ClGenMemo *memo, const double *gg, double x,
				   double tx, double T, double m, int months, double discount,
				   double units_per_month)
{
	double		spend = cl_gg_expected_spend(gg, x, m),
				prev = 0.0,
				clv = 0.0,
				alive;
	int			i;

	if (isnan(spend))
		return NAN;
	/* cl_mbgnbd_expected_cond = bracket(x, T, t) * P(alive), P(alive) once */
	alive = cl_mbgnbd_p_alive(p, x, tx, T);
	for (i = 1; i <= months; i++)
	{
		double		t = i * units_per_month,
					cum = t == 0 ? 0.0 : mbg_bracket_memo(p, memo, t, x, T) * alive;

		/* the expectation never decreases in the horizon */
		if (cum < prev)
			cum = prev;
		clv += spend * (cum - prev) / pow(1.0 + discount, i);
		prev = cum;
	}
	return clv;
}

double
cl_mbgnbd_expected_new(const double *p, double t)
{
	const double a = p[2],
				b = p[3];

	if (t == 0)
		return 0.0;
	/* b/(a-1) [...] = b/(a+b) * (a+b)/(a-1) [...] */
	return b / (a + b) * mbg_bracket(a, b, p[0], 0.0, p[1], t);
}

/* ---- regularised incomplete beta ---------------------------------------- */

#define BETAINC_TINY 1e-300
#define BETAINC_EPS 1e-16
#define BETAINC_MAXIT 200000

/* continued fraction of I_z(a, b) (Numerical Recipes' betacf, Lentz) */
static double
betacf(double a, double b, double z)
{
	double		qab = a + b,
				qap = a + 1.0,
				qam = a - 1.0,
				c = 1.0,
				d = 1.0 - qab * z / qap,
				h;
	int			m;

	if (fabs(d) < BETAINC_TINY)
		d = BETAINC_TINY;
	d = 1.0 / d;
	h = d;
	for (m = 1; m <= BETAINC_MAXIT; m++)
	{
		double		m2 = 2.0 * m,
					aa = m * (b - m) * z / ((qam + m2) * (a + m2)),
					del;

		d = 1.0 + aa * d;
		if (fabs(d) < BETAINC_TINY)
			d = BETAINC_TINY;
		c = 1.0 + aa / c;
		if (fabs(c) < BETAINC_TINY)
			c = BETAINC_TINY;
		d = 1.0 / d;
		h *= d * c;
		aa = -(a + m) * (qab + m) * z / ((a + m2) * (qap + m2));
		d = 1.0 + aa * d;
		if (fabs(d) < BETAINC_TINY)
			d = BETAINC_TINY;
		c = 1.0 + aa / c;
		if (fabs(c) < BETAINC_TINY)
			c = BETAINC_TINY;
		d = 1.0 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1.0) <= BETAINC_EPS)
			return h;
	}
	return NAN;
}

/* I_z(a, b) given z and w = 1 - z (both computed accurately by the caller) */
static double
betainc2(double a, double b, double z, double w)
{
	double		lbt;

	if (!(a > 0) || !(b > 0) || !(z >= 0) || !(w >= 0))
		return NAN;
	if (z == 0)
		return 0.0;
	if (w == 0)
		return 1.0;
	lbt = a * log(z) + b * log(w) - cl_lbeta(a, b);
	if (z < (a + 1.0) / (a + b + 2.0))
		return exp(lbt + log(betacf(a, b, z) / a));
	return 1.0 - exp(lbt + log(betacf(b, a, w) / b));
}

double
cl_mbgnbd_betainc(double a, double b, double z)
{
	return betainc2(a, b, z, 1.0 - z);
}

double
cl_mbgnbd_pmf(const double *p, double t, double n)
{
	const double r = p[0],
				alpha = p[1],
				a = p[2],
				b = p[3];
	double		lbab,
				lq,
				l1q,
				first,
				tail,
				v;

	if (t == 0)
		return n == 0 ? 1.0 : 0.0;
	lq = -log1p(t / alpha);		/* log(alpha / (alpha + t)) */
	l1q = -log1p(alpha / t);	/* log(t / (alpha + t)) */
	lbab = cl_lbeta(a, b);
	first = exp(cl_lbeta(a, b + n + 1.0) - lbab + lgamma(r + n) - lgamma(r)
				- lgamma(n + 1.0) + r * lq + n * l1q);
	/* P(NB >= n) = I_{t/(alpha+t)}(n, r) */
	tail = n == 0 ? 1.0 : betainc2(n, r, t / (alpha + t), alpha / (alpha + t));
	v = first + exp(cl_lbeta(a + 1.0, b + n) - lbab) * tail;
	return v > 1.0 ? 1.0 : v;
}

double
cl_mbgnbd_clv(const double *p, const double *gg, double x, double tx, double T,
			  double m, int months, double discount, double units_per_month)
{
	double		spend = cl_gg_expected_spend(gg, x, m),
				prev = 0.0,
				clv = 0.0;
	int			i;

	if (isnan(spend))
		return NAN;
	for (i = 1; i <= months; i++)
	{
		double		cum = cl_mbgnbd_expected_cond(p, i * units_per_month, x, tx, T);

		/* the expectation never decreases in the horizon */
		if (cum < prev)
			cum = prev;
		clv += spend * (cum - prev) / pow(1.0 + discount, i);
		prev = cum;
	}
	return clv;
}
