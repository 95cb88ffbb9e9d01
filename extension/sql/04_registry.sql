-- The registry's functions: create, get, update, delete, revise.

-- Each public function here is a gate (06_api.sql) to its _do_ implementation,
-- which runs as the registry's owner and gets the calling role as `caller`.

CREATE FUNCTION @extschema@._do_create_schema(
    caller oid, name text, definition jsonb, description text, public boolean, backend text)
    RETURNS @extschema@.schemas
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r @extschema@.schemas;
    checked record;
    newest integer;
    last integer;
    locked boolean := false;
BEGIN
    IF name IS NULL OR definition IS NULL OR public IS NULL OR backend IS NULL THEN
        RAISE EXCEPTION 'create_schema: name, definition, public and backend must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF (@extschema@._parse_ref(name)).version <> 0 THEN
        RAISE EXCEPTION 'schema name "%" must not carry a version', name
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'create_schema makes version 1; revise_schema makes the next ones.';
    END IF;
    -- An unknown backend is refused before anything is stored.
    PERFORM @extschema@._check_backend(backend);
    -- Creators of one name queue here, so that exactly one makes its first
    -- version. A name is one namespace for all roles: one whose versions the
    -- caller may not see is taken, and nothing more is said about it; so is a
    -- name whose versions were all deleted, to the roles that may not change
    -- its owner's schemas. That is checked before the lock (a taken name's
    -- lock is not the caller's to hold) and again under it.
    FOR i IN 1..2 LOOP
        IF EXISTS (SELECT FROM @extschema@.schema_versions s WHERE s.name = _do_create_schema.name
                      AND NOT @extschema@._visible(s.owner, s.public, caller))
           OR EXISTS (SELECT FROM @extschema@.names n WHERE n.name = _do_create_schema.name
                         AND NOT coalesce(@extschema@._may_change(n.owner, caller), false)
                         AND NOT EXISTS (SELECT FROM @extschema@.schema_versions s
                                          WHERE s.name = _do_create_schema.name)) THEN
            RAISE EXCEPTION 'schema name "%" is taken', name
                USING ERRCODE = 'duplicate_object', HINT = 'Choose another name.';
        END IF;
        -- (A role that may not change the name's versions only reads below,
        -- and gives the lock back if another role's first version committed
        -- while it waited for it.)
        IF i = 1 AND NOT EXISTS (SELECT FROM @extschema@.schema_versions s
                                  WHERE s.name = _do_create_schema.name
                                    AND NOT @extschema@._may_change(s.owner, caller)) THEN
            PERFORM @extschema@._lock_name(name);
            locked := true;
        ELSIF i = 2 AND locked AND EXISTS (SELECT FROM @extschema@.schema_versions s
                                            WHERE s.name = _do_create_schema.name
                                              AND NOT @extschema@._may_change(s.owner, caller)) THEN
            PERFORM @extschema@._unlock_key('name', name);
        END IF;
    END LOOP;
    -- Idempotent: the same content under the same name is the row already
    -- there (a pending one gets its create step again).
    SELECT * INTO r FROM @extschema@.schemas s
     WHERE s.name = _do_create_schema.name AND s.definition = _do_create_schema.definition
     ORDER BY s.version DESC LIMIT 1;
    IF FOUND THEN
        IF r.status = 'pending' THEN
            PERFORM @extschema@._retry_create(r.id);
            SELECT * INTO r FROM @extschema@.schemas s WHERE s.id = r.id;
        END IF;
        RETURN r;
    END IF;
    SELECT max(s.version) INTO newest FROM @extschema@.schemas s WHERE s.name = _do_create_schema.name;
    IF newest IS NOT NULL THEN
        RAISE EXCEPTION 'schema "%" already exists with another definition', name
            USING ERRCODE = 'duplicate_object',
                  DETAIL = format('Its newest version is %s:%s.', name, newest),
                  HINT = format('To change it, call schemareg.revise_schema(%L, definition).',
                                name || ':' || newest);
    END IF;

    -- Refused definitions are never stored: check before the row exists.
    checked := @extschema@._check_definition(name, definition, public, caller);
    -- A name whose versions were all deleted goes on from its last number.
    SELECT n.last_version INTO last FROM @extschema@.names n WHERE n.name = _do_create_schema.name;
    BEGIN
        RETURN @extschema@._insert_version(name, coalesce(last, 0) + 1, definition, checked.dialect,
                                           checked.uses, public, description, backend,
                                           caller, caller);
    EXCEPTION WHEN unique_violation THEN
        -- A snapshot older than the lock (REPEATABLE READ) missed the other creator's row.
        RAISE EXCEPTION 'schema "%" was created by another transaction', name
            USING ERRCODE = 'serialization_failure', HINT = 'Retry the transaction.';
    END;
