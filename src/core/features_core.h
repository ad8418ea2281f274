/*
 * features_core.h
 *		Plain-C part of the features area (no PostgreSQL headers; unit-tested
 *		by test/unit/test_features.c): the partial state of the per-customer
 *		activity aggregate clientele.activity_summary (customer-initiated
 *		transactions counted in the three windows of the last 12 months, the
 *		last one, and the days of the last 12 months as a bitmap), how two
 *		partial states merge, which states are consistent, the longest gap
 *		between activity days read off the bitmap, the calendar of the 12
 *		months, and the binary form of clientele.activity_state (its input
 *		checks, fuzzed by test/fuzz/fuzz_activity.c).
 *
 * Days are day numbers from 2000-01-01 (PostgreSQL's DateADT); timestamps
 * are microseconds from 2000-01-01 UTC (TimestampTz), compared as integers.
 */
#ifndef CL_FEATURES_CORE_H
#define CL_FEATURES_CORE_H

#include <stddef.h>
#include <stdint.h>

/* the last 12 months have at most 366 days */
#define CL_ACT_MAX_DAYS 366
#define CL_ACT_BITMAP_BYTES 48

/* the windows the transactions are counted in */
enum
{
	CL_ACT_LAST_3M = 0,			/* [as_of - 3 months + 1 day, as_of] */
	CL_ACT_PREV_3M,				/* the 3 months before */
	CL_ACT_PREV_6M,				/* the 6 months before the last 6 */
	CL_ACT_NWINDOWS
};

/* the amounts summed (outgoing transfers) */
enum
{
	CL_ACT_TRANSFER_3M = 0,		/* customer-initiated, last 3 months */
	CL_ACT_TRANSFER_PREV_3M,	/* customer-initiated, the 3 months before */
	CL_ACT_OTHER_BANK_3M,		/* to another bank, any initiator, last 3 months */
	CL_ACT_NSUMS
};

/* the largest number of decimals an exact sum keeps */
#define CL_DEC_MAX_SCALE 18

#define CL_DEC_NAN	0x01
#define CL_DEC_PINF 0x02
#define CL_DEC_NINF 0x04

/*
 * An exact decimal sum: value / 10^scale (value a 128-bit integer), scale the largest number of
 * decimals of the amounts added (as numeric's sum does), special the
 * non-finite amounts seen (NaN; +/-Infinity), n the amounts added.
 */
typedef struct ClDecSum
{
	int64_t		hi;				/* value = hi * 2^64 + lo (kept apart: */
	uint64_t	lo;				/* states are only 8-byte aligned) */
	int32_t		scale;
	int32_t		special;
	int64_t		n;
} ClDecSum;

static inline __int128
cl_dec_value(const ClDecSum *s)
{
	return (__int128) (((unsigned __int128) (uint64_t) s->hi << 64) | s->lo);
}

static inline void
cl_dec_set_value(ClDecSum *s, __int128 v)
{
	s->hi = (int64_t) (v >> 64);
	s->lo = (uint64_t) v;
}

/*
 * Adds value / 10^scale (0 <= scale <= CL_DEC_MAX_SCALE) to *s.  Returns 0
 * (leaving *s alone) when the sum would overflow 128 bits, 1 otherwise.
 */
extern int	cl_dec_add(ClDecSum *s, __int128 value, int scale);

/* Adds a non-finite amount (CL_DEC_NAN, CL_DEC_PINF or CL_DEC_NINF). */
extern void cl_dec_add_special(ClDecSum *s, int special);

/* Merges b into *a (exact); 0 on overflow (a unchanged), 1 otherwise. */
extern int	cl_dec_merge(ClDecSum *a, const ClDecSum *b);

/*
 * Writes the sum as numeric's text form ("NaN", "Infinity", "-Infinity" or
 * digits with exactly scale decimals) into buf (at least 64 bytes).
 */
extern void cl_dec_format(const ClDecSum *s, char *buf);

/* NULL when consistent, else what is wrong (scale, flags, empty sum). */
extern const char *cl_dec_check(const ClDecSum *s);

