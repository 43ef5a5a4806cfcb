#include "daemon/watches/finance/period_item.hpp"

#include "common/time.hpp"
#include "daemon/engine/item_json.hpp"

namespace ozw::daemon::finance {

using nlohmann::json;
using namespace item_json;

json PeriodItem::to_json() const {
    json j = {{"kind", "period"},
              {"id", id},
              {"label", label},
              {"start", format_iso8601(start)},
              {"end", format_iso8601(end)},
              {"closed", closed},
              {"closed_at", closed ? json(format_iso8601(closed_at)) : json(nullptr)},
              {"statement", statement},
              {"currency", currency},
              {"orders", orders.to_string(2)},
              {"returns", returns.to_string(2)},
              {"commission", commission.to_string(2)},
              {"services", services.to_string(2)},
              {"delivery", delivery.to_string(2)},
              {"to_pay", to_pay.to_string(2)},
              {"paid", paid.to_string(2)},
              {"payment_seen", payment_seen},
              {"delivered", delivered},
              {"accrued", accrued},
              {"waiting", waiting},
              {"missing", missing},
              {"counted_since", time_or_null(counted_since)}};
    return j;
}

PeriodItem PeriodItem::from_json(const json& j) {
    PeriodItem p;
    if (!j.is_object()) return p;
    p.id = str_of(j, "id");
    p.label = str_of(j, "label");
    p.start = time_of(j, "start").value_or(TimePoint{});
    p.end = time_of(j, "end").value_or(TimePoint{});
    p.closed = flag_of(j, "closed");
    p.closed_at = time_of(j, "closed_at").value_or(TimePoint{});
    p.statement = flag_of(j, "statement");
    p.currency = str_of(j, "currency");
    p.orders = decimal_of(j, "orders");
    p.returns = decimal_of(j, "returns");
    p.commission = decimal_of(j, "commission");
    p.services = decimal_of(j, "services");
    p.delivery = decimal_of(j, "delivery");
    p.to_pay = decimal_of(j, "to_pay");
    p.paid = decimal_of(j, "paid");
    p.payment_seen = flag_of(j, "payment_seen");
    p.delivered = static_cast<int>(int_of(j, "delivered"));
    p.accrued = static_cast<int>(int_of(j, "accrued"));
    p.waiting = static_cast<int>(int_of(j, "waiting"));
    p.missing = strings_of(j, "missing");
    p.counted_since = time_of(j, "counted_since");
    return p;
}

std::string PeriodItem::fingerprint() const {
    // Everything transitions() and conditions() read, and what the report shows.
    return to_json().dump();
}

}  // namespace ozw::daemon::finance
