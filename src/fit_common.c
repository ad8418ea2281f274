/*
 * fit_common.c
 *		fmgr helpers shared by the model fit aggregates; see fit_common.h.
 */
#include "fit_common.h"

#include <float.h>
#include <math.h>

#include "access/htup_details.h"
#include "miscadmin.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "clientele.h"
#include "memo.h"
#include "optim.h"

#define FIT_STATE_INITIAL 64
#define FIT_STATE_TEXT_PREFIX "clfs2:"
#define FIT_STATE_TEXT_PREFIX_V1 "clfs1:"	/* 0.1.0: native in-memory layout */

PG_FUNCTION_INFO_V1(fit_state_in);
PG_FUNCTION_INFO_V1(fit_state_out);
PG_FUNCTION_INFO_V1(fit_state_combine);

static const char *
model_name(uint32 model)
{
	switch (model)
	{
		case CL_MODEL_BGNBD:
			return "bgnbd";
		case CL_MODEL_GAMMA_GAMMA:
			return "gamma_gamma";
		case CL_MODEL_PARETO_NBD:
			return "pareto_nbd";
		case CL_MODEL_SBG:
			return "sbg";
		case CL_MODEL_MBGNBD:
			return "mbgnbd";
		case CL_MODEL_BGBB:
			return "bgbb";
	}
	return "unknown";
}

static void
check_agg_context(FunctionCallInfo fcinfo, const char *what)
{
	(void) cl_agg_context(fcinfo);
}

/* a new hashed state of the given capacity, in the current memory context */
static ClFitState *
state_new(uint32 model, uint32 capacity, double penalizer)
{
	Size		sz = cl_fitstate_size(capacity);
	ClFitState *st = palloc(sz);

	cl_fitstate_init(st, model, capacity, penalizer);
	SET_VARSIZE(st, sz);
	return st;
}

/*
 * Make room for one more distinct row: a hashed copy of twice the size (or
 * the same size for a compact state), allocated in the current (per-tuple)
 * context; nodeAgg copies the returned state into the aggregate context and
 * frees the old one.
 */
static ClFitState *
state_grow(ClFitState *st, const char *aggname)
{
	uint32		cap = FIT_STATE_INITIAL;
	ClFitState *ns;

	while ((uint64) (st->nentries + 1) * 2 > cap)
	{
		if (cap >= CL_FITSTATE_MAX_CAPACITY)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many distinct input rows for %s (more than %u)",
							aggname, CL_FITSTATE_MAX_CAPACITY / 2),
					 errhint("Round recency and T (e.g. to days or weeks) so that customers share rows.")));
		cap *= 2;
	}
	ns = state_new(st->model, cap, st->penalizer);
	if (!cl_fitstate_merge(ns, st))
		elog(ERROR, "fit state merge overflowed");
	ns->nrows = st->nrows;
	ns->nignored = st->nignored;
	return ns;
}

void
cl_fit_state_check_model(const ClFitState *st, uint32 model, const char *aggname)
{
	if (st->model != model)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the state given to %s was made by the %s fit", aggname,
						model_name(st->model))));
}

/* one more input row must keep the counts exact (at most 2^53) */
static inline void
check_room(const ClFitState *st, const char *aggname)
{
	if (st->nrows + st->nignored >= CL_FITSTATE_MAX_COUNT)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("more than 2^53 input rows for %s", aggname)));
}

static ClFitState *
state_for_update(FunctionCallInfo fcinfo, uint32 model, const char *aggname,
				 double penalizer)
{
	ClFitState *st;

	check_agg_context(fcinfo, aggname);
	cl_check_nonneg(penalizer, "penalizer");
	if (PG_ARGISNULL(0))
		return state_new(model, FIT_STATE_INITIAL, penalizer);
	st = PG_GETARG_FITSTATE(0);
	cl_fit_state_check_model(st, model, aggname);
	if (st->penalizer != penalizer)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the penalizer of %s must be the same for every row", aggname),
				 errdetail("It was %g, then %g.", st->penalizer, penalizer)));
	return st;
}

Datum
cl_fit_state_accum(FunctionCallInfo fcinfo, uint32 model, const char *aggname,
				   double x, double tx, double T, double penalizer)
{
	return cl_fit_state_accum_n(fcinfo, model, aggname, x, tx, T, 1.0, penalizer);
}

