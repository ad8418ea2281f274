/*
 * hex.c
 *		Hex decoding of the text form of binary states (see hex.h).
 */
#include "hex.h"

size_t
cl_hex_decode(const char *src, size_t n, unsigned char *dst)
{
	size_t		i;

	for (i = 0; i < n; i++)
	{
		int			hi = cl_hexval(src[2 * i]),
					lo = cl_hexval(src[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return i;
		dst[i] = (unsigned char) (hi * 16 + lo);
	}
	return n;
}
