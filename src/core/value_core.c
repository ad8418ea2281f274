/*
 * value_core.c
 *		Maths of the value area; see value_core.h.  No PostgreSQL headers.
 */
#include "value_core.h"

#include "le.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if !defined(__SIZEOF_INT128__)
#error "clientele value_core needs a 128-bit integer type (__int128)"
#endif
typedef __int128 ClInt128;

/* numeric header bits (src/backend/utils/adt/numeric.c, stable on disk) */
#define NUM_SIGN_MASK		0xC000
#define NUM_POS				0x0000
#define NUM_NEG				0x4000
#define NUM_SHORT			0x8000
#define NUM_SPECIAL			0xC000
#define NUM_EXT_SIGN_MASK	0xF000
#define NUM_NAN				0xC000
#define NUM_PINF			0xD000
#define NUM_NINF			0xF000
#define NUM_SHORT_SIGN_MASK			0x2000
#define NUM_SHORT_WEIGHT_SIGN_MASK	0x0040
#define NUM_SHORT_WEIGHT_MASK		0x003F
#define NUM_NBASE			10000

static inline uint16_t
read_u16(const unsigned char *p)
{
	uint16_t	v;

	memcpy(&v, p, sizeof(v));
	return v;
}

ClNumStatus
cl_numeric_to_cents(const unsigned char *body, size_t len, int64_t *cents)
{
	uint16_t	header;
	int			negative;
	int			weight;
	size_t		hdrlen;
	size_t		ndigits;
	const unsigned char *digits;
	uint64_t	acc = 0;
	int			e;

	if (len < 2)
		return CL_NUM_BAD;
	header = read_u16(body);
	if ((header & NUM_SIGN_MASK) == NUM_SPECIAL)
	{
		switch (header & NUM_EXT_SIGN_MASK)
		{
			case NUM_PINF:
				return CL_NUM_PINF;
			case NUM_NINF:
				return CL_NUM_NINF;
			default:
				return CL_NUM_NAN;
		}
	}
	if ((header & NUM_SIGN_MASK) == NUM_SHORT)
	{
		negative = (header & NUM_SHORT_SIGN_MASK) != 0;
		weight = (int) (header & NUM_SHORT_WEIGHT_MASK);
		if (header & NUM_SHORT_WEIGHT_SIGN_MASK)
			weight = weight - (NUM_SHORT_WEIGHT_MASK + 1);
		hdrlen = 2;
	}
	else
	{
		int16_t		w;

		if (len < 4)
			return CL_NUM_BAD;
		negative = (header & NUM_SIGN_MASK) == NUM_NEG;
		memcpy(&w, body + 2, sizeof(w));
		weight = w;
		hdrlen = 4;
	}
	if ((len - hdrlen) % 2 != 0)
		return CL_NUM_BAD;
	ndigits = (len - hdrlen) / 2;
	digits = body + hdrlen;

	/* integer part: digits at base-10000 exponents weight .. 0 */
	for (e = weight; e >= 0; e--)
	{
		long		i = (long) weight - e;
		uint16_t	d = (i < (long) ndigits) ? read_u16(digits + 2 * i) : 0;

		if (d >= NUM_NBASE)
			return CL_NUM_BAD;
		if (__builtin_mul_overflow(acc, (uint64_t) NUM_NBASE, &acc) ||
			__builtin_add_overflow(acc, (uint64_t) d, &acc))
			return CL_NUM_OVERFLOW;
	}
	if (__builtin_mul_overflow(acc, (uint64_t) 100, &acc))
		return CL_NUM_OVERFLOW;
	/* first fractional digit group holds the cents and the rounding digits */
	if (weight >= -1 && (size_t) (weight + 1) < ndigits)
	{
		uint16_t	d = read_u16(digits + 2 * (weight + 1));

		if (d >= NUM_NBASE)
			return CL_NUM_BAD;
		acc += d / 100 + (d % 100 >= 50 ? 1 : 0);
	}
	if (acc > (uint64_t) INT64_MAX)
		return CL_NUM_OVERFLOW;
	*cents = negative ? -(int64_t) acc : (int64_t) acc;
	return CL_NUM_OK;
}

