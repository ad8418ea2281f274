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
	int64_t		total = 0;
	ClDecSum	sum[CL_ACT_NSUMS];
	int			w,
				i;

	/* the total too must stay in range, as cl_act_check requires */
	for (w = 0; w < CL_ACT_NWINDOWS; w++)
		if (__builtin_add_overflow(a->n[w], b->n[w], &n[w]) ||
			__builtin_add_overflow(total, n[w], &total))
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

/*
 * The offset of the first activity day at or after *i (bits of nbits days),
 * -1 when none; *i is left after it.  A byte at a time: the days of *i's
 * byte from *i on, the first of them by counting leading zeros.  Polls
 * cl_optim_interrupt every 1024 days.
 */
static int
act_next_day(const uint8_t *bits, int nbits, int *i)
{
	while (*i < nbits)
	{
		unsigned int v;
		int			k;

		if ((*i & 1023) == 0 && cl_optim_interrupt)
			cl_optim_interrupt();
		v = bits[*i >> 3] & (0xFFu >> (*i & 7));
		if (v == 0)
		{
			*i = (*i | 7) + 1;	/* the next byte */
			continue;
		}
		k = (*i & ~7) + (__builtin_clz(v) - 24);	/* bit 0x80 is the byte's first day */
		if (k >= nbits)
			break;
		*i = k + 1;
		return k;
	}
	*i = nbits;
	return -1;
}

