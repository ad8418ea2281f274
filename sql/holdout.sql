-- area: holdout
-- Calibration/holdout validation of the non-contractual models (the table of
-- Fader, Hardie & Lee 2005, figure 4 / table 2): fit on a calibration
-- period, compare the conditional expectation of holdout repeat purchases
-- with the actual ones, by calibration frequency.

CREATE OR REPLACE FUNCTION clientele.holdout_guard(newest date, holdout_end date, max_lag_days integer, relation regclass)
RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF newest IS NOT NULL AND holdout_end OPERATOR(pg_catalog.-) newest OPERATOR(pg_catalog.>) max_lag_days THEN
		RAISE EXCEPTION 'holdout_end % is % days after the newest row of % (%), more than % days',
			holdout_end, holdout_end OPERATOR(pg_catalog.-) newest, relation, newest, max_lag_days
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'A holdout period the data has not reached would count the purchases not loaded yet as none.',
			      HINT = 'Load the data up to the date, pick an earlier holdout_end, or raise the setting clientele.as_of_max_lag_days.';
	END IF;
	RETURN true;
END $$;
COMMENT ON FUNCTION clientele.holdout_guard(date, date, integer, regclass) IS
	'Internal: the holdout guard of clientele.calibration_holdout, evaluated inside its query before the fit: ERROR 22023 with a hint when holdout_end is more than max_lag_days (the setting clientele.as_of_max_lag_days) days after newest, the newest day of the relation; true otherwise (also for a NULL newest: an empty relation).';

CREATE OR REPLACE FUNCTION clientele.calibration_holdout(
	transactions     regclass,
	calibration_end  date,
	holdout_end      date,
	model            text DEFAULT 'pareto_nbd',
	time_unit        interval DEFAULT '7 days',
	customer_column  name DEFAULT 'customer_id',
	time_column      name DEFAULT 'ts',
	max_frequency    integer DEFAULT 7,
	penalizer        float8 DEFAULT 0)
RETURNS TABLE (
	frequency        integer,
	frequency_label  text,
	customers        bigint,
	actual_mean      float8,
	predicted_mean   float8,
	converged        boolean)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_unit   float8;
	v_fit    text;
	v_pred   text;
	v_type   oid;
	v_src    text;
	c        name;
	v_lag    integer;
	r        record;
