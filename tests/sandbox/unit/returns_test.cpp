// Returns in the sandbox without sockets: timed return_status / rfbs_state events (parsing,
// validation with file:line:col, application), storage that moves with the virtual clock, rFBS
// available actions and last_id, the demo's returns story and the 20,000-return generator.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
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

std::string error_of(const std::string& yaml) {
    try {
        load_scenario_text(yaml, "t.yaml");
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "no error";
}

const char* kMinimal = "start: 2026-11-26T04:00:00Z\naccounts: [{client_id: c, api_key: k}]\n";

// Line 3: one return on its way; line 4: one rFBS request; events from line 6.
std::string with_returns(const std::string& events) {
    return std::string(kMinimal) +
           "returns: [{id: 10, posting_number: 1-1-1, offer_id: X, type: Cancellation, status: MovingToSeller, "
           "created_at: -1d, price: 2000}]\n"
           "rfbs_returns: [{posting_number: 2-1-1, offer_id: X, return_id: 8000000101, photos: [a, b]}]\n"
           "events:\n" +
           events;
}

const TimedEvent& only_event(const Scenario& s, const std::string& kind) {
    auto it = std::find_if(s.events.begin(), s.events.end(), [&](const TimedEvent& e) { return e.kind == kind; });
    if (it == s.events.end()) throw std::runtime_error("no " + kind + " event");
    return *it;
}

ReturnStatusChange change_to(const std::string& status) {
    ReturnStatusChange c;
    c.status = status;
    return c;
}

}  // namespace

// ------------------------------------------------------------------ return_status

TEST(ReturnEvents, ReturnStatusArrivalSetsTheChangeMomentAndStorageDefaults) {
    auto s = load_scenario_text(with_returns(
        "  - {at: +6h, return_status: {id: 10, status: ArrivedAtReturnPlace, place_id: 21500, place_name: P}}\n"));
    const auto& ev = only_event(s, "return_status");
    EXPECT_EQ(ev.at, s.start + 6h);
    EXPECT_EQ(ev.return_id, 10);
    ASSERT_TRUE(ev.return_change);
    Return r = s.returns.at(0);
    EXPECT_FALSE(r.arrived_at);  // on its way: no storage yet
    apply_return_status(r, *ev.return_change, ev.at);
    EXPECT_EQ(r.status, "ArrivedAtReturnPlace");
    EXPECT_EQ(r.status_display, "В пункте выдачи");  // the cabinet's name by default
    EXPECT_EQ(r.status_changed_at, s.start + 6h);
    ASSERT_TRUE(r.arrived_at && r.tariffication_start && r.utilization_forecast);
    EXPECT_EQ(*r.arrived_at, s.start + 6h);
    EXPECT_EQ(*r.tariffication_start, s.start + 6h + 24h * kFreeStorageDays);
    EXPECT_EQ(*r.utilization_forecast, s.start + 6h + 24h * kUtilizationDays);
    EXPECT_EQ(r.place_id, 21500);
    EXPECT_EQ(r.place_name, "P");
}

TEST(ReturnEvents, GivenStorageDatesWinAndALaterChangeKeepsTheArrival) {
    auto s = load_scenario_text(with_returns(
        "  - {at: +1h, return_status: {id: 10, status: ArrivedAtReturnPlace, arrived_at: +30m, "
        "tariffication_start: +1d, utilization_forecast: +20d, status_display: Ждёт}}\n"));
    Return r = s.returns.at(0);
    const auto& ev = only_event(s, "return_status");
    apply_return_status(r, *ev.return_change, ev.at);
    EXPECT_EQ(r.status_display, "Ждёт");
    EXPECT_EQ(*r.arrived_at, s.start + 30min);
    EXPECT_EQ(*r.tariffication_start, s.start + 24h);
    EXPECT_EQ(*r.utilization_forecast, s.start + 20 * 24h);
    // The seller collects it two days later: the arrival and dates stay, the status moves on.
    apply_return_status(r, change_to("ReceivedBySeller"), s.start + 48h);
    EXPECT_EQ(r.status, "ReceivedBySeller");
    EXPECT_EQ(r.status_changed_at, s.start + 48h);
    EXPECT_EQ(*r.arrived_at, s.start + 30min);
    EXPECT_EQ(*r.tariffication_start, s.start + 24h);
}

