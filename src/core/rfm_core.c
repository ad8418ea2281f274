/*
 * rfm_core.c
 *		Plain-C helpers of the rfm area; see rfm_core.h.
 */
#include "rfm_core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


static int
cmp_daykey(const void *a, const void *b)
{
	int			x = *(const RfmDayKey *) a;
	int			y = *(const RfmDayKey *) b;

	return x - y;
}

int
rfm_days_sort_unique(RfmDayKey *days, int n)
{
	int			i,
				k;

	if (n <= 1)
		return n;
	if (!rfm_days_strictly_increasing(days, n))
		qsort(days, (size_t) n, sizeof(RfmDayKey), cmp_daykey);
	k = 1;
	for (i = 1; i < n; i++)
		if (days[i] != days[k - 1])
			days[k++] = days[i];
	return k;
}

bool
rfm_days_strictly_increasing(const RfmDayKey *days, int n)
{
	int			i;

	for (i = 1; i < n; i++)
		if (days[i] <= days[i - 1])
			return false;
	return true;
}

int
rfm_days_merge(const RfmDayKey *a, int na, const RfmDayKey *b, int nb, RfmDayKey *out)
{
	int			i = 0,
				j = 0,
				k = 0;

	while (i < na && j < nb)
	{
		if (a[i] < b[j])
			out[k++] = a[i++];
		else if (b[j] < a[i])
			out[k++] = b[j++];
		else
		{
			out[k++] = a[i++];
			j++;
		}
	}
	while (i < na)
		out[k++] = a[i++];
	while (j < nb)
		out[k++] = b[j++];
	return k;
}

int
rfm_ntile_score(int64_t n_below, int64_t n_total, int ntiles)
{
	if (ntiles < 1 || n_total < 1 || n_below < 0 || n_below >= n_total)
		return 0;
	/* n_below < n_total, so the result is in 1..ntiles; no overflow for sane n */
	return 1 + (int) ((__int128) ntiles * n_below / n_total);
}

bool
rfm_cube_fill(int16_t *cells, int ntiles, const RfmRuleBounds *rule, int16_t segment)
{
	const int	b[6] = {rule->r_min, rule->r_max, rule->f_min, rule->f_max, rule->m_min, rule->m_max};
	int			k,
				r,
				f,
				m;

	if (ntiles < 1 || ntiles > RFM_MAX_NTILES)
		return false;
	for (k = 0; k < 6; k++)
		if (b[k] < 1 || b[k] > ntiles)
			return false;
	for (r = b[0]; r <= b[1]; r++)
		for (f = b[2]; f <= b[3]; f++)
			for (m = b[4]; m <= b[5]; m++)
			{
				int			c = rfm_cube_index(ntiles, r, f, m);

				if (cells[c] < 0)
					cells[c] = segment;
			}
	return true;
}

/* ---- portable binary form of clientele.rfm_state (big-endian) ------------ */

static void
put_be(unsigned char *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (unsigned char) (v >> (8 * (bytes - 1 - i)));
}

static uint64_t
get_be(const unsigned char *p, int bytes)
{
	uint64_t	v = 0;

	for (int i = 0; i < bytes; i++)
		v = (v << 8) | p[i];
	return v;
}

void
rfm_wire_encode(const RfmStateFields *f, const RfmDayKey *days, unsigned char *out)
{
	uint64_t	u;
	uint64_t	lo;
	int64_t		hi;

	out[0] = RFM_WIRE_VERSION;
	out[1] = (unsigned char) f->kind;
	put_be(out + 2, (uint64_t) f->as_of_raw, 8);
	memcpy(&u, &f->unit_days, sizeof(u));
	put_be(out + 10, u, 8);
	put_be(out + 18, (uint64_t) f->nrows, 8);
	rfm_fixed_split(f->total, &lo, &hi);
	put_be(out + 26, lo, 8);
	put_be(out + 34, (uint64_t) hi, 8);
	rfm_fixed_split(f->first, &lo, &hi);
	put_be(out + 42, lo, 8);
	put_be(out + 50, (uint64_t) hi, 8);
	put_be(out + 58, (uint32_t) f->as_of_day, 4);
	put_be(out + 62, (uint32_t) f->first_day, 4);
	put_be(out + 66, (uint32_t) f->last_day, 4);
	put_be(out + 70, (uint32_t) f->ndays, 4);
	/* absolute calendar days on the wire */
	for (int32_t i = 0; i < f->ndays; i++)
		put_be(out + RFM_WIRE_HEADER + 4 * (size_t) i,
			   (uint32_t) rfm_key_day(f->as_of_day, days[i]), 4);
}

