-- check(): every inconsistency between the registry and what it describes;
-- repair(): what of it can be derived, made again.

-- Tables with schemareg's row triggers that no binding governs (a restore
-- that did not bring the registry's rows, or triggers made by hand), with
-- the binding their arguments give (record_column, schema_column, mode,
-- errors_column or '', follow_latest), when both row triggers give the same
-- one (NULL for triggers made before 0.2.0, which carry none).
CREATE FUNCTION @extschema@._unbound_triggers() RETURNS TABLE (tbl regclass, args text[])
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT v.tgrelid::regclass,
           CASE WHEN v.tgnargs = 5 AND c.tgnargs = 5
                     AND @extschema@._trigger_args(v.tgargs, v.tgnargs)
                         = @extschema@._trigger_args(c.tgargs, c.tgnargs)
                THEN @extschema@._trigger_args(v.tgargs, v.tgnargs) END
      FROM pg_trigger v
      LEFT JOIN pg_trigger c ON c.tgrelid = v.tgrelid AND c.tgname = '~schemareg_count'
                            AND c.tgfoid = '@extschema@._count_row'::regproc
     WHERE v.tgname = '~schemareg_validate' AND v.tgfoid = '@extschema@._validate_row'::regproc
       AND v.tgparentid = 0
       AND NOT EXISTS (SELECT FROM @extschema@.bindings b
                        WHERE b.tbl = v.tgrelid
                           OR b.tbl::oid IN (SELECT a FROM pg_partition_ancestors(v.tgrelid) a))
$$;


