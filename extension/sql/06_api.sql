-- The public registry functions and who may use what.
--
-- Each function below is the same C gate (src/pg/gate.cpp): it calls
-- @extschema@._do_<name>(caller, ...) as the registry's owner, passing the
-- calling role, so that the registry's tables need no rights of their own
-- and the implementations know whom to check.

CREATE FUNCTION @extschema@.create_schema(
    name text, definition jsonb, description text DEFAULT NULL,
    public boolean DEFAULT false, backend text DEFAULT 'builtin')
    RETURNS @extschema@.schemas LANGUAGE c AS 'MODULE_PATHNAME', '_gate';
COMMENT ON FUNCTION @extschema@.create_schema(text, jsonb, text, boolean, text) IS
    'registers version 1 of a schema; the same name and content again returns that row';

CREATE FUNCTION @extschema@.get_schema(ref text)
    RETURNS @extschema@.schemas LANGUAGE c STABLE AS 'MODULE_PATHNAME', '_gate';
COMMENT ON FUNCTION @extschema@.get_schema(text) IS
    'the row of name:version, or of the newest existing version of name';

CREATE FUNCTION @extschema@.update_schema(ref text, definition jsonb, description text DEFAULT NULL)
    RETURNS @extschema@.schemas LANGUAGE c AS 'MODULE_PATHNAME', '_gate';
COMMENT ON FUNCTION @extschema@.update_schema(text, jsonb, text) IS
    'edits a schema version in place while no record and no other schema uses it';

CREATE FUNCTION @extschema@.delete_schema(ref text)
    RETURNS boolean LANGUAGE c AS 'MODULE_PATHNAME', '_gate';
COMMENT ON FUNCTION @extschema@.delete_schema(text) IS
    'deletes a schema version that nothing uses; false (with a notice) when there is none';

CREATE FUNCTION @extschema@.revise_schema(ref text, definition jsonb, description text DEFAULT NULL)
    RETURNS @extschema@.schemas LANGUAGE c AS 'MODULE_PATHNAME', '_gate';
COMMENT ON FUNCTION @extschema@.revise_schema(text, jsonb, text) IS
    'makes the next version from name:n, which must be the newest version (else SQLSTATE 40001)';

CREATE FUNCTION @extschema@.schema_history(name text)
    RETURNS TABLE (ref text, version integer, owner regrole, created_by regrole,
                   created_at timestamptz, hash text, status text, ref_count bigint,
                   deprecated boolean)
    LANGUAGE c STABLE AS 'MODULE_PATHNAME', '_gate';
COMMENT ON FUNCTION @extschema@.schema_history(text) IS
    'the versions of a schema name in order, with a deprecated flag for superseded ones';

CREATE FUNCTION @extschema@.uses(ref text)
    RETURNS SETOF text LANGUAGE c STABLE AS 'MODULE_PATHNAME', '_gate';
COMMENT ON FUNCTION @extschema@.uses(text) IS
    'the registered versions a version''s $refs use';

CREATE FUNCTION @extschema@.used_by(ref text)
    RETURNS SETOF text LANGUAGE c STABLE AS 'MODULE_PATHNAME', '_gate';
COMMENT ON FUNCTION @extschema@.used_by(text) IS
    'the registered versions whose $refs use a version';

CREATE FUNCTION @extschema@.bundle(ref text)
    RETURNS jsonb LANGUAGE c STABLE AS 'MODULE_PATHNAME', '_gate';
COMMENT ON FUNCTION @extschema@.bundle(text) IS
    'a version with all it depends on and the SHA-256 of each piece, for offline checks';

CREATE FUNCTION @extschema@.compare(old_ref text, new_ref text)
    RETURNS TABLE (path text, change text, backward boolean, forward boolean)
    LANGUAGE c STABLE AS 'MODULE_PATHNAME', '_gate';
COMMENT ON FUNCTION @extschema@.compare(text, text) IS
    'each difference between two versions, with its backward and forward compatibility';

