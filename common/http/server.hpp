#pragma once
// A small asynchronous HTTP/1.1 server over Boost.Beast with C++20 coroutines.
// Used by the sandbox (Ozon/InSales/Telegram emulator) and by the daemon (push receiver,
// /metrics). Plain HTTP or TLS (certificate + key from PEM files); keep-alive; every read has a
// deadline so an idle or slow client cannot hold a connection forever.
//
// Threading: the server runs on the executor it is given; the caller runs the io_context.
// start() binds synchronously (so port() is known at once); stop() is safe from any thread.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.hpp"

namespace ozw::http {

using ServerHeaders = std::vector<std::pair<std::string, std::string>>;

struct ServerRequest {
    std::string method;  // "GET", "POST", ...
    std::string target;  // as sent: "/admin/products.json?page=2"
    std::string path;    // target without the query: "/admin/products.json"
    std::string query;   // after '?', not decoded: "page=2&per_page=100"
    ServerHeaders headers;
    std::string body;
    std::string remote;  // "127.0.0.1:53422"
    // Case-insensitive header lookup.
    std::optional<std::string> header(std::string_view name) const;
    // Decoded query parameter (percent-decoding, '+' as space); nullopt when absent.
    std::optional<std::string> query_param(std::string_view name) const;
};

struct ServerResponse {
    // How the response is put on the wire; the non-normal ways exist to emulate broken servers.
    enum class Wire {
        normal,        // status line, headers, body
        drop,          // close the connection without writing anything
        cut_mid_body,  // headers announce the full Content-Length, half the body is sent, then close
    };
    int status = 200;
    ServerHeaders headers;  // Content-Type defaults to application/json if the body is non-empty
    std::string body;
    Wire wire = Wire::normal;
    bool close = false;  // send "Connection: close" and close after the response

    static ServerResponse json(int status, std::string body);
    static ServerResponse text(int status, std::string body);
};

using ServerHandler = std::function<boost::asio::awaitable<ServerResponse>(const ServerRequest&)>;

struct ServerOptions {
    std::string listen = "127.0.0.1:0";  // "host:port"; port 0 = any free port; "[::1]:0" ok
    std::string tls_cert_file;           // PEM chain; TLS is on when both files are set
    std::string tls_key_file;            // PEM private key
    Millis read_timeout{30000};          // per request: headers and body must arrive within it
    Millis idle_timeout{60000};          // keep-alive connection with no new request
    // Bodies larger than this are refused with 413 (the connection is closed): Ozon's push
    // notifications and the sandbox's requests are a few kB.
    std::size_t max_body = 1024 * 1024;
    // The JSON body of that 413 answer; empty = {"code":413,"message":"Request Entity Too Large..."}
    // (the push receiver answers in Ozon's error format).
    std::string too_large_body;
    // Open connections at most; one more is closed at once (logged at most once a minute), so
    // a flood cannot take every descriptor or max_connections x max_body of memory.
    std::size_t max_connections = 64;
};

class Server {
public:
    Server(boost::asio::any_io_executor ex, ServerOptions options, ServerHandler handler);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and listens; throws std::runtime_error (bad address, port in use, bad cert/key).
    void start();
    // Closes the acceptor and every open connection. Idempotent; callable from any thread.
    void stop();

    bool tls() const;
    // Connections closed at once because max_connections were open. Asks the server's strand:
    // call it while the io_context runs on another thread.
    std::uint64_t refused_connections() const;
    // accept() calls that failed (out of descriptors or memory); any thread.
    std::uint64_t accept_failures() const;
    std::string host() const;        // bound address, e.g. "127.0.0.1"
    unsigned short port() const;     // bound port (the real one when asked for 0)
    std::string base_url() const;    // "http://127.0.0.1:41234" or "https://..."

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

// "host:port" -> {host, port}; accepts "[v6]:port"; throws std::invalid_argument.
std::pair<std::string, unsigned short> split_host_port(std::string_view listen);

}  // namespace ozw::http
