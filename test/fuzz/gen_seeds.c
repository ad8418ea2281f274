/*
 * gen_seeds.c
 *		Writes the seed corpus of the fuzz targets: valid inputs built with the
 *		same src/core functions the server uses, so that the fuzzers start
 *		from states an aggregate could have produced.
 *		Usage: gen_seeds OUTDIR  (writes OUTDIR/<target>/seed_<n>)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bgbb.h"
#include "evaluation.h"
#include "features_core.h"
#include "fitstate.h"
#include "rfm_core.h"
#include "txn_counts.h"
#include "value_core.h"

static const char *outdir;

static void
put(const char *target, int n, const void *buf, size_t len)
{
	char		path[4096];
	FILE	   *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, target);
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
	{
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/seed_%03d", outdir, target, n);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
	{
		perror(path);
		exit(1);
	}
}

/* a compact state as fit_state_out() writes it: header + sorted rows */
static void
seeds_fitstate(void)
{
	int			s;

	for (s = 0; s < 24; s++)
	{
		uint32_t	model = 1 + (uint32_t) (s % 4),
					cap = 64,
					nrows = (uint32_t) (s * 3),
					i,
					n;
		ClFitState *h = malloc(cl_fitstate_size(cap)),
				   *c;
		size_t		sz;

		cl_fitstate_init(h, model, cap, s % 3 == 0 ? 0.0 : 0.01 * s);
		for (i = 0; i < nrows; i++)
		{
			double		x = (double) (i % 5),
						T = 10.0 + (double) (i % 7),
						tx = x == 0 ? 0 : T * (double) (i % 3) / 3.0;

			if (model == 4)		/* sBG: (periods, churned, entered) */
			{
				x = 1 + (double) (i % 6);
				tx = (double) (i % 2);
				T = 0;
			}
			cl_fitstate_add(h, x, tx, T, 1.0);
		}
		sz = cl_fitstate_size(h->nentries);
		c = calloc(1, sz);
		memcpy(c, h, offsetof(ClFitState, slots));
		n = cl_fitstate_rows(h, c->slots);
		c->capacity = n;
		c->nentries = n;
		c->compact = 1;
		memset(c, 0, 4);
		put("fuzz_fitstate", s, c, sz);
		if (s % 4 == 1)
		{
			/* the text form, as fit_state_out() writes it */
			char	   *t = malloc(6 + 2 * sz + 1);
			size_t		i;

			memcpy(t, "clfs1:", 6);
			for (i = 0; i < sz; i++)
				sprintf(t + 6 + 2 * i, "%02x", ((unsigned char *) c)[i]);
			put("fuzz_fitstate", 200 + s, t, 6 + 2 * sz);
			free(t);
		}
#ifdef CL_FITSTATE_WIRE_VERSION
		{
			size_t		wsz = cl_fitstate_wire_size(n);
			unsigned char *w = malloc(wsz);

			cl_fitstate_to_wire(c, c->slots, n, w);
			put("fuzz_fitstate", 100 + s, w, wsz);
			free(w);
		}
#endif
		free(c);
		free(h);
	}
}

/* a seed: the selector byte, then the bytes (or their text form) */
static void
put_sel(const char *target, int n, unsigned char sel, const unsigned char *b, size_t len,
		const char *prefix, const unsigned char *tail, size_t tlen)
{
	size_t		plen = prefix ? strlen(prefix) : 0;
	size_t		blen = prefix ? plen + 2 * len : len;
	unsigned char *buf = malloc(1 + blen + tlen + 1);
	size_t		i;

	buf[0] = sel;
	if (prefix)
	{
		memcpy(buf + 1, prefix, plen);
		for (i = 0; i < len; i++)
			sprintf((char *) buf + 1 + plen + 2 * i, "%02x", b[i]);
	}
	else
		memcpy(buf + 1, b, len);
	if (tlen)
		memcpy(buf + 1 + blen, tail, tlen);
	put(target, n, buf, 1 + blen + tlen);
	free(buf);
}

