/*
 * value.c
 *		fmgr glue of the value area: the aggregates avg_daily_balance(),
 *		gini() and top_share() and their portable state types, and
 *		value_setting().  The maths and the state layouts live in
 *		src/core/value_core.[ch].
 *
 * clientele.adb_state, clientele.gini_state and clientele.top_share_state are
 * varlenas whose bytes are little-endian on every host (src/core/le.h); the
 * binary form (send / recv) is the same bytes without the varlena header and
 * the spare capacity, the text form a prefix and the hex of the binary form,
 * and the input checks every invariant (cl_adb_state_decode,
 * cl_conc_state_decode: the code the fuzz targets run).  The transition and
 * combine functions update the aggregate's own state in place and allocate
 * only when it grows, so Citus ships partial states (worker_partial_agg), not
 * rows, and parallel workers pass them without a serial function.
 *
 * The 0.1.0 script declared these aggregates with internal states and names
 * the C symbols clientele_adb_trans, ..._serial, ..._deserial and so on; an
 * install of 0.1.0 loads this library before ALTER EXTENSION UPDATE, so those
 * symbols stay, over the same code with the state kept in the aggregate's
 * memory context (internal states are not copied by the executor) and the
 * serial form = the binary form.
 */
#include "clientele.h"

#include "access/htup_details.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "port/pg_bswap.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "config_cache.h"
#include "le.h"
#include "value_core.h"

/* ----------------------------------------------------------------------
 * shared helpers
 * ---------------------------------------------------------------------- */

static inline char *
value_date_str(DateADT d)
{
	return DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(d)));
}

/*
 * The state argument n of a transition / combine function, to update in
 * place: the aggregate's own value (a plain varlena with a 4-byte header);
 * anything else (never seen in practice) is detoasted into a copy.
 */
static inline char *
state_arg(FunctionCallInfo fcinfo, int n)
{
	struct varlena *p = (struct varlena *) PG_GETARG_POINTER(n);

	if (unlikely(VARATT_IS_EXTENDED(p)))
		p = pg_detoast_datum_copy(p);
	return (char *) p;
}

/* the state argument n, read-only, with a 4-byte header */
static inline const char *
state_arg_ro(FunctionCallInfo fcinfo, int n)
{
	return (const char *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n));
}

/*
 * Memory for a new or grown state: a typed state is copied into the
 * aggregate's context by the executor (so the per-call context will do); a
 * 0.1.0 internal state is not, so it lives in the aggregate's context.
 */
static inline void *
state_alloc(MemoryContext aggcxt, bool legacy, Size size)
{
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("aggregate state exceeds 1 GB"),
				 errhint("Aggregate smaller groups.")));
	return MemoryContextAllocZero(legacy ? aggcxt : CurrentMemoryContext, size);
}

/* the allocation size (a power of two from 64 bytes) that holds bytes */
static inline Size
state_pow2(Size bytes)
{
	Size		s = 64;

	while (s < bytes)
		s *= 2;
	return s;
}

static pg_noinline void
bad_state(const char *typname, const char *detail, bool text)
{
	ereport(ERROR,
			(errcode(text ? ERRCODE_INVALID_TEXT_REPRESENTATION : ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid %s value", typname),
			 errdetail("%s", detail)));
}

/* ----------------------------------------------------------------------
 * avg_daily_balance(day date, balance numeric, from date, to date)
 * state: clientele.adb_state (layout in value_core.h)
 * ---------------------------------------------------------------------- */

#define ADB_TYPNAME "clientele.adb_state"
#define ADB_PREFIX "cladb1:"
#define ADBS_TYPNAME "clientele.adb_split_state"
#define ADBS_PREFIX "cladbs1:"

#define A_FLAGS(s) (*(uint8 *) ((s) + 5))
#define A_FROM(s) cl_get_i32((s) + 8)
#define A_TO(s) cl_get_i32((s) + 12)
#define A_CDAY(s) cl_get_i32((s) + 16)
#define A_N(s) cl_get_i32((s) + 20)
#define A_CAP(s) cl_get_i32((s) + 24)
#define A_CCENTS(s) cl_get_i64((s) + 32)
#define A_RUNS(s) ((ClSeg *) ((s) + CL_ADB_HDR))
#define A_SIZE(cap) ((Size) CL_ADB_HDR + (Size) (cap) * CL_ADB_RUN)

StaticAssertDecl(sizeof(ClSeg) == CL_ADB_RUN, "ClSeg must be 24 bytes");

/*
 * The runs of a state as ClSeg: the state's own bytes (little-endian) on
 * little-endian hosts; big-endian hosts swap them to native order and back
 * around each use.
 */
static inline void
adb_runs_swap(char *s, int32 n)
{
#ifdef WORDS_BIGENDIAN
	for (int32 i = 0; i < n; i++)
	{
		ClSeg	   *r = &A_RUNS(s)[i];

		r->first = (int32) pg_bswap32((uint32) r->first);
		r->last = (int32) pg_bswap32((uint32) r->last);
		r->sum = (int64) pg_bswap64((uint64) r->sum);
		r->last_cents = (int64) pg_bswap64((uint64) r->last_cents);
	}
#endif
}

/* days of the window of s */
#define A_W(s) ((int64) A_TO(s) - A_FROM(s) + 1)
#define A_BM(s) ((unsigned char *) (s) + CL_ADB_HDR)
#define A_VAL(s) ((int64 *) ((s) + CL_ADB_HDR + CL_ADB_DENSE_BITMAP(A_W(s))))

/* the balances of a dense state in native order and back (big-endian hosts) */
static inline void
adb_dense_swap(char *s)
{
#ifdef WORDS_BIGENDIAN
	int64	   *v = A_VAL(s);

	for (int64 i = 0; i < A_W(s); i++)
		v[i] = (int64) pg_bswap64((uint64) v[i]);
#endif
}

/* the compact dense form (CL_ADB_DENSE32): W int32 balances from offset 40 */
#define A_VAL32(s) ((int32 *) ((s) + CL_ADB_HDR))
#define A_IS_DENSE(s) ((A_FLAGS(s) & (CL_ADB_DENSE | CL_ADB_DENSE32)) != 0)

/* the balances of a compact dense state in native order and back (big-endian hosts) */
static inline void
adb_dense32_swap(char *s)
{
#ifdef WORDS_BIGENDIAN
	int32	   *v = A_VAL32(s);

	for (int64 i = 0; i < A_W(s); i++)
		v[i] = (int32) pg_bswap32((uint32) v[i]);
#endif
}

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

static pg_noinline void
adb_window_error(int32 from, int32 to, int32 hfrom, int32 hto)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("avg_daily_balance window must be the same for every row of a group"),
			 errdetail("Got %s .. %s after %s .. %s.",
					   value_date_str(from), value_date_str(to),
					   value_date_str(hfrom), value_date_str(hto))));
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
adb_add_carry(char *s, int32 day, int64 cents)
{
	bool		has = (A_FLAGS(s) & CL_ADB_HAS_CARRY) != 0;

	if (has && A_CDAY(s) == day)
		adb_duplicate_error(day);
	if (!has || day > A_CDAY(s))
	{
		A_FLAGS(s) |= CL_ADB_HAS_CARRY;
		cl_put_i32(s + 16, day);
		cl_put_i64(s + 32, cents);
	}
}

static char *
adb_new(MemoryContext aggcxt, bool legacy, int32 from, int32 to, int32 cap)
{
	char	   *s = state_alloc(aggcxt, legacy, A_SIZE(cap));

	SET_VARSIZE(s, A_SIZE(cap));
	s[4] = CL_ADB_STATE_VERSION;
	cl_put_i32(s + 8, from);
	cl_put_i32(s + 12, to);
	cl_put_i32(s + 24, cap);
	return s;
}

/* a copy of s with room for cap runs (a 0.1.0 internal state frees s) */
static char *
adb_resize(const char *s, MemoryContext aggcxt, bool legacy, int64 cap)
{
	char	   *r;

	if (cap > CL_ADB_MAX_RUNS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many balance runs in one avg_daily_balance group"),
				 errhint("Aggregate one account per group (GROUP BY account).")));
	r = state_alloc(aggcxt, legacy, A_SIZE(cap));
	memcpy(r, s, A_SIZE(A_N(s)));
	SET_VARSIZE(r, A_SIZE(cap));
	cl_put_i32(r + 24, (int32) cap);
	if (legacy)
		pfree((void *) s);
	return r;
}

static pg_noinline void adb_duplicate_error(int32 day);

/*
 * The day a user knows of a stored day: an avg_daily_balance_split state
 * stores the days after its split one day later (split = PG_INT32_MAX for a
 * plain avg_daily_balance state).
 */
static inline int32
adb_user_day(int32 day, int32 split)
{
	return (int64) day > (int64) split + 1 ? day - 1 : day;
}

/*
 * The dense form of runs state s (a 0.1.0 internal state frees s): one slot
 * per day of the window, so that snapshots in any order cost O(1).
 */
