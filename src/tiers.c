/*
 * tiers.c
 *		Tier schemes: tier_of() / tier_rank() / tier_version() and the
 *		write-time validation of clientele.tier_band.
 *
 * The three tables clientele.tier_scheme, tier_version and tier_band are
 * compiled once per backend (config_cache.h) into: schemes sorted by name,
 * each with its versions sorted by valid_from, each with band sets (the
 * default set first, then one per region override) whose bands are sorted
 * by lower bound.  Bounds stay numeric: an amount is compared with them
 * exactly (numeric_cmp), so 9999.995 is below 10000 and never rounded onto
 * it.  The band search itself is plain C in src/core/banding.c.
 *
 * Each call site keeps the band set it resolved last (fn_extra) together
 * with the generation of the compiled copy it came from, so a statement
 * that classifies millions of amounts resolves the scheme once, and an edit
 * committed by any session is seen by the next statement.
 */
#include "clientele.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/date.h"
#include "utils/numeric.h"

#include "banding.h"
#include "config_cache.h"

typedef struct TierSet
{
	char	   *region;			/* NULL: the default bands of the version */
	int			nbands;
	ClBand	   *bands;
	Datum	   *lower;			/* Numeric, 4-byte header; unused if !has_lower */
	Datum	   *upper;
	int32	   *rank;
	text	  **label;
} TierSet;

typedef struct TierVersion
{
	int32		version;
	DateADT		valid_from;
	int			nsets;
	TierSet    *sets;
} TierVersion;

typedef struct TierScheme
{
	char	   *name;
	int			nversions;
	TierVersion *versions;
} TierScheme;

typedef struct TierConfig
{
	uint64		generation;
	int			nschemes;
	TierScheme *schemes;		/* sorted by name (bytewise) */
} TierConfig;

/*
 * Copies of the labels of one band set, owned by a call site: tier_of
 * returns them, and they must outlive a rebuild of the compiled tables in
 * the middle of a query.  One entry per (generation, set) the call site has
 * used, so memory stays bounded even when the scheme changes on every row.
 */
typedef struct TierLabels
{
	uint64		generation;
	const TierSet *set;
	Datum	   *labels;
	struct TierLabels *next;
} TierLabels;

/* what one call site resolved last */
typedef struct TierCallCache
{
	uint64		generation;		/* 0: nothing resolved yet */
	char	   *scheme;
	int			scheme_len;
	char	   *region;			/* NULL: none given */
	int			region_len;
	DateADT		as_of;
	TimestampTz today_xact;		/* transaction whose current_date is "today" */
	DateADT		today;
	const TierSet *set;
	Datum	   *labels;			/* copies of set->label (from label_copies) */
	TierLabels *label_copies;	/* in fn_mcxt */
	FunctionCallInfo cmp;		/* for tier_key_cmp */
	int32		version;
	int			hint;
	bool		outside_noticed;	/* the NOTICE of tier_notice_outside was given */
} TierCallCache;

static const char *const tier_tables[] = {"tier_scheme", "tier_version", "tier_band"};
static ClConfigCache tier_cache = CL_CONFIG_CACHE("tier schemes", tier_tables);
static uint64 tier_generation = 0;

/* ---------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------- */

static inline int
tier_numeric_cmp(Datum a, Datum b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, a, b));
}

/*
 * banding.h callback of the lookup: compare the amount with a bound of band
 * i, calling numeric_cmp through a FunctionCallInfo set up once per call site.
 */
typedef struct TierKeyCtx
{
	const TierSet *set;
	FunctionCallInfo cmp;		/* numeric_cmp, 2 arguments, args[0] = amount */
} TierKeyCtx;

static int
tier_key_cmp(const void *key, int band, int which, void *ctx)
{
	TierKeyCtx *k = (TierKeyCtx *) ctx;
	FunctionCallInfo f = k->cmp;
	Datum		r;

	f->args[1].value = which == CL_BOUND_LOWER ? k->set->lower[band] : k->set->upper[band];
	f->isnull = false;
	r = numeric_cmp(f);
	if (f->isnull)
		elog(ERROR, "numeric_cmp returned NULL");
	return DatumGetInt32(r);
}

