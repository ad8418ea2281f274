-- area: bgbb (see docs/mbgnbd_bgbb.md)
-- ===========================================================================
-- BG/BB (Fader, Hardie & Shang 2010): customer-base analysis when the
-- transaction opportunities come in discrete periods (annual renewals,
-- monthly statements, a yearly donation drive), and the per-customer period
-- summary (clientele.period_summary) that feeds it from raw transactions.
-- C functions resolve no names at run time, so they carry no SET search_path
-- (a SET clause would cost a configuration save/restore on every call).
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- Per-customer period summary: which periods had a transaction
-- ---------------------------------------------------------------------------
CREATE TYPE clientele.period_state;

CREATE FUNCTION clientele.period_state_in(cstring) RETURNS clientele.period_state
AS 'MODULE_PATHNAME', 'clientele_period_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.period_state_in(cstring) IS 'Input function of clientele.period_state: "clps1:" and the hex of the little-endian binary form, checked (version, layout, no period above periods, transactions >= marked periods).';

CREATE FUNCTION clientele.period_state_out(clientele.period_state) RETURNS cstring
AS 'MODULE_PATHNAME', 'clientele_period_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.period_state_out(clientele.period_state) IS 'Output function of clientele.period_state: "clps1:" and the hex of the little-endian binary form.';

CREATE FUNCTION clientele.period_state_recv(internal) RETURNS clientele.period_state
AS 'MODULE_PATHNAME', 'clientele_period_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.period_state_recv(internal) IS 'Binary input of clientele.period_state (the little-endian form), with the checks of the text input.';

CREATE FUNCTION clientele.period_state_send(clientele.period_state) RETURNS bytea
AS 'MODULE_PATHNAME', 'clientele_period_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.period_state_send(clientele.period_state) IS 'Binary output of clientele.period_state (the little-endian form).';

CREATE TYPE clientele.period_state (
	INPUT = clientele.period_state_in,
	OUTPUT = clientele.period_state_out,
	RECEIVE = clientele.period_state_recv,
	SEND = clientele.period_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = extended
);
COMMENT ON TYPE clientele.period_state IS 'Partial state of clientele.period_summary: version, periods, transactions counted, rows after the window, and a bitmap of the periods 0..periods with a transaction (little-endian, portable); merges exactly.';

CREATE TYPE clientele.period_summary AS (
	frequency    integer,
	recency      integer,
	periods      integer,
	transactions bigint
);
COMMENT ON TYPE clientele.period_summary IS 'Per-customer summary for discrete transaction opportunities (BG/BB input, lifetimes conventions): frequency = opportunities 1..periods with a transaction, recency = the last of them (0 if none), periods = opportunities observed.';
COMMENT ON COLUMN clientele.period_summary.frequency IS 'Number of the opportunities 1..periods with at least one transaction (x).';
COMMENT ON COLUMN clientele.period_summary.recency IS 'The last opportunity with a transaction (t_x), 0 when frequency = 0.';
COMMENT ON COLUMN clientele.period_summary.periods IS 'Transaction opportunities observed after the first period (n).';
COMMENT ON COLUMN clientele.period_summary.transactions IS 'Transactions (rows) counted in periods 0..periods, several in one period included.';

CREATE FUNCTION clientele.period_summary_trans(clientele.period_state, integer, integer)
RETURNS clientele.period_state
AS 'MODULE_PATHNAME', 'clientele_period_summary_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.period_summary_trans(clientele.period_state, integer, integer) IS 'Transition function of clientele.period_summary (aggregate use only): marks the period of one transaction.';

CREATE FUNCTION clientele.period_summary_combine(clientele.period_state, clientele.period_state)
RETURNS clientele.period_state
AS 'MODULE_PATHNAME', 'clientele_period_summary_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.period_summary_combine(clientele.period_state, clientele.period_state) IS 'Combine function of clientele.period_summary: union of the marked periods, counts added (aggregate use only).';

CREATE FUNCTION clientele.period_summary_final(clientele.period_state)
RETURNS clientele.period_summary
AS 'MODULE_PATHNAME', 'clientele_period_summary_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.period_summary_final(clientele.period_state) IS 'Final function of clientele.period_summary: the summary row, NULL without a transaction in periods 0..periods.';

