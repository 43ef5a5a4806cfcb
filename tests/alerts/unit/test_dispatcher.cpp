#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <fstream>
#include <limits>
#include <set>
#include <tuple>

#include "alerts/console.hpp"
#include "alerts/dispatcher.hpp"
#include "alerts/event_log.hpp"
#include "alerts/templates.hpp"
#include "alerts_test_util.hpp"
#include "tests/common/unit/full_disk_vfs.hpp"

using namespace ozw;
using namespace ozw::alerts;
using namespace ozw::alerts::testing;
using ozw::testing::FullDiskVfs;
using namespace std::chrono_literals;

namespace {

// A store + clock + dispatcher with fake notifiers for "telegram:-100" and "email".
struct Rig {
    TempDir dir;
    Config cfg = base_config();
    ManualClock clock{at("2026-11-26T09:00:00Z")};  // 12:00 MSK
    std::unique_ptr<Store> store;
    FakeNotifier* tg = nullptr;
    FakeNotifier* mail = nullptr;
    std::unique_ptr<Dispatcher> disp;
    Router router;

    explicit Rig(std::size_t tg_max = 4096, const std::string& vfs = {}) {
        cfg.notify.max_age = std::chrono::hours(1);
        store = std::make_unique<Store>(dir.file("s.db"), vfs);
        start(tg_max);
    }
    void start(std::size_t tg_max = 4096) {
        std::vector<NotifierPtr> ns;
        auto a = std::make_unique<FakeNotifier>("telegram:-100", tg_max);
        auto b = std::make_unique<FakeNotifier>("email");
        tg = a.get();
        mail = b.get();
        ns.push_back(std::move(a));
        ns.push_back(std::move(b));
        disp = std::make_unique<Dispatcher>(cfg, *store, clock, std::move(ns));
        router = make_router(cfg, *store, clock);
    }
    void record(std::vector<Event> transitions) {
        ApplyBatch b;
        b.transitions = std::move(transitions);
        b.now = clock.now();
        store->apply(b, router);
    }
    // Jumps the clock from one due instant to the next until Telegram accepts a message (or
    // `limit`); a bounded number of passes, so a schedule stuck in the past fails, not hangs.
    void run_until_telegram_sends(TimePoint limit) {
        for (int pass = 0; pass < 5000 && tg->sent.empty() && clock.now() < limit; ++pass) {
            const TimePoint due = disp->next_due();
            ASSERT_NE(due, TimePoint::max());
            clock.set(std::max(due, clock.now()));
            tick();
        }
    }
    void hold(std::vector<Event> holding) {
        ApplyBatch b;
        b.conditions.push_back({"main", "postings", std::move(holding)});
        b.now = clock.now();
        store->apply(b, router);
    }
    void tick() { disp->tick_sync(); }
    std::size_t pending(const std::string& ch) { return store->pending_outbox(ch).size(); }
};

}  // namespace

TEST(Dispatch, GroupWaitTurnsABurstIntoOneMessage) {
    Rig r;
    r.record({transition("1"), transition("2")});
    r.clock.advance(10s);
    r.record({transition("3")});
    r.clock.advance(19s);  // 29 s after the first
    r.tick();
    EXPECT_TRUE(r.tg->attempts.empty());
    r.clock.advance(1s);
    r.tick();
    ASSERT_EQ(r.tg->sent.size(), 1u);
    EXPECT_EQ(r.tg->sent[0].events.size(), 3u);
    EXPECT_EQ(r.pending("telegram:-100"), 0u);
    EXPECT_EQ(r.store->outbox_rows(OutboxStatus::sent).size(), 3u);
    EXPECT_TRUE(r.mail->attempts.empty());  // email takes critical only
}

TEST(Dispatch, GroupIntervalBatchesLaterChangesButNotCritical) {
    Rig r;
    r.record({transition("1")});
    r.clock.advance(30s);
    r.tick();
    ASSERT_EQ(r.tg->sent.size(), 1u);
    r.clock.advance(30s);
    r.record({transition("2")});
    r.clock.advance(40s);
    r.record({transition("3")});
    r.clock.advance(40s);  // group_wait passed, group_interval (5 min since the send) not
    r.tick();
    EXPECT_EQ(r.tg->sent.size(), 1u);
    r.clock.set(at("2026-11-26T09:05:30Z"));
    r.tick();
    ASSERT_EQ(r.tg->sent.size(), 2u);
    EXPECT_EQ(r.tg->sent[1].events.size(), 2u);

    r.clock.advance(10s);
    r.record({transition("4", Severity::critical, kProblem)});
    r.clock.advance(30s);
    r.tick();
    ASSERT_EQ(r.tg->sent.size(), 3u);  // critical only waits group_wait
    ASSERT_EQ(r.mail->sent.size(), 1u);
}

