#pragma once
// The sandbox's world: what a scenario YAML file describes (format documented at the top of
// sandbox/scenarios/demo.yaml). Plain data; the Sandbox owns one and mutates it under its lock.
// Times are UTC instants on the sandbox's virtual clock.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.hpp"

namespace ozw::sandbox {

// Scenario loading failed; what() names the file, line:column and the offending key.
class ScenarioError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Account {
    std::string client_id;
    std::string api_key;
    TimePoint key_expires_at{};
    std::vector<std::string> roles;  // role names for /v1/roles
    bool review_subscription = true; // false -> /v2/review/list answers 403
    bool deactivated = false;        // true -> 401 "Api-key is deactivated..."
};

struct Warehouse {
    std::int64_t id = 0;
    std::string name;
    bool is_rfbs = false;
    std::string status = "created";  // created, disabled, blocked, ...
};

struct StockAtWarehouse {
    std::int64_t warehouse_id = 0;
    int present = 0;
    int reserved = 0;
};

struct Product {
    std::int64_t product_id = 0;
    std::int64_t sku = 0;
    std::string offer_id;
    std::string name;
    double price = 0;  // RUB
    std::vector<StockAtWarehouse> fbs;  // FBS stock per warehouse
    int fbo_present = 0;
    int fbo_reserved = 0;
};

struct PostingProduct {
    std::int64_t sku = 0;
    std::string offer_id;
    std::string name;
    int quantity = 1;
    double price = 0;  // RUB per item
};

struct StatusChange {
    TimePoint at{};
    std::string status;
    std::string substatus;
};

struct Cancellation {
    std::int64_t cancel_reason_id = 0;
    std::string cancel_reason;
    std::string cancellation_initiator;  // "Продавец", "Покупатель", "Ozon", ...
    std::string cancellation_type;       // "seller", "client", "ozon", ...
    bool affect_cancellation_rating = false;
    bool cancelled_after_ship = false;
};

// One step of a posting's logistics tariff schedule (served as `tariffication_steps[]` and,
// for the step in force, as `tariffication.current_*`). YAML: tariff_steps: [{type*, rate,
// charge, min_charge, until}].
struct TariffStep {
    std::string type;                   // "discount", "no_discount", "surcharge", "commission"
    double rate = 0;                    // percent (tariff_rate)
    std::optional<double> charge;       // RUB; default: rate % of the posting's total
    std::optional<double> min_charge;   // RUB; nullopt -> null
    std::optional<TimePoint> until;     // tariff_deadline_at: the step applies up to and
                                        // including `until`, the next one from until + 1 s;
                                        // nullopt = open-ended, allowed for the last step only
};

struct Posting {
    std::string posting_number;  // "0208245774-0029-1"
    std::int64_t order_id = 0;
    std::string order_number;    // defaults to posting_number without the last "-N"
    std::string status;          // awaiting_packaging, awaiting_deliver, delivering, ...
    std::string substatus;
    std::int64_t warehouse_id = 0;
    TimePoint in_process_at{};
    TimePoint shipment_date{};   // Ozon's recommended ship-by time (the tariff rises after it)
    // When the posting becomes overdue; nullopt = shipment_date + 24h (see without_delay()).
    std::optional<TimePoint> shipment_date_without_delay;
    // The tariff schedule; empty = default_tariff_steps().
    std::vector<TariffStep> tariff_steps;
    std::optional<TimePoint> delivering_date;
    std::optional<TimePoint> status_changed_at;  // defaults to the last history entry
    std::vector<StatusChange> history;
    std::optional<Cancellation> cancellation;
    std::vector<PostingProduct> products;
    std::string customer_name = "Покупатель";
    std::string city = "Москва";
    std::string tracking_number;
};

// FBS/FBO return (/v1/returns/list). Storage moves with the virtual clock (see return_storage()).
struct Return {
    std::int64_t id = 0;
    std::string type = "ClientReturn";  // Cancellation, FullReturn, PartialReturn, ClientReturn
    std::string schema = "Fbs";
    std::string posting_number;
    std::int64_t order_id = 0;
    std::string order_number;
    std::string status;                 // visual.status.sys_name, e.g. ArrivedAtReturnPlace
    std::string status_display;         // visual.status.display_name (default: return_status_display)
    TimePoint status_changed_at{};      // visual.change_moment (filter visual_status_change_moment)
    TimePoint created_at{};             // logistic.return_date (filter logistic_return_date)
    std::string return_reason_name;
    std::int64_t sku = 0;
    std::string offer_id;
    std::string product_name;
    double price = 0;
    int quantity = 1;
    std::int64_t place_id = 0;
    std::string place_name;
    std::optional<TimePoint> arrived_at;             // storage.arrived_moment
    std::optional<TimePoint> tariffication_start;    // storage.tariffication_start_date (and
                                                     // tariffication_first_date)
    std::optional<TimePoint> utilization_forecast;   // storage.utilization_forecast_date
    std::string barcode;
};

// Storage defaults (documented in demo.yaml's FORMAT): a return at the pickup point
// (ArrivedAtReturnPlace) without arrived_at arrived at its status change; paid storage starts
// kFreeStorageDays after the arrival, utilisation is forecast kUtilizationDays after it.
inline constexpr int kFreeStorageDays = 3;
inline constexpr int kUtilizationDays = 30;
void fill_storage_defaults(Return& r);

// What /v1/returns/list serves as `storage` at virtual time `now`:
//   days  = whole days from arrived_at to the end of storage (0 before the arrival), where the
//           end is `now` while the return waits at the pickup point (ArrivedAtReturnPlace) and
//           its status change (it left) otherwise;
//   sum   = daily_rate x each started day from tariffication_start to that end, daily_rate =
//           1 % of price x quantity, at least 10 RUB (0 before tariffication_start);
//   utilization_sum = 5 % of price x quantity, at least 50 RUB, when a utilisation forecast
//           date is set (0 otherwise).
struct ReturnStorage {
    std::int64_t days = 0;
    double sum = 0;
    double utilization_sum = 0;
};
ReturnStorage return_storage(const Return& r, TimePoint now);

// The visual statuses of /v1/returns/list (the spec's visual_status_name list, NOTES.md and the
// swagger). visual.status.id = position in that list from 1 (the spec's example serves
// ArrivedAtReturnPlace with id 3, its position); 0 for a name not in it.
const std::vector<std::string>& return_statuses();
int return_status_id(const std::string& sys_name);
// Russian display name the cabinet shows ("В пункте выдачи"); the sys_name if unknown.
std::string return_status_display(const std::string& sys_name);

// A timed change of a return's visual status (event `return_status`).
struct ReturnStatusChange {
    std::string status;                              // required, one of return_statuses()
    std::string status_display;                      // empty = return_status_display(status)
    std::optional<TimePoint> arrived_at;             // ArrivedAtReturnPlace: default = the change
    std::optional<TimePoint> tariffication_start;    // default on arrival: + kFreeStorageDays
    std::optional<TimePoint> utilization_forecast;   // default on arrival: + kUtilizationDays
    std::optional<std::int64_t> place_id;
    std::optional<std::string> place_name;
};
// Applies `c` at virtual time `at`: status, display name, status_changed_at = at; on arrival at
// the pickup point the storage dates (given or defaulted); place if given.
void apply_return_status(Return& r, const ReturnStatusChange& c, TimePoint at);

// rFBS return request (/v2/returns/rfbs/*). Known states (state -> group_state, state_name):
//   ON_APPROVAL -> New «На проверке» (waits for the seller: approve, partial refund, reject),
//   DELIVERING -> Delivering «Товар едет к продавцу», RECEIVED -> Checkout «Товар получен,
//   проверьте его» (waits for the seller: refund or reject), ARBITRATION -> Arbitration «Спор»,
//   APPROVED -> Approved «Одобрена», MONEY_RETURNED -> Approved «Деньги возвращены»,
//   PARTIAL_COMPENSATION -> Approved «Возвращена часть денег», REJECTED -> Rejected «Отклонена».
//   Other states need an explicit group_state.
struct RfbsReturn {
    std::int64_t return_id = 0;
    std::string return_number;
    std::string posting_number;
    std::string offer_id;
    std::string product_name;
    std::int64_t sku = 0;
    double price = 0;
    TimePoint created_at{};
    std::string group_state = "All";  // state.group_state
    std::string state = "NEW";        // state.state
    std::string state_name = "Новая"; // state.state_name
    std::string return_reason;
    std::string client_comment;
    std::vector<std::string> client_photo;  // URLs
    std::int64_t warehouse_id = 0;  // 0 = the scenario's first rFBS warehouse (else the first)
    bool return_reason_is_defect = false;
};

// The rFBS group states of the spec's filter (without "All").
const std::vector<std::string>& rfbs_group_states();
// Default group_state / state_name for a known state; nullopt for an unknown state.
struct RfbsStateInfo {
    std::string group_state;
    std::string state_name;
};
std::optional<RfbsStateInfo> rfbs_state_info(const std::string& state);
// Whether the request waits for the seller (group New or Checkout): /v2/returns/rfbs/get then
// serves available_actions (empty otherwise).
bool rfbs_waits_for_seller(const RfbsReturn& r);

// A timed change of an rFBS request's state (event `rfbs_state`); defaults resolved at parse.
struct RfbsStateChange {
    std::string state;
    std::string state_name;
    std::string group_state;
};
void apply_rfbs_state(RfbsReturn& r, const RfbsStateChange& c);

// A drop-off point's details for /v1/returns/company/fbs/info (scenario `dropoff_points`).
struct DropOffPoint {
    std::int64_t place_id = 0;
    std::string name;
    std::string address;
    bool pass_required = false;
    int pass_count = 0;
};

// ---------------------------------------------------------------- finance (accruals, payouts)
// What an accrual type counts as in /v1/finance/cash-flow-statement/list:
//   sale              orders_amount (details.delivery.amount)
//   commission        commission_amount (details.delivery.amount)
//   refund            returns_amount (details.return.amount)
//   commission_refund commission_amount (details.return.amount)
//   delivery_service  item_delivery_and_return_amount (details.delivery.delivery_services)
//   return_service    item_delivery_and_return_amount (details.return.return_services)
//   service           services_amount (details.services)
//   other             no cash_flows field (details.others: acquiring, corrections, compensations)
enum class AccrualKind { sale, commission, refund, commission_refund, delivery_service, return_service, service, other };

// One entry of /v1/finance/accrual/types. `key` is the scenario's shortcut (accruals: [{sale:
// 3490, commission: -523.5, ...}]); `operation` the cash-flow details item name (Ozon's
// Marketplace* operation names from the spec), empty for sale/commission/refund lines.
struct AccrualType {
    int id = 0;
    const char* key = "";
    const char* name = "";
    const char* description = "";
    AccrualKind kind = AccrualKind::other;
    const char* operation = "";
};
const std::vector<AccrualType>& accrual_types();
const AccrualType* find_accrual_type(int id);
const AccrualType* find_accrual_type(const std::string& key);

struct AccrualItem {
    std::int64_t type_id = 0;
    std::string name;   // the type's name unless the scenario gives one
    double amount = 0;  // signed, RUB
};

// Categories of /v1/finance/accrual/by-day (accrued_category).
//   POSTING        a posting's sale, commission and services (`posting` object)
//   ITEM           per-SKU fees (`item_fees`)
//   NON_ITEM       one fee not tied to a product, e.g. a correction or an advertising contract
//                  (`non_item_fee`: exactly one item)
//   CONTAINER_FEES fees for a container/box (`container_fees`)
struct Accrual {
    std::int64_t id = 0;          // accrual_id; 0 in YAML = 900000001 + index in `accruals`
    std::string posting_number;   // empty for accruals not tied to a posting
    std::string unit_number;      // served unit_number; defaults to posting_number
    std::string category = "POSTING";
    TimePoint date{};             // the accrual's moment; its day is the MOSCOW date (accrual_day)
    std::optional<TimePoint> appears_at;  // late accrual: invisible to every method before this
    std::int64_t sku = 0;         // 0 = the posting's first product
    std::vector<AccrualItem> items;
};
bool accrual_visible(const Accrual& a, TimePoint now);
std::string accrual_day(const Accrual& a);  // "2026-11-25", Moscow (UTC+3)

// Payout periods: the 1st-15th and the 16th-end of a month, Moscow time (UTC+3).
struct PayoutPeriod {
    TimePoint begin{};   // 1st or 16th, 00:00 MSK
    TimePoint end{};     // 15th or last day, 23:59:59 MSK
    std::string first_day;  // "2026-11-01" / "2026-11-16"
    std::int64_t id = 0;    // 20261101 / 20261116
};
PayoutPeriod payout_period_at(TimePoint t);
std::optional<PayoutPeriod> payout_period_of_day(const std::string& ymd);  // any day inside
PayoutPeriod next_payout_period(const PayoutPeriod& p);
// When Ozon pays a period unless the scenario says otherwise: 5 days after its last day,
// 12:00 MSK (1st-15th -> the 20th, 16th-end -> the 5th of the next month).
TimePoint default_paid_at(const PayoutPeriod& p);

// A payout for one period (scenario `payouts`). A closed period without an entry is paid in full
// (its net accruals, if positive) at default_paid_at.
struct Payout {
    std::string period;                  // first day of the period, "2026-11-01"
    std::optional<TimePoint> paid_at;    // default: default_paid_at
    std::optional<double> amount;        // default: the period's net accruals (invoice_transfer)
    bool unpaid = false;                 // the period is never paid
};

struct Review {
    std::string id;
    std::int64_t sku = 0;
    std::string text;
    int rating = 5;
    std::string status = "NEW";  // NEW, VIEWED, PROCESSED
    std::string order_status = "DELIVERED";
    TimePoint published_at{};
    int comments_amount = 0;
    int photos_amount = 0;
};

struct Chat {
    std::string chat_id;
    std::string chat_type = "BUYER_SELLER";
    std::string chat_status = "OPENED";
    int unread_count = 0;
    TimePoint created_at{};
    std::int64_t last_message_id = 0;
};

struct InsalesVariant {
    std::int64_t id = 0;
    std::string sku;      // article, compared with Ozon offer_id
    std::string barcode;
    double price = 0;
    std::optional<int> quantity = 0;  // nullopt: served as null (stock not tracked)
};

struct InsalesProduct {
    std::int64_t id = 0;
    std::string title;
    std::vector<InsalesVariant> variants;
};

struct InsalesShop {
    std::string login;
    std::string password;
    int api_usage = 0;  // requests counted in API-Usage-Limit "N/500"
    std::vector<InsalesProduct> products;
};

// The shop's 1C: what its exchange last wrote to offers.xml (CommerceML 2.10). Not served over
// HTTP: write_onec_offers() (sandbox/onec.hpp) writes the file and sets its modification time.
struct OnecWarehouse {
    std::string id;    // Ид (a GUID in real exports)
    std::string name;  // Наименование
};

struct OnecOffer {
    std::string id;       // Ид: "GUID" or "GUID#GUID" (product#characteristic)
    std::string article;  // Артикул: the Ozon offer_id / InSales sku
    std::string barcode;  // Штрихкод (empty: not written)
    std::string name;     // Наименование
    double price = 0;     // Цены/Цена/ЦенаЗаЕдиницу (0: no Цены written)
    int quantity = 0;     // Количество (total)
    // Склад ИдСклада="..." КоличествоНаСкладе="..."; empty = the whole quantity on the first
    // warehouse.
    std::vector<std::pair<std::string, int>> by_warehouse;
};

struct Onec {
    std::vector<OnecWarehouse> warehouses;  // never empty after parsing (default: one)
    std::vector<OnecOffer> offers;
    TimePoint mtime{};     // the file's modification time (the 1C exchange's last run)
    bool partial = false;  // СодержитТолькоИзменения="true": only changed offers listed
};

struct TelegramChat {
    std::string chat_id;  // "-1001234567890" or "@channel"
    bool blocked = false;                       // 403 bot was blocked by the user
    std::optional<std::int64_t> migrated_to;    // 400 group chat was upgraded...
};

struct TelegramBot {
    std::string token;
    std::vector<TelegramChat> chats;  // chats not listed -> 400 chat not found
};

// A timed change. `at` is absolute (the YAML form "+2h" is relative to Scenario::start).
struct TimedEvent {
    TimePoint at{};
    std::string description;  // for logs: "posting X becomes delivering"
    // Kinds: "posting_status" (posting_number, status, substatus),
    //        "add_posting" (posting), "add_return" (ret), "add_review" (review),
    //        "set_stock" (offer_id, warehouse_id, present), "chat_unread" (chat_id, unread),
    //        "return_status" (return_id, return_change), "rfbs_state" (return_id, rfbs_change),
    //        "set_cutoff" (posting_number, cutoff)
    std::string kind;
    std::string posting_number;
    std::string status;
    std::string substatus;
    std::optional<Posting> posting;
    std::optional<Return> ret;
    std::optional<Review> review;
    std::string offer_id;
    std::int64_t warehouse_id = 0;
    int present = 0;
    std::string chat_id;
    int unread = 0;
    std::optional<Cancellation> cancellation;  // posting_status to "cancelled"
    std::int64_t return_id = 0;                // return_status: Return::id; rfbs_state: return_id
    std::optional<ReturnStatusChange> return_change;
    std::optional<RfbsStateChange> rfbs_change;
    std::optional<TimePoint> cutoff;           // set_cutoff: the posting's new shipment_date
    bool applied = false;
};

// Push notifications the sandbox sends (scenario key `push`; the target URL is set at run time,
// Sandbox::set_push_target).
struct PushSettings {
    // TYPE_PING each time the virtual clock passes a multiple of this (counted from the Unix
    // epoch: 1h = every full UTC hour) while a target is set; nullopt = no periodic pings.
    std::optional<Millis> ping_every;
    // The account whose client id the pushes carry as seller_id; empty = the first account
    // (every account sees the same shop data).
    std::string account;
};

struct Scenario {
    std::string name;
    std::string description;
    TimePoint start{};
    std::vector<Account> accounts;
    std::vector<Warehouse> warehouses;
    std::vector<Product> products;
    std::vector<Posting> postings;
    std::vector<Return> returns;           // kept sorted by id (insert_return)
    std::vector<RfbsReturn> rfbs_returns;
    std::vector<DropOffPoint> dropoff_points;
    std::vector<Accrual> accruals;
    std::vector<Payout> payouts;
    std::vector<Review> reviews;
    std::vector<Chat> chats;
    std::optional<InsalesShop> insales;
    std::optional<Onec> onec;
    std::vector<TelegramBot> telegram;
    std::vector<TimedEvent> events;
    PushSettings push;
};

// shipment_date_without_delay, or shipment_date + 24h when the scenario does not give it.
TimePoint without_delay(const Posting& p);
// The default schedule around S = shipment_date and W = without_delay(p), T = posting total:
//   discount    3 %  (3 % of T)               until S - 12h
//   no_discount 0 %  (0)                      until S
//   surcharge   5 %  (max(5 % of T, 50 RUB))  until W   (omitted when W <= S)
//   surcharge  10 %  (max(10 % of T, 100 RUB)) open-ended
std::vector<TariffStep> default_tariff_steps(const Posting& p);
// The posting's schedule: the scenario's tariff_steps, else the default one; every charge filled.
std::vector<TariffStep> tariff_steps(const Posting& p);

// A shop of `postings` FBS postings spread evenly over the 14 days before `start`, in a realistic
// mix by age (older: delivered, some cancelled, a few stuck delivering or in arbitration; the
// last three days: on the way; today: awaiting packing or hand-over). Appended to `s` with one
// warehouse and one product of their own. Numbers are "%08d-0001-1" from 10000000. For the
// benchmarks (`generate: {shop: N}` in a scenario file).
void add_generated_shop(Scenario& s, int postings, TimePoint start);

// `generate: {returns: N}`: N FBS returns, ids 700000001.. ascending, status changes spread
// evenly over the 30 days before `start`, in a realistic mix by age (older: mostly final --
// ReceivedBySeller, MoneyReturned, Utilized, Rejected -- a few DisputeOpened or still waiting at
// the pickup point; the last week: many ArrivedAtReturnPlace with storage dates, some on the
// way; the last day: a few OnSellerApproval), spread over five drop-off points.
void add_generated_returns(Scenario& s, int returns, TimePoint start);

// `generate: {finance: N}`: a month of accruals. N FBS postings delivered on the 30 Moscow days
// before start's (08:00-22:00 MSK, more in the afternoon and evening), numbers
// "700000001-0002-1" up, one or two items of ten generated products (FIN-1..FIN-10, SKUs
// 1700000001..), history awaiting_packaging -> delivering -> delivered. Per posting (fixed
// seed; every run of 1000 consecutive postings gets exactly this mix):
//   98 %  a POSTING accrual (sale, commission, logistics, last_mile) 1-3 days after delivery
//         and an acquiring accrual the same or the next day;
//    1 %  no accrual at all;
//    1 %  charges only: one accrual (commission, logistics, last_mile; no sale) 1-3 days after.
// Plus a NON_ITEM accrual every third day (promotion, storage, a correction, a compensation).
// Accrual ids from 2000000001; accruals dated after start appear at their date (appears_at).
// Closed payout periods are paid by the default rule; the 30 days always hold a whole closed
// period before start's. Appended to `s` (warehouse 1 added if missing).
void add_generated_finance(Scenario& s, int postings, TimePoint start);

// `generate: {stocks: N}`: the stock comparison's world. N products on Ozon (offer_ids
// "STK-000001" up, SKUs 1900000001 up, product_ids 190000001 up; FBS stock on one warehouse, or
// two for about a third; reserved 0), the same articles as InSales variants (sku = offer_id,
// one to three variants per InSales product) and as 1C offers (two 1C warehouses). Every figure
// agrees except, at exactly these counts (per mille of N, rounded down; disjoint articles,
// chosen by a fixed-seed shuffle):
//   suspicious     N/1000    Ozon shows 1000 or 100 (alternately, 1000 first) on one warehouse,
//                            InSales and 1C agree on the real figure (1..9);
//   insales_differs 3N/1000  InSales (and 1C with it) differ from Ozon: Ozon missed an update;
//   onec_differs   2N/1000   Ozon = InSales, 1C differs;
//   only_ozon      N/1000    on Ozon only (not in InSales, not in 1C);
//   only_insales   N/1000    EXTRA articles "STK-I000001" up, in InSales only;
//   insales_null   5N/1000   InSales quantity null (not tracked); Ozon = 1C.
// Apart from the suspicious ones no Ozon total is 100 or 1000 (normal figures are 0..60).
// Creates the InSales shop (login "stocks-app", password "stocks-pass") and the 1C data
// (mtime = start) when the scenario has none; adds the two Ozon warehouses 1020000000000901
// and 1020000000000902 when missing. Deterministic; about 0.3 s for N = 100,000.
struct GeneratedStocks {
    int suspicious = 0, insales_differs = 0, onec_differs = 0, only_ozon = 0, only_insales = 0,
        insales_null = 0;
};
GeneratedStocks generated_stock_counts(int n);
void add_generated_stocks(Scenario& s, int n, TimePoint start);

// Inserts `r` keeping Scenario::returns sorted by id (after equal ids).
void insert_return(Scenario& s, Return r);

// Parses a scenario; throws ScenarioError with "file:line:col: message".
Scenario load_scenario_file(const std::string& path);
Scenario load_scenario_text(const std::string& yaml, const std::string& origin = "<text>");
// One posting in the scenario's YAML form (for mutations through the admin API).
Posting parse_posting_yaml(const std::string& yaml, TimePoint start);
Return parse_return_yaml(const std::string& yaml, TimePoint start);
Review parse_review_yaml(const std::string& yaml, TimePoint start);

}  // namespace ozw::sandbox
