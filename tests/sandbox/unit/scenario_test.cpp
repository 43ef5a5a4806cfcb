#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "common/time.hpp"
#include "sandbox/scenario.hpp"

using namespace ozw;
using namespace ozw::sandbox;

namespace {

std::string scenario(const std::string& name) {
    return std::string(OZW_SOURCE_DIR) + "/sandbox/scenarios/" + name;
}

std::string error_of(const std::string& yaml) {
    try {
        load_scenario_text(yaml, "t.yaml");
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "no error";
}

const char* kMinimal = "start: 2026-11-26T04:00:00Z\naccounts: [{client_id: c, api_key: k}]\n";

}  // namespace

TEST(Scenario, DemoLoadsWithEveryFbsStatusAndTheStoryItems) {
    auto s = load_scenario_file(scenario("demo.yaml"));
    EXPECT_EQ(s.start, *parse_iso8601("2026-11-26T04:00:00Z"));
    ASSERT_EQ(s.accounts.size(), 1u);
    EXPECT_EQ(s.accounts[0].client_id, "demo");
    EXPECT_EQ(s.accounts[0].key_expires_at, s.start + std::chrono::hours(24 * 10));
    EXPECT_GE(s.postings.size(), 15u);
    EXPECT_LE(s.postings.size(), 25u);
    std::set<std::string> statuses;
    for (const auto& p : s.postings) statuses.insert(p.status);
    for (const char* st : {"awaiting_packaging", "awaiting_deliver", "delivering", "arbitration",
                           "client_arbitration", "delivered", "cancelled"})
        EXPECT_TRUE(statuses.count(st)) << st;
    bool thousand = false, special = false;
    for (const auto& p : s.products) {
        for (const auto& st : p.fbs) thousand |= st.present == 1000;
        special |= p.name.find('<') != std::string::npos || p.name.find('&') != std::string::npos;
    }
    EXPECT_TRUE(thousand);
    EXPECT_TRUE(special);
    EXPECT_TRUE(s.insales.has_value());
    ASSERT_FALSE(s.telegram.empty());
    EXPECT_FALSE(s.events.empty());
    EXPECT_TRUE(std::is_sorted(s.events.begin(), s.events.end(),
                               [](const TimedEvent& a, const TimedEvent& b) { return a.at < b.at; }));
}

TEST(Scenario, TestScenariosLoad) {
    EXPECT_NO_THROW(load_scenario_file(scenario("test-basic.yaml")));
    auto p = load_scenario_file(scenario("test-pagination.yaml"));
    EXPECT_EQ(p.postings.size(), 250u);
    EXPECT_EQ(p.returns.size(), 1100u);
    EXPECT_EQ(p.products.size(), 2500u);
}

TEST(Scenario, RelativeTimesAreFromStart) {
    auto s = load_scenario_text(std::string(kMinimal) +
                                "postings: [{posting_number: 1-1-1, status: delivering, in_process_at: -1d2h, "
                                "shipment_date: +90m, products: [{offer_id: X}]}]\n");
    ASSERT_EQ(s.postings.size(), 1u);
    EXPECT_EQ(s.postings[0].in_process_at, s.start - std::chrono::hours(26));
    EXPECT_EQ(s.postings[0].shipment_date, s.start + std::chrono::minutes(90));
    EXPECT_EQ(s.postings[0].order_number, "1-1");
    EXPECT_EQ(s.postings[0].substatus, "posting_in_carriage");
}

TEST(Scenario, MissingStartIsAClearError) {
    EXPECT_NE(error_of("accounts: [{client_id: c, api_key: k}]\n").find("'start' is required"), std::string::npos);
}

TEST(Scenario, UnknownKeyNamesFileLineAndColumn) {
    auto e = error_of(std::string(kMinimal) + "postngs: []\n");
    EXPECT_NE(e.find("t.yaml:3:1"), std::string::npos) << e;
    EXPECT_NE(e.find("unknown key 'postngs'"), std::string::npos) << e;
}

TEST(Scenario, BadRelativeTimeIsAnError) {
    auto e = error_of(std::string(kMinimal) +
                      "postings: [{posting_number: 1, status: delivered, in_process_at: +2x, products: [{offer_id: X}]}]\n");
    EXPECT_NE(e.find("bad relative time '+2x'"), std::string::npos) << e;
    EXPECT_NE(e.find("t.yaml:3:"), std::string::npos) << e;
}

TEST(Scenario, UnknownPostingStatusIsAnError) {
    auto e = error_of(std::string(kMinimal) +
                      "postings: [{posting_number: 1, status: shipped, products: [{offer_id: X}]}]\n");
    EXPECT_NE(e.find("unknown status 'shipped'"), std::string::npos) << e;
}

TEST(Scenario, EventOnUnknownPostingIsAnError) {
    auto e = error_of(std::string(kMinimal) + "events: [{at: +1h, posting: nope, status: delivered}]\n");
    EXPECT_NE(e.find("unknown posting nope"), std::string::npos) << e;
}

TEST(Scenario, YamlSyntaxErrorHasPosition) {
    auto e = error_of("start: [unclosed\n");
    EXPECT_NE(e.find("t.yaml:"), std::string::npos) << e;
    EXPECT_NE(e.find("YAML syntax error"), std::string::npos) << e;
}

TEST(Scenario, NoAccountsIsAnError) {
    EXPECT_NE(error_of("start: 2026-11-26T04:00:00Z\n").find("at least one account"), std::string::npos);
}

TEST(Scenario, MissingFileIsAnError) {
    try {
        load_scenario_file("/nonexistent/x.yaml");
        FAIL();
    } catch (const ScenarioError& e) {
        EXPECT_NE(std::string(e.what()).find("cannot open"), std::string::npos);
    }
}
