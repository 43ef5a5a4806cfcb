// The v4 posting pages are parsed with simdjson On-Demand (common/ozon/posting_page.cpp). These
// tests hold it to the nlohmann reader (detail::parse_posting_page_dom, the oracle) field by field
// and surprise by surprise, on the official examples and on hostile bodies, and check the errors.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <sstream>

#include "common/ozon/errors.hpp"
#include "common/ozon/json_util.hpp"
#include "common/ozon/models.hpp"
#include "common/time.hpp"

using namespace ozw;
using namespace ozw::ozon;

namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(OZW_SOURCE_DIR) + "/tests/fixtures/ozon/" + name, std::ios::binary);
    EXPECT_TRUE(in) << name;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void same(const std::optional<Money>& a, const std::optional<Money>& b, const char* what) {
    ASSERT_EQ(a.has_value(), b.has_value()) << what;
    if (a) {
        EXPECT_EQ(a->amount, b->amount) << what << ": " << a->amount.to_string(4) << " vs "
                                        << b->amount.to_string(4);
        EXPECT_EQ(a->currency, b->currency) << what;
    }
}
void same(const Money& a, const Money& b, const char* what) {
    same(std::optional<Money>(a), std::optional<Money>(b), what);
}

void same(const Posting& a, const Posting& b) {
    SCOPED_TRACE(a.posting_number);
    EXPECT_EQ(a.posting_number, b.posting_number);
    EXPECT_EQ(a.order_number, b.order_number);
    EXPECT_EQ(a.order_id, b.order_id);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.substatus, b.substatus);
    EXPECT_EQ(a.previous_substatus, b.previous_substatus);
    EXPECT_EQ(a.in_process_at, b.in_process_at);
    EXPECT_EQ(a.shipment_date, b.shipment_date);
    EXPECT_EQ(a.shipment_date_without_delay, b.shipment_date_without_delay);
    EXPECT_EQ(a.delivering_date, b.delivering_date);
    EXPECT_EQ(a.pickup_code_verified_at, b.pickup_code_verified_at);
    EXPECT_EQ(a.fact_delivery_date, b.fact_delivery_date);
    ASSERT_EQ(a.cancellation.has_value(), b.cancellation.has_value());
    if (a.cancellation) {
        EXPECT_EQ(a.cancellation->initiator, b.cancellation->initiator);
        EXPECT_EQ(a.cancellation->type, b.cancellation->type);
        EXPECT_EQ(a.cancellation->reason, b.cancellation->reason);
        EXPECT_EQ(a.cancellation->reason_id, b.cancellation->reason_id);
        EXPECT_EQ(a.cancellation->affect_rating, b.cancellation->affect_rating);
        EXPECT_EQ(a.cancellation->after_ship, b.cancellation->after_ship);
    }
    ASSERT_EQ(a.products.size(), b.products.size());
    for (std::size_t i = 0; i < a.products.size(); ++i) {
        EXPECT_EQ(a.products[i].sku, b.products[i].sku);
        EXPECT_EQ(a.products[i].offer_id, b.products[i].offer_id);
        EXPECT_EQ(a.products[i].name, b.products[i].name);
        EXPECT_EQ(a.products[i].quantity, b.products[i].quantity);
        same(a.products[i].price, b.products[i].price, "products[].price");
    }
    ASSERT_EQ(a.financial_data.has_value(), b.financial_data.has_value());
    if (a.financial_data) {
        EXPECT_EQ(a.financial_data->cluster_from, b.financial_data->cluster_from);
        EXPECT_EQ(a.financial_data->cluster_to, b.financial_data->cluster_to);
        ASSERT_EQ(a.financial_data->products.size(), b.financial_data->products.size());
        for (std::size_t i = 0; i < a.financial_data->products.size(); ++i) {
            const auto& x = a.financial_data->products[i];
            const auto& y = b.financial_data->products[i];
            EXPECT_EQ(x.product_id, y.product_id);
            EXPECT_EQ(x.quantity, y.quantity);
            EXPECT_DOUBLE_EQ(x.payout, y.payout);
            same(x.price, y.price, "fin.price");
            same(x.customer_price, y.customer_price, "fin.customer_price");
            same(x.commission, y.commission, "fin.commission");
            EXPECT_DOUBLE_EQ(x.commission_percent, y.commission_percent);
            EXPECT_DOUBLE_EQ(x.old_price, y.old_price);
        }
    }
    ASSERT_EQ(a.tariffication.has_value(), b.tariffication.has_value());
    if (a.tariffication) {
        const auto& x = *a.tariffication;
        const auto& y = *b.tariffication;
        EXPECT_EQ(x.current_tariff_type, y.current_tariff_type);
        EXPECT_DOUBLE_EQ(x.current_tariff_rate, y.current_tariff_rate);
        same(x.current_tariff_charge, y.current_tariff_charge, "current_tariff_charge");
        same(x.current_tariff_min_charge, y.current_tariff_min_charge, "current_tariff_min_charge");
        EXPECT_EQ(x.next_tariff_type, y.next_tariff_type);
        EXPECT_DOUBLE_EQ(x.next_tariff_rate, y.next_tariff_rate);
        same(x.next_tariff_charge, y.next_tariff_charge, "next_tariff_charge");
        same(x.next_tariff_min_charge, y.next_tariff_min_charge, "next_tariff_min_charge");
        EXPECT_EQ(x.next_tariff_starts_at, y.next_tariff_starts_at);
        ASSERT_EQ(x.steps.size(), y.steps.size());
        for (std::size_t i = 0; i < x.steps.size(); ++i) {
            EXPECT_EQ(x.steps[i].type, y.steps[i].type);
            EXPECT_DOUBLE_EQ(x.steps[i].rate, y.steps[i].rate);
            same(x.steps[i].charge, y.steps[i].charge, "steps[].charge");
            same(x.steps[i].min_charge, y.steps[i].min_charge, "steps[].min_charge");
            EXPECT_EQ(x.steps[i].deadline_at, y.steps[i].deadline_at);
        }
    }
    EXPECT_EQ(a.delivery_method.id, b.delivery_method.id);
    EXPECT_EQ(a.delivery_method.name, b.delivery_method.name);
    EXPECT_EQ(a.delivery_method.warehouse_id, b.delivery_method.warehouse_id);
    EXPECT_EQ(a.delivery_method.warehouse, b.delivery_method.warehouse);
    EXPECT_EQ(a.delivery_method.tpl_provider, b.delivery_method.tpl_provider);
    EXPECT_EQ(a.tracking_number, b.tracking_number);
    EXPECT_EQ(a.delivery_schema, b.delivery_schema);
    EXPECT_EQ(a.tpl_integration_type, b.tpl_integration_type);
    EXPECT_EQ(a.available_actions, b.available_actions);
    EXPECT_EQ(a.is_express, b.is_express);
    EXPECT_EQ(a.is_multibox, b.is_multibox);
}

