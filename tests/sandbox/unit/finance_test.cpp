// The sandbox's finance methods called directly (no network): accrual types, accrual/postings
// batch limit, accrual/by-day categories, paging and last_id expiry on the virtual clock, late
// accruals, the cash-flow statement's request rules and periods, scenario keys.
#include <gtest/gtest.h>

#include <set>

#include "common/time.hpp"
#include "sandbox/internal.hpp"

using namespace ozw;
using namespace ozw::sandbox;
using namespace ozw::sandbox::detail;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

TimePoint at(const char* iso) { return *parse_iso8601(iso); }

Scenario demo() { return load_scenario_file(std::string(OZW_SOURCE_DIR) + "/sandbox/scenarios/demo.yaml"); }

ApiResult call(Scenario& s, const std::string& path, const json& req, TimePoint now) {
    return ozon_call(path, req, s, s.accounts.at(0), now);
}

void expect_400(const ApiResult& r, const std::string& fragment) {
    EXPECT_EQ(r.status, 400) << r.body.dump();
    EXPECT_EQ(r.body["code"], 3);
    EXPECT_TRUE(r.body["details"].is_array());
    EXPECT_NE(r.body["message"].get<std::string>().find(fragment), std::string::npos) << r.body.dump();
}

std::string scenario_error(const std::string& yaml) {
    try {
        load_scenario_text(yaml, "t.yaml");
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "no error";
}

const char* kHead = "start: 2026-11-26T04:00:00Z\naccounts: [{client_id: c, api_key: k}]\n";

// A scenario with `n` small accruals on 2026-11-20 (Moscow) and nothing else.
Scenario many_on_one_day(int n) {
    std::string y = kHead;
    y += "accruals:\n";
    for (int i = 0; i < n; ++i)
        y += "  - {posting_number: " + std::to_string(10000000 + i) + "-0001-1, date: 2026-11-20T09:00:00Z, sale: 100, commission: -15}\n";
    return load_scenario_text(y, "many.yaml");
}

}  // namespace

TEST(FinanceTypes, RealisticListConsistentWithTheAccrualsServed) {
    Scenario s = demo();
    auto r = call(s, "/v1/finance/accrual/types", json(), s.start);
    ASSERT_EQ(r.status, 200);
    const json& types = r.body["accrual_types"];
    ASSERT_GE(types.size(), 25u);
    std::set<int> ids;
    std::set<std::string> names;
    for (const auto& t : types) {
        ASSERT_TRUE(t["id"].is_number_integer());
        EXPECT_TRUE(ids.insert(t["id"].get<int>()).second) << t.dump();
        EXPECT_FALSE(t["description"].get<std::string>().empty()) << t.dump();
        names.insert(t["name"].get<std::string>());
    }
    for (const char* n : {"Выручка", "Вознаграждение Ozon", "Логистика", "Последняя миля", "Обратная логистика",
                          "Эквайринг", "Обработка отправления", "Размещение товаров", "Корректировка стоимости услуг",
                          "Компенсация за утерянный товар", "Возврат выручки"})
        EXPECT_TRUE(names.count(n)) << n;
    // Every type id the other methods serve for the demo is in the dictionary.
    std::set<std::int64_t> used;
    for (const auto& a : s.accruals)
        for (const auto& it : a.items) used.insert(it.type_id);
    EXPECT_GE(used.size(), 6u);
    for (auto id : used) EXPECT_TRUE(ids.count(static_cast<int>(id))) << id;
    // The shortcut keys name types: sale is Выручка, correction the correction of a service's cost.
    ASSERT_NE(find_accrual_type("sale"), nullptr);
    EXPECT_STREQ(find_accrual_type("sale")->name, "Выручка");
    EXPECT_EQ(find_accrual_type("correction")->kind, AccrualKind::other);
}

