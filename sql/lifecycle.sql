-- The lifecycle with failures: pending and deleting survive a failed backend
-- step, readers and reconcile() retry, every call is idempotent.
\pset null '(null)'
CREATE FUNCTION lifecycle() RETURNS TABLE (ref text, status text, last_error text) LANGUAGE sql AS $$
    SELECT name || ':' || version, status, last_error FROM schemareg.schemas
     WHERE name LIKE 'life/%' ORDER BY name, version
$$;

-- Only a superuser may inject failures: before the module is loaded (a
-- placeholder) and after.
CREATE ROLE regress_lifecycle_user;
SET ROLE regress_lifecycle_user;
SET schemareg.fail_backend_steps = 'create';
RESET ROLE;
LOAD 'schemareg';
SHOW schemareg.fail_backend_steps;
SET ROLE regress_lifecycle_user;
SELECT outcome($$SET schemareg.fail_backend_steps = 'create'$$);
RESET ROLE;
DROP ROLE regress_lifecycle_user;
SELECT outcome($$SET schemareg.fail_backend_steps = 'sometimes'$$);

-- A failed create keeps the row pending with last_error and says so.
SET schemareg.fail_backend_steps = 'create';
SELECT name, version, status, last_error
  FROM schemareg.create_schema('life/a', '{"type": "integer"}', backend => 'faulty');
SELECT * FROM lifecycle();
-- Unusable meanwhile; the same call again tries again and keeps the one row.
SELECT outcome($$SELECT schemareg.validate_record('life/a:1', '1')$$);
SELECT outcome($$SELECT schemareg.validate_record('life/a', '1')$$);
SELECT status FROM schemareg.create_schema('life/a', '{"type": "integer"}', backend => 'faulty');
SELECT * FROM schemareg.reconcile();
SELECT count(*) FROM schemareg.schemas WHERE name = 'life/a';

-- Once the backend works, a reader finishes the create on its own.
SET schemareg.fail_backend_steps = 'none';
SELECT schemareg.validate_record('life/a:1', '1') AS reader_created_it;
SELECT * FROM lifecycle();
SELECT * FROM schemareg.reconcile();

-- A failed revision is pending too; reconcile() finishes it, and again does nothing.
SET schemareg.fail_backend_steps = 'create';
SELECT version, status FROM schemareg.revise_schema('life/a:1', '{"type": "number"}');
SET schemareg.fail_backend_steps = 'none';
SELECT * FROM schemareg.reconcile();
SELECT * FROM schemareg.reconcile();
SELECT * FROM lifecycle();

-- A failed delete leaves the version deleting, unusable by new records.
SELECT (schemareg.create_schema('life/b', '{}', backend => 'faulty')).status;
CREATE TABLE life_records (doc jsonb, sch text);
SELECT schemareg.attach('life_records', 'doc', 'sch');
SET schemareg.fail_backend_steps = 'delete';
SELECT schemareg.delete_schema('life/b:1');
SELECT * FROM lifecycle();
SELECT outcome($$INSERT INTO life_records VALUES ('{}', 'life/b:1')$$);
-- Deleting again retries; reconcile() with the backend still failing changes nothing.
SELECT schemareg.delete_schema('life/b:1');
SELECT * FROM schemareg.reconcile();
SET schemareg.fail_backend_steps = 'none';
SELECT * FROM schemareg.reconcile();
SELECT * FROM schemareg.reconcile();
SELECT schemareg.delete_schema('life/b:1');
SELECT * FROM lifecycle();

-- Both steps failing, then healed: reconcile() brings everything to exists or gone.
SET schemareg.fail_backend_steps = 'both';
SELECT (schemareg.create_schema('life/c', '{}', backend => 'faulty')).status;
SELECT (schemareg.create_schema('life/d', '{"type": "string"}', backend => 'faulty')).status;
RESET schemareg.fail_backend_steps;
SELECT * FROM schemareg.reconcile();
SET schemareg.fail_backend_steps = 'delete';
SELECT schemareg.delete_schema('life/d:1');
RESET schemareg.fail_backend_steps;
SELECT * FROM schemareg.reconcile();
SELECT * FROM lifecycle();
SELECT count(*) AS unfinished FROM schemareg.schemas WHERE status <> 'exists';
DROP TABLE life_records;
