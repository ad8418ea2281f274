/*
 * pareto_nbd.h
 *		Pareto/NBD model of non-contractual repeat buying (Schmittlein,
 *		Morrison & Colombo 1987; Fader & Hardie 2005, "A Note on Deriving the
 *		Pareto/NBD Model and Related Expressions"; Fader, Hardie & Lee 2005,
 *		"RFM and CLV"; Fader & Hardie 2006, "Deriving an Expression for
 *		P(X(t) = x) under the Pareto/NBD Model").
 *
 * While alive a customer buys as a Poisson process with rate lambda ~
 * Gamma(r, alpha); lifetimes are exponential with rate mu ~ Gamma(s, beta).
 * Data per customer: x repeat purchases, time of the last one t_x (recency),
 * time since the first purchase T, all in the same time unit.
 *
 * Parameters are passed as p[4] = {r, alpha, s, beta}.
 *
 * Likelihood (Fader & Hardie 2005, eq. 11 written as an integral over the
 * unobserved death time tau in (t_x, T]):
 *
 *	L = Gamma(r+x) alpha^r beta^s / Gamma(r)
 *	    * [ (alpha+T)^-(r+x) (beta+T)^-s
 *	        + s * Integral_{t_x}^{T} (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau ]
 *
 * The integral equals the 2F1 expression A_0 / (r+s+x) of the note; it is
 * evaluated here by quadrature after a substitution u = (m + tau)^-K that
 * absorbs the power-law decay (m, K chosen so that what is left varies
 * least): adaptive Gauss-Kronrod, or 6-point Gauss-Legendre on short flat
 * intervals.  This avoids both 2F1 near z = 1 and the cancellation between
 * the two 2F1 terms, and gives the analytic gradient (derivatives under the
 * integral sign) on the same nodes.  Over many customers the integrals of
 * one frequency are cumulated over the distinct t_x / T points
 * (cl_pnbd_loglik_data).  The 2F1 form (cl_pnbd_loglik_2f1) is kept as an
 * independent check.
 *
 * Plain C, no PostgreSQL headers.
 */
#ifndef CL_PARETO_NBD_H
#define CL_PARETO_NBD_H

#include <stddef.h>

#include "fitstate.h"			/* ClFitRow, ClModelFit */

/*
 * The data of a fit are the distinct rows of the shared compressed fit state
 * (fitstate.h): ClFitRow {x, tx, T, count} = (frequency, recency, T, number
 * of customers).
 */

/*
 * Log-likelihood of one customer; grad (may be NULL) gets the gradient with
 * respect to the natural parameters (r, alpha, s, beta); *p_alive (may be
 * NULL) gets P(alive at T | x, t_x, T).
 */
extern double cl_pnbd_loglik_one(const double p[4], double x, double t_x, double T,
							  double *grad, double *p_alive);

/* The same log-likelihood through the 2F1 form of the literature (check). */
extern double cl_pnbd_loglik_2f1(const double p[4], double x, double t_x, double T);

/*
 * Sum over cells of count * log-likelihood; grad (may be NULL) gets the
 * gradient with respect to (log r, log alpha, log s, log beta).
 */
extern double cl_pnbd_loglik(const double p[4], const ClFitRow *cells, size_t ncells,
						  double *grad);

/*
 * The same sum over many rows, prepared once (grouped by frequency, see
 * pareto_nbd.c): cl_pnbd_prepare returns NULL when out of memory; the rows
 * must outlive the data.  Memory comes from cl_core_alloc (fitstate.h: palloc
 * in the server, so a fit cancelled half-way leaks nothing).
 */
typedef struct ClPnbdData ClPnbdData;
extern ClPnbdData *cl_pnbd_prepare(const ClFitRow *cells, size_t ncells);
extern double cl_pnbd_loglik_data(const double p[4], ClPnbdData *data, double *grad);
extern void cl_pnbd_free(ClPnbdData *data);

/* P(alive at T | x, t_x, T) */
extern double cl_pnbd_p_alive(const double p[4], double x, double t_x, double T);

/* E[X(T, T + t] | x, t_x, T]: expected purchases in the next t time units */
extern double cl_pnbd_expected_purchases(const double p[4], double t, double x,
									  double t_x, double T);

/*
 * The same two bit for bit, for many customers under one parameter set:
 * P(alive) in a caller's memo keyed (x, t_x, T) (memo.h; forgotten by the
 * caller when the parameters change; NULL: none)
 */
struct ClGenMemo;
extern double cl_pnbd_p_alive_memo(const double p[4], struct ClGenMemo *memo,
								   double x, double t_x, double T);
extern double cl_pnbd_expected_purchases_memo(const double p[4], struct ClGenMemo *memo,
											  double t, double x, double t_x, double T);

/* E[X(t)] for a new customer (unconditional) */
extern double cl_pnbd_expected_purchases_new(const double p[4], double t);

/*
 * P(X(t) = n) for a new customer: NBD term times P(alive at t) plus the
 * integral over death times in (0, t) (adaptive quadrature).
 */
extern double cl_pnbd_purchase_pmf(const double p[4], double t, double n);

/* The closed form of Fader & Hardie (2006) through 2F1 (check). */
extern double cl_pnbd_purchase_pmf_2f1(const double p[4], double t, double n);

/*
 * Maximum-likelihood fit on log-parameters from r = alpha = s = beta = 1,
 * minimising -LL/n + penalizer * sum(log(param)^2) (the lifetimes
 * convention, shared with the BG/NBD fit).  Fills *fit (ClModelFit of
 * fitstate.h: p = {r, alpha, s, beta}).  Returns 0, -1 when there are no
 * customers, -2 when out of memory.
 */
extern int	cl_pnbd_fit(const ClFitRow *cells, size_t ncells, double penalizer,
					 ClModelFit *fit);

#endif							/* CL_PARETO_NBD_H */
