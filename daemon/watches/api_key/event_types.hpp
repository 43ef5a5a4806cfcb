#pragma once
// The API key check's event types: titles, what to do, facts and links.
#include <vector>

#include "common/event_types.hpp"

namespace ozw::daemon::api_key {
std::vector<EventType> api_key_event_types();
}  // namespace ozw::daemon::api_key
