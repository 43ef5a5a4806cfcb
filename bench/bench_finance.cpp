// Finance (accruals/payouts) watch on the sandbox, issue 12: "a month with 30,000 delivered
// postings: API calls, CPU, RSS". The sandbox's generated month (`generate: {finance: N}`: N
// postings delivered over the 30 days before start, 98 % with sale + charges 1-3 days after
// delivery, 1 % without any accrual, 1 % with charges only, NON_ITEM accruals, closed payout
// periods paid). The daemon's real pipeline as `ozonwatch demo` builds it (demo_config, Runtime,
// Scheduler::run_once_due, the dispatcher's tick) with every watch off except postings (every
// 10 minutes) and finance (hourly), on the sandbox's virtual clock. Nothing here knows the
// finance watch's code: it counts the Ozon calls the sandbox served per method, this thread's
// CPU per watch (the sandbox serves from its own thread) and the process RSS, per phase:
//   first start      the postings watch's first load, then the finance watch's first poll;
//   hour 1..cycles   an hour of steady running: six postings polls, one finance poll;
//   catch-up         the clock set to 23:00 MSK before the next payout boundary (the 16th or
//                    the 1st): the polls after the jump;
//   boundary         00:05 MSK on the 16th / the 1st: the first poll of a new payout period,
//                    the previous one just closed.
// Usage: bench_finance [postings=30000] [cycles=5] [lookback_days=40]
// lookback_days is watches.postings.lookback: the finance watch checks the delivered postings the
// postings watch holds; 40 days holds the whole month (the default, 14, about half of it).
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "bench/bench_util.hpp"
#include "common/logging.hpp"
#include "common/store.hpp"
#include "common/time.hpp"
#include "daemon/demo.hpp"
#include "daemon/engine/module.hpp"
#include "daemon/engine/runtime.hpp"
#include "daemon/watches/postings/settings.hpp"
#include "sandbox/sandbox.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace ozw::bench;

namespace {

// The finance methods, in the table's column order; every other Ozon path counts as "other".
const char* const kFinancePaths[] = {"/v1/finance/accrual/postings", "/v1/finance/accrual/by-day",
                                     "/v1/finance/accrual/types", "/v1/finance/cash-flow-statement/list"};

struct Phase {
    std::string name;
    int polls_postings = 0, polls_finance = 0;
    std::size_t calls_postings = 0;          // /v4/posting/fbs/*, /v3/posting/fbs/get
    std::size_t calls_finance[4] = {0, 0, 0, 0};
    std::size_t calls_other = 0;
    std::size_t http_errors = 0;             // sandbox answers >= 400
    double cpu_postings = 0, cpu_finance = 0, cpu_rest = 0;  // ms, this thread
    double wall = 0;                         // ms
    std::size_t finance_firing = 0, finance_resolved = 0;
    std::map<std::string, int> finance_events;  // type -> count ("+" firing, "-" resolved)
    std::map<std::string, std::size_t> other_paths;  // every non-finance Ozon path -> calls
    int failures = 0;
    std::string last_error;
    long rss_kb = 0;
};

// Per-cycle bookkeeping through Scheduler::on_cycle: the CPU since the previous mark goes to the
// watch whose cycle just ended.
struct Meter {
    double mark = 0;
    Phase* phase = nullptr;
};

void count_calls(const sandbox::Sandbox& sb, Phase& ph) {
    for (const auto& r : sb.request_log()) {
        if (r.service != "ozon") continue;
        if (r.status >= 400 || r.status == 0) ++ph.http_errors;
        bool fin = false;
        for (int k = 0; k < 4; ++k)
            if (r.path == kFinancePaths[k]) {
                ++ph.calls_finance[k];
                fin = true;
            }
        if (fin) continue;
        ++ph.other_paths[r.path];
        if (r.path.rfind("/v4/posting/fbs/", 0) == 0 || r.path.rfind("/v3/posting/fbs/", 0) == 0) ++ph.calls_postings;
        else ++ph.calls_other;
    }
}

}  // namespace

