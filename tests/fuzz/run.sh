#!/usr/bin/env bash
# Runs every fuzz target of a build-fuzz folder for SECONDS each, one after another, from the
# seed corpus (read only) into FOUND (what libFuzzer adds), and prints a line per target:
# executions, coverage (edges), features, corpus units, and the verdict. `make fuzz` calls it.
# Usage: tests/fuzz/run.sh BUILD_FUZZ_DIR SECONDS
set -uo pipefail
dir=${1:?build-fuzz folder}
seconds=${2:-600}
here=$(cd "$(dirname "$0")" && pwd)
status=0
printf '%-18s %8s %14s %8s %9s %7s  %s\n' target seconds executions cov features units verdict
for bin in "$dir"/tests/fuzz/fuzz_*; do
  name=$(basename "$bin"); name=${name#fuzz_}
  found="$dir/tests/fuzz/found/$name"; mkdir -p "$found"
  log="$dir/tests/fuzz/$name.log"
  "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$dir/tests/fuzz/crash-$name-" "$found" "$here/corpus/$name" >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(echo "$last" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*')
  ft=$(echo "$last" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*')
  units=$(echo "$last" | grep -o 'corp: [0-9]*' | grep -o '[0-9]*$')
  verdict=ok
  if [ $rc -ne 0 ]; then verdict="FAILED (see $log)"; status=1; fi
  printf '%-18s %8s %14s %8s %9s %7s  %s\n' "$name" "$seconds" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${units:-?}" "$verdict"
done
exit $status
