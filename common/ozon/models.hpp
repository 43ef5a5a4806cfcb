#pragma once
// Typed models of the Ozon Seller API methods ozonwatch uses, in their 2026 versions
// (see ../shared/ozon-seller-api/NOTES.md). Only the fields the watches need are kept.
//
// Parsing is tolerant because Ozon's answers do not always follow the schema:
// - money may be a number, a numeric string ("1390.000000") or {amount, currency} /
//   {price, currency_code} / {value, currency_code}; all become Money, exactly (Decimal: the
//   text of the number is read, never a double, except for a number written with an exponent);
// - ids and counters may come as strings ("1000015552"); booleans as "true"/"false";
// - "" or null dates become nullopt; null objects become empty/nullopt;
// - unknown enum values are kept as the raw string; unknown fields are ignored.
// A known field with an unexpected type is a "schema surprise": it is logged once per
// (method, field) per process and the field keeps its default.
//
// The parse_* functions take the raw response body. They throw ParseError (common/ozon/errors.hpp)
// for a body that is not JSON, is nested too deeply, is over the size limit or whose top-level
// shape is wrong; they never crash on hostile input.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/decimal.hpp"

namespace ozw::ozon {

using OptTime = std::optional<TimePoint>;

// Exact (issue 12: no floating point in any sum). A value that is not a usable amount (null,
// "", garbage, beyond Decimal::kMaxUnits) reads as zero; all but null and "" are schema
// surprises.
struct Money {
    Decimal amount;
    std::string currency;  // "RUB"; empty when Ozon did not say
    bool operator==(const Money&) const = default;
};

// ---------------------------------------------------------------- postings (FBS)

// Known FBS statuses. The raw string is always kept in Posting::status; `unknown` means Ozon
// sent a value this build does not know.
enum class PostingStatus {
    unknown,
    awaiting_registration,
    acceptance_in_progress,
    awaiting_approve,
    awaiting_packaging,
    awaiting_deliver,
    awaiting_verification,
    arbitration,
    client_arbitration,
    delivering,
    driver_pickup,
    delivered,
    cancelled,
    cancelled_from_split_pending,
    not_accepted,
    sent_by_seller,
};
PostingStatus parse_posting_status(std::string_view s);
const char* to_string(PostingStatus s);  // "unknown" for unknown

struct Cancellation {
    std::string initiator;  // cancellation_initiator: "Продавец", "Покупатель", "Ozon", ...
    std::string type;       // cancellation_type: seller|client|customer|ozon|system|delivery
    std::string reason;     // cancel_reason
    long long reason_id = 0;
    bool affect_rating = false;  // affect_cancellation_rating
    bool after_ship = false;     // cancelled_after_ship
    // Ozon sends an all-empty cancellation object for postings that were not cancelled.
    bool empty() const { return initiator.empty() && type.empty() && reason.empty() && reason_id == 0; }
};

struct PostingProduct {
    long long sku = 0;
    std::string offer_id;
    std::string name;
    int quantity = 0;
    Money price;  // v4 {amount, currency}; v3 string price + currency_code
};

struct FinancialProduct {
    long long product_id = 0;  // = SKU
    int quantity = 0;
    double payout = 0.0;
    Money price;           // v4 plain number; currency from customer_price when missing
    Money customer_price;  // {amount, currency}
    Money commission;      // v4 commission{amount, currency}; v3 commission_amount
    double commission_percent = 0.0;
    double old_price = 0.0;
};

struct FinancialData {
    std::string cluster_from;
    std::string cluster_to;
    std::vector<FinancialProduct> products;
};

struct DeliveryMethod {
    long long id = 0;
    std::string name;
    long long warehouse_id = 0;
    std::string warehouse;
    std::string tpl_provider;
};

// One step of the posting's logistics tariff schedule (`tariffication_steps[]`, same shape in
// v4 list/unfulfilled and v3 get): discount steps until shipment_date, surcharge steps after.
struct TariffStep {
    std::string type;               // tariff_type: "discount", "no_discount", "commission",
                                    // "surcharge", ... (unknown values kept)
    double rate = 0.0;              // tariff_rate (Ozon sends e.g. 2 for 2 %)
    std::optional<Money> charge;    // tariff_charge {amount, currency}; nullopt when null/""
    std::optional<Money> min_charge;  // min_charge; nullopt when null/""
    // tariff_deadline_at: the step applies until this instant. nullopt = open-ended (the last
    // step; Ozon sends "9999-12-31T23:59:59.999999900Z").
    OptTime deadline_at;
};

// The posting's tariff now and next (`tariffication`). v4 list/unfulfilled send money as
// {amount, currency} objects; v3 get sends strings ("50", "" for none) with
// *_charge_currency_code. Both parse into this. A "" or null charge is nullopt.
struct Tariffication {
    std::string current_tariff_type;  // "discount", "no_discount", "commission", "surcharge", ...
    double current_tariff_rate = 0.0;
    std::optional<Money> current_tariff_charge;
    std::optional<Money> current_tariff_min_charge;  // v4 only
    std::string next_tariff_type;     // "" when there is no next step
    double next_tariff_rate = 0.0;
    std::optional<Money> next_tariff_charge;
    std::optional<Money> next_tariff_min_charge;     // v4 only
    OptTime next_tariff_starts_at;    // when the next tariff applies; nullopt = none
    std::vector<TariffStep> steps;    // `tariffication_steps` (sibling field in Ozon's JSON)