#define CL_ACT_HAS_LAST		0x01
#define CL_ACT_HAS_BEFORE	0x02

/*
 * The partial state.  Bit i of bits (bit 7 - i % 8 of byte i / 8, as
 * PostgreSQL's bit strings number them) says whether day first_day + i had a
 * customer-initiated transaction, first_day = as_of - 12 months + 1 day,
 * ndays = as_of - first_day + 1.
 */
typedef struct ClActivity
{
	int32_t		as_of;
	int32_t		flags;			/* CL_ACT_HAS_* */
	int64_t		last_ts;		/* latest customer-initiated transaction */
	int64_t		before_ts;		/* latest one before the 12 months */
	int64_t		n[CL_ACT_NWINDOWS];
	ClDecSum	sum[CL_ACT_NSUMS];
	uint8_t		bits[CL_ACT_BITMAP_BYTES];
} ClActivity;

/* An empty state as of day as_of. */
extern void cl_act_init(ClActivity *s, int32_t as_of);

/* Marks day offset i (0 <= i < CL_ACT_MAX_DAYS) as an activity day. */
static inline void
cl_act_set_day(ClActivity *s, int i)
{
	s->bits[i >> 3] |= (uint8_t) (0x80 >> (i & 7));
}

/*
 * Counts one more transaction in window win; 0 (s unchanged) when the total
 * of the counts would overflow.
 */
static inline int
cl_act_count(ClActivity *s, int win)
{
	int64_t		total = 0;
	int			w;

	for (w = 0; w < CL_ACT_NWINDOWS; w++)
		if (__builtin_add_overflow(total, s->n[w], &total))
			return 0;
	if (total == INT64_MAX)
		return 0;
	s->n[win]++;
	return 1;
}

/* A timestamp becomes the latest (before the window, when before != 0). */
static inline void
cl_act_note_ts(ClActivity *s, int64_t ts, int before)
{
	if (!(s->flags & CL_ACT_HAS_LAST) || ts > s->last_ts)
		s->last_ts = ts;
	s->flags |= CL_ACT_HAS_LAST;
	if (before)
	{
		if (!(s->flags & CL_ACT_HAS_BEFORE) || ts > s->before_ts)
			s->before_ts = ts;
		s->flags |= CL_ACT_HAS_BEFORE;
	}
}

/*
 * Merges b into a (same as_of; the caller checks).  Returns 0 when a count,
 * the total of the counts or a sum would overflow (a is then unchanged), 1
 * otherwise.  Commutative and associative.
 */
extern int	cl_act_merge(ClActivity *a, const ClActivity *b);

/*
 * Checks the invariants of a state whose 12 months have ndays days
 * (1..CL_ACT_MAX_DAYS): known flags, counts >= 0, no bit at or after ndays,
 * an activity day exactly when some transaction was counted and no more
 * activity days than transactions counted, a latest transaction whenever one
 * was counted or one before the window is known, and the one before the
 * window not after the latest, consistent sums.  Returns NULL when consistent, else a short
 * English sentence saying what is wrong.
 */
extern const char *cl_act_check(const ClActivity *s, int ndays);

/*
 * The longest gap between consecutive activity days that ended on a day of
 * the window: bits (nbits days from first_day, bit order as above), the
 * activity day before the window being prev (when has_prev).  Gaps are
 * measured in days (ended - started); the latest gap wins a tie.  Returns 0
 * when no activity day of the window has a predecessor, else 1 with the gap
 * in *gap, *started, *ended.  Polls cl_optim_interrupt every 1024 days.
 */
extern int	cl_act_longest_gap(const uint8_t *bits, int nbits, int32_t first_day,
							   int has_prev, int32_t prev,
							   int32_t *gap, int32_t *started, int32_t *ended);

