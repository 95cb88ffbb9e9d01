-- Ad-hoc use without registering: validate(), validation_errors() and
-- check_definition() on definitions that are not registered; json and text
-- forms; attach() on a record column of a domain over jsonb.
\set VERBOSITY terse

-- validate(definition, record), schema first as pg_jsonschema's jsonb_matches_schema.
SELECT schemareg.validate('{"type": "object", "required": ["t"]}', '{"t": 1}') AS valid,
       schemareg.validate('{"type": "object", "required": ["t"]}', '{}') AS invalid,
       schemareg.validate('true', '[1]') AS always,
       schemareg.validate('false', '[1]') AS never;
-- Nothing was registered.
SELECT count(*) AS registered FROM schemareg.schemas;

-- Every form resolves: jsonb, json, pg_jsonschema's (json, jsonb), string literals.
SELECT schemareg.validate('{"maximum": 3}'::jsonb, '4'::jsonb) AS jsonb_jsonb,
       schemareg.validate('{"maximum": 3}'::json, '4'::json) AS json_json,
       schemareg.validate('{"maximum": 3}'::json, '2'::jsonb) AS json_jsonb,
       schemareg.validate('{"maximum": 3}', '2'::jsonb) AS literal_jsonb,
       schemareg.validate('{"maximum": 3}'::json, '2') AS json_literal,
       schemareg.validate('{"maximum": 3}', '2') AS literals;
-- A text column of JSON works too (the text form casts to jsonb); bad JSON is 22P02.
SELECT schemareg.validate(d, r) FROM (VALUES ('{"type": "string"}'::text, '"x"'::text)) v(d, r);
SELECT outcome($$SELECT schemareg.validate('{"type": "string"', '1')$$);

-- validation_errors(definition, record): the columns of validation_errors(ref,
-- record) and the schema path of each failing keyword.
SELECT * FROM schemareg.validation_errors(
  '{"properties": {"a": {"type": "string"}, "b": {"$ref": "#/definitions/n"}},
    "definitions": {"n": {"minimum": 10}}}'::jsonb,
  '{"a": 1, "b": 5}');
SELECT * FROM schemareg.validation_errors('{"items": {"enum": [1, 2]}}'::json, '[1, 3]'::json);
-- A definition as a plain literal reaches the reference form: 22023, with a hint.
SELECT outcome($$SELECT * FROM schemareg.validation_errors('{"type": "string"}', '1')$$);
-- Past schemareg.max_errors, one last row counts the rest.
SET schemareg.max_errors = 2;
SELECT * FROM schemareg.validation_errors('{"items": {"type": "string"}}'::jsonb, '[1, 2, 3, 4]');
RESET schemareg.max_errors;

-- Bad definitions fail as create_schema fails for them, and nothing is registered.
SELECT outcome($$SELECT schemareg.validate('{"type": "strin"}', '1')$$);
SELECT outcome($$SELECT schemareg.validate('{"properties": {"a": {"$ref": "#/nope"}}}', '1')$$);
SELECT outcome($$SELECT schemareg.validate('{"pattern": "\\p{Foo}"}', '"x"')$$);
SELECT outcome($$SELECT schemareg.validate('{"$ref": "http://example.test/absent"}', '1')$$);
SELECT outcome($$SELECT schemareg.validate('{"$schema": "http://example.test/meta"}', '1')$$);
SELECT outcome($$SELECT schemareg.validate('[1]', '1')$$);
SELECT outcome($$SELECT schemareg.create_schema('adhoc/bad', '{"type": "strin"}')$$);
SELECT count(*) AS registered FROM schemareg.schemas;

-- Internal references, $defs, anchors and the shipped metaschemas work.
SELECT schemareg.validate($${"$schema": "https://json-schema.org/draft/2020-12/schema",
  "$defs": {"pos": {"$anchor": "pos", "exclusiveMinimum": 0}},
  "prefixItems": [{"$ref": "#pos"}], "items": {"$ref": "#/$defs/pos"}}$$, '[1, 2]') AS valid,
       schemareg.validate('{"$ref": "http://json-schema.org/draft-07/schema#"}', '{"type": 1}') AS metaschema;

-- schemareg.default_dialect is part of what a definition compiles to.
SET schemareg.default_dialect = 'draft4';
SELECT schemareg.validate('{"exclusiveMinimum": true, "minimum": 5}', '5') AS draft4;
SET schemareg.default_dialect = 'draft2020-12';
SELECT schemareg.validate('{"prefixItems": [{"type": "string"}]}', '[1]') AS draft2020;
RESET schemareg.default_dialect;
SELECT schemareg.validate('{"prefixItems": [{"type": "string"}]}', '[1]') AS draft7;
-- schemareg.assert_formats applies to ad-hoc definitions as to registered ones.
SELECT schemareg.validate('{"format": "email"}', '"nope"') AS format_asserted;
-- schemareg.strict = error refuses definitions with keywords their dialect lacks.
SET schemareg.strict = 'error';
SELECT outcome($$SELECT schemareg.validate('{"prefixItems": []}', '1')$$);
RESET schemareg.strict;
SELECT schemareg.validate('{"prefixItems": []}', '1') AS lenient;

-- References to registered schemas resolve, as create_schema resolves them.
SELECT version FROM schemareg.create_schema('adhoc/unit',
  '{"$id": "https://example.test/unit", "enum": ["C", "F"]}');
SELECT schemareg.validate('{"properties": {"u": {"$ref": "https://example.test/unit"}}}', '{"u": "C"}') AS by_id,
       schemareg.validate('{"properties": {"u": {"$ref": "adhoc/unit:1"}}}', '{"u": "K"}') AS by_name;