    // Nothing stated: no types, rates, charges, next time or steps.
    bool empty() const;
};

struct Posting {
    std::string posting_number;
    std::string order_number;
    long long order_id = 0;
    std::string status;  // raw value, e.g. "awaiting_packaging" (unknown values kept)
    std::string substatus;
    std::string previous_substatus;  // v3 get only
    OptTime in_process_at;
    // Ship-by times (2026): shipment_date is Ozon's RECOMMENDED time (a higher tariff applies
    // after it); shipment_date_without_delay is when the posting becomes overdue (later).
    OptTime shipment_date;
    OptTime shipment_date_without_delay;
    OptTime delivering_date;  // hand-over time
    OptTime pickup_code_verified_at;
    OptTime fact_delivery_date;  // v3 get only
    std::optional<Cancellation> cancellation;  // nullopt when absent/null or all-empty
    std::vector<PostingProduct> products;
    std::optional<FinancialData> financial_data;
    // `tariffication` + `tariffication_steps`; nullopt when both are absent, null or empty.
    std::optional<Tariffication> tariffication;
    DeliveryMethod delivery_method;
    std::string tracking_number;
    std::string delivery_schema;
    std::string tpl_integration_type;
    std::vector<std::string> available_actions;
    bool is_express = false;
    bool is_multibox = false;

