#pragma once
// Ozon Seller API client: only the 2026 methods of NOTES.md's table; never a retired one.
// One Client per account. Every call goes through the account's RateLimiter (shared by all
// watches of the account), then the HTTP client (keep-alive, TLS verified, deadlines).
// Errors are ozw::ozon::ApiError (common/ozon/errors.hpp). Retry policy inside the client:
//   rate_limited -> wait Retry-After (or 1 s) and retry, within RetryPolicy::total_deadline;
//   transient    -> exponential backoff with full jitter, within RetryPolicy::total_deadline;
//   circle_open, auth, method_gone, bad_request, not_available, not_found -> thrown at once.
// *_page methods return one page; *_all helpers walk every page (bounded by max_pages).
//
// GCC 12 BUG: a braced temporary inside a co_await expression is destroyed twice (double free):
//   co_await client.chats(ChatsFilter{});          // crashes with GCC 12
//   ChatsFilter f; co_await client.chats(f);       // fine
// Always name filters (and any aggregate argument) before co_await.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/config.hpp"
#include "common/known_pages.hpp"
#include "common/ozon/errors.hpp"
#include "common/ozon/models.hpp"
#include "common/ozon/retired.hpp"
#include "common/ratelimit.hpp"

namespace ozw::ozon {

template <class T>
using awaitable = boost::asio::awaitable<T>;

struct RetryPolicy {
    Millis total_deadline{60000};  // give up retrying after this long (from the first attempt)
    Millis backoff_base{500};      // first transient backoff; doubles each attempt
    Millis backoff_max{30000};
    Millis default_retry_after{1000};  // 429 without a Retry-After header
    int max_attempts = 8;
    // A walk over the pages of one list (the *_all and each_* helpers) that has not ended after
    // this many pages or this long is an error (ApiError, transient), never a complete answer.
    int max_pages = 10000;
    Millis max_walk{30 * 60 * 1000};
};

// The method paths this client calls, and the retired ones it must never call.
namespace paths {
inline constexpr std::string_view posting_list = "/v4/posting/fbs/list";
inline constexpr std::string_view posting_unfulfilled = "/v4/posting/fbs/unfulfilled/list";
inline constexpr std::string_view posting_get = "/v3/posting/fbs/get";
inline constexpr std::string_view returns_list = "/v1/returns/list";
inline constexpr std::string_view rfbs_returns_list = "/v2/returns/rfbs/list";
inline constexpr std::string_view rfbs_return_get = "/v2/returns/rfbs/get";
inline constexpr std::string_view returns_dropoff = "/v1/returns/company/fbs/info";
inline constexpr std::string_view accrual_postings = "/v1/finance/accrual/postings";
inline constexpr std::string_view accrual_by_day = "/v1/finance/accrual/by-day";
inline constexpr std::string_view accrual_types = "/v1/finance/accrual/types";
inline constexpr std::string_view cash_flow_statement = "/v1/finance/cash-flow-statement/list";
inline constexpr std::string_view stocks = "/v4/product/info/stocks";
inline constexpr std::string_view stocks_by_warehouse = "/v2/product/info/stocks-by-warehouse/fbs";
inline constexpr std::string_view reviews = "/v2/review/list";
inline constexpr std::string_view chats = "/v3/chat/list";
inline constexpr std::string_view roles = "/v1/roles";
inline constexpr std::string_view warehouses = "/v2/warehouse/list";
}  // namespace paths
std::span<const std::string_view> method_paths();   // every path above
// The paths of retired_methods() (common/ozon/retired.hpp), in the same order; the client
// refuses each of them locally (ApiError{method_gone}, nothing sent).
std::span<const std::string_view> retired_paths();

// ---- request filters

struct PostingFilter {
    TimePoint since;  // since..to at most one year (Ozon's rule)
    TimePoint to;
    std::vector<std::string> statuses;  // empty = all
    std::optional<TimePoint> last_changed_from;  // last_changed_status_date{from,to}
    std::optional<TimePoint> last_changed_to;
    int limit = 100;  // 1..100
    bool with_financial_data = true;
    bool with_analytics_data = false;
};

struct UnfulfilledFilter {
    // Either cutoff or delivering_date, never both (Ozon rejects the pair).
    std::optional<TimePoint> cutoff_from, cutoff_to;
    std::optional<TimePoint> delivering_date_from, delivering_date_to;
    std::vector<std::string> statuses;
    int limit = 100;  // 1..100
    bool with_financial_data = true;
};

struct ReturnsFilter {
    // Exactly one date filter per request (Ozon's rule), so it is a single optional.
    enum class DateField { logistic_return_date, storage_tariffication_start_date,
                           visual_status_change_moment };
    struct DateRange {
        DateField field = DateField::visual_status_change_moment;
        TimePoint from;
        TimePoint to;
    };
    std::optional<DateRange> date;
    std::vector<std::string> posting_numbers;  // at most 50
    std::string visual_status_name;            // empty = any
    std::string return_schema = "FBS";         // FBS | FBO | empty = both
    int limit = 500;                           // 1..500
};

struct RfbsReturnsFilter {
    std::optional<TimePoint> created_from, created_to;
    std::vector<std::string> group_state;  // New, Approved, ...
    std::string posting_number;
    int limit = 100;
};

struct StocksFilter {
    std::vector<std::string> offer_ids;
    std::vector<long long> product_ids;
    std::string visibility = "ALL";
    int limit = 1000;  // 1..1000
};

struct ReviewsFilter {
    std::string status = "ALL";  // ALL | NEW | VIEWED | PROCESSED
    std::optional<TimePoint> published_from, published_to;
    std::string sort_dir = "DESC";
    int limit = 100;  // 20..100
};

struct ChatsFilter {
    std::string chat_status = "ALL";  // ALL | OPENED | CLOSED
    bool unread_only = false;
    int limit = 100;  // 1..100
};

struct ClientStats {
    long long requests = 0;   // HTTP requests sent (including retries)
    long long retries = 0;
    long long rate_limited = 0;
};

class Client {
public:
    // `limiter` is shared by all watches of the account; nullptr = a private one at
    // account.rate_limit. account.base_url may be http:// (sandbox) or https://.
    Client(boost::asio::any_io_executor ex, const AccountConfig& account,
           std::shared_ptr<RateLimiter> limiter = nullptr, RetryPolicy retry = {});
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Postings (FBS). cursor "" = first page.
    awaitable<PostingPage> list_postings(const PostingFilter& f, std::string cursor = {});
    awaitable<std::vector<Posting>> list_postings_all(const PostingFilter& f);
    awaitable<PostingPage> list_unfulfilled(const UnfulfilledFilter& f, std::string cursor = {});
    awaitable<std::vector<Posting>> list_unfulfilled_all(const UnfulfilledFilter& f);
    // Every page, handed to `take` as it arrives, so that a caller converting the postings to
    // its own smaller form never holds a whole window of API models (50,000 postings: ~100 MB).
    // `f` must outlive the call.
    using PostingsSink = std::function<void(std::vector<Posting>&)>;
    awaitable<void> each_posting_page(const PostingFilter& f, PostingsSink take);
    awaitable<void> each_unfulfilled_page(const UnfulfilledFilter& f, PostingsSink take);
    // /v3/posting/fbs/get with financial data; ApiError{not_found} for an unknown number.
    awaitable<Posting> get_posting(std::string posting_number);

