/*
 * fuzz_period.c
 *		clientele.period_state (the state of period_summary) as a user can
 *		hand it to the server: the binary form (recv) and the text form
 *		("clps1:" + hex, decoded by cl_hex_decode as period_state_in does),
 *		checked by cl_period_state_check(), the code of both input functions.
 *		A state it accepts must stay valid through what the aggregate does with
 *		it: marking a period (the transition), the union with itself and with
 *		a second state (the combine), and its summary must be consistent
 *		(frequency <= recency <= periods, transactions >= marked periods).
 *		The state's bytes are its binary form: encode(decode(b)) == b is the
 *		identity, checked by copying.
 */
#include "fuzz.h"

#include "bgbb.h"
#include "hex.h"
#include "le.h"

static void
summary_check(const unsigned char *b)
{
	int32_t		n = cl_get_i32(b + 4),
				k,
				x = 0,
				tx = 0,
				marked = 0;

	for (k = 0; k <= n; k++)
		if (b[CL_PERIOD_STATE_HEADER + k / 8] & (1 << (k % 8)))
		{
			marked++;
			if (k > 0)
			{
				x++;
				tx = k;
			}
		}
	FUZZ_CHECK(x <= tx && tx <= n, "frequency <= recency <= periods");
	FUZZ_CHECK(cl_get_i64(b + 8) >= marked, "transactions >= marked periods");
}

static void
fuzz_state(const unsigned char *b, size_t len, FuzzIn *extra)
{
	unsigned char *c;
	int32_t		n,
				k;
	int64_t		tx,
				ign;
	size_t		i;

	if (cl_period_state_check(b, len) != NULL)
		return;
	summary_check(b);
	c = malloc(len);
	memcpy(c, b, len);
	FUZZ_CHECK(cl_period_state_check(c, len) == NULL && memcmp(c, b, len) == 0, "decode(encode(s)) == s");
	n = cl_get_i32(c + 4);

	/* the transition: a transaction in period k (0 <= k <= n) */
	k = (int32_t) (fuzz_u64(extra, 4) % ((uint64_t) n + 1));
	tx = cl_get_i64(c + 8);
	if (tx < INT64_MAX)
	{
		c[CL_PERIOD_STATE_HEADER + k / 8] |= (unsigned char) (1 << (k % 8));
		cl_put_i64(c + 8, tx + 1);
		FUZZ_CHECK(cl_period_state_check(c, len) == NULL, "valid after a transaction");
		summary_check(c);
	}

	/* the combine with the original state: bits or-ed, counts added */
	tx = cl_get_i64(c + 8);
	ign = cl_get_i64(c + 16);
	if (!__builtin_add_overflow(tx, cl_get_i64(b + 8), &tx) &&
		!__builtin_add_overflow(ign, cl_get_i64(b + 16), &ign))
	{
		for (i = CL_PERIOD_STATE_HEADER; i < len; i++)
			c[i] |= b[i];
		cl_put_i64(c + 8, tx);
		cl_put_i64(c + 16, ign);
		FUZZ_CHECK(cl_period_state_check(c, len) == NULL, "valid after a combine");
		summary_check(c);
	}
	free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char prefix[] = "clps1:";
	size_t		plen = sizeof(prefix) - 1;
	FuzzIn		in = {data, size};
	FuzzIn		extra;

	if (size < 5)
		return 0;
	/* the first byte is ignored (seed layout), the last 4 pick the period */
	extra.p = data + size - 4;
	extra.n = 4;
	in.p = data + 1;
	in.n = size - 5;
	if (in.n >= plen && memcmp(in.p, prefix, plen) == 0)
	{
		size_t		n = (in.n - plen) / 2;
		unsigned char *buf = malloc(n + 1);

		if ((in.n - plen) % 2 == 0 && cl_hex_decode((const char *) in.p + plen, n, buf) == n)
			fuzz_state(buf, n, &extra);
		free(buf);
		return 0;
	}
	fuzz_state(in.p, in.n, &extra);
	return 0;
}
