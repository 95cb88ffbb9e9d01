-- check() lists every inconsistency, for admins; a consistent registry has none.
\pset null '(null)'
SELECT (schemareg.create_schema('chk/base', '{"$id": "https://example.com/chk/base", "type": "integer"}')).version;
SELECT (schemareg.create_schema('chk/user', '{"properties": {"n": {"$ref": "https://example.com/chk/base"}}}')).version;
SELECT (schemareg.create_schema('chk/other', '{"items": {"$ref": "chk/base:1"}}')).version;
CREATE TABLE chk_t (id int PRIMARY KEY, doc jsonb, sch text);
CREATE TABLE chk_p (id int, doc jsonb, sch text) PARTITION BY RANGE (id);
CREATE TABLE chk_p1 PARTITION OF chk_p FOR VALUES FROM (0) TO (10);
SELECT schemareg.attach('chk_t', 'doc', 'sch'), schemareg.attach('chk_p', 'doc', 'sch');
INSERT INTO chk_t VALUES (1, '{"n": 1}', 'chk/user:1'), (2, '{"n": 2}', 'chk/user:1'), (3, '5', 'chk/base:1');
INSERT INTO chk_p VALUES (1, '{"n": 1}', 'chk/user:1');
SELECT * FROM schemareg.check() WHERE object LIKE '%chk%';

-- What goes wrong behind the registry's back (a superuser editing catalogs
-- and registry tables, a lost restore) is listed, each with its repair.
UPDATE pg_trigger SET tgenabled = 'D' WHERE tgrelid = 'chk_t'::regclass AND tgname = '~schemareg_count';
UPDATE pg_trigger SET tgenabled = 'O' WHERE tgrelid = 'chk_p1'::regclass AND tgname = '~schemareg_validate';
UPDATE schemareg.record_counts SET n = n + 5 WHERE tbl = 'chk_t'::regclass
   AND schema_id = (SELECT id FROM schemareg.schemas WHERE name = 'chk/user');
DELETE FROM schemareg.dependencies
 WHERE schema_id = (SELECT id FROM schemareg.schemas WHERE name = 'chk/other');
SET schemareg.fail_backend_steps = 'create';
SELECT status FROM schemareg.create_schema('chk/stuck', '{}', backend => 'faulty');
RESET schemareg.fail_backend_steps;
SELECT * FROM schemareg.check() WHERE object LIKE '%chk%';

-- Repaired: attach() again makes the triggers and counts the rows anew (so
-- recount() finds nothing left), reconcile() finishes the version; the lost
-- dependency stays listed.
SELECT schemareg.attach('chk_t', 'doc', 'sch');
SELECT schemareg.attach('chk_p', 'doc', 'sch');
SELECT * FROM schemareg.recount() WHERE ref LIKE 'chk/%';
SELECT ref, action, status FROM schemareg.reconcile() WHERE ref LIKE 'chk/%';
SELECT * FROM schemareg.check() WHERE object LIKE '%chk%';

-- repair() makes again what can be derived, and says what it changed: the
-- dependency from the definition.
SELECT * FROM schemareg.repair();
SELECT * FROM schemareg.check() WHERE object LIKE '%chk%';
SELECT * FROM schemareg.schema_dependencies WHERE ref LIKE 'chk/%' ORDER BY ref;
-- More damage: a binding's row lost (its triggers say how the table was
-- bound), a disabled trigger, a count changed, counts of a table nothing
-- binds, a dependency row naming a version that is gone, one used by $id
-- (recorded again as the version it was made with, not the newest).
SELECT (schemareg.revise_schema('chk/base:1', '{"$id": "https://example.com/chk/base", "type": "number"}')).version;
DELETE FROM schemareg.bindings WHERE tbl = 'chk_p'::regclass;
UPDATE pg_trigger SET tgenabled = 'D' WHERE tgrelid = 'chk_t'::regclass AND tgname = '~schemareg_validate';
UPDATE schemareg.record_counts SET n = n - 1 WHERE tbl = 'chk_t'::regclass
   AND schema_id = (SELECT id FROM schemareg.schemas WHERE name = 'chk/base' AND version = 1);
CREATE TABLE chk_loose (id int);
INSERT INTO schemareg.record_counts (schema_id, tbl, slot, n)
SELECT id, 'chk_loose', 0, 3 FROM schemareg.schemas WHERE name = 'chk/user';
INSERT INTO schemareg.dependencies (schema_id, depends_on)
SELECT id, 999999 FROM schemareg.schemas WHERE name = 'chk/other';
DELETE FROM schemareg.dependencies
 WHERE schema_id = (SELECT id FROM schemareg.schemas WHERE name = 'chk/user');
-- (A table no binding governs is named by its OID.)
SELECT kind, regexp_replace(object, ' in [0-9]+$', ' in (chk_loose)') AS object, detail
  FROM schemareg.check() WHERE object LIKE '%chk%' OR kind = 'binding';
SELECT kind, regexp_replace(object, ' in [0-9]+$', ' in (chk_loose)') AS object, detail
  FROM schemareg.repair();
SELECT * FROM schemareg.repair();
SELECT * FROM schemareg.check();
SELECT * FROM schemareg.schema_dependencies WHERE ref LIKE 'chk/%' ORDER BY ref;
SELECT tbl, record_column, schema_column, mode, records FROM schemareg.bound_tables
 WHERE tbl::text LIKE 'chk%' ORDER BY tbl::text;
SELECT name || ':' || version AS ref, ref_count FROM schemareg.schemas WHERE name LIKE 'chk/%' ORDER BY 1;
DROP TABLE chk_loose;
-- A table whose triggers were made before 0.2.0 (no arguments) is listed,
-- not bound.
CREATE TABLE chk_old (doc jsonb, sch text);
CREATE TRIGGER "~schemareg_validate" BEFORE INSERT OR UPDATE OR DELETE ON chk_old
    FOR EACH ROW EXECUTE FUNCTION schemareg._validate_row();
SELECT * FROM schemareg.repair();
SELECT * FROM schemareg.check();
DROP TABLE chk_old;

-- For admins only.
CREATE ROLE regress_check_user;
SET ROLE regress_check_user;
SELECT outcome('SELECT * FROM schemareg.check()');
SELECT outcome('SELECT * FROM schemareg.repair()');
RESET ROLE;
DROP ROLE regress_check_user;
SELECT schemareg.detach('chk_t'), schemareg.detach('chk_p');
DROP TABLE chk_t, chk_p;
