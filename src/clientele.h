/*
 * clientele.h
 *		Shared declarations of the fmgr glue: argument checks used by every area.
 *
 * Every user-triggerable error is an ereport() with a SQLSTATE; these small
 * helpers keep the checks uniform across areas.
 */
#ifndef CLIENTELE_H
#define CLIENTELE_H

#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/builtins.h"

/* Reject NaN and +/-Infinity; "what" names the argument in the message. */
static inline double
cl_check_finite(double v, const char *what)
{
	if (isnan(v) || isinf(v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite number, got %s", what,
						isnan(v) ? "NaN" : (v > 0 ? "Infinity" : "-Infinity"))));
	return v;
}

/* Finite and >= 0. */
static inline double
cl_check_nonneg(double v, const char *what)
{
	cl_check_finite(v, what);
	if (v < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be negative, got %g", what, v)));
	return v;
}

/* Finite and > 0. */
static inline double
cl_check_positive(double v, const char *what)
{
	cl_check_finite(v, what);
	if (v <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be greater than zero, got %g", what, v)));
	return v;
}

/* An argument that must not be NULL in a non-STRICT function. */
#define CL_ARG_NOT_NULL(n, what) \
	do { \
		if (PG_ARGISNULL(n)) \
			ereport(ERROR, \
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), \
					 errmsg("%s must not be NULL", (what)))); \
	} while (0)

#endif							/* CLIENTELE_H */
