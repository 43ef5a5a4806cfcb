// Dispatch throughput and latency: 10,000 events through router + Store::apply into the
// outbox, and through the dispatcher to a null notifier (render, pack, send, mark sent).
// Prints events/s and p50/p99 latency per event for:
//   record-1   one event per Store::apply (one transaction each: the worst case)
//   record-100 batches of 100 events per apply (a poll that finds many changes)
//   drain      10,000 pending rows dispatched (group_wait 0) to a null Telegram-sized channel
//   end-to-end one event recorded and dispatched per iteration (apply + tick)
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>
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

}  // namespace

int main(int argc, char** argv) {
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
