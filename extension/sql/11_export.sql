-- Moving a registry (issue 12, item 5): export() writes every existing
-- version with its number, owner, visibility, description, policy and
-- dependencies as one JSON document; import() takes such a document into
-- this database, checking each definition as registration does. A DROP
-- EXTENSION warns what it destroys and points to export().

-- The export document, format "schemareg-export" version 1 (see "Moving a
-- registry" in docs/reference.md). Names in byte order, versions by number,
-- each version's uses by name and number: two exports of one registry are
-- equal. Versions pending or deleting are left out, with a WARNING.
CREATE FUNCTION @extschema@._do_export(caller oid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    left_out text;
    dangling text;
BEGIN
    PERFORM @extschema@._require_admin(caller, 'export');
    SELECT string_agg(format('%s:%s (%s)', v.name, v.version, v.status), ', '
                      ORDER BY v.name COLLATE "C", v.version)
      INTO left_out FROM @extschema@.schema_versions v WHERE v.status <> 'exists';
    IF left_out IS NOT NULL THEN
        RAISE WARNING 'export leaves out the versions that are not "exists": %', left_out
            USING DETAIL = 'Their numbers are kept (last_version): an import never gives them to other content.',
                  HINT = 'schemareg.reconcile() finishes them; export again after it.';
    END IF;
    SELECT string_agg(DISTINCT format('%s (role %s)', v.name, v.owner::oid), ', ')
      INTO dangling FROM @extschema@.schema_versions v
     WHERE v.status = 'exists' AND NOT EXISTS (SELECT FROM pg_roles r WHERE r.oid = v.owner);
    IF dangling IS NOT NULL THEN
        RAISE WARNING 'export writes no owner for schemas whose owner role was dropped: %', dangling
            USING HINT = 'import() refuses them (42704) until they have an owner.';
    END IF;
    RETURN jsonb_build_object(
        'format', 'schemareg-export',
        'version', 1,
        'names', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'name', k.name,
                       'owner', (SELECT r.rolname FROM pg_roles r
                                  WHERE r.oid = coalesce(n.owner,
                                                         (SELECT v.owner FROM @extschema@.schema_versions v
                                                           WHERE v.name = k.name
                                                           ORDER BY v.version DESC LIMIT 1))),
                       'compatibility', coalesce(n.compatibility, 'NONE'),
                       'last_version', coalesce(n.last_version,
                                                (SELECT max(v.version) FROM @extschema@.schema_versions v
                                                  WHERE v.name = k.name)),
                       'versions', coalesce((
                           SELECT jsonb_agg(jsonb_build_object(
                                      'version', v.version,
                                      'definition', v.definition,
                                      'dialect', v.dialect,
                                      'hash', encode(v.hash, 'hex'),
                                      'public', v.public,
                                      'description', v.description,
                                      'backend', v.backend,
                                      'created_by', (SELECT r.rolname FROM pg_roles r WHERE r.oid = v.created_by),
                                      'created_at', to_char(v.created_at AT TIME ZONE 'UTC',
                                                            'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                                      'uses', coalesce((
                                          SELECT jsonb_agg(t.name || ':' || t.version
                                                           ORDER BY t.name COLLATE "C", t.version)
                                            FROM @extschema@.dependencies d
                                            JOIN @extschema@.schema_versions t ON t.id = d.depends_on
                                           WHERE d.schema_id = v.id), '[]'::jsonb))
                                  ORDER BY v.version)
                             FROM @extschema@.schema_versions v
                            WHERE v.name = k.name AND v.status = 'exists'), '[]'::jsonb))
                   ORDER BY k.name COLLATE "C")
              FROM (SELECT x.name FROM @extschema@.names x
                    UNION SELECT y.name FROM @extschema@.schema_versions y) k
              LEFT JOIN @extschema@.names n ON n.name = k.name), '[]'::jsonb));
END
$$;

CREATE FUNCTION @extschema@.export()
    RETURNS jsonb LANGUAGE c STABLE AS 'MODULE_PATHNAME', '_gate';
COMMENT ON FUNCTION @extschema@.export() IS
    'the whole registry (every existing version, its number, owner, policy, dependencies) as one JSON document (admins)';

-- 22023 naming the element of an export document that is wrong.
CREATE FUNCTION @extschema@._import_refuse(path text, problem text) RETURNS void
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RAISE EXCEPTION 'import: %: %', path, problem
        USING ERRCODE = 'invalid_parameter_value',
              HINT = 'schemareg.export() writes the document import() reads (docs/reference.md, "Moving a registry").';
