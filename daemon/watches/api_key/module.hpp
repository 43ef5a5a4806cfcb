#pragma once
#include "daemon/engine/module.hpp"

namespace ozw::daemon::api_key {
// The API key's health check: daemon/watches/all.cpp lists it.
const WatchModule& module();
}  // namespace ozw::daemon::api_key
