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

-- Backends cache the bindings; every change drops those caches.
CREATE TRIGGER bindings_invalidate_cache
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.bindings
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@._invalidate_cache();

CREATE VIEW @extschema@.bound_tables AS
SELECT b.tbl, b.record_column, b.schema_column, b.mode, b.errors_column, b.follow_latest,
       coalesce((SELECT sum(c.n) FROM @extschema@.record_counts c
                  WHERE c.tbl::oid IN (SELECT b.tbl::oid UNION ALL
                                       SELECT i.relid FROM pg_partition_tree(b.tbl) i)),
                0)::bigint AS records,
       b.created_at
  FROM @extschema@.bindings b;
COMMENT ON VIEW @extschema@.bound_tables IS 'bound tables and how many of their rows name a schema';

-- How many of this backend's count writes found the slot row where the
-- backend left it (direct) and how many went through SQL (src/pg/slots.cpp).
CREATE FUNCTION @extschema@._slot_writes(OUT direct bigint, OUT by_sql bigint)
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', '_slot_writes';

CREATE FUNCTION @extschema@._validate_row() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', '_validate_row';
CREATE FUNCTION @extschema@._count_row() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', '_count_row';

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

-- 42804 unless a binding's columns still have the types attach() checked
-- (statements run as the registry's owner read them; a column whose type was
-- changed since would run its owner's casts).
CREATE FUNCTION @extschema@._check_bound_columns(tbl regclass, b @extschema@.bindings)
    RETURNS void
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    col name;
    want regtype;
BEGIN
    FOR col, want IN VALUES (b.record_column, 'jsonb'::regtype), (b.schema_column, 'text'::regtype),
                            (b.errors_column, 'jsonb'::regtype) LOOP
        CONTINUE WHEN col IS NULL;
        IF NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = col
                          AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid = want) THEN
            RAISE EXCEPTION 'column "%" of "%" is not of type % any more', col, tbl, want
                USING ERRCODE = 'datatype_mismatch',
                      HINT = 'Call schemareg.detach() and schemareg.attach() again.';
        END IF;
    END LOOP;
END
$$;

