#!/usr/bin/env bash
# 8-client single-row inserts with pgbench: into a table bound to a trivial
# schema ({}) and into the same table unbound, in one server and one run,
# alternating; prints each throughput, the ratio bound / unbound of each
# round (two runs side by side), their median, and the ratio of the best runs.
# Checks that the bound table's rows equal the version's ref_count and that
# recount() finds no drift; exits 1 when they disagree.
# Usage: bench/insert_pgbench.sh [seconds per run] [rounds]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
seconds=${1:-10}
rounds=${2:-5}
clients=8
bench_db insert_pgbench
sql >/dev/null <<'SQL'
SELECT schemareg.create_schema('bench/trivial', '{}');
CREATE TABLE unbound (id bigserial PRIMARY KEY, doc jsonb, sch text);
CREATE TABLE bound (id bigserial PRIMARY KEY, doc jsonb, sch text);
SELECT schemareg.attach('bound', 'doc', 'sch');
SQL
for t in bound unbound; do
  echo "INSERT INTO $t (doc, sch) VALUES ('{\"sensor\": 7, \"value\": 21.5}', 'bench/trivial:1');" >"$BENCH_TMP/$t.sql"
done
run() {
  local out
  out=$(pgbench -n -c $clients -j 2 -T "$seconds" -f "$BENCH_TMP/$1.sql" "$db" 2>&1) || { echo "$out" >&2; return 1; }
  sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$out"
}
for ((r = 1; r <= rounds; r++)); do
  u=$(run unbound)
  b=$(run bound)
  record_round "$r" "$u" "$b" tps
done
status=0
count_check bench/trivial:1 || status=$?
verdict $status
summarise tps "bound to {}, $clients clients"
pair_row "$clients-client pgbench single-row inserts into a table bound to {} (\`bench/insert_pgbench.sh $seconds $rounds\`, best of $rounds × $seconds s)" '%.0f tps'
[[ $check == ok* ]]