-- A cached program does not outlive a change of the registry.
SELECT version FROM schemareg.revise_schema('adhoc/unit:1',
  '{"$id": "https://example.test/unit", "enum": ["C", "F", "K"]}');
SELECT schemareg.validate('{"properties": {"u": {"$ref": "https://example.test/unit"}}}', '{"u": "K"}') AS newest;
SELECT schemareg.delete_schema('adhoc/unit:2');
SELECT schemareg.validate('{"properties": {"u": {"$ref": "https://example.test/unit"}}}', '{"u": "K"}') AS back_to_1;
-- Nor a rolled-back one.
BEGIN;
SELECT version FROM schemareg.create_schema('adhoc/temp', '{"$id": "https://example.test/temp", "type": "string"}');
SELECT schemareg.validate('{"$ref": "https://example.test/temp"}', '"x"') AS inside;
ROLLBACK;
SELECT outcome($$SELECT schemareg.validate('{"$ref": "https://example.test/temp"}', '"x"')$$);

-- check_definition: one row per problem, nothing registered.
SELECT * FROM schemareg.check_definition('{"type": "string", "maxLength": 3}');
SELECT * FROM schemareg.check_definition('{"type": "strin", "minimum": "0", "properties": {"a": {"type": 1}}}');
SELECT * FROM schemareg.check_definition($${
  "properties": {
    "a": {"pattern": "\\p{Foo}"},
    "b": {"$ref": "#/definitions/nope"},
    "c": {"$ref": "https://example.test/absent"},
    "d": {"$ref": "adhoc/absent:1"},
    "e": {"$ref": "https://example.test/unit"}
  },
  "definitions": {"ok": {"patternProperties": {"\\p{Bar}": true}}},
  "colour": "red", "prefixItems": []}$$);
SET schemareg.strict = 'error';
SELECT * FROM schemareg.check_definition('{"colour": "red"}'::json);
SET schemareg.strict = 'off';
SELECT * FROM schemareg.check_definition('{"colour": "red"}'::json);
RESET schemareg.strict;
SELECT * FROM schemareg.check_definition('{"$schema": "http://example.test/meta"}');
SELECT * FROM schemareg.check_definition('{"$schema": "https://json-schema.org/draft/2019-09/schema", "$ref": "#/$defs/x"}');
SELECT * FROM schemareg.check_definition('[]');
SELECT * FROM schemareg.check_definition('{"allOf": [{"$ref": "#"}]}');
-- A definition check_definition accepts, create_schema accepts.
SELECT count(*) AS problems FROM schemareg.check_definition('{"properties": {"u": {"$ref": "https://example.test/unit"}}}');
SELECT version FROM schemareg.create_schema('adhoc/uses-unit', '{"properties": {"u": {"$ref": "https://example.test/unit"}}}');
SELECT count(*) AS registered FROM schemareg.schemas WHERE name LIKE 'adhoc/%';

-- The json and text forms of the reference functions.
SELECT schemareg.validate_record('adhoc/unit:1', '"C"'::json) AS json_record,
       schemareg.validate_record('adhoc/unit:1', '"X"') AS literal_record;
SELECT * FROM schemareg.validation_errors('adhoc/unit:1', '"X"'::json);
SELECT * FROM schemareg.validation_errors('adhoc/unit:1', '"X"');
SELECT outcome($$SELECT schemareg.assert_valid('adhoc/unit:1', '"X"'::json)$$);
SELECT outcome($$SELECT schemareg.assert_valid('adhoc/unit:1', '"F"')$$);

-- attach() takes a record column of a domain over jsonb, and refuses (42804)
-- a domain over anything else.
CREATE DOMAIN adhoc_doc AS jsonb CHECK (jsonb_typeof(VALUE) = 'object');
CREATE DOMAIN adhoc_doc2 AS adhoc_doc;
CREATE DOMAIN adhoc_text AS text;
CREATE TABLE adhoc_readings (id serial PRIMARY KEY, doc adhoc_doc2, sch text);
CREATE TABLE adhoc_wrong (id serial PRIMARY KEY, doc adhoc_text, sch text);
SELECT version FROM schemareg.create_schema('adhoc/reading', '{"required": ["t"], "properties": {"t": {"type": "number"}}}');
SELECT schemareg.attach('adhoc_readings', 'doc', 'sch');
SELECT outcome($$SELECT schemareg.attach('adhoc_wrong', 'doc', 'sch')$$);
INSERT INTO adhoc_readings (doc, sch) VALUES ('{"t": 1}', 'adhoc/reading'), ('{"t": 2.5}', 'adhoc/reading:1');
SELECT outcome($$INSERT INTO adhoc_readings (doc, sch) VALUES ('{"t": "warm"}', 'adhoc/reading')$$);
SELECT outcome($$INSERT INTO adhoc_readings (doc, sch) VALUES ('[1]', 'adhoc/reading')$$);
UPDATE adhoc_readings SET doc = '{"t": 3}' WHERE id = 1;
SELECT outcome($$UPDATE adhoc_readings SET doc = '{}' WHERE id = 1$$);
SELECT ref_count FROM schemareg.schemas WHERE name = 'adhoc/reading';
SELECT id, doc, sch FROM adhoc_readings ORDER BY id;
DELETE FROM adhoc_readings WHERE id = 2;
SELECT ref_count FROM schemareg.schemas WHERE name = 'adhoc/reading';
SELECT * FROM schemareg.recount() WHERE ref LIKE 'adhoc/%';
SELECT schemareg.detach('adhoc_readings');
DROP TABLE adhoc_readings, adhoc_wrong;
DROP DOMAIN adhoc_doc2, adhoc_doc, adhoc_text;
