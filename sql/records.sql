-- Bound tables: validation on write, bare names rewritten, exact counts.
CREATE FUNCTION counts() RETURNS TABLE (ref text, ref_count bigint) LANGUAGE sql AS $$
    SELECT name || ':' || version, ref_count FROM schemareg.schemas
     WHERE name LIKE 'rec/%' ORDER BY name, version
$$;
SELECT (schemareg.create_schema('rec/s', '{"type": "object", "required": ["t"], "properties": {"t": {"type": "number"}}}')).version;
SELECT (schemareg.revise_schema('rec/s:1', '{"type": "object"}')).version;
SELECT (schemareg.create_schema('rec/any', '{}')).version;

-- attach checks and counts the rows already there.
CREATE TABLE rec (id serial PRIMARY KEY, doc jsonb, sch text);
INSERT INTO rec (doc, sch) VALUES ('{"t": 1}', 'rec/s:1'), ('{}', 'rec/s'), ('{"x": 1}', NULL);
SELECT schemareg.attach('rec', 'doc', 'sch');
SELECT id, sch FROM rec ORDER BY id;
SELECT * FROM counts();
SELECT tbl, record_column, schema_column, mode, errors_column, records FROM schemareg.bound_tables;
SELECT schemareg.attach('rec', 'doc', 'sch') AS attach_again_is_harmless;

-- Bad bindings.
CREATE TABLE other (doc jsonb, sch text, n int, errs jsonb);
SELECT outcome($$SELECT schemareg.attach('rec', 'doc', 'sch', 'flag', 'doc')$$);
SELECT outcome($$SELECT schemareg.attach('other', 'doc', 'sch', 'strict')$$);
SELECT outcome($$SELECT schemareg.attach('other', 'doc', 'sch', 'flag')$$);
SELECT outcome($$SELECT schemareg.attach('other', 'doc', 'sch', 'enforce', 'errs')$$);
SELECT outcome($$SELECT schemareg.attach('other', 'nope', 'sch')$$);
SELECT outcome($$SELECT schemareg.attach('other', 'n', 'sch')$$);
SELECT outcome($$SELECT schemareg.attach('other', 'doc', 'n')$$);
SELECT outcome($$SELECT schemareg.attach('schemareg.schemas', 'definition', 'name')$$);
SELECT outcome($$SELECT schemareg.detach('other')$$);
DROP TABLE other;

-- enforce: invalid rows and unknown schemas are refused; bare names rewritten.
INSERT INTO rec (doc, sch) VALUES ('{"t": 2}', 'rec/s:1'), ('{"y": 1}', 'rec/s');
SELECT outcome($$INSERT INTO rec (doc, sch) VALUES ('{"t": "x"}', 'rec/s:1')$$);
SELECT outcome($$INSERT INTO rec (doc, sch) VALUES ('{}', 'rec/nope')$$);
SELECT outcome($$INSERT INTO rec (doc, sch) VALUES ('{}', 'rec//s')$$);
SELECT outcome($$INSERT INTO rec (doc, sch) VALUES (NULL, 'rec/s:2')$$);
UPDATE schemareg.schema_versions SET status = 'deleting' WHERE name = 'rec/any';
SELECT outcome($$INSERT INTO rec (doc, sch) VALUES ('{}', 'rec/any:1')$$);
UPDATE schemareg.schema_versions SET status = 'exists' WHERE name = 'rec/any';
SELECT id, doc, sch FROM rec ORDER BY id;
SELECT * FROM counts();

-- UPDATE moving a row between versions, multi-row statements, DELETE.
UPDATE rec SET sch = 'rec/s:2' WHERE sch = 'rec/s:1';
UPDATE rec SET doc = '{"t": 9}' WHERE id = 1;
SELECT * FROM counts();
SELECT outcome($$UPDATE rec SET sch = 'rec/s:1' WHERE id = 2$$);
DELETE FROM rec WHERE id = 5;
SELECT * FROM counts();

-- Rollbacks and savepoints leave the counts as they were.
BEGIN;
DELETE FROM rec;
SELECT * FROM counts();
ROLLBACK;
BEGIN;
INSERT INTO rec (doc, sch) VALUES ('{}', 'rec/any');
SAVEPOINT a;
INSERT INTO rec (doc, sch) SELECT '{}', 'rec/any' FROM generate_series(1, 5);
ROLLBACK TO SAVEPOINT a;
SAVEPOINT b;
INSERT INTO rec (doc, sch) VALUES ('{}', 'rec/nope');
ROLLBACK TO SAVEPOINT b;
COMMIT;
SELECT * FROM counts();

