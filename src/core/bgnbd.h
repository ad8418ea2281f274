/*
 * bgnbd.h
 *		BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the
 *		easy way", Marketing Science 24(2)): likelihood with analytic
 *		gradient, maximum-likelihood fit, and predictions.  Plain C, no
 *		PostgreSQL headers.
 *
 * Parameters p[4] = {r, alpha, a, b}, all > 0.  Data per customer: x =
 * number of repeat purchases (integer >= 0), tx = time of the last purchase
 * (recency, 0 <= tx <= T), T = age (time since the first purchase), in any
 * one time unit (alpha is in that unit).
 */
#ifndef CL_BGNBD_H
#define CL_BGNBD_H

#include <stdint.h>

#include "fitstate.h"


/*
 * Log-likelihood of one customer; when grad != NULL adds d/d(log p_i) of it
 * times weight w into grad[0..3] (for the fit: log-parameter gradient).
 */
extern double cl_bgnbd_loglik(const double *p, double x, double tx, double T,
							  double w, double *grad);

/*
 * Sum of count * log-likelihood over rows sorted by x (cl_fitstate_rows
 * output); grad (may be NULL) receives the gradient in log parameters.
 */
extern double cl_bgnbd_loglik_rows(const double *p, const ClFitRow *rows,
								   uint32_t nrows, double *grad);

/*
 * The same sum computed the way the fit does (distinct T and tx values,
 * groups of x; rows sorted by x), for tests; NaN when out of memory.
 */
extern double cl_bgnbd_loglik_fast(const double *p, const ClFitRow *rows,
								   uint32_t nrows, double *grad);

/*
 * Maximum-likelihood fit over rows sorted by x, minimising
 * -LL/n + penalizer * sum(log(p)^2) on log parameters.  Fills *fit.
 * Returns fit->converged (see cl_model_fit_check); on out-of-memory the
 * result is NaN and not converged.
 */
extern int	cl_bgnbd_fit(const ClFitRow *rows, uint32_t nrows, double penalizer,
						 ClModelFit *fit);

/*
 * The same fit and fast likelihood for the BG/NBD family: modified = 1 is
 * MBG/NBD (Batislam, Denizel & Filiztekin 2007): the customer may also drop
 * out at time 0, so the x-only terms use b + x + 1 and the "dropped out"
 * term a/(b+x) (alpha+tx)^-(r+x) is present for x = 0 too (tx = 0 then).
 */
extern double cl_bgnbd_loglik_fast_variant(const double *p, const ClFitRow *rows,
										   uint32_t nrows, double *grad,
										   int modified);
extern int	cl_bgnbd_fit_variant(const ClFitRow *rows, uint32_t nrows,
								 double penalizer, ClModelFit *fit,
								 int modified);

/*
 * c/(a-1) * (1 - (A/(A+t))^rr 2F1(rr, bb; c; t/(A+t))), c = a + bb - 1: the
 * common form of the BG/NBD expectations (eqs. 7 and 10), also used by
 * MBG/NBD (with bb = b + x + 1).  NaN when a == 1 (the caller interpolates).
 */
extern double cl_bgnbd_bracket(double a, double rr, double bb, double A,
							   double t);

/* P(alive | x, tx, T) */
extern double cl_bgnbd_p_alive(const double *p, double x, double tx, double T);

/* E[X(T, T + t) | x, tx, T]: expected purchases in the next t (eq. 10) */
extern double cl_bgnbd_expected_cond(const double *p, double t, double x,
									 double tx, double T);

/*
 * The same predictions for many customers under one parameter set: the
 * values depending on the parameters only (log a, log(b + x - 1) for small
 * x) are kept in a ClBgnbdPre, and the bracket of eq. 10, which depends on
 * (x, T, t) only, in a caller's memo (NULL: none).  The results are those of
 * cl_bgnbd_p_alive / cl_bgnbd_expected_cond / cl_clv bit for bit.
 */
#define CL_BGNBD_PRE_NX 64
typedef struct ClBgnbdPre
{
	double		p[4];
	double		la;				/* log(a) */
	uint64_t	have;			/* bit x-1: lbx[x-1] is set */
	double		lbx[CL_BGNBD_PRE_NX];	/* log(b + x - 1), x = 1.. */
} ClBgnbdPre;

struct ClGenMemo;

extern void cl_bgnbd_pre_init(ClBgnbdPre *pre, const double *p);
extern double cl_bgnbd_p_alive_pre(ClBgnbdPre *pre, double x, double tx, double T);
/* the bracket of eq. 10 for a customer (x, T) and horizon t, memoised */
extern double cl_bgnbd_bracket_pre(const ClBgnbdPre *pre, struct ClGenMemo *memo,
								   double t, double x, double T);
extern double cl_bgnbd_expected_cond_pre(ClBgnbdPre *pre, struct ClGenMemo *memo,
										 double t, double x, double tx, double T);

/* E[X(t)] for a new customer (eq. 7) */
extern double cl_bgnbd_expected_new(const double *p, double t);

/* P(X(t) = n) for a new customer (eq. 8) */
extern double cl_bgnbd_pmf(const double *p, double t, double n);

#endif							/* CL_BGNBD_H */
