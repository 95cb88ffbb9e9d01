#!/usr/bin/env bash
# pg_dump of a database with a registry, restored into a new database, gives
# the same rows, the same validation results, and a sequence that goes on.
# Needs libpq's environment (scripts/cluster.sh sets it). Prints "dump: ok" or
# what differed, and exits non-zero on a difference.
set -euo pipefail
src=schemareg_dump_src
dst=schemareg_dump_dst
dumpfile=$(mktemp /tmp/schemareg-dump.XXXXXX)
trap 'rm -f "$dumpfile"' EXIT

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "SET client_min_messages = warning" \
  -c "DROP DATABASE IF EXISTS $src" -c "DROP DATABASE IF EXISTS $dst" \
  -c "CREATE DATABASE $src" -c "CREATE DATABASE $dst"
psql -X -q -v ON_ERROR_STOP=1 -d $src >/dev/null <<'SQL'
CREATE EXTENSION schemareg;
SELECT schemareg.create_schema('dump/a', '{"type": "integer"}');
SELECT schemareg.revise_schema('dump/a:1', '{"type": "string", "maxLength": 3}');
SELECT schemareg.create_schema('dump/b', '{"$id": "https://example.com/b", "minimum": 3}', 'kept', true);
SELECT schemareg.create_schema('dump/c', '{"properties": {"b": {"$ref": "https://example.com/b"}}}');
CREATE TABLE records (id serial PRIMARY KEY, doc jsonb, sch text);
SELECT schemareg.attach('records', 'doc', 'sch');
INSERT INTO records (doc, sch) VALUES ('"ab"', 'dump/a'), ('{"b": 5}', 'dump/c'), ('{"b": 7}', 'dump/c:1');
CREATE TABLE flagged (id int, doc jsonb, sch text, errs jsonb) PARTITION BY RANGE (id);
CREATE TABLE flagged_low PARTITION OF flagged FOR VALUES FROM (0) TO (10);
CREATE TABLE flagged_high PARTITION OF flagged FOR VALUES FROM (10) TO (20);
SELECT schemareg.attach('flagged', 'doc', 'sch', 'flag', 'errs');
INSERT INTO flagged VALUES (1, '{"b": 1}', 'dump/c'), (11, '5', 'dump/a:1'), (12, '{}', NULL);
SQL
pg_dump -Fc -d $src -f "$dumpfile"
pg_restore -d $dst "$dumpfile"

# The registry, bindings, counts and what validation answers, as text.
state() {
  psql -X -A -t -v ON_ERROR_STOP=1 -d "$1" <<'SQL'
SELECT id, name, version, definition, dialect, encode(hash, 'hex'), status, ref_count, owner,
       public, description, backend, created_at, updated_at
  FROM schemareg.schemas ORDER BY id;
SELECT tbl, record_column, schema_column, mode, errors_column, records
  FROM schemareg.bound_tables ORDER BY tbl::text;
SELECT * FROM schemareg.schema_dependencies ORDER BY ref;
SELECT * FROM schemareg.names ORDER BY name;
SELECT * FROM flagged ORDER BY id;
SELECT * FROM schemareg.recount();
SELECT schemareg.validate_record('dump/a', '"abc"'), schemareg.validate_record('dump/a', '"abcd"'),
       schemareg.validate_record('dump/a:1', '5'), schemareg.validate_record('dump/c', '{"b": 2}'),
       schemareg.validate_record('dump/c', '{"b": 4}');
SELECT tgrelid::regclass::text AS tbl, tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2;
SQL
}
before=$(state $src)
after=$(state $dst)
if [[ "$before" != "$after" ]]; then
  echo "dump: the restored registry differs"
  diff <(echo "$before") <(echo "$after") || true
  exit 1
fi
# New rows continue the identity where the dump left it.
next=$(psql -X -A -t -v ON_ERROR_STOP=1 -d $dst -c "SELECT (schemareg.create_schema('dump/d', '{}')).id")
if [[ "$next" != "5" ]]; then
  echo "dump: the first id after the restore is $next, not 5"
  exit 1
fi
# The restored bindings still check and count.
after_writes=$(psql -X -A -t -d $dst 2>&1 <<'SQL'
INSERT INTO records (doc, sch) VALUES ('"abcd"', 'dump/a');
INSERT INTO records (doc, sch) VALUES ('"xyz"', 'dump/a');
SELECT ref_count FROM schemareg.get_schema('dump/a:2');
SQL
)
expected_writes=$'ERROR:  new row for table "records" does not match schema "dump/a:2"
DETAIL:  (root): string has 4 characters, more than 3 (maxLength)
INSERT 0 1
2'
if [[ "$after_writes" != "$expected_writes" ]]; then
  echo "dump: writes after the restore gave:"
  echo "$after_writes"
  exit 1
fi
psql -X -q -d postgres -c "DROP DATABASE $src" -c "DROP DATABASE $dst"
echo "dump: ok"
