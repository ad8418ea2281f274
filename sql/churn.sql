-- area: churn (see docs/churn.md)
-- ===========================================================================
-- Churn scores with reasons, as of a date: a transparent scorecard over the
-- warning signals (clientele.churn_signals), 100 (1 - P(alive)) of a BG/NBD
-- fit, or a trained logistic model (clientele.train_churn_model) whose
-- reasons are the features' contributions; and their evaluation against what
-- happened after the date (clientele.churn_evaluation).
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- the scorecard mapping
-- ---------------------------------------------------------------------------
CREATE FUNCTION clientele.churn_scorecard_score(points numeric, scale numeric DEFAULT 50)
RETURNS numeric
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_churn_scorecard_score';
COMMENT ON FUNCTION clientele.churn_scorecard_score(numeric, numeric) IS
	'Scorecard churn score of a customer with the given sum of signal points: 100 (1 - exp(-points / scale)), rounded to 2 decimals; 0 points give 0, scale points 63.21, 2 scale 86.47, 100 only when rounding reaches it (points >= 9.9 scale). Monotone, so the ranking is that of the points. ERROR 22023 for negative or non-finite points or a scale <= 0.';

-- the scale in use: setting clientele.churn_scorecard_scale (default 50)
CREATE FUNCTION clientele.churn_scorecard_scale() RETURNS numeric
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v text := current_setting('clientele.churn_scorecard_scale', true);
BEGIN
	IF v IS NULL OR v = '' THEN
		RETURN 50;
	END IF;
	IF v !~ '^\s*[0-9]+(\.[0-9]+)?\s*$' OR v::numeric <= 0 OR v::numeric > 1000000 THEN
		RAISE EXCEPTION 'setting clientele.churn_scorecard_scale must be a number of points above 0 and at most 1000000, got "%"', v
			USING ERRCODE = 'invalid_parameter_value', HINT = 'SET clientele.churn_scorecard_scale = 50 (the default), or RESET it.';
	END IF;
	RETURN v::numeric;
END $$;
COMMENT ON FUNCTION clientele.churn_scorecard_scale() IS
	'The scale of the scorecard mapping: the setting clientele.churn_scorecard_scale (points at which the score is 63.21), default 50; ERROR 22023 for a value that is not a number in (0, 1000000].';

-- ---------------------------------------------------------------------------
-- the learned model: features, model table
-- ---------------------------------------------------------------------------
CREATE FUNCTION clientele.churn_model_feature_names() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
	SELECT ARRAY['tenure_years', 'days_since_last_txn', 'txn_3m', 'txn_trend', 'log_aum_3m', 'aum_trend',
	             'products_open', 'products_change', 'complaints_6m', 'address_changes_3m',
	             'outflow_other_bank_share', 'td_not_rolled_3m']::text[]
$$;
COMMENT ON FUNCTION clientele.churn_model_feature_names() IS
	'Names of the 12 features of a trained churn model, in the order of clientele.churn_model_features.';

