/*
 * evaluation.c
 *		Exact ranking metrics and logistic regression (see evaluation.h).
 */
#include "evaluation.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "le.h"

/* ------------------------------------------------------------------------
 * ranking metrics
 * ------------------------------------------------------------------------ */

static int
point_cmp(const void *a, const void *b)
{
	double		x = ((const ClEvalPoint *) a)->score;
	double		y = ((const ClEvalPoint *) b)->score;

	return (x > y) - (x < y);
}

size_t
cl_eval_compact(ClEvalPoint *p, size_t n)
{
	size_t		i,
				m;

	if (n < 2)
		return n;
	qsort(p, n, sizeof(ClEvalPoint), point_cmp);
	m = 0;
	for (i = 1; i < n; i++)
	{
		if (p[i].score == p[m].score)
		{
			p[m].pos += p[i].pos;
			p[m].neg += p[i].neg;
		}
		else
			p[++m] = p[i];
	}
	return m + 1;
}

double
cl_eval_auc(const ClEvalPoint *p, size_t n, int64_t npos, int64_t nneg)
{
	/* 2U = sum over scores of pos * (2 * negatives below + negatives tied) */
	unsigned __int128 twice_u = 0;
	unsigned __int128 below = 0;
	size_t		i;

	for (i = 0; i < n; i++)
	{
		twice_u += (unsigned __int128) p[i].pos * (2 * below + (unsigned __int128) p[i].neg);
		below += (unsigned __int128) p[i].neg;
	}
	return (double) ((long double) twice_u / (2.0L * (long double) npos * (long double) nneg));
}

double
cl_eval_ks(const ClEvalPoint *p, size_t n, int64_t npos, int64_t nneg)
{
	/* |cum_pos / npos - cum_neg / nneg| = |cum_pos nneg - cum_neg npos| / (npos nneg) */
	__int128	cpos = 0,
				cneg = 0,
				best = 0;
	size_t		i;

	for (i = 0; i < n; i++)
	{
		__int128	d;

		cpos += p[i].pos;
		cneg += p[i].neg;
		d = cpos * nneg - cneg * npos;
		if (d < 0)
			d = -d;
		if (d > best)
			best = d;
	}
	return (double) ((long double) best / ((long double) npos * (long double) nneg));
}

double
cl_eval_lift(const ClEvalPoint *p, size_t n, int64_t npos, int64_t nneg, double fraction)
{
	long double total = (long double) npos + (long double) nneg;
	long double k = (long double) fraction * total;
	long double taken = 0,
				captured = 0;
	size_t		i = n;

	/* from the highest score down */
	while (i > 0 && taken < k)
	{
		const ClEvalPoint *q = &p[--i];
		long double size = (long double) q->pos + (long double) q->neg;

		if (taken + size <= k)
		{
			taken += size;
			captured += (long double) q->pos;
		}
		else
		{
			captured += (long double) q->pos * (k - taken) / size;
			taken = k;
		}
	}
	if (k <= 0)
		return NAN;
	return (double) ((captured / k) / ((long double) npos / total));
}

/* ------------------------------------------------------------------------
 * linear algebra
 * ------------------------------------------------------------------------ */

int
cl_cholesky(double *a, int n)
{
	int			i,
				j,
				k;

	for (j = 0; j < n; j++)
	{
		double		d = a[j * n + j];

		for (k = 0; k < j; k++)
			d -= a[j * n + k] * a[j * n + k];
		if (!(d > 0) || !isfinite(d))
			return j + 1;
		d = sqrt(d);
		a[j * n + j] = d;
		for (i = j + 1; i < n; i++)
		{
			double		s = a[i * n + j];

			for (k = 0; k < j; k++)
				s -= a[i * n + k] * a[j * n + k];
			a[i * n + j] = s / d;
		}
	}
	return 0;
}

void
cl_cholesky_solve(const double *l, int n, double *b)
{
	int			i,
				k;

	for (i = 0; i < n; i++)
	{
		double		s = b[i];

		for (k = 0; k < i; k++)
			s -= l[i * n + k] * b[k];
		b[i] = s / l[i * n + i];
	}
	for (i = n - 1; i >= 0; i--)
	{
		double		s = b[i];

		for (k = i + 1; k < n; k++)
			s -= l[k * n + i] * b[k];
		b[i] = s / l[i * n + i];
	}
}

