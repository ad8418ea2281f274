/*
 * signals.c
 *		fmgr glue of the signals area: clientele.churn_signals_of(), the churn
 *		warning signals of one customer from a row of
 *		clientele.customer_features.  The effective settings (view
 *		clientele.churn_signal_settings) are compiled once per backend
 *		(config_cache.h) and recompiled after every committed change.
 *		Comparisons are exact (numeric), as documented in docs/lifecycle.md.
 */
#include "clientele.h"

#include "catalog/pg_collation.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/datum.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/guc.h"
#include "utils/varlena.h"
#include "utils/numeric.h"

#include "churn_core.h"
#include "cl_features.h"
#include "config_cache.h"

PG_FUNCTION_INFO_V1(clientele_churn_signals_of);

enum
{
	S_BALANCE_DOWN, S_FREQUENCY_DOWN, S_TRANSFER_AMOUNT_DOWN, S_FEWER_PRODUCTS,
	S_INACTIVE_AFTER_ACTIVE, S_ADDRESS_CHANGE, S_COMPLAINT, S_NO_RM_CONTACT,
	S_OUTFLOW_OTHER_BANK, S_DEPOSIT_NOT_ROLLED, S_SINGLE_PRODUCT, S_N
};

static const char *const sig_code[S_N] = {
	"balance_down", "frequency_down", "transfer_amount_down", "fewer_products",
	"inactive_after_active", "address_change", "complaint", "no_rm_contact",
	"outflow_other_bank", "deposit_matured_not_rolled", "single_product"
};

typedef struct SigSetting
{
	bool		enabled;
	Datum		points;			/* numeric */
	Datum		threshold;		/* numeric */
	Datum		one_minus;		/* numeric 1 - threshold */
	Datum		min_base;		/* numeric */
	int64		count;			/* threshold of the count signals */
} SigSetting;

typedef struct SigConfig
{
	SigSetting	s[S_N];
} SigConfig;

static const char *const sig_tables[] = {"churn_signal", "churn_signal_setting"};
static ClConfigCache sig_cache = CL_CONFIG_CACHE("churn signal settings", sig_tables);

static void *
sig_build(MemoryContext cxt, void *arg)
{
	SigConfig  *cfg;
	SPITupleTable *tt;
	uint64		r;
	bool		seen[S_N] = {false};
	int			i;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute("SELECT code, enabled, points, threshold, min_base, 1 - threshold "
					"FROM clientele.churn_signal_settings", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading clientele.churn_signal_settings failed");
	tt = SPI_tuptable;

	MemoryContextSwitchTo(cxt);
	cfg = palloc0(sizeof(SigConfig));
	for (r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		char	   *code = TextDatumGetCString(SPI_getbinval(tt->vals[r], tt->tupdesc, 1, &isnull));
		SigSetting *s = NULL;
		int			col;

		for (i = 0; i < S_N; i++)
		{
			if (strcmp(code, sig_code[i]) == 0)
			{
				s = &cfg->s[i];
				seen[i] = true;
			}
		}
		if (s == NULL)
			continue;			/* a code this library does not evaluate */
		s->enabled = DatumGetBool(SPI_getbinval(tt->vals[r], tt->tupdesc, 2, &isnull)) && !isnull;
		for (col = 3; col <= 6; col++)
		{
			Datum		d = SPI_getbinval(tt->vals[r], tt->tupdesc, col, &isnull);

			if (isnull)
				elog(ERROR, "NULL in clientele.churn_signal_settings for \"%s\"", code);
			d = datumCopy(d, false, -1);
			if (col == 3)
				s->points = d;
			else if (col == 4)
				s->threshold = d;
			else if (col == 5)
				s->min_base = d;
			else
				s->one_minus = d;
		}
		s->count = DatumGetInt64(DirectFunctionCall1(numeric_int8,
													 DirectFunctionCall2(numeric_round, s->threshold, Int32GetDatum(0))));
	}
	for (i = 0; i < S_N; i++)
		if (!seen[i])
			cfg->s[i].enabled = false;
	SPI_finish();
	return cfg;
}

/* --- the features a signal reads ------------------------------------------ */

enum
{
	G_CLOSED, G_ACCOUNTS_OPEN, G_AUM_3M, G_AUM_PREV_3M, G_AUM_3M_AGO, G_TXN_3M, G_TXN_PREV_3M,
	G_TXN_6M, G_TXN_PREV_6M, G_LAST_TXN, G_TR_3M, G_TR_PREV_3M, G_OB_3M, G_PRODUCTS, G_PRODUCTS_6M,
	G_ADDR_3M, G_COMPL_6M, G_RM_6M, G_HAS_RM, G_RM, G_TD_MATURED, G_TD_NOT_ROLLED, G_TD_NOT_ROLLED_ON,
	G_NFIELDS
};

static const char *const sig_field_names[G_NFIELDS] = {
	"customer_closed", "accounts_open", "aum_3m", "aum_prev_3m", "aum_3m_ago", "txn_3m", "txn_prev_3m",
	"txn_6m", "txn_prev_6m", "last_txn_on", "transfer_out_3m", "transfer_out_prev_3m", "other_bank_out_3m",
	"products_open", "products_open_6m_ago", "address_changes_3m", "complaints_6m", "rm_contacts_6m",
	"has_rm", "relationship_manager", "td_matured_3m", "td_not_rolled_3m", "td_not_rolled_on"
};

typedef struct SigCallCache
{
	ClFeaturesRow row;
	Datum		zero;			/* numeric 0 */
} SigCallCache;

/* a numeric feature: NULL reads 0; NaN, infinity or a negative amount is an ERROR */
static Datum
sig_num(SigCallCache *cc, int f)
{
	bool		isnull;
	Datum		d = cl_features_get(&cc->row, f, &isnull);

	if (isnull)
		return cc->zero;
	if (numeric_is_nan(DatumGetNumeric(d)) || numeric_is_inf(DatumGetNumeric(d)) ||
		DatumGetInt32(DirectFunctionCall2(numeric_cmp, d, cc->zero)) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("feature %s must be a finite number >= 0, got %s", sig_field_names[f],
						DatumGetCString(DirectFunctionCall1(numeric_out, d)))));
	return d;
}

