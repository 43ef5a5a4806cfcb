#pragma once
// watches.postings: the settings of the shipments watch, with their defaults (the one place
// they are written; systemd/ozonwatch.example.yaml repeats them for the reader).
#include "common/config.hpp"

namespace ozw::daemon::postings {

using namespace std::chrono_literals;

struct PostingsSettings : WatchSettings {
    PostingsSettings() { interval = 2min; }
    // The seller's own latest hand-over time on the shipping day (the seed: "после 17:00 нельзя").
    TimeOfDay handover_deadline{17, 0};
    Millis warn_before = 2h;       // posting.cutoff_soon this long before D1
    Millis lookback = 14 * 24h;    // the window loaded in full (capped: Ozon's one-year rule)
    Millis overlap = 10min;        // incremental polls re-read this much before the last success
    Millis reconcile_every = 6h;   // re-read the postings that can still change
    Millis stuck_delivering = 10 * 24h;
    Millis stuck_driver_pickup = 24h;
    Millis stuck_acceptance = 24h;  // acceptance_in_progress, awaiting_registration
    // A full re-read of the window that returns fewer than this share (percent) of the postings
    // known in it is taken for a broken answer: not applied, retried (0 = no check).
    int min_reread_percent = 50;
};

}  // namespace ozw::daemon::postings
