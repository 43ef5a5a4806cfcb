#pragma once
// A minimal blocking HTTP(S) client for the sandbox tests, independent of common/http/client so
// that the sandbox is tested on its own. Throws boost::system::system_error on I/O errors.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "sandbox/sandbox.hpp"

namespace ozw::sandbox::test {

struct Reply {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    nlohmann::json json() const { return nlohmann::json::parse(body); }
    std::string header(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? std::string() : it->second;
    }
};

struct Call {
    std::string method = "POST";
    std::string target;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string ca_file;  // https: trust this CA
    std::chrono::milliseconds timeout{5000};
};

inline Reply http_call(const std::string& base_url, const Call& c) {
    namespace asio = boost::asio;
    namespace beast = boost::beast;
    namespace bhttp = beast::http;
    const bool tls = base_url.rfind("https://", 0) == 0;
    std::string hostport = base_url.substr(tls ? 8 : 7);
    auto colon = hostport.rfind(':');
    std::string host = hostport.substr(0, colon), port = hostport.substr(colon + 1);

    asio::io_context ioc;
    asio::ip::tcp::resolver resolver(ioc);
    auto endpoints = resolver.resolve(host, port);
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(c.method), c.target, 11};
    req.set(bhttp::field::host, host);
    if (!c.body.empty() || c.method == "POST") req.set(bhttp::field::content_type, "application/json");
    for (const auto& [k, v] : c.headers) req.set(k, v);
    req.body() = c.body;
    req.prepare_payload();
    bhttp::response<bhttp::string_body> res;
    beast::flat_buffer buf;
    std::exception_ptr failure;
    bool done = false;
    // Runs the exchange as a coroutine so that run_for() gives a real deadline.
    auto exchange = [&]() -> asio::awaitable<void> {
        if (tls) {
            asio::ssl::context ctx(asio::ssl::context::tls_client);
            ctx.load_verify_file(c.ca_file);
            ctx.set_verify_mode(asio::ssl::verify_peer);
            beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
            SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
            stream.set_verify_callback(asio::ssl::host_name_verification("localhost"));
            co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
            co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
            co_await bhttp::async_write(stream, req, asio::use_awaitable);
            co_await bhttp::async_read(stream, buf, res, asio::use_awaitable);
        } else {
            beast::tcp_stream stream(ioc);
            co_await stream.async_connect(endpoints, asio::use_awaitable);
            co_await bhttp::async_write(stream, req, asio::use_awaitable);
            co_await bhttp::async_read(stream, buf, res, asio::use_awaitable);
        }
    };
    asio::co_spawn(ioc, exchange(), [&](std::exception_ptr e) {
        failure = e;
        done = true;
    });
    ioc.run_for(c.timeout);
    if (!done) throw std::runtime_error("test client: deadline passed");
    if (failure) std::rethrow_exception(failure);
    Reply r;
    r.status = static_cast<int>(res.result_int());
    for (const auto& f : res) {
        std::string name(f.name_string());
        for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        r.headers[name] = std::string(f.value());
    }
    r.body = res.body();
    return r;
}

inline Reply ozon(const Sandbox& sb, const std::string& path, const std::string& body,
                  const std::string& client_id = "demo", const std::string& key = "demo-key") {
    Call c;
    c.target = path;
    c.body = body;
    c.headers = {{"Client-Id", client_id}, {"Api-Key", key}};
    return http_call(sb.base_url(), c);
}

inline Reply ozon(const Sandbox& sb, const std::string& path, const nlohmann::json& body,
                  const std::string& client_id = "demo", const std::string& key = "demo-key") {
    return ozon(sb, path, body.dump(), client_id, key);
}

inline Reply ozon(const Sandbox& sb, const std::string& path, const char* body,
                  const std::string& client_id = "demo", const std::string& key = "demo-key") {
    return ozon(sb, path, std::string(body), client_id, key);
}

inline std::string scenario_path(const std::string& name) {
    return std::string(OZW_SOURCE_DIR) + "/sandbox/scenarios/" + name;
}

// A fresh temporary directory, removed at destruction.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        auto base = std::filesystem::temp_directory_path();
        std::string tmpl = (base / "ozw-sandbox-XXXXXX").string();
        std::vector<char> buf(tmpl.begin(), tmpl.end());
        buf.push_back('\0');
        path = ::mkdtemp(buf.data());
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

}  // namespace ozw::sandbox::test
