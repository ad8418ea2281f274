/*
 * config_cache.c
 *		Per-backend cache of compiled configuration tables, invalidated
 *		through relcache invalidations queued by clientele.config_changed().
 *		See config_cache.h for the pattern.
 */
#include "clientele.h"

#include <ctype.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/relcache.h"

#include "config_cache.h"

/* Citus's setting that lets a query on a shard run a distributed query */
#define CL_CITUS_NESTED_GUC "citus.allow_nested_distributed_execution"

static ClConfigCache *all_caches = NULL;
static bool callback_registered = false;

/*
 * Only flag the cache: a caller may still be using the old copy in the
 * middle of a function call (invalidations arrive whenever a lock is taken),
 * so the old context is freed by the next cl_config_get(), which runs at the
 * start of a call.  The counter is bumped even when the cache is already
 * invalid: a build in progress compares it before and after, so an
 * invalidation that arrives while the builder reads the tables (it takes
 * locks, which accepts invalidation messages) is not lost.
 */
static void
config_cache_invalidate(ClConfigCache *c)
{
	c->valid = false;
	c->invalidations++;
}

/*
 * Relcache callback: relid is the table changed, or InvalidOid after a cache
 * reset (then everything goes).
 */
static void
config_relcache_callback(Datum arg, Oid relid)
{
	ClConfigCache *c;

	for (c = all_caches; c != NULL; c = c->next)
	{
		int			i;

		if (!OidIsValid(relid))
		{
			config_cache_invalidate(c);
			continue;
		}
		for (i = 0; i < c->ntables; i++)
		{
			if (c->relids[i] == relid)
			{
				config_cache_invalidate(c);
				break;
			}
		}
	}
}

void
cl_config_reset_all(void)
{
	config_relcache_callback((Datum) 0, InvalidOid);
}

void *
cl_config_get(ClConfigCache *cache, ClConfigBuildFn build, void *arg)
{
	MemoryContext cxt;
	MemoryContext old;
	Oid			nsp;
	int			i;
	void	   *data;
	uint64		invalidations;
	int			guc_level = -1;

	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(config_relcache_callback, (Datum) 0);
		callback_registered = true;
	}
	if (!cache->registered)
	{
		if (cache->ntables > CL_CONFIG_MAX_TABLES)
			elog(ERROR, "config cache \"%s\" watches too many tables", cache->name);
		cache->next = all_caches;
		all_caches = cache;
		cache->registered = true;
	}
	if (cache->valid)
		return cache->data;
	if (cache->cxt != NULL)
	{
		MemoryContextDelete(cache->cxt);
		cache->cxt = NULL;
		cache->data = NULL;
	}

	/*
	 * Everything from here on may accept invalidation messages (catalog
	 * lookups, the builder's SPI queries take locks): one that arrives before
	 * the build is finished leaves the result usable for this call but not
	 * valid for the next one.
	 */
	invalidations = cache->invalidations;

	/* resolve the watched tables afresh: the extension may have been re-created */
	nsp = get_namespace_oid("clientele", false);
	for (i = 0; i < cache->ntables; i++)
	{
		cache->relids[i] = get_relname_relid(cache->tables[i], nsp);
		if (!OidIsValid(cache->relids[i]))
			elog(ERROR, "configuration table clientele.%s is missing", cache->tables[i]);
	}

	/* build in a fresh context that joins the cache only on success */
	cxt = AllocSetContextCreate(CurrentMemoryContext, "clientele config cache",
								ALLOCSET_SMALL_SIZES);
	MemoryContextSetIdentifier(cxt, cache->name);
	old = MemoryContextSwitchTo(cxt);

	/*
	 * On Citus the configuration tables are reference tables, and a function
	 * that reads them may run inside a query on a shard (tier_of pushed down
	 * to a worker): the builder's SPI read is then a nested distributed
	 * query, which Citus refuses unless allowed.  It reads a reference table,
	 * whose placement is local on every node, so allow it for the build only
	 * (settings cannot change in a parallel worker: there the read runs as is).
	 */
	if (!IsInParallelMode() && GetConfigOption(CL_CITUS_NESTED_GUC, true, false) != NULL)
	{
		guc_level = NewGUCNestLevel();
		(void) set_config_option(CL_CITUS_NESTED_GUC, "on", PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
	}
	data = build(cxt, arg);
	if (guc_level >= 0)
		AtEOXact_GUC(true, guc_level);
	MemoryContextSwitchTo(old);
	MemoryContextSetParent(cxt, CacheMemoryContext);

	cache->cxt = cxt;
	cache->data = data;
	cache->valid = (cache->invalidations == invalidations);
	return data;
}

