#!/usr/bin/env bash
# `make test-citus` (and a suite of `make test`): clientele on a Citus cluster,
# checked against a single node.  Prints TAP.
#   - builds Citus from ../shared/vendor/citus-*.tar.gz into the PostgreSQL of
#     $PG_CONFIG when citus.control is not installed there (cache outside the
#     repository: $CLIENTELE_CITUS_CACHE, default /var/tmp/clientele-citus);
#   - starts a coordinator and two workers on 127.0.0.1 (ports
#     $CLIENTELE_CITUS_PORT .. +2, default CLIENTELE_TEST_PORT+1 ..);
#   - generates the same demo bank in a distributed database (clientele.distribute)
#     and in a plain one, and compares results (md5): every analysis of the API,
#     the input views, global fits, tiers pushed to the workers, refresh() and
#     the reporting views, plan shapes (EXPLAIN VERBOSE), partial-state sizes,
#     config edits made on the coordinator, and session TimeZones.
#   - the coordinator preloads clientele (its planner hook passes the session
#     TimeZone to the workers).
# Known clientele limits are TAP TODO items (`not ok N # TODO why`); none at present.
# Expects clientele to be built and installed already (make install, or make test).
# Set CLIENTELE_CITUS_KEEP=1 to leave the cluster running.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

BASE=${CLIENTELE_CITUS_PORT:-$(( ${CLIENTELE_TEST_PORT:-54329} + 1 ))}
CUSTOMERS=${CLIENTELE_CITUS_CUSTOMERS:-2000}
SHARDS=${CLIENTELE_CITUS_SHARDS:-8}
CACHE=${CLIENTELE_CITUS_CACHE:-/var/tmp/clientele-citus}
RUN=${CLIENTELE_CITUS_DIR:-$ROOT/tmp/citus}
BIN=$(pg_bindir)

