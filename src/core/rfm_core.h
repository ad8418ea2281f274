/*
 * rfm_core.h
 *		Plain-C helpers of the rfm area (no PostgreSQL headers): exact
 *		fixed-point money sums, the sorted set of purchase days, and n-tile
 *		scores.  Unit-tested by test/unit/test_rfm.c.
 */
#ifndef CL_RFM_CORE_H
#define CL_RFM_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef __SIZEOF_INT128__
#error "clientele's rfm area needs a compiler with a 128-bit integer type"
#endif

/*
 * Amounts are summed exactly in 128-bit fixed point with RFM_FIXED_SHIFT
 * fractional bits: every float8 amount is rounded once to that grid (exact
 * for |x| >= 2^-8 since a double has 53 significant bits), and integer sums
 * do not depend on the order of the rows, so serial, parallel and
 * distributed plans give bit-identical results.
 */
#define RFM_FIXED_SHIFT 60
/* |amount| and |sum| must stay below 2^(127 - RFM_FIXED_SHIFT - 1) */
#define RFM_FIXED_MAX_EXP (127 - RFM_FIXED_SHIFT - 1)

typedef __int128 RfmFixed;

/*
 * amount -> fixed point; false when not finite or too large (inline: the
 * aggregate converts every row).  Exact conversion from the bits of the double: value = mant * 2^(exp - 52);
 * fixed = value * 2^RFM_FIXED_SHIFT, rounded half to even when bits fall
 * below the grid.  Integer operations only (no libm, no int128 division).
 */
static inline bool
rfm_fixed_from_double(double x, RfmFixed *out)
{
	uint64_t	bits;
	uint64_t	mant;
	int			exp;
	int			shift;
	unsigned __int128 mag;

	memcpy(&bits, &x, sizeof(bits));
	exp = (int) ((bits >> 52) & 0x7ff);
	mant = bits & ((UINT64_C(1) << 52) - 1);
	if (exp == 0x7ff)
		return false;			/* NaN or infinity */
	if (exp == 0)
	{
		if (mant == 0)
		{
			*out = 0;
			return true;
		}
		exp = 1;				/* subnormal */
	}
	else
		mant |= UINT64_C(1) << 52;
	/* value = mant * 2^(exp - 1075) */
	if (exp - 1023 >= RFM_FIXED_MAX_EXP)
		return false;
	shift = exp - 1075 + RFM_FIXED_SHIFT;
	if (shift >= 0)
		mag = (unsigned __int128) mant << shift;
	else if (shift <= -64)
		mag = 0;				/* below half a grid step: rounds to zero */
	else
	{
		uint64_t	q = mant >> -shift;
		uint64_t	rem = mant & ((UINT64_C(1) << -shift) - 1);
		uint64_t	half = UINT64_C(1) << (-shift - 1);

		if (rem > half || (rem == half && (q & 1)))
			q++;
		mag = q;
	}
	*out = (bits >> 63) ? -(RfmFixed) mag : (RfmFixed) mag;
	return true;
}

/*
 * fixed point -> double (one rounding: int128 -> double rounds to nearest;
 * the scaling by 2^-RFM_FIXED_SHIFT is exact, as a nonzero (double) v is at
 * least 1 in magnitude, so the product is a normal number: the same as
 * ldexp((double) v, -RFM_FIXED_SHIFT), without the call; inline: the final
 * function converts two sums per group)
 */
static inline double
rfm_fixed_to_double(RfmFixed v)
{
	return (double) v * (1.0 / (double) ((uint64_t) 1 << RFM_FIXED_SHIFT));
}

/* *acc += v; false on overflow (acc unchanged) */
static inline bool
rfm_fixed_add(RfmFixed *acc, RfmFixed v)
{
	RfmFixed	r;
	const RfmFixed limit = (RfmFixed) 1 << (RFM_FIXED_MAX_EXP + RFM_FIXED_SHIFT);

	if (__builtin_add_overflow(*acc, v, &r))
		return false;
	if (r >= limit || r <= -limit)
		return false;
	*acc = r;
	return true;
}

/* split / join for storage in two 64-bit words */
static inline void
rfm_fixed_split(RfmFixed v, uint64_t *lo, int64_t *hi)
{
	*lo = (uint64_t) v;
	*hi = (int64_t) (v >> 64);
}

static inline RfmFixed
rfm_fixed_join(uint64_t lo, int64_t hi)
{
	return (RfmFixed) (((unsigned __int128) (uint64_t) hi << 64) | lo);
}

/*
 * A purchase day is stored as a 16-bit key, its distance from a base day
 * fixed per group (the aggregate uses as_of - 65535): half the memory of a
 * 32-bit day.
 */
typedef uint16_t RfmDayKey;

/* sort keys ascending and drop duplicates in place; returns the new count */
extern int	rfm_days_sort_unique(RfmDayKey *days, int n);

/* whether days[0..n) is strictly increasing */
extern bool rfm_days_strictly_increasing(const RfmDayKey *days, int n);

/*
 * Merge two strictly increasing key arrays into out (room for na + nb),
 * dropping keys present in both; returns the count.
 */
extern int	rfm_days_merge(const RfmDayKey *a, int na, const RfmDayKey *b, int nb,
						   RfmDayKey *out);

/*
 * n-tile score of one value in a population of n_total values, of which
 * n_below are strictly smaller: 1 + floor(ntiles * n_below / n_total).
 * Ties share a score (the one of their lowest position), so the result does
 * not depend on row order.  Returns 0 on bad arguments.
 */
