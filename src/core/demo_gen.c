/*
 * demo_gen.c
 *		The demo bank model: one customer's plan, and the rows of each table.
 *
 * Streams (the third key of cl_rng_init): 1 the plan, 2 balances,
 * 3 transactions, 4 interactions, 5 income.  Every emitter re-reads the
 * plan only, so the tables can be generated independently and in any order.
 */
#include "demo_gen.h"
#include "demo_prng.h"

#include <math.h>
#include <stdlib.h>

#define DAY_USEC INT64_C(86400000000)
#define STREAM_PLAN 1
#define STREAM_BALANCE 2
#define STREAM_TXN 3
#define STREAM_INTERACTION 4
#define STREAM_INCOME 5

const char *const cl_demo_persona_name[CL_P_COUNT] =
{"new", "growing", "mature", "drifting", "churned", "dormant"};
const char *const cl_demo_product_name[CL_PR_COUNT] =
{"current", "savings", "time_deposit", "wealth", "fund", "insurance", "loan", "mortgage", "credit_card"};
const char *const cl_demo_status_name[4] = {"active", "dormant", "frozen", "closed"};
const char *const cl_demo_channel_name[CL_CH_COUNT] =
{"counter", "atm", "online", "mobile", "phone", "pos"};
const char *const cl_demo_kind_name[CL_K_COUNT] =
{"enquiry", "deposit", "withdrawal", "transfer", "payment"};
const char *const cl_demo_direction_name[3] = {"in", "out", "none"};
const char *const cl_demo_interaction_name[CL_I_COUNT] =
{"complaint", "address_change", "rm_contact", "referral", "campaign_response",
"service_request", "service_failure", "satisfaction_survey"};
const char *const cl_demo_customer_type_name[3] = {"individual", "corporate", "government"};
const char *const cl_demo_region_name[5] = {"east", "south", "north", "west", "central"};
const char *const cl_demo_acq_name[5] = {"branch", "online", "referral", "campaign", "payroll"};
const char *const cl_demo_occupation_name[14] =
{"employee", "professional", "manager", "civil_servant", "self_employed", "farmer",
	"student", "retired", "manufacturing", "trade", "construction", "services", "technology",
"public_administration"};
const char *const cl_demo_bank_name[6] = {"ICBC", "CCB", "ABC", "BOC", "CMB", "BOCOM"};
const char *const cl_demo_detail_text[12] =
{"fees", "waiting time", "card declined", "mobile app outage", "staff attitude",
	"new mailing address", "moved to another city", "statement address",
	"wealth product review", "card limit increase", "term deposit offer", "payroll campaign"};

/* new, growing, mature, drifting, churned, dormant */
const double cl_demo_persona_share[CL_P_COUNT] = {0.08, 0.12, 0.47, 0.10, 0.12, 0.11};

static const double customer_type_w[3] = {0.94, 0.055, 0.005};
static const double region_w[5] = {0.30, 0.25, 0.20, 0.15, 0.10};
static const double acq_w[5] = {0.45, 0.20, 0.10, 0.10, 0.15};
static const int td_terms[5] = {3, 6, 12, 24, 36};
static const double td_term_w[5] = {0.15, 0.20, 0.35, 0.20, 0.10};

/*
 * Reference deposit balance: the band is drawn with the account shares of
 * the Suzhou postal-savings table (domain notes section 2), the amount within
 * a band so that the band's mean matches the table's amount / accounts:
 *	[0, 1万): lognormal(ln 150, 1.7) truncated (mean ~ 495);
 *	[1万, 5万), [5万, 20万), [20万, 100万): truncated Pareto with alpha
 *	1.2868, 2.5974, 2.9482 (means 18981, 74455, 292040);
 *	[100万, inf): Pareto alpha 1.92 (mean 2.087M), capped at 5亿.
 */
static const double band_share[5] = {0.87639, 0.10408, 0.01838, 0.00110, 0.00004};
static const double band_lo[5] = {0, 1e4, 5e4, 2e5, 1e6};
static const double band_hi[5] = {1e4, 5e4, 2e5, 1e6, 5e8};
static const double band_alpha[5] = {0, 1.2868, 2.5974, 2.9482, 1.92};

double
cl_demo_draw_wealth(ClRng *r)
{
	int			b = cl_rng_pick(r, band_share, 5);

	if (b == 0)
	{
		double		x;
		int			tries = 0;

		do
		{
			x = cl_rng_lognormal(r, 5.0106352940962555, 1.7);
		} while (x >= 1e4 && ++tries < 64);
		return x < 1e4 ? x : 1e4 * cl_rng_unif(r);
	}
	else
	{
		double		lo = band_lo[b],
					hi = band_hi[b],
					a = band_alpha[b];
		double		u = cl_rng_unif(r);
		double		x = lo * pow(1.0 - u * (1.0 - pow(lo / hi, a)), -1.0 / a);

		return x < hi ? x : lo;
	}
}

