// evaluate_postings / merge_postings / effective_deadline on streams of snapshots.
#include <gtest/gtest.h>

#include <algorithm>

#include "daemon/postings_eval.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;

namespace {

TimePoint at(const char* iso) {
    auto t = parse_iso8601(iso);
    EXPECT_TRUE(t.has_value()) << iso;
    return t.value_or(TimePoint{});
}

PostingState posting(const std::string& number, const std::string& status, const char* shipment,
                     const char* in_process = "2026-11-25T08:00:00Z") {
    PostingState p;
    p.posting_number = number;
    p.status = status;
    p.shipment_date = at(shipment);
    p.in_process_at = at(in_process);
    p.status_since = *p.in_process_at;
    p.products = {{"Платье летнее", "DRESS-42", 1}};
    return p;
}

struct Fixture {
    PostingsWatchConfig cfg;
    TimeZone tz{"Europe/Moscow"};
    PostingsEvalContext ctx() { return {"main", &cfg, &tz}; }
};

std::vector<std::string> keys(const std::vector<Event>& events) {
    std::vector<std::string> k;
    for (const auto& e : events) k.push_back(e.key);
    std::sort(k.begin(), k.end());
    return k;
}

// Folds a poll answer into the state the way the watch does.
PostingMap step(const PostingMap& prev, std::vector<PostingState> fetched, TimePoint now) {
    return merge_postings(prev, MergeInput{std::move(fetched), false}, now, 14 * 24h).current;
}

}  // namespace

TEST(EffectiveDeadline, MoscowHandoverAt17LocalIs14Utc) {
    TimeZone tz("Europe/Moscow");
    // shipment 23:59 local on the 26th: the 17:00 hand-over (14:00Z) comes first
    EXPECT_EQ(effective_deadline(at("2026-11-26T20:59:00Z"), tz, {17, 0}), at("2026-11-26T14:00:00Z"));
    // shipment 13:00 local: earlier than 17:00, so the shipment date itself
    EXPECT_EQ(effective_deadline(at("2026-11-26T10:00:00Z"), tz, {17, 0}), at("2026-11-26T10:00:00Z"));
}

TEST(EffectiveDeadline, MidnightBoundaryBelongsToTheNextLocalDay) {
    TimeZone tz("Europe/Moscow");
    // 21:00Z on the 26th is 00:00 on the 27th in Moscow: the 27th's 17:00 is later, so the
    // shipment date (midnight) is the deadline
    EXPECT_EQ(effective_deadline(at("2026-11-26T21:00:00Z"), tz, {17, 0}), at("2026-11-26T21:00:00Z"));
    // one second before midnight local: still the 26th, deadline 14:00Z the 26th
    EXPECT_EQ(effective_deadline(at("2026-11-26T20:59:59Z"), tz, {17, 0}), at("2026-11-26T14:00:00Z"));
}

TEST(EffectiveDeadline, BerlinAcrossDaylightSavingChanges) {
    TimeZone tz("Europe/Berlin");
    // 28 March 2026: CET (UTC+1): 17:00 local = 16:00Z
    EXPECT_EQ(effective_deadline(at("2026-03-28T21:00:00Z"), tz, {17, 0}), at("2026-03-28T16:00:00Z"));
    // 29 March 2026: clocks went forward at 02:00, CEST (UTC+2): 17:00 local = 15:00Z
    EXPECT_EQ(effective_deadline(at("2026-03-29T20:00:00Z"), tz, {17, 0}), at("2026-03-29T15:00:00Z"));
    // 25 October 2026: clocks went back at 03:00, CET again: 17:00 local = 16:00Z
    EXPECT_EQ(effective_deadline(at("2026-10-25T20:00:00Z"), tz, {17, 0}), at("2026-10-25T16:00:00Z"));
    // 24 October 2026: still CEST
    EXPECT_EQ(effective_deadline(at("2026-10-24T20:00:00Z"), tz, {17, 0}), at("2026-10-24T15:00:00Z"));
}