/* adb_state, gini_state and top_share_state built as the transition functions do */
static void
seeds_value(void)
{
	int			s;

	for (s = 0; s < 8; s++)
	{
		ClSeg		runs[64];
		size_t		n = 0;
		ClAdbHeader h;
		unsigned char w[CL_ADB_HDR + 64 * CL_ADB_RUN];
		unsigned char tail[12];
		int			i;

		h.from = 9000;
		h.to = 9000 + 40 * s + 1;
		h.has_carry = s & 1;
		h.carry_day = h.has_carry ? 8990 : 0;
		h.carry_cents = h.has_carry ? 12345 : 0;
		for (i = 0; i < 6 * s; i++)
		{
			/* days in a scrambled order, some consecutive */
			int32_t		d = h.from + (int32_t) ((i * 7) % (40 * s + 1));

			(void) cl_seg_insert(runs, &n, 64, d, 100 * i - 250);
		}
		h.n = (int32_t) n;
		cl_adb_state_encode(&h, runs, w);
		for (i = 0; i < 12; i++)
			tail[i] = (unsigned char) (s * 31 + i * 17);
		put_sel("fuzz_value", s, 0, w, CL_ADB_WIRE_SIZE(n), NULL, tail, 12);
		if (s % 3 == 1)
			put_sel("fuzz_value", 10 + s, 0, w, CL_ADB_WIRE_SIZE(n), "cladb1:", tail, 12);
	}
	/* adb_split_state as avg_daily_balance_split builds it: days after the split one day later */
	for (s = 0; s < 6; s++)
	{
		ClSeg		runs[64];
		size_t		n = 0;
		ClAdbHeader h;
		unsigned char w[CL_ADB_HDR + 64 * CL_ADB_RUN];
		unsigned char tail[12];
		int32_t		split = 9000 + 10 * s;
		int			i;

		h.from = 9000;
		h.to = 9000 + 30 * s + 12;	/* window_to + 1 */
		h.has_carry = s & 1;
		h.carry_day = h.has_carry ? 8990 : 0;
		h.carry_cents = h.has_carry ? -777 : 0;
		for (i = 0; i < 5 * s + 3; i++)
		{
			int32_t		d = h.from + (int32_t) ((i * 5) % (30 * s + 11));

			(void) cl_seg_insert(runs, &n, 64, d > split ? d + 1 : d, 1000 * i - 3000);
		}
		h.n = (int32_t) n;
		cl_adbs_state_encode(&h, split, runs, w);
		for (i = 0; i < 12; i++)
			tail[i] = (unsigned char) (s * 13 + i * 29);
		put_sel("fuzz_value", 60 + s, 6, w, CL_ADB_WIRE_SIZE(n), s % 2 ? "cladbs1:" : NULL, tail, 12);
	}
	for (s = 0; s < 6; s++)
	{
		ClValCount	p[16];
		ClConcHeader h;
		unsigned char w[CL_CONC_HDR + 16 * CL_CONC_POINT];
		int			i;

		h.has_fraction = s % 2;
		h.fraction = h.has_fraction ? 0.1 * s : 0;
		h.n = 3 * s;
		h.rows = 0;
		for (i = 0; i < h.n; i++)
		{
			p[i].v = (double) (i * i) - 3 * s;
			p[i].count = 1 + i % 3;
			h.rows += p[i].count;
		}
		cl_conc_state_encode(&h, p, w);
		put_sel("fuzz_value", 20 + s, (unsigned char) (1 + h.has_fraction), w, CL_CONC_WIRE_SIZE(h.n),
				s == 2 ? "clgini1:" : (s == 3 ? "cltop1:" : NULL), NULL, 0);
	}
	{
		unsigned char buf[1 + 9 * 20];
		int			i;

		buf[0] = 3;				/* compaction */
		for (i = 0; i < 9 * 20; i++)
			buf[1 + i] = (unsigned char) (i * 37 % 11);
		put("fuzz_value", 30, buf, sizeof(buf));
	}
	{
		/* numeric bodies (short format): 0, 12.34, -5, 1e6 */
		static const unsigned char nums[][8] = {
			{4, 0x80, 0, 0},
			{4, 0x82, 12, 0, 0x48, 0x0d},
			{4, 0xa0, 5, 0},
			{4, 0x81, 100, 0}
		};
		static const size_t lens[] = {2, 6, 4, 4};
		int			i;

		for (i = 0; i < 4; i++)
			put("fuzz_value", 40 + i, nums[i], lens[i] + 1);
	}
}

