// GCC 12 reports a false -Wmismatched-new-delete on asio coroutine frames.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include "common/ozon/client.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <limits>
#include <random>
#include <set>
#include <type_traits>

#include "common/http/client.hpp"
#include "common/metrics.hpp"
#include "common/time.hpp"

namespace ozw::ozon {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

constexpr std::array<std::string_view, 16> kMethodPaths = {
    paths::posting_list,     paths::posting_unfulfilled, paths::posting_get,
    paths::returns_list,     paths::rfbs_returns_list,   paths::rfbs_return_get,
    paths::returns_dropoff,
    paths::accrual_postings, paths::accrual_by_day,      paths::accrual_types,
    paths::cash_flow_statement,
    paths::stocks,           paths::reviews,             paths::chats,
    paths::roles,            paths::warehouses,
};

// retired_paths(): a view of the one table in common/ozon/retired.hpp.
constexpr auto kRetiredPaths = [] {
    std::array<std::string_view, kRetiredMethods.size()> out{};
    for (std::size_t i = 0; i < kRetiredMethods.size(); ++i) out[i] = kRetiredMethods[i].path;
    return out;
}();

std::string iso(TimePoint t) { return format_iso8601(t); }

}  // namespace

std::span<const std::string_view> method_paths() { return kMethodPaths; }
std::span<const std::string_view> retired_paths() { return kRetiredPaths; }

struct Client::Impl {
    asio::any_io_executor ex;
    AccountConfig account;
    std::shared_ptr<RateLimiter> limiter;
    RetryPolicy retry;
    http::Client http;
    std::string base;
    ClientStats stats;
    std::mt19937_64 rng{std::random_device{}()};

    Impl(asio::any_io_executor e, const AccountConfig& acc, std::shared_ptr<RateLimiter> lim,
         RetryPolicy rp)
        : ex(e),
          account(acc),
          limiter(lim ? std::move(lim) : std::make_shared<RateLimiter>(acc.rate_limit)),
          retry(rp),
          http(e, http::ClientOptions{acc.ca_file, acc.request_timeout, kMaxBodyBytes,
                                      "ozonwatch"}),
          base(acc.base_url) {
        while (!base.empty() && base.back() == '/') base.pop_back();
    }

    Millis backoff(int attempt) {
        // Exponential with "equal jitter": half fixed, half random, so retries of several
        // watches spread out but never collapse to zero wait.
        long long cap = retry.backoff_max.count();
        long long exp = retry.backoff_base.count();
        for (int i = 0; i < attempt && exp < cap; ++i) exp *= 2;
        exp = std::min(exp, cap);
        long long half = exp / 2;
        std::uniform_int_distribution<long long> d(0, std::max(0LL, exp - half));
        return Millis{half + d(rng)};
    }