n=0; failed=0
ok() { # got want description [todo-reason]
	n=$((n+1))
	if [ "$1" = "$2" ]; then
		echo "ok $n - $3${4:+ # TODO $4}"
	else
		echo "not ok $n - $3${4:+ # TODO $4}"
		printf '%s\n' "$1" | head -c 400 | sed '1s/^/#   got:  /; 2,$s/^/#         /'
		printf '%s\n' "$2" | head -c 400 | sed '1s/^/#   want: /; 2,$s/^/#         /'
		[ -n "${4:-}" ] || failed=1
	fi
}
skip() { n=$((n+1)); echo "ok $n # SKIP $1"; }
q() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres -d "$2" -c "$3" 2>&1; }
# a distributed deadlock (e.g. a trigger on a shard waiting for its own
# transaction) must fail the suite, not hang it
export PGOPTIONS="${PGOPTIONS:-} -c statement_timeout=180s"
# statements of one session, each its own transaction (psql -c runs them as one)
qs() { printf '%s\n' "$3" | "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres -d "$2" 2>&1; }

# --- Citus: installed, or built from the vendored source ---------------------
citus_installed() { [ -f "$("$PG_CONFIG" --sharedir)/extension/citus.control" ] && [ -f "$("$PG_CONFIG" --pkglibdir)/citus.so" ]; }
citus_build() {
	local tarball src need=() p
	tarball=$(ls "$ROOT"/../shared/vendor/citus-*.tar.gz 2>/dev/null | sort | tail -1)
	[ -n "$tarball" ] || return 2
	# the -dev packages ../shared/vendor/README.md lists (libcurl is not needed: --without-libcurl)
	for p in libzstd-dev liblz4-dev libkrb5-dev libssl-dev libselinux1-dev libxslt1-dev libpam0g-dev libreadline-dev; do
		dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
	done
	if [ ${#need[@]} -gt 0 ]; then
		[ "$(id -u)" -eq 0 ] || { log "missing packages: ${need[*]}"; return 1; }
		log "installing ${need[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null || return 1
	fi
	src=$CACHE/$(basename "$tarball" .tar.gz)-$(printf '%s' "$PG_CONFIG" | md5sum | cut -c1-8)
	if [ ! -f "$src/.built" ]; then
		log "building Citus from $(basename "$tarball") in $src (takes several minutes)"
		rm -rf "$src"; mkdir -p "$src"
		tar -xzf "$tarball" -C "$src" --strip-components=1 || return 1
		(cd "$src" && ./configure --without-libcurl PG_CONFIG="$PG_CONFIG" >"$src/configure.log" 2>&1) \
			|| { tail -20 "$src/configure.log"; return 1; }
		make -C "$src" -j2 >"$src/make.log" 2>&1 || { tail -20 "$src/make.log"; return 1; }
		touch "$src/.built"
	fi
	make -C "$src" install >"$src/install.log" 2>&1 || { tail -20 "$src/install.log"; return 1; }
}

if ! citus_installed; then
	citus_build; rc=$?
	if [ $rc -eq 2 ]; then echo "1..0 # SKIP no Citus installed and no ../shared/vendor/citus-*.tar.gz"; exit 0; fi
	[ $rc -eq 0 ] && citus_installed || { echo "1..1"; echo "not ok 1 - Citus builds from the vendored source"; exit 1; }
fi

# --- a coordinator and two workers --------------------------------------------
stop_all() { for i in 0 1 2; do cluster_remove "$RUN/n$i"; done; }
stop_all
trap '[ -n "${CLIENTELE_CITUS_KEEP:-}" ] || stop_all' EXIT
# the coordinator loads clientele at start: its planner hook passes the session
# TimeZone to the workers (docs/distributed.md); the workers load it on demand
for i in 0 1 2; do
	libs=citus; [ $i -eq 0 ] && libs=citus,clientele
	( cluster_start "$RUN/n$i" $((BASE + i)) "shared_preload_libraries = '$libs'" "listen_addresses = '127.0.0.1'" \
		"shared_buffers = 128MB" "max_parallel_workers_per_gather = 0" "citus.max_cached_conns_per_worker = 2" \
		"track_functions = 'all'" ) \
		|| { echo "1..1"; echo "not ok 1 - start node $i"; exit 1; }
done
C=$BASE
for i in 0 1 2; do
	q $((BASE + i)) postgres "CREATE DATABASE dist" >/dev/null
	q $((BASE + i)) dist "CREATE EXTENSION citus" >/dev/null
done
q $C postgres "CREATE DATABASE single" >/dev/null
ok "$(q $C dist "SELECT citus_set_coordinator_host('127.0.0.1', $C); SELECT count(*) FROM (SELECT citus_add_node('127.0.0.1', $((BASE + 1))) UNION ALL SELECT citus_add_node('127.0.0.1', $((BASE + 2)))) s" | tail -1)" \
	"2" "coordinator with two workers"
q $C dist "CREATE EXTENSION clientele" >/dev/null
q $C single "CREATE EXTENSION clientele" >/dev/null
v=$(q $C dist "SELECT extversion FROM pg_extension WHERE extname = 'clientele'")
ok "$(q $((BASE + 1)) dist "SELECT extversion FROM pg_extension WHERE extname = 'clientele'")/$(q $((BASE + 2)) dist "SELECT extversion FROM pg_extension WHERE extname = 'clientele'")" \
	"$v/$v" "CREATE EXTENSION clientele on the coordinator reaches both workers"

for db in dist single; do q $C $db "SELECT count(*) FROM clientele.generate_demo_bank($CUSTOMERS, 7)" >/dev/null; done
ok "$(q $C dist "SELECT clientele.distribute(0)" | head -1)" \
	"ERROR:  shard_count must be between 1 and 64000, got 0" "distribute() rejects a bad shard count"
ok "$(q $C single "SELECT clientele.distribute()" | head -1)" \
	"ERROR:  clientele.distribute() needs the citus extension in this database" "distribute() without Citus says what is missing"
q $C postgres "CREATE DATABASE nocoord" >/dev/null
q $C nocoord "CREATE EXTENSION citus; CREATE EXTENSION clientele" >/dev/null
ok "$(q $C nocoord "SELECT clientele.distribute(2)" | head -1)" \
	"ERROR:  the Citus coordinator is not in the Citus metadata" "distribute() needs the coordinator in the Citus metadata (it validates configuration edits)"
q $C postgres "DROP DATABASE nocoord" >/dev/null
ok "$(q $C dist "CREATE SCHEMA bank; CREATE TABLE bank.income AS SELECT * FROM clientele.income LIMIT 0;
	SET client_min_messages = error; SELECT clientele.use_source('income', 'bank.income'); SELECT clientele.distribute(2)" | grep ERROR)" \
	"ERROR:  inputs \"income\" (bank.income) read relations of the bank, not the clientele tables" "distribute() refuses while an input reads a relation of the bank"
q $C dist "SELECT clientele.use_source('income', NULL); DROP SCHEMA bank CASCADE" >/dev/null
steps=$(q $C dist "SET client_min_messages = warning; SELECT step || ' ' || relation::text FROM clientele.distribute($SHARDS)")
ok "$(printf '%s\n' "$steps" | grep -cE '^distributed by customer_id clientele\.(customer|account|transaction|interaction|income|demo_truth)$')" "6" \
	"distribute(): the six bank tables distributed by customer_id"
printf '%s\n' "$steps" | sed 's/^/#   /'
ok "$(q $C dist "SELECT clientele.distribute($SHARDS)" | head -1)" \
	"ERROR:  the clientele tables are already distributed" "distribute() runs once"
ok "$(q $C dist "SELECT string_agg(c.relname, ', ' ORDER BY c.relname) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
	WHERE s.nspname = 'clientele' AND c.relkind = 'r' AND NOT EXISTS (SELECT 1 FROM pg_dist_partition p WHERE p.logicalrelid = c.oid)")" \
	"$(printf '%s\n' "$steps" | sed -n 's/^left local clientele\.//p' | sort | paste -sd, | sed 's/,/, /g')" \
	"every clientele table is a Citus table, except those distribute() reports as left local"
q $C dist "CREATE SCHEMA bank; CREATE TABLE bank.income AS SELECT * FROM clientele.income LIMIT 0" >/dev/null
ok "$(q $C dist "SET client_min_messages = error; SELECT clientele.use_source('income', 'bank.income')" | grep ERROR)" \
	"ERROR:  input \"income\" cannot read another relation: the clientele tables are distributed by Citus" "use_source() is refused once the tables are distributed"
q $C dist "DROP SCHEMA bank CASCADE" >/dev/null
ok "$(q $C dist "SELECT count(*) FROM clientele.source_config")" "0" "... and leaves no mapping behind"
ok "$(q $C dist "SELECT count(DISTINCT nodeport) FROM pg_dist_shard_placement p JOIN pg_dist_shard s USING (shardid) WHERE s.logicalrelid = 'clientele.transaction'::regclass")" \
	"2" "transaction shards live on both workers"

ok "$(q $C dist "INSERT INTO clientele.balance SELECT account_id, '2026-01-01', -5 FROM clientele.account WHERE product_type = 'savings' LIMIT 1" | grep -o 'negative balance')" \
	"negative balance" "balance_sign_allowed still rejects a negative savings balance on the distributed tables"
ok "$(q $C dist "INSERT INTO clientele.balance SELECT account_id, '2026-01-01', -5 FROM clientele.account WHERE product_type = 'current' ORDER BY account_id LIMIT 3; DELETE FROM clientele.balance WHERE as_of = '2026-01-01'")" \
	"" "... and accepts negative current-account balances"
ok "$(q $C dist "INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on) VALUES (-1, 1, 'no_such_product', '2020-01-01')" | grep -o 'account_product_type_fkey')" \
	"account_product_type_fkey" "account -> product_type foreign key holds (distributed -> reference table)"

# function call counts (track_functions = all) from here on: the checks' calls, not the setup's
for i in 0 1 2; do q $((BASE + i)) dist "SELECT pg_stat_reset()" >/dev/null; done
plan() { q $C dist "EXPLAIN (VERBOSE, COSTS OFF) $1"; }
# bytes the workers would send: the partial states of every shard (hex text = 2 characters per byte) against the raw column (8 bytes a row)
state_bytes() { # aggregate signature, argument row, table, rest of the query (WHERE / GROUP BY)
	q $C dist "SELECT CASE WHEN bool_and(success) THEN (sum(result::bigint) / 2)::bigint::text ELSE min(result) FILTER (WHERE NOT success) END
		FROM run_command_on_shards('$3', \$\$SELECT coalesce(sum(length(s)), 0) FROM (SELECT pg_catalog.worker_partial_agg('$1'::regprocedure, $2)::text AS s FROM %s $4) q\$\$)"
}

# --- same answers as one node ----------------------------------------------------
same() { # description query [todo]: equal answers, and not the same error twice
	local a b
	a=$(q $C dist "$2"); b=$(q $C single "$2")
	case "$a$b" in *ERROR:*) [ "$a" != "$b" ] || b="(no error, and an answer that is not empty)";; esac
	[ -n "$b" ] || b="(an answer that is not empty)"
	ok "$a" "$b" "$1" "${3:-}"
}
same "row counts of every bank table" \
	"SELECT string_agg(t || '=' || (xpath('/row/c/text()', query_to_xml('SELECT count(*) AS c FROM clientele.' || t, false, true, '')))[1]::text, ' ' ORDER BY t)
	 FROM unnest(ARRAY['customer','account','balance','transaction','interaction','income','demo_truth']) t"
# the analyses read the distributed table itself; the input view is checked apart
RFM="SELECT customer_id, clientele.rfm_summary(ts, amount::float8, '2025-12-31'::timestamptz, '7 days') AS s
	FROM clientele.transaction WHERE customer_initiated AND kind = 'payment' GROUP BY customer_id"
# the input views read the canonical tables straight (no function in between)
for v in customer account balance transaction interaction income; do
	ok "$(q $C dist "EXPLAIN SELECT count(*) FROM clientele.in_$v" | grep -c 'Citus Adaptive')" "1" "queries over the input view clientele.in_$v are planned by Citus"
done
same "rfm_summary per customer through clientele.in_transaction (md5)" \
	"SELECT count(*) || ' ' || md5(string_agg(customer_id || ':' || s::text, ',' ORDER BY customer_id)) FROM (${RFM//clientele.transaction/clientele.in_transaction}) q"
same "rfm_summary per customer (md5 of all rows)" "SELECT count(*) || ' ' || md5(string_agg(customer_id || ':' || s::text, ',' ORDER BY customer_id)) FROM ($RFM) q"
same "rfm_summary per customer over dates (md5)" \
	"SELECT md5(string_agg(customer_id || ':' || s::text, ',' ORDER BY customer_id)) FROM (SELECT customer_id, clientele.rfm_summary(ts::date, amount::float8, '2025-12-31'::date) AS s FROM clientele.transaction GROUP BY customer_id) q"
FIT="SELECT clientele.bgnbd_fit((s).frequency, (s).recency, (s).t)::text FROM ($RFM) q"
same "global bgnbd_fit over rfm_summary" "$FIT"
same "global pareto_nbd_fit over rfm_summary" "SELECT clientele.pareto_nbd_fit((s).frequency, (s).recency, (s).t)::text FROM ($RFM) q"
same "global gamma_gamma_fit over rfm_summary (repeat buyers)" \
	"SELECT clientele.gamma_gamma_fit((s).frequency, (s).monetary)::text FROM ($RFM) q WHERE (s).frequency > 0"
TIERS="SELECT string_agg(tier || '=' || n, ' ' ORDER BY tier) FROM (SELECT clientele.tier_of('suzhou_deposit_bands_2012', total) AS tier, count(*) AS n
	FROM (SELECT customer_id, sum(amount) AS total FROM clientele.transaction WHERE direction = 'in' GROUP BY customer_id) c GROUP BY 1) t"