-- No SET clause, so that the planner inlines it (a SET clause would make it a
-- SQL function call per customer, about 60 us each); every operator and
-- function is schema-qualified instead, since an inlined body is parsed with
-- the caller's search_path.
CREATE FUNCTION clientele.churn_model_features(f clientele.customer_features) RETURNS double precision[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT ARRAY[
		coalesce(f.tenure_days, 0) OPERATOR(pg_catalog./) 365.25,
		least(coalesce(f.as_of OPERATOR(pg_catalog.-) f.last_txn_on, f.tenure_days, 0), 730),
		f.txn_3m,
		least(greatest((f.txn_3m OPERATOR(pg_catalog.-) f.txn_prev_3m)::numeric OPERATOR(pg_catalog./) greatest(f.txn_prev_3m, 1), -1), 10),
		pg_catalog.ln(1 OPERATOR(pg_catalog.+) greatest(f.aum_3m, 0)),
		least(greatest((f.aum_3m OPERATOR(pg_catalog.-) f.aum_prev_3m) OPERATOR(pg_catalog./) greatest(f.aum_prev_3m, 1), -1), 10),
		f.products_open,
		f.products_open OPERATOR(pg_catalog.-) f.products_open_6m_ago,
		f.complaints_6m,
		f.address_changes_3m,
		least(f.other_bank_out_3m OPERATOR(pg_catalog./) greatest(f.aum_3m_ago, 1), 10),
		f.td_not_rolled_3m
	]::double precision[]
$$;
COMMENT ON FUNCTION clientele.churn_model_features(clientele.customer_features) IS
	'The 12 features of a trained churn model from a row of clientele.customer_features: tenure in years; days since the last customer-initiated transaction (capped at 730; tenure when none); transactions in the last 3 months; their relative change against the 3 months before (-1..10); ln(1 + AUM of the last 3 months); the relative change of AUM (-1..10); open products; change of open products over 6 months; complaints (6 months); address changes (3 months); outflow to other banks over AUM 3 months ago (0..10); time deposits matured and not rolled (3 months).';

-- The reasons of a 'p_alive' churn score, written once for
-- clientele.churn_scores(as_of, 'p_alive') and the refresh's churn stage
-- (which takes P(alive) from its models stage).  Inlinable, like
-- clientele.churn_model_features: no SET clause, everything schema-qualified.
CREATE FUNCTION clientele.churn_p_alive_reasons(p_alive double precision, repeat_days integer,
	weeks_first_to_last double precision, weeks_observed double precision, last_txn_on date)
RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
		'signal', 'p_alive',
		'points', pg_catalog.round((100 OPERATOR(pg_catalog.*) (1 OPERATOR(pg_catalog.-) p_alive))::numeric, 2),
		'evidence', CASE WHEN repeat_days IS NULL
		                 THEN pg_catalog.jsonb_build_object('p_alive', pg_catalog.round(p_alive::numeric, 4), 'transactions', 0)
		                 ELSE pg_catalog.jsonb_build_object('p_alive', pg_catalog.round(p_alive::numeric, 4),
		                                                    'repeat_days', repeat_days,
		                                                    'weeks_first_to_last', pg_catalog.round(weeks_first_to_last::numeric, 2),
		                                                    'weeks_observed', pg_catalog.round(weeks_observed::numeric, 2),
		                                                    'last_txn_on', last_txn_on) END))
$$;
COMMENT ON FUNCTION clientele.churn_p_alive_reasons(double precision, integer, double precision, double precision, date) IS
	'Reasons of a churn score by P(alive) (churn_scores(as_of, ''p_alive'') and the refresh): a one-element jsonb array {"signal": "p_alive", "points": 100 (1 - p_alive) to 2 decimals, "evidence": {p_alive to 4 decimals, and either "transactions": 0 when repeat_days is NULL (no purchase) or repeat_days, weeks_first_to_last, weeks_observed (2 decimals) and last_txn_on}}.';

CREATE TABLE clientele.churn_model (
	name            text NOT NULL
		CONSTRAINT churn_model_name_valid CHECK (name ~ '^[a-z][a-z0-9_]*$' AND name NOT IN ('scorecard', 'p_alive')),
	version         integer NOT NULL CONSTRAINT churn_model_version_valid CHECK (version >= 1),
	trained_as_of   date NOT NULL,
	horizon         interval NOT NULL,
	l2              double precision NOT NULL,
	features        text[] NOT NULL,
	means           double precision[] NOT NULL,
	scales          double precision[] NOT NULL,
	coefficients    double precision[] NOT NULL,
	std_errors      double precision[],
	log_likelihood  double precision NOT NULL,
	iterations      integer NOT NULL,
	converged       boolean NOT NULL,
	n               bigint NOT NULL,
	n_positive      bigint NOT NULL,
	n_negative      bigint NOT NULL,
	training_auc    double precision,
	trained_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
	trained_by      name NOT NULL DEFAULT CURRENT_USER,
	CONSTRAINT churn_model_pkey PRIMARY KEY (name, version),
	CONSTRAINT churn_model_shapes_valid CHECK (
		pg_catalog.cardinality(features) >= 1
		AND pg_catalog.cardinality(means) = pg_catalog.cardinality(features)
		AND pg_catalog.cardinality(scales) = pg_catalog.cardinality(features)
		AND pg_catalog.cardinality(coefficients) = pg_catalog.cardinality(features) + 1
		AND (std_errors IS NULL OR pg_catalog.cardinality(std_errors) = pg_catalog.cardinality(features) + 1)
		AND NOT ('NaN'::float8 = ANY (coefficients) OR 'Infinity'::float8 = ANY (coefficients) OR '-Infinity'::float8 = ANY (coefficients))
		AND NOT ('NaN'::float8 = ANY (means) OR 'Infinity'::float8 = ANY (means) OR '-Infinity'::float8 = ANY (means))
		AND 0 < ALL (scales) AND 'Infinity'::float8 <> ALL (scales) AND 'NaN'::float8 <> ALL (scales))
);
COMMENT ON TABLE clientele.churn_model IS
	'Trained churn models (clientele.train_churn_model), versioned: churn_scores(as_of, name) uses the highest version of the name. A logistic regression on standardised features: P(churn) = 1 / (1 + exp(-(c0 + sum c_j (x_j - mean_j) / scale_j))).';
