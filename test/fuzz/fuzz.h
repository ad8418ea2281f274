/*
 * fuzz.h
 *		Shared helpers of the libFuzzer targets in test/fuzz/ (plain C, built
 *		with clang -fsanitize=fuzzer,address,undefined against src/core).
 *
 * Each target feeds the bytes a user can hand to the server (a state typed
 * in as text is hex of these bytes; a binary value arrives as these bytes)
 * to the same src/core function the SQL layer calls, and then checks that
 * whatever it accepted behaves: the invariants hold, round trips are exact.
 * FUZZ_CHECK aborts (a crash libFuzzer reports) when an invariant fails.
 */
#ifndef CL_FUZZ_H
#define CL_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"

#define FUZZ_CHECK(cond, what) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "fuzz invariant failed at %s:%d: %s (%s)\n", \
					__FILE__, __LINE__, (what), #cond); \
			abort(); \
		} \
	} while (0)

/* a reader over the fuzzer's bytes: values past the end read as zero */
typedef struct FuzzIn
{
	const uint8_t *p;
	size_t		n;
} FuzzIn;

static inline uint64_t
fuzz_u64(FuzzIn *in, int bytes)
{
	uint64_t	v = 0;
	int			i;

	for (i = 0; i < bytes; i++)
	{
		v |= (uint64_t) (in->n > 0 ? *in->p : 0) << (8 * i);
		if (in->n > 0)
		{
			in->p++;
			in->n--;
		}
	}
	return v;
}

static inline double
fuzz_double(FuzzIn *in)
{
	uint64_t	u = fuzz_u64(in, 8);
	double		d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

/*
 * The bytes behind a state's text form, as its input function gets them:
 * when data starts with prefix, the hex after it is decoded (cl_hex_decode)
 * into *buf (malloc'd; free it), else the bytes are data itself (*buf NULL).
 * Returns 0 when the input function refuses the hex before decoding.
 */
static inline int
fuzz_text_form(const uint8_t *data, size_t size, const char *prefix,
			   unsigned char **buf, const unsigned char **bytes, size_t *len)
{
	size_t		plen = strlen(prefix);

	*buf = NULL;
	*bytes = data;
	*len = size;
	if (size < plen || memcmp(data, prefix, plen) != 0)
		return 1;
	*len = (size - plen) / 2;
	*buf = malloc(*len + 1);
	*bytes = *buf;
	return (size - plen) % 2 == 0 && cl_hex_decode((const char *) data + plen, *len, *buf) == *len;
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif							/* CL_FUZZ_H */
