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
SQL
pg_dump -Fc -d $src -f "$dumpfile"
pg_restore -d $dst "$dumpfile"

# The registry and what validation answers, as text, in both databases.
state() {
  psql -X -A -t -v ON_ERROR_STOP=1 -d "$1" <<'SQL'
SELECT id, name, version, definition, dialect, encode(hash, 'hex'), status, ref_count, owner,
       public, description, backend, created_at, updated_at
  FROM schemareg.schemas ORDER BY id;
SELECT schemareg.validate_record('dump/a', '"abc"'), schemareg.validate_record('dump/a', '"abcd"'),
       schemareg.validate_record('dump/a:1', '5'), schemareg.validate_record('dump/c', '{"b": 2}'),
       schemareg.validate_record('dump/c', '{"b": 4}');
SELECT tgname FROM pg_trigger WHERE tgrelid = 'schemareg.schemas'::regclass AND NOT tgisinternal;
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
psql -X -q -d postgres -c "DROP DATABASE $src" -c "DROP DATABASE $dst"
echo "dump: ok"