COMMENT ON COLUMN clientele.churn_model.name IS 'Model name (lower case; not a built-in method name).';
COMMENT ON COLUMN clientele.churn_model.version IS 'Version: 1 for the first training of the name, then one more per training.';
COMMENT ON COLUMN clientele.churn_model.trained_as_of IS 'as_of of the training features.';
COMMENT ON COLUMN clientele.churn_model.horizon IS 'Label window: churned or dormant at trained_as_of + horizon.';
COMMENT ON COLUMN clientele.churn_model.l2 IS 'L2 penalty of the fit (on the standardised coefficients).';
COMMENT ON COLUMN clientele.churn_model.features IS 'Feature names (clientele.churn_model_feature_names()).';
COMMENT ON COLUMN clientele.churn_model.means IS 'Standardisation: mean of each feature over the training customers.';
COMMENT ON COLUMN clientele.churn_model.scales IS 'Standardisation: population standard deviation of each feature (1 when it was 0).';
COMMENT ON COLUMN clientele.churn_model.coefficients IS 'Intercept, then one coefficient per standardised feature.';
COMMENT ON COLUMN clientele.churn_model.std_errors IS 'Standard errors of the coefficients (NULL elements when not available).';
COMMENT ON COLUMN clientele.churn_model.log_likelihood IS 'Log-likelihood of the training data at the coefficients.';
COMMENT ON COLUMN clientele.churn_model.iterations IS 'Newton iterations of the fit.';
COMMENT ON COLUMN clientele.churn_model.converged IS 'Whether the fit converged (false under separation: pass an l2 penalty).';
COMMENT ON COLUMN clientele.churn_model.n IS 'Training customers.';
COMMENT ON COLUMN clientele.churn_model.n_positive IS 'Training customers labelled churned (churned or dormant at the end of the horizon).';
COMMENT ON COLUMN clientele.churn_model.n_negative IS 'Training customers labelled not churned.';
COMMENT ON COLUMN clientele.churn_model.training_auc IS 'AUC of the model on its training data (optimistic; use clientele.churn_evaluation on a later date).';
COMMENT ON COLUMN clientele.churn_model.trained_at IS 'When it was trained.';
COMMENT ON COLUMN clientele.churn_model.trained_by IS 'Who trained it.';
SELECT pg_catalog.pg_extension_config_dump('clientele.churn_model', '');

CREATE TYPE clientele.churn_model_scored AS (
	score    numeric,
	reasons  jsonb
);
COMMENT ON TYPE clientele.churn_model_scored IS 'Score (0..100) and reasons of one customer under a trained churn model.';
COMMENT ON COLUMN clientele.churn_model_scored.score IS '100 x the predicted probability, rounded to 2 decimals.';
COMMENT ON COLUMN clientele.churn_model_scored.reasons IS 'One object per feature {"signal": name, "points": coefficient x standardised value, "evidence": {"value", "standardised", "coefficient"}}, largest contribution first (4 decimals).';

CREATE FUNCTION clientele.churn_model_score(coefficients double precision[], means double precision[],
                                            scales double precision[], features text[], x double precision[])
RETURNS clientele.churn_model_scored
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_churn_model_score';
COMMENT ON FUNCTION clientele.churn_model_score(double precision[], double precision[], double precision[], text[], double precision[]) IS
	'Score and reasons of one customer with feature values x under a logistic model on standardised features (z_j = (x_j - means_j) / scales_j, P = 1 / (1 + exp(-(c_0 + sum c_j z_j)))). ERROR 22023 for arrays of the wrong length, NULL elements, non-finite numbers or a scale <= 0.';

