// Scheduler: backoff, source health per (account, source): source.unavailable after
// unavailable_after, source.auth_failed at once, resolution by the next success, one message per
// source however many watches read it; a failing watch not blocking another; WatchRunner
// baseline and state_version re-baseline; stop() waking the daemon loops that sleep until due.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <filesystem>

#include "common/ozon/errors.hpp"
#include "common/logging.hpp"
#include "common/push/push.hpp"
#include "daemon/engine/scheduler.hpp"
#include "tests/daemon/unit/daemon_test_util.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

TimePoint t0() { return *parse_iso8601("2026-11-26T06:00:00Z"); }

// A watch whose poll outcome the test decides.
class FakeWatch final : public Watch {
public:
    FakeWatch(std::string name, Millis interval, std::string source = "ozon", int version = 1)
        : name_(std::move(name)), interval_(interval), source_(std::move(source)), version_(version) {}
    const std::string& name() const override { return name_; }
    std::string source() const override { return source_; }
    int state_version() const override { return version_; }
    const std::string& account() const override { return account_; }
    Millis interval() const override { return interval_; }
    void load(const std::map<std::string, SnapshotItem>& items,
              const std::map<std::string, std::string>&) override { loaded_items = items.size(); ++loads; }
    awaitable<WatchOutput> poll(TimePoint, bool baseline) override {
        ++polls;
        last_baseline = baseline;
        if (during_poll) during_poll();  // e.g. the clock moving while the client retries
        if (fail == 1) throw ozon::ApiError(ozon::ErrorKind::transient, "503 Service Unavailable", 503, "/v4/posting/fbs/list");
        if (fail == 2) throw ozon::ApiError(ozon::ErrorKind::auth, "Invalid Api-Key, please check the key and try again", 401, "/v4/posting/fbs/list");
        if (fail == 3)  // a server that quotes the key it refused
            throw ozon::ApiError(ozon::ErrorKind::auth, "Api-Key ozon-secret-key-1234 is not valid", 401,
                                 "/v4/posting/fbs/list");
        WatchOutput out;
        out.upserts.push_back(SnapshotItem{"item-" + std::to_string(polls), "fp", "{}", {}, {}});
        Event t;
        t.type = "posting.new";
        t.kind = EventKind::transition;
        t.account = account_;
        t.key = "posting.new:v" + std::to_string(version_) + ":" + std::to_string(polls);
        out.transitions.push_back(t);
        co_return out;
    }
    void commit() override { ++commits; }
    void rollback() override { ++rollbacks; }
    // Takes pushes of `push_type` for its account; the re-read records one transition per push
    // taken since the last one ("pushed:<posting_number>").
    bool take_push(const push::PushMessage& m) override {
        if (m.message_type != push_type) return false;
        taken.push_back(m.posting_number);
        return true;
    }
    awaitable<WatchOutput> poll_push(TimePoint) override {
        ++push_polls;
        std::vector<std::string> numbers;
        numbers.swap(taken);
        if (push_fail) throw ozon::ApiError(ozon::ErrorKind::transient, "503 Service Unavailable", 503, "/v3/posting/fbs/get");
        WatchOutput out;
        for (const auto& n : numbers) {
            Event t;
            t.type = "posting.new";
            t.kind = EventKind::transition;
            t.account = account_;
            t.key = "pushed:" + name_ + ":" + n;
            out.transitions.push_back(t);
        }
        co_return out;
    }

    std::string push_type = "TYPE_NEW_POSTING";
    std::vector<std::string> taken;
    bool push_fail = false;
    int push_polls = 0;
    int fail = 0;  // 0 ok, 1 transient, 2 auth
    std::function<void()> during_poll;
    int polls = 0, commits = 0, loads = 0, rollbacks = 0;
    std::size_t loaded_items = 0;
    bool last_baseline = false;

    std::string account_ = "main";

private:
    std::string name_;
    Millis interval_;
    std::string source_;
    int version_;
};

using Env = ozw::test::DaemonEnv;

}  // namespace

