-- area: features (see docs/lifecycle.md)
-- ===========================================================================
-- Per-customer behavioural features as of a date, shared by the lifecycle
-- stages, the churn warning signals and the churn scores: one row per
-- customer, computed from the input views clientele.in_* in one aggregation
-- pass per input, using no row dated after as_of.  Plus the as-of guard every
-- as-of analysis of this family runs first (clientele.check_as_of).
-- Windows (inclusive, by calendar months, m = interval 'n months'):
--   last 3 months      [as_of - 3m + 1 day, as_of]
--   3 months before    [as_of - 6m + 1 day, as_of - 3m]
--   last 6 months      [as_of - 6m + 1 day, as_of]
--   6 months before    [as_of - 12m + 1 day, as_of - 6m]
-- A transaction's day is its ts in the session time zone (as everywhere in
-- clientele).  Activity = customer-initiated transactions only.
-- ===========================================================================

CREATE FUNCTION clientele.check_as_of(as_of date) RETURNS date
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	v_lag integer;
	v_newest date;
BEGIN
	PERFORM clientele.check_date(as_of, 'as_of');
	v_lag := clientele.as_of_max_lag_days();
	-- cheapest first: the newest balance snapshot (indexed); the other inputs
	-- are only read when that one alone would reject the date
	SELECT max(b.as_of) INTO v_newest FROM clientele.in_balance b;
	IF v_newest IS NOT NULL AND as_of - v_newest <= v_lag THEN
		RETURN v_newest;
	END IF;
	SELECT max(d) INTO v_newest FROM (
		SELECT v_newest AS d
		UNION ALL SELECT max(greatest(c.opened_on, c.closed_on)) FROM clientele.in_customer c
		UNION ALL SELECT max(greatest(a.opened_on, a.closed_on)) FROM clientele.in_account a
		UNION ALL SELECT max(t.ts)::date FROM clientele.in_transaction t
		UNION ALL SELECT max(i.ts)::date FROM clientele.in_interaction i) x;
	IF v_newest IS NOT NULL AND as_of - v_newest > v_lag THEN
		RAISE EXCEPTION 'as_of % is % days after the newest input row (%), more than % days', as_of, as_of - v_newest, v_newest, v_lag
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'An analysis as of a date the inputs have not reached would extrapolate silently (every customer would look inactive).',
			      HINT = 'Load the inputs up to the date, pick an earlier as_of, or raise the setting clientele.as_of_max_lag_days.';
	END IF;
	RETURN v_newest;
END $$;
COMMENT ON FUNCTION clientele.check_as_of(date) IS
	'As-of guard of the lifecycle, signal, churn, value (clientele.aum, clientele.value_lines and the analyses over it) and RFM (clientele.rfm_scores) analyses: the checks of clientele.check_date (ERROR 22004 for a NULL date, 22023 for an infinite one or one outside 0001-01-01 .. 9999-12-31), then 22023 with a hint when as_of is more than clientele.as_of_max_lag_days (a setting, default 31, read by clientele.as_of_max_lag_days()) days after the newest row of the inputs (balance snapshot, customer or account opened/closed, transaction, interaction), so that a refresh run before the day''s load works while a date far beyond the data is rejected. Returns the newest input date it found (NULL for empty inputs; when the newest balance snapshot alone is close enough, that date).';

-- the longest gap between customer-initiated transaction days that ended in a window
CREATE FUNCTION clientele.activity_gap(days bit varying, first_day date, last_before date,
	OUT gap_days integer, OUT gap_started_on date, OUT gap_ended_on date)
RETURNS record
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_activity_gap';
COMMENT ON FUNCTION clientele.activity_gap(bit varying, date, date) IS
	'Longest gap between consecutive activity days that ended on a day of the window: bit i of days (0 = leftmost, as set_bit numbers them) says whether first_day + i was an activity day; the previous activity day of the first one in the window is last_before (the last one before the window, NULL if none). gap_days = gap_ended_on - gap_started_on; the latest gap wins a tie; all NULL when no day of the window has a predecessor (or days is NULL).';

-- one pass over a customer's transactions for every transaction-window feature
CREATE TYPE clientele.activity_state;

CREATE FUNCTION clientele.activity_state_in(cstring) RETURNS clientele.activity_state
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_activity_state_in';
COMMENT ON FUNCTION clientele.activity_state_in(cstring) IS
	'Input function of clientele.activity_state: "act1:" and the hex of the binary form, every invariant checked.';
CREATE FUNCTION clientele.activity_state_out(clientele.activity_state) RETURNS cstring
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_activity_state_out';
COMMENT ON FUNCTION clientele.activity_state_out(clientele.activity_state) IS
	'Output function of clientele.activity_state: "act1:" and the hex of the binary form.';
CREATE FUNCTION clientele.activity_state_recv(internal) RETURNS clientele.activity_state
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_activity_state_recv';
COMMENT ON FUNCTION clientele.activity_state_recv(internal) IS
	'Binary input of clientele.activity_state (network byte order, version 1), every invariant checked.';
CREATE FUNCTION clientele.activity_state_send(clientele.activity_state) RETURNS bytea
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_activity_state_send';
COMMENT ON FUNCTION clientele.activity_state_send(clientele.activity_state) IS
	'Binary output of clientele.activity_state (network byte order, version 1).';
CREATE TYPE clientele.activity_state (
	INPUT = clientele.activity_state_in,
	OUTPUT = clientele.activity_state_out,
	RECEIVE = clientele.activity_state_recv,
	SEND = clientele.activity_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = plain
);
COMMENT ON TYPE clientele.activity_state IS
	'Partial state of clientele.activity_summary: as_of, customer-initiated transactions counted per window (last 3 months, the 3 before, the 6 before the last 6), the latest one and the latest one before the 12 months, and the activity days of the last 12 months as a bitmap; merges exactly (combine order does not matter).';

