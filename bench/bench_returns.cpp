// Returns watch on the sandbox: a shop with 20,000 returns (the sandbox's generated mix: most
// received or refunded, ~1,600 waiting at five pickup points, a few requests and disputes, status
// changes over the last 30 days). A ReturnsWatch driven by a WatchRunner and a real Store
// (SQLite) against the in-process sandbox, as the daemon's scheduler drives it. Measures API
// calls and CPU time (this thread only: the sandbox serves from its own thread) for the initial
// load, for steady cycles (10 minutes apart, 20 status changes each) and for the daily
// reconciliation; and the process RSS. Usage: bench_returns [returns=20000] [cycles=10]
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
#include "daemon/watches/returns/watch.hpp"
#include "sandbox/sandbox.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace ozw::bench;

int main(int argc, char** argv) {
    const int n = argc > 1 ? std::stoi(argv[1]) : 20000;
    const int cycles = argc > 2 ? std::stoi(argv[2]) : 10;
    LoggingConfig lc;
    lc.level = "error";
    log::init_logging(lc, false);
    const long rss_start = rss_kb("VmRSS:");
    sandbox::Sandbox sb(sandbox::load_scenario_text(
        "name: bench-returns\nstart: \"2026-11-26T04:00:00Z\"\n"
        "accounts: [{client_id: bench, api_key: bench-key, roles: [Admin]}]\n"
        "generate: {returns: " + std::to_string(n) + "}\n", "bench_returns"));
    sb.start();
    const long rss_sandbox = rss_kb("VmRSS:");
    std::string tmpl = (fs::temp_directory_path() / "ozw-bench-XXXXXX").string();
    const std::string dir = mkdtemp(tmpl.data());

    Config cfg = demo_config(sb.snapshot(), sb.base_url(), dir, "ru");
    AccountConfig account = cfg.accounts.at(0);
    account.rate_limit = 50;
    returns::ReturnsSettings settings;  // the documented defaults
    Store store(dir + "/ozonwatch.db");
    asio::io_context ioc;
    auto client = std::make_shared<ozon::Client>(ioc.get_executor(), account,
                                                 std::make_shared<RateLimiter>(account.rate_limit));
    auto watch = std::make_shared<returns::ReturnsWatch>(account.name, client, settings);
    WatchRunner runner(watch, store, null_router(), sb.clock());

    sb.clear_logs();
    const double cpu0 = thread_cpu_ms();
    const auto wall0 = std::chrono::steady_clock::now();
    CycleResult first;
    try {
        run(ioc, [&]() -> awaitable<void> { first = co_await runner.run_once(); });
    } catch (const std::exception& e) {
        std::printf("initial load FAILED: %s\n", e.what());
        return 1;
    }
    const double cpu_initial = thread_cpu_ms() - cpu0;
    const double wall_initial =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall0).count();
    std::printf("returns at the sandbox: %d (watch holds %zu items incl. drop-off points and rFBS requests in memory, "
                "%zu at rest in the store)\n",
                n, watch->items().size(), watch->resting_count());
    std::printf("initial load: %zu API calls, %.0f ms CPU (daemon thread), %.0f ms wall, %zu conditions recorded\n",
                ozon_calls(sb), cpu_initial, wall_initial, first.recorded.size());
    const long rss_after_load = rss_kb("VmRSS:");

    // Steady state: every 10 minutes, 20 returns move (on the way -> at the pickup point -> received).
    std::vector<std::int64_t> moving;
    for (const auto& r : sb.snapshot().returns)
        if (r.status == "MovingToSeller" || r.status == "ArrivedAtReturnPlace") moving.push_back(r.id);
    double sum_cpu = 0, worst_cpu = 0;
    std::size_t worst_calls = 0, next = 0;
    for (int c = 0; c < cycles; ++c) {
        int changed = 0;
        for (; changed < 20 && next < moving.size(); ++next) {
            sandbox::ReturnStatusChange change;
            change.status = "ReceivedBySeller";
            changed += sb.set_return_status(moving[next], change);
        }
        sb.advance(settings.interval);
        sb.clear_logs();
        CycleResult r;
        const double t0 = thread_cpu_ms();
        run(ioc, [&]() -> awaitable<void> { r = co_await runner.run_once(); });
        const double cpu = thread_cpu_ms() - t0;
        const std::size_t calls = ozon_calls(sb);
        std::printf("steady cycle %d: %d changes, %zu API calls, %zu items evaluated, %.1f ms CPU, %zu events recorded\n",
                    c + 1, changed, calls, watch->last_evaluated(), cpu, r.recorded.size());
        sum_cpu += cpu;
        worst_cpu = std::max(worst_cpu, cpu);
        worst_calls = std::max(worst_calls, calls);
    }
    if (cycles > 0)
        std::printf("steady state: max %zu calls, max %.1f ms CPU, mean %.1f ms CPU per cycle\n", worst_calls,
                    worst_cpu, sum_cpu / cycles);
    {
        sb.set_time(sb.now() + settings.reconcile_every);
        sb.clear_logs();
        CycleResult r;
        const double t0 = thread_cpu_ms();
        run(ioc, [&]() -> awaitable<void> { r = co_await runner.run_once(); });
        std::printf("daily reconciliation: %zu API calls, %.0f ms CPU, %zu events recorded\n", ozon_calls(sb),
                    thread_cpu_ms() - t0, r.recorded.size());
    }
    const long rss_end = rss_kb("VmRSS:");
    std::printf("RSS: start %ld kB, with sandbox %ld kB, after the initial load %ld kB, at the end %ld kB "
                "(daemon share ~%ld kB), peak %ld kB (sandbox included)\n",
                rss_start, rss_sandbox, rss_after_load, rss_end, rss_end - rss_sandbox, rss_kb("VmHWM:"));
    std::error_code ec;
    fs::remove_all(dir, ec);
    return 0;
}
