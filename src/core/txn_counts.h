/*
 * txn_counts.h
 *		Plain-C part of the refresh's transaction counts (no PostgreSQL
 *		headers; unit-tested by test/unit/test_txn_counts.c, fuzzed by
 *		test/fuzz/fuzz_txn_counts.c): the partial state of the aggregate
 *		clientele.refresh_txn_counts (src/refresh.c), how two partial states
 *		merge, which states are consistent, and the portable binary form of
 *		clientele.refresh_txn_state (little-endian, a version byte).
 *
 * One row of a customer's transactions adds to: every row (n_all); the
 * customer-initiated, non-enquiry ones from period_from on (n_period); the
 * latest customer-initiated one (last_ts); whether a customer-initiated
 * enquiry, deposit, withdrawal or transfer happened from recent_from on
 * (active, with bool_or's NULL); the calendar months (of a time zone) with a
 * customer-initiated one from months_from on, as bits counted back from the
 * month of as_of (months); the rows from period_from on per channel, and
 * those with no known channel (n_uncosted).
 *
 * Days are day numbers from 2000-01-01 (PostgreSQL's DateADT); timestamps
 * are microseconds from 2000-01-01 UTC (TimestampTz), compared as integers.
 */
#ifndef CL_TXN_COUNTS_H
#define CL_TXN_COUNTS_H

#include <stddef.h>
#include <stdint.h>

/* the channels costed by the refresh, in this order */
#define CL_TXC_NCHANNELS 6
/* months counted back from the month of as_of (bits of months[]) */
#define CL_TXC_MONTHS 128

#define CL_TXC_HAS_LAST		0x01	/* last_ts is set */
#define CL_TXC_ACTIVE_SEEN	0x02	/* active is not NULL */
#define CL_TXC_ACTIVE		0x04	/* active is true */
#define CL_TXC_FLAGS		0x07

typedef struct ClTxnCounts
{
	int32_t		as_of;
	int32_t		flags;			/* CL_TXC_* */
	int64_t		period_from;	/* the group's constants */
	int64_t		recent_from;
	int64_t		months_from;
	int64_t		last_ts;		/* 0 without CL_TXC_HAS_LAST */
	int64_t		n_all;
	int64_t		n_period;
	int64_t		n_uncosted;
	int64_t		n_channel[CL_TXC_NCHANNELS];
	uint64_t	months[CL_TXC_MONTHS / 64];	/* bit k % 64 of months[k / 64]: k months before as_of's */
} ClTxnCounts;

/* An empty state of the group's constants. */
extern void cl_txc_init(ClTxnCounts *s, int32_t as_of, int64_t period_from,
						int64_t recent_from, int64_t months_from);

/* Whether a and b have the same constants (as_of, period_from, recent_from, months_from). */
extern int	cl_txc_same_group(const ClTxnCounts *a, const ClTxnCounts *b);

/*
 * Merges b into a (same group: the caller checks).  Returns 0 when n_all
 * would overflow (a is then unchanged), 1 otherwise.  Commutative and
 * associative.
 */
extern int	cl_txc_merge(ClTxnCounts *a, const ClTxnCounts *b);

/* The number of months with activity (bits set in months[]). */
extern int	cl_txc_months_active(const ClTxnCounts *s);

/*
 * Checks the invariants every state the aggregate builds keeps: as_of
 * within CL_ACT_AS_OF_MIN .. CL_ACT_AS_OF_END (features_core.h), the
 * constants finite timestamps (CL_ACT_TS_MIN .. CL_ACT_TS_END), last_ts one
 * or -infinity or infinity (INT64_MIN, INT64_MAX), known
 * flags, active true only when seen, counts >= 0 with n_period and the
 * channel counts plus n_uncosted at most n_all, a latest transaction
 * (on or after period_from, recent_from, months_from) whenever a period
 * transaction, an activity or a month was counted, no more months than
 * rows.  Returns NULL when consistent, else a short English sentence.
 */
extern const char *cl_txc_check(const ClTxnCounts *s);

/* the binary form: version, flags, as_of, 4 timestamps, 9 counts, 2 month words */
#define CL_TXC_WIRE_VERSION 1
#define CL_TXC_WIRE_SIZE (1 + 1 + 4 + 8 * 4 + 8 * (3 + CL_TXC_NCHANNELS) + 8 * (CL_TXC_MONTHS / 64))

extern void cl_txc_wire_encode(const ClTxnCounts *s, unsigned char *out);

/*
 * Decodes a binary form of len bytes into *s; NULL when it is exactly
 * CL_TXC_WIRE_SIZE bytes of a known version and passes cl_txc_check, else
 * what is wrong.
 */
extern const char *cl_txc_wire_decode(const unsigned char *buf, size_t len, ClTxnCounts *s);

#endif							/* CL_TXN_COUNTS_H */