TEST(Dispatch, ConditionsRepeatByIntervalAndResolve) {
    Rig r;
    r.hold({condition("A", Severity::critical, kProblem),
            condition("W", Severity::warning, kSlow),
            condition("I", Severity::info, kUnread)});
    r.clock.advance(30s);
    r.tick();
    ASSERT_EQ(r.tg->sent.size(), 1u);
    EXPECT_EQ(r.tg->sent[0].events.size(), 3u);

    r.clock.advance(4h);
    EXPECT_EQ(r.disp->enqueue_repeats(r.clock.now()), 1);  // only the critical one
    EXPECT_EQ(r.disp->enqueue_repeats(r.clock.now()), 0);  // announced: not again at once
    r.clock.advance(30s);
    r.tick();
    ASSERT_EQ(r.tg->sent.size(), 2u);
    ASSERT_EQ(r.tg->sent[1].events.size(), 1u);
    EXPECT_EQ(r.tg->sent[1].events[0].type, kProblem);
    EXPECT_EQ(r.tg->sent[1].reasons[0], "repeat");
    EXPECT_NE(r.tg->sent[1].text.find("Всё ещё актуально"), std::string::npos);

    r.clock.set(at("2026-11-27T09:01:00Z"));  // 24 h: warning repeats, critical again, info never
    EXPECT_EQ(r.disp->enqueue_repeats(r.clock.now()), 2);

    // The arbitration clears: a resolved message.
    r.hold({condition("W", Severity::warning, kSlow), condition("I", Severity::info, kUnread)});
    r.clock.advance(6min);
    r.tick();
    const auto& last = r.tg->sent.back();
    bool resolved = false;
    for (const auto& e : last.events)
        if (e.type == kProblem && e.state == EventState::resolved) resolved = true;
    EXPECT_TRUE(resolved);
    EXPECT_NE(last.text.find("Решено"), std::string::npos);
}

// Issue 11: the photos of a return request go with its first announcement only; the repeat a
// day later and the all-clear carry none.
TEST(Dispatch, PhotoAlbumOnTheFirstAnnouncementOnly) {
    Rig r;
    Event req = condition("4123-1", Severity::warning, kReturnPhotos);
    req.details["comment"] = "Маломерит";
    req.details["photos"] = {"https://cdn.ozon.ru/rp/1.jpg", "https://cdn.ozon.ru/rp/2.jpg"};
    r.hold({req});
    r.clock.advance(30s);
    r.tick();
    ASSERT_EQ(r.tg->sent.size(), 1u);
    ASSERT_EQ(r.tg->sent[0].albums.size(), 1u);
    EXPECT_EQ(r.tg->sent[0].albums[0].urls.size(), 2u);
    EXPECT_FALSE(r.tg->sent[0].albums[0].event_id.empty());  // the store's id: a retry sends it once
    EXPECT_EQ(r.tg->sent[0].albums[0].event_id, r.tg->sent[0].events[0].id);

    r.clock.advance(24h + 1min);  // a warning repeats after 24 h
    EXPECT_EQ(r.disp->enqueue_repeats(r.clock.now()), 1);
    r.clock.advance(30s);
    r.tick();
    ASSERT_EQ(r.tg->sent.size(), 2u);
    EXPECT_EQ(r.tg->sent[1].reasons[0], "repeat");
    EXPECT_TRUE(r.tg->sent[1].albums.empty());

    r.hold({});
    r.clock.advance(6min);
    r.tick();
    ASSERT_EQ(r.tg->sent.size(), 3u);
    EXPECT_EQ(r.tg->sent[2].events[0].state, EventState::resolved);
    EXPECT_TRUE(r.tg->sent[2].albums.empty());
}

TEST(Dispatch, NoResolvedMessageForConfiguredTypes) {
    Rig r;
    r.cfg.notify.no_resolved_types = {kUnread};
    r.start();
    r.hold({condition("I", Severity::info, kUnread)});
    r.clock.advance(30s);
    r.tick();
    ASSERT_EQ(r.tg->sent.size(), 1u);
    r.hold({});
    r.clock.advance(10min);
    r.tick();
    EXPECT_EQ(r.tg->sent.size(), 1u);
    EXPECT_EQ(r.pending("telegram:-100"), 0u);
}

