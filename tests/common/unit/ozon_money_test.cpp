// Money is exact (issue 12: "no floating point in any sum"): the three shapes of NOTES.md
// ({amount, currency}; "1390.000000" + currency_code; {currency_code, value}) and plain numbers
// and strings, negative or not, are read into Decimal exactly, by the nlohmann reader (Reader,
// the *_dom oracles) and by the simdjson readers alike; what is not an amount is zero and a
// schema surprise, as before.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "common/decimal.hpp"
#include "common/ozon/errors.hpp"
#include "common/ozon/json_util.hpp"
#include "common/ozon/models.hpp"

using namespace ozw;
using namespace ozw::ozon;

namespace {

Decimal dec(const char* text) {
    auto d = Decimal::parse(text);
    EXPECT_TRUE(d) << text;
    return d.value_or(Decimal{});
}

// /v1/finance/accrual/postings with one accrual per value of `accrued` (JSON text).
std::string accruals_body(const std::vector<std::string>& accrued) {
    std::string body = R"({"posting_accruals":[{"posting_number":"1-1-1","accruals":[)";
    for (std::size_t i = 0; i < accrued.size(); ++i) {
        if (i) body += ',';
        body += R"({"type_id":1,"accrued":)" + accrued[i] + "}";
    }
    return body + "]}]}";
}

struct Parsed {
    std::vector<Money> simd, dom;
    std::size_t simd_surprises = 0, dom_surprises = 0;
};

// Both readers of /v1/finance/accrual/postings on `body`: the accrued Moneys and the surprises.
Parsed both(const std::string& body) {
    Parsed p;
    reset_schema_surprises();
    for (const auto& pa : detail::parse_accrual_postings_simd(body))
        for (const auto& a : pa.accruals) p.simd.push_back(a.accrued);
    p.simd_surprises = schema_surprise_count();
    reset_schema_surprises();
    for (const auto& pa : detail::parse_accrual_postings_dom(body))
        for (const auto& a : pa.accruals) p.dom.push_back(a.accrued);
    p.dom_surprises = schema_surprise_count();
    return p;
}

std::string show(const std::vector<Money>& v) {
    std::string o;
    for (const auto& m : v) o += m.amount.to_string(4) + " " + m.currency + "; ";
    return o;
}

}  // namespace

// The three shapes of NOTES.md and the scalar forms, negative and positive, exactly, by both
// readers.
TEST(OzonMoney, EveryShapeIsReadExactlyByBothReaders) {
    struct Case {
        const char* json;
        const char* amount;
        const char* currency;
    };
    const Case cases[] = {
        {R"({"amount":2100.5,"currency":"RUB"})", "2100.5", "RUB"},          // v4 postings, accruals
        {R"({"amount":"-12.30","currency":"RUB"})", "-12.3", "RUB"},         // negative, as a string
        {R"({"amount":-0.01,"currency":"RUB"})", "-0.01", "RUB"},
        {R"({"price":"1390.000000","currency_code":"RUB"})", "1390", "RUB"}, // returns
        {R"({"currency_code":"RUB","value":-3000.25})", "-3000.25", "RUB"},  // /v1/finance/balance
        {R"({"currency_code":"KZT","value":"8471.28"})", "8471.28", "KZT"},
        {R"("1390.000000")", "1390", ""},                                    // v3 string
        {R"("-1390.990000")", "-1390.99", ""},
        {R"("+3")", "3", ""},
        {R"(1390.5)", "1390.5", ""},
        {R"(0.1)", "0.1", ""},
        {R"(1e2)", "100", ""},  // an exponent: through the double
        {R"(-2.5E-3)", "-0.0025", ""},
        {R"("1e3")", "1000", ""},
        {R"(12345678901.2345)", "12345678901.2345", ""},  // 15 significant digits, exactly
        {R"("12345678901234.5678")", "12345678901234.5678", ""},  // a string: every digit
        {R"(0.00005)", "0.0001", ""},   // a fifth decimal rounds half away from zero, once
        {R"("-0.00005")", "-0.0001", ""},
        {R"(1.00005)", "1.0001", ""},   // as its text, not as the double 1.0000499999...
        {R"(-0)", "0", ""},
        // More digits than a double keeps: through the double, read from the text (simdjson
        // 3.0.1's own get_double() gives 0.0127... for this one).
        {R"(0.123456789012345678901)", "0.1235", ""},
        {R"(-0.0123456789012345678901)", "-0.0123", ""},
    };
    std::vector<std::string> values;
    for (const auto& c : cases) values.push_back(c.json);
    Parsed p = both(accruals_body(values));
    ASSERT_EQ(p.simd.size(), std::size(cases));
    ASSERT_EQ(p.dom.size(), std::size(cases));
    for (std::size_t i = 0; i < std::size(cases); ++i) {
        SCOPED_TRACE(cases[i].json);
        EXPECT_EQ(p.simd[i].amount, dec(cases[i].amount)) << p.simd[i].amount.to_string(4);
        EXPECT_EQ(p.dom[i].amount, dec(cases[i].amount)) << p.dom[i].amount.to_string(4);
        EXPECT_EQ(p.simd[i].currency, cases[i].currency);
        EXPECT_EQ(p.dom[i].currency, cases[i].currency);
    }
    EXPECT_EQ(p.simd_surprises, 0u);
    EXPECT_EQ(p.dom_surprises, 0u);
    // Exact to the ten-thousandth: 0.1 is 1000/10000, not 0.1000000000000000055...
    EXPECT_EQ(p.simd[10].amount.raw(), 1000);
    EXPECT_EQ(p.simd[3].amount.raw(), 13'900'000);
}