CREATE FUNCTION clientele.churn_scorecard_of(features clientele.customer_features)
RETURNS clientele.churn_model_scored
LANGUAGE c STABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_churn_scorecard_of';
COMMENT ON FUNCTION clientele.churn_scorecard_of(clientele.customer_features) IS
	'Scorecard churn score and reasons of one customer from its row of clientele.customer_features, in C: the signals it fires (clientele.churn_signals_of), score = clientele.churn_scorecard_score(sum of their points, setting clientele.churn_scorecard_scale), reasons = [{"signal", "points", "evidence"}] largest points first (ties by signal), [] when none fires. The row-level form of clientele.churn_scores(as_of, ''scorecard''), which leaves out customers whose lifecycle stage (clientele.lifecycle_classify) is churned. NULL features give NULL; ERROR 22023 for an invalid scale setting or a negative, NaN or infinite feature.';

-- the end of a label window must have been observed
CREATE FUNCTION clientele.churn_check_horizon(as_of date, horizon interval) RETURNS date
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_end date;
	v_msg text;
BEGIN
	IF horizon IS NULL THEN
		RAISE EXCEPTION 'horizon must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT isfinite(horizon) OR horizon <= interval '0' OR horizon > interval '10 years' THEN
		RAISE EXCEPTION 'horizon must be a positive interval of at most 10 years, got %', horizon
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM clientele.check_as_of(as_of);
	v_end := (as_of + horizon)::date;
	IF v_end <= as_of THEN
		RAISE EXCEPTION 'horizon % ends on the day of as_of', horizon USING ERRCODE = 'invalid_parameter_value';
	END IF;
	BEGIN
		PERFORM clientele.check_as_of(v_end);
	EXCEPTION WHEN invalid_parameter_value THEN
		GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT;
		RAISE EXCEPTION 'the horizon ends on %, after the inputs end', v_end
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'What happened after as_of is only known up to the newest input row: ' || v_msg || '.',
			      HINT = 'Pick an earlier as_of or a shorter horizon.';
	END;
	RETURN v_end;
END $$;
COMMENT ON FUNCTION clientele.churn_check_horizon(date, interval) IS
	'Checks a label window (as_of, as_of + horizon]: as_of passes clientele.check_as_of, the horizon is positive and at most 10 years, and its end passes clientele.check_as_of too (the inputs reach it, within the setting clientele.as_of_max_lag_days); ERROR 22023 with a hint otherwise. Returns the end date.';

-- ---------------------------------------------------------------------------
-- scores
-- ---------------------------------------------------------------------------
CREATE FUNCTION clientele.churn_scores(as_of date, method text DEFAULT 'scorecard')
RETURNS TABLE (customer_id bigint, score numeric, reasons jsonb)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 100000 SET search_path = pg_catalog, pg_temp SET jit = off AS $$
#variable_conflict use_column
DECLARE
	m clientele.churn_model;
	v_zone text := pg_catalog.current_setting('TimeZone');  -- calendar days of this session on every node
	v_penalizer float8;