static char *
adb_to_dense(char *s, MemoryContext aggcxt, bool legacy, int32 split)
{
	Size		size = CL_ADB_DENSE_SIZE(A_W(s));
	char	   *d = state_alloc(aggcxt, legacy, size);
	int32		n = A_N(s);

	memcpy(d, s, CL_ADB_HDR);
	SET_VARSIZE(d, size);
	A_FLAGS(d) |= CL_ADB_DENSE;
	A_FLAGS(d) &= ~CL_ADB_DENSE32;
	cl_put_i32(d + 20, 0);
	cl_put_i32(d + 24, 0);
	if (A_FLAGS(s) & CL_ADB_DENSE32)
	{
		/* from the compact dense form: every present slot as it is */
		unsigned char *bm = A_BM(d);
		int64	   *val = A_VAL(d);

		for (int64 k = 0; k < A_W(s); k++)
		{
			int32		v = cl_get_i32((const char *) &A_VAL32(s)[k]);

			if (v == CL_ADB_ABSENT32)
				continue;
			bm[k >> 3] |= (unsigned char) (1 << (k & 7));
			val[k] = v;
		}
		adb_dense_swap(d);
		if (legacy)
			pfree(s);
		return d;
	}
	adb_runs_swap(s, n);
	for (int32 i = 0; i < n; i++)
		if (cl_adb_dense_put_run(A_BM(d), A_VAL(d), A_FROM(d), &A_RUNS(s)[i]))
			adb_duplicate_error(adb_user_day(A_RUNS(s)[i].first, split));
	adb_runs_swap(s, n);
	adb_dense_swap(d);
	if (legacy)
		pfree(s);
	return d;
}

/*
 * The compact dense form of runs state s (a 0.1.0 internal state frees s),
 * or NULL (s unchanged) when a balance does not fit in it.
 */
static char *
adb_to_dense32(char *s, MemoryContext aggcxt, bool legacy, int32 split)
{
	Size		size = CL_ADB_DENSE32_SIZE(A_W(s));
	char	   *d = state_alloc(aggcxt, legacy, size);
	int32		n = A_N(s);
	int32	   *val = A_VAL32(d);
	int			rc = 0;

	memcpy(d, s, CL_ADB_HDR);
	SET_VARSIZE(d, size);
	A_FLAGS(d) |= CL_ADB_DENSE32;
	cl_put_i32(d + 20, 0);
	cl_put_i32(d + 24, 0);
	for (int64 k = 0; k < A_W(d); k++)
		val[k] = CL_ADB_ABSENT32;
	adb_runs_swap(s, n);
	for (int32 i = 0; i < n && rc == 0; i++)
	{
		rc = cl_adb_dense32_put_run(val, A_FROM(d), &A_RUNS(s)[i]);
		if (rc == 1)
		{
			int32		day = adb_user_day(A_RUNS(s)[i].first, split);

			adb_runs_swap(s, n);
			adb_duplicate_error(day);
		}
	}
	adb_runs_swap(s, n);
	if (rc != 0)
	{
		pfree(d);
		return NULL;
	}
	adb_dense32_swap(d);
	if (legacy)
		pfree(s);
	return d;
}

/*
 * s in a dense form: the compact one unless want64 or a balance does not fit
 * in it (a 0.1.0 internal state frees s when it moves)
 */
static char *
adb_make_dense(char *s, MemoryContext aggcxt, bool legacy, int32 split, bool want64)
{
	char	   *d;

	if (A_FLAGS(s) & CL_ADB_DENSE)
		return s;
	if (A_FLAGS(s) & CL_ADB_DENSE32)
		return want64 ? adb_to_dense(s, aggcxt, legacy, split) : s;
	if (!want64 && (d = adb_to_dense32(s, aggcxt, legacy, split)) != NULL)
		return d;
	return adb_to_dense(s, aggcxt, legacy, split);
}

/* a runs-form copy of s (capacity = n), in CurrentMemoryContext */
static char *
adb_runs_copy(const char *s)
{
	char	   *r;
	ClSeg	   *runs;
	size_t		n;

	if (!A_IS_DENSE(s))
	{
		r = palloc(A_SIZE(A_N(s)));
		memcpy(r, s, A_SIZE(A_N(s)));
		SET_VARSIZE(r, A_SIZE(A_N(s)));
		cl_put_i32(r + 24, A_N(s));
		return r;
	}
	runs = palloc_extended(sizeof(ClSeg) * (Size) A_W(s), MCXT_ALLOC_HUGE);
#ifdef WORDS_BIGENDIAN
	{
		char	   *c = palloc(VARSIZE(s));

		memcpy(c, s, VARSIZE(s));
		if (A_FLAGS(c) & CL_ADB_DENSE32)
			adb_dense32_swap(c);
		else
			adb_dense_swap(c);
		s = c;
	}
#endif
	if (A_FLAGS(s) & CL_ADB_DENSE32)
		n = cl_adb_dense32_runs(A_VAL32(s), A_FROM(s), (int32) A_W(s), runs);
	else
		n = cl_adb_dense_runs(A_BM(s), A_VAL(s), A_FROM(s), (int32) A_W(s), runs);
	r = palloc0(A_SIZE(n));
	memcpy(r, s, CL_ADB_HDR);
	SET_VARSIZE(r, A_SIZE(n));
	A_FLAGS(r) &= ~(CL_ADB_DENSE | CL_ADB_DENSE32);
	cl_put_i32(r + 20, (int32) n);
	cl_put_i32(r + 24, (int32) n);
	memcpy(A_RUNS(r), runs, sizeof(ClSeg) * n);
	adb_runs_swap(r, (int32) n);
	pfree(runs);
	return r;
}

/* adds the days of dense state b to dense state a */
static void
adb_dense_merge(char *a, const char *b, int32 split)
{
	unsigned char *ba = A_BM(a);
	const unsigned char *bb = A_BM((char *) b);
	int64	   *va = A_VAL(a);
	const int64 *vb = A_VAL((char *) b);
	Size		nb = CL_ADB_DENSE_BITMAP(A_W(a));

	for (Size i = 0; i < nb; i++)
	{
		if (bb[i] == 0)
			continue;
		if (ba[i] & bb[i])
			adb_duplicate_error(adb_user_day(A_FROM(a) + (int32) (8 * i) + __builtin_ctz(ba[i] & bb[i]), split));
		ba[i] |= bb[i];
		for (int j = 0; j < 8; j++)
			if (bb[i] & (1 << j))
				va[8 * i + j] = vb[8 * i + j];	/* both little-endian */
	}
}

/* adds the days of compact dense state b to compact dense state a */
static void
adb_dense32_merge(char *a, const char *b, int32 split)
{
	int32	   *va = A_VAL32(a);
	const int32 *vb = A_VAL32((char *) b);
	int64		w = A_W(a);

	for (int64 k = 0; k < w; k++)
	{
		if (cl_get_i32((const char *) &vb[k]) == CL_ADB_ABSENT32)
			continue;
		if (cl_get_i32((const char *) &va[k]) != CL_ADB_ABSENT32)
			adb_duplicate_error(adb_user_day(A_FROM(a) + (int32) k, split));
		va[k] = vb[k];			/* both little-endian */
	}
}

static void
adb_check_new_window(DateADT from, DateADT to)
{
	cl_check_finite_date(from, "avg_daily_balance from date");
	cl_check_finite_date(to, "avg_daily_balance to date");
	if (from > to)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("avg_daily_balance from date %s is after to date %s",
						value_date_str(from), value_date_str(to))));
}

/*
 * Transition: keeps the snapshots inside [from, to] as sorted runs of
 * consecutive days (one run per account for daily data, whatever the row
 * order) and the latest one before from; rows after to, and rows with a NULL
 * day or balance, are ignored.
 */
/*
 * Adds the snapshot (day, cents) to state s: the carry when before the
 * window, a run (or a slot of the dense form) when in it, nothing after it.
 * Returns the state (moved when it had to grow).
 */
static inline char *
adb_add(char *s, MemoryContext aggcxt, bool legacy, DateADT day, int64 cents, int32 split)
{
	size_t		n;

	if (day > A_TO(s))
		return s;
	if (day < A_FROM(s))
	{
		adb_add_carry(s, day, cents);
		return s;
	}
	if (A_FLAGS(s) & CL_ADB_DENSE32)
		goto dense32;
	if (A_FLAGS(s) & CL_ADB_DENSE)
		goto dense;
	{
		n = (size_t) A_N(s);
		adb_runs_swap(s, (int32) n);
		for (;;)
		{
			ClSegStatus st = cl_seg_insert(A_RUNS(s), &n, (size_t) A_CAP(s), day, cents);
			Size		grown;

			if (likely(st == CL_SEG_OK))
				break;
			if (st == CL_SEG_DUPLICATE)
				adb_duplicate_error(adb_user_day(day, split));
			/*
			 * full: double the allocation, or go dense when that is as small
			 * (the compact dense form when every balance fits in it)
			 */
			adb_runs_swap(s, (int32) n);
			grown = state_pow2(A_SIZE(A_CAP(s))) * 2;
			if (CL_ADB_DENSE32_SIZE(A_W(s)) <= 2 * grown && cl_adb_fits32(cents))
			{
				char	   *d = adb_to_dense32(s, aggcxt, legacy, split);

				if (d != NULL)
				{
					s = d;
					goto dense32;
				}
			}
			if (CL_ADB_DENSE_SIZE(A_W(s)) <= 2 * grown)
			{
				s = adb_to_dense(s, aggcxt, legacy, split);
				goto dense;
			}
			s = adb_resize(s, aggcxt, legacy, ((int64) grown - CL_ADB_HDR) / CL_ADB_RUN);
			adb_runs_swap(s, (int32) n);
		}
		cl_put_i32(s + 20, (int32) n);
		adb_runs_swap(s, (int32) n);
		return s;
	}
dense32:
	{
		int64		k = (int64) day - A_FROM(s);
		char	   *slot = (char *) &A_VAL32(s)[k];

		if (unlikely(cl_get_i32(slot) != CL_ADB_ABSENT32))
			adb_duplicate_error(adb_user_day(day, split));
		if (likely(cl_adb_fits32(cents)))
		{
			cl_put_i32(slot, (int32) cents);
			return s;
		}
		/* a balance the compact form cannot hold: the dense form */
		s = adb_to_dense(s, aggcxt, legacy, split);
	}
dense:
	{
		int64		k = (int64) day - A_FROM(s);
		unsigned char *bm = A_BM(s);

		if (bm[k >> 3] & (1 << (k & 7)))
			adb_duplicate_error(adb_user_day(day, split));
		bm[k >> 3] |= (unsigned char) (1 << (k & 7));
		cl_put_i64(&A_VAL(s)[k], cents);
	}
	return s;
}