-- Counts the rows of each leaf of a table's tree anew from the table itself,
-- if a binding governs it. Returns the (version, table) pairs whose stored
-- count was wrong, with both counts.
CREATE FUNCTION @extschema@._recount_table(target oid, OUT ref text, OUT tbl_name regclass,
                                           OUT stored bigint, OUT actual bigint)
    RETURNS SETOF record
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    b @extschema@.bindings;
    leaf regclass;
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
        PERFORM @extschema@._check_bound_columns(leaf, b);
        -- Writers of this table wait: the count is of a table that stands still.
        EXECUTE format('LOCK TABLE ONLY %s IN SHARE MODE', leaf);
        RETURN QUERY EXECUTE format(
            'WITH actual AS (SELECT %1$I::text AS ref, count(*) AS n FROM ONLY %2$s
                              WHERE %1$I IS NOT NULL GROUP BY 1),
                  stored AS (SELECT v.name || '':'' || v.version AS ref, sum(c.n) AS n
                               FROM @extschema@.record_counts c
                               JOIN @extschema@.schema_versions v ON v.id = c.schema_id
                              WHERE c.tbl = %3$L::regclass GROUP BY 1)
             SELECT coalesce(a.ref, s.ref), %3$L::regclass, coalesce(s.n, 0)::bigint,
                    coalesce(a.n, 0)::bigint
               FROM actual a FULL JOIN stored s ON s.ref = a.ref
              WHERE coalesce(s.n, 0) <> coalesce(a.n, 0)',
            b.schema_column, leaf, leaf::oid);
        -- Replace this leaf's slots by one exact row per version.
        DELETE FROM @extschema@.record_counts c WHERE c.tbl = leaf;
        EXECUTE format(
            'INSERT INTO @extschema@.record_counts (schema_id, tbl, slot, n)
             SELECT v.id, %2$L::regclass, 0, count(*)
               FROM ONLY %2$s r
               JOIN @extschema@.schema_versions v
                 ON v.name = split_part(r.%1$I, '':'', 1)
                AND v.version = split_part(r.%1$I, '':'', 2)::integer
              WHERE r.%1$I IS NOT NULL GROUP BY v.id',
            b.schema_column, leaf);
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
      FROM @extschema@.bindings b, @extschema@._recount_table(b.tbl::oid) d
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
-- jobs do to the rows of a table is done with the rights of the caller.
CREATE FUNCTION @extschema@._run_as(role oid, statement text) RETURNS bigint
    LANGUAGE c STRICT AS 'MODULE_PATHNAME', '_run_as';

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
            RETURN;
        END IF;
        RAISE EXCEPTION 'table "%" is already bound through "%"', tbl, existing.tbl
            USING ERRCODE = 'duplicate_object', HINT = 'Call schemareg.detach() first.';
    END IF;
    FOR col, want IN VALUES (record_column, 'jsonb'::regtype), (schema_column, 'text'::regtype),
                            (errors_column, 'jsonb'::regtype) LOOP
        CONTINUE WHEN col IS NULL;
        IF NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = col
                          AND a.attnum > 0 AND NOT a.attisdropped) THEN
            RAISE EXCEPTION 'column "%" of "%" does not exist', col, tbl
                USING ERRCODE = 'undefined_column';
        END IF;
        IF NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = col
                          AND a.atttypid = want) THEN
            RAISE EXCEPTION 'column "%" of "%" must be of type %', col, tbl, want
                USING ERRCODE = 'datatype_mismatch';
        END IF;
    END LOOP;
    INSERT INTO @extschema@.bindings AS b (tbl, record_column, schema_column, mode, errors_column,
                                           follow_latest)
    VALUES (tbl, record_column, schema_column, mode, errors_column, follow_latest);
    -- BEFORE DELETE too, though it checks nothing: it loads the module before
    -- any AFTER trigger fires, so that the statement's counts are written at
    -- its end (the executor hook is then in place).
    -- Named to sort last, so that they fire after the table's other BEFORE
    -- triggers (which could otherwise change a row after it was checked).
    EXECUTE format('CREATE TRIGGER "~schemareg_validate" BEFORE INSERT OR UPDATE OR DELETE ON %s
                    FOR EACH ROW EXECUTE FUNCTION @extschema@._validate_row()', tbl);
    -- The rows already there are checked (and bare names rewritten) as if
    -- the caller wrote them now, then counted.
    PERFORM @extschema@._run_as(caller, format('UPDATE %s SET %I = %I WHERE %I IS NOT NULL', tbl,
                                               schema_column, schema_column, schema_column));
    EXECUTE format('CREATE TRIGGER "~schemareg_count" AFTER INSERT OR UPDATE OR DELETE ON %s
                    FOR EACH ROW EXECUTE FUNCTION @extschema@._count_row()', tbl);
    -- Also for replicated writes (session_replication_role = replica, as a
    -- logical replication subscriber applies them): counts stay exact there.
    EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER "~schemareg_validate"', tbl);
    EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER "~schemareg_count"', tbl);
    PERFORM @extschema@._sync_tree(tbl, true);
    PERFORM @extschema@._recount_table(tbl::oid);
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

-- A dropped bound table (or partition) takes its binding and counts along.
-- (The trigger functions here are SECURITY DEFINER: the role whose DDL fires
-- them has no rights on the registry. They cannot be called directly.)
CREATE FUNCTION @extschema@._on_drop() RETURNS event_trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM @extschema@.record_counts c
     USING pg_event_trigger_dropped_objects() o
     WHERE o.classid = 'pg_class'::regclass AND c.tbl::oid = o.objid;
    DELETE FROM @extschema@.bindings b
     USING pg_event_trigger_dropped_objects() o
     WHERE o.classid = 'pg_class'::regclass AND b.tbl::oid = o.objid;
END
$$;
CREATE EVENT TRIGGER schemareg_drop ON sql_drop EXECUTE FUNCTION @extschema@._on_drop();
-- Also when DDL is replayed as a replica.
ALTER EVENT TRIGGER schemareg_drop ENABLE ALWAYS;

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

-- Brings a bound tree up to date with its partitions: a member with rows but
-- no counts (an attached partition) is counted, counts of tables that left
-- every tree are forgotten, and with add_triggers (attach() only: pg_restore
-- recreates the triggers itself, and its ALTER TABLEs reach _on_ddl) every
-- member gets the TRUNCATE trigger.
CREATE FUNCTION @extschema@._sync_tree(root regclass, add_triggers boolean) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    t regclass;
    has_rows boolean;
BEGIN
    FOR t IN SELECT x FROM @extschema@._tree(root) x LOOP
        IF add_triggers AND NOT EXISTS (SELECT FROM pg_trigger g WHERE g.tgrelid = t
                                           AND g.tgname = '~schemareg_truncate') THEN
            EXECUTE format('CREATE TRIGGER "~schemareg_truncate" AFTER TRUNCATE ON %s
                            FOR EACH STATEMENT EXECUTE FUNCTION @extschema@._on_truncate()', t);
            EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER "~schemareg_truncate"', t);
        END IF;
        IF (SELECT c.relkind FROM pg_class c WHERE c.oid = t) = 'r'
           AND NOT EXISTS (SELECT FROM @extschema@.record_counts c WHERE c.tbl = t) THEN
            EXECUTE format('SELECT EXISTS (SELECT FROM ONLY %s)', t) INTO has_rows;
            IF has_rows THEN
                PERFORM @extschema@._recount_table(t::oid);
            END IF;
        END IF;
    END LOOP;
    PERFORM @extschema@._forget_orphans();
END
$$;

-- After CREATE TABLE ... PARTITION OF and ALTER TABLE ... ATTACH/DETACH
-- PARTITION: the bound trees they touch are brought up to date.
CREATE FUNCTION @extschema@._on_ddl() RETURNS event_trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    b regclass;
BEGIN
    IF NOT EXISTS (SELECT FROM @extschema@.bindings) THEN
        RETURN;
    END IF;
    FOR b IN SELECT DISTINCT x.tbl FROM @extschema@.bindings x, pg_event_trigger_ddl_commands() d
              WHERE d.classid = 'pg_class'::regclass
                AND (d.objid = x.tbl
                     OR d.objid IN (SELECT t FROM @extschema@._tree(x.tbl) t)
                     OR x.tbl IN (SELECT a FROM pg_partition_ancestors(d.objid) a))
                AND EXISTS (SELECT FROM pg_class k WHERE k.oid = x.tbl) LOOP
        PERFORM @extschema@._sync_tree(b, false);
    END LOOP;
    PERFORM @extschema@._forget_orphans();
END
$$;
CREATE EVENT TRIGGER schemareg_ddl ON ddl_command_end
    WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE') EXECUTE FUNCTION @extschema@._on_ddl();
ALTER EVENT TRIGGER schemareg_ddl ENABLE ALWAYS;
