/*
 * rfm.c
 *		The per-customer transaction summary clientele.rfm_summary(ts, amount,
 *		as_of [, unit]) and RFM segment lookup clientele.rfm_segment().
 *
 * The aggregate's state is the base type clientele.rfm_state: a varlena with
 * the group's constants (as_of, unit), exact 128-bit fixed-point amount sums
 * (total, and the amount of the earliest purchase day), first and last day,
 * and the set of purchase days.  It has two in-memory forms:
 *
 *	- small (RFM_SMALL_SIZE = 64 bytes, one 64-byte allocation per group): at
 *	  most one purchase day (first_key), whose amount sum is the total;
 *	- full: the first-day sum and an array of 16-bit day keys, appended
 *	  unsorted (skipping a repeat of the last key appended), sorted and
 *	  de-duplicated whenever the array fills.
 *
 * A group starts small and becomes full at its second purchase day, so a
 * customer with a single purchase day costs 80 bytes of aggregate memory
 * (the chunk header included) instead of 144.  States merge exactly (set
 * union of days, integer sums), so serial, parallel and distributed plans
 * agree bit for bit.  The transition function updates the state in place
 * (it belongs to the aggregate: AggCheckCallContext) and only allocates when
 * it grows.  The portable binary and text forms, and their checks, are
 * src/core's (rfm_wire_encode / rfm_wire_decode).
 */
#include "clientele.h"

#include "access/htup_details.h"
#include "common/int.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "nodes/execnodes.h"
#include "nodes/plannodes.h"
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

/*
 * Version of the in-memory layout (what a table column of type rfm_state
 * stores): 2 since the small form.  The portable forms have their own
 * version (RFM_WIRE_VERSION).
 */
#define RFM_STATE_VERSION 2

/* RfmState.flags */
#define RFM_FLAG_SORTED 0x01	/* days[0..ndays) strictly increasing */

typedef struct RfmState
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint8		version;		/* RFM_STATE_VERSION */
	uint8		kind;			/* RFM_KIND_DATE or RFM_KIND_TIMESTAMPTZ */
	uint8		flags;
	uint8		pad;
	int32		as_of_day;		/* calendar day of as_of */
	int32		ndays;			/* small: 0 or 1; full: entries used in days[] */
	RfmDayKey	first_key;		/* earliest purchase day (if ndays > 0) */
	RfmDayKey	last_key;		/* latest purchase day (if ndays > 0) */
	int32		pad2;
	int64		as_of_raw;		/* as_of as given (DateADT or TimestampTz) */
	double		unit_days;		/* unit, in days */
	int64		nrows;			/* rows counted (on or before the as_of day) */
	uint64		total_lo;		/* sum of all counted amounts (fixed point) */
	int64		total_hi;
	/* the full form only (VARSIZE > RFM_SMALL_SIZE) */
	uint64		first_lo;		/* sum of the amounts of the first day */
	int64		first_hi;
	RfmDayKey	days[FLEXIBLE_ARRAY_MEMBER];	/* purchase-day keys */
} RfmState;

#define RFM_SMALL_SIZE offsetof(RfmState, first_lo)
#define RFM_STATE_SIZE(cap) (offsetof(RfmState, days) + sizeof(RfmDayKey) * (Size) (cap))
#define RFM_IS_SMALL(s) (VARSIZE(s) == RFM_SMALL_SIZE)
/* days[] entries of a full state */
#define RFM_CAP(s) ((int) ((VARSIZE(s) - offsetof(RfmState, days)) / sizeof(RfmDayKey)))

StaticAssertDecl(offsetof(RfmState, first_lo) == 64, "the small rfm_state is 64 bytes");

/*
 * Capacities fill power-of-two allocations exactly (palloc rounds small
 * requests up to a power of two): 24 days in 128 bytes, 88 in 256, ...
 */
#define RFM_FULL_INITIAL_CAP ((int) ((128 - offsetof(RfmState, days)) / sizeof(RfmDayKey)))

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

static void
rfm_bad_state(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid clientele.rfm_state value"),
			 errdetail("%s", detail)));
}

/*
 * A state argument that did not come from this library's transition or
 * input functions in this version (e.g. read from a table column written
 * by another version) is refused rather than misread.
 */
static RfmState *
rfm_state_arg(Datum d)
{
	RfmState   *s = DatumGetRfmState(d);

	if (unlikely(VARSIZE(s) < RFM_SMALL_SIZE || s->version != RFM_STATE_VERSION ||
				 (VARSIZE(s) != RFM_SMALL_SIZE && VARSIZE(s) < RFM_STATE_SIZE(0))))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid clientele.rfm_state value"),
				 errdetail("The value has the in-memory layout of another clientele version."),
				 errhint("Move states between versions in their text form (rfm_state_out / rfm_state_in).")));
	return s;
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