END
$$;

-- A schema the caller may not see is one that does not exist.
CREATE FUNCTION @extschema@._do_get_schema(caller oid, ref text) RETURNS @extschema@.schemas
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r @extschema@.schemas;
    parsed record;
BEGIN
    parsed := @extschema@._parse_ref(ref);
    IF parsed.version = 0 THEN
        SELECT * INTO r FROM @extschema@.schemas s
         WHERE s.name = parsed.name AND s.status = 'exists' ORDER BY s.version DESC LIMIT 1;
    ELSE
        SELECT * INTO r FROM @extschema@.schemas s
         WHERE s.name = parsed.name AND s.version = parsed.version;
    END IF;
    IF NOT FOUND OR NOT @extschema@._visible(r.owner, r.public, caller) THEN
        RAISE EXCEPTION 'schema "%" does not exist', ref USING ERRCODE = 'undefined_object';
    END IF;
    RETURN r;
END
$$;

CREATE FUNCTION @extschema@._do_update_schema(caller oid, ref text, definition jsonb,
                                              description text)
    RETURNS @extschema@.schemas
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r @extschema@.schemas;
    checked record;
BEGIN
    IF definition IS NULL THEN
        RAISE EXCEPTION 'update_schema: definition must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    r := @extschema@._lock_schema(ref, caller);
    IF r.id IS NULL THEN
        RAISE EXCEPTION 'schema "%" does not exist', ref USING ERRCODE = 'undefined_object';
    END IF;
    PERFORM @extschema@._require_owner(r.name, r.version, r.owner, caller, 'update');
    IF r.status <> 'exists' THEN
        RAISE EXCEPTION 'schema "%:%" is % and cannot be updated', r.name, r.version, r.status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    PERFORM @extschema@._refuse_if_used(r, caller, 'edited in place',
        format('Make a new version with schemareg.revise_schema(%L, definition).',
               r.name || ':' || r.version),
        format('Make a new version with schemareg.revise_schema(%L, definition).',
               r.name || ':' || r.version));
    checked := @extschema@._check_definition(r.name, definition, r.public, caller);
    IF r.id = ANY (checked.uses) THEN
        RAISE EXCEPTION 'schema "%:%" cannot refer to itself', r.name, r.version
            USING ERRCODE = 'invalid_object_definition',
                  HINT = 'Use a JSON Pointer ("#/definitions/...") within the definition.';
    END IF;
    UPDATE @extschema@.schema_versions s
       SET definition = _do_update_schema.definition, dialect = checked.dialect,
           hash = sha256(convert_to(_do_update_schema.definition::text, 'UTF8')),
           description = coalesce(_do_update_schema.description, s.description), updated_at = now()
     WHERE s.id = r.id;
    DELETE FROM @extschema@.dependencies d WHERE d.schema_id = r.id;
    PERFORM @extschema@._add_dependencies(r.id, checked.uses, r.name || ':' || r.version);
    SELECT * INTO r FROM @extschema@.schemas s WHERE s.id = r.id;
    RETURN r;
END
$$;

CREATE FUNCTION @extschema@._do_delete_schema(caller oid, ref text) RETURNS boolean
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r @extschema@.schemas;
BEGIN
    r := @extschema@._lock_schema(ref, caller);
    IF r.id IS NULL THEN
        RAISE NOTICE 'schema "%" does not exist, skipping', ref;
        RETURN false;
    END IF;
    PERFORM @extschema@._require_owner(r.name, r.version, r.owner, caller, 'delete');
    PERFORM @extschema@._refuse_if_used(r, caller, 'deleted',
        'Delete or move the records that use it first.',
        'Delete the schemas that use it first.');
    IF EXISTS (SELECT FROM @extschema@.schemas s WHERE s.name = r.name AND s.version < r.version)
       AND EXISTS (SELECT FROM @extschema@.schemas s WHERE s.name = r.name AND s.version > r.version)
    THEN
        RAISE EXCEPTION 'schema "%:%" is an intermediate revision and cannot be deleted',
                        r.name, r.version
            USING ERRCODE = 'dependent_objects_still_exist',
                  HINT = 'Only the oldest or the newest version of a name may be deleted.';
    END IF;
    RETURN @extschema@._retry_delete(r.id) = 'gone';
END
$$;

