#pragma once
// InSales REST client: the shop's products with variants and stock, for the stock comparison.
// GET {url}/admin/products.json?page=N&per_page=250 with HTTP Basic auth; the reply is a JSON
// array; an empty (or short) page ends the walk. Every reply carries API-Usage-Limit: "17/500"
// (500 requests per 5 minutes); 429 (older servers: 503) carries Retry-After and is retried
// within the deadline; 401/403 are auth errors; a 404 HTML page is an error, not JSON.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/config.hpp"
#include "common/known_pages.hpp"

namespace ozw::insales {

struct Variant {
    long long id = 0;
    long long product_id = 0;
    std::string sku;      // normally the Ozon offer_id (article)
    std::string barcode;
    std::string title;    // product title
    std::optional<double> price;
    std::optional<long long> quantity;  // null = stock not tracked
    std::map<std::string, double> quantity_at_warehouse;  // "quantity_at_warehouse0" -> 7.0
};

struct Usage {
    int used = 0;   // API-Usage-Limit "17/500" -> used 17, limit 500
    int limit = 0;
};

enum class ErrorKind { rate_limited, transient, auth, bad_response };

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& what, int status = 0)
        : std::runtime_error(what), kind_(kind), status_(status) {}
    ErrorKind kind() const { return kind_; }
    int status() const { return status_; }
    std::optional<Millis> retry_after;

private:
    ErrorKind kind_;
    int status_;
};

struct Options {
    int per_page = 250;
    Millis total_deadline{60000};  // retries of 429/5xx of one page stop after this long
    Millis default_retry_after{5000};
    Millis backoff_base{1000};
    int max_pages = 1000;
    Millis request_timeout{30000};
    std::string ca_file;
    // Staying under the budget (500 requests per 5 minutes, API-Usage-Limit "used/limit"): once
    // used >= usage_threshold * limit, the next request waits usage_window / (limit - used)
    // after the last reply (460/500: 7.5 s; 495/500: 60 s; 500/500: the whole window), on the
    // executor's timer. A wait that would pass the deadline ends the walk with rate_limited.
    double usage_threshold = 0.9;
    Millis usage_window{300000};
    // The whole walk (every page, retry and usage wait) ends by this deadline.
    Millis walk_deadline{600000};
    // Called with each usage wait just before it starts (tests, logging).
    std::function<void(Millis, const Usage&)> on_usage_wait;
};

// Parses one products.json page into variants (tolerant: strings or numbers, nulls).
// Throws Error{bad_response} for a body that is not a JSON array.
std::vector<Variant> parse_products_page(std::string_view body);
namespace detail {
// The same, counting the products of the page in `products` (when not null).
std::vector<Variant> parse_products_page(std::string_view body, std::size_t* products);
// The two implementations: simdjson On-Demand (what the client uses) and the nlohmann DOM reader
// it replaced, kept as the differential test's and the benchmark's reference.
std::vector<Variant> parse_products_page_simd(std::string_view body, std::size_t* products);
std::vector<Variant> parse_products_page_dom(std::string_view body, std::size_t* products);
}  // namespace detail
// "17/500" -> {17, 500}; nullopt when malformed.
std::optional<Usage> parse_usage_limit(std::string_view header);
// How long to wait after a reply that reported `usage` before the next request (zero when
// below options.usage_threshold).
Millis usage_wait(const Usage& usage, const Options& options);

class Client {
public:
    Client(boost::asio::any_io_executor ex, InsalesConfig config, Options options = {});
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Every variant of every (non-archived) product. Throws Error.
    boost::asio::awaitable<std::vector<Variant>> all_variants();
    // The same walk, each page's variants handed to `on_page` as they come and then dropped.
    boost::asio::awaitable<void> each_variant_page(std::function<void(std::vector<Variant>&)> on_page);
    // The same walk, skipping the pages the caller knows (known_pages.hpp): a page whose bytes
    // hash as `known` says is not parsed (its variants then empty, its product count the known one).
    boost::asio::awaitable<void> each_variant_page(const KnownPages& known,
                                                   std::function<void(const PageSeen&, std::vector<Variant>&)> on_page);
    // Last API-Usage-Limit seen.
    std::optional<Usage> last_usage() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ozw::insales
