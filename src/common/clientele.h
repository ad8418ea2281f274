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

#include "access/tupdesc.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/date.h"

/*
 * The library is built with -fvisibility=hidden (Makefile): only what
 * PostgreSQL looks up is exported.  PostgreSQL 15's PG_FUNCTION_INFO_V1
 * exports the info function but not the function itself (16 exports both):
 * declare both PGDLLEXPORT, as 16 does.  Every file with fmgr functions
 * includes this header (test/shell/symbols.sh checks the exports).
 */
#undef PG_FUNCTION_INFO_V1
#define PG_FUNCTION_INFO_V1(funcname) \
extern PGDLLEXPORT Datum funcname(PG_FUNCTION_ARGS); \
extern PGDLLEXPORT const Pg_finfo_record * CppConcat(pg_finfo_,funcname)(void); \
const Pg_finfo_record * \
CppConcat(pg_finfo_,funcname) (void) \
{ \
	static const Pg_finfo_record my_finfo = { 1 }; \
	return &my_finfo; \
} \
extern int no_such_variable

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

/* A date that must be finite; "what" names the argument. */
static inline DateADT
cl_check_finite_date(DateADT d, const char *what)
{
	if (DATE_NOT_FINITE(d))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite date, got %s", what,
						DATE_IS_NOBEGIN(d) ? "-infinity" : "infinity")));
	return d;
}

/*
 * The dates an argument (an as-of date, a period bound) may take: 0001-01-01
 * to 9999-12-31, so that every window and horizon around it stays inside the
 * range of timestamps.  One wording per kind of error, shared with SQL
 * through clientele.check_date (src/common/clientele.c).
 */
#define CL_DATE_ARG_MIN (-730119)	/* 0001-01-01, days since 2000-01-01 */
#define CL_DATE_ARG_MAX 2921939	/* 9999-12-31 */
#define CL_DATE_ARG_MIN_TEXT "0001-01-01"
#define CL_DATE_ARG_MAX_TEXT "9999-12-31"
extern DateADT cl_check_date_arg(DateADT d, const char *what);

/*
 * The aggregate memory context of a transition / combine / final function,
 * or the one error (0A000) when it is called directly.  The message names
 * the function that was called.
 */
extern MemoryContext cl_agg_context(FunctionCallInfo fcinfo);

/*
 * The composite result type of the function being called, as a blessed
 * descriptor copied into the call site's memory (fcinfo->flinfo->fn_mcxt),
 * for callers that cache it across calls (e.g. in fn_extra).  A function
 * declared without a composite result is a can't-happen error.
 */
extern TupleDesc cl_call_result_desc(FunctionCallInfo fcinfo);

/*
 * Text form of binary aggregate states: prefix + lower-case hex of the bytes.
 * cl_hex_text() writes it; cl_hex_parse() reads it back into a palloc'd
 * buffer (length in *nbytes), raising 22P02 naming typname when the prefix,
 * the length or a digit is wrong.  The caller validates the bytes.
 */
extern char *cl_hex_text(const char *prefix, const unsigned char *bytes, size_t n);
extern char *cl_hex_parse(const char *str, const char *prefix, const char *typname, size_t *nbytes);

/* src/distributed.c: the planner hook for Citus, installed by _PG_init */
extern void clientele_distributed_init(void);

/*
 * src/distributed.c: calendar days in a named zone.  cl_zone_arg() resolves
 * the time_zone text argument argno (ERROR 22023 for NULL or an unknown
 * name); cl_local_time() is ts AT TIME ZONE tz as a timestamptz read in UTC
 * (infinities kept); cl_utc_zone() is UTC; cl_call_in_zone() calls fn with
 * session_timezone set to tz (restored on error too).
 */
struct pg_tz;
extern struct pg_tz *cl_zone_arg(FunctionCallInfo fcinfo, int argno);
extern TimestampTz cl_local_time(TimestampTz ts, struct pg_tz *tz);
extern struct pg_tz *cl_utc_zone(void);
extern Datum cl_call_in_zone(PGFunction fn, FunctionCallInfo fcinfo, struct pg_tz *tz);

/* the binary form of a state as the bytea a send function returns (palloc'd) */
extern bytea *cl_bytes_to_bytea(const unsigned char *bytes, size_t n);

#endif							/* CLIENTELE_H */
