/*
 * test_churn.c - unit tests of src/core/churn_core.c: model contributions and
 * their order, the probability, and the scorecard mapping.
 */
#include <math.h>

#include "tap.h"
#include "churn_core.h"

int
main(void)
{
	double		coef[4] = {-1.0, 0.5, -2.0, 0.25};
	double		mean[3] = {10, 0, 1};
	double		scale[3] = {2, 1, 0.5};
	double		x[3] = {14, -0.5, 1};
	double		z[3],
				c[3];
	int			order[3];
	double		p;

	/* z = (2, -0.5, 0); contributions (1, 1, 0); eta = -1 + 2 = 1 */
	p = cl_churn_contributions(3, coef, mean, scale, x, z, c, order);
	near(z[0], 2.0, 1e-15, "z of feature 1");
	near(z[1], -0.5, 1e-15, "z of feature 2");
	near(c[1], 1.0, 1e-15, "contribution of a negative coefficient times a negative z");
	near(p, 1.0 / (1.0 + exp(-1.0)), 1e-15, "probability from the intercept and the contributions");
	ok(order[0] == 0 && order[1] == 1 && order[2] == 2, "ties keep the feature order, largest first");
	x[2] = 0.0;					/* z = -2, contribution -0.5 */
	x[0] = 10.0;				/* contribution 0 */
	(void) cl_churn_contributions(3, coef, mean, scale, x, z, c, order);
	ok(order[0] == 1 && order[1] == 0 && order[2] == 2, "order by contribution, largest first (%d %d %d)",
	   order[0], order[1], order[2]);

	near(cl_churn_scorecard(0, 50), 0.0, 0, "scorecard: 0 points give 0");
	near(cl_churn_scorecard(50, 50), 100.0 * (1 - exp(-1.0)), 1e-12, "scorecard: scale points give 63.2");
	ok(cl_churn_scorecard(1e6, 50) <= 100.0, "scorecard never exceeds 100");
	near(cl_churn_scorecard(1e-12, 50), 2e-12, 1e-24, "scorecard keeps precision near 0 (expm1)");
	return tap_done();
}
