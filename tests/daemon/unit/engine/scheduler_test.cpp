// Scheduler: backoff, source.unavailable after unavailable_after, source.auth_failed at once,
// resolution by the next success, a failing watch not blocking another; WatchRunner baseline.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <filesystem>

#include "common/ozon/errors.hpp"
#include "daemon/scheduler.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

TimePoint t0() { return *parse_iso8601("2026-11-26T06:00:00Z"); }

// A watch whose poll outcome the test decides.
class FakeWatch final : public Watch {
public:
    FakeWatch(std::string name, Millis interval) : name_(std::move(name)), interval_(interval) {}
    std::string name() const override { return name_; }
    const std::string& account() const override { return account_; }
    Millis interval() const override { return interval_; }
    void load(const std::map<std::string, SnapshotItem>& items,
              const std::map<std::string, std::string>&) override { loaded_items = items.size(); ++loads; }
    awaitable<WatchOutput> poll(TimePoint, bool baseline) override {
        ++polls;
        last_baseline = baseline;
        if (fail == 1) throw ozon::ApiError(ozon::ErrorKind::transient, "503 Service Unavailable", 503, "/v4/posting/fbs/list");
        if (fail == 2) throw ozon::ApiError(ozon::ErrorKind::auth, "Invalid Api-Key, please check the key and try again", 401, "/v4/posting/fbs/list");
        WatchOutput out;
        out.upserts.push_back(SnapshotItem{"item-" + std::to_string(polls), "fp", "{}", {}, {}});
        Event t;
        t.type = "posting.new";
        t.kind = EventKind::transition;
        t.account = account_;
        t.key = "posting.new:" + std::to_string(polls);
        out.transitions.push_back(t);
        co_return out;
    }
    void commit() override { ++commits; }

    int fail = 0;  // 0 ok, 1 transient, 2 auth
    int polls = 0, commits = 0, loads = 0;
    std::size_t loaded_items = 0;
    bool last_baseline = false;

private:
    std::string name_;
    std::string account_ = "main";
    Millis interval_;
};

struct Env {
    std::filesystem::path dir;
    std::unique_ptr<Store> store;
    ManualClock clock{t0()};
    asio::io_context ioc;
    Env() {
        dir = std::filesystem::temp_directory_path() /
              ("ozw-sched-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        store = std::make_unique<Store>((dir / "state.db").string());
    }
    ~Env() { store.reset(); std::filesystem::remove_all(dir); }
    template <class F>
    auto run(F&& f) {
        using R = typename decltype(f())::value_type;
        if constexpr (std::is_void_v<R>) {
            std::exception_ptr err;
            asio::co_spawn(ioc, f(), [&](std::exception_ptr e) { err = e; });
            ioc.run();
            ioc.restart();
            if (err) std::rethrow_exception(err);
        } else {
            std::exception_ptr err;
            R result{};
            asio::co_spawn(ioc, f(), [&](std::exception_ptr e, R r) { err = e; result = r; });
            ioc.run();
            ioc.restart();
            if (err) std::rethrow_exception(err);
            return result;
        }
    }
    std::vector<std::string> active_keys() {
        std::vector<std::string> k;
        for (const auto& c : store->active_conditions()) k.push_back(c.key);
        std::sort(k.begin(), k.end());
        return k;
    }
};

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

TEST(WatchHealthTest, UnavailableOnlyAfterTheConfiguredTime) {
    WatchHealth h;
    record_failure(h, FailureKind::transient, "timeout", t0(), 15min);
    EXPECT_FALSE(h.unavailable);
    record_failure(h, FailureKind::transient, "timeout", t0() + 14min + 59s, 15min);
    EXPECT_FALSE(h.unavailable);
    EXPECT_TRUE(source_conditions(h, "main", "postings", t0()).empty());
    record_failure(h, FailureKind::transient, "timeout", t0() + 15min, 15min);
    EXPECT_TRUE(h.unavailable);
    auto c = source_conditions(h, "main", "postings", t0() + 15min);
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0].type, "source.unavailable");
    EXPECT_EQ(c[0].key, "source.unavailable:postings");
    EXPECT_EQ(c[0].details["error"], "timeout");
    record_success(h);
    EXPECT_TRUE(source_conditions(h, "main", "postings", t0()).empty());
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
    EXPECT_EQ(s.at(0).last_result->recorded[0].key, "posting.new:2");
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
    EXPECT_TRUE(s.at(0).health.unavailable);
    EXPECT_EQ(env.active_keys(), std::vector<std::string>{"source.unavailable:postings"});
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
    EXPECT_EQ(env.active_keys(), std::vector<std::string>{"source.auth_failed:postings"});
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
