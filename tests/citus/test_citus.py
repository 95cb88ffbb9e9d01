"""schemareg beside Citus (issue 13, first step): local tables of the
coordinator work as on one node; what cannot work yet is refused with 0A000
(feature_not_supported) when it is asked for, and leaves nothing behind: no
binding, no schemareg trigger, no Citus table, no shard.

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
TENANT = "citus_tenant"


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
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(TENANT)))


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


class AttachRefusedTest(CitusCase):
    """attach() of a table that Citus already holds is 0A000, naming the
    table and what Citus made of it, and binds nothing."""

    def make(self, kind):
        """A table of one kind; returns its name."""
        if kind == "schema-sharded table":
            self.run_sql("SET citus.enable_schema_based_sharding = on")
            self.run_sql("CREATE SCHEMA attach_sharded")
            self.run_sql("RESET citus.enable_schema_based_sharding")
            self.addCleanup(self.run_sql, "DROP SCHEMA IF EXISTS attach_sharded CASCADE")
            self.table("attach_sharded.t")
            return "attach_sharded.t"
        name = "attach_" + kind.split()[0].replace("-", "_")
        self.table(name)
        self.run_sql({"hash-distributed table": "SELECT create_distributed_table(%s, 'id')",
                      "reference table": "SELECT create_reference_table(%s)",
                      "single-shard distributed table": "SELECT create_distributed_table(%s, NULL)",
                      "local table added to its metadata": "SELECT citus_add_local_table_to_metadata(%s)",
                      }[kind], (name,))
        return name

    def test_citus_tables_are_refused(self):
        for kind in ("hash-distributed table", "reference table", "single-shard distributed table",
                     "schema-sharded table", "local table added to its metadata"):
            with self.subTest(kind=kind):
                name = self.make(kind)
                qualified = name if "." in name else "public." + name
                before = self.state(name)
                for mode in ("enforce", "flag"):
                    diag = self.fails("SELECT schemareg.attach(%s, 'doc', 'sch', %s, %s)",
                                      (name, mode, "doc" if mode == "flag" else None))
                    self.assert_refused(diag, name)
                    self.assertEqual(diag.message_primary,
                                     f'table "{qualified}" cannot be bound: it is a Citus {kind}')
                self.assertEqual(self.state(name), before)
                self.assertEqual(before["binding"], [])
                self.assertEqual(before["triggers"], [])

    def test_shard_on_a_worker(self):
        """A worker's own registry refuses to bind a shard it holds."""
        self.table("attach_shard")
        self.run_sql("SELECT create_distributed_table('attach_shard', 'id')")
        worker = self.workers[0]
        shard = self.one("SELECT p.shardid FROM pg_dist_placement p JOIN pg_dist_node n USING (groupid)"
                         " JOIN pg_dist_shard s USING (shardid) WHERE n.nodeport = %s"
                         " AND s.logicalrelid = 'attach_shard'::regclass ORDER BY 1 LIMIT 1", (PORTS[1],))
        name = f"public.attach_shard_{shard}"
        diag = self.fails("SELECT schemareg.attach(%s, 'doc', 'sch')", (name,), worker)
        self.assert_refused(diag, name)
        self.assertEqual(diag.message_primary,
                         f'table "{name}" cannot be bound: it is a Citus shard of "public.attach_shard"')
        self.assertEqual(self.run_sql("SELECT count(*) FROM schemareg.bindings", None, worker), [(0,)])
        self.assertEqual(self.run_sql("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass"
                                      " AND NOT tgisinternal", (name,), worker), [])

    def test_partitioned_distributed_table(self):
        self.table("attach_parts", "(id bigint, doc jsonb, sch text) PARTITION BY RANGE (id)")
        self.run_sql("CREATE TABLE attach_parts_low PARTITION OF attach_parts FOR VALUES FROM (0) TO (10)")
        self.run_sql("SELECT create_distributed_table('attach_parts', 'id')")
        before = self.state("attach_parts")
        for name in ("attach_parts", "attach_parts_low"):
            diag = self.fails("SELECT schemareg.attach(%s, 'doc', 'sch')", (name,))
            self.assert_refused(diag, name)
            self.assertEqual(diag.message_primary,
                             f'table "public.{name}" cannot be bound: it is a Citus hash-distributed table')
        self.assertEqual(self.state("attach_parts"), before)
        self.assertEqual(self.run_sql("SELECT count(*) FROM schemareg.bindings"), [(0,)])


