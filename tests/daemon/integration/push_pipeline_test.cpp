// Ozon pushes through the whole daemon: the sandbox changes its state and sends the push Ozon
// would send (over a real socket to the receiver on port 0); the receiver stores it and answers;
// the watches it concerns re-read what it names and record events in the same transaction as a
// poll; the next poll finds nothing new. Also: pushes stored before a crash are acted upon after
// the restart, a push before the first poll changes nothing, and a day without TYPE_PING raises
// one warning.
#include <gtest/gtest.h>

#include <boost/asio/post.hpp>

#include <thread>

#include "daemon/push_receiver.hpp"
#include "tests/daemon/integration/sandbox_daemon.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;
using ozw::test::Daemon;
using ozw::test::headings;
using ozw::test::ozon_requests;
using ozw::test::sandbox_config;
using ozw::test::TempDir;

namespace asio = boost::asio;

namespace {

// 09:00 Moscow. Client-Id 15 is the seller_id of the pushes. One posting to be packed (ship-by
// tomorrow), one product on one FBS warehouse, one buyer chat with nothing unread.
const char* kScenario = R"(
name: push
start: "2026-11-26T06:00:00Z"
accounts: [{client_id: "15", api_key: k1}]
warehouses: [{id: 1020000000000, name: "Склад на Ленина"}]
products:
  - {offer_id: DRS-001, product_id: 5500001, sku: 1000000101, name: "Платье", price: 2500, fbs: 5}
postings:
  - {posting_number: "0100000001-0001-1", status: awaiting_packaging, in_process_at: -1h,
     shipment_date: +1d, products: [{offer_id: DRS-001, quantity: 1}]}
chats:
  - {chat_id: chat-a, unread: 0, created_at: -1d}
telegram:
  - token: "123456789:test-bot-token"
    chats: [{id: "-1001234567890"}]
)";

constexpr const char* kKnown = "0100000001-0001-1";

sandbox::Posting new_posting(const sandbox::Sandbox& sb, const std::string& number) {
    sandbox::Posting p;
    p.posting_number = number;
    p.status = "awaiting_packaging";
    p.warehouse_id = 1020000000000;
    p.in_process_at = sb.now();
    p.shipment_date = sb.now() + 24h;
    sandbox::PostingProduct pr;
    pr.offer_id = "DRS-001";
    pr.sku = 1000000101;
    pr.name = "Платье";
    pr.price = 2500;
    p.products.push_back(pr);
    return p;
}

// The daemon on the sandbox with its push receiver, as `run` wires them.
struct PushDaemon {
    Config cfg;
    Daemon d;
    std::unique_ptr<PushReceiver> receiver;

    PushDaemon(Config c, const std::string& db, const sandbox::Sandbox& sb)
        : cfg(with_push(std::move(c))), d(cfg, db, sb) {
        receiver = std::make_unique<PushReceiver>(d.ioc.get_executor(), cfg, d.store, sb.clock());
        receiver->on_push = [this](long long id, const std::string& account, const push::PushMessage& m) {
            return d.runtime.accept_push(id, account, m) > 0;
        };
        receiver->start();
    }
    ~PushDaemon() { receiver->stop(); }

    static Config with_push(Config c) {
        c.push.enabled = true;
        c.push.listen = "127.0.0.1:0";
        c.push.path = "/ozon/push";
        c.push.allow = {"127.0.0.1/32"};
        return c;
    }
    std::string url() const { return receiver->base_url() + "/ozon/push"; }