TEST(ReturnEvents, UnknownStatusNameIsAnErrorWithFileLineAndColumn) {
    auto e = error_of(with_returns("  - {at: +6h, return_status: {id: 10, status: ArivedAtReturnPlace}}\n"));
    EXPECT_NE(e.find("t.yaml:6:47"), std::string::npos) << e;
    EXPECT_NE(e.find("unknown status 'ArivedAtReturnPlace'"), std::string::npos) << e;
    // The same check for a listed return.
    e = error_of(std::string(kMinimal) + "returns: [{posting_number: 1, offer_id: X, status: Arrived}]\n");
    EXPECT_NE(e.find("t.yaml:3:"), std::string::npos) << e;
    EXPECT_NE(e.find("unknown status 'Arrived'"), std::string::npos) << e;
}

TEST(ReturnEvents, UnknownReturnIdIsAnErrorUnlessAddedEarlier) {
    auto e = error_of(with_returns("  - {at: +6h, return_status: {id: 11, status: Approved}}\n"));
    EXPECT_NE(e.find("t.yaml:6:35"), std::string::npos) << e;  // at the id's value
    EXPECT_NE(e.find("unknown return id 11"), std::string::npos) << e;
    e = error_of(with_returns("  - {at: +6h, return_status: {status: Approved}}\n"));
    EXPECT_NE(e.find("'id' is required"), std::string::npos) << e;
    // Added by add_return at or before the change: fine; added only later: an error.
    const std::string add = "  - {at: +2h, add_return: {id: 11, posting_number: 3-1-1, offer_id: X, status: MovingToSeller}}\n";
    EXPECT_EQ(error_of(with_returns(add + "  - {at: +6h, return_status: {id: 11, status: ArrivedAtReturnPlace}}\n")),
              "no error");
    e = error_of(with_returns(add + "  - {at: +1h, return_status: {id: 11, status: ArrivedAtReturnPlace}}\n"));
    EXPECT_NE(e.find("t.yaml:7:"), std::string::npos) << e;
    EXPECT_NE(e.find("is added only at"), std::string::npos) << e;
    // add_return of an id that exists.
    e = error_of(with_returns("  - {at: +2h, add_return: {id: 10, posting_number: 3-1-1, offer_id: X, status: Approved}}\n"));
    EXPECT_NE(e.find("duplicate return id 10"), std::string::npos) << e;
}

TEST(ReturnEvents, RfbsStateEventValidatesAndTakesDefaultsFromTheState) {
    auto s = load_scenario_text(with_returns("  - {at: +1h, rfbs_state: {return_id: 8000000101, state: APPROVED}}\n"));
    const auto& ev = only_event(s, "rfbs_state");
    ASSERT_TRUE(ev.rfbs_change);
    EXPECT_EQ(ev.rfbs_change->group_state, "Approved");
    EXPECT_EQ(ev.rfbs_change->state_name, "Одобрена");
    RfbsReturn r = s.rfbs_returns.at(0);
    EXPECT_EQ(r.group_state, "New");
    EXPECT_EQ(r.state, "ON_APPROVAL");
    EXPECT_TRUE(rfbs_waits_for_seller(r));
    apply_rfbs_state(r, *ev.rfbs_change);
    EXPECT_EQ(r.state, "APPROVED");
    EXPECT_FALSE(rfbs_waits_for_seller(r));

    auto e = error_of(with_returns("  - {at: +1h, rfbs_state: {return_id: 77, state: APPROVED}}\n"));
    EXPECT_NE(e.find("t.yaml:6:39"), std::string::npos) << e;
    EXPECT_NE(e.find("unknown rfbs return_id 77"), std::string::npos) << e;
    e = error_of(with_returns("  - {at: +1h, rfbs_state: {return_id: 8000000101, state: SOMETHING_NEW}}\n"));
    EXPECT_NE(e.find("unknown state 'SOMETHING_NEW'"), std::string::npos) << e;
    EXPECT_EQ(error_of(with_returns(
                  "  - {at: +1h, rfbs_state: {return_id: 8000000101, state: SOMETHING_NEW, group_state: Arbitration}}\n")),
              "no error");
    e = error_of(with_returns("  - {at: +1h, rfbs_state: {return_id: 8000000101, state: REJECTED, group_state: Nope}}\n"));
    EXPECT_NE(e.find("unknown group_state 'Nope'"), std::string::npos) << e;
}