TEST(FinancePostings, BatchOf200AcceptedMoreRefused) {
    Scenario s = demo();
    json numbers = json::array();
    for (int i = 0; i < 199; ++i) numbers.push_back("9" + std::to_string(100000000 + i) + "-0001-1");
    numbers.push_back("0103000401-0001-1");
    auto r = call(s, "/v1/finance/accrual/postings", {{"posting_numbers", numbers}}, s.start);
    ASSERT_EQ(r.status, 200) << r.body.dump();
    ASSERT_EQ(r.body["posting_accruals"].size(), 1u);
    // The sale line and the later NON_ITEM correction of the same posting.
    const json& acc = r.body["posting_accruals"][0]["accruals"];
    ASSERT_EQ(acc.size(), 6u);
    EXPECT_EQ(acc[0]["type_id"], 1);
    EXPECT_EQ(acc[0]["accrued"]["amount"], "3490.00");
    EXPECT_EQ(acc[0]["seller_price"]["amount"], "3490.00");
    EXPECT_EQ(acc[0]["sku"], 1800000001);
    EXPECT_EQ(acc[0]["accrual_date"], "2026-11-06");
    EXPECT_EQ(acc[5]["type_id"], find_accrual_type("correction")->id);
    EXPECT_EQ(acc[5]["accrued"]["amount"], "-64.80");
    EXPECT_EQ(acc[5]["accrual_date"], "2026-11-12");
    EXPECT_TRUE(acc[5]["seller_price"].is_null());

    numbers.push_back("0107000402-0001-1");
    expect_400(call(s, "/v1/finance/accrual/postings", {{"posting_numbers", numbers}}, s.start), "200");
    expect_400(call(s, "/v1/finance/accrual/postings", {{"posting_numbers", json::array()}}, s.start), "posting_numbers");
}

TEST(FinanceByDay, AccrualsComeInTheirCategories) {
    Scenario s = demo();
    // POSTING: sale and commission in products[].commission, the rest as delivery services.
    auto r = call(s, "/v1/finance/accrual/by-day", {{"date", "2026-11-06"}, {"last_id", ""}}, s.start);
    ASSERT_EQ(r.status, 200) << r.body.dump();
    ASSERT_EQ(r.body["accruals"].size(), 1u);
    const json& p = r.body["accruals"][0];
    EXPECT_EQ(p["accrued_category"], "POSTING");
    EXPECT_EQ(p["unit_number"], "0103000401-0001-1");
    EXPECT_EQ(p["date"], "2026-11-06");
    EXPECT_EQ(p["total_amount"]["amount"], "2769.15");  // 3490 - 523.5 - 120 - 25 - 52.35
    const json& prod = p["posting"]["products"][0];
    EXPECT_EQ(prod["sku"], 1800000001);
    EXPECT_EQ(prod["commission"]["sale_amount"]["amount"], "3490.00");
    EXPECT_EQ(prod["commission"]["sale_commission"]["amount"], "-523.50");
    EXPECT_EQ(prod["commission"]["commission_ratio"], "0.1500");
    EXPECT_EQ(prod["delivery"]["total_accrued"]["amount"], "-197.35");
    std::set<int> service_types;
    for (const auto& f : prod["delivery"]["services"]) service_types.insert(f["type_id"].get<int>());
    EXPECT_EQ(service_types, (std::set<int>{3, 6, 10}));
    EXPECT_TRUE(p["item_fees"].is_null());
    EXPECT_TRUE(p["non_item_fee"].is_null());

    // NON_ITEM: promotion (dated 21:30Z on the 8th = the 9th in Moscow) and the negative correction.
    r = call(s, "/v1/finance/accrual/by-day", {{"date", "2026-11-09"}, {"last_id", ""}}, s.start);
    ASSERT_EQ(r.body["accruals"].size(), 1u);
    EXPECT_EQ(r.body["accruals"][0]["accrued_category"], "NON_ITEM");
    EXPECT_EQ(r.body["accruals"][0]["unit_number"], "ПП-2026-1107");
    EXPECT_EQ(r.body["accruals"][0]["non_item_fee"]["accrued"]["amount"], "-350.00");
    EXPECT_TRUE(r.body["accruals"][0]["posting"].is_null());
    EXPECT_TRUE(call(s, "/v1/finance/accrual/by-day", {{"date", "2026-11-08"}, {"last_id", ""}}, s.start)
                    .body["accruals"].empty());
    r = call(s, "/v1/finance/accrual/by-day", {{"date", "2026-11-12"}, {"last_id", ""}}, s.start);
    ASSERT_EQ(r.body["accruals"].size(), 1u);
    EXPECT_EQ(r.body["accruals"][0]["non_item_fee"]["type_id"], find_accrual_type("correction")->id);
    EXPECT_EQ(r.body["accruals"][0]["total_amount"]["amount"], "-64.80");

    // ITEM and CONTAINER_FEES from a scenario of their own.
    Scenario t = load_scenario_text(std::string(kHead) + R"(accruals:
  - {posting_number: 1-1, category: ITEM, sku: 77, date: 2026-11-20T09:00:00Z, storage: -12.5, disposal: -40}
  - {unit_number: BOX-9, category: CONTAINER_FEES, date: 2026-11-20T09:00:00Z, items: [{type: processing, amount: -30}]}
)", "t.yaml");
    r = call(t, "/v1/finance/accrual/by-day", {{"date", "2026-11-20"}, {"last_id", ""}}, t.start);
    ASSERT_EQ(r.body["accruals"].size(), 2u);
    EXPECT_EQ(r.body["accruals"][0]["accrued_category"], "ITEM");
    EXPECT_EQ(r.body["accruals"][0]["item_fees"]["fees"][0]["sku"], 77);
    EXPECT_EQ(r.body["accruals"][0]["item_fees"]["fees"][0]["fees"].size(), 2u);
    EXPECT_EQ(r.body["accruals"][0]["total_amount"]["amount"], "-52.50");
    EXPECT_EQ(r.body["accruals"][1]["accrued_category"], "CONTAINER_FEES");
    EXPECT_EQ(r.body["accruals"][1]["unit_number"], "BOX-9");
    EXPECT_EQ(r.body["accruals"][1]["container_fees"]["fees"][0]["type_id"], 5);
}