/* ------------------------------------------------------------------------
 * logistic regression
 * ------------------------------------------------------------------------ */

typedef struct LogitWork
{
	ClLogitRowFn get_row;
	void	   *ctx;
	size_t		n;
	int			p;				/* features */
	int			q;				/* parameters = p + 1 */
	const double *mean;
	const double *scale;
	const double *inv_scale;	/* 1 / scale */
	const double *lam;			/* penalty per parameter (0 for the intercept) */
	double	   *buf;			/* p + 1: row decoding */
	double	   *z;				/* q: standardised row, z[0] = 1 */
	long double *g;				/* q: gradient */
	double	   *h;				/* q x q: negative Hessian (lower triangle) */
	ClLogitInterruptFn interrupt;
} LogitWork;

/*
 * The terms of one row at linear predictor eta: returns its log-likelihood
 * y eta - log(1 + e^eta); *wt = mu (1 - mu), *resid = y - mu.  Shared by the
 * in-memory fit (logit_eval) and the one-pass states (cl_lstep_add).
 */
static inline double
logit_row_terms(double eta, double y, double *wt, double *resid)
{
	/* one exponential for both log(1 + e^eta) and the probability */
	double		e = exp(-fabs(eta));
	double		mu = eta >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);

	*wt = mu * (1.0 - mu);
	*resid = y - mu;
	return y * eta - (eta > 0 ? eta : 0.0) - log1p(e);
}

/*
 * One pass at b: log-likelihood (returned in *ll), penalised objective
 * (returned), gradient w->g and negative Hessian w->h of the penalised
 * objective.
 */
static long double
logit_eval(LogitWork *w, const double *b, long double *ll)
{
	int			q = w->q,
				j,
				k;
	size_t		i;
	long double sum = 0;
	long double pen = 0;

	if (w->interrupt)
		w->interrupt();
	for (j = 0; j < q; j++)
		w->g[j] = 0;
	memset(w->h, 0, sizeof(double) * (size_t) q * q);
	w->z[0] = 1.0;
	for (i = 0; i < w->n; i++)
	{
		const double *r = w->get_row(w->ctx, i, w->buf);
		double		y = r[0];
		double		eta = b[0];
		double		wt,
					resid;

		for (j = 1; j < q; j++)
		{
			w->z[j] = (r[j] - w->mean[j]) * w->inv_scale[j];
			eta += b[j] * w->z[j];
		}
		sum += (long double) logit_row_terms(eta, y, &wt, &resid);
		for (j = 0; j < q; j++)
		{
			double		wz = wt * w->z[j];
			double	   *hrow = w->h + (size_t) j * q;

			w->g[j] += (long double) (resid * w->z[j]);
			for (k = 0; k <= j; k++)
				hrow[k] += wz * w->z[k];
		}
		if ((i & 0xFFFF) == 0xFFFF && w->interrupt)
			w->interrupt();
	}
	for (j = 0; j < q; j++)
	{
		pen += 0.5L * w->lam[j] * b[j] * b[j];
		w->g[j] -= (long double) (w->lam[j] * b[j]);
		w->h[(size_t) j * q + j] += w->lam[j];
	}
	/* symmetric copy (the solver reads the lower triangle only; keep both) */
	for (j = 0; j < q; j++)
		for (k = 0; k < j; k++)
			w->h[(size_t) k * q + j] = w->h[(size_t) j * q + k];
	*ll = sum;
	return sum - pen;
}