CREATE TYPE clientele.activity_summary AS (
	last_txn_on     date,
	txn_3m          integer,
	txn_prev_3m     integer,
	txn_6m          integer,
	txn_prev_6m     integer,
	gap_days        integer,
	gap_started_on  date,
	gap_ended_on    date,
	transfer_out_3m       numeric,
	transfer_out_prev_3m  numeric,
	other_bank_out_3m     numeric,
	gaps                  daterange[]
);
COMMENT ON TYPE clientele.activity_summary IS 'Result of clientele.activity_summary: the transaction-window features of one customer (columns of the same name in clientele.customer_features).';
COMMENT ON COLUMN clientele.activity_summary.last_txn_on IS 'As clientele.customer_features.last_txn_on.';
COMMENT ON COLUMN clientele.activity_summary.txn_3m IS 'As clientele.customer_features.txn_3m.';
COMMENT ON COLUMN clientele.activity_summary.txn_prev_3m IS 'As clientele.customer_features.txn_prev_3m.';
COMMENT ON COLUMN clientele.activity_summary.txn_6m IS 'As clientele.customer_features.txn_6m.';
COMMENT ON COLUMN clientele.activity_summary.txn_prev_6m IS 'As clientele.customer_features.txn_prev_6m.';
COMMENT ON COLUMN clientele.activity_summary.gap_days IS 'As clientele.customer_features.gap_days (the latest of equal gaps).';
COMMENT ON COLUMN clientele.activity_summary.gap_started_on IS 'As clientele.customer_features.gap_started_on.';
COMMENT ON COLUMN clientele.activity_summary.gap_ended_on IS 'As clientele.customer_features.gap_ended_on.';
COMMENT ON COLUMN clientele.activity_summary.transfer_out_3m IS 'As clientele.customer_features.transfer_out_3m, but NULL when there is none; the exact sum, with as many decimals as the amounts (as sum(numeric)).';
COMMENT ON COLUMN clientele.activity_summary.transfer_out_prev_3m IS 'As clientele.customer_features.transfer_out_prev_3m, NULL when there is none.';
COMMENT ON COLUMN clientele.activity_summary.other_bank_out_3m IS 'As clientele.customer_features.other_bank_out_3m, NULL when there is none.';
COMMENT ON COLUMN clientele.activity_summary.gaps IS 'As clientele.customer_features.gaps.';

CREATE FUNCTION clientele.activity_trans(clientele.activity_state, timestamptz, boolean, text, text, text, numeric, date)
RETURNS clientele.activity_state
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_activity_trans';
COMMENT ON FUNCTION clientele.activity_trans(clientele.activity_state, timestamptz, boolean, text, text, text, numeric, date) IS
	'Transition function of clientele.activity_summary (counts the transaction in its window, marks its day, adds an outgoing transfer to its sums; STABLE: days are taken in the session time zone).';
CREATE FUNCTION clientele.activity_combine(clientele.activity_state, clientele.activity_state)
RETURNS clientele.activity_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_activity_combine';
COMMENT ON FUNCTION clientele.activity_combine(clientele.activity_state, clientele.activity_state) IS
	'Combine function of clientele.activity_summary: counts add, activity days join, latest transactions are maxima (exact, in any order).';
CREATE FUNCTION clientele.activity_final(clientele.activity_state) RETURNS clientele.activity_summary
LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_activity_final';
COMMENT ON FUNCTION clientele.activity_final(clientele.activity_state) IS
	'Final function of clientele.activity_summary: the counts, the day of the last transaction, the longest gap ended in the last 12 months and every gap of at least 28 days ended in them (STABLE: session time zone).';

