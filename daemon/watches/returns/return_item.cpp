#include "daemon/watches/returns/return_item.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "common/time.hpp"
#include "daemon/engine/item_json.hpp"

namespace ozw::daemon::returns {

namespace {

using nlohmann::json;
using namespace item_json;

const char* kind_name(ItemKind k) {
    switch (k) {
        case ItemKind::fbs_return: return "return";
        case ItemKind::rfbs_request: return "rfbs";
        case ItemKind::dropoff_point: return "point";
    }
    return "return";
}

bool one_of(std::string_view s, std::initializer_list<std::string_view> list) {
    return std::find(list.begin(), list.end(), s) != list.end();
}

// Field separator for fingerprints: a byte that Ozon's JSON text cannot put in a string as is.
constexpr char kSep = '\x1f';

}  // namespace

std::string ReturnItem::key() const { return std::string(kind_name(kind)) + ":" + std::to_string(id); }

json ReturnItem::to_json() const {
    json j = {{"kind", kind_name(kind)},
              {"id", id},
              {"status", status},
              {"status_name", status_name},
              {"status_since", format_iso8601_ms(status_since)},
              {"first_seen", format_iso8601_ms(first_seen)}};
    if (kind == ItemKind::dropoff_point) {
        j["place_name"] = place_name;
        j["place_address"] = place_address;
        j["place_id"] = place_id;
        j["returns_count"] = returns_count;
        j["box_count"] = box_count;
        j["pass_required"] = pass_required;
        return j;
    }
    j["type"] = type;
    j["schema"] = schema;
    j["group_state"] = group_state;
    j["posting_number"] = posting_number;
    j["return_number"] = return_number;
    j["product_name"] = product_name;
    j["offer_id"] = offer_id;
    j["quantity"] = quantity;
    j["amount"] = amount;
    j["currency"] = currency;
    j["reason"] = reason;
    j["place_id"] = place_id;
    j["place_name"] = place_name;
    j["place_address"] = place_address;
    j["arrived_at"] = time_or_null(arrived_at);
    j["paid_storage_from"] = time_or_null(paid_storage_from);
    j["disposal_at"] = time_or_null(disposal_at);
    j["storage_sum"] = storage_sum;
    j["disposal_sum"] = disposal_sum;
    j["client_comment"] = client_comment;
    j["photos"] = photos;
    j["actions"] = actions;
    return j;
}

ReturnItem ReturnItem::from_json(const json& j) {
    ReturnItem r;
    if (!j.is_object()) return r;
    const std::string kind = str_of(j, "kind");
    r.kind = kind == "rfbs" ? ItemKind::rfbs_request : kind == "point" ? ItemKind::dropoff_point : ItemKind::fbs_return;
    r.id = int_of(j, "id");
    r.status = str_of(j, "status");
    r.status_name = str_of(j, "status_name");
    r.status_since = time_of(j, "status_since").value_or(TimePoint{});
    r.first_seen = time_of(j, "first_seen").value_or(r.status_since);
    r.type = str_of(j, "type");
    r.schema = str_of(j, "schema");
    r.group_state = str_of(j, "group_state");
    r.posting_number = str_of(j, "posting_number");
    r.return_number = str_of(j, "return_number");
    r.product_name = str_of(j, "product_name");
    r.offer_id = str_of(j, "offer_id");
    r.quantity = static_cast<int>(int_of(j, "quantity"));
    r.amount = num_of(j, "amount");
    r.currency = str_of(j, "currency");
    r.reason = str_of(j, "reason");
    r.place_id = int_of(j, "place_id");
    r.place_name = str_of(j, "place_name");
    r.place_address = str_of(j, "place_address");
    r.arrived_at = time_of(j, "arrived_at");
    r.paid_storage_from = time_of(j, "paid_storage_from");
    r.disposal_at = time_of(j, "disposal_at");
    r.storage_sum = num_of(j, "storage_sum");
    r.disposal_sum = num_of(j, "disposal_sum");
    r.client_comment = str_of(j, "client_comment");
    r.photos = strings_of(j, "photos");
    r.actions = strings_of(j, "actions");
    r.returns_count = static_cast<int>(int_of(j, "returns_count"));
    r.box_count = static_cast<int>(int_of(j, "box_count"));
    r.pass_required = flag_of(j, "pass_required");
    return r;
}

std::string ReturnItem::fingerprint() const {
    std::string f;
    f.reserve(256);
    auto add = [&](std::string_view s) {
        f.append(s);
        f.push_back(kSep);
    };
    auto add_time = [&](const std::optional<TimePoint>& t) { add(t ? std::to_string(t->time_since_epoch().count()) : ""); };
    add(status);
    add(status_name);
    add(group_state);
    add(type);
    add(posting_number);
    add(product_name);
    add(reason);
    add(std::to_string(quantity));
    add(std::to_string(amount));
    add(std::to_string(place_id));
    add(place_name);
    add(place_address);
    add_time(arrived_at);
    add_time(paid_storage_from);
    add_time(disposal_at);
    add(std::to_string(storage_sum));
    add(std::to_string(disposal_sum));
    add(client_comment);
    for (const auto& p : photos) add(p);
    f.push_back(kSep);
    for (const auto& a : actions) add(a);
    f.push_back(kSep);
    add(std::to_string(returns_count));
    add(std::to_string(box_count));
    add(pass_required ? "1" : "0");
    return f;
}

ReturnItem item_from(const ozon::Return& r) {
    ReturnItem x;
    x.kind = ItemKind::fbs_return;
    x.id = r.id;
    x.type = r.type;
    x.schema = r.schema;
    x.status = r.visual_status.sys_name;
    x.status_name = r.visual_status.display_name;
    if (r.visual_change_moment) x.status_since = *r.visual_change_moment;
    x.first_seen = r.logistic.return_date.value_or(x.status_since);
    x.posting_number = r.posting_number;
    x.product_name = r.product.name;
    x.offer_id = r.product.offer_id;
    x.quantity = r.product.quantity;
    x.amount = r.product.price.amount.to_double();  // display only (ReturnItem keeps doubles)
    x.currency = r.product.price.currency;
    x.reason = r.return_reason_name;
    if (r.place) {
        x.place_id = r.place->id;
        x.place_name = r.place->name;
        x.place_address = r.place->address;
    }
    x.arrived_at = r.storage.arrived_moment;
    x.paid_storage_from = r.storage.tariffication_start_date;
    x.disposal_at = r.storage.utilization_forecast_date;
    x.storage_sum = r.storage.sum.amount.to_double();
    x.disposal_sum = r.storage.utilization_sum.amount.to_double();
    return x;
}

ReturnItem item_from(const ozon::RfbsReturn& r) {
    ReturnItem x;
    x.kind = ItemKind::rfbs_request;
    x.id = r.id;
    x.type = "rFBS";
    x.status = r.state;
    x.status_name = r.state_name;
    x.group_state = r.group_state;
    if (r.created_at) x.status_since = x.first_seen = *r.created_at;
    x.posting_number = r.posting_number;
    x.return_number = r.number;
    x.product_name = r.product_name;
    x.offer_id = r.offer_id;
    x.quantity = 1;
    x.amount = r.price.amount.to_double();  // display only
    x.currency = r.price.currency;
    x.reason = r.return_reason;
    x.client_comment = r.client_comment;
    x.photos = r.client_photos;
    x.actions = r.available_actions;
    return x;
}

ReturnItem item_from(const ozon::ReturnDropOffPoint& p) {
    ReturnItem x;
    x.kind = ItemKind::dropoff_point;
    x.id = p.id;
    x.place_id = p.place_id;
    x.place_name = p.name;
    x.place_address = p.address;
    x.returns_count = p.returns_count;
    x.box_count = p.box_count;
    x.pass_required = p.pass_required;
    return x;
}

bool awaits_seller(const std::string& s) {
    return one_of(s, {"OnSellerApproval", "OnSellerClarification", "OnSellerClarificationAfterPartialCompensation",
                      "OfferedPartialCompensation"});
}

bool is_dispute(const std::string& s) { return one_of(s, {"DisputeOpened", "DisputeYouOpened", "DisputeOpening"}); }

bool is_final_return_status(const std::string& s) {
    return one_of(s, {"ReceivedBySeller", "Utilized", "MoneyReturned", "MoneyReturnedBySystem", "Cancelled",
                      "CancelledDisputeNotOpen", "Rejected", "CrmRejected", "ReturnedToOzon",
                      "PartialCompensationReturned", "CompensationRejected", "CompensationRejectedBySla",
                      "CompensationRejectedBySeller"});
}

bool rfbs_awaits_seller(const ReturnItem& r) {
    if (r.kind != ItemKind::rfbs_request) return false;
    if (!r.actions.empty()) return true;
    return r.group_state == "New";
}

}  // namespace ozw::daemon::returns
