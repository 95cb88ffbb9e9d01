#!/usr/bin/env bash
# pg_dump of a database with a registry, restored into a new database in
# every way an operator restores one, gives the same registry: the same
# versions, names, dependencies, bindings and counts, the same rows in the
# bound tables, the same triggers, and check() finds nothing to repair.
#   * pg_restore, serial, in one transaction, and pg_restore -j 4 (five
#     times: it loads the registry's tables and the bound tables
#     concurrently, in any order); a plain SQL dump through psql;
#   * split restores, the schema first and the data after: pg_dump -s and
#     pg_dump -a through psql, with and without --disable-triggers, and
#     pg_restore -s then pg_restore -a -j 4, with and without
#     --disable-triggers, and in three fixed orders of the data.
# In each, check() lists nothing and repair() changes nothing. The serial
# restore is also checked for validation results, a sequence that goes on,
# and bindings that still check and count, and for repair(): after a
# dependency row is deleted and a count changed, it reports and fixes exactly
# those two.
# Needs libpq's environment (scripts/cluster.sh sets it). Prints a line per
# restore and "dump: ok" or what differed, and exits non-zero on a difference.
set -euo pipefail
src=schemareg_dump_src
dst=schemareg_dump_dst
work=$(mktemp -d /tmp/schemareg-dump.XXXXXX)
dumpfile=$work/registry.dump
trap 'rm -rf "$work"' EXIT

q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

q -d postgres -c "SET client_min_messages = warning" \
  -c "DROP DATABASE IF EXISTS $src" -c "DROP DATABASE IF EXISTS $dst" \
  -c "CREATE DATABASE $src" \
  -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dump_tenant') THEN
        CREATE ROLE dump_tenant; END IF; END \$\$"
q -d $src >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION schemareg;
GRANT CREATE ON SCHEMA public TO dump_tenant;
SELECT schemareg.create_schema('dump/a', '{"type": "integer"}');
SELECT schemareg.revise_schema('dump/a:1', '{"type": "string", "maxLength": 3}');
SELECT schemareg.create_schema('dump/b', '{"$id": "https://example.com/b", "minimum": 3}', 'kept', true);
-- Uses dump/b by its $id: compiling it needs its dependency row.
SELECT schemareg.create_schema('dump/c', '{"properties": {"b": {"$ref": "https://example.com/b"}}}');
-- Uses dump/a:1 by name.
SELECT schemareg.create_schema('dump/e', '{"properties": {"a": {"$ref": "dump/a:1"}}}');
SELECT schemareg.create_schema('dump/f', '{"type": "object"}');
CREATE TABLE records (id serial PRIMARY KEY, doc jsonb, sch text);
SELECT schemareg.attach('records', 'doc', 'sch');
INSERT INTO records (doc, sch) VALUES ('"ab"', 'dump/a'), ('{"b": 5}', 'dump/c'), ('{"b": 7}', 'dump/c:1'),
                                      ('{"a": 4}', 'dump/e:1'), ('{}', NULL);
INSERT INTO records (doc, sch) SELECT jsonb_build_object('b', i % 50 + 3), 'dump/c:1'
  FROM generate_series(1, 5000) i;
-- Partitioned, flag mode; a partition made after attach() (no TRUNCATE
-- trigger of its own) and one of rows without a schema.
CREATE TABLE flagged (id int, doc jsonb, sch text, errs jsonb) PARTITION BY RANGE (id);
CREATE TABLE flagged_low PARTITION OF flagged FOR VALUES FROM (0) TO (10);
CREATE TABLE flagged_high PARTITION OF flagged FOR VALUES FROM (10) TO (100000);
SELECT schemareg.attach('flagged', 'doc', 'sch', 'flag', 'errs');
CREATE TABLE flagged_late PARTITION OF flagged FOR VALUES FROM (100000) TO (200000);
INSERT INTO flagged VALUES (1, '{"b": 1}', 'dump/c'), (11, '5', 'dump/a:1'), (12, '{}', NULL);
INSERT INTO flagged SELECT i, jsonb_build_object('b', i % 5), 'dump/c:1' FROM generate_series(13, 4000) i;
INSERT INTO flagged SELECT i, jsonb_build_object('b', i % 5), 'dump/c:1'
  FROM generate_series(100000, 102000) i;