TEST(FailureBackoff, DoublesFromTheFirstDelayAndIsCappedByTheInterval) {
    BackoffPolicy p;
    EXPECT_EQ(failure_backoff(p, FailureKind::transient, 1, 10min), 15s);
    EXPECT_EQ(failure_backoff(p, FailureKind::transient, 2, 10min), 30s);
    EXPECT_EQ(failure_backoff(p, FailureKind::transient, 3, 10min), 60s);
    EXPECT_EQ(failure_backoff(p, FailureKind::transient, 20, 10min), 10min);
    EXPECT_EQ(failure_backoff(p, FailureKind::transient, 20, 2min), 2min);
    EXPECT_EQ(failure_backoff(p, FailureKind::auth, 1, 2min), 15min);
}

TEST(SourceHealthTest, UnavailableOnlyAfterTheConfiguredTime) {
    WatchHealth h;
    std::vector<WatchHealthView> v{{"postings", &h}};
    record_failure(h, FailureKind::transient, "timeout", t0());
    record_failure(h, FailureKind::transient, "timeout", t0() + 14min + 59s);
    EXPECT_TRUE(source_conditions(v, "main", "ozon", t0() + 14min + 59s, 15min).empty());
    record_failure(h, FailureKind::transient, "timeout", t0() + 15min);
    auto c = source_conditions(v, "main", "ozon", t0() + 15min, 15min);
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0].type, "source.unavailable");
    EXPECT_EQ(c[0].key, "source.unavailable:ozon");
    EXPECT_EQ(c[0].details["error"], "timeout");
    EXPECT_EQ(c[0].details["watches"], "postings");
    EXPECT_EQ(c[0].details["since"], "2026-11-26T06:00:00Z");
    record_success(h);
    EXPECT_TRUE(source_conditions(v, "main", "ozon", t0() + 16min, 15min).empty());
}

TEST(SourceHealthTest, OneConditionPerSourceNamingEveryFailingWatch) {
    WatchHealth a, b, ok;
    record_failure(a, FailureKind::transient, "503", t0());
    record_failure(b, FailureKind::transient, "timeout", t0() + 5min);
    std::vector<WatchHealthView> v{{"postings", &a}, {"returns", &b}, {"stocks", &ok}};
    auto c = source_conditions(v, "main", "ozon", t0() + 20min, 15min);
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0].key, "source.unavailable:ozon");
    EXPECT_EQ(c[0].details["watches"], "postings, returns");
    EXPECT_EQ(c[0].details["since"], "2026-11-26T06:00:00Z");  // the longest failing
    EXPECT_EQ(c[0].occurred_at, t0());
    record_failure(b, FailureKind::auth, "Invalid Api-Key", t0() + 21min);
    c = source_conditions(v, "main", "ozon", t0() + 21min, 15min);
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[0].key, "source.auth_failed:ozon");
    EXPECT_EQ(c[0].severity, Severity::critical);
    EXPECT_EQ(c[0].details["error"], "Invalid Api-Key");
}

TEST(SchedulerTest, FirstCycleIsABaselineAndLaterCyclesRecordTransitions) {
    Env env;
    auto w = std::make_shared<FakeWatch>("postings", 2min);
    Scheduler s(*env.store, null_router(), env.clock, 15min, 0);
    s.add(w);
    EXPECT_EQ(env.run([&] { return s.run_once_due(); }), 1);
    EXPECT_TRUE(w->last_baseline);
    ASSERT_TRUE(s.at(0).last_result);
    EXPECT_TRUE(s.at(0).last_result->recorded.empty());  // baseline: transitions dropped
    EXPECT_EQ(s.at(0).next_due, t0() + 2min);
    EXPECT_EQ(env.run([&] { return s.run_once_due(); }), 0);  // not due yet
    env.clock.advance(2min);
    EXPECT_EQ(env.run([&] { return s.run_once_due(); }), 1);
    EXPECT_FALSE(w->last_baseline);
    ASSERT_EQ(s.at(0).last_result->recorded.size(), 1u);
    EXPECT_EQ(s.at(0).last_result->recorded[0].key, "posting.new:v1:2");
    EXPECT_EQ(w->loads, 1);  // the state is loaded from the store once

    // A restart on the same store: no baseline any more.
    auto w2 = std::make_shared<FakeWatch>("postings", 2min);
    Scheduler s2(*env.store, null_router(), env.clock, 15min, 0);
    s2.add(w2);
    env.run([&] { return s2.run_once_due(); });
    EXPECT_FALSE(w2->last_baseline);
    EXPECT_EQ(w2->loaded_items, 2u);
}