TIERS_COORD="WITH c AS MATERIALIZED (SELECT customer_id, sum(amount) AS total FROM clientele.transaction WHERE direction = 'in' GROUP BY customer_id)
	SELECT string_agg(tier || '=' || n, ' ' ORDER BY tier) FROM (SELECT clientele.tier_of('suzhou_deposit_bands_2012', total) AS tier, count(*) AS n FROM c GROUP BY 1) t"
same "tier_of counts per band (tier_of on the coordinator, over a materialized CTE)" "$TIERS_COORD"
same "tier_of counts per band (tier_of pushed to the workers)" "$TIERS"
ok "$(plan "$TIERS" | grep 'Query:' | grep -c 'clientele.tier_of')" "1" "tier_of runs on the workers (in the shard queries)"

# --- every analysis of the API: the same rows as one node ---------------------------------
for f in "profit_contribution('2025-01-01', '2025-12-31')" "value_classes('2025-01-01', '2025-12-31')" \
	"profit_deciles('2025-01-01', '2025-12-31')" "rfm_scores('2025-12-31')" "customer_features('2025-12-31')" \
	"lifecycle('2025-12-31')" "churn_scores('2025-12-31')" "aum('2025-12-31')" "churn_signals('2025-12-31')" \
	"churn_evaluation('2025-06-30', '6 months')"; do
	same "clientele.$f: same rows as one node (md5)" "SELECT count(*) || ' ' || md5(string_agg(x::text, ',' ORDER BY x::text)) FROM clientele.$f x"
done
# the stage history: record_lifecycle writes lifecycle_recorded (a reference
# table) after reading distributed tables; a month later refresh() records
# again (periods closed and opened on the distributed history)
for db in dist single; do
	printf '%s\n' "SET client_min_messages = warning;" "SELECT clientele.record_lifecycle('2025-11-30');" \
		| "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $C -U postgres -d $db > "$RUN/record-$db.out" 2>&1
done
ok "$(cat "$RUN/record-dist.out")" "$(grep -v ERROR "$RUN/record-single.out")" "clientele.record_lifecycle() runs on the distributed database"
# refresh() writes the result tables (left local on the coordinator) and the reporting views
for db in dist single; do
	printf '%s\n' "SET client_min_messages = warning;" "CALL clientele.refresh('2025-12-31');" \
		| "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $C -U postgres -d $db > "$RUN/refresh-$db.out" 2>&1
done
ok "$(cat "$RUN/refresh-dist.out")" "$(grep -v ERROR "$RUN/refresh-single.out")" "CALL clientele.refresh() runs on the distributed database"
same "after refresh(): clientele.lifecycle_recorded equals one node's (dates, rules, customers)" \
	"SELECT string_agg(as_of || ' ' || rules || ' ' || customers, ', ' ORDER BY as_of) FROM clientele.lifecycle_recorded"
same "after refresh(): clientele.lifecycle_history equals one node's (md5)" \
	"SELECT count(*) || ' ' || md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM clientele.lifecycle_history x"
same "clientele.lifecycle_transitions('2025-11-30', '2025-12-31'): same rows as one node" \
	"SELECT string_agg(x::text, ',' ORDER BY x::text) FROM clientele.lifecycle_transitions('2025-11-30', '2025-12-31') x"
for t in customer_result segment_membership customer_scorecard tier_distribution segment_summary lifecycle_flow churn_watchlist value_concentration tier_migration kpi_summary; do
	same "after refresh(): clientele.$t equals one node's (md5)" "SELECT count(*) || ' ' || md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM clientele.$t x"
done

# --- plan shape ---------------------------------------------------------------------
p=$(plan "SELECT clientele.bgnbd_fit((s).frequency, (s).recency, (s).t), clientele.gamma_gamma_fit((s).frequency, (s).monetary) FROM ($RFM) q")
ok "$(printf '%s' "$p" | grep -o 'coord_combine_agg' | wc -l) $(printf '%s' "$p" | grep 'Query:' | grep -o 'worker_partial_agg' | wc -l)" "2 2" \
	"two global fits over per-customer rfm_summary: worker_partial_agg on the workers, coord_combine_agg on the coordinator"
ok "$(printf '%s' "$p" | grep -c 'Group Key: transaction.customer_id')" "1" "the per-customer rfm_summary runs whole on the workers (grouped by the distribution key)"
agg_split() { plan "SELECT $1 FROM clientele.transaction" | grep 'Query:' | grep -c 'worker_partial_agg'; }
ok "$(agg_split "clientele.rfm_summary(ts, amount::float8, '2025-12-31'::timestamptz)")" "1" "a global rfm_summary is split (worker_partial_agg)"
ok "$(agg_split "clientele.sbg_fit(1 + (customer_id % 5)::int, amount > 100)")" "1" "sbg_fit is split (worker_partial_agg)"
ok "$(agg_split "clientele.gini(amount::float8)")" "1" "gini is split (worker_partial_agg: no raw rows shipped)"
ok "$(agg_split "clientele.top_share(amount::float8, 0.1)")" "1" "top_share is split (worker_partial_agg)"
ok "$(plan "SELECT clientele.avg_daily_balance(as_of, balance, '2025-10-01', '2025-12-31') FROM clientele.balance" | grep 'Query:' | grep -c 'worker_partial_agg')" "1" \
	"avg_daily_balance is split (worker_partial_agg)"
# the other aggregates of the API: split on the workers, same answer as one node
for a in "auc(amount::float8, direction = 'in')" "ks(amount::float8, direction = 'in')" \
	"lift(amount::float8, direction = 'in', 0.1)" "logistic_fit(direction = 'in', ARRAY[ln(1 + amount::float8), (customer_id % 7)::float8])" \
	"period_summary((customer_id % 6)::int + 1, 6)" \
	"activity_summary(ts, customer_initiated, kind, direction, counterparty_bank, amount, '2025-12-31')"; do
	ok "$(agg_split "clientele.$a")" "1" "${a%%(*} is split (worker_partial_agg)"
