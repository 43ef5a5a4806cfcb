// GCC 12 reports a false -Wmismatched-new-delete on asio coroutine frames.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
// The sandbox as Ozon's push sender (issue 15): a real HTTP receiver on 127.0.0.1 records what
// arrives. Expected bodies are written out literally with the field names and formats of the
// spec (/work/shared/ozon-seller-api/2026/tag-push_types.md, push_start). No sleeps: the tests
// wait with Sandbox::wait_pushes_done() or the receiver's condition variable.
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <list>
#include <mutex>
#include <thread>

#include "common/http/server.hpp"
#include "common/time.hpp"
#include "sandbox/sandbox.hpp"
#include "sandbox_test_client.hpp"

namespace asio = boost::asio;
using namespace ozw;
using namespace ozw::sandbox;
using nlohmann::json;
using Steady = std::chrono::steady_clock;

namespace {

TimePoint at(const char* iso) { return *parse_iso8601(iso); }

// A push receiver: records every request on arrival; can answer 500 a number of times, hold
// each answer for a while, or stall (never answer until it is destroyed).
class Receiver {
public:
    struct Got {
        std::string method, path, content_type;
        json body;
        int answered = 0;  // the status it answered; 0 while it has not
        Steady::time_point arrived;
    };

    std::atomic<int> fail_next{0};
    std::atomic<bool> stall{false};
    std::atomic<int> hold_ms{0};
    std::atomic<int> max_active{0};

    // run_thread = false: the test thread drives ioc itself.
    explicit Receiver(bool run_thread = true) {
        http::ServerOptions o;
        o.listen = "127.0.0.1:0";
        server_ = std::make_unique<http::Server>(
            ioc.get_executor(), o,
            [this](const http::ServerRequest& r) -> asio::awaitable<http::ServerResponse> {
                co_return co_await handle(r);
            });
        server_->start();
        if (run_thread) thread_ = std::thread([this] { ioc.run(); });
    }

    ~Receiver() {
        closing_ = true;
        asio::post(ioc, [this] {
            for (auto* t : timers_) t->cancel();
        });
        server_->stop();
        if (thread_.joinable()) {
            thread_.join();
        } else {
            ioc.restart();
            ioc.run_for(std::chrono::seconds(2));
        }
    }

    std::string url() const { return server_->base_url() + "/ozon/push"; }

    std::vector<Got> got() const {
        std::lock_guard lock(mu_);
        return got_;
    }
    std::vector<json> bodies() const {
        std::vector<json> out;
        for (const auto& g : got()) out.push_back(g.body);
        return out;
    }
    // Blocks until `n` requests have arrived (or the timeout passes).
    bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
        std::unique_lock lock(mu_);
        return cv_.wait_for(lock, timeout, [&] { return got_.size() >= n; });
    }

    asio::io_context ioc;

private:
    asio::awaitable<http::ServerResponse> handle(const http::ServerRequest& r) {
        const int now_active = ++active_;
        for (int m = max_active.load(); now_active > m && !max_active.compare_exchange_weak(m, now_active);) {
        }
        std::size_t index = 0;
        {
            std::lock_guard lock(mu_);
            got_.push_back({r.method, r.path, r.header("Content-Type").value_or(""),
                            json::parse(r.body, nullptr, false), 0, Steady::now()});
            index = got_.size() - 1;
        }
        cv_.notify_all();
        const int wait_ms = stall ? 60000 : hold_ms.load();
        if (wait_ms > 0 && !closing_) {
            auto ex = co_await asio::this_coro::executor;
            asio::steady_timer timer(ex, std::chrono::milliseconds(wait_ms));
            auto it = timers_.insert(timers_.end(), &timer);
            auto token = asio::as_tuple(asio::use_awaitable);
            co_await timer.async_wait(token);
            timers_.erase(it);
        }
        --active_;
        int n = fail_next.load();
        while (n > 0 && !fail_next.compare_exchange_weak(n, n - 1)) {
        }
        const int status = n > 0 ? 500 : 200;
        {
            std::lock_guard lock(mu_);
            got_[index].answered = status;
        }
        co_return status == 200
            ? http::ServerResponse::json(200, R"({"result":true})")
            : http::ServerResponse::json(500, R"({"error":{"code":"ERROR_UNKNOWN","message":"boom","details":null}})");
    }

    std::unique_ptr<http::Server> server_;
    std::thread thread_;
    mutable std::mutex mu_;
    mutable std::condition_variable cv_;
    std::vector<Got> got_;
    std::atomic<int> active_{0};
    std::atomic<bool> closing_{false};
    std::list<asio::steady_timer*> timers_;  // receiver's io thread only
};

const char* kScenario = R"(
start: 2026-11-26T04:00:00Z
accounts: [{client_id: "123456", api_key: key}]
warehouses: [{id: 1020000123456000, name: "Склад Москва"}]
products:
  - {offer_id: DRESS-1, product_id: 210001, sku: 1700000001, name: "Платье", price: 3490,
     fbs: [{warehouse_id: 1020000123456000, present: 10, reserved: 2}]}
