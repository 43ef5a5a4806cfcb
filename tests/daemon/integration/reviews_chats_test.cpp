// The reviews and chats watches against the sandbox through the whole daemon (poll, evaluate,
// store, dispatch to the sandbox's Telegram): a new review is announced once with its article,
// a buyer's unread chat fires and resolves when read, and an account without the review
// subscription hears it once, is asked again once a day and never sees an outage.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>

#include "daemon/demo.hpp"
#include "daemon/watches/chats/watch.hpp"
#include "daemon/watches/reviews/watch.hpp"
#include "tests/daemon/integration/sandbox_daemon.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;
using ozw::test::Daemon;
using ozw::test::headings;
using ozw::test::ozon_requests;
using ozw::test::sandbox_config;
using ozw::test::scenario_path;
using ozw::test::TempDir;

namespace {

// 07:00 Moscow. One product (its SKU known to the stocks watch), an old review, a buyer chat
// already unread, one read, a support chat with unread messages (not the manager's).
const char* kScenario = R"(
name: reviews-chats
start: "2026-11-26T04:00:00Z"
accounts: [{client_id: c1, api_key: k1, review_subscription: SUBSCRIPTION}]
products:
  - {offer_id: DRS-001, sku: 1000000101, name: "Платье", fbs: 5}
reviews:
  - {offer_id: DRS-001, rating: 1, text: "Старый плохой отзыв", published_at: -5h}
  - {offer_id: DRS-001, rating: 5, text: "Старый хороший отзыв", published_at: -1d}
chats:
  - {chat_id: chat-a, unread: 2, created_at: -1d}
  - {chat_id: chat-b, unread: 0, created_at: -3d}
  - {chat_id: support-1, type: SELLER_SUPPORT, unread: 4}
telegram:
  - token: "123456789:test-bot-token"
    chats: [{id: "-1001234567890"}]
events:
  - {at: +1h, add_review: {offer_id: DRS-001, rating: 2, text: "Ткань просвечивает", photos_amount: 3, published_at: +1h}}
  - {at: +2h, chat_unread: {chat_id: chat-b, unread: 1}}
)";

sandbox::Scenario scenario(bool subscription) {
    std::string text = kScenario;
    text.replace(text.find("SUBSCRIPTION"), 12, subscription ? "true" : "false");
    return sandbox::load_scenario_text(text, "reviews-chats");
}

Config only(const sandbox::Sandbox& sb, const TempDir& dir, std::initializer_list<const char*> keep) {
    return ozw::test::only_watches(sb, dir.path.string(), keep);
}

std::vector<std::string> active_keys(Store& store, const std::string& prefix) {
    std::vector<std::string> keys;
    for (const auto& c : store.active_conditions("main"))
        if (c.event.type.rfind(prefix, 0) == 0) keys.push_back(c.event.key);
    std::sort(keys.begin(), keys.end());
    return keys;
}

// The last cycle of one watch (the scheduler lists the enabled watches in all.cpp's order).
const std::optional<CycleResult>& last_result(Daemon& d, const std::string& name) {
    auto& s = d.runtime.scheduler();
    for (std::size_t i = 0; i < s.size(); ++i)
        if (s.at(i).runner->watch().name() == name) return s.at(i).last_result;
    throw std::runtime_error("no watch " + name);
}

int review_list_calls(const sandbox::Sandbox& sb) {
    int n = 0;
    for (const auto& r : ozon_requests(sb)) n += r.path == "/v2/review/list";
    return n;
}

}  // namespace