TEST(SchedulerTest, FailuresBackOffThenRaiseUnavailableAndTheNextSuccessResolves) {
    Env env;
    auto w = std::make_shared<FakeWatch>("postings", 2min);
    Scheduler s(*env.store, null_router(), env.clock, 15min, 0);
    s.add(w);
    w->fail = 1;
    env.run([&] { return s.run_once_due(); });
    EXPECT_EQ(s.at(0).health.consecutive_failures, 1);
    EXPECT_EQ(s.at(0).next_due, t0() + 15s);
    EXPECT_EQ(w->commits, 0);
    EXPECT_TRUE(env.active_keys().empty());
    // keep failing for 15 minutes of clock time
    while (env.clock.now() < t0() + 15min) {
        env.clock.set(std::max(s.at(0).next_due, env.clock.now()));
        if (env.clock.now() > t0() + 15min) env.clock.set(t0() + 15min);
        env.run([&] { return s.run_once_due(); });
        if (env.clock.now() < t0() + 15min) {
            EXPECT_TRUE(env.active_keys().empty());
        }
    }
    env.clock.set(std::max(s.at(0).next_due, t0() + 15min));
    env.run([&] { return s.run_once_due(); });
        EXPECT_EQ(env.active_keys(), std::vector<std::string>{"source.unavailable:ozon"});
    // recovery
    w->fail = 0;
    env.clock.set(s.at(0).next_due);
    env.run([&] { return s.run_once_due(); });
    EXPECT_EQ(s.at(0).health.consecutive_failures, 0);
    EXPECT_TRUE(env.active_keys().empty());
    auto events = env.store->events_since(t0());
    bool resolved = false;
    for (const auto& e : events)
        if (e.type == "source.unavailable" && e.state == EventState::resolved) resolved = true;
    EXPECT_TRUE(resolved);
}

TEST(SchedulerTest, AuthFailureIsCriticalAtOnceAndRetriedSlowly) {
    Env env;
    auto w = std::make_shared<FakeWatch>("postings", 2min);
    Scheduler s(*env.store, null_router(), env.clock, 15min, 0);
    s.add(w);
    w->fail = 2;
    env.run([&] { return s.run_once_due(); });
    EXPECT_EQ(env.active_keys(), std::vector<std::string>{"source.auth_failed:ozon"});
    auto active = env.store->active_conditions();
    ASSERT_EQ(active.size(), 1u);
    EXPECT_EQ(active[0].event.severity, Severity::critical);
    EXPECT_EQ(s.at(0).next_due, t0() + 15min);
}

TEST(SchedulerTest, AFailingWatchDoesNotBlockAnother) {
    Env env;
    auto bad = std::make_shared<FakeWatch>("postings", 2min);
    auto good = std::make_shared<FakeWatch>("returns", 2min);
    bad->fail = 1;
    Scheduler s(*env.store, null_router(), env.clock, 15min, 0);
    s.add(bad);
    s.add(good);
    for (int i = 0; i < 5; ++i) {
        env.run([&] { return s.run_once_due(); });
        env.clock.advance(2min);
    }
    EXPECT_EQ(good->commits, 5);
    EXPECT_EQ(bad->commits, 0);
    EXPECT_GE(bad->polls, 5);
}

TEST(SchedulerTest, JitterStaysWithinTenPercentOfTheInterval) {
    Env env;
    auto w = std::make_shared<FakeWatch>("postings", 2min);
    Scheduler s(*env.store, null_router(), env.clock, 15min, 0.1);
    s.add(w);
    for (int i = 0; i < 20; ++i) {
        env.run([&] { return s.run_watch(0); });
        EXPECT_GE(s.at(0).next_due, env.clock.now() + 2min);
        EXPECT_LE(s.at(0).next_due, env.clock.now() + 2min + 12s);
    }
}

