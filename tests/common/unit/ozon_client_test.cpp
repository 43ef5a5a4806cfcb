// The Ozon client over HTTP against a scripted in-test server: request shapes, pagination,
// retry policy per error class, and the retired-method guard. (The sandbox integration tests
// repeat the important ones against the real emulator over TLS.)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <limits>

#include "common/ozon/client.hpp"
#include "common/time.hpp"
#include "tests/common/unit/http_test_server.hpp"

using namespace ozw;
using namespace ozw::ozon;
using ozw::testing::TestReply;
using ozw::testing::TestRequest;
using ozw::testing::TestServer;
using nlohmann::json;

namespace {

AccountConfig account_for(const TestServer& s) {
    AccountConfig a;
    a.name = "test";
    a.client_id = "123";
    a.api_key = "secret-key";
    a.base_url = s.url();
    a.request_timeout = Millis{2000};
    a.rate_limit = 50;
    return a;
}

RetryPolicy fast_retry() {
    RetryPolicy r;
    r.total_deadline = Millis{3000};
    r.backoff_base = Millis{2};
    r.backoff_max = Millis{20};
    r.default_retry_after = Millis{5};
    return r;
}

template <class F>
auto run(F&& f) {
    boost::asio::io_context ioc;
    auto fut = boost::asio::co_spawn(ioc, f(ioc.get_executor()), boost::asio::use_future);
    ioc.run();
    return fut.get();
}

PostingFilter last_day() {
    PostingFilter f;
    f.to = *parse_iso8601("2026-11-26T07:00:00Z");
    f.since = f.to - std::chrono::hours(24);
    return f;
}

ErrorKind kind_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const ApiError& e) {
        return e.kind();
    }
    ADD_FAILURE() << "no ApiError";
    return ErrorKind::transient;
}

std::string posting_json(const std::string& number) {
    return R"({"posting_number":")" + number + R"(","status":"awaiting_packaging"})";
}

}  // namespace

TEST(OzonClient, MethodTableHasNoRetiredMethod) {
    ASSERT_EQ(method_paths().size(), 16u);
    for (auto p : method_paths())
        for (auto r : retired_paths()) EXPECT_NE(p, r);
    const std::vector<std::string_view> must_be_retired = {
        "/v3/posting/fbs/list", "/v3/posting/fbs/unfulfilled/list", "/v3/finance/transaction/list",
        "/v3/finance/transaction/totals", "/v1/warehouse/list", "/v1/review/list"};
    for (auto m : must_be_retired)
        EXPECT_NE(std::find(retired_paths().begin(), retired_paths().end(), m), retired_paths().end()) << m;
}

TEST(OzonClient, RefusesToCallARetiredMethod) {
    TestServer server([](const TestRequest&) { return TestReply{}; });
    auto acc = account_for(server);
    EXPECT_EQ(kind_of([&] {
                  run([&](auto ex) -> boost::asio::awaitable<std::string> {
                      Client c(ex, acc, nullptr, fast_retry());
                      co_return co_await c.call("/v3/posting/fbs/list", "{}");
                  });
              }),
              ErrorKind::method_gone);
    EXPECT_EQ(server.requests(), 0);
}

TEST(OzonClient, SendsAuthHeadersAndTheV4Request) {
    TestServer server([](const TestRequest&) {
        return TestReply{200, R"({"postings":[)" + posting_json("1-1-1") + R"(],"has_next":false,"cursor":""})"};
    });
    auto acc = account_for(server);
    auto postings = run([&](auto ex) -> boost::asio::awaitable<std::vector<Posting>> {
        Client c(ex, acc, nullptr, fast_retry());
        auto f = last_day();
        f.statuses = {"awaiting_packaging"};
        co_return co_await c.list_postings_all(f);
    });
    ASSERT_EQ(postings.size(), 1u);
    auto got = server.received();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].target, "/v4/posting/fbs/list");
    EXPECT_EQ(got[0].method, "POST");
    EXPECT_EQ(got[0].header("Client-Id"), "123");
    EXPECT_EQ(got[0].header("Api-Key"), "secret-key");
    EXPECT_EQ(got[0].header("Content-Type"), "application/json");
    auto body = json::parse(got[0].body);
    EXPECT_EQ(body["filter"]["since"], "2026-11-25T07:00:00Z");
    EXPECT_EQ(body["filter"]["to"], "2026-11-26T07:00:00Z");
    EXPECT_EQ(body["filter"]["statuses"][0], "awaiting_packaging");
    EXPECT_EQ(body["limit"], 100);
    EXPECT_EQ(body["with"]["financial_data"], true);
    EXPECT_EQ(body["cursor"], "");
}

