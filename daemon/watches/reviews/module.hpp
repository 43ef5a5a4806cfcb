#pragma once
#include "daemon/engine/module.hpp"

namespace ozw::daemon::reviews {
// The reviews watch (new reviews, the subscription they need): daemon/watches/all.cpp lists it.
const WatchModule& module();
}  // namespace ozw::daemon::reviews
