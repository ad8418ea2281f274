/*
 * fitstate.h
 *		Compressed fit state shared by the model fit aggregates (plain C, no
 *		PostgreSQL headers): the distinct (x, tx, T) rows of the input with
 *		their counts, so that fitting a million customers costs the number of
 *		distinct rows.
 *
 * The state is one flat block (it is the body of the SQL type
 * clientele.fit_state, a varlena: the first 4 bytes are left for the varlena
 * header).  While accumulating it is an open-addressing hash table with
 * linear probing ("hashed"); cl_fitstate_compact() turns it into the sorted
 * array of distinct rows ("compact") used by the likelihoods and stored in
 * text form.  Merging two states adds counts exactly.
 *
 * Meaning of (x, tx, T) is the model's: BG/NBD and Pareto/NBD use
 * (frequency, recency, T); Gamma-Gamma uses (frequency, monetary, 0).
 */
#ifndef CL_FITSTATE_H
#define CL_FITSTATE_H

#include <stddef.h>
#include <stdint.h>

#define CL_FITSTATE_MAGIC 0x434c4653	/* "CLFS" */
#define CL_FITSTATE_VERSION 1

/* model tags: a state made by one aggregate is refused by another */
#define CL_MODEL_BGNBD 1
#define CL_MODEL_GAMMA_GAMMA 2
#define CL_MODEL_PARETO_NBD 3
#define CL_MODEL_SBG 4
#define CL_MODEL_MBGNBD 5
#define CL_MODEL_BGBB 6
#define CL_MODEL_LAST CL_MODEL_BGBB

typedef struct ClFitRow
{
	double		x;
	double		tx;
	double		T;
	double		count;			/* number of input rows; 0 marks an empty slot */
} ClFitRow;

typedef struct ClFitState
{
	char		vl_len_[4];		/* varlena header (written by the SQL layer) */
	uint32_t	magic;
	uint32_t	version;
	uint32_t	model;
	uint32_t	capacity;		/* slots (power of 2 when hashed) */
	uint32_t	nentries;		/* distinct rows stored */
	uint32_t	compact;		/* 1: slots[0..nentries) sorted, no gaps */
	uint32_t	pad;
	double		penalizer;		/* constant across the input */
	double		nrows;			/* input rows counted (sum of counts) */
	double		nignored;		/* input rows ignored by the model */
	ClFitRow	slots[];
} ClFitState;

/* largest capacity (keeps the state under 1 GB) */
#define CL_FITSTATE_MAX_CAPACITY (1U << 24)

/*
 * Memory hooks of the core's working arrays (defaults: malloc and free;
 * cl_core_free accepts NULL).  The SQL layer points them at palloc/pfree so
 * that a fit interrupted by an ERROR (e.g. a query cancel, see
 * cl_optim_interrupt in optim.h) leaks nothing.
 */
extern void *(*cl_core_alloc) (size_t size);
extern void (*cl_core_free) (void *ptr);

/* bytes needed for a state with this many slots */
extern size_t cl_fitstate_size(uint32_t capacity);

/* initialise an empty hashed state (capacity a power of 2) in buf */
extern void cl_fitstate_init(ClFitState *st, uint32_t model, uint32_t capacity,
							 double penalizer);

/* would one more distinct row push the load factor over 1/2? */
extern int	cl_fitstate_needs_grow(const ClFitState *st);

/*
 * Add count rows (x, tx, T) to a hashed state; -0.0 is stored as 0.0.
 * Returns 1, or 0 when the table is full (grow first).
 */
extern int	cl_fitstate_add(ClFitState *st, double x, double tx, double T,
							double count);

/*
 * Copy every row of src (hashed or compact) into dst (hashed, initialised,
 * large enough); also adds src's nrows/nignored.  Returns 0 if dst is full.
 */
extern int	cl_fitstate_merge(ClFitState *dst, const ClFitState *src);

/*
 * The number of src's distinct rows (hashed or compact) that a hashed dst
 * does not hold yet (all of them when dst is compact): sizes a merge
 * exactly.  A merge into a hashed table of smaller capacity than a hashed
 * src would cluster (src's slot order is its hash order): the SQL layer
 * merges into a table at least as large.
 */
extern uint32_t cl_fitstate_count_new(const ClFitState *dst, const ClFitState *src);

/*
 * Write src's distinct rows sorted by (x, tx, T) into out (room for
 * src->nentries rows).  Returns the number of rows.
 */
extern uint32_t cl_fitstate_rows(const ClFitState *src, ClFitRow *out);

/*
 * Check a state of size bytes read from outside (text input): magic,
 * version, sizes, finite values, positive counts, sortedness when compact.
 * Returns NULL when valid, else a static message.
 */
extern const char *cl_fitstate_check(const ClFitState *st, size_t size);

/*
 * Counts are doubles: every count, and the total, must stay at most 2^53
 * (exact in a double, and in a bigint).
 */
#define CL_FITSTATE_MAX_COUNT 9007199254740992.0

/*
 * The invariants the aggregates keep beyond cl_fitstate_check: counts and
 * totals whole numbers <= CL_FITSTATE_MAX_COUNT, ignored rows only in a
 * Gamma-Gamma state, and each row one the model's transition function can
 * store: (frequency, recency, T) with 0 <= recency <= T and recency = 0 when
 * frequency = 0 (BG/NBD, Pareto/NBD); (frequency >= 1, monetary >= 0, 0)
 * (Gamma-Gamma: monetary 0 rows are left out by the fit); (periods <= 2^31 - 1, churned 0/1, entered) with
 * 0 <= entered <= periods, < when churned, periods >= 1 when churned (sBG).
 * Returns NULL when valid, else a static message.
 */
