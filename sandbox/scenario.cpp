// Scenario YAML -> Scenario. Strict: unknown keys and malformed values are errors that name the
// file, line and column, because a typo in a test scenario must not silently change the test.
#include "sandbox/scenario.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <map>
#include <set>
#include <sstream>

#include "common/time.hpp"
#include "sandbox/internal.hpp"

namespace ozw::sandbox {

namespace detail {
std::string default_substatus(const std::string& status) {
    static const std::map<std::string, std::string> m = {
        {"awaiting_packaging", "posting_created"},
        {"awaiting_deliver", "posting_awaiting_passport_data"},
        {"delivering", "posting_in_carriage"},
        {"driver_pickup", "posting_driver_pick_up"},
        {"delivered", "posting_delivered"},
        {"cancelled", "posting_canceled"},
        {"arbitration", "posting_in_arbitration"},
        {"client_arbitration", "posting_in_client_arbitration"},
        {"not_accepted", "posting_not_in_sort_center"},
    };
    auto it = m.find(status);
    return it == m.end() ? "" : it->second;
}

}  // namespace detail

namespace {

using detail::default_substatus;

struct Ctx {
    std::string origin;
    TimePoint start{};
};

[[noreturn]] void fail(const Ctx& c, const YAML::Node& n, const std::string& msg) {
    std::ostringstream os;
    os << c.origin;
    if (n.IsDefined() && n.Mark().line >= 0)
        os << ":" << n.Mark().line + 1 << ":" << n.Mark().column + 1;
    os << ": " << msg;
    throw ScenarioError(os.str());
}

void check_keys(const Ctx& c, const YAML::Node& n, const char* what,
                std::initializer_list<const char*> allowed) {
    if (!n.IsMap()) fail(c, n, std::string(what) + ": expected a mapping");
    for (const auto& kv : n) {
        auto key = kv.first.as<std::string>();
        bool ok = std::any_of(allowed.begin(), allowed.end(),
                              [&](const char* a) { return key == a; });
        if (!ok) {
            std::string list;
            for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
            fail(c, kv.first, std::string(what) + ": unknown key '" + key + "' (known: " + list + ")");
        }
    }
}

std::string str(const Ctx& c, const YAML::Node& n, const char* key, const std::string& def = "") {
    auto v = n[key];
    if (!v.IsDefined() || v.IsNull()) return def;
    if (!v.IsScalar()) fail(c, v, std::string("'") + key + "' must be a scalar");
    return v.as<std::string>();
}

std::string req_str(const Ctx& c, const YAML::Node& n, const char* key, const char* what) {
    auto v = n[key];
    if (!v.IsDefined() || v.IsNull()) fail(c, n, std::string(what) + ": '" + key + "' is required");
    if (!v.IsScalar()) fail(c, v, std::string("'") + key + "' must be a scalar");
    return v.as<std::string>();
}

long long i64(const Ctx& c, const YAML::Node& n, const char* key, long long def = 0) {
    auto v = n[key];
    if (!v.IsDefined() || v.IsNull()) return def;
    try {
        return v.as<long long>();
    } catch (const YAML::Exception&) {
        fail(c, v, std::string("'") + key + "' must be an integer, got '" +
                       (v.IsScalar() ? v.as<std::string>() : std::string("non-scalar")) + "'");
    }
}

double num(const Ctx& c, const YAML::Node& n, const char* key, double def = 0) {
    auto v = n[key];
    if (!v.IsDefined() || v.IsNull()) return def;
    try {
        return v.as<double>();
    } catch (const YAML::Exception&) {
        fail(c, v, std::string("'") + key + "' must be a number");
    }
}

bool boolean(const Ctx& c, const YAML::Node& n, const char* key, bool def = false) {
    auto v = n[key];
    if (!v.IsDefined() || v.IsNull()) return def;
    try {
        return v.as<bool>();
    } catch (const YAML::Exception&) {
        fail(c, v, std::string("'") + key + "' must be true or false");
    }
}

// "+2h", "-3d", "-1d2h" relative to the scenario start, or an ISO-8601 UTC instant.
TimePoint time_value(const Ctx& c, const YAML::Node& v, const char* key) {
    if (!v.IsScalar()) fail(c, v, std::string("'") + key + "' must be a time");
    auto text = v.as<std::string>();
    if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
        auto d = parse_duration(std::string_view(text).substr(1));
        if (!d) fail(c, v, std::string("'") + key + "': bad relative time '" + text + "' (want e.g. +2h, -3d, -1d2h)");
        return text[0] == '+' ? c.start + *d : c.start - *d;
    }
    auto t = parse_iso8601(text);
    if (!t) fail(c, v, std::string("'") + key + "': bad time '" + text + "' (want 2026-11-26T04:00:00Z or +2h)");
    return *t;
}

std::optional<TimePoint> opt_time(const Ctx& c, const YAML::Node& n, const char* key) {
    auto v = n[key];
    if (!v.IsDefined() || v.IsNull()) return std::nullopt;
    return time_value(c, v, key);
}

TimePoint time_or(const Ctx& c, const YAML::Node& n, const char* key, TimePoint def) {
    auto t = opt_time(c, n, key);
    return t ? *t : def;
}

YAML::Node seq(const Ctx& c, const YAML::Node& n, const char* key) {
    auto v = n[key];
    if (!v.IsDefined() || v.IsNull()) return YAML::Node(YAML::NodeType::Sequence);
    if (!v.IsSequence()) fail(c, v, std::string("'") + key + "' must be a list");
    return v;
}

std::int64_t stable_id(const std::string& s, std::int64_t base) {
    // Deterministic ids derived from names keep scenarios short and responses stable.
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char ch : s) h = (h ^ ch) * 1099511628211ULL;
    return base + static_cast<std::int64_t>(h % 1000000000ULL);
}

// A GUID-shaped 1C id ("8d2c1f3a-5b7e-11ee-9c3a-00155d0a1b2c"), the same for the same text.
std::string onec_guid(const std::string& text) {
    auto fnv = [&](std::uint64_t h) {
        for (unsigned char ch : text) h = (h ^ ch) * 1099511628211ULL;
        return h;
    };
    const std::uint64_t a = fnv(1469598103934665603ULL), b = fnv(0x84222325cbf29ce4ULL ^ a);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx", static_cast<unsigned long long>(a >> 32),
                  static_cast<unsigned long long>((a >> 16) & 0xffff), static_cast<unsigned long long>(a & 0xffff),
                  static_cast<unsigned long long>(b >> 48), static_cast<unsigned long long>(b & 0xffffffffffffULL));
    return buf;
}

const std::set<std::string>& known_statuses() {
    static const std::set<std::string> s = {
        "awaiting_registration", "acceptance_in_progress", "awaiting_approve", "awaiting_packaging",
        "awaiting_deliver", "arbitration", "client_arbitration", "delivering", "driver_pickup",
        "delivered", "cancelled", "not_accepted", "sent_by_seller", "awaiting_verification",
        "cancelled_from_split_pending"};
    return s;
}

Cancellation parse_cancellation(const Ctx& c, const YAML::Node& n) {
    check_keys(c, n, "cancellation",
               {"reason_id", "reason", "initiator", "type", "affect_rating", "after_ship"});
    Cancellation x;
    x.cancel_reason_id = i64(c, n, "reason_id", 0);
    x.cancel_reason = str(c, n, "reason");
    x.cancellation_initiator = str(c, n, "initiator", "Покупатель");
    x.cancellation_type = str(c, n, "type", "client");
    x.affect_cancellation_rating = boolean(c, n, "affect_rating", false);
    x.cancelled_after_ship = boolean(c, n, "after_ship", false);
    return x;
}

const Product* find_product(const std::vector<Product>* catalogue, const std::string& offer_id) {
    if (!catalogue) return nullptr;
    for (const auto& p : *catalogue)
        if (p.offer_id == offer_id) return &p;
    return nullptr;
}

Posting parse_posting(const Ctx& c, const YAML::Node& n, const std::vector<Product>* catalogue,
                      std::int64_t default_warehouse) {
    check_keys(c, n, "posting",
               {"posting_number", "order_id", "order_number", "status", "substatus", "warehouse_id",
                "in_process_at", "shipment_date", "shipment_date_without_delay", "tariff_steps",
                "delivering_date", "status_changed_at", "history", "cancellation", "products",
                "customer", "city", "tracking_number"});
    Posting p;
    p.posting_number = req_str(c, n, "posting_number", "posting");
    p.status = req_str(c, n, "status", "posting");
    if (!known_statuses().count(p.status))
        fail(c, n["status"], "posting " + p.posting_number + ": unknown status '" + p.status + "'");
    p.substatus = str(c, n, "substatus", default_substatus(p.status));
    p.order_id = i64(c, n, "order_id", stable_id(p.posting_number, 30000000000LL));
    auto dash = p.posting_number.rfind('-');
    p.order_number = str(c, n, "order_number",
                         dash == std::string::npos ? p.posting_number : p.posting_number.substr(0, dash));
    p.warehouse_id = i64(c, n, "warehouse_id", default_warehouse);
    p.in_process_at = time_or(c, n, "in_process_at", c.start - std::chrono::hours(2));
    p.shipment_date = time_or(c, n, "shipment_date", p.in_process_at + std::chrono::hours(24));
    p.shipment_date_without_delay = opt_time(c, n, "shipment_date_without_delay");
    if (p.shipment_date_without_delay && *p.shipment_date_without_delay < p.shipment_date)
        fail(c, n["shipment_date_without_delay"],
             "posting " + p.posting_number + ": shipment_date_without_delay must not be earlier than shipment_date");
    {
        auto steps = seq(c, n, "tariff_steps");
        for (std::size_t i = 0; i < steps.size(); ++i) {
            const auto& st = steps[i];
            check_keys(c, st, "tariff step", {"type", "rate", "charge", "min_charge", "until"});
            TariffStep x;
            x.type = req_str(c, st, "type", "tariff step");
            x.rate = num(c, st, "rate", 0);
            if (st["charge"].IsDefined() && !st["charge"].IsNull()) x.charge = num(c, st, "charge");
            if (st["min_charge"].IsDefined() && !st["min_charge"].IsNull()) x.min_charge = num(c, st, "min_charge");
            x.until = opt_time(c, st, "until");
            if (!x.until && i + 1 != steps.size())
                fail(c, st, "tariff step: 'until' is required except for the last (open-ended) step");
            if (x.until && !p.tariff_steps.empty() && *x.until <= *p.tariff_steps.back().until)
                fail(c, st["until"], "tariff step: 'until' must be later than the previous step's");
            p.tariff_steps.push_back(x);
        }
    }
    p.delivering_date = opt_time(c, n, "delivering_date");
    p.status_changed_at = opt_time(c, n, "status_changed_at");
    for (const auto& h : seq(c, n, "history")) {
        check_keys(c, h, "history entry", {"at", "status", "substatus"});
        StatusChange sc;
        sc.at = time_value(c, h["at"], "at");
        sc.status = req_str(c, h, "status", "history entry");
        sc.substatus = str(c, h, "substatus", default_substatus(sc.status));
        p.history.push_back(sc);
    }
    if (p.history.empty()) {
        p.history.push_back({p.in_process_at, "awaiting_packaging", "posting_created"});
        if (p.status != "awaiting_packaging")
            p.history.push_back({p.status_changed_at.value_or(p.in_process_at), p.status, p.substatus});
    }
    if (!p.status_changed_at) p.status_changed_at = p.history.back().at;
    if (n["cancellation"].IsDefined() && !n["cancellation"].IsNull())
        p.cancellation = parse_cancellation(c, n["cancellation"]);
    p.customer_name = str(c, n, "customer", p.customer_name);
    p.city = str(c, n, "city", p.city);
    p.tracking_number = str(c, n, "tracking_number");
    for (const auto& pp : seq(c, n, "products")) {
        check_keys(c, pp, "posting product", {"offer_id", "sku", "name", "quantity", "price"});
        PostingProduct x;
        x.offer_id = req_str(c, pp, "offer_id", "posting product");
        const Product* cat = find_product(catalogue, x.offer_id);
        x.sku = i64(c, pp, "sku", cat ? cat->sku : stable_id(x.offer_id, 1000000000LL));
        x.name = str(c, pp, "name", cat ? cat->name : x.offer_id);
        x.quantity = static_cast<int>(i64(c, pp, "quantity", 1));
        x.price = num(c, pp, "price", cat ? cat->price : 1000.0);
        p.products.push_back(x);
    }
    if (p.products.empty()) fail(c, n, "posting " + p.posting_number + ": 'products' must not be empty");
    return p;
}

