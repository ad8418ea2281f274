/*
 * test_reference.c - every model prediction of src/core against the
 * high-precision values of test/reference/predictions.tsv (computed with
 * mpmath by test/reference/gen_reference.py): relative error <= 1e-9 where
 * the value is a normal double, and a value below 1e-290 where it underflows.
 * One TAP line per function (the worst case is printed), then the
 * invariants on a random sample of each function's domain: probabilities in
 * [0, 1], expectations >= 0 and non-decreasing in the horizon, DERL in
 * [0, (1 + d) / d], pmf summing to at most 1 (the last two up to 1e-10
 * relative: where an expectation saturates its last digits are rounding).
 *
 * The table is read from $CLIENTELE_REFERENCE or test/reference/predictions.tsv
 * (make runs the tests from the top of the tree).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgnbd.h"
#include "gamma_gamma.h"
#include "pareto_nbd.h"
#include "sbg.h"
#include "tap.h"

#define MAXARGS 16
#define TOL 1e-9

static double
eval(const char *fn, const double *v, int nargs)
{
	if (strcmp(fn, "bgnbd_p_alive") == 0 && nargs == 7)
		return cl_bgnbd_p_alive(v, v[4], v[5], v[6]);
	if (strcmp(fn, "bgnbd_expected_new") == 0 && nargs == 5)
		return cl_bgnbd_expected_new(v, v[4]);
	if (strcmp(fn, "bgnbd_expected_cond") == 0 && nargs == 8)
		return cl_bgnbd_expected_cond(v, v[4], v[5], v[6], v[7]);
	if (strcmp(fn, "bgnbd_pmf") == 0 && nargs == 6)
		return cl_bgnbd_pmf(v, v[4], v[5]);
	if (strcmp(fn, "pnbd_p_alive") == 0 && nargs == 7)
		return cl_pnbd_p_alive(v, v[4], v[4] == 0 ? 0 : v[5], v[6]);
	if (strcmp(fn, "pnbd_expected_cond") == 0 && nargs == 8)
		return cl_pnbd_expected_purchases(v, v[4], v[5], v[5] == 0 ? 0 : v[6], v[7]);
	if (strcmp(fn, "pnbd_expected_new") == 0 && nargs == 5)
		return cl_pnbd_expected_purchases_new(v, v[4]);
	if (strcmp(fn, "pnbd_pmf") == 0 && nargs == 6)
		return cl_pnbd_purchase_pmf(v, v[4], v[5]);
	if (strcmp(fn, "gg_spend") == 0 && nargs == 5)
		return cl_gg_expected_spend(v, v[3], v[4]);
	if (strcmp(fn, "clv") == 0 && nargs == 14)
		return cl_clv(v, v + 4, v[7], v[8], v[9], v[10], (int) v[11], v[12], v[13]);
	if (strcmp(fn, "sbg_survival") == 0 && nargs == 3)
		return exp(cl_sbg_log_survival(v[0], v[1], v[2]));
	if (strcmp(fn, "sbg_churn") == 0 && nargs == 3)
		return exp(cl_sbg_log_churn_pmf(v[0], v[1], v[2]));
	if (strcmp(fn, "sbg_retention") == 0 && nargs == 3)
		return cl_sbg_retention_rate(v[0], v[1], v[2]);
	if (strcmp(fn, "sbg_derl") == 0 && nargs == 4)
		return cl_sbg_derl(v[0], v[1], v[2], v[3]);
	return NAN;
}

typedef struct FStat
{
	char		name[40];
	int			n,
				bad;
	double		worst;
	char		worst_line[400];
} FStat;

static void
test_table(void)
{
	const char *path = getenv("CLIENTELE_REFERENCE");
	FILE	   *f;
	char		line[1024];
	FStat		st[32];
	int			nst = 0,
				total = 0;

	if (path == NULL)
		path = "test/reference/predictions.tsv";
	f = fopen(path, "r");
	if (!ok(f != NULL, "reference table %s can be read", path))
		return;
	while (fgets(line, sizeof(line), f))
	{
		char		copy[1024],
				   *tok,
				   *save = NULL;
		char		fn[40];
		double		v[MAXARGS + 1];
		int			nv = 0,
					k;
		double		got,
					want,
					err;
		FStat	   *s = NULL;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		strcpy(copy, line);
		copy[strcspn(copy, "\n")] = '\0';
		tok = strtok_r(copy, "\t", &save);
		snprintf(fn, sizeof(fn), "%s", tok);
		while ((tok = strtok_r(NULL, "\t", &save)) != NULL && nv <= MAXARGS)
			v[nv++] = strtod(tok, NULL);
		want = v[nv - 1];
		got = eval(fn, v, nv - 1);
		if (fabs(want) < 1e-290)
			err = fabs(got) < 1e-290 ? 0.0 : 1.0;
		else
			err = fabs(got - want) / fabs(want);
		if (isnan(err))
			err = INFINITY;
		for (k = 0; k < nst; k++)
			if (strcmp(st[k].name, fn) == 0)
				s = &st[k];
		if (s == NULL)
		{
			s = &st[nst++];
			memset(s, 0, sizeof(*s));
			snprintf(s->name, sizeof(s->name), "%s", fn);
		}
		s->n++;
		total++;
		if (err > TOL)
			s->bad++;
		if (err > s->worst || s->n == 1)
		{
			s->worst = err;
			snprintf(s->worst_line, sizeof(s->worst_line), "%.*s -> got %.17g",
					 (int) strcspn(line, "\n"), line, got);
		}
	}
	fclose(f);
	ok(total >= 1000, "reference table has %d cases", total);
	for (int k = 0; k < nst; k++)
	{
		if (!ok(st[k].bad == 0, "%s: %d reference values within %g (worst %.2g)",
				st[k].name, st[k].n, TOL, st[k].worst))
			printf("#   %d bad; worst: %s\n", st[k].bad, st[k].worst_line);
		else if (getenv("CLIENTELE_REFERENCE_VERBOSE"))
			printf("#   worst: %s\n", st[k].worst_line);
	}
}

/* ---- invariants on a random sample ---------------------------------------- */

