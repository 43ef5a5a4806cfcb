// The Ozon push receiver (daemon/push_receiver.cpp) over real sockets on 127.0.0.1:0 with a
// real SQLite store in a temporary folder: every message type of the spec answered exactly
// (TYPE_PING's fields, {"result":true} for the rest), Ozon's error format for bad JSON, big
// bodies, strangers and unknown sellers, X-Forwarded-For believed only from a trusted proxy,
// Ozon's retries stored once, a slow client cut off. The receiver runs on an io_context on a
// thread of its own; the test is a plain blocking HTTP/1.1 client whose every read has a
// deadline (SO_RCVTIMEO) the test sets. No sleeps.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/metrics.hpp"
#include "common/time.hpp"
#include "daemon/push_receiver.hpp"
#include "tests/daemon/integration/daemon_it_util.hpp"

using namespace ozw;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using asio::ip::tcp;
using ozw::test::TempDir;

namespace {

const TimePoint kNow = *parse_iso8601("2026-11-26T07:00:00.250Z");

Config push_config(std::vector<std::string> allow, std::vector<std::string> trusted) {
    Config cfg;
    AccountConfig main;
    main.name = "main";
    main.client_id = "15";
    AccountConfig second;
    second.name = "second";
    second.client_id = "7376";
    cfg.accounts = {main, second};
    cfg.push.enabled = true;
    cfg.push.listen = "127.0.0.1:0";
    cfg.push.path = "/ozon/push";
    cfg.push.allow = std::move(allow);
    cfg.push.trusted_proxies = std::move(trusted);
    return cfg;
}

struct Reply {
    int status = 0;
    std::string headers;
    std::string body;
    nlohmann::json json() const { return nlohmann::json::parse(body); }
};

// A receiver on its own io_context thread, a store in a temp dir.
struct Harness {
    TempDir dir;
    Store store;
    ManualClock clock{kNow};
    asio::io_context ioc;
    asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
    std::unique_ptr<daemon::PushReceiver> receiver;
    std::thread thread;

    explicit Harness(const Config& cfg, daemon::PushReceiverOptions options = {},
                     std::function<void(daemon::PushReceiver&)> before_start = {})
        : store((dir.path / "ozonwatch.db").string()) {
        options.version = "9.9.9-test";
        receiver = std::make_unique<daemon::PushReceiver>(ioc.get_executor(), cfg, store, clock, options);
        if (before_start) before_start(*receiver);
        receiver->start();
        thread = std::thread([this] { ioc.run(); });
    }
    ~Harness() {
        receiver->stop();
        work.reset();
        thread.join();
        receiver.reset();
    }

    // A connected socket whose reads give up after `deadline` (the test's, not the server's).
    tcp::socket connect(std::chrono::milliseconds deadline = 10s) {
        asio::io_context& client_ctx = client_ioc;
        tcp::socket s(client_ctx);
        s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), receiver->port()));
        timeval tv{};
        tv.tv_sec = static_cast<long>(deadline.count() / 1000);
        tv.tv_usec = static_cast<long>((deadline.count() % 1000) * 1000);
        ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        return s;
    }

    // Reads until the server closes (requests say Connection: close).
    static Reply read_reply(tcp::socket& s) {
        std::string all;
        char buf[4096];
        for (;;) {
            boost::system::error_code ec;
            std::size_t n = s.read_some(asio::buffer(buf), ec);
            all.append(buf, n);
            if (ec == asio::error::eof || ec == asio::error::connection_reset) break;
            if (ec) throw std::runtime_error("reading the reply: " + ec.message());
        }
        Reply r;
        auto end = all.find("\r\n\r\n");
        if (all.size() < 12 || end == std::string::npos) throw std::runtime_error("no HTTP reply: " + all);
        r.status = std::stoi(all.substr(9, 3));
        r.headers = all.substr(0, end);
        r.body = all.substr(end + 4);
        return r;
    }

    Reply post(const std::string& body, const std::vector<std::string>& extra_headers = {},
               const std::string& path = "/ozon/push", const std::string& method = "POST") {
        auto s = connect();
        std::string req = method + " " + path + " HTTP/1.1\r\nHost: push.example.ru\r\n"
                          "Content-Type: application/json\r\nConnection: close\r\n";
        for (const auto& h : extra_headers) req += h + "\r\n";
        req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        // A refused big body may be answered and closed before it is all sent: the answer counts.
        boost::system::error_code wec;
        asio::write(s, asio::buffer(req), wec);
        return read_reply(s);
    }

    std::size_t inbox_rows() {
        SQLite::Database d((dir.path / "ozonwatch.db").string());
        return static_cast<std::size_t>(d.execAndGet("SELECT count(*) FROM push_inbox").getInt64());
    }

    asio::io_context client_ioc;
};

