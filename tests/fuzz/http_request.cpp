// The HTTP request parsing the server does (Beast's request_parser with our header and body
// limits) on any bytes: a request or an error, never a crash, never more than the limits.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace http = boost::beast::http;
    http::request_parser<http::string_body> parser;
    parser.header_limit(64 * 1024);  // as common/http/server.cpp
    parser.body_limit(1024 * 1024);
    parser.eager(true);
    boost::beast::error_code ec;
    std::size_t used = 0;
    while (used < size && !ec && !parser.is_done()) {
        const std::size_t n = parser.put(boost::asio::buffer(data + used, size - used), ec);
        if (n == 0 && ec == http::error::need_more) break;
        if (ec == http::error::need_more) ec = {};
        if (n == 0) break;
        used += n;
    }
    if (parser.is_done() && parser.get().body().size() > 1024 * 1024) __builtin_trap();
    return 0;
}
