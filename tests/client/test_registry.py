"""The registry's lifecycle as application code sees it through psycopg 3:
create (idempotent), update, delete, get, dialects, remote references and the
per-backend cache of compiled schemas.

Run: /usr/bin/python3 -m unittest discover -s tests/client -p 'test_*.py' -v
"""

import hashlib
import json
import unittest

import psycopg
from psycopg import errors

from test_sqlstates import ClientCase, SENSOR, setUpModule, tearDownModule  # noqa: F401


class CreateTest(ClientCase):

    def test_create_returns_version_1_row(self):
        row = self.create("lab/sensor", SENSOR)
        self.assertEqual((row["name"], row["version"], row["status"], row["dialect"],
                          row["ref_count"], row["backend"], row["public"]),
                         ("lab/sensor", 1, "exists", "draft7", 0, "builtin", False))
        self.assertEqual(row["definition"], SENSOR)

    def test_create_is_idempotent(self):
        first = self.create("lab/sensor", SENSOR)
        second = self.create("lab/sensor", SENSOR)
        self.assertEqual(first["id"], second["id"])
        self.assertEqual(second["version"], 1)
        self.assertEqual(self.count_rows(), 1)

    def test_create_with_other_content_is_duplicate_object(self):
        self.create("lab/sensor", SENSOR)
        with self.assertRaises(errors.DuplicateObject) as cm:
            self.create("lab/sensor", {"type": "string"})
        e = cm.exception
        self.assertEqual(e.sqlstate, "42710")
        self.assertEqual(e.diag.message_primary,
                         'schema "lab/sensor" already exists with another definition')
        self.assertEqual(e.diag.message_detail, "Its newest version is lab/sensor:1.")
        self.assertIn("revise_schema", e.diag.message_hint)
        self.assertIn("'lab/sensor:1'", e.diag.message_hint)
        self.assertEqual(self.count_rows(), 1)
        self.assertEqual(self.one("SELECT definition FROM schemareg.schemas")[0], SENSOR)

    def test_hash_is_sha256_of_the_definition(self):
        row = self.create("lab/sensor", SENSOR)
        text = self.one("SELECT definition::text FROM schemareg.schemas WHERE id = %s",
                        (row["id"],))[0]
        self.assertEqual(bytes(row["hash"]), hashlib.sha256(text.encode()).digest())


class DeleteTest(ClientCase):

    def test_delete_then_delete_again(self):
        notices = []
        # A notice's fields must be read inside the handler.
        self.conn.add_notice_handler(lambda d: notices.append(
            (d.severity_nonlocalized, d.sqlstate, d.message_primary)))
        self.create("lab/sensor", SENSOR)
        self.assertIs(self.one("SELECT schemareg.delete_schema('lab/sensor:1')")[0], True)
        self.assertEqual(notices, [])
        self.assertEqual(self.count_rows(), 0)
        self.assertIs(self.one("SELECT schemareg.delete_schema('lab/sensor:1')")[0], False)
        self.assertEqual(notices, [
            ("NOTICE", "00000", 'schema "lab/sensor:1" does not exist, skipping')])

    def test_delete_by_bare_name(self):
        self.create("lab/sensor", SENSOR)
        self.assertIs(self.one("SELECT schemareg.delete_schema('lab/sensor')")[0], True)
        self.assertEqual(self.count_rows(), 0)

    def test_name_goes_on_from_its_last_version_after_delete(self):
        # A name:version, once deleted, never names other content.
        self.create("lab/sensor", SENSOR)
        self.one("SELECT schemareg.delete_schema('lab/sensor:1')")
        row = self.create("lab/sensor", {"type": "string"})
        self.assertEqual(row["version"], 2)
        self.assertIs(self.validate("lab/sensor", "s"), True)
        with self.assertRaises(errors.UndefinedObject):
            self.one("SELECT schemareg.validate_record('lab/sensor:1', '\"s\"')")


class UpdateTest(ClientCase):

    def test_update_changes_definition_and_hash(self):
        before = self.create("lab/sensor", {"type": "integer"})
        self.assertIs(self.validate("lab/sensor:1", 5), True)
        cur = self.conn.cursor(row_factory=psycopg.rows.dict_row)
        after = cur.execute("SELECT * FROM schemareg.update_schema('lab/sensor:1', %s::jsonb, "
                            "'now strings')", (json.dumps({"type": "string"}),)).fetchone()
        self.assertEqual(after["id"], before["id"])
        self.assertEqual(after["version"], 1)
        self.assertEqual(after["definition"], {"type": "string"})
        self.assertEqual(after["description"], "now strings")
        self.assertNotEqual(bytes(after["hash"]), bytes(before["hash"]))
        self.assertEqual(bytes(after["hash"]), hashlib.sha256(b'{"type": "string"}').digest())
        # The compiled schema cached by this backend follows the update.
        self.assertIs(self.validate("lab/sensor:1", 5), False)
        self.assertIs(self.validate("lab/sensor:1", "s"), True)

    def test_update_is_seen_by_another_session(self):
        self.create("lab/sensor", {"type": "integer"})
        other = self.connect()
        self.assertIs(self.validate("lab/sensor", 5, conn=other), True)  # cached there
        self.conn.execute("SELECT schemareg.update_schema('lab/sensor', '{\"type\": \"string\"}')")
        self.assertIs(self.validate("lab/sensor", 5, conn=other), False)

    def test_delete_is_seen_by_another_session(self):
        self.create("lab/sensor", {"type": "integer"})
        other = self.connect()
        self.assertIs(self.validate("lab/sensor:1", 5, conn=other), True)
        self.conn.execute("SELECT schemareg.delete_schema('lab/sensor:1')")
        with self.assertRaises(errors.UndefinedObject):
            self.validate("lab/sensor:1", 5, conn=other)

    def test_update_with_bad_definition_changes_nothing(self):
        before = self.create("lab/sensor", {"type": "integer"})
        with self.assertRaises(errors.InvalidObjectDefinition):
            self.conn.execute("SELECT schemareg.update_schema('lab/sensor:1', '{\"type\": 5}')")
        self.assertEqual(self.one("SELECT definition, hash FROM schemareg.schemas")[0:2],
                         (before["definition"], before["hash"]))
        self.assertIs(self.validate("lab/sensor:1", 5), True)


