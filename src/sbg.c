/*
 * sbg.c
 *		fmgr glue of the shifted-beta-geometric contractual retention model:
 *		clientele.sbg_fit over a cohort's survivor curve (function) or over
 *		individuals (aggregate over (periods, churned)), and the predictions
 *		sbg_survival, sbg_retention_rate, sbg_churn_probability, sbg_derl.
 *
 * The maths is in src/core/sbg.c.
 */
#include "clientele.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/lsyscache.h"

#include "model_glue.h"
#include "sbg.h"

/* periods beyond this are rejected (the aggregate state is dense by period) */
#define SBG_MAX_PERIOD 1000000

#define SBG_NPARAMS 2

/* ---- result composite ----------------------------------------------------- */

/*
 * clientele.sbg_params: (alpha, beta, log_likelihood, n, converged,
 * iterations, se_alpha, se_beta)
 */
static Datum
sbg_result_datum(FunctionCallInfo fcinfo, const sbg_fit_result *fit, double n)
{
	Datum		values[8];
	bool		nulls[8] = {false};

	if (!fit->converged)
		ereport(WARNING,
				(errmsg("sbg_fit did not converge to an identified maximum"),
				 errdetail("The result has converged = false; alpha = %g, beta = %g, standard errors %g, %g after %d iterations.",
						   fit->alpha, fit->beta, fit->se_alpha, fit->se_beta, fit->iterations),
				 errhint("The data may lack churn, survival or heterogeneity; a penalizer keeps the parameters finite.")));
	values[0] = Float8GetDatum(fit->alpha);
	values[1] = Float8GetDatum(fit->beta);
	values[2] = Float8GetDatum(fit->log_likelihood);
	values[3] = Int64GetDatum((int64) n);
	values[4] = BoolGetDatum(fit->converged != 0);
	values[5] = Int32GetDatum(fit->iterations);
	values[6] = Float8GetDatum(fit->se_alpha);
	values[7] = Float8GetDatum(fit->se_beta);
	nulls[6] = isnan(fit->se_alpha);
	nulls[7] = isnan(fit->se_beta);
	return mg_form_result(fcinfo, values, nulls, 8);
}

/* the fit on cells, or NULL (with a NOTICE) when there are too few customers */
static Datum
sbg_fit_cells(FunctionCallInfo fcinfo, const sbg_cell *cells, size_t ncells,
			  double penalizer, bool *isnull)
{
	sbg_fit_result fit;
	double		n = sbg_customers(cells, ncells);

	if (n < SBG_NPARAMS)
	{
		ereport(NOTICE,
				(errmsg("sbg_fit needs at least %d customers, got %.0f; returning NULL",
						SBG_NPARAMS, n)));
		*isnull = true;
		return (Datum) 0;
	}
	if (sbg_fit(cells, ncells, penalizer, &fit) != 0)
		elog(ERROR, "sbg_fit: no customers after the check");
	*isnull = false;
	return sbg_result_datum(fcinfo, &fit, n);
}

/* ---- sbg_fit(survivors bigint[], penalizer float8) ------------------------ */

PG_FUNCTION_INFO_V1(clientele_sbg_fit_survivors);

/*
 * survivors[1] is the cohort size at period 0, survivors[k+1] the number
 * still active after k periods.  The curve must not increase.
 */
