// HTTP(S) client over Boost.Beast + OpenSSL, C++20 coroutines.
// Error texts name scheme://host:port only, never the path: Telegram puts the bot token there.
#include "common/http/client.hpp"
#include "common/http/text.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>

namespace ozw::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using SteadyTime = std::chrono::steady_clock::time_point;

namespace {


struct Url {
    bool tls = false;
    std::string host;  // without brackets for IPv6
    std::string port;
    std::string target;
    std::string origin() const {
        bool v6 = host.find(':') != std::string::npos;
        return std::string(tls ? "https://" : "http://") + (v6 ? "[" + host + "]" : host) + ":" +
               port;
    }
    bool default_port() const { return port == (tls ? "443" : "80"); }
};

Url parse_url(const std::string& url) {
    Url u;
    std::string_view s = url;
    if (s.rfind("https://", 0) == 0) {
        u.tls = true;
        s.remove_prefix(8);
    } else if (s.rfind("http://", 0) == 0) {
        s.remove_prefix(7);
    } else {
        throw HttpError(ErrorKind::bad_url, "URL must start with http:// or https://");
    }
    auto slash = s.find_first_of("/?");
    std::string_view authority = s.substr(0, slash);
    u.target = slash == std::string_view::npos ? "/" : std::string(s.substr(slash));
    if (!u.target.empty() && u.target[0] == '?') u.target = "/" + u.target;
    if (authority.find('@') != std::string_view::npos)
        throw HttpError(ErrorKind::bad_url, "credentials in URLs are not supported");
    std::string_view host = authority, port;
    if (!authority.empty() && authority[0] == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos) throw HttpError(ErrorKind::bad_url, "bad IPv6 host");
        host = authority.substr(1, close - 1);
        auto rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (rest[0] != ':') throw HttpError(ErrorKind::bad_url, "bad port");
            port = rest.substr(1);
        }
    } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty()) throw HttpError(ErrorKind::bad_url, "URL without a host");
    if (port.empty()) port = u.tls ? "443" : "80";
    if (!std::all_of(port.begin(), port.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) ||
        port.size() > 5)
        throw HttpError(ErrorKind::bad_url, "bad port in URL");
    u.host = std::string(host);
    u.port = std::string(port);
    return u;
}

bool is_ip_literal(const std::string& host) {
    boost::system::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

// A connection: plain TCP or TLS over TCP, plus its read buffer (kept across requests).
struct Conn {
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
    beast::flat_buffer buffer;

    beast::tcp_stream& lowest() { return tls ? tls->next_layer() : *plain; }
    void close() {
        boost::system::error_code ec;
        lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
        lowest().socket().close(ec);
    }
};

// The kind of a failed step; a timeout always wins because the deadline fired.
ErrorKind kind_of(const boost::system::error_code& ec, ErrorKind otherwise) {
    if (ec == beast::error::timeout || ec == asio::error::timed_out) return ErrorKind::timeout;
    return otherwise;
}

bool stale_connection_error(const boost::system::error_code& ec) {
    return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
           ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
           ec == asio::error::connection_aborted || ec == ssl::error::stream_truncated;
}

}  // namespace

std::optional<std::string> Response::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return v;
    return std::nullopt;
}

struct Client::Impl {
    asio::any_io_executor ex;
    ClientOptions options;
    ssl::context ctx{ssl::context::tls_client};
    std::mutex pool_mutex;
    std::map<std::string, std::vector<std::unique_ptr<Conn>>> pool;
    static constexpr std::size_t kMaxIdlePerOrigin = 4;

