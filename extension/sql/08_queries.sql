-- Compliance and query helpers: which schemas a record satisfies, the
-- invalid rows of a flag table, the fields of a schema, typed views.

-- Every schema the caller may see (the newest existing version of each name,
-- or every existing version; only names that start with name_prefix, when
-- given) that the record satisfies.
CREATE FUNCTION @extschema@._do_matching_schemas(caller oid, record jsonb, all_versions boolean,
                                                 name_prefix text)
    RETURNS SETOF text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    candidates text[];
BEGIN
    IF record IS NULL THEN
        RETURN;
    END IF;
    -- The versions the caller may see, taken first and whole: no plan can
    -- evaluate a record against another role's private schema before this
    -- filter (its errors, or its time, would tell what it holds).
    candidates := ARRAY(
        SELECT s.name || ':' || s.version
          FROM @extschema@.schema_versions s
         WHERE s.status = 'exists' AND @extschema@._visible(s.owner, s.public, caller)
           AND (name_prefix IS NULL OR starts_with(s.name, name_prefix))
           AND (coalesce(all_versions, false)
                OR s.version = (SELECT max(v.version) FROM @extschema@.schema_versions v
                                 WHERE v.name = s.name AND v.status = 'exists'))
         ORDER BY s.name, s.version);
    RETURN QUERY SELECT c.ref FROM unnest(candidates) WITH ORDINALITY AS c(ref, n)
                  WHERE @extschema@.validate_record(c.ref, record) ORDER BY c.n;
END
$$;

-- The invalid rows of a flag table, with their stored errors. Runs with the
-- caller's rights on the table.
CREATE FUNCTION @extschema@.record_errors(tbl regclass)
    RETURNS TABLE (row_id tid, ref text, errors jsonb)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    b record;
BEGIN
    SELECT x.mode, x.schema_column, x.errors_column INTO b
      FROM @extschema@.bound_tables x WHERE x.tbl = record_errors.tbl;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'table "%" is not bound', tbl USING ERRCODE = 'undefined_object';
    END IF;
    IF b.mode <> 'flag' THEN
        RAISE EXCEPTION 'table "%" is bound in enforce mode: it holds no invalid rows', tbl
            USING ERRCODE = 'wrong_object_type',
                  HINT = 'CALL schemareg.revalidate() re-checks it; schemareg.job_errors lists what it finds.';
    END IF;
    RETURN QUERY EXECUTE format('SELECT r.ctid, r.%I::text, r.%I FROM %s r WHERE r.%I IS NOT NULL ORDER BY r.ctid',
                                b.schema_column, b.errors_column, tbl, b.errors_column);
END
$$;
COMMENT ON FUNCTION @extschema@.record_errors(regclass) IS
    'the rows of a flag table that do not match their schema, with their errors';

