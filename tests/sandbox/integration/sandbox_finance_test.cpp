// The finance methods over loopback on the demo day (26.11.2026 from 07:00 Moscow): the
// cash-flow statement against an oracle computed here from the scenario's accruals, the unpaid
// period, the late and the missing accrual, by-day last_id expiry on the virtual clock, and the
// switched-off transaction methods (404, recorded). No sleeps: the virtual clock moves.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>

#include "common/time.hpp"
#include "tests/sandbox/integration/sandbox_test_client.hpp"

using namespace ozw;
using namespace ozw::sandbox;
using namespace ozw::sandbox::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

struct Finance : ::testing::Test {
    Sandbox sb{Sandbox::load_scenario(scenario_path("demo.yaml"))};
    void SetUp() override { sb.start(); }
    json ok(const std::string& path, const json& body) {
        auto r = ozon(sb, path, body);
        EXPECT_EQ(r.status, 200) << path << " " << r.body;
        return r.status == 200 ? r.json() : json::object();
    }
    json statement(const std::string& from, const std::string& to, bool details = true) {
        return ok("/v1/finance/cash-flow-statement/list",
                  {{"date", {{"from", from}, {"to", to}}}, {"page", 1}, {"page_size", 100}, {"with_details", details}});
    }
};

// The oracle, written independently of the sandbox: the payout half-month of an accrual from its
// Moscow (UTC+3) calendar day, and the cash-flow field each type id the demo uses counts in.
std::string half_month(TimePoint t) {
    const std::chrono::year_month_day d{std::chrono::floor<std::chrono::days>(t + 3h)};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%s", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                  static_cast<unsigned>(d.day()) <= 15 ? "01" : "16");
    return buf;
}

struct Sums {
    long long orders = 0, returns = 0, commission = 0, services = 0, delivery = 0, others = 0, net = 0;
};

std::map<std::string, Sums> oracle(const Scenario& s, TimePoint now) {
    std::map<std::string, Sums> out;
    for (const auto& a : s.accruals) {
        if (a.appears_at && *a.appears_at > now) continue;
        Sums& x = out[half_month(a.date)];
        for (const auto& it : a.items) {
            const long long k = std::llround(it.amount * 100);
            x.net += k;
            switch (it.type_id) {
                case 1: x.orders += k; break;                 // Выручка
                case 7: x.returns += k; break;                // Возврат выручки
                case 2: case 9: x.commission += k; break;     // Вознаграждение Ozon (+ возврат)
                case 3: case 4: case 5: case 6: x.delivery += k; break;  // логистика, миля, обработка
                case 23: case 22: case 8: x.services += k; break;        // продвижение, размещение
                case 10: case 14: x.others += k; break;       // эквайринг, корректировка
                default: ADD_FAILURE() << "type " << it.type_id << " not in the oracle";
            }
        }
    }
    return out;
}

long long kop(const json& v) { return std::llround(v.get<double>() * 100); }

std::string period_key(const json& period) {
    // begin is 00:00 Moscow of the 1st/16th
    return half_month(*parse_iso8601(period["begin"].get<std::string>()));
}

}  // namespace

