#!/usr/bin/env bash
# The path from the last release: a database on 0.1.0, filled and in use,
# keeps working with the new library before the update, and after
# ALTER EXTENSION schemareg UPDATE it equals a fresh install (every object of
# the extension, tests/upgrade/describe.sql) and keeps its data, counts and
# enforcement. Needs libpq's environment (scripts/cluster.sh sets it). Prints
# "upgrade: ok" or what differed, and exits non-zero on a difference.
set -euo pipefail
cd "$(dirname "$0")"
old=schemareg_upgrade_old
new=schemareg_upgrade_new
work=$(mktemp -d /tmp/schemareg-upgrade.XXXXXX)
trap 'rm -rf "$work"' EXIT
current=$(sed -n "s/^default_version = '\(.*\)'/\1/p" ../../extension/schemareg.control)
previous=0.1.0

q() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
# The SQLSTATE a statement fails with, or "ok".
outcome() {
  q -d "$1" -c "DO \$\$ BEGIN EXECUTE \$q\$$2\$q\$; RAISE NOTICE 'ok'; EXCEPTION WHEN OTHERS THEN RAISE NOTICE '%', SQLSTATE; END \$\$" 2>&1 |
    sed -n 's/^psql:.*NOTICE: *//p; s/^NOTICE: *//p'
}
expect() {
  local got
  got=$(outcome "$1" "$2")
  if [[ "$got" != "$3" ]]; then
    echo "upgrade: '$2' on $1 gave $got, expected $3"
    exit 1
  fi
}

q -d postgres -c "SET client_min_messages = warning" \
  -c "DROP DATABASE IF EXISTS $old" -c "DROP DATABASE IF EXISTS $new" \
  -c "CREATE DATABASE $old" -c "CREATE DATABASE $new"

# A registry in use on the previous release.
q -d $old >/dev/null <<SQL
SET client_min_messages = warning;
CREATE EXTENSION schemareg VERSION '$previous';
SELECT schemareg.create_schema('up/a', '{"type": "integer"}');
SELECT schemareg.revise_schema('up/a:1', '{"type": "string", "maxLength": 3}');
SELECT schemareg.create_schema('up/b', '{"\$id": "https://example.com/up/b", "minimum": 3}', 'kept', true);
SELECT schemareg.create_schema('up/c', '{"properties": {"b": {"\$ref": "https://example.com/up/b"}}}');
SELECT schemareg.set_compatibility('up/c', 'BACKWARD');
CREATE TABLE records (id serial PRIMARY KEY, doc jsonb, sch text);
SELECT schemareg.attach('records', 'doc', 'sch');
INSERT INTO records (doc, sch) VALUES ('"ab"', 'up/a'), ('{"b": 5}', 'up/c'), ('{"b": 7}', 'up/c:1');
CREATE TABLE flagged (id int, doc jsonb, sch text, errs jsonb) PARTITION BY RANGE (id);
CREATE TABLE flagged_low PARTITION OF flagged FOR VALUES FROM (0) TO (10);
CREATE TABLE flagged_high PARTITION OF flagged FOR VALUES FROM (10) TO (20);
SELECT schemareg.attach('flagged', 'doc', 'sch', 'flag', 'errs');
INSERT INTO flagged VALUES (1, '{"b": 1}', 'up/c'), (11, '5', 'up/a:1'), (12, '{}', NULL);
CALL schemareg.revalidate('records');
SQL

# The registry as its users see it: versions, counts, bindings, jobs.
state() {
  q -d "$1" <<'SQL'
SELECT id, name, version, definition, dialect, encode(hash, 'hex'), status, ref_count, owner,
       public, description, backend, created_at, updated_at, created_by
  FROM schemareg.schemas ORDER BY id;
SELECT tbl, record_column, schema_column, mode, errors_column, follow_latest, records
  FROM schemareg.bound_tables ORDER BY tbl::text;
SELECT * FROM schemareg.schema_dependencies ORDER BY 1, 2;
SELECT id, kind, tbl, rows_done, rows_invalid, state FROM schemareg.jobs ORDER BY id;
SELECT * FROM records ORDER BY id;
SELECT * FROM flagged ORDER BY id;
SQL
}
state $old >"$work/before"

# The new library under the previous release's SQL: still checks and counts.
expect $old "INSERT INTO records (doc, sch) VALUES ('\"abcd\"', 'up/a:2')" 23514
expect $old "SELECT schemareg.delete_schema('up/a:2')" 2BP01
expect $old "INSERT INTO records (doc, sch) VALUES ('\"xy\"', 'up/a:2')" ok
expect $old "DELETE FROM records WHERE doc = '\"xy\"'" ok

q -d $old -c "ALTER EXTENSION schemareg UPDATE TO '$current'"
q -d $new -c "CREATE EXTENSION schemareg"

q -d $old -f describe.sql >"$work/updated"
q -d $new -f describe.sql >"$work/fresh"
if ! diff -u "$work/fresh" "$work/updated" >"$work/diff"; then
  echo "upgrade: $previous updated to $current differs from a fresh $current install (- fresh, + updated):"
  head -100 "$work/diff"
  exit 1
fi
state $old >"$work/after"
if ! diff -u "$work/before" "$work/after" >"$work/diff"; then
  echo "upgrade: the registry changed in the update (- before, + after):"
  head -60 "$work/diff"
  exit 1
fi

# Enforcement, counts and the lifecycle after the update.
expect $old "INSERT INTO records (doc, sch) VALUES ('\"abcd\"', 'up/a:2')" 23514
expect $old "INSERT INTO flagged VALUES (2, '{\"b\": 9}', 'up/c')" ok
expect $old "SELECT schemareg.delete_schema('up/b:1')" 2BP01
expect $old "SELECT schemareg.delete_schema('up/a:2')" 2BP01
expect $old "DELETE FROM records WHERE sch = 'up/a:2'" ok
expect $old "SELECT schemareg.delete_schema('up/a:2')" ok
counts=$(q -d $old -c "SELECT string_agg(name || ':' || version || '=' || ref_count, ' ' ORDER BY id)
                        FROM schemareg.schemas")
if [[ "$counts" != "up/a:1=1 up/b:1=0 up/c:1=4" ]]; then
  echo "upgrade: counts after the update are $counts"
  exit 1
fi
# Nothing to repair in an updated registry (its bound tables keep the
# triggers 0.1.0 made, without arguments).
repaired=$(q -d $old -c "SELECT kind || ' ' || object || ': ' || detail FROM schemareg.check()
                         UNION ALL SELECT kind || ' ' || object || ': ' || detail FROM schemareg.repair()")
if [[ -n "$repaired" ]]; then
  echo "upgrade: check() and repair() after the update:"
  echo "$repaired"
  exit 1
fi
lines=$(wc -l <"$work/fresh")  # definitions span lines
q -d postgres -c "DROP DATABASE $old" -c "DROP DATABASE $new"
echo "upgrade: ok ($previous -> $current, $lines lines of definitions compared)"
