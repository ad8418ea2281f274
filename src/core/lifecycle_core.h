/*
 * lifecycle_core.h
 *		The lifecycle stage rules over one customer's features (no PostgreSQL
 *		headers; unit-tested by test/unit/test_lifecycle.c).
 *
 * Dates are day numbers from 2000-01-01 (PostgreSQL's DateADT);
 * CL_LC_NO_DATE marks an unknown date.  Rules, first match wins:
 *	 prospect	 no account opened
 *	 churned	 customer closed, or every account closed, or no activity for
 *				 churn_inactive_months
 *	 dormant	 no activity for dormant_inactive_months
 *	 reactivated activity in the last reactivation_recent_months, and a gap
 *				 of at least reactivation_gap_months without activity ended
 *				 within the last reactivation_window_months (any of the gaps
 *				 given: the longest one and the list; the rule text names the
 *				 longest qualifying one, the latest of equal ones)
 *	 new		 tenure below new_days
 *	 declining	 AUM fell by decline_aum_drop or more, or transactions fell by
 *				 decline_txn_drop or more with at least decline_min_txn before
 *	 growing	 AUM rose by growth_aum_rise or more (or from 0) without
 *				 transactions falling, or tenure below growing_tenure_days
 *	 mature		 everyone else
 * "No activity for N months": the last customer-initiated transaction (or,
 * when there was none, the first account opening) is on or before as_of
 * minus N months.
 */
#ifndef CL_LIFECYCLE_CORE_H
#define CL_LIFECYCLE_CORE_H

#include <stddef.h>
#include <stdint.h>

#define CL_LC_NO_DATE INT32_MIN

typedef enum ClLcStage
{
	CL_LC_PROSPECT = 0,
	CL_LC_NEW,
	CL_LC_GROWING,
	CL_LC_MATURE,
	CL_LC_DECLINING,
	CL_LC_DORMANT,
	CL_LC_CHURNED,
	CL_LC_REACTIVATED,
	CL_LC_NSTAGES
} ClLcStage;

extern const char *const cl_lc_stage_name[CL_LC_NSTAGES];

typedef struct ClLcRules
{
	int			new_days;
	int			growing_tenure_days;
	int			churn_inactive_months;
	int			dormant_inactive_months;
	int			reactivation_gap_months;
	int			reactivation_recent_months;
	int			reactivation_window_months;
	int			decline_min_txn;
	double		decline_aum_drop;	/* fraction, e.g. 0.30 */
	double		decline_txn_drop;
	double		growth_aum_rise;
} ClLcRules;

typedef struct ClLcFeatures
{
	int32_t		as_of;
	int			closed;			/* customer closed on or before as_of */
	int			accounts_ever;
	int			accounts_open;
	int32_t		first_opened;	/* first account; CL_LC_NO_DATE if none */
	int32_t		last_txn;		/* CL_LC_NO_DATE if none */
	int32_t		gap_started;	/* longest gap ended in the last 12 months */
	int32_t		gap_ended;
	/* more gaps ended in the last 12 months (those of 28 days or more) */
	int			ngaps;
	const int32_t *gaps_started;
	const int32_t *gaps_ended;
	int			txn_3m;
	int			txn_prev_3m;
	double		aum_3m;
	double		aum_prev_3m;
} ClLcFeatures;

/* The defaults of issue 8 (the shipped rule set "standard"). */
extern void cl_lc_default_rules(ClLcRules *r);

/*
 * Classifies one customer; writes a short text saying which rule fired into
 * rule (always NUL-terminated, truncated to rulelen).
 */
extern ClLcStage cl_lc_classify(const ClLcFeatures *f, const ClLcRules *r, char *rule, size_t rulelen);

/* Same day of month, months later (clamped to the month's last day). */
extern int32_t cl_lc_add_months(int32_t day, int months);

#endif							/* CL_LIFECYCLE_CORE_H */