-- INSERT ... ON CONFLICT and COPY.
INSERT INTO rec (id, doc, sch) VALUES (1, '{}', 'rec/any') ON CONFLICT (id) DO UPDATE SET sch = excluded.sch;
INSERT INTO rec (id, doc, sch) VALUES (2, '{}', 'rec/any') ON CONFLICT (id) DO NOTHING;
COPY rec (doc, sch) FROM STDIN;
{"t": 1}	rec/s:1
{"z": 1}	rec/s
\N	\N
\.
SELECT * FROM counts();
SELECT * FROM schemareg.recount();

-- MERGE, and writes applied as a replica (a logical replication subscriber):
-- checked and counted too.
MERGE INTO rec USING (SELECT '{"t": 4}'::jsonb AS d) s ON false
 WHEN NOT MATCHED THEN INSERT (doc, sch) VALUES (s.d, 'rec/s:1');
SET session_replication_role = replica;
INSERT INTO rec (doc, sch) VALUES ('{"t": 5}', 'rec/s');
SELECT outcome($$INSERT INTO rec (doc, sch) VALUES ('{}', 'rec/s:1')$$);
RESET session_replication_role;
SELECT * FROM counts();
SELECT * FROM schemareg.recount();

-- Versions in use cannot go; an unused one can.
SELECT outcome($$SELECT schemareg.delete_schema('rec/s:2')$$);

-- TRUNCATE and DROP TABLE forget the table's counts.
TRUNCATE rec;
SELECT * FROM counts();
INSERT INTO rec (doc, sch) VALUES ('{}', 'rec/any'), ('{}', 'rec/any');
DROP TABLE rec;
SELECT * FROM counts();
SELECT count(*) AS bindings FROM schemareg.bindings;

-- flag mode stores invalid rows with their errors.
CREATE TABLE flagged (id int PRIMARY KEY, doc jsonb, sch text, errs jsonb);
SELECT schemareg.attach('flagged', 'doc', 'sch', 'flag', 'errs');
INSERT INTO flagged VALUES (1, '{}', 'rec/s:1', '"stale"'), (2, '{"t": 1}', 'rec/s:1', '"stale"'),
                           (3, '{}', NULL, '"stale"');
SELECT * FROM flagged ORDER BY id;
UPDATE flagged SET doc = '{"t": 3}' WHERE id = 1;
SELECT id, errs FROM flagged ORDER BY id;
SELECT * FROM counts();

-- detach removes triggers and counts; writes are no longer checked.
SELECT schemareg.detach('flagged');
INSERT INTO flagged VALUES (4, '{}', 'rec/nope', NULL);
SELECT * FROM counts();
SELECT outcome($$SELECT schemareg.detach('flagged')$$);
DROP TABLE flagged;

-- Partitioned tables: rows written through the parent or into a partition.
CREATE TABLE parted (id int, doc jsonb, sch text) PARTITION BY RANGE (id);
CREATE TABLE parted_a PARTITION OF parted FOR VALUES FROM (0) TO (100);
CREATE TABLE parted_b PARTITION OF parted FOR VALUES FROM (100) TO (200);
SELECT schemareg.attach('parted', 'doc', 'sch');
INSERT INTO parted VALUES (1, '{"t": 1}', 'rec/s:1'), (150, '{"t": 1}', 'rec/s:1');
INSERT INTO parted_a VALUES (2, '{"t": 1}', 'rec/s');
SELECT outcome($$INSERT INTO parted_b VALUES (102, '{}', 'rec/s:1')$$);
SELECT outcome($$SELECT schemareg.attach('parted_a', 'doc', 'sch')$$);
UPDATE parted SET id = 160 WHERE id = 1;
SELECT * FROM counts();
TRUNCATE parted_a;
SELECT * FROM counts();
CREATE TABLE parted_c PARTITION OF parted FOR VALUES FROM (200) TO (300);
INSERT INTO parted VALUES (250, '{"t": 1}', 'rec/s:1');
ALTER TABLE parted DETACH PARTITION parted_b;
SELECT * FROM counts();
ALTER TABLE parted ATTACH PARTITION parted_b FOR VALUES FROM (100) TO (200);
SELECT * FROM counts();
DROP TABLE parted_c;
SELECT * FROM counts();
SELECT * FROM schemareg.recount();
DROP TABLE parted;
SELECT * FROM counts();

