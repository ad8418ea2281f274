/*
 * fuzz_value.c
 *		The value area's byte inputs, through the src/core code the server
 *		runs:
 *		- clientele.adb_state (avg_daily_balance): the binary form (send /
 *		  recv, the text form "cladb1:" + hex, the 0.1.0 deserial function)
 *		  read by cl_adb_state_decode(); an accepted state must encode back to
 *		  the same bytes, have an average (cl_adb_compute), stay valid after a
 *		  snapshot is inserted (cl_seg_insert, the transition), after a
 *		  merge with a second state (cl_seg_merge, the combine) and through
 *		  the dense form (cl_adb_dense_put_run / cl_adb_dense_runs: same
 *		  average) and the compact dense form when it fits
 *		  (cl_adb_dense32_put_run / cl_adb_dense32_runs: the same runs);
 *		- clientele.adb_split_state (avg_daily_balance_split): the binary form
 *		  read by cl_adbs_state_decode(); an accepted state must encode back
 *		  to the same bytes, have its three results (cl_adbs_compute) with the
 *		  balance on the split day the latest snapshot on or before it, and
 *		  stay valid after a snapshot is inserted as the transition does;
 *		- clientele.gini_state / top_share_state: the binary form read by
 *		  cl_conc_state_decode(); an accepted state must encode back to the
 *		  same bytes, and gini / top_share over its counts must equal, bit for
 *		  bit, cl_gini / cl_top_share over the expanded values;
 *		- the compaction of appended values (cl_vc_compact) against a sort;
 *		- numeric bodies (cl_numeric_to_cents: the on-disk numeric format of
 *		  every balance).
 *		The first byte picks the input; an input starting with a text prefix
 *		is hex-decoded first (cl_hex_decode, the decoder of the input
 *		functions).
 */
#include "fuzz.h"

#include <math.h>

#include "hex.h"
#include "value_core.h"

static void
check_adb_valid(const ClAdbHeader *h, const ClSeg *runs, const char *what)
{
	size_t		len = CL_ADB_WIRE_SIZE(h->n);
	unsigned char *w = malloc(len);
	ClSeg	   *back = malloc(sizeof(ClSeg) * (h->n + 1));
	ClAdbHeader h2;

	cl_adb_state_encode(h, runs, w);
	FUZZ_CHECK(cl_adb_state_decode(w, len, &h2, back) == NULL, what);
	FUZZ_CHECK(h2.n == h->n && memcmp(back, runs, sizeof(ClSeg) * h->n) == 0, "decode(encode(s)) == s");
	free(w);
	free(back);
}

