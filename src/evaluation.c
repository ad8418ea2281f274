/*
 * evaluation.c
 *		Ranking metrics clientele.auc / ks / lift and the logistic regression
 *		clientele.logistic_fit, as parallel-safe aggregates with real state
 *		types (maths in src/core/evaluation.c).
 *
 * Both state types are varlenas whose bytes are little-endian on every host
 * (fields are read and written through the le_* helpers below, which compile
 * to plain loads and stores on little-endian machines), led by a version
 * byte.  The binary form (send/recv) is the same bytes without the varlena
 * header and with the spare capacity cut off; the text form is a prefix and
 * the hex of the binary form.  Input checks every invariant.
 *
 * clientele.rank_state: distinct scores with their positive and negative
 * counts.  Rows are appended; the buffer is sorted and tied scores merged
 * whenever it fills, so memory is 24 bytes per distinct score (at most
 * 44 million distinct scores under the 1 GB limit of a value).
 *
 * clientele.logistic_state: the rows themselves (label and features as
 * float8), because Newton's method needs several passes over them:
 * 8 (p + 1) bytes per row, p features; a value is limited to 1 GB, so at most
 * 134,217,700 / (p + 1) rows (10.3 million rows with 12 features).  Tied rows
 * are not merged (features are usually continuous).
 */
#include "clientele.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "port/pg_bswap.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

#include "evaluation.h"
#include "le.h"

/* ---------------------------------------------------------------------------
 * little-endian field access
 * ------------------------------------------------------------------------- */

/* (src/core/le.h) */
#define get_i64(p) cl_get_i64(p)
#define put_i64(p, x) cl_put_i64((p), (x))
#define get_i32(p) cl_get_i32(p)
#define put_i32(p, x) cl_put_i32((p), (x))
#define get_f8(p) cl_get_f8(p)
#define put_f8(p, x) cl_put_f8((p), (x))

/* ---------------------------------------------------------------------------
 * Growing transition values.  A state below STATE_EXPANDED_MIN bytes is a
 * plain varlena that the aggregate copies when it grows (cheap); a larger one
 * lives in an expanded object (its own memory context, a child of the
 * aggregate's), so that growing it is a repalloc and the aggregate adopts it
 * without copying.  Flattened (stored, sent to a worker), it is the plain
 * varlena with the capacity cut to the count.
 * ------------------------------------------------------------------------- */
#define STATE_EXPANDED_MIN ((Size) 64 * 1024)

typedef struct GrowOps
{
	Size		(*used) (const char *s);	/* bytes in use */
	void		(*trim) (char *flat);	/* capacity field := count */
} GrowOps;

typedef struct GrowState
{
	ExpandedObjectHeader hdr;
	const GrowOps *ops;
	char	   *buf;			/* the state bytes; VARSIZE = allocated */
} GrowState;

static Size
grow_get_flat_size(ExpandedObjectHeader *eohptr)
{
	GrowState  *g = (GrowState *) eohptr;

	return g->ops->used(g->buf);
}

static void
grow_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	GrowState  *g = (GrowState *) eohptr;

	memcpy(result, g->buf, allocated_size);
	SET_VARSIZE(result, allocated_size);
	g->ops->trim((char *) result);
}

static const ExpandedObjectMethods grow_methods = {grow_get_flat_size, grow_flatten_into};

/* the bytes of a state datum (plain, compressed or expanded), read-only */
static inline char *
state_bytes(Datum d)
{
	struct varlena *p = (struct varlena *) DatumGetPointer(d);

	if (VARATT_IS_EXTERNAL_EXPANDED(p))
		return ((GrowState *) DatumGetEOHP(d))->buf;
	if (unlikely(VARATT_IS_EXTENDED(p)))
		p = pg_detoast_datum(p);
	return (char *) p;
}

/*
 * Argument 0 of a transition or combine function, to update in place: the
 * bytes of the aggregate's own value, and its expanded object if it has one.
 */
static char *
state_arg_rw(FunctionCallInfo fcinfo, GrowState **g)
{
	Datum		d = PG_GETARG_DATUM(0);
	struct varlena *p = (struct varlena *) DatumGetPointer(d);

	*g = NULL;
	if (VARATT_IS_EXTERNAL_EXPANDED_RW(p))
	{
		*g = (GrowState *) DatumGetEOHP(d);
		return (*g)->buf;
	}
	if (VARATT_IS_EXTERNAL_EXPANDED(p))
	{
		/* read-only: work on a copy */
		char	   *src = ((GrowState *) DatumGetEOHP(d))->buf;
		char	   *c = palloc(VARSIZE(src));

		memcpy(c, src, VARSIZE(src));
		return c;
	}
	return state_bytes(d);
}

/*
 * s with room for bytes in all (the caller sets the capacity field): in
 * place when s is expanded, moved into a new expanded object (a child of the
 * aggregate's context) when large, else a plain copy whose spare capacity is
 * zeroed (it travels with the value).
 */
static char *
state_grow(FunctionCallInfo fcinfo, char *s, GrowState **g, Size bytes, const GrowOps *ops)
{
	Size		old = VARSIZE(s);
	MemoryContext aggctx;
	char	   *r;

	if (*g != NULL)
	{
		/* the spare capacity of an expanded state is never copied out: not zeroed */
		r = repalloc((*g)->buf, bytes);
		SET_VARSIZE(r, bytes);
		(*g)->buf = r;
		return r;
	}
	if (bytes >= STATE_EXPANDED_MIN && AggCheckCallContext(fcinfo, &aggctx))
	{
		MemoryContext cxt = AllocSetContextCreate(aggctx, "clientele aggregate state",
												  ALLOCSET_DEFAULT_SIZES);

		*g = (GrowState *) MemoryContextAlloc(cxt, sizeof(GrowState));
		EOH_init_header(&(*g)->hdr, &grow_methods, cxt);
		(*g)->ops = ops;
		r = MemoryContextAlloc(cxt, bytes);
		(*g)->buf = r;
	}
	else
		r = palloc0(bytes);
	memcpy(r, s, Min(old, bytes));
	SET_VARSIZE(r, bytes);
	return r;
}

