-- area: evaluation (see docs/evaluation.md)
-- ===========================================================================
-- Exact ranking metrics of a score against a binary outcome (AUC, KS, lift)
-- and logistic regression (Newton/IRLS), as parallel-safe aggregates with
-- real, portable state types (little-endian bytes, a version byte, text and
-- binary I/O that check every invariant).
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- clientele.rank_state: distinct scores with positive and negative counts
-- ---------------------------------------------------------------------------
CREATE TYPE clientele.rank_state;

CREATE FUNCTION clientele.rank_state_in(cstring) RETURNS clientele.rank_state
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rank_state_in';
COMMENT ON FUNCTION clientele.rank_state_in(cstring) IS
	'Input function of clientele.rank_state: "clrk1:" and the hex of the binary form, every invariant checked.';

CREATE FUNCTION clientele.rank_state_out(clientele.rank_state) RETURNS cstring
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rank_state_out';
COMMENT ON FUNCTION clientele.rank_state_out(clientele.rank_state) IS
	'Output function of clientele.rank_state: "clrk1:" and the hex of the binary form (scores sorted, ties merged).';

CREATE FUNCTION clientele.rank_state_recv(internal) RETURNS clientele.rank_state
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rank_state_recv';
COMMENT ON FUNCTION clientele.rank_state_recv(internal) IS
	'Binary input of clientele.rank_state (little-endian), every invariant checked.';

CREATE FUNCTION clientele.rank_state_send(clientele.rank_state) RETURNS bytea
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rank_state_send';
COMMENT ON FUNCTION clientele.rank_state_send(clientele.rank_state) IS
	'Binary output of clientele.rank_state (little-endian, scores sorted, ties merged).';