Datum
clientele_sbg_fit_survivors(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	double		penalizer = mg_check_penalizer(PG_GETARG_FLOAT8(1));
	Datum	   *elems;
	bool	   *enulls;
	int			nelems;
	sbg_cell   *cells;
	size_t		ncells = 0;
	Datum		result;
	bool		isnull;

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
				(errmsg("sbg_fit needs a survivor curve of at least 2 values (period 0 and 1), got %d; returning NULL",
						nelems)));
		PG_RETURN_NULL();
	}

	cells = palloc(sizeof(sbg_cell) * nelems);
	for (int t = 1; t < nelems; t++)
	{
		int64		lost = DatumGetInt64(elems[t - 1]) - DatumGetInt64(elems[t]);

		if (lost > 0)
		{
			cells[ncells].period = t;
			cells[ncells].churned = (double) lost;
			cells[ncells].alive = 0;
			ncells++;
		}
	}
	cells[ncells].period = nelems - 1;
	cells[ncells].churned = 0;
	cells[ncells].alive = (double) DatumGetInt64(elems[nelems - 1]);
	ncells++;

	result = sbg_fit_cells(fcinfo, cells, ncells, penalizer, &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/* ---- aggregate sbg_fit(periods int, churned bool [, penalizer]) ----------- */

/*
 * State: counts by period, dense (period 0 .. cap-1), in the aggregate
 * context.  churned[t]: churned in period t; alive[t]: active after t periods.
 */
typedef struct SbgAggState
{
	int32		cap;			/* allocated periods */
	int32		maxperiod;		/* highest period seen, -1 if none */
	double		penalizer;
	int64		n;				/* customers */
	int64	   *churned;
	int64	   *alive;
} SbgAggState;

static SbgAggState *
sbg_state_new(MemoryContext cxt, int32 cap, double penalizer)
{
	SbgAggState *st = MemoryContextAllocZero(cxt, sizeof(SbgAggState));

	st->cap = Max(cap, 16);
	st->maxperiod = -1;
	st->penalizer = penalizer;
	st->churned = MemoryContextAllocZero(cxt, sizeof(int64) * st->cap);
	st->alive = MemoryContextAllocZero(cxt, sizeof(int64) * st->cap);
	return st;
}

static void
sbg_state_grow(MemoryContext cxt, SbgAggState *st, int32 period)
{
	int32		newcap;
	int64	   *c,
			   *a;

	if (period < st->cap)
		return;
	newcap = st->cap;
	while (newcap <= period)
		newcap *= 2;
	newcap = Min(newcap, SBG_MAX_PERIOD + 1);
	c = MemoryContextAllocZero(cxt, sizeof(int64) * newcap);
	a = MemoryContextAllocZero(cxt, sizeof(int64) * newcap);
	memcpy(c, st->churned, sizeof(int64) * st->cap);
	memcpy(a, st->alive, sizeof(int64) * st->cap);
	pfree(st->churned);
	pfree(st->alive);
	st->churned = c;
	st->alive = a;
	st->cap = newcap;
}

static void
sbg_state_check_penalizer(SbgAggState *st, double penalizer)
{
	if (st->penalizer != penalizer)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("penalizer must be the same for every row of a group, got %g and %g",
						st->penalizer, penalizer)));
}

PG_FUNCTION_INFO_V1(clientele_sbg_accum);

/* transition: sbg_accum(state, periods, churned [, penalizer]); NULL rows are skipped */
Datum
clientele_sbg_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	SbgAggState *st = PG_ARGISNULL(0) ? NULL : (SbgAggState *) PG_GETARG_POINTER(0);
	int32		period;
	bool		churned;
	double		penalizer = 0.0;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "clientele_sbg_accum called in non-aggregate context");
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (st == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	period = PG_GETARG_INT32(1);
	churned = PG_GETARG_BOOL(2);
	if (PG_NARGS() > 3)
	{
		CL_ARG_NOT_NULL(3, "penalizer");
		penalizer = mg_check_penalizer(PG_GETARG_FLOAT8(3));
	}
	if (period < 0 || period > SBG_MAX_PERIOD)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("periods must be between 0 and %d, got %d", SBG_MAX_PERIOD, period)));
	if (churned && period < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a customer who churned must have periods >= 1, got %d", period),
				 errdetail("periods counts the periods the customer paid for; churn happens at the end of one.")));

	if (st == NULL)
		st = sbg_state_new(aggcxt, period + 1, penalizer);
	else
		sbg_state_check_penalizer(st, penalizer);
	sbg_state_grow(aggcxt, st, period);
	if (churned)
		st->churned[period]++;
	else
		st->alive[period]++;
	st->n++;
	st->maxperiod = Max(st->maxperiod, period);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(clientele_sbg_combine);

