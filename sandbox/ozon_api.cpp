// The Ozon Seller API methods (2026 versions) over the scenario state: request validation with
// Ozon's error bodies, filtering, pagination and the documented response shapes.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>

#include "common/ozon/retired.hpp"
#include "common/time.hpp"
#include "sandbox/internal.hpp"

namespace ozw::sandbox::detail {

using nlohmann::json;

namespace {

// Thrown by validation helpers; becomes HTTP 400 {"code":3,...}.
struct BadRequest {
    std::string message;
};

constexpr std::int64_t kCompanyId = 1987654;

std::string money_text(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

json money_v4(double v) { return {{"amount", money_text(v, 2)}, {"currency", "RUB"}}; }

std::string ts_ms(TimePoint t) { return format_iso8601_ms(t); }
json ts_ms_or_null(const std::optional<TimePoint>& t) { return t ? json(ts_ms(*t)) : json(nullptr); }

const json& member(const json& obj, const char* key) {
    static const json null_value;
    if (!obj.is_object()) return null_value;
    auto it = obj.find(key);
    return it == obj.end() ? null_value : *it;
}

bool flag(const json& obj, const char* key) {
    const json& v = member(obj, key);
    return v.is_boolean() && v.get<bool>();
}

std::optional<std::int64_t> as_int(const json& v, const char* name) {
    if (v.is_null()) return std::nullopt;
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_number_float()) return static_cast<std::int64_t>(v.get<double>());
    if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        if (s.empty()) return std::nullopt;
        try {
            std::size_t pos = 0;
            auto x = std::stoll(s, &pos);
            if (pos == s.size()) return x;
        } catch (...) {
        }
    }
    throw BadRequest{std::string("invalid value for field ") + name};
}

std::string as_string(const json& v, const char* name) {
    if (v.is_null()) return {};
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
    throw BadRequest{std::string("invalid value for field ") + name + ": string expected"};
}

std::optional<TimePoint> as_time(const json& v, const char* name) {
    if (v.is_null()) return std::nullopt;
    if (!v.is_string()) throw BadRequest{std::string("invalid value for field ") + name + ": date-time expected"};
    const auto& s = v.get_ref<const std::string&>();
    if (s.empty()) return std::nullopt;
    auto t = parse_iso8601(s);
    if (!t) throw BadRequest{std::string("invalid value for field ") + name + ": cannot parse '" + s + "' as date-time"};
    return t;
}

std::vector<std::string> string_list(const json& v, const char* name) {
    std::vector<std::string> out;
    if (v.is_null()) return out;
    if (!v.is_array()) throw BadRequest{std::string("invalid value for field ") + name + ": array expected"};
    for (const auto& x : v) out.push_back(as_string(x, name));
    return out;
}

std::vector<std::int64_t> int_list(const json& v, const char* name) {
    std::vector<std::int64_t> out;
    if (v.is_null()) return out;
    if (!v.is_array()) throw BadRequest{std::string("invalid value for field ") + name + ": array expected"};
    for (const auto& x : v)
        if (auto i = as_int(x, name)) out.push_back(*i);
    return out;
}

std::int64_t limit_in(const json& req, std::int64_t lo, std::int64_t hi, bool required,
                      std::int64_t def = 0) {
    auto v = as_int(member(req, "limit"), "limit");
    if (!v || *v == 0) {
        if (required) throw BadRequest{"limit: value must be between " + std::to_string(lo) + " and " + std::to_string(hi)};
        return def;
    }
    if (*v < lo || *v > hi)
        throw BadRequest{"limit: value must be between " + std::to_string(lo) + " and " + std::to_string(hi)};
    return *v;
}

// Cursors are opaque to clients; ours carry an offset. An unknown cursor (the documentation's
// placeholder examples send "string") starts from the beginning.
std::string make_cursor(std::size_t offset) {
    return base64_encode(json{{"offset", offset}}.dump());
}
std::size_t read_cursor(const json& req) {
    auto c = as_string(member(req, "cursor"), "cursor");
    if (c.empty()) return 0;
    auto raw = base64_decode(c);
    if (!raw) return 0;
    auto j = json::parse(*raw, nullptr, false);
    if (!j.is_object() || !j.contains("offset") || !j["offset"].is_number_unsigned()) return 0;
    return j["offset"].get<std::size_t>();
}

const Warehouse* find_wh(const Scenario& s, std::int64_t id) {
    for (const auto& w : s.warehouses)
        if (w.id == id) return &w;
    return nullptr;
}

json available_actions(const std::string& status) {
    if (status == "awaiting_packaging") return {"arbitration", "cancel", "pack", "product_cancel"};
    if (status == "awaiting_deliver") return {"arbitration", "cancel", "ship", "has_barcode_for_printing"};
    if (status == "delivering" || status == "driver_pickup") return {"can_create_chat"};
    if (status == "arbitration" || status == "client_arbitration") return {"can_create_chat"};
    return json::array();
}

json cancellation_json(const Posting& p) {
    if (!p.cancellation)
        return {{"affect_cancellation_rating", false}, {"cancel_reason", ""}, {"cancel_reason_id", 0},
                {"cancellation_initiator", ""}, {"cancellation_type", ""}, {"cancelled_after_ship", false}};
    const auto& c = *p.cancellation;
    return {{"affect_cancellation_rating", c.affect_cancellation_rating},
            {"cancel_reason", c.cancel_reason},
            {"cancel_reason_id", c.cancel_reason_id},
            {"cancellation_initiator", c.cancellation_initiator},
            {"cancellation_type", c.cancellation_type},
            {"cancelled_after_ship", c.cancelled_after_ship}};
}

json requirements_json() {
    return {{"products_requiring_change_country", json::array()},
            {"products_requiring_country", json::array()},
            {"products_requiring_gtd", json::array()},
            {"products_requiring_imei", json::array()},
            {"products_requiring_jw_uin", json::array()},
            {"products_requiring_mandatory_mark", json::array()},
            {"products_requiring_rnpt", json::array()},
            {"products_requiring_weight", json::array()}};
}

json delivery_method_json(const Scenario& s, const Posting& p) {
    const Warehouse* w = find_wh(s, p.warehouse_id);
    std::string wname = w ? w->name : std::to_string(p.warehouse_id);
    return {{"id", p.warehouse_id + 1},
            {"name", "Доставка Ozon самостоятельно, " + wname},
            {"tpl_provider", "Доставка Ozon"},
            {"tpl_provider_id", 24},
            {"warehouse", wname},
            {"warehouse_id", p.warehouse_id}};
}

json analytics_json(const Scenario& s, const Posting& p, bool ms) {
    const Warehouse* w = find_wh(s, p.warehouse_id);
    auto t = [&](TimePoint x) { return ms ? ts_ms(x) : format_iso8601(x); };
    return {{"city", p.city},
            {"delivery_date_begin", t(p.shipment_date + std::chrono::hours(24))},
            {"delivery_date_end", t(p.shipment_date + std::chrono::hours(72))},
            {"delivery_type", "PVZ"},
            {"is_legal", false},
            {"is_premium", false},
            {"payment_type_group_name", "Банковская карта"},
            {"region", p.city},
            {"tpl_provider", "Доставка Ozon"},
            {"tpl_provider_id", 24},
            {"warehouse", w ? w->name : ""},
            {"warehouse_id", p.warehouse_id}};
}

double commission_rate() { return 0.15; }

// ---------------------------------------------------------------- tariffs (2026)
// shipment_date is Ozon's recommended time: discount steps until it, surcharge steps after;
// shipment_date_without_delay is when the posting becomes overdue. The schedule is
// sandbox::tariff_steps(p); the step in force is the first whose `until` (tariff_deadline_at,
// inclusive) is not earlier than the posting's tariff time (now while it waits for hand-over,
// the hand-over time after it). As in Ozon's example, the next tariff starts 1 s after the
// deadline: deadline 09:00:00 = shipment_date, next_tariff_starts_at 09:00:01.

constexpr const char* kOpenEndedDeadline = "9999-12-31T23:59:59.999999900Z";

bool awaits_handover(const std::string& status) {
    return status == "awaiting_approve" || status == "awaiting_packaging" || status == "awaiting_deliver";
}

bool is_cancelled(const std::string& status) {
    return status == "cancelled" || status == "cancelled_from_split_pending";
}

TimePoint tariff_time(const Posting& p, TimePoint now) {
    if (awaits_handover(p.status)) return now;
    TimePoint t = p.delivering_date.value_or(p.status_changed_at.value_or(now));
    return std::min(t, now);
}

struct TariffNow {
    const TariffStep* current = nullptr;
    const TariffStep* next = nullptr;
};

TariffNow tariff_at(const std::vector<TariffStep>& steps, TimePoint t) {
    TariffNow out;
    for (std::size_t i = 0; i < steps.size(); ++i)
        if (!steps[i].until || t <= *steps[i].until) {
            out.current = &steps[i];
            if (i + 1 < steps.size()) out.next = &steps[i + 1];
            break;
        }
    return out;
}

json money_v4_or_null(const std::optional<double>& v) { return v ? money_v4(*v) : json(nullptr); }

json tariffication_steps_json(const std::vector<TariffStep>& steps, bool ms) {
    json out = json::array();
    for (const auto& st : steps)
        out.push_back({{"min_charge", money_v4_or_null(st.min_charge)},
                       {"tariff_charge", money_v4(st.charge.value_or(0))},
                       {"tariff_deadline_at", st.until ? json(ms ? ts_ms(*st.until) : format_iso8601(*st.until))
                                                       : json(kOpenEndedDeadline)},
                       {"tariff_rate", st.rate},
                       {"tariff_type", st.type}});
    return out;
}

// v4 list / unfulfilled: money as {amount, currency} objects, null when none.
json tariffication_v4(const std::vector<TariffStep>& steps, TimePoint t) {
    TariffNow n = tariff_at(steps, t);
    const TariffStep* c = n.current;
    const TariffStep* x = n.next;
    return {{"current_tariff_charge", c ? money_v4(c->charge.value_or(0)) : json(nullptr)},
            {"current_tariff_min_charge", c ? money_v4_or_null(c->min_charge) : json(nullptr)},
            {"current_tariff_rate", c ? c->rate : 0.0},
            {"current_tariff_type", c ? c->type : std::string()},
            {"next_tariff_charge", x ? money_v4(x->charge.value_or(0)) : json(nullptr)},
            {"next_tariff_min_charge", x ? money_v4_or_null(x->min_charge) : json(nullptr)},
            {"next_tariff_rate", x ? x->rate : 0.0},
            {"next_tariff_starts_at", x && c->until ? json(ts_ms(*c->until + std::chrono::seconds(1))) : json(nullptr)},
            {"next_tariff_type", x ? x->type : std::string()}};
}

// v3 get: charges as strings ("" when none) with *_currency_code.
json tariffication_v3(const std::vector<TariffStep>& steps, TimePoint t) {
    TariffNow n = tariff_at(steps, t);
    const TariffStep* c = n.current;
    const TariffStep* x = n.next;
    return {{"current_tariff_charge", c ? money_text(c->charge.value_or(0), 2) : std::string()},
            {"current_tariff_charge_currency_code", c ? "RUB" : ""},
            {"current_tariff_rate", c ? c->rate : 0.0},
            {"current_tariff_type", c ? c->type : std::string()},
            {"next_tariff_charge", x ? money_text(x->charge.value_or(0), 2) : std::string()},
            {"next_tariff_charge_currency_code", x ? "RUB" : ""},
            {"next_tariff_rate", x ? x->rate : 0.0},
            {"next_tariff_starts_at", x && c->until ? json(format_iso8601(*c->until + std::chrono::seconds(1))) : json(nullptr)},
            {"next_tariff_type", x ? x->type : std::string()}};
}

// The schedule served for a posting: none for a cancelled one.
std::vector<TariffStep> served_steps(const Posting& p) {
    if (is_cancelled(p.status)) return {};
    return tariff_steps(p);
}

json posting_v4(const Scenario& s, const Posting& p, const json& with, TimePoint now) {
    json products = json::array();
    json fin_products = json::array();
    for (const auto& pr : p.products) {
        products.push_back({{"imei", json::array()},
                            {"is_blr_traceable", false},
                            {"is_marketplace_buyout", false},
                            {"name", pr.name},
                            {"offer_id", pr.offer_id},
                            {"price", money_v4(pr.price)},
                            {"product_color", ""},
                            {"quantity", pr.quantity},
                            {"sku", pr.sku},
                            {"weight", 0.4}});
        double total = pr.price * pr.quantity;
        double commission = std::round(total * commission_rate() * 100) / 100;
        fin_products.push_back({{"actions", json::array()},
                                {"commission", {{"amount", commission}, {"currency", "RUB"}, {"percent", 15}}},
                                {"customer_price", money_v4(pr.price)},
                                {"old_price", pr.price},
                                {"payout", total - commission},
                                {"price", pr.price},
                                {"product_id", pr.sku},
                                {"quantity", pr.quantity},
                                {"total_discount_percent", 0},
                                {"total_discount_value", 0}});
    }
    const bool cancelled = p.status == "cancelled";
    const std::vector<TariffStep> steps = served_steps(p);
    json j = {
        {"addressee", {{"name", p.customer_name}}},
        {"analytics_data", flag(with, "analytics_data") ? analytics_json(s, p, true) : json(nullptr)},
        {"available_actions", available_actions(p.status)},
        {"barcodes", flag(with, "barcodes")
                         ? json{{"lower_barcode", "6013" + std::to_string(p.order_id)},
                                {"upper_barcode", "6013" + std::to_string(p.order_id)}}
                         : json(nullptr)},
        {"cancellation", cancellation_json(p)},
        {"container", {{"cargo_type", "BOX"}, {"container_date", ""}, {"container_id", 0}, {"container_number", 0}}},
        {"container_sort_type", ""},
        {"customer", nullptr},
        {"delivering_date", ts_ms_or_null(p.delivering_date)},
        {"delivery_method", delivery_method_json(s, p)},
        {"delivery_schema", "fbs"},
        {"destination_place_id", 0},
        {"destination_place_name", ""},
        {"external_order", {{"is_external", false}, {"platform_name", ""}}},
        {"financial_data", flag(with, "financial_data")
                               ? json{{"cluster_from", "Москва"}, {"cluster_to", p.city}, {"products", fin_products}}
                               : json(nullptr)},
        {"in_process_at", ts_ms(p.in_process_at)},
        {"integration_type_flow", "ozon"},
        {"is_click_and_collect", false},
        {"is_express", false},
        {"is_multibox", false},
        {"is_presortable", true},
        {"legal_info", flag(with, "legal_info")
                           ? json{{"company_name", ""}, {"inn", ""}, {"kpp", ""}}
                           : json(nullptr)},
        {"multi_box_qty", 1},
        {"optional", {{"products_with_possible_mandatory_mark", json::array()}}},
        {"order_id", p.order_id},
        {"order_number", p.order_number},
        {"parent_posting_number", ""},
        {"pickup_code_verified_at", nullptr},
        {"posting_number", p.posting_number},
        {"products", products},
        {"prr_option", ""},
        {"quantum_id", 0},
        {"require_blr_traceable_attrs", false},
        {"requirements", requirements_json()},
        {"scanit", ""},
        {"shipment_date", ts_ms(p.shipment_date)},
        {"shipment_date_without_delay", ts_ms(without_delay(p))},
        {"sorting_center", nullptr},
        {"status", p.status},
        {"substatus", p.substatus},
        {"tariffication", tariffication_v4(steps, tariff_time(p, now))},
        {"tariffication_steps", tariffication_steps_json(steps, true)},
        {"tpl_integration_type", "ozon"},
        {"tracking_number", p.tracking_number},
        {"volume_weight", 0.5},
    };
    // Ozon hides the customer on FBS unless the seller may see it; the substitute phone exists
    // only while the order is active.
    if (!cancelled && p.status != "delivered")
        j["customer"] = {{"address", {{"address_tail", ""}, {"city", p.city}, {"comment", ""}, {"country", "Россия"},
                                      {"district", ""}, {"latitude", 0}, {"longitude", 0}, {"provider_pvz_code", ""},
                                      {"pvz_code", 0}, {"region", p.city}, {"zip_code", ""}}},
                         {"customer_email", ""},
                         {"customer_id", p.order_id % 100000000},
                         {"name", p.customer_name},
                         {"phone", "+7 900 000-00-00 доб. 1234"}};
    return j;
}

json posting_v3_get(const Scenario& s, const Posting& p, const json& with, TimePoint now) {
    json products = json::array();
    json fin_products = json::array();
    for (const auto& pr : p.products) {
        products.push_back({{"currency_code", "RUB"},
                            {"dimensions", {{"height", "50.00"}, {"length", "300.00"}, {"weight", "400"}, {"width", "200.00"}}},
                            {"has_imei", false},
                            {"is_blr_traceable", false},
                            {"is_marketplace_buyout", false},
                            {"is_weight_needed", false},
                            {"name", pr.name},
                            {"offer_id", pr.offer_id},
                            {"price", money_text(pr.price, 4)},
                            {"quantity", pr.quantity},
                            {"sku", pr.sku},
                            {"weight_max", 0},
                            {"weight_min", 0}});
        double total = pr.price * pr.quantity;
        double commission = std::round(total * commission_rate() * 100) / 100;
        fin_products.push_back({{"actions", json::array()},
                                {"commission_amount", commission},
                                {"commission_percent", 15},
                                {"commissions_currency_code", "RUB"},
                                {"currency_code", "RUB"},
                                {"customer_currency_code", "RUB"},
                                {"customer_price", pr.price},
                                {"old_price", pr.price},
                                {"payout", total - commission},
                                {"price", pr.price},
                                {"product_id", pr.sku},
                                {"quantity", pr.quantity},
                                {"total_discount_percent", 0},
                                {"total_discount_value", 0}});
    }
    const std::vector<TariffStep> steps = served_steps(p);
    std::string previous_substatus;
    if (p.history.size() >= 2) previous_substatus = p.history[p.history.size() - 2].substatus;
    json r = {
        {"additional_data", json::array()},
        {"addressee", nullptr},
        {"analytics_data", flag(with, "analytics_data") ? analytics_json(s, p, false) : json(nullptr)},
        {"available_actions", available_actions(p.status)},
        {"barcodes", flag(with, "barcodes")
                         ? json{{"lower_barcode", "6013" + std::to_string(p.order_id)},
                                {"upper_barcode", "6013" + std::to_string(p.order_id)}}
                         : json(nullptr)},
        {"cancellation", cancellation_json(p)},
        {"container", {{"cargo_type", "BOX"}, {"container_date", ""}, {"container_id", 0}, {"container_number", 0}}},
        {"container_sort_type", ""},
        {"courier", nullptr},
        {"customer", nullptr},
        {"delivering_date", p.delivering_date ? json(format_iso8601(*p.delivering_date)) : json(nullptr)},
        {"delivery_method", delivery_method_json(s, p)},
        {"delivery_price", ""},
        {"destination_place_id", 0},
        {"destination_place_name", ""},
        {"external_order", {{"is_external", false}, {"platform_name", ""}}},
        {"fact_delivery_date", p.status == "delivered" && p.status_changed_at
                                   ? json(format_iso8601(*p.status_changed_at)) : json(nullptr)},
        {"financial_data", flag(with, "financial_data")
                               ? json{{"cluster_from", "Москва"}, {"cluster_to", p.city}, {"products", fin_products}}
                               : json(nullptr)},
        {"in_process_at", format_iso8601(p.in_process_at)},
        {"integration_type_flow", "ozon"},
        {"is_click_and_collect", false},
        {"is_express", false},
        {"is_multibox", false},
        {"is_presortable", false},
        {"legal_info", {{"company_name", ""}, {"inn", ""}, {"kpp", ""}}},
        {"multi_box_qty", 1},
        {"optional", {{"products_with_possible_mandatory_mark", json::array()}}},
        {"order_id", p.order_id},
        {"order_number", p.order_number},
        {"parent_posting_number", ""},
        {"pickup_code_verified_at", nullptr},
        {"posting_number", p.posting_number},
        {"previous_substatus", previous_substatus},
        {"product_exemplars", nullptr},
        {"products", products},
        {"provider_status", ""},
        {"prr_option", {{"code", ""}, {"currency_code", "RUB"}, {"floor", ""}, {"price", ""}}},
        {"related_postings", flag(with, "related_postings") ? json{{"related_posting_numbers", json::array()}} : json(nullptr)},
        {"related_weight_postings", json::array()},
        {"require_blr_traceable_attrs", false},
        {"requirements", requirements_json()},
        {"scanit", ""},
        {"shipment_date", format_iso8601(p.shipment_date)},
        {"shipment_date_without_delay", format_iso8601(without_delay(p))},
        {"sorting_center", nullptr},
        {"status", p.status},
        {"substatus", p.substatus},
        {"tariffication", tariffication_v3(steps, tariff_time(p, now))},
        {"tariffication_steps", tariffication_steps_json(steps, false)},
        {"tpl_integration_type", "ozon"},
        {"tracking_number", p.tracking_number},
    };
    return {{"result", r}};
}

const std::set<std::string>& posting_statuses() {
    static const std::set<std::string> s = {
        "awaiting_registration", "acceptance_in_progress", "awaiting_approve", "awaiting_packaging",
        "awaiting_deliver", "arbitration", "client_arbitration", "delivering", "driver_pickup",
        "delivered", "cancelled", "not_accepted", "sent_by_seller", "awaiting_verification",
        "cancelled_from_split_pending"};
    return s;
}

bool sort_desc(const json& req) {
    auto d = as_string(member(req, "sort_dir"), "sort_dir");
    std::string u;
    for (char c : d) u += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (u.empty() || u == "ASC") return false;
    if (u == "DESC") return true;
    throw BadRequest{"sort_dir: invalid value '" + d + "', expected ASC or DESC"};
}

struct TimeRange {
    std::optional<TimePoint> from, to;
    bool active() const { return from || to; }
    bool contains(std::optional<TimePoint> t) const {
        if (!active()) return true;
        if (!t) return false;
        return (!from || *t >= *from) && (!to || *t <= *to);
    }
};

TimeRange range(const json& obj, const char* from_key, const char* to_key, const std::string& name) {
    TimeRange r;
    if (obj.is_null()) return r;
    if (!obj.is_object()) throw BadRequest{name + ": object expected"};
    r.from = as_time(member(obj, from_key), (name + "." + from_key).c_str());
    r.to = as_time(member(obj, to_key), (name + "." + to_key).c_str());
    return r;
}

// ---------------------------------------------------------------- postings

ApiResult postings_list(const json& req, const Scenario& s, bool unfulfilled, TimePoint now) {
    const json& filter = member(req, "filter");
    if (!unfulfilled && !filter.is_object()) throw BadRequest{"filter: value is required"};
    const auto limit = static_cast<std::size_t>(unfulfilled ? limit_in(req, 1, 100, false, 100)
                                                            : limit_in(req, 1, 100, true));
    std::optional<TimePoint> since, to;
    if (!unfulfilled) {
        since = as_time(member(filter, "since"), "filter.since");
        to = as_time(member(filter, "to"), "filter.to");
        if (!since) throw BadRequest{"filter.since: value is required"};
        if (!to) throw BadRequest{"filter.to: value is required"};
        if (*to < *since) throw BadRequest{"filter.to must not be earlier than filter.since"};
        if (*to - *since > std::chrono::hours(24 * 366))
            throw BadRequest{"the period between filter.since and filter.to must not exceed one year"};
    }
    auto statuses = string_list(member(filter, "statuses"), "filter.statuses");
    for (const auto& st : statuses)
        if (!posting_statuses().count(st)) throw BadRequest{"filter.statuses: unknown status '" + st + "'"};
    if (unfulfilled && statuses.empty())
        statuses = {"awaiting_registration", "acceptance_in_progress", "awaiting_approve",
                    "awaiting_packaging", "awaiting_deliver", "arbitration", "client_arbitration",
                    "not_accepted"};
    // The unfulfilled example spells it last_change_status_date; accept both.
    const json& lcs_obj = member(filter, "last_changed_status_date").is_null()
                              ? member(filter, "last_change_status_date")
                              : member(filter, "last_changed_status_date");
    TimeRange last_changed = range(lcs_obj, "from", "to", "filter.last_changed_status_date");
    TimeRange cutoff, delivering;
    if (unfulfilled) {
        cutoff.from = as_time(member(filter, "cutoff_from"), "filter.cutoff_from");
        cutoff.to = as_time(member(filter, "cutoff_to"), "filter.cutoff_to");
        delivering.from = as_time(member(filter, "delivering_date_from"), "filter.delivering_date_from");
        delivering.to = as_time(member(filter, "delivering_date_to"), "filter.delivering_date_to");
        if (cutoff.active() && delivering.active())
            throw BadRequest{"use either the cutoff filter or the delivering_date filter, not both"};
    }
    auto warehouse_ids = int_list(member(filter, "warehouse_ids"), "filter.warehouse_ids");
    if (warehouse_ids.size() > 1000) throw BadRequest{"filter.warehouse_ids: at most 1000 values"};
    auto order_numbers = string_list(member(filter, "order_numbers"), "filter.order_numbers");
    if (order_numbers.size() > 100) throw BadRequest{"filter.order_numbers: at most 100 values"};
    auto order_id = as_int(member(filter, "order_id"), "filter.order_id");
    const bool desc = sort_desc(req);
    json with = member(req, "with");

    std::vector<const Posting*> sel;
    for (const auto& p : s.postings) {
        if (since && (p.in_process_at < *since || p.in_process_at > *to)) continue;
        if (!statuses.empty() && std::find(statuses.begin(), statuses.end(), p.status) == statuses.end()) continue;
        if (!last_changed.contains(p.status_changed_at)) continue;
        if (!cutoff.contains(p.shipment_date)) continue;
        if (!delivering.contains(p.delivering_date)) continue;
        if (!warehouse_ids.empty() &&
            std::find(warehouse_ids.begin(), warehouse_ids.end(), p.warehouse_id) == warehouse_ids.end())
            continue;
        if (!order_numbers.empty() &&
            std::find(order_numbers.begin(), order_numbers.end(), p.order_number) == order_numbers.end())
            continue;
        if (order_id && *order_id != 0 && p.order_id != *order_id) continue;
        sel.push_back(&p);
    }
    std::stable_sort(sel.begin(), sel.end(), [&](const Posting* a, const Posting* b) {
        auto ka = unfulfilled ? a->shipment_date : a->in_process_at;
        auto kb = unfulfilled ? b->shipment_date : b->in_process_at;
        if (ka != kb) return desc ? ka > kb : ka < kb;
        return desc ? a->posting_number > b->posting_number : a->posting_number < b->posting_number;
    });
    const std::size_t offset = std::min(read_cursor(req), sel.size());
    const std::size_t end = std::min(sel.size(), offset + limit);
    json postings = json::array();
    for (std::size_t i = offset; i < end; ++i) postings.push_back(posting_v4(s, *sel[i], with, now));
    const bool has_next = end < sel.size();
    json body = {{"cursor", has_next ? make_cursor(end) : std::string()},
                 {"has_next", has_next},
                 {"postings", postings}};
    if (unfulfilled) body["count"] = sel.size();
    return {200, body, {}};
}

ApiResult posting_get(const json& req, const Scenario& s, TimePoint now) {
    auto number = as_string(member(req, "posting_number"), "posting_number");
    if (number.empty()) throw BadRequest{"posting_number: value is required"};
    for (const auto& p : s.postings)
        if (p.posting_number == number) return {200, posting_v3_get(s, p, member(req, "with"), now), {}};
    return ozon_error(404, 5, "Posting not found");
}

// ---------------------------------------------------------------- returns

json return_money(double v) { return {{"currency_code", "RUB"}, {"price", v}}; }

// Storage moves with the virtual clock `now` (scenario.hpp: return_storage).
json return_json(const Return& r, const Scenario& s, TimePoint now) {
    (void)s;
    const ReturnStorage st = return_storage(r, now);
    json storage = {
        {"arrived_moment", ts_ms_or_null(r.arrived_at)},
        {"days", st.days},
        {"sum", return_money(st.sum)},
        {"tariffication_first_date", ts_ms_or_null(r.tariffication_start)},
        {"tariffication_start_date", ts_ms_or_null(r.tariffication_start)},
        {"utilization_forecast_date", ts_ms_or_null(r.utilization_forecast)},
        {"utilization_sum", return_money(st.utilization_sum)},
    };
    // final_moment: "the return arrived at the fulfilment centre or was handed to the seller".
    const bool final = r.status == "ReceivedBySeller" || r.status == "ReturnedToOzon" ||
                       r.status == "Utilized";
    return {
        {"additional_info", {{"is_opened", false}, {"is_super_econom", false}}},
        {"clearing_id", r.order_id + 7},
        {"company_id", kCompanyId},
        {"compensation_status", nullptr},
        {"exemplars", json::array({{{"id", r.id * 10 + 1}}})},
        {"id", r.id},
        {"logistic", {{"barcode", r.barcode},
                      {"cancelled_with_compensation_moment", nullptr},
                      {"final_moment", final ? json(ts_ms(r.status_changed_at)) : json(nullptr)},
                      {"return_date", ts_ms(r.created_at)},
                      {"technical_return_moment", nullptr}}},
        {"order_id", r.order_id},
        {"order_number", r.order_number},
        {"place", {{"address", r.place_name}, {"id", r.place_id}, {"name", r.place_name}}},
        {"posting_number", r.posting_number},
        {"product", {{"commission", return_money(std::round(r.price * 15) / 100)},
                     {"commission_percent", 15},
                     {"name", r.product_name},
                     {"offer_id", r.offer_id},
                     {"price", return_money(r.price)},
                     {"price_without_commission", return_money(r.price - std::round(r.price * 15) / 100)},
                     {"quantity", r.quantity},
                     {"sku", r.sku}}},
        {"return_clearing_id", nullptr},
        {"return_reason_name", r.return_reason_name},
        {"schema", r.schema},
        {"source_id", r.id - 1},
        {"storage", storage},
        {"target_place", {{"address", r.place_name}, {"id", r.place_id}, {"name", r.place_name}}},
        {"type", r.type},
        {"visual", {{"change_moment", ts_ms(r.status_changed_at)},
                    {"status", {{"display_name", r.status_display},
                                {"id", return_status_id(r.status)},
                                {"sys_name", r.status}}}}},
    };
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool by_return_id(const Return& a, const Return& b) { return a.id < b.id; }

ApiResult returns_list(const json& req, const Scenario& s, TimePoint now) {
    const auto limit = static_cast<std::size_t>(limit_in(req, 1, 500, true));
    const json& f = member(req, "filter");
    int date_filters = 0;
    for (const char* k : {"logistic_return_date", "storage_tariffication_start_date", "visual_status_change_moment"})
        if (!member(f, k).is_null()) ++date_filters;
    if (date_filters > 1)
        throw BadRequest{"only one of the filters logistic_return_date, storage_tariffication_start_date, "
                         "visual_status_change_moment may be used in a request"};
    TimeRange logistic = range(member(f, "logistic_return_date"), "time_from", "time_to", "filter.logistic_return_date");
    TimeRange storage = range(member(f, "storage_tariffication_start_date"), "time_from", "time_to",
                              "filter.storage_tariffication_start_date");
    TimeRange visual = range(member(f, "visual_status_change_moment"), "time_from", "time_to",
                             "filter.visual_status_change_moment");
    auto numbers = string_list(member(f, "posting_numbers"), "filter.posting_numbers");
    if (numbers.size() > 50) throw BadRequest{"filter.posting_numbers: at most 50 values"};
    auto barcode = as_string(member(f, "barcode"), "filter.barcode");
    auto offer_id = as_string(member(f, "offer_id"), "filter.offer_id");
    auto order_id = as_int(member(f, "order_id"), "filter.order_id");
    auto product_name = as_string(member(f, "product_name"), "filter.product_name");
    auto schema = lower(as_string(member(f, "return_schema"), "filter.return_schema"));
    auto vstatus = as_string(member(f, "visual_status_name"), "filter.visual_status_name");
    auto warehouse_id = as_int(member(f, "warehouse_id"), "filter.warehouse_id");
    auto last_id = as_int(member(req, "last_id"), "last_id").value_or(0);

    auto matches = [&](const Return& r) {
        if (!logistic.contains(r.created_at)) return false;
        if (!storage.contains(r.tariffication_start)) return false;
        if (!visual.contains(r.status_changed_at)) return false;
        if (!numbers.empty() && std::find(numbers.begin(), numbers.end(), r.posting_number) == numbers.end()) return false;
        if (!barcode.empty() && r.barcode != barcode) return false;
        if (!offer_id.empty() && r.offer_id != offer_id) return false;
        if (order_id && *order_id != 0 && r.order_id != *order_id) return false;
        if (!product_name.empty() && r.product_name.find(product_name) == std::string::npos) return false;
        if (!schema.empty() && lower(r.schema) != schema) return false;
        if (!vstatus.empty() && r.status != vstatus) return false;
        if (warehouse_id && *warehouse_id != 0 && r.place_id != *warehouse_id) return false;
        return true;
    };
    json out = json::array();
    bool has_next = false;
    // false = the page is full and one more return matches.
    auto take = [&](const Return& r) {
        if (!matches(r)) return true;
        if (out.size() == limit) {
            has_next = true;
            return false;
        }
        out.push_back(return_json(r, s, now));
        return true;
    };
    if (std::is_sorted(s.returns.begin(), s.returns.end(), by_return_id)) {
        // The usual case (the scenario keeps them sorted): start after last_id, no full scan.
        auto it = std::upper_bound(s.returns.begin(), s.returns.end(), last_id,
                                   [](std::int64_t v, const Return& r) { return v < r.id; });
        for (; it != s.returns.end(); ++it)
            if (!take(*it)) break;
    } else {  // changed through Sandbox::mutate() without insert_return()
        std::vector<const Return*> sel;
        for (const auto& r : s.returns)
            if (r.id > last_id) sel.push_back(&r);
        std::sort(sel.begin(), sel.end(), [](const Return* a, const Return* b) { return a->id < b->id; });
        for (const Return* r : sel)
            if (!take(*r)) break;
    }
    return {200, {{"has_next", has_next}, {"returns", out}}, {}};
}

// /v1/returns/company/fbs/info: the FBS returns waiting for the seller (ArrivedAtReturnPlace),
// counted per drop-off point (a scenario return without a place waits at point 1); the
// point's address and pass from the scenario's `dropoff_points` when listed there.
ApiResult returns_dropoff(const json& req, const Scenario& s) {
    const json& pagination = member(req, "pagination");
    if (!pagination.is_object()) throw BadRequest{"pagination: required"};
    const auto limit = limit_in(pagination, 1, 500, true);
    const auto last_id = as_int(member(pagination, "last_id"), "pagination.last_id").value_or(0);
    const auto only = as_int(member(member(req, "filter"), "place_id"), "filter.place_id").value_or(0);
    std::map<std::int64_t, std::pair<std::string, int>> points;  // id -> name, returns
    for (const auto& r : s.returns) {
        if (r.status != "ArrivedAtReturnPlace" || lower(r.schema) != "fbs") continue;
        const std::int64_t id = r.place_id ? r.place_id : 1;
        auto& p = points[id];
        if (p.first.empty()) p.first = r.place_name.empty() ? "Пункт выдачи Ozon" : r.place_name;
        ++p.second;
    }
    json warehouse_ids = json::array();
    for (const auto& w : s.warehouses)
        if (!w.is_rfbs) warehouse_ids.push_back(std::to_string(w.id));
    if (warehouse_ids.empty()) warehouse_ids.push_back("1020000000000");
    json out = json::array();
    bool more = false;
    for (const auto& [id, p] : points) {
        if (id <= last_id || (only && id != only)) continue;
        if (static_cast<std::int64_t>(out.size()) == limit) {
            more = true;
            break;
        }
        const DropOffPoint* dp = nullptr;
        for (const auto& d : s.dropoff_points)
            if (d.place_id == id) dp = &d;
        const std::string name = dp && !dp->name.empty() ? dp->name : p.first;
        out.push_back({{"address", dp && !dp->address.empty() ? dp->address : "г. Москва, " + name},
                       {"box_count", (p.second + 2) / 3},
                       {"id", id},
                       {"name", name},
                       {"pass_info", {{"count", dp ? dp->pass_count : 0},
                                      {"is_required", dp ? dp->pass_required : false}}},
                       {"place_id", id},
                       {"returns_count", p.second},
                       {"utc_offset", "+03:00"},
                       {"warehouses_ids", warehouse_ids}});
    }
    return {200, {{"drop_off_points", out}, {"has_next", more}}, {}};
}

json rfbs_brief(const RfbsReturn& r) {
    return {{"created_at", format_iso8601(r.created_at)},
            {"order_number", r.posting_number.substr(0, r.posting_number.rfind('-'))},
            {"posting_number", r.posting_number},
            {"product", {{"currency_code", "RUB"}, {"name", r.product_name}, {"offer_id", r.offer_id},
                         {"price", static_cast<std::int64_t>(std::llround(r.price))}, {"sku", r.sku}}},
            {"return_id", r.return_id},
            {"return_number", r.return_number},
            {"state", {{"group_state", r.group_state}, {"money_return_state_name", ""},
                       {"state", r.state}, {"state_name", r.state_name}}}};
}

ApiResult rfbs_list(const json& req, const Scenario& s) {
    const auto limit = static_cast<std::size_t>(limit_in(req, 1, 1000, true));
    const json& f = member(req, "filter");
    TimeRange created = range(member(f, "created_at"), "from", "to", "filter.created_at");
    // group_state: All, New, Delivering, Checkout, Arbitration, Approved, Rejected (the
    // swagger's example sends "ALL": names are matched without regard to case).
    bool all = false;
    std::vector<std::string> groups;
    for (const auto& g : string_list(member(f, "group_state"), "filter.group_state")) {
        if (lower(g) == "all") {
            all = true;
            continue;
        }
        const auto& known = rfbs_group_states();
        auto it = std::find_if(known.begin(), known.end(), [&](const std::string& k) { return lower(k) == lower(g); });
        if (it == known.end())
            throw BadRequest{"filter.group_state: unknown value '" + g +
                             "' (All, New, Delivering, Checkout, Arbitration, Approved, Rejected)"};
        groups.push_back(*it);
    }
    if (groups.empty()) all = true;
    auto offer_id = as_string(member(f, "offer_id"), "filter.offer_id");
    auto posting = as_string(member(f, "posting_number"), "filter.posting_number");
    // last_id is int32 in the spec while return ids are int64: Ozon refuses a larger value.
    const json& last_id_json = member(req, "last_id");
    if (last_id_json.is_number_unsigned() &&
        last_id_json.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max()))
        throw BadRequest{"last_id: invalid value for int32 type: " + last_id_json.dump()};
    auto last_id = as_int(last_id_json, "last_id").value_or(0);
    if (last_id > std::numeric_limits<std::int32_t>::max() || last_id < std::numeric_limits<std::int32_t>::min())
        throw BadRequest{"last_id: invalid value for int32 type: " + std::to_string(last_id)};
    std::vector<const RfbsReturn*> sel;
    for (const auto& r : s.rfbs_returns) {
        if (r.return_id <= last_id) continue;
        if (!created.contains(r.created_at)) continue;
        if (!all && std::find(groups.begin(), groups.end(), r.group_state) == groups.end()) continue;
        if (!offer_id.empty() && r.offer_id != offer_id) continue;
        if (!posting.empty() && r.posting_number != posting) continue;
        sel.push_back(&r);
    }
    std::sort(sel.begin(), sel.end(), [](auto* a, auto* b) { return a->return_id < b->return_id; });
    json out = json::array();
    for (std::size_t i = 0; i < std::min(limit, sel.size()); ++i) out.push_back(rfbs_brief(*sel[i]));
    return {200, {{"returns", out}}, {}};
}

// What the seller may do with a request that waits for them (scenario.hpp:
// rfbs_waits_for_seller). Action ids as /v1/returns/rfbs/action/set documents them where it
// does: -1 and -10 reject (rejection_reason_id and comment required), 1020 partial compensation
// (compensation_amount required). 2026 shape (NOTES.md): [{"action": {"id", "name"}}].
json rfbs_available_actions(const RfbsReturn& r) {
    json out = json::array();
    auto add = [&](int id, const char* name) { out.push_back({{"action", {{"id", id}, {"name", name}}}}); };
    if (!rfbs_waits_for_seller(r)) return out;
    if (r.group_state == "New") {
        add(1, "Одобрить");
        add(1020, "Вернуть часть денег");
        add(-1, "Отклонить");
    } else {  // Checkout: the item came back for inspection
        add(2, "Вернуть деньги");
        add(-10, "Отклонить");
    }
    return out;
}

json rfbs_rejection_reasons(const RfbsReturn& r) {
    if (!rfbs_waits_for_seller(r)) return json::array();
    return json::array({
        {{"hint", "Приложите фото следов использования"}, {"id", 1}, {"is_comment_required", true},
         {"name", "Товар был в употреблении"}},
        {{"hint", ""}, {"id", 2}, {"is_comment_required", false}, {"name", "Нет бирок или упаковки"}},
        {{"hint", "Опишите, чем товар отличается"}, {"id", 3}, {"is_comment_required", true},
         {"name", "Возвращён другой товар"}},
    });
}

ApiResult rfbs_get(const json& req, const Scenario& s) {
    auto id = as_int(member(req, "return_id"), "return_id");
    if (!id || *id == 0) throw BadRequest{"return_id: value is required"};
    for (const auto& r : s.rfbs_returns) {
        if (r.return_id != *id) continue;
        json photos = json::array();
        for (const auto& p : r.client_photo) photos.push_back(p);
        std::int64_t warehouse = r.warehouse_id;
        for (const auto& w : s.warehouses)
            if (!warehouse && w.is_rfbs) warehouse = w.id;
        if (!warehouse && !s.warehouses.empty()) warehouse = s.warehouses.front().id;
        json ret = {
            {"available_actions", rfbs_available_actions(r)},
            {"client_name", ""},
            {"client_photo", photos},
            {"client_return_method_type", {{"id", 1}, {"name", "Пункт выдачи Ozon"}}},
            {"comment", r.client_comment},
            {"created_at", format_iso8601(r.created_at)},
            {"order_number", r.posting_number.substr(0, r.posting_number.rfind('-'))},
            {"posting_number", r.posting_number},
            {"product", {{"currency_code", "RUB"}, {"name", r.product_name}, {"offer_id", r.offer_id},
                         {"price", money_text(r.price, 2)}, {"sku", r.sku}}},
            {"rejection_comment", r.group_state == "Rejected" ? "Товар был в употреблении" : ""},
            {"rejection_reason", rfbs_rejection_reasons(r)},
            {"return_method_description", ""},
            {"return_number", r.return_number},
            {"return_reason", {{"id", r.return_reason_is_defect ? 2 : 1},
                               {"is_defect", r.return_reason_is_defect},
                               {"name", r.return_reason}}},
            {"ru_post_tracking_number", ""},
            {"state", {{"state", r.state}, {"state_name", r.state_name}}},
            {"warehouse_id", warehouse},
        };
        return {200, {{"returns", ret}}, {}};
    }
    return ozon_error(404, 5, "Return not found");
}

// ---------------------------------------------------------------- finance

std::int64_t kop(double rub) { return std::llround(rub * 100.0); }
json money_kop(std::int64_t k) { return {{"amount", money_text(static_cast<double>(k) / 100.0, 2)}, {"currency", "RUB"}}; }
double rub(std::int64_t k) { return static_cast<double>(k) / 100.0; }

const Posting* find_posting(const Scenario& s, const std::string& n) {
    for (const auto& p : s.postings)
        if (p.posting_number == n) return &p;
    return nullptr;
}

// The SKU an accrual is about: its own, the posting's first product, or the SKU of a return of
// that posting (a returned posting need not be among the scenario's postings).
std::int64_t accrual_sku(const Scenario& s, const Accrual& a) {
    if (a.sku) return a.sku;
    if (const Posting* p = find_posting(s, a.posting_number); p && !p->products.empty()) return p->products.front().sku;
    for (const auto& r : s.returns)
        if (r.posting_number == a.posting_number && !a.posting_number.empty()) return r.sku;
    return 0;
}

AccrualKind kind_of(const AccrualItem& it) {
    const AccrualType* t = find_accrual_type(static_cast<int>(it.type_id));
    return t ? t->kind : AccrualKind::other;
}

ApiResult accrual_postings(const json& req, const Scenario& s, TimePoint now) {
    auto numbers = string_list(member(req, "posting_numbers"), "posting_numbers");
    if (numbers.empty()) throw BadRequest{"posting_numbers: value is required"};
    if (numbers.size() > 200) throw BadRequest{"posting_numbers: at most 200 values"};
    // One pass over the accruals (a generated month has ~60,000), grouped by posting.
    std::unordered_map<std::string_view, std::vector<const Accrual*>> by_posting;
    for (const auto& n : numbers) by_posting.emplace(n, std::vector<const Accrual*>{});
    for (const auto& a : s.accruals)
        if (auto it = by_posting.find(a.posting_number); it != by_posting.end() && accrual_visible(a, now))
            it->second.push_back(&a);
    json out = json::array();
    for (const auto& n : numbers) {
        json acc = json::array();
        const auto& mine = by_posting.at(n);
        const Posting* p = mine.empty() ? nullptr : find_posting(s, n);
        for (const Accrual* ap : mine) {
            const Accrual& a = *ap;
            const std::int64_t sku = accrual_sku(s, a);
            int qty = 0;
            double price = 0;
            if (p)
                for (const auto& pr : p->products) {
                    qty += pr.quantity;
                    if (price == 0) price = pr.price;
                }
            for (const auto& it : a.items) {
                const bool sale = kind_of(it) == AccrualKind::sale || kind_of(it) == AccrualKind::refund;
                acc.push_back({{"accrual_date", accrual_day(a)},
                               {"accrued", money_kop(kop(it.amount))},
                               {"quantity", sale ? std::max(qty, 1) : 1},
                               {"seller_price", sale && price > 0 ? money_v4(price) : json(nullptr)},
                               {"sku", sku ? json(sku) : json(nullptr)},
                               {"type_id", it.type_id}});
            }
        }
        if (!acc.empty()) out.push_back({{"accruals", acc}, {"posting_number", n}});
    }
    return {200, {{"posting_accruals", out}}, {}};
}

json fee_list(const Accrual& a) {
    json fees = json::array();
    for (const auto& it : a.items) fees.push_back({{"accrued", money_kop(kop(it.amount))}, {"type_id", it.type_id}});
    return fees;
}

json by_day_accrual(const Accrual& a, const Scenario& s) {
    std::int64_t total = 0;
    for (const auto& it : a.items) total += kop(it.amount);
    const std::int64_t sku = accrual_sku(s, a);
    json x = {{"accrual_id", a.id},
              {"accrued_category", a.category},
              {"container_fees", nullptr},
              {"date", accrual_day(a)},
              {"item_fees", nullptr},
              {"non_item_fee", nullptr},
              {"posting", nullptr},
              {"total_amount", money_kop(total)},
              {"unit_number", a.unit_number}};
    if (a.category == "POSTING") {
        // Sale and commission go to products[].commission, every other line is a service of
        // products[].delivery (logistics, last mile, acquiring, corrections, ...).
        std::int64_t sale = 0, commission = 0, services_total = 0;
        json services = json::array();
        for (const auto& it : a.items) {
            const auto k = kind_of(it);
            if (k == AccrualKind::sale || k == AccrualKind::refund) sale += kop(it.amount);
            else if (k == AccrualKind::commission || k == AccrualKind::commission_refund) commission += kop(it.amount);
            else {
                services_total += kop(it.amount);
                services.push_back({{"accrued", money_kop(kop(it.amount))}, {"type_id", it.type_id}});
            }
        }
        int qty = 0;
        double price = 0;
        if (const Posting* p = find_posting(s, a.posting_number))
            for (const auto& pr : p->products) {
                qty += pr.quantity;
                if (price == 0) price = pr.price;
            }
        qty = std::max(qty, 1);
        const std::int64_t seller_price = price > 0 ? kop(price) : sale / qty;
        char ratio[32];
        std::snprintf(ratio, sizeof ratio, "%.4f", sale ? std::abs(static_cast<double>(commission) / static_cast<double>(sale)) : 0.0);
        json product = {{"commission", {{"bonus", money_kop(0)},
                                        {"coinvestment", money_kop(0)},
                                        {"commission", money_kop(commission)},
                                        {"commission_ratio", ratio},
                                        {"sale_amount", money_kop(sale)},
                                        {"sale_commission", money_kop(commission)},
                                        {"sale_price", money_kop(sale / qty)},
                                        {"seller_price", money_kop(seller_price)}}},
                        {"delivery", {{"services", services}, {"total_accrued", money_kop(services_total)}}},
                        {"sku", sku}};
        x["posting"] = {{"delivery_schema", "FBS"}, {"delivery_speed", 0}, {"products", json::array({product})}};
    } else if (a.category == "ITEM") {
        x["item_fees"] = {{"fees", json::array({{{"fees", fee_list(a)}, {"sku", sku}}})}};
    } else if (a.category == "NON_ITEM") {
        x["non_item_fee"] = {{"accrued", money_kop(kop(a.items.front().amount))}, {"type_id", a.items.front().type_id}};
    } else {
        x["container_fees"] = {{"fees", fee_list(a)}};
    }
    return x;
}

}  // namespace

