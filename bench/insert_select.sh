#!/usr/bin/env bash
# INSERT ... SELECT of a corpus into a table bound with schemareg.attach
# (enforce mode) and into the same table unbound, in one server and one
# backend: both emptied with TRUNCATE before each round, the order alternating
# between rounds, after one untimed warm-up round. Each time is taken around
# the statement and its commit. Prints each round and its ratio bound /
# unbound, the best times, the median of the rounds' ratios, and checks that
# the bound path really ran: every row is there, the version's ref_count
# equals the bound table's rows, recount() finds no drift, and an invalid
# record is refused (23514). Exits 1 when a check fails.
# Kinds: instrument (~1.1 KB records, ~40 keywords) or tiny (two keys).
# Usage: bench/insert_select.sh instrument|tiny [records] [rounds]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
kind=${1:?usage: bench/insert_select.sh instrument|tiny [records] [rounds]}
n=${2:-20000}
rounds=${3:-5}
ref=bench/$kind:1
case $kind in
  instrument) sizes=("$n" 0) ;;
  tiny) sizes=(0 "$n") ;;
  *) echo "unknown kind: $kind (instrument or tiny)" >&2; exit 2 ;;
esac
bench_db "insert_select_$kind"
load_corpus "${sizes[@]}"
sql -c "SELECT format('corpus: %s %s records, %s bytes each on average', count(*), '$kind', round(avg(length(doc::text)))) FROM bench_$kind"
sql >/dev/null <<SQL
CREATE TABLE unbound (id bigint PRIMARY KEY, doc jsonb, sch text);
CREATE TABLE bound (LIKE unbound INCLUDING ALL);
SELECT schemareg.attach('bound', 'doc', 'sch', 'enforce');
SQL

# One psql script, so that every run shares one backend (and its schema cache).
{
  echo "CREATE TEMP TABLE timings (round int, tbl text, ms float8);"
  for ((r = 0; r <= rounds; r++)); do
    order=(unbound bound)
    ((r % 2 == 0)) && order=(bound unbound)
    echo "TRUNCATE unbound;"
    echo "TRUNCATE bound;"
    for t in "${order[@]}"; do
      echo "SELECT clock_timestamp() AS t0 \\gset"
      echo "INSERT INTO $t (id, doc, sch) SELECT id, doc, '$ref' FROM bench_$kind;"
      echo "INSERT INTO timings SELECT $r, '$t', extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000;"
    done
  done
  echo "SELECT round, u.ms, b.ms FROM timings u JOIN timings b USING (round)
         WHERE u.tbl = 'unbound' AND b.tbl = 'bound' AND round > 0 ORDER BY round;"
} | sql >"$BENCH_TMP/timings"

while IFS='|' read -r r u b; do
  record_round "$r" "$u" "$b" ms
done <"$BENCH_TMP/timings"

status=0
count_check "$ref" "$n" || status=$?
rows_unbound=$(sql -c "SELECT count(*) FROM unbound")
refusal=$(sql -v VERBOSITY=sqlstate -c "INSERT INTO bound (id, doc, sch) VALUES (0, '{}', '$ref')" 2>&1 || true)
check="$check, unbound rows $rows_unbound, invalid record: ${refusal:-accepted}"
[[ $rows_unbound == "$n" && $refusal == "ERROR:  23514" ]] || status=1
verdict $status

summarise ms "bound, enforce"
pair_row "INSERT ... SELECT of $n $kind records into a table bound with attach, enforce (\`bench/insert_select.sh $kind $n $rounds\`, best of $rounds)" '%.1f ms'
[[ $check == ok* ]]
