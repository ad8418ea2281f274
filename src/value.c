/*
 * value.c
 *		fmgr glue of the value area: the aggregates avg_daily_balance(),
 *		gini() and top_share().  The maths lives in src/core/value_core.c.
 *
 * All three keep an internal state allocated in the aggregate context, with
 * an exact combine function (concatenation of the stored snapshots / values)
 * and serial/deserial functions that check sizes on the way in, so they run
 * under parallel plans with the same result as a serial plan.
 */
#include "clientele.h"

#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "config_cache.h"
#include "value_core.h"

/* ----------------------------------------------------------------------
 * shared helpers
 * ---------------------------------------------------------------------- */

static inline MemoryContext
value_aggcontext(FunctionCallInfo fcinfo, const char *fname)
{
	return cl_agg_context(fcinfo);
}

/* doubles the capacity of an array of elem-size items in the aggregate context */
static inline void *
value_grow(void *arr, Size elem, int64 *cap, int64 need, MemoryContext cxt)
{
	int64		newcap = Max(*cap * 2, Max(need, 4));

	if ((Size) newcap * elem > MaxAllocHugeSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many rows in one aggregate group")));
	*cap = newcap;
	if (arr == NULL)
		return MemoryContextAllocHuge(cxt, (Size) newcap * elem);
	return repalloc_huge(arr, (Size) newcap * elem);
}

static inline char *
value_date_str(DateADT d)
{
	return DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(d)));
}

/* ----------------------------------------------------------------------
 * avg_daily_balance(day date, balance numeric, from date, to date)
 * ---------------------------------------------------------------------- */

typedef struct AdbHeader
{
	int32		from;
	int32		to;
	int32		carry_day;
	bool		has_carry;
	bool		sorted;
	int64		carry_cents;
	int64		n;
} AdbHeader;

typedef struct AdbState
{
	AdbHeader	h;
	int64		cap;
	ClSeg	   *segs;			/* runs of consecutive-day snapshots */
} AdbState;

static inline int64
adb_cents_of(Numeric num)
{
	int64		cents = 0;
	struct varlena *v = (struct varlena *) num;

	switch (cl_numeric_to_cents((const unsigned char *) VARDATA_ANY(v),
								VARSIZE_ANY_EXHDR(v), &cents))
	{
		case CL_NUM_OK:
			return cents;
		case CL_NUM_NAN:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("balance must be a finite number, got NaN")));
			break;
		case CL_NUM_PINF:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("balance must be a finite number, got Infinity")));
			break;
		case CL_NUM_NINF:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("balance must be a finite number, got -Infinity")));
			break;
		case CL_NUM_OVERFLOW:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("balance is out of range for avg_daily_balance"),
					 errdetail("Balances must lie within +/-92233720368547758.07.")));
			break;
		case CL_NUM_BAD:
			elog(ERROR, "malformed numeric value");
	}
	return 0;					/* keep the compiler quiet */
}

static inline void
adb_check_window(int32 from, int32 to, const AdbHeader *h)
{
	if (h != NULL && (h->from != from || h->to != to))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("avg_daily_balance window must be the same for every row of a group"),
				 errdetail("Got %s .. %s after %s .. %s.",
						   value_date_str(from), value_date_str(to),
						   value_date_str(h->from), value_date_str(h->to))));
}

static pg_noinline void
adb_duplicate_error(int32 day)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("avg_daily_balance got two balance snapshots for day %s",
					value_date_str(day)),
			 errhint("Aggregate one account per group (GROUP BY account), then sum the account averages per customer.")));
}

/* the carry is the latest snapshot before the window */
static inline void
adb_add_carry(AdbHeader *h, int32 day, int64 cents)
{
	if (h->has_carry && h->carry_day == day)
		adb_duplicate_error(day);
	if (!h->has_carry || day > h->carry_day)
	{
		h->has_carry = true;
		h->carry_day = day;
		h->carry_cents = cents;
	}
}

static AdbState *
adb_new(MemoryContext cxt, int32 from, int32 to)
{
	AdbState   *st = MemoryContextAllocZero(cxt, sizeof(AdbState));

	st->h.from = from;
	st->h.to = to;
	st->h.sorted = true;
	return st;
}

