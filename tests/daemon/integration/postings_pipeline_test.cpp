// The postings watch and the daemon's runtime against the in-process sandbox (virtual clock):
// incremental polling asks only for changes; scenario -> daemon -> sandbox Telegram delivers
// each expected message once (and not again after a restart on the same state DB); the cut-off
// escalation of one posting walks soon -> missed -> overdue -> resolved, each step once; `check`
// exit codes and the report's table counts; the demo plays the day.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "daemon/demo.hpp"
#include "daemon/engine/check.hpp"
#include "daemon/engine/module.hpp"
#include "daemon/engine/runtime.hpp"
#include "daemon/watches/postings/settings.hpp"
#include "daemon/watches/postings/watch.hpp"
#include "sandbox/sandbox.hpp"
#include "tests/daemon/integration/daemon_it_util.hpp"
#include "tests/daemon/integration/sandbox_daemon.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace fs = std::filesystem;

using ozw::test::at;
using ozw::test::Daemon;
using ozw::test::headings;
using ozw::test::ozon_requests;
using ozw::test::run;
using ozw::test::sandbox_config;
using ozw::test::scenario_path;
using ozw::test::sent_messages;
using ozw::test::TempDir;

namespace {

// The virtual times at which a heading was sent.
std::vector<TimePoint> sent_at(const sandbox::Sandbox& sb, const std::string& title) {
    std::vector<TimePoint> out;
    for (const auto& m : sent_messages(sb))
        if (m.text.find("<b>" + title + "</b>") != std::string::npos) out.push_back(m.virtual_time);
    return out;
}

// The FBS table of the cabinet, counted from the scenario itself.
postings::StatusCounts scenario_counts(const sandbox::Scenario& sc, TimePoint window_start) {
    postings::StatusCounts c;
    for (const auto& p : sc.postings) {
        if (p.in_process_at < window_start) continue;  // older than the watch's 14-day window
        const auto& s = p.status;
        if (s == "awaiting_packaging") ++c.awaiting_packaging;
        else if (s == "awaiting_deliver") ++c.awaiting_deliver;
        else if (s == "delivering" || s == "driver_pickup") ++c.delivering;
        else if (s == "arbitration" || s == "client_arbitration") ++c.disputed;
        else if (s == "delivered") ++c.delivered;
        else if (s == "cancelled") ++c.cancelled;
        else if (s == "not_accepted") ++c.not_accepted;
    }
    return c;
}

}  // namespace

TEST(PostingsWatchSandbox, InitialLoadThenIncrementalPollsAskOnlyForChanges) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("demo.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = sandbox_config(sb, dir.path.string(), false);
    Daemon d(cfg, (dir.path / "ozonwatch.db").string(), sb, /*notify=*/false);

    d.cycle();
    auto first = ozon_requests(sb);
    ASSERT_GE(first.size(), 2u);
    bool full_list = false, unfulfilled = false;
    int dating = 0;
    for (const auto& r : first) {
        if (r.path == "/v4/posting/fbs/list") {
            const auto f = nlohmann::json::parse(r.body)["filter"];
            if (f.contains("statuses")) {
                // The first load dates the postings already delivered, a day-wide window each.
                EXPECT_EQ(f["statuses"], nlohmann::json::array({"delivered"})) << r.body;
                EXPECT_TRUE(f.contains("last_changed_status_date")) << r.body;
                ++dating;
            } else {
                full_list = true;
                EXPECT_FALSE(f.contains("last_changed_status_date")) << r.body;
            }
        }
        if (r.path == "/v4/posting/fbs/unfulfilled/list") unfulfilled = true;
        EXPECT_EQ(r.status, 200) << r.path << " " << r.body;
    }
    EXPECT_TRUE(full_list);
    EXPECT_TRUE(unfulfilled);
    EXPECT_GE(dating, 1);
    EXPECT_LE(dating, 15);  // at most one per day of the 14-day window
    // Every posting of the 14-day window (the scenario also has older ones, for the finance
    // periods, which the window leaves out).
    std::size_t in_window = 0;
    for (const auto& p : sb.snapshot().postings) in_window += p.in_process_at >= sb.now() - 14 * 24h;
    EXPECT_EQ(d.watch<postings::PostingsWatch>("postings").all_items().size(), in_window);

    sb.clear_logs();
    sb.advance(2min);
    d.cycle();
    auto second = ozon_requests(sb);
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(second[0].path, "/v4/posting/fbs/list");
    auto body = nlohmann::json::parse(second[0].body);
    ASSERT_TRUE(body["filter"].contains("last_changed_status_date")) << second[0].body;
    // from = last success - overlap (10 min), to = now
    EXPECT_EQ(parse_iso8601(body["filter"]["last_changed_status_date"]["from"].get<std::string>()),
              sb.now() - 2min - 10min);
    EXPECT_EQ(parse_iso8601(body["filter"]["last_changed_status_date"]["to"].get<std::string>()),
              sb.now());
    EXPECT_TRUE(sb.retired_calls().empty());

    // A status change between polls is picked up by the incremental poll.
    ASSERT_TRUE(sb.set_posting_status("0127000908-0001-1", "delivering"));
    sb.clear_logs();
    sb.advance(2min);
    d.cycle();
    EXPECT_EQ(ozon_requests(sb).size(), 1u);
    ASSERT_TRUE(d.scheduled("postings").last_result);
    std::vector<std::string> keys;
    for (const auto& e : d.scheduled("postings").last_result->recorded) keys.push_back(e.key);
    EXPECT_EQ(keys, std::vector<std::string>{"posting.status_changed:0127000908-0001-1:delivering"});
    EXPECT_EQ(d.watch<postings::PostingsWatch>("postings").all_items().at("0127000908-0001-1").status, "delivering");
}

