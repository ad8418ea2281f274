#!/usr/bin/env bash
# tiers: the demo report section scripts/report/40_tiers.sql runs without
# error on a small bank (read through the clientele.in_* views) and prints
# its sections with the expected counts.  Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
q() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1; }

db=tiers_report
q postgres "DROP DATABASE IF EXISTS $db" >/dev/null
q postgres "CREATE DATABASE $db TEMPLATE clientele_template" >/dev/null
# 300 customers: a savings account each with balance 100 * g (CNY 100 .. 30,000), a wealth
# product for every tenth (CNY 70,000 * g / 10) and a loan for customer 300
q "$db" "INSERT INTO clientele.customer (customer_id, opened_on) SELECT g, '2020-01-01' FROM generate_series(1, 300) g;
	INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on) SELECT g, g, 'savings', '2020-01-01' FROM generate_series(1, 300) g;
	INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on) SELECT 1000 + g, g, 'wealth', '2020-01-01' FROM generate_series(10, 300, 10) g;
	INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on) VALUES (5000, 300, 'loan', '2020-01-01');
	INSERT INTO clientele.balance SELECT g, '2024-06-29', 1 FROM generate_series(1, 300) g;
	INSERT INTO clientele.balance SELECT g, '2024-06-30', 100 * g FROM generate_series(1, 300) g;
	INSERT INTO clientele.balance SELECT 1000 + g, '2024-06-30', 7000 * g FROM generate_series(10, 300, 10) g;
	INSERT INTO clientele.balance VALUES (5000, '2024-06-30', 1200000);" >/dev/null
out=$("$BIN/psql" -X -v ON_ERROR_STOP=1 -d "$db" -f "$ROOT/scripts/report/40_tiers.sql" 2>&1); rc=$?
ok "$rc" "0" "scripts/report/40_tiers.sql runs without error"
[ "$rc" = 0 ] || printf '%s\n' "$out" | sed 's/^/#   /' | tail -5
ok "$(printf '%s\n' "$out" | grep -c '^== Tiers: customers by deposit balance .* as of 2024-06-30 ==$')" "1" "the section title names the latest snapshot day"
# deposits 100 g: 99 customers below 1万, 201 in [1万, 5万)
ok "$(printf '%s\n' "$out" | grep -E '^ 0-1万 ' | awk -F'|' '{gsub(/ /, "", $4); print $4}')" "99" "99 customers below 1万"
ok "$(printf '%s\n' "$out" | grep -E '^ 1万-5万 ' | awk -F'|' '{gsub(/ /, "", $4); print $4}')" "201" "201 customers in [1万, 5万)"
# AUM = 7100 g for every tenth: above 1,000,000 for g = 150, 160, ..., 300 (16), but the loan
# of CNY 1,200,000 brings customer 300 down to 930,000 of net financial assets
ok "$(printf '%s\n' "$out" | grep -E '^ high_net_worth ' | awk -F'|' '{gsub(/ /, "", $2); print $2}')" "15" \
	"15 high-net-worth customers (net financial assets above 1,000,000, credit balances netted)"
q postgres "DROP DATABASE IF EXISTS $db" >/dev/null
echo "1..$n"
exit $failed