END
$$;

-- An error of registration's checks, raised again naming the version of
-- the document it is about.
CREATE FUNCTION @extschema@._import_reraise(ref text, code text, message text, detail text, hint text)
    RETURNS void
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    message := format('import: schema "%s": %s', ref, message);
    hint := concat_ws(' ', nullif(hint, ''), 'Nothing was imported.');
    IF coalesce(detail, '') = '' THEN
        RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message, HINT = hint;
    END IF;
    RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message, DETAIL = detail, HINT = hint;
END
$$;

-- A positive integer in an export document, or 22023.
CREATE FUNCTION @extschema@._import_number(value jsonb, path text) RETURNS integer
    LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF jsonb_typeof(value) IS DISTINCT FROM 'number' OR value::text !~ '^[1-9][0-9]{0,9}$'
       OR value::text::bigint > 2147483647 THEN
        PERFORM @extschema@._import_refuse(path, 'must be a positive integer');
    END IF;
    RETURN value::text::integer;
END
$$;

-- The role a role name of an export document stands for (through role_map,
-- {"name in the document": "role here"}), or 42704.
CREATE FUNCTION @extschema@._import_role(name text, role_map jsonb, what text) RETURNS oid
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    mapped text := coalesce(role_map ->> name, name);
    role_oid oid;
BEGIN
    SELECT r.oid INTO role_oid FROM pg_roles r WHERE r.rolname = mapped;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'import: role "%" (%) does not exist', mapped, what
            USING ERRCODE = 'undefined_object',
                  HINT = format('Create the role, or give its schemas to another one: '
                                'schemareg.import(document, role_map => %L).',
                                jsonb_build_object(name, 'other_role'));
    END IF;
    RETURN role_oid;
END
$$;

-- Checks the shape of an export document (22023 naming the wrong element),
-- and returns its versions, one row each with the name's attributes, in the
-- document's order.
CREATE FUNCTION @extschema@._import_rows(document jsonb)
    RETURNS TABLE (name text, owner text, compatibility text, last_version integer,
                   version integer, definition jsonb, dialect text, public boolean,
                   description text, backend text, created_by text, created_at timestamptz,
                   uses text[], path text)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n jsonb;
    v jsonb;
    i bigint;
    j bigint;
    npath text;
    vpath text;
    seen text[] := '{}';
    previous integer;
    newest integer;
    u jsonb;
