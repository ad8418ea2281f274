-- area: lifecycle (see docs/lifecycle.md)
-- ===========================================================================
-- Lifecycle stages (domain notes section 3): a C classifier over the
-- features of clientele.customer_features, thresholds in rule sets
-- (clientele.lifecycle_rules: validated on write, compiled per backend,
-- recompiled after every committed change), a stage history with valid_from
-- / valid_to per customer and stage, and the flow matrix between two
-- recorded dates.
-- ===========================================================================

CREATE TYPE clientele.lifecycle_stage AS ENUM
	('prospect', 'new', 'growing', 'mature', 'declining', 'dormant', 'churned', 'reactivated');
COMMENT ON TYPE clientele.lifecycle_stage IS
	'Customer lifecycle stage (domain notes section 3): prospect, new, growing, mature, declining, dormant, churned, reactivated (enum order).';

CREATE TYPE clientele.lifecycle_decision AS (
	stage  clientele.lifecycle_stage,
	rule   text
);
COMMENT ON TYPE clientele.lifecycle_decision IS 'Result of clientele.lifecycle_classify: the stage and a short text saying which rule fired.';
COMMENT ON COLUMN clientele.lifecycle_decision.stage IS 'Lifecycle stage.';
COMMENT ON COLUMN clientele.lifecycle_decision.rule IS 'Which rule fired, with the numbers (e.g. "no activity for 6 months").';

CREATE TABLE clientele.lifecycle_rules (
	rules                       text PRIMARY KEY
		CONSTRAINT lifecycle_rules_name_valid CHECK (rules ~ '^[a-z][a-z0-9_]*$'),
	description                 text NOT NULL,
	in_use                      boolean NOT NULL DEFAULT false,
	new_days                    integer NOT NULL DEFAULT 90
		CONSTRAINT lifecycle_rules_new_days_range CHECK (new_days BETWEEN 1 AND 3660),
	growing_tenure_days         integer NOT NULL DEFAULT 365
		CONSTRAINT lifecycle_rules_growing_tenure_days_range CHECK (growing_tenure_days BETWEEN 1 AND 3660),
	churn_inactive_months       integer NOT NULL DEFAULT 24
		CONSTRAINT lifecycle_rules_churn_inactive_months_range CHECK (churn_inactive_months BETWEEN 1 AND 240),
	dormant_inactive_months     integer NOT NULL DEFAULT 6
		CONSTRAINT lifecycle_rules_dormant_inactive_months_range CHECK (dormant_inactive_months BETWEEN 1 AND 240),
	reactivation_gap_months     integer NOT NULL DEFAULT 6
		CONSTRAINT lifecycle_rules_reactivation_gap_months_range CHECK (reactivation_gap_months BETWEEN 1 AND 11),
	reactivation_recent_months  integer NOT NULL DEFAULT 3
		CONSTRAINT lifecycle_rules_reactivation_recent_months_range CHECK (reactivation_recent_months BETWEEN 1 AND 12),
	reactivation_window_months  integer NOT NULL DEFAULT 12
		CONSTRAINT lifecycle_rules_reactivation_window_months_range CHECK (reactivation_window_months BETWEEN 1 AND 12),
	decline_aum_drop            numeric NOT NULL DEFAULT 0.30
		CONSTRAINT lifecycle_rules_decline_aum_drop_range CHECK (decline_aum_drop > 0 AND decline_aum_drop <= 1),
	decline_txn_drop            numeric NOT NULL DEFAULT 0.50
		CONSTRAINT lifecycle_rules_decline_txn_drop_range CHECK (decline_txn_drop > 0 AND decline_txn_drop <= 1),
	decline_min_txn             integer NOT NULL DEFAULT 3
		CONSTRAINT lifecycle_rules_decline_min_txn_range CHECK (decline_min_txn BETWEEN 1 AND 100000),
	growth_aum_rise             numeric NOT NULL DEFAULT 0.20
		CONSTRAINT lifecycle_rules_growth_aum_rise_range CHECK (growth_aum_rise > 0 AND growth_aum_rise <= 1000),
	builtin                     boolean NOT NULL DEFAULT false,
	CONSTRAINT lifecycle_rules_builtin_not_in_use CHECK (NOT (builtin AND in_use))
);
CREATE UNIQUE INDEX lifecycle_rules_one_in_use ON clientele.lifecycle_rules ((true)) WHERE in_use;
COMMENT ON INDEX clientele.lifecycle_rules_one_in_use IS 'At most one rule set is in use.';
COMMENT ON TABLE clientele.lifecycle_rules IS
	'Lifecycle rule sets: the thresholds of the stage rules (first match wins: prospect, churned, dormant, reactivated, new, declining, growing, mature; docs/lifecycle.md). The shipped set "standard" holds the defaults of issue 8 and is read-only; a bank adds its own set and marks it in_use. Validated on write (ranges, and settings that contradict each other).';
