// The returns watch against the sandbox: the real client and watch, pages of /v1/returns/list
// with one date filter per request, the demo's day through the whole pipeline (a request with
// photos reaching the sandbox's Telegram as an album) and a restart that sends nothing twice.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "daemon/watches/returns/watch.hpp"
#include "tests/daemon/integration/sandbox_daemon.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;
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

// The returns watch alone (the postings have their own tests).
Config returns_only(const sandbox::Sandbox& sb, const TempDir& dir, bool telegram) {
    Config cfg = sandbox_config(sb, dir.path.string(), telegram);
    edit_settings_base(cfg, "postings").enabled = false;
    return cfg;
}

int date_filters(const nlohmann::json& body) {
    int n = 0;
    const auto& f = body.value("filter", nlohmann::json::object());
    for (const char* k : {"logistic_return_date", "storage_tariffication_start_date", "visual_status_change_moment"})
        if (f.contains(k) && !f[k].is_null()) ++n;
    return n;
}

std::size_t fbs_returns(const returns::ReturnsWatch& w) {
    const auto all = w.all_items();  // closed returns rest in the store
    return std::count_if(all.begin(), all.end(),
                         [](const auto& kv) { return kv.second.kind == returns::ItemKind::fbs_return; });
}

// The returns watch's place in the scheduler: its last poll and its health.
ScheduledWatch& returns_slot(Daemon& d) {
    for (std::size_t i = 0; i < d.runtime.scheduler().size(); ++i)
        if (d.runtime.scheduler().at(i).runner->watch().name() == "returns") return d.runtime.scheduler().at(i);
    throw std::runtime_error("no returns watch scheduled");
}

std::vector<sandbox::TelegramMessage> albums(const sandbox::Sandbox& sb) {
    std::vector<sandbox::TelegramMessage> out;
    for (const auto& m : sb.telegram_messages())
        if ((m.method == "sendMediaGroup" || m.method == "sendPhoto") && m.ok) out.push_back(m);
    return out;
}

}  // namespace

TEST(ReturnsWatchSandbox, PagesWithOneDateFilterPerRequestAndPicksUpAChangeIncrementally) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("test-pagination.yaml")));
    sb.start();
    TempDir dir;
    Daemon d(returns_only(sb, dir, false), (dir.path / "ozonwatch.db").string(), sb, /*notify=*/false);

    d.cycle();
    const auto first = ozon_requests(sb);
    int list_pages = 0, continued = 0;
    for (const auto& r : first) {
        EXPECT_EQ(r.status, 200) << r.path << " " << r.body;
        if (r.path != "/v1/returns/list") continue;
        ++list_pages;
        const auto body = nlohmann::json::parse(r.body);
        EXPECT_LE(date_filters(body), 1) << r.body;  // Ozon's rule (the sandbox enforces it too)
        EXPECT_EQ(body.value("limit", 0), 500);
        if (body.value("last_id", 0LL) > 0) ++continued;
    }
    // Every return of the scenario is known after the first load, read in pages of 500.
    auto& w = d.watch<returns::ReturnsWatch>("returns");
    EXPECT_EQ(fbs_returns(w), sb.snapshot().returns.size());
    EXPECT_GE(sb.snapshot().returns.size(), 1000u);
    EXPECT_GE(continued, 2) << list_pages;

    // Between reconciliations: the change window from the last success minus the overlap.
    const std::int64_t id = sb.snapshot().returns.front().id;
    sandbox::ReturnStatusChange change;
    change.status = "ReceivedBySeller";
    ASSERT_TRUE(sb.set_return_status(id, change));
    sb.clear_logs();
    sb.advance(10min);
    d.cycle();
    bool windowed = false;
    for (const auto& r : ozon_requests(sb)) {
        EXPECT_EQ(r.status, 200) << r.path << " " << r.body;
        if (r.path != "/v1/returns/list") continue;
        const auto body = nlohmann::json::parse(r.body);
        EXPECT_LE(date_filters(body), 1) << r.body;
        const auto& f = body["filter"];
        if (f.contains("visual_status_change_moment")) {
            windowed = true;
            EXPECT_EQ(parse_iso8601(f["visual_status_change_moment"]["time_from"].get<std::string>()),
                      sb.now() - 10min - 10min);
        }
    }
    EXPECT_TRUE(windowed);
    EXPECT_EQ(w.all_items().at("return:" + std::to_string(id)).status, "ReceivedBySeller");
}

