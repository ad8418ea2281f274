/*
 * fitstate.c
 *		Compressed distinct-row fit state; see fitstate.h.
 */
#include "fitstate.h"
#include "bgbb.h"

#include "optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void
default_free(void *ptr)
{
	free(ptr);
}

void	   *(*cl_core_alloc) (size_t size) = malloc;
void		(*cl_core_free) (void *ptr) = default_free;

size_t
cl_fitstate_size(uint32_t capacity)
{
	return offsetof(ClFitState, slots) + (size_t) capacity * sizeof(ClFitRow);
}

void
cl_fitstate_init(ClFitState *st, uint32_t model, uint32_t capacity,
				 double penalizer)
{
	memset(st, 0, cl_fitstate_size(capacity));
	st->magic = CL_FITSTATE_MAGIC;
	st->version = CL_FITSTATE_VERSION;
	st->model = model;
	st->capacity = capacity;
	st->penalizer = penalizer;
}

int
cl_fitstate_needs_grow(const ClFitState *st)
{
	return st->compact || (uint64_t) (st->nentries + 1) * 2 > st->capacity;
}

static inline uint64_t
mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static inline uint64_t
dbits(double v)
{
	uint64_t	u;

	memcpy(&u, &v, sizeof(u));
	return u;
}

static inline uint64_t
row_hash(double x, double tx, double T)
{
	return mix64(dbits(x) ^ mix64(dbits(tx) ^ mix64(dbits(T))));
}

int
cl_fitstate_add(ClFitState *st, double x, double tx, double T, double count)
{
	uint32_t	mask,
				i;

	if (st->compact || st->capacity == 0)
		return 0;
	/* one representation of zero, so that -0.0 and 0.0 compress together */
	if (x == 0)
		x = 0.0;
	if (tx == 0)
		tx = 0.0;
	if (T == 0)
		T = 0.0;
	mask = st->capacity - 1;
	i = (uint32_t) row_hash(x, tx, T) & mask;
	for (;;)
	{
		ClFitRow  *s = &st->slots[i];

		if (s->count == 0)
		{
			if ((uint64_t) (st->nentries + 1) * 2 > st->capacity)
				return 0;
			s->x = x;
			s->tx = tx;
			s->T = T;
			s->count = count;
			st->nentries++;
			break;
		}
		if (s->x == x && s->tx == tx && s->T == T)
		{
			s->count += count;
			break;
		}
		i = (i + 1) & mask;
	}
	st->nrows += count;
	return 1;
}

int
cl_fitstate_merge(ClFitState *dst, const ClFitState *src)
{
	uint32_t	i,
				n = src->compact ? src->nentries : src->capacity;

	for (i = 0; i < n; i++)
	{
		const ClFitRow *s = &src->slots[i];

		if (s->count == 0)
			continue;
		if (!cl_fitstate_add(dst, s->x, s->tx, s->T, s->count))
			return 0;
	}
	/* add() counted the rows of src; it does not know src's ignored rows */
	dst->nignored += src->nignored;
	return 1;
}

uint32_t
cl_fitstate_count_new(const ClFitState *dst, const ClFitState *src)
{
	uint32_t	i,
				n = src->compact ? src->nentries : src->capacity,
				nnew = 0,
				mask;

	if (dst->compact || dst->capacity == 0)
		return src->nentries;
	mask = dst->capacity - 1;
	for (i = 0; i < n; i++)
	{
		const ClFitRow *s = &src->slots[i];
		double		x = s->x == 0 ? 0.0 : s->x,
					tx = s->tx == 0 ? 0.0 : s->tx,
					T = s->T == 0 ? 0.0 : s->T;
		uint32_t	j;

		if (s->count == 0)
			continue;
		j = (uint32_t) row_hash(x, tx, T) & mask;
		for (;;)
		{
			const ClFitRow *d = &dst->slots[j];

			if (d->count == 0)
			{
				nnew++;
				break;
			}
			if (d->x == x && d->tx == tx && d->T == T)
				break;
			j = (j + 1) & mask;
		}
	}
	return nnew;
}

static int
row_cmp(const void *pa, const void *pb)
{
	const ClFitRow *a = pa,
			   *b = pb;

	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->tx != b->tx)
		return a->tx < b->tx ? -1 : 1;
	if (a->T != b->T)
		return a->T < b->T ? -1 : 1;
	return 0;
}

static inline int
row_less(const ClFitRow *a, const ClFitRow *b)
{
	if (a->x != b->x)
		return a->x < b->x;
	if (a->tx != b->tx)
		return a->tx < b->tx;
	return a->T < b->T;
}

/*
 * Sort rows by (x, tx, T): quicksort (median of three, smaller half first)
 * with the comparison inlined, insertion sort below 16 elements; about 3x
 * faster than qsort() with a comparison function on large states.
 */