/* period_state bodies as period_summary writes them */
static void
seeds_period(void)
{
	int			s;

	for (s = 0; s < 6; s++)
	{
		int32_t		n = s == 5 ? 0 : 3 + 5 * s;
		unsigned char b[CL_PERIOD_STATE_HEADER + 64];
		size_t		len = CL_PERIOD_STATE_HEADER + cl_period_bitmap_bytes(n);
		int64_t		tx = 0,
					ign = s;
		int32_t		k;

		memset(b, 0, sizeof(b));
		b[0] = CL_PERIOD_STATE_VERSION;
		for (k = 0; k <= n; k += 1 + s % 3)
		{
			b[CL_PERIOD_STATE_HEADER + k / 8] |= (unsigned char) (1 << (k % 8));
			tx += 2;
		}
		memcpy(b + 4, &n, 4);
		memcpy(b + 8, &tx, 8);
		memcpy(b + 16, &ign, 8);
		/* the last 4 bytes pick the period of the transition */
		put_sel("fuzz_period", s, 0, b, len, s == 2 ? "clps1:" : NULL,
				(const unsigned char *) "\x05\x01\x00\x00", 4);
	}
}

/* rank_state and logistic_state binary forms as the aggregates send them */
static void
seeds_evaluation(void)
{
	int			s;

	for (s = 0; s < 4; s++)
	{
		int64_t		n = 1 + 3 * s,
					i,
					pos = 0,
					neg = 0;
		size_t		len = CL_RANK_HDR - 4 + (size_t) n * CL_RANK_PT;
		unsigned char *b = calloc(1, len);
		double		f = s % 2 ? 0.25 : 0;

		b[0] = CL_RANK_VERSION;
		b[1] = CL_RANK_COMPACT | (s % 2 ? CL_RANK_FRACTION : 0);
		memcpy(b + 4, &n, 8);
		memcpy(b + 12, &n, 8);
		memcpy(b + 36, &f, 8);
		for (i = 0; i < n; i++)
		{
			double		score = 0.1 * i - 0.2;
			int64_t		p = i % 3,
						q = 1 + i % 2;

			memcpy(b + CL_RANK_HDR - 4 + i * CL_RANK_PT, &score, 8);
			memcpy(b + CL_RANK_HDR - 4 + i * CL_RANK_PT + 8, &p, 8);
			memcpy(b + CL_RANK_HDR - 4 + i * CL_RANK_PT + 16, &q, 8);
			pos += p;
			neg += q;
		}
		memcpy(b + 20, &pos, 8);
		memcpy(b + 28, &neg, 8);
		put_sel("fuzz_evaluation", s, 0, b, len, s == 1 ? "clrk1:" : NULL, NULL, 0);
		free(b);
	}
	for (s = 0; s < 4; s++)
	{
		int32_t		p = s;
		int64_t		n = 4 + 2 * s,
					i,
					pos = 0;
		size_t		len = CL_LOGIT_HDR - 4 + (size_t) n * CL_LOGIT_STRIDE(p);
		unsigned char *b = calloc(1, len);
		double		l2 = s % 2 ? 0.5 : 0;

		b[0] = CL_LOGIT_VERSION;
		b[1] = s % 2 ? CL_LOGIT_HAS_L2 : 0;
		memcpy(b + 4, &p, 4);
		memcpy(b + 12, &n, 8);
		memcpy(b + 20, &n, 8);
		memcpy(b + 36, &l2, 8);
		for (i = 0; i < n; i++)
		{
			unsigned char *row = b + CL_LOGIT_HDR - 4 + i * CL_LOGIT_STRIDE(p);
			double		y = (double) (i % 2);
			int32_t		j;

			memcpy(row, &y, 8);
			pos += i % 2;
			for (j = 1; j <= p; j++)
			{
				double		v = 0.5 * i - j + (i * j % 3);

				memcpy(row + 8 * j, &v, 8);
			}
		}
		memcpy(b + 28, &pos, 8);
		put_sel("fuzz_evaluation", 10 + s, 1, b, len, s == 2 ? "cllg1:" : NULL, NULL, 0);
		free(b);
	}
	/* logistic_step_state built by the transition (cl_lstep_add) */
	for (s = 0; s < 4; s++)
	{
		int			p = s,
					i,
					j;
		size_t		len = CL_LSTEP_BIN_LEN(p);
		unsigned char *b = calloc(1, len);
		double		coef[4] = {0.5 * s - 0.5, 0.25, -0.125, 0.0625},
					x[3];

		cl_lstep_init(b, p, s % 2 ? 0.5 : 0, coef);
		for (i = 0; i < 4 + 3 * s; i++)
		{
			for (j = 0; j < p; j++)
				x[j] = 0.5 * i - j + (i * j % 3);
			(void) cl_lstep_add(b, (double) (i % 2), x);
		}
		put_sel("fuzz_evaluation", 20 + s, 2, b, len, s == 1 ? "clls1:" : NULL, NULL, 0);
		free(b);
	}
}

