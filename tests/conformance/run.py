#!/usr/bin/python3
"""Runs the JSON-Schema-Test-Suite through a real PostgreSQL server with the
schemareg extension installed: for each draft (4, 6, 7, 2019-09, 2020-12) the
required tests, and the optional format tests with schemareg.assert_formats =
always (format is an assertion there, which 2020-12 leaves to an option);
then the required tests again ad hoc, through validate(definition, record)
and validation_errors(definition, record), nothing registered per group.

Each draft gets a fresh database. Remotes are registered as schemas whose
top-level id is their retrieval URI (http://localhost:1234/...), so that a
remote $ref resolves to them without any network access.

Usage: /usr/bin/python3 tests/conformance/run.py [--verbose]
Connection: libpq environment (PGHOST, PGPORT, PGUSER).
"""

import argparse
import decimal
import json
import os
import re
import sys
import time

import psycopg
from psycopg import sql

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
KNOWN_FAILURES = os.path.join(HERE, "known_failures.txt")
DRAFTS = ("draft4", "draft6", "draft7", "draft2019-09", "draft2020-12")
# (label, folder under tests/<draft>, lowest pass rate, assert_formats, ad hoc)
PARTS = (("", "", 99.0, "on", False), (" format", "optional/format", 95.0, "always", False),
         (" ad-hoc", "", 99.0, "on", True))
REMOTE_BASE = "http://localhost:1234/"


def suite_root():
    shared = os.path.normpath(os.path.join(REPO, "..", "shared", "json-schema-test-suite"))
    if os.path.isdir(shared):
        return shared
    return "/usr/share/json-schema-test-suite"


def load_json(path):
    # Decimal keeps every number exactly as written (jsonb is exact numeric).
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_float=decimal.Decimal)