COMMENT ON COLUMN clientele.lifecycle_rules.rules IS 'Rule set name (lower case), the second argument of clientele.lifecycle.';
COMMENT ON COLUMN clientele.lifecycle_rules.description IS 'What the rule set is for, who decided it.';
COMMENT ON COLUMN clientele.lifecycle_rules.in_use IS 'The rule set clientele.lifecycle uses when none is named (at most one; none marked: "standard"). Shipped sets cannot be marked.';
COMMENT ON COLUMN clientele.lifecycle_rules.new_days IS 'new: tenure (days since the first account was opened) below this (default 90).';
COMMENT ON COLUMN clientele.lifecycle_rules.growing_tenure_days IS 'growing: tenure below this (default 365, one year); not below new_days.';
COMMENT ON COLUMN clientele.lifecycle_rules.churn_inactive_months IS 'churned: no customer-initiated transaction for this many months (default 24).';
COMMENT ON COLUMN clientele.lifecycle_rules.dormant_inactive_months IS 'dormant: no customer-initiated transaction for this many months (default 6); shorter than churn_inactive_months.';
COMMENT ON COLUMN clientele.lifecycle_rules.reactivation_gap_months IS 'reactivated: the gap without customer-initiated transactions that ended lasted at least this many months (default 6, at most 11).';
COMMENT ON COLUMN clientele.lifecycle_rules.reactivation_recent_months IS 'reactivated: a customer-initiated transaction in the last this many months (default 3); not longer than dormant_inactive_months nor reactivation_window_months.';
COMMENT ON COLUMN clientele.lifecycle_rules.reactivation_window_months IS 'reactivated: the gap ended within the last this many months (default 12; at most 12, the look-back of the features).';
COMMENT ON COLUMN clientele.lifecycle_rules.decline_aum_drop IS 'declining: AUM of the last 3 months fell by at least this fraction against the 3 months before (default 0.30).';
COMMENT ON COLUMN clientele.lifecycle_rules.decline_txn_drop IS 'declining: customer-initiated transactions fell by at least this fraction (default 0.50) ...';
COMMENT ON COLUMN clientele.lifecycle_rules.decline_min_txn IS '... with at least this many in the earlier window (default 3).';
COMMENT ON COLUMN clientele.lifecycle_rules.growth_aum_rise IS 'growing: AUM rose by at least this fraction (default 0.20; or from 0 to more) while transactions did not fall.';
COMMENT ON COLUMN clientele.lifecycle_rules.builtin IS 'True for the shipped rule set (written only by the extension''s scripts, not dumped by pg_dump).';

INSERT INTO clientele.lifecycle_rules (rules, description, builtin) VALUES
	('standard', 'The default rules of issue 8: churned after 24 months without activity, dormant after 6, reactivated after a gap of 6 months ended within 12, new under 90 days, declining at -30 % AUM or -50 % transactions (at least 3 before), growing at +20 % AUM or under one year.', true);