Return parse_return(const Ctx& c, const YAML::Node& n, const std::vector<Product>* catalogue) {
    check_keys(c, n, "return",
               {"id", "type", "schema", "posting_number", "order_id", "order_number", "status",
                "status_display", "status_changed_at", "created_at", "reason", "offer_id", "sku",
                "product_name", "price", "quantity", "place_id", "place_name", "arrived_at",
                "tariffication_start", "utilization_forecast", "barcode"});
    Return r;
    r.posting_number = req_str(c, n, "posting_number", "return");
    r.id = i64(c, n, "id", stable_id("ret" + r.posting_number, 1000000000LL));
    r.type = str(c, n, "type", "ClientReturn");
    static const std::set<std::string> types = {"Cancellation", "FullReturn", "PartialReturn",
                                                "ClientReturn", "Unknown"};
    if (!types.count(r.type)) fail(c, n["type"], "return: unknown type '" + r.type + "'");
    r.schema = str(c, n, "schema", "Fbs");
    r.order_id = i64(c, n, "order_id", stable_id(r.posting_number, 30000000000LL));
    auto dash = r.posting_number.rfind('-');
    r.order_number = str(c, n, "order_number",
                         dash == std::string::npos ? r.posting_number : r.posting_number.substr(0, dash));
    r.status = req_str(c, n, "status", "return");
    if (!return_status_id(r.status))
        fail(c, n["status"], "return: unknown status '" + r.status + "' (a visual_status_name of /v1/returns/list)");
    r.status_display = str(c, n, "status_display", return_status_display(r.status));
    r.created_at = time_or(c, n, "created_at", c.start - std::chrono::hours(24));
    r.status_changed_at = time_or(c, n, "status_changed_at", r.created_at);
    r.return_reason_name = str(c, n, "reason");
    r.offer_id = req_str(c, n, "offer_id", "return");
    const Product* cat = find_product(catalogue, r.offer_id);
    r.sku = i64(c, n, "sku", cat ? cat->sku : stable_id(r.offer_id, 1000000000LL));
    r.product_name = str(c, n, "product_name", cat ? cat->name : r.offer_id);
    r.price = num(c, n, "price", cat ? cat->price : 1000.0);
    r.quantity = static_cast<int>(i64(c, n, "quantity", 1));
    r.place_id = i64(c, n, "place_id", 0);
    r.place_name = str(c, n, "place_name");
    r.arrived_at = opt_time(c, n, "arrived_at");
    r.tariffication_start = opt_time(c, n, "tariffication_start");
    r.utilization_forecast = opt_time(c, n, "utilization_forecast");
    r.barcode = str(c, n, "barcode", "ii" + std::to_string(r.id));
    fill_storage_defaults(r);
    return r;
}

// return_status: {id*, status*, status_display, arrived_at, tariffication_start,
// utilization_forecast, place_id, place_name}
ReturnStatusChange parse_return_status(const Ctx& c, const YAML::Node& n, std::int64_t& id) {
    check_keys(c, n, "return_status",
               {"id", "status", "status_display", "arrived_at", "tariffication_start",
                "utilization_forecast", "place_id", "place_name"});
    if (!n["id"].IsDefined() || n["id"].IsNull()) fail(c, n, "return_status: 'id' is required");
    id = i64(c, n, "id");
    ReturnStatusChange x;
    x.status = req_str(c, n, "status", "return_status");
    if (!return_status_id(x.status))
        fail(c, n["status"], "return_status: unknown status '" + x.status + "' (a visual_status_name of /v1/returns/list)");
    x.status_display = str(c, n, "status_display");
    x.arrived_at = opt_time(c, n, "arrived_at");
    x.tariffication_start = opt_time(c, n, "tariffication_start");
    x.utilization_forecast = opt_time(c, n, "utilization_forecast");
    if (n["place_id"].IsDefined() && !n["place_id"].IsNull()) x.place_id = i64(c, n, "place_id");
    if (n["place_name"].IsDefined() && !n["place_name"].IsNull()) x.place_name = str(c, n, "place_name");
    return x;
}

RfbsStateInfo rfbs_state_of(const Ctx& c, const YAML::Node& n, const std::string& state,
                            const char* what) {
    auto known = rfbs_state_info(state);
    RfbsStateInfo x;
    x.group_state = str(c, n, "group_state", known ? known->group_state : "");
    x.state_name = str(c, n, "state_name", known ? known->state_name : state);
    if (x.group_state.empty())
        fail(c, n["state"], std::string(what) + ": unknown state '" + state + "': give its 'group_state'");
    const auto& groups = rfbs_group_states();
    if (std::find(groups.begin(), groups.end(), x.group_state) == groups.end())
        fail(c, n["group_state"], std::string(what) + ": unknown group_state '" + x.group_state +
                                      "' (New, Delivering, Checkout, Arbitration, Approved, Rejected)");
    return x;
}

Review parse_review(const Ctx& c, const YAML::Node& n, const std::vector<Product>* catalogue) {
    check_keys(c, n, "review", {"id", "sku", "offer_id", "text", "rating", "status", "order_status",
                                "published_at", "comments_amount", "photos_amount"});
    Review r;
    r.text = str(c, n, "text");
    auto offer = str(c, n, "offer_id");
    const Product* cat = find_product(catalogue, offer);
    r.sku = i64(c, n, "sku", cat ? cat->sku : 0);
    if (r.sku == 0) fail(c, n, "review: 'sku' or a known 'offer_id' is required");
    r.rating = static_cast<int>(i64(c, n, "rating", 5));
    if (r.rating < 1 || r.rating > 5) fail(c, n["rating"], "review: rating must be 1..5");
    r.status = str(c, n, "status", "NEW");
    r.order_status = str(c, n, "order_status", "DELIVERED");
    r.published_at = time_or(c, n, "published_at", c.start - std::chrono::hours(1));
    r.comments_amount = static_cast<int>(i64(c, n, "comments_amount", 0));
    r.photos_amount = static_cast<int>(i64(c, n, "photos_amount", 0));
    char buf[64];
    auto h = static_cast<unsigned long long>(stable_id(r.text + std::to_string(r.sku) +
                                                   format_iso8601(r.published_at), 0));
    std::snprintf(buf, sizeof buf, "019%05llx-%04llx-7000-8000-%012llx", h % 0xfffff, h % 0xffff, h);
    r.id = str(c, n, "id", buf);
    return r;
}

}  // namespace

void add_generated_shop(Scenario& s, int n, TimePoint start) {
    using namespace std::chrono_literals;
    constexpr long long kWarehouse = 1;
    if (std::none_of(s.warehouses.begin(), s.warehouses.end(), [](const Warehouse& w) { return w.id == kWarehouse; }))
        s.warehouses.push_back({kWarehouse, "Склад", false, "created"});
    Product pr;
    pr.product_id = 1;
    pr.sku = 1000001;
    pr.offer_id = "SKU-1";
    pr.name = "Платье";
    pr.price = 1990;
    s.products.push_back(pr);
    const Millis window = 14 * 24h - 1h;
    s.postings.reserve(s.postings.size() + static_cast<std::size_t>(std::max(n, 0)));
    for (int i = 0; i < n; ++i) {
        Posting p;
        char num[32];
        std::snprintf(num, sizeof num, "%08d-0001-1", 10000000 + i);
        p.posting_number = num;
        p.order_id = 10000000 + i;
        p.warehouse_id = kWarehouse;
        p.in_process_at = start - window + Millis{window.count() / n * i};
        p.shipment_date = p.in_process_at + 24h;
        const auto age = start - p.in_process_at;
        // Spread over 0..999 within any run of indices (7919 is prime to 1000): each day's slice
        // gets the whole mix even in a small shop.
        const int k = static_cast<int>((static_cast<long long>(i) * 7919) % 1000);
        if (age > 72h) {
            p.status = k < 900 ? "delivered" : k < 990 ? "cancelled" : k < 995 ? "delivering" : "arbitration";
        } else if (age > 24h) {
            p.status = k < 850 ? "delivering" : k < 950 ? "delivered" : "cancelled";
        } else {
            p.status = k < 500 ? "awaiting_packaging" : k < 950 ? "awaiting_deliver" : "cancelled";
        }
        if (p.status == "delivering" || p.status == "delivered") p.delivering_date = p.shipment_date;
        p.history.push_back({p.in_process_at, p.status, ""});
        p.status_changed_at = p.in_process_at;
        p.products.push_back({pr.sku, pr.offer_id, pr.name, 1, pr.price});
        s.postings.push_back(std::move(p));
    }
}

