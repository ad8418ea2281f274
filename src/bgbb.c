/*
 * bgbb.c
 *		SQL interface of the BG/BB model (discrete transaction opportunities):
 *		the fit aggregate clientele.bgbb_fit(frequency, recency, periods
 *		[, weight [, penalizer]]) on the shared fit state, the predictions
 *		over a clientele.bgbb_params composite, and the per-customer period
 *		summary aggregate clientele.period_summary(period, periods) with its
 *		portable state type clientele.period_state.  The maths is in
 *		src/core/bgbb.c.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "common/int.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "bgbb.h"
#include "le.h"
#include "clientele.h"
#include "fit_common.h"

PG_FUNCTION_INFO_V1(clientele_bgbb_fit_trans);
PG_FUNCTION_INFO_V1(clientele_bgbb_fit_final);
PG_FUNCTION_INFO_V1(clientele_bgbb_p_alive);
PG_FUNCTION_INFO_V1(clientele_bgbb_expected_transactions);
PG_FUNCTION_INFO_V1(clientele_bgbb_dert);
PG_FUNCTION_INFO_V1(clientele_bgbb_transaction_pmf);
PG_FUNCTION_INFO_V1(clientele_period_state_in);
PG_FUNCTION_INFO_V1(clientele_period_state_out);
PG_FUNCTION_INFO_V1(clientele_period_state_recv);
PG_FUNCTION_INFO_V1(clientele_period_state_send);
PG_FUNCTION_INFO_V1(clientele_period_summary_trans);
PG_FUNCTION_INFO_V1(clientele_period_summary_combine);
PG_FUNCTION_INFO_V1(clientele_period_summary_final);

static const char *const bgbb_names[4] = {"alpha", "beta", "gamma", "delta"};

#define BGBB_PARAMS(n, p) cl_get_params(fcinfo, (n), 4, bgbb_names, "BG/BB", (p))

/* horizons of the predictions (the direct sums cost up to this many steps) */
#define BGBB_MAX_FUTURE 10000000

/* ERROR 22023 unless (x, tx, n) is a BG/BB summary row */
static void
bgbb_check(double x, double tx, double n)
{
	const char *err = cl_bgbb_check_row(x, tx, n);

	if (err)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid BG/BB summary: %s", err),
				 errdetail("frequency = %.0f, recency = %.0f, periods = %.0f.", x, tx, n),
				 errhint("frequency = opportunities 1..periods with a transaction, recency = the last of them (0 when frequency = 0).")));
}

/* ---- fit ----------------------------------------------------------------- */

/*
 * bgbb_fit_trans(state, frequency, recency, periods [, weight [, penalizer]]):
 * rows with a NULL frequency, recency, periods or weight are skipped, rows
 * of weight 0 too; the row is added weight times.
 */
Datum
clientele_bgbb_fit_trans(PG_FUNCTION_ARGS)
{
	double		x,
				tx,
				n,
				w = 1.0,
				pen = 0.0;

	if (PG_NARGS() > 5)
	{
		CL_ARG_NOT_NULL(5, "penalizer");
		pen = PG_GETARG_FLOAT8(5);
	}
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) ||
		(PG_NARGS() > 4 && PG_ARGISNULL(4)))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	x = PG_GETARG_INT32(1);
	tx = PG_GETARG_INT32(2);
	n = PG_GETARG_INT32(3);
	bgbb_check(x, tx, n);
	if (PG_NARGS() > 4)
	{
		int64		wi = PG_GETARG_INT64(4);

		if (wi < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("weight must not be negative, got " INT64_FORMAT, wi)));
		if (wi > INT64CONST(9007199254740992))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("weight must be at most %.0f, got " INT64_FORMAT, CL_FIT_MAX_COUNT, wi)));
		if (wi == 0)
		{
			if (PG_ARGISNULL(0))
				PG_RETURN_NULL();
			PG_RETURN_DATUM(PG_GETARG_DATUM(0));
		}
		w = (double) wi;
	}
	return cl_fit_state_accum_n(fcinfo, CL_MODEL_BGBB, "bgbb_fit", x, tx, n, w, pen);
}