Datum
cl_fit_state_accum_n(FunctionCallInfo fcinfo, uint32 model, const char *aggname,
					 double x, double tx, double T, double count,
					 double penalizer)
{
	ClFitState *st = state_for_update(fcinfo, model, aggname, penalizer);

	/* counts are doubles: keep every total exact (at most 2^53) */
	if (st->nrows + st->nignored + count > CL_FITSTATE_MAX_COUNT)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("more than 2^53 input rows for %s", aggname)));
	if (cl_fitstate_needs_grow(st))
		st = state_grow(st, aggname);
	if (!cl_fitstate_add(st, x, tx, T, count))
		elog(ERROR, "fit state is full after growing");
	PG_RETURN_POINTER(st);
}

Datum
cl_fit_state_ignore(FunctionCallInfo fcinfo, uint32 model, const char *aggname,
					double penalizer)
{
	ClFitState *st = state_for_update(fcinfo, model, aggname, penalizer);

	check_room(st, aggname);
	st->nignored += 1;
	PG_RETURN_POINTER(st);
}

/*
 * fit_state_combine(a, b): merge b's rows into a (counts add up exactly).
 * Called on NULL input (0.2.0): the first partial state becomes a table
 * with room for the next ones; a NULL b leaves a as it is.
 */
Datum
fit_state_combine(PG_FUNCTION_ARGS)
{
	ClFitState *a,
			   *b;
	uint32		nnew;

	check_agg_context(fcinfo, "fit_state_combine");
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = PG_GETARG_FITSTATE(1);
	if (PG_ARGISNULL(0))
	{
		/*
		 * The first partial state: a hashed copy with room for twice its
		 * rows, so that the next partial states (mostly the same rows) merge
		 * into it in place (nodeAgg would copy it anyway).
		 */
		uint32		cap = FIT_STATE_INITIAL;
		uint64		need = (uint64) b->nentries * 4;
		ClFitState *ns;

		if (!b->compact)
			need = Max(need, b->capacity);
		while (cap < need && cap < CL_FITSTATE_MAX_CAPACITY)
			cap *= 2;
		ns = state_new(b->model, cap, b->penalizer);
		if (!cl_fitstate_merge(ns, b))
			elog(ERROR, "fit state merge overflowed");
		PG_RETURN_POINTER(ns);
	}
	a = PG_GETARG_FITSTATE(0);
	if (a->model != b->model || a->penalizer != b->penalizer)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine fit states of different models or penalizers"),
				 errdetail("%s (penalizer %g) and %s (penalizer %g).",
						   model_name(a->model), a->penalizer,
						   model_name(b->model), b->penalizer)));
	if (a->nrows + b->nrows + a->nignored + b->nignored > CL_FITSTATE_MAX_COUNT)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("more than 2^53 input rows for fit_state_combine"),
				 errdetail("%.0f and %.0f rows.", a->nrows + a->nignored, b->nrows + b->nignored)));
	/*
	 * Merge b into a in place when a (the aggregate's own state) is hashed,
	 * at least as large as b (no clustering) and has room for the rows of b
	 * it does not hold yet: no allocation and no copy by nodeAgg.  Else one
	 * new table sized for exactly the union.
	 */
	/*
	 * b's rows all fit when a has room for every one of them (the usual case
	 * from the second partial state on: the first was copied into a table
	 * with room for twice its rows): no counting pass.
	 */
	if (!a->compact && a->capacity >= (b->compact ? 0 : b->capacity) &&
		(uint64) (a->nentries + b->nentries) * 2 <= a->capacity)
		nnew = b->nentries;
	else
		nnew = cl_fitstate_count_new(a, b);
	if (!a->compact && a->capacity >= (b->compact ? 0 : b->capacity) &&
		(uint64) (a->nentries + nnew) * 2 <= a->capacity)
	{
		if (!cl_fitstate_merge(a, b))
			elog(ERROR, "fit state merge overflowed");
		PG_RETURN_POINTER(a);
	}
	else
	{
		uint32		cap = FIT_STATE_INITIAL;
		ClFitState *ns;
		uint64		need = (uint64) (a->nentries + nnew) * 2;

		if (!a->compact)
			need = Max(need, a->capacity);
		if (!b->compact)
			need = Max(need, b->capacity);
		while (cap < need)
		{
			if (cap >= CL_FITSTATE_MAX_CAPACITY)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("too many distinct input rows for a model fit (more than %u)",
								CL_FITSTATE_MAX_CAPACITY / 2),
						 errhint("Round recency and T (e.g. to days or weeks) so that customers share rows.")));
			cap *= 2;
		}
		/* the larger hashed table first: fewer probes */
		ns = state_new(a->model, cap, a->penalizer);
		if (!b->compact && (a->compact || b->capacity > a->capacity))
		{
			ClFitState *t = a;

			a = b;
			b = t;
		}
		if (!cl_fitstate_merge(ns, a) || !cl_fitstate_merge(ns, b))
			elog(ERROR, "fit state merge overflowed");
		PG_RETURN_POINTER(ns);
	}
}

