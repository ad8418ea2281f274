-- area: signals (see docs/lifecycle.md)
-- ===========================================================================
-- Churn early-warning signals (domain notes section 4): eleven signals with
-- points and thresholds as data (clientele.churn_signal ships the definitions
-- and documented defaults, read-only; a bank's values go to
-- clientele.churn_signal_setting, validated on write), evaluated set-based
-- over clientele.customer_features (no second pass over the data).
-- ===========================================================================

CREATE TABLE clientele.churn_signal (
	code           text PRIMARY KEY
		CONSTRAINT churn_signal_code_valid CHECK (code ~ '^[a-z][a-z0-9_]*$'),
	description    text NOT NULL,
	points         numeric NOT NULL,
	threshold      numeric NOT NULL,
	min_base       numeric NOT NULL DEFAULT 0,
	enabled        boolean NOT NULL DEFAULT true,
	threshold_min  numeric NOT NULL,
	threshold_max  numeric NOT NULL,
	integral       boolean NOT NULL DEFAULT false,
	source         text NOT NULL,
	builtin        boolean NOT NULL DEFAULT true
);
COMMENT ON TABLE clientele.churn_signal IS
	'The churn warning signals clientele.churn_signals evaluates, with their documented default points, threshold and minimum base (read-only: the evaluation of each code is built in; a bank sets its own values in clientele.churn_signal_setting). The defaults are illustrative assumptions except where the description cites a number from the sources.';
COMMENT ON COLUMN clientele.churn_signal.code IS 'Signal code, as returned in churn_signals.signal.';
COMMENT ON COLUMN clientele.churn_signal.description IS 'When the signal fires (threshold and min_base as used).';
COMMENT ON COLUMN clientele.churn_signal.points IS 'Default points of the signal (its weight in a scorecard).';
COMMENT ON COLUMN clientele.churn_signal.threshold IS 'Default threshold (meaning per signal, see description).';
COMMENT ON COLUMN clientele.churn_signal.min_base IS 'Default minimum of the earlier-window amount or count the comparison needs (0: any positive base).';
COMMENT ON COLUMN clientele.churn_signal.enabled IS 'Whether the signal is evaluated by default.';
COMMENT ON COLUMN clientele.churn_signal.threshold_min IS 'Smallest allowed threshold.';
COMMENT ON COLUMN clientele.churn_signal.threshold_max IS 'Largest allowed threshold.';
COMMENT ON COLUMN clientele.churn_signal.integral IS 'Whether the threshold is a count (whole number).';
COMMENT ON COLUMN clientele.churn_signal.source IS 'Where the signal comes from (domain notes section 4).';
COMMENT ON COLUMN clientele.churn_signal.builtin IS 'True for the shipped signals (all of them).';

INSERT INTO clientele.churn_signal (code, description, points, threshold, min_base, threshold_min, threshold_max, integral, source) VALUES
	('balance_down', 'AUM (average daily balance of AUM products) of the last 3 months fell by threshold (default 0.30 = 30 %) or more against the 3 months before, which was positive and at least min_base.', 25, 0.30, 0, 0.01, 1, false, 'domain notes section 4 (000:953): contribution falling, balance decreasing'),
	('frequency_down', 'Customer-initiated transactions of the last 3 months fell by threshold (default 0.50) or more against the 3 months before, which had at least min_base (default 3).', 20, 0.50, 3, 0.01, 1, false, 'domain notes section 4 (000:953): lower usage frequency'),
	('transfer_amount_down', 'Amount of outgoing customer-initiated transfers of the last 3 months fell by threshold (default 0.50) or more against the 3 months before, which was positive and at least min_base.', 10, 0.50, 0, 0.01, 1, false, 'domain notes section 4 (000:953): lower transfer amounts'),
	('fewer_products', 'Open products (distinct product types) fell by threshold (default 1) or more against 6 months ago.', 15, 1, 0, 1, 100, true, 'domain notes section 4 (000:953): fewer products held'),
	('inactive_after_active', 'No customer-initiated transaction in the last 6 months, and at least threshold (default 1) in the 6 months before.', 30, 1, 0, 1, 100000, true, 'domain notes section 4 (000:953): no transactions in the last 6 months while active in the 6 months before'),
	('address_change', 'At least threshold (default 1) address changes in the last 3 months.', 10, 1, 0, 1, 1000, true, 'domain notes section 4 (000:951): change of (billing) address'),
	('complaint', 'At least threshold (default 1) complaints or service failures in the last 6 months.', 15, 1, 0, 1, 1000, true, 'domain notes section 4 (000:951, failed service request): complaints, falling satisfaction'),
	('no_rm_contact', 'The customer has a relationship manager and fewer than threshold (default 1) rm_contact interactions in the last 6 months.', 5, 1, 0, 1, 1000, true, 'domain notes section 4 (000:951): customer no longer contacts the relationship manager'),
	('outflow_other_bank', 'Outgoing transactions to another bank (counterparty_bank set) in the last 3 months amount to threshold (default 0.20) or more of the AUM on the day 3 months ago, which was positive and at least min_base.', 20, 0.20, 0, 0.01, 100, false, 'domain notes section 4 (001:301): large outflows to other banks'),
	('deposit_matured_not_rolled', 'At least threshold (default 1) time deposits matured in the last 3 months, were paid out, and no time deposit was opened within 14 days of the maturity.', 15, 1, 0, 1, 100, true, 'domain notes section 4 (002:319, 000:947): a time deposit maturing and not rolled over'),
	('single_product', 'The customer holds at least 1 and at most threshold (default 1, i.e. exactly one) open products.', 5, 1, 0, 1, 100, true, 'domain notes section 4 (004 card case): single-product customers');

