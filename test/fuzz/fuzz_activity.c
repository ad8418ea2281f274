/*
 * fuzz_activity.c
 *		clientele.activity_state typed in or received by a user: the binary
 *		form (what activity_state_recv gets, and what the text form "act1:" +
 *		hex decodes to) goes through cl_act_wire_decode(), the src/core
 *		function activity_state_in / activity_state_recv call.
 *
 * The first byte selects the property:
 *	- even: the rest is a binary form (or "act1:" + hex, decoded by
 *	  cl_hex_decode as activity_state_in does).  Whatever the decoder accepts
 *	  must keep the aggregate's invariants (as_of in range, cl_act_check over
 *	  the days of its 12 months, timestamps in range) and encode back to the
 *	  very same bytes: encode(decode(b)) == b.  It must merge with an empty
 *	  state into itself, merge with itself into a valid state (or be
 *	  refused), and the final function's gap must lie in its window.
 *	- odd: the rest drives the aggregate's own arithmetic (as_of, a fixed
 *	  session time zone offset, rows of (timestamp, customer-initiated,
 *	  transfer out, counterparty bank, amount), as src/features.c's
 *	  transition adds them) into one serial state and two partial ones; the
 *	  partial states merged (either order) must equal the serial one, and
 *	  every state must pass the check and come back from its binary form
 *	  field for field: decode(encode(s)) == s.
 */
#include "fuzz.h"

#include "features_core.h"

#define MAX_ROWS 64
#define USECS_PER_DAY INT64_C(86400000000)

/* every field the binary form carries, plus the final function's reading */
static void
check_state(const ClActivity *s, const char *what)
{
	unsigned char wire[CL_ACT_WIRE_SIZE];
	ClActivity	d;
	const char *err;
	int32_t		first_day,
				gap,
				started,
				ended;
	int32_t		gs[CL_ACT_MAX_GAPS],
				ge[CL_ACT_MAX_GAPS];
	int			ndays,
				ngaps,
				k;

	FUZZ_CHECK(s->as_of >= CL_ACT_AS_OF_MIN && s->as_of < CL_ACT_AS_OF_END, what);
	ndays = cl_act_window(s->as_of, &first_day);
	FUZZ_CHECK(ndays == 365 || ndays == 366, "12 months have 365 or 366 days");
	FUZZ_CHECK(cl_act_months_before(s->as_of, 12) == first_day - 1, "the window starts a day after as_of - 12 months");
	err = cl_act_check(s, ndays);
	if (err != NULL)
		fprintf(stderr, "%s: %s\n", what, err);
	FUZZ_CHECK(err == NULL, what);
	cl_act_wire_encode(s, wire);
	err = cl_act_wire_decode(wire, sizeof(wire), &d);
	if (err != NULL)
		fprintf(stderr, "%s: refused: %s\n", what, err);
	FUZZ_CHECK(err == NULL, "an encoded state is accepted");
	FUZZ_CHECK(memcmp(&d, s, sizeof(d)) == 0, "decode(encode(s)) == s");
	if (s->flags & CL_ACT_HAS_LAST)
		FUZZ_CHECK(s->last_ts >= CL_ACT_TS_MIN && s->last_ts < CL_ACT_TS_END, "latest transaction a timestamp");
	if (s->flags & CL_ACT_HAS_BEFORE)
		FUZZ_CHECK(s->before_ts >= CL_ACT_TS_MIN && s->before_ts < CL_ACT_TS_END, "earlier transaction a timestamp");

	/* what the final function reads off the state */
	ngaps = cl_act_gaps(s->bits, ndays, first_day, 1, first_day - 1000, gs, ge);
	FUZZ_CHECK(ngaps >= 0 && ngaps <= CL_ACT_MAX_GAPS, "at most CL_ACT_MAX_GAPS gaps of 28 days or more");
	for (k = 0; k < ngaps; k++)
		FUZZ_CHECK(ge[k] - gs[k] >= CL_ACT_GAP_MIN_DAYS && ge[k] >= first_day && ge[k] <= s->as_of &&
				   (k == 0 ? gs[k] >= first_day - 1000 : gs[k] >= ge[k - 1]), "gaps of 28 days or more, in order, in the window");
	if (cl_act_longest_gap(s->bits, ndays, first_day, 1, first_day - 1000, &gap, &started, &ended))
	{
		FUZZ_CHECK(gap > 0 && gap == ended - started && ended >= first_day && ended <= s->as_of &&
				   started >= first_day - 1000, "the longest gap ends in the window");
		if (gap >= CL_ACT_GAP_MIN_DAYS)
		{
			int			found = 0;

			for (k = 0; k < ngaps; k++)
			{
				FUZZ_CHECK(ge[k] - gs[k] <= gap, "no listed gap is longer than the longest");
				found |= ge[k] == ended && gs[k] == started;
			}
			FUZZ_CHECK(found, "the longest gap is listed");
		}
		else
			FUZZ_CHECK(ngaps == 0, "no gap of 28 days when the longest is shorter");
	}
	else
		FUZZ_CHECK(s->n[CL_ACT_LAST_3M] + s->n[CL_ACT_PREV_3M] + s->n[CL_ACT_PREV_6M] == 0,
				   "an activity day in the window has a predecessor before it");
	for (k = 0; k < CL_ACT_NSUMS; k++)
	{
		char		buf[64];

		cl_dec_format(&s->sum[k], buf);
		FUZZ_CHECK(strlen(buf) > 0 && strlen(buf) < sizeof(buf), "a sum prints");
	}
}

