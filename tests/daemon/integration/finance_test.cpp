// The finance watch against the sandbox, through the whole daemon: the postings watch stores the
// delivered postings, the finance watch reads them from the store (never from the postings
// code), asks /v1/finance/accrual/postings about those delivered long enough ago and alerts on
// the one whose sale never came; the switched-off finance methods are never called.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>

#include "daemon/watches/finance/watch.hpp"
#include "tests/daemon/integration/sandbox_daemon.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;
using ozw::test::Daemon;
using ozw::test::ozon_requests;
using ozw::test::sandbox_config;
using ozw::test::scenario_path;
using ozw::test::TempDir;

namespace {

// The demo day through the whole daemon, the finance watch with the postings watch it reads;
// the returns and stocks watches off (their polls add nothing the finance tests look at).
struct DemoFinance {
    sandbox::Sandbox sb{sandbox::load_scenario_file(scenario_path("demo.yaml"))};
    TempDir dir;
    std::unique_ptr<Daemon> daemon;
    DemoFinance() {
        sb.start();
        Config cfg = sandbox_config(sb, dir.path.string(), false);
        edit_settings_base(cfg, "returns").enabled = false;
        edit_settings_base(cfg, "stocks").enabled = false;
        daemon = std::make_unique<Daemon>(cfg, (dir.path / "ozonwatch.db").string(), sb, /*notify=*/false);
    }
};

}  // namespace

TEST(FinanceSandbox, TheDeliveredPostingWithoutItsSaleIsAnnouncedAndThePaidOnesAreNot) {
    DemoFinance f;
    auto& sb = f.sb;
    auto& d = *f.daemon;
    // The postings watch comes first in the list: by the finance poll its snapshot is stored.
    d.cycle();
    auto& w = d.watch<finance::FinanceWatch>("finance");
    // demo.yaml: 0122000514 and 0122000515 were delivered four days ago (handed over six days
    // ago); 0122000515 has no accrual, 0122000514 has its sale. 0124000517 and 0125000518 were
    // delivered two days and one day ago (handed over four and three days ago): not due yet,
    // so not asked about (the first load dated them by their last status change, not by the
    // hand-over).
    ASSERT_NE(w.accrual("0122000515-0001-1"), nullptr);
    EXPECT_FALSE(w.accrual("0122000515-0001-1")->paid);
    ASSERT_NE(w.accrual("0122000514-0001-1"), nullptr);
    EXPECT_TRUE(w.accrual("0122000514-0001-1")->paid);
    EXPECT_GT(w.accrual("0122000514-0001-1")->sale, Decimal{});
    EXPECT_EQ(w.accrual("0124000517-0001-1"), nullptr);
    EXPECT_EQ(w.accrual("0125000518-0001-1"), nullptr);
    std::vector<std::string> keys;
    for (const auto& c : d.store.active_conditions("main"))
        if (c.event.type == "finance.accrual_missing") keys.push_back(c.event.key);
    EXPECT_EQ(keys, std::vector<std::string>{"finance.accrual_missing:0122000515-0001-1"});
    // Every posting asked about was asked in one request, and only the accrual methods of 2026.
    int accrual_calls = 0;
    for (const auto& r : ozon_requests(sb)) {
        EXPECT_EQ(r.path.find("/v3/finance/transaction"), std::string::npos) << r.path;
        if (r.path == "/v1/finance/accrual/postings") {
            ++accrual_calls;
            EXPECT_LE(nlohmann::json::parse(r.body)["posting_numbers"].size(), 200u);
        }
    }
    EXPECT_EQ(accrual_calls, 1);
    EXPECT_TRUE(sb.retired_calls().empty());

    // An hour later: the unpaid one is asked about again, the paid one is not.
    sb.clear_logs();
    sb.advance(1h);
    d.cycle();
    int asked_again = 0;
    for (const auto& r : ozon_requests(sb)) {
        if (r.path != "/v1/finance/accrual/postings") continue;
        const auto numbers = nlohmann::json::parse(r.body)["posting_numbers"];
        EXPECT_NE(std::find(numbers.begin(), numbers.end(), "0122000515-0001-1"), numbers.end()) << r.body;
        EXPECT_EQ(std::find(numbers.begin(), numbers.end(), "0122000514-0001-1"), numbers.end()) << r.body;
        ++asked_again;
    }
    EXPECT_EQ(asked_again, 1);
}

