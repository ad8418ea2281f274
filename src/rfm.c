/*
 * rfm.c
 *		The per-customer transaction summary clientele.rfm_summary(ts, amount,
 *		as_of [, unit]) and RFM segment lookup clientele.rfm_segment().
 *
 * The aggregate's state is the base type clientele.rfm_state: a varlena with
 * the group's constants (as_of, unit), exact 128-bit fixed-point amount sums
 * (total, and the amount of the earliest purchase day), first and last day,
 * and the set of purchase days (calendar days, int32).  Days are appended
 * unsorted, skipping a repeat of the last day appended, and sorted and
 * de-duplicated whenever the buffer fills; states merge exactly (set union of
 * days, integer sums), so serial, parallel and distributed plans agree bit
 * for bit.  The transition function updates the state in place (it belongs
 * to the aggregate: AggCheckCallContext) and only allocates when it grows.
 */
#include "clientele.h"

#include "access/htup_details.h"
#include "common/int.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "pgtime.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

#include "config_cache.h"
#include "rfm_core.h"

#define RFM_STATE_VERSION 1

/* RfmState.kind: which SQL type ts and as_of had */
#define RFM_KIND_DATE 1
#define RFM_KIND_TIMESTAMPTZ 2

/* RfmState.flags */
#define RFM_FLAG_SORTED 0x01	/* days[0..ndays) strictly increasing */

/*
 * Capacities fill power-of-two allocations exactly (palloc rounds small
 * requests up to a power of two): 10 days in 128 bytes, 42 in 256, ...
 */
#define RFM_INITIAL_CAP ((int) ((128 - offsetof(RfmState, days)) / sizeof(RfmDayKey)))

/* days are stored as keys day - (as_of_day - RFM_DAY_SPAN) */
#define RFM_DAY_SPAN 65535

typedef struct RfmState
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint8		version;
	uint8		kind;
	uint8		flags;
	uint8		pad;
	int64		as_of_raw;		/* as_of as given (DateADT or TimestampTz) */
	double		unit_days;		/* unit, in days */
	int64		nrows;			/* rows counted (on or before the as_of day) */
	uint64		total_lo;		/* sum of all counted amounts (fixed point) */
	int64		total_hi;
	uint64		first_lo;		/* sum of the amounts of the first day */
	int64		first_hi;
	int32		as_of_day;		/* calendar day of as_of */
	int32		first_day;		/* earliest purchase day (if ndays > 0) */
	int32		last_day;		/* latest purchase day (if ndays > 0) */
	int32		ndays;			/* entries used in days[] */
	int32		cap;			/* entries allocated in days[] */
	int32		pad2;
	RfmDayKey	days[FLEXIBLE_ARRAY_MEMBER];	/* purchase-day keys */
} RfmState;

#define RFM_STATE_SIZE(cap) (offsetof(RfmState, days) + sizeof(RfmDayKey) * (Size) (cap))

/* the next capacity: the state doubles its allocation */
static inline int
rfm_next_cap(int cap)
{
	Size		bytes = 128;

	while (bytes < RFM_STATE_SIZE(cap))
		bytes *= 2;
	return (int) ((bytes * 2 - offsetof(RfmState, days)) / sizeof(RfmDayKey));
}
/* at most 65536 distinct keys; compaction keeps the buffer below 4/3 of that */
#define RFM_MAX_CAP (1 << 18)

/* detoast only when needed: the transition value is almost always plain */
static inline RfmState *
DatumGetRfmState(Datum d)
{
	struct varlena *p = (struct varlena *) DatumGetPointer(d);

	if (unlikely(VARATT_IS_EXTENDED(p)))
		p = pg_detoast_datum(p);
	return (RfmState *) p;
}

/* ---------------------------------------------------------------------------
 * argument checks
 * ------------------------------------------------------------------------- */

static inline double
rfm_check_unit(Interval *unit)
{
	double		days;

#ifdef INTERVAL_NOT_FINITE
	if (INTERVAL_NOT_FINITE(unit))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unit must be a finite interval")));
#endif
	days = (double) unit->month * DAYS_PER_MONTH + (double) unit->day
		+ (double) unit->time / (double) USECS_PER_DAY;
	if (!(days > 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unit must be a positive interval, got %s",
						DatumGetCString(DirectFunctionCall1(interval_out,
															IntervalPGetDatum(unit)))),
				 errhint("Use '1 day' for days, '7 days' for weeks.")));
	return days;
}

