/*
 * bgbb.c
 *		BG/BB likelihood with analytic gradient, fit and predictions; see
 *		bgbb.h.
 *
 * The sum over i of the likelihood has terms that decrease in i: each is
 * the previous one times
 *   (b + tx - x + i) / (a + b + tx + i) * (d + tx + i) / (g + d + tx + i + 1),
 * so a row costs a few lbeta and one multiplication per term, and the
 * digammas of its gradient follow by psi(z + 1) = psi(z) + 1/z.
 */
#include "bgbb.h"

#include <math.h>
#include <string.h>

#include "le.h"
#include "memo.h"
#include "specfun.h"

const char *
cl_bgbb_check_row(double x, double tx, double n)
{
	if (!isfinite(x) || !isfinite(tx) || !isfinite(n) ||
		x != floor(x) || tx != floor(tx) || n != floor(n))
		return "frequency, recency and periods must be whole numbers";
	if (x < 0 || tx < 0 || n < 0)
		return "frequency, recency and periods must not be negative";
	if (n > CL_BGBB_MAX_PERIODS)
		return "periods is larger than 100000";
	if (tx > n)
		return "recency must not exceed periods";
	if (x > tx)
		return "frequency must not exceed recency (the last of the frequency periods with a transaction)";
	if (x == 0 && tx != 0)
		return "recency must be 0 when frequency is 0";
	return NULL;
}

/*
 * The parts of one row: lA = log of the first term (alive through n) and
 * lS = log of the sum, both without the -lnB(a,b) - lnB(g,d) constant; when
 * g4 != NULL, the weights' gradients (in natural parameters, without the
 * constant's) of the two parts in gA[4] and gS[4].
 */
static void
row_parts(const double *p, double x, double tx, double n, double *lA, double *lS,
		  double *gA, double *gS)
{
	const double a = p[0],
				b = p[1],
				g = p[2],
				d = p[3];
	uint32_t	k,
				K = (uint32_t) (n - tx);

	*lA = cl_lbeta(a + x, b + n - x) + cl_lbeta(g, d + n);
	if (gA)
	{
		double		psi_abn = cl_digamma(a + b + n),
					psi_gdn = cl_digamma(g + d + n);

		gA[0] = cl_digamma(a + x) - psi_abn;
		gA[1] = cl_digamma(b + n - x) - psi_abn;
		gA[2] = cl_digamma(g) - psi_gdn;
		gA[3] = cl_digamma(d + n) - psi_gdn;
	}
	if (K == 0)
	{
		*lS = -INFINITY;
		if (gS)
			gS[0] = gS[1] = gS[2] = gS[3] = 0;
		return;
	}
	{
		double		l0 = cl_lbeta(a + x, b + tx - x) + cl_lbeta(g + 1.0, d + tx);
		double		e = 1.0,
					S = 0.0;
		double		z1 = a + b + tx,	/* psi(a+b+tx+i) argument */
					z2 = b + tx - x,	/* psi(b+tx-x+i) */
					z3 = g + d + tx + 1.0,	/* psi(g+d+tx+i+1) */
					z4 = d + tx;	/* psi(d+tx+i) */
		double		P1 = 0,
					P2 = 0,
					P3 = 0,
					P4 = 0,
					s1 = 0,
					s2 = 0,
					s3 = 0,
					s4 = 0;

		if (gS)
		{
			P1 = cl_digamma(z1);
			P2 = cl_digamma(z2);
			P3 = cl_digamma(z3);
			P4 = cl_digamma(z4);
		}
		for (k = 0; k < K; k++)
		{
			S += e;
			if (gS)
			{
				s1 += e * P1;
				s2 += e * P2;
				s3 += e * P3;
				s4 += e * P4;
				P1 += 1.0 / z1;
				P2 += 1.0 / z2;
				P3 += 1.0 / z3;
				P4 += 1.0 / z4;
			}
			e *= (z2 / z1) * (z4 / z3);
			z1 += 1.0;
			z2 += 1.0;
			z3 += 1.0;
			z4 += 1.0;
			if (e < 1e-18 * S && !gS)
				break;
		}
		*lS = l0 + log(S);
		if (gS)
		{
			double		psi_ax = cl_digamma(a + x),
						psi_g1 = cl_digamma(g + 1.0);

			gS[0] = psi_ax - s1 / S;
			gS[1] = s2 / S - s1 / S;
			gS[2] = psi_g1 - s3 / S;
			gS[3] = s4 / S - s3 / S;
		}
	}
}

