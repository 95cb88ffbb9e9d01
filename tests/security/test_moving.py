"""Security of moving a registry and of jobs under a scheduler (issue 12,
items 5 and 10), each attack run AS THE ATTACKER: export() and import() are
for admins only and show others nothing; an admin's import runs nothing a
document carries; DROP EXTENSION tells only those who may drop it what it
would destroy; run_jobs() reports to each role only the jobs it may run.

Run: /usr/bin/python3 -m unittest discover -s tests/security -p 'test_*.py'
(the fixtures are test_security.py's).
"""

import json

from test_security import J, SecCase, setUpModule, tearDownModule  # noqa: F401

DOC = {"format": "schemareg-export", "version": 1, "names": []}


def doc(*names):
    return J(dict(DOC, names=list(names)))


class ExportImportTest(SecCase):

    def registry(self):
        return {
            "versions": self.su.run("SELECT name, version, definition::text, owner::text, public, description,"
                                    " status FROM schemareg.schema_versions ORDER BY 1, 2"),
            "names": self.su.run("SELECT name, last_version, compatibility, owner::text"
                                 " FROM schemareg.names ORDER BY 1"),
            "dependencies": self.su.run("SELECT schema_id, depends_on FROM schemareg.dependencies ORDER BY 1, 2"),
        }

    def test_export_and_import_are_for_admins(self):
        before, snap = self.registry(), self.snapshot("sec_bob.t")
        exported = self.carol.one("SELECT schemareg.export()")
        # bob's own export would be taken back by an admin: alice's name
        # given to bob, and a name of his own.
        takeover = dict(exported)
        takeover["names"] = [dict(n, owner="sec_bob") if n["name"] == "alice/secret" else n
                             for n in exported["names"]]
        mine = doc({"name": "bob/new", "owner": "sec_bob", "versions": [
            {"version": 7, "definition": {"type": "object"}, "uses": [], "public": True}]})
        for s in (self.bob, self.alice, self.new("sec_bob")):
            with self.subTest(role=s.role):
                self.assertEqual(s.attempt("SELECT schemareg.export()"), "42501")
                self.assertEqual(s.attempt("SELECT * FROM schemareg.import(%s::jsonb)", (J(takeover),)), "42501")
                self.assertEqual(s.attempt("SELECT * FROM schemareg.import(%s::jsonb)", (mine,)), "42501")
                # The implementations are not theirs to call either.
                for call in ("SELECT schemareg._do_export(%s::regrole)",
                             "SELECT * FROM schemareg._do_import(%s::regrole, '{}'::jsonb, NULL)",
                             "SELECT * FROM schemareg._import_rows('{}'::jsonb)",
                             "SELECT schemareg._warn_drop(true)"):
                    self.assertEqual(s.attempt(call, ("sec_carol",) if "%s" in call else None), "42501")
        self.assertEqual(self.registry(), before)
        self.assertEqual(self.snapshot("sec_bob.t"), snap)
        self.assert_no_leak()
        # The admin's export holds alice's private schema; bob's refusals
        # said nothing of it.
        self.assertIn("alice/secret", [n["name"] for n in exported["names"]])
        self.assertNotIn("SECRETPATTERN", " ".join(self.bob.seen))

    def test_import_runs_nothing_a_document_carries(self):
        """Names, descriptions, role names and definitions of a document are
        data: stored as they are, or refused, never run."""
        attack = "x'); ALTER ROLE sec_bob SUPERUSER; --"
        before = self.registry()
        for bad in (
                # A role name that is SQL: no such role.
                doc({"name": "evil/a", "owner": f"sec_bob\"; ALTER ROLE sec_bob SUPERUSER; --", "versions": [
                    {"version": 1, "definition": {}, "uses": []}]}),
                # A public schema that uses alice's private one.
                doc({"name": "evil/b", "owner": "sec_bob", "versions": [
                    {"version": 1, "definition": {"$ref": "alice/secret:1"}, "uses": ["alice/secret:1"],
                     "public": True}]}),
                # A name that is SQL.
                doc({"name": attack, "owner": "sec_bob", "versions": [
                    {"version": 1, "definition": {}, "uses": []}]})):
            with self.subTest(document=bad[:80]):
                self.assertIn(self.carol.attempt("SELECT * FROM schemareg.import(%s::jsonb)", (bad,)),
                              ("42704", "42501", "22023"))
                self.assert_no_superuser()
                self.assertEqual(self.registry(), before)
        rows = self.carol.run("SELECT * FROM schemareg.import(%s::jsonb)", (doc(
            {"name": "evil/c", "owner": "sec_bob", "versions": [
                {"version": 2, "definition": {"description": attack}, "uses": [], "description": attack,
                 "created_by": "sec_bob"}]}),))
        self.assertEqual(rows, [("evil/c:2", "imported")])
        self.assert_no_superuser()
        self.assertEqual(self.su.run("SELECT owner::text, description, definition ->> 'description', public"
                                     " FROM schemareg.schema_versions WHERE name = 'evil/c'"),
                         [("sec_bob", attack, attack, False)])
        # Bob's import of it into another name is still refused, and his
        # private schema stays private.
        self.assertEqual(self.alice.attempt("SELECT schemareg.get_schema('evil/c:2')"), "42704")

    def test_import_cannot_change_what_is_there(self):
        """An admin's document cannot take alice's name, change her version,
        or reuse a number she deleted: 23505, nothing imported."""
        exported = self.carol.one("SELECT schemareg.export()")
        self.alice.run("SELECT schemareg.revise_schema('alice/unused:1', '{\"type\": \"object\"}')")
        self.alice.run("SELECT schemareg.delete_schema('alice/unused:2')")
        before = self.registry()

        def changed(name, **fields):
            d = json.loads(J(exported))
            for n in d["names"]:
                if n["name"] == name:
                    n.update(fields.get("name_fields", {}))
                    for v in n["versions"]:
                        v.update(fields.get("version_fields", {}))
                        v.pop("hash", None)
            return J(d)

        for bad in (changed("alice/secret", name_fields={"owner": "sec_bob"}),
                    changed("alice/secret", version_fields={"definition": {"type": "object"}}),
                    changed("alice/secret", version_fields={"public": True}),
                    doc({"name": "alice/unused", "owner": "sec_alice", "last_version": 2, "versions": [
                        {"version": 2, "definition": {"type": "string"}, "uses": []}]})):
            with self.subTest(document=bad[:60]):
                self.assertEqual(self.carol.attempt("SELECT * FROM schemareg.import(%s::jsonb)", (bad,)), "23505")
                self.assertEqual(self.registry(), before)
        # The export itself changes nothing: every version is there already.
        self.assertEqual({a for _, a in self.carol.run("SELECT * FROM schemareg.import(%s::jsonb)",
                                                       (J(exported),))}, {"present"})
        self.assertEqual(self.registry(), before)
        self.assert_counts_exact()


