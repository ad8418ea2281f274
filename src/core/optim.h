/*
 * optim.h
 *		The one unconstrained minimiser shared by every model fit (plain C, no
 *		PostgreSQL headers): BFGS with an Armijo/curvature line search on an
 *		analytic gradient, Nelder-Mead as a fallback, and helpers for the
 *		Hessian at the optimum and standard errors by the delta method.
 *
 * Models fit positive parameters theta = exp(x) and minimise the negative
 * log-likelihood (plus an optional penalty) over x = log(theta) in R^n.
 *
 * API stability: used by several model areas; functions and struct fields
 * are only ever added (at the end of the structs), never changed.
 */
#ifndef CL_OPTIM_H
#define CL_OPTIM_H

/* Largest number of parameters the optimiser accepts. */
#define CL_OPTIM_MAXN 8

/*
 * Objective: returns f(x); when grad != NULL it also stores the gradient
 * df/dx[i] in grad[0..n-1].  Return NaN or +Inf where f is not defined
 * (the line search then shortens the step).  ctx is passed through.
 */
typedef double (*ClObjective) (const double *x, double *grad, void *ctx);

typedef struct ClOptimOptions
{
	int			max_iter;		/* BFGS iterations (default 1000) */
	double		gtol;			/* converged when max|grad| <= gtol * max(1, |f|)
								 * (default 1e-9) */
	double		gtol_abs;		/* ... or when max|grad| <= gtol_abs (default
								 * 1e-7) */
	int			fallback;		/* run Nelder-Mead + BFGS restart when BFGS fails
								 * (default 1) */
	int			nm_max_iter;	/* Nelder-Mead iterations (default 5000) */
	double		nm_step;		/* Nelder-Mead initial simplex step (default
								 * 0.5) */
	double		xbound;			/* BFGS stops (not converged) once some |x_i|
								 * exceeds it: a parameter running off to the
								 * boundary; 0 = never (default) */
	int			stall_iter;		/* BFGS stops (not converged) when f fell by
								 * less than 1e-12 |f| over this many
								 * iterations; 0 = never (default) */
	double	   *hinv;			/* NULL (default), or n*n in/out: BFGS starts
								 * from this inverse-Hessian approximation
								 * (e.g. of a rough fit; any non-finite
								 * entry: from the identity) and leaves its
								 * last one there */
} ClOptimOptions;

typedef struct ClOptimResult
{
	double		f;				/* objective at the returned x */
	double		grad_norm;		/* max |grad| at the returned x */
	int			iterations;		/* BFGS + Nelder-Mead iterations */
	int			evaluations;	/* objective evaluations */
	int			converged;		/* 1 when the gradient test passed */
	int			used_fallback;	/* 1 when Nelder-Mead was needed */
} ClOptimResult;

/*
 * Called once per iteration of every minimiser and Hessian when not NULL
 * (default NULL): the SQL layer sets it to a function that runs
 * CHECK_FOR_INTERRUPTS(), so long fits can be cancelled.
 */
extern void (*cl_optim_interrupt) (void);

/* Fill *opt with the defaults above. */
extern void cl_optim_defaults(ClOptimOptions *opt);

/*
 * Minimise fn over R^n (1 <= n <= CL_OPTIM_MAXN) from x (in/out: start
 * point, then the best point found).  opt may be NULL for the defaults.
 * Returns res->converged.  If the start point itself is infeasible (f not
 * finite) returns 0 with res->f = NaN and x unchanged.
 */
extern int	cl_optim_minimize(ClObjective fn, void *ctx, int n, double *x,
							  const ClOptimOptions *opt, ClOptimResult *res);

/*
 * Nelder-Mead alone (gradient never requested).  Stops when the simplex
 * values agree to ftol relative, or after max_iter iterations.  Returns the
 * number of iterations; x receives the best vertex, *fbest its value.
 */
extern int	cl_optim_nelder_mead(ClObjective fn, void *ctx, int n, double *x,
								 double step, double ftol, int max_iter,
								 double *fbest);

/*
 * Numerical gradient by central differences of fn (step h * max(1, |x_i|)),
 * used to check analytic gradients in tests.
 */
extern void cl_optim_numgrad(ClObjective fn, void *ctx, int n, const double *x,
							 double h, double *grad);

/*
 * Hessian H (n*n, row-major) at x by central differences of the analytic
 * gradient (step h, e.g. 1e-5), symmetrised.  Returns 1 on success, 0 when
 * a gradient was not finite.
 */
extern int	cl_optim_hessian(ClObjective fn, void *ctx, int n, const double *x,
							 double h, double *H);

/*
 * Inverse of a symmetric positive definite matrix (n*n) by Cholesky.
 * Returns 1 on success, 0 when H is not positive definite.
 */
extern int	cl_optim_invert_spd(int n, const double *H, double *Hinv);

/*
 * Standard errors of theta = exp(x) at the optimum x of fn (fn in the log
 * parameters): se_i = theta_i * sqrt([H^-1]_ii) (delta method), H the
 * Hessian of fn in x.  Returns 1 on success; 0 (and NaN in se[]) when the
 * Hessian is not positive definite.
 */
extern int	cl_optim_log_se(ClObjective fn, void *ctx, int n, const double *x,
							double *se);

#endif							/* CL_OPTIM_H */
