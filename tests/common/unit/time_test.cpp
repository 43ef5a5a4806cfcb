#include <gtest/gtest.h>

#include "common/time.hpp"

using namespace std::chrono;
using namespace std::chrono_literals;

namespace ozw {
namespace {

TimePoint utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
    auto days = sys_days{year{y} / month{mo} / day{d}};
    return TimePoint{days.time_since_epoch()} + hours{h} + minutes{mi} + seconds{s} + Millis{ms};
}

TEST(Iso8601, ParsesZuluFractionAndOffsets) {
    EXPECT_EQ(parse_iso8601("2026-11-26T07:00:00Z"), utc(2026, 11, 26, 7));
    EXPECT_EQ(parse_iso8601("2026-11-26T07:00:00.123Z"), utc(2026, 11, 26, 7, 0, 0, 123));
    EXPECT_EQ(parse_iso8601("2026-11-26T07:00:00.123456Z"), utc(2026, 11, 26, 7, 0, 0, 123));
    EXPECT_EQ(parse_iso8601("2026-11-26T10:00:00+03:00"), utc(2026, 11, 26, 7));
    EXPECT_EQ(parse_iso8601("2026-11-26T05:30:00-01:30"), utc(2026, 11, 26, 7));
    EXPECT_EQ(parse_iso8601("2026-11-26T10:00:00+0300"), utc(2026, 11, 26, 7));
    EXPECT_EQ(parse_iso8601("2026-11-26"), utc(2026, 11, 26));
    EXPECT_EQ(parse_iso8601("2026-11-26T07:00:00"), utc(2026, 11, 26, 7));  // no zone: UTC
}

TEST(Iso8601, EmptyNullAndMalformedAreNullopt) {
    EXPECT_FALSE(parse_iso8601(""));
    EXPECT_FALSE(parse_iso8601("null"));
    EXPECT_FALSE(parse_iso8601("0001-01-01T00:00:00Z"));  // Go zero time = "no date"
    EXPECT_FALSE(parse_iso8601("2026-13-01T00:00:00Z"));
    EXPECT_FALSE(parse_iso8601("2026-02-30T00:00:00Z"));
    EXPECT_FALSE(parse_iso8601("2026-11-26T25:00:00Z"));
    EXPECT_FALSE(parse_iso8601("2026-11-26T07:00:00Zjunk"));
    EXPECT_FALSE(parse_iso8601("yesterday"));
}

TEST(Iso8601, FormatsWholeSecondsAndMillis) {
    auto t = utc(2026, 11, 26, 7, 0, 3, 456);
    EXPECT_EQ(format_iso8601(t), "2026-11-26T07:00:03Z");
    EXPECT_EQ(format_iso8601_ms(t), "2026-11-26T07:00:03.456Z");
    EXPECT_EQ(parse_iso8601(format_iso8601_ms(t)), t);
}

TEST(Duration, ParsesUnitsAndCombinations) {
    EXPECT_EQ(parse_duration("90s"), Millis{90s});
    EXPECT_EQ(parse_duration("5m"), Millis{5min});
    EXPECT_EQ(parse_duration("2h"), Millis{2h});
    EXPECT_EQ(parse_duration("1d"), Millis{24h});
    EXPECT_EQ(parse_duration("1h30m"), Millis{90min});
    EXPECT_EQ(parse_duration("250ms"), Millis{250});
    EXPECT_EQ(parse_duration("0s"), Millis{0});
}

TEST(Duration, RejectsMalformed) {
    for (const char* bad : {"", "5x", "5", "m", "-5m", "5 m", "1h30", "h1", "1.5h"})
        EXPECT_FALSE(parse_duration(bad)) << bad;
}

TEST(Iso8601, TimesOutside1970To9999AreRefusedNotWrapped) {
    EXPECT_FALSE(parse_iso8601("9999-12-31T23:30:00-01:00"));  // year 10000 in UTC
    EXPECT_TRUE(parse_iso8601("9999-12-31T23:59:59Z"));
    EXPECT_EQ(format_iso8601(*parse_iso8601("9999-12-31T23:59:59Z")), "9999-12-31T23:59:59Z");
    EXPECT_FALSE(parse_iso8601("1969-12-31T23:59:59Z"));
    EXPECT_FALSE(parse_iso8601("1970-01-01T00:30:00+01:00"));  // 1969 in UTC
    EXPECT_EQ(parse_iso8601("1970-01-01T00:00:00Z"), TimePoint{});
    EXPECT_FALSE(parse_iso8601("0001-01-01T00:00:00Z"));  // Go's zero: no date
}

TEST(Duration, RefusesMoreThanAHundredYearsInsteadOfWrappingAround) {
    std::string huge;
    for (int i = 0; i < 200; ++i) huge += "1000000000d";  // each part fits; the sum does not
    EXPECT_FALSE(parse_duration(huge));
    EXPECT_FALSE(parse_duration("1000000001s"));  // one part too big
    EXPECT_FALSE(parse_duration("1000000000d"));  // more than 100 years
    EXPECT_EQ(parse_duration("36500d"), Millis{36500LL * 86'400'000LL});
    EXPECT_FALSE(parse_duration("36500d1ms"));
    // Found by fuzz_time_parsers: it parsed, but printed as days that no longer parse.
    EXPECT_FALSE(parse_duration("255s0m22605800m525845250d5ms0m22605800m525845250d5m"));
}

TEST(Duration, FormatsCompactly) {
    EXPECT_EQ(format_duration(Millis{90min}), "1h30m");
    EXPECT_EQ(format_duration(Millis{48h}), "2d");
    EXPECT_EQ(format_duration(Millis{45s}), "45s");
    EXPECT_EQ(format_duration(Millis{0}), "0s");
    EXPECT_EQ(parse_duration(format_duration(Millis{26h + 5s})), Millis{26h + 5s});
}

TEST(TimeOfDay, ParsesAndRejects) {
    EXPECT_EQ(parse_time_of_day("17:00"), (TimeOfDay{17, 0}));
    EXPECT_EQ(parse_time_of_day("9:05"), (TimeOfDay{9, 5}));
    EXPECT_EQ(parse_time_of_day("00:00"), (TimeOfDay{0, 0}));
    for (const char* bad : {"24:00", "17:60", "17", "17:0", "ab:cd", "", "-1:00", "123:00"})
        EXPECT_FALSE(parse_time_of_day(bad)) << bad;
    EXPECT_EQ(format_time_of_day({9, 5}), "09:05");
    EXPECT_EQ((TimeOfDay{17, 30}).since_midnight(), minutes{17 * 60 + 30});
}

TEST(TimeZone, UnknownZoneThrowsAndIsInvalid) {
    EXPECT_TRUE(TimeZone::is_valid("Europe/Moscow"));
    EXPECT_FALSE(TimeZone::is_valid("Mars/Olympus"));
    EXPECT_FALSE(TimeZone::is_valid(""));
    EXPECT_THROW(TimeZone("Mars/Olympus"), std::runtime_error);
}

TEST(TimeZone, MoscowMidnightAndLocalTime) {
    TimeZone msk("Europe/Moscow");  // UTC+3, no DST
    auto t = utc(2026, 11, 26, 22, 30);  // 01:30 on the 27th in Moscow
    EXPECT_EQ(msk.local_midnight(t), utc(2026, 11, 26, 21));
    EXPECT_EQ(msk.at_local(t, {17, 0}), utc(2026, 11, 27, 14));
    EXPECT_EQ(msk.format_local(t), "27.11.2026 01:30");
}

TEST(TimeZone, DaylightSavingZoneKeepsWallClock) {
    TimeZone berlin("Europe/Berlin");
    // 17:00 local is 15:00 UTC in summer (CEST) and 16:00 UTC in winter (CET).
    EXPECT_EQ(berlin.at_local(utc(2026, 7, 1, 10), {17, 0}), utc(2026, 7, 1, 15));
    EXPECT_EQ(berlin.at_local(utc(2026, 12, 1, 10), {17, 0}), utc(2026, 12, 1, 16));
    // The spring-forward day (29 March 2026) is 23 hours long.
    auto day_start = berlin.local_midnight(utc(2026, 3, 29, 12));
    auto next_start = berlin.local_midnight(utc(2026, 3, 30, 12));
    EXPECT_EQ(next_start - day_start, Millis{23h});
    // 02:30 does not exist that day; it resolves to the moment of the jump (01:00 UTC).
    EXPECT_EQ(berlin.at_local(utc(2026, 3, 29, 12), {2, 30}), utc(2026, 3, 29, 1));
}

TEST(PayoutPeriod, FirstHalfAndSecondHalfInLocalTime) {
    TimeZone msk("Europe/Moscow");
    auto p1 = payout_period_containing(msk, utc(2026, 11, 10, 12));
    EXPECT_EQ(p1.start, utc(2026, 10, 31, 21));  // 1 Nov 00:00 MSK
    EXPECT_EQ(p1.end, utc(2026, 11, 15, 21));    // 16 Nov 00:00 MSK
    EXPECT_EQ(p1.label, "01.11.2026\xE2\x80\x93" "15.11.2026");

    auto p2 = payout_period_containing(msk, utc(2026, 11, 26, 7));
    EXPECT_EQ(p2.start, utc(2026, 11, 15, 21));
    EXPECT_EQ(p2.end, utc(2026, 11, 30, 21));  // 1 Dec 00:00 MSK
    EXPECT_EQ(p2.label, "16.11.2026\xE2\x80\x93" "30.11.2026");
}

TEST(PayoutPeriod, BoundaryUsesLocalNotUtcDate) {
    TimeZone msk("Europe/Moscow");
    // 15 Nov 22:00 UTC is already 16 Nov 01:00 in Moscow: second half.
    auto p = payout_period_containing(msk, utc(2026, 11, 15, 22));
    EXPECT_EQ(p.start, utc(2026, 11, 15, 21));
    // December's second half ends at the new year; February's at 1 March.
    auto dec = payout_period_containing(msk, utc(2026, 12, 20));
    EXPECT_EQ(dec.end, utc(2026, 12, 31, 21));
    auto feb = payout_period_containing(msk, utc(2028, 2, 20));
    EXPECT_EQ(feb.label, "16.02.2028\xE2\x80\x93" "29.02.2028");
}

}  // namespace
}  // namespace ozw