static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;

static double
urand(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (double) (rng_state >> 11) / 9007199254740992.0;
}

/* log-uniform in [lo, hi] */
static double
lu(double lo, double hi)
{
	return exp(log(lo) + urand() * (log(hi) - log(lo)));
}

static int
is_prob(double p)
{
	return p >= 0.0 && p <= 1.0;
}

static void
test_invariants(void)
{
	int			bad_alive = 0,
				bad_exp = 0,
				bad_pmf = 0,
				bad_pn = 0,
				bad_sbg = 0,
				bad_derl = 0,
				n = 400;
	char		where[6][200] = {"", "", "", "", "", ""};

	for (int i = 0; i < n; i++)
	{
		double		p[4] = {lu(1e-2, 1e4), lu(1e-2, 1e4), lu(1e-2, 1e4), lu(1e-2, 1e4)};
		double		T = lu(1, 1e4),
					tx = T * urand(),
					x = floor(lu(1, 1e4)) - 1,
					h1 = lu(1, 1e4),
					h2 = h1 * lu(1, 10),
					e1,
					e2,
					pa,
					sum = 0.0;

		if (x == 0)
			tx = 0;
		/* BG/NBD */
		pa = cl_bgnbd_p_alive(p, x, tx, T);
		if (!is_prob(pa) && bad_alive++ == 0)
			snprintf(where[0], 200, "bg p_alive %g %g %g %g x %g tx %g T %g = %g", p[0], p[1], p[2], p[3], x, tx, T, pa);
		e1 = cl_bgnbd_expected_cond(p, h1, x, tx, T);
		e2 = cl_bgnbd_expected_cond(p, h2, x, tx, T);
		if (!(e1 >= 0 && e2 >= e1 * (1 - 1e-10)) && bad_exp++ == 0)
			snprintf(where[1], 200, "bg E %g %g %g %g x %g tx %g T %g h %g %g = %g %g", p[0], p[1], p[2], p[3], x, tx, T, h1, h2, e1, e2);
		e1 = cl_bgnbd_expected_new(p, h1);
		e2 = cl_bgnbd_expected_new(p, h2);
		if (!(e1 >= 0 && e2 >= e1 * (1 - 1e-10)) && bad_exp++ == 0)
			snprintf(where[1], 200, "bg Enew %g %g %g %g h %g %g = %g %g", p[0], p[1], p[2], p[3], h1, h2, e1, e2);
		for (int k = 0; k < 5; k++)
		{
			double		q = cl_bgnbd_pmf(p, h1, (double) k);

			sum += q;
			if (!is_prob(q) && bad_pmf++ == 0)
				snprintf(where[2], 200, "bg pmf %g %g %g %g h %g n %d = %g", p[0], p[1], p[2], p[3], h1, k, q);
		}
		if (!(sum <= 1 + 1e-10) && bad_pmf++ == 0)
			snprintf(where[2], 200, "bg pmf sum %g %g %g %g h %g = %g", p[0], p[1], p[2], p[3], h1, sum);
		/* Pareto/NBD */
		pa = cl_pnbd_p_alive(p, x, tx, T);
		e1 = cl_pnbd_expected_purchases(p, h1, x, tx, T);
		e2 = cl_pnbd_expected_purchases(p, h2, x, tx, T);
		if ((!is_prob(pa) || !(e1 >= 0 && e2 >= e1 * (1 - 1e-10))) && bad_pn++ == 0)
			snprintf(where[3], 200, "pnbd %g %g %g %g x %g tx %g T %g: alive %g E %g %g", p[0], p[1], p[2], p[3], x, tx, T, pa, e1, e2);
		if (i < 100)
		{
			double		q = cl_pnbd_purchase_pmf(p, h1 / 100, (double) (i % 4));

			if (!is_prob(q) && bad_pn++ == 0)
				snprintf(where[3], 200, "pnbd pmf %g %g %g %g h %g n %d = %g", p[0], p[1], p[2], p[3], h1 / 100, i % 4, q);
		}
		/* sBG */
		{
			double		t = floor(lu(1, 1e5)),
						s0 = exp(cl_sbg_log_survival(p[0], p[1], t - 1)),
						s1 = exp(cl_sbg_log_survival(p[0], p[1], t)),
						c = exp(cl_sbg_log_churn_pmf(p[0], p[1], t)),
						r = cl_sbg_retention_rate(p[0], p[1], t),
						d = lu(1e-3, 10),
						dl = cl_sbg_derl(p[0], p[1], d, floor(lu(1, 1e5)) - 1);

			if (!(is_prob(s0) && is_prob(s1) && s1 <= s0 && is_prob(c) && is_prob(r)) && bad_sbg++ == 0)
				snprintf(where[4], 200, "sbg %g %g t %g: S %g %g churn %g r %g", p[0], p[1], t, s0, s1, c, r);
			if (!(dl >= 0 && dl <= (1 + d) / d) && bad_derl++ == 0)
				snprintf(where[5], 200, "derl %g %g d %g = %g", p[0], p[1], d, dl);
		}
	}
	if (!ok(bad_alive == 0, "BG/NBD P(alive) in [0, 1] on %d random points", n))
		printf("#   %d bad, e.g. %s\n", bad_alive, where[0]);
	if (!ok(bad_exp == 0, "BG/NBD expectations >= 0 and non-decreasing in the horizon on %d random points", n))
		printf("#   %d bad, e.g. %s\n", bad_exp, where[1]);
	if (!ok(bad_pmf == 0, "BG/NBD pmf in [0, 1], sum over n <= 1, on %d random points", n))
		printf("#   %d bad, e.g. %s\n", bad_pmf, where[2]);
	if (!ok(bad_pn == 0, "Pareto/NBD P(alive), pmf in [0, 1], expectations >= 0 and non-decreasing, on %d random points", n))
		printf("#   %d bad, e.g. %s\n", bad_pn, where[3]);
	if (!ok(bad_sbg == 0, "sBG survival non-increasing in [0, 1], churn and retention in [0, 1], on %d random points", n))
		printf("#   %d bad, e.g. %s\n", bad_sbg, where[4]);
	if (!ok(bad_derl == 0, "sBG DERL in [0, (1 + d) / d] on %d random points", n))
		printf("#   %d bad, e.g. %s\n", bad_derl, where[5]);
}

int
main(void)
{
	test_table();
	test_invariants();
	return tap_done();
}