ClFitRow *
cl_fit_state_rows(const ClFitState *st, uint32 *nrows)
{
	ClFitRow  *rows = palloc(sizeof(ClFitRow) * Max(st->nentries, 1));

	*nrows = cl_fitstate_rows(st, rows);
	return rows;
}

/* ---- I/O ------------------------------------------------------------------
 *
 * Binary (send/receive) and text forms carry the portable serial form of
 * fitstate.h (little-endian, versioned); the text form is "clfs2:" and its
 * hex.  The 0.1.0 text form, "clfs1:" and the hex of the in-memory compact
 * state (native byte order: little-endian on every platform PostgreSQL
 * packages are built for), is still read.  Every input is checked against
 * all the invariants the aggregates keep (cl_fitstate_check,
 * cl_fitstate_check_rows), so a state typed in by hand is one the aggregate
 * could have produced or an error.
 */

static void
fit_state_bad(const char *err, int code)
{
	ereport(ERROR,
			(errcode(code),
			 errmsg("invalid fit_state: %s", err)));
}

/* a compact state decoded from the serial form in buf */
static ClFitState *
fit_state_from_wire(const unsigned char *buf, size_t len, int code)
{
	uint32		n;
	const char *err = cl_fitstate_wire_rows(buf, len, &n);
	ClFitState *st;

	if (err)
		fit_state_bad(err, code);
	st = palloc0(cl_fitstate_size(n));
	err = cl_fitstate_from_wire(buf, len, st);
	if (err)
		fit_state_bad(err, code);
	SET_VARSIZE(st, cl_fitstate_size(n));
	return st;
}

/* the serial form of st, palloc'd, length in *len */
static unsigned char *
fit_state_to_wire(const ClFitState *st, size_t *len)
{
	uint32		n;
	ClFitRow  *rows = cl_fit_state_rows(st, &n);
	unsigned char *buf;

	*len = cl_fitstate_wire_size(n);
	buf = palloc(*len);
	cl_fitstate_to_wire(st, rows, n, buf);
	pfree(rows);
	return buf;
}

Datum
fit_state_in(PG_FUNCTION_ARGS)
{
	char	   *s = PG_GETARG_CSTRING(0);
	size_t		nbytes;
	char	   *buf;
	const char *err;
	ClFitState *st;

	if (strncmp(s, FIT_STATE_TEXT_PREFIX, strlen(FIT_STATE_TEXT_PREFIX)) == 0)
	{
		buf = cl_hex_parse(s, FIT_STATE_TEXT_PREFIX, "fit_state", &nbytes);
		PG_RETURN_POINTER(fit_state_from_wire((unsigned char *) buf, nbytes,
											  ERRCODE_INVALID_TEXT_REPRESENTATION));
	}
	/* the 0.1.0 form: the in-memory compact state */
	buf = cl_hex_parse(s, FIT_STATE_TEXT_PREFIX_V1, "fit_state", &nbytes);
	if (nbytes < offsetof(ClFitState, slots))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid fit_state: %zu bytes", nbytes)));
	st = (ClFitState *) buf;
	SET_VARSIZE(st, nbytes);
	err = cl_fitstate_check(st, nbytes);
	if (err == NULL && !st->compact)
		err = "only the compact form is accepted";
	if (err == NULL)
		err = cl_fitstate_check_rows(st);
	if (err)
		fit_state_bad(err, ERRCODE_INVALID_TEXT_REPRESENTATION);
	PG_RETURN_POINTER(st);
}

Datum
fit_state_out(PG_FUNCTION_ARGS)
{
	ClFitState *st = PG_GETARG_FITSTATE(0);
	size_t		len;
	unsigned char *buf = fit_state_to_wire(st, &len);

	PG_RETURN_CSTRING(cl_hex_text(FIT_STATE_TEXT_PREFIX, buf, len));
}