CREATE AGGREGATE clientele.activity_summary(ts timestamptz, customer_initiated boolean, kind text, direction text,
                                           counterparty_bank text, amount numeric, as_of date) (
	SFUNC = clientele.activity_trans,
	STYPE = clientele.activity_state,
	FINALFUNC = clientele.activity_final,
	COMBINEFUNC = clientele.activity_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.activity_summary(timestamptz, boolean, text, text, text, numeric, date) IS
	'The transaction-window features of one customer as of a date, in one pass over its transactions (clientele.customer_features): customer-initiated transactions (customer_initiated true; NULL counts as false) on or before as_of counted in the last 3 months, the 3 before, the last 6 and the 6 before (windows as in docs/lifecycle.md, days in the session time zone), the day of the last one, the longest gap between them that ended in the last 12 months and every gap of at least 28 days that did (gaps), and the exact sums of the outgoing transfers (kind ''transfer'', direction ''out''): customer-initiated ones of the last 3 months and the 3 before, those with a counterparty_bank of the last 3 months (ERROR 22003 for an amount with more than 18 decimals or a sum beyond 128 bits). Rows after as_of or with a NULL ts are ignored. as_of must be the same for every row of a group (ERROR 22023). Parallel safe with an exact combine function and a portable state type (clientele.activity_state). Empty input gives NULL; a group without customer-initiated transactions gives zero counts and NULL dates.';

-- the same with calendar days in a named zone (the same answer on every Citus node)
CREATE FUNCTION clientele.activity_trans(clientele.activity_state, timestamptz, boolean, text, text, text, numeric, date, text)
RETURNS clientele.activity_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_activity_trans_zone';
COMMENT ON FUNCTION clientele.activity_trans(clientele.activity_state, timestamptz, boolean, text, text, text, numeric, date, text) IS
	'Transition function of clientele.activity_summary(..., as_of, time_zone): as the other form with calendar days taken in time_zone (the state holds wall-clock times of time_zone; ERROR 22023 for a NULL or unknown zone).';
CREATE FUNCTION clientele.activity_final_zone(clientele.activity_state) RETURNS clientele.activity_summary
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_activity_final_zone';
COMMENT ON FUNCTION clientele.activity_final_zone(clientele.activity_state) IS
	'Final function of clientele.activity_summary(..., as_of, time_zone): as clientele.activity_final on the wall-clock times of the state (independent of the session TimeZone).';

CREATE AGGREGATE clientele.activity_summary(ts timestamptz, customer_initiated boolean, kind text, direction text,
                                           counterparty_bank text, amount numeric, as_of date, time_zone text) (
	SFUNC = clientele.activity_trans,
	STYPE = clientele.activity_state,
	FINALFUNC = clientele.activity_final_zone,
	COMBINEFUNC = clientele.activity_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.activity_summary(timestamptz, boolean, text, text, text, numeric, date, text) IS
	'clientele.activity_summary with calendar days (windows, activity days, the day of the last transaction) taken in time_zone (a name of pg_timezone_names) whatever the session TimeZone: the same answer on every node of a Citus cluster; with time_zone = current_setting(''TimeZone'') the same answer as the 7-argument form. time_zone must be the same for every row of a group; ERROR 22023 for a NULL or unknown zone. Used by clientele.customer_features.';

-- the three balance windows of an account in one pass (avg_daily_balance over
-- [window_from, split] and [split + 1, window_to], and the balance on split)
CREATE TYPE clientele.adb_split_state;

CREATE FUNCTION clientele.adb_split_state_in(cstring) RETURNS clientele.adb_split_state
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_adb_split_state_in';
COMMENT ON FUNCTION clientele.adb_split_state_in(cstring) IS
	'Input function of clientele.adb_split_state: "cladbs1:" and the hex of the binary form, every invariant checked.';
CREATE FUNCTION clientele.adb_split_state_out(clientele.adb_split_state) RETURNS cstring
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_adb_split_state_out';
COMMENT ON FUNCTION clientele.adb_split_state_out(clientele.adb_split_state) IS
	'Output function of clientele.adb_split_state: "cladbs1:" and the hex of the binary form.';
CREATE FUNCTION clientele.adb_split_state_recv(internal) RETURNS clientele.adb_split_state
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_adb_split_state_recv';
COMMENT ON FUNCTION clientele.adb_split_state_recv(internal) IS
	'Binary input of clientele.adb_split_state (little-endian, version 1), every invariant checked.';
CREATE FUNCTION clientele.adb_split_state_send(clientele.adb_split_state) RETURNS bytea
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_adb_split_state_send';
COMMENT ON FUNCTION clientele.adb_split_state_send(clientele.adb_split_state) IS
	'Binary output of clientele.adb_split_state (little-endian; the state''s own bytes).';
CREATE TYPE clientele.adb_split_state (
	INPUT = clientele.adb_split_state_in,
	OUTPUT = clientele.adb_split_state_out,
	RECEIVE = clientele.adb_split_state_recv,
	SEND = clientele.adb_split_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE clientele.adb_split_state IS
	'Partial state of clientele.avg_daily_balance_split: a clientele.adb_state over [window_from, window_to + 1] in which the days after split are stored one day later (so that no run of consecutive days joins the two windows), with the split day in its reserved field; little-endian, versioned; merges exactly.';

CREATE TYPE clientele.adb_split AS (
	before_split  numeric,
	after_split   numeric,
	on_split      numeric
);
COMMENT ON TYPE clientele.adb_split IS 'Result of clientele.avg_daily_balance_split.';
COMMENT ON COLUMN clientele.adb_split.before_split IS 'avg_daily_balance over [window_from, split].';
COMMENT ON COLUMN clientele.adb_split.after_split IS 'avg_daily_balance over [split + 1, window_to].';
COMMENT ON COLUMN clientele.adb_split.on_split IS 'avg_daily_balance over [split, split]: the balance on split (the latest snapshot on or before it, to the cent; 0.00 when none).';

CREATE FUNCTION clientele.adb_split_trans(clientele.adb_split_state, date, numeric, date, date, date)
RETURNS clientele.adb_split_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_adbs_trans';
COMMENT ON FUNCTION clientele.adb_split_trans(clientele.adb_split_state, date, numeric, date, date, date) IS
	'Transition function of clientele.avg_daily_balance_split (aggregate use only): the transition of avg_daily_balance over [window_from, window_to + 1], a day after split moved one day later.';
CREATE FUNCTION clientele.adb_split_combine(clientele.adb_split_state, clientele.adb_split_state)
RETURNS clientele.adb_split_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_adbs_combine';
COMMENT ON FUNCTION clientele.adb_split_combine(clientele.adb_split_state, clientele.adb_split_state) IS
	'Combine function of clientele.avg_daily_balance_split (aggregate use only): merges the runs of two partial states in day order, exactly (the combine of avg_daily_balance).';
CREATE FUNCTION clientele.adb_split_final(clientele.adb_split_state) RETURNS clientele.adb_split
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_adbs_final';
COMMENT ON FUNCTION clientele.adb_split_final(clientele.adb_split_state) IS
	'Final function of clientele.avg_daily_balance_split: the two averages and the balance on split, each rounded half away from zero to the cent.';

CREATE AGGREGATE clientele.avg_daily_balance_split(day date, balance numeric, window_from date, split date, window_to date) (
	SFUNC = clientele.adb_split_trans,
	STYPE = clientele.adb_split_state,
	SSPACE = 64,
	FINALFUNC = clientele.adb_split_final,
	COMBINEFUNC = clientele.adb_split_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.avg_daily_balance_split(date, numeric, date, date, date) IS
	'One pass for three clientele.avg_daily_balance results of one account (clientele.customer_features): before_split = avg_daily_balance(day, balance, window_from, split), after_split = avg_daily_balance(day, balance, split + 1, window_to), on_split = avg_daily_balance(day, balance, split, split), equal to them exactly (same rules: carry, days before the first snapshot count as 0, cents, half away from zero). window_from <= split < window_to (ERROR 22023), window_to before the last valid date, the same for every row of a group (22023); one snapshot per day (22023); NULL day or balance rows are ignored; empty input gives NULL. Parallel safe with an exact combine and a portable state (clientele.adb_split_state).';

-- The balance input of the value analyses (customer_features, value_lines,
-- refresh) in one place, reading the balances once: every snapshot of an
-- account before its closed_on (all of them while it has none), and for
-- every account with a closed_on a zero row at closed_on (its balance is 0
-- from that day on, that day included, as aum(), closing snapshot or not),
-- taken from the account input instead of a second pass over the balances.
-- A snapshot on or after closed_on is never used, whatever the as_of: when
-- closed_on <= as_of it is replaced by the zero, and otherwise it is after
-- as_of.  So a caller only keeps the rows on or before its as_of (the zero
-- row of an account closed after as_of goes with them: point in time) and
-- aggregates per account with HAVING bool_or(snapshot): an account closed
-- with no snapshot before its closed_on has only the zero row and is left
-- out, as if it had no balance.
-- A view (security_invoker: the caller's rights on the input views), not a
-- function: Citus plans a view's subqueries over the distributed tables
-- like the callers' own, where it cannot plan the queries of a SQL function.
CREATE VIEW clientele.balance_input WITH (security_invoker = true) AS
SELECT b.account_id, b.as_of, b.balance, true AS snapshot
FROM clientele.in_balance b
LEFT JOIN (SELECT a.account_id, pg_catalog.min(a.closed_on) AS closed_on
           FROM clientele.in_account a
           WHERE a.closed_on IS NOT NULL AND a.account_id IS NOT NULL
           GROUP BY a.account_id) k ON k.account_id OPERATOR(pg_catalog.=) b.account_id
WHERE k.closed_on IS NULL OR b.as_of OPERATOR(pg_catalog.<) k.closed_on
UNION ALL
SELECT a.account_id, pg_catalog.min(a.closed_on), 0::pg_catalog.numeric, false
FROM clientele.in_account a
WHERE a.closed_on IS NOT NULL AND a.account_id IS NOT NULL
GROUP BY a.account_id;
COMMENT ON VIEW clientele.balance_input IS
	'Internal: the balance input of clientele.customer_features, clientele.value_lines and clientele.refresh, read once: the snapshots of clientele.in_balance dated before their account''s closed_on (every snapshot of an account without one), and a zero row at closed_on for every account of clientele.in_account with a closed_on (the earliest when the input repeats the account), so that a closed account''s balance is 0 from its closed_on on (that day included, as clientele.aum), with or without a closing zero snapshot. Callers keep the rows on or before their as_of and aggregate per account keeping the accounts with a snapshot (HAVING bool_or(snapshot)): an account with no snapshot before its closing has no balance. security_invoker.';
COMMENT ON COLUMN clientele.balance_input.account_id IS 'Account (NULL when the balance input has a NULL account_id).';
COMMENT ON COLUMN clientele.balance_input.as_of IS 'Day of the snapshot; closed_on for a zero row.';
COMMENT ON COLUMN clientele.balance_input.balance IS 'Balance at the end of the day; 0 for a zero row.';
COMMENT ON COLUMN clientele.balance_input.snapshot IS 'true for a snapshot of the balance input, false for the zero row at closed_on.';

-- The balance pass of clientele.refresh's value stage in one aggregate per
-- account (src/value.c): both balance windows from one set of runs, and the
-- account's closed_on applied per account instead of per snapshot (the
-- rows of in_balance with their account's closed_on give what
-- balance_input gives).
CREATE TYPE clientele.refresh_balances AS (
	adb           numeric,
	latest        numeric,
	snapshots     bigint,
	before_split  numeric,
	after_split   numeric,
	on_split      numeric
);
COMMENT ON TYPE clientele.refresh_balances IS 'Result of clientele.refresh_balances: one account''s balance figures of the refresh''s value stage.';
COMMENT ON COLUMN clientele.refresh_balances.adb IS 'avg_daily_balance over [period_from, as_of] (before_split of avg_daily_balance_split(day, balance, period_from, as_of, as_of + 1)).';
COMMENT ON COLUMN clientele.refresh_balances.latest IS 'The balance on as_of: the latest snapshot on or before it (0 from closed_on on), to the cent; 0.00 when none.';
COMMENT ON COLUMN clientele.refresh_balances.snapshots IS 'Rows with a day on or before as_of and before closed_on (NULL balances included): count(*) FILTER (WHERE snapshot) over clientele.balance_input.';
COMMENT ON COLUMN clientele.refresh_balances.before_split IS 'avg_daily_balance over [window_from, split].';
COMMENT ON COLUMN clientele.refresh_balances.after_split IS 'avg_daily_balance over [split + 1, as_of].';
COMMENT ON COLUMN clientele.refresh_balances.on_split IS 'The balance on split (the latest snapshot on or before it, to the cent; 0.00 when none).';

CREATE FUNCTION clientele.refresh_balances_trans(internal, bigint, date, numeric, bigint[], date[], date, date, date, date)
RETURNS internal
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_refresh_balances_trans';
COMMENT ON FUNCTION clientele.refresh_balances_trans(internal, bigint, date, numeric, bigint[], date[], date, date, date, date) IS
	'Transition function of clientele.refresh_balances (aggregate use only): looks up the account''s closed_on once per group, then keeps the snapshots before it and on or before as_of as runs of consecutive days that never cross a window boundary, and the latest one before both windows.';
CREATE FUNCTION clientele.refresh_balances_combine(internal, internal)
RETURNS internal
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_refresh_balances_combine';
COMMENT ON FUNCTION clientele.refresh_balances_combine(internal, internal) IS
	'Combine function of clientele.refresh_balances (aggregate use only): merges the runs of two partial states in day order, exactly.';
CREATE FUNCTION clientele.refresh_balances_serial(internal)
RETURNS bytea
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_refresh_balances_serial';
COMMENT ON FUNCTION clientele.refresh_balances_serial(internal) IS
	'Serial function of clientele.refresh_balances (between parallel workers of one server): the windows, the carry, the row count and the packed runs.';
CREATE FUNCTION clientele.refresh_balances_deserial(bytea, internal)
RETURNS internal
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_refresh_balances_deserial';
COMMENT ON FUNCTION clientele.refresh_balances_deserial(bytea, internal) IS
	'Deserial function of clientele.refresh_balances: the state of clientele.refresh_balances_serial, sizes checked.';
CREATE FUNCTION clientele.refresh_balances_final(internal)
RETURNS clientele.refresh_balances
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_refresh_balances_final';
COMMENT ON FUNCTION clientele.refresh_balances_final(internal) IS
	'Final function of clientele.refresh_balances: the zero from closed_on on, then the two windows'' averages and balances, each rounded half away from zero to the cent.';
CREATE AGGREGATE clientele.refresh_balances(account_id bigint, day date, balance numeric, closed_accounts bigint[],
                                           closed_on date[], period_from date, window_from date, split date, as_of date) (
	SFUNC = clientele.refresh_balances_trans,
	STYPE = internal,
	SSPACE = 160,
	FINALFUNC = clientele.refresh_balances_final,
	COMBINEFUNC = clientele.refresh_balances_combine,
	SERIALFUNC = clientele.refresh_balances_serial,
	DESERIALFUNC = clientele.refresh_balances_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.refresh_balances(bigint, date, numeric, bigint[], date[], date, date, date, date) IS
	'Internal (the value stage of clientele.refresh): one account''s balance figures in one pass over its rows of clientele.in_balance (GROUP BY account_id), equal to avg_daily_balance_split(as_of, balance, period_from, as_of, as_of + 1) (adb = before_split, latest = on_split), count(*) FILTER (WHERE snapshot) and avg_daily_balance_split(as_of, balance, window_from, split, as_of) over the rows of clientele.balance_input of that account with as_of on or before as_of. The account''s closed_on is the element of closed_on at the position of account_id in closed_accounts (strictly increasing, no NULLs, one-dimensional, as long as closed_on: ERROR 22023 / 22004 otherwise; the same arrays for every row), looked up once per group: a row on or after closed_on is left out and the balance is 0 from closed_on on (that day included) when closed_on <= as_of; an account not in closed_accounts, or a NULL account_id, is open. period_from <= as_of, window_from <= split < as_of (ERROR 22023), all finite and, with account_id, the same for every row of a group (22023); one snapshot per day (22023); rows with a NULL day are ignored, rows with a NULL balance only counted; empty input gives NULL. Parallel safe (combine, serial and deserial functions; the state is internal).';

CREATE TYPE clientele.customer_features AS (
	customer_id                 bigint,
	as_of                       date,
	relationship_manager        text,
	region                      text,
	branch                      text,
	customer_opened_on          date,
	customer_closed             boolean,
	customer_closed_on          date,
	first_account_opened_on     date,
	tenure_days                 integer,
	accounts_ever               integer,
	accounts_open               integer,
	accounts_open_6m_ago        integer,
	products_open               integer,
	products_open_6m_ago        integer,
	last_txn_on                 date,
	txn_3m                      integer,
	txn_prev_3m                 integer,
	txn_6m                      integer,
	txn_prev_6m                 integer,
	gap_days                    integer,
	gap_started_on              date,
	gap_ended_on                date,
	aum_3m                      numeric,
	aum_prev_3m                 numeric,
	aum_3m_ago                  numeric,
	transfer_out_3m             numeric,
	transfer_out_prev_3m        numeric,
	other_bank_out_3m           numeric,
	address_changes_3m          integer,
	complaints_6m               integer,
	rm_contacts_6m              integer,
	has_rm                      boolean,
	td_matured_3m               integer,
	td_not_rolled_3m            integer,
	td_not_rolled_on            date,
	gaps                        daterange[]
);
COMMENT ON TYPE clientele.customer_features IS 'One customer''s behavioural features as of a date (clientele.customer_features); windows as described in docs/lifecycle.md.';
COMMENT ON COLUMN clientele.customer_features.customer_id IS 'Customer.';
COMMENT ON COLUMN clientele.customer_features.as_of IS 'The date the features are as of (every window ends on it, inclusive).';
COMMENT ON COLUMN clientele.customer_features.relationship_manager IS 'Relationship manager (from clientele.in_customer).';
COMMENT ON COLUMN clientele.customer_features.region IS 'Region.';
COMMENT ON COLUMN clientele.customer_features.branch IS 'Home branch.';
COMMENT ON COLUMN clientele.customer_features.customer_opened_on IS 'Date the relationship began (customer.opened_on, <= as_of).';
COMMENT ON COLUMN clientele.customer_features.customer_closed IS 'Whether the customer was closed on or before as_of (a later closing date is not known yet as of as_of).';
COMMENT ON COLUMN clientele.customer_features.customer_closed_on IS 'Closing date when it is on or before as_of, else NULL.';
COMMENT ON COLUMN clientele.customer_features.first_account_opened_on IS 'Opening date of the first account opened on or before as_of; NULL when none (a prospect).';
COMMENT ON COLUMN clientele.customer_features.tenure_days IS 'as_of - first_account_opened_on (days); NULL for a prospect.';
COMMENT ON COLUMN clientele.customer_features.accounts_ever IS 'Accounts opened on or before as_of.';
COMMENT ON COLUMN clientele.customer_features.accounts_open IS 'Accounts open on as_of (opened on or before it, not closed on or before it).';
COMMENT ON COLUMN clientele.customer_features.accounts_open_6m_ago IS 'Accounts open on as_of - 6 months.';
COMMENT ON COLUMN clientele.customer_features.products_open IS 'Distinct product types among the accounts open on as_of ("open products").';
COMMENT ON COLUMN clientele.customer_features.products_open_6m_ago IS 'Distinct product types among the accounts open on as_of - 6 months.';
COMMENT ON COLUMN clientele.customer_features.last_txn_on IS 'Day of the last customer-initiated transaction on or before as_of; NULL when none.';
COMMENT ON COLUMN clientele.customer_features.txn_3m IS 'Customer-initiated transactions in the last 3 months.';
COMMENT ON COLUMN clientele.customer_features.txn_prev_3m IS 'Customer-initiated transactions in the 3 months before those.';
COMMENT ON COLUMN clientele.customer_features.txn_6m IS 'Customer-initiated transactions in the last 6 months.';
COMMENT ON COLUMN clientele.customer_features.txn_prev_6m IS 'Customer-initiated transactions in the 6 months before those.';
COMMENT ON COLUMN clientele.customer_features.gap_days IS 'Longest gap (days) without a customer-initiated transaction that ended with one in the last 12 months (measured from the previous customer-initiated transaction, which may be older); NULL when no transaction of the last 12 months had a predecessor.';
COMMENT ON COLUMN clientele.customer_features.gap_started_on IS 'Day of the transaction before that gap.';
COMMENT ON COLUMN clientele.customer_features.gap_ended_on IS 'Day of the transaction that ended that gap.';
COMMENT ON COLUMN clientele.customer_features.aum_3m IS 'AUM over the last 3 months: the sum over the accounts whose product type counts in AUM (product_type.counts_in_aum) of their time-weighted average daily balance (clientele.avg_daily_balance) in the window, each account''s average floored at 0.';
COMMENT ON COLUMN clientele.customer_features.aum_prev_3m IS 'AUM over the 3 months before those (same definition).';
COMMENT ON COLUMN clientele.customer_features.aum_3m_ago IS 'AUM on the day as_of - 3 months: the latest balance on or before that day of each counting account open on it, floored at 0, summed.';
COMMENT ON COLUMN clientele.customer_features.transfer_out_3m IS 'Amount of outgoing customer-initiated transfers (kind transfer, direction out) in the last 3 months.';
COMMENT ON COLUMN clientele.customer_features.transfer_out_prev_3m IS 'The same in the 3 months before.';
COMMENT ON COLUMN clientele.customer_features.other_bank_out_3m IS 'Amount of outgoing transfers to another bank (kind transfer, direction out, counterparty_bank not NULL) in the last 3 months, customer-initiated or not.';
COMMENT ON COLUMN clientele.customer_features.address_changes_3m IS 'Interactions of kind address_change in the last 3 months.';
COMMENT ON COLUMN clientele.customer_features.complaints_6m IS 'Interactions of kind complaint or service_failure in the last 6 months.';
COMMENT ON COLUMN clientele.customer_features.rm_contacts_6m IS 'Interactions of kind rm_contact in the last 6 months.';
COMMENT ON COLUMN clientele.customer_features.has_rm IS 'Whether the customer has a relationship manager.';
COMMENT ON COLUMN clientele.customer_features.td_matured_3m IS 'Time deposits (product type time_deposit) whose maturity date is in the last 3 months and that were closed on or before as_of (not renewed in the same account).';
COMMENT ON COLUMN clientele.customer_features.td_not_rolled_3m IS 'Those of td_matured_3m with no other time deposit of the customer opened within 14 days of the maturity date (before or after, on or before as_of).';
COMMENT ON COLUMN clientele.customer_features.td_not_rolled_on IS 'Latest maturity date among td_not_rolled_3m; NULL when none.';
COMMENT ON COLUMN clientele.customer_features.gaps IS 'Every gap of at least 28 days (so every gap that can last a calendar month) without a customer-initiated transaction that ended with one in the last 12 months, oldest first, each as the range of the days without one: [day after the transaction before it, day of the transaction that ended it), so upper(r) is its gap_ended_on and upper(r) - lower(r) + 1 its gap_days; NULL when none. The reactivation rule of clientele.lifecycle_classify tests every one of them (exact for any reactivation_window_months).';

CREATE FUNCTION clientele.customer_features_from(as_of date, activity regclass, balances regclass,
                                                 accounts regclass DEFAULT NULL)
RETURNS SETOF clientele.customer_features
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 100000 SET search_path = pg_catalog, pg_temp SET jit = off
-- no nested loop: the planner cannot estimate the balance pass (a grouped
-- UNION ALL view, 100 rows for one per account) and probed the accounts'
-- index once per account instead of hashing them
SET enable_nestloop = off AS $$
#variable_conflict use_variable
DECLARE
	d3 date;      -- as_of - 3 months: last day of the window before the last 3 months
	d6 date;
	d12 date;
	ts_end timestamptz;   -- start of the day after as_of
	t3 timestamptz;       -- start of the last 3 months
	t6 timestamptz;       -- start of the last 6 months
	v_zone text := pg_catalog.current_setting('TimeZone');  -- calendar days of the coordinator's session on every node
BEGIN
	PERFORM clientele.check_as_of(as_of);
	d3 := (as_of - interval '3 months')::date;
	d6 := (as_of - interval '6 months')::date;
	d12 := (as_of - interval '12 months')::date;
	ts_end := (as_of + 1)::timestamptz;
	t3 := (d3 + 1)::timestamptz;
	t6 := (d6 + 1)::timestamptz;
	-- the pass over the transactions and the one over the balances, or the
	-- relations that hold their results (the refresh: its summary and value
	-- stages compute them in their own scans); the account counts and AUM
	-- (acct, aum) likewise from the accounts relation when given (the
	-- refresh: its value stage's account roll-up), one row per customer read
	-- once.  Parameters $1..$7 are as_of, d3, d6, ts_end, t3, t6, v_zone
	RETURN QUERY EXECUTE format($q$
	WITH cust AS (
		SELECT c.customer_id, c.relationship_manager, c.region, c.branch, c.opened_on,
		       CASE WHEN c.closed_on <= $1 THEN c.closed_on END AS closed_on
		FROM clientele.in_customer c
		WHERE c.opened_on <= $1
	), acct_own AS (
		-- per customer and product type first, so that counting products
		-- needs no per-group sort; the accounts sorted once by customer and
		-- product type feed both levels as group aggregates (two hash
		-- aggregates cost more: their groups are almost one per account)
		SELECT k.customer_id,
		       min(k.first_opened) AS first_opened,
		       sum(k.n_ever)::integer AS n_ever,
		       sum(k.n_open)::integer AS n_open,
		       sum(k.n_open_6m)::integer AS n_open_6m,
		       count(*) FILTER (WHERE k.n_open > 0)::integer AS p_open,
		       count(*) FILTER (WHERE k.n_open_6m > 0)::integer AS p_open_6m
		FROM (
			SELECT a.customer_id, a.product_type,
			       min(a.opened_on) AS first_opened,
			       -- integers: sum(integer) adds in a plain int8, sum(bigint) allocates a 128-bit state per group
			       count(*)::integer AS n_ever,
			       count(*) FILTER (WHERE a.closed_on IS NULL OR a.closed_on > $1)::integer AS n_open,
			       count(*) FILTER (WHERE a.opened_on <= $3 AND (a.closed_on IS NULL OR a.closed_on > $3))::integer AS n_open_6m
			FROM (SELECT s.customer_id, s.product_type, s.opened_on, s.closed_on
			      FROM clientele.in_account s
			      WHERE s.opened_on <= $1
			      ORDER BY s.customer_id, s.product_type) a
			GROUP BY a.customer_id, a.product_type) k
		GROUP BY k.customer_id
	), acct AS (%3$s
	), td AS (
		-- time deposits that matured in the last 3 months and were paid out
		SELECT m.customer_id,
		       count(*)::integer AS matured,
		       count(*) FILTER (WHERE NOT m.rolled)::integer AS not_rolled,
		       max(m.maturity_date) FILTER (WHERE NOT m.rolled) AS not_rolled_on
		FROM (
			SELECT a.customer_id, a.maturity_date,
			       EXISTS (SELECT FROM clientele.in_account r
			               WHERE r.customer_id = a.customer_id
			                 AND r.product_type = 'time_deposit'
			                 AND r.account_id <> a.account_id
			                 AND r.opened_on <= $1
			                 AND r.opened_on >= a.maturity_date - 14
			                 AND r.opened_on <= a.maturity_date + 14) AS rolled
			FROM clientele.in_account a
			WHERE a.product_type = 'time_deposit'
			  AND a.maturity_date > $2 AND a.maturity_date <= $1
			  AND a.closed_on <= $1
			  AND a.opened_on <= $1) m
		GROUP BY m.customer_id
	), bal AS (
		-- one pass over the balances, one aggregate for the three windows of an
		-- account: the last 3 months, the 3 before, the balance 3 months ago
		-- (aggregated before the join, which then touches one row per account;
		-- a closed account's balance is 0 from closed_on on: balance_input)
		SELECT w.account_id, (w.s).after_split AS adb_3m, (w.s).before_split AS adb_prev_3m,
		       (w.s).on_split AS bal_3m_ago
		FROM (%2$s) w
	), aum AS (
		-- the accounts whose product type counts in AUM, sorted by customer
		-- and summed by a group aggregate: a hash aggregate keeps the three
		-- numeric sums of every customer alive at once (the sums are exact,
		-- whatever the order)
		SELECT y.customer_id,
		       sum(greatest(y.adb_3m, 0)) AS aum_3m,
		       sum(greatest(y.adb_prev_3m, 0)) AS aum_prev_3m,
		       sum(greatest(y.bal_3m_ago, 0)) FILTER (WHERE y.opened_on <= $2
		           AND (y.closed_on IS NULL OR y.closed_on > $2)) AS aum_3m_ago
		FROM (SELECT a.customer_id, x.adb_3m, x.adb_prev_3m, x.bal_3m_ago, a.opened_on, a.closed_on
		      FROM bal x
		      JOIN clientele.in_account a ON a.account_id = x.account_id
		      JOIN clientele.product_type p ON p.product_type = a.product_type
		      WHERE p.counts_in_aum AND a.opened_on <= $1
		      ORDER BY a.customer_id) y
		GROUP BY y.customer_id
	), txn AS (
		-- one pass over the transactions
%1$s	), inter AS (
		SELECT i.customer_id,
		       count(*) FILTER (WHERE i.kind = 'address_change'
		                        AND i.ts >= $5)::integer AS addr_3m,
		       count(*) FILTER (WHERE i.kind IN ('complaint', 'service_failure'))::integer AS compl_6m,
		       count(*) FILTER (WHERE i.kind = 'rm_contact')::integer AS rm_6m
		FROM clientele.in_interaction i
		WHERE i.ts < $4 AND i.ts >= $6
		GROUP BY i.customer_id
	)
	SELECT c.customer_id, $1, c.relationship_manager, c.region, c.branch, c.opened_on,
	       c.closed_on IS NOT NULL, c.closed_on,
	       a.first_opened, $1 - a.first_opened,
	       coalesce(a.n_ever, 0), coalesce(a.n_open, 0), coalesce(a.n_open_6m, 0),
	       coalesce(a.p_open, 0), coalesce(a.p_open_6m, 0),
	       (x.act).last_txn_on,
	       coalesce((x.act).txn_3m, 0), coalesce((x.act).txn_prev_3m, 0), coalesce((x.act).txn_6m, 0),
	       coalesce((x.act).txn_prev_6m, 0),
	       (x.act).gap_days, (x.act).gap_started_on, (x.act).gap_ended_on,
	       coalesce(%5$s.aum_3m, 0), coalesce(%5$s.aum_prev_3m, 0), coalesce(%5$s.aum_3m_ago, 0),
	       coalesce((x.act).transfer_out_3m, 0), coalesce((x.act).transfer_out_prev_3m, 0),
	       coalesce((x.act).other_bank_out_3m, 0),
	       coalesce(i.addr_3m, 0), coalesce(i.compl_6m, 0), coalesce(i.rm_6m, 0),
	       c.relationship_manager IS NOT NULL,
	       coalesce(d.matured, 0), coalesce(d.not_rolled, 0), d.not_rolled_on,
	       (x.act).gaps
	FROM cust c
	LEFT JOIN acct a ON a.customer_id = c.customer_id
	LEFT JOIN txn x ON x.customer_id = c.customer_id
	%4$s
	LEFT JOIN inter i ON i.customer_id = c.customer_id
	LEFT JOIN td d ON d.customer_id = c.customer_id
	$q$,
	CASE WHEN activity IS NULL THEN $q$
		SELECT t.customer_id,
		       -- counts, last transaction, activity gap and transfer sums in one C aggregate (parallel, exact combine)
		       clientele.activity_summary(t.ts, t.customer_initiated, t.kind, t.direction, t.counterparty_bank,
		                                  t.amount, $1, $7) AS act
		FROM clientele.in_transaction t
		WHERE t.ts < $4
		GROUP BY t.customer_id
	$q$ ELSE format('SELECT g.customer_id, g.activity AS act FROM %s g', activity) END,
	CASE WHEN balances IS NULL THEN $q$
			SELECT b.account_id, clientele.avg_daily_balance_split(b.as_of, b.balance, $3 + 1, $2, $1) AS s
			FROM clientele.balance_input b
			WHERE b.as_of <= $1
			GROUP BY b.account_id
			HAVING bool_or(b.snapshot)
			$q$ ELSE format('SELECT g.account_id, g.adb_split AS s FROM %s g', balances) END,
	CASE WHEN accounts IS NULL THEN 'SELECT * FROM acct_own'
	ELSE format('SELECT g.customer_id, g.first_opened, g.n_ever, g.accounts AS n_open, g.n_open_6m, g.held AS p_open,'
	            ' g.held_6m AS p_open_6m, g.aum_3m, g.aum_prev_3m, g.aum_3m_ago FROM %s g', accounts) END,
	CASE WHEN accounts IS NULL THEN 'LEFT JOIN aum m ON m.customer_id = c.customer_id' ELSE '' END,
	CASE WHEN accounts IS NULL THEN 'm' ELSE 'a' END)
	USING as_of, d3, d6, ts_end, t3, t6, v_zone;
END $$;
COMMENT ON FUNCTION clientele.customer_features_from(date, regclass, regclass, regclass) IS
	'Internal: clientele.customer_features(as_of), with the results of its large passes optionally read from relations the caller computed in its own scans (the refresh): activity (columns customer_id, activity = clientele.activity_summary(ts, customer_initiated, kind, direction, counterparty_bank, amount, as_of, TimeZone) over the rows of clientele.in_transaction with ts before as_of + 1, grouped by customer_id) and balances (columns account_id, adb_split = clientele.avg_daily_balance_split(as_of, balance, as_of - 6 months + 1, as_of - 3 months, as_of) over the balance input of customer_features, grouped by account_id) and accounts (one row per customer with an account opened on or before as_of, columns customer_id, first_opened, n_ever, accounts, n_open_6m, held, held_6m, aum_3m, aum_prev_3m, aum_3m_ago: first_opened_account_on, accounts_ever, accounts_open, accounts_open_6m_ago, products_open, products_open_6m_ago, aum_3m, aum_prev_3m and aum_3m_ago of the features before coalescing NULLs to 0, the refresh''s clientele_rf_acct; it must count every account of clientele.in_account, so the refresh passes it only when no account has a product type outside clientele.product_type; balances is then not read); NULL: computed here.';

-- plain SQL without SET clauses, so that the planner inlines it: the caller
-- scans customer_features_from's result directly (one materialisation)
CREATE FUNCTION clientele.customer_features(as_of date) RETURNS SETOF clientele.customer_features
LANGUAGE sql STABLE PARALLEL SAFE ROWS 100000 AS $$
	SELECT * FROM clientele.customer_features_from(as_of, NULL, NULL)
$$;
COMMENT ON FUNCTION clientele.customer_features(date) IS
	'Behavioural features of every customer opened on or before as_of (see the columns of type clientele.customer_features and docs/lifecycle.md), from the input views clientele.in_* with one aggregation pass per input and no row dated after as_of; a closing date after as_of is not known yet. A closed account''s balance is 0 from its closed_on on (that day included, as clientele.aum), with or without a closing zero snapshot. Runs clientele.check_as_of(as_of) first. Rows in no particular order.';

REVOKE ALL ON FUNCTION clientele.check_as_of(date) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.activity_gap(bit varying, date, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.customer_features(date) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.customer_features_from(date, regclass, regclass, regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.activity_summary(timestamptz, boolean, text, text, text, numeric, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.activity_summary(timestamptz, boolean, text, text, text, numeric, date, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION clientele.avg_daily_balance_split(date, numeric, date, date, date) FROM PUBLIC;
REVOKE ALL ON clientele.balance_input FROM PUBLIC;
GRANT EXECUTE ON FUNCTION clientele.check_as_of(date) TO clientele_admin, clientele_analyst;
GRANT EXECUTE ON FUNCTION clientele.activity_gap(bit varying, date, date) TO clientele_admin, clientele_analyst;
GRANT EXECUTE ON FUNCTION clientele.customer_features(date) TO clientele_admin, clientele_analyst;
GRANT EXECUTE ON FUNCTION clientele.customer_features_from(date, regclass, regclass, regclass) TO clientele_admin, clientele_analyst;
GRANT EXECUTE ON FUNCTION clientele.activity_summary(timestamptz, boolean, text, text, text, numeric, date) TO clientele_admin, clientele_analyst;
GRANT EXECUTE ON FUNCTION clientele.activity_summary(timestamptz, boolean, text, text, text, numeric, date, text) TO clientele_admin, clientele_analyst;
GRANT EXECUTE ON FUNCTION clientele.avg_daily_balance_split(date, numeric, date, date, date) TO clientele_admin, clientele_analyst;
GRANT SELECT ON clientele.balance_input TO clientele_admin, clientele_analyst;
