/*
 * demo_gen.h
 *		The demo bank generator's model, in plain C (no PostgreSQL headers).
 *
 * cl_demo_customer() draws one customer's plan (persona, dates, wealth,
 * accounts, rates) from streams keyed by (seed, customer_id); the emitters
 * turn a plan into the rows of one table each, from their own streams.  A
 * customer's rows therefore depend only on (seed, as_of, customer_id).
 *
 * Dates are day numbers from 2000-01-01 (PostgreSQL DateADT), timestamps
 * microseconds from 2000-01-01 00:00 UTC (TimestampTz), money in cents.
 * See docs/demo.md for the model and its sources.
 */
#ifndef CL_DEMO_GEN_H
#define CL_DEMO_GEN_H

#include <stdint.h>

#define CL_NO_DATE INT32_MIN
#define CL_DEMO_HISTORY_MONTHS 24	/* transactions and balances */
#define CL_DEMO_INCOME_MONTHS 12	/* income lines */
#define CL_DEMO_MAX_ACCOUNTS 12
#define CL_DEMO_ACCOUNT_ID_MULT 16	/* account_id = customer_id * 16 + k */
#define CL_DEMO_TXN_ID_MULT 10000	/* txn_id = customer_id * 10000 + k */
#define CL_DEMO_INTERACTION_ID_MULT 100
#define CL_DEMO_MAX_TXNS 9000
#define CL_DEMO_MAX_INTERACTIONS 99
#define CL_DEMO_MAX_BALANCES (CL_DEMO_MAX_ACCOUNTS * (CL_DEMO_HISTORY_MONTHS + 4) * 2)
#define CL_DEMO_MAX_CUSTOMER_ID INT64_C(100000000)

typedef enum ClDemoPersona
{
	CL_P_NEW, CL_P_GROWING, CL_P_MATURE, CL_P_DRIFTING, CL_P_CHURNED, CL_P_DORMANT,
	CL_P_COUNT
} ClDemoPersona;

typedef enum ClDemoProduct
{
	CL_PR_CURRENT, CL_PR_SAVINGS, CL_PR_TIME_DEPOSIT, CL_PR_WEALTH, CL_PR_FUND,
	CL_PR_INSURANCE, CL_PR_LOAN, CL_PR_MORTGAGE, CL_PR_CREDIT_CARD,
	CL_PR_COUNT
} ClDemoProduct;

typedef enum ClDemoStatus
{
	CL_ST_ACTIVE, CL_ST_DORMANT, CL_ST_FROZEN, CL_ST_CLOSED
} ClDemoStatus;

typedef enum ClDemoChannel
{
	CL_CH_COUNTER, CL_CH_ATM, CL_CH_ONLINE, CL_CH_MOBILE, CL_CH_PHONE, CL_CH_POS,
	CL_CH_COUNT
} ClDemoChannel;

typedef enum ClDemoKind
{
	CL_K_ENQUIRY, CL_K_DEPOSIT, CL_K_WITHDRAWAL, CL_K_TRANSFER, CL_K_PAYMENT,
	CL_K_COUNT
} ClDemoKind;

typedef enum ClDemoDirection
{
	CL_D_IN, CL_D_OUT, CL_D_NONE
} ClDemoDirection;

typedef enum ClDemoInteractionKind
{
	CL_I_COMPLAINT, CL_I_ADDRESS_CHANGE, CL_I_RM_CONTACT, CL_I_REFERRAL,
	CL_I_CAMPAIGN_RESPONSE, CL_I_SERVICE_REQUEST, CL_I_SERVICE_FAILURE,
	CL_I_SATISFACTION_SURVEY,
	CL_I_COUNT
} ClDemoInteractionKind;

extern const char *const cl_demo_persona_name[CL_P_COUNT];
extern const char *const cl_demo_product_name[CL_PR_COUNT];
extern const char *const cl_demo_status_name[4];
extern const char *const cl_demo_channel_name[CL_CH_COUNT];
extern const char *const cl_demo_kind_name[CL_K_COUNT];
extern const char *const cl_demo_direction_name[3];
extern const char *const cl_demo_interaction_name[CL_I_COUNT];
extern const char *const cl_demo_customer_type_name[3];
extern const char *const cl_demo_region_name[5];
extern const char *const cl_demo_acq_name[5];
extern const char *const cl_demo_occupation_name[14];
extern const char *const cl_demo_bank_name[6];
extern const char *const cl_demo_detail_text[12];

/* Shares of the six personas (sum 1), documented in docs/demo.md. */
extern const double cl_demo_persona_share[CL_P_COUNT];

typedef struct ClDemoParams
{
	uint64_t	seed;
	int32_t		as_of;
	int32_t		window_start;	/* first day of the transaction/balance history */
	int32_t		income_start;	/* first month of the income lines */
} ClDemoParams;

