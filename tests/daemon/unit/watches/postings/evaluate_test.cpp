// The shipments watch's pure evaluation (deadlines, transitions, conditions) and the engine
// around it, driven by scripted poll answers: the real PostingsWatch with only fetch()
// replaced, a real WatchRunner and a real Store in a temporary folder.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <tuple>

#include "daemon/watches/postings/watch.hpp"
#include "tests/daemon/unit/daemon_test_util.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace ozw::daemon::postings;
using namespace std::chrono_literals;
using ozw::test::at;

namespace {

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

EvalContext moscow() { return EvalContext{"main", PostingsSettings{}, TimeZone("Europe/Moscow")}; }

std::vector<std::string> keys(const std::vector<Event>& events) {
    std::vector<std::string> k;
    for (const auto& e : events) k.push_back(e.key);
    std::sort(k.begin(), k.end());
    return k;
}

// The real watch; only the I/O is scripted.
class ScriptedWatch : public PostingsWatch {
public:
    explicit ScriptedWatch(PostingsSettings s = {}, const std::string& tz = "Europe/Moscow")
        : PostingsWatch("main", nullptr, std::move(s), tz) {}
    std::vector<PostingState> answer;
    std::vector<std::string> gone;
    bool full = false;

protected:
    awaitable<Fetched<PostingState>> fetch(TimePoint, bool baseline) override {
        Fetched<PostingState> f;
        f.items = answer;
        f.gone = std::exchange(gone, {});
        f.full_window = full || baseline;
        co_return f;
    }
};

struct Harness {
    ozw::test::DaemonEnv env;
    std::shared_ptr<ScriptedWatch> watch;
    std::unique_ptr<WatchRunner> runner;
    explicit Harness(PostingsSettings s = {}, TimePoint start = at("2026-11-26T06:00:00Z"))
        : env(start), watch(std::make_shared<ScriptedWatch>(std::move(s))),
          runner(std::make_unique<WatchRunner>(watch, *env.store, null_router(), env.clock)) {}
    CycleResult poll(std::vector<PostingState> answer, TimePoint when, bool full = false) {
        env.clock.set(when);
        watch->answer = std::move(answer);
        watch->full = full;
        return env.run([&] { return runner->run_once(); });
    }
};

using ozw::test::recorded;

}  // namespace

// ------------------------------------------------------------------------------ deadlines

TEST(Deadlines, D1IsTheEarlierOfShipmentDateAndTheHandoverTimeOnItsLocalDay) {
    TimeZone tz("Europe/Moscow");
    // shipment 23:59 local on the 26th: the 17:00 hand-over (14:00Z) comes first
    auto late = posting("1", "awaiting_packaging", "2026-11-26T20:59:00Z");
    EXPECT_EQ(deadlines(late, tz, {17, 0})->d1, at("2026-11-26T14:00:00Z"));
    // shipment 13:00 local: earlier than 17:00, so the shipment date itself
    auto early = posting("1", "awaiting_packaging", "2026-11-26T10:00:00Z");
    EXPECT_EQ(deadlines(early, tz, {17, 0})->d1, at("2026-11-26T10:00:00Z"));
    // the shop's own hand-over time counts: 15:00 local = 12:00Z
    EXPECT_EQ(deadlines(late, tz, {15, 0})->d1, at("2026-11-26T12:00:00Z"));
    // no shipment date: no deadline
    auto none = late;
    none.shipment_date.reset();
    EXPECT_FALSE(deadlines(none, tz, {17, 0}).has_value());
}

TEST(Deadlines, MidnightBoundaryBelongsToTheNextLocalDay) {
    TimeZone tz("Europe/Moscow");
    // 21:00Z on the 26th is 00:00 on the 27th in Moscow: the 27th's 17:00 is later
    EXPECT_EQ(deadlines(posting("1", "awaiting_packaging", "2026-11-26T21:00:00Z"), tz, {17, 0})->d1,
              at("2026-11-26T21:00:00Z"));
    // one second before midnight local: still the 26th
    EXPECT_EQ(deadlines(posting("1", "awaiting_packaging", "2026-11-26T20:59:59Z"), tz, {17, 0})->d1,
              at("2026-11-26T14:00:00Z"));
}

