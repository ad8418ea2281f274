/*
 * config_cache.h
 *		The one config-table pattern: configuration lives in tables that are
 *		validated on write (triggers in SQL), compiled once per backend into a
 *		C structure, and invalidated when any backend changes the tables.
 *
 * Usage:
 *
 *	static const char *const tier_tables[] = {"tier_scheme", "tier_band"};
 *	static ClConfigCache tier_cache = CL_CONFIG_CACHE("tier schemes", tier_tables);
 *
 *	static void *build_tiers(MemoryContext cxt, void *arg) { ... SPI reads, palloc in cxt ... }
 *
 *	TierSet *ts = cl_config_get(&tier_cache, build_tiers, NULL);
 *
 * In SQL, every watched table carries the statement trigger
 *
 *	CREATE TRIGGER <table>_config_changed
 *		AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clientele.<table>
 *		FOR EACH STATEMENT EXECUTE FUNCTION clientele.config_changed();
 *
 * which queues a relcache invalidation of the table: at commit every backend
 * (including this one) drops its compiled copy, and the next cl_config_get()
 * rebuilds it.  Builders run with CurrentMemoryContext = a fresh context that
 * becomes the cache's only if the build succeeds (an ERROR leaks nothing).
 * An invalidation that arrives during the build (the builder's queries take
 * locks, which accept invalidation messages) is not lost: the copy serves the
 * current call and is rebuilt by the next (test/shell/config_cache.sh).
 *
 * In SQL, clientele.config_table_register() installs the trigger together
 * with the rest of the config-table recipe (docs/DEVELOPING.md).
 */
#ifndef CL_CONFIG_CACHE_H
#define CL_CONFIG_CACHE_H

#include "postgres.h"

#include "utils/memutils.h"

#define CL_CONFIG_MAX_TABLES 4

typedef void *(*ClConfigBuildFn) (MemoryContext cxt, void *arg);

typedef struct ClConfigCache
{
	const char *name;			/* for messages */
	const char *const *tables;	/* table names in schema clientele */
	int			ntables;
	/* private state */
	Oid			relids[CL_CONFIG_MAX_TABLES];
	bool		valid;
	bool		registered;
	uint64		invalidations;	/* bumped by every invalidation */
	MemoryContext cxt;
	void	   *data;
	struct ClConfigCache *next;
} ClConfigCache;

#define CL_CONFIG_CACHE(name_, tables_) \
	{ (name_), (tables_), lengthof(tables_) }

/* The compiled configuration, rebuilt first if it was invalidated. */
extern void *cl_config_get(ClConfigCache *cache, ClConfigBuildFn build, void *arg);

/* Drop every compiled copy in this backend (tests, after DDL). */
extern void cl_config_reset_all(void);

#endif							/* CL_CONFIG_CACHE_H */
