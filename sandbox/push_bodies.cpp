// Push notification bodies (see push_bodies.hpp for the spec each follows).
#include "sandbox/push_bodies.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <map>
#include <vector>

#include "common/time.hpp"

namespace ozw::sandbox {

using nlohmann::json;

json push_seller_id(const std::string& client_id) {
    std::int64_t v = 0;
    const char* end = client_id.data() + client_id.size();
    auto [p, ec] = std::from_chars(client_id.data(), end, v);
    const bool digits = !client_id.empty() &&
                        std::all_of(client_id.begin(), client_id.end(),
                                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    if (digits && ec == std::errc() && p == end) return v;
    return client_id;
}

namespace {

// The spec's table: Seller API status -> its push-model states, the first being the default.
const std::map<std::string, std::vector<std::string>>& push_states() {
    static const std::map<std::string, std::vector<std::string>> m = {
        {"acceptance_in_progress", {"posting_acceptance_in_progress"}},
        {"awaiting_approve", {"posting_created"}},
        {"awaiting_packaging", {"posting_created"}},
        {"awaiting_registration", {"posting_awaiting_registration"}},
        {"awaiting_deliver",
         {"posting_transferring_to_delivery", "posting_in_carriage", "posting_not_in_carriage"}},
        {"arbitration", {"posting_in_arbitration"}},
        {"client_arbitration", {"posting_in_client_arbitration"}},
        {"delivering",
         {"posting_on_way_to_city", "posting_transferred_to_courier_service", "posting_in_courier_service",
          "posting_on_way_to_pickup_point", "posting_in_pickup_point", "posting_conditionally_delivered"}},
        {"driver_pickup", {"posting_driver_pick_up"}},
        {"delivered", {"posting_delivered", "posting_received"}},
        {"cancelled", {"posting_canceled"}},
        {"cancelled_from_split_pending", {"posting_canceled"}},
        {"not_accepted", {"posting_not_in_sort_center"}},
    };
    return m;
}

std::string ms(TimePoint t) { return format_iso8601_ms(t); }
std::string sec(TimePoint t) { return format_iso8601(t); }

}  // namespace

std::string push_state(const std::string& status, const std::string& substatus) {
    const auto& m = push_states();
    if (auto it = m.find(status); it != m.end()) {
        const auto& states = it->second;
        if (std::find(states.begin(), states.end(), substatus) != states.end()) return substatus;
        return states.front();
    }
    if (substatus.rfind("posting_", 0) == 0) return substatus;
    return "posting_" + status;
}

bool push_cancelled_status(const std::string& status) {
    return status == "cancelled" || status == "cancelled_from_split_pending";
}

json push_new_posting(const Posting& p, const std::string& client_id) {
    json products = json::array();
    for (const auto& x : p.products)
        products.push_back({{"sku", x.sku}, {"offer_id", x.offer_id}, {"quantity", x.quantity}});
    return {{"message_type", "TYPE_NEW_POSTING"},
            {"posting_number", p.posting_number},
            {"products", products},
            {"in_process_at", ms(p.in_process_at)},
            {"warehouse_id", p.warehouse_id},
            {"shipment_date", ms(p.shipment_date)},
            {"tpl_integration_type", "ozon"},
            {"is_express", false},
            {"tracking_number", p.tracking_number},
            {"delivery_date_begin", ms(p.shipment_date + std::chrono::hours(24))},
            {"delivery_date_end", ms(p.shipment_date + std::chrono::hours(72))},
            {"seller_id", push_seller_id(client_id)}};
}

json push_state_changed(const Posting& p, TimePoint at, const std::string& client_id) {
    return {{"message_type", "TYPE_STATE_CHANGED"},
            {"posting_number", p.posting_number},
            {"new_state", push_state(p.status, p.substatus)},
            {"changed_state_date", ms(at)},
            {"warehouse_id", p.warehouse_id},
            {"seller_id", push_seller_id(client_id)}};
}

json push_posting_cancelled(const Posting& p, const std::string& old_state, TimePoint at,
                            const std::string& client_id) {
    json products = json::array();
    for (const auto& x : p.products) products.push_back({{"sku", x.sku}, {"quantity", x.quantity}});
    json reason = {{"id", p.cancellation ? p.cancellation->cancel_reason_id : 0},
                   {"message", p.cancellation ? p.cancellation->cancel_reason : std::string()}};
    return {{"message_type", "TYPE_POSTING_CANCELLED"},
            {"posting_number", p.posting_number},
            {"products", products},
            {"old_state", old_state},
            {"new_state", "posting_canceled"},
            {"changed_state_date", ms(at)},
            {"reason", reason},
            {"warehouse_id", p.warehouse_id},
            {"seller_id", push_seller_id(client_id)}};
}

json push_cutoff_changed(const Posting& p, TimePoint old_cutoff, const std::string& client_id) {
    return {{"message_type", "TYPE_CUTOFF_DATE_CHANGED"},
            {"posting_number", p.posting_number},
            {"new_cutoff_date", sec(p.shipment_date)},
            {"old_cutoff_date", sec(old_cutoff)},
            {"warehouse_id", p.warehouse_id},
            {"seller_id", push_seller_id(client_id)}};
}

json push_stocks_changed(const Product& p, const StockAtWarehouse& st, TimePoint at,
                         const std::string& client_id) {
    json stocks = json::array();
    stocks.push_back({{"warehouse_id", st.warehouse_id}, {"present", st.present}, {"reserved", st.reserved}});
    json item = {{"product_id", p.product_id}, {"sku", p.sku}, {"updated_at", sec(at)}, {"stocks", stocks}};
    return {{"message_type", "TYPE_STOCKS_CHANGED"},
            {"seller_id", push_seller_id(client_id)},
            {"items", json::array({item})}};
}

std::string push_chat_type(const std::string& chat_type) {
    static const char* const kTypes[] = {
        "Seller_Support", "Buyer_Seller", "Seller_Notification", "Seller_API_Updates",
        "Seller_API_Notifications", "Seller_Notification_Logistics", "Buyer_Seller_Select",
        "Seller_Personal_Manager_Unity_Crm", "Seller_Business_Development_Group"};
    auto lower = [](std::string s) {
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    const std::string want = lower(chat_type);
    for (const char* t : kTypes)
        if (lower(t) == want) return t;
    return chat_type;
}

json push_new_message(const Chat& c, std::int64_t message_id, TimePoint at, const std::string& client_id) {
    const std::string type = push_chat_type(c.chat_type);
    const char* user_type = type.rfind("Buyer_Seller", 0) == 0 ? "Customer"
                            : type == "Seller_Support"          ? "Support"
                                                                : "NotificationUser";
    return {{"message_type", "TYPE_NEW_MESSAGE"},
            {"chat_id", c.chat_id},
            {"chat_type", type},
            {"message_id", std::to_string(message_id)},
            {"created_at", ms(at)},
            {"user", {{"id", "0"}, {"type", user_type}}},
            {"data", json::array({"Новое сообщение"})},
            {"seller_id", client_id}};
}

json push_ping(TimePoint at) { return {{"message_type", "TYPE_PING"}, {"time", sec(at)}}; }

}  // namespace ozw::sandbox