static inline Datum
state_result(char *s, GrowState *g)
{
	return g != NULL ? EOHPGetRWDatum(&g->hdr) : PointerGetDatum(s);
}

static void
bad_state(const char *typname, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid %s value", typname),
			 errdetail("%s", detail)));
}

/*
 * A state from its binary form (no varlena header), validated by check
 * (the src/core function that returns NULL or what is broken).
 */
static char *
state_from_wire(const char *buf, Size len, const char *(*check) (const unsigned char *, size_t),
				const char *typname)
{
	const char *err = check((const unsigned char *) buf, len);
	char	   *s;

	if (err != NULL)
		bad_state(typname, err);
	s = palloc(len + VARHDRSZ);
	memcpy(s + VARHDRSZ, buf, len);
	SET_VARSIZE(s, len + VARHDRSZ);
	return s;
}

/*
 * The four I/O functions of a state type X: clientele_X_state_send/recv
 * (binary form) and _out/_in (prefix and hex of the binary form), over
 * X_to_wire(state) -> bytea and X_from_wire(bytes, length) -> state, which
 * checks every invariant.
 */
#define STATE_IO_FUNCTIONS(X, PREFIX, TYPNAME) \
PG_FUNCTION_INFO_V1(clientele_##X##_state_send); \
Datum \
clientele_##X##_state_send(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BYTEA_P(X##_to_wire(state_bytes(PG_GETARG_DATUM(0)))); \
} \
PG_FUNCTION_INFO_V1(clientele_##X##_state_recv); \
Datum \
clientele_##X##_state_recv(PG_FUNCTION_ARGS) \
{ \
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0); \
	char	   *s = X##_from_wire(buf->data + buf->cursor, buf->len - buf->cursor); \
\
	buf->cursor = buf->len; \
	PG_RETURN_POINTER(s); \
} \
PG_FUNCTION_INFO_V1(clientele_##X##_state_out); \
Datum \
clientele_##X##_state_out(PG_FUNCTION_ARGS) \
{ \
	bytea	   *w = X##_to_wire(state_bytes(PG_GETARG_DATUM(0))); \
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
	PG_RETURN_POINTER(X##_from_wire(b, n)); \
}

/* ===========================================================================
 * clientele.rank_state
 *
 *	off  0  varlena header (4)
 *	off  4  version (1) = 1
 *	off  5  flags (1): 1 = points compact (sorted, distinct), 2 = has fraction
 *	off  6  zero (2)
 *	off  8  npoints (8)
 *	off 16  capacity (8)            (= npoints in the binary form)
 *	off 24  positives (8)
 *	off 32  negatives (8)
 *	off 40  fraction (f8)           (lift; 0 without)
 *	off 48  points: score f8, positives i64, negatives i64 (24 each)
 * ===========================================================================
 */
#define RANK_VERSION CL_RANK_VERSION
#define RANK_COMPACT CL_RANK_COMPACT
#define RANK_FRACTION CL_RANK_FRACTION
#define RANK_HDR CL_RANK_HDR
#define RANK_PT CL_RANK_PT
#define RANK_TYPNAME "clientele.rank_state"
#define RANK_PREFIX "clrk1:"
#define RANK_INITIAL_CAP 64
#define RANK_MAX_CAP CL_RANK_MAX_CAP

StaticAssertDecl(sizeof(ClEvalPoint) == RANK_PT, "ClEvalPoint must be 24 bytes");

#define R_FLAGS(s) (*(uint8 *) ((s) + 5))
#define R_N(s) get_i64((s) + 8)
#define R_CAP(s) get_i64((s) + 16)
#define R_POS(s) get_i64((s) + 24)
#define R_NEG(s) get_i64((s) + 32)
#define R_FRACTION(s) get_f8((s) + 40)
#define R_PT(s, i) ((s) + RANK_HDR + (Size) (i) * RANK_PT)

static char *
rank_new(int64 cap, bool has_fraction, double fraction)
{
	char	   *s = palloc0(RANK_HDR + (Size) cap * RANK_PT);

	SET_VARSIZE(s, RANK_HDR + (Size) cap * RANK_PT);
	s[4] = RANK_VERSION;
	R_FLAGS(s) = RANK_COMPACT | (has_fraction ? RANK_FRACTION : 0);
	put_i64(s + 16, cap);
	put_f8(s + 40, has_fraction ? fraction : 0.0);
	return s;
}

/* the points of s in native form: s's own bytes on little-endian hosts */
static ClEvalPoint *
rank_points(char *s, int64 n)
{
#ifdef WORDS_BIGENDIAN
	ClEvalPoint *p = palloc(Max(n, 1) * sizeof(ClEvalPoint));
	int64		i;

	for (i = 0; i < n; i++)
	{
		p[i].score = get_f8(R_PT(s, i));
		p[i].pos = get_i64(R_PT(s, i) + 8);
		p[i].neg = get_i64(R_PT(s, i) + 16);
	}
	return p;
#else
	return (ClEvalPoint *) R_PT(s, 0);
#endif
}

static void
rank_store_points(char *s, const ClEvalPoint *p, int64 n)
{
	int64		i;

	if ((const char *) p == R_PT(s, 0))
		return;
	for (i = 0; i < n; i++)
	{
		put_f8(R_PT(s, i), p[i].score);
		put_i64(R_PT(s, i) + 8, p[i].pos);
		put_i64(R_PT(s, i) + 16, p[i].neg);
	}
}

/* sorts and merges the points of s in place */
static void
rank_compact(char *s)
{
	int64		n = R_N(s);
	ClEvalPoint *p;

	if (R_FLAGS(s) & RANK_COMPACT)
		return;
	p = rank_points(s, n);
	n = (int64) cl_eval_compact(p, (size_t) n);
	rank_store_points(s, p, n);
	put_i64(s + 8, n);
	R_FLAGS(s) |= RANK_COMPACT;
}

/* a copy of s with room for cap points, in CurrentMemoryContext */
static char *
rank_resize(const char *s, int64 cap)
{
	char	   *r;
	int64		n = R_N(s);

	if (cap > RANK_MAX_CAP)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct scores for a ranking metric"),
				 errdetail("The state holds at most %lld distinct scores (1 GB).",
						   (long long) RANK_MAX_CAP),
				 errhint("Round the scores.")));
	r = palloc0(RANK_HDR + (Size) cap * RANK_PT);
	memcpy(r, s, RANK_HDR + (Size) n * RANK_PT);
	SET_VARSIZE(r, RANK_HDR + (Size) cap * RANK_PT);
	put_i64(r + 16, cap);
	return r;
}