static int
tier_pair_cmp(int a, int wa, int b, int wb, void *ctx)
{
	const TierSet *s = (const TierSet *) ctx;

	return tier_numeric_cmp(wa == CL_BOUND_LOWER ? s->lower[a] : s->upper[a],
							wb == CL_BOUND_LOWER ? s->lower[b] : s->upper[b]);
}

/* Reject NaN and +/-Infinity amounts (22023). */
static inline void
tier_check_amount(Numeric num)
{
	if (numeric_is_nan(num))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("amount must be a finite number, got NaN")));
#if PG_VERSION_NUM >= 140000
	if (numeric_is_inf(num))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("amount must be a finite number, got %s",
						DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(num))))));
#endif
}

static inline bool
tier_bound_finite(Datum d)
{
	Numeric		n = DatumGetNumeric(d);

	if (numeric_is_nan(n))
		return false;
#if PG_VERSION_NUM >= 140000
	if (numeric_is_inf(n))
		return false;
#endif
	return true;
}

static char *
region_suffix(const char *region)
{
	return region ? psprintf(" (region \"%s\")", region) : "";
}

static char *
bound_string(const TierSet *s, int i, int which)
{
	const ClBand *b = &s->bands[i];

	if (which == CL_BOUND_LOWER && !b->has_lower)
		return "-infinity";
	if (which == CL_BOUND_UPPER && !b->has_upper)
		return "infinity";
	return DatumGetCString(DirectFunctionCall1(numeric_out,
											   which == CL_BOUND_LOWER ? s->lower[i] : s->upper[i]));
}

static char *
band_string(const TierSet *s, int i)
{
	const ClBand *b = &s->bands[i];

	return psprintf("\"%s\" %c%s, %s%c", text_to_cstring(s->label[i]),
					b->has_lower && b->lower_inclusive ? '[' : '(',
					bound_string(s, i, CL_BOUND_LOWER),
					bound_string(s, i, CL_BOUND_UPPER),
					b->has_upper && b->upper_inclusive ? ']' : ')');
}

/*
 * Read rows [from, to) of an SPI result into band set "s", copying into
 * CurrentMemoryContext.  The columns are region, rank, label, lower_bound,
 * lower_inclusive, upper_bound, upper_inclusive; "first" is the column
 * number of region.
 */
static void
tier_read_bands(TierSet *s, SPITupleTable *tt, uint64 from, uint64 to, int first)
{
	TupleDesc	td = tt->tupdesc;
	uint64		r;
	int			n = (int) (to - from);

	s->nbands = n;
	s->bands = palloc0(sizeof(ClBand) * Max(n, 1));
	s->lower = palloc0(sizeof(Datum) * Max(n, 1));
	s->upper = palloc0(sizeof(Datum) * Max(n, 1));
	s->rank = palloc0(sizeof(int32) * Max(n, 1));
	s->label = palloc0(sizeof(text *) * Max(n, 1));
	for (r = from; r < to; r++)
	{
		HeapTuple	tup = tt->vals[r];
		int			i = (int) (r - from);
		bool		isnull;
		Datum		d;

		s->rank[i] = DatumGetInt32(SPI_getbinval(tup, td, first + 1, &isnull));
		s->label[i] = DatumGetTextPCopy(SPI_getbinval(tup, td, first + 2, &isnull));
		d = SPI_getbinval(tup, td, first + 3, &isnull);
		s->bands[i].has_lower = !isnull;
		if (!isnull)
			s->lower[i] = PointerGetDatum(DatumGetNumericCopy(d));
		s->bands[i].lower_inclusive = DatumGetBool(SPI_getbinval(tup, td, first + 4, &isnull));
		d = SPI_getbinval(tup, td, first + 5, &isnull);
		s->bands[i].has_upper = !isnull;
		if (!isnull)
			s->upper[i] = PointerGetDatum(DatumGetNumericCopy(d));
		s->bands[i].upper_inclusive = DatumGetBool(SPI_getbinval(tup, td, first + 6, &isnull));
	}
}

