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
-- internal ones, so Citus pushes them down.  Nothing of 0.1.0 depends on the
-- aggregates or their support functions: drop them here; the replace part
-- creates the state types and the 0.2.0 aggregates (same names and arguments).
DROP AGGREGATE clientele.avg_daily_balance(date, numeric, date, date);
DROP AGGREGATE clientele.gini(float8);
DROP AGGREGATE clientele.top_share(float8, float8);
DROP FUNCTION clientele.adb_trans(internal, date, numeric, date, date);
DROP FUNCTION clientele.adb_combine(internal, internal);
DROP FUNCTION clientele.adb_serial(internal);
DROP FUNCTION clientele.adb_deserial(bytea, internal);
DROP FUNCTION clientele.adb_final(internal);
DROP FUNCTION clientele.gini_trans(internal, float8);
DROP FUNCTION clientele.top_share_trans(internal, float8, float8);
DROP FUNCTION clientele.conc_combine(internal, internal);
DROP FUNCTION clientele.conc_serial(internal);
DROP FUNCTION clientele.conc_deserial(bytea, internal);
DROP FUNCTION clientele.gini_final(internal);
DROP FUNCTION clientele.top_share_final(internal);
