/*
 * bgnbd.c
 *		SQL interface of the BG/NBD model: the fit aggregate
 *		clientele.bgnbd_fit(frequency, recency, t [, penalizer]) and the
 *		prediction functions over a clientele.bgnbd_params composite.
 *		The maths is in src/core/bgnbd.c.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"

#include "bgnbd.h"
#include "clientele.h"
#include "fit_common.h"
#include "memo.h"

PG_FUNCTION_INFO_V1(bgnbd_fit_trans);
PG_FUNCTION_INFO_V1(bgnbd_fit_final);
PG_FUNCTION_INFO_V1(bgnbd_p_alive);
PG_FUNCTION_INFO_V1(bgnbd_expected_purchases);
PG_FUNCTION_INFO_V1(bgnbd_expected_purchases_new);
PG_FUNCTION_INFO_V1(bgnbd_purchase_pmf);

static const char *const bgnbd_names[4] = {"r", "alpha", "a", "b"};

/* P(X(t) = n) sums n terms: a bound keeps one call short */
#define BGNBD_PMF_MAX_N 10000000

#define BGNBD_PARAMS(n, p) cl_get_params(fcinfo, (n), 4, bgnbd_names, "BG/NBD", (p))

/* slots of the call site's memo of the brackets of eq. 10, keyed (x, T, t) */
#define BGNBD_MEMO_SLOTS 16384

/*
 * The parameters of argument 0 with what P(alive) derives from them, cached
 * for the call site (fit_common.h).
 */
ClBgnbdPre *
cl_bgnbd_pre(FunctionCallInfo fcinfo, int argno, int slotno)
{
	const double *p;
	bool		fresh;
	ClBgnbdPre *pre = cl_pred_aux_same(fcinfo, argno, slotno, sizeof(ClBgnbdPre));

	/* the parameters of the call before, already derived */
	if (likely(pre != NULL))
		return pre;
	p = cl_pred_params(fcinfo, argno, slotno, 4, bgnbd_names, "BG/NBD");
	pre = cl_pred_aux(fcinfo, slotno, sizeof(ClBgnbdPre), &fresh);
	if (fresh)
		cl_bgnbd_pre_init(pre, p);
	return pre;
}

/*
 * bgnbd_fit_trans(state, frequency, recency, t [, penalizer]): rows with a
 * NULL frequency, recency or t are skipped; recency is ignored (taken as 0)
 * when frequency is 0, as the likelihood does not depend on it.
 */
Datum
bgnbd_fit_trans(PG_FUNCTION_ARGS)
{
	return cl_fit_summary_trans(fcinfo, CL_MODEL_BGNBD, "bgnbd_fit");
}

/* ClFitRowsFn adapter: the core returns whether it converged, and reports
 * failures (out of memory included) as converged = false with NaN results */
static int
bgnbd_fit_rows(const ClFitRow *rows, uint32 nrows, double penalizer, ClModelFit *fit)
{
	(void) cl_bgnbd_fit(rows, nrows, penalizer, fit);
	return 0;
}

Datum
bgnbd_fit_final(PG_FUNCTION_ARGS)
{
	return cl_fit_final(fcinfo, CL_MODEL_BGNBD, "bgnbd_fit", 4, cl_fit_check_summary_row, bgnbd_fit_rows);
}

/* bgnbd_p_alive(params, frequency, recency, t) */
Datum
bgnbd_p_alive(PG_FUNCTION_ARGS)
{
	double		x = PG_GETARG_FLOAT8(1),
				tx = PG_GETARG_FLOAT8(2),
				T = PG_GETARG_FLOAT8(3);
	ClBgnbdPre *pre = cl_bgnbd_pre(fcinfo, 0, 0);

	cl_check_summary(x, tx, T);
	PG_RETURN_FLOAT8(cl_fit_prediction(cl_bgnbd_p_alive_pre(pre, x, tx, T), "BG/NBD", "P(alive)"));
}

/* bgnbd_expected_purchases(params, horizon, frequency, recency, t) */
Datum
bgnbd_expected_purchases(PG_FUNCTION_ARGS)
{
	double		h = PG_GETARG_FLOAT8(1),
				x = PG_GETARG_FLOAT8(2),
				tx = PG_GETARG_FLOAT8(3),
				T = PG_GETARG_FLOAT8(4);
	ClBgnbdPre *pre = cl_bgnbd_pre(fcinfo, 0, 0);

	cl_check_nonneg(h, "horizon");
	cl_check_summary(x, tx, T);
	PG_RETURN_FLOAT8(cl_fit_prediction(cl_bgnbd_expected_cond_pre(pre, cl_pred_memo(fcinfo, BGNBD_MEMO_SLOTS),
																  h, x, tx, T),
									   "BG/NBD", "expected purchases"));
}

/* bgnbd_expected_purchases_new(params, horizon) */
Datum
bgnbd_expected_purchases_new(PG_FUNCTION_ARGS)
{
	double		p[4];
	double		h = PG_GETARG_FLOAT8(1);

	BGNBD_PARAMS(0, p);
	cl_check_nonneg(h, "horizon");
	PG_RETURN_FLOAT8(cl_fit_prediction(cl_bgnbd_expected_new(p, h), "BG/NBD", "expected purchases"));
}

/* bgnbd_purchase_pmf(params, horizon, n) = P(X(horizon) = n) */
Datum
bgnbd_purchase_pmf(PG_FUNCTION_ARGS)
{
	double		p[4];
	double		h = PG_GETARG_FLOAT8(1);
	int32		n = PG_GETARG_INT32(2);

	BGNBD_PARAMS(0, p);
	cl_check_nonneg(h, "horizon");
	if (n < 0 || n > BGNBD_PMF_MAX_N)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n must be between 0 and %d, got %d", BGNBD_PMF_MAX_N, n),
				 errdetail("The probability is a sum of n terms.")));
	PG_RETURN_FLOAT8(cl_fit_prediction(cl_bgnbd_pmf(p, h, (double) n), "BG/NBD", "purchase probability"));
}