done
for a in "auc(amount::float8, direction = 'in')" "ks(amount::float8, direction = 'in')" \
	"lift(amount::float8, direction = 'in', 0.1)"; do
	same "global ${a%%(*} equals one node's" "SELECT round(clientele.$a::numeric, 12) FROM clientele.transaction"
done
same "global logistic_fit equals one node's (coefficients to 9 digits)" \
	"SELECT array_agg(round(c::numeric, 9) ORDER BY i) FROM unnest((SELECT (clientele.logistic_fit(direction = 'in', ARRAY[ln(1 + amount::float8), (customer_id % 7)::float8])).coefficients FROM clientele.transaction)) WITH ORDINALITY u(c, i)"
# logistic regression without shipping rows: logistic_step (one Newton pass, a
# fixed-size state per shard) and logistic_fit_passes (passes to the optimum)
LX="ARRAY[ln(1 + amount::float8), (customer_id % 7)::float8]"
ok "$(agg_split "clientele.logistic_step(direction = 'in', $LX, ARRAY[0.1, -0.2, 0.05]::float8[], 0.5)")" "1" "logistic_step is split (worker_partial_agg)"
same "global logistic_step equals one node's (log-likelihood, gradient, Newton step to 9 digits)" \
	"SELECT round((s).log_likelihood::numeric, 6) || ' ' || (SELECT array_agg(round(g::numeric, 6) ORDER BY i) FROM unnest((s).gradient) WITH ORDINALITY u(g, i))::text
	        || ' ' || (SELECT array_agg(round(g::numeric, 9) ORDER BY i) FROM unnest((s).newton_step) WITH ORDINALITY u(g, i))::text
	 FROM (SELECT clientele.logistic_step(direction = 'in', $LX, ARRAY[0.1, -0.2, 0.05]::float8[], 0.5) AS s FROM clientele.transaction) q"
for db in dist single; do
	q $C $db "CREATE TABLE public.logit_rows AS SELECT customer_id, direction = 'in' AS y, $LX AS x FROM clientele.transaction" >/dev/null
done
q $C dist "SELECT create_distributed_table('public.logit_rows', 'customer_id', colocate_with => 'clientele.customer')" >/dev/null
q $C dist "SELECT truncate_local_data_after_distributing_table('public.logit_rows')" >/dev/null
LFP="SELECT array_agg(round(c::numeric, 9) ORDER BY i)::text || ' ' || (SELECT array_agg(round(e::numeric, 9) ORDER BY i) FROM unnest(f.std_errors) WITH ORDINALITY u(e, i))::text
	 || ' ' || round(f.log_likelihood::numeric, 7) || ' ' || f.n || ' ' || f.converged
	 FROM clientele.logistic_fit_passes('public.logit_rows', 'y', 'x', 0.5) f, unnest(f.coefficients) WITH ORDINALITY u(c, i) GROUP BY f.std_errors, f.log_likelihood, f.n, f.converged"
