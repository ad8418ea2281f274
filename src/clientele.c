/*
 * clientele.c
 *		Module entry point of the clientele extension.
 *
 * Each capability has its own src/<area>.c (fmgr glue) over plain-C maths in
 * src/core/ (no PostgreSQL headers, unit-tested in test/unit/).
 */
#include "clientele.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(clientele_version);

/*
 * clientele_version() returns the version of the loaded shared library, so a
 * mismatch with the installed SQL (pg_extension.extversion) can be seen.
 */
Datum
clientele_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(CLIENTELE_VERSION));
}
