-- validate_record, validation_errors and assert_valid on a realistic schema.
SELECT (schemareg.create_schema('lab/instrument', $${
  "type": "object",
  "required": ["id", "site", "readings"],
  "additionalProperties": false,
  "properties": {
    "id": {"type": "string", "pattern": "^INS-[0-9]{4}$"},
    "site": {"enum": ["north", "south"]},
    "installed": {"type": "string", "format": "date"},
    "contact": {"type": "string", "format": "email"},
    "readings": {"type": "array", "minItems": 1, "maxItems": 5, "items": {"$ref": "#/definitions/reading"}}
  },
  "definitions": {
    "reading": {
      "type": "object",
      "required": ["value", "unit"],
      "properties": {
        "value": {"type": "number", "minimum": -40, "maximum": 125},
        "unit": {"enum": ["C", "F"]},
        "count": {"type": "integer", "multipleOf": 2}
      }
    }
  }
}$$)).version;

SELECT schemareg.validate_record('lab/instrument',
  '{"id": "INS-0001", "site": "north", "installed": "2024-02-29", "readings": [{"value": 20.5, "unit": "C", "count": 4.0}]}') AS valid;

-- Every error, with a JSON Pointer into the record.
SELECT * FROM schemareg.validation_errors('lab/instrument:1', $${
  "id": "INS-12", "site": "east", "installed": "2023-02-29", "contact": "nobody", "extra": 1,
  "readings": [{"value": 20, "unit": "C"}, {"value": 200, "unit": "C"}, {"value": "x", "unit": "C"},
               {"value": 1, "unit": "K", "count": 3}, {"value": 1}, {"value": 2, "unit": "F"}]
}$$);

-- A valid record has no errors; a record that is not an object fails at the root.
SELECT count(*) FROM schemareg.validation_errors('lab/instrument',
  '{"id": "INS-0001", "site": "south", "readings": [{"value": -40, "unit": "F"}]}');
SELECT * FROM schemareg.validation_errors('lab/instrument', '[1, 2]');

-- assert_valid raises 23514 with a detail listing each path and message.
SELECT schemareg.assert_valid('lab/instrument',
  '{"id": "INS-0001", "site": "north", "readings": [{"value": 1, "unit": "C"}]}');
SELECT outcome($$SELECT schemareg.assert_valid('lab/instrument', '{"id": "INS-0001", "site": "west", "readings": [{"value": 1, "unit": "K"}]}')$$);
SELECT outcome($$SELECT schemareg.assert_valid('lab/instrument', '{"site": "north"}')$$);

-- The detail is capped by schemareg.max_error_detail.
SET schemareg.max_error_detail = 2;
SELECT outcome($$SELECT schemareg.assert_valid('lab/instrument', '{"x": 1, "y": 2, "z": 3}')$$);
RESET schemareg.max_error_detail;

-- "format" asserts by default; schemareg.assert_formats = off makes it an annotation.
SELECT schemareg.validate_record('lab/instrument', '{"id": "INS-0001", "site": "north", "installed": "yesterday", "readings": [{"value": 1, "unit": "C"}]}') AS format_checked;
SET schemareg.assert_formats = off;
SELECT schemareg.validate_record('lab/instrument', '{"id": "INS-0001", "site": "north", "installed": "yesterday", "readings": [{"value": 1, "unit": "C"}]}') AS format_ignored;
RESET schemareg.assert_formats;

-- Keywords and their messages, one schema each.
SELECT (schemareg.create_schema('kw/' || k, d::jsonb)).version, k
  FROM (VALUES
    ('unique', '{"uniqueItems": true}'),
    ('contains', '{"contains": {"const": 3}}'),
    ('oneof', '{"oneOf": [{"type": "integer"}, {"minimum": 2}]}'),
    ('anyof', '{"anyOf": [{"type": "string"}, {"type": "null"}]}'),
    ('not', '{"not": {"type": "string"}}'),
    ('deps', '{"dependencies": {"card": ["billing"], "ship": {"required": ["address"]}}}'),
    ('names', '{"propertyNames": {"maxLength": 3}}'),
    ('props', '{"minProperties": 2, "maxProperties": 3}'),
    ('ifthen', '{"if": {"properties": {"kind": {"const": "a"}}}, "then": {"required": ["a"]}, "else": {"required": ["b"]}}'),
    ('tuple', '{"items": [{"type": "string"}, {"type": "number"}], "additionalItems": false}'),
    ('length', '{"minLength": 2, "maxLength": 3}'),
    ('excl', '{"exclusiveMinimum": 0, "exclusiveMaximum": 10}'),
    ('patprops', '{"patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": {"type": "integer"}}')
  ) AS t(k, d);
SELECT k, r, e.*
  FROM (VALUES ('unique', '[1, 2, 1.0]'), ('unique', '[{"a": [1]}, {"a": [1.0]}]'), ('unique', '[1, true]'),
               ('contains', '[1, 2]'), ('oneof', '3'), ('oneof', '1.5'), ('anyof', '1'), ('not', '"s"'),
               ('deps', '{"card": 1, "ship": 1}'), ('names', '{"abcd": 1, "ab": 2}'),
               ('props', '{"a": 1}'), ('props', '{"a": 1, "b": 2, "c": 3, "d": 4}'),
               ('ifthen', '{"kind": "a"}'), ('ifthen', '{"kind": "b"}'),
               ('tuple', '["a", 1, null]'), ('tuple', '[1, "a"]'),
               ('length', '"é"'), ('length', '"日本語"'), ('length', '"abcd"'),
               ('excl', '0'), ('excl', '10'), ('excl', '5'),
               ('patprops', '{"x-a": 1, "b": "s", "c": 2}')) AS v(k, r)
  LEFT JOIN LATERAL schemareg.validation_errors('kw/' || k, r::jsonb) e ON true
 ORDER BY k, r, e.path, e.keyword;

-- NULL in, NULL out (the functions are strict).
SELECT schemareg.validate_record('lab/instrument', NULL) IS NULL AS null_record,
       schemareg.validate_record(NULL, '{}') IS NULL AS null_ref;