BEGIN
	IF transactions IS NULL OR calibration_end IS NULL OR holdout_end IS NULL OR model IS NULL
	   OR time_unit IS NULL OR customer_column IS NULL OR time_column IS NULL
	   OR max_frequency IS NULL OR penalizer IS NULL THEN
		RAISE EXCEPTION '% must not be NULL',
			CASE WHEN transactions IS NULL THEN 'transactions' WHEN calibration_end IS NULL THEN 'calibration_end'
			     WHEN holdout_end IS NULL THEN 'holdout_end' WHEN model IS NULL THEN 'model' WHEN time_unit IS NULL THEN 'time_unit'
			     WHEN customer_column IS NULL THEN 'customer_column' WHEN time_column IS NULL THEN 'time_column'
			     WHEN max_frequency IS NULL THEN 'max_frequency' ELSE 'penalizer' END
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM clientele.check_date(calibration_end, 'calibration_end');
	PERFORM clientele.check_date(holdout_end, 'holdout_end');
	IF holdout_end <= calibration_end THEN
		RAISE EXCEPTION 'holdout_end must be after calibration_end, got % and %', holdout_end, calibration_end
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	v_unit := extract(epoch FROM time_unit) / 86400.0;
	IF NOT v_unit > 0 THEN
		RAISE EXCEPTION 'time_unit must be a positive interval, got %', time_unit
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF max_frequency < 1 THEN
		RAISE EXCEPTION 'max_frequency must be at least 1, got %', max_frequency
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF NOT (penalizer >= 0 AND penalizer < 'Infinity'::float8) THEN
		RAISE EXCEPTION 'penalizer must be a finite number >= 0, got %', penalizer
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- the model picks fixed function names (never user text in the query)
	CASE model
		WHEN 'pareto_nbd' THEN
			v_fit := 'clientele.pareto_nbd_fit';
			v_pred := 'clientele.pareto_nbd_expected_purchases';
		WHEN 'bgnbd' THEN
			v_fit := 'clientele.bgnbd_fit';
			v_pred := 'clientele.bgnbd_expected_purchases';
		WHEN 'mbgnbd' THEN
			v_fit := 'clientele.mbgnbd_fit';
			v_pred := 'clientele.mbgnbd_expected_purchases';
		ELSE
			RAISE EXCEPTION 'unknown model "%"', model
				USING ERRCODE = 'invalid_parameter_value',
				      HINT = 'Models are: pareto_nbd, bgnbd, mbgnbd.';
	END CASE;
	FOREACH c IN ARRAY ARRAY[customer_column, time_column] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_attribute
		               WHERE attrelid = transactions AND attname = c AND attnum > 0 AND NOT attisdropped) THEN
			RAISE EXCEPTION 'relation % has no column "%"', transactions, c
				USING ERRCODE = 'undefined_column',
				      HINT = 'Name the customer and time columns with customer_column and time_column.';
		END IF;
	END LOOP;
	SELECT atttypid INTO v_type FROM pg_attribute WHERE attrelid = transactions AND attname = time_column;
	IF v_type NOT IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype) THEN
		RAISE EXCEPTION 'column "%" of relation % has type %, but a date or timestamp is needed',
			time_column, transactions, v_type::regtype
			USING ERRCODE = 'datatype_mismatch';
	END IF;

	-- the setting of clientele.check_as_of, read and validated by the same function
	v_lag := clientele.as_of_max_lag_days();

	v_src := format('SELECT %I AS cust, (%I)::date AS day FROM %s', customer_column, time_column, transactions);
	-- purchase days (same-day purchases are one), per customer: the
	-- calibration summary, the holdout repeat purchases and the last day;
	-- the customers whose first purchase is in the calibration period, the
	-- fit and the conditional expectation.  The newest day of the relation,
	-- for the guard (clientele.holdout_guard), comes out of the same scan.
	-- Only the days up to holdout_end are grouped one by one: a customer's
	-- days after it fold into one, holdout_end + 1, which no count or
	-- recency below reads.  The guard's outcome is the same as with the
	-- true newest day: a row after holdout_end passes it either way, and
	-- without one nothing was folded.
	FOR r IN EXECUTE format($q$
		WITH days AS (
			SELECT DISTINCT cust, LEAST(day, $2 OPERATOR(pg_catalog.+) 1) AS day FROM (%1$s) s
			WHERE day IS NOT NULL
		), per AS (
			SELECT cust,
			       min(day) AS first_day,
			       max(day) AS last_day,
			       (count(*) FILTER (WHERE day <= $1) - 1)::float8 AS x,
			       (max(day) FILTER (WHERE day <= $1) - min(day))::float8 / $3 AS t_x,
			       ($1 - min(day))::float8 / $3 AS t_cal,
			       count(*) FILTER (WHERE day > $1 AND day <= $2)::float8 AS holdout
			FROM days GROUP BY cust
		), summary AS (
			SELECT cust, x, t_x, t_cal, holdout FROM per
			WHERE cust IS NOT NULL AND first_day <= $1
		), fit AS (
			-- the guard first (its WHERE, on the one row of the newest
			-- day), then the fit (its target list): no fit for a holdout
			-- the data has not reached
			SELECT (SELECT %2$s(x, t_x, t_cal, $5) FROM summary) AS p
			FROM (SELECT max(last_day) AS newest FROM per) g
			WHERE clientele.holdout_guard(g.newest, $2, $6, $7)
		), tab AS (
			SELECT least(s.x, $4)::integer AS freq,
			       CASE WHEN s.x >= $4 THEN $4 || '+' ELSE s.x::integer::text END AS label,
			       count(*) AS n,
			       avg(s.holdout) AS actual,
			       avg(%3$s(f.p, ($2 - $1)::float8 / $3, s.x, s.t_x, s.t_cal)) AS predicted,
			       bool_and((f.p).converged) AS conv
			FROM summary s CROSS JOIN fit f
			GROUP BY 1, 2
		)
		-- fit is read even when tab is empty (so the guard always runs);
		-- an empty summary gives one row of NULLs, skipped below
		SELECT tab.* FROM fit f LEFT JOIN tab ON true
		ORDER BY tab.freq
	$q$, v_src, v_fit, v_pred)
	USING calibration_end, holdout_end, v_unit, max_frequency, penalizer, v_lag, transactions LOOP
		CONTINUE WHEN r.freq IS NULL;
		frequency := r.freq;
		frequency_label := r.label;
		customers := r.n;
		actual_mean := r.actual;
		predicted_mean := r.predicted;
		converged := r.conv;
		RETURN NEXT;
	END LOOP;
END $$;
COMMENT ON FUNCTION clientele.calibration_holdout(regclass, date, date, text, interval, name, name, integer, float8) IS
	'Calibration/holdout check of a non-contractual model (''pareto_nbd'', ''bgnbd'' or ''mbgnbd''): from the (customer, time) rows of a relation, fits the model on the customers whose first purchase is on or before calibration_end (repeat purchase days up to calibration_end, in units of time_unit), and returns per calibration frequency (0 .. max_frequency-1, then max_frequency+) the customers, the actual mean number of repeat purchase days in (calibration_end, holdout_end], the model''s conditional expectation, and whether the fit converged. ERROR 22004 for a NULL argument, 22023 for dates clientele.check_date refuses (infinite, outside 0001-01-01 .. 9999-12-31), and when holdout_end is more than clientele.as_of_max_lag_days (the setting of clientele.check_as_of, default 31) days after the newest day of the relation (a holdout the data has not reached; the newest day comes from the same scan as the summary, no second read of the relation; the days after holdout_end are not grouped one by one).';
