/*
 * txn_counts.c
 *		fmgr glue of the aggregate clientele.refresh_txn_counts (the refresh's
 *		summary stage, sql/refresh.sql): in one transition per row, what the
 *		stage computed with thirteen aggregates and their FILTER clauses
 *		(text comparisons and two calendar conversions per row).  The state
 *		type clientele.refresh_txn_state and its checks are src/core's
 *		(txn_counts.h).
 *
 * Every figure equals the SQL the stage ran before, row for row, NULLs
 * included (three-valued logic):
 *	n_all			count(*)
 *	n_period		count(*) FILTER (WHERE customer_initiated AND kind <> 'enquiry'
 *									 AND ts >= period_from)
 *	last_ts			max(ts) FILTER (WHERE customer_initiated)
 *	active			bool_or(customer_initiated AND kind IN ('enquiry', 'deposit',
 *							'withdrawal', 'transfer') AND ts >= recent_from)
 *	months_active	the number of distinct months
 *						extract(year FROM ts AT TIME ZONE time_zone) * 12 + extract(month ...)
 *					of the rows WHERE customer_initiated AND ts >= months_from,
 *					months after the month of as_of not counted (at most
 *					CL_TXC_MONTHS months back: ERROR 22023 for an earlier months_from)
 *	n_<channel>		count(*) FILTER (WHERE ts >= period_from AND channel = '<channel>')
 *	n_uncosted		count(*) FILTER (WHERE ts >= period_from AND (channel IS NULL OR
 *									 channel NOT IN (the six channels)))
 * The time zone is read as AT TIME ZONE reads it (an abbreviation first,
 * then a zone name), resolved once per call site; text is compared as
 * texteq compares it (bytes, or the collation's rule when it is not
 * deterministic).
 */
#include "clientele.h"

#include "access/htup_details.h"
#include "catalog/pg_collation.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "nodes/primnodes.h"
#include "parser/scansup.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/pg_locale.h"
#include "utils/timestamp.h"

#include "features_core.h"
#include "txn_counts.h"
#include "value_core.h"

#define TXC_STATE_VERSION 1		/* of the in-memory form */

typedef struct TxcState
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	int32		version;
	ClTxnCounts c;
} TxcState;

/* how the zone is read (as timestamptz_zone reads it) */
#define TXC_ZONE_FIXED	0		/* a fixed offset */
#define TXC_ZONE_TZ		1		/* a zone of the time zone database */
#define TXC_ZONE_CALL	2		/* a dynamic abbreviation: timestamptz_zone itself */

/* per call site (fn_extra): the constants last checked and the zone */
typedef struct TxcCache
{
	bool		agg_checked;	/* the call site is an aggregate's */
	bool		known;
	DateADT		as_of;
	TimestampTz period_from;
	TimestampTz recent_from;
	TimestampTz months_from;
	int32		end_month;		/* month index of as_of */
	int			zone_len;
	char		zone[TZ_STRLEN_MAX + 1];
	int			zone_mode;
	int64		zone_offset;	/* TXC_ZONE_FIXED: east of UTC, microseconds */
	pg_tz	   *zone_tz;		/* TXC_ZONE_TZ */
	text	   *zone_text;		/* TXC_ZONE_CALL */
	/* TXC_ZONE_FIXED: the local days [day_lo, day_hi) of month index month */
	int64		day_lo;
	int64		day_hi;
	int32		month;
	/* the constants are Consts or Params (the same on every row) */
	bool		stable;
	/* text comparison */
	bool		coll_known;
	bool		bytewise;
	Oid			collid;
} TxcCache;

static const char *const txc_channels[CL_TXC_NCHANNELS] = {"counter", "atm", "online", "mobile", "phone", "pos"};
static const int txc_channel_len[CL_TXC_NCHANNELS] = {7, 3, 6, 6, 5, 3};

/* year * 12 + month as extract() numbers them (no year 0: 1 BC is -1) */
static inline int32
txc_month_index(int year, int mon)
{
	return (year > 0 ? year : year - 1) * 12 + mon;
}

static int32
txc_date_month(int32 day)
{
	int			y,
				m,
				d;

	j2date(day + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	return txc_month_index(y, m);
}

static void
txc_out_of_range(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("timestamp out of range")));
}

