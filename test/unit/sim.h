/*
 * sim.h - deterministic random variates for the simulation (parameter
 * recovery) tests of test/unit: xoshiro256** uniforms, Marsaglia-Tsang gamma,
 * beta, exponential.  Header-only; each test seeds its own generator.
 */
#ifndef CL_SIM_H
#define CL_SIM_H

#include <math.h>
#include <stdint.h>

typedef struct sim_rng
{
	uint64_t	s[4];
} sim_rng;

static inline uint64_t
sim_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline void
sim_seed(sim_rng *g, uint64_t seed)
{
	/* splitmix64 to fill the state */
	for (int i = 0; i < 4; i++)
	{
		uint64_t	z = (seed += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		g->s[i] = z ^ (z >> 31);
	}
}

/* uniform in (0, 1) */
static inline double
sim_unif(sim_rng *g)
{
	uint64_t   *s = g->s;
	uint64_t	r = sim_rotl(s[1] * 5, 7) * 9;
	uint64_t	t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = sim_rotl(s[3], 45);
	return ((double) (r >> 11) + 0.5) * 0x1.0p-53;
}

static inline double
sim_normal(sim_rng *g)
{
	return sqrt(-2.0 * log(sim_unif(g))) * cos(2.0 * M_PI * sim_unif(g));
}

/* Gamma(shape, scale = 1) by Marsaglia & Tsang (2000), boosted for shape < 1 */
static inline double
sim_gamma(sim_rng *g, double shape)
{
	double		d,
				c;

	if (shape < 1.0)
		return sim_gamma(g, shape + 1.0) * pow(sim_unif(g), 1.0 / shape);
	d = shape - 1.0 / 3.0;
	c = 1.0 / sqrt(9.0 * d);
	for (;;)
	{
		double		z = sim_normal(g),
					v = 1.0 + c * z,
					u;

		if (v <= 0)
			continue;
		v = v * v * v;
		u = sim_unif(g);
		if (log(u) < 0.5 * z * z + d - d * v + d * log(v))
			return d * v;
	}
}

static inline double
sim_beta(sim_rng *g, double a, double b)
{
	double		x = sim_gamma(g, a);

	return x / (x + sim_gamma(g, b));
}

static inline double
sim_exp(sim_rng *g, double rate)
{
	return -log(sim_unif(g)) / rate;
}

#endif							/* CL_SIM_H */