Datum
clientele_sbg_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	SbgAggState *a = PG_ARGISNULL(0) ? NULL : (SbgAggState *) PG_GETARG_POINTER(0);
	SbgAggState *b = PG_ARGISNULL(1) ? NULL : (SbgAggState *) PG_GETARG_POINTER(1);

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "clientele_sbg_combine called in non-aggregate context");
	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
	{
		a = sbg_state_new(aggcxt, b->maxperiod + 1, b->penalizer);
	}
	else
		sbg_state_check_penalizer(a, b->penalizer);
	if (b->maxperiod >= 0)
		sbg_state_grow(aggcxt, a, b->maxperiod);
	for (int32 t = 0; t <= b->maxperiod; t++)
	{
		a->churned[t] += b->churned[t];
		a->alive[t] += b->alive[t];
	}
	a->n += b->n;
	a->maxperiod = Max(a->maxperiod, b->maxperiod);
	PG_RETURN_POINTER(a);
}

/* serialized form: header, then (maxperiod + 1) pairs of int64 counts */
typedef struct SbgSerialHeader
{
	uint32		magic;
	int32		maxperiod;
	double		penalizer;
	int64		n;
} SbgSerialHeader;

#define SBG_SERIAL_MAGIC 0x53424731	/* "SBG1" */

PG_FUNCTION_INFO_V1(clientele_sbg_serialize);

Datum
clientele_sbg_serialize(PG_FUNCTION_ARGS)
{
	SbgAggState *st = (SbgAggState *) PG_GETARG_POINTER(0);
	SbgSerialHeader h;
	Size		npairs = (Size) (st->maxperiod + 1);
	Size		len = sizeof(h) + npairs * 2 * sizeof(int64);
	bytea	   *out = palloc(VARHDRSZ + len);
	char	   *p = VARDATA(out);

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "clientele_sbg_serialize called in non-aggregate context");
	SET_VARSIZE(out, VARHDRSZ + len);
	h.magic = SBG_SERIAL_MAGIC;
	h.maxperiod = st->maxperiod;
	h.penalizer = st->penalizer;
	h.n = st->n;
	memcpy(p, &h, sizeof(h));
	p += sizeof(h);
	memcpy(p, st->churned, npairs * sizeof(int64));
	p += npairs * sizeof(int64);
	memcpy(p, st->alive, npairs * sizeof(int64));
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(clientele_sbg_deserialize);

Datum
clientele_sbg_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	Size		len = VARSIZE_ANY_EXHDR(in);
	const char *p = VARDATA_ANY(in);
	SbgSerialHeader h;
	SbgAggState *st;
	Size		npairs;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "clientele_sbg_deserialize called in non-aggregate context");
	if (len < sizeof(h))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid sbg_fit state: %zu bytes, header needs %zu", len, sizeof(h))));
	memcpy(&h, p, sizeof(h));
	p += sizeof(h);
	if (h.magic != SBG_SERIAL_MAGIC || h.maxperiod < -1 || h.maxperiod > SBG_MAX_PERIOD)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid sbg_fit state header")));
	npairs = (Size) (h.maxperiod + 1);
	if (len != sizeof(h) + npairs * 2 * sizeof(int64))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid sbg_fit state: %zu bytes for %zu periods", len, npairs)));
	st = sbg_state_new(aggcxt, (int32) npairs, h.penalizer);
	st->maxperiod = h.maxperiod;
	st->n = h.n;
	memcpy(st->churned, p, npairs * sizeof(int64));
	p += npairs * sizeof(int64);
	memcpy(st->alive, p, npairs * sizeof(int64));
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(clientele_sbg_final);