TEST(OzonClient, WalksCursorPages) {
    TestServer server([](const TestRequest& r) {
        auto cursor = json::parse(r.body)["cursor"].get<std::string>();
        if (cursor.empty()) return TestReply{200, R"({"postings":[)" + posting_json("a") + R"(],"has_next":true,"cursor":"c1"})"};
        if (cursor == "c1") return TestReply{200, R"({"postings":[)" + posting_json("b") + R"(],"has_next":true,"cursor":"c2"})"};
        return TestReply{200, R"({"postings":[)" + posting_json("c") + R"(],"has_next":false,"cursor":"c3"})"};
    });
    auto acc = account_for(server);
    auto postings = run([&](auto ex) -> boost::asio::awaitable<std::vector<Posting>> {
        Client c(ex, acc, nullptr, fast_retry());
        co_return co_await c.list_postings_all(last_day());
    });
    ASSERT_EQ(postings.size(), 3u);
    EXPECT_EQ(postings[2].posting_number, "c");
    EXPECT_EQ(server.requests(), 3);
}

TEST(OzonClient, AListThatNeverEndsIsAnErrorNotAShortAnswer) {
    std::atomic<int> n{0};
    TestServer server([&](const TestRequest&) {  // always one more page, a new cursor each time
        const std::string next = "c" + std::to_string(++n);
        return TestReply{200, R"({"postings":[)" + posting_json(next) + R"(],"has_next":true,"cursor":")" + next + "\"}"};
    });
    auto acc = account_for(server);
    RetryPolicy rp = fast_retry();
    rp.max_pages = 5;
    std::size_t taken = 0;
    EXPECT_EQ(kind_of([&] {
                  run([&](auto ex) -> boost::asio::awaitable<void> {
                      Client c(ex, acc, nullptr, rp);
                      co_await c.each_posting_page(last_day(), [&](std::vector<Posting>& p) { taken += p.size(); });
                  });
              }),
              ErrorKind::transient);
    EXPECT_EQ(server.requests(), 5);  // the budget, not one page more
    EXPECT_EQ(taken, 5u);             // what came was handed over, then the walk failed
    // The time budget: spent at once.
    rp.max_pages = 1000;
    rp.max_walk = Millis{0};
    try {
        run([&](auto ex) -> boost::asio::awaitable<std::vector<Posting>> {
            Client c(ex, acc, nullptr, rp);
            co_return co_await c.list_postings_all(last_day());
        });
        ADD_FAILURE() << "no error";
    } catch (const ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("did not end"), std::string::npos) << e.what();
    }
}

TEST(OzonClient, WalksLastIdPages) {
    TestServer server([](const TestRequest& r) {
        auto last = json::parse(r.body)["last_id"].get<long long>();
        long long next = last + 1;
        bool more = next < 3;
        return TestReply{200, R"({"has_next":)" + std::string(more ? "true" : "false") +
                                  R"(,"returns":[{"id":")" + std::to_string(next) + R"(","type":"ClientReturn"}]})"};
    });
    auto acc = account_for(server);
    auto returns = run([&](auto ex) -> boost::asio::awaitable<std::vector<Return>> {
        Client c(ex, acc, nullptr, fast_retry());
        ReturnsFilter f;
        f.date = ReturnsFilter::DateRange{ReturnsFilter::DateField::visual_status_change_moment,
                                          *parse_iso8601("2026-11-01T00:00:00Z"),
                                          *parse_iso8601("2026-11-26T00:00:00Z")};
        co_return co_await c.list_returns_all(f);
    });
    ASSERT_EQ(returns.size(), 3u);
    auto got = server.received();
    ASSERT_EQ(got.size(), 3u);
    auto body = json::parse(got[1].body);
    EXPECT_EQ(body["last_id"], 1);
    // Exactly one date filter per request.
    EXPECT_TRUE(body["filter"].contains("visual_status_change_moment"));
    EXPECT_FALSE(body["filter"].contains("logistic_return_date"));
    EXPECT_FALSE(body["filter"].contains("storage_tariffication_start_date"));
}