static int
seg_cmp(const void *a, const void *b)
{
	int32_t		x = ((const ClSeg *) a)->first;
	int32_t		y = ((const ClSeg *) b)->first;

	return (x > y) - (x < y);
}

void
cl_seg_sort(ClSeg *segs, size_t n)
{
	if (n > 1)
		qsort(segs, n, sizeof(ClSeg), seg_cmp);
}

size_t
cl_seg_merge(const ClSeg *a, size_t na, const ClSeg *b, size_t nb, ClSeg *out)
{
	size_t		i = 0;
	size_t		j = 0;
	size_t		k = 0;

	while (i < na || j < nb)
	{
		const ClSeg *next;
		int64_t		sum;

		if (j >= nb || (i < na && a[i].first <= b[j].first))
			next = &a[i++];
		else
			next = &b[j++];
		if (k > 0 && (int64_t) out[k - 1].last + 1 == next->first &&
			!__builtin_add_overflow(out[k - 1].sum, next->sum, &sum))
		{
			out[k - 1].last = next->last;
			out[k - 1].sum = sum;
			out[k - 1].last_cents = next->last_cents;
			continue;
		}
		out[k++] = *next;
	}
	return k;
}

size_t
cl_seg_pack(const ClSeg *segs, size_t n, unsigned char *out)
{
	unsigned char *p = out;
	size_t		i;

	for (i = 0; i < n; i++)
	{
		int32_t		span = segs[i].last - segs[i].first;

		memcpy(p, &segs[i].first, 4);
		memcpy(p + 4, &span, 4);
		memcpy(p + 8, &segs[i].sum, 8);
		p += 16;
		if (span > 0)
		{
			memcpy(p, &segs[i].last_cents, 8);
			p += 8;
		}
	}
	return (size_t) (p - out);
}

int
cl_seg_unpack(const unsigned char *in, size_t len, ClSeg *segs, size_t n)
{
	const unsigned char *p = in;
	const unsigned char *end = in + len;
	size_t		i;

	for (i = 0; i < n; i++)
	{
		int32_t		span;

		if (end - p < 16)
			return 0;
		memcpy(&segs[i].first, p, 4);
		memcpy(&span, p + 4, 4);
		memcpy(&segs[i].sum, p + 8, 8);
		p += 16;
		if (span < 0 || (int64_t) segs[i].first + span > INT32_MAX)
			return 0;
		segs[i].last = segs[i].first + span;
		if (span > 0)
		{
			if (end - p < 8)
				return 0;
			memcpy(&segs[i].last_cents, p, 8);
			p += 8;
		}
		else
			segs[i].last_cents = segs[i].sum;
	}
	return p == end;
}

ClAdbStatus
cl_adb_compute(ClSeg *segs, size_t n, int sorted,
			   int has_carry, int64_t carry_cents,
			   int32_t from, int32_t to,
			   int64_t *adb_cents, int32_t *dup_day)
{
	ClInt128	sum = 0;
	ClInt128	q;
	ClInt128	r;
	ClInt128	ndays = (ClInt128) to - from + 1;
	int64_t		cur = has_carry ? carry_cents : 0;
	int64_t		next = from;		/* first day not yet accounted for */
	size_t		i;

	/* an empty range (to < from: only from a corrupt serialised state) */
	if (ndays <= 0)
		return CL_ADB_OVERFLOW;
	if (!sorted && n > 1)
		qsort(segs, n, sizeof(ClSeg), seg_cmp);
	for (i = 0; i < n; i++)
	{
		if (segs[i].first < next)
		{
			/* runs cover every day of their range: the first day is in both */
			*dup_day = segs[i].first;
			return CL_ADB_DUPLICATE;
		}
		sum += (ClInt128) cur * (segs[i].first - next);
		sum += segs[i].sum;
		cur = segs[i].last_cents;
		next = (int64_t) segs[i].last + 1;
	}
	sum += (ClInt128) cur * ((int64_t) to + 1 - next);

	/* round half away from zero */
	q = sum / ndays;
	r = sum % ndays;
	if (r < 0)
		r = -r;
	if (2 * r >= ndays)
		q += (sum < 0) ? -1 : 1;
	if (q > INT64_MAX || q < -INT64_MAX)
		return CL_ADB_OVERFLOW;
	*adb_cents = (int64_t) q;
	return CL_ADB_OK;
}

