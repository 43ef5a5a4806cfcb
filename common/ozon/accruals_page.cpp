// /v1/finance/accrual/by-day and /v1/finance/accrual/postings parsed with simdjson's On-Demand
// API straight into the models, with the rules of the nlohmann readers in models.cpp (see
// simd_walker.hpp).
//
// By-day: models.cpp flattens an accrual's fees in a fixed order (container fees, item fees, the
// non-item fee, then the delivery services of each posting product) and gives an item fee the
// sku of its item and a delivery service the sku of its product; here the fees are gathered per
// kind while iterating and the skus set at the end of their object, so the result does not
// depend on the order of the keys.
#include "common/ozon/simd_walker.hpp"

#include <iterator>

namespace ozw::ozon::detail {

namespace {

using namespace simd;

void read_fee(Walker& w, od::value& v, AccrualFee& fee) {
    w.object(v, into("type_id", fee.type_id), into("accrued", fee.accrued));
}

// Appends the fees of the array field `key` to `out` (their sku is the caller's).
void read_fees(Walker& w, od::value& v, const char* key, const char* elem_key, std::vector<AccrualFee>& out) {
    w.objects(v, key, elem_key, out, [&](od::value& e, AccrualFee& f) { read_fee(w, e, f); });
}

void set_sku(std::vector<AccrualFee>& fees, std::size_t from, std::optional<long long> sku) {
    for (std::size_t i = from; i < fees.size(); ++i) fees[i].sku = sku;
}

// The fees of one accrual by kind, in the order models.cpp puts them; reused for every accrual
// of a page (the capacity stays).
struct Fees {
    std::vector<AccrualFee> container, item, non_item, services;

    void clear() {
        container.clear();
        item.clear();
        non_item.clear();
        services.clear();
    }
    void move_into(std::vector<AccrualFee>& out) {
        out.clear();
        out.reserve(container.size() + item.size() + non_item.size() + services.size());
        for (auto* kind : {&container, &item, &non_item, &services})
            std::move(kind->begin(), kind->end(), std::back_inserter(out));
    }
};

void read_container_fees(Walker& w, od::value& v, Fees& fees) {
    fees.container.clear();
    if (!w.object_or_skip(v, "container_fees")) return;
    w.object(v, with("fees", [&](od::value& x) {
                 fees.container.clear();
                 read_fees(w, x, "fees", "container_fees.fees[]", fees.container);
             }));
}

// item_fees.fees[]: {sku, fees[]}; each fee gets the item's sku.
void read_item_fees(Walker& w, od::value& v, Fees& fees) {
    fees.item.clear();
    if (!w.object_or_skip(v, "item_fees")) return;
    w.object(v, with("fees", [&](od::value& x) {
                 fees.item.clear();
                 w.each_object(x, "fees", "item_fees.fees[]", [&](od::value& item) {
                     const std::size_t from = fees.item.size();
                     std::optional<long long> sku;
                     w.object(item, into("sku", sku), with("fees", [&](od::value& y) {
                                  fees.item.resize(from);
                                  read_fees(w, y, "fees", "item_fees.fees[].fees[]", fees.item);
                              }));
                     set_sku(fees.item, from, sku);
                 });
             }));
}

void read_non_item_fee(Walker& w, od::value& v, Fees& fees) {
    fees.non_item.clear();
    if (w.object_or_skip(v, "non_item_fee")) read_fee(w, v, fees.non_item.emplace_back());
}

void read_commission(Walker& w, od::value& v, DayAccrualProduct& p) {
    p.sale_amount = p.sale_price = p.sale_commission = p.commission = p.seller_price = Money{};
    p.commission_ratio.clear();
    if (!w.object_or_skip(v, "commission")) return;
    w.object(v, into("sale_amount", p.sale_amount), into("sale_price", p.sale_price),
             into("sale_commission", p.sale_commission), into("commission", p.commission),
             into("seller_price", p.seller_price), into("commission_ratio", p.commission_ratio));
}

// delivery{total_accrued, services[]}: the services go to `services` from `from` on.
void read_delivery(Walker& w, od::value& v, DayAccrualProduct& p, std::vector<AccrualFee>& services,
                   std::size_t from) {
    p.delivery_total = Money{};
    services.resize(from);
    if (!w.object_or_skip(v, "delivery")) return;
    w.object(v, into("total_accrued", p.delivery_total), with("services", [&](od::value& x) {
                 services.resize(from);
                 read_fees(w, x, "services", "delivery.services[]", services);
             }));
}

// posting.products[]: {sku, commission, delivery}; the delivery services go to `services`, each
// with the product's sku.
void read_product(Walker& w, od::value& v, DayAccrualProduct& p, std::vector<AccrualFee>& services) {
    const std::size_t from = services.size();
    w.object(v, into("sku", p.sku), with("commission", [&](od::value& x) { read_commission(w, x, p); }),
             with("delivery", [&](od::value& x) { read_delivery(w, x, p, services, from); }));
    set_sku(services, from, p.sku);
}

void read_posting(Walker& w, od::value& v, DayAccrual& d, Fees& fees) {
    d.delivery_schema.clear();
    d.products.clear();
    fees.services.clear();
    if (!w.object_or_skip(v, "posting")) return;
    w.object(v, into("delivery_schema", d.delivery_schema), with("products", [&](od::value& x) {
                 fees.services.clear();
                 d.products.clear();
                 w.objects(x, "products", "posting.products[]", d.products,
                           [&](od::value& e, DayAccrualProduct& p) { read_product(w, e, p, fees.services); });
             }));
}

void read_day_accrual(Walker& w, od::value& v, DayAccrual& d, Fees& fees) {
    fees.clear();
    w.object(v, into("accrual_id", d.accrual_id), into("accrued_category", d.category),
             into("date", d.date), into("unit_number", d.unit_number),
             into("total_amount", d.total_amount),
             with("container_fees", [&](od::value& x) { read_container_fees(w, x, fees); }),
             with("item_fees", [&](od::value& x) { read_item_fees(w, x, fees); }),
             with("non_item_fee", [&](od::value& x) { read_non_item_fee(w, x, fees); }),
             with("posting", [&](od::value& x) { read_posting(w, x, d, fees); }));
    fees.move_into(d.fees);
}

void read_posting_accrual(Walker& w, od::value& v, PostingAccrual& a) {
    w.object(v, into("accrual_date", a.accrual_date), into("type_id", a.type_id),
             into("accrued", a.accrued), into("quantity", a.quantity),
             into("seller_price", a.seller_price), into("sku", a.sku));
}

void read_posting_accruals(Walker& w, od::value& v, PostingAccruals& pa) {
    w.object(v, into("posting_number", pa.posting_number),
             list("accruals", "accruals[]", pa.accruals, read_posting_accrual));
}

}  // namespace

AccrualDayPage parse_accrual_by_day_simd(std::string_view body) {
    AccrualDayPage page;
    Fees fees;
    parse_object(body, "/v1/finance/accrual/by-day", into("last_id", page.last_id),
                 list("accruals", "accruals[]", page.accruals,
                      [&](Walker& w, od::value& e, DayAccrual& d) { read_day_accrual(w, e, d, fees); }));
    return page;
}

std::vector<PostingAccruals> parse_accrual_postings_simd(std::string_view body) {
    std::vector<PostingAccruals> out;
    parse_object(body, "/v1/finance/accrual/postings",
                 list("posting_accruals", "posting_accruals[]", out, read_posting_accruals));
    return out;
}

}  // namespace ozw::ozon::detail