PG_FUNCTION_INFO_V1(clientele_config_changed);

/*
 * Statement trigger on every configuration table: queue a relcache
 * invalidation of the table, delivered to all backends at commit.
 */
Datum
clientele_config_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	Relation	rel;
	const char *name;
	size_t		len;
	size_t		digits = 0;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "clientele.config_changed() must be called as a trigger");
	rel = trigdata->tg_relation;
	CacheInvalidateRelcache(rel);

	/*
	 * On Citus the trigger fires on the shards of a reference table
	 * (clientele.<table>_<shard id>), on every node; the caches are keyed by
	 * the table itself (clientele.<table>): invalidate it too.  An extra
	 * invalidation costs a rebuild, never a wrong answer.
	 */
	name = RelationGetRelationName(rel);
	len = strlen(name);
	while (digits < len && isdigit((unsigned char) name[len - 1 - digits]))
		digits++;
	if (digits > 0 && digits + 1 < len && name[len - 1 - digits] == '_')
	{
		char	   *base = pnstrdup(name, len - 1 - digits);
		Oid			shell = get_relname_relid(base, RelationGetNamespace(rel));

		if (OidIsValid(shell))
			CacheInvalidateRelcacheByRelid(shell);
		pfree(base);
	}
	PG_RETURN_POINTER(NULL);
}

/*
 * Whether the running statement is a script of this extension (CREATE
 * EXTENSION clientele or ALTER EXTENSION clientele UPDATE): the only writer
 * allowed to touch shipped rows.  No GUC or role can fake it.
 */
static bool
cl_in_extension_script(void)
{
	return creating_extension &&
		CurrentExtensionObject == get_extension_oid("clientele", true);
}

/* "clientele.<table>" for messages */
static char *
cl_table_name(Relation rel)
{
	return quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
									  RelationGetRelationName(rel));
}

/*
 * The row for messages: "(k1, k2)=(v1, v2)" over the primary key when the
 * table has one, else the whole row in the record output format.
 */
static char *
cl_row_string(Relation rel, HeapTuple tuple)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	Oid			pk = RelationGetPrimaryKeyIndex(rel);
	StringInfoData cols,
				vals;
	Relation	idx;
	int			i;

	if (!OidIsValid(pk))
		return OidOutputFunctionCall(F_RECORD_OUT, heap_copy_tuple_as_datum(tuple, tupdesc));
	idx = index_open(pk, AccessShareLock);
	initStringInfo(&cols);
	initStringInfo(&vals);
	for (i = 0; i < idx->rd_index->indnkeyatts; i++)
	{
		AttrNumber	att = idx->rd_index->indkey.values[i];
		Form_pg_attribute a = TupleDescAttr(tupdesc, att - 1);
		bool		isnull;
		Datum		d = heap_getattr(tuple, att, tupdesc, &isnull);
		Oid			out;
		bool		varlena;

		appendStringInfo(&cols, "%s%s", i > 0 ? ", " : "", quote_identifier(NameStr(a->attname)));
		if (isnull)
			appendStringInfo(&vals, "%snull", i > 0 ? ", " : "");
		else
		{
			getTypeOutputInfo(a->atttypid, &out, &varlena);
			appendStringInfo(&vals, "%s%s", i > 0 ? ", " : "", OidOutputFunctionCall(out, d));
		}
	}
	index_close(idx, AccessShareLock);
	return psprintf("(%s)=(%s)", cols.data, vals.data);
}

PG_FUNCTION_INFO_V1(clientele_in_extension_script);