static void
bgbb_check_fitrow(const ClFitRow *row)
{
	bgbb_check(row->x, row->tx, row->T);
}

static int
bgbb_fit_rows(const ClFitRow *rows, uint32 nrows, double penalizer, ClModelFit *fit)
{
	(void) cl_bgbb_fit(rows, nrows, penalizer, fit);
	return 0;
}

Datum
clientele_bgbb_fit_final(PG_FUNCTION_ARGS)
{
	return cl_fit_final(fcinfo, CL_MODEL_BGBB, "bgbb_fit", 4, bgbb_check_fitrow, bgbb_fit_rows);
}

/* ---- predictions --------------------------------------------------------- */

static double
future_arg(FunctionCallInfo fcinfo, int argno, const char *what)
{
	int32		m = PG_GETARG_INT32(argno);

	if (m < 0 || m > BGBB_MAX_FUTURE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be between 0 and %d, got %d", what, BGBB_MAX_FUTURE, m)));
	return (double) m;
}

/* bgbb_p_alive(params, frequency, recency, periods, future DEFAULT 0) */
Datum
clientele_bgbb_p_alive(PG_FUNCTION_ARGS)
{
	double		p[4];
	double		x = PG_GETARG_INT32(1),
				tx = PG_GETARG_INT32(2),
				n = PG_GETARG_INT32(3),
				m;

	BGBB_PARAMS(0, p);
	bgbb_check(x, tx, n);
	m = future_arg(fcinfo, 4, "future");
	PG_RETURN_FLOAT8(cl_fit_prediction(cl_bgbb_p_alive(p, m, x, tx, n), "BG/BB", "P(alive)"));
}

/* bgbb_expected_transactions(params, future, frequency, recency, periods) */
Datum
clientele_bgbb_expected_transactions(PG_FUNCTION_ARGS)
{
	double		p[4];
	double		m,
				x = PG_GETARG_INT32(2),
				tx = PG_GETARG_INT32(3),
				n = PG_GETARG_INT32(4);

	BGBB_PARAMS(0, p);
	m = future_arg(fcinfo, 1, "future");
	bgbb_check(x, tx, n);
	PG_RETURN_FLOAT8(cl_fit_prediction(cl_bgbb_expected_cond(p, m, x, tx, n),
									   "BG/BB", "expected transactions"));
}

/* bgbb_dert(params, discount_rate, frequency, recency, periods) */
Datum
clientele_bgbb_dert(PG_FUNCTION_ARGS)
{
	double		p[4];
	double		d = PG_GETARG_FLOAT8(1),
				x = PG_GETARG_INT32(2),
				tx = PG_GETARG_INT32(3),
				n = PG_GETARG_INT32(4);

	BGBB_PARAMS(0, p);
	cl_check_positive(d, "discount_rate");
	bgbb_check(x, tx, n);
	PG_RETURN_FLOAT8(cl_fit_prediction(cl_bgbb_dert(p, d, x, tx, n),
									   "BG/BB", "discounted expected residual transactions"));
}

/* bgbb_transaction_pmf(params, periods, frequency) = P(X(periods) = frequency) */
Datum
clientele_bgbb_transaction_pmf(PG_FUNCTION_ARGS)
{
	double		p[4];
	int32		n = PG_GETARG_INT32(1),
				x = PG_GETARG_INT32(2);

	BGBB_PARAMS(0, p);
	if (n < 0 || n > CL_BGBB_MAX_PERIODS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("periods must be between 0 and %d, got %d", CL_BGBB_MAX_PERIODS, n)));
	if (x < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("frequency must not be negative, got %d", x)));
	PG_RETURN_FLOAT8(cl_fit_prediction(cl_bgbb_pmf(p, n, x), "BG/BB", "transaction probability"));
}

/* ---- period summary state ------------------------------------------------- */

