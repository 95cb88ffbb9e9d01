"""A randomized, seeded workload against bound tables, then exact checks of
the per-version record counts.

Three bound tables (a plain one with a primary key, one partitioned by range
with three partitions, one in flag mode with an errors column) and four schema
versions take a few thousand random writes: single and multi-row INSERTs of
valid and invalid records, UPDATEs of the record, of the version, to NULL and
across partitions, DELETEs, INSERT ... ON CONFLICT, COPY, transactions that
commit or roll back, rolled-back savepoints, TRUNCATE of a table and of a
partition, DROP TABLE and re-attach, detach + attach, DETACH/ATTACH PARTITION,
then the same from three concurrent connections. Every statement's outcome is
checked as it happens (invalid records refused with 23514 in enforce tables,
stored with their errors in flag mode); afterwards every version's ref_count
must equal a count taken by hand, recount() must find no drift, no row may
name a missing version, and delete_schema must refuse (2BP01) a version in use
and delete it once its records are gone. A second test races delete_schema
against inserts of the same version.

The seed is printed; rerun one with SCHEMAREG_WORKLOAD_SEED=<seed>.

Run: /usr/bin/python3 -m unittest discover -s tests/client -p 'test_workload.py' -v
"""

import collections
import contextlib
import json
import os
import random
import re
import sys
import threading
import time
import unittest

import psycopg
from psycopg import errors
from psycopg.pq import TransactionStatus
from psycopg.types.json import Jsonb

from test_sqlstates import DBNAME, ClientCase, setUpModule, tearDownModule  # noqa: F401

SEED = int(os.environ.get("SCHEMAREG_WORKLOAD_SEED") or random.SystemRandom().randrange(2**31))

# Operations of the single-connection phases and of each concurrent thread.
SINGLE_OPS_BEFORE = 1100
SINGLE_OPS_AFTER = 400
THREADS = 3
THREAD_OPS = 350
RACE_ROUNDS = 60

DOC = "wl/doc"
ANY = "wl/any"
DEFINITIONS = [
    (DOC, {"type": "object", "required": ["a"],
           "properties": {"a": {"type": "integer"}}}),
    (DOC, {"type": "object",
           "properties": {"a": {"type": "integer"}, "b": {"type": "string"}}}),
    (DOC, {"type": "object", "required": ["a", "b"],
           "properties": {"a": {"type": "integer"}, "b": {"type": "string"}}}),
    (ANY, {"type": "object"}),
]
VERSIONS = ["wl/doc:1", "wl/doc:2", "wl/doc:3", "wl/any:1"]
NEWEST = {DOC: "wl/doc:3", ANY: "wl/any:1"}
# What a row may write in its schema column: a version, a bare name, or NULL.
REFS = VERSIONS + [DOC, ANY]
REF_PATTERN = re.compile(r"^[a-z/]+:[0-9]+$")

PLAIN, PART, FLAG = "wl_plain", "wl_part", "wl_flag"
PARTITIONS = [("wl_part_a", 0, 100), ("wl_part_b", 100, 200), ("wl_part_c", 200, 300)]
TABLES = {
    PLAIN: {"mode": "enforce", "pk": True},
    PART: {"mode": "enforce", "pk": False},
    FLAG: {"mode": "flag", "pk": True},
}


def resolve(ref):
    """What the schema column holds after a write of ref."""
    if ref is None:
        return None
    return NEWEST.get(ref, ref)


def valid(ref, doc):
    """The schemas above, in Python."""
    ref = resolve(ref)
    if not isinstance(doc, dict):
        return False
    if ref == "wl/any:1":
        return True
    a_ok = "a" not in doc or (isinstance(doc["a"], int) and not isinstance(doc["a"], bool))
    b_ok = "b" not in doc or isinstance(doc["b"], str)
    if ref == "wl/doc:1":
        return "a" in doc and a_ok
    if ref == "wl/doc:2":
        return a_ok and b_ok
    if ref == "wl/doc:3":
        return "a" in doc and "b" in doc and a_ok and b_ok
    raise AssertionError(f"unknown ref {ref!r}")


def create_tables(conn, only=None):
    """(Re)creates the workload tables (unbound)."""
    for table in [only] if only else list(TABLES):
        conn.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
        if table == PLAIN:
            conn.execute(f"CREATE TABLE {PLAIN} (id bigint PRIMARY KEY DEFAULT nextval('wl_ids'),"
                         " doc jsonb, sch text)")
        elif table == FLAG:
            conn.execute(f"CREATE TABLE {FLAG} (id bigint PRIMARY KEY DEFAULT nextval('wl_ids'),"
                         " doc jsonb, sch text, errs jsonb)")
        else:
            conn.execute(f"CREATE TABLE {PART} (id bigint NOT NULL DEFAULT nextval('wl_ids'),"
                         " k int NOT NULL, doc jsonb, sch text) PARTITION BY RANGE (k)")
            for name, lo, hi in PARTITIONS:
                conn.execute(f"CREATE TABLE {name} PARTITION OF {PART} FOR VALUES FROM ({lo}) TO ({hi})")


def attach(conn, table):
    if TABLES[table]["mode"] == "flag":
        conn.execute("SELECT schemareg.attach(%s, 'doc', 'sch', 'flag', 'errs')", (table,))
    else:
        conn.execute("SELECT schemareg.attach(%s, 'doc', 'sch')", (table,))


