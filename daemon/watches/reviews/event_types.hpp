#pragma once
// The reviews watch's event types: titles, what to do, facts and links (design.md catalogue).
#include <vector>

#include "common/event_types.hpp"

namespace ozw::daemon::reviews {

std::vector<EventType> review_event_types();

}  // namespace ozw::daemon::reviews
