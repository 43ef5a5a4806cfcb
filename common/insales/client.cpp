// GCC 12 reports a false -Wmismatched-new-delete on asio coroutine frames.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include "common/insales/client.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <mutex>

#include "common/http/client.hpp"
#include "common/metrics.hpp"
#include "common/ozon/errors.hpp"
#include "common/ozon/json_util.hpp"

namespace ozw::insales {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

std::string base64(std::string_view in) {
    static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
        out += tbl[v >> 18 & 63];
        out += tbl[v >> 12 & 63];
        out += tbl[v >> 6 & 63];
        out += tbl[v & 63];
    }
    if (i + 1 == in.size()) {
        unsigned v = (unsigned char)in[i] << 16;
        out += tbl[v >> 18 & 63];
        out += tbl[v >> 12 & 63];
        out += "==";
    } else if (i + 2 == in.size()) {
        unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
        out += tbl[v >> 18 & 63];
        out += tbl[v >> 12 & 63];
        out += tbl[v >> 6 & 63];
        out += '=';
    }
    return out;
}

std::optional<Millis> retry_after_of(const http::Response& r) {
    auto h = r.header("Retry-After");
    if (!h) return std::nullopt;
    double s = 0;
    auto [p, ec] = std::from_chars(h->data(), h->data() + h->size(), s);
    if (ec != std::errc() || !std::isfinite(s) || s < 0) return std::nullopt;
    return Millis{static_cast<long long>(std::min(s, 3600.0) * 1000)};
}

}  // namespace

struct Client::Impl {
    asio::any_io_executor ex;
    InsalesConfig config;
    Options options;
    http::Client http;
    std::string base;
    mutable std::mutex mutex;
    std::optional<Usage> usage;
    // The usage the next request paces on, and when it was seen (reset by a 429: its
    // Retry-After already says when to come back).
    std::optional<Usage> pace_usage;
    std::chrono::steady_clock::time_point pace_seen{};

    Impl(asio::any_io_executor e, InsalesConfig c, Options o)
        : ex(e),
          config(std::move(c)),
          options(o),
          http(e, http::ClientOptions{o.ca_file, o.request_timeout, 64 * 1024 * 1024, "ozonwatch"}),
          base(config.url) {
        while (!base.empty() && base.back() == '/') base.pop_back();
    }

    // Waits, on the timer, until the next request keeps the usage under the budget.
    asio::awaitable<void> pace(std::chrono::steady_clock::time_point deadline) {
        std::optional<Usage> u;
        std::chrono::steady_clock::time_point seen;
        {
            std::lock_guard lock(mutex);
            u = pace_usage;
            seen = pace_seen;
        }
        if (!u) co_return;
        const Millis wait = usage_wait(*u, options);
        if (wait.count() <= 0) co_return;
        const auto until = seen + wait;
        const auto now = std::chrono::steady_clock::now();
        if (until <= now) co_return;
        if (until > deadline) {
            Error e(ErrorKind::rate_limited,
                    "insales: API usage " + std::to_string(u->used) + "/" + std::to_string(u->limit) +
                        " (requests per 5 minutes): the next request would wait past the deadline");
            e.retry_after = std::chrono::duration_cast<Millis>(until - now);
            throw e;
        }
        const auto left = std::chrono::duration_cast<Millis>(until - now);
        if (options.on_usage_wait) options.on_usage_wait(left, *u);
        spdlog::debug("insales: API usage {}/{}; next request in {} ms", u->used, u->limit, left.count());
        asio::steady_timer t(ex);
        t.expires_at(until);
        co_await t.async_wait(asio::use_awaitable);
    }

