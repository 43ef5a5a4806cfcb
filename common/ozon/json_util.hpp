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

#include "common/decimal.hpp"
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

// ---- money amounts as exact decimals (shared by the nlohmann and simdjson readers)

// A double as the decimal it was written as: its shortest round-trip text, rounded to
// Decimal's four places (so 0.1 is 0.1000 and 1.00005 rounds as the text "1.00005" does). For a
// number of up to 15 significant digits this is exactly what Decimal::parse gives for its text,
// so the nlohmann reader (which only has the double) and the simdjson reader (which reads the
// text) agree. None for NaN, inf and beyond Decimal::kMaxUnits.
inline std::optional<Decimal> decimal_of_double(double d) {
    if (!std::isfinite(d) || std::fabs(d) > static_cast<double>(Decimal::kMaxUnits)) return std::nullopt;
    if (std::fabs(d) < 1e-6) return Decimal{};  // rounds to 0.0000; keeps the text short
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
    if (r.ec != std::errc()) return Decimal::from_double(d);
    return Decimal::parse(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
}

// A non-empty money string: decimal text ("1390.000000", "-12.30", "+3", ".5") exactly;
// otherwise whatever Reader::to_number read as a number before (an exponent: "1e3") through
// decimal_of_double. No leading or trailing spaces (they were never accepted). None for
// anything else ("12abc", "nan", "inf") and beyond Decimal::kMaxUnits.
inline std::optional<Decimal> decimal_from_text(std::string_view s) {
    if (s.empty() || s.front() == ' ' || s.front() == '\t' || s.back() == ' ' || s.back() == '\t')
        return std::nullopt;
    if (auto d = Decimal::parse(s)) return d;
    const char* b = s.data();
    const char* e = s.data() + s.size();
    if (*b == '+') ++b;
    double d = 0;
    auto [p, ec] = std::from_chars(b, e, d);
    if (ec == std::errc() && p == e) return decimal_of_double(d);
    return std::nullopt;
}

// A JSON number's text (no surrounding spaces) as the simdjson reader has it: exactly by
// Decimal::parse; through the double (decimal_of_double) when written with an exponent or with
// more than 15 significant digits, beyond what a double keeps: then the nlohmann reader, which
// has only the double, gives the same amount, so the two readers always agree. (No amount below
// kMaxUnits needs 16 digits unless it has more than four decimals.) The double is read from the
// text with std::from_chars, correctly rounded like nlohmann's strtod: simdjson 3.0.1's
// get_double() is wrong for 20+ digits after "0." (0.123456789012345678901 -> 0.0127...).
// None beyond Decimal::kMaxUnits.
inline std::optional<Decimal> decimal_from_number_text(std::string_view text) {
    int significant = 0;
    bool leading = true, exponent = false;
    for (char c : text) {
        if (c == 'e' || c == 'E') {
            exponent = true;
            break;
        }
        if (c < '0' || c > '9') continue;
        if (leading && c == '0') continue;
        leading = false;
        ++significant;
    }
    if (!exponent && significant <= 15) return Decimal::parse(text);
    double d = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
    return decimal_of_double(d);
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
    // A money amount: a JSON number or a numeric string, exactly (decimal_of_double,
    // decimal_from_text); null and "" -> none; anything else -> none and a surprise.
    std::optional<Decimal> to_decimal(const nlohmann::json& v, const char* key) const;
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