CREATE FUNCTION @extschema@.set_compatibility(name text, mode text)
    RETURNS void LANGUAGE c AS 'MODULE_PATHNAME', '_gate';
COMMENT ON FUNCTION @extschema@.set_compatibility(text, text) IS
    'sets the compatibility policy (NONE, BACKWARD, FORWARD, FULL and _TRANSITIVE) of a name';

CREATE FUNCTION @extschema@.attach(tbl regclass, record_column name, schema_column name,
                                   mode text DEFAULT 'enforce', errors_column name DEFAULT NULL,
                                   follow_latest boolean DEFAULT false)
    RETURNS void LANGUAGE c AS 'MODULE_PATHNAME', '_gate';
COMMENT ON FUNCTION @extschema@.attach(regclass, name, name, text, name, boolean) IS
    'binds a table: each row names its schema in schema_column and is checked on every write';

CREATE FUNCTION @extschema@.detach(tbl regclass)
    RETURNS void LANGUAGE c AS 'MODULE_PATHNAME', '_gate';
COMMENT ON FUNCTION @extschema@.detach(regclass) IS
    'removes a table''s binding, its triggers and its counts';

CREATE FUNCTION @extschema@.recount()
    RETURNS TABLE (ref text, stored bigint, actual bigint)
    LANGUAGE c AS 'MODULE_PATHNAME', '_gate';
COMMENT ON FUNCTION @extschema@.recount() IS
    'recomputes every count from the bound tables, repairs drift, returns what it repaired';

CREATE FUNCTION @extschema@.reconcile()
    RETURNS TABLE (ref text, action text, status text, error text)
    LANGUAGE c AS 'MODULE_PATHNAME', '_gate';
COMMENT ON FUNCTION @extschema@.reconcile() IS
    'retries the create or delete step of every pending or deleting schema; safe to schedule';

CREATE FUNCTION @extschema@.matching_schemas(record jsonb, all_versions boolean DEFAULT false,
                                             name_prefix text DEFAULT NULL)
    RETURNS SETOF text LANGUAGE c STABLE AS 'MODULE_PATHNAME', '_gate';
COMMENT ON FUNCTION @extschema@.matching_schemas(jsonb, boolean, text) IS
    'the schemas (newest versions, or all; names starting with name_prefix) the caller may see that a record satisfies';

CREATE FUNCTION @extschema@.fields(ref text)
    RETURNS TABLE (path text, type text, format text, required boolean, description text)
    LANGUAGE c STABLE AS 'MODULE_PATHNAME', '_gate';
COMMENT ON FUNCTION @extschema@.fields(text) IS
    'the fields of a version (JSON Pointers; "/*" for array items), following $ref and allOf';

CREATE FUNCTION @extschema@._create_view(tbl regclass, ref text, view_name text)
    RETURNS void LANGUAGE c AS 'MODULE_PATHNAME', '_gate';
-- The view's name is resolved as the caller's CREATE VIEW would resolve it
-- (the gate's implementation runs with its own search_path). No SET clause:
-- the caller's search_path is the point; every name here is qualified.
CREATE FUNCTION @extschema@.create_view(tbl regclass, ref text, view_name text) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    parts text[] := pg_catalog.parse_ident(view_name);
BEGIN
    IF pg_catalog.cardinality(parts) OPERATOR(pg_catalog.=) 1 THEN
        IF pg_catalog.current_schema() IS NULL THEN
            RAISE EXCEPTION 'no schema has been selected to create the view in'
                USING ERRCODE = 'invalid_schema_name', HINT = 'Qualify view_name with a schema.';
        END IF;
        parts := pg_catalog.array_prepend(pg_catalog.current_schema()::text, parts);
    END IF;
    PERFORM @extschema@._create_view(tbl, ref, (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(p), '.')
                                                  FROM pg_catalog.unnest(parts) AS p));
END
$$;
COMMENT ON FUNCTION @extschema@.create_view(regclass, text, text) IS
    'creates a view of a bound table''s rows of one version with a typed column per scalar field';
