"""Moving a registry between databases (issue 12, item 5): export() in one,
import() in another, through psycopg; the records of a table copied along
validate and count there after attach(); DROP EXTENSION ... CASCADE and
CREATE EXTENSION in the target, then import() again, give the same registry;
pg_dump and pg_restore --clean still work with the DROP EXTENSION warning.

Run: /usr/bin/python3 -m unittest discover -s tests/client -p 'test_*.py' -v
"""

import json
import os
import subprocess
import tempfile

import psycopg
from psycopg import errors, sql

from test_sqlstates import ClientCase, setUpModule, tearDownModule  # noqa: F401

TARGET = "schemareg_client_target"
RESTORED = "schemareg_client_restored"


def admin():
    return psycopg.connect(dbname="postgres", autocommit=True)


class ExportImportAcrossDatabasesTest(ClientCase):

    def setUp(self):
        super().setUp()
        with admin() as conn:
            for db in (TARGET, RESTORED):
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db)))
            if conn.execute("SELECT FROM pg_roles WHERE rolname = 'client_export_owner'").fetchone() is None:
                conn.execute("CREATE ROLE client_export_owner")
        self.target = psycopg.connect(dbname=TARGET, autocommit=True)
        self.addCleanup(self.target.close)
        self.notices = []
        self.target.add_notice_handler(lambda d: self.notices.append((d.severity_nonlocalized,
                                                                      d.message_primary)))
        self.target.execute("CREATE EXTENSION schemareg")
        self.source_registry()

    def tearDown(self):
        super().tearDown()
        self.target.close()
        with admin() as conn:
            for db in (TARGET, RESTORED):
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))
            conn.execute("DROP ROLE IF EXISTS client_export_owner")

    def source_registry(self):
        """shop/address:1..2 (public, by $id), shop/customer:1..2 of another
        role (version 3 deleted, BACKWARD), records naming shop/customer:2."""
        c = self.conn
        c.execute("""SELECT schemareg.create_schema('shop/address',
                       '{"$id": "https://example.com/address", "type": "object"}', 'addresses', true)""")
        c.execute("SET ROLE client_export_owner")
        c.execute("""SELECT schemareg.create_schema('shop/customer',
                       '{"properties": {"home": {"$ref": "https://example.com/address"}}}')""")
        c.execute("RESET ROLE")
        c.execute("""SELECT schemareg.revise_schema('shop/address:1',
                       '{"$id": "https://example.com/address", "type": "object", "required": ["city"]}')""")
        c.execute("SET ROLE client_export_owner")
        c.execute("""SELECT schemareg.revise_schema('shop/customer:1',
                       '{"required": ["name"], "properties": {"name": {"type": "string"},
                         "home": {"$ref": "https://example.com/address"}}}')""")
        c.execute("""SELECT schemareg.revise_schema('shop/customer:2', '{}')""")
        c.execute("SELECT schemareg.delete_schema('shop/customer:3')")
        c.execute("SELECT schemareg.set_compatibility('shop/customer', 'BACKWARD')")
        c.execute("RESET ROLE")
        c.execute("DROP TABLE IF EXISTS customers")
        c.execute("CREATE TABLE customers (id int PRIMARY KEY, doc jsonb, sch text)")
        c.execute("SELECT schemareg.attach('customers', 'doc', 'sch')")
        c.execute("""INSERT INTO customers VALUES (1, '{"name": "Ada", "home": {"city": "Oslo"}}', 'shop/customer:2'),
                     (2, '{"name": "Bo"}', 'shop/customer:2'), (3, '{}', 'shop/customer:1')""")

    def state(self, conn):
        return {
            "versions": conn.execute(
                "SELECT name, version, definition, dialect, encode(hash, 'hex'), status, owner::text, public,"
                " description, created_by::text, created_at FROM schemareg.schemas ORDER BY 1, 2").fetchall(),
            "names": conn.execute("SELECT name, last_version, compatibility, owner::text FROM schemareg.names"
                                  " ORDER BY 1").fetchall(),
            "uses": conn.execute("SELECT * FROM schemareg.schema_dependencies ORDER BY 1, 2").fetchall(),
        }

    def copy_records(self):
        self.target.execute("CREATE TABLE customers (id int PRIMARY KEY, doc jsonb, sch text)")
        with self.target.cursor().copy("COPY customers FROM STDIN") as copy:
            for row in self.conn.execute("SELECT id, doc::text, sch FROM customers ORDER BY id"):
                copy.write_row(row)

    def test_into_another_database(self):
        exported = self.one("SELECT schemareg.export()")[0]
        rows = self.target.execute("SELECT * FROM schemareg.import(%s)", (json.dumps(exported),)).fetchall()
        self.assertEqual(rows, [("shop/address:1", "imported"), ("shop/address:2", "imported"),
                                ("shop/customer:1", "imported"), ("shop/customer:2", "imported")])
        self.assertEqual(self.target.execute("SELECT schemareg.export()").fetchone()[0], exported)
        self.assertEqual(self.state(self.target), self.state(self.conn))
        # The records come along and are bound there: checked and counted.
        self.copy_records()
        self.target.execute("SELECT schemareg.attach('customers', 'doc', 'sch')")
        counts = "SELECT name || ':' || version, ref_count FROM schemareg.schemas ORDER BY 1"
        self.assertEqual(self.target.execute(counts).fetchall(), self.conn.execute(counts).fetchall())
        self.assertEqual(self.target.execute(counts).fetchall()[2:], [("shop/customer:1", 1), ("shop/customer:2", 2)])
        with self.assertRaises(errors.CheckViolation):
            self.target.execute("""INSERT INTO customers VALUES (4, '{"name": 4}', 'shop/customer:2')""")
        self.assertEqual(self.target.execute("SELECT * FROM schemareg.check()").fetchall(), [])
        # The numbering goes on: shop/customer:3 was deleted in the source.
        self.assertEqual(self.target.execute(
            "SELECT (schemareg.revise_schema('shop/customer:2', '{\"required\": [\"name\"]}')).version"
        ).fetchone()[0], 4)

    def test_through_drop_extension_in_the_target(self):
        exported = self.one("SELECT schemareg.export()")[0]
        self.target.execute("SELECT * FROM schemareg.import(%s)", (json.dumps(exported),))
        self.copy_records()
        self.target.execute("SELECT schemareg.attach('customers', 'doc', 'sch')")
        saved = self.target.execute("SELECT schemareg.export()").fetchone()[0]
        self.notices.clear()
        self.target.execute("DROP EXTENSION schemareg CASCADE")
        self.assertIn(("WARNING", "DROP EXTENSION schemareg destroys 4 schema versions of 2 names"), self.notices)
        self.target.execute("CREATE EXTENSION schemareg")
        self.target.execute("SELECT * FROM schemareg.import(%s)", (json.dumps(saved),))
        self.assertEqual(self.target.execute("SELECT schemareg.export()").fetchone()[0], exported)
        self.assertEqual(self.state(self.target), self.state(self.conn))
        self.target.execute("SELECT schemareg.attach('customers', 'doc', 'sch')")
        self.assertTrue(self.target.execute(
            "SELECT schemareg.validate_record('shop/customer:2', doc) FROM customers WHERE id = 1").fetchone()[0])
        self.assertEqual(self.target.execute(
            "SELECT ref_count FROM schemareg.schemas WHERE name = 'shop/customer' AND version = 2").fetchone()[0], 2)
        # The same document once more: nothing to do, and it says so.
        self.notices.clear()
        rows = self.target.execute("SELECT * FROM schemareg.import(%s)", (json.dumps(saved),)).fetchall()
        self.assertEqual({a for _, a in rows}, {"present"})
        self.assertIn(("NOTICE", "import: nothing to do, all 4 versions are here already"), self.notices)

    def test_dump_and_restore_with_clean(self):
        """pg_restore --clean drops the extension (its WARNING goes to the
        server's log: pg_restore does not show notices) and restores the
        same registry. (With the table detached: pg_restore
        --clean's DROP TRIGGER of a bound table's schemareg triggers is
        refused, 2BP01, with or without this warning.)"""
        env = dict(os.environ)
        self.conn.execute("SELECT schemareg.detach('customers')")
        with tempfile.TemporaryDirectory() as work:
            dump = os.path.join(work, "source.dump")
            subprocess.run(["pg_dump", "-Fc", "-d", "schemareg_client", "-f", dump], check=True, env=env)
            subprocess.run(["pg_restore", "-d", RESTORED, dump], check=True, env=env, capture_output=True)
            result = subprocess.run(["pg_restore", "--clean", "--if-exists", "-d", RESTORED, dump],
                                    env=env, capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, result.stderr)
        with psycopg.connect(dbname=RESTORED, autocommit=True) as restored:
            self.assertEqual(self.state(restored), self.state(self.conn))
            self.assertEqual(restored.execute("SELECT schemareg.export()").fetchone()[0],
                             self.one("SELECT schemareg.export()")[0])
            self.assertEqual(restored.execute("SELECT * FROM schemareg.check()").fetchall(), [])
