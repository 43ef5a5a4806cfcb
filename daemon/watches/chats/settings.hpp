#pragma once
// watches.chats: the settings of the chats watch, with their defaults (the one place they are
// written; systemd/ozonwatch.example.yaml and README.md repeat them for the reader).
#include "common/config.hpp"

namespace ozw::daemon::chats {

using namespace std::chrono_literals;

struct ChatsSettings : WatchSettings {
    ChatsSettings() { interval = 5min; }
};

}  // namespace ozw::daemon::chats
