#include <gtest/gtest.h>

#include <algorithm>
#include <map>
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

// ------------------------------------------------------------------ ship-by times and tariffs

TEST(Scenario, WithoutDelayDefaultsToShipmentDatePlus24hOrIsGiven) {
    auto s = load_scenario_text(std::string(kMinimal) +
                                "postings:\n"
                                "  - {posting_number: 1-1-1, status: awaiting_packaging, shipment_date: +6h, products: [{offer_id: X}]}\n"
                                "  - {posting_number: 2-1-1, status: awaiting_packaging, shipment_date: +6h,\n"
                                "     shipment_date_without_delay: +10h, products: [{offer_id: X}]}\n");
    ASSERT_EQ(s.postings.size(), 2u);
    EXPECT_FALSE(s.postings[0].shipment_date_without_delay);
    EXPECT_EQ(without_delay(s.postings[0]), s.start + std::chrono::hours(30));
    ASSERT_TRUE(s.postings[1].shipment_date_without_delay);
    EXPECT_EQ(without_delay(s.postings[1]), s.start + std::chrono::hours(10));
    // A posting built in code (no YAML) gets the default too.
    Posting p;
    p.shipment_date = s.start;
    EXPECT_EQ(without_delay(p), s.start + std::chrono::hours(24));
}

TEST(Scenario, WithoutDelayBeforeShipmentDateIsAnError) {
    auto e = error_of(std::string(kMinimal) +
                      "postings: [{posting_number: 1, status: awaiting_packaging, shipment_date: +6h, "
                      "shipment_date_without_delay: +5h, products: [{offer_id: X}]}]\n");
    EXPECT_NE(e.find("shipment_date_without_delay must not be earlier than shipment_date"), std::string::npos) << e;
    EXPECT_NE(e.find("t.yaml:3:"), std::string::npos) << e;
}

TEST(Scenario, DefaultTariffStepsDiscountUntilShipmentDateSurchargeAfter) {
    auto s = load_scenario_text(std::string(kMinimal) +
                                "postings: [{posting_number: 1-1-1, status: awaiting_packaging, shipment_date: +6h,\n"
                                "  shipment_date_without_delay: +10h, products: [{offer_id: X, price: 3490}]}]\n");
    const Posting& p = s.postings[0];
    EXPECT_TRUE(p.tariff_steps.empty());
    auto steps = tariff_steps(p);
    ASSERT_EQ(steps.size(), 4u);
    EXPECT_EQ(steps[0].type, "discount");
    EXPECT_DOUBLE_EQ(steps[0].rate, 3);
    EXPECT_DOUBLE_EQ(*steps[0].charge, 104.7);  // 3 % of 3490
    EXPECT_EQ(steps[0].until, p.shipment_date - std::chrono::hours(12));
    EXPECT_EQ(steps[1].type, "no_discount");
    EXPECT_EQ(steps[1].until, p.shipment_date);
    EXPECT_EQ(steps[2].type, "surcharge");
    EXPECT_DOUBLE_EQ(steps[2].rate, 5);
    EXPECT_DOUBLE_EQ(*steps[2].charge, 174.5);  // 5 % of 3490 (min 50)
    EXPECT_DOUBLE_EQ(*steps[2].min_charge, 50);
    EXPECT_EQ(steps[2].until, without_delay(p));
    EXPECT_EQ(steps[3].type, "surcharge");
    EXPECT_DOUBLE_EQ(steps[3].rate, 10);
    EXPECT_FALSE(steps[3].until);  // open-ended
    // A cheap posting pays the minimum; without_delay == shipment_date drops the 5 % step.
    Posting cheap = p;
    cheap.products[0].price = 100;
    cheap.shipment_date_without_delay = cheap.shipment_date;
    auto c = default_tariff_steps(cheap);
    ASSERT_EQ(c.size(), 3u);
    EXPECT_EQ(c[2].type, "surcharge");
    EXPECT_DOUBLE_EQ(c[2].rate, 10);
    EXPECT_DOUBLE_EQ(*c[2].charge, 100);
}