BEGIN
	IF method IS NULL THEN
		RAISE EXCEPTION 'method must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM clientele.check_as_of(churn_scores.as_of);

	IF method = 'scorecard' THEN
		PERFORM clientele.churn_scorecard_scale();	-- an invalid setting fails even without customers
		RETURN QUERY
		SELECT (q.f).customer_id, (r.s).score, (r.s).reasons
		FROM (SELECT x AS f FROM clientele.customer_features(churn_scores.as_of) x) q
		CROSS JOIN LATERAL (SELECT clientele.churn_scorecard_of(q.f) AS s OFFSET 0) r
		WHERE ((clientele.lifecycle_classify(q.f)).stage) OPERATOR(pg_catalog.<>) 'churned'::clientele.lifecycle_stage
		ORDER BY 1;
		RETURN;
	END IF;

	IF method = 'p_alive' THEN
		-- the refresh's BG/NBD fit (its models stage): purchases are the
		-- customer-initiated, non-enquiry transactions (one per day, weeks),
		-- fitted over the customers open on as_of with at least one, with
		-- the refresh's penalizer; no P(alive) when the fit did not converge
		v_penalizer := (SELECT rc.model_penalizer FROM clientele.refresh_config rc);
		RETURN QUERY
		WITH f AS MATERIALIZED (
			SELECT x AS f FROM clientele.customer_features(churn_scores.as_of) x
		), live AS (
			SELECT (f).customer_id AS customer_id, (f).customer_closed AS closed FROM f
			WHERE ((clientele.lifecycle_classify(f)).stage) OPERATOR(pg_catalog.<>) 'churned'::clientele.lifecycle_stage
		), s AS MATERIALIZED (
			-- customer-initiated, non-enquiry transactions, weeks
			SELECT t.customer_id,
			       clientele.rfm_summary((t.ts AT TIME ZONE v_zone)::date, t.amount::float8, churn_scores.as_of, interval '7 days') AS r
			FROM clientele.in_transaction t
			WHERE t.customer_initiated AND t.kind OPERATOR(pg_catalog.<>) 'enquiry'
			  AND t.ts OPERATOR(pg_catalog.<) (churn_scores.as_of + 1)::timestamptz
			GROUP BY t.customer_id
		), fit AS (
			SELECT clientele.bgnbd_fit((s.r).frequency, (s.r).recency, (s.r).t, coalesce(v_penalizer, 0.001)) AS p
			FROM s JOIN f ON (f.f).customer_id OPERATOR(pg_catalog.=) s.customer_id
			WHERE s.r IS NOT NULL AND NOT (f.f).customer_closed
		), scored AS (
			SELECT l.customer_id, s.r,
			       CASE WHEN l.closed THEN 0::float8
			            WHEN s.r IS NULL THEN 1::float8
			            WHEN NOT coalesce((fit.p).converged, false) THEN NULL::float8
			            ELSE clientele.bgnbd_p_alive(fit.p, (s.r).frequency, (s.r).recency, (s.r).t) END AS pa
			FROM live l LEFT JOIN s ON s.customer_id OPERATOR(pg_catalog.=) l.customer_id CROSS JOIN fit
		)
		SELECT c.customer_id, round((100 * (1 - c.pa))::numeric, 2),
		       clientele.churn_p_alive_reasons(c.pa, (c.r).frequency, (c.r).recency, (c.r).t, (c.r).last_at)
		FROM scored c
		ORDER BY c.customer_id;
		RETURN;
	END IF;

	SELECT * INTO m FROM clientele.churn_model cm WHERE cm.name OPERATOR(pg_catalog.=) method ORDER BY cm.version DESC LIMIT 1;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'unknown churn scoring method "%"', method
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Methods are: scorecard, p_alive' || coalesce(', ' || (
			          SELECT string_agg(DISTINCT cm.name, ', ' ORDER BY cm.name) FROM clientele.churn_model cm), '')
			          || ' (trained models: clientele.train_churn_model).';
	END IF;
	RETURN QUERY
	SELECT (f).customer_id, (r.s).score, (r.s).reasons
	FROM (SELECT x AS f FROM clientele.customer_features(churn_scores.as_of) x) q
	CROSS JOIN LATERAL (SELECT clientele.churn_model_score(m.coefficients, m.means, m.scales, m.features,
	                                                       clientele.churn_model_features(q.f)) AS s OFFSET 0) r
	WHERE ((clientele.lifecycle_classify(q.f)).stage) OPERATOR(pg_catalog.<>) 'churned'::clientele.lifecycle_stage
	ORDER BY 1;
END $$;
COMMENT ON FUNCTION clientele.churn_scores(date, text) IS
	'Churn score 0..100 with reasons for every customer opened on or before as_of and not churned then (lifecycle stage other than churned; no row dated after as_of). method: ''scorecard'' (the sum of the points of the signals fired for the customer, clientele.churn_signals_of, mapped by clientele.churn_scorecard_score; reasons = the signals, largest points first), ''p_alive'' (100 (1 - P(alive)) of the BG/NBD fit of the refresh (clientele.refresh_config.model_penalizer): purchases are the customer-initiated, non-enquiry transactions up to as_of, one per day, in weeks, fitted over the customers open on as_of with at least one; 0 without any purchase; closed customers are not alive (100); NULL scores for customers with purchases when the fit does not converge, as the refresh leaves their P(alive) NULL), or the name of a trained model (100 x its probability; reasons = coefficient x standardised value per feature, largest first). reasons: a jsonb array of {"signal", "points", "evidence"}. ERROR 22023 naming the known methods for an unknown one. Ordered by customer_id.';

-- ---------------------------------------------------------------------------
-- training
-- ---------------------------------------------------------------------------
CREATE TABLE clientele.churn_training (
	customer_id  bigint NOT NULL,
	label        boolean NOT NULL,
	v            double precision[] NOT NULL,
	z            double precision[]
);
COMMENT ON TABLE clientele.churn_training IS
	'Work table of clientele.train_churn_model: the training rows of the training in progress, empty otherwise (the training locks it and empties it before its transaction ends). Keyed by customer: clientele.distribute() distributes it by customer_id, so that the passes of the fit run on the shards.';
