/*
 * specfun.h
 *		Special functions shared by the customer-base models (plain C, no
 *		PostgreSQL headers): log-gamma with sign, digamma, trigamma, log-beta,
 *		log-sum-exp and friends, and the Gauss hypergeometric function 2F1.
 *
 * Conventions: every function is pure (no global state written except what
 * libm's lgamma() may touch), returns NaN for arguments outside its domain
 * (never aborts) and is accurate to a few ulps unless stated otherwise.
 *
 * API stability: this header is used by several model areas (BG/NBD,
 * Pareto/NBD, Gamma-Gamma, sBG).  Functions are only ever added, never
 * changed.
 */
#ifndef CL_SPECFUN_H
#define CL_SPECFUN_H

/* ---- gamma family ------------------------------------------------------ */

/* log|Gamma(x)|; +Inf at the poles x = 0, -1, -2, ... */
extern double cl_lgamma(double x);

/*
 * log|Gamma(x)| and the sign of Gamma(x) (+1 or -1; +1 at poles) in *sign.
 * Does not use the global signgam.
 */
extern double cl_lgamma_sign(double x, int *sign);

/* log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b), for a, b > 0. */
extern double cl_lbeta(double a, double b);

/*
 * log of the rising factorial (Pochhammer symbol) (a)_n = Gamma(a+n)/Gamma(a)
 * for a > 0, n >= 0 (n need not be an integer).
 */
extern double cl_lpochhammer(double a, double n);

/*
 * lgamma(x + h) - lgamma(x) for x > 0, h >= 0, accurate to a few ulps of
 * the result even when it is small against lgamma(x) (large x, small h),
 * where the plain difference loses everything (lgamma(1e15) ~ 3.4e16).
 * Method: shift x above 10 with the recurrence, then the difference of the
 * Stirling series written with log1p and expm1.  NaN outside the domain.
 */
extern double cl_lgamma_ratio(double x, double h);

/* log(1 + x) - x for x > -1, accurate also for small |x|. */
extern double cl_log1pmx(double x);

/*
 * log B(a, b + t) - log B(a, b) = log of the sBG survival S(t) and of many
 * beta-binomial ratios, for a, b > 0, t >= 0: computed with cl_lgamma_ratio
 * in whichever of its two forms has the smaller shift, so that it keeps
 * full relative precision when b is huge (b = 1e15).
 */
extern double cl_lbeta_ratio(double a, double b, double t);

/* digamma psi(x) = d/dx log Gamma(x); NaN at the poles. */
extern double cl_digamma(double x);

/* trigamma psi'(x); NaN at the poles. */
extern double cl_trigamma(double x);

/* ---- log-space arithmetic ---------------------------------------------- */

/* log(exp(a) + exp(b)) without overflow; -Inf if both are -Inf. */
extern double cl_logsumexp2(double a, double b);

/* log(sum_i exp(x[i])) over n values; -Inf for n = 0. */
extern double cl_logsumexp(const double *x, int n);

/*
 * log(sum_i s[i] * exp(x[i])) for signs s[i] in {-1, +1}; the sign of the
 * sum goes to *sign (0 when it is exactly zero, then -Inf is returned).
 */
extern double cl_logsumexp_signed(const double *x, const int *s, int n, int *sign);

/* log(1 - exp(x)) for x <= 0 (Maechler's log1mexp); NaN for x > 0. */
extern double cl_log1mexp(double x);

/* log(1 + exp(x)) (softplus), accurate for all x. */
extern double cl_log1pexp(double x);

/* log(exp(a) - exp(b)) for a >= b; -Inf when a == b; NaN when a < b. */
extern double cl_logdiffexp(double a, double b);

/* ---- Gauss hypergeometric function 2F1(a, b; c; z) ---------------------- */

/*
 * 2F1(a, b; c; z) for real a, b, c and real z < 1 (and z = 1 when
 * c - a - b > 0).  c must not be a non-positive integer unless the series
 * terminates first.  Returns NaN outside the domain or when the series fails
 * to converge.
 *
 * Method: the defining series for 0 <= z <= 0.9 (stopped when the terms are
 * below 1e-17 of the sum and decreasing); Pfaff's transformation
 * 2F1(a,b;c;z) = (1-z)^-a 2F1(a, c-b; c; z/(z-1)) for z < 0; for z > 0.9 the
 * linear transformation to 1 - z (Abramowitz & Stegun 15.3.6), whose two
 * series converge like (1-z)^n (the direct series is kept up to z = 0.99
 * when |c - a - b| > 1, where 15.3.6 would cancel); when c - a - b is within
 * 1e-3 of an integer (where 15.3.6 degenerates) the value is the cubic
 * interpolant in c (F is analytic in c) through c - a - b = m +- 1e-3,
 * m +- 2e-3.  Sums are kept scaled so very large values do not overflow;
 * use cl_log_hyp2f1 when the value itself may exceed the double range.
 */
extern double cl_hyp2f1(double a, double b, double c, double z);

/*
 * log|2F1(a, b; c; z)| with the sign of 2F1 in *sign (0 when the value is
 * zero, then -Inf is returned).  Same domain and method as cl_hyp2f1.
 * Returns NaN (and *sign = 0) on failure.
 */
extern double cl_log_hyp2f1(double a, double b, double c, double z, int *sign);

/* ---- quadrature -------------------------------------------------------- */

#define CL_GK_MAXDIM 5

/* integrand: out[0..dim) = f(y) */
typedef void (*ClGkFn) (double y, void *ctx, double *out);

/*
 * Adaptive Gauss-Kronrod (7, 15) quadrature of a vector integrand (dim <=
 * CL_GK_MAXDIM) over [a, b] into out[]: an interval is split until
 * |Kronrod - Gauss| of component 0 is below reltol * scale (scale <= 0: the
 * magnitude of the first whole-interval estimate), at most maxintervals
 * subintervals (then the current estimates are accepted).
 */
extern void cl_gk_integrate(ClGkFn f, void *ctx, int dim, double a, double b,
							double reltol, double scale, int maxintervals,
							double *out);

#endif							/* CL_SPECFUN_H */
