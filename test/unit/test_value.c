/*
 * test_value.c - unit tests of src/core/value_core.c (numeric to cents,
 * average daily balance, Gini, top share).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "value_core.h"

/* encodes a numeric body: short (long_fmt = 0) or long header */
static size_t
enc(unsigned char *buf, int long_fmt, int neg, int weight, int dscale,
	const uint16_t *d, int nd)
{
	uint16_t	h;
	size_t		off;

	if (!long_fmt)
	{
		h = 0x8000 | (neg ? 0x2000 : 0) | (uint16_t) (dscale << 7) |
			(weight < 0 ? 0x0040 : 0) | (uint16_t) (weight & 0x3F);
		memcpy(buf, &h, 2);
		off = 2;
	}
	else
	{
		int16_t		w = (int16_t) weight;

		h = (neg ? 0x4000 : 0) | (uint16_t) dscale;
		memcpy(buf, &h, 2);
		memcpy(buf + 2, &w, 2);
		off = 4;
	}
	if (nd > 0)
		memcpy(buf + off, d, 2 * (size_t) nd);
	return off + 2 * (size_t) nd;
}

static int64_t
cents_of(int long_fmt, int neg, int weight, int dscale, const uint16_t *d, int nd, ClNumStatus *st)
{
	unsigned char buf[64];
	size_t		len = enc(buf, long_fmt, neg, weight, dscale, d, nd);
	int64_t		c = 0;

	*st = cl_numeric_to_cents(buf, len, &c);
	return c;
}

static void
test_numeric(void)
{
	ClNumStatus st;
	int			f;

	for (f = 0; f <= 1; f++)
	{
		const char *fmt = f ? "long" : "short";

		{
			uint16_t	d[] = {1234, 5678};	/* 1234.5678 -> 123457 */

			ok(cents_of(f, 0, 0, 4, d, 2, &st) == 123457 && st == CL_NUM_OK, "%s 1234.5678 rounds up to 123457 cents", fmt);
			ok(cents_of(f, 1, 0, 4, d, 2, &st) == -123457, "%s -1234.5678 rounds away from zero", fmt);
		}
		{
			uint16_t	d[] = {12, 3449};	/* 12.3449 -> 1234 */

			ok(cents_of(f, 0, 0, 4, d, 2, &st) == 1234, "%s 12.3449 rounds down", fmt);
		}
		{
			uint16_t	d[] = {12, 3450};	/* 12.345 -> 1235 */

			ok(cents_of(f, 0, 0, 3, d, 2, &st) == 1235, "%s 12.345 ties away from zero", fmt);
			ok(cents_of(f, 1, 0, 3, d, 2, &st) == -1235, "%s -12.345 ties away from zero", fmt);
		}
		{
			uint16_t	d[] = {5};		/* 50000 (weight 1, trailing group stripped) */

			ok(cents_of(f, 0, 1, 0, d, 1, &st) == 5000000, "%s 50000 with stripped zero group", fmt);
		}
		{
			uint16_t	d[] = {50};		/* 0.005 -> 1 cent */

			ok(cents_of(f, 0, -1, 3, d, 1, &st) == 1, "%s 0.005 -> 1 cent", fmt);
		}
		{
			uint16_t	d[] = {49};		/* 0.0049 -> 0 */

			ok(cents_of(f, 0, -1, 4, d, 1, &st) == 0, "%s 0.0049 -> 0", fmt);
		}
		{
			uint16_t	d[] = {9999};	/* 0.00009999 (weight -2) -> 0 */

			ok(cents_of(f, 0, -2, 8, d, 1, &st) == 0 && st == CL_NUM_OK, "%s weight -2 is below a cent", fmt);
		}
		ok(cents_of(f, 0, 0, 0, NULL, 0, &st) == 0 && st == CL_NUM_OK, "%s zero", fmt);
		{
			/* 92233720368547758.07 = INT64_MAX cents */
			uint16_t	d[] = {9, 2233, 7203, 6854, 7758, 700};

			ok(cents_of(f, 0, 4, 2, d, 6, &st) == INT64_MAX && st == CL_NUM_OK, "%s INT64_MAX cents fits", fmt);
		}
		{
			uint16_t	d[] = {9, 2233, 7203, 6854, 7758, 800};

			cents_of(f, 0, 4, 2, d, 6, &st);
			ok(st == CL_NUM_OVERFLOW, "%s one cent more overflows", fmt);
		}
		{
			uint16_t	d[] = {1};		/* 1e100 */

			cents_of(f, 0, 25, 0, d, 1, &st);
			ok(st == CL_NUM_OVERFLOW, "%s 1e100 overflows", fmt);
		}
	}
	{
		unsigned char b[2];
		uint16_t	h;
		int64_t		c;

		h = 0xC000;
		memcpy(b, &h, 2);
		ok(cl_numeric_to_cents(b, 2, &c) == CL_NUM_NAN, "NaN detected");
		h = 0xD000;
		memcpy(b, &h, 2);
		ok(cl_numeric_to_cents(b, 2, &c) == CL_NUM_PINF, "+Infinity detected");
		h = 0xF000;
		memcpy(b, &h, 2);
		ok(cl_numeric_to_cents(b, 2, &c) == CL_NUM_NINF, "-Infinity detected");
		ok(cl_numeric_to_cents(b, 1, &c) == CL_NUM_BAD, "truncated body rejected");
	}
}