TEST(OzonClient, RfbsPagesPastInt32SplitTheCreatedWindowInsteadOfSendingABadLastId) {
    // Five requests with int64 ids, one a day; the spec types last_id as int32, so a page that
    // ends on such an id cannot be continued by it.
    const TimePoint day0 = *parse_iso8601("2026-11-01T00:00:00Z");
    std::vector<std::pair<long long, TimePoint>> world;
    for (int i = 0; i < 5; ++i) world.push_back({3000000001LL + i, day0 + std::chrono::hours(24 * i)});
    std::atomic<int> bad_last_id{0};
    TestServer server([&](const TestRequest& r) {
        const auto body = json::parse(r.body);
        const long long last_id = body.value("last_id", 0LL);
        if (last_id > std::numeric_limits<std::int32_t>::max()) ++bad_last_id;
        const auto& c = body["filter"]["created_at"];
        const TimePoint from = *parse_iso8601(c["from"].get<std::string>());
        const TimePoint to = *parse_iso8601(c["to"].get<std::string>());
        std::string items;
        int n = 0;
        for (const auto& [id, created] : world) {
            if (id <= last_id || created < from || created > to || n == body["limit"].get<int>()) continue;
            items += std::string(n++ ? "," : "") + R"({"return_id":)" + std::to_string(id) + R"(,"created_at":")" +
                     format_iso8601(created) + "\"}";
        }
        return TestReply{200, R"({"returns":[)" + items + "]}"};
    });
    auto acc = account_for(server);
    auto got = run([&](auto ex) -> boost::asio::awaitable<std::vector<RfbsReturn>> {
        Client c(ex, acc, nullptr, fast_retry());
        RfbsReturnsFilter f;
        f.created_from = day0 - std::chrono::hours(1);
        f.created_to = day0 + std::chrono::hours(24 * 5);
        f.limit = 2;
        co_return co_await c.list_rfbs_returns_all(f);
    });
    std::vector<long long> ids;
    for (const auto& r : got) ids.push_back(r.id);
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(ids, (std::vector<long long>{3000000001, 3000000002, 3000000003, 3000000004, 3000000005}));
    EXPECT_EQ(bad_last_id.load(), 0);
}

TEST(OzonClient, StocksFollowTheCursorUntilItEndsPastShortPagesAndTotalItems) {
    std::atomic<int> calls{0};
    TestServer server([&](const TestRequest&) {
        int n = ++calls;
        std::string items;
        // limit 2: pages of 2, 1 (short), 2 and then an empty one; total_items says 3.
        const int count = n == 1 ? 2 : n == 2 ? 1 : n == 3 ? 2 : 0;
        for (int i = 0; i < count; ++i)
            items += std::string(i ? "," : "") + R"({"offer_id":"o)" + std::to_string(n * 10 + i) +
                     R"(","product_id":1,"stocks":[{"type":"fbs","present":1000,"reserved":0}]})";
        return TestReply{200, R"({"cursor":"next)" + std::to_string(n) + R"(","items":[)" + items +
                                  R"(],"total_items":3})"};
    });
    auto acc = account_for(server);
    auto items = run([&](auto ex) -> boost::asio::awaitable<std::vector<StockItem>> {
        Client c(ex, acc, nullptr, fast_retry());
        StocksFilter f;
        f.limit = 2;
        co_return co_await c.stocks_all(f);
    });
    EXPECT_EQ(items.size(), 5u);
    EXPECT_EQ(server.requests(), 4);
}