TEST(FinanceByDay, OneDatePagesOfAHundredByLastId) {
    Scenario s = many_on_one_day(250);
    std::vector<std::int64_t> ids;
    std::string last_id;
    int pages = 0;
    do {
        auto r = call(s, "/v1/finance/accrual/by-day", {{"date", "2026-11-20"}, {"last_id", last_id}}, s.start);
        ASSERT_EQ(r.status, 200) << r.body.dump();
        EXPECT_LE(r.body["accruals"].size(), kByDayPage);
        for (const auto& a : r.body["accruals"]) {
            EXPECT_EQ(a["date"], "2026-11-20");
            ids.push_back(a["accrual_id"].get<std::int64_t>());
        }
        last_id = r.body["last_id"].get<std::string>();
        ++pages;
    } while (!last_id.empty() && pages < 10);
    EXPECT_EQ(pages, 3);
    ASSERT_EQ(ids.size(), 250u);
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
    EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(), 250u);
    // Other dates have nothing; a cursor is for its own date only.
    auto first = call(s, "/v1/finance/accrual/by-day", {{"date", "2026-11-20"}, {"last_id", ""}}, s.start);
    expect_400(call(s, "/v1/finance/accrual/by-day",
                    {{"date", "2026-11-21"}, {"last_id", first.body["last_id"]}}, s.start), "date");
    EXPECT_TRUE(call(s, "/v1/finance/accrual/by-day", {{"date", "2026-11-21"}, {"last_id", ""}}, s.start)
                    .body["accruals"].empty());
}

TEST(FinanceByDay, LastIdLivesFifteenVirtualMinutes) {
    Scenario s = many_on_one_day(150);
    const TimePoint t0 = s.start;
    auto first = call(s, "/v1/finance/accrual/by-day", {{"date", "2026-11-20"}, {"last_id", ""}}, t0);
    const std::string cursor = first.body["last_id"];
    ASSERT_FALSE(cursor.empty());
    // Exactly 15 minutes later it still works...
    auto ok = call(s, "/v1/finance/accrual/by-day", {{"date", "2026-11-20"}, {"last_id", cursor}}, t0 + kLastIdLifetime);
    ASSERT_EQ(ok.status, 200) << ok.body.dump();
    EXPECT_EQ(ok.body["accruals"].size(), 50u);
    // ...a millisecond later Ozon's 400 "last_id expired".
    auto late = call(s, "/v1/finance/accrual/by-day", {{"date", "2026-11-20"}, {"last_id", cursor}},
                     t0 + kLastIdLifetime + 1ms);
    expect_400(late, "last_id expired");
    EXPECT_EQ(late.body["message"], kLastIdExpired);
    // Restarting the date gives a fresh cursor that works again.
    const TimePoint t1 = t0 + 1h;
    auto again = call(s, "/v1/finance/accrual/by-day", {{"date", "2026-11-20"}, {"last_id", ""}}, t1);
    ASSERT_EQ(again.body["accruals"].size(), kByDayPage);
    auto rest = call(s, "/v1/finance/accrual/by-day", {{"date", "2026-11-20"}, {"last_id", again.body["last_id"]}},
                     t1 + 10min);
    ASSERT_EQ(rest.status, 200);
    EXPECT_EQ(rest.body["accruals"].size(), 50u);
    EXPECT_EQ(rest.body["last_id"], "");
}