ok "$(q $C dist "$LFP")" "$(q $C single "${LFP//"clientele.logistic_fit_passes('public.logit_rows', 'y', 'x', 0.5) f"/"(SELECT (clientele.logistic_fit(y, x, 0.5)).* FROM public.logit_rows) f"}")" \
	"logistic_fit_passes over a distributed table = logistic_fit on one node (coefficients, std errors to 9 digits, log-likelihood)"
ok "$(plan "SELECT clientele.logistic_step(y, x, ARRAY[0, 0, 0]::float8[], 0) FROM public.logit_rows" | grep 'Query:' | grep -c 'worker_partial_agg')" "1" \
	"... each pass is split (worker_partial_agg on the shards)"
sb=$(state_bytes 'clientele.logistic_step(boolean, double precision[], double precision[], double precision)' "ROW(y, x, ARRAY[0, 0, 0]::float8[], 0::float8)" public.logit_rows "")
lb=$(state_bytes 'clientele.logistic_fit(boolean, double precision[])' "ROW(y, x)" public.logit_rows "")
echo "# logistic over $(q $C dist "SELECT count(*) FROM public.logit_rows") rows, 2 features, $SHARDS shards: logistic_step partial states $sb bytes per pass; logistic_fit partial states $lb bytes"
ok "$([ -n "$sb" ] && [ "$sb" -eq "$sb" ] 2>/dev/null && [ "$sb" -le $((SHARDS * 200)) ] && [ "$sb" -lt $((lb / 100)) ] && echo small)" "small" \
	"logistic_step ships at most 200 bytes per shard and pass for 2 features (logistic_fit ships the rows)"
# train_churn_model: the training rows stay on the shards (churn_training is distributed by customer_id)
ok "$(q $C dist "SELECT p.partmethod::text || ' ' || (SELECT c.colocationid = p.colocationid FROM pg_dist_partition c WHERE c.logicalrelid = 'clientele.customer'::regclass) FROM pg_dist_partition p WHERE p.logicalrelid = 'clientele.churn_training'::regclass")" \
	"h true" "churn_training (the training rows of train_churn_model) is distributed by customer_id, co-located with customer"
ok "$(plan "SELECT clientele.logistic_step(label, z, array_fill(0::float8, ARRAY[13]), 1) FROM clientele.churn_training" | grep 'Query:' | grep -c 'worker_partial_agg')" "1" \
	"the passes of train_churn_model are split (worker_partial_agg)"
TRAIN="SET client_min_messages = warning; SELECT (SELECT array_agg(round(c::numeric, 9) ORDER BY i) FROM unnest(m.coefficients) WITH ORDINALITY u(c, i))::text
	|| ' ' || (SELECT array_agg(round(c::numeric, 9) ORDER BY i) FROM unnest(m.std_errors) WITH ORDINALITY u(c, i))::text
	|| ' ' || (SELECT array_agg(round(c::numeric, 9) ORDER BY i) FROM unnest(m.means) WITH ORDINALITY u(c, i))::text
	|| ' ' || (SELECT array_agg(round(c::numeric, 9) ORDER BY i) FROM unnest(m.scales) WITH ORDINALITY u(c, i))::text
	|| ' ' || round(m.log_likelihood::numeric, 7) || ' ' || m.iterations || ' ' || m.converged || ' ' || m.n || ' ' || m.n_positive || ' ' || round(m.training_auc::numeric, 12)
	FROM clientele.train_churn_model('citus_check', '2025-06-30', '6 months', 1) m"
same "train_churn_model on Citus = one node (coefficients, std errors, means, scales to 9 digits; log-likelihood, counts, training AUC)" "$TRAIN"
same "... and leaves churn_training empty" "SELECT count(*) FROM clientele.churn_training"
same "churn_scores with the trained model: same rows as one node (md5)" \
	"SELECT count(*) || ' ' || md5(string_agg(x::text, ',' ORDER BY x::text)) FROM clientele.churn_scores('2025-12-31', 'citus_check') x"
same "activity_summary per customer (md5)" \
	"SELECT count(*) || ' ' || md5(string_agg(customer_id || ':' || a::text, ',' ORDER BY customer_id)) FROM (SELECT customer_id, clientele.activity_summary(ts, customer_initiated, kind, direction, counterparty_bank, amount, '2025-12-31') AS a FROM clientele.transaction GROUP BY customer_id) q"
# the refresh's summary-stage counts: split over the workers, per customer as one node
TXC="clientele.refresh_txn_counts(ts, customer_initiated, kind, channel, '2025-12-31', '2025-01-01', '2025-07-01', '2025-01-01', 'Asia/Shanghai')"
ok "$(agg_split "$TXC")" "1" "refresh_txn_counts is split (worker_partial_agg)"
same "global refresh_txn_counts equals one node's" "SELECT $TXC::text FROM clientele.transaction"
same "refresh_txn_counts per customer (md5)" \
	"SELECT count(*) || ' ' || md5(string_agg(customer_id || ':' || c::text, ',' ORDER BY customer_id)) FROM (SELECT customer_id, $TXC AS c FROM clientele.transaction GROUP BY customer_id) q"
# the refresh's value-stage balance pass: per account (grouped on the balances' distribution column), as one node
same "refresh_balances per account (md5)" \
	"SELECT count(*) || ' ' || md5(string_agg(account_id || ':' || r::text, ',' ORDER BY account_id)) FROM (SELECT account_id, clientele.refresh_balances(account_id, as_of, balance, (SELECT array_agg(account_id ORDER BY account_id) FROM clientele.account WHERE closed_on <= '2025-12-31'), (SELECT array_agg(closed_on ORDER BY account_id) FROM clientele.account WHERE closed_on <= '2025-12-31'), '2025-01-01', '2025-07-01', '2025-09-30', '2025-12-31') AS r FROM clientele.balance WHERE as_of <= '2025-12-31' GROUP BY account_id) q"
ok "$(q $C dist "SELECT count(*) FROM clientele.transaction WHERE float8send(clientele.amount_float8(amount)) <> float8send(amount::float8)")" "0" \
	"amount_float8 on the shards = amount::float8 bit for bit"
p=$(plan "SELECT clientele.mbgnbd_fit((s).frequency, (s).recency, (s).t) FROM ($RFM) q")
ok "$(printf '%s' "$p" | grep 'Query:' | grep -o 'worker_partial_agg' | wc -l)" "1" "mbgnbd_fit over per-customer rfm_summary is split (worker_partial_agg)"
same "global mbgnbd_fit over rfm_summary" "SELECT (SELECT clientele.mbgnbd_fit((s).frequency, (s).recency, (s).t) FROM ($RFM) q)::text"
p=$(plan "SELECT clientele.gini(amount::float8), clientele.rfm_summary(ts, amount::float8, '2025-12-31'::timestamptz) FROM clientele.transaction")
ok "$(printf '%s' "$p" | grep 'Query:' | grep -o 'worker_partial_agg' | wc -l)" "2" "gini and rfm_summary in one SELECT: both split (gini no longer drags rfm_summary into shipping rows)"
raw=$(q $C dist "SELECT count(*) * 8 FROM clientele.transaction WHERE direction = 'in'")
gb=$(state_bytes 'clientele.gini(double precision)' "ROW(round(amount, -2)::float8)" clientele.transaction "WHERE direction = 'in'")
echo "# gini of inflow amounts rounded to 100: partial states $gb bytes for $raw bytes of raw values"
ok "$([ -n "$gb" ] && [ "$gb" -eq "$gb" ] 2>/dev/null && [ "$gb" -lt $((raw / 4)) ] && echo small)" "small" "gini partial states are a fraction of the raw rows (repeated values counted once)"
gr=$(state_bytes 'clientele.gini(double precision)' "ROW(amount::float8)" clientele.transaction "WHERE direction = 'in'")
echo "# gini of raw inflow amounts (mostly distinct): partial states $gr bytes for $raw bytes of raw values"
same "global top_share of payment amounts" "SELECT round(clientele.top_share(amount::float8, 0.1)::numeric, 12) FROM clientele.transaction"
same "avg_daily_balance_split per account (md5)" "SELECT count(*) || ' ' || md5(string_agg(account_id || ':' || a::text, ',' ORDER BY account_id)) FROM (SELECT account_id, clientele.avg_daily_balance_split(as_of, balance, '2025-07-01', '2025-09-30', '2025-12-31') AS a FROM clientele.balance GROUP BY account_id) q"
same "balance_input (the shared balance input: snapshots before closing, zero rows at closed_on) per account (md5)" \
	"SELECT count(*) || ' ' || md5(string_agg(account_id || ':' || a::text || ':' || n, ',' ORDER BY account_id)) FROM (SELECT account_id, clientele.avg_daily_balance_split(as_of, balance, '2025-07-01', '2025-09-30', '2025-12-31') AS a, count(*) FILTER (WHERE snapshot) AS n FROM clientele.balance_input WHERE as_of <= '2025-12-31' GROUP BY account_id HAVING bool_or(snapshot)) q"
same "avg_daily_balance per account (md5)" "SELECT count(*) || ' ' || md5(string_agg(account_id || ':' || a::text, ',' ORDER BY account_id)) FROM (SELECT account_id, clientele.avg_daily_balance(as_of, balance, '2025-10-01', '2025-12-31') AS a FROM clientele.balance GROUP BY account_id) q"
same "global gini of payment amounts" "SELECT round(clientele.gini(amount::float8)::numeric, 12) FROM clientele.transaction"

# --- configuration edited on the coordinator -----------------------------------------
# the same psql session keeps its worker connections (and their compiled tier caches)
EDIT="$TIERS;
	SET statement_timeout = '60s';
	INSERT INTO clientele.tier_scheme (scheme, basis, description, source) VALUES ('citus_test', 'balance', 'test', 'test');
	INSERT INTO clientele.tier_version (scheme, version, valid_from) VALUES ('citus_test', 1, '2000-01-01');
	INSERT INTO clientele.tier_band (scheme, version, rank, label, lower_bound, lower_inclusive, upper_bound, upper_inclusive)
	VALUES ('citus_test', 1, 1, 'low', 0, true, 50000, false), ('citus_test', 1, 2, 'high', 50000, true, NULL, false);
	${TIERS//suzhou_deposit_bands_2012/citus_test};
	INSERT INTO clientele.tier_version (scheme, version, valid_from) VALUES ('citus_test', 2, '2001-01-01');
	INSERT INTO clientele.tier_band (scheme, version, rank, label, lower_bound, lower_inclusive, upper_bound, upper_inclusive)
	VALUES ('citus_test', 2, 1, 'low', 0, true, 10000, false), ('citus_test', 2, 2, 'high', 10000, true, NULL, false);
	${TIERS//suzhou_deposit_bands_2012/citus_test}"
a=$(qs $C dist "$EDIT"); b=$(qs $C single "$EDIT")
ok "$(printf '%s\n' "$a" | sed -n 2p)" "$(printf '%s\n' "$b" | sed -n 2p)" "a tier scheme added on the coordinator is known on the workers"
ok "$(printf '%s\n' "$a" | sed -n 3p)" "$(printf '%s\n' "$b" | sed -n 3p)" "a new version of a scheme added on the coordinator changes the distributed tier counts (workers' cached copies invalidated)"
ok "$(printf '%s\n' "$a" | sed -n 3p | grep -c .)/$([ "$(printf '%s\n' "$a" | sed -n 2p)" != "$(printf '%s\n' "$a" | sed -n 3p)" ] && echo changed)" "1/changed" "... and the counts did change"
BAD="SET statement_timeout = '60s';
	INSERT INTO clientele.tier_version (scheme, version, valid_from) VALUES ('citus_test', 3, '2002-01-01');
	BEGIN;
	INSERT INTO clientele.tier_version (scheme, version, valid_from) VALUES ('citus_test', 4, '2003-01-01');
	INSERT INTO clientele.tier_band (scheme, version, rank, label, lower_bound, lower_inclusive, upper_bound, upper_inclusive)
	VALUES ('citus_test', 4, 1, 'low', 0, true, 10000, false), ('citus_test', 4, 2, 'high', 20000, true, NULL, false);
	COMMIT;"
ok "$(qs $C dist "$BAD" | grep -o 'leave a gap between them' | head -1)" "leave a gap between them" \
	"an invalid tier edit on the coordinator is refused at commit (validated once, on the coordinator's placement)"
ok "$(q $C dist "SELECT count(*) FROM clientele.tier_version WHERE scheme = 'citus_test' AND version = 4")" "0" "... and rolled back on every node"
ok "$(q $C dist "SELECT count(*) FROM pg_trigger WHERE tgname = 'tier_band_valid' AND tgqual IS NOT NULL")" "1" \
	"checking triggers of reference tables carry WHEN (clientele.citus_coordinator())"
q $C dist "DELETE FROM clientele.tier_version WHERE scheme = 'citus_test' AND version = 3" >/dev/null

# --- session TimeZone -------------------------------------------------------------------
# the coordinator's planner hook rewrites rfm_summary over timestamptz to the
# form with an explicit time zone (the session's), so the workers count the
# same calendar days
for tz in Asia/Shanghai America/New_York; do
	TZQ="SET TimeZone = '$tz'; SELECT md5(string_agg(customer_id || ':' || s::text, ',' ORDER BY customer_id)) FROM ($RFM) q"
	ok "$(q $C dist "$TZQ")" "$(q $C single "$TZQ")" "rfm_summary over timestamptz per customer, session TimeZone $tz: same as one node"
	TZ3="SET TimeZone = '$tz'; SELECT md5(string_agg(customer_id || ':' || s::text, ',' ORDER BY customer_id)) FROM (SELECT customer_id, clientele.rfm_summary(ts, amount::float8, '2025-12-31'::timestamptz) AS s FROM clientele.transaction GROUP BY customer_id) q"
	ok "$(q $C dist "$TZ3")" "$(q $C single "$TZ3")" "... the 3-argument form too ($tz)"
	TZG="SET TimeZone = '$tz'; SELECT clientele.rfm_summary(ts, amount::float8, '2025-12-31'::timestamptz, '7 days')::text FROM clientele.transaction"
	ok "$(q $C dist "$TZG")" "$(q $C single "$TZG")" "... a global rfm_summary split over the workers ($tz)"
done
# calendar days and months of the analyses: taken in the coordinator session's
# zone on every node (activity_summary(..., time_zone), AT TIME ZONE in SQL),
# with the workers in UTC
SH="SET TimeZone = 'Asia/Shanghai';"
for f in "customer_features('2025-12-31')" "lifecycle('2025-12-31')" "churn_scores('2025-12-31', 'p_alive')" \
	"churn_scores('2025-12-31')" "profit_contribution('2025-01-01', '2025-12-31')"; do
	same "session TimeZone Asia/Shanghai: clientele.$f: same rows as one node (md5)" \
		"$SH SELECT count(*) || ' ' || md5(string_agg(x::text, ',' ORDER BY x::text)) FROM clientele.$f x"
done
# (churn_scores(..., 'p_alive') runs clientele.churn_p_alive_reasons inlined, so it is named here)
# (a literal zone: current_setting('TimeZone') in the query would run on the workers and read theirs)
same "session TimeZone Asia/Shanghai: activity_summary(..., 'Asia/Shanghai') per customer (md5)" \
	"$SH SELECT count(*) || ' ' || md5(string_agg(customer_id || ':' || a::text, ',' ORDER BY customer_id)) FROM (SELECT customer_id, clientele.activity_summary(ts, customer_initiated, kind, direction, counterparty_bank, amount, '2025-12-31', 'Asia/Shanghai') AS a FROM clientele.transaction GROUP BY customer_id) q"
for db in dist single; do
	printf '%s\n' "SET client_min_messages = warning;" "$SH" "CALL clientele.refresh('2025-12-31');" \
		| "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $C -U postgres -d $db > "$RUN/refresh-tz-$db.out" 2>&1
done
ok "$(cat "$RUN/refresh-tz-dist.out")" "$(grep -v ERROR "$RUN/refresh-tz-single.out")" "CALL clientele.refresh() in session TimeZone Asia/Shanghai runs on the distributed database"
same "after refresh() in Asia/Shanghai: clientele.customer_result equals one node's (md5)" \
	"$SH SELECT count(*) || ' ' || md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM clientele.customer_result x"
ASZ="SELECT count(*) FROM (SELECT customer_id, clientele.activity_summary(ts, customer_initiated, kind, direction, counterparty_bank, amount, '2025-12-31', 'Asia/Shanghai')::text AS a FROM clientele.transaction GROUP BY customer_id EXCEPT SELECT customer_id, clientele.activity_summary(ts, customer_initiated, kind, direction, counterparty_bank, amount, '2025-12-31')::text FROM clientele.transaction GROUP BY customer_id) d"
ok "$(q $C single "$SH $ASZ")" "0" "activity_summary(..., 'Asia/Shanghai') on one node equals the 7-argument form in session TimeZone Asia/Shanghai"
ok "$(q $C single "SET TimeZone = 'UTC'; SELECT ($ASZ) > 0")" "t" "... and differs from it in UTC for some customers (the test data has days that depend on the zone)"
ok "$(q $C single "SET TimeZone = 'Asia/Shanghai'; SELECT md5(string_agg(customer_id || ':' || s::text, ',' ORDER BY customer_id)) FROM ($RFM) q")" \
	"$(q $C single "SELECT md5(string_agg(customer_id || ':' || s::text, ',' ORDER BY customer_id)) FROM (${RFM//"'7 days')"/"'7 days', 'Asia/Shanghai')"}) q")" \
	"rfm_summary(..., time_zone) on one node equals the session-TimeZone form in that zone"
ok "$(plan "SELECT clientele.rfm_summary(ts, amount::float8, '2025-12-31'::timestamptz, '7 days') FROM clientele.transaction" | grep 'Query:' | grep -c "'UTC'::text")" "1" \
	"the workers' query names the session TimeZone"
ok "$(q $C single "SELECT clientele.rfm_summary(ts, amount::float8, '2025-12-31'::timestamptz, '1 day', 'Mars/Olympus') FROM clientele.transaction" | head -1)" \
	"ERROR:  time zone \"Mars/Olympus\" not recognized" "rfm_summary(..., time_zone) rejects an unknown zone"
ok "$(q $C single "SELECT clientele.rfm_summary(ts, amount::float8, '2025-12-31'::timestamptz, '1 day', NULL) FROM clientele.transaction" | head -1)" \
	"ERROR:  time_zone must not be NULL" "... and a NULL zone"

# --- the other public functions a user runs on distributed data ------------------------
# predictions per customer from global fits over the distributed rfm_summary
# (the per-customer part runs on the workers)
PRED="WITH r AS (SELECT customer_id, (s).frequency AS x, (s).recency AS tx, (s).t AS t, (s).monetary AS m FROM ($RFM) q),
	b AS (SELECT clientele.bgnbd_fit(x, tx, t) AS p FROM r), pn AS (SELECT clientele.pareto_nbd_fit(x, tx, t) AS p FROM r),
	mb AS (SELECT clientele.mbgnbd_fit(x, tx, t) AS p FROM r), gg AS (SELECT clientele.gamma_gamma_fit(x, m) AS p FROM r WHERE x > 0)
	SELECT count(*) || ' ' || md5(string_agg(concat_ws(':', r.customer_id,
	       round(clientele.bgnbd_p_alive(b.p, x, tx, t)::numeric, 9), round(clientele.bgnbd_expected_purchases(b.p, 26, x, tx, t)::numeric, 9),
	       round(clientele.bgnbd_purchase_pmf(b.p, t, least(x, 5)::int)::numeric, 9), round(clientele.bgnbd_expected_purchases_new(b.p, t)::numeric, 9),
	       round(clientele.pareto_nbd_p_alive(pn.p, x, tx, t)::numeric, 9), round(clientele.pareto_nbd_expected_purchases(pn.p, 26, x, tx, t)::numeric, 9),
	       round(clientele.pareto_nbd_purchase_pmf(pn.p, t, least(x, 5)::int)::numeric, 9), round(clientele.pareto_nbd_expected_purchases_new(pn.p, t)::numeric, 9),
	       round(clientele.mbgnbd_p_alive(mb.p, x, tx, t)::numeric, 9), round(clientele.mbgnbd_expected_purchases(mb.p, 26, x, tx, t)::numeric, 9),
	       round(clientele.mbgnbd_purchase_pmf(mb.p, t, least(x, 5)::int)::numeric, 9), round(clientele.mbgnbd_expected_purchases_new(mb.p, t)::numeric, 9),
	       round(clientele.gamma_gamma_expected_spend(gg.p, x, greatest(m, 0))::numeric, 9),
	       round(clientele.clv(b.p, gg.p, x, tx, t, greatest(m, 0), 12, 0.01, 4.345)::numeric, 6),
	       round(clientele.clv(mb.p, gg.p, x, tx, t, greatest(m, 0), 12, 0.01, 4.345)::numeric, 6)), ',' ORDER BY r.customer_id))
	FROM r, b, pn, mb, gg"
same "BG/NBD, Pareto/NBD, MBG/NBD, Gamma-Gamma predictions and clv per customer from global fits (md5)" "$PRED"
# months with a customer-initiated transfer in the second half of 2025 (x), the last such month (tx), of n = 6
DISC="SELECT customer_id, count(DISTINCT date_trunc('month', ts AT TIME ZONE 'UTC'))::int AS x, (max(extract(month FROM ts AT TIME ZONE 'UTC'))::int - 6) AS tx
	FROM clientele.transaction WHERE ts >= '2025-07-01' AND ts < '2026-01-01' AND kind = 'transfer' AND customer_initiated GROUP BY customer_id"
BGBB="WITH d AS ($DISC), f AS (SELECT clientele.bgbb_fit(x, tx, 6, 1, 0.1) AS p FROM d)
	SELECT (SELECT p::text FROM f) || ' ' || md5(string_agg(concat_ws(':', d.customer_id, round(clientele.bgbb_p_alive(f.p, x, tx, 6, 2)::numeric, 9),
	       round(clientele.bgbb_expected_transactions(f.p, 4, x, tx, 6)::numeric, 9), round(clientele.bgbb_dert(f.p, 0.05, x, tx, 6)::numeric, 9),
	       round(clientele.bgbb_transaction_pmf(f.p, 6, x)::numeric, 9)), ',' ORDER BY d.customer_id)) FROM d, f"
ok "$(plan "SELECT clientele.bgbb_fit(x, tx, 6, 1, 0.1) FROM ($DISC) d" | grep 'Query:' | grep -c 'worker_partial_agg')" "1" "bgbb_fit over per-customer summaries is split (worker_partial_agg)"
same "bgbb_fit and its predictions per customer (md5)" "$BGBB"
same "sbg_fit and its predictions (survival, retention, churn probability, DERL)" \
	"SELECT concat_ws(' ', p::text, round(clientele.sbg_survival(p, 3)::numeric, 12), round(clientele.sbg_retention_rate(p, 3)::numeric, 12),
	        round(clientele.sbg_churn_probability(p, 3)::numeric, 12), round(clientele.sbg_derl(p, 0.1, 3)::numeric, 9))
	 FROM (SELECT clientele.sbg_fit(1 + (customer_id % 5)::int, amount > 100) AS p FROM clientele.transaction) f"
same "calibration_holdout over the distributed transactions (bgnbd)" \
	"SELECT string_agg(concat_ws(':', x.frequency, x.frequency_label, x.customers, round(x.actual_mean::numeric, 9), round(x.predicted_mean::numeric, 9), x.converged), ',' ORDER BY x.frequency)
	 FROM clientele.calibration_holdout('clientele.transaction', '2025-06-30', '2025-12-31', 'bgnbd') x"
same "tier_rank per customer on the workers, and tier_distribution over a distributed table" \
	"SELECT (SELECT md5(string_agg(customer_id || ':' || coalesce(clientele.tier_rank('suzhou_deposit_bands_2012', total)::text, '-'), ',' ORDER BY customer_id))
	         FROM (SELECT customer_id, sum(amount) AS total FROM clientele.transaction WHERE direction = 'in' GROUP BY customer_id) c)
	 || ' ' || (SELECT string_agg(x::text, ',' ORDER BY x::text) FROM clientele.tier_distribution('suzhou_deposit_bands_2012', 'clientele.transaction', 'amount') x)"
same "regulatory_class and regulatory_class_reasons per customer (md5)" \
	"WITH c AS (SELECT customer_id, sum(amount) * 10 AS total FROM clientele.transaction WHERE direction = 'in' GROUP BY customer_id)
	 SELECT a.h || ' ' || b.h
	 FROM (SELECT md5(string_agg(customer_id || ':' || coalesce(clientele.regulatory_class(total)::text, '-'), ',' ORDER BY customer_id)) AS h FROM c) a,
	      (SELECT md5(string_agg(c.customer_id || ':' || r::text, ',' ORDER BY c.customer_id, r::text)) AS h FROM c, LATERAL clientele.regulatory_class_reasons(c.total) r) b"
same "rfm_segment and rfm_ntile_score over per-customer counts (md5)" \
	"SELECT md5(string_agg(customer_id || ':' || clientele.rfm_ntile_score(n % 7, 7, 5) || ':' || clientele.rfm_segment('rf_grid', 1 + (n % 5)::int, 1 + (n % 3)::int, 3), ',' ORDER BY customer_id))
	 FROM (SELECT customer_id, count(*) AS n FROM clientele.transaction GROUP BY customer_id) c"
same "row-level entry points over customer_features (churn_model_features, churn_scorecard_score, activity_gap) (md5)" \
	"SELECT md5(string_agg(concat_ws(':', (f).customer_id, clientele.churn_model_features(f)::text, clientele.churn_scorecard_score((f).txn_3m, 50),
	        clientele.activity_gap(NULL::bit varying, (f).as_of, (f).as_of)), ',' ORDER BY (f).customer_id))
	 FROM (SELECT x AS f FROM clientele.customer_features('2025-12-31') x) q"
