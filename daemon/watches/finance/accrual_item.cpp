#include "daemon/watches/finance/accrual_item.hpp"

#include "common/time.hpp"
#include "daemon/engine/item_json.hpp"

namespace ozw::daemon::finance {

using nlohmann::json;
using namespace item_json;

json AccrualItem::to_json() const {
    return {{"posting_number", posting_number},
            {"delivered_at", format_iso8601_ms(delivered_at)},
            {"paid", paid},
            {"sale", sale.to_string(2)},
            {"charges", charges.to_string(2)},
            {"paid_on", paid_on}};
}

AccrualItem AccrualItem::from_json(const json& j) {
    AccrualItem a;
    if (!j.is_object()) return a;
    a.posting_number = str_of(j, "posting_number");
    a.delivered_at = time_of(j, "delivered_at").value_or(TimePoint{});
    a.paid = flag_of(j, "paid");
    a.sale = decimal_of(j, "sale");
    a.charges = decimal_of(j, "charges");
    a.paid_on = str_of(j, "paid_on");
    return a;
}

std::string AccrualItem::fingerprint() const {
    return std::to_string(delivered_at.time_since_epoch().count()) + '|' + (paid ? "paid" : "unpaid") + '|' +
           sale.to_string(4) + '|' + charges.to_string(4) + '|' + paid_on;
}

}  // namespace ozw::daemon::finance
