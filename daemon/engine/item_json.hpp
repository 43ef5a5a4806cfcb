#pragma once
// Reading and writing a snapshot item's stored JSON, tolerantly: a missing key, a null or a
// value of another type gives the empty value, never an exception (a row written by an older
// release, or damaged, must not stop a watch). Shared by every watch's Item::to_json/from_json.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/decimal.hpp"
#include "common/time.hpp"

namespace ozw::daemon::item_json {

inline nlohmann::json time_or_null(const std::optional<TimePoint>& t) {
    return t ? nlohmann::json(format_iso8601(*t)) : nlohmann::json(nullptr);
}

inline std::optional<TimePoint> time_of(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    return parse_iso8601(it->get<std::string>());
}

inline std::string str_of(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

inline double num_of(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

inline long long int_of(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? it->get<long long>() : 0;
}

inline bool flag_of(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
}

// An exact amount stored as text ("3490.10"); zero when missing or unreadable.
inline Decimal decimal_of(const nlohmann::json& j, const char* key) {
    return Decimal::parse(str_of(j, key)).value_or(Decimal{});
}

// The strings of an array (other entries skipped).
inline std::vector<std::string> strings_of(const nlohmann::json& j, const char* key) {
    std::vector<std::string> out;
    auto it = j.find(key);
    if (it == j.end() || !it->is_array()) return out;
    for (const auto& v : *it)
        if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
}

}  // namespace ozw::daemon::item_json
