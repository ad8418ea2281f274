-- area: common
-- ===========================================================================
-- The shared layer, first in the build order: what more than one area uses
-- (the library version, the config-table recipe, the fit state).
-- This file holds what only a fresh install creates (the fit_state shell
-- type); the functions, the type's definition and the comments are in
-- sql/replace/common.sql, run after it by the install and by the upgrade
-- from 0.1.0 (Makefile, SQL_PARTS).
-- ===========================================================================

-- ===========================================================================
-- Shared by the model fit aggregates (BG/NBD, Pareto/NBD, Gamma-Gamma):
-- clientele.fit_state, the compressed set of distinct (x, tx, T) input rows
-- with their counts (src/core/fitstate.h, src/fit_common.c).
-- ===========================================================================

CREATE TYPE clientele.fit_state;   -- defined in sql/replace/common.sql (0.1.0: in area bgnbd)
