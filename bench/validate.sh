#!/usr/bin/env bash
# validate_record over the corpus beside its floor, serialising every record
# to text, in one server and one run; prints each time and the ratio.
# Usage: bench/validate.sh [records]   (needs libpq's environment, or run
# through `make bench`, which starts the private cluster).
set -euo pipefail
n=${1:-20000}
db=schemareg_bench
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -X -q -d $db -c "CREATE EXTENSION schemareg"
psql -X -q -d $db -v n="$n" -c "SET client_min_messages = warning" -f "$(dirname "$0")/corpus.sql" >/dev/null
psql -X -A -t -d $db -c "SELECT format('corpus: %s records, %s bytes each on average', count(*), round(avg(length(doc::text)))) FROM bench_corpus"
psql -X -q -A -t -d $db <<'SQL'
-- Best of five runs of each, alternating, so that both see the same cache state.
CREATE TEMP TABLE timings (what text, ms float8);
DO $$
DECLARE
  t timestamptz;
  ok bigint;
BEGIN
  PERFORM schemareg.validate_record('bench/instrument:1', doc) FROM bench_corpus LIMIT 1;
  FOR i IN 1..5 LOOP
    t := clock_timestamp();
    PERFORM count(*) FROM bench_corpus WHERE length(doc::text) > 0;
    INSERT INTO timings VALUES ('floor', extract(epoch FROM clock_timestamp() - t) * 1000);
    t := clock_timestamp();
    SELECT count(*) INTO ok FROM bench_corpus WHERE schemareg.validate_record('bench/instrument:1', doc);
    INSERT INTO timings VALUES ('validate_record', extract(epoch FROM clock_timestamp() - t) * 1000);
    IF ok <> (SELECT count(*) FROM bench_corpus) THEN
      RAISE EXCEPTION 'only % records valid: the corpus and the schema disagree', ok;
    END IF;
  END LOOP;
END $$;
SELECT format('%-36s %8s ms', 'text serialisation (floor)', round(min(ms)::numeric, 1)) FROM timings WHERE what = 'floor';
SELECT format('%-36s %8s ms', 'validate_record', round(min(ms)::numeric, 1)) FROM timings WHERE what = 'validate_record';
SELECT format('%-36s %8s x', 'ratio validate_record / floor',
              round((SELECT min(ms) FROM timings WHERE what = 'validate_record')::numeric /
                    (SELECT min(ms) FROM timings WHERE what = 'floor')::numeric, 2));
SQL
psql -X -q -d postgres -c "DROP DATABASE $db"
