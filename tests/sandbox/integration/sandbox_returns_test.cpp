// Returns over HTTP on the virtual clock (no sleeps: the clock is advanced): a timed
// return_status transition found through the visual_status_change_moment filter and counted at
// its drop-off point, storage days and sum that grow with the clock, rFBS actions while a request
// waits and none after an rfbs_state event, rFBS last_id beyond int32 answered 400, two date
// filters answered 400.
#include <gtest/gtest.h>

#include "common/time.hpp"
#include "tests/sandbox/integration/sandbox_test_client.hpp"

using ozw::parse_iso8601;
using ozw::TimePoint;
using namespace ozw::sandbox;
using namespace ozw::sandbox::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

struct DemoReturns : ::testing::Test {
    Sandbox sb{Sandbox::load_scenario(scenario_path("demo.yaml"))};
    void SetUp() override { sb.start(); }

    json returns(const json& filter) {
        auto r = ozon(sb, "/v1/returns/list", json{{"limit", 500}, {"filter", filter}});
        EXPECT_EQ(r.status, 200) << r.body;
        return r.json()["returns"];
    }
    json changed_between(const char* from, const char* to) {
        return returns({{"visual_status_change_moment", {{"time_from", from}, {"time_to", to}}}});
    }
    json one(std::int64_t id) {
        for (const auto& r : returns(json::object()))
            if (r["id"] == id) return r;
        ADD_FAILURE() << "return " << id << " not served";
        return json::object();
    }
    int waiting_at(std::int64_t place) {
        auto r = ozon(sb, "/v1/returns/company/fbs/info",
                      json{{"filter", {{"place_id", place}}}, {"pagination", {{"limit", 500}}}});
        EXPECT_EQ(r.status, 200) << r.body;
        auto pts = r.json()["drop_off_points"];
        return pts.empty() ? 0 : pts[0]["returns_count"].get<int>();
    }
    static std::vector<std::int64_t> ids(const json& list) {
        std::vector<std::int64_t> out;
        for (const auto& r : list) out.push_back(r["id"].get<std::int64_t>());
        return out;
    }
};

}  // namespace

// 07:00 MSK start; at 10:00 (+3h) an uncollected order is sent back, at 13:00 (+6h) it arrives at
// the pickup point 21500, at 15:00 (+8h) the seller approves return 1000015001.
TEST_F(DemoReturns, TimedStatusChangeIsFoundByTheChangeMomentFilterAndCountedAtThePoint) {
    const char* from = "2026-11-26T09:30:00Z";  // 12:30 MSK
    const char* to = "2026-11-26T10:30:00Z";    // 13:30 MSK
    EXPECT_TRUE(changed_between(from, to).empty());
    EXPECT_EQ(waiting_at(21500), 1);  // only 1000015002

    sb.advance(3h);  // 10:00: the new return is on its way
    auto moving = one(1000015010);
    EXPECT_EQ(moving["visual"]["status"]["sys_name"], "MovingToSeller");
    EXPECT_TRUE(moving["storage"]["arrived_moment"].is_null());
    EXPECT_TRUE(changed_between(from, to).empty());

    sb.advance(3h);  // 13:00: it arrives
    auto hits = changed_between(from, to);
    EXPECT_EQ(ids(hits), (std::vector<std::int64_t>{1000015010}));
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0]["visual"]["status"]["sys_name"], "ArrivedAtReturnPlace");
    EXPECT_EQ(hits[0]["visual"]["change_moment"], "2026-11-26T10:00:00.000Z");
    EXPECT_EQ(hits[0]["storage"]["arrived_moment"], "2026-11-26T10:00:00.000Z");
    EXPECT_EQ(hits[0]["storage"]["tariffication_start_date"], "2026-11-29T10:00:00.000Z");  // + 3 days
    EXPECT_EQ(hits[0]["storage"]["days"], 0);
    EXPECT_EQ(hits[0]["place"]["id"], 21500);
    EXPECT_EQ(waiting_at(21500), 2);
    // The status filter agrees.
    EXPECT_EQ(ids(returns({{"visual_status_name", "ArrivedAtReturnPlace"}})),
              (std::vector<std::int64_t>{1000015002, 1000015010}));

    EXPECT_EQ(one(1000015001)["visual"]["status"]["sys_name"], "OnSellerApproval");
    sb.advance(2h);  // 15:00: approved
    auto approved = changed_between("2026-11-26T11:59:00Z", "2026-11-26T12:01:00Z");
    ASSERT_EQ(ids(approved), (std::vector<std::int64_t>{1000015001}));
    EXPECT_EQ(approved[0]["visual"]["status"]["sys_name"], "Approved");
    EXPECT_TRUE(returns({{"visual_status_name", "OnSellerApproval"}}).empty());
}