static inline void
rfm_check_amount(double amount)
{
	if (isnan(amount) || isinf(amount))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("amount must be a finite number, got %s",
						isnan(amount) ? "NaN" : (amount > 0 ? "Infinity" : "-Infinity"))));
}

/* ---------------------------------------------------------------------------
 * calendar days
 * ------------------------------------------------------------------------- */

/* per-call cache: whether the session time zone has a fixed UTC offset */
typedef struct RfmTzCache
{
	bool		fixed;
	int64		offset_usecs;	/* east of UTC */
} RfmTzCache;

static RfmTzCache *
rfm_tz_cache(FunctionCallInfo fcinfo)
{
	RfmTzCache *c = (RfmTzCache *) fcinfo->flinfo->fn_extra;

	if (c == NULL)
	{
		long		gmtoff = 0;

		c = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(RfmTzCache));
		c->fixed = pg_get_timezone_offset(session_timezone, &gmtoff);
		c->offset_usecs = (int64) gmtoff * USECS_PER_SEC;
		fcinfo->flinfo->fn_extra = c;
	}
	return c;
}

/* calendar day (days since 2000-01-01) of a timestamptz in the session TimeZone */
static inline int32
rfm_tstz_day(RfmTzCache *tzc, TimestampTz ts, const char *what)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;

	if (TIMESTAMP_NOT_FINITE(ts))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite timestamp, got %s", what,
						TIMESTAMP_IS_NOBEGIN(ts) ? "-infinity" : "infinity")));
	if (tzc->fixed)
	{
		int64		local = ts + tzc->offset_usecs;
		int64		d = local / USECS_PER_DAY;

		if (local % USECS_PER_DAY < 0)
			d--;
		return (int32) d;
	}
	if (timestamp2tm(ts, &tz, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s is out of range", what)));
	return date2j(tm.tm_year, tm.tm_mon, tm.tm_mday) - POSTGRES_EPOCH_JDATE;
}

/* ---------------------------------------------------------------------------
 * state helpers
 * ------------------------------------------------------------------------- */

static RfmState *
rfm_state_new(int kind, int64 as_of_raw, int32 as_of_day, double unit_days, int cap)
{
	RfmState   *s = palloc0(RFM_STATE_SIZE(cap));

	SET_VARSIZE(s, RFM_STATE_SIZE(cap));
	s->version = RFM_STATE_VERSION;
	s->kind = (uint8) kind;
	s->flags = RFM_FLAG_SORTED;
	s->as_of_raw = as_of_raw;
	s->as_of_day = as_of_day;
	s->unit_days = unit_days;
	s->cap = cap;
	return s;
}

/* a copy of s with room for cap days (cap >= s->ndays), in CurrentMemoryContext */
static RfmState *
rfm_state_resize(const RfmState *s, int cap)
{
	RfmState   *n;

	if (cap > RFM_MAX_CAP)
		elog(ERROR, "rfm_summary state capacity %d exceeds %d", cap, RFM_MAX_CAP);
	n = palloc(RFM_STATE_SIZE(cap));
	memcpy(n, s, RFM_STATE_SIZE(s->ndays));
	SET_VARSIZE(n, RFM_STATE_SIZE(cap));
	n->cap = cap;
	return n;
}

static void
rfm_check_same_group(const RfmState *s, int kind, int64 as_of_raw, double unit_days)
{
	if (s->kind != kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine rfm_summary states of date and timestamptz inputs")));
	if (s->as_of_raw != as_of_raw)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of must be the same for every row of a group"),
				 errdetail("Found %s and %s.",
						   kind == RFM_KIND_DATE
						   ? DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum((DateADT) s->as_of_raw)))
						   : DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(s->as_of_raw))),
						   kind == RFM_KIND_DATE
						   ? DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum((DateADT) as_of_raw)))
						   : DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(as_of_raw)))),
				 errhint("Pass a constant, e.g. a literal or a query parameter.")));
	if (s->unit_days != unit_days)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unit must be the same for every row of a group"),
				 errdetail("Found %g and %g days.", s->unit_days, unit_days)));
}

static void
rfm_fixed_accumulate(uint64 *lo, int64 *hi, RfmFixed v)
{
	RfmFixed	acc = rfm_fixed_join(*lo, *hi);

	if (!rfm_fixed_add(&acc, v))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("rfm_summary amount total is out of range")));
	rfm_fixed_split(acc, lo, hi);
}

/*
 * Add one purchase day with its amount; returns the state (a new pointer,
 * in CurrentMemoryContext, when it had to grow).
 */