static Size
rank_used(const char *s)
{
	return RANK_HDR + (Size) R_N(s) * RANK_PT;
}

static void
rank_trim(char *flat)
{
	put_i64(flat + 16, R_N(flat));
}

static const GrowOps rank_ops = {rank_used, rank_trim};

/* the aggregate's state s with room for cap points (see state_grow) */
static char *
rank_grow(FunctionCallInfo fcinfo, char *s, GrowState **g, int64 cap)
{
	if (cap > RANK_MAX_CAP)
		(void) rank_resize(s, cap);	/* raises the limit error */
	s = state_grow(fcinfo, s, g, RANK_HDR + (Size) cap * RANK_PT, &rank_ops);
	put_i64(s + 16, cap);
	return s;
}

static Datum
rank_trans_common(FunctionCallInfo fcinfo, bool has_fraction)
{
	GrowState  *g = NULL;
	char	   *s = PG_ARGISNULL(0) ? NULL : state_arg_rw(fcinfo, &g);
	double		score,
				fraction = 0;
	bool		label;
	int64		n,
				cap;

	(void) cl_agg_context(fcinfo);	/* errors outside an aggregate */
	if (has_fraction)
	{
		CL_ARG_NOT_NULL(3, "fraction");
		fraction = PG_GETARG_FLOAT8(3);
		if (s == NULL || fraction != R_FRACTION(s))
		{
			cl_check_finite(fraction, "fraction");
			if (!(fraction > 0 && fraction <= 1))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("fraction must be greater than 0 and at most 1, got %g", fraction)));
			if (s != NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("fraction must be the same for every row of a group"),
						 errdetail("Found %g and %g.", R_FRACTION(s), fraction)));
		}
	}
	/* rows with a NULL score or label are skipped */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (s == NULL)
			PG_RETURN_NULL();
		return state_result(s, g);
	}
	score = cl_check_finite(PG_GETARG_FLOAT8(1), "score");
	if (score == 0)
		score = 0;				/* -0 ties with 0 */
	label = PG_GETARG_BOOL(2);

	if (s == NULL)
		s = rank_new(RANK_INITIAL_CAP, has_fraction, fraction);
	n = R_N(s);
	cap = R_CAP(s);
	if (n == cap)
	{
		rank_compact(s);
		n = R_N(s);
		if (n > cap / 2)
		{
			s = rank_grow(fcinfo, s, &g, cap * 2 <= RANK_MAX_CAP || n >= RANK_MAX_CAP ? cap * 2 : RANK_MAX_CAP);
			cap = R_CAP(s);
		}
	}
	put_f8(R_PT(s, n), score);
	put_i64(R_PT(s, n) + 8, label ? 1 : 0);
	put_i64(R_PT(s, n) + 16, label ? 0 : 1);
	put_i64(s + 8, n + 1);
	if (label)
		put_i64(s + 24, R_POS(s) + 1);
	else
		put_i64(s + 32, R_NEG(s) + 1);
	/* appending a score above the last one keeps a compact buffer compact */
	if (n > 0 && !(score > get_f8(R_PT(s, n - 1))))
		R_FLAGS(s) &= ~RANK_COMPACT;
	return state_result(s, g);
}

PG_FUNCTION_INFO_V1(clientele_rank_trans);
Datum
clientele_rank_trans(PG_FUNCTION_ARGS)
{
	return rank_trans_common(fcinfo, false);
}

PG_FUNCTION_INFO_V1(clientele_rank_trans_fraction);
Datum
clientele_rank_trans_fraction(PG_FUNCTION_ARGS)
{
	return rank_trans_common(fcinfo, true);
}

PG_FUNCTION_INFO_V1(clientele_rank_combine);

/* exact merge: the union of the points, counts added */
Datum
clientele_rank_combine(PG_FUNCTION_ARGS)
{
	char	   *a,
			   *b,
			   *r;
	int64		na,
				nb,
				cap;
	GrowState  *g = NULL;

	(void) cl_agg_context(fcinfo);	/* errors outside an aggregate */
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = state_bytes(PG_GETARG_DATUM(1));
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(rank_resize(b, Max(R_N(b), 1)));
	a = state_arg_rw(fcinfo, &g);
	if ((R_FLAGS(a) & RANK_FRACTION) != (R_FLAGS(b) & RANK_FRACTION) ||
		R_FRACTION(a) != R_FRACTION(b))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine ranking states with different fractions"),
				 errdetail("Found %g and %g.", R_FRACTION(a), R_FRACTION(b))));
	na = R_N(a);
	nb = R_N(b);
	cap = R_CAP(a);
	if (na + nb > cap)
	{
		rank_compact(a);
		na = R_N(a);
		cap = Max(RANK_INITIAL_CAP, cap);
		while (cap < na + nb && cap < RANK_MAX_CAP)
			cap *= 2;
		r = rank_grow(fcinfo, a, &g, Min(cap, RANK_MAX_CAP));
		if (na + nb > R_CAP(r))
		{
			/* compact b too and merge through a scratch copy */
			char	   *bc = rank_resize(b, Max(nb, 1));

			rank_compact(bc);
			nb = R_N(bc);
			b = bc;
			if (na + nb > R_CAP(r))
				r = rank_grow(fcinfo, r, &g, na + nb);
		}
	}
	else
		r = a;
	memcpy(R_PT(r, na), R_PT(b, 0), (Size) nb * RANK_PT);
	put_i64(r + 8, na + nb);
	put_i64(r + 24, R_POS(r) + R_POS(b));
	put_i64(r + 32, R_NEG(r) + R_NEG(b));
	if (nb > 0)
		R_FLAGS(r) &= ~RANK_COMPACT;
	return state_result(r, g);
}