typedef struct ClDemoAccount
{
	int64_t		account_id;
	ClDemoProduct product;
	int32_t		opened_on;
	int32_t		maturity_date;	/* CL_NO_DATE if none */
	int32_t		closed_on;		/* CL_NO_DATE if open */
	ClDemoStatus status;
	double		amount;			/* reference balance / principal / card spend */
	int			term_months;	/* time deposits and loans */
	int			rollovers;		/* time deposits: renewals before as_of */
} ClDemoAccount;

typedef struct ClDemoCustomer
{
	int64_t		customer_id;
	ClDemoPersona persona;
	int			customer_type;	/* index into cl_demo_customer_type_name */
	int			region;
	int			branch;			/* 1..4 within the region */
	int			rm;				/* 0: none, else 1..6 within the branch */
	int			acq_channel;
	int64_t		referrer_id;	/* 0: none */
	int32_t		birth_date;		/* CL_NO_DATE for organisations */
	int			occupation;
	int32_t		opened_on;
	int32_t		closed_on;		/* CL_NO_DATE while a customer */
	int32_t		drift_started_on;	/* drifting, churned */
	int32_t		churned_on;		/* churned */
	int32_t		dormant_since;	/* dormant */
	int32_t		trigger_on;		/* the complaint / address change before the drift */
	ClDemoInteractionKind trigger_kind;
	int32_t		td_not_rolled_on;	/* last time deposit that matured unrenewed */
	int32_t		active_until;	/* last day of customer-initiated activity */
	double		wealth;			/* reference deposit balance (band target) */
	double		txn_rate;		/* customer-initiated transactions per month */
	double		channel_w[CL_CH_COUNT];
	double		kind_w[CL_K_COUNT];
	int			naccounts;
	ClDemoAccount acc[CL_DEMO_MAX_ACCOUNTS];
} ClDemoCustomer;

typedef struct ClDemoBalance
{
	int64_t		account_id;
	int32_t		day;
	int64_t		cents;
} ClDemoBalance;

typedef struct ClDemoTxn
{
	int64_t		txn_id;
	int64_t		account_id;		/* 0: none */
	int64_t		ts;				/* microseconds from 2000-01-01 UTC */
	int64_t		cents;
	ClDemoDirection direction;
	ClDemoChannel channel;
	ClDemoKind	kind;
	int			bank;			/* -1: within this bank */
	int			customer_initiated;
} ClDemoTxn;

typedef struct ClDemoInteraction
{
	int64_t		interaction_id;
	int64_t		ts;
	ClDemoInteractionKind kind;
	int			detail;			/* index into cl_demo_detail_text, -1 none */
	int			score;			/* satisfaction survey score 1..5, 0 none */
} ClDemoInteraction;

typedef struct ClDemoIncome
{
	int32_t		month;
	int64_t		ftp_cents;
	int64_t		fee_cents;
	int64_t		loan_interest_cents;
	int64_t		cost_cents;
} ClDemoIncome;

extern void cl_demo_params_init(ClDemoParams *p, uint64_t seed, int32_t as_of);
extern void cl_demo_customer(const ClDemoParams *p, int64_t customer_id, ClDemoCustomer *c);
extern int	cl_demo_balances(const ClDemoParams *p, const ClDemoCustomer *c, ClDemoBalance *out, int cap);
extern int	cl_demo_transactions(const ClDemoParams *p, const ClDemoCustomer *c, ClDemoTxn *out, int cap);
extern int	cl_demo_interactions(const ClDemoParams *p, const ClDemoCustomer *c, ClDemoInteraction *out, int cap);
extern int	cl_demo_income(const ClDemoParams *p, const ClDemoCustomer *c, ClDemoIncome *out, int cap);

/* reference deposit balance drawn to the Suzhou band shares (docs/demo.md) */
struct ClRng;
extern double cl_demo_draw_wealth(struct ClRng *r);

/* multipliers of a customer's plan at a day */
extern double cl_demo_level(const ClDemoCustomer *c, const ClDemoParams *p, int32_t day);
extern double cl_demo_activity(const ClDemoCustomer *c, const ClDemoParams *p, int32_t day);

static inline int
cl_demo_is_deposit(ClDemoProduct pr)
{
	return pr == CL_PR_CURRENT || pr == CL_PR_SAVINGS || pr == CL_PR_TIME_DEPOSIT;
}

static inline int
cl_demo_is_credit(ClDemoProduct pr)
{
	return pr == CL_PR_LOAN || pr == CL_PR_MORTGAGE || pr == CL_PR_CREDIT_CARD;
}

#endif							/* CL_DEMO_GEN_H */
