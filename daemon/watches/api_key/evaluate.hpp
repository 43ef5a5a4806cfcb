#pragma once
// The API key's health, pure: what /v1/roles said (the key's expiry and the methods of its
// roles) against what the enabled watches call. Conditions:
//   source.key_expiring         (warning)  expires within warn_before;
//   source.key_expiring_urgent  (critical) within critical_before, or already expired;
//   source.role_missing         (warning)  an enabled watch calls a method no role of the key
//                                          covers: the role to add is named.
// source.auth_failed (a refused call) stays the engine's: this check is the early warning.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/event.hpp"
#include "daemon/watches/api_key/settings.hpp"

namespace ozw::daemon::api_key {

struct KeyRole {
    std::string name;
    std::vector<std::string> methods;  // paths or path prefixes ("/v1/posting")
};

// What the probe keeps (the single snapshot item "state").
struct KeyState {
    std::optional<TimePoint> expires_at;
    std::vector<KeyRole> roles;

    nlohmann::json to_json() const;
    static KeyState from_json(const nlohmann::json& j);
    std::string fingerprint() const;
};

// A method an enabled watch calls.
struct NeededMethod {
    std::string watch;  // how the manager calls the watch ("отзывы")
    std::string method; // "/v2/review/list"
};

// True when one of the key's roles covers `method`: a role's entry equal to it or a prefix of
// it at a path boundary ("/v1/posting" covers "/v1/posting/fbs/get"), or the Admin role.
bool covers(const std::vector<KeyRole>& roles, const std::string& method);

// The methods of `needed` that the key's roles do not cover (in `needed`'s order).
std::vector<NeededMethod> missing_methods(const KeyState& s, const std::vector<NeededMethod>& needed);

struct EvalContext {
    std::string account;
    ApiKeySettings settings;
    std::vector<NeededMethod> needed;
};

std::vector<Event> evaluate_key(const KeyState& s, TimePoint now, const EvalContext& ctx);

// The key's lines of the morning report's health section.
std::vector<std::string> key_report_lines(const std::optional<KeyState>& s, TimePoint now, const EvalContext& ctx,
                                          bool russian, const std::string& timezone);

inline constexpr const char* kApiKeysUrl = "https://seller.ozon.ru/app/settings/api-keys";

}  // namespace ozw::daemon::api_key