HAS_TRIGGERS = "XX000"  # Citus's own refusal of a table with triggers (no SQLSTATE of its own)


class DistributeBoundTableTest(CitusCase):
    """Making a bound table a Citus table is refused and leaves the table
    bound, checked and counted as it was: 0A000 from schemareg wherever
    Citus gets as far as making a shard of it; without
    citus.enable_unsafe_triggers, Citus refuses a table with triggers
    itself, before anything happens, with its own XX000."""

    # Each way to make a table a Citus table: (label, statement, table it
    # acts on, the table as refusals name it, Citus's own refusal without
    # enable_unsafe_triggers or None).
    WAYS = [
        ("create_distributed_table", "SELECT create_distributed_table('bound_t', 'id')",
         "bound_t", "public.bound_t", HAS_TRIGGERS),
        ("create_distributed_table_concurrently",
         "SELECT create_distributed_table_concurrently('bound_t', 'id')",
         "bound_t", "public.bound_t", None),
        ("create_reference_table", "SELECT create_reference_table('bound_t')",
         "bound_t", "public.bound_t", HAS_TRIGGERS),
        ("single-shard", "SELECT create_distributed_table('bound_t', NULL)",
         "bound_t", "public.bound_t", HAS_TRIGGERS),
        ("citus_add_local_table_to_metadata", "SELECT citus_add_local_table_to_metadata('bound_t')",
         "bound_t", "public.bound_t", None),
        ("foreign key to a reference table",
         "ALTER TABLE bound_t ADD CONSTRAINT to_ref FOREIGN KEY (id) REFERENCES bound_ref (id)",
         "bound_t", "public.bound_t", None),
        ("SET SCHEMA into a distributed schema", "ALTER TABLE bound_t SET SCHEMA bound_sharded",
         "bound_t", "bound_sharded.bound_t", HAS_TRIGGERS),
        ("citus_schema_distribute", "SELECT citus_schema_distribute('bound_local')",
         "bound_local.t", "bound_local.t", HAS_TRIGGERS),
    ]

    def setUp(self):
        super().setUp()
        name = "citus/" + self._testMethodName
        self.ref = f"{name}:{self.schema(name, SENSOR)}"
        self.addCleanup(self.run_sql, "SELECT schemareg.delete_schema(%s)", (self.ref,))
        self.table("bound_ref", "(id bigint PRIMARY KEY)")
        self.run_sql("SELECT create_reference_table('bound_ref')")
        self.run_sql("INSERT INTO bound_ref SELECT generate_series(1, 10)")
        self.run_sql("SET citus.enable_schema_based_sharding = on")
        self.run_sql("CREATE SCHEMA bound_sharded")
        self.run_sql("RESET citus.enable_schema_based_sharding")
        self.addCleanup(self.run_sql, "DROP SCHEMA IF EXISTS bound_sharded CASCADE")
        self.run_sql("CREATE SCHEMA bound_local")
        self.addCleanup(self.run_sql, "DROP SCHEMA IF EXISTS bound_local CASCADE")

    def bound(self, name):
        self.run_sql(f"DROP TABLE IF EXISTS {name}")
        self.table(name)
        self.run_sql(f"SELECT schemareg.attach('{name}', 'doc', 'sch')")
        self.run_sql(f"INSERT INTO {name} VALUES (1, '{{\"t\": 1}}', %s), (2, '{{\"t\": 2}}', %s)",
                     (self.ref, self.ref.split(":")[0]))

    def assert_still_bound(self, name, before):
        self.assertEqual(self.state(name), before)
        self.assertEqual(before["binding"][0][1:], ("doc", "sch", "enforce"))
        self.assertEqual(before["citus"], [])
        self.assertEqual(before["worker tables"], [[(0,)], [(0,)]])
        self.assertEqual(self.fails(f"INSERT INTO {name} VALUES (3, '{{\"t\": -50}}', %s)", (self.ref,)).sqlstate,
                         "23514")
        self.run_sql(f"INSERT INTO {name} VALUES (4, '{{\"t\": 4}}', %s)", (self.ref,))
        self.assertEqual(self.one("SELECT ref_count FROM schemareg.get_schema(%s)", (self.ref,)), 3)
        self.run_sql(f"DELETE FROM {name} WHERE id = 4")

    def test_refused_by_schemareg(self):
        self.run_sql("SET citus.enable_unsafe_triggers = on")
        for label, statement, name, named, _ in self.WAYS:
            with self.subTest(way=label):
                self.bound(name)
                before = self.state(name)
                diag = self.fails(statement)
                self.assertEqual(diag.sqlstate, "0A000", diag.message_primary)
                self.assertEqual(diag.message_primary,
                                 f'table "{named}" cannot become a Citus table while schemareg binds it')
                self.assertEqual(diag.message_hint, "Call schemareg.detach() on it first, or keep it a local table.")
                if label == "foreign key to a reference table":
                    # Citus puts its own DETAIL on errors of the conversion.
                    self.assertTrue(diag.message_detail.startswith(
                        "When adding a foreign key from a local table to a reference table"), diag.message_detail)
                else:
                    self.assertRegex(diag.message_detail, r"^Citus was making it its shard bound_t_[0-9]+\. "
                                     if name == "bound_t" else r"^Citus was making it its shard t_[0-9]+\. ")
                self.assert_still_bound(name, before)
                self.run_sql(f"DROP TABLE {name}")

    def test_refused_by_citus_without_unsafe_triggers(self):
        for label, statement, name, named, citus_refusal in self.WAYS:
            with self.subTest(way=label):
                self.bound(name)
                before = self.state(name)
                diag = self.fails(statement)
                if citus_refusal is None:
                    # Citus allows triggers on local tables in its metadata:
                    # schemareg refuses.
                    self.assertEqual((diag.sqlstate, diag.message_primary),
                                     ("0A000", f'table "{named}" cannot become a Citus table'
                                               " while schemareg binds it"))
                else:
                    self.assertEqual((diag.sqlstate, diag.message_primary),
                                     (citus_refusal, f'cannot distribute relation "{name.split(".")[-1]}"'
                                                     " because it has triggers"))
                self.assert_still_bound(name, before)
                self.run_sql(f"DROP TABLE {name}")


