-- area: access
-- ===========================================================================
-- Every privilege of the extension's objects, old and new, in one place (last
-- in the build, and run again by the upgrade):
--   PUBLIC             nothing (not even USAGE on the schema or EXECUTE)
--   clientele_admin    configuration, segments, schedule, refresh
--   clientele_analyst  reads every result, runs the analyses
--   clientele_rm       only the customers whose relationship_manager is
--                      current_user: RLS on the result tables, security-
--                      barrier views over the materialized views, no
--                      function and no input view
-- ===========================================================================

DO $access$
DECLARE
	-- routines only the admin role runs (they write or schedule)
	c_admin_routines constant text[] := ARRAY['refresh', 'refresh_compute', 'refresh_lock', 'refresh_unlock', 'refresh_in_transaction',
		'refresh_stage_done', 'refresh_dropped', 'refresh_reports', 'purge_history', 'purge_lifecycle_history', 'schedule_refresh', 'unschedule_refresh',
		'use_source', 'reapply_sources', 'generate_demo_bank', 'tier_validate', 'record_lifecycle', 'lifecycle_store', 'train_churn_model',
		'use_schema', 'map_column', 'map_code', 'sync_keys', 'check_sources', 'check_sources_status', 'bank_key'];
	-- internal routines (triggers, compilers) no role calls directly
	c_internal_routines constant text[] := ARRAY['source_compile', 'sources_changed', 'sources_on_drop', 'matview_replace',
		-- distributing needs the tables' owner (a superuser, usually): no role gets it
		'distribute', 'distribute_ddl'];
	-- bank data: read by analysts, written by the bank's loaders (owner)
	c_bank_tables constant text[] := ARRAY['customer', 'account', 'balance', 'transaction', 'interaction', 'income',
		'demo_truth'];
	-- results: written by refresh (admin), rows filtered for managers
	c_rm_tables constant text[] := ARRAY['customer_result', 'segment_membership', 'kpi_history'];
	c_rm_views constant text[] := ARRAY['my_customer_scorecard', 'my_churn_watchlist', 'my_kpi_summary'];
	r record;
BEGIN
	-- PUBLIC: nothing
	REVOKE ALL ON SCHEMA clientele FROM PUBLIC;
	REVOKE ALL ON ALL TABLES IN SCHEMA clientele FROM PUBLIC;
	REVOKE ALL ON ALL SEQUENCES IN SCHEMA clientele FROM PUBLIC;
	REVOKE ALL ON ALL ROUTINES IN SCHEMA clientele FROM PUBLIC;
	-- every type, the row types of tables and views included (their arrays
	-- follow them: an array type has no privileges of its own)
	FOR r IN SELECT t.oid::regtype AS typ FROM pg_type t
	         WHERE t.typnamespace = 'clientele'::regnamespace AND t.typtype IN ('b', 'c', 'd', 'e', 'r') AND t.typcategory <> 'A' LOOP
		EXECUTE format('REVOKE ALL ON TYPE %s FROM PUBLIC', r.typ);
		EXECUTE format('GRANT USAGE ON TYPE %s TO clientele_admin, clientele_analyst, clientele_rm', r.typ);
	END LOOP;
	GRANT USAGE ON SCHEMA clientele TO clientele_admin, clientele_analyst, clientele_rm;

	-- analyst and admin: read everything, run every analysis
	GRANT SELECT ON ALL TABLES IN SCHEMA clientele TO clientele_analyst, clientele_admin;
	FOR r IN SELECT p.oid::regprocedure AS proc, p.proname FROM pg_proc p
	         WHERE p.pronamespace = 'clientele'::regnamespace LOOP
		CONTINUE WHEN r.proname = ANY (c_internal_routines);
		EXECUTE format('GRANT EXECUTE ON ROUTINE %s TO clientele_admin', r.proc);
		IF NOT (r.proname = ANY (c_admin_routines)) THEN
			EXECUTE format('GRANT EXECUTE ON ROUTINE %s TO clientele_analyst', r.proc);
		END IF;
	END LOOP;

	-- admin: writes the configuration and result tables (every table pg_dump
	-- keeps except the bank data), uses their sequences
	FOR r IN SELECT c.oid::regclass AS rel, c.relname FROM pg_extension e, unnest(e.extconfig) AS x(oid)
	         JOIN pg_class c ON c.oid = x.oid
	         WHERE e.extname = 'clientele' AND c.relkind IN ('r', 'p') AND NOT (c.relname = ANY (c_bank_tables)) LOOP
		EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %s TO clientele_admin', r.rel);
	END LOOP;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA clientele TO clientele_admin;
	GRANT SELECT ON ALL SEQUENCES IN SCHEMA clientele TO clientele_analyst;

	-- relationship managers: their rows only
	FOR r IN SELECT x AS relname FROM unnest(c_rm_tables || c_rm_views) x LOOP
		EXECUTE format('GRANT SELECT ON clientele.%I TO clientele_rm', r.relname);
	END LOOP;
	GRANT SELECT ON clientele.segment_definition TO clientele_rm;
