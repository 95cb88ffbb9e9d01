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
