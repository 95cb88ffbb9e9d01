-- Dialects: chosen by $schema or schemareg.default_dialect; metaschemas shipped.
\pset null '(null)'

SELECT name, dialect FROM (VALUES
    (schemareg.create_schema('d/four', '{"$schema": "http://json-schema.org/draft-04/schema#"}')),
    (schemareg.create_schema('d/six', '{"$schema": "http://json-schema.org/draft-06/schema#"}')),
    (schemareg.create_schema('d/seven', '{"$schema": "http://json-schema.org/draft-07/schema"}')),
    (schemareg.create_schema('d/2019', '{"$schema": "https://json-schema.org/draft/2019-09/schema"}')),
    (schemareg.create_schema('d/2020', '{"$schema": "https://json-schema.org/draft/2020-12/schema#"}')),
    (schemareg.create_schema('d/default', '{}'))) AS v(s), LATERAL (SELECT (s).name, (s).dialect) x;

SET schemareg.default_dialect = 'draft4';
SELECT dialect FROM schemareg.create_schema('d/default4', '{"maximum": 3, "exclusiveMaximum": true}');
RESET schemareg.default_dialect;
SELECT outcome($$SET schemareg.default_dialect = 'draft3'$$);

-- draft-04's boolean exclusiveMaximum; draft-06's numeric one.
SELECT schemareg.validate_record('d/default4', '3') AS three_excluded,
       schemareg.validate_record('d/default4', '2.5') AS below_ok;
SELECT (schemareg.create_schema('d/excl6', '{"$schema": "http://json-schema.org/draft-06/schema#", "exclusiveMaximum": 5}')).dialect;
SELECT schemareg.validate_record('d/excl6', '5') AS five_excluded, schemareg.validate_record('d/excl6', '4.9') AS below_ok;
SELECT outcome($$SELECT schemareg.create_schema('d/bad6', '{"$schema": "http://json-schema.org/draft-06/schema#", "exclusiveMaximum": true}')$$);

-- Keywords of later drafts are plain annotations in earlier ones.
SELECT (schemareg.create_schema('d/const4', '{"$schema": "http://json-schema.org/draft-04/schema#", "const": 1}')).dialect,
       (schemareg.create_schema('d/const6', '{"$schema": "http://json-schema.org/draft-06/schema#", "const": 1}')).dialect,
       (schemareg.create_schema('d/if6', '{"$schema": "http://json-schema.org/draft-06/schema#", "if": true, "then": false}')).dialect,
       (schemareg.create_schema('d/if7', '{"if": true, "then": false}')).dialect;
SELECT schemareg.validate_record('d/const4', '2') AS const_ignored_in_draft4,
       schemareg.validate_record('d/const6', '2') AS const_checked_in_draft6,
       schemareg.validate_record('d/if6', '"x"') AS if_ignored_in_draft6,
       schemareg.validate_record('d/if7', '"x"') AS if_checked_in_draft7;

-- Unknown $schema values are refused, never a silent fallback.
SELECT outcome($$SELECT schemareg.create_schema('d/bad', '{"$schema": "https://json-schema.org/draft/2021-01/schema"}')$$);
SELECT outcome($$SELECT schemareg.create_schema('d/bad', '{"$schema": "https://example.com/not-registered"}')$$);
SELECT outcome($$SELECT schemareg.create_schema('d/bad', '{"$schema": "http://json-schema.org/draft-03/schema#"}')$$);
SELECT outcome($$SELECT schemareg.create_schema('d/bad', '{"$schema": 7}')$$);

-- Definitions are checked against their metaschema and never stored when refused.
SELECT def, outcome(format('SELECT schemareg.create_schema(%L, %L)', 'd/bad', def))
  FROM unnest(ARRAY['{"type": 5}', '{"minimum": "x"}', '{"required": "a"}', '{"items": 3}',
                    '{"properties": {"a": {"type": "strin"}}}',
                    '{"maxLength": -1}', '{"multipleOf": 0}', '[]', '"string"', '17']) AS def;
SET schemareg.default_dialect = 'draft4';
SELECT outcome($$SELECT schemareg.create_schema('d/bad', 'true')$$);
RESET schemareg.default_dialect;
SELECT count(*) AS nothing_stored FROM schemareg.schemas WHERE name = 'd/bad';

-- Boolean schemas (draft-06 and later).
SELECT (schemareg.create_schema('d/true', 'true')).version, (schemareg.create_schema('d/false', 'false')).version;
SELECT schemareg.validate_record('d/true', '{"a": 1}') AS t, schemareg.validate_record('d/false', '{}') AS f;
SELECT * FROM schemareg.validation_errors('d/false', '{}');

-- The metaschemas are shipped: referencing them works offline.
SELECT (schemareg.create_schema('d/meta7', '{"$ref": "http://json-schema.org/draft-07/schema#"}')).status;
SELECT schemareg.validate_record('d/meta7', '{"type": "string", "minLength": 1}') AS good_schema,
       schemareg.validate_record('d/meta7', '{"minLength": -1}') AS bad_schema;
