-- area: value, 0.1.0 -> 0.2.0: only what the update alone needs (the tables are
-- those of 0.1.0).  Every function, aggregate, state type, trigger and view of
-- the area is (re)created by sql/replace/value.sql, which runs right after this
-- file: the value tables follow the config-table recipe (clientele.protect_builtin
-- replaces value_read_only); value_setting() is compiled per backend in C.

DROP TRIGGER value_param_spec_read_only ON clientele.value_param_spec;
DROP TRIGGER value_rate_default_read_only ON clientele.value_rate_default;
DROP FUNCTION clientele.value_read_only();

-- issue 10 (states): avg_daily_balance, gini and top_share get real, portable
-- state types (clientele.adb_state, gini_state, top_share_state) instead of
-- internal ones, so Citus pushes them down.  The aggregates are NOT dropped:
-- a bank's views and functions over them would block the update (and DROP
-- ... CASCADE would take them away).  The replace part switches them in place
-- (CREATE OR REPLACE AGGREGATE keeps name, arguments and result, and may
-- change the state type), then drops 0.1.0's internal support functions.