TEST(ReviewsChatsSandbox, NewReviewIsAnnouncedOnceWithItsArticleAndOldReviewsAreNot) {
    sandbox::Sandbox sb(scenario(true));
    sb.start();
    TempDir dir;
    Config cfg = only(sb, dir, {"stocks", "reviews"});
    Daemon d(cfg, (dir.path / "ozonwatch.db").string(), sb);
    d.cycle();  // the baseline: the two old reviews (one of them 1-star) are not news
    EXPECT_EQ(headings(sb, "Новый отзыв DRS-001 (SKU 1000000101)"), 0);
    sb.advance(1h);  // 08:00 Moscow: a 2-star review with 3 photos is published
    d.cycle();
    EXPECT_EQ(headings(sb, "Новый отзыв DRS-001 (SKU 1000000101)"), 1);
    const auto& result = last_result(d, "reviews");
    ASSERT_TRUE(result);
    ASSERT_EQ(result->recorded.size(), 1u);
    const Event& e = result->recorded[0];
    EXPECT_EQ(e.type, "review.new");
    EXPECT_EQ(e.severity, Severity::warning);  // 2 <= alert_rating 3
    EXPECT_EQ(e.details.at("offer_id"), "DRS-001");
    EXPECT_EQ(e.details.at("rating"), 2);
    EXPECT_EQ(e.details.at("photos"), 3);
    EXPECT_EQ(e.details.at("text"), "Ткань просвечивает");
    EXPECT_EQ(e.url, "https://seller.ozon.ru/app/reviews");
    // The text the manager reads: the stars, the review, the photos, the link.
    bool shown = false;
    for (const auto& m : ozw::test::sent_messages(sb))
        if (m.text.find("Новый отзыв") != std::string::npos) {
            shown = true;
            EXPECT_NE(m.text.find("★★☆☆☆"), std::string::npos) << m.text;
            EXPECT_NE(m.text.find("Ткань просвечивает"), std::string::npos) << m.text;
            EXPECT_NE(m.text.find("https://seller.ozon.ru/app/reviews"), std::string::npos) << m.text;
        }
    EXPECT_TRUE(shown);
    // Polls go on: announced once.
    for (int i = 0; i < 6; ++i) {
        sb.advance(10min);
        d.cycle();
    }
    EXPECT_EQ(headings(sb, "Новый отзыв DRS-001 (SKU 1000000101)"), 1);
    ReportOptions o;
    o.now = sb.now();
    EXPECT_EQ(d.watch<reviews::ReviewsWatch>("reviews").report_lines(o),
              std::vector<std::string>{"Отзывы: 2 новых за сутки, 2 с оценкой ≤3"});
}

TEST(ReviewsChatsSandbox, BuyerChatUnreadFiresAndResolvesWhenRead) {
    sandbox::Sandbox sb(scenario(true));
    sb.start();
    TempDir dir;
    Config cfg = only(sb, dir, {"chats"});
    Daemon d(cfg, (dir.path / "ozonwatch.db").string(), sb);
    d.cycle();
    // The buyer's unread chat at once; the support chat is not the manager's to answer.
    EXPECT_EQ(active_keys(d.store, "chat."), std::vector<std::string>{"chat.unread:chat-a"});
    EXPECT_EQ(headings(sb, "Непрочитанный чат покупателя"), 1);
    for (const auto& r : ozon_requests(sb)) {
        if (r.path == "/v3/chat/list") {
            EXPECT_TRUE(nlohmann::json::parse(r.body)["filter"]["unread_only"].get<bool>());
        }
    }
    sb.advance(2h);  // 09:00 Moscow: a message in chat-b
    d.cycle();
    EXPECT_EQ(active_keys(d.store, "chat."), (std::vector<std::string>{"chat.unread:chat-a", "chat.unread:chat-b"}));
    EXPECT_EQ(headings(sb, "Непрочитанный чат покупателя"), 2);
    ReportOptions o;
    o.now = sb.now();
    auto lines = d.watch<chats::ChatsWatch>("chats").report_lines(o);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].rfind("Чаты: 2 непрочитанных чата покупателей (сообщений: 3)", 0), 0u) << lines[0];
    // The manager reads chat-a in the cabinet: resolved, once.
    ASSERT_TRUE(sb.set_chat_unread("chat-a", 0));
    sb.advance(10min);  // demo_config: every watch on 10 minutes
    d.cycle();
    EXPECT_EQ(active_keys(d.store, "chat."), std::vector<std::string>{"chat.unread:chat-b"});
    EXPECT_EQ(headings(sb, "Решено: Непрочитанный чат покупателя"), 1);
    sb.advance(10min);  // demo_config: every watch on 10 minutes
    d.cycle();
    EXPECT_EQ(headings(sb, "Решено: Непрочитанный чат покупателя"), 1);
    EXPECT_EQ(headings(sb, "Непрочитанный чат покупателя"), 2);
}