/* month index of ts (finite) AT TIME ZONE the call site's zone */
static int32
txc_month_of(TxcCache *c, TimestampTz ts)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;
	Timestamp	local;

	switch (c->zone_mode)
	{
		case TXC_ZONE_FIXED:
			{
				int64		day;

				if (pg_add_s64_overflow(ts, c->zone_offset, &local) || !IS_VALID_TIMESTAMP(local))
					txc_out_of_range();
				day = local / USECS_PER_DAY;
				if (local % USECS_PER_DAY < 0)
					day--;
				if (day < c->day_lo || day >= c->day_hi)
				{
					int			y,
								m,
								d;

					j2date((int) (day + POSTGRES_EPOCH_JDATE), &y, &m, &d);
					c->month = txc_month_index(y, m);
					c->day_lo = (int64) date2j(y, m, 1) - POSTGRES_EPOCH_JDATE;
					c->day_hi = m == 12 ? (int64) date2j(y + 1, 1, 1) - POSTGRES_EPOCH_JDATE
						: (int64) date2j(y, m + 1, 1) - POSTGRES_EPOCH_JDATE;
				}
				return c->month;
			}
		case TXC_ZONE_TZ:
			if (timestamp2tm(ts, &tz, &tm, &fsec, NULL, c->zone_tz) != 0 ||
				tm2timestamp(&tm, fsec, NULL, &local) != 0 || !IS_VALID_TIMESTAMP(local))
				txc_out_of_range();
			return txc_month_index(tm.tm_year, tm.tm_mon);
		default:
			local = DatumGetTimestamp(DirectFunctionCall2(timestamptz_zone, PointerGetDatum(c->zone_text),
														  TimestampTzGetDatum(ts)));
			if (timestamp2tm(local, NULL, &tm, &fsec, NULL, NULL) != 0)
				txc_out_of_range();
			return txc_month_index(tm.tm_year, tm.tm_mon);
	}
}

/* resolves the zone text as timestamptz_zone does (abbreviation, then zone name) */
static void
txc_set_zone(TxcCache *c, MemoryContext cxt, text *zone)
{
	char		tzname[TZ_STRLEN_MAX + 1];
	char	   *lowzone;
	int			type,
				val;
	pg_tz	   *tzp;
	long		gmtoff;
	int			len = VARSIZE_ANY_EXHDR(zone);

	text_to_cstring_buffer(zone, tzname, sizeof(tzname));
	lowzone = downcase_truncate_identifier(tzname, strlen(tzname), false);
	type = DecodeTimezoneAbbrev(0, lowzone, &val, &tzp);
	if (c->zone_text)
		pfree(c->zone_text);
	c->zone_text = NULL;
	c->zone_tz = NULL;
	if (type == TZ || type == DTZ)
	{
		c->zone_mode = TXC_ZONE_FIXED;
		c->zone_offset = (int64) val * USECS_PER_SEC;
	}
	else if (type == DYNTZ)
	{
		c->zone_mode = TXC_ZONE_CALL;
		c->zone_text = (text *) MemoryContextAlloc(cxt, VARSIZE_ANY(zone));
		memcpy(c->zone_text, zone, VARSIZE_ANY(zone));
	}
	else
	{
		tzp = pg_tzset(tzname);
		if (tzp == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("time zone \"%s\" not recognized", tzname)));
		if (pg_get_timezone_offset(tzp, &gmtoff))
		{
			c->zone_mode = TXC_ZONE_FIXED;
			c->zone_offset = (int64) gmtoff * USECS_PER_SEC;
		}
		else
		{
			c->zone_mode = TXC_ZONE_TZ;
			c->zone_tz = tzp;
		}
	}
	c->day_lo = c->day_hi = 0;
	/* the name as given, to recognise it on the next rows */
	c->zone_len = len <= TZ_STRLEN_MAX ? len : -1;
	if (c->zone_len >= 0)
		memcpy(c->zone, VARDATA_ANY(zone), len);
}

static TimestampTz
txc_bound(FunctionCallInfo fcinfo, int argno, const char *what)
{
	TimestampTz ts;

	CL_ARG_NOT_NULL(argno, what);
	ts = PG_GETARG_TIMESTAMPTZ(argno);
	if (TIMESTAMP_NOT_FINITE(ts))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite timestamp", what)));
	return ts;
}