class GetTest(ClientCase):

    def revise(self, ref, definition):
        return self.one("SELECT (schemareg.revise_schema(%s, %s::jsonb)).version",
                        (ref, json.dumps(definition)))[0]

    def add_version(self, name, version, definition, status):
        # A version stuck in another status (a failed backend step) is
        # written directly: no SQL function leaves one behind on purpose.
        self.conn.execute(
            "INSERT INTO schemareg.schema_versions "
            "(name, version, definition, dialect, hash, status, owner, created_by) "
            "SELECT %s, %s, %s::jsonb, 'draft7', "
            "sha256(convert_to(%s::jsonb::text, 'UTF8')), %s, r.oid, r.oid "
            "FROM pg_roles r WHERE r.rolname = current_user",
            (name, version, json.dumps(definition), json.dumps(definition), status))

    def get(self, ref):
        cur = self.conn.cursor(row_factory=psycopg.rows.dict_row)
        return cur.execute("SELECT * FROM schemareg.get_schema(%s)", (ref,)).fetchone()

    def test_get_exact_version(self):
        row = self.create("lab/sensor", SENSOR)
        got = self.get("lab/sensor:1")
        self.assertEqual((got["id"], got["version"], got["definition"]),
                         (row["id"], 1, SENSOR))

    def test_bare_name_is_the_newest_existing_version(self):
        self.create("lab/sensor", {"type": "integer"})
        self.assertEqual(self.revise("lab/sensor:1", {"type": "string"}), 2)
        self.add_version("lab/sensor", 3, {"type": "null"}, status="pending")
        got = self.get("lab/sensor")
        self.assertEqual((got["version"], got["definition"]), (2, {"type": "string"}))
        self.assertEqual(self.get("lab/sensor:1")["definition"], {"type": "integer"})
        self.assertEqual(self.get("lab/sensor:3")["status"], "pending")
        # validate_record with a bare name follows the same choice.
        self.assertIs(self.validate("lab/sensor", "s"), True)
        self.assertIs(self.validate("lab/sensor", 5), False)


class DialectTest(ClientCase):

    DRAFT4_ONLY = {"minimum": 5, "exclusiveMinimum": True}

    def test_default_dialect_draft4(self):
        self.conn.execute("SET schemareg.default_dialect = 'draft4'")
        row = self.create("d4", self.DRAFT4_ONLY)
        self.assertEqual(row["dialect"], "draft4")
        self.assertIs(self.validate("d4", 5), False)
        self.assertIs(self.validate("d4", 6), True)

    def test_draft4_keyword_form_refused_under_draft7(self):
        with self.assertRaises(errors.InvalidObjectDefinition) as cm:
            self.create("d7", self.DRAFT4_ONLY)
        self.assertIn("/exclusiveMinimum", cm.exception.diag.message_detail)
        self.assertEqual(self.count_rows(), 0)

    def test_dollar_schema_wins_over_default(self):
        self.conn.execute("SET schemareg.default_dialect = 'draft7'")
        definition = dict(self.DRAFT4_ONLY, **{"$schema": "http://json-schema.org/draft-04/schema#"})
        self.assertEqual(self.create("d4", definition)["dialect"], "draft4")

    def test_dialect_is_fixed_at_registration(self):
        self.conn.execute("SET schemareg.default_dialect = 'draft6'")
        self.assertEqual(self.create("d6", {"const": 1})["dialect"], "draft6")
        self.conn.execute("SET schemareg.default_dialect = 'draft4'")
        # const means nothing in draft4; the schema keeps its draft6 meaning.
        self.assertIs(self.validate("d6", 2), False)


class RemoteRefTest(ClientCase):

    def test_ref_to_registered_id(self):
        self.create("shared/base", {"$id": "http://example.com/base.json", "type": "integer"})
        self.create("user", {"properties": {"n": {"$ref": "http://example.com/base.json"}}})
        self.assertIs(self.validate("user", {"n": 5}), True)
        self.assertIs(self.validate("user", {"n": "s"}), False)

    def test_ref_to_metaschema(self):
        self.create("meta", {"$ref": "http://json-schema.org/draft-07/schema#"})
        self.assertIs(self.validate("meta", {"type": "string"}), True)
        self.assertIs(self.validate("meta", {"type": 5}), False)


if __name__ == "__main__":
    unittest.main()