TEST(Deadlines, BerlinAcrossDaylightSavingChanges) {
    TimeZone tz("Europe/Berlin");
    auto d1 = [&](const char* sd) { return deadlines(posting("1", "awaiting_packaging", sd), tz, {17, 0})->d1; };
    EXPECT_EQ(d1("2026-03-28T21:00:00Z"), at("2026-03-28T16:00:00Z"));  // CET: 17:00 = 16:00Z
    EXPECT_EQ(d1("2026-03-29T20:00:00Z"), at("2026-03-29T15:00:00Z"));  // CEST from 29.03
    EXPECT_EQ(d1("2026-10-25T20:00:00Z"), at("2026-10-25T16:00:00Z"));  // CET again 25.10
    EXPECT_EQ(d1("2026-10-24T20:00:00Z"), at("2026-10-24T15:00:00Z"));  // still CEST
}

TEST(Deadlines, D2ComesFromShipmentDateWithoutDelayOnItsOwnLocalDay) {
    TimeZone tz("Europe/Moscow");
    auto p = posting("1", "awaiting_packaging", "2026-11-26T10:00:00Z");  // 13:00 MSK
    // no later date from Ozon: D2 = D1
    EXPECT_EQ(deadlines(p, tz, {17, 0})->d2, at("2026-11-26T10:00:00Z"));
    // without delay 27.11 20:00 MSK: the 27th's 17:00 hand-over comes first
    p.shipment_date_without_delay = at("2026-11-27T17:00:00Z");
    EXPECT_EQ(deadlines(p, tz, {17, 0})->d2, at("2026-11-27T14:00:00Z"));
    // without delay 27.11 11:00 MSK: earlier than 17:00, so itself
    p.shipment_date_without_delay = at("2026-11-27T08:00:00Z");
    EXPECT_EQ(deadlines(p, tz, {17, 0})->d2, at("2026-11-27T08:00:00Z"));
    // a without-delay date before the shipment date never puts D2 before D1
    p.shipment_date_without_delay = at("2026-11-26T05:00:00Z");
    EXPECT_EQ(deadlines(p, tz, {17, 0})->d2, at("2026-11-26T10:00:00Z"));
}

// ------------------------------------------------------------------------------ conditions

TEST(PostingConditions, EscalatesSoonMissedOverdueAtTheBoundariesWithOneKey) {
    auto ctx = moscow();
    auto p = posting("1-1", "awaiting_packaging", "2026-11-26T20:59:00Z");  // D1 14:00Z
    p.shipment_date_without_delay = at("2026-11-27T20:00:00Z");             // D2 27.11 14:00Z
    p.tariff = TariffInfo{"surcharge", 5, 120.5, "surcharge", 10, at("2026-11-27T14:00:00Z")};
    auto before = posting_conditions(p, at("2026-11-26T11:59:59Z"), ctx);
    EXPECT_TRUE(before.holding.empty());
    EXPECT_EQ(before.next_change, at("2026-11-26T12:00:00Z"));

    auto soon = posting_conditions(p, at("2026-11-26T12:00:00Z"), ctx);
    ASSERT_EQ(keys(soon.holding), std::vector<std::string>{"posting.cutoff:1-1"});
    EXPECT_EQ(soon.holding[0].type, "posting.cutoff_soon");
    EXPECT_EQ(soon.holding[0].severity, Severity::warning);
    EXPECT_EQ(soon.holding[0].details["deadline"], "2026-11-26T14:00:00Z");
    EXPECT_EQ(soon.holding[0].details["overdue_at"], "2026-11-27T14:00:00Z");
    EXPECT_EQ(soon.holding[0].details["handover_deadline"], "17:00");
    EXPECT_EQ(soon.next_change, at("2026-11-26T14:00:00Z"));

    auto missed = posting_conditions(p, at("2026-11-26T14:00:00Z"), ctx);
    ASSERT_EQ(keys(missed.holding), std::vector<std::string>{"posting.cutoff:1-1"});
    EXPECT_EQ(missed.holding[0].type, "posting.cutoff_missed");
    EXPECT_EQ(missed.holding[0].severity, Severity::warning);
    EXPECT_EQ(missed.holding[0].details["tariff_type"], "surcharge");
    EXPECT_EQ(missed.holding[0].details["tariff_rate"], 5.0);
    EXPECT_EQ(missed.holding[0].details["tariff_charge"], 120.5);
    EXPECT_EQ(missed.holding[0].occurred_at, at("2026-11-26T14:00:00Z"));
    EXPECT_EQ(missed.next_change, at("2026-11-27T14:00:00Z"));
    EXPECT_EQ(posting_conditions(p, at("2026-11-27T13:59:59Z"), ctx).holding[0].type,
              "posting.cutoff_missed");

    auto overdue = posting_conditions(p, at("2026-11-27T14:00:00Z"), ctx);
    ASSERT_EQ(keys(overdue.holding), std::vector<std::string>{"posting.cutoff:1-1"});
    EXPECT_EQ(overdue.holding[0].type, "posting.overdue");
    EXPECT_EQ(overdue.holding[0].severity, Severity::critical);
    EXPECT_EQ(overdue.holding[0].occurred_at, at("2026-11-27T14:00:00Z"));
    EXPECT_FALSE(overdue.next_change.has_value());
}

