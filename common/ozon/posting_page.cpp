// The v4 FBS posting pages (/v4/posting/fbs/list, /v4/posting/fbs/unfulfilled/list) parsed with
// simdjson's On-Demand API straight into the models: one pass over the body, no DOM tree.
//
// The tolerance and strictness rules are those of the nlohmann readers in models.cpp (see
// simd_walker.hpp). Where the nlohmann readers look at a sibling field (a price's currency_code,
// the v3 commission fields used only when `commission` is not an object, a tariff charge's
// *_currency_code), the values are captured while iterating and resolved at the end of the
// object, so the result and the surprises logged are the same whatever the order of the keys.
#include "common/ozon/simd_walker.hpp"

namespace ozw::ozon::detail {

namespace {

using namespace simd;

// ------------------------------------------------------------------ postings

void read_cancellation(Walker& w, od::value& v, std::optional<Cancellation>& out) {
    out.reset();
    if (!w.object_or_skip(v, "cancellation")) return;
    Cancellation c;
    w.fields(v, [&](std::string_view k, od::value& x) {
        if (k == "cancellation_initiator") w.str(x, "cancellation_initiator", c.initiator);
        else if (k == "cancellation_type") w.str(x, "cancellation_type", c.type);
        else if (k == "cancel_reason") w.str(x, "cancel_reason", c.reason);
        else if (k == "cancel_reason_id") c.reason_id = w.integer(x, "cancel_reason_id");
        else if (k == "affect_cancellation_rating")
            c.affect_rating = w.boolean(x, "affect_cancellation_rating");
        else if (k == "cancelled_after_ship") c.after_ship = w.boolean(x, "cancelled_after_ship");
        else w.skip(x);
    });
    if (!c.empty()) out = std::move(c);
}

void read_delivery_method(Walker& w, od::value& v, DeliveryMethod& d) {
    d = DeliveryMethod{};
    if (!w.object_or_skip(v, "delivery_method")) return;
    w.fields(v, [&](std::string_view k, od::value& x) {
        if (k == "id") d.id = w.integer(x, "id");
        else if (k == "name") w.str(x, "name", d.name);
        else if (k == "warehouse_id") d.warehouse_id = w.integer(x, "warehouse_id");
        else if (k == "warehouse") w.str(x, "warehouse", d.warehouse);
        else if (k == "tpl_provider") w.str(x, "tpl_provider", d.tpl_provider);
        else w.skip(x);
    });
}

void read_products(Walker& w, od::value& v, std::vector<PostingProduct>& out) {
    out.clear();
    if (!w.array_or_skip(v, "products")) return;
    w.elements(v, [&](od::value& e) {
        od::json_type t = w.type(e);
        if (t != od::json_type::object) {
            w.surprise("products[]", type_name(t));
            return w.skip(e);
        }
        PostingProduct& x = out.emplace_back();
        MoneyPart price;
        Str currency_code;
        w.fields(e, [&](std::string_view k, od::value& f) {
            if (k == "sku") x.sku = w.integer(f, "sku");
            else if (k == "offer_id") w.str(f, "offer_id", x.offer_id);
            else if (k == "name") w.str(f, "name", x.name);
            else if (k == "quantity") x.quantity = static_cast<int>(w.integer(f, "quantity"));
            else if (k == "price") {
                price = MoneyPart{};
                w.read_money(f, price);
            } else if (k == "currency_code") w.read_str(f, currency_code);
            else w.skip(f);
        });
        // v3: price "1530.0000" + currency_code; v4: price {amount, currency}.
        w.resolve(price, "price", w.use(currency_code, "currency_code"), x.price);
    });
}

void read_financial_product(Walker& w, od::value& e, FinancialProduct& x) {
    Str currency_code, commissions_currency_code;
    MoneyPart customer_price, price, commission_obj, commission_amount;
    Num commission_percent, percent;
    bool commission_is_object = false;
    w.fields(e, [&](std::string_view k, od::value& f) {
        if (k == "product_id") x.product_id = w.integer(f, "product_id");
        else if (k == "quantity") x.quantity = static_cast<int>(w.integer(f, "quantity"));
        else if (k == "payout") x.payout = w.number(f, "payout");
        else if (k == "old_price") x.old_price = w.number(f, "old_price");
        else if (k == "currency_code") w.read_str(f, currency_code);
        else if (k == "customer_price") {
            customer_price = MoneyPart{};
            w.read_money(f, customer_price);
        } else if (k == "price") {
            price = MoneyPart{};
            w.read_money(f, price);
        } else if (k == "commission") {
            commission_obj = MoneyPart{};
            percent = Num{};
            commission_is_object = w.type(f) == od::json_type::object;
            if (commission_is_object) {
                w.read_money(f, commission_obj, [&](std::string_view ck, od::value& cx) {
                    if (ck != "percent") return false;
                    w.read_num(cx, percent);
                    return true;
                });
            } else {
                w.skip(f);
            }
        } else if (k == "commissions_currency_code") w.read_str(f, commissions_currency_code);
        else if (k == "commission_amount") {
            commission_amount = MoneyPart{};
            w.read_money(f, commission_amount);
        } else if (k == "commission_percent") w.read_num(f, commission_percent);
        else w.skip(f);
    });
    std::string_view currency = w.use(currency_code, "currency_code");
    w.resolve(customer_price, "customer_price", currency, x.customer_price);
    if (currency.empty()) currency = x.customer_price.currency;
    w.resolve(price, "price", currency, x.price);
    if (commission_is_object) {
        w.resolve(commission_obj, "commission", currency, x.commission);
        x.commission_percent = w.use(percent, "percent");
    } else {
        // v3 shape: commission_amount / commission_percent / commissions_currency_code
        std::string_view ccur = w.use(commissions_currency_code, "commissions_currency_code");
        w.resolve(commission_amount, "commission_amount", ccur.empty() ? currency : ccur,
                  x.commission);
        x.commission_percent = w.use(commission_percent, "commission_percent");
    }
}

void read_financial_data(Walker& w, od::value& v, std::optional<FinancialData>& out) {
    out.reset();
    if (!w.object_or_skip(v, "financial_data")) return;
    FinancialData& fd = out.emplace();
    w.fields(v, [&](std::string_view k, od::value& x) {
        if (k == "cluster_from") w.str(x, "cluster_from", fd.cluster_from);
        else if (k == "cluster_to") w.str(x, "cluster_to", fd.cluster_to);
        else if (k == "products") {
            fd.products.clear();
            if (!w.array_or_skip(x, "products")) return;
            w.elements(x, [&](od::value& e) {
                od::json_type t = w.type(e);
                if (t != od::json_type::object) {
                    w.surprise("financial_data.products[]", type_name(t));
                    return w.skip(e);
                }
                read_financial_product(w, e, fd.products.emplace_back());
            });
        } else {
            w.skip(x);
        }
    });
}

// Ozon marks the open-ended last step with 9999-12-31T23:59:59.999999900Z.
OptTime open_ended_to_nullopt(OptTime t) {
    static const TimePoint kOpenEnded = *parse_iso8601("9999-01-01T00:00:00Z");
    if (t && *t >= kOpenEnded) return std::nullopt;
    return t;
}

void read_tariffication_object(Walker& w, od::value& v, Tariffication& t) {
    MoneyPart cur_charge, cur_min, next_charge, next_min;
    Str cur_cc, next_cc;
    t.current_tariff_type.clear();
    t.next_tariff_type.clear();
    t.current_tariff_rate = t.next_tariff_rate = 0.0;
    t.next_tariff_starts_at.reset();
    w.fields(v, [&](std::string_view k, od::value& x) {
        if (k == "current_tariff_type") w.str(x, "current_tariff_type", t.current_tariff_type);
        else if (k == "current_tariff_rate") t.current_tariff_rate = w.number(x, "current_tariff_rate");
        else if (k == "current_tariff_charge") { cur_charge = MoneyPart{}; w.read_money(x, cur_charge); }
        else if (k == "current_tariff_charge_currency_code") w.read_str(x, cur_cc);
        else if (k == "current_tariff_min_charge") { cur_min = MoneyPart{}; w.read_money(x, cur_min); }
        else if (k == "next_tariff_type") w.str(x, "next_tariff_type", t.next_tariff_type);
        else if (k == "next_tariff_rate") t.next_tariff_rate = w.number(x, "next_tariff_rate");
        else if (k == "next_tariff_charge") { next_charge = MoneyPart{}; w.read_money(x, next_charge); }
        else if (k == "next_tariff_charge_currency_code") w.read_str(x, next_cc);
        else if (k == "next_tariff_min_charge") { next_min = MoneyPart{}; w.read_money(x, next_min); }
        else if (k == "next_tariff_starts_at") t.next_tariff_starts_at = w.time(x, "next_tariff_starts_at");
        else w.skip(x);
    });
    t.current_tariff_charge =
        w.charge(cur_charge, "current_tariff_charge", &cur_cc, "current_tariff_charge_currency_code");
    t.current_tariff_min_charge = w.charge(cur_min, "current_tariff_min_charge", nullptr, nullptr);
    t.next_tariff_charge =
        w.charge(next_charge, "next_tariff_charge", &next_cc, "next_tariff_charge_currency_code");
    t.next_tariff_min_charge = w.charge(next_min, "next_tariff_min_charge", nullptr, nullptr);
}

void read_tariffication(Walker& w, od::value& v, Tariffication& t) {
    od::json_type ty = w.type(v);
    if (ty == od::json_type::null) return w.expect_null(v);
    if (ty == od::json_type::object) return read_tariffication_object(w, v, t);
    if (ty == od::json_type::array) {
        // The 2025 swagger example wraps the object in an array; take its first object.
        bool done = false;
        w.elements(v, [&](od::value& e) {
            if (!done && w.type(e) == od::json_type::object) {
                done = true;
                read_tariffication_object(w, e, t);
            } else {
                w.skip(e);
            }
        });
        return;
    }
    w.surprise("tariffication", type_name(ty));
    w.skip(v);
}

void read_tariff_steps(Walker& w, od::value& v, std::vector<TariffStep>& out) {
    out.clear();
    if (!w.array_or_skip(v, "tariffication_steps")) return;
    w.elements(v, [&](od::value& e) {
        od::json_type t = w.type(e);
        if (t != od::json_type::object) {
            w.surprise("tariffication_steps[]", type_name(t));
            return w.skip(e);
        }
        TariffStep& s = out.emplace_back();
        MoneyPart charge, min_charge;
        w.fields(e, [&](std::string_view k, od::value& x) {
            if (k == "tariff_type") w.str(x, "tariff_type", s.type);
            else if (k == "tariff_rate") s.rate = w.number(x, "tariff_rate");
            else if (k == "tariff_charge") { charge = MoneyPart{}; w.read_money(x, charge); }
            else if (k == "min_charge") { min_charge = MoneyPart{}; w.read_money(x, min_charge); }
            else if (k == "tariff_deadline_at")
                s.deadline_at = open_ended_to_nullopt(w.time(x, "tariff_deadline_at"));
            else w.skip(x);
        });
        s.charge = w.charge(charge, "tariff_charge", nullptr, nullptr);
        s.min_charge = w.charge(min_charge, "min_charge", nullptr, nullptr);
    });
}

void read_posting(Walker& w, od::value& v, Posting& out) {
    Tariffication tariff;
    w.fields(v, [&](std::string_view k, od::value& x) {
        // Ordered roughly by frequency in real pages; unknown fields fall through to skip.
        switch (k.size()) {
            case 6:
                if (k == "status") return w.str(x, "status", out.status);
                break;
            case 8:
                if (k == "order_id") { out.order_id = w.integer(x, "order_id"); return; }
                if (k == "products") return read_products(w, x, out.products);
                break;
            case 9:
                if (k == "substatus") return w.str(x, "substatus", out.substatus);
                break;
            case 10:
                if (k == "is_express") { out.is_express = w.boolean(x, "is_express"); return; }
                break;
            case 11:
                if (k == "is_multibox") { out.is_multibox = w.boolean(x, "is_multibox"); return; }
                break;
            case 12:
                if (k == "order_number") return w.str(x, "order_number", out.order_number);
                if (k == "cancellation") return read_cancellation(w, x, out.cancellation);
                break;
            case 13:
                if (k == "shipment_date") { out.shipment_date = w.time(x, "shipment_date"); return; }
                if (k == "in_process_at") { out.in_process_at = w.time(x, "in_process_at"); return; }
                if (k == "tariffication") return read_tariffication(w, x, tariff);
                break;
            case 14:
                if (k == "posting_number") return w.str(x, "posting_number", out.posting_number);
                if (k == "financial_data") return read_financial_data(w, x, out.financial_data);
                break;
            case 15:
                if (k == "delivering_date") { out.delivering_date = w.time(x, "delivering_date"); return; }
                if (k == "tracking_number") return w.str(x, "tracking_number", out.tracking_number);
                if (k == "delivery_method") return read_delivery_method(w, x, out.delivery_method);
                if (k == "delivery_schema") return w.str(x, "delivery_schema", out.delivery_schema);
                break;
            case 17:
                if (k == "available_actions")
                    return w.strings(x, "available_actions", out.available_actions);
                break;
            case 18:
                if (k == "previous_substatus")
                    return w.str(x, "previous_substatus", out.previous_substatus);
                if (k == "fact_delivery_date") {
                    out.fact_delivery_date = w.time(x, "fact_delivery_date");
                    return;
                }
                break;
            case 19:
                if (k == "tariffication_steps") return read_tariff_steps(w, x, tariff.steps);
                break;
            case 20:
                if (k == "tpl_integration_type")
                    return w.str(x, "tpl_integration_type", out.tpl_integration_type);
                break;
            case 23:
                if (k == "pickup_code_verified_at") {
                    out.pickup_code_verified_at = w.time(x, "pickup_code_verified_at");
                    return;
                }
                break;
            case 27:
                if (k == "shipment_date_without_delay") {
                    out.shipment_date_without_delay = w.time(x, "shipment_date_without_delay");
                    return;
                }
                break;
            default: break;
        }
        w.skip(x);
    });
    if (!tariff.empty()) out.tariffication = std::move(tariff);
}

void read_page_field(Walker& w, std::string_view k, od::value& x, PostingPage& page,
                     bool unfulfilled) {
    if (k == "postings") {
        page.postings.clear();
        if (!w.array_or_skip(x, "postings")) return;
        page.postings.reserve(100);  // limit <= 100 per page
        w.elements(x, [&](od::value& e) {
            od::json_type t = w.type(e);
            if (t != od::json_type::object) {
                w.surprise("postings[]", type_name(t));
                return w.skip(e);
            }
            read_posting(w, e, page.postings.emplace_back());
        });
    } else if (k == "cursor") {
        w.str(x, "cursor", page.cursor);
    } else if (k == "has_next") {
        page.has_next = w.boolean(x, "has_next");
    } else if (k == "count" && unfulfilled) {
        page.count = w.opt_int(x, "count");
    } else {
        w.skip(x);
    }
}

}  // namespace

PostingPage parse_posting_page_simd(std::string_view body, const char* method, bool unfulfilled) {
    PostingPage page;
    PostingPage wrapped;  // old shapes wrapped everything in "result"
    bool is_wrapped = false;
    parse_document(body, method, [&](Walker& w, std::string_view k, od::value& x) {
        if (k != "result") return read_page_field(w, k, x, page, unfulfilled);
        if (w.type(x) != od::json_type::object) return w.skip(x);
        is_wrapped = true;
        wrapped = PostingPage{};
        w.fields(x, [&](std::string_view k2, od::value& y) {
            read_page_field(w, k2, y, wrapped, unfulfilled);
        });
    });
    return is_wrapped ? std::move(wrapped) : std::move(page);
}

}  // namespace ozw::ozon::detail