CREATE FUNCTION @extschema@._do_revise_schema(caller oid, ref text, definition jsonb,
                                              description text)
    RETURNS @extschema@.schemas
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    parsed record;
    base @extschema@.schemas;
    r @extschema@.schemas;
    newest integer;
    last integer;
    checked record;
BEGIN
    IF definition IS NULL THEN
        RAISE EXCEPTION 'revise_schema: definition must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    parsed := @extschema@._parse_ref(ref);
    IF parsed.version = 0 THEN
        RAISE EXCEPTION 'revise_schema needs the version it revises, as in "%:1"', ref
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Naming the version makes racing revisions fail instead of overwriting each other.';
    END IF;
    -- Revisers of one name queue here; each then sees the newest committed
    -- version. Only roles that may revise it take the lock (checked before,
    -- and again under it).
    FOR i IN 1..2 LOOP
        SELECT * INTO base FROM @extschema@.schemas s
         WHERE s.name = parsed.name AND s.version = parsed.version;
        IF NOT FOUND OR NOT @extschema@._visible(base.owner, base.public, caller) THEN
            RAISE EXCEPTION 'schema "%" does not exist', ref USING ERRCODE = 'undefined_object';
        END IF;
        PERFORM @extschema@._require_owner(base.name, base.version, base.owner, caller, 'revise');
        IF i = 1 THEN
            PERFORM @extschema@._lock_name(parsed.name);
        END IF;
    END LOOP;
    SELECT max(s.version) INTO newest FROM @extschema@.schemas s WHERE s.name = parsed.name;
    IF newest <> parsed.version THEN
        RAISE EXCEPTION 'schema "%" is not the newest version of "%"', ref, parsed.name
            USING ERRCODE = 'serialization_failure',
                  DETAIL = format('The newest version is %s:%s.', parsed.name, newest),
                  HINT = format('Read %s:%s and revise that version.', parsed.name, newest);
    END IF;
    IF base.status <> 'exists' THEN
        RAISE EXCEPTION 'schema "%" is % and cannot be revised', ref, base.status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    checked := @extschema@._check_definition(parsed.name, definition, base.public, caller);
    PERFORM @extschema@._check_compatibility(parsed.name, definition);
    -- Numbers of deleted versions are never given again.
    SELECT greatest(n.last_version, newest) INTO last FROM @extschema@.names n
     WHERE n.name = parsed.name;
    BEGIN
        r := @extschema@._insert_version(parsed.name, coalesce(last, newest) + 1, definition,
                                         checked.dialect, checked.uses, base.public,
                                         coalesce(description, base.description), base.backend,
                                         base.owner, caller);
        IF r.status = 'exists' THEN
            PERFORM @extschema@._queue_follow_jobs(parsed.name, r.name || ':' || r.version);
        END IF;
    EXCEPTION WHEN unique_violation THEN
        -- A snapshot older than the lock (REPEATABLE READ) missed the winner's row.
        RAISE EXCEPTION 'schema "%" is not the newest version of "%"', ref, parsed.name
            USING ERRCODE = 'serialization_failure',
                  DETAIL = 'Another transaction revised it first.',
                  HINT = 'Retry the transaction, then revise the newest version.';
    END;
    RETURN r;
END
$$;

