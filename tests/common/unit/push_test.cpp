// The pure part of the Ozon push receiver (common/push/push.hpp): networks, the client address
// behind proxies, the tolerant parse of the spec's messages, the dedup key of Ozon's retries and
// the exact answers (swagger push_start / push_types / service_response, 2026/tag-push_types.md).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/push/push.hpp"
#include "common/time.hpp"

using namespace ozw;
using namespace ozw::push;
namespace ip = boost::asio::ip;

namespace {

ip::address addr(const char* s) { return ip::make_address(s); }

std::vector<Cidr> nets(std::initializer_list<const char*> texts) {
    std::vector<Cidr> out;
    for (const char* t : texts) out.push_back(parse_cidr(t));
    return out;
}

std::string error_of(const char* text) {
    try {
        parse_cidr(text);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    ADD_FAILURE() << "no error for " << text;
    return {};
}

}  // namespace

TEST(PushCidr, MatchesOzonNetworksV4AtTheirEdges) {
    auto ozon = nets({"195.34.21.0/24", "185.73.192.0/22", "91.223.93.0/24"});
    EXPECT_TRUE(contains_any(ozon, addr("195.34.21.0")));
    EXPECT_TRUE(contains_any(ozon, addr("195.34.21.255")));
    EXPECT_FALSE(contains_any(ozon, addr("195.34.22.1")));
    EXPECT_TRUE(contains_any(ozon, addr("185.73.192.1")));
    EXPECT_TRUE(contains_any(ozon, addr("185.73.195.254")));  // /22: 192..195
    EXPECT_FALSE(contains_any(ozon, addr("185.73.196.1")));
    EXPECT_FALSE(contains_any(ozon, addr("185.73.191.255")));
    EXPECT_TRUE(contains_any(ozon, addr("91.223.93.7")));
    EXPECT_FALSE(contains_any(ozon, addr("127.0.0.1")));
    // An IPv4-mapped IPv6 peer (a dual-stack socket) is its IPv4 address.
    EXPECT_TRUE(contains_any(ozon, addr("::ffff:195.34.21.9")));
    EXPECT_FALSE(contains_any(ozon, addr("2001:db8::1")));
    // The defaults are those three.
    EXPECT_EQ(ozon_networks(), (std::vector<std::string>{"195.34.21.0/24", "185.73.192.0/22", "91.223.93.0/24"}));
}

TEST(PushCidr, MatchesV6AndBareAddressesAndEdgePrefixes) {
    auto v6 = parse_cidr("2001:db8:abcd::/48");
    EXPECT_TRUE(v6.contains(addr("2001:db8:abcd:1::5")));
    EXPECT_FALSE(v6.contains(addr("2001:db8:abce::1")));
    EXPECT_FALSE(v6.contains(addr("10.0.0.1")));
    auto odd = parse_cidr("2001:db8::/31");  // a prefix not on a byte boundary
    EXPECT_TRUE(odd.contains(addr("2001:db9::1")));
    EXPECT_FALSE(odd.contains(addr("2001:dba::1")));
    auto one = parse_cidr("127.0.0.1");
    EXPECT_EQ(one.prefix, 32u);
    EXPECT_TRUE(one.contains(addr("127.0.0.1")));
    EXPECT_FALSE(one.contains(addr("127.0.0.2")));
    EXPECT_EQ(parse_cidr("::1").prefix, 128u);
    EXPECT_TRUE(parse_cidr("::1").contains(addr("::1")));
    EXPECT_TRUE(parse_cidr("0.0.0.0/0").contains(addr("8.8.8.8")));
    EXPECT_TRUE(parse_cidr("::/0").contains(addr("2001:db8::1")));
    EXPECT_TRUE(parse_cidr("10.1.2.2/31").contains(addr("10.1.2.3")));
    EXPECT_FALSE(parse_cidr("10.1.2.2/31").contains(addr("10.1.2.4")));
    EXPECT_EQ(parse_cidr(" 10.0.0.0/8 ").text, "10.0.0.0/8");
}

TEST(PushCidr, RefusesWhatIsNotANetworkWithAReason) {
    EXPECT_NE(error_of("10.0.0/8").find("not an IPv4/IPv6 address"), std::string::npos);
    EXPECT_NE(error_of("example.com").find("not an IPv4/IPv6"), std::string::npos);
    EXPECT_NE(error_of("10.0.0.0/33").find("longer than 32"), std::string::npos);
    EXPECT_NE(error_of("::/129").find("longer than 128"), std::string::npos);
    EXPECT_NE(error_of("10.0.0.0/").find("prefix length"), std::string::npos);
    EXPECT_NE(error_of("10.0.0.0/x").find("prefix length"), std::string::npos);
    EXPECT_NE(error_of("10.0.0.0/-1").find("prefix length"), std::string::npos);
    EXPECT_NE(error_of("195.34.21.5/24").find("did you mean 195.34.21.0/24"), std::string::npos);
    EXPECT_NE(error_of("2001:db8::1/32").find("did you mean 2001:db8::/32"), std::string::npos);
    EXPECT_FALSE(error_of("").empty());
}

TEST(PushClientAddress, PeerAddressesParseInEveryShapeTheServerGives) {
    EXPECT_EQ(parse_peer("127.0.0.1:53422"), addr("127.0.0.1"));
    EXPECT_EQ(parse_peer("::1:53422"), addr("::1"));  // common/http/server: address ":" port
    EXPECT_EQ(parse_peer("[::1]:53422"), addr("::1"));
    EXPECT_EQ(parse_peer("195.34.21.9"), addr("195.34.21.9"));
    EXPECT_EQ(parse_peer("::ffff:195.34.21.9:1000"), addr("195.34.21.9"));
    EXPECT_FALSE(parse_peer(""));
    EXPECT_FALSE(parse_peer("nonsense"));
}

TEST(PushClientAddress, ForwardedForIsBelievedOnlyFromATrustedProxy) {
    auto trusted = nets({"127.0.0.1", "10.0.0.0/8"});
    // Not a proxy: the header is ignored, whatever it says.
    auto direct = client_address(addr("203.0.113.5"), {"195.34.21.9"}, trusted);
    ASSERT_TRUE(direct);
    EXPECT_EQ(direct->address, addr("203.0.113.5"));
    EXPECT_FALSE(direct->forwarded);
    // nginx on 127.0.0.1 appended the real client.
    auto via = client_address(addr("127.0.0.1"), {"195.34.21.9"}, trusted);
    ASSERT_TRUE(via);
    EXPECT_EQ(via->address, addr("195.34.21.9"));
    EXPECT_TRUE(via->forwarded);
    // A client that writes its own X-Forwarded-For: nginx appends the real address on the
    // right; the right-most untrusted hop wins, the forged one on the left is never reached.
    auto forged = client_address(addr("127.0.0.1"), {"195.34.21.9, 203.0.113.5"}, trusted);
    ASSERT_TRUE(forged);
    EXPECT_EQ(forged->address, addr("203.0.113.5"));
    // Two proxies (10.x then 127.0.0.1), hops in two headers, spaces tolerated.
    auto chain = client_address(addr("127.0.0.1"), {"1.2.3.4,195.34.21.9", " 10.1.1.1 "}, trusted);
    ASSERT_TRUE(chain);
    EXPECT_EQ(chain->address, addr("195.34.21.9"));
    // Every hop trusted: the left-most one.
    auto inner = client_address(addr("127.0.0.1"), {"10.2.2.2, 10.1.1.1"}, trusted);
    ASSERT_TRUE(inner);
    EXPECT_EQ(inner->address, addr("10.2.2.2"));
    // A trusted proxy that sent no header: the proxy itself.
    auto bare = client_address(addr("127.0.0.1"), {}, trusted);
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->address, addr("127.0.0.1"));
    EXPECT_FALSE(bare->forwarded);
    // Garbage where a hop must be read: cannot tell, reject.
    EXPECT_FALSE(client_address(addr("127.0.0.1"), {"195.34.21.9, not-an-ip"}, trusted));
    // Garbage left of the deciding hop is never read.
    auto left = client_address(addr("127.0.0.1"), {"junk, 195.34.21.9"}, trusted);
    ASSERT_TRUE(left);
    EXPECT_EQ(left->address, addr("195.34.21.9"));
    // No trusted proxies: never believed.
    auto none = client_address(addr("127.0.0.1"), {"195.34.21.9"}, {});
    ASSERT_TRUE(none);
    EXPECT_EQ(none->address, addr("127.0.0.1"));
}