/* a compact copy of the state (final functions must not change their input) */
static char *
rank_final_points(FunctionCallInfo fcinfo, ClEvalPoint **pts, int64 *n)
{
	char	   *s = state_bytes(PG_GETARG_DATUM(0));

	if (!(R_FLAGS(s) & RANK_COMPACT))
	{
		s = rank_resize(s, Max(R_N(s), 1));
		rank_compact(s);
	}
	*n = R_N(s);
	*pts = rank_points(s, *n);
	return s;
}

PG_FUNCTION_INFO_V1(clientele_auc_final);
Datum
clientele_auc_final(PG_FUNCTION_ARGS)
{
	ClEvalPoint *p;
	int64		n;
	char	   *s;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = rank_final_points(fcinfo, &p, &n);
	if (R_POS(s) == 0 || R_NEG(s) == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(cl_eval_auc(p, (size_t) n, R_POS(s), R_NEG(s)));
}

PG_FUNCTION_INFO_V1(clientele_ks_final);
Datum
clientele_ks_final(PG_FUNCTION_ARGS)
{
	ClEvalPoint *p;
	int64		n;
	char	   *s;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = rank_final_points(fcinfo, &p, &n);
	if (R_POS(s) == 0 || R_NEG(s) == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(cl_eval_ks(p, (size_t) n, R_POS(s), R_NEG(s)));
}

PG_FUNCTION_INFO_V1(clientele_lift_final);
Datum
clientele_lift_final(PG_FUNCTION_ARGS)
{
	ClEvalPoint *p;
	int64		n;
	char	   *s;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = rank_final_points(fcinfo, &p, &n);
	if (R_POS(s) == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(cl_eval_lift(p, (size_t) n, R_POS(s), R_NEG(s), R_FRACTION(s)));
}

/* binary form: the compact bytes after the varlena header, capacity = n */
static bytea *
rank_to_wire(char *s)
{
	int64		n;
	Size		len;
	char	   *w;

	if (!(R_FLAGS(s) & RANK_COMPACT))
	{
		s = rank_resize(s, Max(R_N(s), 1));
		rank_compact(s);
	}
	n = R_N(s);
	len = RANK_HDR + (Size) n * RANK_PT;
	w = palloc(len);
	memcpy(w, s, len);
	SET_VARSIZE(w, len);
	put_i64(w + 16, n);
	return (bytea *) w;
}

/* validates the binary form (cl_rank_state_check) and builds a state */
static char *
rank_from_wire(const char *buf, Size len)
{
	return state_from_wire(buf, len, cl_rank_state_check, RANK_TYPNAME);
}

STATE_IO_FUNCTIONS(rank, RANK_PREFIX, RANK_TYPNAME)

/* ===========================================================================
 * clientele.logistic_state
 *
 *	off  0  varlena header (4)
 *	off  4  version (1) = 1
 *	off  5  flags (1): 1 = l2 given
 *	off  6  zero (2)
 *	off  8  features p (4), 0..LOGIT_MAX_FEATURES
 *	off 12  zero (4)
 *	off 16  rows (8)
 *	off 24  capacity in rows (8)    (= rows in the binary form)
 *	off 32  positives (8)
 *	off 40  l2 (f8)                 (0 without)
 *	off 48  rows: label (f8 0 or 1), then p features (f8); stride 8 (p + 1)
 * ===========================================================================
 */
#define LOGIT_VERSION CL_LOGIT_VERSION
#define LOGIT_HAS_L2 CL_LOGIT_HAS_L2
#define LOGIT_HDR CL_LOGIT_HDR
#define LOGIT_TYPNAME "clientele.logistic_state"
#define LOGIT_PREFIX "cllg1:"
#define LOGIT_MAX_FEATURES CL_LOGIT_MAX_FEATURES
#define LOGIT_MAX_ITER 100

#define L_FLAGS(s) (*(uint8 *) ((s) + 5))
#define L_P(s) get_i32((s) + 8)
#define L_N(s) get_i64((s) + 16)
#define L_CAP(s) get_i64((s) + 24)
#define L_POS(s) get_i64((s) + 32)
#define L_L2(s) get_f8((s) + 40)
#define L_STRIDE(p) ((Size) ((p) + 1) * 8)
#define L_ROW(s, p, i) ((s) + LOGIT_HDR + (Size) (i) * L_STRIDE(p))
#define L_MAX_ROWS(p) CL_LOGIT_MAX_ROWS(p)

static char *
logit_new(int p, int64 cap, bool has_l2, double l2)
{
	Size		len = LOGIT_HDR + (Size) cap * L_STRIDE(p);
	char	   *s = palloc0(len);

	SET_VARSIZE(s, len);
	s[4] = LOGIT_VERSION;
	L_FLAGS(s) = has_l2 ? LOGIT_HAS_L2 : 0;
	put_i32(s + 8, p);
	put_i64(s + 24, cap);
	put_f8(s + 40, has_l2 ? l2 : 0.0);
	return s;
}

static char *
logit_resize(const char *s, int64 cap)
{
	int			p = L_P(s);
	int64		n = L_N(s);
	Size		len = LOGIT_HDR + (Size) cap * L_STRIDE(p);
	char	   *r;

	if (cap > L_MAX_ROWS(p))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many rows for logistic_fit with %d features", p),
				 errdetail("The state keeps every row and holds at most %lld rows of %d features (1 GB).",
						   (long long) L_MAX_ROWS(p), p),
				 errhint("Fit on a sample (TABLESAMPLE) or on fewer features.")));
	r = palloc0(len);			/* the spare capacity travels with the value */
	memcpy(r, s, LOGIT_HDR + (Size) n * L_STRIDE(p));
	SET_VARSIZE(r, len);
	put_i64(r + 24, cap);
	return r;
}

static Size
logit_used(const char *s)
{
	return LOGIT_HDR + (Size) L_N(s) * L_STRIDE(L_P(s));
}

static void
logit_trim(char *flat)
{
	put_i64(flat + 24, L_N(flat));
}

static const GrowOps logit_ops = {logit_used, logit_trim};

/* the aggregate's state s with room for cap rows (see state_grow) */
static char *
logit_grow(FunctionCallInfo fcinfo, char *s, GrowState **g, int64 cap)
{
	int			p = L_P(s);

	if (cap > L_MAX_ROWS(p))
		(void) logit_resize(s, cap);	/* raises the limit error */
	s = state_grow(fcinfo, s, g, LOGIT_HDR + (Size) cap * L_STRIDE(p), &logit_ops);
	put_i64(s + 24, cap);
	return s;
}

/*
 * The l2 argument argno of a logistic transition: not NULL, finite >= 0, and
 * equal to the group's (current) once the group has a state.
 */
static double
l2_arg(FunctionCallInfo fcinfo, int argno, bool have_state, double current)
{
	double		l2;

	CL_ARG_NOT_NULL(argno, "l2");
	l2 = PG_GETARG_FLOAT8(argno);
	if (!have_state || l2 != current)
	{
		cl_check_nonneg(l2, "l2");
		if (have_state)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("l2 must be the same for every row of a group"),
					 errdetail("Found %g and %g.", current, l2)));
	}
	return l2;
}