double
cl_bgbb_loglik(const double *p, double x, double tx, double n, double w,
			   double *grad)
{
	const double a = p[0],
				b = p[1],
				g = p[2],
				d = p[3];
	double		lA,
				lS,
				gA[4],
				gS[4],
				L;

	row_parts(p, x, tx, n, &lA, &lS, grad ? gA : NULL, grad ? gS : NULL);
	L = cl_logsumexp2(lA, lS);
	if (grad)
	{
		double		wA = exp(lA - L),
					wS = exp(lS - L),
					psi_ab = cl_digamma(a + b),
					psi_gd = cl_digamma(g + d);
		double		c[4];
		int			i;

		c[0] = psi_ab - cl_digamma(a);
		c[1] = psi_ab - cl_digamma(b);
		c[2] = psi_gd - cl_digamma(g);
		c[3] = psi_gd - cl_digamma(d);
		for (i = 0; i < 4; i++)
			grad[i] += w * p[i] * (wA * gA[i] + wS * gS[i] + c[i]);
	}
	return L - cl_lbeta(a, b) - cl_lbeta(g, d);
}

double
cl_bgbb_loglik_rows(const double *p, const ClFitRow *rows, uint32_t nrows,
					double *grad)
{
	double		ll = 0.0;
	uint32_t	i;

	if (grad)
		grad[0] = grad[1] = grad[2] = grad[3] = 0.0;
	for (i = 0; i < nrows; i++)
		ll += rows[i].count * cl_bgbb_loglik(p, rows[i].x, rows[i].tx, rows[i].T,
											 rows[i].count, grad);
	return ll;
}

typedef struct BgbbCtx
{
	const ClFitRow *rows;
	uint32_t	nrows;
	double		n;
	double		penalizer;
} BgbbCtx;

/* the shared penalised objective (cl_fit_objective) over log parameters */
static double
bgbb_objective(const double *lp, double *grad, void *vctx)
{
	BgbbCtx   *c = vctx;
	double		p[4],
				g[4],
				ll;
	int			i;

	for (i = 0; i < 4; i++)
	{
		if (!(fabs(lp[i]) <= CL_FIT_LOG_BOUND))
			return NAN;
		p[i] = exp(lp[i]);
	}
	ll = cl_bgbb_loglik_rows(p, c->rows, c->nrows, grad ? g : NULL);
	return cl_fit_objective(ll, grad ? g : NULL, lp, 4, c->n, c->penalizer, grad);
}

int
cl_bgbb_fit(const ClFitRow *rows, uint32_t nrows, double penalizer,
			ClModelFit *fit)
{
	BgbbCtx	c;
	double		lp[4] = {0, 0, 0, 0};
	uint32_t	i;

	memset(fit, 0, sizeof(*fit));
	c.rows = rows;
	c.nrows = nrows;
	c.n = 0;
	c.penalizer = penalizer;
	for (i = 0; i < nrows; i++)
		c.n += rows[i].count;
	if (c.n <= 0)
		return 0;
	cl_model_optimize(bgbb_objective, &c, 4, lp, c.n, fit);
	fit->log_likelihood = cl_bgbb_loglik_rows(fit->p, rows, nrows, NULL);
	return cl_model_fit_check(fit, 4);
}

/*
 * Memos of the predictions' sub-results that depend on few values: the
 * likelihood of (x, tx, n) and the sums over the future of (gamma, delta,
 * n, horizon or discount).  A customer base has few distinct (x, tx, n).
 */
#define BGBB_MEMO 1024
static ClMemoEntry memo_ll[BGBB_MEMO],
			memo_alive[BGBB_MEMO],
			memo_dert[BGBB_MEMO],
			memo_pred[BGBB_MEMO];

/* log L of one row, without the gradient */
static double
row_ll(const double *p, double x, double tx, double n)
{
	double		key[7] = {p[0], p[1], p[2], p[3], x, tx, n},
				v;

	if (cl_memo_get(memo_ll, BGBB_MEMO, key, 7, &v))
		return v;
	v = cl_bgbb_loglik(p, x, tx, n, 0.0, NULL);
	cl_memo_put(memo_ll, BGBB_MEMO, key, 7, v);
	return v;
}

static double
clamp01(double v)
{
	if (v > 1.0)
		return 1.0;
	if (v < 0.0)
		return 0.0;
	return v;
}