TEST(OzonClient, StocksByWarehouseAskAThousandArticlesARequestAndFollowHasNext) {
    std::atomic<int> calls{0};
    TestServer server([&](const TestRequest& r) {
        ++calls;
        const auto body = json::parse(r.body);
        const auto ids = body["offer_id"];
        json rows = json::array();
        // The first batch answers in two pages (has_next), the second in one.
        const bool first_page = body["cursor"] == "";
        if (first_page)
            rows.push_back({{"offer_id", ids[0]}, {"warehouse_id", 1}, {"present", 10}, {"reserved", 3}});
        else
            rows.push_back({{"offer_id", ids[1]}, {"warehouse_id", 2}, {"present", "7"}, {"reserved", 0},
                            {"free_stock", 7}});
        const bool more = first_page && ids.size() == 1000;
        return TestReply{200, json{{"stocks", rows}, {"cursor", more ? "c1" : ""}, {"has_next", more}}.dump()};
    });
    auto acc = account_for(server);
    auto rows = run([&](auto ex) -> boost::asio::awaitable<std::vector<WarehouseStock>> {
        Client c(ex, acc, nullptr, fast_retry());
        std::vector<std::string> ids;
        for (int i = 0; i < 1500; ++i) ids.push_back("A-" + std::to_string(i));
        co_return co_await c.stocks_by_warehouse_all(ids);
    });
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].offer_id, "A-0");
    EXPECT_EQ(rows[0].free(), 7);  // present - reserved: Ozon did not say
    EXPECT_EQ(rows[1].offer_id, "A-1");
    EXPECT_EQ(rows[1].present, 7);  // a number as text
    EXPECT_EQ(rows[2].offer_id, "A-1000");
    auto got = server.received();
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(json::parse(got[0].body)["offer_id"].size(), 1000u);
    EXPECT_EQ(json::parse(got[2].body)["offer_id"].size(), 500u);
    for (const auto& g : got) EXPECT_EQ(g.target, "/v2/product/info/stocks-by-warehouse/fbs");
}

TEST(OzonClient, AccrualsAreAskedInBatchesOf200) {
    TestServer server([](const TestRequest& r) {
        auto nums = json::parse(r.body)["posting_numbers"];
        json out = {{"posting_accruals", json::array()}};
        for (auto& n : nums) out["posting_accruals"].push_back({{"posting_number", n}, {"accruals", json::array()}});
        return TestReply{200, out.dump()};
    });
    auto acc = account_for(server);
    auto res = run([&](auto ex) -> boost::asio::awaitable<std::vector<PostingAccruals>> {
        Client c(ex, acc, nullptr, fast_retry());
        std::vector<std::string> numbers;
        for (int i = 0; i < 450; ++i) numbers.push_back("p-" + std::to_string(i));
        co_return co_await c.accruals_by_postings(numbers);
    });
    EXPECT_EQ(res.size(), 450u);
    auto got = server.received();
    ASSERT_EQ(got.size(), 3u);
    for (const auto& g : got) {
        EXPECT_EQ(g.target, "/v1/finance/accrual/postings");
        EXPECT_LE(json::parse(g.body)["posting_numbers"].size(), 200u);
    }
}

TEST(OzonClient, CashFlowStatementWalksItsPagesWithTheRequestTheSpecAsks) {
    TestServer server([](const TestRequest& r) {
        const int page = json::parse(r.body)["page"].get<int>();
        // page_count where the schema puts it (in result) and beside it, as the example does.
        json out = {{"result",
                     {{"cash_flows", {{{"period", {{"id", page}, {"begin", "2026-10-01T00:00:00Z"}}},
                                       {"orders_amount", page == 1 ? "1000.10" : "0.20"},
                                       {"currency_code", "RUB"}}}},
                      {"details", {{"period", {{"id", page}}}, {"invoice_transfer", 0.1},
                                   {"payments", {{{"payment", 0.1}, {"currency_code", "RUB"}}}}}},
                      {"page_count", 3}}},
                    {"page_count", 3}};
        return TestReply{200, out.dump()};
    });
    auto acc = account_for(server);
    auto st = run([&](auto ex) -> boost::asio::awaitable<CashFlowStatementPage> {
        Client c(ex, acc, nullptr, fast_retry());
        co_return co_await c.cash_flow_statement(*parse_iso8601("2026-10-01T00:00:00Z"),
                                                 *parse_iso8601("2026-11-30T23:59:59Z"), true);
    });
    auto got = server.received();
    ASSERT_EQ(got.size(), 3u);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(got[i].target, "/v1/finance/cash-flow-statement/list");
        auto body = json::parse(got[i].body);
        EXPECT_EQ(body["date"]["from"], "2026-10-01T00:00:00Z");
        EXPECT_EQ(body["date"]["to"], "2026-11-30T23:59:59Z");
        EXPECT_EQ(body["with_details"], true);
        EXPECT_EQ(body["page"], i + 1);
        EXPECT_EQ(body["page_size"], Client::kCashFlowPageSize);
    }
    ASSERT_EQ(st.cash_flows.size(), 3u);
    ASSERT_EQ(st.details.size(), 3u);
    EXPECT_EQ(st.page_count, 3);
    EXPECT_EQ(st.cash_flows[2].period.id, 3);
    Decimal orders;
    for (const auto& c : st.cash_flows) orders += c.orders_amount.amount;
    EXPECT_EQ(orders, *Decimal::parse("1000.50"));  // exact: 1000.10 + 0.20 + 0.20
    EXPECT_EQ(st.details[0].payments.at(0), (Money{*Decimal::parse("0.1"), "RUB"}));
}