static void
fuzz_adb(const uint8_t *b, size_t len, FuzzIn *extra)
{
	ClAdbHeader h;
	size_t		room = cl_adb_state_runs(len);
	ClSeg	   *runs = malloc(sizeof(ClSeg) * (room + 2));
	int64_t		adb;
	int32_t		dup;

	if (cl_adb_state_decode(b, len, &h, runs) == NULL)
	{
		unsigned char *w = malloc(len + 1);
		ClSeg	   *copy = malloc(sizeof(ClSeg) * (room + 2));
		ClSeg	   *merged = malloc(sizeof(ClSeg) * (2 * room + 3));
		size_t		n = (size_t) h.n,
					m;
		int32_t		day;
		int64_t		cents;
		ClSegStatus st;

		cl_adb_state_encode(&h, runs, w);
		FUZZ_CHECK(memcmp(w, b, len) == 0, "encode(decode(b)) == b");
		memcpy(copy, runs, sizeof(ClSeg) * n);
		FUZZ_CHECK(cl_adb_compute(copy, n, 1, h.has_carry, h.carry_cents, h.from, h.to, &adb, &dup) == CL_ADB_OK,
				   "a valid state has an average");
		FUZZ_CHECK(cl_seg_overlap(runs, n) == 0, "runs are disjoint");

		/* the dense form (rows in random order): same runs' average, a valid state back */
		if ((int64_t) h.to - h.from < 100000)
		{
			int32_t		wdays = h.to - h.from + 1;
			unsigned char *bm = calloc(1, CL_ADB_DENSE_BITMAP(wdays));
			int64_t    *val = calloc((size_t) wdays, sizeof(int64_t));
			ClSeg	   *dr = malloc(sizeof(ClSeg) * (size_t) wdays);
			size_t		i,
						dn;
			int64_t		adb2;
			int			dupd = 0;

			for (i = 0; i < n; i++)
				dupd |= cl_adb_dense_put_run(bm, val, h.from, &runs[i]);
			FUZZ_CHECK(!dupd, "disjoint runs go dense without a duplicate");
			dn = cl_adb_dense_runs(bm, val, h.from, wdays, dr);
			FUZZ_CHECK(cl_adb_compute(dr, dn, 1, h.has_carry, h.carry_cents, h.from, h.to, &adb2, &dup) == CL_ADB_OK &&
					   adb2 == adb, "the dense form has the same average");
			h.n = (int32_t) dn;
			check_adb_valid(&h, dr, "the runs of the dense form are a valid state");
			h.n = (int32_t) n;
			{
				/* the compact dense form, when every run fits in it: the same runs */
				int32_t    *v32 = malloc(sizeof(int32_t) * (size_t) wdays);
				ClSeg	   *dr32 = malloc(sizeof(ClSeg) * (size_t) wdays);
				int			rc = 0;

				for (i = 0; i < (size_t) wdays; i++)
					v32[i] = CL_ADB_ABSENT32;
				for (i = 0; i < n && rc == 0; i++)
					rc = cl_adb_dense32_put_run(v32, h.from, &runs[i]);
				FUZZ_CHECK(rc != 1, "disjoint runs go compact dense without a duplicate");
				if (rc == 0)
					FUZZ_CHECK(cl_adb_dense32_runs(v32, h.from, wdays, dr32) == dn &&
							   memcmp(dr32, dr, sizeof(ClSeg) * dn) == 0,
							   "the compact dense form gives the runs of the dense form");
				free(v32);
				free(dr32);
			}
			free(bm);
			free(val);
			free(dr);
		}

		/* the transition: one more snapshot in the window */
		day = h.from + (int32_t) (fuzz_u64(extra, 4) % ((uint64_t) h.to - h.from + 1));
		cents = (int64_t) fuzz_u64(extra, 8);
		if (cents == INT64_MIN)
			cents = 0;
		memcpy(copy, runs, sizeof(ClSeg) * n);
		m = n;
		st = cl_seg_insert(copy, &m, n + 1, day, cents);
		if (st == CL_SEG_OK)
		{
			h.n = (int32_t) m;
			check_adb_valid(&h, copy, "a valid state stays valid after an insertion");
			h.n = (int32_t) n;
		}
		else
			FUZZ_CHECK(st == CL_SEG_DUPLICATE, "room for one more run suffices");

		/* the combine: merged with the one-snapshot state of that day */
		{
			ClSeg		one = cl_seg_one(day, cents);

			m = cl_seg_merge(runs, n, &one, 1, merged);
			if (cl_seg_overlap(merged, m) == 0)
			{
				h.n = (int32_t) m;
				check_adb_valid(&h, merged, "a merge without a shared day is valid");
				h.n = (int32_t) n;
			}
			else
				FUZZ_CHECK(st == CL_SEG_DUPLICATE, "merge and insertion agree on duplicates");
		}
		free(w);
		free(copy);
		free(merged);
	}
	free(runs);
}

