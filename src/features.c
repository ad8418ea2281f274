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
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/numeric.h"
#include "utils/rangetypes.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"
#include "utils/varbit.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "cl_features.h"
#include "features_core.h"
#include "value_core.h"

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
	int32		best_from = 0;
	int32		best_to = 0;
	int32		best = 0;
	bool		have_gap = false;

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
		have_gap = cl_act_longest_gap((const uint8_t *) p, n, first, have_prev, prev,
									 &best, &best_from, &best_to);
	}

	if (have_gap)
	{
		values[0] = Int32GetDatum(best);
		values[1] = DateADTGetDatum(best_from);
		values[2] = DateADTGetDatum(best_to);
		nulls[0] = nulls[1] = nulls[2] = false;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* ----------------------------------------------------------------------
 * activity_summary(ts timestamptz, customer_initiated boolean, as_of date):
 * one pass over a customer's transactions for every transaction-window
 * feature; state type clientele.activity_state (features_core.h)
 * ---------------------------------------------------------------------- */

#define ACT_STATE_VERSION 1			/* of the in-memory form */

/* features_core.h restates PostgreSQL's date and timestamp ranges */
StaticAssertDecl(CL_ACT_AS_OF_MIN == (DATETIME_MIN_JULIAN - POSTGRES_EPOCH_JDATE) + 400 &&
				 CL_ACT_AS_OF_END == (TIMESTAMP_END_JULIAN - POSTGRES_EPOCH_JDATE) - 2,
				 "activity_summary as_of range");
StaticAssertDecl(CL_ACT_TS_MIN == MIN_TIMESTAMP && CL_ACT_TS_END == END_TIMESTAMP,
				 "timestamp range");

typedef struct ActivityState
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	int32		version;
	ClActivity	a;
} ActivityState;

/* the windows of an as_of date, as clientele.customer_features draws them */
typedef struct ActWindows
{
	DateADT		as_of;
	DateADT		first_day;		/* as_of - 12 months + 1 day */
	int			ndays;			/* first_day .. as_of */
	TimestampTz ts_end;			/* start of the day after as_of */
	TimestampTz t3;				/* start of as_of - 3 months + 1 day */
	TimestampTz t6;
	TimestampTz t12;			/* start of first_day */
	bool		fixed_tz;		/* the session time zone has a fixed offset */
	int64		tz_offset;		/* its offset east of UTC, microseconds */
} ActWindows;

/*
 * first day of the 12 months and their number of days; as_of within
 * CL_ACT_AS_OF_MIN .. CL_ACT_AS_OF_END (cl_act_window: the date arithmetic
 * of (as_of - interval '12 months')::date + 1, in plain C)
 */
static void
act_days(DateADT as_of, DateADT *first_day, int *ndays)
{
	*ndays = cl_act_window(as_of, first_day);
	if (*ndays < 1 || *ndays > CL_ACT_MAX_DAYS)
		elog(ERROR, "12 months before %d have %d days", as_of, *ndays);
}

static TimestampTz
act_day_start(DateADT d)
{
	return DatumGetTimestampTz(DirectFunctionCall1(date_timestamptz, DateADTGetDatum(d)));
}

StaticAssertDecl(CL_ACT_AS_OF_MIN <= CL_DATE_ARG_MIN && CL_DATE_ARG_MAX < CL_ACT_AS_OF_END,
				 "the as_of range of an argument lies within the range of activity_summary's state");

static DateADT
act_check_as_of(FunctionCallInfo fcinfo, int argno)
{
	DateADT		as_of;

	CL_ARG_NOT_NULL(argno, "as_of");
	/* within the dates of an argument, so the 12 months and the day after too */
	as_of = cl_check_date_arg(PG_GETARG_DATEADT(argno), "as_of");
	return as_of;
}

/* the windows of as_of, cached per call site */
static const ActWindows *
act_windows(FunctionCallInfo fcinfo, DateADT as_of)
{
	ActWindows *w = (ActWindows *) fcinfo->flinfo->fn_extra;

	if (w == NULL || w->as_of != as_of)
	{
		long		gmtoff = 0;

		if (w == NULL)
			w = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(ActWindows));
		w->as_of = as_of;
		act_days(as_of, &w->first_day, &w->ndays);
		w->ts_end = act_day_start(as_of + 1);
		w->t3 = act_day_start(cl_act_months_before(as_of, 3) + 1);
		w->t6 = act_day_start(cl_act_months_before(as_of, 6) + 1);
		w->t12 = act_day_start(w->first_day);
		w->fixed_tz = pg_get_timezone_offset(session_timezone, &gmtoff);
		w->tz_offset = (int64) gmtoff * USECS_PER_SEC;
		fcinfo->flinfo->fn_extra = w;
	}
	return w;
}