TEST_F(DemoReturns, StorageDaysAndSumGrowWithTheVirtualClock) {
    // 1000015002 (JNS-001, 3290 RUB) arrived yesterday 07:00 MSK, paid storage from tomorrow.
    auto today = one(1000015002)["storage"];
    EXPECT_EQ(today["days"], 1);
    EXPECT_EQ(today["sum"]["price"].get<double>(), 0.0);
    EXPECT_EQ(today["tariffication_start_date"], "2026-11-27T04:00:00.000Z");
    sb.advance(24h);
    auto tomorrow = one(1000015002)["storage"];
    EXPECT_EQ(tomorrow["days"], 2);
    EXPECT_DOUBLE_EQ(tomorrow["sum"]["price"].get<double>(), 32.9);  // 1 % of 3290, first paid day
    sb.advance(36h);
    auto later = one(1000015002)["storage"];
    EXPECT_EQ(later["days"], 3);
    EXPECT_DOUBLE_EQ(later["sum"]["price"].get<double>(), 2 * 32.9);
}

TEST_F(DemoReturns, TheRfbsRequestHasTwoPhotosItsOwnPostingAndWaitsAllDay) {
    auto get = [&] {
        auto r = ozon(sb, "/v2/returns/rfbs/get", json{{"return_id", 8000000101}});
        EXPECT_EQ(r.status, 200) << r.body;
        return r.json()["returns"];
    };
    auto req = get();
    EXPECT_EQ(req["client_photo"].size(), 2u);
    EXPECT_FALSE(req["comment"].get<std::string>().empty());
    EXPECT_FALSE(req["available_actions"].empty());
    for (const auto& r : returns(json::object())) EXPECT_NE(r["posting_number"], req["posting_number"]);
    sb.advance(16h);
    EXPECT_FALSE(get()["available_actions"].empty());
}

TEST_F(DemoReturns, RfbsLastIdBeyondInt32Is400) {
    auto list = ozon(sb, "/v2/returns/rfbs/list", json{{"limit", 1}});
    ASSERT_EQ(list.status, 200);
    auto page = list.json()["returns"];
    ASSERT_EQ(page.size(), 1u);
    const auto last = page[0]["return_id"].get<std::int64_t>();
    EXPECT_GT(last, 2147483647);
    // A client that pages by the last return_id is refused, Ozon-style.
    auto next = ozon(sb, "/v2/returns/rfbs/list", json{{"limit", 1}, {"last_id", last}});
    EXPECT_EQ(next.status, 400) << next.body;
    auto body = next.json();
    EXPECT_EQ(body["code"], 3);
    EXPECT_TRUE(body["details"].is_array());
    EXPECT_NE(body["message"].get<std::string>().find("last_id"), std::string::npos) << next.body;
    EXPECT_EQ(ozon(sb, "/v2/returns/rfbs/list", json{{"limit", 1}, {"last_id", 2147483647}}).status, 200);
}

TEST_F(DemoReturns, TwoDateFiltersAre400) {
    auto r = ozon(sb, "/v1/returns/list",
                  json{{"limit", 10},
                       {"filter", {{"logistic_return_date", {{"time_from", "2026-11-01T00:00:00Z"}}},
                                   {"storage_tariffication_start_date", {{"time_from", "2026-11-01T00:00:00Z"}}}}}});
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.json()["code"], 3);
    EXPECT_NE(r.json()["message"].get<std::string>().find("only one"), std::string::npos) << r.body;
}

// An rfbs_state event at +1h decides the request: actions before, none after, and the
// group_state filter moves it from New to Approved.
TEST(SandboxRfbs, ActionsWhileWaitingNoneAfterTheStateEvent) {
    Sandbox sb(load_scenario_text(
        "start: 2026-11-26T04:00:00Z\n"
        "accounts: [{client_id: demo, api_key: demo-key}]\n"
        "rfbs_returns: [{posting_number: 2-1-1, offer_id: X, return_id: 77, reason: 'Не подошёл цвет', "
        "comment: 'Цвет не тот', photos: [a, b]}]\n"
        "events: [{at: +1h, rfbs_state: {return_id: 77, state: APPROVED}}]\n",
        "t.yaml"));
    sb.start();
    auto get = [&] { return ozon(sb, "/v2/returns/rfbs/get", json{{"return_id", 77}}).json()["returns"]; };
    auto in_group = [&](const char* g) {
        auto r = ozon(sb, "/v2/returns/rfbs/list", json{{"limit", 10}, {"filter", {{"group_state", {g}}}}});
        EXPECT_EQ(r.status, 200) << r.body;
        return r.json()["returns"].size();
    };
    auto before = get();
    ASSERT_EQ(before["available_actions"].size(), 3u);
    EXPECT_EQ(before["available_actions"][0]["action"]["name"], "Одобрить");
    EXPECT_EQ(before["return_reason"]["name"], "Не подошёл цвет");
    EXPECT_EQ(before["comment"], "Цвет не тот");
    EXPECT_EQ(before["state"]["state"], "ON_APPROVAL");
    EXPECT_EQ(in_group("New"), 1u);
    EXPECT_EQ(in_group("Approved"), 0u);

    sb.advance(1h);
    auto after = get();
    EXPECT_TRUE(after["available_actions"].is_array());
    EXPECT_TRUE(after["available_actions"].empty());
    EXPECT_EQ(after["state"]["state"], "APPROVED");
    EXPECT_EQ(in_group("New"), 0u);
    EXPECT_EQ(in_group("Approved"), 1u);
    auto brief = ozon(sb, "/v2/returns/rfbs/list", json{{"limit", 10}}).json()["returns"][0];
    EXPECT_EQ(brief["state"]["group_state"], "Approved");

    // The same through the Sandbox's own method.
    EXPECT_TRUE(sb.set_rfbs_state(77, {"RECEIVED", "Товар получен, проверьте его", "Checkout"}));
    EXPECT_EQ(get()["available_actions"].size(), 2u);
    EXPECT_FALSE(sb.set_rfbs_state(78, {"APPROVED", "", ""}));
}

