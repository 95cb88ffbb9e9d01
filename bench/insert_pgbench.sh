#!/usr/bin/env bash
# 8-client single-row inserts with pgbench: into a table bound to a trivial
# schema ({}) and into the same table unbound, in one server and one run,
# alternating; prints each throughput, the ratio bound / unbound of each
# round (two runs side by side), their median, and the ratio of the best runs.
# Usage: bench/insert_pgbench.sh [seconds per run] [rounds]
set -euo pipefail
seconds=${1:-10}
rounds=${2:-5}
clients=8
db=schemareg_bench_insert
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -X -q -d $db -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE EXTENSION schemareg;
SELECT schemareg.create_schema('bench/trivial', '{}');
CREATE TABLE unbound (id bigserial PRIMARY KEY, doc jsonb, sch text);
CREATE TABLE bound (id bigserial PRIMARY KEY, doc jsonb, sch text);
SELECT schemareg.attach('bound', 'doc', 'sch');
SQL
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for t in bound unbound; do
  echo "INSERT INTO $t (doc, sch) VALUES ('{\"sensor\": 7, \"value\": 21.5}', 'bench/trivial:1');" >"$dir/$t.sql"
done
run() {
  pgbench -n -c $clients -j 2 -T "$seconds" -f "$dir/$1.sql" $db 2>/dev/null |
    sed -n 's/^tps = \([0-9.]*\) .*/\1/p'
}
best_bound=0
best_unbound=0
ratios=()
for ((r = 1; r <= rounds; r++)); do
  u=$(run unbound)
  b=$(run bound)
  ratio=$(awk -v b="$b" -v u="$u" 'BEGIN { printf "%.2f", b / u }')
  ratios+=("$ratio")
  echo "round $r: unbound $u tps, bound $b tps, ratio $ratio"
  best_unbound=$(echo "$u $best_unbound" | awk '{print ($1 > $2) ? $1 : $2}')
  best_bound=$(echo "$b $best_bound" | awk '{print ($1 > $2) ? $1 : $2}')
done
psql -X -A -t -d $db -c "SELECT format('rows: bound %s, ref_count %s, recount drift rows %s',
  (SELECT count(*) FROM bound), (SELECT ref_count FROM schemareg.get_schema('bench/trivial:1')),
  (SELECT count(*) FROM schemareg.recount()))"
printf '%-44s %10.0f tps\n' "unbound, $clients clients (best of $rounds)" "$best_unbound"
printf '%-44s %10.0f tps\n' "bound to {}, $clients clients (best of $rounds)" "$best_bound"
awk -v b="$best_bound" -v u="$best_unbound" 'BEGIN { printf "%-44s %10.2f\n", "ratio of the best runs", b / u }'
printf '%s\n' "${ratios[@]}" | sort -n |
  awk -v n="$rounds" '{ r[NR] = $1 } END { printf "%-44s %10.2f\n", "ratio bound / unbound (median of rounds)", (n % 2) ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2 }'
psql -X -q -d postgres -c "DROP DATABASE $db"