TEST(OzonClient, CashFlowStatementWithoutPageCountStopsOnAShortPage) {
    TestServer server([](const TestRequest&) {
        return TestReply{200, R"({"result":{"cash_flows":[{"orders_amount":1}]}})"};
    });
    auto acc = account_for(server);
    auto st = run([&](auto ex) -> boost::asio::awaitable<CashFlowStatementPage> {
        Client c(ex, acc, nullptr, fast_retry());
        co_return co_await c.cash_flow_statement(*parse_iso8601("2026-11-01T00:00:00Z"),
                                                 *parse_iso8601("2026-11-15T23:59:59Z"));
    });
    EXPECT_EQ(server.requests(), 1);
    ASSERT_EQ(st.cash_flows.size(), 1u);
    EXPECT_EQ(json::parse(server.received()[0].body)["with_details"], false);
}

TEST(OzonClient, TransientErrorsAndBadJsonAreRetried) {
    std::atomic<int> calls{0};
    TestServer server([&](const TestRequest&) {
        int n = ++calls;
        if (n == 1) return TestReply{502, "<html>bad gateway</html>"};
        if (n == 2) return TestReply{200, R"({"postings":[{"posting_nu)"};  // truncated
        if (n == 3) {
            TestReply r;
            r.action = TestReply::Action::drop;
            return r;
        }
        return TestReply{200, R"({"postings":[],"has_next":false})"};
    });
    auto acc = account_for(server);
    ClientStats stats;
    run([&](auto ex) -> boost::asio::awaitable<void> {
        Client c(ex, acc, nullptr, fast_retry());
        co_await c.list_postings(last_day());
        stats = c.stats();
    });
    EXPECT_EQ(server.requests(), 4);
    // The dropped connection was a pooled one: the HTTP layer retries that once by itself, so
    // the client counts two or three retries.
    EXPECT_GE(stats.retries, 2);
}

TEST(OzonClient, RateLimitedWaitsRetryAfterAndRetries) {
    std::atomic<int> calls{0};
    TestServer server([&](const TestRequest&) {
        if (++calls == 1)
            return TestReply{429, R"({"code":8,"message":"You have reached request rate limit per second"})",
                             {{"Retry-After", "0"}}};
        return TestReply{200, R"({"expires_at":"2026-12-01T00:00:00Z","roles":[]})"};
    });
    auto acc = account_for(server);
    ClientStats stats;
    auto key = run([&](auto ex) -> boost::asio::awaitable<KeyInfo> {
        Client c(ex, acc, nullptr, fast_retry());
        auto k = co_await c.roles();
        stats = c.stats();
        co_return k;
    });
    EXPECT_TRUE(key.expires_at);
    EXPECT_EQ(stats.rate_limited, 1);
    EXPECT_EQ(server.requests(), 2);
}

TEST(OzonClient, NonRetryableErrorsAreThrownAfterOneRequest) {
    struct Case {
        int status;
        std::string body;
        ErrorKind kind;
    } cases[] = {
        {429, R"({"code":8,"message":"Circle is open"})", ErrorKind::circle_open},
        {401, R"({"code":16,"message":"Invalid Api-Key, please check the key and try again"})", ErrorKind::auth},
        {403, R"({"code":7,"message":"Offer not signed"})", ErrorKind::auth},
        {404, R"({"code":5,"message":"method is obsolete"})", ErrorKind::method_gone},
        {400, R"({"code":3,"message":"PERIOD_IS_TOO_LONG"})", ErrorKind::bad_request},
    };
    for (const auto& c : cases) {
        TestServer server([&](const TestRequest&) { return TestReply{c.status, c.body}; });
        auto acc = account_for(server);
        EXPECT_EQ(kind_of([&] {
                      run([&](auto ex) -> boost::asio::awaitable<void> {
                          Client cl(ex, acc, nullptr, fast_retry());
                          co_await cl.list_postings(last_day());
                      });
                  }),
                  c.kind)
            << c.body;
        EXPECT_EQ(server.requests(), 1) << c.body;
    }
}