static int
double_cmp(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

void
cl_sort_doubles(double *x, size_t n)
{
	if (n > 1)
		qsort(x, n, sizeof(double), double_cmp);
}

/* total of x (sorted ascending); *allzero tells whether every value is 0 */
static long double
sorted_total(const double *x, size_t n, int *allzero)
{
	long double t = 0;
	size_t		i;

	*allzero = 1;
	for (i = 0; i < n; i++)
	{
		t += x[i];
		if (x[i] != 0)
			*allzero = 0;
	}
	return t;
}

/*
 * Common start of gini and top_share: sort x and sum it.  Returns false when
 * that already decides the answer (*status: empty input; all zero, with
 * *result = if_all_zero; a non-positive total), true with *total otherwise.
 */
static int
conc_prepare(double *x, size_t n, double if_all_zero, long double *total,
			 double *result, ClConcStatus *status)
{
	int			allzero;

	*status = CL_CONC_OK;
	if (n == 0)
	{
		*status = CL_CONC_EMPTY;
		return 0;
	}
	cl_sort_doubles(x, n);
	*total = sorted_total(x, n, &allzero);
	if (allzero)
	{
		*result = if_all_zero;
		return 0;
	}
	if (*total <= 0)
	{
		*status = CL_CONC_NONPOSITIVE_TOTAL;
		return 0;
	}
	return 1;
}

ClConcStatus
cl_gini(double *x, size_t n, double *result)
{
	long double total;
	long double num = 0;
	ClConcStatus st;
	size_t		i;

	if (!conc_prepare(x, n, 0.0, &total, result, &st))
		return st;
	for (i = 0; i < n; i++)
		num += (2.0L * (long double) (i + 1) - (long double) n - 1.0L) * x[i];
	*result = (double) (num / ((long double) n * total));
	return CL_CONC_OK;
}

ClConcStatus
cl_top_share(double *x, size_t n, double f, double *result)
{
	long double total;
	long double top = 0;
	long double k = (long double) f * (long double) n;
	size_t		m;
	size_t		i;
	ClConcStatus st;

	/* all zero is perfect equality: the diagonal, share f */
	if (!conc_prepare(x, n, f, &total, result, &st))
		return st;
	m = (size_t) k;
	if (m > n)
		m = n;
	/* the m largest are x[n-1] .. x[n-m] */
	for (i = 0; i < m; i++)
		top += x[n - 1 - i];
	if (m < n)
		top += (k - (long double) m) * x[n - 1 - m];
	*result = (double) (top / total);
	return CL_CONC_OK;
}

/* ------------------------------------------------------------------------
 * run insertion (avg_daily_balance's transition)
 * ------------------------------------------------------------------------ */

ClSegStatus
cl_seg_insert(ClSeg *runs, size_t *n, size_t cap, int32_t day, int64_t cents)
{
	size_t		k = *n;
	size_t		lo,
				hi;
	ClSeg	   *prev,
			   *next;
	int64_t		sum;
	int			join_prev,
				join_next;

	/* the usual case: the day after (or later than) the last run */
	if (k == 0 || day > runs[k - 1].last)
	{
		if (k > 0 && cl_seg_extend(&runs[k - 1], day, cents))
			return CL_SEG_OK;
		if (k >= cap)
			return CL_SEG_FULL;
		runs[k] = cl_seg_one(day, cents);
		*n = k + 1;
		return CL_SEG_OK;
	}
	/* lo = the first run that starts after day */
	lo = 0;
	hi = k;
	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (runs[mid].first > day)
			hi = mid;
		else
			lo = mid + 1;
	}
	prev = lo > 0 ? &runs[lo - 1] : NULL;
	next = lo < k ? &runs[lo] : NULL;
	if (prev != NULL && day <= prev->last)
		return CL_SEG_DUPLICATE;
	join_prev = prev != NULL && (int64_t) prev->last + 1 == day &&
		!__builtin_add_overflow(prev->sum, cents, &sum);
	join_next = next != NULL && (int64_t) day + 1 == next->first &&
		!__builtin_add_overflow(next->sum, cents, &sum);
	if (join_prev)
		(void) cl_seg_extend(prev, day, cents);
	else if (join_next)
	{
		next->first = day;
		next->sum = sum;
	}
	if (join_prev || join_next)
	{
		/* the day may have filled the gap between prev and next: join them */
		if (prev != NULL && next != NULL && (int64_t) prev->last + 1 == next->first &&
			!__builtin_add_overflow(prev->sum, next->sum, &sum))
		{
			prev->last = next->last;
			prev->sum = sum;
			prev->last_cents = next->last_cents;
			memmove(next, next + 1, (k - lo - 1) * sizeof(ClSeg));
			*n = k - 1;
		}
		return CL_SEG_OK;
	}
	if (k >= cap)
		return CL_SEG_FULL;
	memmove(&runs[lo + 1], &runs[lo], (k - lo) * sizeof(ClSeg));
	runs[lo] = cl_seg_one(day, cents);
	*n = k + 1;
	return CL_SEG_OK;
}

