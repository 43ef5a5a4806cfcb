#pragma once
// HTTP(S) client over Boost.Beast + OpenSSL with C++20 coroutines.
// Every step (resolve, connect, TLS handshake, write, read) has a deadline; TLS verifies the
// certificate chain (system store + optional extra CA file) and the host name, and sends SNI.
// Connections are kept alive and reused per (scheme, host, port).
// Used by the Ozon client, the InSales client and the Telegram notifier.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.hpp"

namespace ozw::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
    std::string method = "POST";
    std::string url;  // absolute: https://host[:port]/path?query or http://...
    Headers headers;
    std::string body;
    std::optional<Millis> timeout;  // overrides ClientOptions::timeout for this request
};

struct Response {
    int status = 0;
    Headers headers;
    std::string body;
    // Case-insensitive header lookup.
    std::optional<std::string> header(std::string_view name) const;
};

enum class ErrorKind {
    timeout,     // a deadline passed
    connect,     // DNS, refused, reset before a response
    tls,         // handshake or verification failed (unknown CA, wrong host name)
    protocol,    // malformed HTTP, body over the limit, connection dropped mid-body
    bad_url,
};

class HttpError : public std::runtime_error {
public:
    HttpError(ErrorKind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
    ErrorKind kind() const { return kind_; }

private:
    ErrorKind kind_;
};

struct ClientOptions {
    std::string ca_file;          // extra trusted CA (PEM); the system store is always used
    Millis timeout{30000};        // per request, covering every step
    std::size_t max_body = 64 * 1024 * 1024;
    std::string user_agent = "ozonwatch";
};

class Client {
public:
    Client(boost::asio::any_io_executor ex, ClientOptions options);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Throws HttpError. Any HTTP status is a Response, not an error.
    boost::asio::awaitable<Response> request(Request req);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Blocking convenience for command-line tools and tests: runs its own io_context.
Response fetch(const Request& req, const ClientOptions& options = {});

}  // namespace ozw::http
