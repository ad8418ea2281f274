/*
 * clv.c
 *		clientele.clv(): customer lifetime value from a BG/NBD fit (how many
 *		purchases) and a Gamma-Gamma fit (how much per purchase), with the
 *		lifetimes convention (see docs/models.md).  Maths in
 *		src/core/gamma_gamma.c (cl_clv).
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"

#include "clientele.h"
#include "fit_common.h"
#include "gamma_gamma.h"

PG_FUNCTION_INFO_V1(clv);

#define CLV_MAX_MONTHS 1200

/* slots of the call site's memo of the BG/NBD brackets, keyed (x, T, t) */
#define CLV_MEMO_SLOTS 65536

static const char *const gg_names[3] = {"p", "q", "v"};

/*
 * clv(bgnbd_params, gamma_gamma_params, frequency, recency, t, monetary,
 *     months, discount_rate, units_per_month)
 *
 * The two parameter composites are cached in fn_extra, each in its slot.
 */
Datum
clv(PG_FUNCTION_ARGS)
{
	double		gg[3];
	double		x = PG_GETARG_FLOAT8(2),
				tx = PG_GETARG_FLOAT8(3),
				T = PG_GETARG_FLOAT8(4),
				m = PG_GETARG_FLOAT8(5);
	int32		months = PG_GETARG_INT32(6);
	double		d = PG_GETARG_FLOAT8(7),
				u = PG_GETARG_FLOAT8(8),
				v;

	ClBgnbdPre *pre = cl_bgnbd_pre(fcinfo, 0, 0);

	cl_get_params_slot(fcinfo, 1, 1, 3, gg_names, "Gamma-Gamma", gg);
	cl_check_summary(x, tx, T);
	if (!cl_gg_customer_ok(x, m))
		PG_RETURN_NULL();		/* zero mean spend: outside Gamma-Gamma */
	if (months < 0 || months > CLV_MAX_MONTHS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("months must be between 0 and %d, got %d", CLV_MAX_MONTHS, months)));
	cl_check_nonneg(d, "discount_rate");
	cl_check_positive(u, "units_per_month");
	v = cl_clv_pre(pre, cl_pred_memo(fcinfo, CLV_MEMO_SLOTS), gg, x, tx, T, m, months, d, u);
	if (!isfinite(v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the customer lifetime value cannot be evaluated for these parameters"),
				 errdetail("The Gamma-Gamma expected spend is infinite when p * frequency + q <= 1 (p = %g, q = %g, frequency = %g).",
						   gg[0], gg[1], x)));
	PG_RETURN_FLOAT8(v);
}