int
cl_act_longest_gap(const uint8_t *bits, int nbits, int32_t first_day,
				   int has_prev, int32_t prev,
				   int32_t *gap, int32_t *started, int32_t *ended)
{
	int64_t		best = -1;
	int			i = 0,
				k;

	while ((k = act_next_day(bits, nbits, &i)) >= 0)
	{
		int32_t		d = first_day + k;

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

int
cl_act_gaps(const uint8_t *bits, int nbits, int32_t first_day, int has_prev, int32_t prev,
			int32_t *started, int32_t *ended)
{
	int			n = 0;
	int			i = 0,
				k;

	while ((k = act_next_day(bits, nbits, &i)) >= 0)
	{
		int32_t		d = first_day + k;

		if (has_prev && (int64_t) d - prev >= CL_ACT_GAP_MIN_DAYS && n < CL_ACT_MAX_GAPS)
		{
			started[n] = prev;
			ended[n] = d;
			n++;
		}
		prev = d;
		has_prev = 1;
	}
	return n;
}

/* --- the calendar of the 12 months ---------------------------------------- */

/* days from 2000-01-01 of y-m-d (proleptic Gregorian; year 0 is 1 BC) */
static int64_t
act_days_from_civil(int64_t y, int m, int d)
{
	int64_t		era,
				yoe,
				doy,
				doe;

	/* years start in March, so that February 29 is the last day of a year */
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	/* 719468: 0000-03-01 to 1970-01-01; 10957: 1970-01-01 to 2000-01-01 */
	return era * 146097 + doe - 719468 - 10957;
}

/* the calendar date of a day number from 2000-01-01 */
static void
act_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t		era,
				doe,
				yoe,
				doy,
				mp;

	z += 719468 + 10957;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int) (doy - (153 * mp + 2) / 5 + 1);
	*m = (int) (mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int
act_days_in_month(int64_t y, int m)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return mdays[m - 1];
}

int32_t
cl_act_months_before(int32_t day, int months)
{
	int64_t		y,
				t,
				y2;
	int			m,
				d,
				m2,
				dim;

	act_civil_from_days(day, &y, &m, &d);
	/* months since year 0, floor-divided back into year and month */
	t = y * 12 + (m - 1) - months;
	y2 = t >= 0 ? t / 12 : -((-t + 11) / 12);
	m2 = (int) (t - y2 * 12) + 1;
	dim = act_days_in_month(y2, m2);
	if (d > dim)
		d = dim;
	return (int32_t) act_days_from_civil(y2, m2, d);
}

int
cl_act_window(int32_t as_of, int32_t *first_day)
{
	*first_day = cl_act_months_before(as_of, 12) + 1;
	return (int) (as_of - *first_day + 1);
}

/* --- the binary form --------------------------------------------------------- */

static unsigned char *
act_put_be(unsigned char *p, uint64_t v, int bytes)
{
	int			i;

	for (i = 0; i < bytes; i++)
		p[i] = (unsigned char) (v >> (8 * (bytes - 1 - i)));
	return p + bytes;
}

static uint64_t
act_get_be(const unsigned char **p, int bytes)
{
	uint64_t	v = 0;
	int			i;

	for (i = 0; i < bytes; i++)
		v = (v << 8) | (*p)[i];
	*p += bytes;
	return v;
}

void
cl_act_wire_encode(const ClActivity *s, unsigned char *out)
{
	unsigned char *p = out;
	int			w;

	*p++ = CL_ACT_WIRE_VERSION;
	*p++ = (unsigned char) s->flags;
	p = act_put_be(p, (uint32_t) s->as_of, 4);
	p = act_put_be(p, (uint64_t) s->last_ts, 8);
	p = act_put_be(p, (uint64_t) s->before_ts, 8);
	for (w = 0; w < CL_ACT_NWINDOWS; w++)
		p = act_put_be(p, (uint64_t) s->n[w], 8);
	for (w = 0; w < CL_ACT_NSUMS; w++)
	{
		const ClDecSum *d = &s->sum[w];

		p = act_put_be(p, (uint64_t) d->hi, 8);
		p = act_put_be(p, d->lo, 8);
		p = act_put_be(p, (uint32_t) d->scale, 4);
		p = act_put_be(p, (uint32_t) d->special, 4);
		p = act_put_be(p, (uint64_t) d->n, 8);
	}
	memcpy(p, s->bits, CL_ACT_BITMAP_BYTES);
}

const char *
cl_act_wire_decode(const unsigned char *buf, size_t len, ClActivity *s)
{
	const unsigned char *p = buf;
	const int64_t usecs_per_day = INT64_C(86400000000);
	int32_t		first_day;
	int			ndays,
				w;
	const char *bad;

	if (len != CL_ACT_WIRE_SIZE)
		return "The value has the wrong length.";
	if (*p++ != CL_ACT_WIRE_VERSION)
		return "Unknown version.";
	memset(s, 0, sizeof(*s));
	s->flags = *p++;
	s->as_of = (int32_t) (uint32_t) act_get_be(&p, 4);
	if (s->as_of < CL_ACT_AS_OF_MIN || s->as_of >= CL_ACT_AS_OF_END)
		return "The as_of date is out of range.";
	s->last_ts = (int64_t) act_get_be(&p, 8);
	s->before_ts = (int64_t) act_get_be(&p, 8);
	for (w = 0; w < CL_ACT_NWINDOWS; w++)
		s->n[w] = (int64_t) act_get_be(&p, 8);
	for (w = 0; w < CL_ACT_NSUMS; w++)
	{
		ClDecSum   *d = &s->sum[w];

		d->hi = (int64_t) act_get_be(&p, 8);
		d->lo = act_get_be(&p, 8);
		d->scale = (int32_t) (uint32_t) act_get_be(&p, 4);
		d->special = (int32_t) (uint32_t) act_get_be(&p, 4);
		d->n = (int64_t) act_get_be(&p, 8);
	}
	memcpy(s->bits, p, CL_ACT_BITMAP_BYTES);
	ndays = cl_act_window(s->as_of, &first_day);
	bad = cl_act_check(s, ndays);
	if (bad)
		return bad;
	if ((s->flags & CL_ACT_HAS_LAST) &&
		(s->last_ts < CL_ACT_TS_MIN || s->last_ts >= CL_ACT_TS_END ||
		 s->last_ts >= (int64_t) (s->as_of + 2) * usecs_per_day))
		return "The latest transaction is after as_of.";
	if ((s->flags & CL_ACT_HAS_BEFORE) &&
		(s->before_ts < CL_ACT_TS_MIN || s->before_ts >= CL_ACT_TS_END ||
		 s->before_ts >= (int64_t) (first_day + 1) * usecs_per_day))
		return "The latest transaction before the 12 months is inside them.";
	return NULL;
}
