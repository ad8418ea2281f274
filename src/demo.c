/*
 * demo.c
 *		fmgr glue of the demo bank generator: one set-returning function per
 *		table, each generating the rows of a range of customer ids from the
 *		plain-C model in src/core/demo_gen.c.
 *
 * clientele.generate_demo_bank() (sql/demo.sql) loads their output with
 * INSERT ... SELECT.  A customer's rows depend only on (seed, as_of,
 * customer_id), so any batching gives the same bank.
 */
#include "clientele.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/date.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "demo_gen.h"
#include "demo_prng.h"

typedef enum DemoTable
{
	DT_CUSTOMER, DT_TRUTH, DT_ACCOUNT, DT_BALANCE, DT_TRANSACTION, DT_INTERACTION, DT_INCOME
} DemoTable;

static const int demo_natts[] = {11, 10, 7, 3, 10, 5, 6};

/* earliest and latest as_of: birth dates and 40-year tenures stay in range */
#define DEMO_MIN_AS_OF_YEAR 1950
#define DEMO_MAX_AS_OF_YEAR 2200

/* Text datums of a name list, built once per call. */
static Datum *
text_datums(const char *const *names, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * n);
	int			i;

	for (i = 0; i < n; i++)
		d[i] = PointerGetDatum(cstring_to_text(names[i]));
	return d;
}

static inline Datum
cents_datum(int64 cents)
{
#if PG_VERSION_NUM >= 150000
	return NumericGetDatum(int64_div_fast_to_numeric(cents, 2));
#else
	char		buf[32];

	snprintf(buf, sizeof(buf), "%s%lld.%02lld", cents < 0 ? "-" : "",
			 (long long) (cents < 0 ? -cents : cents) / 100,
			 (long long) (cents < 0 ? -cents : cents) % 100);
	return DirectFunctionCall3(numeric_in, CStringGetDatum(buf),
							   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
#endif
}

static inline Datum
date_datum(int32 day, bool *isnull)
{
	*isnull = (day == CL_NO_DATE);
	return DateADTGetDatum((DateADT) (*isnull ? 0 : day));
}

/* Checks the arguments shared by every generator function. */
static void
demo_check_args(int64 first_id, int64 last_id, DateADT as_of)
{
	int			y,
				m,
				d;

	if (first_id < 1 || last_id > CL_DEMO_MAX_CUSTOMER_ID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("customer ids must be between 1 and " INT64_FORMAT ", got " INT64_FORMAT " to " INT64_FORMAT,
						CL_DEMO_MAX_CUSTOMER_ID, first_id, last_id)));
	cl_check_finite_date(as_of, "as_of");
	cl_civil_from_days(as_of, &y, &m, &d);
	if (y < DEMO_MIN_AS_OF_YEAR || y > DEMO_MAX_AS_OF_YEAR)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of must be a date between %d-01-01 and %d-12-31, got %s",
						DEMO_MIN_AS_OF_YEAR, DEMO_MAX_AS_OF_YEAR,
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(as_of))))));
}

/*
 * The common body: set up materialize mode, then generate each customer of
 * [first_id, last_id] and append the rows of one table.
 */