TEST(FinanceLate, InvisibleBeforeItsTimeEverywhere) {
    Scenario s = demo();
    const Accrual* late = nullptr;
    for (const auto& a : s.accruals)
        if (a.appears_at) late = &a;
    ASSERT_NE(late, nullptr);
    EXPECT_EQ(late->posting_number, "0124000517-0001-1");
    EXPECT_EQ(*late->appears_at, s.start + 5h);  // 12:00 Moscow on the demo day
    EXPECT_EQ(accrual_day(*late), "2026-11-25");  // dated yesterday
    const json postings = {{"posting_numbers", {"0124000517-0001-1"}}};
    const json by_day = {{"date", "2026-11-25"}, {"last_id", ""}};
    const json flows = {{"date", {{"from", "2026-11-16T00:00:00Z"}, {"to", "2026-11-26T00:00:00Z"}}},
                        {"page", 1}, {"page_size", 10}};
    const TimePoint before = *late->appears_at - 1ms, after = *late->appears_at;
    EXPECT_TRUE(call(s, "/v1/finance/accrual/postings", postings, before).body["posting_accruals"].empty());
    EXPECT_EQ(call(s, "/v1/finance/accrual/postings", postings, after).body["posting_accruals"].size(), 1u);
    auto units = [&](TimePoint now) {
        std::set<std::string> u;
        const json body = call(s, "/v1/finance/accrual/by-day", by_day, now).body;
        for (const auto& a : body["accruals"]) u.insert(a["unit_number"].get<std::string>());
        return u;
    };
    EXPECT_FALSE(units(before).count("0124000517-0001-1"));
    EXPECT_TRUE(units(after).count("0124000517-0001-1"));
    auto orders = [&](TimePoint now) {
        return call(s, "/v1/finance/cash-flow-statement/list", flows, now).body["result"]["cash_flows"][0]["orders_amount"]
            .get<double>();
    };
    EXPECT_DOUBLE_EQ(orders(before), 3490 + 2490);
    EXPECT_DOUBLE_EQ(orders(after), 3490 + 2490 + 1990);

    // `late: +2d` is appears_at = date + 2 days.
    Scenario t = load_scenario_text(std::string(kHead) +
                                        "accruals: [{posting_number: 1-1, date: 2026-11-20T09:00:00Z, late: +2d, sale: 10}]\n",
                                    "t.yaml");
    ASSERT_TRUE(t.accruals[0].appears_at);
    EXPECT_EQ(*t.accruals[0].appears_at, at("2026-11-22T09:00:00Z"));
}

TEST(FinancePeriods, HalfMonthsInMoscowTime) {
    auto p = payout_period_at(at("2026-11-15T20:59:59Z"));  // 23:59:59 MSK on the 15th
    EXPECT_EQ(p.first_day, "2026-11-01");
    EXPECT_EQ(p.begin, at("2026-10-31T21:00:00Z"));
    EXPECT_EQ(p.end, at("2026-11-15T20:59:59Z"));
    EXPECT_EQ(p.id, 20261101);
    auto q = payout_period_at(at("2026-11-15T21:00:00Z"));  // 00:00 MSK on the 16th
    EXPECT_EQ(q.first_day, "2026-11-16");
    EXPECT_EQ(q.end, at("2026-11-30T20:59:59Z"));
    EXPECT_EQ(next_payout_period(q).first_day, "2026-12-01");
    EXPECT_EQ(payout_period_of_day("2027-02-20")->end, at("2027-02-28T20:59:59Z"));
    EXPECT_EQ(payout_period_of_day("2028-02-29")->end, at("2028-02-29T20:59:59Z"));
    EXPECT_EQ(default_paid_at(p), at("2026-11-20T09:00:00Z"));   // the 20th, 12:00 MSK
    EXPECT_EQ(default_paid_at(q), at("2026-12-05T09:00:00Z"));   // the 5th of the next month
    EXPECT_FALSE(payout_period_of_day("2026-11"));
}