/* folds snapshots (in the given order) into runs as the aggregate does */
static size_t
fold(const int32_t *days, const int64_t *cents, size_t n, ClSeg *out, int *sorted)
{
	size_t		k = 0;
	size_t		i;

	*sorted = 1;
	for (i = 0; i < n; i++)
	{
		if (k > 0 && cl_seg_extend(&out[k - 1], days[i], cents[i]))
			continue;
		if (k > 0 && days[i] <= out[k - 1].last)
			*sorted = 0;
		out[k++] = cl_seg_one(days[i], cents[i]);
	}
	return k;
}

static ClAdbStatus
adb_of(const int32_t *days, const int64_t *cents, size_t n, int has_carry, int64_t carry,
	   int32_t from, int32_t to, int64_t *adb, int32_t *dup)
{
	ClSeg		segs[2000];
	int			sorted;
	size_t		k = fold(days, cents, n, segs, &sorted);

	return cl_adb_compute(segs, k, sorted, has_carry, carry, from, to, adb, dup);
}

static void
test_adb(void)
{
	int64_t		adb = 0;
	int32_t		dup = 0;

	{
		/* window 1..10; 100.00 from day 3, 200.00 from day 8: (5*10000 + 3*20000)/10 */
		int32_t		d[] = {8, 3};
		int64_t		c[] = {20000, 10000};

		ok(adb_of(d, c, 2, 0, 0, 1, 10, &adb, &dup) == CL_ADB_OK && adb == 11000,
		   "sparse snapshots, unsorted input, days before the first count as 0");
	}
	{
		/* carry 50.00 from before the window; 100.00 from day 6 of 1..10 */
		int32_t		d[] = {6};
		int64_t		c[] = {10000};

		ok(adb_of(d, c, 1, 1, 5000, 1, 10, &adb, &dup) == CL_ADB_OK && adb == 7500,
		   "carried snapshot holds until the first in-window snapshot");
	}
	ok(cl_adb_compute(NULL, 0, 1, 1, 12345, 1, 31, &adb, &dup) == CL_ADB_OK && adb == 12345,
	   "only a carry: the average is the carried balance");
	ok(cl_adb_compute(NULL, 0, 1, 0, 0, 1, 31, &adb, &dup) == CL_ADB_OK && adb == 0,
	   "no snapshot at all: 0");
	{
		int32_t		d3[] = {3};
		int32_t		d2[] = {2};
		int64_t		one[] = {1};
		int64_t		minus[] = {-1};

		ok(adb_of(d3, one, 1, 0, 0, 1, 3, &adb, &dup) == CL_ADB_OK && adb == 0, "1/3 cent rounds to 0");
		ok(adb_of(d2, one, 1, 0, 0, 1, 4, &adb, &dup) == CL_ADB_OK && adb == 1, "0.75 cent rounds to 1");
		ok(adb_of(d2, minus, 1, 0, 0, 1, 4, &adb, &dup) == CL_ADB_OK && adb == -1, "-0.75 cent rounds to -1");
	}
	{
		int32_t		d[] = {2};
		int64_t		c[] = {5};
		int32_t		dd[] = {1, 1};
		int64_t		cc[] = {5, 5};

		ok(adb_of(d, c, 1, 0, 0, 1, 2, &adb, &dup) == CL_ADB_OK && adb == 3, "half a cent rounds away from zero");
		ok(adb_of(dd, cc, 2, 0, 0, 1, 2, &adb, &dup) == CL_ADB_DUPLICATE && dup == 1, "duplicate day detected");
	}
	{
		/* daily 1..10 then a repeat of day 5: the run 1..10 hides day 5 */
		int32_t		d[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 5};
		int64_t		c[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
		ClSeg		segs[4];
		int			sorted;

		ok(fold(d, c, 11, segs, &sorted) == 2 && !sorted, "daily snapshots collapse into one run");
		ok(adb_of(d, c, 11, 0, 0, 1, 10, &adb, &dup) == CL_ADB_DUPLICATE && dup == 5,
		   "a duplicate inside a run is detected");
	}
	{
		/* daily data split as parallel workers would see it: 1..4 and 9..12 in one, 5..8 in the other */
		int32_t		w1[] = {1, 2, 3, 4, 9, 10, 11, 12};
		int32_t		w2[] = {5, 6, 7, 8};
		int64_t		c1[] = {100, 200, 300, 400, 900, 1000, 1100, 1200};
		int64_t		c2[] = {500, 600, 700, 800};
		ClSeg		segs[8];
		int			s1;
		int			s2;
		size_t		k = fold(w1, c1, 8, segs, &s1);

		k += fold(w2, c2, 4, segs + k, &s2);
		/* sum 100..1200 = 7800 over 12 days = 650 */
		ok(k == 3 && cl_adb_compute(segs, k, 0, 0, 0, 1, 12, &adb, &dup) == CL_ADB_OK && adb == 650,
		   "runs from two workers merge exactly");
	}
	{
		/* the same two workers, merged as the combine function does: one run, same answer */
		int32_t		w1[] = {1, 2, 3, 4, 9, 10, 11, 12};
		int32_t		w2[] = {5, 6, 7, 8};
		int64_t		c1[] = {100, 200, 300, 400, 900, 1000, 1100, 1200};
		int64_t		c2[] = {500, 600, 700, 800};
		ClSeg		a[8];
		ClSeg		b[8];
		ClSeg		m[16];
		int			s1;
		int			s2;
		size_t		na = fold(w1, c1, 8, a, &s1);
		size_t		nb = fold(w2, c2, 4, b, &s2);
		size_t		k = cl_seg_merge(a, na, b, nb, m);

		ok(k == 1 && m[0].first == 1 && m[0].last == 12 && m[0].sum == 7800 && m[0].last_cents == 1200,
		   "merging runs of two workers joins them into one run");
		ok(cl_adb_compute(m, k, 1, 0, 0, 1, 12, &adb, &dup) == CL_ADB_OK && adb == 650, "merged runs give the same average");
	}
	{
		/* merging with an overlap keeps both runs; the duplicate is reported */
		ClSeg		a[] = {{1, 5, 5, 1}};
		ClSeg		b[] = {{3, 3, 1, 1}};
		ClSeg		m[2];
		size_t		k = cl_seg_merge(a, 1, b, 1, m);

		ok(k == 2 && cl_adb_compute(m, k, 1, 0, 0, 1, 10, &adb, &dup) == CL_ADB_DUPLICATE && dup == 3,
		   "an overlap survives the merge and is reported");
	}
	{
		/* sparse runs interleave in order */
		ClSeg		a[] = {{1, 1, 10, 10}, {7, 7, 70, 70}};
		ClSeg		b[] = {{4, 4, 40, 40}};
		ClSeg		m[3];

		ok(cl_seg_merge(a, 2, b, 1, m) == 3 && m[0].first == 1 && m[1].first == 4 && m[2].first == 7,
		   "sparse runs merge in day order");
	}
	{
		/* pack / unpack round trip, and malformed input */
		ClSeg		a[] = {{1, 1, 10, 10}, {3, 9, 700, 100}, {-5, -5, -1, -1}};
		ClSeg		b[3];
		unsigned char buf[3 * sizeof(ClSeg)];
		size_t		len = cl_seg_pack(a, 3, buf);

		ok(len == 16 + 24 + 16, "one-day runs pack into 16 bytes, longer ones into 24");
		ok(cl_seg_unpack(buf, len, b, 3) && memcmp(a, b, sizeof(a)) == 0, "pack / unpack round trip");
		ok(!cl_seg_unpack(buf, len - 1, b, 3), "truncated bytes are rejected");
		ok(!cl_seg_unpack(buf, len, b, 2), "trailing bytes are rejected");
	}
	{
		/* daily snapshots of INT64_MAX/2 for 1000 days: runs split instead of overflowing */
		int32_t    *d = malloc(1000 * sizeof(int32_t));
		int64_t    *c = malloc(1000 * sizeof(int64_t));
		ClSeg	   *segs = malloc(1000 * sizeof(ClSeg));
		int			sorted;
		int			i;
		size_t		k;

		for (i = 0; i < 1000; i++)
		{
			d[i] = i;
			c[i] = INT64_MAX / 2;
		}
		k = fold(d, c, 1000, segs, &sorted);
		ok(k == 500 && sorted && cl_adb_compute(segs, k, sorted, 0, 0, 0, 999, &adb, &dup) == CL_ADB_OK &&
		   adb == INT64_MAX / 2, "huge balances: runs split, the 128-bit sum does not overflow");
		free(d);
		free(c);
		free(segs);
	}
	{
		int32_t		d[] = {7};
		int64_t		c[] = {999};

		ok(adb_of(d, c, 1, 1, 1, 7, 7, &adb, &dup) == CL_ADB_OK && adb == 999, "one-day window");
	}
}

static void
test_concentration(void)
{
	double		g = -1;

	{
		double		x[] = {1, 0, 0, 0};

		ok(cl_gini(x, 4, &g) == CL_CONC_OK, "gini ok");
		near(g, 0.75, 1e-15, "one holder of four: (n-1)/n");
	}
	{
		double		x[] = {3, 3, 3};

		cl_gini(x, 3, &g);
		near(g, 0.0, 1e-15, "equal values: 0");
	}
	{
		double		x[] = {1, 2, 3, 4, 5};

		/* sum (2i-6) x_i = -4-4+0+8+20 = 20 ; / (5*15) */
		cl_gini(x, 5, &g);
		near(g, 20.0 / 75.0, 1e-15, "1..5 by the formula");
	}
	{
		double		x[] = {0, 0};

		ok(cl_gini(x, 2, &g) == CL_CONC_OK && g == 0, "all zeros: 0");
	}
	{
		double		x[] = {-5, 2};

		ok(cl_gini(x, 2, &g) == CL_CONC_NONPOSITIVE_TOTAL, "negative total is undefined");
	}
	{
		double		x[] = {-1, 3};

		/* (-1)(-1) + (1)(3) = 4 ; / (2 * 2) = 1 */
		cl_gini(x, 2, &g);
		near(g, 1.0, 1e-15, "negative value used as is");
	}
	ok(cl_gini(NULL, 0, &g) == CL_CONC_EMPTY, "empty input");
	{
		double		x[] = {10, 20, 30, 40};

		cl_top_share(x, 4, 0.25, &g);
		near(g, 0.4, 1e-15, "top quarter of 10..40 holds 40%");
		cl_top_share(x, 4, 0.5, &g);
		near(g, 0.7, 1e-15, "top half holds 70%");
		cl_top_share(x, 4, 0.375, &g);
		near(g, 0.55, 1e-15, "interpolates: 40 + 0.5*30 of 100");
		cl_top_share(x, 4, 0, &g);
		near(g, 0, 1e-15, "fraction 0 holds 0");
		cl_top_share(x, 4, 1, &g);
		near(g, 1, 1e-15, "fraction 1 holds all");
	}
	{
		double		x[] = {0, 0, 0};

		cl_top_share(x, 3, 0.2, &g);
		near(g, 0.2, 1e-15, "all zeros: the diagonal");
	}
	{
		/* 80/20: 20 customers of 100 hold 80 */
		double		x[100];
		int			i;

		for (i = 0; i < 100; i++)
			x[i] = i < 20 ? 4.0 : 0.25;
		cl_top_share(x, 100, 0.2, &g);
		near(g, 0.8, 1e-12, "a Pareto 80/20 population");
	}
}


/* deterministic pseudo-random numbers */
static uint64_t rng_state = 88172645463325252ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* the state types' core: insertion, binary forms, counts */
static void
test_states(void)
{
	{
		/* 366 daily snapshots in a scrambled order end as one run; the average is exact */
		ClSeg		runs[400];
		size_t		n = 0,
					i,
					maxn = 0;
		int			okall = 1;
		int64_t		total = 0,
					adb;
		int32_t		dup;

		for (i = 0; i < 366; i++)
		{
			int32_t		d = (int32_t) ((i * 149) % 366);	/* 149 is prime to 366 */

			okall &= cl_seg_insert(runs, &n, 400, 1000 + d, 100 + d) == CL_SEG_OK;
			okall &= cl_seg_overlap(runs, n) == 0;
			total += 100 + d;
			if (n > maxn)
				maxn = n;
		}
		ok(okall && n == 1 && runs[0].first == 1000 && runs[0].last == 1365 && runs[0].sum == total &&
		   runs[0].last_cents == 100 + 365, "daily snapshots in any order insert into one run (at most %zu runs on the way)", maxn);
		ok(cl_adb_compute(runs, n, 1, 0, 0, 1000, 1365, &adb, &dup) == CL_ADB_OK && adb == (total * 2 + 366) / 732,
		   "the average of the inserted run");
		ok(cl_seg_insert(runs, &n, 400, 1200, 5) == CL_SEG_DUPLICATE, "a second snapshot of a day is a duplicate");
	}
	{
		/* random sparse days: insertion agrees with sort + merge */
		ClSeg		a[300],
					b[300],
					m[600];
		size_t		na = 0,
					k,
					i;
		int			same = 1,
					trial;
		int64_t		ra,
					rb;
		int32_t		dup;

		for (trial = 0; trial < 50; trial++)
		{
			int			seen[200] = {0};

			na = 0;
			k = 0;
			for (i = 0; i < 150; i++)
			{
				int32_t		d = (int32_t) (rng() % 200);
				int64_t		c = (int64_t) (rng() % 100000) - 50000;

				if (seen[d])
					continue;
				seen[d] = 1;
				same &= cl_seg_insert(a, &na, 300, d, c) == CL_SEG_OK;
				b[k++] = cl_seg_one(d, c);
			}
			cl_seg_sort(b, k);
			k = cl_seg_merge(b, k, NULL, 0, m);
			same &= k == na && memcmp(a, m, k * sizeof(ClSeg)) == 0;
			same &= cl_adb_compute(a, na, 1, 1, 7, 0, 199, &ra, &dup) == CL_ADB_OK &&
				cl_adb_compute(m, k, 1, 1, 7, 0, 199, &rb, &dup) == CL_ADB_OK && ra == rb;
		}
		ok(same, "random insertion gives the runs of sort + merge, and the same average (50 trials)");
	}
	{
		/* overflow: runs that meet stay apart when the sum would overflow */
		ClSeg		r[4];
		size_t		n = 0;

		cl_seg_insert(r, &n, 4, 10, INT64_MAX - 5);
		cl_seg_insert(r, &n, 4, 12, 100);
		cl_seg_insert(r, &n, 4, 11, 10);
		ok(n == 2 && r[0].last == 10 && r[1].first == 11 && r[1].sum == 110,
		   "a day that cannot join the run before it joins the one after it");
	}
	{
		/* adb_state binary form: encode / decode round trip; a change is refused */
		ClSeg		runs[3] = {{100, 101, 300, 200}, {105, 105, -7, -7}, {107, 110, 40, 10}},
					back[3];
		ClAdbHeader h = {90, 120, 1, 80, 555, 3},
					h2;
		unsigned char w[CL_ADB_HDR + 3 * CL_ADB_RUN];

		cl_adb_state_encode(&h, runs, w);
		ok(cl_adb_state_decode(w, CL_ADB_WIRE_SIZE(3), &h2, back) == NULL &&
		   h2.from == 90 && h2.to == 120 && h2.has_carry && h2.carry_day == 80 && h2.carry_cents == 555 &&
		   h2.n == 3 && memcmp(back, runs, sizeof(runs)) == 0, "adb_state: decode(encode(s)) == s");
		ok(cl_adb_state_decode(w, CL_ADB_WIRE_SIZE(3) - 1, &h2, NULL) != NULL, "adb_state: truncated is refused");
		w[0] = 2;
		ok(cl_adb_state_decode(w, CL_ADB_WIRE_SIZE(3), &h2, NULL) != NULL, "adb_state: version 2 is refused");
		w[0] = 1;
		runs[1].first = 102;
		runs[1].last = 102;
		runs[1].sum = runs[1].last_cents = 5;
		cl_adb_state_encode(&h, runs, w);
		ok(cl_adb_state_decode(w, CL_ADB_WIRE_SIZE(3), &h2, NULL) == NULL, "adb_state: runs that meet may stay apart");
		runs[1].first = 101;
		cl_adb_state_encode(&h, runs, w);
		ok(cl_adb_state_decode(w, CL_ADB_WIRE_SIZE(3), &h2, NULL) != NULL, "adb_state: runs that overlap are refused");
	}
	{
		/* gini_state / top_share_state: counts give bit-identical results */
		ClValCount	p[400],
					scratch[400];
		double		x[2000];
		size_t		n = 0,
					k = 0,
					i,
					sorted = 0;
		double		g1,
					g2,
					t1,
					t2;
		int64_t		rows = 0;
		ClConcHeader h = {1, 0.2, 0, 0},
					h2;
		unsigned char *w;

		for (i = 0; i < 2000; i++)
		{
			double		v = (double) (rng() % 300) / 7.0 - 3.0;

			x[k++] = v;
			p[n].v = v;
			p[n++].count = 1;
			rows++;
			if (n == 400)
			{
				n = cl_vc_compact(p, sorted, n, scratch);
				sorted = n;
			}
		}
		n = cl_vc_compact(p, sorted, n, scratch);
		ok(cl_gini_counts(p, n, rows, &g1) == CL_CONC_OK && cl_gini(x, k, &g2) == CL_CONC_OK &&
		   memcmp(&g1, &g2, sizeof(double)) == 0, "gini over counts is bit-identical to gini over the values");
		ok(cl_top_share_counts(p, n, rows, 0.2, &t1) == CL_CONC_OK && cl_top_share(x, k, 0.2, &t2) == CL_CONC_OK &&
		   memcmp(&t1, &t2, sizeof(double)) == 0, "top_share over counts is bit-identical to top_share over the values");
		h.n = (int64_t) n;
		h.rows = rows;
		w = malloc(CL_CONC_WIRE_SIZE(n));
		cl_conc_state_encode(&h, p, w);
		ok(cl_conc_state_decode(w, CL_CONC_WIRE_SIZE(n), 1, &h2, scratch) == NULL && h2.n == h.n &&
		   h2.rows == rows && memcmp(scratch, p, n * sizeof(ClValCount)) == 0, "top_share_state: decode(encode(s)) == s");
		ok(cl_conc_state_decode(w, CL_CONC_WIRE_SIZE(n), 0, &h2, NULL) != NULL, "a top_share_state is not a gini_state");
		free(w);
	}
}

/*
 * adb_split_state: the split computation equals three cl_adb_compute over
 * the same snapshots; the binary form round-trips; a split state's extra
 * invariants are checked.
 */
static void
test_split(void)
{
	{
		int			trial,
					same = 1;

		for (trial = 0; trial < 200; trial++)
		{
			/* snapshots on random days of [0, 120), some runs of consecutive days */
			int32_t		from = 20 + (int32_t) (rng() % 10),
						split = from + (int32_t) (rng() % 40),
						to = split + 1 + (int32_t) (rng() % 50);
			ClSeg		runs[200],
						b[200],
						a[200],
						o[200];
			size_t		n = 0,
						nb = 0,
						na = 0,
						no = 0,
						i;
			int			has_carry = 0,
						has_c2 = 0,
						has_c3 = 0;
			int64_t		carry = 0,
						c2 = 0,
						c3 = 0,
						before,
						after,
						on_split,
						rb,
						ra,
						ro;
			int32_t		carry_day = -1,
						d2 = -1,
						d3 = -1,
						dup;
			int			day;

			for (day = 0; day < 120; day++)
			{
				int64_t		cents;

				if (rng() % 3 != 0)
					continue;
				cents = (int64_t) (rng() % 200001) - 100000;
				/* the split state: before from = carry, after split one day later */
				if (day < from)
				{
					if (day > carry_day)
					{
						carry_day = day;
						carry = cents;
						has_carry = 1;
					}
				}
				else if (day <= to)
					(void) cl_seg_insert(runs, &n, 200, day > split ? day + 1 : day, cents);
				/* three independent windows: [from, split], [split + 1, to], [split, split] */
				if (day >= from && day <= split)
					(void) cl_seg_insert(b, &nb, 200, day, cents);
				if (day > split && day <= to)
					(void) cl_seg_insert(a, &na, 200, day, cents);
				if (day == split)
					(void) cl_seg_insert(o, &no, 200, day, cents);
				if (day <= split && day > d2)
				{
					d2 = day;
					c2 = cents;
					has_c2 = 1;
				}
				if (day < split && day > d3)
				{
					d3 = day;
					c3 = cents;
					has_c3 = 1;
				}
			}
			for (i = 0; i < n; i++)
				if (runs[i].last >= split + 1 && runs[i].first <= split + 1)
					same = 0;
			same &= cl_adbs_compute(runs, n, has_carry, carry, from, split, to,
									&before, &after, &on_split, &dup) == CL_ADB_OK;
			same &= cl_adb_compute(b, nb, 1, has_carry, carry, from, split, &rb, &dup) == CL_ADB_OK && rb == before;
			/* the carry into [split + 1, to] is the latest snapshot on or before split */
			same &= cl_adb_compute(a, na, 1, has_c2, c2, split + 1, to, &ra, &dup) == CL_ADB_OK && ra == after;
			same &= cl_adb_compute(o, no, 1, has_c3, c3, split, split, &ro, &dup) == CL_ADB_OK && ro == on_split;
		}
		ok(same, "split state: before / after / on split equal three cl_adb_compute (200 random trials)");
	}
	{
		/* binary form */
		ClSeg		runs[2] = {{100, 101, 300, 200}, {103, 110, 40, 10}},
					back[2];
		ClAdbHeader h = {90, 120, 1, 80, 555, 2},
					h2;
		int32_t		split = 0;
		unsigned char w[CL_ADB_HDR + 2 * CL_ADB_RUN];

		cl_adbs_state_encode(&h, 101, runs, w);
		ok(cl_adbs_state_decode(w, CL_ADB_WIRE_SIZE(2), &h2, &split, back) == NULL && split == 101 &&
		   h2.from == 90 && h2.to == 120 && h2.carry_cents == 555 && h2.n == 2 &&
		   memcmp(back, runs, sizeof(runs)) == 0, "adb_split_state: decode(encode(s)) == s");
		ok(cl_adb_state_decode(w, CL_ADB_WIRE_SIZE(2), &h2, NULL) != NULL,
		   "an adb_split_state is not an adb_state (its split field is not zero)");
		ok(cl_adbs_state_decode(w, CL_ADB_WIRE_SIZE(2) - 1, &h2, &split, NULL) != NULL, "adb_split_state: truncated is refused");
		cl_adbs_state_encode(&h, 102, runs, w);
		ok(cl_adbs_state_decode(w, CL_ADB_WIRE_SIZE(2), &h2, &split, NULL) != NULL,
		   "adb_split_state: a run over the day after the split is refused");
		cl_adbs_state_encode(&h, 89, runs, w);
		ok(cl_adbs_state_decode(w, CL_ADB_WIRE_SIZE(2), &h2, &split, NULL) != NULL,
		   "adb_split_state: a split before the window is refused");
		cl_adbs_state_encode(&h, 119, runs, w);
		ok(cl_adbs_state_decode(w, CL_ADB_WIRE_SIZE(2), &h2, &split, NULL) != NULL,
		   "adb_split_state: a split without a day after it is refused");
		cl_adbs_state_encode(&h, 118, runs, w);
		ok(cl_adbs_state_decode(w, CL_ADB_WIRE_SIZE(2), &h2, &split, NULL) == NULL,
		   "adb_split_state: the last split that leaves a day after it is accepted");
		w[0] = 2;
		ok(cl_adbs_state_decode(w, CL_ADB_WIRE_SIZE(2), &h2, &split, NULL) != NULL, "adb_split_state: version 2 is refused");
	}
}

/* the compact dense form: runs in, the same runs out; slots that do not fit */
static void
test_dense32(void)
{
	int32_t		val[64];
	ClSeg		out[64];
	size_t		n;
	int			k;

	for (k = 0; k < 64; k++)
		val[k] = CL_ADB_ABSENT32;
	{
		/* a 5-day run whose sum does not split evenly, a one-day run, a negative run */
		ClSeg		r1 = {102, 106, 1003, 200},
					r2 = {110, 110, -7, -7},
					r3 = {111, 113, -2147483647LL * 2 - 5, -5};

		ok(cl_adb_dense32_put_run(val, 100, &r1) == 0 && cl_adb_dense32_put_run(val, 100, &r2) == 0 &&
		   cl_adb_dense32_put_run(val, 100, &r3) == 0, "compact dense form: three runs put");
		ok(val[2] + val[3] + val[4] + val[5] == 803 && val[6] == 200 && val[0] == CL_ADB_ABSENT32 &&
		   val[2] - val[5] <= 1 && val[2] >= val[5], "compact dense form: a run's rest shared evenly, its last balance last");
		n = cl_adb_dense32_runs(val, 100, 64, out);
		/* 110 and 111..113 meet: one run, the exact sum */
		ok(n == 2 && out[0].first == 102 && out[0].last == 106 && out[0].sum == 1003 && out[0].last_cents == 200 &&
		   out[1].first == 110 && out[1].last == 113 && out[1].sum == -7 - 2147483647LL * 2 - 5 &&
		   out[1].last_cents == -5, "compact dense form: the runs read back, joined where they meet, exact sums");
		ok(cl_adb_dense32_put_run(val, 100, &r2) == 1, "compact dense form: a day already present is a duplicate");
	}
	{
		ClSeg		big = {120, 120, 2147483648LL, 2147483648LL},
					min = {121, 121, INT32_MIN, INT32_MIN},
					edge = {122, 122, INT32_MAX, INT32_MAX},
					rest = {123, 125, 3LL * INT32_MAX + 1, INT32_MAX};

		ok(cl_adb_dense32_put_run(val, 100, &big) == 2 && val[20] == CL_ADB_ABSENT32,
		   "compact dense form: a balance over 2^31 - 1 cents does not fit (nothing written)");
		ok(cl_adb_dense32_put_run(val, 100, &min) == 2, "compact dense form: -2^31 cents (the absent mark) does not fit");
		ok(cl_adb_dense32_put_run(val, 100, &edge) == 0 && val[22] == INT32_MAX, "compact dense form: 2^31 - 1 cents fits");
		ok(cl_adb_dense32_put_run(val, 100, &rest) == 2 && val[23] == CL_ADB_ABSENT32,
		   "compact dense form: a run whose other days cannot share its rest within int32 does not fit");
		ok(cl_adb_fits32(-2147483647LL) && !cl_adb_fits32(INT32_MIN) && !cl_adb_fits32(2147483648LL),
		   "cl_adb_fits32 bounds");
	}
	{
		/* random sparse runs through the compact form = the runs of the dense form */
		unsigned char bm[CL_ADB_DENSE_BITMAP(64)];
		int64_t		v64[64];
		ClSeg		o64[64];
		int			same = 1;

		for (int t = 0; t < 100; t++)
		{
			ClSeg		runs[64];
			size_t		nr = 0,
						n64;

			memset(bm, 0, sizeof(bm));
			for (k = 0; k < 64; k++)
				val[k] = CL_ADB_ABSENT32;
			for (k = 0; k < 64; k++)
				if (rng() % 4 != 0)
					(void) cl_seg_insert(runs, &nr, 64, 1000 + k, (int64_t) (rng() % 2000001) - 1000000);
			for (size_t i = 0; i < nr; i++)
			{
				same &= cl_adb_dense32_put_run(val, 1000, &runs[i]) == 0;
				same &= cl_adb_dense_put_run(bm, v64, 1000, &runs[i]) == 0;
			}
			n = cl_adb_dense32_runs(val, 1000, 64, out);
			n64 = cl_adb_dense_runs(bm, v64, 1000, 64, o64);
			same &= n == nr && n64 == nr && memcmp(out, runs, nr * sizeof(ClSeg)) == 0 &&
				memcmp(o64, runs, nr * sizeof(ClSeg)) == 0;
		}
		ok(same, "compact dense form = dense form = the runs (100 random trials)");
	}
}

int
main(void)
{
	test_numeric();
	test_adb();
	test_concentration();
	test_states();
	test_split();
	test_dense32();
	return tap_done();
}