/*
 * Prefetches the slot of (internal) day in the compact dense form of the
 * state at p, not read yet, of the window [from, to]: in random day order
 * the state's header and the day's slot are two cache misses, which overlap
 * when the slot is fetched before the header is read.  Harmless for a state
 * in another form (a prefetch never faults nor changes anything).  Always
 * inlined: GCC finds a function made of a prefetch alone pure and drops its
 * calls.
 */
static pg_attribute_always_inline void
adb_prefetch_slot(const void *p, int64 from, int64 to, int64 day)
{
#if defined(__GNUC__) || defined(__clang__)
	if (day >= from && day <= to)
		__builtin_prefetch((const char *) p + CL_ADB_HDR + 4 * (day - from));
#endif
}

static Datum
adb_trans_common(FunctionCallInfo fcinfo, bool legacy)
{
	MemoryContext aggcxt = cl_agg_context(fcinfo);
	char	   *s;
	DateADT		from;
	DateADT		to;
	DateADT		day;
	int64		cents;

	CL_ARG_NOT_NULL(3, "avg_daily_balance from date");
	CL_ARG_NOT_NULL(4, "avg_daily_balance to date");
	from = PG_GETARG_DATEADT(3);
	to = PG_GETARG_DATEADT(4);
	if (!PG_ARGISNULL(0) && !PG_ARGISNULL(1))
		adb_prefetch_slot(DatumGetPointer(PG_GETARG_DATUM(0)), from, to, PG_GETARG_DATEADT(1));
	s = PG_ARGISNULL(0) ? NULL : state_arg(fcinfo, 0);
	if (s == NULL)
	{
		adb_check_new_window(from, to);
		s = adb_new(aggcxt, legacy, from, to, (int32) ((64 - CL_ADB_HDR) / CL_ADB_RUN));
	}
	else if (unlikely(from != A_FROM(s) || to != A_TO(s)))
		adb_window_error(from, to, A_FROM(s), A_TO(s));

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(s);
	day = PG_GETARG_DATEADT(1);
	cl_check_finite_date(day, "avg_daily_balance day");
	cents = adb_cents_of((Numeric) PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(2)));
	PG_RETURN_POINTER(adb_add(s, aggcxt, legacy, day, cents, PG_INT32_MAX));
}

/* a private copy of a state (4-byte header, capacity = n) */
static char *
adb_copy(const char *b, MemoryContext aggcxt, bool legacy)
{
	Size		size = A_IS_DENSE(b) ? VARSIZE(b) : A_SIZE(A_N(b));
	char	   *r = state_alloc(aggcxt, legacy, size);

	memcpy(r, b, size);
	SET_VARSIZE(r, size);
	if (!A_IS_DENSE(b))
		cl_put_i32(r + 24, A_N(b));
	return r;
}

/*
 * Combine: the union of the runs of a and b, merged in day order and joined
 * where they meet, so daily data split across parallel workers or Citus
 * shards combines back into one run per account.
 */
static Datum
adb_combine_common(FunctionCallInfo fcinfo, bool legacy, int32 split)
{
	MemoryContext aggcxt = cl_agg_context(fcinfo);
	char	   *a;
	const char *b;
	char	   *r;
	int32		na,
				nb;
	size_t		n,
				dup;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = state_arg_ro(fcinfo, 1);
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(adb_copy(b, aggcxt, legacy));
	a = state_arg(fcinfo, 0);
	if (A_FROM(a) != A_FROM(b) || A_TO(a) != A_TO(b))
		adb_window_error(A_FROM(b), A_TO(b), A_FROM(a), A_TO(a));
	if (A_FLAGS(b) & CL_ADB_HAS_CARRY)
		adb_add_carry(a, A_CDAY(b), A_CCENTS(b));
	if (A_IS_DENSE(a) || A_IS_DENSE(b))
	{
		/*
		 * one of them is dense: the union in a dense form, the compact one
		 * when both fit in it
		 */
		bool		want64 = ((A_FLAGS(a) | A_FLAGS(b)) & CL_ADB_DENSE) != 0;

		a = adb_make_dense(a, aggcxt, legacy, split, want64);
		if (!A_IS_DENSE(b))
			b = adb_copy(b, CurrentMemoryContext, false);
		b = adb_make_dense((char *) b, CurrentMemoryContext, false, split,
						   (A_FLAGS(a) & CL_ADB_DENSE) != 0);
		if ((A_FLAGS(b) & CL_ADB_DENSE) && (A_FLAGS(a) & CL_ADB_DENSE32))
			a = adb_to_dense(a, aggcxt, legacy, split);
		if (A_FLAGS(a) & CL_ADB_DENSE32)
			adb_dense32_merge(a, b, split);
		else
			adb_dense_merge(a, b, split);
		PG_RETURN_POINTER(a);
	}
	na = A_N(a);
	nb = A_N(b);
	if (nb == 0)
		PG_RETURN_POINTER(a);
	if ((int64) na + nb > CL_ADB_MAX_RUNS)
		(void) adb_resize(a, aggcxt, false, (int64) na + nb);	/* the limit error */
	r = state_alloc(aggcxt, legacy, A_SIZE(na + nb));
	memcpy(r, a, CL_ADB_HDR);
	SET_VARSIZE(r, A_SIZE(na + nb));
	cl_put_i32(r + 24, na + nb);
#ifdef WORDS_BIGENDIAN
	{
		char	   *bc = adb_copy(b, aggcxt, false);

		adb_runs_swap(a, na);
		adb_runs_swap(bc, nb);
		n = cl_seg_merge(A_RUNS(a), na, A_RUNS(bc), nb, A_RUNS(r));
		adb_runs_swap(a, na);
	}
#else
	n = cl_seg_merge(A_RUNS(a), (size_t) na, (const ClSeg *) (b + CL_ADB_HDR), (size_t) nb, A_RUNS(r));
#endif
	dup = cl_seg_overlap(A_RUNS(r), n);
	if (dup > 0)
		adb_duplicate_error(adb_user_day(A_RUNS(r)[dup].first, split));
	cl_put_i32(r + 20, (int32) n);
	adb_runs_swap(r, (int32) n);
	if (legacy)
		pfree(a);
	PG_RETURN_POINTER(r);
}

/*
 * cents as a numeric with two decimals: cents / 10^2 with dscale 2, built
 * directly (the same canonical numeric bytes as numeric_in of the decimal
 * text, without formatting and parsing it)
 */
static Datum
adb_cents_numeric(int64 cents)
{
	return NumericGetDatum(int64_div_fast_to_numeric(cents, 2));
}

/* The average rounded half away from zero to the cent, as numeric(…, 2). */
static Datum
adb_final_common(FunctionCallInfo fcinfo)
{
	const char *s;
	int64		cents = 0;
	int32		dup = 0;
	ClSeg	   *runs;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = state_arg_ro(fcinfo, 0);
	if (A_IS_DENSE(s))
		s = adb_runs_copy(s);
#ifdef WORDS_BIGENDIAN
	{
		char	   *c = adb_copy(s, CurrentMemoryContext, false);

		adb_runs_swap(c, A_N(c));
		s = c;
	}
#endif
	runs = (ClSeg *) A_RUNS(s);
	switch (cl_adb_compute(runs, (size_t) A_N(s), 1,
						   (A_FLAGS(s) & CL_ADB_HAS_CARRY) != 0, A_CCENTS(s),
						   A_FROM(s), A_TO(s), &cents, &dup))
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
	PG_RETURN_DATUM(adb_cents_numeric(cents));
}

/* the binary form as a bytea: the state's bytes with capacity = n */
static bytea *
adb_to_wire(const char *s)
{
	return (bytea *) adb_runs_copy(s);
}

/*
 * A state from a binary form, every invariant checked: an adb_state, or with
 * split an adb_split_state.
 */
static char *
adb_from_wire(const char *buf, Size len, MemoryContext cxt, bool text, bool split)
{
	ClAdbHeader h;
	int32_t		split_day;
	const char *err = split ?
		cl_adbs_state_decode((const unsigned char *) buf, len, &h, &split_day, NULL) :
		cl_adb_state_decode((const unsigned char *) buf, len, &h, NULL);
	char	   *s;

	if (err != NULL)
		bad_state(split ? ADBS_TYPNAME : ADB_TYPNAME, err, text);
	s = MemoryContextAlloc(cxt, len + VARHDRSZ);
	memcpy(s + VARHDRSZ, buf, len);
	SET_VARSIZE(s, len + VARHDRSZ);
	return s;
}

