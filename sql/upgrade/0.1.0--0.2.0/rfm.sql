-- issue 12 (owndata): rfm_scores reports the input rows it leaves out (clientele.report_dropped).
CREATE OR REPLACE FUNCTION clientele.rfm_scores(p_as_of date, p_ntiles integer DEFAULT 5, p_scheme text DEFAULT 'rf_grid')
RETURNS TABLE (customer_id bigint, summary clientele.rfm_summary, r integer, f integer, m integer, segment text)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
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
	ORDER BY scored.customer_id
$$;
COMMENT ON FUNCTION clientele.rfm_scores(date, integer, text) IS
	'RFM scores and segment of every customer with a customer-initiated, non-enquiry transaction on or before p_as_of (read from clientele.in_transaction): r scores days_since_last reversed (most recent = p_ntiles), f scores periods (purchase days), m scores total_amount; score = 1 + floor(p_ntiles * (customers strictly worse) / customers), so ties share a score. Transactions with a NULL customer_id are left out and reported by a WARNING with the count (an ERROR under clientele.strict_inputs = on).';
