// The reviews watch: its pure evaluation (a new review, its severity by rating, the missing
// subscription) and the engine around it, driven by scripted poll answers: the real
// ReviewsWatch with only fetch() replaced, a real WatchRunner and a real Store in a temp folder.
// The real 403 from the API is in tests/daemon/integration/reviews_chats_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>

#include "daemon/watches/reviews/watch.hpp"
#include "tests/daemon/unit/daemon_test_util.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace ozw::daemon::reviews;
using namespace std::chrono_literals;
using ozw::test::at;

namespace {

ReviewItem review(const std::string& id, int rating, const char* published) {
    ReviewItem r;
    r.id = id;
    r.sku = 1000000001;
    r.offer_id = "A-1";
    r.rating = rating;
    r.text = "Текст отзыва " + id;
    r.photos = 2;
    r.published_at = at(published);
    r.first_seen = at(published);
    return r;
}

ReviewItem no_subscription(const char* since) {
    ReviewItem a;
    a.kind = ItemKind::access;
    a.unavailable_since = at(since);
    a.message = "Method is available only with the Premium Pro or Review management subscription";
    return a;
}

EvalContext ctx(int alert_rating = 3) {
    EvalContext c{"main", ReviewsSettings{}};
    c.settings.alert_rating = alert_rating;
    return c;
}

class ScriptedWatch : public ReviewsWatch {
public:
    ScriptedWatch() : ReviewsWatch("main", nullptr, ReviewsSettings{}) {}
    std::vector<ReviewItem> answer;
    std::vector<std::string> gone;
    bool last_baseline = false;

protected:
    awaitable<Fetched<ReviewItem>> fetch(TimePoint, bool baseline) override {
        last_baseline = baseline;
        Fetched<ReviewItem> f;
        f.items = answer;
        f.gone = std::exchange(gone, {});
        co_return f;
    }
};

struct Harness : ozw::test::RunnerHarness<ScriptedWatch> {
    using RunnerHarness::RunnerHarness;
    CycleResult poll(std::vector<ReviewItem> answer, TimePoint when, std::vector<std::string> gone = {}) {
        watch->answer = std::move(answer);
        watch->gone = std::move(gone);
        return cycle(when);
    }
};

using ozw::test::recorded;

}  // namespace

TEST(ReviewsEvaluate, NewReviewAtOrBelowAlertRatingIsAWarning) {
    for (int rating : {1, 2, 3}) {
        auto events = review_transitions(nullptr, review("r1", rating, "2026-11-26T03:00:00Z"),
                                         at("2026-11-26T04:00:00Z"), ctx());
        ASSERT_EQ(events.size(), 1u) << rating;
        const Event& e = events[0];
        EXPECT_EQ(e.type, "review.new");
        EXPECT_EQ(e.kind, EventKind::transition);
        EXPECT_EQ(e.severity, Severity::warning) << rating;
        EXPECT_EQ(e.key, "review.new:r1");
        EXPECT_EQ(e.details.at("rating"), rating);
        EXPECT_EQ(e.details.at("product"), "A-1 (SKU 1000000001)");
        EXPECT_EQ(e.details.at("photos"), 2);
        EXPECT_EQ(e.details.at("text"), "Текст отзыва r1");
        EXPECT_EQ(e.details.at("product_url"), "https://www.ozon.ru/product/1000000001/");
        EXPECT_EQ(e.details.at("alert_rating"), 3);
        EXPECT_EQ(e.url, "https://seller.ozon.ru/app/reviews");
        EXPECT_EQ(e.occurred_at, at("2026-11-26T03:00:00Z"));  // published, not detected
    }
}

TEST(ReviewsEvaluate, NewReviewAboveAlertRatingIsInfo) {
    for (int rating : {4, 5}) {
        auto events = review_transitions(nullptr, review("r2", rating, "2026-11-26T03:00:00Z"),
                                         at("2026-11-26T04:00:00Z"), ctx());
        ASSERT_EQ(events.size(), 1u);
        EXPECT_EQ(events[0].severity, Severity::info) << rating;
        EXPECT_FALSE(events[0].details.contains("alert_rating"));
    }
    // alert_rating 0: never a warning.
    auto one = review_transitions(nullptr, review("r3", 1, "2026-11-26T03:00:00Z"), at("2026-11-26T04:00:00Z"), ctx(0));
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0].severity, Severity::info);
}

TEST(ReviewsEvaluate, AKnownReviewIsNoNewsAndWithoutAnArticleTheSkuIsShown) {
    auto r = review("r1", 2, "2026-11-26T03:00:00Z");
    auto edited = r;
    edited.text = "Исправленный текст";
    EXPECT_TRUE(review_transitions(&r, edited, at("2026-11-26T04:00:00Z"), ctx()).empty());
    r.offer_id.clear();
    auto e = review_transitions(nullptr, r, at("2026-11-26T04:00:00Z"), ctx());
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].details.at("product"), "SKU 1000000001");
    EXPECT_FALSE(e[0].details.contains("offer_id"));
}

TEST(ReviewsEvaluate, MissingSubscriptionIsOneInfoConditionAndReviewsHoldNone) {
    auto c = review_conditions(no_subscription("2026-11-26T04:00:00Z"), at("2026-11-26T05:00:00Z"), ctx());
    ASSERT_EQ(c.holding.size(), 1u);
    EXPECT_EQ(c.holding[0].type, "review.not_available");
    EXPECT_EQ(c.holding[0].severity, Severity::info);
    EXPECT_EQ(c.holding[0].key, "review.not_available");
    EXPECT_EQ(c.holding[0].details.at("since"), "2026-11-26T04:00:00Z");
    EXPECT_FALSE(c.next_change.has_value());
    EXPECT_TRUE(review_conditions(review("r1", 1, "2026-11-26T03:00:00Z"), at("2026-11-26T05:00:00Z"), ctx())
                    .holding.empty());
}

