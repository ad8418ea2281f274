/*
 * fuzz_fitstate.c
 *		clientele.fit_state typed in by a user: the bytes behind the text form
 *		("clfs1:" + hex) go through cl_fitstate_check() exactly as
 *		fit_state_in() passes them (the first 4 bytes are the varlena header,
 *		overwritten by the server).  A state it accepts must then survive
 *		what the aggregates do with it: listing its rows (sorted, distinct,
 *		counts adding up), growing into a hashed state and adding a row (the
 *		transition function), combining with itself (the combine function),
 *		and the portable serial form when the core has one.  An input that
 *		starts with the text prefix "clfs1:" is first hex-decoded by
 *		cl_hex_decode(), the decoder of fit_state_in().
 */
#include "fuzz.h"

#include <math.h>
#include <stddef.h>

#include "fitstate.h"
#include "hex.h"

static void
check_rows(const ClFitState *st)
{
	uint32_t	n,
				i;
	ClFitRow  *rows = malloc(sizeof(ClFitRow) * (st->nentries + 1));
	double		total = 0;

	n = cl_fitstate_rows(st, rows);
	FUZZ_CHECK(n == st->nentries, "rows() lists every entry");
	for (i = 0; i < n; i++)
	{
		FUZZ_CHECK(rows[i].count > 0, "listed rows have counts");
		if (i > 0)
			FUZZ_CHECK(rows[i - 1].x < rows[i].x ||
					   (rows[i - 1].x == rows[i].x && (rows[i - 1].tx < rows[i].tx ||
													   (rows[i - 1].tx == rows[i].tx && rows[i - 1].T < rows[i].T))),
					   "rows are sorted and distinct");
		total += rows[i].count;
	}
	FUZZ_CHECK(total == st->nrows, "row counts add up to nrows");
	free(rows);
}

/* what the transition and combine functions do with a state */
static void
grow_add_combine(const ClFitState *st)
{
	uint32_t	cap = 64;
	ClFitState *h;

	while ((uint64_t) (st->nentries + 1) * 2 > cap)
		cap *= 2;
	if (cap > CL_FITSTATE_MAX_CAPACITY)
		return;
	h = malloc(cl_fitstate_size(cap));
	cl_fitstate_init(h, st->model, cap, st->penalizer);
	FUZZ_CHECK(cl_fitstate_merge(h, st), "a state fits in twice its rows");
	FUZZ_CHECK(h->nrows == st->nrows && h->nentries == st->nentries, "merge keeps rows and counts");
	FUZZ_CHECK(cl_fitstate_check(h, cl_fitstate_size(cap)) == NULL, "the grown state is valid");
	if (!cl_fitstate_needs_grow(h))
	{
		FUZZ_CHECK(cl_fitstate_add(h, 1, 0.5, 2, 1), "add after grow");
		FUZZ_CHECK(cl_fitstate_check(h, cl_fitstate_size(cap)) == NULL, "valid after add");
	}
	/* combine with itself: counts double, rows stay */
	{
		uint32_t	c2 = cap * 2;
		ClFitState *d = malloc(cl_fitstate_size(c2));
		double		before = h->nrows;

		cl_fitstate_init(d, h->model, c2, h->penalizer);
		FUZZ_CHECK(cl_fitstate_merge(d, h) && cl_fitstate_merge(d, h), "combine");
		FUZZ_CHECK(d->nentries == h->nentries, "combine keeps the distinct rows");
		FUZZ_CHECK(d->nrows == 2 * before || !isfinite(d->nrows) || d->nrows > 9e15,
				   "combine adds the counts");
		free(d);
	}
	check_rows(h);
	free(h);
}

static void fuzz_bytes(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char prefix[] = "clfs1:";
	size_t		plen = sizeof(prefix) - 1;

	if (size >= plen && memcmp(data, prefix, plen) == 0)
	{
		/* the text form: fit_state_in() wants an even number of digits */
		size_t		n = (size - plen) / 2;
		unsigned char *buf = malloc(n + 1);

		if ((size - plen) % 2 == 0 && cl_hex_decode((const char *) data + plen, n, buf) == n)
			fuzz_bytes(buf, n);
		free(buf);
		return 0;
	}
	fuzz_bytes(data, size);
	return 0;
}

static void
fuzz_bytes(const uint8_t *data, size_t size)
{
	/* the bytes of the text form, as fit_state_in() sees them */
	if (size >= offsetof(ClFitState, slots) && size <= (1 << 20))
	{
		ClFitState *st = malloc(size);

		memcpy(st, data, size);
		memset(st, 0, 4);		/* SET_VARSIZE */
		if (cl_fitstate_check(st, size) == NULL && st->compact)
		{
			check_rows(st);
			grow_add_combine(st);
		}
		free(st);
	}

#ifdef CL_FITSTATE_WIRE_VERSION
	/* the portable serial form (send/recv and the text form), when present */
	{
		uint32_t	n;

		if (cl_fitstate_wire_rows(data, size, &n) == NULL)
		{
			size_t		sz = cl_fitstate_size(n);
			ClFitState *st = calloc(1, sz);

			if (cl_fitstate_from_wire(data, size, st) == NULL)
			{
				size_t		wsz = cl_fitstate_wire_size(st->nentries);
				unsigned char *w = malloc(wsz);
				ClFitRow  *rows = malloc(sizeof(ClFitRow) * (st->nentries + 1));
				ClFitState *again = calloc(1, sz);
				uint32_t	k = cl_fitstate_rows(st, rows);

				FUZZ_CHECK(k == st->nentries, "decoded rows");
				cl_fitstate_to_wire(st, rows, k, w);
				FUZZ_CHECK(cl_fitstate_from_wire(w, wsz, again) == NULL, "re-encoded state decodes");
				FUZZ_CHECK(memcmp(again->slots, st->slots, sizeof(ClFitRow) * k) == 0 &&
						   again->nrows == st->nrows && again->model == st->model,
						   "decode(encode(s)) == s");
				check_rows(st);
				grow_add_combine(st);
				free(w);
				free(rows);
				free(again);
			}
			free(st);
		}
	}
#endif
}
