#pragma once
// What the shipments watch remembers about one FBS posting (its snapshot item), and the
// statuses it reasons about (NOTES.md, "Statuses the watches care about").
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/boxed.hpp"
#include "common/clock.hpp"
#include "common/ozon/models.hpp"

namespace ozw::daemon::postings {

struct ProductLine {
    std::string name;
    std::string offer_id;
    int quantity = 0;
    bool operator==(const ProductLine&) const = default;
};

struct CancellationInfo {
    std::string initiator;  // "Покупатель", "Продавец", "Ozon", ...
    std::string type;       // seller | client | customer | ozon | system | delivery
    std::string reason;
    long long reason_id = 0;
    bool affects_rating = false;
    bool after_ship = false;
    bool operator==(const CancellationInfo&) const = default;
};

// The posting's tariff now (2026: discount steps until shipment_date, surcharge steps after).
struct TariffInfo {
    std::string type;             // current_tariff_type, e.g. "surcharge", "discount"
    double rate = 0;              // current_tariff_rate, percent
    std::optional<double> charge; // current_tariff_charge, rubles
    std::string next_type;
    double next_rate = 0;
    std::optional<TimePoint> next_starts_at;
    bool operator==(const TariffInfo&) const = default;
};

struct PostingState {
    std::string posting_number;
    std::string status;  // raw Ozon status (unknown values kept)
    std::string substatus;
    std::optional<TimePoint> in_process_at;
    std::optional<TimePoint> shipment_date;                // recommended: a higher tariff after it
    std::optional<TimePoint> shipment_date_without_delay;  // overdue after it
    std::optional<TimePoint> delivering_date;
    // Since when the watch believes the posting is in its status (derived, see observe()).
    TimePoint status_since{};
    // Transient, never stored: when the fetch found the posting entered its status (a posting
    // already delivered at the first load); observe() takes it for a posting seen first.
    std::optional<TimePoint> found_since;
    std::vector<ProductLine> products;
    // Boxed: absent from most of the 50,000 postings a shop keeps, 240 bytes each inline.
    Boxed<CancellationInfo> cancellation;
    Boxed<TariffInfo> tariff;

    nlohmann::json to_json() const;
    static PostingState from_json(const nlohmann::json& j);  // tolerant
    // Changes whenever something the evaluation reads changes (status_since excluded: it only
    // moves together with the status).
    std::string fingerprint() const;
};

// ozon::Posting -> what the watch keeps (status_since unset).
PostingState posting_state_from(const ozon::Posting& p);

// Statuses after which nothing more happens to a posting.
bool is_final_status(const std::string& status);
// awaiting_packaging / awaiting_deliver: the seller still has to hand it over.
bool is_awaiting_shipment(const std::string& status);
// A status as Ozon spells them (lower-case letters, digits, '_', at least one letter): null,
// a number or garbage in a page is not a status, and the posting is skipped, not diffed.
bool is_plausible_status(const std::string& status);
// Before the hand-over, not yet packed (status_since falls back to in_process_at in these).
bool is_before_handover(const std::string& status);
// acceptance_in_progress / awaiting_registration: AFTER the hand-over (NOTES.md 2026).
bool is_after_handover_check(const std::string& status);

}  // namespace ozw::daemon::postings