    // One poll of every due watch, then one dispatcher pass.
    void cycle() {
        ozw::test::run_until_complete(d.ioc, [&] { return d.runtime.scheduler().run_once_due(); });
        dispatch();
    }
    void dispatch() {
        if (d.runtime.dispatcher()) ozw::test::run_until_complete(d.ioc, [&] { return d.runtime.dispatcher()->tick(); });
    }
    // The receiver answers on this io_context: run it until the sandbox has every push it queued
    // answered (the sandbox says so from its own thread), then the watches' re-reads, then one
    // dispatcher pass. Returns how many re-reads ran.
    int take_pushes(sandbox::Sandbox& sb) {
        bool answered = false;
        std::thread waiter([&] {
            const bool all = sb.wait_pushes_done(10s);
            asio::post(d.ioc, [&answered, all] {
                answered = true;
                EXPECT_TRUE(all) << "the sandbox's pushes were not all answered within 10 s";
            });
        });
        d.ioc.restart();
        while (!answered) d.ioc.run_one();
        waiter.join();
        // The receiver's processing was posted before each answer: it has run by now.
        int ran = 0;
        ozw::test::run_until_complete(d.ioc, [&]() -> asio::awaitable<void> { ran = co_await d.runtime.scheduler().run_pushes(); });
        dispatch();
        return ran;
    }
    // A push handed to the receiver as if it came from Ozon's network: stored and answered;
    // its processing is posted to the io_context and has not run yet.
    http::ServerResponse receive(const std::string& body) {
        http::ServerRequest req;
        req.method = "POST";
        req.path = req.target = "/ozon/push";
        req.remote = "127.0.0.1:40000";
        req.body = body;
        return receiver->handle(req);
    }
    // The same, and its processing.
    http::ServerResponse hand(const std::string& body) {
        auto r = receive(body);
        d.ioc.restart();
        d.ioc.poll();
        return r;
    }
};

Config only(const sandbox::Sandbox& sb, const TempDir& dir, std::initializer_list<const char*> keep) {
    return ozw::test::only_watches(sb, dir.path.string(), keep);
}

// Events of a type recorded for a key containing `subject`.
int recorded(Store& store, const std::string& type, const std::string& subject = {}) {
    int n = 0;
    for (const auto& e : store.events_since(TimePoint{}, 100000))
        if (e.type == type && e.state != EventState::resolved && e.key.find(subject) != std::string::npos) ++n;
    return n;
}

int posting_gets(const sandbox::Sandbox& sb, const std::string& number) {
    int n = 0;
    for (const auto& r : ozon_requests(sb))
        n += r.path == "/v3/posting/fbs/get" && r.body.find(number) != std::string::npos;
    return n;
}

}  // namespace

TEST(PushPipeline, ANewPostingPushIsAnnouncedAtOnceAndTheNextPollAddsNothing) {
    sandbox::Sandbox sb(sandbox::load_scenario_text(kScenario, "push"));
    sb.start();
    TempDir dir;
    PushDaemon pd(only(sb, dir, {"postings"}), (dir.path / "ozonwatch.db").string(), sb);
    pd.cycle();  // the baseline
    sb.set_push_target(sandbox::PushTarget{pd.url()});
    sb.add_posting(new_posting(sb, "0100000002-0001-1"));  // Ozon pushes TYPE_NEW_POSTING
    EXPECT_EQ(pd.take_pushes(sb), 1);
    // Without any poll (the clock has not moved): the posting was read by number and announced.
    EXPECT_EQ(posting_gets(sb, "0100000002-0001-1"), 1);
    EXPECT_EQ(recorded(pd.d.store, "posting.new", "0100000002-0001-1"), 1);
    const auto log = sb.push_log();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0].message_type, "TYPE_NEW_POSTING");
    EXPECT_EQ(log[0].status, 200);
    EXPECT_TRUE(pd.d.store.unprocessed_pushes().empty());
    // The regular polls see the same posting: nothing is announced twice.
    for (int i = 0; i < 3; ++i) {
        sb.advance(3min);
        pd.cycle();
    }
    EXPECT_EQ(recorded(pd.d.store, "posting.new", "0100000002-0001-1"), 1);
    EXPECT_EQ(recorded(pd.d.store, "posting.new"), 1);
}

TEST(PushPipeline, CancellationStockAndChatPushesActWithoutAPoll) {
    sandbox::Sandbox sb(sandbox::load_scenario_text(kScenario, "push"));
    sb.start();
    TempDir dir;
    PushDaemon pd(only(sb, dir, {"postings", "stocks", "chats"}), (dir.path / "ozonwatch.db").string(), sb);
    pd.cycle();  // the baselines
    sb.set_push_target(sandbox::PushTarget{pd.url()});
    ASSERT_TRUE(sb.set_posting_status(kKnown, "cancelled"));
    ASSERT_TRUE(sb.set_stock("DRS-001", 1020000000000, 0));
    ASSERT_TRUE(sb.set_chat_unread("chat-a", 2));
    EXPECT_EQ(pd.take_pushes(sb), 3);  // one re-read per watch
    EXPECT_EQ(recorded(pd.d.store, "posting.cancelled", kKnown), 1);
    EXPECT_EQ(recorded(pd.d.store, "stock.out", "DRS-001"), 1);
    EXPECT_EQ(recorded(pd.d.store, "chat.unread", "chat-a"), 1);
    // Delivered to Telegram at once (the demo configuration waits no group_wait).
    EXPECT_EQ(headings(sb, "Отправление отменено " + std::string(kKnown)), 1);
    // The next polls change nothing.
    for (int i = 0; i < 4; ++i) {
        sb.advance(5min);
        pd.cycle();
    }
    EXPECT_EQ(recorded(pd.d.store, "posting.cancelled", kKnown), 1);
    EXPECT_EQ(recorded(pd.d.store, "stock.out", "DRS-001"), 1);
    EXPECT_EQ(recorded(pd.d.store, "chat.unread", "chat-a"), 1);
    EXPECT_EQ(headings(sb, "Отправление отменено " + std::string(kKnown)), 1);
}