ClLogitStatus
cl_logit_fit(ClLogitRowFn get_row, void *ctx, size_t n, int p, double l2, int max_iter,
			 ClLogitInterruptFn interrupt, void *(*alloc) (size_t), void (*release) (void *),
			 ClLogitResult *out)
{
	int			q = p + 1,
				j,
				k,
				it;
	size_t		i;
	LogitWork	w;
	double	   *mean,
			   *scale,
			   *lam,
			   *b,
			   *bn,
			   *d,
			   *hl,
			   *col,
			   *cov,
			   *inv_scale,
			   *buf,
			   *z,
			   *h;
	long double *g,
			   *m2;
	long double f,
				fn,
				ll = 0,
				lln;
	double		npos = 0;
	ClLogitStatus status = CL_LOGIT_OK;
	size_t		qq = (size_t) q * q;
	char	   *mem;
	size_t		bytes;

	bytes = sizeof(double) * (9 * (size_t) q + 4 * qq) + sizeof(long double) * 2 * (size_t) q;
	/* long double needs 16-byte alignment; allocators may give 8 */
	mem = alloc(bytes + 16);
	if (mem == NULL)
		return CL_LOGIT_NOMEM;
	g = (long double *) (((uintptr_t) mem + 15) & ~(uintptr_t) 15);
	m2 = g + q;
	mean = (double *) (m2 + q);
	scale = mean + q;
	lam = scale + q;
	b = lam + q;
	bn = b + q;
	d = bn + q;
	buf = d + q;
	z = buf + q;
	h = z + q;
	hl = h + qq;
	col = hl + qq;
	cov = col + qq;
	inv_scale = cov + qq;

	out->iterations = 0;
	out->converged = 0;
	out->singular_feature = 0;
	out->passes = 0;

	/* pass 1: means and scales (Welford), positives */
	for (j = 0; j < q; j++)
	{
		mean[j] = 0;
		m2[j] = 0;
	}
	if (interrupt)
		interrupt();
	for (i = 0; i < n; i++)
	{
		const double *r = get_row(ctx, i, buf);
		double		cnt = (double) (i + 1);

		npos += r[0];
		for (j = 1; j < q; j++)
		{
			double		delta = r[j] - mean[j];

			mean[j] += delta / cnt;
			m2[j] += (long double) (delta * (r[j] - mean[j]));
		}
		if ((i & 0xFFFF) == 0xFFFF && interrupt)
			interrupt();
	}
	out->passes = 1;
	mean[0] = 0;
	scale[0] = 1;
	inv_scale[0] = 1;
	lam[0] = 0;
	for (j = 1; j < q; j++)
	{
		double		sd = n > 0 ? sqrt((double) (m2[j] / (long double) n)) : 0;

		scale[j] = (sd > 0 && isfinite(sd)) ? sd : 1.0;
		inv_scale[j] = 1.0 / scale[j];
		lam[j] = l2 / (scale[j] * scale[j]);
	}

	w.get_row = get_row;
	w.ctx = ctx;
	w.n = n;
	w.p = p;
	w.q = q;
	w.mean = mean;
	w.scale = scale;
	w.inv_scale = inv_scale;
	w.lam = lam;
	w.buf = buf;
	w.z = z;
	w.g = g;
	w.h = h;
	w.interrupt = interrupt;

	/* start: the intercept of the null model */
	for (j = 0; j < q; j++)
		b[j] = 0;
	if (npos > 0 && npos < (double) n)
		b[0] = log(npos / ((double) n - npos));
	f = logit_eval(&w, b, &ll);
	out->passes++;

	for (it = 1; it <= max_iter; it++)
	{
		double		t = 1.0,
					step = 0;
		int			piv;
		int			accepted = 0;

		memcpy(hl, h, sizeof(double) * qq);
		piv = cl_cholesky(hl, q);
		if (piv)
		{
			out->singular_feature = piv;
			if (it == 1)
			{
				/* singular at the start (every weight > 0): collinear features */
				status = CL_LOGIT_SINGULAR;
				goto done;
			}
			/* weights underflowed on the way to infinity: separation */
			break;
		}
		for (j = 0; j < q; j++)
			d[j] = (double) g[j];
		cl_cholesky_solve(hl, q, d);
		for (j = 0; j < q; j++)
			if (fabs(d[j]) > step)
				step = fabs(d[j]);
		out->iterations = it;
		if (step < 1e-10)
		{
			/* already at the optimum: the gradient is below resolution */
			out->converged = 1;
			break;
		}
		while (t > 1e-12)
		{
			for (j = 0; j < q; j++)
				bn[j] = b[j] + t * d[j];
			fn = logit_eval(&w, bn, &lln);
			out->passes++;
			if (fn >= f - 1e-13L * (1 + fabsl(f)))
			{
				accepted = 1;
				break;
			}
			t *= 0.5;
		}
		if (!accepted)
		{
			/* no ascent along the Newton direction: restore b's derivatives */
			f = logit_eval(&w, b, &ll);
			out->passes++;
			out->converged = (t * step < 1e-10);
			break;
		}
		memcpy(b, bn, sizeof(double) * q);
		f = fn;
		ll = lln;
		if (t * step < 1e-10)
		{
			out->converged = 1;
			break;
		}
		/* every row fitted perfectly: complete separation, no finite optimum */
		if (-ll < 1e-10L)
			break;
	}

	/* covariance: inverse of the negative Hessian at b (already at b) */
	memcpy(hl, h, sizeof(double) * qq);
	if (cl_cholesky(hl, q) == 0)
	{
		for (k = 0; k < q; k++)
		{
			for (j = 0; j < q; j++)
				col[j] = (j == k);
			cl_cholesky_solve(hl, q, col);
			for (j = 0; j < q; j++)
				cov[(size_t) j * q + k] = col[j];
		}
		/* raw intercept = b0 - sum b_j m_j / s_j: a = (1, -m_j / s_j) */
		{
			long double v = 0;

			for (j = 0; j < q; j++)
			{
				double		aj = j == 0 ? 1.0 : -mean[j] / scale[j];

				for (k = 0; k < q; k++)
				{
					double		ak = k == 0 ? 1.0 : -mean[k] / scale[k];

					v += (long double) aj * cov[(size_t) j * q + k] * ak;
				}
			}
			out->se[0] = v > 0 ? sqrt((double) v) : NAN;
		}
		for (j = 1; j < q; j++)
		{
			double		v = cov[(size_t) j * q + j];

			out->se[j] = v > 0 ? sqrt(v) / scale[j] : NAN;
		}
	}
	else
		for (j = 0; j < q; j++)
			out->se[j] = NAN;

	/* coefficients on the original scale */
	{
		long double b0 = b[0];

		for (j = 1; j < q; j++)
		{
			out->beta[j] = b[j] / scale[j];
			b0 -= (long double) b[j] * mean[j] / scale[j];
		}
		out->beta[0] = (double) b0;
	}
	out->log_likelihood = (double) ll;

done:
	release(mem);
	return status;
}

