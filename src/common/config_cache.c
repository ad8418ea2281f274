/*
 * config_cache.c
 *		Per-backend cache of compiled configuration tables, invalidated
 *		through relcache invalidations queued by clientele.config_changed().
 *		See config_cache.h for the pattern.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "config_cache.h"

static ClConfigCache *all_caches = NULL;
static bool callback_registered = false;

/*
 * Only flag the cache: a caller may still be using the old copy in the
 * middle of a function call (invalidations arrive whenever a lock is taken),
 * so the old context is freed by the next cl_config_get(), which runs at the
 * start of a call.
 */
static void
config_cache_invalidate(ClConfigCache *c)
{
	c->valid = false;
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

		if (!c->valid)
			continue;
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
	data = build(cxt, arg);
	MemoryContextSwitchTo(old);
	MemoryContextSetParent(cxt, CacheMemoryContext);

	cache->cxt = cxt;
	cache->data = data;
	cache->valid = true;
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

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "clientele.config_changed() must be called as a trigger");
	CacheInvalidateRelcache(trigdata->tg_relation);
	PG_RETURN_POINTER(NULL);
}
