#pragma once
#include "daemon/engine/module.hpp"

namespace ozw::daemon::finance {
// The finance (accruals) watch: daemon/watches/all.cpp lists it.
const WatchModule& module();
}  // namespace ozw::daemon::finance
