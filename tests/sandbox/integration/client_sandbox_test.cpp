// The Ozon and InSales clients (common/) against the sandbox over TLS: certificate checks,
// every fault class classified and retried or not, pagination of each cursor style, the rate
// limiter, and no call to a retired method.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "common/http/client.hpp"
#include "common/insales/client.hpp"
#include "common/ozon/client.hpp"
#include "common/time.hpp"
#include "sandbox/sandbox.hpp"
#include "tests/common/unit/http_test_server.hpp"

using namespace ozw;
using namespace ozw::ozon;
namespace sb = ozw::sandbox;

namespace {

std::string scenario_path(const std::string& name) {
    return std::string(OZW_SOURCE_DIR) + "/sandbox/scenarios/" + name;
}

template <class F>
auto run(F&& f) {
    boost::asio::io_context ioc;
    auto fut = boost::asio::co_spawn(ioc, f(ioc.get_executor()), boost::asio::use_future);
    ioc.run();
    return fut.get();
}

RetryPolicy fast_retry() {
    RetryPolicy r;
    r.total_deadline = Millis{5000};
    r.backoff_base = Millis{5};
    r.backoff_max = Millis{50};
    r.default_retry_after = Millis{10};
    return r;
}

// A sandbox served over TLS with a certificate for "localhost" only, signed by a test CA.
class ClientSandbox : public ::testing::Test {
protected:
    void start(const std::string& scenario) {
        pki_ = ozw::testing::make_pki(dir_.path, "DNS:localhost");
        box_ = std::make_unique<sb::Sandbox>(sb::Sandbox::load_scenario(scenario_path(scenario)));
        box_->start("127.0.0.1:0", sb::TlsFiles{pki_.cert_file, pki_.key_file});
    }
    std::string url(const std::string& host = "localhost") const {
        return "https://" + host + ":" + std::to_string(box_->port());
    }
    AccountConfig account(const std::string& client_id = "demo", const std::string& key = "demo-key") const {
        AccountConfig a;
        a.name = client_id;
        a.client_id = client_id;
        a.api_key = key;
        a.base_url = url();
        a.ca_file = pki_.ca_file;
        a.request_timeout = Millis{3000};
        a.rate_limit = 50;
        return a;
    }
    PostingFilter around_now(int days_back = 300) const {
        PostingFilter f;
        f.to = box_->now() + std::chrono::hours(24 * 30);
        f.since = box_->now() - std::chrono::hours(24 * days_back);
        return f;
    }
    int count_requests(const std::string& path) const {
        int n = 0;
        for (const auto& r : box_->request_log())
            if (r.path == path) ++n;
        return n;
    }
    // Runs one Ozon call and returns the error kind it threw (or nullopt).
    template <class Body>
    std::optional<ApiError> error_of(Body body, AccountConfig acc, RetryPolicy rp = fast_retry()) {
        try {
            run([&](auto ex) -> boost::asio::awaitable<void> {
                Client c(ex, acc, nullptr, rp);
                co_await body(c);
            });
        } catch (const ApiError& e) {
            return e;
        }
        return std::nullopt;
    }

    ozw::testing::TempDir dir_;
    ozw::testing::Pki pki_;
    std::unique_ptr<sb::Sandbox> box_;
};

}  // namespace

// ------------------------------------------------------------------ TLS

TEST_F(ClientSandbox, TlsWithTheTestCaAndTheRightHostNameWorks) {
    start("test-basic.yaml");
    auto key = run([&](auto ex) -> boost::asio::awaitable<KeyInfo> {
        Client c(ex, account(), nullptr, fast_retry());
        co_return co_await c.roles();
    });
    ASSERT_TRUE(key.expires_at);
    EXPECT_EQ(*key.expires_at, box_->now() + std::chrono::hours(24 * 10));
}

