// Tolerant parsers for the Ozon Seller API responses (see models.hpp for the rules).
#include "common/ozon/models.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <mutex>
#include <set>

#include "common/ozon/errors.hpp"
#include "common/ozon/json_util.hpp"
#include "common/time.hpp"

namespace ozw::ozon {

using nlohmann::json;

// ------------------------------------------------------------------ schema surprises

namespace {
std::mutex g_surprise_mutex;
std::set<std::string>& surprises() {
    static std::set<std::string> s;
    return s;
}
}  // namespace

namespace detail {

void schema_surprise(std::string_view method, std::string_view field, const json& value) {
    schema_surprise(method, field, value.type_name());
}

void schema_surprise(std::string_view method, std::string_view field, const char* type_name) {
    std::string key;
    key.reserve(method.size() + field.size() + 1);
    key.append(method).append("|").append(field);
    {
        std::lock_guard lock(g_surprise_mutex);
        if (!surprises().insert(key).second) return;
    }
    // The value itself is not logged: it may carry personal data.
    spdlog::warn("ozon {}: field '{}' has unexpected type {}; using the default (logged once)",
                 method, field, type_name);
}

json parse_body(std::string_view body, std::string_view method) {
    if (body.size() > kMaxBodyBytes)
        throw ParseError(std::string(method) + ": response body over the size limit");
    // Depth pre-check: nlohmann's recursive parser would overflow the stack on hostile nesting.
    int depth = 0;
    bool in_string = false, escaped = false;
    for (char c : body) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '"') in_string = true;
        else if (c == '{' || c == '[') {
            if (++depth > kMaxJsonDepth)
                throw ParseError(std::string(method) + ": JSON nested too deeply");
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    json j = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded())
        throw ParseError(std::string(method) + ": response is not valid JSON");
    return j;
}

const json* field(const json& obj, const char* key) {
    if (!obj.is_object()) return nullptr;
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return nullptr;
    return &*it;
}

std::optional<long long> Reader::opt_int(const json& obj, const char* key) const {
    const json* v = field(obj, key);
    if (!v) return std::nullopt;
    if (v->is_number_integer()) {
        if (v->is_number_unsigned() &&
            v->get<unsigned long long>() > static_cast<unsigned long long>(
                                               std::numeric_limits<long long>::max())) {
            schema_surprise(method, key, *v);
            return std::nullopt;
        }
        return v->get<long long>();
    }
    if (v->is_number_float()) {
        if (auto i = integral(v->get<double>())) return i;
        schema_surprise(method, key, *v);
        return std::nullopt;
    }
    if (v->is_string()) {
        const auto& s = v->get_ref<const std::string&>();
        if (s.empty()) return std::nullopt;
        if (auto i = integer_from_text(s)) return i;
    }
    schema_surprise(method, key, *v);
    return std::nullopt;
}

long long Reader::integer(const json& obj, const char* key, long long def) const {
    return opt_int(obj, key).value_or(def);
}

std::optional<double> Reader::opt_number(const json& obj, const char* key) const {
    const json* v = field(obj, key);
    if (!v) return std::nullopt;
    return to_number(*v, key);
}

std::optional<double> Reader::to_number(const json& v, const char* key) const {
    if (v.is_number()) {
        double d = v.get<double>();
        if (std::isfinite(d)) return d;
    } else if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        if (s.empty()) return std::nullopt;
        double d = 0;
        const char* b = s.data();
        const char* e = s.data() + s.size();
        if (*b == '+') ++b;
        auto [p, ec] = std::from_chars(b, e, d);
        if (ec == std::errc() && p == e && std::isfinite(d)) return d;
    } else if (v.is_null()) {
        return std::nullopt;
    }
    schema_surprise(method, key, v);
    return std::nullopt;
}

std::optional<Decimal> Reader::to_decimal(const json& v, const char* key) const {
    if (v.is_number_unsigned()) {
        const auto u = v.get<unsigned long long>();
        if (u <= static_cast<unsigned long long>(Decimal::kMaxUnits))
            return Decimal::units(static_cast<std::int64_t>(u));
    } else if (v.is_number_integer()) {
        const auto i = v.get<long long>();
        if (i >= -Decimal::kMaxUnits && i <= Decimal::kMaxUnits) return Decimal::units(i);
    } else if (v.is_number_float()) {
        // nlohmann kept only the double; its shortest text is the number as written (up to 15
        // significant digits), what the simdjson reader parses.
        if (auto d = decimal_of_double(v.get<double>())) return d;
    } else if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        if (s.empty()) return std::nullopt;
        if (auto d = decimal_from_text(s)) return d;
    } else if (v.is_null()) {
        return std::nullopt;
    }
    schema_surprise(method, key, v);
    return std::nullopt;
}

double Reader::number(const json& obj, const char* key, double def) const {
    return opt_number(obj, key).value_or(def);
}

std::string Reader::str(const json& obj, const char* key) const {
    const json* v = field(obj, key);
    if (!v) return {};
    if (v->is_string()) return v->get<std::string>();
    // Ozon flips between numbers and strings for ids ("warehouse": "17023" vs 17023).
    if (v->is_number_integer()) return v->dump();
    if (v->is_number_float() || v->is_boolean()) return v->dump();
    schema_surprise(method, key, *v);
    return {};
}

bool Reader::boolean(const json& obj, const char* key, bool def) const {
    const json* v = field(obj, key);
    if (!v) return def;
    if (v->is_boolean()) return v->get<bool>();
    if (v->is_string()) {
        const auto& s = v->get_ref<const std::string&>();
        if (s == "true") return true;
        if (s == "false") return false;
    }
    if (v->is_number_integer()) return v->get<long long>() != 0;
    schema_surprise(method, key, *v);
    return def;
}