size_t
cl_seg_overlap(const ClSeg *runs, size_t n)
{
	size_t		i;

	for (i = 1; i < n; i++)
		if (runs[i].first <= runs[i - 1].last)
			return i;
	return 0;
}

/* ------------------------------------------------------------------------
 * clientele.adb_state binary form
 * ------------------------------------------------------------------------ */

/* offsets in the binary form: the state's offsets minus the varlena header */
#define W(off) ((off) - 4)

static inline int
valid_day(int64_t d)
{
	return d >= CL_DAY_MIN && d < CL_DAY_END;
}

size_t
cl_adb_state_runs(size_t len)
{
	return len < CL_ADB_WIRE_SIZE(0) ? 0 : (len - CL_ADB_WIRE_SIZE(0)) / CL_ADB_RUN;
}

/* split: the int32 at offset 28 is the split day (adb_split_state), else zero */
static const char *
adb_decode(const unsigned char *buf, size_t len, ClAdbHeader *h, ClSeg *runs, int split)
{
	int32_t		n,
				i;
	int64_t		prev_last = 0;

	if (len < CL_ADB_WIRE_SIZE(0))
		return "The value is too short.";
	if (buf[W(4)] != CL_ADB_STATE_VERSION)
		return "Unknown version.";
	if ((buf[W(5)] & ~CL_ADB_HAS_CARRY) != 0)
		return "Unknown flags.";
	if (buf[W(6)] != 0 || buf[W(7)] != 0 || (!split && cl_get_i32(buf + W(28)) != 0))
		return "Reserved bytes are not zero.";
	h->has_carry = (buf[W(5)] & CL_ADB_HAS_CARRY) != 0;
	h->from = cl_get_i32(buf + W(8));
	h->to = cl_get_i32(buf + W(12));
	h->carry_day = cl_get_i32(buf + W(16));
	n = cl_get_i32(buf + W(20));
	h->carry_cents = cl_get_i64(buf + W(32));
	h->n = n;
	if (!valid_day(h->from) || !valid_day(h->to) || h->from > h->to)
		return "The window is not a valid range of dates.";
	if (n < 0 || n > CL_ADB_MAX_RUNS || len != CL_ADB_WIRE_SIZE(n))
		return "The number of runs does not match the length.";
	if (cl_get_i32(buf + W(24)) != n)
		return "The capacity must equal the number of runs.";
	if (h->has_carry)
	{
		if (!valid_day(h->carry_day) || h->carry_day >= h->from)
			return "The carried snapshot is not a valid date before the window.";
		if (h->carry_cents == INT64_MIN)
			return "A balance is out of range.";
	}
	else if (h->carry_day != 0 || h->carry_cents != 0)
		return "A state without a carried snapshot has a carry day or balance.";
	for (i = 0; i < n; i++)
	{
		const unsigned char *r = buf + W(CL_ADB_HDR) + (size_t) i * CL_ADB_RUN;
		ClSeg		s;
		ClInt128	rest;

		s.first = cl_get_i32(r);
		s.last = cl_get_i32(r + 4);
		s.sum = cl_get_i64(r + 8);
		s.last_cents = cl_get_i64(r + 16);
		if (s.first < h->from || s.last > h->to || s.first > s.last)
			return "A run is not a range of days within the window.";
		if (i > 0 && s.first <= prev_last)
			return "The runs are not sorted and disjoint.";
		if (s.last_cents == INT64_MIN)
			return "A balance is out of range.";
		if (s.first == s.last && s.sum != s.last_cents)
			return "A one-day run's sum is not its balance.";
		rest = (ClInt128) s.sum - s.last_cents;
		if (rest < 0)
			rest = -rest;
		if (rest > (ClInt128) INT64_MAX * ((int64_t) s.last - s.first))
			return "A run's sum is out of range for its days.";
		prev_last = s.last;
		if (runs != NULL)
			runs[i] = s;
	}
	return NULL;
}