/*
 * Whether the transition function's arguments first..last (1 = the first
 * aggregated argument) are the same on every row of this execution: Consts,
 * or parameters of the statement (a PL/pgSQL variable, as in the refresh).
 * The aggregate's own call (AggGetAggref) carries the expressions; the
 * transition function's fn_expr has placeholders instead.
 */
static bool
txc_args_constant(FunctionCallInfo fcinfo, int first, int last)
{
	Aggref	   *agg = AggGetAggref(fcinfo);

	if (agg == NULL || list_length(agg->args) < last)
		return false;
	for (int i = first; i <= last; i++)
	{
		Node	   *e = (Node *) ((TargetEntry *) list_nth(agg->args, i - 1))->expr;

		if (!(IsA(e, Const) || (IsA(e, Param) && ((Param *) e)->paramkind == PARAM_EXTERN)))
			return false;
	}
	return true;
}

/* the constants of this row: checked and cached when they change */
static TxcCache *
txc_constants(FunctionCallInfo fcinfo)
{
	TxcCache   *c = (TxcCache *) fcinfo->flinfo->fn_extra;
	text	   *zone;

	if (unlikely(c == NULL))
	{
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(TxcCache));
		c->stable = txc_args_constant(fcinfo, 5, 9);
		fcinfo->flinfo->fn_extra = c;
	}
	/* constant arguments (as in the refresh) were checked on the first row */
	if (likely(c->known && c->stable))
		return c;
	CL_ARG_NOT_NULL(5, "as_of");
	CL_ARG_NOT_NULL(6, "period_from");
	CL_ARG_NOT_NULL(7, "recent_from");
	CL_ARG_NOT_NULL(8, "months_from");
	CL_ARG_NOT_NULL(9, "time_zone");
	zone = PG_GETARG_TEXT_PP(9);
	if (likely(c->known && PG_GETARG_DATEADT(5) == c->as_of &&
			   PG_GETARG_TIMESTAMPTZ(6) == c->period_from &&
			   PG_GETARG_TIMESTAMPTZ(7) == c->recent_from &&
			   PG_GETARG_TIMESTAMPTZ(8) == c->months_from &&
			   (int) VARSIZE_ANY_EXHDR(zone) == c->zone_len &&
			   memcmp(VARDATA_ANY(zone), c->zone, c->zone_len) == 0))
		return c;

	c->known = false;
	c->as_of = cl_check_finite_date(PG_GETARG_DATEADT(5), "as_of");
	if (c->as_of < CL_ACT_AS_OF_MIN || c->as_of >= CL_ACT_AS_OF_END)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("as_of is out of range for refresh_txn_counts")));
	c->period_from = txc_bound(fcinfo, 6, "period_from");
	c->recent_from = txc_bound(fcinfo, 7, "recent_from");
	c->months_from = txc_bound(fcinfo, 8, "months_from");
	txc_set_zone(c, fcinfo->flinfo->fn_mcxt, zone);
	c->end_month = txc_date_month(c->as_of);
	if (c->end_month - txc_month_of(c, c->months_from) >= CL_TXC_MONTHS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("months_from must be within %d months before the month of as_of", CL_TXC_MONTHS)));
	c->known = c->zone_len >= 0;
	return c;
}

/* whether the text argument argno equals s (len bytes), as texteq says */
static inline bool
txc_text_is(FunctionCallInfo fcinfo, TxcCache *c, text *t, const char *s, int len)
{
	if (likely(c->bytewise))
		return VARSIZE_ANY_EXHDR(t) == (Size) len && memcmp(VARDATA_ANY(t), s, len) == 0;
	return DatumGetBool(DirectFunctionCall2Coll(texteq, c->collid, PointerGetDatum(t),
												PointerGetDatum(cstring_to_text_with_len(s, len))));
}

