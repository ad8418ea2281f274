/*
 * fuzz_txn_counts.c
 *		clientele.refresh_txn_state typed in or received by a user: the binary
 *		form (what refresh_txn_state_recv gets, and what the text form "txc1:"
 *		+ hex decodes to) goes through cl_txc_wire_decode(), the src/core
 *		function refresh_txn_state_in / refresh_txn_state_recv call.
 *
 * The first byte selects the property:
 *	- even: the rest is a binary form (or "txc1:" + hex).  Whatever the
 *	  decoder accepts must pass cl_txc_check, encode back to the very same
 *	  bytes, merge with an empty state into itself and with itself into a
 *	  valid state (or be refused, unchanged).
 *	- odd: the rest drives the aggregate's own arithmetic (the constants,
 *	  rows of (timestamp or NULL, initiator true/false/NULL, kind class,
 *	  channel class), as src/txn_counts.c's transition adds them with a
 *	  fixed-offset zone) into one serial state and two partial ones; the
 *	  partial states merged (either order) must equal the serial one, and
 *	  every state must pass the check and come back from its binary form.
 */
#include "fuzz.h"

#include "features_core.h"
#include "txn_counts.h"

#define MAX_ROWS 64
#define USECS_PER_DAY INT64_C(86400000000)

static void
check_state(const ClTxnCounts *s, const char *what)
{
	unsigned char wire[CL_TXC_WIRE_SIZE];
	ClTxnCounts d;
	const char *err = cl_txc_check(s);

	if (err != NULL)
		fprintf(stderr, "%s: %s\n", what, err);
	FUZZ_CHECK(err == NULL, what);
	cl_txc_wire_encode(s, wire);
	err = cl_txc_wire_decode(wire, sizeof(wire), &d);
	if (err != NULL)
		fprintf(stderr, "%s: refused: %s\n", what, err);
	FUZZ_CHECK(err == NULL, "an encoded state is accepted");
	FUZZ_CHECK(memcmp(&d, s, sizeof(d)) == 0, "decode(encode(s)) == s");
	FUZZ_CHECK(cl_txc_months_active(s) >= 0 && cl_txc_months_active(s) <= CL_TXC_MONTHS, "months in range");
}

static void
fuzz_decode(const uint8_t *data, size_t size)
{
	unsigned char *buf;
	const unsigned char *in;
	size_t		len;
	ClTxnCounts s,
				t,
				empty;
	unsigned char again[CL_TXC_WIRE_SIZE];

	if (!fuzz_text_form(data, size, "txc1:", &buf, &in, &len))
	{
		free(buf);
		return;					/* refresh_txn_state_in refuses it before decoding */
	}
	if (cl_txc_wire_decode(in, len, &s) == NULL)
	{
		FUZZ_CHECK(len == CL_TXC_WIRE_SIZE, "only the exact size is accepted");
		check_state(&s, "an accepted state is valid");
		cl_txc_wire_encode(&s, again);
		FUZZ_CHECK(memcmp(again, in, len) == 0, "encode(decode(b)) == b");

		cl_txc_init(&empty, s.as_of, s.period_from, s.recent_from, s.months_from);
		FUZZ_CHECK(cl_txc_same_group(&s, &empty), "an empty state of the same constants is of the group");
		t = s;
		FUZZ_CHECK(cl_txc_merge(&t, &empty) && memcmp(&t, &s, sizeof(t)) == 0, "s + empty == s");
		t = empty;
		FUZZ_CHECK(cl_txc_merge(&t, &s) && memcmp(&t, &s, sizeof(t)) == 0, "empty + s == s");
		if (cl_txc_merge(&t, &s))
			check_state(&t, "s + s is valid");
		else
			FUZZ_CHECK(memcmp(&t, &s, sizeof(t)) == 0, "a refused merge leaves the state alone");
	}
	free(buf);
}

/* a row of the aggregate (src/txn_counts.c: clientele_refresh_txn_trans) */
typedef struct Row
{
	int			ts_null;
	int64_t		ts;
	int			ci;				/* 0 false, 1 true, 2 NULL */
	int			kind;			/* 0 NULL, 1 enquiry, 2 deposit/withdrawal/transfer, 3 other */
	int			channel;		/* 0 NULL, 1..6 a costed channel, 7 other */
	int			part;
} Row;

#define F 0
#define T 1
#define N 2
#define AND(a, b) ((a) == F || (b) == F ? F : (a) == N || (b) == N ? N : T)