class RegistryTablesTest(CitusCase):
    """schemareg's own tables never become Citus tables: refused with 0A000
    by schemareg wherever Citus gets as far as making a shard of one, or
    refused by Citus itself first (tables with triggers, foreign keys among
    the registry's tables); the registry stays whole and local."""

    TABLES = ("schema_versions", "names", "dependencies", "record_counts", "bindings", "job_state",
              "job_findings")
    CALLS = ("create_reference_table('{t}')", "create_distributed_table('{t}', NULL)",
             "citus_add_local_table_to_metadata('{t}')")
    SCHEMAREG = "0A000 schemareg"
    FKEY_LOCAL = "0A000 relation {t} is involved in a foreign key relationship with another table"

    def expected(self, table, call, unsafe):
        """What happens, as verified on Citus 13.2.2."""
        t = "schemareg." + table
        has_triggers = table in ("schema_versions", "dependencies", "bindings")
        if call.startswith("citus_add_local"):
            if table in ("names", "dependencies", "bindings"):
                return self.SCHEMAREG
            return self.FKEY_LOCAL.format(t=t)
        if has_triggers and not unsafe:
            return f'{HAS_TRIGGERS} cannot distribute relation "{table}" because it has triggers'
        if call.startswith("create_distributed") and table in ("record_counts", "job_findings"):
            parent = "schema_versions" if table == "record_counts" else "job_state"
            return f'42P16 referenced table "{parent}" must be a distributed table or a reference table'
        return self.SCHEMAREG

    def registry(self):
        return [self.run_sql(f"SELECT * FROM schemareg.{t} ORDER BY 1") for t in self.TABLES]

    def test_registry_stays_local(self):
        self.schema("citus/registry", {"$id": "https://example.com/citus/registry", "type": "string"})
        self.addCleanup(self.run_sql, "SELECT schemareg.delete_schema('citus/registry:1')")
        before = self.registry()
        for table in self.TABLES:
            for call in self.CALLS:
                for unsafe in ("off", "on"):
                    statement = "SELECT " + call.format(t="schemareg." + table)
                    with self.subTest(statement=statement, unsafe=unsafe):
                        self.run_sql(f"SET citus.enable_unsafe_triggers = {unsafe}")
                        diag = self.fails(statement)
                        want = self.expected(table, call, unsafe == "on")
                        if want == self.SCHEMAREG:
                            self.assert_refused(diag, "schemareg." + table)
                            self.assertEqual(diag.message_primary,
                                             f'schemareg\'s table "schemareg.{table}" cannot become a Citus table')
                        else:
                            self.assertEqual(f"{diag.sqlstate} {diag.message_primary}", want)
        self.run_sql("RESET citus.enable_unsafe_triggers")
        self.assertEqual(self.run_sql("SELECT logicalrelid::text FROM pg_dist_partition"
                                      " WHERE logicalrelid::text LIKE 'schemareg.%%'"), [])
        for w in self.workers:
            self.assertEqual(self.run_sql("SELECT relname::text FROM pg_class WHERE relnamespace = 'schemareg'::regnamespace"
                                          " AND relname ~ '_[0-9]+$'", conn=w), [])
        self.assertEqual(self.registry(), before)
        self.assertIs(self.one("SELECT schemareg.validate_record('citus/registry', '\"x\"')"), True)