TEST(Dispatch, RetryAfterIsHonouredThenSent) {
    Rig r;
    r.tg->script = {SendResult::after(60s, "telegram: 429 Too Many Requests: retry after 60")};
    r.record({transition("1")});
    r.clock.advance(30s);
    r.tick();
    ASSERT_EQ(r.tg->attempts.size(), 1u);
    auto rows = r.store->pending_outbox("telegram:-100");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].attempts, 1);
    EXPECT_EQ(rows[0].next_attempt_at, r.clock.now() + 60s);
    r.clock.advance(59s);
    r.tick();
    EXPECT_EQ(r.tg->attempts.size(), 1u);
    r.clock.advance(1s);
    r.tick();
    EXPECT_EQ(r.tg->sent.size(), 1u);
    EXPECT_EQ(r.pending("telegram:-100"), 0u);
}

TEST(Dispatch, BackoffThenFailedAfterMaxAgeIsReportedElsewhere) {
    Rig r;
    r.cfg.notify.max_age = 2min;
    const TimePoint start = r.clock.now();
    r.tg->outage = [] { return std::optional<SendResult>(SendResult::backoff("timeout")); };
    r.record({transition("1", Severity::critical, kProblem)});
    r.clock.advance(30s);
    r.tick();  // attempt 1
    EXPECT_EQ(retry_backoff(0), 5s);
    EXPECT_EQ(r.disp->next_due(), r.clock.now() + 5s);
    // Retried with a growing backoff (5, 10, 20, 40 s ...) until the row is 2 min old.
    while (r.store->outbox_rows(OutboxStatus::failed).empty() && r.clock.now() < start + 10min) {
        r.clock.set(std::max(r.disp->next_due(), r.clock.now()));
        r.tick();
    }
    auto failed = r.store->outbox_rows(OutboxStatus::failed);
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_GE(r.clock.now(), start + 2min);  // not before max_age
    // ... but at the first try past it (tries at 30, 35, 45, 65, 105 s, then 105 + 80 s).
    EXPECT_EQ(r.clock.now(), start + 105s + retry_backoff(4));
    EXPECT_GE(r.tg->attempts.size(), 4u);
    EXPECT_NE(failed[0].last_error.find("undelivered for"), std::string::npos) << failed[0].last_error;
    // The email got the arbitration itself and, after group_wait, the failure notice.
    r.clock.advance(30s);
    r.tick();
    bool notice = false;
    for (const auto& m : r.mail->sent)
        for (const auto& e : m.events)
            if (e.type == "notify.delivery_failed") {
                notice = true;
                EXPECT_EQ(e.details["channel"], "telegram:-100");
                EXPECT_NE(m.text.find("Не удалось доставить"), std::string::npos);
            }
    EXPECT_TRUE(notice);
}

TEST(Dispatch, ATwoHourOutageLosesNothingAndEndsWithinFiveMinutesOfRecovery) {
    Rig r;
    r.cfg.notify.max_age = 24h;
    const TimePoint back = r.clock.now() + 2h;
    r.tg->outage = [&]() -> std::optional<SendResult> {
        if (r.clock.now() < back) return SendResult::backoff("telegram: connection refused");
        return std::nullopt;
    };
    r.record({transition("1", Severity::critical, kProblem), transition("2")});
    r.tick();
    r.run_until_telegram_sends(back + 1h);
    ASSERT_EQ(r.tg->sent.size(), 1u);
    EXPECT_EQ(r.tg->sent[0].events.size(), 2u);  // both, in one message
    EXPECT_LE(r.clock.now(), back + 5min);
    EXPECT_TRUE(r.store->outbox_rows(OutboxStatus::failed).empty());
    EXPECT_EQ(r.pending("telegram:-100"), 0u);
    EXPECT_GT(r.tg->attempts.size(), 20u);  // it kept trying all along (every 5 min at most)
}

TEST(Dispatch, AProbedChannelGetsItsQueueWithinHalfAMinuteOfAnsweringAgain) {
    Rig r;
    r.cfg.notify.max_age = 24h;
    r.tg->probes = true;
    const TimePoint back = r.clock.now() + 2h + 7s;
    r.tg->outage = [&]() -> std::optional<SendResult> {
        if (r.clock.now() < back) return SendResult::backoff("telegram: connection refused");
        return std::nullopt;
    };
    r.record({transition("1", Severity::critical, kProblem), transition("2")});
    r.tick();
    r.clock.advance(r.cfg.notify.group_wait);
    r.tick();
    ASSERT_EQ(r.tg->attempts.size(), 1u);  // the first try failed
    r.tick();
    r.run_until_telegram_sends(back + 1h);
    ASSERT_EQ(r.tg->sent.size(), 1u);
    EXPECT_EQ(r.tg->sent[0].events.size(), 2u);  // both, in one message
    EXPECT_GE(r.clock.now(), back);
    EXPECT_LE(r.clock.now(), back + kProbeEvery);  // not up to 5 min of backoff
    // Between the backoff's tries the channel was only probed: about one message try per
    // 5 min, one probe per 30 s.
    EXPECT_GT(r.tg->probe_count, 150);
    EXPECT_LT(r.tg->attempts.size(), 40u);
    EXPECT_EQ(r.pending("telegram:-100"), 0u);
}

