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
	source         text NOT NULL
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

INSERT INTO clientele.churn_signal (code, description, points, threshold, min_base, threshold_min, threshold_max, integral, source) VALUES
	('balance_down', 'AUM (average daily balance of AUM products) of the last 3 months fell by threshold (default 0.30 = 30 %) or more against the 3 months before, which was positive and at least min_base.', 25, 0.30, 0, 0.01, 1, false, 'domain notes section 4 (000:953): contribution falling, balance decreasing'),
	('frequency_down', 'Customer-initiated transactions of the last 3 months fell by threshold (default 0.50) or more against the 3 months before, which had at least min_base (default 3).', 20, 0.50, 3, 0.01, 1, false, 'domain notes section 4 (000:953): lower usage frequency'),
	('transfer_amount_down', 'Amount of outgoing customer-initiated transfers of the last 3 months fell by threshold (default 0.50) or more against the 3 months before, which was positive and at least min_base.', 10, 0.50, 0, 0.01, 1, false, 'domain notes section 4 (000:953): lower transfer amounts'),
	('fewer_products', 'Open products (distinct product types) fell by threshold (default 1) or more against 6 months ago.', 15, 1, 0, 1, 100, true, 'domain notes section 4 (000:953): fewer products held'),
	('inactive_after_active', 'No customer-initiated transaction in the last 6 months, and at least threshold (default 1) in the 6 months before.', 30, 1, 0, 1, 100000, true, 'domain notes section 4 (000:953): no transactions in the last 6 months while active in the 6 months before'),
	('address_change', 'At least threshold (default 1) address changes in the last 3 months.', 10, 1, 0, 1, 1000, true, 'domain notes section 4 (000:951): change of (billing) address'),
	('complaint', 'At least threshold (default 1) complaints or service failures in the last 6 months.', 15, 1, 0, 1, 1000, true, 'domain notes section 4 (000:951, failed service request): complaints, falling satisfaction'),
	('no_rm_contact', 'The customer has a relationship manager and fewer than threshold (default 1) rm_contact interactions in the last 6 months.', 5, 1, 0, 1, 1000, true, 'domain notes section 4 (000:951): customer no longer contacts the relationship manager'),
	('outflow_other_bank', 'Outgoing transfers to another bank (counterparty_bank set) in the last 3 months amount to threshold (default 0.20) or more of the AUM on the day 3 months ago, which was positive and at least min_base.', 20, 0.20, 0, 0.01, 100, false, 'domain notes section 4 (001:301): large outflows to other banks'),
	('deposit_matured_not_rolled', 'At least threshold (default 1) time deposits matured in the last 3 months, were paid out, and no time deposit was opened within 14 days of the maturity.', 15, 1, 0, 1, 100, true, 'domain notes section 4 (002:319, 000:947): a time deposit maturing and not rolled over'),
	('single_product', 'The customer holds at least 1 and at most threshold (default 1, i.e. exactly one) open products.', 5, 1, 0, 1, 100, true, 'domain notes section 4 (004 card case): single-product customers');

-- every row ships with the extension (the evaluation of each code is built in)
SELECT clientele.config_table_register('clientele.churn_signal',
	'Set the points, threshold, min_base or enabled flag of a signal in clientele.churn_signal_setting.',
	p_what => 'churn signal settings', p_rows => 'shipped');

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
-- every row is the bank's: caches invalidated, rows dumped
SELECT clientele.config_table_register('clientele.churn_signal_setting', p_what => 'churn signal settings', p_rows => 'bank');

CREATE VIEW clientele.churn_signal_settings AS
SELECT s.code, s.description,
       coalesce(b.points, s.points) AS points,
       coalesce(b.threshold, s.threshold) AS threshold,
       coalesce(b.min_base, s.min_base) AS min_base,
       coalesce(b.enabled, s.enabled) AS enabled,
       b.code IS NOT NULL AS set_by_bank, b.note
