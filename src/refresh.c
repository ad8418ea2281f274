/*
 * refresh.c
 *		What clientele.refresh (sql/refresh.sql) cannot ask in PL/pgSQL.
 *
 * clientele.refresh_in_transaction() -> boolean says whether the caller runs
 * inside a transaction block (BEGIN ... COMMIT, or the implicit block of a
 * query string with several statements, such as psql -c "SET ...; CALL ...")
 * or inside a subtransaction.  There a procedure may not COMMIT: refresh then
 * does all its work in the caller's transaction instead of committing its log
 * row first, and so never takes its session-level lock in a transaction it
 * cannot end itself.
 */
#include "clientele.h"

#include "access/xact.h"

PG_FUNCTION_INFO_V1(clientele_refresh_in_transaction);

Datum
clientele_refresh_in_transaction(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(IsTransactionBlock() || GetCurrentTransactionNestLevel() > 1);
}