const char *
cl_adb_state_decode(const unsigned char *buf, size_t len, ClAdbHeader *h, ClSeg *runs)
{
	return adb_decode(buf, len, h, runs, 0);
}

void
cl_adb_state_encode(const ClAdbHeader *h, const ClSeg *runs, unsigned char *out)
{
	int32_t		i;

	memset(out, 0, CL_ADB_WIRE_SIZE(0));
	out[W(4)] = CL_ADB_STATE_VERSION;
	out[W(5)] = h->has_carry ? CL_ADB_HAS_CARRY : 0;
	cl_put_i32(out + W(8), h->from);
	cl_put_i32(out + W(12), h->to);
	cl_put_i32(out + W(16), h->has_carry ? h->carry_day : 0);
	cl_put_i32(out + W(20), h->n);
	cl_put_i32(out + W(24), h->n);
	cl_put_i64(out + W(32), h->has_carry ? h->carry_cents : 0);
	for (i = 0; i < h->n; i++)
	{
		unsigned char *r = out + W(CL_ADB_HDR) + (size_t) i * CL_ADB_RUN;

		cl_put_i32(r, runs[i].first);
		cl_put_i32(r + 4, runs[i].last);
		cl_put_i64(r + 8, runs[i].sum);
		cl_put_i64(r + 16, runs[i].last_cents);
	}
}

const char *
cl_adbs_state_decode(const unsigned char *buf, size_t len, ClAdbHeader *h,
					 int32_t *split, ClSeg *runs)
{
	const char *err = adb_decode(buf, len, h, runs, 1);
	const unsigned char *r;
	int32_t		i;

	if (err != NULL)
		return err;
	*split = cl_get_i32(buf + W(CL_ADBS_SPLIT_OFF));
	if (*split < h->from || (int64_t) *split + 2 > h->to)
		return "The split day is not within the window.";
	r = buf + W(CL_ADB_HDR);
	for (i = 0; i < h->n; i++, r += CL_ADB_RUN)
		if (cl_get_i32(r) <= *split + 1 && cl_get_i32(r + 4) >= *split + 1)
			return "A run covers the day after the split.";
	return NULL;
}

void
cl_adbs_state_encode(const ClAdbHeader *h, int32_t split, const ClSeg *runs,
					 unsigned char *out)
{
	cl_adb_state_encode(h, runs, out);
	cl_put_i32(out + W(CL_ADBS_SPLIT_OFF), split);
}