static RfmState *
rfm_state_add(RfmState *s, int32 day, RfmFixed amount)
{
	RfmDayKey	key;

	/* callers pass day <= as_of_day */
	if (day < s->as_of_day - RFM_DAY_SPAN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("purchase day %s is more than %d days before as_of",
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum((DateADT) day))),
						RFM_DAY_SPAN),
				 errhint("rfm_summary covers at most 179 years of purchases before as_of; filter out older rows.")));
	key = (RfmDayKey) (day - (s->as_of_day - RFM_DAY_SPAN));
	if (pg_add_s64_overflow(s->nrows, 1, &s->nrows))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("rfm_summary transaction count is out of range")));
	rfm_fixed_accumulate(&s->total_lo, &s->total_hi, amount);
	if (s->ndays == 0)
	{
		s->first_day = s->last_day = day;
		rfm_fixed_split(amount, &s->first_lo, &s->first_hi);
		s->days[s->ndays++] = key;
		return s;
	}
	if (day < s->first_day)
	{
		s->first_day = day;
		rfm_fixed_split(amount, &s->first_lo, &s->first_hi);
	}
	else if (day == s->first_day)
		rfm_fixed_accumulate(&s->first_lo, &s->first_hi, amount);
	if (day > s->last_day)
		s->last_day = day;

	/* same day as the last one appended: nothing to record */
	if (s->days[s->ndays - 1] == key)
		return s;
	if (s->ndays == s->cap)
	{
		if (!(s->flags & RFM_FLAG_SORTED))
		{
			s->ndays = rfm_days_sort_unique(s->days, s->ndays);
			s->flags |= RFM_FLAG_SORTED;
		}
		/* grow unless compaction freed at least a quarter */
		if (s->ndays > s->cap - s->cap / 4)
			s = rfm_state_resize(s, rfm_next_cap(s->cap));
	}
	if (key <= s->days[s->ndays - 1])
		s->flags &= ~RFM_FLAG_SORTED;
	s->days[s->ndays++] = key;
	return s;
}

/* the sorted, de-duplicated days of s: s->days itself, or a palloc'd copy */
static const RfmDayKey *
rfm_state_sorted_days(const RfmState *s, int *n)
{
	RfmDayKey *d;

	if (s->flags & RFM_FLAG_SORTED)
	{
		*n = s->ndays;
		return s->days;
	}
	d = palloc(sizeof(RfmDayKey) * Max(s->ndays, 1));
	memcpy(d, s->days, sizeof(RfmDayKey) * s->ndays);
	*n = rfm_days_sort_unique(d, s->ndays);
	return d;
}

/* ---------------------------------------------------------------------------
 * transition functions
 * ------------------------------------------------------------------------- */

static Datum
rfm_trans_common(FunctionCallInfo fcinfo, int kind)
{
	RfmState   *s = PG_ARGISNULL(0) ? NULL : DatumGetRfmState(PG_GETARG_DATUM(0));
	int64		as_of_raw;
	int32		as_of_day;
	int32		day;
	double		unit_days = 1.0;
	double		amount;
	RfmFixed	famount = 0;
	RfmTzCache *tzc = NULL;

	(void) cl_agg_context(fcinfo);

	/* rows without a timestamp are skipped */
	if (PG_ARGISNULL(1))
	{
		if (s == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s);
	}
	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of must not be NULL")));
	if (PG_NARGS() > 4)
	{
		if (PG_ARGISNULL(4))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unit must not be NULL")));
		if (s == NULL)
			unit_days = rfm_check_unit(PG_GETARG_INTERVAL_P(4));
		else
		{
			Interval   *u = PG_GETARG_INTERVAL_P(4);

			/* cheap path: the unit is the group's constant */
			unit_days = (double) u->month * DAYS_PER_MONTH + (double) u->day
				+ (double) u->time / (double) USECS_PER_DAY;
			if (unit_days != s->unit_days)
				unit_days = rfm_check_unit(u);
		}
	}

	if (kind == RFM_KIND_TIMESTAMPTZ)
	{
		tzc = rfm_tz_cache(fcinfo);
		as_of_raw = PG_GETARG_TIMESTAMPTZ(3);
	}
	else
		as_of_raw = PG_GETARG_DATEADT(3);

	if (s == NULL)
	{
		as_of_day = kind == RFM_KIND_TIMESTAMPTZ
			? rfm_tstz_day(tzc, (TimestampTz) as_of_raw, "as_of")
			: (int32) cl_check_finite_date((DateADT) as_of_raw, "as_of");
		s = rfm_state_new(kind, as_of_raw, as_of_day, unit_days, RFM_INITIAL_CAP);
	}
	else if (s->as_of_raw != as_of_raw || s->unit_days != unit_days)
		rfm_check_same_group(s, kind, as_of_raw, unit_days);

	if (!PG_ARGISNULL(2))
	{
		amount = PG_GETARG_FLOAT8(2);
		if (!rfm_fixed_from_double(amount, &famount))
		{
			rfm_check_amount(amount);
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("amount %g is out of range for rfm_summary", amount)));
		}
	}

	day = kind == RFM_KIND_TIMESTAMPTZ
		? rfm_tstz_day(tzc, PG_GETARG_TIMESTAMPTZ(1), "ts")
		: (int32) cl_check_finite_date(PG_GETARG_DATEADT(1), "ts");

	/* purchases after the as_of day are ignored */
	if (day <= s->as_of_day)
		s = rfm_state_add(s, day, famount);
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(clientele_rfm_trans_tstz);