/* Text column "col" of row r as a C string in CurrentMemoryContext, or NULL. */
static char *
tier_get_text(SPITupleTable *tt, uint64 r, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tt->vals[r], tt->tupdesc, col, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/* Whether text column "col" of row r equals s (NULL = NULL); no allocation. */
static bool
tier_row_text_equals(SPITupleTable *tt, uint64 r, int col, const char *s)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tt->vals[r], tt->tupdesc, col, &isnull);
	text	   *t;

	if (isnull || s == NULL)
		return isnull && s == NULL;
	t = DatumGetTextPP(d);
	return strlen(s) == (size_t) VARSIZE_ANY_EXHDR(t) &&
		memcmp(VARDATA_ANY(t), s, VARSIZE_ANY_EXHDR(t)) == 0;
}

/* ---------------------------------------------------------------------------
 * Compiling the tables (config_cache builder)
 * ------------------------------------------------------------------------- */

#define TIER_BUILD_QUERY \
	"SELECT s.scheme, v.version, v.valid_from, " \
	"       b.region, b.rank, b.label, b.lower_bound, b.lower_inclusive, b.upper_bound, b.upper_inclusive " \
	"FROM clientele.tier_scheme s " \
	"LEFT JOIN clientele.tier_version v ON v.scheme = s.scheme " \
	"LEFT JOIN clientele.tier_band b ON b.scheme = v.scheme AND b.version = v.version " \
	"ORDER BY s.scheme COLLATE \"C\", v.valid_from, v.version, b.region COLLATE \"C\" NULLS FIRST, " \
	"         b.lower_bound NULLS FIRST, b.lower_inclusive DESC, b.rank"

static void *
tier_build(MemoryContext cxt, void *arg)
{
	TierConfig *cfg;
	SPITupleTable *tt;
	uint64		nrows,
				r;
	int			ns = 0,
				nv = 0,
				nsets = 0;
	TierScheme *schemes;
	TierVersion *versions;
	TierSet    *sets;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute(TIER_BUILD_QUERY, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading the tier scheme tables failed");
	tt = SPI_tuptable;
	nrows = SPI_processed;

	MemoryContextSwitchTo(cxt);
	cfg = palloc0(sizeof(TierConfig));
	schemes = palloc0(sizeof(TierScheme) * Max(nrows, 1));
	versions = palloc0(sizeof(TierVersion) * Max(nrows, 1));
	sets = palloc0(sizeof(TierSet) * Max(nrows, 1));

	r = 0;
	while (r < nrows)
	{
		TierScheme *s = &schemes[ns++];
		bool		isnull;
		uint64		send;

		s->name = tier_get_text(tt, r, 1);
		s->versions = &versions[nv];
		for (send = r + 1; send < nrows; send++)
			if (!tier_row_text_equals(tt, send, 1, s->name))
				break;
		/* versions of scheme s: rows [r, send) */
		while (r < send)
		{
			TierVersion *v;
			int32		version = DatumGetInt32(SPI_getbinval(tt->vals[r], tt->tupdesc, 2, &isnull));
			uint64		vend;

			if (isnull)
			{
				r++;			/* a scheme without versions */
				continue;
			}
			v = &versions[nv++];
			s->nversions++;
			v->version = version;
			v->valid_from = DatumGetDateADT(SPI_getbinval(tt->vals[r], tt->tupdesc, 3, &isnull));
			v->sets = &sets[nsets];
			for (vend = r; vend < send; vend++)
			{
				if (DatumGetInt32(SPI_getbinval(tt->vals[vend], tt->tupdesc, 2, &isnull)) != version)
					break;
			}
			/* band sets of version v: rows [r, vend), grouped by region */
			while (r < vend)
			{
				TierSet    *set;
				char	   *region;
				uint64		bend;

				SPI_getbinval(tt->vals[r], tt->tupdesc, 5, &isnull);
				if (isnull)
				{
					r++;		/* a version without bands */
					continue;
				}
				region = tier_get_text(tt, r, 4);
				for (bend = r + 1; bend < vend; bend++)
					if (!tier_row_text_equals(tt, bend, 4, region))
						break;
				set = &sets[nsets++];
				v->nsets++;
				set->region = region;
				tier_read_bands(set, tt, r, bend, 4);
				r = bend;
			}
			r = vend;
		}
		r = send;
	}
	cfg->nschemes = ns;
	cfg->schemes = schemes;
	cfg->generation = ++tier_generation;

	/*
	 * SPI_finish frees the SPI memory (everything kept was copied into cxt)
	 * and returns to the context current at SPI_connect, which is cxt.
	 */
	SPI_finish();
	return cfg;
}

/* ---------------------------------------------------------------------------
 * Resolving (scheme, region, as_of) to a band set
 * ------------------------------------------------------------------------- */

static const TierScheme *
tier_find_scheme(const TierConfig *cfg, const char *name)
{
	int			lo = 0,
				hi = cfg->nschemes - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = strcmp(name, cfg->schemes[mid].name);

		if (c == 0)
			return &cfg->schemes[mid];
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return NULL;
}

static const TierScheme *
tier_scheme_or_error(const TierConfig *cfg, const char *name)
{
	const TierScheme *s = tier_find_scheme(cfg, name);

	if (s == NULL)
	{
		StringInfoData known;
		int			i;

		initStringInfo(&known);
		for (i = 0; i < cfg->nschemes; i++)
			appendStringInfo(&known, "%s%s", i ? ", " : "", cfg->schemes[i].name);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown tier scheme \"%s\"", name),
				 cfg->nschemes > 0
				 ? errdetail("Known tier schemes: %s.", known.data)
				 : errdetail("No tier scheme is defined."),
				 errhint("Tier schemes are rows of clientele.tier_scheme.")));
	}
	return s;
}

