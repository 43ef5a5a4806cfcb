#pragma once
// What the returns watch remembers: one item per FBS/FBO return (/v1/returns/list), per rFBS
// return request (/v2/returns/rfbs/list + get) and per drop-off point where FBS returns wait
// (/v1/returns/company/fbs/info). One snapshot, three kinds, keyed "return:<id>",
// "rfbs:<id>" and "point:<id>", so one engine diff serves them all.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/ozon/models.hpp"

namespace ozw::daemon::returns {

enum class ItemKind { fbs_return, rfbs_request, dropoff_point };

struct ReturnItem {
    ItemKind kind = ItemKind::fbs_return;
    long long id = 0;          // return id, rFBS return_id, or drop-off point id
    std::string type;          // Cancellation | FullReturn | PartialReturn | ClientReturn | ... (raw)
    std::string schema;        // Fbs | Fbo (raw)
    std::string status;        // visual.status.sys_name, or the rFBS state.state
    std::string status_name;   // Ozon's Russian name of it (display_name / state_name)
    std::string group_state;   // rFBS: New | Delivering | Checkout | Arbitration | Approved | Rejected
    // Since when it is in this status: Ozon's visual.change_moment (rFBS: created_at while it
    // is new, else when the watch saw the change).
    TimePoint status_since{};
    // When the return first became known to the shop: logistic.return_date / created_at, else
    // when the watch first saw it (the morning report's "new since yesterday").
    TimePoint first_seen{};
    std::string posting_number;
    std::string return_number;  // rFBS
    std::string product_name;
    std::string offer_id;
    int quantity = 0;
    double amount = 0;  // product price (rFBS: the request's price)
    std::string currency;
    std::string reason;
    // Where it waits for the seller (ArrivedAtReturnPlace) and what waiting costs.
    long long place_id = 0;
    std::string place_name;
    std::string place_address;
    std::optional<TimePoint> arrived_at;
    std::optional<TimePoint> paid_storage_from;  // storage.tariffication_start_date
    std::optional<TimePoint> disposal_at;        // storage.utilization_forecast_date
    double storage_sum = 0;
    double disposal_sum = 0;
    // rFBS request (from /get): the customer's words and photos, what the seller can do now.
    std::string client_comment;
    std::vector<std::string> photos;
    std::vector<std::string> actions;
    // Drop-off point: how many returns and boxes wait there, and whether a pass is needed.
    int returns_count = 0;
    int box_count = 0;
    bool pass_required = false;

    std::string key() const;
    nlohmann::json to_json() const;
    static ReturnItem from_json(const nlohmann::json& j);  // tolerant
    // Changes whenever something the evaluation reads changes (status_since and first_seen
    // excluded: observe() derives them).
    std::string fingerprint() const;
};

ReturnItem item_from(const ozon::Return& r);
ReturnItem item_from(const ozon::RfbsReturn& r);
ReturnItem item_from(const ozon::ReturnDropOffPoint& p);

// States that wait for the seller's decision (NOTES.md, "Returns").
bool awaits_seller(const std::string& status);
// Dispute states.
bool is_dispute(const std::string& status);
// After these nothing more is expected of the seller for a return (it is forgotten once older
// than the lookback window).
bool is_final_return_status(const std::string& status);
// rFBS: the request waits for the seller (group New, or actions offered).
bool rfbs_awaits_seller(const ReturnItem& r);

}  // namespace ozw::daemon::returns
