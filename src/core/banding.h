/*
 * banding.h
 *		Band lookup for tier schemes: plain C, no PostgreSQL headers.
 *
 * A band set is an array of bands sorted by lower bound (an absent lower
 * bound, -infinity, first; at equal lower bounds the inclusive one first)
 * that do not overlap.  Gaps are allowed here (an amount in a gap belongs to
 * no band).  The bounds themselves are opaque to this module: the caller
 * compares a key with a bound through a callback, so the server compares
 * numeric values exactly and the unit tests compare doubles.
 */
#ifndef CL_BANDING_H
#define CL_BANDING_H

typedef struct ClBand
{
	unsigned char has_lower;	/* 0: the band is unbounded below */
	unsigned char lower_inclusive;
	unsigned char has_upper;	/* 0: the band is unbounded above */
	unsigned char upper_inclusive;
} ClBand;

#define CL_BOUND_LOWER 0
#define CL_BOUND_UPPER 1

/*
 * Compare the key with the lower (which = CL_BOUND_LOWER) or upper bound of
 * band number "band": < 0, 0, > 0 as key is below, equal to, above it.
 */
typedef int (*ClBoundCmp) (const void *key, int band, int which, void *ctx);

/* Whether band "i" contains the key. */
extern int	cl_band_contains(const ClBand *bands, int i, ClBoundCmp cmp,
							 const void *key, void *ctx);

/*
 * Index of the band that contains the key, or -1 when none does: a binary
 * search over the lower bounds, then one check of the upper bound.
 * "hint" (a previous answer, or -1) is tried first.
 */
extern int	cl_band_find(const ClBand *bands, int n, ClBoundCmp cmp,
						 const void *key, void *ctx, int hint);

/*
 * Check that a band set is sorted, non-empty per band and non-overlapping;
 * with "contiguous", also that it has no gap.  "cmpb" compares the given
 * bounds of two bands.  Returns 0 when valid, otherwise an error code below
 * with *bad_a (and *bad_b for pairs) naming the band indexes.
 */
typedef int (*ClBoundPairCmp) (int band_a, int which_a, int band_b, int which_b, void *ctx);

#define CL_BANDS_OK 0
#define CL_BANDS_EMPTY 1		/* lower > upper, or equal with an open end */
#define CL_BANDS_UNSORTED 2
#define CL_BANDS_OVERLAP 3
#define CL_BANDS_GAP 4

extern int	cl_bands_validate(const ClBand *bands, int n, ClBoundPairCmp cmpb,
							  void *ctx, int contiguous, int *bad_a, int *bad_b);

#endif							/* CL_BANDING_H */
