/*
 * lifecycle.c
 *		fmgr glue of the lifecycle area: clientele.lifecycle_classify(), the
 *		stage of one customer from a row of clientele.customer_features under
 *		a rule set of clientele.lifecycle_rules.  The rules themselves live in
 *		src/core/lifecycle_core.c; the rule sets are compiled once per backend
 *		(config_cache.h) and recompiled after every committed change.
 */
#include "clientele.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/numeric.h"
#include "utils/rangetypes.h"
#include "utils/typcache.h"

#include "config_cache.h"
#include "cl_features.h"
#include "lifecycle_core.h"

PG_FUNCTION_INFO_V1(clientele_lifecycle_classify);

/* --- the compiled rule sets ------------------------------------------------ */

typedef struct LcRuleSet
{
	char	   *name;
	ClLcRules	rules;
} LcRuleSet;

typedef struct LcConfig
{
	int			nsets;
	LcRuleSet  *sets;
	int			in_use;			/* index of the set used when none is named */
} LcConfig;

static const char *const lc_tables[] = {"lifecycle_rules"};
static ClConfigCache lc_cache = CL_CONFIG_CACHE("lifecycle rules", lc_tables);

#define LC_BUILD_QUERY \
	"SELECT rules, in_use, builtin, new_days, growing_tenure_days, churn_inactive_months, " \
	"dormant_inactive_months, reactivation_gap_months, reactivation_recent_months, " \
	"reactivation_window_months, decline_min_txn, decline_aum_drop::float8, " \
	"decline_txn_drop::float8, growth_aum_rise::float8 " \
	"FROM clientele.lifecycle_rules ORDER BY rules COLLATE \"C\""

/* a column of the rule-set query (NOT NULL in the table) */
static Datum
lc_col(SPITupleTable *tt, uint64 r, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tt->vals[r], tt->tupdesc, col, &isnull);

	if (isnull)
		elog(ERROR, "NULL in clientele.lifecycle_rules column %d", col);
	return d;
}

static void *
lc_build(MemoryContext cxt, void *arg)
{
	LcConfig   *cfg;
	SPITupleTable *tt;
	uint64		n,
				r;
	int			standard = -1;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute(LC_BUILD_QUERY, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading clientele.lifecycle_rules failed");
	tt = SPI_tuptable;
	n = SPI_processed;

	MemoryContextSwitchTo(cxt);
	cfg = palloc0(sizeof(LcConfig));
	cfg->sets = palloc0(sizeof(LcRuleSet) * Max(n, 1));
	cfg->in_use = -1;
	for (r = 0; r < n; r++)
	{
		LcRuleSet  *s = &cfg->sets[cfg->nsets];
		bool		isnull;
		ClLcRules  *x = &s->rules;

		s->name = TextDatumGetCString(SPI_getbinval(tt->vals[r], tt->tupdesc, 1, &isnull));
		if (DatumGetBool(SPI_getbinval(tt->vals[r], tt->tupdesc, 2, &isnull)))
			cfg->in_use = cfg->nsets;
		if (strcmp(s->name, "standard") == 0 &&
			DatumGetBool(SPI_getbinval(tt->vals[r], tt->tupdesc, 3, &isnull)))
			standard = cfg->nsets;
		x->new_days = DatumGetInt32(lc_col(tt, r, 4));
		x->growing_tenure_days = DatumGetInt32(lc_col(tt, r, 5));
		x->churn_inactive_months = DatumGetInt32(lc_col(tt, r, 6));
		x->dormant_inactive_months = DatumGetInt32(lc_col(tt, r, 7));
		x->reactivation_gap_months = DatumGetInt32(lc_col(tt, r, 8));
		x->reactivation_recent_months = DatumGetInt32(lc_col(tt, r, 9));
		x->reactivation_window_months = DatumGetInt32(lc_col(tt, r, 10));
		x->decline_min_txn = DatumGetInt32(lc_col(tt, r, 11));
		x->decline_aum_drop = DatumGetFloat8(lc_col(tt, r, 12));
		x->decline_txn_drop = DatumGetFloat8(lc_col(tt, r, 13));
		x->growth_aum_rise = DatumGetFloat8(lc_col(tt, r, 14));
		cfg->nsets++;
	}
	if (cfg->in_use < 0)
		cfg->in_use = standard;
	SPI_finish();
	return cfg;
}

static const LcRuleSet *
lc_rule_set(const LcConfig *cfg, const char *name)
{
	int			i;
	StringInfoData known;

	if (name == NULL)
	{
		if (cfg->in_use < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("no lifecycle rule set is in use and the shipped set \"standard\" is missing"),
					 errhint("Mark a rule set of clientele.lifecycle_rules in_use, or name one.")));
		return &cfg->sets[cfg->in_use];
	}
	for (i = 0; i < cfg->nsets; i++)
		if (strcmp(cfg->sets[i].name, name) == 0)
			return &cfg->sets[i];
	initStringInfo(&known);
	for (i = 0; i < cfg->nsets; i++)
		appendStringInfo(&known, "%s%s", i ? ", " : "", cfg->sets[i].name);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown lifecycle rule set \"%s\"", name),
			 errhint("Rule sets are: %s.", known.data)));
	return NULL;				/* keep the compiler quiet */
}

