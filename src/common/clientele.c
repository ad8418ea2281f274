/*
 * clientele.c
 *		Module entry point of the clientele extension.
 *
 * Each capability has its own src/<area>.c (fmgr glue) over plain-C maths in
 * src/core/ (no PostgreSQL headers, unit-tested in test/unit/).
 */
#include "clientele.h"

#include "utils/memutils.h"
#include "hex.h"

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
