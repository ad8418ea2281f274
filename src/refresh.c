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
 * the transaction commits), the query's rows are written straight from the
 * executor.  When the view leaves room on its pages (a fillfactor below 100:
 * the scorecard) and has one unique btree index on plain columns, each new
 * row looks up the old row of its key in that index: an identical old row is
 * left as it is, a different one is updated in place (a heap update: HOT,
 * with no new index entries, when no indexed column changes and the page has
 * room), and a new key is inserted; the old rows no new row claimed are
 * deleted last.  Otherwise (a full fillfactor: most updates would not be
 * HOT, and an update with its index entries and the lookup costs more than a
 * delete and an insert), every old row is deleted first and the new ones are
 * inserted.  Either way the unique index still rejects duplicate keys (a
 * second new row of a key is inserted, and fails its unique check).
 * The query runs as the view's owner in a restricted operation, as in
 * REFRESH.  An error rolls it all back with the transaction.
 */
#include "clientele.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/nbtree.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_am.h"
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
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
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
	/* by key (keyidx != NULL): the old rows, found by their unique index */
	Relation	keyidx;
	int			nkeys;
	AttrNumber	keyatt[INDEX_MAX_KEYS];
	ScanKeyData keys[INDEX_MAX_KEYS];
	IndexScanDesc iscan;
	TupleTableSlot *oldslot;
	Snapshot	snap;			/* the old contents */
	HTAB	   *kept;			/* old rows claimed by a new row (their TIDs) */
	MemoryContext cxt;			/* the index scan's (not the executor's) */
	uint64		updated;
	uint64		unchanged;
	uint64		inserted;
} MatviewReplaceReceiver;

static void
mvr_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
}

/*
 * The old row of the new row's (slot's) key not yet claimed by another new
 * row, into r->oldslot; false when there is none (or a key column is NULL:
 * NULLs are distinct in the index, so such a row never replaces another).
 */
static bool
mvr_find_old(MatviewReplaceReceiver *r, TupleTableSlot *slot)
{
	int			i;

	for (i = 0; i < r->nkeys; i++)
	{
		bool		isnull;

		r->keys[i].sk_argument = slot_getattr(slot, r->keyatt[i], &isnull);
		if (isnull)
			return false;
	}
	index_rescan(r->iscan, r->keys, r->nkeys, NULL, 0);
	while (index_getnext_slot(r->iscan, ForwardScanDirection, r->oldslot))
	{
		bool		found;

		(void) hash_search(r->kept, &r->oldslot->tts_tid, HASH_ENTER, &found);
		if (!found)
			return true;
	}
	return false;
}

/*
 * Whether two rows of the view are the same, column by column, bit for bit.
 * The first column alone first: a changed row of a new date differs there
 * (as_of, the scorecard's first column), and deforming all of both rows
 * would cost more than the rest of the comparison.
 */
static bool
mvr_same(TupleTableSlot *a, TupleTableSlot *b)
{
	TupleDesc	desc = a->tts_tupleDescriptor;
	int			i;

	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (i == 1)
		{
			slot_getallattrs(a);
			slot_getallattrs(b);
		}
		else if (i == 0)
		{
			slot_getsomeattrs(a, 1);
			slot_getsomeattrs(b, 1);
		}
		if (att->attisdropped)
			continue;
		if (a->tts_isnull[i] != b->tts_isnull[i])
			return false;
		if (!a->tts_isnull[i] &&
			!datum_image_eq(a->tts_values[i], b->tts_values[i], att->attbyval, att->attlen))
			return false;
	}
	return true;
}

static bool
mvr_receive(TupleTableSlot *slot, DestReceiver *self)
{
	MatviewReplaceReceiver *r = (MatviewReplaceReceiver *) self;
	List	   *recheck;
	MemoryContext oldcxt;
	bool		found = false;
	bool		same = false;

	r->rows++;
	if (r->keyidx != NULL)
	{
		/*
		 * The index scan's memory outlives the executor's (this runs in its
		 * per-query context); the comparison's (detoasted values) lasts a
		 * row
		 */
		oldcxt = MemoryContextSwitchTo(r->cxt);
		found = mvr_find_old(r, slot);
		MemoryContextSwitchTo(GetPerTupleMemoryContext(r->estate));
		same = found && mvr_same(r->oldslot, slot);
		MemoryContextSwitchTo(oldcxt);
	}
	if (found)
	{
		ItemPointerData otid = r->oldslot->tts_tid;
		bool		update_indexes;

		if (same)
			r->unchanged++;
		else
		{
			ExecCopySlot(r->slot, slot);
			simple_table_tuple_update(r->rel, &otid, r->slot, r->snap, &update_indexes);
			if (update_indexes)
			{
				recheck = ExecInsertIndexTuples(r->rri, r->slot, r->estate, false, false, NULL, NIL);
				list_free(recheck);
			}
			r->updated++;
		}
	}
	else
	{
		ExecCopySlot(r->slot, slot);
		table_tuple_insert(r->rel, r->slot, r->cid, 0, r->bistate);
		recheck = ExecInsertIndexTuples(r->rri, r->slot, r->estate, false, false, NULL, NIL);
		list_free(recheck);
		r->inserted++;
	}
	ResetPerTupleExprContext(r->estate);
	return true;
}