/*
 * Every prediction depends on (parameters, one argument, x, tx, n) only, and
 * a customer base has few distinct (x, tx, n): the values are memoised
 * (kind 1: P(alive), 2: expectation, 3: DERT).
 */
typedef double (*BgbbPredFn) (const double *p, double arg, double x, double tx, double n);

static double
memo_pred_value(BgbbPredFn fn, double kind, const double *p, double arg,
				double x, double tx, double n)
{
	double		key[9] = {kind, p[0], p[1], p[2], p[3], arg, x, tx, n},
				v;

	if (cl_memo_get(memo_pred, BGBB_MEMO, key, 9, &v))
		return v;
	v = fn(p, arg, x, tx, n);
	cl_memo_put(memo_pred, BGBB_MEMO, key, 9, v);
	return v;
}

static double
p_alive_raw(const double *p, double m, double x, double tx, double n)
{
	const double a = p[0],
				b = p[1],
				g = p[2],
				d = p[3];

	return clamp01(exp(cl_lbeta(a + x, b + n - x) - cl_lbeta(a, b)
					   + cl_lbeta(g, d + n + m) - cl_lbeta(g, d)
					   - row_ll(p, x, tx, n)));
}

/*
 * log sum_{k=1}^{m} B(g, d+n+k)/B(g, d): directly (terms S_{k+1} = S_k
 * (d+n+k)/(g+d+n+k), all positive) for short horizons and near g = 1, else
 * the telescoped closed form
 *   d/(g-1) G(g+d)/G(1+d) [G(1+d+n)/G(g+d+n) - G(1+d+n+m)/G(g+d+n+m)].
 */
static double log_alive_sum_raw(double g, double d, double n, double m);

static double
log_alive_sum(double g, double d, double n, double m)
{
	double		key[4] = {g, d, n, m},
				v;

	if (cl_memo_get(memo_alive, BGBB_MEMO, key, 4, &v))
		return v;
	v = log_alive_sum_raw(g, d, n, m);
	cl_memo_put(memo_alive, BGBB_MEMO, key, 4, v);
	return v;
}

static double
log_alive_sum_raw(double g, double d, double n, double m)
{
	if (m <= 2000 || fabs(g - 1.0) < 1e-3)
	{
		double		ls1 = cl_lbeta(g, d + n + 1.0) - cl_lbeta(g, d);
		double		e = 1.0,
					S = 0.0,
					k;

		for (k = 1; k <= m; k++)
		{
			S += e;
			e *= (d + n + k) / (g + d + n + k);
			if (e < 1e-18 * S)
				break;
		}
		return ls1 + log(S);
	}
	else
	{
		double		C = log(d) - log(fabs(g - 1.0)) + lgamma(g + d) - lgamma(1.0 + d);
		double		l4 = lgamma(1.0 + d + n) - lgamma(g + d + n),
					l5 = lgamma(1.0 + d + n + m) - lgamma(g + d + n + m);

		if (g > 1.0)
			return C + l4 + cl_log1mexp(l5 - l4);
		return C + l5 + cl_log1mexp(l4 - l5);
	}
}

double
cl_bgbb_p_alive(const double *p, double m, double x, double tx, double n)
{
	return memo_pred_value(p_alive_raw, 1, p, m, x, tx, n);
}

static double
expected_cond_raw(const double *p, double m, double x, double tx, double n)
{
	const double a = p[0],
				b = p[1],
				g = p[2],
				d = p[3];

	if (m == 0)
		return 0.0;
	return exp(cl_lbeta(a + x + 1.0, b + n - x) - cl_lbeta(a, b)
			   + log_alive_sum(g, d, n, m) - row_ll(p, x, tx, n));
}

double
cl_bgbb_expected_cond(const double *p, double m, double x, double tx, double n)
{
	return memo_pred_value(expected_cond_raw, 2, p, m, x, tx, n);
}

