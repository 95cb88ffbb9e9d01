"""Hostile input must end in a result or a clean error, never in a crash of
the server, and long validations must obey statement_timeout.

Run: /usr/bin/python3 -m unittest discover -s tests/client -p 'test_*.py' -v
"""

import json
import threading
import time
import unittest

from psycopg import errors

from test_sqlstates import ClientCase, setUpModule, tearDownModule  # noqa: F401

# allOf of two identical recursive branches: evaluating an array nested d
# levels deep visits 2**d schema nodes while the record stays tiny.
EXPONENTIAL = {"allOf": [{"items": {"$ref": "#"}}, {"items": {"$ref": "#"}}]}


def nested_array(depth):
    return "[" * depth + "]" * depth


class ServerSurvivesCase(ClientCase):
    """Checks after each test that the server did not restart."""

    def setUp(self):
        super().setUp()
        self.started = self.one("SELECT pg_postmaster_start_time()")[0]

    def assertServerUp(self, conn=None):
        conn = conn or self.conn
        self.assertEqual(self.one("SELECT 1", conn=conn)[0], 1)
        fresh = self.connect()
        self.assertEqual(self.one("SELECT pg_postmaster_start_time()", conn=fresh)[0],
                         self.started, "the server restarted")

    def result_or_limit(self, query, params, conn=None):
        """The query's single value, or None when it failed with 54000."""
        try:
            return self.one(query, params, conn)[0]
        except errors.ProgramLimitExceeded as e:
            self.assertEqual(e.sqlstate, "54000")
            return None


class DeepNestingTest(ServerSurvivesCase):

    SCHEMAS = {
        "any": {},
        "items": {"items": {"items": {"type": "array"}}},
        "recursive": {"anyOf": [{"type": "null"}, {"items": {"$ref": "#"}}]},
        "unique": {"uniqueItems": True},
        "exponential": EXPONENTIAL,
    }

    def setUp(self):
        super().setUp()
        for name, definition in self.SCHEMAS.items():
            self.create(name, definition)

    def check_deep_records(self):
        deep = nested_array(10000)
        for name in self.SCHEMAS:
            with self.subTest(schema=name):
                got = self.result_or_limit("SELECT schemareg.validate_record(%s, %s::jsonb)",
                                           (name, deep))
                self.assertIn(got, (True, None))
                self.result_or_limit("SELECT count(*) FROM schemareg.validation_errors(%s, %s::jsonb)",
                                     (name, deep))
        # Two equal deep items for uniqueItems: a deep comparison.
        pair = "[" + nested_array(9990) + "," + nested_array(9990) + "]"
        got = self.result_or_limit("SELECT schemareg.validate_record('unique', %s::jsonb)",
                                   (pair,))
        self.assertIn(got, (False, None))
        self.assertServerUp()

    def test_record_nested_10000_levels(self):
        # A schema that descends into every level stops at schemareg.max_depth;
        # one that reads nothing does not care how deep the record is.
        with self.assertRaises(errors.ProgramLimitExceeded) as cm:
            self.validate_text("recursive", nested_array(10000))
        self.assertEqual(cm.exception.sqlstate, "54000")
        self.assertTrue(self.validate_text("any", nested_array(10000)))
        self.assertIn("schemareg.max_depth", cm.exception.diag.message_hint)
        self.check_deep_records()

    def test_record_nested_10000_levels_with_the_highest_max_depth(self):
        self.conn.execute("SET schemareg.max_depth = 10000")
        self.check_deep_records()

    def test_definition_nested_deeply(self):
        self.conn.execute("SET schemareg.max_depth = 10000")
        definition = '{"items":' * 9000 + "{}" + "}" * 9000
        # Deeper than the stack allows checking: refused before anything recurses on it.
        with self.assertRaises(errors.ProgramLimitExceeded) as cm:
            self.conn.execute("SELECT schemareg.create_schema('deepdef', %s::jsonb)", (definition,))
        self.assertIn("nested 9001 levels deep", cm.exception.diag.message_primary)
        self.assertServerUp()

    def validate_text(self, name, text):
        return self.one("SELECT schemareg.validate_record(%s, %s::jsonb)", (name, text))[0]


class RegexTest(ServerSurvivesCase):

    def test_alternation_star_on_a_million_characters(self):
        self.create("ab", {"type": "string", "pattern": "^(a|b)*$"})
        s = "ab" * 500000
        self.assertIs(self.validate("ab", s), True)
        self.assertIs(self.validate("ab", s + "c"), False)
        self.assertServerUp()

    def test_pattern_properties_on_long_keys(self):
        self.create("pp", {"patternProperties": {"^(a|b)*$": {"type": "integer"}}})
        key = "ab" * 200000
        self.assertIs(self.validate("pp", {key: 1}), True)
        self.assertIs(self.validate("pp", {key: "x"}), False)
        self.assertServerUp()


class TimeoutTest(ServerSurvivesCase):

    def test_statement_timeout_cancels_a_long_validation(self):
        self.create("expo", EXPONENTIAL)
        # 2^40 evaluations (depth 24 already takes over a second): this only
        # ends early because the validator polls for the cancel. The bound is
        # not a speed claim: without polling the call would run for days.
        self.conn.execute("SET statement_timeout = '200ms'")
        start = time.monotonic()
        with self.assertRaises(errors.QueryCanceled) as cm:
            self.one("SELECT schemareg.validate_record('expo', %s::jsonb)", (nested_array(40),))
        self.assertEqual(cm.exception.sqlstate, "57014")
        with self.assertRaises(errors.QueryCanceled):
            self.one("SELECT count(*) FROM schemareg.validation_errors('expo', %s::jsonb)",
                     (nested_array(40),))
        with self.assertRaises(errors.QueryCanceled):
            self.one("SELECT schemareg.assert_valid('expo', %s::jsonb)", (nested_array(40),))
        self.assertLess(time.monotonic() - start, 60, "a cancel was not acted on")
        self.conn.execute("RESET statement_timeout")
        # The backend and its cached schema still work.
        self.assertIs(self.validate("expo", [[[]]]), True)
        self.assertIs(self.validate("expo", [[5]]), True)
        self.assertServerUp()

    def test_cancel_from_another_thread(self):
        self.create("expo", EXPONENTIAL)
        timer = threading.Timer(0.2, self.conn.cancel)
        timer.start()
        try:
            with self.assertRaises(errors.QueryCanceled):
                self.one("SELECT schemareg.validate_record('expo', %s::jsonb)", (nested_array(40),))
        finally:
            timer.cancel()
        self.assertServerUp()


if __name__ == "__main__":
    unittest.main()
