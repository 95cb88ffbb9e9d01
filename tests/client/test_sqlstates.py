"""What application code sees through psycopg 3 when schemareg refuses
something: the exact SQLSTATE, message, detail and hint.

Run: /usr/bin/python3 -m unittest discover -s tests/client -p 'test_*.py' -v
Connection: libpq environment (PGHOST, PGPORT, PGUSER). The module creates
the database schemareg_client and drops it at the end; every test starts
from a freshly created extension.
"""

import json
import time
import unittest

import psycopg
from psycopg import errors, sql

DBNAME = "schemareg_client"

SENSOR = {
    "type": "object",
    "required": ["id", "readings"],
    "properties": {
        "id": {"type": "integer"},
        "readings": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["value"],
                "properties": {
                    "value": {"type": "number"},
                    "unit": {"enum": ["C", "F"]},
                },
            },
        },
    },
}

# Three errors: /id has the wrong type, /readings/2 lacks "value",
# /readings/3/unit is not an allowed unit.
BAD_SENSOR_RECORD = {
    "id": "x",
    "readings": [{"value": 1}, {"value": 2, "unit": "C"}, {}, {"value": 3, "unit": "K"}],
}


def _admin():
    return psycopg.connect(dbname="postgres", autocommit=True)


def setUpModule():
    with _admin() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(DBNAME)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DBNAME)))
    with psycopg.connect(dbname=DBNAME, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION schemareg")


def tearDownModule():
    with _admin() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(DBNAME)))


class ClientCase(unittest.TestCase):
    """A fresh registry (extension dropped and re-created) and a fresh
    autocommit connection for every test."""

    def setUp(self):
        self.conn = self.connect()
        self.conn.execute("DROP EXTENSION IF EXISTS schemareg CASCADE")
        self.conn.execute("CREATE EXTENSION schemareg")

    def tearDown(self):
        self.conn.close()

    def connect(self):
        # After a crash the server refuses connections while it recovers;
        # waiting here keeps one crash from failing every later test too.
        deadline = time.monotonic() + 20
        while True:
            try:
                conn = psycopg.connect(dbname=DBNAME, autocommit=True)
                break
            except psycopg.OperationalError as e:
                if time.monotonic() > deadline or "recovery" not in str(e) and \
                        "not yet accepting" not in str(e):
                    raise
                time.sleep(0.2)
        self.addCleanup(conn.close)
        return conn

    def one(self, query, params=None, conn=None):
        return (conn or self.conn).execute(query, params).fetchone()

    def create(self, name, definition, conn=None):
        """create_schema; returns the row as a dict."""
        cur = (conn or self.conn).cursor(row_factory=psycopg.rows.dict_row)
        return cur.execute("SELECT * FROM schemareg.create_schema(%s, %s::jsonb)",
                           (name, json.dumps(definition))).fetchone()

    def validate(self, ref, record, conn=None):
        return self.one("SELECT schemareg.validate_record(%s, %s::jsonb)",
                        (ref, json.dumps(record)), conn)[0]

    def count_rows(self):
        return self.one("SELECT count(*) FROM schemareg.schemas")[0]


