/*
 * fuzz_evaluation.c
 *		clientele.rank_state (auc, ks, lift) and clientele.logistic_state
 *		(logistic_fit) as a user can hand them to the server: the binary form
 *		(recv) and the text forms ("clrk1:" / "cllg1:" + hex, decoded by
 *		cl_hex_decode as the input functions do), checked by
 *		cl_rank_state_check() / cl_logit_state_check(), the code of the input
 *		functions.  The state's bytes are its binary form (encode(decode(b))
 *		== b is the copy).  A rank state it accepts must give metrics in
 *		range (AUC and KS in [0, 1], lift >= 0) and survive compaction of its
 *		points doubled (the combine with itself: same points, counts
 *		doubled); a logistic state it accepts must go through the fit
 *		(small states only) without a crash, with a known status.
 *		clientele.logistic_step_state (logistic_step): an accepted state must
 *		go through cl_lstep_newton without a crash, and its combine with
 *		itself (sums doubled) must pass the checks unless a sum overflows;
 *		the same bytes read as rows build a state by cl_lstep_add that must
 *		pass the checks whenever the transition accepts every row.
 *		The first byte picks the type (modulo 3).
 */
#include "fuzz.h"

#include <math.h>

#include "evaluation.h"
#include "hex.h"
#include "le.h"

static ClEvalPoint *
rank_points(const unsigned char *b, int64_t n)
{
	ClEvalPoint *p = malloc(sizeof(ClEvalPoint) * (size_t) (2 * n + 1));
	int64_t		i;

	for (i = 0; i < n; i++)
	{
		const unsigned char *q = b + CL_RANK_HDR - 4 + (size_t) i * CL_RANK_PT;

		p[i].score = cl_get_f8(q);
		p[i].pos = cl_get_i64(q + 8);
		p[i].neg = cl_get_i64(q + 16);
	}
	return p;
}

static void
fuzz_rank(const unsigned char *b, size_t len)
{
	int64_t		n,
				npos,
				nneg,
				i;
	ClEvalPoint *p;
	double		f;

	if (cl_rank_state_check(b, len) != NULL)
		return;
	n = cl_get_i64(b + 4);
	npos = cl_get_i64(b + 20);
	nneg = cl_get_i64(b + 28);
	f = cl_get_f8(b + 36);
	p = rank_points(b, n);
	if (npos > 0 && nneg > 0)
	{
		double		auc = cl_eval_auc(p, (size_t) n, npos, nneg),
					ks = cl_eval_ks(p, (size_t) n, npos, nneg);

		FUZZ_CHECK(auc >= 0 && auc <= 1, "AUC in [0, 1]");
		FUZZ_CHECK(ks >= 0 && ks <= 1, "KS in [0, 1]");
	}
	if (npos > 0 && f > 0)
	{
		double		lift = cl_eval_lift(p, (size_t) n, npos, nneg, f);

		FUZZ_CHECK(lift >= 0 && !isnan(lift), "lift >= 0");
	}
	/* combine with itself: the points doubled compact back to n points */
	if (npos < INT64_MAX / 2 && nneg < INT64_MAX / 2)
	{
		memcpy(p + n, p, sizeof(ClEvalPoint) * (size_t) n);
		FUZZ_CHECK((int64_t) cl_eval_compact(p, (size_t) (2 * n)) == n, "compaction merges the copies");
		for (i = 0; i < n; i++)
			FUZZ_CHECK(p[i].pos + p[i].neg > 0 && (i == 0 || p[i].score > p[i - 1].score),
					   "compacted points are sorted with rows");
	}
	free(p);
}

typedef struct Rows
{
	const unsigned char *b;
	int			p;
} Rows;

static const double *
get_row(void *ctx, size_t i, double *buf)
{
	Rows	   *r = (Rows *) ctx;
	const unsigned char *row = r->b + CL_LOGIT_HDR - 4 + i * CL_LOGIT_STRIDE(r->p);
	int			j;

	for (j = 0; j <= r->p; j++)
		buf[j] = cl_get_f8(row + 8 * j);
	return buf;
}

