-- The registry: create, get, update, revise and delete, with their errors.
\pset null '(null)'

-- Version 1, status exists, owner the creating role.
SELECT name, version, dialect, status, ref_count, owner::text = current_user AS owner_is_me,
       public, description, backend, last_error, created_at = updated_at AS fresh
  FROM schemareg.create_schema('lab/sensor',
       '{"type": "object", "properties": {"t": {"type": "number"}}, "required": ["t"]}',
       'a temperature reading');

-- Idempotent: the same name and content returns the same row.
SELECT (schemareg.create_schema('lab/sensor',
        '{"required": ["t"], "properties": {"t": {"type": "number"}}, "type": "object"}')).id
     = (schemareg.get_schema('lab/sensor:1')).id AS same_row;
SELECT count(*) FROM schemareg.schemas WHERE name = 'lab/sensor';

-- Other content under an existing name points to revise_schema.
SELECT outcome($$SELECT schemareg.create_schema('lab/sensor', '{"type": "string"}')$$);

-- The hash is SHA-256 of the canonical (jsonb) text: key order and spacing do not matter.
SELECT encode(hash, 'hex') = encode(sha256(convert_to('{"a": 1, "b": [1, 2]}', 'UTF8')), 'hex') AS hash_ok
  FROM schemareg.create_schema('hash/a', '{ "b" : [1,2],   "a":1 }');
SELECT (schemareg.create_schema('hash/b', '{"a": 1, "b": [1, 2]}')).hash
     = (schemareg.get_schema('hash/a')).hash AS same_hash;

-- get_schema: name:version, or a bare name for the newest existing version.
SELECT name, version, description FROM schemareg.get_schema('lab/sensor');
SELECT outcome($$SELECT schemareg.get_schema('lab/sensor:2')$$);
SELECT outcome($$SELECT schemareg.get_schema('lab/nothing')$$);

-- Malformed references are 22023 wherever they appear.
SELECT ref, split_part(outcome(format('SELECT schemareg.get_schema(%L)', ref)), E'\n', 2) AS detail
  FROM unnest(ARRAY['', 'a//b', '/a', 'a/', 'a b', 'x:0', 'x:abc', 'x:', ':1', 'x:1:2',
                    'x:1234567890', 'é']) AS ref;
SELECT outcome('SELECT schemareg.get_schema(''lab/sensor'')');
SELECT split_part(outcome(format('SELECT schemareg.get_schema(%L)', repeat('n', 201))), E'\n', 2);
SELECT (schemareg.create_schema(repeat('n', 200), '{}')).version AS longest_name_ok;
SELECT outcome($$SELECT schemareg.create_schema('lab/sensor:2', '{}')$$);
SELECT outcome($$SELECT schemareg.create_schema(NULL, '{}')$$);
SELECT outcome($$SELECT schemareg.create_schema('x', '{}', backend => 'remote')$$);
SELECT count(*) AS nothing_stored FROM schemareg.schemas WHERE name = 'x';

-- revise_schema: compare-and-swap on the version it names.
SELECT name, version, status, description FROM schemareg.revise_schema('lab/sensor:1',
       '{"type": "object", "properties": {"t": {"type": "number"}, "unit": {"enum": ["C", "K"]}}}');
SELECT version FROM schemareg.get_schema('lab/sensor');
SELECT outcome($$SELECT schemareg.revise_schema('lab/sensor:1', '{}')$$);
SELECT outcome($$SELECT schemareg.revise_schema('lab/sensor', '{}')$$);
SELECT outcome($$SELECT schemareg.revise_schema('lab/none:1', '{}')$$);
SELECT outcome($$SELECT schemareg.revise_schema('lab/sensor:2', '{"type": 5}')$$);
SELECT max(version) FROM schemareg.schemas WHERE name = 'lab/sensor';

-- update_schema edits in place (no record uses it yet) and keeps the description.
SELECT version, definition, description, updated_at >= created_at AS touched
  FROM schemareg.update_schema('lab/sensor:2', '{"type": "object"}');
