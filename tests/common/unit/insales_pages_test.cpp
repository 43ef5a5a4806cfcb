// InSales' products.json: the simdjson On-Demand parser the client uses against hand-written
// expectations, and against the nlohmann DOM reader it replaced on every shape the tolerant rules
// cover (fixed cases and seeded random pages: field order, duplicates, nulls, numbers as strings
// and strings as numbers, wrong types, elements that are not objects).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "common/insales/client.hpp"

using namespace ozw::insales;

namespace {

std::string describe(const std::vector<Variant>& vs) {
    std::string s;
    for (const auto& v : vs) {
        s += std::to_string(v.id) + "/" + std::to_string(v.product_id) + " sku=" + v.sku + " bc=" + v.barcode +
             " title=" + v.title + " price=" + (v.price ? std::to_string(*v.price) : "-") +
             " qty=" + (v.quantity ? std::to_string(*v.quantity) : "-") + " wh={";
        for (const auto& [k, q] : v.quantity_at_warehouse) s += k + ":" + std::to_string(q) + ",";
        s += "}\n";
    }
    return s;
}

// Both parsers agree: the same variants, the same product count, or both refuse the body.
void expect_same(const std::string& body) {
    std::size_t n_simd = 0, n_dom = 0;
    std::string simd, dom;
    bool simd_threw = false, dom_threw = false;
    try {
        simd = describe(detail::parse_products_page_simd(body, &n_simd));
    } catch (const Error& e) {
        simd_threw = true;
        EXPECT_EQ(e.kind(), ErrorKind::bad_response);
    }
    try {
        dom = describe(detail::parse_products_page_dom(body, &n_dom));
    } catch (const Error& e) {
        dom_threw = true;
        EXPECT_EQ(e.kind(), ErrorKind::bad_response);
    }
    EXPECT_EQ(simd_threw, dom_threw) << body;
    EXPECT_EQ(simd, dom) << body;
    EXPECT_EQ(n_simd, n_dom) << body;
}

}  // namespace

TEST(InsalesProductsPage, ReadsVariantsWithTheProductsIdAndTitleWhateverTheOrder) {
    const std::string page = R"([
      {"variants":[{"id":11,"sku":"A-1","barcode":"460","price":"1990.5","quantity":"3",
                    "quantity_at_warehouse0":"7.0","quantity_at_warehouse1":null,"extra":{"x":[1,2]}},
                   {"id":"12","sku":"A-2","quantity":7.5,"price":null}],
       "title":"Платье","id":1},
      42, null,
      {"id":2,"title":"Юбка","variants":null},
      {"id":3,"title":"Шарф","variants":[{"id":31,"sku":"C-1","quantity":null}, "junk"]}])";
    std::size_t products = 0;
    const auto v = detail::parse_products_page_simd(page, &products);
    EXPECT_EQ(products, 5u);  // every element of the array, objects or not
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[0].id, 11);
    EXPECT_EQ(v[0].product_id, 1);
    EXPECT_EQ(v[0].title, "Платье");
    EXPECT_EQ(v[0].sku, "A-1");
    EXPECT_EQ(v[0].barcode, "460");
    ASSERT_TRUE(v[0].price);
    EXPECT_DOUBLE_EQ(*v[0].price, 1990.5);
    ASSERT_TRUE(v[0].quantity);
    EXPECT_EQ(*v[0].quantity, 3);
    ASSERT_EQ(v[0].quantity_at_warehouse.size(), 1u);
    EXPECT_DOUBLE_EQ(v[0].quantity_at_warehouse.at("quantity_at_warehouse0"), 7.0);
    EXPECT_EQ(v[1].id, 12);
    EXPECT_EQ(v[1].product_id, 1);
    EXPECT_FALSE(v[1].price);
    ASSERT_TRUE(v[1].quantity);
    EXPECT_EQ(*v[1].quantity, 8);  // 7.5 rounded, as the DOM reader did
    EXPECT_EQ(v[2].id, 31);
    EXPECT_EQ(v[2].product_id, 3);
    EXPECT_FALSE(v[2].quantity);  // null: stock not tracked
    expect_same(page);
}

TEST(InsalesProductsPage, RefusesWhatIsNotAJsonArrayLikeTheDomReader) {
    for (const std::string body : {R"({"status":"error"})", "", "[", "[1,]", "[] x", R"([{"id":1,"variants":[{]}])",
                                   "\"text\"", "[{\"id\":1}]]"}) {
        EXPECT_THROW(detail::parse_products_page_simd(body, nullptr), Error) << body;
        expect_same(body);
    }
    try {
        (void)parse_products_page(R"({"a":1})");
        FAIL() << "an object was taken for a page";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::bad_response);
        EXPECT_NE(std::string(e.what()).find("not an array"), std::string::npos) << e.what();
    }
    // A UTF-8 byte order mark is skipped by both.
    expect_same("\xEF\xBB\xBF[{\"id\":1,\"variants\":[{\"id\":2,\"sku\":\"X\"}]}]");
}

TEST(InsalesProductsPage, AgreesWithTheDomReaderOnEveryTolerantShape) {
    const std::vector<std::string> scalars = {
        "null", "0", "7", "-3", "7.0", "7.5", "-7.5", "1e3", "1e300", "-1e300", "18446744073709551615",
        "9223372036854775807", "\"\"", "\"7\"", "\"7.0\"", "\"+7\"", "\" 7\"", "\"7.5\"", "\"1e3\"", "\"abc\"",
        "\"nan\"", "\"inf\"", "true", "false", "[]", "[1]", "{}", "{\"a\":1}", "\"Платье\"", "\"a\\\"b\""};
    const std::vector<std::string> variant_keys = {"id", "sku", "barcode", "price", "quantity", "quantity_at_warehouse0",
                                                   "quantity_at_warehouse12", "other"};
    const std::vector<std::string> product_keys = {"id", "title", "variants", "other"};
    std::mt19937 rng(20261130);
    auto pick = [&](const std::vector<std::string>& xs) { return xs[rng() % xs.size()]; };
    auto variant = [&] {
        if (rng() % 12 == 0) return pick(scalars);  // not an object
        std::string s = "{";
        const int n = static_cast<int>(rng() % 9);
        for (int i = 0; i < n; ++i) s += (i ? "," : "") + ("\"" + pick(variant_keys) + "\":" + pick(scalars));
        return s + "}";
    };
    for (int page = 0; page < 3000; ++page) {
        std::string body = "[";
        const int products = static_cast<int>(rng() % 5);
        for (int p = 0; p < products; ++p) {
            if (p) body += ",";
            if (rng() % 10 == 0) {
                body += pick(scalars);
                continue;
            }
            body += "{";
            const int n = static_cast<int>(rng() % 6);
            for (int i = 0; i < n; ++i) {
                const std::string key = pick(product_keys);
                std::string value;
                if (key == "variants" && rng() % 5 != 0) {
                    value = "[";
                    const int vs = static_cast<int>(rng() % 4);
                    for (int k = 0; k < vs; ++k) value += (k ? "," : "") + variant();
                    value += "]";
                } else {
                    value = pick(scalars);
                }
                body += (i ? "," : "") + ("\"" + key + "\":" + value);
            }
            body += "}";
        }
        body += "]";
        expect_same(body);
        if (::testing::Test::HasFailure()) break;  // one counterexample is enough to read
    }
}
