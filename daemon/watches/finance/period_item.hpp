#pragma once
// What the finance watch remembers per payout period (the 1st-15th and the 16th-end of a month,
// local time): Ozon's cash-flow statement for it (what was sold, returned, charged, what is to
// be paid and what was paid) and ozonwatch's own count of the period's delivered postings,
// made once, on the first poll after the period ended.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/decimal.hpp"

namespace ozw::daemon::finance {

struct PeriodItem {
    std::string id;     // the period's first local day, "2026-11-01"
    std::string label;  // "01.11.2026–15.11.2026"
    TimePoint start{};  // local midnight of its first day, as UTC
    TimePoint end{};    // local midnight after its last day

    bool closed = false;  // the summary is made
    TimePoint closed_at{};

    // Ozon's statement (cash_flows[] and details[] of /v1/finance/cash-flow-statement/list);
    // statement == false: Ozon had not published it when the summary was made.
    bool statement = false;
    std::string currency;
    Decimal orders, returns, commission, services, delivery;
    Decimal to_pay;             // details.invoice_transfer
    Decimal paid;               // the sum of details.payments
    bool payment_seen = false;  // details.payments is not empty

    // ozonwatch's own count at closing: postings delivered within the period.
    int delivered = 0;
    int accrued = 0;   // with their sale accrual
    int waiting = 0;   // delivered less than grace_days before the summary: not due yet
    std::vector<std::string> missing;  // due and without their sale
    // Set when the period began before ozonwatch watched the shop (its first poll): deliveries
    // before that are known only as far as the postings watch's first load reached.
    std::optional<TimePoint> counted_since;

    // A payout is expected: the statement says something is to be paid and nothing was.
    bool payout_pending() const { return closed && statement && to_pay > Decimal{} && !payment_seen; }

    nlohmann::json to_json() const;
    static PeriodItem from_json(const nlohmann::json& j);  // tolerant
    std::string fingerprint() const;
};

}  // namespace ozw::daemon::finance
