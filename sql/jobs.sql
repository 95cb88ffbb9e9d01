-- Revalidation and migration: batches that commit as they go, progress in
-- schemareg.jobs, invalid rows reported, counts exact, resumable.
\pset null '(null)'
SELECT (schemareg.create_schema('jobs/r', '{"type": "object", "required": ["n"],
        "properties": {"n": {"type": "integer"}, "mail": {"type": "string", "format": "email"}}}')).version;
SELECT (schemareg.revise_schema('jobs/r:1', '{"type": "object", "required": ["n"],
        "properties": {"n": {"type": "integer", "maximum": 100}, "mail": {"type": "string", "format": "email"}}}')).version;
CREATE TABLE jobs_enforce (id int PRIMARY KEY, doc jsonb, sch text);
CREATE TABLE jobs_flag (id int PRIMARY KEY, doc jsonb, sch text, errs jsonb);
SELECT schemareg.attach('jobs_enforce', 'doc', 'sch');
SELECT schemareg.attach('jobs_flag', 'doc', 'sch', 'flag', 'errs');

-- Rows written while formats were not asserted: some mails are not valid.
SET schemareg.assert_formats = off;
INSERT INTO jobs_enforce SELECT i, jsonb_build_object('n', i % 150, 'mail', CASE WHEN i % 50 = 0 THEN 'nobody' ELSE 'a@b.org' END),
                                'jobs/r:1' FROM generate_series(1, 2000) i;
INSERT INTO jobs_flag SELECT id, doc, sch FROM jobs_enforce;
RESET schemareg.assert_formats;
SELECT count(*) FILTER (WHERE errs IS NOT NULL) AS flagged_before FROM jobs_flag;

-- Revalidation: enforce tables report, flag tables get their errors column rewritten.
CALL schemareg.revalidate('jobs_enforce', 300);
CALL schemareg.revalidate('jobs_flag', 300);
SELECT kind, tbl, schema, rows_done, rows_total, rows_invalid, rows_changed, state, finished IS NOT NULL AS finished
  FROM schemareg.jobs ORDER BY id;
SELECT tbl, count(*), min(ref), max(errors ->> 0) FROM schemareg.job_errors GROUP BY tbl;
SELECT count(*) AS flagged_after FROM schemareg.record_errors('jobs_flag');
SELECT * FROM schemareg.record_errors('jobs_flag') LIMIT 2;
-- A second run finds them the same and rewrites nothing.
CALL schemareg.revalidate('jobs_flag', 300);
SELECT rows_done, rows_invalid, rows_changed, state FROM schemareg.jobs ORDER BY id DESC LIMIT 1;

-- Migration to version 2, which refuses n > 100: rows that fail stay on
-- version 1 and are reported; counts stay exact.
CALL schemareg.migrate('jobs_enforce', 'jobs/r:2', 300);
SELECT kind, schema, rows_done, rows_invalid, rows_changed, state FROM schemareg.jobs ORDER BY id DESC LIMIT 1;
SELECT sch, count(*) FROM jobs_enforce GROUP BY sch ORDER BY sch;
SELECT name || ':' || version AS ref, ref_count FROM schemareg.schemas WHERE name = 'jobs/r' ORDER BY version;
SELECT * FROM schemareg.recount();
SELECT count(*) AS reported FROM schemareg.job_errors
 WHERE job = (SELECT max(id) FROM schemareg.jobs) AND errors @> '[{"keyword": "maximum"}]';

-- A batch that fails leaves the job failed, its work so far kept; the same
-- call resumes it where it stopped.
CREATE FUNCTION jobs_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id = 1510 THEN
        RAISE EXCEPTION 'row 1510 refused by a trigger of the table';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER refuse BEFORE UPDATE ON jobs_flag FOR EACH ROW EXECUTE FUNCTION jobs_refuse();
\set VERBOSITY terse
CALL schemareg.migrate('jobs_flag', 'jobs/r:2', 300);
\set VERBOSITY default
SELECT rows_done > 0 AND rows_done < 2000 AS part_done, state, error FROM schemareg.jobs ORDER BY id DESC LIMIT 1;
SELECT count(*) > 0 AND count(*) < 2000 AS part_moved FROM jobs_flag WHERE sch = 'jobs/r:2';
DROP TRIGGER refuse ON jobs_flag;
CALL schemareg.migrate('jobs_flag', 'jobs/r:2', 300);
SELECT count(*) AS migrate_jobs, sum(rows_done) AS rows_done, max(state) AS state FROM schemareg.jobs
 WHERE tbl = 'jobs_flag'::regclass AND kind = 'migrate';
SELECT sch, count(*) FROM jobs_flag GROUP BY sch ORDER BY sch;
SELECT * FROM schemareg.recount();

-- A cancelled run (statement_timeout here) is interrupted; the same call finishes it.
CREATE TABLE jobs_slow (id int PRIMARY KEY, doc jsonb, sch text);
SELECT schemareg.attach('jobs_slow', 'doc', 'sch');
INSERT INTO jobs_slow SELECT i, jsonb_build_object('n', i % 100), 'jobs/r:1' FROM generate_series(1, 1000) i;
CREATE FUNCTION jobs_slowly() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id = 900 THEN
        PERFORM pg_sleep(5);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER slowly BEFORE UPDATE ON jobs_slow FOR EACH ROW EXECUTE FUNCTION jobs_slowly();
SET statement_timeout = '1s';
\set VERBOSITY terse
CALL schemareg.migrate('jobs_slow', 'jobs/r:2', 100);
\set VERBOSITY default
RESET statement_timeout;
SELECT state, rows_done > 0 AND rows_done < 1000 AS part_done FROM schemareg.jobs ORDER BY id DESC LIMIT 1;
DROP TRIGGER slowly ON jobs_slow;
CALL schemareg.migrate('jobs_slow', 'jobs/r:2', 100);
SELECT state, rows_done, rows_changed FROM schemareg.jobs ORDER BY id DESC LIMIT 1;
SELECT sch, count(*) FROM jobs_slow GROUP BY sch;

-- A table that follows the newest versions: a new row takes the newest
-- version of the name it gives; a revision queues the migration of the older
-- rows, and run_jobs() runs it.
SELECT (schemareg.create_schema('jobs/f', '{"type": "object"}')).version;
CREATE TABLE jobs_follow (id int PRIMARY KEY, doc jsonb, sch text);
SELECT schemareg.attach('jobs_follow', 'doc', 'sch', follow_latest => true);
SELECT follow_latest FROM schemareg.bound_tables WHERE tbl = 'jobs_follow'::regclass;
INSERT INTO jobs_follow VALUES (1, '{"n": 1}', 'jobs/f:1'), (2, '{}', 'jobs/f'), (3, '{"n": 3}', 'jobs/f:1');
SELECT (schemareg.revise_schema('jobs/f:1', '{"type": "object", "required": ["n"]}')).version;
SELECT kind, tbl, schema, state FROM schemareg.jobs WHERE tbl = 'jobs_follow'::regclass;
INSERT INTO jobs_follow VALUES (4, '{"n": 4}', 'jobs/f:1');
SELECT outcome($$INSERT INTO jobs_follow VALUES (5, '{}', 'jobs/f:1')$$);
SELECT id, sch FROM jobs_follow ORDER BY id;
CALL schemareg.run_jobs();
SELECT kind, schema, rows_done, rows_invalid, rows_changed, state FROM schemareg.jobs
 WHERE tbl = 'jobs_follow'::regclass;
SELECT id, sch FROM jobs_follow ORDER BY id;
SELECT name || ':' || version AS ref, ref_count FROM schemareg.schemas WHERE name = 'jobs/f' ORDER BY version;
SELECT * FROM schemareg.recount();
-- Nothing left to run.
CALL schemareg.run_jobs();

-- Partitioned tables: every partition is done; findings are shown to the
-- readers of the bound table (grants on it do not reach its partitions).
CREATE TABLE jobs_parts (id int, doc jsonb, sch text) PARTITION BY RANGE (id);
CREATE TABLE jobs_parts_1 PARTITION OF jobs_parts FOR VALUES FROM (0) TO (100);
CREATE TABLE jobs_parts_2 PARTITION OF jobs_parts FOR VALUES FROM (100) TO (200);
SELECT schemareg.attach('jobs_parts', 'doc', 'sch');
SET schemareg.assert_formats = off;
INSERT INTO jobs_parts SELECT i, jsonb_build_object('n', i, 'mail', CASE WHEN i % 40 = 0 THEN 'nobody' ELSE 'a@b.org' END),
                              'jobs/r:1' FROM generate_series(1, 199) i;
RESET schemareg.assert_formats;
CALL schemareg.revalidate('jobs_parts', 50);
SELECT rows_done, rows_total, rows_invalid, state FROM schemareg.jobs ORDER BY id DESC LIMIT 1;
-- A reader of the bound table sees the findings in its partitions that are
-- about versions the reader may see: none while jobs/r is private to it.
CREATE ROLE regress_jobs_parts;
GRANT SELECT ON jobs_parts TO regress_jobs_parts;
SET ROLE regress_jobs_parts;
SELECT tbl, count(*) FROM schemareg.job_errors GROUP BY tbl ORDER BY tbl::text;
RESET ROLE;
GRANT schemareg_admin TO regress_jobs_parts;
SET ROLE regress_jobs_parts;
SELECT tbl, count(*) FROM schemareg.job_errors GROUP BY tbl ORDER BY tbl::text;
RESET ROLE;
REVOKE schemareg_admin FROM regress_jobs_parts;
REVOKE ALL ON jobs_parts FROM regress_jobs_parts;
DROP ROLE regress_jobs_parts;
-- A partition dropped while its job waits to be resumed is passed over.
CREATE TRIGGER refuse BEFORE UPDATE ON jobs_parts_2 FOR EACH ROW EXECUTE FUNCTION jobs_refuse();
CREATE OR REPLACE FUNCTION jobs_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'refused by a trigger of the table';
END
$$;
\set VERBOSITY terse
CALL schemareg.migrate('jobs_parts', 'jobs/r:2', 50);
\set VERBOSITY default
SELECT state, error FROM schemareg.jobs ORDER BY id DESC LIMIT 1;
DROP TABLE jobs_parts_2;
CALL schemareg.migrate('jobs_parts', 'jobs/r:2', 50);
SELECT state, rows_changed FROM schemareg.jobs ORDER BY id DESC LIMIT 1;
SELECT sch, count(*) FROM jobs_parts GROUP BY sch ORDER BY sch;
SELECT * FROM schemareg.recount();
DROP TABLE jobs_parts;

-- Jobs need the rights their work takes: SELECT, and UPDATE to move rows
-- or rewrite errors (either one alone is not enough); they show to the
-- roles that may read their table.
CREATE ROLE regress_jobs_reader;
GRANT SELECT ON jobs_follow TO regress_jobs_reader;
SET ROLE regress_jobs_reader;
SELECT outcome($$CALL schemareg.migrate('jobs_follow', 'jobs/f:2')$$);
SELECT count(*) AS jobs_seen FROM schemareg.jobs;
RESET ROLE;
REVOKE SELECT ON jobs_follow FROM regress_jobs_reader;
GRANT UPDATE ON jobs_follow TO regress_jobs_reader;
SET ROLE regress_jobs_reader;
SELECT outcome($$CALL schemareg.migrate('jobs_follow', 'jobs/f:2')$$);
SELECT count(*) AS jobs_seen FROM schemareg.jobs;
RESET ROLE;
REVOKE ALL ON jobs_follow FROM regress_jobs_reader;
DROP ROLE regress_jobs_reader;

-- A bound column cannot change its type (its values would be rewritten
-- without the triggers): refused, and the table still takes rows.
SELECT outcome($$ALTER TABLE jobs_follow ALTER COLUMN doc TYPE json$$);
SELECT outcome($$ALTER TABLE jobs_follow ALTER COLUMN sch TYPE text USING 'jobs/f:1'$$);
SELECT format_type(atttypid, atttypmod) FROM pg_attribute
 WHERE attrelid = 'jobs_follow'::regclass AND attname = 'doc';
SELECT outcome($$INSERT INTO jobs_follow VALUES (9, '{"n": 9}', 'jobs/f')$$);

-- Bad calls.
SELECT outcome($$CALL schemareg.revalidate('pg_class', 10)$$);
SELECT outcome($$CALL schemareg.revalidate('jobs_flag', 0)$$);
SELECT outcome($$CALL schemareg.migrate('jobs_flag', 'jobs/none:1')$$);
SELECT outcome($$CALL schemareg.migrate('jobs_flag', NULL)$$);
SELECT outcome($$SELECT * FROM schemareg.record_errors('jobs_enforce')$$);
-- Inside a transaction block a job cannot commit its batches.
BEGIN;
\set VERBOSITY terse
CALL schemareg.revalidate('jobs_flag');
\set VERBOSITY default
ROLLBACK;

-- Under a scheduler: run_jobs() retries a failed job once its delay is
-- over (schemareg.job_retry_delay, doubled after each attempt), until it has
-- had schemareg.job_max_attempts attempts; every call reports each failed
-- job in a WARNING, and ends in an error when a job failed in it. The
-- jobs show their attempts and last error.
SHOW schemareg.job_max_attempts;
SHOW schemareg.job_retry_delay;
CREATE TABLE jobs_retry (id int PRIMARY KEY, doc jsonb, sch text);
CREATE TABLE jobs_retry2 (id int PRIMARY KEY, doc jsonb, sch text);
SELECT schemareg.attach('jobs_retry', 'doc', 'sch'), schemareg.attach('jobs_retry2', 'doc', 'sch');
INSERT INTO jobs_retry SELECT i, jsonb_build_object('n', i), 'jobs/r:1' FROM generate_series(1, 10) i;
INSERT INTO jobs_retry2 SELECT * FROM jobs_retry;
CREATE TRIGGER refuse BEFORE UPDATE ON jobs_retry FOR EACH ROW EXECUTE FUNCTION jobs_refuse();
CREATE TRIGGER refuse BEFORE UPDATE ON jobs_retry2 FOR EACH ROW EXECUTE FUNCTION jobs_refuse();
SET schemareg.job_retry_delay = '10s';
CALL schemareg.migrate('jobs_retry', 'jobs/r:2');
\set VERBOSITY terse
CALL schemareg.migrate('jobs_retry2', 'jobs/r:2');
\set VERBOSITY default
SELECT tbl, state, attempts, error, last_error, last_sqlstate,
       next_attempt BETWEEN now() + interval '5 seconds' AND now() + interval '10 seconds' AS in_10s
  FROM schemareg.jobs WHERE tbl::text LIKE 'jobs_retry%' ORDER BY id;
-- Not due yet: reported, not run.
CALL schemareg.run_jobs();
SELECT tbl, state, attempts FROM schemareg.jobs WHERE tbl::text LIKE 'jobs_retry%' ORDER BY id;
-- Due (as if ten seconds had passed): both run again, one after the other
-- failing; the delay doubles.
UPDATE schemareg.job_state SET next_attempt_at = now() WHERE tbl::text LIKE 'jobs_retry%';
CALL schemareg.run_jobs();
SELECT tbl, state, attempts, last_error,
       next_attempt BETWEEN now() + interval '15 seconds' AND now() + interval '20 seconds' AS in_20s
  FROM schemareg.jobs WHERE tbl::text LIKE 'jobs_retry%' ORDER BY id;
-- The last attempt: no retry is due after it, and every call says so.
SET schemareg.job_max_attempts = 3;
UPDATE schemareg.job_state SET next_attempt_at = now() WHERE tbl::text LIKE 'jobs_retry%';
\set VERBOSITY terse
CALL schemareg.run_jobs();
\set VERBOSITY default
SELECT tbl, state, attempts, next_attempt FROM schemareg.jobs WHERE tbl::text LIKE 'jobs_retry%' ORDER BY id;
CALL schemareg.run_jobs();
-- Fixed, with more attempts allowed: the next call finishes both; the last
-- error stays in view.
DROP TRIGGER refuse ON jobs_retry;
DROP TRIGGER refuse ON jobs_retry2;
RESET schemareg.job_max_attempts;
UPDATE schemareg.job_state SET next_attempt_at = now() WHERE tbl::text LIKE 'jobs_retry%';
CALL schemareg.run_jobs();
SELECT tbl, state, attempts, rows_changed, error, last_error, last_sqlstate, next_attempt
  FROM schemareg.jobs WHERE tbl::text LIKE 'jobs_retry%' ORDER BY id;
SELECT sch, count(*) FROM jobs_retry GROUP BY sch;
CALL schemareg.run_jobs();
RESET schemareg.job_retry_delay;
-- A job whose table is no longer bound fails like any other, and is retried.
SELECT (schemareg.create_schema('jobs/g', '{}')).version;
CREATE TABLE jobs_gone (id int PRIMARY KEY, doc jsonb, sch text);
SELECT schemareg.attach('jobs_gone', 'doc', 'sch', follow_latest => true);
INSERT INTO jobs_gone VALUES (1, '{"n": 1}', 'jobs/g');
SELECT (schemareg.revise_schema('jobs/g:1', '{"type": "object"}')).version;
SELECT schemareg.detach('jobs_gone');
CALL schemareg.run_jobs();
SELECT state, attempts, last_sqlstate, next_attempt IS NOT NULL AS retried FROM schemareg.jobs
 WHERE tbl = 'jobs_gone'::regclass;
DELETE FROM schemareg.job_state WHERE tbl = 'jobs_gone'::regclass;
DROP TABLE jobs_gone, jobs_retry, jobs_retry2;
SELECT schemareg.delete_schema('jobs/g:2'), schemareg.delete_schema('jobs/g:1');

DROP TABLE jobs_enforce, jobs_flag, jobs_slow, jobs_follow;
DROP FUNCTION jobs_refuse(), jobs_slowly();
SELECT schemareg.delete_schema('jobs/r:2'), schemareg.delete_schema('jobs/r:1'),
       schemareg.delete_schema('jobs/f:2'), schemareg.delete_schema('jobs/f:1');