SELECT * FROM schemareg.validation_errors('d/meta7', '{"properties": {"a": {"type": "strin"}}}');
SELECT (schemareg.create_schema('d/meta4', '{"$ref": "http://json-schema.org/draft-04/schema"}')).status;
SELECT schemareg.validate_record('d/meta4', '{"minimum": 1, "exclusiveMinimum": true}') AS draft4_boolean_ok,
       schemareg.validate_record('d/meta4', '{"exclusiveMinimum": true}') AS draft4_needs_minimum,
       schemareg.validate_record('d/meta4', '{"exclusiveMinimum": 3}') AS draft4_number_refused;

-- References to registered schemas by their $id; anything else is not fetched.
SELECT (schemareg.create_schema('d/address', '{"$id": "https://example.com/address.json",
        "type": "object", "required": ["city"], "definitions": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}}}')).status;
SELECT (schemareg.create_schema('d/person', '{"type": "object", "properties": {
        "home": {"$ref": "https://example.com/address.json"},
        "zip": {"$ref": "https://example.com/address.json#/definitions/zip"}}}')).status;
SELECT * FROM schemareg.validation_errors('d/person', '{"home": {}, "zip": "1234"}');
SELECT outcome($$SELECT schemareg.create_schema('d/dangling', '{"$ref": "https://example.com/missing.json"}')$$);
SELECT outcome($$SELECT schemareg.create_schema('d/dangling', '{"$ref": "#/definitions/nope"}')$$);
SELECT outcome($$SELECT schemareg.create_schema('d/dangling', '{"$ref": "#nope"}')$$);

-- Drafts 2019-09 and 2020-12: $ref beside other keywords, $defs, prefixItems,
-- dependentRequired, unevaluatedProperties.
SET schemareg.default_dialect = 'draft2020-12';
SELECT (schemareg.create_schema('d/order20', '{"$defs": {"sku": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]+$"}},
        "type": "object", "required": ["sku"],
        "properties": {"sku": {"$ref": "#/$defs/sku", "maxLength": 8},
                       "size": {"prefixItems": [{"type": "number"}, {"enum": ["cm", "in"]}], "items": false}},
        "dependentRequired": {"gift": ["to"]},
        "anyOf": [{"properties": {"gift": {"type": "boolean"}, "to": {"type": "string"}}}],
        "unevaluatedProperties": false}')).dialect;
RESET schemareg.default_dialect;
SELECT * FROM schemareg.validation_errors('d/order20', '{"sku": "ABC-123456", "size": [3, "cm", 1], "gift": true, "note": 1}');
SELECT schemareg.validate_record('d/order20', '{"sku": "ABC-1", "size": [3, "in"], "gift": true, "to": "Ann"}') AS valid;
-- fields() follows $ref beside its siblings and prefixItems; compare() knows
-- the new keywords.
SELECT * FROM schemareg.fields('d/order20');
SELECT (schemareg.revise_schema('d/order20:1', '{"$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": {"sku": {"type": "string"}}, "type": "object", "required": ["sku"],
        "properties": {"sku": {"$ref": "#/$defs/sku"},
                       "size": {"prefixItems": [{"type": "number"}, {"enum": ["cm", "in", "mm"]}], "items": false}},
        "dependentRequired": {"gift": ["to", "from"]},
        "unevaluatedProperties": false}')).version;
SELECT path, change, backward, forward FROM schemareg.compare('d/order20:1', 'd/order20:2') ORDER BY path, change;

-- 2020-12 makes "format" an annotation unless schemareg.assert_formats = always.
SELECT (schemareg.create_schema('d/ip20', '{"$schema": "https://json-schema.org/draft/2020-12/schema", "format": "ipv4"}')).status;
SELECT schemareg.validate_record('d/ip20', '"nope"') AS annotation;
SET schemareg.assert_formats = always;
SELECT schemareg.validate_record('d/ip20', '"nope"') AS asserted;
RESET schemareg.assert_formats;
-- A metaschema of one's own chooses vocabularies: here, no validation keywords.
SELECT (schemareg.create_schema('d/meta-noval', '{"$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.com/meta-noval", "$dynamicAnchor": "meta",
        "$vocabulary": {"https://json-schema.org/draft/2020-12/vocab/core": true,
                        "https://json-schema.org/draft/2020-12/vocab/applicator": true},
        "allOf": [{"$ref": "https://json-schema.org/draft/2020-12/meta/core"},
                  {"$ref": "https://json-schema.org/draft/2020-12/meta/applicator"}]}')).status;
SELECT (schemareg.create_schema('d/noval', '{"$schema": "https://example.com/meta-noval",
        "properties": {"n": {"minimum": 5}}, "additionalProperties": false}')).dialect;
SELECT schemareg.validate_record('d/noval', '{"n": 1}') AS minimum_not_in_force,
       schemareg.validate_record('d/noval', '{"m": 1}') AS applicators_in_force;
SELECT outcome($$SELECT schemareg.create_schema('d/noval-bad', '{"$schema": "https://example.com/meta-noval", "properties": 5}')$$);
SELECT ref, uses FROM schemareg.schema_dependencies WHERE ref = 'd/noval:1';

-- A bundle serves references by $id too.
SELECT r, schemareg.validate_record('d/person', r::jsonb) AS online,
       schemareg.validate_bundle(schemareg.bundle('d/person'), r::jsonb) AS offline
  FROM unnest(ARRAY['{"home": {"city": "Oslo"}, "zip": "12345"}', '{"home": {}, "zip": "1234"}']) r;
