#include "common/time.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <cctype>
#include <cstdio>
#include <stdexcept>

namespace ozw {

namespace {

// Reads exactly `n` digits at `pos`; advances pos. -1 when not digits.
int read_digits(std::string_view s, std::size_t& pos, std::size_t n) {
    if (pos + n > s.size()) return -1;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        char c = s[pos + i];
        if (c < '0' || c > '9') return -1;
        v = v * 10 + (c - '0');
    }
    pos += n;
    return v;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

}  // namespace

std::optional<TimePoint> parse_iso8601(std::string_view text) {
    using namespace std::chrono;
    std::string_view s = trim(text);
    if (s.empty() || s == "null" || s == "None") return std::nullopt;
    std::size_t pos = 0;
    int y = read_digits(s, pos, 4);
    if (y < 0 || pos >= s.size() || s[pos++] != '-') return std::nullopt;
    int mo = read_digits(s, pos, 2);
    if (mo < 0 || pos >= s.size() || s[pos++] != '-') return std::nullopt;
    int d = read_digits(s, pos, 2);
    if (d < 0) return std::nullopt;
    date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                             date::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    // Go's zero time ("0001-01-01T00:00:00Z") is how Ozon says "no date"; outside 1970..9999
    // a time is not one we can store or print back (an offset could carry 9999-12-31 into
    // year 10000, see the check at the end).
    if (y < 1970) return std::nullopt;
    Millis tod{0};
    Millis offset{0};
    if (pos < s.size()) {
        if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
        ++pos;
        int hh = read_digits(s, pos, 2);
        if (hh < 0 || hh > 23 || pos >= s.size() || s[pos++] != ':') return std::nullopt;
        int mm = read_digits(s, pos, 2);
        if (mm < 0 || mm > 59) return std::nullopt;
        int ss = 0;
        if (pos < s.size() && s[pos] == ':') {
            ++pos;
            ss = read_digits(s, pos, 2);
            if (ss < 0 || ss > 60) return std::nullopt;
        }
        tod = hours{hh} + minutes{mm} + seconds{ss};
        if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
            ++pos;
            int ms = 0, ndig = 0;
            while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
                if (ndig < 3) ms = ms * 10 + (s[pos] - '0');
                ++ndig;
                ++pos;
            }
            if (ndig == 0) return std::nullopt;
            for (int i = ndig; i < 3; ++i) ms *= 10;
            tod += Millis{ms};
        }
        if (pos < s.size()) {
            char c = s[pos];
            if (c == 'Z' || c == 'z') {
                ++pos;
            } else if (c == '+' || c == '-') {
                ++pos;
                int oh = read_digits(s, pos, 2);
                if (oh < 0 || oh > 23) return std::nullopt;
                int om = 0;
                if (pos < s.size() && s[pos] == ':') ++pos;
                if (pos < s.size()) {
                    om = read_digits(s, pos, 2);
                    if (om < 0 || om > 59) return std::nullopt;
                }
                offset = hours{oh} + minutes{om};
                if (c == '-') offset = -offset;
            } else {
                return std::nullopt;
            }
        }
        if (pos != s.size()) return std::nullopt;
    }
    const TimePoint t = TimePoint{date::sys_days{ymd}.time_since_epoch()} + tod - offset;
    static const TimePoint kFirst{}, kEnd{date::sys_days{date::year{10000} / 1 / 1}.time_since_epoch()};
    if (t < kFirst || t >= kEnd) return std::nullopt;  // 1970..9999 in UTC, as format_iso8601 prints
    return t;
}

namespace {
// Formats without iostreams: the watches format thousands of timestamps per poll.
std::string format_utc(TimePoint t, bool with_millis) {
    using namespace std::chrono;
    const auto ms_total = t.time_since_epoch().count();
    auto day = floor<days>(t);
    year_month_day ymd{sys_days{day}};
    long long ms_of_day = ms_total - day.time_since_epoch().count() * 86'400'000LL;
    const int h = static_cast<int>(ms_of_day / 3'600'000);
    const int m = static_cast<int>(ms_of_day / 60'000 % 60);
    const int sec = static_cast<int>(ms_of_day / 1000 % 60);
    const int milli = static_cast<int>(ms_of_day % 1000);
    char buf[64];
    int n = with_millis
                ? std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                                static_cast<unsigned>(ymd.day()), h, m, sec, milli)
                : std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ",
                                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                                static_cast<unsigned>(ymd.day()), h, m, sec);
    return std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
}
}  // namespace

std::string format_iso8601(TimePoint t) { return format_utc(t, false); }

std::string format_iso8601_ms(TimePoint t) { return format_utc(t, true); }

