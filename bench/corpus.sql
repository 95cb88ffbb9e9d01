-- Deterministic benchmark corpus: instrument records of about 1 KB and the
-- schema they follow (about 40 keywords: nested objects, an array of 8-15
-- readings through $ref, enums, bounds, three patterns, additionalProperties).
-- psql variable :n is the number of records.
SELECT setseed(0.42);
DROP TABLE IF EXISTS bench_corpus;
CREATE TABLE bench_corpus AS
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
  FROM generate_series(1, :n) i;

SELECT schemareg.delete_schema('bench/instrument:1') IS NOT NULL AS reset;
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
}$$)).version;
