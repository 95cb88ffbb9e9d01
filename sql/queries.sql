-- Compliance and query helpers: matching_schemas, fields, create_view, on
-- schemas that reference each other (by name:version and by $id).
\pset null '(null)'
SELECT (schemareg.create_schema('qry/unit', '{"$id": "https://example.org/unit", "type": "object",
        "required": ["symbol"], "properties": {"symbol": {"type": "string", "description": "SI symbol"}}}',
        public => true)).version;
SELECT (schemareg.create_schema('qry/place', '{"type": "object", "required": ["site"],
        "properties": {"site": {"type": "string"}, "height": {"type": "number"}}}', public => true)).version;
SELECT (schemareg.create_schema('qry/reading', $${
  "type": "object", "required": ["at", "value"],
  "properties": {
    "at": {"type": "string", "format": "date-time", "description": "when it was read"},
    "value": {"type": ["number", "null"]},
    "count": {"type": "integer"},
    "ok": {"type": "boolean"},
    "day": {"type": "string", "format": "date"},
    "unit": {"$ref": "https://example.org/unit"},
    "place": {"$ref": "qry/place:1"},
    "meta": {"$ref": "#/definitions/meta"},
    "tags": {"type": "array", "items": {"type": "string"}},
    "parts": {"type": "array", "items": {"$ref": "qry/unit:1"}},
    "either": {"type": ["string", "integer"]}
  },
  "allOf": [{"properties": {"note": {"type": "string"}}}],
  "definitions": {"meta": {"type": "object", "properties": {"by": {"type": "string"}, "next": {"$ref": "#/definitions/meta"}}}}
}$$, public => true)).version;

-- Every field, nested ones too, following $ref (local, by name:version, by
-- $id; a recursive one once) and allOf.
SELECT * FROM schemareg.fields('qry/reading:1');
SELECT * FROM schemareg.fields('qry/unit');
SELECT outcome($$SELECT * FROM schemareg.fields('qry/none:1')$$);

-- A typed view of the rows of one version.
CREATE TABLE qry_docs (id int PRIMARY KEY, doc jsonb, sch text, errs jsonb);
SELECT schemareg.attach('qry_docs', 'doc', 'sch', 'flag', 'errs');
INSERT INTO qry_docs VALUES
  (1, '{"at": "2024-06-01T12:00:00Z", "value": 1.5, "count": 3, "ok": true, "day": "2024-06-01",
        "unit": {"symbol": "K"}, "place": {"site": "north", "height": 12.5}, "meta": {"by": "ann"}, "note": "first"}', 'qry/reading'),
  (2, '{"at": "2024-06-01T13:00:00+02:00", "value": null, "count": 4.0}', 'qry/reading'),
  (3, '{"at": "yesterday", "value": "x"}', 'qry/reading'),
  (4, '{"symbol": "m"}', 'qry/unit');
SELECT schemareg.create_view('qry_docs', 'qry/reading:1', 'qry_readings');
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
 WHERE attrelid = 'qry_readings'::regclass AND attnum > 0 ORDER BY attnum;
-- (Row 3 is invalid: a flag table's view shows its valid rows.)
SELECT id, at, value, count, ok, day, unit_symbol, place_site, place_height, meta_by, note
  FROM qry_readings ORDER BY id;
SELECT viewowner = current_user AS mine FROM pg_views WHERE viewname = 'qry_readings';
-- A schema-qualified name; a name that is taken.
CREATE SCHEMA qry_views;
SELECT schemareg.create_view('qry_docs', 'qry/unit:1', 'qry_views.units');
SELECT * FROM qry_views.units;
SELECT outcome($$SELECT schemareg.create_view('qry_docs', 'qry/unit:1', 'qry_views.units')$$);
SELECT outcome($$SELECT schemareg.create_view('pg_class', 'qry/unit:1', 'nope')$$);

-- The schemas a record satisfies: the newest versions, or all of them (here
-- of the names this suite made: the registry also holds the limits suite's
-- schemas that take forever on purpose).
SELECT (schemareg.revise_schema('qry/unit:1', '{"$id": "https://example.org/unit", "type": "object",
        "required": ["symbol", "scale"], "properties": {"symbol": {"type": "string"}}}')).version;
SELECT * FROM schemareg.matching_schemas('{"symbol": "K"}', name_prefix => 'qry/');
SELECT * FROM schemareg.matching_schemas('{"symbol": "K"}', all_versions => true, name_prefix => 'qry/');
SELECT * FROM schemareg.matching_schemas('{"symbol": "K", "scale": 1, "site": "x"}', false, 'qry/');
SELECT count(*) FROM schemareg.matching_schemas('[]', false, 'qry/');
-- Only schemas the caller may see.
CREATE ROLE regress_qry_other;
SELECT (schemareg.create_schema('qry/private', '{}')).version;
SELECT * FROM schemareg.matching_schemas('{"symbol": "K"}', name_prefix => 'qry/');
SET ROLE regress_qry_other;
SELECT * FROM schemareg.matching_schemas('{"symbol": "K"}', name_prefix => 'qry/');
RESET ROLE;
DROP ROLE regress_qry_other;

DROP VIEW qry_readings, qry_views.units;
DROP SCHEMA qry_views;
DROP TABLE qry_docs;
SELECT count(*) FILTER (WHERE schemareg.delete_schema(r)) AS deleted
  FROM unnest(ARRAY['qry/private:1', 'qry/reading:1', 'qry/unit:2', 'qry/unit:1', 'qry/place:1']) AS r;