    // Variants of page n; `products` gets the number of products on it. Archived products are
    // left out (no with_deleted).
    // A page `known` holds (by its bytes' hash) is not parsed; `seen` says what the page was.
    asio::awaitable<std::vector<Variant>> page(int n, std::size_t& products,
                                               std::chrono::steady_clock::time_point walk_deadline,
                                               const KnownPages& known, PageSeen& seen) {
        const auto start = std::chrono::steady_clock::now();
        const auto deadline = std::min(walk_deadline, start + options.total_deadline);
        for (int attempt = 0;; ++attempt) {
            co_await pace(walk_deadline);
            http::Request req;
            req.method = "GET";
            req.url = base + "/admin/products.json?page=" + std::to_string(n) +
                      "&per_page=" + std::to_string(options.per_page);
            req.headers = {{"Authorization", "Basic " + base64(config.login + ":" + config.password)},
                           {"Accept", "application/json"}};
            std::optional<Error> err;
            try {
                http::Response resp = co_await http.request(std::move(req));
                // The client knows its shop, not the Ozon account: account "" (no such label).
                metrics::count_api_request("insales", "", "/admin/products.json", resp.status);
                {
                    std::optional<Usage> u;
                    if (auto h = resp.header("API-Usage-Limit")) u = parse_usage_limit(*h);
                    std::lock_guard lock(mutex);
                    if (u) usage = u;
                    if (resp.status == 429 || resp.status == 503) {
                        pace_usage.reset();
                    } else if (u) {
                        pace_usage = u;
                        pace_seen = std::chrono::steady_clock::now();
                    }
                }
                if (resp.status == 200) {
                    const std::size_t index = static_cast<std::size_t>(n - 1);
                    const std::uint64_t hash = page_hash(resp.body);
                    seen.index = index;
                    if (const KnownPage* k = known ? known(index, hash) : nullptr; k && k->hash == hash) {
                        seen.page = *k;
                        seen.known = true;
                        products = k->records;
                        co_return std::vector<Variant>{};
                    }
                    auto variants = detail::parse_products_page(resp.body, &products);
                    seen.page = KnownPage{hash, {}, products};
                    seen.known = false;
                    co_return variants;
                }
                if (resp.status == 401 || resp.status == 403) {
                    throw Error(ErrorKind::auth, "insales: HTTP " + std::to_string(resp.status) +
                                                     " (check login/password)", resp.status);
                }
                if (resp.status == 429 || resp.status == 503) {
                    err.emplace(ErrorKind::rate_limited, "insales: HTTP " + std::to_string(resp.status) +
                                                             " rate limited", resp.status);
                    err->retry_after = retry_after_of(resp).value_or(options.default_retry_after);
                } else if (resp.status >= 500) {
                    err.emplace(ErrorKind::transient, "insales: HTTP " + std::to_string(resp.status), resp.status);
                } else {
                    throw Error(ErrorKind::bad_response, "insales: HTTP " + std::to_string(resp.status), resp.status);
                }
            } catch (const http::HttpError& e) {
                metrics::count_api_request("insales", "", "/admin/products.json", metrics::transport_status(e.kind()));
                err.emplace(ErrorKind::transient, std::string("insales: ") + e.what());
            }
            Millis wait = err->retry_after.value_or(
                Millis{options.backoff_base.count() * (1LL << std::min(attempt, 6))});
            if (std::chrono::steady_clock::now() + wait > deadline) throw *err;
            spdlog::debug("insales: {}; retry in {} ms", err->what(), wait.count());
            asio::steady_timer t(ex);
            t.expires_after(wait);
            co_await t.async_wait(asio::use_awaitable);
        }
    }
};

Client::Client(asio::any_io_executor ex, InsalesConfig config, Options options)
    : impl_(std::make_unique<Impl>(std::move(ex), std::move(config), options)) {}
Client::~Client() = default;

asio::awaitable<void> Client::each_variant_page(std::function<void(std::vector<Variant>&)> on_page) {
    const KnownPages none;  // named: GCC 12 mishandles temporaries inside co_await
    std::function<void(const PageSeen&, std::vector<Variant>&)> each =
        [&on_page](const PageSeen&, std::vector<Variant>& variants) { on_page(variants); };
    co_await each_variant_page(none, std::move(each));
}

asio::awaitable<void> Client::each_variant_page(const KnownPages& known,
                                                std::function<void(const PageSeen&, std::vector<Variant>&)> on_page) {
    const auto deadline = std::chrono::steady_clock::now() + impl_->options.walk_deadline;
    for (int n = 1; n <= impl_->options.max_pages; ++n) {
        std::size_t products = 0;
        PageSeen seen;
        auto vs = co_await impl_->page(n, products, deadline, known, seen);
        on_page(seen, vs);
        if (products < static_cast<std::size_t>(impl_->options.per_page)) break;
    }
}

asio::awaitable<std::vector<Variant>> Client::all_variants() {
    std::vector<Variant> all;
    std::function<void(std::vector<Variant>&)> collect = [&all](std::vector<Variant>& page) {
        std::move(page.begin(), page.end(), std::back_inserter(all));
    };
    co_await each_variant_page(std::move(collect));
    co_return all;
}

std::optional<Usage> Client::last_usage() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->usage;
}

}  // namespace ozw::insales