    // POST with rate limiting, classification, retries; `parse` runs inside the retry loop so
    // a truncated or invalid JSON answer is retried like any transient failure.
    template <class F>
    asio::awaitable<std::invoke_result_t<F, std::string_view>> request(std::string_view path,
                                                                       std::string body, F parse) {
        if (const RetiredMethod* r = find_retired(path)) {
            spdlog::critical("ozon [{}]: refusing to call retired method {} (switched off: {}; use {})",
                             account.name, path, r->shutdown, r->replacement);
            throw ApiError(ErrorKind::method_gone,
                           "ozon " + std::string(path) + ": retired method (not called; use " +
                               std::string(r->replacement) + ")",
                           0, std::string(path));
        }
        const auto start = std::chrono::steady_clock::now();
        for (int attempt = 0;; ++attempt) {
            co_await limiter->acquire();
            ++stats.requests;
            std::optional<ApiError> err;
            try {
                http::Request req;
                req.method = "POST";
                req.url = base + std::string(path);
                req.headers = {{"Client-Id", account.client_id},
                               {"Api-Key", account.api_key},
                               {"Content-Type", "application/json"}};
                req.body = body;
                http::Response resp = co_await http.request(std::move(req));
                metrics::count_api_request("ozon", account.name, path, resp.status);
                if (auto rem = resp.header("Ratelimit-Remaining"); rem && *rem == "0")
                    limiter->pause_for(Millis{1000});
                if (resp.status >= 200 && resp.status < 300) {
                    try {
                        co_return parse(std::string_view(resp.body));
                    } catch (const ParseError& pe) {
                        err.emplace(ErrorKind::transient,
                                    "ozon " + std::string(path) + ": " + pe.what(), resp.status,
                                    std::string(path));
                    }
                } else {
                    auto ra = resp.header("Retry-After");
                    err.emplace(classify_response(
                        resp.status, resp.body, path,
                        ra ? std::optional<std::string_view>(*ra) : std::nullopt));
                }
            } catch (const http::HttpError& he) {
                metrics::count_api_request("ozon", account.name, path, metrics::transport_status(he.kind()));
                err.emplace(classify_transport(he, path));
            }

            ApiError& e = *err;
            Millis wait{0};
            switch (e.kind()) {
                case ErrorKind::method_gone:
                    spdlog::critical("ozon [{}]: method {} answered HTTP {}: RETIRED METHOD? {}",
                                     account.name, path, e.http_status(), e.ozon_message());
                    throw e;
                case ErrorKind::rate_limited:
                    ++stats.rate_limited;
                    wait = e.retry_after().value_or(retry.default_retry_after);
                    limiter->pause_for(wait);
                    break;
                case ErrorKind::transient:
                    wait = backoff(attempt);
                    break;
                default:
                    throw e;  // circle_open, auth, bad_request, not_available, not_found
            }
            const auto elapsed = std::chrono::steady_clock::now() - start;
            if (attempt + 1 >= retry.max_attempts || elapsed + wait > retry.total_deadline) {
                spdlog::warn("ozon [{}]: {} failed after {} attempts: {}", account.name, path,
                             attempt + 1, e.what());
                throw e;
            }
            spdlog::debug("ozon [{}]: {} {} ({}), retry in {} ms", account.name, path,
                          to_string(e.kind()), e.what(), wait.count());
            ++stats.retries;
            if (e.kind() == ErrorKind::transient) {
                asio::steady_timer timer(ex);
                timer.expires_after(wait);
                co_await timer.async_wait(asio::use_awaitable);
            }
            // rate_limited: the paused limiter makes the next acquire() wait.
        }
    }
};

Client::Client(asio::any_io_executor ex, const AccountConfig& account,
               std::shared_ptr<RateLimiter> limiter, RetryPolicy retry)
    : impl_(std::make_unique<Impl>(std::move(ex), account, std::move(limiter), retry)) {}

Client::~Client() = default;

const ClientStats& Client::stats() const { return impl_->stats; }
const std::string& Client::account_name() const { return impl_->account.name; }

awaitable<std::string> Client::call(std::string_view path, std::string body) {
    co_return co_await impl_->request(path, std::move(body),
                                      [](std::string_view b) { return std::string(b); });
}

namespace {
// A walk over pages that does not end (a cursor that never stops, a server that always says
// has_next) is an error, not a complete answer: a caller that took the pages so far for the
// whole list would forget everything past them. Budgets: RetryPolicy::max_pages and max_walk.
void check_walk(const std::string& account, std::string_view path, int pages, const RetryPolicy& rp,
                std::chrono::steady_clock::time_point started) {
    const auto spent = std::chrono::steady_clock::now() - started;
    if (pages < rp.max_pages && spent <= rp.max_walk) return;
    const std::string what = pages >= rp.max_pages
                                 ? std::to_string(pages) + " pages"
                                 : format_duration(std::chrono::duration_cast<Millis>(spent)) + " (" +
                                       std::to_string(pages) + " pages)";
    spdlog::warn("ozon [{}]: {} did not end after {}; the answer is not used", account, path, what);
    throw ApiError(ErrorKind::transient,
                   "ozon " + std::string(path) + ": the list did not end after " + what +
                       " (a cursor that never stops?); nothing of it was used",
                   0, std::string(path));
}

// The pages of a cursor-paginated posting list, each handed to `take`; stops at the last page
// or at a cursor that does not move; throws past the walk's budget (check_walk).
template <class FetchPage>
awaitable<void> cursor_pages(const std::string& account, std::string_view path, const RetryPolicy& rp,
                             FetchPage fetch_page, const Client::PostingsSink& take) {
    std::string cursor;
    const auto walk_started = std::chrono::steady_clock::now();
    for (int pages = 0;; ++pages) {
        check_walk(account, path, pages, rp, walk_started);
        PostingPage p = co_await fetch_page(cursor);
        take(p.postings);
        if (!p.has_next || p.cursor.empty() || p.cursor == cursor) break;
        cursor = std::move(p.cursor);
    }
}

void append(std::vector<Posting>& all, std::vector<Posting>& page) {
    std::move(page.begin(), page.end(), std::back_inserter(all));
}
}  // namespace

