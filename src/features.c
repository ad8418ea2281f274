/*
 * features.c
 *		fmgr glue of the features area: clientele.activity_gap(), the longest
 *		gap between activity days that ended within a window, computed from
 *		the bitmap of activity days one (parallel) aggregation pass collected.
 */
#include "clientele.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/varbit.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "cl_features.h"

PG_FUNCTION_INFO_V1(clientele_activity_gap);

/*
 * activity_gap(days bit varying, first_day date, last_before date)
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

	if (!PG_ARGISNULL(2))
	{
		prev = cl_check_finite_date(PG_GETARG_DATEADT(2), "last_before");
		have_prev = true;
	}

	if (!PG_ARGISNULL(0))
	{
		VarBit	   *bits = PG_GETARG_VARBIT_P(0);
		int			n = VARBITLEN(bits);
		const bits8 *p = VARBITS(bits);
		DateADT		first;
		int			i;

		CL_ARG_NOT_NULL(1, "first_day");
		first = cl_check_finite_date(PG_GETARG_DATEADT(1), "first_day");
		if ((int64) first + n > (int64) DATEVAL_NOEND - 1)
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("activity window of %d days from first_day is out of range", n)));
		if (have_prev && prev >= first)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("last_before must be before first_day")));
		for (i = 0; i < n; i++)
		{
			DateADT		d;

			if ((i & 1023) == 0)
				CHECK_FOR_INTERRUPTS();
			if (!(p[i / BITS_PER_BYTE] & (0x80 >> (i % BITS_PER_BYTE))))
				continue;
			d = first + i;
			if (have_prev && d - prev >= best)	/* the latest gap wins a tie */
			{
				best = d - prev;
				best_from = prev;
				best_to = d;
			}
			prev = d;
			have_prev = true;
		}
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
