#!/usr/bin/env bash
# CALL schemareg.revalidate over a bound table of instrument records (~1.1 KB,
# ~40 keywords), beside its baseline: inserting the same records into the same
# table bound (enforce), in one server and one run. Prints both rates (rows
# per second), their ratio revalidation / insert, and how long after the CALL
# another session first saw the job in schemareg.jobs. Checks that the job
# read every row, found none invalid and ended done, and that the counts are
# exact. Exits 1 when a check fails.
# Usage: bench/revalidate.sh [records] [batch_size]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
n=${1:-1000000}
batch=${2:-10000}
ref=bench/instrument:1
bench_db revalidate
load_corpus "$n" 0
sql >/dev/null <<SQL
CREATE TABLE bound (id bigint PRIMARY KEY, doc jsonb, sch text);
SELECT schemareg.attach('bound', 'doc', 'sch', 'enforce');
SQL

seconds_of() {  # the seconds a psql command takes, including its commit
  local t0
  t0=$(date +%s.%N)
  "$@" >/dev/null
  awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }'
}

insert_s=$(seconds_of sql -c "INSERT INTO bound (id, doc, sch) SELECT id, doc, '$ref' FROM bench_instrument")
sql -c "VACUUM ANALYZE bound" >/dev/null

# The job runs in the background; this session watches for it.
t0=$(date +%s.%N)
sql -c "SET client_min_messages = warning" -c "CALL schemareg.revalidate('bound', $batch)" >"$BENCH_TMP/job" 2>&1 &
job=$!
seen_s=""
while kill -0 "$job" 2>/dev/null; do
  if [[ $(sql -c "SELECT count(*) FROM schemareg.jobs WHERE tbl = 'bound'::regclass") != 0 ]]; then
    seen_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
    break
  fi
  sleep 0.01
done
status=0
wait "$job" || status=$?
revalidate_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
[[ $status == 0 ]] || cat "$BENCH_TMP/job"
# The job's own measure of its time (from its start to its end).
IFS='|' read -r state done invalid job_s <<<"$(sql -c "SELECT state, rows_done, rows_invalid,
  round(extract(epoch FROM finished - started)::numeric, 3) FROM schemareg.jobs WHERE tbl = 'bound'::regclass")"

insert_rate=$(awk -v n="$n" -v s="$insert_s" 'BEGIN { printf "%.0f", n / s }')
revalidate_rate=$(awk -v n="$n" -v s="$revalidate_s" 'BEGIN { printf "%.0f", n / s }')
ratio=$(awk -v r="$revalidate_rate" -v i="$insert_rate" 'BEGIN { printf "%.2f", r / i }')
printf '%-52s %10s s %12s rows/s\n' "INSERT ... SELECT into the bound table (baseline)" "$insert_s" "$insert_rate"
printf '%-52s %10s s %12s rows/s\n' "CALL revalidate, batches of $batch (job: ${job_s:-?} s)" "$revalidate_s" "$revalidate_rate"
printf '%-52s %10s\n' "ratio revalidation / insert (rows per second)" "$ratio"
printf '%-52s %10s s\n' "job first seen in schemareg.jobs after" "${seen_s:-never}"

count_check "$ref" "$n" || status=1
check="$check, job $state, $done rows read, $invalid invalid, first seen after ${seen_s:-never} s"
[[ $state == done && $done == "$n" && $invalid == 0 && -n $seen_s ]] || status=1
verdict $status
result_row "CALL revalidate of $n instrument records, batches of $batch (\`bench/revalidate.sh $n $batch\`)" \
  "$revalidate_rate rows/s" "$insert_rate rows/s inserting them bound" "$ratio" "$check"
[[ $check == ok* ]]