/* rfm_state_trans(state, ts timestamptz, amount float8, as_of timestamptz [, unit interval]) */
Datum
clientele_rfm_trans_tstz(PG_FUNCTION_ARGS)
{
	return rfm_trans_common(fcinfo, RFM_KIND_TIMESTAMPTZ);
}

PG_FUNCTION_INFO_V1(clientele_rfm_trans_date);

/* rfm_state_trans(state, ts date, amount float8, as_of date [, unit interval]) */
Datum
clientele_rfm_trans_date(PG_FUNCTION_ARGS)
{
	return rfm_trans_common(fcinfo, RFM_KIND_DATE);
}

PG_FUNCTION_INFO_V1(clientele_rfm_combine);

/*
 * Merge two partial states exactly: union of days, integer sums.  state1
 * belongs to the aggregate and is updated in place when it has room.
 */
Datum
clientele_rfm_combine(PG_FUNCTION_ARGS)
{
	RfmState   *a;
	RfmState   *b;
	RfmState   *r;
	const RfmDayKey *da;
	const RfmDayKey *db;
	int			na,
				nb;

	(void) cl_agg_context(fcinfo);
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = DatumGetRfmState(PG_GETARG_DATUM(1));
	if (PG_ARGISNULL(0))
	{
		/* a private copy with a normal header, updatable in place later */
		r = rfm_state_resize(b, Max(b->ndays, RFM_INITIAL_CAP));
		PG_RETURN_POINTER(r);
	}
	a = DatumGetRfmState(PG_GETARG_DATUM(0));
	rfm_check_same_group(a, b->kind, b->as_of_raw, b->unit_days);

	if (b->ndays == 0)
		PG_RETURN_POINTER(a);
	if (a->ndays == 0)
	{
		r = rfm_state_resize(b, Max(b->ndays, RFM_INITIAL_CAP));
		PG_RETURN_POINTER(r);
	}

	/* amounts and bounds */
	if (pg_add_s64_overflow(a->nrows, b->nrows, &a->nrows))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("rfm_summary transaction count is out of range")));
	rfm_fixed_accumulate(&a->total_lo, &a->total_hi, rfm_fixed_join(b->total_lo, b->total_hi));
	if (b->first_day < a->first_day)
	{
		a->first_day = b->first_day;
		a->first_lo = b->first_lo;
		a->first_hi = b->first_hi;
	}
	else if (b->first_day == a->first_day)
		rfm_fixed_accumulate(&a->first_lo, &a->first_hi, rfm_fixed_join(b->first_lo, b->first_hi));
	if (b->last_day > a->last_day)
		a->last_day = b->last_day;

	/* days: sorted merge into a new buffer (rows of one group rarely split) */
	da = rfm_state_sorted_days(a, &na);
	db = rfm_state_sorted_days(b, &nb);
	r = rfm_state_new(a->kind, a->as_of_raw, a->as_of_day, a->unit_days,
					  Max(na + nb, RFM_INITIAL_CAP));
	memcpy(r, a, offsetof(RfmState, days));
	SET_VARSIZE(r, RFM_STATE_SIZE(Max(na + nb, RFM_INITIAL_CAP)));
	r->cap = Max(na + nb, RFM_INITIAL_CAP);
	r->ndays = rfm_days_merge(da, na, db, nb, r->days);
	r->flags |= RFM_FLAG_SORTED;
	PG_RETURN_POINTER(r);
}

/* ---------------------------------------------------------------------------
 * final function
 * ------------------------------------------------------------------------- */

#define RFM_SUMMARY_NATTS 11