void
cl_demo_params_init(ClDemoParams *p, uint64_t seed, int32_t as_of)
{
	p->seed = seed;
	p->as_of = as_of;
	p->window_start = cl_add_months(as_of, -CL_DEMO_HISTORY_MONTHS) + 1;
	p->income_start = cl_add_months(cl_month_start(as_of), -(CL_DEMO_INCOME_MONTHS - 1));
}

static inline int32_t
imin(int32_t a, int32_t b)
{
	return a < b ? a : b;
}

static inline int32_t
imax(int32_t a, int32_t b)
{
	return a > b ? a : b;
}

static inline double
clampd(double x, double lo, double hi)
{
	return x < lo ? lo : (x > hi ? hi : x);
}

/* open on day (closing day included) */
static inline int
acc_open_on(const ClDemoAccount *a, int32_t day)
{
	return a->opened_on <= day && (a->closed_on == CL_NO_DATE || day <= a->closed_on);
}

static int
add_account(ClDemoCustomer *c, ClDemoProduct pr, int32_t opened, double amount)
{
	ClDemoAccount *a;

	if (c->naccounts >= CL_DEMO_MAX_ACCOUNTS)
		return -1;
	a = &c->acc[c->naccounts];
	a->account_id = c->customer_id * CL_DEMO_ACCOUNT_ID_MULT + c->naccounts;
	a->product = pr;
	a->opened_on = opened;
	a->maturity_date = CL_NO_DATE;
	a->closed_on = CL_NO_DATE;
	a->status = CL_ST_ACTIVE;
	a->amount = amount;
	a->term_months = 0;
	a->rollovers = 0;
	return c->naccounts++;
}

/* A product's opening day: half at the customer's start, half later. */
static int32_t
open_day(ClRng *r, const ClDemoCustomer *c)
{
	if (cl_rng_bern(r, 0.5) || c->active_until <= c->opened_on)
		return c->opened_on;
	return (int32_t) cl_rng_int(r, c->opened_on, c->active_until);
}