TEST(OzonClient, TransientRetriesStopAtTheDeadline) {
    TestServer server([](const TestRequest&) { return TestReply{503, "busy"}; });
    auto acc = account_for(server);
    RetryPolicy rp = fast_retry();
    rp.total_deadline = Millis{150};
    rp.backoff_base = Millis{10};
    rp.max_attempts = 1000;
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(kind_of([&] {
                  run([&](auto ex) -> boost::asio::awaitable<void> {
                      Client cl(ex, acc, nullptr, rp);
                      // A named filter: GCC 12 mis-destroys temporaries inside co_await.
                      ChatsFilter f;
                      co_await cl.chats(f);
                  });
              }),
              ErrorKind::transient);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
    EXPECT_GT(server.requests(), 1);
}

TEST(OzonClient, PeriodOverAYearIsRefusedLocally) {
    TestServer server([](const TestRequest&) { return TestReply{}; });
    auto acc = account_for(server);
    EXPECT_EQ(kind_of([&] {
                  run([&](auto ex) -> boost::asio::awaitable<void> {
                      Client cl(ex, acc, nullptr, fast_retry());
                      PostingFilter f = last_day();
                      f.since = f.to - std::chrono::hours(24 * 400);
                      co_await cl.list_postings(f);
                  });
              }),
              ErrorKind::bad_request);
    EXPECT_EQ(server.requests(), 0);
}

TEST(OzonClient, GetPostingUnknownNumberIsNotFound) {
    TestServer server([](const TestRequest&) { return TestReply{404, R"({"code":5,"message":"Posting not found"})"}; });
    auto acc = account_for(server);
    EXPECT_EQ(kind_of([&] {
                  run([&](auto ex) -> boost::asio::awaitable<void> {
                      Client cl(ex, acc, nullptr, fast_retry());
                      co_await cl.get_posting("0-0-0");
                  });
              }),
              ErrorKind::not_found);
}

// "Circle is open" may come as plain text with any status: the client treats it exactly like
// Ozon's JSON form: one request, no retry, no rate-limit wait, ApiError{circle_open} at once
// (the scheduler backs the watch off).
TEST(OzonClient, PlainTextCircleIsOpenIsBackedOffLikeTheJsonOne) {
    struct Case {
        int status;
        std::string body;
        std::string content_type;
    } cases[] = {
        {429, R"({"code":8,"message":"Circle is open"})", "application/json"},  // the reference
        {429, "Circle is open", "text/plain"},
        {503, "Circle is open\n", "text/plain; charset=utf-8"},
        {500, "<html><body>Circle is open</body></html>", "text/html"},
    };
    struct Outcome {
        ErrorKind kind = ErrorKind::transient;
        bool retryable = true;
        bool has_retry_after = true;
        int requests = 0;
        ClientStats stats;
    };
    std::vector<Outcome> outcomes;
    for (const auto& c : cases) {
        SCOPED_TRACE(c.body);
        TestServer server([&](const TestRequest&) {
            return TestReply{c.status, c.body, {{"Content-Type", c.content_type}, {"Retry-After", "60"}}};
        });
        auto acc = account_for(server);
        Outcome o;
        bool thrown = false;
        run([&](auto ex) -> boost::asio::awaitable<void> {
            Client cl(ex, acc, nullptr, fast_retry());
            try {
                co_await cl.list_postings(last_day());
            } catch (const ApiError& e) {
                thrown = true;
                o.kind = e.kind();
                o.retryable = e.retryable();
                o.has_retry_after = e.retry_after().has_value();
            }
            o.stats = cl.stats();
        });
        ASSERT_TRUE(thrown);
        o.requests = server.requests();
        EXPECT_EQ(o.kind, ErrorKind::circle_open);
        EXPECT_FALSE(o.retryable);
        EXPECT_FALSE(o.has_retry_after);
        EXPECT_EQ(o.requests, 1);  // thrown at once: neither retried as 5xx nor waited as 429
        EXPECT_EQ(o.stats.requests, 1);
        EXPECT_EQ(o.stats.retries, 0);
        EXPECT_EQ(o.stats.rate_limited, 0);
        outcomes.push_back(o);
    }
    for (std::size_t i = 1; i < outcomes.size(); ++i) {
        EXPECT_EQ(outcomes[i].kind, outcomes[0].kind) << cases[i].body;
        EXPECT_EQ(outcomes[i].requests, outcomes[0].requests) << cases[i].body;
        EXPECT_EQ(outcomes[i].stats.retries, outcomes[0].stats.retries) << cases[i].body;
        EXPECT_EQ(outcomes[i].stats.rate_limited, outcomes[0].stats.rate_limited) << cases[i].body;
    }
}