// The v3 posting (price "1390.000000" + currency_code, nlohmann) and the v4 list
// ({amount, currency}, simdjson) give the same exact Money.
TEST(OzonMoney, V3StringPriceAndV4ObjectPriceAreTheSameMoney) {
    Posting v3 = parse_posting_get(R"({"result":{"posting_number":"1","products":[
        {"sku":1,"price":"1390.000000","currency_code":"RUB"}]}})");
    PostingPage v4 = parse_posting_list(R"({"postings":[{"posting_number":"1","products":[
        {"sku":1,"price":{"amount":1390,"currency":"RUB"}}]}]})");
    ASSERT_EQ(v3.products.size(), 1u);
    ASSERT_EQ(v4.postings.size(), 1u);
    EXPECT_EQ(v3.products[0].price, (Money{Decimal::units(1390), "RUB"}));
    EXPECT_EQ(v4.postings[0].products[0].price, v3.products[0].price);
}

// null, "" and a missing amount are zero without a word; garbage, wrong types and amounts
// beyond Decimal::kMaxUnits are zero and one surprise per field, the same in both readers.
TEST(OzonMoney, WhatIsNotAnAmountIsZeroAndASurpriseAsBefore) {
    Parsed quiet = both(accruals_body({"null", R"("")", R"({"currency":"RUB"})", R"({"amount":null})",
                                       R"({"amount":"","currency":"RUB"})"}));
    ASSERT_EQ(quiet.simd.size(), 5u);
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_TRUE(quiet.simd[i].amount.is_zero()) << i;
        EXPECT_TRUE(quiet.dom[i].amount.is_zero()) << i;
    }
    EXPECT_EQ(quiet.simd[2].currency, "RUB");
    EXPECT_EQ(quiet.simd_surprises, 0u);
    EXPECT_EQ(quiet.dom_surprises, 0u);

    for (const char* bad : {R"("12abc")", R"("1 390")", R"(" 5")", R"("nan")", R"("inf")", R"("1,5")", "true",
                            "[1]", R"({"amount":{"x":1}})", R"({"amount":"--1"})", "1e300", "-1e30",
                            "100000000000001", R"("100000000000001")", "18446744073709551615",
                            "123456789012345678901234567890"}) {
        SCOPED_TRACE(bad);
        Parsed p = both(accruals_body({bad, bad}));
        ASSERT_EQ(p.simd.size(), 2u);
        ASSERT_EQ(p.dom.size(), 2u);
        EXPECT_TRUE(p.simd[0].amount.is_zero()) << p.simd[0].amount.to_string();
        EXPECT_TRUE(p.dom[0].amount.is_zero()) << p.dom[0].amount.to_string();
        EXPECT_EQ(p.simd_surprises, 1u);  // once per field, not per record
        EXPECT_EQ(p.dom_surprises, 1u);
    }
    // The largest readable amount is still read.
    Parsed edge = both(accruals_body({"100000000000000", R"("-100000000000000.0000")"}));
    EXPECT_EQ(edge.simd[0].amount, Decimal::units(Decimal::kMaxUnits));
    EXPECT_EQ(edge.dom[0].amount, Decimal::units(Decimal::kMaxUnits));
    EXPECT_EQ(edge.simd[1].amount, -Decimal::units(Decimal::kMaxUnits));
    EXPECT_EQ(edge.dom[1].amount, -Decimal::units(Decimal::kMaxUnits));
}