// Parses `body` with both parsers (list and unfulfilled) and expects the same pages and the
// same number of schema surprises.
void expect_same_as_oracle(const std::string& body) {
    SCOPED_TRACE(body.substr(0, 200));
    for (bool unfulfilled : {false, true}) {
        const char* m = unfulfilled ? "/v4/posting/fbs/unfulfilled/list" : "/v4/posting/fbs/list";
        reset_schema_surprises();
        PostingPage a = detail::parse_posting_page_simd(body, m, unfulfilled);
        std::size_t sa = schema_surprise_count();
        reset_schema_surprises();
        PostingPage b = detail::parse_posting_page_dom(body, m, unfulfilled);
        std::size_t sb = schema_surprise_count();
        EXPECT_EQ(sa, sb) << "schema surprises";
        EXPECT_EQ(a.cursor, b.cursor);
        EXPECT_EQ(a.has_next, b.has_next);
        EXPECT_EQ(a.count, b.count);
        ASSERT_EQ(a.postings.size(), b.postings.size());
        for (std::size_t i = 0; i < a.postings.size(); ++i) same(a.postings[i], b.postings[i]);
    }
}

// Both parsers refuse the body.
void expect_both_refuse(const std::string& body) {
    SCOPED_TRACE(body.substr(0, 200));
    EXPECT_THROW(detail::parse_posting_page_simd(body, "m", false), ParseError);
    EXPECT_THROW(detail::parse_posting_page_dom(body, "m", false), ParseError);
}

TimePoint at(const char* iso) { return *parse_iso8601(iso); }

// An exact amount: dec("-120.5").
Decimal dec(const char* text) {
    auto d = Decimal::parse(text);
    EXPECT_TRUE(d) << text;
    return d.value_or(Decimal{});
}

}  // namespace

// ------------------------------------------------------------------ official examples

