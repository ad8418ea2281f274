/*
 * refresh.c
 *		What clientele.refresh (sql/refresh.sql) cannot ask in PL/pgSQL.
 *
 * clientele.refresh_in_transaction() -> boolean says whether the procedure
 * that calls it may not COMMIT: it runs in an atomic context (inside a
 * transaction block, BEGIN ... COMMIT, or the implicit block of a query
 * string with several statements such as psql -c "SET ...; CALL ...", or
 * called from a function), or inside a subtransaction (a PL/pgSQL block with
 * an exception handler).  refresh then does all its work in the caller's
 * transaction instead of committing its log row first, and so never takes
 * its session-level lock in a transaction it cannot end itself.
 *
 * Called from a PL/pgSQL procedure, the current SPI connection is the
 * procedure's: SPI_inside_nonatomic_context() is its CALL's "atomic" flag.
 *
 * clientele.matview_replace(regclass) -> bigint replaces the contents of a
 * populated materialized view by the rows of its query, as REFRESH
 * MATERIALIZED VIEW CONCURRENTLY does, without its diff.  CONCURRENTLY
 * copies the new rows into a temporary table, analyses it, looks for
 * duplicate rows, full-joins it with the old contents on every column and
 * only then deletes the changed rows and inserts the new ones: when (nearly)
 * every row changes at each refresh, as in the scorecard whose as_of is a
 * column, all of that is overhead.  Here, under the same ExclusiveLock
 * (readers go on, with AccessShareLock, and see the previous contents until
 * the transaction commits), every current row is deleted and the query's
 * rows are inserted straight from the executor, with their index entries
 * (the unique index still rejects duplicate keys).  The query runs as the
 * view's owner in a restricted operation, as in REFRESH.  An error rolls it
 * all back with the transaction.
 */
#include "clientele.h"

#include "access/heapam.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "commands/tablecmds.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "rewrite/prs2lock.h"
#include "rewrite/rewriteHandler.h"
#include "tcop/dest.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

PG_FUNCTION_INFO_V1(clientele_refresh_in_transaction);

Datum
clientele_refresh_in_transaction(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!SPI_inside_nonatomic_context() ||
				   IsTransactionBlock() ||
				   GetCurrentTransactionNestLevel() > 1);
}

/* the executor's output rows go straight into the materialized view */
typedef struct MatviewReplaceReceiver
{
	DestReceiver pub;
	Relation	rel;
	ResultRelInfo *rri;
	EState	   *estate;
	TupleTableSlot *slot;
	BulkInsertState bistate;
	CommandId	cid;
	uint64		rows;
} MatviewReplaceReceiver;

static void
mvr_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
}

static bool
mvr_receive(TupleTableSlot *slot, DestReceiver *self)
{
	MatviewReplaceReceiver *r = (MatviewReplaceReceiver *) self;
	List	   *recheck;

	ExecCopySlot(r->slot, slot);
	table_tuple_insert(r->rel, r->slot, r->cid, 0, r->bistate);
	recheck = ExecInsertIndexTuples(r->rri, r->slot, r->estate, false, false, NULL, NIL);
	list_free(recheck);
	ResetPerTupleExprContext(r->estate);
	r->rows++;
	return true;
}

static void
mvr_shutdown(DestReceiver *self)
{
}

static void
mvr_destroy(DestReceiver *self)
{
}

PG_FUNCTION_INFO_V1(clientele_matview_replace);

