/*
 * entry_points.c
 *		The clientele_-prefixed entry points of the model functions whose
 *		0.1.0 symbols lack the prefix.
 *
 * Every C symbol the library exports is prefixed clientele_ (the build hides
 * everything else: -fvisibility=hidden, see the Makefile), except these 27
 * fmgr functions, which the frozen 0.1.0 install script names without the
 * prefix: a bank that installed 0.1.0 loads this library before ALTER
 * EXTENSION clientele UPDATE, so they stay exported.  The 0.2.0 SQL
 * (sql/<area>.sql and the upgrade fragments) names the entry points below,
 * which call them.
 */
#include "clientele.h"

#define CL_ENTRY_POINT(name) \
	extern PGDLLEXPORT Datum name(PG_FUNCTION_ARGS); \
	PG_FUNCTION_INFO_V1(clientele_##name); \
	Datum \
	clientele_##name(PG_FUNCTION_ARGS) \
	{ \
		return name(fcinfo); \
	}

CL_ENTRY_POINT(bgnbd_expected_purchases)
CL_ENTRY_POINT(bgnbd_expected_purchases_new)
CL_ENTRY_POINT(bgnbd_fit_final)
CL_ENTRY_POINT(bgnbd_fit_trans)
CL_ENTRY_POINT(bgnbd_p_alive)
CL_ENTRY_POINT(bgnbd_purchase_pmf)
CL_ENTRY_POINT(clv)
CL_ENTRY_POINT(fit_state_combine)
CL_ENTRY_POINT(fit_state_in)
CL_ENTRY_POINT(fit_state_out)
CL_ENTRY_POINT(gamma_gamma_expected_spend)
CL_ENTRY_POINT(gamma_gamma_fit_final)
CL_ENTRY_POINT(gamma_gamma_fit_trans)
CL_ENTRY_POINT(pareto_nbd_expected_purchases)
CL_ENTRY_POINT(pareto_nbd_expected_purchases_new)
CL_ENTRY_POINT(pareto_nbd_fit_final)
CL_ENTRY_POINT(pareto_nbd_fit_trans)
CL_ENTRY_POINT(pareto_nbd_p_alive)
CL_ENTRY_POINT(pareto_nbd_purchase_pmf)
CL_ENTRY_POINT(sbg_churn_probability)
CL_ENTRY_POINT(sbg_derl)
CL_ENTRY_POINT(sbg_fit_final)
CL_ENTRY_POINT(sbg_fit_survivors)
CL_ENTRY_POINT(sbg_fit_trans)
CL_ENTRY_POINT(sbg_fit_trans_entered)
CL_ENTRY_POINT(sbg_retention_rate)
CL_ENTRY_POINT(sbg_survival)