static inline int
ncmp(Datum a, Datum b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, a, b));
}

static inline Datum
nmul(Datum a, Datum b)
{
	return DirectFunctionCall2(numeric_mul, a, b);
}

static inline Datum
nint(int64 v)
{
	return DirectFunctionCall1(int8_numeric, Int64GetDatum(v));
}

/* round((now - before) / before, 4); before > 0 */
static Datum
nchange(Datum now, Datum before)
{
	return DirectFunctionCall2(numeric_round,
							   DirectFunctionCall2(numeric_div, DirectFunctionCall2(numeric_sub, now, before), before),
							   Int32GetDatum(4));
}

/* --- evidence: a JSON object built as jsonb values (no text round trip) --- */

#define SIG_EV_MAX 4

/* the keys and values of one signal's evidence object, in the order given */
typedef struct SigEvidence
{
	int			n;
	JsonbValue	key[SIG_EV_MAX];
	JsonbValue	val[SIG_EV_MAX];
} SigEvidence;

static JsonbValue *
ev_key(SigEvidence *e, const char *key)
{
	if (e->n >= SIG_EV_MAX)
		elog(ERROR, "too many evidence keys");
	e->key[e->n].type = jbvString;
	e->key[e->n].val.string.val = unconstify(char *, key);
	e->key[e->n].val.string.len = strlen(key);
	return &e->val[e->n++];
}

static void
ev_numeric(JsonbValue *v, Datum n)
{
	/* as jsonb_in would have refused the text of a NaN or an infinity */
	if (numeric_is_nan(DatumGetNumeric(n)) || numeric_is_inf(DatumGetNumeric(n)))
		elog(ERROR, "evidence number is not finite");
	v->type = jbvNumeric;
	v->val.numeric = DatumGetNumeric(n);
}

static void
ev_num(SigEvidence *e, const char *key, Datum n)
{
	ev_numeric(ev_key(e, key), n);
}

static void
ev_int(SigEvidence *e, const char *key, int64 v)
{
	ev_numeric(ev_key(e, key), DirectFunctionCall1(int8_numeric, Int64GetDatum(v)));
}

