"""Security of the Citus checks (issue 13, first step), each attack run AS
THE ATTACKER on a server without Citus (tests/citus runs the same checks
beside Citus): the internal functions that read Citus's catalog are closed
to tenants, and a tenant cannot steer attach() or the schemareg_citus event
trigger with look-alikes of Citus's catalog or of its shards' names.

Run: /usr/bin/python3 -m unittest discover -s tests/security -p 'test_*.py'
(the fixtures are test_security.py's).
"""

from test_security import SecCase, setUpModule, tearDownModule  # noqa: F401


class CitusGatesTest(SecCase):

    def test_internal_functions_are_closed(self):
        before = self.snapshot("sec_bob.t")
        for s in (self.bob, self.alice):
            with self.subTest(role=s.role):
                for call in ("SELECT schemareg._citus_table_kind('sec_bob.t'::regclass)",
                             "SELECT schemareg._refuse_citus_table('sec_bob.t')",
                             "SELECT schemareg._on_citus_ddl()"):
                    self.assertEqual(s.attempt(call), "42501", call)
        self.assert_unchanged(before, "sec_bob.t")

    def test_fake_citus_catalog_steers_nothing(self):
        """bob's own pg_dist_partition, first on his search_path, claiming
        his table is distributed: attach() does not read it, and he cannot
        put one into pg_catalog."""
        b = self.bob
        self.assertEqual(b.attempt("CREATE TABLE pg_catalog.pg_dist_partition (logicalrelid regclass)"), "42501")
        b.run("CREATE TABLE sec_bob.pg_dist_partition (logicalrelid regclass, partmethod \"char\","
              " repmodel \"char\", colocationid int)")
        b.run("CREATE TABLE sec_bob.u (id int, doc jsonb, sch text)")
        b.run("INSERT INTO sec_bob.pg_dist_partition VALUES ('sec_bob.u', 'h', 's', 1), ('sec_bob.t', 'h', 's', 1)")
        b.run("SET search_path = sec_bob, public")
        before = self.snapshot("sec_bob.t")
        b.run("SELECT schemareg.attach('sec_bob.u', 'doc', 'sch')")
        self.assertEqual(b.attempt("INSERT INTO sec_bob.u VALUES (1, '5', 'bob/s:1')"), "23514")
        b.run("INSERT INTO sec_bob.u VALUES (1, '{}', 'bob/s:1')")
        self.assertEqual(self.ref_count(b, "bob/s:1"), 4)
        after = self.snapshot("sec_bob.t")
        self.assertEqual(after["bindings"], sorted(before["bindings"] + [
            ("sec_bob.u", "doc", "sch", "enforce", None, False)]))
        self.assert_counts_exact()
        self.assert_no_leak()

    def test_shard_look_alikes_without_citus(self):
        """Without Citus, DDL that looks like Citus making shards (a table
        and a trigger with the same number) is left alone: the check needs
        Citus's catalog, which no tenant can make."""
        b = self.bob
        before = self.snapshot("sec_bob.t")
        b.run("CREATE TABLE sec_bob.t_102008 (id int, doc jsonb, sch text)")
        self.assertIsNone(b.attempt("CREATE TRIGGER \"~schemareg_validate_102008\" BEFORE INSERT ON sec_bob.t_102008"
                                    " FOR EACH ROW EXECUTE FUNCTION schemareg._validate_row()"))
        self.assertIsNone(b.attempt("ALTER TABLE sec_bob.t RENAME TO t_1"))
        self.assertIsNone(b.attempt("ALTER TABLE sec_bob.t_1 RENAME TO t"))
        self.assert_unchanged(before, "sec_bob.t")
