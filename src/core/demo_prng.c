/*
 * demo_prng.c
 *		Distributions over the counter-based streams of demo_prng.h, and
 *		calendar arithmetic on day numbers from 2000-01-01.
 */
#include "demo_prng.h"

#include <math.h>

/* Standard normal by the Box-Muller transform (one value per two draws). */
double
cl_rng_normal(ClRng *r)
{
	double		u1 = cl_rng_unif_open(r);
	double		u2 = cl_rng_unif(r);

	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

double
cl_rng_lognormal(ClRng *r, double mu, double sigma)
{
	return exp(mu + sigma * cl_rng_normal(r));
}

double
cl_rng_exp(ClRng *r, double mean)
{
	return -mean * log(cl_rng_unif_open(r));
}

/*
 * Poisson: Knuth's product method for small means, a rounded normal
 * approximation above 30 (counts that large only need the right scale).
 */
int
cl_rng_poisson(ClRng *r, double lambda)
{
	if (!(lambda > 0))
		return 0;
	if (lambda < 30.0)
	{
		double		l = exp(-lambda);
		double		p = 1.0;
		int			k = 0;

		do
		{
			k++;
			p *= cl_rng_unif(r);
		} while (p > l);
		return k - 1;
	}
	else
	{
		double		x = floor(lambda + sqrt(lambda) * cl_rng_normal(r) + 0.5);

		return x < 0 ? 0 : (int) x;
	}
}

/* Index drawn with probability proportional to weights[i] (n >= 1). */
int
cl_rng_pick(ClRng *r, const double *weights, int n)
{
	double		total = 0;
	double		u;
	int			i;

	for (i = 0; i < n; i++)
		total += weights[i];
	u = cl_rng_unif(r) * total;
	for (i = 0; i < n - 1; i++)
	{
		if (u < weights[i])
			return i;
		u -= weights[i];
	}
	return n - 1;
}

/* Hinnant's days_from_civil, shifted to the PostgreSQL epoch 2000-01-01. */
int32_t
cl_days_from_civil(int y, int m, int d)
{
	int			era;
	unsigned	yoe,
				doy,
				doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned) (y - era * 400);
	doy = (unsigned) ((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t) (era * 146097 + (int) doe - 719468 - 10957);
}

void
cl_civil_from_days(int32_t z0, int *y, int *m, int *d)
{
	int64_t		z = (int64_t) z0 + 10957 + 719468;
	int64_t		era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned	doe = (unsigned) (z - era * 146097);
	unsigned	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned	mp = (5 * doy + 2) / 153;

	*d = (int) (doy - (153 * mp + 2) / 5 + 1);
	*m = (int) (mp < 10 ? mp + 3 : mp - 9);
	*y = (int) ((int64_t) yoe + era * 400 + (*m <= 2));
}

int32_t
cl_month_start(int32_t day)
{
	int			y,
				m,
				d;

	cl_civil_from_days(day, &y, &m, &d);
	return cl_days_from_civil(y, m, 1);
}

int32_t
cl_month_end(int32_t day)
{
	return cl_add_months(cl_month_start(day), 1) - 1;
}

/* Same day of month, months later (clamped to the month's last day). */
int32_t
cl_add_months(int32_t day, int months)
{
	int			y,
				m,
				d,
				last;
	int			mi;

	cl_civil_from_days(day, &y, &m, &d);
	mi = y * 12 + (m - 1) + months;
	y = mi >= 0 ? mi / 12 : (mi - 11) / 12;
	m = mi - y * 12 + 1;
	last = (m == 12 ? cl_days_from_civil(y + 1, 1, 1) : cl_days_from_civil(y, m + 1, 1))
		- cl_days_from_civil(y, m, 1);
	if (d > last)
		d = last;
	return cl_days_from_civil(y, m, d);
}