#define ROW_SWAP(a, b) \
	do { \
		ClFitRow	t_ = (a); \
		(a) = (b); \
		(b) = t_; \
	} while (0)

static void
rows_sort(ClFitRow *v, size_t n)
{
	while (n > 16)
	{
		size_t		i = 0,
					j = n - 1,
					mid = n / 2;
		ClFitRow	pivot;

		/* median of three into v[mid] */
		if (row_less(&v[mid], &v[0]))
		{
			ROW_SWAP(v[mid], v[0]);
		}
		if (row_less(&v[n - 1], &v[mid]))
		{
			ROW_SWAP(v[n - 1], v[mid]);
			if (row_less(&v[mid], &v[0]))
			{
				ROW_SWAP(v[mid], v[0]);
			}
		}
		pivot = v[mid];
		/* Hoare partition */
		for (;;)
		{
			while (row_less(&v[i], &pivot))
				i++;
			while (row_less(&pivot, &v[j]))
				j--;
			if (i >= j)
				break;
			ROW_SWAP(v[i], v[j]);
			i++;
			j--;
		}
		/* v[0..j] <= pivot <= v[j+1..n) */
		if (j + 1 < n - j - 1)
		{
			rows_sort(v, j + 1);
			v += j + 1;
			n -= j + 1;
		}
		else
		{
			rows_sort(v + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	{
		size_t		i,
					k;

		for (i = 1; i < n; i++)
		{
			ClFitRow	t = v[i];

			for (k = i; k > 0 && row_less(&t, &v[k - 1]); k--)
				v[k] = v[k - 1];
			v[k] = t;
		}
	}
}

uint32_t
cl_fitstate_rows(const ClFitState *src, ClFitRow *out)
{
	uint32_t	i,
				k = 0;

	if (src->compact)
	{
		memcpy(out, src->slots, (size_t) src->nentries * sizeof(ClFitRow));
		return src->nentries;
	}
	for (i = 0; i < src->capacity; i++)
		if (src->slots[i].count != 0)
			out[k++] = src->slots[i];
	rows_sort(out, k);
	return k;
}

const char *
cl_fitstate_check(const ClFitState *st, size_t size)
{
	uint32_t	i,
				n,
				used = 0;
	double		total = 0;

	if (size < offsetof(ClFitState, slots))
		return "state is too short";
	if (st->magic != CL_FITSTATE_MAGIC)
		return "bad magic number";
	if (st->version != CL_FITSTATE_VERSION)
		return "unsupported state version";
	if (st->model < CL_MODEL_BGNBD || st->model > CL_MODEL_LAST)
		return "unknown model";
	if (st->compact > 1)
		return "bad compact flag";
	if (st->capacity > CL_FITSTATE_MAX_CAPACITY)
		return "capacity too large";
	if (!st->compact && (st->capacity == 0 || (st->capacity & (st->capacity - 1)) != 0))
		return "hashed state capacity is not a power of two";
	if (st->compact && st->capacity != st->nentries)
		return "compact state capacity differs from its entry count";
	if (size != cl_fitstate_size(st->capacity))
		return "state size does not match its capacity";
	if (st->nentries > st->capacity)
		return "more entries than slots";
	if (!isfinite(st->penalizer) || st->penalizer < 0 ||
		!isfinite(st->nrows) || st->nrows < 0 ||
		!isfinite(st->nignored) || st->nignored < 0)
		return "bad totals";
	n = st->compact ? st->nentries : st->capacity;
	for (i = 0; i < n; i++)
	{
		const ClFitRow *s = &st->slots[i];

		if (s->count == 0)
		{
			if (st->compact)
				return "empty entry in a compact state";
			continue;
		}
		if (!(s->count > 0) || !isfinite(s->count) || s->count != floor(s->count) ||
			!isfinite(s->x) || !isfinite(s->tx) || !isfinite(s->T))
			return "bad entry";
		if (st->compact && i > 0 && row_cmp(&st->slots[i - 1], s) >= 0)
			return "compact entries are not sorted and distinct";
		used++;
		total += s->count;
	}
	if (used != st->nentries)
		return "entry count does not match the entries";
	if (total != st->nrows)
		return "row count does not match the entries";
	return NULL;
}

static int
whole_count(double v)
{
	return v >= 0 && v <= CL_FITSTATE_MAX_COUNT && v == floor(v);
}

static const char *
check_model_row(uint32_t model, const ClFitRow *r)
{
	switch (model)
	{
		case CL_MODEL_BGNBD:
		case CL_MODEL_MBGNBD:
		case CL_MODEL_PARETO_NBD:
			if (!(r->x >= 0 && r->x == floor(r->x)))
				return "a frequency is not a whole number >= 0";
			if (!(r->tx >= 0 && r->T >= 0 && r->tx <= r->T))
				return "a row does not have 0 <= recency <= T";
			if (r->x == 0 && r->tx != 0)
				return "a row with frequency 0 has a recency (the aggregate stores 0)";
			return NULL;
		case CL_MODEL_GAMMA_GAMMA:
			if (!(r->x >= 1 && r->x == floor(r->x)))
				return "a frequency is not a whole number >= 1";
			if (!(r->tx >= 0))
				return "a monetary value is negative";
			if (r->T != 0)
				return "a Gamma-Gamma row has a non-zero third value";
			return NULL;
		case CL_MODEL_SBG:
			if (!(r->x >= 0 && r->x <= 2147483647.0 && r->x == floor(r->x)))
				return "periods is not a whole number in 0 .. 2^31 - 1";
			if (r->tx != 0 && r->tx != 1)
				return "churned is not 0 or 1";
			if (r->tx == 1 && r->x < 1)
				return "a churned row has periods < 1";
			if (!(r->T >= 0 && r->T == floor(r->T) && r->T <= r->x))
				return "entered is not a whole number in 0 .. periods";
			if (r->tx == 1 && r->T == r->x)
				return "a churned row has entered = periods";
			return NULL;
		case CL_MODEL_BGBB:
			return cl_bgbb_check_row(r->x, r->tx, r->T);
	}
	return "unknown model";
}

const char *
cl_fitstate_check_rows(const ClFitState *st)
{
	uint32_t	n = st->compact ? st->nentries : st->capacity;

	if (!whole_count(st->nrows))
		return "the row count is not a whole number <= 2^53";
	if (!whole_count(st->nignored))
		return "the ignored-row count is not a whole number <= 2^53";
	if (st->nignored != 0 && st->model != CL_MODEL_GAMMA_GAMMA)
		return "only a Gamma-Gamma state ignores rows";
	if (st->nrows + st->nignored > CL_FITSTATE_MAX_COUNT)
		return "more than 2^53 rows";
	for (uint32_t i = 0; i < n; i++)
	{
		const char *err;

		if (st->slots[i].count == 0)
			continue;
		if (!whole_count(st->slots[i].count))
			return "a count is not a whole number <= 2^53";
		if ((err = check_model_row(st->model, &st->slots[i])) != NULL)
			return err;
	}
	return NULL;
}

/* ---- portable serial form ------------------------------------------------ */

static void
put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char) (v >> (8 * i));
}

static uint32_t
get_u32(const unsigned char *p)
{
	uint32_t	v = 0;

	for (int i = 0; i < 4; i++)
		v |= (uint32_t) p[i] << (8 * i);
	return v;
}

static void
put_f64(unsigned char *p, double d)
{
	uint64_t	v;

	memcpy(&v, &d, sizeof(v));
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char) (v >> (8 * i));
}