TEST(ReviewsWatchEngine, BaselineIsSilentThenANewReviewIsAnnouncedOnce) {
    Harness h;
    auto old1 = review("old-1", 1, "2026-11-25T20:00:00Z");
    auto old2 = review("old-2", 5, "2026-11-26T01:00:00Z");
    auto first = h.poll({old1, old2}, at("2026-11-26T04:00:00Z"));
    EXPECT_TRUE(first.baseline);
    EXPECT_TRUE(first.recorded.empty());  // old reviews are not news, even a 1-star one
    auto fresh = review("new-1", 2, "2026-11-26T04:05:00Z");
    auto second = h.poll({fresh, old1, old2}, at("2026-11-26T04:10:00Z"));
    EXPECT_EQ(recorded(second), std::vector<std::string>{"review.new review.new:new-1"});
    ASSERT_EQ(second.recorded.size(), 1u);
    EXPECT_EQ(second.recorded[0].severity, Severity::warning);
    // The same answer again, and after a restart: nothing.
    EXPECT_TRUE(h.poll({fresh, old1, old2}, at("2026-11-26T04:20:00Z")).recorded.empty());
    h.restart();
    EXPECT_TRUE(h.poll({fresh, old1, old2}, at("2026-11-26T04:30:00Z")).recorded.empty());
}

TEST(ReviewsWatchEngine, NoSubscriptionIsSaidOnceRecheckedDailyAndResumesWithASilentBaseline) {
    Harness h;
    EXPECT_EQ(h.watch->interval(), Millis{10min});
    auto first = h.poll({no_subscription("2026-11-26T04:00:00Z")}, at("2026-11-26T04:00:00Z"));
    EXPECT_EQ(recorded(first), std::vector<std::string>{"review.not_available review.not_available"});
    EXPECT_EQ(h.watch->interval(), Millis{24h});  // re-check once a day, not every 10 minutes
    // Still no subscription the next day, and after a restart: not said again.
    EXPECT_TRUE(h.poll({no_subscription("2026-11-27T04:00:00Z")}, at("2026-11-27T04:00:00Z")).recorded.empty());
    h.restart();  // the scheduler polls a watch at once after a restart: loaded, still daily
    EXPECT_TRUE(h.poll({no_subscription("2026-11-28T04:00:00Z")}, at("2026-11-28T04:00:00Z")).recorded.empty());
    EXPECT_EQ(h.watch->interval(), Millis{24h});
    // The subscription appears: the condition resolves, the reviews written meanwhile are a
    // silent baseline (not flooded as news), the normal interval returns.
    auto back = h.poll({review("r1", 1, "2026-11-28T10:00:00Z"), review("r2", 5, "2026-11-28T12:00:00Z")},
                       at("2026-11-29T04:00:00Z"), {kAccessKey});
    EXPECT_EQ(recorded(back), std::vector<std::string>{"review.not_available/resolved review.not_available"});
    EXPECT_TRUE(h.watch->last_baseline);
    EXPECT_EQ(h.watch->interval(), Millis{10min});
    // From now on a new review is news again.
    auto next = h.poll({review("r3", 4, "2026-11-29T04:05:00Z"), review("r1", 1, "2026-11-28T10:00:00Z"),
                        review("r2", 5, "2026-11-28T12:00:00Z")},
                       at("2026-11-29T04:10:00Z"));
    EXPECT_FALSE(h.watch->last_baseline);
    EXPECT_EQ(recorded(next), std::vector<std::string>{"review.new review.new:r3"});
}

TEST(ReviewsReport, CountsTheDaysReviewsAndTheLowRatedOnes) {
    std::map<std::string, ReviewItem> items;
    for (auto r : {review("a", 2, "2026-11-26T01:00:00Z"), review("b", 5, "2026-11-26T03:00:00Z"),
                   review("c", 1, "2026-11-24T03:00:00Z")})
        items[r.id] = r;
    const TimePoint now = at("2026-11-26T06:00:00Z");
    EXPECT_EQ(reviews_report_lines(items, now, true, ReviewsSettings{}),
              std::vector<std::string>{"Отзывы: 2 новых за сутки, 1 с оценкой ≤3"});
    EXPECT_EQ(reviews_report_lines(items, now, false, ReviewsSettings{}),
              std::vector<std::string>{"Reviews: 2 new in the last 24 h, 1 rated 3 or lower"});
    items[kAccessKey] = no_subscription("2026-11-26T04:00:00Z");
    auto lines = reviews_report_lines(items, now, true, ReviewsSettings{});
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].find("нет подписки"), std::string::npos) << lines[0];
}

TEST(ReviewsReport, OneNewReviewIsSingular) {
    std::map<std::string, ReviewItem> items;
    const auto r = review("a", 2, "2026-11-26T01:00:00Z");
    items[r.id] = r;
    EXPECT_EQ(reviews_report_lines(items, at("2026-11-26T06:00:00Z"), true, ReviewsSettings{}),
              std::vector<std::string>{"Отзывы: 1 новый за сутки, 1 с оценкой ≤3"});
}