static void
seeds_banding(void)
{
	/* n-1, contiguous, then per band: flags, lower, upper */
	static const unsigned char suzhou[] = {4, 1, 0x07, 0, 10, 0x07, 10, 50, 0x07, 50, 100, 0x07, 100, 120, 0x03, 120, 0};
	static const unsigned char abc[] = {2, 1, 0x04, 0, 10, 0x07, 10, 100, 0x03, 100, 0};
	static const unsigned char gap[] = {1, 0, 0x07, 0, 10, 0x07, 20, 30};

	put("fuzz_banding", 0, suzhou, sizeof(suzhou));
	put("fuzz_banding", 1, abc, sizeof(abc));
	put("fuzz_banding", 2, gap, sizeof(gap));
}

static void
seeds_rfm(void)
{
	/* selector 0: ntiles, nrules, then 6 bounds per rule (the rf_grid scheme) */
	static const unsigned char grid[] = {0, 5, 10,
		5, 5, 4, 5, 1, 5, 3, 4, 4, 5, 1, 5, 4, 5, 2, 3, 1, 5, 5, 5, 1, 1, 1, 5,
		4, 4, 1, 1, 1, 5, 3, 3, 3, 3, 1, 5, 3, 3, 1, 2, 1, 5, 1, 2, 3, 4, 1, 5,
	1, 2, 5, 5, 1, 5, 1, 2, 1, 2, 1, 5};
	unsigned char days[1 + 4 + 2 * 40];
	unsigned char amounts[1 + 8 * 8 + 17];
	int			i;

	put("fuzz_rfm", 0, grid, sizeof(grid));
	days[0] = 1;
	days[1] = 20;
	days[2] = 0;
	days[3] = 20;
	days[4] = 0;
	for (i = 0; i < 40; i++)
	{
		uint16_t	d = (uint16_t) (65535 - 7 * (i % 20) - (i >= 20 ? 3 : 0));

		memcpy(days + 5 + 2 * i, &d, 2);
	}
	put("fuzz_rfm", 1, days, sizeof(days));
	memset(amounts, 0, sizeof(amounts));
	amounts[0] = 2;
	for (i = 0; i < 8; i++)
	{
		double		v = 19.99 * i - 10;

		memcpy(amounts + 1 + 8 * i, &v, 8);
	}
	put("fuzz_rfm", 2, amounts, sizeof(amounts));
}

