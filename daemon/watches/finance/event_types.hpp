#pragma once
// The finance watch's event types: titles, what to do, facts and links (design.md catalogue).
#include <vector>

#include "common/event_types.hpp"

namespace ozw::daemon::finance {
std::vector<EventType> finance_event_types();
}  // namespace ozw::daemon::finance
