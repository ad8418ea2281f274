/*
 * mbgnbd.h
 *		MBG/NBD model (Batislam, Denizel & Filiztekin 2007, "Empirical
 *		validation and comparison of models for customer base analysis",
 *		IJRM 24(3); Wagner & Hoppe 2008, erratum, IJRM 25(3)): BG/NBD in which
 *		a customer may also drop out at time 0, right after the first
 *		purchase.  Plain C, no PostgreSQL headers.
 *
 * Parameters p[4] = {r, alpha, a, b}, all > 0: purchase rate lambda ~
 * Gamma(r, alpha) while active; at time 0 and after each repeat purchase
 * the customer drops out with probability q ~ Beta(a, b).  Data as in
 * BG/NBD: x repeat purchases, tx recency (0 when x = 0), T age.
 *
 * The fit is the BG/NBD one with the MBG/NBD variant of its likelihood
 * (cl_bgnbd_fit_variant(..., 1), src/core/bgnbd.c); the predictions follow
 * lifetimes' ModifiedBetaGeoFitter.
 */
#ifndef CL_MBGNBD_H
#define CL_MBGNBD_H

#include "fitstate.h"

/*
 * Log-likelihood of one customer (direct form, for tests):
 *   lnG(r+x) - lnG(r) + r ln alpha + lnB(a, b+x+1) - lnB(a, b)
 *   + log( (alpha+T)^-(r+x) + a/(b+x) (alpha+tx)^-(r+x) )
 */
extern double cl_mbgnbd_loglik(const double *p, double x, double tx, double T);

/* maximum-likelihood fit over rows sorted by x; see cl_bgnbd_fit */
extern int	cl_mbgnbd_fit(const ClFitRow *rows, uint32_t nrows, double penalizer,
						  ClModelFit *fit);

/* P(alive | x, tx, T) = 1 / (1 + a/(b+x) ((alpha+T)/(alpha+tx))^(r+x)) */
extern double cl_mbgnbd_p_alive(const double *p, double x, double tx, double T);

/*
 * E[X(T, T+t) | x, tx, T] = (a+b+x)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x)
 * 2F1(r+x, b+x+1; a+b+x; t/(alpha+T+t))] P(alive)
 */
extern double cl_mbgnbd_expected_cond(const double *p, double t, double x,
									  double tx, double T);

/*
 * cl_mbgnbd_expected_cond and cl_mbgnbd_clv bit for bit, for many customers
 * under one parameter set: the brackets in a caller's memo keyed (x, T, t)
 * (memo.h; forgotten by the caller when the parameters change; NULL: none)
 */
struct ClGenMemo;
extern double cl_mbgnbd_expected_cond_memo(const double *p, struct ClGenMemo *memo,
										   double t, double x, double tx, double T);
extern double cl_mbgnbd_clv_memo(const double *p, struct ClGenMemo *memo,
								 const double *gg, double x, double tx, double T,
								 double m, int months, double discount,
								 double units_per_month);

/* E[X(t)] = b/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t))] */
extern double cl_mbgnbd_expected_new(const double *p, double t);

/*
 * P(X(t) = n) = B(a, b+n+1)/B(a, b) NB(n; r, alpha, t)
 *             + B(a+1, b+n)/B(a, b) P(NB(r, alpha, t) >= n)
 */
extern double cl_mbgnbd_pmf(const double *p, double t, double n);

/*
 * Customer lifetime value with a Gamma-Gamma fit gg[3] (lifetimes'
 * convention, as cl_clv of BG/NBD): sum over months i of spend *
 * (E[X(i u)] - E[X((i-1) u)]) / (1 + d)^i with the MBG/NBD conditional
 * expectation.
 */
extern double cl_mbgnbd_clv(const double *p, const double *gg, double x, double tx,
							double T, double m, int months, double discount,
							double units_per_month);

/*
 * E_q[(1/q)(1 - (A/(A + q t))^rr)] for q ~ Beta(a, bb): the bracket
 * c/(a-1)[1 - (A/(A+t))^rr 2F1(rr, bb; c; t/(A+t))], c = a + bb - 1, as a
 * positive integral (tanh-sinh rule in the logit of q, about 1e-14).  The
 * predictions use it where the 2F1 form gives a value outside the bounds
 * 0 < J <= rr t / A (and J <= c/(a-1) for a > 1).
 */
extern double cl_mbgnbd_bracket_integral(double a, double bb, double rr, double A,
										 double t);

/*
 * Regularised incomplete beta function I_z(a, b), a, b > 0, 0 <= z <= 1
 * (continued fraction, Lentz; the symmetry I_z(a,b) = 1 - I_{1-z}(b,a)
 * where it converges faster).  P(NB(r, alpha, t) >= n) = I_{t/(alpha+t)}(n, r).
 */
extern double cl_mbgnbd_betainc(double a, double b, double z);

#endif							/* CL_MBGNBD_H */