/* ------------------------------------------------------------------------
 * state checks (binary forms: offsets are the state's minus 4)
 * ------------------------------------------------------------------------ */

const char *
cl_rank_state_check(const unsigned char *buf, size_t len)
{
	int64_t		n,
				i,
				pos = 0,
				neg = 0;
	uint8_t		flags;
	double		fraction;
	const unsigned char *pt = buf + CL_RANK_HDR - 4;

	if (len < CL_RANK_HDR - 4)
		return "The value is too short.";
	if (buf[0] != CL_RANK_VERSION)
		return "Unknown version.";
	flags = buf[1];
	if ((flags & ~(CL_RANK_COMPACT | CL_RANK_FRACTION)) != 0 || !(flags & CL_RANK_COMPACT))
		return "Unknown flags, or the points are not marked compact.";
	if (buf[2] != 0 || buf[3] != 0)
		return "Reserved bytes are not zero.";
	n = cl_get_i64(buf + 4);
	if (n < 1 || n > CL_RANK_MAX_CAP || (size_t) n * CL_RANK_PT != len - (CL_RANK_HDR - 4))
		return "The number of points does not match the length.";
	if (cl_get_i64(buf + 12) != n)
		return "The capacity must equal the number of points.";
	fraction = cl_get_f8(buf + 36);
	if (flags & CL_RANK_FRACTION ? !(fraction > 0 && fraction <= 1) : fraction != 0)
		return "The fraction must be in (0, 1] (lift), or 0.";
	for (i = 0; i < n; i++)
	{
		const unsigned char *p = pt + (size_t) i * CL_RANK_PT;
		double		score = cl_get_f8(p);
		int64_t		a = cl_get_i64(p + 8),
					b = cl_get_i64(p + 16);

		if (isnan(score) || isinf(score))
			return "A score is not finite.";
		if (i > 0 && !(score > cl_get_f8(p - CL_RANK_PT)))
			return "The scores are not strictly increasing.";
		if (a < 0 || b < 0 || (a == 0 && b == 0))
			return "A point has a negative or zero count.";
		if (__builtin_add_overflow(pos, a, &pos) || __builtin_add_overflow(neg, b, &neg))
			return "The counts overflow.";
	}
	if (pos != cl_get_i64(buf + 20) || neg != cl_get_i64(buf + 28))
		return "The class totals do not match the points.";
	return NULL;
}