static void
fuzz_decode(const uint8_t *data, size_t size)
{
	unsigned char *buf;
	const unsigned char *in;
	size_t		len;
	ClActivity	s,
				t,
				empty;
	unsigned char again[CL_ACT_WIRE_SIZE];

	if (!fuzz_text_form(data, size, "act1:", &buf, &in, &len))
	{
		free(buf);
		return;					/* activity_state_in refuses it before decoding */
	}
	if (cl_act_wire_decode(in, len, &s) == NULL)
	{
		FUZZ_CHECK(len == CL_ACT_WIRE_SIZE, "only the exact size is accepted");
		check_state(&s, "an accepted state is valid");
		cl_act_wire_encode(&s, again);
		FUZZ_CHECK(memcmp(again, in, len) == 0, "encode(decode(b)) == b");

		/* the combine function over what was accepted */
		cl_act_init(&empty, s.as_of);
		t = s;
		FUZZ_CHECK(cl_act_merge(&t, &empty) && memcmp(&t, &s, sizeof(t)) == 0, "s + empty == s");
		t = empty;
		FUZZ_CHECK(cl_act_merge(&t, &s) && memcmp(&t, &s, sizeof(t)) == 0, "empty + s == s");
		if (cl_act_merge(&t, &s))
			check_state(&t, "s + s is valid");
		else
			FUZZ_CHECK(memcmp(&t, &s, sizeof(t)) == 0, "a refused merge leaves the state alone");
	}
	free(buf);
}

/* a row of the aggregate (src/features.c: clientele_activity_trans) */
typedef struct Row
{
	int64_t		ts;
	int			ci;				/* customer_initiated */
	int			transfer_out;	/* kind 'transfer', direction 'out' */
	int			bank;			/* counterparty_bank not NULL */
	int			special;		/* 0, or a non-finite amount */
	int64_t		value;			/* amount = value / 10^scale */
	int			scale;
	int			part;			/* the partial state it goes to */
} Row;

/* the windows of as_of under a fixed session time zone offset (act_windows) */
typedef struct Win
{
	int32_t		first_day;
	int			ndays;
	int64_t		offset;			/* east of UTC, microseconds */
	int64_t		ts_end,
				t3,
				t6,
				t12;
} Win;

/* the start of a local day, as a timestamp */
static int64_t
day_start(const Win *w, int32_t d)
{
	return (int64_t) d * USECS_PER_DAY - w->offset;
}

/* act_add_amount: 0 when the aggregate raises "out of range" */
static int
add_amount(ClDecSum *s, const Row *r)
{
	if (r->special)
	{
		cl_dec_add_special(s, r->special);
		return 1;
	}
	return cl_dec_add(s, r->value, r->scale);
}

/* the transition over one row; 0 when the aggregate raises an error */
static int
trans(ClActivity *s, const Win *w, const Row *r)
{
	if (r->ts >= w->ts_end)
		return 1;
	if (r->ci)
	{
		if (r->ts >= w->t12)
		{
			int64_t		local = r->ts + w->offset;
			int64_t		day = local / USECS_PER_DAY - (local % USECS_PER_DAY < 0 ? 1 : 0);
			int64_t		i = day - w->first_day;
			int			win = r->ts >= w->t3 ? CL_ACT_LAST_3M : r->ts >= w->t6 ? CL_ACT_PREV_3M : CL_ACT_PREV_6M;

			FUZZ_CHECK(i >= 0 && i < w->ndays, "a transaction of the 12 months has its day in the bitmap");
			if (!cl_act_count(s, win))
				return 0;
			cl_act_set_day(s, (int) i);
			cl_act_note_ts(s, r->ts, 0);
			if (r->transfer_out && win != CL_ACT_PREV_6M &&
				!add_amount(&s->sum[win == CL_ACT_LAST_3M ? CL_ACT_TRANSFER_3M : CL_ACT_TRANSFER_PREV_3M], r))
				return 0;
		}
		else
			cl_act_note_ts(s, r->ts, 1);
	}
	if (r->transfer_out && r->ts >= w->t3 && r->bank && !add_amount(&s->sum[CL_ACT_OTHER_BANK_3M], r))
		return 0;
	return 1;
}

