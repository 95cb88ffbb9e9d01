-- Compiled schemas are cached per backend and dropped when the registry changes.
SELECT (schemareg.create_schema('cache/s', '{"type": "integer"}')).version;
SELECT schemareg.validate_record('cache/s', '1') AS int_ok, schemareg.validate_record('cache/s', '"a"') AS str_bad;

-- An in-place update is seen by the next call in the same session.
SELECT (schemareg.update_schema('cache/s:1', '{"type": "string"}')).version;
SELECT schemareg.validate_record('cache/s', '1') AS int_now_bad, schemareg.validate_record('cache/s', '"a"') AS str_now_ok;

-- A bare name follows the newest version as soon as it exists.
SELECT (schemareg.revise_schema('cache/s:1', '{"type": "boolean"}')).version;
SELECT schemareg.validate_record('cache/s', 'true') AS newest_is_boolean,
       schemareg.validate_record('cache/s:1', '"a"') AS v1_still_string;

-- Work rolled back leaves nothing cached behind.
BEGIN;
SELECT (schemareg.revise_schema('cache/s:2', '{"type": "null"}')).version;
SELECT schemareg.validate_record('cache/s', 'null') AS in_transaction;
ROLLBACK;
SELECT schemareg.validate_record('cache/s', 'true') AS after_rollback;
SELECT outcome($$SELECT schemareg.validate_record('cache/s:3', 'null')$$);

BEGIN;
SAVEPOINT a;
SELECT (schemareg.revise_schema('cache/s:2', '{"type": "null"}')).version;
SELECT schemareg.validate_record('cache/s', 'null') AS in_savepoint;
ROLLBACK TO SAVEPOINT a;
SELECT schemareg.validate_record('cache/s', 'true') AS after_savepoint_rollback;
COMMIT;

-- A deleted version is gone for validation at once.
SELECT schemareg.delete_schema('cache/s:2');
SELECT schemareg.validate_record('cache/s', '"a"') AS back_to_v1;
SELECT outcome($$SELECT schemareg.validate_record('cache/s:2', 'true')$$);

-- Direct changes to the registry table invalidate too (the trigger sees every statement).
UPDATE schemareg.schema_versions SET definition = '{"type": "number"}' WHERE name = 'cache/s';
SELECT schemareg.validate_record('cache/s', '1.5') AS direct_update_seen;
TRUNCATE schemareg.schema_versions, schemareg.dependencies CASCADE;
SELECT outcome($$SELECT schemareg.validate_record('cache/s', '1')$$);

-- Parallel workers load schemas too (reading the registry with the query's
-- snapshot: a worker cannot take a new one).
SELECT (schemareg.create_schema('cache/par', '{"type": "object", "required": ["i"]}')).version;
CREATE TABLE cache_par AS SELECT jsonb_build_object('i', i) AS doc FROM generate_series(1, 20000) i;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT count(*) FILTER (WHERE schemareg.validate_record('cache/par:1', doc)) FROM cache_par;
SELECT count(*) FILTER (WHERE schemareg.validate_record('cache/par:1', doc)) AS valid FROM cache_par;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
DROP TABLE cache_par;
