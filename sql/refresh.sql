-- area: refresh
-- ===========================================================================
-- One call computes every customer's figures for a date into result tables
-- keyed by (as_of, customer_id), keeping history:
--   CALL clientele.refresh(as_of, wait)
-- Stages (clientele.refresh_stage): summary (one scan of each input), value,
-- tiers, rfm, models, segments, lifecycle and churn (when their functions
-- are installed), store (swap the date's rows), reports (the rows of the
-- materialized views replaced), purge.  See docs/reporting.md and docs/operations.md.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- Settings (one row)
-- ---------------------------------------------------------------------------
CREATE TABLE clientele.refresh_config (
	id                   boolean PRIMARY KEY DEFAULT true
		CONSTRAINT refresh_config_one_row CHECK (id),
	value_period_months  integer NOT NULL DEFAULT 12
		CONSTRAINT refresh_config_period_valid CHECK (value_period_months BETWEEN 1 AND 120),
	activity_months      integer NOT NULL DEFAULT 6
		CONSTRAINT refresh_config_activity_valid CHECK (activity_months BETWEEN 1 AND 60),
	tier_scheme          text NOT NULL DEFAULT 'service_tier',
	deposit_class_scheme text NOT NULL DEFAULT 'deposit_class_abc',
	rfm_scheme           text NOT NULL DEFAULT 'rf_grid',
	rfm_ntiles           integer NOT NULL DEFAULT 5
		CONSTRAINT refresh_config_ntiles_valid CHECK (rfm_ntiles BETWEEN 2 AND 100),
	clv_months           integer NOT NULL DEFAULT 12
		CONSTRAINT refresh_config_clv_months_valid CHECK (clv_months BETWEEN 1 AND 120),
	discount_rate_monthly float8 NOT NULL DEFAULT 0.01
		CONSTRAINT refresh_config_discount_valid CHECK (discount_rate_monthly >= 0 AND discount_rate_monthly < 1),
	churn_method         text NOT NULL DEFAULT 'scorecard'
		CONSTRAINT refresh_config_churn_method_valid CHECK (churn_method ~ '^[a-z][a-z0-9_]*$'),
	retention_days       integer DEFAULT 1100
		CONSTRAINT refresh_config_retention_valid CHECK (retention_days IS NULL OR retention_days >= 1),
	model_penalizer      float8 NOT NULL DEFAULT 0.001
		CONSTRAINT refresh_config_penalizer_valid CHECK (model_penalizer >= 0 AND model_penalizer < 'Infinity'),
	max_parallel_workers_per_gather integer DEFAULT 1
		CONSTRAINT refresh_config_parallel_valid CHECK (max_parallel_workers_per_gather IS NULL OR max_parallel_workers_per_gather BETWEEN 0 AND 1024),
	summary_memory_mb    integer DEFAULT 1024
		CONSTRAINT refresh_config_summary_memory_valid CHECK (summary_memory_mb IS NULL OR summary_memory_mb BETWEEN 1 AND 1048576),
	-- foreign keys, beside the trigger's friendlier check: a scheme in use
	-- cannot be deleted, a renamed one is followed, and pg_dump, which orders
	-- the data of configuration tables by their foreign keys, restores the
	-- bank's schemes before the settings that name them
	CONSTRAINT refresh_config_tier_scheme_fkey FOREIGN KEY (tier_scheme)
		REFERENCES clientele.tier_scheme (scheme) ON UPDATE CASCADE,
	CONSTRAINT refresh_config_deposit_class_scheme_fkey FOREIGN KEY (deposit_class_scheme)
		REFERENCES clientele.tier_scheme (scheme) ON UPDATE CASCADE,
	CONSTRAINT refresh_config_rfm_scheme_fkey FOREIGN KEY (rfm_scheme)
		REFERENCES clientele.rfm_segment_scheme (scheme) ON UPDATE CASCADE
);
COMMENT ON TABLE clientele.refresh_config IS
	'Settings of clientele.refresh (exactly one row; edit it with UPDATE). Dumped by pg_dump.';
COMMENT ON COLUMN clientele.refresh_config.id IS 'Always true: the table holds one row.';
COMMENT ON COLUMN clientele.refresh_config.value_period_months IS 'Length of the value period ending on as_of (contribution, average daily balances, transaction cost), in months.';
COMMENT ON COLUMN clientele.refresh_config.activity_months IS 'Window of the active-customer definition (customer-initiated enquiry, deposit, withdrawal or transfer; source 000:917: 6 months) and of the complaint rate.';
COMMENT ON COLUMN clientele.refresh_config.tier_scheme IS 'Tier scheme (clientele.tier_scheme) applied to AUM, with the customer''s region.';
COMMENT ON COLUMN clientele.refresh_config.deposit_class_scheme IS 'Tier scheme applied to deposits (A/B/C classes by default).';
COMMENT ON COLUMN clientele.refresh_config.rfm_scheme IS 'RFM segment scheme (clientele.rfm_segment_scheme).';
COMMENT ON COLUMN clientele.refresh_config.rfm_ntiles IS 'Number of RFM score levels.';
COMMENT ON COLUMN clientele.refresh_config.clv_months IS 'CLV horizon in months (source 000:231: beyond about 5 years is worth almost nothing).';
COMMENT ON COLUMN clientele.refresh_config.discount_rate_monthly IS 'Monthly discount rate of the CLV.';
COMMENT ON COLUMN clientele.refresh_config.churn_method IS 'Method passed to clientele.churn_scores when it is installed: scorecard, p_alive or the name of a trained model (clientele.churn_model), checked on write (a restored dump is checked for the form only: its models may come later).';
COMMENT ON COLUMN clientele.refresh_config.model_penalizer IS 'Penalizer (L2 on the log-parameters, as clientele.bgnbd_fit''s fourth argument) of the refresh''s BG/NBD fit. The default 0.001 keeps the fit identified when the data cannot pin down dropout (a, b running off to infinity); 0 gives the unpenalised maximum-likelihood fit.';
COMMENT ON COLUMN clientele.refresh_config.max_parallel_workers_per_gather IS 'Upper bound of the parallel workers per Gather of the refresh''s own statements: they run with max_parallel_workers_per_gather = the smaller of this and the calling session''s setting (set for the refresh''s work only; the session''s setting is back when it ends, failed or not). Default 1 (a leader and one worker: on a 2-core server the refresh was no slower than with the server''s 2 workers, and the reporting tools reading during it kept more CPU; docs/operations.md); 0: serial plans; NULL: the session''s (server''s) setting. 0 to 1024 (the range of the server setting).';
COMMENT ON COLUMN clientele.refresh_config.summary_memory_mb IS 'Memory, in megabytes, of the hash aggregate of the refresh''s summary stage (one group of about 0.9 KB per customer with transactions): that statement alone runs with hash_mem_multiplier = this / work_mem (the refresh''s work_mem, at least 64MB), at least 1 and at most 1000, so that each of its hash tables takes at most this much (never less than work_mem) and spills the rest to temporary files (the limit is per hash table: a parallel plan has one per process and the leader''s final one); the other statements keep the session''s hash_mem_multiplier. Default 1024 (1 GB: about 1.1 million customers in memory); NULL: the session''s hash_mem_multiplier (work_mem x 2 by default: about 140,000 customers at 64MB). 1 to 1048576 (1 TB). docs/operations.md, memory sizing.';
COMMENT ON COLUMN clientele.refresh_config.retention_days IS 'Result history older than this many days before the newest refresh is purged at the end of each refresh (NULL: keep everything). The newest date is always kept.';
INSERT INTO clientele.refresh_config DEFAULT VALUES;
SELECT pg_catalog.pg_extension_config_dump('clientele.refresh_config', '');

CREATE FUNCTION clientele.refresh_config_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		RAISE EXCEPTION 'clientele.refresh_config must keep its row'
			USING ERRCODE = 'insufficient_privilege', HINT = 'UPDATE the row instead.';
	END IF;
	IF TG_OP = 'INSERT' AND EXISTS (SELECT 1 FROM clientele.refresh_config) THEN
		-- restoring a dump: the dumped row replaces the row of CREATE EXTENSION
		-- (its churn model is checked for the form only: the dump's models
		-- may be restored after this row)
		PERFORM pg_catalog.set_config('clientele.refresh_config_restoring', 'on', true);
		UPDATE clientele.refresh_config
		SET value_period_months = NEW.value_period_months, activity_months = NEW.activity_months,
		    tier_scheme = NEW.tier_scheme, deposit_class_scheme = NEW.deposit_class_scheme,
		    rfm_scheme = NEW.rfm_scheme, rfm_ntiles = NEW.rfm_ntiles, clv_months = NEW.clv_months,
		    discount_rate_monthly = NEW.discount_rate_monthly, churn_method = NEW.churn_method,
		    retention_days = NEW.retention_days, model_penalizer = NEW.model_penalizer,
		    max_parallel_workers_per_gather = NEW.max_parallel_workers_per_gather,
		    summary_memory_mb = NEW.summary_memory_mb;
		PERFORM pg_catalog.set_config('clientele.refresh_config_restoring', 'off', true);
		RETURN NULL;
	END IF;
	-- (a name of the wrong form is left to refresh_config_churn_method_valid)
	IF NEW.churn_method NOT IN ('scorecard', 'p_alive') AND NEW.churn_method ~ '^[a-z][a-z0-9_]*$'
	   AND (TG_OP = 'INSERT' OR NEW.churn_method IS DISTINCT FROM OLD.churn_method)
	   AND coalesce(pg_catalog.current_setting('clientele.refresh_config_restoring', true), '') <> 'on'
	   AND NOT EXISTS (SELECT 1 FROM clientele.churn_model m WHERE m.name = NEW.churn_method) THEN
		RAISE EXCEPTION 'unknown churn scoring method "%" in clientele.refresh_config.churn_method', NEW.churn_method
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Methods are: scorecard, p_alive' || coalesce(', ' || (
			          SELECT string_agg(DISTINCT m.name, ', ' ORDER BY m.name) FROM clientele.churn_model m), '')
			          || ' (trained models: clientele.train_churn_model).';
	END IF;
	-- (an UPDATE checks the columns it changes: renaming a scheme both
	-- columns name cascades through them one foreign key at a time)
	IF (TG_OP = 'INSERT' OR NEW.tier_scheme IS DISTINCT FROM OLD.tier_scheme)
	   AND NOT EXISTS (SELECT 1 FROM clientele.tier_scheme WHERE scheme = NEW.tier_scheme) THEN
		RAISE EXCEPTION 'unknown tier scheme "%" in clientele.refresh_config.tier_scheme', NEW.tier_scheme
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Known schemes: ' || (SELECT string_agg(scheme, ', ' ORDER BY scheme) FROM clientele.tier_scheme) || '.';
	END IF;
	IF (TG_OP = 'INSERT' OR NEW.deposit_class_scheme IS DISTINCT FROM OLD.deposit_class_scheme)
	   AND NOT EXISTS (SELECT 1 FROM clientele.tier_scheme WHERE scheme = NEW.deposit_class_scheme) THEN
		RAISE EXCEPTION 'unknown tier scheme "%" in clientele.refresh_config.deposit_class_scheme', NEW.deposit_class_scheme
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Known schemes: ' || (SELECT string_agg(scheme, ', ' ORDER BY scheme) FROM clientele.tier_scheme) || '.';
	END IF;
	IF (TG_OP = 'INSERT' OR NEW.rfm_scheme IS DISTINCT FROM OLD.rfm_scheme)
	   AND NOT EXISTS (SELECT 1 FROM clientele.rfm_segment_scheme WHERE scheme = NEW.rfm_scheme) THEN
		RAISE EXCEPTION 'unknown RFM segment scheme "%" in clientele.refresh_config.rfm_scheme', NEW.rfm_scheme
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Known schemes: ' || (SELECT string_agg(scheme, ', ' ORDER BY scheme) FROM clientele.rfm_segment_scheme) || '.';
	END IF;
	RETURN NEW;
END $$;
COMMENT ON FUNCTION clientele.refresh_config_check() IS
	'Trigger function: validates clientele.refresh_config on write (known tier and RFM schemes, with a message naming them; the foreign keys hold them too; churn_method scorecard, p_alive or a trained model of clientele.churn_model, checked when it changes); the row cannot be deleted; an INSERT, as in a restored dump, updates the one row, its churn_method checked for the form only.';
CREATE TRIGGER refresh_config_check BEFORE INSERT OR UPDATE OR DELETE ON clientele.refresh_config
	FOR EACH ROW EXECUTE FUNCTION clientele.refresh_config_check();
COMMENT ON TRIGGER refresh_config_check ON clientele.refresh_config IS 'Validates the settings on write; the row cannot be deleted.';