-- The definitions are read-only (the evaluation of each code is built in);
-- an upgrade script may SET LOCAL clientele.allow_builtin_changes = on.
CREATE FUNCTION clientele.churn_signal_read_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF coalesce(current_setting('clientele.allow_builtin_changes', true), '') = 'on' THEN
		RETURN NULL;
	END IF;
	RAISE EXCEPTION 'clientele.churn_signal is read-only'
		USING ERRCODE = 'insufficient_privilege',
		      DETAIL = 'The signal definitions ship with the extension: the evaluation of each code is built into clientele.churn_signals.',
		      HINT = 'Set the points, threshold, min_base or enabled flag of a signal in clientele.churn_signal_setting.';
END $$;
COMMENT ON FUNCTION clientele.churn_signal_read_only() IS 'Trigger function: rejects writes to the shipped signal definitions.';
CREATE TRIGGER churn_signal_read_only BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON clientele.churn_signal
	FOR EACH STATEMENT EXECUTE FUNCTION clientele.churn_signal_read_only();
COMMENT ON TRIGGER churn_signal_read_only ON clientele.churn_signal IS 'The signal definitions ship with the extension and are read-only (a bank''s values: clientele.churn_signal_setting).';

CREATE TABLE clientele.churn_signal_setting (
	code       text PRIMARY KEY
		CONSTRAINT churn_signal_setting_code_fkey REFERENCES clientele.churn_signal (code),
	points     numeric,
	threshold  numeric,
	min_base   numeric,
	enabled    boolean,
	note       text
);
COMMENT ON TABLE clientele.churn_signal_setting IS
	'The bank''s values for the churn signals: a non-NULL column replaces the default of clientele.churn_signal. Validated on write (points 0..1000, threshold within the signal''s range, min_base >= 0, finite numbers).';
COMMENT ON COLUMN clientele.churn_signal_setting.code IS 'Signal code, from clientele.churn_signal.';
COMMENT ON COLUMN clientele.churn_signal_setting.points IS 'Points of the signal (NULL: the default).';
COMMENT ON COLUMN clientele.churn_signal_setting.threshold IS 'Threshold (NULL: the default).';
COMMENT ON COLUMN clientele.churn_signal_setting.min_base IS 'Minimum base (NULL: the default).';
COMMENT ON COLUMN clientele.churn_signal_setting.enabled IS 'Whether the signal is evaluated (NULL: the default).';
COMMENT ON COLUMN clientele.churn_signal_setting.note IS 'Why / who decided.';
SELECT pg_catalog.pg_extension_config_dump('clientele.churn_signal_setting', '');