TEST(PushPipeline, ACutoffPushMovesThePostingsDeadline) {
    sandbox::Sandbox sb(sandbox::load_scenario_text(kScenario, "push"));
    sb.start();
    TempDir dir;
    PushDaemon pd(only(sb, dir, {"postings"}), (dir.path / "ozonwatch.db").string(), sb);
    pd.cycle();
    EXPECT_EQ(recorded(pd.d.store, "posting.cutoff_soon", kKnown), 0);  // ship-by tomorrow
    sb.set_push_target(sandbox::PushTarget{pd.url()});
    // Ozon moves the ship-by time to 10:00 Moscow, an hour from now.
    ASSERT_TRUE(sb.set_posting_cutoff(kKnown, sb.now() + 1h));
    EXPECT_EQ(pd.take_pushes(sb), 1);
    EXPECT_EQ(sb.push_log().at(0).message_type, "TYPE_CUTOFF_DATE_CHANGED");
    EXPECT_EQ(recorded(pd.d.store, "posting.cutoff_soon", kKnown), 1);
    sb.advance(3min);
    pd.cycle();
    EXPECT_EQ(recorded(pd.d.store, "posting.cutoff_soon", kKnown), 1);
}

TEST(PushPipeline, PushesStoredBeforeACrashAreActedUponAfterTheRestart) {
    sandbox::Sandbox sb(sandbox::load_scenario_text(kScenario, "push"));
    sb.start();
    TempDir dir;
    const std::string db = (dir.path / "ozonwatch.db").string();
    const std::string push_body =
        R"({"message_type":"TYPE_POSTING_CANCELLED","posting_number":"0100000001-0001-1","products":[{"sku":1000000101,"quantity":1}],"old_state":"posting_awaiting_packaging","new_state":"posting_canceled","changed_state_date":"2026-11-26T06:00:00Z","reason":{"id":352,"message":"Покупатель отменил заказ"},"warehouse_id":1020000000000,"seller_id":15})";
    {
        PushDaemon pd(only(sb, dir, {"postings"}), db, sb);
        pd.cycle();
        ASSERT_TRUE(sb.set_posting_status(kKnown, "cancelled"));
        // Stored and answered; the process dies before the re-read (the offer never runs).
        EXPECT_EQ(pd.receive(push_body).status, 200);
        EXPECT_EQ(pd.d.store.unprocessed_pushes().size(), 1u);
    }
    PushDaemon pd(only(sb, dir, {"postings"}), db, sb);
    EXPECT_EQ(pd.receiver->replay_unprocessed(), 1u);
    int ran = 0;
    ozw::test::run_until_complete(pd.d.ioc, [&]() -> asio::awaitable<void> { ran = co_await pd.d.runtime.scheduler().run_pushes(); });
    EXPECT_EQ(ran, 1);
    EXPECT_EQ(recorded(pd.d.store, "posting.cancelled", kKnown), 1);
    EXPECT_TRUE(pd.d.store.unprocessed_pushes().empty());
    // A retry of the same push from Ozon is the same inbox row: nothing more.
    EXPECT_EQ(pd.hand(push_body).status, 200);
    ozw::test::run_until_complete(pd.d.ioc, [&]() -> asio::awaitable<void> { ran = co_await pd.d.runtime.scheduler().run_pushes(); });
    EXPECT_EQ(ran, 0);
    sb.advance(3min);
    pd.cycle();
    EXPECT_EQ(recorded(pd.d.store, "posting.cancelled", kKnown), 1);
}