/*
 * clientele.in_extension_script() -> boolean: cl_in_extension_script() for
 * the PL/pgSQL triggers that protect shipped rows without the builtin recipe
 * (segment_definition: shipped rows are editable there, not deletable).
 */
Datum
clientele_in_extension_script(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(cl_in_extension_script());
}

PG_FUNCTION_INFO_V1(clientele_protect_builtin);

/*
 * Row and TRUNCATE trigger of every configuration table (installed by
 * clientele.config_table_register()): rows with builtin = true ship with the
 * extension; only the extension's own scripts may insert, change or delete
 * them.  pg_dump keeps the bank's rows only (WHERE NOT builtin), so a
 * shipped row edited in place would silently revert in a restore: the bank
 * copies it (builtin = false) and edits the copy instead.  A table without a
 * builtin column is entirely shipped (every row counts as builtin).
 *
 * The optional trigger argument is the hint (what to do instead).
 */
Datum
clientele_protect_builtin(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	Relation	rel;
	TupleDesc	tupdesc;
	int			attnum;
	const char *hint;
	bool		old_builtin = false,
				new_builtin = false;
	char	   *relname;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function %s was not called by trigger manager", "clientele.protect_builtin")));
	rel = td->tg_relation;
	tupdesc = RelationGetDescr(rel);
	if (!TRIGGER_FIRED_BEFORE(td->tg_event))
		elog(ERROR, "clientele.protect_builtin must be a BEFORE trigger");

	if (cl_in_extension_script())
		return TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? PointerGetDatum(td->tg_newtuple) :
			PointerGetDatum(td->tg_trigtuple);

	relname = cl_table_name(rel);
	hint = td->tg_trigger->tgnargs > 0 ? td->tg_trigger->tgargs[0] :
		"Copy the row with builtin = false and change the copy.";
	attnum = SPI_fnumber(tupdesc, "builtin");
	if (attnum <= 0)
	{
		/* a table whose rows all ship with the extension */
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("table %s ships with the extension and is read-only", relname),
				 errdetail("pg_dump does not keep its rows: the extension recreates them."),
				 errhint("%s", hint)));
	}
	if (TupleDescAttr(tupdesc, attnum - 1)->atttypid != BOOLOID)
		elog(ERROR, "column builtin of %s is not boolean", relname);

	if (TRIGGER_FIRED_BY_TRUNCATE(td->tg_event))
	{
		bool		found;

		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (SPI_execute(psprintf("SELECT 1 FROM %s WHERE builtin LIMIT 1", relname), true, 1) != SPI_OK_SELECT)
			elog(ERROR, "reading %s failed", relname);
		found = SPI_processed > 0;
		SPI_finish();
		if (found)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("cannot truncate %s: it holds rows shipped with the extension", relname),
					 errhint("DELETE the rows with builtin = false instead.")));
		return PointerGetDatum(NULL);
	}

	if (!TRIGGER_FIRED_BY_INSERT(td->tg_event))
	{
		bool		isnull;
		Datum		d = heap_getattr(td->tg_trigtuple, attnum, tupdesc, &isnull);

		old_builtin = !isnull && DatumGetBool(d);
	}
	if (!TRIGGER_FIRED_BY_DELETE(td->tg_event))
	{
		HeapTuple	nt = TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple;
		bool		isnull;
		Datum		d = heap_getattr(nt, attnum, tupdesc, &isnull);

		new_builtin = !isnull && DatumGetBool(d);
	}

	if (old_builtin)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("cannot %s a row of %s shipped with the extension",
						TRIGGER_FIRED_BY_DELETE(td->tg_event) ? "delete" : "update", relname),
				 errdetail("Row %s is builtin: pg_dump keeps only rows with builtin = false, so the change would be lost in a restore.",
						   cl_row_string(rel, td->tg_trigtuple)),
				 errhint("%s", hint)));
	if (new_builtin)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("only the extension can mark rows of %s builtin", relname),
				 errdetail("pg_dump keeps only rows with builtin = false: a row marked builtin would be lost in a restore."),
				 errhint("Store the row with builtin = false.")));

	return TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? PointerGetDatum(td->tg_newtuple) :
		PointerGetDatum(td->tg_trigtuple);
}
