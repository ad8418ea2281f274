/*
 * value_core.c
 *		Maths of the value area; see value_core.h.  No PostgreSQL headers.
 */
#include "value_core.h"

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
