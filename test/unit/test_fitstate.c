/*
 * test_fitstate.c - unit tests of the compressed fit state
 * (src/core/fitstate.c): counts, -0.0, full tables, merge, sorting (against
 * qsort), validation of states read from outside, the fit honesty check.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fitstate.h"
#include "models_sim.h"
#include "tap.h"

static int
cmp(const void *pa, const void *pb)
{
	const ClFitRow *a = pa,
			   *b = pb;

	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->tx != b->tx)
		return a->tx < b->tx ? -1 : 1;
	return (a->T > b->T) - (a->T < b->T);
}

static ClFitState *
new_state(uint32_t cap)
{
	ClFitState *st = malloc(cl_fitstate_size(cap));

	cl_fitstate_init(st, CL_MODEL_BGNBD, cap, 0.0);
	return st;
}

/* the portable serial form: little-endian bytes, round trip, checks */
static void
test_wire(void)
{
	ClFitState *st = new_state(8),
			   *back;
	ClFitRow	rows[8];
	unsigned char buf[CL_FITSTATE_WIRE_HEADER + 8 * CL_FITSTATE_WIRE_ROW];
	uint32_t	n,
				nback = 0;
	size_t		len;

	cl_fitstate_add(st, 2, 5, 10, 1);
	cl_fitstate_add(st, 0, 0, 10, 2);
	n = cl_fitstate_rows(st, rows);
	len = cl_fitstate_wire_size(n);
	cl_fitstate_to_wire(st, rows, n, buf);
	ok(len == 32 + 2 * 32 && buf[0] == CL_FITSTATE_WIRE_VERSION && buf[1] == CL_MODEL_BGNBD && buf[4] == 2 && buf[5] == 0,
	   "serial form: version, model, little-endian row count");
	/* nrows = 3.0 = 0x4008000000000000, little-endian: byte 7 of the field is 0x40 */
	ok(buf[16] == 0 && buf[22] == 0x08 && buf[23] == 0x40, "serial form: float64 little-endian");
	ok(cl_fitstate_wire_rows(buf, len, &nback) == NULL && nback == 2, "header announces 2 rows");
	back = malloc(cl_fitstate_size(nback));
	ok(cl_fitstate_from_wire(buf, len, back) == NULL && back->compact && back->nentries == 2 &&
	   back->nrows == 3 && back->slots[0].count == 2 && back->slots[1].x == 2,
	   "serial form reads back as the compact state");
	ok(cl_fitstate_wire_rows(buf, len - 1, &nback) != NULL, "a short value is refused");
	buf[0] = 9;
	ok(cl_fitstate_wire_rows(buf, len, &nback) != NULL, "an unknown version is refused");
	buf[0] = CL_FITSTATE_WIRE_VERSION;
	/* the second row (2, 5, 10): recency 5 -> 11 > T */
	buf[32 + 32 + 8 + 7] = 0x40;
	buf[32 + 32 + 8 + 6] = 0x26;
	ok(cl_fitstate_from_wire(buf, len, back) != NULL, "a row with recency > T is refused");
	free(back);
	free(st);
	/* model rules */
	st = new_state(8);
	st->model = CL_MODEL_SBG;
	cl_fitstate_add(st, 3, 1, 3, 1);
	ok(cl_fitstate_check_rows(st) != NULL, "sBG: churned with entered = periods is refused");
	free(st);
	st = new_state(8);
	cl_fitstate_add(st, 1, 0, 3, 9007199254740994.0);
	ok(cl_fitstate_check_rows(st) != NULL, "a count above 2^53 is refused");
	free(st);
}

