#pragma once
#include "daemon/engine/module.hpp"

namespace ozw::daemon::chats {
// The chats watch (buyer chats with unread messages): daemon/watches/all.cpp lists it.
const WatchModule& module();
}  // namespace ozw::daemon::chats
