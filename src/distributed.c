/*
 * distributed.c
 *		clientele on Citus: the same calendar days on every node.
 *
 * rfm_summary over timestamptz takes calendar days in the session TimeZone.
 * Citus does not pass the session TimeZone to the workers, so a query pushed
 * down to them would count days in the workers' own zone.  Two pieces fix
 * that:
 *
 *	- rfm_summary(ts, amount, as_of, unit, time_zone text): days taken in the
 *	  named zone, whatever the session says (its transition function runs the
 *	  one of rfm_summary with the session zone switched for the call);
 *	- a planner hook, active when Citus is loaded in the backend, that turns
 *	  every call of the 3- and 4-argument timestamptz forms into that form
 *	  with the session TimeZone as a constant, before Citus deparses the query
 *	  for the workers.  The hook only exists once the library is loaded: the
 *	  coordinator loads it first (shared_preload_libraries = 'citus,clientele').
 */
#include "clientele.h"

#include "catalog/namespace.h"
#include "common/int.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/planner.h"
#include "parser/parse_func.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

/* the transition function of rfm_summary over timestamptz (src/rfm.c) */
extern PGDLLEXPORT Datum clientele_rfm_trans_tstz(PG_FUNCTION_ARGS);

/* a GUC that exists exactly when Citus is loaded in this backend */
#define CL_CITUS_GUC "citus.allow_nested_distributed_execution"

static planner_hook_type prev_planner_hook = NULL;

typedef struct ClTzRewrite
{
	bool		looked_up;
	Oid			agg3;			/* rfm_summary(timestamptz, float8, timestamptz) */
	Oid			agg4;			/* ... , interval) */
	Oid			agg5;			/* ... , interval, text) */
	const char *zone;			/* the session TimeZone's name */
} ClTzRewrite;

static Oid
cl_lookup_rfm(int nargs)
{
	Oid			types[5] = {TIMESTAMPTZOID, FLOAT8OID, TIMESTAMPTZOID, INTERVALOID, TEXTOID};

	return LookupFuncName(list_make2(makeString("clientele"), makeString("rfm_summary")),
						  nargs, types, true);
}

static bool
cl_is_rfm_summary(Oid fn)
{
	char	   *name = get_func_name(fn);
	bool		is = name != NULL && strcmp(name, "rfm_summary") == 0 &&
		get_func_namespace(fn) == get_namespace_oid("clientele", true);

	if (name)
		pfree(name);
	return is;
}

static bool
cl_tz_rewrite_walker(Node *node, ClTzRewrite *ctx)
{
	if (node == NULL)
		return false;
	if (IsA(node, Aggref))
	{
		Aggref	   *a = (Aggref *) node;
		int			n = list_length(a->args);

		/*
		 * the name first (a syscache read, no privilege check): the lookups
		 * by signature check USAGE on the schema, which a query that does
		 * not call clientele's functions need not have
		 */
		if ((n == 3 || n == 4) && cl_is_rfm_summary(a->aggfnoid))
		{
			if (!ctx->looked_up)
			{
				ctx->agg3 = cl_lookup_rfm(3);
				ctx->agg4 = cl_lookup_rfm(4);
				ctx->agg5 = cl_lookup_rfm(5);
				ctx->looked_up = true;
			}
			if (OidIsValid(ctx->agg5) && OidIsValid(a->aggfnoid) &&
				(a->aggfnoid == ctx->agg3 || a->aggfnoid == ctx->agg4))
			{
				if (n == 3)
				{
					Interval   *day = palloc0(sizeof(Interval));

					day->day = 1;
					a->args = lappend(a->args,
									  makeTargetEntry((Expr *) makeConst(INTERVALOID, -1, InvalidOid, sizeof(Interval),
																		 PointerGetDatum(day), false, false),
													  4, NULL, false));
					a->aggargtypes = lappend_oid(a->aggargtypes, INTERVALOID);
				}
				a->args = lappend(a->args,
								  makeTargetEntry((Expr *) makeConst(TEXTOID, -1, DEFAULT_COLLATION_OID, -1,
																	 PointerGetDatum(cstring_to_text(ctx->zone)),
																	 false, false),
												  5, NULL, false));
				a->aggargtypes = lappend_oid(a->aggargtypes, TEXTOID);
				a->aggfnoid = ctx->agg5;
			}
		}
		/* the arguments may hold sub-selects */
	}
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, cl_tz_rewrite_walker, (void *) ctx, 0);
	return expression_tree_walker(node, cl_tz_rewrite_walker, (void *) ctx);
}

static bool
cl_query_has_aggs(Query *q)
{
	ListCell   *lc;

	if (q->hasAggs)
		return true;
	foreach(lc, q->rtable)
	{
		RangeTblEntry *rte = lfirst_node(RangeTblEntry, lc);

		if (rte->rtekind == RTE_SUBQUERY && cl_query_has_aggs(rte->subquery))
			return true;
	}
	foreach(lc, q->cteList)
	{
		CommonTableExpr *cte = lfirst_node(CommonTableExpr, lc);

		if (IsA(cte->ctequery, Query) && cl_query_has_aggs((Query *) cte->ctequery))
			return true;
	}
	return q->hasSubLinks;		/* aggregates may hide in sub-selects */
}

