/*
 * test_evaluation.c - unit tests of src/core/evaluation.c: AUC, KS and lift
 * against hand computations (ties included), and the logistic fit against an
 * independent 60-digit Newton solution (test/reference/logistic_mpmath.py) on
 * the Spector & Mazzeo (1980) data.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "evaluation.h"

static const double spector[32][4] = {
	{2.66, 20, 0, 0}, {2.89, 22, 0, 0}, {3.28, 24, 0, 0}, {2.92, 12, 0, 0},
	{4.00, 21, 0, 1}, {2.86, 17, 0, 0}, {2.76, 17, 0, 0}, {2.87, 21, 0, 0},
	{3.03, 25, 0, 0}, {3.92, 29, 0, 1}, {2.63, 20, 0, 0}, {3.32, 23, 0, 0},
	{3.57, 23, 0, 0}, {3.26, 25, 0, 1}, {3.53, 26, 0, 0}, {2.74, 19, 0, 0},
	{2.75, 25, 0, 0}, {2.83, 19, 0, 0}, {3.12, 23, 1, 0}, {3.16, 25, 1, 1},
	{2.06, 22, 1, 0}, {3.62, 28, 1, 1}, {2.89, 14, 1, 0}, {3.51, 26, 1, 0},
	{3.54, 24, 1, 1}, {2.83, 27, 1, 1}, {3.39, 17, 1, 1}, {2.67, 24, 1, 0},
	{3.65, 21, 1, 1}, {4.00, 23, 1, 1}, {3.10, 21, 1, 0}, {2.39, 19, 1, 1}
};

/* rows as the aggregate stores them: label first */
static double rows[32][4];
static int	interrupts = 0;

static const double *
get_row(void *ctx, size_t i, double *buf)
{
	(void) ctx;
	(void) buf;
	return rows[i];
}

static void
count_interrupt(void)
{
	interrupts++;
}

static const double *
get_lcg(void *ctx, size_t i, double *buf)
{
	(void) buf;
	return ((const double (*)[5]) ctx)[i];
}

static const double *
get_dup(void *ctx, size_t i, double *buf)
{
	(void) ctx;
	memcpy(buf, rows[i % 32], sizeof(rows[0]));
	/* a constant feature in column 4 */
	buf[4] = 7.0;
	return buf;
}

/* a logistic_step state of the Spector rows [from, to) at coefficients b */
static unsigned char *
lstep_spector(const double *b, double l2, int from, int to)
{
	unsigned char *s = malloc(CL_LSTEP_BIN_LEN(3));
	int			i;

	cl_lstep_init(s, 3, l2, b);
	for (i = from; i < to; i++)
	{
		double		x[3] = {spector[i][0], spector[i][1], spector[i][2]};

		if (cl_lstep_add(s, spector[i][3], x) != NULL)
			return NULL;
	}
	return s;
}

