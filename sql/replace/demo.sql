-- area: demo, re-runnable part (see sql/demo.sql): run by a fresh install and
-- by the upgrade from 0.1.0 (CREATE OR REPLACE, COMMENT ON).

CREATE OR REPLACE FUNCTION clientele.generate_demo_bank(customers integer, seed integer,
	as_of date DEFAULT '2025-12-31', replace boolean DEFAULT false)
RETURNS TABLE (table_name text, row_count bigint)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	c_max_customers constant integer := 10000000;
	c_batch constant integer := 25000;
	c_tables constant text[] := ARRAY['customer', 'demo_truth', 'account', 'balance', 'transaction',
		'interaction', 'income'];
	v_relids regclass[];
	v_nonempty text[] := '{}';
	v_fast boolean;
	v_fk_rel text[] := '{}';
	v_fk_name text[] := '{}';
	v_fk_def text[] := '{}';
	v_key_rel text[] := '{}';
	v_key_name text[] := '{}';
	v_key_def text[] := '{}';
	v_idx_name text[] := '{}';
	v_idx_def text[] := '{}';
	v_counts bigint[] := ARRAY[0, 0, 0, 0, 0, 0, 0]::bigint[];
	v_n bigint;
	v_first bigint;
	v_last bigint;
	v_seed bigint := seed;
	v_as_of date := as_of;
	v_t0 timestamptz := clock_timestamp();
	v_seq text;
	t text;
	i int;
