// Ship-by times and tariffs (2026) as the sandbox serves them over HTTP: distinct
// shipment_date / shipment_date_without_delay, and `tariffication` + `tariffication_steps` that
// follow the virtual clock (discount / no_discount until shipment_date, surcharge after), in the
// v4 list / unfulfilled format (money objects) and the v3 get format (strings). The bodies are
// also read back through the client's models (common/ozon/models.hpp).
#include <gtest/gtest.h>

#include "common/ozon/models.hpp"
#include "common/time.hpp"
#include "tests/sandbox/integration/sandbox_test_client.hpp"

using ozw::parse_iso8601;
using ozw::TimePoint;
using namespace ozw::sandbox;
using namespace ozw::sandbox::test;
using nlohmann::json;

namespace {

TimePoint at(const char* iso) { return *parse_iso8601(iso); }

struct Demo : ::testing::Test {
    Sandbox sb{Sandbox::load_scenario(scenario_path("demo.yaml"))};
    void SetUp() override { sb.start(); }

    std::string list_body() {
        auto r = ozon(sb, "/v4/posting/fbs/list",
                      json{{"filter", {{"since", "2026-11-01T00:00:00Z"}, {"to", "2026-11-28T00:00:00Z"}}},
                           {"limit", 100}});
        EXPECT_EQ(r.status, 200) << r.body;
        return r.body;
    }
    std::string unfulfilled_body() {
        auto r = ozon(sb, "/v4/posting/fbs/unfulfilled/list", json{{"limit", 100}});
        EXPECT_EQ(r.status, 200) << r.body;
        return r.body;
    }
    std::string get_body(const std::string& number) {
        auto r = ozon(sb, "/v3/posting/fbs/get", json{{"posting_number", number}});
        EXPECT_EQ(r.status, 200) << r.body;
        return r.body;
    }
    static json find(const std::string& body, const std::string& number) {
        const json all = json::parse(body);
        for (const auto& p : all["postings"])
            if (p["posting_number"] == number) return p;
        ADD_FAILURE() << number << " not served";
        return json::object();
    }
    json v4(const std::string& number) { return find(list_body(), number); }
    json v3(const std::string& number) { return json::parse(get_body(number))["result"]; }
};

}  // namespace

TEST_F(Demo, ServedWithoutDelayDiffersFromShipmentDate) {
    for (const auto& body : {list_body(), unfulfilled_body()}) {
        auto postings = json::parse(body)["postings"];
        ASSERT_GE(postings.size(), 5u);
        for (const auto& p : postings)
            EXPECT_NE(p["shipment_date"], p["shipment_date_without_delay"]) << p["posting_number"];
    }
    // The overdue-today posting: recommended 13:00 MSK, overdue 17:00 MSK.
    auto a = v4("0127001001-0001-1");
    EXPECT_EQ(a["shipment_date"], "2026-11-26T10:00:00.000Z");
    EXPECT_EQ(a["shipment_date_without_delay"], "2026-11-26T14:00:00.000Z");
    auto u = find(unfulfilled_body(), "0127001001-0001-1");
    EXPECT_EQ(u["shipment_date_without_delay"], "2026-11-26T14:00:00.000Z");
    auto g = v3("0127001001-0001-1");
    EXPECT_EQ(g["shipment_date"], "2026-11-26T10:00:00Z");
    EXPECT_EQ(g["shipment_date_without_delay"], "2026-11-26T14:00:00Z");
    // The missed-but-not-overdue posting: recommended 17:00 MSK, overdue tomorrow 13:00 MSK.
    auto b = v4("0127000905-0001-1");
    EXPECT_EQ(b["shipment_date"], "2026-11-26T14:00:00.000Z");
    EXPECT_EQ(b["shipment_date_without_delay"], "2026-11-27T10:00:00.000Z");
    // A posting without the YAML field: shipment_date + 24h.
    auto d = v4("0126000809-0001-1");
    EXPECT_EQ(parse_iso8601(d["shipment_date_without_delay"].get<std::string>()),
              *parse_iso8601(d["shipment_date"].get<std::string>()) + std::chrono::hours(24));

    // The client's models read the same instants.
    auto page = ozw::ozon::parse_posting_list(list_body());
    bool seen = false;
    for (const auto& p : page.postings)
        if (p.posting_number == "0127001001-0001-1") {
            seen = true;
            EXPECT_EQ(p.shipment_date, at("2026-11-26T10:00:00Z"));
            EXPECT_EQ(p.shipment_date_without_delay, at("2026-11-26T14:00:00Z"));
        }
    EXPECT_TRUE(seen);
    auto one = ozw::ozon::parse_posting_get(get_body("0127001001-0001-1"));
    EXPECT_EQ(one.shipment_date_without_delay, at("2026-11-26T14:00:00Z"));
}

