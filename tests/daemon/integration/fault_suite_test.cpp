// Issue 16's fault suite: the demo day (sandbox/scenarios/demo.yaml, every watch enabled, InSales
// and 1C configured by demo_config) through the whole daemon while its surroundings break, on
// the sandbox's virtual clock. Each test proves one promise of a monitor that must be the most
// reliable thing on the server:
//   - Ozon storms (429 + Retry-After, "Circle is open" as JSON and as text, 5xx, timeouts,
//     truncated and invalid JSON) for a virtual hour: the daemon stays up, says "unavailable"
//     once and "resolved" once, and never asks Ozon more than 50 times a second;
//   - InSales down and a broken 1C file: the stocks watch says so once per source and once
//     when they are back, while Ozon's alerts keep flowing;
//   - Telegram down for an hour: everything recorded meanwhile is delivered afterwards,
//     grouped, none twice;
//   - the disk full (SQLite refuses every growing write): the daemon stays up and records and
//     sends what happened once the disk has room again.
// Oracles are the sandbox's own logs (requests with their real arrival times, Telegram
// messages) and the scenario, never the daemon's counters.
//
// Speed: the virtual clock is advanced, never slept on. Real time is spent only where the
// daemon really waits: a 429 pauses the account's rate limiter for Retry-After (1 s, real), a
// timed-out request costs the account's request_timeout (set to 400 ms here), and the retry
// policy is short (RuntimeOptions::retry) so that one poll gives up after one attempt on a
// Retry-After or a timeout.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "alerts/templates.hpp"
#include "common/ozon/client.hpp"
#include "daemon/watches/stocks/watch.hpp"
#include "tests/common/unit/full_disk_vfs.hpp"
#include "tests/daemon/integration/sandbox_daemon.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;
using ozw::test::run;
using ozw::test::sandbox_config;
using ozw::test::scenario_path;
using ozw::test::TempDir;

