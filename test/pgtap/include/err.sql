-- pg_temp.err(sql): 'ok' when the statement runs, else 'SQLSTATE: message'.
-- Included by pgTAP files (`\ir include/err.sql`, inside their transaction),
-- not a test itself: scripts/test.sh runs test/pgtap/*.sql, not this folder.
CREATE FUNCTION pg_temp.err(p_sql text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE p_sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
