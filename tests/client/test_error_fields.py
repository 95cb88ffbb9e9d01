"""Structured errors (issue 12, item 7): what psycopg reads from a bound
table's 23514 (diag fields, the failing row, the JSON detail), the schema
path of each error, and validation_report's "basic" output.

Run: /usr/bin/python3 -m unittest discover -s tests/client -p 'test_error_fields.py' -v
Connection: libpq environment (PGHOST, PGPORT, PGUSER). Works in the
database schemareg_errors, made and dropped here.
"""

import json
import unittest

import psycopg
from psycopg import errors, sql

DBNAME = "schemareg_errors"

SENSOR = {
    "definitions": {"reading": {"type": "number", "minimum": -40}},
    "type": "object",
    "required": ["t"],
    "properties": {"t": {"$ref": "#/definitions/reading"},
                   "tags": {"type": "array", "items": {"type": "string"}}},
}
# A key that the text format cannot say unambiguously: a newline, quotes,
# ": ", a control character, non-ASCII text and a "/" (escaped as ~1).
HARD_KEY = 'a\n"b": c\x01 é/x'


def _admin():
    return psycopg.connect(dbname="postgres", autocommit=True)


def setUpModule():
    with _admin() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DBNAME)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DBNAME)))


def tearDownModule():
    with _admin() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DBNAME)))


