# Sourced by the bench/ scripts: a scratch database with the extension and the
# corpus, a psql shorthand, a median, and the row each script adds to the
# results table of scripts/bench.sh.
#   bench_db NAME          create database ${BENCH_DB_PREFIX}NAME afresh (the
#                          prefix defaults to schemareg_bench_), install the
#                          extension and make a scratch folder $BENCH_TMP;
#                          both go again on exit
#   load_corpus N M        N instrument records, M tiny ones (bench/corpus.sql)
#   sql ARGS...            psql on that database: quiet, unaligned, stops on error
#   median                 the median of the numbers on stdin, one a line
#   record_round R UNBOUND BOUND UNIT
#                          print round R of a bound / unbound pair with its
#                          ratio, and keep it for summarise
#   summarise UNIT LABEL   print the best run of each side (the lowest ms, the
#                          highest tps), their ratio and the median of the
#                          rounds' ratios; sets best_unbound, best_bound and
#                          median_ratio
#   count_check REF [ROWS] describe in $check the rows of table bound (ROWS
#                          expected), REF's ref_count and recount()'s repairs;
#                          fails when they disagree
#   verdict STATUS         $check becomes "ok (...)" or "FAILED (...)"; printed
#   result_row CELLS...    one row of the Markdown results table, appended to
#                          $BENCH_ROWS when scripts/bench.sh set it
#   pair_row WHAT FORMAT   the row of a bound / unbound pair after summarise:
#                          best bound, best unbound (printf FORMAT), the median
#                          ratio and $check
# Needs libpq's environment (scripts/cluster.sh's cluster_start sets it).

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

sql() {
  psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" "$@"
}

bench_drop_db() {
  psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
}

bench_cleanup() {
  bench_drop_db
  rm -rf "$BENCH_TMP"
}

bench_db() {
  db=${BENCH_DB_PREFIX:-schemareg_bench_}$1
  bench_drop_db
  psql -X -q -d postgres -c "CREATE DATABASE $db"
  BENCH_TMP=$(mktemp -d)
  trap bench_cleanup EXIT
  sql -c "CREATE EXTENSION schemareg"
}

load_corpus() {
  sql -v instrument="$1" -v tiny="$2" -c "SET client_min_messages = warning" -f "$BENCH_DIR/corpus.sql" >/dev/null
}

median() {
  sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

record_round() {
  local ratio
  ratio=$(awk -v b="$3" -v u="$2" 'BEGIN { printf "%.2f", b / u }')
  echo "$2|$3|$ratio" >>"$BENCH_TMP/rounds"
  printf 'round %d: unbound %.1f %s, bound %.1f %s, ratio %s\n' "$1" "$2" "$4" "$3" "$4" "$ratio"
}

summarise() {
  local best=min n
  [[ $1 == tps ]] && best=max
  n=$(wc -l <"$BENCH_TMP/rounds")
  read -r best_unbound best_bound <<<"$(awk -F'|' -v best=$best '
    NR == 1 || (best == "min" ? $1 < u : $1 > u) { u = $1 }
    NR == 1 || (best == "min" ? $2 < b : $2 > b) { b = $2 }
    END { print u, b }' "$BENCH_TMP/rounds")"
  median_ratio=$(cut -d'|' -f3 "$BENCH_TMP/rounds" | median)
  printf '%-44s %10.1f %s\n' "unbound (best of $n)" "$best_unbound" "$1" "$2 (best of $n)" "$best_bound" "$1"
  awk -v b="$best_bound" -v u="$best_unbound" 'BEGIN { printf "%-44s %10.2f\n", "ratio of the best runs", b / u }'
  printf '%-44s %10.2f\n' "ratio bound / unbound (median of rounds)" "$median_ratio"
}

count_check() {
  local rows ref_count drift
  # ref_count is read before recount() could repair it.
  IFS='|' read -r rows ref_count <<<"$(sql -c "SELECT (SELECT count(*) FROM bound), (SELECT ref_count FROM schemareg.get_schema('$1'))")"
  drift=$(sql -c "SELECT count(*) FROM schemareg.recount()")
  check="bound rows $rows, ref_count of $1 $ref_count, recount() drift rows $drift"
  [[ $rows == "${2:-$rows}" && $ref_count == "$rows" && $drift == 0 ]]
}

verdict() {
  if (($1 == 0)); then check="ok ($check)"; else check="FAILED ($check)"; fi
  echo "check: $check"
}

result_row() {
  if [[ -n "${BENCH_ROWS:-}" ]]; then
    { printf '| %s ' "$@"; echo '|'; } >>"$BENCH_ROWS"
  fi
}

pair_row() {
  result_row "$1" "$(printf "$2" "$best_bound")" "$(printf "$2" "$best_unbound") (same table unbound)" \
    "$(printf '%.2f (median of rounds)' "$median_ratio")" "$check"
}
