/*
 * banding_double.h
 *		Band bounds as doubles for the tests of src/core/banding.c
 *		(test/unit/test_banding.c and test/fuzz/fuzz_banding.c): the
 *		comparison callbacks the server implements over numeric.
 */
#ifndef CL_BANDING_DOUBLE_H
#define CL_BANDING_DOUBLE_H

#include "banding.h"

typedef struct
{
	double		lo,
				hi;
} DBounds;

static int
dcmp(const void *key, int band, int which, void *ctx)
{
	const DBounds *b = ctx;
	double		k = *(const double *) key;
	double		v = which == CL_BOUND_LOWER ? b[band].lo : b[band].hi;

	return k < v ? -1 : (k > v ? 1 : 0);
}

static int
dcmpb(int a, int wa, int b, int wb, void *ctx)
{
	const DBounds *d = ctx;
	double		x = wa == CL_BOUND_LOWER ? d[a].lo : d[a].hi;
	double		y = wb == CL_BOUND_LOWER ? d[b].lo : d[b].hi;

	return x < y ? -1 : (x > y ? 1 : 0);
}

#endif							/* CL_BANDING_DOUBLE_H */