CREATE TYPE clientele.rank_state (
	INPUT = clientele.rank_state_in,
	OUTPUT = clientele.rank_state_out,
	RECEIVE = clientele.rank_state_recv,
	SEND = clientele.rank_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE clientele.rank_state IS
	'Partial state of clientele.auc, ks and lift: the distinct scores with their numbers of positive and negative rows (24 bytes per distinct score); merges exactly.';

CREATE FUNCTION clientele.rank_trans(clientele.rank_state, double precision, boolean)
RETURNS clientele.rank_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rank_trans';
COMMENT ON FUNCTION clientele.rank_trans(clientele.rank_state, double precision, boolean) IS
	'Transition function of auc and ks: counts the row at its score (rows with a NULL score or label are skipped).';

CREATE FUNCTION clientele.rank_trans(clientele.rank_state, double precision, boolean, double precision)
RETURNS clientele.rank_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rank_trans_fraction';
COMMENT ON FUNCTION clientele.rank_trans(clientele.rank_state, double precision, boolean, double precision) IS
	'Transition function of lift: as rank_trans, with the fraction (the same on every row).';

CREATE FUNCTION clientele.rank_combine(clientele.rank_state, clientele.rank_state)
RETURNS clientele.rank_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rank_combine';
COMMENT ON FUNCTION clientele.rank_combine(clientele.rank_state, clientele.rank_state) IS
	'Combine function of auc, ks and lift: exact union of the scores, counts added.';

CREATE FUNCTION clientele.auc_final(clientele.rank_state) RETURNS double precision
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_auc_final';
COMMENT ON FUNCTION clientele.auc_final(clientele.rank_state) IS
	'Final function of auc: the Mann-Whitney probability; NULL without rows of both classes.';

CREATE FUNCTION clientele.ks_final(clientele.rank_state) RETURNS double precision
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_ks_final';
COMMENT ON FUNCTION clientele.ks_final(clientele.rank_state) IS
	'Final function of ks: the two-sample Kolmogorov-Smirnov statistic; NULL without rows of both classes.';

CREATE FUNCTION clientele.lift_final(clientele.rank_state) RETURNS double precision
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_lift_final';
COMMENT ON FUNCTION clientele.lift_final(clientele.rank_state) IS
	'Final function of lift: positive rate in the top fraction over the overall rate; NULL without a positive row.';

CREATE AGGREGATE clientele.auc(score double precision, label boolean) (
	SFUNC = clientele.rank_trans,
	STYPE = clientele.rank_state,
	COMBINEFUNC = clientele.rank_combine,
	FINALFUNC = clientele.auc_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.auc(double precision, boolean) IS
	'Area under the ROC curve, exact: P(score of a positive > score of a negative) + 1/2 P(tie) (Mann-Whitney U / (n+ n-)). NULL without rows of both classes.';

CREATE AGGREGATE clientele.ks(score double precision, label boolean) (
	SFUNC = clientele.rank_trans,
	STYPE = clientele.rank_state,
	COMBINEFUNC = clientele.rank_combine,
	FINALFUNC = clientele.ks_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.ks(double precision, boolean) IS
	'Two-sample Kolmogorov-Smirnov statistic of the scores of positives vs negatives: max |F+(t) - F-(t)|, exact. NULL without rows of both classes.';

CREATE AGGREGATE clientele.lift(score double precision, label boolean, fraction double precision) (
	SFUNC = clientele.rank_trans,
	STYPE = clientele.rank_state,
	COMBINEFUNC = clientele.rank_combine,
	FINALFUNC = clientele.lift_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.lift(double precision, boolean, double precision) IS
	'Lift at fraction (0 < fraction <= 1): positive rate among the fraction N highest scores over the overall positive rate; a tie straddling the cut counts pro rata. NULL without a positive row.';

-- ---------------------------------------------------------------------------
-- clientele.logistic_state: the rows (label, features) of a logistic fit
-- ---------------------------------------------------------------------------
CREATE TYPE clientele.logistic_state;

CREATE FUNCTION clientele.logistic_state_in(cstring) RETURNS clientele.logistic_state
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_logistic_state_in';
COMMENT ON FUNCTION clientele.logistic_state_in(cstring) IS
	'Input function of clientele.logistic_state: "cllg1:" and the hex of the binary form, every invariant checked.';

CREATE FUNCTION clientele.logistic_state_out(clientele.logistic_state) RETURNS cstring
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_logistic_state_out';
COMMENT ON FUNCTION clientele.logistic_state_out(clientele.logistic_state) IS
	'Output function of clientele.logistic_state: "cllg1:" and the hex of the binary form.';

CREATE FUNCTION clientele.logistic_state_recv(internal) RETURNS clientele.logistic_state
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_logistic_state_recv';
COMMENT ON FUNCTION clientele.logistic_state_recv(internal) IS
	'Binary input of clientele.logistic_state (little-endian), every invariant checked.';

CREATE FUNCTION clientele.logistic_state_send(clientele.logistic_state) RETURNS bytea
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_logistic_state_send';
COMMENT ON FUNCTION clientele.logistic_state_send(clientele.logistic_state) IS
	'Binary output of clientele.logistic_state (little-endian).';

CREATE TYPE clientele.logistic_state (
	INPUT = clientele.logistic_state_in,
	OUTPUT = clientele.logistic_state_out,
	RECEIVE = clientele.logistic_state_recv,
	SEND = clientele.logistic_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE clientele.logistic_state IS
	'Partial state of clientele.logistic_fit: every row (label, features) as float8, 8 (p + 1) bytes per row; at most 1 GB (10.3 million rows of 12 features); merges exactly.';

CREATE TYPE clientele.logistic_model AS (
	coefficients    double precision[],
	std_errors      double precision[],
	log_likelihood  double precision,
	iterations      integer,
	converged       boolean,
	n               bigint,
	n_positive      bigint,
	n_negative      bigint,
	l2              double precision,
	passes          integer
);
COMMENT ON TYPE clientele.logistic_model IS
	'Result of clientele.logistic_fit: a logistic regression P(label) = 1 / (1 + exp(-(b0 + sum b_j x_j))).';
COMMENT ON COLUMN clientele.logistic_model.coefficients IS 'Coefficients, intercept first, then one per feature (original scale of the features).';
COMMENT ON COLUMN clientele.logistic_model.std_errors IS 'Standard errors: square roots of the diagonal of the inverse (penalised) information matrix; NULL elements when it is singular.';
COMMENT ON COLUMN clientele.logistic_model.log_likelihood IS 'Log-likelihood of the data at the coefficients (without the penalty).';
COMMENT ON COLUMN clientele.logistic_model.iterations IS 'Newton steps taken.';
COMMENT ON COLUMN clientele.logistic_model.converged IS 'True when the Newton step fell below 1e-10 (standardised units); false under separation (a WARNING is raised).';
COMMENT ON COLUMN clientele.logistic_model.n IS 'Rows used (rows with a NULL label or NULL features are skipped).';
COMMENT ON COLUMN clientele.logistic_model.n_positive IS 'Rows with label true.';
COMMENT ON COLUMN clientele.logistic_model.n_negative IS 'Rows with label false.';
COMMENT ON COLUMN clientele.logistic_model.l2 IS 'L2 penalty: the fit maximises LL - l2/2 sum_{j>=1} b_j^2 (intercept not penalised).';
COMMENT ON COLUMN clientele.logistic_model.passes IS 'Passes over the stored rows (one for the feature moments, one per likelihood evaluation).';

CREATE FUNCTION clientele.logistic_trans(clientele.logistic_state, boolean, double precision[])
RETURNS clientele.logistic_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_logistic_trans';
COMMENT ON FUNCTION clientele.logistic_trans(clientele.logistic_state, boolean, double precision[]) IS
	'Transition function of logistic_fit: stores the row (rows with a NULL label or features are skipped).';

CREATE FUNCTION clientele.logistic_trans(clientele.logistic_state, boolean, double precision[], double precision)
RETURNS clientele.logistic_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_logistic_trans_l2';
COMMENT ON FUNCTION clientele.logistic_trans(clientele.logistic_state, boolean, double precision[], double precision) IS
	'Transition function of logistic_fit with an L2 penalty (the same on every row).';

CREATE FUNCTION clientele.logistic_combine(clientele.logistic_state, clientele.logistic_state)
RETURNS clientele.logistic_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_logistic_combine';
COMMENT ON FUNCTION clientele.logistic_combine(clientele.logistic_state, clientele.logistic_state) IS
	'Combine function of logistic_fit: concatenates the rows.';

CREATE FUNCTION clientele.logistic_final(clientele.logistic_state) RETURNS clientele.logistic_model
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_logistic_final';
COMMENT ON FUNCTION clientele.logistic_final(clientele.logistic_state) IS
	'Final function of logistic_fit: Newton/IRLS to convergence over the stored rows.';

CREATE AGGREGATE clientele.logistic_fit(label boolean, features double precision[]) (
	SFUNC = clientele.logistic_trans,
	STYPE = clientele.logistic_state,
	COMBINEFUNC = clientele.logistic_combine,
	FINALFUNC = clientele.logistic_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.logistic_fit(boolean, double precision[]) IS
	'Maximum-likelihood logistic regression of label on features (intercept added), Newton/IRLS to full convergence; the optimum of statsmodels Logit.';

CREATE AGGREGATE clientele.logistic_fit(label boolean, features double precision[], l2 double precision) (
	SFUNC = clientele.logistic_trans,
	STYPE = clientele.logistic_state,
	COMBINEFUNC = clientele.logistic_combine,
	FINALFUNC = clientele.logistic_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.logistic_fit(boolean, double precision[], double precision) IS
	'Logistic regression maximising LL - l2/2 sum_{j>=1} b_j^2 (ridge; the intercept is not penalised).';

CREATE FUNCTION clientele.logistic_predict(coefficients double precision[], features double precision[])
RETURNS double precision
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_logistic_predict';
COMMENT ON FUNCTION clientele.logistic_predict(double precision[], double precision[]) IS
	'Predicted probability 1 / (1 + exp(-(b0 + sum b_j x_j))) of a logistic model (coefficients intercept first).';

-- ---------------------------------------------------------------------------
-- privileges: analyses are for analysts; nothing for PUBLIC
-- ---------------------------------------------------------------------------
REVOKE ALL ON FUNCTION
	clientele.rank_trans(clientele.rank_state, double precision, boolean),
	clientele.rank_trans(clientele.rank_state, double precision, boolean, double precision),
	clientele.rank_combine(clientele.rank_state, clientele.rank_state),
	clientele.auc_final(clientele.rank_state),
	clientele.ks_final(clientele.rank_state),
	clientele.lift_final(clientele.rank_state),
	clientele.auc(double precision, boolean),
	clientele.ks(double precision, boolean),
	clientele.lift(double precision, boolean, double precision),
	clientele.logistic_trans(clientele.logistic_state, boolean, double precision[]),
	clientele.logistic_trans(clientele.logistic_state, boolean, double precision[], double precision),
	clientele.logistic_combine(clientele.logistic_state, clientele.logistic_state),
	clientele.logistic_final(clientele.logistic_state),
	clientele.logistic_fit(boolean, double precision[]),
	clientele.logistic_fit(boolean, double precision[], double precision),
	clientele.logistic_predict(double precision[], double precision[])
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	clientele.auc(double precision, boolean),
	clientele.ks(double precision, boolean),
	clientele.lift(double precision, boolean, double precision),
	clientele.logistic_fit(boolean, double precision[]),
	clientele.logistic_fit(boolean, double precision[], double precision),
	clientele.logistic_predict(double precision[], double precision[])
TO clientele_analyst, clientele_admin;