static double
get_f64(const unsigned char *p)
{
	uint64_t	v = 0;
	double		d;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t) p[i] << (8 * i);
	memcpy(&d, &v, sizeof(d));
	return d;
}

size_t
cl_fitstate_wire_size(uint32_t n)
{
	return CL_FITSTATE_WIRE_HEADER + (size_t) n * CL_FITSTATE_WIRE_ROW;
}

void
cl_fitstate_to_wire(const ClFitState *hdr, const ClFitRow *rows, uint32_t n,
					unsigned char *out)
{
	memset(out, 0, CL_FITSTATE_WIRE_HEADER);
	out[0] = CL_FITSTATE_WIRE_VERSION;
	out[1] = (unsigned char) hdr->model;
	put_u32(out + 4, n);
	put_f64(out + 8, hdr->penalizer);
	put_f64(out + 16, hdr->nrows);
	put_f64(out + 24, hdr->nignored);
	for (uint32_t k = 0; k < n; k++)
	{
		unsigned char *o = out + CL_FITSTATE_WIRE_HEADER + (size_t) k * CL_FITSTATE_WIRE_ROW;

		put_f64(o, rows[k].x);
		put_f64(o + 8, rows[k].tx);
		put_f64(o + 16, rows[k].T);
		put_f64(o + 24, rows[k].count);
	}
}

const char *
cl_fitstate_wire_rows(const unsigned char *buf, size_t len, uint32_t *n)
{
	if (len < CL_FITSTATE_WIRE_HEADER)
		return "the value is too short";
	if (buf[0] != CL_FITSTATE_WIRE_VERSION)
		return "unsupported version";
	if (buf[2] != 0 || buf[3] != 0)
		return "reserved bytes are not zero";
	*n = get_u32(buf + 4);
	if (*n > CL_FITSTATE_MAX_CAPACITY / 2)
		return "too many rows";
	if (len != cl_fitstate_wire_size(*n))
		return "the length does not match the number of rows";
	return NULL;
}