// ------------------------------------------------------------------ storage on the clock

TEST(ReturnStorageClock, DaysCountFromTheArrivalAndFreezeWhenTheReturnLeaves) {
    const TimePoint t0 = *parse_iso8601("2026-11-26T04:00:00Z");
    Return r;
    r.price = 3290;
    r.status = "MovingToSeller";
    EXPECT_EQ(return_storage(r, t0).days, 0);  // not arrived
    apply_return_status(r, change_to("ArrivedAtReturnPlace"), t0);
    EXPECT_EQ(return_storage(r, t0 - 1h).days, 0);  // before the arrival
    EXPECT_EQ(return_storage(r, t0 + 24h - 1ms).days, 0);
    EXPECT_EQ(return_storage(r, t0 + 24h).days, 1);
    EXPECT_EQ(return_storage(r, t0 + 5 * 24h + 3h).days, 5);
    // Paid storage from t0 + 3 days: 1 % of 3290 per started day.
    EXPECT_DOUBLE_EQ(return_storage(r, t0 + 3 * 24h - 1ms).sum, 0);
    EXPECT_DOUBLE_EQ(return_storage(r, t0 + 3 * 24h).sum, 32.9);
    EXPECT_DOUBLE_EQ(return_storage(r, t0 + 4 * 24h + 1h).sum, 65.8);
    EXPECT_DOUBLE_EQ(return_storage(r, t0).utilization_sum, 164.5);  // 5 % of 3290
    // Collected on day 6: the storage stops there.
    apply_return_status(r, change_to("ReceivedBySeller"), t0 + 6 * 24h);
    EXPECT_EQ(return_storage(r, t0 + 40 * 24h).days, 6);
    EXPECT_DOUBLE_EQ(return_storage(r, t0 + 40 * 24h).sum, 4 * 32.9);
}

TEST(ReturnStorageClock, CheapItemsPayTheTenRubleMinimum) {
    const TimePoint t0 = *parse_iso8601("2026-11-26T04:00:00Z");
    Return r;
    r.price = 300;
    r.status = "ArrivedAtReturnPlace";
    r.status_changed_at = t0;
    fill_storage_defaults(r);
    ASSERT_TRUE(r.arrived_at);
    EXPECT_DOUBLE_EQ(return_storage(r, t0 + 3 * 24h + 1h).sum, 10);
    EXPECT_DOUBLE_EQ(return_storage(r, t0).utilization_sum, 50);
}

TEST(ReturnStorageClock, ReturnsListServesStorageAtTheGivenVirtualTime) {
    auto s = load_scenario_text(std::string(kMinimal) +
                                "returns: [{id: 5, posting_number: 1-1-1, offer_id: X, price: 3290, "
                                "status: ArrivedAtReturnPlace, status_changed_at: -1d, tariffication_start: +1d}]\n");
    auto at = [&](TimePoint now) {
        auto r = detail::ozon_call("/v1/returns/list", {{"limit", 10}}, s, s.accounts[0], now);
        EXPECT_EQ(r.status, 200);
        return r.body["returns"].at(0);
    };
    auto first = at(s.start);
    EXPECT_EQ(first["storage"]["days"], 1);
    EXPECT_EQ(first["storage"]["sum"]["price"], 0.0);
    EXPECT_EQ(first["storage"]["arrived_moment"], "2026-11-25T04:00:00.000Z");
    EXPECT_EQ(first["storage"]["tariffication_start_date"], "2026-11-27T04:00:00.000Z");
    EXPECT_EQ(first["storage"]["tariffication_first_date"], "2026-11-27T04:00:00.000Z");
    EXPECT_EQ(first["storage"]["utilization_forecast_date"], "2026-12-25T04:00:00.000Z");  // arrival + 30 d
    EXPECT_TRUE(first["storage"]["sum"]["price"].is_number());
    EXPECT_EQ(first["visual"]["status"]["id"], 3);  // as in the spec's example
    auto later = at(s.start + 2 * 24h);
    EXPECT_EQ(later["storage"]["days"], 3);
    EXPECT_DOUBLE_EQ(later["storage"]["sum"]["price"].get<double>(), 65.8);
}

