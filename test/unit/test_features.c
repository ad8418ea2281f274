/*
 * test_features.c - unit tests of src/core/features_core.c: exact decimal
 * sums (scales, overflow, non-finite amounts, text form), the activity
 * state (merge in any order, invariants), the longest activity gap, the
 * calendar of the 12 months (against PostgreSQL's date arithmetic) and the
 * binary form of clientele.activity_state (round trip, every refusal).
 */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "features_core.h"
#include "hex.h"

static const char *
fmt(const ClDecSum *s)
{
	static char buf[64];

	cl_dec_format(s, buf);
	return buf;
}

static void
test_dec(void)
{
	ClDecSum	s,
				t;
	__int128	big;

	memset(&s, 0, sizeof(s));
	ok(cl_dec_add(&s, 5, 0) && strcmp(fmt(&s), "5") == 0, "integer amount keeps no decimals");
	ok(cl_dec_add(&s, 150, 2) && strcmp(fmt(&s), "6.50") == 0, "the sum takes the largest scale (5 + 1.50 = 6.50)");
	ok(cl_dec_add(&s, -12345, 3) && strcmp(fmt(&s), "-5.845") == 0, "negative amount, 3 decimals");
	ok(s.n == 3, "three amounts counted");
	memset(&t, 0, sizeof(t));
	ok(cl_dec_add(&t, 1, 18) && strcmp(fmt(&t), "0.000000000000000001") == 0, "18 decimals, leading zeros");
	ok(!cl_dec_add(&t, 1, 19), "19 decimals refused");
	ok(t.n == 1, "a refused amount is not counted");
	memset(&t, 0, sizeof(t));
	big = (__int128) 1 << 126;
	ok(cl_dec_add(&t, big, 0) && cl_dec_add(&t, big - 1, 0), "up to 2^127 - 1");
	ok(!cl_dec_add(&t, 1, 0), "overflow beyond 128 bits refused");
	memset(&t, 0, sizeof(t));
	ok(cl_dec_add(&t, (__int128) 1 << 120, 0) && !cl_dec_add(&t, 1, 18), "rescaling that would overflow refused");
	memset(&t, 0, sizeof(t));
	cl_dec_add_special(&t, CL_DEC_PINF);
	cl_dec_add(&t, 5, 0);
	ok(strcmp(fmt(&t), "Infinity") == 0, "Infinity + 5 = Infinity");
	cl_dec_add_special(&t, CL_DEC_NINF);
	ok(strcmp(fmt(&t), "NaN") == 0, "Infinity + -Infinity = NaN");
	memset(&t, 0, sizeof(t));
	cl_dec_add_special(&t, CL_DEC_NINF);
	ok(strcmp(fmt(&t), "-Infinity") == 0, "-Infinity");
	ok(cl_dec_check(&t) == NULL, "a sum of a non-finite amount is consistent");
	memset(&t, 0, sizeof(t));
	cl_dec_set_value(&t, 3);
	ok(cl_dec_check(&t) != NULL, "an empty sum with a value is inconsistent");
	memset(&t, 0, sizeof(t));
	t.n = 1;
	t.scale = 19;
	ok(cl_dec_check(&t) != NULL, "19 decimals are inconsistent");
	memset(&t, 0, sizeof(t));
	cl_dec_add(&t, 250, 2);
	ok(cl_dec_merge(&t, &s) && strcmp(fmt(&t), "-3.345") == 0 && t.n == 4, "merge: 2.50 + -5.845 = -3.345");
	memset(&t, 0, sizeof(t));
	cl_dec_set_value(&t, -1);
	ok(cl_dec_value(&t) == -1, "128-bit value kept in two 64-bit halves");
}

/* a state with the given activity: k transactions on days d[0..k-1] */
static void
state(ClActivity *a, const int *d, int k, int64_t ts0)
{
	int			i;

	cl_act_init(a, 9000);
	for (i = 0; i < k; i++)
	{
		cl_act_set_day(a, d[i]);
		a->n[d[i] < 182 ? CL_ACT_PREV_6M : d[i] < 273 ? CL_ACT_PREV_3M : CL_ACT_LAST_3M]++;
		cl_act_note_ts(a, ts0 + d[i], 0);
	}
}

