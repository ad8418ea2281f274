/*
 * fuzz_value.c
 *		The value area's byte inputs:
 *		- the avg_daily_balance partial state between parallel workers
 *		  (clientele_adb_deserial: a header, then runs in the cl_seg_pack form)
 *		  read with cl_seg_unpack() and finished with cl_adb_compute(), as the
 *		  deserial and final functions do, whatever the header says;
 *		- numeric bodies (cl_numeric_to_cents: the on-disk numeric format of
 *		  every balance);
 *		- the gini / top_share partial state (any finite values).
 *		A run list that unpacks must pack back to the same bytes.
 */
#include "fuzz.h"

#include <math.h>

#include "value_core.h"

static void
fuzz_adb(FuzzIn *in)
{
	int32_t		from = (int32_t) fuzz_u64(in, 4),
				to = (int32_t) fuzz_u64(in, 4);
	int			has_carry = (int) (fuzz_u64(in, 1) & 1),
				sorted = (int) (fuzz_u64(in, 1) & 1);
	int64_t		carry = (int64_t) fuzz_u64(in, 8),
				adb;
	size_t		n = (size_t) (fuzz_u64(in, 2) % 512),
				len = in->n,
				packed;
	int32_t		dup;
	ClSeg	   *segs,
			   *merged;
	unsigned char *back;

	/* the deserial function's size check: each run takes 16 or 24 bytes */
	if (n > len / 16)
		return;
	segs = malloc(sizeof(ClSeg) * (n + 1));
	if (!cl_seg_unpack(in->p, len, segs, n))
	{
		free(segs);
		return;
	}
	back = malloc(sizeof(ClSeg) * (n + 1));
	packed = cl_seg_pack(segs, n, back);
	FUZZ_CHECK(packed == len && memcmp(back, in->p, len) == 0, "pack(unpack(b)) == b");
	free(back);

	/* combine with itself (as two workers' states), then the final function */
	merged = malloc(sizeof(ClSeg) * (2 * n + 1));
	cl_seg_sort(segs, n);
	(void) cl_seg_merge(segs, n, segs, n, merged);
	free(merged);
	(void) cl_adb_compute(segs, n, sorted, has_carry, carry, from, to, &adb, &dup);
	free(segs);
}

static void
fuzz_numeric(const uint8_t *data, size_t size)
{
	int64_t		cents;
	ClNumStatus st = cl_numeric_to_cents(data, size, &cents);

	FUZZ_CHECK(st >= CL_NUM_OK && st <= CL_NUM_BAD, "a known status");
}

static void
fuzz_conc(FuzzIn *in)
{
	size_t		n = in->n / 8,
				i,
				k = 0;
	double	   *x = malloc(sizeof(double) * (n + 1));
	double		g,
				f = 0.2,
				s;

	for (i = 0; i < n; i++)
	{
		double		v = fuzz_double(in);

		if (isfinite(v))
			x[k++] = v;
	}
	if (cl_gini(x, k, &g) == CL_CONC_OK)
		FUZZ_CHECK(!isnan(g), "gini is a number");
	if (k > 0)
		f = fabs(x[0]) <= 1 ? fabs(x[0]) : 0.5;
	if (cl_top_share(x, k, f, &s) == CL_CONC_OK)
		FUZZ_CHECK(!isnan(s), "top share is a number");
	free(x);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzIn		in = {data, size};

	if (size < 1)
		return 0;
	switch (fuzz_u64(&in, 1) % 3)
	{
		case 0:
			fuzz_adb(&in);
			break;
		case 1:
			fuzz_numeric(in.p, in.n);
			break;
		default:
			fuzz_conc(&in);
			break;
	}
	return 0;
}