// One date per request; pages of kByDayPage accruals in accrual_id order. last_id is a cursor
// (base64 of {date, last accrual_id, virtual issue time}) that expires 15 virtual minutes after
// the answer that gave it: then 400 {"code":3,"message":"last_id expired"}.
ApiResult accrual_by_day(const json& req, const Scenario& s, TimePoint now) {
    auto date = as_string(member(req, "date"), "date");
    if (date.size() != 10 || date[4] != '-' || date[7] != '-' || !parse_iso8601(date + "T00:00:00Z"))
        throw BadRequest{"date: value must be a date in the format YYYY-MM-DD"};
    if (date < "2022-01-01") throw BadRequest{"date: the earliest date is 2022-01-01"};
    if (!req.is_object() || !req.contains("last_id")) throw BadRequest{"last_id: value is required"};
    auto last_id = as_string(member(req, "last_id"), "last_id");
    std::int64_t after = 0;
    if (!last_id.empty()) {
        auto raw = base64_decode(last_id);
        auto j = raw ? json::parse(*raw, nullptr, false) : json();
        if (!j.is_object() || !j.contains("d") || !j.contains("a") || !j.contains("t") || !j["a"].is_number_integer() ||
            !j["t"].is_number_integer())
            throw BadRequest{"last_id: invalid value"};
        if (j["d"] != date) throw BadRequest{"last_id: pass the date of the previous request"};
        auto issued = TimePoint{Millis{j["t"].get<long long>()}};
        if (now - issued > kLastIdLifetime) throw BadRequest{kLastIdExpired};
        after = j["a"].get<std::int64_t>();
    }
    std::vector<const Accrual*> sel;
    for (const auto& a : s.accruals)
        if (accrual_visible(a, now) && accrual_day(a) == date && a.id > after) sel.push_back(&a);
    std::sort(sel.begin(), sel.end(), [](const Accrual* x, const Accrual* y) { return x->id < y->id; });
    json out = json::array();
    const std::size_t end = std::min(sel.size(), kByDayPage);
    for (std::size_t i = 0; i < end; ++i) out.push_back(by_day_accrual(*sel[i], s));
    std::string next;
    if (end < sel.size())
        next = base64_encode(json{{"d", date}, {"a", sel[end - 1]->id}, {"t", now.time_since_epoch().count()}}.dump());
    return {200, {{"accruals", out}, {"last_id", next}}, {}};
}

