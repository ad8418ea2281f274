-- area: roles
-- ===========================================================================
-- The extension's roles (cluster-wide: created when missing, never dropped by
-- DROP EXTENSION).  PUBLIC gets nothing; each role gets what it needs.
--   clientele_admin    configuration, sources, segments, schedule
--   clientele_analyst  reads every result
--   clientele_rm       relationship managers: their own customers only
DO $roles$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['clientele_admin', 'clientele_analyst', 'clientele_rm'] LOOP
		IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
		END IF;
	END LOOP;
END
$roles$;

