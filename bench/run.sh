#!/usr/bin/env bash
# Runs every benchmark once with the figures the issues ask for; `make bench` calls it.
# Usage: bench/run.sh [BUILD_DIR]
# The harness's sizes and pace: HARNESS_SIZES (default 5000,50000,200000), HARNESS_INTERVAL
# (seconds, default 30), HARNESS_INTERVALS (default 3). It takes about 8 minutes per size.
# The scale benchmark's virtual hours: SCALE_HOURS (default 6; a week is 168, several hours of
# wall time on a 2-core machine), its accounts SCALE_ACCOUNTS (default 3).
set -euo pipefail
build=${1:-build}
echo "== bench_parse: Ozon JSON parsing (MB/s, nlohmann DOM vs simdjson On-Demand)"
"$build/bench/bench_parse" --benchmark_counters_tabular=true
echo "== bench_dispatch: 10,000 events through router + store + dispatch"
"$build/bench/bench_dispatch" 10000
echo "== bench_postings: a shop with 50,000 postings against the sandbox (incremental, then full evaluation)"
"$build/bench/bench_postings" 50000 10
echo "== bench_returns: a shop with 20,000 returns against the sandbox (initial load, steady cycles, reconciliation)"
"$build/bench/bench_returns" 20000 10
echo "== bench_finance: a month of 30,000 delivered postings (first start, steady hours, a payout boundary)"
"$build/bench/bench_finance" 30000 5
echo "== bench_stocks: 100,000 articles on Ozon, in InSales and in 1C (first start, steady polls, a new 1C file)"
"$build/bench/bench_stocks" 100000 3
echo "== bench_push: Ozon pushes -> Telegram latency (1000 pushes), then 200 pushes/s for 60 s"
"$build/bench/bench_push" 1000 200 60
echo "== bench_soak: a busy week of every watch in virtual time, retention 1 day (RSS and database size per day)"
"$build/bench/bench_soak" 7
echo "== bench_scale: every watch, ${SCALE_ACCOUNTS:-3} accounts x (100,000 SKUs, 50,000 postings, 20,000 returns, a month of accruals), ${SCALE_HOURS:-6} virtual hours, beside the plain Python poller"
"$build/bench/bench_scale" --hours "${SCALE_HOURS:-6}" --accounts "${SCALE_ACCOUNTS:-3}" \
    --poller "$(dirname "$0")/plain_poller_all.py"
echo "== harness: the real daemon against the sandbox, beside a plain Python poller"
python3 "$(dirname "$0")/harness.py" --ozonwatch "$build/daemon/ozonwatch" \
    --sizes "${HARNESS_SIZES:-5000,50000,200000}" --interval "${HARNESS_INTERVAL:-30}" \
    --intervals "${HARNESS_INTERVALS:-3}"
