/*
 * features_core.c
 *		The activity state of the features area (see features_core.h).
 */
#include "features_core.h"

#include <string.h>

#include "optim.h"

void
cl_act_init(ClActivity *s, int32_t as_of)
{
	memset(s, 0, sizeof(*s));
	s->as_of = as_of;
}

/* 10^k, 0 <= k <= 38 */
static __int128
dec_pow10(int k)
{
	__int128	p = 1;

	while (k-- > 0)
		p *= 10;
	return p;
}

/* *v * 10^k without overflow (k >= 0); 0 on overflow */
static int
dec_rescale(__int128 *v, int k)
{
	__int128	p = dec_pow10(k);
	__int128	r;

	if (__builtin_mul_overflow(*v, p, &r))
		return 0;
	*v = r;
	return 1;
}

/* the sum of a and b at the larger scale; 0 on overflow */
static int
dec_sum(__int128 a, int sa, __int128 b, int sb, __int128 *r, int *sr)
{
	int			s = sa > sb ? sa : sb;

	if (!dec_rescale(&a, s - sa) || !dec_rescale(&b, s - sb) ||
		__builtin_add_overflow(a, b, r))
		return 0;
	*sr = s;
	return 1;
}

int
cl_dec_add(ClDecSum *s, __int128 value, int scale)
{
	__int128	r;
	int			sr;
	int64_t		n;

	if (scale < 0 || scale > CL_DEC_MAX_SCALE || __builtin_add_overflow(s->n, 1, &n))
		return 0;
	if (s->n == 0)
	{
		r = value;
		sr = scale;
	}
	else if (!dec_sum(cl_dec_value(s), s->scale, value, scale, &r, &sr))
		return 0;
	cl_dec_set_value(s, r);
	s->scale = sr;
	s->n = n;
	return 1;
}

void
cl_dec_add_special(ClDecSum *s, int special)
{
	s->special |= special;
	s->n++;
}

int
cl_dec_merge(ClDecSum *a, const ClDecSum *b)
{
	__int128	r;
	int			sr;
	int64_t		n;

	if (b->n == 0)
		return 1;
	if (__builtin_add_overflow(a->n, b->n, &n))
		return 0;
	if (a->n == 0)
	{
		*a = *b;
		return 1;
	}
	if (!dec_sum(cl_dec_value(a), a->scale, cl_dec_value(b), b->scale, &r, &sr))
		return 0;
	cl_dec_set_value(a, r);
	a->scale = sr;
	a->special |= b->special;
	a->n = n;
	return 1;
}

void
cl_dec_format(const ClDecSum *s, char *buf)
{
	char		digits[48];
	__int128	value = cl_dec_value(s);
	unsigned __int128 mag;
	int			nd = 0,
				i,
				k = 0;

	if ((s->special & CL_DEC_NAN) ||
		((s->special & CL_DEC_PINF) && (s->special & CL_DEC_NINF)))
	{
		strcpy(buf, "NaN");
		return;
	}
	if (s->special & CL_DEC_PINF)
	{
		strcpy(buf, "Infinity");
		return;
	}
	if (s->special & CL_DEC_NINF)
	{
		strcpy(buf, "-Infinity");
		return;
	}
	mag = value < 0 ? (unsigned __int128) 0 - (unsigned __int128) value : (unsigned __int128) value;
	do
	{
		digits[nd++] = (char) ('0' + (int) (mag % 10));
		mag /= 10;
	} while (mag > 0);
	while (nd <= s->scale)
		digits[nd++] = '0';
	if (value < 0)
		buf[k++] = '-';
	for (i = nd - 1; i >= 0; i--)
	{
		buf[k++] = digits[i];
		if (i == s->scale && i > 0)
			buf[k++] = '.';
	}
	buf[k] = '\0';
}

const char *
cl_dec_check(const ClDecSum *s)
{
	if (s->n < 0)
		return "A sum counts a negative number of amounts.";
	if (s->scale < 0 || s->scale > CL_DEC_MAX_SCALE)
		return "A sum has an impossible number of decimals.";
	if (s->special & ~(CL_DEC_NAN | CL_DEC_PINF | CL_DEC_NINF))
		return "A sum has unknown flags.";
	if (s->n == 0 && (s->hi != 0 || s->lo != 0 || s->scale != 0 || s->special != 0))
		return "An empty sum has a value.";
	return NULL;
}