-- A JSON Pointer's tokens ("/a~1b/0" -> {a/b,0}).
CREATE FUNCTION @extschema@._pointer_path(pointer text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(array_agg(replace(replace(t, '~1', '/'), '~0', '~') ORDER BY n), '{}')
      FROM unnest(string_to_array(nullif(ltrim($1, '/'), ''), '/')) WITH ORDINALITY AS u(t, n)
$$;

-- Where a $ref leads, from a place in a registered version's definition:
-- the version and the subschema, or NULL when it leaves what fields() follows
-- (metaschemas, unknown places).
CREATE FUNCTION @extschema@._follow_ref(from_id bigint, ref text, caller oid,
                                        OUT to_id bigint, OUT node jsonb)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    target text := split_part(ref, '#', 1);
    pointer text := CASE WHEN position('#' IN ref) > 0 THEN substr(ref, position('#' IN ref) + 1) ELSE '' END;
    parsed record;
BEGIN
    IF target = '' THEN
        to_id := from_id;
    ELSIF target ~ '^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*:[0-9]+$' THEN
        parsed := @extschema@._parse_ref(target);
        SELECT v.id INTO to_id FROM @extschema@.schema_versions v
         WHERE v.name = parsed.name AND v.version = parsed.version;
    ELSE
        -- By $id: the version the referring one pinned.
        SELECT d.depends_on INTO to_id
          FROM @extschema@.dependencies d JOIN @extschema@.schema_versions v ON v.id = d.depends_on
         WHERE d.schema_id = from_id AND @extschema@._base_uri(v.definition, v.dialect) = rtrim(target, '#');
    END IF;
    -- Another version is followed only where the caller may see it (a
    -- membership may have been lost since it was referenced).
    IF to_id IS NULL OR (pointer <> '' AND pointer !~ '^/')
       OR (to_id <> from_id AND NOT (SELECT @extschema@._visible(v.owner, v.public, caller)
                                       FROM @extschema@.schema_versions v WHERE v.id = to_id)) THEN
        to_id := NULL;
        RETURN;
    END IF;
    SELECT v.definition #> @extschema@._pointer_path(pointer) INTO node
      FROM @extschema@.schema_versions v WHERE v.id = to_id;
    IF node IS NULL THEN
        to_id := NULL;
    END IF;
END
$$;

-- The fields under one subschema (following $ref and allOf), as rows of
-- fields(); `seen` holds the references on the way here, so that a
-- recursive schema is walked once. In drafts 2019-09 and later a $ref
-- applies beside its siblings, and "prefixItems" names the items by position.
CREATE FUNCTION @extschema@._walk_fields(doc bigint, node jsonb, prefix text,
                                         parent_required boolean, seen text[], caller oid)
    RETURNS TABLE (path text, type text, format text, required boolean, description text)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    target record;
    key text;
    child jsonb;
    part jsonb;
    resolved jsonb;
    resolved_doc bigint;
    own jsonb;
    child_type text;
    ref_key text;
    i bigint;
    modern boolean := (SELECT v.dialect IN ('draft2019-09', 'draft2020-12')
                         FROM @extschema@.schema_versions v WHERE v.id = doc);
BEGIN
    IF jsonb_typeof(node) <> 'object' OR cardinality(seen) > 64 THEN
        RETURN;
    END IF;
    IF node ? '$ref' THEN
        IF NOT (doc || ' ' || (node ->> '$ref')) = ANY (seen) THEN
            target := @extschema@._follow_ref(doc, node ->> '$ref', caller);
            IF target.to_id IS NOT NULL THEN
                RETURN QUERY SELECT * FROM @extschema@._walk_fields(target.to_id, target.node, prefix,
                                                                    parent_required,
                                                                    seen || (doc || ' ' || (node ->> '$ref')),
                                                                    caller);
            END IF;
        END IF;
        IF NOT coalesce(modern, false) THEN
            RETURN;
        END IF;
    END IF;
    FOR part IN SELECT jsonb_array_elements(CASE WHEN jsonb_typeof(node -> 'allOf') = 'array'
                                                 THEN node -> 'allOf' ELSE '[]' END) LOOP
        RETURN QUERY SELECT * FROM @extschema@._walk_fields(doc, part, prefix, parent_required, seen,
                                                            caller);
    END LOOP;
    IF jsonb_typeof(node -> 'properties') = 'object' THEN
        FOR key, child IN SELECT e.key, e.value FROM jsonb_each(node -> 'properties') e ORDER BY e.key LOOP
            -- What a field is: its own keywords, or those of what its $ref names
            -- (and, from 2019-09, its own beside them).
            resolved := child;
            resolved_doc := doc;
            ref_key := NULL;
            IF jsonb_typeof(child) = 'object' AND child ? '$ref' THEN
                ref_key := doc || ' ' || (child ->> '$ref');
                target := @extschema@._follow_ref(doc, child ->> '$ref', caller);
                IF target.to_id IS NOT NULL AND jsonb_typeof(target.node) = 'object' THEN
                    resolved := target.node;
                    resolved_doc := target.to_id;
                END IF;
            END IF;
            own := CASE WHEN modern AND jsonb_typeof(child) = 'object' THEN child - '$ref' ELSE '{}' END;
            child_type := CASE jsonb_typeof(coalesce(own -> 'type', resolved -> 'type'))
                              WHEN 'string' THEN coalesce(own -> 'type', resolved -> 'type') #>> '{}'
                              WHEN 'array' THEN (SELECT string_agg(t, ',')
                                                   FROM jsonb_array_elements_text(coalesce(own -> 'type', resolved -> 'type')) t)
                              ELSE CASE WHEN resolved ? 'properties' OR own ? 'properties' THEN 'object'
                                        WHEN resolved ? 'items' OR resolved ? 'prefixItems'
                                             OR own ? 'items' OR own ? 'prefixItems' THEN 'array' END
                          END;
            path := prefix || '/' || replace(replace(key, '~', '~0'), '/', '~1');
            type := child_type;
            format := coalesce(own ->> 'format', resolved ->> 'format');
            required := parent_required AND coalesce(node -> 'required' ? key, false);
            description := coalesce(child ->> 'description', resolved ->> 'description');
            RETURN NEXT;
            -- A reference met on the way here is not followed again.
            CONTINUE WHEN ref_key = ANY (seen);
            -- Nested objects: their fields too (required only where every level is).
            IF modern THEN
                -- The field's own keywords, its $ref included.
                resolved := child;
                resolved_doc := doc;
            END IF;
            RETURN QUERY SELECT * FROM @extschema@._walk_fields(resolved_doc, resolved, path, required,
                                                                array_remove(seen || ref_key, NULL),
                                                                caller);
            -- Items of an array: under "/*" (required in each item, where the
            -- array itself is required), or by position for "prefixItems".
            IF jsonb_typeof(resolved -> 'items') = 'object' THEN
                RETURN QUERY SELECT * FROM @extschema@._walk_fields(resolved_doc, resolved -> 'items',
                                                                    path || '/*', required,
                                                                    array_remove(seen || ref_key, NULL),
                                                                    caller);
            END IF;
            IF modern AND jsonb_typeof(resolved -> 'prefixItems') = 'array' THEN
                FOR part, i IN SELECT e.value, e.n - 1
                                 FROM jsonb_array_elements(resolved -> 'prefixItems') WITH ORDINALITY AS e(value, n) LOOP
                    RETURN QUERY SELECT * FROM @extschema@._walk_fields(resolved_doc, part,
                                                                        path || '/' || i, required,
                                                                        array_remove(seen || ref_key, NULL),
                                                                        caller);
                END LOOP;
            END IF;
        END LOOP;
    END IF;
END
$$;

-- The fields of a version: every property, nested ones included, following
-- $ref (within the definition, to registered versions and by $id) and allOf.
CREATE FUNCTION @extschema@._do_fields(caller oid, ref text)
    RETURNS TABLE (path text, type text, format text, required boolean, description text)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s @extschema@.schemas := @extschema@._do_get_schema(caller, ref);
BEGIN
    RETURN QUERY SELECT * FROM @extschema@._walk_fields(s.id, s.definition, '', true, '{}', caller);
END
$$;

-- The PostgreSQL type a scalar field's values fit.
CREATE FUNCTION @extschema@._sql_type(type text, format text) RETURNS text
    LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE
        WHEN $1 = 'integer' THEN 'bigint'
        WHEN $1 = 'number' THEN 'numeric'
        WHEN $1 = 'boolean' THEN 'boolean'
        WHEN $1 = 'string' AND $2 = 'date-time' THEN 'timestamptz'
        WHEN $1 = 'string' AND $2 = 'date' THEN 'date'
        WHEN $1 = 'string' AND $2 = 'time' THEN 'timetz'
        WHEN $1 = 'string' THEN 'text'
    END
$$;

-- A view of a bound table's rows of one version (in a flag table, its valid
-- rows): the table's own columns (but the record and errors columns), then
-- one column per scalar field outside arrays, cast to the type that fits.
-- Created as the caller.
CREATE FUNCTION @extschema@._do__create_view(caller oid, tbl regclass, ref text, view_name text)
    RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s @extschema@.schemas := @extschema@._do_get_schema(caller, ref);
    b @extschema@.bindings;
    columns text[];
    names text[];
    f record;
    column_name text;
    base_type text;
    view_ident text;
