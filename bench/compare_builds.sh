#!/usr/bin/env bash
# Runs bench/validate.sh of several source trees, alternating, in one server:
# each round installs a tree's built module (build/cmake/schemareg.so) and
# install script (build/schemareg--<version>.sql), then runs that tree's own
# bench/validate.sh. Prints one line per tree and round. Meant for A/B of a
# change against an earlier commit, e.g.
#   git worktree add /tmp/before <rev> && (cd /tmp/before && make module build/schemareg--0.2.0.sql)
#   make module build/schemareg--0.2.0.sql && bench/compare_builds.sh 3 /tmp/before .
# Usage: bench/compare_builds.sh ROUNDS TREE... (run as root: it writes the
# PostgreSQL installation; the current tree's files are installed again at
# the end).
set -euo pipefail
rounds=$1
shift
cd "$(dirname "$0")/.."
here=$(pwd)
source scripts/cluster.sh
cluster_start >/dev/null
lib=$(pg_config --pkglibdir)/schemareg.so
ext=$(pg_config --sharedir)/extension
restore() {
  cp "$here/build/cmake/schemareg.so" "$lib"
  cp "$here"/build/schemareg--*.sql "$ext/"
}
trap restore EXIT
for ((round = 1; round <= rounds; round++)); do
  for tree in "$@"; do
    tree=$(cd "$tree" && pwd)
    # Each new backend loads the module file anew: no restart needed.
    cp "$tree/build/cmake/schemareg.so" "$lib"
    cp "$tree"/build/schemareg--*.sql "$ext/"
    line=$(bash "$tree/bench/validate.sh" 20000 2>&1 |
      grep -E 'floor\)|^validate_record|ratio' | tr -s ' ' | tr '\n' ' ')
    echo "round $round $tree: $line"
  done
done