Datum
clientele_matview_replace(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	char		relkind;
	Relation	rel;
	RuleLock   *rules;
	RewriteRule *rule;
	Query	   *query;
	List	   *rewritten;
	PlannedStmt *plan;
	QueryDesc  *qdesc;
	Oid			save_userid;
	int			save_sec_context;
	int			save_nestlevel;
	Snapshot	snap;
	TableScanDesc scan;
	TupleTableSlot *oldslot;
	MatviewReplaceReceiver *dest;
	const char *qstring = "clientele.matview_replace";
	uint64		rows;

	/* as REFRESH: it writes */
	PreventCommandIfReadOnly("clientele.matview_replace()");
	PreventCommandIfParallelMode("clientele.matview_replace()");

	relkind = get_rel_relkind(relid);
	if (relkind == '\0')
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_TABLE),
				errmsg("relation with OID %u does not exist", relid));
	if (relkind != RELKIND_MATVIEW)
		ereport(ERROR,
				errcode(ERRCODE_WRONG_OBJECT_TYPE),
				errmsg("\"%s\" is not a materialized view", get_rel_name(relid)));
	/* the right to REFRESH: ownership, checked before taking the lock */
	if (!pg_class_ownercheck(relid, GetUserId()))
		aclcheck_error(ACLCHECK_NOT_OWNER, OBJECT_MATVIEW, get_rel_name(relid));

	/* REFRESH ... CONCURRENTLY's lock: readers go on, writers wait */
	rel = table_open(relid, ExclusiveLock);
	if (rel->rd_rel->relkind != RELKIND_MATVIEW)
		ereport(ERROR,
				errcode(ERRCODE_WRONG_OBJECT_TYPE),
				errmsg("\"%s\" is not a materialized view", RelationGetRelationName(rel)));
	if (!RelationIsPopulated(rel))
		ereport(ERROR,
				errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				errmsg("materialized view \"%s\" has not been populated", RelationGetRelationName(rel)),
				errhint("Use REFRESH MATERIALIZED VIEW once first."));
	CheckTableNotInUse(rel, "REFRESH MATERIALIZED VIEW");

	rules = rel->rd_rules;
	if (!rel->rd_rel->relhasrules || rules == NULL || rules->numLocks != 1)
		elog(ERROR, "materialized view \"%s\" does not have exactly one rule", RelationGetRelationName(rel));
	rule = rules->rules[0];
	if (rule->event != CMD_SELECT || !rule->isInstead || list_length(rule->actions) != 1)
		elog(ERROR, "the rule of materialized view \"%s\" is not a single SELECT action", RelationGetRelationName(rel));

	/* as REFRESH: the query runs as the owner, in a restricted operation */
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(rel->rd_rel->relowner, save_sec_context | SECURITY_RESTRICTED_OPERATION);
	save_nestlevel = NewGUCNestLevel();

	/* 1. delete every row visible now (also ones of this transaction) */
	CommandCounterIncrement();
	snap = RegisterSnapshot(GetLatestSnapshot());
	oldslot = table_slot_create(rel, NULL);
	scan = table_beginscan(rel, snap, 0, NULL);
	while (table_scan_getnextslot(scan, ForwardScanDirection, oldslot))
	{
		CHECK_FOR_INTERRUPTS();
		simple_table_tuple_delete(rel, &oldslot->tts_tid, snap);
	}
	table_endscan(scan);
	ExecDropSingleTupleTableSlot(oldslot);
	UnregisterSnapshot(snap);
	CommandCounterIncrement();

	/* 2. the query's rows, inserted with their index entries */
	dest = palloc0(sizeof(MatviewReplaceReceiver));
	dest->pub.receiveSlot = mvr_receive;
	dest->pub.rStartup = mvr_startup;
	dest->pub.rShutdown = mvr_shutdown;
	dest->pub.rDestroy = mvr_destroy;
	dest->pub.mydest = DestNone;
	dest->rel = rel;
	dest->estate = CreateExecutorState();
	dest->rri = makeNode(ResultRelInfo);
	InitResultRelInfo(dest->rri, rel, 1, NULL, 0);
	ExecOpenIndices(dest->rri, false);
	dest->slot = table_slot_create(rel, NULL);
	dest->bistate = GetBulkInsertState();
	dest->cid = GetCurrentCommandId(true);

	query = copyObject(linitial_node(Query, rule->actions));
	AcquireRewriteLocks(query, true, false);
	rewritten = QueryRewrite(query);
	if (list_length(rewritten) != 1)
		elog(ERROR, "unexpected rewrite result for materialized view \"%s\"", RelationGetRelationName(rel));
	query = linitial_node(Query, rewritten);
	CHECK_FOR_INTERRUPTS();
	/* no parallel plan: the rows are written by this backend as they come */
	plan = pg_plan_query(query, qstring, 0, NULL);
	PushCopiedSnapshot(GetActiveSnapshot());
	UpdateActiveSnapshotCommandId();
	qdesc = CreateQueryDesc(plan, qstring, GetActiveSnapshot(), InvalidSnapshot,
							(DestReceiver *) dest, NULL, NULL, 0);
	ExecutorStart(qdesc, 0);
	ExecutorRun(qdesc, ForwardScanDirection, 0, true);
	ExecutorFinish(qdesc);
	ExecutorEnd(qdesc);
	FreeQueryDesc(qdesc);
	PopActiveSnapshot();

	rows = dest->rows;
	ExecCloseIndices(dest->rri);
	ExecDropSingleTupleTableSlot(dest->slot);
	FreeBulkInsertState(dest->bistate);
	table_finish_bulk_insert(rel, 0);
	FreeExecutorState(dest->estate);

	AtEOXact_GUC(false, save_nestlevel);
	SetUserIdAndSecContext(save_userid, save_sec_context);

	table_close(rel, NoLock);
	CommandCounterIncrement();
	PG_RETURN_INT64((int64) rows);
}