BEGIN
	-- NULL: 22004 naming the argument; then the ranges (22023)
	IF customers IS NULL OR replace IS NULL THEN
		RAISE EXCEPTION '% must not be NULL', CASE WHEN customers IS NULL THEN 'customers' ELSE 'replace' END
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF seed IS NULL THEN
		RAISE EXCEPTION 'seed must not be NULL'
			USING ERRCODE = 'null_value_not_allowed',
			      HINT = 'Any integer: the same seed (and as_of) gives the same bank.';
	END IF;
	IF customers < 1 OR customers > c_max_customers THEN
		RAISE EXCEPTION 'customers must be between 1 and %, got %', c_max_customers, customers
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'A 100,000-customer bank takes well under a minute; 1,000,000 a few minutes.';
	END IF;
	-- NULL and infinite: the errors of every date argument; then the generator's years
	IF as_of IS NULL OR NOT isfinite(as_of) THEN
		PERFORM clientele.check_date(as_of, 'as_of');
	END IF;
	IF as_of < date '1950-01-01' OR as_of > date '2200-12-31' THEN
		RAISE EXCEPTION 'as_of must be a date between 1950-01-01 and 2200-12-31, got %', as_of
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'The default is 2025-12-31, so that a seed gives the same bank on any day.';
	END IF;

	SELECT array_agg(('clientele.' || quote_ident(x))::regclass ORDER BY o) INTO v_relids
	FROM unnest(c_tables) WITH ORDINALITY AS u(x, o);
	FOREACH t IN ARRAY c_tables LOOP
		EXECUTE format('SELECT EXISTS (SELECT 1 FROM clientele.%I)', t) INTO v_fast;
		IF v_fast THEN
			v_nonempty := v_nonempty || t;
		END IF;
	END LOOP;
	IF cardinality(v_nonempty) > 0 THEN
		IF NOT replace THEN
			RAISE EXCEPTION 'the bank tables are not empty: %', array_to_string(v_nonempty, ', ')
				USING ERRCODE = 'object_not_in_prerequisite_state',
				      HINT = 'Call clientele.generate_demo_bank(..., replace => true) to empty them first.';
		END IF;
		TRUNCATE clientele.customer, clientele.demo_truth, clientele.account, clientele.balance,
			clientele.transaction, clientele.interaction, clientele.income;
	END IF;

	-- Bulk-load path: the foreign keys among the loaded tables are dropped
	-- and re-created after the load, so each is validated by one join
	-- instead of a trigger call per row.  Only for the tables' owner; all
	-- in the caller's transaction, so an error anywhere restores them.
	v_fast := NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = ANY (v_relids)
	                      AND NOT pg_has_role(current_user, relowner, 'USAGE'));
	IF v_fast THEN
		SELECT coalesce(array_agg(conrelid::regclass::text ORDER BY conrelid, conname), '{}'),
		       coalesce(array_agg(conname::text ORDER BY conrelid, conname), '{}'),
		       coalesce(array_agg(pg_get_constraintdef(oid) ORDER BY conrelid, conname), '{}')
		INTO v_fk_rel, v_fk_name, v_fk_def
		FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY (v_relids);
		FOR i IN 1 .. cardinality(v_fk_rel) LOOP
			EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', v_fk_rel[i], v_fk_name[i]);
		END LOOP;
		-- plain indexes, and keys no remaining foreign key depends on, are
		-- built once after the load (a sort) instead of row by row
		SELECT coalesce(array_agg(c.conrelid::regclass::text ORDER BY c.conrelid, c.conname), '{}'),
		       coalesce(array_agg(c.conname::text ORDER BY c.conrelid, c.conname), '{}'),
		       coalesce(array_agg(pg_get_constraintdef(c.oid) ORDER BY c.conrelid, c.conname), '{}')
		INTO v_key_rel, v_key_name, v_key_def
		FROM pg_constraint c
		WHERE c.contype IN ('p', 'u') AND c.conrelid = ANY (v_relids)
		  -- the keys of customer and account stay: triggers look rows up by them
		  AND c.conrelid NOT IN ('clientele.customer'::regclass, 'clientele.account'::regclass)
		  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.refobjid = c.conindid
		                  AND d.refclassid = 'pg_class'::regclass AND d.classid = 'pg_constraint'::regclass);
		SELECT coalesce(array_agg(i.indexrelid::regclass::text ORDER BY i.indexrelid), '{}'),
		       coalesce(array_agg(pg_get_indexdef(i.indexrelid) ORDER BY i.indexrelid), '{}')
		INTO v_idx_name, v_idx_def
		FROM pg_index i
		WHERE i.indrelid = ANY (v_relids)
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'));
		FOR i IN 1 .. cardinality(v_idx_name) LOOP
			EXECUTE format('DROP INDEX %s', v_idx_name[i]);
		END LOOP;
		FOR i IN 1 .. cardinality(v_key_rel) LOOP
			EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', v_key_rel[i], v_key_name[i]);
		END LOOP;
	END IF;

	RAISE DEBUG 'generate_demo_bank: tables ready after %', clock_timestamp() - v_t0;
	v_first := 1;
	WHILE v_first <= customers LOOP
		v_last := least(customers::bigint, v_first + c_batch - 1);
		INSERT INTO clientele.customer (customer_id, customer_type, branch, region, relationship_manager,
			acquisition_channel, referrer_id, birth_date, occupation, opened_on, closed_on)
		SELECT * FROM clientele.demo_customers(v_seed, v_first, v_last, v_as_of);
		GET DIAGNOSTICS v_n = ROW_COUNT; v_counts[1] := v_counts[1] + v_n;
		INSERT INTO clientele.demo_truth (customer_id, persona, drift_started_on, trigger_kind, trigger_on,
			churned_on, dormant_since, td_not_rolled_on, wealth, txn_rate)
		SELECT * FROM clientele.demo_truth_rows(v_seed, v_first, v_last, v_as_of);
		GET DIAGNOSTICS v_n = ROW_COUNT; v_counts[2] := v_counts[2] + v_n;
		INSERT INTO clientele.account (account_id, customer_id, product_type, opened_on, maturity_date,
			closed_on, status)
		SELECT * FROM clientele.demo_accounts(v_seed, v_first, v_last, v_as_of);
		GET DIAGNOSTICS v_n = ROW_COUNT; v_counts[3] := v_counts[3] + v_n;
		INSERT INTO clientele.balance (account_id, as_of, balance)
		SELECT * FROM clientele.demo_balances(v_seed, v_first, v_last, v_as_of);
		GET DIAGNOSTICS v_n = ROW_COUNT; v_counts[4] := v_counts[4] + v_n;
		INSERT INTO clientele.transaction (txn_id, customer_id, account_id, ts, amount, direction, channel,
			kind, counterparty_bank, customer_initiated)
		SELECT * FROM clientele.demo_transactions(v_seed, v_first, v_last, v_as_of);
		GET DIAGNOSTICS v_n = ROW_COUNT; v_counts[5] := v_counts[5] + v_n;
		INSERT INTO clientele.interaction (interaction_id, customer_id, ts, kind, detail)
		SELECT * FROM clientele.demo_interactions(v_seed, v_first, v_last, v_as_of);
		GET DIAGNOSTICS v_n = ROW_COUNT; v_counts[6] := v_counts[6] + v_n;
		INSERT INTO clientele.income (customer_id, month, ftp_income, fee_income, loan_interest, cost)
		SELECT * FROM clientele.demo_income(v_seed, v_first, v_last, v_as_of);
		GET DIAGNOSTICS v_n = ROW_COUNT; v_counts[7] := v_counts[7] + v_n;
		v_first := v_last + 1;
	END LOOP;

	RAISE DEBUG 'generate_demo_bank: rows loaded after %', clock_timestamp() - v_t0;
	IF v_fast THEN
		FOR i IN 1 .. cardinality(v_key_rel) LOOP
			EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', v_key_rel[i], v_key_name[i], v_key_def[i]);
		END LOOP;
		FOR i IN 1 .. cardinality(v_idx_def) LOOP
			EXECUTE v_idx_def[i];
		END LOOP;
		FOR i IN 1 .. cardinality(v_fk_rel) LOOP
			EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', v_fk_rel[i], v_fk_name[i], v_fk_def[i]);
		END LOOP;
	END IF;
	RAISE DEBUG 'generate_demo_bank: keys, indexes and foreign keys rebuilt after %', clock_timestamp() - v_t0;
	-- identity of interaction: continue after the generated ids
	v_seq := pg_catalog.pg_get_serial_sequence('clientele.interaction', 'interaction_id');
	IF v_seq IS NOT NULL AND pg_catalog.has_sequence_privilege(v_seq, 'UPDATE') THEN
		PERFORM pg_catalog.setval(v_seq, coalesce((SELECT max(interaction_id) FROM clientele.interaction), 0) + 1, false);
	END IF;
	-- fresh statistics for whatever runs next (only the owner may analyze)
	IF v_fast THEN
		FOREACH t IN ARRAY c_tables LOOP
			EXECUTE format('ANALYZE clientele.%I', t);
		END LOOP;
	END IF;

	RAISE DEBUG 'generate_demo_bank: analyzed after %', clock_timestamp() - v_t0;
	FOR i IN 1 .. cardinality(c_tables) LOOP
		table_name := c_tables[i];
		row_count := v_counts[i];
		RETURN NEXT;
	END LOOP;
END $$;
COMMENT ON FUNCTION clientele.generate_demo_bank(integer, integer, date, boolean) IS
	'Fills the canonical tables with a deterministic demo bank of 1..10,000,000 customers (same seed and as_of, same bank) and its planted ground truth in clientele.demo_truth; refuses non-empty tables unless replace => true (then empties them first, in the same transaction). Returns the rows per table. ERROR 22004 for a NULL argument (named), 22023 for customers outside 1..10,000,000 or an as_of that is infinite or outside 1950-01-01 .. 2200-12-31.';
