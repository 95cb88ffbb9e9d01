-- The lifecycle: backend steps, locks, checks, new versions, reconcile().

-- The backend interface (src/core/backend.hpp): the create and delete steps
-- of the lifecycle. An unknown backend is 22023.
CREATE FUNCTION @extschema@._backend_create(backend text, ref text, definition jsonb)
    RETURNS void LANGUAGE c STRICT AS 'MODULE_PATHNAME', '_backend_create';
CREATE FUNCTION @extschema@._backend_delete(backend text, ref text)
    RETURNS void LANGUAGE c STRICT AS 'MODULE_PATHNAME', '_backend_delete';
CREATE FUNCTION @extschema@._check_backend(backend text)
    RETURNS void LANGUAGE c STRICT AS 'MODULE_PATHNAME', '_check_backend';

-- 42501 unless `caller` may change a schema owned by `owner`.
CREATE FUNCTION @extschema@._require_owner(name text, version integer, owner regrole,
                                           caller oid, doing text)
    RETURNS void
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT @extschema@._may_change(owner, caller) THEN
        RAISE EXCEPTION 'must be the owner of schema "%" to % it', name || coalesce(':' || version, ''), doing
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = format('It belongs to %s.', owner),
                  HINT = 'Its owner, or a member of schemareg_admin, may.';
    END IF;
END
$$;

-- 42501 unless `caller` is a member of schemareg_admin (or a superuser).
CREATE FUNCTION @extschema@._require_admin(caller oid, what text) RETURNS void
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT @extschema@._is_admin(caller) THEN
        RAISE EXCEPTION 'permission denied for function %', what
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Only members of schemareg_admin may call it.';
    END IF;
END
$$;

-- Record writers hold this lock shared on each version they add records to or
-- take records from, until their transaction ends (src/pg/counts.cpp).
-- update_schema and delete_schema take it exclusively, before they lock the
-- version's row (writers that add a count row lock that row, through
-- record_counts' foreign key, while they hold the shared lock): they wait
-- for every writer of the version, and writers that come later wait for them.
-- The registry's locks are lock tags that SQL's advisory lock functions
-- cannot take (src/pg/locks.cpp): no role can hold them to block it.
CREATE FUNCTION @extschema@._lock_version(id bigint) RETURNS void
    LANGUAGE c STRICT VOLATILE AS 'MODULE_PATHNAME', '_lock_version';

