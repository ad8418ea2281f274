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
 * customers); rows with a NULL are skipped.
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
	cl_check_monetary(m, x);
	if (x == 0)
		return cl_fit_state_ignore(fcinfo, CL_MODEL_GAMMA_GAMMA, "gamma_gamma_fit", pen);
	return cl_fit_state_accum(fcinfo, CL_MODEL_GAMMA_GAMMA, "gamma_gamma_fit", x, m, 0.0, pen);
}

/* rows of the state are (frequency > 0, monetary, 0) */
static void
gg_check_row(const cl_fitrow *row)
{
	check_frequency(row->x);
	cl_check_monetary(row->tx, row->x);
}

/* cl_fit_rows_fn adapter: the core returns whether it converged, and reports
 * failures (out of memory included) as converged = false with NaN results */
static int
gg_fit_rows(const cl_fitrow *rows, uint32 nrows, double penalizer, cl_model_fit *fit)
{
	(void) cl_gg_fit(rows, nrows, penalizer, fit);
	return 0;
}

Datum
gamma_gamma_fit_final(PG_FUNCTION_ARGS)
{
	return cl_fit_final(fcinfo, CL_MODEL_GAMMA_GAMMA, "gamma_gamma_fit", 3, gg_check_row, gg_fit_rows);
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
	check_frequency(x);
	cl_check_monetary(m, x);
	e = cl_gg_expected_spend(p, x, m);
	if (!isfinite(e))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the expected spend is infinite when p * frequency + q <= 1"),
				 errdetail("p = %g, q = %g, frequency = %g.", p[0], p[1], x)));
	PG_RETURN_FLOAT8(e);
}