int
cl_act_merge(ClActivity *a, const ClActivity *b)
{
	int64_t		n[CL_ACT_NWINDOWS];
	ClDecSum	sum[CL_ACT_NSUMS];
	int			w,
				i;

	for (w = 0; w < CL_ACT_NWINDOWS; w++)
		if (__builtin_add_overflow(a->n[w], b->n[w], &n[w]))
			return 0;
	for (w = 0; w < CL_ACT_NSUMS; w++)
	{
		sum[w] = a->sum[w];
		if (!cl_dec_merge(&sum[w], &b->sum[w]))
			return 0;
	}
	for (w = 0; w < CL_ACT_NWINDOWS; w++)
		a->n[w] = n[w];
	for (w = 0; w < CL_ACT_NSUMS; w++)
		a->sum[w] = sum[w];
	if (b->flags & CL_ACT_HAS_LAST)
		cl_act_note_ts(a, b->last_ts, 0);
	if (b->flags & CL_ACT_HAS_BEFORE)
	{
		/* keeps last_ts: b's latest was noted above */
		if (!(a->flags & CL_ACT_HAS_BEFORE) || b->before_ts > a->before_ts)
			a->before_ts = b->before_ts;
		a->flags |= CL_ACT_HAS_BEFORE;
	}
	for (i = 0; i < CL_ACT_BITMAP_BYTES; i++)
		a->bits[i] |= b->bits[i];
	return 1;
}

const char *
cl_act_check(const ClActivity *s, int ndays)
{
	int64_t		total = 0;
	int64_t		days = 0;
	int			w,
				i;

	if (ndays < 1 || ndays > CL_ACT_MAX_DAYS)
		return "The window has an impossible number of days.";
	if (s->flags & ~(CL_ACT_HAS_LAST | CL_ACT_HAS_BEFORE))
		return "Unknown flags.";
	for (w = 0; w < CL_ACT_NSUMS; w++)
	{
		const char *bad = cl_dec_check(&s->sum[w]);

		if (bad)
			return bad;
	}
	/* customer-initiated transfers are customer-initiated transactions */
	if (s->sum[CL_ACT_TRANSFER_3M].n > s->n[CL_ACT_LAST_3M] ||
		s->sum[CL_ACT_TRANSFER_PREV_3M].n > s->n[CL_ACT_PREV_3M])
		return "More transfers than transactions in a window.";
	for (w = 0; w < CL_ACT_NWINDOWS; w++)
	{
		if (s->n[w] < 0)
			return "A count is negative.";
		if (__builtin_add_overflow(total, s->n[w], &total))
			return "The counts overflow.";
	}
	for (i = 0; i < CL_ACT_BITMAP_BYTES * 8; i++)
	{
		if (!(s->bits[i >> 3] & (0x80 >> (i & 7))))
			continue;
		if (i >= ndays)
			return "An activity day lies after as_of.";
		days++;
	}
	if ((days > 0) != (total > 0) || days > total)
		return "The activity days do not match the transactions counted.";
	if ((total > 0 || (s->flags & CL_ACT_HAS_BEFORE)) && !(s->flags & CL_ACT_HAS_LAST))
		return "Transactions were counted but the latest one is missing.";
	if (!(s->flags & CL_ACT_HAS_LAST) && s->last_ts != 0)
		return "A latest transaction is set without its flag.";
	if (!(s->flags & CL_ACT_HAS_BEFORE) && s->before_ts != 0)
		return "A transaction before the window is set without its flag.";
	if ((s->flags & CL_ACT_HAS_BEFORE) && s->before_ts > s->last_ts)
		return "The latest transaction before the window is after the latest one.";
	return NULL;
}

int
cl_act_longest_gap(const uint8_t *bits, int nbits, int32_t first_day,
				   int has_prev, int32_t prev,
				   int32_t *gap, int32_t *started, int32_t *ended)
{
	int64_t		best = -1;
	int			i;

	for (i = 0; i < nbits; i++)
	{
		int32_t		d;

		if ((i & 1023) == 0 && cl_optim_interrupt)
			cl_optim_interrupt();
		if ((i & 7) == 0 && bits[i >> 3] == 0)
		{
			i += 7;				/* a byte without activity days */
			continue;
		}
		if (!(bits[i >> 3] & (0x80 >> (i & 7))))
			continue;
		d = first_day + i;
		if (has_prev && (int64_t) d - prev >= best)	/* the latest gap wins a tie */
		{
			best = (int64_t) d - prev;
			*started = prev;
			*ended = d;
		}
		prev = d;
		has_prev = 1;
	}
	if (best < 0)
		return 0;
	*gap = (int32_t) best;
	return 1;
}