OptTime Reader::time(const json& obj, const char* key) const {
    const json* v = field(obj, key);
    if (!v) return std::nullopt;
    if (v->is_string()) {
        const auto& s = v->get_ref<const std::string&>();
        if (s.empty()) return std::nullopt;
        auto t = parse_iso8601(s);
        if (!t) schema_surprise(method, key, *v);
        return t;
    }
    schema_surprise(method, key, *v);
    return std::nullopt;
}

Money Reader::money_value(const json& v, const char* key, std::string_view default_currency) const {
    Money m;
    m.currency = std::string(default_currency);
    if (v.is_null()) return m;
    if (v.is_object()) {
        // {amount, currency} (v4 postings, accruals), {price, currency_code} (returns),
        // {currency_code, value} (/v1/finance/balance).
        const json* amount = field(v, "amount");
        if (!amount) amount = field(v, "price");
        if (!amount) amount = field(v, "value");
        if (amount) m.amount = to_decimal(*amount, key).value_or(Decimal{});
        std::string cur = str(v, "currency");
        if (cur.empty()) cur = str(v, "currency_code");
        if (!cur.empty()) m.currency = std::move(cur);
        return m;
    }
    m.amount = to_decimal(v, key).value_or(Decimal{});
    return m;
}

Money Reader::money(const json& obj, const char* key, std::string_view default_currency) const {
    const json* v = field(obj, key);
    if (!v) {
        Money m;
        m.currency = std::string(default_currency);
        return m;
    }
    return money_value(*v, key, default_currency);
}

std::optional<Money> Reader::opt_money(const json& obj, const char* key) const {
    const json* v = field(obj, key);
    if (!v) return std::nullopt;
    return money_value(*v, key, {});
}

const json* Reader::object(const json& obj, const char* key) const {
    const json* v = field(obj, key);
    if (!v) return nullptr;
    if (v->is_object()) return v;
    schema_surprise(method, key, *v);
    return nullptr;
}

const json* Reader::array(const json& obj, const char* key) const {
    const json* v = field(obj, key);
    if (!v) return nullptr;
    if (v->is_array()) return v;
    // rfbs list declares an object but returns an array; accept a lone object as a 1-element
    // array elsewhere would hide real surprises, so only arrays pass.
    schema_surprise(method, key, *v);
    return nullptr;
}

std::vector<std::string> Reader::strings(const json& obj, const char* key) const {
    std::vector<std::string> out;
    if (const json* a = array(obj, key)) {
        for (const auto& e : *a) {
            if (e.is_string()) out.push_back(e.get<std::string>());
            else if (e.is_number()) out.push_back(e.dump());
            else schema_surprise(method, key, e);
        }
    }
    return out;
}

const json& top_object(const json& j, std::string_view method) {
    if (!j.is_object()) throw ParseError(std::string(method) + ": response is not a JSON object");
    return j;
}

}  // namespace detail

std::size_t schema_surprise_count() {
    std::lock_guard lock(g_surprise_mutex);
    return surprises().size();
}

void reset_schema_surprises() {
    std::lock_guard lock(g_surprise_mutex);
    surprises().clear();
}

// ------------------------------------------------------------------ statuses

namespace {
struct StatusName {
    PostingStatus status;
    const char* name;
};
constexpr StatusName kStatusNames[] = {
    {PostingStatus::awaiting_registration, "awaiting_registration"},
    {PostingStatus::acceptance_in_progress, "acceptance_in_progress"},
    {PostingStatus::awaiting_approve, "awaiting_approve"},
    {PostingStatus::awaiting_packaging, "awaiting_packaging"},
    {PostingStatus::awaiting_deliver, "awaiting_deliver"},
    {PostingStatus::awaiting_verification, "awaiting_verification"},
    {PostingStatus::arbitration, "arbitration"},
    {PostingStatus::client_arbitration, "client_arbitration"},
    {PostingStatus::delivering, "delivering"},
    {PostingStatus::driver_pickup, "driver_pickup"},
    {PostingStatus::delivered, "delivered"},
    {PostingStatus::cancelled, "cancelled"},
    {PostingStatus::cancelled_from_split_pending, "cancelled_from_split_pending"},
    {PostingStatus::not_accepted, "not_accepted"},
    {PostingStatus::sent_by_seller, "sent_by_seller"},
};
}  // namespace

PostingStatus parse_posting_status(std::string_view s) {
    for (const auto& n : kStatusNames)
        if (s == n.name) return n.status;
    return PostingStatus::unknown;
}

const char* to_string(PostingStatus s) {
    for (const auto& n : kStatusNames)
        if (s == n.status) return n.name;
    return "unknown";
}

// ------------------------------------------------------------------ postings

bool Tariffication::empty() const {
    return current_tariff_type.empty() && current_tariff_rate == 0.0 && !current_tariff_charge &&
           !current_tariff_min_charge && next_tariff_type.empty() && next_tariff_rate == 0.0 &&
           !next_tariff_charge && !next_tariff_min_charge && !next_tariff_starts_at && steps.empty();
}