-- ---------------------------------------------------------------------------
-- Stages: the order of a refresh.  A stage whose function is not installed
-- (requires) is skipped with a NOTICE, so an area that lands later is wired
-- in by its presence.
-- ---------------------------------------------------------------------------
CREATE TABLE clientele.refresh_stage (
	stage     text PRIMARY KEY,
	position  integer NOT NULL UNIQUE,
	description text NOT NULL
);
COMMENT ON TABLE clientele.refresh_stage IS 'Read-only: the stages of clientele.refresh in order, and the functions each one needs.';
COMMENT ON COLUMN clientele.refresh_stage.stage IS 'Stage name (as in the NOTICEs and clientele.refresh_log.stages).';
COMMENT ON COLUMN clientele.refresh_stage.position IS 'Order of execution.';
COMMENT ON COLUMN clientele.refresh_stage.description IS 'What the stage computes.';
INSERT INTO clientele.refresh_stage (stage, position, description) VALUES
	('summary',   1, 'customers open during the value period; one scan of transactions (RFM summary, activity, cost by channel), of interactions and of accounts'),
	('value',     2, 'one scan of balances (average daily balance over the period and latest balance per account): AUM, profit contribution, deciles, profit class, value and loyalty indices, quadrant'),
	('tiers',     3, 'service tier of AUM and deposit class of deposits (clientele.tier_of, the customer''s region)'),
	('rfm',       4, 'RFM scores and segment'),
	('models',    5, 'BG/NBD fit (weeks) on customer-initiated transactions: P(alive), expected transactions, CLV as expected future profit contribution'),
	('lifecycle', 6, 'lifecycle stage (clientele.lifecycle) recorded in the stage history (clientele.record_lifecycle), when installed'),
	('churn',     7, 'churn score with reasons (clientele.churn_scores), when installed; otherwise 100 x (1 - P(alive))'),
	('segments',  8, 'membership of the active user-defined segments (clientele.segment_definition)'),
	('store',     9, 'replaces the date''s rows of clientele.customer_result and clientele.segment_membership'),
	('reports',  10, 'replaces the rows of the reporting materialized views in the refresh''s transaction (clientele.matview_replace, under the lock of REFRESH ... CONCURRENTLY: readers are not blocked and see the previous rows until commit)'),
	('purge',    11, 'purges result history older than clientele.refresh_config.retention_days');

-- ---------------------------------------------------------------------------
-- Log
-- ---------------------------------------------------------------------------
CREATE TABLE clientele.refresh_log (
	refresh_id   bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	as_of        date NOT NULL,
	started_at   timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
	finished_at  timestamptz,
	status       text NOT NULL DEFAULT 'running'
		CONSTRAINT refresh_log_status_valid CHECK (status IN ('running', 'ok', 'failed', 'aborted')),
	stages       jsonb NOT NULL DEFAULT '[]',
	drops        jsonb NOT NULL DEFAULT '[]',
	customers    bigint,
	error        text,
	sqlstate     text,
	username     name NOT NULL DEFAULT CURRENT_USER,
	pid          integer NOT NULL DEFAULT pg_catalog.pg_backend_pid()
);
CREATE INDEX refresh_log_as_of_idx ON clientele.refresh_log (as_of);
COMMENT ON TABLE clientele.refresh_log IS 'One row per refresh: when, as of which date, per-stage row counts and timings, outcome. Dumped by pg_dump.';
COMMENT ON COLUMN clientele.refresh_log.refresh_id IS 'Identity of the refresh.';
COMMENT ON COLUMN clientele.refresh_log.as_of IS 'Date the results are computed as of.';
COMMENT ON COLUMN clientele.refresh_log.started_at IS 'Start (wall clock).';
COMMENT ON COLUMN clientele.refresh_log.finished_at IS 'End (NULL while running).';
COMMENT ON COLUMN clientele.refresh_log.status IS 'running, ok, failed (error text below), or aborted (the session ended mid-way; found by the next refresh).';
COMMENT ON COLUMN clientele.refresh_log.stages IS 'JSON array of {"stage", "rows", "ms"} (or {"stage", "skipped"}) in execution order.';
COMMENT ON COLUMN clientele.refresh_log.drops IS 'Input rows the refresh left out: JSON array of {"stage", "input", "reason", "rows"}, one entry per stage and reason with rows > 0 (each also said by a WARNING, or an ERROR under clientele.strict_inputs = on); [] when every input row was used.';
COMMENT ON COLUMN clientele.refresh_log.customers IS 'Customers in the results.';
COMMENT ON COLUMN clientele.refresh_log.error IS 'Error message of a failed refresh.';
COMMENT ON COLUMN clientele.refresh_log.sqlstate IS 'SQLSTATE of the error of a failed refresh.';
COMMENT ON COLUMN clientele.refresh_log.username IS 'Role that ran the refresh.';
COMMENT ON COLUMN clientele.refresh_log.pid IS 'Backend process id of the refresh.';
COMMENT ON SEQUENCE clientele.refresh_log_refresh_id_seq IS 'Identity of clientele.refresh_log.refresh_id.';
SELECT pg_catalog.pg_extension_config_dump('clientele.refresh_log', '');
SELECT pg_catalog.pg_extension_config_dump('clientele.refresh_log_refresh_id_seq', '');

-- ---------------------------------------------------------------------------
-- Results: one row per (as_of, customer)
-- ---------------------------------------------------------------------------
CREATE TABLE clientele.customer_result (
	as_of                  date NOT NULL,
	customer_id            bigint NOT NULL,
	customer_type          text,
	region                 text,
	branch                 text,
	relationship_manager   text,
	age                    integer,
	opened_on              date,
	closed_on              date,
	is_closed              boolean NOT NULL,
	tenure_days            integer,
	accounts               integer NOT NULL,
	products_held          integer NOT NULL,
	transactions           bigint NOT NULL,
	last_activity          date,
	active                 boolean NOT NULL,
	complaints             integer NOT NULL,
	aum                    numeric NOT NULL,
	deposits               numeric NOT NULL,
	investments            numeric NOT NULL,
	insurance              numeric NOT NULL,
	loans                  numeric NOT NULL,
	avg_daily_deposit      numeric NOT NULL,
	contribution_source    text NOT NULL,
	ftp_income             numeric NOT NULL,
	fee_income             numeric NOT NULL,
	loan_interest          numeric NOT NULL,
	expected_loss          numeric NOT NULL,
	cost                   numeric NOT NULL,
	contribution           numeric NOT NULL,
	annualised             numeric NOT NULL,
	deposit_revenue_share  float8,
	loan_revenue_share     float8,
	fee_revenue_share      float8,
	contribution_rank      bigint NOT NULL,
	contribution_top_share float8 NOT NULL,
	decile                 integer NOT NULL,
	profit_class           text NOT NULL,
	value_index            float8 NOT NULL,
	activity_regularity    float8 NOT NULL,
	loyalty_index          float8 NOT NULL,
	quadrant               text NOT NULL,
	tier                   text,
	tier_rank              integer,
	deposit_class          text,
	rfm_r                  integer,
	rfm_f                  integer,
	rfm_m                  integer,
	rfm_segment            text,
	frequency              float8,
	recency                float8,
	t                      float8,
	monetary               float8,
	p_alive                float8,
	expected_transactions  float8,
	clv                    numeric,
	lifecycle_stage        text,
	churn_score            numeric,
	churn_reasons          jsonb,
	CONSTRAINT customer_result_pkey PRIMARY KEY (as_of, customer_id),
	CONSTRAINT customer_result_p_alive_range CHECK (p_alive BETWEEN 0 AND 1),
	CONSTRAINT customer_result_closed_not_alive CHECK (NOT is_closed OR (p_alive = 0 AND clv = 0))
);
CREATE INDEX customer_result_rm_idx ON clientele.customer_result (relationship_manager, as_of);
CREATE INDEX customer_result_customer_idx ON clientele.customer_result (customer_id, as_of);
COMMENT ON TABLE clientele.customer_result IS
	'Results of clientele.refresh: one row per customer and refresh date (customers whose relationship overlaps the value period ending on as_of), with history. Row-level security: a relationship manager (clientele_rm) sees only rows whose relationship_manager is current_user.';
COMMENT ON COLUMN clientele.customer_result.as_of IS 'Refresh date: every figure uses no row dated after it.';
COMMENT ON COLUMN clientele.customer_result.customer_id IS 'Customer.';
COMMENT ON COLUMN clientele.customer_result.customer_type IS 'individual, corporate or government.';
COMMENT ON COLUMN clientele.customer_result.region IS 'Region of the customer (as recorded at refresh time).';
COMMENT ON COLUMN clientele.customer_result.branch IS 'Branch of the customer.';
COMMENT ON COLUMN clientele.customer_result.relationship_manager IS 'Relationship manager (a role name: clientele_rm members see their own customers).';
COMMENT ON COLUMN clientele.customer_result.age IS 'Age in whole years on as_of (NULL without a birth date).';
COMMENT ON COLUMN clientele.customer_result.opened_on IS 'Relationship start.';
COMMENT ON COLUMN clientele.customer_result.closed_on IS 'Relationship end, if on or before as_of.';
COMMENT ON COLUMN clientele.customer_result.is_closed IS 'The relationship ended on or before as_of (then p_alive = 0 and clv = 0).';
COMMENT ON COLUMN clientele.customer_result.tenure_days IS 'Days from opening to as_of (or to closing).';
COMMENT ON COLUMN clientele.customer_result.accounts IS 'Accounts open on as_of.';
COMMENT ON COLUMN clientele.customer_result.products_held IS 'Distinct product types of the accounts open on as_of (cross-sell).';
COMMENT ON COLUMN clientele.customer_result.transactions IS 'Customer-initiated non-enquiry transactions in the value period.';
COMMENT ON COLUMN clientele.customer_result.last_activity IS 'Day of the last customer-initiated transaction on or before as_of.';
COMMENT ON COLUMN clientele.customer_result.active IS 'Active customer: a customer-initiated enquiry, deposit, withdrawal or transfer in the last activity_months months (source 000:917).';
COMMENT ON COLUMN clientele.customer_result.complaints IS 'Complaints and service failures in the last activity_months months.';
COMMENT ON COLUMN clientele.customer_result.aum IS 'AUM / total relationship balance on as_of (clientele.aum): deposits + investments + insurance.';
COMMENT ON COLUMN clientele.customer_result.deposits IS 'Deposit part of the AUM.';
COMMENT ON COLUMN clientele.customer_result.investments IS 'Investment part of the AUM.';
COMMENT ON COLUMN clientele.customer_result.insurance IS 'Insurance part of the AUM.';
COMMENT ON COLUMN clientele.customer_result.loans IS 'Outstanding balance of open credit products on as_of.';
COMMENT ON COLUMN clientele.customer_result.avg_daily_deposit IS 'Average daily balance (日均余额) of the deposit accounts over the value period.';
COMMENT ON COLUMN clientele.customer_result.contribution_source IS 'income (bank-supplied lines) or computed (clientele.profit_contribution).';
COMMENT ON COLUMN clientele.customer_result.ftp_income IS 'FTP income over the value period.';
COMMENT ON COLUMN clientele.customer_result.fee_income IS 'Fee income over the value period.';
COMMENT ON COLUMN clientele.customer_result.loan_interest IS 'Net loan interest over the value period.';
COMMENT ON COLUMN clientele.customer_result.expected_loss IS 'Expected credit loss over the value period.';
COMMENT ON COLUMN clientele.customer_result.cost IS 'Cost to serve over the value period.';
COMMENT ON COLUMN clientele.customer_result.contribution IS 'Profit contribution over the value period = clientele.profit_contribution(period start, as_of).';
COMMENT ON COLUMN clientele.customer_result.annualised IS 'Contribution x day_count_basis / days of the period.';
COMMENT ON COLUMN clientele.customer_result.deposit_revenue_share IS 'FTP income of deposits and investments / gross revenue (NULL when gross revenue <= 0).';
COMMENT ON COLUMN clientele.customer_result.loan_revenue_share IS 'Loan interest / gross revenue (NULL when gross revenue <= 0).';
COMMENT ON COLUMN clientele.customer_result.fee_revenue_share IS 'Fee income / gross revenue (NULL when gross revenue <= 0).';
COMMENT ON COLUMN clientele.customer_result.contribution_rank IS 'Rank by contribution, 1 = most profitable (ties by customer_id).';
COMMENT ON COLUMN clientele.customer_result.contribution_top_share IS 'contribution_rank / customers: 0.1 = within the top 10 %.';
COMMENT ON COLUMN clientele.customer_result.decile IS 'Profitability decile, 1 = most profitable tenth (as clientele.value_classes).';
COMMENT ON COLUMN clientele.customer_result.profit_class IS 'high / medium / low / negative by annualised contribution (as clientele.value_classes).';
COMMENT ON COLUMN clientele.customer_result.value_index IS 'Percentile rank of contribution, 0..1.';
COMMENT ON COLUMN clientele.customer_result.activity_regularity IS 'Share of the last activity_months value parameter months with a customer-initiated transaction.';
COMMENT ON COLUMN clientele.customer_result.loyalty_index IS 'Loyalty index 0..1 (as clientele.value_classes).';
COMMENT ON COLUMN clientele.customer_result.quadrant IS 'Loyalty x value quadrant A / B / C / D (as clientele.value_classes).';
COMMENT ON COLUMN clientele.customer_result.tier IS 'Band label of the AUM in refresh_config.tier_scheme (the customer''s region); NULL outside every band or without a version on as_of.';
COMMENT ON COLUMN clientele.customer_result.tier_rank IS 'Rank of that band (1 = lowest).';
COMMENT ON COLUMN clientele.customer_result.deposit_class IS 'Band label of the deposits in refresh_config.deposit_class_scheme.';
COMMENT ON COLUMN clientele.customer_result.rfm_r IS 'RFM recency score (NULL without a transaction).';
COMMENT ON COLUMN clientele.customer_result.rfm_f IS 'RFM frequency score.';
COMMENT ON COLUMN clientele.customer_result.rfm_m IS 'RFM monetary score.';
COMMENT ON COLUMN clientele.customer_result.rfm_segment IS 'RFM segment in refresh_config.rfm_scheme.';
COMMENT ON COLUMN clientele.customer_result.frequency IS 'Repeat transaction days (BG/NBD x).';
COMMENT ON COLUMN clientele.customer_result.recency IS 'Weeks from first to last transaction day (BG/NBD t_x).';
COMMENT ON COLUMN clientele.customer_result.t IS 'Weeks from first transaction day to as_of (BG/NBD T).';
COMMENT ON COLUMN clientele.customer_result.monetary IS 'Mean amount of the repeat transaction days (not a value to the bank; see clv).';
COMMENT ON COLUMN clientele.customer_result.p_alive IS 'P(the relationship is alive): BG/NBD on customer-initiated transactions; 1 for an open customer without transactions; 0 for a closed customer.';
COMMENT ON COLUMN clientele.customer_result.expected_transactions IS 'BG/NBD expected transaction days in the next clv_months months (0 when closed).';
COMMENT ON COLUMN clientele.customer_result.clv IS 'Customer lifetime value: expected future profit contribution over clv_months months = sum over months i of (annualised / 12) x p_alive / (1 + monthly discount)^i; negative for a loss-making customer; 0 when closed.';
COMMENT ON COLUMN clientele.customer_result.lifecycle_stage IS 'Lifecycle stage (clientele.lifecycle) when that area is installed, else NULL.';
COMMENT ON COLUMN clientele.customer_result.churn_score IS 'Churn score 0..100 (clientele.churn_scores with refresh_config.churn_method when installed, else 100 x (1 - p_alive)); NULL when closed.';
COMMENT ON COLUMN clientele.customer_result.churn_reasons IS 'JSON array of {"signal", "points", "evidence"}, largest contribution first.';
SELECT pg_catalog.pg_extension_config_dump('clientele.customer_result', '');

