/*
 * test_predict_memo.c - the prediction paths used by the SQL functions over
 * many customers (values derived from the parameters kept, sub-results in a
 * call site's memo) give the plain functions' results bit for bit: BG/NBD
 * P(alive), E[X] and CLV, MBG/NBD E[X] and CLV, Pareto/NBD P(alive) and
 * E[X]; with a memo large enough, one that overflows (8 slots), and after the
 * memo is forgotten for a new parameter set (no stale value).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgnbd.h"
#include "gamma_gamma.h"
#include "mbgnbd.h"
#include "memo.h"
#include "pareto_nbd.h"
#include "tap.h"

static ClGenMemo *
memo_new(uint32_t nslots)
{
	ClGenMemo  *m = calloc(1, sizeof(ClGenMemo) + nslots * sizeof(ClGenMemoEntry));

	m->nslots = nslots;
	m->gen = 1;
	return m;
}

/* bit-for-bit equality (NaN included) */
static int
same(double a, double b)
{
	return memcmp(&a, &b, sizeof(double)) == 0;
}

/* customers: (x, tx, T), with x around the 64 kept logarithms */
static const double CUST[][3] = {
	{0, 0, 38.86}, {1, 1.71, 38.86}, {2, 30.43, 38.86}, {5, 20, 30}, {5, 30, 30},
	{7, 2, 80}, {63, 50, 52}, {64, 51, 52}, {65, 52, 52}, {100, 70, 78}, {0, 0, 0.5},
	{3, 0.5, 0.5}, {14, 35.1, 39}
};
#define NCUST (int) (sizeof(CUST) / sizeof(CUST[0]))

static void
check_bgnbd(const double *p, ClGenMemo *m, const char *label)
{
	static const double H[] = {0, 1, 26, 39, 200};
	static const double GG[3] = {6.25, 3.74, 15.44};
	ClBgnbdPre	pre;
	int			bad_alive = 0,
				bad_exp = 0,
				bad_clv = 0,
				n = 0;

	cl_bgnbd_pre_init(&pre, p);
	/* twice: the second pass reads the memo */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < NCUST; i++)
		{
			double		x = CUST[i][0],
						tx = CUST[i][1],
						T = CUST[i][2];

			bad_alive += !same(cl_bgnbd_p_alive_pre(&pre, x, tx, T), cl_bgnbd_p_alive(p, x, tx, T));
			for (int k = 0; k < (int) (sizeof(H) / sizeof(H[0])); k++)
				bad_exp += !same(cl_bgnbd_expected_cond_pre(&pre, m, H[k], x, tx, T),
								 cl_bgnbd_expected_cond(p, H[k], x, tx, T));
			for (int months = 0; months <= 24; months += 12)
				for (int u = 0; u < 2; u++)
				{
					double		upm = u ? 30.0 : 4.345,
								mon = x > 0 ? 35.5 : 0.0;

					bad_clv += !same(cl_clv_pre(&pre, m, GG, x, tx, T, mon, months, 0.01, upm),
									 cl_clv(p, GG, x, tx, T, mon, months, 0.01, upm));
				}
			n++;
		}
	ok(bad_alive == 0, "BG/NBD %s: P(alive) with kept logarithms = cl_bgnbd_p_alive bit for bit (%d customers x 2)", label, n / 2);
	ok(bad_exp == 0, "BG/NBD %s: memoised E[X] = cl_bgnbd_expected_cond bit for bit", label);
	ok(bad_clv == 0, "BG/NBD %s: memoised CLV = cl_clv bit for bit", label);
}

static void
check_mbgnbd(const double *p, ClGenMemo *m, const char *label)
{
	static const double GG[3] = {6.25, 3.74, 15.44};
	int			bad_exp = 0,
				bad_clv = 0;

	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < NCUST; i++)
		{
			double		x = CUST[i][0],
						tx = x == 0 ? 0 : CUST[i][1],
						T = CUST[i][2];

			bad_exp += !same(cl_mbgnbd_expected_cond_memo(p, m, 39, x, tx, T),
							 cl_mbgnbd_expected_cond(p, 39, x, tx, T));
			bad_clv += !same(cl_mbgnbd_clv_memo(p, m, GG, x, tx, T, x > 0 ? 20 : 0, 12, 0.01, 4.345),
							 cl_mbgnbd_clv(p, GG, x, tx, T, x > 0 ? 20 : 0, 12, 0.01, 4.345));
		}
	ok(bad_exp == 0, "MBG/NBD %s: memoised E[X] = cl_mbgnbd_expected_cond bit for bit", label);
	ok(bad_clv == 0, "MBG/NBD %s: memoised CLV = cl_mbgnbd_clv bit for bit", label);
}