CREATE FUNCTION clientele.churn_signal_setting_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	s clientele.churn_signal;
BEGIN
	SELECT * INTO s FROM clientele.churn_signal WHERE code = NEW.code;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'unknown churn signal "%"', NEW.code
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Signals are: ' || (SELECT string_agg(code, ', ' ORDER BY code) FROM clientele.churn_signal) || '.';
	END IF;
	IF NEW.points::text IN ('NaN', 'Infinity', '-Infinity') OR NEW.points < 0 OR NEW.points > 1000 THEN
		RAISE EXCEPTION 'points of churn signal "%" must lie between 0 and 1000, got %', NEW.code, NEW.points
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF NEW.threshold::text IN ('NaN', 'Infinity', '-Infinity') OR NEW.threshold < s.threshold_min OR NEW.threshold > s.threshold_max THEN
		RAISE EXCEPTION 'threshold of churn signal "%" must lie between % and %, got %', NEW.code, s.threshold_min, s.threshold_max, NEW.threshold
			USING ERRCODE = 'invalid_parameter_value', DETAIL = s.description;
	END IF;
	IF s.integral AND NEW.threshold <> trunc(NEW.threshold) THEN
		RAISE EXCEPTION 'threshold of churn signal "%" is a count and must be a whole number, got %', NEW.code, NEW.threshold
			USING ERRCODE = 'invalid_parameter_value', DETAIL = s.description;
	END IF;
	IF NEW.min_base::text IN ('NaN', 'Infinity', '-Infinity') OR NEW.min_base < 0 THEN
		RAISE EXCEPTION 'min_base of churn signal "%" must be a finite number >= 0, got %', NEW.code, NEW.min_base
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN NEW;
END $$;
COMMENT ON FUNCTION clientele.churn_signal_setting_check() IS
	'Trigger function: rejects an unknown signal, points outside 0..1000, a threshold outside the signal''s range (or fractional for a count), a negative min_base, NaN or infinite numbers.';
CREATE TRIGGER churn_signal_setting_check BEFORE INSERT OR UPDATE ON clientele.churn_signal_setting
	FOR EACH ROW EXECUTE FUNCTION clientele.churn_signal_setting_check();
COMMENT ON TRIGGER churn_signal_setting_check ON clientele.churn_signal_setting IS 'Validates each setting on write.';
CREATE TRIGGER churn_signal_setting_config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clientele.churn_signal_setting
	FOR EACH STATEMENT EXECUTE FUNCTION clientele.config_changed();
COMMENT ON TRIGGER churn_signal_setting_config_changed ON clientele.churn_signal_setting IS 'Tells every backend to recompile a cached copy.';

CREATE VIEW clientele.churn_signal_settings AS
SELECT s.code, s.description,
       coalesce(b.points, s.points) AS points,
       coalesce(b.threshold, s.threshold) AS threshold,
       coalesce(b.min_base, s.min_base) AS min_base,
       coalesce(b.enabled, s.enabled) AS enabled,
       b.code IS NOT NULL AS set_by_bank, b.note
FROM clientele.churn_signal s LEFT JOIN clientele.churn_signal_setting b USING (code);
COMMENT ON VIEW clientele.churn_signal_settings IS 'Every churn signal with its effective points, threshold, min_base and enabled flag (the bank''s value, else the default).';