TEST_F(ClientSandbox, UnknownCaAndWrongHostNameAreRefused) {
    start("test-basic.yaml");
    http::Request r;
    r.url = url() + "/v1/roles";
    r.body = "{}";
    // No extra CA: the system store does not know the test CA.
    try {
        http::fetch(r);
        FAIL() << "unknown CA accepted";
    } catch (const http::HttpError& e) {
        EXPECT_EQ(e.kind(), http::ErrorKind::tls);
    }
    // The certificate names localhost, not 127.0.0.1.
    http::ClientOptions opt;
    opt.ca_file = pki_.ca_file;
    r.url = url("127.0.0.1") + "/v1/roles";
    try {
        http::fetch(r, opt);
        FAIL() << "wrong host name accepted";
    } catch (const http::HttpError& e) {
        EXPECT_EQ(e.kind(), http::ErrorKind::tls);
    }
    EXPECT_EQ(count_requests("/v1/roles"), 0);
    // Through the Ozon client a refused certificate is a transient source failure.
    auto acc = account();
    acc.ca_file.clear();
    RetryPolicy rp = fast_retry();
    rp.total_deadline = Millis{50};
    auto err = error_of([](Client& c) -> boost::asio::awaitable<void> { co_await c.roles(); }, acc, rp);
    ASSERT_TRUE(err);
    EXPECT_EQ(err->kind(), ErrorKind::transient);
    EXPECT_NE(std::string(err->what()).find("TLS"), std::string::npos) << err->what();
}

// ------------------------------------------------------------------ pagination

TEST_F(ClientSandbox, CursorPaginationWalksEveryPage) {
    start("test-pagination.yaml");
    struct Counts {
        std::size_t postings, stocks, chats;
    };
    auto counts = run([&](auto ex) -> boost::asio::awaitable<Counts> {
        Client c(ex, account(), nullptr, fast_retry());
        auto f = around_now();
        auto postings = co_await c.list_postings_all(f);
        StocksFilter sf;
        auto stocks = co_await c.stocks_all(sf);
        ChatsFilter cf;
        auto chats = co_await c.chats_all(cf);
        std::set<std::string> unique;
        for (const auto& p : postings) unique.insert(p.posting_number);
        EXPECT_EQ(unique.size(), postings.size()) << "a page was read twice";
        co_return Counts{postings.size(), stocks.size(), chats.size()};
    });
    EXPECT_EQ(counts.postings, 250u);
    EXPECT_EQ(counts.stocks, 2500u);
    EXPECT_EQ(counts.chats, 250u);
    EXPECT_GE(count_requests("/v4/posting/fbs/list"), 3);
    EXPECT_GE(count_requests("/v4/product/info/stocks"), 3);
    EXPECT_GE(count_requests("/v3/chat/list"), 3);
}

// The stock comparison's Ozon source: 2,500 articles in batches of 1000, each batch's rows (one
// per article and warehouse, more than 1000) over several cursor pages.
TEST_F(ClientSandbox, StocksByWarehouseWalksBatchesAndCursors) {
    start("test-stocks.yaml");
    std::vector<std::string> offers;
    std::size_t expected_rows = 0;
    std::map<std::string, long long> expected;
    for (const auto& p : box_->snapshot().products) {
        offers.push_back(p.offer_id);
        expected_rows += p.fbs.size();
        for (const auto& w : p.fbs) expected[p.offer_id] += w.present;
    }
    auto rows = run([&](auto ex) -> boost::asio::awaitable<std::vector<WarehouseStock>> {
        Client c(ex, account(), nullptr, fast_retry());
        co_return co_await c.stocks_by_warehouse_all(offers);
    });
    EXPECT_EQ(rows.size(), expected_rows);
    std::map<std::string, long long> got;
    for (const auto& r : rows) {
        got[r.offer_id] += r.present;
        EXPECT_FALSE(r.warehouse_name.empty());
        EXPECT_EQ(r.free(), r.present - r.reserved);
    }
    EXPECT_EQ(got, expected);
    EXPECT_GE(count_requests("/v2/product/info/stocks-by-warehouse/fbs"), 5);  // 3 batches, 2 need a cursor
    EXPECT_EQ(count_requests("/v1/product/info/stocks-by-warehouse/fbs"), 0);
}

TEST_F(ClientSandbox, LastIdPaginationWalksEveryPage) {
    start("test-pagination.yaml");
    struct Counts {
        std::size_t returns, reviews;
    };
    auto counts = run([&](auto ex) -> boost::asio::awaitable<Counts> {
        Client c(ex, account(), nullptr, fast_retry());
        ReturnsFilter rf;
        rf.return_schema.clear();
        auto returns = co_await c.list_returns_all(rf);
        ReviewsFilter vf;
        auto reviews = co_await c.reviews_all(vf);
        std::set<long long> ids;
        for (const auto& r : returns) ids.insert(r.id);
        EXPECT_EQ(ids.size(), returns.size()) << "a page was read twice";
        co_return Counts{returns.size(), reviews.size()};
    });
    EXPECT_EQ(counts.returns, 1100u);
    EXPECT_EQ(counts.reviews, 250u);
    EXPECT_GE(count_requests("/v1/returns/list"), 3);
    EXPECT_GE(count_requests("/v2/review/list"), 3);
}