/*
 * Every gap of at least CL_ACT_GAP_MIN_DAYS days (the shortest month: no
 * shorter gap lasts a whole calendar month) between consecutive activity
 * days that ended on a day of the window, oldest first: arguments as
 * cl_act_longest_gap, the gaps into started[] and ended[] (room for
 * CL_ACT_MAX_GAPS; consecutive ones end at least CL_ACT_GAP_MIN_DAYS days
 * apart, so no window of CL_ACT_MAX_DAYS days has more).  Returns their
 * number.  Polls cl_optim_interrupt every 1024 days.
 */
#define CL_ACT_GAP_MIN_DAYS 28
#define CL_ACT_MAX_GAPS (1 + (CL_ACT_MAX_DAYS - 1) / CL_ACT_GAP_MIN_DAYS)
extern int	cl_act_gaps(const uint8_t *bits, int nbits, int32_t first_day,
						int has_prev, int32_t prev, int32_t *started, int32_t *ended);

/*
 * The calendar of the 12 months (PostgreSQL's date arithmetic, in plain C):
 * day numbers from 2000-01-01 on the proleptic Gregorian calendar.
 * cl_act_months_before(d, m) is (d - interval 'm months')::date: the same
 * day of the month m months earlier, or the last day of that month when it
 * is shorter (2024-05-31 - 3 months = 2024-02-29).  Valid for every day of
 * the date range and 0 <= m <= 12.
 */
extern int32_t cl_act_months_before(int32_t day, int months);

/*
 * The 12 months of as_of: *first_day = (as_of - 12 months) + 1 day; returns
 * their number of days (as_of - *first_day + 1: 365 or 366).
 */
extern int	cl_act_window(int32_t as_of, int32_t *first_day);

/*
 * The as_of dates the aggregate takes: the 12 months before and the day
 * after stay within the date and timestamp ranges
 * (DATETIME_MIN_JULIAN - POSTGRES_EPOCH_JDATE + 400 <= as_of <
 * TIMESTAMP_END_JULIAN - POSTGRES_EPOCH_JDATE - 2).
 */
#define CL_ACT_AS_OF_MIN (-2451545 + 400)
#define CL_ACT_AS_OF_END (109203528 - 2451545 - 2)

/* the timestamp range: MIN_TIMESTAMP <= ts < END_TIMESTAMP */
#define CL_ACT_TS_MIN INT64_C(-211813488000000000)
#define CL_ACT_TS_END INT64_C(9223371331200000000)

/*
 * The portable binary form of clientele.activity_state (send/recv; the text
 * form is "act1:" and its hex), network byte order (big-endian) whatever the
 * machine, CL_ACT_WIRE_SIZE bytes:
 *   uint8 version (CL_ACT_WIRE_VERSION), uint8 flags, int32 as_of,
 *   int64 last_ts, int64 before_ts, int64 n[CL_ACT_NWINDOWS],
 *   CL_ACT_NSUMS times (int64 hi, uint64 lo, int32 scale, int32 special,
 *   int64 n), then the CL_ACT_BITMAP_BYTES bytes of the bitmap.
 */
#define CL_ACT_WIRE_VERSION 1
#define CL_ACT_WIRE_SIZE (1 + 1 + 4 + 8 + 8 + 8 * CL_ACT_NWINDOWS + 32 * CL_ACT_NSUMS + CL_ACT_BITMAP_BYTES)

/* Writes the binary form of s (flags < 256) into out (CL_ACT_WIRE_SIZE bytes). */
extern void cl_act_wire_encode(const ClActivity *s, unsigned char *out);

/*
 * Decodes a binary form into *out and checks every invariant the aggregate
 * keeps, so that a value typed in by hand is one activity_summary could have
 * built: the length, the version, as_of within CL_ACT_AS_OF_MIN ..
 * CL_ACT_AS_OF_END, cl_act_check over the days of its 12 months, the latest
 * transaction a timestamp before the end of the day after as_of, the latest
 * one before the 12 months a timestamp before the end of their first day
 * (one day of slack either way: the session time zone is not known here).
 * Returns NULL when valid, else a message (an errdetail sentence).
 */
extern const char *cl_act_wire_decode(const unsigned char *buf, size_t len, ClActivity *out);

#endif							/* CL_FEATURES_CORE_H */