TEST(PushParse, ReadsTheSpecsNewPostingExample) {
    // 2026/tag-push_types.md, TYPE_NEW_POSTING.
    auto r = parse(R"({
      "message_type": "TYPE_NEW_POSTING", "posting_number": "24319409-0021-1",
      "products": [{"sku": 147451939, "offer_id": "Товар2", "quantity": 1}],
      "in_process_at": "2021-01-26T06:56:36.294Z", "warehouse_id": 12850503335000,
      "shipment_date": "2021-01-26T06:56:36.294Z", "tpl_integration_type": "3pl_tracking",
      "is_express": false, "tracking_number": "ZZV-23",
      "delivery_date_begin": "2025-01-26T06:56:36.294Z", "delivery_date_end": "2025-01-26T06:56:36.294Z",
      "seller_id": 1})");
    ASSERT_TRUE(r.message) << r.error;
    const auto& m = *r.message;
    EXPECT_EQ(m.message_type, "TYPE_NEW_POSTING");
    EXPECT_TRUE(m.known_type);
    EXPECT_EQ(m.seller_id, "1");
    EXPECT_EQ(m.posting_number, "24319409-0021-1");
    ASSERT_EQ(m.products.size(), 1u);
    EXPECT_EQ(m.products[0].sku, 147451939);
    EXPECT_EQ(m.products[0].offer_id, "Товар2");
    EXPECT_EQ(m.products[0].quantity, 1);
    EXPECT_EQ(m.warehouse_id, 12850503335000LL);
    EXPECT_EQ(m.time, "2021-01-26T06:56:36.294Z");
    ASSERT_TRUE(m.time_point);
    EXPECT_EQ(*m.time_point, *parse_iso8601("2021-01-26T06:56:36.294Z"));
    EXPECT_EQ(m.raw["tracking_number"], "ZZV-23");  // everything else stays in raw
}

