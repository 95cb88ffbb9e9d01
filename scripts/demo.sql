-- schemareg walkthrough: register, revise, validate, see the errors.
\set ECHO queries
\pset null '(null)'
\set VERBOSITY default
\set SHOW_CONTEXT never

CREATE EXTENSION IF NOT EXISTS schemareg;

-- 1. Register a schema. Version 1, status exists, owned by you.
\set sensor '{"type": "object", "required": ["id", "readings"], "properties": {"id": {"type": "string", "pattern": "^S-[0-9]{3}$"}, "readings": {"type": "array", "items": {"$ref": "#/definitions/reading"}}}, "definitions": {"reading": {"type": "object", "required": ["value", "unit"], "properties": {"value": {"type": "number"}, "unit": {"enum": ["C", "K"]}}}}}'
SELECT name, version, dialect, status, owner, encode(hash, 'hex') AS sha256
  FROM schemareg.create_schema('lab/sensor', :'sensor', 'a sensor and its readings');

-- Registering the same content again is harmless: it returns the same row.
SELECT name, version FROM schemareg.create_schema('lab/sensor', :'sensor');

-- 2. Validate records: a good one, then a bad one and each of its errors.
SELECT schemareg.validate_record('lab/sensor',
  '{"id": "S-001", "readings": [{"value": 21.5, "unit": "C"}]}') AS valid;
SELECT schemareg.validate_record('lab/sensor:1',
  '{"id": "sensor one", "readings": [{"value": 21.5, "unit": "C"}, {"value": "hot", "unit": "F"}]}') AS valid;
SELECT * FROM schemareg.validation_errors('lab/sensor:1',
  '{"id": "sensor one", "readings": [{"value": 21.5, "unit": "C"}, {"value": "hot", "unit": "F"}]}');

-- The same errors in JSON Schema's "basic" output format, for an HTTP API.
SELECT schemareg.validation_report('lab/sensor:1',
  '{"id": "sensor one", "readings": [{"value": 21.5, "unit": "C"}, {"value": "hot", "unit": "F"}]}');

-- assert_valid raises check_violation (23514): use it in a CHECK or a trigger.
SELECT schemareg.assert_valid('lab/sensor', '{"readings": [{"unit": "K"}]}');

-- 3. Revise: version 2, compare-and-swap on the version you name.
SELECT name, version FROM schemareg.revise_schema('lab/sensor:1', $${
    "type": "object",
    "required": ["id"],
    "properties": {"id": {"type": "string"}, "site": {"enum": ["north", "south"]}}
  }$$);
-- Revising version 1 again fails: someone (you) already made version 2.
SELECT schemareg.revise_schema('lab/sensor:1', '{}');
-- A bare name now means version 2.
SELECT schemareg.validate_record('lab/sensor', '{"id": "any text", "site": "north"}') AS valid_v2;

-- 4. Bad definitions are refused, never stored.
SELECT schemareg.create_schema('lab/broken', '{"type": "strnig"}');
SELECT schemareg.create_schema('lab/broken', '{"$schema": "https://json-schema.org/draft/2020-12/schema"}');

-- 5. Bind a table: every write is checked against the schema its row names.
CREATE TABLE readings (id serial PRIMARY KEY, doc jsonb, schema_ref text);
SELECT schemareg.attach('readings', 'doc', 'schema_ref');
INSERT INTO readings (doc, schema_ref) VALUES
  ('{"id": "S-001", "readings": [{"value": 21.5, "unit": "C"}]}', 'lab/sensor:1'),
  ('{"id": "S-002", "site": "south"}', 'lab/sensor');
-- The bare name was rewritten to the version it meant.
SELECT id, schema_ref FROM readings ORDER BY id;
-- A bad record is refused, with the failing row and every error in the
-- detail, and the table, record column and constraint in the error's fields.
INSERT INTO readings (doc, schema_ref) VALUES ('{"id": 7, "readings": [{"unit": "X"}]}', 'lab/sensor:1');
-- With schemareg.error_format = json the detail is a JSON array for programs.
SET schemareg.error_format = 'json';
INSERT INTO readings (doc, schema_ref) VALUES ('{"id": 7, "readings": [{"unit": "X"}]}', 'lab/sensor:1');
RESET schemareg.error_format;

-- 6. Each version knows exactly how many records use it ...
SELECT name, version, ref_count FROM schemareg.schemas ORDER BY name, version;
-- ... so a version in use cannot be deleted.
SELECT schemareg.delete_schema('lab/sensor:1');

-- 7. The registry is a view over tables that pg_dump keeps.
SELECT name, version, status, ref_count, description FROM schemareg.schemas ORDER BY name, version;

-- 8. Once nothing uses it, a version can go; deleting it again is harmless.
DELETE FROM readings WHERE schema_ref = 'lab/sensor:2';
SELECT schemareg.delete_schema('lab/sensor:2');
SELECT schemareg.delete_schema('lab/sensor:2');

-- 9. Schemas change under existing data: revise, then move the rows that
--    the new version accepts, in committed batches with progress in a view.
INSERT INTO readings (doc, schema_ref)
  SELECT jsonb_build_object('id', 'S-' || lpad(i::text, 3, '0'),
                            'readings', jsonb_build_array(jsonb_build_object('value', i * 5, 'unit', 'C'))),
         'lab/sensor:1'
    FROM generate_series(2, 9) i;
SELECT version FROM schemareg.revise_schema('lab/sensor:1',
  '{"type": "object", "required": ["id", "readings"], "properties": {"id": {"type": "string"},
    "readings": {"type": "array", "items": {"type": "object", "required": ["value", "unit"],
      "properties": {"value": {"type": "number", "maximum": 30}, "unit": {"enum": ["C", "K"]}}}}}}');
CALL schemareg.migrate('readings', 'lab/sensor:3', 1000);
SELECT kind, tbl, schema, rows_done, rows_changed AS moved, rows_invalid AS stayed, state FROM schemareg.jobs;
SELECT schema_ref, count(*) FROM readings GROUP BY schema_ref ORDER BY schema_ref;
SELECT name, version, ref_count FROM schemareg.schemas ORDER BY name, version;
-- Why the others stayed:
SELECT ref, errors -> 0 ->> 'message' AS first_error FROM schemareg.job_errors ORDER BY row_id;

-- 10. The fields of a version, and a typed view of the records that use it.
SELECT * FROM schemareg.fields('lab/sensor:3');
SELECT schemareg.create_view('readings', 'lab/sensor:3', 'sensor_v3');
SELECT * FROM sensor_v3 ORDER BY id;
