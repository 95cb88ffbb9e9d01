#!/usr/bin/env bash
# The memory of one backend that runs validate_record a million times: in one
# session, validate_record over the first 1,000 instrument records, then read
# the backend's memory; then N more calls (the corpus cross joined with
# generate_series) and read it again. Memory is VmRSS (and its private part
# RssAnon, and the peak VmHWM) from /proc/<pg_backend_pid()>/status, read by
# the backend itself with pg_read_file (so superuser), and sum(total_bytes) of
# pg_backend_memory_contexts. Prints both readings, the growth and the ratio.
# Checks that both readings come from the same backend and that the calls
# really ran there (track_functions counts them; no parallel workers); exits 1
# when a check fails.
# Usage: bench/memory.sh [calls, a multiple of records] [corpus records]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
calls=${1:-1000000}
n=${2:-10000}
first=1000
if ((n < first || calls % n != 0)); then
  echo "usage: bench/memory.sh [calls] [records]: records >= $first, calls a multiple of records" >&2
  exit 2
fi
bench_db memory
load_corpus "$n" 0
out=$(sql <<SQL
-- Every call in this backend, and nothing else that grows it: no parallel
-- workers, no JIT (LLVM would add its own memory), no Materialize node
-- (a tuplestore of the corpus).
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SET enable_material = off;
CREATE TEMP VIEW reading AS
SELECT pg_backend_pid() AS pid,
       coalesce(pg_stat_get_function_calls(f), 0) + coalesce(pg_stat_get_xact_function_calls(f), 0) AS calls,
       (regexp_match(s, 'VmRSS:\s+(\d+) kB'))[1]::bigint AS vmrss_kb,
       (regexp_match(s, 'RssAnon:\s+(\d+) kB'))[1]::bigint AS rssanon_kb,
       (regexp_match(s, 'VmHWM:\s+(\d+) kB'))[1]::bigint AS vmhwm_kb,
       (SELECT sum(total_bytes) FROM pg_backend_memory_contexts) AS contexts_bytes
  FROM pg_read_file('/proc/' || pg_backend_pid() || '/status') s,
       CAST('schemareg.validate_record(text, jsonb)' AS regprocedure) f;
-- Calls so far in this database: those flushed to the statistics and those
-- of this backend still pending.
SET track_functions = 'all';
SET stats_fetch_consistency = 'none';
SELECT 0, * FROM reading;
SELECT count(*) FILTER (WHERE schemareg.validate_record('bench/instrument:1', doc)) AS valid
  FROM bench_instrument WHERE id <= $first \gset
SELECT :valid, * FROM reading;
SELECT count(*) FILTER (WHERE schemareg.validate_record('bench/instrument:1', c.doc)) AS valid
  FROM generate_series(1, $calls / $n) r CROSS JOIN bench_instrument c \gset
SELECT :valid, * FROM reading;
SQL
)
{ IFS='|' read -r _ _ calls0 _; IFS='|' read -r valid1 pid1 calls1 rss1 anon1 hwm1 ctx1; IFS='|' read -r valid2 pid2 calls2 rss2 anon2 hwm2 ctx2; } <<<"$out"
check="backend $pid1 then $pid2, calls counted $((calls1 - calls0)) then $((calls2 - calls1)) more, valid $valid1 then $valid2"
status=0
[[ $pid1 == "$pid2" && $((calls1 - calls0)) == "$first" && $valid1 == "$first" && $((calls2 - calls1)) == "$calls" && $valid2 == "$calls" ]] || status=1
verdict $status
report() { # what unit after-first after-all
  awk -v w="$1" -v u="$2" -v a="$3" -v b="$4" -v f="$first" -v c="$calls" 'BEGIN {
    printf "%-24s %12d %s after %d calls, %12d %s after %d more: growth %+d %s, ratio %.3f\n", w, a, u, f, b, u, c, b - a, u, b / a }'
}
report VmRSS kB "$rss1" "$rss2"
report "RssAnon (private)" kB "$anon1" "$anon2"
report "VmHWM (peak)" kB "$hwm1" "$hwm2"
report "memory contexts" bytes "$ctx1" "$ctx2"
cmd="\`bench/memory.sh $calls $n\`"
ratio() { awk -v a="$1" -v b="$2" -v u="$3" 'BEGIN { printf "%.3f (%+d %s)", b / a, b - a, u }'; }
result_row "VmRSS of one backend after $first + $calls validate_record calls ($cmd)" \
  "$rss2 kB" "$rss1 kB after the first $first calls" "$(ratio "$rss1" "$rss2" kB)" "$check"
result_row "sum(total_bytes) of pg_backend_memory_contexts, the same backend and calls ($cmd)" \
  "$ctx2 bytes" "$ctx1 bytes after the first $first calls" "$(ratio "$ctx1" "$ctx2" bytes)" "$check"
[[ $check == ok* ]]
