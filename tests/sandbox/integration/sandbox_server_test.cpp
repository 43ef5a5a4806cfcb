// common/http/server (the sandbox's listener, reused by the daemon): keep-alive, the read
// deadline, handler failures, port 0.
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <sstream>
#include <thread>

#include "common/http/server.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using namespace ozw;

namespace {

struct Running {
    asio::io_context ioc;
    std::unique_ptr<http::Server> server;
    std::thread thread;
    std::atomic<int> calls{0};
    explicit Running(http::ServerOptions o) {
        server = std::make_unique<http::Server>(
            ioc.get_executor(), o, [this](const http::ServerRequest& r) -> asio::awaitable<http::ServerResponse> {
                ++calls;
                if (r.path == "/throw") throw std::runtime_error("boom");
                co_return http::ServerResponse::json(200, "{\"path\":\"" + r.path + "\",\"q\":\"" +
                                                              r.query_param("q").value_or("") + "\"}");
            });
        server->start();
        thread = std::thread([this] { ioc.run(); });
    }
    ~Running() {
        server->stop();
        thread.join();
    }
};

// Runs `body` against a connected socket with a real deadline.
template <class F>
void with_socket(unsigned short port, std::chrono::milliseconds deadline, F body) {
    asio::io_context ioc;
    bool done = false;
    std::exception_ptr err;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            beast::tcp_stream s(ioc);
            co_await s.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                     asio::use_awaitable);
            co_await body(s);
        },
        [&](std::exception_ptr e) {
            err = e;
            done = true;
        });
    ioc.run_for(deadline);
    ASSERT_TRUE(done) << "deadline passed";
    if (err) std::rethrow_exception(err);
}

}  // namespace

TEST(HttpServer, PortZeroIsReportedAndKeepAliveServesSeveralRequests) {
    Running r(http::ServerOptions{});
    ASSERT_NE(r.server->port(), 0);
    EXPECT_EQ(r.server->base_url(), "http://127.0.0.1:" + std::to_string(r.server->port()));
    with_socket(r.server->port(), std::chrono::seconds(5), [](beast::tcp_stream& s) -> asio::awaitable<void> {
        beast::flat_buffer buf;
        for (int i = 0; i < 3; ++i) {
            bhttp::request<bhttp::string_body> req{bhttp::verb::get, "/p" + std::to_string(i) + "?q=a%20b", 11};
            req.set(bhttp::field::host, "x");
            co_await bhttp::async_write(s, req, asio::use_awaitable);
            bhttp::response<bhttp::string_body> res;
            co_await bhttp::async_read(s, buf, res, asio::use_awaitable);
            EXPECT_EQ(res.result_int(), 200u);
            EXPECT_TRUE(res.keep_alive());
            EXPECT_EQ(res.body(), "{\"path\":\"/p" + std::to_string(i) + "\",\"q\":\"a b\"}");
        }
    });
    EXPECT_EQ(r.calls.load(), 3);
}

TEST(HttpServer, SilentClientIsDisconnectedAfterTheReadDeadline) {
    http::ServerOptions o;
    o.read_timeout = std::chrono::milliseconds(200);
    Running r(o);
    with_socket(r.server->port(), std::chrono::seconds(5), [](beast::tcp_stream& s) -> asio::awaitable<void> {
        char byte;
        auto [ec, n] = co_await s.socket().async_read_some(asio::buffer(&byte, 1), asio::as_tuple(asio::use_awaitable));
        EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();
    });
    EXPECT_EQ(r.calls.load(), 0);
}

TEST(HttpServer, HandlerExceptionIs500AndTheServerKeepsServing) {
    Running r(http::ServerOptions{});
    with_socket(r.server->port(), std::chrono::seconds(5), [](beast::tcp_stream& s) -> asio::awaitable<void> {
        beast::flat_buffer buf;
        for (const char* target : {"/throw", "/ok"}) {
            bhttp::request<bhttp::string_body> req{bhttp::verb::post, target, 11};
            req.set(bhttp::field::host, "x");
            co_await bhttp::async_write(s, req, asio::use_awaitable);
            bhttp::response<bhttp::string_body> res;
            co_await bhttp::async_read(s, buf, res, asio::use_awaitable);
            EXPECT_EQ(res.result_int(), std::string(target) == "/throw" ? 500u : 200u);
        }
    });
}

