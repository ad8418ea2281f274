/*
 * value_core.h
 *		Plain-C maths of the value area (no PostgreSQL headers): exact
 *		conversion of a numeric's on-disk digits to integer cents, the
 *		time-weighted average daily balance, and the concentration measures
 *		(Gini coefficient, share of the top fraction).
 */
#ifndef CL_VALUE_CORE_H
#define CL_VALUE_CORE_H

#include <stddef.h>
#include <stdint.h>

typedef enum ClNumStatus
{
	CL_NUM_OK = 0,
	CL_NUM_NAN,
	CL_NUM_PINF,
	CL_NUM_NINF,
	CL_NUM_OVERFLOW,			/* |value| in cents does not fit in int64 */
	CL_NUM_BAD					/* malformed body */
} ClNumStatus;

/*
 * Converts the body of a PostgreSQL numeric (the bytes after the varlena
 * header: 16-bit header word(s) then base-10000 digits, the on-disk format
 * that pg_upgrade keeps stable) to integer cents, rounding half away from
 * zero at the third decimal, as numeric round(x, 2) does.
 */
extern ClNumStatus cl_numeric_to_cents(const unsigned char *body, size_t len,
									   int64_t *cents);

/*
 * A run of snapshots on consecutive days first..last (one snapshot per day):
 * sum is the sum of their balances in cents (the balance-days of the run),
 * last_cents the balance of the last day, which holds until the next run.
 * Daily snapshot data collapses to one run per account; sparse data gives one
 * run per snapshot.  Runs never hide a snapshot of another run (they cover
 * consecutive days only), so runs from parallel workers merge exactly.
 */
typedef struct ClSeg
{
	int32_t		first;
	int32_t		last;
	int64_t		sum;
	int64_t		last_cents;
} ClSeg;

/* A one-snapshot run. */
static inline ClSeg
cl_seg_one(int32_t day, int64_t cents)
{
	ClSeg		s;

	s.first = day;
	s.last = day;
	s.sum = cents;
	s.last_cents = cents;
	return s;
}

/*
 * Extends run *s with the snapshot of the next day; returns 0 (and leaves *s
 * alone) when day is not s->last + 1 or the run sum would overflow.
 */
static inline int
cl_seg_extend(ClSeg *s, int32_t day, int64_t cents)
{
	int64_t		sum;

	if (day != s->last + 1 || __builtin_add_overflow(s->sum, cents, &sum))
		return 0;
	s->last = day;
	s->sum = sum;
	s->last_cents = cents;
	return 1;
}

/* Sorts runs by first day. */
extern void cl_seg_sort(ClSeg *segs, size_t n);

/*
 * Merges two lists of runs, each sorted by first day, into out (room for
 * na + nb runs), joining a run onto the previous one when it starts the day
 * after it ends (unless the sum would overflow).  Overlapping runs (two
 * snapshots on one day) are kept for cl_adb_compute to report.  Returns the
 * number of runs written.
 */
extern size_t cl_seg_merge(const ClSeg *a, size_t na, const ClSeg *b, size_t nb,
						   ClSeg *out);

/*
 * Compact byte form of runs for passing between parallel workers: per run
 * int32 first, int32 span (last - first), int64 sum, and int64 last_cents
 * only when span > 0 (a one-day run's sum is its balance): 16 or 24 bytes.
 * cl_seg_pack writes at most n * sizeof(ClSeg) bytes and returns how many;
 * cl_seg_unpack reads exactly n runs from len bytes and returns 0 when the
 * bytes do not hold exactly that (malformed), 1 otherwise.
 */
extern size_t cl_seg_pack(const ClSeg *segs, size_t n, unsigned char *out);
extern int	cl_seg_unpack(const unsigned char *in, size_t len, ClSeg *segs, size_t n);

typedef enum ClAdbStatus
{
	CL_ADB_OK = 0,
	CL_ADB_DUPLICATE,			/* two snapshots on the same day */
	CL_ADB_OVERFLOW				/* the average does not fit, or an empty range */
} ClAdbStatus;

/*
 * Time-weighted average daily balance over the inclusive day range
 * [from, to].  segs are the runs of snapshots with from <= day <= to in any
 * order (sorted in place by first day unless sorted != 0); the carry
 * snapshot (has_carry) is the latest one before from and holds from "from"
 * until the first run.  A balance holds until the next snapshot; days before
 * the first known snapshot count as 0.  The balance-days sum is exact
 * (128-bit integer); *adb_cents receives the average rounded half away from
 * zero to the cent.  On CL_ADB_DUPLICATE *dup_day names a day with two
 * snapshots.
 */
extern ClAdbStatus cl_adb_compute(ClSeg *segs, size_t n, int sorted,
								  int has_carry, int64_t carry_cents,
								  int32_t from, int32_t to,
								  int64_t *adb_cents, int32_t *dup_day);

typedef enum ClConcStatus
{
	CL_CONC_OK = 0,
	CL_CONC_EMPTY,				/* no values */
	CL_CONC_NONPOSITIVE_TOTAL	/* the total is <= 0 with some value != 0 */
} ClConcStatus;

/*
 * Gini coefficient of x[0..n-1] (sorted ascending in place):
 *	 G = sum_{i=1..n} (2i - n - 1) x_(i) / (n * sum x)
 * with x_(i) the i-th smallest.  All zeros give 0.  Negative values are used
 * as they are (G may then exceed 1); a total <= 0 is CL_CONC_NONPOSITIVE_TOTAL.
 */
extern ClConcStatus cl_gini(double *x, size_t n, double *result);

/*
 * Share of the total held by the top fraction f (0 <= f <= 1) of the values
 * (x sorted ascending in place), read off the Lorenz curve with linear
 * interpolation: with k = f * n and m = floor(k), the sum of the m largest
 * values plus (k - m) times the (m+1)-th largest, divided by the total.
 * All zeros (perfect equality) give f; a total <= 0 otherwise is
 * CL_CONC_NONPOSITIVE_TOTAL.
 */
extern ClConcStatus cl_top_share(double *x, size_t n, double f, double *result);

/* sort helper used by both (ascending) */
extern void cl_sort_doubles(double *x, size_t n);

#endif							/* CL_VALUE_CORE_H */
