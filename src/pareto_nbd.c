/*
 * pareto_nbd.c
 *		SQL interface of the Pareto/NBD model: the fit aggregate
 *		clientele.pareto_nbd_fit(frequency, recency, t [, penalizer]) over the
 *		shared compressed fit state, and the predictions
 *		pareto_nbd_p_alive, pareto_nbd_expected_purchases,
 *		pareto_nbd_expected_purchases_new and pareto_nbd_purchase_pmf.
 *		The maths is in src/core/pareto_nbd.c.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"

#include "clientele.h"
#include "fit_common.h"
#include "pareto_nbd.h"

PG_FUNCTION_INFO_V1(pareto_nbd_fit_trans);
PG_FUNCTION_INFO_V1(pareto_nbd_fit_final);
PG_FUNCTION_INFO_V1(pareto_nbd_p_alive);
PG_FUNCTION_INFO_V1(pareto_nbd_expected_purchases);
PG_FUNCTION_INFO_V1(pareto_nbd_expected_purchases_new);
PG_FUNCTION_INFO_V1(pareto_nbd_purchase_pmf);

static const char *const pnbd_names[4] = {"r", "alpha", "s", "beta"};

#define PNBD_PARAMS(n, p) cl_get_params(fcinfo, (n), 4, pnbd_names, "Pareto/NBD", (p))

/* slots of the call site's memo of P(alive), keyed (x, tx, T) */
#define PNBD_MEMO_SLOTS 65536

/*
 * pareto_nbd_fit_trans(state, frequency, recency, t [, penalizer]): rows
 * with a NULL frequency, recency or t are skipped; recency is taken as 0
 * when frequency is 0 (no repeat purchase: the last purchase is the first).
 */
Datum
pareto_nbd_fit_trans(PG_FUNCTION_ARGS)
{
	return cl_fit_summary_trans(fcinfo, CL_MODEL_PARETO_NBD, "pareto_nbd_fit");
}

/* ClFitRowsFn adapter (the core takes a size_t count) */
static int
pnbd_fit_rows(const ClFitRow *rows, uint32 nrows, double penalizer, ClModelFit *fit)
{
	return cl_pnbd_fit(rows, (size_t) nrows, penalizer, fit);
}

Datum
pareto_nbd_fit_final(PG_FUNCTION_ARGS)
{
	return cl_fit_final(fcinfo, CL_MODEL_PARETO_NBD, "pareto_nbd_fit", 4, cl_fit_check_summary_row, pnbd_fit_rows);
}

/* the summary checks, with recency taken as 0 when frequency is 0 */
static inline double
pnbd_summary(double x, double tx, double T)
{
	cl_check_summary(x, tx, T);
	return x == 0 ? 0.0 : tx;
}

/* pareto_nbd_p_alive(params, frequency, recency, t) */
Datum
pareto_nbd_p_alive(PG_FUNCTION_ARGS)
{
	double		p[4];
	double		x = PG_GETARG_FLOAT8(1),
				tx = PG_GETARG_FLOAT8(2),
				T = PG_GETARG_FLOAT8(3);

	PNBD_PARAMS(0, p);
	tx = pnbd_summary(x, tx, T);
	PG_RETURN_FLOAT8(cl_fit_prediction(cl_pnbd_p_alive_memo(p, cl_pred_memo(fcinfo, PNBD_MEMO_SLOTS), x, tx, T), "Pareto/NBD", "P(alive)"));
}

/* pareto_nbd_expected_purchases(params, horizon, frequency, recency, t) */
Datum
pareto_nbd_expected_purchases(PG_FUNCTION_ARGS)
{
	double		p[4];
	double		h = PG_GETARG_FLOAT8(1),
				x = PG_GETARG_FLOAT8(2),
				tx = PG_GETARG_FLOAT8(3),
				T = PG_GETARG_FLOAT8(4);

	PNBD_PARAMS(0, p);
	cl_check_nonneg(h, "horizon");
	tx = pnbd_summary(x, tx, T);
	PG_RETURN_FLOAT8(cl_fit_prediction(cl_pnbd_expected_purchases_memo(p, cl_pred_memo(fcinfo, PNBD_MEMO_SLOTS),
																	 h, x, tx, T),
									   "Pareto/NBD", "expected purchases"));
}

/* pareto_nbd_expected_purchases_new(params, horizon) */
Datum
pareto_nbd_expected_purchases_new(PG_FUNCTION_ARGS)
{
	double		p[4];
	double		h = PG_GETARG_FLOAT8(1);

	PNBD_PARAMS(0, p);
	cl_check_nonneg(h, "horizon");
	PG_RETURN_FLOAT8(cl_fit_prediction(cl_pnbd_expected_purchases_new(p, h), "Pareto/NBD", "expected purchases"));
}

/* pareto_nbd_purchase_pmf(params, horizon, n) = P(X(horizon) = n) */
Datum
pareto_nbd_purchase_pmf(PG_FUNCTION_ARGS)
{
	double		p[4];
	double		h = PG_GETARG_FLOAT8(1);
	int32		n = PG_GETARG_INT32(2);

	PNBD_PARAMS(0, p);
	cl_check_nonneg(h, "horizon");
	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n must not be negative, got %d", n)));
	PG_RETURN_FLOAT8(cl_fit_prediction(cl_pnbd_purchase_pmf(p, h, (double) n), "Pareto/NBD", "purchase probability"));
}