/* binary input, text output and input of adb_state and adb_split_state */
static Datum
adb_recv_common(FunctionCallInfo fcinfo, bool split)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	char	   *s = adb_from_wire(buf->data + buf->cursor, buf->len - buf->cursor,
								  CurrentMemoryContext, false, split);

	buf->cursor = buf->len;
	PG_RETURN_POINTER(s);
}

static Datum
adb_out_common(FunctionCallInfo fcinfo, const char *prefix)
{
	bytea	   *w = adb_to_wire(state_arg_ro(fcinfo, 0));

	PG_RETURN_CSTRING(cl_hex_text(prefix, (const unsigned char *) VARDATA(w), VARSIZE(w) - VARHDRSZ));
}

static Datum
adb_in_common(FunctionCallInfo fcinfo, const char *prefix, const char *typname, bool split)
{
	size_t		n;
	char	   *b = cl_hex_parse(PG_GETARG_CSTRING(0), prefix, typname, &n);

	PG_RETURN_POINTER(adb_from_wire(b, n, CurrentMemoryContext, true, split));
}

PG_FUNCTION_INFO_V1(clientele_adb_state_trans);
Datum
clientele_adb_state_trans(PG_FUNCTION_ARGS)
{
	return adb_trans_common(fcinfo, false);
}

PG_FUNCTION_INFO_V1(clientele_adb_state_combine);
Datum
clientele_adb_state_combine(PG_FUNCTION_ARGS)
{
	return adb_combine_common(fcinfo, false, PG_INT32_MAX);
}

PG_FUNCTION_INFO_V1(clientele_adb_state_final);
Datum
clientele_adb_state_final(PG_FUNCTION_ARGS)
{
	return adb_final_common(fcinfo);
}

PG_FUNCTION_INFO_V1(clientele_adb_state_send);
Datum
clientele_adb_state_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(adb_to_wire(state_arg_ro(fcinfo, 0)));
}

PG_FUNCTION_INFO_V1(clientele_adb_state_recv);
Datum
clientele_adb_state_recv(PG_FUNCTION_ARGS)
{
	return adb_recv_common(fcinfo, false);
}

PG_FUNCTION_INFO_V1(clientele_adb_state_out);
Datum
clientele_adb_state_out(PG_FUNCTION_ARGS)
{
	return adb_out_common(fcinfo, ADB_PREFIX);
}

PG_FUNCTION_INFO_V1(clientele_adb_state_in);
Datum
clientele_adb_state_in(PG_FUNCTION_ARGS)
{
	return adb_in_common(fcinfo, ADB_PREFIX, ADB_TYPNAME, false);
}

/* the 0.1.0 symbols: the same aggregate over an internal state */
PG_FUNCTION_INFO_V1(clientele_adb_trans);
Datum
clientele_adb_trans(PG_FUNCTION_ARGS)
{
	return adb_trans_common(fcinfo, true);
}

PG_FUNCTION_INFO_V1(clientele_adb_combine);
Datum
clientele_adb_combine(PG_FUNCTION_ARGS)
{
	return adb_combine_common(fcinfo, true, PG_INT32_MAX);
}

PG_FUNCTION_INFO_V1(clientele_adb_final);
Datum
clientele_adb_final(PG_FUNCTION_ARGS)
{
	return adb_final_common(fcinfo);
}

PG_FUNCTION_INFO_V1(clientele_adb_serial);
Datum
clientele_adb_serial(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(adb_to_wire((const char *) PG_GETARG_POINTER(0)));
}

PG_FUNCTION_INFO_V1(clientele_adb_deserial);
Datum
clientele_adb_deserial(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = cl_agg_context(fcinfo);
	bytea	   *in = PG_GETARG_BYTEA_PP(0);

	PG_RETURN_POINTER(adb_from_wire(VARDATA_ANY(in), VARSIZE_ANY_EXHDR(in), aggcxt, false, false));
}

/* ----------------------------------------------------------------------
 * avg_daily_balance_split(day date, balance numeric, window_from date,
 *						   split date, window_to date)
 * state: clientele.adb_split_state (value_core.h): an adb_state over the
 * internal window [from, to + 1], days after split stored one day later,
 * split at offset 28.  Transition, combine, dense form: those of
 * avg_daily_balance.
 * ---------------------------------------------------------------------- */

#define A_SPLIT(s) cl_get_i32((s) + CL_ADBS_SPLIT_OFF)

static pg_noinline void
adbs_window_error(int32 from, int32 split, int32 to, const char *s)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("avg_daily_balance_split window must be the same for every row of a group"),
			 errdetail("Got %s / %s / %s after %s / %s / %s.",
					   value_date_str(from), value_date_str(split), value_date_str(to),
					   value_date_str(A_FROM(s)), value_date_str(A_SPLIT(s)),
					   value_date_str(A_TO(s) - 1))));
}

PG_FUNCTION_INFO_V1(clientele_adbs_trans);
Datum
clientele_adbs_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = cl_agg_context(fcinfo);
	char	   *s;
	DateADT		from;
	DateADT		split;
	DateADT		to;
	DateADT		day;
	int64		cents;

	CL_ARG_NOT_NULL(3, "avg_daily_balance_split window_from");
	CL_ARG_NOT_NULL(4, "avg_daily_balance_split split");
	CL_ARG_NOT_NULL(5, "avg_daily_balance_split window_to");
	from = PG_GETARG_DATEADT(3);
	split = PG_GETARG_DATEADT(4);
	to = PG_GETARG_DATEADT(5);
	if (!PG_ARGISNULL(0) && !PG_ARGISNULL(1))
	{
		int64		d = PG_GETARG_DATEADT(1);

		adb_prefetch_slot(DatumGetPointer(PG_GETARG_DATUM(0)), from, (int64) to + 1, d > split ? d + 1 : d);
	}
	s = PG_ARGISNULL(0) ? NULL : state_arg(fcinfo, 0);
	if (s == NULL)
	{
		cl_check_finite_date(from, "avg_daily_balance_split window_from");
		cl_check_finite_date(split, "avg_daily_balance_split split");
		cl_check_finite_date(to, "avg_daily_balance_split window_to");
		if (split < from || split >= to)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("avg_daily_balance_split split %s must lie in [window_from, window_to - 1] = [%s, %s]",
							value_date_str(split), value_date_str(from),
							value_date_str(from > to ? from : to - 1)),
					 errdetail("Both windows [window_from, split] and [split + 1, window_to] must hold a day.")));
		if ((int64) to + 1 >= CL_DAY_END)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("avg_daily_balance_split window_to %s must be before the last valid date",
							value_date_str(to))));
		s = adb_new(aggcxt, false, from, to + 1, (int32) ((64 - CL_ADB_HDR) / CL_ADB_RUN));
		cl_put_i32(s + CL_ADBS_SPLIT_OFF, split);
	}
	else if (unlikely(from != A_FROM(s) || split != A_SPLIT(s) || (int64) to + 1 != A_TO(s)))
		adbs_window_error(from, split, to, s);

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(s);
	day = PG_GETARG_DATEADT(1);
	cl_check_finite_date(day, "avg_daily_balance_split day");
	cents = adb_cents_of((Numeric) PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(2)));
	if (day > split)
	{
		if (day > to)
			PG_RETURN_POINTER(s);
		day++;					/* after split: one day later (never joins a run on or before split) */
	}
	PG_RETURN_POINTER(adb_add(s, aggcxt, false, day, cents, split));
}

PG_FUNCTION_INFO_V1(clientele_adbs_combine);
Datum
clientele_adbs_combine(PG_FUNCTION_ARGS)
{
	int32		split = PG_INT32_MAX;

	if (!PG_ARGISNULL(0) && !PG_ARGISNULL(1))
	{
		const char *a = state_arg_ro(fcinfo, 0);
		const char *b = state_arg_ro(fcinfo, 1);

		if (A_SPLIT(a) != A_SPLIT(b) || A_FROM(a) != A_FROM(b) || A_TO(a) != A_TO(b))
			adbs_window_error(A_FROM(b), A_SPLIT(b), A_TO(b) - 1, a);
		split = A_SPLIT(a);
	}
	return adb_combine_common(fcinfo, false, split);
}

PG_FUNCTION_INFO_V1(clientele_adbs_final);
Datum
clientele_adbs_final(PG_FUNCTION_ARGS)
{
	const char *s;
	char	   *c;
	int64		before = 0,
				after = 0,
				on_split = 0;
	int32		dup = 0;
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	s = state_arg_ro(fcinfo, 0);
	c = adb_runs_copy(s);		/* a private runs-form copy: cl_adbs_compute moves runs */
	adb_runs_swap(c, A_N(c));
	switch (cl_adbs_compute(A_RUNS(c), (size_t) A_N(c),
							(A_FLAGS(c) & CL_ADB_HAS_CARRY) != 0, A_CCENTS(c),
							A_FROM(c), A_SPLIT(c), A_TO(c) - 1,
							&before, &after, &on_split, &dup))
	{
		case CL_ADB_OK:
			break;
		case CL_ADB_DUPLICATE:
			adb_duplicate_error(dup);
			break;
		case CL_ADB_OVERFLOW:
			elog(ERROR, "avg_daily_balance_split average out of range");
	}
	values[0] = adb_cents_numeric(before);
	values[1] = adb_cents_numeric(after);
	values[2] = adb_cents_numeric(on_split);
	tupdesc = BlessTupleDesc(tupdesc);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

PG_FUNCTION_INFO_V1(clientele_adb_split_state_send);
Datum
clientele_adb_split_state_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(adb_to_wire(state_arg_ro(fcinfo, 0)));
}

