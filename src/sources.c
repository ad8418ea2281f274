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
 * clientele.recode(code text, source_codes text[], codes text[]) -> text is
 * the code map of an input column (clientele.code_map): codes[i] for the
 * first source_codes[i] equal to code byte for byte (what = means under
 * COLLATE "C"), code itself when none is, NULL for NULL.  It replaced an
 * inlined CASE that called texteq once per WHEN until one matched (two or
 * three calls a row, each detoasting both sides); here each call site builds
 * the map once (the arrays are constants of the input's compiled body) and a
 * row costs one call and, per entry tried, a test of the length and of the
 * first 8 bytes as one integer (memcmp of the rest of a longer code), the
 * entries tried in the order given (a hash table past RECODE_LINEAR entries).
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

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "datatype/timestamp.h"
#include "pgtime.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
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


/* maps of at most this many codes are searched in order, larger ones hashed */
#define RECODE_LINEAR 8

typedef struct RecodeEntry
{
	int			len;			/* bytes of the source code */
	uint64		head;			/* its first (up to) 8 bytes, zero-padded */
	const char *bytes;			/* the source code (not terminated) */
	Datum		code;			/* the clientele code, a plain text datum */
} RecodeEntry;

typedef struct RecodeMap
{
	int			n;				/* entries (duplicate source codes: the first) */
	uint32		mask;			/* hash slots - 1; 0 when searched in order */
	int		   *slots;			/* entry + 1 per slot, 0 = empty */
	RecodeEntry entries[FLEXIBLE_ARRAY_MEMBER];
} RecodeMap;

/* the first (up to) 8 bytes of a code as one integer: most codes are that short */
static inline uint64
recode_head(const char *p, int len)
{
	uint64		h = 0;

	memcpy(&h, p, Min(len, (int) sizeof(uint64)));
	return h;
}

/* same length, same first 8 bytes, and the same rest */
#define RECODE_EQ(e, p, len, head) \
	((e)->len == (len) && (e)->head == (head) && \
	 ((len) <= (int) sizeof(uint64) || memcmp((e)->bytes, (p), (len)) == 0))

static RecodeEntry *
recode_find(const RecodeMap *m, const char *p, int len)
{
	uint64		head = recode_head(p, len);
	int			i;

	if (m->mask == 0)
	{
		for (i = 0; i < m->n; i++)
		{
			const RecodeEntry *e = &m->entries[i];

			if (RECODE_EQ(e, p, len, head))
				return (RecodeEntry *) e;
		}
		return NULL;
	}
	for (i = hash_bytes((const unsigned char *) p, len) & m->mask; m->slots[i] != 0; i = (i + 1) & m->mask)
	{
		const RecodeEntry *e = &m->entries[m->slots[i] - 1];

		if (RECODE_EQ(e, p, len, head))
			return (RecodeEntry *) e;
	}
	return NULL;
}

/* The map of the two arrays, allocated in the current memory context. */
static RecodeMap *
recode_build(ArrayType *src, ArrayType *dst)
{
	Datum	   *sv;
	Datum	   *dv;
	bool	   *sn;
	bool	   *dn;
	int			ns;
	int			nd;
	int			i;
	RecodeMap  *m;

	if (ARR_NDIM(src) > 1 || ARR_NDIM(dst) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source codes and codes must be one-dimensional arrays")));
	deconstruct_array(src, TEXTOID, -1, false, TYPALIGN_INT, &sv, &sn, &ns);
	deconstruct_array(dst, TEXTOID, -1, false, TYPALIGN_INT, &dv, &dn, &nd);
	if (ns != nd)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source codes and codes must have the same number of elements, got %d and %d", ns, nd)));
	m = palloc0(offsetof(RecodeMap, entries) + sizeof(RecodeEntry) * Max(ns, 1));
	for (i = 0; i < ns; i++)
	{
		text	   *s;
		RecodeEntry *e;

		if (sn[i] || dn[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULL (element %d)", sn[i] ? "source codes" : "codes", i + 1)));
		s = DatumGetTextPP(sv[i]);
		if (recode_find(m, VARDATA_ANY(s), VARSIZE_ANY_EXHDR(s)) != NULL)
			continue;			/* as a CASE: the first WHEN that matches */
		e = &m->entries[m->n++];
		e->len = VARSIZE_ANY_EXHDR(s);
		e->head = recode_head(VARDATA_ANY(s), e->len);
		e->bytes = VARDATA_ANY(s);
		e->code = PointerGetDatum(DatumGetTextP(dv[i]));
	}
	if (m->n > RECODE_LINEAR)
	{
		uint32		nslots = 4;

		while (nslots < (uint32) m->n * 2)
			nslots <<= 1;
		m->slots = palloc0(sizeof(int) * nslots);
		m->mask = nslots - 1;
		for (i = 0; i < m->n; i++)
		{
			uint32		h = hash_bytes((const unsigned char *) m->entries[i].bytes, m->entries[i].len) & m->mask;

			while (m->slots[h] != 0)
				h = (h + 1) & m->mask;
			m->slots[h] = i + 1;
		}
	}
	return m;
}

PG_FUNCTION_INFO_V1(clientele_recode);

/* recode(code text, source_codes text[], codes text[]) -> text */
Datum
clientele_recode(PG_FUNCTION_ARGS)
{
	text	   *code = PG_GETARG_TEXT_PP(0);
	RecodeMap  *m = (RecodeMap *) fcinfo->flinfo->fn_extra;
	RecodeEntry *e;

	if (m == NULL)
	{
		/* constant arrays (a compiled input body): build the map once per call site */
		bool		keep = get_fn_expr_arg_stable(fcinfo->flinfo, 1) &&
			get_fn_expr_arg_stable(fcinfo->flinfo, 2);
		MemoryContext old = MemoryContextSwitchTo(keep ? fcinfo->flinfo->fn_mcxt : CurrentMemoryContext);

		m = recode_build(PG_GETARG_ARRAYTYPE_P_COPY(1), PG_GETARG_ARRAYTYPE_P_COPY(2));
		MemoryContextSwitchTo(old);
		if (keep)
			fcinfo->flinfo->fn_extra = m;
	}
	e = recode_find(m, VARDATA_ANY(code), VARSIZE_ANY_EXHDR(code));
	PG_RETURN_DATUM(e != NULL ? e->code : PointerGetDatum(code));
}