namespace {

using detail::Reader;

// A tariff charge: v4 {amount, currency} (null when none), v3 a string ("50", "" when none)
// with the currency in `currency_key`. No amount -> nullopt.
std::optional<Money> read_charge(const json& obj, const char* key, const Reader& r,
                                 const char* currency_key = nullptr) {
    const json* v = detail::field(obj, key);
    if (!v) return std::nullopt;
    if (v->is_string() && v->get_ref<const std::string&>().empty()) return std::nullopt;
    if (v->is_object()) {
        const json* amount = detail::field(*v, "amount");
        if (!amount || (amount->is_string() && amount->get_ref<const std::string&>().empty()))
            return std::nullopt;
    } else if (!v->is_string() && !v->is_number()) {
        detail::schema_surprise(r.method, key, *v);
        return std::nullopt;
    }
    std::string currency = currency_key ? r.str(obj, currency_key) : std::string();
    return r.money_value(*v, key, currency);
}

// Ozon marks the open-ended last step with 9999-12-31T23:59:59.999999900Z.
OptTime step_deadline(const json& step, const Reader& r) {
    OptTime t = r.time(step, "tariff_deadline_at");
    static const TimePoint kOpenEnded = *parse_iso8601("9999-01-01T00:00:00Z");
    if (t && *t >= kOpenEnded) return std::nullopt;
    return t;
}

std::optional<Tariffication> read_tariffication(const json& p, const Reader& r) {
    Tariffication t;
    const json* tj = detail::field(p, "tariffication");
    // The 2025 swagger example wraps the object in an array; take its first object.
    if (tj && tj->is_array()) {
        const json* first = nullptr;
        for (const auto& e : *tj)
            if (e.is_object()) {
                first = &e;
                break;
            }
        tj = first;
    } else if (tj && !tj->is_object()) {
        detail::schema_surprise(r.method, "tariffication", *tj);
        tj = nullptr;
    }
    if (tj) {
        t.current_tariff_type = r.str(*tj, "current_tariff_type");
        t.current_tariff_rate = r.number(*tj, "current_tariff_rate");
        t.current_tariff_charge =
            read_charge(*tj, "current_tariff_charge", r, "current_tariff_charge_currency_code");
        t.current_tariff_min_charge = read_charge(*tj, "current_tariff_min_charge", r);
        t.next_tariff_type = r.str(*tj, "next_tariff_type");
        t.next_tariff_rate = r.number(*tj, "next_tariff_rate");
        t.next_tariff_charge =
            read_charge(*tj, "next_tariff_charge", r, "next_tariff_charge_currency_code");
        t.next_tariff_min_charge = read_charge(*tj, "next_tariff_min_charge", r);
        t.next_tariff_starts_at = r.time(*tj, "next_tariff_starts_at");
    }
    if (const json* steps = r.array(p, "tariffication_steps")) {
        for (const auto& st : *steps) {
            if (!st.is_object()) {
                detail::schema_surprise(r.method, "tariffication_steps[]", st);
                continue;
            }
            TariffStep x;
            x.type = r.str(st, "tariff_type");
            x.rate = r.number(st, "tariff_rate");
            x.charge = read_charge(st, "tariff_charge", r);
            x.min_charge = read_charge(st, "min_charge", r);
            x.deadline_at = step_deadline(st, r);
            t.steps.push_back(std::move(x));
        }
    }
    if (t.empty()) return std::nullopt;
    return t;
}

Posting read_posting(const json& p, const Reader& r) {
    Posting out;
    out.posting_number = r.str(p, "posting_number");
    out.order_number = r.str(p, "order_number");
    out.order_id = r.integer(p, "order_id");
    out.status = r.str(p, "status");
    out.substatus = r.str(p, "substatus");
    out.previous_substatus = r.str(p, "previous_substatus");
    out.in_process_at = r.time(p, "in_process_at");
    out.shipment_date = r.time(p, "shipment_date");
    out.shipment_date_without_delay = r.time(p, "shipment_date_without_delay");
    out.delivering_date = r.time(p, "delivering_date");
    out.pickup_code_verified_at = r.time(p, "pickup_code_verified_at");
    out.fact_delivery_date = r.time(p, "fact_delivery_date");
    out.tracking_number = r.str(p, "tracking_number");
    out.delivery_schema = r.str(p, "delivery_schema");
    out.tpl_integration_type = r.str(p, "tpl_integration_type");
    out.available_actions = r.strings(p, "available_actions");
    out.is_express = r.boolean(p, "is_express");
    out.is_multibox = r.boolean(p, "is_multibox");

    if (const json* c = r.object(p, "cancellation")) {
        Cancellation c2;
        c2.initiator = r.str(*c, "cancellation_initiator");
        c2.type = r.str(*c, "cancellation_type");
        c2.reason = r.str(*c, "cancel_reason");
        c2.reason_id = r.integer(*c, "cancel_reason_id");
        c2.affect_rating = r.boolean(*c, "affect_cancellation_rating");
        c2.after_ship = r.boolean(*c, "cancelled_after_ship");
        if (!c2.empty()) out.cancellation = std::move(c2);
    }
    if (const json* d = r.object(p, "delivery_method")) {
        out.delivery_method.id = r.integer(*d, "id");
        out.delivery_method.name = r.str(*d, "name");
        out.delivery_method.warehouse_id = r.integer(*d, "warehouse_id");
        out.delivery_method.warehouse = r.str(*d, "warehouse");
        out.delivery_method.tpl_provider = r.str(*d, "tpl_provider");
    }
    if (const json* products = r.array(p, "products")) {
        for (const auto& pr : *products) {
            if (!pr.is_object()) {
                detail::schema_surprise(r.method, "products[]", pr);
                continue;
            }
            PostingProduct x;
            x.sku = r.integer(pr, "sku");
            x.offer_id = r.str(pr, "offer_id");
            x.name = r.str(pr, "name");
            x.quantity = static_cast<int>(r.integer(pr, "quantity"));
            // v3: price "1530.0000" + currency_code; v4: price {amount, currency}.
            x.price = r.money(pr, "price", r.str(pr, "currency_code"));
            out.products.push_back(std::move(x));
        }
    }
    if (const json* f = r.object(p, "financial_data")) {
        FinancialData fd;
        fd.cluster_from = r.str(*f, "cluster_from");
        fd.cluster_to = r.str(*f, "cluster_to");
        if (const json* fps = r.array(*f, "products")) {
            for (const auto& fp : *fps) {
                if (!fp.is_object()) {
                    detail::schema_surprise(r.method, "financial_data.products[]", fp);
                    continue;
                }
                FinancialProduct x;
                x.product_id = r.integer(fp, "product_id");
                x.quantity = static_cast<int>(r.integer(fp, "quantity"));
                x.payout = r.number(fp, "payout");
                x.old_price = r.number(fp, "old_price");
                std::string currency = r.str(fp, "currency_code");
                x.customer_price = r.money(fp, "customer_price", currency);
                if (currency.empty()) currency = x.customer_price.currency;
                x.price = r.money(fp, "price", currency);
                if (const json* c = detail::field(fp, "commission"); c && c->is_object()) {
                    x.commission = r.money_value(*c, "commission", currency);
                    x.commission_percent = r.number(*c, "percent");
                } else {
                    // v3 shape: commission_amount / commission_percent / commissions_currency_code
                    std::string ccur = r.str(fp, "commissions_currency_code");
                    x.commission = r.money(fp, "commission_amount", ccur.empty() ? currency : ccur);
                    x.commission_percent = r.number(fp, "commission_percent");
                }
                fd.products.push_back(std::move(x));
            }
        }
        out.financial_data = std::move(fd);
    }
    out.tariffication = read_tariffication(p, r);
    return out;
}

}  // namespace