static inline TxcState *
txc_state_arg(Datum d)
{
	struct varlena *p = (struct varlena *) DatumGetPointer(d);
	TxcState   *st;

	/* detoast only when needed: the transition value is always plain */
	if (unlikely(VARATT_IS_EXTENDED(p)))
		p = pg_detoast_datum(p);
	st = (TxcState *) p;

	if (VARSIZE(st) != sizeof(TxcState) || st->version != TXC_STATE_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid clientele.refresh_txn_state value"),
				 errdetail("The value has the in-memory layout of another clientele version."),
				 errhint("Move states between versions in their text form (refresh_txn_state_out / refresh_txn_state_in).")));
	return st;
}

static TxcState *
txc_new(MemoryContext cxt, const TxcCache *c)
{
	TxcState   *st = MemoryContextAllocZero(cxt, sizeof(TxcState));

	SET_VARSIZE(st, sizeof(TxcState));
	st->version = TXC_STATE_VERSION;
	cl_txc_init(&st->c, c->as_of, c->period_from, c->recent_from, c->months_from);
	return st;
}

static void
txc_same_group(const ClTxnCounts *a, const ClTxnCounts *b)
{
	if (!cl_txc_same_group(a, b))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("refresh_txn_counts as_of, period_from, recent_from and months_from must be the same for every row of a group")));
}

/* SQL's three-valued logic */
#define TXC_F 0
#define TXC_T 1
#define TXC_N 2
#define TXC_AND(a, b) ((a) == TXC_F || (b) == TXC_F ? TXC_F : (a) == TXC_N || (b) == TXC_N ? TXC_N : TXC_T)

PG_FUNCTION_INFO_V1(clientele_refresh_txn_trans);

/*
 * Transition (state, ts, customer_initiated, kind, channel, as_of,
 * period_from, recent_from, months_from, time_zone): see the top of the file.
 */
Datum
clientele_refresh_txn_trans(PG_FUNCTION_ARGS)
{
	TxcCache   *c;
	TxcState   *st;
	ClTxnCounts *s;
	bool		ts_null = PG_ARGISNULL(1);
	TimestampTz ts = ts_null ? 0 : PG_GETARG_TIMESTAMPTZ(1);
	int			ci = PG_ARGISNULL(2) ? TXC_N : PG_GETARG_BOOL(2) ? TXC_T : TXC_F;
	int			not_enquiry = TXC_N,
				active_kind = TXC_N,
				in_period,
				v;

	/* an aggregate's call site (checked once): the state is updated in place */
	if (unlikely(fcinfo->flinfo->fn_extra == NULL || !((TxcCache *) fcinfo->flinfo->fn_extra)->agg_checked))
	{
		(void) cl_agg_context(fcinfo);
		c = txc_constants(fcinfo);
		c->agg_checked = true;
	}
	else
		c = txc_constants(fcinfo);
	if (unlikely(!c->coll_known))
	{
		c->collid = PG_GET_COLLATION();
		c->bytewise = !OidIsValid(c->collid) || get_collation_isdeterministic(c->collid);
		c->coll_known = true;
	}
	/*
	 * A new state is made in the per-row context: nodeAgg copies a returned
	 * new pointer into the aggregate's context (one made there would stay
	 * behind as a second copy of every group's state)
	 */
	if (PG_ARGISNULL(0))
		st = txc_new(CurrentMemoryContext, c);
	else
	{
		st = txc_state_arg(PG_GETARG_DATUM(0));
		if (unlikely(st->c.as_of != c->as_of || st->c.period_from != c->period_from ||
					 st->c.recent_from != c->recent_from || st->c.months_from != c->months_from))
		{
			ClTxnCounts k;

			cl_txc_init(&k, c->as_of, c->period_from, c->recent_from, c->months_from);
			txc_same_group(&st->c, &k);
		}
	}
	s = &st->c;
	if (unlikely(s->n_all == PG_INT64_MAX))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("too many transactions in one refresh_txn_counts group")));
	s->n_all++;

	if (!PG_ARGISNULL(3))
	{
		text	   *kind = PG_GETARG_TEXT_PP(3);

		if (txc_text_is(fcinfo, c, kind, "enquiry", 7))
		{
			not_enquiry = TXC_F;
			active_kind = TXC_T;
		}
		else
		{
			not_enquiry = TXC_T;
			active_kind = txc_text_is(fcinfo, c, kind, "deposit", 7) ||
				txc_text_is(fcinfo, c, kind, "withdrawal", 10) ||
				txc_text_is(fcinfo, c, kind, "transfer", 8) ? TXC_T : TXC_F;
		}
	}
	in_period = ts_null ? TXC_N : ts >= c->period_from ? TXC_T : TXC_F;

	if (TXC_AND(ci, TXC_AND(not_enquiry, in_period)) == TXC_T)
		s->n_period++;
	if (ci == TXC_T && !ts_null)
	{
		if (!(s->flags & CL_TXC_HAS_LAST) || ts > s->last_ts)
			s->last_ts = ts;
		s->flags |= CL_TXC_HAS_LAST;
		if (ts >= c->months_from && !TIMESTAMP_NOT_FINITE(ts))
		{
			int32		k = c->end_month - txc_month_of(c, ts);

			if (k >= 0 && k < CL_TXC_MONTHS)
				s->months[k / 64] |= UINT64_C(1) << (k % 64);
		}
	}
	v = TXC_AND(ci, TXC_AND(active_kind, ts_null ? TXC_N : ts >= c->recent_from ? TXC_T : TXC_F));
	if (v != TXC_N)
		s->flags |= CL_TXC_ACTIVE_SEEN | (v == TXC_T ? CL_TXC_ACTIVE : 0);

	if (in_period == TXC_T)
	{
		int			i = CL_TXC_NCHANNELS;

		if (!PG_ARGISNULL(4))
		{
			text	   *ch = PG_GETARG_TEXT_PP(4);

			for (i = 0; i < CL_TXC_NCHANNELS; i++)
				if (txc_text_is(fcinfo, c, ch, txc_channels[i], txc_channel_len[i]))
					break;
		}
		if (i < CL_TXC_NCHANNELS)
			s->n_channel[i]++;
		else
			s->n_uncosted++;
	}
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(clientele_refresh_txn_combine);