COMMENT ON COLUMN clientele.churn_training.customer_id IS 'Customer.';
COMMENT ON COLUMN clientele.churn_training.label IS 'Churned or dormant at the end of the horizon.';
COMMENT ON COLUMN clientele.churn_training.v IS 'The features (clientele.churn_model_features) as of the training date.';
COMMENT ON COLUMN clientele.churn_training.z IS 'The features standardised with the training means and scales.';

CREATE FUNCTION clientele.churn_standardise(x double precision[], means double precision[], scales double precision[])
RETURNS double precision[]
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_churn_standardise';
COMMENT ON FUNCTION clientele.churn_standardise(double precision[], double precision[], double precision[]) IS
	'(x_i - means_i) / scales_i element by element: the standardised features of clientele.train_churn_model (z_j of clientele.churn_model_score). ERROR 22023 for arrays of different lengths, NULL elements or a scale that is not a finite number > 0; 22003 when a result is not finite.';

CREATE FUNCTION clientele.train_churn_model(name text, as_of date, horizon interval DEFAULT '6 months',
                                            l2 double precision DEFAULT 0)
RETURNS clientele.churn_model
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_variable
DECLARE
	v_end date;
	v_means float8[];
	v_scales float8[];
	v_fit clientele.logistic_model;
	v_auc float8;
	v_version integer;
	v_n bigint;
	v_pos bigint;
	v_names text[] := clientele.churn_model_feature_names();
	v_keep integer[];	-- the features that vary over the training customers
	v_coef float8[];
	v_se float8[];
	r clientele.churn_model;