/*
 * Per call site cache (fn_extra of the transition function): whether the
 * call site was checked to be an aggregate's (the state is then the
 * aggregate's own, updated in place), and whether the session time zone has
 * a fixed UTC offset.
 */
typedef struct RfmTzCache
{
	bool		agg_checked;
	bool		tz_known;
	bool		fixed;
	bool		start_full;		/* new groups start in the full form */
	int64		offset_usecs;	/* east of UTC */
	int64		ngroups;		/* groups started small */
	int64		nconverted;		/* of which became full */
	/* fixed offset: the local day of the last ts, [day_lo, day_hi) in UTC */
	TimestampTz day_lo;
	TimestampTz day_hi;
	int32		day;
	/* the day of the last as_of (a constant: once per group otherwise) */
	bool		as_of_known;
	int32		as_of_day;
	int64		as_of_raw;

	/*
	 * Where a new group's state is built (fn_mcxt, room for the full form):
	 * the caller (nodeAgg, WindowAgg, Citus' worker_partial_agg) copies a
	 * returned state that is not its current one into its aggregate context,
	 * so this memory is free again at the next new group, and a new group
	 * costs no allocation in, and no reset of, the per-row context.
	 */
	RfmState   *scratch;
} RfmTzCache;

/*
 * Whether the planner expects about one input row per group (then most
 * groups stay small): the Agg node's estimated groups against its input's
 * estimated rows.  Only chooses the first form of a group's state; the
 * results do not depend on it.
 */
static bool
rfm_expect_single_rows(FunctionCallInfo fcinfo)
{
	AggState   *as;
	Agg		   *agg;
	Plan	   *outer;

	if (fcinfo->context == NULL || !IsA(fcinfo->context, AggState))
		return false;
	as = (AggState *) fcinfo->context;
	agg = (Agg *) as->ss.ps.plan;
	outer = outerPlan(agg);
	if (agg == NULL || outer == NULL || agg->aggstrategy == AGG_PLAIN || agg->numGroups < 1)
		return false;
	return outer->plan_rows <= 1.5 * (double) agg->numGroups;
}

static inline RfmTzCache *
rfm_call_cache(FunctionCallInfo fcinfo)
{
	RfmTzCache *c = (RfmTzCache *) fcinfo->flinfo->fn_extra;

	if (unlikely(c == NULL))
	{
		/* the first call of this call site */
		(void) cl_agg_context(fcinfo);
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(RfmTzCache));
		c->scratch = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
											RFM_STATE_SIZE(RFM_FULL_INITIAL_CAP));
		c->agg_checked = true;
		c->start_full = !rfm_expect_single_rows(fcinfo);
		fcinfo->flinfo->fn_extra = c;
	}
	return c;
}