TEST_F(Demo, SurchargeTariffAfterShipmentDateOnTheVirtualClock) {
    const std::string n = "0127001001-0001-1";  // DRS-001, 3490 RUB; S 10:00Z, W 14:00Z

    // 07:00 MSK: before shipment_date, no_discount now, surcharge from S + 1 s.
    auto p = v4(n);
    auto t = p["tariffication"];
    EXPECT_EQ(t["current_tariff_type"], "no_discount");
    EXPECT_EQ(t["current_tariff_rate"], 0);
    EXPECT_EQ(t["current_tariff_charge"], (json{{"amount", "0.00"}, {"currency", "RUB"}}));
    EXPECT_EQ(t["next_tariff_type"], "surcharge");
    EXPECT_EQ(t["next_tariff_rate"], 5);
    EXPECT_EQ(t["next_tariff_charge"], (json{{"amount", "174.50"}, {"currency", "RUB"}}));
    EXPECT_EQ(t["next_tariff_starts_at"], "2026-11-26T10:00:01.000Z");
    auto steps = p["tariffication_steps"];
    ASSERT_EQ(steps.size(), 4u);
    EXPECT_EQ(steps[0]["tariff_type"], "discount");
    EXPECT_EQ(steps[0]["tariff_deadline_at"], "2026-11-25T22:00:00.000Z");
    EXPECT_EQ(steps[1]["tariff_type"], "no_discount");
    EXPECT_EQ(steps[1]["tariff_deadline_at"], "2026-11-26T10:00:00.000Z");  // = shipment_date
    EXPECT_TRUE(steps[1]["min_charge"].is_null());
    EXPECT_EQ(steps[2]["tariff_type"], "surcharge");
    EXPECT_EQ(steps[2]["tariff_rate"], 5);
    EXPECT_EQ(steps[2]["tariff_charge"], (json{{"amount", "174.50"}, {"currency", "RUB"}}));
    EXPECT_EQ(steps[2]["min_charge"], (json{{"amount", "50.00"}, {"currency", "RUB"}}));
    EXPECT_EQ(steps[2]["tariff_deadline_at"], "2026-11-26T14:00:00.000Z");  // = without_delay
    EXPECT_EQ(steps[3]["tariff_rate"], 10);
    EXPECT_EQ(steps[3]["tariff_deadline_at"], "9999-12-31T23:59:59.999999900Z");
    // A posting due tomorrow is still in its discount step.
    EXPECT_EQ(v4("0127001003-0001-1")["tariffication"]["current_tariff_type"], "discount");

    // Exactly at shipment_date the step still applies (Ozon's deadline is inclusive).
    sb.set_time(at("2026-11-26T10:00:00Z"));
    EXPECT_EQ(v4(n)["tariffication"]["current_tariff_type"], "no_discount");

    // 13:30 MSK: after shipment_date, the surcharge is current, the next step at without_delay.
    sb.set_time(at("2026-11-26T10:30:00Z"));
    t = v4(n)["tariffication"];
    EXPECT_EQ(t["current_tariff_type"], "surcharge");
    EXPECT_EQ(t["current_tariff_rate"], 5);
    EXPECT_EQ(t["current_tariff_charge"], (json{{"amount", "174.50"}, {"currency", "RUB"}}));
    EXPECT_EQ(t["current_tariff_min_charge"], (json{{"amount", "50.00"}, {"currency", "RUB"}}));
    EXPECT_EQ(t["next_tariff_type"], "surcharge");
    EXPECT_EQ(t["next_tariff_rate"], 10);
    EXPECT_EQ(t["next_tariff_charge"], (json{{"amount", "349.00"}, {"currency", "RUB"}}));
    EXPECT_EQ(t["next_tariff_starts_at"], "2026-11-26T14:00:01.000Z");
    auto ut = find(unfulfilled_body(), n)["tariffication"];
    EXPECT_EQ(ut, t);
    // v3 get: the same tariff as strings with currency codes.
    auto g = v3(n);
    auto gt = g["tariffication"];
    EXPECT_EQ(gt["current_tariff_type"], "surcharge");
    EXPECT_EQ(gt["current_tariff_rate"], 5);
    EXPECT_EQ(gt["current_tariff_charge"], "174.50");
    EXPECT_EQ(gt["current_tariff_charge_currency_code"], "RUB");
    EXPECT_EQ(gt["next_tariff_charge"], "349.00");
    EXPECT_EQ(gt["next_tariff_charge_currency_code"], "RUB");
    EXPECT_EQ(gt["next_tariff_starts_at"], "2026-11-26T14:00:01Z");
    EXPECT_FALSE(gt.contains("current_tariff_min_charge"));
    ASSERT_EQ(g["tariffication_steps"].size(), 4u);
    EXPECT_EQ(g["tariffication_steps"][2]["tariff_charge"], (json{{"amount", "174.50"}, {"currency", "RUB"}}));
    EXPECT_EQ(g["tariffication_steps"][2]["tariff_deadline_at"], "2026-11-26T14:00:00Z");

    // Through the client's models, both formats give the same Tariffication.
    ozw::ozon::Posting from_list;
    const auto list_page = ozw::ozon::parse_posting_list(list_body());
    for (const auto& p2 : list_page.postings)
        if (p2.posting_number == n) from_list = p2;
    ozw::ozon::Posting from_get = ozw::ozon::parse_posting_get(get_body(n));
    for (const ozw::ozon::Posting* mp : {&from_list, &from_get}) {
        ASSERT_TRUE(mp->tariffication);
        const auto& tf = *mp->tariffication;
        EXPECT_EQ(tf.current_tariff_type, "surcharge");
        EXPECT_DOUBLE_EQ(tf.current_tariff_rate, 5);
        ASSERT_TRUE(tf.current_tariff_charge);
        EXPECT_EQ(*tf.current_tariff_charge, (ozw::ozon::Money{*ozw::Decimal::parse("174.5"), "RUB"}));
        EXPECT_EQ(tf.next_tariff_type, "surcharge");
        ASSERT_TRUE(tf.next_tariff_charge);
        EXPECT_EQ(*tf.next_tariff_charge, (ozw::ozon::Money{ozw::Decimal::units(349), "RUB"}));
        EXPECT_EQ(tf.next_tariff_starts_at, at("2026-11-26T14:00:01Z"));
        ASSERT_EQ(tf.steps.size(), 4u);
        EXPECT_EQ(tf.steps[1].deadline_at, mp->shipment_date);
        EXPECT_EQ(tf.steps[2].deadline_at, mp->shipment_date_without_delay);
        EXPECT_FALSE(tf.steps[3].deadline_at);
    }

    // 17:30 MSK: overdue, the last (open-ended) step; no next tariff.
    sb.set_time(at("2026-11-26T14:30:00Z"));
    t = v4(n)["tariffication"];
    EXPECT_EQ(t["current_tariff_type"], "surcharge");
    EXPECT_EQ(t["current_tariff_rate"], 10);
    EXPECT_EQ(t["next_tariff_type"], "");
    EXPECT_TRUE(t["next_tariff_charge"].is_null());
    EXPECT_TRUE(t["next_tariff_starts_at"].is_null());
    gt = v3(n)["tariffication"];
    EXPECT_EQ(gt["current_tariff_charge"], "349.00");
    EXPECT_EQ(gt["next_tariff_charge"], "");
    EXPECT_TRUE(gt["next_tariff_starts_at"].is_null());
}

