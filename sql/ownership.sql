-- Ownership and visibility: three roles (one of them an admin) and a member
-- of one of them, trying every function on each other's public and private
-- schemas.
\pset null '(null)'
SET client_min_messages = warning;
CREATE ROLE regress_alice;
CREATE ROLE regress_bob;
CREATE ROLE regress_carol IN ROLE schemareg_admin;
CREATE ROLE regress_dave IN ROLE regress_alice;
GRANT CREATE ON SCHEMA public TO regress_alice, regress_bob;

-- Runs a statement that yields one value as a role and undoes whatever it
-- did: 'ok <value>', or the SQLSTATE of its error (with the message when
-- `with_message`).
CREATE FUNCTION public.try_as(who text, statement text, with_message boolean DEFAULT false)
    RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    value text;
    result text;
BEGIN
    EXECUTE format('SET ROLE %I', who);
    BEGIN
        EXECUTE statement INTO value;
        result := 'ok ' || coalesce(value, '(null)');
        RAISE EXCEPTION 'undo';
    EXCEPTION WHEN OTHERS THEN
        IF SQLERRM <> 'undo' THEN
            result := SQLSTATE || CASE WHEN with_message THEN ' ' || SQLERRM ELSE '' END;
        END IF;
    END;
    RESET ROLE;
    RETURN result;
END
$$;

-- Each owner's schemas: one public, one private (with an $id).
SET ROLE regress_alice;
SELECT name, owner, created_by, public
  FROM schemareg.create_schema('own/alice-pub', '{"type": "object", "properties": {"n": {"type": "integer"}}}',
                               public => true);
SELECT name, owner, public
  FROM schemareg.create_schema('own/alice-priv', '{"$id": "https://example.org/alice/private", "type": "object"}');
SET ROLE regress_bob;
SELECT name, owner, public FROM schemareg.create_schema('own/bob-priv', '{"type": "object"}');
RESET ROLE;

-- A superuser validates first, so that the others below meet cached entries.
SELECT schemareg.validate_record('own/alice-priv:1', '{}') AND schemareg.validate_record('own/bob-priv:1', '{}')
       AS cached;

-- Every function, by every role, on each schema. alice owns alice-*, dave is
-- a member of alice, carol is an admin, bob owns bob-priv. Whatever
-- succeeds is undone.
WITH actors(actor) AS (VALUES ('regress_alice'), ('regress_bob'), ('regress_carol'), ('regress_dave')),
     targets(target) AS (VALUES ('own/alice-pub:1'), ('own/alice-priv:1'), ('own/bob-priv:1')),
     calls(n, call, statement) AS (VALUES
    (1, 'get_schema', $$SELECT (schemareg.get_schema('%1$s')).name$$),
    (2, 'schemas view', $$SELECT count(*)::text FROM schemareg.schemas WHERE name || ':' || version = '%1$s'$$),
    (3, 'validate_record', $$SELECT schemareg.validate_record('%1$s', '{}')::text$$),
    (4, 'validation_errors', $$SELECT count(*)::text FROM schemareg.validation_errors('%1$s', '1')$$),
    (5, 'assert_valid', $$SELECT schemareg.assert_valid('%1$s', '{}')::text$$),
    (6, 'schema_history', $$SELECT count(*)::text FROM schemareg.schema_history(split_part('%1$s', ':', 1))$$),
    (7, 'uses', $$SELECT count(*)::text FROM schemareg.uses('%1$s')$$),
    (8, 'used_by', $$SELECT count(*)::text FROM schemareg.used_by('%1$s')$$),
    (9, 'bundle', $$SELECT schemareg.bundle('%1$s') ->> 'schema'$$),
    (10, 'compare', $$SELECT count(*)::text FROM schemareg.compare('%1$s', '%1$s')$$),
    (11, 'use in a $ref', $$SELECT (schemareg.create_schema('own/user', '{"$ref": "%1$s"}')).owner::text$$),
    (12, 'create same name', $$SELECT (schemareg.create_schema(split_part('%1$s', ':', 1), '{"type": "array"}')).version::text$$),
    (13, 'revise_schema', $$SELECT (schemareg.revise_schema('%1$s', '{"type": "object", "title": "v2"}')).owner::text$$),
    (14, 'update_schema', $$SELECT (schemareg.update_schema('%1$s', '{"type": "object", "title": "edited"}')).version::text$$),
    (15, 'set_compatibility', $$SELECT schemareg.set_compatibility(split_part('%1$s', ':', 1), 'BACKWARD')::text$$),
    (16, 'delete_schema', $$SELECT schemareg.delete_schema('%1$s')::text$$))
