-- area common, 0.1.0 -> 0.2.0 (issue 9): fit_state gets binary I/O and the
-- portable text form "clfs2:" (the 0.1.0 form "clfs1:" is still read).
COMMENT ON FUNCTION clientele.fit_state_in(cstring) IS 'Input function of clientele.fit_state: "clfs2:" followed by the hex of the portable serial form (also the 0.1.0 form "clfs1:"); every invariant of the aggregates is checked on the way in.';
COMMENT ON FUNCTION clientele.fit_state_out(clientele.fit_state) IS 'Output function of clientele.fit_state: "clfs2:" followed by the hex of the portable serial form (little-endian, versioned; sorted distinct rows).';

CREATE FUNCTION clientele.fit_state_send(clientele.fit_state) RETURNS bytea
AS 'MODULE_PATHNAME', 'fit_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.fit_state_send(clientele.fit_state) IS 'Binary output function of clientele.fit_state: the portable serial form (little-endian, versioned; sorted distinct rows).';

CREATE FUNCTION clientele.fit_state_recv(internal) RETURNS clientele.fit_state
AS 'MODULE_PATHNAME', 'fit_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clientele.fit_state_recv(internal) IS 'Binary input function of clientele.fit_state: the portable serial form, with every invariant of the aggregates checked.';

ALTER TYPE clientele.fit_state SET (SEND = clientele.fit_state_send, RECEIVE = clientele.fit_state_recv);
