#pragma once
// What the finance watch remembers per delivered posting it asks Ozon about: when it was
// delivered (from the postings watch's snapshot) and whether its sale was accrued.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/decimal.hpp"

namespace ozw::daemon::finance {

struct AccrualItem {
    std::string posting_number;
    TimePoint delivered_at{};
    bool paid = false;         // a sale accrual arrived
    Decimal sale;              // its amount (0 until paid)
    Decimal charges;           // the other accruals seen (commission, logistics: negative)
    std::string paid_on;       // the sale accrual's date, YYYY-MM-DD

    nlohmann::json to_json() const;
    static AccrualItem from_json(const nlohmann::json& j);  // tolerant
    std::string fingerprint() const;
};

}  // namespace ozw::daemon::finance