static void
ev_string(JsonbValue *v, const char *s)
{
	if (s == NULL)
	{
		v->type = jbvNull;
		return;
	}
	v->type = jbvString;
	v->val.string.val = unconstify(char *, s);
	v->val.string.len = strlen(s);
}

static void
ev_date(SigEvidence *e, const char *key, DateADT d, bool isnull)
{
	int			y,
				m,
				dd;

	if (isnull)
	{
		ev_string(ev_key(e, key), NULL);
		return;
	}
	j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &dd);
	ev_string(ev_key(e, key), psprintf("%04d-%02d-%02d", y, m, dd));
}

static void
ev_text(SigEvidence *e, const char *key, char *v)
{
	ev_string(ev_key(e, key), v);
}

/* pushes the evidence object (keys sorted and checked as jsonb_in does) */
static JsonbValue *
ev_push(JsonbParseState **ps, SigEvidence *e)
{
	JsonbValue *r;
	int			k;

	pushJsonbValue(ps, WJB_BEGIN_OBJECT, NULL);
	for (k = 0; k < e->n; k++)
	{
		pushJsonbValue(ps, WJB_KEY, &e->key[k]);
		pushJsonbValue(ps, WJB_VALUE, &e->val[k]);
	}
	r = pushJsonbValue(ps, WJB_END_OBJECT, NULL);
	return r;
}

/* where the signals a customer fires go (a tuplestore, or a score) */
typedef void (*SigEmit) (void *arg, const SigSetting *s, int code, const SigEvidence *ev);

static void
emit_row(void *arg, const SigSetting *s, int code, const SigEvidence *ev)
{
	ReturnSetInfo *rsi = (ReturnSetInfo *) arg;
	JsonbParseState *ps = NULL;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	values[0] = CStringGetTextDatum(sig_code[code]);
	values[1] = s->points;
	values[2] = JsonbPGetDatum(JsonbValueToJsonb(ev_push(&ps, unconstify(SigEvidence *, ev))));
	tuplestore_putvalues(rsi->setResult, rsi->setDesc, values, nulls);
}

static SigCallCache *
sig_call_cache(FunctionCallInfo fcinfo)
{
	SigCallCache *cc = (SigCallCache *) fcinfo->flinfo->fn_extra;

	if (cc == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		cc = palloc0(sizeof(SigCallCache));
		cc->row.names = sig_field_names;
		cc->row.nfields = G_NFIELDS;
		cc->zero = nint(0);
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = cc;
	}
	return cc;
}

/*
 * Evaluates every enabled signal on the features row th, in the fixed order
 * of sig_code; each one that fires goes to emit with its evidence (a JSON
 * object).
 */