PG_FUNCTION_INFO_V1(clientele_fit_state_send);

Datum
clientele_fit_state_send(PG_FUNCTION_ARGS)
{
	ClFitState *st = PG_GETARG_FITSTATE(0);
	size_t		len;
	unsigned char *buf = fit_state_to_wire(st, &len);

	PG_RETURN_BYTEA_P(cl_bytes_to_bytea(buf, len));
}

PG_FUNCTION_INFO_V1(clientele_fit_state_recv);

Datum
clientele_fit_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	size_t		len = (size_t) (msg->len - msg->cursor);
	ClFitState *st = fit_state_from_wire((const unsigned char *) msg->data + msg->cursor, len,
										  ERRCODE_INVALID_BINARY_REPRESENTATION);

	msg->cursor = msg->len;
	PG_RETURN_POINTER(st);
}

/* ---- results ------------------------------------------------------------ */

bool
cl_fit_enough_rows(const ClFitState *st, int nparams, const char *aggname)
{
	if (st->nrows < nparams)
	{
		ereport(NOTICE,
				(errmsg("%s is NULL: %.0f customers are fewer than the %d parameters",
						aggname, st->nrows, nparams),
				 st->nignored > 0 ?
				 errdetail("%.0f rows were not used by the model.", st->nignored) : 0));
		return false;
	}
	return true;
}

void
cl_fit_warn_unconverged(const ClModelFit *fit, const char *aggname)
{
	if (!fit->converged)
		ereport(WARNING,
				(errmsg("%s did not converge", aggname),
				 errdetail("The result has converged = false after %d iterations; its parameters are the best point found, not a maximum of the likelihood.",
						   fit->iterations),
				 errhint("The data may not identify the model (for example no repeat purchases); a penalizer can help. "
						 "If this warning repeats once per result column, the fit ran once per column: "
						 "fit once in a sub-select, SELECT (f).* FROM (SELECT %s(...) AS f FROM ...) s, not (%s(...)).*.",
						 aggname, aggname)));
}

Datum
cl_fit_result(FunctionCallInfo fcinfo, const ClModelFit *fit, int nparams)
{
	TupleDesc	tupdesc;
	Datum		values[4 + 4 + 4 + 1];
	bool		nulls[4 + 4 + 4 + 1];
	int			i,
				k = 0;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "fit final function must return a composite type");
	tupdesc = BlessTupleDesc(tupdesc);
	/* Gamma-Gamma's result has one more column: the rows left out */
	if (tupdesc->natts != 2 * nparams + 4 && tupdesc->natts != 2 * nparams + 5)
		elog(ERROR, "fit result type has %d columns, expected %d",
			 tupdesc->natts, 2 * nparams + 4);
	memset(nulls, 0, sizeof(nulls));
	for (i = 0; i < nparams; i++)
	{
		values[k] = Float8GetDatum(fit->p[i]);
		nulls[k++] = !isfinite(fit->p[i]);
	}
	values[k] = Float8GetDatum(fit->log_likelihood);
	nulls[k++] = !isfinite(fit->log_likelihood);
	values[k++] = Int64GetDatum((int64) fit->n);
	values[k++] = BoolGetDatum(fit->converged != 0);
	values[k++] = Int32GetDatum(fit->iterations);
	for (i = 0; i < nparams; i++)
	{
		values[k] = Float8GetDatum(fit->se[i]);
		nulls[k++] = !fit->se_ok || !isfinite(fit->se[i]);
	}
	if (tupdesc->natts == 2 * nparams + 5)
		values[k++] = Int64GetDatum((int64) fit->excluded);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* ---- reading params composites ------------------------------------------ */

/*
 * The fn_extra cache of a prediction function: per composite argument (slot),
 * the bytes of the last datum seen (after its varlena header, so that the
 * 1-byte-header form of a table column and the 4-byte form of an expression
 * compare equal) and the parameters decoded from it.  A call whose datum has
 * the same bytes takes the parameters without detoasting, allocating or
 * deforming anything; any other datum is decoded and checked, and replaces
 * the slot (bumping the generation, which invalidates the model's memo).
 */
typedef struct ParamsSlot
{
	uint32		len;			/* bytes in data; 0: empty */
	uint32		cap;			/* allocated bytes of data */
	char	   *data;
	double		p[CL_OPTIM_MAXN];
	void	   *aux;			/* model's values derived from p (cl_pred_aux) */
	Size		aux_size;
	bool		aux_ok;			/* aux was initialised from p */
} ParamsSlot;