static const TierVersion *
tier_version_at(const TierScheme *s, DateADT as_of)
{
	int			i;

	if (s->nversions == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tier scheme \"%s\" has no version", s->name),
				 errhint("Add a row to clientele.tier_version and its bands to clientele.tier_band.")));
	for (i = s->nversions - 1; i >= 0; i--)
	{
		if (s->versions[i].valid_from <= as_of)
			return &s->versions[i];
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("tier scheme \"%s\" has no version valid on %s", s->name,
					DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(as_of)))),
			 errdetail("Its versions are valid from %s onwards.",
					   DatumGetCString(DirectFunctionCall1(date_out,
														   DateADTGetDatum(s->versions[0].valid_from))))));
	return NULL;				/* keep the compiler quiet */
}

static const TierSet *
tier_set_of(const TierScheme *s, const TierVersion *v, const char *region)
{
	int			i;

	if (region != NULL)
	{
		for (i = 0; i < v->nsets; i++)
			if (v->sets[i].region != NULL && strcmp(v->sets[i].region, region) == 0)
				return &v->sets[i];
	}
	if (v->nsets > 0 && v->sets[0].region == NULL)
		return &v->sets[0];
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("tier scheme \"%s\" version %d has no default bands", s->name, v->version),
			 errhint("Add bands with region NULL to clientele.tier_band.")));
	return NULL;
}

static Datum *
tier_label_copies(TierCallCache *cc, MemoryContext mcxt, uint64 generation, const TierSet *set)
{
	TierLabels *l;
	MemoryContext old;
	int			i;

	for (l = cc->label_copies; l != NULL; l = l->next)
		if (l->generation == generation && l->set == set)
			return l->labels;
	old = MemoryContextSwitchTo(mcxt);
	l = palloc(sizeof(TierLabels));
	l->generation = generation;
	l->set = set;
	l->labels = palloc(sizeof(Datum) * Max(set->nbands, 1));
	for (i = 0; i < set->nbands; i++)
		l->labels[i] = PointerGetDatum(DatumGetTextPCopy(PointerGetDatum(set->label[i])));
	l->next = cc->label_copies;
	cc->label_copies = l;
	MemoryContextSwitchTo(old);
	return l->labels;
}

