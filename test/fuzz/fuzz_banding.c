/*
 * fuzz_banding.c
 *		The tier-band compiler: a scheme's bands as a bank types them into
 *		clientele.tier_band (any bounds, open or closed ends, missing bounds,
 *		in any order) go through cl_bands_validate() as tier_validate and the
 *		compiled cache do.  A set it accepts must then classify every amount
 *		the way a linear scan does: cl_band_find() (binary search, with any
 *		hint) names the one band that contains the amount, at most one band
 *		contains any amount (no overlap), and with contiguity required every
 *		amount between the first and the last bound is in some band (no gap).
 *		Bounds are small integers so that equal bounds, the hard case, are
 *		common.
 */
#include "fuzz.h"

#include "banding.h"
#include "banding_double.h"

#define MAX_BANDS 12

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzIn		in = {data, size};
	ClBand		bands[MAX_BANDS];
	DBounds		d[MAX_BANDS];
	int			n,
				i,
				contiguous,
				bad_a = -1,
				bad_b = -1,
				rc;
	double		keys[4 * MAX_BANDS + 8];
	int			nkeys = 0;

	if (size < 2)
		return 0;
	n = 1 + (int) (fuzz_u64(&in, 1) % MAX_BANDS);
	contiguous = (int) (fuzz_u64(&in, 1) & 1);
	for (i = 0; i < n; i++)
	{
		unsigned	f = (unsigned) fuzz_u64(&in, 1);

		bands[i].has_lower = f & 1;
		bands[i].lower_inclusive = (f >> 1) & 1;
		bands[i].has_upper = (f >> 2) & 1;
		bands[i].upper_inclusive = (f >> 3) & 1;
		d[i].lo = (double) (int8_t) fuzz_u64(&in, 1);
		d[i].hi = (double) (int8_t) fuzz_u64(&in, 1);
	}
	rc = cl_bands_validate(bands, n, dcmpb, d, contiguous, &bad_a, &bad_b);
	FUZZ_CHECK(rc >= CL_BANDS_OK && rc <= CL_BANDS_GAP, "a known result code");
	if (rc != CL_BANDS_OK)
	{
		FUZZ_CHECK(bad_a >= 0 && bad_a < n, "an error names a band");
		return 0;
	}

	/* amounts: every bound, just around it, and some from the input */
	for (i = 0; i < n; i++)
	{
		keys[nkeys++] = d[i].lo;
		keys[nkeys++] = d[i].lo - 0.5;
		keys[nkeys++] = d[i].hi;
		keys[nkeys++] = d[i].hi + 0.5;
	}
	while (nkeys < 4 * MAX_BANDS + 6 && in.n > 0)
		keys[nkeys++] = (double) (int8_t) fuzz_u64(&in, 1) / 2.0;
	keys[nkeys++] = -1e300;
	keys[nkeys++] = 1e300;

	for (i = 0; i < nkeys; i++)
	{
		int			j,
					found = -1,
					count = 0,
					hint;

		for (j = 0; j < n; j++)
			if (cl_band_contains(bands, j, dcmp, &keys[i], d))
			{
				found = j;
				count++;
			}
		FUZZ_CHECK(count <= 1, "an accepted set has no overlapping bands");
		for (hint = -1; hint < n; hint++)
			FUZZ_CHECK(cl_band_find(bands, n, dcmp, &keys[i], d, hint) == found,
					   "cl_band_find agrees with a linear scan, whatever the hint");
		if (contiguous && found < 0)
		{
			/* outside every band: below the first band or above the last */
			int			below_first = bands[0].has_lower && dcmp(&keys[i], 0, CL_BOUND_LOWER, d) <= 0;
			int			above_last = bands[n - 1].has_upper && dcmp(&keys[i], n - 1, CL_BOUND_UPPER, d) >= 0;

			FUZZ_CHECK(below_first || above_last, "a contiguous set has no gap");
		}
	}
	return 0;
}
