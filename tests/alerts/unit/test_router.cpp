#include <gtest/gtest.h>

#include "alerts/router.hpp"
#include "alerts_test_util.hpp"

using namespace ozw;
using namespace ozw::alerts;
using namespace ozw::alerts::testing;

TEST(Route, TypePatterns) {
    EXPECT_TRUE(type_matches("test.*", "test.posting_new"));
    EXPECT_TRUE(type_matches("test.posting_new", "test.posting_new"));
    EXPECT_TRUE(type_matches("*", "other.thing"));
    EXPECT_FALSE(type_matches("test.*", "tests.posting_new"));
    EXPECT_FALSE(type_matches("test.*", "other.thing"));
    EXPECT_FALSE(type_matches("test.posting_new", "test.posting_newer"));
}

TEST(Route, SeverityTypesAndAccounts) {
    RouteConfig r;
    r.min_severity = Severity::warning;
    EXPECT_FALSE(route_accepts(r, transition("1", Severity::info)));
    EXPECT_TRUE(route_accepts(r, transition("1", Severity::warning)));
    r.include_types = {"test.posting_*"};
    r.exclude_types = {"test.posting_slow"};
    EXPECT_TRUE(route_accepts(r, transition("1", Severity::critical, kProblem)));
    EXPECT_FALSE(route_accepts(r, transition("1", Severity::critical, kSlow)));
    EXPECT_FALSE(route_accepts(r, transition("1", Severity::critical, kUnread)));
    r.accounts = {"second"};
    EXPECT_FALSE(route_accepts(r, transition("1", Severity::critical, kProblem)));
}

TEST(QuietHours, AcrossMidnightInMoscow) {
    TimeZone tz("Europe/Moscow");  // UTC+3
    QuietHours q{{22, 0}, {8, 0}};
    // 23:30 MSK -> released at 08:00 MSK next day (05:00Z).
    EXPECT_EQ(quiet_hours_release(q, tz, Severity::info, at("2026-11-26T20:30:00Z")), at("2026-11-27T05:00:00Z"));
    // 02:00 MSK -> 08:00 MSK the same day.
    EXPECT_EQ(quiet_hours_release(q, tz, Severity::warning, at("2026-11-26T23:00:00Z")), at("2026-11-27T05:00:00Z"));
    // 07:59 MSK -> 08:00 MSK.
    EXPECT_EQ(quiet_hours_release(q, tz, Severity::info, at("2026-11-27T04:59:00Z")), at("2026-11-27T05:00:00Z"));
    // 08:00 and 21:59 MSK: outside.
    EXPECT_EQ(quiet_hours_release(q, tz, Severity::info, at("2026-11-27T05:00:00Z")), at("2026-11-27T05:00:00Z"));
    EXPECT_EQ(quiet_hours_release(q, tz, Severity::info, at("2026-11-27T18:59:00Z")), at("2026-11-27T18:59:00Z"));
    // 22:00 MSK: inside.
    EXPECT_EQ(quiet_hours_release(q, tz, Severity::info, at("2026-11-27T19:00:00Z")), at("2026-11-28T05:00:00Z"));
    // Critical goes at once.
    EXPECT_EQ(quiet_hours_release(q, tz, Severity::critical, at("2026-11-26T20:30:00Z")), at("2026-11-26T20:30:00Z"));
    // No quiet hours.
    EXPECT_EQ(quiet_hours_release(std::nullopt, tz, Severity::info, at("2026-11-26T20:30:00Z")), at("2026-11-26T20:30:00Z"));
}

TEST(QuietHours, WithinOneDay) {
    TimeZone tz("Europe/Moscow");
    QuietHours q{{13, 0}, {15, 0}};
    EXPECT_EQ(quiet_hours_release(q, tz, Severity::info, at("2026-11-26T10:30:00Z")), at("2026-11-26T12:00:00Z"));
    EXPECT_EQ(quiet_hours_release(q, tz, Severity::info, at("2026-11-26T12:30:00Z")), at("2026-11-26T12:30:00Z"));
}

TEST(Router, ChannelsFromConfigAndThreads) {
    Config c = base_config();
    TelegramChat forum;
    forum.chat_id = "-200";
    forum.message_thread_id = 7;
    c.notify.telegram->chats.push_back(forum);
    c.notify.event_log = EventLogConfig{"/tmp/x.jsonl", {}};
    auto ch = channels_from_config(c, true);
    ASSERT_EQ(ch.size(), 5u);
    EXPECT_EQ(ch[0].name, "telegram:-100");
    EXPECT_EQ(ch[1].name, "telegram:-200:7");
    EXPECT_EQ(ch[2].name, "email");
    EXPECT_EQ(ch[3].name, "event_log");
    EXPECT_EQ(ch[4].name, "console");
}

TEST(Router, SilencesMuteUntilTheyExpireButNotTheEventLog) {
    TempDir dir;
    Store store(dir.file("s.db"));
    ManualClock clock(at("2026-11-26T09:00:00Z"));
    Config c = base_config();
    c.notify.event_log = EventLogConfig{dir.file("e.jsonl"), {}};
    AlertRouter router(c, store, clock);
    store.add_silence("test.posting_*", clock.now() + std::chrono::hours(1), "maintenance", clock.now());

    auto t = router(transition("1", Severity::critical, kProblem));
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].channel, "event_log");
    // Other types are not muted.
    EXPECT_EQ(router(transition("1", Severity::critical, kUnread)).size(), 3u);

    clock.advance(std::chrono::minutes(61));
    EXPECT_EQ(router(transition("1", Severity::critical, kProblem)).size(), 3u);
}

TEST(Router, SilenceByKey) {
    TempDir dir;
    Store store(dir.file("s.db"));
    ManualClock clock(at("2026-11-26T09:00:00Z"));
    AlertRouter router(base_config(), store, clock);
    store.add_silence("test.posting_problem:1", clock.now() + std::chrono::hours(1), "", clock.now());
    EXPECT_TRUE(router(transition("1", Severity::critical, kProblem)).empty());
    EXPECT_EQ(router(transition("2", Severity::critical, kProblem)).size(), 2u);
}

TEST(Router, QuietHoursDelayPerChannelAndResolvedCanBeOff) {
    TempDir dir;
    Store store(dir.file("s.db"));
    ManualClock clock(at("2026-11-26T20:30:00Z"));  // 23:30 MSK
    Config c = base_config();
    c.notify.telegram->chats[0].route.quiet_hours = QuietHours{{22, 0}, {8, 0}};
    c.notify.no_resolved_types = {"test.posting_sl*", kUnread};
    c.notify.email->route.min_severity = Severity::info;
    AlertRouter router(c, store, clock);
    auto t = router(transition("1", Severity::warning));
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0].channel, "telegram:-100");
    EXPECT_EQ(t[0].not_before, at("2026-11-27T05:00:00Z"));
    EXPECT_EQ(t[1].channel, "email");
    EXPECT_EQ(t[1].not_before, clock.now());

    Event r = condition("1", Severity::warning, kSlow);
    r.state = EventState::resolved;
    EXPECT_TRUE(router(r).empty());
    r.type = kProblem;
    EXPECT_EQ(router(r).size(), 2u);
}
