// The HTTP client against a scripted in-test server on 127.0.0.1:0 (plain and TLS).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "common/http/client.hpp"
#include "tests/common/unit/http_test_server.hpp"

using namespace ozw;
using ozw::testing::Pki;
using ozw::testing::TempDir;
using ozw::testing::TestReply;
using ozw::testing::TestRequest;
using ozw::testing::TestServer;

namespace {

// Runs several requests on ONE client (so keep-alive can be observed).
std::vector<http::Response> run_all(http::ClientOptions opt, std::vector<http::Request> reqs) {
    boost::asio::io_context ioc;
    http::Client client(ioc.get_executor(), opt);
    auto fut = boost::asio::co_spawn(
        ioc,
        [&]() -> boost::asio::awaitable<std::vector<http::Response>> {
            std::vector<http::Response> out;
            for (auto& r : reqs) out.push_back(co_await client.request(r));
            co_return out;
        },
        boost::asio::use_future);
    ioc.run();
    return fut.get();
}

http::Request get(const std::string& url) {
    http::Request r;
    r.method = "GET";
    r.url = url;
    return r;
}

TestServer::Handler echo() {
    return [](const TestRequest& r) {
        TestReply rep;
        rep.body = R"({"path":")" + r.target + R"("})";
        rep.headers = {{"X-Test", "yes"}};
        return rep;
    };
}

http::ErrorKind error_kind_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const http::HttpError& e) {
        return e.kind();
    }
    ADD_FAILURE() << "no HttpError thrown";
    return http::ErrorKind::bad_url;
}

}  // namespace

TEST(HttpClient, PlainHttpRequestReturnsStatusHeadersAndBody) {
    TestServer server(echo());
    auto res = http::fetch(get(server.url() + "/a/b?x=1"));
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body, R"({"path":"/a/b?x=1"})");
    ASSERT_TRUE(res.header("x-test"));  // case-insensitive lookup
    EXPECT_EQ(*res.header("X-TEST"), "yes");
    EXPECT_FALSE(res.header("missing"));
}

TEST(HttpClient, NonSuccessStatusIsAResponseNotAnError) {
    TestServer server([](const TestRequest&) { return TestReply{503, "down"}; });
    auto res = http::fetch(get(server.url() + "/"));
    EXPECT_EQ(res.status, 503);
    EXPECT_EQ(res.body, "down");
}

TEST(HttpClient, PostSendsBodyAndHeaders) {
    TestServer server(echo());
    http::Request r;
    r.url = server.url() + "/v1/roles";
    r.body = "{\"k\":1}";
    r.headers = {{"Client-Id", "42"}, {"Content-Type", "application/json"}};
    http::fetch(r);
    auto got = server.received();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].method, "POST");
    EXPECT_EQ(got[0].body, "{\"k\":1}");
    EXPECT_EQ(got[0].header("Client-Id"), "42");
    EXPECT_EQ(got[0].header("Host"), "127.0.0.1:" + std::to_string(server.port()));
}

TEST(HttpClient, KeepAliveReusesOneConnection) {
    TestServer server(echo());
    auto res = run_all({}, {get(server.url() + "/1"), get(server.url() + "/2"), get(server.url() + "/3")});
    ASSERT_EQ(res.size(), 3u);
    EXPECT_EQ(server.requests(), 3);
    EXPECT_EQ(server.connections(), 1);
}

TEST(HttpClient, StalePooledConnectionIsRetriedOnceOnAFreshOne) {
    // The server closes every connection right after answering, without saying so.
    TestServer server([](const TestRequest&) {
        TestReply r;
        r.action = TestReply::Action::respond_then_close;
        return r;
    });
    auto res = run_all({}, {get(server.url() + "/1"), get(server.url() + "/2")});
    ASSERT_EQ(res.size(), 2u);
    EXPECT_EQ(res[1].status, 200);
    EXPECT_EQ(server.connections(), 2);
}

