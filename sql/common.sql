-- area: common
-- ===========================================================================
-- The shared layer, first in the build order: what more than one area uses
-- (the library version, the config-table recipe, the fit state).
-- ===========================================================================

CREATE FUNCTION clientele.version() RETURNS text
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_version';
COMMENT ON FUNCTION clientele.version() IS 'Version of the loaded clientele shared library.';

CREATE FUNCTION clientele.config_changed() RETURNS trigger
LANGUAGE c AS 'MODULE_PATHNAME', 'clientele_config_changed';
COMMENT ON FUNCTION clientele.config_changed() IS
	'Statement trigger of every configuration table: tells all backends to recompile their cached copy at commit.';

-- ===========================================================================
-- Shared by the model fit aggregates (BG/NBD, Pareto/NBD, Gamma-Gamma):
-- clientele.fit_state, the compressed set of distinct (x, tx, T) input rows
-- with their counts (src/core/fitstate.h, src/fit_common.c).
-- ===========================================================================

CREATE TYPE clientele.fit_state;

CREATE FUNCTION clientele.fit_state_in(cstring) RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'fit_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.fit_state_in(cstring) IS 'Input function of clientele.fit_state: "clfs2:" followed by the hex of the portable serial form (also the 0.1.0 form "clfs1:"); every invariant of the aggregates is checked on the way in.';

CREATE FUNCTION clientele.fit_state_out(clientele.fit_state) RETURNS cstring
AS 'MODULE_PATHNAME', 'fit_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.fit_state_out(clientele.fit_state) IS 'Output function of clientele.fit_state: "clfs2:" followed by the hex of the portable serial form (little-endian, versioned; sorted distinct rows).';

CREATE FUNCTION clientele.fit_state_send(clientele.fit_state) RETURNS bytea
AS 'MODULE_PATHNAME', 'fit_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.fit_state_send(clientele.fit_state) IS 'Binary output function of clientele.fit_state: the portable serial form (little-endian, versioned; sorted distinct rows).';

CREATE FUNCTION clientele.fit_state_recv(internal) RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'fit_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.fit_state_recv(internal) IS 'Binary input function of clientele.fit_state: the portable serial form, with every invariant of the aggregates checked.';

CREATE TYPE clientele.fit_state (
	INPUT = clientele.fit_state_in,
	OUTPUT = clientele.fit_state_out,
	SEND = clientele.fit_state_send,
	RECEIVE = clientele.fit_state_recv,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE clientele.fit_state IS 'Transition state of the model fit aggregates: the distinct (x, tx, T) input rows with their counts, so a fit costs the number of distinct rows.';

CREATE FUNCTION clientele.fit_state_combine(clientele.fit_state, clientele.fit_state)
RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'fit_state_combine'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.fit_state_combine(clientele.fit_state, clientele.fit_state) IS 'Combine function of the model fit aggregates: adds the row counts of the second state to the first (aggregate use only).';

