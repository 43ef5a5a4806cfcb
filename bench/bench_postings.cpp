// Postings watch on the sandbox: a shop with 50,000 postings in the 14-day window.
// A PostingsWatch driven by a WatchRunner and a real Store (SQLite) against the in-process
// sandbox, as the daemon's scheduler drives it. Measures API calls and CPU time (CLOCK_THREAD_CPUTIME_ID,
// this thread only: the sandbox serves from its own thread) for the initial load and for
// steady-state cycles with 20 status changes each, in two modes of the same watch:
//   incremental       (the default) only changed and due postings are re-evaluated;
//   full evaluation   every posting re-evaluated and the whole condition set sent each poll
//                     (watch.set_full_evaluation(true): the engine before the change).
// And the process RSS. Usage: bench_postings [postings=50000] [cycles=5] [incremental|full|both]
// (one mode alone is for profiling: `perf record` then sees only that mode's cycles).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "bench/bench_util.hpp"
#include "common/logging.hpp"
#include "common/ozon/client.hpp"
#include "common/ratelimit.hpp"
#include "common/store.hpp"
#include "daemon/demo.hpp"
#include "daemon/engine/watch.hpp"
#include "daemon/watches/postings/watch.hpp"
#include "sandbox/sandbox.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace ozw::bench;

namespace {

sandbox::Scenario big_shop(int n, TimePoint start) {
    sandbox::Scenario sc;
    sc.name = "bench";
    sc.start = start;
    sandbox::Account a;
    a.client_id = "bench";
    a.api_key = "bench-key";
    a.key_expires_at = start + 24h * 90;
    a.roles = {"Admin"};
    sc.accounts.push_back(a);
    sandbox::add_generated_shop(sc, n, start);
    return sc;
}

// The real watch, timing its fetch (HTTP + JSON parsing, this thread's CPU) apart from the
// rest of the cycle (merge, evaluation, store).
class TimedPostingsWatch final : public postings::PostingsWatch {
public:
    using PostingsWatch::PostingsWatch;
    double fetch_cpu_ms = 0;

protected:
    awaitable<Fetched<postings::PostingState>> fetch(TimePoint now, bool baseline) override {
        const double t0 = thread_cpu_ms();
        auto f = co_await PostingsWatch::fetch(now, baseline);
        fetch_cpu_ms += thread_cpu_ms() - t0;
        co_return f;
    }
};

struct ModeFigures {
    double sum_fetch = 0, sum_engine = 0;
    double sum_cpu = 0, worst_cpu = 0;
    std::size_t worst_calls = 0, evaluated = 0;
    int cycles = 0;
};

}  // namespace