/* --- per call site cache ------------------------------------------------- */

enum
{
	F_AS_OF, F_CLOSED, F_ACCOUNTS_EVER, F_ACCOUNTS_OPEN, F_FIRST_OPENED, F_LAST_TXN,
	F_GAP_STARTED, F_GAP_ENDED, F_TXN_3M, F_TXN_PREV_3M, F_AUM_3M, F_AUM_PREV_3M, F_GAPS, F_NFIELDS
};

static const char *const lc_field_names[F_NFIELDS] = {
	"as_of", "customer_closed", "accounts_ever", "accounts_open", "first_account_opened_on",
	"last_txn_on", "gap_started_on", "gap_ended_on", "txn_3m", "txn_prev_3m", "aum_3m", "aum_prev_3m",
	"gaps"
};

typedef struct LcCallCache
{
	ClFeaturesRow row;
	TupleDesc	result_desc;
	Datum		stage_oid[CL_LC_NSTAGES];
} LcCallCache;

static LcCallCache *
lc_call_cache(FunctionCallInfo fcinfo)
{
	LcCallCache *cc = (LcCallCache *) fcinfo->flinfo->fn_extra;

	if (cc == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		Oid			enumtype;
		int			i;

		cc = palloc0(sizeof(LcCallCache));
		cc->row.names = lc_field_names;
		cc->row.nfields = F_NFIELDS;
		cc->result_desc = cl_call_result_desc(fcinfo);
		enumtype = TupleDescAttr(cc->result_desc, 0)->atttypid;
		for (i = 0; i < CL_LC_NSTAGES; i++)
			cc->stage_oid[i] = DirectFunctionCall2(enum_in, CStringGetDatum(cl_lc_stage_name[i]),
												   ObjectIdGetDatum(enumtype));
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = cc;
	}
	return cc;
}

static int32
lc_date(ClFeaturesRow *r, int f)
{
	bool		isnull;
	DateADT		d = cl_features_date(r, f, &isnull);

	return isnull ? CL_LC_NO_DATE : d;
}

static double
lc_num(ClFeaturesRow *r, int f)
{
	bool		isnull;
	Datum		d = cl_features_get(r, f, &isnull);

	if (isnull)
		return 0.0;
	return cl_check_nonneg(DatumGetFloat8(DirectFunctionCall1(numeric_float8, d)), lc_field_names[f]);
}

/*
 * The gaps column (daterange[], [day after the gap started, day it ended)
 * each) into f->ngaps, f->gaps_started, f->gaps_ended; NULL: none
 */