static Datum
logit_trans_common(FunctionCallInfo fcinfo, bool has_l2)
{
	GrowState  *g = NULL;
	char	   *s = PG_ARGISNULL(0) ? NULL : state_arg_rw(fcinfo, &g);
	double		l2 = 0;
	bool		label;
	ArrayType  *arr;
	int			p,
				j;
	int64		n;
	char	   *row;
	float8	   *vals;
	bits8	   *nullbitmap;

	(void) cl_agg_context(fcinfo);	/* errors outside an aggregate */
	if (has_l2)
	{
		l2 = l2_arg(fcinfo, 3, s != NULL, s != NULL ? L_L2(s) : 0);
	}
	/* rows with a NULL label or NULL features are skipped */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (s == NULL)
			PG_RETURN_NULL();
		return state_result(s, g);
	}
	label = PG_GETARG_BOOL(1);
	arr = PG_GETARG_ARRAYTYPE_P(2);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("features must be a one-dimensional array, got %d dimensions", ARR_NDIM(arr))));
	p = ARR_NDIM(arr) == 0 ? 0 : ARR_DIMS(arr)[0];
	if (s == NULL)
	{
		if (p > LOGIT_MAX_FEATURES)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("logistic_fit takes at most %d features, got %d", LOGIT_MAX_FEATURES, p)));
		s = logit_new(p, Min(64, L_MAX_ROWS(p)), has_l2, l2);
	}
	else if (p != L_P(s))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("every features array of a group must have the same length"),
				 errdetail("Found %d and %d elements.", L_P(s), p)));
	vals = p > 0 ? (float8 *) ARR_DATA_PTR(arr) : NULL;
	nullbitmap = ARR_NULLBITMAP(arr);
	for (j = 0; j < p; j++)
	{
		if (nullbitmap && !(nullbitmap[j / 8] & (1 << (j % 8))))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("features[%d] must not be NULL", j + 1)));
	}
	n = L_N(s);
	if (n == L_CAP(s))
		s = logit_grow(fcinfo, s, &g, n * 2 <= L_MAX_ROWS(p) || n >= L_MAX_ROWS(p) ? n * 2 : L_MAX_ROWS(p));
	row = L_ROW(s, p, n);
	put_f8(row, label ? 1.0 : 0.0);
	if (nullbitmap == NULL)
	{
		for (j = 0; j < p; j++)
		{
			double		v = vals[j];

			if (unlikely(isnan(v) || isinf(v)))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("features[%d] must be a finite number, got %s", j + 1,
								isnan(v) ? "NaN" : (v > 0 ? "Infinity" : "-Infinity"))));
			put_f8(row + 8 * (j + 1), v);
		}
	}
	else
		elog(ERROR, "unexpected null bitmap");	/* rejected above */
	put_i64(s + 16, n + 1);
	if (label)
		put_i64(s + 32, L_POS(s) + 1);
	return state_result(s, g);
}

PG_FUNCTION_INFO_V1(clientele_logistic_trans);
Datum
clientele_logistic_trans(PG_FUNCTION_ARGS)
{
	return logit_trans_common(fcinfo, false);
}

PG_FUNCTION_INFO_V1(clientele_logistic_trans_l2);
Datum
clientele_logistic_trans_l2(PG_FUNCTION_ARGS)
{
	return logit_trans_common(fcinfo, true);
}

PG_FUNCTION_INFO_V1(clientele_logistic_combine);
Datum
clientele_logistic_combine(PG_FUNCTION_ARGS)
{
	char	   *a,
			   *b,
			   *r;
	int64		na,
				nb,
				cap;
	int			p;
	GrowState  *g = NULL;

	(void) cl_agg_context(fcinfo);	/* errors outside an aggregate */
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = state_bytes(PG_GETARG_DATUM(1));
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(logit_resize(b, Max(L_N(b), 1)));
	a = state_arg_rw(fcinfo, &g);
	p = L_P(a);
	if (L_P(b) != p)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("every features array of a group must have the same length"),
				 errdetail("Found %d and %d elements.", p, L_P(b))));
	if (L_FLAGS(a) != L_FLAGS(b) || L_L2(a) != L_L2(b))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("l2 must be the same for every row of a group"),
				 errdetail("Found %g and %g.", L_L2(a), L_L2(b))));
	na = L_N(a);
	nb = L_N(b);
	r = a;
	if (na + nb > L_CAP(a))
	{
		cap = Max(L_CAP(a), 64);
		while (cap < na + nb && cap < L_MAX_ROWS(p))
			cap *= 2;
		r = logit_grow(fcinfo, a, &g, Max(Min(cap, L_MAX_ROWS(p)), na + nb));
	}
	memcpy(L_ROW(r, p, na), L_ROW(b, p, 0), (Size) nb * L_STRIDE(p));
	put_i64(r + 16, na + nb);
	put_i64(r + 32, L_POS(r) + L_POS(b));
	return state_result(r, g);
}