class ValidationTest(ClientCase):

    def test_valid_and_invalid_record(self):
        self.create("lab/sensor", SENSOR)
        good = {"id": 7, "readings": [{"value": 1.5, "unit": "C"}]}
        self.assertIs(self.validate("lab/sensor:1", good), True)
        self.assertIs(self.validate("lab/sensor", good), True)
        self.assertIs(self.validate("lab/sensor:1", BAD_SENSOR_RECORD), False)
        self.assertIs(self.validate("lab/sensor:1", {"id": 7}), False)

    def test_validation_errors_rows(self):
        self.create("lab/sensor", SENSOR)
        rows = self.conn.execute(
            "SELECT path, keyword, message FROM schemareg.validation_errors(%s, %s::jsonb)",
            ("lab/sensor:1", json.dumps(BAD_SENSOR_RECORD))).fetchall()
        self.assertEqual(sorted((p, k) for p, k, _ in rows), [
            ("/id", "type"),
            ("/readings/2/value", "required"),
            ("/readings/3/unit", "enum"),
        ])
        messages = {p: m for p, _, m in rows}
        self.assertIn('"K"', messages["/readings/3/unit"])
        self.assertIn('"value"', messages["/readings/2/value"])
        self.assertIn("integer", messages["/id"])

    def test_validation_errors_none_for_valid_record(self):
        self.create("lab/sensor", SENSOR)
        rows = self.conn.execute("SELECT * FROM schemareg.validation_errors(%s, %s::jsonb)",
                                 ("lab/sensor", json.dumps({"id": 1, "readings": []}))).fetchall()
        self.assertEqual(rows, [])

    def test_assert_valid_raises_check_violation_listing_each_error(self):
        self.create("lab/sensor", SENSOR)
        rows = self.conn.execute(
            "SELECT path, keyword, message FROM schemareg.validation_errors(%s, %s::jsonb)",
            ("lab/sensor:1", json.dumps(BAD_SENSOR_RECORD))).fetchall()
        with self.assertRaises(errors.CheckViolation) as cm:
            self.conn.execute("SELECT schemareg.assert_valid(%s, %s::jsonb)",
                              ("lab/sensor:1", json.dumps(BAD_SENSOR_RECORD)))
        e = cm.exception
        self.assertEqual(e.sqlstate, "23514")
        self.assertEqual(e.diag.message_primary, 'record does not match schema "lab/sensor:1"')
        self.assertEqual(sorted(e.diag.message_detail.splitlines()),
                         sorted("%s: %s (%s)" % (p, m, k) for p, k, m in rows))
        self.assertIn("3", e.diag.message_hint)
        # The connection is usable afterwards.
        self.assertEqual(self.one("SELECT 1")[0], 1)

    def test_assert_valid_names_the_newest_version_for_a_bare_name(self):
        self.create("lab/sensor", SENSOR)
        with self.assertRaises(errors.CheckViolation) as cm:
            self.conn.execute("SELECT schemareg.assert_valid('lab/sensor', '{}')")
        self.assertIn('"lab/sensor:1"', cm.exception.diag.message_primary)
        self.assertIn("/readings", cm.exception.diag.message_detail + "")

    def test_assert_valid_accepts_a_valid_record(self):
        self.create("lab/sensor", SENSOR)
        # void comes back as an empty string.
        self.assertEqual(self.one("SELECT schemareg.assert_valid(%s, %s::jsonb)",
                                  ("lab/sensor:1", json.dumps({"id": 1, "readings": []})))[0], "")


class UnknownSchemaTest(ClientCase):

    CALLS = [
        "SELECT schemareg.validate_record(%s, '{}')",
        "SELECT * FROM schemareg.validation_errors(%s, '{}')",
        "SELECT schemareg.assert_valid(%s, '{}')",
        "SELECT * FROM schemareg.get_schema(%s)",
        "SELECT * FROM schemareg.update_schema(%s, '{}')",
    ]

    def test_unknown_name(self):
        for call in self.CALLS:
            with self.subTest(call=call):
                with self.assertRaises(errors.UndefinedObject) as cm:
                    self.conn.execute(call, ("nope/missing",))
                self.assertEqual(cm.exception.sqlstate, "42704")
                self.assertEqual(cm.exception.diag.message_primary,
                                 'schema "nope/missing" does not exist')

    def test_unknown_version_of_a_known_name(self):
        self.create("lab/sensor", SENSOR)
        for call in self.CALLS:
            with self.subTest(call=call):
                with self.assertRaises(errors.UndefinedObject) as cm:
                    self.conn.execute(call, ("lab/sensor:7",))
                self.assertEqual(cm.exception.diag.message_primary,
                                 'schema "lab/sensor:7" does not exist')

    def test_deleted_schema_is_unknown(self):
        self.create("lab/sensor", SENSOR)
        self.assertIs(self.one("SELECT schemareg.delete_schema('lab/sensor:1')")[0], True)
        with self.assertRaises(errors.UndefinedObject) as cm:
            self.validate("lab/sensor", {})
        self.assertIn('"lab/sensor"', cm.exception.diag.message_primary)