postings:
  - {posting_number: "0101-0001-1", status: awaiting_packaging, in_process_at: -2h, shipment_date: +6h,
     products: [{offer_id: DRESS-1, quantity: 2}]}
chats:
  - {chat_id: "b646d975-0c9c-4872-9f41-8b1e57181063", unread: 1, last_message_id: 3000000000817031942}
telegram: [{token: "111:AAA", chats: [{id: "-1001"}]}]
)";

constexpr Millis kWait{10000};

class SandboxPush : public ::testing::Test {
protected:
    Receiver rx;
    std::unique_ptr<Sandbox> sb;

    void open(const std::string& extra = "") {
        sb = std::make_unique<Sandbox>(load_scenario_text(std::string(kScenario) + extra));
        sb->start();
    }
    PushTarget target(Millis timeout = Millis{5000}, int attempts = 3, std::size_t in_flight = 16) const {
        PushTarget t;
        t.url = rx.url();
        t.timeout = timeout;
        t.max_attempts = attempts;
        t.retry_delay = Millis{20};
        t.max_in_flight = in_flight;
        return t;
    }
    test::Reply ozon(const std::string& path, const json& body) const {
        return test::ozon(*sb, path, body, "123456", "key");
    }
};

}  // namespace

TEST_F(SandboxPush, NewPostingFromAddPostingAndFromATimedEvent) {
    open(R"(events:
  - {at: +1h, add_posting: {posting_number: "0101-0002-1", status: awaiting_packaging, in_process_at: +1h,
     shipment_date: +1d, products: [{offer_id: DRESS-1}]}}
)");
    sb->set_push_target(target());
    Posting p;
    p.posting_number = "0101-0003-1";
    p.status = "awaiting_packaging";
    p.substatus = "posting_created";
    p.warehouse_id = 1020000123456000;
    p.in_process_at = at("2026-11-26T04:00:00Z");
    p.shipment_date = at("2026-11-26T14:00:00Z");
    p.products = {{1700000001, "DRESS-1", "Платье", 1, 3490}};
    sb->add_posting(p);
    sb->advance(std::chrono::hours(1));
    ASSERT_TRUE(sb->wait_pushes_done(kWait));

    const auto got = rx.got();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].body, json::parse(R"({
      "message_type": "TYPE_NEW_POSTING", "posting_number": "0101-0003-1",
      "products": [{"sku": 1700000001, "offer_id": "DRESS-1", "quantity": 1}],
      "in_process_at": "2026-11-26T04:00:00.000Z", "warehouse_id": 1020000123456000,
      "shipment_date": "2026-11-26T14:00:00.000Z", "tpl_integration_type": "ozon", "is_express": false,
      "tracking_number": "", "delivery_date_begin": "2026-11-27T14:00:00.000Z",
      "delivery_date_end": "2026-11-29T14:00:00.000Z", "seller_id": 123456})"));
    EXPECT_EQ(got[1].body, json::parse(R"({
      "message_type": "TYPE_NEW_POSTING", "posting_number": "0101-0002-1",
      "products": [{"sku": 1700000001, "offer_id": "DRESS-1", "quantity": 1}],
      "in_process_at": "2026-11-26T05:00:00.000Z", "warehouse_id": 1020000123456000,
      "shipment_date": "2026-11-27T04:00:00.000Z", "tpl_integration_type": "ozon", "is_express": false,
      "tracking_number": "", "delivery_date_begin": "2026-11-28T04:00:00.000Z",
      "delivery_date_end": "2026-11-30T04:00:00.000Z", "seller_id": 123456})"));
    for (const auto& g : got) {
        EXPECT_EQ(g.method, "POST");
        EXPECT_EQ(g.path, "/ozon/push");
        EXPECT_EQ(g.content_type, "application/json");
        EXPECT_EQ(g.answered, 200);
    }
}

TEST_F(SandboxPush, StatusChangeAndCancellation) {
    open(R"(events:
  - {at: +30m, posting: "0101-0001-1", status: cancelled,
     cancellation: {reason_id: 352, reason: "Товар закончился на складе продавца", initiator: "Продавец", type: seller}}
)");
    sb->set_push_target(target());
    ASSERT_TRUE(sb->set_posting_status("0101-0001-1", "awaiting_deliver"));
    ASSERT_TRUE(sb->set_posting_status("0101-0001-1", "awaiting_deliver"));  // no change: no push
    sb->advance(std::chrono::hours(1));  // the cancellation at +30m carries its own time
    ASSERT_TRUE(sb->wait_pushes_done(kWait));

    const auto bodies = rx.bodies();
    ASSERT_EQ(bodies.size(), 2u);
    EXPECT_EQ(bodies[0], json::parse(R"({
      "message_type": "TYPE_STATE_CHANGED", "posting_number": "0101-0001-1",
      "new_state": "posting_transferring_to_delivery", "changed_state_date": "2026-11-26T04:00:00.000Z",
      "warehouse_id": 1020000123456000, "seller_id": 123456})"));
    EXPECT_EQ(bodies[1], json::parse(R"({
      "message_type": "TYPE_POSTING_CANCELLED", "posting_number": "0101-0001-1",
      "products": [{"sku": 1700000001, "quantity": 2}],
      "old_state": "posting_transferring_to_delivery", "new_state": "posting_canceled",
      "changed_state_date": "2026-11-26T04:30:00.000Z",
      "reason": {"id": 352, "message": "Товар закончился на складе продавца"},
      "warehouse_id": 1020000123456000, "seller_id": 123456})"));
}

