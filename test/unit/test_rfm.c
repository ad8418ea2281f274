/*
 * test_rfm.c - unit tests of src/core/rfm_core.c (exact sums, day sets, n-tiles).
 */
#include <stdlib.h>
#include <string.h>

#include "rfm_core.h"
#include "tap.h"

static uint64_t rng = 88172645463325252ULL;

static uint64_t
xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

int
main(void)
{
	RfmFixed	v,
				acc;
	RfmDayKey	days[16];
	RfmDayKey	a[] = {1, 3, 5, 9};
	RfmDayKey	b[] = {2, 3, 9, 10};
	RfmDayKey	out[8];
	RfmDayKey	big[] = {65535, 0, 65535, 40000, 0};
	int			n,
				i;
	double		amounts[1000];
	RfmFixed	s1 = 0,
				s2 = 0;
	uint64_t	lo;
	int64_t		hi;

	/* fixed point */
	ok(rfm_fixed_from_double(12.34, &v) && rfm_fixed_to_double(v) == 12.34, "12.34 round-trips exactly");
	ok(rfm_fixed_from_double(-0.01, &v) && rfm_fixed_to_double(v) == -0.01, "-0.01 round-trips exactly");
	ok(rfm_fixed_from_double(0.0, &v) && v == 0, "zero is zero");
	ok(!rfm_fixed_from_double(NAN, &v), "NaN is rejected");
	ok(!rfm_fixed_from_double(INFINITY, &v), "Infinity is rejected");
	ok(!rfm_fixed_from_double(-INFINITY, &v), "-Infinity is rejected");
	ok(!rfm_fixed_from_double(1e30, &v), "1e30 is out of range");
	ok(rfm_fixed_from_double(1e18, &v) && rfm_fixed_to_double(v) == 1e18, "1e18 is in range and exact");
	near(rfm_fixed_to_double(rfm_fixed_from_double(1e-30, &v) ? v : 1), 0.0, 1e-18,
		 "tiny amounts round to the 2^-60 grid");

	/* bit-level conversion equals scaling and rounding with libm */
	n = 0;
	for (i = 0; i < 100000; i++)
	{
		uint64_t	r = xorshift();
		double		x = (double) (int64_t) (r >> 11) * ldexp(1.0, (int) (xorshift() % 140) - 120);
		RfmFixed	want;

		if (!rfm_fixed_from_double(x, &v))
			continue;
		want = (RfmFixed) nearbyint(ldexp(x, RFM_FIXED_SHIFT));
		n += (v != want);
	}
	ok(n == 0, "bit-level conversion agrees with nearbyint(ldexp(x, 60)) on 100000 values (%d differ)", n);
	ok(rfm_fixed_from_double(ldexp(3.0, -62), &v) && v == 1, "3 * 2^-62 rounds half to even: 0.75 -> 1");
	ok(rfm_fixed_from_double(ldexp(1.0, -61), &v) && v == 0, "2^-61 rounds half to even: 0.5 -> 0");
	ok(rfm_fixed_from_double(ldexp(3.0, -61), &v) && v == 2, "3 * 2^-61 rounds half to even: 1.5 -> 2");
	ok(rfm_fixed_from_double(-ldexp(3.0, -61), &v) && v == -2, "negative values round symmetrically");
	ok(rfm_fixed_from_double(5e-324, &v) && v == 0, "subnormals round to zero");

	/* the inline fixed -> double (a multiplication) is ldexp's result, bit for bit */
	n = 0;
	for (i = 0; i < 100000; i++)
	{
		int			bits = (int) (xorshift() % 127);
		RfmFixed	f = (RfmFixed) (((unsigned __int128) xorshift() << 64) | xorshift());
		double		got,
					want;

		f = bits == 0 ? 0 : (f >> (127 - bits));	/* magnitudes of every width */
		if (xorshift() & 1)
			f = -f;
		got = rfm_fixed_to_double(f);
		want = ldexp((double) f, -RFM_FIXED_SHIFT);
		n += memcmp(&got, &want, sizeof(got)) != 0;
	}
	ok(n == 0, "rfm_fixed_to_double equals ldexp((double) v, -60) on 100000 values (%d differ)", n);

	/* order independence of sums: forward and backward give identical bits */
	for (i = 0; i < 1000; i++)
		amounts[i] = (double) (xorshift() % 1000000) / 100.0 * ((i % 7 == 0) ? -1 : 1) * (1 + (double) (i % 13) * 1e6);
	n = 0;
	for (i = 0; i < 1000; i++)
	{
		rfm_fixed_from_double(amounts[i], &v);
		n += rfm_fixed_add(&s1, v);
	}
	ok(n == 1000, "1000 amounts add without overflow");
	for (i = 999; i >= 0; i--)
	{
		rfm_fixed_from_double(amounts[i], &v);
		rfm_fixed_add(&s2, v);
	}
	ok(s1 == s2, "sum is independent of the order of the amounts");
	{
		double		f = 0;

		for (i = 0; i < 1000; i++)
			f += amounts[i];
		ok(fabs(rfm_fixed_to_double(s1) - f) <= 1e-12 * fabs(f) + 1e-6, "exact sum agrees with the double sum");
	}
	acc = 0;
	rfm_fixed_from_double(3e19, &v);
	ok(rfm_fixed_add(&acc, v) && rfm_fixed_add(&acc, v) && !rfm_fixed_add(&acc, v) && !rfm_fixed_add(&acc, v),
	   "overflow beyond 2^66 is detected and leaves the sum unchanged");
	ok(rfm_fixed_to_double(acc) == 6e19, "sum before overflow is kept");
	rfm_fixed_from_double(-123.5, &v);
	rfm_fixed_split(v, &lo, &hi);
	ok(rfm_fixed_join(lo, hi) == v, "split/join round-trips a negative value");

	/* days */
	memcpy(days, (RfmDayKey[]) {5, 3, 5, 1, 3, 9, 1, 2}, 8 * sizeof(RfmDayKey));
	n = rfm_days_sort_unique(days, 8);
	ok(n == 5 && days[0] == 1 && days[1] == 2 && days[2] == 3 && days[3] == 5 && days[4] == 9,
	   "sort_unique sorts and drops duplicates");
	ok(rfm_days_sort_unique(days, 0) == 0, "sort_unique of nothing");
	ok(rfm_days_strictly_increasing(days, 5), "result is strictly increasing");
	ok(!rfm_days_strictly_increasing((RfmDayKey[]) {1, 1}, 2), "equal neighbours are not strictly increasing");
	n = rfm_days_sort_unique(big, 5);
	ok(n == 3 && big[0] == 0 && big[1] == 40000 && big[2] == 65535, "keys sort as unsigned over the whole 16-bit range");
	n = rfm_days_merge(a, 4, b, 4, out);
	ok(n == 6 && out[0] == 1 && out[1] == 2 && out[2] == 3 && out[3] == 5 && out[4] == 9 && out[5] == 10,
	   "merge is the set union");
	ok(rfm_days_merge(a, 4, b, 0, out) == 4 && out[3] == 9, "merge with an empty set");

	/* n-tiles */
	ok(rfm_ntile_score(0, 10, 5) == 1, "lowest value scores 1");
	ok(rfm_ntile_score(9, 10, 5) == 5, "highest value scores 5");
	ok(rfm_ntile_score(2, 10, 5) == 2 && rfm_ntile_score(1, 10, 5) == 1, "two per score with 10 values");
	ok(rfm_ntile_score(0, 1, 5) == 1, "a population of one scores 1");
	ok(rfm_ntile_score(3, 4, 5) == 4, "four values use scores 1, 2, 3, 4");
	ok(rfm_ntile_score(5, 5, 5) == 0 && rfm_ntile_score(-1, 5, 5) == 0 && rfm_ntile_score(0, 0, 5) == 0 &&
	   rfm_ntile_score(0, 5, 0) == 0, "bad arguments give 0");

	/* the segment rule compiler: first match wins, out-of-range refused */
	{
		int16_t		cells[5 * 5 * 5];
		RfmRuleBounds all = {1, 5, 1, 5, 1, 5},
					top = {5, 5, 4, 5, 1, 5},
					bad = {0, 5, 1, 5, 1, 5},
					empty = {3, 2, 1, 5, 1, 5};
		int			i,
					unset = 0;

		for (i = 0; i < 125; i++)
			cells[i] = -1;
		ok(rfm_cube_fill(cells, 5, &top, 0) && rfm_cube_fill(cells, 5, &all, 1),
		   "rules within 1..ntiles are accepted");
		ok(cells[rfm_cube_index(5, 5, 5, 1)] == 0 && cells[rfm_cube_index(5, 5, 3, 1)] == 1 &&
		   cells[rfm_cube_index(5, 1, 1, 1)] == 1, "the first matching rule gives the segment");
		ok(!rfm_cube_fill(cells, 5, &bad, 2) && !rfm_cube_fill(cells, 11 * 11, &all, 2),
		   "a bound or ntiles out of range is refused");
		ok(rfm_cube_fill(cells, 5, &empty, 2), "an empty range is accepted and matches nothing");
		for (i = 0; i < 125; i++)
			unset += cells[i] == 2;
		ok(unset == 0, "refused and empty rules wrote nothing");
	}
	/* the binary form of rfm_state: encode, decode, every invariant */
	{
		RfmStateFields f,
					g;
		RfmDayKey	k[3] = {65535 - 40, 65535 - 7, 65535},
					back[3];
		unsigned char buf[RFM_WIRE_HEADER + 3 * 4],
					bad[RFM_WIRE_HEADER + 3 * 4];
		RfmFixed	a1,
					a2;
		int32_t		nd = -1;

		memset(&f, 0, sizeof(f));
		f.kind = RFM_KIND_DATE;
		f.as_of_day = 5516;		/* 2015-02-07 */
		f.as_of_raw = 5516;
		f.unit_days = 7.0;
		f.ndays = 3;
		f.nrows = 4;
		rfm_fixed_from_double(10.25, &a1);
		rfm_fixed_from_double(-3.5, &a2);
		f.first = a1;
		f.total = a1 + a2 + a2 + a1;
		f.first_day = rfm_key_day(f.as_of_day, k[0]);
		f.last_day = f.as_of_day;
		ok(rfm_wire_size(3) == sizeof(buf), "the binary form of 3 days has %d bytes", (int) sizeof(buf));
		rfm_wire_encode(&f, k, buf);
		ok(buf[0] == RFM_WIRE_VERSION && buf[1] == RFM_KIND_DATE && buf[RFM_WIRE_HEADER + 11] == 0x8c,
		   "version, kind, then big-endian days (the last is 5516 = 0x158c)");
		ok(rfm_wire_ndays(buf, sizeof(buf), &nd) == NULL && nd == 3, "the day count is read and checked against the length");
		ok(rfm_wire_decode(buf, sizeof(buf), &g, back) == NULL, "a state the aggregate builds is accepted");
		ok(g.kind == f.kind && g.as_of_raw == f.as_of_raw && g.unit_days == f.unit_days && g.nrows == f.nrows &&
		   g.total == f.total && g.first == f.first && g.first_day == f.first_day && g.last_day == f.last_day &&
		   g.ndays == 3 && memcmp(back, k, sizeof(k)) == 0, "decode(encode(s)) == s");
		ok(rfm_wire_ndays(buf, sizeof(buf) - 1, &nd) != NULL && rfm_wire_decode(buf, 10, &g, back) != NULL,
		   "a truncated value is refused");
#define BAD(off, val, what) \
		do { \
			memcpy(bad, buf, sizeof(buf)); \
			bad[off] = (unsigned char) (val); \
			ok(rfm_wire_decode(bad, sizeof(bad), &g, back) != NULL, "refused: %s", what); \
		} while (0)
		BAD(0, 2, "an unknown version");
		BAD(1, 3, "an unknown kind");
		BAD(10, 0, "a zero unit");
		BAD(25, 2, "fewer rows than days");
		BAD(61, 0x8d, "an as_of day that is not the as_of date");
		BAD(65, 0x8b, "a first day that is not the first key");
		BAD(RFM_WIRE_HEADER + 7, 0x64, "days not strictly increasing");
		BAD(RFM_WIRE_HEADER + 11, 0x8d, "a day after as_of");
		BAD(34, 0x7f, "a total out of the fixed-point range");
#undef BAD
		f.ndays = 1;
		f.total = a1;
		f.first = a1 + a1;
		f.first_day = f.last_day = f.as_of_day;
		f.nrows = 1;
		rfm_wire_encode(&f, k + 2, buf);
		ok(rfm_wire_decode(buf, rfm_wire_size(1), &g, back) != NULL,
		   "a single day whose first-day sum is not the total is refused");
		f.first = a1;
		rfm_wire_encode(&f, k + 2, buf);
		ok(rfm_wire_decode(buf, rfm_wire_size(1), &g, back) == NULL && g.ndays == 1, "a single-day state is accepted");
		memset(&f, 0, sizeof(f));
		f.kind = RFM_KIND_TIMESTAMPTZ;
		f.as_of_day = 5516;
		f.as_of_raw = (int64_t) 5517 * INT64_C(86400000000) + 1;
		f.unit_days = 1.0;
		rfm_wire_encode(&f, k, buf);
		ok(rfm_wire_decode(buf, rfm_wire_size(0), &g, back) == NULL && g.ndays == 0,
		   "an empty timestamptz state within a day of its UTC day is accepted");
		f.as_of_raw += INT64_C(86400000000);
		rfm_wire_encode(&f, k, buf);
		ok(rfm_wire_decode(buf, rfm_wire_size(0), &g, back) != NULL, "two days off its UTC day is refused");
	}
	return tap_done();
}
