-- compare() classifies every difference; set_compatibility() makes
-- revise_schema refuse revisions that break the policy.
SELECT (schemareg.create_schema('compat/a', '{"type": "object", "required": ["id"],
  "properties": {"id": {"type": "string"}, "n": {"type": "integer", "maximum": 10}}}')).version;
SELECT (schemareg.revise_schema('compat/a:1', '{"type": "object", "required": ["id", "n"],
  "description": "now with n required",
  "properties": {"id": {"type": "string"}, "n": {"type": "number", "maximum": 5},
                 "tag": {"enum": ["x"]}}}')).version;
SELECT * FROM schemareg.compare('compat/a:1', 'compat/a:2') ORDER BY path, change;
SELECT * FROM schemareg.compare('compat/a:2', 'compat/a:2');
SELECT outcome($$SELECT * FROM schemareg.compare('compat/a:1', 'compat/none:1')$$);

-- Policies.
SELECT outcome($$SELECT schemareg.set_compatibility('compat/a', 'SIDEWAYS')$$);
SELECT outcome($$SELECT schemareg.set_compatibility('compat/a:1', 'BACKWARD')$$);
SELECT outcome($$SELECT schemareg.set_compatibility('compat/none', 'BACKWARD')$$);
SELECT schemareg.set_compatibility('compat/a', 'BACKWARD');
SELECT name, compatibility FROM schemareg.names WHERE name = 'compat/a';
-- BACKWARD: a new required property breaks it; a new optional one with no constraint does not.
SELECT outcome($$SELECT schemareg.revise_schema('compat/a:2', '{"type": "object", "required": ["id", "n", "z"],
  "properties": {"id": {"type": "string"}, "n": {"type": "number", "maximum": 5}, "tag": {"enum": ["x"]}}}')$$);
SELECT (schemareg.revise_schema('compat/a:2', '{"type": "object", "required": ["id"],
  "properties": {"id": {"type": "string"}, "n": {"type": "number", "maximum": 5}, "tag": {"enum": ["x", "y"]}}}')).version;
-- BACKWARD_TRANSITIVE compares with every version: n's maximum of 10 in version 1 still binds.
SELECT schemareg.set_compatibility('compat/a', 'BACKWARD_TRANSITIVE');
SELECT outcome($$SELECT schemareg.revise_schema('compat/a:3', '{"type": "object", "required": ["id"],
  "properties": {"id": {"type": "string"}, "n": {"type": "number", "maximum": 7}, "tag": {"enum": ["x", "y"]}}}')$$);
-- FORWARD: the old version must accept what the new one accepts.
SELECT schemareg.set_compatibility('compat/a', 'FORWARD');
SELECT outcome($$SELECT schemareg.revise_schema('compat/a:3', '{"type": "object", "required": ["id"],
  "properties": {"id": {"type": "string"}, "n": {"type": "number", "maximum": 9}, "tag": {"enum": ["x", "y"]}}}')$$);
SELECT (schemareg.revise_schema('compat/a:3', '{"type": "object", "required": ["id", "n"],
  "properties": {"id": {"type": "string"}, "n": {"type": "number", "maximum": 5}, "tag": {"enum": ["x", "y"]}}}')).version;
-- FULL: both ways; an annotation alone passes.
SELECT schemareg.set_compatibility('compat/a', 'FULL');
SELECT outcome($$SELECT schemareg.revise_schema('compat/a:4', '{"type": "object", "required": ["id"],
  "properties": {"id": {"type": "string"}, "n": {"type": "number", "maximum": 5}, "tag": {"enum": ["x", "y"]}}}')$$);
SELECT (schemareg.revise_schema('compat/a:4', '{"type": "object", "required": ["id", "n"], "title": "A",
  "properties": {"id": {"type": "string"}, "n": {"type": "number", "maximum": 5}, "tag": {"enum": ["x", "y"]}}}')).version;
SELECT schemareg.set_compatibility('compat/a', 'NONE');
SELECT (schemareg.revise_schema('compat/a:5', '{"type": "string"}')).version;
