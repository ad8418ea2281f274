/*
 * optim.c
 *		BFGS + Nelder-Mead minimiser and Hessian helpers; see optim.h.
 *
 * BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed., ch. 6) on the
 * inverse Hessian, initial scaling (6.20), update skipped when s'y <= 0.
 * Line search: backtracking with safeguarded quadratic interpolation;
 * a step is accepted on the Armijo condition or on the "approximate Wolfe"
 * conditions of Hager & Zhang (2005), which still make progress when f is
 * flat to rounding error near the optimum.  Plain C99, no PostgreSQL headers.
 */
#include "optim.h"

#include <float.h>
#include <math.h>
#include <string.h>

#define LS_MAX 60
#define C1 1e-4					/* Armijo */
#define DELTA_HZ 0.1			/* approximate Wolfe */
#define EPS_HZ 1e-10			/* f may rise by this much (relative) */

void		(*cl_optim_interrupt) (void) = NULL;

#define INTERRUPT_POINT() \
	do { \
		if (cl_optim_interrupt) \
			cl_optim_interrupt(); \
	} while (0)

void
cl_optim_defaults(ClOptimOptions *opt)
{
	opt->max_iter = 1000;
	opt->gtol = 1e-9;
	opt->gtol_abs = 1e-7;
	opt->fallback = 1;
	opt->nm_max_iter = 5000;
	opt->nm_step = 0.5;
	opt->xbound = 0.0;
	opt->stall_iter = 0;
	opt->hinv = NULL;
}

static double
vmaxabs(int n, const double *v)
{
	double		m = 0.0;
	int			i;

	for (i = 0; i < n; i++)
		if (fabs(v[i]) > m || isnan(v[i]))
			m = isnan(v[i]) ? NAN : fabs(v[i]);
	return m;
}

static int
vfinite(int n, const double *v)
{
	int			i;

	for (i = 0; i < n; i++)
		if (!isfinite(v[i]))
			return 0;
	return 1;
}