namespace {

std::vector<Event> events_of(Store& store, const std::string& type) {
    std::vector<Event> out;
    for (auto& e : store.events_since(TimePoint{}))
        if (e.type == type) out.push_back(std::move(e));
    return out;
}

std::vector<std::string> active_keys(Store& store, const std::string& type) {
    std::vector<std::string> keys;
    for (const auto& c : store.active_conditions("main"))
        if (c.event.type == type) keys.push_back(c.event.key);
    return keys;
}

int calls_to(const sandbox::Sandbox& sb, const std::string& path) {
    int n = 0;
    for (const auto& r : ozon_requests(sb)) n += r.path == path;
    return n;
}

std::string report_text(finance::FinanceWatch& w, TimePoint now) {
    ReportOptions o;
    o.now = now;
    std::string text;
    for (const auto& l : w.report_lines(o)) text += l + "\n";
    return text;
}

}  // namespace

// demo.yaml at 07:00 Moscow on 26.11: 1-15 November closed ten days ago and was never paid;
// 16-31 October was paid on 5 November. The first day already brings the last period's summary
// (the one transition a baseline sends) and the missing payout; the earlier period is quiet.
TEST(FinanceSandbox, TheLastClosedPeriodIsSummedUpOnTheFirstDayAndItsMissingPayoutAnnounced) {
    DemoFinance f;
    auto& sb = f.sb;
    auto& d = *f.daemon;
    d.cycle();
    const auto closed = events_of(d.store, "finance.period_closed");
    ASSERT_EQ(closed.size(), 1u);
    const auto& e = closed[0];
    EXPECT_EQ(e.key, "finance.period_closed:2026-11-01");
    EXPECT_EQ(e.details.at("period"), "01.11.2026–15.11.2026");
    EXPECT_EQ(e.details.at("statement"), true);
    // demo.yaml's accruals of 1-15 November, summed by hand: sales 3490 + 3290 + 1990; to be
    // paid = everything accrued: the sales, commissions -1315.50, logistics -335, last mile -75,
    // acquiring -131.55, the promotion -350 and the correction -64.80.
    EXPECT_EQ(e.details.at("orders"), "8770.00");
    EXPECT_EQ(e.details.at("to_pay"), "6498.15");
    EXPECT_TRUE(e.details.at("paid").is_null());
    // Its three postings were taken into work before the postings watch's 14-day first load
    // (2, 6 and 10 November): ozonwatch does not know them, and the summary says its count is
    // incomplete since when it has watched.
    EXPECT_EQ(e.details.at("delivered"), 0);
    EXPECT_EQ(e.details.at("missing_count"), 0);
    EXPECT_EQ(e.details.at("counted_since"), "2026-11-26T04:00:00Z");
    EXPECT_EQ(active_keys(d.store, "finance.payout_missing"),
              std::vector<std::string>{"finance.payout_missing:2026-11-01"});
    auto& w = d.watch<finance::FinanceWatch>("finance");
    ASSERT_NE(w.period("2026-10-16"), nullptr);
    EXPECT_TRUE(w.period("2026-10-16")->payment_seen);
    EXPECT_EQ(calls_to(sb, "/v1/finance/cash-flow-statement/list"), 1);
    EXPECT_TRUE(sb.retired_calls().empty());

    // The report: the current period so far from accrual/by-day (0122000514 on the 23rd and
    // 0123000516 on the 24th: sales 3490 + 2490, charges -720.85 - 555.85) and the last period.
    const std::string report = report_text(w, sb.now());
    EXPECT_NE(report.find("текущий период 16.11.2026–30.11.2026, по 26.11: начислено 4 703,30 ₽ (продажи 5 980 ₽, "
                          "удержания -1 276,70 ₽)"),
              std::string::npos)
        << report;
    EXPECT_NE(report.find("прошлый период 01.11.2026–15.11.2026: к выплате 6 498,15 ₽, выплаты ещё нет"),
              std::string::npos)
        << report;

    // 0124000517's accrual, dated the 25th, appears at 12:00 Moscow: the 25th is read again
    // (by_day_refresh 6 h: at 13:00 Moscow) and the period grows by its sale; no summary is
    // sent again.
    sb.set_time(*parse_iso8601("2026-11-26T10:00:00Z"));
    d.cycle();
    EXPECT_NE(report_text(w, sb.now()).find("(продажи 7 970 ₽"), std::string::npos) << report_text(w, sb.now());
    EXPECT_EQ(events_of(d.store, "finance.period_closed").size(), 1u);
}

