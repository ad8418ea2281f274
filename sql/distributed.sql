-- ===========================================================================
-- Scale out on Citus: clientele.distribute() turns the canonical data model
-- into Citus tables in one call (docs/distributed.md).  The extension does not
-- need Citus: the function checks for it when called.
-- ===========================================================================

-- Runs one DDL statement on this node and on every worker: the workers'
-- copies of the extension tables (created by CREATE EXTENSION there) must
-- change the same way before Citus takes the tables over.
CREATE FUNCTION clientele.distribute_ddl(ddl text) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	r record;
BEGIN
	EXECUTE ddl;
	FOR r IN SELECT * FROM pg_catalog.run_command_on_workers(ddl) LOOP
		IF NOT r.success THEN
			RAISE EXCEPTION 'could not prepare worker %:% for distribution: %', r.nodename, r.nodeport, r.result
				USING ERRCODE = 'object_not_in_prerequisite_state', DETAIL = 'Statement: ' || ddl,
				      HINT = 'Every worker needs the same version of clientele, created by CREATE EXTENSION on the coordinator after the workers were added.';
		END IF;
	END LOOP;
END $$;
COMMENT ON FUNCTION clientele.distribute_ddl(text) IS
	'Internal to clientele.distribute(): runs one DDL statement on this node and on every Citus worker, failing when a worker fails.';
REVOKE ALL ON FUNCTION clientele.distribute_ddl(text) FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Calendar days in a named time zone (src/distributed.c): the same days on
-- every node, whatever the session TimeZone.  On Citus the planner hook turns
-- rfm_summary over timestamptz into this form with the session TimeZone.
-- ---------------------------------------------------------------------------
CREATE FUNCTION clientele.rfm_summary_trans(clientele.rfm_state, timestamptz, double precision, timestamptz, interval, text)
RETURNS clientele.rfm_state
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'clientele_rfm_trans_tstz_zone';
COMMENT ON FUNCTION clientele.rfm_summary_trans(clientele.rfm_state, timestamptz, double precision, timestamptz, interval, text) IS
	'Transition function of rfm_summary(timestamptz, float8, timestamptz, interval, text): calendar days in the named time zone (immutable: the session TimeZone plays no part).';

