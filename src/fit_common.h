/*
 * fit_common.h
 *		fmgr helpers shared by the model fit aggregates and the prediction
 *		functions (BG/NBD, Gamma-Gamma; Pareto/NBD and sBG reuse them):
 *
 *	- the SQL type clientele.fit_state: a varlena holding a ClFitState
 *	  (src/core/fitstate.h), the compressed distinct (x, tx, T) rows with
 *	  counts, updated in place by the transition functions;
 *	- the generic combine function clientele.fit_state_combine;
 *	- building the result composite (params..., log_likelihood, n, converged,
 *	  iterations, se_...) from a ClModelFit;
 *	- reading (and validating) the parameters of a params composite, cached
 *	  per call site.
 */
#ifndef CL_FIT_COMMON_H
#define CL_FIT_COMMON_H

#include "postgres.h"

#include "fmgr.h"

#include "bgnbd.h"				/* ClModelFit */
#include "fitstate.h"

/* detoasted (4-byte header, aligned) fit state argument */
#define PG_GETARG_FITSTATE(n) ((ClFitState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))

/*
 * Transition step: add one row (x, tx, T) to the state in argument 0 (NULL:
 * a new state for this model and penalizer).  Must be called as an
 * aggregate transition function; updates the state in place and grows it
 * when needed.  aggname names the aggregate in error messages.
 */
extern Datum cl_fit_state_accum(FunctionCallInfo fcinfo, uint32 model,
								const char *aggname, double x, double tx,
								double T, double penalizer);

/*
 * The same adding count (a whole number >= 1) identical rows at once (the
 * compressed (x, tx, n, count) input of BG/BB); ERROR 22003 when the total
 * would exceed CL_FIT_MAX_COUNT (2^53, where doubles stop counting exactly).
 */
#define CL_FIT_MAX_COUNT CL_FITSTATE_MAX_COUNT
extern Datum cl_fit_state_accum_n(FunctionCallInfo fcinfo, uint32 model,
								  const char *aggname, double x, double tx,
								  double T, double count, double penalizer);

/*
 * The whole transition function of a fit over (frequency, recency, t
 * [, penalizer]) summaries (BG/NBD, Pareto/NBD): rows with a NULL value are
 * skipped, the summary is checked (cl_check_summary), recency is taken as 0
 * when frequency is 0 (the likelihoods do not depend on it), then the row is
 * added with cl_fit_state_accum.
 */
extern Datum cl_fit_summary_trans(FunctionCallInfo fcinfo, uint32 model,
								  const char *aggname);

/*
 * The whole final function of a fit aggregate: check the state's model,
 * check every distinct row with check_row (a state typed in as text passed
 * only the generic checks), NULL with a NOTICE when there are fewer
 * customers than parameters, run fit (0: done, -2: out of memory, other: no
 * customers), WARNING when not converged, and the result composite.
 */
typedef void (*ClFitRowCheck) (const ClFitRow *row);
typedef int (*ClFitRowsFn) (const ClFitRow *rows, uint32 nrows, double penalizer,
							   ClModelFit *fit);
extern Datum cl_fit_final(FunctionCallInfo fcinfo, uint32 model, const char *aggname,
						  int nparams, ClFitRowCheck check_row, ClFitRowsFn fit);

/* ClFitRowCheck of the (frequency, recency, t) models: cl_check_summary */
extern void cl_fit_check_summary_row(const ClFitRow *row);

/*
 * A prediction that could not be computed is an ERROR (22003 naming the
 * model and the quantity), never a silent NaN; returns v otherwise.
 */
extern double cl_fit_prediction(double v, const char *model, const char *what);

/*
 * Count one input row that the model ignores (e.g. frequency 0 in
 * Gamma-Gamma), creating the state if needed.
 */
extern Datum cl_fit_state_ignore(FunctionCallInfo fcinfo, uint32 model,
								 const char *aggname, double penalizer);

/* ERROR 22023 unless the state was made by this model's transition function */
extern void cl_fit_state_check_model(const ClFitState *st, uint32 model,
									 const char *aggname);

/* the distinct rows of a state, sorted by (x, tx, T), palloc'd */
extern ClFitRow *cl_fit_state_rows(const ClFitState *st, uint32 *nrows);

