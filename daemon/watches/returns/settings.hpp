#pragma once
// watches.returns: the settings of the returns watch, with their defaults (the one place they
// are written; systemd/ozonwatch.example.yaml repeats them for the reader).
#include "common/config.hpp"

namespace ozw::daemon::returns {

using namespace std::chrono_literals;

struct ReturnsSettings : WatchSettings {
    ReturnsSettings() { interval = 10min; }
    // Returns whose status changed within this window are re-read in full at each
    // reconciliation (and rFBS requests created within it are read every poll).
    Millis lookback = 30 * 24h;
    Millis overlap = 10min;         // incremental polls re-read this much before the last success
    Millis reconcile_every = 24h;   // full re-read of the window (NOTES.md: daily)
    // Ozon decides a customer's request for the seller this long after it starts waiting
    // (NOTES.md: about 24 h; it usually approves).
    Millis decision_window = 24h;
    Millis urgent_before = 4h;      // return.request_urgent this long before that
    Millis disposal_warn = 3 * 24h; // return.pickup_urgent this long before the disposal date
};

}  // namespace ozw::daemon::returns
