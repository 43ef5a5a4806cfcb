#include "common/http/server.hpp"
#include "common/http/text.hpp"
#include "common/memory.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <spdlog/spdlog.h>

#include <atomic>
#include <future>
#include <cctype>
#include <map>
#include <mutex>

namespace ozw::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
constexpr auto as_tuple_awaitable = asio::as_tuple(use_awaitable);

namespace {

int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string url_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size() &&
                   hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            out += static_cast<char>(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

}  // namespace

std::optional<std::string> ServerRequest::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return v;
    return std::nullopt;
}

std::optional<std::string> ServerRequest::query_param(std::string_view name) const {
    std::string_view q = query;
    while (!q.empty()) {
        auto amp = q.find('&');
        std::string_view part = q.substr(0, amp);
        auto eq = part.find('=');
        std::string key = url_decode(part.substr(0, eq));
        if (key == name)
            return eq == std::string_view::npos ? std::string{} : url_decode(part.substr(eq + 1));
        if (amp == std::string_view::npos) break;
        q.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

ServerResponse ServerResponse::json(int status, std::string body) {
    ServerResponse r;
    r.status = status;
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = std::move(body);
    return r;
}

ServerResponse ServerResponse::text(int status, std::string body) {
    ServerResponse r;
    r.status = status;
    r.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
    r.body = std::move(body);
    return r;
}

std::pair<std::string, unsigned short> split_host_port(std::string_view listen) {
    std::string host;
    std::string_view port_text;
    if (!listen.empty() && listen.front() == '[') {
        auto close = listen.find(']');
        if (close == std::string_view::npos || close + 1 >= listen.size() || listen[close + 1] != ':')
            throw std::invalid_argument("bad listen address (want [v6]:port): " + std::string(listen));
        host = std::string(listen.substr(1, close - 1));
        port_text = listen.substr(close + 2);
    } else {
        auto colon = listen.rfind(':');
        if (colon == std::string_view::npos)
            throw std::invalid_argument("bad listen address (want host:port): " + std::string(listen));
        host = std::string(listen.substr(0, colon));
        port_text = listen.substr(colon + 1);
    }
    if (host.empty()) host = "0.0.0.0";
    if (port_text.empty() || port_text.size() > 5)
        throw std::invalid_argument("bad port in listen address: " + std::string(listen));
    unsigned long port = 0;
    for (char c : port_text) {
        if (c < '0' || c > '9')
            throw std::invalid_argument("bad port in listen address: " + std::string(listen));
        port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (port > 65535) throw std::invalid_argument("port out of range: " + std::string(listen));
    return {host, static_cast<unsigned short>(port)};
}

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
    asio::strand<asio::any_io_executor> strand;
    ServerOptions options;
    ServerHandler handler;
    tcp::acceptor acceptor;
    std::optional<asio::ssl::context> ssl;
    tcp::endpoint bound;
    std::atomic<bool> stopped{false};
    // Open connections, touched only on the strand; closed by stop().
    std::map<std::uint64_t, beast::tcp_stream*> connections;
    std::uint64_t next_id = 0;

    Impl(asio::any_io_executor ex, ServerOptions o, ServerHandler h)
        : strand(asio::make_strand(ex)), options(std::move(o)), handler(std::move(h)),
          acceptor(strand) {}

    // Logs `what` at most once a minute per kind, with how many were not logged meanwhile.
    struct Throttle {
        std::chrono::steady_clock::time_point last{};
        long long quiet = 0;
        template <class... A>
        void warn(spdlog::format_string_t<A...> fmt, A&&... a) {
            const auto now = std::chrono::steady_clock::now();
            if (last != std::chrono::steady_clock::time_point{} && now - last < std::chrono::minutes(1)) {
                ++quiet;
                return;
            }
            if (quiet) spdlog::warn("http server: {} similar message(s) not logged in the last minute", quiet);
            spdlog::warn(fmt, std::forward<A>(a)...);
            last = now;
            quiet = 0;
        }
    };
    Throttle accept_errors, over_cap;
    std::uint64_t refused = 0;  // connections closed at the cap (tests, metrics)
    std::atomic<std::uint64_t> accept_failed{0};

    awaitable<void> accept_loop() {
        auto self = shared_from_this();
        asio::steady_timer pause(strand);
        Millis backoff{0};
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(as_tuple_awaitable);
            if (ec) {
                if (!acceptor.is_open() || stopped) co_return;
                ++accept_failed;
                // Out of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM): the next
                // accept fails the same way at once. Wait, doubling up to 5 s, instead of a
                // 100% CPU loop that floods the log.
                backoff = std::min<Millis>(Millis{5000}, backoff.count() ? backoff * 2 : Millis{50});
                accept_errors.warn("http server: accept failed: {}; next try in {} ms", ec.message(),
                                   backoff.count());
                pause.expires_after(backoff);
                co_await pause.async_wait(as_tuple_awaitable);
                continue;
            }
            backoff = Millis{0};
            if (connections.size() >= options.max_connections) {
                ++refused;
                over_cap.warn("http server: {} connections open, the most allowed; closing a new one",
                              connections.size());
                boost::system::error_code ignored;
                socket.close(ignored);
                continue;
            }
            // Counted from here, not from when its coroutine first runs: a burst of accepts
            // cannot overshoot the cap.
            const std::uint64_t id = ++next_id;
            connections[id] = nullptr;
            asio::co_spawn(strand, run_connection(std::move(socket), id), asio::detached);
        }
    }

    awaitable<void> run_connection(tcp::socket socket, std::uint64_t id) {
        auto self = shared_from_this();
        std::string remote;
        {
            boost::system::error_code ec;
            auto ep = socket.remote_endpoint(ec);
            if (!ec) remote = ep.address().to_string() + ":" + std::to_string(ep.port());
        }
        if (ssl) {
            beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *ssl);
            connections[id] = &beast::get_lowest_layer(stream);
            beast::get_lowest_layer(stream).expires_after(options.read_timeout);
            auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server,
                                                        as_tuple_awaitable);
            if (!ec && !stopped) {
                bool clean = co_await serve(stream, remote);
                if (clean) {
                    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
                    co_await stream.async_shutdown(as_tuple_awaitable);
                }
            }
            connections.erase(id);
            boost::system::error_code ignored;
            beast::get_lowest_layer(stream).socket().close(ignored);
        } else {
            beast::tcp_stream stream(std::move(socket));
            connections[id] = &stream;
            if (!stopped) {
                bool clean = co_await serve(stream, remote);
                if (clean) {
                    boost::system::error_code ignored;
                    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
                }
            }
            connections.erase(id);
            boost::system::error_code ignored;
            stream.socket().close(ignored);
        }
    }

    // Serves requests until the peer closes, a deadline passes or a response closes.
    // Returns true when the connection should be shut down gracefully.
    // A burst of large bodies leaves the heap grown; handed back at once rather than with the
    // allocator's own decay. Trimmed when a connection that carried one closes (rare: bodies are
    // small, and max_body * max_connections bounds the burst).
    static constexpr std::size_t kTrimAfterBody = 256 * 1024;

    template <class Stream>
    awaitable<bool> serve(Stream& stream, const std::string& remote) {
        bool big_body = false;
        struct TrimOnExit {
            bool& big;
            ~TrimOnExit() {
                if (big) release_free_memory();
            }
        } trim_on_exit{big_body};
        beast::flat_buffer buffer;
        bool first = true;
        for (;;) {
            bhttp::request_parser<bhttp::string_body> parser;
            parser.body_limit(options.max_body);
            parser.header_limit(64 * 1024);
            // Waiting for the next request on a kept-alive connection is "idle"; once the
            // header is in, the body must follow within the read deadline.
            beast::get_lowest_layer(stream).expires_after(first ? options.read_timeout
                                                                : options.idle_timeout);
            first = false;
            // A body over the limit is answered 413 whether the header announced it
            // (Content-Length) or it grew too big while read (chunked), never a bare reset.
            auto too_large = [&]() -> awaitable<bool> {
                bhttp::response<bhttp::string_body> too_big{bhttp::status::payload_too_large, 11};
                too_big.set(bhttp::field::connection, "close");
                too_big.set(bhttp::field::content_type, "application/json");
                too_big.body() = !options.too_large_body.empty()
                                     ? options.too_large_body
                                     : R"({"code":413,"message":"Request Entity Too Large: at most )" +
                                           std::to_string(options.max_body) + R"( bytes"})";
                too_big.prepare_payload();
                beast::get_lowest_layer(stream).expires_after(options.read_timeout);
                co_await bhttp::async_write(stream, too_big, as_tuple_awaitable);
                co_return false;
            };
            auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser,
                                                               as_tuple_awaitable);
            if (hec == bhttp::error::body_limit) co_return co_await too_large();
            if (hec) co_return false;
            beast::get_lowest_layer(stream).expires_after(options.read_timeout);
            auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, as_tuple_awaitable);
            if (ec == bhttp::error::body_limit) co_return co_await too_large();
            if (ec) co_return false;
            auto& msg = parser.get();
            ServerRequest req;
            req.method = std::string(msg.method_string());
            req.target = std::string(msg.target());
            auto qpos = req.target.find('?');
            req.path = req.target.substr(0, qpos);
            if (qpos != std::string::npos) req.query = req.target.substr(qpos + 1);
            for (const auto& f : msg)
                req.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
            req.body = std::move(msg.body());
            big_body = big_body || req.body.size() >= kTrimAfterBody;
            req.remote = remote;
            const bool keep_alive = msg.keep_alive();
            const unsigned version = msg.version();

            ServerResponse resp;
            try {
                resp = co_await handler(req);
            } catch (const std::exception& e) {
                spdlog::error("http server: handler failed for {} {}: {}", req.method, req.path,
                              e.what());
                resp = ServerResponse::json(500, R"({"error":"internal error"})");
            }
            if (stopped) co_return false;
            if (resp.wire == ServerResponse::Wire::drop) co_return false;

            bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(resp.status),
                                                    version};
            bool has_type = false;
            for (const auto& [k, v] : resp.headers) {
                if (iequals(k, "Content-Type")) has_type = true;
                out.set(k, v);
            }
            if (!has_type && !resp.body.empty()) out.set(bhttp::field::content_type, "application/json");
            out.body() = std::move(resp.body);
            const bool close = resp.close || !keep_alive;
            out.keep_alive(!close);
            out.prepare_payload();
            beast::get_lowest_layer(stream).expires_after(options.read_timeout);
            if (resp.wire == ServerResponse::Wire::cut_mid_body) {
                bhttp::response_serializer<bhttp::string_body> sr{out};
                auto [wec, wn] = co_await bhttp::async_write_header(stream, sr, as_tuple_awaitable);
                if (wec) co_return false;
                const auto& b = out.body();
                auto [bec, bn] = co_await asio::async_write(
                    stream, asio::buffer(b.data(), b.size() / 2), as_tuple_awaitable);
                (void)bec;
                co_return false;
            }
            auto [wec, wn] = co_await bhttp::async_write(stream, out, as_tuple_awaitable);
            if (wec) co_return false;
            if (close) co_return true;
        }
    }
};

