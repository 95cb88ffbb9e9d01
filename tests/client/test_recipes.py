"""The recipes of docs/recipes/ (issue 12, item 11), run: SQLAlchemy and
Django through psycopg2, node-postgres through node when npm can install
`pg` (skipped, saying why, when it cannot). Each page shows its code files
(`<!-- file: PATH -->` before a code block) exactly as they are here.

Run: /usr/bin/python3 -m unittest discover -s tests/client -p 'test_recipes.py' -v
Connection: libpq environment (PGHOST, PGPORT, PGUSER). Databases
schemareg_recipes and schemareg_django, made and dropped here.
"""

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import unittest

import psycopg
from psycopg import sql

ROOT = pathlib.Path(__file__).resolve().parents[2]
RECIPES = ROOT / "tests" / "client" / "recipes"
DBNAME = "schemareg_recipes"
DJANGO_DB = "schemareg_django"
SENSOR = {"type": "object", "required": ["t"], "additionalProperties": False,
          "properties": {"t": {"type": "number", "minimum": -40}}}
MINIMUM = {"path": "/t", "schema_path": "/properties/t/minimum", "keyword": "minimum",
           "message": "-50 is less than the minimum -40"}


def _admin():
    return psycopg.connect(dbname="postgres", autocommit=True)


def _recreate(*names):
    with _admin() as conn:
        for name in names:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setUpModule():
    _recreate(DBNAME, DJANGO_DB)


def tearDownModule():
    with _admin() as conn:
        for name in (DBNAME, DJANGO_DB):
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _libpq_url(driver, dbname):
    """A SQLAlchemy URL for the libpq environment (a socket directory in PGHOST)."""
    query = [f"{k}={os.environ[v]}" for k, v in (("host", "PGHOST"), ("port", "PGPORT"))
             if os.environ.get(v)]
    user = os.environ.get("PGUSER", "")
    return f"postgresql+{driver}://{user}@/{dbname}" + ("?" + "&".join(query) if query else "")


class RecipesCase(unittest.TestCase):

    def setUp(self):
        self.conn = psycopg.connect(dbname=DBNAME, autocommit=True)
        self.addCleanup(self.conn.close)
        self.conn.execute("DROP TABLE IF EXISTS readings")
        self.conn.execute("DROP EXTENSION IF EXISTS schemareg CASCADE")
        self.conn.execute("CREATE EXTENSION schemareg")
        self.conn.execute("SELECT schemareg.create_schema('lab/sensor', %s::jsonb)", (json.dumps(SENSOR),))
        self.conn.execute("CREATE TABLE readings (id serial PRIMARY KEY, doc jsonb NOT NULL, "
                          "schema_ref text NOT NULL)")
        self.conn.execute("SELECT schemareg.attach('readings', 'doc', 'schema_ref')")


class PagesShowTheTestedCode(unittest.TestCase):

    def test_each_page_shows_its_files_as_they_are(self):
        shown = {}
        for page in sorted((ROOT / "docs" / "recipes").glob("*.md")):
            text = page.read_text()
            for path, code in re.findall(r"<!-- file: (\S+) -->\n```\w*\n(.*?)```\n", text, re.S):
                with self.subTest(page=page.name, file=path):
                    self.assertEqual(code, (ROOT / path).read_text())
                    shown[path] = page.name
        self.assertEqual(shown, {
            "tests/client/recipes/sqlalchemy_errors.py": "sqlalchemy.md",
            "tests/client/recipes/django_site/sensors/models.py": "django.md",
            "tests/client/recipes/django_site/sensors/migrations/0001_initial.py": "django.md",
            "tests/client/recipes/node/schemareg_errors.js": "node-postgres.md",
        })


class SqlAlchemyRecipeTest(RecipesCase):

    def test_23514_becomes_field_errors(self):
        sys.path.insert(0, str(RECIPES))
        self.addCleanup(sys.path.remove, str(RECIPES))
        from sqlalchemy.orm import Session
        import sqlalchemy_errors as recipe

        engine = recipe.make_engine(_libpq_url("psycopg2", DBNAME))
        self.addCleanup(engine.dispose)
        with Session(engine) as session:
            recipe.save(session, recipe.Reading(doc={"t": 21.5}, schema_ref="lab/sensor"))
            with self.assertRaises(recipe.FieldErrors) as cm:
                recipe.save(session, recipe.Reading(doc={"t": -50, 'a\n"b": c': 1}, schema_ref="lab/sensor"))
            self.assertEqual(cm.exception.errors, {"doc": [
                MINIMUM,
                {"path": '/a\n"b": c', "schema_path": "/additionalProperties",
                 "keyword": "additionalProperties", "message": 'property "a\n"b": c" is not allowed'}]})
            # Other integrity errors are left alone.
            from sqlalchemy.exc import IntegrityError
            with self.assertRaises(IntegrityError) as cm:
                recipe.save(session, recipe.Reading(id=1, doc={"t": 1}, schema_ref="lab/sensor"))
            self.assertEqual(cm.exception.orig.pgcode, "23505")
            self.assertEqual([r.doc for r in session.query(recipe.Reading)], [{"t": 21.5}])


class DjangoRecipeTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        os.environ["DJANGO_SETTINGS_MODULE"] = "settings"
        os.environ["SCHEMAREG_DJANGO_DB"] = DJANGO_DB
        sys.path.insert(0, str(RECIPES / "django_site"))
        import django
        from django.core.management import call_command
        django.setup()
        call_command("migrate", verbosity=0)

    @classmethod
    def tearDownClass(cls):
        from django.db import connections
        connections.close_all()
        sys.path.remove(str(RECIPES / "django_site"))

    def test_full_clean_reports_field_errors(self):
        from django.core.exceptions import ValidationError
        from django.db import IntegrityError
        from sensors.models import Reading

        good = Reading(doc={"t": 20})
        good.full_clean()
        good.save()
        with self.assertRaises(ValidationError) as cm:
            Reading(doc={"t": -50}).full_clean()
        self.assertEqual(cm.exception.message_dict, {"doc": ["/t: -50 is less than the minimum -40"]})
        with self.assertRaises(ValidationError) as cm:
            Reading(doc={"t": 1}, schema_ref="lab/sensor:9").full_clean()
        self.assertEqual(cm.exception.message_dict,
                         {"schema_ref": ['schema "lab/sensor:9" does not exist']})
        with self.assertRaises(ValidationError) as cm:
            Reading(doc={"t": 1}, schema_ref="no such ref").full_clean()
        self.assertEqual(cm.exception.message_dict,
                         {"schema_ref": ['malformed schema reference "no such ref"']})
        # Without clean(), the bound table still refuses it.
        with self.assertRaises(IntegrityError) as cm:
            Reading(doc={"t": -50}).save()
        self.assertEqual(cm.exception.__cause__.pgcode, "23514")
        self.assertEqual(list(Reading.objects.values_list("doc", flat=True)), [{"t": 20}])

    def test_migration_made_the_extension_schema_and_binding(self):
        with psycopg.connect(dbname=DJANGO_DB) as conn:
            self.assertEqual(conn.execute("SELECT extversion FROM pg_extension "
                                          "WHERE extname = 'schemareg'").fetchall(), [("0.2.0",)])
            self.assertEqual(conn.execute("SELECT version, ref_count = (SELECT count(*) FROM sensors_reading) "
                                          "FROM schemareg.schemas WHERE name = 'lab/sensor'").fetchall(),
                             [(1, True)])
            self.assertEqual(conn.execute("SELECT tbl::text, record_column, schema_column "
                                          "FROM schemareg.bound_tables").fetchall(),
                             [("sensors_reading", "doc", "schema_ref")])


class NodePostgresRecipeTest(RecipesCase):

    def skip(self, why):
        """Skipped, not failed: a clone without npm registry access cannot run it.
        The line tells scripts/test.sh (and the reader of its log) why."""
        print(f"skip: node-postgres recipe: {why}", file=sys.stderr, flush=True)
        self.skipTest(f"node-postgres recipe: {why}")

    def test_error_fields_in_node(self):
        node, npm = shutil.which("node"), shutil.which("npm")
        if node is None or npm is None:
            self.skip("node or npm is not installed")
        work = ROOT / "build" / "node-recipe"
        work.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json", "schemareg_errors.js", "run.js"):
            shutil.copy(RECIPES / "node" / name, work / name)
        installed = work / "node_modules" / "pg" / "package.json"
        if not installed.exists() or json.loads(installed.read_text())["version"] != "8.13.1":
            try:
                subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=work,
                               check=True, capture_output=True, text=True, timeout=240)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
                lines = [l for l in (e.stderr or "").splitlines() if l.strip()]
                self.skip("npm could not install pg 8.13.1 from the registry"
                          + (f" ({lines[0].strip()[:200]})" if lines else ""))
        env = dict(os.environ, PGDATABASE=DBNAME)
        out = subprocess.run([node, "run.js"], cwd=work, env=env, capture_output=True, text=True,
                             timeout=120)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(json.loads(out.stdout), {"rows": 1, "fields": {
            "code": "23514", "schema": "public", "table": "readings", "column": "doc",
            "constraint": "~schemareg_validate", "where": "Failing row key (id)=(42)."}, "results": [
            {"ok": True},
            {"ok": False, "table": "readings", "column": "doc", "errors": [
                MINIMUM,
                {"path": '/a\n"b": c', "schema_path": "/additionalProperties",
                 "keyword": "additionalProperties", "message": 'property "a\n"b": c" is not allowed'}]}]})


if __name__ == "__main__":
    unittest.main()
