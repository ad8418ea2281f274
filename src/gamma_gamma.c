/*
 * gamma_gamma.c
 *		SQL interface of the Gamma-Gamma spend model: the fit aggregate
 *		clientele.gamma_gamma_fit(frequency, monetary [, penalizer]) over
 *		repeat customers, and clientele.gamma_gamma_expected_spend().
 *		The maths is in src/core/gamma_gamma.c.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"

#include "clientele.h"
#include "fit_common.h"
#include "gamma_gamma.h"

PG_FUNCTION_INFO_V1(gamma_gamma_fit_trans);
PG_FUNCTION_INFO_V1(gamma_gamma_fit_final);
PG_FUNCTION_INFO_V1(gamma_gamma_expected_spend);

static const char *const gg_names[3] = {"p", "q", "v"};

/* frequency: a finite whole number >= 0 */
static inline void
check_frequency(double x)
{
	cl_check_nonneg(x, "frequency");
	if (x != floor(x))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("frequency must be a whole number of repeat purchases, got %g", x)));
}

/*
 * gamma_gamma_fit_trans(state, frequency, monetary [, penalizer]): rows
 * with frequency 0 are counted as ignored (the model is fitted on repeat
 * customers); rows with a NULL are skipped.  A repeat customer with zero
 * average spend (refunds cancelling the purchases) is kept in the state as
 * the row (frequency, 0, 0) and left out by the final function, which says
 * how many (NOTICE and the result's "excluded"): one such row must not
 * abort the fit of every other customer.
 */
Datum
gamma_gamma_fit_trans(PG_FUNCTION_ARGS)
{
	double		x,
				m,
				pen = 0.0;

	if (PG_NARGS() > 3)
	{
		CL_ARG_NOT_NULL(3, "penalizer");
		pen = PG_GETARG_FLOAT8(3);
	}
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	x = PG_GETARG_FLOAT8(1);
	m = PG_GETARG_FLOAT8(2);
	check_frequency(x);
	cl_check_nonneg(m, "monetary");
	if (x == 0)
		return cl_fit_state_ignore(fcinfo, CL_MODEL_GAMMA_GAMMA, "gamma_gamma_fit", pen);
	return cl_fit_state_accum(fcinfo, CL_MODEL_GAMMA_GAMMA, "gamma_gamma_fit", x, m, 0.0, pen);
}

/*
 * gamma_gamma_fit_final: the rows of the state are (frequency > 0,
 * monetary, 0); those with monetary 0 are left out (NOTICE, counted in the
 * result's last column "excluded").
 */
Datum
gamma_gamma_fit_final(PG_FUNCTION_ARGS)
{
	ClFitState *st = PG_GETARG_FITSTATE(0);
	ClFitRow  *rows;
	uint32		nrows,
				k = 0;
	double		excluded = 0.0,
				used = 0.0;
	ClModelFit fit;

	cl_fit_state_check_model(st, CL_MODEL_GAMMA_GAMMA, "gamma_gamma_fit");
	rows = cl_fit_state_rows(st, &nrows);
	for (uint32 i = 0; i < nrows; i++)
	{
		/* a state typed in as text passed the generic checks, and these */
		check_frequency(rows[i].x);
		cl_check_nonneg(rows[i].tx, "monetary");
		if (rows[i].tx == 0)
			excluded += rows[i].count;
		else
		{
			used += rows[i].count;
			rows[k++] = rows[i];
		}
	}
	if (excluded > 0)
		ereport(NOTICE,
				(errmsg("left out %.0f repeat customers with zero average spend", excluded),
				 errdetail("The Gamma-Gamma model needs a positive mean spend; their expected spend and CLV are NULL."),
				 errhint("The result's column \"excluded\" counts them.")));
	if (used < 3)
	{
		ereport(NOTICE,
				(errmsg("gamma_gamma_fit is NULL: %.0f customers are fewer than the 3 parameters", used),
				 (st->nignored + excluded) > 0 ?
				 errdetail("%.0f rows were not used by the model.", st->nignored + excluded) : 0));
		PG_RETURN_NULL();
	}
	(void) cl_gg_fit(rows, k, st->penalizer, &fit);
	fit.excluded = excluded;
	cl_fit_warn_unconverged(&fit, "gamma_gamma_fit");
	pfree(rows);
	return cl_fit_result(fcinfo, &fit, 3);
}

/*
 * The per-customer checks of the predictions: a finite frequency, a whole
 * number >= 0, and monetary finite >= 0.  Returns false for a repeat
 * customer with zero average spend, whose prediction is NULL (outside the
 * model: the fit leaves them out).
 */
bool
cl_gg_customer_ok(double x, double m)
{
	check_frequency(x);
	cl_check_nonneg(m, "monetary");
	return !(x > 0 && m == 0);
}

/* gamma_gamma_expected_spend(params, frequency, monetary) */
Datum
gamma_gamma_expected_spend(PG_FUNCTION_ARGS)
{
	double		p[3];
	double		x = PG_GETARG_FLOAT8(1),
				m = PG_GETARG_FLOAT8(2),
				e;

	cl_get_params(fcinfo, 0, 3, gg_names, "Gamma-Gamma", p);
	if (!cl_gg_customer_ok(x, m))
		PG_RETURN_NULL();
	e = cl_gg_expected_spend(p, x, m);
	if (!isfinite(e))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the expected spend is infinite when p * frequency + q <= 1"),
				 errdetail("p = %g, q = %g, frequency = %g.", p[0], p[1], x)));
	PG_RETURN_FLOAT8(e);
}