CREATE AGGREGATE clientele.rfm_summary(ts timestamptz, amount double precision, as_of timestamptz, unit interval, time_zone text) (
	SFUNC = clientele.rfm_summary_trans,
	STYPE = clientele.rfm_state,
	SSPACE = 256,
	COMBINEFUNC = clientele.rfm_summary_combine,
	FINALFUNC = clientele.rfm_summary_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE clientele.rfm_summary(timestamptz, double precision, timestamptz, interval, text) IS
	'rfm_summary with calendar days taken in time_zone (a name of pg_timezone_names, the same for every row), not the session TimeZone: the same answer on every node and in every session (immutable). On Citus the 3- and 4-argument timestamptz forms are rewritten to this one with the session TimeZone (docs/distributed.md).';

-- Whether this node is the Citus coordinator (or Citus is absent): the
-- validation triggers of the reference tables run on its placement only.
CREATE FUNCTION clientele.citus_coordinator() RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF pg_catalog.to_regclass('pg_catalog.pg_dist_local_group') IS NULL THEN
		RETURN true;
	END IF;
	RETURN coalesce((SELECT g.groupid OPERATOR(pg_catalog.=) 0 FROM pg_catalog.pg_dist_local_group g), true);
END $$;
COMMENT ON FUNCTION clientele.citus_coordinator() IS
	'Internal: true on the Citus coordinator (group 0) and where Citus is not installed, false on a Citus worker. The WHEN condition of the checking triggers of the reference tables after clientele.distribute(): a configuration edit is validated once, on the coordinator''s placement, inside the writer''s transaction (on a worker the check''s row locks on reference tables would wait for the very transaction that runs it).';

CREATE FUNCTION clientele.distribute(shard_count integer DEFAULT 32)
RETURNS TABLE (step text, relation regclass, detail text)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	-- bank tables distributed by customer_id, co-located with clientele.customer (this order)
	c_by_customer constant text[] := ARRAY['customer', 'account', 'transaction', 'interaction', 'income', 'demo_truth'];
	-- bookkeeping written by refresh() on the coordinator, with timestamps:
	-- Citus refuses volatile functions in writes to reference tables
	c_local constant text[] := ARRAY['refresh_log', 'refresh_model', 'kpi_history'];
	-- primary keys that must lead with the distribution column
	c_new_keys constant text[][] := ARRAY[
		['account', 'account_pkey', 'PRIMARY KEY (customer_id, account_id)'],
		['transaction', 'transaction_pkey', 'PRIMARY KEY (customer_id, txn_id)'],
		['interaction', 'interaction_pkey', 'PRIMARY KEY (customer_id, interaction_id)']];
	v_ext oid;
	v_fk record;
	v_fks text[] := '{}';
	v_fk_rel regclass[] := '{}';
	v_fk_to regclass[] := '{}';
	v_from record;
	v_to record;
	v_fk_name text[] := '{}';
	v_rel regclass;
	v_def text;
	v_trigger text;
	v_trig record;
	i int;
BEGIN
	IF shard_count IS NULL OR shard_count < 1 OR shard_count > 64000 THEN
		RAISE EXCEPTION 'shard_count must be between 1 and 64000, got %', coalesce(shard_count::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Use a few times the number of worker cores (the Citus default is 32).';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname OPERATOR(pg_catalog.=) 'citus') THEN
		RAISE EXCEPTION 'clientele.distribute() needs the citus extension in this database'
			USING ERRCODE = 'feature_not_supported',
			      HINT = 'Load citus (shared_preload_libraries = ''citus''), CREATE EXTENSION citus, add the workers, then call it again.';
	END IF;
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition WHERE logicalrelid OPERATOR(pg_catalog.=) 'clientele.customer'::regclass) THEN
		RAISE EXCEPTION 'the clientele tables are already distributed'
			USING ERRCODE = 'object_not_in_prerequisite_state',
			      HINT = 'clientele.distribute() runs once per database.';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_node WHERE groupid OPERATOR(pg_catalog.=) 0) THEN
		RAISE EXCEPTION 'the Citus coordinator is not in the Citus metadata'
			USING ERRCODE = 'object_not_in_prerequisite_state',
			      DETAIL = 'Configuration tables become reference tables, validated on the coordinator''s copy: the coordinator must hold one.',
			      HINT = 'Run SELECT citus_set_coordinator_host(''<coordinator host>'', <port>) first.';
	END IF;
	IF EXISTS (SELECT 1 FROM clientele.source_config) THEN
		RAISE EXCEPTION 'inputs % read relations of the bank, not the clientele tables',
			(SELECT pg_catalog.string_agg(pg_catalog.format('"%s" (%s)', sc.input, sc.relation), ', ' ORDER BY sc.input) FROM clientele.source_config sc)
			USING ERRCODE = 'object_not_in_prerequisite_state',
			      DETAIL = 'A mapped input view reads its relation through an inlined function, which Citus plans as a local query: a distributed relation would read as empty.',
			      HINT = 'Load the data into the clientele tables and go back to them (SELECT clientele.use_source(input, NULL)) before distributing.';
	END IF;
	SELECT oid INTO v_ext FROM pg_extension WHERE extname OPERATOR(pg_catalog.=) 'clientele';

	-- triggers on distributed and reference tables (config validation,
	-- config_changed, balance_sign_allowed) run on the shards
	PERFORM pg_catalog.set_config('citus.enable_unsafe_triggers', 'on', true);
	PERFORM pg_catalog.set_config('citus.multi_shard_modify_mode', 'sequential', true);

	-- 1. foreign keys between extension tables block the conversion (Citus
	-- would turn every table of the graph into a Citus local table, which
	-- re-creates the extension's views): drop them, re-create them at the end
	FOR v_fk IN
		SELECT con.conrelid::regclass AS rel, con.confrelid::regclass AS ref, con.conname, pg_catalog.pg_get_constraintdef(con.oid) AS def
		FROM pg_catalog.pg_constraint con
		JOIN pg_catalog.pg_depend d ON d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::regclass
			AND d.objid OPERATOR(pg_catalog.=) con.conrelid AND d.refobjid OPERATOR(pg_catalog.=) v_ext AND d.deptype OPERATOR(pg_catalog.=) 'e'
		WHERE con.contype OPERATOR(pg_catalog.=) 'f'
		ORDER BY 1::text, 2
	LOOP
		PERFORM clientele.distribute_ddl(pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT %I', v_fk.rel, v_fk.conname));
		v_fk_rel := v_fk_rel || v_fk.rel;
		v_fk_to := v_fk_to || v_fk.ref;
		v_fk_name := v_fk_name || v_fk.conname::text;
		v_fks := v_fks || v_fk.def;
	END LOOP;

	-- 2. primary keys lead with customer_id
	FOR i IN 1 .. pg_catalog.array_length(c_new_keys, 1) LOOP
		v_rel := ('clientele.' || c_new_keys[i][1])::regclass;
		PERFORM clientele.distribute_ddl(pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT %I, ADD CONSTRAINT %I %s',
			v_rel, c_new_keys[i][2], c_new_keys[i][2], c_new_keys[i][3]));
		step := 'primary key'; relation := v_rel; detail := c_new_keys[i][3]; RETURN NEXT;
	END LOOP;

	-- 3. the balance sign trigger reads clientele.account: re-created below
	SELECT pg_catalog.pg_get_triggerdef(t.oid) INTO v_trigger FROM pg_catalog.pg_trigger t
	WHERE t.tgrelid OPERATOR(pg_catalog.=) 'clientele.balance'::regclass AND t.tgname OPERATOR(pg_catalog.=) 'balance_sign_allowed';
	IF v_trigger IS NOT NULL THEN
		PERFORM clientele.distribute_ddl('DROP TRIGGER balance_sign_allowed ON clientele.balance');
	END IF;

	-- 4. reference tables: every extension table without a customer or account column
	FOR v_rel IN
		SELECT c.oid::regclass FROM pg_catalog.pg_class c
		JOIN pg_catalog.pg_depend d ON d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::regclass
			AND d.objid OPERATOR(pg_catalog.=) c.oid AND d.refobjid OPERATOR(pg_catalog.=) v_ext AND d.deptype OPERATOR(pg_catalog.=) 'e'
		WHERE c.relkind OPERATOR(pg_catalog.=) 'r'
		  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid OPERATOR(pg_catalog.=) c.oid
		                  AND a.attname IN ('customer_id', 'account_id') AND NOT a.attisdropped)
		ORDER BY c.relname
	LOOP
		IF (SELECT c.relname::text FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) v_rel) OPERATOR(pg_catalog.=) ANY (c_local) THEN
			step := 'left local'; relation := v_rel; detail := 'written by refresh() on the coordinator only (with timestamps, which Citus refuses in writes to reference tables)'; RETURN NEXT;
			CONTINUE;
		END IF;
		-- checking triggers (validation, code checks, recompilation) run on
		-- the coordinator's placement only: on a worker the check's locking
		-- reads of reference tables would wait for the writer's own
		-- transaction.  The cache invalidation and builtin guards run on
		-- every placement (they read nothing but their own shard).
		FOR v_trig IN
			SELECT t.tgname, pg_catalog.pg_get_triggerdef(t.oid) AS def, pg_catalog.obj_description(t.oid, 'pg_trigger') AS note
			FROM pg_catalog.pg_trigger t
			JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) t.tgrelid
			WHERE t.tgrelid OPERATOR(pg_catalog.=) v_rel AND NOT t.tgisinternal AND t.tgqual IS NULL
			  AND NOT t.tgname::text OPERATOR(pg_catalog.=) ANY (ARRAY[c.relname::text OPERATOR(pg_catalog.||) '_config_changed',
			          c.relname::text OPERATOR(pg_catalog.||) '_protect_builtin', c.relname::text OPERATOR(pg_catalog.||) '_protect_builtin_truncate'])
			ORDER BY t.tgname
		LOOP
			EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', v_trig.tgname, v_rel);
			EXECUTE pg_catalog.regexp_replace(v_trig.def, ' EXECUTE FUNCTION ', ' WHEN (clientele.citus_coordinator()) EXECUTE FUNCTION ');
			IF v_trig.note IS NOT NULL THEN
				EXECUTE pg_catalog.format('COMMENT ON TRIGGER %I ON %s IS %L', v_trig.tgname, v_rel, v_trig.note);
			END IF;
		END LOOP;
		-- the shards are filled through the table's triggers: a read-only
		-- table's guard would refuse its own rows
		EXECUTE pg_catalog.format('ALTER TABLE %s DISABLE TRIGGER USER', v_rel);
		PERFORM pg_catalog.create_reference_table(v_rel);
		PERFORM pg_catalog.truncate_local_data_after_distributing_table(v_rel);
		EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE TRIGGER USER', v_rel);
		step := 'reference table'; relation := v_rel; detail := NULL; RETURN NEXT;
	END LOOP;

	-- 5. bank tables by customer_id, co-located; balance (keyed by account) by account_id
	FOR i IN 1 .. pg_catalog.array_length(c_by_customer, 1) LOOP
		v_rel := pg_catalog.to_regclass('clientele.' || c_by_customer[i]);
		CONTINUE WHEN v_rel IS NULL;
		IF i OPERATOR(pg_catalog.=) 1 THEN
			PERFORM pg_catalog.create_distributed_table(v_rel, 'customer_id', shard_count => shard_count, colocate_with => 'none');
		ELSE
			PERFORM pg_catalog.create_distributed_table(v_rel, 'customer_id', colocate_with => 'clientele.customer');
		END IF;
		PERFORM pg_catalog.truncate_local_data_after_distributing_table(v_rel);
		step := 'distributed by customer_id'; relation := v_rel; detail := pg_catalog.format('%s shards', shard_count); RETURN NEXT;
	END LOOP;
	-- other extension tables keyed by customer (results, histories of later
	-- areas): co-located too when every key includes customer_id
	FOR v_rel IN
		SELECT c.oid::regclass FROM pg_catalog.pg_class c
		JOIN pg_catalog.pg_depend d ON d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::regclass
			AND d.objid OPERATOR(pg_catalog.=) c.oid AND d.refobjid OPERATOR(pg_catalog.=) v_ext AND d.deptype OPERATOR(pg_catalog.=) 'e'
		JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.oid AND a.attname OPERATOR(pg_catalog.=) 'customer_id' AND NOT a.attisdropped
		WHERE c.relkind OPERATOR(pg_catalog.=) 'r'
		  AND NOT (c.relname OPERATOR(pg_catalog.=) ANY (c_by_customer || ARRAY['balance']::text[]))
		ORDER BY c.relname
	LOOP
		IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conrelid OPERATOR(pg_catalog.=) v_rel AND k.contype IN ('p', 'u', 'x')
		           AND NOT (SELECT a.attnum FROM pg_catalog.pg_attribute a WHERE a.attrelid OPERATOR(pg_catalog.=) v_rel
		                    AND a.attname OPERATOR(pg_catalog.=) 'customer_id') OPERATOR(pg_catalog.=) ANY (k.conkey)) THEN
			step := 'left local'; relation := v_rel; detail := 'a key of this table does not include customer_id'; RETURN NEXT;
			CONTINUE;
		END IF;
		IF EXISTS (SELECT 1 FROM pg_catalog.pg_policy pol WHERE pol.polrelid OPERATOR(pg_catalog.=) v_rel) THEN
			-- Citus refuses policies with subqueries on distributed tables
			step := 'left local'; relation := v_rel; detail := 'it has row-level security policies'; RETURN NEXT;
			CONTINUE;
		END IF;
		PERFORM pg_catalog.create_distributed_table(v_rel, 'customer_id', colocate_with => 'clientele.customer');
		PERFORM pg_catalog.truncate_local_data_after_distributing_table(v_rel);
		step := 'distributed by customer_id'; relation := v_rel; detail := 'co-located with clientele.customer'; RETURN NEXT;
	END LOOP;
	PERFORM pg_catalog.create_distributed_table('clientele.balance', 'account_id', shard_count => shard_count, colocate_with => 'none');
	PERFORM pg_catalog.truncate_local_data_after_distributing_table('clientele.balance');
	step := 'distributed by account_id'; relation := 'clientele.balance'; detail := 'not co-located with customers: joins to accounts repartition'; RETURN NEXT;

	-- 6. foreign keys back, where Citus can enforce them
	FOR i IN 1 .. COALESCE(pg_catalog.array_length(v_fks, 1), 0) LOOP
		v_def := v_fks[i];
		IF v_fk_name[i] IN ('customer_referrer_fkey', 'balance_account_fkey') THEN
			step := 'foreign key not re-created'; relation := v_fk_rel[i];
			detail := v_fk_name[i] || ' crosses distribution keys (' || v_def || ')'; RETURN NEXT;
			CONTINUE;
		ELSIF v_fk_name[i] OPERATOR(pg_catalog.=) 'transaction_account_fkey' THEN
			v_def := 'FOREIGN KEY (customer_id, account_id) REFERENCES clientele.account(customer_id, account_id)';
		END IF;
		-- Citus enforces a key to a reference table from any Citus table, and
		-- one between co-located distributed tables through customer_id
		SELECT p.partmethod, p.colocationid INTO v_from FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid OPERATOR(pg_catalog.=) v_fk_rel[i];
		SELECT p.partmethod, p.colocationid INTO v_to FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid OPERATOR(pg_catalog.=) v_fk_to[i];
		IF (v_from.partmethod IS NULL) <> (v_to.partmethod IS NULL)
		   OR NOT (v_to.partmethod IS NULL OR v_to.partmethod OPERATOR(pg_catalog.=) 'n'
		           OR (v_from.partmethod OPERATOR(pg_catalog.=) 'h' AND v_to.partmethod OPERATOR(pg_catalog.=) 'h'
		               AND v_from.colocationid OPERATOR(pg_catalog.=) v_to.colocationid
		               AND v_def LIKE 'FOREIGN KEY (customer_id%')) THEN
			step := 'foreign key not re-created'; relation := v_fk_rel[i];
			detail := v_fk_name[i] || ': Citus cannot enforce it between these tables (' || v_def || ')'; RETURN NEXT;
			CONTINUE;
		END IF;
		EXECUTE pg_catalog.format('ALTER TABLE %s ADD CONSTRAINT %I %s', v_fk_rel[i], v_fk_name[i], v_def);
		step := 'foreign key'; relation := v_fk_rel[i]; detail := v_fk_name[i] || ' ' || v_def; RETURN NEXT;
	END LOOP;

	IF v_trigger IS NOT NULL THEN
		-- on a shard of balance, the check reads clientele.account (other
		-- shards): a nested distributed query, which Citus refuses unless the
		-- function allows it; it sees committed accounts only
		PERFORM clientele.distribute_ddl('ALTER FUNCTION clientele.balance_sign_check() SET citus.allow_nested_distributed_execution = on');
		EXECUTE v_trigger;
		step := 'trigger'; relation := 'clientele.balance';
		detail := 'balance_sign_allowed re-created: runs on the shards, checks against committed accounts'; RETURN NEXT;
	END IF;
END $$;
COMMENT ON FUNCTION clientele.distribute(integer) IS
	'Distributes the clientele data model on Citus in one call: bank tables by customer_id (co-located, keys led by customer_id), balance by account_id, every other extension table as a reference table; foreign keys and the balance sign trigger are re-created where Citus can enforce them (docs/distributed.md).';
REVOKE ALL ON FUNCTION clientele.distribute(integer) FROM PUBLIC;