PG_FUNCTION_INFO_V1(clientele_rfm_final);

/*
 * The summary: frequency, recency, t, monetary, first_at, last_at, periods,
 * total_amount, days_since_last, transactions, as_of.  NULL without any
 * purchase on or before the as_of day.
 */
Datum
clientele_rfm_final(PG_FUNCTION_ARGS)
{
	RfmState   *s;
	TupleDesc	tupdesc;
	Datum		values[RFM_SUMMARY_NATTS];
	bool		nulls[RFM_SUMMARY_NATTS];
	int			ndays;
	int			frequency;
	double		total,
				unit;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = DatumGetRfmState(PG_GETARG_DATUM(0));
	if (s->ndays == 0)
		PG_RETURN_NULL();

	tupdesc = (TupleDesc) fcinfo->flinfo->fn_extra;
	if (tupdesc == NULL)
	{
		MemoryContext old;
		TupleDesc	td;

		if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "rfm_summary final function must return a composite type");
		if (td->natts != RFM_SUMMARY_NATTS)
			elog(ERROR, "clientele.rfm_summary has %d columns, expected %d",
				 td->natts, RFM_SUMMARY_NATTS);
		old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		tupdesc = BlessTupleDesc(CreateTupleDescCopy(td));
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = tupdesc;
	}

	if (s->flags & RFM_FLAG_SORTED)
		ndays = s->ndays;
	else
		(void) rfm_state_sorted_days(s, &ndays);

	frequency = ndays - 1;
	unit = s->unit_days;
	total = rfm_fixed_to_double(rfm_fixed_join(s->total_lo, s->total_hi));

	memset(nulls, 0, sizeof(nulls));
	values[0] = Int32GetDatum(frequency);
	values[1] = Float8GetDatum((double) (s->last_day - s->first_day) / unit);
	values[2] = Float8GetDatum((double) (s->as_of_day - s->first_day) / unit);
	if (frequency > 0)
	{
		/* repeat purchases: everything but the first day, summed exactly */
		RfmFixed	rep = rfm_fixed_join(s->total_lo, s->total_hi)
			- rfm_fixed_join(s->first_lo, s->first_hi);

		values[3] = Float8GetDatum(rfm_fixed_to_double(rep) / frequency);
	}
	else
		values[3] = Float8GetDatum(0.0);
	values[4] = DateADTGetDatum((DateADT) s->first_day);
	values[5] = DateADTGetDatum((DateADT) s->last_day);
	values[6] = Int32GetDatum(ndays);
	values[7] = Float8GetDatum(total);
	values[8] = Float8GetDatum((double) (s->as_of_day - s->last_day));
	values[9] = Int64GetDatum(s->nrows);
	values[10] = DateADTGetDatum((DateADT) s->as_of_day);

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* ---------------------------------------------------------------------------
 * type I/O: binary form (send/recv) and text form (hex of the binary form)
 * ------------------------------------------------------------------------- */

static void
rfm_state_send_to(StringInfo buf, const RfmState *s)
{
	const RfmDayKey *d;
	int			n,
				i;

	d = rfm_state_sorted_days(s, &n);
	pq_sendbyte(buf, RFM_STATE_VERSION);
	pq_sendbyte(buf, s->kind);
	pq_sendint64(buf, s->as_of_raw);
	pq_sendfloat8(buf, s->unit_days);
	pq_sendint64(buf, s->nrows);
	pq_sendint64(buf, (int64) s->total_lo);
	pq_sendint64(buf, s->total_hi);
	pq_sendint64(buf, (int64) s->first_lo);
	pq_sendint64(buf, s->first_hi);
	pq_sendint32(buf, s->as_of_day);
	pq_sendint32(buf, s->first_day);
	pq_sendint32(buf, s->last_day);
	pq_sendint32(buf, n);
	/* absolute calendar days on the wire */
	for (i = 0; i < n; i++)
		pq_sendint32(buf, (int32) d[i] + s->as_of_day - RFM_DAY_SPAN);
}

static void
rfm_bad_state(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid clientele.rfm_state value"),
			 errdetail("%s", detail)));
}

/* the fixed-size part of the binary form, in bytes */
#define RFM_WIRE_HEADER (1 + 1 + 8 + 8 + 8 + 8 * 4 + 4 * 4)

/* a day the date type can hold (and print) */
static inline bool
rfm_valid_day(int64 d)
{
	return d >= (int64) (DATETIME_MIN_JULIAN - POSTGRES_EPOCH_JDATE) &&
		d < (int64) (DATE_END_JULIAN - POSTGRES_EPOCH_JDATE);
}