namespace {

constexpr const char* kUnavailable = "Источник данных недоступен Ozon Seller API";
constexpr const char* kUnavailableResolved = "Решено: Источник данных недоступен Ozon Seller API";

// The Daemon harness of sandbox_daemon.hpp with what a fault suite needs on top: a store on a
// chosen SQLite VFS (the full disk), a short Ozon retry policy, and short InSales retries, so
// that a failing poll costs milliseconds of real time, not the minute a real daemon would wait.
struct FaultDaemon : ozw::test::Daemon {
    FaultDaemon(const Config& cfg, const std::string& db, const sandbox::Sandbox& sb, const std::string& vfs = {})
        : Daemon(cfg, db, sb, options(), vfs) {
        // InSales: give up a page after 200 ms of retries (default: a minute, with 1 s backoff).
        insales::Options io;
        io.total_deadline = 200ms;
        io.backoff_base = 10ms;
        io.default_retry_after = 10ms;
        io.request_timeout = 2s;
        for (auto& acc : runtime.accounts())
            if (auto w = std::dynamic_pointer_cast<stocks::StocksWatch>(acc.watch("stocks"))) w->set_insales_options(io);
    }
    static daemon::RuntimeOptions options() {
        daemon::RuntimeOptions o;
        o.notify = true;
        o.jitter_fraction = 0;
        ozon::RetryPolicy rp;
        rp.total_deadline = 300ms;  // a Retry-After of 1 s or a 400 ms timeout: give up at once
        rp.backoff_base = 5ms;
        rp.backoff_max = 20ms;
        rp.default_retry_after = 10ms;
        rp.max_attempts = 3;
        o.retry = rp;
        return o;
    }
};

// The demo configuration with every watch, Telegram on, and a short Ozon request deadline so
// that a delayed answer (FaultKind::delay) times out in 400 ms of real time.
Config suite_config(const sandbox::Sandbox& sb, const TempDir& dir) {
    Config cfg = sandbox_config(sb, dir.path.string(), /*telegram=*/true);
    for (auto& a : cfg.accounts) a.request_timeout = 400ms;
    return cfg;
}

std::vector<Event> all_events(Store& store) { return store.events_since(TimePoint{}, 1000000); }

int count_events(Store& store, const std::string& type, EventState state, const std::string& key = {}) {
    int n = 0;
    for (const auto& e : all_events(store))
        if (e.type == type && e.state == state && (key.empty() || e.key == key)) ++n;
    return n;
}

// How many times a title (as rendered: HTML-escaped, in <b>) reached the sandbox's Telegram in
// successful sendMessage texts.
int heading_count(const sandbox::Sandbox& sb, const std::string& title) {
    const std::string needle = "<b>" + alerts::html_escape(title) + "</b>";
    int n = 0;
    for (const auto& m : ozw::test::sent_messages(sb))
        for (auto p = m.text.find(needle); p != std::string::npos; p = m.text.find(needle, p + 1)) ++n;
    return n;
}

// The largest number of Ozon requests of one Client-Id that arrived at the sandbox within any
// one second of REAL time (the sandbox stamps each request's real arrival, received_at; the
// rate limiter works in real time too, so virtual time says nothing about the rate). Every
// window starts at a request's arrival: [t, t + 1 s).
struct RateFinding {
    int max_in_second = 0;
    std::string client_id;
    std::size_t requests = 0;
};
RateFinding max_ozon_rate(const sandbox::Sandbox& sb, std::chrono::microseconds window = 1s) {
    std::map<std::string, std::vector<std::chrono::steady_clock::time_point>> by_client;
    for (const auto& r : sb.request_log())
        if (r.service == "ozon") by_client[r.client_id].push_back(r.received_at);
    RateFinding out;
    for (auto& [client, times] : by_client) {
        std::sort(times.begin(), times.end());
        out.requests += times.size();
        std::size_t j = 0;
        for (std::size_t i = 0; i < times.size(); ++i) {
            if (j < i) j = i;
            while (j < times.size() && times[j] - times[i] < window) ++j;
            const int n = static_cast<int>(j - i);
            if (n > out.max_in_second) {
                out.max_in_second = n;
                out.client_id = client;
            }
        }
    }
    return out;
}

// Ozon requests the sandbox answered with the fault `kind` (its to_string name).
int faulted(const sandbox::Sandbox& sb, const std::string& kind) {
    int n = 0;
    for (const auto& r : sb.request_log())
        if (r.service == "ozon" && r.fault == kind) ++n;
    return n;
}

bool source_conditions_firing(Store& store) {
    for (const auto& c : store.active_conditions("main"))
        if (c.event.type == "source.unavailable" || c.event.type == "source.auth_failed") return true;
    return false;
}

// Telegram outbox rows (the events routed to the Telegram chat).
std::vector<OutboxRow> telegram_rows(Store& store) {
    std::vector<OutboxRow> out;
    for (auto& r : store.outbox_rows())
        if (r.channel.rfind("telegram", 0) == 0) out.push_back(std::move(r));
    return out;
}

// Every Telegram row is sent, each event has one "new" row, and each title reached the
// sandbox's Telegram exactly as many times as rows carry it: none lost, none twice. Returns
// the number of rows.
std::size_t expect_each_row_delivered_once(Store& store, const sandbox::Sandbox& sb) {
    const auto rows = telegram_rows(store);
    std::map<std::string, int> rows_by_title;
    std::map<long long, int> new_rows_by_event;
    for (const auto& r : rows) {
        EXPECT_EQ(r.status, OutboxStatus::sent) << r.event.key << " " << r.channel << " " << r.last_error;
        ++rows_by_title[alerts::event_title(r.event, "ru")];
        if (r.reason == "new") ++new_rows_by_event[r.event_id];
    }
    for (const auto& [id, n] : new_rows_by_event) EXPECT_EQ(n, 1) << "event " << id;
    for (const auto& [title, n] : rows_by_title) EXPECT_EQ(heading_count(sb, title), n) << title;
    return rows.size();
}

}  // namespace