struct ClPredCache
{
	ParamsSlot	slot[CL_PRED_SLOTS];
	ClGenMemo  *memo;			/* the model's memo (cl_pred_memo) */
};

static void
read_params(HeapTupleHeader th, int nparams, const char *const *names,
			const char *model, double *p)
{
	int			i;

	for (i = 0; i < nparams; i++)
	{
		bool		isnull;
		Datum		d = GetAttributeByNum(th, i + 1, &isnull);

		if (isnull)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s parameter %s must not be NULL", model, names[i]),
					 errhint("Pass the result of the %s fit aggregate.", model)));
		p[i] = DatumGetFloat8(d);
		if (!isfinite(p[i]) || p[i] <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s parameter %s must be a positive finite number, got %g",
							model, names[i], p[i])));
	}
}

ClPredCache *
cl_pred_cache(FunctionCallInfo fcinfo)
{
	ClPredCache *cache = (ClPredCache *) fcinfo->flinfo->fn_extra;

	if (unlikely(cache == NULL))
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ClPredCache));
		fcinfo->flinfo->fn_extra = cache;
	}
	return cache;
}

const double *
cl_pred_params(FunctionCallInfo fcinfo, int argno, int slotno, int nparams,
			   const char *const *names, const char *model)
{
	ClPredCache *cache = cl_pred_cache(fcinfo);
	ParamsSlot *slot = &cache->slot[slotno];
	struct varlena *raw = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(argno));
	struct varlena *v = raw;
	const char *bytes;
	uint32		len;

	Assert(nparams <= CL_OPTIM_MAXN && slotno < CL_PRED_SLOTS);
	/* a compressed or out-of-line composite (rare: they are small) */
	if (unlikely(VARATT_IS_EXTENDED(v) && !VARATT_IS_SHORT(v)))
		v = PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
	bytes = VARDATA_ANY(v);
	len = VARSIZE_ANY_EXHDR(v);
	if (likely(slot->len == len && len > 0 && memcmp(slot->data, bytes, len) == 0))
		return slot->p;

	/* a new parameter set: decode and check it, then remember it */
	slot->len = 0;
	{
		HeapTupleHeader th = (HeapTupleHeader) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));

		read_params(th, nparams, names, model, slot->p);
	}
	if (slot->cap < len)
	{
		if (slot->data)
			pfree(slot->data);
		slot->data = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, len);
		slot->cap = len;
	}
	memcpy(slot->data, bytes, len);
	slot->len = len;
	/* what was derived from the previous parameters is stale */
	slot->aux_ok = false;
	if (cache->memo != NULL)
		cl_genmemo_forget(cache->memo);
	return slot->p;
}

void *
cl_pred_aux(FunctionCallInfo fcinfo, int slotno, Size size, bool *fresh)
{
	ParamsSlot *slot = &cl_pred_cache(fcinfo)->slot[slotno];

	if (unlikely(slot->aux == NULL || slot->aux_size != size))
	{
		if (slot->aux)
			pfree(slot->aux);
		slot->aux = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, size);
		slot->aux_size = size;
		slot->aux_ok = false;
	}
	*fresh = !slot->aux_ok;
	slot->aux_ok = true;
	return slot->aux;
}

void *
cl_pred_aux_same(FunctionCallInfo fcinfo, int argno, int slotno, Size size)
{
	ClPredCache *cache = (ClPredCache *) fcinfo->flinfo->fn_extra;
	ParamsSlot *slot;
	struct varlena *v;

	if (unlikely(cache == NULL))
		return NULL;
	slot = &cache->slot[slotno];
	v = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(argno));
	/* a compressed or out-of-line composite: the general path detoasts it */
	if (unlikely(VARATT_IS_EXTENDED(v) && !VARATT_IS_SHORT(v)))
		return NULL;
	if (likely(slot->aux_ok && slot->aux_size == size && slot->len > 0 &&
			   slot->len == VARSIZE_ANY_EXHDR(v) &&
			   memcmp(slot->data, VARDATA_ANY(v), slot->len) == 0))
		return slot->aux;
	return NULL;
}