TEST_F(Finance, CashFlowPeriodSumsEqualTheScenarioAccruals) {
    const auto expected = oracle(sb.snapshot(), sb.now());
    ASSERT_EQ(expected.size(), 3u);  // 16-31 Oct, 1-15 Nov, 16-30 Nov
    auto r = statement("2026-10-01T00:00:00Z", "2026-11-30T23:59:59Z");
    const json& flows = r["result"]["cash_flows"];
    const json& details = r["result"]["details"];
    ASSERT_EQ(flows.size(), 3u) << r.dump();
    ASSERT_EQ(details.size(), 3u);
    long long balance = 0;
    for (std::size_t i = 0; i < flows.size(); ++i) {
        const std::string key = period_key(flows[i]["period"]);
        SCOPED_TRACE(key);
        ASSERT_TRUE(expected.count(key));
        const Sums& e = expected.at(key);
        EXPECT_EQ(kop(flows[i]["orders_amount"]), e.orders);
        EXPECT_EQ(kop(flows[i]["returns_amount"]), e.returns);
        EXPECT_EQ(kop(flows[i]["commission_amount"]), e.commission);
        EXPECT_EQ(kop(flows[i]["services_amount"]), e.services);
        EXPECT_EQ(kop(flows[i]["item_delivery_and_return_amount"]), e.delivery);
        EXPECT_EQ(flows[i]["currency_code"], "RUB");
        const json& d = details[i];
        EXPECT_EQ(d["period"], flows[i]["period"]);
        EXPECT_EQ(kop(d["invoice_transfer"]), e.net);
        EXPECT_EQ(kop(d["others"]["total"]), e.others);
        EXPECT_EQ(kop(d["delivery"]["amount"]), e.orders + e.commission);
        EXPECT_EQ(kop(d["delivery"]["delivery_services"]["total"]), e.delivery);
        EXPECT_EQ(kop(d["services"]["total"]), e.services);
        long long items = 0;
        for (const auto& it : d["services"]["items"]) items += kop(it["price"]);
        EXPECT_EQ(items, e.services);
        // The balance chain: begin = previous end, end = begin + net - paid.
        long long paid = 0;
        for (const auto& p : d["payments"]) paid += kop(p["payment"]);
        EXPECT_EQ(kop(d["begin_balance_amount"]), balance);
        balance += e.net - paid;
        EXPECT_EQ(kop(d["end_balance_amount"]), balance);
    }
    // 1-15 November by hand: three sales, their commission, logistics and last mile, search
    // promotion, acquiring and the -64.80 correction.
    const Sums& nov = expected.at("2026-11-01");
    EXPECT_EQ(nov.orders, 877000);
    EXPECT_EQ(nov.commission, -131550);
    EXPECT_EQ(nov.services, -35000);
    EXPECT_EQ(nov.others, -13155 - 6480);
    EXPECT_EQ(nov.net, 649815);
    // The correction is an "others" item under Ozon's operation name.
    bool correction = false;
    for (const auto& it : details[1]["others"]["items"])
        correction |= it["name"] == "MarketplaceSellerCorrectionOperation" && kop(it["price"]) == -6480;
    EXPECT_TRUE(correction) << details[1].dump();
}

TEST_F(Finance, ClosedUnpaidPeriodHasNoPaymentThePaidOneHas) {
    auto r = statement("2026-10-16T00:00:00Z", "2026-11-26T00:00:00Z");
    const json& details = r["result"]["details"];
    ASSERT_EQ(details.size(), 3u);
    std::map<std::string, json> by;
    for (const auto& d : details) by[period_key(d["period"])] = d;
    const auto expected = oracle(sb.snapshot(), sb.now());
    // 16-31 October: paid in full (5 November by default).
    ASSERT_EQ(by["2026-10-16"]["payments"].size(), 1u);
    EXPECT_EQ(kop(by["2026-10-16"]["payments"][0]["payment"]), expected.at("2026-10-16").net);
    EXPECT_EQ(by["2026-10-16"]["payments"][0]["currency_code"], "RUB");
    EXPECT_EQ(kop(by["2026-10-16"]["end_balance_amount"]), 0);
    // 1-15 November: closed (it ended on the 15th), Ozon should have paid by the 20th: nothing.
    EXPECT_LT(*parse_iso8601(by["2026-11-01"]["period"]["end"].get<std::string>()), sb.now());
    EXPECT_TRUE(by["2026-11-01"]["payments"].is_array());
    EXPECT_TRUE(by["2026-11-01"]["payments"].empty());
    EXPECT_GT(kop(by["2026-11-01"]["invoice_transfer"]), 0);
    EXPECT_EQ(kop(by["2026-11-01"]["end_balance_amount"]), expected.at("2026-11-01").net);
    // The open period: no payment yet either; still none at the end of the demo day.
    EXPECT_TRUE(by["2026-11-16"]["payments"].empty());
    sb.advance(14h);
    r = statement("2026-11-01T00:00:00Z", "2026-11-15T00:00:00Z");
    ASSERT_EQ(r["result"]["details"].size(), 1u);
    EXPECT_TRUE(r["result"]["details"][0]["payments"].empty());
}