class TenantTest(CitusCase):
    """A tenant (no superuser) who owns a bound table cannot take it out of
    schemareg's checks through Citus: citus.enable_unsafe_triggers is his
    to set, and making his table a Citus table is still refused."""

    def test_tenant_cannot_distribute_a_bound_table(self):
        if not self.one("SELECT count(*) FROM pg_roles WHERE rolname = %s", (TENANT,)):
            self.run_sql(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(TENANT)))
        self.run_sql(sql.SQL("GRANT CREATE ON SCHEMA public TO {}").format(sql.Identifier(TENANT)))
        tenant = psycopg.connect(host=HOST, port=PORTS[0], dbname=DBNAME, user=TENANT, autocommit=True)
        self.addCleanup(tenant.close)
        self.run_sql("SELECT version FROM schemareg.create_schema('tenant/s', %s::jsonb)", (json.dumps(SENSOR),),
                     tenant)
        self.addCleanup(self.run_sql, "SELECT schemareg.delete_schema('tenant/s:1')", None, tenant)
        self.addCleanup(self.run_sql, "DROP TABLE IF EXISTS tenant_t")
        self.run_sql("CREATE TABLE tenant_t (id bigint PRIMARY KEY, doc jsonb, sch text)", None, tenant)
        self.run_sql("SELECT schemareg.attach('tenant_t', 'doc', 'sch')", None, tenant)
        self.run_sql("INSERT INTO tenant_t VALUES (1, '{\"t\": 1}', 'tenant/s:1')", None, tenant)
        before = self.state("tenant_t")
        self.run_sql("SET citus.enable_unsafe_triggers = on", None, tenant)
        for statement in ("SELECT create_distributed_table('tenant_t', 'id')",
                          "SELECT create_reference_table('tenant_t')",
                          "SELECT citus_add_local_table_to_metadata('tenant_t')"):
            with self.subTest(statement=statement):
                diag = self.fails(statement, None, tenant)
                self.assertEqual((diag.sqlstate, diag.message_primary),
                                 ("0A000", 'table "public.tenant_t" cannot become a Citus table'
                                           " while schemareg binds it"))
        self.assertEqual(self.state("tenant_t"), before)
        self.assertEqual(before["binding"], [("tenant_t", "doc", "sch", "enforce")])
        self.assertEqual(self.fails("INSERT INTO tenant_t VALUES (2, '{\"t\": -50}', 'tenant/s:1')", None,
                                    tenant).sqlstate, "23514")
        self.assertEqual(self.one("SELECT ref_count FROM schemareg.get_schema('tenant/s:1')", None, tenant), 1)


