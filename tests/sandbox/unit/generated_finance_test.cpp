// `generate: {finance: N}` (bench_finance's month): N delivered postings over the 30 Moscow days
// before start, 1 % without any accrual, 1 % with charges only, the rest with sale + charges
// 1-3 days after delivery and acquiring; NON_ITEM accruals; the previous closed payout period in
// the cash-flow statement; the same month on every run.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "common/time.hpp"
#include "sandbox/internal.hpp"
#include "sandbox/scenario.hpp"

using namespace ozw;
using namespace ozw::sandbox;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const char* kMinimal = "start: 2026-11-26T04:00:00Z\naccounts: [{client_id: c, api_key: k}]\n";

Scenario month(int n) {
    return load_scenario_text(std::string(kMinimal) + "generate: {finance: " + std::to_string(n) + "}\n");
}

}  // namespace

TEST(GeneratedFinance, ThirtyThousandDeliveredPostingsWithTheDocumentedAccrualMix) {
    const Scenario s = month(30000);
    ASSERT_EQ(s.postings.size(), 30000u);
    std::map<std::string, TimePoint> delivered;
    std::map<std::string, int> per_day;  // Moscow day of the delivery
    for (const auto& p : s.postings) {
        EXPECT_EQ(p.status, "delivered") << p.posting_number;
        ASSERT_TRUE(p.status_changed_at) << p.posting_number;
        const TimePoint at = *p.status_changed_at;
        EXPECT_LT(at, s.start) << p.posting_number;
        EXPECT_GT(at, s.start - 31 * 24h) << p.posting_number;
        ASSERT_TRUE(p.delivering_date);
        EXPECT_LT(p.in_process_at, *p.delivering_date);
        EXPECT_LT(*p.delivering_date, at);
        delivered.emplace(p.posting_number, at);
        Accrual probe;
        probe.date = at;
        ++per_day[accrual_day(probe)];
    }
    EXPECT_EQ(delivered.size(), 30000u);  // unique numbers
    EXPECT_EQ(per_day.size(), 30u);
    for (const auto& [day, count] : per_day) EXPECT_EQ(count, 1000) << day;

    std::map<std::string, std::pair<bool, bool>> seen;  // number -> (has sale, has any line)
    std::set<std::int64_t> ids;
    int non_item = 0;
    for (const auto& a : s.accruals) {
        EXPECT_TRUE(ids.insert(a.id).second) << a.id;
        EXPECT_GT(a.id, 2000000000);
        EXPECT_EQ(a.appears_at.has_value(), a.date > s.start) << a.id;
        if (a.category == "NON_ITEM") {
            ++non_item;
            EXPECT_EQ(a.items.size(), 1u);
            EXPECT_TRUE(a.posting_number.empty());
            continue;
        }
        ASSERT_EQ(a.category, "POSTING");
        auto it = delivered.find(a.posting_number);
        ASSERT_NE(it, delivered.end()) << a.posting_number;
        // Sale and charges 1-3 days after the delivery, acquiring the same or the next day.
        bool charges = false;
        for (const auto& line : a.items) charges = charges || line.type_id == 2;
        EXPECT_GE(a.date, it->second + 24h) << a.posting_number;
        EXPECT_LT(a.date, it->second + (charges ? 24h * 3 : 24h * 5)) << a.posting_number;
        auto& [sale, any] = seen[a.posting_number];
        any = true;
        for (const auto& line : a.items) sale = sale || line.type_id == 1;
    }
    EXPECT_EQ(non_item, 10);
    int without_accrual = 0, charges_only = 0, with_sale = 0;
    for (const auto& [number, _] : delivered) {
        auto it = seen.find(number);
        if (it == seen.end()) ++without_accrual;
        else if (!it->second.first) ++charges_only;
        else ++with_sale;
    }
    EXPECT_EQ(without_accrual, 300);
    EXPECT_EQ(charges_only, 300);
    EXPECT_EQ(with_sale, 29400);
    EXPECT_EQ(s.accruals.size(), 29400u * 2 + 300 + 10);
}

TEST(GeneratedFinance, TheSameMonthOnEveryRun) {
    const Scenario a = month(2000), b = month(2000);
    ASSERT_EQ(a.postings.size(), b.postings.size());
    ASSERT_EQ(a.accruals.size(), b.accruals.size());
    for (std::size_t i = 0; i < a.postings.size(); ++i) {
        EXPECT_EQ(a.postings[i].posting_number, b.postings[i].posting_number);
        EXPECT_EQ(a.postings[i].status_changed_at, b.postings[i].status_changed_at);
        EXPECT_EQ(a.postings[i].products.front().sku, b.postings[i].products.front().sku);
    }
    for (std::size_t i = 0; i < a.accruals.size(); ++i) {
        EXPECT_EQ(a.accruals[i].date, b.accruals[i].date);
        ASSERT_EQ(a.accruals[i].items.size(), b.accruals[i].items.size());
        for (std::size_t j = 0; j < a.accruals[i].items.size(); ++j)
            EXPECT_EQ(a.accruals[i].items[j].amount, b.accruals[i].items[j].amount);
    }
}

// The payout period before start's (1-15 November) is closed, in the cash-flow statement and
// paid (on the 20th, the default); the current one (16-30 November) is open.
TEST(GeneratedFinance, PreviousClosedPeriodIsInTheCashFlowStatement) {
    Scenario s = month(3000);
    const auto current = sandbox::payout_period_at(s.start);
    const auto previous = sandbox::payout_period_at(current.begin - 1s);
    EXPECT_EQ(previous.first_day, "2026-11-01");
    json req = {{"date", {{"from", format_iso8601(previous.begin)}, {"to", format_iso8601(s.start)}}},
                {"page", 1},
                {"page_size", 10},
                {"with_details", true}};
    auto r = detail::ozon_call("/v1/finance/cash-flow-statement/list", req, s, s.accounts.at(0), s.start);
    ASSERT_EQ(r.status, 200) << r.body.dump();
    const json& flows = r.body["result"]["cash_flows"];
    ASSERT_EQ(flows.size(), 2u) << r.body.dump();
    EXPECT_EQ(flows[0]["period"]["id"], previous.id);
    EXPECT_GT(flows[0]["orders_amount"].get<double>(), 0);
    EXPECT_EQ(flows[1]["period"]["id"], current.id);
    const json& details = r.body["result"]["details"];
    ASSERT_EQ(details.size(), 2u);
    EXPECT_FALSE(details[0]["payments"].empty()) << details[0].dump();  // paid on the 20th
    EXPECT_TRUE(details[1]["payments"].empty());
}
