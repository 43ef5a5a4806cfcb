#pragma once
// The stocks watch's event types: titles, what to do, facts and links (design.md catalogue).
#include <vector>

#include "common/event_types.hpp"

namespace ozw::daemon::stocks {
std::vector<EventType> stocks_event_types();
// How the manager calls a link of the sync chain: "InSales → Ozon".
std::string link_title(const std::string& link, bool russian);
}  // namespace ozw::daemon::stocks
