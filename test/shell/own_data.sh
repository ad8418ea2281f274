#!/usr/bin/env bash
# docs/own-data.md, run as printed: a core-banking layout with its own names,
# codes, signed local-time amounts and text customer numbers, mapped through
# code maps, column shapes and the key map, checked, analysed; then the mapped
# database survives pg_dump / pg_restore (custom and plain) without any manual
# step, and dropping the bank's schema never touches the extension.  Also runs
# the README SQL tour as printed on a fresh database with a small demo bank.
# Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
q() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1; }
tmp=$(mktemp -d /tmp/clientele-owndata.XXXXXX)
dbs="od_src od_dst od_par od_plain od_tour"
cleanup() { for d in $dbs; do q postgres "DROP DATABASE IF EXISTS $d" >/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
for d in $dbs; do q postgres "DROP DATABASE IF EXISTS $d" >/dev/null; done
chmod 755 "$tmp"

# the walkthrough, every ```sql block in order
awk '/^```sql$/ { on = 1; next } /^```$/ { on = 0 } on' "$ROOT/docs/own-data.md" >"$tmp/walkthrough.sql"
q postgres "CREATE DATABASE od_src" >/dev/null
q od_src "CREATE EXTENSION clientele" >/dev/null
"$BIN/psql" -X -v ON_ERROR_STOP=1 -d od_src -f "$tmp/walkthrough.sql" >"$tmp/walkthrough.out" 2>"$tmp/walkthrough.err"
ok "$?" "0" "docs/own-data.md runs as printed ($(grep -c . "$tmp/walkthrough.sql") lines of SQL)"
sed 's/^/#   /' "$tmp/walkthrough.err" | grep -v '^#   $' | head -10
ok "$(grep -c 'WARNING' "$tmp/walkthrough.err")" "0" "the walkthrough's mapping passes use_source's sample checks (no WARNING)"
ok "$(q od_src "SELECT (SELECT count(*) FROM clientele.in_customer) || '/' || (SELECT count(*) FROM clientele.in_account)
	|| '/' || (SELECT count(*) FROM clientele.in_balance) || '/' || (SELECT count(*) FROM clientele.in_transaction)")" \
	"300/400/9600/6000" "the input views read every row of the bank's tables"
ok "$(q od_src "SELECT clientele.check_sources_status()")" "0" "check_sources: every check passes on the mapped data"
ok "$(q od_src "SELECT count(*) FROM clientele.in_transaction WHERE amount < 0 OR direction NOT IN ('in', 'out')
	OR channel NOT IN ('counter', 'atm', 'mobile', 'online') OR customer_id IS NULL")" "0" \
	"signed amounts, channel codes and text customer numbers all translated"
ok "$(q od_src "SELECT sum(CASE WHEN direction = 'out' THEN -amount ELSE amount END) = (SELECT sum(txn_amt) FROM core.txn_journal)
	FROM clientele.in_transaction")" "t" "amount + direction give back the signed amount"
ok "$(q od_src "SELECT clientele.bank_key('customer', customer_id) FROM clientele.in_customer ORDER BY customer_id LIMIT 1")" \
	"000000001" "results report the bank's own customer number, leading zeros kept"
ok "$(q od_src "SELECT count(*) || ' ' || count(*) FILTER (WHERE aum > 0) FROM clientele.aum('2025-12-31')")" "300 300" \
	"aum: every customer, every one with assets (product codes translated)"
ok "$(q od_src "SELECT count(*) || ' ' || count(*) FILTER (WHERE (summary).total_amount < 0) FROM clientele.rfm_scores('2025-12-31')")" "300 0" \
	"rfm_scores: 300 customers, no negative monetary value"
ok "$(q od_src "SELECT count(*) || ' ' || count(*) FILTER (WHERE cost > 0) FROM clientele.profit_contribution('2025-01-01', '2025-12-31')")" \
	"300 300" "profit_contribution: the bank's 300 customers, every channel costed"

# mixing sources is warned about
q od_src "INSERT INTO clientele.customer (customer_id, opened_on) VALUES (999999, '2020-01-01');
	INSERT INTO clientele.income (customer_id, month, fee_income) VALUES (999999, '2025-01-01', 1)" >/dev/null
"$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d od_src -c "SELECT clientele.use_source('balance', 'core.eod_bal')" >/dev/null 2>"$tmp/mixed.err"
ok "$(grep -c 'inputs income (1 rows) still read the canonical tables' "$tmp/mixed.err")" "1" \
	"use_source warns when another input reads a canonical table that holds rows"
q od_src "DELETE FROM clientele.income; DELETE FROM clientele.customer" >/dev/null

# backup and restore: the mapping comes back by itself
sum_sql="SELECT md5(string_agg(t::text, '|' ORDER BY customer_id)) FROM clientele.aum('2025-12-31') t"
txn_sql="SELECT md5(string_agg(t::text, '|' ORDER BY txn_id)) FROM clientele.in_transaction t"
want_aum=$(q od_src "$sum_sql"); want_txn=$(q od_src "$txn_sql")
"$BIN/pg_dump" -Fc -d od_src -f "$tmp/od.dump" 2>/dev/null
ok "$?" "0" "pg_dump -Fc of a database with mapped sources"
# restore order: the sources (pre-data) before the configuration rows that compile the mapping (data)
"$BIN/pg_restore" -l "$tmp/od.dump" >"$tmp/toc"
src_line=$(grep -n 'TABLE core txn_journal ' "$tmp/toc" | head -1 | cut -d: -f1)
cfg_line=$(grep -n 'TABLE DATA clientele source_config ' "$tmp/toc" | head -1 | cut -d: -f1)
ok "$([ -n "$src_line" ] && [ -n "$cfg_line" ] && [ "$src_line" -lt "$cfg_line" ] && echo yes)" "yes" \
	"pg_restore creates the source table before it loads source_config"
q postgres "CREATE DATABASE od_dst" >/dev/null
"$BIN/pg_restore" --exit-on-error -d od_dst "$tmp/od.dump" 2>"$tmp/restore.err"
ok "$?" "0" "pg_restore succeeds"
sed 's/^/#   /' "$tmp/restore.err" | head -5
ok "$(q od_dst "$txn_sql")" "$want_txn" "restored: in_transaction reads the same rows (codes, shapes, keys) with no manual step"
ok "$(q od_dst "$sum_sql")" "$want_aum" "restored: aum gives the same result"
ok "$(q od_dst "SELECT count(*) FROM clientele.key_map")" "$(q od_src "SELECT count(*) FROM clientele.key_map")" "restored: the key map"
ok "$(q od_dst "SELECT clientele.sync_keys()")" "0" "restored: the key map already knows every bank number (ids kept)"
q postgres "CREATE DATABASE od_par" >/dev/null
"$BIN/pg_restore" --exit-on-error -j 3 -d od_par "$tmp/od.dump" 2>"$tmp/restore.err"
ok "$?|$(q od_par "$txn_sql")" "0|$want_txn" "pg_restore -j 3 (configuration tables loaded in parallel): the same mapping"
sed 's/^/#   /' "$tmp/restore.err" | head -5
q postgres "CREATE DATABASE od_plain" >/dev/null
"$BIN/pg_dump" -d od_src 2>/dev/null | "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -d od_plain >/dev/null 2>"$tmp/plain.err"
ok "$?" "0" "a plain pg_dump restores through psql with ON_ERROR_STOP"
ok "$(q od_plain "$txn_sql")" "$want_txn" "plain restore: the same mapping"

# the bank's schema can go: the extension stays, the inputs say what is missing
"$BIN/psql" -X -q -At -d od_dst -c "DROP SCHEMA core CASCADE" >/dev/null 2>"$tmp/drop.err"
ok "$(q od_dst "SELECT count(*) FROM pg_extension WHERE extname = 'clientele'") $(grep -c 'cascades to extension' "$tmp/drop.err")" "1 0" \
	"DROP SCHEMA core CASCADE leaves the extension alone"
ok "$(grep -c 'input "transaction" read relation core.txn_journal, which was dropped' "$tmp/drop.err")" "1" "... and warns per input"
ok "$(q od_dst "SELECT count(*) FROM clientele.aum('2025-12-31')" | head -1)" \
	'ERROR:  input "balance" reads relation core.eod_bal, which does not exist' "an analysis then names the input and the missing relation (aum's as-of guard reads the balances first)"
ok "$(q od_dst "SELECT count(*) FROM clientele.code_map") $(q od_dst "SELECT clientele.use_source(i, NULL) FROM (VALUES ('customer'), ('account'), ('balance'), ('transaction')) v(i)" | wc -l) $(q od_dst "SELECT count(*) FROM clientele.aum('2025-12-31')")" \
	"20 4 0" "the configuration survives; use_source(input, NULL) goes back to the (empty) canonical tables"

# the README SQL tour runs as printed on a fresh database
awk '/^## SQL tour/ { s = 1 } s && /^```sql$/ { on = 1; next } on && /^```$/ { exit } on' "$ROOT/README.md" >"$tmp/tour.sql"
q postgres "CREATE DATABASE od_tour" >/dev/null
q od_tour "CREATE EXTENSION clientele" >/dev/null
q od_tour "SELECT count(*) FROM clientele.generate_demo_bank(300, 42)" >/dev/null
"$BIN/psql" -X -q -v ON_ERROR_STOP=1 -d od_tour -f "$tmp/tour.sql" >/dev/null 2>"$tmp/tour.err"
ok "$?" "0" "the README SQL tour runs as printed ($(grep -c . "$tmp/tour.sql") lines, demo bank of 300 customers)"
sed 's/^/#   /' "$tmp/tour.err" | head -5

echo "1..$n"
exit $failed