TEST_F(Finance, LateAccrualArrivesAtNoonTheMissingOneNever) {
    const json numbers = {{"posting_numbers", {"0122000514-0001-1", "0122000515-0001-1", "0124000517-0001-1"}}};
    auto posted = [&] {
        std::set<std::string> out;
        const json body = ok("/v1/finance/accrual/postings", numbers);
        for (const auto& p : body["posting_accruals"]) out.insert(p["posting_number"].get<std::string>());
        return out;
    };
    auto day_units = [&] {
        std::set<std::string> out;
        const json body = ok("/v1/finance/accrual/by-day", {{"date", "2026-11-25"}, {"last_id", ""}});
        for (const auto& a : body["accruals"])
            out.insert(a["unit_number"].get<std::string>());
        return out;
    };
    EXPECT_EQ(posted(), std::set<std::string>{"0122000514-0001-1"});
    EXPECT_FALSE(day_units().count("0124000517-0001-1"));
    sb.advance(5h - 1s);  // 11:59:59 Moscow
    EXPECT_FALSE(posted().count("0124000517-0001-1"));
    sb.advance(1s);       // 12:00
    EXPECT_EQ(posted(), (std::set<std::string>{"0122000514-0001-1", "0124000517-0001-1"}));
    EXPECT_TRUE(day_units().count("0124000517-0001-1"));
    auto r = statement("2026-11-16T00:00:00Z", "2026-11-26T00:00:00Z", false);
    EXPECT_EQ(kop(r["result"]["cash_flows"][0]["orders_amount"]), 349000 + 249000 + 199000);
    // 0122000515, delivered four days before the demo day, gets nothing all day.
    sb.advance(9h);
    EXPECT_FALSE(posted().count("0122000515-0001-1"));
    const auto s = sb.snapshot();
    for (const auto& a : s.accruals) EXPECT_NE(a.posting_number, "0122000515-0001-1");
    bool delivered = false;
    for (const auto& p : s.postings) delivered |= p.posting_number == "0122000515-0001-1" && p.status == "delivered";
    EXPECT_TRUE(delivered);
}

TEST_F(Finance, ByDayLastIdExpiresAfterFifteenVirtualMinutes) {
    // 150 accruals on one day: two pages.
    sb.mutate([](Scenario& s) {
        for (int i = 0; i < 150; ++i) {
            Accrual a;
            a.id = 950000001 + i;
            a.posting_number = a.unit_number = std::to_string(20000000 + i) + "-0001-1";
            a.date = *parse_iso8601("2026-11-20T09:00:00Z");
            a.items = {{1, "Выручка", 100.0}, {2, "Вознаграждение Ozon", -15.0}};
            s.accruals.push_back(a);
        }
    });
    auto first = ok("/v1/finance/accrual/by-day", {{"date", "2026-11-20"}, {"last_id", ""}});
    ASSERT_EQ(first["accruals"].size(), 100u);
    const std::string cursor = first["last_id"];
    ASSERT_FALSE(cursor.empty());
    sb.advance(15min + 1s);
    auto expired = ozon(sb, "/v1/finance/accrual/by-day", json{{"date", "2026-11-20"}, {"last_id", cursor}});
    EXPECT_EQ(expired.status, 400) << expired.body;
    EXPECT_EQ(expired.json()["message"], "last_id expired");
    EXPECT_EQ(expired.json()["code"], 3);
    // The client restarts the date: a fresh walk sees every accrual once.
    std::set<std::int64_t> ids;
    std::string last_id;
    do {
        auto page = ok("/v1/finance/accrual/by-day", {{"date", "2026-11-20"}, {"last_id", last_id}});
        for (const auto& a : page["accruals"]) EXPECT_TRUE(ids.insert(a["accrual_id"].get<std::int64_t>()).second);
        last_id = page["last_id"];
        sb.advance(14min);  // slow, but within the lifetime
    } while (!last_id.empty());
    EXPECT_EQ(ids.size(), 150u);
}

TEST_F(Finance, SwitchedOffTransactionMethodsAnswer404AndAreRecorded) {
    // The replacements are served and are not "retired" calls.
    ok("/v1/finance/accrual/types", json::object());
    statement("2026-11-01T00:00:00Z", "2026-11-15T00:00:00Z");
    EXPECT_TRUE(sb.retired_calls().empty());
    for (const char* p : {"/v3/finance/transaction/list", "/v3/finance/transaction/totals"}) {
        auto r = ozon(sb, p, json{{"filter", {{"date", {{"from", "2026-11-01T00:00:00.000Z"}, {"to", "2026-11-15T00:00:00.000Z"}}}}},
                                  {"page", 1}, {"page_size", 1000}});
        EXPECT_EQ(r.status, 404) << p;
        EXPECT_NE(r.json()["message"].get<std::string>().find("obsolete"), std::string::npos) << r.body;
    }
    auto retired = sb.retired_calls();
    ASSERT_EQ(retired.size(), 2u);
    EXPECT_EQ(retired[0].path, "/v3/finance/transaction/list");
    EXPECT_EQ(retired[1].path, "/v3/finance/transaction/totals");
    EXPECT_EQ(retired[0].status, 404);
    EXPECT_EQ(retired[0].client_id, "demo");
    EXPECT_EQ(retired[0].virtual_time, sb.now());
}