// The nlohmann path of the v4 posting pages: the tests' oracle for parse_posting_page_simd.
PostingPage detail::parse_posting_page_dom(std::string_view body, const char* method,
                                           bool unfulfilled) {
    json j = detail::parse_body(body, method);
    const json& top = detail::top_object(j, method);
    Reader r{method};
    // Old shapes wrapped everything in "result"; accept both.
    const json* root = &top;
    if (const json* res = detail::field(top, "result"); res && res->is_object()) root = res;
    PostingPage page;
    page.cursor = r.str(*root, "cursor");
    page.has_next = r.boolean(*root, "has_next");
    if (unfulfilled) page.count = r.opt_int(*root, "count");
    if (const json* ps = r.array(*root, "postings")) {
        page.postings.reserve(ps->size());
        for (const auto& p : *ps) {
            if (!p.is_object()) {
                detail::schema_surprise(method, "postings[]", p);
                continue;
            }
            page.postings.push_back(read_posting(p, r));
        }
    }
    return page;
}

namespace {

ReturnPlace read_place(const json& o, const Reader& r) {
    ReturnPlace p;
    p.id = r.integer(o, "id");
    p.name = r.str(o, "name");
    p.address = r.str(o, "address");
    return p;
}

Return read_return(const json& x, const Reader& r) {
    Return out;
    out.id = r.integer(x, "id");
    out.source_id = r.integer(x, "source_id");
    out.type = r.str(x, "type");
    out.schema = r.str(x, "schema");
    out.posting_number = r.str(x, "posting_number");
    out.order_number = r.str(x, "order_number");
    out.order_id = r.integer(x, "order_id");
    out.return_reason_name = r.str(x, "return_reason_name");
    if (const json* p = r.object(x, "product")) {
        out.product.sku = r.integer(*p, "sku");
        out.product.offer_id = r.str(*p, "offer_id");
        out.product.name = r.str(*p, "name");
        out.product.quantity = static_cast<int>(r.integer(*p, "quantity"));
        out.product.price = r.money(*p, "price");
        out.product.price_without_commission = r.money(*p, "price_without_commission");
        out.product.commission = r.money(*p, "commission");
        out.product.commission_percent = r.number(*p, "commission_percent");
    }
    if (const json* v = r.object(x, "visual")) {
        out.visual_change_moment = r.time(*v, "change_moment");
        if (const json* s = r.object(*v, "status")) {
            out.visual_status.id = static_cast<int>(r.integer(*s, "id"));
            out.visual_status.display_name = r.str(*s, "display_name");
            out.visual_status.sys_name = r.str(*s, "sys_name");
        }
    }
    if (const json* l = r.object(x, "logistic")) {
        out.logistic.barcode = r.str(*l, "barcode");
        out.logistic.return_date = r.time(*l, "return_date");
        out.logistic.final_moment = r.time(*l, "final_moment");
        out.logistic.technical_return_moment = r.time(*l, "technical_return_moment");
        out.logistic.cancelled_with_compensation_moment =
            r.time(*l, "cancelled_with_compensation_moment");
    }
    if (const json* s = r.object(x, "storage")) {
        out.storage.days = r.integer(*s, "days");
        out.storage.arrived_moment = r.time(*s, "arrived_moment");
        out.storage.tariffication_first_date = r.time(*s, "tariffication_first_date");
        out.storage.tariffication_start_date = r.time(*s, "tariffication_start_date");
        out.storage.utilization_forecast_date = r.time(*s, "utilization_forecast_date");
        out.storage.sum = r.money(*s, "sum");
        out.storage.utilization_sum = r.money(*s, "utilization_sum");
    }
    if (const json* p = r.object(x, "place")) out.place = read_place(*p, r);
    if (const json* p = r.object(x, "target_place")) out.target_place = read_place(*p, r);
    if (const json* c = r.object(x, "compensation_status"))
        if (const json* s = r.object(*c, "status")) out.compensation_status = r.str(*s, "sys_name");
    if (const json* a = r.object(x, "additional_info")) out.is_opened = r.boolean(*a, "is_opened");
    return out;
}

template <class F>
void for_each_object(const json* arr, const Reader& r, const char* what, F&& f) {
    if (!arr) return;
    for (const auto& e : *arr) {
        if (!e.is_object()) {
            detail::schema_surprise(r.method, what, e);
            continue;
        }
        f(e);
    }
}

RfbsReturn read_rfbs(const json& x, const Reader& r) {
    RfbsReturn out;
    out.id = r.integer(x, "return_id");
    out.number = r.str(x, "return_number");
    out.posting_number = r.str(x, "posting_number");
    out.order_number = r.str(x, "order_number");
    out.created_at = r.time(x, "created_at");
    if (const json* p = r.object(x, "product")) {
        out.sku = r.integer(*p, "sku");
        out.offer_id = r.str(*p, "offer_id");
        out.product_name = r.str(*p, "name");
        out.price = r.money(*p, "price", r.str(*p, "currency_code"));
    }
    if (const json* s = r.object(x, "state")) {
        out.state = r.str(*s, "state");
        out.state_name = r.str(*s, "state_name");
        out.group_state = r.str(*s, "group_state");
        out.money_return_state_name = r.str(*s, "money_return_state_name");
    }
    out.client_comment = r.str(x, "comment");
    out.client_photos = r.strings(x, "client_photo");
    if (const json* rr = r.object(x, "return_reason")) out.return_reason = r.str(*rr, "name");
    out.rejection_comment = r.str(x, "rejection_comment");
    // 2026 shape [{"action": {"id", "name"}}] (NOTES.md); the swagger's flat [{id, name}] too.
    for_each_object(r.array(x, "available_actions"), r, "available_actions[]", [&](const json& a) {
        const json* action = r.object(a, "action");
        std::string name = r.str(action ? *action : a, "name");
        if (!name.empty()) out.available_actions.push_back(std::move(name));
    });
    return out;
}

}  // namespace

