#!/usr/bin/env bash
# validate_record against ajv 8, the compiled JavaScript validator, on the
# same records: the instrument corpus (with the draft-04 schema and its
# 2020-12 form) and the tiny records. Each side validates every record
# ROUNDS times in one process (one backend, no parallel workers; one node
# process, records parsed before timing, as jsonb is in the database), and
# the medians are compared: ratio = ajv ms / schemareg ms, above 1 when
# schemareg is faster. Formats are assertions on both sides (ajv-formats),
# and once, for the draft-04 schema, annotations on both.
# ajv is installed with npm under build/ajv, pinned; where npm cannot reach
# its registry the benchmark says so and is skipped.
# Usage: bench/vs_ajv.sh [instrument records] [tiny records] [rounds]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
n=${1:-20000}
tiny=${2:-100000}
rounds=${3:-7}
AJV_VERSION=8.17.1
AJV_FORMATS_VERSION=3.0.1
modules=$(cd "$BENCH_DIR/.." && pwd)/build/ajv/node_modules

if [[ ! -f $modules/ajv/package.json ]] ||
  ! grep -q "\"version\": \"$AJV_VERSION\"" "$modules/ajv/package.json"; then
  if { ! command -v npm >/dev/null || ! command -v node >/dev/null; } && [[ $(id -u) -eq 0 ]]; then
    # Only make bench needs them: Debian's nodejs and npm.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm >/dev/null ||
      true
  fi
  if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
    echo "vs_ajv: skipped: node and npm are not installed (apt-get install nodejs npm)"
    result_row "validate_record vs ajv $AJV_VERSION (\`bench/vs_ajv.sh\`)" "skipped: no node/npm" "" "" ""
    exit 0
  fi
  if ! npm install --silent --no-audit --no-fund --prefix "$(dirname "$modules")" \
    "ajv@$AJV_VERSION" "ajv-formats@$AJV_FORMATS_VERSION" >/dev/null 2>&1; then
    echo "vs_ajv: skipped: npm could not install ajv@$AJV_VERSION (no access to the npm registry?)"
    result_row "validate_record vs ajv $AJV_VERSION (\`bench/vs_ajv.sh\`)" "skipped: npm install failed" "" "" ""
    exit 0
  fi
fi

bench_db vs_ajv
load_corpus "$n" "$tiny"
sql -c "SELECT format('corpus: %s instrument records (%s bytes on average), %s tiny ones',
                      (SELECT count(*) FROM bench_instrument),
                      (SELECT round(avg(length(doc::text))) FROM bench_instrument),
                      (SELECT count(*) FROM bench_tiny))"

# schemareg: the median of ROUNDS runs over the table, each record checked.
schemareg_ms() {
  local ref=$1 table=$2 formats=$3
  sql <<SQL
SET max_parallel_workers_per_gather = 0;
SET schemareg.assert_formats = $formats;
CREATE TEMP TABLE timings (ms float8);
DO \$\$
DECLARE
  t timestamptz;
  ok bigint;
  total bigint := (SELECT count(*) FROM $table);
BEGIN
  PERFORM schemareg.validate_record('$ref', doc) FROM $table LIMIT 1;
  FOR i IN 1..$rounds LOOP
    t := clock_timestamp();
    SELECT count(*) INTO ok FROM $table WHERE schemareg.validate_record('$ref', doc);
    INSERT INTO timings VALUES (extract(epoch FROM clock_timestamp() - t) * 1000);
    IF ok <> total THEN
      RAISE EXCEPTION 'only % of % records valid under %', ok, total, '$ref';
    END IF;
  END LOOP;
END \$\$;
SELECT round((percentile_disc(0.5) WITHIN GROUP (ORDER BY ms))::numeric, 1) FROM timings;
SQL
}

# ajv: the same records and schema, exported as JSON text.
ajv_ms() {
  local ref=$1 table=$2 dialect=$3 formats=$4
  sql -c "SELECT definition FROM schemareg.get_schema('$ref')" >"$BENCH_TMP/schema.json"
  sql -c "SELECT doc FROM $table ORDER BY id" >"$BENCH_TMP/records.ndjson"
  local out
  out=$(node "$BENCH_DIR/vs_ajv.js" "$modules" "$dialect" "$BENCH_TMP/schema.json" \
    "$BENCH_TMP/records.ndjson" "$rounds" "$formats")
  local valid records
  valid=$(sed -n 's/.*"valid":\([0-9]*\).*/\1/p' <<<"$out")
  records=$(sed -n 's/.*"records":\([0-9]*\).*/\1/p' <<<"$out")
  if [[ $valid != "$records" ]]; then
    echo "ajv found $valid of $records records valid under $ref" >&2
    return 1
  fi
  sed -n 's/.*"median_ms":\([0-9.]*\).*/\1/p' <<<"$out"
}

status=0
compare() {
  local label=$1 ref=$2 table=$3 dialect=$4 formats=${5:-always}
  local ours theirs ratio
  ours=$(schemareg_ms "$ref" "$table" "$formats")
  theirs=$(ajv_ms "$ref" "$table" "$dialect" "$formats") || { status=1; return; }
  ratio=$(awk -v a="$theirs" -v s="$ours" 'BEGIN { printf "%.2f", a / s }')
  printf '%-40s schemareg %8.1f ms   ajv %8.1f ms   ratio ajv / schemareg %s\n' \
    "$label" "$ours" "$theirs" "$ratio"
  result_row "validate_record vs ajv $AJV_VERSION, $label (\`bench/vs_ajv.sh $n $tiny $rounds\`, median of $rounds)" \
    "$ours ms" "$(printf '%.1f' "$theirs") ms (ajv, records pre-parsed in node)" "$ratio (ajv / schemareg; > 1: schemareg faster)" \
    "ok (every record valid on both sides)"
}
compare "$n instrument records, draft-04 schema" bench/instrument:1 bench_instrument draft-07
compare "the same, formats not asserted" bench/instrument:1 bench_instrument draft-07 off
compare "$n instrument records, 2020-12 schema" bench/instrument20:1 bench_instrument 2020-12
compare "$tiny tiny records" bench/tiny:1 bench_tiny draft-07
exit $status