static PlannedStmt *
clientele_planner(Query *parse, const char *query_string, int cursorOptions,
				  ParamListInfo boundParams)
{
	if (GetConfigOption(CL_CITUS_GUC, true, false) != NULL && cl_query_has_aggs(parse))
	{
		ClTzRewrite ctx = {0};

		ctx.zone = pg_get_timezone_name(session_timezone);
		(void) query_tree_walker(parse, cl_tz_rewrite_walker, (void *) &ctx, 0);
	}
	if (prev_planner_hook)
		return prev_planner_hook(parse, query_string, cursorOptions, boundParams);
	return standard_planner(parse, query_string, cursorOptions, boundParams);
}

void
clientele_distributed_init(void)
{
	prev_planner_hook = planner_hook;
	planner_hook = clientele_planner;
}

/* last zone looked up: pg_tzset caches too, this saves the hash lookup */
static char cl_last_zone[TZ_STRLEN_MAX + 1];
static pg_tz *cl_last_tz = NULL;

/*
 * The zone named by argument argno of a function taking a time_zone text
 * argument (rfm_summary's and activity_summary's zone forms): ERROR 22023
 * for NULL or an unknown name.
 */
pg_tz *
cl_zone_arg(FunctionCallInfo fcinfo, int argno)
{
	text	   *arg;
	int			len;
	char	   *zone;
	pg_tz	   *tz;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("time_zone must not be NULL")));
	arg = PG_GETARG_TEXT_PP(argno);
	len = VARSIZE_ANY_EXHDR(arg);
	/* the same name as the last call's (every row of a group): no copy */
	if (cl_last_tz != NULL && len <= TZ_STRLEN_MAX && cl_last_zone[len] == '\0' &&
		memcmp(VARDATA_ANY(arg), cl_last_zone, len) == 0)
		return cl_last_tz;
	zone = text_to_cstring(arg);
	tz = strlen(zone) <= TZ_STRLEN_MAX ? pg_tzset(zone) : NULL;
	if (tz == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("time zone \"%s\" not recognized", zone),
				 errhint("Use a name from pg_timezone_names, e.g. Asia/Shanghai.")));
	strlcpy(cl_last_zone, zone, sizeof(cl_last_zone));
	cl_last_tz = tz;
	pfree(zone);
	return tz;
}

/* whether tz has a fixed UTC offset (and which), cached for the last zone asked */
static bool
cl_zone_fixed(pg_tz *tz, int64 *offset_usecs)
{
	static pg_tz *last = NULL;
	static bool last_fixed = false;
	static int64 last_offset = 0;

	if (tz != last)
	{
		long		gmtoff = 0;

		last_fixed = pg_get_timezone_offset(tz, &gmtoff);
		last_offset = (int64) gmtoff * USECS_PER_SEC;
		last = tz;
	}
	*offset_usecs = last_offset;
	return last_fixed;
}

/*
 * The wall-clock time of tz at ts, as a timestamptz read in UTC (the value
 * of ts AT TIME ZONE tz); infinities stay as they are.  In a zone with a
 * fixed offset that is ts + offset (what timestamp2tm and tm2timestamp
 * compute there), without the calendar conversion.
 */
TimestampTz
cl_local_time(TimestampTz ts, pg_tz *tz)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tzoff;
	Timestamp	local;
	int64		offset;

	if (TIMESTAMP_NOT_FINITE(ts))
		return ts;
	if (cl_zone_fixed(tz, &offset) && !pg_add_s64_overflow(ts, offset, &local) && IS_VALID_TIMESTAMP(local))
		return (TimestampTz) local;
	if (timestamp2tm(ts, &tzoff, &tm, &fsec, NULL, tz) != 0 ||
		tm2timestamp(&tm, fsec, NULL, &local) != 0 || !IS_VALID_TIMESTAMP(local))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	return (TimestampTz) local;
}

/* UTC, looked up once */
pg_tz *
cl_utc_zone(void)
{
	static pg_tz *utc = NULL;

	if (utc == NULL)
	{
		utc = pg_tzset("UTC");
		if (utc == NULL)
			elog(ERROR, "time zone UTC not found");
	}
	return utc;
}

/* fn(fcinfo) with session_timezone set to tz for the call */
Datum
cl_call_in_zone(PGFunction fn, FunctionCallInfo fcinfo, pg_tz *tz)
{
	pg_tz	   *saved = session_timezone;
	Datum		result;

	/* already the session's zone: nothing to set (or to restore) */
	if (tz == saved)
		return fn(fcinfo);
	session_timezone = tz;
	PG_TRY();
	{
		result = fn(fcinfo);
	}
	PG_FINALLY();
	{
		session_timezone = saved;
	}
	PG_END_TRY();
	return result;
}

PG_FUNCTION_INFO_V1(clientele_rfm_trans_tstz_zone);

/*
 * rfm_summary_trans(state, ts timestamptz, amount float8, as_of timestamptz,
 * unit interval, time_zone text): the transition of rfm_summary over
 * timestamptz with calendar days taken in time_zone instead of the session
 * TimeZone.
 */
Datum
clientele_rfm_trans_tstz_zone(PG_FUNCTION_ARGS)
{
	/*
	 * The days of the state are computed with session_timezone; the state
	 * keeps days, not the zone, so every row of a group must name the same
	 * zone (the planner hook passes one constant).
	 */
	return cl_call_in_zone(clientele_rfm_trans_tstz, fcinfo, cl_zone_arg(fcinfo, 5));
}
