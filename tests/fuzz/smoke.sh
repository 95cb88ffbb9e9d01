#!/usr/bin/env bash
# The fuzz smoke run: builds the libFuzzer targets of the core (make fuzz:
# clang, ASan, UBSan) and runs each for a few seconds from its seed corpus.
# Prints one line per target and exits 1 when one crashed, leaked, timed out
# or could not be built. SCHEMAREG_FUZZ_SECONDS (5) is the time per target,
# SCHEMAREG_FUZZ_SEED (1) libFuzzer's seed, so that a run can be repeated.
# Logs, new inputs and crash inputs go to build/fuzz/smoke/<target>/.
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=${SCHEMAREG_FUZZ_SECONDS:-5}
seed=${SCHEMAREG_FUZZ_SEED:-1}
build=build/fuzz
out=$build/smoke
rm -rf "$out"
mkdir -p "$out"

if ! make --no-print-directory fuzz FUZZ_BUILD_DIR="$build" >"$out/build.log" 2>&1; then
  tail -20 "$out/build.log"
  echo "fuzz: the targets did not build (log: $out/build.log)"
  exit 1
fi

failed=0
for target in compile validate pattern format compare; do
  dict=tests/fuzz/json.dict
  [[ $target == format ]] && dict=""
  [[ $target == pattern ]] && dict=tests/fuzz/pattern.dict
  dir=$out/$target
  mkdir -p "$dir/corpus" "$dir/crashes"
  "$build/fuzz_$target" -max_total_time="$seconds" -seed="$seed" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$dir/crashes/" ${dict:+-dict="$dict"} \
    "$dir/corpus" "$build/fuzz/seeds/$target" >"$dir/log" 2>&1
  status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")
  if [[ $status -eq 0 ]]; then
    printf 'fuzz_%-9s ok: %s runs in %s s, %s seeds\n' "$target" "${runs:-?}" "$seconds" \
      "$(ls "$build/fuzz/seeds/$target" | wc -l)"
  else
    failed=$((failed + 1))
    report=$(grep -m1 -E '^(==[0-9]+==ERROR|schemareg fuzz:|SUMMARY)|runtime error' "$dir/log")
    input=$(ls "$dir/crashes" 2>/dev/null | head -1)
    printf 'fuzz_%-9s FAILED (status %d): %s\n' "$target" "$status" "${report:-see $dir/log}"
    [[ -n $input ]] && echo "  input: $dir/crashes/$input (reproduce: $build/fuzz_$target $dir/crashes/$input)"
  fi
done
((failed == 0))