PG_FUNCTION_INFO_V1(clientele_adb_split_state_recv);
Datum
clientele_adb_split_state_recv(PG_FUNCTION_ARGS)
{
	return adb_recv_common(fcinfo, true);
}

PG_FUNCTION_INFO_V1(clientele_adb_split_state_out);
Datum
clientele_adb_split_state_out(PG_FUNCTION_ARGS)
{
	return adb_out_common(fcinfo, ADBS_PREFIX);
}

PG_FUNCTION_INFO_V1(clientele_adb_split_state_in);
Datum
clientele_adb_split_state_in(PG_FUNCTION_ARGS)
{
	return adb_in_common(fcinfo, ADBS_PREFIX, ADBS_TYPNAME, true);
}

/* ----------------------------------------------------------------------
 * gini(value float8), top_share(value float8, fraction float8)
 * states: clientele.gini_state, clientele.top_share_state (value_core.h)
 * ---------------------------------------------------------------------- */

#define GINI_TYPNAME "clientele.gini_state"
#define GINI_PREFIX "clgini1:"
#define TOP_TYPNAME "clientele.top_share_state"
#define TOP_PREFIX "cltop1:"

#define C_FLAGS(s) (*(uint8 *) ((s) + 5))
#define C_N(s) cl_get_i64((s) + 8)
#define C_CAP(s) cl_get_i64((s) + 16)
#define C_SORTED(s) cl_get_i64((s) + 24)
#define C_ROWS(s) cl_get_i64((s) + 32)
#define C_FRACTION(s) cl_get_f8((s) + 40)
#define C_PTS(s) ((ClValCount *) ((s) + CL_CONC_HDR))
#define C_SIZE(cap) ((Size) CL_CONC_HDR + (Size) (cap) * CL_CONC_POINT)

StaticAssertDecl(sizeof(ClValCount) == CL_CONC_POINT, "ClValCount must be 16 bytes");

static inline void
conc_pts_swap(char *s, int64 n)
{
#ifdef WORDS_BIGENDIAN
	for (int64 i = 0; i < n; i++)
	{
		ClValCount *p = &C_PTS(s)[i];
		uint64		u;

		memcpy(&u, &p->v, 8);
		u = pg_bswap64(u);
		memcpy(&p->v, &u, 8);
		p->count = (int64) pg_bswap64((uint64) p->count);
	}
#endif
}

static char *
conc_new(MemoryContext aggcxt, bool legacy, bool has_fraction, double fraction)
{
	Size		size = 256;
	char	   *s = state_alloc(aggcxt, legacy, size);

	SET_VARSIZE(s, size);
	s[4] = CL_CONC_STATE_VERSION;
	C_FLAGS(s) = has_fraction ? CL_CONC_HAS_FRACTION : 0;
	cl_put_i64(s + 16, (int64) ((size - CL_CONC_HDR) / CL_CONC_POINT));
	cl_put_f8(s + 40, has_fraction ? fraction : 0.0);
	return s;
}

/* a copy of s with room for cap points (a 0.1.0 internal state frees s) */
static char *
conc_resize(const char *s, MemoryContext aggcxt, bool legacy, int64 cap)
{
	char	   *r;

	if (cap > CL_CONC_MAX_POINTS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct values for gini or top_share"),
				 errdetail("The state holds at most " INT64_FORMAT " distinct values (1 GB).",
						   (int64) CL_CONC_MAX_POINTS),
				 errhint("Round the values.")));
	r = state_alloc(aggcxt, legacy, C_SIZE(cap));
	memcpy(r, s, C_SIZE(C_N(s)));
	SET_VARSIZE(r, C_SIZE(cap));
	cl_put_i64(r + 16, cap);
	if (legacy)
		pfree((void *) s);
	return r;
}

/* sorts the unsorted tail of s into its sorted prefix, in place */
static void
conc_compact(char *s)
{
	int64		n = C_N(s),
				sorted = C_SORTED(s);
	ClValCount *scratch;

	if (sorted >= n)
		return;
	scratch = palloc_extended((Size) (n - sorted) * CL_CONC_POINT, MCXT_ALLOC_HUGE);
	conc_pts_swap(s, n);
	n = (int64) cl_vc_compact(C_PTS(s), (size_t) sorted, (size_t) n, scratch);
	conc_pts_swap(s, n);
	pfree(scratch);
	cl_put_i64(s + 8, n);
	cl_put_i64(s + 24, n);
}

static pg_noinline void
conc_fraction_error(double f, double had)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("top_share fraction must be the same for every row of a group"),
			 errdetail("Got %g after %g.", f, had)));
}

static double
conc_check_fraction(double f)
{
	cl_check_finite(f, "top_share fraction");
	if (f < 0 || f > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("top_share fraction must lie between 0 and 1, got %g", f)));
	return f;
}

static pg_noinline void
conc_rows_error(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("too many rows in one gini or top_share group")));
}

/*
 * Transition: appends the value (a repeat of the last sorted value only adds
 * to its count); when the buffer is full the appended values are sorted and
 * merged into the sorted distinct values, and the buffer doubles unless that
 * freed half of it.
 */
static Datum
conc_trans_common(FunctionCallInfo fcinfo, bool legacy, bool has_fraction)
{
	MemoryContext aggcxt = cl_agg_context(fcinfo);
	char	   *s = PG_ARGISNULL(0) ? NULL : state_arg(fcinfo, 0);
	double		x;
	int64		n,
				sorted,
				rows;
	ClValCount *last;

	if (has_fraction)
	{
		double		f;

		CL_ARG_NOT_NULL(2, "top_share fraction");
		f = PG_GETARG_FLOAT8(2);
		if (s == NULL)
			s = conc_new(aggcxt, legacy, true, conc_check_fraction(f));
		else if (f != C_FRACTION(s))
			conc_fraction_error(f, C_FRACTION(s));
	}
	else if (s == NULL)
		s = conc_new(aggcxt, legacy, false, 0);
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(s);
	x = cl_check_finite(PG_GETARG_FLOAT8(1), "value");
	if (x == 0)
		x = 0;					/* -0 is 0 */
	if (pg_add_s64_overflow(C_ROWS(s), 1, &rows))
		conc_rows_error();
	cl_put_i64(s + 32, rows);
	n = C_N(s);
	sorted = C_SORTED(s);
	if (sorted == n && n > 0)
	{
		/* sorted so far: a repeat of the largest value, or a new largest */
		last = (ClValCount *) (s + CL_CONC_HDR + (Size) (n - 1) * CL_CONC_POINT);
		if (cl_get_f8(&last->v) == x)
		{
			cl_put_i64(&last->count, cl_get_i64(&last->count) + 1);
			PG_RETURN_POINTER(s);
		}
	}
	if (n == C_CAP(s))
	{
		conc_compact(s);
		n = C_N(s);
		sorted = n;
		if (n > C_CAP(s) / 2)
			s = conc_resize(s, aggcxt, legacy,
							((int64) state_pow2(C_SIZE(C_CAP(s))) * 2 - CL_CONC_HDR) / CL_CONC_POINT);
	}
	cl_put_f8(s + CL_CONC_HDR + (Size) n * CL_CONC_POINT, x);
	cl_put_i64(s + CL_CONC_HDR + (Size) n * CL_CONC_POINT + 8, 1);
	if (sorted == n && (n == 0 || x > cl_get_f8(s + CL_CONC_HDR + (Size) (n - 1) * CL_CONC_POINT)))
		cl_put_i64(s + 24, n + 1);
	cl_put_i64(s + 8, n + 1);
	PG_RETURN_POINTER(s);
}

/* a private copy of a state (4-byte header, capacity = n) */
static char *
conc_copy(const char *b, MemoryContext aggcxt, bool legacy)
{
	char	   *r = state_alloc(aggcxt, legacy, C_SIZE(C_N(b)));

	memcpy(r, b, C_SIZE(C_N(b)));
	SET_VARSIZE(r, C_SIZE(C_N(b)));
	cl_put_i64(r + 16, C_N(b));
	return r;
}

/* Combine: the union of the values, counts added (exact). */
static Datum
conc_combine_common(FunctionCallInfo fcinfo, bool legacy)
{
	MemoryContext aggcxt = cl_agg_context(fcinfo);
	char	   *a;
	const char *b;
	int64		na,
				nb,
				rows;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = state_arg_ro(fcinfo, 1);
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(conc_copy(b, aggcxt, legacy));
	a = state_arg(fcinfo, 0);
	if ((C_FLAGS(a) & CL_CONC_HAS_FRACTION) != (C_FLAGS(b) & CL_CONC_HAS_FRACTION))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine a gini state with a top_share state")));
	if (C_FRACTION(a) != C_FRACTION(b))
		conc_fraction_error(C_FRACTION(b), C_FRACTION(a));
	if (pg_add_s64_overflow(C_ROWS(a), C_ROWS(b), &rows))
		conc_rows_error();
	na = C_N(a);
	nb = C_N(b);
	if (nb == 0)
		PG_RETURN_POINTER(a);
	if (na + nb > C_CAP(a))
	{
		conc_compact(a);
		na = C_N(a);
		if (na + nb > C_CAP(a))
			a = conc_resize(a, aggcxt, legacy,
							((int64) state_pow2(C_SIZE(na + nb)) - CL_CONC_HDR) / CL_CONC_POINT);
	}
	/* b's points after a's (same byte order), then one compaction */
	memcpy(a + CL_CONC_HDR + (Size) na * CL_CONC_POINT, b + CL_CONC_HDR, (Size) nb * CL_CONC_POINT);
	cl_put_i64(a + 8, na + nb);
	cl_put_i64(a + 32, rows);
	conc_compact(a);
	PG_RETURN_POINTER(a);
}

