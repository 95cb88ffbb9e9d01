#!/usr/bin/env bash
# make bench: set up as make test does, then run every benchmark in bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cluster.sh
prepare_all
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(psql -X -A -t -c 'SHOW server_version')"
bench/validate.sh "${BENCH_RECORDS:-20000}"
bench/insert_pgbench.sh "${BENCH_SECONDS:-10}" "${BENCH_ROUNDS:-5}"
