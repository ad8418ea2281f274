#!/usr/bin/env bash
# The churn section of the demo report (scripts/report/70_churn.sql, run by
# make demo) on generate_demo_bank(2000, 42): each method scored as of six
# months before the end of the bank, AUC / KS / lift at 10 % against the
# planted truth (demo_truth) and against the stage at the end.  The figures
# are those docs/churn.md states for 2,000 customers ("On the demo bank"), so
# the page cannot silently go stale again (its p_alive figures had, after the
# method changed).  Prints TAP.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/lib/tap.sh"
q() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1; }

db=churn_demo_report
q postgres "DROP DATABASE IF EXISTS $db" >/dev/null
q postgres "CREATE DATABASE $db TEMPLATE clientele_template" >/dev/null
q "$db" "ALTER DATABASE $db SET timezone = 'UTC'" >/dev/null
q "$db" "SELECT count(*) FROM clientele.generate_demo_bank(2000, 42)" >/dev/null
out=$("$BIN/psql" -X -q -At -F '|' -v ON_ERROR_STOP=1 -d "$db" -f "$ROOT/scripts/report/70_churn.sql" 2>&1)
ok "$?" "0" "scripts/report/70_churn.sql runs on a demo bank of 2,000 customers"
line() { printf '%s\n' "$out" | grep "^$1|" | head -1; }
# method | customers | churned (truth) | AUC | KS | lift@10 % (truth) | churned or dormant at the end | AUC | KS | lift@10 % (stage)
ok "$(line scorecard)" "scorecard|1543|102|0.714|0.321|3.22|193|0.620|0.272|2.50" "scorecard as of 2025-06-30: the figures of docs/churn.md"
ok "$(line p_alive)" "p_alive|1543|102|0.718|0.374|3.92|193|0.759|0.478|5.13" "p_alive as of 2025-06-30: the figures of docs/churn.md"
ok "$(line 'model (demo_report)')" "model (demo_report)|1543|102|0.794|0.523|2.45|193|0.878|0.619|4.66" \
	"trained model as of 2025-06-30: the figures of docs/churn.md"
ok "$(q "$db" "SELECT count(*) FROM clientele.churn_model")" "0" "the report leaves no model behind"

q postgres "DROP DATABASE IF EXISTS $db" >/dev/null
echo "1..$n"
exit $failed