TEST(EvaluatePostings, CutoffSoonAndMissedAtThe17MoscowBoundary) {
    Fixture f;
    PostingMap cur{{"1-1", posting("1-1", "awaiting_packaging", "2026-11-26T20:59:00Z")}};
    // deadline 14:00Z, warn_before 2h -> cutoff_soon from 12:00Z
    auto before = evaluate_postings(&cur, cur, at("2026-11-26T11:59:59Z"), f.ctx());
    EXPECT_TRUE(before.holding.empty());
    auto soon = evaluate_postings(&cur, cur, at("2026-11-26T12:00:00Z"), f.ctx());
    ASSERT_EQ(keys(soon.holding), std::vector<std::string>{"posting.cutoff:1-1"});
    EXPECT_EQ(soon.holding[0].type, "posting.cutoff_soon");
    EXPECT_EQ(soon.holding[0].severity, Severity::warning);
    EXPECT_EQ(soon.holding[0].details["deadline"], "2026-11-26T14:00:00Z");
    auto last_second = evaluate_postings(&cur, cur, at("2026-11-26T13:59:59Z"), f.ctx());
    EXPECT_EQ(keys(last_second.holding), std::vector<std::string>{"posting.cutoff:1-1"});
    auto missed = evaluate_postings(&cur, cur, at("2026-11-26T14:00:00Z"), f.ctx());
    ASSERT_EQ(keys(missed.holding), std::vector<std::string>{"posting.cutoff:1-1"});
    EXPECT_EQ(missed.holding[0].type, "posting.cutoff_missed");
    EXPECT_EQ(missed.holding[0].severity, Severity::critical);
    EXPECT_EQ(missed.holding[0].kind, EventKind::condition);
    EXPECT_EQ(missed.holding[0].details["products"][0]["offer_id"], "DRESS-42");
}

TEST(EvaluatePostings, CutoffAppliesToAwaitingDeliverButNotDelivering) {
    Fixture f;
    PostingMap cur{{"1-1", posting("1-1", "awaiting_deliver", "2026-11-26T10:00:00Z")},
                   {"2-1", posting("2-1", "delivering", "2026-11-26T10:00:00Z")}};
    auto ev = evaluate_postings(&cur, cur, at("2026-11-26T15:00:00Z"), f.ctx());
    EXPECT_EQ(keys(ev.holding), std::vector<std::string>{"posting.cutoff:1-1"});
}

TEST(EvaluatePostings, CutoffInBerlinSummerTime) {
    Fixture f;
    TimeZone berlin("Europe/Berlin");
    PostingsEvalContext ctx{"main", &f.cfg, &berlin};
    PostingMap cur{{"1-1", posting("1-1", "awaiting_packaging", "2026-03-29T20:00:00Z")}};
    EXPECT_EQ(keys(evaluate_postings(&cur, cur, at("2026-03-29T14:59:59Z"), ctx).holding),
              std::vector<std::string>{"posting.cutoff:1-1"});
    EXPECT_EQ(keys(evaluate_postings(&cur, cur, at("2026-03-29T15:00:00Z"), ctx).holding),
              std::vector<std::string>{"posting.cutoff:1-1"});
}

TEST(EvaluatePostings, BaselineIsSilentForTransitionsButConditionsFire) {
    Fixture f;
    PostingMap cur{{"1-1", posting("1-1", "awaiting_packaging", "2026-11-27T14:00:00Z")},
                   {"2-1", posting("2-1", "arbitration", "2026-11-20T14:00:00Z")},
                   {"3-1", posting("3-1", "cancelled", "2026-11-20T14:00:00Z")}};
    auto ev = evaluate_postings(nullptr, cur, at("2026-11-26T07:00:00Z"), f.ctx());
    EXPECT_TRUE(ev.transitions.empty());
    EXPECT_EQ(keys(ev.holding), std::vector<std::string>{"posting.arbitration:2-1"});
}

TEST(EvaluatePostings, NewPostingStatusChangeAndCancellation) {
    Fixture f;
    const TimePoint t0 = at("2026-11-26T07:00:00Z");
    PostingMap s0 = step({}, {posting("1-1", "awaiting_packaging", "2026-11-27T14:00:00Z")}, t0);
    auto fresh = posting("2-1", "awaiting_packaging", "2026-11-27T14:00:00Z");
    PostingMap s1 = step(s0, {fresh}, t0 + 2min);
    auto ev1 = evaluate_postings(&s0, s1, t0 + 2min, f.ctx());
    ASSERT_EQ(keys(ev1.transitions), std::vector<std::string>{"posting.new:2-1"});
    EXPECT_EQ(ev1.transitions[0].severity, Severity::info);
    EXPECT_EQ(ev1.transitions[0].kind, EventKind::transition);
    EXPECT_EQ(ev1.transitions[0].account, "main");
    EXPECT_EQ(ev1.transitions[0].details["products"][0]["name"], "Платье летнее");

    PostingMap s2 = step(s1, {posting("1-1", "awaiting_deliver", "2026-11-27T14:00:00Z")}, t0 + 4min);
    auto ev2 = evaluate_postings(&s1, s2, t0 + 4min, f.ctx());
    ASSERT_EQ(keys(ev2.transitions),
              std::vector<std::string>{"posting.status_changed:1-1:awaiting_deliver"});
    EXPECT_EQ(ev2.transitions[0].details["previous_status"], "awaiting_packaging");
    EXPECT_EQ(ev2.transitions[0].details["status"], "awaiting_deliver");

    auto cancelled = posting("2-1", "cancelled", "2026-11-27T14:00:00Z");
    cancelled.cancellation = CancellationInfo{"Покупатель", "client", "Передумал покупать", 401, false, false};
    PostingMap s3 = step(s2, {cancelled}, t0 + 6min);
    auto ev3 = evaluate_postings(&s2, s3, t0 + 6min, f.ctx());
    ASSERT_EQ(keys(ev3.transitions), std::vector<std::string>{"posting.cancelled:2-1"});
    EXPECT_EQ(ev3.transitions[0].severity, Severity::warning);
    EXPECT_EQ(ev3.transitions[0].details["cancellation"]["initiator"], "Покупатель");
    EXPECT_EQ(ev3.transitions[0].details["cancellation"]["affects_rating"], false);
    EXPECT_EQ(ev3.transitions[0].details["previous_status"], "awaiting_packaging");
}

