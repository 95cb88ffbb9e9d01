#!/usr/bin/env bash
# make bench: set up as make test does, then run every benchmark in bench/,
# each beside its baseline in the same server and run, and write the results
# as a Markdown table (machine, command, each measurement, its baseline, the
# ratio and the check that the measured path worked) to build/bench-results.md
# ($BENCH_RESULTS); prints it too. A benchmark that fails or whose check fails
# is listed under the table, and the run ends with status 1.
# Sizes: BENCH_RECORDS (instrument records, 20000), BENCH_TINY_RECORDS (tiny
# records, 100000), BENCH_RUNS (INSERT ... SELECT rounds, 5), BENCH_SECONDS and
# BENCH_ROUNDS (pgbench, 10 s × 5), BENCH_CALLS (memory, 1000000),
# BENCH_REVALIDATE_RECORDS (revalidation, 1000000).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cluster.sh
prepare_all
records=${BENCH_RECORDS:-20000}
tiny=${BENCH_TINY_RECORDS:-100000}
runs=${BENCH_RUNS:-5}
seconds=${BENCH_SECONDS:-10}
rounds=${BENCH_ROUNDS:-5}
calls=${BENCH_CALLS:-1000000}
revalidate=${BENCH_REVALIDATE_RECORDS:-1000000}
results=${BENCH_RESULTS:-build/bench-results.md}
BENCH_ROWS=$(mktemp)
export BENCH_ROWS
trap 'rm -f "$BENCH_ROWS"; cluster_stop' EXIT

failed=()
run() {
  echo "== $*"
  "$@" || failed+=("\`$*\` exited with status $?")
}
run bench/validate.sh "$records"
run bench/vs_ajv.sh "$records" "$tiny" 7
run bench/insert_select.sh instrument "$records" "$runs"
run bench/insert_select.sh tiny "$tiny" "$runs"
run bench/insert_pgbench.sh "$seconds" "$rounds"
run bench/memory.sh "$calls" 10000
run bench/revalidate.sh "$revalidate" 10000

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n $(git status --porcelain 2>/dev/null) ]] && commit="$commit with uncommitted changes"
{
  echo "# schemareg benchmark results"
  echo
  echo "* machine: $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, PostgreSQL $(psql -X -A -t -c 'SHOW server_version')"
  echo "* command: \`BENCH_RECORDS=$records BENCH_TINY_RECORDS=$tiny BENCH_RUNS=$runs BENCH_SECONDS=$seconds BENCH_ROUNDS=$rounds BENCH_CALLS=$calls BENCH_REVALIDATE_RECORDS=$revalidate scripts/bench.sh\` (\`make bench\`), $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit"
  echo
  echo "| measurement (script) | result | baseline | ratio | check |"
  echo "|---|---|---|---|---|"
  cat "$BENCH_ROWS"
  if ((${#failed[@]})); then
    echo
    echo "Failed:"
    printf -- '* %s\n' "${failed[@]}"
  fi
} >"$results"
echo
cat "$results"
((${#failed[@]} == 0))
