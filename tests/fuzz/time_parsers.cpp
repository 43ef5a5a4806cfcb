// The time and decimal parsers on any text, with round-trip properties: an ISO-8601 time that
// parses prints as a time that parses back to the same instant; a duration that parses prints
// as one that parses back to the same length; a money amount that parses prints as one that
// parses back to the same value.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/decimal.hpp"
#include "common/time.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto t = ozw::parse_iso8601(text)) {
        auto again = ozw::parse_iso8601(ozw::format_iso8601_ms(*t));
        if (!again || *again != *t) __builtin_trap();
    }
    if (auto d = ozw::parse_duration(text)) {
        if (d->count() < 0) __builtin_trap();
        auto again = ozw::parse_duration(ozw::format_duration(*d));
        if (!again || *again != *d) __builtin_trap();
    }
    (void)ozw::parse_time_of_day(text);
    if (auto m = ozw::Decimal::parse(text)) {
        auto again = ozw::Decimal::parse(m->to_string(4));
        if (!again || *again != *m) __builtin_trap();
    }
    return 0;
}