same "local_time per transaction on the workers (md5)" \
	"SELECT md5(string_agg(txn_id || ':' || clientele.local_time(ts AT TIME ZONE 'UTC', 'Asia/Shanghai'), ',' ORDER BY txn_id)) FROM clientele.transaction WHERE customer_id % 50 = 0"
same "clientele.value_lines('2025-01-01', '2025-12-31'): same rows as one node (md5)" \
	"SELECT count(*) || ' ' || md5(string_agg(x::text, ',' ORDER BY x::text)) FROM clientele.value_lines('2025-01-01', '2025-12-31') x"

# --- every public function: run by a check above, or exempt with a reason -------------------
# Each routine of the extension (pg_depend) must be named in this script or
# have been called on a node of the distributed database during this run
# (track_functions = all on every node: functions called inside the analyses),
# unless it supports an aggregate, a type or a trigger of the extension (their
# aggregate / type / table is what the checks run), or it is listed here with
# the reason it has no distributed check.
EXEMPT="config_table_register|configuration writer (the extension's own scripts): registers a config table for pg_dump
cron_check|pg_cron scheduling (needs pg_cron in the database; not a query over bank data)
schedule_refresh|pg_cron scheduling (needs pg_cron in the database; not a query over bank data)
unschedule_refresh|pg_cron scheduling (needs pg_cron in the database; not a query over bank data)
refresh_job_name|pg_cron scheduling (needs pg_cron in the database; not a query over bank data)
use_schema|maps inputs to relations of the bank: refused once the tables are distributed (checked above for use_source)
reapply_sources|re-compiles mapped inputs: refused once the tables are distributed (no mapping is allowed)
sync_keys|key maps of mapped inputs: no mapping is allowed once the tables are distributed
map_code|code maps of mapped inputs: no mapping is allowed once the tables are distributed
map_column|column maps of mapped inputs: no mapping is allowed once the tables are distributed
bank_key|key maps of mapped inputs: no mapping is allowed once the tables are distributed
check_sources|checks mapped inputs: no mapping is allowed once the tables are distributed
check_sources_status|checks mapped inputs: no mapping is allowed once the tables are distributed
source_body|SQL generator of mapped inputs (no mapping once the tables are distributed)
source_canonical_rows|SQL generator of mapped inputs (no mapping once the tables are distributed)
source_check_input|SQL generator of mapped inputs (no mapping once the tables are distributed)
source_check_owner|SQL generator of mapped inputs (no mapping once the tables are distributed)
source_missing|SQL generator of mapped inputs (no mapping once the tables are distributed)
source_quote|SQL generator of mapped inputs (no mapping once the tables are distributed)
source_trusted|SQL generator of mapped inputs (no mapping once the tables are distributed)
source_customer|inlined body of an input view over a mapped relation (not used while unmapped)
source_account|inlined body of an input view over a mapped relation (not used while unmapped)
source_balance|inlined body of an input view over a mapped relation (not used while unmapped)
source_transaction|inlined body of an input view over a mapped relation (not used while unmapped)
source_interaction|inlined body of an input view over a mapped relation (not used while unmapped)
source_income|inlined body of an input view over a mapped relation (not used while unmapped)
demo_customers|rows of the demo generator (generate_demo_bank, run before distribute())
demo_accounts|rows of the demo generator (generate_demo_bank, run before distribute())
demo_balances|rows of the demo generator (generate_demo_bank, run before distribute())
demo_transactions|rows of the demo generator (generate_demo_bank, run before distribute())
demo_interactions|rows of the demo generator (generate_demo_bank, run before distribute())
demo_income|rows of the demo generator (generate_demo_bank, run before distribute())
demo_truth_rows|rows of the demo generator (generate_demo_bank, run before distribute())
distribute_ddl|internal step of distribute() (DDL on every node)
source_compile|generates the input views (at install, and by use_source, refused once the tables are distributed)
version|the extension's version string (no data)
tier_band_within|configuration check of a tier scheme (run by its constraint trigger on the coordinator, checked above)
rfm_segment_validate|configuration check of RFM rules (constraint trigger, coordinator)
in_extension_script|configuration check (is this the extension's own script? guards shipped segment definitions; constraint trigger, coordinator)
recode|code maps of mapped inputs: no mapping is allowed once the tables are distributed"
ROUTINES="WITH r AS (
		SELECT p.oid, p.proname::text AS name FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'clientele'
	), support AS (
		SELECT f AS oid FROM pg_catalog.pg_aggregate a JOIN r ON r.oid = a.aggfnoid,
		LATERAL unnest(ARRAY[a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggserialfn, a.aggdeserialfn]::oid[]) f
		UNION SELECT f FROM pg_catalog.pg_type t
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e',
		LATERAL unnest(ARRAY[t.typinput, t.typoutput, t.typreceive, t.typsend]::oid[]) f
		UNION SELECT t.tgfoid FROM pg_catalog.pg_trigger t UNION SELECT t.evtfoid FROM pg_catalog.pg_event_trigger t
	)
	SELECT DISTINCT r.name FROM r WHERE r.oid NOT IN (SELECT oid FROM support) ORDER BY 1"
