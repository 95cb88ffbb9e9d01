-- Deterministic benchmark corpus (the same records on every run: setseed and
-- arithmetic only), two kinds, each with the schema it follows:
--   bench_instrument  :instrument records of about 1.1 KB; schema
--                     'bench/instrument' of about 40 keywords (nested objects,
--                     an array of 8-15 readings through $ref, enums, bounds,
--                     three patterns, formats, additionalProperties)
--   bench_tiny        :tiny two-key records, {"sensor": 7, "value": 21.5};
--                     schema 'bench/tiny' (two required keys, two types)
-- Usage: psql -v instrument=N -v tiny=M -f bench/corpus.sql
SELECT setseed(0.42);
DROP TABLE IF EXISTS bench_instrument;
CREATE TABLE bench_instrument AS
SELECT i AS id, jsonb_build_object(
    'id', 'INS-' || lpad(i::text, 6, '0'),
    'site', (ARRAY['north', 'south', 'east', 'west'])[1 + i % 4],
    'model', jsonb_build_object('vendor', 'Acme', 'name', 'TX-' || (i % 97), 'firmware', '2.' || (i % 10) || '.' || (i % 7)),
    'installed', '2024-' || lpad((1 + i % 12)::text, 2, '0') || '-' || lpad((1 + i % 28)::text, 2, '0'),
    'contact', 'ops' || (i % 50) || '@example.com',
    'tags', jsonb_build_array('t' || (i % 5), 't' || (i % 7 + 5)),
    'readings', (SELECT jsonb_agg(jsonb_build_object(
                   'at', '2024-06-01T12:' || lpad((k % 60)::text, 2, '0') || ':00Z',
                   'value', round((random() * 100 - 20)::numeric, 2),
                   'unit', (ARRAY['C', 'F', 'K'])[1 + k % 3],
                   'quality', (ARRAY['good', 'suspect'])[1 + (k % 5 = 0)::int]))
                 FROM generate_series(1, 8 + i % 8) k)) AS doc
  FROM generate_series(1, :instrument) i;

DROP TABLE IF EXISTS bench_tiny;
CREATE TABLE bench_tiny AS
SELECT i AS id, jsonb_build_object('sensor', i % 64, 'value', round((i * 37 % 2000) / 10.0 - 50, 1)) AS doc
  FROM generate_series(1, :tiny) i;

-- The schemas are registered once per database, so that they stay version 1.
SELECT (schemareg.create_schema('bench/instrument', $${
  "type": "object",
  "required": ["id", "site", "model", "readings"],
  "additionalProperties": false,
  "properties": {
    "id": {"type": "string", "pattern": "^INS-[0-9]{6}$"},
    "site": {"enum": ["north", "south", "east", "west"]},
    "model": {
      "type": "object", "required": ["vendor", "name"],
      "properties": {
        "vendor": {"type": "string", "minLength": 1, "maxLength": 40},
        "name": {"type": "string", "pattern": "^[A-Z]+-[0-9]+$"},
        "firmware": {"type": "string", "pattern": "^[0-9]+\\.[0-9]+\\.[0-9]+$"}
      }
    },
    "installed": {"type": "string", "format": "date"},
    "contact": {"type": "string", "format": "email"},
    "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true, "maxItems": 10},
    "readings": {"type": "array", "minItems": 1, "maxItems": 20, "items": {"$ref": "#/definitions/reading"}}
  },
  "definitions": {
    "reading": {
      "type": "object", "required": ["at", "value", "unit"], "additionalProperties": false,
      "properties": {
        "at": {"type": "string", "format": "date-time"},
        "value": {"type": "number", "minimum": -273.15, "maximum": 1000},
        "unit": {"enum": ["C", "F", "K"]},
        "quality": {"enum": ["good", "suspect", "bad"]}
      }
    }
  }
}$$)).version
 WHERE NOT EXISTS (SELECT FROM schemareg.schemas WHERE name = 'bench/instrument');

-- The same schema in draft 2020-12's words: $defs, prefixItems,
-- dependentRequired and unevaluatedProperties: false in place of
-- additionalProperties (so the evaluator collects annotations).
SELECT (schemareg.create_schema('bench/instrument20', $${
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["id", "site", "model", "readings"],
  "dependentRequired": {"contact": ["site"]},
  "unevaluatedProperties": false,
  "properties": {
    "id": {"type": "string", "pattern": "^INS-[0-9]{6}$"},
    "site": {"enum": ["north", "south", "east", "west"]},
    "model": {
      "type": "object", "required": ["vendor", "name"],
      "properties": {
        "vendor": {"type": "string", "minLength": 1, "maxLength": 40},
        "name": {"type": "string", "pattern": "^[A-Z]+-[0-9]+$"},
        "firmware": {"type": "string", "pattern": "^[0-9]+\\.[0-9]+\\.[0-9]+$"}
      }
    },
    "installed": {"type": "string", "format": "date"},
    "contact": {"type": "string", "format": "email"},
    "tags": {"type": "array", "prefixItems": [{"type": "string"}], "items": {"type": "string"},
             "uniqueItems": true, "maxItems": 10},
    "readings": {"type": "array", "minItems": 1, "maxItems": 20, "items": {"$ref": "#/$defs/reading"}}
  },
  "$defs": {
    "reading": {
      "type": "object", "required": ["at", "value", "unit"], "unevaluatedProperties": false,
      "properties": {
        "at": {"type": "string", "format": "date-time"},
        "value": {"type": "number", "minimum": -273.15, "maximum": 1000},
        "unit": {"enum": ["C", "F", "K"]},
        "quality": {"enum": ["good", "suspect", "bad"]}
      }
    }
  }
}$$)).version
 WHERE NOT EXISTS (SELECT FROM schemareg.schemas WHERE name = 'bench/instrument20');

SELECT (schemareg.create_schema('bench/tiny', $${
  "type": "object",
  "required": ["sensor", "value"],
  "properties": {"sensor": {"type": "integer"}, "value": {"type": "number"}}
}$$)).version
 WHERE NOT EXISTS (SELECT FROM schemareg.schemas WHERE name = 'bench/tiny');