static RfmTzCache *
rfm_tz_cache(FunctionCallInfo fcinfo)
{
	RfmTzCache *c = rfm_call_cache(fcinfo);

	if (unlikely(!c->tz_known))
	{
		long		gmtoff = 0;

		c->fixed = pg_get_timezone_offset(session_timezone, &gmtoff);
		c->offset_usecs = (int64) gmtoff * USECS_PER_SEC;
		c->tz_known = true;
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
		int64		local,
					d;

		/*
		 * Rows of a log come in time order: most fall on the day of the row
		 * before (an empty range at first: day_lo = day_hi = 0).
		 */
		if (ts >= tzc->day_lo && ts < tzc->day_hi)
			return tzc->day;
		local = ts + tzc->offset_usecs;
		d = local / USECS_PER_DAY;
		if (local % USECS_PER_DAY < 0)
			d--;
		tzc->day_lo = d * USECS_PER_DAY - tzc->offset_usecs;
		tzc->day_hi = tzc->day_lo + USECS_PER_DAY;
		tzc->day = (int32) d;
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
/* ---------------------------------------------------------------------------
 * state helpers
 * ------------------------------------------------------------------------- */

static inline RfmFixed
rfm_total(const RfmState *s)
{
	return rfm_fixed_join(s->total_lo, s->total_hi);
}

/* the first-day sum: the total in a small state */
static inline RfmFixed
rfm_first(const RfmState *s)
{
	return RFM_IS_SMALL(s) ? rfm_total(s) : rfm_fixed_join(s->first_lo, s->first_hi);
}

/*
 * A new empty state, in CurrentMemoryContext: small, or full with room for
 * RFM_FULL_INITIAL_CAP days.
 */
/* The header of a new, zeroed state: what rfm_state_new and rfm_state_new_scratch share. */
static inline void
rfm_state_header(RfmState *s, int kind, int64 as_of_raw, int32 as_of_day, double unit_days)
{
	s->version = RFM_STATE_VERSION;
	s->kind = (uint8) kind;
	s->flags = RFM_FLAG_SORTED;
	s->as_of_raw = as_of_raw;
	s->as_of_day = as_of_day;
	s->unit_days = unit_days;
}

static RfmState *
rfm_state_new(int kind, int64 as_of_raw, int32 as_of_day, double unit_days,
			  bool full)
{
	Size		size = full ? RFM_STATE_SIZE(RFM_FULL_INITIAL_CAP) : RFM_SMALL_SIZE;
	RfmState   *s = palloc0(size);

	SET_VARSIZE(s, size);
	rfm_state_header(s, kind, as_of_raw, as_of_day, unit_days);
	return s;
}

/*
 * A new empty state built in the call site's scratch memory (a transition
 * function's new group only: see RfmTzCache.scratch).
 */
static inline RfmState *
rfm_state_new_scratch(RfmTzCache *cc, int kind, int64 as_of_raw, int32 as_of_day,
					  double unit_days, bool full)
{
	RfmState   *s = cc->scratch;

	/* the bytes of each form zeroed, as palloc0 did (constant sizes: inline stores) */
	if (full)
	{
		memset(s, 0, RFM_STATE_SIZE(RFM_FULL_INITIAL_CAP));
		SET_VARSIZE(s, RFM_STATE_SIZE(RFM_FULL_INITIAL_CAP));
	}
	else
	{
		memset(s, 0, RFM_SMALL_SIZE);
		SET_VARSIZE(s, RFM_SMALL_SIZE);
	}
	rfm_state_header(s, kind, as_of_raw, as_of_day, unit_days);
	return s;
}

/*
 * A full copy of s with room for cap days (cap >= s->ndays), in
 * CurrentMemoryContext; a small s gets its first-day sum and day array.
 */
static RfmState *
rfm_state_resize(const RfmState *s, int cap)
{
	RfmState   *n;

	if (cap > RFM_MAX_CAP)
		elog(ERROR, "rfm_summary state capacity %d exceeds %d", cap, RFM_MAX_CAP);
	n = palloc(RFM_STATE_SIZE(cap));
	if (RFM_IS_SMALL(s))
	{
		memcpy(n, s, RFM_SMALL_SIZE);
		n->first_lo = s->total_lo;
		n->first_hi = s->total_hi;
		n->days[0] = s->first_key;
		n->flags |= RFM_FLAG_SORTED;
	}
	else
		memcpy(n, s, RFM_STATE_SIZE(s->ndays));
	SET_VARSIZE(n, RFM_STATE_SIZE(cap));
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

/*
 * A sum whose high word lies in (-2^62, 2^62), so strictly inside the
 * (-2^126, 2^126) range rfm_fixed_add keeps: one comparison.
 */
#define RFM_FIXED_SAFE(v) \
	((uint64) (int64) ((v) >> 64) + ((UINT64CONST(1) << 62) - 1) < (UINT64CONST(1) << 63) - 1)

static inline void
rfm_fixed_accumulate(uint64 *lo, int64 *hi, RfmFixed v)
{
	RfmFixed	acc = rfm_fixed_join(*lo, *hi);

	if (!rfm_fixed_add(&acc, v))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("rfm_summary amount total is out of range")));
	rfm_fixed_split(acc, lo, hi);
}

static inline void
rfm_count_rows(RfmState *s, int64 rows)
{
	if (unlikely(pg_add_s64_overflow(s->nrows, rows, &s->nrows)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("rfm_summary transaction count is out of range")));
}

/*
 * Add rows purchases on the day of key, whose amounts sum to amount; returns
 * the state (a new pointer, in CurrentMemoryContext, when it had to grow).
 */
static RfmState *
rfm_state_add_key(RfmState *s, RfmDayKey key, RfmFixed amount, int64 rows)
{
	rfm_count_rows(s, rows);
	rfm_fixed_accumulate(&s->total_lo, &s->total_hi, amount);
	if (s->ndays == 0)
	{
		s->first_key = s->last_key = key;
		s->ndays = 1;
		if (!RFM_IS_SMALL(s))
		{
			rfm_fixed_split(amount, &s->first_lo, &s->first_hi);
			s->days[0] = key;
		}
		return s;
	}
	if (RFM_IS_SMALL(s))
	{
		/* the single day again: the total is the first-day sum */
		if (key == s->first_key)
			return s;
		/* a second purchase day: the full form (total already counts amount) */
		s = rfm_state_resize(s, RFM_FULL_INITIAL_CAP);
		rfm_fixed_accumulate(&s->first_lo, &s->first_hi, -amount);
	}

	if (key < s->first_key)
	{
		s->first_key = key;
		rfm_fixed_split(amount, &s->first_lo, &s->first_hi);
	}
	else if (key == s->first_key)
		rfm_fixed_accumulate(&s->first_lo, &s->first_hi, amount);
	if (key > s->last_key)
		s->last_key = key;

	/* same day as the last one appended: nothing to record */
	if (s->days[s->ndays - 1] == key)
		return s;
	if (s->ndays == RFM_CAP(s))
	{
		if (!(s->flags & RFM_FLAG_SORTED))
		{
			s->ndays = rfm_days_sort_unique(s->days, s->ndays);
			s->flags |= RFM_FLAG_SORTED;
		}
		/* grow unless compaction freed at least a quarter */
		if (s->ndays > RFM_CAP(s) - RFM_CAP(s) / 4)
			s = rfm_state_resize(s, rfm_next_cap(RFM_CAP(s)));
	}
	if (key <= s->days[s->ndays - 1])
		s->flags &= ~RFM_FLAG_SORTED;
	s->days[s->ndays++] = key;
	return s;
}

/* one purchase of a row on calendar day (callers pass day <= as_of_day) */
static inline RfmState *
rfm_state_add(RfmState *s, int32 day, RfmFixed amount)
{
	if (unlikely(day < s->as_of_day - RFM_DAY_SPAN))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("purchase day %s is more than %d days before as_of",
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum((DateADT) day))),
						RFM_DAY_SPAN),
				 errhint("rfm_summary covers at most 179 years of purchases before as_of; filter out older rows.")));
	return rfm_state_add_key(s, rfm_day_key(s->as_of_day, day), amount, 1);
}

