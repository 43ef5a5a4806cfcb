#pragma once
// watches.stocks: the settings of the stocks watch, with their defaults (the one place they are
// written; systemd/ozonwatch.example.yaml repeats them for the reader).
#include <string>
#include <vector>

#include "common/config.hpp"

namespace ozw::daemon::stocks {

using namespace std::chrono_literals;

struct StocksSettings : WatchSettings {
    StocksSettings() { interval = 15min; }
    // stock.suspicious: an Ozon figure (present) equal to one of these looks like a typo or a
    // broken sync ("1000 pieces of a dress").
    std::vector<long long> suspicious_values = {100, 1000};
    // stock.suspicious: the figure changed by more than this factor since the last poll, the
    // smaller of the two being at least jump_from (3 -> 40 is a delivery, 50 -> 600 is not).
    double jump_factor = 10;
    long long jump_from = 5;
    // stock.mismatch: compare Ozon with these sources ([insales], [onec] or both; the
    // account's insales/onec sections say where they are).
    std::vector<std::string> compare_with;
    long long tolerance = 0;     // pieces of difference still taken for agreement
    Millis mismatch_grace = 30min;  // InSales queues updates; Ozon takes one per ~2 min
    // An InSales variant without a sku, or a 1C offer without an Артикул, is matched by its
    // barcode to the article the other source gives that barcode.
    bool match_barcodes = true;
};

}  // namespace ozw::daemon::stocks
