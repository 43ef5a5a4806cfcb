#pragma once
#include "daemon/engine/module.hpp"

namespace ozw::daemon::stocks {
// The stocks watch: daemon/watches/all.cpp lists it.
const WatchModule& module();
}  // namespace ozw::daemon::stocks