TEST(DaemonPipelineSandbox, EachExpectedTelegramMessageArrivesOnceAlsoAfterARestart) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("demo.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = sandbox_config(sb, dir.path.string(), true);
    ASSERT_TRUE(cfg.notify.telegram);
    // This test counts first announcements, not repeats.
    cfg.notify.repeat_critical = 48h;
    cfg.notify.repeat_warning = 48h;
    const std::string db = (dir.path / "ozonwatch.db").string();
    {
        Daemon d(cfg, db, sb);
        const TimePoint end = sb.now() + 11h;  // 07:00 -> 18:00 Moscow
        while (sb.now() <= end) {
            d.cycle();
            sb.advance(10min);
        }
        run(d.ioc, [&] { return d.runtime.dispatcher()->tick(); });
    }
    // What demo.yaml's day brings (times Moscow, hand-over deadline 17:00, warn_before 2h):
    const std::pair<std::string, int> expected[] = {
        // the new mid-day posting (10:00), the customer's cancellation (12:00), the disputes
        {"Новое отправление 0127001121-0001-1", 1},
        {"Отправление отменено 0127001020-0001-1", 1},
        {"Спорное отправление 0125000712-0001-1", 1},
        {"Спорное отправление 0124000613-0001-1", 1},
        // 0127001001: recommended 13:00, without delay 17:00: soon 11:00, missed 13:00, overdue 17:00
        {"Скоро срок отгрузки 0127001001-0001-1", 1},
        {"Рекомендованный срок отгрузки прошёл 0127001001-0001-1", 1},
        {"Отправление просрочено 0127001001-0001-1", 1},
        // 0127000905 and 0127001002: 17:00 today, overdue tomorrow 13:00: soon 15:00, missed 17:00
        {"Скоро срок отгрузки 0127000905-0001-1", 1},
        {"Рекомендованный срок отгрузки прошёл 0127000905-0001-1", 1},
        {"Отправление просрочено 0127000905-0001-1", 0},
        {"Скоро срок отгрузки 0127001002-0001-1", 1},
        {"Рекомендованный срок отгрузки прошёл 0127001002-0001-1", 1},
        {"Отправление просрочено 0127001002-0001-1", 0},
        // 0127000906 handed over at 15:00, before its warning; 0127000907 at 16:00, after it
        {"Скоро срок отгрузки 0127000906-0001-1", 0},
        {"Статус отправления изменился 0127000906-0001-1", 1},
        {"Скоро срок отгрузки 0127000907-0001-1", 1},
        {"Решено: Скоро срок отгрузки 0127000907-0001-1", 1},
        {"Статус отправления изменился 0127000907-0001-1", 1},
        // delivered at 13:00
        {"Статус отправления изменился 0126000809-0001-1", 1},
        // tomorrow's postings: nothing today
        {"Скоро срок отгрузки 0127000908-0001-1", 0},
        {"Скоро срок отгрузки 0127001003-0001-1", 0},
    };
    for (const auto& [title, n] : expected) EXPECT_EQ(headings(sb, title), n) << title;
    // Each escalation step of 0127001001 at its moment (the 10-minute poll that reaches it).
    EXPECT_EQ(sent_at(sb, "Скоро срок отгрузки 0127001001-0001-1"),
              std::vector<TimePoint>{at("2026-11-26T08:00:00Z")});
    EXPECT_EQ(sent_at(sb, "Рекомендованный срок отгрузки прошёл 0127001001-0001-1"),
              std::vector<TimePoint>{at("2026-11-26T10:00:00Z")});
    EXPECT_EQ(sent_at(sb, "Отправление просрочено 0127001001-0001-1"),
              std::vector<TimePoint>{at("2026-11-26T14:00:00Z")});
    const auto before = sent_messages(sb).size();
    ASSERT_GT(before, 0u);

    // Restart on the same state DB at the same virtual time: nothing is sent again.
    {
        Daemon d(cfg, db, sb);
        d.cycle();
        run(d.ioc, [&] { return d.runtime.dispatcher()->tick(); });
        ASSERT_TRUE(d.scheduled("postings").last_result);
        EXPECT_FALSE(d.scheduled("postings").last_result->baseline);
        EXPECT_TRUE(d.scheduled("postings").last_result->recorded.empty());
    }
    EXPECT_EQ(sent_messages(sb).size(), before);
}