/* the sorted, de-duplicated days of s: s's own, or a palloc'd copy */
static const RfmDayKey *
rfm_state_sorted_days(const RfmState *s, int *n)
{
	RfmDayKey  *d;

	if (RFM_IS_SMALL(s))
	{
		*n = s->ndays;
		return &s->first_key;
	}
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

static pg_noinline Datum
rfm_trans_common(FunctionCallInfo fcinfo, int kind)
{
	RfmState   *s = PG_ARGISNULL(0) ? NULL : DatumGetRfmState(PG_GETARG_DATUM(0));
	int64		as_of_raw;
	int32		as_of_day;
	int32		day;
	double		unit_days = 1.0;
	double		amount;
	RfmFixed	famount = 0;
	RfmTzCache *cc = rfm_call_cache(fcinfo);
	RfmTzCache *tzc = NULL;
	bool		was_small;

	/* rows without a timestamp are skipped */
	if (PG_ARGISNULL(1))
	{
		if (s == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s);
	}
	CL_ARG_NOT_NULL(3, "as_of");
	if (PG_NARGS() > 4)
	{
		CL_ARG_NOT_NULL(4, "unit");
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
		/* as_of is a constant: its day is computed once per call site */
		if (cc->as_of_known && cc->as_of_raw == as_of_raw)
			as_of_day = cc->as_of_day;
		else
		{
			as_of_day = kind == RFM_KIND_TIMESTAMPTZ
				? rfm_tstz_day(tzc, (TimestampTz) as_of_raw, "as_of")
				: (int32) cl_check_finite_date((DateADT) as_of_raw, "as_of");
			/* the dates of an argument (the day of a timestamp, too) */
			cl_check_date_arg((DateADT) as_of_day, "as_of");
			cc->as_of_raw = as_of_raw;
			cc->as_of_day = as_of_day;
			cc->as_of_known = true;
		}

		/*
		 * Start in the full form unless the planner expects about one row
		 * per group, or once 1 in 4 small groups got a second purchase day:
		 * converting costs a copy, and when customers interleave (a
		 * time-ordered log) the freed small states are not reused, so the
		 * small form only pays for itself when most customers buy on a
		 * single day.
		 */
		s = rfm_state_new_scratch(cc, kind, as_of_raw, as_of_day, unit_days, cc->start_full);
		if (!cc->start_full)
			cc->ngroups++;
	}
	else
	{
		/* a state from an INITCOND went through the input function */
		if (unlikely(s->version != RFM_STATE_VERSION))
			s = rfm_state_arg(PointerGetDatum(s));
		if (s->as_of_raw != as_of_raw || s->unit_days != unit_days || s->kind != kind)
			rfm_check_same_group(s, kind, as_of_raw, unit_days);
	}

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
	{
		was_small = RFM_IS_SMALL(s);
		s = rfm_state_add(s, day, famount);
		if (unlikely(was_small && !RFM_IS_SMALL(s)))
		{
			cc->nconverted++;
			/* decided on the first 1024 groups or more: 1 in 4 converted */
			if (cc->ngroups >= 1024 && cc->nconverted * 4 > cc->ngroups)
				cc->start_full = true;
		}
	}
	PG_RETURN_POINTER(s);
}

/*
 * The common row, without the general path's set-up: a full state of this
 * call site (checked by an earlier call), every argument given, as_of and
 * unit the group's, and the purchase on the day appended last or on a later
 * day with room left in days[].  Adds it exactly as rfm_state_add_key does
 * and returns true; returns false, having changed nothing, for anything
 * else (including an overflow, whose error the general path then raises).
 */
static pg_attribute_always_inline bool
rfm_trans_fast(FunctionCallInfo fcinfo, int kind, int32 day)
{
	RfmState   *s = (RfmState *) DatumGetPointer(PG_GETARG_DATUM(0));
	RfmDayKey	key,
				prev;
	RfmFixed	famount,
				total,
				first;
	double		unit_days = 1.0;

	if (PG_NARGS() > 4)
	{
		Interval   *u = PG_GETARG_INTERVAL_P(4);

		/* as rfm_trans_common's cheap path: the unit is the group's constant */
		unit_days = (double) u->month * DAYS_PER_MONTH + (double) u->day
			+ (double) u->time / (double) USECS_PER_DAY;
	}

	/*
	 * The state is this call site's (its kind and version are the call
	 * site's: only rfm_trans_common makes one); as_of and unit must be the
	 * group's.
	 */
	if (unlikely(VARATT_IS_EXTENDED(s)) || RFM_IS_SMALL(s) || s->ndays == 0 ||
		s->unit_days != unit_days ||
		s->as_of_raw != (kind == RFM_KIND_DATE ? (int64) PG_GETARG_DATEADT(3)
						 : PG_GETARG_TIMESTAMPTZ(3)) ||
		day > s->as_of_day || day < s->as_of_day - RFM_DAY_SPAN ||
		!rfm_fixed_from_double(PG_GETARG_FLOAT8(2), &famount) ||
		s->nrows == PG_INT64_MAX)
		return false;
	key = rfm_day_key(s->as_of_day, day);
	prev = s->days[s->ndays - 1];
	if (key != prev && (key < prev || s->ndays >= RFM_CAP(s)))
		return false;

	/*
	 * Both terms are below 2^126 in magnitude (rfm_fixed_from_double and
	 * rfm_fixed_add keep them so), so the int128 sum cannot overflow; it is
	 * kept only when its high word shows it well inside the limit (else the
	 * general path decides).
	 */
	total = rfm_total(s) + famount;
	if (!RFM_FIXED_SAFE(total))
		return false;
	if (key == s->first_key)
	{
		first = rfm_fixed_join(s->first_lo, s->first_hi) + famount;
		if (!RFM_FIXED_SAFE(first))
			return false;
		rfm_fixed_split(first, &s->first_lo, &s->first_hi);
	}
	s->nrows++;
	rfm_fixed_split(total, &s->total_lo, &s->total_hi);
	if (key != prev)
	{
		/* key > prev >= first_key: a new latest-appended day */
		if (key > s->last_key)
			s->last_key = key;
		s->days[s->ndays++] = key;
	}
	return true;
}

/* every argument given (fn_extra: set by an earlier call) */
#define RFM_FAST_ARGS(fcinfo) \
	((fcinfo)->flinfo->fn_extra != NULL && \
	 !PG_ARGISNULL(0) && !PG_ARGISNULL(1) && !PG_ARGISNULL(2) && !PG_ARGISNULL(3) && \
	 (PG_NARGS() == 4 || (PG_NARGS() == 5 && !PG_ARGISNULL(4))))

PG_FUNCTION_INFO_V1(clientele_rfm_trans_tstz);

/* rfm_state_trans(state, ts timestamptz, amount float8, as_of timestamptz [, unit interval]) */
Datum
clientele_rfm_trans_tstz(PG_FUNCTION_ARGS)
{
	if (likely(RFM_FAST_ARGS(fcinfo)))
	{
		RfmTzCache *c = (RfmTzCache *) fcinfo->flinfo->fn_extra;
		TimestampTz ts = PG_GETARG_TIMESTAMPTZ(1);

		/* the day of the row before (fixed-offset zones only: else empty) */
		if (ts >= c->day_lo && ts < c->day_hi &&
			rfm_trans_fast(fcinfo, RFM_KIND_TIMESTAMPTZ, c->day))
			PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	return rfm_trans_common(fcinfo, RFM_KIND_TIMESTAMPTZ);
}

PG_FUNCTION_INFO_V1(clientele_rfm_trans_date);

/* rfm_state_trans(state, ts date, amount float8, as_of date [, unit interval]) */
Datum
clientele_rfm_trans_date(PG_FUNCTION_ARGS)
{
	if (likely(RFM_FAST_ARGS(fcinfo)))
	{
		DateADT		d = PG_GETARG_DATEADT(1);

		if (!DATE_NOT_FINITE(d) && rfm_trans_fast(fcinfo, RFM_KIND_DATE, (int32) d))
			PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	return rfm_trans_common(fcinfo, RFM_KIND_DATE);
}

PG_FUNCTION_INFO_V1(clientele_rfm_combine);

/*
 * Merge two partial states exactly: union of days, integer sums.  state1
 * belongs to the aggregate and is updated in place when it can be (the
 * other state has a single purchase day, or both the same single day);
 * nodeAgg copies a returned new pointer into the aggregate context.
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
				nb,
				cap;
	RfmFixed	fa,
				fb;

	(void) cl_agg_context(fcinfo);
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = rfm_state_arg(PG_GETARG_DATUM(1));
	/* b (the input) is copied by nodeAgg when it becomes the state */
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(b);
	a = rfm_state_arg(PG_GETARG_DATUM(0));
	rfm_check_same_group(a, b->kind, b->as_of_raw, b->unit_days);

	if (b->ndays == 0)
		PG_RETURN_POINTER(a);
	if (a->ndays == 0)
		PG_RETURN_POINTER(b);

	/* b has one purchase day: add it to a (in place unless a must grow) */
	if (b->ndays == 1)
	{
		RfmDayKey	kb = RFM_IS_SMALL(b) ? b->first_key : b->days[0];

		if (RFM_IS_SMALL(a) && kb != a->first_key)
			a = rfm_state_resize(a, RFM_FULL_INITIAL_CAP);
		PG_RETURN_POINTER(rfm_state_add_key(a, kb, rfm_total(b), b->nrows));
	}

	/* amounts and bounds */
	fa = rfm_first(a);
	fb = rfm_first(b);
	da = rfm_state_sorted_days(a, &na);
	db = rfm_state_sorted_days(b, &nb);
	cap = Max(na + nb, RFM_FULL_INITIAL_CAP);
	r = rfm_state_resize(a, cap);
	rfm_count_rows(r, b->nrows);
	rfm_fixed_accumulate(&r->total_lo, &r->total_hi, rfm_total(b));
	if (b->first_key < a->first_key)
	{
		r->first_key = b->first_key;
		rfm_fixed_split(fb, &r->first_lo, &r->first_hi);
	}
	else
	{
		rfm_fixed_split(fa, &r->first_lo, &r->first_hi);
		if (b->first_key == a->first_key)
			rfm_fixed_accumulate(&r->first_lo, &r->first_hi, fb);
	}
	if (b->last_key > a->last_key)
		r->last_key = b->last_key;
	r->ndays = rfm_days_merge(da, na, db, nb, r->days);
	r->flags |= RFM_FLAG_SORTED;
	PG_RETURN_POINTER(r);
}

/* ---------------------------------------------------------------------------
 * final function
 * ------------------------------------------------------------------------- */

#define RFM_SUMMARY_NATTS 11

/*
 * The final function's cache (fn_extra): the blessed result descriptor and,
 * when every column is fixed-width and passed by value (as in
 * clientele.rfm_summary), a result tuple made once by heap_form_tuple whose
 * copy, with the column values stored over its own, is the result of every
 * later call: the same bytes (header included, whatever the server stamps
 * into it) without heap_form_tuple's per-column size and fill passes, which
 * cost about as much as the rest of the summary for a one-row group.
 */
typedef struct RfmResultCache
{
	TupleDesc	tupdesc;
	HeapTupleHeader tmpl;		/* NULL: heap_form_tuple every time */
	uint32		len;			/* bytes of tmpl */
	int			off[RFM_SUMMARY_NATTS]; /* column offsets from tmpl */
	int16		attlen[RFM_SUMMARY_NATTS];
} RfmResultCache;

/* the widths of clientele.rfm_summary's columns: int4, 3 float8, 3 int4/date, 2 float8, int8, date */
static const int16 rfm_summary_attlen[RFM_SUMMARY_NATTS] = {4, 8, 8, 8, 4, 4, 4, 8, 8, 8, 4};

/* store v at byte offset off of the tuple d (unaligned-safe; the compiler makes it one move) */
#define RFM_PUT(d, off, type, v) \
	do { type v_ = (v); memcpy((char *) (d) + (off), &v_, sizeof(type)); } while (0)

/*
 * The result tuple, copied from the template with the column values stored
 * over its own (the widths of rfm_summary_attlen, checked when the template
 * was made), in the order of clientele.rfm_summary's columns.
 */
static inline HeapTupleHeader
rfm_result_copy(const RfmResultCache *c, int32 frequency, double recency, double t,
				double monetary, int32 first_at, int32 last_at, int32 periods,
				double total, double days_since_last, int64 transactions, int32 as_of)
{
	HeapTupleHeader td = palloc(c->len);

	memcpy(td, c->tmpl, c->len);
	RFM_PUT(td, c->off[0], int32, frequency);
	RFM_PUT(td, c->off[1], double, recency);
	RFM_PUT(td, c->off[2], double, t);
	RFM_PUT(td, c->off[3], double, monetary);
	RFM_PUT(td, c->off[4], int32, first_at);
	RFM_PUT(td, c->off[5], int32, last_at);
	RFM_PUT(td, c->off[6], int32, periods);
	RFM_PUT(td, c->off[7], double, total);
	RFM_PUT(td, c->off[8], double, days_since_last);
	RFM_PUT(td, c->off[9], int64, transactions);
	RFM_PUT(td, c->off[10], int32, as_of);
	return td;
}

static RfmResultCache *
rfm_result_cache(FunctionCallInfo fcinfo)
{
	MemoryContext old;
	TupleDesc	td;
	RfmResultCache *c;
	Datum		probe[2][RFM_SUMMARY_NATTS];
	bool		nulls[RFM_SUMMARY_NATTS];
	HeapTuple	t;
	HeapTupleHeader cand;
	Size		off = 0;
	bool		fixed = true;

	td = cl_call_result_desc(fcinfo);
	if (td->natts != RFM_SUMMARY_NATTS)
		elog(ERROR, "clientele.rfm_summary has %d columns, expected %d",
			 td->natts, RFM_SUMMARY_NATTS);
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	c = palloc0(sizeof(RfmResultCache));
	c->tupdesc = td;
	for (int i = 0; i < RFM_SUMMARY_NATTS && fixed; i++)
	{
		Form_pg_attribute att = TupleDescAttr(c->tupdesc, i);

		if (att->attisdropped || !att->attbyval || att->attlen <= 0)
			fixed = false;
		else
		{
			/* as heap_fill_tuple places a by-value column */
			off = att_align_nominal(off, att->attalign);
			c->off[i] = (int) off;
			c->attlen[i] = att->attlen;
			off += att->attlen;
		}
		/* two sets of probe values, every byte of each column differing */
		probe[0][i] = (Datum) UINT64CONST(0x0102030405060708);
		probe[1][i] = (Datum) UINT64CONST(0x1122334455667788);
		nulls[i] = false;
	}
	/* the column widths the final function writes (rfm_summary's types) */
	for (int i = 0; i < RFM_SUMMARY_NATTS && fixed; i++)
		if (c->attlen[i] != rfm_summary_attlen[i])
			fixed = false;
	if (fixed)
	{
		t = heap_form_tuple(c->tupdesc, probe[0], nulls);
		c->tmpl = t->t_data;
		c->len = t->t_len;
		for (int i = 0; i < RFM_SUMMARY_NATTS; i++)
			c->off[i] += c->tmpl->t_hoff;
		/* use the copy only if it is heap_form_tuple's tuple byte for byte */
		t = heap_form_tuple(c->tupdesc, probe[1], nulls);
		cand = rfm_result_copy(c, (int32) probe[1][0], DatumGetFloat8(probe[1][1]),
							   DatumGetFloat8(probe[1][2]), DatumGetFloat8(probe[1][3]),
							   (int32) probe[1][4], (int32) probe[1][5], (int32) probe[1][6],
							   DatumGetFloat8(probe[1][7]), DatumGetFloat8(probe[1][8]),
							   DatumGetInt64(probe[1][9]), (int32) probe[1][10]);
		if (HeapTupleHeaderHasExternal(c->tmpl) || t->t_len != c->len ||
			c->tmpl->t_hoff + off > c->len || memcmp(t->t_data, cand, c->len) != 0)
			c->tmpl = NULL;
	}
	MemoryContextSwitchTo(old);
	fcinfo->flinfo->fn_extra = c;
	return c;
}

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
	RfmResultCache *rc;
	Datum		values[RFM_SUMMARY_NATTS];
	bool		nulls[RFM_SUMMARY_NATTS];
	int			ndays;
	int			frequency;
	int32		first_day,
				last_day;
	double		total,
				unit,
				recency,
				t,
				monetary,
				days_since_last;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = rfm_state_arg(PG_GETARG_DATUM(0));
	if (s->ndays == 0)
		PG_RETURN_NULL();

	rc = (RfmResultCache *) fcinfo->flinfo->fn_extra;
	if (rc == NULL)
		rc = rfm_result_cache(fcinfo);

	if (RFM_IS_SMALL(s) || (s->flags & RFM_FLAG_SORTED))
		ndays = s->ndays;
	else
		(void) rfm_state_sorted_days(s, &ndays);

	frequency = ndays - 1;
	unit = s->unit_days;
	total = rfm_fixed_to_double(rfm_total(s));
	first_day = rfm_key_day(s->as_of_day, s->first_key);
	last_day = rfm_key_day(s->as_of_day, s->last_key);
	recency = (double) (last_day - first_day) / unit;
	t = (double) (s->as_of_day - first_day) / unit;
	/* repeat purchases: everything but the first day, summed exactly */
	monetary = frequency > 0
		? rfm_fixed_to_double(rfm_total(s) - rfm_first(s)) / frequency
		: 0.0;
	days_since_last = (double) (s->as_of_day - last_day);

	if (likely(rc->tmpl != NULL))
		PG_RETURN_DATUM(HeapTupleHeaderGetDatum(rfm_result_copy(rc, frequency, recency, t, monetary,
																first_day, last_day, ndays, total,
																days_since_last, s->nrows,
																s->as_of_day)));

	memset(nulls, 0, sizeof(nulls));
	values[0] = Int32GetDatum(frequency);
	values[1] = Float8GetDatum(recency);
	values[2] = Float8GetDatum(t);
	values[3] = Float8GetDatum(monetary);
	values[4] = DateADTGetDatum((DateADT) first_day);
	values[5] = DateADTGetDatum((DateADT) last_day);
	values[6] = Int32GetDatum(ndays);
	values[7] = Float8GetDatum(total);
	values[8] = Float8GetDatum(days_since_last);
	values[9] = Int64GetDatum(s->nrows);
	values[10] = DateADTGetDatum((DateADT) s->as_of_day);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(rc->tupdesc, values, nulls)));
}