// The spec's examples (2026/tag-push_types.md), seller_id 15 ("main") where they have one.
const std::vector<std::pair<std::string, std::string>>& spec_messages() {
    static const std::vector<std::pair<std::string, std::string>> m{
        {"TYPE_NEW_POSTING", R"({"message_type":"TYPE_NEW_POSTING","posting_number":"24319409-0021-1","products":[{"sku":147451939,"offer_id":"Товар2","quantity":1}],"in_process_at":"2021-01-26T06:56:36.294Z","warehouse_id":12850503335000,"shipment_date":"2021-01-26T06:56:36.294Z","tpl_integration_type":"3pl_tracking","is_express":false,"tracking_number":"ZZV-23","delivery_date_begin":"2025-01-26T06:56:36.294Z","delivery_date_end":"2025-01-26T06:56:36.294Z","seller_id":15})"},
        {"TYPE_POSTING_CANCELLED", R"({"message_type":"TYPE_POSTING_CANCELLED","posting_number":"24219509-0020-1","products":[{"sku":147451959,"quantity":1}],"old_state":"posting_transferred_to_courier_service","new_state":"posting_canceled","changed_state_date":"2021-01-26T06:56:36.294Z","reason":{"id":0,"message":"string"},"warehouse_id":0,"seller_id":15})"},
        {"TYPE_STATE_CHANGED", R"({"message_type":"TYPE_STATE_CHANGED","posting_number":"24219509-0020-2","new_state":"posting_delivered","changed_state_date":"2021-02-02T15:07:46.765Z","warehouse_id":0,"seller_id":15})"},
        {"TYPE_CUTOFF_DATE_CHANGED", R"({"message_type":"TYPE_CUTOFF_DATE_CHANGED","posting_number":"24219509-0020-2","new_cutoff_date":"2021-11-24T07:00:00Z","old_cutoff_date":"2021-11-21T10:00:00Z","warehouse_id":0,"seller_id":15})"},
        {"TYPE_DELIVERY_DATE_CHANGED", R"({"message_type":"TYPE_DELIVERY_DATE_CHANGED","posting_number":"24219509-0020-2","new_delivery_date_begin":"2021-11-24T07:00:00Z","new_delivery_date_end":"2021-11-24T16:00:00Z","old_delivery_date_begin":"2021-11-21T10:00:00Z","old_delivery_date_end":"2021-11-21T19:00:00Z","warehouse_id":0,"seller_id":15})"},
        {"TYPE_CREATE_OR_UPDATE_ITEM", R"({"message_type":"TYPE_CREATE_OR_UPDATE_ITEM","seller_id":15,"offer_id":"string","product_id":0,"is_error":false,"changed_at":"2022-09-01T14:15:22Z"})"},
        {"TYPE_CREATE_ITEM", R"({"message_type":"TYPE_CREATE_ITEM","seller_id":15,"offer_id":"string","product_id":0,"is_error":false,"changed_at":"2021-09-01T14:15:22Z"})"},
        {"TYPE_UPDATE_ITEM", R"({"message_type":"TYPE_UPDATE_ITEM","seller_id":15,"offer_id":"string","product_id":0,"is_error":false,"changed_at":"2021-09-01T14:15:22Z"})"},
        {"TYPE_PRICE_INDEX_CHANGED", R"({"seller_id":15,"message_type":"TYPE_PRICE_INDEX_CHANGED","updated_at":"2022-06-21T05:52:46.648533678Z","sku":0,"product_id":0,"price_index":0})"},
        {"TYPE_STOCKS_CHANGED", R"({"message_type":"TYPE_STOCKS_CHANGED","seller_id":15,"items":[{"product_id":0,"sku":0,"updated_at":"2021-09-01T14:15:22Z","stocks":[{"warehouse_id":0,"present":0,"reserved":0}]}]})"},
        {"TYPE_NEW_MESSAGE", R"({"message_type":"TYPE_NEW_MESSAGE","chat_id":"b646d975-0c9c-4872-9f41-8b1e57181063","chat_type":"Buyer_Seller","message_id":"3000000000817031942","created_at":"2022-07-18T20:58:04.528Z","user":{"id":"115568","type":"Сustomer"},"data":["Текст сообщения"],"seller_id":"15"})"},
        {"TYPE_UPDATE_MESSAGE", R"({"message_type":"TYPE_UPDATE_MESSAGE","chat_id":"b646d975-0c9c-4872-9f41-8b1e57181063","chat_type":"Buyer_Seller","message_id":"3000000000817031942","created_at":"2022-07-18T20:58:04.528Z","updated_at":"2022-07-18T20:59:04.528Z","user":{"id":"115568","type":"Сustomer"},"data":["Текст сообщения"],"seller_id":"15"})"},
        {"TYPE_MESSAGE_READ", R"({"message_type":"TYPE_MESSAGE_READ","chat_id":"b646d975-0c9c-4872-9f41-8b1e57181063","chat_type":"Buyer_Seller","message_id":"3000000000817031942","created_at":"2022-07-18T20:58:04.528Z","user":{"id":"115568","type":"Сustomer"},"last_read_message_id":"3000000000817031942","seller_id":"15"})"},
        {"TYPE_CHAT_CLOSED", R"({"message_type":"TYPE_CHAT_CLOSED","chat_id":"b646d975-0c9c-4872-9f41-8b1e57181063","chat_type":"Buyer_Seller","user":{"id":"115568","type":"Сustomer"},"seller_id":"15"})"},
        {"TYPE_DESCRIPTION_CATEGORY_TREE_CHANGED", R"({"message_type":"TYPE_DESCRIPTION_CATEGORY_TREE_CHANGED","changed_at":"2026-04-07T10:27:55.955Z"})"},
        {"TYPE_FBO_POSTING_NEW", R"({"message_type":"TYPE_FBO_POSTING_NEW","posting_number":"24219509-0020-1","order_number":"24219509-0020","uuid":"bf354adc-e404-480c-a037-cf865464f1d1","products":[{"sku":147451959,"quantity":1}],"creation_date":"2026-04-07T10:27:55.955Z","warehouse_id":18044249781000,"seller_id":7376})"},
        {"TYPE_FBO_POSTING_CANCELLED", R"({"message_type":"TYPE_FBO_POSTING_CANCELLED","posting_number":"0574652831-0001-1","order_number":"0574652831-0001","uuid":"bf354adc-e404-480c-a037-cf865464f1d2","products":[{"sku":147451959,"quantity":1}],"old_state":"posting_transferred_to_courier_service","new_state":"posting_canceled","cancel_date":"2026-04-07T10:27:55.955Z","reason":{"id":537,"message":"Не вручен"},"warehouse_id":18044249781000,"seller_id":7376})"},
        {"TYPE_FBO_POSTING_STATE_CHANGED", R"({"message_type":"TYPE_FBO_POSTING_STATE_CHANGED","posting_number":"68498622-0815-1","order_number":"68498622-0815","uuid":"bf354adc-e404-480c-a037-cf865464f1d3","new_state":"posting_transferring_to_delivery","changed_state_date":"2026-04-07T10:27:55.955Z","warehouse_id":18044249781000,"seller_id":7376})"},
        {"TYPE_FBO_POSTING_DELIVERY_DATE_CHANGED", R"({"message_type":"TYPE_FBO_POSTING_DELIVERY_DATE_CHANGED","posting_number":"24219509-0020-1","order_number":"24219509-0020","uuid":"bf354adc-e404-480c-a037-cf865464f1d4","old_delivery_date_begin":"2026-04-07T10:27:55.955Z","old_delivery_date_end":"2026-04-07T10:27:55.955Z","new_delivery_date_begin":"2026-04-07T10:27:55.955Z","new_delivery_date_end":"2026-04-07T10:27:55.955Z","warehouse_id":18044249781000,"seller_id":7376})"},
        {"TYPE_FBO_STOCKS_CHANGED", R"({"message_type":"TYPE_FBO_STOCKS_CHANGED","sku":325119272,"stocks":{"new_present":321,"new_reserved":12,"old_present":321,"old_reserved":12},"updated_at":"2026-04-07T10:27:55.955Z","seller_id":7376})"},
        {"TYPE_ORDER_NEW", R"({"message_type":"TYPE_ORDER_NEW","order_number":"24219509-0020-1","order_id":35452597966,"uuid":"bf354adc-e404-480c-a037-cf865464f1d5","created_at":"2026-04-07T10:27:55.955Z","seller_id":7376})"},
        {"TYPE_ORDER_CANCELLED", R"({"message_type":"TYPE_ORDER_CANCELLED","order_number":"24219509-0020-1","order_id":35452597966,"uuid":"bf354adc-e404-480c-a037-cf865464f1d6","cancelled_at":"2026-04-07T10:27:55.955Z","seller_id":7376})"},
        {"TYPE_ORDER_STATE_CHANGED", R"({"message_type":"TYPE_ORDER_STATE_CHANGED","order_number":"24219509-0020-1","order_id":35452597966,"uuid":"7d65308d-79f2-41d1-8d3e-f2eff46cc3d0","old_state":"order_in_delivery","new_state":"order_done","updated_at":"2026-04-07T10:27:55.955Z","seller_id":7376})"},
    };
    return m;
}

