// ProbeWatch: a condition-only watch (the shape of the API key's expiry check) through the
// shared runner and store: conditions fire, escalate and resolve; the state survives a restart.
#include <gtest/gtest.h>

#include "daemon/engine/probe_watch.hpp"
#include "tests/daemon/unit/daemon_test_util.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;
using ozw::test::at;

namespace {

struct KeyState {
    TimePoint expires_at{};
    nlohmann::json to_json() const { return {{"expires_at", format_iso8601(expires_at)}}; }
    static KeyState from_json(const nlohmann::json& j) {
        return {parse_iso8601(j.value("expires_at", std::string())).value_or(TimePoint{})};
    }
    std::string fingerprint() const { return format_iso8601(expires_at); }
};

TimePoint g_expires{};
int g_fetches = 0;

class KeyProbe final : public ProbeWatch<KeyState> {
public:
    KeyProbe() : ProbeWatch("key", "main") {}
    Millis interval() const override { return 24h; }
    std::vector<Event> evaluate(const KeyState& s, TimePoint now) const override {
        if (s.expires_at - now > 14 * 24h) return {};
        Event e;
        e.type = s.expires_at - now <= 2 * 24h ? "test.key_expires_now" : "test.key_expiring";
        e.severity = s.expires_at - now <= 2 * 24h ? Severity::critical : Severity::warning;
        e.kind = EventKind::condition;
        e.account = "main";
        e.key = "test.key_expiring:main";
        e.details = {{"expires_at", format_iso8601(s.expires_at)}};
        return {e};
    }

protected:
    awaitable<KeyState> fetch(TimePoint) override {
        ++g_fetches;
        co_return KeyState{g_expires};
    }
};

std::vector<std::string> recorded(const CycleResult& r) {
    std::vector<std::string> out;
    for (const auto& e : r.recorded) out.push_back(e.type + (e.state == EventState::resolved ? "/resolved" : ""));
    return out;
}

}  // namespace

TEST(ProbeWatchTest, ConditionsFireEscalateAndResolveAndTheStateSurvivesARestart) {
    ozw::test::DaemonEnv env(at("2026-11-01T06:00:00Z"));
    g_expires = at("2026-11-30T06:00:00Z");
    auto probe = std::make_shared<KeyProbe>();
    WatchRunner r(probe, *env.store, null_router(), env.clock);
    EXPECT_TRUE(recorded(env.run([&] { return r.run_once(); })).empty());  // 29 days left
    ASSERT_TRUE(probe->state().has_value());
    env.clock.set(at("2026-11-16T06:00:00Z"));  // 14 days left
    EXPECT_EQ(recorded(env.run([&] { return r.run_once(); })), std::vector<std::string>{"test.key_expiring"});
    env.clock.set(at("2026-11-17T06:00:00Z"));
    EXPECT_TRUE(recorded(env.run([&] { return r.run_once(); })).empty());  // still holds: no repeat here
    env.clock.set(at("2026-11-28T06:00:00Z"));  // 2 days left
    EXPECT_EQ(recorded(env.run([&] { return r.run_once(); })), std::vector<std::string>{"test.key_expires_now"});
    g_expires = at("2027-02-28T06:00:00Z");     // a new key
    env.clock.set(at("2026-11-29T06:00:00Z"));
    EXPECT_EQ(recorded(env.run([&] { return r.run_once(); })),
              std::vector<std::string>{"test.key_expires_now/resolved"});

    env.reopen();
    auto again = std::make_shared<KeyProbe>();
    WatchRunner r2(again, *env.store, null_router(), env.clock);
    g_fetches = 0;
    EXPECT_TRUE(recorded(env.run([&] { return r2.run_once(); })).empty());
    EXPECT_EQ(again->state()->expires_at, at("2027-02-28T06:00:00Z"));
    EXPECT_EQ(g_fetches, 1);
}

TEST(ProbeWatchTest, AFailedApplyKeepsTheCommittedState) {
    ozw::test::DaemonEnv env(at("2026-11-01T06:00:00Z"));
    g_expires = at("2026-12-30T06:00:00Z");
    auto probe = std::make_shared<KeyProbe>();
    WatchRunner r(probe, *env.store, null_router(), env.clock);
    env.run([&] { return r.run_once(); });
    g_expires = at("2026-11-05T06:00:00Z");
    env.store->set_fail_after_for_tests(0);
    EXPECT_THROW(env.run([&] { return r.run_once(); }), StoreError);
    EXPECT_EQ(probe->state()->expires_at, at("2026-12-30T06:00:00Z"));
    env.store->set_fail_after_for_tests(-1);
    EXPECT_EQ(recorded(env.run([&] { return r.run_once(); })), std::vector<std::string>{"test.key_expiring"});
}