/* clientele.period_state: layout and input checks in src/core/bgbb.[ch] */
#define PS_VERSION CL_PERIOD_STATE_VERSION
#define PS_HEADER CL_PERIOD_STATE_HEADER
#define PS_TEXT_PREFIX "clps1:"
#define ps_bitmap_bytes(n) cl_period_bitmap_bytes(n)
#define le_get32(b) ((uint32) cl_get_i32(b))
#define le_get64(b) ((uint64) cl_get_i64(b))
#define le_put32(b, v) cl_put_i32((b), (int32) (v))
#define le_put64(b, v) cl_put_i64((b), (int64) (v))

#define PS_BODY(st) ((unsigned char *) VARDATA(st))
#define PS_N(b) ((int32) le_get32((b) + 4))
#define PS_TX(b) ((int64) le_get64((b) + 8))
#define PS_IGN(b) ((int64) le_get64((b) + 16))

static bytea *
ps_new(MemoryContext cxt, int32 n)
{
	Size		body = PS_HEADER + ps_bitmap_bytes(n);
	bytea	   *st = MemoryContextAllocZero(cxt, VARHDRSZ + body);

	SET_VARSIZE(st, VARHDRSZ + body);
	PS_BODY(st)[0] = PS_VERSION;
	le_put32(PS_BODY(st) + 4, (uint32) n);
	return st;
}

#define ps_check(b, len) cl_period_state_check((b), (len))

static bytea *
ps_from_bytes(const unsigned char *b, Size len)
{
	const char *err = ps_check(b, len);
	bytea	   *st;

	if (err)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid period_state: %s", err)));
	st = palloc(VARHDRSZ + len);
	SET_VARSIZE(st, VARHDRSZ + len);
	memcpy(VARDATA(st), b, len);
	return st;
}

Datum
clientele_period_state_in(PG_FUNCTION_ARGS)
{
	size_t		nbytes;
	char	   *buf = cl_hex_parse(PG_GETARG_CSTRING(0), PS_TEXT_PREFIX, "period_state", &nbytes);
	const char *err = ps_check((const unsigned char *) buf, nbytes);

	if (err)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid period_state: %s", err)));
	PG_RETURN_BYTEA_P(ps_from_bytes((const unsigned char *) buf, nbytes));
}

Datum
clientele_period_state_out(PG_FUNCTION_ARGS)
{
	bytea	   *st = PG_GETARG_BYTEA_PP(0);

	PG_RETURN_CSTRING(cl_hex_text(PS_TEXT_PREFIX, (const unsigned char *) VARDATA_ANY(st),
								  VARSIZE_ANY_EXHDR(st)));
}

Datum
clientele_period_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	Size		len = buf->len - buf->cursor;
	const unsigned char *b = (const unsigned char *) pq_getmsgbytes(buf, len);

	PG_RETURN_BYTEA_P(ps_from_bytes(b, len));
}

Datum
clientele_period_state_send(PG_FUNCTION_ARGS)
{
	bytea	   *st = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbytes(&buf, VARDATA_ANY(st), VARSIZE_ANY_EXHDR(st));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static MemoryContext
ps_aggcontext(FunctionCallInfo fcinfo, const char *what)
{
	MemoryContext cxt;

	if (!AggCheckCallContext(fcinfo, &cxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("function %s can only be called as part of an aggregate", what)));
	return cxt;
}

static void
ps_add_counts(unsigned char *b, int64 dtx, int64 dign)
{
	int64		tx,
				ign;

	if (pg_add_s64_overflow(PS_TX(b), dtx, &tx) ||
		pg_add_s64_overflow(PS_IGN(b), dign, &ign))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("too many transactions for one customer in period_summary")));
	le_put64(b + 8, (uint64) tx);
	le_put64(b + 16, (uint64) ign);
}

/*
 * period_summary_trans(state, period, periods): one transaction of a
 * customer in period "period" (0 = the first, acquisition period; 1 ..
 * periods = the transaction opportunities observed).  Rows after the window
 * (period > periods) change nothing but a counter; NULL rows are skipped.
 */