TEST(OzonPostingPage, OfficialExamplesMatchTheOracle) {
    for (const char* f : {"2026_v4_posting_fbs_list.json", "2026_v4_posting_fbs_unfulfilled_list.json",
                          "2026_v3_posting_fbs_get.json", "swagger_v3_posting_fbs_get.json"}) {
        SCOPED_TRACE(f);
        expect_same_as_oracle(fixture(f));
    }
}

TEST(OzonPostingPage, V4ListExampleFieldByField) {
    reset_schema_surprises();
    auto page = parse_posting_list(fixture("2026_v4_posting_fbs_list.json"));
    EXPECT_EQ(schema_surprise_count(), 0u);
    ASSERT_EQ(page.postings.size(), 1u);
    const Posting& p = page.postings[0];
    EXPECT_EQ(p.posting_number, "0208245774-0029-1");
    EXPECT_EQ(p.order_id, 33301885134);
    EXPECT_EQ(p.shipment_date, at("2026-05-18T12:00:00Z"));
    EXPECT_EQ(p.delivery_method.warehouse, "17023");
    ASSERT_EQ(p.products.size(), 2u);
    EXPECT_EQ(p.products[0].price.amount, dec("12990"));
    EXPECT_EQ(p.products[0].price.currency, "RUB");
    ASSERT_TRUE(p.financial_data);
    EXPECT_EQ(p.financial_data->products[0].commission.amount, dec("120"));
    EXPECT_DOUBLE_EQ(p.financial_data->products[0].commission_percent, 10);
    ASSERT_TRUE(p.tariffication);
    EXPECT_EQ(p.tariffication->steps.size(), 1u);
    // Parsing the same page again on the same thread (reused buffers) gives the same result.
    auto again = parse_posting_list(fixture("2026_v4_posting_fbs_list.json"));
    ASSERT_EQ(again.postings.size(), 1u);
    same(again.postings[0], p);
}

// ------------------------------------------------------------------ tolerance, same as the oracle

TEST(OzonPostingPage, NullEverywhere) {
    expect_same_as_oracle(R"({"cursor":null,"has_next":null,"count":null,"postings":[{"posting_number":null,
      "order_number":null,"order_id":null,"status":null,"substatus":null,"in_process_at":null,
      "shipment_date":null,"shipment_date_without_delay":null,"delivering_date":null,
      "cancellation":null,"products":[null,{"sku":null,"price":null,"currency_code":null,"quantity":null}],
      "financial_data":{"cluster_from":null,"products":[null,{"product_id":null,"price":null,
      "customer_price":null,"commission":null,"commission_amount":null,"payout":null}]},
      "delivery_method":null,"tariffication":null,"tariffication_steps":[null,{"tariff_charge":null}],
      "available_actions":[null,"x"],"is_express":null,"is_multibox":null,"tracking_number":null}, null]})");
}

TEST(OzonPostingPage, NumbersAsStringsAndStringsAsNumbers) {
    expect_same_as_oracle(R"({"cursor":12345,"has_next":"true","count":"17","postings":[{
      "posting_number":123456,"order_id":"33301885134","order_number":1.5,"status":true,
      "is_express":"false","is_multibox":1,"available_actions":["a",7,2.5,-0,1e20,true],
      "delivery_method":{"id":"5","warehouse_id":"20605650762000","warehouse":17023,"name":0.1},
      "cancellation":{"cancel_reason_id":"352","affect_cancellation_rating":"true",
        "cancellation_initiator":99,"cancellation_type":"client","cancelled_after_ship":0},
      "products":[{"sku":"1904686181","quantity":"2","price":"1390.000000","currency_code":"RUB"},
                  {"sku":1.0,"quantity":3.0,"price":{"amount":12990,"currency":"KZT"}},
                  {"price":{"price":"7","currency_code":"BYN"},"currency_code":"RUB"},
                  {"currency_code":"USD","price":"+5"}],
      "financial_data":{"products":[{"product_id":"5","payout":"100.5","price":"120.00",
        "customer_price":{"amount":"130","currency":"RUB"},"commission":{"amount":"12","percent":"8"},
        "old_price":"150"}]},
      "tariffication":{"current_tariff_rate":"3","current_tariff_charge":"50",
        "current_tariff_charge_currency_code":"RUB","next_tariff_charge":{"amount":7}}}]})");
}