// ------------------------------------------------------------------ rFBS answers

struct Rfbs : ::testing::Test {
    Scenario s = load_scenario_text(
        std::string(kMinimal) +
        "warehouses: [{id: 1, name: FBS}, {id: 2, name: rFBS, is_rfbs: true}]\n"
        "rfbs_returns:\n"
        "  - {posting_number: 2-1-1, offer_id: X, return_id: 8000000101, reason: 'Не подошёл размер', photos: [a, b]}\n"
        "  - {posting_number: 3-1-1, offer_id: X, return_id: 55, state: RECEIVED}\n"
        "  - {posting_number: 4-1-1, offer_id: X, return_id: 56, state: REJECTED, defect: true}\n");
    detail::ApiResult call(const std::string& path, const json& req) {
        return detail::ozon_call(path, req, s, s.accounts[0], s.start);
    }
    static std::vector<std::string> action_names(const json& ret) {
        std::vector<std::string> out;
        for (const auto& a : ret["available_actions"]) out.push_back(a["action"]["name"].get<std::string>());
        return out;
    }
    std::vector<std::int64_t> listed(const json& groups) {
        auto r = call("/v2/returns/rfbs/list", {{"limit", 100}, {"filter", {{"group_state", groups}}}});
        EXPECT_EQ(r.status, 200) << r.body.dump();
        std::vector<std::int64_t> ids;
        for (const auto& x : r.body["returns"]) ids.push_back(x["return_id"].get<std::int64_t>());
        return ids;
    }
};

TEST_F(Rfbs, WaitingRequestsOfferActionsDecidedOnesNone) {
    auto fresh = call("/v2/returns/rfbs/get", {{"return_id", 8000000101}}).body["returns"];
    EXPECT_EQ(action_names(fresh), (std::vector<std::string>{"Одобрить", "Вернуть часть денег", "Отклонить"}));
    EXPECT_EQ(fresh["available_actions"][0]["action"]["id"], 1);
    EXPECT_EQ(fresh["rejection_reason"].size(), 3u);
    EXPECT_EQ(fresh["client_photo"].size(), 2u);
    EXPECT_EQ(fresh["return_reason"]["name"], "Не подошёл размер");
    EXPECT_EQ(fresh["return_reason"]["is_defect"], false);
    EXPECT_EQ(fresh["warehouse_id"], 2);  // the rFBS warehouse
    auto checking = call("/v2/returns/rfbs/get", {{"return_id", 55}}).body["returns"];
    EXPECT_EQ(action_names(checking), (std::vector<std::string>{"Вернуть деньги", "Отклонить"}));
    auto rejected = call("/v2/returns/rfbs/get", {{"return_id", 56}}).body["returns"];
    EXPECT_TRUE(rejected["available_actions"].is_array());
    EXPECT_TRUE(rejected["available_actions"].empty());
    EXPECT_TRUE(rejected["rejection_reason"].empty());
    EXPECT_EQ(rejected["return_reason"]["is_defect"], true);
}

TEST_F(Rfbs, LastIdOutsideInt32Is400) {
    for (const json& last : {json(8000000101LL), json(2147483648LL), json(-2147483649LL), json("8000000101"),
                             json(18446744073709551615ULL)}) {
        auto r = call("/v2/returns/rfbs/list", {{"limit", 10}, {"last_id", last}});
        EXPECT_EQ(r.status, 400) << last.dump();
        EXPECT_EQ(r.body["code"], 3);
        EXPECT_TRUE(r.body["details"].is_array());
        EXPECT_NE(r.body["message"].get<std::string>().find("int32"), std::string::npos) << r.body.dump();
    }
    auto ok = call("/v2/returns/rfbs/list", {{"limit", 10}, {"last_id", 2147483647}});
    EXPECT_EQ(ok.status, 200);
    ASSERT_EQ(ok.body["returns"].size(), 1u);  // only 8000000101 is past it
    EXPECT_EQ(call("/v2/returns/rfbs/list", {{"limit", 10}, {"last_id", 55}}).body["returns"].size(), 2u);
}