static void
test_activity(void)
{
	ClActivity	a,
				b,
				c,
				x,
				y;
	const int	da[] = {3, 200, 300};
	const int	db[] = {5, 364};
	const int	dc[] = {100};
	int32_t		gap = 0,
				from = 0,
				to = 0;

	state(&a, da, 3, 1000);
	state(&b, db, 2, 1000);
	state(&c, dc, 1, 1000);
	cl_act_note_ts(&c, 10, 1);
	ok(cl_act_check(&a, 365) == NULL && cl_act_check(&c, 365) == NULL, "built states are consistent");
	x = a;
	ok(cl_act_merge(&x, &b) && cl_act_merge(&x, &c), "(a + b) + c");
	y = c;
	ok(cl_act_merge(&y, &b) && cl_act_merge(&y, &a), "(c + b) + a");
	ok(memcmp(&x, &y, sizeof(x)) == 0, "merge order does not matter");
	ok(x.n[CL_ACT_PREV_6M] == 3 && x.n[CL_ACT_PREV_3M] == 1 && x.n[CL_ACT_LAST_3M] == 2, "counts add");
	ok(x.last_ts == 1364 && x.before_ts == 10 && (x.flags & CL_ACT_HAS_BEFORE), "latest timestamps are maxima");
	ok(cl_act_check(&x, 365) == NULL, "the merged state is consistent");
	ok(cl_act_check(&x, 300) != NULL, "an activity day after as_of is inconsistent");
	y = x;
	y.n[0] = -1;
	ok(cl_act_check(&y, 365) != NULL, "a negative count is inconsistent");
	y = x;
	memset(y.n, 0, sizeof(y.n));
	ok(cl_act_check(&y, 365) != NULL, "activity days without transactions are inconsistent");
	y = x;
	y.flags = 0;
	ok(cl_act_check(&y, 365) != NULL, "transactions without a latest one are inconsistent");
	y = x;
	y.before_ts = y.last_ts + 1;
	ok(cl_act_check(&y, 365) != NULL, "a transaction before the window after the latest is inconsistent");
	y = x;
	y.sum[CL_ACT_TRANSFER_3M].n = 5;
	ok(cl_act_check(&y, 365) != NULL, "more transfers than transactions are inconsistent");
	y = x;
	y.n[CL_ACT_PREV_6M] = INT64_MAX;
	ok(!cl_act_merge(&y, &x) && y.n[CL_ACT_PREV_6M] == INT64_MAX, "a count overflow is refused, the state unchanged");
	y = x;
	y.n[CL_ACT_PREV_6M] = INT64_MAX / 4;
	y.n[CL_ACT_PREV_3M] = INT64_MAX / 4;
	b = y;
	ok(cl_act_check(&y, 365) == NULL && !cl_act_merge(&y, &b) && y.n[CL_ACT_PREV_6M] == INT64_MAX / 4,
	   "a merge whose counts fit but whose total overflows is refused, the state unchanged");
	y = x;
	y.n[CL_ACT_PREV_6M] = INT64_MAX - y.n[CL_ACT_PREV_3M] - y.n[CL_ACT_LAST_3M] - 1;
	ok(cl_act_count(&y, CL_ACT_LAST_3M) && cl_act_check(&y, 365) == NULL, "a transaction counted up to a total of 2^63 - 1");
	b = y;
	ok(!cl_act_count(&y, CL_ACT_PREV_3M) && memcmp(&y, &b, sizeof(y)) == 0,
	   "one more is refused (the total would overflow), the state unchanged");

	/* days 3, 5, 100, 200, 300, 364 of the window from day 1000; before: day 900 */
	ok(cl_act_longest_gap(x.bits, 365, 1000, 1, 900, &gap, &from, &to) && gap == 103 && from == 900 && to == 1003,
	   "the longest gap may start before the window");
	ok(cl_act_longest_gap(x.bits, 365, 1000, 0, 0, &gap, &from, &to) && gap == 100 && from == 1200 && to == 1300,
	   "the latest of equal gaps wins (100 days twice)");
	cl_act_init(&y, 9000);
	ok(!cl_act_longest_gap(y.bits, 365, 1000, 1, 900, &gap, &from, &to), "no activity day: no gap");
	cl_act_set_day(&y, 7);
	ok(!cl_act_longest_gap(y.bits, 365, 1000, 0, 0, &gap, &from, &to), "one activity day without a predecessor: no gap");

	/* every gap of 28 days or more: days 3, 5, 100, 200, 300, 364; before: day 900 */
	{
		int32_t		gs[CL_ACT_MAX_GAPS],
					ge[CL_ACT_MAX_GAPS];
		int			n;
		ClActivity	z;
		int			k;

		n = cl_act_gaps(x.bits, 365, 1000, 1, 900, gs, ge);
		ok(n == 5 && gs[0] == 900 && ge[0] == 1003 && gs[1] == 1005 && ge[1] == 1100 && gs[2] == 1100
		   && ge[2] == 1200 && gs[3] == 1200 && ge[3] == 1300 && gs[4] == 1300 && ge[4] == 1364,
		   "every gap of 28 days or more, oldest first, the first from before the window (%d)", n);
		n = cl_act_gaps(x.bits, 365, 1000, 0, 0, gs, ge);
		ok(n == 4 && gs[0] == 1005 && ge[0] == 1100, "without a day before the window: from the first activity day");
		cl_act_init(&z, 9000);
		cl_act_set_day(&z, 0);
		cl_act_set_day(&z, 27);
		cl_act_set_day(&z, 55);
		n = cl_act_gaps(z.bits, 365, 1000, 1, 972, gs, ge);
		ok(n == 2 && gs[0] == 972 && ge[0] == 1000 && gs[1] == 1027 && ge[1] == 1055,
		   "28 days is a gap, 27 days is not (%d)", n);
		cl_act_init(&z, 9000);
		for (k = 0; k < 366; k += 28)
			cl_act_set_day(&z, k);
		n = cl_act_gaps(z.bits, 366, 1000, 1, 1000 - 28, gs, ge);
		ok(n == CL_ACT_MAX_GAPS && ge[n - 1] == 1000 + 13 * 28,
		   "the most gaps a year can hold: every 28 days, %d of them", n);
		cl_act_init(&z, 9000);
		ok(cl_act_gaps(z.bits, 365, 1000, 1, 900, gs, ge) == 0, "no activity day: no gap");
	}
}