static void
sig_evaluate(FunctionCallInfo fcinfo, SigCallCache *cc, HeapTupleHeader th, SigEmit emit, void *arg)
{
	const SigConfig *cfg;
	const SigSetting *s;
	SigEvidence ev;
	bool		isnull;
	int			i;

	cl_features_bind(&cc->row, fcinfo->flinfo, th);
	cfg = (const SigConfig *) cl_config_get(&sig_cache, sig_build, NULL);

	/* closed customers and customers without an open account get none */
	if ((DatumGetBool(cl_features_get(&cc->row, G_CLOSED, &isnull)) && !isnull) ||
		cl_features_count(&cc->row, G_ACCOUNTS_OPEN) == 0)
		return;

	for (i = 0; i < S_N; i++)
	{
		s = &cfg->s[i];
		if (!s->enabled)
			continue;
		ev.n = 0;
		switch (i)
		{
			case S_BALANCE_DOWN:
			case S_TRANSFER_AMOUNT_DOWN:
				{
					bool		bal = i == S_BALANCE_DOWN;
					Datum		before = sig_num(cc, bal ? G_AUM_PREV_3M : G_TR_PREV_3M);
					Datum		now = sig_num(cc, bal ? G_AUM_3M : G_TR_3M);

					if (ncmp(before, cc->zero) > 0 && ncmp(before, s->min_base) >= 0 &&
						ncmp(now, nmul(before, s->one_minus)) <= 0)
					{
						ev_num(&ev, bal ? "aum_before" : "transfer_out_before", before);
						ev_num(&ev, bal ? "aum_now" : "transfer_out_now", now);
						ev_num(&ev, "change", nchange(now, before));
						emit(arg, s, i, &ev);
					}
					break;
				}
			case S_FREQUENCY_DOWN:
				{
					int			before = cl_features_count(&cc->row, G_TXN_PREV_3M);
					int			now = cl_features_count(&cc->row, G_TXN_3M);

					if (before > 0 && ncmp(nint(before), s->min_base) >= 0 &&
						ncmp(nint(now), nmul(nint(before), s->one_minus)) <= 0)
					{
						ev_int(&ev, "txn_before", before);
						ev_int(&ev, "txn_now", now);
						ev_num(&ev, "change", nchange(nint(now), nint(before)));
						emit(arg, s, i, &ev);
					}
					break;
				}
			case S_FEWER_PRODUCTS:
				{
					int			before = cl_features_count(&cc->row, G_PRODUCTS_6M);
					int			now = cl_features_count(&cc->row, G_PRODUCTS);

					if ((int64) before - now >= s->count)
					{
						ev_int(&ev, "products_6m_ago", before);
						ev_int(&ev, "products_now", now);
						emit(arg, s, i, &ev);
					}
					break;
				}
			case S_INACTIVE_AFTER_ACTIVE:
				{
					int			before = cl_features_count(&cc->row, G_TXN_PREV_6M);
					int			now = cl_features_count(&cc->row, G_TXN_6M);

					if (now == 0 && before >= s->count)
					{
						DateADT		last = cl_features_date(&cc->row, G_LAST_TXN, &isnull);

						ev_int(&ev, "txn_last_6m", now);
						ev_int(&ev, "txn_6m_before", before);
						ev_date(&ev, "last_txn_on", last, isnull);
						emit(arg, s, i, &ev);
					}
					break;
				}
			case S_ADDRESS_CHANGE:
			case S_COMPLAINT:
				{
					int			g = i == S_ADDRESS_CHANGE ? G_ADDR_3M : G_COMPL_6M;
					int			n = cl_features_count(&cc->row, g);

					if (n >= s->count)
					{
						ev_int(&ev, sig_field_names[g], n);
						emit(arg, s, i, &ev);
					}
					break;
				}
			case S_NO_RM_CONTACT:
				{
					bool		has_rm = DatumGetBool(cl_features_get(&cc->row, G_HAS_RM, &isnull)) && !isnull;
					int			n = cl_features_count(&cc->row, G_RM_6M);

					if (has_rm && n < s->count)
					{
						Datum		rm = cl_features_get(&cc->row, G_RM, &isnull);

						ev_text(&ev, "relationship_manager", isnull ? NULL : TextDatumGetCString(rm));
						ev_int(&ev, "rm_contacts_6m", n);
						emit(arg, s, i, &ev);
					}
					break;
				}
			case S_OUTFLOW_OTHER_BANK:
				{
					Datum		base = sig_num(cc, G_AUM_3M_AGO);
					Datum		out = sig_num(cc, G_OB_3M);

					if (ncmp(base, cc->zero) > 0 && ncmp(base, s->min_base) >= 0 &&
						ncmp(out, nmul(s->threshold, base)) >= 0)
					{
						ev_num(&ev, "outflow_3m", out);
						ev_num(&ev, "aum_3m_ago", base);
						ev_num(&ev, "share", DirectFunctionCall2(numeric_round,
																 DirectFunctionCall2(numeric_div, out, base),
																 Int32GetDatum(4)));
						emit(arg, s, i, &ev);
					}
					break;
				}
			case S_DEPOSIT_NOT_ROLLED:
				{
					int			n = cl_features_count(&cc->row, G_TD_NOT_ROLLED);

					if (n >= s->count)
					{
						DateADT		on = cl_features_date(&cc->row, G_TD_NOT_ROLLED_ON, &isnull);

						ev_int(&ev, "matured_3m", cl_features_count(&cc->row, G_TD_MATURED));
						ev_int(&ev, "not_rolled", n);
						ev_date(&ev, "matured_on", on, isnull);
						emit(arg, s, i, &ev);
					}
					break;
				}
			case S_SINGLE_PRODUCT:
				{
					int			n = cl_features_count(&cc->row, G_PRODUCTS);

					if (n >= 1 && n <= s->count)
					{
						ev_int(&ev, "products_open", n);
						emit(arg, s, i, &ev);
					}
					break;
				}
		}
	}
}

