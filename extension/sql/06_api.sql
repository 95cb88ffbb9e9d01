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
                                   mode text DEFAULT 'enforce', errors_column name DEFAULT NULL)
    RETURNS void LANGUAGE c AS 'MODULE_PATHNAME', '_gate';
COMMENT ON FUNCTION @extschema@.attach(regclass, name, name, text, name) IS
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

-- Privileges. Everyone may use the extension's schema, its public functions
-- and its views (which show each role what it may see). The registry's
-- tables have no grants: they change only through the functions. Of the
-- internal functions, only those the views and validate_bundle() call as the
-- querying role stay executable by PUBLIC.
GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;
GRANT SELECT ON @extschema@.schemas, @extschema@.schema_dependencies,
                @extschema@.bound_tables TO PUBLIC;
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid FROM pg_catalog.pg_proc p
              WHERE p.pronamespace = '@extschema@'::regnamespace
                AND p.proname LIKE '\_%'
                AND p.proname NOT IN ('_is_admin', '_may_change', '_visible', '_base_uri',
                                      '_parse_ref', '_check_bundle', '_validate_bundle') LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END
$$;