/* ts::date in the session time zone; ts finite */
static inline DateADT
act_day_of(const ActWindows *w, TimestampTz ts)
{
	if (w->fixed_tz)
	{
		int64		local = ts + w->tz_offset;
		int64		d = local / USECS_PER_DAY;

		if (local % USECS_PER_DAY < 0)
			d--;
		return (DateADT) d;
	}
	return DatumGetDateADT(DirectFunctionCall1(timestamptz_date, TimestampTzGetDatum(ts)));
}

static ActivityState *
act_new(MemoryContext cxt, DateADT as_of)
{
	ActivityState *st = MemoryContextAllocZero(cxt, sizeof(ActivityState));

	SET_VARSIZE(st, sizeof(ActivityState));
	st->version = ACT_STATE_VERSION;
	cl_act_init(&st->a, as_of);
	return st;
}

static inline ActivityState *
DatumGetActivityState(Datum d)
{
	ActivityState *st = (ActivityState *) PG_DETOAST_DATUM(d);

	if (VARSIZE(st) != sizeof(ActivityState) || st->version != ACT_STATE_VERSION)
		elog(ERROR, "malformed clientele.activity_state value");
	return st;
}

static void
act_same_as_of(DateADT a, DateADT b)
{
	if (a != b)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("activity_summary as_of must be the same for every row of a group"),
				 errdetail("Got %s after %s.",
						   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(b))),
						   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(a))))));
}

/* an amount added to an exact sum (numeric's sum, with at most 18 decimals) */
static void
act_add_amount(ClDecSum *s, Datum d)
{
	Numeric		num = DatumGetNumeric(d);
	int64		cents = 0;
	__int128	value;
	int			scale;

	switch (cl_numeric_to_cents((const unsigned char *) VARDATA_ANY(num), VARSIZE_ANY_EXHDR(num), &cents))
	{
		case CL_NUM_NAN:
			cl_dec_add_special(s, CL_DEC_NAN);
			return;
		case CL_NUM_PINF:
			cl_dec_add_special(s, CL_DEC_PINF);
			return;
		case CL_NUM_NINF:
			cl_dec_add_special(s, CL_DEC_NINF);
			return;
		case CL_NUM_BAD:
			elog(ERROR, "malformed numeric value");
			break;
		case CL_NUM_OK:
		case CL_NUM_OVERFLOW:
			break;
	}
	scale = DatumGetInt32(DirectFunctionCall1(numeric_scale, NumericGetDatum(num)));
	if (scale > CL_DEC_MAX_SCALE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("transaction amount %s has more than %d decimals",
						DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(num))), CL_DEC_MAX_SCALE)));
	if (scale <= 2 && cl_numeric_to_cents((const unsigned char *) VARDATA_ANY(num), VARSIZE_ANY_EXHDR(num), &cents) == CL_NUM_OK)
	{
		/* exact: the amount has at most 2 decimals */
		int			k;

		value = cents;
		for (k = scale; k < 2; k++)
			value /= 10;
	}
	else
	{
		Datum		p = DirectFunctionCall2(numeric_power, NumericGetDatum(int64_to_numeric(10)),
										   NumericGetDatum(int64_to_numeric(scale)));

		/* numeric_int8 raises 22003 beyond the bigint range */
		value = DatumGetInt64(DirectFunctionCall1(numeric_int8,
												  DirectFunctionCall2(numeric_mul, NumericGetDatum(num), p)));
	}
	if (!cl_dec_add(s, value, scale))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("sum of transaction amounts out of range for activity_summary")));
}

static inline bool
act_text_is(FunctionCallInfo fcinfo, int argno, const char *what, int len)
{
	text	   *t;

	if (PG_ARGISNULL(argno))
		return false;
	t = PG_GETARG_TEXT_PP(argno);
	return VARSIZE_ANY_EXHDR(t) == (Size) len && memcmp(VARDATA_ANY(t), what, len) == 0;
}

PG_FUNCTION_INFO_V1(clientele_activity_trans);