ClAdbStatus
cl_adbs_compute(ClSeg *runs, size_t n, int has_carry, int64_t carry_cents,
				int32_t from, int32_t split, int32_t to,
				int64_t *before, int64_t *after, int64_t *on_split,
				int32_t *dup_day)
{
	size_t		k = 0,
				i;
	int			has2 = has_carry;
	int64_t		carry2 = carry_cents;
	ClAdbStatus st;

	while (k < n && runs[k].last <= split)
		k++;
	for (i = k; i < n; i++)
	{
		if (runs[i].first <= split + 1)
		{
			*dup_day = split + 1;
			return CL_ADB_DUPLICATE;	/* can't happen: the decoder refuses it */
		}
		runs[i].first--;
		runs[i].last--;
	}
	st = cl_adb_compute(runs, k, 1, has_carry, carry_cents, from, split, before, dup_day);
	if (st != CL_ADB_OK)
		return st;
	if (k > 0)
	{
		has2 = 1;
		carry2 = runs[k - 1].last_cents;
	}
	*on_split = has2 ? carry2 : 0;
	return cl_adb_compute(runs + k, n - k, 1, has2, carry2, split + 1, to, after, dup_day);
}

int
cl_adb_dense_put_run(unsigned char *bm, int64_t *val, int32_t from, const ClSeg *r)
{
	int64_t		k,
				k0 = (int64_t) r->first - from,
				k1 = (int64_t) r->last - from;
	ClInt128	rest = (ClInt128) r->sum - r->last_cents;

	for (k = k0; k <= k1; k++)
	{
		if (bm[k >> 3] & (1 << (k & 7)))
			return 1;
		bm[k >> 3] |= (unsigned char) (1 << (k & 7));
		if (k == k1)
			val[k] = r->last_cents;
		else
		{
			/* the rest of the sum, in pieces within +-(2^63 - 1) */
			int64_t		piece = rest > INT64_MAX ? INT64_MAX : (rest < -INT64_MAX ? -INT64_MAX : (int64_t) rest);

			val[k] = piece;
			rest -= piece;
		}
	}
	return 0;
}

size_t
cl_adb_dense_runs(const unsigned char *bm, const int64_t *val, int32_t from, int32_t w,
				  ClSeg *out)
{
	size_t		n = 0;
	int32_t		k;

	for (k = 0; k < w; k++)
	{
		if (!(bm[k >> 3] & (1 << (k & 7))))
		{
			/* skip absent days a byte at a time */
			if ((k & 7) == 0 && bm[k >> 3] == 0)
				k += 7;
			continue;
		}
		if (n == 0 || !cl_seg_extend(&out[n - 1], from + k, val[k]))
			out[n++] = cl_seg_one(from + k, val[k]);
	}
	return n;
}

int
cl_adb_dense32_put_run(int32_t *val, int32_t from, const ClSeg *r)
{
	int64_t		k,
				k0 = (int64_t) r->first - from,
				k1 = (int64_t) r->last - from,
				q = 0,
				extra = 0;

	if (!cl_adb_fits32(r->last_cents))
		return 2;
	if (k1 > k0)
	{
		/* the rest of the sum over the other k1 - k0 days: q or q + 1 each */
		ClInt128	rest = (ClInt128) r->sum - r->last_cents;
		ClInt128	m = k1 - k0;
		ClInt128	qq = rest / m;

		if (qq * m > rest)
			qq -= 1;			/* floor */
		if (qq < (ClInt128) INT32_MIN + 1 || qq > (ClInt128) INT32_MAX)
			return 2;
		q = (int64_t) qq;
		extra = (int64_t) (rest - qq * m);	/* 0 <= extra < m */
		if (extra > 0 && q + 1 > INT32_MAX)
			return 2;
	}
	for (k = k0; k <= k1; k++)
	{
		if (val[k] != CL_ADB_ABSENT32)
			return 1;
		if (k == k1)
			val[k] = (int32_t) r->last_cents;
		else
			val[k] = (int32_t) (k - k0 < extra ? q + 1 : q);
	}
	return 0;
}

size_t
cl_adb_dense32_runs(const int32_t *val, int32_t from, int32_t w, ClSeg *out)
{
	size_t		n = 0;
	int32_t		k;

	for (k = 0; k < w; k++)
	{
		if (val[k] == CL_ADB_ABSENT32)
			continue;
		if (n == 0 || !cl_seg_extend(&out[n - 1], from + k, val[k]))
			out[n++] = cl_seg_one(from + k, val[k]);
	}
	return n;
}

/* ------------------------------------------------------------------------
 * clientele.gini_state / top_share_state binary form
 * ------------------------------------------------------------------------ */