void
cl_demo_customer(const ClDemoParams *p, int64_t customer_id, ClDemoCustomer *c)
{
	ClRng		r;
	int32_t		as_of = p->as_of;
	int32_t		min_tenure;
	int32_t		tenure;
	double		age;
	int			i;
	static const double young_ch[CL_CH_COUNT] = {0.03, 0.10, 0.15, 0.55, 0.02, 0.15};
	static const double mid_ch[CL_CH_COUNT] = {0.10, 0.18, 0.20, 0.35, 0.04, 0.13};
	static const double old_ch[CL_CH_COUNT] = {0.35, 0.30, 0.07, 0.13, 0.10, 0.05};
	static const double org_ch[CL_CH_COUNT] = {0.25, 0.00, 0.60, 0.10, 0.05, 0.00};
	static const double kind_base[CL_K_COUNT] = {0.15, 0.17, 0.18, 0.20, 0.30};
	const double *ch;

	cl_rng_init(&r, p->seed, (uint64_t) customer_id, STREAM_PLAN);
	c->customer_id = customer_id;
	c->persona = (ClDemoPersona) cl_rng_pick(&r, cl_demo_persona_share, CL_P_COUNT);
	c->customer_type = cl_rng_pick(&r, customer_type_w, 3);
	c->region = cl_rng_pick(&r, region_w, 5);
	c->branch = (int) cl_rng_int(&r, 1, 4);
	c->acq_channel = cl_rng_pick(&r, acq_w, 5);
	c->referrer_id = 0;
	if (c->acq_channel == 2)
	{
		if (customer_id > 1)
			c->referrer_id = cl_rng_int(&r, customer_id > 50000 ? customer_id - 50000 : 1, customer_id - 1);
		else
			c->acq_channel = 0;
	}
	c->wealth = cl_demo_draw_wealth(&r);
	if (c->customer_type != 0)
		c->wealth *= 5.0;

	/* life events, relative to as_of */
	c->drift_started_on = c->churned_on = c->dormant_since = CL_NO_DATE;
	c->trigger_on = c->td_not_rolled_on = CL_NO_DATE;
	c->trigger_kind = CL_I_COMPLAINT;
	c->closed_on = CL_NO_DATE;
	c->active_until = as_of;
	min_tenure = 180;
	switch (c->persona)
	{
		case CL_P_NEW:
			min_tenure = 0;
			break;
		case CL_P_CHURNED:
			c->churned_on = as_of - (int32_t) cl_rng_int(&r, 0, as_of - p->window_start - 1);
			c->drift_started_on = c->churned_on - (int32_t) cl_rng_int(&r, 60, 240);
			c->closed_on = c->churned_on;
			c->active_until = c->churned_on;
			min_tenure = as_of - c->drift_started_on + 90;
			break;
		case CL_P_DRIFTING:
			c->drift_started_on = as_of - (int32_t) cl_rng_int(&r, 45, 270);
			min_tenure = as_of - c->drift_started_on + 120;
			break;
		case CL_P_DORMANT:
			c->dormant_since = as_of - (int32_t) cl_rng_int(&r, 200, 1100);
			c->active_until = c->dormant_since;
			min_tenure = as_of - c->dormant_since + 180;
			break;
		default:
			break;
	}
	if (c->persona == CL_P_NEW)
		tenure = (int32_t) cl_rng_int(&r, 0, 179);
	else
		tenure = min_tenure + (int32_t) (365.25 * clampd(cl_rng_lognormal(&r, log(3.5), 0.9), 0.0, 40.0));

	/* age and occupation */
	if (c->customer_type == 0)
	{
		age = clampd(45.0 + 15.0 * cl_rng_normal(&r), 18.0, 90.0);
		if (age < 18.0 + tenure / 365.25 + 1.0)
			age = 18.0 + tenure / 365.25 + 1.0;
		c->birth_date = as_of - (int32_t) (age * 365.25) - (int32_t) cl_rng_int(&r, 0, 364);
		if (age >= 62)
			c->occupation = 7;
		else if (age < 23 && cl_rng_bern(&r, 0.6))
			c->occupation = 6;
		else
			c->occupation = (int) cl_rng_int(&r, 0, 5);
		ch = age < 35 ? young_ch : (age <= 60 ? mid_ch : old_ch);
	}
	else
	{
		age = 0;
		c->birth_date = CL_NO_DATE;
		c->occupation = c->customer_type == 2 ? 13 : (int) cl_rng_int(&r, 8, 12);
		ch = org_ch;
	}
	c->opened_on = as_of - tenure;
	if (c->birth_date != CL_NO_DATE && c->birth_date > c->opened_on)
		c->birth_date = c->opened_on - 18 * 366;
	if (c->trigger_on == CL_NO_DATE && c->drift_started_on != CL_NO_DATE)
	{
		double		tw[3] = {0.45, 0.35, 0.20};
		int			t = cl_rng_pick(&r, tw, 3);

		c->trigger_kind = t == 0 ? CL_I_COMPLAINT : (t == 1 ? CL_I_ADDRESS_CHANGE : CL_I_SERVICE_FAILURE);
		c->trigger_on = imax(c->opened_on, c->drift_started_on - (int32_t) cl_rng_int(&r, 0, 60));
	}

	/* relationship manager for the better-off and for organisations */
	c->rm = (c->wealth >= 50000 || c->customer_type != 0) ? (int) cl_rng_int(&r, 1, 6) : 0;

	/* behaviour: heterogeneous rates and channel / kind mixes */
	c->txn_rate = clampd(cl_rng_lognormal(&r, log(1.2), 0.75) * (c->customer_type != 0 ? 4.0 : 1.0), 0.05, 60.0);
	for (i = 0; i < CL_CH_COUNT; i++)
		c->channel_w[i] = ch[i] * cl_rng_lognormal(&r, 0.0, 0.5);
	for (i = 0; i < CL_K_COUNT; i++)
		c->kind_w[i] = kind_base[i] * cl_rng_lognormal(&r, 0.0, 0.4);
	if (c->customer_type != 0)
		c->kind_w[CL_K_WITHDRAWAL] *= 0.2;

	/* accounts */
	c->naccounts = 0;
	{
		double		w = c->wealth;
		int			has_td,
					has_sav;
		double		td_share = 0,
					sav_share = 0;
		double		p_td = w < 1e4 ? 0.08 : (w < 5e4 ? 0.35 : (w < 2e5 ? 0.55 : 0.70));
		int			k;

		has_td = cl_rng_bern(&r, p_td);
		has_sav = cl_rng_bern(&r, 0.35);
		if (has_td)
			td_share = 0.4 + 0.4 * cl_rng_unif(&r);
		if (has_sav)
			sav_share = 0.3 + 0.4 * cl_rng_unif(&r);

		add_account(c, CL_PR_CURRENT, c->opened_on, w * (1.0 - td_share) * (1.0 - sav_share));
		if (has_sav)
			add_account(c, CL_PR_SAVINGS, open_day(&r, c), w * (1.0 - td_share) * sav_share);
		if (has_td)
		{
			k = add_account(c, CL_PR_TIME_DEPOSIT, open_day(&r, c), w * td_share);
			c->acc[k].term_months = td_terms[cl_rng_pick(&r, td_term_w, 5)];
		}
		if (w >= 5e4 && cl_rng_bern(&r, 0.25))
			add_account(c, CL_PR_WEALTH, open_day(&r, c), fmax(50000.0, w * (0.3 + 1.2 * cl_rng_unif(&r))));
		if (cl_rng_bern(&r, w >= 1e4 ? 0.12 : 0.01))
			add_account(c, CL_PR_FUND, open_day(&r, c), 1000.0 + w * (0.05 + 0.45 * cl_rng_unif(&r)));
		if (cl_rng_bern(&r, 0.04 + (w >= 5e4 ? 0.15 : 0.0)))
			add_account(c, CL_PR_INSURANCE, open_day(&r, c), 2000.0 + w * (0.05 + 0.35 * cl_rng_unif(&r)));
		if (c->customer_type == 0 && cl_rng_bern(&r, age < 65 ? 0.25 : 0.08))
			add_account(c, CL_PR_CREDIT_CARD, open_day(&r, c), cl_rng_lognormal(&r, log(2500.0), 0.9));
		if (cl_rng_bern(&r, c->customer_type == 0 ? 0.05 : 0.35))
		{
			k = add_account(c, CL_PR_LOAN, open_day(&r, c),
							cl_rng_lognormal(&r, log(60000.0), 0.7) * (c->customer_type == 0 ? 1.0 : 20.0));
			c->acc[k].term_months = 12 * (int) cl_rng_int(&r, 1, 5);
		}
		if (c->customer_type == 0 && age >= 25 && age <= 55 && cl_rng_bern(&r, 0.10))
		{
			k = add_account(c, CL_PR_MORTGAGE, open_day(&r, c), cl_rng_lognormal(&r, log(500000.0), 0.5));
			c->acc[k].term_months = 12 * (int) (20 + 5 * cl_rng_int(&r, 0, 2));
		}
	}

	/* maturities, rollovers, closures, status */
	for (i = 0; i < c->naccounts; i++)
	{
		ClDemoAccount *a = &c->acc[i];

		if (a->product == CL_PR_TIME_DEPOSIT)
		{
			int			n;

			for (n = 1;; n++)
			{
				int32_t		m = cl_add_months(a->opened_on, n * a->term_months);
				double		p_roll = 0.8;

				if (m > as_of || (c->churned_on != CL_NO_DATE && m > c->churned_on))
				{
					a->maturity_date = m;
					break;
				}
				if (c->drift_started_on != CL_NO_DATE && m >= c->drift_started_on)
					p_roll = 0.1;
				else if (c->dormant_since != CL_NO_DATE && m >= c->dormant_since)
					p_roll = 1.0;	/* automatic renewal */
				if (!cl_rng_bern(&r, p_roll))
				{
					a->maturity_date = m;
					a->closed_on = m;
					c->td_not_rolled_on = m;
					break;
				}
				a->rollovers++;
			}
		}
		else if (a->product == CL_PR_LOAN || a->product == CL_PR_MORTGAGE)
		{
			a->maturity_date = cl_add_months(a->opened_on, a->term_months);
			if (a->maturity_date <= as_of)
				a->closed_on = a->maturity_date;
		}
		else if (a->product == CL_PR_WEALTH)
		{
			/* a one-year product, renewed while the customer stays */
			a->maturity_date = cl_add_months(a->opened_on, 12);
			while (a->maturity_date <= imin(as_of, c->active_until))
				a->maturity_date = cl_add_months(a->maturity_date, 12);
		}
		if (c->churned_on != CL_NO_DATE && a->closed_on == CL_NO_DATE)
			a->closed_on = c->churned_on;
		if (a->closed_on != CL_NO_DATE)
		{
			if (a->closed_on < a->opened_on)
				a->closed_on = a->opened_on;
			a->status = CL_ST_CLOSED;
		}
		else if (c->dormant_since != CL_NO_DATE && as_of - c->dormant_since >= 365 && !cl_demo_is_credit(a->product))
			a->status = CL_ST_DORMANT;
	}
}