CREATE TABLE clientele.refresh_model (
	as_of      date PRIMARY KEY,
	bgnbd      clientele.bgnbd_params,
	customers  bigint NOT NULL
);
COMMENT ON TABLE clientele.refresh_model IS 'The BG/NBD fit of each refresh date (weeks; customer-initiated non-enquiry transactions, one purchase per day).';
COMMENT ON COLUMN clientele.refresh_model.as_of IS 'Refresh date.';
COMMENT ON COLUMN clientele.refresh_model.bgnbd IS 'Fitted BG/NBD parameters (NULL when not enough data).';
COMMENT ON COLUMN clientele.refresh_model.customers IS 'Customers with a transaction used in the fit.';
SELECT pg_catalog.pg_extension_config_dump('clientele.refresh_model', '');

-- ---------------------------------------------------------------------------
-- The as-of guard
-- ---------------------------------------------------------------------------
CREATE FUNCTION clientele.refresh_check_as_of(p_as_of date) RETURNS date
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	-- the guard of the lifecycle functions (area features), same setting
	v_newest date := clientele.check_as_of(p_as_of);
BEGIN
	IF v_newest IS NULL THEN
		RAISE EXCEPTION 'there is no data to refresh: the input views are empty'
			USING ERRCODE = 'no_data_found',
			      HINT = 'Load the bank tables (or point the input views at them with clientele.use_source) first.';
	END IF;
	RETURN v_newest;
END $$;
COMMENT ON FUNCTION clientele.refresh_check_as_of(date) IS
	'Checks a refresh date with the guard of the lifecycle functions (clientele.check_as_of: not NULL, finite, between 0001-01-01 and 9999-12-31, at most the setting clientele.as_of_max_lag_days, default 31, days after the newest input row; ERROR 22004 / 22023 with a hint) and that there is data at all (ERROR P0002); returns the newest data date.';

-- ---------------------------------------------------------------------------
-- The computation (one transaction): builds the date's rows in temporary
-- tables, then replaces them in the result tables and refreshes the views.
-- ---------------------------------------------------------------------------
CREATE FUNCTION clientele.refresh_stage_done(p_log bigint, p_stage text, p_rows bigint, p_t0 timestamptz)
RETURNS timestamptz
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_now timestamptz := clock_timestamp();
	v_ms numeric := round((extract(epoch FROM v_now - p_t0) * 1000)::numeric, 1);
BEGIN
	IF p_rows IS NULL THEN
		RAISE NOTICE 'refresh stage %: skipped', p_stage;
		UPDATE clientele.refresh_log SET stages = stages || jsonb_build_object('stage', p_stage, 'skipped', true)
		WHERE refresh_id = p_log;
	ELSE
		RAISE NOTICE 'refresh stage %: % rows in % ms', p_stage, p_rows, v_ms;
		UPDATE clientele.refresh_log SET stages = stages || jsonb_build_object('stage', p_stage, 'rows', p_rows, 'ms', v_ms)
		WHERE refresh_id = p_log;
	END IF;
	RETURN clock_timestamp();
END $$;
COMMENT ON FUNCTION clientele.refresh_stage_done(bigint, text, bigint, timestamptz) IS
	'Internal: reports a finished refresh stage (NOTICE with rows and elapsed time, entry in clientele.refresh_log.stages); NULL rows = skipped.';

CREATE FUNCTION clientele.refresh_dropped(p_log bigint, p_stage text, p_input text, p_reason text, p_rows bigint)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF coalesce(p_rows, 0) = 0 THEN
		RETURN;
	END IF;
	-- a WARNING, or the ERROR of clientele.strict_inputs
	PERFORM clientele.report_dropped('refresh ' || p_stage, p_input, p_reason, p_rows);
	UPDATE clientele.refresh_log
	SET drops = drops || jsonb_build_object('stage', p_stage, 'input', p_input, 'reason', p_reason, 'rows', p_rows)
	WHERE refresh_id = p_log;
END $$;
COMMENT ON FUNCTION clientele.refresh_dropped(bigint, text, text, text, bigint) IS
	'Internal: records input rows a refresh stage left out in clientele.refresh_log.drops ({"stage", "input", "reason", "rows"}) and says so (clientele.report_dropped: a WARNING, or an ERROR 22000 under clientele.strict_inputs = on); nothing when p_rows is 0 or NULL.';

-- The summary stage's per-customer transaction counts in one aggregate
-- (src/txn_counts.c): one transition per row instead of thirteen aggregates
-- with FILTER clauses comparing text and two calendar conversions per row.
CREATE TYPE clientele.refresh_txn_state;
CREATE FUNCTION clientele.refresh_txn_state_in(cstring) RETURNS clientele.refresh_txn_state
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_refresh_txn_state_in';
COMMENT ON FUNCTION clientele.refresh_txn_state_in(cstring) IS
	'Input function of clientele.refresh_txn_state: "txc1:" and the hex of the binary form, every invariant checked.';
CREATE FUNCTION clientele.refresh_txn_state_out(clientele.refresh_txn_state) RETURNS cstring
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_refresh_txn_state_out';
COMMENT ON FUNCTION clientele.refresh_txn_state_out(clientele.refresh_txn_state) IS
	'Output function of clientele.refresh_txn_state: "txc1:" and the hex of the binary form.';
CREATE FUNCTION clientele.refresh_txn_state_recv(internal) RETURNS clientele.refresh_txn_state
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_refresh_txn_state_recv';
COMMENT ON FUNCTION clientele.refresh_txn_state_recv(internal) IS
	'Binary input of clientele.refresh_txn_state (little-endian, version 1), every invariant checked.';
CREATE FUNCTION clientele.refresh_txn_state_send(clientele.refresh_txn_state) RETURNS bytea
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_refresh_txn_state_send';
COMMENT ON FUNCTION clientele.refresh_txn_state_send(clientele.refresh_txn_state) IS
	'Binary output of clientele.refresh_txn_state (little-endian, version 1).';
CREATE TYPE clientele.refresh_txn_state (
	INPUT = clientele.refresh_txn_state_in,
	OUTPUT = clientele.refresh_txn_state_out,
	RECEIVE = clientele.refresh_txn_state_recv,
	SEND = clientele.refresh_txn_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = plain
);
COMMENT ON TYPE clientele.refresh_txn_state IS
	'Partial state of clientele.refresh_txn_counts: the group''s as_of and window starts, the counts, the latest customer-initiated transaction, the activity flag and the months with activity as bits; merges exactly (combine order does not matter).';

CREATE TYPE clientele.refresh_txn_counts AS (
	n_all          bigint,
	n_period       bigint,
	last_ts        timestamptz,
	active         boolean,
	months_active  integer,
	n_counter      bigint,
	n_atm          bigint,
	n_online       bigint,
	n_mobile       bigint,
	n_phone        bigint,
	n_pos          bigint,
	n_uncosted     bigint
);
COMMENT ON TYPE clientele.refresh_txn_counts IS 'Result of clientele.refresh_txn_counts: one customer''s transaction counts of the refresh''s summary stage.';
COMMENT ON COLUMN clientele.refresh_txn_counts.n_all IS 'Rows: count(*).';
COMMENT ON COLUMN clientele.refresh_txn_counts.n_period IS 'count(*) FILTER (WHERE customer_initiated AND kind <> ''enquiry'' AND ts >= period_from).';
COMMENT ON COLUMN clientele.refresh_txn_counts.last_ts IS 'max(ts) FILTER (WHERE customer_initiated).';
COMMENT ON COLUMN clientele.refresh_txn_counts.active IS 'bool_or(customer_initiated AND kind IN (''enquiry'', ''deposit'', ''withdrawal'', ''transfer'') AND ts >= recent_from).';
COMMENT ON COLUMN clientele.refresh_txn_counts.months_active IS 'Distinct calendar months (ts AT TIME ZONE time_zone) of the customer-initiated rows with ts >= months_from, up to the month of as_of.';
COMMENT ON COLUMN clientele.refresh_txn_counts.n_counter IS 'count(*) FILTER (WHERE ts >= period_from AND channel = ''counter'').';
COMMENT ON COLUMN clientele.refresh_txn_counts.n_atm IS 'count(*) FILTER (WHERE ts >= period_from AND channel = ''atm'').';
COMMENT ON COLUMN clientele.refresh_txn_counts.n_online IS 'count(*) FILTER (WHERE ts >= period_from AND channel = ''online'').';
COMMENT ON COLUMN clientele.refresh_txn_counts.n_mobile IS 'count(*) FILTER (WHERE ts >= period_from AND channel = ''mobile'').';
COMMENT ON COLUMN clientele.refresh_txn_counts.n_phone IS 'count(*) FILTER (WHERE ts >= period_from AND channel = ''phone'').';
COMMENT ON COLUMN clientele.refresh_txn_counts.n_pos IS 'count(*) FILTER (WHERE ts >= period_from AND channel = ''pos'').';
COMMENT ON COLUMN clientele.refresh_txn_counts.n_uncosted IS 'count(*) FILTER (WHERE ts >= period_from AND (channel IS NULL OR channel is none of the six above)).';

CREATE FUNCTION clientele.refresh_txn_trans(clientele.refresh_txn_state, timestamptz, boolean, text, text, date,
                                            timestamptz, timestamptz, timestamptz, text)
RETURNS clientele.refresh_txn_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_refresh_txn_trans';
COMMENT ON FUNCTION clientele.refresh_txn_trans(clientele.refresh_txn_state, timestamptz, boolean, text, text, date, timestamptz, timestamptz, timestamptz, text) IS
	'Transition function of clientele.refresh_txn_counts (immutable: months are taken in the time_zone argument, not the session''s).';
CREATE FUNCTION clientele.refresh_txn_combine(clientele.refresh_txn_state, clientele.refresh_txn_state)
RETURNS clientele.refresh_txn_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_refresh_txn_combine';
COMMENT ON FUNCTION clientele.refresh_txn_combine(clientele.refresh_txn_state, clientele.refresh_txn_state) IS
	'Combine function of clientele.refresh_txn_counts: counts add, the latest transaction is the maximum, flags and months join (exact, in any order).';
CREATE FUNCTION clientele.refresh_txn_final(clientele.refresh_txn_state) RETURNS clientele.refresh_txn_counts
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_refresh_txn_final';
COMMENT ON FUNCTION clientele.refresh_txn_final(clientele.refresh_txn_state) IS
	'Final function of clientele.refresh_txn_counts: the counts as a clientele.refresh_txn_counts row.';