    // Returns. last_id 0 = first page.
    awaitable<ReturnPage> list_returns(const ReturnsFilter& f, long long last_id = 0);
    awaitable<std::vector<Return>> list_returns_all(const ReturnsFilter& f);
    awaitable<RfbsReturnPage> list_rfbs_returns(const RfbsReturnsFilter& f, long long last_id = 0);
    awaitable<std::vector<RfbsReturn>> list_rfbs_returns_all(const RfbsReturnsFilter& f);
    awaitable<RfbsReturn> get_rfbs_return(long long return_id);  // comment + client photos
    // Drop-off points where FBS returns wait for the seller (counts, boxes, pass); last_id 0 =
    // first page, 500 points a page.
    awaitable<ReturnDropOffPage> list_return_dropoff_points(long long last_id = 0);
    awaitable<std::vector<ReturnDropOffPoint>> list_return_dropoff_points_all();

    // Finance. Splits posting_numbers into requests of <= 200.
    awaitable<std::vector<PostingAccruals>> accruals_by_postings(
        std::vector<std::string> posting_numbers);
    // date = "YYYY-MM-DD"; last_id "" = first page (it lives 15 min on Ozon's side).
    awaitable<AccrualDayPage> accruals_by_day(std::string date, std::string last_id = {});
    // Every accrual of one date; an expired last_id restarts the date (walk_accruals_by_day).
    awaitable<std::vector<DayAccrual>> accruals_by_day_all(std::string date);
    awaitable<std::vector<AccrualType>> accrual_types();
    // Финансовый отчёт for the payout periods (1st-15th, 16th-end) within from..to; details
    // (balances, payouts, services) when with_details. One page (page from 1,
    // kCashFlowPageSize periods a page), or every page (cash_flows and details appended,
    // page_count of the last answer).
    static constexpr int kCashFlowPageSize = 50;  // the spec states no limit; 2 years = 48 periods
    awaitable<CashFlowStatementPage> cash_flow_statement_page(TimePoint from, TimePoint to,
                                                              bool with_details, int page = 1);
    awaitable<CashFlowStatementPage> cash_flow_statement(TimePoint from, TimePoint to,
                                                         bool with_details = false);