TEST_F(Demo, HandedOverPostingKeepsTheTariffOfItsHandOverCancelledHasNone) {
    sb.set_time(at("2026-11-26T15:00:00Z"));  // 18:00 MSK
    // 0127000907 was handed over at 16:00 MSK, before its 17:00 shipment_date: no surcharge.
    auto handed = v4("0127000907-0001-1");
    EXPECT_EQ(handed["status"], "delivering");
    EXPECT_EQ(handed["tariffication"]["current_tariff_type"], "no_discount");
    // 0127000905 still waits: surcharge.
    EXPECT_EQ(v4("0127000905-0001-1")["tariffication"]["current_tariff_type"], "surcharge");
    // Cancelled at 12:00 MSK: no tariff at all.
    auto cancelled = v4("0127001020-0001-1");
    EXPECT_EQ(cancelled["status"], "cancelled");
    EXPECT_EQ(cancelled["tariffication"]["current_tariff_type"], "");
    EXPECT_TRUE(cancelled["tariffication"]["current_tariff_charge"].is_null());
    EXPECT_TRUE(cancelled["tariffication_steps"].empty());
    auto g = v3("0127001020-0001-1");
    EXPECT_EQ(g["tariffication"]["current_tariff_charge"], "");
    EXPECT_TRUE(g["tariffication_steps"].empty());
    const auto page = ozw::ozon::parse_posting_list(list_body());
    for (const auto& p : page.postings) {
        if (p.posting_number == "0127001020-0001-1") {
            EXPECT_FALSE(p.tariffication);
        }
    }
}

