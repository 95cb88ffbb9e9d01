#!/usr/bin/env bash
# make test: set up, build, install, start a private cluster, run every suite,
# and end with one line "N passed, N failed". Exits non-zero when anything fails.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh || exit 1
source scripts/cluster.sh
build_and_install || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
cluster_start || { echo "could not start PostgreSQL"; echo "0 passed, 1 failed"; exit 1; }
trap cluster_stop EXIT

PASSED=0
FAILED=0
LOGDIR=build/test-logs
mkdir -p "$LOGDIR"

# Adds a suite's counts; a suite that ran nothing or crashed counts as one failure.
record() {
  local suite=$1 passed=$2 failed=$3 status=$4
  if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
  if [[ $passed -eq 0 && $failed -eq 0 ]]; then failed=1; fi
  PASSED=$((PASSED + passed))
  FAILED=$((FAILED + failed))
  printf '%-12s %4d passed, %d failed\n' "$suite:" "$passed" "$failed"
}

# Unit tests of the pure core (the differential test runs below, on its own).
{ cmake --build build/cmake -j2 --target unit_tests &&
    ctest --test-dir build/cmake --output-on-failure -LE differential; } >"$LOGDIR/unit.log" 2>&1
status=$?
total=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\2/p' "$LOGDIR/unit.log")
failed=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of.*/\1/p' "$LOGDIR/unit.log")
tail -3 "$LOGDIR/unit.log"
[[ $status -ne 0 ]] && grep -E "Failed|FAILED" "$LOGDIR/unit.log" | head -20
record unit $(( ${total:-0} - ${failed:-0} )) "${failed:-0}" $status

# The core against valijson on the JSON-Schema-Test-Suite and on records
# generated from it (tests/differential): one test; no suite counts as a failure.
{ cmake --build build/cmake -j2 --target differential && build/cmake/differential; } \
  >"$LOGDIR/differential.log" 2>&1