// Live Ozon's auth answers (404 code 5, 403 code 7) are auth failures: never retried.
TEST(OzonClient, InvalidKeyAs404AndDeactivatedKeyAs403AreAuthAfterOneRequest) {
    struct Case {
        int status;
        std::string body;
        AuthReason reason;
    } cases[] = {
        {404, R"({"code":5,"message":"Invalid Api-Key, please check the key and try again","details":[]})",
         AuthReason::invalid_key},
        {403, R"({"code":7,"message":"Api-key is deactivated, use another one or generate a new one","details":[]})",
         AuthReason::deactivated_key},
    };
    for (const auto& c : cases) {
        TestServer server([&](const TestRequest&) { return TestReply{c.status, c.body}; });
        auto acc = account_for(server);
        AuthReason reason = AuthReason::none;
        ErrorKind kind = ErrorKind::transient;
        run([&](auto ex) -> boost::asio::awaitable<void> {
            Client cl(ex, acc, nullptr, fast_retry());
            try {
                co_await cl.get_posting("0127001001-0001-1");
            } catch (const ApiError& e) {
                kind = e.kind();
                reason = e.auth_reason();
            }
        });
        EXPECT_EQ(kind, ErrorKind::auth) << c.body;
        EXPECT_EQ(reason, c.reason) << c.body;
        EXPECT_EQ(server.requests(), 1) << c.body;
    }
}

// The one table of retired methods (common/ozon/retired.hpp): the client refuses every path of
// it without sending anything. (The sandbox answers 404 for the same table:
// tests/sandbox/integration/sandbox_api_test.cpp.)
TEST(OzonClient, RefusesEveryPathOfTheRetiredTableWithoutSending) {
    ASSERT_FALSE(retired_methods().empty());
    ASSERT_EQ(retired_paths().size(), retired_methods().size());
    for (std::size_t i = 0; i < retired_methods().size(); ++i) {
        const auto& m = retired_methods()[i];
        EXPECT_EQ(retired_paths()[i], m.path);
        EXPECT_EQ(find_retired(m.path), &m);
        EXPECT_FALSE(m.replacement.empty()) << m.path;
        EXPECT_FALSE(m.shutdown.empty()) << m.path;
        EXPECT_EQ(find_retired(m.replacement), nullptr) << m.path << " -> " << m.replacement;
    }
    EXPECT_EQ(find_retired(paths::posting_list), nullptr);
    TestServer server([](const TestRequest&) { return TestReply{}; });
    auto acc = account_for(server);
    std::vector<std::string> refused;
    run([&](auto ex) -> boost::asio::awaitable<void> {
        Client c(ex, acc, nullptr, fast_retry());
        for (const auto& m : retired_methods()) {
            try {
                co_await c.call(m.path, "{}");
                ADD_FAILURE() << "called " << m.path;
            } catch (const ApiError& e) {
                EXPECT_EQ(e.kind(), ErrorKind::method_gone) << m.path;
                EXPECT_EQ(e.path(), m.path);
                EXPECT_EQ(e.http_status(), 0) << m.path;  // no HTTP answer: nothing was sent
                EXPECT_NE(std::string(e.what()).find(std::string(m.replacement)), std::string::npos);
                refused.emplace_back(m.path);
            }
        }
        EXPECT_EQ(c.stats().requests, 0);
    });
    EXPECT_EQ(refused.size(), retired_methods().size());
    EXPECT_EQ(server.requests(), 0);
}
