-- pg_temp.err(sql): 'ok' when the statement runs, else
-- 'SQLSTATE: message / hint' ('<NULL>' for no hint).  Included by pgTAP files
-- (`\ir include/err_hint.sql`), not a test itself: scripts/test.sh runs
-- test/pgtap/*.sql, not this folder.
CREATE FUNCTION pg_temp.err(p_sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v_state text;
	v_msg text;
	v_hint text;
BEGIN
	EXECUTE p_sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_hint = PG_EXCEPTION_HINT;
	RETURN v_state || ': ' || v_msg || ' / ' || coalesce(nullif(v_hint, ''), '<NULL>');
END $$;