static void
test_lstep(void)
{
	static const double ref[4] = {-13.0213468581157, 2.82611259488932, 0.0951576613179093, 2.37868765509335};
	static const double ref_l2[4] = {-9.18957970946626, 1.62863581193684, 0.117857012669492, 1.49974041389536};
	double		b[4] = {0, 0, 0, 0},
				grad[4],
				info[16],
				step[4],
				se[4],
				obj;
	unsigned char *s,
			   *a,
			   *c;
	int			it,
				j,
				rc;
	size_t		len = CL_LSTEP_BIN_LEN(3);

	ok(len == 44 + 8 * (4 + 4 + 10), "logistic_step state of 3 features: 44 + 8 (2 q + q (q + 1) / 2) bytes");
	/* at the 60-digit optimum: gradient ~ 0, standard errors and LL of the reference */
	s = lstep_spector(ref, 0, 0, 32);
	ok(s != NULL && cl_lstep_state_check(s, len) == NULL, "a state of the Spector rows passes its checks");
	rc = cl_lstep_newton(s, &obj, grad, info, step, se, malloc, free);
	ok(rc == 0, "the information at the optimum is positive definite");
	rel_near(obj, -12.8896342221314, 1e-12, "objective at the optimum = the reference log-likelihood");
	ok(fabs(grad[0]) < 1e-9 && fabs(grad[1]) < 1e-9 && fabs(grad[2]) < 1e-8 && fabs(grad[3]) < 1e-9,
	   "gradient at the optimum below 1e-8");
	rel_near(se[0], 4.93132421360276, 1e-9, "step state: SE intercept");
	rel_near(se[1], 1.26294107562909, 1e-9, "step state: SE GPA");
	rel_near(se[2], 0.141554205673695, 1e-9, "step state: SE TUCE");
	rel_near(se[3], 1.06456425449713, 1e-9, "step state: SE PSI");
	ok(info[1] == info[4] && info[11] == info[14], "information returned symmetric");
	free(s);

	/* Newton iterations of the states from zero reach the optimum (with and without l2) */
	for (it = 0; it < 30; it++)
	{
		s = lstep_spector(b, 0, 0, 32);
		rc = cl_lstep_newton(s, &obj, grad, info, step, se, malloc, free);
		free(s);
		if (rc != 0)
			break;
		for (j = 0; j < 4; j++)
			b[j] += step[j];
	}
	ok(rc == 0, "Newton from zero: every information positive definite");
	rel_near(b[0], ref[0], 1e-9, "Newton over step states: intercept = the 60-digit reference");
	rel_near(b[1], ref[1], 1e-9, "Newton over step states: GPA");
	rel_near(b[2], ref[2], 1e-9, "Newton over step states: TUCE");
	rel_near(b[3], ref[3], 1e-9, "Newton over step states: PSI");
	memset(b, 0, sizeof(b));
	for (it = 0; it < 30; it++)
	{
		s = lstep_spector(b, 0.5, 0, 32);
		rc = cl_lstep_newton(s, &obj, grad, info, step, se, malloc, free);
		free(s);
		for (j = 0; j < 4; j++)
			b[j] += step[j];
	}
	rel_near(b[0], ref_l2[0], 1e-9, "l2 0.5 over step states: intercept = the reference");
	rel_near(b[1], ref_l2[1], 1e-9, "l2 0.5 over step states: GPA");
	rel_near(b[2], ref_l2[2], 1e-9, "l2 0.5 over step states: TUCE");
	rel_near(b[3], ref_l2[3], 1e-9, "l2 0.5 over step states: PSI");

	/* combine: two halves = all rows (sums up to rounding, counts exact) */
	a = lstep_spector(ref_l2, 0.5, 0, 13);
	c = lstep_spector(ref_l2, 0.5, 13, 32);
	s = lstep_spector(ref_l2, 0.5, 0, 32);
	ok(cl_lstep_combine(a, c) == NULL, "combine of two parts at the same coefficients");
	ok(memcmp(a, s, 28) == 0, "combined: header, rows and positives equal the serial state");
	{
		int			bad = 0;

		for (j = 0; j < (int) ((len - 36) / 8); j++)
		{
			double		x,
						y;

			memcpy(&x, a + 36 + 8 * j, 8);
			memcpy(&y, s + 36 + 8 * j, 8);
			bad += fabs(x - y) > 1e-12 * (1 + fabs(y));
		}
		ok(bad == 0, "combined: log-likelihood, gradient and information equal the serial sums (1e-12)");
	}
	free(c);
	c = lstep_spector(ref, 0.5, 13, 32);
	ok(cl_lstep_combine(a, c) != NULL, "combine refuses states at different coefficients");
	free(c);
	c = lstep_spector(ref_l2, 0.25, 13, 32);
	ok(cl_lstep_combine(a, c) != NULL, "combine refuses states with different l2");
	free(c);

	/* invariants: each broken field is refused */
	{
		unsigned char *t = malloc(len);
		double		v;

#define BROKEN(stmt, what) \
	do { memcpy(t, s, len); stmt; ok(cl_lstep_state_check(t, len) != NULL, "check refuses %s", what); } while (0)
		ok(cl_lstep_state_check(s, len - 8) != NULL, "check refuses a wrong length");
		ok(cl_lstep_state_check(s, 10) != NULL, "check refuses a short value");
		BROKEN(t[0] = 2, "an unknown version");
		BROKEN(t[1] = 1, "unknown flags");
		BROKEN(t[9] = 1, "non-zero reserved bytes");
		BROKEN(t[4] = 0xff; t[5] = 0xff, "a feature count out of range");
		BROKEN(memset(t + 12, 0, 8), "no rows");
		BROKEN(t[20] = 100, "more positives than rows");
		BROKEN(v = -1; memcpy(t + 28, &v, 8), "a negative l2");
		BROKEN(v = 1; memcpy(t + 36, &v, 8), "a positive log-likelihood");
		BROKEN(v = NAN; memcpy(t + 44 + 8, &v, 8), "a NaN coefficient");
		BROKEN(v = INFINITY; memcpy(t + 44 + 32 + 8, &v, 8), "an infinite gradient");
		BROKEN(v = 1000; memcpy(t + 44 + 32, &v, 8), "an intercept gradient above the rows");
		BROKEN(v = -1; memcpy(t + 44 + 64 + 16, &v, 8), "a negative diagonal of the information");
		BROKEN(v = NAN; memcpy(t + 44 + 64 + 8, &v, 8), "a NaN off the diagonal of the information");
		BROKEN(v = 9; memcpy(t + 44 + 64, &v, 8), "h_00 above a quarter of the rows");
#undef BROKEN
		free(t);
	}
	free(a);
	free(s);

	/* a constant zero feature: singular at it; huge features overflow */
	{
		double		z[4] = {0, 0, 0, 0},	/* intercept and 3 features */
					x[3];

		s = malloc(len);
		cl_lstep_init(s, 3, 0, z);
		for (j = 0; j < 10; j++)
		{
			x[0] = j;
			x[1] = 0;
			x[2] = j % 3;
			(void) cl_lstep_add(s, j % 2, x);
		}
		ok(cl_lstep_newton(s, &obj, grad, info, step, se, malloc, free) == 3, "a zero feature: not positive definite at parameter 3");
		x[0] = 1e200;
		ok(cl_lstep_add(s, 1, x) != NULL, "a feature of 1e200 overflows the information: refused");
		free(s);
	}
}

