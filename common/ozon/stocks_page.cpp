// /v4/product/info/stocks parsed with simdjson's On-Demand API straight into StockPage (up to
// 1000 items a page), with the rules of the nlohmann reader in models.cpp (see simd_walker.hpp).
#include "common/ozon/simd_walker.hpp"

namespace ozw::ozon::detail {

namespace {

using namespace simd;

// warehouse_ids (deprecated by Ozon), exactly as models.cpp reads it: integers kept (an
// unsigned one over int64 wrapped, as nlohmann's get<long long>() does), strings that start
// with an integer kept (std::from_chars, the rest of the string ignored), everything else
// dropped without a surprise.
void read_warehouse_ids(Walker& w, od::value& v, std::vector<long long>& out) {
    out.clear();
    if (!w.array_or_skip(v, "warehouse_ids")) return;
    reserve_more(out, w.get(v.count_elements()));
    w.elements(v, [&](od::value& e) {
        od::json_type t = w.type(e);
        if (t == od::json_type::number) {
            Walker::NumVal n = w.number_value(e);
            if (n.kind == Walker::NumKind::integer) out.push_back(n.i);
            else if (n.kind == Walker::NumKind::uinteger) out.push_back(static_cast<long long>(n.u));
        } else if (t == od::json_type::string) {
            std::string_view s = w.get(e.get_string());
            long long id = 0;
            if (std::from_chars(s.data(), s.data() + s.size(), id).ec == std::errc()) out.push_back(id);
        } else {
            w.skip(e);
        }
    });
}

void read_stock(Walker& w, od::value& v, Stock& s) {
    w.object(v, into("type", s.type), into("present", s.present), into("reserved", s.reserved),
             into("sku", s.sku), into("shipment_type", s.shipment_type),
             with("warehouse_ids", [&](od::value& x) { read_warehouse_ids(w, x, s.warehouse_ids); }));
}

void read_item(Walker& w, od::value& v, StockItem& it) {
    w.object(v, into("product_id", it.product_id), into("offer_id", it.offer_id),
             list("stocks", "stocks[]", it.stocks, read_stock));
}

}  // namespace

StockPage parse_stocks_simd(std::string_view body) {
    StockPage page;
    parse_object(body, "/v4/product/info/stocks", into("cursor", page.cursor), into("total_items", page.total_items),
                 list("items", "items[]", page.items, read_item));
    return page;
}

}  // namespace ozw::ozon::detail
