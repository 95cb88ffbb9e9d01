-- Citus (issue 13, first step). schemareg works beside Citus for local
-- tables on the coordinator; what it cannot support yet (records in
-- distributed tables, the registry as a Citus table) is refused with
-- 0A000 where it is asked for, never left as a binding that fails later.
-- Citus's catalog is read only where it exists, by dynamic SQL: nothing
-- here needs Citus installed.

-- What Citus made of a table, as words for a message, or NULL when the
-- table is not in Citus's metadata (or Citus is not installed). A shard (on
-- a node that holds it) is named after its table and its shard id. (Names
-- come from the syscache: Citus hides shards from queries on pg_class.)
CREATE FUNCTION @extschema@._citus_table_kind(tbl oid) RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p record;
    sharded boolean := false;
    names text[] := (pg_identify_object_as_address('pg_class'::regclass, tbl, 0)).object_names;
    shard_id text := substring(names[2] FROM '_([0-9]{1,18})$');
    shard_of regclass;
BEGIN
    IF to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE 'SELECT partmethod, repmodel, colocationid FROM pg_catalog.pg_dist_partition
              WHERE logicalrelid = $1'
      INTO p USING tbl;
    IF p IS NULL THEN
        IF shard_id IS NOT NULL THEN
            EXECUTE 'SELECT logicalrelid FROM pg_catalog.pg_dist_shard WHERE shardid = $1'
              INTO shard_of USING shard_id::bigint;
        END IF;
        IF shard_of IS NOT NULL
           AND (pg_identify_object_as_address('pg_class'::regclass, shard_of, 0)).object_names
               = ARRAY[names[1], left(names[2], -length(shard_id) - 1)] THEN
            RETURN format('shard of "%s"', shard_of);
        END IF;
        RETURN NULL;
    END IF;
    IF to_regclass('pg_catalog.pg_dist_schema') IS NOT NULL THEN
        EXECUTE 'SELECT EXISTS (SELECT FROM pg_catalog.pg_dist_schema s JOIN pg_class c
                                    ON c.relnamespace = s.schemaid::oid WHERE c.oid = $1)'
          INTO sharded USING tbl;
    END IF;
    RETURN CASE WHEN p.repmodel = 't' THEN 'reference table'
                WHEN p.partmethod = 'h' THEN 'hash-distributed table'
                WHEN p.partmethod IN ('r', 'a') THEN 'range- or append-distributed table'
                WHEN sharded THEN 'schema-sharded table'
                WHEN p.colocationid = 0 THEN 'local table added to its metadata'
                ELSE 'single-shard distributed table' END;
END
$$;

-- 0A000 when a table, or a member of its partition tree, is a Citus table:
-- its rows are written on the nodes that hold its shards (or through
-- Citus's own shard of it), where nothing of the binding exists, so they
-- could be neither checked nor counted.
CREATE FUNCTION @extschema@._refuse_citus_table(tbl regclass) RETURNS void
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    t regclass;
    kind text;
BEGIN
    IF to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
        RETURN;
    END IF;
    SELECT x, @extschema@._citus_table_kind(x) INTO t, kind
      FROM @extschema@._tree(tbl) x
     WHERE @extschema@._citus_table_kind(x) IS NOT NULL
     ORDER BY x = tbl DESC LIMIT 1;
    IF kind IS NOT NULL THEN
        RAISE EXCEPTION 'table "%" cannot be bound: % is a Citus %', tbl,
                        CASE WHEN t = tbl THEN 'it' ELSE format('its partition "%s"', t) END, kind
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'Its rows are written where Citus keeps its shards, which have no binding and '
                           'no registry of their own yet: they could be neither checked nor counted.',
                  HINT = 'Bind a local table of the coordinator, or make this one local again first '
                         '(Citus''s undistribute_table()).';
    END IF;
END
$$;

-- What Citus does to a table's own DDL when it makes the table a Citus table
-- is refused here, on whichever node runs it, before the table's rows can be
-- written where schemareg has neither binding nor registry (the refusal on a
-- worker reaches the coordinator with its SQLSTATE, and Citus rolls back the
-- whole distributed transaction). Citus gives a shard the table's name and
-- the shard's number (`r_102008`), and the table's triggers the same suffix:
--  * a shard of one of schemareg's own tables (create_reference_table(),
--    create_distributed_table() of the registry) is a table of this schema
--    that the extension did not make, named after one of its tables;
--  * a shard of a bound table (create_distributed_table(),
--    create_reference_table(), citus_schema_distribute(), ALTER TABLE ...
--    SET SCHEMA into a distributed schema, with citus.enable_unsafe_triggers
--    on: without it Citus refuses a table with triggers itself) gets copies
--    of attach()'s triggers, with the shard's suffix;
--  * a bound table or a registry table that Citus adds to its metadata as a
--    local table (citus_add_local_table_to_metadata(), a foreign key to a
--    reference table) is renamed to its shard's name, the number Citus just
--    drew from pg_dist_shardid_seq in this session.
CREATE FUNCTION @extschema@._on_citus_ddl() RETURNS event_trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    x record;
    base text;
    registry boolean;
    shard bigint;
