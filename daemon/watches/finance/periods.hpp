#pragma once
// The pure half of the payout periods (issue 12). No I/O, no clock.
//   finance.period_closed   transition  info     the first poll after a period ended (local
//                                                time): Ozon's statement for it and ozonwatch's
//                                                own count of its delivered postings;
//   finance.payout_missing  condition   warning  the period's payment has not appeared
//                                                payout_days after it ended; resolved when it
//                                                does.
#include <map>
#include <string>
#include <vector>

#include "common/event.hpp"
#include "common/ozon/models.hpp"
#include "common/time.hpp"
#include "daemon/engine/snapshot_watch.hpp"
#include "daemon/watches/finance/evaluate.hpp"
#include "daemon/watches/finance/period_item.hpp"

namespace ozw::daemon::finance {

// A period's identity (id, label, start, end), nothing known of it yet.
PeriodItem period_item(const PayoutPeriod& p, const TimeZone& tz);
// The period before the one containing `now`: the one a summary is due for.
PayoutPeriod previous_period(TimePoint now, const TimeZone& tz);

// Takes the period's figures from Ozon's statement (the cash_flows row and the details whose
// period is this one: matched by the local day in the middle of Ozon's begin..end, whatever
// time of day Ozon writes); false when the statement has no row for it.
bool fill_from_statement(PeriodItem& p, const ozon::CashFlowStatementPage& statement, const TimeZone& tz);

// What ozonwatch knows of one delivered posting.
struct DeliveredPosting {
    TimePoint delivered_at{};
    bool asked = false;  // the finance watch asked Ozon about it (due, not too old)
    bool paid = false;
};
// Counts the postings delivered within the period: accrued, missing (asked and unpaid), waiting
// (not due yet, or not asked).
void count_postings(PeriodItem& p, const std::map<std::string, DeliveredPosting>& postings);

// finance.period_closed when `current` is closed and `previous` was not (or was unknown), for
// the period just before the one containing `now` only (an older one learnt late is not news).
std::vector<Event> period_transitions(const PeriodItem* previous, const PeriodItem& current, TimePoint now,
                                      const EvalContext& ctx);
bool is_previous_period(const PeriodItem& p, TimePoint now, const TimeZone& tz);
ItemConditions payout_conditions(const PeriodItem& p, TimePoint now, const EvalContext& ctx);

// How many missing postings a summary names (the count is always whole).
inline constexpr std::size_t kSummaryListed = 20;

}  // namespace ozw::daemon::finance