class MalformedRefTest(ClientCase):

    HINT_START = "A reference is name:version"

    def check_malformed(self, call, ref, detail):
        with self.assertRaises(errors.InvalidParameterValue) as cm:
            self.conn.execute(call, (ref,))
        e = cm.exception
        self.assertEqual(e.sqlstate, "22023")
        self.assertEqual(e.diag.message_primary, 'malformed schema reference "%s"' % ref)
        self.assertEqual(e.diag.message_detail, detail)
        self.assertTrue(e.diag.message_hint.startswith(self.HINT_START), e.diag.message_hint)

    CASES = [
        ("a//b", "A segment of the name is empty."),
        ("/a", "A segment of the name is empty."),
        ("a/", "A segment of the name is empty."),
        ("", "The name is empty."),
        (":1", "The name is empty."),
        ("x:0", "The version must be a positive whole number."),
        ("x:abc", "The version must be a positive whole number."),
        ("x:-1", "The version must be a positive whole number."),
        ("x:", "The version must be a positive whole number."),
        ("x:1:2", "It has more than one ':'."),
        ("a b", "The name contains the character ' '."),
        ("a" * 201, "The name is longer than 200 characters."),
    ]

    def test_malformed_refs_in_validate_record(self):
        for ref, detail in self.CASES:
            with self.subTest(ref=ref[:30]):
                self.check_malformed("SELECT schemareg.validate_record(%s, '{}')", ref, detail)

    def test_malformed_refs_in_other_functions(self):
        for call in ("SELECT * FROM schemareg.validation_errors(%s, '{}')",
                     "SELECT schemareg.assert_valid(%s, '{}')",
                     "SELECT * FROM schemareg.get_schema(%s)",
                     "SELECT schemareg.delete_schema(%s)"):
            for ref, detail in self.CASES[:1] + self.CASES[5:6] + self.CASES[-1:]:
                with self.subTest(call=call, ref=ref[:30]):
                    self.check_malformed(call, ref, detail)

    def test_malformed_names_in_create_schema(self):
        for ref, detail in [("a//b", "A segment of the name is empty."),
                            ("a" * 201, "The name is longer than 200 characters.")]:
            with self.subTest(ref=ref[:30]):
                self.check_malformed("SELECT schemareg.create_schema(%s, '{}')", ref, detail)
        self.assertEqual(self.count_rows(), 0)

    def test_non_ascii_character_is_named_whole(self):
        # The detail must name the character itself, in valid UTF-8.
        for ref in ("é", "lab/caf\u00e9", "\u65e5\u672c"):
            ch = next(c for c in ref if ord(c) > 127)
            with self.subTest(ref=ref):
                self.check_malformed("SELECT schemareg.validate_record(%s, '{}')", ref,
                                     "The name contains the character '%s'." % ch)

    def test_name_of_200_characters_is_accepted(self):
        name = "a" * 100 + "/" + "b" * 99
        self.assertEqual(len(name), 200)
        row = self.create(name, {"type": "string"})
        self.assertEqual((row["name"], row["version"]), (name, 1))
        self.assertIs(self.validate(name + ":1", "s"), True)

    def test_version_must_be_given_by_revise_not_create(self):
        with self.assertRaises(errors.InvalidParameterValue) as cm:
            self.conn.execute("SELECT schemareg.create_schema('x:2', '{}')")
        self.assertEqual(cm.exception.diag.message_primary,
                         'schema name "x:2" must not carry a version')
        self.assertEqual(self.count_rows(), 0)


