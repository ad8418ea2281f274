-- area: tiers, 0.1.0 -> 0.2.0: the tier and regulatory tables follow the config-table
-- recipe: clientele.protect_builtin replaces tier_builtin_guard and its GUC
-- override (clientele.allow_builtin_changes), which any session could set.

DROP TRIGGER tier_scheme_builtin_guard ON clientele.tier_scheme;
DROP TRIGGER tier_version_builtin_guard ON clientele.tier_version;
DROP TRIGGER tier_band_builtin_guard ON clientele.tier_band;
DROP TRIGGER regulatory_threshold_builtin_guard ON clientele.regulatory_threshold;
DROP FUNCTION clientele.tier_builtin_guard();

-- The config-table recipe (sql/common.sql): tier_band validated at commit;
-- shipped rows (builtin) read-only and not dumped, so an edit of one would
-- not silently vanish in a restore: banks add a version, a region override
-- or a scheme of their own instead; every change recompiles the schemes.
SELECT clientele.config_table_register('clientele.tier_scheme',
	'Add a scheme of your own (a copy with builtin = false), or a version or a region override of this one.',
	p_what => 'tier schemes');
SELECT clientele.config_table_register('clientele.tier_version',
	'Add a version with a later valid_from (builtin = false) instead.', p_what => 'tier schemes');
SELECT clientele.config_table_register('clientele.tier_band',
	'Add a version (clientele.tier_version) or a region override with bands of your own (builtin = false) instead.',
	'clientele.tier_check_trigger()', 'tier schemes');

SELECT clientele.config_table_register('clientele.regulatory_threshold',
	'Add a row for the criterion with a later valid_from (builtin = false).', p_what => 'regulatory thresholds');

