#pragma once
// Test helpers for the HTTP/Ozon client unit tests: a throw-away PKI made with the OpenSSL API
// in a temporary directory, and a tiny scripted HTTP(S) server on 127.0.0.1:0 running on its own
// thread. The sandbox is the real stand-in for Ozon; this server exists so the transport layer
// (TLS verification, keep-alive, stale connections, deadlines, body limits) is tested alone.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ozw::testing {

// ------------------------------------------------------------------ PKI

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "ozw-test-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

struct Pki {
    std::string ca_file;    // the test CA (PEM)
    std::string cert_file;  // leaf certificate for `host`, signed by the CA
    std::string key_file;   // leaf key
};

namespace detail {
inline EVP_PKEY* make_key() {
    EVP_PKEY* k = EVP_EC_gen("P-256");
    if (!k) throw std::runtime_error("EVP_EC_gen failed");
    return k;
}

inline void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ex = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!ex) throw std::runtime_error("X509V3_EXT_conf_nid failed");
    X509_add_ext(cert, ex, -1);
    X509_EXTENSION_free(ex);
}

inline X509* make_cert(EVP_PKEY* key, EVP_PKEY* signer, X509* issuer, const char* cn,
                       const char* san, bool ca, long serial) {
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600L * 24 * 30);
    X509_set_pubkey(x, key);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                               -1, -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
    X509* iss = issuer ? issuer : x;
    if (ca) {
        add_ext(x, iss, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(x, iss, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_ext(x, iss, NID_basic_constraints, "CA:FALSE");
        add_ext(x, iss, NID_ext_key_usage, "serverAuth");
        if (san) add_ext(x, iss, NID_subject_alt_name, san);
    }
    if (!X509_sign(x, signer, EVP_sha256())) throw std::runtime_error("X509_sign failed");
    return x;
}

inline void write_pem_cert(const std::filesystem::path& p, X509* x) {
    FILE* f = std::fopen(p.c_str(), "w");
    PEM_write_X509(f, x);
    std::fclose(f);
}
inline void write_pem_key(const std::filesystem::path& p, EVP_PKEY* k) {
    FILE* f = std::fopen(p.c_str(), "w");
    PEM_write_PrivateKey(f, k, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
}
}  // namespace detail

// A CA and a leaf certificate whose subjectAltName is `san` ("DNS:localhost,IP:127.0.0.1").
inline Pki make_pki(const std::filesystem::path& dir, const std::string& san,
                    const std::string& prefix = "") {
    EVP_PKEY* ca_key = detail::make_key();
    X509* ca = detail::make_cert(ca_key, ca_key, nullptr, "ozonwatch test CA", nullptr, true, 1);
    EVP_PKEY* key = detail::make_key();
    X509* leaf = detail::make_cert(key, ca_key, ca, "ozonwatch test server", san.c_str(), false, 2);
    Pki p{(dir / (prefix + "ca.pem")).string(), (dir / (prefix + "cert.pem")).string(),
          (dir / (prefix + "key.pem")).string()};
    detail::write_pem_cert(p.ca_file, ca);
    detail::write_pem_cert(p.cert_file, leaf);
    detail::write_pem_key(p.key_file, key);
    X509_free(leaf);
    X509_free(ca);
    EVP_PKEY_free(key);
    EVP_PKEY_free(ca_key);
    return p;
}

// ------------------------------------------------------------------ server

struct TestRequest {
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string header(const std::string& name) const {
        for (const auto& [k, v] : headers)
            if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
        return {};
    }
};

struct TestReply {
    enum class Action {
        respond,             // answer and keep the connection open
        respond_then_close,  // answer (no "Connection: close") then close: a stale pooled conn
        drop,                // close without answering
        hang,                // never answer
        cut_body,            // announce a length, send half the body, close
    };
    int status = 200;
    std::string body = "{}";
    std::vector<std::pair<std::string, std::string>> headers;
    Action action = Action::respond;
};

class TestServer {
public:
    using Handler = std::function<TestReply(const TestRequest&)>;

    explicit TestServer(Handler h, std::optional<Pki> tls = std::nullopt)
        : handler_(std::move(h)), acceptor_(ioc_) {
        namespace asio = boost::asio;
        if (tls) {
            ssl_.emplace(asio::ssl::context::tls_server);
            ssl_->use_certificate_chain_file(tls->cert_file);
            ssl_->use_private_key_file(tls->key_file, asio::ssl::context::pem);
        }
        asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
        acceptor_.open(ep.protocol());
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        acceptor_.bind(ep);
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
        asio::co_spawn(ioc_, accept_loop(), asio::detached);
        thread_ = std::thread([this] { ioc_.run(); });
    }
    ~TestServer() {
        ioc_.stop();
        if (thread_.joinable()) thread_.join();
    }

    unsigned short port() const { return port_; }
    std::string url(const std::string& host = "127.0.0.1") const {
        return std::string(ssl_ ? "https://" : "http://") + host + ":" + std::to_string(port_);
    }
    int connections() const { return connections_.load(); }
    int requests() const { return requests_.load(); }
    std::vector<std::chrono::steady_clock::time_point> request_times() const {
        std::lock_guard lock(mutex_);
        return times_;
    }
    std::vector<TestRequest> received() const {
        std::lock_guard lock(mutex_);
        return received_;
    }

private:
    boost::asio::awaitable<void> accept_loop() {
        namespace asio = boost::asio;
        for (;;) {
            auto [ec, sock] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;
            ++connections_;
            if (ssl_) {
                auto s = std::make_shared<boost::beast::ssl_stream<boost::beast::tcp_stream>>(
                    boost::beast::tcp_stream(std::move(sock)), *ssl_);
                asio::co_spawn(ioc_, tls_session(s), asio::detached);
            } else {
                auto s = std::make_shared<boost::beast::tcp_stream>(std::move(sock));
                asio::co_spawn(ioc_, session(*s, s), asio::detached);
            }
        }
    }

    boost::asio::awaitable<void> tls_session(
        std::shared_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> s) {
        namespace asio = boost::asio;
        auto [ec] = co_await s->async_handshake(asio::ssl::stream_base::server,
                                                asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;  // the client refused our certificate
        co_await session(*s, s);
    }

    template <class Stream, class Keep>
    boost::asio::awaitable<void> session(Stream& stream, Keep keep) {
        namespace asio = boost::asio;
        namespace http = boost::beast::http;
        boost::beast::flat_buffer buf;
        for (;;) {
            http::request<http::string_body> req;
            auto [ec, n] = co_await http::async_read(stream, buf, req, asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;
            TestRequest tr;
            tr.method = std::string(req.method_string());
            tr.target = std::string(req.target());
            for (const auto& f : req) tr.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
            tr.body = req.body();
            {
                std::lock_guard lock(mutex_);
                times_.push_back(std::chrono::steady_clock::now());
                received_.push_back(tr);
            }
            ++requests_;
            TestReply r = handler_(tr);
            auto& sock = boost::beast::get_lowest_layer(stream).socket();
            if (r.action == TestReply::Action::drop) {
                boost::system::error_code ignore;
                sock.shutdown(asio::ip::tcp::socket::shutdown_both, ignore);
                sock.close(ignore);
                co_return;
            }
            if (r.action == TestReply::Action::hang) {
                asio::steady_timer t(co_await asio::this_coro::executor);
                t.expires_after(std::chrono::hours(1));
                co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
                co_return;
            }
            if (r.action == TestReply::Action::cut_body) {
                std::string head = "HTTP/1.1 " + std::to_string(r.status) + " OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                   std::to_string(r.body.size()) + "\r\n\r\n" + r.body.substr(0, r.body.size() / 2);
                co_await asio::async_write(stream, asio::buffer(head), asio::as_tuple(asio::use_awaitable));
                boost::system::error_code ignore;
                sock.shutdown(asio::ip::tcp::socket::shutdown_both, ignore);
                sock.close(ignore);
                co_return;
            }
            http::response<http::string_body> res{static_cast<http::status>(r.status), 11};
            res.set(http::field::content_type, "application/json");
            for (const auto& [k, v] : r.headers) res.set(k, v);
            res.body() = r.body;
            res.keep_alive(true);
            res.prepare_payload();
            auto [wec, wn] = co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
            if (wec) co_return;
            if (r.action == TestReply::Action::respond_then_close) {
                boost::system::error_code ignore;
                sock.shutdown(asio::ip::tcp::socket::shutdown_both, ignore);
                sock.close(ignore);
                co_return;
            }
        }
        (void)keep;
    }

    Handler handler_;
    boost::asio::io_context ioc_;
    std::optional<boost::asio::ssl::context> ssl_;
    boost::asio::ip::tcp::acceptor acceptor_;
    unsigned short port_ = 0;
    std::thread thread_;
    std::atomic<int> connections_{0};
    std::atomic<int> requests_{0};
    mutable std::mutex mutex_;
    std::vector<std::chrono::steady_clock::time_point> times_;
    std::vector<TestRequest> received_;
};

}  // namespace ozw::testing