TEST(OzonPostingPage, KeyOrderDoesNotMatter) {
    // The sibling fields a value depends on come after it.
    expect_same_as_oracle(R"({"postings":[{"products":[{"price":"10","currency_code":"RUB"},
        {"currency_code":"EUR","price":"11"}],
      "financial_data":{"products":[
        {"price":"120","customer_price":{"amount":1,"currency":"KZT"},"commission_amount":3,
         "commissions_currency_code":"BYN","commission_percent":4},
        {"commission_percent":"x","commission_amount":[1],"commission":{"amount":2,"percent":5}},
        {"commission":7,"commission_percent":9,"commission_amount":"8","currency_code":"RUB"}]},
      "tariffication_steps":[{"tariff_type":"a"}],
      "tariffication":{"next_tariff_charge":"20","next_tariff_charge_currency_code":"KZT",
        "current_tariff_charge_currency_code":{"x":1},"current_tariff_charge":""}}]})");
}

TEST(OzonPostingPage, WrongTypesAndUnknownValues) {
    expect_same_as_oracle(R"({"cursor":[1],"has_next":"maybe","count":{"a":1},"postings":[
      {"posting_number":"1","status":"teleported","order_id":{"oops":1},"shipment_date":"not a date",
       "in_process_at":5,"is_express":[1],"is_multibox":2.5,"products":"nope",
       "cancellation":"no","financial_data":[1],"delivery_method":7,"available_actions":{"a":1},
       "tariffication":"yes","tariffication_steps":{"a":1},"brand_new_field":{"x":[1,2,{"y":null}]}},
      {"posting_number":"2","products":[1,"x",[2],{"sku":{"a":1},"price":[1],"name":{},"quantity":"q"}],
       "financial_data":{"products":{"a":1},"cluster_to":[]},
       "tariffication":[1,"x",{"current_tariff_type":"surcharge","current_tariff_charge":true,
         "next_tariff_charge":{"amount":"abc","currency":5},"next_tariff_min_charge":{"amount":[1]}}],
       "tariffication_steps":["garbage",{"tariff_rate":"r","tariff_charge":false,
         "min_charge":{"amount":"50","currency":"","currency_code":[1]},"tariff_deadline_at":7}]},
      "not an object", 42, [], true]})");
}

TEST(OzonPostingPage, MissingArraysAndEmptyObjects) {
    expect_same_as_oracle(R"({})");
    expect_same_as_oracle(R"({"postings":[]})");
    expect_same_as_oracle(R"({"postings":[{}]})");
    expect_same_as_oracle(R"({"has_next":true})");
    expect_same_as_oracle(R"({"postings":[{"cancellation":{},"financial_data":{},"delivery_method":{},
        "tariffication":{},"tariffication_steps":[],"products":[]}]})");
    expect_same_as_oracle(R"({"result":{"has_next":true,"postings":[{"posting_number":"x"}]}})");
    expect_same_as_oracle(R"({"result":null,"postings":[{"posting_number":"y"}]})");
    expect_same_as_oracle(R"({"result":[1],"cursor":"c"})");
}

TEST(OzonPostingPage, HugeNumbersAndEdgeNumbers) {
    expect_same_as_oracle(R"({"postings":[{"posting_number":"1",
        "order_id":123456789012345678901234567890,"products":[{"sku":18446744073709551615,
        "quantity":-1e30,"price":"1e999999"},{"sku":9223372036854775807,"quantity":-9223372036854775808,
        "price":1.7976931348623157e308},{"sku":9223372036854775808,"price":"-0"},
        {"sku":-99999999999999999999,"price":{"amount":"nan"}},{"sku":"12abc","price":"inf"},
        {"sku":"1e3","quantity":"2.5"},{"sku":1e3,"quantity":2.5}]}]})");
}

TEST(OzonPostingPage, EscapedKeysAndStrings) {
    expect_same_as_oracle(R"({"post\u0069ngs":[{"posting_number":"a\"b\\c\u00e9\ud83d\ude00",
        "st\u0061tus":"delivered","\u0063ursor":"no"}],"cursor":"\u0041"})");
}

TEST(OzonPostingPage, SurprisesAreLoggedOncePerField) {
    reset_schema_surprises();
    std::string body = R"({"postings":[)";
    for (int i = 0; i < 500; ++i) {
        if (i) body += ",";
        body += R"({"posting_number":"n)" + std::to_string(i) +
                R"(","order_id":{"oops":1},"shipment_date":"not a date","is_express":[1],"products":"nope"})";
    }
    body += "]}";
    auto page = parse_posting_list(body);
    ASSERT_EQ(page.postings.size(), 500u);
    EXPECT_EQ(schema_surprise_count(), 4u);
    expect_same_as_oracle(body);
}