PostingPage parse_posting_list(std::string_view body) {
    return detail::parse_posting_page_simd(body, "/v4/posting/fbs/list", false);
}

PostingPage parse_unfulfilled_list(std::string_view body) {
    return detail::parse_posting_page_simd(body, "/v4/posting/fbs/unfulfilled/list", true);
}

// The large pages go through simdjson (returns_page.cpp, accruals_page.cpp, stocks_page.cpp); the
// nlohmann versions below (detail::*_dom) are the tests' oracle.
ReturnPage parse_returns_list(std::string_view body) { return detail::parse_returns_list_simd(body); }

std::vector<PostingAccruals> parse_accrual_postings(std::string_view body) {
    return detail::parse_accrual_postings_simd(body);
}

AccrualDayPage parse_accrual_by_day(std::string_view body) {
    return detail::parse_accrual_by_day_simd(body);
}

StockPage parse_stocks(std::string_view body) { return detail::parse_stocks_simd(body); }

Posting parse_posting_get(std::string_view body) {
    const char* method = "/v3/posting/fbs/get";
    json j = detail::parse_body(body, method);
    const json& top = detail::top_object(j, method);
    const json* res = detail::field(top, "result");
    if (!res || !res->is_object()) throw ParseError(std::string(method) + ": no result object");
    return read_posting(*res, Reader{method});
}

ReturnPage detail::parse_returns_list_dom(std::string_view body) {
    const char* method = "/v1/returns/list";
    json j = detail::parse_body(body, method);
    const json& top = detail::top_object(j, method);
    Reader r{method};
    ReturnPage page;
    page.has_next = r.boolean(top, "has_next");
    for_each_object(r.array(top, "returns"), r, "returns[]",
                    [&](const json& x) { page.returns.push_back(read_return(x, r)); });
    return page;
}

RfbsReturnPage parse_rfbs_returns_list(std::string_view body) {
    const char* method = "/v2/returns/rfbs/list";
    json j = detail::parse_body(body, method);
    const json& top = detail::top_object(j, method);
    Reader r{method};
    RfbsReturnPage page;
    const json* rs = detail::field(top, "returns");
    // The schema declares one object, Ozon returns an array: accept both without a warning.
    if (rs && rs->is_object()) {
        page.returns.push_back(read_rfbs(*rs, r));
    } else {
        for_each_object(r.array(top, "returns"), r, "returns[]",
                        [&](const json& x) { page.returns.push_back(read_rfbs(x, r)); });
    }
    return page;
}

RfbsReturn parse_rfbs_return_get(std::string_view body) {
    const char* method = "/v2/returns/rfbs/get";
    json j = detail::parse_body(body, method);
    const json& top = detail::top_object(j, method);
    Reader r{method};
    const json* rs = detail::field(top, "returns");
    if (rs && rs->is_array() && !rs->empty() && (*rs)[0].is_object()) return read_rfbs((*rs)[0], r);
    if (!rs || !rs->is_object()) throw ParseError(std::string(method) + ": no returns object");
    return read_rfbs(*rs, r);
}