-- A tenant's private schema and table.
SET ROLE dump_tenant;
SELECT schemareg.create_schema('dump/private', '{"type": "object", "required": ["p"]}');
CREATE TABLE tenant_docs (id int PRIMARY KEY, doc jsonb, sch text);
SELECT schemareg.attach('tenant_docs', 'doc', 'sch');
INSERT INTO tenant_docs SELECT i, jsonb_build_object('p', i), 'dump/private' FROM generate_series(1, 500) i;
RESET ROLE;
-- A schema that sorts after "schemareg" (pg_dump -a loads its tables after
-- the registry's): a table that follows the newest versions, with rows left
-- on the older one (its migration not run) and one that the newest refuses.
CREATE SCHEMA shop;
CREATE TABLE shop.orders (id int PRIMARY KEY, doc jsonb, sch text);
SELECT schemareg.attach('shop.orders', 'doc', 'sch', follow_latest => true);
INSERT INTO shop.orders SELECT i, jsonb_build_object('n', i), 'dump/f' FROM generate_series(1, 300) i;
INSERT INTO shop.orders VALUES (301, '{}', 'dump/f'), (302, '{"b": 4}', NULL);
SELECT schemareg.revise_schema('dump/f:1', '{"type": "object", "required": ["n"]}');
INSERT INTO shop.orders SELECT i, jsonb_build_object('n', i), 'dump/f' FROM generate_series(303, 400) i;
SQL
pg_dump -Fc -d $src -f "$dumpfile"

# The registry, its bound tables' rows and triggers, as text.
state() {
  q -A -t -d "$1" <<'SQL'
SET client_min_messages = warning;
-- Settled: no autovacuum holds a table that check() counts.
VACUUM ANALYZE;
SELECT id, name, version, definition, dialect, encode(hash, 'hex'), status, ref_count, owner,
       public, description, backend, last_error, created_at, updated_at, created_by
  FROM schemareg.schemas ORDER BY id;
SELECT * FROM schemareg.names ORDER BY name;
SELECT schema_id, depends_on FROM schemareg.dependencies ORDER BY 1, 2;
SELECT tbl, record_column, schema_column, mode, errors_column, follow_latest, records, created_at
  FROM schemareg.bound_tables ORDER BY tbl::text;
SELECT c.tbl::text, v.name || ':' || v.version, sum(c.n)
  FROM schemareg.record_counts c JOIN schemareg.schema_versions v ON v.id = c.schema_id
 GROUP BY 1, 2 HAVING sum(c.n) <> 0 ORDER BY 1, 2;
SELECT 'records', md5(string_agg(t::text, ',' ORDER BY id)), count(*) FROM records t;
SELECT 'flagged', md5(string_agg(t::text, ',' ORDER BY id)), count(*) FROM flagged t;
SELECT 'tenant_docs', md5(string_agg(t::text, ',' ORDER BY id)), count(*) FROM tenant_docs t;
SELECT 'shop.orders', md5(string_agg(t::text, ',' ORDER BY id)), count(*) FROM shop.orders t;
SELECT tgrelid::regclass::text AS tbl, tgname, tgenabled FROM pg_trigger
 WHERE NOT tgisinternal ORDER BY 1, 2;
SELECT * FROM schemareg.check();
SELECT * FROM schemareg.repair();
SQL
}
state $src >"$work/source"

restores=0
# compare LABEL: the restored database against the source.
compare() {
  state $dst >"$work/restored"
  if ! diff -u "$work/source" "$work/restored" >"$work/diff"; then
    echo "dump: $1: the restored registry differs (- source, + restored):"
    head -60 "$work/diff"
    exit 1
  fi
  restores=$((restores + 1))
  echo "dump: $1: equal"
}
fresh() {
  q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $dst" \
    -c "CREATE DATABASE $dst"
}
# restore LABEL COMMAND...: into a fresh database; a restore that reports an
# error fails the test.
restore() {
  local label=$1
  shift
  fresh
  if ! "$@" >"$work/restore.log" 2>&1; then
    echo "dump: $label: the restore failed:"
    head -30 "$work/restore.log"
    exit 1
  fi
  compare "$label"
}
plain() {
  pg_dump -d $src | psql -X -q -v ON_ERROR_STOP=1 -d $dst >/dev/null
}
split_plain() {
  pg_dump -s -d $src | psql -X -q -v ON_ERROR_STOP=1 -d $dst >/dev/null
  pg_dump -a "$@" -d $src | psql -X -q -v ON_ERROR_STOP=1 -d $dst >/dev/null
}
split_archive() {
  pg_restore -s -d $dst "$dumpfile"
  pg_restore -a "$@" -d $dst "$dumpfile"
}
# The schema, then the data in the order given, each pattern a group of the
# archive's data entries: "users" (the bound tables') or a registry table's.
pg_restore -l "$dumpfile" | grep -E '^[0-9]+; [0-9]+ [0-9]+ (TABLE DATA|SEQUENCE SET) ' >"$work/data.toc"
split_ordered() {
  pg_restore -s -d $dst "$dumpfile"
  : >"$work/ordered.toc"
  local group
  for group in "$@"; do
    if [[ $group == users ]]; then
      grep -v ' schemareg ' "$work/data.toc" >>"$work/ordered.toc"
    else
      grep " schemareg $group " "$work/data.toc" >>"$work/ordered.toc"
    fi
  done
  pg_restore -a -L "$work/ordered.toc" -d $dst "$dumpfile"
}

restore "pg_restore" pg_restore -d $dst "$dumpfile"

# Validation results, the identity, and bindings that check and count.
checks=$(psql -X -q -A -t -d $dst 2>&1 <<'SQL'
SELECT schemareg.validate_record('dump/a', '"abc"'), schemareg.validate_record('dump/a', '"abcd"'),
       schemareg.validate_record('dump/a:1', '5'), schemareg.validate_record('dump/c', '{"b": 2}'),
       schemareg.validate_record('dump/c', '{"b": 4}');
SELECT (schemareg.create_schema('dump/d', '{}')).id;
INSERT INTO records (doc, sch) VALUES ('"abcd"', 'dump/a');
INSERT INTO records (doc, sch) VALUES ('"xyz"', 'dump/a');
SELECT ref_count FROM schemareg.get_schema('dump/a:2');
SQL
)
expected_checks=$'t|f|t|f|t
9
ERROR:  new row for table "records" does not match schema "dump/a:2"
DETAIL:  Failing row key (id)=(5006).
(root): string has 4 characters, more than 3 (maxLength)
2'
if [[ "$checks" != "$expected_checks" ]]; then
  echo "dump: after the restore:"
  echo "$checks"
  exit 1
fi

# repair() after damage done as a superuser: exactly what was damaged.
restore "pg_restore (for repair)" pg_restore -d $dst "$dumpfile"
repaired=$(q -A -t -d $dst <<'SQL'
DELETE FROM schemareg.dependencies
 WHERE schema_id = (SELECT id FROM schemareg.schema_versions WHERE name = 'dump/c');
UPDATE schemareg.record_counts SET n = n + 7
 WHERE tbl = 'records'::regclass
   AND schema_id = (SELECT id FROM schemareg.schema_versions WHERE name = 'dump/a' AND version = 2);
SELECT kind, object FROM schemareg.check();
SELECT * FROM schemareg.repair();
SELECT * FROM schemareg.repair();
SQL
)
expected_repaired=$'count|dump/a:2 in public.records
dependency|dump/c:1
dependency|dump/c:1|recorded as using dump/b:1 (it was: none)
count|dump/a:2 in public.records|stored 8, rows 1: counted again'
if [[ "$repaired" != "$expected_repaired" ]]; then
  echo "dump: repair() after damage gave:"
  echo "$repaired"
  exit 1
fi
compare "pg_restore, damaged and repaired"

restore "pg_restore --single-transaction" pg_restore -1 -d $dst "$dumpfile"
restore "pg_dump | psql" plain
for i in 1 2 3 4 5; do
  restore "pg_restore -j 4 (run $i)" pg_restore -j 4 -d $dst "$dumpfile"
done
restore "pg_dump -s, then pg_dump -a" split_plain
restore "pg_dump -s, then pg_dump -a --disable-triggers" split_plain --disable-triggers
for i in 1 2 3; do
  restore "pg_restore -s, then pg_restore -a -j 4 (run $i)" split_archive -j 4
done
restore "pg_restore -s, then pg_restore -a --disable-triggers -j 4" \
  split_archive --disable-triggers -j 4
# Orders that pg_restore -j may take, one at a time: rows before their
# binding; rows before any version, their binding there; rows whose schemas
# need dependencies that are not there yet.
registry=(bindings names schema_versions schema_versions_id_seq dependencies)
restore "the bound tables' data, then the registry's" split_ordered users "${registry[@]}"
restore "bindings, the bound tables' data, then the rest" \
  split_ordered bindings users names schema_versions schema_versions_id_seq dependencies
restore "the registry but dependencies, the bound tables' data, then dependencies" \
  split_ordered bindings names schema_versions schema_versions_id_seq users dependencies

q -d postgres -c "DROP DATABASE $src" -c "DROP DATABASE $dst" -c "DROP ROLE dump_tenant"
echo "dump: ok ($restores restored databases equal to the source)"