/*
 * fuzz_rfm_state: selector 0 and binary forms of states as rfm_summary
 * builds them (also as "rfm1:" text), selector 1 and rows to build from
 */
static void
seeds_rfm_state(void)
{
	static const char hexd[] = "0123456789abcdef";
	int			s;

	for (s = 0; s < 6; s++)
	{
		RfmStateFields f;
		RfmDayKey	days[8];
		unsigned char buf[1 + RFM_WIRE_HEADER + 8 * 4];
		char		text[1 + 5 + 2 * (RFM_WIRE_HEADER + 8 * 4)];
		size_t		len;
		int			i;

		memset(&f, 0, sizeof(f));
		f.kind = s % 2 ? RFM_KIND_TIMESTAMPTZ : RFM_KIND_DATE;
		f.as_of_day = 5478 + s;	/* 2015-01-01 + s */
		f.as_of_raw = f.kind == RFM_KIND_DATE ? f.as_of_day
			: (int64_t) f.as_of_day * INT64_C(86400000000) + INT64_C(3600000000) * s;
		f.unit_days = s == 4 ? 7.0 : 1.0;
		f.ndays = s == 5 ? 0 : s + 1;
		for (i = 0; i < f.ndays; i++)
		{
			RfmFixed	a = 0;

			days[i] = (RfmDayKey) (65535 - 30 * (f.ndays - 1 - i));
			rfm_fixed_from_double(12.5 + 3.25 * i, &a);
			rfm_fixed_add(&f.total, a);
			if (i == 0)
				f.first = a;
			f.nrows += 1 + i % 2;
		}
		if (f.ndays > 0)
		{
			f.first_day = rfm_key_day(f.as_of_day, days[0]);
			f.last_day = rfm_key_day(f.as_of_day, days[f.ndays - 1]);
		}
		len = rfm_wire_size(f.ndays);
		buf[0] = 0;
		rfm_wire_encode(&f, days, buf + 1);
		put("fuzz_rfm_state", s, buf, len + 1);
		text[0] = 0;
		memcpy(text + 1, "rfm1:", 5);
		for (i = 0; i < (int) len; i++)
		{
			text[6 + 2 * i] = hexd[buf[1 + i] >> 4];
			text[7 + 2 * i] = hexd[buf[1 + i] & 15];
		}
		put("fuzz_rfm_state", 10 + s, text, 6 + 2 * len);
	}
	{
		/* selector 1: 5 rows, kind date, as_of case 2, unit 1 day */
		unsigned char rows[1 + 1 + 1 + 1 + 2 + 1 + 5 * 10];
		int			i;

		/* selector, rows, kind, as_of case, as_of offset (2 bytes), unit index */
		static const unsigned char head[7] = {1, 5, 0, 2, 0x10, 0x40, 0};

		memset(rows, 0, sizeof(rows));
		memcpy(rows, head, sizeof(head));
		for (i = 0; i < 5; i++)
		{
			double		v = 9.99 * (i + 1);
			uint16_t	k = (uint16_t) (65535 - 3 * (i % 3));

			memcpy(rows + 7 + 10 * i, &v, 8);
			memcpy(rows + 15 + 10 * i, &k, 2);
		}
		put("fuzz_rfm_state", 20, rows, sizeof(rows));
	}
}

/*
 * fuzz_activity: selector 0 and binary forms of states as activity_summary
 * builds them (also as "act1:" text), selector 1 and rows to build from
 */