void expect_ozon_error(const Reply& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_NE(r.headers.find("Content-Type: application/json"), std::string::npos) << r.headers;
    nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << r.body;
    ASSERT_TRUE(j.contains("error")) << r.body;
    EXPECT_EQ(j["error"]["code"], code) << r.body;
    EXPECT_TRUE(j["error"]["message"].is_string()) << r.body;
    EXPECT_TRUE(j["error"].contains("details")) << r.body;
    EXPECT_EQ(j.size(), 1u) << r.body;
}

}  // namespace

TEST(PushReceiver, PingIsAnsweredWithVersionNameAndTimeAndRecorded) {
    Harness h(push_config({"127.0.0.1/32"}, {}));
    Reply r = h.post(R"({"message_type":"TYPE_PING","time":"2019-08-24T14:15:22Z"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.headers.find("Content-Type: application/json"), std::string::npos);
    EXPECT_EQ(r.json(), (nlohmann::json{{"version", "9.9.9-test"}, {"name", "ozonwatch"}, {"time", "2026-11-26T07:00:00Z"}}));
    EXPECT_EQ(h.store.cursor("", "push", "last_ping"), "2026-11-26T07:00:00Z");
    EXPECT_EQ(h.inbox_rows(), 0u);  // a ping is no event
}

TEST(PushReceiver, EveryMessageTypeOfTheSpecIsStoredAndAnsweredResultTrue) {
    std::mutex mu;
    std::vector<std::pair<std::string, std::string>> seen;  // account, type
    std::promise<void> all_seen;
    const std::size_t n = spec_messages().size();
    Harness h(push_config({"127.0.0.1/32"}, {}), {}, [&](daemon::PushReceiver& rcv) {
        rcv.on_push = [&](long long, const std::string& account, const push::PushMessage& m) {
            std::lock_guard lk(mu);
            seen.emplace_back(account, m.message_type);
            if (seen.size() == n) all_seen.set_value();
            return false;
        };
    });
    for (const auto& [type, body] : spec_messages()) {
        Reply r = h.post(body);
        EXPECT_EQ(r.status, 200) << type << ": " << r.body;
        EXPECT_EQ(r.body, R"({"result":true})") << type;
        EXPECT_NE(r.headers.find("Content-Type: application/json"), std::string::npos) << type;
    }
    EXPECT_EQ(h.inbox_rows(), n);
    // Processing continues after the answer: on_push sees each one, on the receiver's thread.
    ASSERT_EQ(all_seen.get_future().wait_for(10s), std::future_status::ready);
    std::lock_guard lk(mu);
    std::map<std::string, std::string> account_of;
    for (const auto& [account, type] : seen) account_of[type] = account;
    EXPECT_EQ(account_of["TYPE_NEW_POSTING"], "main");
    EXPECT_EQ(account_of["TYPE_NEW_MESSAGE"], "main");  // seller_id as a string
    EXPECT_EQ(account_of["TYPE_ORDER_NEW"], "second");
    EXPECT_EQ(account_of["TYPE_DESCRIPTION_CATEGORY_TREE_CHANGED"], "");  // no seller in the spec
}

TEST(PushReceiver, ProcessedRowsAreMarkedAndAFailingConsumerLeavesItsRowForReplay) {
    std::promise<void> done;
    std::atomic<int> calls{0};
    Harness h(push_config({"127.0.0.1/32"}, {}), {}, [&](daemon::PushReceiver& rcv) {
        rcv.on_push = [&](long long, const std::string&, const push::PushMessage& m) {
            ++calls;
            const bool fail = m.posting_number == "2-2";
            if (calls == 2) done.set_value();
            if (fail) throw std::runtime_error("not now");
            return false;  // the receiver marks it
        };
    });
    EXPECT_EQ(h.post(R"({"message_type":"TYPE_STATE_CHANGED","posting_number":"1-1","new_state":"posting_delivered","seller_id":15})").status, 200);
    EXPECT_EQ(h.post(R"({"message_type":"TYPE_STATE_CHANGED","posting_number":"2-2","new_state":"posting_delivered","seller_id":15})").status, 200);
    ASSERT_EQ(done.get_future().wait_for(10s), std::future_status::ready);
    // on_push runs on the receiver's thread; mark_push_processed follows it there. Ask the
    // store after the receiver's thread has nothing left to run.
    h.receiver->stop();
    h.work.reset();
    h.thread.join();
    auto pending = h.store.unprocessed_pushes();
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_NE(pending[0].body.find("2-2"), std::string::npos);
    h.receiver->on_push = [](long long, const std::string&, const push::PushMessage&) { return false; };
    EXPECT_EQ(h.receiver->replay_unprocessed(), 1u);
    EXPECT_TRUE(h.store.unprocessed_pushes().empty());
    h.thread = std::thread([] {});  // the destructor joins one
}

TEST(PushReceiver, TheSamePushTwiceIsAnsweredTwiceAndStoredOnce) {
    std::atomic<int> calls{0};
    Harness h(push_config({"127.0.0.1/32"}, {}), {}, [&](daemon::PushReceiver& rcv) {
        rcv.on_push = [&](long long, const std::string&, const push::PushMessage&) {
            ++calls;
            return false;
        };
    });
    const std::string body = spec_messages()[2].second;  // TYPE_STATE_CHANGED
    // ozonwatch_pushes_total is process-wide: compare deltas.
    auto& stored = metrics::families::pushes().with({"TYPE_STATE_CHANGED", "200"});
    auto& retried = metrics::families::pushes().with({"TYPE_STATE_CHANGED", "200_duplicate"});
    const auto stored0 = stored.value(), retried0 = retried.value();
    Reply first = h.post(body);
    // Ozon's retry: the same message (here re-serialised with other spacing).
    Reply again = h.post(nlohmann::json::parse(body).dump(2));
    EXPECT_EQ(first.status, 200);
    EXPECT_EQ(first.body, R"({"result":true})");
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(again.body, R"({"result":true})");
    EXPECT_EQ(h.inbox_rows(), 1u);
    EXPECT_EQ(stored.value() - stored0, 1u);
    EXPECT_EQ(retried.value() - retried0, 1u);
    // Same for a message with Ozon's event uuid.
    const std::string order = spec_messages().back().second;
    EXPECT_EQ(h.post(order).status, 200);
    EXPECT_EQ(h.post(order).status, 200);
    EXPECT_EQ(h.inbox_rows(), 2u);
}

TEST(PushReceiver, InvalidJsonAndMissingFieldsAreRefusedInOzonsFormat) {
    Harness h(push_config({"127.0.0.1/32"}, {}));
    expect_ozon_error(h.post(R"({"message_type": "TYPE_NEW_POSTING", )"), 400, "ERROR_UNKNOWN");
    expect_ozon_error(h.post("[]"), 400, "ERROR_UNKNOWN");
    expect_ozon_error(h.post(""), 400, "ERROR_UNKNOWN");
    expect_ozon_error(h.post(R"({"seller_id":15})"), 400, "ERROR_PARAMETER_VALUE_MISSED");
    // A posting message must say whose it is.
    expect_ozon_error(h.post(R"({"message_type":"TYPE_NEW_POSTING","posting_number":"1-1"})"), 400,
                      "ERROR_PARAMETER_VALUE_MISSED");
    EXPECT_EQ(h.inbox_rows(), 0u);
    // Another path, another method.
    expect_ozon_error(h.post(R"({"message_type":"TYPE_PING"})", {}, "/other"), 404, "ERROR_UNKNOWN");
    Reply get = h.post("", {}, "/ozon/push", "GET");
    expect_ozon_error(get, 405, "ERROR_UNKNOWN");
    EXPECT_NE(get.headers.find("Allow: POST"), std::string::npos);
}

TEST(PushReceiver, UnknownTypesAreStoredAndAnsweredOkUnknownSellersAreRefused) {
    Harness h(push_config({"127.0.0.1/32"}, {}));
    Reply unknown = h.post(R"({"message_type":"TYPE_FROM_THE_FUTURE","seller_id":15,"x":1})");
    EXPECT_EQ(unknown.status, 200);
    EXPECT_EQ(unknown.body, R"({"result":true})");
    ASSERT_EQ(h.inbox_rows(), 1u);
    Reply stranger = h.post(R"({"message_type":"TYPE_NEW_POSTING","posting_number":"1-1","seller_id":999})");
    expect_ozon_error(stranger, 403, "ERROR_UNKNOWN");
    EXPECT_EQ(stranger.json()["error"]["message"], "unknown seller_id");
    EXPECT_EQ(h.inbox_rows(), 1u);
}

TEST(PushReceiver, BodiesOverSixtyFourKilobytesAreRefused) {
    Harness h(push_config({"127.0.0.1/32"}, {}));
    std::string big = R"({"message_type":"TYPE_NEW_POSTING","seller_id":15,"pad":")" + std::string(70 * 1024, 'x') + "\"}";
    Reply r = h.post(big);
    expect_ozon_error(r, 413, "ERROR_UNKNOWN");
    EXPECT_EQ(h.inbox_rows(), 0u);
    // Just under the limit is fine.
    std::string fits = R"({"message_type":"TYPE_NEW_POSTING","seller_id":15,"pad":")" + std::string(60 * 1024, 'x') + "\"}";
    EXPECT_EQ(h.post(fits).status, 200);
}