TEST(SandboxTariff, ScenarioStepsOverrideTheDefault) {
    Sandbox sb(load_scenario_text(
        "start: 2026-11-26T04:00:00Z\n"
        "accounts: [{client_id: demo, api_key: demo-key}]\n"
        "postings:\n"
        "  - posting_number: 1-1-1\n"
        "    status: awaiting_packaging\n"
        "    shipment_date: +2h\n"
        "    shipment_date_without_delay: +1d\n"
        "    products: [{offer_id: X, price: 2000}]\n"
        "    tariff_steps:\n"
        "      - {type: no_discount, until: +2h}\n"
        "      - {type: surcharge, rate: 7, min_charge: 200, until: +5h}\n"
        "      - {type: surcharge, rate: 12, charge: 999}\n",
        "override.yaml"));
    sb.start();
    auto get = [&] {
        return ozon(sb, "/v4/posting/fbs/unfulfilled/list", json{{"limit", 10}}).json()["postings"][0];
    };
    auto p = get();
    EXPECT_EQ(p["shipment_date_without_delay"], "2026-11-27T04:00:00.000Z");
    ASSERT_EQ(p["tariffication_steps"].size(), 3u);
    EXPECT_EQ(p["tariffication_steps"][1]["tariff_charge"], (json{{"amount", "200.00"}, {"currency", "RUB"}}));
    EXPECT_EQ(p["tariffication_steps"][1]["tariff_deadline_at"], "2026-11-26T09:00:00.000Z");
    EXPECT_EQ(p["tariffication"]["current_tariff_type"], "no_discount");
    EXPECT_EQ(p["tariffication"]["next_tariff_starts_at"], "2026-11-26T06:00:01.000Z");
    sb.advance(std::chrono::hours(3));
    p = get();
    EXPECT_EQ(p["tariffication"]["current_tariff_type"], "surcharge");
    EXPECT_EQ(p["tariffication"]["current_tariff_rate"], 7);
    EXPECT_EQ(p["tariffication"]["next_tariff_charge"], (json{{"amount", "999.00"}, {"currency", "RUB"}}));
    EXPECT_EQ(p["tariffication"]["next_tariff_starts_at"], "2026-11-26T09:00:01.000Z");
    sb.advance(std::chrono::hours(3));
    EXPECT_EQ(get()["tariffication"]["current_tariff_rate"], 12);
}