PG_FUNCTION_INFO_V1(clientele_adb_trans);

/*
 * Transition: keeps the snapshots inside [from, to] as runs of consecutive
 * days (one run per account for daily data) and the latest one before from; rows after to, and rows with a NULL day or balance, are
 * ignored.
 */
Datum
clientele_adb_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = value_aggcontext(fcinfo, "clientele_adb_trans");
	AdbState   *st = PG_ARGISNULL(0) ? NULL : (AdbState *) PG_GETARG_POINTER(0);
	DateADT		from;
	DateADT		to;
	DateADT		day;
	int64		cents;

	CL_ARG_NOT_NULL(3, "avg_daily_balance from date");
	CL_ARG_NOT_NULL(4, "avg_daily_balance to date");
	from = PG_GETARG_DATEADT(3);
	to = PG_GETARG_DATEADT(4);
	if (st == NULL)
	{
		cl_check_finite_date(from, "avg_daily_balance from date");
		cl_check_finite_date(to, "avg_daily_balance to date");
		if (from > to)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("avg_daily_balance from date %s is after to date %s",
							value_date_str(from), value_date_str(to))));
		st = adb_new(aggcxt, from, to);
	}
	else
		adb_check_window(from, to, &st->h);

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(st);
	day = PG_GETARG_DATEADT(1);
	cl_check_finite_date(day, "avg_daily_balance day");
	cents = adb_cents_of((Numeric) PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(2)));
	if (day > to)
		PG_RETURN_POINTER(st);
	if (day < from)
	{
		adb_add_carry(&st->h, day, cents);
		PG_RETURN_POINTER(st);
	}
	/* daily data: the snapshot of the next day extends the current run */
	if (st->h.n > 0 && cl_seg_extend(&st->segs[st->h.n - 1], day, cents))
		PG_RETURN_POINTER(st);
	if (st->h.n >= st->cap)
		st->segs = value_grow(st->segs, sizeof(ClSeg), &st->cap, st->h.n + 1, aggcxt);
	if (st->h.n > 0 && day <= st->segs[st->h.n - 1].last)
		st->h.sorted = false;
	st->segs[st->h.n++] = cl_seg_one(day, cents);
	PG_RETURN_POINTER(st);
}

/*
 * Merges the runs of b into a (a in the aggregate context): both lists are
 * brought into day order and merged, joining runs that meet, so daily data
 * split across parallel workers combines back into one run per account.
 */
