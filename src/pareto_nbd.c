/*
 * pareto_nbd.c
 *		fmgr glue of the Pareto/NBD model: the predictions
 *		pareto_nbd_p_alive, pareto_nbd_expected_purchases,
 *		pareto_nbd_expected_purchases_new, pareto_nbd_purchase_pmf, and the
 *		final function of the pareto_nbd_fit aggregate.
 *
 * The maths is in src/core/pareto_nbd.c.
 */
#include "clientele.h"

#include "model_glue.h"
#include "pareto_nbd.h"

#define PNBD_NPARAMS 4

static void
pnbd_get_params(HeapTupleHeader params, double *p)
{
	static const char *const names[PNBD_NPARAMS] = {"r", "alpha", "s", "beta"};

	mg_get_params(params, names, PNBD_NPARAMS, p);
}

/* a prediction that came out NaN/Inf is an error, never a silent result */
static inline double
pnbd_check_result(double v, const char *fn)
{
	if (!isfinite(v))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s could not be evaluated for these parameters and arguments", fn)));
	return v;
}

PG_FUNCTION_INFO_V1(clientele_pareto_nbd_p_alive);

/* pareto_nbd_p_alive(params, frequency, recency, t) */
Datum
clientele_pareto_nbd_p_alive(PG_FUNCTION_ARGS)
{
	double		p[PNBD_NPARAMS];
	double		x = PG_GETARG_FLOAT8(1),
				t_x = PG_GETARG_FLOAT8(2),
				T = PG_GETARG_FLOAT8(3);

	mg_check_rft(x, t_x, T);
	pnbd_get_params(PG_GETARG_HEAPTUPLEHEADER(0), p);
	PG_RETURN_FLOAT8(pnbd_check_result(pnbd_p_alive(p, x, t_x, T), "pareto_nbd_p_alive"));
}

PG_FUNCTION_INFO_V1(clientele_pareto_nbd_expected_purchases);

/* pareto_nbd_expected_purchases(params, horizon, frequency, recency, t) */
Datum
clientele_pareto_nbd_expected_purchases(PG_FUNCTION_ARGS)
{
	double		p[PNBD_NPARAMS];
	double		h = cl_check_nonneg(PG_GETARG_FLOAT8(1), "horizon");
	double		x = PG_GETARG_FLOAT8(2),
				t_x = PG_GETARG_FLOAT8(3),
				T = PG_GETARG_FLOAT8(4);

	mg_check_rft(x, t_x, T);
	pnbd_get_params(PG_GETARG_HEAPTUPLEHEADER(0), p);
	PG_RETURN_FLOAT8(pnbd_check_result(pnbd_expected_purchases(p, h, x, t_x, T),
									   "pareto_nbd_expected_purchases"));
}

PG_FUNCTION_INFO_V1(clientele_pareto_nbd_expected_purchases_new);

/* pareto_nbd_expected_purchases_new(params, horizon) */
Datum
clientele_pareto_nbd_expected_purchases_new(PG_FUNCTION_ARGS)
{
	double		p[PNBD_NPARAMS];
	double		h = cl_check_nonneg(PG_GETARG_FLOAT8(1), "horizon");

	pnbd_get_params(PG_GETARG_HEAPTUPLEHEADER(0), p);
	PG_RETURN_FLOAT8(pnbd_check_result(pnbd_expected_purchases_new(p, h),
									   "pareto_nbd_expected_purchases_new"));
}

PG_FUNCTION_INFO_V1(clientele_pareto_nbd_purchase_pmf);

/* pareto_nbd_purchase_pmf(params, horizon, n) = P(X(horizon) = n) */
Datum
clientele_pareto_nbd_purchase_pmf(PG_FUNCTION_ARGS)
{
	double		p[PNBD_NPARAMS];
	double		h = cl_check_nonneg(PG_GETARG_FLOAT8(1), "horizon");
	int32		n = PG_GETARG_INT32(2);

	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n must not be negative, got %d", n)));
	pnbd_get_params(PG_GETARG_HEAPTUPLEHEADER(0), p);
	PG_RETURN_FLOAT8(pnbd_check_result(pnbd_purchase_pmf(p, h, n), "pareto_nbd_purchase_pmf"));
}