namespace {

ApiResult accrual_types_call() {
    json out = json::array();
    for (const auto& t : accrual_types())
        out.push_back({{"description", t.description}, {"id", t.id}, {"name", t.name}});
    return {200, {{"accrual_types", out}}, {}};
}

// One payout period of the cash-flow statement, in kopecks.
struct PeriodSums {
    PayoutPeriod period;
    std::map<AccrualKind, std::int64_t> by_kind;
    // details items per kind: operation name -> sum, in the order of the types table
    std::map<AccrualKind, std::vector<std::pair<std::string, std::int64_t>>> items;
    std::int64_t net = 0;
    std::optional<std::int64_t> payment;
    std::int64_t begin_balance = 0, end_balance = 0;
};

std::vector<PeriodSums> cash_flow_ledger(const Scenario& s, TimePoint now) {
    std::optional<PayoutPeriod> first;
    auto consider = [&](const PayoutPeriod& p) {
        if (!first || p.begin < first->begin) first = p;
    };
    for (const auto& a : s.accruals)
        if (accrual_visible(a, now)) consider(payout_period_at(a.date));
    for (const auto& p : s.payouts)
        if (auto pp = payout_period_of_day(p.period)) consider(*pp);
    std::vector<PeriodSums> out;
    if (!first) return out;
    std::int64_t balance = 0;
    for (PayoutPeriod p = *first; p.begin <= now; p = next_payout_period(p)) {
        PeriodSums x;
        x.period = p;
        for (const auto& t : accrual_types()) {
            std::int64_t sum = 0;
            bool any = false;
            for (const auto& a : s.accruals) {
                if (!accrual_visible(a, now) || payout_period_at(a.date).id != p.id) continue;
                for (const auto& it : a.items)
                    if (it.type_id == t.id) {
                        sum += kop(it.amount);
                        any = true;
                    }
            }
            if (!any) continue;
            x.by_kind[t.kind] += sum;
            x.net += sum;
            if (*t.operation) {
                auto& list = x.items[t.kind];
                auto it = std::find_if(list.begin(), list.end(), [&](const auto& e) { return e.first == t.operation; });
                if (it == list.end()) list.emplace_back(t.operation, sum);
                else it->second += sum;
            }
        }
        const Payout* po = nullptr;
        for (const auto& o : s.payouts)
            if (o.period == p.first_day) po = &o;
        if (!po || !po->unpaid) {
            const TimePoint paid_at = po && po->paid_at ? *po->paid_at : default_paid_at(p);
            const std::int64_t amount = po && po->amount ? kop(*po->amount) : x.net;
            if (paid_at <= now && amount > 0) x.payment = amount;
        }
        x.begin_balance = balance;
        balance += x.net - x.payment.value_or(0);
        x.end_balance = balance;
        out.push_back(std::move(x));
    }
    return out;
}

json period_json(const PayoutPeriod& p) {
    return {{"begin", format_iso8601(p.begin)}, {"end", format_iso8601(p.end)}, {"id", p.id}};
}

ApiResult cash_flow_statement(const json& req, const Scenario& s, TimePoint now) {
    const json& date = member(req, "date");
    if (!date.is_object()) throw BadRequest{"date: value is required"};
    auto from = as_time(member(date, "from"), "date.from");
    auto to = as_time(member(date, "to"), "date.to");
    if (!from) throw BadRequest{"date.from: value is required"};
    if (!to) throw BadRequest{"date.to: value is required"};
    if (*from > *to) throw BadRequest{"date.from: must not be later than date.to"};
    auto page = as_int(member(req, "page"), "page");
    auto page_size = as_int(member(req, "page_size"), "page_size");
    if (!page) throw BadRequest{"page: value is required"};
    if (*page < 1) throw BadRequest{"page: value must be at least 1"};
    if (!page_size) throw BadRequest{"page_size: value is required"};
    if (*page_size < 1) throw BadRequest{"page_size: value must be at least 1"};
    const bool details = flag(req, "with_details");

    std::vector<PeriodSums> sel;
    for (auto& x : cash_flow_ledger(s, now))
        if (x.period.begin <= *to && x.period.end >= *from) sel.push_back(std::move(x));
    const std::int64_t n = static_cast<std::int64_t>(sel.size());
    const std::int64_t page_count = (n + *page_size - 1) / *page_size;
    json flows = json::array(), det = json::array();
    const std::int64_t begin = std::min(n, (*page - 1) * *page_size);
    const std::int64_t end = std::min(n, begin + *page_size);
    auto sum = [](const PeriodSums& x, AccrualKind k) {
        auto it = x.by_kind.find(k);
        return it == x.by_kind.end() ? std::int64_t{0} : it->second;
    };
    auto item_list = [](const PeriodSums& x, std::initializer_list<AccrualKind> kinds) {
        json items = json::array();
        std::int64_t total = 0;
        for (auto k : kinds) {
            auto it = x.items.find(k);
            if (it == x.items.end()) continue;
            for (const auto& [name, v] : it->second) {
                items.push_back({{"name", name}, {"price", rub(v)}});
                total += v;
            }
        }
        return std::pair{items, total};
    };
    using K = AccrualKind;
    for (std::int64_t i = begin; i < end; ++i) {
        const PeriodSums& x = sel[static_cast<std::size_t>(i)];
        flows.push_back({{"commission_amount", rub(sum(x, K::commission) + sum(x, K::commission_refund))},
                         {"currency_code", "RUB"},
                         {"item_delivery_and_return_amount", rub(sum(x, K::delivery_service) + sum(x, K::return_service))},
                         {"orders_amount", rub(sum(x, K::sale))},
                         {"period", period_json(x.period)},
                         {"returns_amount", rub(sum(x, K::refund))},
                         {"services_amount", rub(sum(x, K::service))}});
        if (!details) continue;
        auto [delivery_items, delivery_services] = item_list(x, {K::delivery_service});
        auto [return_items, return_services] = item_list(x, {K::return_service});
        auto [service_items, services] = item_list(x, {K::service});
        auto [other_items, others] = item_list(x, {K::other});
        const std::int64_t delivery_amount = sum(x, K::sale) + sum(x, K::commission);
        const std::int64_t return_amount = sum(x, K::refund) + sum(x, K::commission_refund);
        json payments = json::array();
        if (x.payment) payments.push_back({{"currency_code", "RUB"}, {"payment", rub(*x.payment)}});
        det.push_back({{"begin_balance_amount", rub(x.begin_balance)},
                       {"delivery", {{"amount", rub(delivery_amount)},
                                     {"delivery_services", {{"items", delivery_items}, {"total", rub(delivery_services)}}},
                                     {"total", rub(delivery_amount + delivery_services)}}},
                       {"end_balance_amount", rub(x.end_balance)},
                       {"invoice_transfer", rub(x.net)},
                       {"loan", 0.0},
                       {"others", {{"items", other_items}, {"total", rub(others)}}},
                       {"payments", payments},
                       {"period", period_json(x.period)},
                       {"return", {{"amount", rub(return_amount)},
                                   {"return_services", {{"items", return_items}, {"total", rub(return_services)}}},
                                   {"total", rub(return_amount + return_services)}}},
                       {"rfbs", {{"compensation_delivery_return", 0.0},
                                 {"partial_compensation", 0.0},
                                 {"partial_compensation_return", 0.0},
                                 {"total", 0.0},
                                 {"transfer_delivery", 0.0},
                                 {"transfer_delivery_return", 0.0}}},
                       {"services", {{"items", service_items}, {"total", rub(services)}}}});
    }
    return {200, {{"result", {{"cash_flows", flows}, {"details", det}, {"page_count", page_count}}},
                  {"page_count", page_count}}, {}};
}

// ---------------------------------------------------------------- stocks, reviews, chats, account

// The warehouses of `s` by id (rFBS flag and name), for the stock methods.
struct WarehouseInfo {
    bool is_rfbs = false;
    const std::string* name = nullptr;
};
std::unordered_map<std::int64_t, WarehouseInfo> warehouse_index(const Scenario& s) {
    std::unordered_map<std::int64_t, WarehouseInfo> m;
    for (const auto& w : s.warehouses) m[w.id] = {w.is_rfbs, &w.name};
    return m;
}

// /v4/product/info/stocks: per product one row per scheme with stock -- `fbs` (the seller's
// FBS warehouses), `rfbs` (its rFBS warehouses, is_rfbs), `fbo` -- each summing the
// scenario's per-warehouse figures; warehouse_ids lists the warehouses summed.
ApiResult stocks(const json& req, const Scenario& s, TimePoint now) {
    const json& f = member(req, "filter");
    if (!f.is_object()) throw BadRequest{"filter: value is required"};
    const auto limit = static_cast<std::size_t>(limit_in(req, 1, 1000, true));
    auto offer_list = string_list(member(f, "offer_id"), "filter.offer_id");
    auto id_list = int_list(member(f, "product_id"), "filter.product_id");
    const std::unordered_set<std::string> offers(offer_list.begin(), offer_list.end());
    const std::unordered_set<std::int64_t> ids(id_list.begin(), id_list.end());
    auto visibility = as_string(member(f, "visibility"), "filter.visibility");
    std::vector<const Product*> sel;
    for (const auto& p : s.products) {
        if (!offers.empty() && !offers.count(p.offer_id)) continue;
        if (!ids.empty() && !ids.count(p.product_id)) continue;
        if (visibility == "EMPTY_STOCK") {
            int total = p.fbo_present;
            for (const auto& st : p.fbs) total += st.present;
            if (total != 0) continue;
        }
        sel.push_back(&p);
    }
    const std::size_t offset = std::min(read_cursor(req), sel.size());
    const std::size_t end = std::min(sel.size(), offset + limit);
    const auto whs = warehouse_index(s);
    json items = json::array();
    for (std::size_t i = offset; i < end; ++i) {
        const Product& p = *sel[i];
        json st = json::array();
        for (const bool rfbs : {false, true}) {
            int present = 0, reserved = 0;
            json ids_of = json::array();
            for (const auto& w : p.fbs) {
                auto it = whs.find(w.warehouse_id);
                if ((it != whs.end() && it->second.is_rfbs) != rfbs) continue;
                present += w.present;
                reserved += w.reserved;
                ids_of.push_back(w.warehouse_id);
            }
            if (ids_of.empty()) continue;
            st.push_back({{"present", present}, {"reserved", reserved}, {"shipment_type", "SHIPMENT_TYPE_GENERAL"},
                          {"sku", p.sku}, {"type", rfbs ? "rfbs" : "fbs"}, {"warehouse_ids", ids_of}});
        }
        if (p.fbo_present || p.fbo_reserved)
            st.push_back({{"present", p.fbo_present}, {"reserved", p.fbo_reserved},
                          {"shipment_type", "SHIPMENT_TYPE_GENERAL"}, {"sku", p.sku}, {"type", "fbo"},
                          {"warehouse_ids", json::array()}});
        items.push_back({{"offer_id", p.offer_id}, {"product_id", p.product_id}, {"stocks", st}});
    }
    json body = {{"cursor", end < sel.size() ? make_cursor(end) : std::string()},
                 {"items", items},
                 {"total_items", sel.size()}};
    // `total` was switched off on 23 Nov 2026; before that date both fields are sent.
    if (now < *parse_iso8601("2026-11-23T00:00:00Z")) body["total"] = sel.size();
    return {200, body, {}};
}

// /v2/product/info/stocks-by-warehouse/fbs (NOTES.md; the spec has no schema for v2): `sku[]`
// or `offer_id[]` (one of them, 1..1000 values), `limit` 1..1000 (default 1000), `cursor`.
// One row per requested product and FBS or rFBS warehouse it has stock figures on, in the
// scenario's product order; unknown values give no rows. free_stock = present - reserved (not
// below 0).
ApiResult stocks_by_warehouse(const json& req, const Scenario& s) {
    constexpr std::size_t kMaxValues = 1000;
    const auto limit = static_cast<std::size_t>(limit_in(req, 1, 1000, false, 1000));
    auto sku_list = int_list(member(req, "sku"), "sku");
    auto offer_list = string_list(member(req, "offer_id"), "offer_id");
    sku_list.erase(std::remove(sku_list.begin(), sku_list.end(), 0), sku_list.end());
    offer_list.erase(std::remove(offer_list.begin(), offer_list.end(), std::string()), offer_list.end());
    if (sku_list.empty() && offer_list.empty()) throw BadRequest{"sku or offer_id: pass one of them (1 to 1000 values)"};
    if (!sku_list.empty() && !offer_list.empty()) throw BadRequest{"pass either sku or offer_id, not both"};
    if (sku_list.size() > kMaxValues) throw BadRequest{"sku: at most 1000 values"};
    if (offer_list.size() > kMaxValues) throw BadRequest{"offer_id: at most 1000 values"};
    const std::unordered_set<std::int64_t> skus(sku_list.begin(), sku_list.end());
    const std::unordered_set<std::string> offers(offer_list.begin(), offer_list.end());
    struct Row {
        const Product* p;
        const StockAtWarehouse* w;
    };
    std::vector<Row> rows;
    for (const auto& p : s.products) {
        if (!skus.empty() ? !skus.count(p.sku) : !offers.count(p.offer_id)) continue;
        for (const auto& w : p.fbs) rows.push_back({&p, &w});
    }
    const std::size_t offset = std::min(read_cursor(req), rows.size());
    const std::size_t end = std::min(rows.size(), offset + limit);
    const auto whs = warehouse_index(s);
    json out = json::array();
    for (std::size_t i = offset; i < end; ++i) {
        const Product& p = *rows[i].p;
        const StockAtWarehouse& w = *rows[i].w;
        auto it = whs.find(w.warehouse_id);
        out.push_back({{"sku", p.sku}, {"offer_id", p.offer_id}, {"product_id", p.product_id},
                       {"warehouse_id", w.warehouse_id},
                       {"warehouse_name", it != whs.end() ? *it->second.name : std::to_string(w.warehouse_id)},
                       {"present", w.present}, {"reserved", w.reserved},
                       {"free_stock", std::max(0, w.present - w.reserved)}});
    }
    return {200, {{"stocks", out}, {"cursor", end < rows.size() ? make_cursor(end) : std::string()},
                  {"has_next", end < rows.size()}}, {}};
}

ApiResult reviews(const json& req, const Scenario& s, const Account& acc) {
    if (!acc.review_subscription)
        return ozon_error(403, 7, "Method is available only with the Premium Pro or Review management subscription");
    const auto limit = static_cast<std::size_t>(limit_in(req, 20, 100, true));
    const json& f = member(req, "filters");
    auto status = as_string(member(f, "status"), "filters.status");
    if (!status.empty() && status != "ALL" && status != "NEW" && status != "VIEWED" && status != "PROCESSED")
        throw BadRequest{"filters.status: invalid value '" + status + "'"};
    auto order_status = as_string(member(f, "order_status"), "filters.order_status");
    TimeRange published;
    published.from = as_time(member(f, "published_from"), "filters.published_from");
    published.to = as_time(member(f, "published_to"), "filters.published_to");
    auto skus = int_list(member(f, "skus"), "filters.skus");
    if (skus.empty()) skus = int_list(member(f, "sku"), "filters.sku");  // the example's spelling
    skus.erase(std::remove(skus.begin(), skus.end(), 0), skus.end());
    const bool desc = as_string(member(req, "sort_dir"), "sort_dir") != "ASC";
    std::vector<const Review*> sel;
    for (const auto& r : s.reviews) {
        if (!status.empty() && status != "ALL" && r.status != status) continue;
        if (!order_status.empty() && order_status != "ALL" && r.order_status != order_status) continue;
        if (!published.contains(r.published_at)) continue;
        if (!skus.empty() && std::find(skus.begin(), skus.end(), r.sku) == skus.end()) continue;
        sel.push_back(&r);
    }
    std::stable_sort(sel.begin(), sel.end(), [&](auto* a, auto* b) {
        if (a->published_at != b->published_at) return desc ? a->published_at > b->published_at : a->published_at < b->published_at;
        return a->id < b->id;
    });
    auto last_id = as_string(member(req, "last_id"), "last_id");
    std::size_t offset = 0;
    if (!last_id.empty()) {
        for (std::size_t i = 0; i < sel.size(); ++i)
            if (sel[i]->id == last_id) offset = i + 1;
    }
    const std::size_t end = std::min(sel.size(), offset + limit);
    json out = json::array();
    for (std::size_t i = offset; i < end; ++i) {
        const Review& r = *sel[i];
        out.push_back({{"comments_amount", r.comments_amount}, {"id", r.id}, {"is_rating_participant", true},
                       {"order_status", r.order_status}, {"photos_amount", r.photos_amount},
                       {"published_at", ts_ms(r.published_at)}, {"rating", r.rating}, {"sku", r.sku},
                       {"status", r.status}, {"text", r.text}, {"videos_amount", 0}});
    }
    return {200, {{"has_next", end < sel.size()}, {"last_id", end > offset ? sel[end - 1]->id : std::string()},
                  {"reviews", out}}, {}};
}

ApiResult chats(const json& req, const Scenario& s) {
    const auto limit = static_cast<std::size_t>(limit_in(req, 1, 100, false, 30));
    const json& f = member(req, "filter");
    auto status = as_string(member(f, "chat_status"), "filter.chat_status");
    if (!status.empty() && status != "ALL" && status != "OPENED" && status != "CLOSED")
        throw BadRequest{"filter.chat_status: invalid value '" + status + "'"};
    const bool unread_only = flag(f, "unread_only");
    std::vector<const Chat*> sel;
    std::int64_t total_unread = 0;
    for (const auto& c : s.chats) {
        total_unread += c.unread_count;
        if (!status.empty() && status != "ALL" && c.chat_status != status) continue;
        if (unread_only && c.unread_count == 0) continue;
        sel.push_back(&c);
    }
    const std::size_t offset = std::min(read_cursor(req), sel.size());
    const std::size_t end = std::min(sel.size(), offset + limit);
    json out = json::array();
    for (std::size_t i = offset; i < end; ++i) {
        const Chat& c = *sel[i];
        out.push_back({{"chat", {{"chat_id", c.chat_id}, {"chat_status", c.chat_status}, {"chat_type", c.chat_type},
                                 {"created_at", ts_ms(c.created_at)}}},
                       {"first_unread_message_id", std::to_string(c.unread_count ? c.last_message_id - c.unread_count + 1 : 0)},
                       {"last_message_id", std::to_string(c.last_message_id)},
                       {"unread_count", c.unread_count}});
    }
    return {200, {{"chats", out}, {"cursor", end < sel.size() ? make_cursor(end) : std::string()},
                  {"has_next", end < sel.size()}, {"total_unread_count", total_unread}}, {}};
}

ApiResult roles(const Account& acc) {
    json rs = json::array();
    for (const auto& r : acc.roles) rs.push_back({{"methods", role_methods(r)}, {"name", r}});
    return {200, {{"expires_at", ts_ms(acc.key_expires_at)}, {"roles", rs}}, {}};
}

ApiResult warehouses(const json& req, const Scenario& s, TimePoint now) {
    const auto limit = static_cast<std::size_t>(limit_in(req, 1, 200, false, 200));
    auto ids = int_list(member(req, "warehouse_ids"), "warehouse_ids");
    if (ids.size() > 200) throw BadRequest{"warehouse_ids: at most 200 values"};
    std::vector<const Warehouse*> sel;
    for (const auto& w : s.warehouses)
        if (ids.empty() || std::find(ids.begin(), ids.end(), w.id) != ids.end()) sel.push_back(&w);
    const std::size_t offset = std::min(read_cursor(req), sel.size());
    const std::size_t end = std::min(sel.size(), offset + limit);
    json out = json::array();
    auto created = ts_ms(now - std::chrono::hours(24 * 365));
    for (std::size_t i = offset; i < end; ++i) {
        const Warehouse& w = *sel[i];
        out.push_back({
            {"address_info", {{"address", "Россия, Москва"}, {"latitude", 55.75}, {"longitude", 37.62}, {"utc", "UTC+03:00"}}},
            {"carriage_label_type", "BIG"},
            {"courier_comment", ""},
            {"courier_phones", json::array()},
            {"created_at", created},
            {"cut_in_time", 0},
            {"first_mile", {{"dropoff_point_id", ""}, {"first_mile_is_changing", false}, {"timeslot_from", "14:00"},
                            {"timeslot_id", 0}, {"timeslot_to", "17:00"}, {"type", "DROP_OFF"}}},
            {"has_entrusted_acceptance", false},
            {"has_postings_limit", false},
            {"is_auto_assembly", false},
            {"is_comfort", false},
            {"is_express", false},
            {"is_kgt", false},
            {"is_rfbs", w.is_rfbs},
            {"is_waybill_enabled", false},
            {"min_postings_limit", 0},
            {"name", w.name},
            {"pause_at", nullptr},
            {"phone", ""},
            {"postings_limit", -1},
            {"sla_cut_in", 1440},
            {"status", w.status},
            {"timetable", {{"timetable_from", created}, {"timetable_to", created}, {"working_hours", json::array()}}},
            {"updated_at", created},
            {"warehouse_id", w.id},
            {"warehouse_type", "FBS"},
            {"with_item_list", false},
            {"working_days", {"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"}},
        });
    }
    return {200, {{"cursor", end < sel.size() ? make_cursor(end) : std::string()}, {"has_next", end < sel.size()},
                  {"warehouses", out}}, {}};
}

const std::vector<std::string>& served_methods() {
    static const std::vector<std::string> m = {
        "/v4/posting/fbs/list", "/v4/posting/fbs/unfulfilled/list", "/v3/posting/fbs/get",
        "/v1/returns/list", "/v2/returns/rfbs/list", "/v2/returns/rfbs/get", "/v1/returns/company/fbs/info",
        "/v1/finance/accrual/postings", "/v1/finance/accrual/by-day", "/v1/finance/accrual/types",
        "/v1/finance/cash-flow-statement/list", "/v4/product/info/stocks", "/v2/product/info/stocks-by-warehouse/fbs",
        "/v2/review/list", "/v3/chat/list", "/v1/roles", "/v2/warehouse/list"};
    return m;
}

}  // namespace