/* the month index of a local day (days from 2000-01-01), as extract() numbers it */
static int32_t
month_of_day(int64_t day)
{
	/* civil from days (Howard Hinnant), proleptic Gregorian, year 0 = 1 BC */
	int64_t		z = day + 730425;	/* days from 0000-03-01 */
	int64_t		era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t		doe = z - era * 146097;
	int64_t		yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t		doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t		mp = (5 * doy + 2) / 153;
	int64_t		m = mp < 10 ? mp + 3 : mp - 9;
	int64_t		y = yoe + era * 400 + (m <= 2);

	return (int32_t) ((y > 0 ? y : y - 1) * 12 + m);
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/* the transition over one row; offset: the zone's, microseconds east of UTC */
static void
trans(ClTxnCounts *s, int64_t offset, const Row *r)
{
	int			not_enquiry = r->kind == 0 ? N : r->kind == 1 ? F : T;
	int			active_kind = r->kind == 0 ? N : r->kind == 3 ? F : T;
	int			in_period = r->ts_null ? N : r->ts >= s->period_from ? T : F;
	int			v;

	s->n_all++;
	if (AND(r->ci, AND(not_enquiry, in_period)) == T)
		s->n_period++;
	if (r->ci == T && !r->ts_null)
	{
		if (!(s->flags & CL_TXC_HAS_LAST) || r->ts > s->last_ts)
			s->last_ts = r->ts;
		s->flags |= CL_TXC_HAS_LAST;
		if (r->ts >= s->months_from)
		{
			int32_t		k = month_of_day(s->as_of) - month_of_day(floor_div(r->ts + offset, USECS_PER_DAY));

			if (k >= 0 && k < CL_TXC_MONTHS)
				s->months[k / 64] |= UINT64_C(1) << (k % 64);
		}
	}
	v = AND(r->ci, AND(active_kind, r->ts_null ? N : r->ts >= s->recent_from ? T : F));
	if (v != N)
		s->flags |= CL_TXC_ACTIVE_SEEN | (v == T ? CL_TXC_ACTIVE : 0);
	if (in_period == T)
	{
		if (r->channel >= 1 && r->channel <= CL_TXC_NCHANNELS)
			s->n_channel[r->channel - 1]++;
		else
			s->n_uncosted++;
	}
}

static void
fuzz_build(const uint8_t *data, size_t size)
{
	FuzzIn		bytes = {data, size};
	FuzzIn	   *in = &bytes;
	Row			rows[MAX_ROWS];
	ClTxnCounts serial,
				part[2],
				m;
	int32_t		as_of = (int32_t) (fuzz_u64(in, 2) % 20000) - 5000;
	int64_t		end = ((int64_t) as_of + 1) * USECS_PER_DAY;
	int64_t		offset = ((int64_t) (fuzz_u64(in, 4) % (2 * 57599 + 1)) - 57599) * INT64_C(1000000);
	int64_t		period_from = end - (int64_t) (fuzz_u64(in, 2) % 800) * USECS_PER_DAY;
	int64_t		recent_from = end - (int64_t) (fuzz_u64(in, 2) % 800) * USECS_PER_DAY;
	int64_t		months_from = end - (int64_t) (fuzz_u64(in, 2) % 3000) * USECS_PER_DAY;
	int			nrows = (int) (fuzz_u64(in, 1) % (MAX_ROWS + 1));
	int			i,
				ok;

	for (i = 0; i < nrows; i++)
	{
		Row		   *r = &rows[i];
		uint64_t	bits = fuzz_u64(in, 1);

		r->ts_null = (bits & 0x80) != 0 && (bits & 0x40) != 0;
		r->ts = r->ts_null ? 0 : (bits & 0x40) && (bits & 0x20) ? INT64_MIN
			: end - 1 - (int64_t) (fuzz_u64(in, 6) % (UINT64_C(3000) * USECS_PER_DAY));
		r->ci = (int) (bits & 3) == 3 ? N : (int) (bits & 1);
		r->kind = (int) ((bits >> 2) & 3);
		r->channel = (int) (fuzz_u64(in, 1) % 8);
		r->part = (bits & 0x10) != 0;
	}
	cl_txc_init(&serial, as_of, period_from, recent_from, months_from);
	part[0] = part[1] = serial;
	for (i = 0; i < nrows; i++)
	{
		trans(&serial, offset, &rows[i]);
		trans(&part[rows[i].part], offset, &rows[i]);
	}
	check_state(&serial, "the serial state is valid");
	check_state(&part[0], "a partial state is valid");
	check_state(&part[1], "a partial state is valid");
	m = part[0];
	ok = cl_txc_merge(&m, &part[1]);
	FUZZ_CHECK(ok, "small counts merge");
	check_state(&m, "the merged state is valid");
	FUZZ_CHECK(memcmp(&m, &serial, sizeof(m)) == 0, "part 0 + part 1 == serial");
	m = part[1];
	FUZZ_CHECK(cl_txc_merge(&m, &part[0]) && memcmp(&m, &serial, sizeof(m)) == 0, "part 1 + part 0 == serial");
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