// ---------------------------------------------------------------- postings

awaitable<PostingPage> Client::list_postings(const PostingFilter& f, std::string cursor) {
    if (f.to < f.since || f.to - f.since > std::chrono::hours(24 * 365))
        throw ApiError(ErrorKind::bad_request,
                       "ozon /v4/posting/fbs/list: since..to must be within one year", 0,
                       std::string(paths::posting_list));
    json filter = {{"since", iso(f.since)}, {"to", iso(f.to)}};
    if (!f.statuses.empty()) filter["statuses"] = f.statuses;
    if (f.last_changed_from || f.last_changed_to) {
        json lc = json::object();
        if (f.last_changed_from) lc["from"] = iso(*f.last_changed_from);
        if (f.last_changed_to) lc["to"] = iso(*f.last_changed_to);
        filter["last_changed_status_date"] = lc;
    }
    json body = {{"cursor", cursor},
                 {"filter", filter},
                 {"limit", std::clamp(f.limit, 1, 100)},
                 {"sort_dir", "ASC"},
                 {"with", {{"financial_data", f.with_financial_data},
                           {"analytics_data", f.with_analytics_data}}}};
    co_return co_await impl_->request(paths::posting_list, body.dump(), parse_posting_list);
}

awaitable<void> Client::each_posting_page(const PostingFilter& f, PostingsSink take) {
    co_await cursor_pages(impl_->account.name, paths::posting_list, impl_->retry,
                          [&](std::string cursor) { return list_postings(f, std::move(cursor)); }, take);
}

awaitable<std::vector<Posting>> Client::list_postings_all(const PostingFilter& f) {
    std::vector<Posting> all;
    co_await each_posting_page(f, [&](std::vector<Posting>& page) { append(all, page); });
    co_return all;
}

awaitable<PostingPage> Client::list_unfulfilled(const UnfulfilledFilter& f, std::string cursor) {
    const bool cutoff = f.cutoff_from || f.cutoff_to;
    const bool delivering = f.delivering_date_from || f.delivering_date_to;
    if (cutoff && delivering)
        throw ApiError(ErrorKind::bad_request,
                       "ozon /v4/posting/fbs/unfulfilled/list: use cutoff or delivering_date, not both",
                       0, std::string(paths::posting_unfulfilled));
    json filter = json::object();
    if (f.cutoff_from) filter["cutoff_from"] = iso(*f.cutoff_from);
    if (f.cutoff_to) filter["cutoff_to"] = iso(*f.cutoff_to);
    if (f.delivering_date_from) filter["delivering_date_from"] = iso(*f.delivering_date_from);
    if (f.delivering_date_to) filter["delivering_date_to"] = iso(*f.delivering_date_to);
    if (!f.statuses.empty()) filter["statuses"] = f.statuses;
    json body = {{"cursor", cursor},
                 {"filter", filter},
                 {"limit", std::clamp(f.limit, 1, 100)},
                 {"sort_dir", "ASC"},
                 {"with", {{"financial_data", f.with_financial_data}}}};
    co_return co_await impl_->request(paths::posting_unfulfilled, body.dump(),
                                      parse_unfulfilled_list);
}

awaitable<void> Client::each_unfulfilled_page(const UnfulfilledFilter& f, PostingsSink take) {
    co_await cursor_pages(impl_->account.name, paths::posting_unfulfilled, impl_->retry,
                          [&](std::string cursor) { return list_unfulfilled(f, std::move(cursor)); }, take);
}