TEST(SchedulerTest, AnOutageOfOneSourceIsOneMessagePerAccountNotOnePerWatch) {
    Env env;
    auto postings = std::make_shared<FakeWatch>("postings", 2min);
    auto returns = std::make_shared<FakeWatch>("returns", 2min);
    auto stocks_insales = std::make_shared<FakeWatch>("stocks", 2min, "insales");
    postings->fail = returns->fail = 1;
    Scheduler s(*env.store, null_router(), env.clock, 15min, 0);
    s.add(postings);
    s.add(returns);
    s.add(stocks_insales);
    for (int i = 0; i < 12; ++i) {  // 24 minutes of failures
        env.run([&] { return s.run_once_due(); });
        env.clock.advance(2min);
    }
    EXPECT_EQ(env.active_keys(), std::vector<std::string>{"source.unavailable:ozon"});
    int fired = 0;
    for (const auto& e : env.store->events_since(t0()))
        if (e.type == "source.unavailable" && e.state == EventState::firing) ++fired;
    EXPECT_EQ(fired, 1);
    // One watch of the source recovers while the other still fails: still unavailable.
    postings->fail = 0;
    env.clock.advance(10min);
    env.run([&] { return s.run_once_due(); });
    EXPECT_EQ(env.active_keys(), std::vector<std::string>{"source.unavailable:ozon"});
    returns->fail = 0;
    env.clock.advance(10min);
    env.run([&] { return s.run_once_due(); });
    EXPECT_TRUE(env.active_keys().empty());
}

TEST(SchedulerTest, AnInsalesAuthFailureIsInsalesHealthNotOzons) {
    Env env;
    auto postings = std::make_shared<FakeWatch>("postings", 2min);
    auto stocks = std::make_shared<FakeWatch>("stocks", 2min, "insales");
    stocks->fail = 2;
    Scheduler s(*env.store, null_router(), env.clock, 15min, 0);
    s.add(postings);
    s.add(stocks);
    env.run([&] { return s.run_once_due(); });
    EXPECT_EQ(env.active_keys(), std::vector<std::string>{"source.auth_failed:insales"});
    auto active = env.store->active_conditions();
    ASSERT_EQ(active.size(), 1u);
    EXPECT_EQ(active[0].scope, "source:insales");
    EXPECT_EQ(active[0].event.details["source_name"], "InSales");
}

TEST(WatchRunnerTest, AStoredStateOfAnotherVersionIsASilentRebaseline) {
    Env env;
    {
        auto v1 = std::make_shared<FakeWatch>("postings", 2min, "ozon", 1);
        WatchRunner r(v1, *env.store, null_router(), env.clock);
        env.run([&] { return r.run_once(); });
        env.clock.advance(2min);
        auto second = env.run([&] { return r.run_once(); });
        EXPECT_EQ(second.recorded.size(), 1u);  // a transition after the baseline
    }
    EXPECT_EQ(env.store->load_snapshot("main", "postings").size(), 2u);
    auto v2 = std::make_shared<FakeWatch>("postings", 2min, "ozon", 2);
    WatchRunner r(v2, *env.store, null_router(), env.clock);
    env.clock.advance(2min);
    auto first = env.run([&] { return r.run_once(); });
    EXPECT_TRUE(first.baseline);
    EXPECT_TRUE(v2->last_baseline);
    EXPECT_EQ(v2->loaded_items, 0u);       // the old rows were not handed to the new version
    EXPECT_TRUE(first.recorded.empty());   // silent
    // The old version's rows are gone; only this poll's item is stored.
    EXPECT_EQ(env.store->load_snapshot("main", "postings").size(), 1u);
    EXPECT_EQ(env.store->cursor("main", "postings", "state_version"), std::optional<std::string>("2"));
    env.clock.advance(2min);
    auto next = env.run([&] { return r.run_once(); });
    EXPECT_FALSE(next.baseline);
    EXPECT_EQ(next.recorded.size(), 1u);
}

