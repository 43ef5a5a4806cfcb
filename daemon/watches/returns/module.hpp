#pragma once
#include "daemon/engine/module.hpp"

namespace ozw::daemon::returns {
// The returns watch (FBS/FBO returns, rFBS requests, drop-off points): daemon/watches/all.cpp lists it.
const WatchModule& module();
}  // namespace ozw::daemon::returns