awaitable<std::vector<Posting>> Client::list_unfulfilled_all(const UnfulfilledFilter& f) {
    std::vector<Posting> all;
    co_await each_unfulfilled_page(f, [&](std::vector<Posting>& page) { append(all, page); });
    co_return all;
}

awaitable<Posting> Client::get_posting(std::string posting_number) {
    json body = {{"posting_number", posting_number}, {"with", {{"financial_data", true}}}};
    co_return co_await impl_->request(paths::posting_get, body.dump(), parse_posting_get);
}

// ---------------------------------------------------------------- returns

awaitable<ReturnPage> Client::list_returns(const ReturnsFilter& f, long long last_id) {
    json filter = json::object();
    if (f.date) {
        const char* name = "visual_status_change_moment";
        switch (f.date->field) {
            case ReturnsFilter::DateField::logistic_return_date: name = "logistic_return_date"; break;
            case ReturnsFilter::DateField::storage_tariffication_start_date:
                name = "storage_tariffication_start_date";
                break;
            case ReturnsFilter::DateField::visual_status_change_moment:
                name = "visual_status_change_moment";
                break;
        }
        filter[name] = {{"time_from", iso(f.date->from)}, {"time_to", iso(f.date->to)}};
    }
    if (!f.posting_numbers.empty()) {
        if (f.posting_numbers.size() > 50)
            throw ApiError(ErrorKind::bad_request, "ozon /v1/returns/list: at most 50 posting numbers",
                           0, std::string(paths::returns_list));
        filter["posting_numbers"] = f.posting_numbers;
    }
    if (!f.visual_status_name.empty()) filter["visual_status_name"] = f.visual_status_name;
    if (!f.return_schema.empty()) filter["return_schema"] = f.return_schema;
    json body = {{"filter", filter}, {"last_id", last_id}, {"limit", std::clamp(f.limit, 1, 500)}};
    co_return co_await impl_->request(paths::returns_list, body.dump(), parse_returns_list);
}

awaitable<ReturnDropOffPage> Client::list_return_dropoff_points(long long last_id) {
    json pagination = {{"limit", 500}};
    if (last_id > 0) pagination["last_id"] = last_id;
    json body = {{"pagination", pagination}};
    co_return co_await impl_->request(paths::returns_dropoff, body.dump(), parse_return_dropoff_points);
}

awaitable<std::vector<ReturnDropOffPoint>> Client::list_return_dropoff_points_all() {
    std::vector<ReturnDropOffPoint> all;
    long long last_id = 0;
    const auto walk_started = std::chrono::steady_clock::now();
    for (int pages = 0;; ++pages) {
        check_walk(impl_->account.name, paths::returns_dropoff, pages, impl_->retry, walk_started);
        ReturnDropOffPage p = co_await list_return_dropoff_points(last_id);
        const long long next = p.last_id();
        std::move(p.points.begin(), p.points.end(), std::back_inserter(all));
        if (!p.has_next || next == 0 || next == last_id) break;
        last_id = next;
    }
    co_return all;
}

awaitable<std::vector<Return>> Client::list_returns_all(const ReturnsFilter& f) {
    std::vector<Return> all;
    long long last_id = 0;
    const auto walk_started = std::chrono::steady_clock::now();
    for (int pages = 0;; ++pages) {
        check_walk(impl_->account.name, paths::returns_list, pages, impl_->retry, walk_started);
        ReturnPage p = co_await list_returns(f, last_id);
        const long long next = p.last_id();
        std::move(p.returns.begin(), p.returns.end(), std::back_inserter(all));
        if (!p.has_next || next == 0 || next == last_id) break;
        last_id = next;
    }
    co_return all;
}