/* exact: counts add, latest timestamps are maxima, flags and months join */
Datum
clientele_refresh_txn_combine(PG_FUNCTION_ARGS)
{
	TxcState   *a;
	TxcState   *b;

	(void) cl_agg_context(fcinfo);
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	b = txc_state_arg(PG_GETARG_DATUM(1));
	/* b becomes the state: nodeAgg copies it into the aggregate's context */
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(b);
	a = txc_state_arg(PG_GETARG_DATUM(0));
	txc_same_group(&a->c, &b->c);
	if (!cl_txc_merge(&a->c, &b->c))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("too many transactions in one refresh_txn_counts group")));
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(clientele_refresh_txn_final);

/* the counts as a clientele.refresh_txn_counts row */
Datum
clientele_refresh_txn_final(PG_FUNCTION_ARGS)
{
	TxcState   *st;
	const ClTxnCounts *s;
	TupleDesc	tupdesc;
	Datum		values[5 + CL_TXC_NCHANNELS + 1];
	bool		nulls[5 + CL_TXC_NCHANNELS + 1] = {0};
	int			i;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = txc_state_arg(PG_GETARG_DATUM(0));
	s = &st->c;
	/* the blessed result descriptor, once per call site */
	tupdesc = (TupleDesc) fcinfo->flinfo->fn_extra;
	if (unlikely(tupdesc == NULL))
	{
		tupdesc = cl_call_result_desc(fcinfo);
		fcinfo->flinfo->fn_extra = tupdesc;
	}
	values[0] = Int64GetDatum(s->n_all);
	values[1] = Int64GetDatum(s->n_period);
	values[2] = TimestampTzGetDatum(s->last_ts);
	nulls[2] = !(s->flags & CL_TXC_HAS_LAST);
	values[3] = BoolGetDatum((s->flags & CL_TXC_ACTIVE) != 0);
	nulls[3] = !(s->flags & CL_TXC_ACTIVE_SEEN);
	values[4] = Int32GetDatum(cl_txc_months_active(s));
	for (i = 0; i < CL_TXC_NCHANNELS; i++)
		values[5 + i] = Int64GetDatum(s->n_channel[i]);
	values[5 + CL_TXC_NCHANNELS] = Int64GetDatum(s->n_uncosted);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* --- type I/O: binary form (send/recv), text form "txc1:" + hex ------------ */

static TxcState *
txc_recv_bytes(const unsigned char *bytes, size_t len)
{
	TxcState   *st = palloc0(sizeof(TxcState));
	const char *bad;

	SET_VARSIZE(st, sizeof(TxcState));
	st->version = TXC_STATE_VERSION;
	bad = cl_txc_wire_decode(bytes, len, &st->c);
	if (bad)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid clientele.refresh_txn_state value"),
				 errdetail("%s", bad)));
	return st;
}