/*
 * The view's unique index to find old rows by, when the view leaves room on
 * its pages for updates in place (a fillfactor below 100): the only unique
 * index, a btree on plain columns, immediate, NULLS DISTINCT.  Sets up r's
 * keys and returns the index, or NULL (a full fillfactor: updates would not
 * be HOT and cost more than a delete and an insert, with a lookup more; more
 * than one unique index, or none usable): then the old rows are all deleted
 * first.
 */
static Relation
mvr_key_index(MatviewReplaceReceiver *r)
{
	ResultRelInfo *rri = r->rri;
	Relation	found = NULL;
	IndexInfo  *fii = NULL;
	int			nunique = 0;
	int			i;

	if (RelationGetFillFactor(r->rel, HEAP_DEFAULT_FILLFACTOR) >= HEAP_DEFAULT_FILLFACTOR)
		return NULL;
	for (i = 0; i < rri->ri_NumIndices; i++)
	{
		Relation	ir = rri->ri_IndexRelationDescs[i];
		IndexInfo  *ii = rri->ri_IndexRelationInfo[i];

		if (ir == NULL || !ii->ii_Unique)
			continue;
		nunique++;
		if (ir->rd_rel->relam == BTREE_AM_OID && ii->ii_Expressions == NIL && ii->ii_Predicate == NIL &&
			!ii->ii_NullsNotDistinct && ir->rd_index->indimmediate && ir->rd_index->indisvalid &&
			ir->rd_index->indisready)
		{
			found = ir;
			fii = ii;
		}
	}
	if (nunique != 1 || found == NULL)
		return NULL;
	for (i = 0; i < fii->ii_NumIndexKeyAttrs; i++)
	{
		Oid			op;

		if (fii->ii_IndexAttrNumbers[i] <= 0)
			return NULL;
		op = get_opfamily_member(found->rd_opfamily[i], found->rd_opcintype[i], found->rd_opcintype[i],
								 BTEqualStrategyNumber);
		if (!OidIsValid(op))
			return NULL;
		r->keyatt[i] = fii->ii_IndexAttrNumbers[i];
		ScanKeyEntryInitialize(&r->keys[i], 0, i + 1, BTEqualStrategyNumber, InvalidOid,
							   found->rd_indcollation[i], get_opcode(op), (Datum) 0);
	}
	r->nkeys = fii->ii_NumIndexKeyAttrs;
	return found;
}

static void
mvr_shutdown(DestReceiver *self)
{
}

static void
mvr_destroy(DestReceiver *self)
{
}

/* deletes the old rows (visible to snap) whose TIDs are not in kept */
static uint64
mvr_delete_old(Relation rel, Snapshot snap, HTAB *kept)
{
	TupleTableSlot *oldslot = table_slot_create(rel, NULL);
	TableScanDesc scan = table_beginscan(rel, snap, 0, NULL);
	uint64		n = 0;

	while (table_scan_getnextslot(scan, ForwardScanDirection, oldslot))
	{
		CHECK_FOR_INTERRUPTS();
		if (kept != NULL && hash_search(kept, &oldslot->tts_tid, HASH_FIND, NULL) != NULL)
			continue;
		simple_table_tuple_delete(rel, &oldslot->tts_tid, snap);
		n++;
	}
	table_endscan(scan);
	ExecDropSingleTupleTableSlot(oldslot);
	return n;
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
	MatviewReplaceReceiver *dest;
	uint64		deleted = 0;
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

	/* the old contents: every row visible now (also ones of this transaction) */
	CommandCounterIncrement();
	snap = RegisterSnapshot(GetLatestSnapshot());
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
	dest->keyidx = mvr_key_index(dest);
	if (dest->keyidx == NULL)
	{
		/* no key to find the old rows by: all deleted first */
		deleted = mvr_delete_old(rel, snap, NULL);
		CommandCounterIncrement();
	}
	else
	{
		HASHCTL		ctl;

		/* each new row finds its old row by key (below, mvr_receive) */
		ctl.keysize = sizeof(ItemPointerData);
		ctl.entrysize = sizeof(ItemPointerData);
		ctl.hcxt = CurrentMemoryContext;
		dest->kept = hash_create("clientele.matview_replace old rows kept", 1024, &ctl,
								 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		dest->snap = snap;
		dest->cxt = CurrentMemoryContext;
		dest->oldslot = table_slot_create(rel, NULL);
		dest->iscan = index_beginscan(rel, dest->keyidx, snap, dest->nkeys, 0);
	}
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

	if (dest->keyidx != NULL)
	{
		/* the old rows no new row claimed */
		index_endscan(dest->iscan);
		ExecDropSingleTupleTableSlot(dest->oldslot);
		deleted = mvr_delete_old(rel, snap, dest->kept);
		hash_destroy(dest->kept);
	}
	UnregisterSnapshot(snap);
	rows = dest->rows;
	elog(DEBUG1, "clientele.matview_replace(%s): " UINT64_FORMAT " rows: " UINT64_FORMAT " unchanged, "
		 UINT64_FORMAT " updated, " UINT64_FORMAT " inserted, " UINT64_FORMAT " old rows deleted",
		 RelationGetRelationName(rel), rows, dest->unchanged, dest->updated, dest->inserted, deleted);
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
