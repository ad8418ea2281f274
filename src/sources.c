/*
 * sources.c
 *		Column shapes of mapped sources (sql/replace/sources.sql) that are
 *		cheaper in C than as an SQL expression evaluated per row.
 *
 * clientele.local_time(local timestamp, zone text) -> timestamptz is
 * "local AT TIME ZONE zone" (timezone(text, timestamp)), bit for bit, for
 * the local_time shape of clientele.map_column.  The built-in parses the
 * zone name (abbreviation table, then the zone hash) and walks the zone's
 * transition table on every row.  Here each call site keeps the zone and a
 * few windows of UTC instants over which the zone's UTC offset is constant
 * (from one DST transition to the next): a local time whose candidate
 * instant (local - offset) lies in such a window converts with one
 * subtraction.  Everything else (the first row, the hours next to a
 * transition, where a local time is ambiguous or does not exist, names that
 * are abbreviations) goes through the built-in itself, so the result is
 * always the built-in's.
 *
 * Why a window gives the built-in's answer: within [lo, next transition)
 * the offset is constant, so an instant u there with u + offset = local is
 * an interpretation of local.  It is the only one unless local is in the
 * overlap of a fall-back transition; those local times are excluded by
 * ending the window (next transition - (offset before - offset after)), and
 * the overlap after the previous transition resolves, as in PostgreSQL, to
 * the later instant, the one inside the window.  A local time skipped by a
 * spring-forward transition has no instant in any window (its candidate
 * falls before lo or after the window's end) and goes to the built-in.
 */
#include "clientele.h"

#include "datatype/timestamp.h"
#include "pgtime.h"
#include "utils/timestamp.h"

#define LT_WINDOWS 8

typedef struct LocalTimeWindow
{
	TimestampTz lo;				/* first instant checked (inclusive) */
	TimestampTz hi;				/* end (exclusive): before the next transition */
	int64		offset;			/* local - UTC, microseconds */
} LocalTimeWindow;

typedef struct LocalTimeCache
{
	text	   *zone;			/* the zone argument the windows belong to */
	pg_tz	   *tz;				/* NULL: no windows (not a zone name) */
	int			nwindows;
	int			next;			/* slot replaced when all are in use */
	LocalTimeWindow windows[LT_WINDOWS];
} LocalTimeCache;

/* pg_time_t (Unix seconds) <-> TimestampTz (microseconds since 2000-01-01) */
#define LT_EPOCH_SHIFT ((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY)

/*
 * After the built-in converted local into instant u: remember the window of
 * u, if the zone's offset at u is the one the built-in used (it is not for
 * an abbreviation such as CET, a fixed offset, in summer).
 */
static void
local_time_learn(LocalTimeCache *c, Timestamp local, TimestampTz u)
{
	pg_time_t	t;
	pg_time_t	boundary = 0;
	long int	before_gmtoff;
	long int	after_gmtoff = 0;
	int			before_isdst;
	int			after_isdst;
	int			found;
	int64		offset = local - u;
	TimestampTz hi;
	int			i;

	t = (pg_time_t) (u >= 0 ? u / USECS_PER_SEC : -((-u + USECS_PER_SEC - 1) / USECS_PER_SEC)) + LT_EPOCH_SHIFT;
	found = pg_next_dst_boundary(&t, &before_gmtoff, &before_isdst, &boundary,
								 &after_gmtoff, &after_isdst, c->tz);
	if (found < 0 || (int64) before_gmtoff * USECS_PER_SEC != offset)
		return;
	if (found == 0)
		hi = DT_NOEND;
	else
	{
		/* leave out the instants whose local time a fall-back repeats */
		int64		overlap = Max((int64) before_gmtoff - (int64) after_gmtoff, 0);

		hi = ((int64) boundary - LT_EPOCH_SHIFT - overlap) * USECS_PER_SEC;
	}
	if (u >= hi)
		return;
	/* the same window seen from an earlier instant: extend it */
	for (i = 0; i < c->nwindows; i++)
	{
		LocalTimeWindow *w = &c->windows[i];

		if (w->offset == offset && w->hi == hi)
		{
			if (u < w->lo)
				w->lo = u;
			return;
		}
	}
	if (c->nwindows < LT_WINDOWS)
		i = c->nwindows++;
	else
	{
		i = c->next;
		c->next = (c->next + 1) % LT_WINDOWS;
	}
	c->windows[i].lo = u;
	c->windows[i].hi = hi;
	c->windows[i].offset = offset;
}

PG_FUNCTION_INFO_V1(clientele_local_time);

/* local_time(local timestamp, zone text) -> timestamptz, = local AT TIME ZONE zone */
Datum
clientele_local_time(PG_FUNCTION_ARGS)
{
	Timestamp	local = PG_GETARG_TIMESTAMP(0);
	text	   *zone = PG_GETARG_TEXT_PP(1);
	LocalTimeCache *c = (LocalTimeCache *) fcinfo->flinfo->fn_extra;
	TimestampTz u;
	int			i;

	if (TIMESTAMP_NOT_FINITE(local))
		PG_RETURN_TIMESTAMPTZ(local);
	if (c == NULL || VARSIZE_ANY_EXHDR(c->zone) != VARSIZE_ANY_EXHDR(zone) ||
		memcmp(VARDATA_ANY(c->zone), VARDATA_ANY(zone), VARSIZE_ANY_EXHDR(zone)) != 0)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		char	   *name = text_to_cstring(zone);

		if (c == NULL)
			c = palloc0(sizeof(LocalTimeCache));
		else
			pfree(c->zone);
		c->zone = (text *) PG_DETOAST_DATUM_COPY(PointerGetDatum(zone));
		c->tz = strlen(name) < TZ_STRLEN_MAX ? pg_tzset(name) : NULL;
		c->nwindows = 0;
		c->next = 0;
		pfree(name);
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = c;
	}
	for (i = 0; i < c->nwindows; i++)
	{
		const LocalTimeWindow *w = &c->windows[i];

		/* local - offset cannot overflow: |offset| < 1 day, far inside the range */
		u = local - w->offset;
		if (u >= w->lo && u < w->hi)
			PG_RETURN_TIMESTAMPTZ(u);
	}
	/* the built-in (its errors, e.g. an unknown zone, are the user's) */
	u = DatumGetTimestampTz(DirectFunctionCall2(timestamp_zone, PointerGetDatum(zone),
												TimestampGetDatum(local)));
	if (c->tz != NULL && !TIMESTAMP_NOT_FINITE(u))
		local_time_learn(c, local, u);
	PG_RETURN_TIMESTAMPTZ(u);
}