// Ozon fails in every way it does, one after another, for a virtual hour, while every watch
// polls: 429 with Retry-After, "Circle is open" (JSON 429 and plain text 503), 500 and 502,
// answers that never come in time, truncated and invalid JSON. Proves: no exception leaves a
// cycle; the account's Ozon source is said unavailable exactly once (after unavailable_after,
// 15 min) and resolved exactly once after the faults clear, in the store and on Telegram; a
// 429's Retry-After is honoured by the account's limiter (the next request arrives a second
// later, by the sandbox's real-time stamps); and no second of real time ever saw more than 50
// requests of the Client-Id (the same stamps).
TEST(FaultSuite, OzonStormsForAnHourGiveOneUnavailableOneResolvedAndStayUnder50PerSecond) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("demo.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = suite_config(sb, dir);
    FaultDaemon d(cfg, (dir.path / "ozonwatch.db").string(), sb);
    ASSERT_NO_THROW(d.cycle());  // the healthy morning
    ASSERT_FALSE(source_conditions_firing(d.store));
    sb.advance(10min);  // every watch due again

    auto fault = [](sandbox::FaultKind kind) {
        sandbox::FaultSpec f;
        f.path = "/v*";
        f.kind = kind;
        f.times = 0;  // until cleared
        return f;
    };
    struct Phase {
        sandbox::FaultSpec spec;
        int cycles;  // 5 virtual minutes each
    };
    std::vector<Phase> phases;
    {
        auto f = fault(sandbox::FaultKind::rate_limit);
        f.retry_after_s = 1;
        phases.push_back({f, 1});  // every 429 costs a real second: one cycle of them
        f = fault(sandbox::FaultKind::circle_open);
        f.retry_after_s = 60;
        phases.push_back({f, 2});
        f = fault(sandbox::FaultKind::circle_open_text);
        f.status = 503;
        f.retry_after_s = 30;
        phases.push_back({f, 2});
        f = fault(sandbox::FaultKind::server_error);
        f.status = 500;
        phases.push_back({f, 1});
        f.status = 502;
        phases.push_back({f, 1});
        f = fault(sandbox::FaultKind::delay);
        f.delay = Millis{1200};  // beyond the 400 ms request deadline
        phases.push_back({f, 2});
        phases.push_back({fault(sandbox::FaultKind::truncated_json), 2});
        phases.push_back({fault(sandbox::FaultKind::invalid_json), 1});
    }
    const TimePoint storm_start = sb.now();
    for (const auto& p : phases) {
        sb.clear_faults();
        sb.inject_fault(p.spec);
        for (int i = 0; i < p.cycles; ++i) {
            ASSERT_NO_THROW(d.cycle()) << sandbox::to_string(p.spec.kind);
            sb.advance(5min);
        }
    }
    ASSERT_EQ(sb.now() - storm_start, 60min);
    // Said once during the storm (after 15 min), not yet resolved.
    EXPECT_EQ(count_events(d.store, "source.unavailable", EventState::firing, "source.unavailable:ozon"), 1);
    EXPECT_EQ(count_events(d.store, "source.unavailable", EventState::resolved), 0);
    EXPECT_EQ(heading_count(sb, kUnavailable), 1);
    // Every kind of fault really reached the daemon (the sandbox's log).
    for (const char* kind : {"rate_limit", "circle_open", "circle_open_text", "server_error", "delay",
                             "truncated_json", "invalid_json"})
        EXPECT_GT(faulted(sb, kind), 0) << kind;

    // Ozon is back: every watch succeeds within its backoff (at most 10 min), one resolved.
    sb.clear_faults();
    for (int i = 0; i < 15 && source_conditions_firing(d.store); ++i) {
        ASSERT_NO_THROW(d.cycle());
        sb.advance(1min);
    }
    ASSERT_NO_THROW(d.cycle());
    EXPECT_FALSE(source_conditions_firing(d.store));
    EXPECT_EQ(count_events(d.store, "source.unavailable", EventState::firing), 1);
    EXPECT_EQ(count_events(d.store, "source.unavailable", EventState::resolved, "source.unavailable:ozon"), 1);
    EXPECT_EQ(count_events(d.store, "source.auth_failed", EventState::firing), 0);
    EXPECT_EQ(heading_count(sb, kUnavailable), 1);
    EXPECT_EQ(heading_count(sb, kUnavailableResolved), 1);
    // Ozon's trouble is not InSales' or 1C's.
    EXPECT_EQ(count_events(d.store, "stock.source_stale", EventState::firing), 0);

    // Retry-After honoured: after each 429 the account's next request came at least a second
    // later (real time; 50 ms of slack for the timer).
    const auto log = sb.request_log();
    int checked = 0;
    for (std::size_t i = 0; i < log.size(); ++i) {
        if (log[i].service != "ozon" || log[i].fault != "rate_limit") continue;
        for (std::size_t j = i + 1; j < log.size(); ++j) {
            if (log[j].service != "ozon" || log[j].client_id != log[i].client_id) continue;
            EXPECT_GE(log[j].received_at - log[i].received_at, 950ms) << "request " << log[j].seq;
            ++checked;
            break;
        }
    }
    EXPECT_GT(checked, 0);
    // Never more than 50 requests of the Client-Id in any second, as the server counts them.
    const RateFinding rate = max_ozon_rate(sb, 1s);
    EXPECT_GT(rate.requests, 100u);
    EXPECT_LE(rate.max_in_second, 50) << "Client-Id " << rate.client_id;
}

