/*
 * txn_counts.c
 *		The state of clientele.refresh_txn_counts (see txn_counts.h).
 */
#include "txn_counts.h"

#include <string.h>

#include "features_core.h"
#include "le.h"

void
cl_txc_init(ClTxnCounts *s, int32_t as_of, int64_t period_from,
			int64_t recent_from, int64_t months_from)
{
	memset(s, 0, sizeof(*s));
	s->as_of = as_of;
	s->period_from = period_from;
	s->recent_from = recent_from;
	s->months_from = months_from;
}

int
cl_txc_same_group(const ClTxnCounts *a, const ClTxnCounts *b)
{
	return a->as_of == b->as_of && a->period_from == b->period_from &&
		a->recent_from == b->recent_from && a->months_from == b->months_from;
}

int
cl_txc_merge(ClTxnCounts *a, const ClTxnCounts *b)
{
	int64_t		n_all;
	int			i;

	if (__builtin_add_overflow(a->n_all, b->n_all, &n_all))
		return 0;
	/* every other count is at most n_all: no overflow below */
	a->n_all = n_all;
	a->n_period += b->n_period;
	a->n_uncosted += b->n_uncosted;
	for (i = 0; i < CL_TXC_NCHANNELS; i++)
		a->n_channel[i] += b->n_channel[i];
	if (b->flags & CL_TXC_HAS_LAST)
	{
		if (!(a->flags & CL_TXC_HAS_LAST) || b->last_ts > a->last_ts)
			a->last_ts = b->last_ts;
	}
	a->flags |= b->flags;
	for (i = 0; i < CL_TXC_MONTHS / 64; i++)
		a->months[i] |= b->months[i];
	return 1;
}

int
cl_txc_months_active(const ClTxnCounts *s)
{
	int			n = 0;
	int			i;

	for (i = 0; i < CL_TXC_MONTHS / 64; i++)
		n += __builtin_popcountll(s->months[i]);
	return n;
}

static int
txc_ts_ok(int64_t ts)
{
	return ts >= CL_ACT_TS_MIN && ts < CL_ACT_TS_END;
}

const char *
cl_txc_check(const ClTxnCounts *s)
{
	int64_t		sum = 0;
	int			months = cl_txc_months_active(s);
	int			i;

	if (s->as_of < CL_ACT_AS_OF_MIN || s->as_of >= CL_ACT_AS_OF_END)
		return "as_of is out of range.";
	if (!txc_ts_ok(s->period_from) || !txc_ts_ok(s->recent_from) || !txc_ts_ok(s->months_from))
		return "A window start is not a finite timestamp.";
	if (s->flags & ~CL_TXC_FLAGS)
		return "Unknown flags.";
	if ((s->flags & CL_TXC_ACTIVE) && !(s->flags & CL_TXC_ACTIVE_SEEN))
		return "Active without an activity seen.";
	if (s->n_all < 0 || s->n_period < 0 || s->n_uncosted < 0)
		return "A count is negative.";
	if (s->n_period > s->n_all)
		return "More period transactions than rows.";
	sum = s->n_uncosted;
	for (i = 0; i < CL_TXC_NCHANNELS; i++)
	{
		if (s->n_channel[i] < 0)
			return "A channel count is negative.";
		if (__builtin_add_overflow(sum, s->n_channel[i], &sum) || sum > s->n_all)
			return "More transactions by channel than rows.";
	}
	if ((int64_t) months > s->n_all)
		return "More months with activity than rows.";
	if ((s->flags & (CL_TXC_HAS_LAST | CL_TXC_ACTIVE_SEEN)) && s->n_all == 0)
		return "A transaction noted without a row.";
	if (!(s->flags & CL_TXC_HAS_LAST))
	{
		if (s->last_ts != 0)
			return "A latest transaction without its flag.";
		if (s->n_period > 0 || (s->flags & CL_TXC_ACTIVE) || months > 0)
			return "A customer-initiated transaction counted without a latest one.";
		return NULL;
	}
	/* -infinity and infinity are timestamps too (max(ts) returns them) */
	if (!txc_ts_ok(s->last_ts) && s->last_ts != INT64_MIN && s->last_ts != INT64_MAX)
		return "The latest transaction is not a timestamp.";
	if (s->n_period > 0 && s->last_ts < s->period_from)
		return "A period transaction after the latest one.";
	if ((s->flags & CL_TXC_ACTIVE) && s->last_ts < s->recent_from)
		return "An activity after the latest transaction.";
	if (months > 0 && s->last_ts < s->months_from)
		return "A month with activity after the latest transaction.";
	return NULL;
}

void
cl_txc_wire_encode(const ClTxnCounts *s, unsigned char *out)
{
	unsigned char *p = out;
	int			i;

	*p++ = CL_TXC_WIRE_VERSION;
	*p++ = (unsigned char) s->flags;
	cl_put_i32(p, s->as_of);
	p += 4;
	cl_put_i64(p, s->period_from);
	p += 8;
	cl_put_i64(p, s->recent_from);
	p += 8;
	cl_put_i64(p, s->months_from);
	p += 8;
	cl_put_i64(p, s->last_ts);
	p += 8;
	cl_put_i64(p, s->n_all);
	p += 8;
	cl_put_i64(p, s->n_period);
	p += 8;
	cl_put_i64(p, s->n_uncosted);
	p += 8;
	for (i = 0; i < CL_TXC_NCHANNELS; i++)
	{
		cl_put_i64(p, s->n_channel[i]);
		p += 8;
	}
	for (i = 0; i < CL_TXC_MONTHS / 64; i++)
	{
		cl_put_i64(p, (int64_t) s->months[i]);
		p += 8;
	}
}

const char *
cl_txc_wire_decode(const unsigned char *buf, size_t len, ClTxnCounts *s)
{
	const unsigned char *p = buf;
	int			i;

	if (len != CL_TXC_WIRE_SIZE)
		return "The value has the wrong length.";
	if (*p++ != CL_TXC_WIRE_VERSION)
		return "Unknown version.";
	memset(s, 0, sizeof(*s));
	s->flags = *p++;
	s->as_of = cl_get_i32(p);
	p += 4;
	s->period_from = cl_get_i64(p);
	p += 8;
	s->recent_from = cl_get_i64(p);
	p += 8;
	s->months_from = cl_get_i64(p);
	p += 8;
	s->last_ts = cl_get_i64(p);
	p += 8;
	s->n_all = cl_get_i64(p);
	p += 8;
	s->n_period = cl_get_i64(p);
	p += 8;
	s->n_uncosted = cl_get_i64(p);
	p += 8;
	for (i = 0; i < CL_TXC_NCHANNELS; i++)
	{
		s->n_channel[i] = cl_get_i64(p);
		p += 8;
	}
	for (i = 0; i < CL_TXC_MONTHS / 64; i++)
	{
		s->months[i] = (uint64_t) cl_get_i64(p);
		p += 8;
	}
	return cl_txc_check(s);
}
