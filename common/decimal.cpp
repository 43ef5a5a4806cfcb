#include "common/decimal.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace ozw {

std::optional<Decimal> Decimal::parse(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    bool minus = false;
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
        minus = s.front() == '-';
        s.remove_prefix(1);
    }
    std::int64_t whole = 0, frac = 0;
    int frac_digits = 0, digits = 0;
    bool dot = false, round_up = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '.' && !dot) {
            dot = true;
            continue;
        }
        if (c < '0' || c > '9') return std::nullopt;
        ++digits;
        const int d = c - '0';
        if (!dot) {
            whole = whole * 10 + d;
            if (whole > kMaxUnits) return std::nullopt;
        } else if (frac_digits < kDecimals) {
            frac = frac * 10 + d;
            ++frac_digits;
        } else if (frac_digits == kDecimals) {
            round_up = d >= 5;  // half away from zero, on the first dropped digit
            ++frac_digits;
        }
    }
    if (digits == 0) return std::nullopt;
    for (int i = std::min(frac_digits, kDecimals); i < kDecimals; ++i) frac *= 10;
    std::int64_t v = whole * kOne + frac + (round_up ? 1 : 0);
    if (v > kMaxUnits * kOne) return std::nullopt;
    return Decimal(minus ? -v : v);
}

std::optional<Decimal> Decimal::from_double(double v) {
    if (!std::isfinite(v) || std::fabs(v) > static_cast<double>(kMaxUnits)) return std::nullopt;
    // std::round: half away from zero, as parse().
    return Decimal(static_cast<std::int64_t>(std::round(v * kOne)));
}

std::string Decimal::to_string(int min_decimals) const {
    min_decimals = std::clamp(min_decimals, 0, kDecimals);
    // The magnitude as unsigned: -INT64_MIN does not fit an int64.
    const std::uint64_t mag = v_ < 0 ? 0 - static_cast<std::uint64_t>(v_) : static_cast<std::uint64_t>(v_);
    std::string out = v_ < 0 ? "-" : "";
    out += std::to_string(mag / kOne);
    std::string frac = std::to_string(mag % kOne);
    frac.insert(0, kDecimals - frac.size(), '0');
    while (static_cast<int>(frac.size()) > min_decimals && frac.back() == '0') frac.pop_back();
    if (!frac.empty()) out += "." + frac;
    return out;
}

std::string Decimal::display(bool russian) const {
    // Kopecks, rounded half away from zero.
    const std::int64_t step = kOne / 100;
    const std::int64_t kop = (v_ >= 0 ? v_ + step / 2 : v_ - step / 2) / step;
    const std::uint64_t mag = kop < 0 ? 0 - static_cast<std::uint64_t>(kop) : static_cast<std::uint64_t>(kop);
    const std::string whole = std::to_string(mag / 100);
    std::string out = kop < 0 ? "-" : "";
    for (std::size_t i = 0; i < whole.size(); ++i) {
        if (i > 0 && (whole.size() - i) % 3 == 0) out += russian ? " " : ",";
        out += whole[i];
    }
    if (mag % 100) {
        const std::string cents = std::to_string(100 + mag % 100).substr(1);
        out += (russian ? "," : ".") + cents;
    }
    return out + (russian ? " ₽" : " RUB");
}

}  // namespace ozw
