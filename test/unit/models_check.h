/*
 * models_check.h - checks shared by test_mbgnbd.c and test_bgbb.c: the
 * analytic gradient of a 4-parameter log-likelihood against central
 * differences, and the random sample of the predictions' domain used to
 * check their invariants (log-uniform shapes 1e-2..1e4, frequencies
 * up to 1e3, horizons 1..1e4): probabilities in [0, 1], expectations finite,
 * >= 0 and non-decreasing in the horizon (to 1e-8 relative: the BG/NBD 2F1
 * bracket MBG/NBD shares is accurate to about 1e-9 at its asymptote).
 * Deterministic (a fixed 64-bit LCG), included by test_mbgnbd.c and
 * test_bgbb.c.
 */
#ifndef MODELS_CHECK_H
#define MODELS_CHECK_H

#include <math.h>
#include <stdint.h>

#include "optim.h"

/* max relative error of fn's gradient at lp[4] against central differences */
static inline double
grad_check4(ClObjective fn, const double *lp)
{
	double		ga[4],
				gn[4],
				err = 0;

	fn(lp, ga, NULL);
	cl_optim_numgrad(fn, NULL, 4, lp, 1e-6, gn);
	for (int i = 0; i < 4; i++)
		err = fmax(err, fabs(ga[i] - gn[i]) / fmax(1.0, fabs(gn[i])));
	return err;
}

static uint64_t sweep_state = 0x2545F4914F6CDD1DULL;

static inline double
sweep_u(void)
{
	sweep_state = sweep_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return ((sweep_state >> 11) + 0.5) / 9007199254740992.0;
}

/* log-uniform in [lo, hi] */
static inline double
sweep_lu(double lo, double hi)
{
	return exp(log(lo) + (log(hi) - log(lo)) * sweep_u());
}

#define SWEEP_MONO_TOL 1e-8

#endif