// ------------------------------------------------------------------ errors

TEST(OzonPostingPage, EveryTruncationOfTheExampleIsAParseError) {
    const std::string full = fixture("2026_v4_posting_fbs_unfulfilled_list.json");
    // A prefix that ends right after the top-level object is the whole document.
    std::size_t end = full.find_last_of('}');
    ASSERT_NE(end, std::string::npos);
    for (std::size_t n = 0; n < end + 1; ++n) {
        std::string cut = full.substr(0, n);
        try {
            parse_unfulfilled_list(cut);
            ADD_FAILURE() << "prefix of " << n << " bytes was accepted";
        } catch (const ParseError& e) {
            EXPECT_NE(std::string(e.what()).find("/v4/posting/fbs/unfulfilled/list"), std::string::npos);
        }
    }
    EXPECT_NO_THROW(parse_unfulfilled_list(full));
}

TEST(OzonPostingPage, MalformedBodiesAreParseErrors) {
    for (const char* b : {"", " ", "<html>502 Bad Gateway</html>", "[1,2,3]", "\"just a string\"", "null",
                          "42", R"({"postings":[{"posting_number":"1")", R"({"postings":[{"posting_number":"1"}]} x)",
                          R"({"postings":[]}{})", R"({"a":1,})", R"({"a" 1})", R"({a:1})", R"({"a":tru})",
                          R"({"a":nul})", R"({"unknown":[1,,2]})", R"({"unknown":[1}]})", R"({"unknown":{"x":1]})",
                          R"({"unknown":"\q"})", R"({"unknown":01})", R"({"unknown":1.})", R"({"unknown":-})",
                          R"({"postings":[{"order_id":1e400}]})", R"({"unknown":1e400})",
                          R"({"postings":[{"posting_number":"1"},]})", "{\"a\":\"\xff\xfe\"}",
                          "{\"a\":\"tab\there\"}"}) {
        expect_both_refuse(b);
    }
}

TEST(OzonPostingPage, DeepNestingIsAnErrorNotACrash) {
    std::string deep(100000, '[');
    deep += std::string(100000, ']');
    expect_both_refuse(deep);
    // Deep nesting inside an unknown field and inside a known one.
    for (const char* prefix : {R"({"unknown":)", R"({"postings":[{"customer":)",
                               R"({"postings":[{"products":[{"price":)", R"({"postings":)"}) {
        std::string body = prefix;
        for (int i = 0; i < 100000; ++i) body += R"({"a":[)";
        body += "1";
        for (int i = 0; i < 100000; ++i) body += "]}";
        std::string close;
        for (const char* p = prefix; *p; ++p)
            if (*p == '{') close.insert(close.begin(), '}');
            else if (*p == '[') close.insert(close.begin(), ']');
        body += close;
        expect_both_refuse(body);
    }
    // At the limit: accepted by both (64 levels in total).
    std::string ok = R"({"unknown":)";
    for (int i = 1; i < kMaxJsonDepth; ++i) ok += "[";
    for (int i = 1; i < kMaxJsonDepth; ++i) ok += "]";
    ok += "}";
    expect_same_as_oracle(ok);
    std::string over = R"({"unknown":)";
    for (int i = 0; i < kMaxJsonDepth; ++i) over += "[";
    for (int i = 0; i < kMaxJsonDepth; ++i) over += "]";
    over += "}";
    expect_both_refuse(over);
}

TEST(OzonPostingPage, BodiesOverTheLimitAreRefused) {
    std::string huge(kMaxBodyBytes + 1, ' ');
    EXPECT_THROW(parse_posting_list(huge), ParseError);
    // A big body on this thread, then a small one: buffers are released and reused correctly.
    std::string big = R"({"postings":[{"posting_number":")" + std::string(20u * 1024 * 1024, 'x') + R"("}]})";
    EXPECT_EQ(parse_posting_list(big).postings[0].posting_number.size(), 20u * 1024 * 1024);
    EXPECT_EQ(parse_posting_list(R"({"postings":[{"posting_number":"small"}]})").postings[0].posting_number,
              "small");
}