class ErrorFieldsTest(unittest.TestCase):

    def setUp(self):
        self.conn = psycopg.connect(dbname=DBNAME, autocommit=True)
        self.addCleanup(self.conn.close)
        c = self.conn
        c.execute("DROP SCHEMA IF EXISTS lab CASCADE")
        c.execute("DROP EXTENSION IF EXISTS schemareg CASCADE")
        c.execute("CREATE EXTENSION schemareg")
        c.execute("SELECT schemareg.create_schema('lab/sensor', %s::jsonb)", (json.dumps(SENSOR),))
        c.execute("SELECT schemareg.create_schema('lab/hard', %s::jsonb)",
                  (json.dumps({"properties": {HARD_KEY: {"type": "integer"}}}),))
        c.execute("CREATE SCHEMA lab")
        c.execute("CREATE TABLE lab.readings (id int PRIMARY KEY, doc jsonb, sch text)")
        c.execute("SELECT schemareg.attach('lab.readings', 'doc', 'sch')")
        c.execute("CREATE TABLE lab.log (at text, doc jsonb, sch text)")
        c.execute("SELECT schemareg.attach('lab.log', 'doc', 'sch')")

    def refused(self, query, params=None):
        with self.assertRaises(errors.CheckViolation) as cm:
            self.conn.execute(query, params)
        return cm.exception

    def test_diag_fields_of_a_bound_table(self):
        e = self.refused("INSERT INTO lab.readings VALUES (1, '{\"t\": -50}', 'lab/sensor:1')")
        d = e.diag
        self.assertEqual(d.sqlstate, "23514")
        self.assertEqual(d.message_primary,
                         'new row for table "readings" does not match schema "lab/sensor:1"')
        self.assertEqual(d.message_detail,
                         "Failing row key (id)=(1).\n"
                         "/t: -50 is less than the minimum -40 (minimum)")
        self.assertEqual((d.schema_name, d.table_name, d.column_name, d.constraint_name),
                         ("lab", "readings", "doc", "~schemareg_validate"))
        # The C++ code that raised it, not the shim that reported it.
        self.assertEqual((d.source_file, d.source_function), ("records.cpp", "_validate_row_cpp"))
        self.assertGreater(int(d.source_line), 0)
        self.assertEqual(self.conn.execute("SELECT count(*) FROM lab.readings").fetchone()[0], 0)

    def test_null_record_names_its_column(self):
        with self.assertRaises(errors.NotNullViolation) as cm:
            self.conn.execute("INSERT INTO lab.readings VALUES (1, NULL, 'lab/sensor:1')")
        d = cm.exception.diag
        self.assertEqual((d.schema_name, d.table_name, d.column_name, d.constraint_name),
                         ("lab", "readings", "doc", None))
        self.assertEqual((d.source_file, d.source_function), ("records.cpp", "_validate_row_cpp"))

    def test_multi_row_statements_name_the_failing_row(self):
        c = self.conn
        e = self.refused("INSERT INTO lab.readings SELECT g, jsonb_build_object('t', 50 - g), "
                         "'lab/sensor:1' FROM generate_series(1, 100) g")
        self.assertEqual(e.diag.message_detail,
                         "Failing row key (id)=(91).\n/t: -41 is less than the minimum -40 (minimum)")
        e = self.refused("INSERT INTO lab.readings VALUES (7, '{\"t\": 1}', 'lab/sensor'), "
                         "(8, '{}', 'lab/sensor')")
        self.assertEqual(e.diag.message_detail,
                         'Failing row key (id)=(8).\n/t: required property "t" is missing (required)')
        c.execute("INSERT INTO lab.readings SELECT g, jsonb_build_object('t', g), 'lab/sensor:1' "
                  "FROM generate_series(1, 10) g")
        e = self.refused("UPDATE lab.readings SET doc = jsonb_build_object('t', id - 46)")
        self.assertEqual(e.diag.message_detail,
                         "Failing row key (id)=(1).\n/t: -45 is less than the minimum -40 (minimum)")
        # COPY, into a table without a primary key: the row's values, each
        # cut at 64 bytes as PostgreSQL's CHECK violations show them.
        long_tag = "x" * 100
        with self.assertRaises(errors.CheckViolation) as cm:
            with c.cursor().copy("COPY lab.log FROM STDIN") as copy:
                copy.write_row(("a", json.dumps({"t": 1}), "lab/sensor:1"))
                copy.write_row(("b", json.dumps({"t": 2, "tags": [long_tag, 3]}), "lab/sensor:1"))
        doc = json.dumps({"t": 2, "tags": [long_tag, 3]})
        self.assertEqual(cm.exception.diag.message_detail,
                         f"Failing row contains (b, {doc[:64]}..., lab/sensor:1).\n"
                         "/tags/1: expected string, found integer (type)")
        self.assertEqual(cm.exception.diag.table_name, "log")
        self.assertEqual(c.execute("SELECT count(*) FROM lab.log").fetchone()[0], 0)

    def test_json_detail_round_trips_hard_keys(self):
        c = self.conn
        c.execute("SET schemareg.error_format = 'json'")
        record = {HARD_KEY: "no", "t": 1}
        e = self.refused("INSERT INTO lab.readings VALUES (3, %s::jsonb, 'lab/hard:1')",
                         (json.dumps(record),))
        self.assertEqual(json.loads(e.diag.message_detail), [
            {"path": "/a\n\"b\": c\x01 é~1x", "schema_path": "/properties/a\n\"b\": c\x01 é~1x/type",
             "keyword": "type", "message": "expected integer, found string"}])
        # The failing row is named in the context; the detail stays one array.
        self.assertEqual(e.diag.context.splitlines()[0], "Failing row key (id)=(3).")
        self.assertEqual(e.diag.column_name, "doc")
        # assert_valid too, with the errors past max_error_detail counted.
        c.execute("SET schemareg.max_error_detail = 1")
        e = self.refused("SELECT schemareg.assert_valid('lab/sensor', '{\"t\": \"hot\", \"tags\": [1]}')")
        self.assertEqual(json.loads(e.diag.message_detail), [
            {"path": "/t", "schema_path": "/properties/t/$ref/type", "keyword": "type",
             "message": "expected number, found string"},
            {"path": None, "schema_path": None, "keyword": None, "message": "... and 1 more error"}])
        self.assertEqual(e.diag.message_hint, "2 errors in all.")
        c.execute("SET schemareg.error_format = 'text'")
        e = self.refused("SELECT schemareg.assert_valid('lab/sensor', '{\"t\": \"hot\", \"tags\": [1]}')")
        self.assertEqual(e.diag.message_detail, "/t: expected number, found string (type)\n... and 1 more")
        with self.assertRaises(errors.InvalidParameterValue):
            c.execute("SET schemareg.error_format = 'xml'")

    def test_schema_path_column_and_stored_errors(self):
        c = self.conn
        rows = c.execute("SELECT * FROM schemareg.validation_errors('lab/sensor:1', "
                         "'{\"t\": -41, \"tags\": [\"a\", 2]}')").fetchall()
        self.assertEqual(rows, [
            ("/t", "minimum", "-41 is less than the minimum -40", "/properties/t/$ref/minimum"),
            ("/tags/1", "type", "expected string, found integer", "/properties/tags/items/type")])
        # 0.1.0's three columns, by name and by position, as before.
        self.assertEqual(c.execute("SELECT path, keyword, message FROM schemareg.validation_errors("
                                   "'lab/sensor:1', '{}')").fetchall(),
                         [("/t", "required", 'required property "t" is missing')])
        c.execute("CREATE TABLE lab.flagged (id int, doc jsonb, sch text, errs jsonb)")
        c.execute("SELECT schemareg.attach('lab.flagged', 'doc', 'sch', 'flag', 'errs')")
        c.execute("INSERT INTO lab.flagged VALUES (1, '{\"t\": \"x\"}', 'lab/sensor:1')")
        self.assertEqual(c.execute("SELECT errs FROM lab.flagged").fetchone()[0], [
            {"path": "/t", "schema_path": "/properties/t/$ref/type", "keyword": "type",
             "message": "expected number, found string"}])
        self.assertEqual(c.execute("SELECT errors FROM schemareg.record_errors('lab.flagged')").fetchone()[0],
                         [{"path": "/t", "schema_path": "/properties/t/$ref/type", "keyword": "type",
                           "message": "expected number, found string"}])

    def test_validation_report_basic_output(self):
        c = self.conn
        report = c.execute("SELECT schemareg.validation_report('lab/sensor', "
                           "'{\"t\": -41, \"tags\": [2]}')").fetchone()[0]
        self.assertEqual(report, {"valid": False, "errors": [
            {"keywordLocation": "/properties/t/$ref/minimum", "instanceLocation": "/t",
             "error": "-41 is less than the minimum -40"},
            {"keywordLocation": "/properties/tags/items/type", "instanceLocation": "/tags/0",
             "error": "expected string, found integer"}]})
        self.assertEqual(c.execute("SELECT schemareg.validation_report('lab/sensor:1', '{\"t\": 0}')")
                         .fetchone()[0], {"valid": True})
        c.execute("SET schemareg.max_errors = 1")
        self.assertEqual(c.execute("SELECT schemareg.validation_report('lab/sensor', "
                                   "'{\"tags\": [1, 2, 3]}')").fetchone()[0],
                         {"valid": False, "more_errors": 3, "errors": [
                             {"keywordLocation": "/required", "instanceLocation": "/t",
                              "error": 'required property "t" is missing'}]})
        with self.assertRaises(errors.UndefinedObject):
            c.execute("SELECT schemareg.validation_report('lab/nothing', '{}')")


if __name__ == "__main__":
    unittest.main()