-- Which registered schemas each version uses, both ways (of the versions the
-- current role may see: the schemas view's rows).
CREATE VIEW @extschema@.schema_dependencies WITH (security_barrier) AS
SELECT s.name || ':' || s.version AS ref, t.name || ':' || t.version AS uses
  FROM @extschema@.dependencies d
  JOIN @extschema@.schemas s ON s.id = d.schema_id
  JOIN @extschema@.schemas t ON t.id = d.depends_on;
COMMENT ON VIEW @extschema@.schema_dependencies IS 'ref uses the registered schema uses (by its $id)';

-- The versions of a name in order: who made each and when, its hash and
-- status, how many records use it, and whether a newer version exists.
CREATE FUNCTION @extschema@._do_schema_history(caller oid, name text)
    RETURNS TABLE (ref text, version integer, owner regrole, created_by regrole,
                   created_at timestamptz, hash text, status text, ref_count bigint,
                   deprecated boolean)
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF (@extschema@._parse_ref(name)).version <> 0 THEN
        RAISE EXCEPTION 'schema_history takes a name without a version, not "%"', name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    SELECT s.name || ':' || s.version, s.version, s.owner, s.created_by, s.created_at,
           encode(s.hash, 'hex'), s.status, s.ref_count,
           EXISTS (SELECT FROM @extschema@.schema_versions n
                    WHERE n.name = s.name AND n.version > s.version)
      FROM @extschema@.schemas s
     WHERE s.name = _do_schema_history.name
       AND @extschema@._visible(s.owner, s.public, caller)
     ORDER BY s.version;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'schema "%" does not exist', name USING ERRCODE = 'undefined_object';
    END IF;
END
$$;

-- The registered versions a version uses through its $refs, and those that
-- use it, that the caller may see (a version it used may have become
-- invisible to it since: a membership lost).
CREATE FUNCTION @extschema@._do_uses(caller oid, ref text) RETURNS SETOF text
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT t.name || ':' || t.version
      FROM @extschema@._do_get_schema($1, $2) s
      JOIN @extschema@.dependencies d ON d.schema_id = s.id
      JOIN @extschema@.schema_versions t ON t.id = d.depends_on
     WHERE @extschema@._visible(t.owner, t.public, $1)
     ORDER BY t.name, t.version
$$;
CREATE FUNCTION @extschema@._do_used_by(caller oid, ref text) RETURNS SETOF text
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT u.name || ':' || u.version
      FROM @extschema@._do_get_schema($1, $2) s
      JOIN @extschema@.dependencies d ON d.depends_on = s.id
      JOIN @extschema@.schema_versions u ON u.id = d.schema_id
     WHERE @extschema@._visible(u.owner, u.public, $1)
     ORDER BY u.name, u.version
$$;

-- A version with everything its $refs need, each piece with its SHA-256, so
-- that records can be checked without the registry (validate_bundle).
CREATE FUNCTION @extschema@._do_bundle(caller oid, ref text) RETURNS jsonb
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s @extschema@.schemas;
    body jsonb;
BEGIN
    s := @extschema@._do_get_schema(caller, ref);
    IF s.status <> 'exists' THEN
        RAISE EXCEPTION 'schema "%:%" is % and cannot be bundled', s.name, s.version, s.status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    -- A bundle carries the definitions it uses: only those the caller may see.
    IF EXISTS (SELECT FROM @extschema@.dependencies d
                 JOIN @extschema@.schema_versions t ON t.id = d.depends_on
                WHERE d.schema_id = s.id AND NOT @extschema@._visible(t.owner, t.public, caller)) THEN
        RAISE EXCEPTION 'schema "%:%" uses a schema you may not see, and cannot be bundled by you',
                        s.name, s.version
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    body := jsonb_build_object(
        'schema', s.name || ':' || s.version,
        'dialect', s.dialect,
        'hash', encode(s.hash, 'hex'),
        'definition', s.definition,
        'dependencies', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'schema', t.name || ':' || t.version, 'dialect', t.dialect,
                       'uri', @extschema@._base_uri(t.definition, t.dialect),
                       'hash', encode(t.hash, 'hex'), 'definition', t.definition)
                   ORDER BY t.name, t.version)
              FROM @extschema@.dependencies d
              JOIN @extschema@.schema_versions t ON t.id = d.depends_on
             WHERE d.schema_id = s.id), '[]'::jsonb));
    -- jsonb's text is canonical (keys ordered, no insignificant spaces).
    RETURN body || jsonb_build_object('bundle_hash',
                                      encode(sha256(convert_to(body::text, 'UTF8')), 'hex'));
END
$$;

-- Checks a bundle's hashes (22023 naming the first that does not match).
CREATE FUNCTION @extschema@._check_bundle(bundle jsonb) RETURNS void
    LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    piece jsonb;
BEGIN
    IF jsonb_typeof(bundle) <> 'object' OR NOT bundle ?& ARRAY['schema', 'definition', 'hash',
                                                              'dependencies', 'bundle_hash'] THEN
        RAISE EXCEPTION 'not a schemareg bundle' USING ERRCODE = 'invalid_parameter_value',
            HINT = 'schemareg.bundle(ref) makes one.';
    END IF;
    IF encode(sha256(convert_to((bundle - 'bundle_hash')::text, 'UTF8')), 'hex')
       <> bundle ->> 'bundle_hash' THEN
        RAISE EXCEPTION 'bundle of "%" does not match its bundle_hash', bundle ->> 'schema'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR piece IN SELECT bundle UNION ALL SELECT jsonb_array_elements(bundle -> 'dependencies') LOOP
        IF encode(sha256(convert_to((piece -> 'definition')::text, 'UTF8')), 'hex')
           <> piece ->> 'hash' THEN
            RAISE EXCEPTION 'definition of "%" in the bundle does not match its hash',
                            piece ->> 'schema' USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END LOOP;
END
$$;