extern int	rfm_ntile_score(int64_t n_below, int64_t n_total, int ntiles);

/*
 * Compiled RFM segment scheme: a cube of ntiles^3 cells (r, f, m scores
 * 1..ntiles), each the index of the segment of the first matching rule or -1.
 * rfm_cube_fill() applies one rule (inclusive ranges) to the cells still
 * unassigned; rules are applied in priority order, so the first match wins.
 * It returns false (and changes nothing) when a bound is outside 1..ntiles
 * or ntiles is outside 1..RFM_MAX_NTILES; an empty range (min > max) matches
 * nothing.
 */
#define RFM_MAX_NTILES 100

typedef struct RfmRuleBounds
{
	int			r_min,
				r_max,
				f_min,
				f_max,
				m_min,
				m_max;
} RfmRuleBounds;

static inline int
rfm_cube_index(int ntiles, int r, int f, int m)
{
	return ((r - 1) * ntiles + (f - 1)) * ntiles + (m - 1);
}

extern bool rfm_cube_fill(int16_t *cells, int ntiles, const RfmRuleBounds *rule,
						  int16_t segment);


/*
 * The portable binary form of clientele.rfm_state (send/recv; the text form
 * is "rfm1:" and its hex), network byte order (big-endian) whatever the
 * machine:
 *   uint8 version (RFM_WIRE_VERSION), uint8 kind, int64 as_of_raw,
 *   float64 unit_days, int64 nrows, uint64 total_lo, int64 total_hi,
 *   uint64 first_lo, int64 first_hi, int32 as_of_day, int32 first_day,
 *   int32 last_day, int32 ndays, then ndays int32 calendar days (days since
 *   2000-01-01), strictly increasing.
 * rfm_wire_decode() checks every invariant the aggregate keeps, so that a
 * value typed in by hand is one rfm_summary could have produced or an error.
 */
#define RFM_WIRE_VERSION 1
#define RFM_KIND_DATE 1
#define RFM_KIND_TIMESTAMPTZ 2
/* days are stored as keys day - (as_of_day - RFM_DAY_SPAN) */
#define RFM_DAY_SPAN 65535
/* the fixed-size part of the binary form, in bytes */
#define RFM_WIRE_HEADER (1 + 1 + 8 + 8 + 8 + 8 * 4 + 4 * 4)

/* the fields of a state, as the binary form carries them */
typedef struct RfmStateFields
{
	int			kind;			/* RFM_KIND_DATE or RFM_KIND_TIMESTAMPTZ */
	int64_t		as_of_raw;		/* as_of as given (DateADT or TimestampTz) */
	double		unit_days;		/* unit, in days */
	int64_t		nrows;			/* rows counted */
	RfmFixed	total;			/* sum of all amounts */
	RfmFixed	first;			/* sum of the amounts of the first day */
	int32_t		as_of_day;		/* calendar day of as_of */
	int32_t		first_day;		/* earliest purchase day (0 without days) */
	int32_t		last_day;		/* latest purchase day (0 without days) */
	int32_t		ndays;			/* distinct purchase days */
} RfmStateFields;

/* bytes of the binary form of a state with ndays days */
static inline size_t
rfm_wire_size(int32_t ndays)
{
	return RFM_WIRE_HEADER + (size_t) ndays * 4;
}

/* the key of a calendar day in a state of this as_of day */
static inline RfmDayKey
rfm_day_key(int32_t as_of_day, int32_t day)
{
	return (RfmDayKey) (day - (as_of_day - RFM_DAY_SPAN));
}

static inline int32_t
rfm_key_day(int32_t as_of_day, RfmDayKey key)
{
	return (int32_t) key + as_of_day - RFM_DAY_SPAN;
}

/*
 * Write the binary form of f and its f->ndays sorted day keys into out
 * (rfm_wire_size(f->ndays) bytes).
 */
extern void rfm_wire_encode(const RfmStateFields *f, const RfmDayKey *days,
							unsigned char *out);

/*
 * The number of days announced by a binary form, checked against its length
 * (to size the days of rfm_wire_decode); NULL when valid, else a message
 * (an errdetail: a sentence).
 */
extern const char *rfm_wire_ndays(const unsigned char *buf, size_t len, int32_t *ndays);

/*
 * Decode a binary form into f and days (room for the count rfm_wire_ndays
 * gave) and check every invariant: a known version and kind; as_of a finite
 * date (or timestamp) whose calendar day is as_of_day (for a timestamptz,
 * within a day of its UTC day: the session time zone is not known here); a
 * unit an interval can give (1 microsecond .. 1e9 days); strictly increasing
 * purchase days, each a valid date within RFM_DAY_SPAN days before
 * as_of_day, first_day and last_day the first and the last of them (0
 * without days); 0 <= days <= rows (none without days); the amount sums
 * within the fixed-point range, total - first too, and equal with a single
 * purchase day.  NULL when valid, else a message (an errdetail sentence).
 */
extern const char *rfm_wire_decode(const unsigned char *buf, size_t len,
								   RfmStateFields *f, RfmDayKey *days);

/* a day the date type can hold (and print): days since 2000-01-01 */
static inline bool
rfm_valid_day(int64_t d)
{
	/* DATETIME_MIN_JULIAN - POSTGRES_EPOCH_JDATE .. DATE_END_JULIAN - POSTGRES_EPOCH_JDATE */
	return d >= -2451545 && d < INT64_C(2147483494) - 2451545;
}

#endif							/* CL_RFM_CORE_H */
