/*
 * sweep_models.h - the invariants of the MBG/NBD and BG/BB predictions on a
 * random sample of their domain (log-uniform shapes 1e-2..1e4, frequencies
 * up to 1e3, horizons 1..1e4): probabilities in [0, 1], expectations finite,
 * >= 0 and non-decreasing in the horizon (to 1e-8 relative: the BG/NBD 2F1
 * bracket MBG/NBD shares is accurate to about 1e-9 at its asymptote).
 * Deterministic (a fixed 64-bit LCG), included by test_mbgnbd.c and
 * test_bgbb.c.
 */
#ifndef SWEEP_MODELS_H
#define SWEEP_MODELS_H

#include <math.h>
#include <stdint.h>

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