size_t
cl_conc_state_points(size_t len)
{
	return len < CL_CONC_WIRE_SIZE(0) ? 0 : (len - CL_CONC_WIRE_SIZE(0)) / CL_CONC_POINT;
}

const char *
cl_conc_state_decode(const unsigned char *buf, size_t len, int want_fraction,
					 ClConcHeader *h, ClValCount *pts)
{
	int64_t		n,
				i,
				rows = 0;

	if (len < CL_CONC_WIRE_SIZE(0))
		return "The value is too short.";
	if (buf[W(4)] != CL_CONC_STATE_VERSION)
		return "Unknown version.";
	if ((buf[W(5)] & ~CL_CONC_HAS_FRACTION) != 0)
		return "Unknown flags.";
	if (buf[W(6)] != 0 || buf[W(7)] != 0)
		return "Reserved bytes are not zero.";
	h->has_fraction = (buf[W(5)] & CL_CONC_HAS_FRACTION) != 0;
	n = cl_get_i64(buf + W(8));
	h->n = n;
	h->rows = cl_get_i64(buf + W(32));
	h->fraction = cl_get_f8(buf + W(40));
	if (n < 0 || n > CL_CONC_MAX_POINTS || len != CL_CONC_WIRE_SIZE(n))
		return "The number of values does not match the length.";
	if (cl_get_i64(buf + W(16)) != n || cl_get_i64(buf + W(24)) != n)
		return "The capacity and the sorted count must equal the number of values.";
	if (want_fraction)
	{
		if (!h->has_fraction || !(h->fraction >= 0 && h->fraction <= 1))
			return "The fraction must lie between 0 and 1.";
	}
	else if (h->has_fraction || cl_get_i64(buf + W(40)) != 0)
		return "A gini state has no fraction.";
	for (i = 0; i < n; i++)
	{
		const unsigned char *p = buf + W(CL_CONC_HDR) + (size_t) i * CL_CONC_POINT;
		ClValCount	c;

		c.v = cl_get_f8(p);
		c.count = cl_get_i64(p + 8);
		if (!isfinite(c.v) || (c.v == 0 && signbit(c.v)))
			return "A value is not finite, or is -0.";
		if (i > 0 && !(c.v > cl_get_f8(p - CL_CONC_POINT)))
			return "The values are not strictly increasing.";
		if (c.count < 1)
			return "A count is not positive.";
		if (__builtin_add_overflow(rows, c.count, &rows))
			return "The counts overflow.";
		if (pts != NULL)
			pts[i] = c;
	}
	if (rows != h->rows)
		return "The number of rows does not match the counts.";
	return NULL;
}

void
cl_conc_state_encode(const ClConcHeader *h, const ClValCount *pts, unsigned char *out)
{
	int64_t		i;

	memset(out, 0, CL_CONC_WIRE_SIZE(0));
	out[W(4)] = CL_CONC_STATE_VERSION;
	out[W(5)] = h->has_fraction ? CL_CONC_HAS_FRACTION : 0;
	cl_put_i64(out + W(8), h->n);
	cl_put_i64(out + W(16), h->n);
	cl_put_i64(out + W(24), h->n);
	cl_put_i64(out + W(32), h->rows);
	cl_put_f8(out + W(40), h->has_fraction ? h->fraction : 0.0);
	for (i = 0; i < h->n; i++)
	{
		unsigned char *p = out + W(CL_CONC_HDR) + (size_t) i * CL_CONC_POINT;

		cl_put_f8(p, pts[i].v);
		cl_put_i64(p + 8, pts[i].count);
	}
}

static int
vc_cmp(const void *a, const void *b)
{
	double		x = ((const ClValCount *) a)->v;
	double		y = ((const ClValCount *) b)->v;

	return (x > y) - (x < y);
}