TEST(ReturnsPipelineSandbox, TheDemoDayRequestWithPhotosIsAnAlbumAndARestartSendsNothingTwice) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("demo.yaml")));
    sb.start();
    TempDir dir;
    Config cfg = returns_only(sb, dir, true);
    cfg.notify.repeat_critical = 48h;  // first announcements, not repeats
    cfg.notify.repeat_warning = 48h;
    const std::string db = (dir.path / "ozonwatch.db").string();
    const TimePoint middle = sb.now() + 5h;  // 12:00 Moscow: the new cancellation is known
    const TimePoint end = sb.now() + 11h;    // 18:00
    {
        Daemon d(cfg, db, sb);
        while (sb.now() <= middle) {
            d.cycle();
            sb.advance(10min);
        }
    }
    // Killed mid-day, started again on the same database: the day goes on.
    {
        Daemon d(cfg, db, sb);
        while (sb.now() <= end) {
            d.cycle();
            sb.advance(10min);
        }
        run(d.ioc, [&] { return d.runtime.dispatcher()->tick(); });
    }
    // The rFBS request with two photos: one album, captioned with the customer's comment.
    const auto sent_albums = albums(sb);
    ASSERT_EQ(sent_albums.size(), 1u);
    EXPECT_EQ(sent_albums[0].method, "sendMediaGroup");
    EXPECT_EQ(sent_albums[0].media.size(), 2u);
    EXPECT_NE(sent_albums[0].text.find("маломерит"), std::string::npos) << sent_albums[0].text;
    EXPECT_EQ(headings(sb, "Заявка на возврат ждёт решения 0125000733-0001-1"), 1);
    // The FBS try-on request waits, then is approved at 15:00: resolved once.
    EXPECT_EQ(headings(sb, "Заявка на возврат ждёт решения 0120000301-0001-1"), 1);
    EXPECT_EQ(headings(sb, "Решено: Заявка на возврат ждёт решения 0120000301-0001-1"), 1);
    // The cancellation that appears at 10:00 is news once, and waits at the point from 13:00.
    EXPECT_EQ(headings(sb, "Новый возврат 0124000456-0001-1"), 1);
    EXPECT_EQ(headings(sb, "Возврат ждёт на пункте выдачи 0124000456-0001-1"), 1);
    // The dispute and the return already waiting at the pickup point (paid storage tomorrow).
    EXPECT_EQ(headings(sb, "Спор по возврату 0119000245-0001-1"), 1);
    EXPECT_EQ(headings(sb, "Возврат ждёт на пункте выдачи 0121000402-0001-1"), 1);

    // And once more at the same virtual time: nothing recorded, nothing sent.
    const auto messages = sb.telegram_messages().size();
    {
        Daemon d(cfg, db, sb);
        d.cycle();
        run(d.ioc, [&] { return d.runtime.dispatcher()->tick(); });
        for (std::size_t i = 0; i < d.runtime.scheduler().size(); ++i) {
            const auto& r = d.runtime.scheduler().at(i).last_result;
            if (r) {
                EXPECT_TRUE(r->recorded.empty()) << r->recorded.size();
            }
        }
    }
    EXPECT_EQ(sb.telegram_messages().size(), messages);
}