/*
 * Transition (state, ts, customer_initiated, kind, direction,
 * counterparty_bank, amount, as_of): a customer-initiated transaction on or
 * before as_of is counted in its window (last 3 months, the 3 before, the 6
 * before those) and marks its day when it lies in the last 12 months; an
 * older one is only noted as the latest before the 12 months.  Outgoing
 * transfers (kind transfer, direction out) add their amount to the sums of
 * their window: customer-initiated ones in the last 3 months and the 3
 * before, those with a counterparty bank (any initiator) in the last 3
 * months.  Rows with a NULL ts or a ts after as_of only create the state.
 */
Datum
clientele_activity_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	ActivityState *st;
	DateADT		as_of;
	const ActWindows *w;
	TimestampTz ts;
	bool		ci;
	bool		transfer_out;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "activity_trans called in non-aggregate context");
	as_of = act_check_as_of(fcinfo, 7);
	w = act_windows(fcinfo, as_of);
	/*
	 * A new state is made in the per-row context: nodeAgg copies a returned
	 * new pointer into the aggregate's context (one made there would stay
	 * behind as a second copy of every group's state)
	 */
	if (PG_ARGISNULL(0))
		st = act_new(CurrentMemoryContext, as_of);
	else
	{
		st = DatumGetActivityState(PG_GETARG_DATUM(0));
		act_same_as_of(st->a.as_of, as_of);
	}
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(st);
	ts = PG_GETARG_TIMESTAMPTZ(1);
	if (ts >= w->ts_end)
		PG_RETURN_POINTER(st);
	ci = !PG_ARGISNULL(2) && PG_GETARG_BOOL(2);
	transfer_out = act_text_is(fcinfo, 3, "transfer", 8) && act_text_is(fcinfo, 4, "out", 3);
	if (ci)
	{
		if (ts >= w->t12)
		{
			int			i = act_day_of(w, ts) - w->first_day;
			int			win = ts >= w->t3 ? CL_ACT_LAST_3M : ts >= w->t6 ? CL_ACT_PREV_3M : CL_ACT_PREV_6M;

			if (i < 0 || i >= w->ndays)
				elog(ERROR, "transaction day outside the 12 months");
			if (unlikely(!cl_act_count(&st->a, win)))
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("too many transactions in one activity_summary group")));
			cl_act_set_day(&st->a, i);
			cl_act_note_ts(&st->a, ts, 0);
			if (transfer_out && !PG_ARGISNULL(6) && win != CL_ACT_PREV_6M)
				act_add_amount(&st->a.sum[win == CL_ACT_LAST_3M ? CL_ACT_TRANSFER_3M : CL_ACT_TRANSFER_PREV_3M],
							   PG_GETARG_DATUM(6));
		}
		else
			cl_act_note_ts(&st->a, ts, 1);
	}
	if (transfer_out && ts >= w->t3 && !PG_ARGISNULL(5) && !PG_ARGISNULL(6))
		act_add_amount(&st->a.sum[CL_ACT_OTHER_BANK_3M], PG_GETARG_DATUM(6));
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(clientele_activity_combine);

/* exact: counts add, days and flags join, latest timestamps are maxima */
Datum
clientele_activity_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	ActivityState *a;
	ActivityState *b;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "activity_combine called in non-aggregate context");
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = DatumGetActivityState(PG_GETARG_DATUM(1));
	/* b becomes the state: nodeAgg copies it into the aggregate's context */
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(b);
	a = DatumGetActivityState(PG_GETARG_DATUM(0));
	act_same_as_of(a->a.as_of, b->a.as_of);
	if (!cl_act_merge(&a->a, &b->a))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("too many transactions in one activity_summary group")));
	PG_RETURN_POINTER(a);
}

static int32
act_count(int64 n)
{
	if (n > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("more than %d transactions in one window", PG_INT32_MAX)));
	return (int32) n;
}

extern PGDLLEXPORT Datum clientele_activity_final(PG_FUNCTION_ARGS);

PG_FUNCTION_INFO_V1(clientele_activity_trans_zone);

/*
 * Transition of activity_summary(..., as_of, time_zone text): the one above
 * with calendar days taken in time_zone whatever the session TimeZone (the
 * same answer on every Citus node).  The state holds ts as the wall-clock
 * time of time_zone read in UTC, and the transition above runs in UTC: a day
 * boundary of UTC on wall-clock times is the day boundary of time_zone on
 * instants.  clientele_activity_final_zone finishes it in UTC as well.
 */