static void
check_pnbd(const double *p, ClGenMemo *m, const char *label)
{
	int			bad_alive = 0,
				bad_exp = 0;

	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < NCUST; i += 2)
		{
			double		x = CUST[i][0],
						tx = x == 0 ? 0 : CUST[i][1],
						T = CUST[i][2];

			bad_alive += !same(cl_pnbd_p_alive_memo(p, m, x, tx, T), cl_pnbd_p_alive(p, x, tx, T));
			bad_exp += !same(cl_pnbd_expected_purchases_memo(p, m, 39, x, tx, T),
							 cl_pnbd_expected_purchases(p, 39, x, tx, T));
		}
	ok(bad_alive == 0, "Pareto/NBD %s: memoised P(alive) = cl_pnbd_p_alive bit for bit", label);
	ok(bad_exp == 0, "Pareto/NBD %s: memoised E[X] = cl_pnbd_expected_purchases bit for bit", label);
}

int
main(void)
{
	/* CDNOW (FHL 2005) and a second set; MBG/NBD and Pareto/NBD CDNOW-like */
	static const double BG1[4] = {0.243, 4.414, 0.793, 2.426},
				BG2[4] = {1.7, 12.0, 0.3, 9.0},
				MB1[4] = {0.525, 6.183, 0.891, 1.614},
				MB2[4] = {2.0, 30.0, 3.0, 0.5},
				PN1[4] = {0.553, 10.58, 0.606, 11.67},
				PN2[4] = {1.2, 5.0, 2.0, 40.0};
	ClGenMemo  *big = memo_new(4096),
			   *tiny = memo_new(8);
	double		key[3] = {1, 2, 3},
				v = 0;

	check_bgnbd(BG1, big, "CDNOW, memo of 4096");
	check_bgnbd(BG1, tiny, "CDNOW, memo of 8 (overflows)");
	check_bgnbd(BG1, NULL, "CDNOW, no memo");
	/* new parameters, memos forgotten: nothing of the first set is returned */
	cl_genmemo_forget(big);
	cl_genmemo_forget(tiny);
	check_bgnbd(BG2, big, "second set after forget, memo of 4096");
	check_bgnbd(BG2, tiny, "second set after forget, memo of 8");

	cl_genmemo_forget(big);
	cl_genmemo_forget(tiny);
	check_mbgnbd(MB1, big, "CDNOW-like, memo of 4096");
	check_mbgnbd(MB1, tiny, "CDNOW-like, memo of 8");
	cl_genmemo_forget(big);
	check_mbgnbd(MB2, big, "second set after forget");

	cl_genmemo_forget(big);
	cl_genmemo_forget(tiny);
	check_pnbd(PN1, big, "CDNOW-like, memo of 4096");
	check_pnbd(PN1, tiny, "CDNOW-like, memo of 8");
	cl_genmemo_forget(big);
	check_pnbd(PN2, big, "second set after forget");

	/* the memo itself: a stored key is found, forgotten after forget */
	cl_genmemo_put(big, key, 3, 42.0);
	ok(cl_genmemo_get(big, key, 3, &v) && v == 42.0, "memo: a stored key is found with its value");
	cl_genmemo_forget(big);
	ok(!cl_genmemo_get(big, key, 3, &v), "memo: forget drops every entry");
	/* more keys than slots: whatever is found has its own value */
	{
		int			wrong = 0;

		for (int i = 0; i < 100; i++)
		{
			double		k[3] = {i, i * 0.5, 7};

			cl_genmemo_put(tiny, k, 3, i * 10.0);
		}
		for (int i = 0; i < 100; i++)
		{
			double		k[3] = {i, i * 0.5, 7};

			if (cl_genmemo_get(tiny, k, 3, &v) && v != i * 10.0)
				wrong++;
		}
		ok(wrong == 0, "memo of 8 slots holding 100 keys: no key returns another's value");
	}
	free(big);
	free(tiny);
	return tap_done();
}