    Impl(asio::any_io_executor e, ClientOptions o) : ex(std::move(e)), options(std::move(o)) {
        ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                        ssl::context::no_tlsv1_1);
        ctx.set_default_verify_paths();
        if (!options.ca_file.empty()) {
            boost::system::error_code ec;
            ctx.load_verify_file(options.ca_file, ec);
            if (ec)
                throw HttpError(ErrorKind::tls,
                                "cannot load CA file " + options.ca_file + ": " + ec.message());
        }
        ctx.set_verify_mode(ssl::verify_peer);
    }

    std::unique_ptr<Conn> take_idle(const std::string& origin) {
        std::lock_guard lock(pool_mutex);
        auto it = pool.find(origin);
        if (it == pool.end() || it->second.empty()) return nullptr;
        auto c = std::move(it->second.back());
        it->second.pop_back();
        return c;
    }

    void give_back(const std::string& origin, std::unique_ptr<Conn> c) {
        std::lock_guard lock(pool_mutex);
        auto& v = pool[origin];
        if (v.size() >= kMaxIdlePerOrigin) {
            c->close();
            return;
        }
        v.push_back(std::move(c));
    }

    asio::awaitable<std::unique_ptr<Conn>> connect(const Url& u, SteadyTime deadline) {
        using namespace asio::experimental::awaitable_operators;
        const std::string where = u.origin();
        tcp::resolver resolver(ex);
        asio::steady_timer timer(ex);
        timer.expires_at(deadline);
        auto raced = co_await (
            resolver.async_resolve(u.host, u.port, asio::as_tuple(asio::use_awaitable)) ||
            timer.async_wait(asio::as_tuple(asio::use_awaitable)));
        if (raced.index() == 1) throw HttpError(ErrorKind::timeout, where + ": DNS resolution timed out");
        auto [rec, results] = std::get<0>(std::move(raced));
        if (rec) throw HttpError(ErrorKind::connect, where + ": cannot resolve host: " + rec.message());

        auto c = std::make_unique<Conn>();
        // Beast reads at most the buffer's free capacity (512 bytes at least): an empty buffer
        // would take a 200 kB page in ~400 reads, each a syscall plus re-arming the deadline's
        // timer. With 64 kB reserved a page is a handful of reads.
        c->buffer.reserve(64 * 1024);
        if (u.tls) c->tls.emplace(ex, ctx);
        else c->plain.emplace(ex);
        c->lowest().expires_at(deadline);
        auto [cec, ep] = co_await c->lowest().async_connect(results, asio::as_tuple(asio::use_awaitable));
        if (cec)
            throw HttpError(kind_of(cec, ErrorKind::connect), where + ": connect failed: " + cec.message());
        (void)ep;
        if (u.tls) {
            SSL* native = c->tls->native_handle();
            if (is_ip_literal(u.host)) {
                // SNI must not carry an IP address; verify the IP against the certificate SANs.
                X509_VERIFY_PARAM* param = SSL_get0_param(native);
                if (X509_VERIFY_PARAM_set1_ip_asc(param, u.host.c_str()) != 1)
                    throw HttpError(ErrorKind::tls, where + ": cannot set the IP to verify");
            } else {
                if (SSL_set_tlsext_host_name(native, u.host.c_str()) != 1)
                    throw HttpError(ErrorKind::tls, where + ": cannot set SNI");
                SSL_set_hostflags(native, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
                if (SSL_set1_host(native, u.host.c_str()) != 1)
                    throw HttpError(ErrorKind::tls, where + ": cannot set the host name to verify");
            }
            c->lowest().expires_at(deadline);
            auto [hec] = co_await c->tls->async_handshake(ssl::stream_base::client,
                                                          asio::as_tuple(asio::use_awaitable));
            if (hec) {
                std::string detail = hec.message();
                long vr = SSL_get_verify_result(native);
                if (vr != X509_V_OK) detail = X509_verify_cert_error_string(vr);
                throw HttpError(kind_of(hec, ErrorKind::tls), where + ": TLS handshake failed: " + detail);
            }
        }
        co_return c;
    }

    // One exchange on a connection. Returns nullopt when a pooled connection turned out to be
    // stale before any byte of the answer arrived (the caller retries on a fresh one).
    template <class Stream>
    asio::awaitable<std::optional<Response>> exchange(Stream& stream, Conn& c,
                                                      bhttp::request<bhttp::string_body>& req,
                                                      SteadyTime deadline, bool reused,
                                                      const std::string& where, bool& keep_alive) {
        c.lowest().expires_at(deadline);
        auto [wec, wn] = co_await bhttp::async_write(stream, req, asio::as_tuple(asio::use_awaitable));
        (void)wn;
        if (wec) {
            if (reused && stale_connection_error(wec)) co_return std::nullopt;
            throw HttpError(kind_of(wec, ErrorKind::connect), where + ": sending the request failed: " + wec.message());
        }
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(options.max_body);
        parser.header_limit(64 * 1024);
        c.lowest().expires_at(deadline);
        auto [rec, rn] = co_await bhttp::async_read(stream, c.buffer, parser,
                                                    asio::as_tuple(asio::use_awaitable));
        (void)rn;
        if (rec) {
            if (reused && !parser.got_some() && stale_connection_error(rec)) co_return std::nullopt;
            if (rec == bhttp::error::body_limit)
                throw HttpError(ErrorKind::protocol, where + ": response body over the limit");
            ErrorKind k = parser.got_some() ? ErrorKind::protocol : ErrorKind::connect;
            if (rec == bhttp::error::partial_message) k = ErrorKind::protocol;
            throw HttpError(kind_of(rec, k), where + ": reading the response failed: " + rec.message());
        }
        auto msg = parser.release();
        Response r;
        r.status = static_cast<int>(msg.result_int());
        for (const auto& f : msg) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
        r.body = std::move(msg.body());
        keep_alive = msg.keep_alive();
        co_return r;
    }

    asio::awaitable<Response> run(Request in) {
        const Url u = parse_url(in.url);
        const std::string origin = u.origin();
        const Millis timeout = in.timeout.value_or(options.timeout);
        const SteadyTime deadline = std::chrono::steady_clock::now() + timeout;

        bhttp::request<bhttp::string_body> req;
        req.version(11);
        auto verb = bhttp::string_to_verb(in.method);
        if (verb == bhttp::verb::unknown) throw HttpError(ErrorKind::bad_url, "unknown HTTP method " + in.method);
        req.method(verb);
        req.target(u.target);
        req.set(bhttp::field::host, u.default_port() ? u.host : u.host + ":" + u.port);
        req.set(bhttp::field::user_agent, options.user_agent);
        for (const auto& [k, v] : in.headers) req.set(k, v);
        req.keep_alive(true);
        req.body() = std::move(in.body);
        req.prepare_payload();

        for (int attempt = 0; attempt < 2; ++attempt) {
            std::unique_ptr<Conn> c = attempt == 0 ? take_idle(origin) : nullptr;
            const bool reused = c != nullptr;
            if (!c) c = co_await connect(u, deadline);
            bool keep_alive = false;
            std::optional<Response> r;
            if (c->tls)
                r = co_await exchange(*c->tls, *c, req, deadline, reused, origin, keep_alive);
            else
                r = co_await exchange(*c->plain, *c, req, deadline, reused, origin, keep_alive);
            if (!r) {
                c->close();
                continue;  // stale pooled connection: once more on a fresh one
            }
            if (keep_alive) {
                c->lowest().expires_never();
                give_back(origin, std::move(c));
            } else {
                c->close();
            }
            co_return std::move(*r);
        }
        throw HttpError(ErrorKind::connect, origin + ": connection closed by the server");
    }
};

Client::Client(asio::any_io_executor ex, ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(ex), std::move(options))) {}

Client::~Client() = default;

asio::awaitable<Response> Client::request(Request req) {
    co_return co_await impl_->run(std::move(req));
}

Response fetch(const Request& req, const ClientOptions& options) {
    asio::io_context ioc;
    Client client(ioc.get_executor(), options);
    auto fut = asio::co_spawn(ioc, client.request(req), asio::use_future);
    ioc.run();
    return fut.get();
}

}  // namespace ozw::http