END
$access$;

-- Row-level security on the result tables (the owner, who refreshes the
-- materialized views, is not subject to it)
ALTER TABLE clientele.customer_result ENABLE ROW LEVEL SECURITY;
CREATE POLICY customer_result_read_all ON clientele.customer_result
	TO clientele_admin, clientele_analyst USING (true) WITH CHECK (true);
CREATE POLICY customer_result_own_customers ON clientele.customer_result FOR SELECT
	TO clientele_rm USING (relationship_manager OPERATOR(pg_catalog.=) CURRENT_USER);

ALTER TABLE clientele.segment_membership ENABLE ROW LEVEL SECURITY;
CREATE POLICY segment_membership_read_all ON clientele.segment_membership
	TO clientele_admin, clientele_analyst USING (true) WITH CHECK (true);
CREATE POLICY segment_membership_own_customers ON clientele.segment_membership FOR SELECT
	TO clientele_rm USING (EXISTS (SELECT 1 FROM clientele.customer_result r
	                               WHERE r.as_of OPERATOR(pg_catalog.=) segment_membership.as_of
	                                 AND r.customer_id OPERATOR(pg_catalog.=) segment_membership.customer_id
	                                 AND r.relationship_manager OPERATOR(pg_catalog.=) CURRENT_USER));

ALTER TABLE clientele.kpi_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY kpi_history_read_all ON clientele.kpi_history
	TO clientele_admin, clientele_analyst USING (true) WITH CHECK (true);
CREATE POLICY kpi_history_own_portfolio ON clientele.kpi_history FOR SELECT
	TO clientele_rm USING (level OPERATOR(pg_catalog.=) 'relationship_manager' AND group_value OPERATOR(pg_catalog.=) CURRENT_USER);

COMMENT ON POLICY customer_result_read_all ON clientele.customer_result IS 'Admins (who refresh) and analysts see and write every row.';
COMMENT ON POLICY customer_result_own_customers ON clientele.customer_result IS 'A relationship manager sees the rows whose relationship_manager is current_user.';
COMMENT ON POLICY segment_membership_read_all ON clientele.segment_membership IS 'Admins (who refresh) and analysts see and write every row.';
COMMENT ON POLICY segment_membership_own_customers ON clientele.segment_membership IS 'A relationship manager sees the memberships of their own customers (by clientele.customer_result, itself filtered).';
COMMENT ON POLICY kpi_history_read_all ON clientele.kpi_history IS 'Admins (who refresh) and analysts see and write every row.';
COMMENT ON POLICY kpi_history_own_portfolio ON clientele.kpi_history IS 'A relationship manager sees the KPI rows of their own portfolio (level relationship_manager, group_value = current_user).';