static void
fuzz_build(const uint8_t *data, size_t size)
{
	FuzzIn		bytes = {data, size};
	FuzzIn	   *in = &bytes;
	static const int specials[] = {CL_DEC_NAN, CL_DEC_PINF, CL_DEC_NINF};
	Row			rows[MAX_ROWS];
	Win			w;
	ClActivity	serial,
				part[2],
				m;
	int32_t		as_of;
	int			nrows = (int) (fuzz_u64(in, 1) % (MAX_ROWS + 1));
	int			i,
				ok;

	/* as_of within the range the aggregate takes, sometimes at its ends */
	switch (fuzz_u64(in, 1) % 4)
	{
		case 0:
			as_of = CL_ACT_AS_OF_MIN + (int32_t) (fuzz_u64(in, 2) % 1000);
			break;
		case 1:
			as_of = CL_ACT_AS_OF_END - 1 - (int32_t) (fuzz_u64(in, 2) % 1000);
			break;
		default:
			as_of = (int32_t) (fuzz_u64(in, 2) % 60000) - 30000;
	}
	/* a fixed offset of at most 15:59:59 either way */
	w.offset = ((int64_t) (fuzz_u64(in, 4) % (2 * 57599 + 1)) - 57599) * INT64_C(1000000);
	w.ndays = cl_act_window(as_of, &w.first_day);
	w.ts_end = day_start(&w, as_of + 1);
	w.t3 = day_start(&w, cl_act_months_before(as_of, 3) + 1);
	w.t6 = day_start(&w, cl_act_months_before(as_of, 6) + 1);
	w.t12 = day_start(&w, w.first_day);
	FUZZ_CHECK(w.ndays == 365 || w.ndays == 366, "12 months have 365 or 366 days");
	FUZZ_CHECK(w.t12 < w.t6 && w.t6 < w.t3 && w.t3 < w.ts_end, "the windows are in order");

	for (i = 0; i < nrows; i++)
	{
		Row		   *r = &rows[i];
		uint64_t	bits = fuzz_u64(in, 1);

		/* up to about 500 days before the end of as_of, now and then after it */
		r->ts = w.ts_end - 1 - (int64_t) (fuzz_u64(in, 6) % (UINT64_C(500) * USECS_PER_DAY));
		if (bits & 0x80)
			r->ts += USECS_PER_DAY;
		if (r->ts < CL_ACT_TS_MIN || r->ts >= CL_ACT_TS_END)
			return;				/* not a timestamp: the aggregate never sees it */
		r->ci = (bits & 1) != 0;
		r->transfer_out = (bits & 2) != 0;
		r->bank = (bits & 4) != 0;
		r->part = (bits & 8) != 0;
		r->special = (bits & 0x70) == 0x70 ? specials[fuzz_u64(in, 1) % 3] : 0;
		r->value = (int64_t) fuzz_u64(in, 8);
		r->scale = (int) (fuzz_u64(in, 1) % (CL_DEC_MAX_SCALE + 1));
	}

	cl_act_init(&serial, as_of);
	cl_act_init(&part[0], as_of);
	cl_act_init(&part[1], as_of);
	for (i = 0; i < nrows; i++)
		if (!trans(&serial, &w, &rows[i]) || !trans(&part[rows[i].part], &w, &rows[i]))
			return;				/* the aggregate raises an error */
	check_state(&serial, "the serial state is valid");
	check_state(&part[0], "a partial state is valid");
	check_state(&part[1], "a partial state is valid");

	/* the combine function: parts merged in either order give the serial state */
	m = part[0];
	ok = cl_act_merge(&m, &part[1]);
	if (ok)
	{
		check_state(&m, "the merged state is valid");
		FUZZ_CHECK(memcmp(&m, &serial, sizeof(m)) == 0, "part 0 + part 1 == serial");
	}
	else
		FUZZ_CHECK(memcmp(&m, &part[0], sizeof(m)) == 0, "a refused merge leaves the state alone");
	m = part[1];
	FUZZ_CHECK(cl_act_merge(&m, &part[0]) == ok, "merge refuses in either order");
	if (ok)
		FUZZ_CHECK(memcmp(&m, &serial, sizeof(m)) == 0, "part 1 + part 0 == serial");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 0 && data[0] % 2 == 0)
		fuzz_decode(data + 1, size - 1);
	else if (size > 0)
		fuzz_build(data + 1, size - 1);
	return 0;
}
