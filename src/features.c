/*
 * features.c
 *		fmgr glue of the features area: clientele.activity_gap(), the longest
 *		gap between activity days that ended within a window, computed from
 *		the unordered days one aggregation pass collected.
 */
#include "clientele.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "cl_features.h"

PG_FUNCTION_INFO_V1(clientele_activity_gap);

static int
features_date_cmp(const void *a, const void *b)
{
	DateADT		x = *(const DateADT *) a;
	DateADT		y = *(const DateADT *) b;

	return x < y ? -1 : (x > y ? 1 : 0);
}

/*
 * activity_gap(days date[], last_before date)
 *		-> (gap_days int, gap_started_on date, gap_ended_on date)
 */
Datum
clientele_activity_gap(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {true, true, true};
	bool		have_prev = false;
	DateADT		prev = 0;
	DateADT		best_from = 0;
	DateADT		best_to = 0;
	int32		best = -1;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "activity_gap must return a composite");
	tupdesc = BlessTupleDesc(tupdesc);

	if (!PG_ARGISNULL(1))
	{
		prev = cl_check_finite_date(PG_GETARG_DATEADT(1), "last_before");
		have_prev = true;
	}

	if (!PG_ARGISNULL(0))
	{
		ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
		Datum	   *elems;
		bool	   *enulls;
		int			nelems;
		DateADT    *days;
		int			n = 0;
		int			i;

		if (ARR_ELEMTYPE(arr) != DATEOID)
			elog(ERROR, "activity_gap expects a date array");
		deconstruct_array(arr, DATEOID, sizeof(DateADT), true, TYPALIGN_INT,
						  &elems, &enulls, &nelems);
		days = (DateADT *) palloc(sizeof(DateADT) * Max(nelems, 1));
		for (i = 0; i < nelems; i++)
		{
			if (enulls[i])
				continue;
			days[n++] = cl_check_finite_date(DatumGetDateADT(elems[i]), "activity day");
		}
		qsort(days, n, sizeof(DateADT), features_date_cmp);

		for (i = 0; i < n; i++)
		{
			DateADT		d = days[i];

			CHECK_FOR_INTERRUPTS();
			if (i > 0 && d == days[i - 1])
				continue;
			if (have_prev && d > prev)
			{
				int32		gap = d - prev;

				if (gap >= best)	/* the latest gap wins a tie */
				{
					best = gap;
					best_from = prev;
					best_to = d;
				}
			}
			if (!have_prev || d > prev)
				prev = d;
			have_prev = true;
		}
		pfree(days);
	}

	if (best >= 0)
	{
		values[0] = Int32GetDatum(best);
		values[1] = DateADTGetDatum(best_from);
		values[2] = DateADTGetDatum(best_to);
		nulls[0] = nulls[1] = nulls[2] = false;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* ----------------------------------------------------------------------
 * reading clientele.customer_features rows (cl_features.h)
 * ---------------------------------------------------------------------- */

void
cl_features_bind(ClFeaturesRow *r, FmgrInfo *flinfo, HeapTupleHeader th)
{
	Oid			tupType = HeapTupleHeaderGetTypeId(th);
	int32		tupTypmod = HeapTupleHeaderGetTypMod(th);

	if (r->desc == NULL || r->tupType != tupType || r->tupTypmod != tupTypmod)
	{
		MemoryContext old = MemoryContextSwitchTo(flinfo->fn_mcxt);
		TupleDesc	td;
		int			f,
					a;

		Assert(r->nfields <= CL_FEATURES_MAX_FIELDS);
		if (r->desc)
			FreeTupleDesc(r->desc);
		r->desc = NULL;
		td = lookup_rowtype_tupdesc_copy(tupType, tupTypmod);
		MemoryContextSwitchTo(old);
		for (f = 0; f < r->nfields; f++)
		{
			r->attno[f] = 0;
			for (a = 0; a < td->natts; a++)
			{
				Form_pg_attribute att = TupleDescAttr(td, a);

				if (!att->attisdropped && strcmp(NameStr(att->attname), r->names[f]) == 0)
				{
					r->attno[f] = a + 1;
					break;
				}
			}
			if (r->attno[f] == 0)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("features row has no column \"%s\"", r->names[f]),
						 errhint("Pass a row of clientele.customer_features.")));
		}
		r->desc = td;
		r->tupType = tupType;
		r->tupTypmod = tupTypmod;
	}
	r->tuple.t_len = HeapTupleHeaderGetDatumLength(th);
	ItemPointerSetInvalid(&r->tuple.t_self);
	r->tuple.t_tableOid = InvalidOid;
	r->tuple.t_data = th;
}

int
cl_features_count(ClFeaturesRow *r, int f)
{
	bool		isnull;
	Datum		d = cl_features_get(r, f, &isnull);

	if (isnull)
		return 0;
	if (DatumGetInt32(d) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("feature %s must not be negative, got %d", r->names[f], DatumGetInt32(d))));
	return DatumGetInt32(d);
}

DateADT
cl_features_date(ClFeaturesRow *r, int f, bool *isnull)
{
	Datum		d = cl_features_get(r, f, isnull);

	if (*isnull)
		return 0;
	return cl_check_finite_date(DatumGetDateADT(d), r->names[f]);
}
