/*
 * models_sim.h - test helpers of the model unit tests: a seeded RNG with
 * gamma/beta/exponential draws (to simulate data from known parameters) and a
 * reader of the CDNOW summary csv (skipped when the dataset is absent).
 */
#ifndef CL_MODELS_SIM_H
#define CL_MODELS_SIM_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t sim_s = 0x9e3779b97f4a7c15ULL;

static inline void
sim_seed(uint64_t s)
{
	sim_s = s ? s : 1;
}

/* xorshift64*, uniform in (0, 1) */
static inline double
sim_unif(void)
{
	sim_s ^= sim_s >> 12;
	sim_s ^= sim_s << 25;
	sim_s ^= sim_s >> 27;
	return ((sim_s * 0x2545F4914F6CDD1DULL) >> 11) * (1.0 / 9007199254740992.0) + 1e-17;
}

static inline double
sim_norm(void)
{
	return sqrt(-2.0 * log(sim_unif())) * cos(2.0 * M_PI * sim_unif());
}

static inline double
sim_exp(double rate)
{
	return -log(sim_unif()) / rate;
}

/* Gamma(shape, rate) by Marsaglia & Tsang (2000) */
static inline double
sim_gamma(double shape, double rate)
{
	double		d,
				c;

	if (shape < 1.0)
		return sim_gamma(shape + 1.0, rate) * pow(sim_unif(), 1.0 / shape);
	d = shape - 1.0 / 3.0;
	c = 1.0 / sqrt(9.0 * d);
	for (;;)
	{
		double		z = sim_norm(),
					v = 1.0 + c * z,
					u;

		if (v <= 0)
			continue;
		v = v * v * v;
		u = sim_unif();
		if (log(u) < 0.5 * z * z + d - d * v + d * log(v))
			return d * v / rate;
	}
}

static inline double
sim_beta(double a, double b)
{
	double		x = sim_gamma(a, 1.0);

	return x / (x + sim_gamma(b, 1.0));
}

typedef struct CdnowRow
{
	double		x,
				tx,
				T,
				m;
} CdnowRow;

/*
 * Read ../shared/datasets/cdnow summary ($CLIENTELE_DATASETS overrides the
 * datasets folder).  Returns the number of rows (malloc'd into *rows), 0 if
 * the file is absent.
 */
static inline int
cdnow_read(CdnowRow **rows)
{
	const char *dir = getenv("CLIENTELE_DATASETS");
	char		path[1024],
				line[256];
	FILE	   *f;
	int			n = 0,
				cap = 4096;

	snprintf(path, sizeof(path), "%s/cdnow/cdnow_customers_summary_with_transactions.csv",
			 dir && *dir ? dir : "../shared/datasets");
	f = fopen(path, "r");
	if (!f)
		return 0;
	*rows = malloc(cap * sizeof(CdnowRow));
	if (!fgets(line, sizeof(line), f))
	{
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof(line), f))
	{
		int			id;
		CdnowRow	r;

		if (sscanf(line, "%d,%lf,%lf,%lf,%lf", &id, &r.x, &r.tx, &r.T, &r.m) != 5)
			continue;
		if (n == cap)
			*rows = realloc(*rows, (cap *= 2) * sizeof(CdnowRow));
		(*rows)[n++] = r;
	}
	fclose(f);
	return n;
}

#endif