double
cl_demo_level(const ClDemoCustomer *c, const ClDemoParams *p, int32_t day)
{
	switch (c->persona)
	{
		case CL_P_NEW:
			return fmin(1.0, 0.3 + 0.7 * (day - c->opened_on) / 90.0);
		case CL_P_GROWING:
			{
				int32_t		g0 = imax(c->opened_on, p->window_start);
				double		prog = p->as_of > g0 ? (double) (day - g0) / (p->as_of - g0) : 1.0;

				return 0.35 + 0.75 * clampd(prog, 0.0, 1.0);
			}
		case CL_P_DRIFTING:
			if (day < c->drift_started_on)
				return 1.0;
			return fmax(0.15, 1.0 - 0.85 * (day - c->drift_started_on) / 240.0);
		case CL_P_CHURNED:
			if (day < c->drift_started_on)
				return 1.0;
			return fmax(0.05, 1.0 - 0.95 * (day - c->drift_started_on) /
						(double) (c->churned_on - c->drift_started_on));
		default:
			return 1.0;
	}
}

double
cl_demo_activity(const ClDemoCustomer *c, const ClDemoParams *p, int32_t day)
{
	if (day < c->opened_on || day > c->active_until)
		return 0.0;
	switch (c->persona)
	{
		case CL_P_GROWING:
			return 0.5 + 0.9 * (cl_demo_level(c, p, day) - 0.35) / 0.75;
		case CL_P_DRIFTING:
			return day < c->drift_started_on ? 1.0 : exp(-(day - c->drift_started_on) / 75.0);
		case CL_P_CHURNED:
			return day < c->drift_started_on ? 1.0 : exp(-(day - c->drift_started_on) / 50.0);
		default:
			return 1.0;
	}
}

