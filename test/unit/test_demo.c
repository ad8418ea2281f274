/*
 * test_demo.c - unit tests of the demo bank model (src/core/demo_*.c).
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "demo_gen.h"
#include "demo_prng.h"

#define AS_OF_2025_12_31 9496		/* days from 2000-01-01 */

static void
test_calendar(void)
{
	int			y,
				m,
				d,
				bad = 0;
	int32_t		z;

	ok(cl_days_from_civil(2000, 1, 1) == 0, "2000-01-01 is day 0");
	ok(cl_days_from_civil(2025, 12, 31) == AS_OF_2025_12_31, "2025-12-31 is day 9496");
	ok(cl_days_from_civil(1999, 12, 31) == -1, "1999-12-31 is day -1");
	ok(cl_days_from_civil(2024, 3, 1) - cl_days_from_civil(2024, 2, 28) == 2, "2024 is a leap year");
	for (z = -40000; z < 80000; z += 7)
	{
		cl_civil_from_days(z, &y, &m, &d);
		if (cl_days_from_civil(y, m, d) != z)
			bad++;
	}
	ok(bad == 0, "civil_from_days inverts days_from_civil over 330 years");
	ok(cl_month_end(cl_days_from_civil(2024, 2, 10)) == cl_days_from_civil(2024, 2, 29), "month end of Feb 2024");
	ok(cl_month_start(cl_days_from_civil(2025, 12, 31)) == cl_days_from_civil(2025, 12, 1), "month start");
	ok(cl_add_months(cl_days_from_civil(2025, 1, 31), 1) == cl_days_from_civil(2025, 2, 28), "Jan 31 + 1 month = Feb 28");
	ok(cl_add_months(cl_days_from_civil(2025, 12, 31), -24) == cl_days_from_civil(2023, 12, 31), "minus 24 months");
	ok(cl_add_months(cl_days_from_civil(2001, 3, 15), -15) == cl_days_from_civil(1999, 12, 15), "across year 2000 backwards");
}

static void
test_prng(void)
{
	ClRng		a,
				b;
	int			i,
				same = 1,
				differs = 0;
	double		s = 0,
				s2 = 0,
				pois = 0;
	const int	n = 200000;

	cl_rng_init(&a, 42, 7, 1);
	cl_rng_init(&b, 42, 7, 1);
	for (i = 0; i < 1000; i++)
		same &= cl_rng_next(&a) == cl_rng_next(&b);
	ok(same, "same key, same stream");
	cl_rng_init(&a, 42, 7, 1);
	cl_rng_init(&b, 42, 8, 1);
	for (i = 0; i < 1000; i++)
		differs += cl_rng_next(&a) != cl_rng_next(&b);
	ok(differs == 1000, "another customer id gives another stream");
	cl_rng_init(&a, 43, 7, 1);
	cl_rng_init(&b, 42, 7, 1);
	ok(cl_rng_next(&a) != cl_rng_next(&b), "another seed gives another stream");

	cl_rng_init(&a, 1, 1, 1);
	for (i = 0; i < n; i++)
	{
		double		u = cl_rng_unif(&a);

		s += u;
		s2 += u * u;
	}
	near(s / n, 0.5, 0.005, "uniform mean 1/2");
	near(s2 / n - (s / n) * (s / n), 1.0 / 12, 0.002, "uniform variance 1/12");
	s = s2 = 0;
	for (i = 0; i < n; i++)
	{
		double		z = cl_rng_normal(&a);

		s += z;
		s2 += z * z;
	}
	near(s / n, 0.0, 0.01, "normal mean 0");
	near(s2 / n, 1.0, 0.015, "normal variance 1");
	for (i = 0; i < n; i++)
		pois += cl_rng_poisson(&a, 3.5);
	near(pois / n, 3.5, 0.02, "Poisson(3.5) mean");
	pois = 0;
	for (i = 0; i < n; i++)
		pois += cl_rng_poisson(&a, 45.0);
	near(pois / n, 45.0, 0.1, "Poisson(45) mean (normal branch)");
	ok(cl_rng_poisson(&a, 0.0) == 0, "Poisson(0) is 0");
}