TEST(Dispatch, AChannelThatSaidWhenToComeBackIsNotProbedBeforeThen) {
    Rig r;
    r.tg->probes = true;
    r.tg->script = {SendResult::after(10min, "429 Too Many Requests: retry after 600")};
    r.record({transition("1")});
    r.clock.advance(r.cfg.notify.group_wait);
    r.tick();
    ASSERT_EQ(r.tg->attempts.size(), 1u);
    EXPECT_EQ(r.disp->next_due(), r.clock.now() + 10min);
    r.clock.advance(10min);
    r.tick();
    EXPECT_EQ(r.tg->probe_count, 0);
    EXPECT_EQ(r.tg->sent.size(), 1u);
}

TEST(Dispatch, AFailureToRecordASendBacksOffAndNeverSendsItAgain) {
    FullDiskVfs& disk = FullDiskVfs::instance();
    Rig r(4096, FullDiskVfs::kName);
    r.record({transition("1", Severity::critical, kProblem)});  // critical: telegram and email
    r.clock.advance(30s);
    // The disk fills right after the sends: SQLite cannot append the "sent" to its WAL.
    r.tg->on_send = [&] { disk.set_full(true); };
    const long long refused_before = disk.refused();
    r.tick();
    r.tg->on_send = nullptr;
    ASSERT_GT(disk.refused(), refused_before);  // SQLite really met the full disk
    ASSERT_EQ(r.tg->attempts.size(), 1u);
    ASSERT_EQ(r.mail->attempts.size(), 1u);
    for (int i = 0; i < 15; ++i) {  // 30 s of passes, every 2 s
        r.clock.advance(2s);
        r.tick();
    }
    EXPECT_EQ(r.tg->attempts.size(), 1u);  // not sent again
    EXPECT_EQ(r.mail->attempts.size(), 1u);
    // It backs off: the next look at the channel is further away each time it fails.
    const TimePoint first = r.disp->next_due();
    r.clock.set(std::max(first, r.clock.now()));
    r.tick();
    EXPECT_GT(r.disp->next_due() - r.clock.now(), 5s);

    disk.set_full(false);  // space again
    r.clock.advance(10min);
    r.tick();
    EXPECT_EQ(r.tg->attempts.size(), 1u);
    EXPECT_EQ(r.mail->attempts.size(), 1u);
    EXPECT_EQ(r.pending("telegram:-100"), 0u);  // recorded as sent at last
    EXPECT_EQ(r.pending("email"), 0u);
    EXPECT_EQ(r.store->outbox_rows(OutboxStatus::sent).size(), 2u);

    r.record({transition("2")});  // and the channel works as before
    r.clock.advance(r.cfg.notify.group_interval);
    r.tick();
    EXPECT_EQ(r.tg->sent.size(), 2u);
}

TEST(Dispatch, AServerSuppliedWaitIsClampedToAnHour) {
    Rig r;
    r.cfg.notify.max_age = 24h;
    r.tg->script = {SendResult::after(Millis{std::numeric_limits<long long>::max()}, "429 forever"),
                    SendResult::after(Millis{1'000'000'000'000'000'000LL}, "429 1e15 s"),
                    SendResult::after(Millis{-5000}, "429 in the past")};
    r.record({transition("1")});
    r.clock.advance(30s);
    r.tick();
    EXPECT_EQ(r.disp->next_due(), r.clock.now() + 1h);
    r.clock.advance(1h);
    r.tick();
    EXPECT_EQ(r.disp->next_due(), r.clock.now() + 1h);
    auto rows = r.store->pending_outbox("telegram:-100");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].next_attempt_at, r.clock.now() + 1h);  // stored, and sane after a restart
    r.clock.advance(1h);
    r.tick();  // a negative wait: tried again at once, not scheduled in the past for ever
    EXPECT_LE(r.disp->next_due(), r.clock.now() + Dispatcher::kWakeSlice);
    r.clock.advance(Dispatcher::kWakeSlice);
    r.tick();
    EXPECT_EQ(r.tg->sent.size(), 1u);
}