BEGIN
    IF to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
        RETURN;
    END IF;
    -- (Names from the syscache: Citus hides known shards from queries on
    -- pg_class, and runs a shard's DDL in this backend where it has one.)
    FOR x IN SELECT d.command_tag, r.rel, a.object_names[1] AS nspname, a.object_names[2] AS relname, g.tgname
               FROM pg_event_trigger_ddl_commands() d
               LEFT JOIN pg_trigger g ON d.classid = 'pg_trigger'::regclass AND g.oid = d.objid
               CROSS JOIN LATERAL (SELECT CASE WHEN d.classid = 'pg_trigger'::regclass THEN g.tgrelid
                                               WHEN d.classid = 'pg_class'::regclass AND d.objsubid = 0
                                               THEN d.objid END AS rel) r
               CROSS JOIN LATERAL pg_identify_object_as_address('pg_class'::regclass, r.rel, 0) a
              WHERE NOT d.in_extension AND r.rel IS NOT NULL
                AND (d.classid = 'pg_class'::regclass
                     OR g.tgfoid IN (SELECT p.oid FROM pg_proc p
                                      WHERE p.pronamespace = '@extschema@'::regnamespace)) LOOP
        base := regexp_replace(x.relname, '_[0-9]{1,18}$', '');
        CONTINUE WHEN base = x.relname;
        -- One of schemareg's tables, or a shard of one (named after it).
        registry := x.nspname = '@extschema@'
                    AND EXISTS (SELECT FROM pg_depend e
                                 WHERE e.classid = 'pg_class'::regclass AND e.deptype = 'e'
                                   AND e.refclassid = 'pg_extension'::regclass
                                   AND e.refobjid = (SELECT ext.oid FROM pg_extension ext
                                                      WHERE ext.extname = 'schemareg')
                                   AND (pg_identify_object_as_address('pg_class'::regclass, e.objid, 0)).object_names[2]
                                       IN (x.relname, base));
        shard := NULL;
        IF x.command_tag = 'CREATE TABLE' AND registry THEN
            shard := substring(x.relname FROM '_([0-9]+)$');
        ELSIF x.command_tag = 'CREATE TRIGGER'
              AND substring(x.tgname FROM '_([0-9]+)$') = substring(x.relname FROM '_([0-9]+)$') THEN
            shard := substring(x.relname FROM '_([0-9]+)$');
        ELSIF x.command_tag = 'ALTER TABLE' THEN
            BEGIN
                IF substring(x.relname FROM '_([0-9]+)$')::bigint
                   = currval('pg_catalog.pg_dist_shardid_seq') THEN
                    shard := substring(x.relname FROM '_([0-9]+)$');
                END IF;
            EXCEPTION WHEN object_not_in_prerequisite_state OR undefined_table THEN
                NULL;  -- (no shard number drawn in this session)
            END;
            -- (A separate statement: the renamed table may be schemareg.bindings.)
            IF shard IS NOT NULL AND NOT registry THEN
                IF NOT EXISTS (SELECT FROM @extschema@.bindings b WHERE b.tbl = x.rel) THEN
                    shard := NULL;
                END IF;
            END IF;
        END IF;
        CONTINUE WHEN shard IS NULL;
        IF registry THEN
            RAISE EXCEPTION 'schemareg''s table "%" cannot become a Citus table', format('%I.%I', x.nspname, base)
                USING ERRCODE = 'feature_not_supported',
                      DETAIL = format('Citus was making it its shard %s. The registry stays local to the '
                                      'coordinator: its triggers, foreign keys and event triggers query '
                                      'it in ways Citus cannot send to other nodes.', x.relname),
                      HINT = 'Leave schemareg''s tables as they are; only record tables are for Citus '
                             '(see "Citus" in schemareg''s reference).';
        END IF;
        RAISE EXCEPTION 'table "%" cannot become a Citus table while schemareg binds it',
                        format('%I.%I', x.nspname, base)
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = format('Citus was making it its shard %s. Its rows would be written where Citus keeps '
                                  'its shards, which have no binding and no registry of their own yet: they '
                                  'could be neither checked nor counted.', x.relname),
                  HINT = 'Call schemareg.detach() on it first, or keep it a local table.';
    END LOOP;
END
$$;
-- Also when DDL is replayed as a replica, as schemareg's other event triggers.
CREATE EVENT TRIGGER schemareg_citus ON ddl_command_end
    WHEN TAG IN ('CREATE TABLE', 'CREATE TRIGGER', 'ALTER TABLE')
    EXECUTE FUNCTION @extschema@._on_citus_ddl();
ALTER EVENT TRIGGER schemareg_citus ENABLE ALWAYS;