Datum
clientele_activity_trans_zone(PG_FUNCTION_ARGS)
{
	pg_tz	   *tz = cl_zone_arg(fcinfo, 8);
	const ActWindows *w = (const ActWindows *) fcinfo->flinfo->fn_extra;

	if (!PG_ARGISNULL(1))
		fcinfo->args[1].value = TimestampTzGetDatum(cl_local_time(PG_GETARG_TIMESTAMPTZ(1), tz));

	/*
	 * The transition reads the session time zone only to draw the windows of
	 * a new as_of (act_windows, kept in fn_extra, here always drawn in UTC):
	 * once they are drawn for this as_of, no zone switch is needed, whatever
	 * the session's zone.
	 */
	if (w != NULL && !PG_ARGISNULL(7) && w->as_of == PG_GETARG_DATEADT(7))
		return clientele_activity_trans(fcinfo);
	return cl_call_in_zone(clientele_activity_trans, fcinfo, cl_utc_zone());
}

PG_FUNCTION_INFO_V1(clientele_activity_final_zone);

/* final function of the time_zone form: wall-clock times read in UTC */
Datum
clientele_activity_final_zone(PG_FUNCTION_ARGS)
{
	return cl_call_in_zone(clientele_activity_final, fcinfo, cl_utc_zone());
}

PG_FUNCTION_INFO_V1(clientele_activity_final);

/*
 * The gaps of at least CL_ACT_GAP_MIN_DAYS days as daterange[]: each the
 * days without activity, [started + 1, ended) (canonical: ended, the day
 * of the transaction that ended the gap, is the exclusive upper bound)
 */
static Datum
act_gaps_array(int n, const int32 *started, const int32 *ended)
{
	TypeCacheEntry *typcache = lookup_type_cache(DATERANGEOID, TYPECACHE_RANGE_INFO);
	Datum		elems[CL_ACT_MAX_GAPS];
	int			i;

	Assert(n > 0 && n <= CL_ACT_MAX_GAPS);
	for (i = 0; i < n; i++)
	{
		RangeBound	lower,
					upper;

		lower.val = DateADTGetDatum(started[i] + 1);
		lower.infinite = false;
		lower.inclusive = true;
		lower.lower = true;
		upper.val = DateADTGetDatum(ended[i]);
		upper.infinite = false;
		upper.inclusive = false;
		upper.lower = false;
		elems[i] = RangeTypePGetDatum(make_range(typcache, &lower, &upper, false));
	}
	return PointerGetDatum(construct_array(elems, n, DATERANGEOID, -1, false, TYPALIGN_INT));
}

/*
 * -> clientele.activity_summary (last_txn_on, txn_3m, txn_prev_3m, txn_6m,
 * txn_prev_6m, gap_days, gap_started_on, gap_ended_on, transfer_out_3m,
 * transfer_out_prev_3m, other_bank_out_3m, gaps)
 */