// One posting awaiting packaging walks the whole cut-off escalation on the virtual clock, through
// the runtime (poll, evaluate, store, dispatch) and a restart on the same state DB; each step
// reaches the sandbox's Telegram exactly once and the store records the steps in order.
TEST(DaemonPipelineSandbox, CutoffEscalatesSoonMissedOverdueThenResolvesEachStepOnce) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("test-basic.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = sandbox_config(sb, dir.path.string(), true);
    cfg.accounts.resize(1);  // "demo"
    ASSERT_TRUE(cfg.notify.telegram);
    cfg.notify.repeat_critical = 48h;  // steps, not repeats
    cfg.notify.repeat_warning = 48h;
    const std::string db = (dir.path / "ozonwatch.db").string();

    // test-basic.yaml: 57195475-0050-3 awaits packaging; shipment_date 14:00Z on the 26th
    // (17:00 Moscow = the hand-over deadline), shipment_date_without_delay 10:00Z on the 27th
    // (13:00 Moscow). So D1 = 26th 14:00Z, D2 = 27th 10:00Z, warn_before 2h: soon from 12:00Z.
    const std::string n = "57195475-0050-3";
    const std::string soon = "Скоро срок отгрузки " + n;
    const std::string missed = "Рекомендованный срок отгрузки прошёл " + n;
    const std::string overdue = "Отправление просрочено " + n;
    const std::string resolved = "Решено: Отправление просрочено " + n;
    const std::string key = "posting.cutoff:" + n;
    ASSERT_EQ(sb.now(), at("2026-11-26T04:00:00Z"));

    auto play_until = [&](Daemon& d, TimePoint until) {
        while (true) {
            d.cycle();
            if (sb.now() + 10min > until) break;
            sb.advance(10min);
        }
    };
    auto active = [&](Daemon& d) -> std::optional<Event> {
        for (const auto& c : d.store.active_conditions("main", "postings"))
            if (c.key == key) return c.event;
        return std::nullopt;
    };
    auto counts = [&] {
        return std::vector<int>{headings(sb, soon), headings(sb, missed), headings(sb, overdue),
                                headings(sb, resolved)};
    };
    using V = std::vector<int>;
    {
        Daemon d(cfg, db, sb);
        play_until(d, at("2026-11-26T11:50:00Z"));
        EXPECT_EQ(counts(), (V{0, 0, 0, 0}));
        EXPECT_FALSE(active(d));

        sb.advance(10min);  // 12:00Z = D1 - 2h
        d.cycle();
        EXPECT_EQ(counts(), (V{1, 0, 0, 0}));
        EXPECT_EQ(sent_at(sb, soon), std::vector<TimePoint>{at("2026-11-26T12:00:00Z")});
        ASSERT_TRUE(active(d));
        EXPECT_EQ(active(d)->type, "posting.cutoff_soon");
        EXPECT_EQ(active(d)->severity, Severity::warning);

        sb.advance(10min);
        play_until(d, at("2026-11-26T13:50:00Z"));
        EXPECT_EQ(counts(), (V{1, 0, 0, 0}));

        sb.advance(10min);  // 14:00Z = D1: the higher tariff applies
        d.cycle();
        EXPECT_EQ(counts(), (V{1, 1, 0, 0}));
        EXPECT_EQ(sent_at(sb, missed), std::vector<TimePoint>{at("2026-11-26T14:00:00Z")});
        ASSERT_TRUE(active(d));
        EXPECT_EQ(active(d)->type, "posting.cutoff_missed");
        EXPECT_EQ(active(d)->severity, Severity::warning);

        sb.advance(10min);
        play_until(d, at("2026-11-27T05:00:00Z"));
        EXPECT_EQ(counts(), (V{1, 1, 0, 0}));
    }
    {
        // The daemon restarts on the same state DB in the night: the condition goes on.
        sb.advance(10min);
        Daemon d(cfg, db, sb);
        play_until(d, at("2026-11-27T09:50:00Z"));
        EXPECT_EQ(counts(), (V{1, 1, 0, 0}));
        ASSERT_TRUE(active(d));
        EXPECT_EQ(active(d)->type, "posting.cutoff_missed");

        sb.advance(10min);  // 10:00Z = D2: overdue
        d.cycle();
        EXPECT_EQ(counts(), (V{1, 1, 1, 0}));
        EXPECT_EQ(sent_at(sb, overdue), std::vector<TimePoint>{at("2026-11-27T10:00:00Z")});
        ASSERT_TRUE(active(d));
        EXPECT_EQ(active(d)->type, "posting.overdue");
        EXPECT_EQ(active(d)->severity, Severity::critical);

        // Packed, not yet handed over: still overdue, nothing more about it.
        ASSERT_TRUE(sb.set_posting_status(n, "awaiting_deliver"));
        sb.advance(10min);
        d.cycle();
        EXPECT_EQ(counts(), (V{1, 1, 1, 0}));
        EXPECT_EQ(headings(sb, "Статус отправления изменился " + n), 1);
        ASSERT_TRUE(active(d));
        EXPECT_EQ(active(d)->type, "posting.overdue");

        // Handed over: resolved, once.
        ASSERT_TRUE(sb.set_posting_status(n, "delivering"));
        sb.advance(10min);
        d.cycle();
        EXPECT_EQ(counts(), (V{1, 1, 1, 1}));
        EXPECT_EQ(sent_at(sb, resolved), std::vector<TimePoint>{at("2026-11-27T10:20:00Z")});
        EXPECT_FALSE(active(d));

        sb.advance(10min);
        play_until(d, at("2026-11-27T12:00:00Z"));
        EXPECT_EQ(counts(), (V{1, 1, 1, 1}));
        EXPECT_EQ(headings(sb, "Статус отправления изменился " + n), 2);
    }
    // The store's event log: the steps of the one condition key, in order.
    Store store(db);
    std::vector<std::pair<std::string, EventState>> steps;
    for (const auto& e : store.events_since(at("2026-11-26T00:00:00Z")))
        if (e.key == key) steps.emplace_back(e.type, e.state);
    EXPECT_EQ(steps, (std::vector<std::pair<std::string, EventState>>{
                         {"posting.cutoff_soon", EventState::firing},
                         {"posting.cutoff_missed", EventState::firing},
                         {"posting.overdue", EventState::firing},
                         {"posting.overdue", EventState::resolved}}));
    // Every one of them was delivered to Telegram (nothing pending or failed).
    EXPECT_TRUE(store.pending_outbox().empty());
    for (const auto& r : store.outbox_rows(OutboxStatus::failed)) ADD_FAILURE() << r.event.key << " failed";
}