int main(int argc, char** argv) {
    const int n = argc > 1 ? std::stoi(argv[1]) : 50000;
    const int cycles = argc > 2 ? std::stoi(argv[2]) : 5;
    const std::string modes = argc > 3 ? argv[3] : "both";
    if (modes != "both" && modes != "incremental" && modes != "full") {
        std::fprintf(stderr, "bench_postings: the third argument is incremental, full or both, not '%s'\n",
                     modes.c_str());
        return 2;
    }
    LoggingConfig lc;
    lc.level = "error";
    log::init_logging(lc, false);
    const TimePoint start = *parse_iso8601("2026-11-26T04:00:00Z");
    const long rss_start = rss_kb("VmRSS:");

    sandbox::Scenario shop = big_shop(n, start);
    std::vector<bool> on_the_way(n, false);
    for (int i = 0; i < n; ++i) on_the_way[i] = shop.postings[i].status == "delivering" &&
                                                 start - shop.postings[i].in_process_at < 72h;
    sandbox::Sandbox sb(std::move(shop));
    sb.start();
    const long rss_sandbox = rss_kb("VmRSS:");
    std::string tmpl = (fs::temp_directory_path() / "ozw-bench-XXXXXX").string();
    const std::string dir = mkdtemp(tmpl.data());

    Config cfg = demo_config(sb.snapshot(), sb.base_url(), dir, "ru");
    AccountConfig account = cfg.accounts.at(0);
    account.rate_limit = 50;
    postings::PostingsSettings settings;  // the documented defaults (14-day window)
    settings.interval = 2min;

    Store store(dir + "/ozonwatch.db");
    asio::io_context ioc;
    auto client = std::make_shared<ozon::Client>(ioc.get_executor(), account,
                                                 std::make_shared<RateLimiter>(account.rate_limit));
    auto watch = std::make_shared<TimedPostingsWatch>(account.name, client, settings, cfg.timezone);
    WatchRunner runner(watch, store, null_router(), sb.clock());

    sb.clear_logs();
    double cpu0 = thread_cpu_ms();
    auto wall0 = std::chrono::steady_clock::now();
    try {
        run(ioc, [&] { return runner.run_once(); });
    } catch (const std::exception& e) {
        std::printf("initial load FAILED: %s\n", e.what());
        return 1;
    }
    double cpu_initial = thread_cpu_ms() - cpu0;
    double wall_initial = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall0).count();
    std::printf("postings in window: %d (watch holds %zu in memory, %zu at rest in the store)\n", n, watch->items().size(),
                watch->resting_count());
    std::printf("initial load: %zu API calls, %.0f ms CPU (daemon thread; fetch %.0f, merge+evaluate+store %.0f), "
                "%.0f ms wall\n",
                ozon_calls(sb), cpu_initial, watch->fetch_cpu_ms, cpu_initial - watch->fetch_cpu_ms,
                wall_initial);

    // Steady state: `cycles` polls incremental, then `cycles` with full evaluation, same watch.
    ModeFigures figures[2];
    const char* mode_names[2] = {"incremental", "full evaluation"};
    for (int mode = 0; mode < 2; ++mode) {
        if ((mode == 0 && modes == "full") || (mode == 1 && modes == "incremental")) continue;
        watch->set_full_evaluation(mode == 1);
        ModeFigures& f = figures[mode];
        for (int c = 0; c < cycles; ++c) {
            // 20 changes: delivering -> delivered, among the postings on the way
            int changed = 0;
            for (int i = n - 1; changed < 20 && i >= 0; --i) {
                if (!on_the_way[i]) continue;
                on_the_way[i] = false;
                char num[32];
                std::snprintf(num, sizeof num, "%08d-0001-1", 10000000 + i);
                if (sb.set_posting_status(num, "delivered")) ++changed;
            }
            sb.advance(2min);
            sb.clear_logs();
            CycleResult r;
            watch->fetch_cpu_ms = 0;
            double t0 = thread_cpu_ms();
            run(ioc, [&]() -> awaitable<void> { r = co_await runner.run_once(); });
            double cpu = thread_cpu_ms() - t0;
            std::size_t calls = ozon_calls(sb);
            const double engine = cpu - watch->fetch_cpu_ms;
            std::printf("%s cycle %d: %d changes, %zu API calls, %zu postings evaluated, %.1f ms CPU "
                        "(fetch %.1f, merge+evaluate+store %.1f), %zu events recorded\n",
                        mode_names[mode], c + 1, changed, calls, watch->last_evaluated(), cpu,
                        watch->fetch_cpu_ms, engine, r.recorded.size());
            f.sum_fetch += watch->fetch_cpu_ms;
            f.sum_engine += engine;
            f.worst_cpu = std::max(f.worst_cpu, cpu);
            f.sum_cpu += cpu;
            f.worst_calls = std::max(f.worst_calls, calls);
            f.evaluated = std::max(f.evaluated, watch->last_evaluated());
            ++f.cycles;
        }
    }
    for (int mode = 0; mode < 2; ++mode) {
        const ModeFigures& f = figures[mode];
        if (f.cycles == 0) continue;
        const double n_cycles = f.cycles ? f.cycles : 1;
        std::printf("steady state, %-15s: max %zu calls, max %zu evaluated, max %.1f ms CPU, mean %.1f ms CPU "
                    "per cycle (fetch %.1f, merge+evaluate+store %.1f)\n",
                    mode_names[mode], f.worst_calls, f.evaluated, f.worst_cpu, f.sum_cpu / n_cycles,
                    f.sum_fetch / n_cycles, f.sum_engine / n_cycles);
    }
    // The 6-hourly reconciliation: only the statuses that can still change are read again.
    {
        watch->set_full_evaluation(false);
        sb.set_time(start + settings.reconcile_every + 1min);
        sb.clear_logs();
        watch->fetch_cpu_ms = 0;
        CycleResult r;
        const double t0 = thread_cpu_ms();
        run(ioc, [&]() -> awaitable<void> { r = co_await runner.run_once(); });
        const double cpu = thread_cpu_ms() - t0;
        std::printf("reconciliation: %zu API calls, %zu postings evaluated, %.0f ms CPU (fetch %.0f, "
                    "merge+evaluate+store %.0f), %zu events recorded (a whole-window re-read is the "
                    "initial load above)\n",
                    ozon_calls(sb), watch->last_evaluated(), cpu, watch->fetch_cpu_ms,
                    cpu - watch->fetch_cpu_ms, r.recorded.size());
    }
    long rss_end = rss_kb("VmRSS:");
    std::printf("RSS: start %ld kB, with sandbox %ld kB, after daemon load %ld kB (daemon share ~%ld kB), peak %ld kB\n",
                rss_start, rss_sandbox, rss_end, rss_end - rss_sandbox, rss_kb("VmHWM:"));
    std::error_code ec;
    fs::remove_all(dir, ec);
    return 0;
}