TEST_F(Rfbs, GroupStateFilterAsTheSpecNamesIt) {
    EXPECT_EQ(listed(json::array()).size(), 3u);
    EXPECT_EQ(listed({"All"}).size(), 3u);
    EXPECT_EQ(listed({"ALL"}).size(), 3u);  // the swagger example's spelling
    EXPECT_EQ(listed({"New"}), (std::vector<std::int64_t>{8000000101}));
    EXPECT_EQ(listed({"Checkout", "Rejected"}), (std::vector<std::int64_t>{55, 56}));
    EXPECT_TRUE(listed({"Approved"}).empty());
    auto r = call("/v2/returns/rfbs/list", {{"limit", 10}, {"filter", {{"group_state", {"Waiting"}}}}});
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body["message"].get<std::string>().find("group_state"), std::string::npos);
}

// ------------------------------------------------------------------ drop-off points

TEST(DropOffPoints, ScenarioPointsGiveAddressAndPass) {
    auto s = load_scenario_text(std::string(kMinimal) +
                                "returns:\n"
                                "  - {id: 1, posting_number: 1-1-1, offer_id: X, status: ArrivedAtReturnPlace, place_id: 7, place_name: P7}\n"
                                "  - {id: 2, posting_number: 2-1-1, offer_id: X, status: ArrivedAtReturnPlace, place_id: 8, place_name: P8}\n"
                                "  - {id: 3, posting_number: 3-1-1, offer_id: X, status: MovingToSeller, place_id: 8}\n"
                                "dropoff_points: [{place_id: 7, address: 'г. Москва, ул. Складская, 1', pass_required: true}]\n");
    auto r = detail::ozon_call("/v1/returns/company/fbs/info", {{"pagination", {{"limit", 10}}}}, s, s.accounts[0], s.start);
    ASSERT_EQ(r.status, 200);
    const auto& pts = r.body["drop_off_points"];
    ASSERT_EQ(pts.size(), 2u);
    EXPECT_EQ(pts[0]["id"], 7);
    EXPECT_EQ(pts[0]["address"], "г. Москва, ул. Складская, 1");
    EXPECT_EQ(pts[0]["name"], "P7");
    EXPECT_EQ(pts[0]["pass_info"]["is_required"], true);
    EXPECT_EQ(pts[0]["pass_info"]["count"], 1);
    EXPECT_EQ(pts[1]["pass_info"]["is_required"], false);
    EXPECT_EQ(pts[1]["returns_count"], 1);  // the one on its way is not counted
    EXPECT_NE(error_of(std::string(kMinimal) + "dropoff_points: [{name: x}]\n").find("'place_id' is required"),
              std::string::npos);
}

// ------------------------------------------------------------------ the demo's returns

TEST(DemoReturns, TheSeedsStoryIsInTheScenario) {
    auto s = load_scenario_file(std::string(OZW_SOURCE_DIR) + "/sandbox/scenarios/demo.yaml");
    std::map<std::string, int> by_status;
    std::set<std::string> reasons, fbs_postings;
    for (const auto& r : s.returns) {
        ++by_status[r.status];
        if (r.type == "ClientReturn") reasons.insert(r.return_reason_name);
        fbs_postings.insert(r.posting_number);
    }
    EXPECT_EQ(by_status["OnSellerApproval"], 1);
    EXPECT_EQ(by_status["DisputeOpened"], 1);
    for (const char* why : {"Не подошёл размер", "Не подошёл цвет", "Не понравилось качество"})
        EXPECT_TRUE(reasons.count(why)) << why;
    // Not collected, waiting at the pickup point, paid storage from tomorrow.
    auto waiting = std::find_if(s.returns.begin(), s.returns.end(), [](const Return& r) {
        return r.type == "Cancellation" && r.status == "ArrivedAtReturnPlace";
    });
    ASSERT_NE(waiting, s.returns.end());
    ASSERT_TRUE(waiting->tariffication_start);
    EXPECT_EQ(*waiting->tariffication_start, s.start + 24h);
    // One rFBS request with two photos, on a posting of its own.
    ASSERT_EQ(s.rfbs_returns.size(), 1u);
    EXPECT_EQ(s.rfbs_returns[0].client_photo.size(), 2u);
    EXPECT_FALSE(fbs_postings.count(s.rfbs_returns[0].posting_number));
    EXPECT_TRUE(rfbs_waits_for_seller(s.rfbs_returns[0]));
    // The day's transitions: a new return arrives at the pickup point, the request is approved;
    // nothing changes the rFBS request.
    std::vector<std::pair<std::int64_t, std::string>> changes;
    for (const auto& e : s.events) {
        if (e.kind == "return_status") changes.emplace_back(e.return_id, e.return_change->status);
        EXPECT_NE(e.kind, "rfbs_state");
    }
    EXPECT_EQ(changes, (std::vector<std::pair<std::int64_t, std::string>>{
                           {1000015010, "ArrivedAtReturnPlace"}, {1000015001, "Approved"}}));
    EXPECT_TRUE(std::is_sorted(s.returns.begin(), s.returns.end(),
                               [](const Return& a, const Return& b) { return a.id < b.id; }));
}