TEST(WatchRunnerTest, AFailedApplyRollsTheWatchBackAndWritesNothing) {
    Env env;
    auto w = std::make_shared<FakeWatch>("postings", 2min);
    WatchRunner r(w, *env.store, null_router(), env.clock);
    env.run([&] { return r.run_once(); });
    env.store->set_fail_after_for_tests(0);
    EXPECT_THROW(env.run([&] { return r.run_once(); }), StoreError);
    EXPECT_EQ(w->rollbacks, 1);
    EXPECT_EQ(w->commits, 1);
    env.store->set_fail_after_for_tests(-1);
    env.run([&] { return r.run_once(); });
    EXPECT_EQ(w->loads, 2);  // the committed state is loaded again after the failure
    EXPECT_EQ(w->commits, 2);
}

TEST(SchedulerTest, ASourceConditionLeftByAnOlderReleaseIsResolvedAtTheFirstCycle) {
    Env env;
    ApplyBatch old;
    old.now = t0();
    Event e;
    e.type = "source.unavailable";
    e.severity = Severity::warning;
    e.kind = EventKind::condition;
    e.account = "main";
    e.key = "source.unavailable:postings";  // the old per-watch key and scope
    old.conditions.push_back(ConditionSet{"main", "source:postings", {e}});
    env.store->apply(old, null_router());
    ASSERT_EQ(env.active_keys(), std::vector<std::string>{"source.unavailable:postings"});
    auto w = std::make_shared<FakeWatch>("postings", 2min);
    Scheduler s(*env.store, null_router(), env.clock, 15min, 0);
    s.add(w);
    env.clock.advance(1min);
    env.run([&] { return s.run_once_due(); });
    EXPECT_TRUE(env.active_keys().empty());
}

// The daemon's loops sleep until their watch is due (here: an hour away, with a tick of a day):
// stop() must wake them at once, or run() would not return before the test's timeout.
TEST(SchedulerTest, StopWakesTheSleepingLoopsAndRunReturns) {
    Env env;
    auto a = std::make_shared<FakeWatch>("postings", 1h);
    auto b = std::make_shared<FakeWatch>("returns", 1h, "ozon");
    Scheduler s(*env.store, null_router(), env.clock, 15min, 0);
    s.add(a);
    s.add(b);
    bool finished = false;
    asio::co_spawn(env.ioc, s.run(24h), [&](std::exception_ptr e) {
        EXPECT_FALSE(e);
        finished = true;
    });
    // Both loops run their first (baseline) cycle, then sleep; the stop comes after that.
    asio::steady_timer later(env.ioc);
    asio::co_spawn(env.ioc, [&]() -> asio::awaitable<void> {
        while (a->polls == 0 || b->polls == 0) {
            later.expires_after(0ms);
            co_await later.async_wait(asio::use_awaitable);
        }
        s.stop();
    }, asio::detached);
    env.ioc.run_for(20s);
    EXPECT_TRUE(finished);
    EXPECT_EQ(a->polls, 1);
    EXPECT_EQ(b->polls, 1);
    EXPECT_TRUE(s.stopping());
}

namespace {

bool any_event(Env& env, const std::string& type, EventState state) {
    for (const auto& e : env.store->events_since(t0() - 24h))
        if (e.type == type && e.state == state) return true;
    return false;
}

// Runs the scheduler's due watches at each next-due instant until `until`.
void run_until(Env& env, Scheduler& s, TimePoint until) {
    while (true) {
        const TimePoint next = std::max(s.at(0).next_due, env.clock.now());
        if (next > until) break;
        env.clock.set(next);
        env.run([&] { return s.run_once_due(); });
    }
}

}  // namespace