// Numbers written in every way JSON allows, including ones with more digits than a double
// keeps: the two readers give the very same Decimal (the simdjson reader reads the text, the
// nlohmann reader only has the double).
TEST(OzonMoney, TheReadersAgreeExactlyOnEveryNumber) {
    std::vector<std::string> values = {
        "1.00005", "1.000049999999999999999", "0.123456789012345678901", "99999999999999.99",
        "99999999999999.9999", "100000000000000.00001", "123456789.12345", "4.35", "-4.35",
        "0.29", "1.1", "2.675", "1e-7", "5e-5", "-5E-5", "1.5e+3", "0.000050000000000000001",
        "1234567890123.45678", "7.000000000000000000000000000001", "-0.0", "0e10", "3", "-3",
        "0.0123456789012345678901", "0.99999999999999999999999", "-0.00004999999999999999999",
    };
    // Random doubles as nlohmann prints them (17 significant digits, exponents).
    std::uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 2000; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const double scale[] = {1e-6, 1e-3, 1.0, 1e3, 1e6, 1e11};
        double v = static_cast<double>(x % 2000001) / 1000000.0 - 1.0;
        values.push_back(nlohmann::json(v * scale[i % 6]).dump());
        values.push_back(std::to_string((static_cast<long long>(x % 100000000) - 50000000)) + "." +
                         std::to_string(x % 1000));
    }
    const std::string body = accruals_body(values);
    Parsed p = both(body);
    ASSERT_EQ(p.simd.size(), values.size());
    ASSERT_EQ(p.dom.size(), values.size());
    for (std::size_t i = 0; i < values.size(); ++i)
        EXPECT_EQ(p.simd[i].amount, p.dom[i].amount)
            << values[i] << ": simd " << p.simd[i].amount.to_string(4) << ", dom " << p.dom[i].amount.to_string(4);
    EXPECT_EQ(p.simd_surprises, p.dom_surprises);
    // The same numbers as strings are read the same way (by text) in both.
    std::vector<std::string> quoted;
    for (const auto& v : values) quoted.push_back('"' + v + '"');
    Parsed q = both(accruals_body(quoted));
    EXPECT_EQ(show(q.simd), show(q.dom));
    // The public function is the simdjson reader.
    std::vector<Money> pub;
    for (const auto& pa : parse_accrual_postings(body))
        for (const auto& a : pa.accruals) pub.push_back(a.accrued);
    EXPECT_EQ(show(pub), show(p.simd));
}