Datum
clientele_activity_final(PG_FUNCTION_ARGS)
{
	ActivityState *st;
	TupleDesc	tupdesc;
	Datum		values[12];
	bool		nulls[12] = {false, false, false, false, false, true, true, true, true, true, true, true};
	int32		gap_started[CL_ACT_MAX_GAPS],
				gap_ended[CL_ACT_MAX_GAPS];
	int			ngaps;
	int			k;
	DateADT		first_day;
	int			ndays;
	int32		gap,
				started,
				ended;
	bool		has_before;
	DateADT		before = 0;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = DatumGetActivityState(PG_GETARG_DATUM(0));
	/* the result's descriptor, looked up once per call site */
	tupdesc = (TupleDesc) fcinfo->flinfo->fn_extra;
	if (tupdesc == NULL)
	{
		tupdesc = cl_call_result_desc(fcinfo);
		fcinfo->flinfo->fn_extra = tupdesc;
	}
	act_days(st->a.as_of, &first_day, &ndays);

	if (st->a.flags & CL_ACT_HAS_LAST)
		values[0] = DirectFunctionCall1(timestamptz_date, TimestampTzGetDatum(st->a.last_ts));
	else
		nulls[0] = true;
	values[1] = Int32GetDatum(act_count(st->a.n[CL_ACT_LAST_3M]));
	values[2] = Int32GetDatum(act_count(st->a.n[CL_ACT_PREV_3M]));
	values[3] = Int32GetDatum(act_count(st->a.n[CL_ACT_LAST_3M] + st->a.n[CL_ACT_PREV_3M]));
	values[4] = Int32GetDatum(act_count(st->a.n[CL_ACT_PREV_6M]));
	has_before = (st->a.flags & CL_ACT_HAS_BEFORE) != 0;
	if (has_before)
	{
		before = DatumGetDateADT(DirectFunctionCall1(timestamptz_date,
													 TimestampTzGetDatum(st->a.before_ts)));
		cl_check_finite_date(before, "the transaction before the 12 months");
		if (before >= first_day)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("activity_summary state was built in another time zone"),
					 errhint("Compute and finish the aggregate under one TimeZone setting.")));
	}
	if (cl_act_longest_gap(st->a.bits, ndays, first_day, has_before, before, &gap, &started, &ended))
	{
		values[5] = Int32GetDatum(gap);
		values[6] = DateADTGetDatum(started);
		values[7] = DateADTGetDatum(ended);
		nulls[5] = nulls[6] = nulls[7] = false;
		/* every gap that could last a calendar month (the longest among them) */
		if (gap >= CL_ACT_GAP_MIN_DAYS)
		{
			ngaps = cl_act_gaps(st->a.bits, ndays, first_day, has_before, before, gap_started, gap_ended);
			if (ngaps > 0)
			{
				values[11] = act_gaps_array(ngaps, gap_started, gap_ended);
				nulls[11] = false;
			}
		}
	}
	for (k = 0; k < CL_ACT_NSUMS; k++)
	{
		char		buf[64];

		if (st->a.sum[k].n == 0)
			continue;
		cl_dec_format(&st->a.sum[k], buf);
		values[8 + k] = DirectFunctionCall3(numeric_in, CStringGetDatum(buf),
											ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
		nulls[8 + k] = false;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* --- type I/O: binary form (send/recv), text form "act1:" + hex ------------ */

/* the binary form (cl_act_wire_encode) appended to buf */
static void
act_send_to(StringInfo buf, const ActivityState *st)
{
	unsigned char wire[CL_ACT_WIRE_SIZE];

	cl_act_wire_encode(&st->a, wire);
	pq_sendbytes(buf, (const char *) wire, CL_ACT_WIRE_SIZE);
}

/*
 * Reads the binary form and checks every invariant the aggregate keeps
 * (cl_act_wire_decode), so that a state typed in by hand is one the
 * aggregate could have built, or an error.
 */
static ActivityState *
act_recv_from(StringInfo buf)
{
	ActivityState *st = palloc0(sizeof(ActivityState));
	size_t		len = (size_t) (buf->len - buf->cursor);
	const char *bad;

	SET_VARSIZE(st, sizeof(ActivityState));
	st->version = ACT_STATE_VERSION;
	bad = cl_act_wire_decode((const unsigned char *) buf->data + buf->cursor, len, &st->a);
	if (bad)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid clientele.activity_state value"),
				 errdetail("%s", bad)));
	buf->cursor = buf->len;
	return st;
}

PG_FUNCTION_INFO_V1(clientele_activity_state_send);

Datum
clientele_activity_state_send(PG_FUNCTION_ARGS)
{
	ActivityState *st = DatumGetActivityState(PG_GETARG_DATUM(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	act_send_to(&buf, st);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(clientele_activity_state_recv);

Datum
clientele_activity_state_recv(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(act_recv_from((StringInfo) PG_GETARG_POINTER(0)));
}

PG_FUNCTION_INFO_V1(clientele_activity_state_out);

Datum
clientele_activity_state_out(PG_FUNCTION_ARGS)
{
	ActivityState *st = DatumGetActivityState(PG_GETARG_DATUM(0));
	StringInfoData bin;

	initStringInfo(&bin);
	act_send_to(&bin, st);
	PG_RETURN_CSTRING(cl_hex_text("act1:", (const unsigned char *) bin.data, (size_t) bin.len));
}

PG_FUNCTION_INFO_V1(clientele_activity_state_in);

Datum
clientele_activity_state_in(PG_FUNCTION_ARGS)
{
	StringInfoData buf;
	size_t		n;

	buf.data = cl_hex_parse(PG_GETARG_CSTRING(0), "act1:", "clientele.activity_state", &n);
	buf.len = (int) n;
	buf.maxlen = (int) Max(n, 1);
	buf.cursor = 0;
	PG_RETURN_POINTER(act_recv_from(&buf));
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
		if (r->values)
			pfree(r->values);
		if (r->isnull)
			pfree(r->isnull);
		r->desc = NULL;
		r->values = NULL;
		r->isnull = NULL;
		td = lookup_rowtype_tupdesc_copy(tupType, tupTypmod);
		r->values = palloc(Max(td->natts, 1) * sizeof(Datum));
		r->isnull = palloc(Max(td->natts, 1) * sizeof(bool));
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
	heap_deform_tuple(&r->tuple, r->desc, r->values, r->isnull);
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
