// InSales products.json client against a scripted in-test server.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>

#include "common/insales/client.hpp"
#include "tests/common/unit/http_test_server.hpp"

using namespace ozw;
using namespace ozw::insales;
using ozw::testing::TestReply;
using ozw::testing::TestRequest;
using ozw::testing::TestServer;

namespace {

std::string product(int id, const std::string& sku, const std::string& qty) {
    return R"({"id":)" + std::to_string(id) + R"(,"title":"Платье","variants":[{"id":)" +
           std::to_string(id * 10) + R"(,"sku":")" + sku + R"(","barcode":"460","price":"1990.0","quantity":)" +
           qty + R"(,"quantity_at_warehouse0":"7.0","quantity_at_warehouse1":null}]})";
}

std::vector<Variant> all(const TestServer& s, Options opt = {}) {
    InsalesConfig cfg{s.url(), "app-login", "app-pass"};
    boost::asio::io_context ioc;
    Client c(ioc.get_executor(), cfg, opt);
    auto fut = boost::asio::co_spawn(ioc, c.all_variants(), boost::asio::use_future);
    ioc.run();
    return fut.get();
}

}  // namespace

TEST(InsalesClient, WalksPagesWithBasicAuthUntilAShortPage) {
    TestServer server([](const TestRequest& r) {
        TestReply rep;
        rep.headers = {{"API-Usage-Limit", "17/500"}};
        if (r.target.find("page=1&") != std::string::npos)
            rep.body = "[" + product(1, "A", "3") + "," + product(2, "B", "null") + "]";
        else if (r.target.find("page=2&") != std::string::npos)
            rep.body = "[" + product(3, "C", "0") + "," + product(4, "D", "\"5\"") + "]";
        else
            rep.body = "[" + product(5, "E", "1") + "]";
        return rep;
    });
    Options opt;
    opt.per_page = 2;
    auto vs = all(server, opt);
    ASSERT_EQ(vs.size(), 5u);
    EXPECT_EQ(vs[0].sku, "A");
    EXPECT_EQ(vs[0].quantity, 3);
    EXPECT_FALSE(vs[1].quantity);  // null: stock not tracked
    EXPECT_EQ(vs[3].quantity, 5);
    EXPECT_DOUBLE_EQ(*vs[0].price, 1990.0);
    EXPECT_DOUBLE_EQ(vs[0].quantity_at_warehouse.at("quantity_at_warehouse0"), 7.0);
    EXPECT_EQ(vs[0].quantity_at_warehouse.count("quantity_at_warehouse1"), 0u);
    auto got = server.received();
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].method, "GET");
    EXPECT_EQ(got[0].target, "/admin/products.json?page=1&per_page=2");
    // base64("app-login:app-pass")
    EXPECT_EQ(got[0].header("Authorization"), "Basic YXBwLWxvZ2luOmFwcC1wYXNz");
}

TEST(InsalesClient, RateLimitIsRetriedAfterRetryAfter) {
    std::atomic<int> calls{0};
    TestServer server([&](const TestRequest&) {
        if (++calls == 1) return TestReply{429, "", {{"Retry-After", "0"}}};
        return TestReply{200, "[" + product(1, "A", "1") + "]"};
    });
    auto vs = all(server);
    EXPECT_EQ(vs.size(), 1u);
    EXPECT_EQ(server.requests(), 2);
}

TEST(InsalesClient, AuthFailureIsNotRetried) {
    TestServer server([](const TestRequest&) {
        return TestReply{401, R"({"status":"error","message":"unauthorized"})"};
    });
    try {
        all(server);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::auth);
        EXPECT_EQ(std::string(e.what()).find("app-pass"), std::string::npos);
    }
    EXPECT_EQ(server.requests(), 1);
}

TEST(InsalesClient, HtmlNotFoundIsABadResponse) {
    TestServer server([](const TestRequest&) { return TestReply{200, "<html>404</html>"}; });
    try {
        all(server);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::bad_response);
    }
}

TEST(InsalesClient, UsageLimitHeader) {
    auto u = parse_usage_limit("17/500");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->used, 17);
    EXPECT_EQ(u->limit, 500);
    EXPECT_FALSE(parse_usage_limit("garbage"));
}

TEST(InsalesProducts, AQuantityNoWholeNumberCanHoldIsUnknownNotAHugeNegative) {
    const std::string page = R"([{"id":1,"title":"Платье","variants":[
        {"id":11,"sku":"A","quantity":1e300},
        {"id":12,"sku":"B","quantity":-1e300},
        {"id":13,"sku":"C","quantity":"7.0"},
        {"id":14,"sku":"D","quantity":5}]}])";
    auto v = ozw::insales::parse_products_page(page);
    ASSERT_EQ(v.size(), 4u);
    EXPECT_FALSE(v[0].quantity);
    EXPECT_FALSE(v[1].quantity);
    ASSERT_TRUE(v[2].quantity);
    EXPECT_EQ(*v[2].quantity, 7);
    ASSERT_TRUE(v[3].quantity);
    EXPECT_EQ(*v[3].quantity, 5);
}