-- The records that use a version, counted with a snapshot taken now (not the
-- transaction's), so that it sees every writer that committed while the
-- caller waited in _lock_version.
CREATE FUNCTION @extschema@._exact_ref_count(id bigint) RETURNS bigint
    LANGUAGE c STRICT VOLATILE AS 'MODULE_PATHNAME', '_exact_ref_count';

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

-- Serialises the writers of one schema name (create, revise, update, delete).
CREATE FUNCTION @extschema@._lock_name(name text) RETURNS void
    LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    SELECT @extschema@._lock_key('name', $1)
$$;

-- The row a reference names, for update_schema and delete_schema: with the
-- name's lock, the version's exclusive lock, then its row locked FOR UPDATE.
-- NULL id when there is none, or when `caller` may not see it; unlocked when
-- `caller` may not change it (the caller refuses it then): no lock is taken
-- that the caller could hold against the schema's owner and writers.
CREATE FUNCTION @extschema@._lock_schema(ref text, caller oid) RETURNS @extschema@.schemas
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

-- Checks a definition for the schema `name`, by `caller`: compiles it (every
-- $ref must resolve to a schema the caller may see; a public schema may only
-- use public ones, whose definitions everyone may read) and keeps its $id to
-- one name, so that no other name can take over the references that resolve
-- by it. Returns the dialect and the ids of the registered schemas it uses.
CREATE FUNCTION @extschema@._check_definition(name text, definition jsonb, is_public boolean,
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

-- A schema version that uses version `id`, as 'schema "name:version"' when
-- `caller` may see it and 'another schema' when not; NULL when none does.
CREATE FUNCTION @extschema@._first_user(id bigint, caller oid) RETURNS text
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN @extschema@._visible(s.owner, s.public, $2)
                THEN format('schema "%s:%s"', s.name, s.version) ELSE 'another schema' END
      FROM @extschema@.dependencies d JOIN @extschema@.schema_versions s ON s.id = d.schema_id
     WHERE d.depends_on = $1
     ORDER BY @extschema@._visible(s.owner, s.public, $2) DESC, s.name, s.version LIMIT 1
$$;

-- Refuses (2BP01) to edit or delete a version that records or other schemas
-- use. The caller holds the version's lock (_lock_schema), so the record
-- count, taken with a fresh snapshot, cannot change under it.
CREATE FUNCTION @extschema@._refuse_if_used(r @extschema@.schemas, caller oid, doing text,
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

-- Runs the backend's create or delete step for a version. A failure is kept
-- in last_error and raised as a WARNING (the version keeps its status), so
-- that the caller's work is not rolled back. True when the step succeeded.
CREATE FUNCTION @extschema@._backend_step(v @extschema@.schema_versions, step text)
    RETURNS boolean
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    failure text;
BEGIN
    BEGIN
        IF step = 'create' THEN
            PERFORM @extschema@._backend_create(v.backend, v.name || ':' || v.version, v.definition);
        ELSE
            PERFORM @extschema@._backend_delete(v.backend, v.name || ':' || v.version);
        END IF;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS failure = MESSAGE_TEXT;
    END;
    IF failure IS NULL THEN
        RETURN true;
    END IF;
    UPDATE @extschema@.schema_versions s SET last_error = failure, updated_at = now()
     WHERE s.id = v.id;
    RAISE WARNING 'schema "%:%" stays %: %', v.name, v.version, v.status, failure
        USING HINT = 'schemareg.reconcile() retries it.';
    RETURN false;
END
$$;

-- The create step of the lifecycle for a pending version: the backend's
-- create, then exists; a reader, create_schema again, or reconcile() retries
-- a failure. Returns the status.
CREATE FUNCTION @extschema@._retry_create(id bigint) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v @extschema@.schema_versions;
BEGIN
    SELECT * INTO v FROM @extschema@.schema_versions s WHERE s.id = _retry_create.id FOR UPDATE;
    IF NOT FOUND OR v.status <> 'pending' THEN
        RETURN v.status;
    END IF;
    IF NOT @extschema@._backend_step(v, 'create') THEN
        RETURN 'pending';
    END IF;
    UPDATE @extschema@.schema_versions s SET status = 'exists', last_error = NULL, updated_at = now()
     WHERE s.id = v.id;
    RETURN 'exists';
END
$$;

-- The delete step of the lifecycle for a version that nothing uses: deleting,
-- the backend's delete, then the row is gone; delete_schema again or
-- reconcile() retries a failure. Returns the status, or 'gone'.
CREATE FUNCTION @extschema@._retry_delete(id bigint) RETURNS text
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

-- Stores a checked definition as a new version and runs the lifecycle's
-- create step: pending, the backend's create, then exists.
CREATE FUNCTION @extschema@._insert_version(
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

CREATE FUNCTION @extschema@._do_reconcile(caller oid)
    RETURNS TABLE (ref text, action text, status text, error text)
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v record;
    now_status text;
BEGIN
    PERFORM @extschema@._require_admin(caller, 'reconcile');
    FOR v IN SELECT s.id, s.name, s.version FROM @extschema@.schema_versions s
              WHERE s.status IN ('pending', 'deleting') ORDER BY s.id LOOP
        PERFORM @extschema@._lock_name(v.name);
        -- Another caller may have finished it while this one waited.
        SELECT s.status INTO now_status FROM @extschema@.schema_versions s WHERE s.id = v.id;
        CONTINUE WHEN now_status IS NULL OR now_status NOT IN ('pending', 'deleting');
        ref := v.name || ':' || v.version;
        IF now_status = 'pending' THEN
            action := 'create';
            status := @extschema@._retry_create(v.id);
        ELSE
            action := 'delete';
            status := @extschema@._retry_delete(v.id);
        END IF;
        SELECT s.last_error INTO error FROM @extschema@.schema_versions s WHERE s.id = v.id;
        RETURN NEXT;
    END LOOP;
END
$$;