const char *
cl_logit_state_check(const unsigned char *buf, size_t len)
{
	int			p,
				j;
	int64_t		n,
				i,
				pos = 0;
	uint8_t		flags;
	double		l2;
	const unsigned char *rows = buf + CL_LOGIT_HDR - 4;

	if (len < CL_LOGIT_HDR - 4)
		return "The value is too short.";
	if (buf[0] != CL_LOGIT_VERSION)
		return "Unknown version.";
	flags = buf[1];
	if ((flags & ~CL_LOGIT_HAS_L2) != 0)
		return "Unknown flags.";
	if (buf[2] != 0 || buf[3] != 0 || cl_get_i32(buf + 8) != 0)
		return "Reserved bytes are not zero.";
	p = cl_get_i32(buf + 4);
	if (p < 0 || p > CL_LOGIT_MAX_FEATURES)
		return "The number of features is out of range.";
	n = cl_get_i64(buf + 12);
	if (n < 1 || n > CL_LOGIT_MAX_ROWS(p) || (size_t) n * CL_LOGIT_STRIDE(p) != len - (CL_LOGIT_HDR - 4))
		return "The number of rows does not match the length.";
	if (cl_get_i64(buf + 20) != n)
		return "The capacity must equal the number of rows.";
	l2 = cl_get_f8(buf + 36);
	if ((flags & CL_LOGIT_HAS_L2) ? !(l2 >= 0 && !isinf(l2)) : l2 != 0)
		return "l2 must be finite and >= 0 (0 without l2).";
	for (i = 0; i < n; i++)
	{
		const unsigned char *row = rows + (size_t) i * CL_LOGIT_STRIDE(p);
		double		y = cl_get_f8(row);

		if (y != 0.0 && y != 1.0)
			return "A label is neither 0 nor 1.";
		pos += (y == 1.0);
		for (j = 1; j <= p; j++)
		{
			double		v = cl_get_f8(row + 8 * j);

			if (isnan(v) || isinf(v))
				return "A feature is not finite.";
		}
	}
	if (pos != cl_get_i64(buf + 28))
		return "The number of positive rows does not match the labels.";
	return NULL;
}

/* ------------------------------------------------------------------------
 * clientele.logistic_step_state (layout in evaluation.h)
 * ------------------------------------------------------------------------ */

void
cl_lstep_init(unsigned char *bin, int p, double l2, const double *b)
{
	int			j;

	memset(bin, 0, CL_LSTEP_BIN_LEN(p));
	bin[0] = CL_LSTEP_VERSION;
	cl_put_i32(bin + 4, p);
	cl_put_f8(bin + 28, l2);
	for (j = 0; j <= p; j++)
		cl_put_f8(CL_LSTEP_B(bin) + 8 * j, b[j]);
}

