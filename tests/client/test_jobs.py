"""Revalidation and migration under a live workload: other sessions insert
and update while a job runs, a third watches schemareg.jobs, the job is
cancelled half-way and the same call finishes it; counts stay exact.

Run: /usr/bin/python3 -m unittest discover -s tests/client -p 'test_*.py' -v
"""

import threading
import time

from psycopg import errors

from test_sqlstates import ClientCase, setUpModule, tearDownModule  # noqa: F401

ROWS = 200_000


class JobsUnderLoadTest(ClientCase):

    def setUp(self):
        super().setUp()
        self.conn.execute("""SELECT schemareg.create_schema('load/doc',
            '{"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}')""")
        self.conn.execute("""SELECT schemareg.revise_schema('load/doc:1',
            '{"type": "object", "required": ["n"], "properties": {"n": {"type": "integer", "maximum": 150000}}}')""")
        self.conn.execute("DROP TABLE IF EXISTS load_docs")
        self.conn.execute("CREATE TABLE load_docs (id bigserial PRIMARY KEY, doc jsonb, sch text, errs jsonb)")
        self.conn.execute("SELECT schemareg.attach('load_docs', 'doc', 'sch', 'flag', 'errs')")
        self.conn.execute("""INSERT INTO load_docs (doc, sch)
            SELECT jsonb_build_object('n', i), 'load/doc:1' FROM generate_series(1, %s) i""", (ROWS,))
        self.setup_xmin = self.one("SELECT xmin::text FROM load_docs WHERE id = 1")[0]

    def writers(self, stop, failures, old_rows_too=True):
        """Two sessions insert and update rows until told to stop: of both
        versions, or (old_rows_too false) only of version 2, which a
        migration to it does not touch (rows of version 1 written after a
        migration passed their place would stay there)."""
        def work(seed):
            conn = self.connect()
            i = 0
            try:
                while not stop.is_set():
                    i += 1
                    ref = "load/doc:1" if i % 2 and old_rows_too else "load/doc:2"
                    conn.execute("INSERT INTO load_docs (doc, sch) VALUES (jsonb_build_object('n', %s), %s)",
                                 (i, ref))
                    conn.execute("UPDATE load_docs SET doc = jsonb_build_object('n', %s) WHERE id = %s"
                                 + ("" if old_rows_too else " AND sch = 'load/doc:2'"),
                                 (i, (seed * 7919 * i) % ROWS + 1))
            except Exception as e:  # noqa: BLE001 - reported to the test
                failures.append(repr(e))
        threads = [threading.Thread(target=work, args=(s,)) for s in (1, 2)]
        for t in threads:
            t.start()
        return threads

    def job(self, conn=None):
        return self.one("""SELECT state, rows_done, rows_total, rows_invalid, rows_changed
                             FROM schemareg.jobs ORDER BY id DESC LIMIT 1""", conn=conn)

    def test_migrate_cancelled_then_finished_under_writes(self):
        stop, failures = threading.Event(), []
        threads = self.writers(stop, failures, old_rows_too=False)
        watcher = self.connect()
        mover = self.connect()
        seen = []
        runner_error = []

        def run():
            try:
                mover.execute("CALL schemareg.migrate('load_docs', 'load/doc:2', 5000)")
            except errors.QueryCanceled as e:
                runner_error.append(e)

        runner = threading.Thread(target=run)
        started = time.monotonic()
        runner.start()
        # Progress shows from another session while the job runs.
        first_seen = None
        while runner.is_alive() and time.monotonic() - started < 60:
            row = self.job(watcher)
            if row is not None:
                if first_seen is None:
                    first_seen = time.monotonic() - started
                seen.append(row)
                if row[0] == "running" and row[1] >= ROWS // 4:
                    mover.cancel()
                    break
            time.sleep(0.02)
        runner.join(60)
        self.assertEqual(len(runner_error), 1, "the job was not cancelled half-way")
        self.assertIsNotNone(first_seen)
        self.assertLess(first_seen, 1.0, "progress was not visible within a second")
        self.assertTrue(any(r[0] == "running" and 0 < r[1] < ROWS for r in seen))
        state, done_before, *_ = self.job()
        self.assertEqual(state, "interrupted")
        self.assertGreater(done_before, 0)
        self.assertLess(done_before, ROWS)

        # The same call, while the writers go on, finishes it.
        self.conn.execute("CALL schemareg.migrate('load_docs', 'load/doc:2', 5000)")
        stop.set()
        for t in threads:
            t.join(30)
        self.assertEqual(failures, [])
        state, done, total, invalid, moved = self.job()
        self.assertEqual(state, "done")
        self.assertEqual(self.one("SELECT count(*) FROM schemareg.jobs")[0], 1)
        # Every row of version 1 that version 2 accepts has moved; the rest
        # (n > 150000) stayed and were reported.
        left = self.one("""SELECT count(*) FROM load_docs
                            WHERE sch = 'load/doc:1' AND (doc ->> 'n')::int <= 150000""")[0]
        self.assertEqual(left, 0)
        stayed = self.one("SELECT count(*) FROM load_docs WHERE sch = 'load/doc:1'")[0]
        self.assertGreaterEqual(invalid, stayed)
        # Counts are exact: stored equals counted, and recount() repairs nothing.
        for version, stored in self.conn.execute(
                "SELECT version, ref_count FROM schemareg.schemas WHERE name = 'load/doc' ORDER BY version"):
            actual = self.one("SELECT count(*) FROM load_docs WHERE sch = %s", (f"load/doc:{version}",))[0]
            self.assertEqual(stored, actual, f"load/doc:{version}")
        self.assertEqual(self.conn.execute("SELECT * FROM schemareg.recount()").fetchall(), [])

    def test_revalidate_under_writes(self):
        stop, failures = threading.Event(), []
        threads = self.writers(stop, failures)
        # Rows written while formats were not asserted would be found here;
        # in this table every row is valid, so nothing is rewritten.
        self.conn.execute("CALL schemareg.revalidate('load_docs', 10000)")
        stop.set()
        for t in threads:
            t.join(30)
        self.assertEqual(failures, [])
        state, done, total, invalid, changed = self.job()
        self.assertEqual(state, "done")
        # Every row there when the job started was read, but for those the
        # writers rewrote meanwhile (their triggers checked them).
        rewritten = self.one("SELECT count(*) FROM load_docs WHERE id <= %s AND xmin <> %s::text::xid",
                             (ROWS, self.setup_xmin))[0]
        self.assertGreaterEqual(done, ROWS - rewritten)
        self.assertGreaterEqual(total, ROWS)
        self.assertEqual(invalid, 0)
        self.assertEqual(changed, 0)
        self.assertEqual(self.one("SELECT count(*) FROM load_docs WHERE errs IS NOT NULL")[0], invalid)
        self.assertEqual(self.conn.execute("SELECT * FROM schemareg.recount()").fetchall(), [])