int
main(void)
{
	ClFitState *st = new_state(8),
			   *big,
			   *m;
	ClFitRow	out[64];
	uint32_t	n,
				i;

	ok(cl_fitstate_add(st, 1, 2, 3, 1) && cl_fitstate_add(st, 1, 2, 3, 1), "add a row twice");
	ok(st->nentries == 1 && st->nrows == 2, "one distinct row, two input rows");
	ok(cl_fitstate_add(st, 0, -0.0, 3, 1) && cl_fitstate_add(st, 0, 0.0, 3, 1), "add 0 and -0");
	ok(st->nentries == 2, "-0.0 and 0.0 are one row");
	ok(cl_fitstate_add(st, 5, 1, 3, 1) && cl_fitstate_add(st, 4, 1, 3, 1), "fill to half");
	ok(cl_fitstate_needs_grow(st), "a half-full table asks to grow");
	ok(!cl_fitstate_add(st, 9, 9, 9, 1), "a new row in a full table is refused");
	ok(cl_fitstate_add(st, 5, 1, 3, 1), "an existing row is still counted");
	ok(cl_fitstate_check(st, cl_fitstate_size(8)) == NULL, "state passes its check");
	n = cl_fitstate_rows(st, out);
	ok(n == 4 && out[0].x == 0 && out[0].count == 2 && out[1].x == 1 && out[3].x == 5 && out[3].count == 2,
	   "rows come out sorted with their counts");

	/* merge into a bigger state: counts add up exactly */
	big = new_state(64);
	ok(cl_fitstate_merge(big, st) && cl_fitstate_merge(big, st), "merge twice");
	ok(big->nentries == 4 && big->nrows == 2 * st->nrows, "merged counts add up");

	/* sort: against qsort on random rows with many ties */
	{
		int			good = 1,
					rep;

		sim_seed(7);
		for (rep = 0; rep < 20; rep++)
		{
			int			len = 1 + (int) (sim_unif() * 5000);
			ClFitState *s2;
			ClFitRow  *a = malloc(len * sizeof(ClFitRow)),
					   *b = malloc(len * sizeof(ClFitRow));
			uint32_t	cap = 64,
						k;
			int			j;

			s2 = new_state(cap);
			for (j = 0; j < len; j++)
			{
				if (cl_fitstate_needs_grow(s2))
				{
					ClFitState *ns = new_state(cap * 2);

					cl_fitstate_merge(ns, s2);
					free(s2);
					s2 = ns;
					cap *= 2;
				}
				cl_fitstate_add(s2, floor(sim_unif() * 4), floor(sim_unif() * 10) / 2,
								floor(sim_unif() * (rep % 5 + 1)), 1);
			}
			k = cl_fitstate_rows(s2, a);
			memcpy(b, a, k * sizeof(ClFitRow));
			qsort(b, k, sizeof(ClFitRow), cmp);
			for (i = 0; i < k; i++)
				if (cmp(&a[i], &b[i]) != 0 || a[i].count != b[i].count)
					good = 0;
			for (i = 1; i < k; i++)
				if (cmp(&a[i - 1], &a[i]) >= 0)
					good = 0;
			if (s2->nrows != len)
				good = 0;
			free(a);
			free(b);
			free(s2);
		}
		ok(good, "rows are sorted and distinct like qsort's on 20 random states");
	}

	/* validation of states from outside */
	m = malloc(cl_fitstate_size(4));
	cl_fitstate_init(m, CL_MODEL_GAMMA_GAMMA, 4, 0.0);
	m->compact = 1;
	m->nentries = 2;
	m->slots[0] = (ClFitRow) {1, 2, 0, 1};
	m->slots[1] = (ClFitRow) {2, 2, 0, 3};
	m->nrows = 4;
	m->capacity = 2;
	ok(cl_fitstate_check(m, cl_fitstate_size(2)) == NULL, "a compact state passes");
	ok(cl_fitstate_check(m, cl_fitstate_size(2) - 1) != NULL, "wrong size is refused");
	m->slots[1].x = 1;
	m->slots[1].tx = 1;
	ok(cl_fitstate_check(m, cl_fitstate_size(2)) != NULL, "unsorted compact rows are refused");
	m->slots[1] = (ClFitRow) {2, 2, 0, 3};
	m->nrows = 5;
	ok(cl_fitstate_check(m, cl_fitstate_size(2)) != NULL, "a wrong row count is refused");
	m->nrows = 4;
	m->slots[0].count = 0.5;
	ok(cl_fitstate_check(m, cl_fitstate_size(2)) != NULL, "a fractional count is refused");
	m->slots[0].count = 1;
	m->slots[0].tx = NAN;
	ok(cl_fitstate_check(m, cl_fitstate_size(2)) != NULL, "a NaN value is refused");
	m->slots[0].tx = 2;
	m->magic = 1;
	ok(cl_fitstate_check(m, cl_fitstate_size(2)) != NULL, "a bad magic number is refused");
	m->magic = CL_FITSTATE_MAGIC;
	m->model = 99;
	ok(cl_fitstate_check(m, cl_fitstate_size(2)) != NULL, "an unknown model is refused");

	/* the honesty check of a fit */
	{
		ClModelFit f;

		memset(&f, 0, sizeof(f));
		f.p[0] = 1;
		f.p[1] = 2;
		f.converged = 1;
		f.se_ok = 1;
		f.log_likelihood = -10;
		ok(cl_model_fit_check(&f, 2), "a regular fit stays converged");
		f.p[1] = 1e9;
		ok(!cl_model_fit_check(&f, 2), "a parameter at 1e9 is not converged");
		f.p[1] = 2;
		f.converged = 1;
		f.se_ok = 0;
		ok(!cl_model_fit_check(&f, 2), "a singular Hessian is not converged");
	}
	free(st);
	free(big);
	free(m);
	test_wire();
	return tap_done();
}
