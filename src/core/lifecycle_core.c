/*
 * lifecycle_core.c
 *		The lifecycle stage rules (see lifecycle_core.h).
 */
#include "lifecycle_core.h"

#include <math.h>
#include <stdio.h>

#include "demo_prng.h"

const char *const cl_lc_stage_name[CL_LC_NSTAGES] = {
	"prospect", "new", "growing", "mature", "declining", "dormant", "churned", "reactivated"
};

/* relative tolerance of the percentage comparisons (decimal thresholds in binary) */
#define LC_EPS 1e-9

void
cl_lc_default_rules(ClLcRules *r)
{
	r->new_days = 90;
	r->growing_tenure_days = 365;
	r->churn_inactive_months = 24;
	r->dormant_inactive_months = 6;
	r->reactivation_gap_months = 6;
	r->reactivation_recent_months = 3;
	r->reactivation_window_months = 12;
	r->decline_min_txn = 3;
	r->decline_aum_drop = 0.30;
	r->decline_txn_drop = 0.50;
	r->growth_aum_rise = 0.20;
}

int32_t
cl_lc_add_months(int32_t day, int months)
{
	return cl_add_months(day, months);
}

/* x <= y, allowing for the rounding of decimal fractions in binary */
static int
le_tol(double x, double y)
{
	return x <= y + LC_EPS * fmax(1.0, fabs(y));
}

static int
ge_tol(double x, double y)
{
	return x >= y - LC_EPS * fmax(1.0, fabs(y));
}

static int
pct(double now, double before)
{
	return (int) lround((now - before) / before * 100.0);
}

/* does the gap (started, ended) satisfy the reactivation rule? */
static int
lc_gap_qualifies(const ClLcFeatures *f, const ClLcRules *r, int32_t started, int32_t ended)
{
	return started != CL_LC_NO_DATE && ended != CL_LC_NO_DATE
		&& ended > cl_add_months(f->as_of, -r->reactivation_window_months)
		&& ended <= f->as_of
		&& ended >= cl_add_months(started, r->reactivation_gap_months);
}

/*
 * The longest gap (the latest of equal ones) among those that satisfy the
 * reactivation rule, in *days; 0 when none does
 */
static int
lc_reactivation_gap(const ClLcFeatures *f, const ClLcRules *r, int64_t *days)
{
	int64_t		best = -1;
	int			i;

	if (lc_gap_qualifies(f, r, f->gap_started, f->gap_ended))
		best = (int64_t) f->gap_ended - f->gap_started;
	for (i = 0; i < f->ngaps; i++)
	{
		int64_t		d = (int64_t) f->gaps_ended[i] - f->gaps_started[i];

		if (lc_gap_qualifies(f, r, f->gaps_started[i], f->gaps_ended[i]) && d >= best)
			best = d;
	}
	if (best < 0)
		return 0;
	*days = best;
	return 1;
}

ClLcStage
cl_lc_classify(const ClLcFeatures *f, const ClLcRules *r, char *rule, size_t rulelen)
{
	int32_t		last;
	int			tenure;
	int			aum_fell,
				txn_fell,
				aum_rose;
	int64_t		gap_days = 0;

	if (f->accounts_ever <= 0 || f->first_opened == CL_LC_NO_DATE)
	{
		snprintf(rule, rulelen, "no account opened");
		return CL_LC_PROSPECT;
	}
	if (f->closed)
	{
		snprintf(rule, rulelen, "customer closed");
		return CL_LC_CHURNED;
	}
	if (f->accounts_open <= 0)
	{
		snprintf(rule, rulelen, "every account closed");
		return CL_LC_CHURNED;
	}
	last = f->last_txn != CL_LC_NO_DATE ? f->last_txn : f->first_opened;
	if (last <= cl_add_months(f->as_of, -r->churn_inactive_months))
	{
		snprintf(rule, rulelen, "no activity for %d months", r->churn_inactive_months);
		return CL_LC_CHURNED;
	}
	if (last <= cl_add_months(f->as_of, -r->dormant_inactive_months))
	{
		snprintf(rule, rulelen, "no activity for %d months", r->dormant_inactive_months);
		return CL_LC_DORMANT;
	}
	if (f->last_txn != CL_LC_NO_DATE
		&& f->last_txn > cl_add_months(f->as_of, -r->reactivation_recent_months)
		&& lc_reactivation_gap(f, r, &gap_days))
	{
		snprintf(rule, rulelen, "active again after a %lld-day gap", (long long) gap_days);
		return CL_LC_REACTIVATED;
	}
	tenure = (int) (f->as_of - f->first_opened);
	if (tenure < r->new_days)
	{
		snprintf(rule, rulelen, "tenure %d < %d days", tenure, r->new_days);
		return CL_LC_NEW;
	}
	aum_fell = f->aum_prev_3m > 0 && le_tol(f->aum_3m, f->aum_prev_3m * (1.0 - r->decline_aum_drop));
	txn_fell = f->txn_prev_3m >= r->decline_min_txn
		&& le_tol((double) f->txn_3m, f->txn_prev_3m * (1.0 - r->decline_txn_drop));
	if (aum_fell)
	{
		snprintf(rule, rulelen, "AUM %d%% (3 months vs 3 before)", pct(f->aum_3m, f->aum_prev_3m));
		return CL_LC_DECLINING;
	}
	if (txn_fell)
	{
		snprintf(rule, rulelen, "transactions %d%% (%d vs %d)", pct(f->txn_3m, f->txn_prev_3m),
				 f->txn_3m, f->txn_prev_3m);
		return CL_LC_DECLINING;
	}
	aum_rose = f->aum_prev_3m > 0
		? ge_tol(f->aum_3m, f->aum_prev_3m * (1.0 + r->growth_aum_rise))
		: f->aum_3m > 0;
	if (aum_rose && f->txn_3m >= f->txn_prev_3m)
	{
		if (f->aum_prev_3m > 0)
			snprintf(rule, rulelen, "AUM +%d%% (3 months vs 3 before)", pct(f->aum_3m, f->aum_prev_3m));
		else
			snprintf(rule, rulelen, "AUM up from 0");
		return CL_LC_GROWING;
	}
	if (tenure < r->growing_tenure_days)
	{
		snprintf(rule, rulelen, "tenure %d < %d days", tenure, r->growing_tenure_days);
		return CL_LC_GROWING;
	}
	snprintf(rule, rulelen, "none of the other rules");
	return CL_LC_MATURE;
}