void add_generated_returns(Scenario& s, int n, TimePoint start) {
    using namespace std::chrono_literals;
    static const char* const kReasons[] = {"Не подошёл размер", "Не подошёл цвет",
                                           "Не понравилось качество", "Не подошла посадка",
                                           "Товар не соответствует описанию"};
    static const char* const kPlaces[] = {"ПВЗ Ozon, Москва, ул. Тверская, 12",
                                          "ПВЗ Ozon, Москва, Ленинский пр-т, 45",
                                          "ПВЗ Ozon, Москва, ул. Профсоюзная, 3",
                                          "ПВЗ Ozon, Москва, Каширское ш., 61",
                                          "ПВЗ Ozon, Москва, ул. Новослободская, 20"};
    if (n <= 0) return;
    const Millis window = 30 * 24h;
    const auto day = std::chrono::duration_cast<Millis>(24h);
    s.returns.reserve(s.returns.size() + static_cast<std::size_t>(n));
    for (int i = 1; i <= n; ++i) {
        Return r;
        r.id = 700000000 + i;
        char num[32];
        std::snprintf(num, sizeof num, "8%08d-0001-1", i);
        r.posting_number = num;
        r.order_number = r.posting_number.substr(0, r.posting_number.size() - 2);
        r.order_id = 50000000000LL + i;
        r.status_changed_at = start - window + Millis{window.count() * i / (n + 1)};
        const auto age = start - r.status_changed_at;
        // 7919 is prime to 1000: every run of 1000 indices gets the whole mix.
        const int k = static_cast<int>((static_cast<long long>(i) * 7919) % 1000);
        const int j = static_cast<int>((static_cast<long long>(i) * 31) % 10);
        const char* st;
        if (age <= 24h)
            st = k < 40 ? "OnSellerApproval" : k < 400 ? "ArrivedAtReturnPlace" : k < 700 ? "MovingToSeller"
                 : k < 850 ? "Approved" : "MoneyReturned";
        else if (age <= 7 * 24h)
            st = k < 5 ? "DisputeOpened" : k < 300 ? "ArrivedAtReturnPlace" : k < 450 ? "MovingToSeller"
                 : k < 800 ? "ReceivedBySeller" : k < 970 ? "MoneyReturned" : "Rejected";
        else
            st = k < 5 ? "DisputeOpened" : k < 15 ? "ArrivedAtReturnPlace" : k < 600 ? "ReceivedBySeller"
                 : k < 900 ? "MoneyReturned" : k < 970 ? "Utilized" : "Rejected";
        r.status = st;
        r.status_display = return_status_display(r.status);
        const bool logistic = r.status == "ArrivedAtReturnPlace" || r.status == "MovingToSeller" ||
                              r.status == "ReceivedBySeller" || r.status == "Utilized";
        r.type = !logistic ? "ClientReturn" : j < 6 ? "ClientReturn" : j < 8 ? "Cancellation"
                 : j < 9 ? "FullReturn" : "PartialReturn";
        r.return_reason_name = r.type == "Cancellation"    ? "Покупатель не забрал заказ"
                               : r.type == "FullReturn"    ? "Покупатель отказался при вручении"
                               : r.type == "PartialReturn" ? "Покупатель отказался от части товаров"
                                                           : kReasons[k % 5];
        r.created_at = r.status == "OnSellerApproval" ? r.status_changed_at
                                                      : r.status_changed_at - day * (1 + k % 6);
        if (r.status == "ArrivedAtReturnPlace") {
            r.arrived_at = r.status_changed_at;
        } else if (r.status == "ReceivedBySeller") {
            r.arrived_at = r.status_changed_at - day * (1 + k % 4);
        } else if (r.status == "Utilized") {
            r.arrived_at = r.status_changed_at - day * kUtilizationDays;
        }
        if (r.arrived_at || r.status == "MovingToSeller") {
            r.place_id = 21500 + i % 5;
            r.place_name = kPlaces[i % 5];
        }
        fill_storage_defaults(r);
        r.offer_id = "GEN-RET-" + std::to_string(i);
        r.sku = 1600000000LL + i;
        r.product_name = "Возврат " + std::to_string(i);
        r.price = 500 + (i % 50) * 100;
        r.barcode = "ii" + std::to_string(r.id);
        s.returns.push_back(std::move(r));
    }
}

namespace {
// splitmix64: a small fixed-seed generator, the same numbers on every platform (std::
// distributions are not specified bit for bit).
struct SplitMix {
    std::uint64_t x;
    std::uint64_t next() {
        std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    long long below(long long n) { return static_cast<long long>(next() % static_cast<std::uint64_t>(n)); }
};
double money2(double v) { return std::round(v * 100) / 100; }
}  // namespace

void add_generated_finance(Scenario& s, int n, TimePoint start) {
    using namespace std::chrono;
    constexpr long long kWarehouse = 1;
    constexpr hours kMoscow{3};
    if (n <= 0) return;
    if (std::none_of(s.warehouses.begin(), s.warehouses.end(), [](const Warehouse& w) { return w.id == kWarehouse; }))
        s.warehouses.push_back({kWarehouse, "Склад", false, "created"});
    static const char* const kNames[] = {"Футболка базовая", "Платье летнее",  "Джинсы прямые", "Рубашка льняная",
                                         "Юбка миди",        "Худи оверсайз",  "Брюки палаццо", "Кардиган вязаный",
                                         "Пальто демисезонное", "Куртка утеплённая"};
    static const double kPrices[] = {990, 1490, 1990, 2490, 2990, 3490, 3990, 4490, 5990, 7990};
    static const double kCommission[] = {0.12, 0.15, 0.17, 0.20};  // by product group
    const std::size_t first_product = s.products.size();
    for (int j = 0; j < 10; ++j) {
        Product pr;
        pr.product_id = 1700000 + j + 1;
        pr.sku = 1700000001LL + j;
        pr.offer_id = "FIN-" + std::to_string(j + 1);
        pr.name = kNames[j];
        pr.price = kPrices[j];
        s.products.push_back(pr);
    }
    // Hours of the day (MSK, 08..21) a delivery happens in, weighted: more after work.
    static const int kHourWeight[14] = {2, 3, 4, 5, 6, 6, 6, 7, 8, 9, 10, 10, 8, 5};
    int weight_total = 0;
    for (int w : kHourWeight) weight_total += w;

    SplitMix rng{0x6f7a6f6e66696e31ULL};  // fixed seed: the same month on every run
    // Day 0 = 30 Moscow days before start's Moscow date; the last day is the day before it.
    const sys_days today{floor<days>(start + kMoscow)};
    const TimePoint first_midnight = TimePoint(time_point_cast<Millis>(today - days(30) - kMoscow));
    std::int64_t next_id = 2000000001;
    auto add_accrual = [&](Accrual a) {
        a.id = next_id++;
        if (a.date > start) a.appears_at = a.date;  // not there before its day
        s.accruals.push_back(std::move(a));
    };
    s.postings.reserve(s.postings.size() + static_cast<std::size_t>(n));
    s.accruals.reserve(s.accruals.size() + static_cast<std::size_t>(n) * 2 + 16);
    for (int i = 0; i < n; ++i) {
        Posting p;
        char num[32];
        std::snprintf(num, sizeof num, "7%08d-0002-1", i + 1);
        p.posting_number = num;
        p.order_number = p.posting_number.substr(0, p.posting_number.size() - 2);
        p.order_id = 70000000000LL + i + 1;
        p.warehouse_id = kWarehouse;
        const long long day = static_cast<long long>(i) * 30 / n;
        long long pick = rng.below(weight_total);
        int hour = 0;
        while (pick >= kHourWeight[hour]) pick -= kHourWeight[hour++];
        const TimePoint delivered = first_midnight + days(day) + hours(8 + hour) + minutes(rng.below(60)) +
                                    seconds(rng.below(60));
        // Ordered 2-7 days before the delivery, handed over within the shipping day.
        p.in_process_at = delivered - hours(48 + rng.below(120));
        p.shipment_date = p.in_process_at + hours(24);
        p.delivering_date = p.in_process_at + hours(4 + rng.below(18));
        p.status = "delivered";
        p.substatus = default_substatus(p.status);
        p.history.push_back({p.in_process_at, "awaiting_packaging", default_substatus("awaiting_packaging")});
        p.history.push_back({*p.delivering_date, "delivering", default_substatus("delivering")});
        p.history.push_back({delivered, "delivered", p.substatus});
        p.status_changed_at = delivered;
        // 85 % one item, 10 % two of the same, 5 % two different products.
        const long long shape = rng.below(100);
        const int j = static_cast<int>(rng.below(10));
        const Product& pr = s.products[first_product + static_cast<std::size_t>(j)];
        p.products.push_back({pr.sku, pr.offer_id, pr.name, shape >= 85 && shape < 95 ? 2 : 1, pr.price});
        if (shape >= 95) {
            const Product& other = s.products[first_product + static_cast<std::size_t>((j + 3) % 10)];
            p.products.push_back({other.sku, other.offer_id, other.name, 1, other.price});
        }
        double total = 0;
        for (const auto& x : p.products) total += x.price * x.quantity;
        // 7919 is prime to 1000: every run of 1000 indices gets the whole mix.
        const int k = static_cast<int>((static_cast<long long>(i) * 7919) % 1000);
        const std::int64_t sku = p.products.front().sku;
        const TimePoint accrued = delivered + hours(24 + rng.below(48)) + minutes(rng.below(60));
        const double commission = -money2(total * kCommission[j % 4]);
        const double logistics = -static_cast<double>(63 + rng.below(118));
        const double last_mile = -money2(std::min(std::max(total * 0.055, 20.0), 500.0));
        if (k >= 10) {
            Accrual a;
            a.posting_number = p.posting_number;
            a.unit_number = p.posting_number;
            a.date = accrued;
            a.sku = sku;
            if (k >= 20) a.items.push_back({1, find_accrual_type(1)->name, total});
            a.items.push_back({2, find_accrual_type(2)->name, commission});
            a.items.push_back({3, find_accrual_type(3)->name, logistics});
            a.items.push_back({6, find_accrual_type(6)->name, last_mile});
            add_accrual(std::move(a));
            if (k >= 20) {
                Accrual b;
                b.posting_number = p.posting_number;
                b.unit_number = p.posting_number;
                b.date = accrued + hours(24 * rng.below(2)) + minutes(rng.below(120));
                b.sku = sku;
                b.items.push_back({10, find_accrual_type(10)->name, -money2(total * 0.015)});
                add_accrual(std::move(b));
            }
        }
        s.postings.push_back(std::move(p));
    }
    // Not tied to a posting: every third day a promotion, storage, correction or compensation.
    static const char* const kNonItem[] = {"promotion", "storage", "correction", "compensation"};
    for (int d = 1, m = 0; d < 30; d += 3, ++m) {
        const AccrualType* t = find_accrual_type(kNonItem[m % 4]);
        Accrual a;
        a.category = "NON_ITEM";
        char unit[32];
        std::snprintf(unit, sizeof unit, "ДОК-%06d", 100 + m);
        a.unit_number = unit;
        a.date = first_midnight + days(d) + hours(20);
        const double amount = m % 4 == 3 ? 1500.0 + rng.below(3000) : -(150.0 + rng.below(1500));
        a.items.push_back({t->id, t->name, amount});
        add_accrual(std::move(a));
    }
}

GeneratedStocks generated_stock_counts(int n) {
    GeneratedStocks g;
    if (n <= 0) return g;
    const long long per_mille = n;
    g.suspicious = static_cast<int>(per_mille / 1000);
    g.insales_differs = static_cast<int>(per_mille * 3 / 1000);
    g.onec_differs = static_cast<int>(per_mille * 2 / 1000);
    g.only_ozon = static_cast<int>(per_mille / 1000);
    g.only_insales = static_cast<int>(per_mille / 1000);
    g.insales_null = static_cast<int>(per_mille * 5 / 1000);
    return g;
}

void add_generated_stocks(Scenario& s, int n, TimePoint start) {
    if (n <= 0) return;
    constexpr std::int64_t kWh1 = 1020000000000901LL, kWh2 = 1020000000000902LL;
    auto add_warehouse = [&](std::int64_t id, const char* name) {
        if (std::none_of(s.warehouses.begin(), s.warehouses.end(), [&](const Warehouse& w) { return w.id == id; }))
            s.warehouses.push_back({id, name, false, "created"});
    };
    add_warehouse(kWh1, "Склад Москва, Каширское шоссе 41");
    add_warehouse(kWh2, "Склад Подольск, Комсомольская 2");
    if (!s.insales) {
        InsalesShop shop;
        shop.login = "stocks-app";
        shop.password = "stocks-pass";
        s.insales = std::move(shop);
    }
    if (!s.onec) {
        Onec o;
        o.mtime = start;
        for (const char* name : {"Основной склад", "Магазин на Тверской"})
            o.warehouses.push_back({onec_guid(std::string("warehouse:") + name), name});
        s.onec = std::move(o);
    }
    if (s.onec->warehouses.empty()) s.onec->warehouses.push_back({onec_guid("warehouse:Основной склад"), "Основной склад"});

    static const char* const kNames[] = {"Футболка базовая",   "Платье миди",      "Джинсы прямые",  "Рубашка льняная",
                                         "Юбка плиссе",        "Худи оверсайз",    "Брюки палаццо",  "Кардиган вязаный",
                                         "Свитшот с принтом",  "Жакет укороченный", "Топ на бретелях", "Шорты джинсовые"};
    static const char* const kColours[] = {"белый", "чёрный", "бежевый", "синий", "графит", "молочный", "оливковый"};
    static const char* const kSizes[] = {"XS", "S", "M", "L", "XL", "42", "44", "46", "48"};
    static const double kPrices[] = {990, 1490, 1990, 2490, 2990, 3490, 3990, 4490, 5990};

    enum Kind : unsigned char { agree, suspicious, insales_differs, onec_differs, only_ozon, insales_null };
    const GeneratedStocks counts = generated_stock_counts(n);
    SplitMix rng{0x73746f636b733031ULL};  // fixed seed: the same shop on every run
    std::vector<int> order(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
    for (int i = n - 1; i > 0; --i)
        std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(rng.below(i + 1))]);
    std::vector<unsigned char> kind(static_cast<std::size_t>(n), agree);
    std::size_t pos = 0;
    auto take = [&](int count, Kind k) {
        for (int j = 0; j < count; ++j) kind[static_cast<std::size_t>(order[pos++])] = k;
    };
    take(counts.suspicious, suspicious);
    take(counts.insales_differs, insales_differs);
    take(counts.onec_differs, onec_differs);
    take(counts.only_ozon, only_ozon);
    take(counts.insales_null, insales_null);