awaitable<RfbsReturnPage> Client::list_rfbs_returns(const RfbsReturnsFilter& f, long long last_id) {
    json filter = json::object();
    if (f.created_from || f.created_to) {
        json c = json::object();
        if (f.created_from) c["from"] = iso(*f.created_from);
        if (f.created_to) c["to"] = iso(*f.created_to);
        filter["created_at"] = c;
    }
    if (!f.group_state.empty()) filter["group_state"] = f.group_state;
    if (!f.posting_number.empty()) filter["posting_number"] = f.posting_number;
    json body = {{"filter", filter}, {"last_id", last_id}, {"limit", std::max(1, f.limit)}};
    co_return co_await impl_->request(paths::rfbs_returns_list, body.dump(),
                                      parse_rfbs_returns_list);
}

awaitable<std::vector<RfbsReturn>> Client::list_rfbs_returns_all(const RfbsReturnsFilter& f) {
    // The spec types this method's last_id as int32 while return ids are int64: a page that
    // ends on an id past int32 cannot be continued by last_id. Then the created_at window is
    // halved and each half read on its own (ids de-duplicated), which needs no order from Ozon.
    std::vector<RfbsReturn> all;
    std::set<long long> ids;
    const std::size_t limit = static_cast<std::size_t>(std::max(1, f.limit));
    const auto walk_started = std::chrono::steady_clock::now();
    int pages = 0;
    std::vector<RfbsReturnsFilter> windows{f};
    while (!windows.empty()) {
        RfbsReturnsFilter w = std::move(windows.back());
        windows.pop_back();
        long long last_id = 0;
        for (;; ++pages) {
            check_walk(impl_->account.name, paths::rfbs_returns_list, pages, impl_->retry, walk_started);
            RfbsReturnPage p = co_await list_rfbs_returns(w, last_id);
            const long long next = p.last_id();
            const std::size_t n = p.returns.size();
            for (auto& r : p.returns)
                if (ids.insert(r.id).second) all.push_back(std::move(r));
            // No has_next in this method: a short page is the last one.
            if (n < limit || next == 0 || next == last_id) break;
            if (next > std::numeric_limits<std::int32_t>::max()) {
                if (!w.created_from || !w.created_to || *w.created_to - *w.created_from < std::chrono::seconds(2))
                    throw ApiError(ErrorKind::bad_request,
                                   "ozon " + std::string(paths::rfbs_returns_list) +
                                       ": a full page ends on return_id " + std::to_string(next) +
                                       ", which last_id (int32) cannot carry, and the created_at window "
                                       "cannot be split further",
                                   0, std::string(paths::rfbs_returns_list));
                const TimePoint mid = *w.created_from + (*w.created_to - *w.created_from) / 2;
                RfbsReturnsFilter early = w, late = w;
                early.created_to = mid;
                late.created_from = mid;
                windows.push_back(std::move(early));
                windows.push_back(std::move(late));
                ++pages;
                break;
            }
            last_id = next;
        }
    }
    co_return all;
}

awaitable<RfbsReturn> Client::get_rfbs_return(long long return_id) {
    json body = {{"return_id", return_id}};
    co_return co_await impl_->request(paths::rfbs_return_get, body.dump(), parse_rfbs_return_get);
}

// ---------------------------------------------------------------- finance

awaitable<std::vector<PostingAccruals>> Client::accruals_by_postings(
    std::vector<std::string> posting_numbers) {
    std::vector<PostingAccruals> all;
    constexpr std::size_t kBatch = 200;
    for (std::size_t i = 0; i < posting_numbers.size(); i += kBatch) {
        const std::size_t end = std::min(posting_numbers.size(), i + kBatch);
        json body = {{"posting_numbers",
                      std::vector<std::string>(posting_numbers.begin() + static_cast<long>(i),
                                               posting_numbers.begin() + static_cast<long>(end))}};
        auto part = co_await impl_->request(paths::accrual_postings, body.dump(),
                                            parse_accrual_postings);
        std::move(part.begin(), part.end(), std::back_inserter(all));
    }
    co_return all;
}

awaitable<AccrualDayPage> Client::accruals_by_day(std::string date, std::string last_id) {
    json body = {{"date", date}, {"last_id", last_id}};
    co_return co_await impl_->request(paths::accrual_by_day, body.dump(), parse_accrual_by_day);
}