TEST(EvaluatePostings, ArbitrationAndNotAcceptedAreCritical) {
    Fixture f;
    PostingMap cur{{"1-1", posting("1-1", "arbitration", "2026-11-25T14:00:00Z")},
                   {"2-1", posting("2-1", "client_arbitration", "2026-11-25T14:00:00Z")},
                   {"3-1", posting("3-1", "not_accepted", "2026-11-25T14:00:00Z")}};
    auto ev = evaluate_postings(&cur, cur, at("2026-11-26T07:00:00Z"), f.ctx());
    EXPECT_EQ(keys(ev.holding), (std::vector<std::string>{"posting.arbitration:1-1",
                                                          "posting.arbitration:2-1",
                                                          "posting.not_accepted:3-1"}));
    for (const auto& e : ev.holding) EXPECT_EQ(e.severity, Severity::critical);
    EXPECT_TRUE(ev.transitions.empty());
}

TEST(EvaluatePostings, StuckUsesStatusSinceAndTheConfiguredLimits) {
    Fixture f;
    const TimePoint now = at("2026-11-26T07:00:00Z");
    auto delivering = posting("1-1", "delivering", "2026-11-14T14:00:00Z", "2026-11-13T08:00:00Z");
    delivering.delivering_date = at("2026-11-15T10:00:00Z");  // 10 d 21 h ago
    auto recent = posting("2-1", "delivering", "2026-11-24T14:00:00Z");
    recent.delivering_date = at("2026-11-24T15:00:00Z");
    auto pickup = posting("3-1", "driver_pickup", "2026-11-24T14:00:00Z");
    pickup.delivering_date = at("2026-11-25T06:00:00Z");  // 25 h ago
    auto acceptance = posting("4-1", "acceptance_in_progress", "2026-11-27T14:00:00Z",
                              "2026-11-25T07:00:00Z");  // exactly 24 h: not yet "longer than"
    PostingMap cur = step({}, {delivering, recent, pickup, acceptance}, now);
    EXPECT_EQ(cur["1-1"].status_since, at("2026-11-15T10:00:00Z"));
    auto ev = evaluate_postings(nullptr, cur, now, f.ctx());
    EXPECT_EQ(keys(ev.holding), (std::vector<std::string>{"posting.stuck:1-1", "posting.stuck:3-1"}));
    auto later = evaluate_postings(nullptr, cur, now + 1min, f.ctx());
    EXPECT_EQ(keys(later.holding), (std::vector<std::string>{"posting.stuck:1-1", "posting.stuck:3-1",
                                                             "posting.stuck:4-1"}));
    f.cfg.stuck_delivering = 20 * 24h;
    auto relaxed = evaluate_postings(nullptr, cur, now, f.ctx());
    EXPECT_EQ(keys(relaxed.holding), std::vector<std::string>{"posting.stuck:3-1"});
}

