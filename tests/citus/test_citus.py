"""schemareg beside Citus (issue 13, first step): local tables of the
coordinator work as on one node.

Run by tests/citus/run.sh, which starts a coordinator and two workers
(SCHEMAREG_CITUS_PORTS, on PGHOST) and stops them again.
"""

import json
import os
import unittest

import psycopg
from psycopg import sql

DBNAME = "schemareg_citus"
PORTS = [int(p) for p in os.environ.get("SCHEMAREG_CITUS_PORTS", "54329 54330 54331").split()]
HOST = os.environ.get("PGHOST", "127.0.0.1")


def connect(port, dbname=DBNAME):
    return psycopg.connect(host=HOST, port=port, dbname=dbname, user="postgres", autocommit=True)


def setUpModule():
    for port in PORTS:
        with connect(port, "postgres") as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DBNAME)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DBNAME)))
        with connect(port) as conn:
            conn.execute("CREATE EXTENSION citus")
    with connect(PORTS[0]) as conn:
        conn.execute("SELECT citus_set_coordinator_host(%s, %s)", (HOST, PORTS[0]))
        for port in PORTS[1:]:
            conn.execute("SELECT citus_add_node(%s, %s)", (HOST, port))
        # Propagated to the workers by Citus.
        conn.execute("CREATE EXTENSION schemareg")


def tearDownModule():
    for port in PORTS:
        with connect(port, "postgres") as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DBNAME)))


class CitusCase(unittest.TestCase):

    def setUp(self):
        self.conn = connect(PORTS[0])
        self.addCleanup(self.conn.close)
        self.workers = [connect(p) for p in PORTS[1:]]
        for w in self.workers:
            self.addCleanup(w.close)

    def run_sql(self, query, params=None, conn=None):
        cur = (conn or self.conn).execute(query, params)
        return cur.fetchall() if cur.description else None

    def one(self, query, params=None, conn=None):
        return (conn or self.conn).execute(query, params).fetchone()[0]

    def fails(self, query, params=None, conn=None):
        """The error a statement raises, as psycopg's diagnostics."""
        with self.assertRaises(psycopg.Error) as caught:
            (conn or self.conn).execute(query, params)
        return caught.exception.diag

    def table(self, name, ddl="(id bigint PRIMARY KEY, doc jsonb, sch text)"):
        self.run_sql(f"CREATE TABLE {name} {ddl}")
        self.addCleanup(self.run_sql, f"DROP TABLE IF EXISTS {name} CASCADE")

    def schema(self, name, definition):
        return self.one("SELECT version FROM schemareg.create_schema(%s, %s::jsonb)",
                        (name, json.dumps(definition)))

    def state(self, table):
        """What schemareg and Citus hold of a table, on every node."""
        oid = self.one("SELECT to_regclass(%s)::oid", (table,))
        base = table.split(".")[-1]
        return {
            "binding": self.run_sql("SELECT tbl::text, record_column, schema_column, mode FROM schemareg.bindings"
                                    " WHERE tbl = %s", (oid,)),
            "counts": self.run_sql("SELECT schema_id, sum(n)::bigint FROM schemareg.record_counts"
                                   " WHERE tbl = %s GROUP BY 1 ORDER BY 1", (oid,)),
            "triggers": self.run_sql("SELECT tgname::text FROM pg_trigger WHERE tgrelid = %s"
                                     " AND NOT tgisinternal ORDER BY 1", (oid,)),
            "citus": self.run_sql("SELECT partmethod::text, repmodel::text FROM pg_dist_partition"
                                  " WHERE logicalrelid = %s", (oid,)),
            "shards": self.run_sql("SELECT count(*) FROM pg_dist_shard WHERE logicalrelid = %s", (oid,)),
            "rows": self.run_sql(f"SELECT id, doc::text, sch FROM {table} ORDER BY id"),
            # Shards are named after the table, with the shard's number.
            "worker tables": [self.run_sql("SELECT count(*) FROM pg_class WHERE relname ~ %s",
                                           (f"^{base}_[0-9]+$",), w) for w in self.workers],
        }

    def assert_refused(self, diag, table, sqlstate="0A000"):
        self.assertEqual(diag.sqlstate, sqlstate, diag.message_primary)
        self.assertIn(table, diag.message_primary)
        self.assertTrue(diag.message_detail, "no DETAIL")
        self.assertTrue(diag.message_hint, "no HINT")


SENSOR = {"type": "object", "required": ["t"], "properties": {"t": {"type": "number", "minimum": -40}}}


class LocalTablesTest(CitusCase):
    """Local tables of the coordinator are bound, checked and counted as on
    one node, with Citus loaded and the extension on every node."""

    def test_extension_on_every_node(self):
        version = self.one("SELECT extversion FROM pg_extension WHERE extname = 'schemareg'")
        for w in self.workers:
            self.assertEqual(self.one("SELECT extversion FROM pg_extension WHERE extname = 'schemareg'",
                                      conn=w), version)

    def test_bound_local_table(self):
        self.assertEqual(self.schema("citus/local", SENSOR), 1)
        self.addCleanup(self.run_sql, "SELECT schemareg.delete_schema('citus/local:1')")
        self.table("local_readings")
        self.run_sql("SELECT schemareg.attach('local_readings', 'doc', 'sch')")
        self.run_sql("INSERT INTO local_readings VALUES (1, '{\"t\": 20}', 'citus/local:1'),"
                     " (2, '{\"t\": -3}', 'citus/local')")
        diag = self.fails("INSERT INTO local_readings VALUES (3, '{\"t\": -50}', 'citus/local:1')")
        self.assertEqual(diag.sqlstate, "23514")
        self.assertEqual(self.one("SELECT ref_count FROM schemareg.get_schema('citus/local:1')"), 2)
        self.assertEqual(self.run_sql("SELECT id, sch FROM local_readings ORDER BY id"),
                         [(1, "citus/local:1"), (2, "citus/local:1")])
        self.assertEqual(self.fails("SELECT schemareg.delete_schema('citus/local:1')").sqlstate, "2BP01")
        self.run_sql("DELETE FROM local_readings WHERE id = 1")
        self.assertEqual(self.one("SELECT ref_count FROM schemareg.get_schema('citus/local:1')"), 1)
        self.assertEqual(self.run_sql("SELECT * FROM schemareg.recount() WHERE stored <> actual"), [])
        self.assertEqual(self.run_sql("SELECT partmethod FROM pg_dist_partition"
                                      " WHERE logicalrelid = 'local_readings'::regclass"), [])
        self.run_sql("SELECT schemareg.detach('local_readings')")