status=$?
grep -E -A6 '^FAIL' "$LOGDIR/differential.log" | head -60
line=$(grep -E '^differential: [0-9]+ cases' "$LOGDIR/differential.log" | tail -1)
if [[ -n "$line" ]]; then echo "$line"; else tail -20 "$LOGDIR/differential.log"; fi
record differential $((status == 0 && ${#line} > 0 ? 1 : 0)) $((status == 0 ? 0 : 1)) $status

# The core's libFuzzer targets under ASan and UBSan, a few seconds each from
# their seed corpus (tests/fuzz/smoke.sh): one line per target.
tests/fuzz/smoke.sh >"$LOGDIR/fuzz.log" 2>&1
status=$?
grep -E '^(fuzz|  input:)' "$LOGDIR/fuzz.log"
record fuzz "$(grep -c '^fuzz_.* ok:' "$LOGDIR/fuzz.log")" \
  "$(grep -c '^fuzz_.* FAILED' "$LOGDIR/fuzz.log")" $status

# pg_regress suites (sql/, expected/) and isolation specs.
PGXS_DIR=$(pg_config --pkglibdir)/pgxs
run_pg_regress() {
  local suite=$1 binary=$2 inputdir=$3 outdir=$4 db=$5
  shift 5
  rm -rf "$outdir"
  "$binary" --inputdir="$inputdir" --outputdir="$outdir" --bindir="$(pg_config --bindir)" \
    --dbname="$db" "$@" >"$LOGDIR/$suite.log" 2>&1
  local status=$?
  grep -E '^(test| *[0-9]+ of| All)' "$LOGDIR/$suite.log"
  if [[ $status -ne 0 && -f "$outdir/regression.diffs" ]]; then
    head -200 "$outdir/regression.diffs"
    [[ -n "${SCHEMAREG_DATA:-}" ]] && tail -30 "$SCHEMAREG_DATA/server.log"
  fi
  local ok bad
  ok=$(grep -cE '\.\.\. ok' "$LOGDIR/$suite.log")
  bad=$(grep -cE '\.\.\. FAILED' "$LOGDIR/$suite.log")
  record "$suite" "$ok" "$bad" $status
}
regress_tests=$(ls sql/*.sql | sed 's|sql/||; s|\.sql$||' | sort)
run_pg_regress regress "$PGXS_DIR/src/test/regress/pg_regress" . build/regress schemareg_regress $regress_tests
isolation_tests=$(ls tests/isolation/specs/*.spec | sed 's|.*/||; s|\.spec$||' | sort)
run_pg_regress isolation "$PGXS_DIR/src/test/isolation/pg_isolation_regress" tests/isolation \
  build/isolation schemareg_isolation $isolation_tests

# pg_dump and restore keep the registry.
tests/dump/dump_restore.sh >"$LOGDIR/dump.log" 2>&1
status=$?
cat "$LOGDIR/dump.log"
record dump $((status == 0 ? 1 : 0)) $((status == 0 ? 0 : 1)) $status

# The update from the last release equals a fresh install, and keeps the data.
tests/upgrade/upgrade.sh >"$LOGDIR/upgrade.log" 2>&1
status=$?
cat "$LOGDIR/upgrade.log"
record upgrade $((status == 0 ? 1 : 0)) $((status == 0 ? 0 : 1)) $status

# The JSON-Schema-Test-Suite through a real server: one test per draft.
/usr/bin/python3 tests/conformance/run.py >"$LOGDIR/conformance.log" 2>&1
status=$?
grep -E '^(conformance|FAIL|note)' "$LOGDIR/conformance.log" | grep -v '^conformance: '
line=$(grep -E '^conformance: [0-9]+ passed, [0-9]+ failed' "$LOGDIR/conformance.log" | tail -1)
[[ -z "$line" ]] && tail -20 "$LOGDIR/conformance.log"
record conformance "$(echo "$line" | sed -n 's/conformance: \([0-9]*\) passed.*/\1/p')" \
  "$(echo "$line" | sed -n 's/.*passed, \([0-9]*\) failed.*/\1/p')" $status

# Python unittest suites under tests/<suite>: one line of counts each.
run_unittests() {
  local suite=$1
  /usr/bin/python3 -m unittest discover -s "tests/$suite" -p 'test_*.py' >"$LOGDIR/$suite.log" 2>&1
  local status=$?
  local ran bad skipped
  ran=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\}.*/\1/p' "$LOGDIR/$suite.log")
  bad=$(grep -oE '(failures|errors)=[0-9]+' "$LOGDIR/$suite.log" | awk -F= '{s+=$2} END {print s+0}')
  # A test skipped for what the machine lacks (npm registry access) is
  # neither passed nor failed; its "skip: " line says why.
  skipped=$(grep -oE 'skipped=[0-9]+' "$LOGDIR/$suite.log" | awk -F= '{s+=$2} END {print s+0}')
  grep -E '^skip: ' "$LOGDIR/$suite.log"
  tail -4 "$LOGDIR/$suite.log"
  [[ $status -ne 0 ]] && grep -E '^(FAIL|ERROR):' -A15 "$LOGDIR/$suite.log" | head -60
  record "$suite" $(( ${ran:-0} - bad - skipped )) "$bad" $status
}
# Client tests: what application code sees through psycopg.
run_unittests client
# The attacks of a hostile tenant, each run as the attacker.
run_unittests security

# schemareg beside Citus (issue 13): its own coordinator and two workers
# (tests/citus/run.sh). Where Citus is not installed it is skipped: counted
# neither as passed nor as failed.
tests/citus/run.sh >"$LOGDIR/citus.log" 2>&1
status=$?
if [[ $status -eq 77 ]]; then
  grep -E '^citus: skipped' "$LOGDIR/citus.log"
else
  ran=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\}.*/\1/p' "$LOGDIR/citus.log")
  bad=$(grep -oE '(failures|errors)=[0-9]+' "$LOGDIR/citus.log" | awk -F= '{s+=$2} END {print s+0}')
  tail -4 "$LOGDIR/citus.log"
  [[ $status -ne 0 ]] && grep -E '^(FAIL|ERROR):' -A15 "$LOGDIR/citus.log" | head -60
  record citus $(( ${ran:-0} - bad )) "$bad" $status
fi

echo
echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