SELECT encode(hash, 'hex') = encode(sha256(convert_to('{"type": "object"}', 'UTF8')), 'hex')
  FROM schemareg.get_schema('lab/sensor:2');
SELECT outcome($$SELECT schemareg.update_schema('lab/sensor:9', '{}')$$);
SELECT outcome($$SELECT schemareg.update_schema('lab/sensor:2', '{"minimum": "x"}')$$);
SELECT definition FROM schemareg.get_schema('lab/sensor:2');

-- A schema that records use cannot be updated or deleted.
CREATE TABLE registry_records (doc jsonb, sch text);
SELECT schemareg.attach('registry_records', 'doc', 'sch');
INSERT INTO registry_records SELECT '{}', 'lab/sensor:2' FROM generate_series(1, 3);
SELECT ref_count FROM schemareg.get_schema('lab/sensor:2');
SELECT outcome($$SELECT schemareg.update_schema('lab/sensor:2', '{}')$$);
SELECT outcome($$SELECT schemareg.delete_schema('lab/sensor:2')$$);
DROP TABLE registry_records;
SELECT ref_count FROM schemareg.get_schema('lab/sensor:2');

-- A deleting version is not usable (pending ones: sql/lifecycle.sql).
UPDATE schemareg.schema_versions SET status = 'deleting' WHERE name = 'lab/sensor' AND version = 2;
SELECT outcome($$SELECT schemareg.validate_record('lab/sensor:2', '{}')$$);
SELECT version FROM schemareg.get_schema('lab/sensor');
SELECT outcome($$SELECT schemareg.update_schema('lab/sensor:2', '{}')$$);
UPDATE schemareg.schema_versions SET status = 'exists' WHERE name = 'lab/sensor' AND version = 2;

-- delete_schema is idempotent: true, then false with a notice.
SELECT schemareg.delete_schema('lab/sensor:2');
SELECT schemareg.delete_schema('lab/sensor:2');
SELECT version FROM schemareg.get_schema('lab/sensor');
SELECT schemareg.delete_schema('hash/a'), schemareg.delete_schema('hash/b');
SELECT left(name, 20) AS name, version FROM schemareg.schemas
 WHERE name LIKE 'lab/%' OR name LIKE 'hash/%' OR name LIKE 'nnn%' ORDER BY name, version;

-- Internal helpers are strict: NULL in, NULL out, never a crash.
SELECT * FROM schemareg._compile(NULL, NULL);

-- Version numbers are never given twice, even after a delete.
SELECT (schemareg.create_schema('num/x', '{"type": "integer"}')).version;
SELECT (schemareg.revise_schema('num/x:1', '{"type": "number"}')).version;
SELECT schemareg.delete_schema('num/x:2');
SELECT version, definition FROM schemareg.revise_schema('num/x:1', '{"type": "string"}');
SELECT outcome($$SELECT schemareg.revise_schema('num/x:1', '{}')$$);
SELECT name, last_version FROM schemareg.names WHERE name = 'num/x';

-- Only the oldest or the newest version may be deleted.
SELECT (schemareg.revise_schema('num/x:3', '{"type": "boolean"}')).version;
SELECT outcome($$SELECT schemareg.delete_schema('num/x:3')$$);
SELECT schemareg.delete_schema('num/x:1'), schemareg.delete_schema('num/x:3'), schemareg.delete_schema('num/x:4');
-- A name whose versions are all gone goes on from its last number.
SELECT version FROM schemareg.create_schema('num/x', '{"type": "null"}');

