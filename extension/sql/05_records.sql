-- Bound tables: bindings, row triggers, counts, attach/detach, recount().

-- Bound tables: records whose rows name their schema in a column.
CREATE TABLE @extschema@.bindings (
    tbl           regclass PRIMARY KEY,
    record_column name NOT NULL,
    schema_column name NOT NULL,
    mode          text NOT NULL CHECK (mode IN ('enforce', 'flag')),
    errors_column name,
    follow_latest boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((mode = 'flag') = (errors_column IS NOT NULL))
);
COMMENT ON TABLE @extschema@.bindings IS 'tables bound to schemas by schemareg.attach()';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.bindings', '');

-- Backends cache the bindings; every change drops those caches (replicated
-- ones too, as for schema_versions).
CREATE TRIGGER bindings_invalidate_cache
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.bindings
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@._invalidate_cache();
CREATE TRIGGER bindings_invalidate_cache_rows
    AFTER INSERT OR UPDATE OR DELETE ON @extschema@.bindings
    FOR EACH ROW EXECUTE FUNCTION @extschema@._invalidate_cache();
ALTER TABLE @extschema@.bindings ENABLE ALWAYS TRIGGER bindings_invalidate_cache;
ALTER TABLE @extschema@.bindings ENABLE ALWAYS TRIGGER bindings_invalidate_cache_rows;

-- The bindings of the tables the current role may read (all of them for
-- schemareg_admin). The filter runs below OFFSET 0, so no condition of a
-- query on the view is evaluated on the rows of the others, nor counts them
-- in a plan.
CREATE VIEW @extschema@.bound_tables WITH (security_barrier) AS
SELECT b.tbl, b.record_column, b.schema_column, b.mode, b.errors_column, b.follow_latest,
       coalesce((SELECT sum(c.n) FROM @extschema@.record_counts c
                  WHERE c.tbl::oid IN (SELECT b.tbl::oid UNION ALL
                                       SELECT i.relid FROM pg_partition_tree(b.tbl) i)),
                0)::bigint AS records,
       b.created_at
  FROM (SELECT x.* FROM @extschema@.bindings x
         WHERE has_table_privilege(x.tbl::oid, 'SELECT')
            OR @extschema@._is_admin((SELECT r.oid FROM pg_catalog.pg_roles r
                                       WHERE r.rolname = current_user))
        OFFSET 0) b;
COMMENT ON VIEW @extschema@.bound_tables IS 'bound tables and how many of their rows name a schema';

-- How many of this backend's count writes found the slot row where the
-- backend left it (direct) and how many went through SQL (src/pg/slots.cpp).
CREATE FUNCTION @extschema@._slot_writes(OUT direct bigint, OUT by_sql bigint)
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', '_slot_writes';

CREATE FUNCTION @extschema@._validate_row() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', '_validate_row';
CREATE FUNCTION @extschema@._count_row() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', '_count_row';

-- TRUNCATE of any table of a bound tree forgets its counts (and those of its
-- partitions): a statement trigger on every member, since TRUNCATE of a
-- partition does not fire its parent's triggers.
CREATE FUNCTION @extschema@._on_truncate() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM @extschema@._forget_counts(TG_RELID);
    RETURN NULL;
END
$$;

-- Reading a leaf table's heap in C: no planner, none of its owner's code
-- (src/pg/table_access.cpp). How many rows name each registered version
-- (NULL id: rows that name none), under a SHARE lock (waited for, or 55P03).
CREATE FUNCTION @extschema@._table_refs(tbl regclass, schema_column name, wait boolean)
    RETURNS TABLE (schema_id bigint, n bigint)
    LANGUAGE c STRICT VOLATILE AS 'MODULE_PATHNAME', '_table_refs';
-- Writes every row of a table (or of its tree) that names a schema again, as
-- `role`, restricted, so that its triggers check and count it, and makes sure
-- that none was kept from being written (55000).
CREATE FUNCTION @extschema@._rewrite_rows(role oid, tbl regclass, schema_column name,
                                          one_table boolean)
    RETURNS bigint
    LANGUAGE c STRICT VOLATILE AS 'MODULE_PATHNAME', '_rewrite_rows';
-- The rows of a leaf table, counted up to stop_at.
CREATE FUNCTION @extschema@._table_rows(tbl regclass, stop_at bigint) RETURNS bigint
    LANGUAGE c STRICT VOLATILE AS 'MODULE_PATHNAME', '_table_rows';

-- What an ALTER TABLE did to columns' types and partitions (src/pg/ddl.cpp).
CREATE FUNCTION @extschema@._table_changes(command pg_ddl_command)
    RETURNS TABLE (relid oid, attnum smallint, change text)
    LANGUAGE c STRICT VOLATILE AS 'MODULE_PATHNAME', '_table_changes';

-- The table itself, or every table of its partition tree.
CREATE FUNCTION @extschema@._tree(tbl regclass) RETURNS SETOF regclass
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT $1 UNION SELECT relid FROM pg_partition_tree($1) WHERE relid IS NOT NULL
$$;

-- Forgets the counts of tables that no bound tree holds any more (dropped,
-- detached partitions, temporary tables gone with their session).
CREATE FUNCTION @extschema@._forget_orphans() RETURNS void
    LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    DELETE FROM @extschema@.record_counts c
     WHERE NOT EXISTS (SELECT FROM @extschema@.bindings b, @extschema@._tree(b.tbl) t
                        WHERE t = c.tbl AND EXISTS (SELECT FROM pg_class k WHERE k.oid = b.tbl))
$$;

-- Forgets the counts of a table and its partitions (TRUNCATE, DETACH PARTITION).
CREATE FUNCTION @extschema@._forget_counts(tbl oid) RETURNS void
    LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    -- $1, not the parameter's name: in SQL functions a column (c.tbl) would win.
    DELETE FROM @extschema@.record_counts c
     WHERE c.tbl::oid IN (SELECT t::oid FROM @extschema@._tree($1::regclass) t)
