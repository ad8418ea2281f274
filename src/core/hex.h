/*
 * hex.h
 *		Hex decoding of the text form of binary states ("prefix:" followed by
 *		lower- or upper-case hex digits): plain C, no PostgreSQL headers, so
 *		that the exact path of a state typed in as text is fuzzed
 *		(test/fuzz/fuzz_fitstate.c).  The SQL layer (cl_hex_parse in
 *		src/common/clientele.c) adds the prefix check and the errors.
 */
#ifndef CL_HEX_H
#define CL_HEX_H

#include <stddef.h>

/* value of one hex digit, or -1 */
static inline int
cl_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decode the 2 * n hex digits at src into n bytes at dst.  Returns n when
 * every pair is valid, else the index of the first pair that is not (dst
 * holds the bytes before it).
 */
extern size_t cl_hex_decode(const char *src, size_t n, unsigned char *dst);

#endif							/* CL_HEX_H */