TEST(PostingConditions, WithoutALaterDateFromOzonTheDeadlineIsOverdueAtOnce) {
    auto ctx = moscow();
    auto p = posting("1-1", "awaiting_deliver", "2026-11-26T20:59:00Z");
    auto c = posting_conditions(p, at("2026-11-26T14:00:00Z"), ctx);
    ASSERT_EQ(c.holding.size(), 1u);
    EXPECT_EQ(c.holding[0].type, "posting.overdue");
}

TEST(PostingConditions, CutoffAppliesToAwaitingDeliverButNotAfterTheHandover) {
    auto ctx = moscow();
    for (const char* handed_over : {"delivering", "acceptance_in_progress", "awaiting_registration",
                                    "driver_pickup", "delivered"})
        for (const auto& e : posting_conditions(posting("1", handed_over, "2026-11-26T10:00:00Z"),
                                                at("2026-11-26T15:00:00Z"), ctx)
                                 .holding)
            EXPECT_EQ(e.type, "posting.stuck") << handed_over;  // never a cut-off
    EXPECT_EQ(posting_conditions(posting("1", "awaiting_deliver", "2026-11-26T10:00:00Z"),
                                 at("2026-11-26T15:00:00Z"), ctx)
                  .holding.size(),
              1u);
}

TEST(PostingConditions, CutoffInBerlinSummerTime) {
    EvalContext ctx{"main", PostingsSettings{}, TimeZone("Europe/Berlin")};
    auto p = posting("1-1", "awaiting_packaging", "2026-03-29T20:00:00Z");  // D1 = 15:00Z (CEST)
    EXPECT_EQ(posting_conditions(p, at("2026-03-29T14:59:59Z"), ctx).holding[0].type, "posting.cutoff_soon");
    EXPECT_EQ(posting_conditions(p, at("2026-03-29T15:00:00Z"), ctx).holding[0].type, "posting.overdue");
}

TEST(PostingConditions, ArbitrationAndNotAcceptedAreCritical) {
    auto ctx = moscow();
    for (auto [status, key] : {std::pair{"arbitration", "posting.arbitration:1-1"},
                               std::pair{"client_arbitration", "posting.arbitration:1-1"},
                               std::pair{"not_accepted", "posting.not_accepted:1-1"}}) {
        auto c = posting_conditions(posting("1-1", status, "2026-11-25T14:00:00Z"),
                                    at("2026-11-26T07:00:00Z"), ctx);
        ASSERT_EQ(keys(c.holding), std::vector<std::string>{key}) << status;
        EXPECT_EQ(c.holding[0].severity, Severity::critical);
    }
    auto arb = posting_conditions(posting("1-1", "arbitration", "2026-11-25T14:00:00Z"),
                                  at("2026-11-26T07:00:00Z"), ctx);
    EXPECT_EQ(arb.holding[0].url,
              "https://seller.ozon.ru/app/postings/fbs?tab=arbitration&postingDetails=1-1");
}