/*
 * Result composite of a fit aggregate's final function, of the form
 * (p_1..p_k, log_likelihood, n bigint, converged, iterations, se_1..se_k);
 * se are NULL when the Hessian was not positive definite.
 */
extern Datum cl_fit_result(FunctionCallInfo fcinfo, const ClModelFit *fit,
						   int nparams);

/*
 * Common end of a fit final function: NOTICE and false when there are
 * fewer customers than parameters (the caller returns NULL).
 */
extern bool cl_fit_enough_rows(const ClFitState *st, int nparams,
							   const char *aggname);

/* WARNING when the fit did not converge (the result says converged = false) */
extern void cl_fit_warn_unconverged(const ClModelFit *fit, const char *aggname);

/*
 * Reading the parameters of a params composite in a prediction function.
 * The decoded values are cached in fn_extra per composite argument (slot
 * 0 and 1: clv() takes two), keyed by the datum's bytes: a call with the
 * same composite as the previous call of this call site (the usual case:
 * one fitted row joined to many customers) takes them without detoasting,
 * allocating or deforming; any other composite is decoded and checked
 * (ERROR 22023 when a parameter is NULL, not finite or <= 0).
 */
#define CL_PRED_SLOTS 2
typedef struct ClPredCache ClPredCache;

extern ClPredCache *cl_pred_cache(FunctionCallInfo fcinfo);

/* parameters 1..nparams (names[]) of argument argno, cached in slot slotno */
extern const double *cl_pred_params(FunctionCallInfo fcinfo, int argno, int slotno,
									int nparams, const char *const *names,
									const char *model);

/*
 * size bytes of values the model derives from the parameters of slot slotno
 * (e.g. logarithms), owned by the call site; *fresh is true when they must
 * be (re)computed from the current parameters.  Call after cl_pred_params.
 */
extern void *cl_pred_aux(FunctionCallInfo fcinfo, int slotno, Size size,
						 bool *fresh);

/*
 * The derived values of slot slotno (cl_pred_aux, size bytes) when argument
 * argno holds the same parameters as the call before and the values were
 * derived from them: the usual case (a fit passed as a constant or an
 * InitPlan parameter) in one call; NULL otherwise (then cl_pred_params and
 * cl_pred_aux).
 */
extern void *cl_pred_aux_same(FunctionCallInfo fcinfo, int argno, int slotno,
							  Size size);

/*
 * The call site's memo (src/core/memo.h), forgotten whenever a parameter set
 * of the call site changes, so that what it holds may depend on the current
 * parameters without keying on them.  It starts with CL_PRED_MEMO_MIN slots
 * and doubles when half full, up to max_slots (a power of two).
 */
#define CL_PRED_MEMO_MIN 256
struct ClGenMemo;
extern struct ClGenMemo *cl_pred_memo(FunctionCallInfo fcinfo, uint32 max_slots);

/* cl_pred_params into p[] (slot 0) */
extern void cl_get_params(FunctionCallInfo fcinfo, int argno, int nparams,
						  const char *const *names, const char *model,
						  double *p);

/* the same for a second composite argument (slot 1) */
extern void cl_get_params_slot(FunctionCallInfo fcinfo, int argno, int slotno,
							   int nparams, const char *const *names,
							   const char *model, double *p);

/*
 * BG/NBD parameters of argument argno (slot slotno) with the values its
 * predictions derive from them (src/bgnbd.c)
 */
extern ClBgnbdPre *cl_bgnbd_pre(FunctionCallInfo fcinfo, int argno, int slotno);

/*
 * Gamma-Gamma per-customer checks (src/gamma_gamma.c): ERROR on a bad
 * frequency or monetary, false for a repeat customer with zero average
 * spend (the predictions return NULL for them).
 */
extern bool cl_gg_customer_ok(double x, double m);

/*
 * Argument checks of the (frequency, recency, T) summary: finite,
 * non-negative, frequency an integer, recency <= T.
 */
extern void cl_check_summary(double x, double tx, double T);

/*
 * monetary (mean value of the repeat purchases): finite and >= 0, and > 0
 * for a repeat customer (frequency x > 0).
 */
extern void cl_check_monetary(double m, double x);

#endif							/* CL_FIT_COMMON_H */