Datum
clientele_sbg_final(PG_FUNCTION_ARGS)
{
	SbgAggState *st = PG_ARGISNULL(0) ? NULL : (SbgAggState *) PG_GETARG_POINTER(0);
	sbg_cell   *cells;
	size_t		ncells = 0;
	Datum		result;
	bool		isnull;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "clientele_sbg_final called in non-aggregate context");
	if (st == NULL || st->n == 0)
		PG_RETURN_NULL();
	cells = palloc(sizeof(sbg_cell) * (st->maxperiod + 1));
	for (int32 t = 0; t <= st->maxperiod; t++)
	{
		if (st->churned[t] == 0 && st->alive[t] == 0)
			continue;
		cells[ncells].period = t;
		cells[ncells].churned = (double) st->churned[t];
		cells[ncells].alive = (double) st->alive[t];
		ncells++;
	}
	result = sbg_fit_cells(fcinfo, cells, ncells, st->penalizer, &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/* ---- predictions ------------------------------------------------------------ */

/* alpha and beta of a clientele.sbg_params, checked */
static void
sbg_get_params(HeapTupleHeader params, double *alpha, double *beta)
{
	static const char *const names[SBG_NPARAMS] = {"alpha", "beta"};
	double		p[SBG_NPARAMS];

	mg_get_params(params, names, SBG_NPARAMS, p);
	*alpha = p[0];
	*beta = p[1];
}

static inline int32
sbg_check_period(int32 t, int32 min, const char *what)
{
	if (t < min)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be at least %d, got %d", what, min, t)));
	return t;
}

PG_FUNCTION_INFO_V1(clientele_sbg_survival);

/* S(t): share of a new cohort still active after t periods */
Datum
clientele_sbg_survival(PG_FUNCTION_ARGS)
{
	double		alpha,
				beta;
	int32		t = sbg_check_period(PG_GETARG_INT32(1), 0, "t");

	sbg_get_params(PG_GETARG_HEAPTUPLEHEADER(0), &alpha, &beta);
	PG_RETURN_FLOAT8(exp(sbg_log_survival(alpha, beta, t)));
}

PG_FUNCTION_INFO_V1(clientele_sbg_retention_rate);

/* r(t) = S(t) / S(t - 1) */
Datum
clientele_sbg_retention_rate(PG_FUNCTION_ARGS)
{
	double		alpha,
				beta;
	int32		t = sbg_check_period(PG_GETARG_INT32(1), 1, "t");

	sbg_get_params(PG_GETARG_HEAPTUPLEHEADER(0), &alpha, &beta);
	PG_RETURN_FLOAT8(sbg_retention_rate(alpha, beta, t));
}

PG_FUNCTION_INFO_V1(clientele_sbg_churn_probability);

/* P(T = t): probability that a new customer churns at the end of period t */
Datum
clientele_sbg_churn_probability(PG_FUNCTION_ARGS)
{
	double		alpha,
				beta;
	int32		t = sbg_check_period(PG_GETARG_INT32(1), 1, "t");

	sbg_get_params(PG_GETARG_HEAPTUPLEHEADER(0), &alpha, &beta);
	PG_RETURN_FLOAT8(exp(sbg_log_churn_pmf(alpha, beta, t)));
}

PG_FUNCTION_INFO_V1(clientele_sbg_derl);

/* discounted expected residual lifetime (Fader & Hardie 2010) */
Datum
clientele_sbg_derl(PG_FUNCTION_ARGS)
{
	double		alpha,
				beta;
	double		d = cl_check_positive(PG_GETARG_FLOAT8(1), "discount rate");
	int32		renewals = sbg_check_period(PG_GETARG_INT32(2), 0, "renewals");
	double		v;

	sbg_get_params(PG_GETARG_HEAPTUPLEHEADER(0), &alpha, &beta);
	v = sbg_derl(alpha, beta, d, renewals);
	if (!isfinite(v))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("sbg_derl could not be evaluated for alpha = %g, beta = %g, discount rate = %g, renewals = %d",
						alpha, beta, d, renewals)));
	PG_RETURN_FLOAT8(v);
}
