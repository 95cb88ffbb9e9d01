-- Hostile input ends in a result or a clear error, and the server stays up.
SELECT pg_postmaster_start_time() AS started \gset

-- A pattern that overflows std::regex runs on RE2 in linear time.
SELECT (schemareg.create_schema('limits/ab', '{"pattern": "^(a|b)*$"}')).version;
SELECT schemareg.validate_record('limits/ab', to_jsonb(repeat('ab', 500000))) AS million_chars,
       schemareg.validate_record('limits/ab', to_jsonb(repeat('ab', 500000) || 'c')) AS million_and_c;
SELECT (schemareg.create_schema('limits/names', '{"patternProperties": {"^(a|b)*$": {"type": "integer"}}}')).version;
SELECT schemareg.validate_record('limits/names', jsonb_build_object(repeat('a', 1000000), 1)) AS long_key_ok,
       schemareg.validate_record('limits/names', jsonb_build_object(repeat('a', 1000000), 'x')) AS long_key_bad;

-- Patterns RE2 cannot run (lookaround, backreferences) run on PCRE2, under
-- hard limits: a pathological one ends in 54000 naming the pattern, well
-- within a second.
SELECT (schemareg.create_schema('limits/look', '{"pattern": "^(?!@@)[\\w@]+$"}')).version;
SELECT schemareg.validate_record('limits/look', '"@user"') AS at_user,
       schemareg.validate_record('limits/look', '"@@user"') AS at_at_user,
       schemareg.validate_record('limits/look', to_jsonb(repeat('a@', 500000))) AS million_chars;
SELECT (schemareg.create_schema('limits/blowup', '{"pattern": "^(a+)+\\1$"}')).version;
SELECT schemareg.validate_record('limits/blowup', to_jsonb(repeat('a', 30))) AS thirty_a;
SELECT split_part(o, E'\n', 1) AS error, split_part(o, E'\n', 2) AS detail, o LIKE '%hint: %RE2%' AS hint
  FROM outcome($$SELECT schemareg.validate_record('limits/blowup', to_jsonb(repeat('a', 30) || '!'))$$) AS o;

-- Patterns neither engine can run are refused at registration.
SELECT p, outcome(format('SELECT schemareg.create_schema(%L, %L)', 'limits/pat', jsonb_build_object('pattern', p)))
  FROM unnest(ARRAY['(a)\2', '(?<=a+)b', '(a)(?<=\1)b', '[', 'a{2,1}']) AS p;

-- What a schema's patterns hold compiled is capped (64 MiB): 13,000
-- distinct ".{N}" would hold about 2 GB, and are refused at the cap with
-- 54000, after compiling what fits. The same text many times is compiled once.
SELECT outcome(format('SELECT schemareg.create_schema(%L, %L)', 'limits/manypatterns',
       jsonb_build_object('allOf', (SELECT jsonb_agg(jsonb_build_object('pattern', '.{' || (999 - i % 900) || '}x' || i))
                                     FROM generate_series(1, 13000) i))));
SELECT (schemareg.create_schema('limits/samepattern',
       jsonb_build_object('allOf', (SELECT jsonb_agg('{"pattern": ".{999}"}'::jsonb) FROM generate_series(1, 13000))))).version;
SELECT schemareg.validate_record('limits/samepattern', to_jsonb(repeat('a', 998))) AS short_string;

-- Records whose checks go deeper than schemareg.max_depth: 54000, never a
-- crash. A schema that looks at nothing does not care how deep a record is.
SELECT (schemareg.create_schema('limits/any', '{}')).version;
SELECT (schemareg.create_schema('limits/tree', '{"type": "array", "items": {"$ref": "#"}}')).version;
SELECT outcome($$SELECT schemareg.validate_record('limits/any', (repeat('[', 10000) || repeat(']', 10000))::jsonb)$$);
SELECT outcome($$SELECT schemareg.validation_errors('limits/tree', (repeat('[', 10000) || repeat(']', 10000))::jsonb)$$);
SELECT schemareg.validate_record('limits/tree', (repeat('[', 1000) || repeat(']', 1000))::jsonb) AS depth_1000_ok;
-- Raised to its maximum, the depth limit still ends in a result or in the stack guard's 54000.
SET schemareg.max_depth = 10000;
SELECT schemareg.validate_record('limits/any', (repeat('[', 10000) || repeat(']', 10000))::jsonb) AS depth_10000_any;
SELECT outcome($$SELECT schemareg.validate_record('limits/tree', (repeat('[', 10000) || repeat(']', 10000))::jsonb)$$);
RESET schemareg.max_depth;

