// Stocks watch on the sandbox, issue 13: "100,000 SKUs across Ozon, InSales and 1C: CPU per
// cycle, RSS, InSales calls against its budget". The sandbox's generated shop (`generate:
// {stocks: N}`: N articles on Ozon, in InSales and in a 1C offers.xml, all agreeing except the
// planted differences) and the daemon's real pipeline as `ozonwatch demo` builds it (demo_config
// wires InSales and writes the 1C file; Runtime, Scheduler::run_once_due) with only the stocks
// watch on, every 15 minutes, on the sandbox's virtual clock. Per phase: the Ozon and InSales
// calls the sandbox served, this thread's CPU (the sandbox serves from its own thread), the
// process RSS.
//   first start   the first poll (the 1C file read);
//   steady 1..N   a poll 15 minutes later each, after 25 Ozon and 25 InSales figures changed (the
//                 1C file unchanged: not read again); "pages parsed" says how many Ozon and
//                 InSales pages were parsed (the others' bytes were those of the last poll);
//   new 1C file   the 1C exchange wrote the file again: read and matched again.
// Usage: bench_stocks [articles=100000] [cycles=3]
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "bench/bench_util.hpp"
#include "common/logging.hpp"
#include "common/memory.hpp"
#include "common/store.hpp"
#include "daemon/demo.hpp"
#include "daemon/engine/module.hpp"
#include "daemon/engine/runtime.hpp"
#include "daemon/watches/stocks/watch.hpp"
#include "sandbox/onec.hpp"
#include "sandbox/sandbox.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace ozw::bench;

// Figures changed in each source before each steady poll.
constexpr int kChanges = 25;