TEST_F(SandboxPush, CutoffChangeIsPushedAndServedByThePostingMethods) {
    open(R"(events:
  - {at: +2h, set_cutoff: {posting: "0101-0001-1", cutoff: +20h}}
)");
    sb->set_push_target(target());
    ASSERT_TRUE(sb->set_posting_cutoff("0101-0001-1", at("2026-11-26T16:00:00Z")));
    ASSERT_TRUE(sb->set_posting_cutoff("0101-0001-1", at("2026-11-26T16:00:00Z")));  // no change: no push
    EXPECT_FALSE(sb->set_posting_cutoff("9999-0000-1", at("2026-11-26T16:00:00Z")));
    ASSERT_TRUE(sb->wait_pushes_done(kWait));
    ASSERT_EQ(rx.bodies().size(), 1u);
    EXPECT_EQ(rx.bodies()[0], json::parse(R"({
      "message_type": "TYPE_CUTOFF_DATE_CHANGED", "posting_number": "0101-0001-1",
      "new_cutoff_date": "2026-11-26T16:00:00Z", "old_cutoff_date": "2026-11-26T10:00:00Z",
      "warehouse_id": 1020000123456000, "seller_id": 123456})"));

    // The methods serve the new ship-by time, and the cutoff filter uses it.
    auto get = ozon("/v3/posting/fbs/get", {{"posting_number", "0101-0001-1"}});
    ASSERT_EQ(get.status, 200) << get.body;
    EXPECT_EQ(get.json()["result"]["shipment_date"], "2026-11-26T16:00:00Z");
    EXPECT_EQ(get.json()["result"]["shipment_date_without_delay"], "2026-11-27T16:00:00Z");
    auto list = ozon("/v4/posting/fbs/list", {{"filter", {{"since", "2026-11-20T00:00:00Z"}, {"to", "2026-11-27T00:00:00Z"}}},
                                              {"limit", 100}});
    ASSERT_EQ(list.status, 200) << list.body;
    ASSERT_EQ(list.json()["postings"].size(), 1u);
    EXPECT_EQ(list.json()["postings"][0]["shipment_date"], "2026-11-26T16:00:00.000Z");
    auto in_window = ozon("/v4/posting/fbs/unfulfilled/list",
                          {{"filter", {{"cutoff_from", "2026-11-26T15:00:00Z"}, {"cutoff_to", "2026-11-26T17:00:00Z"}}},
                           {"limit", 100}});
    ASSERT_EQ(in_window.status, 200) << in_window.body;
    ASSERT_EQ(in_window.json()["postings"].size(), 1u);
    EXPECT_EQ(in_window.json()["postings"][0]["shipment_date"], "2026-11-26T16:00:00.000Z");
    auto old_window = ozon("/v4/posting/fbs/unfulfilled/list",
                           {{"filter", {{"cutoff_from", "2026-11-26T09:00:00Z"}, {"cutoff_to", "2026-11-26T11:00:00Z"}}},
                            {"limit", 100}});
    EXPECT_EQ(old_window.json()["postings"].size(), 0u);

    // The timed event moves it again.
    sb->advance(std::chrono::hours(3));
    ASSERT_TRUE(sb->wait_pushes_done(kWait));
    ASSERT_EQ(rx.bodies().size(), 2u);
    EXPECT_EQ(rx.bodies()[1], json::parse(R"({
      "message_type": "TYPE_CUTOFF_DATE_CHANGED", "posting_number": "0101-0001-1",
      "new_cutoff_date": "2026-11-27T00:00:00Z", "old_cutoff_date": "2026-11-26T16:00:00Z",
      "warehouse_id": 1020000123456000, "seller_id": 123456})"));
}

