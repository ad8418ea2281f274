/*
 * sbg.c
 *		SQL interface of the shifted-beta-geometric contractual retention
 *		model: clientele.sbg_fit over a cohort's survivor curve (function) or
 *		over individuals (aggregate over (periods, churned), on the shared
 *		compressed fit state), and the predictions sbg_survival,
 *		sbg_retention_rate, sbg_churn_probability and sbg_derl.
 *		The maths is in src/core/sbg.c.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"

#include "clientele.h"
#include "fit_common.h"
#include "memo.h"
#include "sbg.h"

PG_FUNCTION_INFO_V1(sbg_fit_survivors);
PG_FUNCTION_INFO_V1(sbg_fit_trans);
PG_FUNCTION_INFO_V1(sbg_fit_final);
PG_FUNCTION_INFO_V1(sbg_survival);
PG_FUNCTION_INFO_V1(sbg_retention_rate);
PG_FUNCTION_INFO_V1(sbg_churn_probability);
PG_FUNCTION_INFO_V1(sbg_derl);

#define SBG_NPARAMS 2

static const char *const sbg_names[SBG_NPARAMS] = {"alpha", "beta"};

#define SBG_PARAMS(n, p) cl_get_params(fcinfo, (n), SBG_NPARAMS, sbg_names, "sBG", (p))

/* slots of the call site's memo of S(t) and P(T = t) by t */
#define SBG_MEMO_SLOTS 4096

/* fit, WARNING when not converged, result composite */
static Datum
sbg_fit_result(FunctionCallInfo fcinfo, const ClSbgCell *cells, size_t ncells,
			   double penalizer)
{
	ClModelFit fit;

	if (cl_sbg_fit(cells, ncells, penalizer, &fit) != 0)
		elog(ERROR, "sbg_fit: no customers after the check");
	cl_fit_warn_unconverged(&fit, "sbg_fit");
	return cl_fit_result(fcinfo, &fit, SBG_NPARAMS);
}

/*
 * sbg_fit(survivors bigint[], penalizer): survivors[1] is the cohort size at
 * period 0, survivors[k+1] the number still active after k periods; the
 * curve must not increase.
 */
Datum
sbg_fit_survivors(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	double		penalizer = cl_check_nonneg(PG_GETARG_FLOAT8(1), "penalizer");
	Datum	   *elems;
	bool	   *enulls;
	int			nelems;
	ClSbgCell *cells;
	size_t		ncells = 0;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("survivors must be a one-dimensional array, got %d dimensions",
						ARR_NDIM(arr))));
	deconstruct_array(arr, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &enulls, &nelems);
	for (int i = 0; i < nelems; i++)
	{
		int64		v;

		if (enulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("survivors must not contain NULL, got NULL at position %d", i + 1)));
		v = DatumGetInt64(elems[i]);
		if (v < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("survivors must not be negative, got %lld at position %d",
							(long long) v, i + 1)));
		if (v > (int64) CL_FITSTATE_MAX_COUNT)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("survivors must be at most 2^53 (9007199254740992), got %lld at position %d",
							(long long) v, i + 1),
					 errdetail("Counts are kept exactly in double precision.")));
		if (i > 0 && v > DatumGetInt64(elems[i - 1]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("survivors must not increase, got %lld at position %d after %lld",
							(long long) v, i + 1, (long long) DatumGetInt64(elems[i - 1])),
					 errdetail("A cohort's survivor curve counts the customers still active after each period, starting with the cohort size.")));
	}
	if (nelems < 2)
	{
		ereport(NOTICE,
				(errmsg("sbg_fit is NULL: a survivor curve needs at least 2 values (periods 0 and 1), got %d",
						nelems)));
		PG_RETURN_NULL();
	}
	if (DatumGetInt64(elems[0]) < SBG_NPARAMS)
	{
		ereport(NOTICE,
				(errmsg("sbg_fit is NULL: %lld customers are fewer than the %d parameters",
						(long long) DatumGetInt64(elems[0]), SBG_NPARAMS)));
		PG_RETURN_NULL();
	}

	cells = palloc(sizeof(ClSbgCell) * nelems);
	for (int t = 1; t < nelems; t++)
	{
		int64		lost = DatumGetInt64(elems[t - 1]) - DatumGetInt64(elems[t]);

		if (lost > 0)
		{
			cells[ncells].period = t;
			cells[ncells].churned = (double) lost;
			cells[ncells].alive = 0;
			cells[ncells].entered = 0;
			ncells++;
		}
	}
	cells[ncells].period = nelems - 1;
	cells[ncells].churned = 0;
	cells[ncells].alive = (double) DatumGetInt64(elems[nelems - 1]);
	cells[ncells].entered = 0;
	ncells++;

	return sbg_fit_result(fcinfo, cells, ncells, penalizer);
}

