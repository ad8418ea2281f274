/*
 * mbgnbd.c
 *		SQL interface of the MBG/NBD model: the fit aggregate
 *		clientele.mbgnbd_fit(frequency, recency, t [, penalizer]) on the
 *		shared fit state, the predictions over a clientele.mbgnbd_params
 *		composite, and clv() with MBG/NBD.  The maths is in
 *		src/core/mbgnbd.c (the fit is the BG/NBD one, MBG/NBD variant).
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"

#include "clientele.h"
#include "fit_common.h"
#include "mbgnbd.h"

PG_FUNCTION_INFO_V1(clientele_mbgnbd_fit_trans);
PG_FUNCTION_INFO_V1(clientele_mbgnbd_fit_final);
PG_FUNCTION_INFO_V1(clientele_mbgnbd_p_alive);
PG_FUNCTION_INFO_V1(clientele_mbgnbd_expected_purchases);
PG_FUNCTION_INFO_V1(clientele_mbgnbd_expected_purchases_new);
PG_FUNCTION_INFO_V1(clientele_mbgnbd_purchase_pmf);
PG_FUNCTION_INFO_V1(clientele_mbgnbd_clv);

static const char *const mbgnbd_names[4] = {"r", "alpha", "a", "b"};
static const char *const gg_names[3] = {"p", "q", "v"};

#define MBGNBD_PMF_MAX_N 10000000
#define MBGNBD_CLV_MAX_MONTHS 1200

#define MBGNBD_PARAMS(n, p) cl_get_params(fcinfo, (n), 4, mbgnbd_names, "MBG/NBD", (p))

/* slots of the call site's memo of the brackets, keyed (x, T, t) */
#define MBGNBD_MEMO_SLOTS 16384
#define MBGNBD_CLV_MEMO_SLOTS 65536

/*
 * mbgnbd_fit_trans(state, frequency, recency, t [, penalizer]): as
 * bgnbd_fit_trans (NULL rows skipped, recency taken as 0 when frequency is 0).
 */
Datum
clientele_mbgnbd_fit_trans(PG_FUNCTION_ARGS)
{
	return cl_fit_summary_trans(fcinfo, CL_MODEL_MBGNBD, "mbgnbd_fit");
}

static int
mbgnbd_fit_rows(const ClFitRow *rows, uint32 nrows, double penalizer, ClModelFit *fit)
{
	(void) cl_mbgnbd_fit(rows, nrows, penalizer, fit);
	return 0;
}

Datum
clientele_mbgnbd_fit_final(PG_FUNCTION_ARGS)
{
	return cl_fit_final(fcinfo, CL_MODEL_MBGNBD, "mbgnbd_fit", 4,
						cl_fit_check_summary_row, mbgnbd_fit_rows);
}

/* the summary checks; recency is 0 when frequency is 0 (as in the fit) */
static void
mbg_summary(double x, double *tx, double T)
{
	cl_check_summary(x, *tx, T);
	if (x == 0)
		*tx = 0;
}

/* mbgnbd_p_alive(params, frequency, recency, t) */
Datum
clientele_mbgnbd_p_alive(PG_FUNCTION_ARGS)
{
	double		p[4];
	double		x = PG_GETARG_FLOAT8(1),
				tx = PG_GETARG_FLOAT8(2),
				T = PG_GETARG_FLOAT8(3);

	MBGNBD_PARAMS(0, p);
	mbg_summary(x, &tx, T);
	PG_RETURN_FLOAT8(cl_fit_prediction(cl_mbgnbd_p_alive(p, x, tx, T), "MBG/NBD", "P(alive)"));
}

/* mbgnbd_expected_purchases(params, horizon, frequency, recency, t) */
Datum
clientele_mbgnbd_expected_purchases(PG_FUNCTION_ARGS)
{
	double		p[4];
	double		h = PG_GETARG_FLOAT8(1),
				x = PG_GETARG_FLOAT8(2),
				tx = PG_GETARG_FLOAT8(3),
				T = PG_GETARG_FLOAT8(4);

	MBGNBD_PARAMS(0, p);
	cl_check_nonneg(h, "horizon");
	mbg_summary(x, &tx, T);
	PG_RETURN_FLOAT8(cl_fit_prediction(cl_mbgnbd_expected_cond_memo(p, cl_pred_memo(fcinfo, MBGNBD_MEMO_SLOTS),
																	 h, x, tx, T),
									   "MBG/NBD", "expected purchases"));
}

/* mbgnbd_expected_purchases_new(params, horizon) */
Datum
clientele_mbgnbd_expected_purchases_new(PG_FUNCTION_ARGS)
{
	double		p[4];
	double		h = PG_GETARG_FLOAT8(1);

	MBGNBD_PARAMS(0, p);
	cl_check_nonneg(h, "horizon");
	PG_RETURN_FLOAT8(cl_fit_prediction(cl_mbgnbd_expected_new(p, h), "MBG/NBD", "expected purchases"));
}

/* mbgnbd_purchase_pmf(params, horizon, n) = P(X(horizon) = n) */
Datum
clientele_mbgnbd_purchase_pmf(PG_FUNCTION_ARGS)
{
	double		p[4];
	double		h = PG_GETARG_FLOAT8(1);
	int32		n = PG_GETARG_INT32(2);

	MBGNBD_PARAMS(0, p);
	cl_check_nonneg(h, "horizon");
	if (n < 0 || n > MBGNBD_PMF_MAX_N)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n must be between 0 and %d, got %d", MBGNBD_PMF_MAX_N, n)));
	PG_RETURN_FLOAT8(cl_fit_prediction(cl_mbgnbd_pmf(p, h, (double) n), "MBG/NBD", "purchase probability"));
}

/*
 * clv(mbgnbd_params, gamma_gamma_params, frequency, recency, t, monetary,
 *     months, discount_rate, units_per_month): clv() with MBG/NBD.
 */
Datum
clientele_mbgnbd_clv(PG_FUNCTION_ARGS)
{
	double		bg[4],
				gg[3];
	double		x = PG_GETARG_FLOAT8(2),
				tx = PG_GETARG_FLOAT8(3),
				T = PG_GETARG_FLOAT8(4),
				m = PG_GETARG_FLOAT8(5);
	int32		months = PG_GETARG_INT32(6);
	double		d = PG_GETARG_FLOAT8(7),
				u = PG_GETARG_FLOAT8(8),
				v;

	MBGNBD_PARAMS(0, bg);
	cl_get_params_slot(fcinfo, 1, 1, 3, gg_names, "Gamma-Gamma", gg);
	mbg_summary(x, &tx, T);
	cl_check_monetary(m, x);
	if (months < 0 || months > MBGNBD_CLV_MAX_MONTHS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("months must be between 0 and %d, got %d", MBGNBD_CLV_MAX_MONTHS, months)));
	cl_check_nonneg(d, "discount_rate");
	cl_check_positive(u, "units_per_month");
	v = cl_mbgnbd_clv_memo(bg, cl_pred_memo(fcinfo, MBGNBD_CLV_MEMO_SLOTS), gg,
						   x, tx, T, m, months, d, u);
	if (!isfinite(v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the customer lifetime value cannot be evaluated for these parameters"),
				 errdetail("The Gamma-Gamma expected spend is infinite when p * frequency + q <= 1 (p = %g, q = %g, frequency = %g).",
						   gg[0], gg[1], x)));
	PG_RETURN_FLOAT8(v);
}