static void
seeds_activity(void)
{
	static const char hexd[] = "0123456789abcdef";
	/* 2024-02-29, 2024-03-31, 2023-02-28, 2025-12-31, the ends of the range */
	static const int32_t as_of[] = {8825, 8856, 8459, 9496, CL_ACT_AS_OF_MIN, CL_ACT_AS_OF_END - 1};
	int			s;

	for (s = 0; s < 6; s++)
	{
		ClActivity	a;
		unsigned char buf[1 + CL_ACT_WIRE_SIZE];
		char		text[1 + 5 + 2 * CL_ACT_WIRE_SIZE];
		int32_t		first_day;
		int			ndays = cl_act_window(as_of[s], &first_day),
					i;

		cl_act_init(&a, as_of[s]);
		for (i = 0; i < 3 * s; i++)
		{
			/* day i * 37 of the 12 months, in the window it falls into */
			int			day = (i * 37 + s) % ndays;
			int			win = day >= ndays - 92 ? CL_ACT_LAST_3M : day >= ndays - 183 ? CL_ACT_PREV_3M : CL_ACT_PREV_6M;
			int64_t		ts = ((int64_t) first_day + day) * INT64_C(86400000000) + INT64_C(3600000000) * i;

			a.n[win]++;
			cl_act_set_day(&a, day);
			cl_act_note_ts(&a, ts, 0);
			if (win != CL_ACT_PREV_6M)
				cl_dec_add(&a.sum[win == CL_ACT_LAST_3M ? CL_ACT_TRANSFER_3M : CL_ACT_TRANSFER_PREV_3M],
						   1250 + 7 * i, i % 4);
			if (i % 3 == 0)
				cl_dec_add(&a.sum[CL_ACT_OTHER_BANK_3M], -(__int128) 99 * i, 2);
		}
		if (s % 2 == 1)
			cl_act_note_ts(&a, ((int64_t) first_day - 40) * INT64_C(86400000000), 1);
		if (s == 3)
			cl_dec_add_special(&a.sum[CL_ACT_OTHER_BANK_3M], CL_DEC_PINF);
		buf[0] = 0;
		cl_act_wire_encode(&a, buf + 1);
		{
			ClActivity	back;
			const char *err = cl_act_wire_decode(buf + 1, CL_ACT_WIRE_SIZE, &back);

			if (err != NULL)
			{
				fprintf(stderr, "activity seed %d refused: %s\n", s, err);
				exit(1);
			}
		}
		put("fuzz_activity", s, buf, sizeof(buf));
		text[0] = 0;
		memcpy(text + 1, "act1:", 5);
		for (i = 0; i < CL_ACT_WIRE_SIZE; i++)
		{
			text[6 + 2 * i] = hexd[buf[1 + i] >> 4];
			text[7 + 2 * i] = hexd[buf[1 + i] & 15];
		}
		put("fuzz_activity", 10 + s, text, sizeof(text));
	}
	for (s = 0; s < 4; s++)
	{
		/*
		 * selector 1: rows, as_of case, as_of (2 bytes), offset (4 bytes),
		 * then per row: flags, ts before the end of as_of (6 bytes), amount
		 * value (8 bytes), scale
		 */
		unsigned char rows[1 + 1 + 1 + 2 + 4 + 32 * 16];
		int			n = 8 + 8 * s,
					i;

		memset(rows, 0, sizeof(rows));
		rows[0] = 1;
		rows[1] = (unsigned char) n;
		rows[2] = (unsigned char) (s == 3 ? 0 : 2);
		rows[3] = (unsigned char) (0x10 + s);
		rows[4] = 0x94;
		rows[5] = (unsigned char) (s * 37);	/* offset: a few hours either way */
		rows[6] = (unsigned char) (s * 11);
		rows[7] = (unsigned char) (s == 2 ? 0x01 : 0);
		for (i = 0; i < n; i++)
		{
			unsigned char *r = rows + 9 + 16 * i;
			uint64_t	back = (uint64_t) (i * 23 % 400) * UINT64_C(86400000000) + (uint64_t) i * UINT64_C(3600000000);
			int64_t		value = 1999 + 1000 * i;
			int			k;

			r[0] = (unsigned char) ((i % 5 == 0 ? 0 : 1) | (i % 2 ? 2 : 0) | (i % 3 == 0 ? 4 : 0) | (i % 2 ? 0 : 8));
			for (k = 0; k < 6; k++)
				r[1 + k] = (unsigned char) (back >> (8 * k));
			memcpy(r + 7, &value, 8);
			r[15] = (unsigned char) (i % 3);
		}
		put("fuzz_activity", 20 + s, rows, 9 + 16 * (size_t) n);
	}
}