int main(int argc, char** argv) {
    const int n = argc > 1 ? std::stoi(argv[1]) : 100000;
    const int cycles = argc > 2 ? std::stoi(argv[2]) : 3;
    LoggingConfig lc;
    lc.level = "error";
    log::init_logging(lc, false);
    const long rss_start = rss_kb("VmRSS:");
    double t0 = thread_cpu_ms();
    sandbox::Sandbox sb(sandbox::load_scenario_text(
        "name: bench-stocks\nstart: \"2026-11-26T04:00:00Z\"\n"
        "accounts: [{client_id: bench, api_key: bench-key, roles: [Admin]}]\n"
        "generate: {stocks: " + std::to_string(n) + "}\n", "bench_stocks"));
    const double gen_ms = thread_cpu_ms() - t0;
    sb.start();
    const long rss_sandbox = rss_kb("VmRSS:");
    std::string tmpl = (fs::temp_directory_path() / "ozw-bench-XXXXXX").string();
    const std::string dir = mkdtemp(tmpl.data());

    t0 = thread_cpu_ms();
    Config cfg = demo_config(sb.snapshot(), sb.base_url(), dir, "ru");  // writes the 1C file
    const double write_ms = thread_cpu_ms() - t0;
    for (const auto* m : watch_modules().all()) edit_settings_base(cfg, m->name()).enabled = m->name() == "stocks";
    edit_settings_base(cfg, "stocks").interval = 15min;
    const std::string onec_file = cfg.accounts.at(0).onec ? cfg.accounts.at(0).onec->offers : std::string{};
    cfg.accounts.resize(1);

    int exit_code = 0;
    long rss_end = 0;
    {
        Store store(dir + "/ozonwatch.db");
        asio::io_context ioc;
        RuntimeOptions po;
        po.with_console = false;
        po.jitter_fraction = 0;
        Runtime pipeline(cfg, store, sb.clock(), ioc.get_executor(), po);
        std::printf("bench_stocks: %d articles (generated in %.0f ms CPU; 1C file %.1f MB written in %.0f ms), "
                    "stocks every 15 min\n",
                    n, gen_ms, onec_file.empty() ? 0.0 : static_cast<double>(fs::file_size(onec_file)) / 1e6, write_ms);
        std::printf("heap: %s; before each steady poll %d Ozon and %d InSales figures change\n",
                    allocator_name().c_str(), kChanges, kChanges);
        std::printf("%-14s %6s %8s %15s %9s %8s %9s %s\n", "phase", "ozon", "insales", "pages parsed", "CPU ms",
                    "wall ms", "RSS MB", "groups (entries)");
        auto phase = [&](const std::string& name) {
            sb.clear_logs();
            const double cpu0 = thread_cpu_ms();
            const auto wall0 = std::chrono::steady_clock::now();
            run(ioc, [&] { return pipeline.scheduler().run_once_due(); });
            const double cpu = thread_cpu_ms() - cpu0;
            const double wall = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall0).count();
            std::size_t ozon = 0, insales = 0;
            for (const auto& r : sb.request_log()) {
                if (r.service == "ozon") ++ozon;
                else if (r.service == "insales") ++insales;
            }
            std::string groups;
            auto w = std::dynamic_pointer_cast<stocks::StocksWatch>(pipeline.accounts().at(0).watch("stocks"));
            for (const char* key : {"group:suspicious", "group:mismatch:onec_insales", "group:mismatch:insales_ozon"})
                if (const auto* g = w ? w->group(key) : nullptr)
                    groups += std::string(key + 6) + " " + std::to_string(g->entries.size()) + "; ";
            const auto pages = w ? w->last_pages() : stocks::StocksWatch::PagesRead{};
            std::printf("%-14s %6zu %8zu %7zu/%-7zu %9.1f %8.0f %9.1f %s\n", name.c_str(), ozon, insales,
                        pages.ozon_parsed, pages.insales_parsed, cpu, wall, rss_kb("VmRSS:") / 1024.0, groups.c_str());
        };
        try {
            phase("first start");
            for (int c = 1; c <= cycles; ++c) {
                sb.advance(15min);
                // A quarter of an hour of a busy shop: a few dozen figures change, spread over the
                // pages (each changed page is parsed again, the others are not).
                sb.mutate([c](sandbox::Scenario& s) {
                    for (int k = 0; k < kChanges && !s.products.empty(); ++k) {
                        auto& p = s.products[static_cast<std::size_t>(k * 3989 + c * 17) % s.products.size()];
                        if (!p.fbs.empty()) p.fbs[0].present += 1;
                    }
                    if (!s.insales || s.insales->products.empty()) return;
                    for (int k = 0; k < kChanges; ++k) {
                        auto& p = s.insales->products[static_cast<std::size_t>(k * 1999 + c * 13) %
                                                      s.insales->products.size()];
                        if (!p.variants.empty() && p.variants[0].quantity) *p.variants[0].quantity += 1;
                    }
                });
                phase("steady " + std::to_string(c));
            }
            if (!onec_file.empty()) {
                sb.advance(15min);
                sandbox::write_onec_offers(sb.snapshot(), onec_file, sb.now() - 1min);
                phase("new 1C file");
            }
        } catch (const std::exception& e) {
            std::printf("FAILED: %s\n", e.what());
            exit_code = 1;
        }
        const auto planted = sandbox::generated_stock_counts(n);
        std::printf("planted: suspicious %d, InSales differs %d, 1C differs %d, only Ozon %d, only InSales %d, "
                    "InSales null %d\n",
                    planted.suspicious, planted.insales_differs, planted.onec_differs, planted.only_ozon,
                    planted.only_insales, planted.insales_null);
        rss_end = rss_kb("VmRSS:");
    }
    std::printf("InSales budget: 500 requests per 5 minutes; a poll's InSales calls above are per 15-minute poll\n");
    std::printf("RSS: start %ld kB, with sandbox %ld kB, at the end %ld kB (daemon share ~%ld kB), peak %ld kB "
                "(sandbox included)\n",
                rss_start, rss_sandbox, rss_end, rss_end - rss_sandbox, rss_kb("VmHWM:"));
    sb.stop();
    std::error_code ec;
    fs::remove_all(dir, ec);
    return exit_code;
}