// InSales answers 503 to everything and the 1C exchange leaves a broken offers.xml for over an
// hour of the demo day. Proves: the stocks watch says "nothing fresh to compare with" exactly
// once per source (after mismatch_grace, 30 min) and "resolved" exactly once per source when
// they are back, in the store and on Telegram; Ozon's own source is never said unavailable;
// and Ozon's alerts keep flowing meanwhile: the order the scenario adds at 10:00 Moscow time
// reaches Telegram during the outage.
TEST(FaultSuite, InSalesDownAndABroken1CFileAreSaidOnceEachWhileOzonAlertsFlow) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("demo.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = suite_config(sb, dir);
    ASSERT_TRUE(cfg.accounts.at(0).insales && cfg.accounts.at(0).onec);
    const std::string offers = cfg.accounts.at(0).onec->offers;
    FaultDaemon d(cfg, (dir.path / "ozonwatch.db").string(), sb);
    const TimePoint start = sb.now();
    ASSERT_NO_THROW(d.cycle());
    sb.advance(2h + 40min);
    ASSERT_NO_THROW(d.cycle());
    sb.advance(10min);  // 09:50 Moscow time
    EXPECT_EQ(count_events(d.store, "stock.source_stale", EventState::firing), 0);

    sandbox::FaultSpec down;
    down.path = "/admin/*";
    down.kind = sandbox::FaultKind::server_error;
    down.status = 503;
    down.times = 0;
    sb.inject_fault(down);
    { std::ofstream(offers, std::ios::trunc) << "<?xml version=\"1.0\"?><КоммерческаяИнформация><oops"; }
    const TimePoint outage_start = sb.now();
    for (int i = 0; i < 8; ++i) {  // 80 virtual minutes
        ASSERT_NO_THROW(d.cycle());
        sb.advance(10min);
    }
    const TimePoint outage_end = sb.now();
    EXPECT_EQ(count_events(d.store, "stock.source_stale", EventState::firing, "stock.source_stale:insales"), 1);
    EXPECT_EQ(count_events(d.store, "stock.source_stale", EventState::firing, "stock.source_stale:onec"), 1);
    EXPECT_EQ(count_events(d.store, "stock.source_stale", EventState::resolved), 0);
    EXPECT_EQ(heading_count(sb, "Остатки не с чем сверить InSales"), 1);
    EXPECT_EQ(heading_count(sb, "Остатки не с чем сверить 1С"), 1);
    // InSales was really asked and really refused (the sandbox's log).
    int refused = 0;
    for (const auto& r : sb.request_log())
        if (r.service == "insales" && r.fault == "server_error") ++refused;
    EXPECT_GT(refused, 0);
    // Ozon's alerts flowed meanwhile: the scenario's new order of 10:00 Moscow (+3h) reached
    // Telegram, during the outage, in exactly one successful message.
    int new_order = 0;
    for (const auto& m : ozw::test::sent_messages(sb))
        if (m.virtual_time >= outage_start && m.virtual_time < outage_end &&
            m.text.find("0127001121-0001-1") != std::string::npos)
            ++new_order;
    EXPECT_EQ(new_order, 1);
    ASSERT_EQ(start + 3h, *parse_iso8601("2026-11-26T07:00:00Z"));

    // Both come back: InSales answers, the exchange writes a good file.
    sb.clear_faults();
    sb.write_onec_offers(offers);
    for (int i = 0; i < 3; ++i) {
        ASSERT_NO_THROW(d.cycle());
        sb.advance(10min);
    }
    EXPECT_EQ(count_events(d.store, "stock.source_stale", EventState::resolved, "stock.source_stale:insales"), 1);
    EXPECT_EQ(count_events(d.store, "stock.source_stale", EventState::resolved, "stock.source_stale:onec"), 1);
    EXPECT_EQ(count_events(d.store, "stock.source_stale", EventState::firing), 2);
    EXPECT_EQ(heading_count(sb, "Решено: Остатки не с чем сверить InSales"), 1);
    EXPECT_EQ(heading_count(sb, "Решено: Остатки не с чем сверить 1С"), 1);
    // Ozon itself was never said unavailable.
    EXPECT_EQ(count_events(d.store, "source.unavailable", EventState::firing), 0);
}