static void
lc_gaps(ClFeaturesRow *r, ClLcFeatures *f)
{
	bool		isnull;
	Datum		d = cl_features_get(r, F_GAPS, &isnull);
	ArrayType  *arr;
	TypeCacheEntry *typcache;
	Datum	   *elems;
	bool	   *enulls;
	int			n,
				i;
	int32	   *started,
			   *ended;

	f->ngaps = 0;
	f->gaps_started = f->gaps_ended = NULL;
	if (isnull)
		return;
	arr = DatumGetArrayTypeP(d);
	if (ARR_ELEMTYPE(arr) != DATERANGEOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("feature gaps must be an array of daterange")));
	deconstruct_array(arr, DATERANGEOID, -1, false, TYPALIGN_INT, &elems, &enulls, &n);
	if (n == 0)
		return;
	typcache = lookup_type_cache(DATERANGEOID, TYPECACHE_RANGE_INFO);
	started = palloc(sizeof(int32) * n);
	ended = palloc(sizeof(int32) * n);
	for (i = 0; i < n; i++)
	{
		RangeBound	lower,
					upper;
		bool		empty;

		if (enulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("feature gaps must not hold NULL elements")));
		range_deserialize(typcache, DatumGetRangeTypeP(elems[i]), &lower, &upper, &empty);
		if (empty || lower.infinite || upper.infinite
			|| DATE_NOT_FINITE(DatumGetDateADT(lower.val)) || DATE_NOT_FINITE(DatumGetDateADT(upper.val)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("feature gaps must hold non-empty ranges of finite dates")));
		/* canonical daterange: lower inclusive, upper exclusive */
		started[i] = DatumGetDateADT(lower.val) - 1;
		ended[i] = DatumGetDateADT(upper.val);
		if (ended[i] > f->as_of)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("features dated after their as_of"),
					 errdetail("A gap of feature gaps ends after as_of.")));
	}
	f->ngaps = n;
	f->gaps_started = started;
	f->gaps_ended = ended;
}

/*
 * lifecycle_classify(features clientele.customer_features, rules text)
 *		-> clientele.lifecycle_decision
 */
Datum
clientele_lifecycle_classify(PG_FUNCTION_ARGS)
{
	LcCallCache *cc;
	ClFeaturesRow *row;
	const LcConfig *cfg;
	const LcRuleSet *set;
	ClLcFeatures f;
	ClLcStage	stage;
	char		rule[128];
	char	   *name = NULL;
	Datum		values[2];
	bool		nulls[2] = {false, false};
	bool		isnull;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	cc = lc_call_cache(fcinfo);
	row = &cc->row;
	cl_features_bind(row, fcinfo->flinfo, PG_GETARG_HEAPTUPLEHEADER(0));

	if (!PG_ARGISNULL(1))
		name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	cfg = (const LcConfig *) cl_config_get(&lc_cache, lc_build, NULL);
	set = lc_rule_set(cfg, name);

	f.as_of = lc_date(row, F_AS_OF);
	if (f.as_of == CL_LC_NO_DATE)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("feature as_of must not be NULL")));
	f.closed = DatumGetBool(cl_features_get(row, F_CLOSED, &isnull)) && !isnull;
	f.accounts_ever = cl_features_count(row, F_ACCOUNTS_EVER);
	f.accounts_open = cl_features_count(row, F_ACCOUNTS_OPEN);
	f.first_opened = lc_date(row, F_FIRST_OPENED);
	f.last_txn = lc_date(row, F_LAST_TXN);
	f.gap_started = lc_date(row, F_GAP_STARTED);
	f.gap_ended = lc_date(row, F_GAP_ENDED);
	f.txn_3m = cl_features_count(row, F_TXN_3M);
	f.txn_prev_3m = cl_features_count(row, F_TXN_PREV_3M);
	f.aum_3m = lc_num(row, F_AUM_3M);
	f.aum_prev_3m = lc_num(row, F_AUM_PREV_3M);
	if ((f.first_opened != CL_LC_NO_DATE && f.first_opened > f.as_of) ||
		(f.last_txn != CL_LC_NO_DATE && f.last_txn > f.as_of) ||
		(f.gap_ended != CL_LC_NO_DATE && f.gap_ended > f.as_of))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("features dated after their as_of"),
				 errdetail("first_account_opened_on, last_txn_on and gap_ended_on must not be after as_of.")));

	lc_gaps(row, &f);

	stage = cl_lc_classify(&f, &set->rules, rule, sizeof(rule));
	values[0] = cc->stage_oid[stage];
	values[1] = CStringGetTextDatum(rule);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(cc->result_desc, values, nulls)));
}
