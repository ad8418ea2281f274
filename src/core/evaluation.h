/*
 * evaluation.h
 *		Plain-C maths of the evaluation area (no PostgreSQL headers):
 *		exact ranking metrics (AUC, KS, lift) over distinct scores with class
 *		counts, and an L2-penalised logistic regression fitted by Newton/IRLS.
 */
#ifndef CL_EVALUATION_H
#define CL_EVALUATION_H

#include <stddef.h>
#include <stdint.h>

/* one distinct score with the number of positive and negative rows at it */
typedef struct ClEvalPoint
{
	double		score;
	int64_t		pos;
	int64_t		neg;
} ClEvalPoint;

/*
 * Sorts p[0..n) by score and merges equal scores (counts added); returns the
 * new number of points.  Scores must not be NaN.
 */
extern size_t cl_eval_compact(ClEvalPoint *p, size_t n);

/*
 * The metrics take the compacted points (strictly increasing scores) and the
 * class totals; npos > 0 and nneg > 0 (the caller returns NULL otherwise).
 *
 * AUC: P(score of a random positive > that of a random negative) + 1/2 P(tie)
 * (Mann-Whitney U / (npos nneg)), summed exactly in 128-bit integers.
 */
extern double cl_eval_auc(const ClEvalPoint *p, size_t n, int64_t npos, int64_t nneg);

/* KS: max over thresholds t of |F_pos(t) - F_neg(t)|, the empirical CDFs */
extern double cl_eval_ks(const ClEvalPoint *p, size_t n, int64_t npos, int64_t nneg);

/*
 * Lift at fraction f (0 < f <= 1): positive rate among the f N rows of highest
 * score over the overall positive rate.  A group of tied scores that straddles
 * the cut contributes its positives pro rata (the expected value over the
 * orders of the ties), so the result does not depend on row order.
 */
extern double cl_eval_lift(const ClEvalPoint *p, size_t n, int64_t npos, int64_t nneg,
						   double fraction);

/* ------------------------------------------------------------------------
 * logistic regression
 * ------------------------------------------------------------------------ */

/*
 * Rows: n rows of stride (p + 1) doubles, the label (0 or 1) first and then
 * the p features; get_row returns a pointer to p + 1 doubles in native
 * order (the caller may decode stored rows into buf).
 */
typedef const double *(*ClLogitRowFn) (void *ctx, size_t i, double *buf);

/* called at each pass over the rows; may not return (cancel) */
typedef void (*ClLogitInterruptFn) (void);

typedef enum ClLogitStatus
{
	CL_LOGIT_OK = 0,
	CL_LOGIT_SINGULAR,			/* X'WX + penalty not positive definite */
	CL_LOGIT_NOMEM
} ClLogitStatus;

typedef struct ClLogitResult
{
	double	   *beta;			/* p + 1, intercept first (caller allocated) */
	double	   *se;				/* p + 1; NaN when not available */
	double		log_likelihood; /* of the data, without the penalty */
	int			iterations;		/* Newton steps taken */
	int			passes;			/* passes over the rows (moments included) */
	int			converged;
	int			singular_feature;	/* on CL_LOGIT_SINGULAR: a 1-based pivot */
} ClLogitResult;

/*
 * Maximises sum_i [y_i eta_i - log(1 + exp eta_i)] - l2/2 sum_{j>=1} beta_j^2
 * (the intercept is not penalised) by Newton's method with step halving, on
 * internally centred and scaled features (the result is on the original
 * scale).  Converged: the largest Newton step, in standardised units, is below
 * 1e-10 and the penalised log-likelihood stopped rising; at most max_iter
 * steps.  Standard errors: square roots of the diagonal of the inverse
 * (penalised) Hessian at the optimum.  Work memory: O(p^2), allocated with
 * malloc-like alloc/release given by the caller.
 */
extern ClLogitStatus cl_logit_fit(ClLogitRowFn get_row, void *ctx, size_t n, int p,
									 double l2, int max_iter,
									 ClLogitInterruptFn interrupt,
									 void *(*alloc) (size_t), void (*release) (void *),
									 ClLogitResult *out);

/* Cholesky of the symmetric positive definite a (n x n, row major, lower
 * triangle used) in place; returns 0 or the 1-based failing pivot */
extern int	cl_cholesky(double *a, int n);
/* solves L L' x = b in place (b overwritten by x) */
extern void cl_cholesky_solve(const double *l, int n, double *b);

/* ------------------------------------------------------------------------
 * State types (layouts in src/evaluation.c; little-endian on every host).
 * The checks take the binary form (the state without its 4-byte varlena
 * header: byte k of the binary form is byte k + 4 of the state) and return
 * NULL when every invariant holds, else a static message.
 * ------------------------------------------------------------------------ */

/* clientele.rank_state */
#define CL_RANK_VERSION 1
#define CL_RANK_COMPACT 0x01
#define CL_RANK_FRACTION 0x02
#define CL_RANK_HDR 48			/* varlena header included */
#define CL_RANK_PT 24
#define CL_RANK_MAX_CAP ((int64_t) ((0x3fffffff - CL_RANK_HDR) / CL_RANK_PT))