TEST(PostingConditions, StuckUsesStatusSinceTheConfiguredLimitsAndADailyRecheck) {
    auto ctx = moscow();
    auto d = posting("1-1", "delivering", "2026-11-14T14:00:00Z");
    d.status_since = at("2026-11-15T10:00:00Z");
    auto c = posting_conditions(d, at("2026-11-25T10:00:00Z"), ctx);  // exactly 10 days
    EXPECT_TRUE(c.holding.empty());
    EXPECT_EQ(c.next_change, at("2026-11-25T10:00:00.001Z"));
    c = posting_conditions(d, at("2026-11-26T07:00:00Z"), ctx);  // 10 d 21 h
    ASSERT_EQ(keys(c.holding), std::vector<std::string>{"posting.stuck:1-1"});
    EXPECT_EQ(c.holding[0].details["days_in_status"], 10);
    EXPECT_EQ(c.holding[0].details["limit"], "10d");
    EXPECT_EQ(c.next_change, at("2026-11-26T10:00:00Z"));  // day 11 begins
    auto pickup = posting("2-1", "driver_pickup", "2026-11-24T14:00:00Z");
    pickup.status_since = at("2026-11-25T06:00:00Z");
    EXPECT_EQ(posting_conditions(pickup, at("2026-11-26T07:00:00Z"), ctx).holding.size(), 1u);
    ctx.settings.stuck_delivering = 20 * 24h;
    EXPECT_TRUE(posting_conditions(d, at("2026-11-26T07:00:00Z"), ctx).holding.empty());
}

// ------------------------------------------------------------------------------ transitions

TEST(PostingTransitions, NewStatusChangeAndCancellation) {
    auto ctx = moscow();
    const TimePoint now = at("2026-11-26T07:02:00Z");
    auto fresh = posting("2-1", "awaiting_packaging", "2026-11-27T14:00:00Z");
    auto t = posting_transitions(nullptr, fresh, now, ctx);
    ASSERT_EQ(keys(t), std::vector<std::string>{"posting.new:2-1"});
    EXPECT_EQ(t[0].severity, Severity::info);
    EXPECT_EQ(t[0].kind, EventKind::transition);
    EXPECT_EQ(t[0].details["products"][0]["name"], "Платье летнее");
    EXPECT_EQ(t[0].details["handover_deadline"], "17:00");

    auto packed = fresh;
    packed.status = "awaiting_deliver";
    t = posting_transitions(&fresh, packed, now, ctx);
    ASSERT_EQ(keys(t), std::vector<std::string>{"posting.status_changed:2-1:awaiting_deliver"});
    EXPECT_EQ(t[0].details["previous_status"], "awaiting_packaging");

    auto cancelled = fresh;
    cancelled.status = "cancelled";
    cancelled.cancellation = CancellationInfo{"Покупатель", "client", "Передумал покупать", 401, true, false};
    t = posting_transitions(&packed, cancelled, now, ctx);
    ASSERT_EQ(keys(t), std::vector<std::string>{"posting.cancelled:2-1"});
    EXPECT_EQ(t[0].severity, Severity::warning);
    EXPECT_EQ(t[0].details["cancellation_initiator"], "Покупатель");
    EXPECT_EQ(t[0].details["cancel_reason"], "Передумал покупать");
    EXPECT_EQ(t[0].details["affects_rating"], true);
    EXPECT_EQ(t[0].details["previous_status"], "awaiting_deliver");
    // first seen already cancelled: still news
    EXPECT_EQ(keys(posting_transitions(nullptr, cancelled, now, ctx)),
              std::vector<std::string>{"posting.cancelled:2-1"});
    // unchanged: nothing
    EXPECT_TRUE(posting_transitions(&packed, packed, now, ctx).empty());
}

TEST(PostingTransitions, AFirstSeenPostingInAnyStatusBeforeTheHandoverIsNew) {
    auto ctx = moscow();
    // After a gap a posting can be first seen already packed: it still has to be handed over.
    for (const char* s : {"awaiting_approve", "awaiting_packaging", "awaiting_verification", "awaiting_deliver"}) {
        auto t = posting_transitions(nullptr, posting("3-1", s, "2026-11-27T14:00:00Z"),
                                     at("2026-11-26T07:00:00Z"), ctx);
        ASSERT_EQ(keys(t), std::vector<std::string>{"posting.new:3-1"}) << s;
        EXPECT_EQ(t[0].details["status"], s);
    }
}

