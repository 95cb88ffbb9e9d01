-- Validation: references, compiling definitions, checking records (C).

CREATE FUNCTION @extschema@._parse_ref(ref text, OUT name text, OUT version integer)
    LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', '_parse_ref';

CREATE FUNCTION @extschema@._compile(definition jsonb, viewer oid, OUT dialect text, OUT uses bigint[])
    LANGUAGE c STRICT STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', '_compile';

CREATE FUNCTION @extschema@.validate_record(ref text, record jsonb) RETURNS boolean
    LANGUAGE c STRICT STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'validate_record';
COMMENT ON FUNCTION @extschema@.validate_record(text, jsonb) IS
    'true when the record satisfies the schema name:version (or the newest version of name)';

CREATE FUNCTION @extschema@.validation_errors(ref text, record jsonb)
    RETURNS TABLE (path text, keyword text, message text, schema_path text)
    LANGUAGE c STRICT STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'validation_errors';
COMMENT ON FUNCTION @extschema@.validation_errors(text, jsonb) IS
    'one row per validation error: JSON Pointer into the record, keyword, message, JSON Pointer to the keyword in the schema';

CREATE FUNCTION @extschema@.assert_valid(ref text, record jsonb) RETURNS void
    LANGUAGE c STRICT STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'assert_valid';
COMMENT ON FUNCTION @extschema@.assert_valid(text, jsonb) IS
    'raises check_violation (23514) listing each error when the record does not match';

CREATE FUNCTION @extschema@.validation_report(ref text, record jsonb) RETURNS jsonb
    LANGUAGE c STRICT STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'validation_report';
COMMENT ON FUNCTION @extschema@.validation_report(text, jsonb) IS
    'the record''s errors in JSON Schema''s "basic" output format: {"valid": true}, or {"valid": false, "errors": [{keywordLocation, instanceLocation, error}]}';

-- A record's errors as an errors column stores them (a jsonb array of
-- {path, schema_path, keyword, message}), NULL when it is valid.
CREATE FUNCTION @extschema@._errors_json(ref text, record jsonb) RETURNS jsonb
    LANGUAGE c STRICT STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', '_errors_json';