/* Band shares of the reference deposit balance: the Suzhou table. */
static void
test_wealth_bands(void)
{
	static const double lo[5] = {0, 1e4, 5e4, 2e5, 1e6};
	static const double share[5] = {0.87639, 0.10408, 0.01838, 0.00110, 0.00004};
	static const double mean[4] = {495.3, 18981, 74455, 292040};
	double		cnt[5] = {0},
				sum[5] = {0};
	ClRng		r;
	int			i,
				b;
	const int	n = 1000000;

	cl_rng_init(&r, 99, 0, 9);
	for (i = 0; i < n; i++)
	{
		double		w = cl_demo_draw_wealth(&r);

		for (b = 4; b > 0 && w < lo[b]; b--)
			;
		cnt[b]++;
		sum[b] += w;
	}
	for (b = 0; b < 3; b++)
		rel_near(cnt[b] / n, share[b], 0.05, "band share of customers within 5 % of the Suzhou table");
	for (b = 0; b < 4; b++)
		rel_near(sum[b] / cnt[b], mean[b], 0.06, "band mean within 6 % of amount / accounts of the Suzhou table");
	ok(cnt[3] / n > 0.0007 && cnt[3] / n < 0.0015, "20-100万 band share near 0.110 %% (got %.4f %%)", 100 * cnt[3] / n);
}

