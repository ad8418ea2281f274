/*
 * cl_features.h
 *		Reading rows of clientele.customer_features from C (the classifier of
 *		src/lifecycle.c and the signals of src/signals.c): columns are found
 *		by name once per call site and row type, then read per row.
 */
#ifndef CL_FEATURES_H
#define CL_FEATURES_H

#include "postgres.h"

#include "access/htup_details.h"
#include "fmgr.h"

#define CL_FEATURES_MAX_FIELDS 40

typedef struct ClFeaturesRow
{
	/* set once by the caller */
	const char *const *names;	/* the columns the caller reads */
	int			nfields;
	/* private: the mapping for the last row type seen */
	Oid			tupType;
	int32		tupTypmod;
	TupleDesc	desc;			/* in the FmgrInfo's memory context */
	int			attno[CL_FEATURES_MAX_FIELDS];	/* 1-based */
	Datum	   *values;			/* every column of the current row, deformed */
	bool	   *isnull;			/* once by cl_features_bind (in fn_mcxt) */
	/* the current row */
	HeapTupleData tuple;
} ClFeaturesRow;

/*
 * Points r at the row th (composite datum), (re)mapping the columns if needed,
 * and deforms it once (a column read is then an array access, not a walk
 * over the varlena columns before it).
 */
extern void cl_features_bind(ClFeaturesRow *r, FmgrInfo *flinfo, HeapTupleHeader th);

/* Column f (index into names) of the bound row. */
static inline Datum
cl_features_get(ClFeaturesRow *r, int f, bool *isnull)
{
	*isnull = r->isnull[r->attno[f] - 1];
	return r->values[r->attno[f] - 1];
}

/* Integer column: NULL reads 0, a negative count is an ERROR (22023). */
extern int	cl_features_count(ClFeaturesRow *r, int f);

/* Date column: NULL reads as *isnull; an infinite date is an ERROR (22023). */
extern DateADT cl_features_date(ClFeaturesRow *r, int f, bool *isnull);

#endif							/* CL_FEATURES_H */
