-- schemareg 0.1.0 -> 0.2.0. Every change to the SQL surface since the 0.1.0
-- release, in the order of extension/sql/; tests/upgrade checks that a
-- database updated with this script equals a fresh 0.2.0 install.
\echo Use "ALTER EXTENSION schemareg UPDATE TO '0.2.0'" to load this file. \quit

------------------------------------------------------------------------------
-- Drafts 2019-09 and 2020-12 (issue 11).
------------------------------------------------------------------------------

ALTER TABLE @extschema@.schema_versions
    DROP CONSTRAINT schema_versions_dialect_check,
    ADD CONSTRAINT schema_versions_dialect_check
        CHECK (dialect IN ('draft4', 'draft6', 'draft7', 'draft2019-09', 'draft2020-12'));

-- fields() and create_view() in drafts 2019-09 and 2020-12.
-- The fields under one subschema (following $ref and allOf), as rows of
-- fields(); `seen` holds the references on the way here, so that a
-- recursive schema is walked once. In drafts 2019-09 and later a $ref
-- applies beside its siblings, and "prefixItems" names the items by position.
CREATE OR REPLACE FUNCTION @extschema@._walk_fields(doc bigint, node jsonb, prefix text,
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

------------------------------------------------------------------------------
-- Security (issue 10): no code a user controls runs with the registry's
-- rights; visibility before evaluation; counts move only through the triggers;
-- the registry's locks cannot be taken by other roles.
------------------------------------------------------------------------------

-- The registry with each version's exact reference count: the versions the
-- current role may see. The visibility filter runs below OFFSET 0, so no
-- condition of a query on the view (not even a leakproof one, which a
-- security_barrier view would let down into an index scan) meets, or counts
-- in a plan, the rows of the others. A table's contribution to a count is
-- never below zero: no table can take away what another one adds.
CREATE OR REPLACE VIEW @extschema@.schemas WITH (security_barrier) AS
SELECT v.id, v.name, v.version, v.definition, v.dialect, v.hash, v.status,
       coalesce((SELECT sum(greatest(t.n, 0))
                   FROM (SELECT sum(c.n) AS n FROM @extschema@.record_counts c
                          WHERE c.schema_id = v.id GROUP BY c.tbl) t),
                0)::bigint AS ref_count,
       v.owner, v.public, v.description, v.backend, v.last_error, v.created_at, v.updated_at,
       v.created_by
  FROM (SELECT x.* FROM @extschema@.schema_versions x
         WHERE x.public OR pg_has_role(x.owner, 'USAGE')
            OR (SELECT @extschema@._is_admin(r.oid) FROM pg_catalog.pg_roles r
                 WHERE r.rolname = current_user)
        OFFSET 0) v;

CREATE OR REPLACE FUNCTION @extschema@._parse_ref(ref text, OUT name text, OUT version integer)
    LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', '_parse_ref';

-- The absolute URIs that a definition's subschemas (and its root) name
-- themselves by ($id; draft-04: id), without an empty fragment.
CREATE FUNCTION @extschema@._embedded_uris(definition jsonb, dialect text) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT DISTINCT rtrim(v #>> '{}', '#')
      FROM jsonb_path_query($1, CASE WHEN $2 = 'draft4' THEN 'lax $.**.id'
                                     ELSE 'lax $.**."$id"' END::jsonpath) v
     WHERE jsonb_typeof(v) = 'string' AND (v #>> '{}') ~ '^[A-Za-z][A-Za-z0-9+.-]*:'
$$;

-- The role a name belongs to: no other role takes it over, with its
-- numbering and policy, once its versions are deleted. Names whose versions
-- are all gone already have none: they are left to admins.
ALTER TABLE @extschema@.names ADD COLUMN owner regrole;
UPDATE @extschema@.names n
   SET owner = (SELECT v.owner FROM @extschema@.schema_versions v
                 WHERE v.name = n.name ORDER BY v.version LIMIT 1);

-- The lock of a name ('name'), a top-level $id being registered ('uri'), the
-- starters of jobs on a table ('job') or the counting of what a restore loads
-- ('restore', one key), until the transaction ends.
CREATE FUNCTION @extschema@._lock_key(space text, key text) RETURNS void
    LANGUAGE c STRICT VOLATILE AS 'MODULE_PATHNAME', '_lock_key';

-- The same without waiting: 55P03 when another transaction holds it.
CREATE FUNCTION @extschema@._try_lock_key(space text, key text) RETURNS void
    LANGUAGE c STRICT VOLATILE AS 'MODULE_PATHNAME', '_try_lock_key';

-- Gives such a lock back before the transaction ends.
CREATE FUNCTION @extschema@._unlock_key(space text, key text) RETURNS void
    LANGUAGE c STRICT VOLATILE AS 'MODULE_PATHNAME', '_unlock_key';

-- Record writers hold this lock shared on each version they add records to or
-- take records from, until their transaction ends (src/pg/counts.cpp).
-- update_schema and delete_schema take it exclusively, before they lock the
-- version's row (writers that add a count row lock that row, through
-- record_counts' foreign key, while they hold the shared lock): they wait
-- for every writer of the version, and writers that come later wait for them.
-- The registry's locks are lock tags that SQL's advisory lock functions
-- cannot take (src/pg/locks.cpp): no role can hold them to block it.
CREATE OR REPLACE FUNCTION @extschema@._lock_version(id bigint) RETURNS void
    LANGUAGE c STRICT VOLATILE AS 'MODULE_PATHNAME', '_lock_version';

-- Serialises the writers of one schema name (create, revise, update, delete).
CREATE OR REPLACE FUNCTION @extschema@._lock_name(name text) RETURNS void
    LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    SELECT @extschema@._lock_key('name', $1)
$$;

-- Checks a definition for the schema `name`, by `caller`: compiles it (every
-- $ref must resolve to a schema the caller may see; a public schema may only
-- use public ones, whose definitions everyone may read) and keeps its $id to
-- one name, so that no other name can take over the references that resolve
-- by it. Returns the dialect and the ids of the registered schemas it uses.
CREATE OR REPLACE FUNCTION @extschema@._check_definition(name text, definition jsonb, is_public boolean,
                                              caller oid, OUT dialect text, OUT uses bigint[])
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    uri text;
    other text;
    other_visible boolean;
BEGIN
    SELECT c.dialect, c.uses INTO dialect, uses FROM @extschema@._compile(definition, caller) c;
    IF is_public THEN
        SELECT v.name || ':' || v.version INTO other FROM @extschema@.schema_versions v
         WHERE v.id = ANY (uses) AND NOT v.public ORDER BY v.name, v.version LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'public schema "%" cannot use private schema "%"', name, other
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = 'Everyone may read a public schema and all it uses.',
                      HINT = 'Make the new schema private, or use public schemas only.';
        END IF;
    END IF;
    -- No subschema names itself by another name's $id (it would take over
    -- the references of every definition that loads both).
    SELECT e.uri, s.name, @extschema@._visible(s.owner, s.public, caller) INTO uri, other, other_visible
      FROM @extschema@._embedded_uris(_check_definition.definition, _check_definition.dialect) e(uri)
      JOIN @extschema@.schema_versions s
        ON s.name <> _check_definition.name AND @extschema@._base_uri(s.definition, s.dialect) = e.uri
     WHERE e.uri IS DISTINCT FROM @extschema@._base_uri(_check_definition.definition,
                                                        _check_definition.dialect)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '"$id" "%" of a subschema belongs to %', uri,
                        CASE WHEN other_visible THEN format('schema "%s"', other) ELSE 'another schema' END
            USING ERRCODE = 'duplicate_object',
                  DETAIL = 'References to that URI resolve to one schema name.',
                  HINT = 'Give the subschema another "$id", or refer to that schema with "$ref".';
    END IF;
    uri := @extschema@._base_uri(definition, dialect);
    IF uri IS NULL THEN
        RETURN;
    END IF;
    PERFORM @extschema@._lock_key('uri', uri);
    SELECT s.name, @extschema@._visible(s.owner, s.public, caller) INTO other, other_visible
      FROM @extschema@.schema_versions s
     WHERE s.name <> _check_definition.name AND @extschema@._base_uri(s.definition, s.dialect) = uri
     LIMIT 1;
    IF FOUND AND other_visible THEN
        RAISE EXCEPTION '"$id" "%" already belongs to schema "%"', uri, other
            USING ERRCODE = 'duplicate_object',
                  DETAIL = 'References to that URI resolve to one schema name.',
                  HINT = format('Revise %s instead, or give this definition another "$id".', other);
    ELSIF FOUND THEN
        RAISE EXCEPTION '"$id" "%" already belongs to another schema', uri
            USING ERRCODE = 'duplicate_object',
                  DETAIL = 'References to that URI resolve to one schema name.',
                  HINT = 'Give this definition another "$id".';
    END IF;
    -- Nor does a subschema of another name's definition name itself by it.
    SELECT s.name, @extschema@._visible(s.owner, s.public, caller) INTO other, other_visible
      FROM @extschema@.schema_versions s
     WHERE s.name <> _check_definition.name
       AND uri IN (SELECT e FROM @extschema@._embedded_uris(s.definition, s.dialect) e)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '"$id" "%" already names a subschema of %', uri,
                        CASE WHEN other_visible THEN format('schema "%s"', other) ELSE 'another schema' END
            USING ERRCODE = 'duplicate_object',
                  DETAIL = 'References to that URI resolve to one schema name.',
                  HINT = 'Give this definition another "$id".';
    END IF;
    -- A snapshot older than the lock (REPEATABLE READ) misses a name that
    -- took the URI meanwhile: looked at again as committed now.
    IF @extschema@._uri_taken_now(uri, name) THEN
        RAISE EXCEPTION '"$id" "%" was registered by another transaction', uri
            USING ERRCODE = 'serialization_failure', HINT = 'Retry the transaction.';
    END IF;
END
$$;

-- True when a version of another name than `name` has the top-level $id
-- `uri`, as committed now (a fresh snapshot, not the transaction's).
CREATE FUNCTION @extschema@._uri_taken_now(uri text, name text) RETURNS boolean
    LANGUAGE c STRICT VOLATILE AS 'MODULE_PATHNAME', '_uri_taken_now';

-- Stores a checked definition as a new version and runs the lifecycle's
-- create step: pending, the backend's create, then exists.
CREATE OR REPLACE FUNCTION @extschema@._insert_version(
    name text, version integer, definition jsonb, dialect text, uses bigint[],
    public boolean, description text, backend text, owner oid, created_by oid)
    RETURNS @extschema@.schemas
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r @extschema@.schemas;
    rid bigint;
BEGIN
    INSERT INTO @extschema@.schema_versions AS s
        (name, version, definition, dialect, hash, status, public, description, backend,
         owner, created_by)
    VALUES (name, version, definition, dialect,
            sha256(convert_to(definition::text, 'UTF8')),
            'pending', public, description, backend, owner, created_by)
    RETURNING s.id INTO rid;
    INSERT INTO @extschema@.names AS n (name, last_version, owner) VALUES (name, version, owner)
        ON CONFLICT ON CONSTRAINT names_pkey
        DO UPDATE SET last_version = excluded.last_version, owner = coalesce(n.owner, excluded.owner);
    PERFORM @extschema@._add_dependencies(rid, uses, name || ':' || version);
    PERFORM @extschema@._retry_create(rid);
    SELECT * INTO r FROM @extschema@.schemas s WHERE s.id = rid;
    RETURN r;
END
$$;

-- The row a reference names, for update_schema and delete_schema: with the
-- name's lock, the version's exclusive lock, then its row locked FOR UPDATE.
-- NULL id when there is none, or when `caller` may not see it; unlocked when
-- `caller` may not change it (the caller refuses it then): no lock is taken
-- that the caller could hold against the schema's owner and writers.
CREATE OR REPLACE FUNCTION @extschema@._lock_schema(ref text, caller oid) RETURNS @extschema@.schemas
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r @extschema@.schemas;
    parsed record;
    rid bigint;
    locked boolean := false;
BEGIN
    parsed := @extschema@._parse_ref(ref);
    LOOP
        -- Under the name's lock the reference keeps naming this version.
        IF parsed.version = 0 THEN
            SELECT v.id INTO rid FROM @extschema@.schema_versions v
             WHERE v.name = parsed.name AND v.status = 'exists' ORDER BY v.version DESC LIMIT 1;
        ELSE
            SELECT v.id INTO rid FROM @extschema@.schema_versions v
             WHERE v.name = parsed.name AND v.version = parsed.version;
        END IF;
        IF rid IS NULL OR NOT (SELECT @extschema@._visible(v.owner, v.public, caller)
                                 FROM @extschema@.schema_versions v WHERE v.id = rid) THEN
            RETURN r;
        END IF;
        IF NOT (SELECT @extschema@._may_change(v.owner, caller)
                  FROM @extschema@.schema_versions v WHERE v.id = rid) THEN
            SELECT * INTO r FROM @extschema@.schemas s WHERE s.id = rid;
            RETURN r;
        END IF;
        EXIT WHEN locked;
        -- Looked up again under the lock.
        PERFORM @extschema@._lock_name(parsed.name);
        locked := true;
    END LOOP;
    PERFORM @extschema@._lock_version(rid);
    PERFORM FROM @extschema@.schema_versions v WHERE v.id = rid FOR UPDATE;
    SELECT * INTO r FROM @extschema@.schemas s WHERE s.id = rid;
    RETURN r;
END
$$;

-- Refuses (2BP01) to edit or delete a version that records or other schemas
-- use. The caller holds the version's lock (_lock_schema), so the record
-- count, taken with a fresh snapshot, cannot change under it.
CREATE OR REPLACE FUNCTION @extschema@._refuse_if_used(r @extschema@.schemas, caller oid, doing text,
                                            records_hint text, schemas_hint text)
    RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    records bigint := @extschema@._exact_ref_count(r.id);
    user_ref text := @extschema@._first_user(r.id, caller);
BEGIN
    IF records > 0 THEN
        RAISE EXCEPTION 'schema "%:%" is used by % records and cannot be %',
                        r.name, r.version, records, doing
            USING ERRCODE = 'dependent_objects_still_exist', HINT = records_hint;
    END IF;
    IF user_ref IS NOT NULL THEN
        RAISE EXCEPTION 'schema "%:%" is used by % and cannot be %',
                        r.name, r.version, user_ref, doing
            USING ERRCODE = 'dependent_objects_still_exist', HINT = schemas_hint;
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION @extschema@._do_create_schema(
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

CREATE OR REPLACE FUNCTION @extschema@._do_revise_schema(caller oid, ref text, definition jsonb,
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

-- The compatibility policy revise_schema enforces for a name (the modes of
-- the Confluent Schema Registry).
CREATE OR REPLACE FUNCTION @extschema@._do_set_compatibility(caller oid, name text, mode text) RETURNS void
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

-- The bindings of the tables the current role may read (all of them for
-- schemareg_admin). The filter runs below OFFSET 0, so no condition of a
-- query on the view is evaluated on the rows of the others, nor counts them
-- in a plan.
CREATE OR REPLACE VIEW @extschema@.bound_tables WITH (security_barrier) AS
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

-- Runs a statement as `role` (from a _do_ implementation, which runs as the
-- registry's owner) and returns the rows it processed: what attach() and the
-- jobs do to the rows of a table is done with the rights of the caller,
-- under SECURITY_RESTRICTED_OPERATION in its own GUC nest level (as VACUUM
-- runs a table owner's code: no temporary objects, no SET ROLE, no settings
-- that outlive it).
CREATE OR REPLACE FUNCTION @extschema@._run_as(role oid, statement text) RETURNS bigint
    LANGUAGE c STRICT AS 'MODULE_PATHNAME', '_run_as';

-- Runs a query that returns one jsonb value as `role`, restricted like
-- _run_as, and returns that value: how a _do_ implementation reads what a
-- query on a user's table finds without running it with the registry's rights.
CREATE FUNCTION @extschema@._query_as(role oid, statement text) RETURNS jsonb
    LANGUAGE c STRICT AS 'MODULE_PATHNAME', '_query_as';

DROP FUNCTION @extschema@._recount_table(oid);

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

CREATE OR REPLACE FUNCTION @extschema@._do_recount(caller oid)
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

CREATE OR REPLACE FUNCTION @extschema@._do_attach(caller oid, tbl regclass, record_column name,
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

CREATE OR REPLACE FUNCTION @extschema@._do_detach(caller oid, tbl regclass) RETURNS void
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
CREATE OR REPLACE FUNCTION @extschema@._on_drop() RETURNS event_trigger
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

-- Brings a bound tree up to date with its partitions: a member with rows but
-- no counts (rows a restore loaded before their table's triggers) is counted
-- from the heap, counts of tables that left every tree are forgotten, and
-- with add_triggers (attach() only: pg_restore recreates the triggers itself,
-- and its ALTER TABLEs reach _on_ddl) every member gets the TRUNCATE trigger.
-- After other DDL (not add_triggers), only the members that the command
-- holds are counted: pg_restore -j creates the triggers of a tree's tables
-- concurrently, and locking another member would deadlock with the command
-- that holds it (the command that does gets to count it).
CREATE OR REPLACE FUNCTION @extschema@._sync_tree(root regclass, add_triggers boolean) RETURNS void
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
CREATE OR REPLACE FUNCTION @extschema@._on_ddl() RETURNS event_trigger
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

DROP EVENT TRIGGER schemareg_ddl;
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

CREATE OR REPLACE VIEW @extschema@.jobs WITH (security_barrier) AS
SELECT j.id, j.kind, j.tbl, j.to_ref AS schema, j.rows_done, j.rows_total, j.rows_invalid,
       j.rows_changed,
       round(j.rows_done / greatest(extract(epoch FROM coalesce(j.finished_at, j.updated_at)
                                                  - j.started_at), 0.001))::bigint AS rows_per_second,
       j.started_at AS started, j.finished_at AS finished,
       CASE WHEN j.state = 'running' AND NOT @extschema@._job_active(j.pid, j.backend_start)
            THEN 'interrupted' ELSE j.state END AS state,
       j.error
  -- The jobs of tables the current role may read (below OFFSET 0: no
  -- condition of a query on the view meets, or counts in a plan, the others).
  FROM (SELECT x.* FROM @extschema@.job_state x WHERE has_table_privilege(x.tbl, 'SELECT') OFFSET 0) j;

-- The findings of the jobs on tables the current role may read.
CREATE OR REPLACE VIEW @extschema@.job_errors WITH (security_barrier) AS
SELECT f.job, f.tbl, f.row_id, f.ref, f.errors
  -- The findings of the jobs on tables the current role may read (the bound
  -- table's privilege: f.tbl may be one of its partitions), about versions
  -- it may see (a row's version, and a migration's target), below OFFSET 0.
  FROM (SELECT x.* FROM @extschema@.job_findings x JOIN @extschema@.job_state j ON j.id = x.job
         WHERE has_table_privilege(j.tbl, 'SELECT')
           AND EXISTS (SELECT FROM @extschema@.schemas s WHERE s.name || ':' || s.version = x.ref)
           AND (j.to_ref IS NULL
                OR EXISTS (SELECT FROM @extschema@.schemas s WHERE s.name || ':' || s.version = j.to_ref))
        OFFSET 0) f;

-- The tables of a bound tree that hold rows, in the order a job does them,
-- and about how many rows they hold.
CREATE OR REPLACE FUNCTION @extschema@._job_tables(tbl regclass, OUT leaves regclass[], OUT total bigint)
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    leaf regclass;
    n bigint;
BEGIN
    leaves := ARRAY(SELECT t FROM @extschema@._tree(tbl) t
                     WHERE (SELECT c.relkind FROM pg_class c WHERE c.oid = t) = 'r' ORDER BY t::oid);
    total := 0;
    FOREACH leaf IN ARRAY leaves LOOP
        -- The planner's count where ANALYZE made one (a big table would
        -- otherwise be read once more before the job starts), else a count
        -- read from the heap (no query on the table runs as the registry).
        SELECT c.reltuples::bigint INTO n FROM pg_class c WHERE c.oid = leaf;
        IF n IS NULL OR n <= 0 THEN
            n := @extschema@._table_rows(leaf, 9223372036854775807);
        END IF;
        total := total + n;
    END LOOP;
END
$$;

-- Starts a job, or resumes the unfinished one of the same kind on the same
-- table (and target): its work so far is kept. Returns its id.
CREATE OR REPLACE FUNCTION @extschema@._do__job_start(caller oid, kind text, tbl regclass, to_ref text,
                                           batch_size integer)
    RETURNS bigint
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    b @extschema@.bindings;
    j @extschema@.job_state;
    target @extschema@.schemas;
    tables record;
    owner_takes_over boolean;
BEGIN
    IF tbl IS NULL OR batch_size IS NULL OR (kind = 'migrate' AND to_ref IS NULL) THEN
        RAISE EXCEPTION '%: arguments must not be null', kind USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF batch_size < 1 THEN
        RAISE EXCEPTION 'batch_size must be positive, not %', batch_size
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO b FROM @extschema@.bindings x WHERE x.tbl = _do__job_start.tbl;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'table "%" is not bound', tbl USING ERRCODE = 'undefined_object',
            HINT = 'Name the table that schemareg.attach() bound (for partitions, their root).';
    END IF;
    PERFORM @extschema@._check_bound_columns(tbl, b);
    -- (has_table_privilege with 'SELECT, UPDATE' would accept either one.)
    IF NOT has_table_privilege(caller, tbl, 'SELECT')
       OR ((kind = 'migrate' OR b.mode = 'flag') AND NOT has_table_privilege(caller, tbl, 'UPDATE')) THEN
        RAISE EXCEPTION 'permission denied for table %', tbl USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF kind = 'migrate' THEN
        target := @extschema@._do_get_schema(caller, to_ref);
        IF target.status <> 'exists' THEN
            RAISE EXCEPTION 'schema "%:%" is % and cannot be migrated to', target.name,
                            target.version, target.status
                USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
        to_ref := target.name || ':' || target.version;
    END IF;
    -- Starters of jobs on one table take turns; one that finds another
    -- starting (a transaction that holds the lock, perhaps for long) gets
    -- 55P03 at once instead of waiting for it.
    PERFORM @extschema@._try_lock_key('job', tbl::oid::text);
    SELECT * INTO j FROM @extschema@.job_state x
     WHERE x.kind = _do__job_start.kind AND x.tbl = _do__job_start.tbl
       AND x.to_ref IS NOT DISTINCT FROM _do__job_start.to_ref AND x.state <> 'done'
     ORDER BY x.id DESC LIMIT 1;
    IF FOUND THEN
        -- The table's owner may take over a job that another role started
        -- on it (and left); then it acts for the owner.
        owner_takes_over := j.started_by::oid <> caller AND NOT @extschema@._is_admin(caller)
                            AND pg_has_role(caller, (SELECT c.relowner FROM pg_class c WHERE c.oid = tbl),
                                            'USAGE');
        IF j.started_by::oid <> caller AND NOT @extschema@._is_admin(caller) AND NOT owner_takes_over THEN
            RAISE EXCEPTION '% of "%" is job %, which belongs to %', kind, tbl, j.id, j.started_by
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'Its owner, the table''s owner, or a member of schemareg_admin, may resume it.';
        END IF;
        IF j.state = 'running' AND j.pid <> pg_backend_pid()
           AND @extschema@._job_active(j.pid, j.backend_start) THEN
            RAISE EXCEPTION '% of "%" is already running (job %, backend %)', kind, tbl, j.id, j.pid
                USING ERRCODE = 'object_in_use';
        END IF;
        IF owner_takes_over THEN
            UPDATE @extschema@.job_state x SET started_by = caller::regrole WHERE x.id = j.id;
            RAISE NOTICE '% of "%": job %, started by %, now acts for %', kind, tbl, j.id,
                         j.started_by, caller::regrole;
        END IF;
        PERFORM @extschema@._job_claim(j.id, batch_size);
        RAISE NOTICE '% of "%": resuming job % after % of about % rows', kind, tbl, j.id,
                     j.rows_done, j.rows_total;
        RETURN j.id;
    END IF;
    tables := @extschema@._job_tables(tbl);
    INSERT INTO @extschema@.job_state AS x (kind, tbl, to_ref, batch_size, started_by, leaves,
                                            rows_total)
    VALUES (kind, tbl, to_ref, batch_size, caller, tables.leaves, tables.total)
    RETURNING x.id INTO j.id;
    PERFORM @extschema@._job_claim(j.id, NULL);
    RAISE NOTICE '% of "%": job % started, about % rows', kind, tbl, j.id, tables.total;
    RETURN j.id;
END
$$;

-- One batch of a job: the next range of blocks of the current table. The
-- caller commits after each. False when the job is over.
CREATE OR REPLACE FUNCTION @extschema@._do__job_step(caller oid, job bigint) RETURNS boolean
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    j @extschema@.job_state;
    b @extschema@.bindings;
    leaf regclass;
    per_page float8;
    span bigint;
    low tid;
    high tid;
    done bigint := 0;
    invalid bigint := 0;
    changed bigint := 0;
    to_fix tid[];
    older text[];
    leaf_exists boolean;
    batch jsonb;
    leaf_owner oid;
BEGIN
    -- Who may run it is checked before its row is locked: no one else can
    -- hold the row (and with it the job's owner) in a transaction.
    SELECT * INTO j FROM @extschema@.job_state x WHERE x.id = job;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    IF j.started_by::oid <> caller AND NOT @extschema@._is_admin(caller) THEN
        RAISE EXCEPTION 'job % belongs to %', job, j.started_by USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Runners of one job take turns, each batch once.
    SELECT * INTO j FROM @extschema@.job_state x WHERE x.id = job FOR UPDATE;
    IF NOT FOUND OR j.state <> 'running' THEN
        RETURN false;
    END IF;
    SELECT * INTO b FROM @extschema@.bindings x WHERE x.tbl = j.tbl;
    IF NOT FOUND THEN
        -- A failure like any other (_run_job records it): run_jobs() retries
        -- it, in case the table is bound again.
        RAISE EXCEPTION '% of "%" stopped: the table is no longer bound (job %)', j.kind, j.tbl, job
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF j.leaf_index > coalesce(array_length(j.leaves, 1), 0) THEN
        UPDATE @extschema@.job_state x SET state = 'done', finished_at = clock_timestamp(),
               updated_at = clock_timestamp() WHERE x.id = job;
        RAISE NOTICE '% of "%" done: % rows, % invalid, % %', j.kind, j.tbl, j.rows_done,
                     j.rows_invalid, j.rows_changed,
                     CASE WHEN j.kind = 'migrate' THEN 'moved to ' || j.to_ref ELSE 'rewritten' END;
        RETURN false;
    END IF;
    leaf := j.leaves[j.leaf_index];
    SELECT CASE WHEN c.relpages > 0 AND c.reltuples > 0 THEN c.reltuples / c.relpages END
      INTO per_page FROM pg_class c WHERE c.oid = leaf;
    leaf_exists := FOUND;
    IF leaf_exists THEN
        -- The columns are read here as the registry's owner: they must still
        -- be of the types attach() checked (no cast of the table owner's runs).
        PERFORM @extschema@._check_bound_columns(leaf, b);
        IF j.end_block IS NULL THEN
            j.end_block := pg_relation_size(leaf) / current_setting('block_size')::bigint;
            UPDATE @extschema@.job_state x SET end_block = j.end_block WHERE x.id = job;
        END IF;
    END IF;
    IF NOT leaf_exists OR j.next_block >= j.end_block THEN
        -- This table is done (or gone): the next one.
        UPDATE @extschema@.job_state x SET leaf_index = leaf_index + 1, next_block = 0,
               end_block = NULL, updated_at = clock_timestamp() WHERE x.id = job;
        RETURN true;
    END IF;
    span := greatest(1, ceil(j.batch_size / coalesce(per_page, 50)))::bigint;
    low := format('(%s,0)', j.next_block)::tid;
    high := format('(%s,0)', least(j.next_block + span, j.end_block))::tid;
    -- The table is read and written, and its records checked, as its owner,
    -- restricted (_query_as, _run_as), as VACUUM does, whoever runs the job:
    -- none of the table's code runs with the rights of the registry or of an
    -- admin, and the records are checked against the versions the owner may
    -- see (to it, the others do not exist). job_errors shows a finding only
    -- to roles that may see the versions it is about.
    leaf_owner := (SELECT c.relowner FROM pg_class c WHERE c.oid = leaf);
    IF j.kind = 'revalidate' AND b.mode = 'flag' THEN
        -- flag: rows whose stored errors differ are written again (their
        -- trigger stores the errors); the new versions are not checked again.
        batch := @extschema@._query_as(leaf_owner, format(
            'SELECT jsonb_build_object(''done'', count(*), ''invalid'', count(*) FILTER (WHERE c.e IS NOT NULL),
                    ''fix'', coalesce(jsonb_agg(c.row_id::text) FILTER (WHERE c.e IS DISTINCT FROM c.stored), ''[]''))
               FROM (SELECT r.ctid AS row_id, r.%3$I AS stored, @extschema@._errors_json(r.%1$I, r.%2$I) AS e
                       FROM ONLY %4$s r WHERE r.ctid >= %5$L AND r.ctid < %6$L AND r.%1$I IS NOT NULL
                        AND r.xmin <> ALL (%7$L::xid[])) c',
            b.schema_column, b.record_column, b.errors_column, leaf, low, high, j.written_by));
        done := (batch ->> 'done')::bigint;
        invalid := (batch ->> 'invalid')::bigint;
        to_fix := ARRAY(SELECT t::tid FROM jsonb_array_elements_text(batch -> 'fix') t);
        IF to_fix = '{}' THEN
            to_fix := NULL;
        END IF;
        IF to_fix IS NOT NULL THEN
            -- Written as the table's owner (its triggers run as that role);
            -- the (sub)transaction that wrote them is remembered.
            changed := @extschema@._run_as(leaf_owner, format(
                'UPDATE ONLY %s SET %I = %I WHERE ctid = ANY (%L::tid[])',
                leaf, b.schema_column, b.schema_column, to_fix));
            UPDATE @extschema@.job_state x
               SET written_by = written_by || @extschema@._current_xid() WHERE x.id = job;
        END IF;
    ELSE
        IF j.kind = 'migrate' THEN
            -- migrate: rows of older versions of the target's name that the
            -- target accepts move to it, as the table's owner (their triggers
            -- check and count them); the others stay, and are reported below.
            older := ARRAY(SELECT v.name || ':' || v.version FROM @extschema@.schema_versions v
                            WHERE v.name = split_part(j.to_ref, ':', 1)
                              AND v.version < split_part(j.to_ref, ':', 2)::integer);
            changed := @extschema@._run_as(leaf_owner, format(
                'UPDATE ONLY %1$s SET %2$I = %3$L WHERE ctid >= %4$L AND ctid < %5$L
                    AND %2$I = ANY (%6$L::text[]) AND @extschema@.validate_record(%3$L, %7$I)',
                leaf, b.schema_column, j.to_ref, low, high, older, b.record_column));
        END IF;
        -- The rows that do not match are findings: in an enforce table, any
        -- row against its own version; after a migration's batch, the rows
        -- left on older versions (older) against the target (to_ref).
        batch := @extschema@._query_as(leaf_owner, format(
            'WITH checked AS (SELECT r.ctid AS row_id, r.%1$I AS ref,
                                     @extschema@._errors_json(coalesce(%4$L, r.%1$I), r.%2$I) AS e
                                FROM ONLY %3$s r
                               WHERE r.ctid >= %5$L AND r.ctid < %6$L
                                 AND (%7$L::text[] IS NULL AND r.%1$I IS NOT NULL OR r.%1$I = ANY (%7$L::text[])))
             SELECT jsonb_build_object(''done'', count(*), ''invalid'', count(*) FILTER (WHERE c.e IS NOT NULL),
                    ''findings'', coalesce(jsonb_agg(jsonb_build_array(c.row_id::text, c.ref, c.e))
                                             FILTER (WHERE c.e IS NOT NULL), ''[]''))
               FROM checked c',
            b.schema_column, b.record_column, leaf, j.to_ref, low, high, older));
        done := (batch ->> 'done')::bigint;
        invalid := (batch ->> 'invalid')::bigint;
        INSERT INTO @extschema@.job_findings (job, tbl, row_id, ref, errors)
        SELECT job, leaf, (f ->> 0)::tid, f ->> 1, f -> 2 FROM jsonb_array_elements(batch -> 'findings') f;
        IF j.kind = 'migrate' THEN
            done := changed + invalid;
        END IF;
    END IF;
    UPDATE @extschema@.job_state x
       SET next_block = least(j.next_block + span, j.end_block), rows_done = rows_done + done,
           rows_invalid = rows_invalid + invalid, rows_changed = rows_changed + changed,
           updated_at = clock_timestamp()
     WHERE x.id = job RETURNING * INTO j;
    IF clock_timestamp() - j.noticed_at >= interval '5 seconds' THEN
        RAISE NOTICE '% of "%": % of about % rows, % invalid (job %)', j.kind, j.tbl, j.rows_done,
                     j.rows_total, j.rows_invalid, job;
        UPDATE @extschema@.job_state x SET noticed_at = clock_timestamp() WHERE x.id = job;
    END IF;
    RETURN true;
END
$$;

-- Every schema the caller may see (the newest existing version of each name,
-- or every existing version; only names that start with name_prefix, when
-- given) that the record satisfies.
CREATE OR REPLACE FUNCTION @extschema@._do_matching_schemas(caller oid, record jsonb, all_versions boolean,
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

------------------------------------------------------------------------------
-- check(): every inconsistency between the registry and what it describes
-- (issue 12, item 3).
------------------------------------------------------------------------------

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

------------------------------------------------------------------------------
-- Restores (issue 12, items 1 and 2): pg_restore -j loads the registry's
-- tables concurrently, in any order, so dependencies has no foreign keys;
-- the functions that write it keep what they guaranteed.
------------------------------------------------------------------------------
ALTER TABLE @extschema@.dependencies DROP CONSTRAINT dependencies_schema_id_fkey,
                                     DROP CONSTRAINT dependencies_depends_on_fkey;

-- Whether a dependency row names version `id` as used, as committed now.
CREATE FUNCTION @extschema@._used_now(id bigint) RETURNS boolean
    LANGUAGE c STRICT VOLATILE AS 'MODULE_PATHNAME', '_used_now';

-- Records that version `version_id` (`ref`) uses the registered versions
-- `uses`, each locked FOR KEY SHARE first (as a foreign key's check locks
-- it): a delete of one waits for this transaction and then sees the use
-- (_retry_delete), and one deleted meanwhile is refused with 40001.
CREATE FUNCTION @extschema@._add_dependencies(version_id bigint, uses bigint[], ref text)
    RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    locked bigint[];
BEGIN
    locked := ARRAY(SELECT v.id FROM @extschema@.schema_versions v WHERE v.id = ANY (uses)
                       FOR KEY SHARE);
    IF cardinality(locked) < (SELECT count(DISTINCT u) FROM unnest(uses) u) THEN
        RAISE EXCEPTION 'a schema that "%" uses was deleted meanwhile', ref
            USING ERRCODE = 'serialization_failure', HINT = 'Retry the transaction.';
    END IF;
    INSERT INTO @extschema@.dependencies (schema_id, depends_on)
    SELECT DISTINCT version_id, u FROM unnest(uses) AS u;
END
$$;

-- The delete step of the lifecycle for a version that nothing uses: deleting,
-- the backend's delete, then the row is gone; delete_schema again or
-- reconcile() retries a failure. Returns the status, or 'gone'.
CREATE OR REPLACE FUNCTION @extschema@._retry_delete(id bigint) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v @extschema@.schema_versions;
BEGIN
    UPDATE @extschema@.schema_versions s SET status = 'deleting', updated_at = now()
     WHERE s.id = _retry_delete.id RETURNING * INTO v;
    IF NOT FOUND THEN
        RETURN 'gone';
    END IF;
    IF NOT @extschema@._backend_step(v, 'delete') THEN
        RETURN 'deleting';
    END IF;
    -- Its count rows are all zero (the caller checked under the table locks),
    -- and the uses it recorded go with it.
    DELETE FROM @extschema@.record_counts c WHERE c.schema_id = v.id;
    DELETE FROM @extschema@.dependencies d WHERE d.schema_id = v.id;
    BEGIN
        DELETE FROM @extschema@.schema_versions s WHERE s.id = v.id;
    EXCEPTION WHEN foreign_key_violation THEN
        -- Counted records committed after this transaction's snapshot (the
        -- writers' lock on the version keeps this from happening).
        RAISE EXCEPTION 'schema "%:%" is used by records and cannot be deleted', v.name, v.version
            USING ERRCODE = 'dependent_objects_still_exist',
                  HINT = 'Delete or move the records that use it first.';
    END;
    -- Its row is deleted, so locked by this transaction: every transaction
    -- that locked it to record a use has ended, and none can lock it now. A
    -- use committed after this transaction's snapshot (REPEATABLE READ) is
    -- seen as committed now, as a foreign key's check would see it.
    IF @extschema@._used_now(v.id) THEN
        RAISE EXCEPTION 'schema "%:%" is used by another schema and cannot be deleted',
                        v.name, v.version
            USING ERRCODE = 'dependent_objects_still_exist',
                  HINT = 'Delete the schemas that use it first.';
    END IF;
    RETURN 'gone';
END
$$;

CREATE OR REPLACE FUNCTION @extschema@._do_update_schema(caller oid, ref text, definition jsonb,
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

-- The counts are not kept by pg_dump any more: they are derived from the bound
-- tables' rows (a restore's are counted as the registry's rows arrive).
ALTER EXTENSION schemareg DROP TABLE @extschema@.record_counts;
ALTER EXTENSION schemareg ADD TABLE @extschema@.record_counts;

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

------------------------------------------------------------------------------
-- Replicated registry tables: a logical subscriber's caches follow the
-- changes it applies (row triggers, enabled ALWAYS) (issue 12, item 6).
------------------------------------------------------------------------------
CREATE TRIGGER schema_versions_invalidate_cache_rows
    AFTER INSERT OR UPDATE OR DELETE ON @extschema@.schema_versions
    FOR EACH ROW EXECUTE FUNCTION @extschema@._invalidate_cache();
ALTER TABLE @extschema@.schema_versions ENABLE ALWAYS TRIGGER schema_versions_invalidate_cache;
ALTER TABLE @extschema@.schema_versions ENABLE ALWAYS TRIGGER schema_versions_invalidate_cache_rows;
CREATE TRIGGER bindings_invalidate_cache_rows
    AFTER INSERT OR UPDATE OR DELETE ON @extschema@.bindings
    FOR EACH ROW EXECUTE FUNCTION @extschema@._invalidate_cache();
ALTER TABLE @extschema@.bindings ENABLE ALWAYS TRIGGER bindings_invalidate_cache;
ALTER TABLE @extschema@.bindings ENABLE ALWAYS TRIGGER bindings_invalidate_cache_rows;

------------------------------------------------------------------------------
-- Jobs under a scheduler (issue 12, item 10): run_jobs() retries a failed
-- job after a delay that doubles with each attempt, up to a number of
-- attempts (schemareg.job_retry_delay, schemareg.job_max_attempts); the jobs
-- show their attempts and last error; every run reports each failed job.
------------------------------------------------------------------------------
ALTER TABLE @extschema@.job_state
    ADD COLUMN attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at timestamptz,
    ADD COLUMN last_error text,
    ADD COLUMN last_sqlstate text;
-- Jobs that ran under 0.1.0 had an attempt at least; a failed one keeps its
-- error, and is not retried (it has no next attempt) until it is resumed.
UPDATE @extschema@.job_state SET attempts = 1 WHERE state <> 'queued';
UPDATE @extschema@.job_state SET last_error = error WHERE state = 'failed';

CREATE OR REPLACE VIEW @extschema@.jobs WITH (security_barrier) AS
SELECT j.id, j.kind, j.tbl, j.to_ref AS schema, j.rows_done, j.rows_total, j.rows_invalid,
       j.rows_changed,
       round(j.rows_done / greatest(extract(epoch FROM coalesce(j.finished_at, j.updated_at)
                                                  - j.started_at), 0.001))::bigint AS rows_per_second,
       j.started_at AS started, j.finished_at AS finished,
       CASE WHEN j.state = 'running' AND NOT @extschema@._job_active(j.pid, j.backend_start)
            THEN 'interrupted' ELSE j.state END AS state,
       j.error, j.attempts, j.next_attempt_at AS next_attempt, j.last_error, j.last_sqlstate
  -- The jobs of tables the current role may read (below OFFSET 0: no
  -- condition of a query on the view meets, or counts in a plan, the others).
  FROM (SELECT x.* FROM @extschema@.job_state x WHERE has_table_privilege(x.tbl, 'SELECT') OFFSET 0) j;
COMMENT ON VIEW @extschema@.jobs IS
    'every revalidation and migration: progress, rate, state (running, interrupted, failed, done) and attempts';

-- This backend takes a job over: running, with its pid (a queued job first
-- learns its tables), and, when given, a new batch size.
CREATE OR REPLACE FUNCTION @extschema@._job_claim(job bigint, batch_size integer) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    queued regclass;
    tables record;
BEGIN
    SELECT x.tbl INTO queued FROM @extschema@.job_state x WHERE x.id = job AND x.state = 'queued';
    IF FOUND THEN
        tables := @extschema@._job_tables(queued);
        UPDATE @extschema@.job_state x SET leaves = tables.leaves, rows_total = tables.total,
               started_at = clock_timestamp() WHERE x.id = job;
    END IF;
    UPDATE @extschema@.job_state x
       SET state = 'running', error = NULL, pid = pg_backend_pid(),
           attempts = x.attempts + 1, next_attempt_at = NULL,
           batch_size = coalesce(_job_claim.batch_size, x.batch_size),
           backend_start = (SELECT a.backend_start FROM pg_stat_activity a WHERE a.pid = pg_backend_pid()),
           updated_at = clock_timestamp()
     WHERE x.id = job;
END
$$;

DROP FUNCTION @extschema@._job_failed(bigint, text);
DROP FUNCTION @extschema@._do__job_failed(oid, bigint, text);
DROP FUNCTION @extschema@._job_next();
DROP FUNCTION @extschema@._do__job_next(oid);
DROP PROCEDURE @extschema@._run_job(bigint);

-- Records why a job stopped (the procedure calls it after a batch failed),
-- and when run_jobs() retries it: after schemareg.job_retry_delay, doubled
-- with each attempt (at most a day), while it has had fewer than
-- schemareg.job_max_attempts. Returns what the caller may do about it.
CREATE FUNCTION @extschema@._do__job_failed(caller oid, job bigint, message text, code text)
    RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    j @extschema@.job_state;
BEGIN
    UPDATE @extschema@.job_state x
       SET state = 'failed', error = message, last_error = message, last_sqlstate = code,
           next_attempt_at = CASE
               WHEN x.attempts < current_setting('schemareg.job_max_attempts')::integer
               THEN clock_timestamp()
                    + least(current_setting('schemareg.job_retry_delay')::interval
                            * power(2, least(x.attempts - 1, 20)), interval '1 day') END,
           updated_at = clock_timestamp()
     WHERE x.id = job AND (x.started_by::oid = caller OR @extschema@._is_admin(caller))
    RETURNING * INTO j;
    RETURN @extschema@._job_hint(j);
END
$$;

-- What can be done about a failed job: when run_jobs() retries it, and the
-- call that resumes it at once.
CREATE FUNCTION @extschema@._job_hint(j @extschema@.job_state) RETURNS text
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN j.next_attempt_at IS NOT NULL
                THEN format('run_jobs() retries it once its delay is over (attempt %s of %s; next_attempt in schemareg.jobs)',
                            j.attempts, current_setting('schemareg.job_max_attempts'))
                ELSE format('run_jobs() does not retry it again (attempt %s of %s, schemareg.job_max_attempts)',
                            j.attempts, current_setting('schemareg.job_max_attempts')) END
           || CASE WHEN j.kind = 'migrate' THEN format('; CALL schemareg.migrate(%L, %L) resumes it now.', j.tbl, j.to_ref)
                   ELSE format('; CALL schemareg.revalidate(%L) resumes it now.', j.tbl) END
$$;

-- The failed jobs the caller may run (its own; all for schemareg_admin),
-- those of `include_ids` when given, but those in `exclude_ids`: one WARNING's message,
-- detail and hint each, in the order of the jobs.
CREATE FUNCTION @extschema@._do__job_failures(caller oid, include_ids bigint[], exclude_ids bigint[])
    RETURNS TABLE (message text, detail text, hint text)
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT format('%s of "%s" (job %s) failed: %s', j.kind, j.tbl, j.id, j.last_error),
           format('SQLSTATE %s; attempts: %s.', j.last_sqlstate, j.attempts),
           @extschema@._job_hint(j)
      FROM @extschema@.job_state j
     WHERE j.state = 'failed' AND (j.started_by::oid = $1 OR @extschema@._is_admin($1))
       AND ($2 IS NULL OR j.id = ANY ($2)) AND j.id <> ALL (coalesce($3, '{}'))
     ORDER BY j.id
$$;

CREATE FUNCTION @extschema@._job_failed(job bigint, message text, code text)
    RETURNS text LANGUAGE c AS 'MODULE_PATHNAME', '_gate';
CREATE FUNCTION @extschema@._job_failures(include_ids bigint[], exclude_ids bigint[])
    RETURNS TABLE (message text, detail text, hint text) LANGUAGE c STABLE AS 'MODULE_PATHNAME', '_gate';

-- The next job the caller may run (queued, interrupted, or failed with
-- attempts left and its delay over), but those in `tried` (run_jobs() runs
-- each job once a call), taken over by this backend; NULL when there is none.
CREATE FUNCTION @extschema@._do__job_next(caller oid, tried bigint[]) RETURNS bigint
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    j @extschema@.job_state;
BEGIN
    SELECT * INTO j FROM @extschema@.job_state x
     WHERE (x.state = 'queued' OR (x.state = 'running' AND NOT @extschema@._job_active(x.pid, x.backend_start)
                                   AND x.pid IS DISTINCT FROM pg_backend_pid())
            OR (x.state = 'failed' AND x.next_attempt_at <= clock_timestamp()
                AND x.attempts < current_setting('schemareg.job_max_attempts')::integer))
       AND (x.started_by::oid = caller OR @extschema@._is_admin(caller))
       AND x.id <> ALL (coalesce(tried, '{}'))
     ORDER BY x.id LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    PERFORM @extschema@._job_claim(j.id, NULL);
    RAISE NOTICE '% of "%": job % runs%', j.kind, j.tbl, j.id,
                 CASE WHEN j.state = 'failed' THEN format(' again (attempt %s)', j.attempts + 1) ELSE '' END;
    RETURN j.id;
END
$$;

CREATE FUNCTION @extschema@._job_next(tried bigint[])
    RETURNS bigint LANGUAGE c AS 'MODULE_PATHNAME', '_gate';

-- Runs a job batch by batch, committing each (so no SET clause and no
-- SECURITY DEFINER here: procedures with either cannot commit; every name is
-- schema-qualified instead, and the work is done by the gates above). A
-- cancel or a crash leaves the job to be resumed by the same call; another
-- error marks it failed, with the error, and comes back in message, code
-- and hint (what may be done about it) for the caller to raise or report.
CREATE PROCEDURE @extschema@._run_job(job bigint, INOUT message text, INOUT code text, INOUT hint text)
    LANGUAGE plpgsql AS $$
DECLARE
    more boolean := true;
BEGIN
    message := NULL;
    code := NULL;
    hint := NULL;
    WHILE more LOOP
        BEGIN
            more := @extschema@._job_step(job);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS message = MESSAGE_TEXT, code = RETURNED_SQLSTATE;
        END;
        IF message IS NOT NULL THEN
            hint := @extschema@._job_failed(job, message, code);
            COMMIT;
            RETURN;
        END IF;
        COMMIT;
    END LOOP;
END
$$;

CREATE OR REPLACE PROCEDURE @extschema@.revalidate(tbl regclass, batch_size integer DEFAULT 10000)
    LANGUAGE plpgsql AS $$
DECLARE
    job bigint := @extschema@._job_start('revalidate', tbl, NULL, batch_size);
    message text;
    code text;
    hint text;
BEGIN
    COMMIT;
    CALL @extschema@._run_job(job, message, code, hint);
    IF message IS NOT NULL THEN
        RAISE EXCEPTION '%', message USING ERRCODE = code,
            HINT = 'The job is kept: the same call resumes it; ' || hint;
    END IF;
END
$$;
COMMENT ON PROCEDURE @extschema@.revalidate(regclass, integer) IS
    're-checks every row of a bound table against its version, in committed batches';

CREATE OR REPLACE PROCEDURE @extschema@.migrate(tbl regclass, to_ref text, batch_size integer DEFAULT 10000)
    LANGUAGE plpgsql AS $$
DECLARE
    job bigint := @extschema@._job_start('migrate', tbl, to_ref, batch_size);
    message text;
    code text;
    hint text;
BEGIN
    COMMIT;
    CALL @extschema@._run_job(job, message, code, hint);
    IF message IS NOT NULL THEN
        RAISE EXCEPTION '%', message USING ERRCODE = code,
            HINT = 'The job is kept: the same call resumes it; ' || hint;
    END IF;
END
$$;
COMMENT ON PROCEDURE @extschema@.migrate(regclass, text, integer) IS
    'moves the rows of older versions of a name to to_ref where it accepts them, in committed batches';

-- Runs every job the caller may run (its own; all of them for
-- schemareg_admin), one after the other, each once: queued ones
-- (follow_latest), interrupted ones, and failed ones whose retry is due (see
-- _do__job_failed). Safe to schedule, e.g. with pg_cron. A job that fails
-- stays failed, with its error, and the others still run. Every call reports
-- each failed job in a WARNING (those waiting for a retry and those out of
-- attempts too), so a scheduler's log shows them, and ends in the error of
-- the first job that failed in it, if any, so the scheduler counts the run
-- as failed.
CREATE OR REPLACE PROCEDURE @extschema@.run_jobs()
    LANGUAGE plpgsql AS $$
DECLARE
    job bigint;
    tried bigint[] := '{}';
    failed bigint[] := '{}';
    message text;
    code text;
    hint text;
    first_message text;
    first_code text;
    first_hint text;
    f record;
BEGIN
    LOOP
        job := @extschema@._job_next(tried);
        EXIT WHEN job IS NULL;
        tried := tried || job;
        COMMIT;
        CALL @extschema@._run_job(job, message, code, hint);
        IF message IS NOT NULL THEN
            failed := failed || job;
            IF first_message IS NULL THEN
                first_message := message;
                first_code := code;
                first_hint := hint;
            END IF;
        END IF;
    END LOOP;
    -- The failures of this call, then the earlier ones.
    FOR f IN SELECT * FROM @extschema@._job_failures(failed, NULL)
             UNION ALL SELECT * FROM @extschema@._job_failures(NULL, failed) LOOP
        RAISE WARNING '%', f.message USING DETAIL = f.detail, HINT = f.hint;
    END LOOP;
    IF first_message IS NOT NULL THEN
        RAISE EXCEPTION 'run_jobs: % of % jobs failed; the first: %', cardinality(failed),
                        cardinality(tried), first_message
            USING ERRCODE = first_code, HINT = first_hint;
    END IF;
END
$$;
COMMENT ON PROCEDURE @extschema@.run_jobs() IS
    'runs the queued (follow_latest), interrupted and due failed jobs the caller may run; reports every failed job';

------------------------------------------------------------------------------
-- Moving a registry (issue 12, item 5): export() and import(), and the
-- WARNING of DROP EXTENSION schemareg (11_export.sql).
------------------------------------------------------------------------------
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

------------------------------------------------------------------------------
-- Structured errors (issue 12, item 7; issue 11): validation_errors gains
-- schema_path (appended, so callers of the 0.1.0 columns keep working; a
-- result type changes only by DROP and CREATE, and nothing in the extension
-- depends on it), and validation_report gives the "basic" output format.
------------------------------------------------------------------------------
DROP FUNCTION @extschema@.validation_errors(text, jsonb);
CREATE FUNCTION @extschema@.validation_errors(ref text, record jsonb)
    RETURNS TABLE (path text, keyword text, message text, schema_path text)
    LANGUAGE c STRICT STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'validation_errors';
COMMENT ON FUNCTION @extschema@.validation_errors(text, jsonb) IS
    'one row per validation error: JSON Pointer into the record, keyword, message, JSON Pointer to the keyword in the schema';

CREATE FUNCTION @extschema@.validation_report(ref text, record jsonb) RETURNS jsonb
    LANGUAGE c STRICT STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'validation_report';
COMMENT ON FUNCTION @extschema@.validation_report(text, jsonb) IS
    'the record''s errors in JSON Schema''s "basic" output format: {"valid": true}, or {"valid": false, "errors": [{keywordLocation, instanceLocation, error}]}';

-- attach() takes a record column of a domain over jsonb (issue 12, item 8).
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
CREATE OR REPLACE FUNCTION @extschema@._check_bound_columns(tbl regclass, b @extschema@.bindings)
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

-- Ad-hoc use without registering (C, src/pg/adhoc.cpp): a definition used as
-- it is, checked as create_schema checks it and compiled once per backend;
-- and json forms of the validation functions. The text forms are there so
-- that string literals still resolve (json and jsonb are both of category
-- U, neither preferred: with only those two, validate('{}', '{}') would be
-- ambiguous); every json and text form casts to jsonb and calls the jsonb one.

CREATE FUNCTION @extschema@.validate(definition jsonb, record jsonb) RETURNS boolean
    LANGUAGE c STRICT STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'adhoc_validate';
COMMENT ON FUNCTION @extschema@.validate(jsonb, jsonb) IS
    'true when the record satisfies the definition, which is not registered (pg_jsonschema: jsonb_matches_schema)';

CREATE FUNCTION @extschema@.validation_errors(definition jsonb, record jsonb)
    RETURNS TABLE (path text, keyword text, message text, schema_path text)
    LANGUAGE c STRICT STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'adhoc_validation_errors';
COMMENT ON FUNCTION @extschema@.validation_errors(jsonb, jsonb) IS
    'one row per validation error of the record against a definition that is not registered';

CREATE FUNCTION @extschema@.check_definition(definition jsonb)
    RETURNS TABLE (path text, severity text, message text)
    LANGUAGE c STRICT STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'adhoc_check_definition';
COMMENT ON FUNCTION @extschema@.check_definition(jsonb) IS
    'what create_schema would find wrong with a definition, one row each, registering nothing';

CREATE FUNCTION @extschema@.validate(definition json, record json) RETURNS boolean
    LANGUAGE sql STRICT STABLE PARALLEL SAFE AS $$
    SELECT @extschema@.validate($1::pg_catalog.jsonb, $2::pg_catalog.jsonb)
$$;
CREATE FUNCTION @extschema@.validate(definition json, record jsonb) RETURNS boolean
    LANGUAGE sql STRICT STABLE PARALLEL SAFE AS $$
    SELECT @extschema@.validate($1::pg_catalog.jsonb, $2)
$$;
CREATE FUNCTION @extschema@.validate(definition text, record text) RETURNS boolean
    LANGUAGE sql STRICT STABLE PARALLEL SAFE AS $$
    SELECT @extschema@.validate($1::pg_catalog.jsonb, $2::pg_catalog.jsonb)
$$;

CREATE FUNCTION @extschema@.validation_errors(definition json, record json)
    RETURNS TABLE (path text, keyword text, message text, schema_path text)
    LANGUAGE sql STRICT STABLE PARALLEL SAFE AS $$
    SELECT * FROM @extschema@.validation_errors($1::pg_catalog.jsonb, $2::pg_catalog.jsonb)
$$;

CREATE FUNCTION @extschema@.check_definition(definition json)
    RETURNS TABLE (path text, severity text, message text)
    LANGUAGE sql STRICT STABLE PARALLEL SAFE AS $$
    SELECT * FROM @extschema@.check_definition($1::pg_catalog.jsonb)
$$;
CREATE FUNCTION @extschema@.check_definition(definition text)
    RETURNS TABLE (path text, severity text, message text)
    LANGUAGE sql STRICT STABLE PARALLEL SAFE AS $$
    SELECT * FROM @extschema@.check_definition($1::pg_catalog.jsonb)
$$;

CREATE FUNCTION @extschema@.validate_record(ref text, record json) RETURNS boolean
    LANGUAGE sql STRICT STABLE PARALLEL SAFE AS $$
    SELECT @extschema@.validate_record($1, $2::pg_catalog.jsonb)
$$;
CREATE FUNCTION @extschema@.validate_record(ref text, record text) RETURNS boolean
    LANGUAGE sql STRICT STABLE PARALLEL SAFE AS $$
    SELECT @extschema@.validate_record($1, $2::pg_catalog.jsonb)
$$;

CREATE FUNCTION @extschema@.validation_errors(ref text, record json)
    RETURNS TABLE (path text, keyword text, message text, schema_path text)
    LANGUAGE sql STRICT STABLE PARALLEL SAFE AS $$
    SELECT * FROM @extschema@.validation_errors($1, $2::pg_catalog.jsonb)
$$;
CREATE FUNCTION @extschema@.validation_errors(ref text, record text)
    RETURNS TABLE (path text, keyword text, message text, schema_path text)
    LANGUAGE sql STRICT STABLE PARALLEL SAFE AS $$
    SELECT * FROM @extschema@.validation_errors($1, $2::pg_catalog.jsonb)
$$;

CREATE FUNCTION @extschema@.assert_valid(ref text, record json) RETURNS void
    LANGUAGE sql STRICT STABLE PARALLEL SAFE AS $$
    SELECT @extschema@.assert_valid($1, $2::pg_catalog.jsonb)
$$;
CREATE FUNCTION @extschema@.assert_valid(ref text, record text) RETURNS void
    LANGUAGE sql STRICT STABLE PARALLEL SAFE AS $$
    SELECT @extschema@.assert_valid($1, $2::pg_catalog.jsonb)
$$;

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

-- Privileges: the new internal functions are closed to PUBLIC like the
-- others (the same statement as the install script's), and jobs call
-- _errors_json as their owner.
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid FROM pg_catalog.pg_proc p
              WHERE p.pronamespace = '@extschema@'::regnamespace
                AND p.proname LIKE '\_%'
                AND p.proname NOT IN ('_is_admin', '_may_change', '_visible', '_base_uri',
                                      '_parse_ref', '_check_bundle', '_validate_bundle',
                                      '_job_active', '_run_job', '_errors_json',
                                      '_validate_row', '_count_row', '_on_truncate')
                -- Gates check their callers themselves.
                AND NOT (p.prolang = (SELECT l.oid FROM pg_catalog.pg_language l WHERE l.lanname = 'c')
                         AND p.prosrc = '_gate') LOOP
        EXECUTE format('REVOKE EXECUTE ON ROUTINE %s FROM PUBLIC', f);
    END LOOP;
END
$$;
GRANT EXECUTE ON FUNCTION @extschema@._errors_json(text, jsonb) TO PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@._validate_row(), @extschema@._count_row(),
                          @extschema@._on_truncate() TO PUBLIC;