/*
 * Final functions sort the appended values into the state in place: that
 * keeps the multiset, so a later transition or final call (window
 * aggregation) sees the same state.  No values, or a total <= 0 with some
 * value non-zero, give NULL.
 */
static Datum
conc_final_common(FunctionCallInfo fcinfo, bool top)
{
	char	   *s;
	double		r;
	ClConcStatus st;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = state_arg(fcinfo, 0);
	conc_compact(s);
	conc_pts_swap(s, C_N(s));
	if (top)
		st = cl_top_share_counts(C_PTS(s), (size_t) C_N(s), C_ROWS(s), C_FRACTION(s), &r);
	else
		st = cl_gini_counts(C_PTS(s), (size_t) C_N(s), C_ROWS(s), &r);
	conc_pts_swap(s, C_N(s));
	if (st != CL_CONC_OK)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(r);
}

/* the binary form as a bytea: sorted, distinct, capacity = n */
static bytea *
conc_to_wire(const char *s)
{
	char	   *w = conc_copy(s, CurrentMemoryContext, false);

	conc_compact(w);
	cl_put_i64(w + 16, C_N(w));
	SET_VARSIZE(w, C_SIZE(C_N(w)));
	return (bytea *) w;
}

static char *
conc_from_wire(const char *buf, Size len, bool top, MemoryContext cxt, bool text)
{
	ClConcHeader h;
	const char *err = cl_conc_state_decode((const unsigned char *) buf, len, top, &h, NULL);
	char	   *s;

	if (err != NULL)
		bad_state(top ? TOP_TYPNAME : GINI_TYPNAME, err, text);
	s = MemoryContextAlloc(cxt, len + VARHDRSZ);
	memcpy(s + VARHDRSZ, buf, len);
	SET_VARSIZE(s, len + VARHDRSZ);
	return s;
}

/* the four I/O functions of gini_state (X = gini) and top_share_state (X = top_share) */
#define CONC_IO_FUNCTIONS(X, TOP, PREFIX, TYPNAME) \
PG_FUNCTION_INFO_V1(clientele_##X##_state_send); \
Datum \
clientele_##X##_state_send(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BYTEA_P(conc_to_wire(state_arg_ro(fcinfo, 0))); \
} \
PG_FUNCTION_INFO_V1(clientele_##X##_state_recv); \
Datum \
clientele_##X##_state_recv(PG_FUNCTION_ARGS) \
{ \
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0); \
	char	   *s = conc_from_wire(buf->data + buf->cursor, buf->len - buf->cursor, TOP, \
								   CurrentMemoryContext, false); \
\
	buf->cursor = buf->len; \
	PG_RETURN_POINTER(s); \
} \
PG_FUNCTION_INFO_V1(clientele_##X##_state_out); \
Datum \
clientele_##X##_state_out(PG_FUNCTION_ARGS) \
{ \
	bytea	   *w = conc_to_wire(state_arg_ro(fcinfo, 0)); \
\
	PG_RETURN_CSTRING(cl_hex_text(PREFIX, (const unsigned char *) VARDATA(w), VARSIZE(w) - VARHDRSZ)); \
} \
PG_FUNCTION_INFO_V1(clientele_##X##_state_in); \
Datum \
clientele_##X##_state_in(PG_FUNCTION_ARGS) \
{ \
	size_t		n; \
	char	   *b = cl_hex_parse(PG_GETARG_CSTRING(0), PREFIX, TYPNAME, &n); \
\
	PG_RETURN_POINTER(conc_from_wire(b, n, TOP, CurrentMemoryContext, true)); \
}

CONC_IO_FUNCTIONS(gini, false, GINI_PREFIX, GINI_TYPNAME)
CONC_IO_FUNCTIONS(top_share, true, TOP_PREFIX, TOP_TYPNAME)

PG_FUNCTION_INFO_V1(clientele_gini_state_trans);
Datum
clientele_gini_state_trans(PG_FUNCTION_ARGS)
{
	return conc_trans_common(fcinfo, false, false);
}

PG_FUNCTION_INFO_V1(clientele_top_share_state_trans);
Datum
clientele_top_share_state_trans(PG_FUNCTION_ARGS)
{
	return conc_trans_common(fcinfo, false, true);
}

PG_FUNCTION_INFO_V1(clientele_conc_state_combine);
Datum
clientele_conc_state_combine(PG_FUNCTION_ARGS)
{
	return conc_combine_common(fcinfo, false);
}

PG_FUNCTION_INFO_V1(clientele_gini_state_final);
Datum
clientele_gini_state_final(PG_FUNCTION_ARGS)
{
	return conc_final_common(fcinfo, false);
}

PG_FUNCTION_INFO_V1(clientele_top_share_state_final);
Datum
clientele_top_share_state_final(PG_FUNCTION_ARGS)
{
	return conc_final_common(fcinfo, true);
}

/* the 0.1.0 symbols: the same aggregates over an internal state */
PG_FUNCTION_INFO_V1(clientele_gini_trans);
Datum
clientele_gini_trans(PG_FUNCTION_ARGS)
{
	return conc_trans_common(fcinfo, true, false);
}

PG_FUNCTION_INFO_V1(clientele_top_share_trans);
Datum
clientele_top_share_trans(PG_FUNCTION_ARGS)
{
	return conc_trans_common(fcinfo, true, true);
}

PG_FUNCTION_INFO_V1(clientele_conc_combine);
Datum
clientele_conc_combine(PG_FUNCTION_ARGS)
{
	return conc_combine_common(fcinfo, true);
}

PG_FUNCTION_INFO_V1(clientele_conc_serial);
Datum
clientele_conc_serial(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(conc_to_wire((const char *) PG_GETARG_POINTER(0)));
}

PG_FUNCTION_INFO_V1(clientele_conc_deserial);
Datum
clientele_conc_deserial(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = cl_agg_context(fcinfo);
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *b = VARDATA_ANY(in);
	Size		len = VARSIZE_ANY_EXHDR(in);

	/* either flavour: the fraction flag says which */
	PG_RETURN_POINTER(conc_from_wire(b, len, len > 1 && (b[1] & CL_CONC_HAS_FRACTION) != 0,
									 aggcxt, false));
}

PG_FUNCTION_INFO_V1(clientele_gini_final);
Datum
clientele_gini_final(PG_FUNCTION_ARGS)
{
	return conc_final_common(fcinfo, false);
}

PG_FUNCTION_INFO_V1(clientele_top_share_final);
Datum
clientele_top_share_final(PG_FUNCTION_ARGS)
{
	return conc_final_common(fcinfo, true);
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

/* ----------------------------------------------------------------------
 * refresh_balances(account_id bigint, day date, balance numeric,
 *					closed_accounts bigint[], closed_on date[],
 *					period_from date, window_from date, split date,
 *					as_of date)
 *
 * The value stage's balance pass of clientele.refresh in one aggregate per
 * account: what avg_daily_balance_split(day, balance, period_from, as_of,
 * as_of + 1) and avg_daily_balance_split(day, balance, window_from, split,
 * as_of) give over clientele.balance_input, from one set of runs.  The
 * account's closed_on is looked up once per group (a binary search of the
 * sorted closed_accounts, constant arrays read once per query) instead of
 * joined to every snapshot: a row on or after it is left out, and a zero
 * balance holds from it on (added by the final function when closed_on <=
 * as_of).
 *
 * State (internal, in the aggregate context; serialized only between
 * parallel workers): the runs of the snapshots of [lo, as_of] (lo = the
 * earlier window start) in internal days, and the latest snapshot before lo
 * (the carry).  The internal day of day d is d + the number of window
 * boundaries b <= d (b in {period_from, window_from, split + 1}, distinct),
 * so that the internal day before each boundary is never a snapshot and no
 * run crosses a boundary: every window is then a set of whole runs, exact
 * as in avg_daily_balance_split.  The runs are kept with cl_seg_insert (any
 * row order), merged with cl_seg_merge and packed with cl_seg_pack.
 * ---------------------------------------------------------------------- */

#define RFB_NAME "refresh_balances"
#define RFB_NO_CLOSE PG_INT32_MAX

typedef struct RfbState
{
	bool		has_account;	/* false: a NULL account_id */
	int64		account_id;
	int32		period_from;
	int32		window_from;
	int32		split;
	int32		as_of;
	int32		closed_on;		/* RFB_NO_CLOSE when NULL */
	int32		nb;				/* distinct boundaries */
	int32		bound[3];		/* sorted user days */
	int32		lo;				/* min(period_from, window_from) */
	bool		has_carry;
	int32		carry_day;
	int64		carry_cents;
	int64		snapshots;		/* rows on or before as_of and before closed_on */
	int32		n;				/* runs */
	int32		cap;
	ClSeg		runs[FLEXIBLE_ARRAY_MEMBER];	/* sorted, disjoint, internal days */
} RfbState;

/*
 * One allocation per state (the runs after the header), a power of two from
 * 64 bytes (what the allocator hands out anyway) filled with runs: about
 * 500 bytes for the demo bank's monthly snapshots over two years
 */
#define RFB_SIZE(cap) (offsetof(RfbState, runs) + (Size) (cap) * sizeof(ClSeg))

/*
 * serialized header: 11 int32, the carry cents, the row count and the
 * account, then the packed runs
 */
#define RFB_WIRE_HDR (11 * 4 + 8 + 8 + 8)

/*
 * The closed accounts of a query (fn_extra of the transition): the arrays'
 * datums they were read from, and their elements.
 */
typedef struct RfbClosed
{
	Datum		ids_datum;
	Datum		ons_datum;
	Size		ids_size;
	int			n;
	int64	   *ids;			/* strictly increasing */
	int32	   *ons;
} RfbClosed;

static inline int32
rfb_internal(const RfbState *st, int32 day)
{
	int32		k = 0;

	for (int32 i = 0; i < st->nb; i++)
		if (day >= st->bound[i])
			k++;
	return day + k;
}

/* the user day of internal day x (x is never a gap day) */
static inline int32
rfb_user(const RfbState *st, int32 x)
{
	int32		k = 0;

	for (int32 i = 0; i < st->nb; i++)
		if ((int64) x >= (int64) st->bound[i] + i + 1)
			k++;
	return x - k;
}

static void
rfb_set_bounds(RfbState *st)
{
	int32		b[3] = {st->period_from, st->window_from, st->split + 1};
	int32		n = 0;

	/* sort three, drop duplicates */
	for (int i = 0; i < 3; i++)
		for (int j = i + 1; j < 3; j++)
			if (b[j] < b[i])
			{
				int32		t = b[i];

				b[i] = b[j];
				b[j] = t;
			}
	for (int i = 0; i < 3; i++)
		if (n == 0 || b[i] != st->bound[n - 1])
			st->bound[n++] = b[i];
	st->nb = n;
	st->lo = Min(st->period_from, st->window_from);
}

static pg_noinline void
rfb_window_error(const RfbState *st, bool has_account, int64 account, int32 period_from,
				 int32 window_from, int32 split, int32 as_of)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg(RFB_NAME " account_id, period_from, window_from, split and as_of must be the same for every row of a group"),
			 errdetail("Got %s / %s / %s / %s / %s after %s / %s / %s / %s / %s.",
					   has_account ? psprintf(INT64_FORMAT, account) : "NULL",
					   value_date_str(period_from), value_date_str(window_from),
					   value_date_str(split), value_date_str(as_of),
					   st->has_account ? psprintf(INT64_FORMAT, st->account_id) : "NULL",
					   value_date_str(st->period_from), value_date_str(st->window_from),
					   value_date_str(st->split), value_date_str(st->as_of)),
			 errhint("Aggregate one account per group (GROUP BY account_id).")));
}

