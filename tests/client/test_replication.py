"""A logical replication subscriber of the registry's tables validates with
what it applies: its backends' compiled schemas follow the replicated
changes (the registry's cache triggers are row triggers enabled ALWAYS).

Publisher and subscriber are two databases of the test cluster (which runs
with wal_level = logical, scripts/cluster.sh); on a server without it the
test is skipped, and says why.

Run: /usr/bin/python3 -m unittest discover -s tests/client -p 'test_*.py' -v
"""

import os
import time
import unittest

import psycopg
from psycopg import sql

PUB = "schemareg_rep_pub"
SUB = "schemareg_rep_sub"
SLOT = "schemareg_rep_sub"


def _connect(dbname):
    return psycopg.connect(dbname=dbname, autocommit=True)


def _drop_all(conn):
    with _connect(SUB) if _exists(conn, SUB) else _null() as sub:
        if sub is not None:
            sub.execute(f"DROP SUBSCRIPTION IF EXISTS {SLOT}")
    for db in (SUB, PUB):
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))
    if conn.execute("SELECT 1 FROM pg_replication_slots WHERE slot_name = %s", (SLOT,)).fetchone():
        conn.execute("SELECT pg_drop_replication_slot(%s)", (SLOT,))


def _exists(conn, db):
    return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,)).fetchone() is not None


class _null:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _wait_for(conn, query, expected, what):
    """Polls `query` until it returns `expected`; fails after 60 s."""
    deadline = time.monotonic() + 60
    while True:
        got = conn.execute(query).fetchone()
        if got is not None and got[0] == expected:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: still {got!r} after 60 s, expected {expected!r}")
        time.sleep(0.2)


class ReplicatedRegistryTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        with _connect("postgres") as conn:
            if conn.execute("SHOW wal_level").fetchone()[0] != "logical":
                raise unittest.SkipTest("the server runs without wal_level = logical")
            _drop_all(conn)
            for db in (PUB, SUB):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db)))
        for db in (PUB, SUB):
            with _connect(db) as conn:
                conn.execute("CREATE EXTENSION schemareg")

    @classmethod
    def tearDownClass(cls):
        with _connect("postgres") as conn:
            _drop_all(conn)

    def test_subscriber_validates_with_the_replicated_definition(self):
        pub = _connect(PUB)
        sub = _connect(SUB)
        self.addCleanup(pub.close)
        self.addCleanup(sub.close)
        pub.execute("SELECT schemareg.create_schema('rep/a', '{\"type\": \"integer\"}')")
        pub.execute("CREATE PUBLICATION schemareg_rep FOR TABLE schemareg.schema_versions, "
                    "schemareg.names, schemareg.dependencies")
        # A subscription to a database of the same cluster needs its slot made first.
        pub.execute("SELECT pg_create_logical_replication_slot(%s, 'pgoutput')", (SLOT,))
        host = os.environ.get("PGHOST", "")
        port = os.environ.get("PGPORT", "5432")
        user = os.environ.get("PGUSER", "postgres")
        sub.execute(sql.SQL("CREATE SUBSCRIPTION {} CONNECTION {} PUBLICATION schemareg_rep "
                            "WITH (create_slot = false, slot_name = {})").format(
            sql.Identifier(SLOT),
            sql.Literal(f"host={host} port={port} dbname={PUB} user={user}"),
            sql.Literal(SLOT)))
        _wait_for(sub, "SELECT count(*) FROM schemareg.schemas WHERE name = 'rep/a'", 1,
                  "the initial copy")
        # The subscriber's session compiles and caches version 1 ...
        self.assertIs(sub.execute("SELECT schemareg.validate_record('rep/a:1', '\"s\"')").fetchone()[0],
                      False)
        self.assertIs(sub.execute("SELECT schemareg.validate_record('rep/a:1', '5')").fetchone()[0],
                      True)
        # ... which the publisher edits in place (no record uses it).
        pub.execute("SELECT schemareg.update_schema('rep/a:1', '{\"type\": \"string\"}')")
        _wait_for(sub, "SELECT definition::text FROM schemareg.schemas WHERE name = 'rep/a'",
                  '{"type": "string"}', "the replicated update")
        # The same session now validates with the replicated definition.
        self.assertIs(sub.execute("SELECT schemareg.validate_record('rep/a:1', '\"s\"')").fetchone()[0],
                      True)
        self.assertIs(sub.execute("SELECT schemareg.validate_record('rep/a:1', '5')").fetchone()[0],
                      False)
        # A new version replicates too, and is used at once.
        pub.execute("SELECT schemareg.revise_schema('rep/a:1', '{\"type\": \"boolean\"}')")
        _wait_for(sub, "SELECT count(*) FROM schemareg.schemas WHERE name = 'rep/a'", 2,
                  "the replicated revision")
        self.assertIs(sub.execute("SELECT schemareg.validate_record('rep/a', 'true')").fetchone()[0],
                      True)


if __name__ == "__main__":
    unittest.main()