std::vector<PostingAccruals> detail::parse_accrual_postings_dom(std::string_view body) {
    const char* method = "/v1/finance/accrual/postings";
    json j = detail::parse_body(body, method);
    const json& top = detail::top_object(j, method);
    Reader r{method};
    std::vector<PostingAccruals> out;
    for_each_object(r.array(top, "posting_accruals"), r, "posting_accruals[]", [&](const json& pa) {
        PostingAccruals x;
        x.posting_number = r.str(pa, "posting_number");
        for_each_object(r.array(pa, "accruals"), r, "accruals[]", [&](const json& a) {
            PostingAccrual acc;
            acc.accrual_date = r.str(a, "accrual_date");
            acc.type_id = static_cast<int>(r.integer(a, "type_id"));
            acc.accrued = r.money(a, "accrued");
            if (auto q = r.opt_int(a, "quantity")) acc.quantity = static_cast<int>(*q);
            acc.seller_price = r.opt_money(a, "seller_price");
            acc.sku = r.opt_int(a, "sku");
            x.accruals.push_back(std::move(acc));
        });
        out.push_back(std::move(x));
    });
    return out;
}

AccrualDayPage detail::parse_accrual_by_day_dom(std::string_view body) {
    const char* method = "/v1/finance/accrual/by-day";
    json j = detail::parse_body(body, method);
    const json& top = detail::top_object(j, method);
    Reader r{method};
    AccrualDayPage page;
    page.last_id = r.str(top, "last_id");
    auto read_fee = [&](const json& f, std::optional<long long> sku) {
        AccrualFee fee;
        fee.type_id = static_cast<int>(r.integer(f, "type_id"));
        fee.accrued = r.money(f, "accrued");
        fee.sku = sku;
        return fee;
    };
    for_each_object(r.array(top, "accruals"), r, "accruals[]", [&](const json& a) {
        DayAccrual d;
        d.accrual_id = r.integer(a, "accrual_id");
        d.category = r.str(a, "accrued_category");
        d.date = r.str(a, "date");
        d.unit_number = r.str(a, "unit_number");
        d.total_amount = r.money(a, "total_amount");
        if (const json* cf = r.object(a, "container_fees"))
            for_each_object(r.array(*cf, "fees"), r, "container_fees.fees[]",
                            [&](const json& f) { d.fees.push_back(read_fee(f, std::nullopt)); });
        if (const json* itf = r.object(a, "item_fees"))
            for_each_object(r.array(*itf, "fees"), r, "item_fees.fees[]", [&](const json& item) {
                auto sku = r.opt_int(item, "sku");
                for_each_object(r.array(item, "fees"), r, "item_fees.fees[].fees[]",
                                [&](const json& f) { d.fees.push_back(read_fee(f, sku)); });
            });
        if (const json* nf = r.object(a, "non_item_fee")) d.fees.push_back(read_fee(*nf, std::nullopt));
        if (const json* p = r.object(a, "posting")) {
            d.delivery_schema = r.str(*p, "delivery_schema");
            for_each_object(r.array(*p, "products"), r, "posting.products[]", [&](const json& pr) {
                DayAccrualProduct x;
                x.sku = r.integer(pr, "sku");
                if (const json* c = r.object(pr, "commission")) {
                    x.sale_amount = r.money(*c, "sale_amount");
                    x.sale_price = r.money(*c, "sale_price");
                    x.sale_commission = r.money(*c, "sale_commission");
                    x.commission = r.money(*c, "commission");
                    x.seller_price = r.money(*c, "seller_price");
                    x.commission_ratio = r.str(*c, "commission_ratio");
                }
                if (const json* del = r.object(pr, "delivery")) {
                    x.delivery_total = r.money(*del, "total_accrued");
                    for_each_object(r.array(*del, "services"), r, "delivery.services[]",
                                    [&](const json& f) { d.fees.push_back(read_fee(f, x.sku)); });
                }
                d.products.push_back(std::move(x));
            });
        }
        page.accruals.push_back(std::move(d));
    });
    return page;
}

WarehouseStockPage parse_stocks_by_warehouse(std::string_view body) {
    const char* method = "/v2/product/info/stocks-by-warehouse/fbs";
    json j = detail::parse_body(body, method);
    const json& top = detail::top_object(j, method);
    Reader r{method};
    WarehouseStockPage out;
    // No schema in the spec: the rows under the first of these names that is an array.
    const json* rows = nullptr;
    for (const char* key : {"stocks", "result", "items"})
        if ((rows = detail::field(top, key)) && rows->is_array()) break;
    if (rows && !rows->is_array()) rows = nullptr;
    for_each_object(rows, r, "stocks[]", [&](const json& x) {
        WarehouseStock w;
        w.sku = r.integer(x, "sku");
        w.offer_id = r.str(x, "offer_id");
        w.product_id = r.integer(x, "product_id");
        w.warehouse_id = r.integer(x, "warehouse_id");
        w.warehouse_name = r.str(x, "warehouse_name");
        w.present = r.integer(x, "present");
        w.reserved = r.integer(x, "reserved");
        w.free_stock = r.opt_int(x, "free_stock");
        out.stocks.push_back(std::move(w));
    });
    out.cursor = r.str(top, "cursor");
    out.has_next = r.boolean(top, "has_next");
    return out;
}

std::vector<AccrualType> parse_accrual_types(std::string_view body) {
    const char* method = "/v1/finance/accrual/types";
    json j = detail::parse_body(body, method);
    const json& top = detail::top_object(j, method);
    Reader r{method};
    std::vector<AccrualType> out;
    for_each_object(r.array(top, "accrual_types"), r, "accrual_types[]", [&](const json& t) {
        AccrualType x;
        x.id = static_cast<int>(r.integer(t, "id"));
        x.name = r.str(t, "name");
        x.description = r.str(t, "description");
        out.push_back(std::move(x));
    });
    return out;
}