class DropExtensionTest(SecCase):

    def test_only_those_who_may_drop_it_are_told(self):
        for s in (self.bob, self.carol):
            with self.subTest(role=s.role):
                self.assertEqual(s.attempt("DROP EXTENSION schemareg CASCADE"), "42501")
                self.assertFalse([t for t in s.seen if "schema versions" in t], s.seen)
        self.assertEqual(self.su.one("SELECT count(*) FROM pg_extension WHERE extname = 'schemareg'"), 1)
        # Another extension's DROP says nothing of the registry.
        self.su.run("CREATE EXTENSION IF NOT EXISTS amcheck")
        self.su.run("DROP EXTENSION amcheck")
        self.assertFalse([t for t in self.su.seen if "schema versions" in t])
        # Its owner is told, and pointed to export().
        self.su.run("DROP EXTENSION schemareg CASCADE")
        warned = [t for t in self.su.seen if "schema versions" in t]
        self.assertEqual(warned, ["DROP EXTENSION schemareg destroys 4 schema versions of 4 names"])


class RunJobsReportTest(SecCase):

    def test_failures_are_reported_to_those_who_may_run_the_job(self):
        a = self.alice
        a.run("SELECT schemareg.revise_schema('alice/secret:1', %s::jsonb)", (J(dict(SECRET_V2)),))
        a.run("CREATE FUNCTION public.arefuse() RETURNS trigger LANGUAGE plpgsql AS $$"
              " BEGIN RAISE EXCEPTION 'SECRETPATTERN refused'; END $$")
        a.run("CREATE TRIGGER refuse BEFORE UPDATE ON public.apay FOR EACH ROW EXECUTE FUNCTION public.arefuse()")
        self.assertEqual(a.attempt("CALL schemareg.migrate('public.apay', 'alice/secret:2')"), "P0001")
        jobs = "SELECT id, state, attempts FROM schemareg.job_state ORDER BY id"
        before = self.su.run(jobs)
        self.assertEqual([(s, n) for _, s, n in before], [("failed", 1)])
        # bob's run_jobs runs and reports nothing of alice's job.
        self.call_ok(self.bob, "CALL schemareg.run_jobs()")
        self.assertFalse([t for t in self.bob.seen if "apay" in t or "failed" in t], self.bob.seen)
        self.assertEqual(self.su.run(jobs), before)
        self.assert_no_leak()
        # Its owner is told, on every run, and so is an admin.
        for s in (a, self.new("sec_alice"), self.carol):
            with self.subTest(role=s.role):
                self.call_ok(s, "CALL schemareg.run_jobs()")
                self.assertTrue([t for t in s.seen if "public.apay" in t and "failed" in t], s.seen)
        self.assertEqual(self.su.run(jobs), before)


SECRET_V2 = {"type": "object", "required": ["secretprop"],
             "properties": {"secretprop": {"type": "string", "pattern": "^SECRETPATTERN[0-9]+$"}}}
