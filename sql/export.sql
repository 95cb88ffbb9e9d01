-- Moving a registry: export() and import() carry every version with its
-- number, owner, visibility, description, policy and dependencies, through
-- DROP EXTENSION and into another registry; DROP EXTENSION warns first.
-- In a database of its own: the round trip drops the extension.
\pset null '(null)'
SET client_min_messages = warning;
DROP DATABASE IF EXISTS regress_export;
CREATE DATABASE regress_export TEMPLATE template0;
RESET client_min_messages;
\c regress_export
CREATE EXTENSION schemareg;
CREATE FUNCTION public.outcome(statement text) RETURNS text
    LANGUAGE plpgsql AS $$
DECLARE
    detail text;
    hint text;
BEGIN
    EXECUTE statement;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
    RETURN SQLSTATE || ' ' || SQLERRM
        || CASE WHEN detail <> '' THEN E'\n  detail: ' || detail ELSE '' END
        || CASE WHEN hint <> '' THEN E'\n  hint: ' || hint ELSE '' END;
END
$$;
-- The document without its creation times (the only part that changes from run to run).
CREATE FUNCTION public.shown(doc jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT regexp_replace(jsonb_pretty(doc), '"created_at": "[^"]*"', '"created_at": "..."', 'g')
$$;

-- A registry: a public schema in two versions that others use by "$id";
-- a private one of another role whose version 2 names "shop/address:1";
-- version 3 deleted (its number is not given again); a policy; a name whose
-- only version was deleted.
CREATE ROLE regress_export_alice;
CREATE ROLE regress_export_bob;
SELECT (schemareg.create_schema('shop/address', '{"$id": "https://example.com/address", "type": "object"}',
                                'postal addresses', true)).version;
SET ROLE regress_export_alice;
SELECT (schemareg.create_schema('shop/customer',
        '{"type": "object", "properties": {"home": {"$ref": "https://example.com/address"}}}')).version;
RESET ROLE;
SELECT (schemareg.revise_schema('shop/address:1', '{"$id": "https://example.com/address", "type": "object",
                                                   "required": ["city"]}')).version;
SET ROLE regress_export_alice;
SELECT (schemareg.revise_schema('shop/customer:1', '{"type": "object", "required": ["name"],
        "properties": {"name": {"type": "string"}, "home": {"$ref": "shop/address:1"}}}', 'with a name')).version;
SELECT (schemareg.revise_schema('shop/customer:2', '{"type": "object"}')).version;
SELECT schemareg.delete_schema('shop/customer:3');
SELECT schemareg.set_compatibility('shop/customer', 'BACKWARD');
SELECT (schemareg.create_schema('shop/old', '{}')).version;
SELECT schemareg.delete_schema('shop/old:1');
RESET ROLE;
SELECT name, version, owner, created_by, public, description FROM schemareg.schemas ORDER BY name, version;
SELECT * FROM schemareg.schema_dependencies ORDER BY 1, 2;

-- The document: names in order, each with its owner, policy and last
-- number, its versions with what each uses; equal from one export to the next.
SELECT shown(schemareg.export());
SELECT schemareg.export() = schemareg.export() AS stable;

-- Records that name shop/customer:2.
CREATE TABLE customers (id int PRIMARY KEY, doc jsonb, sch text);
ALTER TABLE customers OWNER TO regress_export_alice;
SET ROLE regress_export_alice;
SELECT schemareg.attach('customers', 'doc', 'sch');
INSERT INTO customers VALUES (1, '{"name": "Ada", "home": {"city": "Paris"}}', 'shop/customer:2'),
                             (2, '{"name": "Bo"}', 'shop/customer:2'), (3, '{}', 'shop/customer:1');
RESET ROLE;
CREATE TABLE saved AS SELECT schemareg.export() AS doc;

-- DROP EXTENSION says what it destroys, and points to export(); without
-- CASCADE the bound table keeps it from happening.
\set VERBOSITY terse
DROP EXTENSION schemareg;
\set VERBOSITY default
DROP EXTENSION schemareg CASCADE;
-- The rows are still there, and no longer checked.
INSERT INTO customers VALUES (4, '{"name": 4}', 'shop/customer:2');
DELETE FROM customers WHERE id = 4;

-- Back: the same versions, numbers, owners, policy and dependencies.
CREATE EXTENSION schemareg;
SELECT * FROM schemareg.import((SELECT doc FROM saved));
SELECT schemareg.export() = (SELECT doc FROM saved) AS same_registry;
SELECT name, version, owner, created_by, public, description FROM schemareg.schemas ORDER BY name, version;
SELECT * FROM schemareg.schema_dependencies ORDER BY 1, 2;
SELECT name, last_version, compatibility, owner FROM schemareg.names ORDER BY name;
-- Bound again, the records naming shop/customer:2 are checked and counted.
SET ROLE regress_export_alice;
SELECT schemareg.attach('customers', 'doc', 'sch');
RESET ROLE;
SELECT name || ':' || version AS ref, ref_count FROM schemareg.schemas ORDER BY name, version;
SELECT outcome($$INSERT INTO customers VALUES (4, '{"name": 4}', 'shop/customer:2')$$);
SELECT * FROM schemareg.check();
-- Numbers go on where they were, policy included.
SELECT outcome($$SELECT schemareg.revise_schema('shop/customer:2', '{"type": "object", "required": ["name", "age"]}')$$);
SELECT (schemareg.revise_schema('shop/customer:2', '{"type": "object", "required": ["name"]}')).version;
SET ROLE regress_export_alice;
SELECT (schemareg.create_schema('shop/old', '{}')).version;
RESET ROLE;
SELECT schemareg.delete_schema('shop/customer:4');

-- Importing the same document again changes nothing, and says so.
SELECT * FROM schemareg.import((SELECT doc FROM saved));

-- Into a registry that has some of it: what is missing comes, the rest is
-- left as it is.
SELECT * FROM schemareg.import(jsonb_set((SELECT doc FROM saved), '{names}', ((SELECT doc FROM saved) -> 'names')
    || '[{"name": "shop/extra", "owner": "regress_export_bob", "versions": [
          {"version": 1, "definition": {"$ref": "shop/address:2"}, "uses": ["shop/address:2"]}]}]'));
SELECT name, version, owner FROM schemareg.schemas ORDER BY name, version;

-- All or nothing: a conflict anywhere leaves everything as it was.
CREATE TABLE before AS SELECT schemareg.export() AS doc;
SELECT outcome($$SELECT * FROM schemareg.import(jsonb_set((SELECT doc FROM saved),
                 '{names,1,versions,1,definition}', '{"type": "object", "title": "other"}') #- '{names,1,versions,1,hash}')$$);
SELECT outcome($$SELECT * FROM schemareg.import(jsonb_set((SELECT doc FROM saved),
                 '{names,0,versions,0,public}', 'false'))$$);
SELECT outcome($$SELECT * FROM schemareg.import(jsonb_set((SELECT doc FROM saved),
                 '{names,1,compatibility}', '"FULL"'))$$);
SELECT outcome($$SELECT * FROM schemareg.import(jsonb_set((SELECT doc FROM saved),
                 '{names,1,owner}', '"regress_export_bob"'))$$);
-- A number this registry deleted is not given again.
SELECT outcome($$SELECT * FROM schemareg.import('{"format": "schemareg-export", "version": 1, "names": [
    {"name": "shop/customer", "owner": "regress_export_alice", "compatibility": "BACKWARD", "versions": [
     {"version": 3, "definition": {"type": "object"}, "uses": []}]}]}')$$);
SELECT schemareg.export() = (SELECT doc FROM before) AS unchanged;

-- Roles by name: a missing one is 42704; role_map names another.
SELECT outcome($$SELECT * FROM schemareg.import('{"format": "schemareg-export", "version": 1, "names": [
    {"name": "far/thing", "owner": "regress_export_nobody", "versions": [
     {"version": 3, "definition": {"type": "string"}, "uses": []}]}]}')$$);
SELECT * FROM schemareg.import('{"format": "schemareg-export", "version": 1, "names": [
    {"name": "far/thing", "owner": "regress_export_nobody", "last_version": 5, "versions": [
     {"version": 3, "definition": {"type": "string"}, "uses": [], "public": true}]}]}',
    role_map => '{"regress_export_nobody": "regress_export_bob"}');
SELECT name, version, owner, created_by, public, dialect FROM schemareg.schemas WHERE name = 'far/thing';
SELECT name, last_version, compatibility, owner FROM schemareg.names WHERE name = 'far/thing';

DROP TABLE before;
CREATE TABLE before AS SELECT schemareg.export() AS doc;

-- Each definition is checked as registration checks it, in its dialect.
SELECT outcome($$SELECT * FROM schemareg.import('{"format": "schemareg-export", "version": 1, "names": [
    {"name": "bad/meta", "owner": "postgres", "versions": [
     {"version": 1, "definition": {"type": 12}, "uses": []}]}]}')$$);
SELECT outcome($$SELECT * FROM schemareg.import('{"format": "schemareg-export", "version": 1, "names": [
    {"name": "bad/ref", "owner": "postgres", "versions": [
     {"version": 1, "definition": {"$ref": "https://example.com/nowhere"}, "uses": []}]}]}')$$);
SELECT outcome($$SELECT * FROM schemareg.import('{"format": "schemareg-export", "version": 1, "names": [
    {"name": "bad/uses", "owner": "postgres", "versions": [
     {"version": 1, "definition": {"$ref": "https://example.com/address"}, "uses": []}]}]}')$$);
SELECT outcome($$SELECT * FROM schemareg.import('{"format": "schemareg-export", "version": 1, "names": [
    {"name": "bad/pin", "owner": "postgres", "versions": [
     {"version": 1, "definition": {"$ref": "shop/address:2"}, "uses": ["shop/address:1"]}]}]}')$$);
SELECT outcome($$SELECT * FROM schemareg.import('{"format": "schemareg-export", "version": 1, "names": [
    {"name": "bad/missing", "owner": "postgres", "versions": [
     {"version": 1, "definition": {"$ref": "gone/thing:1"}, "uses": ["gone/thing:1"]}]}]}')$$);
SELECT outcome($$SELECT * FROM schemareg.import('{"format": "schemareg-export", "version": 1, "names": [
    {"name": "bad/public", "owner": "regress_export_alice", "versions": [
     {"version": 1, "definition": {"$ref": "shop/customer:2"}, "uses": ["shop/customer:2"], "public": true}]}]}')$$);
SELECT outcome($$SELECT * FROM schemareg.import('{"format": "schemareg-export", "version": 1, "names": [
    {"name": "bad/dialect", "owner": "postgres", "versions": [
     {"version": 1, "definition": {"$schema": "http://json-schema.org/draft-04/schema#"}, "dialect": "draft7", "uses": []}]}]}')$$);
SELECT outcome($$SELECT * FROM schemareg.import('{"format": "schemareg-export", "version": 1, "names": [
    {"name": "bad/id", "owner": "postgres", "versions": [
     {"version": 1, "definition": {"$id": "https://example.com/address"}, "uses": []}]}]}')$$);
SELECT schemareg.export() = (SELECT doc FROM before) AS unchanged;
-- A version that uses another of the same document comes after it,
-- whatever their order there.
SELECT * FROM schemareg.import('{"format": "schemareg-export", "version": 1, "names": [
    {"name": "a/user", "owner": "postgres", "versions": [
     {"version": 1, "definition": {"$ref": "https://example.com/z"}, "uses": ["z/used:2"]}]},
    {"name": "z/used", "owner": "postgres", "versions": [
     {"version": 2, "definition": {"$id": "https://example.com/z", "type": "integer"}, "uses": []}]}]}');
SELECT * FROM schemareg.schema_dependencies WHERE ref = 'a/user:1';
DROP TABLE before;
CREATE TABLE before AS SELECT schemareg.export() AS doc;

-- The document's shape: 22023 naming what is wrong.
SELECT d AS document, outcome(format('SELECT * FROM schemareg.import(%L)', d)) FROM (VALUES
    ('[]'),
    ('{"format": "other", "version": 1, "names": []}'),
    ('{"format": "schemareg-export", "version": 2, "names": []}'),
    ('{"format": "schemareg-export", "version": 1}'),
    ('{"format": "schemareg-export", "version": 1, "names": [1]}'),
    ('{"format": "schemareg-export", "version": 1, "names": [{"name": "a b", "owner": "postgres", "versions": []}]}'),
    ('{"format": "schemareg-export", "version": 1, "names": [{"name": "a:1", "owner": "postgres", "versions": []}]}'),
    ('{"format": "schemareg-export", "version": 1, "names": [{"name": "a", "owner": "postgres", "versions": [], "last_version": 1},
                                                            {"name": "a", "owner": "postgres", "versions": [], "last_version": 1}]}'),
    ('{"format": "schemareg-export", "version": 1, "names": [{"name": "a", "versions": []}]}'),
    ('{"format": "schemareg-export", "version": 1, "names": [{"name": "a", "owner": "postgres", "versions": []}]}'),
    ('{"format": "schemareg-export", "version": 1, "names": [{"name": "a", "owner": "postgres", "compatibility": "SOME", "versions": []}]}'),
    ('{"format": "schemareg-export", "version": 1, "names": [{"name": "a", "owner": "postgres", "versions": {}}]}'),
    ('{"format": "schemareg-export", "version": 1, "names": [{"name": "a", "owner": "postgres", "last_version": 1,
        "versions": [{"version": 2, "definition": {}, "uses": []}]}]}'),
    ('{"format": "schemareg-export", "version": 1, "names": [{"name": "a", "owner": null,
        "versions": [{"version": 2, "definition": {}, "uses": []}]}]}'),
    ('{"format": "schemareg-export", "version": 1, "names": [{"name": "a", "owner": "postgres",
        "versions": [{"version": 0, "definition": {}, "uses": []}]}]}'),
    ('{"format": "schemareg-export", "version": 1, "names": [{"name": "a", "owner": "postgres",
        "versions": [{"version": 2, "definition": {}, "uses": []}, {"version": 1, "definition": {}, "uses": []}]}]}'),
    ('{"format": "schemareg-export", "version": 1, "names": [{"name": "a", "owner": "postgres",
        "versions": [{"version": 1, "definition": 7, "uses": []}]}]}'),
    ('{"format": "schemareg-export", "version": 1, "names": [{"name": "a", "owner": "postgres",
        "versions": [{"version": 1, "definition": {}, "hash": "00", "uses": []}]}]}'),
    ('{"format": "schemareg-export", "version": 1, "names": [{"name": "a", "owner": "postgres",
        "versions": [{"version": 1, "definition": {}, "dialect": "draft5", "uses": []}]}]}'),
    ('{"format": "schemareg-export", "version": 1, "names": [{"name": "a", "owner": "postgres",
        "versions": [{"version": 1, "definition": {}, "public": "yes", "uses": []}]}]}'),
    ('{"format": "schemareg-export", "version": 1, "names": [{"name": "a", "owner": "postgres",
        "versions": [{"version": 1, "definition": {}, "created_at": "yesterday-ish", "uses": []}]}]}'),
    ('{"format": "schemareg-export", "version": 1, "names": [{"name": "a", "owner": "postgres",
        "versions": [{"version": 1, "definition": {}}]}]}'),
    ('{"format": "schemareg-export", "version": 1, "names": [{"name": "a", "owner": "postgres",
        "versions": [{"version": 1, "definition": {}, "uses": ["b"]}]}]}'),
    ('{"format": "schemareg-export", "version": 1, "names": [{"name": "a", "owner": "postgres",
        "versions": [{"version": 1, "definition": {}, "uses": [], "backend": "elsewhere"}]}]}')
) AS t(d);
SELECT outcome($$SELECT * FROM schemareg.import(NULL)$$);
SELECT outcome($$SELECT * FROM schemareg.import('{"format": "schemareg-export", "version": 1, "names": []}', '[]')$$);
SELECT schemareg.export() = (SELECT doc FROM before) AS unchanged;

-- Versions not "exists" are left out, with a WARNING; their numbers are kept.
SET schemareg.fail_backend_steps = 'create';
SELECT (schemareg.create_schema('shop/pending', '{}', backend => 'faulty')).status;
RESET schemareg.fail_backend_steps;
SELECT jsonb_path_query(schemareg.export(), '$.names[*] ? (@.name == "shop/pending")') AS entry;

-- Admins only: the others get 42501, and learn nothing.
SET ROLE regress_export_alice;
SELECT outcome($$SELECT schemareg.export()$$);
SELECT outcome($$SELECT * FROM schemareg.import('{"format": "schemareg-export", "version": 1, "names": []}')$$);
RESET ROLE;

\c schemareg_regress
DROP DATABASE regress_export;
DROP ROLE regress_export_alice, regress_export_bob;