class WorkloadFailure(AssertionError):
    pass


class Worker:
    """One connection and its own random stream, issuing random operations and
    checking each statement's outcome. A worker only updates, deletes and
    upserts rows whose ids it was handed by the sequence itself, so that
    concurrent workers never wait on each other's rows."""

    def __init__(self, conn, rng, name, single):
        self.conn = conn
        self.rng = rng
        self.name = name
        self.single = single  # the only writer: may run DDL and predicate-wide writes
        self.ids = {t: [] for t in TABLES}
        self.log = collections.deque(maxlen=25)
        self.stats = collections.Counter()

    # -- reporting --------------------------------------------------------

    def fail(self, message):
        recent = "\n    ".join(self.log)
        raise WorkloadFailure(f"[seed {SEED}, {self.name}] {message}\n  recent operations:\n    {recent}")

    def note(self, text):
        self.log.append(text)

    # -- statements ---------------------------------------------------------

    def in_transaction(self):
        return self.conn.info.transaction_status != TransactionStatus.IDLE

    def run(self, what, fn, expect=None, vanish_ok=False):
        """Runs fn(cursor) as one statement (inside a savepoint when in a
        transaction, so an expected error leaves the transaction usable).
        expect: the psycopg error class the statement must raise, or None
        when it must succeed; vanish_ok: success is accepted too when fn
        returns no rows (its target row was truncated by another thread).
        Returns fn's result, or the error."""
        ctx = self.conn.transaction() if self.in_transaction() else contextlib.nullcontext()
        try:
            with ctx:
                result = fn(self.conn.cursor())
        except psycopg.Error as e:
            if expect is not None and isinstance(e, expect):
                return e
            self.fail(f"{what}: unexpected {type(e).__name__} ({e.sqlstate}): {e}"
                      + (f" (expected {expect.__name__})" if expect else " (expected success)"))
        if expect is not None and not (vanish_ok and result == []):
            self.fail(f"{what}: succeeded ({result!r}), expected {expect.__name__}")
        return result

    # -- random data --------------------------------------------------------

    def doc(self):
        r = self.rng
        if r.random() < 0.04:
            return r.choice([[1, 2], "text", 3])
        d = {}
        a = r.choice(["missing", "int", "int", "int", "str"])
        if a == "int":
            d["a"] = r.randint(-1000, 1000)
        elif a == "str":
            d["a"] = "x%d" % r.randint(0, 9)
        b = r.choice(["missing", "str", "str", "int"])
        if b == "str":
            d["b"] = "s%d" % r.randint(0, 99)
        elif b == "int":
            d["b"] = r.randint(0, 9)
        if r.random() < 0.3:
            d["c"] = [r.randint(0, 5)]
        return d

    def valid_doc(self, ref):
        for _ in range(50):
            d = self.doc()
            if ref is None or valid(ref, d):
                return d
        return {"a": 1, "b": "s"}

    def row(self, valid_only):
        """(k, doc, ref) for an INSERT."""
        r = self.rng
        ref = r.choice(REFS + [None])
        if ref is None and r.random() < 0.2:
            d = None
        elif valid_only or r.random() < 0.6:
            d = self.valid_doc(ref)
        else:
            d = self.doc()
        return r.randrange(0, 300), d, ref

    def pick_ids(self, table, lo=1, hi=6):
        ids = self.ids[table]
        if not ids:
            return []
        return self.rng.sample(ids, min(len(ids), self.rng.randint(lo, hi)))

    def forget(self, table, gone):
        gone = set(gone)
        self.ids[table] = [i for i in self.ids[table] if i not in gone]

    # -- checks of returned rows ------------------------------------------------

    def check_returned(self, what, table, returned, docs_by_id, refs_by_id):
        """returned: (id, sch[, errs]) rows. The schema column must hold the
        resolved reference; in flag mode errs is NULL exactly for valid rows."""
        for row in returned:
            rid, sch = row[0], row[1]
            if rid in refs_by_id and sch != resolve(refs_by_id[rid]):
                self.fail(f"{what}: row {rid} stored schema {sch!r}, expected "
                          f"{resolve(refs_by_id[rid])!r}")
            if table == FLAG:
                errs = row[2]
                doc = docs_by_id[rid]
                ok = sch is None or valid(sch, doc)
                if ok != (errs is None):
                    self.fail(f"{what}: flag row {rid} with {sch!r} and record {doc!r} "
                              f"stored errors {errs!r} (record valid: {ok})")
                if errs is not None and not (isinstance(errs, list) and errs):
                    self.fail(f"{what}: flag row {rid} stored errors {errs!r}, expected a non-empty array")

    def expected_insert_error(self, table, rows):
        """The error an INSERT/COPY of rows must raise, or None."""
        if TABLES[table]["mode"] == "flag":
            return None
        for _, d, ref in rows:
            if ref is not None and d is None:
                return errors.NotNullViolation
            if ref is not None and not valid(ref, d):
                return errors.CheckViolation
        return None

    def returning(self, table):
        return "id, sch, errs" if table == FLAG else "id, sch"

    # -- operations -----------------------------------------------------------

    def op_insert(self, table, n):
        r = self.rng
        valid_only = TABLES[table]["mode"] == "enforce" and r.random() < 0.6
        rows = [self.row(valid_only) for _ in range(n)]
        # A NULL record under a schema only alone, so the expected error is certain.
        if n > 1:
            rows = [(k, d if d is not None or ref is None else {}, ref) for k, d, ref in rows]
        elif rows[0][2] is not None and r.random() < 0.03 and TABLES[table]["mode"] == "enforce":
            rows = [(rows[0][0], None, rows[0][2])]
        cols = "k, doc, sch" if table == PART else "doc, sch"
        values = ", ".join(["(%s, %s, %s)" if table == PART else "(%s, %s)"] * n)
        params = []
        for k, d, ref in rows:
            if table == PART:
                params.append(k)
            params += [None if d is None else Jsonb(d), ref]
        expect = self.expected_insert_error(table, rows)
        what = f"INSERT {n} into {table}"
        self.note(f"{what}: {[(d, ref) for _, d, ref in rows]}")

        def go(cur):
            cur.execute(f"INSERT INTO {table} ({cols}) VALUES {values} RETURNING {self.returning(table)}",
                        params)
            return cur.fetchall()
        result = self.run(what, go, expect)
        if expect is None:
            if len(result) != n:
                self.fail(f"{what}: RETURNING gave {len(result)} rows")
            # RETURNING keeps the VALUES order for a plain INSERT.
            docs = {row[0]: d for row, (_, d, _) in zip(result, rows)}
            refs = {row[0]: ref for row, (_, _, ref) in zip(result, rows)}
            self.check_returned(what, table, result, docs, refs)
            self.ids[table] += [row[0] for row in result]
        self.stats["insert" if n == 1 else "insert_multi"] += 1

    def op_copy(self, table):
        r = self.rng
        n = r.randint(1, 15)
        valid_only = TABLES[table]["mode"] == "enforce" and r.random() < 0.7
        rows = [self.row(valid_only) for _ in range(n)]
        rows = [(k, d if d is not None or ref is None else {}, ref) for k, d, ref in rows]
        ids = [i for (i,) in self.conn.execute(
            "SELECT nextval('wl_ids') FROM generate_series(1, %s)", (n,))]
        expect = self.expected_insert_error(table, rows)
        cols = "id, k, doc, sch" if table == PART else "id, doc, sch"
        what = f"COPY {n} into {table}"
        self.note(f"{what}: {[(d, ref) for _, d, ref in rows]}")

        def go(cur):
            with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for i, (k, d, ref) in zip(ids, rows):
                    doc_text = None if d is None else json.dumps(d)
                    copy.write_row((i, k, doc_text, ref) if table == PART else (i, doc_text, ref))
        self.run(what, go, expect)
        if expect is None:
            got = self.conn.execute(f"SELECT {self.returning(table)} FROM {table} WHERE id = ANY(%s)",
                                    (ids,)).fetchall()
            # Concurrently, another thread may truncate a partition in between.
            if len(got) != n and (self.single or table != PART):
                self.fail(f"{what}: {len(got)} of the {n} copied rows found")
            docs = dict(zip(ids, (d for _, d, _ in rows)))
            refs = dict(zip(ids, (ref for _, _, ref in rows)))
            self.check_returned(what, table, got, docs, refs)
            self.ids[table] += ids
        self.stats["copy"] += 1

    def fetch_docs(self, table, ids):
        return dict(self.conn.execute(f"SELECT id, doc FROM {table} WHERE id = ANY(%s)",
                                      (ids,)).fetchall())

    def op_update_doc(self, table):
        ids = self.pick_ids(table)
        new = self.doc()
        what = f"UPDATE {table} SET doc"
        self.note(f"{what} = {new!r} WHERE id IN {ids}")
        if TABLES[table]["mode"] == "flag":
            where, params = "id = ANY(%s)", [Jsonb(new), ids]
        else:
            accepting = [v for v in VERSIONS if valid(v, new)]
            where = "id = ANY(%s) AND (sch IS NULL OR sch = ANY(%s))"
            params = [Jsonb(new), ids, accepting]

        def go(cur):
            cur.execute(f"UPDATE {table} SET doc = %s WHERE {where} RETURNING {self.returning(table)}",
                        params)
            return cur.fetchall()
        result = self.run(what, go)
        self.check_returned(what, table, result, {row[0]: new for row in result}, {})
        self.stats["update_doc"] += 1

    def op_update_ref(self, table, to_invalid=False):
        """Moves rows to another version (a bare name, NULL); in enforce
        tables only rows valid for it, or, to_invalid, one row that is not,
        which must fail with 23514."""
        r = self.rng
        ref = r.choice(REFS + [None])
        ids = self.pick_ids(table)
        docs = self.fetch_docs(table, ids)
        move_k = table == PART and r.random() < 0.4
        k = r.randrange(0, 300)
        sets = "sch = %s" + (", k = %s" if move_k else "")
        set_params = [ref] + ([k] if move_k else [])
        expect = None
        if ref is None:
            target = list(docs)
        elif TABLES[table]["mode"] == "flag":
            # A NULL record under a schema is refused in flag mode too (23502).
            target = [i for i, d in docs.items() if d is not None]
        else:
            ok = [i for i, d in docs.items() if d is not None and valid(ref, d)]
            bad = [i for i, d in docs.items() if d is not None and not valid(ref, d)]
            if to_invalid and bad:
                target, expect = [r.choice(bad)], errors.CheckViolation
            else:
                target = ok
        what = f"UPDATE {table} SET {sets}"
        self.note(f"{what} {set_params} WHERE id IN {target} (records {[docs[i] for i in target]})")

        def go(cur):
            cur.execute(f"UPDATE {table} SET {sets} WHERE id = ANY(%s) RETURNING {self.returning(table)}",
                        set_params + [target])
            return cur.fetchall()
        # Concurrently, another thread may truncate the row's partition in between.
        result = self.run(what, go, expect, vanish_ok=not self.single and table == PART)
        if expect is None or result == []:
            if self.single and len(result) != len(target):
                self.fail(f"{what}: updated {len(result)} rows, expected {len(target)}")
            self.check_returned(what, table, result, docs, {i: ref for i in target})
        self.stats["update_invalid" if expect else ("update_null" if ref is None else "update_ref")] += 1

    def op_update_k(self):
        ids = self.pick_ids(PART)
        k = self.rng.randrange(0, 300)
        self.note(f"UPDATE {PART} SET k = {k} WHERE id IN {ids}")
        self.run("UPDATE k", lambda cur: cur.execute(
            f"UPDATE {PART} SET k = %s WHERE id = ANY(%s)", (k, ids)))
        self.stats["update_partition_move"] += 1

    def op_delete(self, table):
        if self.single and self.rng.random() < 0.15:
            ref = self.rng.choice(VERSIONS)
            m = self.rng.randint(2, 6)
            self.note(f"DELETE FROM {table} WHERE sch = {ref} AND id % {m} = 0")
            self.run("DELETE by predicate", lambda cur: cur.execute(
                f"DELETE FROM {table} WHERE sch = %s AND id %% %s = 0", (ref, m)))
            self.stats["delete_predicate"] += 1
            return
        ids = self.pick_ids(table, 1, 4)
        self.note(f"DELETE FROM {table} WHERE id IN {ids}")
        self.run("DELETE", lambda cur: cur.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", (ids,)))
        if not self.in_transaction():
            self.forget(table, ids)
        self.stats["delete"] += 1

    def op_upsert(self, table):
        r = self.rng
        ids = self.pick_ids(table, 0, 3)
        if r.random() < 0.5 or not ids:
            ids.append(self.conn.execute("SELECT nextval('wl_ids')").fetchone()[0])
        valid_only = TABLES[table]["mode"] == "enforce" and r.random() < 0.7
        rows = [self.row(valid_only) for _ in ids]
        rows = [(k, d if d is not None or ref is None else {}, ref) for k, d, ref in rows]
        nothing = r.random() < 0.3
        action = "DO NOTHING" if nothing else "DO UPDATE SET doc = excluded.doc, sch = excluded.sch"
        values = ", ".join(["(%s, %s, %s)"] * len(ids))
        params = []
        for i, (_, d, ref) in zip(ids, rows):
            params += [i, None if d is None else Jsonb(d), ref]
        # BEFORE INSERT triggers see every proposed row, conflicting or not.
        expect = self.expected_insert_error(table, rows)
        what = f"INSERT {len(ids)} into {table} ON CONFLICT {action.split(' SET')[0]}"
        self.note(f"{what}: {list(zip(ids, [(d, ref) for _, d, ref in rows]))}")

        def go(cur):
            cur.execute(f"INSERT INTO {table} (id, doc, sch) VALUES {values} ON CONFLICT (id) {action}"
                        f" RETURNING {self.returning(table)}", params)
            return cur.fetchall()
        result = self.run(what, go, expect)
        if expect is None:
            docs = dict(zip(ids, (d for _, d, _ in rows)))
            refs = dict(zip(ids, (ref for _, _, ref in rows)))
            if not nothing and self.single and len(result) != len(ids):
                self.fail(f"{what}: RETURNING gave {len(result)} rows, expected {len(ids)}")
            self.check_returned(what, table, result, docs, refs)
            self.ids[table] = list(set(self.ids[table]) | set(ids))
        self.stats["upsert_nothing" if nothing else "upsert_update"] += 1

    def op_truncate(self, partition=None):
        target = partition or self.rng.choice(list(TABLES))
        self.note(f"TRUNCATE {target}")
        self.run("TRUNCATE", lambda cur: cur.execute(f"TRUNCATE {target}"))
        if partition is None and not self.in_transaction():
            self.ids[target] = []
        self.stats["truncate_partition" if partition else "truncate"] += 1

    def simple_op(self, allow_truncate):
        r = self.rng
        table = r.choice(list(TABLES))
        x = r.random()
        if x < 0.22:
            self.op_insert(table, 1)
        elif x < 0.36:
            self.op_insert(table, r.randint(2, 8))
        elif x < 0.44:
            self.op_update_doc(table)
        elif x < 0.55:
            self.op_update_ref(table)
        elif x < 0.60:
            self.op_update_ref(table, to_invalid=True)
        elif x < 0.64:
            self.op_update_k()
        elif x < 0.74:
            self.op_delete(table)
        elif x < 0.86:
            self.op_upsert(r.choice([PLAIN, FLAG]))
        elif x < 0.95:
            self.op_copy(table)
        elif allow_truncate and x < 0.955:
            self.op_truncate()
        elif allow_truncate and x < 0.96:
            self.op_truncate(r.choice(PARTITIONS)[0])
        else:
            self.op_insert(table, 1)

    def op_transaction(self):
        r = self.rng
        commit = r.random() < 0.6
        self.note(f"BEGIN ({'commit' if commit else 'rollback'})")
        try:
            with self.conn.transaction():
                for _ in range(r.randint(1, 4)):
                    self.simple_op(allow_truncate=self.single)
                if r.random() < 0.5:
                    self.note("SAVEPOINT (rolled back)")
                    with self.conn.transaction():
                        for _ in range(r.randint(1, 3)):
                            self.simple_op(allow_truncate=self.single)
                        raise psycopg.Rollback()
                    self.note("ROLLBACK TO SAVEPOINT")
                for _ in range(r.randint(0, 2)):
                    self.simple_op(allow_truncate=self.single)
                if not commit:
                    raise psycopg.Rollback()
        except psycopg.Error as e:
            self.fail(f"transaction failed: {type(e).__name__} ({e.sqlstate}): {e}")
        self.note("COMMIT" if commit else "ROLLBACK")
        self.stats["transaction_commit" if commit else "transaction_rollback"] += 1

    def random_op(self):
        x = self.rng.random()
        if x < 0.12:
            self.op_transaction()
        elif not self.single and x < 0.125:
            # A lone TRUNCATE of a partition holds no other lock: no deadlock.
            self.op_truncate(self.rng.choice(PARTITIONS)[0])
        else:
            self.simple_op(allow_truncate=self.single)


class WorkloadTest(ClientCase):

    @classmethod
    def setUpClass(cls):
        print(f"\nschemareg workload seed: {SEED} (rerun with SCHEMAREG_WORKLOAD_SEED={SEED})",
              file=sys.stderr, flush=True)

    def setUp(self):
        super().setUp()
        self.conn.execute("DROP SEQUENCE IF EXISTS wl_ids CASCADE")
        self.conn.execute("CREATE SEQUENCE wl_ids")
        self.addCleanup(self._drop_tables)

    def _drop_tables(self):
        with psycopg.connect(dbname=DBNAME, autocommit=True) as conn:
            for t in list(TABLES) + ["race_t", "race_f"]:
                conn.execute(f"DROP TABLE IF EXISTS {t} CASCADE")

    def m(self, message):
        return f"[seed {SEED}] {message}"

    # -- the exact checks ----------------------------------------------------

    def hand_counts(self, tables):
        counts = collections.Counter()
        for t in tables:
            for sch, n in self.conn.execute(
                    f"SELECT sch, count(*) FROM {t} WHERE sch IS NOT NULL GROUP BY sch"):
                counts[sch] += n
        return counts

    def stored_counts(self):
        return {f"{name}:{version}": n for name, version, n in self.conn.execute(
            "SELECT name, version, ref_count FROM schemareg.schemas")}

    def bound_tables(self):
        return {t for (t,) in self.conn.execute("SELECT tbl::text FROM schemareg.bindings")}

    def check_counts(self, label, expected_bound, stats=None):
        """ref_count of every version equals the rows of the bound tables
        that name it, and no row names a missing version."""
        bound = self.bound_tables()
        self.assertEqual(bound, set(expected_bound),
                         self.m(f"{label}: bound tables {sorted(bound)}, expected {sorted(expected_bound)}"))
        hand = self.hand_counts(sorted(bound))
        stored = self.stored_counts()
        mismatches = [f"{ref}: ref_count {stored[ref]}, rows {hand.get(ref, 0)}"
                      for ref in sorted(stored) if stored[ref] != hand.get(ref, 0)]
        missing = [f"{ref}: {n} rows name it, but no such version" for ref, n in sorted(hand.items())
                   if ref not in stored]
        detail = f" (operations so far: {dict(stats)})" if stats else ""
        self.assertEqual(mismatches + missing, [],
                         self.m(f"{label}: counts drifted{detail}:\n  " + "\n  ".join(mismatches + missing)))

    def check_rows(self, label):
        """Every row of an enforce table is valid for the version it names,
        flag rows carry errors exactly when invalid, and no bare name is left."""
        for table, info in TABLES.items():
            cols = "id, sch, doc" + (", errs" if table == FLAG else "")
            for row in self.conn.execute(f"SELECT {cols} FROM {table} WHERE sch IS NOT NULL"):
                rid, sch, doc = row[:3]
                self.assertRegex(sch, REF_PATTERN, self.m(f"{label}: {table} row {rid} names {sch!r}"))
                ok = valid(sch, doc)
                if info["mode"] == "enforce":
                    self.assertTrue(ok, self.m(f"{label}: {table} row {rid} with {sch!r} holds an "
                                               f"invalid record {doc!r}"))
                else:
                    self.assertEqual(row[3] is None, ok,
                                     self.m(f"{label}: {table} row {rid} with {sch!r}, record "
                                            f"{doc!r}: errs {row[3]!r}"))
            if table == FLAG:
                n = self.one(f"SELECT count(*) FROM {FLAG} WHERE sch IS NULL AND errs IS NOT NULL")[0]
                self.assertEqual(n, 0, self.m(f"{label}: {n} flag rows without schema carry errors"))

    # -- the single-connection structural operations ----------------------------

    def detach_attach(self, worker):
        table = worker.rng.choice(list(TABLES))
        worker.note(f"detach + attach {table}")
        self.conn.execute("SELECT schemareg.detach(%s)", (table,))
        # Rows written while unbound (valid ones, bare names among them) are
        # checked, rewritten and counted by attach.
        rows = []
        for _ in range(worker.rng.randint(0, 4)):
            ref = worker.rng.choice(REFS + [None])
            rows.append((worker.rng.randrange(0, 300), worker.valid_doc(ref), ref))
        new_ids = []
        for k, d, ref in rows:
            if table == PART:
                q, p = f"INSERT INTO {PART} (k, doc, sch) VALUES (%s, %s, %s) RETURNING id", (k, Jsonb(d), ref)
            else:
                q, p = f"INSERT INTO {table} (doc, sch) VALUES (%s, %s) RETURNING id", (Jsonb(d), ref)
            new_ids.append(self.one(q, p)[0])
        self.check_counts(f"while {table} is detached", set(TABLES) - {table}, worker.stats)
        attach(self.conn, table)
        for i, (_, _, ref) in zip(new_ids, rows):
            sch = self.one(f"SELECT sch FROM {table} WHERE id = %s", (i,))[0]
            self.assertEqual(sch, resolve(ref), self.m(f"attach left row {i} of {table} naming {sch!r}"))
        worker.ids[table] += new_ids
        worker.stats["detach_attach"] += 1

    def drop_recreate(self, worker):
        table = worker.rng.choice(list(TABLES))
        if worker.rng.random() < 0.3:
            worker.note(f"BEGIN; DROP TABLE {table}; ROLLBACK")
            with contextlib.suppress(psycopg.Rollback), self.conn.transaction():
                self.conn.execute(f"DROP TABLE {table}")
                self.check_counts(f"after DROP TABLE {table} (to be rolled back)",
                                  set(TABLES) - {table}, worker.stats)
                raise psycopg.Rollback()
            self.check_counts(f"after DROP TABLE {table} rolled back", set(TABLES), worker.stats)
            worker.stats["drop_rolled_back"] += 1
            return
        worker.note(f"DROP TABLE {table}; recreate; attach")
        self.conn.execute(f"DROP TABLE {table}")
        self.check_counts(f"after DROP TABLE {table}", set(TABLES) - {table}, worker.stats)
        create_tables(self.conn, table)
        worker.ids[table] = []
        for _ in range(worker.rng.randint(0, 5)):
            ref = worker.rng.choice(REFS + [None])
            d = worker.valid_doc(ref)
            if table == PART:
                q, p = f"INSERT INTO {PART} (k, doc, sch) VALUES (%s, %s, %s) RETURNING id", \
                    (worker.rng.randrange(0, 300), Jsonb(d), ref)
            else:
                q, p = f"INSERT INTO {table} (doc, sch) VALUES (%s, %s) RETURNING id", (Jsonb(d), ref)
            worker.ids[table].append(self.one(q, p)[0])
        attach(self.conn, table)
        worker.stats["drop_recreate"] += 1

    def partition_detach_attach(self, worker):
        name, lo, hi = worker.rng.choice(PARTITIONS)
        worker.note(f"DETACH PARTITION {name}; write it; ATTACH PARTITION")
        self.conn.execute(f"ALTER TABLE {PART} DETACH PARTITION {name}")
        self.check_counts(f"after DETACH PARTITION {name}", set(TABLES), worker.stats)
        # A detached partition is a table of its own, unbound: writes to it
        # must neither be checked nor counted.
        self.conn.execute(f"INSERT INTO {name} (k, doc, sch) VALUES (%s, %s, 'wl/doc:1')",
                          (lo, Jsonb({"a": 1})))
        self.conn.execute(f"DELETE FROM {name} WHERE id IN (SELECT id FROM {name} LIMIT 1)")
        self.conn.execute(f"INSERT INTO {name} (k, doc, sch) VALUES (%s, %s, 'wl/any:1')",
                          (lo, Jsonb({})))
        self.check_counts(f"after writing the detached partition {name}", set(TABLES), worker.stats)
        self.conn.execute(f"ALTER TABLE {PART} ATTACH PARTITION {name} FOR VALUES FROM ({lo}) TO ({hi})")
        self.check_counts(f"after ATTACH PARTITION {name}", set(TABLES), worker.stats)
        worker.stats["partition_detach_attach"] += 1

    def single_phase(self, worker, ops, label):
        for i in range(ops):
            x = worker.rng.random()
            if x < 0.004:
                self.drop_recreate(worker)
            elif x < 0.008:
                self.detach_attach(worker)
            elif x < 0.011:
                self.partition_detach_attach(worker)
            else:
                worker.random_op()
            if i % 200 == 199:
                self.check_counts(f"{label}, after {i + 1} operations", set(TABLES), worker.stats)

    # -- the tests -----------------------------------------------------------

    def test_random_workload_keeps_exact_counts(self):
        started = time.monotonic()
        for name, definition in DEFINITIONS:
            if name == DOC and self.one("SELECT count(*) FROM schemareg.schemas WHERE name = %s",
                                        (DOC,))[0]:
                last = self.one("SELECT max(version) FROM schemareg.schemas WHERE name = %s", (DOC,))[0]
                self.conn.execute("SELECT schemareg.revise_schema(%s, %s)",
                                  (f"{DOC}:{last}", Jsonb(definition)))
            else:
                self.create(name, definition)
        self.assertEqual(sorted(self.stored_counts()), sorted(VERSIONS))
        create_tables(self.conn)
        for table in TABLES:
            attach(self.conn, table)

        rng = random.Random(SEED)
        main = Worker(self.conn, random.Random(rng.random()), "main", single=True)
        self.single_phase(main, SINGLE_OPS_BEFORE, "single phase 1")
        self.check_counts("after single phase 1", set(TABLES), main.stats)
        phases = {"single 1": time.monotonic() - started}

        # Concurrent phase: each thread its own connection and random stream.
        workers = [Worker(self.connect(), random.Random(rng.random()), f"thread {i}", single=False)
                   for i in range(THREADS)]
        failures = []
        barrier = threading.Barrier(THREADS)

        def work(w):
            try:
                barrier.wait()
                for _ in range(THREAD_OPS):
                    w.random_op()
            except BaseException as e:  # reported by the main thread
                failures.append(e)
        threads = [threading.Thread(target=work, args=(w,)) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertFalse(any(t.is_alive() for t in threads), self.m("a workload thread hung"))
        if failures:
            raise failures[0]
        stats = main.stats.copy()
        for w in workers:
            stats.update(w.stats)
        self.check_counts("after the concurrent phase", set(TABLES), stats)
        phases["concurrent"] = time.monotonic() - started - sum(phases.values())

        # A second single phase, on connections whose slots other backends used.
        main.ids = {t: [i for (i,) in self.conn.execute(f"SELECT id FROM {t}")] for t in TABLES}
        self.single_phase(main, SINGLE_OPS_AFTER, "single phase 2")
        stats.update(main.stats)
        phases["single 2"] = time.monotonic() - started - sum(phases.values())

        # (2) + (3): ref_count equals the hand count; no row names a missing version.
        self.check_counts("after the workload", set(TABLES), stats)
        self.check_rows("after the workload")
        # (1): recount finds nothing to repair.
        drift = self.conn.execute("SELECT * FROM schemareg.recount()").fetchall()
        self.assertEqual(drift, [], self.m(f"recount() repaired drift (ref, stored, actual): {drift}"))

        # (4): a version in use cannot be deleted; once its records are gone it can.
        hand = self.hand_counts(TABLES)
        # Only the oldest or the newest version of a name may be deleted.
        deletable = ["wl/doc:1", "wl/doc:3", "wl/any:1"]
        victim = max(deletable, key=lambda v: hand.get(v, 0))
        if hand.get(victim, 0) == 0:
            self.conn.execute(f"INSERT INTO {PLAIN} (doc, sch) VALUES (%s, %s)",
                              (Jsonb({"a": 1, "b": "x"}), victim))
            hand[victim] = 1
        with self.assertRaises(errors.DependentObjectsStillExist,
                               msg=self.m(f"delete_schema({victim}) with {hand[victim]} records")) as cm:
            self.conn.execute("SELECT schemareg.delete_schema(%s)", (victim,))
        self.assertEqual(cm.exception.sqlstate, "2BP01")
        self.assertIn(f"is used by {hand[victim]} records", cm.exception.diag.message_primary,
                      self.m("the refusal names the record count"))
        self.check_counts("after the refused delete_schema", set(TABLES), stats)
        deleted = 0
        for table in TABLES:
            deleted += self.conn.execute(f"DELETE FROM {table} WHERE sch = %s", (victim,)).rowcount
        self.assertEqual(deleted, hand[victim], self.m(f"rows deleted naming {victim}"))
        self.assertIs(self.one("SELECT schemareg.delete_schema(%s)", (victim,))[0], True,
                      self.m(f"delete_schema({victim}) once its records are gone"))
        self.assertNotIn(victim, self.stored_counts(), self.m(f"{victim} still listed after delete"))
        self.check_counts(f"after deleting {victim}", set(TABLES), stats)
        self.assertEqual(self.conn.execute("SELECT * FROM schemareg.recount()").fetchall(), [],
                         self.m(f"recount() after deleting {victim}"))

        elapsed = time.monotonic() - started
        print(f"\nworkload (seed {SEED}): {sum(stats.values())} operations in {elapsed:.1f} s "
              f"({', '.join(f'{k} {v:.1f} s' for k, v in phases.items())}); "
              f"final rows per version {dict(sorted(hand.items()))}; deleted {victim}\n"
              f"  {dict(sorted(stats.items()))}", file=sys.stderr, flush=True)

    def test_delete_schema_races_inserts(self):
        """delete_schema against transactions inserting records of the very
        version: afterwards the version exists with an exact count, or it is
        gone and no row names it."""
        rng = random.Random(SEED ^ 0x5EED)
        self.conn.execute("CREATE TABLE race_t (id bigserial PRIMARY KEY, doc jsonb, sch text)")
        self.conn.execute("CREATE TABLE race_f (id bigserial PRIMARY KEY, doc jsonb, sch text, errs jsonb)")
        self.conn.execute("SELECT schemareg.attach('race_t', 'doc', 'sch')")
        self.conn.execute("SELECT schemareg.attach('race_f', 'doc', 'sch', 'flag', 'errs')")
        # The registry is never empty: into an empty one, rows that a
        # superuser (this test's role) writes naming a version a delete just
        # removed are a restore's rows loaded ahead of the registry, stored
        # as they are (RestoreAhead in src/pg/records.cpp), not this race.
        self.create("race/keep", {})
        inserters = [self.connect() for _ in range(2)]
        deleter = self.connect()
        for c in inserters + [deleter]:
            # A deadlock, should one occur, is then reported within 50 ms, not 1 s.
            c.execute("SET deadlock_timeout = '50ms'")
        outcomes = collections.Counter()
        deviations = []
        started = time.monotonic()
        for rnd in range(RACE_ROUNDS):
            name = f"race/r{rnd}"
            ref = f"{name}:1"
            self.create(name, {"type": "object", "required": ["n"]})
            # Warm every backend's cache of the version before the race.
            for c in inserters + [deleter]:
                c.execute("SELECT schemareg.validate_record(%s, '{\"n\": 1}')", (ref,))
            results = {}
            barrier = threading.Barrier(len(inserters) + 1)
            plans = [(random.Random(rng.random()), rng.random() < 0.15) for _ in inserters]

            def insert(i, conn, r, rollback):
                try:
                    barrier.wait()
                    time.sleep(r.uniform(0, 0.01))
                    inserted = 0
                    with conn.transaction():
                        for _ in range(r.randint(1, 2)):
                            table = r.choice(["race_t", "race_f"])
                            # Many rows: a statement that lasts a few milliseconds.
                            n = r.choice([1, r.randint(1, 300)])
                            conn.execute(f"INSERT INTO {table} (doc, sch) SELECT %s, %s"
                                         " FROM generate_series(1, %s)",
                                         (Jsonb({"n": i}), r.choice([ref, name]), n))
                            inserted += n
                            time.sleep(r.uniform(0, 0.015))
                        if rollback:
                            raise psycopg.Rollback()
                    results[f"inserter {i}"] = "rolled back" if rollback else f"committed {inserted}"
                except psycopg.Error as e:
                    results[f"inserter {i}"] = e
                except BaseException as e:
                    results[f"inserter {i}"] = e

            def delete(r):
                try:
                    barrier.wait()
                    time.sleep(r.uniform(0, 0.02))
                    results["deleter"] = deleter.execute("SELECT schemareg.delete_schema(%s)",
                                                         (ref,)).fetchone()[0]
                except psycopg.Error as e:
                    results["deleter"] = e
                except BaseException as e:
                    results["deleter"] = e

            threads = [threading.Thread(target=insert, args=(i, c, r, rb))
                       for i, (c, (r, rb)) in enumerate(zip(inserters, plans))]
            threads.append(threading.Thread(target=delete, args=(random.Random(rng.random()),)))
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            self.assertFalse(any(t.is_alive() for t in threads), self.m(f"round {rnd} hung: {results}"))

            def describe(v):
                return f"{type(v).__name__} {v.sqlstate}: {v}" if isinstance(v, psycopg.Error) else repr(v)
            summary = self.m(f"round {rnd}: " + "; ".join(f"{k}: {describe(v)}"
                                                          for k, v in sorted(results.items())))
            # The invariant, checked every round: the version exists with an
            # exact count, or it is gone and no row names it.
            d = results["deleter"]
            row = self.one("SELECT ref_count FROM schemareg.schemas WHERE name = %s AND version = 1",
                           (name,))
            rows = self.hand_counts(["race_t", "race_f"]).get(ref, 0)
            committed = sum(int(v.split()[1]) for k, v in results.items()
                            if isinstance(v, str) and v.startswith("committed"))
            self.assertEqual(rows, committed, summary + f"; rows naming {ref}: {rows}")
            if row is None:
                self.assertEqual(rows, 0, summary + f"; {ref} is gone but {rows} rows name it")
                self.assertIs(d, True, summary + f"; {ref} is gone but delete_schema did not say so")
                outcomes["deleted"] += 1
            else:
                self.assertEqual(row[0], rows, summary + f"; {ref} ref_count {row[0]}, rows {rows}")
                self.assertIsNot(d, True, summary + f"; delete_schema said true but {ref} exists")
                outcomes["kept"] += 1
            # The documented outcomes: the deleter deletes (true) or refuses a
            # version in use (2BP01); an inserter commits, rolls back, or finds
            # the version gone (42704). Anything else (a deadlock) is noted
            # and fails the test once all rounds have run.
            if not (d is True or isinstance(d, errors.DependentObjectsStillExist)):
                deviations.append(summary)
            elif any(k.startswith("inserter") and not isinstance(v, (str, errors.UndefinedObject))
                     for k, v in results.items()):
                deviations.append(summary)
            outcomes.update(f"{k.split()[0]} {describe(v).split(':')[0]}" for k, v in results.items()
                            if not isinstance(v, (str, bool)))
        self.assertEqual(self.conn.execute("SELECT * FROM schemareg.recount()").fetchall(), [],
                         self.m("recount() after the races"))
        print(f"\nrace (seed {SEED}): {RACE_ROUNDS} rounds in {time.monotonic() - started:.1f} s: "
              f"{dict(outcomes)}", file=sys.stderr, flush=True)
        self.assertFalse(deviations, self.m(
            f"{len(deviations)} of {RACE_ROUNDS} rounds ended outside the documented outcomes "
            "(delete_schema: true or 2BP01; insert: commit or 42704):\n" + "\n".join(deviations)))


if __name__ == "__main__":
    unittest.main()