/* Balance of an account at day (before rounding). */
static double
account_value(const ClDemoParams *p, const ClDemoCustomer *c, const ClDemoAccount *a,
			  int32_t day, ClRng *r)
{
	int32_t		d = day;
	double		v;

	if (c->dormant_since != CL_NO_DATE && d > c->dormant_since && !cl_demo_is_credit(a->product))
		d = c->dormant_since;	/* nothing moves in a dormant account */
	switch (a->product)
	{
		case CL_PR_CURRENT:
			v = a->amount * cl_demo_level(c, p, d);
			if (d == day)
			{
				v *= cl_rng_lognormal(r, 0.0, 0.25);
				if (c->wealth < 5000 && cl_rng_bern(r, 0.02))
					v = -(10.0 + 490.0 * cl_rng_unif(r));	/* overdrawn */
			}
			return v;
		case CL_PR_SAVINGS:
			v = a->amount * cl_demo_level(c, p, d);
			return d == day ? v * cl_rng_lognormal(r, 0.0, 0.08) : v;
		case CL_PR_TIME_DEPOSIT:
			{
				/* grows by the interest of each renewal up to day */
				int			n = 0;

				while (n < a->rollovers && cl_add_months(a->opened_on, (n + 1) * a->term_months) <= day)
					n++;
				return a->amount * pow(1.02, n);
			}
		case CL_PR_WEALTH:
			return a->amount;
		case CL_PR_FUND:
			return a->amount * (d == day ? cl_rng_lognormal(r, 0.0, 0.05) : 1.0);
		case CL_PR_INSURANCE:
			return a->amount * (1.0 + 0.003 * (d - a->opened_on) / 30.44);
		case CL_PR_LOAN:
		case CL_PR_MORTGAGE:
			{
				double		span = (double) (a->maturity_date - a->opened_on);

				return span > 0 ? a->amount * clampd(1.0 - (day - a->opened_on) / span, 0.0, 1.0) : 0.0;
			}
		case CL_PR_CREDIT_CARD:
			{
				double		act = cl_demo_activity(c, p, day);

				return act < 0.05 ? 0.0 : a->amount * act * cl_rng_lognormal(r, 0.0, 0.5);
			}
		default:
			return 0.0;
	}
}

/*
 * End-of-day balances, sparse: the first day in the history, each month end
 * and as_of, and the closing day (0); a row is emitted only when the balance
 * changed, so constant products (time deposits, wealth, dormant accounts)
 * give a few rows each.
 */
int
cl_demo_balances(const ClDemoParams *p, const ClDemoCustomer *c, ClDemoBalance *out, int cap)
{
	ClRng		r;
	int			n = 0;
	int			i;

	cl_rng_init(&r, p->seed, (uint64_t) c->customer_id, STREAM_BALANCE);
	for (i = 0; i < c->naccounts; i++)
	{
		const ClDemoAccount *a = &c->acc[i];
		int32_t		start = imax(a->opened_on, p->window_start);
		int32_t		end = a->closed_on == CL_NO_DATE ? p->as_of : imin(a->closed_on, p->as_of);
		int32_t		day = start;
		int64_t		last = INT64_MIN;

		if (end < start)
			continue;
		while (day <= end && n < cap)
		{
			int64_t		cents;
			int32_t		next;

			if (a->closed_on != CL_NO_DATE && day == a->closed_on)
				cents = 0;
			else
			{
				double		v = account_value(p, c, a, day, &r);

				if (v < 0 && a->product != CL_PR_CURRENT)
					v = 0;
				cents = llround(v * 100.0);
			}
			if (cents != last)
			{
				out[n].account_id = a->account_id;
				out[n].day = day;
				out[n].cents = cents;
				n++;
				last = cents;
			}
			if (day == end)
				break;
			next = cl_month_end(day);
			if (next == day)
				next = cl_month_end(day + 1);
			day = imin(next, end);
		}
	}
	return n;
}

static int
cmp_txn(const void *a, const void *b)
{
	const ClDemoTxn *x = a;
	const ClDemoTxn *y = b;

	return x->ts < y->ts ? -1 : (x->ts > y->ts ? 1 : 0);
}