CREATE FUNCTION clientele.lifecycle_rules_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF NEW.dormant_inactive_months >= NEW.churn_inactive_months THEN
		RAISE EXCEPTION 'rule set "%": the dormancy window (% months) must be shorter than the churn window (% months)',
			NEW.rules, NEW.dormant_inactive_months, NEW.churn_inactive_months
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'A customer becomes dormant before it is counted as churned: dormant_inactive_months < churn_inactive_months.';
	END IF;
	IF NEW.new_days > NEW.growing_tenure_days THEN
		RAISE EXCEPTION 'rule set "%": new_days (%) must not exceed growing_tenure_days (%)', NEW.rules, NEW.new_days, NEW.growing_tenure_days
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'new comes before growing: a new customer''s tenure lies inside the growing tenure.';
	END IF;
	IF NEW.reactivation_recent_months > NEW.dormant_inactive_months THEN
		RAISE EXCEPTION 'rule set "%": reactivation_recent_months (%) must not exceed dormant_inactive_months (%)',
			NEW.rules, NEW.reactivation_recent_months, NEW.dormant_inactive_months
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'A customer without activity in the dormancy window is dormant first, so a longer recent window could never apply.';
	END IF;
	IF NEW.reactivation_recent_months > NEW.reactivation_window_months THEN
		RAISE EXCEPTION 'rule set "%": reactivation_recent_months (%) must not exceed reactivation_window_months (%)',
			NEW.rules, NEW.reactivation_recent_months, NEW.reactivation_window_months
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN NEW;
END $$;
COMMENT ON FUNCTION clientele.lifecycle_rules_check() IS
	'Trigger function: rejects a rule set whose settings contradict each other (dormancy window not shorter than the churn window, new_days above growing_tenure_days, a recent-activity window longer than the dormancy or reactivation window). Shipped rows are protected by clientele.protect_builtin.';
CREATE TRIGGER lifecycle_rules_check BEFORE INSERT OR UPDATE ON clientele.lifecycle_rules
	FOR EACH ROW EXECUTE FUNCTION clientele.lifecycle_rules_check();
COMMENT ON TRIGGER lifecycle_rules_check ON clientele.lifecycle_rules IS 'Validates each rule set on write.';

-- the one config-table recipe: shipped rows protected, caches invalidated, the bank's rows dumped
SELECT clientele.config_table_register('clientele.lifecycle_rules',
	'Add a rule set of your own (a copy with other thresholds, builtin = false) and mark it in_use.',
	p_what => 'lifecycle rules');

-- --- classifier (C) -----------------------------------------------------------

CREATE FUNCTION clientele.lifecycle_classify(features clientele.customer_features, rules text DEFAULT NULL)
RETURNS clientele.lifecycle_decision
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_lifecycle_classify';
COMMENT ON FUNCTION clientele.lifecycle_classify(clientele.customer_features, text) IS
	'Lifecycle stage of one customer from its features (a row of clientele.customer_features) under a rule set of clientele.lifecycle_rules (NULL: the set in use, else "standard"), first match wins; with the rule that fired. NULL features give NULL; ERROR 22023 naming the known rule sets for an unknown one.';

CREATE FUNCTION clientele.lifecycle(as_of date, rules text DEFAULT NULL)
RETURNS TABLE (customer_id bigint, stage clientele.lifecycle_stage, rule text, tenure_days integer,
               last_txn_on date, txn_3m integer, txn_prev_3m integer, aum_3m numeric, aum_prev_3m numeric,
               products_open integer, accounts_open integer, gap_days integer, gap_ended_on date)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 100000 SET search_path = pg_catalog, pg_temp SET jit = off AS $$
#variable_conflict use_column
BEGIN
	IF rules IS NOT NULL AND NOT EXISTS (SELECT FROM clientele.lifecycle_rules r WHERE r.rules = lifecycle.rules) THEN
		RAISE EXCEPTION 'unknown lifecycle rule set "%"', rules
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Rule sets are: ' || (SELECT string_agg(r.rules, ', ' ORDER BY r.rules) FROM clientele.lifecycle_rules r) || '.';
	END IF;
	RETURN QUERY
	SELECT f.customer_id, (d).stage, (d).rule, f.tenure_days, f.last_txn_on, f.txn_3m, f.txn_prev_3m,
	       f.aum_3m, f.aum_prev_3m, f.products_open, f.accounts_open, f.gap_days, f.gap_ended_on
	FROM clientele.customer_features(lifecycle.as_of) f,
	     LATERAL (SELECT clientele.lifecycle_classify(f, lifecycle.rules) AS d OFFSET 0) x
	ORDER BY f.customer_id;
END $$;
COMMENT ON FUNCTION clientele.lifecycle(date, text) IS
	'Lifecycle stage of every customer opened on or before as_of (clientele.customer_features, no row dated after as_of), with the rule that fired and the features it was decided on: tenure (days since the first account), last customer-initiated transaction, transactions and AUM in the last 3 months and the 3 before, open products and accounts, and the longest activity gap ended in the last 12 months. rules: a rule set of clientele.lifecycle_rules (NULL: the one in use, else "standard"). Runs clientele.check_as_of first. Ordered by customer_id.';