SELECT target, call,
       max(CASE WHEN actor = 'regress_alice' THEN result END) AS alice,
       max(CASE WHEN actor = 'regress_dave' THEN result END) AS dave,
       max(CASE WHEN actor = 'regress_bob' THEN result END) AS bob,
       max(CASE WHEN actor = 'regress_carol' THEN result END) AS carol
  FROM (SELECT target, n, call, actor, public.try_as(actor, format(statement, target)) AS result
          FROM actors, targets, calls) AS tried
 GROUP BY target, n, call
 ORDER BY target, n;

-- An invisible schema and one that does not exist give the same error.
SELECT public.try_as('regress_bob', $$SELECT schemareg.get_schema('own/alice-priv:1')::text$$, true) AS invisible,
       public.try_as('regress_bob', $$SELECT schemareg.get_schema('own/nothing:1')::text$$, true) AS missing;
SELECT public.try_as('regress_bob', $$SELECT schemareg.validate_record('own/alice-priv', '{}')::text$$, true) AS invisible,
       public.try_as('regress_bob', $$SELECT schemareg.validate_record('own/nothing', '{}')::text$$, true) AS missing;
SELECT public.try_as('regress_bob', $$SELECT schemareg.create_schema('own/bob-x', '{"$ref": "own/alice-priv:1"}')::text$$, true) AS invisible,
       public.try_as('regress_bob', $$SELECT schemareg.create_schema('own/bob-x', '{"$ref": "own/nothing:1"}')::text$$, true) AS missing;
SELECT public.try_as('regress_bob', $$SELECT schemareg.create_schema('own/bob-x', '{"$ref": "https://example.org/alice/private"}')::text$$, true) AS invisible,
       public.try_as('regress_bob', $$SELECT schemareg.create_schema('own/bob-x', '{"$ref": "https://example.org/nothing"}')::text$$, true) AS missing;
SELECT public.try_as('regress_bob', $$SELECT schemareg.delete_schema('own/alice-priv:1')::text$$, true) AS invisible,
       public.try_as('regress_bob', $$SELECT schemareg.delete_schema('own/nothing:1')::text$$, true) AS missing;

-- What a name or an $id that is taken by someone else's private schema says
-- (no more than that it is taken), and what the owner is told.
SELECT public.try_as('regress_bob', $$SELECT schemareg.create_schema('own/alice-priv', '{}')::text$$, true);
SELECT public.try_as('regress_bob', $$SELECT schemareg.create_schema('own/bob-id', '{"$id": "https://example.org/alice/private"}')::text$$, true);
SELECT public.try_as('regress_alice', $$SELECT schemareg.create_schema('own/alice-id', '{"$id": "https://example.org/alice/private"}')::text$$, true);
SELECT public.try_as('regress_bob', $$SELECT schemareg.revise_schema('own/alice-pub:1', '{}')::text$$, true);

-- A public schema may use public schemas only: everyone may read it and all it uses.
SELECT public.try_as('regress_alice', $$SELECT schemareg.create_schema('own/alice-pub2', '{"$ref": "own/alice-priv:1"}', public => true)::text$$, true);
SELECT public.try_as('regress_alice', $$SELECT (schemareg.create_schema('own/alice-pub2', '{"$ref": "own/alice-pub:1"}', public => true)).public::text$$, true);

