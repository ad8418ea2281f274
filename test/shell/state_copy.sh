#!/usr/bin/env bash
# State types through COPY ... (FORMAT binary): fit_state, rfm_state and refresh_txn_state
# values (from the aggregates' transition functions) are written with their
# send functions and read back with their receive functions unchanged; a
# corrupted binary fit_state is refused (22P03).  Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
q() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@" 2>&1; }

db=state_copy
"$BIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db TEMPLATE clientele_template" >/dev/null
tmp=$(mktemp -d); trap 'rm -rf "$tmp"; "$BIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null' EXIT
chmod 777 "$tmp"

q -c "CREATE AGGREGATE bg_state(float8, float8, float8) (SFUNC = clientele.bgnbd_fit_trans, STYPE = clientele.fit_state);
	CREATE AGGREGATE sbg_state(int, boolean) (SFUNC = clientele.sbg_fit_trans, STYPE = clientele.fit_state);
	CREATE AGGREGATE rfm_state(date, float8, date) (SFUNC = clientele.rfm_summary_trans, STYPE = clientele.rfm_state);
	CREATE TABLE states AS
	SELECT 1 AS id, (SELECT bg_state(i % 7, (i % 7) * 1.5, 20 + i % 3) FROM generate_series(1, 500) i) AS fs,
	       (SELECT rfm_state(DATE '2024-01-01' + i % 40, i * 1.25, DATE '2024-06-30') FROM generate_series(1, 100) i) AS rs
	UNION ALL
	SELECT 2, (SELECT sbg_state(1 + i % 9, i % 4 = 0) FROM generate_series(1, 300) i), NULL;" >/dev/null
out=$(q -c "\\copy states TO '$tmp/states.bin' WITH (FORMAT binary)"); ok "$?" "0" "COPY TO (FORMAT binary) writes fit_state and rfm_state${out:+ ($out)}"
q -c "CREATE TABLE states2 (LIKE states); CREATE TABLE states3 (LIKE states)" >/dev/null
out=$(q -c "\\copy states2 FROM '$tmp/states.bin' WITH (FORMAT binary)"); ok "$?" "0" "COPY FROM (FORMAT binary) reads them back${out:+ ($out)}"
ok "$(q -c "SELECT count(*) FROM states a JOIN states2 b USING (id) WHERE a.fs::text = b.fs::text AND a.rs::text IS NOT DISTINCT FROM b.rs::text")" "2" \
	"the states read back are the states written"
ok "$(q -c "SET client_min_messages = error; SELECT (clientele.bgnbd_fit_final(a.fs)).log_likelihood = (clientele.bgnbd_fit_final(b.fs)).log_likelihood FROM states a JOIN states2 b USING (id) WHERE id = 1")" "t" \
	"a fit on the state read back gives the same result"
ok "$(q -c "SELECT (clientele.rfm_summary_final(b.rs)).frequency FROM states2 b WHERE id = 1")" "39" "the rfm_state read back gives the same summary"
# corrupt the binary file: flip the version byte of the first fit_state (after the 19-byte header,
# the tuple's field count (2), the id (4 + 4) and the length (4) of the state)
python3 - "$tmp/states.bin" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
off = 19 + 2 + 4 + 4 + 4
b[off] = 9
open(p, 'wb').write(b)
PY
out=$(q -c "\\copy states3 FROM '$tmp/states.bin' WITH (FORMAT binary)")
case "$out" in *"invalid fit_state: unsupported version"*) ok 1 1 "a corrupted binary fit_state is refused";; *) ok "$out" "invalid fit_state: unsupported version" "a corrupted binary fit_state is refused";; esac
# refresh_txn_state (the refresh's summary counts) through COPY (FORMAT binary) as well
q -c "CREATE AGGREGATE txc_state(timestamptz, boolean, text, text, date, timestamptz, timestamptz, timestamptz, text) (
		SFUNC = clientele.refresh_txn_trans, STYPE = clientele.refresh_txn_state);
	CREATE TABLE txc AS
	SELECT g AS id, txc_state(TIMESTAMPTZ '2025-01-01 12:00+00' + (i * 37 % 365) * interval '1 day', i % 3 <> 0,
	                          (ARRAY['enquiry', 'deposit', 'payment', NULL])[1 + i % 4], (ARRAY['atm', 'pos', 'branch', NULL])[1 + i % 4],
	                          '2025-12-31', '2025-01-01', '2025-07-01', '2025-01-01', 'UTC') AS st
	FROM generate_series(1, 200) i, generate_series(1, 3) g WHERE i % 3 + 1 = g GROUP BY g;
	CREATE TABLE txc2 (LIKE txc);" >/dev/null
out=$(q -c "\\copy txc TO '$tmp/txc.bin' WITH (FORMAT binary)" && q -c "\\copy txc2 FROM '$tmp/txc.bin' WITH (FORMAT binary)")
ok "$?" "0" "refresh_txn_state through COPY (FORMAT binary), out and in${out:+ ($out)}"
ok "$(q -c "SELECT count(*) FROM txc a JOIN txc2 b USING (id) WHERE a.st::text = b.st::text
	AND clientele.refresh_txn_final(a.st)::text = clientele.refresh_txn_final(b.st)::text")" "3" \
	"the refresh_txn_state values read back are the values written and give the same counts"
echo "1..$n"
exit $failed