/*
 * Version, flags (compact), reserved bytes, 1 <= points = capacity <= the
 * limit and the length, the fraction ((0, 1] with the flag, else 0), finite
 * strictly increasing scores, counts >= 0 and not both 0, class totals that
 * match without overflow.
 */
extern const char *cl_rank_state_check(const unsigned char *buf, size_t len);

/* clientele.logistic_state */
#define CL_LOGIT_VERSION 1
#define CL_LOGIT_HAS_L2 0x01
#define CL_LOGIT_HDR 48			/* varlena header included */
#define CL_LOGIT_MAX_FEATURES 1000
#define CL_LOGIT_STRIDE(p) ((size_t) ((p) + 1) * 8)
#define CL_LOGIT_MAX_ROWS(p) ((int64_t) ((0x3fffffff - CL_LOGIT_HDR) / CL_LOGIT_STRIDE(p)))

/*
 * Version, flags, reserved bytes, 0 <= features <= CL_LOGIT_MAX_FEATURES,
 * 1 <= rows = capacity <= the limit and the length, l2 (finite >= 0 with the
 * flag, else 0), labels 0 or 1 whose count of 1 matches the positives, finite
 * features.
 */
extern const char *cl_logit_state_check(const unsigned char *buf, size_t len);


/* ------------------------------------------------------------------------
 * clientele.logistic_step_state: one Newton pass of a logistic regression at
 * given coefficients, of fixed size (O(p^2), whatever the number of rows), so
 * that a distributed fit ships only partial states (clientele.logistic_step).
 *
 * Binary form (little-endian; byte k is byte k + 4 of the varlena):
 *	off  0  version (1) = CL_LSTEP_VERSION
 *	off  1  flags (1) = 0
 *	off  2  zero (2)
 *	off  4  features p (4), 0..CL_LOGIT_MAX_FEATURES
 *	off  8  zero (4)
 *	off 12  rows n (8) >= 1
 *	off 20  positives (8), 0..n
 *	off 28  l2 (f8), finite >= 0
 *	off 36  log-likelihood (f8), finite <= 0 (without the penalty)
 *	off 44  coefficients b (q = p + 1 f8, intercept first), finite
 *	then    gradient of the log-likelihood at b (q f8)
 *	then    information X'WX at b, lower triangle by rows (q (q + 1) / 2 f8)
 * ------------------------------------------------------------------------ */
#define CL_LSTEP_VERSION 1
#define CL_LSTEP_HDR 48			/* varlena header included */
#define CL_LSTEP_TRI(q) ((size_t) (q) * ((size_t) (q) + 1) / 2)
#define CL_LSTEP_BIN_LEN(p) \
	((size_t) (CL_LSTEP_HDR - 4) + 8 * (2 * (size_t) ((p) + 1) + CL_LSTEP_TRI((p) + 1)))
#define CL_LSTEP_B(bin) ((bin) + CL_LSTEP_HDR - 4)
#define CL_LSTEP_G(bin, q) (CL_LSTEP_B(bin) + 8 * (size_t) (q))
#define CL_LSTEP_H(bin, q) (CL_LSTEP_B(bin) + 16 * (size_t) (q))

/* an empty state (n = 0, not valid until a row is added) at coefficients b */
extern void cl_lstep_init(unsigned char *bin, int p, double l2, const double *b);

/*
 * Adds one row (label y 0 or 1, p features x) at the state's coefficients.
 * Returns NULL, or a static message when the linear predictor or a sum is not
 * finite (the state is then unspecified).
 */
extern const char *cl_lstep_add(unsigned char *bin, double y, const double *x);

/*
 * a += b: both valid states of the same p, l2 and coefficients (else a static
 * message, a unchanged).
 */
extern const char *cl_lstep_combine(unsigned char *a, const unsigned char *b);

/*
 * Version, flags, reserved bytes, p in range, the exact length, 1 <= n,
 * 0 <= positives <= n, l2 finite >= 0, log-likelihood finite <= 0, finite
 * coefficients, gradient (|intercept term| <= n) and information (finite,
 * diagonal >= 0, the intercept's <= n / 4).  (Cauchy-Schwarz between the
 * elements is not checked: sums of underflowed terms can break it.)
 */
extern const char *cl_lstep_state_check(const unsigned char *bin, size_t len);

/* smallest squared Cholesky pivot of the Jacobi-scaled information (unit
 * diagonal): below it, the parameter is collinear with those before it */
#define CL_LSTEP_PIVOT_MIN 1e-13

/*
 * The Newton step of the penalised objective LL - l2/2 sum_{j>=1} b_j^2 from a
 * valid state: objective, its gradient (q) and information (q x q, full), the
 * step solving info * step = grad (Jacobi-scaled Cholesky) and the standard
 * errors sqrt(diag(info^-1)).  Returns 0, the 1-based pivot at which the
 * information is not positive definite (or its squared scaled pivot is below
 * CL_LSTEP_PIVOT_MIN; step and se untouched), or -1 when alloc fails.
 */
extern int	cl_lstep_newton(const unsigned char *bin, double *objective, double *grad,
							double *info, double *step, double *se,
							void *(*alloc) (size_t), void (*release) (void *));

#endif							/* CL_EVALUATION_H */