TEST(PushParse, ReadsStateChangesChatsAndFboShapes) {
    auto cancelled = parse(R"({"message_type":"TYPE_POSTING_CANCELLED","posting_number":"24219509-0020-1",
        "products":[{"sku":147451959,"quantity":1}],"old_state":"posting_transferred_to_courier_service",
        "new_state":"posting_canceled","changed_state_date":"2021-01-26T06:56:36.294Z",
        "reason":{"id":0,"message":"string"},"warehouse_id":0,"seller_id":15})");
    ASSERT_TRUE(cancelled.message);
    EXPECT_EQ(cancelled.message->old_state, "posting_transferred_to_courier_service");
    EXPECT_EQ(cancelled.message->new_state, "posting_canceled");
    EXPECT_EQ(cancelled.message->time, "2021-01-26T06:56:36.294Z");
    EXPECT_EQ(cancelled.message->seller_id, "15");
    // Chat messages carry seller_id as a string and a "Сustomer" with a Cyrillic С.
    auto chat = parse(R"({"message_type":"TYPE_NEW_MESSAGE","chat_id":"b646d975-0c9c-4872-9f41-8b1e57181063",
        "chat_type":"Buyer_Seller","message_id":"3000000000817031942","created_at":"2022-07-18T20:58:04.528Z",
        "user":{"id":"115568","type":"Сustomer"},"data":["Текст сообщения"],"seller_id":"7"})");
    ASSERT_TRUE(chat.message);
    EXPECT_EQ(chat.message->seller_id, "7");
    EXPECT_EQ(chat.message->chat_id, "b646d975-0c9c-4872-9f41-8b1e57181063");
    EXPECT_EQ(chat.message->chat_type, "Buyer_Seller");
    EXPECT_EQ(chat.message->message_id, "3000000000817031942");
    EXPECT_EQ(chat.message->time, "2022-07-18T20:58:04.528Z");
    auto fbo = parse(R"({"message_type":"TYPE_FBO_POSTING_STATE_CHANGED","posting_number":"68498622-0815-1",
        "order_number":"68498622-0815","uuid":"bf354adc-e404-480c-a037-cf865464f1d9",
        "new_state":"posting_transferring_to_delivery","changed_state_date":"2026-04-07T10:27:55.955Z",
        "warehouse_id":18044249781000,"seller_id":7376})");
    ASSERT_TRUE(fbo.message);
    EXPECT_EQ(fbo.message->uuid, "bf354adc-e404-480c-a037-cf865464f1d9");
    EXPECT_EQ(fbo.message->order_number, "68498622-0815");
    auto tree = parse(R"({"message_type":"TYPE_DESCRIPTION_CATEGORY_TREE_CHANGED","changed_at":"2026-04-07T10:27:55.955Z"})");
    ASSERT_TRUE(tree.message);
    EXPECT_FALSE(tree.message->seller_id);
    EXPECT_TRUE(type_without_seller(tree.message->message_type));
    EXPECT_TRUE(type_without_seller("TYPE_PING"));
    EXPECT_FALSE(type_without_seller("TYPE_NEW_POSTING"));
}