static RfbState *
rfb_new(MemoryContext aggcxt, int64 min_cap)
{
	Size		size;
	RfbState   *st;

	if (min_cap > CL_ADB_MAX_RUNS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many balance runs in one " RFB_NAME " group"),
				 errhint("Aggregate one account per group (GROUP BY account_id).")));
	size = state_pow2(RFB_SIZE(min_cap));
	st = MemoryContextAllocZero(aggcxt, size);
	st->cap = (int32) ((size - offsetof(RfbState, runs)) / sizeof(ClSeg));
	return st;
}

static void
rfb_carry(RfbState *st, int32 day, int64 cents)
{
	if (st->has_carry && st->carry_day == day)
		adb_duplicate_error(day);
	if (!st->has_carry || day > st->carry_day)
	{
		st->has_carry = true;
		st->carry_day = day;
		st->carry_cents = cents;
	}
}

/*
 * The closed accounts of arguments 4 and 5, read (and checked) on the first
 * call of a query and whenever the datums change.
 */
static RfbClosed *
rfb_closed(FunctionCallInfo fcinfo)
{
	RfbClosed  *c = (RfbClosed *) fcinfo->flinfo->fn_extra;
	Datum		ids_d,
				ons_d;
	ArrayType  *ids,
			   *ons;
	Datum	   *iv,
			   *ov;
	bool	   *in,
			   *on;
	int			ni,
				no;
	MemoryContext old;

	CL_ARG_NOT_NULL(4, RFB_NAME " closed_accounts");
	CL_ARG_NOT_NULL(5, RFB_NAME " closed_on");
	ids_d = PG_GETARG_DATUM(4);
	ons_d = PG_GETARG_DATUM(5);
	if (c != NULL && c->ids_datum == ids_d && c->ons_datum == ons_d &&
		c->ids_size == VARSIZE_ANY(DatumGetPointer(ids_d)))
		return c;
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	if (c == NULL)
		c = palloc0(sizeof(RfbClosed));
	else
	{
		if (c->ids)
			pfree(c->ids);
		if (c->ons)
			pfree(c->ons);
	}
	ids = DatumGetArrayTypeP(ids_d);
	ons = DatumGetArrayTypeP(ons_d);
	deconstruct_array(ids, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &iv, &in, &ni);
	deconstruct_array(ons, DATEOID, 4, true, TYPALIGN_INT, &ov, &on, &no);
	if (ARR_NDIM(ids) > 1 || ARR_NDIM(ons) > 1 || ni != no)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg(RFB_NAME " closed_accounts and closed_on must be one-dimensional arrays of the same length"),
				 errdetail("Got %d and %d elements.", ni, no)));
	c->ids = palloc(sizeof(int64) * (Size) Max(ni, 1));
	c->ons = palloc(sizeof(int32) * (Size) Max(ni, 1));
	for (int i = 0; i < ni; i++)
	{
		if (in[i] || on[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg(RFB_NAME " closed_accounts and closed_on must not contain NULLs")));
		c->ids[i] = DatumGetInt64(iv[i]);
		c->ons[i] = DatumGetDateADT(ov[i]);
		cl_check_finite_date(c->ons[i], RFB_NAME " closed_on");
		if (i > 0 && c->ids[i] <= c->ids[i - 1])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg(RFB_NAME " closed_accounts must be strictly increasing"),
					 errdetail("Account %lld follows account %lld.",
							   (long long) c->ids[i], (long long) c->ids[i - 1])));
	}
	c->n = ni;
	c->ids_datum = ids_d;
	c->ons_datum = ons_d;
	c->ids_size = VARSIZE_ANY(DatumGetPointer(ids_d));
	pfree(iv);
	pfree(ov);
	pfree(in);
	pfree(on);
	MemoryContextSwitchTo(old);
	fcinfo->flinfo->fn_extra = c;
	return c;
}

/* the closed_on of an account (binary search), RFB_NO_CLOSE when open */
static int32
rfb_closed_on(const RfbClosed *c, int64 account)
{
	int			lo = 0,
				hi = c->n - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (c->ids[mid] == account)
			return c->ons[mid];
		if (c->ids[mid] < account)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return RFB_NO_CLOSE;
}