std::optional<Millis> parse_duration(std::string_view text) {
    std::string_view s = trim(text);
    if (s.empty()) return std::nullopt;
    long long total = 0;
    std::size_t pos = 0;
    while (pos < s.size()) {
        if (!std::isdigit(static_cast<unsigned char>(s[pos]))) return std::nullopt;
        long long n = 0;
        while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
            n = n * 10 + (s[pos] - '0');
            if (n > 1'000'000'000LL) return std::nullopt;
            ++pos;
        }
        if (pos >= s.size()) return std::nullopt;  // a bare number has no unit
        long long unit = 0;
        if (s.substr(pos, 2) == "ms") {
            unit = 1;
            pos += 2;
        } else {
            switch (s[pos]) {
                case 's': unit = 1000; break;
                case 'm': unit = 60'000; break;
                case 'h': unit = 3'600'000; break;
                case 'd': unit = 86'400'000; break;
                default: return std::nullopt;
            }
            ++pos;
        }
        // n <= 1e9 and unit <= 8.64e7: the product fits; the sum is checked (many parts).
        if (__builtin_add_overflow(total, n * unit, &total)) return std::nullopt;
    }
    // At most 100 years: longer means nothing in a configuration, and every duration parsed
    // must print (format_duration) as one that parses back to the same length.
    if (total > 36500LL * 86'400'000LL) return std::nullopt;
    return Millis{total};
}

std::string format_duration(Millis d) {
    long long ms = d.count();
    if (ms == 0) return "0s";
    std::string out;
    if (ms < 0) {
        out = "-";
        ms = -ms;
    }
    const struct { long long size; const char* unit; } parts[] = {
        {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}, {1, "ms"}};
    for (const auto& p : parts) {
        if (ms >= p.size) {
            out += std::to_string(ms / p.size) + p.unit;
            ms %= p.size;
        }
    }
    return out;
}

std::optional<TimeOfDay> parse_time_of_day(std::string_view text) {
    std::string_view s = trim(text);
    auto colon = s.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 2) return std::nullopt;
    std::string_view hs = s.substr(0, colon), ms = s.substr(colon + 1);
    if (ms.size() != 2) return std::nullopt;
    std::size_t p = 0;
    int h = read_digits(hs, p, hs.size());
    p = 0;
    int m = read_digits(ms, p, 2);
    if (h < 0 || h > 23 || m < 0 || m > 59) return std::nullopt;
    return TimeOfDay{h, m};
}

std::string format_time_of_day(TimeOfDay t) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", t.hour % 100, t.minute % 100);
    return buf;
}

TimeZone::TimeZone(const std::string& name) : name_(name), zone_(nullptr) {
    try {
        zone_ = date::locate_zone(name);
    } catch (const std::exception&) {
        zone_ = nullptr;
    }
    if (!zone_) throw std::runtime_error("unknown time zone \"" + name + "\"");
}

bool TimeZone::is_valid(const std::string& name) {
    if (name.empty()) return false;
    try {
        return date::locate_zone(name) != nullptr;
    } catch (const std::exception&) {
        return false;
    }
}

std::chrono::local_time<Millis> TimeZone::to_local(TimePoint t) const {
    auto lt = zone_->to_local(t);  // date::local_time<Millis>
    return std::chrono::local_time<Millis>{lt.time_since_epoch()};
}

TimePoint TimeZone::local_midnight(TimePoint t) const {
    auto lt = zone_->to_local(t);
    auto day = date::floor<date::days>(lt);
    // A midnight skipped by a DST jump resolves to the first valid instant.
    return date::floor<Millis>(zone_->to_sys(date::local_time<Millis>{day.time_since_epoch()},
                                             date::choose::earliest));
}

TimePoint TimeZone::at_local(TimePoint t, TimeOfDay tod) const {
    auto lt = zone_->to_local(t);
    auto day = date::floor<date::days>(lt);
    date::local_time<Millis> target{day.time_since_epoch() + tod.since_midnight()};
    return date::floor<Millis>(zone_->to_sys(target, date::choose::earliest));
}

std::string TimeZone::format_local(TimePoint t, const char* fmt) const {
    auto lt = zone_->to_local(std::chrono::floor<std::chrono::seconds>(t));
    return date::format(fmt, lt);
}

PayoutPeriod payout_period_containing(const TimeZone& tz, TimePoint t) {
    using namespace date;
    auto lt = tz.to_local(t);
    local_days ld = floor<days>(local_time<Millis>{lt.time_since_epoch()});
    year_month_day ymd{ld};
    year_month_day start_ymd = ymd.day() <= day{15} ? ymd.year() / ymd.month() / 1
                                                    : ymd.year() / ymd.month() / 16;
    year_month_day end_ymd = ymd.day() <= day{15}
                                 ? ymd.year() / ymd.month() / 16
                                 : year_month_day{(ymd.year() / ymd.month() + months{1}) / 1};
    // Midnight of a local day as UTC: find local noon of that day (offsets reach +14h, so
    // UTC noon may already be the next local day), then take the zone's midnight.
    auto midnight = [&](year_month_day d) {
        TimePoint utc_noon = TimePoint{sys_days{d}.time_since_epoch()} + std::chrono::hours{12};
        Millis offset = tz.to_local(utc_noon).time_since_epoch() - utc_noon.time_since_epoch();
        return tz.local_midnight(utc_noon - offset);
    };
    PayoutPeriod p;
    p.start = midnight(start_ymd);
    p.end = midnight(end_ymd);
    year_month_day last = year_month_day{local_days{end_ymd} - days{1}};
    p.label = format("%d.%m.%Y", local_days{start_ymd}) + "\xE2\x80\x93" +
              format("%d.%m.%Y", local_days{last});
    return p;
}

}  // namespace ozw
