// Ozon pushes end to end (issue 15's benchmark), in one process on loopback: the sandbox (its
// own thread) changes its state and POSTs the push Ozon would send to the daemon's receiver;
// the daemon (one thread, as `run` has it: receiver, scheduler loops, dispatcher) stores and
// answers it, re-reads the posting and sends the alert to the sandbox's Telegram.
//   1. Latency: `latency_pushes` cancellations one after another; for each, from the moment the
//      sandbox began sending the push to the moment the Telegram request with that posting
//      number reached the sandbox (both on the sandbox's steady clock). Goal: p99 < 1 s.
//   2. Load: `rate` pushes a second for `seconds` (TYPE_STATE_CHANGED of 2,000 postings, every
//      body distinct); every push must be answered 200 within 1 s and stored, and all of them
//      acted upon afterwards (the re-reads are paced by the account's 50 requests/s).
// The demo configuration's notify settings (group_wait 0) apply: the default group_wait of 30 s
// would add up to 30 s to every latency on purpose (grouping).
// Usage: bench_push [latency_pushes=1000] [rate=200] [seconds=60]
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.hpp"
#include "common/logging.hpp"
#include "common/store.hpp"
#include "common/time.hpp"
#include "daemon/demo.hpp"
#include "daemon/engine/module.hpp"
#include "daemon/engine/runtime.hpp"
#include "daemon/push_receiver.hpp"
#include "sandbox/sandbox.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

namespace {

double ms(Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const std::size_t i = std::min(v.size() - 1, static_cast<std::size_t>(p * (v.size() - 1) + 0.5));
    return v[i];
}

long long inbox_rows(const std::string& db, bool unprocessed_only) {
    SQLite::Database d(db, SQLite::OPEN_READONLY);
    d.setBusyTimeout(5000);
    SQLite::Statement q(d, unprocessed_only ? "SELECT count(*) FROM push_inbox WHERE processed_at IS NULL"
                                            : "SELECT count(*) FROM push_inbox");
    q.executeStep();
    return q.getColumn(0).getInt64();
}

}  // namespace