TEST(ReviewsChatsSandbox, NoSubscriptionIsOneInfoMessageADailyRecheckAndNoOutage) {
    sandbox::Sandbox sb(scenario(false));
    sb.start();
    TempDir dir;
    Config cfg = only(sb, dir, {"reviews"});
    cfg.watches.unavailable_after = 15min;
    const std::string db = (dir.path / "ozonwatch.db").string();
    const std::string title = "Отзывы недоступны: нет подписки";
    const TimePoint start = sb.now();
    {
        Daemon d(cfg, db, sb);
        // Three days in hourly steps: the 403 is asked at 0, 24, 48 and 72 h, said once.
        while (sb.now() <= start + 72h) {
            d.cycle();
            sb.advance(1h);
        }
        EXPECT_EQ(review_list_calls(sb), 4);
        EXPECT_TRUE(d.watch<reviews::ReviewsWatch>("reviews").subscription_missing());
        EXPECT_EQ(active_keys(d.store, "review."), std::vector<std::string>{"review.not_available"});
        EXPECT_TRUE(active_keys(d.store, "source.").empty());  // not an outage, not a refused key
    }
    EXPECT_EQ(headings(sb, title), 1);
    ASSERT_EQ(ozw::test::sent_messages(sb).size(), 1u);  // and nothing else at all
    EXPECT_NE(ozw::test::sent_messages(sb)[0].text.find("Premium Pro"), std::string::npos);

    // A restart: the watch asks at once, hears 403 again, says nothing new.
    sb.clear_logs();
    {
        Daemon d(cfg, db, sb);
        d.cycle();
        EXPECT_EQ(review_list_calls(sb), 1);
        EXPECT_EQ(d.watch<reviews::ReviewsWatch>("reviews").interval(), Millis{24h});
    }
    EXPECT_TRUE(ozw::test::sent_messages(sb).empty());  // (the log was cleared before the restart)

    // The subscription appears; the next daily check finds it: resolved, the reviews written
    // meanwhile are a silent baseline, the 10-minute interval is back and a new review is news.
    sb.mutate([](sandbox::Scenario& s) { s.accounts.at(0).review_subscription = true; });
    Daemon d(cfg, db, sb);
    d.cycle();  // due at once after the restart
    EXPECT_EQ(headings(sb, "Решено: " + title), 1);
    EXPECT_FALSE(d.watch<reviews::ReviewsWatch>("reviews").subscription_missing());
    EXPECT_EQ(d.watch<reviews::ReviewsWatch>("reviews").interval(), Millis{10min});
    EXPECT_EQ(headings(sb, "Новый отзыв SKU 1000000101"), 0);  // 3 reviews exist: history, not news
    sandbox::Review r;
    r.id = "review-after-subscription";
    r.sku = 1000000101;
    r.rating = 5;
    r.text = "Отличное платье";
    r.published_at = sb.now() + 5min;
    sb.add_review(r);
    sb.advance(10min);
    d.cycle();
    EXPECT_EQ(headings(sb, "Новый отзыв SKU 1000000101"), 1);
    EXPECT_EQ(headings(sb, title), 0);  // the refusal is not said again (only its "resolved")
    EXPECT_TRUE(active_keys(d.store, "source.").empty());
    EXPECT_TRUE(active_keys(d.store, "review.").empty());
}