json ozon_error_body(int code, const std::string& message) {
    return {{"code", code}, {"message", message}, {"details", json::array()}};
}

ApiResult ozon_error(int http_status, int code, const std::string& message) {
    return {http_status, ozon_error_body(code, message), {}};
}

bool is_ozon_method(std::string_view path) {
    const auto& m = served_methods();
    return std::find(m.begin(), m.end(), path) != m.end();
}

// The one table of retired methods, shared with the client (common/ozon/retired.hpp).
bool is_retired_method(std::string_view path) { return ozon::find_retired(path) != nullptr; }

std::string retired_replacement(std::string_view path) {
    const ozon::RetiredMethod* r = ozon::find_retired(path);
    return r ? std::string(r->replacement) : std::string();
}

std::vector<std::string> role_methods(const std::string& role) {
    if (role == "Admin") return served_methods();
    static const std::map<std::string, std::vector<std::string>> m = {
        {"Posting FBS", {"/v4/posting/fbs/list", "/v4/posting/fbs/unfulfilled/list", "/v3/posting/fbs/get"}},
        {"Returns", {"/v1/returns/list", "/v2/returns/rfbs/list", "/v2/returns/rfbs/get",
                     "/v1/returns/company/fbs/info"}},
        {"Finance", {"/v1/finance/accrual/postings", "/v1/finance/accrual/by-day", "/v1/finance/accrual/types",
                     "/v1/finance/cash-flow-statement/list"}},
        {"Product", {"/v4/product/info/stocks", "/v2/product/info/stocks-by-warehouse/fbs"}},
        {"Reviews", {"/v2/review/list"}},
        {"Chat", {"/v3/chat/list"}},
        {"Warehouse", {"/v2/warehouse/list"}},
    };
    auto it = m.find(role);
    return it == m.end() ? std::vector<std::string>{} : it->second;
}

