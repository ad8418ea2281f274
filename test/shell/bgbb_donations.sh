#!/usr/bin/env bash
# BG/BB acceptance on the donation data of Fader, Hardie & Shang (2010)
# (11,104 donors, 6 opportunities), read at test time from the lifetimes
# tarball in ../shared/vendor (extracted to a temporary directory, never
# copied into the repository): alpha 1.204, beta 0.750, gamma 0.657,
# delta 2.783, log-likelihood -33,225.6; the compressed (x, t_x, n, count)
# form, one row per donor and a parallel plan give the same fit.  Skipped
# (reported as skips) when the tarball is absent.  Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TARBALL="${CLIENTELE_VENDOR:-$ROOT/../shared/vendor}/lifetimes-4f2833f.tar.gz"
PLAN=9
q() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1; }

if [ ! -r "$TARBALL" ]; then
	for i in $(seq 1 $PLAN); do echo "ok $i # SKIP lifetimes tarball absent ($TARBALL)"; done
	echo "1..$PLAN"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$TARBALL" -C "$tmp" --wildcards '*/lifetimes/datasets/donations.csv'
csv=$(find "$tmp" -name donations.csv | head -1)

db=bgbb_donations
q postgres "DROP DATABASE IF EXISTS $db" >/dev/null
q postgres "CREATE DATABASE $db TEMPLATE clientele_template" >/dev/null
q "$db" "CREATE TABLE don (frequency int, recency int, periods int, weights bigint)" >/dev/null
"$BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$db" -c "\\copy don FROM '$csv' WITH (FORMAT csv, HEADER true)" >/dev/null 2>&1
ok "$(q "$db" "SELECT count(*) || ' ' || sum(weights) FROM don")" "22 11104" "donations: 22 patterns of 11,104 donors"
fit=$(q "$db" "SELECT round((f).alpha::numeric, 3) || ' ' || round((f).beta::numeric, 3) || ' ' || round((f).gamma::numeric, 3) || ' ' ||
	round((f).delta::numeric, 3) || ' ' || round((f).log_likelihood::numeric, 1) || ' ' || (f).n || ' ' || (f).converged
	FROM (SELECT clientele.bgbb_fit(frequency, recency, periods, weights) f FROM don) q")
set -- $fit
ok "${1:-}" "1.204" "alpha = 1.204 (FHS 2010)"
ok "${2:-}" "0.750" "beta = 0.750"
ok "${3:-}" "0.657" "gamma = 0.657"
ok "${4:-}" "2.783" "delta = 2.783"
ok "${5:-}" "-33225.6" "log-likelihood -33,225.6"
ok "${6:-} ${7:-}" "11104 true" "n = 11,104, converged"
# one row per donor (11,104 rows) gives the same fit as the compressed form
ok "$(q "$db" "SELECT (SELECT clientele.bgbb_fit(frequency, recency, periods) FROM don, generate_series(1, weights))::text
	= (SELECT clientele.bgbb_fit(frequency, recency, periods, weights) FROM don)::text")" "t" \
	"one row per donor = the compressed (x, t_x, n, count) form"
par=$(q "$db" "SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
	SET min_parallel_table_scan_size = 0; SET parallel_leader_participation = off;
	CREATE TABLE donors AS SELECT frequency, recency, periods FROM don, generate_series(1, weights); ANALYZE donors;
	SELECT (SELECT clientele.bgbb_fit(frequency, recency, periods) FROM donors)::text
	= (SELECT clientele.bgbb_fit(frequency, recency, periods, weights) FROM don)::text")
ok "$par" "t" "parallel fit over one row per donor = the compressed fit"
q postgres "DROP DATABASE IF EXISTS $db" >/dev/null
echo "1..$n"
exit $failed