CREATE AGGREGATE clientele.period_summary(period integer, periods integer) (
	SFUNC = clientele.period_summary_trans,
	STYPE = clientele.period_state,
	SSPACE = 64,
	COMBINEFUNC = clientele.period_summary_combine,
	FINALFUNC = clientele.period_summary_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.period_summary(integer, integer) IS 'Per-customer BG/BB summary from transactions: period = the transaction''s period (0 = the first, acquisition period; 1..periods = the opportunities after it), periods = opportunities observed (the same on every row); periods after the window are ignored.';

-- ---------------------------------------------------------------------------
-- The model
-- ---------------------------------------------------------------------------
CREATE TYPE clientele.bgbb_params AS (
	alpha          float8,
	beta           float8,
	gamma          float8,
	delta          float8,
	log_likelihood float8,
	n              bigint,
	converged      boolean,
	iterations     integer,
	se_alpha       float8,
	se_beta        float8,
	se_gamma       float8,
	se_delta       float8
);
COMMENT ON TYPE clientele.bgbb_params IS 'A BG/BB fit: transaction probability p ~ Beta(alpha, beta), dropout probability theta ~ Beta(gamma, delta), log-likelihood, customers, convergence, iterations and standard errors.';
COMMENT ON COLUMN clientele.bgbb_params.alpha IS 'First shape of the beta distribution of the per-opportunity transaction probability.';
COMMENT ON COLUMN clientele.bgbb_params.beta IS 'Second shape of the beta distribution of the transaction probability.';
COMMENT ON COLUMN clientele.bgbb_params.gamma IS 'First shape of the beta distribution of the per-opportunity dropout probability.';
COMMENT ON COLUMN clientele.bgbb_params.delta IS 'Second shape of the beta distribution of the dropout probability.';
COMMENT ON COLUMN clientele.bgbb_params.log_likelihood IS 'Log-likelihood at the estimate (without the penalty).';
COMMENT ON COLUMN clientele.bgbb_params.n IS 'Customers in the fit (sum of the weights).';
COMMENT ON COLUMN clientele.bgbb_params.converged IS 'Whether the optimiser met its gradient test, the Hessian is positive definite and the parameters are inside [1e-8, 1e8] (false also raises a WARNING).';
COMMENT ON COLUMN clientele.bgbb_params.iterations IS 'Optimiser iterations.';
COMMENT ON COLUMN clientele.bgbb_params.se_alpha IS 'Standard error of alpha (inverse Hessian, delta method); NULL when not available.';
COMMENT ON COLUMN clientele.bgbb_params.se_beta IS 'Standard error of beta.';
COMMENT ON COLUMN clientele.bgbb_params.se_gamma IS 'Standard error of gamma.';
COMMENT ON COLUMN clientele.bgbb_params.se_delta IS 'Standard error of delta.';

CREATE FUNCTION clientele.bgbb_fit_trans(clientele.fit_state, integer, integer, integer)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_bgbb_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.bgbb_fit_trans(clientele.fit_state, integer, integer, integer) IS 'Transition function of clientele.bgbb_fit (aggregate use only).';

CREATE FUNCTION clientele.bgbb_fit_trans(clientele.fit_state, integer, integer, integer, bigint)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_bgbb_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.bgbb_fit_trans(clientele.fit_state, integer, integer, integer, bigint) IS 'Transition function of clientele.bgbb_fit with a weight (aggregate use only).';

CREATE FUNCTION clientele.bgbb_fit_trans(clientele.fit_state, integer, integer, integer, bigint, float8)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'clientele_bgbb_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clientele.bgbb_fit_trans(clientele.fit_state, integer, integer, integer, bigint, float8) IS 'Transition function of clientele.bgbb_fit with a weight and a penalizer (aggregate use only).';

CREATE FUNCTION clientele.bgbb_fit_final(clientele.fit_state) RETURNS clientele.bgbb_params
AS 'MODULE_PATHNAME', 'clientele_bgbb_fit_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.bgbb_fit_final(clientele.fit_state) IS 'Final function of clientele.bgbb_fit: maximum-likelihood fit over the distinct rows.';

-- Planner costs: a transition step is a hash-table insert (about 10
-- operators); see fit_state_combine's cost.
ALTER FUNCTION clientele.bgbb_fit_trans(clientele.fit_state, integer, integer, integer) COST 10;
ALTER FUNCTION clientele.bgbb_fit_trans(clientele.fit_state, integer, integer, integer, bigint) COST 10;
ALTER FUNCTION clientele.bgbb_fit_trans(clientele.fit_state, integer, integer, integer, bigint, float8) COST 10;

CREATE AGGREGATE clientele.bgbb_fit(frequency integer, recency integer, periods integer) (
	SFUNC = clientele.bgbb_fit_trans,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.bgbb_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.bgbb_fit(integer, integer, integer) IS 'Maximum-likelihood BG/BB fit (Fader, Hardie & Shang 2010) over customers'' (frequency = opportunities with a transaction, recency = the last of them, periods = opportunities observed); NULL for fewer than 4 customers.';

CREATE AGGREGATE clientele.bgbb_fit(frequency integer, recency integer, periods integer, weight bigint) (
	SFUNC = clientele.bgbb_fit_trans,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.bgbb_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.bgbb_fit(integer, integer, integer, bigint) IS 'BG/BB fit over the compressed (frequency, recency, periods, customers) form: each row counts weight customers (weight 0 rows are skipped).';

CREATE AGGREGATE clientele.bgbb_fit(frequency integer, recency integer, periods integer, weight bigint, penalizer float8) (
	SFUNC = clientele.bgbb_fit_trans,
	STYPE = clientele.fit_state,
	COMBINEFUNC = clientele.fit_state_combine,
	FINALFUNC = clientele.bgbb_fit_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.bgbb_fit(integer, integer, integer, bigint, float8) IS 'BG/BB fit maximising LL/n - penalizer * sum(log(param)^2) (the penalizer must be the same on every row; weight 1 for one customer per row).';

CREATE FUNCTION clientele.bgbb_p_alive(params clientele.bgbb_params, frequency integer, recency integer, periods integer, future integer DEFAULT 0)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_bgbb_p_alive'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.bgbb_p_alive(clientele.bgbb_params, integer, integer, integer, integer) IS 'BG/BB probability that a customer with this (frequency, recency, periods) is alive at opportunity periods + future (FHS 2010 eq. A10; future 0: alive at the last opportunity observed).';

CREATE FUNCTION clientele.bgbb_expected_transactions(params clientele.bgbb_params, future integer, frequency integer, recency integer, periods integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_bgbb_expected_transactions'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.bgbb_expected_transactions(clientele.bgbb_params, integer, integer, integer, integer) IS 'BG/BB expected transactions in the next future opportunities of a customer with this (frequency, recency, periods) (FHS 2010 eq. 13); with (0, 0, 0) those of a new customer.';

CREATE FUNCTION clientele.bgbb_dert(params clientele.bgbb_params, discount_rate float8, frequency integer, recency integer, periods integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_bgbb_dert'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.bgbb_dert(clientele.bgbb_params, float8, integer, integer, integer) IS 'BG/BB discounted expected residual transactions (FHS 2010 eq. 15): sum over the future opportunities k >= 1 of the expected transaction at periods + k divided by (1 + discount_rate)^k; discount_rate per period, > 0. Times the value of a transaction: the customer''s residual value.';

CREATE FUNCTION clientele.bgbb_transaction_pmf(params clientele.bgbb_params, periods integer, frequency integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'clientele_bgbb_transaction_pmf'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.bgbb_transaction_pmf(clientele.bgbb_params, integer, integer) IS 'BG/BB probability P(X(periods) = frequency) that a new customer transacts at frequency of the first periods opportunities (FHS 2010 eq. 7).';

-- privileges: analysts (and administrators) run the model; PUBLIC nothing
REVOKE ALL ON FUNCTION clientele.period_state_in(cstring) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.period_state_out(clientele.period_state) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.period_state_recv(internal) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.period_state_send(clientele.period_state) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.period_summary_trans(clientele.period_state, integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.period_summary_combine(clientele.period_state, clientele.period_state) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.period_summary_final(clientele.period_state) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.period_summary(integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.bgbb_fit_trans(clientele.fit_state, integer, integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.bgbb_fit_trans(clientele.fit_state, integer, integer, integer, bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.bgbb_fit_trans(clientele.fit_state, integer, integer, integer, bigint, float8) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.bgbb_fit_final(clientele.fit_state) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.bgbb_fit(integer, integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.bgbb_fit(integer, integer, integer, bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.bgbb_fit(integer, integer, integer, bigint, float8) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.bgbb_p_alive(clientele.bgbb_params, integer, integer, integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.bgbb_expected_transactions(clientele.bgbb_params, integer, integer, integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.bgbb_dert(clientele.bgbb_params, float8, integer, integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.bgbb_transaction_pmf(clientele.bgbb_params, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele.period_summary(integer, integer) TO clientele_analyst, clientele_admin;
GRANT EXECUTE ON FUNCTION clientele.bgbb_fit(integer, integer, integer) TO clientele_analyst, clientele_admin;
GRANT EXECUTE ON FUNCTION clientele.bgbb_fit(integer, integer, integer, bigint) TO clientele_analyst, clientele_admin;
GRANT EXECUTE ON FUNCTION clientele.bgbb_fit(integer, integer, integer, bigint, float8) TO clientele_analyst, clientele_admin;
GRANT EXECUTE ON FUNCTION clientele.bgbb_p_alive(clientele.bgbb_params, integer, integer, integer, integer) TO clientele_analyst, clientele_admin;
GRANT EXECUTE ON FUNCTION clientele.bgbb_expected_transactions(clientele.bgbb_params, integer, integer, integer, integer) TO clientele_analyst, clientele_admin;
GRANT EXECUTE ON FUNCTION clientele.bgbb_dert(clientele.bgbb_params, float8, integer, integer, integer) TO clientele_analyst, clientele_admin;
GRANT EXECUTE ON FUNCTION clientele.bgbb_transaction_pmf(clientele.bgbb_params, integer, integer) TO clientele_analyst, clientele_admin;