awaitable<std::vector<DayAccrual>> walk_accruals_by_day(const AccrualDayPageFetch& fetch,
                                                        const std::function<void(int pages)>& check_pages) {
    for (int restarts = 0;; ++restarts) {
        std::vector<DayAccrual> all;
        std::string last_id;
        bool expired = false;
        for (int pages = 0;; ++pages) {
            if (check_pages) check_pages(pages);
            AccrualDayPage p;
            try {
                p = co_await fetch(last_id);
            } catch (const ApiError& e) {
                // A continued page refused as a bad request: the cursor has expired (Ozon keeps
                // it 15 minutes and does not document the message). Start the date again.
                if (last_id.empty() || e.kind() != ErrorKind::bad_request || restarts >= kByDayRestarts) throw;
                spdlog::info("ozon: {} refused a continued page ({}); reading the date again from its first page",
                             paths::accrual_by_day, e.what());
                expired = true;
            }
            if (expired) break;
            const bool empty = p.accruals.empty();
            std::move(p.accruals.begin(), p.accruals.end(), std::back_inserter(all));
            if (empty || p.last_id.empty() || p.last_id == last_id) co_return all;
            last_id = std::move(p.last_id);
        }
    }
}

awaitable<std::vector<DayAccrual>> Client::accruals_by_day_all(std::string date) {
    const auto walk_started = std::chrono::steady_clock::now();
    AccrualDayPageFetch fetch = [this, date](std::string last_id) { return accruals_by_day(date, std::move(last_id)); };
    co_return co_await walk_accruals_by_day(fetch, [this, walk_started](int pages) {
        check_walk(impl_->account.name, paths::accrual_by_day, pages, impl_->retry, walk_started);
    });
}

awaitable<std::vector<AccrualType>> Client::accrual_types() {
    std::string body = "{}";  // named: GCC 12 mishandles temporaries inside co_await
    co_return co_await impl_->request(paths::accrual_types, std::move(body), parse_accrual_types);
}

awaitable<CashFlowStatementPage> Client::cash_flow_statement_page(TimePoint from, TimePoint to,
                                                                  bool with_details, int page) {
    if (to < from)
        throw ApiError(ErrorKind::bad_request,
                       "ozon " + std::string(paths::cash_flow_statement) + ": period ends before it starts",
                       0, std::string(paths::cash_flow_statement));
    json body = {{"date", {{"from", iso(from)}, {"to", iso(to)}}},
                 {"with_details", with_details},
                 {"page", std::max(1, page)},
                 {"page_size", kCashFlowPageSize}};
    co_return co_await impl_->request(paths::cash_flow_statement, body.dump(), parse_cash_flow_statement);
}

awaitable<CashFlowStatementPage> Client::cash_flow_statement(TimePoint from, TimePoint to,
                                                             bool with_details) {
    CashFlowStatementPage all;
    const auto walk_started = std::chrono::steady_clock::now();
    for (int page = 1;; ++page) {
        check_walk(impl_->account.name, paths::cash_flow_statement, page - 1, impl_->retry, walk_started);
        CashFlowStatementPage p = co_await cash_flow_statement_page(from, to, with_details, page);
        const bool empty = p.cash_flows.empty() && p.details.empty();
        std::move(p.cash_flows.begin(), p.cash_flows.end(), std::back_inserter(all.cash_flows));
        std::move(p.details.begin(), p.details.end(), std::back_inserter(all.details));
        all.page_count = p.page_count;
        // page_count says how many pages there are (without it, a short page is the last); an
        // empty page ends the walk whatever it says.
        if (empty) break;
        if (p.page_count > 0 ? page >= p.page_count
                             : p.cash_flows.size() < static_cast<std::size_t>(kCashFlowPageSize))
            break;
    }
    co_return all;
}

// ---------------------------------------------------------------- stocks

namespace {

std::string stocks_request(const StocksFilter& f, const std::string& cursor) {
    json filter = {{"visibility", f.visibility.empty() ? "ALL" : f.visibility}};
    if (!f.offer_ids.empty()) filter["offer_id"] = f.offer_ids;
    if (!f.product_ids.empty()) {
        std::vector<std::string> ids;
        for (auto id : f.product_ids) ids.push_back(std::to_string(id));
        filter["product_id"] = ids;
    }
    return json{{"cursor", cursor}, {"filter", filter}, {"limit", std::clamp(f.limit, 1, 1000)}}.dump();
}

}  // namespace