// ------------------------------------------------------------------ the benchmark's generator

TEST(GeneratedReturns, TwentyThousandInARealisticMixPagedBy500) {
    auto s = load_scenario_text(std::string(kMinimal) + "generate: {returns: 20000}\n");
    ASSERT_EQ(s.returns.size(), 20000u);
    std::map<std::string, int> mix;
    for (std::size_t i = 0; i < s.returns.size(); ++i) {
        const auto& r = s.returns[i];
        if (i) {
            ASSERT_GT(r.id, s.returns[i - 1].id);
        }
        ++mix[r.status];
        EXPECT_LT(r.status_changed_at, s.start);
        EXPECT_GE(r.status_changed_at, s.start - 30 * 24h);
        EXPECT_GT(return_status_id(r.status), 0) << r.status;
        if (r.status == "ArrivedAtReturnPlace") {
            EXPECT_TRUE(r.arrived_at && r.tariffication_start && r.utilization_forecast);
            EXPECT_NE(r.place_id, 0);
        }
        if (r.status == "OnSellerApproval") {
            EXPECT_GE(r.status_changed_at, s.start - 24h);  // Ozon decides for the seller after ~24 h
        }
    }
    const int final_states = mix["ReceivedBySeller"] + mix["MoneyReturned"] + mix["Utilized"] + mix["Rejected"];
    EXPECT_GT(final_states, 14000);
    EXPECT_GT(mix["ArrivedAtReturnPlace"], 500);
    EXPECT_LT(mix["ArrivedAtReturnPlace"], 3000);
    EXPECT_GT(mix["OnSellerApproval"], 5);
    EXPECT_LT(mix["OnSellerApproval"], 100);
    EXPECT_GT(mix["DisputeOpened"], 20);
    EXPECT_LT(mix["DisputeOpened"], 200);
    // The status change moments cover the whole month: every day has some.
    std::set<long long> days;
    for (const auto& r : s.returns) days.insert((s.start - r.status_changed_at) / 24h);
    EXPECT_EQ(days.size(), 30u);

    // /v1/returns/list by last_id, pages of 500: every return once, in id order.
    std::int64_t last_id = 0;
    std::size_t seen = 0, pages = 0;
    for (bool more = true; more; ++pages) {
        auto r = detail::ozon_call("/v1/returns/list", {{"limit", 500}, {"last_id", last_id}}, s, s.accounts[0], s.start);
        ASSERT_EQ(r.status, 200);
        const auto& list = r.body["returns"];
        ASSERT_FALSE(list.empty());
        for (const auto& x : list) {
            ASSERT_GT(x["id"].get<std::int64_t>(), last_id);
            last_id = x["id"].get<std::int64_t>();
        }
        seen += list.size();
        more = r.body["has_next"].get<bool>();
    }
    EXPECT_EQ(seen, 20000u);
    EXPECT_EQ(pages, 40u);
    // A status filter pages the same way.
    auto waiting = detail::ozon_call(
        "/v1/returns/list", {{"limit", 500}, {"filter", {{"visual_status_name", "OnSellerApproval"}}}}, s,
        s.accounts[0], s.start);
    EXPECT_EQ(waiting.body["returns"].size(), static_cast<std::size_t>(mix["OnSellerApproval"]));
    EXPECT_FALSE(waiting.body["has_next"].get<bool>());
}