TEST(FinanceCashFlow, RequestRulesAndPaging) {
    Scenario s = demo();
    const json date = {{"from", "2026-10-01T00:00:00Z"}, {"to", "2026-11-30T00:00:00Z"}};
    auto flows = [&](const json& req) { return call(s, "/v1/finance/cash-flow-statement/list", req, s.start); };
    expect_400(flows({{"page", 1}, {"page_size", 10}}), "date");
    expect_400(flows({{"date", {{"from", "2026-10-01T00:00:00Z"}}}, {"page", 1}, {"page_size", 10}}), "date.to");
    expect_400(flows({{"date", {{"from", "2026-12-01T00:00:00Z"}, {"to", "2026-11-01T00:00:00Z"}}}, {"page", 1},
                      {"page_size", 10}}), "date.from");
    expect_400(flows({{"date", date}, {"page_size", 10}}), "page");
    expect_400(flows({{"date", date}, {"page", 0}, {"page_size", 10}}), "page");
    expect_400(flows({{"date", date}, {"page", 1}}), "page_size");
    expect_400(flows({{"date", date}, {"page", 1}, {"page_size", 0}}), "page_size");

    // Three periods so far: 16-31 Oct, 1-15 Nov, 16-30 Nov (open); one per page.
    std::vector<std::string> begins;
    for (int page = 1; page <= 4; ++page) {
        auto r = flows({{"date", date}, {"page", page}, {"page_size", 1}});
        ASSERT_EQ(r.status, 200) << r.body.dump();
        EXPECT_EQ(r.body["result"]["page_count"], 3);
        EXPECT_EQ(r.body["page_count"], 3);
        EXPECT_TRUE(r.body["result"]["details"].empty());  // without with_details
        for (const auto& f : r.body["result"]["cash_flows"]) begins.push_back(f["period"]["begin"]);
        if (page == 4) { EXPECT_TRUE(r.body["result"]["cash_flows"].empty()); }
    }
    EXPECT_EQ(begins, (std::vector<std::string>{"2026-10-15T21:00:00Z", "2026-10-31T21:00:00Z", "2026-11-15T21:00:00Z"}));
    // A range inside one period gives that period; a range before the shop's first one, nothing.
    auto one = flows({{"date", {{"from", "2026-11-05T00:00:00Z"}, {"to", "2026-11-06T00:00:00Z"}}}, {"page", 1},
                      {"page_size", 10}});
    ASSERT_EQ(one.body["result"]["cash_flows"].size(), 1u);
    EXPECT_EQ(one.body["result"]["cash_flows"][0]["period"]["id"], 20261101);
    auto none = flows({{"date", {{"from", "2025-01-01T00:00:00Z"}, {"to", "2025-12-31T00:00:00Z"}}}, {"page", 1},
                       {"page_size", 10}});
    EXPECT_TRUE(none.body["result"]["cash_flows"].empty());
    EXPECT_EQ(none.body["result"]["page_count"], 0);
}

