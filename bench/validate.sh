#!/usr/bin/env bash
# validate_record over the instrument corpus beside its floor, serialising
# every record to text, in one server and one backend (no parallel workers),
# best of five runs of each, alternating; prints each time and the ratio.
# The same for the schema written in draft 2020-12 (bench/instrument20:
# $defs, prefixItems, dependentRequired, unevaluatedProperties), formats
# asserted in both.
# Usage: bench/validate.sh [records]   (needs libpq's environment, or run
# through `make bench`, which starts the private cluster).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
n=${1:-20000}
bench_db validate
load_corpus "$n" 0
sql -c "SELECT format('corpus: %s records, %s bytes each on average', count(*), round(avg(length(doc::text)))) FROM bench_instrument"
out=$(sql <<'SQL'
-- One backend runs all, without parallel workers; formats are assertions in
-- both drafts.
SET max_parallel_workers_per_gather = 0;
SET schemareg.assert_formats = always;
CREATE TEMP TABLE timings (what text, ms float8);
DO $$
DECLARE
  t timestamptz;
  ok bigint;
BEGIN
  PERFORM schemareg.validate_record('bench/instrument:1', doc) FROM bench_instrument LIMIT 1;
  PERFORM schemareg.validate_record('bench/instrument20:1', doc) FROM bench_instrument LIMIT 1;
  FOR i IN 1..5 LOOP
    t := clock_timestamp();
    PERFORM count(*) FROM bench_instrument WHERE length(doc::text) > 0;
    INSERT INTO timings VALUES ('floor', extract(epoch FROM clock_timestamp() - t) * 1000);
    t := clock_timestamp();
    SELECT count(*) INTO ok FROM bench_instrument WHERE schemareg.validate_record('bench/instrument:1', doc);
    INSERT INTO timings VALUES ('validate_record', extract(epoch FROM clock_timestamp() - t) * 1000);
    IF ok <> (SELECT count(*) FROM bench_instrument) THEN
      RAISE EXCEPTION 'only % records valid: the corpus and the schema disagree', ok;
    END IF;
    t := clock_timestamp();
    SELECT count(*) INTO ok FROM bench_instrument WHERE schemareg.validate_record('bench/instrument20:1', doc);
    INSERT INTO timings VALUES ('validate_record_2020', extract(epoch FROM clock_timestamp() - t) * 1000);
    IF ok <> (SELECT count(*) FROM bench_instrument) THEN
      RAISE EXCEPTION 'only % records valid under the 2020-12 schema', ok;
    END IF;
  END LOOP;
END $$;
SELECT round(min(ms) FILTER (WHERE what = 'validate_record')::numeric, 1),
       round(min(ms) FILTER (WHERE what = 'floor')::numeric, 1),
       round((min(ms) FILTER (WHERE what = 'validate_record') / min(ms) FILTER (WHERE what = 'floor'))::numeric, 2),
       round(min(ms) FILTER (WHERE what = 'validate_record_2020')::numeric, 1),
       round((min(ms) FILTER (WHERE what = 'validate_record_2020') / min(ms) FILTER (WHERE what = 'floor'))::numeric, 2)
  FROM timings;
SQL
)
IFS='|' read -r ms floor ratio ms20 ratio20 <<<"$out"
printf '%-36s %8s ms\n' 'text serialisation (floor)' "$floor" 'validate_record' "$ms" \
  'validate_record, 2020-12 schema' "$ms20"
printf '%-36s %8s x\n' 'ratio validate_record / floor' "$ratio" \
  'ratio 2020-12 validate_record / floor' "$ratio20"
result_row "validate_record, $n instrument records of ~1.1 KB, schema of ~40 keywords (\`bench/validate.sh $n\`, best of 5)" \
  "$ms ms" "$floor ms (doc::text of each record)" "$ratio" "ok (every record valid in every run)"
result_row "the same, schema in draft 2020-12 (\`\$defs\`, \`prefixItems\`, \`dependentRequired\`, \`unevaluatedProperties: false\`)" \
  "$ms20 ms" "$floor ms" "$ratio20" "ok (every record valid in every run)"