called=$(for i in 0 1 2; do q $((BASE + i)) dist "SELECT funcname FROM pg_stat_user_functions WHERE schemaname = 'clientele' AND calls > 0"; done | sort -u)
named=$(sed '/^EXEMPT="/,/"$/d' "$0" | grep -oE '(clientele\.[a-z_0-9]+|\b[a-z_][a-z_0-9]*\()' | sed 's/^clientele\.//; s/($//' | sort -u)
routines=$(q $C dist "$ROUTINES")
exempt=$(printf '%s\n' "$EXEMPT" | cut -d'|' -f1 | sort -u)
uncovered=$(printf '%s\n' "$routines" | grep -vxF -f <(printf '%s\n%s\n%s\n' "$called" "$named" "$exempt") | paste -sd' ')
echo "# $(printf '%s\n' "$routines" | grep -c .) routines (support functions of aggregates, types and triggers aside): $(printf '%s\n' "$routines" | grep -cxF -f <(printf '%s\n' "$named")) named by a check, $(printf '%s\n' "$routines" | grep -vxF -f <(printf '%s\n' "$named") | grep -cxF -f <(printf '%s\n' "$called")) more called on the distributed database, $(printf '%s\n' "$routines" | grep -vxF -f <(printf '%s\n%s\n' "$named" "$called") | grep -cxF -f <(printf '%s\n' "$exempt")) exempt"
ok "$([ -n "$routines" ] && echo "$uncovered")" "" "every public function of the extension is covered by a Citus check (named or called on the distributed database) or exempt with a reason"
ok "$(printf '%s\n' "$exempt" | grep -vxF -f <(printf '%s\n' "$routines") | paste -sd' ')" "" "... and every exemption names a routine of the extension"
ok "$(printf '%s\n' "$exempt" | grep -xF -f <(printf '%s\n' "$called") | paste -sd' ')" "" "... that no check ran (an exemption that a check now covers is dropped)"

echo "1..$n"
exit $failed