TEST(FinanceCashFlow, PayoutsPaidByDefaultUnpaidOrAsGiven) {
    auto s = load_scenario_text(std::string(kHead) + R"(accruals:
  - {posting_number: 1-1, date: 2026-10-05T09:00:00Z, sale: 1000, commission: -150}
  - {posting_number: 2-1, date: 2026-10-20T09:00:00Z, sale: 2000, commission: -300}
  - {posting_number: 3-1, date: 2026-11-03T09:00:00Z, sale: 500, refund: -500, commission: -75, commission_refund: 75, return_logistics: -60}
payouts:
  - {period: 2026-10-16, paid_at: 2026-11-09T09:00:00Z, amount: 1000}
  - {period: 2026-11-01, unpaid: true}
)", "t.yaml");
    auto flows = [&](TimePoint now) {
        return call(s, "/v1/finance/cash-flow-statement/list",
                    {{"date", {{"from", "2026-10-01T00:00:00Z"}, {"to", "2026-11-30T00:00:00Z"}}}, {"page", 1},
                     {"page_size", 10}, {"with_details", true}},
                    now)
            .body["result"];
    };
    auto r = flows(at("2026-11-08T09:00:00Z"));
    ASSERT_EQ(r["details"].size(), 3u);
    // 1-15 Oct: paid in full on the 20th by default.
    EXPECT_EQ(r["details"][0]["payments"], json::parse(R"([{"currency_code":"RUB","payment":850.0}])"));
    EXPECT_DOUBLE_EQ(r["details"][0]["end_balance_amount"].get<double>(), 0);
    // 16-31 Oct: the scenario's partial payout on 9 November is not there yet on the 8th.
    EXPECT_TRUE(r["details"][1]["payments"].empty());
    EXPECT_DOUBLE_EQ(r["details"][1]["invoice_transfer"].get<double>(), 1700);
    EXPECT_DOUBLE_EQ(r["details"][1]["end_balance_amount"].get<double>(), 1700);
    r = flows(at("2026-11-09T09:00:00Z"));
    EXPECT_DOUBLE_EQ(r["details"][1]["payments"][0]["payment"].get<double>(), 1000);
    EXPECT_DOUBLE_EQ(r["details"][1]["end_balance_amount"].get<double>(), 700);
    // 1-15 Nov: a return; never paid; the balance carries over.
    const json& nov = r["details"][2];
    EXPECT_DOUBLE_EQ(nov["begin_balance_amount"].get<double>(), 700);
    EXPECT_DOUBLE_EQ(r["cash_flows"][2]["returns_amount"].get<double>(), -500);
    EXPECT_DOUBLE_EQ(r["cash_flows"][2]["commission_amount"].get<double>(), 0);
    EXPECT_DOUBLE_EQ(r["cash_flows"][2]["item_delivery_and_return_amount"].get<double>(), -60);
    EXPECT_DOUBLE_EQ(nov["return"]["amount"].get<double>(), -425);
    EXPECT_EQ(nov["return"]["return_services"]["items"][0]["name"], "MarketplaceServiceItemReturnFlowLogistic");
    EXPECT_DOUBLE_EQ(nov["invoice_transfer"].get<double>(), -60);
    r = flows(at("2026-12-31T09:00:00Z"));
    EXPECT_TRUE(r["details"][2]["payments"].empty());
}

TEST(FinanceScenario, AccrualAndPayoutKeysAreChecked) {
    auto acc = [](const std::string& item) { return std::string(kHead) + "accruals:\n  - " + item + "\n"; };
    EXPECT_NE(scenario_error(acc("{posting_number: 1-1, sael: 10}")).find("unknown key 'sael'"), std::string::npos);
    EXPECT_NE(scenario_error(acc("{posting_number: 1-1}")).find("no lines"), std::string::npos);
    EXPECT_NE(scenario_error(acc("{sale: 10}")).find("'posting_number' or 'unit_number'"), std::string::npos);
    EXPECT_NE(scenario_error(acc("{unit_number: X, sale: 10}")).find("POSTING accrual needs"), std::string::npos);
    EXPECT_NE(scenario_error(acc("{unit_number: X, category: NON_ITEM, storage: -1, promotion: -2}")).find("exactly one"),
              std::string::npos);
    EXPECT_NE(scenario_error(acc("{posting_number: 1-1, category: POST, sale: 1}")).find("category"), std::string::npos);
    EXPECT_NE(scenario_error(acc("{posting_number: 1-1, items: [{type_id: 99999, amount: 1}]}")).find("type_id"),
              std::string::npos);
    EXPECT_NE(scenario_error(acc("{posting_number: 1-1, late: +1d, appears_at: +1h, sale: 1}")).find("not both"),
              std::string::npos);
    auto pay = [](const std::string& item) { return std::string(kHead) + "payouts:\n  - " + item + "\n"; };
    EXPECT_NE(scenario_error(pay("{period: 2026-11}")).find("period"), std::string::npos);
    EXPECT_NE(scenario_error(pay("{period: 2026-11-01, unpaid: true, amount: 5}")).find("unpaid"), std::string::npos);
    EXPECT_EQ(scenario_error(pay("{period: 2026-11-07, paid_at: +1d, amount: 5}")), "no error");
    auto s = load_scenario_text(pay("{period: 2026-11-20}"), "t.yaml");
    EXPECT_EQ(s.payouts.at(0).period, "2026-11-16");  // any day names its period
}
