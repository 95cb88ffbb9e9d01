# Sourced by demo.sh, test.sh and bench scripts: a private PostgreSQL cluster
# under build/, or the server that PGHOST/PGPORT name.
#   cluster_start   set up libpq's environment; start the private cluster if needed
#   cluster_stop    stop the private cluster if cluster_start started it

SCHEMAREG_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLUSTER_STARTED=0

# Runs a command as the cluster's owner (postgres refuses to run as root).
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

cluster_start() {
  if [[ -n "${PGHOST:-}" || -n "${PGPORT:-}" ]]; then
    echo "schemareg: using the server at ${PGHOST:-(default socket)}:${PGPORT:-5432}"
    export PGUSER=${PGUSER:-postgres}
    return 0
  fi
  # Known once deps.sh has installed PostgreSQL, so looked up here.
  PGBIN=$(pg_config --bindir)
  local dir="$SCHEMAREG_ROOT/build/pg"
  mkdir -p "$dir"
  # A link left to a /tmp folder that has since been cleaned is made again.
  if [[ -L "$dir/data" && ! -e "$dir/data" ]]; then
    rm -f "$dir/data"
  fi
  # The cluster's owner must reach build/; where it cannot (a clone under
  # /root), the data lives in /tmp and build/pg points at it.
  if [[ ! -e "$dir/data" ]] && [[ $(id -u) -eq 0 ]] && ! runuser -u postgres -- test -x "$dir"; then
    local tmp
    tmp=$(mktemp -d /tmp/schemareg-pg.XXXXXX)
    chown postgres: "$tmp"
    ln -s "$tmp" "$dir/data"
  fi
  mkdir -p "$dir/data"
  [[ $(id -u) -eq 0 ]] && chown -R postgres: "$(readlink -f "$dir/data")"
  local data
  data=$(readlink -f "$dir/data")
  local sock="$data/socket"
  export PGHOST="$sock" PGPORT=${SCHEMAREG_PGPORT:-54329} PGUSER=postgres PGDATABASE=postgres
  if [[ ! -f "$data/PG_VERSION" ]]; then
    as_owner "$PGBIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log"; return 1; }
    as_owner mkdir -p "$sock"
  fi
  if as_owner "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    echo "schemareg: private cluster already running (port $PGPORT)"
    return 0
  fi
  as_owner "$PGBIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start \
    -o "-p $PGPORT -k $sock -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50 -c max_prepared_transactions=10 -c wal_level=logical" >/dev/null ||
    { tail -50 "$data/server.log"; return 1; }
  CLUSTER_STARTED=1
  SCHEMAREG_DATA=$data
  echo "schemareg: private cluster started in build/pg (port $PGPORT, log $data/server.log)"
}

cluster_stop() {
  if [[ $CLUSTER_STARTED -eq 1 ]]; then
    as_owner "$PGBIN/pg_ctl" -D "$SCHEMAREG_DATA" -m fast -w stop >/dev/null || true
    CLUSTER_STARTED=0
    echo "schemareg: private cluster stopped"
  fi
}

# For demo and bench: everything make test sets up, stopped again on exit.
prepare_all() {
  "$SCHEMAREG_ROOT/scripts/deps.sh"
  build_and_install
  cluster_start
  trap cluster_stop EXIT
}

# Builds and installs the extension into the server's installation.
build_and_install() {
  make -C "$SCHEMAREG_ROOT" -s module
  make -C "$SCHEMAREG_ROOT" -s install >/dev/null
}