    // EAN-13 from a 12-digit body.
    auto ean13 = [](long long body) {
        char d[14];
        std::snprintf(d, sizeof d, "%012lld", body);
        int sum = 0;
        for (int k = 0; k < 12; ++k) sum += (d[k] - '0') * (k % 2 ? 3 : 1);
        d[12] = static_cast<char>('0' + (10 - sum % 10) % 10);
        d[13] = 0;
        return std::string(d);
    };
    auto differ = [&](int q) {  // another plausible figure
        if (q >= 3 && rng.below(2)) return q - 1 - static_cast<int>(rng.below(std::min(q, 5)));
        return q + 1 + static_cast<int>(rng.below(5));
    };
    auto& shop = *s.insales;
    auto& onec = *s.onec;
    const std::string wh_main = onec.warehouses.front().id;
    const std::string wh_shop = onec.warehouses.size() > 1 ? onec.warehouses[1].id : std::string();
    s.products.reserve(s.products.size() + static_cast<std::size_t>(n));
    shop.products.reserve(shop.products.size() + static_cast<std::size_t>(n / 2 + counts.only_insales + 1));
    onec.offers.reserve(onec.offers.size() + static_cast<std::size_t>(n));
    std::int64_t next_shop_product = 400000001;
    int left_in_group = 0;
    std::string title, product_guid;
    double price = 0;
    int suspicious_seen = 0;
    for (int i = 0; i < n; ++i) {
        if (left_in_group == 0) {  // a new InSales product: one to three sizes of one item
            left_in_group = 1 + static_cast<int>(rng.below(3));
            title = std::string(kNames[rng.below(12)]) + ", " + kColours[rng.below(7)];
            price = kPrices[rng.below(9)];
            shop.products.push_back({next_shop_product, title, {}});
            product_guid = onec_guid("product:" + std::to_string(next_shop_product));
            ++next_shop_product;
        }
        --left_in_group;
        char art[24];
        std::snprintf(art, sizeof art, "STK-%06d", i + 1);
        const Kind k = static_cast<Kind>(kind[static_cast<std::size_t>(i)]);
        Product p;
        p.offer_id = art;
        p.product_id = 190000001LL + i;
        p.sku = 1900000001LL + i;
        p.name = title + ", " + kSizes[rng.below(9)];
        p.price = price;
        int q = rng.below(100) < 6 ? 0 : 1 + static_cast<int>(rng.below(60));
        int ozon = q, in_shop = q, in_onec = q;
        if (k == suspicious) {
            q = 1 + static_cast<int>(rng.below(9));
            ozon = suspicious_seen++ % 2 == 0 ? 1000 : 100;
            in_shop = in_onec = q;
        } else if (k == insales_differs) {
            in_shop = in_onec = differ(q);
        } else if (k == onec_differs) {
            in_onec = differ(q);
        }
        if (k != suspicious && rng.below(3) == 0) {  // on two warehouses
            const int a = static_cast<int>(rng.below(ozon + 1));
            p.fbs.push_back({kWh1, a, 0});
            p.fbs.push_back({kWh2, ozon - a, 0});
        } else {
            p.fbs.push_back({rng.below(4) == 0 ? kWh2 : kWh1, ozon, 0});
        }
        const std::string barcode = ean13(460000000000LL + i + 1);
        if (k != only_ozon) {
            InsalesVariant v;
            v.id = 500000001LL + i;
            v.sku = p.offer_id;
            v.barcode = barcode;
            v.price = price;
            v.quantity = k == insales_null ? std::optional<int>() : std::optional<int>(in_shop);
            shop.products.back().variants.push_back(std::move(v));
            OnecOffer o;
            o.id = product_guid + "#" + onec_guid(std::string("offer:") + art);
            o.article = p.offer_id;
            o.barcode = barcode;
            o.name = p.name;
            o.price = price;
            o.quantity = in_onec;
            if (!wh_shop.empty() && in_onec > 0) {
                const int at_shop = static_cast<int>(rng.below(std::min(in_onec, 3) + 1));
                o.by_warehouse.emplace_back(wh_main, in_onec - at_shop);
                if (at_shop > 0) o.by_warehouse.emplace_back(wh_shop, at_shop);
            } else {
                o.by_warehouse.emplace_back(wh_main, in_onec);
            }
            onec.offers.push_back(std::move(o));
        }
        s.products.push_back(std::move(p));
    }
    // An InSales product whose only variants are on Ozon only would be empty: drop it.
    shop.products.erase(std::remove_if(shop.products.begin(), shop.products.end(),
                                       [](const InsalesProduct& p) { return p.variants.empty(); }),
                        shop.products.end());
    // Articles the shop has but never put on Ozon (and 1C does not list).
    for (int j = 0; j < counts.only_insales; ++j) {
        char art[24];
        std::snprintf(art, sizeof art, "STK-I%06d", j + 1);
        InsalesProduct p{next_shop_product++, std::string(kNames[rng.below(12)]) + ", " + kColours[rng.below(7)], {}};
        InsalesVariant v;
        v.id = 590000001LL + j;
        v.sku = art;
        v.barcode = ean13(469000000000LL + j + 1);
        v.price = kPrices[rng.below(9)];
        v.quantity = 1 + static_cast<int>(rng.below(20));
        p.variants.push_back(std::move(v));
        shop.products.push_back(std::move(p));
    }
}