TEST(SchedulerTest, AnOutageGoesOnAcrossARestartWithoutAFalseResolved) {
    Env env;
    {
        auto w = std::make_shared<FakeWatch>("postings", 2min);
        Scheduler s(*env.store, null_router(), env.clock, 15min, 0);
        s.add(w);
        w->fail = 1;
        run_until(env, s, t0() + 20min);
        ASSERT_EQ(env.active_keys(), std::vector<std::string>{"source.unavailable:ozon"});
    }
    // The daemon restarts (or reloads) while Ozon is still down.
    auto w = std::make_shared<FakeWatch>("postings", 2min);
    Scheduler s(*env.store, null_router(), env.clock, 15min, 0);
    s.add(w);
    EXPECT_EQ(s.at(0).health.failing_since, t0());  // the outage as stored
    w->fail = 1;
    env.clock.advance(1min);
    env.run([&] { return s.run_once_due(); });
    EXPECT_EQ(env.active_keys(), std::vector<std::string>{"source.unavailable:ozon"});
    EXPECT_FALSE(any_event(env, "source.unavailable", EventState::resolved));
    // Ozon answers again: now, and only now, it is resolved.
    w->fail = 0;
    env.clock.set(std::max(s.at(0).next_due, env.clock.now()));
    env.run([&] { return s.run_once_due(); });
    EXPECT_TRUE(env.active_keys().empty());
    EXPECT_TRUE(any_event(env, "source.unavailable", EventState::resolved));
    // ... and a later restart starts healthy.
    Scheduler again(*env.store, null_router(), env.clock, 15min, 0);
    again.add(std::make_shared<FakeWatch>("postings", 2min));
    EXPECT_EQ(again.at(0).health.consecutive_failures, 0);
    EXPECT_FALSE(again.at(0).health.failing_since);
}

TEST(SchedulerTest, AnOutageNotYetAnnouncedKeepsItsStartAcrossARestart) {
    Env env;
    {
        auto w = std::make_shared<FakeWatch>("postings", 2min);
        Scheduler s(*env.store, null_router(), env.clock, 15min, 0);
        s.add(w);
        w->fail = 1;
        run_until(env, s, t0() + 10min);  // failing for 10 min: not yet unavailable
        ASSERT_TRUE(env.active_keys().empty());
    }
    auto w = std::make_shared<FakeWatch>("postings", 2min);
    Scheduler s(*env.store, null_router(), env.clock, 15min, 0);
    s.add(w);
    w->fail = 1;
    run_until(env, s, t0() + 15min + 10min);
    ASSERT_EQ(env.active_keys(), std::vector<std::string>{"source.unavailable:ozon"});
    auto active = env.store->active_conditions();
    ASSERT_EQ(active.size(), 1u);
    // Fired at the first poll 15 min after the outage began, not 15 min after the restart.
    EXPECT_LT(active[0].first_fired_at, t0() + 15min + 10min);
    EXPECT_EQ(active[0].event.occurred_at, t0());
}

TEST(SchedulerTest, UnavailableAfterCountsFromTheStartOfTheFailedPollNotItsEnd) {
    Env env;
    auto w = std::make_shared<FakeWatch>("postings", 2min);
    Scheduler s(*env.store, null_router(), env.clock, 15min, 0);
    s.add(w);
    w->fail = 1;
    w->during_poll = [&] { env.clock.advance(10min); };  // the client retried for 10 min
    env.run([&] { return s.run_once_due(); });  // t0 .. t0 + 10 min
    EXPECT_EQ(s.at(0).health.failing_since, t0());
    EXPECT_TRUE(env.active_keys().empty());
    env.clock.set(s.at(0).next_due);  // t0 + 10 min 15 s .. t0 + 20 min 15 s
    env.run([&] { return s.run_once_due(); });
    EXPECT_EQ(env.active_keys(), std::vector<std::string>{"source.unavailable:ozon"});
}

TEST(SchedulerTest, ASecretQuotedInASourceErrorIsMaskedBeforeItIsStoredOrSent) {
    log::add_secret("ozon-secret-key-1234");
    Env env;
    auto w = std::make_shared<FakeWatch>("postings", 2min);
    Scheduler s(*env.store, null_router(), env.clock, 15min, 0);
    s.add(w);
    w->fail = 3;
    env.run([&] { return s.run_once_due(); });
    EXPECT_EQ(s.at(0).health.last_error.find("ozon-secret-key-1234"), std::string::npos) << s.at(0).health.last_error;
    EXPECT_NE(s.at(0).health.last_error.find("***"), std::string::npos);
    auto active = env.store->active_conditions();
    ASSERT_EQ(active.size(), 1u);  // source.auth_failed, at once
    EXPECT_EQ(to_json(active[0].event).dump().find("ozon-secret-key-1234"), std::string::npos);
    for (const auto& [name, value] : env.store->cursors("main", "source:ozon"))
        EXPECT_EQ(value.find("ozon-secret-key-1234"), std::string::npos) << name;
    log::clear_secrets_for_tests();
}