typedef struct LogitRows
{
	const char *s;
	int			p;
} LogitRows;

static const double *
logit_get_row(void *ctx, size_t i, double *buf)
{
	LogitRows *lr = (LogitRows *) ctx;
	const char *row = L_ROW(lr->s, lr->p, i);

#ifdef WORDS_BIGENDIAN
	int			j;

	for (j = 0; j <= lr->p; j++)
		buf[j] = get_f8(row + 8 * j);
	return buf;
#else
	(void) buf;
	return (const double *) row;
#endif
}

static void
logit_interrupt(void)
{
	CHECK_FOR_INTERRUPTS();
}

static void *
logit_alloc(size_t n)
{
	return palloc_extended(n, MCXT_ALLOC_NO_OOM);
}

static void
logit_release(void *p)
{
	pfree(p);
}

#define LOGIT_RESULT_NATTS 10

static Datum
float8_array_or_nulls(const double *v, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));
	bool	   *nulls = palloc(sizeof(bool) * Max(n, 1));
	int			dims[1] = {n},
				lbs[1] = {1};
	int			i;

	for (i = 0; i < n; i++)
	{
		nulls[i] = isnan(v[i]);
		d[i] = Float8GetDatum(nulls[i] ? 0 : v[i]);
	}
	return PointerGetDatum(construct_md_array(d, nulls, 1, dims, lbs, FLOAT8OID, 8,
											  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

PG_FUNCTION_INFO_V1(clientele_logistic_final);

/*
 * The fit: (coefficients, std_errors, log_likelihood, iterations, converged,
 * n, n_positive, n_negative, l2, passes).
 */
Datum
clientele_logistic_final(PG_FUNCTION_ARGS)
{
	char	   *s;
	int			p;
	int64		n,
				npos;
	double	   *beta,
			   *se;
	ClLogitResult res;
	ClLogitStatus st;
	LogitRows	lr;
	TupleDesc	tupdesc;
	Datum		values[LOGIT_RESULT_NATTS];
	bool		nulls[LOGIT_RESULT_NATTS];

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = state_bytes(PG_GETARG_DATUM(0));
	p = L_P(s);
	n = L_N(s);
	npos = L_POS(s);
	if (npos == 0 || npos == n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("logistic_fit needs rows of both classes"),
				 errdetail("%lld rows: %lld positive, %lld negative.",
						   (long long) n, (long long) npos, (long long) (n - npos))));
	if (n < (int64) p + 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("logistic_fit needs at least as many rows as parameters"),
				 errdetail("%lld rows (%lld positive, %lld negative) for %d features plus the intercept.",
						   (long long) n, (long long) npos, (long long) (n - npos), p)));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "logistic_fit final function must return a composite type");
	if (tupdesc->natts != LOGIT_RESULT_NATTS)
		elog(ERROR, "clientele.logistic_model has %d columns, expected %d",
			 tupdesc->natts, LOGIT_RESULT_NATTS);
	tupdesc = BlessTupleDesc(tupdesc);

	beta = palloc(sizeof(double) * (p + 1));
	se = palloc(sizeof(double) * (p + 1));
	res.beta = beta;
	res.se = se;
	lr.s = s;
	lr.p = p;
	st = cl_logit_fit(logit_get_row, &lr, (size_t) n, p, L_L2(s), LOGIT_MAX_ITER,
					  logit_interrupt, logit_alloc, logit_release, &res);
	if (st == CL_LOGIT_NOMEM)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("logistic_fit could not allocate its work arrays for %d features.", p)));
	if (st == CL_LOGIT_SINGULAR)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the features of logistic_fit are collinear"),
				 errdetail(res.singular_feature <= 1
						   ? "The information matrix is singular at the intercept."
						   : "features[%d] is constant or a linear combination of the intercept and the features before it.",
						   res.singular_feature - 1),
				 errhint("Drop the feature or pass an l2 penalty greater than zero.")));
	if (!res.converged)
		ereport(WARNING,
				(errmsg("logistic_fit did not converge after %d iterations", res.iterations),
				 errdetail("The classes are (quasi-)separated by the features: some coefficients grow without bound."),
				 errhint("Pass an l2 penalty greater than zero.")));

	memset(nulls, 0, sizeof(nulls));
	values[0] = float8_array_or_nulls(beta, p + 1);
	values[1] = float8_array_or_nulls(se, p + 1);
	values[2] = Float8GetDatum(res.log_likelihood);
	values[3] = Int32GetDatum(res.iterations);
	values[4] = BoolGetDatum(res.converged != 0);
	values[5] = Int64GetDatum(n);
	values[6] = Int64GetDatum(npos);
	values[7] = Int64GetDatum(n - npos);
	values[8] = Float8GetDatum(L_L2(s));
	values[9] = Int32GetDatum(res.passes);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

static bytea *
logistic_to_wire(char *s)
{
	int			p = L_P(s);
	int64		n = L_N(s);
	Size		len = LOGIT_HDR + (Size) n * L_STRIDE(p);
	char	   *w = palloc(len);

	memcpy(w, s, len);
	SET_VARSIZE(w, len);
	put_i64(w + 24, n);
	return (bytea *) w;
}

/* validates the binary form (cl_logit_state_check) and builds a state */
static char *
logistic_from_wire(const char *buf, Size len)
{
	return state_from_wire(buf, len, cl_logit_state_check, LOGIT_TYPNAME);
}

STATE_IO_FUNCTIONS(logistic, LOGIT_PREFIX, LOGIT_TYPNAME)

PG_FUNCTION_INFO_V1(clientele_logistic_predict);

