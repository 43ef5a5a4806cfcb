// /v1/returns/list parsed with simdjson's On-Demand API straight into ReturnPage (up to 500
// returns a page), with the rules of the nlohmann reader in models.cpp (see simd_walker.hpp).
// No value here depends on a sibling field, so each one is read where it stands.
#include "common/ozon/simd_walker.hpp"

namespace ozw::ozon::detail {

namespace {

using namespace simd;

void read_place(Walker& w, od::value& v, const char* key, std::optional<ReturnPlace>& out) {
    out.reset();
    if (!w.object_or_skip(v, key)) return;
    ReturnPlace& p = out.emplace();
    w.object(v, into("id", p.id), into("name", p.name), into("address", p.address));
}

// visual{change_moment, status{id, display_name, sys_name}}
void read_visual(Walker& w, od::value& v, Return& r) {
    r.visual_change_moment.reset();
    r.visual_status = ReturnVisualStatus{};
    if (!w.object_or_skip(v, "visual")) return;
    ReturnVisualStatus& s = r.visual_status;
    w.object(v, into("change_moment", r.visual_change_moment),
             obj("status", s, into("id", s.id), into("display_name", s.display_name), into("sys_name", s.sys_name)));
}

// compensation_status.status.sys_name
void read_compensation(Walker& w, od::value& v, std::string& sys_name) {
    sys_name.clear();
    if (!w.object_or_skip(v, "compensation_status")) return;
    w.object(v, with("status", [&](od::value& x) {
                 sys_name.clear();
                 if (w.object_or_skip(x, "status")) w.object(x, into("sys_name", sys_name));
             }));
}

void read_return(Walker& w, od::value& v, Return& r) {
    ReturnProduct& p = r.product;
    ReturnLogistic& l = r.logistic;
    ReturnStorage& s = r.storage;
    w.object(
        v, into("id", r.id), into("source_id", r.source_id), into("type", r.type), into("schema", r.schema),
        into("posting_number", r.posting_number), into("order_number", r.order_number), into("order_id", r.order_id),
        into("return_reason_name", r.return_reason_name),
        obj("product", p, into("sku", p.sku), into("offer_id", p.offer_id), into("name", p.name),
            into("quantity", p.quantity), into("price", p.price),
            into("price_without_commission", p.price_without_commission), into("commission", p.commission),
            into("commission_percent", p.commission_percent)),
        with("visual", [&](od::value& x) { read_visual(w, x, r); }),
        obj("logistic", l, into("barcode", l.barcode), into("return_date", l.return_date),
            into("final_moment", l.final_moment), into("technical_return_moment", l.technical_return_moment),
            into("cancelled_with_compensation_moment", l.cancelled_with_compensation_moment)),
        obj("storage", s, into("days", s.days), into("arrived_moment", s.arrived_moment),
            into("tariffication_first_date", s.tariffication_first_date),
            into("tariffication_start_date", s.tariffication_start_date),
            into("utilization_forecast_date", s.utilization_forecast_date), into("sum", s.sum),
            into("utilization_sum", s.utilization_sum)),
        with("place", [&](od::value& x) { read_place(w, x, "place", r.place); }),
        with("target_place", [&](od::value& x) { read_place(w, x, "target_place", r.target_place); }),
        with("compensation_status", [&](od::value& x) { read_compensation(w, x, r.compensation_status); }),
        with("additional_info", [&](od::value& x) {
            r.is_opened = false;
            if (w.object_or_skip(x, "additional_info")) w.object(x, into("is_opened", r.is_opened));
        }));
}

}  // namespace

ReturnPage parse_returns_list_simd(std::string_view body) {
    ReturnPage page;
    parse_object(body, "/v1/returns/list", into("has_next", page.has_next),
                 list("returns", "returns[]", page.returns, read_return));
    return page;
}

}  // namespace ozw::ozon::detail