-- --- stage history ------------------------------------------------------------

CREATE TABLE clientele.lifecycle_recorded (
	as_of        date PRIMARY KEY
		CONSTRAINT lifecycle_recorded_as_of_finite CHECK (as_of > '-infinity' AND as_of < 'infinity'),
	rules        text NOT NULL,
	customers    bigint NOT NULL,
	recorded_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
	recorded_by  name NOT NULL DEFAULT CURRENT_USER
);
COMMENT ON TABLE clientele.lifecycle_recorded IS 'The dates for which clientele.record_lifecycle stored every customer''s stage.';
COMMENT ON COLUMN clientele.lifecycle_recorded.as_of IS 'Recorded date.';
COMMENT ON COLUMN clientele.lifecycle_recorded.rules IS 'Rule set used.';
COMMENT ON COLUMN clientele.lifecycle_recorded.customers IS 'Customers classified on that date.';
COMMENT ON COLUMN clientele.lifecycle_recorded.recorded_at IS 'When it was recorded.';
COMMENT ON COLUMN clientele.lifecycle_recorded.recorded_by IS 'Who recorded it.';
SELECT pg_catalog.pg_extension_config_dump('clientele.lifecycle_recorded', '');

CREATE TABLE clientele.lifecycle_history (
	customer_id  bigint NOT NULL,
	stage        clientele.lifecycle_stage NOT NULL,
	valid_from   date NOT NULL,
	valid_to     date,
	rule         text NOT NULL,
	CONSTRAINT lifecycle_history_pkey PRIMARY KEY (customer_id, valid_from),
	CONSTRAINT lifecycle_history_valid_from_recorded FOREIGN KEY (valid_from)
		REFERENCES clientele.lifecycle_recorded (as_of),
	CONSTRAINT lifecycle_history_valid_to_recorded FOREIGN KEY (valid_to)
		REFERENCES clientele.lifecycle_recorded (as_of),
	CONSTRAINT lifecycle_history_period_valid CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX lifecycle_history_open_idx ON clientele.lifecycle_history (customer_id) WHERE valid_to IS NULL;
COMMENT ON INDEX clientele.lifecycle_history_open_idx IS 'The current (open) period of each customer.';
COMMENT ON TABLE clientele.lifecycle_history IS
	'Stage history: one row per customer and period of one stage over the recorded dates (clientele.lifecycle_recorded). The stage of a customer on a recorded date d is the row with valid_from <= d < coalesce(valid_to, infinity); a customer without such a row was not classified on d.';
COMMENT ON COLUMN clientele.lifecycle_history.customer_id IS 'Customer.';
COMMENT ON COLUMN clientele.lifecycle_history.stage IS 'Stage held from valid_from.';
COMMENT ON COLUMN clientele.lifecycle_history.valid_from IS 'First recorded date with this stage (of this period).';
COMMENT ON COLUMN clientele.lifecycle_history.valid_to IS 'First later recorded date on which the customer had another stage or was not classified (exclusive); NULL while current.';
COMMENT ON COLUMN clientele.lifecycle_history.rule IS 'The rule that fired on valid_from.';
SELECT pg_catalog.pg_extension_config_dump('clientele.lifecycle_history', '');

-- The recording step of clientele.record_lifecycle and of the refresh (which
-- classifies once for lifecycle and churn): the stages of p_as_of are read
-- from p_stages (customer_id, stage, rule; a temporary table of the caller).
-- The caller holds the recorder lock and has checked that p_as_of is after
-- every recorded date.
CREATE FUNCTION clientele.lifecycle_store(p_as_of date, p_rules text, p_stages regclass) RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp SET enable_nestloop = off AS $$
DECLARE
	v_n bigint;
	v_opened bigint;
	v_closing bigint;
	v_closed bigint;
BEGIN
	PERFORM clientele.check_date(p_as_of, 'p_as_of');
	IF p_stages IS NULL THEN
		RAISE EXCEPTION 'p_stages must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	EXECUTE format('SELECT count(*) FROM %s', p_stages) INTO v_n;
	INSERT INTO clientele.lifecycle_recorded (as_of, rules, customers) VALUES (p_as_of, p_rules, v_n);
	-- periods whose stage changed (or whose customer is no longer
	-- classified) end on as_of; new periods start on it.  The open periods
	-- are read once: a full join of them with the new stages keeps the
	-- unmatched rows of both sides, the open periods to end (closing: their
	-- customer) and the stages to open.  Joins, not correlated subqueries:
	-- Citus plans them with the history distributed.  The periods to open
	-- are collected before any write: an INSERT that anti-joins the table it
	-- writes to re-reads its own new rows (quadratic when the planner, on a
	-- history without statistics, picks a nested loop; 1 million customers
	-- did not finish in 45 minutes).  Hash joins only (SET enable_nestloop =
	-- off above): the history's statistics are stale right after a recording.
	IF pg_catalog.to_regclass('pg_temp.clientele_lc_diff') IS NOT NULL THEN
		DROP TABLE pg_temp.clientele_lc_diff;
	END IF;
	EXECUTE format('CREATE TEMP TABLE clientele_lc_diff ON COMMIT DROP AS
		SELECT h.customer_id AS closing, n.customer_id, n.stage, n.rule
		FROM (SELECT o.customer_id, o.stage FROM clientele.lifecycle_history o WHERE o.valid_to IS NULL) h
		FULL JOIN %s n ON n.customer_id OPERATOR(pg_catalog.=) h.customer_id AND n.stage OPERATOR(pg_catalog.=) h.stage
		WHERE h.customer_id IS NULL OR n.customer_id IS NULL', p_stages);
	SELECT count(*) INTO v_closing FROM pg_temp.clientele_lc_diff d WHERE d.closing IS NOT NULL;
	-- every open period of a customer with an unmatched one ends
	UPDATE clientele.lifecycle_history h SET valid_to = p_as_of
	WHERE h.valid_to IS NULL AND h.customer_id IN (SELECT d.closing FROM pg_temp.clientele_lc_diff d WHERE d.closing IS NOT NULL);
	GET DIAGNOSTICS v_closed = ROW_COUNT;
	IF v_closed = v_closing THEN
		-- no period that matched its new stage was ended (each customer had
		-- at most one open period, as the recording keeps it): the stages
		-- to open are the unmatched ones
		INSERT INTO clientele.lifecycle_history (customer_id, stage, valid_from, valid_to, rule)
		SELECT d.customer_id, d.stage, p_as_of, NULL, d.rule FROM pg_temp.clientele_lc_diff d
		WHERE d.closing IS NULL ORDER BY d.customer_id;
		GET DIAGNOSTICS v_opened = ROW_COUNT;
	ELSE
		-- a customer had several open periods (a history edited by hand) and
		-- one that matched was ended with the others: every stage without an
		-- open period now opens one, as before
		IF pg_catalog.to_regclass('pg_temp.clientele_lc_open') IS NOT NULL THEN
			DROP TABLE pg_temp.clientele_lc_open;
		END IF;
		EXECUTE format('CREATE TEMP TABLE clientele_lc_open ON COMMIT DROP AS
			SELECT n.customer_id, n.stage, n.rule FROM %s n
			LEFT JOIN clientele.lifecycle_history h ON h.customer_id OPERATOR(pg_catalog.=) n.customer_id
			     AND h.valid_to IS NULL AND h.stage OPERATOR(pg_catalog.=) n.stage
			WHERE h.customer_id IS NULL', p_stages);
		INSERT INTO clientele.lifecycle_history (customer_id, stage, valid_from, valid_to, rule)
		SELECT o.customer_id, o.stage, p_as_of, NULL, o.rule FROM pg_temp.clientele_lc_open o ORDER BY o.customer_id;
		GET DIAGNOSTICS v_opened = ROW_COUNT;
		DROP TABLE pg_temp.clientele_lc_open;
	END IF;
	DROP TABLE pg_temp.clientele_lc_diff;
	RETURN v_opened;
END $$;
COMMENT ON FUNCTION clientele.lifecycle_store(date, text, regclass) IS
	'Internal: records the stages of p_as_of read from p_stages (customer_id, stage, rule) in clientele.lifecycle_recorded and clientele.lifecycle_history: periods whose stage changed, or whose customer is no longer classified, end on p_as_of; new periods start on it. Returns the periods opened. The step of clientele.record_lifecycle and of the refresh; the caller holds the recorder lock and has checked the date.';

CREATE FUNCTION clientele.record_lifecycle(as_of date, rules text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_variable
DECLARE
	v_latest date;
	v_rules text;
	v_opened bigint;
BEGIN
	-- on Citus: lifecycle_recorded (a reference table) is written after reads (from
	-- check_as_of on) of distributed tables that refer to it: one connection per node
	IF pg_catalog.current_setting('citus.multi_shard_modify_mode', true) IS NOT NULL THEN
		PERFORM pg_catalog.set_config('citus.multi_shard_modify_mode', 'sequential', true);
	END IF;
	PERFORM clientele.check_as_of(as_of);
	-- one recorder at a time; readers are not blocked
	LOCK TABLE clientele.lifecycle_recorded IN SHARE ROW EXCLUSIVE MODE;
	IF EXISTS (SELECT FROM clientele.lifecycle_recorded r WHERE r.as_of = as_of) THEN
		RETURN 0;
	END IF;
	SELECT max(r.as_of) INTO v_latest FROM clientele.lifecycle_recorded r;
	IF v_latest > as_of THEN
		RAISE EXCEPTION 'as_of % is before the latest recorded date %', as_of, v_latest
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Record dates in order (oldest first); to rebuild the history, delete clientele.lifecycle_history and clientele.lifecycle_recorded and record again.';
	END IF;
	v_rules := coalesce(rules, (SELECT r.rules FROM clientele.lifecycle_rules r WHERE r.in_use), 'standard');

	-- the stages of as_of, then the recording step the refresh shares
	IF pg_catalog.to_regclass('pg_temp.clientele_lc_now') IS NOT NULL THEN
		DROP TABLE pg_temp.clientele_lc_now;
	END IF;
	CREATE TEMP TABLE clientele_lc_now ON COMMIT DROP AS
	SELECT l.customer_id, l.stage, l.rule FROM clientele.lifecycle(as_of, v_rules) l;
	ANALYZE pg_temp.clientele_lc_now;
	v_opened := clientele.lifecycle_store(as_of, v_rules, 'pg_temp.clientele_lc_now'::regclass);
	DROP TABLE pg_temp.clientele_lc_now;
	RETURN v_opened;
END $$;
COMMENT ON FUNCTION clientele.record_lifecycle(date, text) IS
	'Stores every customer''s lifecycle stage as of a date (clientele.lifecycle under the rule set, NULL: the one in use) in clientele.lifecycle_history: periods whose stage changed, or whose customer is no longer classified, end on as_of (valid_to); new periods start on it. Idempotent: a date already recorded changes nothing and returns 0. Dates are recorded in order: a date before the latest recorded one is an ERROR. Returns the number of periods opened. One recorder at a time (locks clientele.lifecycle_recorded).';

CREATE FUNCTION clientele.lifecycle_transitions(from_date date, to_date date)
RETURNS TABLE (from_stage clientele.lifecycle_stage, to_stage clientele.lifecycle_stage, customers bigint)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_variable
DECLARE
	d date;
BEGIN
	PERFORM clientele.check_date(from_date, 'from_date');
	PERFORM clientele.check_date(to_date, 'to_date');
	FOREACH d IN ARRAY ARRAY[from_date, to_date] LOOP
		IF NOT EXISTS (SELECT FROM clientele.lifecycle_recorded r WHERE r.as_of = d) THEN
			RAISE EXCEPTION 'lifecycle stages were not recorded on %', d
				USING ERRCODE = 'invalid_parameter_value',
				      HINT = coalesce('Recorded dates: ' || (SELECT string_agg(r.as_of::text, ', ' ORDER BY r.as_of)
				                                           FROM clientele.lifecycle_recorded r) || '; record one with clientele.record_lifecycle.',
				                      'No date is recorded yet: run clientele.record_lifecycle(as_of) first.');
		END IF;
	END LOOP;
	RETURN QUERY
	WITH a AS (
		SELECT h.customer_id, h.stage FROM clientele.lifecycle_history h
		WHERE h.valid_from <= from_date AND (h.valid_to IS NULL OR h.valid_to > from_date)
	), b AS (
		SELECT h.customer_id, h.stage FROM clientele.lifecycle_history h
		WHERE h.valid_from <= to_date AND (h.valid_to IS NULL OR h.valid_to > to_date)
	)
	SELECT a.stage, b.stage, count(*)
	FROM a FULL JOIN b ON a.customer_id = b.customer_id
	GROUP BY a.stage, b.stage
	ORDER BY a.stage NULLS FIRST, b.stage NULLS FIRST;
END $$;
COMMENT ON FUNCTION clientele.lifecycle_transitions(date, date) IS
	'Flow matrix between two recorded dates: how many customers went from each stage on from_date to each stage on to_date (each customer once; NULL on the side of a date on which the customer was not classified). Either order of the dates works. ERROR 22004 for a NULL date, 22023 for an infinite one or one outside 0001-01-01 .. 9999-12-31 (clientele.check_date), 22023 listing the recorded dates when one was not recorded.';

-- Retention (called by clientele.purge_history, hence at the end of every
-- refresh): the recorded dates before the cutoff go, with the periods that
-- ended by the first date kept; a period still held on that date starts on it.
CREATE FUNCTION clientele.purge_lifecycle_history(cutoff date) RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_variable
DECLARE
	v_keep date;	-- the first recorded date kept
	v_n bigint;
	v_total bigint := 0;
BEGIN
	PERFORM clientele.check_date(cutoff, 'cutoff');
	IF NOT EXISTS (SELECT FROM clientele.lifecycle_recorded r WHERE r.as_of OPERATOR(pg_catalog.<) cutoff) THEN
		RETURN 0;
	END IF;
	SELECT min(r.as_of) INTO v_keep FROM clientele.lifecycle_recorded r WHERE r.as_of OPERATOR(pg_catalog.>=) cutoff;
	-- the periods that cover no kept date (all of them when no date is kept)
	DELETE FROM clientele.lifecycle_history h
	WHERE h.valid_from OPERATOR(pg_catalog.<) cutoff
	  AND (v_keep IS NULL OR h.valid_to OPERATOR(pg_catalog.<=) v_keep);
	GET DIAGNOSTICS v_n = ROW_COUNT; v_total := v_total + v_n;
	-- the others cover v_keep: they start there now (no customer has another
	-- period starting on v_keep, periods do not overlap)
	UPDATE clientele.lifecycle_history h SET valid_from = v_keep
	WHERE h.valid_from OPERATOR(pg_catalog.<) cutoff;
	DELETE FROM clientele.lifecycle_recorded r WHERE r.as_of OPERATOR(pg_catalog.<) cutoff;
	GET DIAGNOSTICS v_n = ROW_COUNT; v_total := v_total + v_n;
	RETURN v_total;
END $$;
COMMENT ON FUNCTION clientele.purge_lifecycle_history(date) IS
	'Retention of the stage history (called by clientele.purge_history with its cutoff): deletes the recorded dates before cutoff (clientele.lifecycle_recorded) and the periods of clientele.lifecycle_history that ended on or before the first recorded date kept (every period when none is kept); a period that began before cutoff and is still held on the first date kept starts on that date afterwards, so the stage of every customer on every kept date, and lifecycle_transitions between kept dates, are unchanged, while a purged date is no longer recorded (lifecycle_transitions: 22023). Returns the rows deleted (periods and dates). ERROR 22004 for a NULL cutoff, 22023 for an infinite one.';

REVOKE ALL ON TABLE clientele.lifecycle_rules, clientele.lifecycle_recorded, clientele.lifecycle_history FROM PUBLIC;
GRANT SELECT ON TABLE clientele.lifecycle_rules, clientele.lifecycle_recorded, clientele.lifecycle_history TO clientele_analyst;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE clientele.lifecycle_rules, clientele.lifecycle_recorded, clientele.lifecycle_history TO clientele_admin;
REVOKE ALL ON FUNCTION clientele.lifecycle_rules_check() FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.lifecycle_classify(clientele.customer_features, text), clientele.lifecycle(date, text),
	clientele.record_lifecycle(date, text), clientele.lifecycle_transitions(date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele.lifecycle_classify(clientele.customer_features, text), clientele.lifecycle(date, text),
	clientele.lifecycle_transitions(date, date) TO clientele_analyst, clientele_admin;
GRANT EXECUTE ON FUNCTION clientele.record_lifecycle(date, text) TO clientele_admin;
REVOKE ALL ON FUNCTION clientele.purge_lifecycle_history(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele.purge_lifecycle_history(date) TO clientele_admin;