    PostingStatus status_enum() const { return parse_posting_status(status); }
};

struct PostingPage {
    std::vector<Posting> postings;
    std::string cursor;
    bool has_next = false;
    std::optional<long long> count;  // unfulfilled list only
};

// ---------------------------------------------------------------- returns

struct ReturnProduct {
    long long sku = 0;
    std::string offer_id;
    std::string name;
    int quantity = 0;
    Money price;
    Money price_without_commission;
    Money commission;
    double commission_percent = 0.0;
};

struct ReturnVisualStatus {
    int id = 0;
    std::string display_name;  // Russian text for people
    std::string sys_name;      // OnSellerApproval, DisputeOpened, ArrivedAtReturnPlace, ...
};

struct ReturnLogistic {
    std::string barcode;
    OptTime return_date;
    OptTime final_moment;
    OptTime technical_return_moment;
    OptTime cancelled_with_compensation_moment;
};

struct ReturnStorage {
    long long days = 0;
    OptTime arrived_moment;
    OptTime tariffication_first_date;
    OptTime tariffication_start_date;  // paid storage starts
    OptTime utilization_forecast_date;
    Money sum;
    Money utilization_sum;
};

struct ReturnPlace {
    long long id = 0;
    std::string name;
    std::string address;
};

struct Return {
    long long id = 0;
    long long source_id = 0;
    std::string type;    // Cancellation | FullReturn | PartialReturn | ClientReturn | Unknown | ...
    std::string schema;  // FBS | FBO (case as sent: "Fbs")
    std::string posting_number;
    std::string order_number;
    long long order_id = 0;
    ReturnProduct product;
    std::string return_reason_name;
    ReturnVisualStatus visual_status;
    OptTime visual_change_moment;
    ReturnLogistic logistic;
    ReturnStorage storage;
    std::optional<ReturnPlace> place;         // where it is now
    std::optional<ReturnPlace> target_place;  // where it goes
    std::string compensation_status;          // compensation_status.status.sys_name
    bool is_opened = false;
};

struct ReturnPage {
    std::vector<Return> returns;
    bool has_next = false;
    long long last_id() const { return returns.empty() ? 0 : returns.back().id; }
};

// Drop-off points where FBS returns wait for the seller (/v1/returns/company/fbs/info).
struct ReturnDropOffPoint {
    long long id = 0;
    std::string name;
    std::string address;
    long long place_id = 0;  // the warehouse the shipment goes to
    int returns_count = 0;
    int box_count = 0;
    bool pass_required = false;  // pass_info.is_required
    int pass_count = 0;          // pass_info.count
    std::string utc_offset;
    std::vector<std::string> warehouse_ids;  // the seller's warehouses (int64 sent as text)
};

struct ReturnDropOffPage {
    std::vector<ReturnDropOffPoint> points;
    bool has_next = false;
    long long last_id() const { return points.empty() ? 0 : points.back().id; }
};

// rFBS return requests (/v2/returns/rfbs/list and /get).
struct RfbsReturn {
    long long id = 0;        // return_id
    std::string number;      // return_number
    std::string posting_number;
    std::string order_number;
    OptTime created_at;
    long long sku = 0;
    std::string offer_id;
    std::string product_name;
    Money price;
    std::string state;        // e.g. ON_APPROVAL
    std::string state_name;   // Russian text
    std::string group_state;  // New | Delivering | Checkout | Arbitration | Approved | Rejected
    std::string money_return_state_name;
    // /v2/returns/rfbs/get only:
    std::string client_comment;
    std::vector<std::string> client_photos;
    std::string return_reason;
    std::string rejection_comment;
    // What the seller can do now (available_actions[].name: «Одобрить», «Отклонить», ...);
    // empty once the request is decided.
    std::vector<std::string> available_actions;
};

struct RfbsReturnPage {
    std::vector<RfbsReturn> returns;
    long long last_id() const { return returns.empty() ? 0 : returns.back().id; }
};

// ---------------------------------------------------------------- finance (accruals)

struct PostingAccrual {
    std::string accrual_date;  // YYYY-MM-DD
    int type_id = 0;
    Money accrued;  // may be negative
    std::optional<int> quantity;
    std::optional<Money> seller_price;
    std::optional<long long> sku;
};

struct PostingAccruals {
    std::string posting_number;
    std::vector<PostingAccrual> accruals;
};

struct AccrualFee {
    int type_id = 0;
    Money accrued;
    std::optional<long long> sku;  // item fees only
};

struct DayAccrualProduct {
    long long sku = 0;
    Money sale_amount;
    Money sale_price;
    Money sale_commission;
    Money commission;
    Money seller_price;
    std::string commission_ratio;
    Money delivery_total;
};

struct DayAccrual {
    long long accrual_id = 0;
    std::string category;  // UNSPECIFIED | POSTING | ITEM | NON_ITEM | CONTAINER_FEES (raw)
    std::string date;      // YYYY-MM-DD
    std::string unit_number;  // posting number or e.g. an advertising contract number
    Money total_amount;
    std::vector<AccrualFee> fees;  // container, item, non-item fees and delivery services, flattened
    std::string delivery_schema;   // posting accruals only
    std::vector<DayAccrualProduct> products;  // posting accruals only
};

struct AccrualDayPage {
    std::vector<DayAccrual> accruals;
    std::string last_id;  // empty = no more; lives 15 minutes
};

struct AccrualType {
    int id = 0;
    std::string name;
    std::string description;
};

// ---------------------------------------------------------------- finance (cash-flow statement)
// /v1/finance/cash-flow-statement/list (Финансовый отчёт, "Финансы → Баланс" in the cabinet):
// per payout period (the 1st-15th and the 16th-end of a month). Every amount is exact; Ozon
// sends plain numbers (strings and money objects are read too, see Money).

struct CashFlowPeriod {
    long long id = 0;
    OptTime begin;
    OptTime end;
};

// cash_flows[]: one row per period, in the row's currency_code.
struct CashFlow {
    CashFlowPeriod period;
    Money orders_amount;                    // sold, commissions included
    Money returns_amount;                   // returns and cancellations (negative)
    Money commission_amount;
    Money services_amount;
    Money item_delivery_and_return_amount;  // logistics of items and returns
    std::string currency_code;              // also the currency of the Moneys above
};

// {name, price}: one operation of a detail group (name: an Ozon operation code such as
// MarketplaceServiceItemDirectFlowLogistic, unknown ones kept).
struct CashFlowItem {
    std::string name;
    Money price;
};

// {total, items[]} (delivery_services, return_services, services, others).
struct CashFlowItems {
    Money total;
    std::vector<CashFlowItem> items;
};

// details (with_details only). The answer names no currency here except in payments[], so the
// other Moneys carry an empty currency.
struct CashFlowDetails {
    CashFlowPeriod period;
    Money begin_balance;     // begin_balance_amount
    Money end_balance;       // end_balance_amount
    Money invoice_transfer;  // to be paid for the period
    Money loan;              // transfers under loan agreements
    std::vector<Money> payments;  // payments[]{payment, currency_code}: paid out in the period
    // delivery{total, amount, delivery_services}: orders
    Money delivery_total;
    Money delivery_amount;  // sold, commissions included
    CashFlowItems delivery_services;
    // return{total, amount, return_services}: returns and cancellations
    Money return_total;
    Money return_amount;
    CashFlowItems return_services;
    // rfbs{...}: rFBS transfers
    Money rfbs_total;
    Money rfbs_transfer_delivery;
    Money rfbs_transfer_delivery_return;
    Money rfbs_compensation_delivery_return;
    Money rfbs_partial_compensation;
    Money rfbs_partial_compensation_return;
    CashFlowItems services;  // services (promotion, stencils, ...)
    CashFlowItems others;    // compensations and other accruals
};

struct CashFlowStatementPage {
    std::vector<CashFlow> cash_flows;
    // The spec types `details` as an array of objects, its example sends one object: both are
    // read (an object as one element).
    std::vector<CashFlowDetails> details;
    // Pages of reports (result.page_count in the schema, a top-level page_count in the
    // example: either); 0 when not said.
    long long page_count = 0;
};

// ---------------------------------------------------------------- stocks

struct Stock {
    std::string type;  // fbs | rfbs | fbo | fbp (raw)
    long long present = 0;
    long long reserved = 0;
    long long sku = 0;
    std::string shipment_type;
    std::vector<long long> warehouse_ids;  // deprecated by Ozon; may be empty
};

struct StockItem {
    long long product_id = 0;
    std::string offer_id;
    std::vector<Stock> stocks;
};

struct StockPage {
    std::vector<StockItem> items;
    std::string cursor;
    long long total_items = 0;  // NOT the deprecated `total`
};

// /v2/product/info/stocks-by-warehouse/fbs: one row per article and FBS warehouse (NOTES.md;
// the spec has no schema for it: the rows are read from `stocks`, `result` or `items`).
struct WarehouseStock {
    long long sku = 0;
    std::string offer_id;
    long long product_id = 0;
    long long warehouse_id = 0;
    std::string warehouse_name;
    long long present = 0;
    long long reserved = 0;
    std::optional<long long> free_stock;  // present - reserved when Ozon does not say
    long long free() const { return free_stock ? *free_stock : present - reserved; }
};

struct WarehouseStockPage {
    std::vector<WarehouseStock> stocks;
    std::string cursor;
    bool has_next = false;
};

// ---------------------------------------------------------------- reviews

struct Review {
    std::string id;
    long long sku = 0;
    std::string text;
    int rating = 0;
    std::string status;        // NEW | VIEWED | PROCESSED (raw)
    std::string order_status;  // DELIVERED | CANCELLED (raw)
    OptTime published_at;
    int comments_amount = 0;
    int photos_amount = 0;
    int videos_amount = 0;
    bool is_rating_participant = false;
};

struct ReviewPage {
    std::vector<Review> reviews;
    std::string last_id;
    bool has_next = false;
};

// ---------------------------------------------------------------- chats

struct Chat {
    std::string chat_id;
    std::string type;    // BUYER_SELLER, SELLER_SUPPORT, ... (raw)
    std::string status;  // OPENED | CLOSED | UNSPECIFIED (raw)
    OptTime created_at;
    long long unread_count = 0;
    std::string first_unread_message_id;  // uint64 as text
    std::string last_message_id;          // uint64 as text
};

struct ChatPage {
    std::vector<Chat> chats;
    std::string cursor;
    bool has_next = false;
    long long total_unread_count = 0;
};

// ---------------------------------------------------------------- account

struct Role {
    std::string name;
    std::vector<std::string> methods;
};

struct KeyInfo {
    OptTime expires_at;
    std::vector<Role> roles;
};

struct Warehouse {
    long long warehouse_id = 0;
    std::string name;
    std::string status;  // created | disabled | blocked | ... (raw)
    bool is_rfbs = false;
    bool is_express = false;
    bool is_kgt = false;
    long long cut_in_time = 0;  // minutes
    int postings_limit = -1;
    OptTime pause_at;
    std::string first_mile_type;  // PICK_UP | DROP_OFF
    std::vector<std::string> working_days;  // MONDAY ...
};

struct WarehousePage {
    std::vector<Warehouse> warehouses;
    std::string cursor;
    bool has_next = false;
};

// ---------------------------------------------------------------- parsing (raw body -> model)

// Largest body the parsers accept (and the HTTP client reads for Ozon): bigger is an error.
inline constexpr std::size_t kMaxBodyBytes = 64u * 1024u * 1024u;
// Deepest JSON nesting the parsers accept; Ozon's real answers stay under 10.
inline constexpr int kMaxJsonDepth = 64;

PostingPage parse_posting_list(std::string_view body);         // /v4/posting/fbs/list
PostingPage parse_unfulfilled_list(std::string_view body);     // /v4/posting/fbs/unfulfilled/list
Posting parse_posting_get(std::string_view body);              // /v3/posting/fbs/get
ReturnPage parse_returns_list(std::string_view body);          // /v1/returns/list
RfbsReturnPage parse_rfbs_returns_list(std::string_view body); // /v2/returns/rfbs/list
ReturnDropOffPage parse_return_dropoff_points(std::string_view body);  // /v1/returns/company/fbs/info
RfbsReturn parse_rfbs_return_get(std::string_view body);       // /v2/returns/rfbs/get
std::vector<PostingAccruals> parse_accrual_postings(std::string_view body);  // /v1/finance/accrual/postings
AccrualDayPage parse_accrual_by_day(std::string_view body);    // /v1/finance/accrual/by-day
std::vector<AccrualType> parse_accrual_types(std::string_view body);  // /v1/finance/accrual/types
CashFlowStatementPage parse_cash_flow_statement(std::string_view body);  // /v1/finance/cash-flow-statement/list
StockPage parse_stocks(std::string_view body);                 // /v4/product/info/stocks
WarehouseStockPage parse_stocks_by_warehouse(std::string_view body);  // /v2/.../stocks-by-warehouse/fbs
ReviewPage parse_reviews(std::string_view body);               // /v2/review/list
ChatPage parse_chats(std::string_view body);                   // /v3/chat/list
KeyInfo parse_roles(std::string_view body);                    // /v1/roles
WarehousePage parse_warehouses(std::string_view body);         // /v2/warehouse/list

// Schema surprises seen by this process so far (each counted once per (method, field)).
std::size_t schema_surprise_count();
// Forget the surprises seen (tests only), so a test can assert one warning per field.
void reset_schema_surprises();

}  // namespace ozw::ozon