const char *
cl_fitstate_from_wire(const unsigned char *buf, size_t len, ClFitState *st)
{
	uint32_t	n;
	const char *err = cl_fitstate_wire_rows(buf, len, &n);

	if (err)
		return err;
	memset(st, 0, offsetof(ClFitState, slots));
	st->magic = CL_FITSTATE_MAGIC;
	st->version = CL_FITSTATE_VERSION;
	st->model = buf[1];
	st->capacity = n;
	st->nentries = n;
	st->compact = 1;
	st->penalizer = get_f64(buf + 8);
	st->nrows = get_f64(buf + 16);
	st->nignored = get_f64(buf + 24);
	for (uint32_t k = 0; k < n; k++)
	{
		const unsigned char *o = buf + CL_FITSTATE_WIRE_HEADER + (size_t) k * CL_FITSTATE_WIRE_ROW;

		st->slots[k].x = get_f64(o);
		st->slots[k].tx = get_f64(o + 8);
		st->slots[k].T = get_f64(o + 16);
		st->slots[k].count = get_f64(o + 24);
		/* one representation of zero, as cl_fitstate_add stores it */
		if (st->slots[k].x == 0 && signbit(st->slots[k].x))
			return "a value is negative zero";
		if ((st->slots[k].tx == 0 && signbit(st->slots[k].tx)) ||
			(st->slots[k].T == 0 && signbit(st->slots[k].T)))
			return "a value is negative zero";
	}
	if ((err = cl_fitstate_check(st, cl_fitstate_size(n))) != NULL)
		return err;
	return cl_fitstate_check_rows(st);
}

int
cl_model_fit_check(ClModelFit *fit, int nparams)
{
	int			i;

	if (!fit->se_ok)
		fit->converged = 0;
	for (i = 0; i < nparams; i++)
		if (!(fabs(log(fit->p[i])) <= CL_FIT_LOG_EDGE))
			fit->converged = 0;
	if (!isfinite(fit->log_likelihood))
		fit->converged = 0;
	for (i = 0; i < nparams; i++)
		if (!(fit->se[i] / fit->p[i] < CL_FIT_MAX_LOG_SE))
			fit->converged = 0;
	return fit->converged;
}

double
cl_fit_objective(double ll, const double *grad_ll, const double *lp,
				 int n, double ncust, double penalizer, double *grad)
{
	double		f = -ll / ncust;
	int			i;

	for (i = 0; i < n; i++)
		f += penalizer * lp[i] * lp[i];
	if (grad != NULL)
		for (i = 0; i < n; i++)
			grad[i] = -grad_ll[i] / ncust + 2.0 * penalizer * lp[i];
	return f;
}

void
cl_model_optimize(double (*fn) (const double *x, double *grad, void *ctx),
				  void *ctx, int n, double *lp, double ncust, ClModelFit *fit)
{
	cl_model_optimize_from(fn, ctx, n, lp, NULL, ncust, fit);
}

void
cl_model_optimize_from(double (*fn) (const double *x, double *grad, void *ctx),
					   void *ctx, int n, double *lp, double *hinv, double ncust,
					   ClModelFit *fit)
{
	ClOptimOptions opt;
	ClOptimResult res;
	double		se[CL_OPTIM_MAXN];
	int			k,
				iters,
				edge = 0;

	cl_optim_defaults(&opt);
	opt.fallback = 0;
	opt.max_iter = 300;
	opt.xbound = CL_FIT_LOG_EDGE;
	opt.stall_iter = 30;
	opt.hinv = hinv;
	cl_optim_minimize(fn, ctx, n, lp, &opt, &res);
	opt.hinv = NULL;
	iters = res.iterations;
	for (k = 0; k < n; k++)
		if (fabs(lp[k]) > CL_FIT_LOG_EDGE - 2.0)
			edge = 1;
	if (!res.converged && !edge && isfinite(res.f))
	{
		double		f;

		iters += cl_optim_nelder_mead(fn, ctx, n, lp, 0.5, 1e-12, 1000, &f);
		cl_optim_minimize(fn, ctx, n, lp, &opt, &res);
		iters += res.iterations;
	}
	fit->n = ncust;
	fit->excluded = 0;
	fit->converged = res.converged;
	fit->iterations = iters;
	for (k = 0; k < n; k++)
		fit->p[k] = exp(lp[k]);
	fit->se_ok = cl_optim_log_se(fn, ctx, n, lp, se);
	for (k = 0; k < n; k++)
		fit->se[k] = se[k] / sqrt(ncust);	/* Hessian of the sum, not the mean */
}
