// Whether Ozon still sends pushes: source.push_silent after a day without TYPE_PING, counted
// from the later of the last ping and the day pushes were enabled; the report's line.
#include <gtest/gtest.h>

#include "common/time.hpp"
#include "daemon/engine/push_health.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;

namespace {
TimePoint at(const char* iso) { return *parse_iso8601(iso); }
}  // namespace

TEST(PushHealthTest, NothingBeforeADayOfSilenceSinceEnablingThenOneWarning) {
    PushHealth h{std::nullopt, at("2026-11-26T06:00:00Z")};
    EXPECT_TRUE(push_silence_conditions(h, at("2026-11-27T05:59:59Z"), 24h).empty());
    auto c = push_silence_conditions(h, at("2026-11-27T06:00:00Z"), 24h);
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0].type, "source.push_silent");
    EXPECT_EQ(c[0].key, "source.push_silent");
    EXPECT_EQ(c[0].severity, Severity::warning);
    EXPECT_EQ(c[0].account, "");
    EXPECT_TRUE(c[0].details.at("last_ping").is_null());
    EXPECT_EQ(c[0].details.at("enabled_since"), "2026-11-26T06:00:00Z");
    EXPECT_EQ(c[0].details.at("silent_hours"), 24);
    EXPECT_EQ(c[0].occurred_at, at("2026-11-27T06:00:00Z"));
}

TEST(PushHealthTest, APingRestartsTheDayAndAnOldPingDoesNotPredateEnabling) {
    // Pinged yesterday at 10:00: silent from then.
    PushHealth h{at("2026-11-26T10:00:00Z"), at("2026-11-20T00:00:00Z")};
    EXPECT_TRUE(push_silence_conditions(h, at("2026-11-27T09:00:00Z"), 24h).empty());
    EXPECT_EQ(push_silence_conditions(h, at("2026-11-27T10:30:00Z"), 24h).size(), 1u);
    // A ping from before pushes were (re-)enabled: the day counts from enabling.
    PushHealth re{at("2026-10-01T10:00:00Z"), at("2026-11-26T06:00:00Z")};
    EXPECT_TRUE(push_silence_conditions(re, at("2026-11-27T05:00:00Z"), 24h).empty());
    // Neither known (pushes off): nothing.
    EXPECT_TRUE(push_silence_conditions(PushHealth{}, at("2026-11-27T05:00:00Z"), 24h).empty());
}

TEST(PushHealthTest, TheReportLineSaysTheLastPingInLocalTimeAndWarnsWhenSilent) {
    PushHealth h{at("2026-11-26T10:00:00Z"), at("2026-11-20T00:00:00Z")};
    EXPECT_EQ(push_health_line(h, at("2026-11-26T12:00:00Z"), 24h, true, "Europe/Moscow"),
              "Push-уведомления Ozon: последняя проверка (TYPE_PING) 26.11.2026 13:00");
    EXPECT_EQ(push_health_line(h, at("2026-11-27T12:00:00Z"), 24h, true, "Europe/Moscow"),
              "Push-уведомления Ozon: последняя проверка (TYPE_PING) 26.11.2026 13:00; больше суток тишины: "
              "Ozon мог приостановить отправку, подтвердите адрес в кабинете");
    EXPECT_EQ(push_health_line(PushHealth{std::nullopt, at("2026-11-26T10:00:00Z")}, at("2026-11-26T12:00:00Z"), 24h,
                               false, "Europe/Moscow"),
              "Ozon push notifications: no check (TYPE_PING) from Ozon yet");
}
