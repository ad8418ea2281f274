/*
 * bgbb.h
 *		BG/BB model (Fader, Hardie & Shang 2010, "Customer-Base Analysis in a
 *		Discrete-Time Noncontractual Setting", Marketing Science 29(6)):
 *		transaction opportunities come in discrete periods (annual drives,
 *		monthly statements).  While alive, a customer transacts at each
 *		opportunity with probability p ~ Beta(alpha, beta); before each
 *		opportunity after the first transaction they die with probability
 *		theta ~ Beta(gamma, delta).  Plain C, no PostgreSQL headers.
 *
 * Parameters p[4] = {alpha, beta, gamma, delta}, all > 0.  Data per
 * customer: x = number of the opportunities 1..n with a transaction, tx =
 * the last of them (0 when x = 0), n = opportunities observed; whole
 * numbers with 0 <= x <= tx <= n, tx >= x, tx = 0 when x = 0.
 *
 * Likelihood (FHS 2010, eq. 5):
 *   L = B(a+x, b+n-x)/B(a,b) B(g, d+n)/B(g,d)
 *     + sum_{i=0}^{n-tx-1} B(a+x, b+tx-x+i)/B(a,b) B(g+1, d+tx+i)/B(g,d)
 */
#ifndef CL_BGBB_H
#define CL_BGBB_H

#include "fitstate.h"

/* largest number of opportunities n (a likelihood term costs n - tx steps) */
#define CL_BGBB_MAX_PERIODS 100000

/* a row (x, tx, n) is valid; returns NULL or a static message */
extern const char *cl_bgbb_check_row(double x, double tx, double n);

/*
 * Log-likelihood of one customer; when grad != NULL adds w times its
 * gradient in log-parameters into grad[0..3].
 */
extern double cl_bgbb_loglik(const double *p, double x, double tx, double n,
							 double w, double *grad);

/* sum of count * log-likelihood over rows (x, tx, T = n); grad may be NULL */
extern double cl_bgbb_loglik_rows(const double *p, const ClFitRow *rows,
								  uint32_t nrows, double *grad);

/*
 * Maximum-likelihood fit (shared optimiser, cl_model_optimize; start at 1,
 * 1, 1, 1); see cl_bgnbd_fit.  Returns fit->converged.
 */
extern int	cl_bgbb_fit(const ClFitRow *rows, uint32_t nrows, double penalizer,
						ClModelFit *fit);

/*
 * P(alive at opportunity n + m | x, tx, n) (FHS 2010, eq. A10; lifetimes'
 * conditional_probability_alive(m, ...)); m = 0: alive at n.
 */
extern double cl_bgbb_p_alive(const double *p, double m, double x, double tx,
							  double n);

/*
 * Expected transactions in the next m opportunities n+1 .. n+m (eq. 13):
 *   B(a+x+1, b+n-x)/B(a,b) / L * sum_{k=1}^{m} B(g, d+n+k)/B(g,d)
 */
extern double cl_bgbb_expected_cond(const double *p, double m, double x,
									double tx, double n);

/*
 * Discounted expected residual transactions (eq. 15), discount rate d > 0
 * per period: sum_{k>=1} E[transaction at n+k] / (1+d)^k
 *   = B(a+x+1, b+n-x)/B(a,b) B(g, d+n+1)/B(g,d) / L
 *     * 2F1(1, d+n+1; g+d+n+1; 1/(1+d)) / (1+d)
 */
extern double cl_bgbb_dert(const double *p, double discount, double x,
						   double tx, double n);

/* P(X(n) = x) for a new customer (eq. 7), 0 <= x <= n */
extern double cl_bgbb_pmf(const double *p, double n, double x);

/*
 * clientele.period_state (the state of period_summary): a varlena whose body
 * is, in little-endian byte order whatever the machine:
 *	 0  uint8   version (CL_PERIOD_STATE_VERSION)
 *	 1  3 bytes zero
 *	 4  int32   periods n (0 .. CL_BGBB_MAX_PERIODS)
 *	 8  int64   transactions counted (rows with 0 <= period <= n)
 *	16  int64   rows ignored (period > n: after the observation window)
 *	24  bitmap  ceil((n + 1) / 8) bytes, bit k of byte k / 8 = a transaction in
 *				period k (0 = the first, acquisition period; 1..n the
 *				opportunities); no bit above n
 * The binary form (send / recv) is the body; the text form "clps1:" + hex.
 */
#define CL_PERIOD_STATE_VERSION 1
#define CL_PERIOD_STATE_HEADER 24

/* bytes of the bitmap of a state with n periods */
static inline uint32_t
cl_period_bitmap_bytes(int32_t n)
{
	return (uint32_t) (n + 1 + 7) / 8;
}

/*
 * Checks a body of len bytes read from outside (text or binary input):
 * version, reserved bytes, periods in range, the length, counts >= 0, no
 * bit above periods, transactions >= marked periods.  Returns NULL when
 * valid, else a static message.
 */
extern const char *cl_period_state_check(const unsigned char *b, size_t len);

#endif							/* CL_BGBB_H */
