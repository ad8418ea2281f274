/*
 * test_features.c - unit tests of src/core/features_core.c: exact decimal
 * sums (scales, overflow, non-finite amounts, text form), the activity
 * state (merge in any order, invariants) and the longest activity gap.
 */
#include <string.h>

#include "tap.h"
#include "features_core.h"

static const char *
fmt(const ClDecSum *s)
{
	static char buf[64];

	cl_dec_format(s, buf);
	return buf;
}

static void
test_dec(void)
{
	ClDecSum	s,
				t;
	__int128	big;

	memset(&s, 0, sizeof(s));
	ok(cl_dec_add(&s, 5, 0) && strcmp(fmt(&s), "5") == 0, "integer amount keeps no decimals");
	ok(cl_dec_add(&s, 150, 2) && strcmp(fmt(&s), "6.50") == 0, "the sum takes the largest scale (5 + 1.50 = 6.50)");
	ok(cl_dec_add(&s, -12345, 3) && strcmp(fmt(&s), "-5.845") == 0, "negative amount, 3 decimals");
	ok(s.n == 3, "three amounts counted");
	memset(&t, 0, sizeof(t));
	ok(cl_dec_add(&t, 1, 18) && strcmp(fmt(&t), "0.000000000000000001") == 0, "18 decimals, leading zeros");
	ok(!cl_dec_add(&t, 1, 19), "19 decimals refused");
	ok(t.n == 1, "a refused amount is not counted");
	memset(&t, 0, sizeof(t));
	big = (__int128) 1 << 126;
	ok(cl_dec_add(&t, big, 0) && cl_dec_add(&t, big - 1, 0), "up to 2^127 - 1");
	ok(!cl_dec_add(&t, 1, 0), "overflow beyond 128 bits refused");
	memset(&t, 0, sizeof(t));
	ok(cl_dec_add(&t, (__int128) 1 << 120, 0) && !cl_dec_add(&t, 1, 18), "rescaling that would overflow refused");
	memset(&t, 0, sizeof(t));
	cl_dec_add_special(&t, CL_DEC_PINF);
	cl_dec_add(&t, 5, 0);
	ok(strcmp(fmt(&t), "Infinity") == 0, "Infinity + 5 = Infinity");
	cl_dec_add_special(&t, CL_DEC_NINF);
	ok(strcmp(fmt(&t), "NaN") == 0, "Infinity + -Infinity = NaN");
	memset(&t, 0, sizeof(t));
	cl_dec_add_special(&t, CL_DEC_NINF);
	ok(strcmp(fmt(&t), "-Infinity") == 0, "-Infinity");
	ok(cl_dec_check(&t) == NULL, "a sum of a non-finite amount is consistent");
	memset(&t, 0, sizeof(t));
	cl_dec_set_value(&t, 3);
	ok(cl_dec_check(&t) != NULL, "an empty sum with a value is inconsistent");
	memset(&t, 0, sizeof(t));
	t.n = 1;
	t.scale = 19;
	ok(cl_dec_check(&t) != NULL, "19 decimals are inconsistent");
	memset(&t, 0, sizeof(t));
	cl_dec_add(&t, 250, 2);
	ok(cl_dec_merge(&t, &s) && strcmp(fmt(&t), "-3.345") == 0 && t.n == 4, "merge: 2.50 + -5.845 = -3.345");
	memset(&t, 0, sizeof(t));
	cl_dec_set_value(&t, -1);
	ok(cl_dec_value(&t) == -1, "128-bit value kept in two 64-bit halves");
}

/* a state with the given activity: k transactions on days d[0..k-1] */
static void
state(ClActivity *a, const int *d, int k, int64_t ts0)
{
	int			i;

	cl_act_init(a, 9000);
	for (i = 0; i < k; i++)
	{
		cl_act_set_day(a, d[i]);
		a->n[d[i] < 182 ? CL_ACT_PREV_6M : d[i] < 273 ? CL_ACT_PREV_3M : CL_ACT_LAST_3M]++;
		cl_act_note_ts(a, ts0 + d[i], 0);
	}
}

static void
test_activity(void)
{
	ClActivity	a,
				b,
				c,
				x,
				y;
	const int	da[] = {3, 200, 300};
	const int	db[] = {5, 364};
	const int	dc[] = {100};
	int32_t		gap = 0,
				from = 0,
				to = 0;

	state(&a, da, 3, 1000);
	state(&b, db, 2, 1000);
	state(&c, dc, 1, 1000);
	cl_act_note_ts(&c, 10, 1);
	ok(cl_act_check(&a, 365) == NULL && cl_act_check(&c, 365) == NULL, "built states are consistent");
	x = a;
	ok(cl_act_merge(&x, &b) && cl_act_merge(&x, &c), "(a + b) + c");
	y = c;
	ok(cl_act_merge(&y, &b) && cl_act_merge(&y, &a), "(c + b) + a");
	ok(memcmp(&x, &y, sizeof(x)) == 0, "merge order does not matter");
	ok(x.n[CL_ACT_PREV_6M] == 3 && x.n[CL_ACT_PREV_3M] == 1 && x.n[CL_ACT_LAST_3M] == 2, "counts add");
	ok(x.last_ts == 1364 && x.before_ts == 10 && (x.flags & CL_ACT_HAS_BEFORE), "latest timestamps are maxima");
	ok(cl_act_check(&x, 365) == NULL, "the merged state is consistent");
	ok(cl_act_check(&x, 300) != NULL, "an activity day after as_of is inconsistent");
	y = x;
	y.n[0] = -1;
	ok(cl_act_check(&y, 365) != NULL, "a negative count is inconsistent");
	y = x;
	memset(y.n, 0, sizeof(y.n));
	ok(cl_act_check(&y, 365) != NULL, "activity days without transactions are inconsistent");
	y = x;
	y.flags = 0;
	ok(cl_act_check(&y, 365) != NULL, "transactions without a latest one are inconsistent");
	y = x;
	y.before_ts = y.last_ts + 1;
	ok(cl_act_check(&y, 365) != NULL, "a transaction before the window after the latest is inconsistent");
	y = x;
	y.sum[CL_ACT_TRANSFER_3M].n = 5;
	ok(cl_act_check(&y, 365) != NULL, "more transfers than transactions are inconsistent");
	y = x;
	y.n[CL_ACT_PREV_6M] = INT64_MAX;
	ok(!cl_act_merge(&y, &x) && y.n[CL_ACT_PREV_6M] == INT64_MAX, "a count overflow is refused, the state unchanged");

	/* days 3, 5, 100, 200, 300, 364 of the window from day 1000; before: day 900 */
	ok(cl_act_longest_gap(x.bits, 365, 1000, 1, 900, &gap, &from, &to) && gap == 103 && from == 900 && to == 1003,
	   "the longest gap may start before the window");
	ok(cl_act_longest_gap(x.bits, 365, 1000, 0, 0, &gap, &from, &to) && gap == 100 && from == 1200 && to == 1300,
	   "the latest of equal gaps wins (100 days twice)");
	cl_act_init(&y, 9000);
	ok(!cl_act_longest_gap(y.bits, 365, 1000, 1, 900, &gap, &from, &to), "no activity day: no gap");
	cl_act_set_day(&y, 7);
	ok(!cl_act_longest_gap(y.bits, 365, 1000, 0, 0, &gap, &from, &to), "one activity day without a predecessor: no gap");
}

int
main(void)
{
	test_dec();
	test_activity();
	return tap_done();
}