const char *
cl_lstep_add(unsigned char *bin, double y, const double *x)
{
	int			p = cl_get_i32(bin + 4),
				q = p + 1,
				j,
				k;
	unsigned char *bp = CL_LSTEP_B(bin),
			   *gp = CL_LSTEP_G(bin, q),
			   *hp = CL_LSTEP_H(bin, q);
	double		eta = cl_get_f8(bp),
				wt,
				resid,
				ll;

	for (j = 0; j < p; j++)
		eta += cl_get_f8(bp + 8 * (j + 1)) * x[j];
	if (!isfinite(eta))
		return "The linear predictor of a row is not finite.";
	ll = cl_get_f8(bin + 36) + logit_row_terms(eta, y, &wt, &resid);
	cl_put_f8(bin + 36, ll);
	cl_put_i64(bin + 12, cl_get_i64(bin + 12) + 1);
	if (y == 1.0)
		cl_put_i64(bin + 20, cl_get_i64(bin + 20) + 1);
	for (j = 0; j < q; j++)
	{
		double		zj = j == 0 ? 1.0 : x[j - 1];
		double		wz = wt * zj;
		double		gj = cl_get_f8(gp + 8 * j) + resid * zj;
		int			finite = isfinite(gj);

		cl_put_f8(gp + 8 * j, gj);
		for (k = 0; k <= j; k++)
		{
			double		zk = k == 0 ? 1.0 : x[k - 1];
			double		h = cl_get_f8(hp) + wz * zk;

			finite &= isfinite(h);
			cl_put_f8(hp, h);
			hp += 8;
		}
		if (!finite)
			return "A sum of the information or the gradient is not finite (features too large).";
	}
	if (!isfinite(ll))
		return "The log-likelihood is not finite.";
	return NULL;
}

const char *
cl_lstep_combine(unsigned char *a, const unsigned char *b)
{
	int			p = cl_get_i32(a + 4),
				q = p + 1;
	size_t		i,
				m;

	if (cl_get_i32(b + 4) != p)
		return "The states have different numbers of features.";
	if (cl_get_f8(a + 28) != cl_get_f8(b + 28))
		return "The states have different l2 penalties.";
	if (memcmp(CL_LSTEP_B(a), CL_LSTEP_B(b), 8 * (size_t) q) != 0)
		return "The states are at different coefficients.";
	if (cl_get_i64(a + 12) > INT64_MAX - cl_get_i64(b + 12))
		return "The combined number of rows overflows.";
	cl_put_i64(a + 12, cl_get_i64(a + 12) + cl_get_i64(b + 12));
	cl_put_i64(a + 20, cl_get_i64(a + 20) + cl_get_i64(b + 20));
	cl_put_f8(a + 36, cl_get_f8(a + 36) + cl_get_f8(b + 36));
	m = q + CL_LSTEP_TRI(q);
	for (i = 0; i < m; i++)
	{
		unsigned char *x = CL_LSTEP_G(a, q) + 8 * i;

		cl_put_f8(x, cl_get_f8(x) + cl_get_f8(CL_LSTEP_G(b, q) + 8 * i));
	}
	return NULL;
}

const char *
cl_lstep_state_check(const unsigned char *bin, size_t len)
{
	int			p,
				q,
				j,
				k;
	int64_t		n,
				pos;
	double		l2,
				ll,
				slack;
	const unsigned char *g,
			   *h;

	if (len < CL_LSTEP_HDR - 4)
		return "The value is too short.";
	if (bin[0] != CL_LSTEP_VERSION)
		return "Unknown version.";
	if (bin[1] != 0)
		return "Unknown flags.";
	if (bin[2] != 0 || bin[3] != 0 || cl_get_i32(bin + 8) != 0)
		return "Reserved bytes are not zero.";
	p = cl_get_i32(bin + 4);
	if (p < 0 || p > CL_LOGIT_MAX_FEATURES)
		return "The number of features is out of range.";
	if (len != CL_LSTEP_BIN_LEN(p))
		return "The length does not match the number of features.";
	q = p + 1;
	n = cl_get_i64(bin + 12);
	pos = cl_get_i64(bin + 20);
	if (n < 1)
		return "The number of rows must be at least 1.";
	if (pos < 0 || pos > n)
		return "The number of positive rows is out of range.";
	l2 = cl_get_f8(bin + 28);
	if (!(l2 >= 0) || isinf(l2))
		return "l2 must be finite and >= 0.";
	ll = cl_get_f8(bin + 36);
	if (!(ll <= 0) || isinf(ll))
		return "The log-likelihood must be finite and <= 0.";
	for (j = 0; j < q; j++)
		if (!isfinite(cl_get_f8(CL_LSTEP_B(bin) + 8 * j)))
			return "A coefficient is not finite.";
	g = CL_LSTEP_G(bin, q);
	h = CL_LSTEP_H(bin, q);
	/* rounding of sums of n terms: a relative slack well above n eps */
	slack = 1 + 1e-6;
	for (j = 0; j < q; j++)
		if (!isfinite(cl_get_f8(g + 8 * j)))
			return "A gradient element is not finite.";
	if (fabs(cl_get_f8(g)) > (double) n * slack)
		return "The intercept's gradient exceeds the number of rows.";
	for (j = 0; j < q; j++)
	{
		const unsigned char *row = h + 8 * CL_LSTEP_TRI(j);
		double		hjj = cl_get_f8(row + 8 * j);

		if (!(hjj >= 0) || isinf(hjj))
			return "A diagonal element of the information is negative or not finite.";
		for (k = 0; k < j; k++)
			if (!isfinite(cl_get_f8(row + 8 * k)))
				return "An element of the information is not finite.";
	}
	if (cl_get_f8(h) > 0.25 * (double) n * slack)
		return "The intercept's information exceeds a quarter of the number of rows.";
	return NULL;
}

