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
-- clientele.logistic_step_state: one Newton pass at given coefficients, of
-- fixed size O(p^2): what a distributed logistic fit ships per shard and pass
-- ---------------------------------------------------------------------------
CREATE TYPE clientele.logistic_step_state;

CREATE FUNCTION clientele.logistic_step_state_in(cstring) RETURNS clientele.logistic_step_state
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_logistic_step_state_in';
COMMENT ON FUNCTION clientele.logistic_step_state_in(cstring) IS
	'Input function of clientele.logistic_step_state: "clls1:" and the hex of the binary form, every invariant checked.';

CREATE FUNCTION clientele.logistic_step_state_out(clientele.logistic_step_state) RETURNS cstring
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_logistic_step_state_out';
COMMENT ON FUNCTION clientele.logistic_step_state_out(clientele.logistic_step_state) IS
	'Output function of clientele.logistic_step_state: "clls1:" and the hex of the binary form.';

CREATE FUNCTION clientele.logistic_step_state_recv(internal) RETURNS clientele.logistic_step_state
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_logistic_step_state_recv';
COMMENT ON FUNCTION clientele.logistic_step_state_recv(internal) IS
	'Binary input of clientele.logistic_step_state (little-endian), every invariant checked.';

CREATE FUNCTION clientele.logistic_step_state_send(clientele.logistic_step_state) RETURNS bytea
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_logistic_step_state_send';
COMMENT ON FUNCTION clientele.logistic_step_state_send(clientele.logistic_step_state) IS
	'Binary output of clientele.logistic_step_state (little-endian).';