TEST(ReturnsWatchSandbox, ReturnsAreWatchedEvenWhenTheRfbsOrDropOffMethodsAreNotThere) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("demo.yaml")));
    sb.start();
    TempDir dir;
    Daemon d(returns_only(sb, dir, false), (dir.path / "ozonwatch.db").string(), sb, /*notify=*/false);
    auto gone_method = [&](const char* path) {
        sandbox::FaultSpec f;
        f.path = path;
        f.kind = sandbox::FaultKind::server_error;
        f.status = 404;
        f.times = 0;  // until cleared
        sb.inject_fault(f);
    };
    gone_method("/v2/returns/rfbs/list");
    gone_method("/v1/returns/company/fbs/info");
    d.cycle();
    auto& w = d.watch<returns::ReturnsWatch>("returns");
    ASSERT_TRUE(returns_slot(d).last_result.has_value());
    EXPECT_EQ(returns_slot(d).health.consecutive_failures, 0);
    EXPECT_EQ(fbs_returns(w), sb.snapshot().returns.size());
    EXPECT_EQ(w.items().count("rfbs:8000000101"), 0u);

    // The methods come back: the request and the point are read.
    sb.clear_faults();
    sb.advance(10min);
    d.cycle();
    ASSERT_EQ(w.items().count("rfbs:8000000101"), 1u);
    EXPECT_EQ(w.items().at("rfbs:8000000101").photos.size(), 2u);
    EXPECT_EQ(w.items().count("point:21500"), 1u);

    // Gone again: what was read before stays (the request is still waiting, not "resolved").
    gone_method("/v2/returns/rfbs/list");
    gone_method("/v1/returns/company/fbs/info");
    sb.advance(10min);
    d.cycle();
    EXPECT_EQ(w.items().count("rfbs:8000000101"), 1u);
    EXPECT_EQ(w.items().count("point:21500"), 1u);
    EXPECT_EQ(returns_slot(d).health.consecutive_failures, 0);  // the poll itself succeeded
    ASSERT_TRUE(returns_slot(d).last_result.has_value());
    for (const auto& e : returns_slot(d).last_result->recorded)
        EXPECT_NE(e.state, EventState::resolved) << e.key;
}

TEST(ReturnsWatchSandbox, ReturnsAtPickupPointsAreReadAgainEverySixHoursForTheirStorageSums) {
    sandbox::Sandbox sb(sandbox::load_scenario_file(scenario_path("demo.yaml")));
    sb.start();
    TempDir dir;
    Daemon d(returns_only(sb, dir, false), (dir.path / "ozonwatch.db").string(), sb, /*notify=*/false);
    auto asked_by_status = [&] {
        int n = 0;
        for (const auto& r : ozon_requests(sb))
            if (r.path == "/v1/returns/list" &&
                nlohmann::json::parse(r.body)["filter"].value("visual_status_name", "") == "ArrivedAtReturnPlace")
                ++n;
        return n;
    };
    d.cycle();
    EXPECT_EQ(asked_by_status(), 1);  // the first load reads the open states by name
    auto& w = d.watch<returns::ReturnsWatch>("returns");
    // 0121000402's paid storage starts a day after the start: nothing charged yet.
    EXPECT_EQ(w.all_items().at("return:1000015002").storage_sum, 0);
    // Ordinary polls do not ask for them again...
    for (int i = 0; i < 5; ++i) {
        sb.clear_logs();
        sb.advance(10min);
        d.cycle();
        EXPECT_EQ(asked_by_status(), 0) << i;
    }
    // ...until six hours passed since the last time: then the sums Ozon charged since are read.
    sb.set_time(sb.now() + 30h);
    sb.clear_logs();
    d.cycle();  // the daily reconciliation (a full read) is due too; it reads them anyway
    sb.clear_logs();
    sb.advance(6h);
    d.cycle();
    EXPECT_EQ(asked_by_status(), 1);
    EXPECT_GT(w.all_items().at("return:1000015002").storage_sum, 0);
}
