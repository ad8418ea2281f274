/*
 * test_lifecycle.c - unit tests of src/core/lifecycle_core.c: every rule,
 * its boundaries, first match wins, the decimal-threshold tolerance.
 */
#include <string.h>

#include "tap.h"
#include "demo_prng.h"
#include "lifecycle_core.h"

static int32_t
day(int y, int m, int d)
{
	return cl_days_from_civil(y, m, d);
}

/* a long-standing, steady customer as of 2025-06-30 */
static ClLcFeatures
base(void)
{
	ClLcFeatures f;

	memset(&f, 0, sizeof(f));
	f.as_of = day(2025, 6, 30);
	f.accounts_ever = 1;
	f.accounts_open = 1;
	f.first_opened = day(2020, 1, 1);
	f.last_txn = day(2025, 6, 1);
	f.gap_started = f.gap_ended = CL_LC_NO_DATE;
	f.txn_3m = 5;
	f.txn_prev_3m = 5;
	f.aum_3m = 1000;
	f.aum_prev_3m = 1000;
	return f;
}

static ClLcStage
cls(const ClLcFeatures *f, const ClLcRules *r, char *rule)
{
	return cl_lc_classify(f, r, rule, 128);
}

int
main(void)
{
	ClLcRules	r;
	ClLcFeatures f;
	char		rule[128];

	cl_lc_default_rules(&r);

	f = base();
	ok(cls(&f, &r, rule) == CL_LC_MATURE && strcmp(rule, "none of the other rules") == 0, "steady long-standing customer: mature");

	f = base(); f.accounts_ever = 0; f.accounts_open = 0; f.first_opened = CL_LC_NO_DATE;
	ok(cls(&f, &r, rule) == CL_LC_PROSPECT, "no account: prospect");

	f = base(); f.closed = 1;
	ok(cls(&f, &r, rule) == CL_LC_CHURNED && strcmp(rule, "customer closed") == 0, "closed customer: churned");
	f = base(); f.accounts_open = 0;
	ok(cls(&f, &r, rule) == CL_LC_CHURNED && strcmp(rule, "every account closed") == 0, "every account closed: churned");

	f = base(); f.last_txn = day(2023, 6, 30);
	ok(cls(&f, &r, rule) == CL_LC_CHURNED, "last activity exactly 24 months ago: churned");
	f.last_txn = day(2023, 7, 1);
	ok(cls(&f, &r, rule) == CL_LC_DORMANT, "one day less: dormant");
	f = base(); f.last_txn = day(2024, 12, 30);
	ok(cls(&f, &r, rule) == CL_LC_DORMANT && strcmp(rule, "no activity for 6 months") == 0, "exactly 6 months: dormant");
	f.last_txn = day(2024, 12, 31);
	ok(cls(&f, &r, rule) != CL_LC_DORMANT, "one day less: not dormant");
	f = base(); f.last_txn = CL_LC_NO_DATE; f.first_opened = day(2024, 12, 1);
	ok(cls(&f, &r, rule) == CL_LC_DORMANT, "never active, account opened 7 months ago: dormant");
	f.first_opened = day(2025, 5, 1);
	ok(cls(&f, &r, rule) == CL_LC_NEW, "never active, account opened 2 months ago: new");

	/* month-end clamping: as_of 2025-08-31 minus 6 months is 2025-02-28 */
	f = base(); f.as_of = day(2025, 8, 31); f.last_txn = day(2025, 2, 28);
	ok(cls(&f, &r, rule) == CL_LC_DORMANT, "6 months before 31 August is 28 February (dormant)");
	f.last_txn = day(2025, 3, 1);
	ok(cls(&f, &r, rule) != CL_LC_DORMANT, "1 March is within 6 months");

	f = base(); f.gap_started = day(2024, 5, 1); f.gap_ended = day(2024, 11, 1); f.last_txn = day(2025, 5, 1);
	ok(cls(&f, &r, rule) == CL_LC_REACTIVATED && strcmp(rule, "active again after a 184-day gap") == 0,
	   "gap of exactly 6 months ended 8 months ago, active now: reactivated (%s)", rule);
	f.gap_ended = day(2024, 10, 31);
	ok(cls(&f, &r, rule) != CL_LC_REACTIVATED, "a day short of 6 months: not reactivated");
	f = base(); f.gap_started = day(2023, 12, 1); f.gap_ended = day(2024, 6, 30); f.last_txn = day(2025, 5, 1);
	ok(cls(&f, &r, rule) != CL_LC_REACTIVATED, "gap ended exactly 12 months ago: outside the window");
	f.gap_ended = day(2024, 7, 1); f.gap_started = day(2024, 1, 1);
	ok(cls(&f, &r, rule) == CL_LC_REACTIVATED, "gap ended 12 months less a day ago: inside");
	f.last_txn = day(2025, 3, 30);
	ok(cls(&f, &r, rule) != CL_LC_REACTIVATED, "no activity in the last 3 months: not reactivated");

	f = base(); f.first_opened = day(2025, 4, 2);
	ok(cls(&f, &r, rule) == CL_LC_NEW && strcmp(rule, "tenure 89 < 90 days") == 0, "tenure 89 days: new");
	f.first_opened = day(2025, 4, 1);
	ok(cls(&f, &r, rule) == CL_LC_GROWING, "tenure 90 days: growing (under a year)");

	f = base(); f.aum_3m = 700; f.aum_prev_3m = 1000;
	ok(cls(&f, &r, rule) == CL_LC_DECLINING && strcmp(rule, "AUM -30% (3 months vs 3 before)") == 0, "AUM exactly -30 %%: declining");
	f.aum_3m = 700.01;
	ok(cls(&f, &r, rule) == CL_LC_MATURE, "AUM -29.999 %%: mature");
	f = base(); f.aum_3m = 0.7; f.aum_prev_3m = 1.0;
	ok(cls(&f, &r, rule) == CL_LC_DECLINING, "0.7 vs 1.0 is -30 %% despite binary rounding");
	f = base(); f.txn_prev_3m = 3; f.txn_3m = 1;
	ok(cls(&f, &r, rule) == CL_LC_DECLINING && strcmp(rule, "transactions -67% (1 vs 3)") == 0, "transactions 1 vs 3: declining");
	f.txn_3m = 2;
	ok(cls(&f, &r, rule) == CL_LC_MATURE, "2 vs 3 (-33 %%): mature");
	f.txn_prev_3m = 2; f.txn_3m = 0;
	ok(cls(&f, &r, rule) == CL_LC_MATURE, "0 vs 2: fewer than 3 before, not declining");
	f.txn_prev_3m = 4; f.txn_3m = 2;
	ok(cls(&f, &r, rule) == CL_LC_DECLINING, "2 vs 4 (exactly -50 %%): declining");

	f = base(); f.aum_3m = 1200;
	ok(cls(&f, &r, rule) == CL_LC_GROWING && strcmp(rule, "AUM +20% (3 months vs 3 before)") == 0, "AUM exactly +20 %%: growing");
	f.txn_3m = 4;
	ok(cls(&f, &r, rule) == CL_LC_MATURE, "AUM +20 %% but transactions fell: mature");
	f = base(); f.aum_prev_3m = 0; f.aum_3m = 50;
	ok(cls(&f, &r, rule) == CL_LC_GROWING && strcmp(rule, "AUM up from 0") == 0, "AUM up from 0: growing");
	f = base(); f.aum_prev_3m = 0; f.aum_3m = 0;
	ok(cls(&f, &r, rule) == CL_LC_MATURE, "no AUM at all: mature");

	/* first match wins */
	f = base(); f.closed = 1; f.last_txn = day(2020, 1, 1);
	ok(cls(&f, &r, rule) == CL_LC_CHURNED && strcmp(rule, "customer closed") == 0, "closed before inactivity");
	f = base(); f.first_opened = day(2025, 6, 1); f.aum_3m = 0; f.aum_prev_3m = 1000;
	ok(cls(&f, &r, rule) == CL_LC_NEW, "new before declining");

	/* other thresholds */
	r.dormant_inactive_months = 3;
	f = base(); f.last_txn = day(2025, 3, 30);
	ok(cls(&f, &r, rule) == CL_LC_DORMANT && strcmp(rule, "no activity for 3 months") == 0, "dormancy window of 3 months");
	cl_lc_default_rules(&r);
	r.decline_aum_drop = 0.5;
	f = base(); f.aum_3m = 600;
	ok(cls(&f, &r, rule) == CL_LC_MATURE, "decline threshold 50 %%: -40 %% is not declining");

	ok(cl_lc_add_months(day(2024, 2, 29), 12) == day(2025, 2, 28), "29 February plus 12 months is 28 February");
	ok(strcmp(cl_lc_stage_name[CL_LC_REACTIVATED], "reactivated") == 0 && CL_LC_NSTAGES == 8, "eight stages in enum order");

	/*
	 * every gap is tested, not only the longest: as of 2025-06-30, a gap of
	 * 9 months ended 2024-09-01 (the longest) and one of 6 months ended
	 * 2025-04-01
	 */
	{
		int32_t		gs[2],
					ge[2];

		gs[0] = day(2023, 12, 1);
		ge[0] = day(2024, 9, 1);
		gs[1] = day(2024, 10, 1);
		ge[1] = day(2025, 4, 1);
		cl_lc_default_rules(&r);
		f = base(); f.last_txn = day(2025, 6, 1);
		f.gap_started = gs[0]; f.gap_ended = ge[0];
		r.reactivation_window_months = 6;
		ok(cls(&f, &r, rule) != CL_LC_REACTIVATED, "window 6: the longest gap alone ended before it");
		f.ngaps = 2; f.gaps_started = gs; f.gaps_ended = ge;
		ok(cls(&f, &r, rule) == CL_LC_REACTIVATED && strcmp(rule, "active again after a 182-day gap") == 0,
		   "window 6: the later gap of 6 months qualifies (%s)", rule);
		r.reactivation_window_months = 3;
		ok(cls(&f, &r, rule) == CL_LC_REACTIVATED, "window 3: 2025-04-01 is after 2025-03-30");
		ge[1] = day(2025, 3, 30); gs[1] = day(2024, 9, 30);
		ok(cls(&f, &r, rule) != CL_LC_REACTIVATED, "window 3: a gap ended exactly 3 months ago is outside");
		ge[1] = day(2025, 3, 31); gs[1] = day(2024, 9, 30);
		ok(cls(&f, &r, rule) == CL_LC_REACTIVATED, "window 3: a day later is inside");
		gs[1] = day(2024, 10, 1);
		ok(cls(&f, &r, rule) != CL_LC_REACTIVATED, "a day short of 6 months: not reactivated");
		r.reactivation_window_months = 12;
		ok(cls(&f, &r, rule) == CL_LC_REACTIVATED && strcmp(rule, "active again after a 275-day gap") == 0,
		   "window 12: the longest qualifying gap is named (%s)", rule);
		r.reactivation_gap_months = 9;
		ok(cls(&f, &r, rule) == CL_LC_REACTIVATED, "gap threshold 9 months: the 9-month gap (exactly) qualifies");
		gs[0] = day(2023, 12, 2);
		f.gap_started = gs[0];
		ok(cls(&f, &r, rule) != CL_LC_REACTIVATED, "a day short of 9 months: not reactivated");

		/*
		 * equal gaps of 181 days: the earlier one lasts 6 calendar months
		 * (2023-02-28 .. 2023-08-28), the later one not (2023-08-31 ..
		 * 2024-02-28, 6 months after the 31st is 2024-02-29)
		 */
		cl_lc_default_rules(&r);
		f = base(); f.as_of = day(2024, 3, 31); f.last_txn = day(2024, 2, 28);
		gs[0] = day(2023, 2, 28); ge[0] = day(2023, 8, 28);
		gs[1] = day(2023, 8, 31); ge[1] = day(2024, 2, 28);
		f.gap_started = gs[1]; f.gap_ended = ge[1];
		ok(cls(&f, &r, rule) != CL_LC_REACTIVATED, "the latest of the longest gaps alone does not qualify");
		f.ngaps = 2; f.gaps_started = gs; f.gaps_ended = ge;
		ok(cls(&f, &r, rule) == CL_LC_REACTIVATED && strcmp(rule, "active again after a 181-day gap") == 0,
		   "an equally long earlier gap of 6 calendar months does (%s)", rule);
		cl_lc_default_rules(&r);
	}

	/* the rule text is truncated, never overrun */
	f = base(); f.aum_3m = 700;
	cl_lc_classify(&f, &r, rule, 8);
	ok(strlen(rule) == 7, "rule text truncated to the buffer");
	return tap_done();
}