TEST(PostingTransitions, AFirstSeenPostingAfterTheHandoverIsNotNew) {
    auto ctx = moscow();
    for (const char* s : {"acceptance_in_progress", "awaiting_registration", "delivering"})
        EXPECT_TRUE(posting_transitions(nullptr, posting("1", s, "2026-11-25T14:00:00Z"),
                                        at("2026-11-26T07:00:00Z"), ctx)
                        .empty())
            << s;
}

TEST(StatusSince, FirstSeenTakesTheBestOzonDateButNotAfterTheHandover) {
    const TimePoint now = at("2026-11-26T07:00:00Z");
    auto p = posting("1", "awaiting_packaging", "2026-11-27T14:00:00Z", "2026-11-25T08:00:00Z");
    EXPECT_EQ(status_since_for(nullptr, p, now), at("2026-11-25T08:00:00Z"));
    p.status = "delivering";
    p.delivering_date = at("2026-11-24T10:00:00Z");
    EXPECT_EQ(status_since_for(nullptr, p, now), at("2026-11-24T10:00:00Z"));
    // Delivered, seen first at an incremental poll: it changed since the last one, so now.
    p.status = "delivered";
    EXPECT_EQ(status_since_for(nullptr, p, now), now);
    // Dated by the fetch (delivered before the first load): that date, unless in the future.
    p.found_since = at("2026-11-23T07:00:00Z");
    EXPECT_EQ(status_since_for(nullptr, p, now), at("2026-11-23T07:00:00Z"));
    p.found_since = at("2026-11-27T07:00:00Z");
    EXPECT_EQ(status_since_for(nullptr, p, now), now);
    p.found_since.reset();
    // acceptance/registration come after the hand-over: in_process_at says nothing of them
    for (const char* s : {"acceptance_in_progress", "awaiting_registration"}) {
        p.status = s;
        EXPECT_EQ(status_since_for(nullptr, p, now), now) << s;
    }
    auto prev = p;
    prev.status_since = at("2026-11-25T00:00:00Z");
    EXPECT_EQ(status_since_for(&prev, p, now), at("2026-11-25T00:00:00Z"));  // unchanged status
    p.status = "delivering";
    EXPECT_EQ(status_since_for(&prev, p, now), now);  // a change seen now
}

TEST(PostingState, JsonRoundTripKeepsEverythingTheEvaluationReads) {
    auto p = posting("1-1", "cancelled", "2026-11-27T14:00:00Z");
    p.delivering_date = at("2026-11-26T10:00:00Z");
    p.shipment_date_without_delay = at("2026-11-28T14:00:00Z");
    p.status_since = at("2026-11-26T11:00:00.250Z");
    p.cancellation = CancellationInfo{"Продавец", "seller", "Нет в наличии", 352, true, false};
    p.tariff = TariffInfo{"surcharge", 5, 99.5, "surcharge", 10, at("2026-11-28T14:00:00Z")};
    auto back = PostingState::from_json(p.to_json());
    EXPECT_EQ(back.fingerprint(), p.fingerprint());
    EXPECT_EQ(back.status_since, p.status_since);
    EXPECT_EQ(back.shipment_date_without_delay, p.shipment_date_without_delay);
    EXPECT_EQ(back.products, p.products);
    EXPECT_EQ(back.cancellation, p.cancellation);
    EXPECT_EQ(back.tariff, p.tariff);
    // tolerant: garbage gives an empty posting, not a throw
    EXPECT_TRUE(PostingState::from_json(nlohmann::json::parse(R"({"status":5,"products":"x"})")).status.empty());
}

// ------------------------------------------------------------------------- engine + store