TEST(PushPipeline, APushBeforeTheFirstPollOrForNoWatchChangesNothingAndIsDone) {
    sandbox::Sandbox sb(sandbox::load_scenario_text(kScenario, "push"));
    sb.start();
    TempDir dir;
    PushDaemon pd(only(sb, dir, {"postings"}), (dir.path / "ozonwatch.db").string(), sb);
    // No baseline yet: the re-read is skipped (the first poll reads everything, silently).
    EXPECT_EQ(pd.hand(R"({"message_type":"TYPE_NEW_POSTING","posting_number":"0100000001-0001-1","products":[{"sku":1000000101,"quantity":1}],"in_process_at":"2026-11-26T05:00:00Z","warehouse_id":1020000000000,"seller_id":15})").status,
              200);
    int ran = 0;
    ozw::test::run_until_complete(pd.d.ioc, [&]() -> asio::awaitable<void> { ran = co_await pd.d.runtime.scheduler().run_pushes(); });
    EXPECT_EQ(ran, 1);
    EXPECT_EQ(posting_gets(sb, kKnown), 0);
    EXPECT_TRUE(pd.d.store.unprocessed_pushes().empty());
    pd.cycle();
    EXPECT_EQ(recorded(pd.d.store, "posting.new"), 0);
    // An FBO posting's push concerns no watch: marked done at once, nothing read.
    const auto calls = ozon_requests(sb).size();
    EXPECT_EQ(pd.hand(R"({"message_type":"TYPE_FBO_POSTING_NEW","posting_number":"9-9-1","seller_id":15})").status, 200);
    ozw::test::run_until_complete(pd.d.ioc, [&]() -> asio::awaitable<void> { ran = co_await pd.d.runtime.scheduler().run_pushes(); });
    EXPECT_EQ(ran, 0);
    EXPECT_EQ(ozon_requests(sb).size(), calls);
    EXPECT_TRUE(pd.d.store.unprocessed_pushes().empty());
}

TEST(PushPipeline, ADayWithoutTypePingRaisesOneWarningAndAPingResolvesIt) {
    sandbox::Sandbox sb(sandbox::load_scenario_text(kScenario, "push"));
    sb.start();
    TempDir dir;
    PushDaemon pd(only(sb, dir, {"postings"}), (dir.path / "ozonwatch.db").string(), sb);
    const TimePoint t0 = sb.now();
    auto silent = [&] {
        int n = 0;
        for (const auto& c : pd.d.store.active_conditions({}, "source:push")) n += c.event.type == "source.push_silent";
        return n;
    };
    auto check_at = [&](TimePoint t) {
        sb.set_time(t);
        pd.d.runtime.check_push_health(t);
    };
    check_at(t0);  // pushes enabled now: the silence counts from here
    EXPECT_EQ(pd.d.store.cursor("", "push", "enabled_since"), format_iso8601(t0));
    check_at(t0 + 23h);
    EXPECT_EQ(silent(), 0);
    check_at(t0 + 24h + 10min);
    EXPECT_EQ(silent(), 1);
    check_at(t0 + 24h + 20min);
    EXPECT_EQ(recorded(pd.d.store, "source.push_silent"), 1);  // one warning, not one per check
    // The report says it too, in every account's sources and verdict.
    auto reports = pd.d.runtime.reports();
    ASSERT_EQ(reports.size(), 1u);
    bool line = false;
    for (const auto& l : reports[0].health) line = line || l.find("Push-уведомления Ozon: проверок (TYPE_PING) от Ozon ещё не было; больше суток тишины") == 0;
    EXPECT_TRUE(line);
    bool firing = false;
    for (const auto& e : reports[0].firing) firing = firing || e.type == "source.push_silent";
    EXPECT_TRUE(firing);
    // Ozon pings again.
    sb.set_time(t0 + 24h + 30min);
    const auto ping = pd.hand(R"({"message_type":"TYPE_PING","time":"2026-11-27T06:30:00Z"})");
    EXPECT_EQ(ping.status, 200);
    check_at(t0 + 24h + 30min);
    EXPECT_EQ(silent(), 0);
    const auto after = pd.d.runtime.reports();
    for (const auto& l : after.at(0).health) {
        if (l.rfind("Push-уведомления", 0) == 0) {
            EXPECT_EQ(l, "Push-уведомления Ozon: последняя проверка (TYPE_PING) 27.11.2026 09:30");
        }
    }
}