/* ---------------------------------------------------------------------------
 * type I/O: binary form (send/recv) and text form (hex of the binary form),
 * encoded and checked by src/core (rfm_wire_encode / rfm_wire_decode)
 * ------------------------------------------------------------------------- */

/* the binary form of s, palloc'd; its length in *len */
static unsigned char *
rfm_state_to_wire(const RfmState *s, size_t *len)
{
	RfmStateFields f;
	const RfmDayKey *d;
	int			n;
	unsigned char *buf;

	d = rfm_state_sorted_days(s, &n);
	f.kind = s->kind;
	f.as_of_raw = s->as_of_raw;
	f.unit_days = s->unit_days;
	f.nrows = s->nrows;
	f.total = rfm_total(s);
	f.first = n > 0 ? rfm_first(s) : 0;
	f.as_of_day = s->as_of_day;
	f.first_day = n > 0 ? rfm_key_day(s->as_of_day, s->first_key) : 0;
	f.last_day = n > 0 ? rfm_key_day(s->as_of_day, s->last_key) : 0;
	f.ndays = n;
	*len = rfm_wire_size(n);
	buf = palloc(*len);
	rfm_wire_encode(&f, d, buf);
	return buf;
}

/* a state from its binary form (checked by rfm_wire_decode) */
static RfmState *
rfm_state_from_wire(const unsigned char *buf, size_t len)
{
	RfmStateFields f;
	int32		n;
	const char *err;
	RfmState   *s;
	RfmDayKey	one;
	RfmDayKey  *days;

	if ((err = rfm_wire_ndays(buf, len, &n)) != NULL)
		rfm_bad_state(err);
	days = n <= 1 ? &one : palloc(sizeof(RfmDayKey) * n);
	if ((err = rfm_wire_decode(buf, len, &f, days)) != NULL)
		rfm_bad_state(err);
	s = rfm_state_new(f.kind, f.as_of_raw, f.as_of_day, f.unit_days, false);
	s->nrows = f.nrows;
	rfm_fixed_split(f.total, &s->total_lo, &s->total_hi);
	s->ndays = n;
	if (n > 0)
	{
		s->first_key = days[0];
		s->last_key = days[n - 1];
	}
	if (n <= 1)
		return s;				/* small: the first-day sum is the total */
	s = rfm_state_resize(s, Max(n, RFM_FULL_INITIAL_CAP));
	rfm_fixed_split(f.first, &s->first_lo, &s->first_hi);
	memcpy(s->days, days, sizeof(RfmDayKey) * n);
	s->ndays = n;
	s->flags |= RFM_FLAG_SORTED;
	return s;
}