/*
 * The band set for the call's arguments, from the call site's cache when
 * the arguments and the compiled tables are unchanged.
 */
static TierCallCache *
tier_resolve(FunctionCallInfo fcinfo)
{
	TierCallCache *cc = (TierCallCache *) fcinfo->flinfo->fn_extra;
	TierConfig *cfg;
	text	   *scheme_t;
	text	   *region_t = NULL;
	DateADT		as_of;
	const char *sp;
	int			slen;

	CL_ARG_NOT_NULL(0, "scheme");
	scheme_t = PG_GETARG_TEXT_PP(0);
	if (PG_NARGS() > 2 && !PG_ARGISNULL(2))
		region_t = PG_GETARG_TEXT_PP(2);
	if (cc == NULL)
	{
		cc = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(TierCallCache));
		fcinfo->flinfo->fn_extra = cc;
	}
	if (PG_NARGS() > 3 && !PG_ARGISNULL(3))
		as_of = cl_check_date_arg(PG_GETARG_DATEADT(3), "as_of");
	else
	{
		/* current_date, computed once per transaction (it is the start date) */
		TimestampTz xs = GetCurrentTransactionStartTimestamp();

		if (cc->today_xact != xs || cc->today_xact == 0)
		{
			cc->today = GetSQLCurrentDate();
			cc->today_xact = xs;
		}
		as_of = cc->today;
	}

	cfg = cl_config_get(&tier_cache, tier_build, NULL);

	sp = VARDATA_ANY(scheme_t);
	slen = VARSIZE_ANY_EXHDR(scheme_t);
	if (cc->generation == cfg->generation && cc->as_of == as_of &&
		cc->scheme_len == slen && memcmp(cc->scheme, sp, slen) == 0)
	{
		if (region_t == NULL ? cc->region == NULL
			: (cc->region != NULL &&
			   cc->region_len == (int) VARSIZE_ANY_EXHDR(region_t) &&
			   memcmp(cc->region, VARDATA_ANY(region_t), cc->region_len) == 0))
			return cc;
	}

	/* resolve afresh */
	{
		MemoryContext old;
		char	   *scheme = text_to_cstring(scheme_t);
		char	   *region = region_t ? text_to_cstring(region_t) : NULL;
		const TierScheme *s = tier_scheme_or_error(cfg, scheme);
		const TierVersion *v = tier_version_at(s, as_of);
		const TierSet *set = tier_set_of(s, v, region);

		cc->generation = 0;
		if (cc->scheme)
			pfree(cc->scheme);
		if (cc->region)
			pfree(cc->region);
		old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		cc->scheme = pstrdup(scheme);
		cc->scheme_len = strlen(scheme);
		cc->region = region ? pstrdup(region) : NULL;
		cc->region_len = region ? strlen(region) : 0;
		MemoryContextSwitchTo(old);
		cc->as_of = as_of;
		cc->set = set;

		cc->labels = tier_label_copies(cc, fcinfo->flinfo->fn_mcxt, cfg->generation, set);
		cc->version = v->version;
		cc->hint = -1;
		cc->generation = cfg->generation;
	}
	return cc;
}

/*
 * A numeric stored inline in a tuple has a 1-byte header, and numeric_cmp
 * would make a palloc'd 4-byte-header copy of it at every comparison: make
 * that copy once, on the stack when it is small (it nearly always is).
 */
#define TIER_SMALL_NUMERIC 64

typedef union TierNumericBuf
{
	char		data[TIER_SMALL_NUMERIC];
	double		align_d;
	int64		align_i;
} TierNumericBuf;