ClGenMemo *
cl_pred_memo(FunctionCallInfo fcinfo, uint32 max_slots)
{
	ClPredCache *cache = cl_pred_cache(fcinfo);
	ClGenMemo  *m = cache->memo;

	Assert(max_slots >= CL_PRED_MEMO_MIN && (max_slots & (max_slots - 1)) == 0);
	/*
	 * Start small (a statement scoring one customer pays little) and double
	 * when half full, up to max_slots; the entries of the smaller memo are
	 * dropped (they are only a cache).
	 */
	if (unlikely(m == NULL || (m->used > m->nslots / 2 && m->nslots < max_slots)))
	{
		uint32		nslots = m == NULL ? CL_PRED_MEMO_MIN : m->nslots * 2;

		if (m)
			pfree(m);
		m = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
								   offsetof(ClGenMemo, e) +
								   (Size) nslots * sizeof(ClGenMemoEntry));
		m->nslots = nslots;
		m->gen = 1;
		cache->memo = m;
	}
	return m;
}

void
cl_get_params(FunctionCallInfo fcinfo, int argno, int nparams,
			  const char *const *names, const char *model, double *p)
{
	memcpy(p, cl_pred_params(fcinfo, argno, 0, nparams, names, model),
		   sizeof(double) * nparams);
}

void
cl_get_params_slot(FunctionCallInfo fcinfo, int argno, int slotno, int nparams,
				   const char *const *names, const char *model, double *p)
{
	memcpy(p, cl_pred_params(fcinfo, argno, slotno, nparams, names, model),
		   sizeof(double) * nparams);
}

void
cl_check_summary(double x, double tx, double T)
{
	/* the usual case in one test: finite, 0 <= tx <= T, x a whole number */
	if (likely(x >= 0 && x <= 9007199254740992.0 && tx >= 0 && tx <= T &&
			   T <= DBL_MAX && x == (double) (int64) x))
		return;
	cl_check_nonneg(x, "frequency");
	cl_check_nonneg(tx, "recency");
	cl_check_nonneg(T, "t");
	if (x != floor(x))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("frequency must be a whole number of repeat purchases, got %g", x)));
	if (tx > T)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("recency must not exceed t"),
				 errdetail("recency = %g, t = %g.", tx, T)));
}

void
cl_check_monetary(double m, double x)
{
	cl_check_nonneg(m, "monetary");
	if (x > 0 && m == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("monetary must be greater than zero for a repeat customer, got %g", m),
				 errdetail("frequency = %g.", x)));
}

Datum
cl_fit_summary_trans(FunctionCallInfo fcinfo, uint32 model, const char *aggname)
{
	double		x,
				tx,
				T,
				pen = 0.0;

	if (PG_NARGS() > 4)
	{
		CL_ARG_NOT_NULL(4, "penalizer");
		pen = PG_GETARG_FLOAT8(4);
	}
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	x = PG_GETARG_FLOAT8(1);
	tx = PG_GETARG_FLOAT8(2);
	T = PG_GETARG_FLOAT8(3);
	cl_check_summary(x, tx, T);
	if (x == 0)
		tx = 0;
	return cl_fit_state_accum(fcinfo, model, aggname, x, tx, T, pen);
}

double
cl_fit_prediction(double v, const char *model, const char *what)
{
	if (!isfinite(v))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s %s cannot be evaluated for these parameters", model, what)));
	return v;
}

void
cl_fit_check_summary_row(const ClFitRow *row)
{
	cl_check_summary(row->x, row->tx, row->T);
}

Datum
cl_fit_final(FunctionCallInfo fcinfo, uint32 model, const char *aggname, int nparams,
			 ClFitRowCheck check_row, ClFitRowsFn fit_rows)
{
	ClFitState *st = PG_GETARG_FITSTATE(0);
	ClFitRow  *rows;
	uint32		nrows;
	ClModelFit fit;

	cl_fit_state_check_model(st, model, aggname);
	rows = cl_fit_state_rows(st, &nrows);
	if (check_row != NULL)
		for (uint32 i = 0; i < nrows; i++)
			check_row(&rows[i]);
	if (!cl_fit_enough_rows(st, nparams, aggname))
		PG_RETURN_NULL();
	switch (fit_rows(rows, nrows, st->penalizer, &fit))
	{
		case 0:
			break;
		case -2:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory"),
					 errdetail("%s could not allocate its work arrays for %u distinct rows.", aggname, nrows)));
			break;
		default:
			elog(ERROR, "%s: no customers after the row checks", aggname);
	}
	cl_fit_warn_unconverged(&fit, aggname);
	pfree(rows);
	return cl_fit_result(fcinfo, &fit, nparams);
}