// ------------------------------------------------------------------ faults

TEST_F(ClientSandbox, RetryableFaultsAreRetriedAndSucceed) {
    start("test-basic.yaml");
    const std::vector<sb::FaultKind> kinds = {
        sb::FaultKind::rate_limit,     sb::FaultKind::server_error, sb::FaultKind::truncated_json,
        sb::FaultKind::invalid_json,   sb::FaultKind::cut_mid_body, sb::FaultKind::drop_connection,
        sb::FaultKind::delay,
    };
    for (auto kind : kinds) {
        SCOPED_TRACE(sb::to_string(kind));
        box_->clear_faults();
        box_->clear_logs();
        sb::FaultSpec f;
        f.path = "/v4/posting/fbs/list";
        f.kind = kind;
        f.times = 2;
        f.retry_after_s = 0;
        f.status = 503;
        f.delay = Millis{1500};
        box_->inject_fault(f);
        auto acc = account();
        acc.request_timeout = Millis{400};  // the delay fault goes beyond it
        ClientStats stats;
        auto postings = run([&](auto ex) -> boost::asio::awaitable<std::vector<Posting>> {
            Client c(ex, acc, nullptr, fast_retry());
            auto f2 = around_now(30);
            auto page = co_await c.list_postings(f2);
            stats = c.stats();
            co_return page.postings;
        });
        EXPECT_EQ(postings.size(), 3u);
        EXPECT_GE(stats.retries, 1);
        if (kind == sb::FaultKind::rate_limit) { EXPECT_EQ(stats.rate_limited, 2); }
    }
}

TEST_F(ClientSandbox, NonRetryableFaultsAreClassifiedAndNotRetried) {
    start("test-basic.yaml");
    struct Case {
        sb::FaultKind fault;
        ErrorKind kind;
        AuthReason reason;
    } cases[] = {
        {sb::FaultKind::circle_open, ErrorKind::circle_open, AuthReason::none},
        {sb::FaultKind::invalid_key, ErrorKind::auth, AuthReason::invalid_key},
        {sb::FaultKind::offer_not_signed, ErrorKind::auth, AuthReason::offer_not_signed},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(sb::to_string(c.fault));
        box_->clear_faults();
        box_->clear_logs();
        sb::FaultSpec f;
        f.path = "/v4/posting/fbs/list";
        f.kind = c.fault;
        f.times = 5;
        box_->inject_fault(f);
        auto err = error_of(
            [this](Client& cl) -> boost::asio::awaitable<void> {
                auto pf = around_now(30);
                co_await cl.list_postings(pf);
            },
            account());
        ASSERT_TRUE(err);
        EXPECT_EQ(err->kind(), c.kind) << err->what();
        EXPECT_EQ(err->auth_reason(), c.reason);
        EXPECT_EQ(count_requests("/v4/posting/fbs/list"), 1);
    }
}

// "Circle is open" as plain text (any status) is thrown at once, exactly like the JSON one.
TEST_F(ClientSandbox, PlainTextCircleIsOpenIsNotRetried) {
    start("test-basic.yaml");
    for (int status : {429, 503}) {
        SCOPED_TRACE(status);
        box_->clear_faults();
        box_->clear_logs();
        sb::FaultSpec f;
        f.path = "/v4/posting/fbs/list";
        f.kind = sb::FaultKind::circle_open_text;
        f.status = status;
        f.retry_after_s = 60;
        f.times = 5;
        box_->inject_fault(f);
        auto err = error_of(
            [this](Client& cl) -> boost::asio::awaitable<void> {
                auto pf = around_now(30);
                co_await cl.list_postings(pf);
            },
            account());
        ASSERT_TRUE(err);
        EXPECT_EQ(err->kind(), ErrorKind::circle_open) << err->what();
        EXPECT_EQ(err->http_status(), status);
        EXPECT_EQ(err->ozon_message(), "Circle is open");
        EXPECT_FALSE(err->retryable());
        EXPECT_EQ(count_requests("/v4/posting/fbs/list"), 1);
        auto log = box_->request_log();
        ASSERT_FALSE(log.empty());
        EXPECT_EQ(log.back().fault, "circle_open_text");
    }
}