TEST_F(SandboxPush, StockChangeFromSetStockAndFromATimedEvent) {
    open(R"(events:
  - {at: +1h, set_stock: {offer_id: DRESS-1, warehouse_id: 1020000123456000, present: 0}}
)");
    sb->set_push_target(target());
    ASSERT_TRUE(sb->set_stock("DRESS-1", 1020000123456000, 7, 1));
    ASSERT_TRUE(sb->set_stock("DRESS-1", 1020000123456000, 7, 1));  // no change: no push
    sb->advance(std::chrono::hours(2));  // the event's own time is the update time
    ASSERT_TRUE(sb->wait_pushes_done(kWait));
    const auto bodies = rx.bodies();
    ASSERT_EQ(bodies.size(), 2u);
    EXPECT_EQ(bodies[0], json::parse(R"({
      "message_type": "TYPE_STOCKS_CHANGED", "seller_id": 123456,
      "items": [{"product_id": 210001, "sku": 1700000001, "updated_at": "2026-11-26T04:00:00Z",
                 "stocks": [{"warehouse_id": 1020000123456000, "present": 7, "reserved": 1}]}]})"));
    EXPECT_EQ(bodies[1], json::parse(R"({
      "message_type": "TYPE_STOCKS_CHANGED", "seller_id": 123456,
      "items": [{"product_id": 210001, "sku": 1700000001, "updated_at": "2026-11-26T05:00:00Z",
                 "stocks": [{"warehouse_id": 1020000123456000, "present": 0, "reserved": 0}]}]})"));
}

TEST_F(SandboxPush, EachNewChatMessageIsOnePushWithSellerIdAsAString) {
    open(R"(events:
  - {at: +1h, chat_unread: {chat_id: "b646d975-0c9c-4872-9f41-8b1e57181063", unread: 1}}
)");
    sb->set_push_target(target());
    ASSERT_TRUE(sb->set_chat_unread("b646d975-0c9c-4872-9f41-8b1e57181063", 3));  // 2 new messages
    ASSERT_TRUE(sb->set_chat_unread("b646d975-0c9c-4872-9f41-8b1e57181063", 0));  // read: no push
    sb->advance(std::chrono::hours(1));
    ASSERT_TRUE(sb->wait_pushes_done(kWait));
    const auto bodies = rx.bodies();
    ASSERT_EQ(bodies.size(), 3u);
    auto expected = [](const char* id, const char* time) {
        json j = json::parse(R"({
          "message_type": "TYPE_NEW_MESSAGE", "chat_id": "b646d975-0c9c-4872-9f41-8b1e57181063",
          "chat_type": "Buyer_Seller", "user": {"id": "0", "type": "Customer"},
          "data": ["Новое сообщение"], "seller_id": "123456"})");
        j["message_id"] = id;
        j["created_at"] = time;
        return j;
    };
    EXPECT_EQ(bodies[0], expected("3000000000817031943", "2026-11-26T04:00:00.000Z"));
    EXPECT_EQ(bodies[1], expected("3000000000817031944", "2026-11-26T04:00:00.000Z"));
    EXPECT_EQ(bodies[2], expected("3000000000817031945", "2026-11-26T05:00:00.000Z"));
    EXPECT_TRUE(bodies[0]["seller_id"].is_string());
}

TEST_F(SandboxPush, PingNowAndPeriodicPingsInOrderWithTheEvents) {
    open(R"(push: {ping_every: 1h}
events:
  - {at: +1h30m, set_stock: {offer_id: DRESS-1, warehouse_id: 1020000123456000, present: 3}}
)");
    sb->set_push_target(target(Millis{5000}, 3, 1));  // one at a time: arrival order = queue order
    EXPECT_EQ(sb->send_ping(), 1u);
    sb->advance(std::chrono::minutes(150));  // 04:00 -> 06:30: pings at 05:00 and 06:00
    ASSERT_TRUE(sb->wait_pushes_done(kWait));
    const auto bodies = rx.bodies();
    ASSERT_EQ(bodies.size(), 4u);
    EXPECT_EQ(bodies[0], json::parse(R"({"message_type": "TYPE_PING", "time": "2026-11-26T04:00:00Z"})"));
    EXPECT_EQ(bodies[1], json::parse(R"({"message_type": "TYPE_PING", "time": "2026-11-26T05:00:00Z"})"));
    EXPECT_EQ(bodies[2]["message_type"], "TYPE_STOCKS_CHANGED");
    EXPECT_EQ(bodies[2]["items"][0]["updated_at"], "2026-11-26T05:30:00Z");
    EXPECT_EQ(bodies[3], json::parse(R"({"message_type": "TYPE_PING", "time": "2026-11-26T06:00:00Z"})"));
    const auto log = sb->push_log();
    ASSERT_EQ(log.size(), 4u);
    for (std::size_t i = 0; i < log.size(); ++i) {
        EXPECT_EQ(log[i].seq, i + 1);
        EXPECT_EQ(log[i].body, bodies[i]);
    }
    // No target: the clock passing ping times sends nothing.
    sb->set_push_target(std::nullopt);
    sb->advance(std::chrono::hours(3));
    EXPECT_EQ(sb->push_log().size(), 4u);
}