/*
 * churn_signals_of(features clientele.customer_features)
 *		-> SETOF (signal text, points numeric, evidence jsonb)
 */
Datum
clientele_churn_signals_of(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsi = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	sig_evaluate(fcinfo, sig_call_cache(fcinfo), PG_GETARG_HEAPTUPLEHEADER(0), emit_row, rsi);
	return (Datum) 0;
}

/* ----------------------------------------------------------------------
 * churn_scorecard_of(features clientele.customer_features)
 *		-> clientele.churn_model_scored (score numeric, reasons jsonb)
 * The scorecard score and reasons of one customer (clientele.churn_scores
 * with method 'scorecard'), from the signals evaluated above.
 * ---------------------------------------------------------------------- */

typedef struct ScoreReason
{
	int			code;
	Datum		points;			/* numeric */
	SigEvidence evidence;
} ScoreReason;

typedef struct ScoreCollect
{
	int			n;
	ScoreReason r[S_N];
} ScoreCollect;

#define SCORE_MEMO 16

typedef struct ScoreCallCache
{
	SigCallCache sig;			/* first: shares sig_evaluate's cache layout */
	TupleDesc	tupdesc;
	char	   *scale_text;		/* the setting the scale was read from */
	double		scale;
	/* the scores of the last sums of points seen, under memo_scale */
	double		memo_scale;
	int			memo_n;
	int			memo_next;
	Datum		memo_total[SCORE_MEMO];	/* numeric, in fn_mcxt */
	Datum		memo_score[SCORE_MEMO];	/* numeric, in fn_mcxt */
} ScoreCallCache;

/*
 * The score of a sum of points under a scale: a customer's sum is one of few
 * (sums of the signals' points), and the mapping goes through numeric and
 * float8 text conversions, so the last ones are kept per call site.
 */
static Datum
score_of(FunctionCallInfo fcinfo, ScoreCallCache *cc, Datum total, double scale)
{
	MemoryContext old;
	Datum		score;
	int			k;

	if (cc->memo_n > 0 && cc->memo_scale != scale)
		cc->memo_n = cc->memo_next = 0;
	for (k = 0; k < cc->memo_n; k++)
		if (datumIsEqual(total, cc->memo_total[k], false, -1))
			return cc->memo_score[k];
	score = DirectFunctionCall2(numeric_round,
								DirectFunctionCall1(float8_numeric,
													Float8GetDatum(cl_churn_scorecard(DatumGetFloat8(DirectFunctionCall1(numeric_float8, total)), scale))),
								Int32GetDatum(2));
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	if (cc->memo_n == SCORE_MEMO)
	{
		pfree(DatumGetPointer(cc->memo_total[cc->memo_next]));
		pfree(DatumGetPointer(cc->memo_score[cc->memo_next]));
	}
	else
		cc->memo_n++;
	cc->memo_total[cc->memo_next] = datumCopy(total, false, -1);
	cc->memo_score[cc->memo_next] = datumCopy(score, false, -1);
	cc->memo_next = (cc->memo_next + 1) % SCORE_MEMO;
	cc->memo_scale = scale;
	MemoryContextSwitchTo(old);
	return score;
}

static void
emit_collect(void *arg, const SigSetting *s, int code, const SigEvidence *ev)
{
	ScoreCollect *c = (ScoreCollect *) arg;

	c->r[c->n].code = code;
	c->r[c->n].points = s->points;
	c->r[c->n].evidence = *ev;	/* its values are not reused */
	c->n++;
}

/* largest points first, then the signal code (as ORDER BY points DESC, signal) */
static int
reason_cmp(const void *a, const void *b)
{
	const ScoreReason *x = (const ScoreReason *) a;
	const ScoreReason *y = (const ScoreReason *) b;
	int			c = ncmp(y->points, x->points);

	if (c != 0)
		return c;
	return varstr_cmp(sig_code[x->code], strlen(sig_code[x->code]),
					  sig_code[y->code], strlen(sig_code[y->code]), DEFAULT_COLLATION_OID);
}