// The period 16-30 November ends at local midnight (21:00 UTC on the 30th): the hourly poll
// before it says nothing, the first poll after it sends the summary, with the posting whose sale
// never came by its link; the summary is sent once.
TEST(FinanceSandbox, APeriodIsSummedUpOnTheFirstPollAfterLocalMidnight) {
    DemoFinance f;
    auto& sb = f.sb;
    auto& d = *f.daemon;
    d.cycle();
    sb.set_time(*parse_iso8601("2026-11-30T20:00:00Z"));
    d.cycle();
    EXPECT_EQ(events_of(d.store, "finance.period_closed").size(), 1u);  // 1-15 November's only
    sb.set_time(*parse_iso8601("2026-11-30T21:00:00Z"));
    d.cycle();
    const auto closed = events_of(d.store, "finance.period_closed");
    ASSERT_EQ(closed.size(), 2u);
    const auto& e = closed[1];
    EXPECT_EQ(e.key, "finance.period_closed:2026-11-16");
    EXPECT_EQ(e.details.at("period"), "16.11.2026–30.11.2026");
    // Never accrued: 0122000515 (delivered on the 22nd) and 0125000518 (the 25th, due on the
    // 28th); accrued: 0122000514, 0123000516 and the late 0124000517.
    EXPECT_EQ(e.details.at("missing"), nlohmann::json::array({"0122000515-0001-1", "0125000518-0001-1"}));
    EXPECT_EQ(e.details.at("missing_links").at(0),
              "https://seller.ozon.ru/app/postings/fbs?tab=all&postingDetails=0122000515-0001-1");
    EXPECT_EQ(e.details.at("accrued"), 3);
    // 0126000809, delivered at 13:00 on the 26th after the first poll read its row as not yet
    // delivered: its changed row is read again, and it is not due yet when the period closes.
    EXPECT_EQ(e.details.at("waiting"), 1);
    EXPECT_EQ(e.details.at("delivered"), 6);
    EXPECT_EQ(e.details.at("statement"), true);
    // ozonwatch began watching on the 26th, within the period: its count says so.
    EXPECT_EQ(e.details.at("counted_since"), "2026-11-26T04:00:00Z");
    sb.advance(1h);
    d.cycle();
    EXPECT_EQ(events_of(d.store, "finance.period_closed").size(), 2u);
}

// 0122000515 was due on the 25th (delivered on the 22nd): asked about every hour for a week after
// that, then on the first poll of each local day only.
TEST(FinanceSandbox, AnAccrualOverdueForAWeekIsAskedAboutDailyNotHourly) {
    DemoFinance f;
    auto& sb = f.sb;
    auto& d = *f.daemon;
    auto asked = [&] {
        int n = 0;
        for (const auto& r : ozon_requests(sb)) {
            if (r.path != "/v1/finance/accrual/postings") continue;
            const auto numbers = nlohmann::json::parse(r.body)["posting_numbers"];
            n += std::find(numbers.begin(), numbers.end(), "0122000515-0001-1") != numbers.end();
        }
        return n;
    };
    d.cycle();
    EXPECT_EQ(asked(), 1);
    auto poll_at = [&](const char* when) {
        sb.clear_logs();
        sb.set_time(*parse_iso8601(when));
        d.cycle();
        return asked();
    };
    EXPECT_EQ(poll_at("2026-11-26T05:00:00Z"), 1);  // within the week: hourly
    EXPECT_EQ(poll_at("2026-12-03T05:00:00Z"), 1);  // 08:00 Moscow, the first poll of the 3rd
    EXPECT_EQ(poll_at("2026-12-03T06:00:00Z"), 0);  // an hour later: not again
    EXPECT_EQ(poll_at("2026-12-03T20:59:00Z"), 0);  // 23:59 Moscow: still the 3rd
    EXPECT_EQ(poll_at("2026-12-03T21:59:00Z"), 1);  // 00:59 Moscow on the 4th
    const auto firing = active_keys(d.store, "finance.accrual_missing");  // and the alert stays
    EXPECT_NE(std::find(firing.begin(), firing.end(), "finance.accrual_missing:0122000515-0001-1"), firing.end());
}
