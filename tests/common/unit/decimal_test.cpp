// Exact money (common/decimal.hpp): what Ozon writes is read exactly, sums never drift, and
// text that is not a decimal number is refused, not guessed.
#include <gtest/gtest.h>

#include <climits>
#include <cmath>

#include "common/decimal.hpp"

using ozw::Decimal;

namespace {
std::int64_t raw(std::string_view s) {
    auto d = Decimal::parse(s);
    EXPECT_TRUE(d.has_value()) << s;
    return d ? d->raw() : 0;
}
}  // namespace

TEST(Decimal, ReadsOzonsDecimalTextExactly) {
    EXPECT_EQ(raw("1390.000000"), 13'900'000);
    EXPECT_EQ(raw("-12.5"), -125'000);
    EXPECT_EQ(raw("+3"), 30'000);
    EXPECT_EQ(raw(".5"), 5'000);
    EXPECT_EQ(raw("7."), 70'000);
    EXPECT_EQ(raw("  0.0001 "), 1);
    EXPECT_EQ(raw("-0"), 0);
}

TEST(Decimal, RoundsTheFifthDecimalHalfAwayFromZeroOnce) {
    EXPECT_EQ(raw("0.00004"), 0);
    EXPECT_EQ(raw("0.00005"), 1);
    EXPECT_EQ(raw("-0.00005"), -1);
    EXPECT_EQ(raw("0.99995"), 10'000);       // the carry reaches the whole part
    EXPECT_EQ(raw("1.23454999"), 12'345);     // only the first dropped digit counts
}

TEST(Decimal, RefusesWhatIsNotADecimalNumber) {
    for (const char* bad : {"", " ", "-", ".", "1.2.3", "1e3", "1,5", "1 390", "12a", "--1", "0x10", "NaN",
                            "1000000000000000"})  // 10^15: beyond the readable range
        EXPECT_FALSE(Decimal::parse(bad).has_value()) << bad;
    EXPECT_TRUE(Decimal::parse("100000000000000").has_value());  // 10^14 itself
}

TEST(Decimal, SumsDoNotDriftWhereDoublesDo) {
    Decimal sum;
    double dsum = 0;
    for (int i = 0; i < 1000; ++i) {
        sum += *Decimal::parse("0.1");
        dsum += 0.1;
    }
    EXPECT_EQ(sum, Decimal::units(100));
    EXPECT_NE(dsum, 100.0);  // why the type exists
    EXPECT_EQ(*Decimal::parse("3490") - *Decimal::parse("523.5") - *Decimal::parse("120"), *Decimal::parse("2846.5"));
}

TEST(Decimal, JsonDoublesWithFourDecimalsComeOutExact) {
    EXPECT_EQ(Decimal::from_double(1390.0)->raw(), 13'900'000);
    EXPECT_EQ(Decimal::from_double(-523.5)->raw(), -5'235'000);
    EXPECT_EQ(Decimal::from_double(0.1)->raw(), 1'000);
    EXPECT_EQ(Decimal::from_double(12345678.9012)->raw(), 123'456'789'012);
    EXPECT_FALSE(Decimal::from_double(std::nan("")).has_value());
    EXPECT_FALSE(Decimal::from_double(1e300).has_value());
}

TEST(Decimal, PrintsAtLeastTheAskedDecimalsAndNoTrailingZerosBeyond) {
    EXPECT_EQ(Decimal::units(1390).to_string(), "1390.00");
    EXPECT_EQ(Decimal::parse("-0.5")->to_string(), "-0.50");
    EXPECT_EQ(Decimal::parse("12.3456")->to_string(), "12.3456");
    EXPECT_EQ(Decimal::parse("12.3400")->to_string(0), "12.34");
    EXPECT_EQ(Decimal::units(7).to_string(0), "7");
    EXPECT_EQ(Decimal::from_raw(INT64_MIN).to_string(), "-922337203685477.5808");
}

TEST(Decimal, DisplaysForTheManagerInRussianAndEnglish) {
    EXPECT_EQ(Decimal::units(5980).display(true), "5 980 ₽");
    EXPECT_EQ(Decimal::parse("1234.5")->display(true), "1 234,50 ₽");
    EXPECT_EQ(Decimal::parse("-643.5")->display(true), "-643,50 ₽");
    EXPECT_EQ(Decimal::parse("0.004")->display(true), "0 ₽");      // below a kopeck
    EXPECT_EQ(Decimal::parse("0.005")->display(true), "0,01 ₽");    // half a kopeck rounds up
    EXPECT_EQ(Decimal::parse("1234567.89")->display(false), "1,234,567.89 RUB");
    EXPECT_EQ(Decimal::units(999).display(true), "999 ₽");
}