/*
 * Read the binary form and check every invariant the aggregate keeps, so a
 * state typed in by hand is one rfm_summary could have produced or an
 * error: a known version and kind; as_of a finite date (or timestamp) whose
 * calendar day is as_of_day (for a timestamptz, within a day of its UTC
 * day: the session time zone is not known here); a unit an interval can
 * give (1 microsecond .. 1e9 days); strictly increasing purchase days, each
 * a valid date within 65535 days before as_of_day, first_day and last_day
 * the first and the last of them (0 without days); 0 <= days <= rows (at
 * least one row per purchase day, none without days); the amount sums
 * within the fixed-point range, total - first-day sum too, and equal when
 * there is a single purchase day.
 */
static RfmState *
rfm_state_recv_from(StringInfo buf)
{
	int			version,
				kind,
				n,
				i;
	int64		as_of_raw;
	double		unit_days;
	RfmState   *s;
	RfmFixed	total,
				first,
				repeat;
	const RfmFixed limit = (RfmFixed) 1 << (RFM_FIXED_MAX_EXP + RFM_FIXED_SHIFT);

	if (buf->len - buf->cursor < RFM_WIRE_HEADER)
		rfm_bad_state("The value is too short.");
	version = pq_getmsgbyte(buf);
	if (version != RFM_STATE_VERSION)
		rfm_bad_state("Unknown version.");
	kind = pq_getmsgbyte(buf);
	if (kind != RFM_KIND_DATE && kind != RFM_KIND_TIMESTAMPTZ)
		rfm_bad_state("Unknown input kind.");
	as_of_raw = pq_getmsgint64(buf);
	unit_days = pq_getmsgfloat8(buf);
	if (!(unit_days >= 1.0 / USECS_PER_DAY && unit_days <= 1e9))
		rfm_bad_state("The unit must be between 1 microsecond and 1e9 days.");
	s = rfm_state_new(kind, as_of_raw, 0, unit_days, RFM_INITIAL_CAP);
	s->nrows = pq_getmsgint64(buf);
	s->total_lo = (uint64) pq_getmsgint64(buf);
	s->total_hi = pq_getmsgint64(buf);
	s->first_lo = (uint64) pq_getmsgint64(buf);
	s->first_hi = pq_getmsgint64(buf);
	s->as_of_day = pq_getmsgint(buf, 4);
	s->first_day = pq_getmsgint(buf, 4);
	s->last_day = pq_getmsgint(buf, 4);
	n = pq_getmsgint(buf, 4);
	if (n < 0 || n > RFM_DAY_SPAN + 1 || (int64) (buf->len - buf->cursor) != (int64) n * 4)
		rfm_bad_state("The number of days does not match the length.");
	if (!rfm_valid_day(s->as_of_day))
		rfm_bad_state("The as_of day is out of range.");
	if (kind == RFM_KIND_DATE)
	{
		if (as_of_raw != s->as_of_day)
			rfm_bad_state("The as_of date does not match its day.");
	}
	else
	{
		int64		utc_day;

		if (!IS_VALID_TIMESTAMP(as_of_raw))
			rfm_bad_state("The as_of timestamp is out of range.");
		utc_day = as_of_raw / USECS_PER_DAY - (as_of_raw % USECS_PER_DAY < 0 ? 1 : 0);
		if (s->as_of_day < utc_day - 1 || s->as_of_day > utc_day + 1)
			rfm_bad_state("The as_of timestamp does not match its day.");
	}
	if (n > RFM_INITIAL_CAP)
		s = rfm_state_resize(s, n);
	for (i = 0; i < n; i++)
	{
		int32		day = (int32) pq_getmsgint(buf, 4);

		if (day > s->as_of_day || (int64) day < (int64) s->as_of_day - RFM_DAY_SPAN ||
			!rfm_valid_day(day))
			rfm_bad_state("A day is out of range for the as_of day.");
		if (i == 0 && day != s->first_day)
			rfm_bad_state("The first and last days do not match the days.");
		s->days[i] = (RfmDayKey) (day - (s->as_of_day - RFM_DAY_SPAN));
		if (i > 0 && s->days[i] <= s->days[i - 1])
			rfm_bad_state("The days are not strictly increasing.");
	}
	s->ndays = n;
	if (s->nrows < n)
		rfm_bad_state("Fewer rows than purchase days.");
	if (n > 0 && s->last_day != (int32) s->days[n - 1] + s->as_of_day - RFM_DAY_SPAN)
		rfm_bad_state("The first and last days do not match the days.");
	total = rfm_fixed_join(s->total_lo, s->total_hi);
	first = rfm_fixed_join(s->first_lo, s->first_hi);
	if (n == 0 && (s->nrows != 0 || s->first_day != 0 || s->last_day != 0 || total != 0 || first != 0))
		rfm_bad_state("A state without purchase days has rows, days or amounts.");
	if (total >= limit || total <= -limit || first >= limit || first <= -limit)
		rfm_bad_state("An amount sum is out of range.");
	repeat = total - first;
	if (repeat >= limit || repeat <= -limit)
		rfm_bad_state("The repeat-purchase amount is out of range.");
	if (n == 1 && total != first)
		rfm_bad_state("With a single purchase day the first-day amount must be the total.");
	pq_getmsgend(buf);
	return s;
}