/* the scale of the scorecard mapping: setting clientele.churn_scorecard_scale */
static double
score_scale(ScoreCallCache *cc)
{
	const char *v = GetConfigOption("clientele.churn_scorecard_scale", true, false);
	const char *p;
	bool		ok;
	Datum		num;

	if (v == NULL || v[0] == '\0')
		return 50.0;
	if (cc->scale_text != NULL && strcmp(cc->scale_text, v) == 0)
		return cc->scale;
	/* ^\s*[0-9]+(\.[0-9]+)?\s*$, as clientele.churn_scorecard_scale() checks */
	p = v;
	while (*p && strchr(" \t\n\r\f\v", *p))
		p++;
	ok = isdigit((unsigned char) *p);
	while (isdigit((unsigned char) *p))
		p++;
	if (ok && *p == '.')
	{
		p++;
		ok = isdigit((unsigned char) *p);
		while (isdigit((unsigned char) *p))
			p++;
	}
	while (*p && strchr(" \t\n\r\f\v", *p))
		p++;
	ok = ok && *p == '\0';
	if (ok)
	{
		num = DirectFunctionCall3(numeric_in, CStringGetDatum(v), ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
		ok = ncmp(num, nint(0)) > 0 && ncmp(num, nint(1000000)) <= 0;
	}
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("setting clientele.churn_scorecard_scale must be a number of points above 0 and at most 1000000, got \"%s\"", v),
				 errhint("SET clientele.churn_scorecard_scale = 50 (the default), or RESET it.")));
	if (cc->scale_text != NULL)
		pfree(cc->scale_text);
	cc->scale_text = MemoryContextStrdup(GetMemoryChunkContext(cc), v);
	cc->scale = DatumGetFloat8(DirectFunctionCall1(numeric_float8, num));
	return cc->scale;
}

PG_FUNCTION_INFO_V1(clientele_churn_scorecard_of);

Datum
clientele_churn_scorecard_of(PG_FUNCTION_ARGS)
{
	ScoreCallCache *cc = (ScoreCallCache *) fcinfo->flinfo->fn_extra;
	ScoreCollect c;
	JsonbParseState *ps = NULL;
	JsonbValue *reasons;
	Datum		total;
	Datum		values[2];
	bool		nulls[2] = {false, false};
	double		scale;
	int			k;

	if (cc == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		cc = palloc0(sizeof(ScoreCallCache));
		cc->sig.row.names = sig_field_names;
		cc->sig.row.nfields = G_NFIELDS;
		cc->sig.zero = nint(0);
		cc->tupdesc = cl_call_result_desc(fcinfo);
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = cc;
	}
	scale = score_scale(cc);

	c.n = 0;
	sig_evaluate(fcinfo, &cc->sig, PG_GETARG_HEAPTUPLEHEADER(0), emit_collect, &c);
	if (c.n > 1)
		qsort(c.r, c.n, sizeof(ScoreReason), reason_cmp);

	/* [{"signal": .., "points": .., "evidence": {..}}, ..] */
	total = cc->sig.zero;
	pushJsonbValue(&ps, WJB_BEGIN_ARRAY, NULL);
	for (k = 0; k < c.n; k++)
	{
		JsonbValue	v;

		total = DirectFunctionCall2(numeric_add, total, c.r[k].points);
		pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
		ev_string(&v, "signal");
		pushJsonbValue(&ps, WJB_KEY, &v);
		ev_string(&v, sig_code[c.r[k].code]);
		pushJsonbValue(&ps, WJB_VALUE, &v);
		ev_string(&v, "points");
		pushJsonbValue(&ps, WJB_KEY, &v);
		ev_numeric(&v, c.r[k].points);
		pushJsonbValue(&ps, WJB_VALUE, &v);
		ev_string(&v, "evidence");
		pushJsonbValue(&ps, WJB_KEY, &v);
		ev_push(&ps, &c.r[k].evidence);
		pushJsonbValue(&ps, WJB_END_OBJECT, NULL);
	}
	reasons = pushJsonbValue(&ps, WJB_END_ARRAY, NULL);

	values[0] = score_of(fcinfo, cc, total, scale);
	values[1] = JsonbPGetDatum(JsonbValueToJsonb(reasons));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(cc->tupdesc, values, nulls)));
}