int
main(void)
{
	ClEvalPoint pts[16];
	size_t		n;
	double		beta[5],
				se[5];
	ClLogitResult r;
	ClLogitStatus st;
	int			i;

	/*
	 * scores 0.1(-) 0.4(+) 0.35(-) 0.8(+) 0.35(+) 0.1(+): sorted 0.1{+,-}
	 * 0.35{+,-} 0.4{+} 0.8{+}; npos 4, nneg 2.  Pairs (pos, neg) won: 0.1+ vs
	 * 0.1- tie 1/2, vs 0.35- loses; 0.35+ beats 0.1-, ties 0.35-; 0.4+ and 0.8+
	 * beat both: U = 0.5 + 1.5 + 2 + 2 = 6, AUC = 6 / 8 = 0.75.
	 */
	pts[0] = (ClEvalPoint) {0.1, 0, 1};
	pts[1] = (ClEvalPoint) {0.4, 1, 0};
	pts[2] = (ClEvalPoint) {0.35, 0, 1};
	pts[3] = (ClEvalPoint) {0.8, 1, 0};
	pts[4] = (ClEvalPoint) {0.35, 1, 0};
	pts[5] = (ClEvalPoint) {0.1, 1, 0};
	n = cl_eval_compact(pts, 6);
	ok(n == 4, "compact merges tied scores (%zu points)", n);
	ok(pts[0].score == 0.1 && pts[0].pos == 1 && pts[0].neg == 1, "compact sums the counts of a tie");
	near(cl_eval_auc(pts, n, 4, 2), 0.75, 1e-15, "AUC with ties counted one half");

	/*
	 * KS: CDFs at 0.1: pos 1/4, neg 1/2 (diff 1/4); at 0.35: 2/4 vs 2/2 (1/2);
	 * at 0.4: 3/4 vs 1; at 0.8: 1 vs 1.  KS = 1/2.
	 */
	near(cl_eval_ks(pts, n, 4, 2), 0.5, 1e-15, "KS statistic");

	/*
	 * lift at 1/3: top 2 rows of 6 = 0.8+ and 0.4+: rate 1 / (4/6) = 1.5.
	 * lift at 1/2: 3 rows: 0.8+, 0.4+, and half of the 0.35 tie {+,-}: 2.5/3
	 * captured, rate (2.5/3) / (4/6) = 1.25.
	 */
	near(cl_eval_lift(pts, n, 4, 2, 1.0 / 3.0), 1.5, 1e-14, "lift at 1/3");
	near(cl_eval_lift(pts, n, 4, 2, 0.5), 1.25, 1e-14, "lift at 1/2 splits the boundary tie pro rata");
	near(cl_eval_lift(pts, n, 4, 2, 1.0), 1.0, 1e-14, "lift at 1 is 1");

	/* perfect and reversed ranking */
	{
		ClEvalPoint a[2] = {{0.0, 0, 3}, {1.0, 2, 0}};
		ClEvalPoint b[2] = {{0.0, 2, 0}, {1.0, 0, 3}};
		ClEvalPoint c[1] = {{0.5, 2, 3}};

		near(cl_eval_auc(a, 2, 2, 3), 1.0, 0, "AUC 1 for a perfect ranking");
		near(cl_eval_auc(b, 2, 2, 3), 0.0, 0, "AUC 0 for a reversed ranking");
		near(cl_eval_auc(c, 1, 2, 3), 0.5, 0, "AUC 1/2 when every score ties");
		near(cl_eval_ks(a, 2, 2, 3), 1.0, 0, "KS 1 for a perfect ranking");
		near(cl_eval_ks(c, 1, 2, 3), 0.0, 0, "KS 0 when every score ties");
	}

	/* large counts: no overflow in the exact sums */
	{
		ClEvalPoint a[2] = {{0.0, 3000000000LL, 4000000000LL}, {1.0, 5000000000LL, 1000000000LL}};

		/* U = 3e9*4e9/2 + 5e9*(4e9 + 1e9/2) = 6e18 + 2.25e19; / (8e9*5e9) */
		near(cl_eval_auc(a, 2, 8000000000LL, 5000000000LL), 2.85e19 / 4e19, 1e-15, "AUC with counts above 2^32");
	}

	/* logistic regression on the Spector data vs 60-digit Newton */
	for (i = 0; i < 32; i++)
	{
		rows[i][0] = spector[i][3];
		rows[i][1] = spector[i][0];
		rows[i][2] = spector[i][1];
		rows[i][3] = spector[i][2];
	}
	r.beta = beta;
	r.se = se;
	st = cl_logit_fit(get_row, NULL, 32, 3, 0.0, 100, count_interrupt, malloc, free, &r);
	ok(st == CL_LOGIT_OK && r.converged, "Spector fit converges (%d iterations, %d passes)", r.iterations, r.passes);
	rel_near(beta[0], -13.0213468581157, 1e-9, "intercept");
	rel_near(beta[1], 2.82611259488932, 1e-9, "GPA");
	rel_near(beta[2], 0.0951576613179093, 1e-9, "TUCE");
	rel_near(beta[3], 2.37868765509335, 1e-9, "PSI");
	rel_near(se[0], 4.93132421360276, 1e-8, "SE intercept");
	rel_near(se[1], 1.26294107562909, 1e-8, "SE GPA");
	rel_near(se[2], 0.141554205673695, 1e-8, "SE TUCE");
	rel_near(se[3], 1.06456425449713, 1e-8, "SE PSI");
	rel_near(r.log_likelihood, -12.8896342221314, 1e-12, "log-likelihood");
	ok(interrupts >= r.passes, "interrupt callback called at every pass");

	st = cl_logit_fit(get_row, NULL, 32, 3, 0.5, 100, NULL, malloc, free, &r);
	ok(st == CL_LOGIT_OK && r.converged, "penalised Spector fit converges");
	rel_near(beta[0], -9.18957970946626, 1e-9, "l2 0.5: intercept");
	rel_near(beta[1], 1.62863581193684, 1e-9, "l2 0.5: GPA");
	rel_near(beta[2], 0.117857012669492, 1e-9, "l2 0.5: TUCE");
	rel_near(beta[3], 1.49974041389536, 1e-9, "l2 0.5: PSI");
	rel_near(se[1], 0.824153979649187, 1e-8, "l2 0.5: SE GPA");
	rel_near(r.log_likelihood, -13.6299402498667, 1e-12, "l2 0.5: log-likelihood (without the penalty)");

	/*
	 * 400 rows of an LCG (the generator of the reference run, see below):
	 * a balance-sized feature (1e6) next to unit-sized ones and two
	 * correlated features; reference: logistic_mpmath.py on the same rows.
	 */
	{
		static double lcg_rows[400][5];
		uint64_t	state = 12345;
		int			npos = 0;
		double		b5[5],
					s5[5];

#define LCG_U() (state = state * 6364136223846793005ULL + 1442695040888963407ULL, \
				 (double) (state >> 11) / 9007199254740992.0)
		for (i = 0; i < 400; i++)
		{
			double		x1 = 2 * LCG_U() - 1;
			double		x2 = 1e6 * LCG_U();
			double		x3 = LCG_U() < 0.3 ? 1.0 : 0.0;
			double		x4 = x1 + 0.3 * (2 * LCG_U() - 1);
			double		eta = -0.5 + 1.5 * x1 - 1.2e-6 * x2 + 0.8 * x3 - 0.7 * x4;
			double		y = LCG_U() < 1 / (1 + exp(-eta)) ? 1.0 : 0.0;

			lcg_rows[i][0] = y;
			lcg_rows[i][1] = x1;
			lcg_rows[i][2] = x2;
			lcg_rows[i][3] = x3;
			lcg_rows[i][4] = x4;
			npos += (int) y;
		}
#undef LCG_U
		ok(npos == 127, "LCG data as in the reference run (127 positives, got %d)", npos);
		r.beta = b5;
		r.se = s5;
		st = cl_logit_fit(get_lcg, lcg_rows, 400, 4, 0.0, 100, NULL, malloc, free, &r);
		ok(st == CL_LOGIT_OK && r.converged, "LCG fit converges (%d iterations)", r.iterations);
		/* python3 test/reference/logistic_mpmath.py lcg.csv (60 digits) */
		rel_near(b5[0], -0.327785386297067, 1e-8, "LCG: intercept");
		rel_near(b5[1], 2.271265336379, 1e-8, "LCG: x1");
		rel_near(b5[2], -1.52344880163961e-6, 1e-8, "LCG: balance-sized x2");
		rel_near(b5[3], 0.660266801039598, 1e-8, "LCG: x3");
		rel_near(b5[4], -1.39809011404331, 1e-8, "LCG: x4 (correlated with x1)");
		rel_near(s5[2], 4.04940690243045e-7, 1e-7, "LCG: SE of x2");
		rel_near(s5[4], 0.686892091060114, 1e-7, "LCG: SE of x4");
		rel_near(r.log_likelihood, -228.70033255858, 1e-12, "LCG: log-likelihood");
		r.beta = beta;
		r.se = se;
	}

	/* a constant feature is collinear with the intercept */
	st = cl_logit_fit(get_dup, NULL, 64, 4, 0.0, 100, NULL, malloc, free, &r);
	ok(st == CL_LOGIT_SINGULAR, "constant feature: singular (pivot %d)", r.singular_feature);

	/* complete separation: no finite optimum, not converged */
	{
		static double sep[6][2] = {{0, 1}, {0, 2}, {0, 3}, {1, 4}, {1, 5}, {1, 6}};

		memcpy(rows, sep, sizeof(sep));
		for (i = 0; i < 6; i++)
		{
			rows[i][0] = sep[i][0];
			rows[i][1] = sep[i][1];
		}
		st = cl_logit_fit(get_row, NULL, 6, 1, 0.0, 50, NULL, malloc, free, &r);
		ok(st == CL_LOGIT_OK && !r.converged, "complete separation is reported as not converged");
		st = cl_logit_fit(get_row, NULL, 6, 1, 1.0, 50, NULL, malloc, free, &r);
		ok(st == CL_LOGIT_OK && r.converged, "an L2 penalty makes the separated fit converge");
	}
	test_lstep();
	return tap_done();
}