static void
adb_merge(AdbState *a, AdbState *b, MemoryContext cxt)
{
	ClSeg	   *out;
	int64		total;

	adb_check_window(b->h.from, b->h.to, &a->h);
	if (b->h.has_carry)
		adb_add_carry(&a->h, b->h.carry_day, b->h.carry_cents);
	if (b->h.n == 0)
		return;
	if (!a->h.sorted)
		cl_seg_sort(a->segs, (size_t) a->h.n);
	if (!b->h.sorted)
		cl_seg_sort(b->segs, (size_t) b->h.n);
	total = a->h.n + b->h.n;
	if ((Size) total * sizeof(ClSeg) > MaxAllocHugeSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many rows in one aggregate group")));
	out = MemoryContextAllocHuge(cxt, (Size) total * sizeof(ClSeg));
	a->h.n = (int64) cl_seg_merge(a->segs, (size_t) a->h.n, b->segs, (size_t) b->h.n, out);
	if (a->segs != NULL)
		pfree(a->segs);
	a->segs = out;
	a->cap = total;
	a->h.sorted = true;
}

PG_FUNCTION_INFO_V1(clientele_adb_combine);

Datum
clientele_adb_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = value_aggcontext(fcinfo, "clientele_adb_combine");
	AdbState   *a = PG_ARGISNULL(0) ? NULL : (AdbState *) PG_GETARG_POINTER(0);
	AdbState   *b = PG_ARGISNULL(1) ? NULL : (AdbState *) PG_GETARG_POINTER(1);

	if (b == NULL)
		PG_RETURN_POINTER(a);
	if (a == NULL)
		a = adb_new(aggcxt, b->h.from, b->h.to);
	adb_merge(a, b, aggcxt);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(clientele_adb_serial);

/* header, then the runs in the compact form of cl_seg_pack() */
Datum
clientele_adb_serial(PG_FUNCTION_ARGS)
{
	AdbState   *st = (AdbState *) PG_GETARG_POINTER(0);
	Size		maxbody = sizeof(AdbHeader) + st->h.n * sizeof(ClSeg);
	Size		body;
	bytea	   *out;

	if (maxbody > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("avg_daily_balance state is too large to pass between parallel workers")));
	out = palloc(VARHDRSZ + maxbody);
	memcpy(VARDATA(out), &st->h, sizeof(AdbHeader));
	body = sizeof(AdbHeader) +
		cl_seg_pack(st->segs, (size_t) st->h.n, (unsigned char *) VARDATA(out) + sizeof(AdbHeader));
	SET_VARSIZE(out, VARHDRSZ + body);
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(clientele_adb_deserial);

Datum
clientele_adb_deserial(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	Size		len = VARSIZE_ANY_EXHDR(in);
	AdbState   *st;

	value_aggcontext(fcinfo, "clientele_adb_deserial");
	st = palloc0(sizeof(AdbState));
	if (len < sizeof(AdbHeader))
		elog(ERROR, "avg_daily_balance state of %zu bytes is too short", len);
	memcpy(&st->h, VARDATA_ANY(in), sizeof(AdbHeader));
	/* each run takes 16 or 24 bytes */
	if (st->h.n < 0 || (Size) st->h.n > (len - sizeof(AdbHeader)) / 16)
		elog(ERROR, "avg_daily_balance state of %zu bytes cannot hold " INT64_FORMAT " runs",
			 len, st->h.n);
	st->cap = st->h.n;
	if (st->h.n > 0)
	{
		st->segs = palloc_extended(st->h.n * sizeof(ClSeg), MCXT_ALLOC_HUGE);
		if (!cl_seg_unpack((const unsigned char *) VARDATA_ANY(in) + sizeof(AdbHeader),
						   len - sizeof(AdbHeader), st->segs, (size_t) st->h.n))
			elog(ERROR, "avg_daily_balance state of %zu bytes does not hold " INT64_FORMAT " runs",
				 len, st->h.n);
	}
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(clientele_adb_final);

/* The average rounded half away from zero to the cent, as numeric(…, 2). */
Datum
clientele_adb_final(PG_FUNCTION_ARGS)
{
	AdbState   *st = PG_ARGISNULL(0) ? NULL : (AdbState *) PG_GETARG_POINTER(0);
	int64		cents = 0;
	int32		dup = 0;
	char		buf[64];
	uint64		mag;

	if (st == NULL)
		PG_RETURN_NULL();
	switch (cl_adb_compute(st->segs, (size_t) st->h.n, st->h.sorted,
						   st->h.has_carry, st->h.carry_cents,
						   st->h.from, st->h.to, &cents, &dup))
	{
		case CL_ADB_OK:
			break;
		case CL_ADB_DUPLICATE:
			adb_duplicate_error(dup);
			break;
		case CL_ADB_OVERFLOW:
			/* the average lies between the smallest and largest balance */
			elog(ERROR, "avg_daily_balance average out of range");
	}
	/* sorting in place keeps the multiset: later calls see the same state */
	st->h.sorted = true;
	mag = cents < 0 ? (uint64) (-(cents + 1)) + 1 : (uint64) cents;
	snprintf(buf, sizeof(buf), "%s" UINT64_FORMAT ".%02d", cents < 0 ? "-" : "",
			 mag / 100, (int) (mag % 100));
	PG_RETURN_DATUM(DirectFunctionCall3(numeric_in, CStringGetDatum(buf),
										ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
}

/* ----------------------------------------------------------------------
 * gini(value float8), top_share(value float8, fraction float8)
 * ---------------------------------------------------------------------- */

typedef struct ConcHeader
{
	int64		n;
	double		fraction;		/* top_share only */
	bool		has_fraction;
} ConcHeader;

typedef struct ConcState
{
	ConcHeader	h;
	int64		cap;
	double	   *v;
} ConcState;

static inline void
conc_check_fraction(ConcHeader *h, double f)
{
	if (h->has_fraction)
	{
		if (h->fraction != f)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("top_share fraction must be the same for every row of a group"),
					 errdetail("Got %g after %g.", f, h->fraction)));
		return;
	}
	cl_check_finite(f, "top_share fraction");
	if (f < 0 || f > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("top_share fraction must lie between 0 and 1, got %g", f)));
	h->fraction = f;
	h->has_fraction = true;
}

static inline ConcState *
conc_add(FunctionCallInfo fcinfo, const char *fname)
{
	MemoryContext aggcxt = value_aggcontext(fcinfo, fname);
	ConcState  *st = PG_ARGISNULL(0) ? NULL : (ConcState *) PG_GETARG_POINTER(0);
	double		x;

	if (st == NULL)
		st = MemoryContextAllocZero(aggcxt, sizeof(ConcState));
	if (PG_ARGISNULL(1))
		return st;
	x = cl_check_finite(PG_GETARG_FLOAT8(1), "value");
	if (st->h.n >= st->cap)
		st->v = value_grow(st->v, sizeof(double), &st->cap, st->h.n + 1, aggcxt);
	st->v[st->h.n++] = x;
	return st;
}

PG_FUNCTION_INFO_V1(clientele_gini_trans);

Datum
clientele_gini_trans(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(conc_add(fcinfo, "clientele_gini_trans"));
}

PG_FUNCTION_INFO_V1(clientele_top_share_trans);

Datum
clientele_top_share_trans(PG_FUNCTION_ARGS)
{
	ConcState  *st;

	CL_ARG_NOT_NULL(2, "top_share fraction");
	st = conc_add(fcinfo, "clientele_top_share_trans");
	conc_check_fraction(&st->h, PG_GETARG_FLOAT8(2));
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(clientele_conc_combine);

Datum
clientele_conc_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = value_aggcontext(fcinfo, "clientele_conc_combine");
	ConcState  *a = PG_ARGISNULL(0) ? NULL : (ConcState *) PG_GETARG_POINTER(0);
	ConcState  *b = PG_ARGISNULL(1) ? NULL : (ConcState *) PG_GETARG_POINTER(1);

	if (b == NULL)
		PG_RETURN_POINTER(a);
	if (a == NULL)
		a = MemoryContextAllocZero(aggcxt, sizeof(ConcState));
	if (b->h.has_fraction)
		conc_check_fraction(&a->h, b->h.fraction);
	if (b->h.n > 0)
	{
		if (a->h.n + b->h.n > a->cap)
			a->v = value_grow(a->v, sizeof(double), &a->cap, a->h.n + b->h.n, aggcxt);
		memcpy(a->v + a->h.n, b->v, b->h.n * sizeof(double));
		a->h.n += b->h.n;
	}
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(clientele_conc_serial);

Datum
clientele_conc_serial(PG_FUNCTION_ARGS)
{
	ConcState  *st = (ConcState *) PG_GETARG_POINTER(0);
	Size		body = sizeof(ConcHeader) + st->h.n * sizeof(double);
	bytea	   *out;

	if (body > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("gini/top_share state is too large to pass between parallel workers")));
	out = palloc(VARHDRSZ + body);
	SET_VARSIZE(out, VARHDRSZ + body);
	memcpy(VARDATA(out), &st->h, sizeof(ConcHeader));
	if (st->h.n > 0)
		memcpy(VARDATA(out) + sizeof(ConcHeader), st->v, st->h.n * sizeof(double));
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(clientele_conc_deserial);

Datum
clientele_conc_deserial(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	Size		len = VARSIZE_ANY_EXHDR(in);
	ConcState  *st;

	value_aggcontext(fcinfo, "clientele_conc_deserial");
	st = palloc0(sizeof(ConcState));
	if (len < sizeof(ConcHeader))
		elog(ERROR, "gini/top_share state of %zu bytes is too short", len);
	memcpy(&st->h, VARDATA_ANY(in), sizeof(ConcHeader));
	if (st->h.n < 0 || (len - sizeof(ConcHeader)) % sizeof(double) != 0 ||
		(Size) st->h.n != (len - sizeof(ConcHeader)) / sizeof(double))
		elog(ERROR, "gini/top_share state of %zu bytes does not hold " INT64_FORMAT " values",
			 len, st->h.n);
	st->cap = st->h.n;
	if (st->h.n > 0)
	{
		st->v = palloc_extended(st->h.n * sizeof(double), MCXT_ALLOC_HUGE);
		memcpy(st->v, VARDATA_ANY(in) + sizeof(ConcHeader), st->h.n * sizeof(double));
	}
	PG_RETURN_POINTER(st);
}

/*
 * Final functions sort the stored values in place: that keeps the multiset,
 * so a later transition or final call (window aggregation) sees the same
 * state.  No values, or a total <= 0 with some value non-zero, give NULL.
 */
PG_FUNCTION_INFO_V1(clientele_gini_final);

Datum
clientele_gini_final(PG_FUNCTION_ARGS)
{
	ConcState  *st = PG_ARGISNULL(0) ? NULL : (ConcState *) PG_GETARG_POINTER(0);
	double		g;

	if (st == NULL || cl_gini(st->v, (size_t) st->h.n, &g) != CL_CONC_OK)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(g);
}

PG_FUNCTION_INFO_V1(clientele_top_share_final);

Datum
clientele_top_share_final(PG_FUNCTION_ARGS)
{
	ConcState  *st = PG_ARGISNULL(0) ? NULL : (ConcState *) PG_GETARG_POINTER(0);
	double		s;

	if (st == NULL || !st->h.has_fraction ||
		cl_top_share(st->v, (size_t) st->h.n, st->h.fraction, &s) != CL_CONC_OK)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(s);
}

/* ----------------------------------------------------------------------
 * value_setting(name): the value parameters, compiled per backend
 * (config_cache.h) from clientele.value_param_spec and value_param.
 * ---------------------------------------------------------------------- */

typedef struct ValueSettings
{
	int			n;
	char	  **names;			/* sorted (bytewise) */
	Numeric    *values;
	char	   *known;			/* "a, b, c" for the hint */
} ValueSettings;

static const char *const value_setting_tables[] = {"value_param_spec", "value_param"};
static ClConfigCache value_setting_cache = CL_CONFIG_CACHE("value settings", value_setting_tables);

static void *
value_settings_build(MemoryContext cxt, void *arg)
{
	ValueSettings *vs;
	StringInfoData known;
	uint64		i;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute("SELECT s.name, COALESCE(p.value, s.default_value) "
					"FROM clientele.value_param_spec s "
					"LEFT JOIN clientele.value_param p ON p.name OPERATOR(pg_catalog.=) s.name "
					"ORDER BY s.name COLLATE \"C\"", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading clientele.value_param_spec failed");
	MemoryContextSwitchTo(cxt);
	vs = palloc0(sizeof(ValueSettings));
	vs->n = (int) SPI_processed;
	vs->names = palloc0(sizeof(char *) * Max(vs->n, 1));
	vs->values = palloc0(sizeof(Numeric) * Max(vs->n, 1));
	initStringInfo(&known);
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Datum		d;

		vs->names[i] = TextDatumGetCString(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
		d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull);
		vs->values[i] = isnull ? NULL : DatumGetNumericCopy(d);
		appendStringInfo(&known, "%s%s", i > 0 ? ", " : "", vs->names[i]);
	}
	vs->known = known.data;
	SPI_finish();
	return vs;
}

PG_FUNCTION_INFO_V1(clientele_value_setting);

/*
 * value_setting(name text) returns numeric: the bank's value of a value
 * parameter, else its default; unknown names are an error listing the known
 * ones.  Compiled once per backend and recompiled after a committed change.
 */
Datum
clientele_value_setting(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	ValueSettings *vs = cl_config_get(&value_setting_cache, value_settings_build, NULL);
	int			lo = 0,
				hi = vs->n - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = strcmp(name, vs->names[mid]);

		if (c == 0)
		{
			if (vs->values[mid] == NULL)
				PG_RETURN_NULL();
			PG_RETURN_NUMERIC(DatumGetNumericCopy(NumericGetDatum(vs->values[mid])));
		}
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown value parameter \"%s\"", name),
			 errhint("Parameters are: %s.", vs->known)));
	PG_RETURN_NULL();
}