BEGIN
    IF jsonb_typeof(document) IS DISTINCT FROM 'object'
       OR document -> 'format' IS DISTINCT FROM '"schemareg-export"' THEN
        PERFORM @extschema@._import_refuse('the document', 'not a schemareg export ("format": "schemareg-export")');
    END IF;
    IF document -> 'version' IS DISTINCT FROM '1' THEN
        PERFORM @extschema@._import_refuse('version', format('format version %s is not one this schemareg reads (1)',
                                                             coalesce((document -> 'version')::text, 'missing')));
    END IF;
    IF jsonb_typeof(document -> 'names') IS DISTINCT FROM 'array' THEN
        PERFORM @extschema@._import_refuse('names', 'must be an array');
    END IF;
    FOR n, i IN SELECT e, o - 1 FROM jsonb_array_elements(document -> 'names') WITH ORDINALITY x(e, o) LOOP
        npath := format('names[%s]', i);
        IF jsonb_typeof(n) <> 'object' THEN
            PERFORM @extschema@._import_refuse(npath, 'must be an object');
        END IF;
        IF jsonb_typeof(n -> 'name') IS DISTINCT FROM 'string' THEN
            PERFORM @extschema@._import_refuse(npath || '.name', 'must be a string');
        END IF;
        name := n ->> 'name';
        BEGIN
            version := (@extschema@._parse_ref(name)).version;
        EXCEPTION WHEN invalid_parameter_value THEN
            PERFORM @extschema@._import_refuse(npath || '.name', format('"%s" is not a schema name', name));
        END;
        IF version <> 0 THEN
            PERFORM @extschema@._import_refuse(npath || '.name', format('"%s" carries a version', name));
        END IF;
        IF name = ANY (seen) THEN
            PERFORM @extschema@._import_refuse(npath || '.name', format('"%s" comes twice', name));
        END IF;
        seen := seen || name;
        IF jsonb_typeof(n -> 'owner') NOT IN ('string', 'null') OR NOT n ? 'owner' THEN
            PERFORM @extschema@._import_refuse(npath || '.owner', 'must be a role name (or null for a name without versions)');
        END IF;
        owner := n ->> 'owner';
        compatibility := coalesce(n ->> 'compatibility', 'NONE');
        IF jsonb_typeof(n -> 'compatibility') NOT IN ('string', 'null')
           OR compatibility NOT IN ('NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD',
                                    'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE') THEN
            PERFORM @extschema@._import_refuse(npath || '.compatibility', 'must be a compatibility mode');
        END IF;
        IF jsonb_typeof(n -> 'versions') IS DISTINCT FROM 'array' THEN
            PERFORM @extschema@._import_refuse(npath || '.versions', 'must be an array');
        END IF;
        SELECT max(@extschema@._import_number(e -> 'version', format('%s.versions[%s].version', npath, o - 1)))
          INTO newest FROM jsonb_array_elements(n -> 'versions') WITH ORDINALITY x(e, o)
         WHERE jsonb_typeof(e) = 'object';
        last_version := CASE WHEN n ? 'last_version'
                             THEN @extschema@._import_number(n -> 'last_version', npath || '.last_version')
                             ELSE newest END;
        IF last_version < newest THEN
            PERFORM @extschema@._import_refuse(npath || '.last_version', format('%s is below its newest version, %s',
                                                                              last_version, newest));
        END IF;
        IF newest IS NULL THEN
            -- A name without versions: its owner, policy and numbering.
            IF last_version IS NULL THEN
                PERFORM @extschema@._import_refuse(npath || '.last_version', 'a name without versions needs it');
            END IF;
            version := NULL;
            definition := NULL;
            dialect := NULL; public := NULL; description := NULL; backend := NULL;
            created_by := NULL; created_at := NULL; uses := NULL; path := npath;
            RETURN NEXT;
            CONTINUE;
        END IF;
        IF owner IS NULL THEN
            PERFORM @extschema@._import_refuse(npath || '.owner', 'a name with versions needs an owner');
        END IF;
        previous := 0;
        FOR v, j IN SELECT e, o - 1 FROM jsonb_array_elements(n -> 'versions') WITH ORDINALITY x(e, o) LOOP
            vpath := format('%s.versions[%s]', npath, j);
            IF jsonb_typeof(v) <> 'object' THEN
                PERFORM @extschema@._import_refuse(vpath, 'must be an object');
            END IF;
            version := @extschema@._import_number(v -> 'version', vpath || '.version');
            IF version <= previous THEN
                PERFORM @extschema@._import_refuse(vpath || '.version', 'versions must come in increasing order, each once');
            END IF;
            previous := version;
            definition := v -> 'definition';
            IF jsonb_typeof(definition) NOT IN ('object', 'boolean') OR definition IS NULL THEN
                PERFORM @extschema@._import_refuse(vpath || '.definition', 'must be a JSON Schema (an object or a boolean)');
            END IF;
            IF v ? 'hash' AND (jsonb_typeof(v -> 'hash') <> 'string'
                              OR v ->> 'hash' <> encode(sha256(convert_to(definition::text, 'UTF8')), 'hex')) THEN
                PERFORM @extschema@._import_refuse(vpath || '.hash', 'does not match the definition');
            END IF;
            dialect := v ->> 'dialect';
            IF jsonb_typeof(v -> 'dialect') NOT IN ('string', 'null')
               OR dialect NOT IN ('draft4', 'draft6', 'draft7', 'draft2019-09', 'draft2020-12') THEN
                PERFORM @extschema@._import_refuse(vpath || '.dialect', 'must be draft4, draft6, draft7, draft2019-09 or draft2020-12');
            END IF;
            IF jsonb_typeof(v -> 'public') NOT IN ('boolean', 'null') THEN
                PERFORM @extschema@._import_refuse(vpath || '.public', 'must be true or false');
            END IF;
            public := coalesce((v ->> 'public')::boolean, false);
            IF jsonb_typeof(v -> 'description') NOT IN ('string', 'null') THEN
                PERFORM @extschema@._import_refuse(vpath || '.description', 'must be a string or null');
            END IF;
            description := v ->> 'description';
            IF jsonb_typeof(v -> 'backend') NOT IN ('string', 'null') THEN
                PERFORM @extschema@._import_refuse(vpath || '.backend', 'must be a string');
            END IF;
            backend := coalesce(v ->> 'backend', 'builtin');
            IF jsonb_typeof(v -> 'created_by') NOT IN ('string', 'null') THEN
                PERFORM @extschema@._import_refuse(vpath || '.created_by', 'must be a role name');
            END IF;
            created_by := coalesce(v ->> 'created_by', owner);
            IF jsonb_typeof(v -> 'created_at') NOT IN ('string', 'null') THEN
                PERFORM @extschema@._import_refuse(vpath || '.created_at', 'must be a timestamp');
            END IF;
            BEGIN
                created_at := (v ->> 'created_at')::timestamptz;
            EXCEPTION WHEN OTHERS THEN
                PERFORM @extschema@._import_refuse(vpath || '.created_at', format('"%s" is not a timestamp', v ->> 'created_at'));
            END;
            IF jsonb_typeof(v -> 'uses') IS DISTINCT FROM 'array' THEN
                PERFORM @extschema@._import_refuse(vpath || '.uses', 'must be an array of "name:version" (the versions it uses)');
            END IF;
            uses := '{}';
            FOR u IN SELECT jsonb_array_elements(v -> 'uses') LOOP
                IF jsonb_typeof(u) <> 'string' OR (u #>> '{}') !~ ':[0-9]+$' THEN
                    PERFORM @extschema@._import_refuse(vpath || '.uses', format('%s is not "name:version"', u));
                END IF;
                BEGIN
                    PERFORM @extschema@._parse_ref(u #>> '{}');
                EXCEPTION WHEN invalid_parameter_value THEN
                    PERFORM @extschema@._import_refuse(vpath || '.uses', format('%s is not "name:version"', u));
                END;
                uses := uses || (u #>> '{}');
            END LOOP;
            path := vpath;
            RETURN NEXT;
        END LOOP;
    END LOOP;
END
$$;

-- Takes an export document into this registry, all or nothing. Each version
-- keeps its number, owner (by role name, through role_map), visibility,
-- description, backend, creator and creation time; each name its policy and
-- numbering. Each definition is checked as registration checks it (its
-- metaschema, its $refs resolving to versions in the document or here, its
-- $id belonging to its name, a public schema using only public ones), in its
-- own dialect, and the versions it uses must be those the document records
-- (by name; a $ref by $id keeps the version the document pins). A version
-- already here with the same content is left as it is ("present"); one with
-- other content, or a number this registry deleted, is 23505.
CREATE FUNCTION @extschema@._do_import(caller oid, document jsonb, role_map jsonb)
    RETURNS TABLE (ref text, action text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp SET schemareg.strict = 'off'
    SET schemareg.default_dialect = 'draft7' AS $$
DECLARE
    r record;
    here @extschema@.schema_versions;
    name_here @extschema@.names;
    owner_oid oid;
    differs text[];
    todo jsonb := '[]';
    done text[] := '{}';
    progress boolean;
    item jsonb;
    checked record;
    use_ids bigint[];
    used_names text[];
    missing text;
    inserted @extschema@.schemas;
    imported integer := 0;
    present integer := 0;
    failure text;
    failure_code text;
    failure_detail text;
    failure_hint text;
BEGIN
    PERFORM @extschema@._require_admin(caller, 'import');
    IF document IS NULL THEN
        RAISE EXCEPTION 'import: the document must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF role_map IS NOT NULL AND (jsonb_typeof(role_map) <> 'object'
                                 OR EXISTS (SELECT FROM jsonb_each(role_map) e WHERE jsonb_typeof(e.value) <> 'string')) THEN
        RAISE EXCEPTION 'import: role_map must be an object of role names, as {"in the document": "here"}'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- The whole document's shape first, then roles and conflicts, then the
    -- versions; any error leaves nothing imported.
    PERFORM FROM @extschema@._import_rows(document);
    FOR r IN SELECT * FROM @extschema@._import_rows(document) LOOP
        owner_oid := CASE WHEN r.owner IS NOT NULL
                          THEN @extschema@._import_role(r.owner, role_map, format('owner of "%s"', r.name)) END;
        PERFORM @extschema@._lock_name(r.name);
        SELECT * INTO name_here FROM @extschema@.names n WHERE n.name = r.name;
        -- A name here keeps its owner and policy (an ownerless one without
        -- versions, from 0.1.0, takes the document's owner).
        IF name_here.name IS NOT NULL
           AND (name_here.owner IS DISTINCT FROM owner_oid::regrole
                AND NOT (name_here.owner IS NULL AND NOT EXISTS (SELECT FROM @extschema@.schema_versions s
                                                                  WHERE s.name = r.name))
                OR name_here.compatibility <> r.compatibility) THEN
            RAISE EXCEPTION 'import: schema name "%" is here with another owner or policy', r.name
                USING ERRCODE = 'unique_violation',
                      DETAIL = format('Here: owner %s, policy %s. In the document: owner %s, policy %s.',
                                      coalesce(name_here.owner::text, 'none'), name_here.compatibility,
                                      coalesce(owner_oid::regrole::text, 'none'), r.compatibility),
                      HINT = 'Nothing was imported.';
        END IF;
        IF r.version IS NULL THEN
            CONTINUE;
        END IF;
        SELECT * INTO here FROM @extschema@.schema_versions s WHERE s.name = r.name AND s.version = r.version;
        IF FOUND THEN
            differs := ARRAY(SELECT x FROM unnest(ARRAY[
                CASE WHEN here.definition <> r.definition THEN 'definition' END,
                CASE WHEN r.dialect IS NOT NULL AND here.dialect <> r.dialect THEN 'dialect' END,
                CASE WHEN here.owner::oid <> owner_oid THEN 'owner' END,
                CASE WHEN here.public <> r.public THEN 'public' END,
                CASE WHEN here.description IS DISTINCT FROM r.description THEN 'description' END]) x
                WHERE x IS NOT NULL);
            IF differs <> '{}' THEN
                RAISE EXCEPTION 'import: schema "%:%" is here with other content', r.name, r.version
                    USING ERRCODE = 'unique_violation',
                          DETAIL = format('It differs in: %s.', array_to_string(differs, ', ')),
                          HINT = 'Nothing was imported.';
            END IF;
            CONTINUE;
        END IF;
        IF r.version <= name_here.last_version THEN
            RAISE EXCEPTION 'import: schema "%:%" was deleted here, and its number is not given again',
                            r.name, r.version
                USING ERRCODE = 'unique_violation',
                      DETAIL = format('"%s" has had versions up to %s here.', r.name, name_here.last_version),
                      HINT = 'Nothing was imported.';
        END IF;
        BEGIN
            PERFORM @extschema@._check_backend(r.backend);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS failure = MESSAGE_TEXT, failure_code = RETURNED_SQLSTATE,
                                    failure_detail = PG_EXCEPTION_DETAIL, failure_hint = PG_EXCEPTION_HINT;
            PERFORM @extschema@._import_reraise(r.name || ':' || r.version, failure_code, failure,
                                                failure_detail, failure_hint);
        END;
        PERFORM @extschema@._import_role(r.created_by, role_map, format('creator of "%s:%s"', r.name, r.version));
        todo := todo || jsonb_build_array(to_jsonb(r));
    END LOOP;

    -- Names: new ones with their owner, policy and numbering.
    FOR r IN SELECT DISTINCT ON (x.name) x.* FROM @extschema@._import_rows(document) x ORDER BY x.name LOOP
        INSERT INTO @extschema@.names AS n (name, last_version, compatibility, owner)
        VALUES (r.name, r.last_version, r.compatibility,
                CASE WHEN r.owner IS NOT NULL THEN @extschema@._import_role(r.owner, role_map, 'owner')::regrole END)
        ON CONFLICT ON CONSTRAINT names_pkey DO UPDATE SET owner = coalesce(n.owner, excluded.owner);
    END LOOP;

    -- Versions, each after those it uses.
    LOOP
        progress := false;
        FOR item IN SELECT e FROM jsonb_array_elements(todo) e
                     WHERE NOT (e ->> 'name') || ':' || (e ->> 'version') = ANY (done)
                     ORDER BY (e ->> 'name') COLLATE "C", (e ->> 'version')::integer LOOP
            -- Waits for the uses that this import has still to make.
            CONTINUE WHEN EXISTS (
                SELECT FROM jsonb_array_elements_text(item -> 'uses') u
                 WHERE NOT u = ANY (done)
                   AND EXISTS (SELECT FROM jsonb_array_elements(todo) t
                                WHERE (t ->> 'name') || ':' || (t ->> 'version') = u));
            SELECT u INTO missing FROM jsonb_array_elements_text(item -> 'uses') u
             WHERE NOT EXISTS (SELECT FROM @extschema@.schema_versions s
                                WHERE s.name || ':' || s.version = u AND s.status = 'exists')
             LIMIT 1;
            IF FOUND THEN
                RAISE EXCEPTION 'import: schema "%:%" uses "%", which is neither in the document nor here',
                                item ->> 'name', item ->> 'version', missing
                    USING ERRCODE = 'undefined_object', HINT = 'Nothing was imported.';
            END IF;
            PERFORM set_config('schemareg.default_dialect',
                               coalesce(item ->> 'dialect', current_setting('schemareg.default_dialect')), true);
            BEGIN
                checked := @extschema@._check_definition(item ->> 'name', item -> 'definition',
                                                         (item ->> 'public')::boolean, caller);
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS failure = MESSAGE_TEXT, failure_code = RETURNED_SQLSTATE,
                                        failure_detail = PG_EXCEPTION_DETAIL, failure_hint = PG_EXCEPTION_HINT;
                PERFORM @extschema@._import_reraise((item ->> 'name') || ':' || (item ->> 'version'), failure_code,
                                                    failure, failure_detail, failure_hint);
            END;
            IF item ->> 'dialect' IS NOT NULL AND checked.dialect <> item ->> 'dialect' THEN
                RAISE EXCEPTION 'import: schema "%:%" is %, not % as the document says',
                                item ->> 'name', item ->> 'version', checked.dialect, item ->> 'dialect'
                    USING ERRCODE = 'invalid_parameter_value', HINT = 'Nothing was imported.';
            END IF;
            -- The versions the document pins: of the names the definition
            -- uses, and each version it names by "name:version" itself.
            use_ids := ARRAY(SELECT s.id FROM jsonb_array_elements_text(item -> 'uses') u
                               JOIN @extschema@.schema_versions s ON s.name || ':' || s.version = u);
            used_names := ARRAY(SELECT DISTINCT s.name FROM @extschema@.schema_versions s
                                 WHERE s.id = ANY (checked.uses) ORDER BY 1);
            IF used_names <> ARRAY(SELECT DISTINCT split_part(u, ':', 1)
                                     FROM jsonb_array_elements_text(item -> 'uses') u ORDER BY 1)
               OR EXISTS (SELECT FROM @extschema@.schema_versions s
                           WHERE s.id = ANY (checked.uses) AND s.id <> ALL (use_ids)
                             AND EXISTS (SELECT FROM jsonb_path_query(item -> 'definition', 'lax $.**."$ref"') x
                                          WHERE split_part(x #>> '{}', '#', 1) = s.name || ':' || s.version)) THEN
                RAISE EXCEPTION 'import: schema "%:%" uses %, but the document says %',
                                item ->> 'name', item ->> 'version',
                                coalesce((SELECT string_agg(s.name || ':' || s.version, ', '
                                                            ORDER BY s.name COLLATE "C", s.version)
                                            FROM @extschema@.schema_versions s WHERE s.id = ANY (checked.uses)),
                                         'nothing'),
                                coalesce(nullif((SELECT string_agg(u, ', ')
                                                   FROM jsonb_array_elements_text(item -> 'uses') u), ''),
                                         'nothing')
                    USING ERRCODE = 'invalid_parameter_value', HINT = 'Nothing was imported.';
            END IF;
            inserted := @extschema@._insert_version(
                item ->> 'name', (item ->> 'version')::integer, item -> 'definition', checked.dialect,
                use_ids, (item ->> 'public')::boolean, item ->> 'description', item ->> 'backend',
                @extschema@._import_role(item ->> 'owner', role_map, 'owner'),
                @extschema@._import_role(item ->> 'created_by', role_map, 'creator'));
            UPDATE @extschema@.schema_versions s
               SET created_at = coalesce((item ->> 'created_at')::timestamptz, s.created_at)
             WHERE s.id = inserted.id;
            done := done || ((item ->> 'name') || ':' || (item ->> 'version'));
            progress := true;
        END LOOP;
        EXIT WHEN NOT progress;
    END LOOP;
    IF cardinality(done) < jsonb_array_length(todo) THEN
        -- Only a cycle of uses is left.
        RAISE EXCEPTION 'import: the versions % use each other',
                        (SELECT string_agg((e ->> 'name') || ':' || (e ->> 'version'), ', ')
                           FROM jsonb_array_elements(todo) e
                          WHERE NOT (e ->> 'name') || ':' || (e ->> 'version') = ANY (done))
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Nothing was imported.';
    END IF;
    -- Numbers: _insert_version set each name's last number to its newest
    -- version imported; the document's, or this registry's, may be higher.
    UPDATE @extschema@.names n
       SET last_version = greatest(n.last_version, x.last_version,
                                   (SELECT max(s.version) FROM @extschema@.schema_versions s WHERE s.name = n.name))
      FROM (SELECT DISTINCT y.name, y.last_version FROM @extschema@._import_rows(document) y) x
     WHERE x.name = n.name
       AND n.last_version <> greatest(n.last_version, x.last_version,
                                      (SELECT max(s.version) FROM @extschema@.schema_versions s WHERE s.name = n.name));

    FOR r IN SELECT x.name, x.version FROM @extschema@._import_rows(document) x WHERE x.version IS NOT NULL LOOP
        ref := r.name || ':' || r.version;
        IF ref = ANY (done) THEN
            action := 'imported';
            imported := imported + 1;
        ELSE
            action := 'present';
            present := present + 1;
        END IF;
        RETURN NEXT;
    END LOOP;
    IF imported = 0 THEN
        RAISE NOTICE 'import: nothing to do, all % versions are here already', present;
    ELSE
        RAISE NOTICE 'import: % versions imported, % here already', imported, present;
    END IF;
END
$$;

CREATE FUNCTION @extschema@.import(document jsonb, role_map jsonb DEFAULT NULL)
    RETURNS TABLE (ref text, action text)
    LANGUAGE c AS 'MODULE_PATHNAME', '_gate';
COMMENT ON FUNCTION @extschema@.import(jsonb, jsonb) IS
    'takes a registry that export() wrote into this one, all or nothing, keeping version numbers (admins)';

-- What DROP EXTENSION schemareg destroys, as a WARNING that points to
-- export(): the event trigger below calls it, for the extension's owner.
CREATE FUNCTION @extschema@._warn_drop(cascade boolean) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    versions bigint := (SELECT count(*) FROM @extschema@.schema_versions);
    names bigint := (SELECT count(*) FROM (SELECT n.name FROM @extschema@.names n
                                           UNION SELECT v.name FROM @extschema@.schema_versions v) x);
    tables bigint := (SELECT count(*) FROM @extschema@.bindings b
                       WHERE EXISTS (SELECT FROM pg_class k WHERE k.oid = b.tbl));
BEGIN
    IF names = 0 THEN
        RETURN;
    END IF;
    RAISE WARNING 'DROP EXTENSION schemareg destroys % schema version% of % name%', versions,
                  CASE WHEN versions = 1 THEN '' ELSE 's' END, names, CASE WHEN names = 1 THEN '' ELSE 's' END
        USING DETAIL = CASE
                  WHEN tables > 0 AND cascade
                  THEN format('It also unbinds %s table%s: their rows stay, no longer checked or counted.',
                              tables, CASE WHEN tables = 1 THEN '' ELSE 's' END)
                  WHEN tables > 0
                  THEN format('%s bound table%s depend%s on it: without CASCADE the drop fails.', tables,
                              CASE WHEN tables = 1 THEN '' ELSE 's' END, CASE WHEN tables = 1 THEN 's' ELSE '' END)
                  ELSE 'Their numbers, owners and policies go with them.' END,
              HINT = 'SELECT schemareg.export() first keeps them: after CREATE EXTENSION schemareg, '
                     'schemareg.import() brings them back with their version numbers.';
END
$$;

-- At the start of a DROP EXTENSION that names schemareg, by a role that may
-- drop it: _warn_drop (src/pg/drop_extension.cpp reads the statement).
CREATE FUNCTION @extschema@._on_drop_extension() RETURNS event_trigger
    LANGUAGE c AS 'MODULE_PATHNAME', '_on_drop_extension';
CREATE EVENT TRIGGER schemareg_drop_extension ON ddl_command_start WHEN TAG IN ('DROP EXTENSION')
    EXECUTE FUNCTION @extschema@._on_drop_extension();
ALTER EVENT TRIGGER schemareg_drop_extension ENABLE ALWAYS;