TEST(PostingsWatchEngine, BaselineIsSilentForTransitionsButConditionsFire) {
    Harness h;
    auto r = h.poll({posting("1-1", "awaiting_packaging", "2026-11-27T14:00:00Z"),
                     posting("2-1", "arbitration", "2026-11-20T14:00:00Z"),
                     posting("3-1", "cancelled", "2026-11-20T14:00:00Z")},
                    at("2026-11-26T07:00:00Z"));
    EXPECT_TRUE(r.baseline);
    EXPECT_EQ(recorded(r), std::vector<std::string>{"posting.arbitration posting.arbitration:2-1"});
}

TEST(PostingsWatchEngine, PostHandoverStatusesAtABaselineAreNeitherNewNorStuck) {
    Harness h;
    // in_process_at three days back: were status_since taken from it, both would be "stuck"
    auto a = posting("1-1", "acceptance_in_progress", "2026-11-23T14:00:00Z", "2026-11-23T08:00:00Z");
    auto b = posting("2-1", "awaiting_registration", "2026-11-23T14:00:00Z", "2026-11-23T08:00:00Z");
    auto r = h.poll({a, b}, at("2026-11-26T07:00:00Z"));
    EXPECT_TRUE(r.recorded.empty());
    EXPECT_EQ(h.watch->items().at("1-1").status_since, at("2026-11-26T07:00:00Z"));
    r = h.poll({a, b}, at("2026-11-26T09:00:00Z"));
    EXPECT_TRUE(r.recorded.empty());  // not new after the baseline either: nothing changed
    // a day in that status later, it is stuck
    r = h.poll({}, at("2026-11-27T07:00:01Z"));
    EXPECT_EQ(recorded(r), (std::vector<std::string>{"posting.stuck posting.stuck:1-1",
                                                      "posting.stuck posting.stuck:2-1"}));
}

TEST(PostingsWatchEngine, TheEscalationOnAStreamAcrossMidnightFiresEachStepOnceThenResolves) {
    Harness h;
    auto p = posting("1-1", "awaiting_packaging", "2026-11-26T16:00:00Z");  // 19:00 MSK -> D1 14:00Z
    p.shipment_date_without_delay = at("2026-11-27T09:00:00Z");             // 12:00 MSK -> D2 09:00Z
    std::vector<std::string> log;
    auto step = [&](TimePoint t, std::vector<PostingState> answer) {
        for (auto& s : recorded(h.poll(std::move(answer), t))) log.push_back(s);
    };
    step(at("2026-11-26T07:00:00Z"), {p});  // baseline, nothing due
    // every 10 minutes through the evening, the night (midnight MSK = 21:00Z) and the morning
    for (TimePoint t = at("2026-11-26T07:10:00Z"); t <= at("2026-11-27T10:00:00Z"); t += 10min)
        step(t, {});
    auto handed = p;
    handed.status = "delivering";
    step(at("2026-11-27T10:10:00Z"), {handed});
    EXPECT_EQ(log, (std::vector<std::string>{
                       "posting.cutoff_soon posting.cutoff:1-1",      // 12:00Z
                       "posting.cutoff_missed posting.cutoff:1-1",    // 14:00Z
                       "posting.overdue posting.cutoff:1-1",          // 27.11 09:00Z
                       "posting.overdue/resolved posting.cutoff:1-1",
                       "posting.status_changed posting.status_changed:1-1:delivering"}));
}

TEST(PostingsWatchEngine, NoFlappingAcrossUnchangedPolls) {
    Harness h;
    std::vector<PostingState> same{posting("1-1", "awaiting_packaging", "2026-11-26T20:00:00Z"),
                                   posting("2-1", "arbitration", "2026-11-25T14:00:00Z")};
    auto first = h.poll(same, at("2026-11-26T12:30:00Z"));
    EXPECT_EQ(first.recorded.size(), 2u);  // cutoff_soon and arbitration
    for (int i = 1; i <= 30; ++i) {        // up to 13:30Z, before the 14:00Z deadline
        auto r = h.poll(same, at("2026-11-26T12:30:00Z") + i * 2min);
        EXPECT_TRUE(r.recorded.empty()) << i;
    }
}