PG_FUNCTION_INFO_V1(clientele_refresh_balances_trans);
Datum
clientele_refresh_balances_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = cl_agg_context(fcinfo);
	RfbState   *st = PG_ARGISNULL(0) ? NULL : (RfbState *) PG_GETARG_POINTER(0);
	bool		has_account = !PG_ARGISNULL(1);
	int64		account = has_account ? PG_GETARG_INT64(1) : 0;
	DateADT		period_from,
				window_from,
				split,
				as_of,
				day;
	int64		cents;
	int32		x;
	size_t		n;

	CL_ARG_NOT_NULL(6, RFB_NAME " period_from");
	CL_ARG_NOT_NULL(7, RFB_NAME " window_from");
	CL_ARG_NOT_NULL(8, RFB_NAME " split");
	CL_ARG_NOT_NULL(9, RFB_NAME " as_of");
	period_from = PG_GETARG_DATEADT(6);
	window_from = PG_GETARG_DATEADT(7);
	split = PG_GETARG_DATEADT(8);
	as_of = PG_GETARG_DATEADT(9);
	if (st == NULL)
	{
		RfbClosed  *c = rfb_closed(fcinfo);

		cl_check_finite_date(period_from, RFB_NAME " period_from");
		cl_check_finite_date(window_from, RFB_NAME " window_from");
		cl_check_finite_date(split, RFB_NAME " split");
		cl_check_finite_date(as_of, RFB_NAME " as_of");
		if (period_from > as_of)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg(RFB_NAME " period_from %s is after as_of %s",
							value_date_str(period_from), value_date_str(as_of))));
		if (split < window_from || split >= as_of)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg(RFB_NAME " split %s must lie in [window_from, as_of - 1] = [%s, %s]",
							value_date_str(split), value_date_str(window_from),
							value_date_str(window_from > as_of ? window_from : as_of - 1)),
					 errdetail("Both windows [window_from, split] and [split + 1, as_of] must hold a day.")));
		if ((int64) as_of + 3 >= CL_DAY_END)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg(RFB_NAME " as_of %s must be before the last valid date",
							value_date_str(as_of))));
		st = rfb_new(aggcxt, 1);
		st->has_account = has_account;
		st->account_id = account;
		st->period_from = period_from;
		st->window_from = window_from;
		st->split = split;
		st->as_of = as_of;
		/* a NULL account_id has no closed_on (balance_input) */
		st->closed_on = has_account ? rfb_closed_on(c, account) : RFB_NO_CLOSE;
		rfb_set_bounds(st);
	}
	else if (unlikely(has_account != st->has_account || account != st->account_id ||
					  period_from != st->period_from || window_from != st->window_from ||
					  split != st->split || as_of != st->as_of))
		rfb_window_error(st, has_account, account, period_from, window_from, split, as_of);

	if (PG_ARGISNULL(2))
		PG_RETURN_POINTER(st);
	day = PG_GETARG_DATEADT(2);
	/* after as_of, or on or after closed_on (replaced by the zero): not used */
	if (day > as_of || day >= st->closed_on)
		PG_RETURN_POINTER(st);
	st->snapshots++;
	if (PG_ARGISNULL(3))
		PG_RETURN_POINTER(st);
	cl_check_finite_date(day, RFB_NAME " day");
	cents = adb_cents_of((Numeric) PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(3)));
	if (day < st->lo)
	{
		rfb_carry(st, day, cents);
		PG_RETURN_POINTER(st);
	}
	x = rfb_internal(st, day);
	n = (size_t) st->n;
	for (;;)
	{
		ClSegStatus rc = cl_seg_insert(st->runs, &n, (size_t) st->cap, x, cents);

		if (likely(rc == CL_SEG_OK))
			break;
		if (rc == CL_SEG_DUPLICATE)
			adb_duplicate_error(day);
		/* full: the next power of two */
		{
			RfbState   *g = rfb_new(aggcxt, (int64) st->cap + 1);
			int32		cap = g->cap;

			memcpy(g, st, RFB_SIZE(st->n));
			g->cap = cap;
			pfree(st);
			st = g;
		}
	}
	st->n = (int32) n;
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(clientele_refresh_balances_combine);
Datum
clientele_refresh_balances_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = cl_agg_context(fcinfo);
	RfbState   *a = PG_ARGISNULL(0) ? NULL : (RfbState *) PG_GETARG_POINTER(0);
	RfbState   *b = PG_ARGISNULL(1) ? NULL : (RfbState *) PG_GETARG_POINTER(1);
	RfbState   *r;
	size_t		n,
				dup;

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
	{
		r = rfb_new(aggcxt, b->n);
		memcpy(r, b, offsetof(RfbState, cap));
		memcpy(r->runs, b->runs, sizeof(ClSeg) * (Size) b->n);
		PG_RETURN_POINTER(r);
	}
	if (a->has_account != b->has_account || a->account_id != b->account_id ||
		a->closed_on != b->closed_on || a->period_from != b->period_from ||
		a->window_from != b->window_from || a->split != b->split || a->as_of != b->as_of)
		rfb_window_error(a, b->has_account, b->account_id, b->period_from, b->window_from, b->split, b->as_of);
	if (b->has_carry)
		rfb_carry(a, b->carry_day, b->carry_cents);
	a->snapshots += b->snapshots;
	if (b->n == 0)
		PG_RETURN_POINTER(a);
	r = rfb_new(aggcxt, (int64) a->n + b->n);
	{
		int32		cap = r->cap;

		memcpy(r, a, offsetof(RfbState, cap));
		r->cap = cap;
	}
	n = cl_seg_merge(a->runs, (size_t) a->n, b->runs, (size_t) b->n, r->runs);
	dup = cl_seg_overlap(r->runs, n);
	if (dup > 0)
		adb_duplicate_error(rfb_user(a, r->runs[dup].first));
	r->n = (int32) n;
	pfree(a);
	PG_RETURN_POINTER(r);
}

PG_FUNCTION_INFO_V1(clientele_refresh_balances_serial);
Datum
clientele_refresh_balances_serial(PG_FUNCTION_ARGS)
{
	RfbState   *st;
	bytea	   *out;
	char	   *p;
	int32		h[11];
	size_t		len;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "aggregate function called in non-aggregate context");
	st = (RfbState *) PG_GETARG_POINTER(0);
	out = palloc(VARHDRSZ + RFB_WIRE_HDR + sizeof(ClSeg) * (Size) st->n);
	p = VARDATA(out);
	h[0] = st->period_from;
	h[1] = st->window_from;
	h[2] = st->split;
	h[3] = st->as_of;
	h[4] = st->closed_on;
	h[5] = st->has_carry ? 1 : 0;
	h[6] = st->carry_day;
	h[7] = st->n;
	h[8] = st->has_account ? 1 : 0;
	h[9] = h[10] = 0;
	memcpy(p, h, sizeof(h));
	memcpy(p + 44, &st->carry_cents, 8);
	memcpy(p + 52, &st->snapshots, 8);
	memcpy(p + 60, &st->account_id, 8);
	len = cl_seg_pack(st->runs, (size_t) st->n, (unsigned char *) p + RFB_WIRE_HDR);
	SET_VARSIZE(out, VARHDRSZ + RFB_WIRE_HDR + len);
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(clientele_refresh_balances_deserial);
Datum
clientele_refresh_balances_deserial(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = cl_agg_context(fcinfo);
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in);
	size_t		len = VARSIZE_ANY_EXHDR(in);
	int32		h[11];
	RfbState   *st;

	if (len < RFB_WIRE_HDR)
		elog(ERROR, "invalid " RFB_NAME " state: %zu bytes", len);
	memcpy(h, p, sizeof(h));
	/* a run packs into at least 16 bytes */
	if (h[7] < 0 || (size_t) h[7] > (len - RFB_WIRE_HDR) / 16)
		elog(ERROR, "invalid " RFB_NAME " state: %d runs in %zu bytes", h[7], len);
	st = rfb_new(aggcxt, h[7]);
	st->period_from = h[0];
	st->window_from = h[1];
	st->split = h[2];
	st->as_of = h[3];
	st->closed_on = h[4];
	st->has_carry = h[5] != 0;
	st->carry_day = h[6];
	st->n = h[7];
	st->has_account = h[8] != 0;
	memcpy(&st->carry_cents, p + 44, 8);
	memcpy(&st->snapshots, p + 52, 8);
	memcpy(&st->account_id, p + 60, 8);
	if (!cl_seg_unpack((const unsigned char *) p + RFB_WIRE_HDR, len - RFB_WIRE_HDR, st->runs, (size_t) st->n))
		elog(ERROR, "invalid " RFB_NAME " state: malformed runs");
	rfb_set_bounds(st);
	PG_RETURN_POINTER(st);
}

/*
 * The average daily balance over the user days [from, to] of runs[0..n)
 * (user days, sorted, none crossing from or to + 1), with the carry before
 * from: the last run ending before from, else the state's carry.
 */
static int64
rfb_window(const RfbState *st, ClSeg *runs, size_t n, int32 from, int32 to, ClSeg *scratch)
{
	bool		has_carry = st->has_carry;
	int64		carry = st->carry_cents;
	size_t		k = 0;
	int64		cents = 0;
	int32		dup = 0;

	for (size_t i = 0; i < n; i++)
	{
		if (runs[i].last < from)
		{
			has_carry = true;
			carry = runs[i].last_cents;
		}
		else if (runs[i].first <= to)
			scratch[k++] = runs[i];
	}
	switch (cl_adb_compute(scratch, k, 1, has_carry, carry, from, to, &cents, &dup))
	{
		case CL_ADB_OK:
			break;
		case CL_ADB_DUPLICATE:
			adb_duplicate_error(dup);
			break;
		case CL_ADB_OVERFLOW:
			elog(ERROR, RFB_NAME " average out of range");
	}
	return cents;
}

/* the balance on day: the latest snapshot on or before it, 0 when none */
static int64
rfb_on(const RfbState *st, const ClSeg *runs, size_t n, int32 day)
{
	int64		cents = st->has_carry ? st->carry_cents : 0;

	for (size_t i = 0; i < n && runs[i].first <= day; i++)
		cents = runs[i].last_cents;
	return cents;
}

PG_FUNCTION_INFO_V1(clientele_refresh_balances_final);
Datum
clientele_refresh_balances_final(PG_FUNCTION_ARGS)
{
	RfbState   *st;
	RfbState	s;
	ClSeg	   *runs;
	ClSeg	   *scratch;
	size_t		n;
	TupleDesc	tupdesc;
	Datum		values[6];
	bool		nulls[6] = {false, false, false, false, false, false};

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (RfbState *) PG_GETARG_POINTER(0);
	s = *st;					/* the state is read only: the carry may change below */
	runs = palloc(sizeof(ClSeg) * ((Size) st->n + 1));
	scratch = palloc(sizeof(ClSeg) * ((Size) st->n + 1));
	n = (size_t) st->n;
	for (size_t i = 0; i < n; i++)
	{
		runs[i] = st->runs[i];
		runs[i].first = rfb_user(st, st->runs[i].first);
		runs[i].last = rfb_user(st, st->runs[i].last);
	}
	/* closed on or before as_of: 0 from closed_on on (every row kept is before it) */
	if (s.closed_on <= s.as_of)
	{
		if (s.closed_on < s.lo)
		{
			s.has_carry = true;
			s.carry_day = s.closed_on;
			s.carry_cents = 0;
		}
		else
			runs[n++] = cl_seg_one(s.closed_on, 0);
	}
	values[0] = adb_cents_numeric(rfb_window(&s, runs, n, s.period_from, s.as_of, scratch));
	values[1] = adb_cents_numeric(rfb_on(&s, runs, n, s.as_of));
	values[2] = Int64GetDatum(s.snapshots);
	values[3] = adb_cents_numeric(rfb_window(&s, runs, n, s.window_from, s.split, scratch));
	values[4] = adb_cents_numeric(rfb_window(&s, runs, n, s.split + 1, s.as_of, scratch));
	values[5] = adb_cents_numeric(rfb_on(&s, runs, n, s.split));
	if (fcinfo->flinfo->fn_extra == NULL)
		fcinfo->flinfo->fn_extra = cl_call_result_desc(fcinfo);
	tupdesc = (TupleDesc) fcinfo->flinfo->fn_extra;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
