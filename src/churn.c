/*
 * churn.c
 *		Per-customer pieces of clientele.churn_scores: the scorecard mapping
 *		and the score and reasons of a trained logistic model (maths in
 *		src/core/churn_core.c).  One call per customer, so they are C.
 */
#include "clientele.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"

#include "churn_core.h"

static double
numeric_arg_to_double(Datum d, const char *what)
{
	double		v = DatumGetFloat8(DirectFunctionCall1(numeric_float8, d));

	return cl_check_finite(v, what);
}

static Datum
double_to_numeric_round(double v, int scale)
{
	return DirectFunctionCall2(numeric_round, DirectFunctionCall1(float8_numeric, Float8GetDatum(v)),
							   Int32GetDatum(scale));
}

PG_FUNCTION_INFO_V1(clientele_churn_scorecard_score);

/* churn_scorecard_score(points numeric, scale numeric) = round(100 (1 - exp(-points/scale)), 2) */
Datum
clientele_churn_scorecard_score(PG_FUNCTION_ARGS)
{
	double		points = numeric_arg_to_double(PG_GETARG_DATUM(0), "points");
	double		scale = numeric_arg_to_double(PG_GETARG_DATUM(1), "scale");

	if (points < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("points must not be negative, got %g", points)));
	if (!(scale > 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scale must be greater than zero, got %g", scale)));
	PG_RETURN_DATUM(double_to_numeric_round(cl_churn_scorecard(points, scale), 2));
}

/* a one-dimensional float8 array without NULLs, of n elements (n < 0: any) */
static const double *
float8_vector(ArrayType *a, int n, const char *what, int *len)
{
	int			k = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	const double *v;
	int			i;

	if (ARR_NDIM(a) > 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional float8 array without NULLs", what)));
	if (n >= 0 && k != n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must have %d elements, got %d", what, n, k)));
	v = k > 0 ? (const double *) ARR_DATA_PTR(a) : NULL;
	for (i = 0; i < k; i++)
		if (isnan(v[i]) || isinf(v[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s[%d] must be a finite number, got %s", what, i + 1,
							isnan(v[i]) ? "NaN" : (v[i] > 0 ? "Infinity" : "-Infinity"))));
	*len = k;
	return v;
}

/* 4 decimals, never "-0.0000" */
static void
append_num4(StringInfo buf, double v)
{
	if (fabs(v) < 0.00005)
		v = 0.0;
	appendStringInfo(buf, "%.4f", v);
}

typedef struct ChurnModelCache
{
	TupleDesc	tupdesc;
	int			p;
	char	  **names;			/* JSON-escaped feature names */
	double	   *z;
	double	   *contrib;
	int		   *order;
} ChurnModelCache;

PG_FUNCTION_INFO_V1(clientele_churn_model_score);

/*
 * churn_model_score(coefficients, means, scales, features text[], x float8[])
 * -> (score numeric, reasons jsonb): score = round(100 P, 2), reasons = one
 * object per feature {"signal", "points" = coefficient x standardised value,
 * "evidence": {"value", "standardised", "coefficient"}}, largest first.
 */
Datum
clientele_churn_model_score(PG_FUNCTION_ARGS)
{
	ArrayType  *ca = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *ma = PG_GETARG_ARRAYTYPE_P(1);
	ArrayType  *sa = PG_GETARG_ARRAYTYPE_P(2);
	ArrayType  *fa = PG_GETARG_ARRAYTYPE_P(3);
	ArrayType  *xa = PG_GETARG_ARRAYTYPE_P(4);
	ChurnModelCache *cache = (ChurnModelCache *) fcinfo->flinfo->fn_extra;
	const double *coef,
			   *mean,
			   *scale,
			   *x;
	int			p,
				k,
				j;
	double		prob;
	StringInfoData buf;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	x = float8_vector(xa, -1, "x", &p);
	coef = float8_vector(ca, p + 1, "coefficients", &k);
	mean = float8_vector(ma, p, "means", &k);
	scale = float8_vector(sa, p, "scales", &k);
	for (j = 0; j < p; j++)
		if (!(scale[j] > 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("scales[%d] must be greater than zero, got %g", j + 1, scale[j])));

	/* feature names and work arrays: decoded once per call site and model size */
	if (cache == NULL || cache->p != p)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		Datum	   *names;
		bool	   *nn;
		int			nnames;

		cache = palloc0(sizeof(ChurnModelCache));
		cache->tupdesc = cl_call_result_desc(fcinfo);
		cache->p = p;
		cache->z = palloc(sizeof(double) * Max(p, 1));
		cache->contrib = palloc(sizeof(double) * Max(p, 1));
		cache->order = palloc(sizeof(int) * Max(p, 1));
		cache->names = palloc(sizeof(char *) * Max(p, 1));
		if (ARR_NDIM(fa) > 1 || ARR_ELEMTYPE(fa) != TEXTOID)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("features must be a one-dimensional text array")));
		deconstruct_array(fa, TEXTOID, -1, false, TYPALIGN_INT, &names, &nn, &nnames);
		if (nnames != p)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("features must have %d elements, got %d", p, nnames)));
		for (j = 0; j < p; j++)
		{
			StringInfoData e;

			if (nn[j])
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("features[%d] must not be NULL", j + 1)));
			initStringInfo(&e);
			escape_json(&e, TextDatumGetCString(names[j]));
			cache->names[j] = e.data;
		}
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = cache;
	}
	else if (ArrayGetNItems(ARR_NDIM(fa), ARR_DIMS(fa)) != p)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("features must have %d elements, got %d", p,
						ArrayGetNItems(ARR_NDIM(fa), ARR_DIMS(fa)))));

	prob = cl_churn_contributions(p, coef, mean, scale, x, cache->z, cache->contrib, cache->order);

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '[');
	for (k = 0; k < p; k++)
	{
		j = cache->order[k];
		if (k > 0)
			appendStringInfoString(&buf, ", ");
		appendStringInfo(&buf, "{\"signal\": %s, \"points\": ", cache->names[j]);
		append_num4(&buf, cache->contrib[j]);
		appendStringInfoString(&buf, ", \"evidence\": {\"value\": ");
		append_num4(&buf, x[j]);
		appendStringInfoString(&buf, ", \"standardised\": ");
		append_num4(&buf, cache->z[j]);
		appendStringInfoString(&buf, ", \"coefficient\": ");
		append_num4(&buf, coef[j + 1]);
		appendStringInfoString(&buf, "}}");
	}
	appendStringInfoChar(&buf, ']');

	values[0] = double_to_numeric_round(100.0 * prob, 2);
	values[1] = DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(cache->tupdesc, values, nulls)));
}