awaitable<StockPage> Client::stocks(const StocksFilter& f, std::string cursor) {
    co_return co_await impl_->request(paths::stocks, stocks_request(f, cursor), parse_stocks);
}

awaitable<void> Client::stocks_each(const StocksFilter& f, std::function<void(std::vector<StockItem>&)> on_page) {
    const KnownPages none;  // named: GCC 12 mishandles temporaries inside co_await
    std::function<void(const PageSeen&, std::vector<StockItem>&)> each =
        [&on_page](const PageSeen&, std::vector<StockItem>& items) { on_page(items); };
    co_await stocks_each(f, none, std::move(each));
}

awaitable<void> Client::stocks_each(const StocksFilter& f, const KnownPages& known,
                                   std::function<void(const PageSeen&, std::vector<StockItem>&)> on_page) {
    // One page as read: parsed, or known to the caller by its bytes' hash.
    struct Read {
        PageSeen seen;
        StockPage page;
    };
    std::string cursor;
    const auto walk_started = std::chrono::steady_clock::now();
    for (std::size_t pages = 0;; ++pages) {
        check_walk(impl_->account.name, paths::stocks, static_cast<int>(pages), impl_->retry, walk_started);
        auto read = [&known, pages](std::string_view bytes) {
            Read r;
            r.seen.index = pages;
            const std::uint64_t hash = page_hash(bytes);
            if (const KnownPage* k = known ? known(pages, hash) : nullptr; k && k->hash == hash) {
                r.seen.page = *k;
                r.seen.known = true;
                return r;
            }
            r.page = parse_stocks(bytes);
            r.seen.page = KnownPage{hash, r.page.cursor, r.page.items.size()};
            return r;
        };
        const std::string request = stocks_request(f, cursor);
        Read r = co_await impl_->request(paths::stocks, request, read);
        on_page(r.seen, r.page.items);
        // Follow the cursor until it ends: Ozon sends one on the last page too, and neither a
        // short page nor total_items (whose meaning the spec leaves open) is proof of the end.
        if (r.seen.page.records == 0 || r.seen.page.next_cursor.empty() || r.seen.page.next_cursor == cursor) break;
        cursor = r.seen.page.next_cursor;
    }
}

awaitable<std::vector<StockItem>> Client::stocks_all(const StocksFilter& f) {
    std::vector<StockItem> all;
    std::function<void(std::vector<StockItem>&)> collect = [&all](std::vector<StockItem>& page) {
        std::move(page.begin(), page.end(), std::back_inserter(all));
    };
    co_await stocks_each(f, std::move(collect));
    co_return all;
}

awaitable<WarehouseStockPage> Client::stocks_by_warehouse(std::vector<std::string> offer_ids, std::string cursor,
                                                          int limit) {
    if (offer_ids.empty() || offer_ids.size() > kWarehouseStockBatch)
        throw ApiError(ErrorKind::bad_request,
                       "ozon " + std::string(paths::stocks_by_warehouse) + ": 1 to 1000 offer_id values per request",
                       0, std::string(paths::stocks_by_warehouse));
    json body = {{"offer_id", offer_ids}, {"cursor", cursor}, {"limit", std::clamp(limit, 1, 1000)}};
    co_return co_await impl_->request(paths::stocks_by_warehouse, body.dump(), parse_stocks_by_warehouse);
}

awaitable<std::vector<WarehouseStock>> Client::stocks_by_warehouse_all(std::vector<std::string> offer_ids) {
    std::vector<WarehouseStock> all;
    const auto walk_started = std::chrono::steady_clock::now();
    int pages = 0;
    for (std::size_t i = 0; i < offer_ids.size(); i += kWarehouseStockBatch) {
        std::vector<std::string> batch(offer_ids.begin() + static_cast<std::ptrdiff_t>(i),
                                       offer_ids.begin() + static_cast<std::ptrdiff_t>(
                                                               std::min(offer_ids.size(), i + kWarehouseStockBatch)));
        std::string cursor;
        for (;; ++pages) {
            check_walk(impl_->account.name, paths::stocks_by_warehouse, pages, impl_->retry, walk_started);
            WarehouseStockPage p = co_await stocks_by_warehouse(batch, cursor);
            const bool empty = p.stocks.empty();
            std::move(p.stocks.begin(), p.stocks.end(), std::back_inserter(all));
            if (empty || !p.has_next || p.cursor.empty() || p.cursor == cursor) break;
            cursor = std::move(p.cursor);
        }
    }
    co_return all;
}

