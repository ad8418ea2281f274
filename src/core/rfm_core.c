/*
 * rfm_core.c
 *		Plain-C helpers of the rfm area; see rfm_core.h.
 */
#include "rfm_core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * Exact conversion from the bits of the double: value = mant * 2^(exp - 52);
 * fixed = value * 2^RFM_FIXED_SHIFT, rounded half to even when bits fall
 * below the grid.  Integer operations only (no libm, no int128 division).
 */
bool
rfm_fixed_from_double(double x, RfmFixed *out)
{
	uint64_t	bits;
	uint64_t	mant;
	int			exp;
	int			shift;
	unsigned __int128 mag;

	memcpy(&bits, &x, sizeof(bits));
	exp = (int) ((bits >> 52) & 0x7ff);
	mant = bits & ((UINT64_C(1) << 52) - 1);
	if (exp == 0x7ff)
		return false;			/* NaN or infinity */
	if (exp == 0)
	{
		if (mant == 0)
		{
			*out = 0;
			return true;
		}
		exp = 1;				/* subnormal */
	}
	else
		mant |= UINT64_C(1) << 52;
	/* value = mant * 2^(exp - 1075) */
	if (exp - 1023 >= RFM_FIXED_MAX_EXP)
		return false;
	shift = exp - 1075 + RFM_FIXED_SHIFT;
	if (shift >= 0)
		mag = (unsigned __int128) mant << shift;
	else if (shift <= -64)
		mag = 0;				/* below half a grid step: rounds to zero */
	else
	{
		uint64_t	q = mant >> -shift;
		uint64_t	rem = mant & ((UINT64_C(1) << -shift) - 1);
		uint64_t	half = UINT64_C(1) << (-shift - 1);

		if (rem > half || (rem == half && (q & 1)))
			q++;
		mag = q;
	}
	*out = (bits >> 63) ? -(RfmFixed) mag : (RfmFixed) mag;
	return true;
}

double
rfm_fixed_to_double(RfmFixed v)
{
	/* int128 -> double rounds to nearest; the scaling is exact */
	return ldexp((double) v, -RFM_FIXED_SHIFT);
}

bool
rfm_fixed_add(RfmFixed *acc, RfmFixed v)
{
	RfmFixed	r;
	const RfmFixed limit = (RfmFixed) 1 << (RFM_FIXED_MAX_EXP + RFM_FIXED_SHIFT);

	if (__builtin_add_overflow(*acc, v, &r))
		return false;
	if (r >= limit || r <= -limit)
		return false;
	*acc = r;
	return true;
}

static int
cmp_daykey(const void *a, const void *b)
{
	int			x = *(const RfmDayKey *) a;
	int			y = *(const RfmDayKey *) b;

	return x - y;
}

int
rfm_days_sort_unique(RfmDayKey *days, int n)
{
	int			i,
				k;

	if (n <= 1)
		return n;
	if (!rfm_days_strictly_increasing(days, n))
		qsort(days, (size_t) n, sizeof(RfmDayKey), cmp_daykey);
	k = 1;
	for (i = 1; i < n; i++)
		if (days[i] != days[k - 1])
			days[k++] = days[i];
	return k;
}

bool
rfm_days_strictly_increasing(const RfmDayKey *days, int n)
{
	int			i;

	for (i = 1; i < n; i++)
		if (days[i] <= days[i - 1])
			return false;
	return true;
}

int
rfm_days_merge(const RfmDayKey *a, int na, const RfmDayKey *b, int nb, RfmDayKey *out)
{
	int			i = 0,
				j = 0,
				k = 0;

	while (i < na && j < nb)
	{
		if (a[i] < b[j])
			out[k++] = a[i++];
		else if (b[j] < a[i])
			out[k++] = b[j++];
		else
		{
			out[k++] = a[i++];
			j++;
		}
	}
	while (i < na)
		out[k++] = a[i++];
	while (j < nb)
		out[k++] = b[j++];
	return k;
}

int
rfm_ntile_score(int64_t n_below, int64_t n_total, int ntiles)
{
	if (ntiles < 1 || n_total < 1 || n_below < 0 || n_below >= n_total)
		return 0;
	/* n_below < n_total, so the result is in 1..ntiles; no overflow for sane n */
	return 1 + (int) ((__int128) ntiles * n_below / n_total);
}

bool
rfm_cube_fill(int16_t *cells, int ntiles, const RfmRuleBounds *rule, int16_t segment)
{
	const int	b[6] = {rule->r_min, rule->r_max, rule->f_min, rule->f_max, rule->m_min, rule->m_max};
	int			k,
				r,
				f,
				m;

	if (ntiles < 1 || ntiles > RFM_MAX_NTILES)
		return false;
	for (k = 0; k < 6; k++)
		if (b[k] < 1 || b[k] > ntiles)
			return false;
	for (r = b[0]; r <= b[1]; r++)
		for (f = b[2]; f <= b[3]; f++)
			for (m = b[4]; m <= b[5]; m++)
			{
				int			c = rfm_cube_index(ntiles, r, f, m);

				if (cells[c] < 0)
					cells[c] = segment;
			}
	return true;
}