TEST(PushParse, IsTolerantOfWrongTypesAndKeepsUnknownTypesRaw) {
    // Wrong-typed fields are absent, nulls are absent, an unknown type is kept with its body.
    auto r = parse(R"({"message_type":"TYPE_SOMETHING_NEW","seller_id":null,"posting_number":5,
                       "products":"none","warehouse_id":"12","extra":{"a":[1,2]}})");
    ASSERT_TRUE(r.message) << r.error;
    EXPECT_FALSE(r.message->known_type);
    EXPECT_FALSE(r.message->seller_id);
    EXPECT_EQ(r.message->posting_number, "");
    EXPECT_TRUE(r.message->products.empty());
    EXPECT_EQ(r.message->warehouse_id, 12);
    EXPECT_EQ(r.message->raw["extra"]["a"][1], 2);
    EXPECT_FALSE(r.message->time_point);
    // A time that does not parse stays as text.
    auto t = parse(R"({"message_type":"TYPE_PING","time":"yesterday"})");
    ASSERT_TRUE(t.message);
    EXPECT_EQ(t.message->time, "yesterday");
    EXPECT_FALSE(t.message->time_point);
    // Every type of the spec is known.
    for (const char* type : {"TYPE_PING", "TYPE_NEW_POSTING", "TYPE_POSTING_CANCELLED", "TYPE_STATE_CHANGED",
                             "TYPE_CUTOFF_DATE_CHANGED", "TYPE_DELIVERY_DATE_CHANGED", "TYPE_CREATE_OR_UPDATE_ITEM",
                             "TYPE_STOCKS_CHANGED", "TYPE_NEW_MESSAGE", "TYPE_UPDATE_MESSAGE", "TYPE_MESSAGE_READ",
                             "TYPE_CHAT_CLOSED", "TYPE_ORDER_STATE_CHANGED", "TYPE_FBO_STOCKS_CHANGED"}) {
        auto k = parse(std::string(R"({"message_type":")") + type + R"("})");
        ASSERT_TRUE(k.message) << type;
        EXPECT_TRUE(k.message->known_type) << type;
    }
}