namespace {

void parse_generate(const Ctx& c, const YAML::Node& n, Scenario& s) {
    check_keys(c, n, "generate",
               {"postings", "returns", "reviews", "products", "chats", "status", "shop", "finance", "stocks"});
    if (const int stocks = static_cast<int>(i64(c, n, "stocks", 0)); stocks > 0) {
        for (const auto& p : s.products)  // the generated articles must not meet a listed one
            if (p.offer_id.rfind("STK-", 0) == 0)
                fail(c, n["stocks"], "generate: stocks: offer_id " + p.offer_id +
                                         " is listed under 'products' and taken by the generated ones");
        add_generated_stocks(s, stocks, c.start);
    }
    if (const int shop = static_cast<int>(i64(c, n, "shop", 0)); shop > 0) add_generated_shop(s, shop, c.start);
    if (const int finance = static_cast<int>(i64(c, n, "finance", 0)); finance > 0) {
        for (const auto& a : s.accruals)  // the generated ids must not meet a listed one
            if (a.id > 2000000000LL && a.id <= 2000000000LL + 2LL * finance + 16)
                fail(c, n["finance"], "generate: finance: accrual id " + std::to_string(a.id) +
                                          " is listed under 'accruals' and taken by the generated ones");
        add_generated_finance(s, finance, c.start);
    }
    auto wh = s.warehouses.empty() ? 0 : s.warehouses.front().id;
    int products = static_cast<int>(i64(c, n, "products", 0));
    for (int i = 1; i <= products; ++i) {
        Product p;
        p.offer_id = "GEN-" + std::to_string(i);
        p.product_id = 500000000 + i;
        p.sku = 1500000000 + i;
        p.name = "Товар " + std::to_string(i);
        p.price = 1000 + i;
        if (wh) p.fbs.push_back({wh, i % 50, 0});
        s.products.push_back(p);
    }
    int postings = static_cast<int>(i64(c, n, "postings", 0));
    std::string status = str(c, n, "status", "awaiting_packaging");
    for (int i = 1; i <= postings; ++i) {
        Posting p;
        char num[32];
        std::snprintf(num, sizeof num, "9%08d-0001-1", i);
        p.posting_number = num;
        p.order_number = p.posting_number.substr(0, p.posting_number.size() - 2);
        p.order_id = 40000000000LL + i;
        p.status = status;
        p.substatus = default_substatus(status);
        p.warehouse_id = wh;
        p.in_process_at = c.start - std::chrono::minutes(10 * (postings - i + 1));
        p.shipment_date = p.in_process_at + std::chrono::hours(24);
        p.history.push_back({p.in_process_at, status, p.substatus});
        p.status_changed_at = p.in_process_at;
        p.products.push_back({1500000000LL + i, "GEN-" + std::to_string(i), "Товар " + std::to_string(i), 1, 1000.0 + i});
        s.postings.push_back(p);
    }
    add_generated_returns(s, static_cast<int>(i64(c, n, "returns", 0)), c.start);
    int reviews = static_cast<int>(i64(c, n, "reviews", 0));
    for (int i = 1; i <= reviews; ++i) {
        Review r;
        char id[64];
        std::snprintf(id, sizeof id, "019a0000-0000-7000-8000-%012d", i);
        r.id = id;
        r.sku = 1500000000LL + i;
        r.rating = 1 + i % 5;
        r.text = "Отзыв " + std::to_string(i);
        r.published_at = c.start - std::chrono::minutes(10 * (reviews - i + 1));
        s.reviews.push_back(r);
    }
    int chats = static_cast<int>(i64(c, n, "chats", 0));
    for (int i = 1; i <= chats; ++i) {
        Chat ch;
        ch.chat_id = "gen-chat-" + std::to_string(i);
        ch.unread_count = i % 3;
        ch.created_at = c.start - std::chrono::hours(i);
        ch.last_message_id = 3000000000000000000LL + i;
        s.chats.push_back(ch);
    }
}

Onec parse_onec(const Ctx& c, const YAML::Node& n, const Scenario& s) {
    check_keys(c, n, "onec", {"mtime", "partial", "warehouses", "offers"});
    Onec x;
    x.mtime = time_or(c, n, "mtime", s.start);
    x.partial = boolean(c, n, "partial", false);
    for (const auto& w : seq(c, n, "warehouses")) {
        check_keys(c, w, "onec warehouse", {"id", "name"});
        OnecWarehouse y;
        y.name = str(c, w, "name", "Основной склад");
        y.id = str(c, w, "id", onec_guid("warehouse:" + y.name));
        for (const auto& other : x.warehouses)
            if (other.id == y.id) fail(c, w, "onec warehouse: duplicate id " + y.id);
        x.warehouses.push_back(y);
    }
    if (x.warehouses.empty()) x.warehouses.push_back({onec_guid("warehouse:Основной склад"), "Основной склад"});
    const Product* ozon = nullptr;
    for (const auto& o : seq(c, n, "offers")) {
        check_keys(c, o, "onec offer", {"article", "quantity", "barcode", "id", "name", "price", "by_warehouse"});
        OnecOffer y;
        y.article = req_str(c, o, "article", "onec offer");
        if (!o["quantity"].IsDefined() || o["quantity"].IsNull())
            fail(c, o, "onec offer " + y.article + ": 'quantity' is required");
        y.quantity = static_cast<int>(i64(c, o, "quantity"));
        ozon = find_product(&s.products, y.article);
        const InsalesVariant* shop = nullptr;
        const InsalesProduct* shop_product = nullptr;
        if (s.insales)
            for (const auto& p : s.insales->products)
                for (const auto& v : p.variants)
                    if (!shop && v.sku == y.article) {
                        shop = &v;
                        shop_product = &p;
                    }
        y.id = str(c, o, "id", onec_guid("offer:" + y.article));
        y.name = str(c, o, "name", ozon ? ozon->name : shop_product ? shop_product->title : y.article);
        y.barcode = str(c, o, "barcode", shop ? shop->barcode : std::string());
        y.price = num(c, o, "price", ozon ? ozon->price : shop ? shop->price : 0);
        if (auto bw = o["by_warehouse"]; bw.IsDefined() && !bw.IsNull()) {
            if (!bw.IsMap()) fail(c, bw, "onec offer " + y.article + ": 'by_warehouse' must map warehouse ids to quantities");
            for (const auto& kv : bw) {
                auto id = kv.first.as<std::string>();
                if (std::none_of(x.warehouses.begin(), x.warehouses.end(), [&](const OnecWarehouse& w) { return w.id == id; }))
                    fail(c, kv.first, "onec offer " + y.article + ": unknown warehouse '" + id + "' (not under onec.warehouses)");
                try {
                    y.by_warehouse.emplace_back(id, kv.second.as<int>());
                } catch (const YAML::Exception&) {
                    fail(c, kv.second, "onec offer " + y.article + ": quantity at '" + id + "' must be an integer");
                }
            }
        }
        for (const auto& other : x.offers)
            if (other.id == y.id) fail(c, o, "onec offer " + y.article + ": duplicate id " + y.id);
        x.offers.push_back(std::move(y));
    }
    return x;
}

Scenario parse_root(const YAML::Node& root, const std::string& origin) {
    Ctx c{origin, {}};
    if (!root.IsMap()) fail(c, root, "a scenario must be a YAML mapping");
    check_keys(c, root, "scenario",
               {"name", "description", "start", "accounts", "warehouses", "products", "postings",
                "returns", "rfbs_returns", "dropoff_points", "accruals", "payouts", "reviews", "chats",
                "insales", "onec", "telegram", "events", "generate", "push"});
    Scenario s;
    s.name = str(c, root, "name", origin);
    s.description = str(c, root, "description");
    if (!root["start"].IsDefined()) fail(c, root, "'start' is required (e.g. start: 2026-11-26T04:00:00Z)");
    {
        auto t = parse_iso8601(root["start"].as<std::string>());
        if (!t) fail(c, root["start"], "'start' must be an ISO-8601 UTC time, e.g. 2026-11-26T04:00:00Z");
        s.start = *t;
        c.start = *t;
    }
    for (const auto& a : seq(c, root, "accounts")) {
        check_keys(c, a, "account", {"client_id", "api_key", "key_expires_at", "roles",
                                      "review_subscription", "deactivated"});
        Account acc;
        acc.client_id = req_str(c, a, "client_id", "account");
        acc.api_key = req_str(c, a, "api_key", "account");
        acc.key_expires_at = time_or(c, a, "key_expires_at", s.start + std::chrono::hours(24 * 90));
        for (const auto& r : seq(c, a, "roles")) acc.roles.push_back(r.as<std::string>());
        if (acc.roles.empty()) acc.roles = {"Admin"};
        acc.review_subscription = boolean(c, a, "review_subscription", true);
        acc.deactivated = boolean(c, a, "deactivated", false);
        s.accounts.push_back(acc);
    }
    if (s.accounts.empty()) fail(c, root, "at least one account is required under 'accounts'");
    for (const auto& w : seq(c, root, "warehouses")) {
        check_keys(c, w, "warehouse", {"id", "name", "is_rfbs", "status"});
        Warehouse x;
        x.id = i64(c, w, "id", 0);
        if (x.id == 0) fail(c, w, "warehouse: 'id' is required");
        x.name = str(c, w, "name", std::to_string(x.id));
        x.is_rfbs = boolean(c, w, "is_rfbs", false);
        x.status = str(c, w, "status", "created");
        s.warehouses.push_back(x);
    }
    const std::int64_t default_wh = s.warehouses.empty() ? 0 : s.warehouses.front().id;
    for (const auto& p : seq(c, root, "products")) {
        check_keys(c, p, "product", {"product_id", "sku", "offer_id", "name", "price", "fbs", "fbo",
                                      "fbo_reserved"});
        Product x;
        x.offer_id = req_str(c, p, "offer_id", "product");
        x.product_id = i64(c, p, "product_id", stable_id(x.offer_id, 100000000LL));
        x.sku = i64(c, p, "sku", stable_id(x.offer_id, 1000000000LL));
        x.name = str(c, p, "name", x.offer_id);
        x.price = num(c, p, "price", 1000);
        auto fbs = p["fbs"];
        if (fbs.IsDefined() && fbs.IsScalar()) {
            x.fbs.push_back({default_wh, static_cast<int>(i64(c, p, "fbs")), 0});
        } else {
            for (const auto& st : seq(c, p, "fbs")) {
                check_keys(c, st, "fbs stock", {"warehouse_id", "present", "reserved"});
                x.fbs.push_back({i64(c, st, "warehouse_id", default_wh),
                                 static_cast<int>(i64(c, st, "present", 0)),
                                 static_cast<int>(i64(c, st, "reserved", 0))});
            }
        }
        x.fbo_present = static_cast<int>(i64(c, p, "fbo", 0));
        x.fbo_reserved = static_cast<int>(i64(c, p, "fbo_reserved", 0));
        s.products.push_back(x);
    }
    std::set<std::string> numbers;
    for (const auto& p : seq(c, root, "postings")) {
        auto post = parse_posting(c, p, &s.products, default_wh);
        if (!numbers.insert(post.posting_number).second)
            fail(c, p, "duplicate posting_number " + post.posting_number);
        s.postings.push_back(std::move(post));
    }
    std::set<std::int64_t> return_ids;
    for (const auto& r : seq(c, root, "returns")) {
        auto ret = parse_return(c, r, &s.products);
        if (!return_ids.insert(ret.id).second) fail(c, r, "duplicate return id " + std::to_string(ret.id));
        s.returns.push_back(std::move(ret));
    }
    std::set<std::int64_t> rfbs_ids;
    for (const auto& r : seq(c, root, "rfbs_returns")) {
        check_keys(c, r, "rfbs return", {"return_id", "return_number", "posting_number", "offer_id",
                                          "product_name", "sku", "price", "created_at", "group_state",
                                          "state", "state_name", "reason", "defect", "comment", "photos",
                                          "warehouse_id"});
        RfbsReturn x;
        x.posting_number = req_str(c, r, "posting_number", "rfbs return");
        x.return_id = i64(c, r, "return_id", stable_id("rfbs" + x.posting_number, 8000000000LL));
        x.return_number = str(c, r, "return_number", "RET-" + std::to_string(x.return_id));
        x.offer_id = req_str(c, r, "offer_id", "rfbs return");
        const Product* cat = find_product(&s.products, x.offer_id);
        x.product_name = str(c, r, "product_name", cat ? cat->name : x.offer_id);
        x.sku = i64(c, r, "sku", cat ? cat->sku : 0);
        x.price = num(c, r, "price", cat ? cat->price : 0);
        x.created_at = time_or(c, r, "created_at", s.start - std::chrono::hours(3));
        x.state = str(c, r, "state", "ON_APPROVAL");
        auto info = rfbs_state_of(c, r, x.state, "rfbs return");
        x.group_state = info.group_state;
        x.state_name = info.state_name;
        x.return_reason = str(c, r, "reason");
        x.return_reason_is_defect = boolean(c, r, "defect", false);
        x.client_comment = str(c, r, "comment");
        for (const auto& ph : seq(c, r, "photos")) {
            if (!ph.IsScalar()) fail(c, ph, "rfbs return: 'photos' must be a list of URLs");
            x.client_photo.push_back(ph.as<std::string>());
        }
        x.warehouse_id = i64(c, r, "warehouse_id", 0);
        if (!rfbs_ids.insert(x.return_id).second)
            fail(c, r, "duplicate rfbs return_id " + std::to_string(x.return_id));
        s.rfbs_returns.push_back(x);
    }
    for (const auto& d : seq(c, root, "dropoff_points")) {
        check_keys(c, d, "drop-off point", {"place_id", "name", "address", "pass_required", "pass_count"});
        DropOffPoint x;
        x.place_id = i64(c, d, "place_id", 0);
        if (x.place_id == 0) fail(c, d, "drop-off point: 'place_id' is required");
        x.name = str(c, d, "name");
        x.address = str(c, d, "address");
        x.pass_required = boolean(c, d, "pass_required", false);
        x.pass_count = static_cast<int>(i64(c, d, "pass_count", x.pass_required ? 1 : 0));
        s.dropoff_points.push_back(x);
    }
    for (const auto& a : seq(c, root, "accruals")) {
        // Known keys: the fixed ones and one shortcut per accrual type (sale, commission, ...).
        if (!a.IsMap()) fail(c, a, "accrual: expected a mapping");
        static const std::set<std::string> fixed = {"id", "posting_number", "unit_number", "category", "date",
                                                    "appears_at", "late", "sku", "items"};
        for (const auto& kv : a) {
            auto key = kv.first.as<std::string>();
            if (fixed.count(key) || find_accrual_type(key)) continue;
            std::string list = "id, posting_number, unit_number, category, date, appears_at, late, sku, items";
            for (const auto& t : accrual_types()) list += std::string(", ") + t.key;
            fail(c, kv.first, "accrual: unknown key '" + key + "' (known: " + list + ")");
        }
        Accrual x;
        x.id = i64(c, a, "id", 0);
        x.posting_number = str(c, a, "posting_number");
        x.unit_number = str(c, a, "unit_number", x.posting_number);
        if (x.unit_number.empty()) fail(c, a, "accrual: 'posting_number' or 'unit_number' is required");
        x.category = str(c, a, "category", "POSTING");
        static const std::set<std::string> categories = {"POSTING", "ITEM", "NON_ITEM", "CONTAINER_FEES"};
        if (!categories.count(x.category))
            fail(c, a["category"], "accrual: 'category' must be POSTING, ITEM, NON_ITEM or CONTAINER_FEES");
        if ((x.category == "POSTING" || x.category == "ITEM") && x.posting_number.empty())
            fail(c, a, "accrual: a " + x.category + " accrual needs 'posting_number'");
        x.date = time_or(c, a, "date", s.start - std::chrono::hours(24));
        x.appears_at = opt_time(c, a, "appears_at");
        if (a["late"].IsDefined()) {
            if (x.appears_at) fail(c, a["late"], "accrual: give 'appears_at' or 'late', not both");
            auto text = str(c, a, "late");
            auto d = parse_duration(std::string_view(text).substr(!text.empty() && text[0] == '+' ? 1 : 0));
            if (!d || (!text.empty() && text[0] == '-'))
                fail(c, a["late"], "accrual: bad 'late' '" + text + "' (want e.g. +2d: the accrual appears that long after its date)");
            x.appears_at = x.date + *d;
        }
        x.sku = i64(c, a, "sku", 0);
        // Shortcut lines in the order of /v1/finance/accrual/types, then `items`.
        for (const auto& t : accrual_types())
            if (a[t.key].IsDefined()) x.items.push_back({t.id, t.name, num(c, a, t.key)});
        for (const auto& it : seq(c, a, "items")) {
            check_keys(c, it, "accrual item", {"type_id", "type", "name", "amount"});
            const AccrualType* t = nullptr;
            if (it["type"].IsDefined()) {
                t = find_accrual_type(str(c, it, "type"));
                if (!t) fail(c, it["type"], "accrual item: unknown 'type' (a key of /v1/finance/accrual/types, e.g. logistics)");
            } else {
                t = find_accrual_type(static_cast<int>(i64(c, it, "type_id", 0)));
                if (!t) fail(c, it, "accrual item: 'type_id' (or 'type') must name one of /v1/finance/accrual/types");
            }
            if (!it["amount"].IsDefined()) fail(c, it, "accrual item: 'amount' is required");
            x.items.push_back({t->id, str(c, it, "name", t->name), num(c, it, "amount", 0)});
        }
        if (x.items.empty()) fail(c, a, "accrual: no lines (give e.g. sale/commission/logistics or items)");
        if (x.category == "NON_ITEM" && x.items.size() != 1)
            fail(c, a, "accrual: a NON_ITEM accrual has exactly one line (non_item_fee)");
        s.accruals.push_back(x);
    }
    {
        std::set<std::int64_t> ids;
        for (std::size_t i = 0; i < s.accruals.size(); ++i) {
            auto& x = s.accruals[i];
            if (x.id == 0) x.id = 900000001 + static_cast<std::int64_t>(i);
            if (!ids.insert(x.id).second)
                fail(c, root["accruals"], "accruals: duplicate id " + std::to_string(x.id));
        }
    }
    for (const auto& p : seq(c, root, "payouts")) {
        check_keys(c, p, "payout", {"period", "paid_at", "amount", "unpaid"});
        Payout x;
        auto day = req_str(c, p, "period", "payout");
        auto period = payout_period_of_day(day);
        if (!period) fail(c, p["period"], "payout: 'period' must be a date YYYY-MM-DD (a day of the period, e.g. 2026-11-01)");
        x.period = period->first_day;
        x.paid_at = opt_time(c, p, "paid_at");
        if (p["amount"].IsDefined()) x.amount = num(c, p, "amount");
        x.unpaid = boolean(c, p, "unpaid", false);
        if (x.unpaid && (x.paid_at || x.amount)) fail(c, p, "payout: an unpaid period has no 'paid_at' or 'amount'");
        for (const auto& o : s.payouts)
            if (o.period == x.period) fail(c, p, "payout: period " + x.period + " is listed twice");
        s.payouts.push_back(x);
    }
    for (const auto& r : seq(c, root, "reviews")) s.reviews.push_back(parse_review(c, r, &s.products));
    for (const auto& ch : seq(c, root, "chats")) {
        check_keys(c, ch, "chat", {"chat_id", "type", "status", "unread", "created_at", "last_message_id"});
        Chat x;
        x.chat_id = req_str(c, ch, "chat_id", "chat");
        x.chat_type = str(c, ch, "type", "BUYER_SELLER");
        x.chat_status = str(c, ch, "status", "OPENED");
        x.unread_count = static_cast<int>(i64(c, ch, "unread", 0));
        x.created_at = time_or(c, ch, "created_at", s.start - std::chrono::hours(5));
        x.last_message_id = i64(c, ch, "last_message_id", stable_id(x.chat_id, 3000000000000000000LL));
        s.chats.push_back(x);
    }
    if (auto in = root["insales"]; in.IsDefined() && !in.IsNull()) {
        check_keys(c, in, "insales", {"login", "password", "api_usage", "products"});
        InsalesShop shop;
        shop.login = req_str(c, in, "login", "insales");
        shop.password = req_str(c, in, "password", "insales");
        shop.api_usage = static_cast<int>(i64(c, in, "api_usage", 0));
        for (const auto& p : seq(c, in, "products")) {
            check_keys(c, p, "insales product", {"id", "title", "variants"});
            InsalesProduct x;
            x.title = req_str(c, p, "title", "insales product");
            x.id = i64(c, p, "id", stable_id(x.title, 200000000LL));
            for (const auto& v : seq(c, p, "variants")) {
                check_keys(c, v, "insales variant", {"id", "sku", "barcode", "price", "quantity"});
                InsalesVariant y;
                y.sku = req_str(c, v, "sku", "insales variant");
                y.id = i64(c, v, "id", stable_id(y.sku, 300000000LL));
                y.barcode = str(c, v, "barcode");
                y.price = num(c, v, "price", 0);
                if (auto q = v["quantity"]; q.IsDefined() && q.IsNull())
                    y.quantity = std::nullopt;  // `quantity: null`: stock not tracked
                else
                    y.quantity = static_cast<int>(i64(c, v, "quantity", 0));
                x.variants.push_back(y);
            }
            shop.products.push_back(x);
        }
        s.insales = shop;
    }
    for (const auto& t : seq(c, root, "telegram")) {
        check_keys(c, t, "telegram bot", {"token", "chats"});
        TelegramBot bot;
        bot.token = req_str(c, t, "token", "telegram bot");
        for (const auto& ch : seq(c, t, "chats")) {
            check_keys(c, ch, "telegram chat", {"id", "blocked", "migrated_to"});
            TelegramChat x;
            x.chat_id = req_str(c, ch, "id", "telegram chat");
            x.blocked = boolean(c, ch, "blocked", false);
            if (ch["migrated_to"].IsDefined()) x.migrated_to = i64(c, ch, "migrated_to");
            bot.chats.push_back(x);
        }
        s.telegram.push_back(bot);
    }
    if (auto pu = root["push"]; pu.IsDefined() && !pu.IsNull()) {
        check_keys(c, pu, "push", {"ping_every", "account"});
        if (auto pe = pu["ping_every"]; pe.IsDefined() && !pe.IsNull()) {
            auto d = pe.IsScalar() ? parse_duration(pe.as<std::string>()) : std::nullopt;
            // Below a second a long clock move would queue millions of pings.
            if (!d || *d < std::chrono::seconds(1))
                fail(c, pe, "push: 'ping_every' must be a duration of at least 1s (e.g. 1h)");
            s.push.ping_every = *d;
        }
        s.push.account = str(c, pu, "account");
        if (!s.push.account.empty() &&
            std::none_of(s.accounts.begin(), s.accounts.end(),
                         [&](const Account& a) { return a.client_id == s.push.account; }))
            fail(c, pu["account"], "push: unknown account '" + s.push.account + "' (not under 'accounts')");
    }
    if (auto o = root["onec"]; o.IsDefined() && !o.IsNull()) s.onec = parse_onec(c, o, s);
    if (auto g = root["generate"]; g.IsDefined() && !g.IsNull()) parse_generate(c, g, s);
    // Returns are kept sorted by id: /v1/returns/list pages by last_id with a binary search.
    std::stable_sort(s.returns.begin(), s.returns.end(),
                     [](const Return& a, const Return& b) { return a.id < b.id; });
    for (std::size_t i = 1; i < s.returns.size(); ++i)
        if (s.returns[i].id == s.returns[i - 1].id)
            fail(c, root, "duplicate return id " + std::to_string(s.returns[i].id) +
                              " (a listed return and a generated one)");
    auto has_return = [&](std::int64_t id) {
        auto it = std::lower_bound(s.returns.begin(), s.returns.end(), id,
                                   [](const Return& r, std::int64_t v) { return r.id < v; });
        return it != s.returns.end() && it->id == id;
    };
    for (const auto& e : seq(c, root, "events")) {
        check_keys(c, e, "event", {"at", "description", "posting", "status", "substatus",
                                    "cancellation", "add_posting", "add_return", "add_review",
                                    "set_stock", "chat_unread", "return_status", "rfbs_state",
                                    "set_cutoff"});
        TimedEvent ev;
        if (!e["at"].IsDefined()) fail(c, e, "event: 'at' is required (e.g. at: +2h)");
        ev.at = time_value(c, e["at"], "at");
        ev.description = str(c, e, "description");
        // A posting of the scenario, generated, or added by an earlier add_posting event.
        auto known_posting = [&](const std::string& number) {
            return numbers.count(number) ||
                   std::any_of(s.events.begin(), s.events.end(),
                               [&](const TimedEvent& o) { return o.posting && o.posting->posting_number == number; }) ||
                   std::any_of(s.postings.begin(), s.postings.end(),
                               [&](const Posting& p) { return p.posting_number == number; });
        };
        if (auto cut = e["set_cutoff"]; cut.IsDefined()) {
            check_keys(c, cut, "set_cutoff", {"posting", "cutoff"});
            ev.kind = "set_cutoff";
            ev.posting_number = req_str(c, cut, "posting", "set_cutoff");
            if (!known_posting(ev.posting_number))
                fail(c, cut["posting"], "event: unknown posting " + ev.posting_number);
            if (!cut["cutoff"].IsDefined() || cut["cutoff"].IsNull())
                fail(c, cut, "set_cutoff: 'cutoff' is required (the new shipment_date, e.g. +1d)");
            ev.cutoff = time_value(c, cut["cutoff"], "cutoff");
            if (ev.description.empty())
                ev.description = "posting " + ev.posting_number + " must be shipped by " + format_iso8601(*ev.cutoff);
        } else if (e["posting"].IsDefined()) {
            ev.kind = "posting_status";
            ev.posting_number = req_str(c, e, "posting", "event");
            ev.status = req_str(c, e, "status", "event");
            if (!known_statuses().count(ev.status)) fail(c, e["status"], "event: unknown status '" + ev.status + "'");
            ev.substatus = str(c, e, "substatus", default_substatus(ev.status));
            if (e["cancellation"].IsDefined()) ev.cancellation = parse_cancellation(c, e["cancellation"]);
            if (!numbers.count(ev.posting_number)) {
                bool added_earlier = std::any_of(s.events.begin(), s.events.end(), [&](const TimedEvent& o) {
                    return o.posting && o.posting->posting_number == ev.posting_number;
                });
                bool generated = std::any_of(s.postings.begin(), s.postings.end(), [&](const Posting& p) {
                    return p.posting_number == ev.posting_number;
                });
                if (!added_earlier && !generated)
                    fail(c, e["posting"], "event: unknown posting " + ev.posting_number);
            }
            if (ev.description.empty()) ev.description = "posting " + ev.posting_number + " becomes " + ev.status;
        } else if (e["add_posting"].IsDefined()) {
            ev.kind = "add_posting";
            ev.posting = parse_posting(c, e["add_posting"], &s.products, default_wh);
            if (ev.description.empty()) ev.description = "new posting " + ev.posting->posting_number;
        } else if (e["add_return"].IsDefined()) {
            ev.kind = "add_return";
            ev.ret = parse_return(c, e["add_return"], &s.products);
            if (has_return(ev.ret->id) ||
                std::any_of(s.events.begin(), s.events.end(),
                            [&](const TimedEvent& o) { return o.ret && o.ret->id == ev.ret->id; }))
                fail(c, e["add_return"], "event: duplicate return id " + std::to_string(ev.ret->id));
            if (ev.description.empty()) ev.description = "new return for " + ev.ret->posting_number;
        } else if (auto rs = e["return_status"]; rs.IsDefined()) {
            ev.kind = "return_status";
            ev.return_change = parse_return_status(c, rs, ev.return_id);
            if (!has_return(ev.return_id)) {
                auto added = std::find_if(s.events.begin(), s.events.end(), [&](const TimedEvent& o) {
                    return o.ret && o.ret->id == ev.return_id;
                });
                if (added == s.events.end())
                    fail(c, rs["id"], "event: unknown return id " + std::to_string(ev.return_id) +
                                          " (not under 'returns' nor added by an earlier add_return)");
                if (added->at > ev.at)
                    fail(c, e["at"], "event: return " + std::to_string(ev.return_id) +
                                         " is added only at " + format_iso8601(added->at));
            }
            if (ev.description.empty())
                ev.description = "return " + std::to_string(ev.return_id) + " becomes " + ev.return_change->status;
        } else if (auto rf = e["rfbs_state"]; rf.IsDefined()) {
            check_keys(c, rf, "rfbs_state", {"return_id", "state", "state_name", "group_state"});
            ev.kind = "rfbs_state";
            if (!rf["return_id"].IsDefined() || rf["return_id"].IsNull())
                fail(c, rf, "rfbs_state: 'return_id' is required");
            ev.return_id = i64(c, rf, "return_id");
            if (!rfbs_ids.count(ev.return_id))
                fail(c, rf["return_id"], "event: unknown rfbs return_id " + std::to_string(ev.return_id) +
                                             " (not under 'rfbs_returns')");
            RfbsStateChange x;
            x.state = req_str(c, rf, "state", "rfbs_state");
            auto info = rfbs_state_of(c, rf, x.state, "rfbs_state");
            x.group_state = info.group_state;
            x.state_name = info.state_name;
            ev.rfbs_change = x;
            if (ev.description.empty())
                ev.description = "rFBS request " + std::to_string(ev.return_id) + " becomes " + x.state;
        } else if (e["add_review"].IsDefined()) {
            ev.kind = "add_review";
            ev.review = parse_review(c, e["add_review"], &s.products);
            if (ev.description.empty()) ev.description = "new review";
        } else if (auto st = e["set_stock"]; st.IsDefined()) {
            check_keys(c, st, "set_stock", {"offer_id", "warehouse_id", "present"});
            ev.kind = "set_stock";
            ev.offer_id = req_str(c, st, "offer_id", "set_stock");
            ev.warehouse_id = i64(c, st, "warehouse_id", default_wh);
            ev.present = static_cast<int>(i64(c, st, "present", 0));
            if (ev.description.empty()) ev.description = "stock of " + ev.offer_id + " becomes " + std::to_string(ev.present);
        } else if (auto cu = e["chat_unread"]; cu.IsDefined()) {
            check_keys(c, cu, "chat_unread", {"chat_id", "unread"});
            ev.kind = "chat_unread";
            ev.chat_id = req_str(c, cu, "chat_id", "chat_unread");
            ev.unread = static_cast<int>(i64(c, cu, "unread", 1));
            if (ev.description.empty())
                ev.description = "chat " + ev.chat_id + " has " + std::to_string(ev.unread) + " unread";
        } else {
            fail(c, e, "event: needs one of posting+status, add_posting, add_return, add_review, set_stock, "
                       "chat_unread, return_status, rfbs_state, set_cutoff");
        }
        s.events.push_back(std::move(ev));
    }
    std::stable_sort(s.events.begin(), s.events.end(),
                     [](const TimedEvent& a, const TimedEvent& b) { return a.at < b.at; });
    return s;
}

YAML::Node parse_yaml(const std::string& text, const std::string& origin) {
    try {
        return YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        throw ScenarioError(origin + ":" + std::to_string(e.mark.line + 1) + ":" +
                            std::to_string(e.mark.column + 1) + ": YAML syntax error: " + e.msg);
    }
}

template <class F>
auto wrap(const std::string& origin, F&& f) {
    try {
        return f();
    } catch (const ScenarioError&) {
        throw;
    } catch (const YAML::Exception& e) {
        throw ScenarioError(origin + ":" + std::to_string(e.mark.line + 1) + ":" +
                            std::to_string(e.mark.column + 1) + ": " + e.msg);
    }
}

}  // namespace