/* First open account of a product at day, or -1. */
static int
find_account(const ClDemoCustomer *c, ClDemoProduct pr, int32_t day)
{
	int			i;

	for (i = 0; i < c->naccounts; i++)
		if (c->acc[i].product == pr && acc_open_on(&c->acc[i], day))
			return i;
	return -1;
}

static int64_t
day_ts(ClRng *r, int32_t day)
{
	return (int64_t) day * DAY_USEC + (INT64_C(7) * 3600 + cl_rng_int(r, 0, 16 * 3600 - 1)) * INT64_C(1000000)
		+ cl_rng_int(r, 0, 999999);
}

static int64_t
to_cents(double v)
{
	int64_t		c = llround(v * 100.0);

	return c < 1 ? 1 : c;
}

/*
 * Transactions over the history: customer-initiated ones at the customer's
 * rate times the persona's activity multiplier (a Poisson count per month),
 * quarterly interest postings (not customer-initiated), outflows to other
 * banks while drifting and the last transfer out on the churn day.
 */
int
cl_demo_transactions(const ClDemoParams *p, const ClDemoCustomer *c, ClDemoTxn *out, int cap)
{
	ClRng		r;
	int			n = 0;
	int32_t		first = imax(c->opened_on, p->window_start);
	int32_t		m;
	int			i;
	double		median = clampd(c->wealth * 0.04, 30.0, 20000.0) * (c->customer_type != 0 ? 5.0 : 1.0);
	int			cur = 0;		/* the current account is always account 0 */

	cl_rng_init(&r, p->seed, (uint64_t) c->customer_id, STREAM_TXN);

	for (m = cl_month_start(first); m <= p->as_of && n < cap; m = cl_add_months(m, 1))
	{
		int32_t		a = imax(m, first);
		int32_t		b = imin(cl_month_end(m), imin(p->as_of, c->active_until));
		int			k,
					cnt;

		/* customer-initiated */
		if (b >= a)
		{
			double		act = cl_demo_activity(c, p, a + (b - a) / 2);

			cnt = cl_rng_poisson(&r, c->txn_rate * act * (b - a + 1) / 30.44);
			for (k = 0; k < cnt && n < cap; k++)
			{
				ClDemoTxn  *t = &out[n];
				int32_t		day = (int32_t) cl_rng_int(&r, a, b);
				int			acc = cur;

				t->kind = (ClDemoKind) cl_rng_pick(&r, c->kind_w, CL_K_COUNT);
				t->channel = (ClDemoChannel) cl_rng_pick(&r, c->channel_w, CL_CH_COUNT);
				t->bank = -1;
				t->customer_initiated = 1;
				switch (t->kind)
				{
					case CL_K_ENQUIRY:
						if (t->channel == CL_CH_POS)
							t->channel = CL_CH_ATM;
						t->direction = CL_D_NONE;
						t->cents = 0;
						if (cl_rng_bern(&r, 0.3))
							acc = -1;
						break;
					case CL_K_DEPOSIT:
						if (t->channel == CL_CH_POS || t->channel == CL_CH_PHONE)
							t->channel = CL_CH_COUNTER;
						t->direction = CL_D_IN;
						break;
					case CL_K_WITHDRAWAL:
						if (t->channel != CL_CH_ATM && t->channel != CL_CH_COUNTER)
							t->channel = c->customer_type == 0 ? CL_CH_ATM : CL_CH_COUNTER;
						t->direction = CL_D_OUT;
						break;
					case CL_K_TRANSFER:
						if (t->channel == CL_CH_POS)
							t->channel = CL_CH_MOBILE;
						t->direction = cl_rng_bern(&r, 0.45) ? CL_D_IN : CL_D_OUT;
						if (cl_rng_bern(&r, 0.35))
							t->bank = (int) cl_rng_int(&r, 0, 5);
						break;
					case CL_K_PAYMENT:
					default:
						if (t->channel == CL_CH_COUNTER || t->channel == CL_CH_ATM)
							t->channel = c->customer_type == 0 ? CL_CH_POS : CL_CH_ONLINE;
						t->direction = CL_D_OUT;
						{
							int			card = find_account(c, CL_PR_CREDIT_CARD, day);

							if (card >= 0 && cl_rng_bern(&r, 0.6))
								acc = card;
						}
						break;
				}
				if (t->kind != CL_K_ENQUIRY)
				{
					double		amt = median * cl_rng_lognormal(&r, 0.0, 0.9);

					if (t->kind == CL_K_PAYMENT)
						amt *= 0.4;
					t->cents = to_cents(amt);
					if (t->kind != CL_K_PAYMENT && cl_rng_bern(&r, 0.25))
					{
						int			sav = find_account(c, CL_PR_SAVINGS, day);

						if (sav >= 0)
							acc = sav;
					}
				}
				t->account_id = acc >= 0 ? c->acc[acc].account_id : 0;
				t->ts = day_ts(&r, day);
				n++;
			}
		}

		/* quarterly interest on savings, posted by the bank */
		if (cl_month_end(m) <= p->as_of)
		{
			int			y,
						mo,
						d;
			int32_t		e = cl_month_end(m);

			cl_civil_from_days(e, &y, &mo, &d);
			if (mo % 3 == 0 && n < cap && e >= first)
			{
				int			sav = find_account(c, CL_PR_SAVINGS, e);

				if (sav >= 0 && e < (c->closed_on == CL_NO_DATE ? INT32_MAX : c->closed_on))
				{
					ClDemoTxn  *t = &out[n++];

					t->kind = CL_K_DEPOSIT;
					t->channel = CL_CH_ONLINE;
					t->direction = CL_D_IN;
					t->bank = -1;
					t->customer_initiated = 0;
					t->account_id = c->acc[sav].account_id;
					t->cents = to_cents(c->acc[sav].amount * cl_demo_level(c, p, e) * 0.0035);
					t->ts = (int64_t) e * DAY_USEC + INT64_C(23) * 3600 * INT64_C(1000000);
				}
			}
		}
	}

	/* drifting away: money leaves for other banks */
	if (c->drift_started_on != CL_NO_DATE)
	{
		int32_t		end = imin(p->as_of, c->churned_on != CL_NO_DATE ? c->churned_on : p->as_of);
		int			k,
					cnt = (int) cl_rng_int(&r, 1, 3);

		for (k = 0; k < cnt && n < cap; k++)
		{
			ClDemoTxn  *t = &out[n];
			int32_t		day = (int32_t) cl_rng_int(&r, imax(c->drift_started_on, first), imax(end, first));

			if (day < first || day > p->as_of)
				break;
			t->kind = CL_K_TRANSFER;
			t->direction = CL_D_OUT;
			t->channel = cl_rng_bern(&r, 0.5) ? CL_CH_MOBILE : (cl_rng_bern(&r, 0.5) ? CL_CH_ONLINE : CL_CH_COUNTER);
			t->bank = (int) cl_rng_int(&r, 0, 5);
			t->customer_initiated = 1;
			t->account_id = c->acc[cur].account_id;
			t->cents = to_cents(c->wealth * (0.1 + 0.3 * cl_rng_unif(&r)));
			t->ts = day_ts(&r, day);
			n++;
		}
		if (c->churned_on != CL_NO_DATE && c->churned_on >= first && n < cap)
		{
			ClDemoTxn  *t = &out[n++];

			t->kind = CL_K_TRANSFER;
			t->direction = CL_D_OUT;
			t->channel = CL_CH_COUNTER;
			t->bank = (int) cl_rng_int(&r, 0, 5);
			t->customer_initiated = 1;
			t->account_id = c->acc[cur].account_id;
			t->cents = to_cents(c->wealth * 0.05);
			t->ts = day_ts(&r, c->churned_on);
		}
	}

	qsort(out, n, sizeof(ClDemoTxn), cmp_txn);
	for (i = 0; i < n; i++)
		out[i].txn_id = c->customer_id * CL_DEMO_TXN_ID_MULT + i + 1;
	return n;
}