TEST(PostingsWatchEngine, StatusSinceIsWhenTheWatchSawTheChangeAndUnchangedPollsKeepIt) {
    Harness h;
    const TimePoint t0 = at("2026-11-10T07:00:00Z");
    h.poll({posting("1-1", "awaiting_deliver", "2026-11-10T14:00:00Z", "2026-11-09T08:00:00Z")}, t0);
    auto d = posting("1-1", "delivering", "2026-11-10T14:00:00Z", "2026-11-09T08:00:00Z");
    h.poll({d}, t0 + 8h);
    EXPECT_EQ(h.watch->items().at("1-1").status_since, t0 + 8h);
    auto r = h.poll({d}, t0 + 9h);
    EXPECT_TRUE(r.recorded.empty());
    EXPECT_EQ(h.watch->items().at("1-1").status_since, t0 + 8h);
    EXPECT_TRUE(h.poll({}, t0 + 8h + 10 * 24h).recorded.empty());
    EXPECT_EQ(recorded(h.poll({}, t0 + 8h + 10 * 24h + 1s)),
              std::vector<std::string>{"posting.stuck posting.stuck:1-1"});
}

TEST(PostingsWatchEngine, FullWindowDropsVanishedAndOldFinalPostings) {
    Harness h;
    const TimePoint now = at("2026-11-26T07:00:00Z");
    h.poll({posting("1-1", "awaiting_packaging", "2026-11-27T14:00:00Z"),
            posting("2-1", "delivered", "2026-11-01T14:00:00Z", "2026-11-01T08:00:00Z"),
            posting("3-1", "delivering", "2026-11-01T14:00:00Z", "2026-11-01T08:00:00Z"),
            posting("4-1", "awaiting_deliver", "2026-11-27T14:00:00Z")},
           now);
    // the first poll reads the whole window: 2-1 is old and final, so it is not even kept
    EXPECT_EQ(h.watch->items().count("2-1"), 0u);
    EXPECT_EQ(h.watch->items().size(), 3u);
    h.poll({posting("1-1", "awaiting_packaging", "2026-11-27T14:00:00Z")}, now + 2min, true);
    // 4-1 inside the window but no longer returned; 3-1 old but still active
    std::vector<std::string> left;
    for (const auto& [k, _] : h.watch->items()) left.push_back(k);
    EXPECT_EQ(left, (std::vector<std::string>{"1-1", "3-1"}));
    EXPECT_EQ(h.env.store->load_snapshot("main", "postings").size(), 2u);
}

TEST(PostingsWatchEngine, APostingTheSourceNoLongerKnowsIsForgottenAndItsConditionsResolve) {
    Harness h;
    h.poll({posting("1-1", "arbitration", "2026-11-25T14:00:00Z"),
            posting("2-1", "awaiting_packaging", "2026-11-28T14:00:00Z")},
           at("2026-11-26T07:00:00Z"));
    h.watch->gone = {"1-1", "9-9"};  // 9-9 was never known: nothing to do
    auto r = h.poll({}, at("2026-11-26T07:02:00Z"));
    EXPECT_EQ(recorded(r), std::vector<std::string>{"posting.arbitration/resolved posting.arbitration:1-1"});
    EXPECT_EQ(h.watch->items().count("1-1"), 0u);
    EXPECT_EQ(h.watch->items().count("2-1"), 1u);
    EXPECT_EQ(h.env.store->load_snapshot("main", "postings").count("1-1"), 0u);
}

TEST(PostingsWatchEngine, AFailedApplyLeavesMemoryAsCommittedAndTheNextPollAnnouncesOnce) {
    Harness h;
    const TimePoint t0 = at("2026-11-26T07:00:00Z");
    h.poll({posting("1-1", "awaiting_packaging", "2026-11-27T14:00:00Z")}, t0);
    auto moved = posting("1-1", "awaiting_deliver", "2026-11-27T14:00:00Z");
    h.env.store->set_fail_after_for_tests(0);
    h.env.clock.set(t0 + 2min);
    h.watch->answer = {moved};
    EXPECT_THROW(h.env.run([&] { return h.runner->run_once(); }), StoreError);
    EXPECT_EQ(h.watch->items().at("1-1").status, "awaiting_packaging");  // rolled back
    h.env.store->set_fail_after_for_tests(-1);
    auto r = h.poll({moved}, t0 + 4min);
    EXPECT_EQ(recorded(r), std::vector<std::string>{
                               "posting.status_changed posting.status_changed:1-1:awaiting_deliver"});
}

