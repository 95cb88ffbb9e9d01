#!/usr/bin/env bash
# Installs, from Debian's archive, whatever schemareg needs and the machine lacks.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  postgresql-15 postgresql-server-dev-15 postgresql-contrib
  rapidjson-dev libvalijson-dev libre2-dev libpcre2-dev googletest libgtest-dev
  json-schema-test-suite python3 python3-psycopg
  # its copies of the 2019-09 and 2020-12 metaschemas, shipped in the library
  python3-jsonschema
  clang libclang-rt-14-dev
  # the recipes of docs/recipes/, run by tests/client/test_recipes.py
  python3-sqlalchemy python3-django python3-psycopg2
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "schemareg: missing packages: ${missing[*]}" >&2
  echo "schemareg: run as root, or install them with apt-get, then try again." >&2
  exit 1
fi
echo "schemareg: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