// The Bot API answers 502 to everything (sendMessage, getMe, photos) from the first poll of
// the demo day for a virtual hour, while the day's first burst of alerts and what follows are
// recorded. Proves: nothing reaches Telegram meanwhile; afterwards every Telegram outbox row
// is sent, each event's heading arrives exactly as many times as it has rows (none lost, none
// twice, counted in the sandbox's Telegram log), and they come grouped: fewer messages than
// events.
TEST(FaultSuite, TelegramDownForAnHourDeliversEverythingAfterwardsGroupedNoneTwice) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("demo.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = suite_config(sb, dir);
    FaultDaemon d(cfg, (dir.path / "ozonwatch.db").string(), sb);
    sandbox::FaultSpec down;
    down.path = "/bot*";
    down.kind = sandbox::FaultKind::server_error;
    down.status = 502;
    down.times = 0;
    sb.inject_fault(down);
    for (int i = 0; i < 12; ++i) {  // an hour, a cycle every 5 virtual minutes
        ASSERT_NO_THROW(d.cycle());
        sb.advance(5min);
    }
    const auto while_down = telegram_rows(d.store);
    ASSERT_GT(while_down.size(), 5u);  // the morning's burst
    EXPECT_TRUE(ozw::test::sent_messages(sb).empty());
    int refused = 0;
    for (const auto& r : sb.request_log())
        if (r.service == "telegram" && r.path.find("/send") != std::string::npos && r.status == 502) ++refused;
    EXPECT_GT(refused, 1);  // it kept trying (the album of the rFBS request's photos goes first)

    sb.clear_faults();
    const auto back_at = sb.now();
    for (int i = 0; i < 10 && !d.store.pending_outbox().empty(); ++i) {
        ASSERT_NO_THROW(d.cycle());
        sb.advance(1min);
    }
    EXPECT_TRUE(d.store.pending_outbox().empty());
    EXPECT_LE(sb.now() - back_at, 5min);
    // Rows recorded while down are those rows still (no row lost, none added twice for them).
    std::set<long long> ids_down;
    for (const auto& r : while_down) ids_down.insert(r.id);
    std::size_t still_there = 0;
    for (const auto& r : telegram_rows(d.store))
        if (ids_down.count(r.id)) ++still_there;
    EXPECT_EQ(still_there, ids_down.size());
    const std::size_t rows = expect_each_row_delivered_once(d.store, sb);
    std::set<long long> events;
    for (const auto& r : telegram_rows(d.store)) events.insert(r.event_id);
    const auto messages = ozw::test::sent_messages(sb).size();
    EXPECT_GT(messages, 0u);
    EXPECT_LT(messages, events.size()) << rows << " rows";
}

