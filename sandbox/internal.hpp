#pragma once
// Pieces of the sandbox shared by its .cpp files (not for other layers).
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "sandbox/scenario.hpp"

namespace ozw::sandbox::detail {

struct ApiResult {
    int status = 200;
    nlohmann::json body;
    std::vector<std::pair<std::string, std::string>> headers;
};

// Ozon's error body {"code":N,"message":"...","details":[]}.
nlohmann::json ozon_error_body(int code, const std::string& message);
ApiResult ozon_error(int http_status, int code, const std::string& message);

bool is_ozon_method(std::string_view path);   // one of the served 2026 methods
bool is_retired_method(std::string_view path); // a switched-off method
std::string retired_replacement(std::string_view path);
// Methods each role grants (for /v1/roles and the role check); "Admin" grants all.
std::vector<std::string> role_methods(const std::string& role);
bool account_may_call(const Account& acc, std::string_view path);

// /v1/finance/accrual/by-day: accruals per page, and how long a last_id lives (VIRTUAL time,
// counted from the answer that gave it). An older one answers 400 {"code":3,"message":
// kLastIdExpired,"details":[]}: the client must restart that date with an empty last_id.
inline constexpr std::size_t kByDayPage = 100;
inline constexpr std::chrono::minutes kLastIdLifetime{15};
inline constexpr const char* kLastIdExpired = "last_id expired";

// Runs one Ozon method on the scenario (state may change: by-day cursors). `req` is the parsed
// body. The caller has checked authentication.
ApiResult ozon_call(const std::string& path, const nlohmann::json& req, Scenario& s,
                    const Account& acc, TimePoint now);

// Telegram HTML-mode check. ok=false -> `error` is the text after "can't parse entities: ".
struct HtmlCheck {
    bool ok = true;
    std::string error;
    std::size_t text_length = 0;  // Unicode code points after entity parsing
};
HtmlCheck check_telegram_html(std::string_view text);
std::size_t utf8_length(std::string_view s);

// Substatus Ozon shows for a status when the scenario does not name one.
std::string default_substatus(const std::string& status);

// Glob with '*' only.
bool glob_match(std::string_view pattern, std::string_view text);
std::string base64_encode(std::string_view in);
std::optional<std::string> base64_decode(std::string_view in);

}  // namespace ozw::sandbox::detail
