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

/*
 * Inserts the snapshot (day, cents) into runs[0..*n) (sorted by day,
 * disjoint, joined where they meet unless the sum would overflow): it
 * extends the run it follows, is prepended to the run it precedes (joining
 * the two when it fills the gap between them), or becomes a run of its own
 * (room for cap runs).  Returns CL_SEG_OK, CL_SEG_FULL (a new run is needed
 * and *n == cap: grow and call again; nothing changed) or CL_SEG_DUPLICATE
 * (a run already covers day).  Appending in day order costs O(1), any other
 * order a binary search and a move of the runs after it.
 */
typedef enum ClSegStatus
{
	CL_SEG_OK = 0,
	CL_SEG_FULL,
	CL_SEG_DUPLICATE
} ClSegStatus;

extern ClSegStatus cl_seg_insert(ClSeg *runs, size_t *n, size_t cap,
								 int32_t day, int64_t cents);

/*
 * Index of the first run of runs[0..n) (sorted by first day) that overlaps
 * the run before it (two snapshots on one day), or 0 when none does.
 */
extern size_t cl_seg_overlap(const ClSeg *runs, size_t n);

/* ------------------------------------------------------------------------
 * clientele.adb_state: the portable state of avg_daily_balance.
 *
 * A varlena whose bytes are little-endian on every host (le.h):
 *	off  0  varlena header (4)
 *	off  4  version (1) = CL_ADB_STATE_VERSION
 *	off  5  flags (1): CL_ADB_HAS_CARRY
 *	off  6  zero (2)
 *	off  8  from (int32, days since 2000-01-01), a valid date
 *	off 12  to (int32), from <= to, a valid date
 *	off 16  carry day (int32): the latest snapshot before from; 0 without
 *	off 20  runs n (int32)
 *	off 24  capacity (int32) >= n; = n in the binary form
 *	off 28  zero (4)
 *	off 32  carry cents (int64); 0 without
 *	off 40  runs (ClSeg, 24 bytes each): first, last (int32), sum,
 *			last_cents (int64), as in memory on little-endian hosts
 * Invariants: the runs lie in [from, to], are sorted and disjoint, a
 * one-day run's sum is its balance, and no balance is -2^63 (cents are
 * within +-(2^63 - 1)); a run's sum minus its last balance is at most
 * (days - 1) (2^63 - 1) in magnitude.  (Runs that meet are joined unless the
 * sum would overflow, but a state with such runs apart means the same.)
 *
 * Dense form (CL_ADB_DENSE, in memory only): when the runs would take more
 * room than one slot per day of the window (W = to - from + 1 days; rows in
 * random day order), the state holds instead, from offset 40, a bitmap of
 * the days with a snapshot (bit k of byte k / 8 = day from + k; the bitmap
 * rounded up to 8 bytes) and then W int64 balances (little-endian), so that a
 * snapshot in any order costs O(1).  A run moved into the dense form keeps
 * its exact sum: its last day holds its last balance, its other days share
 * the rest (each within +-(2^63 - 1)).  The binary form is always runs.  The binary form (send / recv, and the
 * text form "cladb1:" + hex) is the bytes after the varlena header.
 * ------------------------------------------------------------------------ */
#define CL_ADB_STATE_VERSION 1
#define CL_ADB_HAS_CARRY 0x01
#define CL_ADB_DENSE 0x02		/* in memory only, never in the binary form */
#define CL_ADB_HDR 40			/* header bytes, varlena header included */
#define CL_ADB_RUN 24
#define CL_ADB_MAX_RUNS ((int32_t) ((0x3fffffff - CL_ADB_HDR) / CL_ADB_RUN))

/*
 * Days (since 2000-01-01) of the dates PostgreSQL accepts:
 * DATETIME_MIN_JULIAN - POSTGRES_EPOCH_JDATE .. DATE_END_JULIAN -
 * POSTGRES_EPOCH_JDATE - 1 (utils/datetime.h, utils/date.h).
 */
#define CL_DAY_MIN (-2451545)
#define CL_DAY_END 2145031949	/* first day past the last valid one */

typedef struct ClAdbHeader
{
	int32_t		from;
	int32_t		to;
	int			has_carry;
	int32_t		carry_day;
	int64_t		carry_cents;
	int32_t		n;				/* runs */
} ClAdbHeader;

/*
 * Reads the binary form buf[0..len) into *h and, when runs is not NULL, the
 * runs (room for cl_adb_state_runs(len)); checks every invariant.  Returns
 * NULL when valid, else a static message (a sentence).
 */
extern const char *cl_adb_state_decode(const unsigned char *buf, size_t len,
									   ClAdbHeader *h, ClSeg *runs);