$$;

-- The type a domain is over (through domains over domains); any other type
-- itself. attach() takes a record column of a domain over jsonb.
CREATE FUNCTION @extschema@._base_type(t oid) RETURNS oid
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    WITH RECURSIVE d(t, base) AS (
        SELECT y.oid, y.typbasetype FROM pg_type y WHERE y.oid = $1
        UNION ALL
        SELECT y.oid, y.typbasetype FROM d JOIN pg_type y ON y.oid = d.base)
    SELECT d.t FROM d WHERE d.base = 0
$$;

-- 42804 unless a binding's columns still have the types attach() checked
-- (statements run as the registry's owner read them; a column whose type was
-- changed since would run its owner's casts).
CREATE FUNCTION @extschema@._check_bound_columns(tbl regclass, b @extschema@.bindings)
    RETURNS void
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    col name;
    want regtype;
    domain_ok boolean;
BEGIN
    FOR col, want, domain_ok IN VALUES (b.record_column, 'jsonb'::regtype, true),
                                       (b.schema_column, 'text'::regtype, false),
                                       (b.errors_column, 'jsonb'::regtype, false) LOOP
        CONTINUE WHEN col IS NULL;
        IF NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = col
                          AND a.attnum > 0 AND NOT a.attisdropped
                          AND (a.atttypid = want
                               OR (domain_ok AND @extschema@._base_type(a.atttypid) = want))) THEN
            RAISE EXCEPTION 'column "%" of "%" is not of type % any more', col, tbl, want
                USING ERRCODE = 'datatype_mismatch',
                      HINT = 'Call schemareg.detach() and schemareg.attach() again.';
        END IF;
    END LOOP;
END
$$;

-- Each version that a leaf table's rows name, or that its stored counts hold,
-- with the stored count and the rows that name it. The rows are read from
-- the heap in C (_table_refs, under a SHARE lock: writers wait, the count is
-- of a table that stands still): none of the table owner's code runs with
-- the registry's rights, and rows that name no version count for none.
CREATE FUNCTION @extschema@._leaf_counts(leaf regclass, schema_column name, wait boolean)
    RETURNS TABLE (schema_id bigint, ref text, stored bigint, actual bigint)
    LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
    WITH actual AS (SELECT r.schema_id AS id, r.n FROM @extschema@._table_refs($1, $2, $3) r
                     WHERE r.schema_id IS NOT NULL),
         stored AS (SELECT c.schema_id AS id, sum(c.n) AS n FROM @extschema@.record_counts c
                     WHERE c.tbl = $1 GROUP BY 1)
    SELECT v.id, v.name || ':' || v.version, coalesce(s.n, 0)::bigint, coalesce(a.n, 0)::bigint
      FROM actual a FULL JOIN stored s ON s.id = a.id
      JOIN @extschema@.schema_versions v ON v.id = coalesce(a.id, s.id)
$$;

-- Counts the rows of each leaf of a table's tree anew from the table itself,
-- if a binding governs it (_leaf_counts). Returns the (version, table) pairs
-- whose stored count was wrong, with both counts. Without wait, a leaf that
-- another transaction holds is left as it is, with a WARNING.
CREATE FUNCTION @extschema@._recount_table(target oid, wait boolean, OUT ref text,
                                           OUT tbl_name regclass, OUT stored bigint,
                                           OUT actual bigint)
    RETURNS SETOF record
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    b @extschema@.bindings;
    leaf regclass;
    counts jsonb;
BEGIN
    SELECT * INTO b FROM @extschema@.bindings x
     WHERE x.tbl::oid = target
        OR x.tbl::oid IN (SELECT a FROM pg_partition_ancestors(target::regclass) a)
     LIMIT 1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    FOR leaf IN SELECT t FROM @extschema@._tree(target::regclass) t
                 WHERE (SELECT c.relkind FROM pg_class c WHERE c.oid = t) = 'r' LOOP
        BEGIN
            PERFORM @extschema@._check_bound_columns(leaf, b);
            SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]') INTO counts
              FROM @extschema@._leaf_counts(leaf, b.schema_column, wait) x;
        EXCEPTION WHEN lock_not_available OR datatype_mismatch THEN
            IF wait THEN
                RAISE;
            END IF;
            RAISE WARNING 'table "%" was not counted: %', leaf, SQLERRM
                USING HINT = 'Its stored counts stay; run schemareg.recount() again later.';
            CONTINUE;
        END;
        RETURN QUERY
        SELECT f ->> 'ref', leaf, (f ->> 'stored')::bigint, (f ->> 'actual')::bigint
          FROM jsonb_array_elements(counts) f WHERE f -> 'stored' <> f -> 'actual';
        -- Replace this leaf's slots by one exact row per version.
        DELETE FROM @extschema@.record_counts c WHERE c.tbl = leaf;
        INSERT INTO @extschema@.record_counts (schema_id, tbl, slot, n)
        SELECT (f ->> 'schema_id')::bigint, leaf, 0, (f ->> 'actual')::bigint
          FROM jsonb_array_elements(counts) f WHERE (f ->> 'actual')::bigint > 0;
    END LOOP;
END
$$;

CREATE FUNCTION @extschema@._do_recount(caller oid)
    RETURNS TABLE (ref text, stored bigint, actual bigint)
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM @extschema@._require_admin(caller, 'recount');
    -- Bindings of tables that are gone, and counts no bound tree holds.
    DELETE FROM @extschema@.bindings b WHERE NOT EXISTS (SELECT FROM pg_class k WHERE k.oid = b.tbl);
    RETURN QUERY
    SELECT v.name || ':' || v.version, sum(c.n)::bigint, 0::bigint
      FROM @extschema@.record_counts c JOIN @extschema@.schema_versions v ON v.id = c.schema_id
     WHERE NOT EXISTS (SELECT FROM @extschema@.bindings b, @extschema@._tree(b.tbl) t WHERE t = c.tbl)
     GROUP BY 1 HAVING sum(c.n) <> 0;
    PERFORM @extschema@._forget_orphans();
    RETURN QUERY
    SELECT d.ref, sum(d.stored)::bigint, sum(d.actual)::bigint
      FROM @extschema@.bindings b, @extschema@._recount_table(b.tbl::oid, false) d
     GROUP BY d.ref ORDER BY d.ref;
