#pragma once
// The shipments watch's event types: titles, what to do, facts and links (design.md catalogue).
#include <vector>

#include "common/event_types.hpp"

namespace ozw::daemon::postings {

std::vector<EventType> posting_event_types();

// The cabinet's name of an FBS status ("ожидает сборки"); unknown values as they are.
std::string posting_status_name(const std::string& status, bool russian);

}  // namespace ozw::daemon::postings