static inline Numeric
tier_numeric_arg(Datum d, TierNumericBuf *buf)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(d);

	if (VARATT_IS_SHORT(v) && VARSIZE_SHORT(v) - VARHDRSZ_SHORT + VARHDRSZ <= TIER_SMALL_NUMERIC)
	{
		Size		len = VARSIZE_SHORT(v) - VARHDRSZ_SHORT;

		SET_VARSIZE(buf->data, len + VARHDRSZ);
		memcpy(buf->data + VARHDRSZ, VARDATA_SHORT(v), len);
		return (Numeric) buf->data;
	}
	return DatumGetNumeric(d);	/* detoasts when needed */
}

static void tier_notice_outside(TierCallCache *cc, Numeric amount);

/*
 * Band index of the amount (argument 1) in the resolved set, or -1 when the
 * amount is NULL or outside every band (the latter with a NOTICE, once per
 * call site).
 */
static int
tier_lookup(FunctionCallInfo fcinfo, TierCallCache **ccp)
{
	TierCallCache *cc;
	TierNumericBuf buf;
	Numeric		amount;
	int			i;
	TierKeyCtx	k;

	*ccp = NULL;
	if (PG_ARGISNULL(1))
	{
		CL_ARG_NOT_NULL(0, "scheme");
		return -1;
	}
	cc = tier_resolve(fcinfo);
	amount = tier_numeric_arg(PG_GETARG_DATUM(1), &buf);
	tier_check_amount(amount);
	if (cc->cmp == NULL)
	{
		cc->cmp = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, SizeForFunctionCallInfo(2));
		InitFunctionCallInfoData(*cc->cmp, NULL, 2, InvalidOid, NULL, NULL);
		cc->cmp->args[0].isnull = false;
		cc->cmp->args[1].isnull = false;
	}
	cc->cmp->args[0].value = NumericGetDatum(amount);
	k.set = cc->set;
	k.cmp = cc->cmp;
	i = cl_band_find(cc->set->bands, cc->set->nbands, tier_key_cmp, amount, &k, cc->hint);
	if (i >= 0)
		cc->hint = i;
	else
		tier_notice_outside(cc, amount);
	*ccp = cc;
	return i;
}

/* "[0, 10000)", "(-infinity, 0]", "[1000000, infinity)": one bound as text */
static void
tier_append_bound(StringInfo buf, const TierSet *set, int band, bool lower)
{
	const ClBand *b = &set->bands[band];
	bool		has = lower ? b->has_lower : b->has_upper;

	if (!has)
		appendStringInfoString(buf, lower ? "-infinity" : "infinity");
	else
		appendStringInfoString(buf, DatumGetCString(DirectFunctionCall1(numeric_out,
																		lower ? set->lower[band] : set->upper[band])));
}

/*
 * An amount outside every band gets NULL: say so with a NOTICE, once per
 * call site (a query over every customer must not fail because some have an
 * overdraft, and must not print a line per customer either), naming the
 * scheme, the amount and the range the bands cover.
 */
static void
tier_notice_outside(TierCallCache *cc, Numeric amount)
{
	const TierSet *set = cc->set;
	StringInfoData range;
	bool		below;
	int			last;
	char	   *amount_s;

	if (cc->outside_noticed || set->nbands == 0)
		return;
	cc->outside_noticed = true;
	last = set->nbands - 1;
	/* the bands have no gaps (tier_validate): outside means below the first or above the last */
	below = set->bands[0].has_lower &&
		(tier_numeric_cmp(NumericGetDatum(amount), set->lower[0]) < 0 ||
		 (tier_numeric_cmp(NumericGetDatum(amount), set->lower[0]) == 0 && !set->bands[0].lower_inclusive));
	initStringInfo(&range);
	appendStringInfoChar(&range, set->bands[0].has_lower && set->bands[0].lower_inclusive ? '[' : '(');
	tier_append_bound(&range, set, 0, true);
	appendStringInfoString(&range, ", ");
	tier_append_bound(&range, set, last, false);
	appendStringInfoChar(&range, set->bands[last].has_upper && set->bands[last].upper_inclusive ? ']' : ')');
	amount_s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(amount)));
	ereport(NOTICE,
			(errmsg("amount %s is outside every band of tier scheme \"%s\"",
					amount_s, cc->scheme),
			 errdetail("Its tier is NULL: the bands of version %d%s%s%s cover %s. Further amounts outside them are not reported for this call in the query.",
					   cc->version,
					   set->region ? " (region \"" : "", set->region ? set->region : "", set->region ? "\")" : "",
					   range.data),
			 errhint("To give such amounts a tier, add a band %s %s in a version or a scheme of your own.",
					 below ? "below" : "above",
					 below ? DatumGetCString(DirectFunctionCall1(numeric_out, set->lower[0]))
					 : DatumGetCString(DirectFunctionCall1(numeric_out, set->upper[last])))));
}