// ------------------------------------------------------------------------------ pushes

namespace {

push::PushMessage pushed(const std::string& type, const std::string& number) {
    push::PushMessage m;
    m.message_type = type;
    m.posting_number = number;
    return m;
}

long long inbox_row(Env& env, const std::string& number) {
    long long id = 0;
    env.store->record_push("sha256:" + number, "main", "TYPE_NEW_POSTING", "{}", env.clock.now(), &id);
    return id;
}

int events_with_key(Env& env, const std::string& key) {
    int n = 0;
    for (const auto& e : env.store->events_since(t0() - 24h)) n += e.key == key;
    return n;
}

}  // namespace

TEST(SchedulerPushTest, APushGoesToTheWatchesThatTakeItAndItsRowIsDoneAfterTheLastReRead) {
    Env env;
    auto postings = std::make_shared<FakeWatch>("postings", 2min);
    auto returns = std::make_shared<FakeWatch>("returns", 10min);
    auto other_account = std::make_shared<FakeWatch>("postings", 2min);
    other_account->account_ = "second";
    auto other_type = std::make_shared<FakeWatch>("stocks", 10min);
    other_type->push_type = "TYPE_STOCKS_CHANGED";
    Scheduler s(*env.store, null_router(), env.clock, 15min, 0);
    for (auto& w : {postings, returns, other_account, other_type}) s.add(w);
    env.run([&] { return s.run_once_due(); });  // the baselines
    const long long row = inbox_row(env, "1-1");
    EXPECT_EQ(s.offer_push(row, "main", pushed("TYPE_NEW_POSTING", "1-1")), 2u);
    EXPECT_TRUE(s.at(0).push_pending);
    EXPECT_TRUE(s.at(1).push_pending);
    EXPECT_FALSE(s.at(2).push_pending);  // another account's
    EXPECT_FALSE(s.at(3).push_pending);  // another type
    // One re-read done: the row waits for the other.
    env.run([&] { return s.run_push(0); });
    EXPECT_EQ(env.store->unprocessed_pushes().size(), 1u);
    EXPECT_EQ(env.run([&] { return s.run_pushes(); }), 1);
    EXPECT_TRUE(env.store->unprocessed_pushes().empty());
    EXPECT_EQ(postings->push_polls, 1);
    EXPECT_EQ(returns->push_polls, 1);
    EXPECT_EQ(other_account->push_polls, 0);
    EXPECT_EQ(other_type->push_polls, 0);
    EXPECT_EQ(events_with_key(env, "pushed:postings:1-1"), 1);  // each watch's transition, recorded
    EXPECT_EQ(events_with_key(env, "pushed:returns:1-1"), 1);
    EXPECT_EQ(env.run([&] { return s.run_pushes(); }), 0);  // nothing pending any more
}

TEST(SchedulerPushTest, AReReadIsRecordedLikeAPollButKeepsTheScheduleAndTheLastSuccess) {
    Env env;
    auto w = std::make_shared<FakeWatch>("postings", 2min);
    Scheduler s(*env.store, null_router(), env.clock, 15min, 0);
    s.add(w);
    env.run([&] { return s.run_once_due(); });
    const TimePoint due = s.at(0).next_due;
    const auto success = s.at(0).last_success;
    const auto baseline_cursor = env.store->cursor("main", "postings", "baseline");
    env.clock.advance(30s);
    s.offer_push(0, "main", pushed("TYPE_NEW_POSTING", "2-2"));
    EXPECT_EQ(env.run([&] { return s.run_pushes(); }), 1);
    EXPECT_EQ(events_with_key(env, "pushed:postings:2-2"), 1);
    EXPECT_EQ(s.at(0).next_due, due);
    EXPECT_EQ(s.at(0).last_success, success);
    EXPECT_EQ(env.store->cursor("main", "postings", "baseline"), baseline_cursor);
    EXPECT_EQ(w->polls, 1);
}