const char *
rfm_wire_ndays(const unsigned char *buf, size_t len, int32_t *ndays)
{
	int64_t		n;

	if (len < RFM_WIRE_HEADER)
		return "The value is too short.";
	n = (int32_t) (uint32_t) get_be(buf + 70, 4);
	if (n < 0 || n > RFM_DAY_SPAN + 1 || len - RFM_WIRE_HEADER != (size_t) n * 4)
		return "The number of days does not match the length.";
	*ndays = (int32_t) n;
	return NULL;
}

#define RFM_USECS_PER_DAY INT64_C(86400000000)

const char *
rfm_wire_decode(const unsigned char *buf, size_t len, RfmStateFields *f, RfmDayKey *days)
{
	const RfmFixed limit = (RfmFixed) 1 << (RFM_FIXED_MAX_EXP + RFM_FIXED_SHIFT);
	RfmFixed	repeat;
	uint64_t	u;
	int32_t		n;
	const char *err;

	if (len < RFM_WIRE_HEADER)
		return "The value is too short.";
	if (buf[0] != RFM_WIRE_VERSION)
		return "Unknown version.";
	f->kind = buf[1];
	if (f->kind != RFM_KIND_DATE && f->kind != RFM_KIND_TIMESTAMPTZ)
		return "Unknown input kind.";
	f->as_of_raw = (int64_t) get_be(buf + 2, 8);
	u = get_be(buf + 10, 8);
	memcpy(&f->unit_days, &u, sizeof(u));
	if (!(f->unit_days >= 1.0 / (double) RFM_USECS_PER_DAY && f->unit_days <= 1e9))
		return "The unit must be between 1 microsecond and 1e9 days.";
	f->nrows = (int64_t) get_be(buf + 18, 8);
	f->total = rfm_fixed_join(get_be(buf + 26, 8), (int64_t) get_be(buf + 34, 8));
	f->first = rfm_fixed_join(get_be(buf + 42, 8), (int64_t) get_be(buf + 50, 8));
	f->as_of_day = (int32_t) (uint32_t) get_be(buf + 58, 4);
	f->first_day = (int32_t) (uint32_t) get_be(buf + 62, 4);
	f->last_day = (int32_t) (uint32_t) get_be(buf + 66, 4);
	if ((err = rfm_wire_ndays(buf, len, &n)) != NULL)
		return err;
	f->ndays = n;
	if (!rfm_valid_day(f->as_of_day))
		return "The as_of day is out of range.";
	if (f->kind == RFM_KIND_DATE)
	{
		if (f->as_of_raw != f->as_of_day)
			return "The as_of date does not match its day.";
	}
	else
	{
		int64_t		utc_day;

		/* MIN_TIMESTAMP <= t < END_TIMESTAMP */
		if (!(f->as_of_raw >= INT64_C(-211813488000000000) &&
			  f->as_of_raw < INT64_C(9223371331200000000)))
			return "The as_of timestamp is out of range.";
		utc_day = f->as_of_raw / RFM_USECS_PER_DAY - (f->as_of_raw % RFM_USECS_PER_DAY < 0 ? 1 : 0);
		if (f->as_of_day < utc_day - 1 || f->as_of_day > utc_day + 1)
			return "The as_of timestamp does not match its day.";
	}
	for (int32_t i = 0; i < n; i++)
	{
		int32_t		day = (int32_t) (uint32_t) get_be(buf + RFM_WIRE_HEADER + 4 * (size_t) i, 4);

		if (day > f->as_of_day || (int64_t) day < (int64_t) f->as_of_day - RFM_DAY_SPAN ||
			!rfm_valid_day(day))
			return "A day is out of range for the as_of day.";
		if (i == 0 && day != f->first_day)
			return "The first and last days do not match the days.";
		days[i] = rfm_day_key(f->as_of_day, day);
		if (i > 0 && days[i] <= days[i - 1])
			return "The days are not strictly increasing.";
	}
	if (f->nrows < n)
		return "Fewer rows than purchase days.";
	if (n > 0 && f->last_day != rfm_key_day(f->as_of_day, days[n - 1]))
		return "The first and last days do not match the days.";
	if (n == 0 && (f->nrows != 0 || f->first_day != 0 || f->last_day != 0 ||
				   f->total != 0 || f->first != 0))
		return "A state without purchase days has rows, days or amounts.";
	if (f->total >= limit || f->total <= -limit || f->first >= limit || f->first <= -limit)
		return "An amount sum is out of range.";
	repeat = f->total - f->first;
	if (repeat >= limit || repeat <= -limit)
		return "The repeat-purchase amount is out of range.";
	if (n == 1 && f->total != f->first)
		return "With a single purchase day the first-day amount must be the total.";
	return NULL;
}