// Sandbox::add_return keeps the ids sorted and set_return_status moves a return now.
TEST(SandboxReturnsAdmin, AddReturnAndSetStatusOnTheClock) {
    Sandbox sb(load_scenario_text("start: 2026-11-26T04:00:00Z\naccounts: [{client_id: demo, api_key: demo-key}]\n"
                                  "returns: [{id: 20, posting_number: 2-1-1, offer_id: X, status: MovingToSeller}]\n",
                                  "t.yaml"));
    sb.start();
    Return r;
    r.id = 10;
    r.posting_number = "1-1-1";
    r.status = "MovingToSeller";
    r.status_display = "Возврат на пути к продавцу";
    r.created_at = sb.now();
    r.status_changed_at = sb.now();
    sb.add_return(r);
    auto list = ozon(sb, "/v1/returns/list", json{{"limit", 1}}).json();
    ASSERT_EQ(list["returns"].size(), 1u);
    EXPECT_EQ(list["returns"][0]["id"], 10);
    EXPECT_TRUE(list["has_next"].get<bool>());
    auto rest = ozon(sb, "/v1/returns/list", json{{"limit", 1}, {"last_id", 10}}).json();
    EXPECT_EQ(rest["returns"][0]["id"], 20);
    EXPECT_FALSE(rest["has_next"].get<bool>());

    sb.advance(2h);
    ReturnStatusChange c;
    c.status = "ArrivedAtReturnPlace";
    ASSERT_TRUE(sb.set_return_status(10, c));
    EXPECT_FALSE(sb.set_return_status(11, c));
    sb.advance(25h);
    auto now = ozon(sb, "/v1/returns/list", json{{"limit", 1}}).json()["returns"][0];
    EXPECT_EQ(now["visual"]["change_moment"], "2026-11-26T06:00:00.000Z");
    EXPECT_EQ(now["storage"]["days"], 1);
}

// The admin API's return endpoints: a return added as YAML lands in id order, its status and an
// rFBS request's state change at the current virtual time.
TEST(SandboxReturnsAdmin, AdminApiAddsAndMovesReturns) {
    Sandbox sb(Sandbox::load_scenario(scenario_path("test-basic.yaml")));
    sb.start();
    auto admin = [&](const std::string& target, const json& body) {
        Call c;
        c.target = target;
        c.body = body.dump();
        return http_call(sb.base_url(), c);
    };
    ASSERT_EQ(admin("/__sandbox/returns", {{"yaml", "{id: 499, posting_number: 9-1-1, offer_id: A-1, status: MovingToSeller}"}}).status,
              200);
    EXPECT_EQ(admin("/__sandbox/returns", {{"yaml", "{id: 499, posting_number: 9-1-1, offer_id: A-1, status: Approved}"}}).status,
              400);  // the id exists
    auto first = ozon(sb, "/v1/returns/list", json{{"limit", 1}}).json()["returns"][0];
    EXPECT_EQ(first["id"], 499);
    sb.advance(1h);
    ASSERT_EQ(admin("/__sandbox/returns/status", {{"id", 499}, {"status", "ArrivedAtReturnPlace"}}).status, 200);
    EXPECT_EQ(admin("/__sandbox/returns/status", {{"id", 499}, {"status", "Arrived"}}).status, 400);
    EXPECT_EQ(admin("/__sandbox/returns/status", {{"id", 1}, {"status", "Approved"}}).status, 400);
    first = ozon(sb, "/v1/returns/list", json{{"limit", 1}}).json()["returns"][0];
    EXPECT_EQ(first["visual"]["status"]["sys_name"], "ArrivedAtReturnPlace");
    EXPECT_EQ(first["storage"]["arrived_moment"], "2026-11-26T05:00:00.000Z");

    ASSERT_EQ(admin("/__sandbox/rfbs/state", {{"return_id", 77}, {"state", "REJECTED"}}).status, 200);
    auto rfbs = ozon(sb, "/v2/returns/rfbs/get", json{{"return_id", 77}}).json()["returns"];
    EXPECT_EQ(rfbs["state"]["state_name"], "Отклонена");
    EXPECT_TRUE(rfbs["available_actions"].empty());
    EXPECT_EQ(admin("/__sandbox/rfbs/state", {{"return_id", 77}, {"state", "ODD"}}).status, 400);
}
