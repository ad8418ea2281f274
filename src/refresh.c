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
 */
#include "clientele.h"

#include "access/xact.h"
#include "executor/spi.h"

PG_FUNCTION_INFO_V1(clientele_refresh_in_transaction);

Datum
clientele_refresh_in_transaction(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!SPI_inside_nonatomic_context() ||
				   IsTransactionBlock() ||
				   GetCurrentTransactionNestLevel() > 1);
}
