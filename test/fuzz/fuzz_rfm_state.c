/*
 * fuzz_rfm_state.c
 *		clientele.rfm_state typed in or received by a user: the binary form
 *		(what rfm_state_recv gets, and what the text form "rfm1:" + hex
 *		decodes to) goes through rfm_wire_ndays() and rfm_wire_decode(), the
 *		src/core functions rfm_state_in / rfm_state_recv call.
 *
 * The first byte selects the property:
 *	- even: the rest is a binary form (or "rfm1:" + hex, decoded by
 *	  cl_hex_decode as rfm_state_in does).  Whatever the decoder accepts must
 *	  keep the aggregate's invariants (sorted distinct days within the span,
 *	  first and last day, rows >= days, sums in range) and encode back to the
 *	  very same bytes: encode(decode(b)) == b.
 *	- odd: the rest drives the aggregate's own arithmetic (kind, as_of day,
 *	  unit, rows of (day offset, amount)); the state it builds must be
 *	  accepted by the decoder and come back field for field:
 *	  decode(encode(s)) == s.
 */
#include "fuzz.h"

#include <math.h>

#include "hex.h"
#include "rfm_core.h"

#define MAX_ROWS 64

static void
check_fields(const RfmStateFields *f, const RfmDayKey *days)
{
	const RfmFixed limit = (RfmFixed) 1 << (RFM_FIXED_MAX_EXP + RFM_FIXED_SHIFT);

	FUZZ_CHECK(f->kind == RFM_KIND_DATE || f->kind == RFM_KIND_TIMESTAMPTZ, "known kind");
	FUZZ_CHECK(f->ndays >= 0 && f->ndays <= RFM_DAY_SPAN + 1, "day count in range");
	FUZZ_CHECK(f->nrows >= f->ndays, "at least one row per purchase day");
	FUZZ_CHECK(f->unit_days > 0 && isfinite(f->unit_days), "positive finite unit");
	FUZZ_CHECK(rfm_valid_day(f->as_of_day), "as_of day is a date");
	FUZZ_CHECK(rfm_days_strictly_increasing(days, f->ndays), "days strictly increasing");
	if (f->ndays > 0)
	{
		FUZZ_CHECK(f->first_day == rfm_key_day(f->as_of_day, days[0]), "first day is the first key");
		FUZZ_CHECK(f->last_day == rfm_key_day(f->as_of_day, days[f->ndays - 1]), "last day is the last key");
		FUZZ_CHECK(f->first_day <= f->last_day && f->last_day <= f->as_of_day, "first <= last <= as_of");
		FUZZ_CHECK(rfm_valid_day(f->first_day), "first day is a date");
	}
	else
		FUZZ_CHECK(f->nrows == 0 && f->total == 0 && f->first == 0, "an empty state is empty");
	FUZZ_CHECK(f->total < limit && f->total > -limit, "total in range");
	FUZZ_CHECK(f->total - f->first < limit && f->total - f->first > -limit, "repeat amount in range");
	if (f->ndays == 1)
		FUZZ_CHECK(f->total == f->first, "one day: the first-day sum is the total");
	/* what the final function computes must be finite */
	FUZZ_CHECK(isfinite(rfm_fixed_to_double(f->total)), "finite total");
}

static void
fuzz_decode(const uint8_t *data, size_t size)
{
	unsigned char *buf;
	const unsigned char *in;
	size_t		len;
	RfmStateFields f;
	RfmDayKey  *days;
	unsigned char *again;
	int32_t		n;

	if (!fuzz_text_form(data, size, "rfm1:", &buf, &in, &len))
	{
		free(buf);
		return;					/* rfm_state_in refuses it before decoding */
	}
	if (rfm_wire_ndays(in, len, &n) != NULL)
	{
		free(buf);
		return;
	}
	FUZZ_CHECK(n >= 0 && rfm_wire_size(n) == len, "the announced days fill the value");
	days = malloc(sizeof(RfmDayKey) * (size_t) (n + 1));
	if (rfm_wire_decode(in, len, &f, days) == NULL)
	{
		FUZZ_CHECK(f.ndays == n, "decode keeps the announced count");
		check_fields(&f, days);
		again = malloc(len);
		rfm_wire_encode(&f, days, again);
		FUZZ_CHECK(memcmp(again, in, len) == 0, "encode(decode(b)) == b");
		free(again);
	}
	free(days);
	free(buf);
}