END
$$;

-- 42501 unless `caller` owns the table (has its owner's privileges).
CREATE FUNCTION @extschema@._require_table_owner(tbl regclass, caller oid, doing text)
    RETURNS void
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT pg_has_role(caller, (SELECT c.relowner FROM pg_class c WHERE c.oid = tbl), 'USAGE') THEN
        RAISE EXCEPTION 'must be owner of table % to % it', tbl, doing
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;

-- Runs a statement as `role` (from a _do_ implementation, which runs as the
-- registry's owner) and returns the rows it processed: what attach() and the
-- jobs do to the rows of a table is done with the rights of the caller,
-- under SECURITY_RESTRICTED_OPERATION in its own GUC nest level (as VACUUM
-- runs a table owner's code: no temporary objects, no SET ROLE, no settings
-- that outlive it).
CREATE FUNCTION @extschema@._run_as(role oid, statement text) RETURNS bigint
    LANGUAGE c STRICT AS 'MODULE_PATHNAME', '_run_as';

-- Runs a query that returns one jsonb value as `role`, restricted like
-- _run_as, and returns that value: how a _do_ implementation reads what a
-- query on a user's table finds without running it with the registry's rights.
CREATE FUNCTION @extschema@._query_as(role oid, statement text) RETURNS jsonb
    LANGUAGE c STRICT AS 'MODULE_PATHNAME', '_query_as';

-- The (sub)transaction writing now: the xmin of the rows it wrote.
CREATE FUNCTION @extschema@._current_xid() RETURNS xid
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', '_current_xid';

CREATE FUNCTION @extschema@._do_attach(caller oid, tbl regclass, record_column name,
                                       schema_column name, mode text, errors_column name,
                                       follow_latest boolean)
    RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    kind "char";
    existing @extschema@.bindings;
    col name;
    want regtype;
    domain_ok boolean;
BEGIN
    IF tbl IS NULL OR record_column IS NULL OR schema_column IS NULL OR mode IS NULL
       OR follow_latest IS NULL THEN
        RAISE EXCEPTION 'attach: tbl, record_column, schema_column, mode and follow_latest must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF mode NOT IN ('enforce', 'flag') THEN
        RAISE EXCEPTION 'unknown binding mode "%"', mode
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Modes are enforce and flag.';
    END IF;
    IF (mode = 'flag') <> (errors_column IS NOT NULL) THEN
        RAISE EXCEPTION 'mode % %', mode,
              CASE WHEN mode = 'flag' THEN 'needs an errors_column' ELSE 'takes no errors_column' END
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'flag mode stores each row''s errors in errors_column (jsonb).';
    END IF;
    -- (First: Citus hides its shards from queries on pg_class.)
    PERFORM @extschema@._refuse_citus_table(tbl);
    SELECT c.relkind INTO kind FROM pg_class c WHERE c.oid = tbl;
    PERFORM @extschema@._require_table_owner(tbl, caller, 'bind');
    IF kind NOT IN ('r', 'p') THEN
        RAISE EXCEPTION '"%" is not a table', tbl USING ERRCODE = 'wrong_object_type';
    END IF;
    IF (SELECT c.relpersistence FROM pg_class c WHERE c.oid = tbl) = 't' THEN
        RAISE EXCEPTION 'temporary table "%" cannot be bound', tbl
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'It would vanish with its session without a trace in the counts.';
    END IF;
    -- Writers wait until the binding is complete.
    EXECUTE format('LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE', tbl);
    SELECT * INTO existing FROM @extschema@.bindings b
     WHERE b.tbl = _do_attach.tbl
        OR b.tbl::oid IN (SELECT a FROM pg_partition_ancestors(_do_attach.tbl) a)
        OR b.tbl::oid IN (SELECT t FROM @extschema@._tree(_do_attach.tbl) t);
    IF FOUND THEN
        IF existing.tbl = tbl AND existing.record_column = record_column
           AND existing.schema_column = schema_column AND existing.mode = mode
           AND existing.errors_column IS NOT DISTINCT FROM errors_column
           AND existing.follow_latest = follow_latest THEN
            -- Attached already: its triggers are made again if they are not
            -- as attach() made them (gone with a 0.1.0 DROP TRIGGER, or a
            -- registry re-imported), and the rows checked and counted again.
            IF NOT @extschema@._triggers_intact(tbl) THEN
                PERFORM @extschema@._rebind(existing);
                RAISE NOTICE 'the schemareg triggers of "%" were made again; its rows were checked and counted',
                             tbl;
            END IF;
            RETURN;
        END IF;
        RAISE EXCEPTION 'table "%" is already bound through "%"', tbl, existing.tbl
            USING ERRCODE = 'duplicate_object', HINT = 'Call schemareg.detach() first.';
    END IF;
    -- The record column may be of a domain over jsonb (its constraints are
    -- the table's business; the record is read as the jsonb it is).
    FOR col, want, domain_ok IN VALUES (record_column, 'jsonb'::regtype, true),
                                       (schema_column, 'text'::regtype, false),
                                       (errors_column, 'jsonb'::regtype, false) LOOP
        CONTINUE WHEN col IS NULL;
        IF NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = col
                          AND a.attnum > 0 AND NOT a.attisdropped) THEN
            RAISE EXCEPTION 'column "%" of "%" does not exist', col, tbl
                USING ERRCODE = 'undefined_column';
        END IF;
        IF NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = col
                          AND (a.atttypid = want
                               OR (domain_ok AND @extschema@._base_type(a.atttypid) = want))) THEN
            IF domain_ok THEN
                RAISE EXCEPTION 'column "%" of "%" must be of type %', col, tbl, want
                    USING ERRCODE = 'datatype_mismatch', HINT = 'A domain over jsonb will do too.';
            END IF;
            RAISE EXCEPTION 'column "%" of "%" must be of type %', col, tbl, want
                USING ERRCODE = 'datatype_mismatch';
        END IF;
    END LOOP;
    INSERT INTO @extschema@.bindings AS b (tbl, record_column, schema_column, mode, errors_column,
                                           follow_latest)
    VALUES (tbl, record_column, schema_column, mode, errors_column, follow_latest)
    RETURNING * INTO existing;
    PERFORM @extschema@._check_shape(existing);
    PERFORM @extschema@._bind(tbl, schema_column);
END
$$;

-- True when a trigger is one that attach() makes, as it makes it: its name,
-- its function, its events (tgtype: ROW 1, BEFORE 2, INSERT 4, DELETE 8,
-- UPDATE 16, TRUNCATE 32), no WHEN condition, no column list, and as its
-- arguments the binding (the row triggers: record_column, schema_column,
-- mode, errors_column or '', follow_latest; what repair() makes a lost
-- binding from) or none (the TRUNCATE trigger, and row triggers made before
-- 0.2.0). The triggers cannot be replaced while the table is bound, so their
-- arguments stay the binding's.
CREATE FUNCTION @extschema@._trigger_as_made(name name, fn oid, kind smallint, qual pg_node_tree,
                                             nargs smallint, columns int2vector)
    RETURNS boolean
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT (name, fn, kind) IN (('~schemareg_validate', '@extschema@._validate_row'::regproc, 31),
                                ('~schemareg_count', '@extschema@._count_row'::regproc, 29),
                                ('~schemareg_truncate', '@extschema@._on_truncate'::regproc, 32))
       AND qual IS NULL AND cardinality(columns::int2[]) = 0
       AND (nargs = 0 OR (nargs = 5 AND name <> '~schemareg_truncate'))
$$;

-- A trigger's arguments (pg_trigger.tgargs and tgnargs) as text.
CREATE FUNCTION @extschema@._trigger_args(args bytea, nargs smallint) RETURNS text[]
    LANGUAGE c STRICT IMMUTABLE AS 'MODULE_PATHNAME', '_trigger_args';

-- True when every table of a bound tree has both row triggers of attach(),
-- as attach() makes them, enabled always, and its TRUNCATE triggers, where
-- there are any, are as made and enabled always too.
CREATE FUNCTION @extschema@._triggers_intact(tbl regclass) RETURNS boolean
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT NOT EXISTS (SELECT FROM @extschema@._tree($1) t JOIN pg_trigger g ON g.tgrelid = t
                        WHERE (g.tgfoid IN ('@extschema@._validate_row'::regproc,
                                            '@extschema@._count_row'::regproc,
                                            '@extschema@._on_truncate'::regproc)
                               OR g.tgname IN ('~schemareg_validate', '~schemareg_count',
                                               '~schemareg_truncate'))
                          AND NOT (@extschema@._trigger_as_made(g.tgname, g.tgfoid, g.tgtype, g.tgqual,
                                                                 g.tgnargs, g.tgattr)
                                   AND g.tgenabled = 'A'))
       AND NOT EXISTS (
        SELECT FROM @extschema@._tree($1) t, (VALUES ('~schemareg_validate'), ('~schemareg_count')) w(name)
         WHERE (SELECT c.relkind FROM pg_class c WHERE c.oid = t) IN ('r', 'p')
           AND NOT EXISTS (SELECT FROM pg_trigger g WHERE g.tgrelid = t AND g.tgname = w.name))
$$;

-- 0A000 unless a table can be bound as it is: no bound column generated (the
-- check would see its value before it is computed), no member unlogged (a
-- crash would empty it without a trace in the counts), no inheritance
-- children (their rows are read and written through it without its
-- triggers). attach() checks it, and _check_binding after DDL.
CREATE FUNCTION @extschema@._check_shape(b @extschema@.bindings) RETURNS void
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    bad record;
BEGIN
    SELECT a.attname, a.attrelid::regclass AS tbl INTO bad
      FROM @extschema@._tree(b.tbl) t JOIN pg_attribute a ON a.attrelid = t
     WHERE a.attname IN (b.record_column, b.schema_column, b.errors_column)
       AND a.attgenerated <> '' AND NOT a.attisdropped LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'generated column "%" of table "%" cannot be bound', bad.attname, bad.tbl
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'The check runs before a generated column''s value is computed.';
    END IF;
    SELECT t::regclass AS tbl INTO bad FROM @extschema@._tree(b.tbl) t
     WHERE (SELECT c.relpersistence FROM pg_class c WHERE c.oid = t) <> 'p' LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'table "%" is not permanent and cannot be bound', bad.tbl
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'A crash or the end of a session would empty it without a trace in the counts.';
    END IF;
    SELECT i.inhrelid::regclass AS tbl INTO bad
      FROM @extschema@._tree(b.tbl) t JOIN pg_inherits i ON i.inhparent = t
      JOIN pg_class c ON c.oid = i.inhrelid
     WHERE NOT c.relispartition LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'table "%" inherits from a bound table', bad.tbl
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'Its rows would be read and written through the bound table without being checked.',
                  HINT = 'Bind partitioned tables; inheritance children cannot be bound.';
    END IF;
END
$$;

-- The triggers of a new binding (its row in schemareg.bindings written):
-- the rows already there are checked (and bare names rewritten) as if the
-- table's owner wrote them now, then counted from the heap. The row
-- triggers carry the binding as their arguments (the C functions read the
-- binding's row; a table whose row a restore did not bring says with them
-- how it was bound, for repair()).
CREATE FUNCTION @extschema@._bind(tbl regclass, schema_column name) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    b @extschema@.bindings;
    args text;
BEGIN
    SELECT * INTO b FROM @extschema@.bindings x WHERE x.tbl = _bind.tbl;
    args := format('%L, %L, %L, %L, %L', b.record_column, b.schema_column, b.mode,
                   coalesce(b.errors_column, ''), b.follow_latest);
    -- BEFORE DELETE too, though it checks nothing: it loads the module before
    -- any AFTER trigger fires, so that the statement's counts are written at
    -- its end (the executor hook is then in place).
    -- Named to sort last, so that they fire after the table's other BEFORE
    -- triggers (which could otherwise change a row after it was checked);
    -- _validate_row refuses to run where another one would fire after it.
    EXECUTE format('CREATE TRIGGER "~schemareg_validate" BEFORE INSERT OR UPDATE OR DELETE ON %s
                    FOR EACH ROW EXECUTE FUNCTION @extschema@._validate_row(%s)', tbl, args);
    -- As the table's owner, restricted (_rewrite_rows), whoever binds it: the
    -- table's triggers and expressions run with its owner's rights only, and
    -- no rule, policy or trigger of the table can keep a row from being
    -- checked.
    PERFORM @extschema@._rewrite_rows((SELECT c.relowner FROM pg_class c WHERE c.oid = tbl), tbl,
                                      schema_column, false);
    EXECUTE format('CREATE TRIGGER "~schemareg_count" AFTER INSERT OR UPDATE OR DELETE ON %s
                    FOR EACH ROW EXECUTE FUNCTION @extschema@._count_row(%s)', tbl, args);
    PERFORM @extschema@._recount_table(tbl::oid, true);
    -- Also for replicated writes (session_replication_role = replica, as a
    -- logical replication subscriber applies them): counts stay exact there.
    -- (From here on, DDL on the table reaches _on_ddl, which wants both
    -- triggers in place.)
    EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER "~schemareg_validate"', tbl);
    EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER "~schemareg_count"', tbl);
    PERFORM @extschema@._sync_tree(tbl, true);
END
$$;

-- Makes a binding's triggers again, as attach() makes them, and checks and
-- counts its rows again (attach() again with the same arguments, repair()).
-- The caller holds the table (SHARE ROW EXCLUSIVE).
CREATE FUNCTION @extschema@._rebind(b @extschema@.bindings) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    trig record;
BEGIN
    -- First the binding: only the triggers of an unbound table may go.
    DELETE FROM @extschema@.bindings x WHERE x.tbl = b.tbl;
    EXECUTE format('DROP TRIGGER IF EXISTS "~schemareg_validate" ON %s', b.tbl);
    EXECUTE format('DROP TRIGGER IF EXISTS "~schemareg_count" ON %s', b.tbl);
    FOR trig IN SELECT g.tgrelid::regclass AS rel, g.tgname FROM @extschema@._tree(b.tbl) x
                  JOIN pg_trigger g ON g.tgrelid = x
                 WHERE g.tgfoid = '@extschema@._on_truncate'::regproc
                    OR g.tgname = '~schemareg_truncate' LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', trig.tgname, trig.rel);
    END LOOP;
    INSERT INTO @extschema@.bindings SELECT b.*;
    PERFORM @extschema@._check_shape(b);
    PERFORM @extschema@._bind(b.tbl, b.schema_column);
END
$$;

CREATE FUNCTION @extschema@._do_detach(caller oid, tbl regclass) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    t regclass;
BEGIN
    IF NOT EXISTS (SELECT FROM @extschema@.bindings b WHERE b.tbl = _do_detach.tbl) THEN
        RAISE EXCEPTION 'table "%" is not bound', tbl USING ERRCODE = 'undefined_object';
    END IF;
    -- A table already gone (its binding dangling) has no triggers left.
    IF NOT EXISTS (SELECT FROM pg_class k WHERE k.oid = tbl) THEN
        PERFORM @extschema@._require_admin(caller, 'detach');
    ELSE
        PERFORM @extschema@._require_table_owner(tbl, caller, 'unbind');
        -- First the binding: only the triggers of an unbound table may go.
        DELETE FROM @extschema@.bindings b WHERE b.tbl = _do_detach.tbl;
        EXECUTE format('DROP TRIGGER IF EXISTS "~schemareg_validate" ON %s', tbl);
        EXECUTE format('DROP TRIGGER IF EXISTS "~schemareg_count" ON %s', tbl);
        FOR t IN SELECT x FROM @extschema@._tree(tbl) x LOOP
            EXECUTE format('DROP TRIGGER IF EXISTS "~schemareg_truncate" ON %s', t);
        END LOOP;
        PERFORM @extschema@._forget_counts(tbl::oid);
    END IF;
    DELETE FROM @extschema@.bindings b WHERE b.tbl = _do_detach.tbl;
    PERFORM @extschema@._forget_orphans();
END
$$;

-- A dropped bound table (or partition) takes its binding and counts along;
-- a dropped column does not. A schemareg trigger of a table that stays bound
-- may not be dropped (detach() removes the binding first): the table would
-- be counted but not checked.
-- (The trigger functions here are SECURITY DEFINER: the role whose DDL fires
-- them has no rights on the registry. They cannot be called directly.)
CREATE FUNCTION @extschema@._on_drop() RETURNS event_trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    gone record;
BEGIN
    DELETE FROM @extschema@.record_counts c
     USING pg_event_trigger_dropped_objects() o
     WHERE o.classid = 'pg_class'::regclass AND o.objsubid = 0 AND c.tbl::oid = o.objid;
    DELETE FROM @extschema@.bindings b
     USING pg_event_trigger_dropped_objects() o
     WHERE o.classid = 'pg_class'::regclass AND o.objsubid = 0 AND b.tbl::oid = o.objid;
    FOR gone IN SELECT o.object_identity, o.objid::regclass AS tbl
                  FROM pg_event_trigger_dropped_objects() o, @extschema@.bindings b
                 WHERE o.classid = 'pg_class'::regclass AND o.objsubid <> 0
                   AND (b.tbl = o.objid OR b.tbl::oid IN (SELECT a FROM pg_partition_ancestors(o.objid) a))
                   AND o.address_names[3] IN (b.record_column, b.schema_column, b.errors_column) LOOP
        RAISE EXCEPTION 'column % of bound table % cannot be dropped', gone.object_identity, gone.tbl
            USING ERRCODE = 'dependent_objects_still_exist',
                  DETAIL = 'A bound column cannot be renamed, dropped or given another type.',
                  HINT = 'Call schemareg.detach() first.';
    END LOOP;
    FOR gone IN SELECT o.object_identity, k.oid::regclass AS tbl
                  FROM pg_event_trigger_dropped_objects() o
                  JOIN pg_namespace n ON n.nspname = o.address_names[1]
                  JOIN pg_class k ON k.relnamespace = n.oid AND k.relname = o.address_names[2]
                 WHERE o.classid = 'pg_trigger'::regclass
                   AND o.address_names[3] IN ('~schemareg_validate', '~schemareg_count',
                                              '~schemareg_truncate')
                   AND EXISTS (SELECT FROM @extschema@.bindings b
                                WHERE b.tbl = k.oid
                                   OR b.tbl::oid IN (SELECT a FROM pg_partition_ancestors(k.oid) a)) LOOP
        RAISE EXCEPTION 'cannot drop trigger % of bound table %', gone.object_identity, gone.tbl
            USING ERRCODE = 'dependent_objects_still_exist',
                  DETAIL = 'Without it the table''s rows would be counted but not checked.',
                  HINT = 'Call schemareg.detach() to unbind the table.';
    END LOOP;
END
$$;
CREATE EVENT TRIGGER schemareg_drop ON sql_drop EXECUTE FUNCTION @extschema@._on_drop();
-- Also when DDL is replayed as a replica.
ALTER EVENT TRIGGER schemareg_drop ENABLE ALWAYS;


-- Brings a bound tree up to date with its partitions: a member with rows but
-- no counts (rows a restore loaded before their table's triggers) is counted
-- from the heap, counts of tables that left every tree are forgotten, and
-- with add_triggers (attach() only: pg_restore recreates the triggers itself,
-- and its ALTER TABLEs reach _on_ddl) every member gets the TRUNCATE trigger.
-- After other DDL (not add_triggers), only the members that the command
-- holds are counted: pg_restore -j creates the triggers of a tree's tables
-- concurrently, and locking another member would deadlock with the command
-- that holds it (the command that does gets to count it).
CREATE FUNCTION @extschema@._sync_tree(root regclass, add_triggers boolean) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    t regclass;
BEGIN
    FOR t IN SELECT x FROM @extschema@._tree(root) x LOOP
        IF add_triggers AND NOT EXISTS (SELECT FROM pg_trigger g WHERE g.tgrelid = t
                                           AND g.tgname = '~schemareg_truncate') THEN
            EXECUTE format('CREATE TRIGGER "~schemareg_truncate" AFTER TRUNCATE ON %s
                            FOR EACH STATEMENT EXECUTE FUNCTION @extschema@._on_truncate()', t);
            EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER "~schemareg_truncate"', t);
        END IF;
        IF (SELECT c.relkind FROM pg_class c WHERE c.oid = t) = 'r'
           AND (add_triggers OR @extschema@._locked_by_me(t))
           AND NOT EXISTS (SELECT FROM @extschema@.record_counts c WHERE c.tbl = t)
           AND @extschema@._table_rows(t, 1) > 0 THEN
            PERFORM @extschema@._recount_table(t::oid, true);
        END IF;
    END LOOP;
    PERFORM @extschema@._forget_orphans();
END
$$;

-- 2BP01 or 55000 unless a bound table still has what its binding needs: the
-- bound columns (by name: not renamed or dropped), and attach()'s triggers
-- neither disabled nor renamed. Triggers merely enabled (ENABLE TRIGGER, not
-- ALWAYS) are set back to ALWAYS; so are disabled ones when the session's
-- role may write the registry itself (pg_restore --disable-triggers runs
-- DISABLE TRIGGER ALL on every table it loads: the other triggers stay
-- disabled, schemareg's check and count what it loads). The triggers looked
-- at are those of the tables the command holds (a command that changes a
-- trigger holds its table; another table's lock is not waited for, and
-- another transaction's changes are its own command's to check).
-- (Triggers not there yet are left to pg_restore, which makes them after the
-- binding's row; DROP TRIGGER is refused by _on_drop.)
CREATE FUNCTION @extschema@._check_binding(b @extschema@.bindings) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    col name;
    trig record;
BEGIN
    FOREACH col IN ARRAY ARRAY[b.record_column, b.schema_column, b.errors_column] LOOP
        CONTINUE WHEN col IS NULL;
        IF NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = b.tbl AND a.attname = col
                          AND a.attnum > 0 AND NOT a.attisdropped) THEN
            RAISE EXCEPTION 'column "%" of table "%" is bound by schemareg', col, b.tbl
                USING ERRCODE = 'dependent_objects_still_exist',
                      DETAIL = 'A bound column cannot be renamed, dropped or given another type.',
                      HINT = 'Call schemareg.detach() first.';
        END IF;
    END LOOP;
    FOR trig IN SELECT g.tgrelid::regclass AS tbl, g.tgname, g.tgenabled,
                       @extschema@._trigger_as_made(g.tgname, g.tgfoid, g.tgtype, g.tgqual,
                                                    g.tgnargs, g.tgattr) AS as_made
                  FROM @extschema@._tree(b.tbl) t JOIN pg_trigger g ON g.tgrelid = t
                 WHERE (g.tgfoid IN ('@extschema@._validate_row'::regproc,
                                     '@extschema@._count_row'::regproc,
                                     '@extschema@._on_truncate'::regproc)
                        OR g.tgname IN ('~schemareg_validate', '~schemareg_count', '~schemareg_truncate'))
                   AND @extschema@._locked_by_me(t) LOOP
        IF NOT trig.as_made OR (trig.tgenabled NOT IN ('A', 'O')
                                AND NOT has_table_privilege(session_user,
                                                            '@extschema@.schema_versions', 'INSERT')) THEN
            RAISE EXCEPTION 'the schemareg triggers of table "%" cannot be disabled, renamed or replaced', trig.tbl
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'Without them the table''s rows would be counted but not checked.',
                      HINT = 'Call schemareg.detach() to unbind the table.';
        ELSIF trig.tgenabled <> 'A'
              -- (not set back already by the DDL that setting back another one fired)
              AND (SELECT g.tgenabled FROM pg_trigger g
                    WHERE g.tgrelid = trig.tbl AND g.tgname = trig.tgname) <> 'A' THEN
            IF trig.tgenabled <> 'O' THEN
                RAISE NOTICE 'trigger "%" of table "%" stays enabled always', trig.tgname, trig.tbl
                    USING DETAIL = 'The table is bound: schemareg checks and counts its rows.';
            END IF;
            EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', trig.tbl, trig.tgname);
        END IF;
    END LOOP;
    PERFORM @extschema@._check_shape(b);
END
$$;

-- After DDL on tables: what it did to the bound trees it touched is checked.
-- A bound column given another type is refused (its values were rewritten
-- without the triggers), as is a binding left without its columns or
-- triggers; the rows of an attached partition are checked as its owner
-- (restricted) and counted; new members are brought up to date.
CREATE FUNCTION @extschema@._on_ddl() RETURNS event_trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    b @extschema@.bindings;
    x record;
BEGIN
    -- The registry's own triggers stay enabled ALWAYS: they keep every
    -- backend's caches right and count what a restore loads (pg_restore
    -- --disable-triggers disables every trigger of the tables it loads).
    FOR x IN SELECT g.tgrelid::regclass AS tbl, g.tgname
               FROM pg_event_trigger_ddl_commands() d JOIN pg_trigger g ON g.tgrelid = d.objid
              WHERE d.classid = 'pg_class'::regclass AND d.schema_name = '@extschema@'
                AND NOT d.in_extension AND NOT g.tgisinternal AND g.tgenabled <> 'A' LOOP
        -- (Set back already by the DDL that setting back another one fired.)
        CONTINUE WHEN (SELECT g.tgenabled FROM pg_trigger g
                        WHERE g.tgrelid = x.tbl AND g.tgname = x.tgname) = 'A';
        RAISE NOTICE 'trigger "%" of table "%" stays enabled always', x.tgname, x.tbl
            USING DETAIL = 'It keeps the registry''s caches and counts right.';
        EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', x.tbl, x.tgname);
    END LOOP;
    IF NOT EXISTS (SELECT FROM @extschema@.bindings) THEN
        RETURN;
    END IF;
    FOR x IN SELECT c.relid::regclass AS tbl, c.attnum, c.change
               FROM pg_event_trigger_ddl_commands() d, @extschema@._table_changes(d.command) c
              WHERE d.command_tag = 'ALTER TABLE' LOOP
        SELECT * INTO b FROM @extschema@.bindings y
         WHERE y.tbl = x.tbl OR y.tbl::oid IN (SELECT a FROM pg_partition_ancestors(x.tbl) a);
        CONTINUE WHEN NOT FOUND;
        IF x.change = 'type' AND (SELECT a.attname FROM pg_attribute a
                                   WHERE a.attrelid = x.tbl AND a.attnum = x.attnum)
                                 IN (b.record_column, b.schema_column, b.errors_column) THEN
            RAISE EXCEPTION 'column "%" of table "%" is bound by schemareg',
                            (SELECT a.attname FROM pg_attribute a
                              WHERE a.attrelid = x.tbl AND a.attnum = x.attnum), x.tbl
                USING ERRCODE = 'dependent_objects_still_exist',
                      DETAIL = 'A bound column cannot be renamed, dropped or given another type.',
                      HINT = 'Call schemareg.detach() first.';
        ELSIF x.change = 'attach' THEN
            PERFORM @extschema@._check_new_rows(x.tbl, b);
        END IF;
    END LOOP;
    -- The tables the commands touched (ALTER TRIGGER names a trigger).
    FOR b IN SELECT DISTINCT ON (y.tbl) y.*
               FROM @extschema@.bindings y,
                    (SELECT CASE WHEN d.classid = 'pg_trigger'::regclass
                                 THEN (SELECT g.tgrelid FROM pg_trigger g WHERE g.oid = d.objid)
                                 ELSE d.objid END AS rel
                       FROM pg_event_trigger_ddl_commands() d
                      WHERE d.classid IN ('pg_class'::regclass, 'pg_trigger'::regclass)) d
              WHERE (d.rel = y.tbl
                     OR d.rel IN (SELECT t FROM @extschema@._tree(y.tbl) t)
                     OR y.tbl IN (SELECT a FROM pg_partition_ancestors(d.rel) a)
                     OR y.tbl IN (SELECT i.inhparent FROM pg_inherits i WHERE i.inhrelid = d.rel))
                AND EXISTS (SELECT FROM pg_class k WHERE k.oid = y.tbl) LOOP
        PERFORM @extschema@._check_binding(b);
        PERFORM @extschema@._sync_tree(b.tbl, false);
    END LOOP;
    PERFORM @extschema@._forget_orphans();
END
$$;
-- On every command: ALTER VIEW, ALTER FOREIGN TABLE and others rename the
-- columns of tables too.
CREATE EVENT TRIGGER schemareg_ddl ON ddl_command_end EXECUTE FUNCTION @extschema@._on_ddl();
ALTER EVENT TRIGGER schemareg_ddl ENABLE ALWAYS;

-- The rows a partition brings into a bound tree (ATTACH PARTITION) were never
-- written through its triggers: each leaf's rows are written again as the
-- leaf's owner, restricted (the triggers check them with that role's view
-- of the registry), then counted from the heap.
CREATE FUNCTION @extschema@._check_new_rows(part regclass, b @extschema@.bindings) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    leaf regclass;
BEGIN
    FOR leaf IN SELECT t FROM @extschema@._tree(part) t
                 WHERE (SELECT c.relkind FROM pg_class c WHERE c.oid = t) = 'r' LOOP
        PERFORM @extschema@._rewrite_rows((SELECT c.relowner FROM pg_class c WHERE c.oid = leaf),
                                          leaf, b.schema_column, true);
        PERFORM @extschema@._recount_table(leaf::oid, true);
    END LOOP;
END
$$;

-- Restores. pg_restore -j, and data-only restores, load the registry's
-- tables and the bound tables in any order, and a bound table's rows with or
-- without its triggers. A row that comes before the registry rows it needs
-- is written unchecked and uncounted by the role that restores (see
-- RestoreAhead in src/pg/records.cpp), and the counts are not in the dump;
-- what was not counted is counted when the registry rows arrive (here), or
-- when the table's triggers are made (_on_ddl, _sync_tree).

-- True while one of the registry's public functions runs in this backend:
-- its own writes, as opposed to rows a restore loads.
CREATE FUNCTION @extschema@._in_gate() RETURNS boolean
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', '_in_gate';
-- The table and every table of its tree, locked in SHARE ROW EXCLUSIVE mode,
-- the root first.
CREATE FUNCTION @extschema@._lock_tree(tbl regclass) RETURNS void
    LANGUAGE c STRICT VOLATILE AS 'MODULE_PATHNAME', '_lock_tree';
-- True when this transaction holds the table in SHARE ROW EXCLUSIVE mode or
-- a stronger one.
CREATE FUNCTION @extschema@._locked_by_me(tbl regclass) RETURNS boolean
    LANGUAGE c STRICT VOLATILE AS 'MODULE_PATHNAME', '_locked_by_me';

-- Counts a bound tree's rows anew from its heap (rows a restore loaded
-- without counting them), with its writers and DDL waiting, and sets back to
-- ENABLE ALWAYS the schemareg triggers that a restore's ENABLE TRIGGER ALL
-- (pg_restore --disable-triggers, before the binding's row was there) left
-- enabled only.
CREATE FUNCTION @extschema@._count_loaded(tbl regclass) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    trig record;
BEGIN
    PERFORM @extschema@._lock_tree(tbl);
    FOR trig IN SELECT g.tgrelid::regclass AS rel, g.tgname
                  FROM @extschema@._tree(tbl) t JOIN pg_trigger g ON g.tgrelid = t
                 WHERE g.tgenabled = 'O'
                   AND @extschema@._trigger_as_made(g.tgname, g.tgfoid, g.tgtype, g.tgqual,
                                                    g.tgnargs, g.tgattr) LOOP
        EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', trig.rel, trig.tgname);
    END LOOP;
    PERFORM @extschema@._recount_table(tbl::oid, true);
END
$$;

-- Rows loaded into the registry's tables other than by its functions (a
-- restore): the bound tables whose rows it could not count as they came in
-- are counted now. New bindings: their trees. The registry's first versions,
-- or its first dependencies (before them, a restore's rows naming versions
-- were written uncounted): every bound tree. Under the 'restore' lock, so
-- that of two such loads committing at once, the second sees the first's rows.
CREATE FUNCTION @extschema@._on_registry_rows() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    t regclass;
    rows_in_all bigint;
BEGIN
    IF @extschema@._in_gate() THEN
        RETURN NULL;
    END IF;
    PERFORM @extschema@._lock_key('restore', '');
    IF TG_TABLE_NAME = 'bindings' THEN
        FOR t IN SELECT n.tbl FROM new_rows n
                  WHERE EXISTS (SELECT FROM pg_class k WHERE k.oid = n.tbl) ORDER BY n.tbl::oid LOOP
            PERFORM @extschema@._count_loaded(t);
        END LOOP;
        RETURN NULL;
    END IF;
    EXECUTE format('SELECT count(*) FROM %s', TG_RELID::regclass) INTO rows_in_all;
    IF rows_in_all > (SELECT count(*) FROM new_rows) THEN
        RETURN NULL;
    END IF;
    FOR t IN SELECT b.tbl FROM @extschema@.bindings b
              WHERE EXISTS (SELECT FROM pg_class k WHERE k.oid = b.tbl) ORDER BY b.tbl::oid LOOP
        PERFORM @extschema@._count_loaded(t);
    END LOOP;
    RETURN NULL;
END
$$;
CREATE TRIGGER bindings_loaded AFTER INSERT ON @extschema@.bindings
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@._on_registry_rows();
CREATE TRIGGER schema_versions_loaded AFTER INSERT ON @extschema@.schema_versions
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@._on_registry_rows();
CREATE TRIGGER dependencies_loaded AFTER INSERT ON @extschema@.dependencies
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@._on_registry_rows();
-- Also when the restore runs as a replica (pg_restore --disable-triggers).
ALTER TABLE @extschema@.bindings ENABLE ALWAYS TRIGGER bindings_loaded;
ALTER TABLE @extschema@.schema_versions ENABLE ALWAYS TRIGGER schema_versions_loaded;
ALTER TABLE @extschema@.dependencies ENABLE ALWAYS TRIGGER dependencies_loaded;