static int
cmp_interaction(const void *a, const void *b)
{
	const ClDemoInteraction *x = a;
	const ClDemoInteraction *y = b;

	return x->ts < y->ts ? -1 : (x->ts > y->ts ? 1 : 0);
}

static void
add_interaction(ClRng *r, ClDemoInteraction *out, int *n, int cap, int32_t day,
				ClDemoInteractionKind kind, int detail, int score)
{
	if (*n >= cap)
		return;
	out[*n].ts = day_ts(r, day);
	out[*n].kind = kind;
	out[*n].detail = detail;
	out[*n].score = score;
	(*n)++;
}

/*
 * Interactions: routine contacts over the history; for drifters and
 * churners, the complaint / address change / service failure that came
 * first and a poor satisfaction score after it.
 */
int
cl_demo_interactions(const ClDemoParams *p, const ClDemoCustomer *c, ClDemoInteraction *out, int cap)
{
	ClRng		r;
	int			n = 0;
	int			i,
				cnt;
	int32_t		first = imax(c->opened_on, p->window_start);
	int32_t		last = imin(p->as_of, c->active_until);

	cl_rng_init(&r, p->seed, (uint64_t) c->customer_id, STREAM_INTERACTION);
	if (c->referrer_id != 0 && c->opened_on >= p->window_start)
		add_interaction(&r, out, &n, cap, c->opened_on, CL_I_REFERRAL, -1, 0);
	if (last >= first)
	{
		cnt = cl_rng_poisson(&r, 0.9 * (last - first + 1) / 365.25 * (c->rm ? 2.0 : 1.0));
		for (i = 0; i < cnt; i++)
		{
			double		w[4] = {c->rm ? 0.4 : 0.0, 0.3, 0.2, 0.2};
			int			k = cl_rng_pick(&r, w, 4);
			int32_t		day = (int32_t) cl_rng_int(&r, first, last);

			if (c->drift_started_on != CL_NO_DATE && day >= c->drift_started_on)
				continue;		/* routine contact stops when the drift starts */
			if (k == 0)
				add_interaction(&r, out, &n, cap, day, CL_I_RM_CONTACT, 8 + (int) cl_rng_int(&r, 0, 2), 0);
			else if (k == 1)
				add_interaction(&r, out, &n, cap, day, CL_I_SERVICE_REQUEST, 9, 0);
			else if (k == 2)
				add_interaction(&r, out, &n, cap, day, CL_I_CAMPAIGN_RESPONSE, 10 + (int) cl_rng_int(&r, 0, 1), 0);
			else
				add_interaction(&r, out, &n, cap, day, CL_I_SATISFACTION_SURVEY, -1, 3 + (int) cl_rng_int(&r, 0, 2));
		}
	}
	if (c->trigger_on != CL_NO_DATE && c->trigger_on >= p->window_start && c->trigger_on <= p->as_of)
	{
		int			detail = c->trigger_kind == CL_I_ADDRESS_CHANGE ? 5 + (int) cl_rng_int(&r, 0, 2)
			: (int) cl_rng_int(&r, 0, 4);

		add_interaction(&r, out, &n, cap, c->trigger_on, c->trigger_kind, detail, 0);
		if (cl_rng_bern(&r, 0.5))
		{
			int32_t		d = c->trigger_on + (int32_t) cl_rng_int(&r, 5, 40);

			if (d <= last)
				add_interaction(&r, out, &n, cap, d, CL_I_SATISFACTION_SURVEY, -1, 1 + (int) cl_rng_int(&r, 0, 1));
		}
	}
	qsort(out, n, sizeof(ClDemoInteraction), cmp_interaction);
	for (i = 0; i < n; i++)
		out[i].interaction_id = c->customer_id * CL_DEMO_INTERACTION_ID_MULT + i + 1;
	return n;
}