static void
fuzz_conc(const uint8_t *b, size_t len, int top)
{
	ClConcHeader h;
	size_t		room = cl_conc_state_points(len);
	ClValCount *pts = malloc(sizeof(ClValCount) * (room + 1));

	if (cl_conc_state_decode(b, len, top, &h, pts) == NULL)
	{
		unsigned char *w = malloc(len + 1);
		double		r1,
					r2;
		ClConcStatus s1,
					s2;

		cl_conc_state_encode(&h, pts, w);
		FUZZ_CHECK(memcmp(w, b, len) == 0, "encode(decode(b)) == b");
		free(w);
		if (h.rows <= 100000)
		{
			double	   *x = malloc(sizeof(double) * (size_t) (h.rows + 1));
			int64_t		i,
						c,
						k = 0;

			for (i = 0; i < h.n; i++)
				for (c = 0; c < pts[i].count; c++)
					x[k++] = pts[i].v;
			if (top)
			{
				s1 = cl_top_share_counts(pts, (size_t) h.n, h.rows, h.fraction, &r1);
				s2 = cl_top_share(x, (size_t) k, h.fraction, &r2);
			}
			else
			{
				s1 = cl_gini_counts(pts, (size_t) h.n, h.rows, &r1);
				s2 = cl_gini(x, (size_t) k, &r2);
			}
			FUZZ_CHECK(s1 == s2, "same status over counts and over the values");
			if (s1 == CL_CONC_OK)
				FUZZ_CHECK(memcmp(&r1, &r2, sizeof(double)) == 0, "bit-identical over counts and over the values");
			free(x);
		}
	}
	free(pts);
}

/*
 * adb_split_state: an accepted state encodes back to the same bytes, has its
 * three results, and the balance on the split day is the latest snapshot on
 * or before it; a snapshot inserted as the transition does (a day after the
 * split one day later) leaves a state the decoder accepts.
 */
static void
fuzz_adbs(const uint8_t *b, size_t len, FuzzIn *extra)
{
	ClAdbHeader h;
	int32_t		split;
	size_t		room = cl_adb_state_runs(len);
	ClSeg	   *runs = malloc(sizeof(ClSeg) * (room + 2));

	if (cl_adbs_state_decode(b, len, &h, &split, runs) == NULL)
	{
		unsigned char *w = malloc(CL_ADB_WIRE_SIZE(h.n + 1));
		ClSeg	   *copy = malloc(sizeof(ClSeg) * (room + 2));
		size_t		n = (size_t) h.n,
					k = 0;
		int64_t		before,
					after,
					on_split,
					expect;
		int32_t		dup,
					day,
					split2;
		int64_t		cents;
		ClAdbHeader h2;

		cl_adbs_state_encode(&h, split, runs, w);
		FUZZ_CHECK(memcmp(w, b, len) == 0, "encode(decode(b)) == b");
		memcpy(copy, runs, sizeof(ClSeg) * n);
		FUZZ_CHECK(cl_adbs_compute(copy, n, h.has_carry, h.carry_cents, h.from, split, h.to - 1,
								   &before, &after, &on_split, &dup) == CL_ADB_OK,
				   "a valid split state has its results");
		while (k < n && runs[k].last <= split)
			k++;
		expect = k > 0 ? runs[k - 1].last_cents : (h.has_carry ? h.carry_cents : 0);
		FUZZ_CHECK(on_split == expect, "the balance on split is the latest snapshot on or before it");

		/* the transition's insertion */
		day = h.from + (int32_t) (fuzz_u64(extra, 4) % ((uint64_t) (h.to - 1 - h.from) + 1));
		cents = (int64_t) fuzz_u64(extra, 8);
		if (cents == INT64_MIN)
			cents = 0;
		if (day > split)
			day++;
		if (n < room + 1 && cl_seg_insert(runs, &n, room + 1, day, cents) == CL_SEG_OK)
		{
			h.n = (int32_t) n;
			cl_adbs_state_encode(&h, split, runs, w);
			FUZZ_CHECK(cl_adbs_state_decode(w, CL_ADB_WIRE_SIZE(n), &h2, &split2, NULL) == NULL &&
					   split2 == split, "a state stays valid after an insertion");
		}
		free(copy);
		free(w);
	}
	free(runs);
}