/* (d - interval 'k months')::date by counting days: an independent calendar */
static int
naive_leap(int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int
naive_dim(int y, int m)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && naive_leap(y) ? 29 : mdays[m - 1];
}

static int32_t
naive_day(int y, int m, int d)
{
	int32_t		n = 0;
	int			k;

	for (k = 2000; k < y; k++)
		n += naive_leap(k) ? 366 : 365;
	for (k = y; k < 2000; k++)
		n -= naive_leap(k) ? 366 : 365;
	for (k = 1; k < m; k++)
		n += naive_dim(y, k);
	return n + d - 1;
}

static void
test_calendar(void)
{
	/*
	 * as_of, then (as_of - interval '3 / 6 / 12 months')::date, as PostgreSQL
	 * 15 computes them (day numbers from 2000-01-01)
	 */
	static const int32_t pg[][4] = {
		{8825, 8733, 8641, 8459},	/* 2024-02-29 */
		{8826, 8735, 8644, 8460},	/* 2024-03-01 */
		{8856, 8765, 8673, 8490},	/* 2024-03-31 */
		{8917, 8825, 8734, 8551},	/* 2024-05-31 */
		{9007, 8915, 8825, 8641},	/* 2024-08-29 */
		{9009, 8917, 8825, 8643},	/* 2024-08-31 */
		{9131, 9039, 8947, 8765},	/* 2024-12-31 */
		{9190, 9098, 9006, 8824},	/* 2025-02-28 */
		{9221, 9131, 9039, 8856},	/* 2025-03-31 */
		{9496, 9404, 9312, 9131},	/* 2025-12-31 */
		{8459, 8367, 8275, 8094},	/* 2023-02-28 */
		{8643, 8551, 8459, 8278},	/* 2023-08-31 */
		{59, -33, -125, -307},	/* 2000-02-29 */
		{365, 273, 181, -1},	/* 2000-12-31 */
		{-36466, -36558, -36650, -36831},	/* 1900-02-28 */
		{-36465, -36555, -36646, -36830},	/* 1900-03-01 */
		{-36282, -36374, -36466, -36647},	/* 1900-08-31 */
		{36583, 36491, 36399, 36218},	/* 2100-02-28 */
		{36767, 36675, 36583, 36402},	/* 2100-08-31 */
		{-32, -124, -216, -397},	/* 1999-11-30 */
		{-10957, -11049, -11141, -11322},	/* 1970-01-01 */
		{-2451145, -2451236, -2451328, -2451511},	/* 4713-12-28 BC: the first as_of */
		{106751980, 106751889, 106751797, 106751614},	/* 294276-12-29: the last as_of */
	};
	static const int months[] = {1, 3, 6, 11, 12};
	int			i,
				k,
				bad = 0,
				bad_window = 0,
				y,
				m,
				d;
	int32_t		day,
				first_day;

	for (i = 0; i < (int) (sizeof(pg) / sizeof(pg[0])); i++)
		ok(cl_act_months_before(pg[i][0], 3) == pg[i][1] && cl_act_months_before(pg[i][0], 6) == pg[i][2] &&
		   cl_act_months_before(pg[i][0], 12) == pg[i][3] && cl_act_window(pg[i][0], &first_day) == pg[i][0] - pg[i][3] &&
		   first_day == pg[i][3] + 1,
		   "as_of %d - 3, 6, 12 months as PostgreSQL computes them", (int) pg[i][0]);
	ok(cl_act_window(8825, &first_day) == 366 && first_day == 8460, "2024-02-29: 12 months from 2023-03-01, 366 days");
	ok(cl_act_window(9190, &first_day) == 366 && first_day == 8825, "2025-02-28: 12 months from 2024-02-29, 366 days");
	ok(cl_act_window(9191, &first_day) == 365 && first_day == 8827, "2025-03-01: 12 months from 2024-03-02, 365 days");
	ok(cl_act_window(8824, &first_day) == 365 && first_day == 8460, "2024-02-28: 12 months from 2023-03-01, 365 days");

	/* every day of 1890 .. 2110 against the independent calendar */
	day = naive_day(1890, 1, 1);
	for (y = 1890; y <= 2110; y++)
		for (m = 1; m <= 12; m++)
			for (d = 1; d <= naive_dim(y, m); d++, day++)
			{
				for (k = 0; k < (int) (sizeof(months) / sizeof(months[0])); k++)
				{
					int			t = y * 12 + (m - 1) - months[k];
					int			y2 = t / 12,
								m2 = t % 12 + 1;
					int			d2 = d > naive_dim(y2, m2) ? naive_dim(y2, m2) : d;

					if (cl_act_months_before(day, months[k]) != naive_day(y2, m2, d2))
						bad++;
				}
				if (cl_act_window(day, &first_day) != day - naive_day(y - 1, m, d > naive_dim(y - 1, m) ? naive_dim(y - 1, m) : d))
					bad_window++;
			}
	ok(bad == 0, "every day of 1890-2110 minus 1, 3, 6, 11, 12 months agrees with day counting (%d differ)", bad);
	ok(bad_window == 0, "every day of 1890-2110: the 12 months have the days counted (%d differ)", bad_window);
}