TEST_F(ClientSandbox, AccountStatesFromTheScenario) {
    start("test-basic.yaml");
    auto deactivated = error_of([](Client& c) -> boost::asio::awaitable<void> { co_await c.roles(); },
                                account("old", "old-key"));
    ASSERT_TRUE(deactivated);
    EXPECT_EQ(deactivated->kind(), ErrorKind::auth);
    EXPECT_EQ(deactivated->auth_reason(), AuthReason::deactivated_key);

    auto wrong_key = error_of([](Client& c) -> boost::asio::awaitable<void> { co_await c.roles(); },
                              account("demo", "not-the-key"));
    ASSERT_TRUE(wrong_key);
    EXPECT_EQ(wrong_key->kind(), ErrorKind::auth);

    auto no_sub = error_of(
        [](Client& c) -> boost::asio::awaitable<void> {
            ReviewsFilter f;
            co_await c.reviews(f);
        },
        account("noreview", "noreview-key"));
    ASSERT_TRUE(no_sub);
    EXPECT_EQ(no_sub->kind(), ErrorKind::not_available);

    auto unknown = error_of(
        [](Client& c) -> boost::asio::awaitable<void> { co_await c.get_posting("00000000-0000-1"); },
        account());
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->kind(), ErrorKind::not_found);
}

TEST_F(ClientSandbox, EveryMethodParsesTheSandboxAnswersAndNoRetiredMethodIsCalled) {
    start("test-basic.yaml");
    run([&](auto ex) -> boost::asio::awaitable<void> {
        Client c(ex, account(), nullptr, fast_retry());
        auto f = around_now(30);
        auto postings = co_await c.list_postings_all(f);
        EXPECT_EQ(postings.size(), 3u);
        UnfulfilledFilter uf;
        auto unfulfilled = co_await c.list_unfulfilled_all(uf);
        EXPECT_GE(unfulfilled.size(), 2u);
        Posting p = co_await c.get_posting("57195475-0050-3");
        EXPECT_EQ(p.status_enum(), PostingStatus::awaiting_packaging);
        EXPECT_TRUE(p.shipment_date);
        ReturnsFilter rf;
        rf.return_schema.clear();
        auto returns = co_await c.list_returns_all(rf);
        EXPECT_EQ(returns.size(), 2u);
        RfbsReturnsFilter rff;
        auto rfbs = co_await c.list_rfbs_returns_all(rff);
        EXPECT_EQ(rfbs.size(), 1u);
        RfbsReturn one = co_await c.get_rfbs_return(77);
        EXPECT_EQ(one.client_comment, "Не подошло");
        EXPECT_EQ(one.client_photos.size(), 1u);
        // Return 501 waits at the pickup point: one drop-off point with one return.
        auto points = co_await c.list_return_dropoff_points_all();
        EXPECT_EQ(points.size(), 1u);
        if (!points.empty()) {
            EXPECT_EQ(points[0].returns_count, 1);
            EXPECT_FALSE(points[0].name.empty());
        }
        std::vector<std::string> numbers = {"22222222-0001-1"};
        auto acc = co_await c.accruals_by_postings(numbers);
        EXPECT_EQ(acc.size(), 1u);
        if (!acc.empty()) { EXPECT_FALSE(acc[0].accruals.empty()); }
        auto types = co_await c.accrual_types();
        EXPECT_FALSE(types.empty());
        std::string day = format_iso8601(box_->now() - std::chrono::hours(24)).substr(0, 10);
        auto by_day = co_await c.accruals_by_day_all(day);
        EXPECT_FALSE(by_day.empty());
        StocksFilter sf;
        auto stocks = co_await c.stocks_all(sf);
        EXPECT_EQ(stocks.size(), 2u);
        ReviewsFilter vf;
        auto reviews = co_await c.reviews_all(vf);
        EXPECT_EQ(reviews.size(), 1u);
        if (!reviews.empty()) { EXPECT_EQ(reviews[0].rating, 2); }
        ChatsFilter cf;
        auto chats = co_await c.chats_all(cf);
        EXPECT_EQ(chats.size(), 2u);
        auto wh = co_await c.warehouses_all();
        EXPECT_EQ(wh.size(), 2u);
        // The guard refuses every path of the shared retired table without sending anything.
        for (const auto& m : retired_methods()) {
            try {
                co_await c.call(m.path, "{}");
                ADD_FAILURE() << "retired method called: " << m.path;
            } catch (const ApiError& e) {
                EXPECT_EQ(e.kind(), ErrorKind::method_gone) << m.path;
            }
        }
    });
    EXPECT_TRUE(box_->retired_calls().empty());
    for (const auto& r : box_->request_log()) {
        if (r.service != "ozon") continue;
        EXPECT_NE(std::find(method_paths().begin(), method_paths().end(), r.path), method_paths().end())
            << r.path;
        EXPECT_EQ(r.status / 100, 2) << r.path << " " << r.body;
    }
}

