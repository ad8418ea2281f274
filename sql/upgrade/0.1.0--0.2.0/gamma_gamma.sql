-- area gamma_gamma, 0.1.0 -> 0.2.0 (issue 9): repeat customers with zero
-- average spend are left out of the fit and counted in a new last column.
-- CASCADE: typed tables of the type (if a user made one) get the column too;
-- stored values of the type read the new attribute as NULL.
ALTER TYPE clientele.gamma_gamma_params ADD ATTRIBUTE excluded bigint CASCADE;
COMMENT ON COLUMN clientele.gamma_gamma_params.excluded IS 'Repeat customers left out of the fit because their average spend is 0 (outside the model; a NOTICE says so); their expected spend and CLV are NULL.';
