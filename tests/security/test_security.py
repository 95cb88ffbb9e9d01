"""Security suite (issue 10): every attack runs AS THE ATTACKER, on a
connection of that role, and the test asserts the refusal (exact SQLSTATE)
and that nothing changed: no sec_* role became superuser, every version's
stored count equals a count taken by hand, and alice's private content never
reaches the attacker (results, errors with detail/hint/context, NOTICEs,
EXPLAIN output).

Roles (cluster-wide, made here if missing): sec_alice, sec_bob (CREATE on
public and on his schema sec_bob), sec_carol (member of schemareg_admin).
Every test starts from a fresh database schemareg_security with the
extension created by the superuser postgres.

Run: /usr/bin/python3 -m unittest tests/security/test_security.py -v
Connection: libpq environment (PGHOST, PGPORT, PGUSER=postgres); the cluster
must trust the sec_* roles (as scripts/cluster.sh's does).
"""

import json
import re
import threading
import time
import unittest

import psycopg
from psycopg import sql

DB = "schemareg_security"
ROLES = ("sec_alice", "sec_bob", "sec_carol")
# Alice's private content: none of these may ever reach bob.
MARKERS = ("SECRETPATTERN", "SECRETENUM", "secretprop", "424242")
SECRET = {"type": "object", "required": ["secretprop"],
          "properties": {"secretprop": {"type": "string", "pattern": "^SECRETPATTERN[0-9]+$"},
                         "kind": {"enum": ["SECRETENUM", "other"]},
                         "n": {"type": "number", "minimum": 424242}}}
ALICE_DOC = {"secretprop": "SECRETPATTERN1", "kind": "SECRETENUM", "n": 500000}
REF_RE = re.compile(r"^([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*):([0-9]+)$")
J = json.dumps


def _admin():
    return psycopg.connect(dbname="postgres", autocommit=True)


