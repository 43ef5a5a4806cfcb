#pragma once
// The sandbox: an emulator of the Ozon Seller API (2026 method versions), an InSales shop and the
// Telegram Bot API, on ONE loopback listener, driven by a scenario (sandbox/scenario.hpp) and a
// virtual clock. Tests and `ozonwatch demo` / `ozonwatch sandbox` use it.
//
// One listener, distinct paths (base_url() is the base for all three services):
//   Ozon      POST /v4/posting/fbs/list, /v4/posting/fbs/unfulfilled/list, /v3/posting/fbs/get,
//             /v1/returns/list, /v2/returns/rfbs/list, /v2/returns/rfbs/get,
//             /v1/returns/company/fbs/info,
//             /v1/finance/accrual/{postings,by-day,types}, /v1/finance/cash-flow-statement/list,
//             /v4/product/info/stocks, /v2/product/info/stocks-by-warehouse/fbs,
//             /v2/review/list, /v3/chat/list, /v1/roles, /v2/warehouse/list
//             (headers Client-Id + Api-Key; retired methods -- the table in
//             common/ozon/retired.hpp, among them /v3/finance/transaction/list and /totals,
//             switched off 08.09.2026 -- answer 404 {"code":5,"message":"Method <path> is
//             obsolete and has been switched off, use <replacement>"} and are recorded in
//             retired_calls()).
//   Finance (accruals from the scenario's `accruals`, see demo.yaml's FORMAT):
//     accrual/types     ~30 types (id, Russian name, description), the same ids the other
//                       methods serve; scenario shortcuts are the types' keys.
//     accrual/postings  1..200 posting_numbers (400 "posting_numbers: at most 200 values"
//                       beyond); per posting its visible accrual lines {accrual_date (Moscow
//                       day), accrued, quantity, seller_price, sku, type_id}.
//     accrual/by-day    one `date` (Moscow day) per request, `last_id` required ("" first);
//                       100 accruals a page in accrual_id order, each in its category:
//                       POSTING (posting.products[].commission + delivery.services), ITEM
//                       (item_fees), NON_ITEM (non_item_fee), CONTAINER_FEES (container_fees).
//                       last_id lives 15 minutes of VIRTUAL time from the answer that gave it;
//                       an older one answers 400 {"code":3,"message":"last_id expired",
//                       "details":[]} (restart the date with last_id ""); a last_id of another
//                       date 400 "last_id: pass the date of the previous request".
//     cash-flow-statement/list  date{from,to}*, page* (from 1), page_size*, with_details:
//                       every payout period (1st-15th, 16th-end, Moscow time; begin 00:00 MSK,
//                       end 23:59:59 MSK, id 20261101 / 20261116) from the scenario's first one
//                       up to the current one that overlaps [from, to], oldest first.
//                       cash_flows[]: orders_amount (sales), returns_amount (refunds),
//                       commission_amount (commission incl. refunded commission),
//                       services_amount, item_delivery_and_return_amount; all signed as
//                       accrued (charges negative), plain numbers in RUB. details[] (only with
//                       with_details; an ARRAY, one per period on the page, as the schema says
//                       -- the spec's example shows one object): balances, delivery/return with
//                       service items by Ozon operation name, services, others (acquiring,
//                       corrections, compensations), invoice_transfer = the period's net
//                       accruals, payments[] = what was paid FOR the period: empty until the
//                       payout's paid_at has passed (the spec has no payment date), and always
//                       for a period the scenario marks unpaid. page_count in `result` (schema)
//                       and at the top level (the spec's example).
//     Late accruals (`appears_at`/`late`) are invisible to all four methods before their time.
//   Stocks    /v4/product/info/stocks: per product a `fbs` row (the FBS warehouses' figures
//             summed), an `rfbs` row (warehouses with is_rfbs) and an `fbo` row, each only when
//             the product has figures there.
//             /v2/product/info/stocks-by-warehouse/fbs (no schema in the spec; NOTES.md):
//             request `sku[]` OR `offer_id[]` (1..1000 values; none, both or more than 1000:
//             400), `limit` 1..1000 (default 1000), `cursor`; answer {"stocks": [{sku, offer_id,
//             product_id, warehouse_id, warehouse_name, present, reserved, free_stock}],
//             "cursor", "has_next"}: one row per product and FBS/rFBS warehouse, products in
//             scenario order, free_stock = present - reserved (not below 0).
//   InSales   GET /admin/products.json?page=&per_page=, GET /admin/products/count.json
//             (Basic auth; InSales base URL = base_url()). A variant's quantity may be null
//             (and quantity_at_warehouse0 with it): stock not tracked.
//   1C        not a service: write_onec_offers() (sandbox/onec.hpp, or the Sandbox method)
//             writes the scenario's `onec` as a CommerceML 2.10 offers.xml and sets its mtime.
//   Telegram  POST /bot<token>/sendMessage, /bot<token>/sendPhoto, /bot<token>/sendMediaGroup,
//             /bot<token>/getUpdates, /bot<token>/getMe
//             (Telegram api_base = base_url()). Photos are taken by URL and never fetched; a
//             photo URL containing "unreachable" stands for one Telegram cannot download:
//             sendPhoto and sendMediaGroup answer 400 "Bad Request: failed to get HTTP URL
//             content". Captions are checked like texts (HTML, at most 1024 visible characters).
//   Admin     /__sandbox/... (JSON; see the list below `class Sandbox`).
//
// Threading: start() runs the server on the sandbox's own thread and io_context, so tests use
// it from plain synchronous code. Every public method is thread-safe.
//
// Virtual clock: starts at Scenario::start, moves only through advance()/set_time() (or the
// admin API). Timed scenario events are applied, in order, when the clock passes them.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "sandbox/scenario.hpp"