/* the aggregate's arithmetic (src/rfm.c: transition, then send) over fuzzed rows */
static void
fuzz_build(FuzzIn *in)
{
	RfmStateFields s,
				d;
	RfmDayKey	keys[MAX_ROWS],
				sorted[MAX_ROWS],
				back[MAX_ROWS];
	RfmFixed	amounts[MAX_ROWS];
	int			nrows = (int) (fuzz_u64(in, 1) % (MAX_ROWS + 1));
	int			i,
				n;
	unsigned char *wire;
	size_t		len;
	double		units[] = {1.0, 7.0, 30.0, 1.0 / 86400000000.0, 1e9, 0.5};

	memset(&s, 0, sizeof(s));
	s.kind = fuzz_u64(in, 1) % 2 ? RFM_KIND_TIMESTAMPTZ : RFM_KIND_DATE;
	/* as_of day within the date range, sometimes at its ends */
	switch (fuzz_u64(in, 1) % 4)
	{
		case 0:
			s.as_of_day = -2451545 + RFM_DAY_SPAN + (int32_t) (fuzz_u64(in, 2) % 1000);
			break;
		case 1:
			s.as_of_day = (int32_t) (INT64_C(2147483494) - 2451545 - 1 - (int64_t) (fuzz_u64(in, 2) % 1000));
			break;
		default:
			s.as_of_day = (int32_t) (fuzz_u64(in, 2) % 40000) - 10000;
	}
	if (s.kind == RFM_KIND_DATE)
		s.as_of_raw = s.as_of_day;
	else
	{
		/* a timestamp on that UTC day; the session zone may shift the day by one */
		int64_t		usecs = (int64_t) (fuzz_u64(in, 4) % UINT64_C(86400000000));

		if (s.as_of_day > 106751990)
			return;				/* beyond the timestamp range */
		s.as_of_raw = (int64_t) s.as_of_day * INT64_C(86400000000) + usecs;
		if (s.as_of_raw < INT64_C(-211813488000000000) || s.as_of_raw >= INT64_C(9223371331200000000))
			return;				/* outside the timestamp range: the aggregate never sees it */
	}
	s.unit_days = units[fuzz_u64(in, 1) % (sizeof(units) / sizeof(units[0]))];

	for (i = 0; i < nrows; i++)
	{
		double		amount = fuzz_double(in);
		RfmFixed	a;

		keys[i] = (RfmDayKey) fuzz_u64(in, 2);
		if (!rfm_fixed_from_double(amount, &a))
			a = 0;				/* the aggregate refuses the row: count it as 0 here */
		amounts[i] = a;
		if (!rfm_valid_day(rfm_key_day(s.as_of_day, keys[i])))
			return;				/* before the date range: the aggregate cannot see it */
	}
	/* rows, total and first-day sum as rfm_state_add keeps them */
	for (i = 0; i < nrows; i++)
	{
		if (!rfm_fixed_add(&s.total, amounts[i]))
			return;				/* the aggregate raises "out of range" */
		s.nrows++;
	}
	memcpy(sorted, keys, sizeof(RfmDayKey) * (size_t) nrows);
	n = rfm_days_sort_unique(sorted, nrows);
	s.ndays = n;
	if (n > 0)
	{
		s.first_day = rfm_key_day(s.as_of_day, sorted[0]);
		s.last_day = rfm_key_day(s.as_of_day, sorted[n - 1]);
		for (i = 0; i < nrows; i++)
			if (keys[i] == sorted[0] && !rfm_fixed_add(&s.first, amounts[i]))
				return;
	}
	{
		const RfmFixed limit = (RfmFixed) 1 << (RFM_FIXED_MAX_EXP + RFM_FIXED_SHIFT);
		RfmFixed	rep = s.total - s.first;

		if (rep >= limit || rep <= -limit)
			return;				/* the final function's repeat amount would overflow */
	}

	len = rfm_wire_size(n);
	wire = malloc(len);
	rfm_wire_encode(&s, sorted, wire);
	FUZZ_CHECK(rfm_wire_ndays(wire, len, &i) == NULL && i == n, "an encoded state announces its days");
	{
		const char *err = rfm_wire_decode(wire, len, &d, back);

		if (err != NULL)
			fprintf(stderr, "refused: %s\n", err);
		FUZZ_CHECK(err == NULL, "a state the aggregate builds is accepted");
	}
	FUZZ_CHECK(d.kind == s.kind && d.as_of_raw == s.as_of_raw && d.as_of_day == s.as_of_day &&
			   memcmp(&d.unit_days, &s.unit_days, sizeof(double)) == 0 &&
			   d.nrows == s.nrows && d.total == s.total && d.first == s.first &&
			   d.first_day == s.first_day && d.last_day == s.last_day && d.ndays == s.ndays,
			   "decode(encode(s)) == s: fields");
	FUZZ_CHECK(memcmp(back, sorted, sizeof(RfmDayKey) * (size_t) n) == 0, "decode(encode(s)) == s: days");
	check_fields(&d, back);
	free(wire);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzIn		in;

	if (size == 0)
		return 0;
	if (data[0] % 2 == 0)
		fuzz_decode(data + 1, size - 1);
	else
	{
		in.p = data + 1;
		in.n = size - 1;
		fuzz_build(&in);
	}
	return 0;
}