/*
 * logistic_predict(coefficients, features): 1 / (1 + exp(-(b0 + sum b_j x_j))).
 */
Datum
clientele_logistic_predict(PG_FUNCTION_ARGS)
{
	ArrayType  *ca = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *fa = PG_GETARG_ARRAYTYPE_P(1);
	int			nc = ArrayGetNItems(ARR_NDIM(ca), ARR_DIMS(ca));
	int			nf = ArrayGetNItems(ARR_NDIM(fa), ARR_DIMS(fa));
	const float8 *c,
			   *f;
	double		eta;
	int			j;

	if (ARR_NDIM(ca) > 1 || ARR_NDIM(fa) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("coefficients and features must be one-dimensional arrays")));
	if (ARR_HASNULL(ca) || ARR_HASNULL(fa))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("coefficients and features must not contain NULL")));
	if (nc != nf + 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("coefficients must have one element more than features (the intercept)"),
				 errdetail("Got %d coefficients and %d features.", nc, nf)));
	c = (const float8 *) ARR_DATA_PTR(ca);
	f = (const float8 *) ARR_DATA_PTR(fa);
	eta = cl_check_finite(c[0], "coefficients[1]");
	for (j = 0; j < nf; j++)
	{
		char		what[32];

		if (unlikely(isnan(f[j]) || isinf(f[j]) || isnan(c[j + 1]) || isinf(c[j + 1])))
		{
			snprintf(what, sizeof(what), "features[%d]", j + 1);
			cl_check_finite(f[j], what);
			snprintf(what, sizeof(what), "coefficients[%d]", j + 2);
			cl_check_finite(c[j + 1], what);
		}
		eta += c[j + 1] * f[j];
	}
	if (isnan(eta))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("the linear predictor of logistic_predict overflows")));
	PG_RETURN_FLOAT8(1.0 / (1.0 + exp(-eta)));
}

/* ===========================================================================
 * clientele.logistic_step_state: one Newton pass at given coefficients, of
 * fixed size 48 + 8 (2 q + q (q + 1) / 2) bytes (q = p + 1), whatever the
 * number of rows (layout in src/core/evaluation.h).  The aggregate
 * clientele.logistic_step(label, features, coefficients, l2) sums the
 * log-likelihood, gradient and information of the rows at the coefficients;
 * clientele.logistic_fit_passes iterates it to the optimum of logistic_fit.
 * ===========================================================================
 */
#define LSTEP_TYPNAME "clientele.logistic_step_state"
#define LSTEP_PREFIX "clls1:"
#define LSTEP_RESULT_NATTS 11
#define LS_P(s) get_i32((s) + 8)
#define LS_N(s) get_i64((s) + 16)
#define LS_POS(s) get_i64((s) + 24)
#define LS_L2(s) get_f8((s) + 32)
#define LS_BIN(s) ((unsigned char *) (s) + VARHDRSZ)

/* the features (p elements, no NULL) of a row, as a pointer into the array */
static const float8 *
lstep_features(ArrayType *arr, int *p)
{
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("features must be a one-dimensional array, got %d dimensions", ARR_NDIM(arr))));
	*p = ARR_NDIM(arr) == 0 ? 0 : ARR_DIMS(arr)[0];
	if (ARR_HASNULL(arr))
	{
		bits8	   *nb = ARR_NULLBITMAP(arr);
		int			j;

		for (j = 0; j < *p; j++)
			if (!(nb[j / 8] & (1 << (j % 8))))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("features[%d] must not be NULL", j + 1)));
	}
	return *p > 0 ? (const float8 *) ARR_DATA_PTR(arr) : NULL;
}

/* a new state in the aggregate context at the coefficients of argument 3 */
static char *
lstep_new(FunctionCallInfo fcinfo, MemoryContext aggctx, int p, double l2)
{
	ArrayType  *ca;
	int			nc,
				j;
	const float8 *c;
	char	   *s;

	CL_ARG_NOT_NULL(3, "coefficients");
	ca = PG_GETARG_ARRAYTYPE_P(3);
	nc = ArrayGetNItems(ARR_NDIM(ca), ARR_DIMS(ca));
	if (ARR_NDIM(ca) > 1 || ARR_HASNULL(ca))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("coefficients must be a one-dimensional array without NULL")));
	if (p > LOGIT_MAX_FEATURES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("logistic_step takes at most %d features, got %d", LOGIT_MAX_FEATURES, p)));
	if (nc != p + 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("coefficients must have one element more than features (the intercept)"),
				 errdetail("Got %d coefficients and %d features.", nc, p)));
	c = (const float8 *) ARR_DATA_PTR(ca);
	for (j = 0; j < nc; j++)
	{
		char		what[32];

		snprintf(what, sizeof(what), "coefficients[%d]", j + 1);
		cl_check_finite(c[j], what);
	}
	s = MemoryContextAlloc(aggctx, CL_LSTEP_BIN_LEN(p) + VARHDRSZ);
	SET_VARSIZE(s, CL_LSTEP_BIN_LEN(p) + VARHDRSZ);
	cl_lstep_init(LS_BIN(s), p, l2, c);
	return s;
}

PG_FUNCTION_INFO_V1(clientele_logistic_step_trans);

/*
 * logistic_step_trans(state, label, features, coefficients, l2): adds the row
 * at the coefficients (rows with a NULL label or features are skipped).  The
 * coefficients and l2 are read on the first row and must not change.
 */