TEST(ReviewsChatsSandbox, DemoDayShowsALowRatedReviewAndAnUnreadBuyerChat) {
    DemoRunOptions o;
    o.pause = Millis{0};
    o.scenario = scenario_path("demo.yaml");
    testing::internal::CaptureStdout();
    int rc = run_demo(o);
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_EQ(rc, 0);
    EXPECT_NE(out.find("review.new: Новый отзыв SHR-001"), std::string::npos) << out;
    EXPECT_NE(out.find("[решено] main chat.unread: Решено: Непрочитанный чат покупателя"), std::string::npos) << out;
    EXPECT_NE(out.find("chat.unread: Непрочитанный чат покупателя"), std::string::npos) << out;
    EXPECT_NE(out.find("Отзывы: "), std::string::npos) << out;  // the report's sections
    EXPECT_NE(out.find("Чаты: "), std::string::npos) << out;
}

// A new review's article comes from the stocks snapshot: a few new reviews' SKUs are searched
// for, many different ones at once (more than 32: a busy morning, a first poll) are looked up in
// one pass over every article. Both ways name the right articles, and a SKU the stocks watch
// does not know is shown without one.
TEST(ReviewsChatsSandbox, ManyNewReviewsAtOnceFindTheirArticlesAsAFewDo) {
    std::string products, events;
    std::map<long long, std::string> article_of;
    for (int i = 0; i < 40; ++i) {  // 40 articles, each with its own SKU
        char offer[16];
        std::snprintf(offer, sizeof offer, "ART-%03d", i);
        const long long sku = 2000000000 + i;
        article_of[sku] = offer;
        products += "  - {offer_id: " + std::string(offer) + ", sku: " + std::to_string(sku) + ", fbs: 5}\n";
        // At 05:00 a review of each (40 SKUs: the one-pass way); at 06:00 one more of ART-007.
        events += "  - {at: +1h, add_review: {offer_id: " + std::string(offer) + ", rating: 4, text: \"Отзыв " +
                  std::to_string(i) + "\", published_at: +1h}}\n";
    }
    events += "  - {at: +1h, add_review: {sku: 1000000999, rating: 4, text: \"Чужой\", published_at: +1h}}\n";
    events += "  - {at: +2h, add_review: {offer_id: ART-007, rating: 4, text: \"Ещё\", published_at: +2h}}\n";
    events += "  - {at: +2h, add_review: {sku: 1000000998, rating: 4, text: \"Чужой 2\", published_at: +2h}}\n";
    const std::string text = R"(
name: many-reviews
start: "2026-11-26T04:00:00Z"
accounts: [{client_id: c1, api_key: k1}]
products:
)" + products + R"(reviews:
  - {offer_id: ART-000, rating: 5, text: "Старый отзыв", published_at: -1d}
telegram:
  - token: "123456789:test-bot-token"
    chats: [{id: "-1001234567890"}]
events:
)" + events;
    sandbox::Sandbox sb(sandbox::load_scenario_text(text, "many-reviews"));
    sb.start();
    TempDir dir;
    Config cfg = only(sb, dir, {"stocks", "reviews"});
    Daemon d(cfg, (dir.path / "ozonwatch.db").string(), sb);
    d.cycle();  // the baseline
    auto check = [&](std::size_t expected_new) {
        const auto& result = last_result(d, "reviews");
        ASSERT_TRUE(result);
        ASSERT_EQ(result->recorded.size(), expected_new);
        for (const Event& e : result->recorded) {
            const long long sku = e.details.at("sku").get<long long>();
            if (auto it = article_of.find(sku); it != article_of.end())
                EXPECT_EQ(e.details.value("offer_id", ""), it->second) << e.details.dump();
            else
                EXPECT_FALSE(e.details.contains("offer_id")) << e.details.dump();
        }
    };
    sb.advance(1h);
    d.cycle();
    check(41);
    sb.advance(1h);
    d.cycle();
    check(2);
}