PG_FUNCTION_INFO_V1(clientele_rfm_state_send);

Datum
clientele_rfm_state_send(PG_FUNCTION_ARGS)
{
	RfmState   *s = rfm_state_arg(PG_GETARG_DATUM(0));
	size_t		len;
	unsigned char *buf = rfm_state_to_wire(s, &len);

	PG_RETURN_BYTEA_P(cl_bytes_to_bytea(buf, len));
}

PG_FUNCTION_INFO_V1(clientele_rfm_state_recv);

Datum
clientele_rfm_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	RfmState   *s = rfm_state_from_wire((const unsigned char *) buf->data + buf->cursor,
										(size_t) (buf->len - buf->cursor));

	buf->cursor = buf->len;
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(clientele_rfm_state_out);

/* text form: "rfm1:" and the binary form in hex */
Datum
clientele_rfm_state_out(PG_FUNCTION_ARGS)
{
	RfmState   *s = rfm_state_arg(PG_GETARG_DATUM(0));
	size_t		len;
	unsigned char *buf = rfm_state_to_wire(s, &len);

	PG_RETURN_CSTRING(cl_hex_text("rfm1:", buf, len));
}

PG_FUNCTION_INFO_V1(clientele_rfm_state_in);

Datum
clientele_rfm_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	size_t		n;
	char	   *buf = cl_hex_parse(str, "rfm1:", "clientele.rfm_state", &n);

	PG_RETURN_POINTER(rfm_state_from_wire((const unsigned char *) buf, n));
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