TEST(CheckSandbox, ReportTableEqualsTheScenarioAndExitCodeIsCritical) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("demo.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = sandbox_config(sb, dir.path.string(), false);
    daemon::edit_settings_base(cfg, "returns").enabled = false;  // the postings' report alone
    daemon::edit_settings_base(cfg, "finance").enabled = false;
    daemon::edit_settings_base(cfg, "stocks").enabled = false;
    daemon::edit_settings_base(cfg, "reviews").enabled = false;
    daemon::edit_settings_base(cfg, "chats").enabled = false;
    daemon::edit_settings_base(cfg, "api_key").enabled = false;
    std::ostringstream out, err;
    auto r = run_check(cfg, sb.clock(), "text", out, err);
    EXPECT_EQ(r.exit_code, 2) << err.str();  // disputes are critical
    ASSERT_EQ(r.reports.size(), 1u);
    ASSERT_EQ(r.reports[0].sections.size(), 1u);
    const WatchReport& s = r.reports[0].sections[0];
    EXPECT_EQ(s.watch, "postings");
    EXPECT_EQ(s.title, "Отправления FBS");
    EXPECT_TRUE(s.checked);
    const auto counts = scenario_counts(sb.snapshot(), sb.now() - 14 * 24h);
    EXPECT_EQ(counts.awaiting_packaging, 5);
    EXPECT_EQ(counts.disputed, 2);
    EXPECT_EQ(s.lines, postings::status_table_lines(counts, 14 * 24h, true));
    EXPECT_NE(out.str().find("Отправления FBS (за 14 дн.):"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("Ожидают сборки      5"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("Ожидают отгрузки    4"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("Спорные             2"), std::string::npos) << out.str();
    // demo_config turns the planned watches off: no "not watched" notice.
    EXPECT_TRUE(r.reports[0].not_watched.empty());
    // check sends nothing
    EXPECT_TRUE(sb.telegram_messages().empty());

    std::ostringstream jout;
    auto j = run_check(cfg, sb.clock(), "json", jout, err);
    EXPECT_EQ(j.exit_code, 2);
    std::istringstream lines(jout.str());
    std::string line;
    std::vector<std::string> keys;
    while (std::getline(lines, line)) {
        auto e = nlohmann::json::parse(line);
        EXPECT_EQ(e["account"], "main");
        EXPECT_TRUE(e.contains("type") && e.contains("severity") && e.contains("key"));
        keys.push_back(e["key"].get<std::string>());
    }
    std::sort(keys.begin(), keys.end());
    // the two disputes at 07:00 (nothing else holds yet; a baseline announces no transition)
    EXPECT_EQ(keys, (std::vector<std::string>{"posting.arbitration:0124000613-0001-1",
                                              "posting.arbitration:0125000712-0001-1"}));
}

TEST(CheckSandbox, ExitCodesOkWarningCriticalAndSourceFailure) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("test-basic.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = sandbox_config(sb, dir.path.string(), false);
    daemon::edit_settings_base(cfg, "returns").enabled = false;  // the postings' exit codes alone
    daemon::edit_settings_base(cfg, "finance").enabled = false;
    daemon::edit_settings_base(cfg, "stocks").enabled = false;
    daemon::edit_settings_base(cfg, "reviews").enabled = false;
    daemon::edit_settings_base(cfg, "chats").enabled = false;
    daemon::edit_settings_base(cfg, "api_key").enabled = false;
    cfg.accounts.resize(1);  // "demo"
    // 07:00 Moscow: nothing is due yet.
    std::ostringstream out0, err0;
    EXPECT_EQ(run_check(cfg, sb.clock(), "text", out0, err0).exit_code, 0) << out0.str() << err0.str();
    // 15:30 Moscow: 57195475-0050-3 must be handed over by 17:00: cutoff_soon (warning).
    sb.set_time(at("2026-11-26T12:30:00Z"));
    std::ostringstream out1, err1;
    auto soon = run_check(cfg, sb.clock(), "text", out1, err1);
    EXPECT_EQ(soon.exit_code, 1) << out1.str() << err1.str();
    // 17:30 Moscow: the recommended time passed, a higher tariff: still a warning.
    sb.set_time(at("2026-11-26T14:30:00Z"));
    std::ostringstream out2, err2;
    auto missed = run_check(cfg, sb.clock(), "json", out2, err2);
    EXPECT_EQ(missed.exit_code, 1) << out2.str() << err2.str();
    EXPECT_NE(out2.str().find("\"type\":\"posting.cutoff_missed\""), std::string::npos) << out2.str();
    // 13:30 Moscow the next day: past shipment_date_without_delay: overdue (critical).
    sb.set_time(at("2026-11-27T10:30:00Z"));
    std::ostringstream out3, err3;
    auto overdue = run_check(cfg, sb.clock(), "json", out3, err3);
    EXPECT_EQ(overdue.exit_code, 2) << out3.str() << err3.str();
    EXPECT_NE(out3.str().find("\"type\":\"posting.overdue\""), std::string::npos) << out3.str();
    // A refused key: the source could not be checked.
    cfg.accounts[0].api_key = "wrong-key";
    std::ostringstream out4, err4;
    auto failed = run_check(cfg, sb.clock(), "text", out4, err4);
    EXPECT_EQ(failed.exit_code, 3);
    EXPECT_NE(err4.str().find("could not check"), std::string::npos) << err4.str();
    ASSERT_EQ(failed.reports.size(), 1u);
    ASSERT_EQ(failed.reports[0].sections.size(), 1u);
    EXPECT_FALSE(failed.reports[0].sections[0].checked);
    EXPECT_NE(out4.str().find("Отправления FBS: проверить не удалось"), std::string::npos) << out4.str();
}

TEST(DemoRun, PlaysTheDayAndEndsWithTheReport) {
    DemoRunOptions o;
    o.pause = Millis{0};
    o.scenario = scenario_path("demo.yaml");
    testing::internal::CaptureStdout();
    int rc = run_demo(o);
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_EQ(rc, 0);
    EXPECT_NE(out.find("0127001121-0001-1"), std::string::npos);          // the 10:00 order
    EXPECT_NE(out.find("Отправление просрочено 0127001001-0001-1"), std::string::npos);  // 17:00
    EXPECT_NE(out.find("Ожидают сборки"), std::string::npos);             // the morning report
    // The promise for the demo: a return request with the customer's photos.
    EXPECT_NE(out.find("Заявка на возврат ждёт решения 0125000733-0001-1"), std::string::npos) << out;
    EXPECT_NE(out.find("📷 альбом из 2 фото"), std::string::npos) << out;
    EXPECT_NE(out.find("Возвраты:"), std::string::npos);                  // its report section
    // Issue 12: the delivered order whose sale never came, the summary of the last payout
    // period (1-15 November) and its missing payout, the report's accruals and payouts.
    EXPECT_NE(out.find("Нет начисления за доставленный заказ 0122000515-0001-1"), std::string::npos) << out;
    EXPECT_NE(out.find("Закрыт период выплат 01.11.2026–15.11.2026"), std::string::npos) << out;
    EXPECT_NE(out.find("Нет выплаты за период 01.11.2026–15.11.2026"), std::string::npos) << out;
    EXPECT_NE(out.find("Начисления и выплаты:"), std::string::npos);
    EXPECT_NE(out.find("текущий период 16.11.2026–30.11.2026"), std::string::npos) << out;
    EXPECT_NE(out.find("прошлый период 01.11.2026–15.11.2026: к выплате 6 498,15 ₽, выплаты ещё нет"),
              std::string::npos)
        << out;
    // Issue 13: the "1000 pieces of a dress" and the shirt Ozon did not update from InSales.
    EXPECT_NE(out.find("stock.suspicious: Подозрительный остаток на Ozon"), std::string::npos) << out;
    EXPECT_NE(out.find("stock.mismatch: Остатки расходятся"), std::string::npos) << out;
    EXPECT_NE(out.find("InSales → Ozon расходится: DRS-003 (Ozon 1000, InSales 3, 1С 3), SHR-001 (Ozon 7, InSales 3, 1С 3)"),
              std::string::npos)
        << out;
}