// SQLite's disk is full (every write that grows a file refused with SQLITE_FULL, the real
// error path: tests/common/unit/full_disk_vfs.hpp) for an hour of the demo day spanning
// 10:00 Moscow time, when the scenario adds an order and a return. Proves: no exception leaves
// a cycle; once the disk has room, the order and the return are recorded, once each, and every
// Telegram row is delivered exactly once (the sandbox's log).
TEST(FaultSuite, DiskFullForAnHourThenEverythingIsRecordedAndSentOnce) {
    ozw::testing::FullDiskVfs& disk = ozw::testing::FullDiskVfs::instance();
    disk.set_full(false);
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("demo.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = suite_config(sb, dir);
    FaultDaemon d(cfg, (dir.path / "ozonwatch.db").string(), sb, ozw::testing::FullDiskVfs::kName);
    ASSERT_NO_THROW(d.cycle());
    sb.advance(2h + 40min);
    ASSERT_NO_THROW(d.cycle());
    sb.advance(10min);  // 09:50 Moscow time

    const long long refused_before = disk.refused();
    disk.set_full(true);
    for (int i = 0; i < 12; ++i) {
        ASSERT_NO_THROW(d.cycle());
        sb.advance(5min);
    }
    EXPECT_GT(disk.refused(), refused_before);  // SQLite really met the full disk
    // Nothing of 10:00 could be recorded.
    for (const auto& e : all_events(d.store))
        EXPECT_EQ(e.key.find("0127001121-0001-1"), std::string::npos) << e.key;
    disk.set_full(false);
    for (int i = 0; i < 6; ++i) {
        ASSERT_NO_THROW(d.cycle());
        sb.advance(5min);
    }
    // The disk's trouble is not Ozon's: see DiskFullIsNotReportedAsOzonUnavailable.
    // The order and the return of 10:00 are recorded, each of their events once.
    std::map<std::string, int> theirs;
    for (const auto& e : all_events(d.store))
        if (e.key.find("0127001121-0001-1") != std::string::npos || e.key.find("1000015010") != std::string::npos)
            ++theirs[e.type + "|" + e.key + "|" + to_string(e.state)];
    EXPECT_GE(theirs.size(), 2u);
    for (const auto& [what, n] : theirs) EXPECT_EQ(n, 1) << what;
    bool order = false, ret = false;
    for (const auto& [what, n] : theirs) {
        if (what.find("0127001121-0001-1") != std::string::npos) order = true;
        if (what.find("1000015010") != std::string::npos) ret = true;
    }
    EXPECT_TRUE(order);
    EXPECT_TRUE(ret);
    EXPECT_TRUE(d.store.pending_outbox().empty());
    expect_each_row_delivered_once(d.store, sb);
}

// A poll whose Ozon reads all succeeded but whose store.apply() failed ("database or disk is
// full") is not a failure of the watch's SOURCE: no source.unavailable:ozon after
// unavailable_after of a full disk, and none once the disk is free again (found by this suite:
// the scheduler used to count it as Ozon's failure and told the manager Ozon was down).
TEST(FaultSuite, DiskFullIsNotReportedAsOzonUnavailable) {
    ozw::testing::FullDiskVfs& disk = ozw::testing::FullDiskVfs::instance();
    disk.set_full(false);
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("demo.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = suite_config(sb, dir);
    FaultDaemon d(cfg, (dir.path / "ozonwatch.db").string(), sb, ozw::testing::FullDiskVfs::kName);
    ASSERT_NO_THROW(d.cycle());
    sb.advance(10min);
    disk.set_full(true);
    for (int i = 0; i < 6; ++i) {  // 30 virtual minutes, over unavailable_after
        ASSERT_NO_THROW(d.cycle());
        sb.advance(5min);
    }
    disk.set_full(false);
    for (int i = 0; i < 4; ++i) {
        ASSERT_NO_THROW(d.cycle());
        sb.advance(5min);
    }
    // Ozon answered every request (the sandbox's log: no fault, no error status).
    for (const auto& r : ozw::test::ozon_requests(sb)) ASSERT_EQ(r.status, 200) << r.path;
    EXPECT_EQ(count_events(d.store, "source.unavailable", EventState::firing), 0);
    EXPECT_EQ(heading_count(sb, kUnavailable), 0);
}

// At the configured 50 requests/s, with every poll failing fast (5xx retried at once) so that
// the limiter is saturated, Ozon never sees more than 50 requests of the Client-Id in any
// second (found by this suite: slots exactly 20 ms apart put 51 into one server-side second
// whenever the arrival jittered; the limiter now keeps a 2 % margin).
TEST(FaultSuite, TheLimiterAt50KeepsAMarginForArrivalJitter) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("demo.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = suite_config(sb, dir);
    FaultDaemon d(cfg, (dir.path / "ozonwatch.db").string(), sb);
    ASSERT_NO_THROW(d.cycle());
    sb.advance(10min);
    sandbox::FaultSpec f;
    f.path = "/v*";
    f.kind = sandbox::FaultKind::server_error;
    f.times = 0;
    sb.inject_fault(f);
    for (int i = 0; i < 6; ++i) {
        ASSERT_NO_THROW(d.cycle());
        sb.advance(1min);
    }
    const RateFinding rate = max_ozon_rate(sb, 1s);
    EXPECT_LE(rate.max_in_second, 50) << "Client-Id " << rate.client_id;
}