/* room for the runs of a binary form of len bytes (an upper bound) */
extern size_t cl_adb_state_runs(size_t len);

/* bytes of the binary form of a state with n runs */
#define CL_ADB_WIRE_SIZE(n) ((size_t) (CL_ADB_HDR - 4) + (size_t) (n) * CL_ADB_RUN)

/*
 * Writes the binary form of (h, runs[0..h->n)) into out
 * (CL_ADB_WIRE_SIZE(h->n) bytes); capacity = n.
 */
extern void cl_adb_state_encode(const ClAdbHeader *h, const ClSeg *runs,
								unsigned char *out);

/* ------------------------------------------------------------------------
 * clientele.adb_split_state: the portable state of avg_daily_balance_split
 * (the averages over [from, split] and [split + 1, to] and the balance on
 * split, in one pass).  It is an adb_state (same layout, same invariants,
 * same transition, combine and dense form) over the internal window
 * [from, to + 1] in which a day after split is stored one day later
 * (day + 1): the internal day split + 1 is never a snapshot, so no run ever
 * joins a day on or before split to a day after it, and the runs of each
 * half stay exact.  The split day is kept in the reserved int32 at offset
 * 28 (zero in an adb_state).  Extra invariants: from <= split, split + 2 <=
 * internal to (split < to), and no run covers the internal day split + 1.
 * Binary form = the adb_state binary form with that field; text
 * "cladbs1:" + hex.
 * ------------------------------------------------------------------------ */
#define CL_ADBS_SPLIT_OFF 28	/* offset of the split day, varlena header included */

/*
 * Reads the binary form of an adb_split_state; as cl_adb_state_decode, plus
 * *split.  Returns NULL when valid, else a static message.
 */
extern const char *cl_adbs_state_decode(const unsigned char *buf, size_t len,
										ClAdbHeader *h, int32_t *split, ClSeg *runs);

/* Writes the binary form (CL_ADB_WIRE_SIZE(h->n) bytes), h in internal days. */
extern void cl_adbs_state_encode(const ClAdbHeader *h, int32_t split, const ClSeg *runs,
								 unsigned char *out);

/*
 * The three results of a split state (runs sorted, in internal days; from,
 * split as stored; to = the internal to - 1): *before = the average over
 * [from, split], *after = over [split + 1, to], *on_split = the balance on
 * split (the latest snapshot on or before it, 0 when none), each exactly as
 * cl_adb_compute over the same snapshots would give it.  runs is modified
 * (the runs after split are moved back one day).
 */
extern ClAdbStatus cl_adbs_compute(ClSeg *runs, size_t n, int has_carry, int64_t carry_cents,
								   int32_t from, int32_t split, int32_t to,
								   int64_t *before, int64_t *after, int64_t *on_split,
								   int32_t *dup_day);

/*
 * Compact dense form (CL_ADB_DENSE32, in memory only): while every balance
 * fits in an int32 other than INT32_MIN (+-21,474,836.47), the state holds,
 * from offset 40, W int32 balances (little-endian), INT32_MIN for a day
 * without a snapshot: half the memory of the dense form and no bitmap, so
 * that a snapshot in random day order touches one slot.  A run moved into it
 * keeps its exact sum (its last day holds its last balance, its other days
 * share the rest evenly); a balance that does not fit moves the state to the
 * dense form.
 */
#define CL_ADB_DENSE32 0x04		/* in memory only, never in the binary form */
#define CL_ADB_ABSENT32 INT32_MIN
#define CL_ADB_DENSE32_SIZE(w) ((size_t) CL_ADB_HDR + 4 * (size_t) (w))

/* 1 when cents can be a slot of the compact dense form */
static inline int
cl_adb_fits32(int64_t cents)
{
	return cents > (int64_t) INT32_MIN && cents <= (int64_t) INT32_MAX;
}

/*
 * Puts run r into the compact dense form val (native order, CL_ADB_ABSENT32
 * for an absent day) of the window starting at day from.  Returns 0; 1 when
 * a day of r is already present; 2 (val unchanged) when a slot would not fit
 * (a balance outside cl_adb_fits32).  After 1 nothing is guaranteed about val.
 */
extern int	cl_adb_dense32_put_run(int32_t *val, int32_t from, const ClSeg *r);

/*
 * The runs of a compact dense form of w days (out: room for w runs), as
 * cl_adb_dense_runs: consecutive present days form a run.
 */
extern size_t cl_adb_dense32_runs(const int32_t *val, int32_t from, int32_t w, ClSeg *out);