/* ---------------------------------------------------------------------------
 * SQL-callable functions
 * ------------------------------------------------------------------------- */

PG_FUNCTION_INFO_V1(clientele_tier_of);

/*
 * tier_of(scheme text, amount numeric, region text, as_of date) -> label;
 * NULL for a NULL amount or one outside every band (NOTICE, see
 * tier_notice_outside).
 */
Datum
clientele_tier_of(PG_FUNCTION_ARGS)
{
	TierCallCache *cc;
	int			i = tier_lookup(fcinfo, &cc);

	if (i < 0)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(cc->labels[i]);
}

PG_FUNCTION_INFO_V1(clientele_tier_rank);

/* tier_rank(scheme, amount, region, as_of) -> rank of the band, or NULL */
Datum
clientele_tier_rank(PG_FUNCTION_ARGS)
{
	TierCallCache *cc;
	int			i = tier_lookup(fcinfo, &cc);

	if (i < 0)
		PG_RETURN_NULL();
	PG_RETURN_INT32(cc->set->rank[i]);
}

PG_FUNCTION_INFO_V1(clientele_tier_version);

/*
 * tier_version(scheme, as_of) -> the version in force on as_of (errors for
 * an unknown scheme or a date before its first version).
 */
Datum
clientele_tier_version(PG_FUNCTION_ARGS)
{
	TierConfig *cfg;
	const TierScheme *s;
	DateADT		as_of;

	CL_ARG_NOT_NULL(0, "scheme");
	as_of = PG_ARGISNULL(1) ? GetSQLCurrentDate() : cl_check_date_arg(PG_GETARG_DATEADT(1), "as_of");
	cfg = cl_config_get(&tier_cache, tier_build, NULL);
	s = tier_scheme_or_error(cfg, text_to_cstring(PG_GETARG_TEXT_PP(0)));
	PG_RETURN_INT32(tier_version_at(s, as_of)->version);
}

/* ---------------------------------------------------------------------------
 * Write-time validation: clientele.tier_validate(scheme, version)
 * ------------------------------------------------------------------------- */

static void
tier_validate_set(const char *scheme, int32 version, const TierSet *s)
{
	const char *where = psprintf("scheme \"%s\" version %d%s", scheme, version, region_suffix(s->region));
	int			a,
				b,
				rc,
				i,
				j;

	for (i = 0; i < s->nbands; i++)
	{
		if ((s->bands[i].has_lower && !tier_bound_finite(s->lower[i])) ||
			(s->bands[i].has_upper && !tier_bound_finite(s->upper[i])))
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("tier band \"%s\" of %s has a bound that is not a finite number",
							text_to_cstring(s->label[i]), where),
					 errhint("Leave lower_bound or upper_bound NULL for an unbounded end.")));
		for (j = 0; j < i; j++)
		{
			if (s->rank[i] == s->rank[j])
				ereport(ERROR,
						(errcode(ERRCODE_CHECK_VIOLATION),
						 errmsg("tier bands \"%s\" and \"%s\" of %s have the same rank %d",
								text_to_cstring(s->label[j]), text_to_cstring(s->label[i]),
								where, s->rank[i])));
			if (VARSIZE(s->label[i]) == VARSIZE(s->label[j]) &&
				memcmp(s->label[i], s->label[j], VARSIZE(s->label[i])) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_CHECK_VIOLATION),
						 errmsg("two tier bands of %s are labelled \"%s\"",
								where, text_to_cstring(s->label[i]))));
		}
	}

	rc = cl_bands_validate(s->bands, s->nbands, tier_pair_cmp, (void *) s, 1, &a, &b);
	switch (rc)
	{
		case CL_BANDS_OK:
			break;
		case CL_BANDS_EMPTY:
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("tier band %s of %s is empty: its lower bound is above its upper bound",
							band_string(s, a), where),
					 errhint("A band whose bounds are equal must include both.")));
			break;
		case CL_BANDS_OVERLAP:
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("tier bands %s and %s of %s overlap",
							band_string(s, a), band_string(s, b), where)));
			break;
		case CL_BANDS_GAP:
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("tier bands %s and %s of %s leave a gap between them",
							band_string(s, a), band_string(s, b), where),
					 errhint("Bands must cover their range without gaps: make one bound inclusive and the other exclusive.")));
			break;
		default:
			elog(ERROR, "tier bands of %s are not sorted (%d)", where, rc);
	}
}

