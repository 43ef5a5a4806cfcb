#pragma once
#include "daemon/engine/module.hpp"

namespace ozw::daemon::postings {
// The shipments (FBS postings) watch: daemon/watches/all.cpp lists it.
const WatchModule& module();
}  // namespace ozw::daemon::postings
