/*
 * churn_core.h
 *		Plain-C maths of the churn area (no PostgreSQL headers): the score and
 *		the per-feature contributions of a logistic churn model on
 *		standardised features.
 */
#ifndef CL_CHURN_CORE_H
#define CL_CHURN_CORE_H

/*
 * Standardises x (z_j = (x_j - mean_j) / scale_j), computes the contributions
 * c_j = coef[j + 1] z_j, the order of the features by contribution (largest
 * first, ties by position) and returns the probability
 * 1 / (1 + exp(-(coef[0] + sum c_j))).  coef has p + 1 elements; z, contrib
 * and order p.  scale_j > 0 and every input finite (the caller checks).
 */
extern double cl_churn_contributions(int p, const double *coef, const double *mean,
									 const double *scale, const double *x,
									 double *z, double *contrib, int *order);

/* the scorecard mapping 100 (1 - exp(-points / scale)); points >= 0, scale > 0 */
extern double cl_churn_scorecard(double points, double scale);

#endif							/* CL_CHURN_CORE_H */