extern const char *cl_fitstate_check_rows(const ClFitState *st);

/*
 * Portable serial form (binary send/receive, and the text form in hex):
 * little-endian whatever the machine, version CL_FITSTATE_WIRE_VERSION:
 *   byte 0 version, byte 1 model, bytes 2..3 zero, uint32 nentries,
 *   float64 penalizer, nrows, nignored, then nentries rows of 4 float64
 *   (x, tx, T, count) sorted by (x, tx, T).
 */
#define CL_FITSTATE_WIRE_VERSION 2
#define CL_FITSTATE_WIRE_HEADER 32
#define CL_FITSTATE_WIRE_ROW 32

/* bytes of the serial form of a state with n distinct rows */
extern size_t cl_fitstate_wire_size(uint32_t n);

/*
 * Write the serial form into out (cl_fitstate_wire_size(n) bytes): the
 * header fields of hdr, then rows[0..n) (sorted: cl_fitstate_rows).
 */
extern void cl_fitstate_to_wire(const ClFitState *hdr, const ClFitRow *rows,
								uint32_t n, unsigned char *out);

/*
 * Read the header of a serial form: the number of rows in *n (to size the
 * state with cl_fitstate_size(n)); a static message when the header or the
 * length is wrong, else NULL.
 */
extern const char *cl_fitstate_wire_rows(const unsigned char *buf, size_t len, uint32_t *n);

/*
 * Decode a serial form into st (room for the rows announced by
 * cl_fitstate_wire_rows) as a compact state and check every invariant
 * (cl_fitstate_check, cl_fitstate_check_rows).  NULL when valid, else a
 * static message.
 */
extern const char *cl_fitstate_from_wire(const unsigned char *buf, size_t len,
										 ClFitState *st);

/*
 * Result of a model fit (shared by every model; up to 4 parameters).
 */
typedef struct ClModelFit
{
	double		p[4];			/* parameters (natural scale) */
	double		se[4];			/* standard errors (NaN if not available) */
	double		log_likelihood; /* unpenalised, summed over customers */
	double		n;				/* customers (sum of counts) */
	int			converged;
	int			iterations;
	int			se_ok;			/* Hessian was positive definite */
	double		excluded;		/* input rows the model left out (Gamma-Gamma) */
} ClModelFit;

/*
 * Log-parameters beyond +-CL_FIT_LOG_BOUND are outside every model's
 * objective (NaN there: lgamma differences of huge arguments lose all
 * precision); a fit ending beyond +-CL_FIT_LOG_EDGE (1e-8 .. 1e8) is a
 * parameter running off to the boundary, not a maximum.
 */
#define CL_FIT_LOG_BOUND 20.0
#define CL_FIT_LOG_EDGE 18.42

/*
 * A fit counts as converged only at an identified interior maximum: the
 * standard error of every log-parameter (se / param) must be below this
 * (a flat ridge passes the gradient test with huge standard errors; NaN
 * standard errors, i.e. a Hessian that is not positive definite, fail).
 */
#define CL_FIT_MAX_LOG_SE 10.0

/*
 * The one meaning of converged, for every model: the optimiser's gradient
 * test passed, the Hessian was positive definite (se_ok), every parameter is
 * inside [1e-8, 1e8], the log-likelihood is finite, and every se / param is
 * below CL_FIT_MAX_LOG_SE.  Sets and returns fit->converged.
 */
extern int	cl_model_fit_check(ClModelFit *fit, int nparams);

/*
 * The one penalised objective of every model fit, over log-parameters
 * lp[0..n): -ll / ncust + penalizer * sum(lp^2), the mean negative
 * log-likelihood with the L2 penalty of lifetimes.  grad_ll is the gradient
 * of ll with respect to lp (may be NULL when grad is); when grad is not
 * NULL it receives the gradient of the objective (it may be grad_ll itself).
 */
extern double cl_fit_objective(double ll, const double *grad_ll, const double *lp,
							   int n, double ncust, double penalizer, double *grad);

/*
 * The common optimisation of a model fit over log-parameters lp[0..n)
 * (in: start, out: estimate) of an objective that is the mean negative
 * log-likelihood over ncust customers (plus penalty), NaN beyond
 * |lp| > CL_FIT_LOG_BOUND: BFGS; if it fails away from the boundary,
 * Nelder-Mead and BFGS again (a parameter running to the boundary is not
 * helped by a restart); then the standard errors of exp(lp) from the
 * Hessian of the total (ncust * objective).  Fills fit->p, se, se_ok,
 * converged, iterations, n; the caller sets log_likelihood and then calls
 * cl_model_fit_check().  (fn is a ClObjective, see optim.h.)
 */
extern void cl_model_optimize(double (*fn) (const double *x, double *grad, void *ctx),
							  void *ctx, int n, double *lp, double ncust,
							  ClModelFit *fit);

/*
 * The same from an inverse-Hessian approximation of the objective at lp
 * (hinv, n*n, e.g. from a rough fit; NULL or non-finite: none, as
 * cl_model_optimize), which the first BFGS run starts from and overwrites.
 */
extern void cl_model_optimize_from(double (*fn) (const double *x, double *grad, void *ctx),
								   void *ctx, int n, double *lp, double *hinv,
								   double ncust, ClModelFit *fit);

#endif							/* CL_FITSTATE_H */