CREATE FUNCTION @extschema@._validate_bundle(bundle jsonb, record jsonb) RETURNS boolean
    LANGUAGE c STRICT IMMUTABLE AS 'MODULE_PATHNAME', '_validate_bundle';

-- True when the record satisfies the bundle's schema: the same answer as
-- validate_record on the registry the bundle was made from, without it.
CREATE FUNCTION @extschema@.validate_bundle(bundle jsonb, record jsonb) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM @extschema@._check_bundle(bundle);
    RETURN @extschema@._validate_bundle(bundle, record);
END
$$;
COMMENT ON FUNCTION @extschema@.validate_bundle(jsonb, jsonb) IS
    'checks a record against a bundle made by schemareg.bundle(), without the registry';

CREATE FUNCTION @extschema@._compare(old jsonb, new jsonb)
    RETURNS TABLE (path text, change text, backward boolean, forward boolean)
    LANGUAGE c STRICT IMMUTABLE AS 'MODULE_PATHNAME', '_compare';

-- Every difference between two versions, and whether the new one accepts all
-- the old one did (backward) and the old one all the new one does (forward).
CREATE FUNCTION @extschema@._do_compare(caller oid, old_ref text, new_ref text)
    RETURNS TABLE (path text, change text, backward boolean, forward boolean)
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT c.* FROM @extschema@._compare((@extschema@._do_get_schema($1, $2)).definition,
                                         (@extschema@._do_get_schema($1, $3)).definition) c
$$;

-- The compatibility policy revise_schema enforces for a name (the modes of
-- the Confluent Schema Registry).
CREATE FUNCTION @extschema@._do_set_compatibility(caller oid, name text, mode text) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    newest @extschema@.schema_versions;
BEGIN
    IF (@extschema@._parse_ref(name)).version <> 0 THEN
        RAISE EXCEPTION 'set_compatibility takes a name without a version, not "%"', name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF mode IS NULL OR mode NOT IN ('NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD',
                                    'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE') THEN
        RAISE EXCEPTION 'unknown compatibility mode "%"', mode
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Modes are NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, '
                         'FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE.';
    END IF;
    -- The name's lock, for roles that may set the policy (checked before,
    -- and again under it).
    FOR i IN 1..2 LOOP
        SELECT * INTO newest FROM @extschema@.schema_versions s
         WHERE s.name = _do_set_compatibility.name ORDER BY s.version DESC LIMIT 1;
        IF NOT FOUND OR NOT @extschema@._visible(newest.owner, newest.public, caller) THEN
            RAISE EXCEPTION 'schema "%" does not exist', name USING ERRCODE = 'undefined_object';
        END IF;
        PERFORM @extschema@._require_owner(name, NULL, newest.owner, caller,
                                           'set the compatibility of');
        IF i = 1 THEN
            PERFORM @extschema@._lock_name(name);
        END IF;
    END LOOP;
    UPDATE @extschema@.names n SET compatibility = mode WHERE n.name = _do_set_compatibility.name;
END
$$;

-- Refuses (23514) a new definition of a name that breaks the name's policy,
-- listing each breaking change against each version it was compared with.
CREATE FUNCTION @extschema@._check_compatibility(name text, definition jsonb) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    mode text;
    breaking text;
BEGIN
    SELECT n.compatibility INTO mode FROM @extschema@.names n WHERE n.name = _check_compatibility.name;
    IF mode IS NULL OR mode = 'NONE' THEN
        RETURN;
    END IF;
    SELECT string_agg(format('against %s:%s: %s %s', v.name, v.version,
                             coalesce(nullif(c.path, ''), '(root)'), c.change), E'\n'
                      ORDER BY v.version, c.path)
      INTO breaking
      FROM @extschema@.schema_versions v,
           @extschema@._compare(v.definition, _check_compatibility.definition) c
     WHERE v.name = _check_compatibility.name AND v.status = 'exists'
       AND (mode LIKE '%TRANSITIVE'
            OR v.version = (SELECT max(w.version) FROM @extschema@.schema_versions w
                             WHERE w.name = _check_compatibility.name AND w.status = 'exists'))
       AND ((mode LIKE 'BACKWARD%' OR mode LIKE 'FULL%') AND NOT c.backward
            OR (mode LIKE 'FORWARD%' OR mode LIKE 'FULL%') AND NOT c.forward);
    IF breaking IS NOT NULL THEN
        RAISE EXCEPTION 'the new version of "%" breaks its % compatibility', name, mode
            USING ERRCODE = 'check_violation', DETAIL = breaking,
                  HINT = 'Change the definition, or the policy with schemareg.set_compatibility().';
    END IF;
END
$$;