// ---------------------------------------------------------------- reviews, chats

awaitable<ReviewPage> Client::reviews(const ReviewsFilter& f, std::string last_id) {
    json filters = {{"status", f.status.empty() ? "ALL" : f.status}};
    if (f.published_from) filters["published_from"] = iso(*f.published_from);
    if (f.published_to) filters["published_to"] = iso(*f.published_to);
    json body = {{"filters", filters},
                 {"last_id", last_id},
                 {"limit", std::clamp(f.limit, 20, 100)},
                 {"sort_dir", f.sort_dir.empty() ? "DESC" : f.sort_dir}};
    co_return co_await impl_->request(paths::reviews, body.dump(), parse_reviews);
}

awaitable<std::vector<Review>> Client::reviews_all(const ReviewsFilter& f) {
    std::vector<Review> all;
    std::string last_id;
    const auto walk_started = std::chrono::steady_clock::now();
    for (int pages = 0;; ++pages) {
        check_walk(impl_->account.name, paths::reviews, pages, impl_->retry, walk_started);
        ReviewPage p = co_await reviews(f, last_id);
        std::move(p.reviews.begin(), p.reviews.end(), std::back_inserter(all));
        if (!p.has_next || p.last_id.empty() || p.last_id == last_id) break;
        last_id = std::move(p.last_id);
    }
    co_return all;
}

awaitable<ChatPage> Client::chats(const ChatsFilter& f, std::string cursor) {
    json body = {{"cursor", cursor},
                 {"filter", {{"chat_status", f.chat_status.empty() ? "ALL" : f.chat_status},
                             {"unread_only", f.unread_only}}},
                 {"limit", std::clamp(f.limit, 1, 100)}};
    co_return co_await impl_->request(paths::chats, body.dump(), parse_chats);
}

awaitable<std::vector<Chat>> Client::chats_all(const ChatsFilter& f) {
    std::vector<Chat> all;
    std::string cursor;
    const auto walk_started = std::chrono::steady_clock::now();
    for (int pages = 0;; ++pages) {
        check_walk(impl_->account.name, paths::chats, pages, impl_->retry, walk_started);
        ChatPage p = co_await chats(f, cursor);
        std::move(p.chats.begin(), p.chats.end(), std::back_inserter(all));
        if (!p.has_next || p.cursor.empty() || p.cursor == cursor) break;
        cursor = std::move(p.cursor);
    }
    co_return all;
}

// ---------------------------------------------------------------- account

awaitable<KeyInfo> Client::roles() {
    std::string body = "{}";
    co_return co_await impl_->request(paths::roles, std::move(body), parse_roles);
}

awaitable<WarehousePage> Client::warehouses(std::string cursor, int limit) {
    json body = {{"cursor", cursor}, {"limit", std::clamp(limit, 1, 200)}};
    co_return co_await impl_->request(paths::warehouses, body.dump(), parse_warehouses);
}

awaitable<std::vector<Warehouse>> Client::warehouses_all() {
    std::vector<Warehouse> all;
    std::string cursor;
    const auto walk_started = std::chrono::steady_clock::now();
    for (int pages = 0;; ++pages) {
        check_walk(impl_->account.name, paths::warehouses, pages, impl_->retry, walk_started);
        WarehousePage p = co_await warehouses(cursor);
        std::move(p.warehouses.begin(), p.warehouses.end(), std::back_inserter(all));
        if (!p.has_next || p.cursor.empty() || p.cursor == cursor) break;
        cursor = std::move(p.cursor);
    }
    co_return all;
}

}  // namespace ozw::ozon
