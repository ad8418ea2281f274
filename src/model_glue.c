/*
 * model_glue.c
 *		fmgr helpers shared by the Pareto/NBD and sBG glue; see model_glue.h.
 */
#include "model_glue.h"

#include "funcapi.h"
#include "utils/typcache.h"

void
mg_get_params(HeapTupleHeader params, const char *const *names, int n, double *out)
{
	for (int i = 0; i < n; i++)
	{
		bool		isnull;
		Datum		d = GetAttributeByName(params, names[i], &isnull);
		char		what[NAMEDATALEN + 16];

		if (isnull)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("parameter %s must not be NULL", names[i])));
		snprintf(what, sizeof(what), "parameter %s", names[i]);
		out[i] = cl_check_positive(DatumGetFloat8(d), what);
	}
}

Datum
mg_form_result(FunctionCallInfo fcinfo, Datum *values, bool *nulls, int n)
{
	TupleDesc	tupdesc;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	if (tupdesc->natts != n)
		elog(ERROR, "result type has %d attributes, expected %d", tupdesc->natts, n);
	tupdesc = BlessTupleDesc(tupdesc);
	return HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls));
}