TimePoint without_delay(const Posting& p) {
    return p.shipment_date_without_delay.value_or(p.shipment_date + std::chrono::hours(24));
}

namespace {
double posting_total(const Posting& p) {
    double t = 0;
    for (const auto& pr : p.products) t += pr.price * pr.quantity;
    return t;
}
double percent_of(double total, double rate) { return std::round(total * rate) / 100.0; }
}  // namespace

std::vector<TariffStep> default_tariff_steps(const Posting& p) {
    const double total = posting_total(p);
    const TimePoint s = p.shipment_date;
    const TimePoint w = without_delay(p);
    std::vector<TariffStep> out;
    out.push_back({"discount", 3, percent_of(total, 3), std::nullopt, s - std::chrono::hours(12)});
    out.push_back({"no_discount", 0, 0.0, std::nullopt, s});
    if (w > s) out.push_back({"surcharge", 5, std::max(percent_of(total, 5), 50.0), 50.0, w});
    out.push_back({"surcharge", 10, std::max(percent_of(total, 10), 100.0), 100.0, std::nullopt});
    return out;
}

std::vector<TariffStep> tariff_steps(const Posting& p) {
    if (p.tariff_steps.empty()) return default_tariff_steps(p);
    std::vector<TariffStep> out = p.tariff_steps;
    const double total = posting_total(p);
    for (auto& st : out) {
        if (!st.charge) st.charge = percent_of(total, st.rate);
        if (st.min_charge && *st.charge < *st.min_charge) st.charge = st.min_charge;
    }
    return out;
}

