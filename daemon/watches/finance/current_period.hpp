#pragma once
// The current payout period so far, day by day from /v1/finance/accrual/by-day, for the morning
// report. Kept as one cursor of the finance watch (written with its snapshot). Pure: no I/O.
#include <map>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/decimal.hpp"
#include "common/ozon/models.hpp"
#include "common/time.hpp"

namespace ozw::daemon::finance {

// One local day's accruals.
struct DayTotals {
    Decimal net;    // every accrual's total_amount: sales less charges
    Decimal sales;  // the posting accruals' products' sale_amount
    int sold = 0;   // posting accruals with a sale
    TimePoint read_at{};
};
DayTotals day_totals(const std::vector<ozon::DayAccrual>& accruals, TimePoint read_at);

struct CurrentPeriod {
    std::string id;                         // the period's first local day; another = start over
    std::map<std::string, DayTotals> days;  // local date "2026-11-16" -> totals

    Decimal net() const;
    Decimal sales() const;
    int sold() const;
    std::string to_json_text() const;
    static CurrentPeriod from_json_text(const std::string& text);  // tolerant: "" = nothing
};

// A local day of the period: its date and when it ends.
struct PeriodDay {
    std::string date;
    TimePoint end{};
};
// The period's days that have begun by `now`, in order.
std::vector<PeriodDay> days_begun(const PayoutPeriod& period, TimePoint now, const TimeZone& tz);

// Which of them to read now: a day never read, or one read less than `settle` after it ended
// (late accruals still come) and `refresh` ago or more.
inline constexpr Millis kDaySettles = std::chrono::hours(48);
std::vector<std::string> days_to_read(const CurrentPeriod& known, const std::vector<PeriodDay>& days, TimePoint now,
                                      Millis refresh);

}  // namespace ozw::daemon::finance