// /v1/returns/company/fbs/info as the spec has it: `pagination.limit` is required (<= 500),
// `filter.place_id` narrows to one point.
TEST_F(ClientSandbox, DropOffPointsWantPaginationAndFilterByPlace) {
    start("test-basic.yaml");
    run([&](auto ex) -> boost::asio::awaitable<void> {
        Client c(ex, account(), nullptr, fast_retry());
        for (const char* bad : {R"({})", R"({"pagination": {"limit": 501}})", R"({"pagination": {"last_id": 0}})"}) {
            try {
                co_await c.call(paths::returns_dropoff, bad);
                ADD_FAILURE() << "accepted: " << bad;
            } catch (const ApiError& e) {
                EXPECT_EQ(e.kind(), ErrorKind::bad_request) << bad;
            }
        }
        auto one = parse_return_dropoff_points(
            co_await c.call(paths::returns_dropoff, R"({"filter": {"place_id": 1}, "pagination": {"limit": 1}})"));
        EXPECT_EQ(one.points.size(), 1u);
        EXPECT_FALSE(one.has_next);
        auto none = parse_return_dropoff_points(
            co_await c.call(paths::returns_dropoff, R"({"filter": {"place_id": 7}, "pagination": {"limit": 10}})"));
        EXPECT_TRUE(none.points.empty());
    });
}

TEST_F(ClientSandbox, RateLimiterHoldsTheAccountRate) {
    start("test-basic.yaml");
    auto acc = account();
    acc.rate_limit = 20;
    // The limiter reads and moves the sandbox's virtual clock: its waits advance that clock
    // instead of sleeping, so the request log's virtual timestamps show the real spacing.
    auto virtual_now = [this] {
        return RateLimiter::Clock::time_point{box_->now().time_since_epoch()};
    };
    auto advance = [this](RateLimiter::Clock::duration d) -> boost::asio::awaitable<void> {
        box_->advance(std::chrono::ceil<Millis>(d));
        co_return;
    };
    auto limiter = std::make_shared<RateLimiter>(acc.rate_limit, 1.0, virtual_now, advance);
    const int n = 61;
    run([&](auto ex) -> boost::asio::awaitable<void> {
        // Two "watches" sharing the account's limiter.
        Client a(ex, acc, limiter, fast_retry());
        Client b(ex, acc, limiter, fast_retry());
        for (int i = 0; i < n; ++i) {
            if (i % 2) co_await a.roles();
            else co_await b.roles();
        }
    });
    std::vector<TimePoint> times;
    std::vector<std::uint64_t> seqs;
    for (const auto& r : box_->request_log())
        if (r.path == "/v1/roles") {
            times.push_back(r.virtual_time);
            seqs.push_back(r.seq);
        }
    ASSERT_EQ(static_cast<int>(times.size()), n);
    EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end()));
    // No one-second window of virtual time holds more than 20 requests.
    for (std::size_t i = 0; i < times.size(); ++i) {
        auto in_window = std::count_if(times.begin() + i, times.end(), [&](TimePoint t) {
            return t < times[i] + std::chrono::seconds(1);
        });
        EXPECT_LE(in_window, 20) << "window starting at request " << i;
    }
    // ...and the limiter does not throttle below its rate either: 61 requests in ~3 s.
    EXPECT_LE(times.back() - times.front(), std::chrono::milliseconds(3100));
}

TEST_F(ClientSandbox, InsalesShopIsRead) {
    start("test-basic.yaml");
    InsalesConfig cfg{url(), "shop-app", "secret"};
    insales::Options opt;
    opt.ca_file = pki_.ca_file;
    opt.per_page = 4;  // six products: two pages
    auto variants = run([&](auto ex) -> boost::asio::awaitable<std::vector<insales::Variant>> {
        insales::Client c(ex, cfg, opt);
        co_return co_await c.all_variants();
    });
    ASSERT_EQ(variants.size(), 6u);
    EXPECT_EQ(variants[0].sku, "A-1");
    EXPECT_EQ(variants[0].quantity, 7);
    EXPECT_EQ(variants[1].barcode, "460000");
}