class SingleNodeTest(CitusCase):
    """Citus on the coordinator alone, which then holds every shard: Citus
    runs the shards' DDL in the caller's backend, where it hides known
    shards from queries on pg_class. The refusals hold there too."""

    SINGLE = DBNAME + "_single"

    def setUp(self):
        super().setUp()
        with connect(PORTS[0], "postgres") as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.SINGLE)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.SINGLE)))
        self.addCleanup(self.drop_single)
        self.conn = connect(PORTS[0], self.SINGLE)
        self.addCleanup(self.conn.close)
        self.run_sql("CREATE EXTENSION citus")
        self.run_sql("CREATE EXTENSION schemareg")
        self.workers = []

    def drop_single(self):
        self.conn.close()
        with connect(PORTS[0], "postgres") as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.SINGLE)))

    def test_refusals_on_a_single_node(self):
        self.schema("single/s", SENSOR)
        self.table("single_t")
        self.run_sql("SELECT schemareg.attach('single_t', 'doc', 'sch')")
        self.run_sql("INSERT INTO single_t VALUES (1, '{\"t\": 1}', 'single/s:1')")
        before = self.state("single_t")
        self.run_sql("SET citus.enable_unsafe_triggers = on")
        for statement in ("SELECT create_distributed_table('single_t', 'id')",
                          "SELECT create_reference_table('single_t')"):
            with self.subTest(statement=statement):
                diag = self.fails(statement)
                self.assertEqual((diag.sqlstate, diag.message_primary),
                                 ("0A000", 'table "public.single_t" cannot become a Citus table'
                                           " while schemareg binds it"))
        self.assertEqual(self.state("single_t"), before)
        for table in ("names", "job_state"):
            for statement in (f"SELECT create_reference_table('schemareg.{table}')",
                              f"SELECT create_distributed_table('schemareg.{table}', NULL)"):
                with self.subTest(statement=statement):
                    diag = self.fails(statement)
                    self.assertEqual((diag.sqlstate, diag.message_primary),
                                     ("0A000", f'schemareg\'s table "schemareg.{table}" cannot become a Citus table'))
        self.assertEqual(self.run_sql("SELECT count(*) FROM pg_dist_partition"), [(0,)])
        # A shard the coordinator holds is not bound either.
        self.table("single_d")
        self.run_sql("SELECT create_distributed_table('single_d', 'id', shard_count := 1)")
        shard = "public.single_d_" + str(self.one("SELECT shardid FROM pg_dist_shard"
                                                  " WHERE logicalrelid = 'single_d'::regclass"))
        diag = self.fails("SELECT schemareg.attach(%s, 'doc', 'sch')", (shard,))
        self.assertEqual((diag.sqlstate, diag.message_primary),
                         ("0A000", f'table "{shard}" cannot be bound: it is a Citus shard of "public.single_d"'))
        self.assertEqual(self.run_sql("SELECT count(*) FROM schemareg.bindings"), [(1,)])