TEST(PostingsWatchEngine, OnlyChangedAndDueItemsAreEvaluated) {
    Harness h;
    std::vector<PostingState> many;
    for (int i = 0; i < 200; ++i)
        many.push_back(posting("p-" + std::to_string(i), "delivered", "2026-11-20T14:00:00Z"));
    many.push_back(posting("soon", "awaiting_packaging", "2026-11-26T20:00:00Z"));  // D1 14:00Z
    h.poll(many, at("2026-11-26T07:00:00Z"));
    EXPECT_EQ(h.watch->last_evaluated(), 201u);  // first poll: everything
    auto changed = posting("p-7", "cancelled", "2026-11-20T14:00:00Z");
    h.poll({changed}, at("2026-11-26T08:00:00Z"));
    EXPECT_EQ(h.watch->last_evaluated(), 1u);    // the changed one only
    h.poll({}, at("2026-11-26T12:00:00Z"));      // "soon" is due at D1 - 2h
    EXPECT_EQ(h.watch->last_evaluated(), 1u);
    h.poll({}, at("2026-11-26T12:10:00Z"));
    EXPECT_EQ(h.watch->last_evaluated(), 0u);    // nothing changed, nothing due
}

// The incremental evaluation must announce exactly what a full evaluation announces: random
// streams of postings and times, the same answers given to both, the same events recorded.
TEST(PostingsWatchEngine, IncrementalEvaluationAnnouncesWhatAFullEvaluationAnnounces) {
    const std::vector<std::string> statuses{"awaiting_packaging", "awaiting_deliver", "delivering",
                                            "driver_pickup", "delivered", "cancelled", "arbitration",
                                            "not_accepted", "acceptance_in_progress"};
    for (unsigned seed = 1; seed <= 6; ++seed) {
        std::mt19937 rng(seed);
        PostingsSettings s;
        s.stuck_driver_pickup = 6h;
        s.stuck_acceptance = 4h;
        Harness incremental(s), full(s);
        full.watch->set_full_evaluation(true);
        TimePoint now = at("2026-11-26T06:00:00Z");
        std::map<std::string, PostingState> world;
        auto random_posting = [&](const std::string& n) {
            auto p = posting(n, statuses[rng() % statuses.size()], "2026-11-26T10:00:00Z");
            p.shipment_date = now + std::chrono::minutes(static_cast<int>(rng() % 2880) - 360);
            if (rng() % 2) p.shipment_date_without_delay = *p.shipment_date + std::chrono::hours(rng() % 48);
            p.in_process_at = now - std::chrono::hours(rng() % 72);
            return p;
        };
        for (int i = 0; i < 25; ++i) world["n" + std::to_string(i)] = random_posting("n" + std::to_string(i));
        for (int step = 0; step < 45; ++step) {
            std::vector<PostingState> answer;
            const bool whole = step == 0 || rng() % 8 == 0;
            const int changes = static_cast<int>(rng() % 4);
            for (int c = 0; c < changes; ++c) {
                std::string n = "n" + std::to_string(rng() % 30);  // sometimes a new one
                PostingState p = world.count(n) ? world[n] : random_posting(n);
                if (rng() % 3) p.status = statuses[rng() % statuses.size()];
                else p.shipment_date = *p.shipment_date + std::chrono::minutes(rng() % 600);
                world[n] = p;
                if (!whole) answer.push_back(p);
            }
            if (whole) {
                if (step > 0 && rng() % 2) world.erase(world.begin());  // vanished at Ozon
                for (const auto& [_, p] : world) answer.push_back(p);
            }
            auto a = recorded(incremental.poll(answer, now, whole));
            auto b = recorded(full.poll(answer, now, whole));
            ASSERT_EQ(a, b) << "seed " << seed << " step " << step;
            ASSERT_EQ(incremental.env.active_keys(), full.env.active_keys())
                << "seed " << seed << " step " << step;
            now += std::chrono::minutes(5 + rng() % 240);
        }
    }
}
