#pragma once
// The pure half of the finance watch: which of a posting's accruals are its sale, and whether a
// delivered posting still waits for it. No I/O, no clock.
//   finance.accrual_missing  warning  delivered more than grace_days ago, no sale accrual yet;
//                                     resolved when it arrives.
#include <set>
#include <string>
#include <vector>

#include "common/decimal.hpp"
#include "common/event.hpp"
#include "common/ozon/models.hpp"
#include "common/time.hpp"
#include "daemon/engine/snapshot_watch.hpp"
#include "daemon/watches/finance/accrual_item.hpp"
#include "daemon/watches/finance/settings.hpp"

namespace ozw::daemon::finance {

struct EvalContext {
    std::string account;
    FinanceSettings settings;
    TimeZone tz{"Europe/Moscow"};  // the shop's: payout periods end at its midnight
};

// The accrual types that are the sale: those whose name contains one of `names` (ASCII letters
// compared without case), or of the built-in list when `names` is empty.
std::set<int> sale_type_ids(const std::vector<ozon::AccrualType>& types, const std::vector<std::string>& names);
const std::vector<std::string>& default_sale_type_names();

// What a posting's accruals say: paid when one of them is a sale (by type; when no type is
// known as the sale, a positive amount is the sale); the rest are charges.
struct AccrualSummary {
    bool paid = false;
    Decimal sale;
    Decimal charges;
    std::string paid_on;  // the sale's accrual date
};
AccrualSummary summarize(const ozon::PostingAccruals& accruals, const std::set<int>& sale_types);

ItemConditions accrual_conditions(const AccrualItem& item, TimePoint now, const EvalContext& ctx);

// The seller-cabinet page of accruals (NOTES.md's cabinet links).
inline constexpr const char* kAccrualsUrl = "https://seller.ozon.ru/app/finances/accruals";

}  // namespace ozw::daemon::finance
