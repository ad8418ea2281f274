-- area: rfm, 0.1.0 -> 0.2.0: segment schemes and rules follow the config-table recipe:
-- validated at commit by deferred constraint triggers naming every offending
-- rule (they replace the statement triggers of the same names), shipped rows
-- read-only (an edited shipped rule was lost in a dump / restore).  The
-- validation functions, the registration (constraint and protect_builtin
-- triggers) and every function and aggregate of the area are (re)created by
-- sql/replace/rfm.sql, which runs right after this file; here only the column
-- comments of the 0.1.0 tables that changed.

COMMENT ON COLUMN clientele.rfm_segment_scheme.builtin IS 'True for the schemes shipped with the extension (read-only, not dumped by pg_dump).';
COMMENT ON COLUMN clientele.rfm_segment_rule.builtin IS 'True for the rules shipped with the extension (read-only, not dumped by pg_dump).';