/*
 * Monthly profitability over the last CL_DEMO_INCOME_MONTHS months, from the
 * plan's balances at mid-month: FTP spread on deposits (1.2 % a year), fees
 * on investments (0.6 %) and cards, loan interest net of funding (2.5 %,
 * cards 15 %), and a cost per customer (2), per transaction (0.25) and per
 * relationship manager (30 a month).
 */
int
cl_demo_income(const ClDemoParams *p, const ClDemoCustomer *c, ClDemoIncome *out, int cap)
{
	ClRng		r;
	int			n = 0;
	int32_t		m;

	cl_rng_init(&r, p->seed, (uint64_t) c->customer_id, STREAM_INCOME);
	for (m = p->income_start; m <= p->as_of && n < cap; m = cl_add_months(m, 1))
	{
		int32_t		mid = m + 14;
		double		dep = 0,
					inv = 0,
					loan = 0,
					card = 0,
					act;
		int			i;

		if (cl_month_end(m) < c->opened_on || (c->closed_on != CL_NO_DATE && c->closed_on < m))
			continue;
		act = cl_demo_activity(c, p, mid);
		for (i = 0; i < c->naccounts; i++)
		{
			const ClDemoAccount *a = &c->acc[i];

			if (!acc_open_on(a, mid))
				continue;
			if (cl_demo_is_deposit(a->product))
				dep += a->amount * cl_demo_level(c, p, mid);
			else if (a->product == CL_PR_LOAN || a->product == CL_PR_MORTGAGE)
				loan += a->amount * clampd(1.0 - (double) (mid - a->opened_on) / (a->maturity_date - a->opened_on + 1), 0.0, 1.0);
			else if (a->product == CL_PR_CREDIT_CARD)
				card += a->amount * act;
			else
				inv += a->amount;
		}
		out[n].month = m;
		out[n].ftp_cents = llround(dep * 0.012 / 12.0 * cl_rng_lognormal(&r, 0.0, 0.1) * 100.0);
		out[n].fee_cents = llround((inv * 0.006 / 12.0 + (card > 0 ? 5.0 : 0.0) + 0.3 * c->txn_rate * act) * 100.0);
		out[n].loan_interest_cents = llround((loan * 0.025 + card * 0.15) / 12.0 * 100.0);
		out[n].cost_cents = llround((2.0 + 0.25 * c->txn_rate * act + (c->rm ? 30.0 : 0.0)) * 100.0);
		n++;
	}
	return n;
}