TEST(Dispatch, PermanentErrorFailsAtOnce) {
    Rig r;
    r.tg->script = {SendResult::fatal("telegram: 400 Bad Request: chat not found")};
    r.record({transition("1")});
    r.clock.advance(30s);
    r.tick();
    EXPECT_EQ(r.store->outbox_rows(OutboxStatus::failed).size(), 1u);
    EXPECT_EQ(r.disp->stats().rows_failed, 1);
    // A notice row for email (not for the broken channel itself).
    auto p = r.store->pending_outbox("email");
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].reason, "notice");
    EXPECT_EQ(r.pending("telegram:-100"), 0u);
}

namespace {

// Records what a type's facts renderer writes, in one language.
class RecordingSink final : public FactSink {
public:
    explicit RecordingSink(bool ru) : ru_(ru) {}
    bool russian() const override { return ru_; }
    void fact(std::string_view lr, std::string_view le, std::string_view v) override { add(lr, le, v); }
    void time_fact(std::string_view lr, std::string_view le, std::string_view iso) override { add(lr, le, iso); }
    void line(std::string_view text) override { add("", "", text); }
    void links(std::string_view lr, std::string_view le, const std::vector<std::string>& urls) override {
        add(lr, le, std::to_string(urls.size()) + " links");
    }
    std::string local_time(std::string_view iso) const override { return std::string(iso); }
    std::vector<std::tuple<std::string, std::string, std::string>> facts;

private:
    void add(std::string_view lr, std::string_view le, std::string_view v) {
        facts.emplace_back(std::string(lr), std::string(le), std::string(v));
    }
    bool ru_;
};

}  // namespace

// The notice is built by the dispatcher and rendered by alerts' own type: every detail key the
// dispatcher sets must be read by the type's facts (or be declared hidden). If the dispatcher
// gains a key the renderer ignores, this fails.
TEST(Dispatch, DeliveryFailedNoticeShowsEveryDetailTheDispatcherSets) {
    Rig r;
    r.tg->script = {SendResult::fatal("telegram: 400 Bad Request: chat not found")};
    r.record({transition("1"), transition("2")});
    r.clock.advance(30s);
    r.tick();
    auto rows = r.store->pending_outbox("email");
    ASSERT_EQ(rows.size(), 1u);
    const Event notice = rows[0].event;
    ASSERT_EQ(notice.type, "notify.delivery_failed");
    ASSERT_TRUE(notice.details.is_object());
    ASSERT_FALSE(notice.details.empty());

    const EventType* type = event_types().find(notice.type);
    ASSERT_NE(type, nullptr) << "the Dispatcher must install alerts' own types";
    ASSERT_TRUE(type->facts);
    for (bool ru : {true, false}) {
        DetailsView view(notice.details);
        RecordingSink sink(ru);
        type->facts(view, sink);
        std::set<std::string> hidden(type->hidden_keys.begin(), type->hidden_keys.end());
        for (const auto& [key, value] : notice.details.items())
            EXPECT_TRUE(view.used().count(key) || hidden.count(key))
                << "detail '" << key << "' of notify.delivery_failed is never shown";
        for (const auto& [lr, le, v] : sink.facts) {
            EXPECT_FALSE(lr.empty()) << "no Russian label for " << v;
            EXPECT_FALSE(le.empty()) << "no English label for " << v;
            EXPECT_FALSE(v.empty());
        }
        EXPECT_EQ(sink.facts.size(), notice.details.size() - hidden.size());
    }

    // And what the other channel receives.
    r.clock.advance(30s);
    r.tick();
    ASSERT_EQ(r.mail->sent.size(), 1u);
    const std::string& text = r.mail->sent[0].text;
    EXPECT_EQ(text,
              "🟠 Не удалось доставить уведомления telegram:-100\n"
              "Канал: telegram:-100\n"
              "Ошибка: telegram: 400 Bad Request: chat not found\n"
              "Не доставлено событий: 2\n"
              "События: test.posting_new:1, test.posting_new:2\n"
              "Что делать: Проверьте настройки канала telegram:-100 (токен бота, чат, SMTP) и выполните "
              "«ozonwatch notify test». Недоставленные события смотрите в «ozonwatch events».\n"
              "https://seller.ozon.ru/app/dashboard/main");
}

TEST(Dispatch, QuietHoursHoldNightEventsForOneMorningMessage) {
    Rig r;
    r.cfg.notify.telegram->chats[0].route.quiet_hours = QuietHours{{22, 0}, {8, 0}};
    r.start();
    r.clock.set(at("2026-11-26T20:00:00Z"));  // 23:00 MSK
    r.record({transition("1")});
    r.clock.set(at("2026-11-27T01:00:00Z"));  // 04:00 MSK
    r.record({transition("2", Severity::warning, kSlow)});
    r.tick();
    EXPECT_TRUE(r.tg->attempts.empty());
    r.record({transition("3", Severity::critical, kProblem)});
    r.clock.advance(30s);
    r.tick();
    ASSERT_EQ(r.tg->sent.size(), 1u);  // critical goes through the night
    EXPECT_EQ(r.tg->sent[0].events.size(), 1u);
    r.clock.set(at("2026-11-27T04:59:59Z"));
    r.tick();
    EXPECT_EQ(r.tg->sent.size(), 1u);
    r.clock.set(at("2026-11-27T05:00:00Z"));  // 08:00 MSK
    r.tick();
    ASSERT_EQ(r.tg->sent.size(), 2u);
    EXPECT_EQ(r.tg->sent[1].events.size(), 2u);
}