CREATE AGGREGATE clientele.refresh_txn_counts(ts timestamptz, customer_initiated boolean, kind text, channel text, as_of date,
                                             period_from timestamptz, recent_from timestamptz, months_from timestamptz,
                                             time_zone text) (
	SFUNC = clientele.refresh_txn_trans,
	STYPE = clientele.refresh_txn_state,
	FINALFUNC = clientele.refresh_txn_final,
	COMBINEFUNC = clientele.refresh_txn_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.refresh_txn_counts(timestamptz, boolean, text, text, date, timestamptz, timestamptz, timestamptz, text) IS
	'Internal (the summary stage of clientele.refresh): one customer''s transaction counts in one pass, each equal to the SQL aggregate named in the column comments of clientele.refresh_txn_counts (NULLs by SQL''s three-valued logic; text compared as = compares it; months as extract(year/month FROM ts AT TIME ZONE time_zone) gives them, only those from months_from to the month of as_of, at most 128 months: ERROR 22023 for an earlier months_from). as_of, period_from, recent_from and months_from must be the same for every row of a group (ERROR 22023); NULL or infinite ones are refused (22004, 22023), as a NULL or unknown time_zone. Parallel safe with an exact combine function and a portable state type (clientele.refresh_txn_state). Empty input gives NULL.';

-- numeric::float8 goes through the numeric's text form and strtod: for an
-- amount with at most 2 decimals the same double is cents / 100.0
CREATE FUNCTION clientele.amount_float8(amount numeric) RETURNS double precision
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_amount_float8';
COMMENT ON FUNCTION clientele.amount_float8(numeric) IS
	'Internal (the summary stage of clientele.refresh): amount::float8, the same double in every case (NaN and infinities included), computed as cents / 100.0 (exact: IEEE division rounds correctly) when the amount has at most 2 decimals and at most 2^53 cents, else by the cast itself.';

-- jit = off: the plans are cheap to run but look expensive before the
-- temporary tables are analysed; compiling them cost seconds.
-- default_statistics_target = 10: the temporary tables are analysed only
-- for the join plans of the next statements (row counts, distinct keys);
-- a 3,000-row sample does that, and the default (30,000 rows, every column
-- of the 60-column result) took 1.4 s of the value stage at 50,000
-- customers.  work_mem is raised to 64MB for the refresh's own work when
-- the session has less (below), so that its hash joins and aggregates over
-- one row per customer or account stay in memory.
CREATE FUNCTION clientele.refresh_compute(p_as_of date, p_log bigint) RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp SET jit = off
SET default_statistics_target = 10 AS $$
DECLARE
	-- first: the date arithmetic below needs a date (clientele.refresh has run check_as_of)
	v_checked date := clientele.check_date(p_as_of, 'p_as_of');
	cfg clientele.refresh_config;
	v_from date;
	v_days integer;
	v_basis numeric := clientele.value_setting('day_count_basis');
	v_fixed numeric := clientele.value_setting('fixed_cost_per_customer_month');
	v_counter numeric := clientele.value_setting('cost_per_txn_counter');
	v_atm numeric := clientele.value_setting('cost_per_txn_atm');
	v_online numeric := clientele.value_setting('cost_per_txn_online');
	v_mobile numeric := clientele.value_setting('cost_per_txn_mobile');
	v_phone numeric := clientele.value_setting('cost_per_txn_phone');
	v_pos numeric := clientele.value_setting('cost_per_txn_pos');
	-- the summary stage's cost by channel in whole units of 10^-v_cost_scale
	-- (v_cost_unit): v_cost_k, valid for groups of at most v_cost_safe rows
	v_cost_scale integer;
	v_cost_unit numeric;
	v_k_counter bigint;
	v_k_atm bigint;
	v_k_online bigint;
	v_k_mobile bigint;
	v_k_phone bigint;
	v_k_pos bigint;
	v_cost_safe bigint := -1;
	v_high numeric := clientele.value_setting('profit_high_min');
	v_medium numeric := clientele.value_setting('profit_medium_min');
	v_vcut float8 := clientele.value_setting('value_index_cut');
	v_lcut float8 := clientele.value_setting('loyalty_index_cut');
	v_wt float8 := clientele.value_setting('loyalty_weight_tenure');
	v_wp float8 := clientele.value_setting('loyalty_weight_products');
	v_wa float8 := clientele.value_setting('loyalty_weight_activity');
	v_months integer := clientele.value_setting('activity_months');
	v_act_from date;
	v_recent_from date;
	v_end timestamptz := (p_as_of + 1)::timestamptz;
	-- months of the coordinator's session zone on every node (Citus does not pass TimeZone on)
	v_zone text := pg_catalog.current_setting('TimeZone');
	v_as_of_ts timestamptz := p_as_of::timestamptz;
	-- the balance windows of clientele.customer_features (the lifecycle stage
	-- reads them from the value stage's pass): the last 3 months and the 3 before
	v_f3 date := (p_as_of - interval '3 months')::date;
	v_f6 date := (p_as_of - interval '6 months')::date;
	v_from_ts timestamptz;
	v_recent_ts timestamptz;
	v_act_ts timestamptz;
	v_month0 date;
	v_month1 date := date_trunc('month', p_as_of::timestamp)::date;
	v_share0 numeric;
	v_share1 numeric;
	v_month_starts date[];
	v_closed_ids bigint[];
	v_closed_ons date[];
	v_t timestamptz := clock_timestamp();
	v_n bigint;
	v_customers bigint;
	v_bg clientele.bgnbd_params;
	v_disc float8;
	v_seg record;
	v_pred text;
	v_rules text;
	v_stored boolean := false;
	v_model record;
	v_cases text;
	v_d1 bigint;
	v_d2 bigint;
	v_acct_features boolean;
	v_d3 bigint;
	v_codes text;
	v_types varbit;
	-- the caller's settings, given back on return
	v_work_mem text := pg_catalog.current_setting('work_mem');
	v_parallel text := pg_catalog.current_setting('max_parallel_workers_per_gather');
	v_hash_mem text := pg_catalog.current_setting('hash_mem_multiplier');
	v_redo boolean;
	v_tiers boolean;
	v_deposit_classes boolean;
	v_fit record;
BEGIN
	-- on Citus: the stage history's dates (a reference table) are written
	-- after reads of distributed tables that refer to it, which Citus allows
	-- only over one connection per node
	IF pg_catalog.current_setting('citus.multi_shard_modify_mode', true) IS NOT NULL THEN
		PERFORM pg_catalog.set_config('citus.multi_shard_modify_mode', 'sequential', true);
	END IF;
	-- at least 64MB of work_mem for this function's statements (a larger
	-- session setting is kept), given back on return (below)
	IF pg_catalog.pg_size_bytes(v_work_mem) < 64 * 1024 * 1024 THEN
		PERFORM pg_catalog.set_config('work_mem', '64MB', true);
	END IF;
	SELECT * INTO cfg FROM clientele.refresh_config;
	-- the parallel workers per Gather of this function's statements: at most
	-- the settings' cap (never more than the session's setting), given back
	-- on return (below)
	IF cfg.max_parallel_workers_per_gather < v_parallel::integer THEN
		PERFORM pg_catalog.set_config('max_parallel_workers_per_gather', cfg.max_parallel_workers_per_gather::text, true);
	END IF;
	-- inputs that translate bank keys (area sources): register new keys first
	IF to_regprocedure('clientele.sync_keys()') IS NOT NULL THEN
		EXECUTE 'SELECT clientele.sync_keys()';
	END IF;
	v_from := (p_as_of - make_interval(months => cfg.value_period_months))::date + 1;
	v_days := p_as_of - v_from + 1;
	v_act_from := (date_trunc('month', p_as_of) - (v_months - 1) * interval '1 month')::date;
	v_recent_from := (p_as_of - make_interval(months => cfg.activity_months))::date + 1;
	v_from_ts := v_from::timestamptz;
	v_recent_ts := v_recent_from::timestamptz;
	v_act_ts := v_act_from::timestamptz;
	-- the first and last months of the value period and the share of their
	-- days inside it (the formula of clientele.profit_contribution)
	v_month0 := date_trunc('month', v_from::timestamp)::date;
	v_share0 := (least(p_as_of, (v_month0 + interval '1 month')::date - 1) - greatest(v_from, v_month0) + 1)::numeric
	            / ((v_month0 + interval '1 month')::date - v_month0);
	v_share1 := (least(p_as_of, (v_month1 + interval '1 month')::date - 1) - greatest(v_from, v_month1) + 1)::numeric
	            / ((v_month1 + interval '1 month')::date - v_month1);

	-- (a second refresh in the same transaction)
	IF to_regclass('pg_temp.clientele_rf_result') IS NOT NULL THEN
		DROP TABLE IF EXISTS pg_temp.clientele_rf_txn, pg_temp.clientele_rf_acct, pg_temp.clientele_rf_cust,
			pg_temp.clientele_rf_result, pg_temp.clientele_rf_segment, pg_temp.clientele_rf_feat,
			pg_temp.clientele_rf_known, pg_temp.clientele_rf_bal,
			pg_temp.clientele_rf_inc, pg_temp.clientele_rf_hist;
	END IF;

	-- summary: one scan of transactions and of interactions per refresh, one
	-- hash aggregate of three aggregates per row: rfm_summary, the counts of
	-- clientele.refresh_txn_counts (the rows of the period, by channel and
	-- in all, the latest customer-initiated transaction, the activity flag,
	-- the months with activity: each the SQL aggregate its column comment
	-- names, in one C transition instead of thirteen aggregates whose FILTER
	-- clauses compared text and converted times for every row) and
	-- activity_summary.  Every bound is a timestamptz variable (a date
	-- variable cast in the query is converted again for every row); the cost
	-- by channel is a count per channel (x its cost below) instead of a
	-- numeric sum per row; amounts reach rfm_summary through amount_float8
	-- (the double of ::float8 without its text round trip).
	--
	-- The cost by channel, sum(n_channel * cost), is the same numeric
	-- (value and display scale: the largest scale of the six costs) when
	-- computed in bigint over the costs in whole units of 10^-scale and
	-- multiplied by that unit once: one numeric product per customer
	-- instead of twelve numeric operations.  Used when the costs are
	-- finite, and for groups small enough that no bigint can overflow
	-- (n_all bounds every channel count); else the numeric formula.
	IF num_nulls(v_counter, v_atm, v_online, v_mobile, v_phone, v_pos) = 0
	   AND 'NaN' NOT IN (v_counter, v_atm, v_online, v_mobile, v_phone, v_pos)
	   AND greatest(abs(v_counter), abs(v_atm), abs(v_online), abs(v_mobile), abs(v_phone), abs(v_pos)) < 1e9 THEN
		v_cost_scale := greatest(scale(v_counter), scale(v_atm), scale(v_online), scale(v_mobile), scale(v_phone), scale(v_pos));
		IF v_cost_scale <= 9 THEN
			-- exact: no cost has more decimals than v_cost_scale
			v_cost_unit := round(power(10::numeric, -v_cost_scale), v_cost_scale);
			v_k_counter := v_counter * 10::numeric ^ v_cost_scale;
			v_k_atm := v_atm * 10::numeric ^ v_cost_scale;
			v_k_online := v_online * 10::numeric ^ v_cost_scale;
			v_k_mobile := v_mobile * 10::numeric ^ v_cost_scale;
			v_k_phone := v_phone * 10::numeric ^ v_cost_scale;
			v_k_pos := v_pos * 10::numeric ^ v_cost_scale;
			-- below 6e18: no overflow
			v_cost_safe := 9223372036854775807 / greatest(1, abs(v_k_counter) + abs(v_k_atm) + abs(v_k_online)
			                                                 + abs(v_k_mobile) + abs(v_k_phone) + abs(v_k_pos));
		END IF;
	END IF;
	-- the hash aggregate's memory (about 0.9 KB per customer: the three
	-- states and their results) for this statement only: hash_mem_multiplier
	-- = refresh_config.summary_memory_mb / work_mem, in 1..1000 (the server
	-- setting's range); a spilled aggregate writes the transactions of the
	-- groups that did not fit to temporary files and aggregates them again
	-- (at 1 million customers and 128MB, most of them)
	IF cfg.summary_memory_mb IS NOT NULL THEN
		PERFORM pg_catalog.set_config('hash_mem_multiplier',
			least(1000, greatest(1, cfg.summary_memory_mb * 1048576.0
			                        / pg_catalog.pg_size_bytes(pg_catalog.current_setting('work_mem'))))::float8::text,
			true);
	END IF;
	CREATE TEMP TABLE clientele_rf_txn ON COMMIT DROP AS
	SELECT x.customer_id, x.days, (x.c).n_period, (x.c).last_ts, (x.c).active, (x.c).n_all, (x.c).n_uncosted, x.activity,
	       CASE WHEN (x.c).n_all <= v_cost_safe
	            THEN ((x.c).n_counter * v_k_counter + (x.c).n_atm * v_k_atm + (x.c).n_online * v_k_online
	                  + (x.c).n_mobile * v_k_mobile + (x.c).n_phone * v_k_phone + (x.c).n_pos * v_k_pos)::numeric
	                 * v_cost_unit
	            ELSE (x.c).n_counter * v_counter + (x.c).n_atm * v_atm + (x.c).n_online * v_online + (x.c).n_mobile * v_mobile
	                 + (x.c).n_phone * v_phone + (x.c).n_pos * v_pos END AS txn_cost,
	       (x.c).months_active
	FROM (
		SELECT t.customer_id,
		       clientele.rfm_summary(t.ts, clientele.amount_float8(t.amount), v_as_of_ts, interval '1 day', v_zone)
		           FILTER (WHERE t.customer_initiated AND t.kind <> 'enquiry') AS days,
		       clientele.refresh_txn_counts(t.ts, t.customer_initiated, t.kind, t.channel, p_as_of,
		                                    v_from_ts, v_recent_ts, v_act_ts, v_zone) AS c,
		       -- the transaction features of clientele.customer_features (lifecycle
		       -- and churn stages), from this same scan
		       clientele.activity_summary(t.ts, t.customer_initiated, t.kind, t.direction, t.counterparty_bank,
		                                  t.amount, p_as_of, v_zone) AS activity
		FROM clientele.in_transaction t
		WHERE t.ts < v_end
		GROUP BY t.customer_id) x;
	IF pg_catalog.current_setting('hash_mem_multiplier') <> v_hash_mem THEN
		PERFORM pg_catalog.set_config('hash_mem_multiplier', v_hash_mem, true);
	END IF;

	CREATE TEMP TABLE clientele_rf_cust ON COMMIT DROP AS
	SELECT c.customer_id, c.customer_type, c.region, c.branch, c.relationship_manager, c.birth_date,
	       c.opened_on, CASE WHEN c.closed_on <= p_as_of THEN c.closed_on END AS closed_on,
	       coalesce(c.closed_on <= p_as_of, false) AS is_closed,
	       greatest(0, least(p_as_of, coalesce(c.closed_on, p_as_of)) - greatest(v_from, c.opened_on) + 1) AS active_days,
	       greatest(0, least(p_as_of, coalesce(c.closed_on, p_as_of)) - c.opened_on) AS tenure,
	       coalesce(i.n, 0)::integer AS complaints
	FROM clientele.in_customer c
	LEFT JOIN (SELECT i.customer_id, count(*) AS n FROM clientele.in_interaction i
	           WHERE i.kind IN ('complaint', 'service_failure') AND i.ts >= v_recent_ts AND i.ts < v_end
	           GROUP BY i.customer_id) i ON i.customer_id = c.customer_id
	WHERE c.opened_on <= p_as_of AND (c.closed_on IS NULL OR c.closed_on >= v_from);
	GET DIAGNOSTICS v_n = ROW_COUNT;
	-- analysed for the row counts and the customer key's statistics (the
	-- joins of the next stages).  No other column is joined on, and the only
	-- filter on one (the rfm stage's days IS NOT NULL, over every row) plans
	-- the same without it; statistics on the composite columns (3,000
	-- sampled rows sorted by record comparisons) cost as much as the
	-- count(*) the stages are measured against, at 10,000 customers
	ANALYZE pg_temp.clientele_rf_txn (customer_id);
	ANALYZE pg_temp.clientele_rf_cust (customer_id);
	-- transactions left out (no silent drops): without a customer, of a
	-- customer not in input customer, or not costed (unknown channel)
	CREATE TEMP TABLE clientele_rf_known ON COMMIT DROP AS
	SELECT DISTINCT c.customer_id FROM clientele.in_customer c WHERE c.customer_id IS NOT NULL;
	ANALYZE pg_temp.clientele_rf_known;
	-- (one scan probing a hash of the known keys; unknown is NULL for a NULL
	-- customer_id, and rf_known holds no NULL)
	SELECT coalesce(sum(x.n_all) FILTER (WHERE x.customer_id IS NULL), 0),
	       coalesce(sum(x.n_all) FILTER (WHERE x.unknown), 0),
	       coalesce(sum(x.n_uncosted) FILTER (WHERE NOT x.unknown), 0)
	INTO v_d1, v_d2, v_d3
	FROM (SELECT x.customer_id, x.n_all, x.n_uncosted,
	             x.customer_id NOT IN (SELECT k.customer_id FROM clientele_rf_known k) AS unknown
	      FROM clientele_rf_txn x OFFSET 0) x;
	PERFORM clientele.refresh_dropped(p_log, 'summary', 'transaction', 'a NULL customer_id', v_d1);
	PERFORM clientele.refresh_dropped(p_log, 'summary', 'transaction', 'a customer_id not in input customer', v_d2);
	PERFORM clientele.refresh_dropped(p_log, 'summary', 'transaction',
		'a channel outside counter, atm, online, mobile, phone, pos (not costed)', v_d3);
	v_t := clientele.refresh_stage_done(p_log, 'summary', v_n, v_t);

	-- value: one scan of balances, one aggregate per account for the average
	-- daily balance over the period, the latest balance and the balance
	-- windows of clientele.customer_features (lifecycle and churn stages),
	-- from one set of runs per account (clientele.refresh_balances).  A
	-- closed account's balance is 0 from closed_on on, that day included, as
	-- aum(), whether or not the bank supplies a closing zero snapshot: the
	-- aggregate does per account what clientele.balance_input (shared with
	-- customer_features and value_lines) does per snapshot, looking the
	-- account's closed_on up once per group in two sorted arrays.  Only the
	-- accounts closed on or before as_of need it (a later closed_on leaves
	-- out rows after as_of only); joining them to every snapshot cost more
	-- than a fifth of the pass
	SELECT coalesce(array_agg(k.account_id ORDER BY k.account_id), '{}'),
	       coalesce(array_agg(k.closed_on ORDER BY k.account_id), '{}')
	INTO v_closed_ids, v_closed_ons
	FROM (SELECT a.account_id, min(a.closed_on) AS closed_on
	      FROM clientele.in_account a
	      WHERE a.closed_on <= p_as_of AND a.account_id IS NOT NULL
	      GROUP BY a.account_id) k;
	CREATE TEMP TABLE clientele_rf_bal ON COMMIT DROP AS
	SELECT x.account_id, (x.r).adb, (x.r).latest, (x.r).snapshots AS n,
	       ROW((x.r).before_split, (x.r).after_split, (x.r).on_split)::clientele.adb_split AS adb_split
	FROM (
		SELECT b.account_id,
		       clientele.refresh_balances(b.account_id, b.as_of, b.balance, v_closed_ids, v_closed_ons,
		                                  v_from, v_f6 + 1, v_f3, p_as_of) AS r
		FROM clientele.in_balance b
		WHERE b.as_of <= p_as_of
		GROUP BY b.account_id) x
	WHERE (x.r).snapshots > 0;
	-- the key column only (as the summary stage's tables): the later
	-- statements join these tables on it and filter on no other column, and
	-- the sample of every column (the adb_split composites, the numeric
	-- sums) cost more than the key's
	ANALYZE pg_temp.clientele_rf_bal (account_id);
	-- products held: one bit per product type (its rank by name) ORed over
	-- the open accounts and counted, as count(DISTINCT product_type) but
	-- without sorting the accounts.  The accounts are sorted by customer
	-- first (a narrow sort of one row per account) and summed by a group
	-- aggregate: a hash aggregate kept the ten numeric sums of every
	-- customer alive at once (over 100MB at 50,000 customers) and cost
	-- about 1.7x as much CPU; the sums are exact, whatever the order
	SELECT repeat('0', count(*)::integer)::varbit INTO v_types FROM clientele.product_type;
	CREATE TEMP TABLE clientele_rf_acct ON COMMIT DROP AS
	SELECT y.customer_id,
	       sum(y.adb) FILTER (WHERE y.category <> 'credit') AS avg_balance,
	       sum(y.adb) FILTER (WHERE y.category = 'deposit') AS avg_deposit,
	       sum(y.adb * y.ftp_spread) FILTER (WHERE y.category <> 'credit') * v_days / v_basis AS ftp,
	       sum(y.adb * y.fee_rate) * v_days / v_basis AS fee,
	       sum(y.adb * y.ftp_spread) FILTER (WHERE y.category = 'credit') * v_days / v_basis AS loan,
	       sum(y.adb * y.pd * y.lgd) FILTER (WHERE y.category = 'credit') * v_days / v_basis AS ecl,
	       sum(greatest(y.latest, 0)) FILTER (WHERE y.open AND y.counts_in_aum AND y.category = 'deposit') AS dep,
	       sum(greatest(y.latest, 0)) FILTER (WHERE y.open AND y.counts_in_aum AND y.category = 'investment') AS inv,
	       sum(greatest(y.latest, 0)) FILTER (WHERE y.open AND y.counts_in_aum AND y.category = 'insurance') AS ins,
	       sum(greatest(y.latest, 0)) FILTER (WHERE y.open AND y.category = 'credit') AS loans,
	       count(*) FILTER (WHERE y.open)::integer AS accounts,
	       coalesce(bit_count(bit_or(set_bit(v_types, y.type_bit, 1)) FILTER (WHERE y.open)), 0)::integer AS held,
	       -- the account features of clientele.customer_features (lifecycle
	       -- and churn stages: customer_features_from's accounts relation),
	       -- from this same roll-up
	       min(y.opened_on) AS first_opened,
	       count(*)::integer AS n_ever,
	       count(*) FILTER (WHERE y.open_6m)::integer AS n_open_6m,
	       coalesce(bit_count(bit_or(set_bit(v_types, y.type_bit, 1)) FILTER (WHERE y.open_6m)), 0)::integer AS held_6m,
	       sum(greatest(y.adb_3m, 0)) FILTER (WHERE y.counts_in_aum AND y.has_bal) AS aum_3m,
	       sum(greatest(y.adb_prev_3m, 0)) FILTER (WHERE y.counts_in_aum AND y.has_bal) AS aum_prev_3m,
	       sum(greatest(y.bal_3m_ago, 0)) FILTER (WHERE y.counts_in_aum AND y.has_bal AND y.open_3m) AS aum_3m_ago
	FROM (SELECT a.customer_id, x.adb, x.latest, o.open, p.counts_in_aum, p.type_bit,
	             r.category, r.ftp_spread, r.fee_rate, r.pd, r.lgd,
	             a.opened_on, x.account_id IS NOT NULL AS has_bal,
	             a.opened_on <= v_f6 AND (a.closed_on IS NULL OR a.closed_on > v_f6) AS open_6m,
	             a.opened_on <= v_f3 AND (a.closed_on IS NULL OR a.closed_on > v_f3) AS open_3m,
	             (x.adb_split).after_split AS adb_3m, (x.adb_split).before_split AS adb_prev_3m,
	             (x.adb_split).on_split AS bal_3m_ago
	      FROM clientele.in_account a
	      CROSS JOIN LATERAL (SELECT a.opened_on <= p_as_of AND (a.closed_on IS NULL OR a.closed_on > p_as_of) AS open) o
	      JOIN (SELECT t.product_type, t.counts_in_aum, (row_number() OVER (ORDER BY t.product_type) - 1)::integer AS type_bit
	            FROM clientele.product_type t) p USING (product_type)
	      JOIN clientele.value_rates r USING (product_type)
	      LEFT JOIN clientele_rf_bal x USING (account_id)
	      WHERE a.opened_on <= p_as_of
	      ORDER BY a.customer_id) y
	GROUP BY y.customer_id;
	ANALYZE pg_temp.clientele_rf_acct (customer_id);
	-- bank-supplied monthly lines, prorated by the share of each month's
	-- days inside the period (as clientele.profit_contribution).  Only the
	-- first and last months of the period can be partial: their shares are
	-- computed once (v_share0, v_share1) and every other month counts whole
	-- (its share is exactly 1), so each line is read, filtered to the
	-- period's months and summed without a join (the sums are exact, the
	-- same as line x share summed).  The period's months are the first days
	-- of month from v_month0 to v_month1, one array (a hashed = ANY: the
	-- range test and date_trunc of every line cost twice as much).  Summed
	-- by a group aggregate over the lines sorted by customer, as the
	-- account roll-up: a hash aggregate keeps four numeric sums of every
	-- customer alive at once
	v_month_starts := ARRAY(SELECT pg_catalog.generate_series(v_month0::timestamp, v_month1::timestamp, interval '1 month')::date);
	CREATE TEMP TABLE clientele_rf_inc ON COMMIT DROP AS
	SELECT i.customer_id, count(*) AS n,
	       sum(CASE WHEN i.month = v_month0 THEN i.ftp_income * v_share0
	                WHEN i.month = v_month1 THEN i.ftp_income * v_share1 ELSE i.ftp_income END) AS ftp,
	       sum(CASE WHEN i.month = v_month0 THEN i.fee_income * v_share0
	                WHEN i.month = v_month1 THEN i.fee_income * v_share1 ELSE i.fee_income END) AS fee,
	       sum(CASE WHEN i.month = v_month0 THEN i.loan_interest * v_share0
	                WHEN i.month = v_month1 THEN i.loan_interest * v_share1 ELSE i.loan_interest END) AS loan,
	       sum(CASE WHEN i.month = v_month0 THEN i.cost * v_share0
	                WHEN i.month = v_month1 THEN i.cost * v_share1 ELSE i.cost END) AS cost
	FROM (SELECT i.customer_id, i.month, i.ftp_income, i.fee_income, i.loan_interest, i.cost
	      FROM clientele.in_income i
	      WHERE i.month = ANY (v_month_starts)
	      ORDER BY i.customer_id) i
	GROUP BY i.customer_id;
	ANALYZE pg_temp.clientele_rf_inc (customer_id);
	-- a NaN or infinite income line: an error naming the customer, not a NaN contribution
	PERFORM clientele.value_income_finite('refresh', min(x.customer_id) FILTER (WHERE
		NOT (x.ftp > '-Infinity' AND x.ftp < 'Infinity') OR NOT (x.fee > '-Infinity' AND x.fee < 'Infinity')
		OR NOT (x.loan > '-Infinity' AND x.loan < 'Infinity') OR NOT (x.cost > '-Infinity' AND x.cost < 'Infinity')))
	FROM clientele_rf_inc x;
	-- input rows left out (no silent drops)
	SELECT count(*) FILTER (WHERE a.customer_id IS NULL),
	       count(*) FILTER (WHERE a.customer_id IS NOT NULL AND p.product_type IS NULL),
	       count(*) FILTER (WHERE a.customer_id IS NOT NULL AND p.product_type IS NOT NULL AND k.customer_id IS NULL),
	       string_agg(DISTINCT coalesce(a.product_type, 'NULL'), ', ') FILTER (WHERE a.customer_id IS NOT NULL AND p.product_type IS NULL)
	INTO v_d1, v_d2, v_d3, v_codes
	FROM clientele.in_account a
	LEFT JOIN clientele.product_type p ON p.product_type = a.product_type
	LEFT JOIN clientele_rf_known k ON k.customer_id = a.customer_id
	WHERE a.opened_on <= p_as_of;
	PERFORM clientele.refresh_dropped(p_log, 'value', 'account', 'a NULL customer_id', v_d1);
	PERFORM clientele.refresh_dropped(p_log, 'value', 'account',
		format('product type not in clientele.product_type (%s)', left(v_codes, 200)), v_d2);
	PERFORM clientele.refresh_dropped(p_log, 'value', 'account', 'a customer_id not in input customer', v_d3);
	-- clientele_rf_acct holds every account of a customer (the account
	-- features of the lifecycle stage) unless some has a product type
	-- outside clientele.product_type: customer_features_from then counts
	-- the accounts itself
	v_acct_features := v_d2 = 0;
	SELECT coalesce(sum(x.n) FILTER (WHERE a.account_id IS NULL), 0) INTO v_d1
	FROM clientele_rf_bal x
	LEFT JOIN (SELECT DISTINCT a.account_id FROM clientele.in_account a) a ON a.account_id = x.account_id;
	PERFORM clientele.refresh_dropped(p_log, 'value', 'balance', 'a NULL account_id, or an account_id not in input account', v_d1);
	SELECT coalesce(sum(x.n) FILTER (WHERE k.customer_id IS NULL), 0) INTO v_d1
	FROM clientele_rf_inc x LEFT JOIN clientele_rf_known k ON k.customer_id = x.customer_id;
	PERFORM clientele.refresh_dropped(p_log, 'value', 'income', 'a NULL customer_id, or a customer_id not in input customer', v_d1);

	CREATE TEMP TABLE clientele_rf_result (LIKE clientele.customer_result) ON COMMIT DROP;
	INSERT INTO clientele_rf_result (as_of, customer_id, customer_type, region, branch, relationship_manager, age,
		opened_on, closed_on, is_closed, tenure_days, accounts, products_held, transactions, last_activity, active,
		complaints, aum, deposits, investments, insurance, loans, avg_daily_deposit, contribution_source,
		ftp_income, fee_income, loan_interest, expected_loss, cost, contribution, annualised,
		deposit_revenue_share, loan_revenue_share, fee_revenue_share, contribution_rank, contribution_top_share,
		decile, profit_class, value_index, activity_regularity, loyalty_index, quadrant,
		frequency, recency, t, monetary)
	WITH lines AS (
		SELECT k.*, tx.days, tx.n_period, tx.last_ts, tx.active, tx.months_active,
		       coalesce(ac.avg_deposit, 0) AS avg_deposit,
		       coalesce(ac.dep, 0) AS dep, coalesce(ac.inv, 0) AS inv, coalesce(ac.ins, 0) AS ins,
		       coalesce(ac.loans, 0) AS loans, coalesce(ac.accounts, 0) AS accounts, coalesce(ac.held, 0) AS held,
		       CASE WHEN s.customer_id IS NOT NULL THEN 'income' ELSE 'computed' END AS src,
		       round(coalesce(CASE WHEN s.customer_id IS NOT NULL THEN s.ftp ELSE ac.ftp END, 0), 2) AS ftp,
		       round(coalesce(CASE WHEN s.customer_id IS NOT NULL THEN s.fee ELSE ac.fee END, 0), 2) AS fee,
		       round(coalesce(CASE WHEN s.customer_id IS NOT NULL THEN s.loan ELSE ac.loan END, 0), 2) AS loan,
		       round(coalesce(ac.ecl, 0), 2) AS ecl,
		       round(CASE WHEN s.customer_id IS NOT NULL THEN s.cost
		                  ELSE v_fixed * 12 * k.active_days / v_basis + coalesce(tx.txn_cost, 0) END, 2) AS cost
		-- the four inputs (one row per customer each) merge-joined in
		-- customer order: clientele_rf_cust, clientele_rf_inc and
		-- clientele_rf_acct are written in that order, so their sorts find
		-- sorted rows; hash joins probed tables of every customer at
		-- random (cache misses: about 15% more CPU at 200,000 customers)
		FROM (SELECT * FROM clientele_rf_cust ORDER BY customer_id) k
		LEFT JOIN (SELECT * FROM clientele_rf_inc ORDER BY customer_id) s USING (customer_id)
		LEFT JOIN (SELECT * FROM clientele_rf_acct ORDER BY customer_id) ac USING (customer_id)
		LEFT JOIN (SELECT * FROM clientele_rf_txn ORDER BY customer_id) tx USING (customer_id)
	), base AS MATERIALIZED (
		SELECT l.*, c.contribution, round(c.contribution * v_basis / v_days, 2) AS annualised,
		       l.ftp + l.fee + l.loan AS revenue,
		       coalesce(l.months_active, 0)::float8 / v_months AS act
		FROM lines l
		CROSS JOIN LATERAL (SELECT l.ftp + l.fee + l.loan - l.ecl - l.cost AS contribution) c
	), ranks AS (
		-- the window sorts on a narrow row (customer and sort keys only),
		-- joined back by hash.  row_number, ntile and value_index share one
		-- sort (contribution descending): percent_rank over contribution
		-- ascending (NULLS LAST) is (rows - rows at or above)/(rows - 1),
		-- the rows at or above being count(*) over contribution descending
		-- (NULLS FIRST, peers included), the same float8 division
		SELECT b.customer_id,
		       row_number() OVER w AS crank,
		       count(*) OVER () AS n,
		       ntile(10) OVER w AS dec,
		       CASE WHEN count(*) OVER () > 1
		            THEN (count(*) OVER () - count(*) OVER (ORDER BY b.contribution DESC))::float8 / (count(*) OVER () - 1)::float8
		            ELSE 0 END AS vi,
		       (v_wt * percent_rank() OVER (ORDER BY b.tenure)
		        + v_wp * percent_rank() OVER (ORDER BY b.held)
		        + v_wa * percent_rank() OVER (ORDER BY b.act)) / (v_wt + v_wp + v_wa) AS li
		FROM (SELECT customer_id, contribution, tenure, held, act FROM base) b
		WINDOW w AS (ORDER BY b.contribution DESC, b.customer_id)
	), ranked AS (
		SELECT b.*, k.crank, k.n, k.dec, k.vi, k.li
		FROM base b JOIN ranks k USING (customer_id)
	)
	SELECT p_as_of, r.customer_id, r.customer_type, r.region, r.branch, r.relationship_manager,
	       extract(year FROM age(p_as_of, r.birth_date))::integer,
	       r.opened_on, r.closed_on, r.is_closed, r.tenure, r.accounts, r.held,
	       coalesce(r.n_period, 0), r.last_ts::date, coalesce(r.active, false),
	       r.complaints, r.dep + r.inv + r.ins, r.dep, r.inv, r.ins, r.loans, r.avg_deposit, r.src,
	       r.ftp, r.fee, r.loan, r.ecl, r.cost, r.contribution, r.annualised,
	       CASE WHEN r.revenue > 0 THEN (r.ftp / r.revenue)::float8 END,
	       CASE WHEN r.revenue > 0 THEN (r.loan / r.revenue)::float8 END,
	       CASE WHEN r.revenue > 0 THEN (r.fee / r.revenue)::float8 END,
	       r.crank, r.crank::float8 / r.n, r.dec,
	       CASE WHEN r.annualised < 0 THEN 'negative'
	            WHEN r.annualised >= v_high THEN 'high'
	            WHEN r.annualised >= v_medium THEN 'medium'
	            ELSE 'low' END,
	       r.vi, r.act, r.li,
	       CASE WHEN r.vi >= v_vcut AND r.li >= v_lcut THEN 'A'
	            WHEN r.vi >= v_vcut THEN 'B'
	            WHEN r.li >= v_lcut THEN 'C'
	            ELSE 'D' END,
	       (r.days).frequency, (r.days).recency / 7, (r.days).t / 7, (r.days).monetary
	FROM ranked r;
	GET DIAGNOSTICS v_customers = ROW_COUNT;
	ANALYZE pg_temp.clientele_rf_result;
	v_t := clientele.refresh_stage_done(p_log, 'value', v_customers, v_t);

	-- tiers (only when the scheme has a version on as_of)
	-- one UPDATE when both schemes apply (each UPDATE writes a new version
	-- of every 60-column row)
	v_tiers := EXISTS (SELECT 1 FROM clientele.tier_version WHERE scheme = cfg.tier_scheme AND valid_from <= p_as_of);
	v_deposit_classes := EXISTS (SELECT 1 FROM clientele.tier_version WHERE scheme = cfg.deposit_class_scheme AND valid_from <= p_as_of);
	IF v_tiers AND v_deposit_classes THEN
		UPDATE clientele_rf_result r
		SET tier = clientele.tier_of(cfg.tier_scheme, r.aum, r.region, p_as_of),
		    tier_rank = clientele.tier_rank(cfg.tier_scheme, r.aum, r.region, p_as_of),
		    deposit_class = clientele.tier_of(cfg.deposit_class_scheme, r.deposits, r.region, p_as_of);
	ELSIF v_tiers THEN
		UPDATE clientele_rf_result r
		SET tier = clientele.tier_of(cfg.tier_scheme, r.aum, r.region, p_as_of),
		    tier_rank = clientele.tier_rank(cfg.tier_scheme, r.aum, r.region, p_as_of);
	ELSIF v_deposit_classes THEN
		UPDATE clientele_rf_result r
		SET deposit_class = clientele.tier_of(cfg.deposit_class_scheme, r.deposits, r.region, p_as_of);
	END IF;
	v_t := clientele.refresh_stage_done(p_log, 'tiers', v_customers, v_t);

	-- rfm: scores over the customers with a transaction (the population of clientele.rfm_scores)
	WITH s AS (
		SELECT x.customer_id, x.days
		FROM clientele_rf_txn x WHERE x.days IS NOT NULL
	), ranked AS (
		SELECT s.customer_id, count(*) OVER () AS n,
		       rank() OVER (ORDER BY (s.days).days_since_last DESC) - 1 AS r_below,
		       rank() OVER (ORDER BY (s.days).periods) - 1 AS f_below,
		       rank() OVER (ORDER BY (s.days).total_amount) - 1 AS m_below
		FROM s
	), scored AS (
		SELECT ranked.customer_id,
		       clientele.rfm_ntile_score(r_below, n, cfg.rfm_ntiles) AS r,
		       clientele.rfm_ntile_score(f_below, n, cfg.rfm_ntiles) AS f,
		       clientele.rfm_ntile_score(m_below, n, cfg.rfm_ntiles) AS m
		FROM ranked
	)
	UPDATE clientele_rf_result res
	SET rfm_r = scored.r, rfm_f = scored.f, rfm_m = scored.m,
	    rfm_segment = clientele.rfm_segment(cfg.rfm_scheme, scored.r, scored.f, scored.m)
	FROM scored WHERE scored.customer_id = res.customer_id;
	GET DIAGNOSTICS v_n = ROW_COUNT;
	v_t := clientele.refresh_stage_done(p_log, 'rfm', v_n, v_t);

	-- models: BG/NBD in weeks; CLV = expected future profit contribution
	-- the fit and its customers (for refresh_model) in one scan of the results
	SELECT clientele.bgnbd_fit(r.frequency, r.recency, r.t, cfg.model_penalizer) AS bg, count(*) AS customers
	INTO v_fit
	FROM clientele_rf_result r WHERE r.frequency IS NOT NULL AND NOT r.is_closed;
	v_bg := v_fit.bg;
	IF v_bg IS NOT NULL AND NOT coalesce(v_bg.converged, false) THEN
		RAISE NOTICE 'refresh: the BG/NBD fit as of % did not converge; P(alive) and CLV are left NULL for customers with transactions', p_as_of;
		v_bg := NULL;
	END IF;
	v_disc := (SELECT sum(power(1 + cfg.discount_rate_monthly, -i)) FROM generate_series(1, cfg.clv_months) i);
	-- one UPDATE (each one writes a new version of every 60-column row):
	-- the CLV repeats the P(alive) expression
	UPDATE clientele_rf_result r
	SET p_alive = CASE WHEN r.is_closed THEN 0
	                   WHEN r.frequency IS NULL THEN 1
	                   WHEN v_bg IS NULL THEN NULL
	                   ELSE clientele.bgnbd_p_alive(v_bg, r.frequency, r.recency, r.t) END,
	    expected_transactions = CASE WHEN r.is_closed THEN 0
	                   WHEN r.frequency IS NULL OR v_bg IS NULL THEN NULL
	                   ELSE clientele.bgnbd_expected_purchases(v_bg, cfg.clv_months * 30.4375 / 7, r.frequency, r.recency, r.t) END,
	    clv = CASE WHEN r.is_closed THEN 0
	               ELSE round((r.annualised / 12
	                           * (CASE WHEN r.frequency IS NULL THEN 1
	                                   WHEN v_bg IS NULL THEN NULL
	                                   ELSE clientele.bgnbd_p_alive(v_bg, r.frequency, r.recency, r.t) END)::numeric
	                           * v_disc::numeric), 2) END;
	DELETE FROM clientele.refresh_model WHERE as_of = p_as_of;
	INSERT INTO clientele.refresh_model (as_of, bgnbd, customers)
	VALUES (p_as_of, v_bg, v_fit.customers);
	GET DIAGNOSTICS v_n = ROW_COUNT;
	v_t := clientele.refresh_stage_done(p_log, 'models', v_customers, v_t);

	-- lifecycle and churn (areas lifecycle and churn, when installed): the
	-- customer features are computed ONCE (clientele_rf_feat); the lifecycle
	-- stage and the churn score with reasons are both derived from that one
	-- relation through the row-level entry points
	IF to_regprocedure('clientele.lifecycle_classify(clientele.customer_features, text)') IS NOT NULL THEN
		v_rules := coalesce((SELECT lr.rules FROM clientele.lifecycle_rules lr WHERE lr.in_use), 'standard');
		CREATE TEMP TABLE clientele_rf_feat ON COMMIT DROP AS
		SELECT (x.f).customer_id AS customer_id, (x.d).stage AS stage, (x.d).rule AS rule, x.f
		FROM (SELECT f, clientele.lifecycle_classify(f, v_rules) AS d
		      FROM clientele.customer_features_from(p_as_of, 'pg_temp.clientele_rf_txn'::regclass,
		                                            'pg_temp.clientele_rf_bal'::regclass,
		                                            CASE WHEN v_acct_features THEN 'pg_temp.clientele_rf_acct'::regclass END) f
		      OFFSET 0) x;
		-- statistics of the columns the joins and filters below use: the
		-- whole table's ANALYZE sorted the sampled features composites (f)
		-- and cost about 3x a scan of the transactions
		ANALYZE pg_temp.clientele_rf_feat (customer_id, stage);
		-- recorded in the stage history when as_of is the newest date (dates
		-- are recorded in order), as clientele.record_lifecycle(as_of) does.
		-- A refresh of the newest recorded date again (e.g. after the day's
		-- load, when the nightly run had refreshed that date before it)
		-- records it again: its recording is undone first, which gives back
		-- the history as it was before that date (no later date is recorded)
		IF NOT EXISTS (SELECT 1 FROM clientele.lifecycle_recorded WHERE as_of > p_as_of) THEN
			-- one recorder at a time (as clientele.record_lifecycle); readers are not blocked
			LOCK TABLE clientele.lifecycle_recorded IN SHARE ROW EXCLUSIVE MODE;
			IF EXISTS (SELECT 1 FROM clientele.lifecycle_recorded WHERE as_of = p_as_of)
			   AND NOT EXISTS (SELECT 1 FROM clientele.lifecycle_recorded WHERE as_of > p_as_of) THEN
				DELETE FROM clientele.lifecycle_history WHERE valid_from = p_as_of;
				UPDATE clientele.lifecycle_history SET valid_to = NULL WHERE valid_to = p_as_of;
				DELETE FROM clientele.lifecycle_recorded WHERE as_of = p_as_of;
			END IF;
			IF NOT EXISTS (SELECT 1 FROM clientele.lifecycle_recorded WHERE as_of >= p_as_of) THEN
				PERFORM clientele.lifecycle_store(p_as_of, v_rules, 'pg_temp.clientele_rf_feat'::regclass);
				v_stored := true;
			END IF;
		END IF;
		IF v_stored THEN
			-- recorded now: the history holds these very stages
			UPDATE clientele_rf_result r SET lifecycle_stage = l.stage::text
			FROM clientele_rf_feat l WHERE l.customer_id = r.customer_id;
		ELSIF EXISTS (SELECT 1 FROM clientele.lifecycle_recorded WHERE as_of = p_as_of) THEN
			-- recorded before (record_lifecycle, an earlier refresh): the
			-- recorded stages, read into a temporary table first (Citus
			-- cannot update a local table joined to a distributed one)
			CREATE TEMP TABLE clientele_rf_hist ON COMMIT DROP AS
			SELECT h.customer_id, h.stage FROM clientele.lifecycle_history h
			WHERE h.valid_from <= p_as_of AND (h.valid_to IS NULL OR h.valid_to > p_as_of);
			UPDATE clientele_rf_result r SET lifecycle_stage = h.stage::text
			FROM clientele_rf_hist h WHERE h.customer_id = r.customer_id;
		ELSE
			RAISE NOTICE 'refresh: lifecycle stages as of % are computed but not recorded in the stage history (a later date is recorded already)', p_as_of;
			UPDATE clientele_rf_result r SET lifecycle_stage = l.stage::text
			FROM clientele_rf_feat l WHERE l.customer_id = r.customer_id;
		END IF;
		GET DIAGNOSTICS v_n = ROW_COUNT;
		v_t := clientele.refresh_stage_done(p_log, 'lifecycle', v_n, v_t);
	ELSE
		v_t := clientele.refresh_stage_done(p_log, 'lifecycle', NULL, v_t);
	END IF;

	-- churn (area churn, when installed; else from P(alive)): customers
	-- not churned on as_of, as clientele.churn_scores(as_of, method)
	IF to_regprocedure('clientele.churn_scores(date, text)') IS NOT NULL AND cfg.churn_method = 'p_alive' THEN
		-- clientele.churn_scores(as_of, 'p_alive') without its second
		-- features pass and BG/NBD fit: its fit is the models stage's (the
		-- same purchases, customers and penalizer), so its P(alive) is this
		-- row's p_alive (0 when closed: those rows are not scored), and its
		-- purchase summary in weeks (one purchase per day) is this row's,
		-- frequency, recency and t; the customers are those not churned
		-- (the lifecycle stage's rows, as the scorecard below; churn_scores
		-- needs the lifecycle area).  Tested equal to churn_scores.
		UPDATE clientele_rf_result r
		SET churn_score = round((100 * (1 - r.p_alive))::numeric, 2),
		    churn_reasons = clientele.churn_p_alive_reasons(r.p_alive, (x.days).frequency, r.recency, r.t, (x.days).last_at)
		FROM clientele_rf_feat l LEFT JOIN clientele_rf_txn x ON x.customer_id = l.customer_id
		WHERE l.customer_id = r.customer_id AND l.stage <> 'churned' AND NOT r.is_closed;
	ELSIF to_regprocedure('clientele.churn_scores(date, text)') IS NOT NULL AND cfg.churn_method = 'scorecard' THEN
		-- the row-level scorecard over the one features pass
		UPDATE clientele_rf_result r SET churn_score = (s.sc).score, churn_reasons = (s.sc).reasons
		FROM (SELECT l.customer_id, clientele.churn_scorecard_of(l.f) AS sc
		      FROM clientele_rf_feat l WHERE l.stage <> 'churned' OFFSET 0) s
		WHERE s.customer_id = r.customer_id AND NOT r.is_closed;
	ELSIF to_regprocedure('clientele.churn_scores(date, text)') IS NOT NULL THEN
		SELECT * INTO v_model FROM clientele.churn_model cm WHERE cm.name = cfg.churn_method ORDER BY cm.version DESC LIMIT 1;
		IF NOT FOUND THEN
			-- the error of clientele.churn_scores naming the known methods
			PERFORM clientele.churn_scores(p_as_of, cfg.churn_method);
		END IF;
		UPDATE clientele_rf_result r SET churn_score = (s.sc).score, churn_reasons = (s.sc).reasons
		FROM (SELECT l.customer_id,
		             clientele.churn_model_score(v_model.coefficients, v_model.means, v_model.scales, v_model.features,
		                                         clientele.churn_model_features(l.f)) AS sc
		      FROM clientele_rf_feat l WHERE l.stage <> 'churned' OFFSET 0) s
		WHERE s.customer_id = r.customer_id AND NOT r.is_closed;
	ELSE
		UPDATE clientele_rf_result r
		SET churn_score = round((100 * (1 - r.p_alive))::numeric, 2),
		    churn_reasons = jsonb_build_array(jsonb_build_object('signal', 'p_alive',
		        'points', round((100 * (1 - r.p_alive))::numeric, 2),
		        'evidence', jsonb_build_object('p_alive', round(r.p_alive::numeric, 4), 'frequency', r.frequency,
		                                       'recency_weeks', round(r.recency::numeric, 2), 't_weeks', round(r.t::numeric, 2))))
		WHERE NOT r.is_closed AND r.p_alive IS NOT NULL;
	END IF;
	GET DIAGNOSTICS v_n = ROW_COUNT;
	v_t := clientele.refresh_stage_done(p_log, 'churn', v_n, v_t);

	-- segments: the active definitions, evaluated as the refresher
	CREATE TEMP TABLE clientele_rf_segment (customer_id bigint NOT NULL, segment text NOT NULL) ON COMMIT DROP;
	-- one scan of the results for every definition: a row per (customer,
	-- definition) whose predicate is true (NULL or false: not a member)
	v_cases := NULL;
	FOR v_seg IN SELECT d.segment, d.predicate FROM clientele.segment_definition d WHERE d.active ORDER BY d.priority, d.segment LOOP
		v_pred := clientele.segment_predicate_check(v_seg.predicate);
		v_cases := concat_ws(', ', v_cases, format('(CASE WHEN (%s) THEN %L END)', v_pred, v_seg.segment));
	END LOOP;
	IF v_cases IS NOT NULL THEN
		-- unnest of one array per customer: half the time of a VALUES list
		-- (a scan node re-evaluated per customer, row by row)
		EXECUTE format('INSERT INTO pg_temp.clientele_rf_segment (customer_id, segment)
		                SELECT r.customer_id, s.segment FROM pg_temp.clientele_rf_result r
		                CROSS JOIN LATERAL pg_catalog.unnest(ARRAY[%s]) s(segment) WHERE s.segment IS NOT NULL', v_cases);
	END IF;
	SELECT count(*) INTO v_n FROM clientele_rf_segment;
	v_t := clientele.refresh_stage_done(p_log, 'segments', v_n, v_t);

	-- store: replace the date's rows (readers see the old rows until commit).
	-- A new date (the usual case) has no rows to delete: one probe of the
	-- primary key instead of the deletes' scans of the whole history (their
	-- plans cannot know the date's rows are absent)
	v_redo := EXISTS (SELECT 1 FROM clientele.customer_result WHERE as_of = p_as_of)
	          OR EXISTS (SELECT 1 FROM clientele.segment_membership WHERE as_of = p_as_of);
	IF v_redo THEN
		DELETE FROM clientele.segment_membership WHERE as_of = p_as_of;
		DELETE FROM clientele.customer_result WHERE as_of = p_as_of;
	END IF;
	-- no sort: the rows come in about customer order already (the
	-- customers' order, kept by the stages), and a new date's keys (as_of,
	-- customer_id, ...) then go to the right edge of the primary keys; a
	-- sort of the 60-column rows spilled to disk and cost more than it saved
	INSERT INTO clientele.customer_result SELECT * FROM clientele_rf_result;
	-- in customer order (a sort of narrow rows; a customer's segments kept
	-- in the order written): each new key then goes to the right edge of
	-- the primary key (as_of leads), where btree inserts take their fast
	-- path.  In the results' order about one customer in thirty came back
	-- to a lower id, and the inserts after it descended the index (at
	-- 50,000 customers the sorted insert took half the time)
	INSERT INTO clientele.segment_membership (as_of, customer_id, segment)
	SELECT p_as_of, s.customer_id, s.segment FROM clientele_rf_segment s ORDER BY s.customer_id, s.ctid;
	DELETE FROM clientele.kpi_history WHERE as_of = p_as_of;
	INSERT INTO clientele.kpi_history SELECT * FROM clientele.kpi_compute(p_as_of);
	v_t := clientele.refresh_stage_done(p_log, 'store', v_customers, v_t);

	PERFORM clientele.refresh_reports();
	-- the scorecard's rows: this date's when it is the latest (no scan to count them)
	v_t := clientele.refresh_stage_done(p_log, 'reports',
		CASE WHEN EXISTS (SELECT 1 FROM clientele.customer_result WHERE as_of > p_as_of)
		     THEN (SELECT count(*) FROM clientele.customer_scorecard) ELSE v_customers END, v_t);

	v_n := clientele.purge_history();
	v_t := clientele.refresh_stage_done(p_log, 'purge', v_n, v_t);
	-- the caller's work_mem and max_parallel_workers_per_gather back: a
	-- set_config(..., true) in a function lasts to the end of the
	-- transaction (only the settings of the function's SET clauses are
	-- restored on return; an error rolls them all back)
	IF pg_catalog.current_setting('work_mem') <> v_work_mem THEN
		PERFORM pg_catalog.set_config('work_mem', v_work_mem, true);
	END IF;
	IF pg_catalog.current_setting('max_parallel_workers_per_gather') <> v_parallel THEN
		PERFORM pg_catalog.set_config('max_parallel_workers_per_gather', v_parallel, true);
	END IF;
	RETURN v_customers;
END $$;
COMMENT ON FUNCTION clientele.refresh_compute(date, bigint) IS
	'Internal: the work of clientele.refresh in one transaction: computes every stage into temporary tables, replaces the date''s rows of the result tables, refreshes the reporting views and purges old history. Called by clientele.refresh, which holds the lock and writes the log.';

-- ---------------------------------------------------------------------------
-- The lock: one refresh at a time per database
-- ---------------------------------------------------------------------------
CREATE FUNCTION clientele.refresh_lock(p_wait boolean, p_session boolean) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	-- advisory lock key (1668050548 = 'clnt', 1 = refresh)
	k1 constant integer := 1668050548;
	k2 constant integer := 1;
	v_holder record;
	v_got boolean;
BEGIN
	-- a session-level hold of this very session is left over from a refresh
	-- that failed where it could not give it back (no refresh runs in this
	-- session now: this one is starting): drop it, so that it neither blocks
	-- other sessions' refreshes beyond this one nor outlives it
	IF p_session THEN
		FOR i IN 1 .. 1000 LOOP
			EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_locks l
			                      WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid() AND l.classid = k1::oid
			                        AND l.objid = k2::oid AND l.objsubid = 2 AND l.granted AND l.mode = 'ExclusiveLock'
			                        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()));
			PERFORM pg_advisory_unlock(k1, k2);
		END LOOP;
	END IF;
	IF p_wait THEN
		IF p_session THEN PERFORM pg_advisory_lock(k1, k2); ELSE PERFORM pg_advisory_xact_lock(k1, k2); END IF;
		RETURN;
	END IF;
	IF p_session THEN v_got := pg_try_advisory_lock(k1, k2); ELSE v_got := pg_try_advisory_xact_lock(k1, k2); END IF;
	IF v_got THEN
		RETURN;
	END IF;
	SELECT a.pid, a.usename, a.xact_start, l2.as_of INTO v_holder
	FROM pg_locks l
	JOIN pg_stat_activity a ON a.pid = l.pid
	LEFT JOIN LATERAL (SELECT g.as_of FROM clientele.refresh_log g WHERE g.pid = l.pid AND g.status = 'running'
	                   ORDER BY g.refresh_id DESC LIMIT 1) l2 ON true
	WHERE l.locktype = 'advisory' AND l.classid = k1::oid AND l.objid = k2::oid AND l.objsubid = 2 AND l.granted
	  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
	LIMIT 1;
	RAISE EXCEPTION 'another clientele refresh is running in database "%"', current_database()
		USING ERRCODE = 'lock_not_available',
		      DETAIL = CASE WHEN v_holder.pid IS NULL THEN 'The session holding the refresh lock has just ended.'
		               ELSE format('Session pid %s (user %s) holds the refresh lock%s%s.', v_holder.pid,
		                           coalesce(v_holder.usename::text, '?'),
		                           CASE WHEN v_holder.as_of IS NOT NULL THEN format(', refreshing as of %s', v_holder.as_of) ELSE '' END,
		                           CASE WHEN v_holder.xact_start IS NOT NULL THEN format(', since %s', v_holder.xact_start) ELSE '' END) END,
		      HINT = 'Wait for it to finish, or CALL clientele.refresh(..., wait => true) to queue behind it.';
END $$;
COMMENT ON FUNCTION clientele.refresh_lock(boolean, boolean) IS
	'Internal: takes the refresh advisory lock (session-level when p_session, else transaction-level); without p_wait, ERROR 55P03 naming the holding session (pid, user, as_of) when another refresh holds it.';

CREATE FUNCTION clientele.refresh_unlock() RETURNS void
LANGUAGE sql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
	SELECT pg_catalog.pg_advisory_unlock(1668050548, 1);
$$;
COMMENT ON FUNCTION clientele.refresh_unlock() IS 'Internal: releases the session-level refresh advisory lock.';

CREATE FUNCTION clientele.refresh_in_transaction() RETURNS boolean
LANGUAGE c VOLATILE PARALLEL RESTRICTED AS 'MODULE_PATHNAME', 'clientele_refresh_in_transaction';
COMMENT ON FUNCTION clientele.refresh_in_transaction() IS
	'Internal: whether the calling procedure may not COMMIT: it runs in an atomic context (a transaction block, BEGIN or the implicit block of a query string with several statements, or called from a function) or in a subtransaction.';

-- ---------------------------------------------------------------------------
-- The entry point
-- ---------------------------------------------------------------------------
-- A procedure that commits may not carry a SET clause: search_path is set
-- with set_config(..., true) for its own transactions (and given back to a
-- calling transaction), and every name below is schema-qualified.
CREATE PROCEDURE clientele.refresh(as_of date DEFAULT CURRENT_DATE, wait boolean DEFAULT false)
LANGUAGE plpgsql AS $$
DECLARE
	-- called as a top-level CALL (its own transaction): commit the log row
	-- first so that a failure, a cancel or a crash leaves a trace; called
	-- where it may not COMMIT (inside a transaction block, also the implicit
	-- one of a query string with several statements, or called from a
	-- function), everything belongs to the caller's transaction
	v_session boolean := pg_catalog.statement_timestamp() OPERATOR(pg_catalog.=) pg_catalog.transaction_timestamp()
		AND NOT clientele.refresh_in_transaction();
	v_as_of date := as_of;
	v_log bigint;
	v_n bigint;
	v_failed boolean := false;
	v_state text;
	v_msg text;
	v_detail text;
	v_hint text;
	v_path text := pg_catalog.current_setting('search_path');
BEGIN
	PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
	-- on Citus, inside a caller's transaction: one connection per node from
	-- the first read on (refresh_compute explains why; a top-level CALL
	-- commits below and refresh_compute sets it again)
	IF pg_catalog.current_setting('citus.multi_shard_modify_mode', true) IS NOT NULL THEN
		PERFORM pg_catalog.set_config('citus.multi_shard_modify_mode', 'sequential', true);
	END IF;
	IF wait IS NULL THEN
		RAISE EXCEPTION 'wait must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM clientele.refresh_check_as_of(v_as_of);
	PERFORM clientele.refresh_lock(wait, v_session);
	-- the session-level lock outlives an error: whatever fails (or is
	-- cancelled) before the work starts gives it back
	BEGIN
		-- a 'running' row of a session that ended mid-way (it no longer holds the lock: we do)
		UPDATE clientele.refresh_log SET status = 'aborted', finished_at = pg_catalog.clock_timestamp(),
			error = 'the session ended during the refresh (terminated, crashed or disconnected); its results were rolled back'
		WHERE status OPERATOR(pg_catalog.=) 'running';
		INSERT INTO clientele.refresh_log (as_of) VALUES (v_as_of) RETURNING refresh_id INTO v_log;
	EXCEPTION WHEN OTHERS OR query_canceled THEN
		IF v_session THEN
			PERFORM clientele.refresh_unlock();
		END IF;
		RAISE;
	END;
	IF v_session THEN
		COMMIT;
		PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
	END IF;
	BEGIN
		v_n := clientele.refresh_compute(v_as_of, v_log);
		-- in the same block: a failure (or cancel) of this last write rolls
		-- the results back and is logged and unlocked like any other
		UPDATE clientele.refresh_log SET status = 'ok', finished_at = pg_catalog.clock_timestamp(), customers = v_n
		WHERE refresh_id OPERATOR(pg_catalog.=) v_log;
	EXCEPTION WHEN OTHERS OR query_canceled THEN
		GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT,
			v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
		v_failed := true;
	END;
	IF v_failed THEN
		UPDATE clientele.refresh_log SET status = 'failed', finished_at = pg_catalog.clock_timestamp(),
			error = v_msg, sqlstate = v_state
		WHERE refresh_id OPERATOR(pg_catalog.=) v_log;
		IF v_session THEN
			PERFORM clientele.refresh_unlock();
			COMMIT;
		END IF;
		IF coalesce(v_detail, '') = '' AND coalesce(v_hint, '') = '' THEN
			RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = v_msg;
		ELSIF coalesce(v_hint, '') = '' THEN
			RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = v_msg, DETAIL = v_detail;
		ELSIF coalesce(v_detail, '') = '' THEN
			RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = v_msg, HINT = v_hint;
		ELSE
			RAISE EXCEPTION USING ERRCODE = v_state, MESSAGE = v_msg, DETAIL = v_detail, HINT = v_hint;
		END IF;
	END IF;
	IF v_session THEN
		COMMIT;
		PERFORM clientele.refresh_unlock();
	ELSE
		-- inside the caller's transaction: give it its search_path back
		PERFORM pg_catalog.set_config('search_path', v_path, true);
	END IF;
	RAISE NOTICE 'refresh as of %: % customers', v_as_of, v_n;
END $$;
COMMENT ON PROCEDURE clientele.refresh(date, boolean) IS
	'Computes every customer''s figures as of a date (summary, AUM, profit contribution, tiers, RFM, P(alive), CLV, lifecycle, churn score, segments) into clientele.customer_result (history per as_of) and refreshes the reporting views. Atomic: an error, cancel or ended session leaves the previous results; one at a time (ERROR 55P03 naming the holder unless wait => true); NOTICE per stage; logged in clientele.refresh_log.';

-- ---------------------------------------------------------------------------
-- Retention
-- ---------------------------------------------------------------------------
CREATE FUNCTION clientele.purge_history(retention_days integer DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_days integer := coalesce(retention_days, (SELECT c.retention_days FROM clientele.refresh_config c));
	v_newest date := (SELECT max(r.as_of) FROM clientele.customer_result r);
	v_cut date;
	v_n bigint;
	v_total bigint := 0;
BEGIN
	IF retention_days IS NOT NULL AND retention_days < 1 THEN
		RAISE EXCEPTION 'retention_days must be at least 1, got %', retention_days
			USING ERRCODE = 'invalid_parameter_value', HINT = 'The newest refresh date is always kept.';
	END IF;
	IF v_days IS NULL OR v_newest IS NULL THEN
		RETURN 0;	-- keep everything
	END IF;
	v_cut := v_newest - v_days;
	DELETE FROM clientele.segment_membership WHERE as_of < v_cut;
	GET DIAGNOSTICS v_n = ROW_COUNT; v_total := v_total + v_n;
	DELETE FROM clientele.customer_result WHERE as_of < v_cut;
	GET DIAGNOSTICS v_n = ROW_COUNT; v_total := v_total + v_n;
	DELETE FROM clientele.kpi_history WHERE as_of < v_cut;
	GET DIAGNOSTICS v_n = ROW_COUNT; v_total := v_total + v_n;
	DELETE FROM clientele.refresh_model WHERE as_of < v_cut;
	GET DIAGNOSTICS v_n = ROW_COUNT; v_total := v_total + v_n;
	DELETE FROM clientele.refresh_log WHERE as_of < v_cut AND status <> 'running';
	GET DIAGNOSTICS v_n = ROW_COUNT; v_total := v_total + v_n;
	IF to_regprocedure('clientele.purge_lifecycle_history(date)') IS NOT NULL THEN
		EXECUTE 'SELECT clientele.purge_lifecycle_history($1)' INTO v_n USING v_cut;
		v_total := v_total + v_n;
	END IF;
	RETURN v_total;
END $$;
COMMENT ON FUNCTION clientele.purge_history(integer) IS
	'Deletes result history (customer_result, segment_membership, kpi_history, refresh_model, refresh_log; and the lifecycle stage history of those dates, clientele.purge_lifecycle_history) of refresh dates more than retention_days (default: clientele.refresh_config.retention_days; NULL there = keep everything) before the newest refresh date, which is always kept. Returns the rows deleted. Run at the end of every refresh.';