PG_FUNCTION_INFO_V1(clientele_refresh_txn_state_send);

Datum
clientele_refresh_txn_state_send(PG_FUNCTION_ARGS)
{
	TxcState   *st = txc_state_arg(PG_GETARG_DATUM(0));
	unsigned char wire[CL_TXC_WIRE_SIZE];

	cl_txc_wire_encode(&st->c, wire);
	PG_RETURN_BYTEA_P(cl_bytes_to_bytea(wire, CL_TXC_WIRE_SIZE));
}

PG_FUNCTION_INFO_V1(clientele_refresh_txn_state_recv);

Datum
clientele_refresh_txn_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	TxcState   *st = txc_recv_bytes((const unsigned char *) buf->data + buf->cursor,
									(size_t) (buf->len - buf->cursor));

	buf->cursor = buf->len;
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(clientele_refresh_txn_state_out);

Datum
clientele_refresh_txn_state_out(PG_FUNCTION_ARGS)
{
	TxcState   *st = txc_state_arg(PG_GETARG_DATUM(0));
	unsigned char wire[CL_TXC_WIRE_SIZE];

	cl_txc_wire_encode(&st->c, wire);
	PG_RETURN_CSTRING(cl_hex_text("txc1:", wire, CL_TXC_WIRE_SIZE));
}

PG_FUNCTION_INFO_V1(clientele_refresh_txn_state_in);

Datum
clientele_refresh_txn_state_in(PG_FUNCTION_ARGS)
{
	size_t		n;
	char	   *bytes = cl_hex_parse(PG_GETARG_CSTRING(0), "txc1:", "clientele.refresh_txn_state", &n);

	PG_RETURN_POINTER(txc_recv_bytes((const unsigned char *) bytes, n));
}

/* --- amount_float8(numeric): numeric::float8 without the text round trip --- */

/*
 * The display scale of a finite numeric, as numeric_scale() reads it
 * (NUMERIC_DSCALE of utils/adt/numeric.c): the first 16-bit word of the body
 * is the short header (sign bits 10, scale in bits 7..12) or the long form's
 * sign and scale word (scale in bits 0..13).  The layout is the on-disk
 * format, fixed since PostgreSQL 9.1.
 */
static inline int
txc_numeric_dscale(const unsigned char *body)
{
	uint16		word;

	memcpy(&word, body, sizeof(word));
	if ((word & 0xC000) == 0x8000)
		return (word & 0x1F80) >> 7;
	return word & 0x3FFF;
}

PG_FUNCTION_INFO_V1(clientele_amount_float8);

/*
 * The float8 nearest the numeric, as numeric_float8 gives it (numeric_out,
 * then float8in's strtod: the correctly rounded value).  An amount with at
 * most 2 decimals whose cents fit in 53 bits is cents / 100.0: both
 * operands are exact doubles and IEEE division rounds the exact quotient
 * correctly, so it is the same double.  Anything else (more decimals,
 * larger values, NaN, infinities) goes through numeric_float8 itself.
 */
Datum
clientele_amount_float8(PG_FUNCTION_ARGS)
{
	/* a short header is read in place (PG_GETARG_NUMERIC would copy it) */
	struct varlena *num = pg_detoast_datum_packed((struct varlena *) PG_GETARG_POINTER(0));
	const unsigned char *body = (const unsigned char *) VARDATA_ANY(num);
	Size		len = VARSIZE_ANY_EXHDR(num);
	int64		cents;

	/* cl_numeric_to_cents refuses the special values (NaN, infinities) */
	if (cl_numeric_to_cents(body, len, &cents) == CL_NUM_OK &&
		cents <= (INT64CONST(1) << 53) && cents >= -(INT64CONST(1) << 53) &&
		txc_numeric_dscale(body) <= 2)
		PG_RETURN_FLOAT8((double) cents / 100.0);
	return DirectFunctionCall1(numeric_float8, PG_GETARG_DATUM(0));
}