static double
dot(int n, const double *a, const double *b)
{
	double		s = 0.0;
	int			i;

	for (i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

static int
grad_ok(const ClOptimOptions *opt, double f, double gmax)
{
	double		tol = opt->gtol * (fabs(f) > 1.0 ? fabs(f) : 1.0);

	if (opt->gtol_abs > tol)
		tol = opt->gtol_abs;
	return gmax <= tol;
}

static int	bfgs_run(ClObjective fn, void *ctx, int n, double *x, double *f,
					 double *g, const ClOptimOptions *opt, int *iters,
					 int *evals, double *H, int fresh);

/*
 * BFGS from x (in/out); f and g hold f(x), grad(x) on entry and exit.
 * Returns 1 when the gradient test passed.  The inverse-Hessian
 * approximation starts from opt->hinv when that is set and finite (else
 * from the identity) and is left in opt->hinv when set.
 */

static int
bfgs(ClObjective fn, void *ctx, int n, double *x, double *f, double *g,
	 const ClOptimOptions *opt, int *iters, int *evals)
{
	double		H[CL_OPTIM_MAXN * CL_OPTIM_MAXN];
	int			i,
				fresh = 1,
				conv;

	memset(H, 0, sizeof(H));
	if (opt->hinv != NULL)
	{
		memcpy(H, opt->hinv, (size_t) n * n * sizeof(double));
		for (i = 0; i < n * n; i++)
			if (!isfinite(H[i]))
				break;
		if (i == n * n)
			fresh = 0;
		else
			memset(H, 0, sizeof(H));
	}
	if (fresh)
		for (i = 0; i < n; i++)
			H[i * n + i] = 1.0;
	conv = bfgs_run(fn, ctx, n, x, f, g, opt, iters, evals, H, fresh);
	if (opt->hinv != NULL)
		memcpy(opt->hinv, H, (size_t) n * n * sizeof(double));
	return conv;
}

/* the iterations of bfgs, from the inverse-Hessian approximation H (in/out) */
static int
bfgs_run(ClObjective fn, void *ctx, int n, double *x, double *f, double *g,
		 const ClOptimOptions *opt, int *iters, int *evals, double *H, int fresh)
{
	double		d[CL_OPTIM_MAXN],
				xn[CL_OPTIM_MAXN],
				gn[CL_OPTIM_MAXN],
				s[CL_OPTIM_MAXN],
				y[CL_OPTIM_MAXN],
				Hy[CL_OPTIM_MAXN];
	int			i,
				j,
				k;
	int			first = fresh;	/* fresh: H is (a multiple of) the identity */
	double		f_mark = *f;	/* f at iteration k_mark, for the stall test */
	int			k_mark = 0;

	for (k = 0; k < opt->max_iter; k++)
	{
		double		gd,
					alpha,
					fnew = NAN;
		int			ls,
					accepted = 0;

		if (grad_ok(opt, *f, vmaxabs(n, g)))
			return 1;
		INTERRUPT_POINT();

		for (i = 0; i < n; i++)
		{
			d[i] = 0.0;
			for (j = 0; j < n; j++)
				d[i] -= H[i * n + j] * g[j];
		}
		gd = dot(n, g, d);
		if (!(gd < 0))
		{
			/* not a descent direction: restart from steepest descent */
			memset(H, 0, sizeof(double) * n * n);
			for (i = 0; i < n; i++)
			{
				H[i * n + i] = 1.0;
				d[i] = -g[i];
			}
			gd = dot(n, g, d);
			fresh = 1;
		}
		alpha = 1.0;
		if (first)
		{
			double		gm = vmaxabs(n, g);

			if (gm > 1.0)
				alpha = 1.0 / gm;
		}

		for (ls = 0; ls < LS_MAX; ls++)
		{
			double		gdn;

			for (i = 0; i < n; i++)
				xn[i] = x[i] + alpha * d[i];
			fnew = fn(xn, gn, ctx);
			(*evals)++;
			if (!isfinite(fnew) || !vfinite(n, gn))
			{
				alpha *= 0.1;
				continue;
			}
			gdn = dot(n, gn, d);
			if (fnew <= *f + C1 * alpha * gd ||
				(fnew <= *f + EPS_HZ * fabs(*f) &&
				 gdn <= (1.0 - 2.0 * DELTA_HZ) * (-gd) && gdn >= 0.9 * gd))
			{
				accepted = 1;
				break;
			}
			else
			{
				/* minimiser of the quadratic through f, gd and fnew */
				double		den = 2.0 * (fnew - *f - gd * alpha);
				double		an = den > 0 ? -gd * alpha * alpha / den : 0.5 * alpha;

				if (an < 0.1 * alpha)
					an = 0.1 * alpha;
				if (an > 0.5 * alpha)
					an = 0.5 * alpha;
				alpha = an;
			}
		}
		(*iters)++;
		if (!accepted)
		{
			if (!fresh)
			{
				/* retry once from steepest descent */
				memset(H, 0, sizeof(double) * n * n);
				for (i = 0; i < n; i++)
					H[i * n + i] = 1.0;
				fresh = 1;
				first = 1;
				continue;
			}
			return grad_ok(opt, *f, vmaxabs(n, g));
		}

		for (i = 0; i < n; i++)
		{
			s[i] = xn[i] - x[i];
			y[i] = gn[i] - g[i];
		}
		{
			double		sy = dot(n, s, y);
			double		yy = dot(n, y, y);

			if (sy > 1e-14 * sqrt(dot(n, s, s) * yy) && sy > 0)
			{
				double		rho = 1.0 / sy;
				double		yHy;

				if (fresh)
				{
					/* Nocedal & Wright (6.20) */
					for (i = 0; i < n * n; i++)
						H[i] *= sy / yy;
					fresh = 0;
				}
				for (i = 0; i < n; i++)
				{
					Hy[i] = 0.0;
					for (j = 0; j < n; j++)
						Hy[i] += H[i * n + j] * y[j];
				}
				yHy = dot(n, y, Hy);
				/* H += rho^2 (y'Hy) ss' + rho ss' - rho (Hy s' + s y'H) */
				for (i = 0; i < n; i++)
					for (j = 0; j < n; j++)
						H[i * n + j] += (rho * rho * yHy + rho) * s[i] * s[j]
							- rho * (Hy[i] * s[j] + s[i] * Hy[j]);
			}
		}
		first = 0;
		memcpy(x, xn, n * sizeof(double));
		memcpy(g, gn, n * sizeof(double));
		*f = fnew;
		if (opt->xbound > 0)
		{
			for (i = 0; i < n; i++)
				if (fabs(x[i]) > opt->xbound)
					return grad_ok(opt, *f, vmaxabs(n, g));
		}
		if (opt->stall_iter > 0 && k - k_mark >= opt->stall_iter)
		{
			if (f_mark - *f <= 1e-12 * fabs(*f))
				return grad_ok(opt, *f, vmaxabs(n, g));
			f_mark = *f;
			k_mark = k;
		}
	}
	return grad_ok(opt, *f, vmaxabs(n, g));
}

int
cl_optim_nelder_mead(ClObjective fn, void *ctx, int n, double *x,
					 double step, double ftol, int max_iter, double *fbest)
{
	double		P[(CL_OPTIM_MAXN + 1) * CL_OPTIM_MAXN];
	double		F[CL_OPTIM_MAXN + 1];
	double		cen[CL_OPTIM_MAXN],
				xr[CL_OPTIM_MAXN],
				xe[CL_OPTIM_MAXN];
	int			i,
				j,
				it;

#define V(k) (P + (k) * n)
	for (i = 0; i <= n; i++)
	{
		memcpy(V(i), x, n * sizeof(double));
		if (i > 0)
			V(i)[i - 1] += step;
		F[i] = fn(V(i), NULL, ctx);
		if (!isfinite(F[i]))
			F[i] = INFINITY;
	}
	for (it = 0; it < max_iter; it++)
	{
		int			lo = 0,
					hi = 0,
					nh = 0;
		double		fr,
					fe;

		INTERRUPT_POINT();
		for (i = 0; i <= n; i++)
		{
			if (F[i] < F[lo])
				lo = i;
			if (F[i] > F[hi])
				hi = i;
		}
		nh = lo;
		for (i = 0; i <= n; i++)
			if (i != hi && F[i] >= F[nh])
				nh = i;
		if (isfinite(F[hi]) &&
			fabs(F[hi] - F[lo]) <= ftol * (fabs(F[lo]) + 1e-30))
			break;
		for (j = 0; j < n; j++)
		{
			cen[j] = 0.0;
			for (i = 0; i <= n; i++)
				if (i != hi)
					cen[j] += V(i)[j];
			cen[j] /= n;
		}
		for (j = 0; j < n; j++)
			xr[j] = cen[j] + (cen[j] - V(hi)[j]);
		fr = fn(xr, NULL, ctx);
		if (!isfinite(fr))
			fr = INFINITY;
		if (fr < F[lo])
		{
			for (j = 0; j < n; j++)
				xe[j] = cen[j] + 2.0 * (cen[j] - V(hi)[j]);
			fe = fn(xe, NULL, ctx);
			if (isfinite(fe) && fe < fr)
			{
				memcpy(V(hi), xe, n * sizeof(double));
				F[hi] = fe;
			}
			else
			{
				memcpy(V(hi), xr, n * sizeof(double));
				F[hi] = fr;
			}
		}
		else if (fr < F[nh])
		{
			memcpy(V(hi), xr, n * sizeof(double));
			F[hi] = fr;
		}
		else
		{
			/* contraction (outside if xr is better than the worst) */
			double		fc;
			int			outside = fr < F[hi];

			for (j = 0; j < n; j++)
				xe[j] = outside ? cen[j] + 0.5 * (xr[j] - cen[j])
					: cen[j] + 0.5 * (V(hi)[j] - cen[j]);
			fc = fn(xe, NULL, ctx);
			if (!isfinite(fc))
				fc = INFINITY;
			if (fc < (outside ? fr : F[hi]))
			{
				memcpy(V(hi), xe, n * sizeof(double));
				F[hi] = fc;
			}
			else
			{
				/* shrink towards the best vertex */
				for (i = 0; i <= n; i++)
				{
					if (i == lo)
						continue;
					for (j = 0; j < n; j++)
						V(i)[j] = V(lo)[j] + 0.5 * (V(i)[j] - V(lo)[j]);
					F[i] = fn(V(i), NULL, ctx);
					if (!isfinite(F[i]))
						F[i] = INFINITY;
				}
			}
		}
	}
	{
		int			lo = 0;

		for (i = 1; i <= n; i++)
			if (F[i] < F[lo])
				lo = i;
		memcpy(x, V(lo), n * sizeof(double));
		*fbest = F[lo];
	}
#undef V
	return it;
}

int
cl_optim_minimize(ClObjective fn, void *ctx, int n, double *x,
				  const ClOptimOptions *opt, ClOptimResult *res)
{
	ClOptimOptions defopt;
	double		g[CL_OPTIM_MAXN];
	double		f;
	int			conv;

	memset(res, 0, sizeof(*res));
	if (opt == NULL)
	{
		cl_optim_defaults(&defopt);
		opt = &defopt;
	}
	if (n < 1 || n > CL_OPTIM_MAXN)
	{
		res->f = NAN;
		return 0;
	}
	f = fn(x, g, ctx);
	res->evaluations = 1;
	if (!isfinite(f) || !vfinite(n, g))
	{
		res->f = NAN;
		res->grad_norm = NAN;
		return 0;
	}
	conv = bfgs(fn, ctx, n, x, &f, g, opt, &res->iterations, &res->evaluations);
	if (!conv && opt->fallback)
	{
		double		xs[CL_OPTIM_MAXN],
					gs[CL_OPTIM_MAXN],
					fs,
					fnm;
		int			it;

		memcpy(xs, x, n * sizeof(double));
		it = cl_optim_nelder_mead(fn, ctx, n, xs, opt->nm_step, 1e-12,
								  opt->nm_max_iter, &fnm);
		res->iterations += it;
		res->evaluations += it;
		res->used_fallback = 1;
		fs = fn(xs, gs, ctx);
		res->evaluations++;
		if (isfinite(fs) && vfinite(n, gs))
		{
			int			c2 = bfgs(fn, ctx, n, xs, &fs, gs, opt,
								  &res->iterations, &res->evaluations);

			if (fs <= f || c2)
			{
				memcpy(x, xs, n * sizeof(double));
				memcpy(g, gs, n * sizeof(double));
				f = fs;
				conv = c2;
			}
		}
	}
	res->f = f;
	res->grad_norm = vmaxabs(n, g);
	res->converged = conv;
	return conv;
}

void
cl_optim_numgrad(ClObjective fn, void *ctx, int n, const double *x,
				 double h, double *grad)
{
	double		xx[CL_OPTIM_MAXN];
	int			i;

	memcpy(xx, x, n * sizeof(double));
	for (i = 0; i < n; i++)
	{
		double		hi = h * (fabs(x[i]) > 1.0 ? fabs(x[i]) : 1.0);
		double		fp,
					fm;

		xx[i] = x[i] + hi;
		fp = fn(xx, NULL, ctx);
		xx[i] = x[i] - hi;
		fm = fn(xx, NULL, ctx);
		xx[i] = x[i];
		grad[i] = (fp - fm) / (2.0 * hi);
	}
}

int
cl_optim_hessian(ClObjective fn, void *ctx, int n, const double *x,
				 double h, double *H)
{
	double		xx[CL_OPTIM_MAXN],
				gp[CL_OPTIM_MAXN],
				gm[CL_OPTIM_MAXN];
	int			i,
				j;

	if (n < 1 || n > CL_OPTIM_MAXN)
		return 0;
	memcpy(xx, x, n * sizeof(double));
	for (i = 0; i < n; i++)
	{
		double		fp,
					fm;

		INTERRUPT_POINT();
		xx[i] = x[i] + h;
		fp = fn(xx, gp, ctx);
		xx[i] = x[i] - h;
		fm = fn(xx, gm, ctx);
		xx[i] = x[i];
		if (!isfinite(fp) || !isfinite(fm) || !vfinite(n, gp) || !vfinite(n, gm))
			return 0;
		for (j = 0; j < n; j++)
			H[i * n + j] = (gp[j] - gm[j]) / (2.0 * h);
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
		{
			double		m = 0.5 * (H[i * n + j] + H[j * n + i]);

			H[i * n + j] = H[j * n + i] = m;
		}
	return 1;
}

int
cl_optim_invert_spd(int n, const double *H, double *Hinv)
{
	double		L[CL_OPTIM_MAXN * CL_OPTIM_MAXN];
	double		Li[CL_OPTIM_MAXN * CL_OPTIM_MAXN];
	int			i,
				j,
				k;

	if (n < 1 || n > CL_OPTIM_MAXN)
		return 0;
	memset(L, 0, sizeof(L));
	for (j = 0; j < n; j++)
	{
		double		s = H[j * n + j];

		for (k = 0; k < j; k++)
			s -= L[j * n + k] * L[j * n + k];
		if (!(s > 0) || !isfinite(s))
			return 0;
		L[j * n + j] = sqrt(s);
		for (i = j + 1; i < n; i++)
		{
			double		t = H[i * n + j];

			for (k = 0; k < j; k++)
				t -= L[i * n + k] * L[j * n + k];
			L[i * n + j] = t / L[j * n + j];
		}
	}
	/* Li = L^-1 (lower triangular) */
	memset(Li, 0, sizeof(Li));
	for (i = 0; i < n; i++)
	{
		Li[i * n + i] = 1.0 / L[i * n + i];
		for (j = 0; j < i; j++)
		{
			double		s = 0.0;

			for (k = j; k < i; k++)
				s -= L[i * n + k] * Li[k * n + j];
			Li[i * n + j] = s / L[i * n + i];
		}
	}
	/* H^-1 = Li' Li */
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
		{
			double		s = 0.0;

			for (k = (i > j ? i : j); k < n; k++)
				s += Li[k * n + i] * Li[k * n + j];
			Hinv[i * n + j] = s;
		}
	return 1;
}

int
cl_optim_log_se(ClObjective fn, void *ctx, int n, const double *x, double *se)
{
	double		H[CL_OPTIM_MAXN * CL_OPTIM_MAXN],
				Hi[CL_OPTIM_MAXN * CL_OPTIM_MAXN];
	int			i;

	for (i = 0; i < n && i < CL_OPTIM_MAXN; i++)
		se[i] = NAN;
	if (!cl_optim_hessian(fn, ctx, n, x, 1e-5, H) ||
		!cl_optim_invert_spd(n, H, Hi))
		return 0;
	for (i = 0; i < n; i++)
		se[i] = exp(x[i]) * sqrt(Hi[i * n + i]);
	return 1;
}
