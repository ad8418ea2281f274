/*
 * clientele.c
 *		Module entry point of the clientele extension.
 *
 * Each capability has its own src/<area>.c (fmgr glue) over plain-C maths in
 * src/core/ (no PostgreSQL headers, unit-tested in test/unit/).
 */
#include "clientele.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "hex.h"

#include "fitstate.h"
#include "optim.h"

PG_MODULE_MAGIC;

extern PGDLLEXPORT void _PG_init(void);

static void *
clientele_core_alloc(size_t size)
{
	return palloc_extended(size, MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
}

static void
clientele_core_free(void *ptr)
{
	if (ptr)
		pfree(ptr);
}

static void
clientele_core_interrupt(void)
{
	CHECK_FOR_INTERRUPTS();
}

/*
 * Library load: the plain-C core (src/core) allocates through
 * cl_core_alloc / cl_core_free and polls cl_optim_interrupt in its long
 * loops.  Point them at palloc / pfree (in the memory context current at the
 * call, so an ERROR or a query cancel in the middle of a fit frees
 * everything with the context) and at CHECK_FOR_INTERRUPTS, once for every
 * model, before any function of the library runs.
 */
void
_PG_init(void)
{
	cl_core_alloc = clientele_core_alloc;
	cl_core_free = clientele_core_free;
	cl_optim_interrupt = clientele_core_interrupt;
	clientele_distributed_init();
}

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

/*
 * A date argument: finite (22023 "<what> must be a finite date, got
 * infinity") and within 0001-01-01 .. 9999-12-31 (22023 "<what> must be a
 * date between 0001-01-01 and 9999-12-31, got <d>").
 */
DateADT
cl_check_date_arg(DateADT d, const char *what)
{
	cl_check_finite_date(d, what);
	if (d < CL_DATE_ARG_MIN || d > CL_DATE_ARG_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a date between " CL_DATE_ARG_MIN_TEXT " and " CL_DATE_ARG_MAX_TEXT ", got %s",
						what, DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(d))))));
	return d;
}

PG_FUNCTION_INFO_V1(clientele_check_date);

/*
 * check_date(d date, what text) -> d: the checks of a date argument for the
 * SQL functions (NULL: 22004 "<what> must not be NULL"; then
 * cl_check_date_arg).
 */
Datum
clientele_check_date(PG_FUNCTION_ARGS)
{
	const char *what = PG_ARGISNULL(1) ? "date" : text_to_cstring(PG_GETARG_TEXT_PP(1));

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", what)));
	PG_RETURN_DATEADT(cl_check_date_arg(PG_GETARG_DATEADT(0), what));
}

MemoryContext
cl_agg_context(FunctionCallInfo fcinfo)
{
	MemoryContext aggcxt;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
	{
		char	   *name = (fcinfo->flinfo && OidIsValid(fcinfo->flinfo->fn_oid)) ?
			get_func_name(fcinfo->flinfo->fn_oid) : NULL;

		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("function %s can only be called as part of an aggregate",
						name ? name : "(unknown)")));
	}
	return aggcxt;
}

TupleDesc
cl_call_result_desc(FunctionCallInfo fcinfo)
{
	TupleDesc	td;
	TupleDesc	copy;
	MemoryContext old;

	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "function %s must return a composite type",
			 (fcinfo->flinfo && OidIsValid(fcinfo->flinfo->fn_oid)) ?
			 get_func_name(fcinfo->flinfo->fn_oid) : "(unknown)");
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	copy = BlessTupleDesc(CreateTupleDescCopy(td));
	MemoryContextSwitchTo(old);
	return copy;
}

bytea *
cl_bytes_to_bytea(const unsigned char *bytes, size_t n)
{
	bytea	   *res = palloc(VARHDRSZ + n);

	SET_VARSIZE(res, VARHDRSZ + n);
	memcpy(VARDATA(res), bytes, n);
	return res;
}

char *
cl_hex_text(const char *prefix, const unsigned char *bytes, size_t n)
{
	static const char hexd[] = "0123456789abcdef";
	size_t		plen = strlen(prefix);
	char	   *out = palloc(plen + 2 * n + 1);
	char	   *o = out + plen;
	size_t		i;

	memcpy(out, prefix, plen);
	for (i = 0; i < n; i++)
	{
		*o++ = hexd[bytes[i] >> 4];
		*o++ = hexd[bytes[i] & 15];
	}
	*o = '\0';
	return out;
}

char *
cl_hex_parse(const char *str, const char *prefix, const char *typname, size_t *nbytes)
{
	size_t		plen = strlen(prefix);
	size_t		len = strlen(str);
	size_t		n,
				i;
	char	   *buf;

	if (len < plen || strncmp(str, prefix, plen) != 0 || (len - plen) % 2 != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%.40s\"", typname, str),
				 errdetail("The text form is \"%s\" followed by an even number of hex digits.", prefix)));
	n = (len - plen) / 2;
	if (n > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: value too long", typname)));
	buf = palloc0(Max(n, 1));
	i = cl_hex_decode(str + plen, n, (unsigned char *) buf);
	if (i < n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%c%c\" is not a hex byte", typname,
						str[plen + 2 * i], str[plen + 2 * i + 1])));
	*nbytes = n;
	return buf;
}