namespace {

CashFlowPeriod read_cash_flow_period(const json* p, const Reader& r) {
    CashFlowPeriod out;
    if (!p) return out;
    out.id = r.integer(*p, "id");
    out.begin = r.time(*p, "begin");
    out.end = r.time(*p, "end");
    return out;
}

// {total, items[]{name, price}} under `key` of `obj`.
CashFlowItems read_cash_flow_items(const json& obj, const char* key, const char* items_key,
                                   const Reader& r) {
    CashFlowItems out;
    const json* g = r.object(obj, key);
    if (!g) return out;
    out.total = r.money(*g, "total");
    for_each_object(r.array(*g, "items"), r, items_key, [&](const json& it) {
        CashFlowItem x;
        x.name = r.str(it, "name");
        x.price = r.money(it, "price");
        out.items.push_back(std::move(x));
    });
    return out;
}

CashFlowDetails read_cash_flow_details(const json& d, const Reader& r) {
    CashFlowDetails out;
    out.period = read_cash_flow_period(r.object(d, "period"), r);
    out.begin_balance = r.money(d, "begin_balance_amount");
    out.end_balance = r.money(d, "end_balance_amount");
    out.invoice_transfer = r.money(d, "invoice_transfer");
    out.loan = r.money(d, "loan");
    for_each_object(r.array(d, "payments"), r, "details.payments[]", [&](const json& p) {
        out.payments.push_back(r.money(p, "payment", r.str(p, "currency_code")));
    });
    if (const json* del = r.object(d, "delivery")) {
        out.delivery_total = r.money(*del, "total");
        out.delivery_amount = r.money(*del, "amount");
        out.delivery_services =
            read_cash_flow_items(*del, "delivery_services", "delivery_services.items[]", r);
    }
    if (const json* ret = r.object(d, "return")) {
        out.return_total = r.money(*ret, "total");
        out.return_amount = r.money(*ret, "amount");
        out.return_services = read_cash_flow_items(*ret, "return_services", "return_services.items[]", r);
    }
    if (const json* rf = r.object(d, "rfbs")) {
        out.rfbs_total = r.money(*rf, "total");
        out.rfbs_transfer_delivery = r.money(*rf, "transfer_delivery");
        out.rfbs_transfer_delivery_return = r.money(*rf, "transfer_delivery_return");
        out.rfbs_compensation_delivery_return = r.money(*rf, "compensation_delivery_return");
        out.rfbs_partial_compensation = r.money(*rf, "partial_compensation");
        out.rfbs_partial_compensation_return = r.money(*rf, "partial_compensation_return");
    }
    out.services = read_cash_flow_items(d, "services", "services.items[]", r);
    out.others = read_cash_flow_items(d, "others", "others.items[]", r);
    return out;
}

}  // namespace

CashFlowStatementPage parse_cash_flow_statement(std::string_view body) {
    const char* method = "/v1/finance/cash-flow-statement/list";
    json j = detail::parse_body(body, method);
    const json& top = detail::top_object(j, method);
    Reader r{method};
    CashFlowStatementPage page;
    // page_count: in `result` by the schema, beside it in the official example.
    if (auto n = r.opt_int(top, "page_count")) page.page_count = *n;
    const json* res = r.object(top, "result");
    if (!res) return page;
    if (auto n = r.opt_int(*res, "page_count")) page.page_count = *n;
    for_each_object(r.array(*res, "cash_flows"), r, "cash_flows[]", [&](const json& c) {
        CashFlow x;
        x.period = read_cash_flow_period(r.object(c, "period"), r);
        x.currency_code = r.str(c, "currency_code");
        x.orders_amount = r.money(c, "orders_amount", x.currency_code);
        x.returns_amount = r.money(c, "returns_amount", x.currency_code);
        x.commission_amount = r.money(c, "commission_amount", x.currency_code);
        x.services_amount = r.money(c, "services_amount", x.currency_code);
        x.item_delivery_and_return_amount = r.money(c, "item_delivery_and_return_amount", x.currency_code);
        page.cash_flows.push_back(std::move(x));
    });
    // `details`: an array of objects by the schema, one object in the example.
    if (const json* d = detail::field(*res, "details")) {
        if (d->is_object()) page.details.push_back(read_cash_flow_details(*d, r));
        else
            for_each_object(r.array(*res, "details"), r, "details[]",
                            [&](const json& x) { page.details.push_back(read_cash_flow_details(x, r)); });
    }
    return page;
}

StockPage detail::parse_stocks_dom(std::string_view body) {
    const char* method = "/v4/product/info/stocks";
    json j = detail::parse_body(body, method);
    const json& top = detail::top_object(j, method);
    Reader r{method};
    StockPage page;
    page.cursor = r.str(top, "cursor");
    page.total_items = r.integer(top, "total_items");
    if (const json* items = r.array(top, "items")) {
        page.items.reserve(items->size());
        for_each_object(items, r, "items[]", [&](const json& it) {
            StockItem x;
            x.product_id = r.integer(it, "product_id");
            x.offer_id = r.str(it, "offer_id");
            for_each_object(r.array(it, "stocks"), r, "stocks[]", [&](const json& s) {
                Stock st;
                st.type = r.str(s, "type");
                st.present = r.integer(s, "present");
                st.reserved = r.integer(s, "reserved");
                st.sku = r.integer(s, "sku");
                st.shipment_type = r.str(s, "shipment_type");
                if (const json* w = r.array(s, "warehouse_ids"))
                    for (const auto& id : *w) {
                        if (id.is_number_integer()) st.warehouse_ids.push_back(id.get<long long>());
                        else if (id.is_string()) {
                            long long v = 0;
                            const auto& str = id.get_ref<const std::string&>();
                            if (std::from_chars(str.data(), str.data() + str.size(), v).ec ==
                                std::errc())
                                st.warehouse_ids.push_back(v);
                        }
                    }
                x.stocks.push_back(std::move(st));
            });
            page.items.push_back(std::move(x));
        });
    }
    return page;
}