Datum
clientele_period_summary_trans(PG_FUNCTION_ARGS)
{
	MemoryContext cxt = ps_aggcontext(fcinfo, "period_summary_trans");
	int32		k,
				n;
	bytea	   *st;
	unsigned char *b;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	k = PG_GETARG_INT32(1);
	n = PG_GETARG_INT32(2);
	if (n < 0 || n > CL_BGBB_MAX_PERIODS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("periods must be between 0 and %d, got %d", CL_BGBB_MAX_PERIODS, n)));
	if (k < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period must not be negative, got %d", k),
				 errhint("Period 0 is the customer's first (acquisition) period, 1 .. periods the transaction opportunities after it.")));
	if (PG_ARGISNULL(0))
		st = ps_new(cxt, n);
	else
	{
		st = (bytea *) PG_GETARG_POINTER(0);
		if (PS_N(PS_BODY(st)) != n)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("periods must be the same on every row of a customer"),
					 errdetail("It was %d, then %d.", PS_N(PS_BODY(st)), n)));
	}
	b = PS_BODY(st);
	if (k > n)
		ps_add_counts(b, 0, 1);
	else
	{
		b[PS_HEADER + k / 8] |= (unsigned char) (1 << (k % 8));
		ps_add_counts(b, 1, 0);
	}
	PG_RETURN_POINTER(st);
}

/* period_summary_combine(a, b): union of the periods, counts added */
Datum
clientele_period_summary_combine(PG_FUNCTION_ARGS)
{
	MemoryContext cxt = ps_aggcontext(fcinfo, "period_summary_combine");
	bytea	   *a,
			   *s;
	unsigned char *ba;
	const unsigned char *bs;
	uint32		nb;

	if (PG_ARGISNULL(0) && PG_ARGISNULL(1))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(1))
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	s = PG_GETARG_BYTEA_PP(1);
	if (PG_ARGISNULL(0))
	{
		/* a copy with a 4-byte header (s may have come with a short one) */
		Size		len = VARSIZE_ANY_EXHDR(s);

		a = MemoryContextAlloc(cxt, VARHDRSZ + len);
		SET_VARSIZE(a, VARHDRSZ + len);
		memcpy(VARDATA(a), VARDATA_ANY(s), len);
		PG_RETURN_POINTER(a);
	}
	a = (bytea *) PG_GETARG_POINTER(0);
	ba = PS_BODY(a);
	bs = (const unsigned char *) VARDATA_ANY(s);
	if (PS_N(ba) != PS_N(bs))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("periods must be the same on every row of a customer"),
				 errdetail("It was %d, then %d.", PS_N(ba), PS_N(bs))));
	nb = ps_bitmap_bytes(PS_N(ba));
	for (uint32 i = 0; i < nb; i++)
		ba[PS_HEADER + i] |= bs[PS_HEADER + i];
	ps_add_counts(ba, PS_TX(bs), PS_IGN(bs));
	PG_RETURN_POINTER(a);
}

/*
 * period_summary_final(state): (frequency, recency, periods, transactions),
 * NULL when no transaction fell in periods 0 .. periods.
 */
Datum
clientele_period_summary_final(PG_FUNCTION_ARGS)
{
	bytea	   *st = PG_GETARG_BYTEA_PP(0);
	const unsigned char *b = (const unsigned char *) VARDATA_ANY(st);
	int32		n = PS_N(b),
				x = 0,
				tx = 0;
	TupleDesc	tupdesc;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};

	if (PS_TX(b) == 0)
		PG_RETURN_NULL();
	for (int32 k = 1; k <= n; k++)
		if (b[PS_HEADER + k / 8] & (1 << (k % 8)))
		{
			x++;
			tx = k;
		}
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "period_summary_final must return a composite type");
	tupdesc = BlessTupleDesc(tupdesc);
	values[0] = Int32GetDatum(x);
	values[1] = Int32GetDatum(tx);
	values[2] = Int32GetDatum(n);
	values[3] = Int64GetDatum(PS_TX(b));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