TEST(Scenario, TariffStepsCanBeOverridden) {
    auto s = load_scenario_text(std::string(kMinimal) +
                                "postings:\n"
                                "  - posting_number: 1-1-1\n"
                                "    status: awaiting_packaging\n"
                                "    shipment_date: +6h\n"
                                "    products: [{offer_id: X, price: 2000}]\n"
                                "    tariff_steps:\n"
                                "      - {type: no_discount, until: +6h}\n"
                                "      - {type: surcharge, rate: 7, min_charge: 200, until: +8h}\n"
                                "      - {type: surcharge, rate: 12, charge: 999}\n");
    const Posting& p = s.postings[0];
    ASSERT_EQ(p.tariff_steps.size(), 3u);
    auto steps = tariff_steps(p);
    ASSERT_EQ(steps.size(), 3u);
    EXPECT_EQ(steps[0].type, "no_discount");
    EXPECT_DOUBLE_EQ(*steps[0].charge, 0);
    EXPECT_EQ(steps[0].until, s.start + std::chrono::hours(6));
    EXPECT_DOUBLE_EQ(*steps[1].charge, 200);  // 7 % of 2000 = 140, lifted to the minimum
    EXPECT_EQ(steps[1].until, s.start + std::chrono::hours(8));
    EXPECT_DOUBLE_EQ(*steps[2].charge, 999);
    EXPECT_FALSE(steps[2].until);

    auto open_middle = error_of(std::string(kMinimal) +
                                "postings: [{posting_number: 1, status: awaiting_packaging, products: [{offer_id: X}],\n"
                                "  tariff_steps: [{type: a}, {type: b, until: +2h}]}]\n");
    EXPECT_NE(open_middle.find("'until' is required except for the last"), std::string::npos) << open_middle;
    auto backwards = error_of(std::string(kMinimal) +
                              "postings: [{posting_number: 1, status: awaiting_packaging, products: [{offer_id: X}],\n"
                              "  tariff_steps: [{type: a, until: +2h}, {type: b, until: +1h}]}]\n");
    EXPECT_NE(backwards.find("must be later than the previous step"), std::string::npos) << backwards;
    auto typo = error_of(std::string(kMinimal) +
                         "postings: [{posting_number: 1, status: awaiting_packaging, products: [{offer_id: X}],\n"
                         "  tariff_steps: [{type: a, untill: +2h}]}]\n");
    EXPECT_NE(typo.find("unknown key 'untill'"), std::string::npos) << typo;
}

TEST(Scenario, TestBasicOnlyGainedWithoutDelayValues) {
    auto s = load_scenario_file(scenario("test-basic.yaml"));
    ASSERT_EQ(s.postings.size(), 3u);
    EXPECT_EQ(s.postings[0].posting_number, "57195475-0050-3");
    EXPECT_EQ(s.postings[0].shipment_date, s.start + std::chrono::hours(10));
    EXPECT_EQ(without_delay(s.postings[0]), s.start + std::chrono::hours(30));
    EXPECT_EQ(s.postings[1].posting_number, "11111111-0001-1");
    EXPECT_EQ(s.postings[1].shipment_date, s.start + std::chrono::hours(10));
    EXPECT_EQ(without_delay(s.postings[1]), s.start + std::chrono::hours(26));
}