class BadDefinitionTest(ClientCase):

    def check_refused(self, definition, exc_class, sqlstate):
        with self.assertRaises(exc_class) as cm:
            self.create("bad/def", definition)
        self.assertEqual(cm.exception.sqlstate, sqlstate)
        self.assertEqual(self.count_rows(), 0, "a refused definition must not be stored")
        return cm.exception

    def test_type_5(self):
        e = self.check_refused({"type": 5}, errors.InvalidObjectDefinition, "42P17")
        self.assertEqual(e.diag.message_primary,
                         "schema definition does not conform to the draft7 metaschema")
        self.assertTrue(e.diag.message_detail.startswith("/type:"), e.diag.message_detail)

    def test_minimum_string(self):
        e = self.check_refused({"minimum": "x"}, errors.InvalidObjectDefinition, "42P17")
        self.assertTrue(e.diag.message_detail.startswith("/minimum:"), e.diag.message_detail)
        self.assertIn("(type)", e.diag.message_detail)

    def test_nested_bad_keyword_is_located(self):
        e = self.check_refused({"properties": {"a": {"maxLength": -1}}},
                               errors.InvalidObjectDefinition, "42P17")
        self.assertIn("/properties/a/maxLength", e.diag.message_detail)

    def test_unknown_dollar_schema(self):
        e = self.check_refused({"$schema": "http://example.com/nope#"},
                               errors.InvalidParameterValue, "22023")
        # Neither a draft nor a registered metaschema's $id.
        self.assertEqual(e.diag.message_primary, 'unknown "$schema" "http://example.com/nope"')
        self.assertIn("default_dialect", e.diag.message_hint)

    def test_unpublished_draft_is_unknown(self):
        e = self.check_refused({"$schema": "https://json-schema.org/draft/2021-01/schema"},
                               errors.InvalidParameterValue, "22023")
        self.assertEqual(e.diag.message_detail,
                         "schemareg supports draft-04, draft-06, draft-07, 2019-09 and 2020-12.")

    def test_unknown_required_vocabulary(self):
        meta = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                "$id": "https://example.com/meta-needs-custom",
                "$vocabulary": {"https://json-schema.org/draft/2020-12/vocab/core": True,
                                "https://example.com/vocab/custom": True}}
        self.create("sqlstates/meta", meta)
        with self.assertRaises(errors.FeatureNotSupported) as cm:
            self.create("bad/def", {"$schema": "https://example.com/meta-needs-custom"})
        self.assertEqual(cm.exception.sqlstate, "0A000")
        self.assertIn("https://example.com/vocab/custom", cm.exception.diag.message_primary)
        self.assertEqual(self.count_rows(), 1, "only the metaschema is stored")

    def test_pattern_neither_engine_runs(self):
        for definition, fragment in (
                ({"pattern": "(a)\\2"}, "backreference to group 2, which does not exist"),
                ({"pattern": "(?<=a+)b"}, "lookbehind assertion is not fixed length"),
                ({"patternProperties": {"(a)(?<=\\1)": {}}},
                 "uses a backreference inside lookbehind")):
            with self.subTest(definition=definition):
                e = self.check_refused(definition, errors.InvalidParameterValue, "22023")
                self.assertIn(fragment, e.diag.message_primary)

    def test_pattern_with_lookaround_runs_on_pcre2(self):
        self.create("look/pattern", {"pattern": "^(?!@@)[\\w@]+$"})
        self.assertTrue(self.validate("look/pattern", "@user"))
        self.assertFalse(self.validate("look/pattern", "@@user"))
        self.create("look/names",
                    {"patternProperties": {"^(?!(?:meta|local)$)": {"type": "integer"}}})
        self.assertTrue(self.validate("look/names", {"meta": "x", "count": 1}))
        self.assertFalse(self.validate("look/names", {"metadata": "x"}))

    def test_pattern_over_its_limit_is_54000(self):
        self.create("look/blowup", {"pattern": "^(a+)+\\1$"})
        started = time.monotonic()
        with self.assertRaises(errors.ProgramLimitExceeded) as cm:
            self.validate("look/blowup", "a" * 30 + "!")
        self.assertLess(time.monotonic() - started, 1.0)
        e = cm.exception
        self.assertEqual(e.sqlstate, "54000")
        self.assertEqual(e.diag.message_primary,
                         'pattern "^(a+)+\\1$" exceeded its match limit')
        self.assertIn("31 bytes", e.diag.message_detail)
        self.assertIn("RE2", e.diag.message_hint)
        self.assertEqual(self.one("SELECT 1")[0], 1)  # the session goes on

    def test_ref_to_unregistered_uri(self):
        e = self.check_refused({"$ref": "http://example.com/missing.json"},
                               errors.UndefinedObject, "42704")
        self.assertIn("http://example.com/missing.json", e.diag.message_primary)
        self.assertIn("nothing is fetched", e.diag.message_detail)

    def test_unknown_backend(self):
        with self.assertRaises(errors.InvalidParameterValue) as cm:
            self.conn.execute("SELECT schemareg.create_schema('x', '{}', backend => 'elsewhere')")
        self.assertEqual(cm.exception.sqlstate, "22023")
        self.assertIn('unknown schema backend "elsewhere"', cm.exception.diag.message_primary)
        self.assertEqual(self.count_rows(), 0)

    def test_invalid_default_dialect(self):
        # Load the module first: before that, SET only makes a placeholder.
        self.conn.execute("SELECT schemareg._parse_ref('x:1')")
        with self.assertRaises(errors.InvalidParameterValue) as cm:
            self.conn.execute("SET schemareg.default_dialect = 'draft5'")
        self.assertIn("draft4, draft6, draft7", cm.exception.diag.message_hint)


if __name__ == "__main__":
    unittest.main()