/* appended values compacted into a sorted prefix, against a plain sort */
static void
fuzz_compact(FuzzIn *in)
{
	size_t		n = in->n / 9,
				sorted,
				i,
				k;
	ClValCount *p = malloc(sizeof(ClValCount) * (n + 1));
	ClValCount *scratch = malloc(sizeof(ClValCount) * (n + 1));
	int64_t		total = 0,
				got = 0;

	for (i = 0; i < n; i++)
	{
		double		v = (double) (int8_t) fuzz_u64(in, 1);	/* small: repeats */

		p[i].v = v;
		p[i].count = 1 + (int64_t) (fuzz_u64(in, 1) % 3);
		total += p[i].count;
	}
	/* a sorted, distinct prefix */
	sorted = n > 0 ? (size_t) (fuzz_u64(in, 1) % (n + 1)) : 0;
	if (sorted > 0)
	{
		ClValCount *q = malloc(sizeof(ClValCount) * (sorted + 1));

		k = cl_vc_compact(p, 0, sorted, q);
		memmove(p + k, p + sorted, (n - sorted) * sizeof(ClValCount));
		n = n - sorted + k;
		sorted = k;
		free(q);
	}
	k = cl_vc_compact(p, sorted, n, scratch);
	for (i = 0; i < k; i++)
	{
		FUZZ_CHECK(p[i].count > 0, "counts are positive");
		if (i > 0)
			FUZZ_CHECK(p[i].v > p[i - 1].v, "compacted values strictly increase");
		got += p[i].count;
	}
	FUZZ_CHECK(got == total, "compaction keeps every row");
	free(p);
	free(scratch);
}

static void
fuzz_numeric(const uint8_t *data, size_t size)
{
	int64_t		cents;
	ClNumStatus st = cl_numeric_to_cents(data, size, &cents);

	FUZZ_CHECK(st >= CL_NUM_OK && st <= CL_NUM_BAD, "a known status");
}

/* bytes, or the bytes behind a text form "prefix" + hex */
static unsigned char *
unhex(const uint8_t *data, size_t size, const char *prefix, size_t *len)
{
	size_t		plen = strlen(prefix),
				n;
	unsigned char *buf;

	if (size < plen || memcmp(data, prefix, plen) != 0)
	{
		buf = malloc(size + 1);
		memcpy(buf, data, size);
		*len = size;
		return buf;
	}
	if ((size - plen) % 2 != 0)
		return NULL;
	n = (size - plen) / 2;
	buf = malloc(n + 1);
	if (cl_hex_decode((const char *) data + plen, n, buf) != n)
	{
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzIn		in = {data, size};
	unsigned char *b;
	size_t		len;
	int			kind;

	if (size < 1)
		return 0;
	kind = (int) (fuzz_u64(&in, 1) % 7);
	switch (kind)
	{
		case 0:
			/* the state, then 12 bytes for the transition's snapshot */
			if (in.n < 12)
				return 0;
			b = unhex(in.p, in.n - 12, "cladb1:", &len);
			if (b != NULL)
			{
				FuzzIn		extra = {in.p + in.n - 12, 12};

				fuzz_adb(b, len, &extra);
				free(b);
			}
			break;
		case 1:
		case 2:
			b = unhex(in.p, in.n, kind == 1 ? "clgini1:" : "cltop1:", &len);
			if (b != NULL)
			{
				fuzz_conc(b, len, kind == 2);
				free(b);
			}
			break;
		case 3:
			fuzz_compact(&in);
			break;
		case 6:
			/* an adb_split_state, then 12 bytes for the transition's snapshot */
			if (in.n < 12)
				return 0;
			b = unhex(in.p, in.n - 12, "cladbs1:", &len);
			if (b != NULL)
			{
				FuzzIn		extra = {in.p + in.n - 12, 12};

				fuzz_adbs(b, len, &extra);
				free(b);
			}
			break;
		default:
			fuzz_numeric(in.p, in.n);
			break;
	}
	return 0;
}