PG_FUNCTION_INFO_V1(clientele_tier_validate);

/*
 * tier_validate(scheme, version): check every band set of one scheme
 * version; ERROR naming the bands when it is invalid.  Called by the
 * deferred constraint triggers of tier_band and tier_version.
 */
Datum
clientele_tier_validate(PG_FUNCTION_ARGS)
{
	char	   *scheme;
	int32		version;
	Oid			argtypes[2] = {TEXTOID, INT4OID};
	Datum		values[2];
	SPITupleTable *tt;
	uint64		n,
				r;
	bool		has_default = false;
	bool		version_exists;

	CL_ARG_NOT_NULL(0, "scheme");
	CL_ARG_NOT_NULL(1, "version");
	scheme = text_to_cstring(PG_GETARG_TEXT_PP(0));
	version = PG_GETARG_INT32(1);
	values[0] = PG_GETARG_DATUM(0);
	values[1] = Int32GetDatum(version);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/*
	 * Serialize the checks of one scheme: two transactions that each leave
	 * it valid could together leave it invalid (one deletes some bands,
	 * the other the rest).  The lock on the scheme row waits for the other
	 * transaction to end; the queries below (read_only = false: each takes
	 * a new snapshot under READ COMMITTED) then see what it committed.
	 */
	if (SPI_execute_with_args("SELECT 1 FROM clientele.tier_scheme WHERE scheme = $1 FOR NO KEY UPDATE",
							  1, argtypes, values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "locking the row of clientele.tier_scheme failed");
	if (SPI_execute_with_args("SELECT 1 FROM clientele.tier_version WHERE scheme = $1 AND version = $2",
							  2, argtypes, values, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "reading clientele.tier_version failed");
	version_exists = SPI_processed > 0;
	if (!version_exists)
	{
		/* the version was deleted (with its bands): nothing left to check */
		SPI_finish();
		PG_RETURN_VOID();
	}
	if (SPI_execute_with_args("SELECT region, rank, label, lower_bound, lower_inclusive, upper_bound, upper_inclusive "
							  "FROM clientele.tier_band WHERE scheme = $1 AND version = $2 "
							  "ORDER BY region COLLATE \"C\" NULLS FIRST, lower_bound NULLS FIRST, "
							  "lower_inclusive DESC, rank",
							  2, argtypes, values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading clientele.tier_band failed");
	tt = SPI_tuptable;
	n = SPI_processed;
	r = 0;
	while (r < n)
	{
		TierSet		set;
		uint64		end;

		set.region = tier_get_text(tt, r, 1);
		for (end = r + 1; end < n; end++)
			if (!tier_row_text_equals(tt, end, 1, set.region))
				break;
		tier_read_bands(&set, tt, r, end, 1);
		if (set.region == NULL)
			has_default = true;
		tier_validate_set(scheme, version, &set);
		r = end;
	}
	if (!has_default)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("tier scheme \"%s\" version %d has no default bands", scheme, version),
				 errhint("Every version needs bands with region NULL; region bands only override them.")));
	SPI_finish();
	PG_RETURN_VOID();
}