def setUpModule():
    with _admin() as conn:
        for role in ROLES:
            if conn.execute("SELECT FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is None:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    fresh_database()
    with _admin() as conn:  # schemareg_admin exists now (CREATE EXTENSION made it)
        conn.execute("GRANT schemareg_admin TO sec_carol")


def tearDownModule():
    with _admin() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB)))
        for role in ROLES:
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def fresh_database():
    with _admin() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB)))
        for role in ROLES:
            conn.execute(sql.SQL("ALTER ROLE {} NOSUPERUSER").format(sql.Identifier(role)))
    with psycopg.connect(dbname=DB, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION schemareg")
        conn.execute("CREATE SCHEMA sec_bob AUTHORIZATION sec_bob")
        conn.execute("GRANT CREATE ON SCHEMA public TO sec_alice, sec_bob")


def _diag_texts(diag):
    return [t for t in (diag.message_primary, diag.message_detail, diag.message_hint,
                        diag.context, diag.internal_query) if t]


class Session:
    """A connection as one role. Everything the role is shown (rows, errors
    with detail/hint/context, NOTICEs) is checked for alice's markers as it
    arrives; the last texts are kept for messages."""

    def __init__(self, role, watch):
        self.role, self.watch, self.seen, self.leaks = role, watch, [], []
        # A hang fails its test instead of the run.
        self.conn = psycopg.connect(dbname=DB, user=role, autocommit=True,
                                    options="-c statement_timeout=120s")
        self.conn.add_notice_handler(lambda d: self.saw(*_diag_texts(d)))

    def saw(self, *texts):
        for text in texts:
            if self.watch:
                self.leaks.extend((m, text[:300]) for m in MARKERS if m.lower() in text.lower())
            self.seen.append(text[:2000])
        del self.seen[:-20]

    def run(self, query, params=None):
        try:
            cur = self.conn.execute(query, params)
            rows = cur.fetchall() if cur.description else []
        except psycopg.Error as e:
            self.saw(str(e), *(_diag_texts(e.diag) if e.diag is not None else []))
            raise
        self.saw(repr(rows))
        return rows

    def one(self, query, params=None):
        return self.run(query, params)[0][0]

    def attempt(self, query, params=None):
        """None when it succeeded, else its SQLSTATE."""
        try:
            self.run(query, params)
            return None
        except psycopg.Error as e:
            return e.sqlstate


class SecCase(unittest.TestCase):
    """Fresh database per test; alice's private schema alice/secret (in use
    by her bound table public.apay, 3 rows), alice/unused (private, unused),
    alice/pub (public); bob's public bob/s and his bound table sec_bob.t
    (3 rows on bob/s:1, a column notes)."""

    def setUp(self):
        self.sessions = []
        self.fresh()

    def tearDown(self):
        self.close_all()

    def close_all(self):
        for s in self.sessions:
            s.conn.close()
        self.sessions = []

    def fresh(self):
        self.close_all()
        fresh_database()
        self.su = self.session("postgres", watch=False)
        self.alice = self.session("sec_alice")
        self.bob = self.session("sec_bob")
        self.carol = self.session("sec_carol")
        self.base_fixture()

    def session(self, role, watch=None):
        s = Session(role, role == "sec_bob" if watch is None else watch)
        self.sessions.append(s)
        return s

    def base_fixture(self):
        a, b = self.alice, self.bob
        self.create(a, "alice/secret", SECRET)
        self.create(a, "alice/unused", {"type": "object", "properties": {"secretprop": {"minimum": 424242}}})
        self.create(a, "alice/pub", {"type": "object"}, public=True)
        self.bound_table(a, "public.apay", "alice/secret:1", [ALICE_DOC] * 3)
        self.create(b, "bob/s", {"type": "object"}, public=True)
        b.run("CREATE TABLE sec_bob.t (id int, doc jsonb, sch text, notes text)")
        b.run("SELECT schemareg.attach('sec_bob.t', 'doc', 'sch')")
        b.run("INSERT INTO sec_bob.t SELECT g, '{\"n\": 1, \"kind\": \"zzz\"}', 'bob/s:1', 'x' "
              "FROM generate_series(1, 3) g")

    # -- small helpers -------------------------------------------------
    def create(self, s, name, definition, public=False):
        return s.run("SELECT version FROM schemareg.create_schema(%s, %s::jsonb, public => %s)",
                     (name, J(definition), public))[0][0]

    def bound_table(self, s, tbl, ref, docs, follow_latest=False):
        s.run(f"CREATE TABLE {tbl} (id int, doc jsonb, sch text)")
        s.run(f"SELECT schemareg.attach('{tbl}', 'doc', 'sch', follow_latest => {follow_latest})")
        for i, d in enumerate(docs):
            s.run(f"INSERT INTO {tbl} VALUES (%s, %s::jsonb, %s)", (i + 1, J(d), ref))

    def new(self, role):
        """A new session (a new backend) as role."""
        return self.session(role)

    def call_ok(self, s, query, params=None):
        state = s.attempt(query, params)
        self.assertIsNone(state, f"{s.role}: {query} failed with {state}: {s.seen[-3:]}")

    def rolsuper(self):
        return dict(self.su.run("SELECT rolname, rolsuper FROM pg_roles WHERE rolname LIKE 'sec\\_%' "
                                "ORDER BY 1"))

    def assert_no_superuser(self):
        self.assertEqual(self.rolsuper(), {r: False for r in ROLES})

    def reset_superuser(self):
        for r in ROLES:
            self.su.run(sql.SQL("ALTER ROLE {} NOSUPERUSER").format(sql.Identifier(r)))

    def assert_no_leak(self):
        """No marker of alice's private schemas in anything bob was shown."""
        leaks = [leak for s in self.sessions for leak in s.leaks]
        self.assertEqual(leaks, [], "bob was shown alice's private content")

    def hand_counts(self):
        """{version id: rows naming name:version}, counted by each bound
        leaf's owner (the superuser would plan the owner's expressions)."""
        versions = {(n, v): i for i, n, v in
                    self.su.run("SELECT id, name, version FROM schemareg.schema_versions")}
        leaves = self.su.run(
            "SELECT c.oid::regclass::text, b.schema_column, o.rolname FROM schemareg.bindings b,"
            " LATERAL (SELECT b.tbl::oid AS relid UNION SELECT p.relid FROM pg_partition_tree(b.tbl) p) t,"
            " pg_class c, pg_roles o WHERE c.oid = t.relid AND c.relkind = 'r' AND o.oid = c.relowner")
        counts, owners = {}, {}
        for leaf, col, owner in leaves:
            if owner not in owners:
                owners[owner] = self.session(owner, watch=False)
            rows = owners[owner].run(sql.SQL("SELECT {c}, count(*) FROM ONLY {t} WHERE {c} IS NOT NULL "
                                             "GROUP BY 1").format(c=sql.Identifier(col),
                                                                  t=sql.SQL(leaf)))
            for ref, n in rows:
                m = REF_RE.match(ref)
                if m and (m.group(1), int(m.group(2))) in versions:
                    vid = versions[(m.group(1), int(m.group(2)))]
                    counts[vid] = counts.get(vid, 0) + n
        return counts

    def stored_counts(self):
        return {i: n for i, n in self.su.run(
            "SELECT schema_id, sum(n)::bigint FROM schemareg.record_counts GROUP BY 1")}

    def assert_counts_exact(self):
        stored, hand = self.stored_counts(), self.hand_counts()
        negative = self.su.run("SELECT schema_id, tbl::text, sum(n) FROM schemareg.record_counts "
                               "GROUP BY 1, 2 HAVING sum(n) < 0")
        self.assertEqual(negative, [], "a stored count is negative")
        for vid in set(stored) | set(hand):
            self.assertEqual(stored.get(vid, 0), hand.get(vid, 0),
                             f"version id {vid}: stored count vs hand count")

    def snapshot(self, *tables):
        """What must not change under a refused attack (read as the superuser)."""
        return {
            "rolsuper": self.rolsuper(),
            "bindings": self.su.run("SELECT tbl::text, record_column, schema_column, mode, errors_column,"
                                    " follow_latest FROM schemareg.bindings ORDER BY 1"),
            "alice": self.su.run("SELECT name, version, definition::text, public, status"
                                 " FROM schemareg.schema_versions WHERE owner = 'sec_alice'::regrole"
                                 " ORDER BY 1, 2"),
            "counts": self.su.run("SELECT v.name || ':' || v.version, coalesce(sum(c.n), 0)::bigint"
                                  " FROM schemareg.schema_versions v LEFT JOIN schemareg.record_counts c"
                                  " ON c.schema_id = v.id GROUP BY 1 ORDER BY 1"),
            "columns": [self.su.run("SELECT attname, atttypid::regtype::text FROM pg_attribute"
                                    " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped"
                                    " ORDER BY attnum", (t,)) for t in tables],
        }

    def assert_unchanged(self, before, *tables):
        self.assertEqual(self.snapshot(*tables), before)
        self.assert_counts_exact()
        self.assert_no_leak()

    def ref_count(self, s, ref):
        return s.one("SELECT ref_count FROM schemareg.get_schema(%s)", (ref,))

    def disable_triggers_by_catalog(self, tbl):
        """Superuser-only test set-up: the schemareg triggers of tbl disabled
        through the catalog (a 0.1.0-like state). New backends see it."""
        self.su.run("UPDATE pg_trigger SET tgenabled = 'D' WHERE tgrelid = %s::regclass"
                    " AND tgname LIKE '~schemareg%%'", (tbl,))

    def enable_triggers_by_catalog(self, tbl):
        self.su.run("UPDATE pg_trigger SET tgenabled = 'A' WHERE tgrelid = %s::regclass"
                    " AND tgname LIKE '~schemareg%%'", (tbl,))


EVIL = r"""
CREATE TABLE sec_bob.log (cur text, sess text);
GRANT USAGE ON SCHEMA sec_bob TO PUBLIC;
GRANT INSERT ON sec_bob.log TO PUBLIC;
CREATE FUNCTION sec_bob.evil() RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    BEGIN INSERT INTO sec_bob.log VALUES (current_user, session_user);
    EXCEPTION WHEN OTHERS THEN NULL; END;
    BEGIN EXECUTE 'ALTER ROLE sec_bob SUPERUSER';
    EXCEPTION WHEN OTHERS THEN NULL; END;
END $$;
CREATE FUNCTION sec_bob.f(int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sec_bob.evil();  -- VOLATILE: it may write and run DDL
    RETURN $1;
END $$;
"""

# The three ways bob's code reaches the planner of whoever reads his table.
EVIL_OBJECTS = {
    "index": "CREATE INDEX ON {t} ((length(sch) + sec_bob.f(1)))",
    "statistics": "CREATE STATISTICS {t}_st ON (sec_bob.f(id) + sec_bob.f(1)) FROM {t}",
    "partial_index": "CREATE INDEX ON {t} (id) WHERE sec_bob.f(id) + sec_bob.f(1) > 0",
}


class Finding01SuperuserTest(SecCase):
    """Finding 1 (critical): bob's IMMUTABLE function in an index expression,
    an extended-statistics expression or an index predicate of his bound
    tables never runs as anyone but sec_bob, whoever touches the table
    (bob's ALTER TABLE, revalidate, migrate, ATTACH PARTITION, attach;
    carol's recount and run_jobs)."""

    def log_users(self):
        return {r[0] for r in self.su.run("SELECT DISTINCT cur FROM sec_bob.log")}

    def build(self, kind):
        b = self.bob
        b.run(EVIL)
        b.run("CREATE TABLE sec_bob.tn (id int, doc jsonb, sch text)")
        b.run("SELECT schemareg.attach('sec_bob.tn', 'doc', 'sch')")
        b.run("INSERT INTO sec_bob.tn VALUES (1, '{}', NULL)")  # rows, but nothing counted
        self.bound_table(b, "sec_bob.tf", "bob/s:1", [{}] * 2, follow_latest=True)
        b.run("CREATE TABLE sec_bob.tp (id int, doc jsonb, sch text) PARTITION BY RANGE (id)")
        b.run("CREATE TABLE sec_bob.tp1 PARTITION OF sec_bob.tp FOR VALUES FROM (0) TO (100)")
        b.run("SELECT schemareg.attach('sec_bob.tp', 'doc', 'sch')")
        b.run("INSERT INTO sec_bob.tp VALUES (1, '{}', 'bob/s:1')")
        b.run("CREATE TABLE sec_bob.ta (id int, doc jsonb, sch text)")
        b.run("INSERT INTO sec_bob.ta VALUES (1, '{}', 'bob/s:1'), (2, '{}', 'bob/s:1')")
        for t in ("sec_bob.t", "sec_bob.tn", "sec_bob.tf", "sec_bob.ta"):
            b.run(EVIL_OBJECTS[kind].format(t=t))
        # CREATE INDEX set reltuples; TRUNCATE resets it, so that a job counts the rows.
        for t, ref in (("sec_bob.t", "bob/s:1"), ("sec_bob.tf", "bob/s:1")):
            b.run(f"TRUNCATE {t}")
            b.run(f"INSERT INTO {t} (id, doc, sch) SELECT g, '{{}}', '{ref}' FROM generate_series(1, 3) g")
        self.assertLessEqual(self.log_users(), {"sec_bob"})
        self.assert_no_superuser()

    def operations(self, kind):
        def alter_statistics():
            s = self.new("sec_bob")
            state = s.attempt("ALTER TABLE sec_bob.tn ALTER COLUMN id SET STATISTICS 100")
            self.assertNotIn(state, ("XX000",), "refusal without a clear SQLSTATE")

        def attach_partition(n, own):
            """A new partition; bob's object on it (own) or only on the partitioned table."""
            s = self.new("sec_bob")
            s.run(f"CREATE TABLE sec_bob.tp{n} (id int, doc jsonb, sch text)")
            s.run(f"INSERT INTO sec_bob.tp{n} VALUES ({n}00, '{{}}', 'bob/s:1'), ({n}01, '{{}}', NULL)")
            if own or kind == "statistics":  # (statistics do not propagate)
                s.run(EVIL_OBJECTS[kind].format(t=f"sec_bob.tp{n}"))
            else:
                s.run(EVIL_OBJECTS[kind].format(t="sec_bob.tp"))
            state = self.new("sec_bob").attempt(f"ALTER TABLE sec_bob.tp ATTACH PARTITION sec_bob.tp{n} "
                                                f"FOR VALUES FROM ({n}00) TO ({n}99)")
            self.assertNotIn(state, ("XX000",), "refusal without a clear SQLSTATE")

        def migrate():
            self.new("sec_bob").run("SELECT schemareg.revise_schema('bob/s:1', '{\"type\": \"object\", "
                                    "\"title\": \"v2\"}')")  # also queues tf's migration
            self.call_ok(self.new("sec_bob"), "CALL schemareg.migrate('sec_bob.t', 'bob/s:2')")

        return [
            ("bob ALTER TABLE SET STATISTICS", alter_statistics),
            ("bob revalidate", lambda: self.call_ok(self.new("sec_bob"),
                                                    "CALL schemareg.revalidate('sec_bob.t')")),
            ("bob migrate", migrate),
            ("bob ATTACH PARTITION (object on the partition)", lambda: attach_partition(2, True)),
            ("bob ATTACH PARTITION (object on the partitioned table)", lambda: attach_partition(3, False)),
            ("carol recount", lambda: self.call_ok(self.new("sec_carol"),
                                                   "SELECT * FROM schemareg.recount()")),
            ("carol run_jobs", lambda: self.call_ok(self.new("sec_carol"), "CALL schemareg.run_jobs()")),
            ("superuser run_jobs", lambda: self.call_ok(self.new("postgres"), "CALL schemareg.run_jobs()")),
            ("bob attach", lambda: self.call_ok(self.new("sec_bob"),
                                                "SELECT schemareg.attach('sec_bob.ta', 'doc', 'sch')")),
        ]

    def run_kind(self, kind):
        self.build(kind)
        for label, op in self.operations(kind):
            with self.subTest(kind=kind, op=label):
                try:
                    op()
                    self.assertEqual(self.rolsuper(), {r: False for r in ROLES}, "a sec_* role is superuser")
                    self.assertLessEqual(self.log_users(), {"sec_bob"}, "bob's code ran as another role")
                finally:
                    # Each operation is judged on its own.
                    self.reset_superuser()
                    self.su.run("DELETE FROM sec_bob.log WHERE cur <> 'sec_bob'")
        with self.subTest(kind=kind, op="counts"):
            self.assert_counts_exact()

    def test_index_expression(self):
        self.run_kind("index")

    def test_statistics_expression(self):
        self.run_kind("statistics")

    def test_partial_index_predicate(self):
        self.run_kind("partial_index")


class Finding02JobErrorsTest(SecCase):
    """Finding 2: bob cannot rename, drop or retype a bound column (2BP01), so
    he cannot point his rows at alice's private schema behind the triggers'
    back and read it from job_errors. (The variant "alice makes her public
    schema private" is skipped: the API has no way to change `public`.)"""

    DDL = ["ALTER TABLE sec_bob.t RENAME COLUMN sch TO sch_old",
           "ALTER TABLE sec_bob.t RENAME COLUMN doc TO doc_old",
           "ALTER TABLE sec_bob.t ALTER COLUMN sch TYPE text USING 'x'",
           "ALTER TABLE sec_bob.t ALTER COLUMN doc TYPE jsonb USING '{}'"]

    def test_bound_column_ddl_refused(self):
        for i, ddl in enumerate(self.DDL):
            if i:
                self.fresh()
            before = self.snapshot("sec_bob.t")
            with self.subTest(ddl=ddl):
                self.assertEqual(self.bob.attempt(ddl), "2BP01")
                self.assert_unchanged(before, "sec_bob.t")

    def test_revalidate_does_not_show_private_schema(self):
        b = self.bob
        renamed = b.attempt("ALTER TABLE sec_bob.t RENAME COLUMN sch TO sch_old")
        if renamed is None:  # the rename went through: the attack goes on
            b.attempt("ALTER TABLE sec_bob.t ADD COLUMN sch text DEFAULT 'alice/secret:1'")
        b2 = self.new("sec_bob")
        b2.attempt("CALL schemareg.revalidate('sec_bob.t')")
        b2.run("SELECT * FROM schemareg.job_errors")
        b2.run("SELECT * FROM schemareg.jobs")
        self.assert_no_leak()
        self.assertEqual(renamed, "2BP01")
        self.assert_counts_exact()
        self.assertEqual(self.ref_count(self.alice, "alice/secret:1"), 3)


def _nested_any_of(depth):
    """anyOf of two references to the level below, depth levels: small to
    write, 2**depth evaluations of the pattern for a string that fails it."""
    defs = {"l0": {"type": "string", "pattern": "^SECRETPATTERN[0-9]+$"}}
    for i in range(1, depth + 1):
        defs[f"l{i}"] = {"anyOf": [{"$ref": f"#/definitions/l{i - 1}"}] * 2}
    return {"definitions": defs, "allOf": [{"$ref": f"#/definitions/l{depth}"}]}


class Finding03MatchingSchemasTest(SecCase):
    """Finding 3: matching_schemas as bob never evaluates alice's private
    schemas (one raises 22003 on 1e400, one is exponential): bob gets exactly
    the schemas he may see, in time, and nothing of alice's."""

    def setUp(self):
        super().setUp()
        self.create(self.alice, "alice/bignum", {"properties": {"x": {"minimum": 424242}}})
        self.create(self.alice, "alice/expo", _nested_any_of(40))
        self.create(self.bob, "bob/any", {})
        self.bob.run("SET statement_timeout = '10s'")

    def matching(self, record, *args):
        extra = "".join(", " + a for a in args)
        return sorted(r[0] for r in self.bob.run(
            f"SELECT * FROM schemareg.matching_schemas(%s::jsonb{extra})", (record,)))

    def test_error_raising_private_schema(self):
        self.assertEqual(self.matching('{"x": 1e400}'), ["alice/pub:1", "bob/any:1", "bob/s:1"])
        self.assertEqual(self.matching('{"x": 1e400}', "true"), ["alice/pub:1", "bob/any:1", "bob/s:1"])
        self.assertEqual(self.matching('{"x": 1e400}', "true", "'alice/'"), ["alice/pub:1"])
        self.assertEqual(self.matching('{"x": 1e400}', "false", "'alice/b'"), [])
        self.assert_no_leak()

    def test_exponential_private_schema(self):
        self.assertEqual(self.matching('"zzz"'), ["bob/any:1"])
        self.assertEqual(self.matching('"zzz"', "true", "'alice/e'"), [])
        self.assert_no_leak()


class Finding04TruncateTest(SecCase):
    """Finding 4: a TRUNCATE of bob's own bound payroll whose BEFORE TRUNCATE
    trigger moves search_path to public does not forget the counts of
    alice's public.payroll."""

    def test_truncate_steering(self):
        a, b = self.alice, self.bob
        self.bound_table(a, "public.payroll", "alice/secret:1", [ALICE_DOC] * 2)
        self.bound_table(b, "sec_bob.payroll", "bob/s:1", [{}] * 2)
        b.run("""CREATE FUNCTION sec_bob.steer() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN PERFORM set_config('search_path', 'public', false); RETURN NULL; END $$""")
        b.run("CREATE TRIGGER steer BEFORE TRUNCATE ON sec_bob.payroll "
              "FOR EACH STATEMENT EXECUTE FUNCTION sec_bob.steer()")
        before = self.snapshot()
        b.run("SET search_path = sec_bob, public")
        b.run("TRUNCATE payroll")
        self.assertEqual(self.su.one("SELECT count(*) FROM sec_bob.payroll"), 0)
        self.assertEqual(self.ref_count(a, "alice/secret:1"), 5)
        self.assertEqual(a.attempt("SELECT schemareg.delete_schema('alice/secret:1')"), "2BP01")
        after = self.snapshot()
        # bob's own rows are gone (and their count); nothing else moved.
        before["counts"] = [(r, n - 2 if r == "bob/s:1" else n) for r, n in before["counts"]]
        self.assertEqual(after, before)
        self.assert_counts_exact()
        self.assert_no_leak()


class Finding05CountSteeringTest(SecCase):
    """Finding 5: bob can neither disable, re-mode nor drop the schemareg
    triggers of his table (55000, 2BP01), so he cannot move the count of
    alice's versions; naming her private version is answered exactly like a
    name that exists nowhere (42704)."""

    DISABLE = ['ALTER TABLE sec_bob.t DISABLE TRIGGER "~schemareg_validate"',
               'ALTER TABLE sec_bob.t DISABLE TRIGGER "~schemareg_count"',
               "ALTER TABLE sec_bob.t DISABLE TRIGGER ALL",
               "ALTER TABLE sec_bob.t DISABLE TRIGGER USER",
               'ALTER TABLE sec_bob.t ENABLE REPLICA TRIGGER "~schemareg_validate"',
               'ALTER TABLE sec_bob.t ENABLE REPLICA TRIGGER "~schemareg_count"']

    def steer(self):
        """What bob does once a trigger is off: rows naming alice's versions
        (and his own) written behind the check, triggers back on, rows deleted."""
        b = self.new("sec_bob")
        for i, ref in enumerate(["alice/secret:1"] * 4 + ["bob/s:1"] * 4 + ["alice/unused:1"]):
            b.attempt("INSERT INTO sec_bob.t VALUES (%s, '{}', %s)", (100 + i, ref))
        for trig in ("~schemareg_validate", "~schemareg_count"):
            b.attempt(f'ALTER TABLE sec_bob.t ENABLE ALWAYS TRIGGER "{trig}"')
        b2 = self.new("sec_bob")
        b2.attempt("DELETE FROM sec_bob.t WHERE id BETWEEN 100 AND 107")

    def check_alice(self):
        a = self.new("sec_alice")
        self.assertEqual(self.ref_count(a, "alice/secret:1"), 3)
        self.assert_counts_exact()
        self.assertEqual(a.attempt("SELECT schemareg.delete_schema('alice/secret:1')"), "2BP01")
        self.assertEqual(a.one("SELECT schemareg.delete_schema('alice/unused:1')"), True)

    def test_disable_refused(self):
        for i, ddl in enumerate(self.DISABLE):
            if i:
                self.fresh()
            before = self.snapshot("sec_bob.t")
            state = self.bob.attempt(ddl)
            if state is None:
                self.steer()
            with self.subTest(ddl=ddl):
                self.assertEqual(state, "55000")
                self.assert_unchanged(before, "sec_bob.t")
                self.check_alice()

    def test_drop_trigger_refused(self):
        for i, trig in enumerate(("~schemareg_validate", "~schemareg_count", "~schemareg_truncate")):
            if i:
                self.fresh()
            before = self.snapshot("sec_bob.t")
            state = self.bob.attempt(f'DROP TRIGGER "{trig}" ON sec_bob.t')
            if state is None:
                self.steer()
            with self.subTest(trigger=trig):
                self.assertEqual(state, "2BP01")
                self.assert_unchanged(before, "sec_bob.t")
                self.check_alice()

    def test_private_name_is_no_oracle(self):
        errors = {}
        for ref in ("alice/secret:1", "nobody/none:1", "alice/secret", "nobody/none"):
            with self.assertRaises(psycopg.Error) as cm:
                self.bob.run("INSERT INTO sec_bob.t VALUES (50, '{}', %s)", (ref,))
            d = cm.exception.diag
            errors[ref] = (cm.exception.sqlstate,) + tuple(
                (t or "").replace(ref, "<ref>") for t in (d.message_primary, d.message_detail, d.message_hint))
        self.assertEqual(errors["alice/secret:1"], errors["nobody/none:1"])
        self.assertEqual(errors["alice/secret"], errors["nobody/none"])
        self.assertEqual(errors["nobody/none:1"][0], "42704")
        self.assert_counts_exact()
        self.assert_no_leak()
        self.assertEqual(self.alice.one("SELECT schemareg.delete_schema('alice/unused:1')"), True)
        self.assertEqual(self.alice.attempt("SELECT schemareg.delete_schema('alice/secret:1')"), "2BP01")


class Finding06DropColumnTest(SecCase):
    """Finding 6: dropping a column that is not bound keeps the binding and
    its counts; dropping a bound column is refused (2BP01)."""

    def test_drop_unbound_column(self):
        before = self.snapshot()
        self.bob.run("ALTER TABLE sec_bob.t DROP COLUMN notes")
        self.bob.run("SET search_path = public")  # names printed schema-qualified but public
        tables = [r[0] for r in self.bob.run("SELECT tbl::text FROM schemareg.bound_tables")]
        self.assertIn("sec_bob.t", tables)
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(self.ref_count(self.bob, "bob/s:1"), 3)
        self.assert_counts_exact()

    def test_drop_bound_column_refused(self):
        for i, col in enumerate(("sch", "doc")):
            if i:
                self.fresh()
            before = self.snapshot("sec_bob.t")
            with self.subTest(column=col):
                self.assertEqual(self.bob.attempt(f"ALTER TABLE sec_bob.t DROP COLUMN {col}"), "2BP01")
                self.assert_unchanged(before, "sec_bob.t")


class Finding07AdvisoryLockTest(SecCase):
    """Finding 7: whatever advisory locks bob holds on the registry's
    predictable keys, alice's writes, revisions, creations, deletes and jobs
    go through (lock_timeout 5s: a block shows as 55P03)."""

    def hold(self, shared, xact):
        b = self.bob
        fn = "pg_advisory" + ("_xact" if xact else "") + "_lock" + ("_shared" if shared else "")
        b.run("BEGIN")
        oid = self.su.one("SELECT 'public.apay'::regclass::oid")
        b.run(f"SELECT {fn}(1936876903, g) FROM generate_series(1, 60) g")
        for name in ("alice/secret", "alice/unused", "alice/withid", "alice/pub"):
            b.run(f"SELECT {fn}(hashtextextended('schemareg:' || %s, 0))", (name,))
        b.run(f"SELECT {fn}(hashtextextended('schemareg-uri:' || %s, 0))", ("https://alice.example/withid",))
        b.run(f"SELECT {fn}(hashtextextended('schemareg-job:' || %s, 0))", (str(oid),))

    def run_variant(self, shared, xact):
        self.hold(shared, xact)
        a = self.new("sec_alice")
        a.run("SET lock_timeout = '5s'")
        ops = [
            ("insert", "INSERT INTO public.apay VALUES (9, %s::jsonb, 'alice/secret:1')", (J(ALICE_DOC),)),
            ("revise", "SELECT schemareg.revise_schema('alice/secret:1', %s::jsonb)",
             (J(dict(SECRET, title="v2")),)),
            ("create with $id", "SELECT schemareg.create_schema('alice/withid', %s::jsonb)",
             (J({"$id": "https://alice.example/withid", "type": "object"}),)),
            ("delete", "SELECT schemareg.delete_schema('alice/unused:1')", None),
            ("revalidate", "CALL schemareg.revalidate('public.apay')", None),
        ]
        for label, query, params in ops:
            with self.subTest(shared=shared, xact=xact, op=label):
                self.call_ok(a, query, params)
        self.bob.run("ROLLBACK")
        self.bob.run("SELECT pg_advisory_unlock_all()")
        self.assertEqual(self.ref_count(a, "alice/secret:1"), 4)
        self.assert_counts_exact()

    def test_session_exclusive(self):
        self.run_variant(False, False)

    def test_session_shared(self):
        self.run_variant(True, False)

    def test_xact_exclusive(self):
        self.run_variant(False, True)

    def test_xact_shared(self):
        self.run_variant(True, True)


class Finding08JobStepTest(SecCase):
    """Finding 8: bob's _job_step on alice's job is refused (42501) and his
    open transaction blocks none of alice's revise_schema, migrate, run_jobs."""

    def test_job_step_of_another_role(self):
        a = self.alice
        self.bound_table(a, "public.afollow", "alice/secret:1", [ALICE_DOC] * 2, follow_latest=True)
        a.run("SELECT schemareg.revise_schema('alice/secret:1', %s::jsonb)", (J(dict(SECRET, title="v2")),))
        job = self.su.one("SELECT id FROM schemareg.job_state WHERE tbl = 'public.afollow'::regclass"
                          " AND state = 'queued'")
        before = self.snapshot()
        b = self.bob
        b.run("BEGIN")
        state = b.attempt("SELECT schemareg._job_step(%s)", (job,))
        a2 = self.new("sec_alice")
        a2.run("SET lock_timeout = '5s'")
        try:  # bob's transaction (aborted or not) stays open meanwhile
            self.assertEqual(self.snapshot(), before)
            self.call_ok(a2, "SELECT schemareg.revise_schema('alice/secret:2', %s::jsonb)",
                         (J(dict(SECRET, title="v3")),))
            self.call_ok(a2, "CALL schemareg.migrate('public.afollow', 'alice/secret:3')")
            self.call_ok(a2, "CALL schemareg.run_jobs()")
        finally:
            b.run("ROLLBACK")
        self.assertEqual(state, "42501")
        self.assertEqual(self.ref_count(a2, "alice/secret:3"), 2)
        self.assert_counts_exact()
        self.assert_no_leak()


class Finding10RestrictedTest(SecCase):
    """Finding 10: bob's row trigger, run by carol's run_jobs() for bob's
    follow_latest table, runs as sec_bob and cannot leave temporary objects
    in carol's session."""

    def test_run_jobs_leaves_no_temp_objects(self):
        b = self.bob
        b.run(EVIL.split("CREATE FUNCTION sec_bob.evil")[0])  # the log table only
        self.bound_table(b, "sec_bob.tq", "bob/s:1", [{}] * 2, follow_latest=True)
        b.run("""CREATE FUNCTION sec_bob.tmp() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN
                     INSERT INTO sec_bob.log VALUES (current_user, session_user);
                     BEGIN EXECUTE 'CREATE TEMP VIEW pg_stat_activity AS SELECT 1 AS pid';
                     EXCEPTION WHEN OTHERS THEN NULL; END;
                     BEGIN EXECUTE 'CREATE TEMP TABLE bob_temp (x int)';
                     EXCEPTION WHEN OTHERS THEN NULL; END;
                     RETURN NEW;
                 END $$""")
        b.run("CREATE TRIGGER tmp BEFORE UPDATE ON sec_bob.tq FOR EACH ROW EXECUTE FUNCTION sec_bob.tmp()")
        b.run("SELECT schemareg.revise_schema('bob/s:1', '{\"type\": \"object\", \"title\": \"v2\"}')")
        c = self.new("sec_carol")
        self.call_ok(c, "CALL schemareg.run_jobs()")
        self.assertEqual(c.one("SELECT count(*) FROM pg_class WHERE relnamespace = pg_my_temp_schema()"), 0)
        self.assertEqual(c.one("SELECT count(*) FROM pg_class WHERE relpersistence = 't'"), 0)
        self.assertEqual({r[0] for r in self.su.run("SELECT DISTINCT cur FROM sec_bob.log")}, {"sec_bob"})
        self.assertEqual(self.ref_count(b, "bob/s:2"), 2)
        self.assert_no_superuser()
        self.assert_counts_exact()


class Finding11ExplainTest(SecCase):
    """Finding 11: EXPLAIN ANALYZE of schemareg.schemas as bob is the same for
    alice's private names as for names that exist nowhere."""

    PAIRS = [("name = {}", "'alice/secret'", "'nobody/none'"),
             ("name >= {} AND name < 'alice/t'", "'alice/s'", "'alice/t'"),
             ("name LIKE {}", "'alice/s%'", "'nobody%'"),
             ("name >= {} AND name < 'alice/t' AND version = 1", "'alice/s'", "'alice/t'")]
    SETTINGS = ["RESET ALL", "SET enable_seqscan = off",
                "SET enable_seqscan = off; SET enable_bitmapscan = off",
                "SET enable_seqscan = off; SET enable_indexscan = off"]

    def explain(self, where):
        rows = self.bob.run("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) "
                            "SELECT * FROM schemareg.schemas WHERE " + where)
        return [r[0] for r in rows]

    def test_plans_identical(self):
        for setting in self.SETTINGS:
            self.bob.run(setting)
            for pattern, secret, nothing in self.PAIRS:
                with self.subTest(setting=setting, where=pattern.format(secret)):
                    # Literals (and the bounds a LIKE prefix gives) made alike.
                    got = [re.sub(r"'[^']*'", "<X>", line) for line in self.explain(pattern.format(secret))]
                    want = [re.sub(r"'[^']*'", "<X>", line) for line in self.explain(pattern.format(nothing))]
                    self.assertEqual(got, want)
        self.assert_no_leak()


class Finding12PlantedRowTest(SecCase):
    """Finding 12: rows with a bare name, 'a:b:c', 'x:' and '' planted behind
    the triggers (superuser set-up) do not break carol's recount()."""

    def test_recount_survives_malformed_refs(self):
        self.disable_triggers_by_catalog("sec_bob.t")
        planter = self.new("postgres")
        for i, ref in enumerate(["bob/s", "a:b:c", "x:", "", "bob/s:1:2", "bob/s:99999999999"]):
            planter.run("INSERT INTO sec_bob.t VALUES (%s, '{}', %s)", (200 + i, ref))
        self.enable_triggers_by_catalog("sec_bob.t")
        c = self.new("sec_carol")
        self.call_ok(c, "SELECT * FROM schemareg.recount()")
        self.assert_counts_exact()
        self.assertEqual(self.ref_count(self.bob, "bob/s:1"), 3)


class Finding13TriggerNameTest(SecCase):
    """Finding 13: a BEFORE trigger of bob's that sorts after
    ~schemareg_validate and spoils the row cannot get an invalid row into an
    enforce table: the write is refused with 55000 (or the trigger itself is
    refused with 55000)."""

    def test_spoiling_triggers(self):
        b = self.bob
        self.create(b, "bob/strict", {"type": "object", "required": ["ok"]})
        self.bound_table(b, "sec_bob.s", "bob/strict:1", [{"ok": 1}])
        b.run("""CREATE FUNCTION sec_bob.spoil() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN NEW.doc := '{}'::jsonb; RETURN NEW; END $$""")
        for name in ("~schemareg_validatf", "ü_after", "~~~", "~schemareg_validate~", "\U0001F600"):
            with self.subTest(trigger=name):
                created = b.attempt(sql.SQL("CREATE TRIGGER {} BEFORE INSERT OR UPDATE ON sec_bob.s "
                                            "FOR EACH ROW EXECUTE FUNCTION sec_bob.spoil()")
                                    .format(sql.Identifier(name)))
                if created is None:
                    self.assertEqual(b.attempt("INSERT INTO sec_bob.s VALUES (2, '{\"ok\": 1}', 'bob/strict:1')"),
                                     "55000")
                    self.assertEqual(b.attempt("UPDATE sec_bob.s SET id = id"), "55000")
                    b.run(sql.SQL("DROP TRIGGER {} ON sec_bob.s").format(sql.Identifier(name)))
                else:
                    self.assertEqual(created, "55000")
                invalid = self.su.one("SELECT count(*) FROM sec_bob.s "
                                      "WHERE NOT schemareg.validate_record(sch, doc)")
                self.assertEqual(invalid, 0, "an invalid row is stored in an enforce table")
        self.assert_counts_exact()


class Finding14AbandonedJobTest(SecCase):
    """Finding 14: a reader (alice, SELECT on bob's table) starts a
    revalidation of it and abandons it; bob's own revalidate still works."""

    def test_owner_resumes_after_reader(self):
        self.bob.run("GRANT USAGE ON SCHEMA sec_bob TO sec_alice")
        self.bob.run("GRANT SELECT ON sec_bob.t TO sec_alice")
        a = self.new("sec_alice")
        pid = a.one("SELECT pg_backend_pid()")
        # The job alice starts (a reader may) stays 'running' with a dead backend.
        started = a.attempt("SELECT schemareg._job_start('revalidate', 'sec_bob.t'::regclass, NULL, 1)")
        self.assertIn(started, (None, "42501"))
        if started is None:
            self.assertEqual(self.su.one("SELECT count(*) FROM schemareg.job_state"), 1)
        self.su.run("SELECT pg_terminate_backend(%s)", (pid,))
        for _ in range(100):  # wait until the backend is gone (not a timed assertion)
            if not self.su.run("SELECT FROM pg_stat_activity WHERE pid = %s", (pid,)):
                break
            time.sleep(0.1)
        self.call_ok(self.new("sec_bob"), "CALL schemareg.revalidate('sec_bob.t')")
        self.assert_counts_exact()


class Finding15NameTakeoverTest(SecCase):
    """Finding 15: a name whose versions were all deleted still belongs to its
    owner: bob's create_schema of it is refused (42710, "taken", as the
    reference documents for a name another role holds); its owner and an
    admin create it again with the numbering kept (version 3)."""

    def run_variant(self, public, creator):
        a = self.alice
        self.create(a, "sec/name", {"type": "object"}, public=public)
        a.run("SELECT schemareg.revise_schema('sec/name:1', '{\"type\": \"object\", \"title\": \"v2\"}')")
        self.assertTrue(a.one("SELECT schemareg.delete_schema('sec/name:2')"))
        self.assertTrue(a.one("SELECT schemareg.delete_schema('sec/name:1')"))
        before = self.snapshot()
        self.assertEqual(self.bob.attempt("SELECT schemareg.create_schema('sec/name', '{\"type\": \"string\"}', "
                                          "public => true)"), "42710")
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(self.su.run("SELECT name FROM schemareg.schema_versions WHERE name = 'sec/name'"), [])
        self.assertEqual(self.create(self.new(creator), "sec/name", {"type": "string"}), 3)
        self.assert_no_leak()

    def test_private_name_owner(self):
        self.run_variant(False, "sec_alice")

    def test_public_name_owner(self):
        self.run_variant(True, "sec_alice")

    def test_private_name_admin(self):
        self.run_variant(False, "sec_carol")


class Finding16BoundTablesTest(SecCase):
    """Finding 16: schemareg.bound_tables as bob lists only the tables bob may
    SELECT from."""

    def test_only_readable_tables(self):
        self.bound_table(self.alice, "public.ashared", "alice/pub:1", [{}])
        self.alice.run("GRANT SELECT ON public.ashared TO sec_bob")
        self.bob.run("SET search_path = public")  # names printed schema-qualified but public
        rows = self.bob.run("SELECT tbl::text, records FROM schemareg.bound_tables ORDER BY 1")
        self.assertEqual(rows, [("ashared", 1), ("sec_bob.t", 3)])
        self.assert_no_leak()


class Finding17ReattachTest(SecCase):
    """Finding 17: after the binding triggers were disabled (superuser set-up
    through the catalog), the owner's attach with the same arguments brings
    them back: an invalid row is refused (23514) and the counts are exact."""

    def test_reattach_restores_triggers(self):
        self.disable_triggers_by_catalog("sec_bob.t")
        writer = self.new("postgres")  # rows written while nothing checked or counted
        writer.run("INSERT INTO sec_bob.t VALUES (300, '{}', 'bob/s:1'), (301, '{}', 'bob/s:1')")
        self.call_ok(self.new("sec_bob"), "SELECT schemareg.attach('sec_bob.t', 'doc', 'sch')")
        b = self.new("sec_bob")
        self.assertEqual(b.attempt("INSERT INTO sec_bob.t VALUES (302, '\"str\"', 'bob/s:1')"), "23514")
        self.assertEqual(self.su.run("SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'sec_bob.t'::regclass"
                                     " AND tgname LIKE '~schemareg%' ORDER BY 1"),
                         [("~schemareg_count", "A"), ("~schemareg_truncate", "A"),
                          ("~schemareg_validate", "A")])
        self.assert_counts_exact()
        self.assertEqual(self.ref_count(b, "bob/s:1"), 5)


if __name__ == "__main__":
    unittest.main()


class VariantsTest(SecCase):
    """Variants of the findings, found by attacking the fixes: each runs as
    the attacker and asserts the refusal and that nothing changed."""

    def test_admin_job_runs_tenant_code_as_the_table_owner(self):
        """Finding 1/10 variant: carol's revalidate of bob's table runs bob's
        row security policy as bob (the table's owner), not as carol."""
        b = self.bob
        b.run(EVIL)
        b.run("CREATE FUNCTION sec_bob.spy() RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN"
              " PERFORM sec_bob.evil(); RETURN true; END $$")
        b.run("ALTER TABLE sec_bob.t ENABLE ROW LEVEL SECURITY")
        b.run("CREATE POLICY p ON sec_bob.t USING (sec_bob.spy())")
        b.run("GRANT SELECT, UPDATE ON sec_bob.t TO sec_carol")
        self.call_ok(self.new("sec_carol"), "CALL schemareg.revalidate('sec_bob.t')")
        self.call_ok(self.new("sec_carol"), "CALL schemareg.migrate('sec_bob.t', 'bob/s:1')")
        self.assertLessEqual({r[0] for r in self.su.run("SELECT DISTINCT cur FROM sec_bob.log")},
                             {"sec_bob"})
        self.assert_no_superuser()
        self.assert_counts_exact()

    def test_attach_cannot_skip_the_check(self):
        """Finding 5 variant: rows that a trigger, a policy or a rule of the
        table keeps from being rewritten by attach() are not left unchecked
        and counted: attach is refused (55000), nothing is counted."""
        b = self.bob
        b.run("CREATE FUNCTION sec_bob.skip() RETURNS trigger LANGUAGE plpgsql AS"
              " $$ BEGIN RETURN NULL; END $$")
        skips = {
            "trigger": "CREATE TRIGGER a_skip BEFORE UPDATE ON {t} FOR EACH ROW"
                       " EXECUTE FUNCTION sec_bob.skip()",
            "policy": "ALTER TABLE {t} ENABLE ROW LEVEL SECURITY; ALTER TABLE {t} FORCE ROW LEVEL SECURITY;"
                      " CREATE POLICY sel ON {t} FOR SELECT USING (true);"
                      " CREATE POLICY upd ON {t} FOR UPDATE USING (false)",
            "rule": "CREATE RULE nope AS ON UPDATE TO {t} DO INSTEAD NOTHING",
        }
        before = self.snapshot()
        for kind, ddl in skips.items():
            with self.subTest(kind=kind):
                t = f"sec_bob.k_{kind}"
                b.run(f"CREATE TABLE {t} (id int, doc jsonb, sch text)")
                b.run(f"INSERT INTO {t} VALUES (1, '{{}}', 'alice/secret:1'), (2, '{{}}', 'alice/secret:7'),"
                      f" (3, '{{}}', 'bob/s:1')")
                for statement in ddl.format(t=t).split(";"):
                    b.run(statement)
                self.assertEqual(b.attempt(f"SELECT schemareg.attach('{t}', 'doc', 'sch')"), "55000")
        self.assert_unchanged(before)

    def test_bound_column_dropped_and_added_again(self):
        """Finding 2/5 variant: DROP COLUMN and ADD COLUMN of a bound column
        in one ALTER TABLE is refused (2BP01)."""
        before = self.snapshot("sec_bob.t")
        for col, ddl in (("doc", "ADD COLUMN doc jsonb DEFAULT '{}'"),
                         ("sch", "ADD COLUMN sch text DEFAULT 'alice/secret:1'")):
            with self.subTest(col=col):
                self.assertEqual(self.bob.attempt(f"ALTER TABLE sec_bob.t DROP COLUMN {col}, {ddl}"),
                                 "2BP01")
        self.assert_unchanged(before, "sec_bob.t")

    def test_schemareg_triggers_cannot_be_replaced_or_doubled(self):
        """Finding 5/13 variant: CREATE OR REPLACE TRIGGER over a schemareg
        trigger, or another trigger calling schemareg's functions, is refused
        (55000); a trigger with a WHEN condition too."""
        b = self.bob
        b.run("CREATE FUNCTION sec_bob.noop() RETURNS trigger LANGUAGE plpgsql AS"
              " $$ BEGIN RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END; END $$")
        before = self.snapshot("sec_bob.t")
        attempts = [
            'CREATE OR REPLACE TRIGGER "~schemareg_validate" BEFORE INSERT OR UPDATE OR DELETE'
            ' ON sec_bob.t FOR EACH ROW EXECUTE FUNCTION sec_bob.noop()',
            'CREATE OR REPLACE TRIGGER "~schemareg_count" AFTER INSERT OR UPDATE OR DELETE'
            ' ON sec_bob.t FOR EACH ROW EXECUTE FUNCTION sec_bob.noop()',
            'CREATE OR REPLACE TRIGGER "~schemareg_truncate" AFTER TRUNCATE ON sec_bob.t'
            ' EXECUTE FUNCTION sec_bob.noop()',
            'CREATE OR REPLACE TRIGGER "~schemareg_validate" BEFORE INSERT OR UPDATE OR DELETE'
            ' ON sec_bob.t FOR EACH ROW WHEN (false) EXECUTE FUNCTION schemareg._validate_row()',
            'CREATE TRIGGER again AFTER INSERT OR UPDATE OR DELETE ON sec_bob.t'
            ' FOR EACH ROW EXECUTE FUNCTION schemareg._count_row()',
        ]
        for statement in attempts:
            with self.subTest(statement=statement[:60]):
                self.assertEqual(b.attempt(statement), "55000")
        self.assertEqual(b.attempt("INSERT INTO sec_bob.t VALUES (9, '5', 'bob/s:1')"), "23514")
        self.assert_unchanged(before, "sec_bob.t")

    def test_recount_does_not_hold_others_behind_a_tenant_lock(self):
        """Finding 7 variant: while bob holds his bound table, carol's
        recount() skips it (a WARNING) instead of holding alice's table
        locked while it waits; alice's writes go through."""
        b = self.bob
        b.run("BEGIN")
        b.run("LOCK sec_bob.t IN ROW EXCLUSIVE MODE")
        try:
            c = self.new("sec_carol")
            c.run("SET lock_timeout = '5s'")
            self.call_ok(c, "SELECT * FROM schemareg.recount()")
            self.assertTrue(any("sec_bob.t" in text and "not counted" in text for text in c.seen),
                            c.seen)
            a = self.new("sec_alice")
            a.run("SET lock_timeout = '5s'")
            self.call_ok(a, "INSERT INTO public.apay VALUES (9, %s::jsonb, 'alice/secret:1')",
                         (J(ALICE_DOC),))
        finally:
            b.run("ROLLBACK")
        self.assert_counts_exact()

    def test_job_errors_plans_show_nothing_of_others(self):
        """Finding 11 variant: EXPLAIN ANALYZE on job_errors and jobs shows
        bob the same plan for alice's private ref as for one that exists
        nowhere."""
        a = self.alice
        a.run("SELECT schemareg.revise_schema('alice/secret:1', %s::jsonb)",
              (J(dict(SECRET, required=["secretprop", "zz"])),))
        self.call_ok(a, "CALL schemareg.migrate('public.apay', 'alice/secret:2')")
        self.assertEqual(self.su.one("SELECT count(*) FROM schemareg.job_findings"), 3)

        def plan(query):
            rows = self.bob.run("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + query)
            return [re.sub(r"'[^']*'", "'?'", r[0]) for r in rows]
        for view, cond in (("job_errors", "ref = '{}'"), ("job_errors", "ref >= '{}'"),
                           ("jobs", "schema = '{}'")):
            with self.subTest(view=view, cond=cond):
                self.assertEqual(plan(f"SELECT * FROM schemareg.{view} WHERE " + cond.format("alice/secret:1")),
                                 plan(f"SELECT * FROM schemareg.{view} WHERE " + cond.format("zzzz/none:1")))
        self.assert_no_leak()

    def test_owner_makes_partitions_of_a_bound_table(self):
        """Not an attack: the owner of a bound partitioned table adds and
        attaches partitions (their rows checked as the owner and counted)."""
        b = self.bob
        b.run("CREATE TABLE sec_bob.pt (id int, doc jsonb, sch text) PARTITION BY RANGE (id)")
        b.run("SELECT schemareg.attach('sec_bob.pt', 'doc', 'sch')")
        self.call_ok(b, "CREATE TABLE sec_bob.pt1 PARTITION OF sec_bob.pt FOR VALUES FROM (0) TO (100)")
        b.run("CREATE TABLE sec_bob.pt2 (id int, doc jsonb, sch text)")
        b.run("INSERT INTO sec_bob.pt2 VALUES (100, '{}', 'bob/s:1'), (101, '{}', 'bob/s:1')")
        self.call_ok(b, "ALTER TABLE sec_bob.pt ATTACH PARTITION sec_bob.pt2 FOR VALUES FROM (100) TO (200)")
        b.run("CREATE TABLE sec_bob.pt3 (id int, doc jsonb, sch text)")
        b.run("INSERT INTO sec_bob.pt3 VALUES (200, '{}', 'alice/secret:1')")
        self.assertEqual(b.attempt("ALTER TABLE sec_bob.pt ATTACH PARTITION sec_bob.pt3"
                                   " FOR VALUES FROM (200) TO (300)"), "42704")
        self.assertEqual(self.ref_count(b, "bob/s:1"), 5)
        self.assert_counts_exact()
        self.assert_no_leak()


class Variants2Test(SecCase):
    """A second round of variants, each run as the attacker."""

    def test_bound_column_renamed_through_other_alter_commands(self):
        """ALTER VIEW / MATERIALIZED VIEW / FOREIGN TABLE ... RENAME COLUMN
        work on tables too: renaming a bound column that way is refused."""
        before = self.snapshot("sec_bob.t")
        for kind in ("VIEW", "MATERIALIZED VIEW", "FOREIGN TABLE"):
            with self.subTest(kind=kind):
                self.assertEqual(self.bob.attempt(f"ALTER {kind} sec_bob.t RENAME COLUMN sch TO sch_old"),
                                 "2BP01")
        self.assert_unchanged(before, "sec_bob.t")

    def test_superuser_attach_runs_tenant_code_as_the_table_owner(self):
        """A superuser's attach() of bob's table runs bob's trigger as bob."""
        b = self.bob
        b.run(EVIL)
        b.run("CREATE TABLE sec_bob.su (id int, doc jsonb, sch text)")
        b.run("INSERT INTO sec_bob.su VALUES (1, '{}', 'bob/s:1')")
        b.run("CREATE FUNCTION sec_bob.esc() RETURNS trigger LANGUAGE plpgsql AS"
              " $$ BEGIN PERFORM sec_bob.evil(); RETURN NEW; END $$")
        b.run("CREATE TRIGGER a_esc BEFORE UPDATE ON sec_bob.su FOR EACH ROW EXECUTE FUNCTION sec_bob.esc()")
        self.call_ok(self.new("postgres"), "SELECT schemareg.attach('sec_bob.su', 'doc', 'sch')")
        self.assertEqual({r[0] for r in self.su.run("SELECT DISTINCT cur FROM sec_bob.log")}, {"sec_bob"})
        self.assert_no_superuser()
        self.assert_counts_exact()

    def test_tables_that_cannot_be_bound(self):
        """A generated bound column, an unlogged table and inheritance
        children are refused (0A000), at attach() and by later DDL."""
        b = self.bob
        b.run("CREATE TABLE sec_bob.gd (id int, raw jsonb, doc jsonb GENERATED ALWAYS AS (raw) STORED, sch text)")
        self.assertEqual(b.attempt("SELECT schemareg.attach('sec_bob.gd', 'doc', 'sch')"), "0A000")
        b.run("CREATE UNLOGGED TABLE sec_bob.ul (id int, doc jsonb, sch text)")
        self.assertEqual(b.attempt("SELECT schemareg.attach('sec_bob.ul', 'doc', 'sch')"), "0A000")
        before = self.snapshot("sec_bob.t")
        self.assertEqual(b.attempt("ALTER TABLE sec_bob.t SET UNLOGGED"), "0A000")
        b.run("CREATE TABLE sec_bob.child (id int, doc jsonb, sch text, notes text)")
        b.run("INSERT INTO sec_bob.child VALUES (1, '\"junk\"', 'alice/pub:1', NULL)")
        self.assertEqual(b.attempt("ALTER TABLE sec_bob.child INHERIT sec_bob.t"), "0A000")
        self.assertEqual(b.attempt("CREATE TABLE sec_bob.child2 () INHERITS (sec_bob.t)"), "0A000")
        self.assert_unchanged(before, "sec_bob.t")
        self.assertEqual(self.su.one("SELECT relpersistence FROM pg_class WHERE oid = 'sec_bob.t'::regclass"),
                         "p")

    def test_a_reader_cannot_hold_the_owners_jobs(self):
        """A reader that starts a job and keeps its transaction open makes
        the owner's job start fail at once with 55P03, not wait."""
        a = self.alice
        a.run("GRANT SELECT ON public.apay TO sec_bob")
        b = self.bob
        b.run("BEGIN")
        self.call_ok(b, "SELECT schemareg._job_start('revalidate', 'public.apay', NULL, 10)")
        try:
            a2 = self.new("sec_alice")
            # (A wait would end with lock_timeout's own 55P03 and message.)
            a2.run("SET lock_timeout = '30s'")
            self.assertEqual(a2.attempt("CALL schemareg.revalidate('public.apay')"), "55P03")
            self.assertTrue(any("another transaction is starting or resuming a job" in text
                                for text in a2.seen), a2.seen)
        finally:
            b.run("ROLLBACK")
        self.call_ok(self.new("sec_alice"), "CALL schemareg.revalidate('public.apay')")
        self.assert_no_leak()


class Variants3Test(SecCase):
    """A third round: the registry functions' own locks and settings."""

    def test_no_name_lock_for_roles_that_may_not_change_the_name(self):
        """Calls that are refused (or find nothing) take no lock of another
        role's name: bob's open transaction after each holds off nothing."""
        attempts = [
            ("SELECT schemareg.delete_schema('alice/secret')", None),
            ("SELECT schemareg.create_schema('alice/secret', '{}')", "42710"),
            ("SELECT schemareg.create_schema('alice/pub', '{\"title\": \"bob\"}')", "42710"),
            ("SELECT schemareg.revise_schema('alice/pub:1', '{}')", "42501"),
            ("SELECT schemareg.update_schema('alice/pub:1', '{}')", "42501"),
            ("SELECT schemareg.delete_schema('alice/pub:1')", "42501"),
            ("SELECT schemareg.set_compatibility('alice/pub', 'NONE')", "42501"),
        ]
        for i, (query, state) in enumerate(attempts):
            with self.subTest(query=query):
                b = self.new("sec_bob")
                b.run("BEGIN")
                self.assertEqual(b.attempt(query), state)
                try:
                    a = self.new("sec_alice")
                    a.run("SET lock_timeout = '5s'")
                    self.call_ok(a, "SELECT schemareg.revise_schema(%s, %s::jsonb)",
                                 (f"alice/pub:{i + 1}", J({"type": "object", "title": str(i)})))
                    self.call_ok(a, "SELECT schemareg.set_compatibility('alice/secret', 'NONE')")
                finally:
                    b.run("ROLLBACK")
        self.assert_no_leak()

    def test_no_version_lock_before_the_owner_check(self):
        """bob's delete_schema of alice's public version is refused at once
        (42501), even while a writer holds the version: it takes no lock
        that alice's writers would queue behind."""
        a, b = self.alice, self.bob
        self.bound_table(a, "public.apub", "alice/pub:1", [{}])
        b.run("BEGIN")
        b.run("INSERT INTO sec_bob.t VALUES (9, '{}', 'alice/pub:1', NULL)")
        try:
            b2 = self.new("sec_bob")
            b2.run("SET lock_timeout = '5s'")
            self.assertEqual(b2.attempt("SELECT schemareg.delete_schema('alice/pub:1')"), "42501")
            self.assertEqual(b2.attempt("SELECT schemareg.update_schema('alice/pub:1', '{}')"), "42501")
            a2 = self.new("sec_alice")
            a2.run("SET lock_timeout = '5s'")
            self.call_ok(a2, "INSERT INTO public.apub VALUES (2, '{}', 'alice/pub:1')")
        finally:
            b.run("ROLLBACK")
        self.assertEqual(self.ref_count(a, "alice/pub:1"), 2)
        self.assert_counts_exact()

    def test_format_assertion_is_not_the_writers_to_turn_off(self):
        """schemareg.assert_formats is for superusers: a writer cannot turn
        format checks off in its session to store refused records."""
        self.assertEqual(self.bob.attempt("SET schemareg.assert_formats = off"), "42501")
        self.assertEqual(self.bob.one("SHOW schemareg.assert_formats"), "on")

    def test_embedded_ids_do_not_take_over_registered_uris(self):
        """No subschema of bob's takes over alice's URIs: embedding her
        registered $id is refused (42710), registering as his own $id one that
        a subschema of hers has is refused (42710), and an id of her
        name:version URI names nothing; her references go to her schemas."""
        a, b = self.alice, self.bob
        self.create(a, "alice/payment", {"$id": "https://alice.example/payment", "type": "object",
                                         "required": ["amount"],
                                         "properties": {"amount": {"type": "number", "minimum": 0}}},
                    public=True)
        self.create(a, "alice/lib", {"$id": "https://alice.example/lib", "definitions": {
            "money": {"$id": "https://alice.example/lib/money", "type": "number", "minimum": 0}}},
                    public=True)
        self.assertEqual(b.attempt("SELECT schemareg.create_schema('bob/p', %s::jsonb, public => true)",
                                   (J({"definitions": {"p": {"$id": "https://alice.example/payment#"}}}),)),
                         "42710")
        self.assertEqual(b.attempt("SELECT schemareg.create_schema('bob/money', %s::jsonb, public => true)",
                                   (J({"$id": "https://alice.example/lib/money"}),)), "42710")
        self.create(b, "bob/common", {"$id": "https://bob.example/common", "definitions": {
            "q": {"$id": "urn:schemareg:alice/payment:1"}}}, public=True)
        self.create(a, "alice/order", {"type": "object", "properties": {
            "a": {"$ref": "https://bob.example/common"},
            "lib": {"$ref": "https://alice.example/lib"},
            "payment": {"$ref": "https://alice.example/payment"},
            "payment2": {"$ref": "alice/payment:1"},
            "amount": {"$ref": "https://alice.example/lib/money"}}})
        self.assertEqual(a.run("SELECT * FROM schemareg.uses('alice/order:1') ORDER BY 1"),
                         [("alice/lib:1",), ("alice/payment:1",), ("bob/common:1",)])
        for record in ({"payment": {"amount": -5}}, {"payment2": {"amount": "x"}}, {"payment": {}},
                       {"amount": -5}):
            with self.subTest(record=record):
                self.assertIs(a.one("SELECT schemareg.validate_record('alice/order:1', %s::jsonb)",
                                    (J(record),)), False)

    def test_no_name_lock_kept_after_waiting_for_the_owners_create(self):
        """bob's create_schema of a name alice is creating waits for her, then
        finds her public version: it returns it and keeps no lock that would
        hold off her revisions."""
        a1 = self.new("sec_alice")
        a1.run("BEGIN")
        a1.run("SELECT schemareg.create_schema('alice/new', '{\"type\": \"object\"}', public => true)")
        b = self.new("sec_bob")
        b.run("BEGIN")
        pid = b.one("SELECT pg_backend_pid()")
        result = {}
        waiter = threading.Thread(target=lambda: result.update(row=b.run(
            "SELECT name, version FROM schemareg.create_schema('alice/new', '{\"type\": \"object\"}')")))
        waiter.start()
        for _ in range(600):  # until bob waits for alice's name lock
            if self.su.one("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", (pid,)):
                break
            time.sleep(0.05)
        a1.run("COMMIT")
        waiter.join(60)
        try:
            self.assertEqual(result.get("row"), [("alice/new", 1)])
            a2 = self.new("sec_alice")
            a2.run("SET lock_timeout = '5s'")
            self.call_ok(a2, "SELECT schemareg.revise_schema('alice/new:1', '{\"type\": \"array\"}')")
        finally:
            b.run("ROLLBACK")

    def test_id_taken_meanwhile_under_repeatable_read(self):
        """A $id that alice registered after bob's REPEATABLE READ snapshot
        is not bob's to take: 40001, and references to it go to alice's."""
        b = self.new("sec_bob")
        b.run("BEGIN ISOLATION LEVEL REPEATABLE READ")
        b.run("SELECT 1")
        self.create(self.alice, "alice/invoice", {"$id": "https://alice.example/invoice", "type": "object",
                                                  "required": ["amount"]}, public=True)
        self.assertEqual(b.attempt("SELECT schemareg.create_schema('bob/inv', %s::jsonb, public => true)",
                                   (J({"$id": "https://alice.example/invoice"}),)), "40001")
        b.run("ROLLBACK")
        self.create(self.alice, "alice/list", {"type": "array",
                                               "items": {"$ref": "https://alice.example/invoice"}})
        self.assertEqual(self.alice.run("SELECT * FROM schemareg.uses('alice/list:1')"),
                         [("alice/invoice:1",)])


class RepairTest(SecCase):
    """repair() (issue 12): for admins only (42501 for anyone else, and
    nothing changed), and the table work it does runs as the table's owner:
    bob's code in an index expression or statistics of his tables never runs
    as the admin who repairs them, nor as the registry."""

    def damage(self):
        """As the superuser: a dependency row lost, a count changed, the
        binding row of bob's table lost (its triggers say how it was bound)."""
        self.create(self.alice, "alice/uses", {"properties": {"p": {"$ref": "alice/pub:1"}}}, public=True)
        self.su.run("DELETE FROM schemareg.dependencies WHERE schema_id = "
                    "(SELECT id FROM schemareg.schema_versions WHERE name = 'alice/uses')")
        self.su.run("UPDATE schemareg.record_counts SET n = n + 5 WHERE tbl = 'public.apay'::regclass")
        self.su.run("DELETE FROM schemareg.bindings WHERE tbl = 'sec_bob.t'::regclass")

    def dependencies(self):
        return self.su.run("SELECT schema_id, depends_on FROM schemareg.dependencies ORDER BY 1, 2")

    def test_repair_is_for_admins(self):
        self.damage()
        before, deps = self.snapshot("sec_bob.t"), self.dependencies()
        for s in (self.bob, self.alice, self.new("sec_bob")):
            self.assertEqual(s.attempt("SELECT * FROM schemareg.repair()"), "42501")
        self.assertEqual(self.snapshot("sec_bob.t"), before)
        self.assertEqual(self.dependencies(), deps)
        self.assert_no_leak()
        # An admin's repair() makes all three again, and then finds nothing.
        done = {(k, o) for k, o, _ in self.carol.run("SELECT * FROM schemareg.repair()")}
        self.assertEqual(done, {("dependency", "alice/uses:1"), ("count", "alice/secret:1 in public.apay"),
                                ("binding", "sec_bob.t")})
        self.assertEqual(self.carol.run("SELECT * FROM schemareg.repair()"), [])
        self.assertEqual(self.carol.run("SELECT * FROM schemareg.check()"), [])
        self.assert_counts_exact()

    def test_repair_runs_table_work_as_the_owner(self):
        b = self.bob
        b.run(EVIL)
        b.run("CREATE TABLE sec_bob.tn (id int, doc jsonb, sch text)")
        b.run("SELECT schemareg.attach('sec_bob.tn', 'doc', 'sch')")
        b.run("INSERT INTO sec_bob.tn SELECT g, '{}', 'bob/s:1' FROM generate_series(1, 3) g")
        for t in ("sec_bob.t", "sec_bob.tn"):
            b.run(EVIL_OBJECTS["index"].format(t=t))
            b.run(EVIL_OBJECTS["statistics"].format(t=t))
        # bob's table loses its binding row, the other its triggers' state.
        self.su.run("DELETE FROM schemareg.bindings WHERE tbl = 'sec_bob.t'::regclass")
        self.disable_triggers_by_catalog("sec_bob.tn")
        self.su.run("UPDATE schemareg.record_counts SET n = n + 2 WHERE tbl = 'sec_bob.tn'::regclass")
        for s in (self.new("sec_carol"), self.new("postgres")):
            with self.subTest(role=s.role):
                try:
                    self.call_ok(s, "SELECT * FROM schemareg.repair()")
                    self.assert_no_superuser()
                    self.assertLessEqual({r[0] for r in self.su.run("SELECT DISTINCT cur FROM sec_bob.log")},
                                         {"sec_bob"}, "bob's code ran as another role")
                finally:
                    self.reset_superuser()
        self.assertEqual(self.su.run("SELECT tbl::text FROM schemareg.bindings WHERE tbl::text LIKE 'sec_bob.%'"
                                     " ORDER BY 1"), [("sec_bob.t",), ("sec_bob.tn",)])
        self.assertEqual(self.su.run("SELECT * FROM schemareg.check()"), [])
        self.assert_counts_exact()


class AdhocTest(SecCase):
    """Ad-hoc validation (issue 12, item 8): a definition that bob writes
    himself reaches registered schemas only as he may see them. alice's
    private schema with an $id, her private metaschema, and a SECURITY
    DEFINER function of hers that uses them ad hoc."""

    SECRET_URI = "https://alice.test/secret"
    META_URI = "https://alice.test/meta"

    def adhoc_fixture(self):
        a = self.alice
        self.create(a, "alice/byid", dict(SECRET, **{"$id": self.SECRET_URI}))
        self.create(a, "alice/meta", {
            "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": self.META_URI,
            "$vocabulary": {"https://json-schema.org/draft/2020-12/vocab/core": True,
                            "https://json-schema.org/draft/2020-12/vocab/validation": True},
            "properties": {"secretprop": {"const": "SECRETENUM"}}})
        a.run("CREATE FUNCTION public.alice_check(d jsonb) RETURNS boolean LANGUAGE sql "
              "SECURITY DEFINER SET search_path = pg_catalog AS "
              f"$$ SELECT schemareg.validate('{{\"$ref\": \"{self.SECRET_URI}\"}}', d) $$")
        a.run("GRANT EXECUTE ON FUNCTION public.alice_check(jsonb) TO sec_bob")

    def error_of(self, s, query, params):
        """(SQLSTATE, message, detail, hint) of a statement that must fail."""
        try:
            s.run(query, params)
        except psycopg.Error as e:
            return (e.sqlstate, e.diag.message_primary, e.diag.message_detail, e.diag.message_hint)
        self.fail(f"{s.role}: {query} {params} succeeded")

    def test_private_schemas_do_not_resolve_and_cannot_be_probed(self):
        self.adhoc_fixture()
        before = self.snapshot()
        b = self.bob
        # Each probe as bob gives exactly what the same probe of a URI (or
        # name) that was never registered gives, with that name put back.
        probes = [
            ('{"$ref": "%s"}', self.SECRET_URI, "https://alice.test/nothing"),
            ('{"properties": {"p": {"$ref": "%s#/properties/secretprop"}}}', self.SECRET_URI,
             "https://alice.test/nothing"),
            ('{"$ref": "%s"}', "alice/byid:1", "alice/nothing:1"),
            ('{"$ref": "%s"}', "alice/secret:1", "alice/nothing:1"),
            ('{"$schema": "%s"}', self.META_URI, "https://alice.test/nothing"),
        ]
        record = '{"x": 1}'
        for template, private, absent in probes:
            for query in ("SELECT schemareg.validate(%s::jsonb, %s::jsonb)",
                          "SELECT * FROM schemareg.validation_errors(%s::jsonb, %s::jsonb)"):
                with self.subTest(definition=template % private, query=query):
                    got = self.error_of(b, query, (template % private, record))
                    want = self.error_of(b, query, (template % absent, record))
                    self.assertIn(got[0], ("42704", "22023"))
                    self.assertEqual(tuple(t.replace(private, absent) if t else t for t in got), want)
            with self.subTest(definition=template % private, query="check_definition"):
                got = b.run("SELECT * FROM schemareg.check_definition(%s::jsonb)", (template % private,))
                want = b.run("SELECT * FROM schemareg.check_definition(%s::jsonb)", (template % absent,))
                self.assertEqual(len(got), 1)
                self.assertEqual([tuple(t.replace(private, absent) for t in r) for r in got], want)
        # alice herself resolves them.
        self.assertIs(self.alice.one("SELECT schemareg.validate(%s::jsonb, %s::jsonb)",
                                     ('{"$ref": "%s"}' % self.SECRET_URI, J(ALICE_DOC))), True)
        self.assertEqual(self.alice.run("SELECT * FROM schemareg.check_definition(%s::jsonb)",
                                        ('{"$schema": "%s"}' % self.META_URI,)), [])
        self.assert_unchanged(before)

    def test_a_cached_program_serves_no_other_role(self):
        self.adhoc_fixture()
        before = self.snapshot()
        b = self.bob
        definition = '{"$ref": "%s"}' % self.SECRET_URI
        # alice's function compiles her definition in bob's backend, as alice.
        self.assertIs(b.one("SELECT public.alice_check(%s::jsonb)", (J(ALICE_DOC),)), True)
        self.assertIs(b.one("SELECT public.alice_check('{}'::jsonb)"), False)
        # The same definition, as bob, in the same backend: not his to use.
        for query in ("SELECT schemareg.validate(%s::jsonb, '{}'::jsonb)",
                      "SELECT * FROM schemareg.validation_errors(%s::jsonb, '{}'::jsonb)"):
            self.assertEqual(b.attempt(query, (definition,)), "42704")
        # And alice's function still works after bob's refusals.
        self.assertIs(b.one("SELECT public.alice_check(%s::jsonb)", (J(ALICE_DOC),)), True)
        # A role that may see it (a member of alice) uses it, until it may not.
        self.su.run("GRANT sec_alice TO sec_bob")
        try:
            self.assertIs(b.one("SELECT schemareg.validate(%s::jsonb, '{}'::jsonb)", (definition,)),
                          False)
        finally:
            self.su.run("REVOKE sec_alice FROM sec_bob")
        self.assertEqual(b.attempt("SELECT schemareg.validate(%s::jsonb, '{}'::jsonb)", (definition,)),
                         "42704")
        self.assert_unchanged(before)


class StructuredErrorsTest(SecCase):
    """A bound table's 23514 (issue 12, item 7) names the failing row."""

    def test_row_errors_show_only_what_the_writer_may_read(self):
        """bob may INSERT into alice's table but SELECT only doc and sch: the
        23514 names the failing row by those columns alone, never by the
        primary key or a default he may not read (alice's markers); under
        row-level security it names no row at all."""
        a, b = self.alice, self.bob
        a.run("CREATE TABLE public.inbox (id serial PRIMARY KEY, doc jsonb, sch text, "
              "secret text DEFAULT 'SECRETENUM 424242')")
        a.run("SELECT schemareg.attach('public.inbox', 'doc', 'sch')")
        a.run("GRANT INSERT ON public.inbox TO sec_bob")
        a.run("GRANT USAGE ON SEQUENCE public.inbox_id_seq TO sec_bob")
        a.run("GRANT SELECT (doc, sch) ON public.inbox TO sec_bob")
        error = "(root): expected object, found integer (type)"
        for fmt in ("text", "json"):
            with self.subTest(error_format=fmt):
                b.run(f"SET schemareg.error_format = {fmt}")
                with self.assertRaises(psycopg.errors.CheckViolation) as cm:
                    b.run("INSERT INTO public.inbox (doc, sch) VALUES ('1', 'bob/s:1')")
                d = cm.exception.diag
                row = "Failing row contains (doc, sch) = (1, bob/s:1)."
                if fmt == "text":
                    self.assertEqual(d.message_detail, row + "\n" + error)
                else:
                    self.assertEqual(json.loads(d.message_detail),
                                     [{"path": "", "schema_path": "/type", "keyword": "type",
                                       "message": "expected object, found integer"}])
                    self.assertEqual(d.context.splitlines()[0], row)
                self.assertEqual((d.schema_name, d.table_name, d.column_name, d.constraint_name),
                                 ("public", "inbox", "doc", "~schemareg_validate"))
        # The owner, who may read the key, is shown it.
        with self.assertRaises(psycopg.errors.CheckViolation) as cm:
            a.run("INSERT INTO public.inbox (doc, sch) VALUES ('1', 'bob/s:1')")
        self.assertEqual(cm.exception.diag.message_detail, "Failing row key (id)=(3).\n" + error)
        # Row-level security: even with SELECT on every column, no row is named.
        a.run("GRANT SELECT ON public.inbox TO sec_bob")
        a.run("ALTER TABLE public.inbox ENABLE ROW LEVEL SECURITY")
        a.run("CREATE POLICY bob_writes ON public.inbox FOR INSERT TO sec_bob WITH CHECK (true)")
        b.run("SET schemareg.error_format = text")
        with self.assertRaises(psycopg.errors.CheckViolation) as cm:
            b.run("INSERT INTO public.inbox (doc, sch) VALUES ('1', 'bob/s:1')")
        self.assertEqual(cm.exception.diag.message_detail, error)
        self.assertEqual(a.one("SELECT count(*) FROM public.inbox"), 0)
        self.assert_no_leak()
        self.assert_no_superuser()
        self.assert_counts_exact()

    def test_update_of_other_columns_does_not_show_the_record(self):
        """bob may UPDATE the schema column of alice's table and read only
        id and sch: a 23514 of his UPDATE must not quote the record (alice's
        markers) through its errors; the owner still sees them."""
        a, b = self.alice, self.bob
        self.create(a, "alice/strict", {"properties": {"kind": {"enum": ["other"]}}}, public=True)
        a.run("CREATE TABLE public.vault (id int PRIMARY KEY, doc jsonb, sch text)")
        a.run("SELECT schemareg.attach('public.vault', 'doc', 'sch')")
        a.run("INSERT INTO public.vault VALUES (1, %s::jsonb, 'alice/pub:1')", (J(ALICE_DOC),))
        a.run("GRANT SELECT (id, sch), UPDATE (sch) ON public.vault TO sec_bob")
        for fmt, detail in (("text", "Failing row key (id)=(1)."), ("json", "[]")):
            with self.subTest(error_format=fmt):
                b.run(f"SET schemareg.error_format = {fmt}")
                with self.assertRaises(psycopg.errors.CheckViolation) as cm:
                    b.run("UPDATE public.vault SET sch = 'alice/strict:1'")
                d = cm.exception.diag
                self.assertEqual(d.message_detail, detail)
                self.assertEqual(d.message_hint, "The record's errors (1) are not shown: "
                                                 "the current user may not read column \"doc\".")
                self.assertEqual(d.column_name, "doc")
        self.assertEqual(a.one("SELECT sch FROM public.vault"), "alice/pub:1")
        # The owner, who may read the record, is shown its errors.
        with self.assertRaises(psycopg.errors.CheckViolation) as cm:
            a.run("UPDATE public.vault SET sch = 'alice/strict:1'")
        self.assertEqual(cm.exception.diag.message_detail,
                         'Failing row key (id)=(1).\n/kind: value "SECRETENUM" is not one of the 1 allowed values (enum)')
        self.assert_no_leak()
        self.assert_counts_exact()
