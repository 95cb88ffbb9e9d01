-- check(): every inconsistency between the registry and what it describes.

-- What an admin would want repaired, one row each: bindings of tables that
-- are gone, schemareg triggers missing or not enabled ALWAYS, stored counts
-- that differ from the rows (counted from the heap, under SHARE locks),
-- counts of tables no binding governs, dependencies that differ from what
-- the definitions use now (by name: a $ref by $id goes to the newest
-- version), and versions left pending or deleting. Reads only.
CREATE FUNCTION @extschema@._do_check(caller oid)
    RETURNS TABLE (kind text, object text, detail text)
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    b @extschema@.bindings;
    leaf regclass;
    v @extschema@.schema_versions;
    used text[];
    recorded text[];
BEGIN
    PERFORM @extschema@._require_admin(caller, 'check');
    FOR b IN SELECT * FROM @extschema@.bindings x ORDER BY x.tbl::oid LOOP
        IF NOT EXISTS (SELECT FROM pg_class k WHERE k.oid = b.tbl) THEN
            RETURN QUERY SELECT 'binding', b.tbl::oid::text,
                                'the bound table is gone (recount() forgets its binding)';
            CONTINUE;
        END IF;
        RETURN QUERY
        SELECT 'trigger', format('%I on %s', w.name, t),
               CASE WHEN g.oid IS NULL THEN 'missing (attach() again makes it)'
                    WHEN g.tgenabled = 'D' THEN 'disabled'
                    WHEN g.tgenabled = 'R' THEN 'enabled for replicas only'
                    ELSE 'enabled, but not ALWAYS' END
          FROM @extschema@._tree(b.tbl) t
         CROSS JOIN (VALUES ('~schemareg_validate', '@extschema@._validate_row'::regproc),
                            ('~schemareg_count', '@extschema@._count_row'::regproc)) w(name, fn)
          LEFT JOIN pg_trigger g ON g.tgrelid = t AND g.tgname = w.name AND g.tgfoid = w.fn
         WHERE (SELECT c.relkind FROM pg_class c WHERE c.oid = t) IN ('r', 'p')
           AND (g.oid IS NULL OR g.tgenabled <> 'A')
         ORDER BY t::oid, w.name;
        FOR leaf IN SELECT t FROM @extschema@._tree(b.tbl) t
                     WHERE (SELECT c.relkind FROM pg_class c WHERE c.oid = t) = 'r' ORDER BY t::oid LOOP
            BEGIN
                RETURN QUERY
                SELECT 'count', format('%s in %s', c.ref, leaf),
                       format('stored %s, rows %s (recount() repairs it)', c.stored, c.actual)
                  FROM @extschema@._leaf_counts(leaf, b.schema_column, false) c
                 WHERE c.stored <> c.actual ORDER BY c.ref;
            EXCEPTION WHEN lock_not_available OR datatype_mismatch THEN
                RETURN QUERY SELECT 'count', leaf::text, 'not checked: ' || SQLERRM;
            END;
        END LOOP;
    END LOOP;
    RETURN QUERY
    SELECT 'count', format('%s in %s', v2.name || ':' || v2.version, c.tbl::oid),
           format('stored %s for a table no binding governs (recount() forgets it)', sum(c.n))
      FROM @extschema@.record_counts c JOIN @extschema@.schema_versions v2 ON v2.id = c.schema_id
     WHERE NOT EXISTS (SELECT FROM @extschema@.bindings x, @extschema@._tree(x.tbl) t
                        WHERE t = c.tbl AND EXISTS (SELECT FROM pg_class k WHERE k.oid = x.tbl))
     GROUP BY v2.id, v2.name, v2.version, c.tbl ORDER BY v2.id, c.tbl::oid;
    FOR v IN SELECT * FROM @extschema@.schema_versions x WHERE x.status = 'exists' ORDER BY x.id LOOP
        recorded := ARRAY(SELECT DISTINCT u.name FROM @extschema@.dependencies d
                            JOIN @extschema@.schema_versions u ON u.id = d.depends_on
                           WHERE d.schema_id = v.id ORDER BY 1);
        BEGIN
            -- Compiled as its owner would register it now, in its own dialect.
            PERFORM set_config('schemareg.default_dialect', v.dialect, true);
            used := ARRAY(SELECT DISTINCT u.name
                            FROM @extschema@._compile(v.definition, v.owner) c, unnest(c.uses) i
                            JOIN @extschema@.schema_versions u ON u.id = i ORDER BY 1);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'dependency', v.name || ':' || v.version,
                                'its definition does not compile now: ' || SQLERRM;
            CONTINUE;
        END;
        IF used <> recorded THEN
            RETURN QUERY SELECT 'dependency', v.name || ':' || v.version,
                                format('its definition uses %s; the registry records %s',
                                       coalesce(nullif(array_to_string(used, ', '), ''), 'none'),
                                       coalesce(nullif(array_to_string(recorded, ', '), ''), 'none'));
        END IF;
    END LOOP;
    RETURN QUERY
    SELECT 'lifecycle', x.name || ':' || x.version,
           x.status || coalesce(': ' || x.last_error, '') || ' (reconcile() retries it)'
      FROM @extschema@.schema_versions x WHERE x.status <> 'exists' ORDER BY x.id;
END
$$;

CREATE FUNCTION @extschema@.check()
    RETURNS TABLE (kind text, object text, detail text)
    LANGUAGE c AS 'MODULE_PATHNAME', '_gate';
COMMENT ON FUNCTION @extschema@.check() IS
    'lists every inconsistency: bindings, triggers, counts, dependencies, unfinished versions (admins)';
