#!/usr/bin/env bash
# The Citus suite (issue 13): schemareg beside Citus on a coordinator and two
# workers, each its own private cluster under build/citus with
# shared_preload_libraries = citus, listening on 127.0.0.1 only (ports
# SCHEMAREG_CITUS_PORTS, by default SCHEMAREG_PGPORT and the two after it:
# the main private cluster listens on a Unix socket only). Runs
# tests/citus/test_*.py against them and stops them again.
# `run.sh start` only starts them (to work with them by hand), `run.sh stop`
# stops them.
# Where Citus is not installed in the server's installation it prints one
# line "citus: skipped: ..." and exits 77: a skip, neither a pass nor a failure.
# Citus itself is never part of this repository: build and install it
# yourself (docs/design-citus.md says how it was done for these tests).
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/cluster.sh

libdir=$(pg_config --pkglibdir)
if [[ ! -f "$libdir/citus.so" ]]; then
  echo "citus: skipped: Citus is not installed (no citus.so in $libdir)"
  exit 77
fi
bindir=$(pg_config --bindir)
base=${SCHEMAREG_PGPORT:-54329}
read -r -a ports <<<"${SCHEMAREG_CITUS_PORTS:-$base $((base + 1)) $((base + 2))}"
nodes=(coordinator worker1 worker2)
top=$SCHEMAREG_ROOT/build/citus
mkdir -p "$top"
# As in cluster.sh: where the cluster's owner cannot reach build/, the data
# lives in /tmp and build/citus points at it.
if [[ $(id -u) -eq 0 ]] && ! runuser -u postgres -- test -x "$top"; then
  [[ -L "$top/data" && ! -e "$top/data" ]] && rm -f "$top/data"
  if [[ ! -e "$top/data" ]]; then
    tmp=$(mktemp -d /tmp/schemareg-citus.XXXXXX)
    ln -s "$tmp" "$top/data"
  fi
else
  mkdir -p "$top/data"
fi
data_root=$(readlink -f "$top/data")
[[ $(id -u) -eq 0 ]] && chown postgres: "$data_root"

stop_all() {
  local n
  for n in "${nodes[@]}"; do
    if [[ -f "$data_root/$n/postmaster.pid" ]]; then
      as_owner "$bindir/pg_ctl" -D "$data_root/$n" -m fast -w stop >/dev/null 2>&1 || true
    fi
  done
}
if [[ "${1:-}" == stop ]]; then
  stop_all
  exit 0
fi
[[ "${1:-}" == start ]] || trap stop_all EXIT

for i in 0 1 2; do
  n=${nodes[$i]}
  d=$data_root/$n
  if [[ ! -f "$d/PG_VERSION" ]]; then
    as_owner mkdir -p "$d"
    as_owner "$bindir/initdb" -D "$d" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
      >"$top/initdb-$n.log" 2>&1 || { cat "$top/initdb-$n.log"; exit 1; }
    as_owner mkdir -p "$d/socket"
  fi
  if as_owner "$bindir/pg_ctl" -D "$d" status >/dev/null 2>&1; then
    as_owner "$bindir/pg_ctl" -D "$d" -m fast -w stop >/dev/null
  fi
  as_owner "$bindir/pg_ctl" -D "$d" -l "$d/server.log" -w -t 60 start \
    -o "-p ${ports[$i]} -k $d/socket -c listen_addresses=127.0.0.1 -c shared_preload_libraries=citus -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB -c max_connections=60 -c max_prepared_transactions=20" \
    >/dev/null || { tail -30 "$d/server.log"; exit 1; }
done
echo "citus: coordinator on 127.0.0.1:${ports[0]}, workers on ${ports[1]} and ${ports[2]} (build/citus)"
[[ "${1:-}" == start ]] && exit 0

export SCHEMAREG_CITUS_PORTS="${ports[*]}" PGHOST=127.0.0.1 PGUSER=postgres
unset PGPORT PGDATABASE
/usr/bin/python3 -m unittest discover -s tests/citus -p 'test_*.py' -v