TEST_F(SandboxPush, RetriesAfter500) {
    open();
    sb->set_push_target(target());
    rx.fail_next = 1;
    sb->send_ping();
    ASSERT_TRUE(sb->wait_pushes_done(kWait));
    const auto log = sb->push_log();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_TRUE(log[0].done);
    EXPECT_EQ(log[0].attempts, 2);
    EXPECT_EQ(log[0].status, 200);
    EXPECT_EQ(log[0].error, "");
    EXPECT_EQ(json::parse(log[0].answer), json::parse(R"({"result": true})"));
    const auto got = rx.got();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].answered, 500);
    EXPECT_EQ(got[1].answered, 200);
    EXPECT_EQ(got[0].body, got[1].body);  // the retry sends the same body
}

TEST_F(SandboxPush, GivesUpAfterMaxAttempts) {
    open();
    sb->set_push_target(target(Millis{5000}, 3));
    rx.fail_next = 100;
    sb->send_ping();
    ASSERT_TRUE(sb->wait_pushes_done(kWait));
    const auto log = sb->push_log();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_TRUE(log[0].done);
    EXPECT_EQ(log[0].attempts, 3);
    EXPECT_EQ(log[0].status, 500);
    EXPECT_EQ(log[0].error, "HTTP 500");
    EXPECT_EQ(json::parse(log[0].answer)["error"]["code"], "ERROR_UNKNOWN");
    EXPECT_EQ(rx.got().size(), 3u);
}

TEST_F(SandboxPush, AStalledReceiverHitsTheTimeout) {
    open();
    rx.stall = true;
    sb->set_push_target(target(Millis{300}, 2));
    const auto t0 = Steady::now();
    sb->send_ping();
    EXPECT_LT(Steady::now() - t0, std::chrono::milliseconds(250));  // queuing never waits for the receiver
    ASSERT_TRUE(sb->wait_pushes_done(kWait));
    const auto log = sb->push_log();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_TRUE(log[0].done);
    EXPECT_EQ(log[0].attempts, 2);
    EXPECT_EQ(log[0].status, 0);
    EXPECT_EQ(log[0].error.rfind("timeout", 0), 0u) << log[0].error;
    // Two attempts of 300 ms each (plus the 20 ms retry delay), well below the stall.
    EXPECT_GE(log[0].answered_at - log[0].sent_at, std::chrono::milliseconds(600));
    EXPECT_LT(log[0].answered_at - log[0].sent_at, std::chrono::milliseconds(5000));
    EXPECT_EQ(rx.got().size(), 2u);
}

TEST_F(SandboxPush, OnePostingsPushesArriveInOrderEvenAcrossARetry) {
    open();
    sb->set_push_target(target(Millis{5000}, 3, 16));
    rx.fail_next = 1;
    rx.hold_ms = 30;  // so that later pushes are queued while earlier ones are still in flight
    ASSERT_TRUE(sb->set_posting_status("0101-0001-1", "awaiting_deliver"));
    ASSERT_TRUE(sb->set_posting_status("0101-0001-1", "delivering", "posting_in_pickup_point"));
    Posting other;
    other.posting_number = "0101-0009-1";
    other.status = "awaiting_packaging";
    other.warehouse_id = 1020000123456000;
    other.products = {{1700000001, "DRESS-1", "Платье", 1, 3490}};
    sb->add_posting(other);
    ASSERT_TRUE(sb->set_posting_status("0101-0001-1", "delivered"));
    ASSERT_TRUE(sb->wait_pushes_done(kWait));

    const auto got = rx.got();
    EXPECT_EQ(got.size(), 5u);  // 4 pushes, one of them twice
    const std::vector<std::string> order = {"posting_transferring_to_delivery", "posting_in_pickup_point",
                                            "posting_delivered"};
    std::vector<std::string> arrived, delivered;
    for (const auto& g : got)
        if (g.body.value("posting_number", "") == "0101-0001-1") {
            arrived.push_back(g.body["new_state"]);
            if (g.answered == 200) delivered.push_back(g.body["new_state"]);
        }
    EXPECT_EQ(delivered, order);
    // Every arrival (a retried one included) comes after the earlier states were delivered.
    std::size_t at_state = 0;
    for (const auto& s : arrived) {
        auto pos = static_cast<std::size_t>(std::find(order.begin(), order.end(), s) - order.begin());
        EXPECT_GE(pos, at_state) << s;
        at_state = pos;
    }
}

