#!/usr/bin/env bash
# Runs every benchmark once with the figures the issues ask for; `make bench` calls it.
# Usage: bench/run.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
echo "== bench_parse: Ozon JSON parsing (MB/s, peak RSS)"
"$build/bench/bench_parse" --benchmark_counters_tabular=true
echo "== bench_dispatch: 10,000 events through router + store + dispatch"
"$build/bench/bench_dispatch" 10000
echo "== bench_postings: a shop with 50,000 postings against the sandbox (incremental, then full evaluation)"
"$build/bench/bench_postings" 50000 10
