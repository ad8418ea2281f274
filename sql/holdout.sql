-- area: holdout
-- Calibration/holdout validation of the non-contractual models (the table of
-- Fader, Hardie & Lee 2005, figure 4 / table 2): fit on a calibration
-- period, compare the conditional expectation of holdout repeat purchases
-- with the actual ones, by calibration frequency.

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
	v_setting text := current_setting('clientele.as_of_max_lag_days', true);
	v_lag    integer;
	v_newest date;
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
	IF NOT isfinite(calibration_end) OR NOT isfinite(holdout_end) THEN
		RAISE EXCEPTION 'calibration_end and holdout_end must be finite dates, got % and %', calibration_end, holdout_end
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
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

	-- a holdout period the data has not reached would count the purchases
	-- not loaded yet as none: the guard of clientele.check_as_of (its
	-- setting, its wording) against the newest day of this relation
	v_lag := coalesce(nullif(btrim(v_setting), ''), '31')::integer;	-- the setting of check_as_of (malformed: 22P02)
	IF v_lag < 0 THEN
		RAISE EXCEPTION 'setting clientele.as_of_max_lag_days must be a whole number of days between 0 and 999999, got "%"', v_setting
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	EXECUTE format('SELECT max((%I)::date) FROM %s', time_column, transactions) INTO v_newest;
	IF v_newest IS NOT NULL AND holdout_end - v_newest > v_lag THEN
		RAISE EXCEPTION 'holdout_end % is % days after the newest row of % (%), more than % days',
			holdout_end, holdout_end - v_newest, transactions, v_newest, v_lag
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'A holdout period the data has not reached would count the purchases not loaded yet as none.',
			      HINT = 'Load the data up to the date, pick an earlier holdout_end, or raise the setting clientele.as_of_max_lag_days.';
	END IF;

	v_src := format('SELECT %I AS cust, (%I)::date AS day FROM %s', customer_column, time_column, transactions);
	-- purchase days (same-day purchases are one), calibration summary of the
	-- customers whose first purchase is in the calibration period, holdout
	-- repeat purchases, the fit and the conditional expectation
	RETURN QUERY EXECUTE format($q$
		WITH days AS (
			SELECT DISTINCT cust, day FROM (%1$s) s
			WHERE cust IS NOT NULL AND day IS NOT NULL AND day <= $2
		), summary AS (
			SELECT cust,
			       (count(*) FILTER (WHERE day <= $1) - 1)::float8 AS x,
			       (max(day) FILTER (WHERE day <= $1) - min(day))::float8 / $3 AS t_x,
			       ($1 - min(day))::float8 / $3 AS t_cal,
			       count(*) FILTER (WHERE day > $1)::float8 AS holdout
			FROM days GROUP BY cust
			HAVING min(day) <= $1
		), fit AS (
			SELECT %2$s(x, t_x, t_cal, $5) AS p FROM summary
		)
		SELECT least(s.x, $4)::integer,
		       CASE WHEN s.x >= $4 THEN $4 || '+' ELSE s.x::integer::text END,
		       count(*),
		       avg(s.holdout),
		       avg(%3$s(f.p, ($2 - $1)::float8 / $3, s.x, s.t_x, s.t_cal)),
		       bool_and((f.p).converged)
		FROM summary s CROSS JOIN fit f
		GROUP BY 1, 2 ORDER BY 1
	$q$, v_src, v_fit, v_pred)
	USING calibration_end, holdout_end, v_unit, max_frequency, penalizer;
END $$;
COMMENT ON FUNCTION clientele.calibration_holdout(regclass, date, date, text, interval, name, name, integer, float8) IS
	'Calibration/holdout check of a non-contractual model (''pareto_nbd'', ''bgnbd'' or ''mbgnbd''): from the (customer, time) rows of a relation, fits the model on the customers whose first purchase is on or before calibration_end (repeat purchase days up to calibration_end, in units of time_unit), and returns per calibration frequency (0 .. max_frequency-1, then max_frequency+) the customers, the actual mean number of repeat purchase days in (calibration_end, holdout_end], the model''s conditional expectation, and whether the fit converged. ERROR 22023 for infinite dates, and when holdout_end is more than clientele.as_of_max_lag_days (the setting of clientele.check_as_of, default 31) days after the newest day of the relation (a holdout the data has not reached).';
