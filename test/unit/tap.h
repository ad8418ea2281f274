/*
 * tap.h - a minimal TAP producer for the plain-C unit tests of src/core.
 *
 *	 ok(cond, "name", ...)       one test
 *	 near(got, want, tol, "name") |got - want| <= tol (absolute)
 *	 rel_near(got, want, rel, "name")  relative tolerance
 *	 return tap_done();          prints the plan, exit status 1 on failure
 */
#ifndef CL_TAP_H
#define CL_TAP_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

static int	tap_n = 0;
static int	tap_failed = 0;

static inline int
ok(int cond, const char *fmt,...)
{
	va_list		ap;

	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return cond;
}

#define near(got, want, tol, name) \
	do { double g_ = (got), w_ = (want); \
		if (!ok(fabs(g_ - w_) <= (tol), "%s", (name))) \
			printf("#   got %.12g, want %.12g (tol %g)\n", g_, w_, (double) (tol)); } while (0)

#define rel_near(got, want, rel, name) \
	do { double g_ = (got), w_ = (want); \
		if (!ok(fabs(g_ - w_) <= (rel) * fabs(w_), "%s", (name))) \
			printf("#   got %.12g, want %.12g (rel %g)\n", g_, w_, (double) (rel)); } while (0)

static inline int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