int main(int argc, char** argv) {
    const int n = argc > 1 ? std::stoi(argv[1]) : 30000;
    const int cycles = argc > 2 ? std::stoi(argv[2]) : 5;
    const int lookback_days = argc > 3 ? std::stoi(argv[3]) : 40;
    LoggingConfig lc;
    lc.level = "error";
    log::init_logging(lc, false);
    const long rss_start = rss_kb("VmRSS:");

    double t0 = thread_cpu_ms();
    auto scenario = sandbox::load_scenario_text(
        "name: bench-finance\nstart: \"2026-11-26T04:00:00Z\"\n"
        "accounts: [{client_id: bench, api_key: bench-key, roles: [Admin]}]\n"
        "generate: {finance: " + std::to_string(n) + "}\n", "bench_finance");
    const double gen_ms = thread_cpu_ms() - t0;
    const std::size_t accruals = scenario.accruals.size();
    sandbox::Sandbox sb(std::move(scenario));
    sb.start();
    const long rss_sandbox = rss_kb("VmRSS:");
    std::string tmpl = (fs::temp_directory_path() / "ozw-bench-XXXXXX").string();
    const std::string dir = mkdtemp(tmpl.data());

    Config cfg = demo_config(sb.snapshot(), sb.base_url(), dir, "ru");
    install_watch_modules();
    for (const auto* m : watch_modules().all()) {
        const bool on = m->name() == "postings" || m->name() == "finance";
        edit_settings_base(cfg, m->name()).enabled = on;
    }
    edit_settings_base(cfg, "postings").interval = 10min;
    edit_settings_base(cfg, "finance").interval = 1h;
    edit_settings<postings::PostingsSettings>(cfg, "postings").lookback = 24h * lookback_days;

    std::vector<Phase> phases;
    int exit_code = 0;
    long rss_end = 0;
    {
        Store store(dir + "/ozonwatch.db");
        asio::io_context ioc;
        RuntimeOptions po;
        po.with_console = false;
        po.jitter_fraction = 0;
        Runtime pipeline(cfg, store, sb.clock(), ioc.get_executor(), po);
        Meter meter;
        pipeline.scheduler().on_cycle([&](std::size_t, const ScheduledWatch& sw) {
            const double now = thread_cpu_ms();
            Phase& ph = *meter.phase;
            const std::string& name = sw.runner->watch().name();
            const double cpu = now - meter.mark;
            meter.mark = now;
            if (name == "postings") {
                ph.cpu_postings += cpu;
                ++ph.polls_postings;
            } else if (name == "finance") {
                ph.cpu_finance += cpu;
                ++ph.polls_finance;
            } else {
                ph.cpu_rest += cpu;
            }
            if (sw.health.consecutive_failures > 0) {
                ++ph.failures;
                ph.last_error = name + ": " + sw.health.last_error;
            } else if (name == "finance" && sw.last_result) {
                for (const auto& e : sw.last_result->recorded) {
                    if (e.type.rfind("finance.", 0) != 0) continue;
                    if (e.state == EventState::firing) ++ph.finance_firing;
                    else ++ph.finance_resolved;
                    ++ph.finance_events[(e.state == EventState::firing ? "+" : "-") + e.type];
                }
            }
        });
        // One pass of the daemon loop at the sandbox's current time: due watches, then dispatch.
        auto pass = [&](Phase& ph) {
            meter.phase = &ph;
            const double start = thread_cpu_ms();
            meter.mark = start;
            run(ioc, [&] { return pipeline.scheduler().run_once_due(); });
            if (auto* d = pipeline.dispatcher()) run(ioc, [&] { return d->tick(); });
            ph.cpu_rest += thread_cpu_ms() - meter.mark;
        };
        auto phase = [&](const std::string& name, auto&& body) {
            Phase ph;
            ph.name = name;
            sb.clear_logs();
            const auto wall0 = std::chrono::steady_clock::now();
            body(ph);
            ph.wall = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall0).count();
            count_calls(sb, ph);
            ph.rss_kb = rss_kb("VmRSS:");
            phases.push_back(ph);
        };
        const TimeZone tz(cfg.timezone);
        try {
            phase("first start", [&](Phase& ph) { pass(ph); });
            for (int c = 1; c <= cycles; ++c)
                phase("hour " + std::to_string(c), [&](Phase& ph) {
                    for (int step = 0; step < 6; ++step) {
                        sb.advance(10min);
                        pass(ph);
                    }
                });
            // The next payout boundary (the 16th or the 1st, 00:00 Moscow time) after now.
            const sandbox::PayoutPeriod current = sandbox::payout_period_at(sb.now());
            const TimePoint boundary = current.end + 1s;
            phase("catch-up " + tz.format_local(boundary - 1h, "%d.%m %H:%M"), [&](Phase& ph) {
                sb.set_time(boundary - 1h);
                pass(ph);
            });
            phase("boundary " + tz.format_local(boundary + 5min, "%d.%m %H:%M"), [&](Phase& ph) {
                sb.set_time(boundary + 5min);
                pass(ph);
            });
        } catch (const std::exception& e) {
            std::printf("FAILED: %s\n", e.what());
            exit_code = 1;
        }

        std::printf("bench_finance: %d delivered postings over 30 days, %zu accruals (generated in %.0f ms CPU), "
                    "postings lookback %d days; postings every 10 min, finance hourly\n",
                    n, accruals, gen_ms, lookback_days);
        std::printf("%-20s %5s %6s %6s %7s %7s %6s %6s %5s %9s %9s %8s %9s %8s %7s\n", "phase", "polls", "posts",
                    "acc/pst", "by-day", "types", "cflow", "other", "err", "CPU post", "CPU fin", "CPU rest",
                    "wall ms", "fin evts", "RSS MB");
        for (const auto& p : phases) {
            char polls[16];
            std::snprintf(polls, sizeof polls, "%d/%d", p.polls_postings, p.polls_finance);
            char evts[24];
            std::snprintf(evts, sizeof evts, "+%zu/-%zu", p.finance_firing, p.finance_resolved);
            std::printf("%-20s %5s %6zu %6zu %7zu %7zu %6zu %6zu %5zu %9.1f %9.1f %8.1f %9.0f %8s %7.1f\n",
                        p.name.c_str(), polls, p.calls_postings, p.calls_finance[0], p.calls_finance[1],
                        p.calls_finance[2], p.calls_finance[3], p.calls_other, p.http_errors, p.cpu_postings,
                        p.cpu_finance, p.cpu_rest, p.wall, evts, p.rss_kb / 1024.0);
            if (p.failures) std::printf("  %d failed poll(s), last: %s\n", p.failures, p.last_error.c_str());
        }
        for (const auto& p : phases) {
            std::string line = "  " + p.name + ":";
            for (const auto& [path, count] : p.other_paths) line += " " + path + " " + std::to_string(count) + ",";
            if (!p.finance_events.empty()) line += " finance events:";
            for (const auto& [type, count] : p.finance_events) line += " " + type + " " + std::to_string(count);
            std::printf("%s\n", line.c_str());
        }
        std::printf("columns: polls = postings/finance polls; posts = postings API calls; acc/pst, by-day, types, "
                    "cflow = /v1/finance/accrual/postings, /accrual/by-day, /accrual/types, "
                    "/cash-flow-statement/list; CPU in ms of the daemon's thread (rest = scheduler, store of "
                    "source health, dispatch); fin evts = finance conditions firing/resolved\n");

        ReportOptions ro;
        ro.language = "en";
        ro.timezone = cfg.timezone;
        ro.now = sb.now();
        for (auto& acc : pipeline.accounts())
            for (const auto& w : acc.watches)
                for (const auto& line : w->report_lines(ro)) std::printf("report %s| %s\n", w->name().c_str(), line.c_str());
        std::map<std::string, int> firing;
        for (const auto& r : pipeline.reports())
            for (const auto& e : r.firing) ++firing[e.type];
        for (const auto& [type, count] : firing) std::printf("firing: %s x %d\n", type.c_str(), count);
        rss_end = rss_kb("VmRSS:");
    }
    std::printf("RSS: start %ld kB, with sandbox %ld kB, at the end %ld kB (daemon share ~%ld kB), peak %ld kB "
                "(sandbox included)\n",
                rss_start, rss_sandbox, rss_end, rss_end - rss_sandbox, rss_kb("VmHWM:"));
    sb.stop();
    std::error_code ec;
    fs::remove_all(dir, ec);
    return exit_code;
}
