/*
 * fuzz_rfm.c
 *		The rfm area's inputs through src/core:
 *		- the RFM segment rule compiler (rfm_cube_fill): any scheme of rules
 *		  as a bank types them into clientele.rfm_segment_rule; the compiled
 *		  cube must give every score the segment of the first rule (in
 *		  priority order) that contains it, as a linear scan does, and refuse
 *		  out-of-range bounds without writing;
 *		- the purchase-day key sets of clientele.rfm_state (sort/unique,
 *		  merge of two states) against a bitmap;
 *		- the exact fixed-point amount sums (any double) and n-tile scores.
 */
#include "fuzz.h"

#include <math.h>

#include "rfm_core.h"

#define MAX_RULES 16

static void
fuzz_rules(FuzzIn *in)
{
	int			ntiles = (int) (fuzz_u64(in, 1) % 12);	/* 0 and 11 are refused */
	int			nrules = (int) (fuzz_u64(in, 1) % (MAX_RULES + 1));
	RfmRuleBounds rules[MAX_RULES];
	int			ok[MAX_RULES];
	int16_t		cells[12 * 12 * 12];
	int			i,
				r,
				f,
				m;

	for (i = 0; i < 12 * 12 * 12; i++)
		cells[i] = -1;
	for (i = 0; i < nrules; i++)
	{
		int16_t		before[12 * 12 * 12];
		int			span = ntiles + 2;

		/* bounds mostly in range, sometimes 0 or ntiles + 1 */
		rules[i].r_min = (int) (fuzz_u64(in, 1) % span);
		rules[i].r_max = (int) (fuzz_u64(in, 1) % span);
		rules[i].f_min = (int) (fuzz_u64(in, 1) % span);
		rules[i].f_max = (int) (fuzz_u64(in, 1) % span);
		rules[i].m_min = (int) (fuzz_u64(in, 1) % span);
		rules[i].m_max = (int) (fuzz_u64(in, 1) % span);
		memcpy(before, cells, sizeof(cells));
		ok[i] = rfm_cube_fill(cells, ntiles, &rules[i], (int16_t) i);
		if (!ok[i])
			FUZZ_CHECK(memcmp(before, cells, sizeof(cells)) == 0, "a refused rule writes nothing");
	}
	if (ntiles < 1)
		return;
	for (r = 1; r <= ntiles; r++)
		for (f = 1; f <= ntiles; f++)
			for (m = 1; m <= ntiles; m++)
			{
				int			want = -1;

				for (i = 0; i < nrules && want < 0; i++)
					if (ok[i] && rules[i].r_min <= r && r <= rules[i].r_max &&
						rules[i].f_min <= f && f <= rules[i].f_max &&
						rules[i].m_min <= m && m <= rules[i].m_max)
						want = i;
				FUZZ_CHECK(cells[rfm_cube_index(ntiles, r, f, m)] == want,
						   "the cube gives the first matching rule");
			}
	/* nothing written outside the cube */
	for (i = ntiles * ntiles * ntiles; i < 12 * 12 * 12; i++)
		FUZZ_CHECK(cells[i] == -1, "no write outside the cube");
}

static int
key_cmp(const void *x, const void *y)
{
	return (int) *(const RfmDayKey *) x - (int) *(const RfmDayKey *) y;
}

/* the oracle: the distinct keys of a raw array, sorted, by qsort here */
static int
set_of(const RfmDayKey *raw, int n, RfmDayKey *out)
{
	int			i,
				k = 0;

	memcpy(out, raw, sizeof(RfmDayKey) * (size_t) n);
	qsort(out, (size_t) n, sizeof(RfmDayKey), key_cmp);
	for (i = 0; i < n; i++)
		if (k == 0 || out[i] != out[k - 1])
			out[k++] = out[i];
	return k;
}

static void
fuzz_days(FuzzIn *in)
{
	int			na = (int) (fuzz_u64(in, 2) % 300),
				nb = (int) (fuzz_u64(in, 2) % 300),
				i,
				ka,
				kb,
				k,
				kw;
	RfmDayKey *a = malloc(sizeof(RfmDayKey) * (na + 1)),
			   *b = malloc(sizeof(RfmDayKey) * (nb + 1)),
			   *raw = malloc(sizeof(RfmDayKey) * (na + nb + 1)),
			   *want = malloc(sizeof(RfmDayKey) * (na + nb + 1)),
			   *out = malloc(sizeof(RfmDayKey) * (na + nb + 1));

	for (i = 0; i < na; i++)
		raw[i] = a[i] = (RfmDayKey) fuzz_u64(in, 2);
	for (i = 0; i < nb; i++)
		raw[na + i] = b[i] = (RfmDayKey) fuzz_u64(in, 2);
	ka = rfm_days_sort_unique(a, na);
	kb = rfm_days_sort_unique(b, nb);
	FUZZ_CHECK(ka == set_of(raw, na, want) && memcmp(a, want, sizeof(RfmDayKey) * (size_t) ka) == 0,
			   "sort_unique gives the sorted set of the keys");
	FUZZ_CHECK(rfm_days_strictly_increasing(a, ka) && rfm_days_strictly_increasing(b, kb),
			   "sort_unique gives strictly increasing keys");
	k = rfm_days_merge(a, ka, b, kb, out);
	kw = set_of(raw, na + nb, want);
	FUZZ_CHECK(k == kw && memcmp(out, want, sizeof(RfmDayKey) * (size_t) k) == 0,
			   "merge gives the sorted union");
	free(a);
	free(b);
	free(raw);
	free(want);
	free(out);
}

static void
fuzz_amounts(FuzzIn *in)
{
	RfmFixed	acc = 0;
	int			i;

	for (i = 0; i < 8 && in->n >= 8; i++)
	{
		double		x = fuzz_double(in);
		RfmFixed	v;

		if (rfm_fixed_from_double(x, &v))
		{
			double		back = rfm_fixed_to_double(v);

			FUZZ_CHECK(isfinite(x), "only finite amounts convert");
			FUZZ_CHECK(fabs(back - x) <= ldexp(1.0, -RFM_FIXED_SHIFT) + fabs(x) * 1e-15,
					   "fixed point round trip within one grid step");
			(void) rfm_fixed_add(&acc, v);
		}
	}
	{
		int64_t		below = (int64_t) fuzz_u64(in, 8),
					total = (int64_t) fuzz_u64(in, 8);
		int			nt = (int) (fuzz_u64(in, 1)) - 8,
					s = rfm_ntile_score(below, total, nt);

		FUZZ_CHECK(s == 0 || (s >= 1 && s <= nt), "an n-tile score is 0 or in 1..ntiles");
	}
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
			fuzz_rules(&in);
			break;
		case 1:
			fuzz_days(&in);
			break;
		default:
			fuzz_amounts(&in);
			break;
	}
	return 0;
}