TEST(HttpServer, BadListenAddressesThrow) {
    asio::io_context ioc;
    auto handler = [](const http::ServerRequest&) -> asio::awaitable<http::ServerResponse> { co_return http::ServerResponse{}; };
    http::ServerOptions o;
    o.listen = "no-port";
    EXPECT_THROW(http::Server(ioc.get_executor(), o, handler).start(), std::exception);
    o.listen = "256.1.1.1:0";
    EXPECT_THROW(http::Server(ioc.get_executor(), o, handler).start(), std::runtime_error);
    EXPECT_EQ(http::split_host_port("[::1]:8080").first, "::1");
    EXPECT_EQ(http::split_host_port("127.0.0.1:0").second, 0);
}

TEST(HttpServer, ABodyOverTheLimitIsAnswered413NotReset) {
    http::ServerOptions o;
    o.max_body = 1000;
    Running r(o);
    // Announced by Content-Length: refused before the body is read.
    with_socket(r.server->port(), std::chrono::seconds(5), [](beast::tcp_stream& s) -> asio::awaitable<void> {
        bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/push", 11};
        req.set(bhttp::field::host, "x");
        req.body() = std::string(5000, 'a');
        req.prepare_payload();
        co_await bhttp::async_write(s, req, asio::use_awaitable);
        beast::flat_buffer buf;
        bhttp::response<bhttp::string_body> res;
        co_await bhttp::async_read(s, buf, res, asio::use_awaitable);
        EXPECT_EQ(res.result_int(), 413u);
        EXPECT_FALSE(res.keep_alive());
        EXPECT_NE(res.body().find("\"code\":413"), std::string::npos) << res.body();
    });
    // Chunked: found too big while read.
    with_socket(r.server->port(), std::chrono::seconds(5), [](beast::tcp_stream& s) -> asio::awaitable<void> {
        bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/push", 11};
        req.set(bhttp::field::host, "x");
        req.chunked(true);
        req.body() = std::string(5000, 'b');
        co_await bhttp::async_write(s, req, asio::use_awaitable);
        beast::flat_buffer buf;
        bhttp::response<bhttp::string_body> res;
        co_await bhttp::async_read(s, buf, res, asio::use_awaitable);
        EXPECT_EQ(res.result_int(), 413u);
    });
    EXPECT_EQ(r.calls.load(), 0);
    EXPECT_EQ(http::ServerOptions{}.max_body, 1024u * 1024u);
}

TEST(HttpServer, ConnectionsOverTheCapAreClosedAtOnceAndServedAgainLater) {
    http::ServerOptions o;
    o.max_connections = 2;
    Running r(o);
    asio::io_context ioc;
    const asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), r.server->port());
    asio::ip::tcp::socket a(ioc), b(ioc);
    a.connect(ep);
    b.connect(ep);
    // Make sure both are accepted (each one request) before the third comes.
    for (auto* sock : {&a, &b}) {
        bhttp::request<bhttp::string_body> req{bhttp::verb::get, "/held", 11};
        req.set(bhttp::field::host, "x");
        bhttp::write(*sock, req);
        beast::flat_buffer buf;
        bhttp::response<bhttp::string_body> res;
        bhttp::read(*sock, buf, res);
        ASSERT_EQ(res.result_int(), 200u);
    }
    with_socket(r.server->port(), std::chrono::seconds(5), [](beast::tcp_stream& s) -> asio::awaitable<void> {
        char byte;
        auto [ec, n] = co_await s.socket().async_read_some(asio::buffer(&byte, 1), asio::as_tuple(asio::use_awaitable));
        EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();
    });
    EXPECT_EQ(r.server->refused_connections(), 1u);
    a.close();  // one leaves: a new one is served
    for (int tries = 0;; ++tries) {
        bool served = false;
        with_socket(r.server->port(), std::chrono::seconds(5), [&](beast::tcp_stream& s) -> asio::awaitable<void> {
            bhttp::request<bhttp::string_body> req{bhttp::verb::get, "/again", 11};
            req.set(bhttp::field::host, "x");
            co_await bhttp::async_write(s, req, asio::as_tuple(asio::use_awaitable));
            beast::flat_buffer buf;
            bhttp::response<bhttp::string_body> res;
            auto [ec, n] = co_await bhttp::async_read(s, buf, res, asio::as_tuple(asio::use_awaitable));
            served = !ec && res.result_int() == 200u;
        });
        if (served) break;
        // The server notices `a` closed when its read ends: a refused attempt may come first.
        ASSERT_LT(tries, 50) << "never served after a connection left";
    }
}