BEGIN
    IF tbl IS NULL OR view_name IS NULL THEN
        RAISE EXCEPTION 'create_view: tbl and view_name must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO b FROM @extschema@.bindings x WHERE x.tbl = _do__create_view.tbl;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'table "%" is not bound', tbl USING ERRCODE = 'undefined_object';
    END IF;
    SELECT array_agg(quote_ident(a.attname) ORDER BY a.attnum), array_agg(a.attname::text ORDER BY a.attnum)
      INTO columns, names
      FROM pg_attribute a
     WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped
       AND a.attname NOT IN (b.record_column, coalesce(b.errors_column, ''));
    FOR f IN SELECT * FROM @extschema@._do_fields(caller, ref) x
              WHERE x.path NOT LIKE '%/*%' LOOP
        -- A scalar field: one type besides null.
        CONTINUE WHEN coalesce(array_length(array_remove(string_to_array(f.type, ','), 'null'), 1), 0) <> 1;
        base_type := (array_remove(string_to_array(f.type, ','), 'null'))[1];
        CONTINUE WHEN @extschema@._sql_type(base_type, f.format) IS NULL;
        column_name := left(replace(replace(replace(ltrim(f.path, '/'), '~1', '/'), '~0', '~'), '/', '_'), 63);
        IF column_name = ANY (names) THEN
            column_name := left(column_name, 55) || '_' || (cardinality(names) + 1);
        END IF;
        names := names || column_name;
        columns := columns || format('(r.%I #>> %L)%s::%s AS %I', b.record_column,
                                     @extschema@._pointer_path(f.path),
                                     CASE WHEN base_type = 'integer' THEN '::numeric' ELSE '' END,
                                     @extschema@._sql_type(base_type, f.format), column_name);
    END LOOP;
    view_ident := (SELECT string_agg(quote_ident(p), '.') FROM unnest(parse_ident(view_name)) p);
    -- In a flag table only valid rows are sure to fit the columns' types.
    PERFORM @extschema@._run_as(caller, format('CREATE VIEW %s AS SELECT %s FROM %s r WHERE r.%I = %L%s',
                                               view_ident, array_to_string(columns, ', '), tbl,
                                               b.schema_column, s.name || ':' || s.version,
                                               CASE WHEN b.mode = 'flag'
                                                    THEN format(' AND r.%I IS NULL', b.errors_column)
                                                    ELSE '' END));
END
$$;
