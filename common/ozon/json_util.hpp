#pragma once
// Internal helpers of the Ozon parsers (and the InSales parser): tolerant field readers that
// report schema surprises once per (method, field). Not part of the public client API.
#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ozon/models.hpp"

namespace ozw::ozon::detail {

// An integral double within int64 ("1e3", 2.0) as an integer; nullopt otherwise.
inline std::optional<long long> integral(double d) {
    if (std::isfinite(d) && std::fabs(d) < 9.2e18 && d == std::floor(d)) return static_cast<long long>(d);
    return std::nullopt;
}

// Reader::opt_int's reading of a non-empty string: an integer ("1000015552") or an integral
// number ("1e3"); nullopt otherwise. Shared by the nlohmann and simdjson readers.
inline std::optional<long long> integer_from_text(std::string_view s) {
    const char* end = s.data() + s.size();
    long long out = 0;
    auto [p, ec] = std::from_chars(s.data(), end, out);
    if (ec == std::errc() && p == end) return out;
    double d = 0;
    auto [p2, ec2] = std::from_chars(s.data(), end, d);
    if (ec2 == std::errc() && p2 == end) return integral(d);
    return std::nullopt;
}

// Logs one warning per (method, field) per process.
void schema_surprise(std::string_view method, std::string_view field, const nlohmann::json& value);
// Same, with the JSON type name of the value ("number", "object", ...) for non-nlohmann parsers.
void schema_surprise(std::string_view method, std::string_view field, const char* type_name);

// Size limit, nesting pre-check (no recursion on hostile input), then a non-throwing parse.
// Throws ParseError.
nlohmann::json parse_body(std::string_view body, std::string_view method);

// The value of obj[key], or nullptr when obj is not an object, the key is missing or null.
const nlohmann::json* field(const nlohmann::json& obj, const char* key);

const nlohmann::json& top_object(const nlohmann::json& j, std::string_view method);

struct Reader {
    const char* method;

    std::optional<long long> opt_int(const nlohmann::json& obj, const char* key) const;
    long long integer(const nlohmann::json& obj, const char* key, long long def = 0) const;
    std::optional<double> opt_number(const nlohmann::json& obj, const char* key) const;
    std::optional<double> to_number(const nlohmann::json& v, const char* key) const;
    double number(const nlohmann::json& obj, const char* key, double def = 0.0) const;
    std::string str(const nlohmann::json& obj, const char* key) const;
    bool boolean(const nlohmann::json& obj, const char* key, bool def = false) const;
    OptTime time(const nlohmann::json& obj, const char* key) const;
    Money money_value(const nlohmann::json& v, const char* key,
                      std::string_view default_currency = {}) const;
    Money money(const nlohmann::json& obj, const char* key,
                std::string_view default_currency = {}) const;
    std::optional<Money> opt_money(const nlohmann::json& obj, const char* key) const;
    const nlohmann::json* object(const nlohmann::json& obj, const char* key) const;
    const nlohmann::json* array(const nlohmann::json& obj, const char* key) const;
    std::vector<std::string> strings(const nlohmann::json& obj, const char* key) const;
};

// The v4 posting pages (list and unfulfilled list), parsed with simdjson On-Demand
// (posting_page.cpp): what parse_posting_list / parse_unfulfilled_list use.
PostingPage parse_posting_page_simd(std::string_view body, const char* method, bool unfulfilled);
// The same pages through nlohmann/json and the Reader (models.cpp); kept as the tests' oracle
// (and for /v3/posting/fbs/get, which shares read_posting).
PostingPage parse_posting_page_dom(std::string_view body, const char* method, bool unfulfilled);

// The other large pages, the same way: *_simd (returns_page.cpp, stocks_page.cpp,
// accruals_page.cpp) is what the public parse_* functions use; *_dom (models.cpp) is the
// nlohmann reader, kept as the tests' oracle.
ReturnPage parse_returns_list_simd(std::string_view body);        // /v1/returns/list
ReturnPage parse_returns_list_dom(std::string_view body);
StockPage parse_stocks_simd(std::string_view body);               // /v4/product/info/stocks
StockPage parse_stocks_dom(std::string_view body);
AccrualDayPage parse_accrual_by_day_simd(std::string_view body);  // /v1/finance/accrual/by-day
AccrualDayPage parse_accrual_by_day_dom(std::string_view body);
std::vector<PostingAccruals> parse_accrual_postings_simd(std::string_view body);  // /v1/finance/accrual/postings
std::vector<PostingAccruals> parse_accrual_postings_dom(std::string_view body);

}  // namespace ozw::ozon::detail
