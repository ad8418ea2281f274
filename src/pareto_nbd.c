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

Datum
pareto_nbd_fit_final(PG_FUNCTION_ARGS)
{
	cl_fitstate *st = PG_GETARG_FITSTATE(0);
	cl_fitrow  *rows;
	uint32		nrows;
	cl_model_fit fit;

	cl_fit_state_check_model(st, CL_MODEL_PARETO_NBD, "pareto_nbd_fit");
	rows = cl_fit_state_rows(st, &nrows);
	/* a state typed in as text passed cl_fitstate_check, not these */
	for (uint32 i = 0; i < nrows; i++)
		cl_check_summary(rows[i].x, rows[i].tx, rows[i].T);
	if (!cl_fit_enough_rows(st, 4, "pareto_nbd_fit"))
		PG_RETURN_NULL();
	switch (cl_pnbd_fit(rows, nrows, st->penalizer, &fit))
	{
		case 0:
			break;
		case -2:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory"),
					 errdetail("pareto_nbd_fit could not allocate its work arrays for %u distinct rows.", nrows)));
			break;
		default:
			elog(ERROR, "pareto_nbd_fit: no customers after the row check");
	}
	cl_fit_warn_unconverged(&fit, "pareto_nbd_fit");
	pfree(rows);
	return cl_fit_result(fcinfo, &fit, 4);
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
	PG_RETURN_FLOAT8(cl_fit_prediction(cl_pnbd_p_alive(p, x, tx, T), "Pareto/NBD", "P(alive)"));
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
	PG_RETURN_FLOAT8(cl_fit_prediction(cl_pnbd_expected_purchases(p, h, x, tx, T),
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