TEST_F(SandboxPush, NothingIsSentWithoutATarget) {
    open(R"(push: {ping_every: 1h}
events:
  - {at: +1h, posting: "0101-0001-1", status: awaiting_deliver}
  - {at: +2h, set_stock: {offer_id: DRESS-1, warehouse_id: 1020000123456000, present: 1}}
)");
    ASSERT_TRUE(sb->set_posting_status("0101-0001-1", "delivering"));
    ASSERT_TRUE(sb->set_stock("DRESS-1", 1020000123456000, 5));
    ASSERT_TRUE(sb->set_chat_unread("b646d975-0c9c-4872-9f41-8b1e57181063", 4));
    ASSERT_TRUE(sb->set_posting_cutoff("0101-0001-1", at("2026-11-27T10:00:00Z")));
    sb->advance(std::chrono::hours(3));
    EXPECT_TRUE(sb->push_log().empty());
    // A raw push without a target is only logged.
    EXPECT_EQ(sb->send_push(json{{"message_type", "TYPE_PING"}, {"time", "2026-11-26T07:00:00Z"}}), 1u);
    auto log = sb->push_log();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_TRUE(log[0].done);
    EXPECT_EQ(log[0].attempts, 0);
    EXPECT_EQ(log[0].error, "no push target set");
    // Setting a target later does not replay what happened before.
    sb->set_push_target(target());
    ASSERT_TRUE(sb->wait_pushes_done(kWait));
    EXPECT_EQ(sb->push_log().size(), 1u);
    EXPECT_TRUE(rx.got().empty());
}

TEST_F(SandboxPush, ClearingTheTargetDropsQueuedPushes) {
    open();
    rx.stall = true;
    sb->set_push_target(target(Millis{500}, 1, 1));
    sb->send_ping();
    sb->send_ping();
    sb->send_ping();
    ASSERT_TRUE(rx.wait_for_requests(1, kWait));  // the first is in flight
    sb->set_push_target(std::nullopt);
    ASSERT_TRUE(sb->wait_pushes_done(kWait));
    const auto log = sb->push_log();
    ASSERT_EQ(log.size(), 3u);
    EXPECT_EQ(log[0].attempts, 1);
    EXPECT_EQ(log[0].error.rfind("timeout", 0), 0u) << log[0].error;  // its attempt ran out
    for (std::size_t i = 1; i < 3; ++i) {
        EXPECT_TRUE(log[i].done);
        EXPECT_EQ(log[i].attempts, 0);
        EXPECT_EQ(log[i].error, "dropped: push target cleared");
        EXPECT_EQ(log[i].sent_at, Steady::time_point{});
    }
    EXPECT_EQ(rx.got().size(), 1u);
}

TEST_F(SandboxPush, PushLogRecordsEachPushWithOrderedTimes) {
    open();
    sb->set_push_target(target());
    rx.fail_next = 1;
    sb->send_ping();
    ASSERT_TRUE(sb->set_posting_status("0101-0001-1", "awaiting_deliver"));
    ASSERT_TRUE(sb->set_stock("DRESS-1", 1020000123456000, 4));
    ASSERT_TRUE(sb->set_chat_unread("b646d975-0c9c-4872-9f41-8b1e57181063", 2));
    sb->send_push(json{{"message_type", "TYPE_STATE_CHANGED"}, {"posting_number", "0101-0001-1"},
                       {"new_state", "posting_in_carriage"}, {"seller_id", 123456}});
    ASSERT_TRUE(sb->wait_pushes_done(kWait));
    const auto log = sb->push_log();
    ASSERT_EQ(log.size(), 5u);
    const std::vector<std::string> types = {"TYPE_PING", "TYPE_STATE_CHANGED", "TYPE_STOCKS_CHANGED",
                                            "TYPE_NEW_MESSAGE", "TYPE_STATE_CHANGED"};
    const std::vector<std::string> postings = {"", "0101-0001-1", "", "", "0101-0001-1"};
    int attempts = 0;
    for (std::size_t i = 0; i < log.size(); ++i) {
        const auto& e = log[i];
        EXPECT_EQ(e.seq, i + 1);
        EXPECT_EQ(e.message_type, types[i]);
        EXPECT_EQ(e.posting_number, postings[i]);
        EXPECT_EQ(e.virtual_time, at("2026-11-26T04:00:00Z"));
        EXPECT_TRUE(e.done);
        EXPECT_EQ(e.status, 200);
        EXPECT_NE(e.sent_at, Steady::time_point{});
        EXPECT_LE(e.queued_at, e.sent_at);
        EXPECT_LE(e.sent_at, e.answered_at);
        if (i > 0) {
            EXPECT_LE(log[i - 1].queued_at, e.queued_at);
        }
        attempts += e.attempts;
    }
    EXPECT_EQ(attempts, 6);  // one retry after the 500
}