TEST(Dispatch, SilenceExpiresByItself) {
    Rig r;
    r.store->add_silence("test.posting_*", r.clock.now() + 1h, "inventory", r.clock.now());
    r.record({transition("1")});
    r.clock.advance(1h);
    r.record({transition("2")});
    r.clock.advance(1min);
    r.tick();
    ASSERT_EQ(r.tg->sent.size(), 1u);
    ASSERT_EQ(r.tg->sent[0].events.size(), 1u);
    EXPECT_EQ(r.tg->sent[0].events[0].key, "test.posting_new:2");
}

TEST(Dispatch, SilencedConditionIsRepeatedAfterTheSilenceEnds) {
    Rig r;
    r.hold({condition("A", Severity::critical, kProblem)});
    r.clock.advance(30s);
    r.tick();
    r.store->add_silence(kProblem, r.clock.now() + 5h, "", r.clock.now());
    r.clock.advance(4h);
    EXPECT_EQ(r.disp->enqueue_repeats(r.clock.now()), 0);
    r.clock.advance(1h);
    EXPECT_EQ(r.disp->enqueue_repeats(r.clock.now()), 1);
}

TEST(Dispatch, BigBurstIsPackedIntoMessagesThatFitTelegram) {
    Rig r;
    std::vector<Event> burst;
    for (int i = 0; i < 300; ++i) burst.push_back(transition("0570-" + std::to_string(i)));
    r.record(burst);
    r.clock.advance(30s);
    r.tick();
    ASSERT_GT(r.tg->sent.size(), 1u);
    std::size_t events = 0;
    for (const auto& m : r.tg->sent) {
        EXPECT_LE(utf8_length(m.html), 4096u);
        events += m.events.size();
    }
    EXPECT_EQ(events, 300u);
    EXPECT_EQ(r.pending("telegram:-100"), 0u);
}

TEST(Dispatch, RestartResumesPendingRows) {
    Rig r;
    r.record({transition("1")});
    r.disp.reset();
    r.store = std::make_unique<Store>(r.dir.file("s.db"));  // "restart"
    r.start();
    r.clock.advance(30s);
    r.tick();
    ASSERT_EQ(r.tg->sent.size(), 1u);
}

TEST(EventLog, OneJsonLinePerStateChangeAndReopen) {
    TempDir dir;
    std::string path = dir.file("events.jsonl");
    EventLogNotifier n(path);
    Event e = condition("A", Severity::critical, kProblem);
    e.id = "e1";
    RenderedMessage m;
    m.events = {e, e};
    m.reasons = {"new", "repeat"};
    ASSERT_TRUE(n.write(m).ok());
    std::filesystem::rename(path, path + ".1");  // logrotate
    n.reopen();
    m.reasons = {"new", "new"};
    ASSERT_TRUE(n.write(m).ok());
    std::ifstream a(path + ".1"), b(path);
    std::string line;
    int na = 0, nb = 0;
    while (std::getline(a, line)) {
        ++na;
        auto j = nlohmann::json::parse(line);
        EXPECT_EQ(j["type"], kProblem);
        EXPECT_EQ(j["severity"], "critical");
        EXPECT_EQ(j["state"], "firing");
        EXPECT_EQ(j["details"]["posting_number"], "A");
        for (const char* k : {"id", "account", "key", "title", "occurred_at", "detected_at", "url"})
            EXPECT_TRUE(j.contains(k)) << k;
    }
    while (std::getline(b, line)) ++nb;
    EXPECT_EQ(na, 1);  // the repeat is no state change
    EXPECT_EQ(nb, 2);
}

TEST(Console, ReadableLinesWithoutColourWhenAsked) {
    Event e = condition("05708065-0029-1", Severity::critical, kProblem);
    e.detected_at = at("2026-11-26T07:00:03Z");
    ConsoleNotifier plain(stdout, "ru", 0);
    EXPECT_EQ(plain.format_line(e, "new"),
              "2026-11-26T07:00:03Z CRIT main test.posting_problem: Проблема с отправлением 05708065-0029-1  "
              "https://seller.ozon.ru/app/postings/fbs?search=05708065-0029-1");
    ConsoleNotifier coloured(stdout, "ru", 1);
    EXPECT_NE(coloured.format_line(e, "new").find("\033[1;31mCRIT\033[0m"), std::string::npos);
    e.state = EventState::resolved;
    EXPECT_NE(plain.format_line(e, "new").find("[решено]"), std::string::npos);
}

