/*
 * gamma_gamma.h
 *		Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: using
 *		iso-value curves for customer base analysis", JMR 42(4); Fader &
 *		Hardie, "The Gamma-Gamma model of monetary value", note 025, 2013).
 *		Plain C, no PostgreSQL headers.
 *
 * Parameters p[3] = {p, q, gamma (v)}, all > 0.  Data per repeat customer:
 * x = number of repeat transactions (> 0), m = their mean value (> 0).
 * Rows are ClFitRow with (x, tx = m, T = 0).
 */
#ifndef CL_GAMMA_GAMMA_H
#define CL_GAMMA_GAMMA_H

#include "bgnbd.h"				/* ClModelFit */
#include "fitstate.h"

/*
 * Sum of count * log-likelihood of the mean spends (lifetimes' form, which
 * includes the Jacobian of the mean):
 *   lnG(px+q) - lnG(px) - lnG(q) + q ln v + (px-1) ln m + px ln x
 *   - (px+q) ln(xm + v)
 * grad (may be NULL) receives the gradient in log parameters.
 */
extern double cl_gg_loglik_rows(const double *p, const ClFitRow *rows,
								uint32_t nrows, double *grad);

/*
 * The same sum computed the way the fit does (log m precomputed, rows
 * sorted by x), for tests; NaN when out of memory.
 */
extern double cl_gg_loglik_fast(const double *p, const ClFitRow *rows,
								uint32_t nrows, double *grad);

/* ML fit (-LL/n + penalizer * |log p|^2 on log parameters); see bgnbd.h */
extern int	cl_gg_fit(const ClFitRow *rows, uint32_t nrows, double penalizer,
					  ClModelFit *fit);

/*
 * E[M | x, m] = (p (v + x m)) / (p x + q - 1), the conditional expected mean
 * spend; for x = 0 the population mean p v / (q - 1).  NaN when the
 * expectation is infinite (p x + q <= 1).
 */
extern double cl_gg_expected_spend(const double *p, double x, double m);

/*
 * Customer lifetime value with the lifetimes convention: for each month
 * i = 1..months, the BG/NBD expected purchases between (i-1) and i months
 * (one month = units_per_month time units of the BG/NBD fit) times the
 * Gamma-Gamma expected spend E[M | x, m], discounted by (1 + discount)^i.
 * bg = {r, alpha, a, b}, gg = {p, q, v}.  NaN when a term cannot be
 * evaluated.
 */
extern double cl_clv(const double *bg, const double *gg, double x, double tx,
					 double T, double m, int months, double discount,
					 double units_per_month);

/* cl_clv bit for bit, with the BG/NBD values of pre and memo (NULL: none) */
extern double cl_clv_pre(ClBgnbdPre *pre, struct ClGenMemo *memo, const double *gg,
						 double x, double tx, double T, double m, int months,
						 double discount, double units_per_month);

#endif							/* CL_GAMMA_GAMMA_H */
