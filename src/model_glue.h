/*
 * model_glue.h
 *		fmgr helpers shared by the Pareto/NBD and sBG glue: reading the
 *		parameters of a params composite and forming a fit result composite.
 */
#ifndef CL_MODEL_GLUE_H
#define CL_MODEL_GLUE_H

#include "clientele.h"

#include "access/htup_details.h"

/*
 * Reads the float8 attributes "names" of a params composite into out[],
 * each checked to be non-NULL, finite and > 0 (ERROR 22023 otherwise,
 * naming the parameter and its value).
 */
extern void mg_get_params(HeapTupleHeader params, const char *const *names, int n,
						  double *out);

/* Forms the composite result of the calling function from values/nulls. */
extern Datum mg_form_result(FunctionCallInfo fcinfo, Datum *values, bool *nulls, int n);

/* penalizer argument: finite and >= 0 */
static inline double
mg_check_penalizer(double v)
{
	return cl_check_nonneg(v, "penalizer");
}

/* a count: finite, >= 0 and an integer */
static inline double
mg_check_count(double v, const char *what)
{
	cl_check_nonneg(v, what);
	if (v != floor(v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be an integer, got %g", what, v)));
	return v;
}

/*
 * (frequency, recency, t) of a non-contractual customer: frequency a
 * non-negative integer, 0 <= recency <= t, all finite.
 */
static inline void
mg_check_rft(double frequency, double recency, double t)
{
	mg_check_count(frequency, "frequency");
	cl_check_nonneg(recency, "recency");
	cl_check_nonneg(t, "t");
	if (recency > t)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("recency must not exceed t, got recency %g > t %g", recency, t),
				 errdetail("recency is the time from the first to the last purchase, t the time from the first purchase to the end of the period.")));
}

#endif							/* CL_MODEL_GLUE_H */
