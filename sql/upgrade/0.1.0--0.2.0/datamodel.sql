-- area: datamodel, 0.1.0 -> 0.2.0: the product catalogue follows the config-table recipe
-- (shipped rows read-only).

COMMENT ON COLUMN clientele.product_type.builtin IS 'True for the rows shipped with the extension (read-only, not dumped by pg_dump); false for rows a bank added.';
-- The catalogue is a configuration table (sql/common.sql): shipped rows read-only.
SELECT clientele.config_table_register('clientele.product_type',
	'Add a product type of your own (builtin = false), e.g. a copy under another code with the settings you need.',
	p_what => 'product catalogue', p_cached => false);