-- Numbers are exact, as jsonb stores them: one beyond double's range is a
-- number like any other.
SELECT (schemareg.create_schema('limits/numbers', '{"items": {"type": "number"}}')).version;
SELECT outcome($$SELECT schemareg.validate_record('limits/numbers', '[1, 1e400]')$$);
SELECT outcome($$SELECT schemareg.validate_record('limits/any', '[1, 1e400]')$$);
SELECT outcome($$SELECT schemareg.validate_record('limits/numbers', '[1, -1e400, 1e-400]')$$);
SELECT (schemareg.create_schema('limits/exact', '{"properties": {
        "c": {"const": 9007199254740993}, "m": {"maximum": 9223372036854775806},
        "u": {"uniqueItems": true}, "i": {"type": "integer"}, "x": {"exclusiveMinimum": 0},
        "k": {"multipleOf": 0.01}, "b": {"maximum": 1e300}}}')).version;
SELECT r, schemareg.validate_record('limits/exact', r::jsonb) AS valid
  FROM unnest(ARRAY['{"c": 9007199254740993}', '{"c": 9007199254740992}',
                    '{"m": 9223372036854775806}', '{"m": 9223372036854775807}',
                    '{"u": [12345678901234567890, 12345678901234567891]}',
                    '{"u": [12345678901234567890, 12345678901234567890.00]}',
                    '{"i": 1.0}', '{"i": 1.0000000000000000001}', '{"i": 1e400}',
                    '{"x": 1e-400}', '{"x": -1e-400}', '{"k": 19.99}', '{"k": 19.991}',
                    '{"b": 1e400}', '{"b": -1e400}']) AS r;
SELECT * FROM schemareg.validation_errors('limits/exact', '{"m": 9223372036854775807, "b": 1e400}');
-- Definitions may hold such numbers too.
SELECT (schemareg.create_schema('limits/huge', '{"maximum": 1e400, "not": {"const": -1e400}}')).version;
SELECT r, schemareg.validate_record('limits/huge', r::jsonb) AS valid
  FROM unnest(ARRAY['1e400', '1.0000000000000000000001e400', '-1e400', '-1e401']) AS r;

-- Definitions nested 10,000 deep: 54000 from schemareg.max_depth.
SELECT outcome($$SELECT schemareg.create_schema('limits/deep', (repeat('{"items": ', 5000) || '{}' || repeat('}', 5000))::jsonb)$$);
SELECT outcome($$SELECT schemareg.create_schema('limits/deep', (repeat('{"not": ', 10000) || '{}' || repeat('}', 10000))::jsonb)$$);
-- Within max_depth but deeper than the stack allows checking: 54000 from the
-- stack guard (its limit follows max_stack_depth, so only the code is shown).
SELECT left(outcome($$SELECT schemareg.create_schema('limits/deep', (repeat('{"items": ', 900) || '{}' || repeat('}', 900))::jsonb)$$), 45);
SET schemareg.max_depth = 10000;
SELECT left(outcome($$SELECT schemareg.create_schema('limits/deep', (repeat('{"items": ', 9000) || '{}' || repeat('}', 9000))::jsonb)$$), 45);
RESET schemareg.max_depth;
-- A definition a hundred levels deep is fine.
SELECT (schemareg.create_schema('limits/deep', (repeat('{"items": ', 100) || '{}' || repeat('}', 100))::jsonb)).version;

-- Schemas that would evaluate forever are refused (42P17).
SELECT outcome($$SELECT schemareg.create_schema('limits/loop', '{"$ref": "#"}')$$);
SELECT outcome($$SELECT schemareg.create_schema('limits/loop', '{"definitions": {"a": {"allOf": [{"$ref": "#/definitions/b"}]}, "b": {"anyOf": [{"$ref": "#/definitions/a"}]}}, "not": {"$ref": "#/definitions/a"}}')$$);
-- ... but recursion that descends into the record is fine.
SELECT schemareg.validate_record('limits/tree', '[[[]], []]') AS tree_ok,
       schemareg.validate_record('limits/tree', '[[[1]]]') AS tree_bad;

-- A long chain of references is bounded by the stack guard, not by luck.
SELECT outcome(format('SELECT schemareg.create_schema(%L, %L)', 'limits/chain',
       jsonb_build_object('definitions', (SELECT jsonb_object_agg('d' || i, jsonb_build_object('$ref', '#/definitions/d' || (i + 1))) FROM generate_series(1, 20000) i)
                                         || jsonb_build_object('d20001', '{"type": "integer"}'::jsonb),
                          '$ref', '#/definitions/d1')));
SELECT schemareg.validate_record('limits/chain', '1') AS chain_valid,
       schemareg.validate_record('limits/chain', '"x"') AS chain_invalid;