// A sum of many amounts read from a page is exact: 10,000 accruals of 0.10 (as numbers and as
// strings, in every shape) make exactly 1000.00, which a double sum does not.
TEST(OzonMoney, ASumOfManyTenthsReadFromAPageIsExact) {
    std::vector<std::string> values;
    for (int i = 0; i < 10000; ++i) {
        switch (i % 5) {
            case 0: values.push_back("0.1"); break;
            case 1: values.push_back(R"("0.1")"); break;
            case 2: values.push_back(R"({"amount":"0.100000","currency":"RUB"})"); break;
            case 3: values.push_back(R"({"currency_code":"RUB","value":0.1})"); break;
            default: values.push_back(R"({"price":0.10,"currency_code":"RUB"})"); break;
        }
    }
    Parsed p = both(accruals_body(values));
    ASSERT_EQ(p.simd.size(), 10000u);
    Decimal simd_sum, dom_sum;
    double double_sum = 0;
    for (const auto& m : p.simd) {
        simd_sum += m.amount;
        double_sum += m.amount.to_double();
    }
    for (const auto& m : p.dom) dom_sum += m.amount;
    EXPECT_EQ(simd_sum, Decimal::units(1000));
    EXPECT_EQ(dom_sum, Decimal::units(1000));
    EXPECT_EQ(simd_sum.to_string(), "1000.00");
    EXPECT_NE(double_sum, 1000.0);  // why Money is not a double

    // By-day pages too (simdjson: the public parser): fees and totals sum exactly.
    std::string day = R"({"accruals":[)";
    for (int i = 0; i < 3000; ++i) {
        if (i) day += ',';
        day += R"({"accrual_id":)" + std::to_string(i + 1) +
               R"(,"total_amount":{"amount":"-0.10","currency":"RUB"},"non_item_fee":{"type_id":7,"accrued":{"amount":-0.1,"currency":"RUB"}}})";
    }
    day += "]}";
    AccrualDayPage page = parse_accrual_by_day(day);
    ASSERT_EQ(page.accruals.size(), 3000u);
    Decimal totals, fees;
    for (const auto& a : page.accruals) {
        totals += a.total_amount.amount;
        for (const auto& f : a.fees) fees += f.accrued.amount;
    }
    EXPECT_EQ(totals, -Decimal::units(300));
    EXPECT_EQ(fees, -Decimal::units(300));
}

// Reader::money_value (the nlohmann reader every DOM parser uses) on each shape, /v1/finance/
// balance's {currency_code, value} included.
TEST(OzonMoney, ReaderMoneyValueReadsTheBalanceShape) {
    reset_schema_surprises();
    detail::Reader r{"/v1/finance/balance"};
    using nlohmann::json;
    EXPECT_EQ(r.money_value(json::parse(R"({"currency_code":"RUB","value":"-1234.56"})"), "closing_balance"),
              (Money{dec("-1234.56"), "RUB"}));
    EXPECT_EQ(r.money_value(json::parse(R"({"currency_code":"RUB","value":98765.4321})"), "opening_balance"),
              (Money{dec("98765.4321"), "RUB"}));
    EXPECT_EQ(r.money_value(json::parse(R"({"value":7})"), "x", "RUB"), (Money{Decimal::units(7), "RUB"}));
    // amount, then price, then value: the first one present counts.
    EXPECT_EQ(r.money_value(json::parse(R"({"value":1,"amount":2,"currency":"USD"})"), "x"),
              (Money{Decimal::units(2), "USD"}));
    EXPECT_EQ(r.money_value(json::parse(R"({"value":1,"price":"3.5","currency_code":"BYN"})"), "x"),
              (Money{dec("3.5"), "BYN"}));
    EXPECT_EQ(r.money_value(json::parse(R"("1390.000000")"), "x", "RUB"), (Money{Decimal::units(1390), "RUB"}));
    EXPECT_EQ(r.money_value(json::parse(R"({"amount":-99.99,"currency":"RUB"})"), "x"),
              (Money{dec("-99.99"), "RUB"}));
    EXPECT_EQ(r.money_value(json(nullptr), "x", "RUB"), (Money{Decimal{}, "RUB"}));
    EXPECT_EQ(schema_surprise_count(), 0u);
    EXPECT_EQ(r.money_value(json::parse(R"({"currency_code":"RUB","value":"n/a"})"), "closing_balance"),
              (Money{Decimal{}, "RUB"}));
    EXPECT_EQ(schema_surprise_count(), 1u);
}