Server::Server(asio::any_io_executor ex, ServerOptions options, ServerHandler handler)
    : impl_(std::make_shared<Impl>(std::move(ex), std::move(options), std::move(handler))) {}

Server::~Server() { stop(); }

void Server::start() {
    auto& o = impl_->options;
    if (!o.tls_cert_file.empty() || !o.tls_key_file.empty()) {
        if (o.tls_cert_file.empty() || o.tls_key_file.empty())
            throw std::runtime_error("TLS needs both a certificate and a key file");
        impl_->ssl.emplace(asio::ssl::context::tls_server);
        impl_->ssl->set_options(asio::ssl::context::default_workarounds |
                                asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                                asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
        boost::system::error_code ec;
        impl_->ssl->use_certificate_chain_file(o.tls_cert_file, ec);
        if (ec) throw std::runtime_error("cannot load TLS certificate " + o.tls_cert_file + ": " + ec.message());
        impl_->ssl->use_private_key_file(o.tls_key_file, asio::ssl::context::pem, ec);
        if (ec) throw std::runtime_error("cannot load TLS key " + o.tls_key_file + ": " + ec.message());
    }
    auto [host, port] = split_host_port(o.listen);
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
    if (ec) throw std::runtime_error("bad listen address '" + host + "': " + ec.message());
    tcp::endpoint ep{addr, port};
    auto& acc = impl_->acceptor;
    acc.open(ep.protocol(), ec);
    if (!ec) acc.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acc.bind(ep, ec);
    if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error("cannot listen on " + o.listen + ": " + ec.message());
    impl_->bound = acc.local_endpoint();
    asio::co_spawn(impl_->strand, impl_->accept_loop(), asio::detached);
}

void Server::stop() {
    if (!impl_ || impl_->stopped.exchange(true)) return;
    asio::post(impl_->strand, [self = impl_] {
        boost::system::error_code ec;
        self->acceptor.close(ec);
        for (auto& [id, stream] : self->connections)
            if (stream) stream->socket().close(ec);  // null: accepted, not yet running
    });
}

bool Server::tls() const { return impl_->ssl.has_value(); }
std::uint64_t Server::refused_connections() const {
    std::promise<std::uint64_t> p;
    auto f = p.get_future();
    asio::post(impl_->strand, [&p, self = impl_] { p.set_value(self->refused); });
    return f.get();
}
std::uint64_t Server::accept_failures() const { return impl_->accept_failed.load(); }
std::string Server::host() const { return impl_->bound.address().to_string(); }
unsigned short Server::port() const { return impl_->bound.port(); }
std::string Server::base_url() const {
    std::string h = host();
    if (impl_->bound.address().is_v6()) h = "[" + h + "]";
    return std::string(tls() ? "https://" : "http://") + h + ":" + std::to_string(port());
}

}  // namespace ozw::http