TEST_F(SandboxPush, AdminApi) {
    open();
    auto admin = [&](const std::string& method, const std::string& path, const json& body = json::object()) {
        test::Call c;
        c.method = method;
        c.target = path;
        if (method != "GET" && method != "DELETE") c.body = body.dump();
        return test::http_call(sb->base_url(), c);
    };
    auto r = admin("POST", "/__sandbox/push/target",
                   {{"url", rx.url()}, {"timeout_ms", 2000}, {"max_attempts", 2}, {"retry_delay_ms", 10}});
    ASSERT_EQ(r.status, 200) << r.body;
    r = admin("GET", "/__sandbox/push/target");
    EXPECT_EQ(r.json()["target"], json({{"url", rx.url()}, {"timeout_ms", 2000}, {"max_attempts", 2},
                                        {"retry_delay_ms", 10}, {"max_in_flight", 16}}));
    ASSERT_TRUE(sb->push_target().has_value());
    EXPECT_EQ(sb->push_target()->timeout, Millis{2000});

    const json raw = {{"message_type", "TYPE_STATE_CHANGED"}, {"posting_number", "24219509-0020-2"},
                      {"new_state", "posting_delivered"}, {"changed_state_date", "2021-02-02T15:07:46.765Z"},
                      {"warehouse_id", 0}, {"seller_id", 15}};
    r = admin("POST", "/__sandbox/push/send", {{"body", raw}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json(), json({{"ok", true}, {"seq", 1}}));
    r = admin("POST", "/__sandbox/push/ping");
    EXPECT_EQ(r.json(), json({{"ok", true}, {"seq", 2}}));
    ASSERT_TRUE(sb->wait_pushes_done(kWait));
    ASSERT_EQ(rx.bodies().size(), 2u);
    EXPECT_EQ(rx.bodies()[0], raw);
    EXPECT_EQ(rx.bodies()[1], json::parse(R"({"message_type": "TYPE_PING", "time": "2026-11-26T04:00:00Z"})"));

    r = admin("GET", "/__sandbox/push/log");
    ASSERT_EQ(r.status, 200) << r.body;
    auto pushes = r.json()["pushes"];
    ASSERT_EQ(pushes.size(), 2u);
    EXPECT_EQ(pushes[0]["seq"], 1);
    EXPECT_EQ(pushes[0]["message_type"], "TYPE_STATE_CHANGED");
    EXPECT_EQ(pushes[0]["posting_number"], "24219509-0020-2");
    EXPECT_EQ(pushes[0]["body"], raw);
    EXPECT_EQ(pushes[0]["status"], 200);
    EXPECT_EQ(pushes[0]["done"], true);
    EXPECT_EQ(pushes[0]["attempts"], 1);
    EXPECT_EQ(pushes[0]["error"], "");
    EXPECT_EQ(pushes[0]["virtual_time"], "2026-11-26T04:00:00.000Z");
    EXPECT_TRUE(pushes[0]["sent_after_ms"].is_number_integer());
    EXPECT_TRUE(pushes[0]["answered_after_ms"].is_number_integer());
    EXPECT_EQ(pushes[1]["message_type"], "TYPE_PING");

    // The cutoff admin call pushes too.
    r = admin("POST", "/__sandbox/postings/cutoff", {{"posting_number", "0101-0001-1"}, {"cutoff", "2026-11-26T12:00:00Z"}});
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_TRUE(sb->wait_pushes_done(kWait));
    ASSERT_EQ(rx.bodies().size(), 3u);
    EXPECT_EQ(rx.bodies()[2]["message_type"], "TYPE_CUTOFF_DATE_CHANGED");
    EXPECT_EQ(rx.bodies()[2]["new_cutoff_date"], "2026-11-26T12:00:00Z");

    EXPECT_EQ(admin("POST", "/__sandbox/push/target", {{"url", "https://127.0.0.1:1/x"}}).status, 400);
    EXPECT_EQ(admin("POST", "/__sandbox/push/target", {{"timeout_ms", 100}}).status, 400);
    EXPECT_EQ(admin("POST", "/__sandbox/push/send", {{"nobody", 1}}).status, 400);
    EXPECT_EQ(admin("DELETE", "/__sandbox/push/target").status, 200);
    EXPECT_EQ(admin("GET", "/__sandbox/push/target").json()["target"], json(nullptr));
    EXPECT_FALSE(sb->push_target().has_value());
    r = admin("POST", "/__sandbox/push/ping");
    EXPECT_EQ(r.json()["seq"], 4);
    EXPECT_EQ(sb->push_log().back().error, "no push target set");
}

TEST_F(SandboxPush, SetPushTargetRefusesWhatItCannotSendTo) {
    open();
    PushTarget t = target();
    t.url = "https://127.0.0.1:8443/push";
    EXPECT_THROW(sb->set_push_target(t), std::invalid_argument);
    t.url = "127.0.0.1:8080/push";
    EXPECT_THROW(sb->set_push_target(t), std::invalid_argument);
    t = target();
    t.max_attempts = 0;
    EXPECT_THROW(sb->set_push_target(t), std::invalid_argument);
    t = target();
    t.max_in_flight = 0;
    EXPECT_THROW(sb->set_push_target(t), std::invalid_argument);
    EXPECT_FALSE(sb->push_target().has_value());
}

TEST_F(SandboxPush, MaxInFlightIsHonoured) {
    open();
    rx.hold_ms = 80;
    sb->set_push_target(target(Millis{5000}, 1, 4));
    for (int i = 0; i < 20; ++i) sb->send_ping();
    ASSERT_TRUE(sb->wait_pushes_done(kWait));
    EXPECT_EQ(rx.got().size(), 20u);
    EXPECT_LE(rx.max_active.load(), 4);
    EXPECT_GE(rx.max_active.load(), 2);  // pushes of no common subject do go in parallel
    for (const auto& e : sb->push_log()) EXPECT_EQ(e.status, 200);
}

TEST_F(SandboxPush, StopEndsDeliveriesAtOnce) {
    open();
    rx.stall = true;
    sb->set_push_target(target(Millis{5000}, 3, 1));
    sb->send_ping();
    sb->send_ping();
    ASSERT_TRUE(rx.wait_for_requests(1, kWait));  // the first is in flight, the second queued
    const auto t0 = Steady::now();
    sb->stop();
    EXPECT_LT(Steady::now() - t0, std::chrono::milliseconds(2000));  // not the 5 s timeout
    ASSERT_TRUE(sb->wait_pushes_done(Millis{0}));
    const auto log = sb->push_log();
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[0].attempts, 1);
    EXPECT_EQ(log[0].error.rfind("sandbox stopped", 0), 0u) << log[0].error;
    EXPECT_EQ(log[1].attempts, 0);
    EXPECT_EQ(log[1].error, "sandbox stopped");
    // After the stop a push is only logged.
    sb->send_ping();
    EXPECT_EQ(sb->push_log().back().error, "sandbox stopped");
    EXPECT_EQ(rx.got().size(), 1u);
}