// --- driven by events: no store read while nothing is due; the store's changes wake the loop.

TEST(Dispatch, WhileNothingIsDueAPassReadsNothingFromTheStore) {
    Rig r;
    const TimePoint start = r.clock.now();
    std::vector<Event> holding;
    for (int i = 0; i < 10; ++i)
        holding.push_back(i % 2 ? condition(std::to_string(i), Severity::warning, kSlow)
                                : condition(std::to_string(i), Severity::critical, kProblem));
    r.hold(holding);
    r.clock.advance(30s);
    r.tick();
    ASSERT_EQ(r.tg->sent.size(), 1u);
    ASSERT_EQ(r.pending("telegram:-100"), 0u);
    EXPECT_EQ(r.disp->next_due(), start + 4h);  // the first critical repeat, from the index

    const long long reads = r.store->reads_for_tests();
    for (int i = 0; i < 200; ++i) {  // 200 passes over 200 minutes, nothing due
        r.clock.advance(1min);
        r.tick();
    }
    EXPECT_EQ(r.store->reads_for_tests(), reads);
    EXPECT_EQ(r.tg->attempts.size(), 1u);

    // The index brings the repeats when they are due, and only the due ones.
    r.clock.set(start + 4h);
    r.tick();
    EXPECT_GT(r.store->reads_for_tests(), reads);
    EXPECT_EQ(r.disp->stats().repeats_enqueued, 5);
    EXPECT_EQ(r.disp->next_due(), start + 4h + 30s);  // their group_wait
    r.clock.advance(30s);
    r.tick();
    ASSERT_EQ(r.tg->sent.size(), 2u);
    EXPECT_EQ(r.tg->sent[1].events.size(), 5u);
    for (const auto& reason : r.tg->sent[1].reasons) EXPECT_EQ(reason, "repeat");
    EXPECT_EQ(r.disp->next_due(), start + 8h);  // the criticals again (announced at 4 h)
}

TEST(Dispatch, NextDueFollowsGroupWaitGroupIntervalAndRetry) {
    Rig r;
    const TimePoint start = r.clock.now();
    EXPECT_EQ(r.disp->next_due(), TimePoint::max());
    r.record({transition("1")});
    r.tick();
    EXPECT_EQ(r.disp->next_due(), start + 30s);  // group_wait
    r.clock.advance(30s);
    r.tick();
    ASSERT_EQ(r.tg->sent.size(), 1u);
    r.record({transition("2")});
    r.tick();
    EXPECT_EQ(r.disp->next_due(), start + 30s + r.cfg.notify.group_interval);  // after the send
    r.clock.set(start + 30s + r.cfg.notify.group_interval);
    r.tg->script.push_back(SendResult::after(42s, "429"));
    r.tick();
    EXPECT_EQ(r.tg->attempts.size(), 2u);
    EXPECT_EQ(r.disp->next_due(), r.clock.now() + 42s);  // retry_after
    const long long reads = r.store->reads_for_tests();
    r.clock.advance(41s);
    r.tick();
    EXPECT_EQ(r.store->reads_for_tests(), reads);  // still waiting: no query
    r.clock.advance(1s);
    r.tick();
    EXPECT_EQ(r.tg->sent.size(), 2u);
}

TEST(Dispatch, NewOutboxRowsWakeTheSleepingRunLoop) {
    Rig r;
    r.cfg.notify.group_wait = 0s;
    r.cfg.notify.group_interval = 0s;
    boost::asio::io_context ioc;  // after the rig: destroyed (with the suspended loop) first
    std::atomic<bool> stop{false};
    boost::asio::co_spawn(ioc, r.disp->run(stop), boost::asio::detached);
    ioc.poll();  // the first pass, then asleep on its timer (a 1 s slice, far from expiring)
    EXPECT_TRUE(r.tg->attempts.empty());
    const long long reads = r.store->reads_for_tests();
    ioc.poll();
    EXPECT_EQ(r.store->reads_for_tests(), reads);

    r.record({transition("1")});  // Store::apply's listener cancels the loop's timer
    ioc.poll();                    // so the loop runs a pass now, not at its next slice
    ASSERT_EQ(r.tg->sent.size(), 1u);
    EXPECT_EQ(r.pending("telegram:-100"), 0u);

    r.store->enqueue(r.store->outbox_rows().front().event_id, {{"telegram:-100", r.clock.now()}}, "repeat",
                     r.clock.now());  // Store::enqueue wakes it too
    ioc.poll();
    EXPECT_EQ(r.tg->sent.size(), 2u);
    stop = true;
}