static void
fuzz_logit(const unsigned char *b, size_t len)
{
	int			p;
	int64_t		n,
				npos;
	Rows		r;
	ClLogitResult res;
	ClLogitStatus st;

	if (cl_logit_state_check(b, len) != NULL)
		return;
	p = cl_get_i32(b + 4);
	n = cl_get_i64(b + 12);
	npos = cl_get_i64(b + 28);
	/* what logistic_final refuses before fitting; and keep the fit small */
	if (npos == 0 || npos == n || n < p + 1 || p > 8 || n > 200)
		return;
	r.b = b;
	r.p = p;
	res.beta = malloc(sizeof(double) * (p + 1));
	res.se = malloc(sizeof(double) * (p + 1));
	st = cl_logit_fit(get_row, &r, (size_t) n, p, cl_get_f8(b + 36), 25, NULL, malloc, free, &res);
	FUZZ_CHECK(st == CL_LOGIT_OK || st == CL_LOGIT_SINGULAR || st == CL_LOGIT_NOMEM, "a known status");
	free(res.beta);
	free(res.se);
}

static void
fuzz_lstep(const unsigned char *b, size_t len)
{
	int			p,
				q;
	double	   *w,
				obj;
	unsigned char *c;
	int64_t		n;

	if (cl_lstep_state_check(b, len) != NULL)
		return;
	p = cl_get_i32(b + 4);
	q = p + 1;
	n = cl_get_i64(b + 12);
	if (p <= 40)
	{
		w = malloc(sizeof(double) * (3 * (size_t) q + (size_t) q * q));
		(void) cl_lstep_newton(b, &obj, w, w + q, w + q + (size_t) q * q, w + 2 * q + (size_t) q * q, malloc, free);
		free(w);
	}
	c = malloc(len);
	memcpy(c, b, len);
	if (n > INT64_MAX / 2)
		FUZZ_CHECK(cl_lstep_combine(c, b) != NULL, "a combine whose rows overflow is refused");
	else
	{
		size_t		i,
					ok = 1;

		FUZZ_CHECK(cl_lstep_combine(c, b) == NULL, "a state combines with itself");
		for (i = 36; i + 8 <= len; i += 8)
			if (!isfinite(cl_get_f8(c + i)))
				ok = 0;
		if (ok)
			FUZZ_CHECK(cl_lstep_state_check(c, len) == NULL, "a state combined with itself passes the checks");
	}
	free(c);
}

/* the fuzzer's bytes as rows: p (0..5) features, labels, coefficients, l2 */
static void
fuzz_lstep_rows(const uint8_t *data, size_t size)
{
	FuzzIn		in = {data, size};
	int			p = (int) (fuzz_u64(&in, 1) % 6),
				j,
				rows = 0;
	double		b[6],
				x[5],
				l2 = fabs(fuzz_double(&in));
	size_t		len = CL_LSTEP_BIN_LEN(p);
	unsigned char *s = malloc(len);

	if (!isfinite(l2))
		l2 = 0;
	for (j = 0; j <= p; j++)
	{
		b[j] = (double) (int8_t) fuzz_u64(&in, 1) / 16.0;
	}
	cl_lstep_init(s, p, l2, b);
	while (in.n > 0 && rows < 64)
	{
		double		y = (double) (fuzz_u64(&in, 1) & 1);

		for (j = 0; j < p; j++)
		{
			x[j] = fuzz_double(&in);
			if (!isfinite(x[j]))
				x[j] = 0;
		}
		if (cl_lstep_add(s, y, x) != NULL)
		{
			free(s);
			return;
		}
		rows++;
	}
	if (rows > 0)
	{
		const char *err = cl_lstep_state_check(s, len);

		FUZZ_CHECK(err == NULL, "a state built by the transition passes the checks");
	}
	free(s);
}

static void
fuzz_bytes(int logit, const unsigned char *b, size_t len)
{
	unsigned char *c = malloc(len + 1);

	/* the server copies the bytes after a varlena header: the same bytes */
	memcpy(c, b, len);
	if (logit == 2)
		fuzz_lstep(c, len);
	else if (logit)
		fuzz_logit(c, len);
	else
		fuzz_rank(c, len);
	FUZZ_CHECK(memcmp(c, b, len) == 0, "the checks do not write");
	free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int			logit;
	const char *prefix;
	size_t		plen = 6;

	if (size < 1)
		return 0;
	logit = data[0] % 3;
	prefix = logit == 2 ? "clls1:" : logit ? "cllg1:" : "clrk1:";
	if (logit == 2)
		fuzz_lstep_rows(data + 1, size - 1);
	data++;
	size--;
	if (size >= plen && memcmp(data, prefix, plen) == 0)
	{
		size_t		n = (size - plen) / 2;
		unsigned char *buf = malloc(n + 1);

		if ((size - plen) % 2 == 0 && cl_hex_decode((const char *) data + plen, n, buf) == n)
			fuzz_bytes(logit, buf, n);
		free(buf);
		return 0;
	}
	fuzz_bytes(logit, data, size);
	return 0;
}