/* bytes of the bitmap of the dense form of a window of w days (a multiple of 8) */
#define CL_ADB_DENSE_BITMAP(w) ((((size_t) (w) + 63) / 64) * 8)
/* bytes of the dense form, header included */
#define CL_ADB_DENSE_SIZE(w) ((size_t) CL_ADB_HDR + CL_ADB_DENSE_BITMAP(w) + 8 * (size_t) (w))

/*
 * Puts run r into the dense form (bitmap bm, balances val in native order)
 * of the window starting at day from; returns 0, or 1 when a day of r is
 * already present (nothing is then guaranteed about bm and val).
 */
extern int	cl_adb_dense_put_run(unsigned char *bm, int64_t *val, int32_t from,
								 const ClSeg *r);

/*
 * The runs of a dense form of w days (out: room for w runs):
 * consecutive present days form a run unless its sum would overflow.
 * Returns the number of runs.
 */
extern size_t cl_adb_dense_runs(const unsigned char *bm, const int64_t *val,
								int32_t from, int32_t w, ClSeg *out);

/* ------------------------------------------------------------------------
 * clientele.gini_state and clientele.top_share_state: the distinct values
 * with their counts (exact compression of the multiset of values).
 *
 * A varlena whose bytes are little-endian on every host (le.h):
 *	off  0  varlena header (4)
 *	off  4  version (1) = CL_CONC_STATE_VERSION
 *	off  5  flags (1): CL_CONC_HAS_FRACTION (top_share_state; never in a
 *			gini_state)
 *	off  6  zero (2)
 *	off  8  points n (int64)
 *	off 16  capacity (int64) >= n; = n in the binary form
 *	off 24  sorted (int64): points[0..sorted) have strictly increasing
 *			values; the rest (appended since) are in any order; = n in the
 *			binary form
 *	off 32  rows (int64): the sum of the counts
 *	off 40  fraction (float8): top_share's, in [0, 1]; 0 in a gini_state
 *	off 48  points (ClValCount, 16 bytes each): value (float8, finite, never
 *			-0), count (int64 >= 1)
 * The binary form (send / recv, and the text forms "clgini1:" / "cltop1:" +
 * hex) is the bytes after the varlena header.
 * ------------------------------------------------------------------------ */
#define CL_CONC_STATE_VERSION 1
#define CL_CONC_HAS_FRACTION 0x01
#define CL_CONC_HDR 48
#define CL_CONC_POINT 16
#define CL_CONC_MAX_POINTS ((int64_t) ((0x3fffffff - CL_CONC_HDR) / CL_CONC_POINT))

typedef struct ClValCount
{
	double		v;
	int64_t		count;
} ClValCount;

typedef struct ClConcHeader
{
	int			has_fraction;
	double		fraction;
	int64_t		n;				/* points */
	int64_t		rows;			/* sum of the counts */
} ClConcHeader;

/*
 * Reads the binary form buf[0..len) into *h and, when pts is not NULL, the
 * points (room for cl_conc_state_points(len)); checks every invariant.
 * want_fraction: 1 for a top_share_state, 0 for a gini_state.  Returns NULL
 * when valid, else a static message.
 */
extern const char *cl_conc_state_decode(const unsigned char *buf, size_t len,
										int want_fraction, ClConcHeader *h,
										ClValCount *pts);
extern size_t cl_conc_state_points(size_t len);

#define CL_CONC_WIRE_SIZE(n) ((size_t) (CL_CONC_HDR - 4) + (size_t) (n) * CL_CONC_POINT)

/* writes the binary form of (h, pts[0..h->n)) (sorted, distinct) into out */
extern void cl_conc_state_encode(const ClConcHeader *h, const ClValCount *pts,
								 unsigned char *out);

/*
 * Sorts the points p[sorted..n) by value, merges equal values (counts
 * added) and merges them into the sorted prefix p[0..sorted), through
 * scratch (room for n - sorted points).  Returns the new number of points
 * (all sorted, distinct).  Counts must not overflow (the caller checks the
 * total).
 */
extern size_t cl_vc_compact(ClValCount *p, size_t sorted, size_t n, ClValCount *scratch);

/*
 * cl_gini / cl_top_share over the distinct values p[0..n) (strictly
 * increasing) with their counts, rows = the sum of the counts: the same
 * operations in the same order as over the expanded sorted values, so the
 * result is bit for bit the one of cl_gini / cl_top_share.
 */
extern ClConcStatus cl_gini_counts(const ClValCount *p, size_t n, int64_t rows,
								   double *result);
extern ClConcStatus cl_top_share_counts(const ClValCount *p, size_t n, int64_t rows,
										double f, double *result);

#endif							/* CL_VALUE_CORE_H */
