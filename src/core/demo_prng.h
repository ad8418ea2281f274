/*
 * demo_prng.h
 *		Counter-based pseudo-random numbers and calendar arithmetic for the
 *		demo bank generator (plain C, no PostgreSQL headers).
 *
 * Every random stream is keyed by (seed, customer_id, stream): a customer's
 * rows depend on nothing else, so the same seed gives the same bank whatever
 * the batch size or the order in which customers are generated.  The mixer
 * is splitmix64 (Steele, Lea & Flood 2014, "Fast splittable pseudorandom
 * number generators"), whose finaliser is a bijection with full avalanche.
 *
 * Dates are int32 day numbers counted from 2000-01-01, as PostgreSQL's
 * DateADT; civil conversions follow H. Hinnant, "chrono-Compatible Low-Level
 * Date Algorithms" (days_from_civil / civil_from_days).
 */
#ifndef CL_DEMO_PRNG_H
#define CL_DEMO_PRNG_H

#include <stdint.h>

typedef struct ClRng
{
	uint64_t	state;
} ClRng;

/* splitmix64 finaliser: a bijective 64-bit mixer */
static inline uint64_t
cl_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* A stream keyed by (seed, id, stream). */
static inline void
cl_rng_init(ClRng *r, uint64_t seed, uint64_t id, uint64_t stream)
{
	uint64_t	k = cl_mix64(seed + UINT64_C(0x9E3779B97F4A7C15));

	k = cl_mix64(k ^ (id * UINT64_C(0xD1B54A32D192ED03)));
	r->state = cl_mix64(k ^ (stream * UINT64_C(0x8CB92BA72F3D8DD7)));
}

static inline uint64_t
cl_rng_next(ClRng *r)
{
	r->state += UINT64_C(0x9E3779B97F4A7C15);
	return cl_mix64(r->state);
}

/* Uniform in [0, 1) with 53 random bits. */
static inline double
cl_rng_unif(ClRng *r)
{
	return (double) (cl_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform in (0, 1): safe for log(). */
static inline double
cl_rng_unif_open(ClRng *r)
{
	return ((double) (cl_rng_next(r) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* Uniform integer in [lo, hi] (hi >= lo). */
static inline int64_t
cl_rng_int(ClRng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t) (cl_rng_unif(r) * (double) (hi - lo + 1));
}

static inline int
cl_rng_bern(ClRng *r, double p)
{
	return cl_rng_unif(r) < p;
}

extern double cl_rng_normal(ClRng *r);
extern double cl_rng_lognormal(ClRng *r, double mu, double sigma);
extern double cl_rng_exp(ClRng *r, double mean);
extern int	cl_rng_poisson(ClRng *r, double lambda);
extern int	cl_rng_pick(ClRng *r, const double *weights, int n);

/* calendar: day numbers from 2000-01-01 */
extern int32_t cl_days_from_civil(int y, int m, int d);
extern void cl_civil_from_days(int32_t z, int *y, int *m, int *d);
extern int32_t cl_month_start(int32_t day);
extern int32_t cl_month_end(int32_t day);
extern int32_t cl_add_months(int32_t day, int months);

#endif							/* CL_DEMO_PRNG_H */
