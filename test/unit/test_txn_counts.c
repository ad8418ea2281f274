/*
 * test_txn_counts.c - unit tests of src/core/txn_counts.c: the state of
 * clientele.refresh_txn_counts (merge in any order, invariants, months
 * counted) and its binary form (round trip, little-endian layout, every
 * refusal).
 */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "features_core.h"
#include "txn_counts.h"

#define DAY INT64_C(86400000000)

/* 2025-12-31 and the starts of its windows (UTC) */
#define AS_OF 9496
#define PERIOD_FROM (INT64_C(9132) * DAY)	/* 2025-01-01 */
#define RECENT_FROM (INT64_C(9313) * DAY)	/* 2025-07-01 */
#define MONTHS_FROM (INT64_C(9132) * DAY)

static void
state(ClTxnCounts *s, int64_t n_all, int64_t n_period, int64_t last_ts, int flags)
{
	cl_txc_init(s, AS_OF, PERIOD_FROM, RECENT_FROM, MONTHS_FROM);
	s->n_all = n_all;
	s->n_period = n_period;
	s->last_ts = last_ts;
	s->flags = flags;
}

static void
test_state(void)
{
	ClTxnCounts a,
				b,
				m1,
				m2;

	state(&a, 3, 1, RECENT_FROM + DAY, CL_TXC_HAS_LAST | CL_TXC_ACTIVE_SEEN);
	a.n_channel[1] = 2;
	a.n_uncosted = 1;
	a.months[0] = 0x5;
	state(&b, 4, 2, RECENT_FROM + 2 * DAY, CL_TXC_HAS_LAST | CL_TXC_ACTIVE_SEEN | CL_TXC_ACTIVE);
	b.n_channel[5] = 3;
	b.months[0] = 0x6;
	b.months[1] = UINT64_C(1) << 63;
	ok(cl_txc_check(&a) == NULL && cl_txc_check(&b) == NULL, "two consistent states");
	ok(cl_txc_months_active(&a) == 2 && cl_txc_months_active(&b) == 3, "months counted from the bits of both words");
	m1 = a;
	m2 = b;
	ok(cl_txc_merge(&m1, &b) && cl_txc_merge(&m2, &a) && memcmp(&m1, &m2, sizeof(m1)) == 0, "merge commutes");
	ok(m1.n_all == 7 && m1.n_period == 3 && m1.n_channel[1] == 2 && m1.n_channel[5] == 3 && m1.n_uncosted == 1,
	   "counts add");
	ok(m1.last_ts == RECENT_FROM + 2 * DAY && (m1.flags & CL_TXC_ACTIVE), "latest is the maximum, active joins");
	ok(cl_txc_months_active(&m1) == 4 && cl_txc_check(&m1) == NULL, "months join (union), the merge is consistent");
	cl_txc_init(&m2, AS_OF, PERIOD_FROM, RECENT_FROM, MONTHS_FROM);
	m1 = a;
	ok(cl_txc_merge(&m1, &m2) && memcmp(&m1, &a, sizeof(a)) == 0, "merging an empty state changes nothing");
	ok(cl_txc_same_group(&a, &b), "same constants: same group");
	b.recent_from += 1;
	ok(!cl_txc_same_group(&a, &b), "another recent_from: another group");
	state(&m1, INT64_MAX, 0, 0, 0);
	state(&m2, 1, 0, 0, 0);
	ok(!cl_txc_merge(&m1, &m2) && m1.n_all == INT64_MAX, "n_all overflow refused, state unchanged");
}

