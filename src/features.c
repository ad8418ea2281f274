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