TEST(PushReceiver, APeerOutsideAllowIsForbidden) {
    Harness h(push_config({"195.34.21.0/24", "185.73.192.0/22", "91.223.93.0/24"}, {}));
    Reply r = h.post(spec_messages()[0].second);
    expect_ozon_error(r, 403, "ERROR_UNKNOWN");
    // Not even a ping is answered to a stranger.
    expect_ozon_error(h.post(R"({"message_type":"TYPE_PING"})"), 403, "ERROR_UNKNOWN");
    EXPECT_EQ(h.inbox_rows(), 0u);
    EXPECT_FALSE(h.store.cursor("", "push", "last_ping"));
}

TEST(PushReceiver, ForwardedForIsHonouredFromATrustedProxyAndIgnoredFromOthers) {
    {
        // The peer 127.0.0.1 is not a trusted proxy: its X-Forwarded-For claiming an Ozon
        // address is ignored, the peer itself is not allowed.
        Harness h(push_config({"195.34.21.0/24"}, {"10.0.0.1"}));
        expect_ozon_error(h.post(spec_messages()[0].second, {"X-Forwarded-For: 195.34.21.9"}), 403, "ERROR_UNKNOWN");
        EXPECT_EQ(h.inbox_rows(), 0u);
    }
    {
        // ... and an allowed peer is not refused for what its header says.
        Harness h(push_config({"127.0.0.1/32"}, {}));
        EXPECT_EQ(h.post(spec_messages()[0].second, {"X-Forwarded-For: 203.0.113.5"}).status, 200);
    }
    {
        // nginx on 127.0.0.1 (trusted) forwards Ozon's address: honoured.
        Harness h(push_config({"195.34.21.0/24"}, {"127.0.0.1"}));
        Reply ok = h.post(spec_messages()[0].second, {"X-Forwarded-For: 195.34.21.9"});
        EXPECT_EQ(ok.status, 200) << ok.body;
        EXPECT_EQ(h.inbox_rows(), 1u);
        // A client that forges the header: nginx appends the real address on the right.
        expect_ozon_error(h.post(spec_messages()[1].second, {"X-Forwarded-For: 195.34.21.9, 203.0.113.5"}), 403,
                          "ERROR_UNKNOWN");
        // The trusted proxy without the header is not Ozon.
        expect_ozon_error(h.post(spec_messages()[1].second), 403, "ERROR_UNKNOWN");
        // Garbage where the client must be read.
        expect_ozon_error(h.post(spec_messages()[1].second, {"X-Forwarded-For: not-an-address"}), 403, "ERROR_UNKNOWN");
        EXPECT_EQ(h.inbox_rows(), 1u);
    }
}

