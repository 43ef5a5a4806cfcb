#pragma once
// watches.finance: the settings of the accruals watch, with their defaults (the one place they
// are written; systemd/ozonwatch.example.yaml repeats them for the reader).
#include <string>
#include <vector>

#include "common/config.hpp"

namespace ozw::daemon::finance {

using namespace std::chrono_literals;

struct FinanceSettings : WatchSettings {
    FinanceSettings() { interval = 1h; }
    // finance.accrual_missing: delivered this many days ago and still no sale accrual.
    int grace_days = 3;
    // A posting is asked about until it is paid or was delivered this long ago; after that the
    // alert stays (a missing payment does not fix itself) but Ozon is no longer asked.
    Millis give_up_after = 60 * 24h;
    // Names of the accrual types that are the sale (matched without case against
    // /v1/finance/accrual/types; the spec does not list them). Empty = the built-in list;
    // where no type matches, a positive accrued amount is taken for the sale.
    std::vector<std::string> sale_types;
};

}  // namespace ozw::daemon::finance
