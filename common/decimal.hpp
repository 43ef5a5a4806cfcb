#pragma once
// Exact money for sums (issue 12: "no floating point in any sum"): a signed count of
// 1/10,000 of the currency unit. Kopecks need two decimals; Ozon writes up to six
// ("1390.000000"), and per-item commissions can carry more than two, so four are kept and
// anything finer is rounded half away from zero once, when the value is read. Sums of Decimals
// are exact; int64 holds ±922 trillion units, far beyond any shop's period.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ozw {

class Decimal {
public:
    static constexpr int kDecimals = 4;
    static constexpr std::int64_t kOne = 10'000;
    // The largest magnitude read from text or a double: 10^14 whole units (sums may grow past
    // it up to ±922 trillion).
    static constexpr std::int64_t kMaxUnits = 100'000'000'000'000;

    constexpr Decimal() = default;
    static constexpr Decimal from_raw(std::int64_t ten_thousandths) { return Decimal(ten_thousandths); }
    static constexpr Decimal units(std::int64_t whole) { return Decimal(whole * kOne); }
    // Decimal text as Ozon writes it: optional sign, digits, optional '.' and digits
    // ("1390.000000", "-12.5", "+3", ".5", "7."); surrounding spaces allowed. No exponent, no
    // thousands separators, no comma. None for anything else or beyond kMaxUnits.
    static std::optional<Decimal> parse(std::string_view text);
    // A JSON number that arrived as a double: exact for every amount with at most four
    // decimals below kMaxUnits (a double carries 15 significant digits). None for NaN, inf or
    // beyond kMaxUnits.
    static std::optional<Decimal> from_double(double v);

    constexpr std::int64_t raw() const { return v_; }
    // "1390.00", "-0.50", "12.3456": at least `min_decimals` (0..4) decimals, more only when
    // they are not zero.
    std::string to_string(int min_decimals = 2) const;
    // For the manager: "3 490 ₽", "1 234,50 ₽" (Russian: thin groups by a space, a decimal
    // comma, kopecks only when there are any) or "3,490 RUB", "1,234.50 RUB" (English); rounded
    // to kopecks for the eye only.
    std::string display(bool russian) const;
    // For display and ratios only, never for sums.
    double to_double() const { return static_cast<double>(v_) / kOne; }

    constexpr Decimal operator-() const { return Decimal(-v_); }
    constexpr Decimal& operator+=(Decimal o) { v_ += o.v_; return *this; }
    constexpr Decimal& operator-=(Decimal o) { v_ -= o.v_; return *this; }
    friend constexpr Decimal operator+(Decimal a, Decimal b) { return a += b; }
    friend constexpr Decimal operator-(Decimal a, Decimal b) { return a -= b; }
    friend constexpr auto operator<=>(Decimal, Decimal) = default;
    constexpr bool is_zero() const { return v_ == 0; }
    constexpr bool negative() const { return v_ < 0; }

private:
    constexpr explicit Decimal(std::int64_t v) : v_(v) {}
    std::int64_t v_ = 0;
};

}  // namespace ozw