namespace ozw::sandbox {

enum class FaultKind {
    rate_limit,        // Ozon 429 "You have reached request rate limit per second" + Retry-After,
                       // Telegram 429 "Too Many Requests: retry after N", InSales 429 empty body
    circle_open,       // Ozon 429 {"code":8,"message":"Circle is open"} (blocked for minutes)
    circle_open_text,  // Ozon `status` (default 500; 429 and 503 seen) with the plain-text body
                       // "Circle is open" (text/plain) + Retry-After
    server_error,      // `status` (default 500) with an Ozon-style error body
    delay,             // answer normally but only after `delay` of REAL time (beyond a deadline)
    drop_connection,   // close the connection without any response
    truncated_json,    // 200, correct HTTP framing, body = the real JSON cut in half
    invalid_json,      // 200 with a body that is not JSON ("<html>...")
    cut_mid_body,      // headers announce the full length, half the body is sent, then close
    invalid_key,       // 401 "Invalid Api-Key, please check the key and try again"
    offer_not_signed,  // 403 "Offer not signed"
    empty_list,        // 200, the real answer with its list ("postings", "returns", "items", ...)
                       // emptied and has_next false: a partial answer to a full re-read
    bad_status,        // 200, the real answer with its first postings spoiled: status null,
                       // status a number, posting_number null (in that order)
};
std::string to_string(FaultKind k);
std::optional<FaultKind> fault_kind_from_string(const std::string& s);

struct FaultSpec {
    // Request path the fault applies to; '*' matches any run of characters:
    // "/v4/posting/fbs/list", "/v*" (every Ozon method), "/bot*/sendMessage", "/admin/*", "*".
    std::string path = "*";
    FaultKind kind = FaultKind::server_error;
    int times = 1;           // how many requests it hits; <= 0 = until cleared
    int retry_after_s = 1;   // rate_limit / circle_open(_text): Retry-After header (and Telegram body)
    int status = 500;        // server_error, circle_open_text
    Millis delay{60000};     // delay
};

struct RecordedRequest {
    std::uint64_t seq = 0;        // real arrival order, from 1
    TimePoint virtual_time{};     // the sandbox clock when it arrived
    std::string service;          // "ozon", "insales", "telegram", "admin", "unknown"
    std::string method;           // "POST"
    std::string path;             // "/v4/posting/fbs/list" (for Telegram: token replaced by "<token>")
    std::string query;
    std::string client_id;        // Ozon Client-Id header, if any
    std::string body;
    int status = 0;               // what the sandbox answered (0 for a dropped connection)
    std::string fault;            // injected fault name, empty if none
};

struct TelegramMessage {
    std::uint64_t seq = 0;        // order among Telegram requests
    TimePoint virtual_time{};
    std::string method;           // "sendMessage", "sendPhoto", "sendMediaGroup", "getUpdates", "getMe"
    std::string token;
    std::string chat_id;          // as sent, numbers rendered as decimal text
    std::string text;             // sendMessage text; sendPhoto: caption; sendMediaGroup: first caption
    std::vector<std::string> media;  // sendPhoto: the photo; sendMediaGroup: each item's media, in order
    std::string parse_mode;
    std::optional<std::int64_t> message_thread_id;
    bool disable_notification = false;
    nlohmann::json reply_markup;  // null when absent
    nlohmann::json body;          // the whole request body
    bool ok = false;              // true if the sandbox answered ok:true
    int error_code = 0;
    std::string description;      // error description when !ok
    std::int64_t message_id = 0;  // assigned when ok
};

struct TlsFiles {
    std::string cert_file;  // PEM
    std::string key_file;   // PEM
};

class Sandbox {
public:
    explicit Sandbox(Scenario scenario);
    ~Sandbox();  // stops
    Sandbox(const Sandbox&) = delete;
    Sandbox& operator=(const Sandbox&) = delete;