/* a value as activity_state_out of clientele 0.2.0 before this codec wrote it (2025-08-31) */
static const char old_text[] =
	"01030000249e0002dbdd667b24570002c1945a20ec7e0000000000000001000000000000000100000000000000040000000000"
	"0000000000000002e7d25f0000000400000000000000000000000100000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000002e7d25f000000040000000000000000000000010000000000000000100000000000"
	"00080040000000010000000000040000000000000000000100000000000000000000";

static int
refused(const unsigned char *w, size_t len, const char *detail)
{
	ClActivity	d;
	const char *err = cl_act_wire_decode(w, len, &d);

	if (err == NULL || strcmp(err, detail) != 0)
		printf("#   got \"%s\", want \"%s\"\n", err ? err : "(accepted)", detail);
	return err != NULL && strcmp(err, detail) == 0;
}

/* a copy of w with the big-endian integer of the given bytes at offset off replaced */
static const unsigned char *
with_be(const unsigned char *w, int off, int bytes, int64_t v)
{
	static unsigned char c[CL_ACT_WIRE_SIZE];
	int			i;

	memcpy(c, w, CL_ACT_WIRE_SIZE);
	for (i = 0; i < bytes; i++)
		c[off + i] = (unsigned char) ((uint64_t) v >> (8 * (bytes - 1 - i)));
	return c;
}

#define with64(w, off, v) with_be((w), (off), 8, (v))
#define with32(w, off, v) with_be((w), (off), 4, (v))