static void
test_check(void)
{
	ClTxnCounts s;

	state(&s, 0, 0, 0, 0);
	ok(cl_txc_check(&s) == NULL, "the empty state is consistent");
	state(&s, 1, 0, INT64_MIN, CL_TXC_HAS_LAST);
	ok(cl_txc_check(&s) == NULL, "a latest transaction of -infinity (max(ts) returns it)");
	state(&s, 1, 0, 0, CL_TXC_ACTIVE);
	ok(cl_txc_check(&s) != NULL, "active without seen: refused");
	state(&s, 1, 0, 0, 0x10);
	ok(cl_txc_check(&s) != NULL, "unknown flag: refused");
	state(&s, 1, 2, RECENT_FROM, CL_TXC_HAS_LAST);
	ok(cl_txc_check(&s) != NULL, "more period transactions than rows: refused");
	state(&s, 2, 0, 0, 0);
	s.n_channel[0] = 2;
	s.n_uncosted = 1;
	ok(cl_txc_check(&s) != NULL, "more transactions by channel than rows: refused");
	state(&s, 1, 1, 0, 0);
	ok(cl_txc_check(&s) != NULL, "a period transaction without a latest one: refused");
	state(&s, 1, 1, PERIOD_FROM - 1, CL_TXC_HAS_LAST);
	ok(cl_txc_check(&s) != NULL, "the latest transaction before the period of a period transaction: refused");
	state(&s, 1, 0, RECENT_FROM - 1, CL_TXC_HAS_LAST | CL_TXC_ACTIVE_SEEN | CL_TXC_ACTIVE);
	ok(cl_txc_check(&s) != NULL, "active with the latest transaction before recent_from: refused");
	state(&s, 1, 0, MONTHS_FROM - 1, CL_TXC_HAS_LAST);
	s.months[0] = 1;
	ok(cl_txc_check(&s) != NULL, "a month with activity after the latest transaction: refused");
	state(&s, 1, 0, RECENT_FROM, CL_TXC_HAS_LAST);
	s.months[0] = 3;
	ok(cl_txc_check(&s) != NULL, "more months than rows: refused");
	state(&s, 0, 0, RECENT_FROM, CL_TXC_HAS_LAST);
	ok(cl_txc_check(&s) != NULL, "a latest transaction without a row: refused");
	state(&s, 1, 0, 5, 0);
	ok(cl_txc_check(&s) != NULL, "a latest timestamp without its flag: refused");
	state(&s, 0, 0, 0, 0);
	s.as_of = CL_ACT_AS_OF_END;
	ok(cl_txc_check(&s) != NULL, "as_of out of range: refused");
	state(&s, 0, 0, 0, 0);
	s.period_from = INT64_MAX;
	ok(cl_txc_check(&s) != NULL, "an infinite window start: refused");
	state(&s, -1, 0, 0, 0);
	ok(cl_txc_check(&s) != NULL, "a negative count: refused");
}

static int
refused(const unsigned char *w, size_t len, const char *why)
{
	ClTxnCounts s;
	const char *err = cl_txc_wire_decode(w, len, &s);

	if (err == NULL || strcmp(err, why) != 0)
		printf("#   got %s, want %s\n", err ? err : "(accepted)", why);
	return err != NULL && strcmp(err, why) == 0;
}

static void
test_wire(void)
{
	ClTxnCounts s,
				d;
	unsigned char w[CL_TXC_WIRE_SIZE],
				w2[CL_TXC_WIRE_SIZE];

	state(&s, 7, 3, RECENT_FROM + 5, CL_TXC_HAS_LAST | CL_TXC_ACTIVE_SEEN | CL_TXC_ACTIVE);
	s.n_channel[2] = 4;
	s.n_uncosted = 2;
	s.months[0] = 0x81;
	s.months[1] = 0x2;
	cl_txc_wire_encode(&s, w);
	ok(CL_TXC_WIRE_SIZE == 126, "the binary form is 126 bytes");
	ok(cl_txc_wire_decode(w, sizeof(w), &d) == NULL && memcmp(&d, &s, sizeof(s)) == 0, "decode(encode(s)) == s");
	ok(w[0] == CL_TXC_WIRE_VERSION && w[1] == (CL_TXC_HAS_LAST | CL_TXC_ACTIVE_SEEN | CL_TXC_ACTIVE) &&
	   w[2] == (AS_OF & 0xff) && w[3] == (AS_OF >> 8) && w[38] == 7 && w[39] == 0 && w[46] == 3 && w[54] == 2 &&
	   w[62 + 16] == 4 && w[110] == 0x81 && w[118] == 0x2, "little-endian fields at their offsets");
	ok(refused(w, sizeof(w) - 1, "The value has the wrong length."), "short: refused");
	memcpy(w2, w, sizeof(w));
	w2[0] = 2;
	ok(refused(w2, sizeof(w2), "Unknown version."), "unknown version: refused");
	memcpy(w2, w, sizeof(w));
	w2[1] |= 0x40;
	ok(refused(w2, sizeof(w2), "Unknown flags."), "unknown flag: refused");
	memcpy(w2, w, sizeof(w));
	w2[45] = 0x80;
	ok(refused(w2, sizeof(w2), "A count is negative."), "negative n_all: refused");
	memcpy(w2, w, sizeof(w));
	w2[110] = 0xff;
	ok(refused(w2, sizeof(w2), "More months with activity than rows."), "months beyond the rows: refused");
}

int
main(void)
{
	test_state();
	test_check();
	test_wire();
	return tap_done();
}