ReviewPage parse_reviews(std::string_view body) {
    const char* method = "/v2/review/list";
    json j = detail::parse_body(body, method);
    const json& top = detail::top_object(j, method);
    Reader r{method};
    ReviewPage page;
    page.has_next = r.boolean(top, "has_next");
    page.last_id = r.str(top, "last_id");
    for_each_object(r.array(top, "reviews"), r, "reviews[]", [&](const json& v) {
        Review x;
        x.id = r.str(v, "id");
        x.sku = r.integer(v, "sku");
        x.text = r.str(v, "text");
        x.rating = static_cast<int>(r.integer(v, "rating"));
        x.status = r.str(v, "status");
        x.order_status = r.str(v, "order_status");
        x.published_at = r.time(v, "published_at");
        x.comments_amount = static_cast<int>(r.integer(v, "comments_amount"));
        x.photos_amount = static_cast<int>(r.integer(v, "photos_amount"));
        x.videos_amount = static_cast<int>(r.integer(v, "videos_amount"));
        x.is_rating_participant = r.boolean(v, "is_rating_participant");
        page.reviews.push_back(std::move(x));
    });
    return page;
}

ChatPage parse_chats(std::string_view body) {
    const char* method = "/v3/chat/list";
    json j = detail::parse_body(body, method);
    const json& top = detail::top_object(j, method);
    Reader r{method};
    ChatPage page;
    page.cursor = r.str(top, "cursor");
    page.has_next = r.boolean(top, "has_next");
    page.total_unread_count = r.integer(top, "total_unread_count");
    for_each_object(r.array(top, "chats"), r, "chats[]", [&](const json& c) {
        Chat x;
        if (const json* d = r.object(c, "chat")) {
            x.chat_id = r.str(*d, "chat_id");
            x.type = r.str(*d, "chat_type");
            x.status = r.str(*d, "chat_status");
            x.created_at = r.time(*d, "created_at");
        }
        x.unread_count = r.integer(c, "unread_count");
        x.first_unread_message_id = r.str(c, "first_unread_message_id");
        x.last_message_id = r.str(c, "last_message_id");
        page.chats.push_back(std::move(x));
    });
    return page;
}

KeyInfo parse_roles(std::string_view body) {
    const char* method = "/v1/roles";
    json j = detail::parse_body(body, method);
    const json& top = detail::top_object(j, method);
    Reader r{method};
    KeyInfo k;
    k.expires_at = r.time(top, "expires_at");
    for_each_object(r.array(top, "roles"), r, "roles[]", [&](const json& x) {
        Role role;
        role.name = r.str(x, "name");
        role.methods = r.strings(x, "methods");
        k.roles.push_back(std::move(role));
    });
    return k;
}

ReturnDropOffPage parse_return_dropoff_points(std::string_view body) {
    const char* method = "/v1/returns/company/fbs/info";
    json j = detail::parse_body(body, method);
    const json& top = detail::top_object(j, method);
    Reader r{method};
    ReturnDropOffPage page;
    page.has_next = r.boolean(top, "has_next");
    for_each_object(r.array(top, "drop_off_points"), r, "drop_off_points[]", [&](const json& p) {
        ReturnDropOffPoint x;
        x.id = r.integer(p, "id");
        x.name = r.str(p, "name");
        x.address = r.str(p, "address");
        x.place_id = r.integer(p, "place_id");
        // Counts are int32 in the spec; anything else (negative, huge) is not a count.
        auto count = [&](const json& o, const char* field) {
            const long long v = r.integer(o, field);
            return v < 0 || v > 1'000'000'000 ? 0 : static_cast<int>(v);
        };
        x.returns_count = count(p, "returns_count");
        x.box_count = count(p, "box_count");
        if (const json* pass = r.object(p, "pass_info")) {
            x.pass_required = r.boolean(*pass, "is_required");
            x.pass_count = count(*pass, "count");
        }
        x.utc_offset = r.str(p, "utc_offset");
        x.warehouse_ids = r.strings(p, "warehouses_ids");
        page.points.push_back(std::move(x));
    });
    return page;
}

WarehousePage parse_warehouses(std::string_view body) {
    const char* method = "/v2/warehouse/list";
    json j = detail::parse_body(body, method);
    const json& top = detail::top_object(j, method);
    Reader r{method};
    WarehousePage page;
    page.cursor = r.str(top, "cursor");
    page.has_next = r.boolean(top, "has_next");
    for_each_object(r.array(top, "warehouses"), r, "warehouses[]", [&](const json& w) {
        Warehouse x;
        x.warehouse_id = r.integer(w, "warehouse_id");
        x.name = r.str(w, "name");
        x.status = r.str(w, "status");
        x.is_rfbs = r.boolean(w, "is_rfbs");
        x.is_express = r.boolean(w, "is_express");
        x.is_kgt = r.boolean(w, "is_kgt");
        x.cut_in_time = r.integer(w, "cut_in_time");
        x.postings_limit = static_cast<int>(r.integer(w, "postings_limit", -1));
        x.pause_at = r.time(w, "pause_at");
        if (const json* fm = r.object(w, "first_mile")) x.first_mile_type = r.str(*fm, "type");
        x.working_days = r.strings(w, "working_days");
        page.warehouses.push_back(std::move(x));
    });
    return page;
}

}  // namespace ozw::ozon