TEST(PushParse, RefusesWhatIsNotAPush) {
    auto not_json = parse("{\"message_type\": \"TYPE_PING\",");
    EXPECT_FALSE(not_json.message);
    EXPECT_EQ(not_json.error_code, "ERROR_UNKNOWN");
    EXPECT_FALSE(parse("").message);
    EXPECT_FALSE(parse("[1,2]").message);
    EXPECT_FALSE(parse("\"TYPE_PING\"").message);
    auto no_type = parse(R"({"seller_id":15})");
    EXPECT_FALSE(no_type.message);
    EXPECT_EQ(no_type.error_code, "ERROR_PARAMETER_VALUE_MISSED");
    EXPECT_EQ(parse(R"({"message_type":15})").error_code, "ERROR_PARAMETER_VALUE_MISSED");
    auto bad_seller = parse(R"({"message_type":"TYPE_NEW_POSTING","seller_id":{"id":1}})");
    EXPECT_FALSE(bad_seller.message);
    EXPECT_NE(bad_seller.error.find("seller_id"), std::string::npos);
    EXPECT_FALSE(parse(R"({"message_type":"TYPE_NEW_POSTING","seller_id":"7a"})").message);
}

TEST(PushDedup, SameMessageSameKeyWhateverTheFormattingDifferentMessageDifferentKey) {
    auto a = parse(R"({"message_type":"TYPE_STATE_CHANGED","posting_number":"1-1","new_state":"posting_delivered",
                       "changed_state_date":"2021-02-02T15:07:46.765Z","warehouse_id":0,"seller_id":15})");
    auto a_again = parse(R"({ "seller_id": 15, "warehouse_id": 0, "changed_state_date": "2021-02-02T15:07:46.765Z",
                              "new_state": "posting_delivered", "posting_number": "1-1",
                              "message_type": "TYPE_STATE_CHANGED" })");
    auto other_state = parse(R"({"message_type":"TYPE_STATE_CHANGED","posting_number":"1-1","new_state":"posting_in_carriage",
                       "changed_state_date":"2021-02-02T15:07:46.765Z","warehouse_id":0,"seller_id":15})");
    ASSERT_TRUE(a.message && a_again.message && other_state.message);
    const std::string k = dedup_key(*a.message);
    EXPECT_EQ(k.rfind("sha256:", 0), 0u) << k;
    EXPECT_EQ(k.size(), 7u + 64u);
    EXPECT_EQ(k, dedup_key(*a_again.message));
    EXPECT_NE(k, dedup_key(*other_state.message));
    // Messages with Ozon's own event id: that id, per seller.
    auto u1 = parse(R"({"message_type":"TYPE_ORDER_NEW","uuid":"bf354adc","seller_id":7376,"created_at":"2026-04-07T10:27:55.955Z"})");
    auto u2 = parse(R"({"message_type":"TYPE_ORDER_NEW","uuid":"bf354adc","seller_id":7376,"created_at":"2026-04-07T10:27:56Z"})");
    ASSERT_TRUE(u1.message && u2.message);
    EXPECT_EQ(dedup_key(*u1.message), "uuid:7376:bf354adc");
    EXPECT_EQ(dedup_key(*u1.message), dedup_key(*u2.message));
}

TEST(PushAnswers, AreExactlyTheShapesOfTheSpec) {
    const TimePoint t = *parse_iso8601("2019-08-24T14:15:22.789Z");
    auto ping = nlohmann::json::parse(ping_response("1.2.3", "ozonwatch", t));
    EXPECT_EQ(ping, (nlohmann::json{{"version", "1.2.3"}, {"name", "ozonwatch"}, {"time", "2019-08-24T14:15:22Z"}}));
    EXPECT_EQ(result_response(), R"({"result":true})");
    EXPECT_EQ(nlohmann::json::parse(result_response()), (nlohmann::json{{"result", true}}));
    auto err = nlohmann::json::parse(error_response(kErrorUnknown, "ошибка"));
    EXPECT_EQ(err, nlohmann::json::parse(R"({"error":{"code":"ERROR_UNKNOWN","message":"ошибка","details":null}})"));
    auto detailed = nlohmann::json::parse(error_response(kErrorParameterValueMissed, "seller_id is missing", "x"));
    EXPECT_EQ(detailed["error"]["code"], "ERROR_PARAMETER_VALUE_MISSED");
    EXPECT_EQ(detailed["error"]["details"], "x");
    EXPECT_EQ(kErrorRequestDuplicated, "ERROR_REQUEST_DUPLICATED");
}