// The demo day (26.11.2026, 07:00-21:00 Moscow = UTC+3, hand-over deadline 17:00 local) shows
// the escalation the daemon implements: D1 = min(shipment_date, 17:00 that day),
// D2 = min(shipment_date_without_delay, 17:00 that day); a posting still awaiting packaging or
// hand-over is cutoff_soon from D1-2h, cutoff_missed from D1, overdue from D2.
TEST(Scenario, DemoDayHasOverdueMissedAndResolvedPostings) {
    using namespace std::chrono;
    auto s = load_scenario_file(scenario("demo.yaml"));
    const TimePoint day_start = s.start;                 // 07:00 MSK
    const TimePoint day_end = s.start + hours(14);       // 21:00 MSK
    auto msk = [](const char* hhmm_day) { return *parse_iso8601(hhmm_day); };
    auto handover_deadline = [](TimePoint t) {           // 17:00 MSK on t's Moscow day
        auto local = t + hours(3);
        auto day = floor<days>(local);
        return TimePoint(time_point_cast<Millis>(sys_days(day) + hours(17) - hours(3)));
    };
    auto pending = [](const std::string& st) { return st == "awaiting_packaging" || st == "awaiting_deliver"; };

    struct Timeline {
        TimePoint soon, missed, overdue;
        std::optional<TimePoint> left_pending;  // handed over or cancelled
        std::optional<TimePoint> added;
    };
    std::map<std::string, Timeline> tl;
    auto add = [&](const Posting& p, std::optional<TimePoint> added) {
        ASSERT_TRUE(p.shipment_date_without_delay) << p.posting_number;  // explicit in the demo
        ASSERT_NE(*p.shipment_date_without_delay, p.shipment_date) << p.posting_number;
        TimePoint d1 = std::min(p.shipment_date, handover_deadline(p.shipment_date));
        TimePoint w = without_delay(p);
        TimePoint d2 = std::min(w, handover_deadline(w));
        tl[p.posting_number] = {d1 - hours(2), d1, d2, std::nullopt, added};
    };
    for (const auto& p : s.postings)
        if (pending(p.status)) add(p, std::nullopt);
    for (const auto& e : s.events) {
        if (e.kind == "add_posting" && pending(e.posting->status)) add(*e.posting, e.at);
        if (e.kind == "posting_status" && tl.count(e.posting_number) && !pending(e.status) &&
            !tl[e.posting_number].left_pending)
            tl[e.posting_number].left_pending = e.at;
    }
    auto reaches = [&](const Timeline& t, TimePoint when) {
        return when <= day_end && (!t.left_pending || *t.left_pending > when);
    };
    // Nothing is due yet at 07:00: the morning shows only the two disputes.
    for (const auto& [n, t] : tl) EXPECT_GT(t.soon, day_start) << n;

    // 0127001001: recommended 13:00 MSK, overdue 17:00 MSK, never handed over.
    const auto& a = tl.at("0127001001-0001-1");
    EXPECT_EQ(a.soon, msk("2026-11-26T08:00:00Z"));     // 11:00 MSK
    EXPECT_EQ(a.missed, msk("2026-11-26T10:00:00Z"));   // 13:00 MSK
    EXPECT_EQ(a.overdue, msk("2026-11-26T14:00:00Z"));  // 17:00 MSK
    EXPECT_TRUE(reaches(a, a.overdue));
    // 0127000905: misses 17:00 MSK, overdue only tomorrow 13:00 MSK.
    const auto& b = tl.at("0127000905-0001-1");
    EXPECT_EQ(b.soon, msk("2026-11-26T12:00:00Z"));
    EXPECT_EQ(b.missed, msk("2026-11-26T14:00:00Z"));
    EXPECT_EQ(b.overdue, msk("2026-11-27T10:00:00Z"));
    EXPECT_TRUE(reaches(b, b.missed));
    EXPECT_FALSE(reaches(b, b.overdue));
    // 0127000907: warned at 15:00 MSK, handed over at 16:00 MSK (resolves), never missed.
    const auto& c = tl.at("0127000907-0001-1");
    ASSERT_TRUE(c.left_pending);
    EXPECT_EQ(*c.left_pending, msk("2026-11-26T13:00:00Z"));
    EXPECT_TRUE(reaches(c, c.soon));
    EXPECT_FALSE(reaches(c, c.missed));

    int overdue = 0, missed_not_overdue = 0;
    for (const auto& [n, t] : tl) {
        if (reaches(t, t.overdue)) ++overdue;
        else if (reaches(t, t.missed)) ++missed_not_overdue;
    }
    EXPECT_GE(overdue, 1);
    EXPECT_GE(missed_not_overdue, 1);

    // The day's other moments are kept: a new posting at 10:00, a cancellation at 12:00 MSK,
    // two disputes from the start.
    EXPECT_EQ(tl.at("0127001121-0001-1").added, msk("2026-11-26T07:00:00Z"));
    ASSERT_TRUE(tl.at("0127001020-0001-1").left_pending);
    EXPECT_EQ(*tl.at("0127001020-0001-1").left_pending, msk("2026-11-26T09:00:00Z"));
    int disputes = 0;
    for (const auto& p : s.postings) disputes += p.status == "arbitration" || p.status == "client_arbitration";
    EXPECT_EQ(disputes, 2);
}

// `generate: {shop: N}` (the benchmarks' shop): N postings in the 14 days before start, unique
// numbers, and statuses by age as documented: nothing awaiting hand-over is older than a day,
// nothing on the way is younger than a day, and every kind of status appears.
TEST(Scenario, GeneratedShopHasTheDocumentedMixByAge) {
    auto s = load_scenario_text(std::string(kMinimal) + "generate: {shop: 5000}\n");
    ASSERT_EQ(s.postings.size(), 5000u);
    std::set<std::string> numbers;
    std::map<std::string, int> by_status;
    for (const auto& p : s.postings) {
        numbers.insert(p.posting_number);
        ++by_status[p.status];
        const auto age = s.start - p.in_process_at;
        EXPECT_GE(age, std::chrono::hours(0)) << p.posting_number;
        EXPECT_LE(age, std::chrono::hours(14 * 24)) << p.posting_number;
        if (p.status == "awaiting_packaging" || p.status == "awaiting_deliver") {
            EXPECT_LE(age, std::chrono::hours(24)) << p.posting_number;
        }
        if (p.status == "delivered" || p.status == "delivering") {
            EXPECT_GT(age, std::chrono::hours(24)) << p.posting_number;
        }
        if (p.status == "arbitration") {
            EXPECT_GT(age, std::chrono::hours(72)) << p.posting_number;
        }
        ASSERT_EQ(p.products.size(), 1u);
        EXPECT_EQ(p.warehouse_id, 1);
    }
    EXPECT_EQ(numbers.size(), 5000u);
    for (const char* st : {"awaiting_packaging", "awaiting_deliver", "delivering", "delivered", "cancelled",
                           "arbitration"})
        EXPECT_GT(by_status[st], 0) << st;
    EXPECT_GT(by_status["delivered"], by_status["delivering"]);  // most of two weeks is finished
    ASSERT_EQ(s.warehouses.size(), 1u);
    EXPECT_EQ(s.warehouses[0].id, 1);
}