// ---------------------------------------------------------------- returns

namespace {
struct StatusName {
    const char* sys_name;
    const char* display;
};
// The order of the spec's visual_status_name list (swagger); the id is the position from 1.
const std::vector<StatusName>& status_table() {
    static const std::vector<StatusName> t = {
        {"DisputeOpened", "Открыт спор с покупателем"},
        {"OnSellerApproval", "На согласовании у продавца"},
        {"ArrivedAtReturnPlace", "В пункте выдачи"},
        {"OnSellerClarification", "На уточнении у продавца"},
        {"OnSellerClarificationAfterPartialCompensation", "На уточнении у продавца после частичной компенсации"},
        {"OfferedPartialCompensation", "Предложена частичная компенсация"},
        {"ReturnMoneyApproved", "Одобрен возврат денег"},
        {"PartialCompensationReturned", "Вернули часть денег"},
        {"CancelledDisputeNotOpen", "Возврат отклонён, спор не открыт"},
        {"Rejected", "Заявка отклонена"},
        {"CrmRejected", "Заявка отклонена Ozon"},
        {"Cancelled", "Заявка отменена"},
        {"Approved", "Заявка одобрена продавцом"},
        {"ApprovedByOzon", "Заявка одобрена Ozon"},
        {"ReceivedBySeller", "Продавец получил возврат"},
        {"MovingToSeller", "Возврат на пути к продавцу"},
        {"ReturnCompensated", "Продавец получил компенсацию"},
        {"ReturningToSellerByCourier", "Курьер везёт возврат продавцу"},
        {"Utilizing", "На утилизации"},
        {"Utilized", "Утилизирован"},
        {"MoneyReturned", "Покупателю вернули всю сумму"},
        {"PartialCompensationInProcess", "Одобрен частичный возврат денег"},
        {"DisputeYouOpened", "Продавец открыл спор"},
        {"CompensationRejected", "Отказано в компенсации"},
        {"DisputeOpening", "Обращение в поддержку отправлено"},
        {"CompensationOffered", "Ожидает вашего решения по компенсации"},
        {"WaitingCompensation", "Ожидает компенсации"},
        {"SendingError", "Ошибка при отправке обращения в поддержку"},
        {"CompensationRejectedBySla", "Истёк срок решения"},
        {"CompensationRejectedBySeller", "Продавец отказался от компенсации"},
        {"MovingToOzon", "Едет на склад Ozon"},
        {"ReturnedToOzon", "На складе Ozon"},
        {"MoneyReturnedBySystem", "Быстрый возврат"},
        {"WaitingShipment", "Ожидает отправки"},
    };
    return t;
}
double round2(double v) { return std::round(v * 100) / 100; }
}  // namespace