/*
 * sbg_fit_trans(state, periods, churned [, penalizer]): one customer who
 * paid for "periods" periods and churned at the end of the last one
 * (churned) or is still active (right-censored).
 * sbg_fit_trans_entered(state, periods, churned, entered [, penalizer]): the
 * same for a customer first observed after "entered" renewals (left
 * truncation: observation began when the customer had already stayed
 * "entered" periods).  Stored in the shared fit state as the row
 * (periods, churned ? 1 : 0, entered).  NULL rows are skipped.
 */
static Datum
sbg_trans_common(FunctionCallInfo fcinfo, bool has_entered)
{
	int			penarg = has_entered ? 4 : 3;
	int32		period;
	int32		entered = 0;
	bool		churned;
	double		pen = 0.0;

	if (PG_NARGS() > penarg)
	{
		CL_ARG_NOT_NULL(penarg, "penalizer");
		pen = PG_GETARG_FLOAT8(penarg);
	}
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || (has_entered && PG_ARGISNULL(3)))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	period = PG_GETARG_INT32(1);
	churned = PG_GETARG_BOOL(2);
	if (has_entered)
		entered = PG_GETARG_INT32(3);
	if (period < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("periods must not be negative, got %d", period)));
	if (churned && period < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a customer who churned must have periods >= 1, got %d", period),
				 errdetail("periods counts the periods the customer paid for; churn happens at the end of one.")));
	if (entered < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("entered must not be negative, got %d", entered)));
	if (entered > period || (churned && entered == period))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("entered (%d) must be %s periods (%d)", entered,
						churned ? "less than" : "at most", period),
				 errdetail("entered counts the periods a customer had already stayed when observation began; a customer who churned was seen before churning.")));
	return cl_fit_state_accum(fcinfo, CL_MODEL_SBG, "sbg_fit", (double) period,
							  churned ? 1.0 : 0.0, (double) entered, pen);
}

Datum
sbg_fit_trans(PG_FUNCTION_ARGS)
{
	return sbg_trans_common(fcinfo, false);
}

PG_FUNCTION_INFO_V1(sbg_fit_trans_entered);

Datum
sbg_fit_trans_entered(PG_FUNCTION_ARGS)
{
	return sbg_trans_common(fcinfo, true);
}