PG_FUNCTION_INFO_V1(clientele_churn_standardise);

/*
 * churn_standardise(x, means, scales): (x_i - means_i) / scales_i, the
 * standardised features of train_churn_model (one-dimensional arrays of the
 * same length without NULL, scales > 0).
 */
Datum
clientele_churn_standardise(PG_FUNCTION_ARGS)
{
	ArrayType  *xa = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *ma = PG_GETARG_ARRAYTYPE_P(1);
	ArrayType  *sa = PG_GETARG_ARRAYTYPE_P(2);
	int			n = ArrayGetNItems(ARR_NDIM(xa), ARR_DIMS(xa));
	const float8 *x,
			   *m,
			   *s;
	Datum	   *out;
	int			i;

	if (ARR_NDIM(xa) > 1 || ARR_NDIM(ma) > 1 || ARR_NDIM(sa) > 1 ||
		ARR_HASNULL(xa) || ARR_HASNULL(ma) || ARR_HASNULL(sa))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("x, means and scales must be one-dimensional arrays without NULL")));
	if (ArrayGetNItems(ARR_NDIM(ma), ARR_DIMS(ma)) != n || ArrayGetNItems(ARR_NDIM(sa), ARR_DIMS(sa)) != n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("x, means and scales must have the same length"),
				 errdetail("Got %d, %d and %d elements.", n, ArrayGetNItems(ARR_NDIM(ma), ARR_DIMS(ma)),
						   ArrayGetNItems(ARR_NDIM(sa), ARR_DIMS(sa)))));
	if (n == 0)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(FLOAT8OID));
	x = (const float8 *) ARR_DATA_PTR(xa);
	m = (const float8 *) ARR_DATA_PTR(ma);
	s = (const float8 *) ARR_DATA_PTR(sa);
	out = palloc(sizeof(Datum) * n);
	for (i = 0; i < n; i++)
	{
		double		z;

		if (!(s[i] > 0) || isinf(s[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("scales[%d] must be a finite number greater than zero, got %g", i + 1, s[i])));
		z = (x[i] - m[i]) / s[i];
		if (isnan(z) || isinf(z))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("standardised value %d is not a finite number", i + 1)));
		out[i] = Float8GetDatum(z);
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(out, n, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}