TEST(EvaluatePostings, StatusSinceIsWhenTheWatchSawTheChange) {
    Fixture f;
    const TimePoint t0 = at("2026-11-10T07:00:00Z");
    PostingMap s0 = step({}, {posting("1-1", "awaiting_deliver", "2026-11-10T14:00:00Z", "2026-11-09T08:00:00Z")}, t0);
    auto d = posting("1-1", "delivering", "2026-11-10T14:00:00Z", "2026-11-09T08:00:00Z");  // no delivering_date
    PostingMap s1 = step(s0, {d}, t0 + 8h);
    EXPECT_EQ(s1["1-1"].status_since, t0 + 8h);
    // polled again unchanged: status_since stays, nothing is reported as changed
    auto m = merge_postings(s1, MergeInput{{d}, false}, t0 + 9h, 14 * 24h);
    EXPECT_TRUE(m.changed.empty());
    EXPECT_EQ(m.current["1-1"].status_since, t0 + 8h);
    EXPECT_TRUE(evaluate_postings(&s1, m.current, t0 + 8h + 10 * 24h, f.ctx()).holding.empty());
    EXPECT_EQ(keys(evaluate_postings(&s1, m.current, t0 + 8h + 10 * 24h + 1s, f.ctx()).holding),
              std::vector<std::string>{"posting.stuck:1-1"});
}

TEST(EvaluatePostings, NoFlappingAcrossUnchangedPolls) {
    Fixture f;
    TimePoint now = at("2026-11-26T12:30:00Z");
    PostingMap s = step({}, {posting("1-1", "awaiting_packaging", "2026-11-26T20:00:00Z"),
                             posting("2-1", "arbitration", "2026-11-25T14:00:00Z")}, now);
    auto first = evaluate_postings(nullptr, s, now, f.ctx());
    for (int i = 1; i <= 30; ++i) {
        TimePoint t = now + i * 2min;  // up to 13:30Z, still before the 14:00Z deadline
        PostingMap next = step(s, {posting("1-1", "awaiting_packaging", "2026-11-26T20:00:00Z"),
                                   posting("2-1", "arbitration", "2026-11-25T14:00:00Z")}, t);
        auto ev = evaluate_postings(&s, next, t, f.ctx());
        EXPECT_TRUE(ev.transitions.empty());
        EXPECT_EQ(keys(ev.holding), keys(first.holding));
        s = next;
    }
}

TEST(EvaluatePostings, ResolvedConditionsSimplyStopHolding) {
    Fixture f;
    TimePoint now = at("2026-11-26T15:00:00Z");
    PostingMap s0 = step({}, {posting("1-1", "awaiting_deliver", "2026-11-26T10:00:00Z")}, now);
    EXPECT_EQ(evaluate_postings(nullptr, s0, now, f.ctx()).holding.size(), 1u);
    PostingMap s1 = step(s0, {posting("1-1", "delivering", "2026-11-26T10:00:00Z")}, now + 2min);
    auto ev = evaluate_postings(&s0, s1, now + 2min, f.ctx());
    EXPECT_TRUE(ev.holding.empty());
    EXPECT_EQ(keys(ev.transitions), std::vector<std::string>{"posting.status_changed:1-1:delivering"});
}

TEST(MergePostings, FullWindowDropsVanishedAndOldFinalPostings) {
    const TimePoint now = at("2026-11-26T07:00:00Z");
    PostingMap prev;
    for (auto p : {posting("1-1", "awaiting_packaging", "2026-11-27T14:00:00Z"),
                   posting("2-1", "delivered", "2026-11-01T14:00:00Z", "2026-11-01T08:00:00Z"),
                   posting("3-1", "delivering", "2026-11-01T14:00:00Z", "2026-11-01T08:00:00Z"),
                   posting("4-1", "awaiting_deliver", "2026-11-27T14:00:00Z")})
        prev[p.posting_number] = p;
    auto m = merge_postings(prev, MergeInput{{posting("1-1", "awaiting_packaging", "2026-11-27T14:00:00Z")}, true},
                            now, 14 * 24h);
    std::sort(m.removed.begin(), m.removed.end());
    // 2-1 old and final; 4-1 inside the window but no longer returned; 3-1 old but still active
    EXPECT_EQ(m.removed, (std::vector<std::string>{"2-1", "4-1"}));
    EXPECT_EQ(m.current.count("3-1"), 1u);
    EXPECT_TRUE(m.changed.empty());
}

TEST(PostingState, JsonRoundTripKeepsEverythingEvaluateNeeds) {
    auto p = posting("1-1", "cancelled", "2026-11-27T14:00:00Z");
    p.delivering_date = at("2026-11-26T10:00:00Z");
    p.status_since = at("2026-11-26T11:00:00.250Z");
    p.cancellation = CancellationInfo{"Продавец", "seller", "Нет в наличии", 352, true, false};
    auto back = PostingState::from_json(p.to_json());
    EXPECT_EQ(back.fingerprint(), p.fingerprint());
    EXPECT_EQ(back.status_since, p.status_since);
    EXPECT_EQ(back.products, p.products);
    EXPECT_EQ(back.cancellation, p.cancellation);
}