-- Schemas that use another by its $id: listed, and the used one is protected.
SELECT (schemareg.create_schema('dep/unit', '{"$id": "https://example.com/unit.json", "enum": ["C", "K"]}')).version;
SELECT (schemareg.create_schema('dep/reading', '{"properties": {"unit": {"$ref": "https://example.com/unit.json"}}}')).version;
SELECT * FROM schemareg.schema_dependencies WHERE ref LIKE 'dep/%' ORDER BY ref;
SELECT outcome($$SELECT schemareg.delete_schema('dep/unit:1')$$);
SELECT outcome($$SELECT schemareg.update_schema('dep/unit:1', '{"$id": "https://example.com/unit.json", "enum": ["C"]}')$$);
-- A revision of the used schema is fine, and changes nothing for its users:
-- each pinned the version that was newest when it was registered.
SELECT (schemareg.revise_schema('dep/unit:1', '{"$id": "https://example.com/unit.json", "enum": ["C", "K", "F"]}')).version;
SELECT schemareg.validate_record('dep/reading', '{"unit": "F"}') AS f_for_reading_1;
SELECT (schemareg.revise_schema('dep/reading:1', '{"properties": {"unit": {"$ref": "https://example.com/unit.json"}}, "required": ["unit"]}')).version;
SELECT schemareg.validate_record('dep/reading:2', '{"unit": "F"}') AS f_for_reading_2;
SELECT * FROM schemareg.schema_dependencies WHERE ref LIKE 'dep/%' ORDER BY ref;
SELECT outcome($$SELECT schemareg.delete_schema('dep/unit:2')$$);
-- Another name cannot take the same $id (it would capture the references).
SELECT outcome($$SELECT schemareg.create_schema('dep/thief', '{"$id": "https://example.com/unit.json#", "enum": []}')$$);
SELECT outcome($$SELECT schemareg.create_schema('dep/thief4', '{"$schema": "http://json-schema.org/draft-04/schema#", "id": "https://example.com/unit.json"}')$$);
-- Once its user is gone the used schema may go.
SELECT schemareg.delete_schema('dep/reading:2'), schemareg.delete_schema('dep/unit:2'),
       schemareg.delete_schema('dep/reading:1'), schemareg.delete_schema('dep/unit:1');
SELECT count(*) AS dependencies_left FROM schemareg.schema_dependencies WHERE ref LIKE 'dep/%';

-- Lineage: every version in order, superseded ones flagged deprecated.
SELECT (schemareg.create_schema('hist/x', '{"type": "integer"}')).version;
SELECT (schemareg.revise_schema('hist/x:1', '{"type": "number"}')).version;
SELECT (schemareg.revise_schema('hist/x:2', '{"type": "string"}')).version;
SELECT ref, version, owner::text = current_user AND created_by = owner AS mine, hash = encode(sha256(convert_to(
           (SELECT definition::text FROM schemareg.schemas s WHERE s.name || ':' || s.version = h.ref), 'UTF8')), 'hex') AS hash_ok,
       status, ref_count, deprecated
  FROM schemareg.schema_history('hist/x') h;
SELECT outcome($$SELECT schemareg.schema_history('hist/none')$$);
SELECT outcome($$SELECT schemareg.schema_history('hist/x:2')$$);
SELECT outcome($$SELECT schemareg.schema_history('hist//x')$$);

-- References to registered versions by name:version (with a pointer, too).
SELECT (schemareg.create_schema('ref/unit', '{"enum": ["C", "K"], "definitions": {"positive": {"minimum": 0}}}')).version;
SELECT (schemareg.create_schema('ref/reading', '{"properties": {"unit": {"$ref": "ref/unit:1"},
        "value": {"$ref": "ref/unit:1#/definitions/positive"}}}')).version;