int main(int argc, char** argv) {
    const int latency_pushes = argc > 1 ? std::stoi(argv[1]) : 1000;
    const int rate = argc > 2 ? std::stoi(argv[2]) : 200;
    const int seconds = argc > 3 ? std::stoi(argv[3]) : 60;
    LoggingConfig lc;
    lc.level = "error";
    log::init_logging(lc, false);
    install_watch_modules();

    const int postings = latency_pushes + 2000;
    sandbox::Sandbox sb(sandbox::load_scenario_text(
        "name: bench-push\nstart: \"2026-11-26T06:00:00Z\"\n"
        "accounts: [{client_id: \"15\", api_key: bench-key, roles: [Admin]}]\n"
        "generate: {postings: " + std::to_string(postings) + ", status: awaiting_packaging}\n"
        "telegram:\n  - token: \"123456789:bench-bot-token\"\n    chats: [{id: \"-1001234567890\"}]\n",
        "bench_push"));
    sb.start();
    std::vector<std::string> numbers;
    for (const auto& p : sb.snapshot().postings) numbers.push_back(p.posting_number);
    std::string tmpl = (fs::temp_directory_path() / "ozw-bench-XXXXXX").string();
    const std::string dir = mkdtemp(tmpl.data());
    const std::string db = dir + "/ozonwatch.db";

    Config cfg = demo_config(sb.snapshot(), sb.base_url(), dir, "ru");
    for (const auto* m : watch_modules().all())
        if (m->implemented()) edit_settings_base(cfg, m->name()).enabled = m->name() == "postings";
    cfg.push.enabled = true;
    cfg.push.listen = "127.0.0.1:0";
    cfg.push.path = "/ozon/push";
    cfg.push.allow = {"127.0.0.1/32"};

    // The daemon, on its own thread.
    Store store(db);
    asio::io_context ioc;
    RuntimeOptions ro;
    ro.jitter_fraction = 0;
    Runtime runtime(cfg, store, sb.clock(), ioc.get_executor(), ro);
    PushReceiver receiver(ioc.get_executor(), cfg, store, sb.clock());
    receiver.on_push = [&](long long id, const std::string& account, const push::PushMessage& m) {
        return runtime.accept_push(id, account, m) > 0;
    };
    receiver.start();
    std::atomic<bool> stop{false};
    asio::co_spawn(ioc, runtime.scheduler().run(std::chrono::seconds(60)), asio::detached);
    asio::co_spawn(ioc, runtime.dispatcher()->run(stop), asio::detached);
    std::thread daemon([&] { ioc.run(); });
    // Reads the daemon's state on its own thread.
    auto on_daemon = [&](auto f) {
        std::packaged_task<decltype(f())()> task(std::move(f));
        auto fut = task.get_future();
        asio::post(ioc, [&task] { task(); });
        return fut.get();
    };
    // The baseline poll first (a push before it is not acted upon).
    while (!on_daemon([&] { return runtime.scheduler().at(0).last_result.has_value(); }))
        std::this_thread::sleep_for(10ms);
    std::printf("postings at the sandbox: %d; baseline done\n", postings);
    sb.set_push_target(sandbox::PushTarget{receiver.base_url() + "/ozon/push"});

    // ---- 1. latency: one cancellation at a time
    std::vector<double> latency, answer;
    int lost = 0;
    for (int i = 0; i < latency_pushes; ++i) {
        const std::string& number = numbers[i];
        const std::size_t seen = sb.telegram_messages().size();
        sb.set_posting_status(number, "cancelled");
        const auto deadline = Steady::now() + 10s;
        std::optional<Steady::time_point> arrived;
        while (!arrived && Steady::now() < deadline) {
            const auto msgs = sb.telegram_messages();
            for (std::size_t k = seen; k < msgs.size(); ++k)
                if (msgs[k].method == "sendMessage" && msgs[k].text.find(number) != std::string::npos)
                    arrived = msgs[k].received_at;
            if (!arrived) std::this_thread::sleep_for(200us);
        }
        const auto log = sb.push_log();
        const auto& sent = log.back();
        if (!arrived || sent.posting_number != number) {
            ++lost;
            continue;
        }
        latency.push_back(ms(*arrived - sent.sent_at));
        answer.push_back(ms(sent.answered_at - sent.sent_at));
    }
    std::printf("latency, push sent -> Telegram request at the sandbox, over %d pushes: p50 %.1f ms, p90 %.1f ms, "
                "p99 %.1f ms, max %.1f ms; not delivered within 10 s: %d -> goal p99 < 1 s %s\n",
                latency_pushes, percentile(latency, 0.5), percentile(latency, 0.9), percentile(latency, 0.99),
                latency.empty() ? 0 : *std::max_element(latency.begin(), latency.end()), lost,
                !latency.empty() && percentile(latency, 0.99) < 1000 && lost == 0 ? "MET" : "NOT MET");
    std::printf("  the receiver's answer to those pushes: p50 %.2f ms, p99 %.2f ms\n", percentile(answer, 0.5),
                percentile(answer, 0.99));

    // ---- 2. load: `rate` pushes a second for `seconds`
    const std::size_t before = sb.push_log().size();
    const long long gets_before = [&] {
        long long n = 0;
        for (const auto& r : sb.request_log()) n += r.path == "/v3/posting/fbs/get";
        return n;
    }();
    const int total = rate * seconds;
    const auto start = Steady::now();
    const std::string when = format_iso8601(sb.now());
    for (int k = 0; k < total; ++k) {
        std::this_thread::sleep_until(start + std::chrono::microseconds(1000000LL * k / rate));
        const std::string& number = numbers[latency_pushes + k % 2000];
        nlohmann::json body = {{"message_type", "TYPE_STATE_CHANGED"},
                               {"posting_number", number},
                               {"new_state", "posting_awaiting_packaging"},
                               {"changed_state_date", when},
                               {"warehouse_id", 1},
                               {"seller_id", 15},
                               {"bench_seq", k}};  // every body distinct: none is a retry
        sb.send_push(std::move(body));
    }
    const double send_s = ms(Steady::now() - start) / 1000;
    const bool all_done = sb.wait_pushes_done(60s);
    const auto log = sb.push_log();
    std::vector<double> answered, waited;
    int ok = 0, failed = 0, over_1s = 0;
    for (std::size_t i = before; i < log.size(); ++i) {
        const auto& p = log[i];
        if (p.status == 200) ++ok;
        else ++failed;
        answered.push_back(ms(p.answered_at - p.sent_at));
        waited.push_back(ms(p.answered_at - p.queued_at));
        over_1s += p.answered_at - p.queued_at >= 1s;
    }
    const auto drain_start = Steady::now();
    while (inbox_rows(db, true) > 0 && Steady::now() - drain_start < 600s) std::this_thread::sleep_for(50ms);
    const double drain_s = ms(Steady::now() - drain_start) / 1000;
    long long gets = -gets_before;
    for (const auto& r : sb.request_log()) gets += r.path == "/v3/posting/fbs/get";
    const long long stored = inbox_rows(db, false) - latency_pushes;
    std::printf("load: %d pushes in %.1f s (%.0f/s); answered 200: %d, failed: %d, all done: %s; stored in the inbox: "
                "%lld\n",
                total, send_s, total / send_s, ok, failed, all_done ? "yes" : "NO", stored);
    std::printf("  answer time (attempt -> answer): p50 %.2f ms, p99 %.2f ms, max %.1f ms; including the "
                "sandbox's queue: p99 %.2f ms, max %.1f ms; answers of 1 s or more: %d -> goal %s\n",
                percentile(answered, 0.5), percentile(answered, 0.99),
                answered.empty() ? 0 : *std::max_element(answered.begin(), answered.end()), percentile(waited, 0.99),
                waited.empty() ? 0 : *std::max_element(waited.begin(), waited.end()), over_1s,
                ok == total && stored == total && over_1s == 0 ? "MET (none lost, every answer < 1 s)" : "NOT MET");
    std::printf("  acted upon: every push processed %.1f s after the last one was answered, with %lld re-reads "
                "(/v3/posting/fbs/get, paced at the account's 50/s; a posting named again while waiting is read "
                "once)\n",
                drain_s, gets);
    std::printf("process RSS %ld kB (peak %ld kB), sandbox included\n", bench::rss_kb("VmRSS:"),
                bench::rss_kb("VmHWM:"));

    asio::post(ioc, [&] {
        stop = true;
        receiver.stop();
        runtime.wake_for_stop();
    });
    daemon.join();
    sb.stop();
    fs::remove_all(dir);
    return 0;
}