def to_json(value):
    """JSON text of a value from load_json, numbers written exactly."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(to_json(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(
            json.dumps(k, ensure_ascii=False) + ":" + to_json(v) for k, v in value.items()) + "}"
    raise TypeError("unexpected JSON value %r" % (value,))


def error_text(exc):
    state = getattr(exc, "sqlstate", None) or type(exc).__name__
    diag = getattr(exc, "diag", None)
    msg = (diag.message_primary if diag is not None else None) or str(exc).strip()
    return "%s %s" % (state, msg.splitlines()[0] if msg else "")


def load_known_failures(path):
    """{(draft, file, group, case or '*'): reason} from known_failures.txt."""
    known = {}
    if not os.path.exists(path):
        return known
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) < 5:
                raise SystemExit("%s:%d: expected 'draft | file | group | case | reason'"
                                 % (path, lineno))
            # A reason may itself contain '|'.
            draft, file, group, case = parts[:4]
            known[(draft, file, group, case)] = " | ".join(parts[4:])
    return known


def known_reason(known, draft, file, group, case):
    key = (draft, file, group, case)
    if key in known:
        return key
    key = (draft, file, group, "*")
    if key in known:
        return key
    return None


def remote_files(root, draft):
    """Relative paths (with '/') of the remotes that belong to a draft."""
    base = os.path.join(root, "remotes")
    out = []
    if not os.path.isdir(base):
        print("note: %s: the suite has no remotes/ folder" % draft)
        return out
    for dirpath, dirnames, filenames in os.walk(base):
        rel_dir = os.path.relpath(dirpath, base)
        if rel_dir == ".":
            # Other drafts' folders are not this draft's remotes.
            dirnames[:] = [d for d in dirnames
                           if d == draft or not (d.startswith("draft") or d == "v1")]
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(".json"):
                rel = os.path.join(rel_dir, name) if rel_dir != "." else name
                out.append(rel.replace(os.sep, "/"))
    return out


def safe_name(rel):
    return re.sub(r"[^A-Za-z0-9_./-]", "_", rel)


def register_remotes(conn, root, draft, notes):
    id_key = "id" if draft == "draft4" else "$id"
    pending = []
    for rel in remote_files(root, draft):
        doc = load_json(os.path.join(root, "remotes", rel))
        if isinstance(doc, dict) and id_key not in doc:
            doc = dict(doc)
            doc[id_key] = REMOTE_BASE + rel
        pending.append((rel, doc))
    registered = 0
    errors = {}
    while pending:
        left = []
        for rel, doc in pending:
            try:
                conn.execute("SELECT schemareg.create_schema(%s, %s::jsonb)",
                             ("conformance/remotes/" + safe_name(rel), to_json(doc)))
                registered += 1
            except psycopg.Error as e:
                errors[rel] = error_text(e)
                left.append((rel, doc))
        if len(left) == len(pending):
            break
        pending = left
    else:
        left = []
    for rel, _ in left:
        notes.append("note: %s: remote %s not registered: %s" % (draft, rel, errors[rel]))
    return registered


def run_draft(root, draft, known, verbose):
    """Runs one draft; returns (passed, failed, errored, results)."""
    dbname = "schemareg_conformance_" + draft
    with psycopg.connect(dbname="postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(dbname)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))

    notes = []
    results = []  # (file, group, case, outcome, reason) with outcome pass/fail/error
    with psycopg.connect(dbname=dbname, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION schemareg")
        conn.execute("SELECT pg_catalog.set_config('schemareg.default_dialect', %s, false)",
                     (draft,))
        register_remotes(conn, root, draft, notes)
        for label, folder, _, assert_formats, adhoc in PARTS:
            conn.execute("SET schemareg.assert_formats = " + assert_formats)
            tests_dir = os.path.join(root, "tests", draft, folder)
            if not os.path.isdir(tests_dir):
                notes.append("note: %s: no tests/%s/%s in the suite" % (draft, draft, folder))
                continue
            prefix = folder.split("/")[-1] + "/" if folder else ""
            run_folder(conn, tests_dir, prefix, label, results, adhoc)
    return notes, results


def run_folder(conn, tests_dir, prefix, label, results, adhoc=False):
    """Registers each group's schema and validates its cases (ad hoc: uses
    the schema as it is, unregistered); appends (part label, file, group,
    case, outcome, reason) to results."""
    for fname in sorted(os.listdir(tests_dir)):
        path = os.path.join(tests_dir, fname)
        if not fname.endswith(".json") or not os.path.isfile(path):
            continue
        stem = prefix + fname[:-len(".json")]
        fname = prefix + fname
        for g, group in enumerate(load_json(path)):
            gdesc = group["description"]
            name = "conformance/%s/%d" % (safe_name(stem), g)
            if adhoc:
                run_adhoc_group(conn, label, fname, group, results)
                continue
            try:
                conn.execute("SELECT schemareg.create_schema(%s, %s::jsonb)",
                             (name, to_json(group["schema"])))
                create_error = None
            except psycopg.Error as e:
                create_error = "create_schema failed: " + error_text(e)
            ref = name + ":1"
            for case in group["tests"]:
                cdesc = case["description"]
                if create_error is not None:
                    results.append((label, fname, gdesc, cdesc, "error", create_error))
                    continue
                try:
                    # validation_errors runs the evaluator's other mode: it
                    # must agree with validate_record on every case.
                    cur = conn.execute(
                        "SELECT schemareg.validate_record(%s, d), "
                        "NOT EXISTS (SELECT FROM schemareg.validation_errors(%s, d)) "
                        "FROM (SELECT %s::jsonb AS d) AS r",
                        (ref, ref, to_json(case["data"])))
                    got, no_errors = cur.fetchone()
                except psycopg.Error as e:
                    results.append((label, fname, gdesc, cdesc, "error",
                                    "validate_record failed: " + error_text(e)))
                    continue
                if got is not no_errors:
                    results.append((label, fname, gdesc, cdesc, "fail",
                                    "validate_record says %s but validation_errors %s" % (
                                        got, "finds none" if no_errors else "finds errors")))
                    continue
                if got is case["valid"]:
                    results.append((label, fname, gdesc, cdesc, "pass", ""))
                else:
                    results.append((label, fname, gdesc, cdesc, "fail",
                                    "expected %s, got %s" % (
                                        "valid" if case["valid"] else "invalid",
                                        "valid" if got else ("invalid" if got is False
                                                             else repr(got)))))


def run_adhoc_group(conn, label, fname, group, results):
    """One group's cases through validate(definition, record), checked
    against validation_errors(definition, record) as above."""
    gdesc = group["description"]
    definition = to_json(group["schema"])
    for case in group["tests"]:
        cdesc = case["description"]
        try:
            cur = conn.execute(
                "SELECT schemareg.validate(s, d), "
                "NOT EXISTS (SELECT FROM schemareg.validation_errors(s, d)) "
                "FROM (SELECT %s::jsonb AS s, %s::jsonb AS d) AS r",
                (definition, to_json(case["data"])))
            got, no_errors = cur.fetchone()
        except psycopg.Error as e:
            results.append((label, fname, gdesc, cdesc, "error",
                            "validate failed: " + error_text(e)))
            continue
        if got is not no_errors:
            results.append((label, fname, gdesc, cdesc, "fail",
                            "validate says %s but validation_errors %s" % (
                                got, "finds none" if no_errors else "finds errors")))
        elif got is case["valid"]:
            results.append((label, fname, gdesc, cdesc, "pass", ""))
        else:
            results.append((label, fname, gdesc, cdesc, "fail", "expected %s, got %s" % (
                "valid" if case["valid"] else "invalid", "valid" if got else "invalid")))


def report(draft, label, results, known, min_rate, verbose):
    """Prints one part's failures and counts; True when it meets its rate and
    every failure is a known one."""
    passed = failed = errored = 0
    unexpected = 0
    for fname, gdesc, cdesc, outcome, reason in results:
        key = known_reason(known, draft, fname, gdesc, cdesc)
        if outcome == "pass":
            passed += 1
            if key is not None:
                print("note: known failure now passes: %s %s | %s | %s"
                      % (draft, fname, gdesc, cdesc))
        else:
            if outcome == "fail":
                failed += 1
            else:
                errored += 1
            if key is None:
                unexpected += 1
                print("FAIL %s %s | %s | %s: %s" % (draft, fname, gdesc, cdesc, reason))
        if verbose:
            tag = {"pass": "ok", "fail": "FAILED", "error": "ERRORED"}[outcome]
            if outcome != "pass" and key is not None:
                tag += " (known: %s)" % known[key]
            print("  %s %s | %s | %s: %s%s" % (draft, fname, gdesc, cdesc, tag,
                                               (" - " + reason) if reason else ""))
    total = passed + failed + errored
    rate = 100.0 * passed / total if total else 0.0
    print("conformance %s%s: %d passed, %d failed, %d errored (%.1f%%)"
          % (draft, label, passed, failed, errored, rate))
    return not unexpected and rate >= min_rate and total > 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print every case")
    parser.add_argument("--suite", metavar="DIR",
                        help="suite root (default: ../shared/json-schema-test-suite beside the "
                             "repository, else /usr/share/json-schema-test-suite)")
    args = parser.parse_args()

    root = args.suite or suite_root()
    known = load_known_failures(KNOWN_FAILURES)
    print("note: suite %s" % root)
    met = 0
    unmet = 0
    bad = False
    for draft in DRAFTS:
        if not os.path.isdir(os.path.join(root, "tests", draft)):
            print("note: %s: no tests/%s in the suite, skipped" % (draft, draft))
            continue
        start = time.monotonic()
        notes, all_results = run_draft(root, draft, known, args.verbose)
        for n in notes:
            print(n)
        for label, _, min_rate, _, _ in PARTS:
            results = [r[1:] for r in all_results if r[0] == label]
            if not results:
                continue
            ok = report(draft, label, results, known, min_rate, args.verbose)
            met += ok
            unmet += not ok
            bad = bad or not ok
        if args.verbose:
            print("  (%s took %.1f s)" % (draft, time.monotonic() - start))
    print("conformance: %d passed, %d failed" % (met, unmet))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