// The receiver runs on an io_context the test thread itself drives, as a daemon under test may:
// queuing must return at once, and delivery completes once the receiver is driven.
TEST(SandboxPushDriven, SendingNeverBlocksOnTheReceiver) {
    Receiver rx(/*run_thread=*/false);
    Sandbox sb(load_scenario_text(kScenario));
    sb.start();
    PushTarget t;
    t.url = rx.url();
    sb.set_push_target(t);
    const auto t0 = Steady::now();
    sb.send_ping();
    ASSERT_TRUE(sb.set_posting_status("0101-0001-1", "awaiting_deliver"));
    EXPECT_LT(Steady::now() - t0, std::chrono::milliseconds(250));
    EXPECT_FALSE(sb.wait_pushes_done(Millis{0}));  // the receiver has not run yet
    const auto deadline = Steady::now() + std::chrono::seconds(10);
    while (!sb.wait_pushes_done(Millis{0}) && Steady::now() < deadline)
        rx.ioc.run_one_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(sb.wait_pushes_done(Millis{0}));
    const auto log = sb.push_log();
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[0].status, 200);
    EXPECT_EQ(log[1].status, 200);
    EXPECT_EQ(rx.got().size(), 2u);
    sb.stop();
}

TEST(SandboxPushDriven, RequestAndTelegramLogsCarryTheRealArrivalTime) {
    Sandbox sb(load_scenario_text(kScenario));
    sb.start();
    const auto before = Steady::now();
    test::Call c;
    c.target = "/bot111:AAA/sendMessage";
    c.body = R"({"chat_id": "-1001", "text": "hi"})";
    auto r = test::http_call(sb.base_url(), c);
    const auto after = Steady::now();
    ASSERT_EQ(r.status, 200) << r.body;
    const auto tg = sb.telegram_messages();
    ASSERT_EQ(tg.size(), 1u);
    EXPECT_GE(tg[0].received_at, before);
    EXPECT_LE(tg[0].received_at, after);
    const auto log = sb.request_log();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0].received_at, tg[0].received_at);
}

TEST_F(SandboxPush, WaitIsALongPollThatAnswersWhenEveryPushIsDoneOrAtItsTimeout) {
    open();
    auto wait = [&](const json& body) {
        test::Call c;
        c.method = "POST";
        c.target = "/__sandbox/push/wait";
        c.body = body.dump();
        return test::http_call(sb->base_url(), c);
    };
    // Nothing queued: done at once.
    auto r = wait({{"timeout_ms", 5000}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json(), json({{"ok", true}, {"done", true}}));

    // A receiver that holds each answer 300 ms: the poll answers after the push is answered.
    rx.hold_ms = 300;
    sb->set_push_target(target());
    sb->send_ping();
    sb->send_ping();
    r = wait({{"timeout_ms", 10000}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["done"], true);
    auto log = sb->push_log();  // read after the answer: everything it waited for is done
    ASSERT_EQ(log.size(), 2u);
    for (const auto& p : log) {
        EXPECT_TRUE(p.done);
        EXPECT_EQ(p.status, 200);
    }

    // A stalled receiver: the poll gives up at its own timeout, with the push still in flight.
    rx.stall = true;
    sb->send_ping();
    r = wait({{"timeout_ms", 200}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["done"], false);
    log = sb->push_log();
    ASSERT_EQ(log.size(), 3u);
    EXPECT_FALSE(log[2].done);

    EXPECT_EQ(wait({{"timeout_ms", "soon"}}).status, 400);
    EXPECT_EQ(wait({{"timeout_ms", -1}}).status, 400);
    EXPECT_EQ(wait(json::array()).status, 400);
}