-- A session whose first schemareg call is a DELETE (only the AFTER trigger
-- fires, loading the module mid-statement) still counts exactly.
CREATE TABLE fresh (doc jsonb, sch text);
SELECT schemareg.attach('fresh', 'doc', 'sch');
INSERT INTO fresh SELECT '{}', 'rec/any' FROM generate_series(1, 3);
\c
DELETE FROM fresh WHERE ctid = (SELECT min(ctid) FROM fresh);
SELECT * FROM counts();
\c
BEGIN;
DELETE FROM fresh WHERE ctid = (SELECT min(ctid) FROM fresh);
SELECT * FROM counts();
COMMIT;
SELECT * FROM schemareg.recount();
DROP TABLE fresh;

-- An AFTER trigger of the user's that rolls back a savepoint of its own
-- (an EXCEPTION block) loses none of the statement's counts.
CREATE TABLE audited (doc jsonb, sch text);
SELECT schemareg.attach('audited', 'doc', 'sch');
CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    BEGIN PERFORM 1 / 0; EXCEPTION WHEN division_by_zero THEN NULL; END;
    RETURN NULL;
END $$;
CREATE TRIGGER audit AFTER INSERT ON audited FOR EACH ROW EXECUTE FUNCTION audit();
INSERT INTO audited SELECT '{}', 'rec/any' FROM generate_series(1, 5);
SELECT * FROM counts();
SELECT * FROM schemareg.recount();

-- A BEFORE trigger of the user's fires before the check, which sees its changes.
CREATE FUNCTION strip_t() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.doc := NEW.doc - 't'; RETURN NEW; END $$;
CREATE TABLE stripped (doc jsonb, sch text);
SELECT schemareg.attach('stripped', 'doc', 'sch');
CREATE TRIGGER set_defaults BEFORE INSERT ON stripped FOR EACH ROW EXECUTE FUNCTION strip_t();
SELECT outcome($$INSERT INTO stripped VALUES ('{"t": 1}', 'rec/s:1')$$);
DROP TABLE stripped, audited;

-- TRUNCATE in a session that has not loaded the module yet, and TRUNCATE CASCADE.
CREATE TABLE parent_rec (id int PRIMARY KEY, doc jsonb, sch text);
CREATE TABLE child_rec (parent int REFERENCES parent_rec, doc jsonb, sch text);
SELECT schemareg.attach('parent_rec', 'doc', 'sch'), schemareg.attach('child_rec', 'doc', 'sch');
INSERT INTO parent_rec VALUES (1, '{}', 'rec/any');
INSERT INTO child_rec VALUES (1, '{}', 'rec/any'), (1, '{}', 'rec/any');
\c
TRUNCATE parent_rec CASCADE;
SELECT * FROM counts();
DROP TABLE child_rec, parent_rec;

-- ATTACH PARTITION in a fresh session counts the rows it brings.
CREATE TABLE tree (id int, doc jsonb, sch text) PARTITION BY RANGE (id);
CREATE TABLE tree_a PARTITION OF tree FOR VALUES FROM (0) TO (10);
SELECT schemareg.attach('tree', 'doc', 'sch');
CREATE TABLE tree_b (id int, doc jsonb, sch text);
INSERT INTO tree_b VALUES (11, '{}', 'rec/any:1'), (12, '{}', 'rec/any:1');
\c
ALTER TABLE tree ATTACH PARTITION tree_b FOR VALUES FROM (10) TO (20);
SELECT * FROM counts();
-- A partition attached later has no TRUNCATE trigger of its own: truncated in
-- a session that has not loaded the module, its counts stay too high (which
-- refuses deletes, never allows a wrong one) until recount() repairs them.
\c
TRUNCATE tree_b;
SELECT * FROM counts();
SELECT * FROM schemareg.recount();
TRUNCATE tree_a;
SELECT * FROM counts();
DROP TABLE tree;

-- What cannot be bound.
CREATE TEMP TABLE temp_rec (doc jsonb, sch text);
SELECT outcome($$SELECT schemareg.attach('temp_rec', 'doc', 'sch')$$);
CREATE TABLE varchar_rec (doc jsonb, sch varchar(10));
SELECT outcome($$SELECT schemareg.attach('varchar_rec', 'doc', 'sch')$$);
DROP TABLE varchar_rec, temp_rec;

-- recount repairs drift (here made by hand) and reports it.
CREATE TABLE drift (doc jsonb, sch text);
SELECT schemareg.attach('drift', 'doc', 'sch');
INSERT INTO drift SELECT '{}', 'rec/any' FROM generate_series(1, 4);
UPDATE schemareg.record_counts SET n = n + 10 WHERE tbl = 'drift'::regclass;
SELECT * FROM counts();
SELECT * FROM schemareg.recount();
SELECT * FROM schemareg.recount();
SELECT * FROM counts();
DROP TABLE drift;