static void
test_customers(void)
{
	ClDemoParams p;
	ClDemoCustomer c,
				c2;
	ClDemoBalance *bal = malloc(sizeof(ClDemoBalance) * CL_DEMO_MAX_BALANCES);
	ClDemoTxn  *txn = malloc(sizeof(ClDemoTxn) * CL_DEMO_MAX_TXNS);
	ClDemoInteraction it[CL_DEMO_MAX_INTERACTIONS];
	ClDemoIncome inc[CL_DEMO_INCOME_MONTHS + 1];
	int			persona[CL_P_COUNT] = {0};
	int			bad_dates = 0,
				bad_acc = 0,
				bad_bal = 0,
				bad_txn = 0,
				bad_int = 0,
				bad_inc = 0,
				bad_truth = 0;
	long		naccounts = 0,
				ntxn = 0;
	const int	n = 20000;
	int64_t		id;
	int			i;

	cl_demo_params_init(&p, 42, AS_OF_2025_12_31);
	ok(p.window_start == cl_days_from_civil(2024, 1, 1), "history starts 2024-01-01");
	ok(p.income_start == cl_days_from_civil(2025, 1, 1), "income starts 2025-01");

	memset(&c, 0, sizeof(c));
	memset(&c2, 0, sizeof(c2));
	cl_demo_customer(&p, 12345, &c);
	cl_demo_customer(&p, 12346, &c2);
	ok(memcmp(&c, &c2, sizeof(c)) != 0, "another id, another plan");
	memset(&c2, 0, sizeof(c2));
	cl_demo_customer(&p, 12345, &c2);
	ok(memcmp(&c, &c2, sizeof(c)) == 0, "a customer's plan is a function of (seed, as_of, id)");

	for (id = 1; id <= n; id++)
	{
		int			nb,
					nt,
					ni,
					nn;

		cl_demo_customer(&p, id, &c);
		persona[c.persona]++;
		naccounts += c.naccounts;
		if (c.opened_on > p.as_of || (c.closed_on != CL_NO_DATE && c.closed_on < c.opened_on)
			|| (c.birth_date != CL_NO_DATE && c.birth_date > c.opened_on)
			|| (c.referrer_id != 0 && (c.referrer_id >= id || c.referrer_id < 1)))
			bad_dates++;
		if ((c.persona == CL_P_CHURNED) != (c.closed_on != CL_NO_DATE)
			|| (c.persona == CL_P_CHURNED && !(c.drift_started_on < c.churned_on && c.churned_on >= p.window_start))
			|| ((c.persona == CL_P_DRIFTING || c.persona == CL_P_CHURNED) &&
				(c.trigger_on == CL_NO_DATE || c.trigger_on > c.drift_started_on))
			|| (c.persona == CL_P_NEW && p.as_of - c.opened_on >= 180))
			bad_truth++;
		if (c.naccounts < 1 || c.acc[0].product != CL_PR_CURRENT)
			bad_acc++;
		for (i = 0; i < c.naccounts; i++)
		{
			ClDemoAccount *a = &c.acc[i];

			if (a->opened_on < c.opened_on || a->opened_on > p.as_of
				|| (a->closed_on != CL_NO_DATE && a->closed_on < a->opened_on)
				|| (a->maturity_date != CL_NO_DATE && a->maturity_date < a->opened_on)
				|| ((a->status == CL_ST_CLOSED) != (a->closed_on != CL_NO_DATE))
				|| (c.persona == CL_P_CHURNED && a->closed_on == CL_NO_DATE)
				|| a->account_id != id * CL_DEMO_ACCOUNT_ID_MULT + i)
				bad_acc++;
		}

		nb = cl_demo_balances(&p, &c, bal, CL_DEMO_MAX_BALANCES);
		for (i = 0; i < nb; i++)
		{
			const ClDemoAccount *a = &c.acc[bal[i].account_id - id * CL_DEMO_ACCOUNT_ID_MULT];

			if ((bal[i].cents < 0 && a->product != CL_PR_CURRENT)
				|| bal[i].day < a->opened_on || bal[i].day < p.window_start || bal[i].day > p.as_of
				|| (a->closed_on != CL_NO_DATE && bal[i].day > a->closed_on)
				|| (i > 0 && bal[i].account_id == bal[i - 1].account_id && bal[i].day <= bal[i - 1].day))
				bad_bal++;
		}
		nt = cl_demo_transactions(&p, &c, txn, CL_DEMO_MAX_TXNS);
		ntxn += nt;
		for (i = 0; i < nt; i++)
		{
			int32_t		day = (int32_t) (txn[i].ts / INT64_C(86400000000));

			if (txn[i].txn_id != id * CL_DEMO_TXN_ID_MULT + i + 1
				|| (i > 0 && txn[i].ts < txn[i - 1].ts)
				|| day < c.opened_on || day < p.window_start || day > p.as_of
				|| (c.closed_on != CL_NO_DATE && day > c.closed_on)
				|| txn[i].cents < 0
				|| (txn[i].kind == CL_K_ENQUIRY && (txn[i].cents != 0 || txn[i].direction != CL_D_NONE))
				|| (txn[i].kind != CL_K_ENQUIRY && txn[i].cents <= 0)
				|| (txn[i].channel == CL_CH_POS && txn[i].kind != CL_K_PAYMENT)
				|| (txn[i].kind == CL_K_WITHDRAWAL && txn[i].channel != CL_CH_ATM && txn[i].channel != CL_CH_COUNTER)
				|| (c.persona == CL_P_DORMANT && txn[i].customer_initiated && day > c.dormant_since))
				bad_txn++;
		}
		ni = cl_demo_interactions(&p, &c, it, CL_DEMO_MAX_INTERACTIONS);
		for (i = 0; i < ni; i++)
			if (it[i].interaction_id != id * CL_DEMO_INTERACTION_ID_MULT + i + 1 || (i > 0 && it[i].ts < it[i - 1].ts))
				bad_int++;
		nn = cl_demo_income(&p, &c, inc, CL_DEMO_INCOME_MONTHS + 1);
		for (i = 0; i < nn; i++)
			if (inc[i].month != cl_month_start(inc[i].month) || inc[i].cost_cents < 0
				|| inc[i].month < p.income_start || inc[i].month > p.as_of)
				bad_inc++;
	}
	ok(bad_dates == 0, "customer dates, birth dates and referrers are consistent (%d bad)", bad_dates);
	ok(bad_truth == 0, "persona dates are consistent (%d bad)", bad_truth);
	ok(bad_acc == 0, "accounts: current first, dates and statuses consistent (%d bad)", bad_acc);
	ok(bad_bal == 0, "balances: only current accounts negative, within the account's life (%d bad)", bad_bal);
	ok(bad_txn == 0, "transactions: ids in time order, within the customer's life, kinds fit channels (%d bad)", bad_txn);
	ok(bad_int == 0, "interactions: ids in time order (%d bad)", bad_int);
	ok(bad_inc == 0, "income: first days of months within the last 12 (%d bad)", bad_inc);
	for (i = 0; i < CL_P_COUNT; i++)
		ok(fabs((double) persona[i] / n - cl_demo_persona_share[i]) < 0.01,
		   "persona %s share %.3f within 0.01 of %.2f", cl_demo_persona_name[i],
		   (double) persona[i] / n, cl_demo_persona_share[i]);
	ok((double) naccounts / n > 1.5 && (double) naccounts / n < 2.5, "products per customer %.2f in [1.5, 2.5]",
	   (double) naccounts / n);
	ok((double) ntxn / n > 20 && (double) ntxn / n < 60, "transactions per customer %.1f in [20, 60]",
	   (double) ntxn / n);
	free(bal);
	free(txn);
}

int
main(void)
{
	test_calendar();
	test_prng();
	test_wealth_bands();
	test_customers();
	return tap_done();
}
