/*
 * sbg.h
 *		Shifted-beta-geometric (sBG) model of contractual retention
 *		(Fader & Hardie 2007, "How to Project Customer Retention", J. Interactive
 *		Marketing 21(1); Fader & Hardie 2010, "Customer-Base Valuation in a
 *		Contractual Setting: The Perils of Ignoring Heterogeneity", Marketing
 *		Science 29(1)).
 *
 * Each customer renews at the end of every period with a constant probability
 * 1 - theta until they churn; theta ~ Beta(alpha, beta) across customers.
 *
 *	P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta)		t = 1, 2, ...
 *	S(t)     = B(alpha, beta + t) / B(alpha, beta)				t = 0, 1, ...
 *	r(t)     = S(t) / S(t-1) = (beta + t - 1) / (alpha + beta + t - 1)
 *
 * Plain C, no PostgreSQL headers.
 */
#ifndef CL_SBG_H
#define CL_SBG_H

#include <stddef.h>
#include <stdint.h>

#include "fitstate.h"			/* ClFitRow, ClModelFit */

/*
 * One cell of compressed data: "churned" customers who churned in period
 * "period" (period >= 1), and "alive" customers still active after "period"
 * periods (right-censored; period >= 0).  A cohort's survivor curve
 * n_0 .. n_k becomes cells (t, n_{t-1} - n_t, 0) for t = 1..k plus (k, 0, n_k).
 *
 * "entered" (left truncation, 0 when observed from the start) is the number
 * of periods the customers had already renewed when observation began: only
 * customers still active then can be in the data, so each contribution is
 * conditioned on survival to it, divided by S(entered).  entered < period
 * for churned customers, entered <= period for alive ones.
 */
typedef struct ClSbgCell
{
	int64_t		period;
	double		churned;
	double		alive;
	int64_t		entered;
} ClSbgCell;

/* log S(t) and log P(T = t) (t >= 1) */
extern double cl_sbg_log_survival(double alpha, double beta, double t);
extern double cl_sbg_log_churn_pmf(double alpha, double beta, double t);

/* retention rate r(t) = (beta + t - 1) / (alpha + beta + t - 1), t >= 1 */
extern double cl_sbg_retention_rate(double alpha, double beta, double t);

/*
 * Discounted expected residual lifetime (Fader & Hardie 2010, eq. 6) of a
 * customer who has made "renewals" renewals (n - 1 in the paper), evaluated
 * just before the next renewal decision, with discount rate d > 0 per period:
 *
 *	DERL = (beta + n - 1) / (alpha + beta + n - 1)
 *	       * 2F1(1, beta + n; alpha + beta + n; 1 / (1 + d))
 *
 * i.e. sum over k >= 0 of S(n + k) / S(n - 1) / (1 + d)^k, always in
 * [0, (1 + d) / d].  Multiply by the margin per period to get the residual
 * value.  Evaluated to near machine precision for any alpha, beta, renewals
 * (see sbg.c); NaN only when the direct sum would need more than 5e7 terms.
 */
extern double cl_sbg_derl(double alpha, double beta, double discount, double renewals);

/*
 * Log-likelihood of the cells at (alpha, beta), conditioned on survival to
 * each cell's "entered" period; if grad is not NULL it gets the gradient
 * with respect to (log alpha, log beta).
 */
extern double cl_sbg_loglik(double alpha, double beta, const ClSbgCell *cells,
						 size_t ncells, double *grad);

/*
 * Maximum-likelihood fit on log-parameters from alpha = beta = 1,
 * minimising -LL/n + penalizer * sum(log(param)^2) (the lifetimes
 * convention, shared with the other fits).  Fills *fit (ClModelFit of
 * fitstate.h: p = {alpha, beta}); fit->converged only at an identified interior
 * maximum.  Returns 0, or -1 when there are no customers.
 */
extern int	cl_sbg_fit(const ClSbgCell *cells, size_t ncells, double penalizer,
					ClModelFit *fit);

/* Total number of customers in the cells. */
extern double cl_sbg_customers(const ClSbgCell *cells, size_t ncells);

#endif							/* CL_SBG_H */