TEST(HttpServer, OutOfDescriptorsItBacksOffLogsOnceAndServesWhenTheyReturn) {
    // Every log line of the test, to count the server's complaints.
    std::ostringstream log_text;
    auto previous = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text)));
    struct RestoreLogger {
        std::shared_ptr<spdlog::logger> l;
        ~RestoreLogger() { spdlog::set_default_logger(l); }
    } restore_logger{previous};

    // The server's io_context runs on this thread until the failures are counted: no sleeps.
    asio::io_context server_ioc;
    http::Server server(server_ioc.get_executor(), http::ServerOptions{},
                        [](const http::ServerRequest& r) -> asio::awaitable<http::ServerResponse> {
                            co_return http::ServerResponse::json(200, "{\"path\":\"" + r.path + "\"}");
                        });
    server.start();
    asio::io_context ioc;
    const asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), server.port());
    asio::ip::tcp::socket client(ioc);
    client.open(asio::ip::tcp::v4());  // its descriptor exists before the table fills

    // Fill the descriptor table (under a lowered soft limit, so it takes a few hundred).
    rlimit old{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &old), 0);
    rlimit low = old;
    low.rlim_cur = std::min<rlim_t>(old.rlim_cur, 256);
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
    std::vector<int> fillers;
    for (int fd; (fd = ::dup(0)) >= 0;) fillers.push_back(fd);
    ASSERT_EQ(errno, EMFILE);
    struct Release {
        std::vector<int>& fds;
        rlimit limit;
        void operator()() {
            for (int fd : fds) ::close(fd);
            fds.clear();
            ::setrlimit(RLIMIT_NOFILE, &limit);
        }
        ~Release() { (*this)(); }
    } release{fillers, old};

    // The kernel completes the handshake; the server's accept() fails with EMFILE.
    const auto start = std::chrono::steady_clock::now();
    client.connect(ep);
    const auto deadline = start + std::chrono::seconds(20);
    while (server.accept_failures() < 4 && std::chrono::steady_clock::now() < deadline)
        server_ioc.run_one_until(deadline);
    const auto took = std::chrono::steady_clock::now() - start;
    const auto failures = server.accept_failures();
    ASSERT_GE(failures, 4u);
    // Waits of 50, 100 and 200 ms came between the first four tries: a server retrying at
    // once reaches thousands in that time.
    EXPECT_GE(took, std::chrono::milliseconds(350));
    EXPECT_LT(failures, 10u);

    release();  // descriptors again: the waiting connection is served
    std::thread serving([&] { server_ioc.run(); });
    struct Stop {
        http::Server& s;
        std::thread& t;
        ~Stop() {
            s.stop();
            t.join();
        }
    } stop{server, serving};
    bhttp::request<bhttp::string_body> req{bhttp::verb::get, "/after", 11};
    req.set(bhttp::field::host, "x");
    bhttp::write(client, req);
    timeval tv{20, 0};
    ::setsockopt(client.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    beast::flat_buffer buf;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(client, buf, res);
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_NE(res.body().find("/after"), std::string::npos);

    spdlog::default_logger()->flush();
    const std::string text = log_text.str();
    std::size_t complaints = 0;
    for (auto p = text.find("accept failed"); p != std::string::npos; p = text.find("accept failed", p + 1))
        ++complaints;
    EXPECT_EQ(complaints, 1u) << text;  // once a minute at most, not once per try
}
