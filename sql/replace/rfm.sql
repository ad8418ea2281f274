-- area: rfm, the re-runnable part (see docs/rfm.md, docs/DEVELOPING.md
-- "Versions and upgrades"): run by the install right after sql/rfm.sql and
-- by the upgrade right after sql/upgrade/<prev>--<version>/rfm.sql.  Only
-- CREATE OR REPLACE, COMMENT ON, idempotent calls and DO blocks guarded by
-- a catalogue check.

-- ---------------------------------------------------------------------------
-- I/O of the aggregate state type clientele.rfm_state (its shell: sql/rfm.sql)
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION clientele.rfm_state_in(cstring) RETURNS clientele.rfm_state
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_state_in';
COMMENT ON FUNCTION clientele.rfm_state_in(cstring) IS
	'Input function of clientele.rfm_state: "rfm1:" and the hex of the binary form, validated.';

CREATE OR REPLACE FUNCTION clientele.rfm_state_out(clientele.rfm_state) RETURNS cstring
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_state_out';
COMMENT ON FUNCTION clientele.rfm_state_out(clientele.rfm_state) IS
	'Output function of clientele.rfm_state: "rfm1:" and the hex of the binary form (days sorted and de-duplicated).';

CREATE OR REPLACE FUNCTION clientele.rfm_state_recv(internal) RETURNS clientele.rfm_state
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_state_recv';
COMMENT ON FUNCTION clientele.rfm_state_recv(internal) IS
	'Binary input of clientele.rfm_state (network byte order), with size and consistency checks.';

CREATE OR REPLACE FUNCTION clientele.rfm_state_send(clientele.rfm_state) RETURNS bytea
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_state_send';
COMMENT ON FUNCTION clientele.rfm_state_send(clientele.rfm_state) IS
	'Binary output of clientele.rfm_state (network byte order).';

-- A fresh install defines the shell type of sql/rfm.sql here; an upgrade
-- finds it defined.
DO $$
BEGIN
	IF NOT (SELECT t.typisdefined FROM pg_catalog.pg_type t WHERE t.typname OPERATOR(pg_catalog.=) 'rfm_state'
	         AND t.typnamespace OPERATOR(pg_catalog.=) 'clientele'::pg_catalog.regnamespace) THEN
		CREATE TYPE clientele.rfm_state (
			INPUT = clientele.rfm_state_in,
			OUTPUT = clientele.rfm_state_out,
			RECEIVE = clientele.rfm_state_recv,
			SEND = clientele.rfm_state_send,
			INTERNALLENGTH = VARIABLE,
			ALIGNMENT = double,
			STORAGE = extended
		);
	END IF;
END $$;
COMMENT ON TYPE clientele.rfm_state IS
	'Partial state of clientele.rfm_summary: as_of, unit, exact 128-bit fixed-point amount sums and the set of purchase days; merges exactly.';

-- ---------------------------------------------------------------------------
-- Support functions and the aggregates
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION clientele.rfm_summary_trans(clientele.rfm_state, timestamptz, double precision, timestamptz)
RETURNS clientele.rfm_state
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_trans_tstz';
COMMENT ON FUNCTION clientele.rfm_summary_trans(clientele.rfm_state, timestamptz, double precision, timestamptz) IS
	'Transition function of rfm_summary(timestamptz, float8, timestamptz): STABLE because the calendar day of a timestamptz depends on the session TimeZone.';

CREATE OR REPLACE FUNCTION clientele.rfm_summary_trans(clientele.rfm_state, timestamptz, double precision, timestamptz, interval)
RETURNS clientele.rfm_state
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_trans_tstz';
COMMENT ON FUNCTION clientele.rfm_summary_trans(clientele.rfm_state, timestamptz, double precision, timestamptz, interval) IS
	'Transition function of rfm_summary(timestamptz, float8, timestamptz, interval): STABLE (session TimeZone).';

CREATE OR REPLACE FUNCTION clientele.rfm_summary_trans(clientele.rfm_state, date, double precision, date)
RETURNS clientele.rfm_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_trans_date';
COMMENT ON FUNCTION clientele.rfm_summary_trans(clientele.rfm_state, date, double precision, date) IS
	'Transition function of rfm_summary(date, float8, date).';

CREATE OR REPLACE FUNCTION clientele.rfm_summary_trans(clientele.rfm_state, date, double precision, date, interval)
RETURNS clientele.rfm_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_trans_date';
COMMENT ON FUNCTION clientele.rfm_summary_trans(clientele.rfm_state, date, double precision, date, interval) IS
	'Transition function of rfm_summary(date, float8, date, interval).';