PG_FUNCTION_INFO_V1(clientele_rfm_state_send);

Datum
clientele_rfm_state_send(PG_FUNCTION_ARGS)
{
	RfmState   *s = DatumGetRfmState(PG_GETARG_DATUM(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	rfm_state_send_to(&buf, s);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(clientele_rfm_state_recv);

Datum
clientele_rfm_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);

	PG_RETURN_POINTER(rfm_state_recv_from(buf));
}

PG_FUNCTION_INFO_V1(clientele_rfm_state_out);

/* text form: "rfm1:" and the binary form in hex */
Datum
clientele_rfm_state_out(PG_FUNCTION_ARGS)
{
	RfmState   *s = DatumGetRfmState(PG_GETARG_DATUM(0));
	StringInfoData bin;

	initStringInfo(&bin);
	rfm_state_send_to(&bin, s);
	PG_RETURN_CSTRING(cl_hex_text("rfm1:", (const unsigned char *) bin.data, (size_t) bin.len));
}

PG_FUNCTION_INFO_V1(clientele_rfm_state_in);

Datum
clientele_rfm_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	StringInfoData buf;
	size_t		n;

	buf.data = cl_hex_parse(str, "rfm1:", "clientele.rfm_state", &n);
	buf.len = (int) n;
	buf.maxlen = (int) Max(n, 1);
	buf.cursor = 0;
	PG_RETURN_POINTER(rfm_state_recv_from(&buf));
}

/* ---------------------------------------------------------------------------
 * segment rules: compiled per backend through the config cache
 * ------------------------------------------------------------------------- */

typedef struct RfmScheme
{
	char	   *name;
	int			ntiles;
	char	   *fallback;		/* NULL: no match gives NULL */
	int			nsegments;
	char	  **segments;
	int16	   *cell;			/* ntiles^3 cells: segment index or -1 */
} RfmScheme;

typedef struct RfmSchemeSet
{
	int			nschemes;
	RfmScheme  *schemes;
} RfmSchemeSet;

static const char *const rfm_rule_tables[] = {"rfm_segment_scheme", "rfm_segment_rule"};
static ClConfigCache rfm_rule_cache = CL_CONFIG_CACHE("rfm segment rules", rfm_rule_tables);

/*
 * Reads every scheme and its rules (first match by priority) into lookup
 * cubes.  The tables' triggers have validated them: ranges within 1..ntiles.
 */