static Datum
demo_rows(FunctionCallInfo fcinfo, DemoTable table)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	uint64		seed = (uint64) PG_GETARG_INT64(0);
	int64		first_id = PG_GETARG_INT64(1);
	int64		last_id = PG_GETARG_INT64(2);
	DateADT		as_of = PG_GETARG_DATEADT(3);
	TupleDesc	tupdesc;
	Tuplestorestate *store;
	MemoryContext oldcxt,
				rowcxt;
	ClDemoParams params;
	ClDemoCustomer *c;
	void	   *buf = NULL;
	Datum	   *t_persona,
			   *t_product,
			   *t_status,
			   *t_channel,
			   *t_kind,
			   *t_direction,
			   *t_interaction,
			   *t_ctype,
			   *t_region,
			   *t_acq,
			   *t_occupation,
			   *t_bank,
			   *t_detail;
	Datum		values[11];
	bool		nulls[11];
	int64		id;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) || (rsinfo->allowedModes & SFRM_Materialize) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	demo_check_args(first_id, last_id, as_of);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	if (tupdesc->natts != demo_natts[table])
		elog(ERROR, "demo generator returns %d columns, expected %d", tupdesc->natts, demo_natts[table]);

	oldcxt = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	tupdesc = CreateTupleDescCopy(tupdesc);
	store = tuplestore_begin_heap(true, false, work_mem);
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = store;
	rsinfo->setDesc = tupdesc;
	MemoryContextSwitchTo(oldcxt);

	t_persona = text_datums(cl_demo_persona_name, CL_P_COUNT);
	t_product = text_datums(cl_demo_product_name, CL_PR_COUNT);
	t_status = text_datums(cl_demo_status_name, 4);
	t_channel = text_datums(cl_demo_channel_name, CL_CH_COUNT);
	t_kind = text_datums(cl_demo_kind_name, CL_K_COUNT);
	t_direction = text_datums(cl_demo_direction_name, 3);
	t_interaction = text_datums(cl_demo_interaction_name, CL_I_COUNT);
	t_ctype = text_datums(cl_demo_customer_type_name, 3);
	t_region = text_datums(cl_demo_region_name, 5);
	t_acq = text_datums(cl_demo_acq_name, 5);
	t_occupation = text_datums(cl_demo_occupation_name, 14);
	t_bank = text_datums(cl_demo_bank_name, 6);
	t_detail = text_datums(cl_demo_detail_text, 12);

	cl_demo_params_init(&params, seed, (int32) as_of);
	c = palloc(sizeof(ClDemoCustomer));
	switch (table)
	{
		case DT_BALANCE:
			buf = palloc(sizeof(ClDemoBalance) * CL_DEMO_MAX_BALANCES);
			break;
		case DT_TRANSACTION:
			buf = palloc(sizeof(ClDemoTxn) * CL_DEMO_MAX_TXNS);
			break;
		case DT_INTERACTION:
			buf = palloc(sizeof(ClDemoInteraction) * CL_DEMO_MAX_INTERACTIONS);
			break;
		case DT_INCOME:
			buf = palloc(sizeof(ClDemoIncome) * (CL_DEMO_INCOME_MONTHS + 1));
			break;
		default:
			break;
	}
	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "clientele demo rows", ALLOCSET_DEFAULT_SIZES);

	for (id = first_id; id <= last_id; id++)
	{
		int			i,
					n;

		CHECK_FOR_INTERRUPTS();
		cl_demo_customer(&params, id, c);
		oldcxt = MemoryContextSwitchTo(rowcxt);
		memset(nulls, 0, sizeof(nulls));
		switch (table)
		{
			case DT_CUSTOMER:
				{
					char		s[64];

					values[0] = Int64GetDatum(id);
					values[1] = t_ctype[c->customer_type];
					snprintf(s, sizeof(s), "%s-%02d", cl_demo_region_name[c->region], c->branch);
					values[2] = PointerGetDatum(cstring_to_text(s));
					values[3] = t_region[c->region];
					if (c->rm)
					{
						snprintf(s, sizeof(s), "rm-%s-%02d-%d", cl_demo_region_name[c->region], c->branch, c->rm);
						values[4] = PointerGetDatum(cstring_to_text(s));
					}
					else
						nulls[4] = true;
					values[5] = t_acq[c->acq_channel];
					values[6] = Int64GetDatum(c->referrer_id);
					nulls[6] = c->referrer_id == 0;
					values[7] = date_datum(c->birth_date, &nulls[7]);
					values[8] = t_occupation[c->occupation];
					values[9] = DateADTGetDatum(c->opened_on);
					values[10] = date_datum(c->closed_on, &nulls[10]);
					tuplestore_putvalues(store, tupdesc, values, nulls);
					break;
				}
			case DT_TRUTH:
				values[0] = Int64GetDatum(id);
				values[1] = t_persona[c->persona];
				values[2] = date_datum(c->drift_started_on, &nulls[2]);
				if (c->trigger_on != CL_NO_DATE)
					values[3] = t_interaction[c->trigger_kind];
				else
					nulls[3] = true;
				values[4] = date_datum(c->trigger_on, &nulls[4]);
				values[5] = date_datum(c->churned_on, &nulls[5]);
				values[6] = date_datum(c->dormant_since, &nulls[6]);
				values[7] = date_datum(c->td_not_rolled_on, &nulls[7]);
				values[8] = cents_datum((int64) llround(c->wealth * 100.0));
				values[9] = Float8GetDatum(c->txn_rate);
				tuplestore_putvalues(store, tupdesc, values, nulls);
				break;
			case DT_ACCOUNT:
				for (i = 0; i < c->naccounts; i++)
				{
					ClDemoAccount *a = &c->acc[i];

					memset(nulls, 0, sizeof(nulls));
					values[0] = Int64GetDatum(a->account_id);
					values[1] = Int64GetDatum(id);
					values[2] = t_product[a->product];
					values[3] = DateADTGetDatum(a->opened_on);
					values[4] = date_datum(a->maturity_date, &nulls[4]);
					values[5] = date_datum(a->closed_on, &nulls[5]);
					values[6] = t_status[a->status];
					tuplestore_putvalues(store, tupdesc, values, nulls);
				}
				break;
			case DT_BALANCE:
				{
					ClDemoBalance *b = buf;

					n = cl_demo_balances(&params, c, b, CL_DEMO_MAX_BALANCES);
					for (i = 0; i < n; i++)
					{
						values[0] = Int64GetDatum(b[i].account_id);
						values[1] = DateADTGetDatum(b[i].day);
						values[2] = cents_datum(b[i].cents);
						tuplestore_putvalues(store, tupdesc, values, nulls);
					}
					break;
				}
			case DT_TRANSACTION:
				{
					ClDemoTxn  *t = buf;

					n = cl_demo_transactions(&params, c, t, CL_DEMO_MAX_TXNS);
					for (i = 0; i < n; i++)
					{
						memset(nulls, 0, sizeof(nulls));
						values[0] = Int64GetDatum(t[i].txn_id);
						values[1] = Int64GetDatum(id);
						values[2] = Int64GetDatum(t[i].account_id);
						nulls[2] = t[i].account_id == 0;
						values[3] = TimestampTzGetDatum((TimestampTz) t[i].ts);
						values[4] = cents_datum(t[i].cents);
						values[5] = t_direction[t[i].direction];
						values[6] = t_channel[t[i].channel];
						values[7] = t_kind[t[i].kind];
						if (t[i].bank >= 0)
							values[8] = t_bank[t[i].bank];
						else
							nulls[8] = true;
						values[9] = BoolGetDatum(t[i].customer_initiated != 0);
						tuplestore_putvalues(store, tupdesc, values, nulls);
					}
					break;
				}
			case DT_INTERACTION:
				{
					ClDemoInteraction *it = buf;

					n = cl_demo_interactions(&params, c, it, CL_DEMO_MAX_INTERACTIONS);
					for (i = 0; i < n; i++)
					{
						memset(nulls, 0, sizeof(nulls));
						values[0] = Int64GetDatum(it[i].interaction_id);
						values[1] = Int64GetDatum(id);
						values[2] = TimestampTzGetDatum((TimestampTz) it[i].ts);
						values[3] = t_interaction[it[i].kind];
						if (it[i].kind == CL_I_SATISFACTION_SURVEY)
						{
							char		s[16];

							snprintf(s, sizeof(s), "score=%d", it[i].score);
							values[4] = PointerGetDatum(cstring_to_text(s));
						}
						else if (it[i].kind == CL_I_REFERRAL)
						{
							char		s[48];

							snprintf(s, sizeof(s), "referred by " INT64_FORMAT, c->referrer_id);
							values[4] = PointerGetDatum(cstring_to_text(s));
						}
						else if (it[i].detail >= 0)
							values[4] = t_detail[it[i].detail];
						else
							nulls[4] = true;
						tuplestore_putvalues(store, tupdesc, values, nulls);
					}
					break;
				}
			case DT_INCOME:
				{
					ClDemoIncome *in = buf;

					n = cl_demo_income(&params, c, in, CL_DEMO_INCOME_MONTHS + 1);
					for (i = 0; i < n; i++)
					{
						values[0] = Int64GetDatum(id);
						values[1] = DateADTGetDatum(in[i].month);
						values[2] = cents_datum(in[i].ftp_cents);
						values[3] = cents_datum(in[i].fee_cents);
						values[4] = cents_datum(in[i].loan_interest_cents);
						values[5] = cents_datum(in[i].cost_cents);
						tuplestore_putvalues(store, tupdesc, values, nulls);
					}
					break;
				}
		}
		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(rowcxt);
	}
	MemoryContextDelete(rowcxt);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(clientele_demo_customers);