Datum
clientele_logistic_step_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = cl_agg_context(fcinfo);	/* errors outside an aggregate */
	char	   *s = PG_ARGISNULL(0) ? NULL : state_bytes(PG_GETARG_DATUM(0));
	double		l2;
	int			p;
	const float8 *x;
	const char *err;

	l2 = l2_arg(fcinfo, 4, s != NULL, s != NULL ? LS_L2(s) : 0);
	if (s != NULL)
	{
		/* the coefficients must be the same on every row */
		ArrayType  *ca;
		int			nc;

		CL_ARG_NOT_NULL(3, "coefficients");
		ca = PG_GETARG_ARRAYTYPE_P(3);
		nc = ArrayGetNItems(ARR_NDIM(ca), ARR_DIMS(ca));
		if (ARR_NDIM(ca) > 1 || ARR_HASNULL(ca) || nc != LS_P(s) + 1 ||
			memcmp(ARR_DATA_PTR(ca), CL_LSTEP_B(LS_BIN(s)), sizeof(float8) * nc) != 0)
		{
#ifdef WORDS_BIGENDIAN
#error "logistic_step compares native coefficients with the little-endian state"
#endif
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("coefficients must be the same for every row of a group")));
		}
	}
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (s == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s);
	}
	x = lstep_features(PG_GETARG_ARRAYTYPE_P(2), &p);
	if (s == NULL)
		s = lstep_new(fcinfo, aggctx, p, l2);
	else if (p != LS_P(s))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("every features array of a group must have the same length"),
				 errdetail("Found %d and %d elements.", LS_P(s), p)));
	{
		int			j;

		for (j = 0; j < p; j++)
			if (unlikely(isnan(x[j]) || isinf(x[j])))
			{
				char		what[32];

				snprintf(what, sizeof(what), "features[%d]", j + 1);
				cl_check_finite(x[j], what);
			}
	}
	err = cl_lstep_add(LS_BIN(s), PG_GETARG_BOOL(1) ? 1.0 : 0.0, x);
	if (err != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("logistic_step overflows at these coefficients"),
				 errdetail("%s", err),
				 errhint("Scale the features, or start from smaller coefficients.")));
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(clientele_logistic_step_combine);
Datum
clientele_logistic_step_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = cl_agg_context(fcinfo);	/* errors outside an aggregate */
	char	   *a,
			   *b;
	const char *err;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = state_bytes(PG_GETARG_DATUM(1));
	if (PG_ARGISNULL(0))
	{
		a = MemoryContextAlloc(aggctx, VARSIZE(b));
		memcpy(a, b, VARSIZE(b));
		PG_RETURN_POINTER(a);
	}
	a = state_bytes(PG_GETARG_DATUM(0));
	err = cl_lstep_combine(LS_BIN(a), LS_BIN(b));
	if (err == NULL)
		err = cl_lstep_state_check(LS_BIN(a), VARSIZE(a) - VARHDRSZ);
	if (err != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine these logistic_step states"),
				 errdetail("%s", err),
				 errhint("Every row of a logistic_step group must use the same coefficients and l2.")));
	PG_RETURN_POINTER(a);
}

static Datum
float8_matrix(const double *v, int q)
{
	Datum	   *d = palloc(sizeof(Datum) * Max((size_t) q * q, 1));
	int			dims[2] = {q, q},
				lbs[2] = {1, 1};
	size_t		i;

	for (i = 0; i < (size_t) q * q; i++)
		d[i] = Float8GetDatum(v[i]);
	return PointerGetDatum(construct_md_array(d, NULL, 2, dims, lbs, FLOAT8OID, 8,
											  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

PG_FUNCTION_INFO_V1(clientele_logistic_step_final);

/*
 * (n, n_positive, l2, coefficients, log_likelihood, objective, gradient,
 * information, newton_step, std_errors, singular_at) of the penalised
 * objective at the coefficients.
 */
Datum
clientele_logistic_step_final(PG_FUNCTION_ARGS)
{
	char	   *s;
	int			p,
				q,
				j,
				rc;
	double	   *b,
			   *grad,
			   *info,
			   *step,
			   *se,
				objective;
	TupleDesc	tupdesc;
	Datum		values[LSTEP_RESULT_NATTS];
	bool		nulls[LSTEP_RESULT_NATTS];

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = state_bytes(PG_GETARG_DATUM(0));
	p = LS_P(s);
	q = p + 1;
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "logistic_step final function must return a composite type");
	if (tupdesc->natts != LSTEP_RESULT_NATTS)
		elog(ERROR, "clientele.logistic_step_result has %d columns, expected %d",
			 tupdesc->natts, LSTEP_RESULT_NATTS);
	tupdesc = BlessTupleDesc(tupdesc);
	b = palloc(sizeof(double) * q);
	grad = palloc(sizeof(double) * q);
	step = palloc(sizeof(double) * q);
	se = palloc(sizeof(double) * q);
	info = palloc(sizeof(double) * (size_t) q * q);
	for (j = 0; j < q; j++)
		b[j] = get_f8(CL_LSTEP_B(LS_BIN(s)) + 8 * j);
	rc = cl_lstep_newton(LS_BIN(s), &objective, grad, info, step, se, logit_alloc, logit_release);
	if (rc < 0)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("logistic_step could not allocate its work arrays for %d features.", p)));
	memset(nulls, 0, sizeof(nulls));
	values[0] = Int64GetDatum(LS_N(s));
	values[1] = Int64GetDatum(LS_POS(s));
	values[2] = Float8GetDatum(LS_L2(s));
	values[3] = float8_array_or_nulls(b, q);
	values[4] = Float8GetDatum(get_f8(s + 40));
	values[5] = Float8GetDatum(objective);
	values[6] = float8_array_or_nulls(grad, q);
	values[7] = float8_matrix(info, q);
	if (rc == 0)
	{
		values[8] = float8_array_or_nulls(step, q);
		values[9] = float8_array_or_nulls(se, q);
		nulls[10] = true;
	}
	else
	{
		nulls[8] = nulls[9] = true;
		values[10] = Int32GetDatum(rc);
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

static bytea *
logistic_step_to_wire(char *s)
{
	char	   *w = palloc(VARSIZE(s));

	memcpy(w, s, VARSIZE(s));
	return (bytea *) w;
}

/* validates the binary form (cl_lstep_state_check) and builds a state */
static char *
logistic_step_from_wire(const char *buf, Size len)
{
	return state_from_wire(buf, len, cl_lstep_state_check, LSTEP_TYPNAME);
}

STATE_IO_FUNCTIONS(logistic_step, LSTEP_PREFIX, LSTEP_TYPNAME)
