/*
 * churn_core.c
 *		Contributions of a logistic churn model (see churn_core.h).
 */
#include "churn_core.h"

#include <math.h>

double
cl_churn_contributions(int p, const double *coef, const double *mean, const double *scale,
					   const double *x, double *z, double *contrib, int *order)
{
	double		eta = coef[0];
	int			i,
				j;

	for (j = 0; j < p; j++)
	{
		z[j] = (x[j] - mean[j]) / scale[j];
		contrib[j] = coef[j + 1] * z[j];
		eta += contrib[j];
		order[j] = j;
	}
	/* insertion sort: p is small (a dozen features) */
	for (i = 1; i < p; i++)
	{
		int			k = order[i];

		for (j = i; j > 0 && contrib[order[j - 1]] < contrib[k]; j--)
			order[j] = order[j - 1];
		order[j] = k;
	}
	return 1.0 / (1.0 + exp(-eta));
}

double
cl_churn_scorecard(double points, double scale)
{
	return 100.0 * -expm1(-points / scale);
}