SELECT * FROM schemareg.validation_errors('ref/reading', '{"unit": "F", "value": -1}');
SELECT * FROM schemareg.schema_dependencies WHERE ref LIKE 'ref/%';
SELECT outcome($$SELECT schemareg.delete_schema('ref/unit:1')$$);
SELECT outcome($$SELECT schemareg.update_schema('ref/unit:1', '{}')$$);
SELECT outcome($$SELECT schemareg.create_schema('ref/bad', '{"$ref": "ref/unit:9"}')$$);
SELECT outcome($$SELECT schemareg.create_schema('ref/bad', '{"$ref": "ref/unit:1#/definitions/none"}')$$);
-- A version cannot refer to itself; a later version may refer to an earlier one.
SELECT outcome($$SELECT schemareg.update_schema('ref/reading:1', '{"$ref": "ref/reading:1"}')$$);
SELECT (schemareg.revise_schema('ref/reading:1', '{"allOf": [{"$ref": "ref/reading:1"}], "required": ["unit"]}')).version;
SELECT schemareg.validate_record('ref/reading:2', '{"unit": "C", "value": 1}') AS ok,
       schemareg.validate_record('ref/reading:2', '{"value": 1}') AS missing_unit;
SELECT schemareg.uses('ref/reading:1') AS uses;
SELECT schemareg.used_by('ref/unit:1') AS used_by;
SELECT count(*) AS uses_nothing FROM schemareg.uses('ref/unit:1');
SELECT outcome($$SELECT schemareg.used_by('ref/none:1')$$);

-- Bundles: a version with everything it needs, hashed, checkable offline.
SELECT b ->> 'schema' AS schema, b ->> 'dialect' AS dialect,
       (SELECT array_agg(d ->> 'schema') FROM jsonb_array_elements(b -> 'dependencies') d) AS dependencies,
       b ->> 'hash' = encode((SELECT hash FROM schemareg.get_schema('ref/reading:2')), 'hex') AS hash_ok,
       length(b ->> 'bundle_hash') AS bundle_hash_length
  FROM schemareg.bundle('ref/reading:2') b;
SELECT schemareg.bundle('ref/reading:2') = schemareg.bundle('ref/reading:2') AS stable;
-- Offline answers equal online ones.
SELECT r, schemareg.validate_record('ref/reading:2', r::jsonb) AS online,
       schemareg.validate_bundle(schemareg.bundle('ref/reading:2'), r::jsonb) AS offline
  FROM unnest(ARRAY['{"unit": "C", "value": 1}', '{"unit": "F", "value": 1}',
                    '{"unit": "K", "value": -1}', '{"value": 2}']) r;
-- A bundle that was changed, or that lacks a piece, is refused.
SELECT outcome($$SELECT schemareg.validate_bundle(jsonb_set(schemareg.bundle('ref/reading:2'),
                 '{definition,required}', '[]'), '{}')$$);
SELECT outcome($$SELECT schemareg.validate_bundle(jsonb_set(schemareg.bundle('ref/reading:2'),
                 '{bundle_hash}', '"0"'), '{}')$$);
-- A piece changed and the bundle_hash made again: the piece's own hash catches it.
SELECT outcome($$SELECT schemareg.validate_bundle(x || jsonb_build_object('bundle_hash',
                 encode(sha256(convert_to(x::text, 'UTF8')), 'hex')), '{}')
                 FROM (SELECT jsonb_set(schemareg.bundle('ref/reading:2'), '{dependencies,0,definition}', '{}')
                              - 'bundle_hash' AS x) t$$);
SELECT outcome($$SELECT schemareg.validate_bundle('{"schema": "x"}', '{}')$$);
SELECT outcome($$SELECT schemareg._validate_bundle(jsonb_set(schemareg.bundle('ref/reading:2'),
                 '{dependencies}', '[]'), '{}')$$);

-- A NULL reference is refused as such (22004), by every function that takes one.
SELECT f, outcome(format('SELECT * FROM schemareg.%s(NULL)', f))
  FROM unnest(ARRAY['get_schema', 'uses', 'used_by', 'bundle', 'delete_schema', 'fields',
                    'schema_history']) AS f;
SELECT outcome($$SELECT * FROM schemareg.compare(NULL, 'ref/reading:1')$$);
SELECT outcome($$SELECT schemareg.update_schema(NULL, '{}')$$);
SELECT outcome($$SELECT schemareg.revise_schema(NULL, '{}')$$);