TEST(HttpClient, DeadlineCoversAServerThatNeverAnswers) {
    TestServer server([](const TestRequest&) {
        TestReply r;
        r.action = TestReply::Action::hang;
        return r;
    });
    auto r = get(server.url() + "/");
    r.timeout = Millis{150};
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(error_kind_of([&] { http::fetch(r); }), http::ErrorKind::timeout);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

TEST(HttpClient, DroppedConnectionIsAnError) {
    TestServer server([](const TestRequest&) {
        TestReply r;
        r.action = TestReply::Action::drop;
        return r;
    });
    auto k = error_kind_of([&] { http::fetch(get(server.url() + "/")); });
    EXPECT_TRUE(k == http::ErrorKind::connect || k == http::ErrorKind::protocol);
}

TEST(HttpClient, BodyCutMidwayIsAProtocolError) {
    TestServer server([](const TestRequest&) {
        TestReply r;
        r.body = std::string(4000, 'x');
        r.action = TestReply::Action::cut_body;
        return r;
    });
    EXPECT_EQ(error_kind_of([&] { http::fetch(get(server.url() + "/")); }), http::ErrorKind::protocol);
}

TEST(HttpClient, BodyOverTheLimitIsAProtocolError) {
    TestServer server([](const TestRequest&) { return TestReply{200, std::string(5000, 'x')}; });
    http::ClientOptions opt;
    opt.max_body = 1000;
    EXPECT_EQ(error_kind_of([&] { http::fetch(get(server.url() + "/"), opt); }), http::ErrorKind::protocol);
}

TEST(HttpClient, ConnectionRefusedIsAConnectError) {
    unsigned short port;
    {
        TestServer server(echo());
        port = server.port();
    }
    EXPECT_EQ(error_kind_of([&] { http::fetch(get("http://127.0.0.1:" + std::to_string(port) + "/")); }),
              http::ErrorKind::connect);
}

TEST(HttpClient, MalformedUrlsAreRejected) {
    EXPECT_EQ(error_kind_of([] { http::fetch(get("ftp://example.org/")); }), http::ErrorKind::bad_url);
    EXPECT_EQ(error_kind_of([] { http::fetch(get("https:///nohost")); }), http::ErrorKind::bad_url);
    EXPECT_EQ(error_kind_of([] { http::fetch(get("http://127.0.0.1:99999999/")); }), http::ErrorKind::bad_url);
}

TEST(HttpClient, ErrorTextsNeverContainThePath) {
    // Telegram puts the bot token in the path; it must not reach a log line via an error text.
    unsigned short port;
    {
        TestServer server(echo());
        port = server.port();
    }
    try {
        http::fetch(get("http://127.0.0.1:" + std::to_string(port) + "/bot123:SECRET/sendMessage"));
        FAIL();
    } catch (const http::HttpError& e) {
        EXPECT_EQ(std::string(e.what()).find("SECRET"), std::string::npos) << e.what();
    }
}

// ------------------------------------------------------------------ TLS

TEST(HttpClientTls, VerifiedCertificateAndHostNameSucceed) {
    TempDir dir;
    Pki pki = ozw::testing::make_pki(dir.path, "DNS:localhost,IP:127.0.0.1");
    TestServer server(echo(), pki);
    http::ClientOptions opt;
    opt.ca_file = pki.ca_file;
    auto res = run_all(opt, {get(server.url("localhost") + "/x"), get(server.url("127.0.0.1") + "/y")});
    EXPECT_EQ(res[0].status, 200);
    EXPECT_EQ(res[1].body, R"({"path":"/y"})");
}

TEST(HttpClientTls, UnknownCaIsRefused) {
    TempDir dir;
    Pki pki = ozw::testing::make_pki(dir.path, "DNS:localhost,IP:127.0.0.1");
    TestServer server(echo(), pki);
    // No extra CA: the system store does not know the test CA.
    EXPECT_EQ(error_kind_of([&] { http::fetch(get(server.url("localhost") + "/")); }), http::ErrorKind::tls);
    EXPECT_EQ(server.requests(), 0);
}

TEST(HttpClientTls, WrongHostNameIsRefused) {
    TempDir dir;
    Pki pki = ozw::testing::make_pki(dir.path, "DNS:api-seller.ozon.ru");
    TestServer server(echo(), pki);
    http::ClientOptions opt;
    opt.ca_file = pki.ca_file;
    EXPECT_EQ(error_kind_of([&] { http::fetch(get(server.url("localhost") + "/"), opt); }), http::ErrorKind::tls);
    EXPECT_EQ(error_kind_of([&] { http::fetch(get(server.url("127.0.0.1") + "/"), opt); }), http::ErrorKind::tls);
    EXPECT_EQ(server.requests(), 0);
}

TEST(HttpClientTls, MissingCaFileIsReported) {
    http::ClientOptions opt;
    opt.ca_file = "/nonexistent/ca.pem";
    EXPECT_EQ(error_kind_of([&] { http::fetch(get("https://localhost:1/"), opt); }), http::ErrorKind::tls);
}
