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
//   Push      the sandbox as Ozon's push sender (spec: push_types, push_start; bodies built by
//             sandbox/push_bodies.hpp): while a target URL is set (set_push_target, POST
//             /__sandbox/push/target, `ozonwatch sandbox --push-url`) each change of the
//             emulated shop that Ozon pushes is POSTed there as JSON, in the order the changes
//             happen (scenario events, the state mutation methods, the admin API):
//               posting appears (add_posting, event add_posting, POST /__sandbox/postings)
//                                           -> TYPE_NEW_POSTING
//               status changes              -> TYPE_STATE_CHANGED, new_state = the push-model
//                                              state of the spec's table (the substatus when it
//                                              is one of the status's push states, else the
//                                              status's first one: awaiting_packaging ->
//                                              posting_created, delivered -> posting_delivered)
//               status becomes cancelled    -> TYPE_POSTING_CANCELLED (old_state, new_state
//                                              posting_canceled, reason {id, message})
//               ship-by time moves (set_posting_cutoff, event set_cutoff, POST
//                 /__sandbox/postings/cutoff)   -> TYPE_CUTOFF_DATE_CHANGED
//               FBS stock figure changes (set_stock, event set_stock, POST /__sandbox/stocks)
//                                           -> TYPE_STOCKS_CHANGED (that product, that warehouse)
//               chat unread count rises (set_chat_unread, event chat_unread)
//                                           -> one TYPE_NEW_MESSAGE per new message
//               the scenario's push.ping_every passes -> TYPE_PING
//             Not pushed (Ozon has no push type or the change is no change): returns, rFBS
//             requests, reviews, InSales, 1C, a status set to itself, a read chat, mutate().
//             seller_id = the client id of the scenario's push.account (default: the first
//             account), a JSON number when it is all digits, in chat types a string (spec).
//             Sending is asynchronous on the sandbox's thread: up to max_in_flight requests at
//             once (keep-alive connections reused), but never two of one posting / chat / SKU
//             at a time, so one posting's pushes arrive in order. Each attempt has `timeout`
//             as its deadline (connect + write + read); an answer other than 200 or a transport
//             error is retried after retry_delay (real time) up to max_attempts, as Ozon does.
//             http:// only. push_log() records every push; wait_pushes_done() waits for them.
//             stop() ends deliveries at once (error "sandbox stopped").
//
// Threading: start() runs the server on the sandbox's own thread and io_context, so tests use
// it from plain synchronous code. Every public method is thread-safe.
//
// Virtual clock: starts at Scenario::start, moves only through advance()/set_time() (or the
// admin API). Timed scenario events are applied, in order, when the clock passes them.
#include <nlohmann/json.hpp>

#include <chrono>
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
    std::chrono::steady_clock::time_point received_at{};  // real arrival time (latency benchmarks)
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
    std::chrono::steady_clock::time_point received_at{};  // real arrival time (latency benchmarks)
};

// Where the sandbox sends push notifications (Sandbox::set_push_target).
struct PushTarget {
    std::string url;               // "http://127.0.0.1:PORT/ozon/push" (http only)
    Millis timeout{5000};          // per attempt, covering connect + write + read
    int max_attempts = 3;          // a non-200 answer or a transport error is retried up to this
    Millis retry_delay{200};       // REAL time between attempts
    std::size_t max_in_flight = 16;  // pushes being delivered at once (retry waits included)
};

// One push, as the sandbox queued and delivered it (Sandbox::push_log).
struct SentPush {
    std::uint64_t seq = 0;           // queue order, from 1
    std::string message_type;        // the body's message_type
    std::string posting_number;      // the body's posting_number, if any
    nlohmann::json body;
    TimePoint virtual_time{};        // the sandbox clock when it was queued
    std::chrono::steady_clock::time_point queued_at{};
    std::chrono::steady_clock::time_point sent_at{};      // first attempt began ({} = never sent)
    std::chrono::steady_clock::time_point answered_at{};  // final answer, give-up or drop
    int status = 0;                  // final HTTP status, 0 = none (transport error, dropped)
    std::string answer;              // the final answer's body
    int attempts = 0;
    bool done = false;               // answered 200, given up, or dropped
    std::string error;               // empty when answered 200: "HTTP 500", "timeout: ...",
                                     // "dropped: push target cleared", "no push target set", ...
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
    // A posting's ship-by time (shipment_date, what /v3/posting/fbs/get, /v4/posting/fbs/list
    // and /v4/posting/fbs/unfulfilled/list serve and the cutoff filters use) moves to
    // `new_cutoff`; an explicit shipment_date_without_delay moves by as much (the default one
    // follows anyway). Pushes TYPE_CUTOFF_DATE_CHANGED when it moved. False if unknown.
    bool set_posting_cutoff(const std::string& posting_number, TimePoint new_cutoff);
    // Anything else: runs `fn` on the scenario under the lock (no pushes).
    void mutate(const std::function<void(Scenario&)>& fn);
    Scenario snapshot() const;

    // Push notifications (see "Push" at the top). Throws std::invalid_argument for a URL that
    // is not http://host:port/path or limits below 1. nullopt = stop sending: pushes not yet
    // being delivered are dropped (logged with error "dropped: push target cleared"), one being
    // delivered ends after its current attempt.
    using PushTarget = ozw::sandbox::PushTarget;
    using SentPush = ozw::sandbox::SentPush;
    void set_push_target(std::optional<PushTarget> t);
    std::optional<PushTarget> push_target() const;
    // Queues one raw push now (never blocks on the receiver); returns its seq. Without a target
    // it is only logged (done, error "no push target set").
    std::uint64_t send_push(nlohmann::json body);
    // {"message_type":"TYPE_PING","time":<virtual now, whole seconds>}.
    std::uint64_t send_ping();
    std::vector<SentPush> push_log() const;
    // Blocks the caller until every queued push is done or `real_timeout` passes; true if all
    // are done.
    bool wait_pushes_done(Millis real_timeout) const;

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
//   POST /__sandbox/postings/cutoff {"posting_number":"...","cutoff":"2026-11-27T10:00:00Z"}
//   GET  /__sandbox/telegram/messages, GET /__sandbox/requests, GET /__sandbox/retired
//   POST /__sandbox/logs/clear  (not the push log)
//   POST /__sandbox/push/target {"url":"http://127.0.0.1:8080/ozon/push","timeout_ms":5000,
//                                "max_attempts":3,"retry_delay_ms":200,"max_in_flight":16}
//                                (only url required); DELETE clears it; GET -> {"target":{..}|null}
//   POST /__sandbox/push/send  {"body":{...}} -> {"ok":true,"seq":N}
//   POST /__sandbox/push/ping  -> {"ok":true,"seq":N}
//   POST /__sandbox/push/wait  {"timeout_ms":15000} -> {"ok":true,"done":true|false}: a long
//                                poll, answered once every queued push is done (or at the timeout)
//   GET  /__sandbox/push/log   -> {"pushes":[{seq, message_type, posting_number, body,
//                                 virtual_time, status, answer, attempts, done, error,
//                                 sent_after_ms, answered_after_ms (real ms since queued; null
//                                 when not yet)}]}

}  // namespace ozw::sandbox
