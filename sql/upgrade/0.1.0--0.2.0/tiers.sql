-- area: tiers, 0.1.0 -> 0.2.0: the tier and regulatory tables follow the config-table
-- recipe: clientele.protect_builtin replaces tier_builtin_guard and its GUC
-- override (clientele.allow_builtin_changes), which any session could set.
-- The recipe's triggers, the functions and their comments are then
-- (re)created by sql/replace/tiers.sql, which the upgrade runs after this.

DROP TRIGGER tier_scheme_builtin_guard ON clientele.tier_scheme;
DROP TRIGGER tier_version_builtin_guard ON clientele.tier_version;
DROP TRIGGER tier_band_builtin_guard ON clientele.tier_band;
DROP TRIGGER regulatory_threshold_builtin_guard ON clientele.regulatory_threshold;
DROP FUNCTION clientele.tier_builtin_guard();