/*
 * fuzz_txn_counts: selector 0 and binary forms of states as
 * refresh_txn_counts builds them (also as "txc1:" text), selector 1 and
 * bytes driving the rows of fuzz_build
 */
static void
seeds_txn_counts(void)
{
	static const char hexd[] = "0123456789abcdef";
	const int64_t day = INT64_C(86400000000);
	int			s;

	for (s = 0; s < 4; s++)
	{
		ClTxnCounts c;
		unsigned char buf[1 + CL_TXC_WIRE_SIZE];
		char		text[1 + 5 + 2 * CL_TXC_WIRE_SIZE];
		ClTxnCounts back;
		const char *err;
		int			i;

		/* 2025-12-31 with its windows, then other dates */
		int32_t		as_of = 9496 - 400 * s;

		cl_txc_init(&c, as_of, (int64_t) (as_of - 364) * day, (int64_t) (as_of - 183) * day, (int64_t) (as_of - 364) * day);
		if (s > 0)
		{
			c.n_all = 10 * s;
			c.n_period = s;
			c.last_ts = (int64_t) as_of * day + 3600;
			c.flags = CL_TXC_HAS_LAST | CL_TXC_ACTIVE_SEEN | (s % 2 ? CL_TXC_ACTIVE : 0);
			c.n_channel[s % CL_TXC_NCHANNELS] = s;
			c.n_uncosted = 1;
			c.months[0] = (UINT64_C(1) << s) - 1;
		}
		if (s == 3)
			c.last_ts = INT64_MAX;
		buf[0] = 0;
		cl_txc_wire_encode(&c, buf + 1);
		err = cl_txc_wire_decode(buf + 1, CL_TXC_WIRE_SIZE, &back);
		if (err != NULL)
		{
			fprintf(stderr, "txn_counts seed %d refused: %s\n", s, err);
			exit(1);
		}
		put("fuzz_txn_counts", s, buf, sizeof(buf));
		text[0] = 0;
		memcpy(text + 1, "txc1:", 5);
		for (i = 0; i < CL_TXC_WIRE_SIZE; i++)
		{
			text[6 + 2 * i] = hexd[buf[1 + i] >> 4];
			text[7 + 2 * i] = hexd[buf[1 + i] & 15];
		}
		put("fuzz_txn_counts", 10 + s, text, sizeof(text));
	}
	for (s = 0; s < 4; s++)
	{
		unsigned char rows[1 + 2 + 4 + 2 + 2 + 2 + 1 + 16 * 8];
		int			i;

		memset(rows, 0, sizeof(rows));
		rows[0] = 1;
		rows[1] = (unsigned char) (s * 37);
		rows[3] = (unsigned char) (s * 11);
		rows[7] = 100;
		rows[9] = 50;
		rows[11] = 200;
		rows[13] = 16;
		for (i = 0; i < 16; i++)
		{
			rows[14 + 8 * i] = (unsigned char) (i * 13 + s);
			rows[15 + 8 * i] = (unsigned char) (i * 7);
			rows[18 + 8 * i] = (unsigned char) (i * 29);
			rows[20 + 8 * i] = (unsigned char) i;
		}
		put("fuzz_txn_counts", 20 + s, rows, sizeof(rows));
	}
}

int
main(int argc, char **argv)
{
	if (argc != 2)
	{
		fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
		return 2;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0755) != 0 && errno != EEXIST)
	{
		perror(outdir);
		return 1;
	}
	seeds_fitstate();
	seeds_value();
	seeds_period();
	seeds_evaluation();
	seeds_banding();
	seeds_rfm();
	seeds_rfm_state();
	seeds_activity();
	seeds_txn_counts();
	return 0;
}