bool account_may_call(const Account& acc, std::string_view path) {
    if (path == "/v1/roles") return true;
    for (const auto& r : acc.roles) {
        auto ms = role_methods(r);
        if (std::find(ms.begin(), ms.end(), path) != ms.end()) return true;
    }
    return false;
}

ApiResult ozon_call(const std::string& path, const json& req, Scenario& s, const Account& acc,
                    TimePoint now) {
    try {
        if (!req.is_object() && !req.is_null())
            throw BadRequest{"request body must be a JSON object"};
        if (path == "/v4/posting/fbs/list") return postings_list(req, s, false, now);
        if (path == "/v4/posting/fbs/unfulfilled/list") return postings_list(req, s, true, now);
        if (path == "/v3/posting/fbs/get") return posting_get(req, s, now);
        if (path == "/v1/returns/list") return returns_list(req, s, now);
        if (path == "/v2/returns/rfbs/list") return rfbs_list(req, s);
        if (path == "/v2/returns/rfbs/get") return rfbs_get(req, s);
        if (path == "/v1/returns/company/fbs/info") return returns_dropoff(req, s);
        if (path == "/v1/finance/accrual/postings") return accrual_postings(req, s, now);
        if (path == "/v1/finance/accrual/by-day") return accrual_by_day(req, s, now);
        if (path == "/v1/finance/accrual/types") return accrual_types_call();
        if (path == "/v1/finance/cash-flow-statement/list") return cash_flow_statement(req, s, now);
        if (path == "/v4/product/info/stocks") return stocks(req, s, now);
        if (path == "/v2/product/info/stocks-by-warehouse/fbs") return stocks_by_warehouse(req, s);
        if (path == "/v2/review/list") return reviews(req, s, acc);
        if (path == "/v3/chat/list") return chats(req, s);
        if (path == "/v1/roles") return roles(acc);
        if (path == "/v2/warehouse/list") return warehouses(req, s, now);
        return ozon_error(404, 5, "Not Found");
    } catch (const BadRequest& e) {
        return ozon_error(400, 3, e.message);
    } catch (const json::exception& e) {
        return ozon_error(400, 3, std::string("invalid request: ") + e.what());
    }
}

}  // namespace ozw::sandbox::detail