    // Stocks (cursor, limit <= 1000).
    awaitable<StockPage> stocks(const StocksFilter& f, std::string cursor = {});
    awaitable<std::vector<StockItem>> stocks_all(const StocksFilter& f);
    // The same walk, each page handed to `on_page` as it comes and then dropped: a caller that
    // folds 100,000 articles into its own rows never holds them all as StockItems.
    awaitable<void> stocks_each(const StocksFilter& f, std::function<void(std::vector<StockItem>&)> on_page);
    // The same walk, skipping the pages the caller knows (known_pages.hpp): a page whose bytes
    // hash as `known` says is not parsed, and the walk follows the cursor the caller kept for it.
    // `on_page` gets every page, parsed or known (its items then empty).
    awaitable<void> stocks_each(const StocksFilter& f, const KnownPages& known,
                                std::function<void(const PageSeen&, std::vector<StockItem>&)> on_page);
    // FBS stock per warehouse (present, reserved, free) of up to kWarehouseStockBatch articles a
    // request; the _all form splits any number of articles and follows each batch's cursor.
    static constexpr std::size_t kWarehouseStockBatch = 1000;
    awaitable<WarehouseStockPage> stocks_by_warehouse(std::vector<std::string> offer_ids, std::string cursor = {},
                                                      int limit = 1000);
    awaitable<std::vector<WarehouseStock>> stocks_by_warehouse_all(std::vector<std::string> offer_ids);

    // Reviews v2 (ApiError{not_available} without the subscription).
    awaitable<ReviewPage> reviews(const ReviewsFilter& f, std::string last_id = {});
    awaitable<std::vector<Review>> reviews_all(const ReviewsFilter& f);

    // Chats v3 (cursor, limit <= 100).
    awaitable<ChatPage> chats(const ChatsFilter& f, std::string cursor = {});
    awaitable<std::vector<Chat>> chats_all(const ChatsFilter& f);

    // Account.
    awaitable<KeyInfo> roles();
    awaitable<WarehousePage> warehouses(std::string cursor = {}, int limit = 200);
    awaitable<std::vector<Warehouse>> warehouses_all();

    // Low level: POST `body` to `path` with auth headers, rate limiting, classification and
    // the retry policy; returns the 2xx body. Throws ApiError.
    awaitable<std::string> call(std::string_view path, std::string body);

    const ClientStats& stats() const;
    const std::string& account_name() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The pages of one date of /v1/finance/accrual/by-day, walked with `fetch(last_id)` ("" = the
// first page); `check_pages(n)` runs before each page (the client's walk limits). last_id
// lives 15 minutes on Ozon's side: when a continued page is refused as a bad request, what was
// collected is dropped and the date is read again from its first page (never a page counted
// twice), at most kByDayRestarts times; other errors, and a refused first page, are thrown.
inline constexpr int kByDayRestarts = 2;
using AccrualDayPageFetch = std::function<awaitable<AccrualDayPage>(std::string last_id)>;
awaitable<std::vector<DayAccrual>> walk_accruals_by_day(const AccrualDayPageFetch& fetch,
                                                        const std::function<void(int pages)>& check_pages = {});

}  // namespace ozw::ozon