TEST(PushReceiver, ASlowClientIsCutOffByTheBodyAndHeaderTimeouts) {
    daemon::PushReceiverOptions o;
    o.read_timeout = 200ms;  // the server's deadline; the test's own read deadline is 10 s
    Harness h(push_config({"127.0.0.1/32"}, {}), o);
    auto closed_by_server = [](tcp::socket& s) {
        char c;
        boost::system::error_code ec;
        std::size_t n = 0;
        // The server may answer nothing or an error; it must close. A read that ends with
        // "would block"/timeout means the test's deadline passed with the connection open.
        do {
            n = s.read_some(asio::buffer(&c, 1), ec);
        } while (!ec && n > 0);
        return ec == asio::error::eof || ec == asio::error::connection_reset;
    };
    {
        // Headers complete, then the body never comes.
        auto s = h.connect();
        std::string head = "POST /ozon/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           "Content-Length: 100\r\n\r\n{\"message_type\":";
        asio::write(s, asio::buffer(head));
        EXPECT_TRUE(closed_by_server(s)) << "a stalled body must not hold the connection";
    }
    {
        // Half the headers, then nothing.
        auto s = h.connect();
        std::string head = "POST /ozon/push HTTP/1.1\r\nHost: x\r\n";
        asio::write(s, asio::buffer(head));
        EXPECT_TRUE(closed_by_server(s)) << "stalled headers must not hold the connection";
    }
    // The receiver still answers.
    EXPECT_EQ(h.post(R"({"message_type":"TYPE_PING"})").status, 200);
}

TEST(PushReceiver, ABusyPortFailsTheStartClearly) {
    Harness h(push_config({"127.0.0.1/32"}, {}));
    Config cfg = push_config({"127.0.0.1/32"}, {});
    cfg.push.listen = "127.0.0.1:" + std::to_string(h.receiver->port());
    daemon::PushReceiver second(h.ioc.get_executor(), cfg, h.store, h.clock);
    try {
        second.start();
        ADD_FAILURE() << "a busy port was bound twice";
    } catch (const daemon::PushListenError& e) {
        EXPECT_FALSE(e.bad_address());
        EXPECT_NE(std::string(e.what()).find(cfg.push.listen), std::string::npos) << e.what();
    }
    cfg.push.listen = "push.example:8081";
    daemon::PushReceiver third(h.ioc.get_executor(), cfg, h.store, h.clock);
    try {
        third.start();
        ADD_FAILURE() << "a host name was accepted";
    } catch (const daemon::PushListenError& e) {
        EXPECT_TRUE(e.bad_address());
    }
}
