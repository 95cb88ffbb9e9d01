-- Restores load the registry's tables and the bound tables in any order
-- (pg_restore -j, split restores): what the bound tables' triggers do with a
-- row that comes before the registry rows it needs, and what the registry
-- does when those rows arrive (tests/dump/dump_restore.sh restores whole
-- databases every way).
\pset null '(null)'
CREATE FUNCTION rst_counts() RETURNS TABLE (tbl text, ref text, n numeric) LANGUAGE sql AS $$
    SELECT c.tbl::text, v.name || ':' || v.version, sum(c.n)
      FROM schemareg.record_counts c JOIN schemareg.schema_versions v ON v.id = c.schema_id
     WHERE c.tbl::text LIKE 'rst%' GROUP BY 1, 2 HAVING sum(c.n) <> 0 ORDER BY 1, 2
$$;
SELECT (schemareg.create_schema('rst/s', '{"type": "object", "required": ["n"]}', public => true)).version;
CREATE ROLE regress_rst_writer;

-- A table as pg_restore -s leaves it: schemareg's triggers, no binding yet.
CREATE TABLE rst (id int PRIMARY KEY, doc jsonb, sch text);
CREATE TRIGGER "~schemareg_validate" BEFORE INSERT OR UPDATE OR DELETE ON rst
    FOR EACH ROW EXECUTE FUNCTION schemareg._validate_row();
CREATE TRIGGER "~schemareg_count" AFTER INSERT OR UPDATE OR DELETE ON rst
    FOR EACH ROW EXECUTE FUNCTION schemareg._count_row();
CREATE TRIGGER "~schemareg_truncate" AFTER TRUNCATE ON rst
    FOR EACH STATEMENT EXECUTE FUNCTION schemareg._on_truncate();
ALTER TABLE rst ENABLE ALWAYS TRIGGER "~schemareg_validate";
ALTER TABLE rst ENABLE ALWAYS TRIGGER "~schemareg_count";
ALTER TABLE rst ENABLE ALWAYS TRIGGER "~schemareg_truncate";
GRANT INSERT ON rst TO regress_rst_writer;
-- A role that may not write the registry's tables is refused, as before.
SET ROLE regress_rst_writer;
SELECT outcome($$INSERT INTO rst VALUES (1, '{"n": 1}', 'rst/s:1')$$);
RESET ROLE;
-- The role that restores (it may write the registry's tables) loads rows as
-- they are: not checked (row 2 is invalid), not counted.
INSERT INTO rst VALUES (1, '{"n": 1}', 'rst/s:1'), (2, '{}', 'rst/s:1'), (3, '{}', NULL);
SELECT * FROM rst_counts();
-- The binding's row arrives (as a restore writes it): the table is counted
-- from its heap.
INSERT INTO schemareg.bindings (tbl, record_column, schema_column, mode) VALUES ('rst', 'doc', 'sch', 'enforce');
SELECT * FROM rst_counts();
SELECT * FROM schemareg.check() WHERE object LIKE '%rst%';
-- From then on, rows are checked and counted, whoever writes them.
SELECT outcome($$INSERT INTO rst VALUES (4, '{}', 'rst/s:1')$$);
INSERT INTO rst VALUES (4, '{"n": 4}', 'rst/s:1');
SET ROLE regress_rst_writer;
INSERT INTO rst VALUES (5, '{"n": 5}', 'rst/s');
RESET ROLE;
SELECT * FROM rst_counts();
-- Versions that do not exist are refused as ever (the registry has versions).
SELECT outcome($$INSERT INTO rst VALUES (6, '{}', 'rst/nope:1')$$);

-- pg_restore --disable-triggers: a session of a role that may write the
-- registry's tables (the one restoring) may not disable a bound table's
-- schemareg triggers either, but is not refused: they stay enabled ALWAYS,
-- with a NOTICE, and the table's other triggers are disabled as asked.
CREATE FUNCTION rst_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.doc := NEW.doc || '{"stamped": true}'; RETURN NEW; END $$;
CREATE TRIGGER stamp BEFORE INSERT ON rst FOR EACH ROW EXECUTE FUNCTION rst_stamp();
ALTER TABLE rst DISABLE TRIGGER ALL;
SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'rst'::regclass AND NOT tgisinternal ORDER BY 1;
SELECT outcome($$INSERT INTO rst VALUES (7, '{}', 'rst/s:1')$$);
INSERT INTO rst VALUES (7, '{"n": 7}', 'rst/s:1');
SELECT doc FROM rst WHERE id = 7;
ALTER TABLE rst ENABLE TRIGGER ALL;
SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'rst'::regclass AND NOT tgisinternal ORDER BY 1;
SELECT * FROM rst_counts();
-- A session of the table's owner is still refused (55000).
ALTER TABLE rst OWNER TO regress_rst_writer;
SET SESSION AUTHORIZATION regress_rst_writer;
SELECT outcome($$ALTER TABLE rst DISABLE TRIGGER ALL$$);
SELECT outcome($$ALTER TABLE rst DISABLE TRIGGER "~schemareg_count"$$);
RESET SESSION AUTHORIZATION;
ALTER TABLE rst OWNER TO CURRENT_USER;
-- The registry's own triggers stay enabled ALWAYS too.
ALTER TABLE schemareg.bindings DISABLE TRIGGER ALL;
SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'schemareg.bindings'::regclass
   AND NOT tgisinternal ORDER BY 1;

-- A table that follows the newest versions: a COPY by the role that restores
-- keeps the version each row names; any other write moves it to the newest.
SELECT (schemareg.revise_schema('rst/s:1', '{"type": "object"}')).version;
CREATE TABLE rst_follow (id int PRIMARY KEY, doc jsonb, sch text);
SELECT schemareg.attach('rst_follow', 'doc', 'sch', follow_latest => true);
COPY rst_follow FROM STDIN;
1	{"n": 1}	rst/s:1
2	{}	rst/s:2
3	{"n": 3}	rst/s
\.
INSERT INTO rst_follow VALUES (4, '{"n": 4}', 'rst/s:1');
GRANT INSERT ON rst_follow TO regress_rst_writer;
SET ROLE regress_rst_writer;
COPY rst_follow FROM STDIN;
5	{"n": 5}	rst/s:1
\.
RESET ROLE;
SELECT id, sch FROM rst_follow ORDER BY id;
SELECT * FROM rst_counts();
-- A row that does not satisfy the version it names is refused by that COPY
-- too.
COPY rst_follow FROM STDIN;
6	{}	rst/s:1
\.
SELECT * FROM schemareg.recount() WHERE ref LIKE 'rst/%';

SELECT schemareg.detach('rst'), schemareg.detach('rst_follow');
DROP TABLE rst, rst_follow;
DROP FUNCTION rst_stamp(), rst_counts();
DROP ROLE regress_rst_writer;
