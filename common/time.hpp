#pragma once
// Time helpers: ISO-8601 UTC formatting/parsing (Ozon sends "2026-11-26T07:00:00Z", sometimes
// with milliseconds, sometimes an empty string), durations ("90s", "5m", "2h", "1d"), times of
// day ("17:00"), time zones (Howard Hinnant's date/tz over the OS tz database) and the payout
// periods (1st-15th, 16th-end of month, local time).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace date { class time_zone; }

namespace ozw {

// "2026-11-26T07:00:00Z" (or with .123 / +03:00); nullopt for "", null-like or malformed text.
std::optional<TimePoint> parse_iso8601(std::string_view text);
// Always "YYYY-MM-DDThh:mm:ssZ" (UTC, whole seconds).
std::string format_iso8601(TimePoint t);
// Same with milliseconds "YYYY-MM-DDThh:mm:ss.mmmZ".
std::string format_iso8601_ms(TimePoint t);

// "90s", "5m", "2h", "1d", "1h30m"; nullopt if malformed or zero-length text.
std::optional<Millis> parse_duration(std::string_view text);
std::string format_duration(Millis d);  // "1h30m", "2d", "45s"

struct TimeOfDay {
    int hour = 0;
    int minute = 0;
    auto operator<=>(const TimeOfDay&) const = default;
    std::chrono::minutes since_midnight() const { return std::chrono::minutes{hour * 60 + minute}; }
};
// "17:00", "9:05"; nullopt if malformed or out of range.
std::optional<TimeOfDay> parse_time_of_day(std::string_view text);
std::string format_time_of_day(TimeOfDay t);

// A resolved time zone; throws std::runtime_error for an unknown name.
class TimeZone {
public:
    explicit TimeZone(const std::string& name);
    static bool is_valid(const std::string& name);
    const std::string& name() const { return name_; }
    // Local calendar day (midnight local) containing t, as a UTC instant.
    TimePoint local_midnight(TimePoint t) const;
    // The UTC instant of local time-of-day `tod` on the local day containing t.
    TimePoint at_local(TimePoint t, TimeOfDay tod) const;
    // Local wall-clock fields.
    std::chrono::local_time<Millis> to_local(TimePoint t) const;
    // "26.11.2026 10:00" in local time.
    std::string format_local(TimePoint t, const char* fmt = "%d.%m.%Y %H:%M") const;

private:
    std::string name_;
    const date::time_zone* zone_;
};

// Payout period: [start, end) local days; 1st-15th and 16th-end of month.
struct PayoutPeriod {
    TimePoint start;  // local midnight of day 1 or 16, as UTC
    TimePoint end;    // local midnight of the next period start, as UTC
    std::string label;  // "01.11.2026–15.11.2026"
};
PayoutPeriod payout_period_containing(const TimeZone& tz, TimePoint t);

}  // namespace ozw