TEST(SchedulerPushTest, APushBeforeTheBaselineIsSkippedAndAFailedReReadChangesNoHealth) {
    Env env;
    auto w = std::make_shared<FakeWatch>("postings", 2min);
    Scheduler s(*env.store, null_router(), env.clock, 15min, 0);
    s.add(w);
    const long long early = inbox_row(env, "3-3");
    s.offer_push(early, "main", pushed("TYPE_NEW_POSTING", "3-3"));
    EXPECT_EQ(env.run([&] { return s.run_pushes(); }), 1);
    EXPECT_EQ(w->push_polls, 0);  // nothing remembered yet: the first poll reads everything
    EXPECT_TRUE(env.store->unprocessed_pushes().empty());
    env.run([&] { return s.run_once_due(); });
    w->push_fail = true;
    const long long row = inbox_row(env, "4-4");
    s.offer_push(row, "main", pushed("TYPE_NEW_POSTING", "4-4"));
    EXPECT_EQ(env.run([&] { return s.run_pushes(); }), 1);
    EXPECT_EQ(w->push_polls, 1);
    EXPECT_EQ(s.at(0).health.consecutive_failures, 0);
    EXPECT_TRUE(env.active_keys().empty());
    EXPECT_EQ(events_with_key(env, "pushed:postings:4-4"), 0);
    EXPECT_TRUE(env.store->unprocessed_pushes().empty());  // a hint: the next poll reads the source
}

// run(): a loop sleeping until its watch is due (an hour away, tick a day) is woken by a push.
TEST(SchedulerPushTest, APushWakesTheSleepingLoop) {
    Env env;
    auto w = std::make_shared<FakeWatch>("postings", 1h);
    Scheduler s(*env.store, null_router(), env.clock, 15min, 0);
    s.add(w);
    bool finished = false;
    asio::co_spawn(env.ioc, s.run(24h), [&](std::exception_ptr e) {
        EXPECT_FALSE(e);
        finished = true;
    });
    asio::steady_timer later(env.ioc);
    asio::co_spawn(env.ioc, [&]() -> asio::awaitable<void> {
        while (w->polls == 0 || !s.at(0).sleeping) {  // the baseline, then asleep
            later.expires_after(0ms);
            co_await later.async_wait(asio::use_awaitable);
        }
        s.offer_push(0, "main", pushed("TYPE_NEW_POSTING", "5-5"));
        while (w->push_polls == 0) {
            later.expires_after(0ms);
            co_await later.async_wait(asio::use_awaitable);
        }
        s.stop();
    }, asio::detached);
    env.ioc.run_for(20s);
    EXPECT_TRUE(finished);
    EXPECT_EQ(w->push_polls, 1);
    EXPECT_EQ(w->polls, 1);
    EXPECT_EQ(events_with_key(env, "pushed:postings:5-5"), 1);
}

// A full disk: the source answers, the state database refuses the poll's output. That is not
// the source's failure: no source.unavailable however long it lasts, the watch retries on the
// transient backoff, and the next poll that can be written records everything.
TEST(SchedulerTest, AStateDatabaseThatRefusesWritesIsNotTheSourcesFailure) {
    Env env;
    auto w = std::make_shared<FakeWatch>("postings", 2min);
    Scheduler s(*env.store, null_router(), env.clock, 15min, 0);
    s.add(w);
    env.run([&] { return s.run_once_due(); });  // the baseline
    env.store->set_fail_after_for_tests(0);
    env.clock.advance(2min);
    env.run([&] { return s.run_once_due(); });
    EXPECT_EQ(s.at(0).store_failures, 1);
    EXPECT_EQ(s.at(0).next_due, env.clock.now() + 15s);  // the transient backoff's first step
    run_until(env, s, t0() + 40min);
    EXPECT_GT(s.at(0).store_failures, 3);
    EXPECT_EQ(s.at(0).health.consecutive_failures, 0);
    EXPECT_EQ(w->rollbacks, s.at(0).store_failures);
    env.store->set_fail_after_for_tests(-1);
    env.clock.set(s.at(0).next_due);
    env.run([&] { return s.run_once_due(); });
    EXPECT_EQ(s.at(0).store_failures, 0);
    EXPECT_FALSE(any_event(env, "source.unavailable", EventState::firing));
    EXPECT_TRUE(env.active_keys().empty());
}