const std::vector<std::string>& return_statuses() {
    static const std::vector<std::string> v = [] {
        std::vector<std::string> out;
        for (const auto& x : status_table()) out.emplace_back(x.sys_name);
        return out;
    }();
    return v;
}

int return_status_id(const std::string& sys_name) {
    const auto& t = status_table();
    for (std::size_t i = 0; i < t.size(); ++i)
        if (sys_name == t[i].sys_name) return static_cast<int>(i + 1);
    return 0;
}

std::string return_status_display(const std::string& sys_name) {
    for (const auto& x : status_table())
        if (sys_name == x.sys_name) return x.display;
    return sys_name;
}

void fill_storage_defaults(Return& r) {
    using namespace std::chrono_literals;
    if (!r.arrived_at && r.status == "ArrivedAtReturnPlace") r.arrived_at = r.status_changed_at;
    if (!r.arrived_at) return;
    if (!r.tariffication_start) r.tariffication_start = *r.arrived_at + kFreeStorageDays * 24h;
    if (!r.utilization_forecast) r.utilization_forecast = *r.arrived_at + kUtilizationDays * 24h;
}

ReturnStorage return_storage(const Return& r, TimePoint now) {
    using namespace std::chrono_literals;
    ReturnStorage out;
    const double value = r.price * std::max(r.quantity, 1);
    if (r.utilization_forecast) out.utilization_sum = std::max(round2(value * 0.05), 50.0);
    if (!r.arrived_at) return out;
    // Storage ends when the return leaves the pickup point (its later status change).
    TimePoint end = now;
    if (r.status != "ArrivedAtReturnPlace" && r.status_changed_at > *r.arrived_at)
        end = std::min(now, r.status_changed_at);
    if (end > *r.arrived_at) out.days = (end - *r.arrived_at) / 24h;
    if (r.tariffication_start && end >= *r.tariffication_start) {
        const std::int64_t paid_days = (end - *r.tariffication_start) / 24h + 1;
        out.sum = round2(static_cast<double>(paid_days) * std::max(round2(value * 0.01), 10.0));
    }
    return out;
}

void apply_return_status(Return& r, const ReturnStatusChange& c, TimePoint at) {
    using namespace std::chrono_literals;
    r.status = c.status;
    r.status_display = c.status_display.empty() ? return_status_display(c.status) : c.status_display;
    r.status_changed_at = at;
    if (c.place_id) r.place_id = *c.place_id;
    if (c.place_name) r.place_name = *c.place_name;
    std::optional<TimePoint> arrived = c.arrived_at;
    if (!arrived && c.status == "ArrivedAtReturnPlace") arrived = at;
    if (arrived) {
        // A (new) arrival at the pickup point: its storage dates start from it.
        r.arrived_at = arrived;
        r.tariffication_start = c.tariffication_start.value_or(*arrived + kFreeStorageDays * 24h);
        r.utilization_forecast = c.utilization_forecast.value_or(*arrived + kUtilizationDays * 24h);
    } else {
        if (c.tariffication_start) r.tariffication_start = c.tariffication_start;
        if (c.utilization_forecast) r.utilization_forecast = c.utilization_forecast;
    }
}

void insert_return(Scenario& s, Return r) {
    auto it = std::upper_bound(s.returns.begin(), s.returns.end(), r.id,
                               [](std::int64_t v, const Return& x) { return v < x.id; });
    s.returns.insert(it, std::move(r));
}

const std::vector<std::string>& rfbs_group_states() {
    static const std::vector<std::string> v = {"New", "Delivering", "Checkout", "Arbitration",
                                               "Approved", "Rejected"};
    return v;
}

std::optional<RfbsStateInfo> rfbs_state_info(const std::string& state) {
    static const std::map<std::string, RfbsStateInfo> m = {
        {"ON_APPROVAL", {"New", "На проверке"}},
        {"DELIVERING", {"Delivering", "Товар едет к продавцу"}},
        {"RECEIVED", {"Checkout", "Товар получен, проверьте его"}},
        {"ARBITRATION", {"Arbitration", "Спор"}},
        {"APPROVED", {"Approved", "Одобрена"}},
        {"MONEY_RETURNED", {"Approved", "Деньги возвращены"}},
        {"PARTIAL_COMPENSATION", {"Approved", "Возвращена часть денег"}},
        {"REJECTED", {"Rejected", "Отклонена"}},
    };
    auto it = m.find(state);
    if (it == m.end()) return std::nullopt;
    return it->second;
}

bool rfbs_waits_for_seller(const RfbsReturn& r) {
    return r.group_state == "New" || r.group_state == "Checkout";
}

void apply_rfbs_state(RfbsReturn& r, const RfbsStateChange& c) {
    r.state = c.state;
    if (!c.state_name.empty()) r.state_name = c.state_name;
    if (!c.group_state.empty()) r.group_state = c.group_state;
}

Scenario load_scenario_text(const std::string& yaml, const std::string& origin) {
    return wrap(origin, [&] { return parse_root(parse_yaml(yaml, origin), origin); });
}

Scenario load_scenario_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ScenarioError(path + ": cannot open scenario file");
    std::stringstream ss;
    ss << in.rdbuf();
    return load_scenario_text(ss.str(), path);
}

Posting parse_posting_yaml(const std::string& yaml, TimePoint start) {
    Ctx c{"<posting>", start};
    return wrap(c.origin, [&] { return parse_posting(c, parse_yaml(yaml, c.origin), nullptr, 0); });
}

Return parse_return_yaml(const std::string& yaml, TimePoint start) {
    Ctx c{"<return>", start};
    return wrap(c.origin, [&] { return parse_return(c, parse_yaml(yaml, c.origin), nullptr); });
}

Review parse_review_yaml(const std::string& yaml, TimePoint start) {
    Ctx c{"<review>", start};
    return wrap(c.origin, [&] { return parse_review(c, parse_yaml(yaml, c.origin), nullptr); });
}

}  // namespace ozw::sandbox