CREATE TYPE clientele.logistic_step_state (
	INPUT = clientele.logistic_step_state_in,
	OUTPUT = clientele.logistic_step_state_out,
	RECEIVE = clientele.logistic_step_state_recv,
	SEND = clientele.logistic_step_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE clientele.logistic_step_state IS
	'Partial state of clientele.logistic_step: rows, positives, l2, log-likelihood, the coefficients, the gradient and the information matrix X''WX at them; 48 + 8 (2 q + q (q + 1) / 2) bytes for q = p + 1 parameters whatever the number of rows (1,024 bytes for 12 features); merges exactly (sums).';

CREATE TYPE clientele.logistic_step_result AS (
	n               bigint,
	n_positive      bigint,
	l2              double precision,
	coefficients    double precision[],
	log_likelihood  double precision,
	objective       double precision,
	gradient        double precision[],
	information     double precision[],
	newton_step     double precision[],
	std_errors      double precision[],
	singular_at     integer
);
COMMENT ON TYPE clientele.logistic_step_result IS
	'Result of clientele.logistic_step: one Newton pass of a logistic regression at given coefficients.';
COMMENT ON COLUMN clientele.logistic_step_result.n IS 'Rows used (rows with a NULL label or NULL features are skipped).';
COMMENT ON COLUMN clientele.logistic_step_result.n_positive IS 'Rows with label true.';
COMMENT ON COLUMN clientele.logistic_step_result.l2 IS 'L2 penalty of the objective (the intercept is not penalised).';
COMMENT ON COLUMN clientele.logistic_step_result.coefficients IS 'The coefficients the pass was made at, intercept first.';
COMMENT ON COLUMN clientele.logistic_step_result.log_likelihood IS 'Log-likelihood of the rows at the coefficients (without the penalty).';
COMMENT ON COLUMN clientele.logistic_step_result.objective IS 'log_likelihood - l2/2 sum_{j>=1} b_j^2.';
COMMENT ON COLUMN clientele.logistic_step_result.gradient IS 'Gradient of the objective at the coefficients.';
COMMENT ON COLUMN clientele.logistic_step_result.information IS 'Negative Hessian of the objective (X''WX plus l2 on the slopes), q x q.';
COMMENT ON COLUMN clientele.logistic_step_result.newton_step IS 'The Newton step: information^-1 gradient (coefficients + newton_step is the next Newton iterate); NULL when the information is not positive definite.';
COMMENT ON COLUMN clientele.logistic_step_result.std_errors IS 'Square roots of the diagonal of information^-1 (the standard errors when the coefficients are the optimum); NULL when the information is not positive definite.';
COMMENT ON COLUMN clientele.logistic_step_result.singular_at IS 'NULL, or the 1-based parameter at which the information is not positive definite (1 = intercept).';

CREATE FUNCTION clientele.logistic_step_trans(clientele.logistic_step_state, boolean, double precision[],
                                              double precision[], double precision)
RETURNS clientele.logistic_step_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_logistic_step_trans';
COMMENT ON FUNCTION clientele.logistic_step_trans(clientele.logistic_step_state, boolean, double precision[], double precision[], double precision) IS
	'Transition function of logistic_step: adds the row''s log-likelihood, gradient and information at the coefficients (rows with a NULL label or features are skipped; coefficients and l2 must be the same on every row).';

CREATE FUNCTION clientele.logistic_step_combine(clientele.logistic_step_state, clientele.logistic_step_state)
RETURNS clientele.logistic_step_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_logistic_step_combine';
COMMENT ON FUNCTION clientele.logistic_step_combine(clientele.logistic_step_state, clientele.logistic_step_state) IS
	'Combine function of logistic_step: adds the sums of two states at the same coefficients and l2.';

CREATE FUNCTION clientele.logistic_step_final(clientele.logistic_step_state) RETURNS clientele.logistic_step_result
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_logistic_step_final';
COMMENT ON FUNCTION clientele.logistic_step_final(clientele.logistic_step_state) IS
	'Final function of logistic_step: the penalised objective, gradient, information, Newton step and standard errors.';

CREATE AGGREGATE clientele.logistic_step(label boolean, features double precision[],
                                         coefficients double precision[], l2 double precision) (
	SFUNC = clientele.logistic_step_trans,
	STYPE = clientele.logistic_step_state,
	COMBINEFUNC = clientele.logistic_step_combine,
	FINALFUNC = clientele.logistic_step_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.logistic_step(boolean, double precision[], double precision[], double precision) IS
	'One Newton pass of the logistic regression of label on features (intercept added) at the given coefficients (intercept first), objective LL - l2/2 sum_{j>=1} b_j^2: its partial state has a fixed size O(p^2), so on Citus every shard ships one small state per pass and no rows. clientele.logistic_fit_passes iterates it to the optimum. NULL without rows.';

CREATE FUNCTION clientele.logistic_fit_passes(relation regclass, label_column name, features_column name,
                                              l2 double precision DEFAULT 0, max_iterations integer DEFAULT 100)
RETURNS clientele.logistic_model
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_sql text;
	v_p integer;
	q integer;
	r clientele.logistic_step_result;
	nxt clientele.logistic_step_result;
	v_row record;
	b float8[];
	bn float8[];
	d float8[];
	m float8[];
	sc float8[];
	f float8;
	v_step float8;
	t float8;
	it integer := 0;
	v_passes integer := 0;
	v_conv boolean := false;
	v_accepted boolean;
BEGIN
	IF relation IS NULL OR label_column IS NULL OR features_column IS NULL OR l2 IS NULL OR max_iterations IS NULL THEN
		RAISE EXCEPTION 'relation, label_column, features_column, l2 and max_iterations must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF l2 = 'NaN'::float8 OR l2 < 0 OR l2 = 'Infinity'::float8 THEN
		RAISE EXCEPTION 'l2 must be a finite number >= 0, got %', l2 USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF max_iterations < 1 OR max_iterations > 1000 THEN
		RAISE EXCEPTION 'max_iterations must be between 1 and 1000, got %', max_iterations USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- the number of features: the first row used
	EXECUTE format('SELECT pg_catalog.cardinality(%I) FROM %s WHERE %I IS NOT NULL AND %I IS NOT NULL LIMIT 1',
	               features_column, relation, label_column, features_column) INTO v_p;
	IF v_p IS NULL THEN
		RETURN NULL;	-- no row: as logistic_fit
	END IF;
	q := v_p + 1;
	v_sql := format('SELECT clientele.logistic_step(%I, %I, $1, $2) AS s FROM %s', label_column, features_column, relation);

	-- pass 1: at zero, the rows, the classes and the features' moments
	-- (information at zero = X''X / 4, plus l2 on the slopes)
	EXECUTE v_sql INTO v_row USING pg_catalog.array_fill(0::float8, ARRAY[q]), l2;
	r := v_row.s;
	v_passes := 1;
	IF r.n_positive = 0 OR r.n_positive = r.n THEN
		RAISE EXCEPTION 'logistic_fit needs rows of both classes'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('%s rows: %s positive, %s negative.', r.n, r.n_positive, r.n - r.n_positive);
	END IF;
	IF r.n < q THEN
		RAISE EXCEPTION 'logistic_fit needs at least as many rows as parameters'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('%s rows (%s positive, %s negative) for %s features plus the intercept.',
			                      r.n, r.n_positive, r.n - r.n_positive, v_p);
	END IF;
	SELECT pg_catalog.array_agg(r.information[1][j + 1] / r.information[1][1] ORDER BY j),
	       pg_catalog.array_agg(CASE WHEN s > 0 AND s < 'Infinity'::float8 THEN s ELSE 1 END ORDER BY j)
	INTO m, sc
	FROM (SELECT j, pg_catalog.sqrt(greatest(4 * (r.information[j + 1][j + 1] - l2) / r.n
	                                          - (r.information[1][j + 1] / r.information[1][1]) ^ 2, 0)) AS s
	      FROM pg_catalog.generate_series(1, v_p) j) x;

	-- start at the intercept of the null model (as logistic_fit)
	b := pg_catalog.array_fill(0::float8, ARRAY[q]);
	b[1] := pg_catalog.ln(r.n_positive::float8 / (r.n - r.n_positive));
	EXECUTE v_sql INTO v_row USING b, l2;
	r := v_row.s;
	v_passes := v_passes + 1;
	f := r.objective;
	WHILE it < max_iterations LOOP
		it := it + 1;
		d := r.newton_step;
		IF d IS NULL THEN
			IF it = 1 THEN
				RAISE EXCEPTION 'the features of logistic_fit are collinear'
					USING ERRCODE = 'invalid_parameter_value',
					      DETAIL = CASE WHEN r.singular_at <= 1 THEN 'The information matrix is singular at the intercept.'
					                    ELSE format('features[%s] is constant or a linear combination of the intercept and the features before it.', r.singular_at - 1) END,
					      HINT = 'Drop the feature or pass an l2 penalty greater than zero.';
			END IF;
			EXIT;	-- weights underflowed on the way to infinity: separation
		END IF;
		-- the largest step in standardised units (as logistic_fit)
		SELECT greatest(abs(d[1] + coalesce(sum(d[j + 1] * m[j]), 0)), coalesce(max(abs(d[j + 1] * sc[j])), 0))
		INTO v_step FROM pg_catalog.generate_series(1, v_p) j;
		IF v_step < 1e-10 THEN
			v_conv := true;
			EXIT;
		END IF;
		t := 1;
		v_accepted := false;
		WHILE t > 1e-12 LOOP
			bn := ARRAY(SELECT b[j] + t * d[j] FROM pg_catalog.generate_series(1, q) j ORDER BY j);
			EXECUTE v_sql INTO v_row USING bn, l2;
			nxt := v_row.s;
			v_passes := v_passes + 1;
			IF nxt.objective >= f - 1e-13 * (1 + abs(f)) THEN
				v_accepted := true;
				EXIT;
			END IF;
			t := t * 0.5;
		END LOOP;
		IF NOT v_accepted THEN
			v_conv := t * v_step < 1e-10;
			EXIT;
		END IF;
		b := bn;
		r := nxt;
		f := r.objective;
		IF t * v_step < 1e-10 THEN
			v_conv := true;
			EXIT;
		END IF;
		IF -r.log_likelihood < 1e-10 THEN
			EXIT;	-- every row fitted perfectly: complete separation
		END IF;
	END LOOP;
	IF NOT v_conv THEN
		RAISE WARNING 'logistic_fit did not converge after % iterations', it
			USING DETAIL = 'The classes are (quasi-)separated by the features: some coefficients grow without bound.',
			      HINT = 'Pass an l2 penalty greater than zero.';
	END IF;
	RETURN ROW(b, coalesce(r.std_errors, pg_catalog.array_fill(NULL::float8, ARRAY[q])), r.log_likelihood, it, v_conv,
	           r.n, r.n_positive, r.n - r.n_positive, l2, v_passes)::clientele.logistic_model;
END $$;
COMMENT ON FUNCTION clientele.logistic_fit_passes(regclass, name, name, double precision, integer) IS
	'The fit of clientele.logistic_fit(label_column, features_column, l2) over the rows of relation, by passes of clientele.logistic_step (one query per Newton step or step halving, each shipping one fixed-size state per Citus shard, no rows): the same start, step halving and convergence test (largest step below 1e-10 in standardised units), so the same coefficients, standard errors and log-likelihood within 1e-8 (relative to 1 + |value|; docs/evaluation.md). passes counts the queries. NULL without rows; the errors and the WARNING of logistic_fit.';

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
	clientele.logistic_predict(double precision[], double precision[]),
	clientele.logistic_step_trans(clientele.logistic_step_state, boolean, double precision[], double precision[], double precision),
	clientele.logistic_step_combine(clientele.logistic_step_state, clientele.logistic_step_state),
	clientele.logistic_step_final(clientele.logistic_step_state),
	clientele.logistic_step(boolean, double precision[], double precision[], double precision),
	clientele.logistic_fit_passes(regclass, name, name, double precision, integer)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	clientele.auc(double precision, boolean),
	clientele.ks(double precision, boolean),
	clientele.lift(double precision, boolean, double precision),
	clientele.logistic_fit(boolean, double precision[]),
	clientele.logistic_fit(boolean, double precision[], double precision),
	clientele.logistic_predict(double precision[], double precision[]),
	clientele.logistic_step(boolean, double precision[], double precision[], double precision),
	clientele.logistic_fit_passes(regclass, name, name, double precision, integer)
TO clientele_analyst, clientele_admin;