BEGIN
	IF name IS NULL OR l2 IS NULL THEN
		RAISE EXCEPTION 'name and l2 must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF name !~ '^[a-z][a-z0-9_]*$' OR name IN ('scorecard', 'p_alive') THEN
		RAISE EXCEPTION 'invalid churn model name "%"', name
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'A model name is lower case (letters, digits, _), starts with a letter, and is not scorecard or p_alive.';
	END IF;
	IF l2 = 'NaN'::float8 OR l2 < 0 OR l2 = 'Infinity'::float8 THEN
		RAISE EXCEPTION 'l2 must be a finite number >= 0, got %', l2 USING ERRCODE = 'invalid_parameter_value';
	END IF;
	v_end := clientele.churn_check_horizon(as_of, horizon);

	-- the training rows go to clientele.churn_training (distributed by
	-- customer_id on Citus, co-located with the customers), so that every
	-- Newton pass of the fit runs on the shards and ships one fixed-size
	-- clientele.logistic_step state per shard, no rows; emptied before the end
	-- (one training at a time: the table is locked until the transaction ends)
	LOCK TABLE clientele.churn_training IN EXCLUSIVE MODE;
	DELETE FROM clientele.churn_training;
	INSERT INTO clientele.churn_training (customer_id, v, label)
	WITH f AS MATERIALIZED (
		SELECT x AS f FROM clientele.customer_features(as_of) x
	), later AS (
		SELECT l.customer_id, l.stage FROM clientele.lifecycle(v_end) l
	)
	SELECT (f).customer_id, clientele.churn_model_features(f),
	       later.stage IN ('churned', 'dormant')
	FROM f JOIN later ON later.customer_id OPERATOR(pg_catalog.=) (f).customer_id
	WHERE ((clientele.lifecycle_classify(f)).stage) OPERATOR(pg_catalog.<>) 'churned'::clientele.lifecycle_stage;

	-- a feature that is the same for every training customer (e.g. no time
	-- deposits at all: td_not_rolled_3m is 0 throughout) carries no
	-- information and would make the fit singular at l2 = 0: it is left out
	-- of the fit and stored with coefficient 0 (and no standard error)
	SELECT array_agg(mu ORDER BY i), array_agg(CASE WHEN sd > 0 THEN sd ELSE 1 END ORDER BY i),
	       coalesce(array_agg(i ORDER BY i) FILTER (WHERE sd > 0), '{}')
	INTO v_means, v_scales, v_keep
	FROM (SELECT i, avg(t.v[i]) AS mu, max(t.v[i]) > min(t.v[i]) AS varies, stddev_pop(t.v[i]) AS sd0
	      FROM clientele.churn_training t, generate_series(1, cardinality(v_names)) i GROUP BY i) s0,
	     LATERAL (SELECT CASE WHEN s0.varies THEN s0.sd0 ELSE 0 END AS sd) s1;

	SELECT count(*), count(*) FILTER (WHERE t.label) INTO v_n, v_pos FROM clientele.churn_training t;
	IF v_pos = 0 OR v_pos = v_n THEN
		RAISE EXCEPTION 'the training data as of % has one class only', as_of
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('%s customers: %s churned or dormant on %s, %s not.', v_n, v_pos, v_end, v_n - v_pos),
			      HINT = 'Pick an as_of or a horizon with churn in it.';
	END IF;
	IF v_n < cardinality(v_names) + 1 THEN
		RAISE EXCEPTION 'the training data as of % has fewer customers than parameters', as_of
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('%s customers (%s churned or dormant on %s, %s not) for %s features plus the intercept.',
			                      v_n, v_pos, v_end, v_n - v_pos, cardinality(v_names));
	END IF;

	-- the fit sees the varying features only (standardised)
	UPDATE clientele.churn_training t
	SET z = clientele.churn_standardise(ARRAY(SELECT t.v[k] FROM unnest(v_keep) k ORDER BY k),
	                                    ARRAY(SELECT v_means[k] FROM unnest(v_keep) k ORDER BY k),
	                                    ARRAY(SELECT v_scales[k] FROM unnest(v_keep) k ORDER BY k));
	v_fit := clientele.logistic_fit_passes('clientele.churn_training'::regclass, 'label', 'z', l2);

	SELECT clientele.auc(clientele.logistic_predict(v_fit.coefficients, t.z), t.label)
	INTO v_auc FROM clientele.churn_training t;
	DELETE FROM clientele.churn_training;

	-- back to all the features: the left-out ones get coefficient 0
	SELECT v_fit.coefficients[1] || array_agg(coalesce(v_fit.coefficients[1 + k.pos::integer], 0) ORDER BY i),
	       v_fit.std_errors[1] || array_agg(v_fit.std_errors[1 + k.pos::integer] ORDER BY i)
	INTO v_coef, v_se
	FROM generate_series(1, cardinality(v_names)) i
	LEFT JOIN unnest(v_keep) WITH ORDINALITY k(feature, pos) ON k.feature = i;

	SELECT coalesce(max(cm.version), 0) + 1 INTO v_version FROM clientele.churn_model cm WHERE cm.name OPERATOR(pg_catalog.=) name;
	INSERT INTO clientele.churn_model (name, version, trained_as_of, horizon, l2, features, means, scales, coefficients,
	                                   std_errors, log_likelihood, iterations, converged, n, n_positive, n_negative, training_auc)
	VALUES (name, v_version, as_of, horizon, l2, v_names, v_means, v_scales, v_coef,
	        CASE WHEN v_fit.std_errors IS NOT NULL THEN v_se END, v_fit.log_likelihood, v_fit.iterations, v_fit.converged, v_fit.n, v_fit.n_positive,
	        v_fit.n_negative, v_auc)
	RETURNING * INTO r;
	RETURN r;
END $$;
COMMENT ON FUNCTION clientele.train_churn_model(text, date, interval, double precision) IS
	'Trains a churn model and stores it as the next version of name in clientele.churn_model (returned): features clientele.churn_model_features as of as_of for every customer not churned then, standardised; label = lifecycle stage churned or dormant on as_of + horizon; the fit of clientele.logistic_fit with the l2 penalty, computed by clientele.logistic_fit_passes over the work table clientele.churn_training (on Citus every pass ships one fixed-size state per shard, no rows; one training at a time). A feature with the same value for every training customer is left out of the fit (coefficient 0, NULL standard error), so that a bank without, say, time deposits can train without a penalty. ERROR 22023 for an invalid name, a negative l2, a horizon the inputs do not reach, or training data with one class only or fewer customers than parameters (with the counts).';

-- ---------------------------------------------------------------------------
-- evaluation
-- ---------------------------------------------------------------------------
CREATE FUNCTION clientele.churn_evaluation(as_of date, horizon interval DEFAULT '6 months', method text DEFAULT 'scorecard')
RETURNS TABLE (customers bigint, churned bigint, base_rate double precision,
               auc double precision, ks double precision, lift_10 double precision, calibration jsonb)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_variable
DECLARE
	v_end date;