Datum
sbg_fit_final(PG_FUNCTION_ARGS)
{
	ClFitState *st = PG_GETARG_FITSTATE(0);
	ClFitRow  *rows;
	uint32		nrows;
	ClSbgCell *cells;

	cl_fit_state_check_model(st, CL_MODEL_SBG, "sbg_fit");
	if (!cl_fit_enough_rows(st, SBG_NPARAMS, "sbg_fit"))
		PG_RETURN_NULL();
	rows = cl_fit_state_rows(st, &nrows);
	cells = palloc(sizeof(ClSbgCell) * Max(nrows, 1));
	for (uint32 i = 0; i < nrows; i++)
	{
		/* a state typed in as text passed cl_fitstate_check, not these */
		if (rows[i].x < 0 || rows[i].x != floor(rows[i].x) || rows[i].x > PG_INT32_MAX
			|| (rows[i].tx != 0 && rows[i].tx != 1) || (rows[i].tx == 1 && rows[i].x < 1)
			|| rows[i].T < 0 || rows[i].T != floor(rows[i].T) || rows[i].T > rows[i].x
			|| (rows[i].tx == 1 && rows[i].T == rows[i].x))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid sbg_fit state row (%g, %g, %g)", rows[i].x, rows[i].tx, rows[i].T),
					 errdetail("Rows are (periods, churned 0 or 1, entered) with periods >= 1 when churned and 0 <= entered <= periods (< when churned).")));
		cells[i].period = (int64) rows[i].x;
		cells[i].entered = (int64) rows[i].T;
		cells[i].churned = rows[i].tx > 0 ? rows[i].count : 0.0;
		cells[i].alive = rows[i].tx > 0 ? 0.0 : rows[i].count;
	}
	pfree(rows);
	return sbg_fit_result(fcinfo, cells, nrows, st->penalizer);
}

/* ---- predictions ------------------------------------------------------------ */

static inline int32
sbg_check_period(int32 t, int32 min, const char *what)
{
	if (t < min)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be at least %d, got %d", what, min, t)));
	return t;
}

/* sbg_survival(params, t): S(t), share of a new cohort active after t periods */
Datum
sbg_survival(PG_FUNCTION_ARGS)
{
	double		p[SBG_NPARAMS];
	int32		t = sbg_check_period(PG_GETARG_INT32(1), 0, "t");

	ClGenMemo  *m;
	double		key[1] = {t},
				v;

	SBG_PARAMS(0, p);
	/* values by t, kept for the call site's parameter set */
	m = cl_pred_memo(fcinfo, SBG_MEMO_SLOTS);
	if (!cl_genmemo_get(m, key, 1, &v))
	{
		v = exp(cl_sbg_log_survival(p[0], p[1], t));
		cl_genmemo_put(m, key, 1, v);
	}
	PG_RETURN_FLOAT8(v);
}

/* sbg_retention_rate(params, t): r(t) = S(t) / S(t - 1) */
Datum
sbg_retention_rate(PG_FUNCTION_ARGS)
{
	double		p[SBG_NPARAMS];
	int32		t = sbg_check_period(PG_GETARG_INT32(1), 1, "t");

	SBG_PARAMS(0, p);
	PG_RETURN_FLOAT8(cl_sbg_retention_rate(p[0], p[1], t));
}

/* sbg_churn_probability(params, t): P(T = t) for a new customer */
Datum
sbg_churn_probability(PG_FUNCTION_ARGS)
{
	double		p[SBG_NPARAMS];
	int32		t = sbg_check_period(PG_GETARG_INT32(1), 1, "t");

	ClGenMemo  *m;
	double		key[1] = {t},
				v;

	SBG_PARAMS(0, p);
	m = cl_pred_memo(fcinfo, SBG_MEMO_SLOTS);
	if (!cl_genmemo_get(m, key, 1, &v))
	{
		v = exp(cl_sbg_log_churn_pmf(p[0], p[1], t));
		cl_genmemo_put(m, key, 1, v);
	}
	PG_RETURN_FLOAT8(v);
}

/* sbg_derl(params, discount_rate, renewals) (Fader & Hardie 2010) */
Datum
sbg_derl(PG_FUNCTION_ARGS)
{
	double		p[SBG_NPARAMS];
	double		d = cl_check_positive(PG_GETARG_FLOAT8(1), "discount rate");
	int32		renewals = sbg_check_period(PG_GETARG_INT32(2), 0, "renewals");
	double		v;

	SBG_PARAMS(0, p);
	v = cl_sbg_derl(p[0], p[1], d, renewals);
	if (!isfinite(v))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("sBG DERL cannot be evaluated for alpha = %g, beta = %g, discount rate = %g",
						p[0], p[1], d)));
	PG_RETURN_FLOAT8(v);
}
