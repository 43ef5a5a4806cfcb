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

namespace {

std::string page_of(int id) { return "[" + product(id, "S" + std::to_string(id), "1") + "]"; }

}  // namespace

TEST(InsalesClient, ForbiddenIsAnAuthErrorAndNotRetried) {
    TestServer server([](const TestRequest&) {
        return TestReply{403, R"({"status":"error","message":"forbidden"})"};
    });
    try {
        all(server);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::auth);
        EXPECT_EQ(e.status(), 403);
    }
    EXPECT_EQ(server.requests(), 1);
}

TEST(InsalesClient, RetryAfterIsWaitedThenTheSameRequestIsRepeated) {
    std::atomic<int> calls{0};
    TestServer server([&](const TestRequest&) {
        if (++calls == 1) return TestReply{429, "", {{"Retry-After", "0.05"}, {"API-Usage-Limit", "500/500"}}};
        return TestReply{200, page_of(1), {{"API-Usage-Limit", "20/500"}}};
    });
    std::vector<Usage> waits;
    Options opt;
    opt.on_usage_wait = [&](Millis, const Usage& u) { waits.push_back(u); };
    auto vs = all(server, opt);
    EXPECT_EQ(vs.size(), 1u);
    auto got = server.received();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].target, got[1].target);
    EXPECT_TRUE(waits.empty());  // the 429's Retry-After governs, not the 500/500 usage
}

TEST(InsalesClient, RetryAfterPastTheDeadlineEndsWithRateLimited) {
    TestServer server([](const TestRequest&) { return TestReply{429, "", {{"Retry-After", "120"}}}; });
    Options opt;
    opt.total_deadline = Millis{1000};
    try {
        all(server, opt);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::rate_limited);
        EXPECT_EQ(e.status(), 429);
        ASSERT_TRUE(e.retry_after);
        EXPECT_EQ(*e.retry_after, Millis{120000});
    }
    EXPECT_EQ(server.requests(), 1);  // not hammered
}

TEST(InsalesClient, SlowsDownNearTheUsageLimit) {
    // per_page 1: pages 1..3 have one product, page 4 is empty. The usage climbs to 90 % and more.
    TestServer server([](const TestRequest& r) {
        for (int n = 1; n <= 3; ++n)
            if (r.target.find("page=" + std::to_string(n) + "&") != std::string::npos) {
                const char* usage = n == 1 ? "100/500" : n == 2 ? "460/500" : "470/500";
                return TestReply{200, page_of(n), {{"API-Usage-Limit", usage}}};
            }
        return TestReply{200, "[]", {{"API-Usage-Limit", "480/500"}}};
    });
    Options opt;
    opt.per_page = 1;
    opt.usage_window = Millis{3000};  // 460/500 -> 75 ms, 470/500 -> 100 ms (real: 7.5 s, 10 s)
    std::vector<std::pair<int, int>> waits;  // (usage seen, requests already sent)
    opt.on_usage_wait = [&](Millis, const Usage& u) { waits.emplace_back(u.used, server.requests()); };
    auto vs = all(server, opt);
    EXPECT_EQ(vs.size(), 3u);
    EXPECT_EQ(server.requests(), 4);
    ASSERT_EQ(waits.size(), 2u);  // none after 100/500
    EXPECT_EQ(waits[0], std::make_pair(460, 2));  // before the 3rd request
    EXPECT_EQ(waits[1], std::make_pair(470, 3));  // before the 4th
    for (const auto& r : server.received()) EXPECT_EQ(r.target.find("with_deleted"), std::string::npos);
}

TEST(InsalesClient, AtTheLimitAWaitPastTheDeadlineIsRateLimitedWithoutARequest) {
    TestServer server([](const TestRequest&) {
        return TestReply{200, page_of(1), {{"API-Usage-Limit", "500/500"}}};
    });
    Options opt;
    opt.per_page = 1;
    opt.walk_deadline = Millis{2000};  // the window is 5 minutes: the next request cannot wait
    bool waited = false;
    opt.on_usage_wait = [&](Millis, const Usage&) { waited = true; };
    try {
        all(server, opt);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::rate_limited);
        EXPECT_NE(std::string(e.what()).find("500/500"), std::string::npos);
        ASSERT_TRUE(e.retry_after);
        EXPECT_GT(*e.retry_after, Millis{200000});
    }
    EXPECT_FALSE(waited);
    EXPECT_EQ(server.requests(), 1);
}

TEST(InsalesClient, UsageWaitSpreadsTheRestOfTheBudgetOverTheWindow) {
    Options o;  // 90 %, 5 minutes
    EXPECT_EQ(usage_wait({17, 500}, o), Millis{0});
    EXPECT_EQ(usage_wait({449, 500}, o), Millis{0});
    EXPECT_EQ(usage_wait({450, 500}, o), Millis{6000});
    EXPECT_EQ(usage_wait({495, 500}, o), Millis{60000});
    EXPECT_EQ(usage_wait({500, 500}, o), Millis{300000});
    EXPECT_EQ(usage_wait({510, 500}, o), Millis{300000});
    EXPECT_EQ(usage_wait({5, 0}, o), Millis{0});  // nonsense header: no wait
}
