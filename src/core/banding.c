/*
 * banding.c
 *		Band lookup for tier schemes (see banding.h).  No PostgreSQL headers.
 */
#include "banding.h"

/* Key is at or above the lower bound of band i (inclusivity honoured). */
static inline int
above_lower(const ClBand *b, ClBoundCmp cmp, const void *key, void *ctx, int i)
{
	int			c;

	if (!b[i].has_lower)
		return 1;
	c = cmp(key, i, CL_BOUND_LOWER, ctx);
	return c > 0 || (c == 0 && b[i].lower_inclusive);
}

/* Key is at or below the upper bound of band i. */
static inline int
below_upper(const ClBand *b, ClBoundCmp cmp, const void *key, void *ctx, int i)
{
	int			c;

	if (!b[i].has_upper)
		return 1;
	c = cmp(key, i, CL_BOUND_UPPER, ctx);
	return c < 0 || (c == 0 && b[i].upper_inclusive);
}

int
cl_band_contains(const ClBand *bands, int i, ClBoundCmp cmp,
				 const void *key, void *ctx)
{
	return above_lower(bands, cmp, key, ctx, i) &&
		below_upper(bands, cmp, key, ctx, i);
}

int
cl_band_find(const ClBand *bands, int n, ClBoundCmp cmp,
			 const void *key, void *ctx, int hint)
{
	int			lo,
				hi;

	if (n <= 0)
		return -1;
	if (hint >= 0 && hint < n && cl_band_contains(bands, hint, cmp, key, ctx))
		return hint;

	/*
	 * In a sorted, non-overlapping set "key is at or above the lower bound"
	 * holds for a prefix of the bands: find the last band of that prefix.
	 */
	if (!above_lower(bands, cmp, key, ctx, 0))
		return -1;
	lo = 0;						/* above_lower(lo) holds */
	hi = n;						/* above_lower(hi) fails, or hi == n */
	while (hi - lo > 1)
	{
		int			mid = lo + (hi - lo) / 2;

		if (above_lower(bands, cmp, key, ctx, mid))
			lo = mid;
		else
			hi = mid;
	}
	return below_upper(bands, cmp, key, ctx, lo) ? lo : -1;
}

int
cl_bands_validate(const ClBand *b, int n, ClBoundPairCmp cmpb, void *ctx,
				  int contiguous, int *bad_a, int *bad_b)
{
	int			i;

	*bad_a = *bad_b = -1;
	for (i = 0; i < n; i++)
	{
		if (b[i].has_lower && b[i].has_upper)
		{
			int			c = cmpb(i, CL_BOUND_LOWER, i, CL_BOUND_UPPER, ctx);

			if (c > 0 || (c == 0 && !(b[i].lower_inclusive && b[i].upper_inclusive)))
			{
				*bad_a = i;
				return CL_BANDS_EMPTY;
			}
		}
	}
	for (i = 1; i < n; i++)
	{
		const ClBand *p = &b[i - 1],
				   *q = &b[i];
		int			c;

		/* sorted by lower bound, -infinity first, inclusive first at ties */
		if (!q->has_lower)
		{
			*bad_a = i - 1;
			*bad_b = i;
			return p->has_lower ? CL_BANDS_UNSORTED : CL_BANDS_OVERLAP;
		}
		if (p->has_lower)
		{
			c = cmpb(i - 1, CL_BOUND_LOWER, i, CL_BOUND_LOWER, ctx);
			if (c > 0 || (c == 0 && !p->lower_inclusive && q->lower_inclusive))
			{
				*bad_a = i - 1;
				*bad_b = i;
				return CL_BANDS_UNSORTED;
			}
		}
		/* p must end before q starts */
		if (!p->has_upper)
		{
			*bad_a = i - 1;
			*bad_b = i;
			return CL_BANDS_OVERLAP;
		}
		c = cmpb(i - 1, CL_BOUND_UPPER, i, CL_BOUND_LOWER, ctx);
		if (c > 0 || (c == 0 && p->upper_inclusive && q->lower_inclusive))
		{
			*bad_a = i - 1;
			*bad_b = i;
			return CL_BANDS_OVERLAP;
		}
		if (contiguous && (c < 0 || (c == 0 && !p->upper_inclusive && !q->lower_inclusive)))
		{
			*bad_a = i - 1;
			*bad_b = i;
			return CL_BANDS_GAP;
		}
	}
	return CL_BANDS_OK;
}