    static Scenario load_scenario(const std::string& path) { return load_scenario_file(path); }

    // Binds (port 0 = any free port) and serves on an own thread; throws on bind/TLS errors.
    void start(const std::string& listen = "127.0.0.1:0", std::optional<TlsFiles> tls = {});
    void stop();
    std::string base_url() const;   // "http://127.0.0.1:41234" (https when TLS)
    unsigned short port() const;

    // Virtual clock.
    TimePoint now() const;
    void advance(Millis d);         // applies timed events passed
    void set_time(TimePoint t);     // may go backwards (events already applied stay applied)
    // A Clock view of the virtual clock (lives as long as the Sandbox).
    const Clock& clock() const;

    // Records.
    std::vector<RecordedRequest> request_log() const;
    std::vector<RecordedRequest> retired_calls() const;  // calls to switched-off Ozon methods
    std::vector<TelegramMessage> telegram_messages() const;  // every Telegram request
    void clear_logs();

    // Faults.
    void inject_fault(FaultSpec f);
    void clear_faults();

    // State mutation (all thread-safe; visible to the next request).
    bool set_posting_status(const std::string& posting_number, const std::string& status,
                            const std::string& substatus = "");  // false if unknown
    void add_posting(Posting p);
    void add_return(Return r);  // kept sorted by id
    // A return's visual status changes now (as the scenario event return_status); false if the
    // id is unknown.
    bool set_return_status(std::int64_t id, const ReturnStatusChange& change);
    // An rFBS request's state changes (as the event rfbs_state: give state_name/group_state or
    // take rfbs_state_info's); false if the return_id is unknown.
    bool set_rfbs_state(std::int64_t return_id, const RfbsStateChange& change);
    void add_review(Review r);
    bool set_stock(const std::string& offer_id, std::int64_t warehouse_id, int present,
                   int reserved = 0);
    bool set_chat_unread(const std::string& chat_id, int unread);
    // nullopt: the variant's quantity becomes null (stock not tracked).
    bool set_insales_quantity(const std::string& sku, std::optional<int> quantity);
    // 1C (a file, see sandbox/onec.hpp): an offer's total changes (all of it on the first 1C
    // warehouse); `mtime` also moves the file time the next write uses. False if unknown.
    bool set_onec_quantity(const std::string& article, int quantity, std::optional<TimePoint> mtime = {});
    // Writes the current 1C data as offers.xml to `file` with modification time `mtime`
    // (default: the scenario's onec.mtime). Throws std::runtime_error without an `onec` section.
    void write_onec_offers(const std::filesystem::path& file, std::optional<TimePoint> mtime = {}) const;
    // Anything else: runs `fn` on the scenario under the lock.
    void mutate(const std::function<void(Scenario&)>& fn);
    Scenario snapshot() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Admin API (JSON bodies; answers {"ok":true,...} or 400 {"ok":false,"error":"..."}):
//   GET  /__sandbox/clock                      -> {"now":"2026-11-26T04:00:00Z"}
//   POST /__sandbox/clock/advance  {"by":"2h"} or {"ms":7200000}
//   POST /__sandbox/clock/set      {"time":"2026-11-26T14:00:00Z"}
//   POST /__sandbox/faults         {"path":"/v4/posting/fbs/list","kind":"rate_limit","times":2,
//                                   "retry_after_s":3,"status":503,"delay_ms":60000}
//   DELETE /__sandbox/faults  (or POST /__sandbox/faults/clear)
//   POST /__sandbox/postings/status {"posting_number":"...","status":"delivering","substatus":""}
//   POST /__sandbox/postings  {"yaml": "<one posting in scenario form>"} (also /returns, /reviews)
//   POST /__sandbox/returns/status {"id":1000015001,"status":"Approved","status_display":""}
//   POST /__sandbox/rfbs/state {"return_id":8000000101,"state":"APPROVED","state_name":"",
//                               "group_state":""}
//   POST /__sandbox/stocks    {"offer_id":"...","warehouse_id":1,"present":5,"reserved":0}
//   POST /__sandbox/onec/write {"path":"/tmp/offers.xml","mtime":"2026-11-26T02:00:00Z"}
//                               (mtime optional: the scenario's onec.mtime)
//   GET  /__sandbox/telegram/messages, GET /__sandbox/requests, GET /__sandbox/retired
//   POST /__sandbox/logs/clear

}  // namespace ozw::sandbox