/* log sum_{k>=1} S_k z^k / S_1, z = 1/(1+discount); see cl_bgbb_dert */
static double
log_dert_sum(double g, double d, double n, double discount)
{
	double		key[4] = {g, d, n, discount},
				z = 1.0 / (1.0 + discount),
				lsum;

	if (cl_memo_get(memo_dert, BGBB_MEMO, key, 4, &lsum))
		return lsum;
	if (discount >= 1e-3)
	{
		/* sum_{k>=1} S_k z^k / S_1 by terms; ratio < z bounds the rest */
		double		t = z,
					S = 0.0,
					k,
					tail = z / (1.0 - z);

		for (k = 1;; k++)
		{
			S += t;
			t *= z * (d + n + k) / (g + d + n + k);
			if (t * tail <= 1e-17 * S)
				break;
		}
		lsum = log(S);
	}
	else
	{
		int			sign;
		double		lf = cl_log_hyp2f1(1.0, d + n + 1.0, g + d + n + 1.0, z, &sign);

		if (isnan(lf) || sign <= 0)
			return NAN;
		lsum = lf + log(z);
	}
	cl_memo_put(memo_dert, BGBB_MEMO, key, 4, lsum);
	return lsum;
}

static double
dert_raw(const double *p, double discount, double x, double tx, double n)
{
	const double a = p[0],
				b = p[1],
				g = p[2],
				d = p[3];
	double		lsum;

	if (!(discount > 0))
		return NAN;
	lsum = log_dert_sum(g, d, n, discount);
	if (isnan(lsum))
		return NAN;
	return exp(cl_lbeta(a + x + 1.0, b + n - x) - cl_lbeta(a, b)
			   + cl_lbeta(g, d + n + 1.0) - cl_lbeta(g, d)
			   + lsum - row_ll(p, x, tx, n));
}

double
cl_bgbb_dert(const double *p, double discount, double x, double tx, double n)
{
	return memo_pred_value(dert_raw, 3, p, discount, x, tx, n);
}

double
cl_bgbb_pmf(const double *p, double n, double x)
{
	const double a = p[0],
				b = p[1],
				g = p[2],
				d = p[3];
	double		lbab = cl_lbeta(a, b),
				lbgd = cl_lbeta(g, d);
	double		lfirst,
				mx,
				S,
				lt,
				i;

	if (x > n)
		return 0.0;
	lfirst = lgamma(n + 1.0) - lgamma(x + 1.0) - lgamma(n - x + 1.0)
		+ cl_lbeta(a + x, b + n - x) - lbab + cl_lbeta(g, d + n) - lbgd;
	if (x == n)
		return clamp01(exp(lfirst));

	/*
	 * sum_{i=x}^{n-1} C(i,x) B(a+x, b+i-x)/B(a,b) B(g+1, d+i)/B(g,d): log
	 * terms by their ratio, summed with a running maximum
	 */
	lt = cl_lbeta(a + x, b) - lbab + cl_lbeta(g + 1.0, d + x) - lbgd;
	mx = lfirst > lt ? lfirst : lt;
	S = exp(lfirst - mx);
	for (i = x; i < n; i++)
	{
		if (lt > mx)
		{
			S *= exp(mx - lt);
			mx = lt;
		}
		S += exp(lt - mx);
		/* term i+1 / term i */
		lt += log((i + 1.0) / (i + 1.0 - x)) + log((b + i - x) / (a + b + i))
			+ log((d + i) / (g + d + i + 1.0));
	}
	return clamp01(exp(mx + log(S)));
}

/* ---- period_state ---------------------------------------------------------- */

const char *
cl_period_state_check(const unsigned char *b, size_t len)
{
	int32_t		n;
	int64_t		tx,
				ign,
				bits = 0;
	uint32_t	nb,
				i;

	if (len < CL_PERIOD_STATE_HEADER)
		return "too short";
	if (b[0] != CL_PERIOD_STATE_VERSION)
		return "unsupported version";
	if (b[1] || b[2] || b[3])
		return "reserved bytes are not zero";
	n = cl_get_i32(b + 4);
	if (n < 0 || n > CL_BGBB_MAX_PERIODS)
		return "periods out of range";
	nb = cl_period_bitmap_bytes(n);
	if (len != CL_PERIOD_STATE_HEADER + (size_t) nb)
		return "size does not match periods";
	tx = cl_get_i64(b + 8);
	ign = cl_get_i64(b + 16);
	if (tx < 0 || ign < 0)
		return "negative count";
	for (i = 0; i < nb; i++)
		bits += __builtin_popcount(b[CL_PERIOD_STATE_HEADER + i]);
	if (((n + 1) % 8) != 0 && (b[CL_PERIOD_STATE_HEADER + nb - 1] >> ((n + 1) % 8)) != 0)
		return "a period above periods is marked";
	if (tx < bits)
		return "fewer transactions than periods with a transaction";
	return NULL;
}