int
cl_lstep_newton(const unsigned char *bin, double *objective, double *grad,
				double *info, double *step, double *se,
				void *(*alloc) (size_t), void (*release) (void *))
{
	int			p = cl_get_i32(bin + 4),
				q = p + 1,
				j,
				k,
				piv;
	double		l2 = cl_get_f8(bin + 28);
	long double pen = 0;
	const unsigned char *bp = CL_LSTEP_B(bin),
			   *gp = CL_LSTEP_G(bin, q),
			   *hp = CL_LSTEP_H(bin, q);
	size_t		qq = (size_t) q * q;
	double	   *l,
			   *d,
			   *col;

	for (j = 0; j < q; j++)
	{
		double		bj = cl_get_f8(bp + 8 * j);
		double		lam = j == 0 ? 0.0 : l2;

		pen += 0.5L * lam * bj * bj;
		grad[j] = cl_get_f8(gp + 8 * j) - lam * bj;
		for (k = 0; k <= j; k++)
		{
			info[(size_t) j * q + k] = info[(size_t) k * q + j] = cl_get_f8(hp);
			hp += 8;
		}
		info[(size_t) j * q + j] += lam;
	}
	*objective = (double) ((long double) cl_get_f8(bin + 36) - pen);

	l = alloc(sizeof(double) * (qq + 2 * (size_t) q));
	if (l == NULL)
		return -1;
	d = l + qq;
	col = d + q;
	/* Jacobi scaling: solve (D info D) (D^-1 step) = D grad, D = diag^-1/2 */
	for (j = 0; j < q; j++)
	{
		double		hjj = info[(size_t) j * q + j];

		if (!(hjj > 0))
		{
			release(l);
			return j + 1;
		}
		d[j] = 1.0 / sqrt(hjj);
	}
	for (j = 0; j < q; j++)
		for (k = 0; k < q; k++)
			l[(size_t) j * q + k] = info[(size_t) j * q + k] * d[j] * d[k];
	piv = cl_cholesky(l, q);
	/*
	 * The scaled information has a unit diagonal, so a squared pivot below
	 * CL_LSTEP_PIVOT_MIN is a column that the ones before it explain up to
	 * rounding (collinear features, which the standardised fit of
	 * logistic_fit finds as an exact zero).
	 */
	for (j = 0; !piv && j < q; j++)
		if (l[(size_t) j * q + j] * l[(size_t) j * q + j] < CL_LSTEP_PIVOT_MIN)
			piv = j + 1;
	if (piv)
	{
		release(l);
		return piv;
	}
	for (j = 0; j < q; j++)
		step[j] = grad[j] * d[j];
	cl_cholesky_solve(l, q, step);
	for (j = 0; j < q; j++)
		step[j] *= d[j];
	for (k = 0; k < q; k++)
	{
		for (j = 0; j < q; j++)
			col[j] = (j == k);
		cl_cholesky_solve(l, q, col);
		se[k] = col[k] > 0 ? sqrt(col[k]) * d[k] : NAN;
	}
	release(l);
	return 0;
}
