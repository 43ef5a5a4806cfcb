// A week of a busy shop in virtual time (issue 16's soak): every watch of the daemon, assembled
// as `run` assembles it (Runtime: scheduler, store, router, dispatcher to the sandbox's
// Telegram), on the sandbox's clock; retention 1 day (the minimum), pruned once a virtual day as
// the maintenance loop does. Each virtual hour the shop lives: 6 new postings, each then packed
// (2 h), shipped (6 h) and delivered (a day) or, one in six, cancelled; a review every 3 hours;
// a buyer's chat message every 2 hours, read an hour later; a stock change every hour. Every
// watch polls on its interval (the postings every 2 minutes, the others every 10), the
// dispatcher sends after each step.
// Prints per virtual day: the process RSS, the state database's size (main file + WAL), its
// events and outbox rows, the Telegram messages sent, and the CPU time of the daemon's thread.
// Flat RSS and database size from the second day on (once retention applies) is the goal.
// Usage: bench_soak [days=7]
#include <boost/asio/io_context.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <string>

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

namespace {

long long rows(const std::string& db, const char* table) {
    SQLite::Database d(db, SQLite::OPEN_READONLY);
    d.setBusyTimeout(5000);
    SQLite::Statement q(d, std::string("SELECT count(*) FROM ") + table);
    q.executeStep();
    return q.getColumn(0).getInt64();
}

// "pending 3, sent 120, failed 0"
std::string outbox_by_status(const std::string& db) {
    SQLite::Database d(db, SQLite::OPEN_READONLY);
    d.setBusyTimeout(5000);
    SQLite::Statement q(d, "SELECT status, count(*) FROM outbox GROUP BY status ORDER BY status");
    std::string out;
    while (q.executeStep())
        out += (out.empty() ? "" : ", ") + q.getColumn(0).getString() + " " + std::to_string(q.getColumn(1).getInt64());
    return out;
}

long long file_kb(const std::string& path) {
    std::error_code ec;
    const auto n = fs::file_size(path, ec);
    return ec ? 0 : static_cast<long long>(n / 1024);
}

struct Moving {
    std::string number;
    TimePoint created;
    int step = 0;  // 0 new, 1 packed, 2 shipped, 3 done
};

}  // namespace

int main(int argc, char** argv) {
    const int days = argc > 1 ? std::stoi(argv[1]) : 7;
    LoggingConfig lc;
    lc.level = "error";
    log::init_logging(lc, false);
    install_watch_modules();

    sandbox::Sandbox sb(sandbox::load_scenario_text(
        "name: bench-soak\nstart: \"2026-11-02T05:00:00Z\"\n"
        "accounts: [{client_id: \"15\", api_key: soak-key, roles: [Admin]}]\n"
        "generate: {postings: 2000, returns: 500, stocks: 2000, finance: 300, reviews: 20, chats: 5}\n"
        "telegram:\n  - token: \"123456789:soak-bot-token\"\n    chats: [{id: \"-1001234567890\"}]\n",
        "bench_soak"));
    sb.start();
    std::string tmpl = (fs::temp_directory_path() / "ozw-soak-XXXXXX").string();
    const std::string dir = mkdtemp(tmpl.data());
    const std::string db = dir + "/ozonwatch.db";
    Config cfg = demo_config(sb.snapshot(), sb.base_url(), dir, "ru");
    cfg.retention = 24h;
    edit_settings<postings::PostingsSettings>(cfg, "postings").interval = 2min;
    std::vector<std::string> offers, chats;
    for (const auto& p : sb.snapshot().products) offers.push_back(p.offer_id);
    for (const auto& c : sb.snapshot().chats) chats.push_back(c.chat_id);

    Store store(db);
    asio::io_context ioc;
    RuntimeOptions ro;
    ro.jitter_fraction = 0;
    Runtime runtime(cfg, store, sb.clock(), ioc.get_executor(), ro);
    auto step = [&] {
        bench::run(ioc, [&] { return runtime.scheduler().run_once_due(); });
        bench::run(ioc, [&] { return runtime.dispatcher()->tick(); });
    };

    std::printf("day  RSS MB  db+wal kB  events  outbox  telegram msgs  daemon CPU ms  (retention 1d, pruned daily)\n");
    std::deque<Moving> moving;
    long long serial = 0;
    double cpu_day = bench::thread_cpu_ms();
    for (int hour = 0; hour < days * 24; ++hour) {
        const TimePoint now = sb.now();
        // The shop's hour.
        for (int k = 0; k < 6; ++k) {
            sandbox::Posting p;
            p.posting_number = "88" + std::to_string(1000000 + serial++) + "-0001-1";
            p.status = "awaiting_packaging";
            p.in_process_at = now;
            p.shipment_date = now + 24h;
            sandbox::PostingProduct pr;
            pr.offer_id = offers.empty() ? "SOAK-1" : offers[serial % offers.size()];
            pr.price = 1500;
            p.products.push_back(pr);
            sb.add_posting(p);
            moving.push_back({p.posting_number, now, 0});
        }
        for (auto& m : moving) {
            const auto age = now - m.created;
            if (m.step == 0 && age >= 2h) {
                sb.set_posting_status(m.number, "awaiting_deliver");
                m.step = 1;
            } else if (m.step == 1 && age >= 6h) {
                const bool cancel = std::hash<std::string>{}(m.number) % 6 == 0;
                sb.set_posting_status(m.number, cancel ? "cancelled" : "delivering");
                m.step = cancel ? 3 : 2;
            } else if (m.step == 2 && age >= 24h) {
                sb.set_posting_status(m.number, "delivered");
                m.step = 3;
            }
        }
        while (!moving.empty() && moving.front().step == 3) moving.pop_front();
        if (hour % 3 == 0) {
            sandbox::Review r;
            r.id = "soak-review-" + std::to_string(hour);
            r.sku = 1900000001 + hour % 100;
            r.text = "Отзыв " + std::to_string(hour);
            r.rating = 1 + hour % 5;
            r.published_at = now;
            sb.add_review(r);
        }
        if (!chats.empty()) sb.set_chat_unread(chats[hour / 2 % chats.size()], hour % 2 == 0 ? 1 : 0);
        if (!offers.empty()) sb.set_stock(offers[hour % offers.size()], 1020000000000901, 5 + hour % 7);
        // Its polls, every 2 minutes of the hour.
        for (int m = 0; m < 30; ++m) {
            sb.advance(2min);
            step();
        }
        if ((hour + 1) % 24 == 0) {
            runtime.prune_history(sb.now());
            const auto tg = sb.telegram_messages().size();
            // The sandbox's own logs (every request and message) would grow the process: the
            // figure is the daemon's, so they are emptied once counted.
            sb.clear_logs();
            const double cpu = bench::thread_cpu_ms();
            std::printf("%3d  %6.1f  %9lld  %6lld  %6lld  %13zu  %13.0f  outbox: %s\n", (hour + 1) / 24,
                        bench::rss_kb("VmRSS:") / 1024.0, file_kb(db) + file_kb(db + "-wal"), rows(db, "events"),
                        rows(db, "outbox"), tg, cpu - cpu_day, outbox_by_status(db).c_str());
            std::fflush(stdout);
            cpu_day = cpu;
        }
    }
    std::printf("peak RSS %.1f MB (sandbox included)\n", bench::rss_kb("VmHWM:") / 1024.0);
    sb.stop();
    if (std::getenv("OZW_SOAK_KEEP")) std::printf("state kept in %s\n", dir.c_str());
    else fs::remove_all(dir);
    return 0;
}