BEGIN
	IF method IS NULL THEN
		RAISE EXCEPTION 'method must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	v_end := clientele.churn_check_horizon(as_of, horizon);
	RETURN QUERY
	WITH s AS (
		SELECT c.customer_id, c.score FROM clientele.churn_scores(as_of, method) c
	), o AS (
		SELECT s.customer_id, s.score::float8 AS score, l.stage IN ('churned', 'dormant') AS label
		FROM s JOIN clientele.lifecycle(v_end) l ON l.customer_id OPERATOR(pg_catalog.=) s.customer_id
	), d AS (
		SELECT o.*, ntile(10) OVER (ORDER BY o.score, o.customer_id) AS decile FROM o
	), cal AS (
		SELECT jsonb_agg(jsonb_build_object('decile', decile, 'customers', n, 'min_score', lo, 'max_score', hi,
		                                    'mean_score', mean_score, 'observed_rate', rate) ORDER BY decile) AS j
		FROM (SELECT d.decile, count(*) AS n, round(min(d.score)::numeric, 2) AS lo, round(max(d.score)::numeric, 2) AS hi,
		             round(avg(d.score)::numeric, 2) AS mean_score,
		             round((count(*) FILTER (WHERE d.label))::numeric / count(*), 4) AS rate
		      FROM d GROUP BY d.decile) x
	)
	SELECT count(*), count(*) FILTER (WHERE o.label),
	       (count(*) FILTER (WHERE o.label))::float8 / nullif(count(*), 0),
	       clientele.auc(o.score, o.label), clientele.ks(o.score, o.label), clientele.lift(o.score, o.label, 0.1),
	       (SELECT cal.j FROM cal)
	FROM o;
END $$;
COMMENT ON FUNCTION clientele.churn_evaluation(date, interval, text) IS
	'How well clientele.churn_scores(as_of, method) predicted what happened: outcome = lifecycle stage churned or dormant on as_of + horizon (the inputs must reach that day). One row: customers scored, churned, base rate, AUC, KS, lift in the top 10 % and calibration by score decile (jsonb array: decile 1 = lowest scores, customers, min/max/mean score, observed churn rate).';

-- ---------------------------------------------------------------------------
-- privileges
-- ---------------------------------------------------------------------------
REVOKE ALL ON TABLE clientele.churn_model FROM PUBLIC;
REVOKE ALL ON TABLE clientele.churn_training FROM PUBLIC;
GRANT SELECT ON TABLE clientele.churn_training TO clientele_analyst, clientele_admin;
GRANT INSERT, UPDATE, DELETE ON TABLE clientele.churn_training TO clientele_admin;
GRANT SELECT ON TABLE clientele.churn_model TO clientele_analyst, clientele_admin;
GRANT INSERT, UPDATE, DELETE ON TABLE clientele.churn_model TO clientele_admin;
REVOKE ALL ON FUNCTION
	clientele.churn_scorecard_score(numeric, numeric),
	clientele.churn_scorecard_of(clientele.customer_features),
	clientele.churn_scorecard_scale(),
	clientele.churn_model_feature_names(),
	clientele.churn_p_alive_reasons(double precision, integer, double precision, double precision, date),
	clientele.churn_model_features(clientele.customer_features),
	clientele.churn_model_score(double precision[], double precision[], double precision[], text[], double precision[]),
	clientele.churn_check_horizon(date, interval),
	clientele.churn_scores(date, text),
	clientele.train_churn_model(text, date, interval, double precision),
	clientele.churn_evaluation(date, interval, text),
	clientele.churn_standardise(double precision[], double precision[], double precision[])
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	clientele.churn_scorecard_score(numeric, numeric),
	clientele.churn_scorecard_of(clientele.customer_features),
	clientele.churn_scorecard_scale(),
	clientele.churn_model_feature_names(),
	clientele.churn_p_alive_reasons(double precision, integer, double precision, double precision, date),
	clientele.churn_model_features(clientele.customer_features),
	clientele.churn_model_score(double precision[], double precision[], double precision[], text[], double precision[]),
	clientele.churn_check_horizon(date, interval),
	clientele.churn_scores(date, text),
	clientele.churn_evaluation(date, interval, text),
	clientele.churn_standardise(double precision[], double precision[], double precision[])
TO clientele_analyst, clientele_admin;
GRANT EXECUTE ON FUNCTION clientele.train_churn_model(text, date, interval, double precision) TO clientele_admin;