CREATE OR REPLACE FUNCTION clientele.rfm_summary_combine(clientele.rfm_state, clientele.rfm_state)
RETURNS clientele.rfm_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_combine';
COMMENT ON FUNCTION clientele.rfm_summary_combine(clientele.rfm_state, clientele.rfm_state) IS
	'Combine function of rfm_summary: exact union of purchase days and integer sums of amounts.';

CREATE OR REPLACE FUNCTION clientele.rfm_summary_final(clientele.rfm_state)
RETURNS clientele.rfm_summary
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_final';
COMMENT ON FUNCTION clientele.rfm_summary_final(clientele.rfm_state) IS
	'Final function of rfm_summary: the summary row, NULL without a purchase on or before as_of.';

CREATE OR REPLACE AGGREGATE clientele.rfm_summary(ts timestamptz, amount double precision, as_of timestamptz) (
	SFUNC = clientele.rfm_summary_trans,
	STYPE = clientele.rfm_state,
	SSPACE = 256,
	COMBINEFUNC = clientele.rfm_summary_combine,
	FINALFUNC = clientele.rfm_summary_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.rfm_summary(timestamptz, double precision, timestamptz) IS
	'Per-customer summary (frequency, recency, T in days, monetary ...) of the transactions on or before the calendar day of as_of, calendar days taken in the session TimeZone (result depends on TimeZone: stable). Conventions of lifetimes summary_data_from_transaction_data.';

CREATE OR REPLACE AGGREGATE clientele.rfm_summary(ts timestamptz, amount double precision, as_of timestamptz, unit interval) (
	SFUNC = clientele.rfm_summary_trans,
	STYPE = clientele.rfm_state,
	SSPACE = 256,
	COMBINEFUNC = clientele.rfm_summary_combine,
	FINALFUNC = clientele.rfm_summary_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.rfm_summary(timestamptz, double precision, timestamptz, interval) IS
	'rfm_summary with recency and T in units of unit (''7 days'' gives weeks; months count 30 days); stable (session TimeZone).';

CREATE OR REPLACE AGGREGATE clientele.rfm_summary(ts date, amount double precision, as_of date) (
	SFUNC = clientele.rfm_summary_trans,
	STYPE = clientele.rfm_state,
	SSPACE = 256,
	COMBINEFUNC = clientele.rfm_summary_combine,
	FINALFUNC = clientele.rfm_summary_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.rfm_summary(date, double precision, date) IS
	'rfm_summary over purchase dates (immutable: no time zone involved); recency and T in days.';

CREATE OR REPLACE AGGREGATE clientele.rfm_summary(ts date, amount double precision, as_of date, unit interval) (
	SFUNC = clientele.rfm_summary_trans,
	STYPE = clientele.rfm_state,
	SSPACE = 256,
	COMBINEFUNC = clientele.rfm_summary_combine,
	FINALFUNC = clientele.rfm_summary_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.rfm_summary(date, double precision, date, interval) IS
	'rfm_summary over purchase dates with recency and T in units of unit (immutable).';

-- ---------------------------------------------------------------------------
-- n-tile scores
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION clientele.rfm_ntile_score(n_below bigint, n_total bigint, ntiles integer) RETURNS integer
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_ntile_score';
COMMENT ON FUNCTION clientele.rfm_ntile_score(bigint, bigint, integer) IS
	'n-tile score 1 + floor(ntiles * n_below / n_total) of a value with n_below population values strictly worse: ties share the score of their lowest position, so scores do not depend on row order.';

-- ---------------------------------------------------------------------------
-- Segment schemes and rules (tables and shipped rows: sql/rfm.sql)
-- ---------------------------------------------------------------------------
-- Validation of one scheme's rules (all offending rules named), run by the
-- deferred constraint triggers of both tables: a scheme may be edited over
-- several statements of one transaction and is checked at commit.
CREATE OR REPLACE FUNCTION clientele.rfm_segment_validate(p_scheme text) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_ntiles integer;
	v_names text;
	v_detail text;
BEGIN
	-- concurrent edits of one scheme are checked one after the other
	SELECT s.ntiles INTO v_ntiles FROM clientele.rfm_segment_scheme s
	WHERE s.scheme OPERATOR(pg_catalog.=) p_scheme FOR NO KEY UPDATE;
	IF NOT FOUND THEN
		RETURN;
	END IF;

	-- empty ranges and ranges outside 1..ntiles
	SELECT string_agg(format('"%s" (priority %s)', r.segment, r.priority), ', ' ORDER BY r.priority, r.segment, r.r_min, r.f_min, r.m_min),
	       string_agg(format('"%s" (priority %s): r %s..%s, f %s..%s, m %s..%s', r.segment, r.priority,
	                         r.r_min, r.r_max, r.f_min, r.f_max, r.m_min, r.m_max), E'\n' ORDER BY r.priority, r.segment, r.r_min, r.f_min, r.m_min)
	INTO v_names, v_detail
	FROM clientele.rfm_segment_rule r
	WHERE r.scheme OPERATOR(pg_catalog.=) p_scheme
	  AND NOT (r.r_min BETWEEN 1 AND r.r_max AND r.r_max <= v_ntiles
	       AND r.f_min BETWEEN 1 AND r.f_max AND r.f_max <= v_ntiles
	       AND r.m_min BETWEEN 1 AND r.m_max AND r.m_max <= v_ntiles);
	IF v_names IS NOT NULL THEN
		RAISE EXCEPTION 'RFM segment scheme "%" has rules with an empty or out-of-range score range: %', p_scheme, v_names
			USING ERRCODE = 'check_violation', TABLE = 'rfm_segment_rule', SCHEMA = 'clientele',
			      DETAIL = format(E'%s\nScores of scheme "%s" run from 1 to %s.', v_detail, p_scheme, v_ntiles),
			      HINT = 'Each range needs 1 <= min <= max <= ntiles.';
	END IF;

	-- rules of the same priority that overlap (their order would be undefined)
	SELECT string_agg(format('"%s" and "%s" (priority %s)', a.segment, b.segment, a.priority), ', '
	                  ORDER BY a.priority, a.segment, b.segment)
	INTO v_names
	FROM clientele.rfm_segment_rule a JOIN clientele.rfm_segment_rule b
	  ON a.scheme = b.scheme AND a.priority = b.priority
	 AND (a.r_min, a.f_min, a.m_min) < (b.r_min, b.f_min, b.m_min)
	WHERE a.scheme OPERATOR(pg_catalog.=) p_scheme
	  AND a.r_min <= b.r_max AND b.r_min <= a.r_max
	  AND a.f_min <= b.f_max AND b.f_min <= a.f_max
	  AND a.m_min <= b.m_max AND b.m_min <= a.m_max;
	IF v_names IS NOT NULL THEN
		RAISE EXCEPTION 'RFM segment scheme "%" has rules that overlap at the same priority: %', p_scheme, v_names
			USING ERRCODE = 'check_violation', TABLE = 'rfm_segment_rule', SCHEMA = 'clientele',
			      HINT = 'Give overlapping rules different priorities (the lower one wins) or make their ranges disjoint.';
	END IF;
END $$;
COMMENT ON FUNCTION clientele.rfm_segment_validate(text) IS
	'Checks the rules of one RFM segment scheme: every score range non-empty within 1..ntiles, no two rules of one priority overlapping. ERROR (23514) naming every offending rule. Locks the scheme row (FOR NO KEY UPDATE) so that concurrent edits of one scheme are checked one after the other.';

CREATE OR REPLACE FUNCTION clientele.rfm_segment_rule_validate() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		PERFORM clientele.rfm_segment_validate(NEW.scheme);
	END IF;
	RETURN NULL;
END $$;
COMMENT ON FUNCTION clientele.rfm_segment_rule_validate() IS
	'Constraint trigger function of rfm_segment_scheme and rfm_segment_rule: validates the scheme a row change touched (clientele.rfm_segment_validate) when the transaction commits.';

SELECT clientele.config_table_register('clientele.rfm_segment_scheme',
	'Copy the scheme under a name of your own (builtin = false) with its rules, and change the copy.',
	'clientele.rfm_segment_rule_validate()', 'RFM segment rules');
SELECT clientele.config_table_register('clientele.rfm_segment_rule',
	'Copy the scheme under a name of your own (builtin = false) with its rules, and change the copy.',
	'clientele.rfm_segment_rule_validate()', 'RFM segment rules');

CREATE OR REPLACE FUNCTION clientele.rfm_segment(scheme text, r integer, f integer, m integer) RETURNS text
LANGUAGE c STABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_segment';
COMMENT ON FUNCTION clientele.rfm_segment(text, integer, integer, integer) IS
	'Segment of the scores (r, f, m) under a scheme of clientele.rfm_segment_rule: the first rule by priority whose ranges contain them, else the scheme''s fallback. Compiled per backend and recompiled when the rules change.';

-- ---------------------------------------------------------------------------
-- Scores and segments of the whole customer base
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION clientele.rfm_scores(p_as_of date, p_ntiles integer DEFAULT 5, p_scheme text DEFAULT 'rf_grid')
RETURNS TABLE (customer_id bigint, summary clientele.rfm_summary, r integer, f integer, m integer, segment text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
BEGIN
	-- the arguments are checked before the scan, so that a bad one is an
	-- error whatever the data (on an empty bank too), never NULL scores
	IF p_as_of IS NULL THEN
		RAISE EXCEPTION 'as_of must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT isfinite(p_as_of) THEN
		RAISE EXCEPTION 'as_of must be a finite date, got %', p_as_of USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF p_ntiles IS NULL THEN
		RAISE EXCEPTION 'ntiles must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF p_ntiles < 1 OR p_ntiles > 100 THEN
		RAISE EXCEPTION 'ntiles must be between 1 and 100, got %', p_ntiles USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF p_scheme IS NULL THEN
		RAISE EXCEPTION 'scheme must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT EXISTS (SELECT FROM clientele.rfm_segment_scheme s WHERE s.scheme OPERATOR(pg_catalog.=) p_scheme) THEN
		RAISE EXCEPTION 'unknown RFM segment scheme "%"', p_scheme
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'Known RFM segment schemes: ' || (SELECT string_agg(s.scheme, ', ' ORDER BY s.scheme)
			                                                 FROM clientele.rfm_segment_scheme s) || '.',
			      HINT = 'The schemes are the rows of clientele.rfm_segment_scheme.';
	END IF;
	-- as of a date the inputs have not reached: an error with a hint, not a
	-- silent extrapolation (every recency would grow by the same days)
	PERFORM clientele.check_as_of(p_as_of);
	-- PL/pgSQL rather than SQL: Citus cannot plan a SQL function's parameters
	RETURN QUERY
	WITH s AS (
		SELECT t.customer_id,
		       clientele.rfm_summary(t.ts, t.amount::double precision, p_as_of::timestamptz) AS x,
		       count(*) FILTER (WHERE t.ts < (p_as_of + 1)::timestamptz) AS rows
		FROM clientele.in_transaction t
		WHERE t.customer_initiated AND t.kind <> 'enquiry'
		GROUP BY t.customer_id
	), dropped AS (
		-- rows without a customer are left out, and said so (never a "customer NULL")
		SELECT clientele.report_dropped('rfm_scores', 'transaction', 'a NULL customer_id',
		           (SELECT sum(s.rows)::bigint FROM s WHERE s.customer_id IS NULL)) AS reported
	), ranked AS (
		SELECT s.customer_id, s.x,
		       count(*) OVER () AS n,
		       rank() OVER (ORDER BY (s.x).days_since_last DESC) - 1 AS r_below,
		       rank() OVER (ORDER BY (s.x).periods) - 1 AS f_below,
		       rank() OVER (ORDER BY (s.x).total_amount) - 1 AS m_below
		FROM s CROSS JOIN dropped d WHERE s.x IS NOT NULL AND s.customer_id IS NOT NULL AND d.reported
	), scored AS (
		SELECT ranked.customer_id, ranked.x,
		       clientele.rfm_ntile_score(r_below, n, p_ntiles) AS r,
		       clientele.rfm_ntile_score(f_below, n, p_ntiles) AS f,
		       clientele.rfm_ntile_score(m_below, n, p_ntiles) AS m
		FROM ranked
	)
	SELECT scored.customer_id, scored.x, scored.r, scored.f, scored.m,
	       clientele.rfm_segment(p_scheme, scored.r, scored.f, scored.m)
	FROM scored
	ORDER BY scored.customer_id;
END $$;
COMMENT ON FUNCTION clientele.rfm_scores(date, integer, text) IS
	'RFM scores and segment of every customer with a customer-initiated, non-enquiry transaction on or before p_as_of (read from clientele.in_transaction): r scores days_since_last reversed (most recent = p_ntiles), f scores periods (purchase days), m scores total_amount; score = 1 + floor(p_ntiles * (customers strictly worse) / customers), so ties share a score. Transactions with a NULL customer_id are left out and reported by a WARNING with the count (an ERROR under clientele.strict_inputs = on). ERROR 22004 for a NULL argument, 22023 for an infinite p_as_of, p_ntiles outside 1..100 or an unknown scheme (checked before any row is read, so also on an empty bank); then clientele.check_as_of(p_as_of): ERROR 22023 with a hint when p_as_of is more than clientele.as_of_max_lag_days (a setting, default 31) days after the newest row of the inputs.';
