#!/usr/bin/env bash
# make demo: set up, build, install, start a private cluster, run the walkthrough.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cluster.sh
prepare_all
psql -X -q -c "DROP DATABASE IF EXISTS schemareg_demo" -c "CREATE DATABASE schemareg_demo" >/dev/null
# The walkthrough shows refused input on purpose, so errors do not stop it.
psql -X -d schemareg_demo -f scripts/demo.sql
