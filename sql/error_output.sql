-- Structured errors (issue 12, item 7): schema paths, the "basic" output,
-- schemareg.error_format, and the row a bound table's 23514 names.
SELECT (schemareg.create_schema('errs/order', $${
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$defs": {"qty": {"type": "integer", "minimum": 1}},
  "type": "object",
  "required": ["sku"],
  "properties": {"sku": {"type": "string", "maxLength": 4},
                 "lines": {"type": "array", "items": {"$ref": "#/$defs/qty"}}},
  "unevaluatedProperties": false
}$$)).version;

-- schema_path: the JSON Pointer to the failing keyword, through each $ref
-- followed (the spec's keywordLocation); 0.1.0's three columns come first.
SELECT * FROM schemareg.validation_errors('errs/order',
  '{"sku": "ABCDE", "lines": [2, 0, "x"], "note": 1}');
SELECT path, keyword FROM schemareg.validation_errors('errs/order', '{}');

-- validation_report: JSON Schema's "basic" output format.
SELECT schemareg.validation_report('errs/order', '{"sku": "A", "lines": [0]}');
SELECT schemareg.validation_report('errs/order:1', '{"sku": "A"}');
SET schemareg.max_errors = 1;
SELECT schemareg.validation_report('errs/order', '{"lines": [0, 0]}');
RESET schemareg.max_errors;
SELECT schemareg.validation_report('errs/missing', '{}');
SELECT schemareg.validation_report('no such ref', '{}');

-- A bound table's 23514 names the failing row: by its primary key...
CREATE TABLE orders (id int PRIMARY KEY, doc jsonb, sch text);
SELECT schemareg.attach('orders', 'doc', 'sch');
INSERT INTO orders SELECT g, jsonb_build_object('sku', repeat('A', g)), 'errs/order' FROM generate_series(1, 9) g;
-- ... or by its values (each cut at 64 bytes), without one.
CREATE TABLE order_log (note text, doc jsonb, sch text);
SELECT schemareg.attach('order_log', 'doc', 'sch');
INSERT INTO order_log VALUES ('ok', '{"sku": "A"}', 'errs/order'),
  (repeat('n', 70), jsonb_build_object('sku', 'A', 'lines', jsonb_build_array(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0)), 'errs/order');
SELECT count(*) FROM orders;
SELECT count(*) FROM order_log;

-- schemareg.error_format = json: the detail is a JSON array; the failing
-- row is named in the context.
SET schemareg.error_format = 'json';
\set SHOW_CONTEXT always
INSERT INTO orders VALUES (1, '{"sku": "ABCDE", "n\"ote": 1}', 'errs/order');
SELECT schemareg.assert_valid('errs/order', '{"lines": [0]}');
SET schemareg.max_error_detail = 1;
SELECT schemareg.assert_valid('errs/order', '{"lines": [0]}');
RESET schemareg.max_error_detail;
\set SHOW_CONTEXT errors
SELECT outcome($$SELECT schemareg.assert_valid('errs/order', '{"sku": 1}')$$);
SET schemareg.error_format = 'yaml';
RESET schemareg.error_format;
SELECT outcome($$SELECT schemareg.assert_valid('errs/order', '{"sku": 1}')$$);

DROP TABLE orders, order_log;
