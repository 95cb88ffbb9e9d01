-- The count slots: a backend updates its slot row where it last left it
-- (src/pg/slots.cpp), and falls back to SQL when the row moved or went.
-- amcheck verifies that every row version has its index entries.
CREATE EXTENSION amcheck;
SELECT (schemareg.create_schema('slots/s', '{}')).version, (schemareg.create_schema('slots/t', '{}')).version;
CREATE TABLE slot_docs (id serial PRIMARY KEY, doc jsonb, sch text);
SELECT schemareg.attach('slot_docs', 'doc', 'sch');

-- Where the slot rows are, whether their indexes hold every version, and
-- how the writes since the last call were made.
CREATE TABLE last_writes AS SELECT * FROM schemareg._slot_writes();
CREATE FUNCTION slot_state(OUT slot_rows bigint, OUT total bigint, OUT pages bigint, OUT indexes_ok boolean,
                           OUT direct bigint, OUT by_sql bigint)
    LANGUAGE plpgsql AS $$
BEGIN
    SELECT w.direct - l.direct, w.by_sql - l.by_sql INTO direct, by_sql
      FROM schemareg._slot_writes() w, last_writes l;
    UPDATE last_writes SET (direct, by_sql) = (SELECT * FROM schemareg._slot_writes());
    SELECT count(*), sum(c.n), count(DISTINCT (c.ctid::text::point)[0])
      INTO slot_rows, total, pages
      FROM schemareg.record_counts c WHERE c.tbl = 'slot_docs'::regclass;
    PERFORM bt_index_parent_check('schemareg.record_counts_pkey', true);
    PERFORM bt_index_parent_check('schemareg.record_counts_tbl', true);
    indexes_ok := true;
END
$$;

-- One transaction of 400 statements: each updates the same slot row, and
-- the versions it leaves cannot be pruned while it runs, so the row moves
-- to other pages (updates that must add index entries).
BEGIN;
DO $$
BEGIN
    FOR i IN 1..400 LOOP
        INSERT INTO slot_docs (doc, sch) VALUES ('{}', 'slots/s:1');
    END LOOP;
END
$$;
COMMIT;
SELECT * FROM slot_state();
SELECT ref_count FROM schemareg.get_schema('slots/s:1');
SELECT pg_relation_size('schemareg.record_counts') > 8192 AS moved_pages;

-- Found through the primary key too.
SET enable_seqscan = off;
SELECT n FROM schemareg.record_counts WHERE tbl = 'slot_docs'::regclass AND schema_id =
       (SELECT id FROM schemareg.schemas WHERE name = 'slots/s' AND version = 1);
RESET enable_seqscan;

-- TRUNCATE deletes the slot row; the next write inserts a new one.
TRUNCATE slot_docs;
INSERT INTO slot_docs (doc, sch) VALUES ('{}', 'slots/s:1'), ('{}', 'slots/s:1');
SELECT * FROM slot_state();

-- VACUUM may give the deleted row's place to another row: a slot is only
-- updated where it was when that place still holds it.
DELETE FROM slot_docs;
SELECT * FROM slot_state();
SELECT * FROM schemareg.recount();
VACUUM schemareg.record_counts;
INSERT INTO slot_docs (doc, sch) VALUES ('{}', 'slots/t:1');
INSERT INTO slot_docs (doc, sch) VALUES ('{}', 'slots/s:1');
SELECT * FROM slot_state();
SELECT v.name, c.n FROM schemareg.record_counts c JOIN schemareg.schemas v ON v.id = c.schema_id
 WHERE c.tbl = 'slot_docs'::regclass AND c.n <> 0 ORDER BY v.name;

-- recount() replaces the slots by one exact row; writes go on from there.
SELECT * FROM schemareg.recount();
INSERT INTO slot_docs (doc, sch) SELECT '{}', 'slots/s:1' FROM generate_series(1, 5);
SELECT * FROM slot_state();

-- A savepoint rolled back after a write leaves the slot where it was before.
BEGIN;
INSERT INTO slot_docs (doc, sch) VALUES ('{}', 'slots/s:1');
SAVEPOINT a;
INSERT INTO slot_docs (doc, sch) VALUES ('{}', 'slots/s:1');
ROLLBACK TO a;
INSERT INTO slot_docs (doc, sch) VALUES ('{}', 'slots/s:1');
COMMIT;
BEGIN;
INSERT INTO slot_docs (doc, sch) VALUES ('{}', 'slots/s:1');
ROLLBACK;
INSERT INTO slot_docs (doc, sch) VALUES ('{}', 'slots/s:1');
SELECT * FROM slot_state();
SELECT count(*) AS actual FROM slot_docs;
SELECT * FROM schemareg.recount();

-- VACUUM FULL rewrites the table: every place changes.
VACUUM FULL schemareg.record_counts;
INSERT INTO slot_docs (doc, sch) VALUES ('{}', 'slots/s:1');
SELECT * FROM slot_state();
SELECT * FROM schemareg.recount();

DROP TABLE slot_docs;
DROP FUNCTION slot_state();
DROP TABLE last_writes;
SELECT schemareg.delete_schema('slots/s:1'), schemareg.delete_schema('slots/t:1');
DROP EXTENSION amcheck;
