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
    // finance.payout_missing: a closed period's payment has not appeared this many days after
    // the period ended (Ozon pays within a few working days).
    int payout_days = 7;
    // How long after a period ends its summary waits for Ozon's statement (and for the postings
    // watch); after that it is sent with what is known.
    Millis statement_wait = 48h;
    // The current period's days (/v1/finance/accrual/by-day) are read again this often while
    // late accruals can still arrive (today, and days that ended less than two days ago).
    Millis by_day_refresh = 6h;
};

}  // namespace ozw::daemon::finance
