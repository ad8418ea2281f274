/*
 * rfm_core.h
 *		Plain-C helpers of the rfm area (no PostgreSQL headers): exact
 *		fixed-point money sums, the sorted set of purchase days, and n-tile
 *		scores.  Unit-tested by test/unit/test_rfm.c.
 */
#ifndef CL_RFM_CORE_H
#define CL_RFM_CORE_H

#include <stdbool.h>
#include <stdint.h>

#ifndef __SIZEOF_INT128__
#error "clientele's rfm area needs a compiler with a 128-bit integer type"
#endif

/*
 * Amounts are summed exactly in 128-bit fixed point with RFM_FIXED_SHIFT
 * fractional bits: every float8 amount is rounded once to that grid (exact
 * for |x| >= 2^-8 since a double has 53 significant bits), and integer sums
 * do not depend on the order of the rows, so serial, parallel and
 * distributed plans give bit-identical results.
 */
#define RFM_FIXED_SHIFT 60
/* |amount| and |sum| must stay below 2^(127 - RFM_FIXED_SHIFT - 1) */
#define RFM_FIXED_MAX_EXP (127 - RFM_FIXED_SHIFT - 1)

typedef __int128 RfmFixed;

/* amount -> fixed point; false when not finite or too large */
extern bool rfm_fixed_from_double(double x, RfmFixed *out);

/* fixed point -> double (one rounding) */
extern double rfm_fixed_to_double(RfmFixed v);

/* *acc += v; false on overflow (acc unchanged) */
extern bool rfm_fixed_add(RfmFixed *acc, RfmFixed v);

/* split / join for storage in two 64-bit words */
static inline void
rfm_fixed_split(RfmFixed v, uint64_t *lo, int64_t *hi)
{
	*lo = (uint64_t) v;
	*hi = (int64_t) (v >> 64);
}

static inline RfmFixed
rfm_fixed_join(uint64_t lo, int64_t hi)
{
	return (RfmFixed) (((unsigned __int128) (uint64_t) hi << 64) | lo);
}

/*
 * A purchase day is stored as a 16-bit key, its distance from a base day
 * fixed per group (the aggregate uses as_of - 65535): half the memory of a
 * 32-bit day.
 */
typedef uint16_t RfmDayKey;

/* sort keys ascending and drop duplicates in place; returns the new count */
extern int	rfm_days_sort_unique(RfmDayKey *days, int n);

/* whether days[0..n) is strictly increasing */
extern bool rfm_days_strictly_increasing(const RfmDayKey *days, int n);

/*
 * Merge two strictly increasing key arrays into out (room for na + nb),
 * dropping keys present in both; returns the count.
 */
extern int	rfm_days_merge(const RfmDayKey *a, int na, const RfmDayKey *b, int nb,
						   RfmDayKey *out);

/*
 * n-tile score of one value in a population of n_total values, of which
 * n_below are strictly smaller: 1 + floor(ntiles * n_below / n_total).
 * Ties share a score (the one of their lowest position), so the result does
 * not depend on row order.  Returns 0 on bad arguments.
 */
extern int	rfm_ntile_score(int64_t n_below, int64_t n_total, int ntiles);

/*
 * Compiled RFM segment scheme: a cube of ntiles^3 cells (r, f, m scores
 * 1..ntiles), each the index of the segment of the first matching rule or -1.
 * rfm_cube_fill() applies one rule (inclusive ranges) to the cells still
 * unassigned; rules are applied in priority order, so the first match wins.
 * It returns false (and changes nothing) when a bound is outside 1..ntiles
 * or ntiles is outside 1..RFM_MAX_NTILES; an empty range (min > max) matches
 * nothing.
 */
#define RFM_MAX_NTILES 100

typedef struct RfmRuleBounds
{
	int			r_min,
				r_max,
				f_min,
				f_max,
				m_min,
				m_max;
} RfmRuleBounds;

static inline int
rfm_cube_index(int ntiles, int r, int f, int m)
{
	return ((r - 1) * ntiles + (f - 1)) * ntiles + (m - 1);
}

extern bool rfm_cube_fill(int16_t *cells, int ntiles, const RfmRuleBounds *rule,
						  int16_t segment);

#endif							/* CL_RFM_CORE_H */
