// Dispatch throughput and latency: 10,000 events through router + Store::apply into the
// outbox, and through the dispatcher to a null notifier (render, pack, send, mark sent).
// Prints events/s and p50/p99 latency per event for:
//   record-1   one event per Store::apply (one transaction each: the worst case)
//   record-100 batches of 100 events per apply (a poll that finds many changes)
//   drain      10,000 pending rows dispatched (group_wait 0) to a null Telegram-sized channel
//   end-to-end one event recorded and dispatched per iteration (apply + tick)
// `bench_dispatch idle [SECONDS] [ALERTS]` instead: ALERTS (default 550) active conditions,
// all announced, nothing due; the dispatcher's daemon loop (run) for SECONDS (default 10) of
// real time; prints the loop's CPU time per second (CLOCK_THREAD_CPUTIME_ID of its thread).
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <ctime>
#include <unistd.h>
#include <boost/asio/co_spawn.hpp>
#include <vector>

#include "alerts/dispatcher.hpp"
#include "alerts/router.hpp"
#include "common/store.hpp"
#include "daemon/engine/module.hpp"

using namespace ozw;
using namespace ozw::alerts;
using Steady = std::chrono::steady_clock;

namespace {

class NullNotifier final : public Notifier {
public:
    std::string channel() const override { return "telegram:-100"; }
    boost::asio::awaitable<SendResult> send(const RenderedMessage&) override { co_return SendResult::success(); }
    std::size_t max_message_chars() const override { return 4096; }
};

Config bench_config() {
    Config c;
    TelegramConfig tg;
    tg.bot_token = "1:x";
    ozw::TelegramChat chat;
    chat.chat_id = "-100";
    tg.chats.push_back(chat);
    c.notify.telegram = tg;
    c.notify.group_wait = Millis{0};
    c.notify.group_interval = Millis{0};
    return c;
}

Event make_event(int i) {
    Event e;
    e.type = "posting.new";
    e.account = "main";
    e.key = "posting.new:" + std::to_string(i);
    e.details = {{"posting_number", "0570" + std::to_string(i) + "-0001-1"},
                 {"status", "awaiting_packaging"},
                 {"products", {{{"name", "Платье <Роза> & бант"}, {"quantity", 1}}}}};
    return e;
}

double us(Steady::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

void report(const char* name, int events, Steady::duration total, std::vector<double> lat_us) {
    std::sort(lat_us.begin(), lat_us.end());
    auto pct = [&](double p) { return lat_us.empty() ? 0.0 : lat_us[std::min(lat_us.size() - 1, std::size_t(p * lat_us.size()))]; };
    std::printf("%-11s %6d events  %9.0f events/s  p50 %8.1f us  p99 %8.1f us per event\n", name, events,
                events / std::chrono::duration<double>(total).count(), pct(0.50), pct(0.99));
}

std::string fresh_db(const std::string& dir, const char* name) {
    std::string p = dir + "/" + name + ".db";
    std::filesystem::remove(p);
    return p;
}

double thread_cpu_ms() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

int bench_idle(const std::string& dir, double seconds, int alerts) {
    Config cfg = bench_config();
    SystemClock clock;
    Store store(fresh_db(dir, "idle"));
    Router router = make_router(cfg, store, clock);
    ApplyBatch b;
    ConditionSet set;
    set.account = "main";
    set.scope = "postings";
    for (int i = 0; i < alerts; ++i) {
        Event e = make_event(i);
        e.type = "posting.new";
        e.key = "cond:" + std::to_string(i);
        e.kind = EventKind::condition;
        e.state = EventState::firing;
        e.severity = i % 3 == 0 ? Severity::critical : Severity::warning;
        set.holding.push_back(std::move(e));
    }
    b.conditions.push_back(std::move(set));
    b.now = clock.now();
    store.apply(b, router);
    std::vector<NotifierPtr> ns;
    ns.push_back(std::make_unique<NullNotifier>());
    Dispatcher d(cfg, store, clock, std::move(ns));
    boost::asio::io_context ioc;
    // Announce every condition once (several passes: a pass takes at most 500 rows per channel);
    // afterwards nothing is due for 4 h.
    for (int i = 0; i < 100 && !store.pending_outbox().empty(); ++i) d.tick_sync(ioc);
    const auto active = store.active_conditions().size();
    const auto pending = store.pending_outbox().size();
    std::atomic<bool> stop{false};
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
        stop = true;
        d.wake();
    });
    ioc.restart();
    boost::asio::co_spawn(ioc, d.run(stop), [](std::exception_ptr) {});
    double c0 = thread_cpu_ms();
    auto t0 = Steady::now();
    ioc.run();
    double cpu = thread_cpu_ms() - c0;
    double wall = std::chrono::duration<double>(Steady::now() - t0).count();
    stopper.join();
    std::printf("idle        %zu active conditions, %zu pending rows, %lld rows sent at start\n", active,
                pending, d.stats().rows_sent);
    std::printf("idle        %.1f s wall, %.3f ms CPU in the dispatcher loop = %.4f ms CPU per second\n", wall,
                cpu, cpu / wall);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1 && std::string(argv[1]) == "idle") {
        ozw::daemon::install_watch_modules();
        std::string dir = (std::filesystem::temp_directory_path() / ("ozw-bench-" + std::to_string(::getpid()))).string();
        std::filesystem::create_directories(dir);
        int rc = bench_idle(dir, argc > 2 ? std::atof(argv[2]) : 10.0, argc > 3 ? std::atoi(argv[3]) : 550);
        std::filesystem::remove_all(dir);
        return rc;
    }
    const int n = argc > 1 ? std::atoi(argv[1]) : 10000;
    // posting.new renders through its module's event type (facts, link), as in the daemon.
    ozw::daemon::install_watch_modules();
    std::string dir = (std::filesystem::temp_directory_path() / ("ozw-bench-" + std::to_string(::getpid()))).string();
    std::filesystem::create_directories(dir);
    Config cfg = bench_config();
    SystemClock clock;
    boost::asio::io_context ioc;

    {  // record-1
        Store store(fresh_db(dir, "r1"));
        Router router = make_router(cfg, store, clock);
        std::vector<double> lat;
        auto t0 = Steady::now();
        for (int i = 0; i < n; ++i) {
            ApplyBatch b;
            b.transitions.push_back(make_event(i));
            b.now = clock.now();
            auto s = Steady::now();
            store.apply(b, router);
            lat.push_back(us(Steady::now() - s));
        }
        report("record-1", n, Steady::now() - t0, lat);
    }
    {  // record-100 + drain
        Store store(fresh_db(dir, "r100"));
        Router router = make_router(cfg, store, clock);
        std::vector<double> lat;
        auto t0 = Steady::now();
        for (int i = 0; i < n; i += 100) {
            ApplyBatch b;
            for (int k = i; k < std::min(n, i + 100); ++k) b.transitions.push_back(make_event(k));
            b.now = clock.now();
            auto s = Steady::now();
            store.apply(b, router);
            double per = us(Steady::now() - s) / static_cast<double>(b.transitions.size());
            for (std::size_t k = 0; k < b.transitions.size(); ++k) lat.push_back(per);
        }
        report("record-100", n, Steady::now() - t0, lat);

        std::vector<NotifierPtr> ns;
        ns.push_back(std::make_unique<NullNotifier>());
        Dispatcher d(cfg, store, clock, std::move(ns));
        std::vector<double> tick_lat;
        auto t1 = Steady::now();
        while (!store.pending_outbox("telegram:-100").empty()) {
            long long before = d.stats().rows_sent;
            auto s = Steady::now();
            d.tick_sync(ioc);
            long long rows = d.stats().rows_sent - before;
            double per = rows ? us(Steady::now() - s) / static_cast<double>(rows) : 0;
            for (long long k = 0; k < rows; ++k) tick_lat.push_back(per);
        }
        report("drain", n, Steady::now() - t1, tick_lat);
        std::printf("            %lld messages for %lld events (%.1f events/message)\n", d.stats().messages_sent,
                    d.stats().rows_sent, double(d.stats().rows_sent) / std::max(1LL, d.stats().messages_sent));
    }
    {  // end-to-end
        Store store(fresh_db(dir, "e2e"));
        Router router = make_router(cfg, store, clock);
        std::vector<NotifierPtr> ns;
        ns.push_back(std::make_unique<NullNotifier>());
        Dispatcher d(cfg, store, clock, std::move(ns));
        std::vector<double> lat;
        auto t0 = Steady::now();
        for (int i = 0; i < n; ++i) {
            ApplyBatch b;
            b.transitions.push_back(make_event(i));
            b.now = clock.now();
            auto s = Steady::now();
            store.apply(b, router);
            d.tick_sync(ioc);
            lat.push_back(us(Steady::now() - s));
        }
        report("end-to-end", n, Steady::now() - t0, lat);
    }
    std::filesystem::remove_all(dir);
    return 0;
}