size_t
cl_vc_compact(ClValCount *p, size_t sorted, size_t n, ClValCount *scratch)
{
	size_t		t = 0,
				i,
				j,
				k;

	if (sorted >= n)
		return n;
	/* the tail, sorted with equal values merged, into scratch */
	qsort(p + sorted, n - sorted, sizeof(ClValCount), vc_cmp);
	for (i = sorted; i < n; i++)
	{
		if (t > 0 && scratch[t - 1].v == p[i].v)
			scratch[t - 1].count += p[i].count;
		else
			scratch[t++] = p[i];
	}
	if (sorted == 0)
	{
		memcpy(p, scratch, t * sizeof(ClValCount));
		return t;
	}
	/*
	 * merge from the back: the prefix p[0..sorted) and scratch[0..t) into
	 * p[..sorted + t); the write position never passes the unread prefix
	 */
	i = sorted;
	j = t;
	k = sorted + t;
	while (j > 0)
	{
		if (i > 0 && p[i - 1].v > scratch[j - 1].v)
			p[--k] = p[--i];
		else if (i > 0 && p[i - 1].v == scratch[j - 1].v)
		{
			ClValCount	c = p[--i];

			c.count += scratch[--j].count;
			p[--k] = c;
		}
		else
			p[--k] = scratch[--j];
	}
	/* p[0..i) stayed in place; p[k..sorted + t) follows with a gap of k - i */
	if (k > i)
		memmove(p + i, p + k, (sorted + t - k) * sizeof(ClValCount));
	return i + (sorted + t - k);
}

/*
 * Common start of cl_gini_counts and cl_top_share_counts, as conc_prepare()
 * over the expanded values: returns 0 when that decides the answer
 * (*status; *result = if_all_zero when every value is 0), 1 with *total.
 */
static int
counts_prepare(const ClValCount *p, size_t n, int64_t rows, double if_all_zero,
			   long double *total, double *result, ClConcStatus *status)
{
	int			allzero = 1;
	size_t		i;
	int64_t		c;

	*status = CL_CONC_OK;
	if (n == 0 || rows <= 0)
	{
		*status = CL_CONC_EMPTY;
		return 0;
	}
	/* as sorted_total() over the expanded values */
	*total = 0;
	for (i = 0; i < n; i++)
	{
		for (c = 0; c < p[i].count; c++)
			*total += p[i].v;
		if (p[i].v != 0)
			allzero = 0;
	}
	if (allzero)
	{
		*result = if_all_zero;
		return 0;
	}
	if (*total <= 0)
	{
		*status = CL_CONC_NONPOSITIVE_TOTAL;
		return 0;
	}
	return 1;
}

ClConcStatus
cl_gini_counts(const ClValCount *p, size_t n, int64_t rows, double *result)
{
	long double total;
	long double num = 0;
	long double ln = (long double) rows;
	ClConcStatus st;
	size_t		i;
	int64_t		c,
				r = 0;

	if (!counts_prepare(p, n, rows, 0.0, &total, result, &st))
		return st;
	for (i = 0; i < n; i++)
		for (c = 0; c < p[i].count; c++, r++)
			num += (2.0L * (long double) (r + 1) - ln - 1.0L) * p[i].v;
	*result = (double) (num / (ln * total));
	return CL_CONC_OK;
}

ClConcStatus
cl_top_share_counts(const ClValCount *p, size_t n, int64_t rows, double f, double *result)
{
	long double total;
	long double top = 0;
	long double k = (long double) f * (long double) rows;
	ClConcStatus st;
	size_t		i;
	int64_t		c,
				m,
				taken = 0;

	/* all zero is perfect equality: the diagonal, share f */
	if (!counts_prepare(p, n, rows, f, &total, result, &st))
		return st;
	m = (int64_t) (size_t) k;
	if (m > rows)
		m = rows;
	/* the m largest, from the top, then the fractional part of the next */
	for (i = n; i-- > 0 && taken < m;)
		for (c = 0; c < p[i].count && taken < m; c++, taken++)
			top += p[i].v;
	if (m < rows)
	{
		/* the (m+1)-th largest */
		int64_t		skip = m;

		for (i = n; i-- > 0;)
		{
			if (skip < p[i].count)
				break;
			skip -= p[i].count;
		}
		top += (k - (long double) m) * p[i].v;
	}
	*result = (double) (top / total);
	return CL_CONC_OK;
}