TEST(Dispatch, ASilencedConditionIsNotReadAgainUntilTheSilenceEnds) {
    Rig r;
    const TimePoint start = r.clock.now();
    r.hold({condition("A", Severity::critical, kProblem)});
    r.clock.advance(30s);
    r.tick();
    ASSERT_EQ(r.tg->sent.size(), 1u);
    r.store->add_silence(kProblem, start + 10h, "", r.clock.now());
    r.clock.set(start + 4h);
    r.tick();  // due: read once, found silenced
    EXPECT_EQ(r.disp->stats().repeats_enqueued, 0);
    EXPECT_EQ(r.disp->next_due(), start + 10h);
    const long long reads = r.store->reads_for_tests();
    for (int h = 5; h < 10; ++h) {
        r.clock.set(start + std::chrono::hours(h));
        r.tick();
    }
    EXPECT_EQ(r.store->reads_for_tests(), reads);
    r.clock.set(start + 10h);
    r.tick();
    EXPECT_EQ(r.disp->stats().repeats_enqueued, 1);
}

TEST(Dispatch, RemovingASilenceBringsTheDueRepeatAtOnce) {
    Rig r;
    const TimePoint start = r.clock.now();
    r.hold({condition("A", Severity::critical, kProblem)});
    r.clock.advance(30s);
    r.tick();
    long long id = r.store->add_silence(kProblem, start + 10h, "", r.clock.now());
    r.clock.set(start + 5h);
    r.tick();
    EXPECT_EQ(r.disp->stats().repeats_enqueued, 0);
    ASSERT_TRUE(r.store->remove_silence(id));
    r.tick();
    EXPECT_EQ(r.disp->stats().repeats_enqueued, 1);
}

TEST(Dispatch, AConditionThatFiresAfterStartIsInTheRepeatIndex) {
    Rig r;
    const TimePoint start = r.clock.now();
    r.tick();  // the index is built (empty)
    r.hold({condition("A", Severity::warning, kSlow)});
    r.clock.advance(30s);
    r.tick();
    ASSERT_EQ(r.tg->sent.size(), 1u);
    EXPECT_EQ(r.disp->next_due(), start + 24h);
    r.hold({});  // resolved: out of the index, the resolved message is due
    r.clock.advance(6min);
    r.tick();
    EXPECT_EQ(r.tg->sent.size(), 2u);
    EXPECT_EQ(r.disp->next_due(), TimePoint::max());
}

TEST(Dispatch, ConditionChangesReachTheRepeatIndexOneByOneNotByReReadingIt) {
    Rig r;
    const TimePoint start = r.clock.now();
    r.hold({condition("A", Severity::warning, kSlow), condition("B", Severity::warning, kSlow)});
    r.clock.advance(30s);
    r.tick();  // the index is built: A and B repeat at start + 24h
    ASSERT_EQ(r.tg->sent.size(), 1u);
    EXPECT_EQ(r.disp->next_due(), start + 24h);

    // A condition written by another connection (another process) is not told to listeners:
    // it shows whether the dispatcher re-read the whole table.
    Store other(r.dir.file("s.db"));
    ApplyBatch outside;
    outside.conditions.push_back({"main", "returns", {condition("X", Severity::critical, kProblem)}});
    outside.now = r.clock.now();  // X would repeat at start + 30s + 4h
    other.apply(outside, [](const Event&) { return std::vector<OutboxTarget>{}; });

    r.clock.advance(1min);
    const TimePoint escalated_at = r.clock.now();
    r.hold({condition("A", Severity::critical, kSlow)});  // A escalates, B resolves
    r.clock.advance(30s);
    r.tick();
    ASSERT_EQ(r.tg->sent.size(), 2u);
    // A now repeats as a critical (4 h after it fired again); B is gone; X is not known.
    EXPECT_EQ(r.disp->next_due(), escalated_at + 4h);
    r.clock.set(escalated_at + 4h);
    r.tick();
    EXPECT_EQ(r.disp->stats().repeats_enqueued, 1);  // A alone: B resolved, X unknown

    // A silence change rebuilds the index from the table: now X is there too.
    r.store->remove_silence(r.store->add_silence("nothing.*", escalated_at + 5h, "", r.clock.now()));
    r.tick();
    EXPECT_EQ(r.disp->stats().repeats_enqueued, 2);  // X's repeat (due since start + 4h 30s)
}