-- What an admin would want repaired, one row each: bindings of tables that
-- are gone, tables with schemareg triggers but no binding (a restore that
-- did not bring the registry's rows), schemareg triggers missing or not
-- enabled ALWAYS, stored counts
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
    RETURN QUERY
    SELECT 'binding', u.tbl::text,
           CASE WHEN u.args IS NOT NULL
                THEN 'has schemareg triggers but no binding (repair() makes it as their arguments say)'
                ELSE 'has schemareg triggers but no binding (attach() it, or drop them)' END
      FROM @extschema@._unbound_triggers() u ORDER BY u.tbl::oid;
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
            PERFORM set_config('schemareg.strict', 'off', true);
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

-- repair(): makes again what check() finds and what can be derived, and
-- returns what it changed, one row each; nothing on a consistent registry
-- (after a correct restore, for one). In order: bindings of tables that are
-- gone are forgotten; each version's dependencies are recorded again from
-- its definition, compiled as its owner would register it now (a $ref by
-- name:version: that version; by $id: the version already recorded for that
-- name, else the newest of the name when the version was made), and rows
-- naming versions that are gone are forgotten; counts of tables no binding
-- governs are forgotten and every bound table is counted again from its
-- heap (as recount(): a table another transaction holds is passed over,
-- with a WARNING); a table with schemareg triggers but no binding is bound
-- as their arguments say (as its owner would attach it: its rows checked as
-- the owner and counted); a bound table whose triggers are missing or not
-- as attach() makes them gets them again (as attach() again does). Nothing
-- of a table's owner runs with the registry's rights. Versions left pending
-- or deleting are reconcile()'s.
CREATE FUNCTION @extschema@._do_repair(caller oid)
    RETURNS TABLE (kind text, object text, detail text)
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    b @extschema@.bindings;
    u record;
    v @extschema@.schema_versions;
    trig record;
    used bigint[];
    want bigint[];
    have bigint[];
BEGIN
    PERFORM @extschema@._require_admin(caller, 'repair');
    FOR b IN DELETE FROM @extschema@.bindings x WHERE NOT EXISTS (SELECT FROM pg_class k WHERE k.oid = x.tbl)
             RETURNING * LOOP
        RETURN QUERY SELECT 'binding', b.tbl::oid::text, 'forgotten: its table is gone';
    END LOOP;

    -- Dependencies first: the rows checked below need their schemas to compile.
    FOR u IN DELETE FROM @extschema@.dependencies d
              WHERE NOT EXISTS (SELECT FROM @extschema@.schema_versions s WHERE s.id = d.schema_id)
                 OR NOT EXISTS (SELECT FROM @extschema@.schema_versions s WHERE s.id = d.depends_on)
             RETURNING d.* LOOP
        RETURN QUERY
        SELECT 'dependency',
               format('%s uses %s',
                      coalesce((SELECT s.name || ':' || s.version FROM @extschema@.schema_versions s
                                 WHERE s.id = u.schema_id), 'version ' || u.schema_id),
                      coalesce((SELECT s.name || ':' || s.version FROM @extschema@.schema_versions s
                                 WHERE s.id = u.depends_on), 'version ' || u.depends_on)),
               'forgotten: a version it names is gone';
    END LOOP;
    FOR v IN SELECT * FROM @extschema@.schema_versions x WHERE x.status = 'exists' ORDER BY x.id LOOP
        BEGIN
            -- Compiled as its owner would register it now, in its own dialect.
            PERFORM set_config('schemareg.default_dialect', v.dialect, true);
            PERFORM set_config('schemareg.strict', 'off', true);
            used := (SELECT c.uses FROM @extschema@._compile(v.definition, v.owner) c);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'dependency', v.name || ':' || v.version,
                                'not repaired: its definition does not compile now: ' || SQLERRM;
            CONTINUE;
        END;
        have := ARRAY(SELECT d.depends_on FROM @extschema@.dependencies d
                       WHERE d.schema_id = v.id ORDER BY 1);
        want := ARRAY(
            SELECT DISTINCT w FROM (
                -- Recorded uses of names it uses: kept (their pin).
                SELECT d.depends_on AS w
                  FROM @extschema@.dependencies d JOIN @extschema@.schema_versions r ON r.id = d.depends_on
                 WHERE d.schema_id = v.id
                   AND r.name IN (SELECT s.name FROM @extschema@.schema_versions s WHERE s.id = ANY (used))
                UNION ALL
                -- Names it uses that none is recorded for.
                SELECT CASE
                    WHEN EXISTS (SELECT FROM jsonb_path_query(v.definition, 'lax $.**."$ref"') r
                                  WHERE split_part(r #>> '{}', '#', 1) = s.name || ':' || s.version)
                    THEN s.id
                    ELSE coalesce((SELECT p.id FROM @extschema@.schema_versions p
                                    WHERE p.name = s.name AND p.status = 'exists'
                                      AND p.created_at <= v.created_at
                                    ORDER BY p.version DESC LIMIT 1), s.id) END
                  FROM @extschema@.schema_versions s
                 WHERE s.id = ANY (used)
                   AND s.name NOT IN (SELECT r.name FROM @extschema@.dependencies d
                                        JOIN @extschema@.schema_versions r ON r.id = d.depends_on
                                       WHERE d.schema_id = v.id)) x
             ORDER BY 1);
        CONTINUE WHEN want = have;
        DELETE FROM @extschema@.dependencies d WHERE d.schema_id = v.id AND d.depends_on <> ALL (want);
        INSERT INTO @extschema@.dependencies (schema_id, depends_on)
        SELECT v.id, w FROM unnest(want) w ON CONFLICT DO NOTHING;
        RETURN QUERY SELECT 'dependency', v.name || ':' || v.version,
            format('recorded as using %s (it was: %s)',
                   coalesce((SELECT string_agg(s.name || ':' || s.version, ', ' ORDER BY s.name, s.version)
                               FROM @extschema@.schema_versions s WHERE s.id = ANY (want)), 'none'),
                   coalesce((SELECT string_agg(coalesce(s.name || ':' || s.version, h::text), ', '
                                               ORDER BY s.name, s.version)
                               FROM unnest(have) h LEFT JOIN @extschema@.schema_versions s ON s.id = h),
                            'none'));
    END LOOP;

    -- Counts, from the tables' heaps (before bindings and triggers are made
    -- again, which count what they bind anew): of tables no binding
    -- governs, but those about to be bound from their triggers, forgotten;
    -- of every bound table, counted again.
    RETURN QUERY
    WITH gone AS (
        DELETE FROM @extschema@.record_counts c
         WHERE NOT EXISTS (SELECT FROM @extschema@.bindings x, @extschema@._tree(x.tbl) t WHERE t = c.tbl)
           AND c.tbl::oid NOT IN (SELECT t FROM @extschema@._unbound_triggers() y, @extschema@._tree(y.tbl) t
                                   WHERE y.args IS NOT NULL)
        RETURNING c.*)
    SELECT 'count', format('%s in %s', v2.name || ':' || v2.version, g.tbl::oid),
           format('stored %s for a table no binding governs: forgotten', sum(g.n))
      FROM gone g JOIN @extschema@.schema_versions v2 ON v2.id = g.schema_id
     GROUP BY v2.id, v2.name, v2.version, g.tbl HAVING sum(g.n) <> 0 ORDER BY v2.id, g.tbl::oid;
    RETURN QUERY
    SELECT 'count', format('%s in %s', d.ref, d.tbl_name),
           format('stored %s, rows %s: counted again', d.stored, d.actual)
      FROM @extschema@.bindings x, @extschema@._recount_table(x.tbl::oid, false) d
     ORDER BY d.tbl_name::text, d.ref;

    -- Bindings from the triggers' arguments.
    FOR u IN SELECT * FROM @extschema@._unbound_triggers() x ORDER BY x.tbl::oid LOOP
        IF u.args IS NULL THEN
            RETURN QUERY SELECT 'binding', u.tbl::text,
                'not made: its schemareg triggers do not say how it was bound (attach() it, or drop them)';
            CONTINUE;
        END IF;
        BEGIN
            -- An unbound table's schemareg triggers may go; attach() makes them again.
            EXECUTE format('LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE', u.tbl);
            EXECUTE format('DROP TRIGGER IF EXISTS "~schemareg_validate" ON %s', u.tbl);
            EXECUTE format('DROP TRIGGER IF EXISTS "~schemareg_count" ON %s', u.tbl);
            FOR trig IN SELECT g.tgrelid::regclass AS rel, g.tgname FROM @extschema@._tree(u.tbl) x
                          JOIN pg_trigger g ON g.tgrelid = x
                         WHERE g.tgname = '~schemareg_truncate' LOOP
                EXECUTE format('DROP TRIGGER %I ON %s', trig.tgname, trig.rel);
            END LOOP;
            PERFORM @extschema@._do_attach((SELECT c.relowner FROM pg_class c WHERE c.oid = u.tbl), u.tbl,
                                           u.args[1]::name, u.args[2]::name, u.args[3],
                                           nullif(u.args[4], '')::name, u.args[5]::boolean);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'binding', u.tbl::text,
                'not made from its schemareg triggers: ' || SQLERRM;
            CONTINUE;
        END;
        RETURN QUERY SELECT 'binding', u.tbl::text,
            format('made from its schemareg triggers (%s, %s, %s%s%s); its rows checked and counted',
                   u.args[1], u.args[2], u.args[3], coalesce(', ' || nullif(u.args[4], ''), ''),
                   CASE WHEN u.args[5]::boolean THEN ', follow_latest' ELSE '' END);
    END LOOP;

    -- Triggers of bound tables, as attach() makes them.
    FOR b IN SELECT * FROM @extschema@.bindings x ORDER BY x.tbl::oid LOOP
        CONTINUE WHEN @extschema@._triggers_intact(b.tbl);
        BEGIN
            EXECUTE format('LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE', b.tbl);
            PERFORM @extschema@._rebind(b);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'trigger', b.tbl::text, 'not made again: ' || SQLERRM;
            CONTINUE;
        END;
        RETURN QUERY SELECT 'trigger', b.tbl::text,
            'schemareg triggers made again; its rows checked and counted';
    END LOOP;

END
$$;

CREATE FUNCTION @extschema@.repair()
    RETURNS TABLE (kind text, object text, detail text)
    LANGUAGE c AS 'MODULE_PATHNAME', '_gate';
COMMENT ON FUNCTION @extschema@.repair() IS
    'makes again what check() finds that can be derived (bindings, triggers, dependencies, counts) and returns what it changed (admins)';
