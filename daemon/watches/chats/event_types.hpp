#pragma once
// The chats watch's event types: titles, what to do, facts and links (design.md catalogue).
#include <vector>

#include "common/event_types.hpp"

namespace ozw::daemon::chats {

std::vector<EventType> chat_event_types();

}  // namespace ozw::daemon::chats
