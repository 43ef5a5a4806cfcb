#pragma once
// The pure half of the reviews watch. No I/O, no clock.
//   review.new            transition  a review first seen after the baseline: info, a warning
//                                     at a rating <= alert_rating (the manager answers it
//                                     before it costs the rating);
//   review.not_available  condition   info: /v2/review/list answers 403 (the account has no
//                                     review subscription). Not an outage: said once, resolved
//                                     when the subscription appears.
#include <string>
#include <vector>

#include "common/event.hpp"
#include "daemon/engine/snapshot_watch.hpp"
#include "daemon/watches/reviews/review_item.hpp"
#include "daemon/watches/reviews/settings.hpp"

namespace ozw::daemon::reviews {

struct EvalContext {
    std::string account;
    ReviewsSettings settings;
};

std::vector<Event> review_transitions(const ReviewItem* previous, const ReviewItem& current, TimePoint now,
                                      const EvalContext& ctx);
ItemConditions review_conditions(const ReviewItem& item, TimePoint now, const EvalContext& ctx);

// True for a rating the manager is warned about (1..alert_rating).
bool low_rating(int rating, const ReviewsSettings& s);

// first_seen and unavailable_since are kept from the remembered item.
void carry_over(const ReviewItem* previous, ReviewItem& next);

}  // namespace ozw::daemon::reviews