-- Exponential schemas (2^40 paths through anyOf, every one failing) are
-- evaluated once per value: the answer comes at once.
SELECT (schemareg.create_schema('limits/exponential', jsonb_build_object(
          'definitions', (SELECT jsonb_object_agg('d' || i, CASE WHEN i = 41 THEN 'false'::jsonb ELSE
                            jsonb_build_object('anyOf', jsonb_build_array(
                              jsonb_build_object('$ref', '#/definitions/d' || (i + 1)),
                              jsonb_build_object('$ref', '#/definitions/d' || (i + 1)))) END)
                            FROM generate_series(1, 41) i),
          '$ref', '#/definitions/d1'))).version;
SET statement_timeout = '10s';
SELECT schemareg.validate_record('limits/exponential', '1');
SELECT * FROM schemareg.validation_errors('limits/exponential', '1');
RESET statement_timeout;
-- The same under unevaluatedProperties, which collects annotations: each
-- node's result and the annotations it adds at a value are kept, so the
-- answer comes at once too, and "a", evaluated 2^40 ways down, counts.
SELECT (schemareg.create_schema('limits/exponential20', jsonb_build_object(
          '$schema', 'https://json-schema.org/draft/2020-12/schema',
          '$defs', (SELECT jsonb_object_agg('d' || i, CASE WHEN i = 41 THEN '{"properties": {"a": true}}'::jsonb ELSE
                            jsonb_build_object('anyOf', jsonb_build_array(
                              jsonb_build_object('$ref', '#/$defs/d' || (i + 1)),
                              jsonb_build_object('$ref', '#/$defs/d' || (i + 1)))) END)
                            FROM generate_series(1, 41) i),
          'anyOf', jsonb_build_array(jsonb_build_object('$ref', '#/$defs/d1'), true),
          'unevaluatedProperties', false))).version;
SET statement_timeout = '10s';
SELECT schemareg.validate_record('limits/exponential20', '{"a": 1}') AS a_evaluated,
       schemareg.validate_record('limits/exponential20', '{"a": 1, "b": 2}') AS b_unevaluated;
SELECT * FROM schemareg.validation_errors('limits/exponential20', '{"a": 1, "b": 2}');
RESET statement_timeout;
-- Cancellation: a schema that uses the dynamic scope ($dynamicRef) is not
-- memoized, as a node's result then depends on the path to it; this one
-- would run for hours and stops at statement_timeout. Without polling this
-- statement would never return.
SELECT (schemareg.create_schema('limits/exponential_dynamic', jsonb_build_object(
          '$schema', 'https://json-schema.org/draft/2020-12/schema',
          '$dynamicAnchor', 'top',
          '$defs', (SELECT jsonb_object_agg('d' || i, CASE WHEN i = 41 THEN 'false'::jsonb ELSE
                            jsonb_build_object('anyOf', jsonb_build_array(
                              jsonb_build_object('$ref', '#/$defs/d' || (i + 1)),
                              jsonb_build_object('$ref', '#/$defs/d' || (i + 1)))) END)
                            FROM generate_series(1, 41) i)
                   || '{"tree": {"items": {"$dynamicRef": "#top"}}}',
          'properties', '{"tree": {"$ref": "#/$defs/tree"}}'::jsonb,
          'anyOf', jsonb_build_array(jsonb_build_object('$ref', '#/$defs/d1'), true),
          'unevaluatedProperties', false))).version;
\set VERBOSITY terse
SET statement_timeout = '100ms';
SELECT schemareg.validate_record('limits/exponential_dynamic', '{}');
SELECT * FROM schemareg.validation_errors('limits/exponential_dynamic', '{}');
RESET statement_timeout;
\set VERBOSITY default

-- Error lists are bounded (schemareg.max_errors errors, 1 MiB of text): the
-- rest are counted, not kept, in every form a list takes.
SELECT (schemareg.create_schema('limits/ints', '{"items": {"type": "integer"}}')).version;
SET schemareg.max_errors = 2;
SELECT * FROM schemareg.validation_errors('limits/ints', '["a", "b", "c", "d"]');
SELECT schemareg._errors_json('limits/ints', '["a", "b", "c", "d"]');
SELECT outcome($$SELECT schemareg.assert_valid('limits/ints', '["a", "b", "c", "d"]')$$);
RESET schemareg.max_errors;
-- A million invalid items: 1,000 errors kept, then one row for the others.
SELECT count(*) AS rows, max(message) FILTER (WHERE path IS NULL) AS rest
  FROM schemareg.validation_errors('limits/ints', (SELECT jsonb_agg('x'::text) FROM generate_series(1, 1000000)));

SELECT pg_postmaster_start_time() = :'started' AS same_server;
