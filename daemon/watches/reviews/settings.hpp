#pragma once
// watches.reviews: the settings of the reviews watch, with their defaults (the one place they
// are written; systemd/ozonwatch.example.yaml and README.md repeat them for the reader).
#include "common/config.hpp"

namespace ozw::daemon::reviews {

using namespace std::chrono_literals;

struct ReviewsSettings : WatchSettings {
    ReviewsSettings() { interval = 10min; }
    // review.new is a warning (not info) for a rating at or below this; 0 = never.
    int alert_rating = 3;
};

// Without the paid subscription (/v2/review/list answers 403) the watch asks again this often
// instead of every `interval`: Ozon is not down, the shop just may not read reviews.
inline constexpr Millis kRecheckWithoutSubscription = std::chrono::hours(24);

// The reviews read every poll: those published within this window (newest first). A review
// older than the window is forgotten; a new review is one first seen inside it.
inline constexpr Millis kReviewWindow = std::chrono::hours(24 * 3);

}  // namespace ozw::daemon::reviews
