#pragma once
// watches.api_key: the settings of the API key's health check, with their defaults (the one
// place they are written; systemd/ozonwatch.example.yaml repeats them for the reader).
#include "common/config.hpp"

namespace ozw::daemon::api_key {

using namespace std::chrono_literals;

struct ApiKeySettings : WatchSettings {
    ApiKeySettings() { interval = 24h; }  // /v1/roles once a day (and at every start)
    // source.key_expiring this long before expires_at (keys created since 03.09.2026 live
    // 3 months), source.key_expiring_urgent from critical_before on.
    Millis warn_before = 14 * 24h;
    Millis critical_before = 2 * 24h;
};

}  // namespace ozw::daemon::api_key
