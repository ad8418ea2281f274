/*
 * test_banding.c - band lookup and validation of src/core/banding.c, with
 * double bounds (the server compares numeric bounds through the same code).
 */
#include <stdlib.h>

#include "banding.h"
#include "banding_double.h"
#include "tap.h"


static int
find(const ClBand *b, const DBounds *d, int n, double x, int hint)
{
	return cl_band_find(b, n, dcmp, &x, (void *) d, hint);
}

/* the Suzhou deposit bands: [0,1e4) [1e4,5e4) [5e4,2e5) [2e5,1e6) [1e6,inf) */
static const DBounds suzhou_d[] = {{0, 1e4}, {1e4, 5e4}, {5e4, 2e5}, {2e5, 1e6}, {1e6, 0}};
static const ClBand suzhou_b[] = {
	{1, 1, 1, 0}, {1, 1, 1, 0}, {1, 1, 1, 0}, {1, 1, 1, 0}, {1, 1, 0, 0}
};

int
main(void)
{
	int			a,
				b,
				i,
				h,
				allok;

	/* lookup: bounds, inclusive lower, exclusive upper, open top */
	ok(find(suzhou_b, suzhou_d, 5, 0, -1) == 0, "0 is in the first band (inclusive lower)");
	ok(find(suzhou_b, suzhou_d, 5, -0.01, -1) == -1, "below the first lower bound: no band");
	ok(find(suzhou_b, suzhou_d, 5, 9999.99, -1) == 0, "9999.99 is below 1万");
	ok(find(suzhou_b, suzhou_d, 5, 10000, -1) == 1, "10000 opens the second band");
	ok(find(suzhou_b, suzhou_d, 5, 49999.99, -1) == 1, "49999.99 in [1万, 5万)");
	ok(find(suzhou_b, suzhou_d, 5, 50000, -1) == 2, "50000 in [5万, 20万)");
	ok(find(suzhou_b, suzhou_d, 5, 999999.99, -1) == 3, "999999.99 in [20万, 100万)");
	ok(find(suzhou_b, suzhou_d, 5, 1e6, -1) == 4, "1e6 in [100万, inf)");
	ok(find(suzhou_b, suzhou_d, 5, 1e15, -1) == 4, "huge amount in the open top band");
	ok(find(suzhou_b, suzhou_d, 0, 1, -1) == -1, "empty band set: no band");

	/* the hint never changes the answer */
	allok = 1;
	for (h = -1; h < 6; h++)
		for (i = -3; i < 2000; i++)
		{
			double		x = i * 750.0 - 0.5;
			int			want = find(suzhou_b, suzhou_d, 5, x, -1);

			if (find(suzhou_b, suzhou_d, 5, x, h) != want)
				allok = 0;
		}
	ok(allok, "hints (including out of range) give the same answer as a plain search");

	/* binary search agrees with a linear scan over many band counts */
	allok = 1;
	for (int n = 1; n <= 17 && allok; n++)
	{
		DBounds		d[17];
		ClBand		bb[17];

		for (i = 0; i < n; i++)
		{
			/* bands [10i, 10i+5] with gaps (10i+5, 10i+10) and alternating ends */
			d[i].lo = 10.0 * i;
			d[i].hi = 10.0 * i + 5;
			bb[i].has_lower = 1;
			bb[i].has_upper = 1;
			bb[i].lower_inclusive = (i % 2 == 0);
			bb[i].upper_inclusive = (i % 3 == 0);
		}
		for (double x = -2; x < 10.0 * n + 2; x += 0.5)
		{
			int			want = -1;

			for (i = 0; i < n; i++)
				if (cl_band_contains(bb, i, dcmp, &x, d))
					want = i;
			if (find(bb, d, n, x, -1) != want)
				allok = 0;
		}
	}
	ok(allok, "binary search equals a linear scan for 1..17 bands with gaps and mixed ends");

	/* unbounded below, degenerate single-point band, exclusive lower */
	{
		DBounds		d[] = {{0, 0}, {0, 0}, {0, 5}};
		ClBand		bb[] = {{0, 0, 1, 0}, {1, 1, 1, 1}, {1, 0, 1, 1}};

		ok(find(bb, d, 3, -1e300, -1) == 0, "(-inf, 0): very negative amount");
		ok(find(bb, d, 3, 0, -1) == 1, "[0, 0]: exactly zero");
		ok(find(bb, d, 3, 1e-9, -1) == 2, "(0, 5]: just above zero");
		ok(find(bb, d, 3, 5, -1) == 2, "(0, 5]: inclusive upper");
		ok(find(bb, d, 3, 5.000001, -1) == -1, "above the last bounded band");
		ok(cl_bands_validate(bb, 3, dcmpb, d, 1, &a, &b) == CL_BANDS_OK,
		   "(-inf,0) [0,0] (0,5] is valid and contiguous");
	}

	/* validation */
	ok(cl_bands_validate(suzhou_b, 5, dcmpb, (void *) suzhou_d, 1, &a, &b) == CL_BANDS_OK,
	   "the Suzhou bands are valid and contiguous");
	{
		DBounds		d[] = {{0, 10}, {5, 20}};
		ClBand		bb[] = {{1, 1, 1, 0}, {1, 1, 1, 0}};

		ok(cl_bands_validate(bb, 2, dcmpb, d, 1, &a, &b) == CL_BANDS_OVERLAP && a == 0 && b == 1,
		   "[0,10) [5,20) overlap, naming bands 0 and 1");
	}
	{
		DBounds		d[] = {{0, 10}, {10, 20}};
		ClBand		bb[] = {{1, 1, 1, 1}, {1, 1, 1, 0}};

		ok(cl_bands_validate(bb, 2, dcmpb, d, 1, &a, &b) == CL_BANDS_OVERLAP,
		   "[0,10] [10,20) overlap at the shared inclusive bound");
		bb[0].upper_inclusive = 0;
		bb[1].lower_inclusive = 0;
		ok(cl_bands_validate(bb, 2, dcmpb, d, 1, &a, &b) == CL_BANDS_GAP && a == 0 && b == 1,
		   "[0,10) (10,20) leave the point 10 uncovered: a gap");
		ok(cl_bands_validate(bb, 2, dcmpb, d, 0, &a, &b) == CL_BANDS_OK,
		   "the same gap is accepted when contiguity is not required");
	}
	{
		DBounds		d[] = {{0, 10}, {11, 20}};
		ClBand		bb[] = {{1, 1, 1, 0}, {1, 1, 1, 0}};

		ok(cl_bands_validate(bb, 2, dcmpb, d, 1, &a, &b) == CL_BANDS_GAP,
		   "[0,10) [11,20) leave a gap");
	}
	{
		DBounds		d[] = {{0, 10}, {20, 10}};
		ClBand		bb[] = {{1, 1, 1, 0}, {1, 1, 1, 0}};

		ok(cl_bands_validate(bb, 2, dcmpb, d, 1, &a, &b) == CL_BANDS_EMPTY && a == 1,
		   "lower 20 > upper 10 is rejected, naming band 1");
	}
	{
		DBounds		d[] = {{5, 5}};
		ClBand		bb[] = {{1, 1, 1, 0}};

		ok(cl_bands_validate(bb, 1, dcmpb, d, 1, &a, &b) == CL_BANDS_EMPTY && a == 0,
		   "[5,5) is empty");
	}
	{
		DBounds		d[] = {{0, 0}, {10, 20}};
		ClBand		bb[] = {{1, 1, 0, 0}, {1, 1, 1, 0}};

		ok(cl_bands_validate(bb, 2, dcmpb, d, 1, &a, &b) == CL_BANDS_OVERLAP,
		   "an open-top band followed by another overlaps it");
	}
	{
		DBounds		d[] = {{10, 20}, {0, 10}};
		ClBand		bb[] = {{1, 1, 1, 0}, {1, 1, 1, 0}};

		ok(cl_bands_validate(bb, 2, dcmpb, d, 1, &a, &b) == CL_BANDS_UNSORTED,
		   "bands out of order are reported as unsorted");
	}
	return tap_done();
}