CREATE FUNCTION clientele.churn_signals(as_of date)
RETURNS TABLE (customer_id bigint, signal text, points numeric, evidence jsonb)
LANGUAGE sql STABLE PARALLEL SAFE ROWS 100000 SET search_path = pg_catalog, pg_temp AS $$
	WITH s AS (
		SELECT code, points, threshold, min_base FROM clientele.churn_signal_settings WHERE enabled
	), t AS (
		SELECT max(threshold) FILTER (WHERE code = 'balance_down') AS bd, max(min_base) FILTER (WHERE code = 'balance_down') AS bd_min,
		       max(threshold) FILTER (WHERE code = 'frequency_down') AS fd, max(min_base) FILTER (WHERE code = 'frequency_down') AS fd_min,
		       max(threshold) FILTER (WHERE code = 'transfer_amount_down') AS td, max(min_base) FILTER (WHERE code = 'transfer_amount_down') AS td_min,
		       max(threshold) FILTER (WHERE code = 'fewer_products') AS fp,
		       max(threshold) FILTER (WHERE code = 'inactive_after_active') AS ia,
		       max(threshold) FILTER (WHERE code = 'address_change') AS ac,
		       max(threshold) FILTER (WHERE code = 'complaint') AS co,
		       max(threshold) FILTER (WHERE code = 'no_rm_contact') AS nr,
		       max(threshold) FILTER (WHERE code = 'outflow_other_bank') AS ob, max(min_base) FILTER (WHERE code = 'outflow_other_bank') AS ob_min,
		       max(threshold) FILTER (WHERE code = 'deposit_matured_not_rolled') AS dm,
		       max(threshold) FILTER (WHERE code = 'single_product') AS sp
		FROM s
	)
	SELECT f.customer_id, v.code, s.points, v.evidence
	FROM clientele.customer_features(as_of) f
	CROSS JOIN t
	CROSS JOIN LATERAL (VALUES
		('balance_down',
		 CASE WHEN f.aum_prev_3m > 0 AND f.aum_prev_3m >= t.bd_min AND f.aum_3m <= f.aum_prev_3m * (1 - t.bd)
		      THEN jsonb_build_object('aum_before', f.aum_prev_3m, 'aum_now', f.aum_3m,
		                              'change', round((f.aum_3m - f.aum_prev_3m) / f.aum_prev_3m, 4)) END),
		('frequency_down',
		 CASE WHEN f.txn_prev_3m > 0 AND f.txn_prev_3m >= t.fd_min AND f.txn_3m <= f.txn_prev_3m * (1 - t.fd)
		      THEN jsonb_build_object('txn_before', f.txn_prev_3m, 'txn_now', f.txn_3m,
		                              'change', round((f.txn_3m - f.txn_prev_3m)::numeric / f.txn_prev_3m, 4)) END),
		('transfer_amount_down',
		 CASE WHEN f.transfer_out_prev_3m > 0 AND f.transfer_out_prev_3m >= t.td_min
		           AND f.transfer_out_3m <= f.transfer_out_prev_3m * (1 - t.td)
		      THEN jsonb_build_object('transfer_out_before', f.transfer_out_prev_3m, 'transfer_out_now', f.transfer_out_3m,
		                              'change', round((f.transfer_out_3m - f.transfer_out_prev_3m) / f.transfer_out_prev_3m, 4)) END),
		('fewer_products',
		 CASE WHEN f.products_open_6m_ago - f.products_open >= t.fp
		      THEN jsonb_build_object('products_6m_ago', f.products_open_6m_ago, 'products_now', f.products_open) END),
		('inactive_after_active',
		 CASE WHEN f.txn_6m = 0 AND f.txn_prev_6m >= t.ia
		      THEN jsonb_build_object('txn_last_6m', f.txn_6m, 'txn_6m_before', f.txn_prev_6m, 'last_txn_on', f.last_txn_on) END),
		('address_change',
		 CASE WHEN f.address_changes_3m >= t.ac
		      THEN jsonb_build_object('address_changes_3m', f.address_changes_3m) END),
		('complaint',
		 CASE WHEN f.complaints_6m >= t.co
		      THEN jsonb_build_object('complaints_6m', f.complaints_6m) END),
		('no_rm_contact',
		 CASE WHEN f.has_rm AND f.rm_contacts_6m < t.nr
		      THEN jsonb_build_object('relationship_manager', f.relationship_manager, 'rm_contacts_6m', f.rm_contacts_6m) END),
		('outflow_other_bank',
		 CASE WHEN f.aum_3m_ago > 0 AND f.aum_3m_ago >= t.ob_min AND f.other_bank_out_3m >= t.ob * f.aum_3m_ago
		      THEN jsonb_build_object('outflow_3m', f.other_bank_out_3m, 'aum_3m_ago', f.aum_3m_ago,
		                              'share', round(f.other_bank_out_3m / f.aum_3m_ago, 4)) END),
		('deposit_matured_not_rolled',
		 CASE WHEN f.td_not_rolled_3m >= t.dm
		      THEN jsonb_build_object('matured_3m', f.td_matured_3m, 'not_rolled', f.td_not_rolled_3m,
		                              'matured_on', f.td_not_rolled_on) END),
		('single_product',
		 CASE WHEN f.products_open BETWEEN 1 AND t.sp
		      THEN jsonb_build_object('products_open', f.products_open) END)
	) AS v(code, evidence)
	JOIN s ON s.code = v.code
	WHERE v.evidence IS NOT NULL AND NOT f.customer_closed AND f.accounts_open > 0
	ORDER BY f.customer_id, s.points DESC, v.code;
$$;
COMMENT ON FUNCTION clientele.churn_signals(date) IS
	'Churn warning signals fired as of a date: one row per customer and fired signal (enabled signals of clientele.churn_signal_settings, evaluated on clientele.customer_features(as_of), no row dated after as_of) with its points and the numbers behind it as evidence (e.g. {"aum_before": 200000, "aum_now": 123600, "change": -0.3820}). Customers closed on or before as_of, or without an open account, get none. Comparisons are exact (numeric). Runs clientele.check_as_of first. Ordered by customer, points descending, signal.';

REVOKE ALL ON TABLE clientele.churn_signal, clientele.churn_signal_setting, clientele.churn_signal_settings FROM PUBLIC;
GRANT SELECT ON TABLE clientele.churn_signal, clientele.churn_signal_setting, clientele.churn_signal_settings TO clientele_analyst, clientele_admin;
GRANT INSERT, UPDATE, DELETE ON TABLE clientele.churn_signal_setting TO clientele_admin;
REVOKE ALL ON FUNCTION clientele.churn_signal_setting_check(), clientele.churn_signal_read_only() FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.churn_signals(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele.churn_signals(date) TO clientele_analyst, clientele_admin;