Datum
clientele_demo_customers(PG_FUNCTION_ARGS)
{
	return demo_rows(fcinfo, DT_CUSTOMER);
}

PG_FUNCTION_INFO_V1(clientele_demo_truth);
Datum
clientele_demo_truth(PG_FUNCTION_ARGS)
{
	return demo_rows(fcinfo, DT_TRUTH);
}

PG_FUNCTION_INFO_V1(clientele_demo_accounts);
Datum
clientele_demo_accounts(PG_FUNCTION_ARGS)
{
	return demo_rows(fcinfo, DT_ACCOUNT);
}

PG_FUNCTION_INFO_V1(clientele_demo_balances);
Datum
clientele_demo_balances(PG_FUNCTION_ARGS)
{
	return demo_rows(fcinfo, DT_BALANCE);
}

PG_FUNCTION_INFO_V1(clientele_demo_transactions);
Datum
clientele_demo_transactions(PG_FUNCTION_ARGS)
{
	return demo_rows(fcinfo, DT_TRANSACTION);
}

PG_FUNCTION_INFO_V1(clientele_demo_interactions);
Datum
clientele_demo_interactions(PG_FUNCTION_ARGS)
{
	return demo_rows(fcinfo, DT_INTERACTION);
}

PG_FUNCTION_INFO_V1(clientele_demo_income);
Datum
clientele_demo_income(PG_FUNCTION_ARGS)
{
	return demo_rows(fcinfo, DT_INCOME);
}