static void *
rfm_build_schemes(MemoryContext cxt, void *arg)
{
	RfmSchemeSet *set = palloc0(sizeof(RfmSchemeSet));
	uint64		i;
	int			k;
	RfmScheme  *cur = NULL;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute("SELECT s.scheme, s.ntiles, s.fallback, r.segment, "
					"r.r_min, r.r_max, r.f_min, r.f_max, r.m_min, r.m_max "
					"FROM clientele.rfm_segment_scheme s "
					"LEFT JOIN clientele.rfm_segment_rule r ON r.scheme = s.scheme "
					"ORDER BY s.scheme, r.priority, r.segment, r.r_min, r.f_min, r.m_min",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading clientele.rfm_segment_rule failed");

	set->schemes = MemoryContextAllocZero(cxt, sizeof(RfmScheme) * Max(SPI_processed, 1));
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	td = SPI_tuptable->tupdesc;
		char	   *scheme = SPI_getvalue(tup, td, 1);
		bool		isnull;
		int			bounds[6];
		RfmRuleBounds rule;
		char	   *segment;
		int			seg;

		if (cur == NULL || strcmp(cur->name, scheme) != 0)
		{
			int			n;

			cur = &set->schemes[set->nschemes++];
			cur->name = MemoryContextStrdup(cxt, scheme);
			n = DatumGetInt32(SPI_getbinval(tup, td, 2, &isnull));
			cur->ntiles = n;
			cur->fallback = SPI_getvalue(tup, td, 3);
			if (cur->fallback)
				cur->fallback = MemoryContextStrdup(cxt, cur->fallback);
			cur->segments = MemoryContextAlloc(cxt, sizeof(char *) * Max(SPI_processed, 1));
			cur->cell = MemoryContextAlloc(cxt, sizeof(int16) * n * n * n);
			for (k = 0; k < n * n * n; k++)
				cur->cell[k] = -1;
		}
		segment = SPI_getvalue(tup, td, 4);
		if (segment == NULL)
			continue;			/* a scheme without rules */
		for (k = 0; k < 6; k++)
		{
			bounds[k] = DatumGetInt16(SPI_getbinval(tup, td, 5 + k, &isnull));
			if (isnull)
				bounds[k] = 0;	/* out of range: refused below */
		}
		rule.r_min = bounds[0];
		rule.r_max = bounds[1];
		rule.f_min = bounds[2];
		rule.f_max = bounds[3];
		rule.m_min = bounds[4];
		rule.m_max = bounds[5];
		for (seg = 0; seg < cur->nsegments; seg++)
			if (strcmp(cur->segments[seg], segment) == 0)
				break;
		if (seg == cur->nsegments)
			cur->segments[cur->nsegments++] = MemoryContextStrdup(cxt, segment);
		if (!rfm_cube_fill(cur->cell, cur->ntiles, &rule, (int16) seg))
			elog(ERROR, "rfm segment rule of scheme \"%s\" is out of range", cur->name);
	}
	SPI_finish();
	return set;
}

static inline int
rfm_check_score(int v, const char *what, const RfmScheme *sc)
{
	if (v < 1 || v > sc->ntiles)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s score must be between 1 and %d for scheme \"%s\", got %d",
						what, sc->ntiles, sc->name, v)));
	return v;
}

PG_FUNCTION_INFO_V1(clientele_rfm_segment);

/* rfm_segment(scheme text, r int, f int, m int): first matching rule's segment */
Datum
clientele_rfm_segment(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	RfmSchemeSet *set = cl_config_get(&rfm_rule_cache, rfm_build_schemes, NULL);
	RfmScheme  *sc = NULL;
	int			i,
				c;

	for (i = 0; i < set->nschemes; i++)
		if (strcmp(set->schemes[i].name, name) == 0)
		{
			sc = &set->schemes[i];
			break;
		}
	if (sc == NULL)
	{
		StringInfoData known;

		/* the schemes come sorted by name (the build query's ORDER BY) */
		initStringInfo(&known);
		for (i = 0; i < set->nschemes; i++)
			appendStringInfo(&known, "%s%s", i ? ", " : "", set->schemes[i].name);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown RFM segment scheme \"%s\"", name),
				 set->nschemes > 0
				 ? errdetail("Known RFM segment schemes: %s.", known.data)
				 : errdetail("No RFM segment scheme is defined."),
				 errhint("The schemes are the rows of clientele.rfm_segment_scheme.")));
	}
	c = rfm_cube_index(sc->ntiles,
					   rfm_check_score(PG_GETARG_INT32(1), "recency", sc),
					   rfm_check_score(PG_GETARG_INT32(2), "frequency", sc),
					   rfm_check_score(PG_GETARG_INT32(3), "monetary", sc));
	if (sc->cell[c] >= 0)
		PG_RETURN_TEXT_P(cstring_to_text(sc->segments[sc->cell[c]]));
	if (sc->fallback)
		PG_RETURN_TEXT_P(cstring_to_text(sc->fallback));
	PG_RETURN_NULL();
}

PG_FUNCTION_INFO_V1(clientele_rfm_ntile_score);

/* rfm_ntile_score(n_below bigint, n_total bigint, ntiles int) */
Datum
clientele_rfm_ntile_score(PG_FUNCTION_ARGS)
{
	int64		below = PG_GETARG_INT64(0);
	int64		total = PG_GETARG_INT64(1);
	int32		ntiles = PG_GETARG_INT32(2);

	if (ntiles < 1 || ntiles > 100)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ntiles must be between 1 and 100, got %d", ntiles)));
	if (total < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n_total must be positive, got " INT64_FORMAT, total)));
	if (below < 0 || below >= total)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n_below must be between 0 and n_total - 1, got " INT64_FORMAT, below)));
	PG_RETURN_INT32(rfm_ntile_score(below, total, ntiles));
}