FROM clientele.churn_signal s LEFT JOIN clientele.churn_signal_setting b USING (code);
COMMENT ON VIEW clientele.churn_signal_settings IS 'Every churn signal with its effective points, threshold, min_base and enabled flag (the bank''s value, else the default).';
COMMENT ON COLUMN clientele.churn_signal_settings.code IS 'Signal code (clientele.churn_signal).';
COMMENT ON COLUMN clientele.churn_signal_settings.description IS 'What the signal detects.';
COMMENT ON COLUMN clientele.churn_signal_settings.points IS 'Effective points added to the churn score when the signal fires.';
COMMENT ON COLUMN clientele.churn_signal_settings.threshold IS 'Effective threshold of the signal.';
COMMENT ON COLUMN clientele.churn_signal_settings.min_base IS 'Effective minimum of the earlier-window amount or count the comparison needs (0: any positive base).';
COMMENT ON COLUMN clientele.churn_signal_settings.enabled IS 'Whether the signal is evaluated.';
COMMENT ON COLUMN clientele.churn_signal_settings.set_by_bank IS 'Whether the bank set the signal in clientele.churn_signal_setting.';
COMMENT ON COLUMN clientele.churn_signal_settings.note IS 'Why / who decided (clientele.churn_signal_setting.note).';

CREATE FUNCTION clientele.churn_signals_of(features clientele.customer_features)
RETURNS TABLE (signal text, points numeric, evidence jsonb)
LANGUAGE c STABLE STRICT PARALLEL SAFE ROWS 2 AS 'MODULE_PATHNAME', 'clientele_churn_signals_of';
COMMENT ON FUNCTION clientele.churn_signals_of(clientele.customer_features) IS
	'The churn warning signals one customer fires, from its row of clientele.customer_features: one row per enabled signal of clientele.churn_signal_settings that fires, with its points and the numbers behind it (evidence), in a fixed order (balance_down first, single_product last). A customer closed on or before the features'' as_of, or without an open account, fires none. Settings compiled per backend, recompiled after every committed change. Comparisons are exact (numeric). ERROR 22023 for a negative, NaN or infinite feature.';

CREATE FUNCTION clientele.churn_signals(as_of date)
RETURNS TABLE (customer_id bigint, signal text, points numeric, evidence jsonb)
LANGUAGE sql STABLE PARALLEL SAFE ROWS 100000 SET search_path = pg_catalog, pg_temp AS $$
	SELECT f.customer_id, s.signal, s.points, s.evidence
	FROM clientele.customer_features(as_of) f
	CROSS JOIN LATERAL clientele.churn_signals_of(f) s
	ORDER BY f.customer_id, s.points DESC, s.signal;
$$;
COMMENT ON FUNCTION clientele.churn_signals(date) IS
	'Churn warning signals fired as of a date: one row per customer and fired signal (clientele.churn_signals_of over clientele.customer_features(as_of), no row dated after as_of) with its points and the numbers behind it as evidence (e.g. {"aum_before": 200000, "aum_now": 123600, "change": -0.3820}). Customers closed on or before as_of, or without an open account, get none. Runs clientele.check_as_of first. Ordered by customer, points descending, signal.';

REVOKE ALL ON TABLE clientele.churn_signal, clientele.churn_signal_setting, clientele.churn_signal_settings FROM PUBLIC;
GRANT SELECT ON TABLE clientele.churn_signal, clientele.churn_signal_setting, clientele.churn_signal_settings TO clientele_analyst, clientele_admin;
GRANT INSERT, UPDATE, DELETE ON TABLE clientele.churn_signal_setting TO clientele_admin;
REVOKE ALL ON FUNCTION clientele.churn_signal_setting_check() FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.churn_signals(date), clientele.churn_signals_of(clientele.customer_features) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele.churn_signals(date), clientele.churn_signals_of(clientele.customer_features) TO clientele_analyst, clientele_admin;
