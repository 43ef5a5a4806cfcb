// The push bodies the sandbox sends, against the spec (2026/tag-push_types.md, push_start):
// every expected body is written out literally with the spec's field names and formats.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "sandbox/push_bodies.hpp"
#include "sandbox/scenario.hpp"

using namespace ozw;
using namespace ozw::sandbox;
using nlohmann::json;

namespace {

TimePoint at(const char* iso) { return *parse_iso8601(iso); }

Posting posting() {
    Posting p;
    p.posting_number = "24319409-0021-1";
    p.status = "awaiting_packaging";
    p.substatus = "posting_created";
    p.warehouse_id = 12850503335000;
    p.in_process_at = at("2026-11-26T06:56:36.294Z");
    p.shipment_date = at("2026-11-27T10:00:00Z");
    p.tracking_number = "ZZV-23";
    p.products = {{147451939, "Товар2", "Платье", 1, 3490}, {147451959, "Товар3", "Юбка", 2, 1990}};
    return p;
}

const char* kMinimal = "start: 2026-11-26T04:00:00Z\naccounts: [{client_id: '15', api_key: k}]\n";

std::string error_of(const std::string& yaml) {
    try {
        load_scenario_text(yaml, "t.yaml");
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST(PushBodies, SellerIdIsANumberForDigitsAndTextOtherwise) {
    EXPECT_EQ(push_seller_id("15"), json(15));
    EXPECT_TRUE(push_seller_id("15").is_number_integer());
    EXPECT_EQ(push_seller_id("7376"), json(7376));
    EXPECT_EQ(push_seller_id("demo"), json("demo"));
    EXPECT_EQ(push_seller_id("99999999999999999999"), json("99999999999999999999"));  // beyond int64
    EXPECT_EQ(push_seller_id("-5"), json("-5"));
    EXPECT_EQ(push_seller_id(""), json(""));
}

TEST(PushBodies, PushStateFollowsTheSpecsStatusTable) {
    EXPECT_EQ(push_state("awaiting_packaging", "posting_created"), "posting_created");
    EXPECT_EQ(push_state("awaiting_approve", ""), "posting_created");
    EXPECT_EQ(push_state("acceptance_in_progress", ""), "posting_acceptance_in_progress");
    EXPECT_EQ(push_state("awaiting_registration", ""), "posting_awaiting_registration");
    // awaiting_deliver: three push states; a substatus outside them gives the first.
    EXPECT_EQ(push_state("awaiting_deliver", "posting_awaiting_passport_data"), "posting_transferring_to_delivery");
    EXPECT_EQ(push_state("awaiting_deliver", "posting_in_carriage"), "posting_in_carriage");
    EXPECT_EQ(push_state("arbitration", "posting_in_arbitration"), "posting_in_arbitration");
    EXPECT_EQ(push_state("client_arbitration", ""), "posting_in_client_arbitration");
    EXPECT_EQ(push_state("delivering", "posting_in_carriage"), "posting_on_way_to_city");
    EXPECT_EQ(push_state("delivering", "posting_in_pickup_point"), "posting_in_pickup_point");
    EXPECT_EQ(push_state("driver_pickup", "posting_driver_pick_up"), "posting_driver_pick_up");
    EXPECT_EQ(push_state("delivered", "posting_delivered"), "posting_delivered");
    EXPECT_EQ(push_state("delivered", "posting_received"), "posting_received");
    EXPECT_EQ(push_state("cancelled", "posting_canceled"), "posting_canceled");
    EXPECT_EQ(push_state("not_accepted", ""), "posting_not_in_sort_center");
    // Not in the table.
    EXPECT_EQ(push_state("sent_by_seller", ""), "posting_sent_by_seller");
    EXPECT_EQ(push_state("awaiting_verification", "posting_on_verification"), "posting_on_verification");
    EXPECT_TRUE(push_cancelled_status("cancelled"));
    EXPECT_TRUE(push_cancelled_status("cancelled_from_split_pending"));
    EXPECT_FALSE(push_cancelled_status("delivered"));
}

TEST(PushBodies, NewPostingHasTheSpecsFields) {
    EXPECT_EQ(push_new_posting(posting(), "1"), json::parse(R"({
      "message_type": "TYPE_NEW_POSTING",
      "posting_number": "24319409-0021-1",
      "products": [{"sku": 147451939, "offer_id": "Товар2", "quantity": 1},
                   {"sku": 147451959, "offer_id": "Товар3", "quantity": 2}],
      "in_process_at": "2026-11-26T06:56:36.294Z",
      "warehouse_id": 12850503335000,
      "shipment_date": "2026-11-27T10:00:00.000Z",
      "tpl_integration_type": "ozon",
      "is_express": false,
      "tracking_number": "ZZV-23",
      "delivery_date_begin": "2026-11-28T10:00:00.000Z",
      "delivery_date_end": "2026-11-30T10:00:00.000Z",
      "seller_id": 1
    })"));
}

TEST(PushBodies, StateChangedCarriesThePushModelState) {
    Posting p = posting();
    p.status = "delivered";
    p.substatus = "posting_delivered";
    EXPECT_EQ(push_state_changed(p, at("2026-11-28T15:07:46.765Z"), "15"), json::parse(R"({
      "message_type": "TYPE_STATE_CHANGED",
      "posting_number": "24319409-0021-1",
      "new_state": "posting_delivered",
      "changed_state_date": "2026-11-28T15:07:46.765Z",
      "warehouse_id": 12850503335000,
      "seller_id": 15
    })"));
}

TEST(PushBodies, CancellationCarriesOldStateAndReason) {
    Posting p = posting();
    p.status = "cancelled";
    p.substatus = "posting_canceled";
    p.cancellation = Cancellation{352, "Товар закончился на складе продавца", "Продавец", "seller", true, false};
    EXPECT_EQ(push_posting_cancelled(p, "posting_transferring_to_delivery", at("2026-11-26T09:00:00Z"), "15"),
              json::parse(R"({
      "message_type": "TYPE_POSTING_CANCELLED",
      "posting_number": "24319409-0021-1",
      "products": [{"sku": 147451939, "quantity": 1}, {"sku": 147451959, "quantity": 2}],
      "old_state": "posting_transferring_to_delivery",
      "new_state": "posting_canceled",
      "changed_state_date": "2026-11-26T09:00:00.000Z",
      "reason": {"id": 352, "message": "Товар закончился на складе продавца"},
      "warehouse_id": 12850503335000,
      "seller_id": 15
    })"));
    p.cancellation.reset();
    EXPECT_EQ(push_posting_cancelled(p, "posting_created", at("2026-11-26T09:00:00Z"), "15")["reason"],
              json::parse(R"({"id": 0, "message": ""})"));
}

TEST(PushBodies, CutoffChangeInWholeSeconds) {
    Posting p = posting();
    p.shipment_date = at("2026-11-28T07:00:00Z");
    EXPECT_EQ(push_cutoff_changed(p, at("2026-11-27T10:00:00Z"), "15"), json::parse(R"({
      "message_type": "TYPE_CUTOFF_DATE_CHANGED",
      "posting_number": "24319409-0021-1",
      "new_cutoff_date": "2026-11-28T07:00:00Z",
      "old_cutoff_date": "2026-11-27T10:00:00Z",
      "warehouse_id": 12850503335000,
      "seller_id": 15
    })"));
}

TEST(PushBodies, StocksChangedListsTheChangedWarehouse) {
    Product pr;
    pr.product_id = 214887921;
    pr.sku = 1700000001;
    pr.offer_id = "DRESS-1";
    pr.fbs = {{1020000123456000, 7, 2}, {1020000000000902, 5, 0}};
    EXPECT_EQ(push_stocks_changed(pr, pr.fbs[0], at("2026-11-26T05:15:22Z"), "15"), json::parse(R"({
      "message_type": "TYPE_STOCKS_CHANGED",
      "seller_id": 15,
      "items": [{"product_id": 214887921, "sku": 1700000001, "updated_at": "2026-11-26T05:15:22Z",
                 "stocks": [{"warehouse_id": 1020000123456000, "present": 7, "reserved": 2}]}]
    })"));
}

TEST(PushBodies, NewMessageSendsSellerIdAsAString) {
    Chat c;
    c.chat_id = "b646d975-0c9c-4872-9f41-8b1e57181063";
    c.chat_type = "BUYER_SELLER";
    EXPECT_EQ(push_new_message(c, 3000000000817031942, at("2026-11-26T20:58:04.528Z"), "7"), json::parse(R"({
      "message_type": "TYPE_NEW_MESSAGE",
      "chat_id": "b646d975-0c9c-4872-9f41-8b1e57181063",
      "chat_type": "Buyer_Seller",
      "message_id": "3000000000817031942",
      "created_at": "2026-11-26T20:58:04.528Z",
      "user": {"id": "0", "type": "Customer"},
      "data": ["Новое сообщение"],
      "seller_id": "7"
    })"));
    c.chat_type = "SELLER_SUPPORT";
    auto support = push_new_message(c, 5, at("2026-11-26T20:58:04Z"), "7");
    EXPECT_EQ(support["chat_type"], "Seller_Support");
    EXPECT_EQ(support["user"]["type"], "Support");
}

TEST(PushBodies, ChatTypesTakeTheSpecsSpelling) {
    EXPECT_EQ(push_chat_type("BUYER_SELLER"), "Buyer_Seller");
    EXPECT_EQ(push_chat_type("SELLER_SUPPORT"), "Seller_Support");
    EXPECT_EQ(push_chat_type("SELLER_NOTIFICATION"), "Seller_Notification");
    EXPECT_EQ(push_chat_type("SELLER_API_UPDATES"), "Seller_API_Updates");
    EXPECT_EQ(push_chat_type("Buyer_Seller_Select"), "Buyer_Seller_Select");
    EXPECT_EQ(push_chat_type("SOMETHING_NEW"), "SOMETHING_NEW");
}

TEST(PushBodies, PingIsTypeAndTimeOnly) {
    EXPECT_EQ(push_ping(at("2026-11-26T04:00:00.750Z")),
              json::parse(R"({"message_type": "TYPE_PING", "time": "2026-11-26T04:00:00Z"})"));
}

TEST(PushScenario, PushKeyAndSetCutoffEventParse) {
    auto s = load_scenario_text(std::string(kMinimal) +
                                "push: {ping_every: 30m, account: '15'}\n"
                                "postings: [{posting_number: 1-1-1, status: awaiting_packaging, "
                                "shipment_date: +6h, products: [{offer_id: A}]}]\n"
                                "events:\n"
                                "  - {at: +1h, set_cutoff: {posting: 1-1-1, cutoff: +30h}}\n");
    ASSERT_TRUE(s.push.ping_every.has_value());
    EXPECT_EQ(*s.push.ping_every, std::chrono::minutes(30));
    EXPECT_EQ(s.push.account, "15");
    ASSERT_EQ(s.events.size(), 1u);
    EXPECT_EQ(s.events[0].kind, "set_cutoff");
    EXPECT_EQ(s.events[0].posting_number, "1-1-1");
    ASSERT_TRUE(s.events[0].cutoff.has_value());
    EXPECT_EQ(*s.events[0].cutoff, at("2026-11-27T10:00:00Z"));
    EXPECT_EQ(s.events[0].at, at("2026-11-26T05:00:00Z"));
    // Without the key: no periodic pings, the first account.
    auto plain = load_scenario_text(kMinimal);
    EXPECT_FALSE(plain.push.ping_every.has_value());
    EXPECT_EQ(plain.push.account, "");
}

TEST(PushScenario, BadPushSettingsAndCutoffEventsAreErrors) {
    EXPECT_NE(error_of(std::string(kMinimal) + "push: {ping_every: 500ms}\n").find("at least 1s"), std::string::npos);
    EXPECT_NE(error_of(std::string(kMinimal) + "push: {ping_every: often}\n").find("ping_every"), std::string::npos);
    EXPECT_NE(error_of(std::string(kMinimal) + "push: {account: nobody}\n").find("unknown account 'nobody'"),
              std::string::npos);
    EXPECT_NE(error_of(std::string(kMinimal) + "push: {pings: 1h}\n").find("unknown key 'pings'"), std::string::npos);
    EXPECT_NE(error_of(std::string(kMinimal) + "events: [{at: +1h, set_cutoff: {posting: 9-9-9, cutoff: +1d}}]\n")
                  .find("unknown posting 9-9-9"),
              std::string::npos);
    EXPECT_NE(error_of(std::string(kMinimal) +
                       "postings: [{posting_number: 1-1-1, status: awaiting_packaging, products: [{offer_id: A}]}]\n"
                       "events: [{at: +1h, set_cutoff: {posting: 1-1-1}}]\n")
                  .find("'cutoff' is required"),
              std::string::npos);
}
