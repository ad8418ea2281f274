-- area: rfm, 0.1.0 -> 0.2.0: segment schemes and rules follow the config-table recipe:
-- validated at commit by deferred constraint triggers naming every offending
-- rule (they replace the statement triggers of the same names), shipped rows
-- read-only (an edited shipped rule was lost in a dump / restore).

COMMENT ON COLUMN clientele.rfm_segment_scheme.builtin IS 'True for the schemes shipped with the extension (read-only, not dumped by pg_dump).';
COMMENT ON COLUMN clientele.rfm_segment_rule.builtin IS 'True for the rules shipped with the extension (read-only, not dumped by pg_dump).';

-- Validation of one scheme's rules (all offending rules named), run by the
-- deferred constraint triggers of both tables: a scheme may be edited over
-- several statements of one transaction and is checked at commit.
CREATE FUNCTION clientele.rfm_segment_validate(p_scheme text) RETURNS void
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


-- issue 12 (owndata): rfm_scores reports the input rows it leaves out (clientele.report_dropped).
CREATE OR REPLACE FUNCTION clientele.rfm_scores(p_as_of date, p_ntiles integer DEFAULT 5, p_scheme text DEFAULT 'rf_grid')
RETURNS TABLE (customer_id bigint, summary clientele.rfm_summary, r integer, f integer, m integer, segment text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
BEGIN
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
	'RFM scores and segment of every customer with a customer-initiated, non-enquiry transaction on or before p_as_of (read from clientele.in_transaction): r scores days_since_last reversed (most recent = p_ntiles), f scores periods (purchase days), m scores total_amount; score = 1 + floor(p_ntiles * (customers strictly worse) / customers), so ties share a score. Transactions with a NULL customer_id are left out and reported by a WARNING with the count (an ERROR under clientele.strict_inputs = on).';