-- What each role sees in the views.
SET ROLE regress_alice;
SELECT (schemareg.create_schema('own/alice-uses-priv', '{"$ref": "own/alice-priv:1"}')).name;
SET ROLE regress_dave;
SELECT (schemareg.create_schema('own/dave-uses-pub', '{"$ref": "own/alice-pub:1"}')).owner;
SET ROLE regress_bob;
SELECT name, version, owner FROM schemareg.schemas WHERE name LIKE 'own/%' ORDER BY name;
SELECT * FROM schemareg.schema_dependencies WHERE ref LIKE 'own/%' ORDER BY ref;
-- A function of the query sees no row the role may not see (security_barrier).
CREATE TEMP TABLE peeked (name text);
CREATE FUNCTION public.peek(text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS $$
BEGIN
    INSERT INTO peeked VALUES ($1);
    RETURN true;
END
$$;
SELECT count(*) FROM schemareg.schemas WHERE public.peek(name) AND name LIKE 'own/%';
SELECT name FROM peeked WHERE name LIKE 'own/%' ORDER BY name;
SET ROLE regress_dave;
SELECT name, version, owner FROM schemareg.schemas WHERE name LIKE 'own/%' ORDER BY name;
SELECT * FROM schemareg.schema_dependencies WHERE ref LIKE 'own/%' ORDER BY ref;
RESET ROLE;
-- A refusal names the schema that uses the version only to those who may see it.
SELECT public.try_as('regress_alice', $$SELECT schemareg.delete_schema('own/alice-priv:1')::text$$, true);
SELECT public.try_as('regress_alice', $$SELECT schemareg.delete_schema('own/alice-pub:1')::text$$, true);
SELECT public.try_as('regress_carol', $$SELECT schemareg.delete_schema('own/alice-pub:1')::text$$, true);
SELECT public.try_as('regress_alice', $$SELECT count(*)::text FROM schemareg.used_by('own/alice-pub:1')$$) AS alice_sees,
       public.try_as('regress_dave', $$SELECT count(*)::text FROM schemareg.used_by('own/alice-pub:1')$$) AS dave_sees;

-- The registry's tables and internal functions are closed to ordinary roles.
SELECT call, public.try_as('regress_bob', statement, true) AS bob
  FROM (VALUES
    ('insert a version', $$INSERT INTO schemareg.schema_versions (name, version, definition, dialect, hash, status, owner, created_by)
                          VALUES ('own/forged', 1, '{}', 'draft7', '\x00', 'exists', 'regress_bob', 'regress_bob') RETURNING name$$),
    ('make one public', $$UPDATE schemareg.schema_versions SET public = true RETURNING name$$),
    ('read the table', $$SELECT count(*)::text FROM schemareg.schema_versions$$),
    ('zero the counts', $$UPDATE schemareg.record_counts SET n = 0 RETURNING n::text$$),
    ('drop a binding', $$DELETE FROM schemareg.bindings RETURNING tbl::text$$),
    ('policy directly', $$UPDATE schemareg.names SET compatibility = 'NONE' RETURNING name$$),
    ('implementation', $$SELECT (schemareg._do_get_schema('regress_alice'::regrole, 'own/alice-priv:1')).name$$),
    ('run as another', $$SELECT schemareg._run_as('regress_alice'::regrole, 'SELECT 1')::text$$),
    ('version lock', $$SELECT schemareg._lock_version(1)::text$$),
    ('recount', $$SELECT count(*)::text FROM schemareg.recount()$$),
    ('reconcile', $$SELECT count(*)::text FROM schemareg.reconcile()$$)) AS t(call, statement);
SELECT public.try_as('regress_carol', $$SELECT count(*)::text FROM schemareg.recount()$$) AS admin_recount,
       public.try_as('regress_carol', $$SELECT count(*)::text FROM schemareg.reconcile()$$) AS admin_reconcile;

-- Tables: only their owner binds them; rows may name the schemas their writer
-- may use; counts stay exact whoever writes.
SET ROLE regress_alice;
CREATE TABLE public.alice_docs (id int PRIMARY KEY, doc jsonb, kind text);
GRANT SELECT, INSERT, UPDATE, DELETE ON public.alice_docs TO regress_bob;
RESET ROLE;
SELECT public.try_as('regress_bob', $$SELECT schemareg.attach('public.alice_docs', 'doc', 'kind')::text$$, true) AS bob_binds;
SET ROLE regress_alice;
SELECT schemareg.attach('public.alice_docs', 'doc', 'kind');
INSERT INTO public.alice_docs VALUES (1, '{"n": 1}', 'own/alice-pub'), (2, '{}', 'own/alice-priv:1');
SET ROLE regress_bob;
INSERT INTO public.alice_docs VALUES (3, '{"n": 3}', 'own/alice-pub:1');
SELECT outcome($$INSERT INTO public.alice_docs VALUES (4, '{}', 'own/alice-priv:1')$$);
SELECT outcome($$UPDATE public.alice_docs SET kind = 'own/alice-priv:1' WHERE id = 3$$);
SELECT outcome($$DELETE FROM public.alice_docs WHERE id = 3$$);
-- Taking away a row that names a schema the writer may not see is allowed.
SELECT outcome($$DELETE FROM public.alice_docs WHERE id = 2$$);
SET ROLE regress_alice;
INSERT INTO public.alice_docs VALUES (2, '{}', 'own/alice-priv:1');
SET ROLE regress_bob;
SELECT outcome($$SELECT schemareg.detach('public.alice_docs')$$);
CREATE TABLE public.bob_docs (id int PRIMARY KEY, doc jsonb, kind text);
SELECT schemareg.attach('public.bob_docs', 'doc', 'kind');
INSERT INTO public.bob_docs VALUES (1, '{"n": 1}', 'own/alice-pub:1'), (2, '{}', 'own/bob-priv');
SELECT outcome($$INSERT INTO public.bob_docs VALUES (3, '{}', 'own/alice-priv:1')$$);
TRUNCATE public.bob_docs;
INSERT INTO public.bob_docs VALUES (1, '{"n": 1}', 'own/alice-pub:1');
SELECT tbl, records FROM schemareg.bound_tables WHERE tbl::text LIKE '%_docs' ORDER BY tbl::text;
RESET ROLE;
SELECT name || ':' || version AS ref, ref_count FROM schemareg.schemas
 WHERE name LIKE 'own/%' AND ref_count > 0 ORDER BY 1;
SELECT * FROM schemareg.recount();
-- alice cannot delete a schema bob's records use.
SELECT public.try_as('regress_alice', $$SELECT schemareg.delete_schema('own/alice-pub:1')::text$$, true);

-- An admin's revision keeps the schema's owner and records who made it.
SET ROLE regress_carol;
SELECT (schemareg.revise_schema('own/alice-priv:1', '{"type": "object", "title": "by carol"}')).version;
RESET ROLE;
SELECT ref, owner, created_by FROM schemareg.schema_history('own/alice-priv');

-- A member that lost its membership no longer sees through its own schema
-- into the one it used then.
SET ROLE regress_dave;
SELECT (schemareg.create_schema('own/dave-uses-priv', '{"type": "object", "properties": {"x": {"$ref": "own/alice-priv:1"}}}')).name;
SELECT * FROM schemareg.uses('own/dave-uses-priv:1');
SELECT count(*) AS fields FROM schemareg.fields('own/dave-uses-priv:1');
RESET ROLE;
REVOKE regress_alice FROM regress_dave;
SET ROLE regress_dave;
SELECT * FROM schemareg.uses('own/dave-uses-priv:1');
SELECT * FROM schemareg.fields('own/dave-uses-priv:1');
SELECT outcome($$SELECT schemareg.bundle('own/dave-uses-priv:1')$$);
RESET ROLE;
SELECT schemareg.delete_schema('own/dave-uses-priv:1');

-- Clean up: tables, schemas, roles.
DROP TABLE public.alice_docs, public.bob_docs;
SELECT count(*) FILTER (WHERE schemareg.delete_schema(ref)) AS deleted
  FROM (VALUES ('own/alice-uses-priv:1'), ('own/dave-uses-pub:1'), ('own/alice-pub2:1'), ('own/alice-pub:1'), ('own/alice-priv:2'),
               ('own/alice-priv:1'), ('own/bob-priv:1')) AS t(ref);
SELECT count(*) AS left_over FROM schemareg.schemas WHERE name LIKE 'own/%';
DROP FUNCTION public.try_as(text, text, boolean);
DROP FUNCTION public.peek(text);
DROP TABLE peeked;
REVOKE CREATE ON SCHEMA public FROM regress_alice, regress_bob;
DROP ROLE regress_alice, regress_bob, regress_carol, regress_dave;
RESET client_min_messages;