static void
test_wire(void)
{
	const int64_t day = INT64_C(86400000000);
	const int	da[] = {3, 200, 300, 365};
	unsigned char w[CL_ACT_WIRE_SIZE],
				w2[CL_ACT_WIRE_SIZE + 1],
				old[CL_ACT_WIRE_SIZE];
	ClActivity	a,
				d;
	int32_t		first_day;
	int			i;

	ok(CL_ACT_WIRE_SIZE == 190, "the binary form has 190 bytes");
	ok(sizeof(old_text) - 1 == 2 * CL_ACT_WIRE_SIZE && cl_hex_decode(old_text, CL_ACT_WIRE_SIZE, old) == CL_ACT_WIRE_SIZE,
	   "a stored value decodes from hex");
	ok(cl_act_wire_decode(old, CL_ACT_WIRE_SIZE, &d) == NULL, "a value stored before the codec moved is accepted");
	ok(d.as_of == 9374 && d.flags == 3 && d.n[CL_ACT_LAST_3M] == 1 && d.n[CL_ACT_PREV_3M] == 1 && d.n[CL_ACT_PREV_6M] == 4 &&
	   cl_dec_value(&d.sum[CL_ACT_TRANSFER_3M]) == 48747103 && d.sum[CL_ACT_TRANSFER_3M].scale == 4 &&
	   d.sum[CL_ACT_TRANSFER_3M].n == 1 && d.sum[CL_ACT_TRANSFER_PREV_3M].n == 0 && d.sum[CL_ACT_OTHER_BANK_3M].n == 1,
	   "its fields read in network byte order (as_of 2025-08-31, counts 1/1/4, 4874.7103)");
	cl_act_wire_encode(&d, w);
	ok(memcmp(w, old, CL_ACT_WIRE_SIZE) == 0, "it encodes back to the same bytes");

	/* a state built as the aggregate does, as of 2024-02-29 */
	cl_act_window(8825, &first_day);
	state(&a, da, 4, (int64_t) first_day * day);
	a.as_of = 8825;
	cl_act_note_ts(&a, (int64_t) (first_day - 10) * day, 1);
	cl_act_note_ts(&a, (int64_t) 8825 * day + INT64_C(3600000000) * 5, 0);
	cl_dec_add(&a.sum[CL_ACT_TRANSFER_3M], -12345, 2);
	cl_dec_add_special(&a.sum[CL_ACT_OTHER_BANK_3M], CL_DEC_NINF);
	ok(cl_act_check(&a, 366) == NULL, "a built state is consistent");
	cl_act_wire_encode(&a, w);
	ok(w[0] == CL_ACT_WIRE_VERSION && w[1] == 3 && w[2] == 0 && w[3] == 0 && w[4] == 0x22 && w[5] == 0x79,
	   "version, flags, as_of big-endian first");
	ok(cl_act_wire_decode(w, CL_ACT_WIRE_SIZE, &d) == NULL && memcmp(&d, &a, sizeof(d)) == 0, "decode(encode(s)) == s");
	cl_act_init(&a, CL_ACT_AS_OF_END - 1);
	cl_act_wire_encode(&a, w2);
	ok(cl_act_wire_decode(w2, CL_ACT_WIRE_SIZE, &d) == NULL && memcmp(&d, &a, sizeof(d)) == 0, "an empty state at the last as_of");
	cl_act_init(&a, CL_ACT_AS_OF_MIN);
	cl_act_wire_encode(&a, w2);
	ok(cl_act_wire_decode(w2, CL_ACT_WIRE_SIZE, &d) == NULL, "an empty state at the first as_of");

	/* every refusal, with the detail the server reports */
	ok(refused(w, CL_ACT_WIRE_SIZE - 1, "The value has the wrong length."), "one byte short: refused");
	memcpy(w2, w, CL_ACT_WIRE_SIZE);
	w2[CL_ACT_WIRE_SIZE] = 0;
	ok(refused(w2, CL_ACT_WIRE_SIZE + 1, "The value has the wrong length."), "a trailing byte: refused");
	ok(refused(w, 0, "The value has the wrong length."), "empty: refused");
	memcpy(w2, w, CL_ACT_WIRE_SIZE);
	w2[0] = 2;
	ok(refused(w2, CL_ACT_WIRE_SIZE, "Unknown version."), "version 2: refused");
	w2[0] = 0;
	ok(refused(w2, CL_ACT_WIRE_SIZE, "Unknown version."), "version 0: refused");
	ok(refused(with32(w, 2, CL_ACT_AS_OF_MIN - 1), CL_ACT_WIRE_SIZE, "The as_of date is out of range."),
	   "as_of a day before the first: refused");
	ok(refused(with32(w, 2, CL_ACT_AS_OF_END), CL_ACT_WIRE_SIZE, "The as_of date is out of range."),
	   "as_of at the end of the range: refused");
	ok(refused(with32(w, 2, INT32_MIN), CL_ACT_WIRE_SIZE, "The as_of date is out of range."), "as_of -infinity: refused");
	ok(refused(with32(w, 2, INT32_MAX), CL_ACT_WIRE_SIZE, "The as_of date is out of range."), "as_of infinity: refused");
	ok(refused(with32(w, 2, 7364), CL_ACT_WIRE_SIZE, "The latest transaction is after as_of."),
	   "as_of moved 4 years back (2020-02-29) before the latest transaction: refused");
	ok(refused(with32(w, 2, 9191), CL_ACT_WIRE_SIZE, "An activity day lies after as_of."),
	   "as_of moved to 12 months of 365 days with day 366 active: refused");
	memcpy(w2, w, CL_ACT_WIRE_SIZE);
	w2[1] = 0x07;
	ok(refused(w2, CL_ACT_WIRE_SIZE, "Unknown flags."), "unknown flag: refused (cl_act_check)");
	ok(refused(with64(w, 22 + 16, -1), CL_ACT_WIRE_SIZE, "A count is negative."), "negative count: refused");
	ok(refused(with64(w, 22, 0), CL_ACT_WIRE_SIZE, "More transfers than transactions in a window."),
	   "more transfers than transactions: refused");
	ok(refused(with64(w, 22, INT64_MAX), CL_ACT_WIRE_SIZE, "The counts overflow."), "counts overflowing: refused");
	ok(refused(with32(w, 46 + 16, 19), CL_ACT_WIRE_SIZE, "A sum has an impossible number of decimals."),
	   "a sum with 19 decimals: refused");
	ok(refused(with32(w, 46 + 64 + 20, 8), CL_ACT_WIRE_SIZE, "A sum has unknown flags."), "a sum with an unknown flag: refused");
	memcpy(w2, w, CL_ACT_WIRE_SIZE);
	w2[CL_ACT_WIRE_SIZE - 1] = 0x01;
	ok(refused(w2, CL_ACT_WIRE_SIZE, "An activity day lies after as_of."), "a bit past the 366 days: refused");
	ok(refused(with64(w, 6, (int64_t) (8825 + 2) * day), CL_ACT_WIRE_SIZE, "The latest transaction is after as_of."),
	   "latest transaction two days after as_of: refused");
	ok(refused(with64(with64(w, 14, CL_ACT_TS_MIN - 1), 6, CL_ACT_TS_MIN - 1), CL_ACT_WIRE_SIZE,
			   "The latest transaction is after as_of."), "latest transaction before the timestamp range: refused");
	ok(refused(with64(w, 14, (int64_t) (first_day + 1) * day), CL_ACT_WIRE_SIZE,
			   "The latest transaction before the 12 months is inside them."), "transaction before the window inside it: refused");
	ok(refused(with64(w, 14, CL_ACT_TS_MIN - 1), CL_ACT_WIRE_SIZE,
			   "The latest transaction before the 12 months is inside them."), "transaction before the window not a timestamp: refused");
	ok(cl_act_wire_decode(with64(w, 6, (int64_t) (8825 + 2) * day - 1), CL_ACT_WIRE_SIZE, &d) == NULL &&
	   cl_act_wire_decode(with64(w, 14, (int64_t) (first_day + 1) * day - 1), CL_ACT_WIRE_SIZE, &d) == NULL,
	   "one day of slack either way for the session time zone");
	memcpy(w2, w, CL_ACT_WIRE_SIZE);
	w2[1] = 0;
	for (i = 6; i < 22; i++)
		w2[i] = 0;
	ok(refused(w2, CL_ACT_WIRE_SIZE, "Transactions were counted but the latest one is missing."),
	   "transactions without their latest: refused");
}

int
main(void)
{
	test_dec();
	test_activity();
	test_calendar();
	test_wire();
	return tap_done();
}
